#!/usr/bin/env bats
# 091-ns-join: --ipc, --pid, --uts, --cgroupns and --network with
# container:ID, ns:PATH, host and private, checked from inside (the inode of
# /proc/self/ns/X against the target's); the target as a dependency.
# Containers here use --network none or share a target's, so no bridge,
# veth or nft rule is made.

load helpers
load ctr-helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
}

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODMAN" rm -a -f -t 0 >/dev/null 2>&1 || true
    run grep -c " $POD_RUNROOT/netns/" /proc/self/mountinfo
    is "$output" "0" "no netns mount"
    basic_teardown
}

# ns_inode PID TYPE: the inode of a host process's namespace
ns_inode() { stat -L -c %i "/proc/$1/ns/$2"; }

@test "container: joins the target's ipc, pid, uts and net namespaces" {
    local pid want got
    run_pod run -d --name target --network none --hostname tgt busybox sleep 300
    pid=$("$PODMAN" inspect --format '{{.State.Pid}}' target)
    want="$(ns_inode "$pid" ipc) $(ns_inode "$pid" pid) $(ns_inode "$pid" uts) $(ns_inode "$pid" net)"
    run_pod run --rm --ipc container:target --pid container:target --uts container:target \
        --network container:target busybox \
        sh -c 'for t in ipc pid uts net; do stat -L -c %i /proc/self/ns/$t; done | xargs'
    is "$output" "$want" "the same ipc, pid, uts and net namespaces"
    run_pod run --rm --uts container:target --pid container:target busybox sh -c 'hostname; ps -o comm | grep -c sleep'
    is "$output" "tgt
1" "the target's hostname and processes"
    # each separately, and private is a new one
    for t in ipc pid uts; do
        run_pod run --rm --network none "--$t" container:target busybox stat -L -c %i /proc/self/ns/$t
        is "$output" "$(ns_inode "$pid" $t)" "--$t container:"
        run_pod run --rm --network none "--$t" private busybox stat -L -c %i /proc/self/ns/$t
        assert "$output" != "$(ns_inode "$pid" $t)" "--$t private"
    done
    run_pod inspect --format '{{.HostConfig.IpcMode}}' target
    is "$output" "private" "IpcMode default"
}

@test "--network container: shares the target's /etc/hosts and resolv.conf" {
    local want
    run_pod run -d --name target --network none --add-host special.pod90:10.89.90.7 busybox sleep 300
    want=$(cat "$POD_RUNROOT/containers/$("$PODMAN" inspect --format '{{.Id}}' target)/resolv.conf")
    run_pod run --rm --network container:target busybox grep special.pod90 /etc/hosts
    is "$output" "10.89.90.7	special.pod90" "the target's hosts"
    run_pod run --rm --network container:target busybox cat /etc/resolv.conf
    is "$output" "$want" "the target's resolv.conf"
    run_pod inspect --format '{{.HostConfig.NetworkMode}}' target
    is "$output" "none"
}

@test "host and ns:PATH" {
    run_pod run --rm --network none --pid host --uts host busybox sh -c 'stat -L -c %i /proc/self/ns/pid; hostname'
    is "$output" "$(ns_inode $$ pid)
$(hostname)" "host pid and uts"
    run_pod run -d --name target --network none busybox sleep 300
    local pid
    pid=$("$PODMAN" inspect --format '{{.State.Pid}}' target)
    run_pod run --rm --network none --ipc "ns:/proc/$pid/ns/ipc" busybox stat -L -c %i /proc/self/ns/ipc
    is "$output" "$(ns_inode "$pid" ipc)" "ns:PATH"
    run_pod inspect --format '{{.HostConfig.PidMode}}' target
    is "$output" "private"
}

@test "a target is a dependency: started first, not removed alone" {
    run_pod create --name target --network none busybox sleep 300
    run_pod create --name member --network none --ipc container:target busybox sleep 300
    member=$output
    run_pod start member
    run_pod inspect --format '{{.State.Status}}' target
    is "$output" "running" "the target was started first"
    tid=$("$PODMAN" inspect --format '{{.Id}}' target)
    run_pod 125 rm -f target
    is "$output" "Error: container $tid has dependent containers which must be removed before it: $member: container already exists"
    run_pod rm -f -t 0 member
    run_pod rm -f -t 0 target
}

@test "errors: unknown mode, unknown target, target not running" {
    run_pod 125 create --pid bogus busybox true
    is "$output" "Error: unrecognized namespace mode bogus passed"
    run_pod 125 create --ipc container:nosuch busybox true
    is "$output" "Error: looking up container to share ipc namespace with: no container with name or ID \"nosuch\" found: no such container"
    run_pod create --name late --network none --uts ns:/nonexistent busybox true
    run_pod 125 start late
    is "$output" "Error: joining the uts namespace /nonexistent: no such file or directory"
}

@test "pod-infra: static, sleeps until SIGTERM, exits 0" {
    run file "$PODUTILS_BIN/pod-infra"
    assert "$output" =~ "statically linked" "pod-infra is static"
    "$PODUTILS_BIN/pod-infra" &
    local pid=$!
    sleep 0.2
    run kill -0 "$pid"
    is "$status" "0" "still running"
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    is "$rc" "0" "exit 0 on SIGTERM"
    run_tool 125 pod-infra --bogus
    is "$output" "Error: unknown flag: --bogus
See 'pod-infra --help'"
}
