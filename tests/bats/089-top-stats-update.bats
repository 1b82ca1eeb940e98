#!/usr/bin/env bats
# 089-top-stats-update: podman top (descriptors and the ps fallback),
# podman stats, podman update.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "top: the container's processes, not the host's" {
    run_pod run -d --name topc busybox sh -c 'sleep 1000 & exec sleep 2000'
    sleep 0.5
    run_pod top topc
    is "${lines[0]}" "USER        PID         PPID        %CPU        ELAPSED       TTY         TIME        COMMAND" "Podman's default header"
    is "${#lines[@]}" "3" "two processes"
    assert "${lines[1]}" =~ "^root +1 +0 +[0-9.]+ +[0-9.]+(ms|s) +\? +0s +sleep 2000 $" "pid 1"
    assert "${lines[2]}" =~ "^root +[0-9]+ +1 +[0-9.]+ +[0-9.]+(ms|s) +\? +0s +sleep 1000 $" "its child"

    run_pod top topc pid comm hpid user,group
    is "${lines[0]}" "PID         COMMAND     HPID        USER        GROUP" "chosen descriptors"
    local hpid
    hpid=$(awk 'NR==2 {print $3}' <<<"$output")
    run_pod inspect topc --format '{{.State.Pid}}'
    is "$hpid" "$output" "hpid is the host pid"
    run_pod top topc %p %c
    is "${lines[0]}" "PID         COMMAND" "AIX aliases"
    run_pod top topc capeff seccomp
    assert "${lines[1]}" =~ "^CHOWN,DAC_OVERRIDE,.*SYS_CHROOT +filter$" "caps and seccomp"

    # not descriptors: the container's ps runs in its pid namespace
    run_pod top topc -o pid,comm
    is "${lines[0]}" "PID   COMMAND" "ps header"
    assert "$output" =~ "1 sleep" "ps sees the container's pid 1"
    assert "$output" !~ "pod-monitor|bats" "and not the host's processes"

    run_tool pod-top topc pid comm
    is "$(jq -r 'select(.PID == "1") | .COMMAND' <<<"$output")" "sleep" "records"

    run_pod stop -t 0 topc
    run_pod 125 top topc
    is "$output" "Error: top can only be used on running containers" "stopped"
}
