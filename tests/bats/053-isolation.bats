#!/usr/bin/env bats
# 053-isolation: checked from inside the container.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    ctr_leak_check
    basic_teardown
}

@test "own processes, hostname, network, mounts" {
    run_pod run --rm --network none busybox sh -c 'n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n; hostname; ls /sys/class/net | tr "\n" " "'
    is "${lines[0]}" "1" "only its own shell (the loop forks nothing)"
    assert "${lines[1]}" =~ "^[0-9a-f]{12}$" "own hostname"
    is "${lines[2]}" "lo " "private network namespace with loopback only"
    run_pod run --rm --network host busybox hostname
    is "$output" "$(hostname)" "--network host shares the host's"
    run_pod run --rm --network none busybox sh -c 'cat /etc/hostname; grep -c "^127.0.0.1.*localhost" /etc/hosts; test -s /etc/resolv.conf && echo resolv; cat /run/.containerenv | head -1'
    assert "${lines[1]}" -ge 1 "/etc/hosts"
    is "${lines[2]}" "resolv" "/etc/resolv.conf"
    is "${lines[3]}" "engine=\"podman-0.1.0\"" ".containerenv"
}

@test "capabilities: Podman's default set, --cap-add/--cap-drop, --privileged" {
    run_pod run --rm busybox grep CapEff /proc/self/status
    is "$output" "CapEff:	00000000800405fb" "default"
    run_pod run --rm --cap-drop chown --cap-add net_admin busybox grep CapEff /proc/self/status
    is "$output" "CapEff:	00000000800415fa" "drop CHOWN, add NET_ADMIN"
    run_pod run --rm --user 1000 busybox grep CapEff /proc/self/status
    is "$output" "CapEff:	0000000000000000" "non-root user"
    run_pod run --rm --privileged busybox grep -E 'CapEff|Seccomp:' /proc/self/status
    is "${lines[0]}" "CapEff:	$(awk '/^CapBnd/ { print $2 }' /proc/self/status)" "privileged: all we have"
    is "${lines[1]}" "Seccomp:	0" "no seccomp when privileged"
}

@test "seccomp: the default profile blocks what Podman's blocks unless unconfined" {
    run_pod run --rm busybox grep Seccomp: /proc/self/status
    is "$output" "Seccomp:	2" "filter on"
    run_pod '?' run --rm --cap-add SYS_ADMIN busybox busybox swapon /dev/null
    is "$output" "swapon: /dev/null: Operation not permitted" "swapon denied by seccomp"
    run_pod '?' run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined busybox busybox swapon /dev/null
    is "$output" "swapon: /dev/null: Invalid argument" "unconfined: the kernel answers"
    run_pod run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
    is "$output" "NoNewPrivs:	1" "no-new-privileges"
}

@test "--read-only holds, with writable tmpfs unless --read-only-tmpfs=false" {
    run_pod run --rm --read-only busybox sh -c 'touch /x 2>/dev/null; echo $?; touch /tmp/x; echo $?'
    is "${lines[0]}" "1" "rootfs is read-only"
    is "${lines[1]}" "0" "/tmp is writable"
    run_pod run --rm --read-only --read-only-tmpfs=false busybox sh -c 'touch /tmp/x 2>/dev/null; echo $?'
    is "$output" "1" "no tmpfs"
}

@test "bind mounts: where asked, read-only when asked; --tmpfs; --mount" {
    mkdir -p "$PODUTILS_TMP/h"
    echo data > "$PODUTILS_TMP/h/f"
    run_pod '?' run --rm -v "$PODUTILS_TMP/h:/data:ro" busybox sh -c 'cat /data/f; echo x 2>/dev/null > /data/g; echo $?'
    is "${lines[0]}" "data" "visible"
    is "${lines[-1]}" "1" "ro"
    run_pod run --rm -v "$PODUTILS_TMP/h:/data" busybox sh -c 'echo x > /data/g'
    is "$(cat "$PODUTILS_TMP/h/g")" "x" "rw reaches the host"
    run_pod run --rm --mount "type=bind,src=$PODUTILS_TMP/h,dst=/m,ro=true" busybox cat /m/f
    is "$output" "data" "--mount type=bind"
    run_pod run --rm --tmpfs /scratch:size=1m busybox sh -c 'grep " /scratch " /proc/mounts'
    assert "$output" =~ "^tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k" "--tmpfs"
    run_pod 125 run --rm -v /no/such/dir:/x busybox true
    assert "$output" =~ "no such file or directory" "missing host path"
}

@test "--memory: a hog is OOM-killed and inspect says so" {
    run_pod 137 run --name hog --memory 32m busybox sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
    run_pod inspect hog --format '{{.State.OOMKilled}} {{.State.ExitCode}}'
    is "$output" "true 137" "OOMKilled"
}

@test "--pids-limit stops a fork bomb; resources reach the cgroup" {
    run_pod '?' run --rm --pids-limit 10 busybox sh -c 'i=0; while [ $i -lt 30 ]; do sleep 3 & i=$((i+1)); done; echo all-forked'
    assert "$output" =~ "can't fork" "forks fail at the limit"
    run_pod run --rm busybox sh -c 'i=0; while [ $i -lt 30 ]; do sleep 1 & i=$((i+1)); done; echo all-forked'
    is "$output" "all-forked" "the default limit (2048) allows 30"
    run_pod run --rm --memory 64m --cpu-shares 512 busybox sh -c 'read m < /sys/fs/cgroup/memory/memory.limit_in_bytes; read s < /sys/fs/cgroup/cpu/cpu.shares; read p < /sys/fs/cgroup/pids/pids.max; echo $m $s $p'
    is "$output" "67108864 512 2048" "limits"
}

@test "--init: an init is pid 1 and passes the stop signal on" {
    run_pod run --rm --init busybox cat /proc/1/comm
    is "$output" "podman-init" "init is pid 1"
    # sleep as pid 1 would ignore SIGTERM; under the init it dies of it at once
    run_pod run -d --init --name i busybox sleep 100
    # let the init install its handlers and start sleep before the signal
    sleep 1
    local t0=$SECONDS
    run_pod stop -t 10 i
    assert $((SECONDS - t0)) -lt 5 "the init forwarded SIGTERM"
    run_pod inspect i --format '{{.State.ExitCode}}'
    is "$output" "143" "sleep died of SIGTERM"
    # our own init: usable when built static, refused clearly when not
    if ldd "$PODUTILS_BIN/pod-init" >/dev/null 2>&1; then
        run_pod 125 run --rm --init --init-path "$PODUTILS_BIN/pod-init" busybox true
        assert "$output" =~ "dynamically linked" "a dynamic init is refused clearly"
    else
        run_pod run --rm --init --init-path "$PODUTILS_BIN/pod-init" busybox sleep 0
        is "$output" "" "pod-init runs the command"
    fi
}

@test "nothing is left behind: mounts, cgroups, processes, run files" {
    run_pod run -d --name a busybox sleep 100
    local pid id
    pid=$("$PODMAN" inspect a --format '{{.State.Pid}}')
    id=$("$PODMAN" inspect a --format '{{.Id}}')
    run_pod rm -f -t 0 a
    run kill -0 "$pid"
    is "$status" 1 "the process is gone"
    is "$(ls "$POD_ROOT/containers" "$POD_RUNROOT/containers")" "$POD_ROOT/containers:

$POD_RUNROOT/containers:" "no container files"
    # only this container's: other test runs on the machine have their own
    run bash -c "ls -d /sys/fs/cgroup/*/libpod_parent/libpod-$id 2>/dev/null | wc -l"
    is "$output" "0" "no container cgroups"
}

@test "--dns, --dns-search, --add-host shape the run files" {
    run_pod run --rm --dns-search example.com --add-host db:10.0.0.5 busybox sh -c 'grep search /etc/resolv.conf; head -1 /etc/hosts'
    is "$output" "search example.com
10.0.0.5	db" "run files"
    run_pod run --rm --network host --dns 1.2.3.4 --dns-search example.com --add-host db:10.0.0.5 busybox sh -c 'cat /etc/resolv.conf; head -1 /etc/hosts'
    is "$output" "search example.com
nameserver 1.2.3.4
10.0.0.5	db" "run files"
}
