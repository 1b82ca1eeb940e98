#!/usr/bin/env bats
# 045-monitor: pod-monitor supervising real containers run by runc, with a
# busybox bundle. Every test has its own directories, runtime root and
# container, and kills what it started (by pid) in teardown.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    command -v runc >/dev/null || skip "runc is not installed"
    command -v jq >/dev/null || skip "jq is not installed"
    [ -x /bin/busybox ] || skip "no /bin/busybox"
    MON_FIX=$(mktemp -d "${BATS_TMPDIR:-/tmp}/pod-monitor-fix.XXXXXX")
    export MON_FIX
    mkdir -p "$MON_FIX/rootfs/bin" "$MON_FIX/rootfs/proc" "$MON_FIX/rootfs/dev" \
        "$MON_FIX/rootfs/sys" "$MON_FIX/rootfs/tmp"
    cp /bin/busybox "$MON_FIX/rootfs/bin/busybox"
    for a in $("$MON_FIX/rootfs/bin/busybox" --list); do
        [ "$a" = busybox ] || ln -s busybox "$MON_FIX/rootfs/bin/$a"
    done
    (cd "$MON_FIX" && runc spec)
    cc -O2 -Wall -o "$MON_FIX/attach-client" "$PODUTILS_SRC/tests/helpers/attach-client.c"
    cc -O2 -Wall -D_GNU_SOURCE -I"$PODUTILS_SRC/lib" -o "$MON_FIX/monitor-spawn" \
        "$PODUTILS_SRC/tests/helpers/monitor-spawn.c" \
        "${PODUTILS_LIBPOD:-$PODUTILS_BUILD/libpod.a}" $(pkg-config --libs jansson)
}

teardown_file() {
    [ -n "${MON_FIX:-}" ] && rm -rf "$MON_FIX"
}

setup() {
    basic_setup
    T=$PODUTILS_TMP/mon
    CID=podmon-$BATS_TEST_NUMBER-$$
    MON_PID=
    mkdir -p "$T/bundle" "$T/exits" "$T/persist" "$T/sock" "$T/runc"
}

teardown() {
    local p
    if [[ -n "$MON_PID" ]] && kill -0 "$MON_PID" 2>/dev/null; then
        kill -9 "$MON_PID" 2>/dev/null || true
        wait "$MON_PID" 2>/dev/null || true
    fi
    for p in $(cat "$T"/*.clientpid 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    if [[ -s "$T/ctr.pid" ]]; then
        kill -9 "$(cat "$T/ctr.pid")" 2>/dev/null || true
    fi
    runc --root "$T/runc" delete -f "$CID" >/dev/null 2>&1 || true
    basic_teardown
}

# bundle ARG... : config.json running ARG... (no terminal unless TERMINAL=true)
bundle() {
    local args
    args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
    jq --arg root "$MON_FIX/rootfs" --argjson args "$args" --argjson tty "${TERMINAL:-false}" \
        '.root.path = $root | .process.args = $args | .process.terminal = $tty' \
        "$MON_FIX/config.json" > "$T/bundle/config.json"
}

# start_monitor [FLAG...] : pod-monitor in the background; waits for the sync report
start_monitor() {
    "$PODUTILS_BIN/pod-monitor" --cid "$CID" --bundle "$T/bundle" --runtime runc \
        --runtime-root "$T/runc" --log-path "$T/ctr.log" --exit-dir "$T/exits" \
        --persist-dir "$T/persist" --socket-dir "$T/sock" --conmon-pidfile "$T/mon.pid" \
        --container-pidfile "$T/ctr.pid" --start --sync-fd 5 "$@" \
        5>"$T/sync" 3>&- </dev/null >"$T/mon.out" 2>&1 &
    MON_PID=$!
    wait_for_file "$T/sync"
    SYNC=$(cat "$T/sync")
}

# wait_for_file PATH [TENTHS]: until PATH is non-empty
wait_for_file() {
    local i
    for ((i = 0; i < ${2:-100}; i++)); do
        [[ -s "$1" ]] && return 0
        sleep 0.1
    done
    echo "# timed out waiting for $1"
    return 1
}

# wait_monitor: the monitor has finished; $EXIT is the recorded exit code
wait_monitor() {
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$MON_PID" 2>/dev/null || break
        sleep 0.1
    done
    MON_STATUS=0
    wait "$MON_PID" || MON_STATUS=$?
    MON_PID=
    EXIT=$(cat "$T/exits/$CID" 2>/dev/null || true)
}

TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}[+-][0-9]{2}:[0-9]{2}'

@test "pod-monitor: echo lands in the k8s-file log, exit code 0 is recorded" {
    bundle echo hello
    start_monitor
    assert "$SYNC" =~ '^\{"pid":[0-9]+\}$' "sync report"
    wait_monitor
    is "$MON_STATUS" 0 "monitor exit status"
    is "$EXIT" 0 "exit file"
    run cat "$T/ctr.log"
    is "${#lines[@]}" 1 "one log line"
    assert "${lines[0]}" =~ "^$TS stdout F hello\$" "log line"
    run jq -c '[.exit_code, .oom_killed, (.finished_ns > 1700000000000000000)]' "$T/persist/exit.json"
    is "$output" "[0,false,true]" "exit.json"
    # the runtime's delete has run
    run runc --root "$T/runc" list -q
    is "$output" "" "runc list after exit"
}

@test "pod-monitor: a partial line is logged P, the rest F; stderr and exit 3" {
    bundle sh -c 'printf abc; sleep 0.3; echo def; echo oops >&2; exit 3'
    start_monitor
    wait_monitor
    is "$EXIT" 3 "exit file"
    run cat "$T/ctr.log"
    is "${#lines[@]}" 3 "log lines"
    assert "${lines[0]}" =~ "^$TS stdout P abc\$" "partial line"
    assert "${lines[1]}" =~ "^$TS stdout F def\$" "completing line"
    assert "${lines[2]}" =~ "^$TS stderr F oops\$" "stderr line"
    run jq .exit_code "$T/persist/exit.json"
    is "$output" 3 "exit.json exit_code"
}

@test "pod-monitor: the sync fd reports the live container pid; SIGKILL records 137" {
    bundle sleep 100
    start_monitor
    local pid=${SYNC//[^0-9]/}
    is "$pid" "$(cat "$T/ctr.pid")" "sync pid is the runtime's pid file"
    run cat "/proc/$pid/comm"
    is "$output" "sleep" "container process"
    is "$(cat "$T/mon.pid")" "$MON_PID" "conmon pid file"
    kill -9 "$pid"
    wait_monitor
    is "$EXIT" 137 "exit file after SIGKILL"
}

@test "pod-monitor: a missing executable is reported on the sync fd" {
    bundle /no/such/cmd
    start_monitor
    wait_monitor
    is "$MON_STATUS" 127 "monitor exit status"
    run jq -r '[.pid, .runtime] | @tsv' "$T/sync"
    is "$output" "-1	runc" "sync pid and runtime"
    run jq -r .message "$T/sync"
    assert "$output" =~ 'no such file or directory|executable file not found' "runtime message"
    run cat "$T/mon.out"
    assert "$output" =~ '^Error: runc: .*: OCI runtime attempted to invoke a command that was not found$' \
        "monitor error"
    [[ ! -e "$T/exits/$CID" ]] || { echo "# exit file written for a failed create"; false; }
    run runc --root "$T/runc" list -q
    is "$output" "" "failed container deleted"
}

@test "pod-monitor: an attach client receives the output as stream 2 messages" {
    bundle sh -c 'for i in $(seq 1 100); do echo tick $i; sleep 0.1; done'
    start_monitor
    run "$MON_FIX/attach-client" -n 3 "$T/sock"
    is "$status" 0 "attach-client"
    is "${#lines[@]}" 3 "three messages"
    for l in "${lines[@]}"; do assert "$l" =~ '^2\|tick [0-9]+$' "message"; done
    # the client left: the container runs on
    kill -0 "$(cat "$T/ctr.pid")"
}

@test "pod-monitor: two attach clients at once both receive the output" {
    bundle sh -c 'for i in $(seq 1 60); do echo line $i; sleep 0.1; done'
    start_monitor
    "$MON_FIX/attach-client" -u 'line 30' "$T/sock" > "$T/c1.out" 2>&1 3>&- &
    echo $! > "$T/c1.clientpid"
    "$MON_FIX/attach-client" -u 'line 30' "$T/sock" > "$T/c2.out" 2>&1 3>&- &
    echo $! > "$T/c2.clientpid"
    wait "$(cat "$T/c1.clientpid")"
    is "$?" 0 "client 1"
    wait "$(cat "$T/c2.clientpid")"
    is "$?" 0 "client 2"
    assert "$(cat "$T/c1.out")" =~ '2\|line 30' "client 1 output"
    assert "$(cat "$T/c2.out")" =~ '2\|line 30' "client 2 output"
}

@test "pod-monitor: -i sends attach input to the container's stdin" {
    bundle cat
    start_monitor -i
    run "$MON_FIX/attach-client" -i $'hello cat\n' -u 'hello cat' "$T/sock"
    is "$output" "2|hello cat" "echoed input"
    # a client that disconnects does not close stdin
    sleep 0.2
    kill -0 "$(cat "$T/ctr.pid")"
    # one that shuts down its writing side does: cat ends
    run "$MON_FIX/attach-client" -i $'bye\n' -e "$T/sock"
    is "$output" "2|bye" "second client"
    wait_monitor
    is "$EXIT" 0 "cat exit code"
    run cat "$T/ctr.log"
    assert "${lines[1]}" =~ "^$TS stdout F bye\$" "log"
}

@test "pod-monitor: without -i the container's stdin is empty" {
    bundle sh -c 'cat; echo "rc=$?"'
    start_monitor
    wait_monitor
    run cat "$T/ctr.log"
    assert "$output" =~ "^$TS stdout F rc=0\$" "cat sees EOF at once"
}

@test "pod-monitor: -t gives the container a pty, resizes it and logs its output" {
    TERMINAL=true bundle sh -c 'tty; sleep 0.5; stty size'
    start_monitor -t
    printf '1 40 100\n' > "$T/sock/ctl"
    wait_monitor
    is "$EXIT" 0 "exit file"
    run cat "$T/ctr.log"
    assert "${lines[0]}" =~ "^$TS stdout F /dev/pts/[0-9]+"$'\r$' "tty line"
    assert "${lines[1]}" =~ "^$TS stdout F 40 100"$'\r$' "size after resize"
}

@test "pod-monitor: the exit command runs with its args after delete and exit files" {
    cat > "$T/exitcmd" <<EOF
#!/bin/sh
{ echo "args: \$*"; echo "exit: \$(cat '$T/exits/$CID')"; runc --root '$T/runc' list -q | wc -l; } > '$T/exitcmd.out'
exit 1
EOF
    chmod +x "$T/exitcmd"
    bundle sh -c 'exit 7'
    start_monitor --exit-command "$T/exitcmd" --exit-command-arg cleanup \
        --exit-command-arg "--flag=x y"
    wait_monitor
    is "$MON_STATUS" 0 "a failing exit command is not fatal"
    run cat "$T/exitcmd.out"
    is "${lines[0]}" "args: cleanup --flag=x y" "exit command args"
    is "${lines[1]}" "exit: 7" "exit file written before"
    is "${lines[2]}" "0" "runtime delete done before"
    assert "$(cat "$T/mon.out")" =~ 'level=warning msg="exit command .* failed with exit code 1"' \
        "failure logged"
}

@test "pod-monitor: SIGKILL of the monitor leaves the container running" {
    bundle sleep 100
    start_monitor
    local pid=${SYNC//[^0-9]/}
    kill -TERM "$MON_PID"
    sleep 0.2
    kill -0 "$MON_PID" || { echo "# SIGTERM stopped the monitor"; false; }
    kill -9 "$MON_PID"
    wait "$MON_PID" 2>/dev/null || true
    MON_PID=
    sleep 0.2
    run cat "/proc/$pid/comm"
    is "$output" "sleep" "container still running"
    run runc --root "$T/runc" state "$CID"
    is "$(jq -r .status <<< "$output")" "running" "runc state"
}

@test "pod-monitor: --log-size-max starts the log afresh" {
    bundle sh -c 'for i in $(seq 1 20); do echo line $i; sleep 0.01; done'
    start_monitor --log-size-max 200
    wait_monitor
    run cat "$T/ctr.log"
    assert "${#lines[@]}" -le 4 "lines kept"
    assert "${lines[-1]}" =~ "stdout F line 20\$" "last line"
    assert "$(stat -c %s "$T/ctr.log")" -le 200 "log size"
}

@test "pod-monitor: passthrough gives the container the monitor's stdio; none logs nothing" {
    bundle echo through
    start_monitor --log-driver passthrough
    wait_monitor
    is "$(cat "$T/mon.out")" "through" "container output on the monitor's stdout"
    [[ ! -e "$T/ctr.log" ]] || { echo "# log written"; false; }

    CID=$CID-none
    bundle echo nothing
    start_monitor --log-driver none
    wait_monitor
    is "$EXIT" 0 "exit file"
    [[ ! -e "$T/ctr.log" ]] || { echo "# log written"; false; }
}

@test "pod-monitor: bad invocations" {
    run_tool 125 pod-monitor --cid x --bundle /b --runtime runc --log-path /l
    is "$output" "Error: --start is required: pod-monitor always creates and starts the container"
    run_tool 125 pod-monitor --cid x --bundle /b --runtime runc --start
    is "$output" "Error: the k8s-file log driver needs a log path (--log-path)"
    run_tool 125 pod-monitor --cid x --bundle /b --runtime runc --start --log-driver journald
    is "$output" 'Error: invalid log driver "journald": choose from k8s-file, none, passthrough'
}

@test "pod-monitor: its resident memory stays under 2 MiB" {
    bundle sh -c 'while :; do echo tick; sleep 0.05; done'
    # as pod_monitor_spawn starts it
    LC_ALL=C start_monitor -i
    run "$MON_FIX/attach-client" -i $'x\n' -n 5 "$T/sock"
    is "$status" 0 "attach-client"
    local rss anon
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$MON_PID/status")
    anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$MON_PID/status")
    echo "# pod-monitor VmRSS ${rss} kB, RssAnon ${anon} kB" >&3
    assert "$rss" -lt 2048 "VmRSS in kB"
    assert "$anon" -lt 512 "RssAnon in kB"
}

@test "pod-monitor: pod_monitor_spawn detaches it and waits for the sync report" {
    bundle sleep 100
    run "$MON_FIX/monitor-spawn" "$PODUTILS_BIN/pod-monitor" runc "$T/runc" "$T/bundle" "$CID" "$T"
    is "$status" 0 "monitor-spawn: $output"
    assert "${lines[0]}" =~ '^monitor [0-9]+$' "monitor pid"
    assert "${lines[1]}" =~ '^container [0-9]+$' "container pid"
    MON_PID=${lines[0]#monitor }
    local pid=${lines[1]#container }
    is "$pid" "$(cat "$T/ctr.pid")" "container pid"
    is "$(cat "$T/mon.pid")" "$MON_PID" "monitor pid file"
    # not our child, not in our session
    local ppid sid
    read -r ppid sid <<< "$(ps -o ppid=,sid= -p "$MON_PID")"
    [[ "$ppid" != "$$" ]] || { echo "# monitor is the test's child"; false; }
    is "$sid" "$(ps -o sid= -p "$MON_PID" | tr -d ' ')" "sid read"
    [[ "$sid" != "$(ps -o sid= -p $$ | tr -d ' ')" ]] || { echo "# same session"; false; }
    local rss
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$MON_PID/status")
    echo "# spawned pod-monitor VmRSS ${rss} kB" >&3
    assert "$rss" -lt 2048 "VmRSS in kB"
    kill -9 "$pid"
    wait_for_file "$T/exits/$CID"
    is "$(cat "$T/exits/$CID")" 137 "exit file"
    for ((i = 0; i < 50; i++)); do kill -0 "$MON_PID" 2>/dev/null || break; sleep 0.1; done
    MON_PID=

    CID=$CID-nope
    bundle /no/such/cmd
    run -127 "$MON_FIX/monitor-spawn" "$PODUTILS_BIN/pod-monitor" runc "$T/runc" "$T/bundle" "$CID" "$T"
    assert "${lines[1]}" =~ '^Error: runc: .*: OCI runtime attempted to invoke a command that was not found$' \
        "error"
}
