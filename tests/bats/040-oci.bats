#!/usr/bin/env bats
# 040-oci.bats - pod-oci, the built-in OCI runtime, on a busybox bundle.

load helpers

BUSYBOX=${BUSYBOX:-/bin/busybox}
OCI_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]'

setup() {
    basic_setup
    if [[ $(id -u) != 0 ]]; then
        skip "pod-oci tests need root"
    fi
    if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
        skip "needs a static $BUSYBOX"
    fi
    OCI_ROOT=$PODUTILS_TMP/oci-state
    BUNDLE=$PODUTILS_TMP/bundle
    mkdir -p "$BUNDLE/rootfs/bin" "$BUNDLE/rootfs/tmp" "$BUNDLE/rootfs/etc"
    cp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
    for c in sh id cat echo ls mkdir grep hostname wc sleep touch tty mount head ulimit stat; do
        ln -sf busybox "$BUNDLE/rootfs/bin/$c"
    done
    run_tool 0 pod-oci spec --bundle "$BUNDLE"
    # non-interactive by default, like `runc spec` then an edit
    edit_config '.process.terminal = false'
}

teardown() {
    if [[ -n "${OCI_ROOT:-}" && -d "$OCI_ROOT" ]]; then
        for id in $("$PODUTILS_BIN/pod-oci" --root "$OCI_ROOT" list -q 2>/dev/null); do
            "$PODUTILS_BIN/pod-oci" --root "$OCI_ROOT" delete -f "$id" || true
        done
    fi
    basic_teardown
}

# edit_config JQ-FILTER [JQ ARGS...]: rewrite the bundle's config.json
edit_config() {
    local filter=$1; shift
    jq "$@" "$filter" "$BUNDLE/config.json" > "$BUNDLE/config.json.new"
    mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args
set_args() {
    local a
    a=$(for x in "$@"; do jq -n --arg x "$x" '$x'; done | jq -s -c .)
    edit_config '.process.args = $a' --argjson a "$a"
}

# oci_bg ARGS...: pod-oci for commands that leave a container running; its
# init inherits stdio, so it must not hold the pipe that `run` reads
oci_bg() {
    if ! "$PODUTILS_BIN/pod-oci" --root "$OCI_ROOT" "$@" </dev/null >"$PODUTILS_TMP/bg.out" 2>&1; then
        echo "# pod-oci $* failed:"
        sed 's/^/#   /' "$PODUTILS_TMP/bg.out"
        return 1
    fi
}

# run_oci [RC] ARGS...: pod-oci --root OCI_ROOT ARGS...
run_oci() {
    local expect=0
    case "${1:-}" in
        [0-9]|[0-9][0-9]|[0-9][0-9][0-9]) expect=$1; shift ;;
        '?') expect='?'; shift ;;
    esac
    run_tool "$expect" pod-oci --root "$OCI_ROOT" "$@"
}

@test "oci: run prints the process output" {
    set_args echo hello from the container
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "hello from the container" "output of echo"
    # run deletes the container once it exits
    run_oci 0 list -q
    is "$output" "" "no container left"
}

@test "oci: exit codes pass through" {
    local -a cases=("exit 0:0" "exit 3:3" "exit 42:42" "exit 255:255")
    for c in "${cases[@]}"; do
        set_args sh -c "${c%%:*}"
        run_oci "${c##*:}" run --bundle "$BUNDLE" c1
    done
}

@test "oci: a missing executable is 127, a non-executable file 126" {
    set_args no-such-program
    run_oci 127 run --bundle "$BUNDLE" c1
    assert "$output" =~ 'exec: "no-such-program": executable file not found in \$PATH' \
        "message for a missing program"
    echo "not a program" > "$BUNDLE/rootfs/bin/data"
    chmod 0644 "$BUNDLE/rootfs/bin/data"
    set_args /bin/data
    run_oci 126 run --bundle "$BUNDLE" c1
    assert "$output" =~ 'permission denied' "message for a non-executable file"
    run_oci 0 list -q
    is "$output" "" "failed creates leave no state"
}

@test "oci: the process is pid 1 of its pid namespace" {
    set_args sh -c 'echo $$; head -c 2 /proc/self/stat; echo'
    run_oci 0 run --bundle "$BUNDLE" c1
    is "${lines[0]}" "1" "shell pid"
    # the stat line of a child of pid 1 starts with its own pid, not 1
    assert "${lines[1]}" != "1 " "cat is not pid 1"
}

@test "oci: hostname from the spec" {
    edit_config '.hostname = "oci-test-host"'
    set_args hostname
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "oci-test-host"
}

@test "oci: masked and read-only paths" {
    edit_config '.linux.maskedPaths += ["/proc/keys"]'
    set_args sh -c 'echo keys=$(wc -c < /proc/keys); echo firmware=$(ls /sys/firmware | wc -l);
        if [ -e /proc/kcore ]; then echo kcore=$(wc -c < /proc/kcore); else echo kcore=0; fi;
        echo 1 > /proc/sys/kernel/domainname || echo ro-sys'
    run_oci 0 run --bundle "$BUNDLE" c1
    assert "$output" =~ "keys=0" "/proc/keys masked by /dev/null"
    assert "$output" =~ "firmware=0" "/sys/firmware masked by an empty tmpfs"
    assert "$output" =~ "kcore=0" "/proc/kcore masked (or absent)"
    assert "$output" =~ "Read-only file system" "/proc/sys is read-only"
    assert "$output" =~ "ro-sys" "the write failed"
}

@test "oci: only the default and listed devices exist" {
    set_args sh -c 'echo $(ls /dev); ls -l /dev/ptmx'
    run_oci 0 run --bundle "$BUNDLE" c1
    is "${lines[0]}" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero" \
        "/dev holds the default set only"
    assert "${lines[1]}" =~ "ptmx -> pts/ptmx" "ptmx is the devpts one"
    [[ -e /dev/kmsg ]]  # ... while the host has more

    edit_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 432}]'
    set_args stat -c '%F %t:%T %a' /dev/kmsg
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "character special file 1:b 660" "a listed device is created"
}

@test "oci: capabilities are exactly the requested sets" {
    edit_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c, inheritable: $c}' \
        --argjson c "$OCI_CAPS"
    set_args grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status
    run_oci 0 run --bundle "$BUNDLE" c1
    assert "$output" =~ "CapEff:	00000000800405fb" "effective = Podman's 11 caps"
    assert "$output" =~ "CapBnd:	00000000800405fb" "bounding = Podman's 11 caps"
    assert "$output" =~ "CapAmb:	0000000000000000" "no ambient caps"

    edit_config '.process.capabilities.bounding = ["CAP_NO_SUCH"]'
    run_oci 1 run --bundle "$BUNDLE" c1
    is "$output" 'Error: config.json: process.capabilities.bounding: unknown capability "CAP_NO_SUCH"'
}

@test "oci: no_new_privs" {
    set_args grep NoNewPrivs /proc/self/status
    edit_config '.process.noNewPrivileges = true'
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "NoNewPrivs:	1"
    edit_config '.process.noNewPrivileges = false'
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "NoNewPrivs:	0"
}

@test "oci: seccomp denies mkdir with EPERM" {
    edit_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        syscalls: [{names: ["mkdir", "mkdirat", "no_such_syscall"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
    set_args sh -c 'mkdir /dev/shm/x; echo rc=$?; touch /dev/shm/y && echo touched'
    run_oci 0 run --bundle "$BUNDLE" c1
    assert "$output" =~ "Operation not permitted" "mkdir fails"
    assert "$output" =~ "rc=1" "mkdir exit code"
    assert "$output" =~ "touched" "other syscalls work"
}

@test "oci: rlimits are applied and clamped to the caller's hard limit" {
    local hard
    hard=$(ulimit -Hn)
    edit_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200}]'
    set_args sh -c 'ulimit -n; ulimit -Hn'
    run_oci 0 run --bundle "$BUNDLE" c1
    is "${lines[0]}" "100" "soft nofile"
    is "${lines[1]}" "200" "hard nofile"

    edit_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1073741816, hard: 1073741816}]'
    run_oci 0 --debug --log "$PODUTILS_TMP/oci.log" run --bundle "$BUNDLE" c1
    is "${lines[0]}" "$hard" "soft nofile clamped"
    is "${lines[1]}" "$hard" "hard nofile clamped"
    run grep -c 'clamped' "$PODUTILS_TMP/oci.log"
    assert "$output" -ge 1 "clamping is logged at debug level"
}

@test "oci: user and groups" {
    edit_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20]}'
    set_args id
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "uid=1000 gid=1000 groups=10,20"
}

@test "oci: a read-only root and a read-only bind mount" {
    mkdir -p "$PODUTILS_TMP/data"
    echo content > "$PODUTILS_TMP/data/file"
    edit_config '.root.readonly = true | .mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind", "ro"]}]' \
        --arg s "$PODUTILS_TMP/data"
    set_args sh -c 'touch /newfile || echo root-ro; cat /data/file; touch /data/x || echo bind-ro; touch /dev/shm/ok && echo tmpfs-rw'
    run_oci 0 run --bundle "$BUNDLE" c1
    assert "$output" =~ "root-ro" "root refuses writes"
    assert "$output" =~ "content" "bind mount readable"
    assert "$output" =~ "bind-ro" "bind mount refuses writes"
    assert "$output" =~ "tmpfs-rw" "/dev/shm stays writable"
    [[ ! -e "$PODUTILS_TMP/data/x" ]]
    [[ ! -e "$BUNDLE/rootfs/newfile" ]]
}

@test "oci: create, start, state, kill, delete" {
    set_args sleep 1000
    oci_bg create --bundle "$BUNDLE" --pid-file "$PODUTILS_TMP/pid" c1
    run_oci 0 state c1
    local st=$output
    is "$(jq -r .status <<<"$st")" "created" "status after create"
    is "$(jq -r .id <<<"$st")" "c1" "id"
    is "$(jq -r .bundle <<<"$st")" "$BUNDLE" "bundle"
    is "$(jq -r .pid <<<"$st")" "$(cat "$PODUTILS_TMP/pid")" "pid file matches the state"
    is "$(jq -r .ociVersion <<<"$st")" "1.1.0" "ociVersion"

    run_oci 1 create --bundle "$BUNDLE" c1
    assert "$output" =~ "container with id exists: c1" "duplicate id"

    oci_bg start c1
    run_oci 0 state c1
    is "$(jq -r .status <<<"$output")" "running" "status after start"
    run_oci 1 start c1
    assert "$output" =~ "cannot start an already running container"

    run_oci 0 list --format json
    is "$(jq -r '.[0].id + " " + .[0].status' <<<"$output")" "c1 running" "list json"
    run_oci 0 list
    assert "${lines[1]}" =~ "^c1 +[0-9]+ +running +$BUNDLE" "list table"

    run_oci 1 delete c1
    assert "$output" =~ "cannot delete container c1 that is not stopped: running"

    run_oci 0 kill c1 KILL
    for _ in $(seq 50); do
        run_oci 0 state c1
        [[ $(jq -r .status <<<"$output") == stopped ]] && break
        sleep 0.1
    done
    is "$(jq -r .status <<<"$output")" "stopped" "status after kill"
    run_oci 1 kill c1 TERM
    assert "$output" =~ "container not running"
    run_oci 0 delete c1
    run_oci 1 state c1
    assert "$output" =~ 'container "c1" does not exist'
    run_oci 0 delete -f c1
}

@test "oci: kill signal names and delete -f of a running container" {
    set_args sh -c 'trap "echo got-usr1 > /dev/shm/sig" USR1; while :; do sleep 0.1; done'
    oci_bg run --detach --bundle "$BUNDLE" c1
    run_oci 1 kill c1 SIGNOPE
    assert "$output" =~ 'unknown signal "SIGNOPE"'
    run_oci 0 kill c1 SIGUSR1
    for _ in $(seq 50); do
        run_oci '?' exec c1 cat /dev/shm/sig
        [[ $status == 0 ]] && break
        sleep 0.1
    done
    is "$output" "got-usr1" "the trap ran"
    run_oci 0 delete -f c1
    run_oci 0 list -q
    is "$output" "" "deleted"
}

@test "oci: exec joins the container" {
    set_args sleep 1000
    edit_config '.hostname = "exec-host"'
    oci_bg run --detach --bundle "$BUNDLE" c1
    run_oci 0 exec c1 sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; ls /proc | grep -c "^[0-9]"'
    is "${lines[0]}" "exec-host" "uts namespace"
    assert "${lines[1]}" =~ "^sleep 1000" "pid namespace"
    run_oci 0 exec --user 1000:1000 --env FOO=bar c1 sh -c 'id; echo $FOO'
    is "${lines[0]}" "uid=1000 gid=1000" "exec --user"
    is "${lines[1]}" "bar" "exec --env"
    run_oci 5 exec c1 sh -c 'exit 5'
    run_oci 127 exec c1 no-such-program
    assert "$output" =~ "executable file not found"
}

@test "oci: a symlink in the rootfs cannot redirect a mount to the host" {
    local victim=/oci-escape-test-$$
    [[ ! -e $victim ]]
    ln -s / "$BUNDLE/rootfs/mnt"
    edit_config '.mounts += [{destination: ("/mnt" + $v), type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]' \
        --arg v "$victim"
    set_args sh -c "grep -c ' $victim ' /proc/self/mountinfo"
    run_oci 0 run --bundle "$BUNDLE" c1
    is "$output" "1" "the tmpfs is on $victim inside the rootfs"
    [[ ! -e $victim ]]
    [[ -d "$BUNDLE/rootfs$victim" ]]
    run grep -c " $victim " /proc/self/mountinfo
    is "$output" "0" "nothing mounted on the host"
}

@test "oci: terminal with a console socket" {
    local helper=$PODUTILS_TMP/oci-console-recv
    cc -O2 -o "$helper" "$PODUTILS_SRC/tests/oci-console-recv.c"
    edit_config '.process.terminal = true'
    set_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty'
    "$helper" "$PODUTILS_TMP/console.sock" > "$PODUTILS_TMP/console.out" &
    local hpid=$!
    for _ in $(seq 50); do [[ -S $PODUTILS_TMP/console.sock ]] && break; sleep 0.1; done
    run_oci 0 run --console-socket "$PODUTILS_TMP/console.sock" --bundle "$BUNDLE" c1
    wait $hpid
    local out
    out=$(tr -d '\r' < "$PODUTILS_TMP/console.out")
    assert "$out" =~ "pty: yes" "a pty master was received"
    assert "$out" =~ "/dev/pts/0" "the slave is the container's first pty"
    assert "$out" =~ "stdio-is-tty" "stdio is the terminal"

    run_oci 1 run --detach --bundle "$BUNDLE" c2 </dev/null
    assert "$output" =~ "cannot allocate a tty when detaching without a console socket"
}

@test "oci: prestart and poststop hooks get the state" {
    edit_config '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", $cmd]}]}' \
        --arg cmd "cat > $PODUTILS_TMP/hook.json"
    set_args sleep 1000
    oci_bg create --bundle "$BUNDLE" c1
    run_oci 0 state c1
    local pid
    pid=$(jq -r .pid <<<"$output")
    is "$(jq -r .id "$PODUTILS_TMP/hook.json")" "c1" "hook sees the id"
    is "$(jq -r .pid "$PODUTILS_TMP/hook.json")" "$pid" "hook sees the pid"
    is "$(jq -r .bundle "$PODUTILS_TMP/hook.json")" "$BUNDLE" "hook sees the bundle"
    run_oci 0 delete -f c1

    edit_config '.hooks = {createRuntime: [{path: "/bin/false"}]}'
    run_oci 1 create --bundle "$BUNDLE" c2 </dev/null
    assert "$output" =~ "createRuntime hook /bin/false: exit status 1" "a failing hook fails create"
    run_oci 0 list -q
    is "$output" "" "nothing left behind"

    edit_config '.hooks = {prestart: [{path: "/bin/sleep", args: ["sleep", "10"], timeout: 1}]}'
    run_oci 1 create --bundle "$BUNDLE" c3 </dev/null
    assert "$output" =~ "timed out after 1 seconds" "hook timeout"

    # poststop runs at delete, with the state "stopped" (the state file says
    # whether the config has any, so that a delete without reads no config)
    edit_config '.hooks = {poststop: [{path: "/bin/sh", args: ["sh", "-c", $cmd]}]}' \
        --arg cmd "cat > $PODUTILS_TMP/poststop.json"
    set_args sleep 1000
    oci_bg create --bundle "$BUNDLE" c4
    run_oci 0 delete -f c4
    is "$(jq -r .id "$PODUTILS_TMP/poststop.json")" "c4" "poststop sees the id"
    is "$(jq -r .status "$PODUTILS_TMP/poststop.json")" "stopped" "poststop sees it stopped"
}

@test "oci: bad config.json is refused with a clear error" {
    local -a cases=(
        '.linux.namespaces += [{type: "bogus"}]|config.json: linux.namespaces[6]: unknown namespace type "bogus"'
        '.process.cwd = "relative"|config.json: process.cwd: "relative" is not an absolute path'
        '.mounts[0].destination = "proc"|config.json: mounts[0]: "proc" is not an absolute path'
        'del(.ociVersion)|config.json: ociVersion: is required'
    )
    local orig
    orig=$(cat "$BUNDLE/config.json")
    for c in "${cases[@]}"; do
        echo "$orig" > "$BUNDLE/config.json"
        edit_config "${c%%|*}"
        run_oci 1 run --bundle "$BUNDLE" c1
        is "$output" "Error: ${c#*|}" "${c%%|*}"
    done
}

@test "oci: spec, features, --systemd-cgroup" {
    run_oci 1 spec --bundle "$BUNDLE"
    assert "$output" =~ "exists" "spec does not overwrite"
    run_oci 0 features
    is "$(jq -r '.linux.namespaces | index("pid") != null' <<<"$output")" "true" "features: namespaces"
    is "$(jq -r '.linux.seccomp.enabled' <<<"$output")" "true" "features: seccomp"
    mkdir "$PODUTILS_TMP/rl"
    run_oci 0 spec --rootless --bundle "$PODUTILS_TMP/rl"
    is "$(jq -r '.linux.uidMappings[0].hostID' "$PODUTILS_TMP/rl/config.json")" "0" "rootless spec maps us"
    run_oci 1 --systemd-cgroup list
    assert "$output" =~ "--systemd-cgroup is not supported"
}

@test "oci: same output as runc" {
    if ! command -v runc >/dev/null; then
        skip "runc is not installed"
    fi
    edit_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c, inheritable: $c}
        | .process.user = {uid: 0, gid: 0} | .process.noNewPrivileges = true' --argjson c "$OCI_CAPS"
    set_args sh -c 'id; grep Cap /proc/self/status; grep NoNewPrivs /proc/self/status; hostname'
    run_oci 0 run --bundle "$BUNDLE" c1
    local ours=$output
    run runc --root "$PODUTILS_TMP/runc-state" run --bundle "$BUNDLE" c1
    is "$status" "0" "runc ran"
    is "$ours" "$output" "pod-oci and runc agree"
}
