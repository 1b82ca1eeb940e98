#!/usr/bin/env bats
# 081-attach-pause: attach (output, stdin, detach keys, several attachers),
# start -a / -ai, and pause/unpause (a frozen counter, states, stop, kill and
# rm -f of a paused container, runc, pod-oci pause/resume).

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

# pty_run SEND CMD...: CMD on a new 24x80 pty; SEND (Python escapes) is typed
# once the output shows "ready"; prints the output (CR LF -> LF) and "rc=N"
pty_run() {
    python3 - "$@" <<'EOF'
import fcntl, os, pty, select, struct, sys, termios, time
send = sys.argv[1].encode().decode("unicode_escape")
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
out, sent, deadline = b"", not send, time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    if b"ready" in out and not sent:
        time.sleep(0.2)
        os.write(fd, send.encode("latin-1"))
        sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
print("rc=%d" % os.waitstatus_to_exitcode(st))
EOF
}

@test "attach: output from now on, several attachers, exit 0 when it ends" {
    run_pod run -d --name a1 busybox sh -c 'echo early; sleep 1.5; echo late; exit 3'
    sleep 0.3
    "$PODMAN" attach a1 >"$PODUTILS_TMP/second" 2>&1 &
    local bg=$!
    run_pod attach a1
    is "$output" "late" "only what came after attaching"
    wait $bg
    is "$(cat "$PODUTILS_TMP/second")" "late" "a second attacher at the same time"
    run_pod 125 attach a1
    is "$output" "Error: you can only attach to running containers" "not running"
    run_pod 125 attach nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container'
}

@test "attach: stdin of an -i container; --no-stdin; container attach alias" {
    run_pod run -d -i --name a2 busybox sh -c 'read line; echo got:$line; sleep 0.5'
    run bash -c "echo hello | '$PODMAN' attach a2"
    is "$output" "got:hello" "our stdin reaches the container"
    run_pod run -d -i --name a3 busybox sh -c 'sleep 1; echo alive; sleep 0.3'
    run bash -c "echo ignored | '$PODMAN' container attach --no-stdin a3"
    is "$output" "alive" "--no-stdin keeps the container's stdin open"
}

@test "attach -t container: detach keys leave it running; custom keys" {
    run_pod run -dit --name a4 busybox sh -c 'while :; do echo ready; sleep 0.5; done'
    run pty_run "\x10\x11" "$PODMAN" attach a4
    assert "$output" =~ "ready" "attached output"
    assert "$output" =~ "rc=0" "detached with ctrl-p,ctrl-q"
    run_pod inspect a4 --format '{{.State.Status}}'
    is "$output" "running" "the container runs on"
    run pty_run "\x18" "$PODMAN" attach --detach-keys ctrl-x a4
    assert "$output" =~ "rc=0" "--detach-keys ctrl-x"
    run_pod inspect a4 --format '{{.State.Status}}'
    is "$output" "running" "still running"
    run_pod 125 attach --detach-keys bogus-key a4
    assert "$output" =~ "invalid detach keys" "a bad key spec"
}

@test "start -a and start -ai on a created container" {
    run_pod create --name s1 busybox sh -c 'echo out; echo err >&2; exit 4'
    run_pod 4 start -a s1
    is "$output" "out
err" "start -a streams the output and exits with its code"
    run_pod create -i --name s2 busybox sh -c 'read x; echo got:$x'
    run bash -c "echo typed | '$PODMAN' start -ai s2"
    is "$output" "got:typed" "start -ai passes stdin"
    # start -a right after create, many times: no race with the monitor's socket
    for i in 1 2 3 4 5; do
        run_pod create --name r$i busybox echo hi$i
        run_pod start -a r$i
        is "$output" "hi$i" "start -a #$i"
    done
}

@test "pause: state paused, the process is frozen; unpause resumes it" {
    # the counter is replaced by a rename, so a read never sees a file
    # that the shell has truncated but not yet written
    run_pod run -d --name p1 busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/c; sleep 0.05; done'
    local id=$output
    sleep 0.5
    run_pod pause p1
    is "$output" "p1" "pause prints the name"
    run_pod inspect p1 --format '{{.State.Status}} {{.State.Paused}} {{.State.Running}}'
    is "$output" "paused true false" "inspect"
    run_pod ps -a --format '{{.Names}} {{.Status}}'
    is "$output" "p1 Paused" "ps STATUS"
    run_pod ps --format '{{.Names}}'
    is "$output" "" "like Podman, ps without -a lists only running containers"
    local a b
    a=$(cat "$POD_ROOT/containers/$id/merged/tmp/c")
    sleep 0.5
    b=$(cat "$POD_ROOT/containers/$id/merged/tmp/c")
    is "$b" "$a" "the counter does not move while paused"
    run_pod 125 pause p1
    is "$output" "Error: \"$id\" is already paused: container state improper"
    run_pod 255 exec p1 true
    assert "$output" =~ "can only create exec sessions on running containers" "no exec while paused"
    run_pod unpause p1
    is "$output" "p1" "unpause prints the name"
    sleep 0.5
    b=$(cat "$POD_ROOT/containers/$id/merged/tmp/c")
    assert "$b" -gt "$a" "the counter moves again"
    run_pod 125 unpause p1
    is "$output" "Error: \"$id\" is not paused, can't unpause: container state improper"
    run_pod inspect p1 --format '{{.State.Status}}'
    is "$output" "running"
    run_pod create --name p0 busybox true
    run_pod 125 pause p0
    is "$output" "Error: \"created\" is not running, can't pause: container state improper" "Podman's message"
}

@test "a paused container: rm needs -f, kill and stop work; pause -a / unpause -a" {
    run_pod run -d --name q1 busybox sleep 1000
    run_pod pause q1
    run_pod 2 rm q1
    assert "$output" =~ "as it is paused - running or paused containers cannot be removed without force" "rm"
    run_pod kill q1
    run_pod wait q1
    is "$output" "137" "kill of a paused container"
    run_pod run -d --name q2 busybox sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
    run_pod pause q2
    run_pod stop -t 5 q2
    run_pod inspect q2 --format '{{.State.Status}} {{.State.ExitCode}}'
    is "$output" "exited 0" "stop thaws and the process handles SIGTERM"
    run_pod run -d --name q3 busybox sleep 1000
    run_pod run -d --name q4 -l pick=1 busybox sleep 1000
    run_pod pause --filter label=pick=1
    run_pod inspect q4 --format '{{.ID}}'
    local q4=$output
    run_pod ps -a --filter status=paused --format '{{.Names}}'
    is "$output" "q4" "--filter picks"
    run_pod pause -a
    run_pod ps -a --filter status=paused --format '{{.Names}}' --sort names
    is "$output" "q3
q4" "pause -a"
    run_pod unpause -a
    assert "$output" =~ "$q4" "unpause -a prints the IDs"
    run_pod ps -a --filter status=paused --format '{{.Names}}'
    is "$output" "" "none paused"
    run_pod pause q3
    run_pod rm -f -t 0 q3
    run_pod 1 container exists q3
}

@test "pause with runc, and pod-oci pause/resume" {
    if command -v runc >/dev/null; then
        run_pod --runtime runc run -d --name rc1 busybox sleep 1000
        local id=$output
        run_pod pause rc1
        run runc --root "$POD_RUNROOT/runc" state "$id"
        assert "$output" =~ '"status": "paused"' "runc sees it paused"
        run_pod unpause rc1
        run runc --root "$POD_RUNROOT/runc" state "$id"
        assert "$output" =~ '"status": "running"' "and running again"
        run_pod rm -f -t 0 rc1
    fi
    run_pod run -d --name oc busybox sleep 1000
    local id=$output
    local R=$POD_RUNROOT/pod-oci
    run_tool pod-oci --root "$R" pause "$id"
    run_tool pod-oci --root "$R" state "$id"
    is "$(jq -r .status <<<"$output")" "paused" "pod-oci state"
    run_tool 1 pod-oci --root "$R" pause "$id"
    assert "$output" =~ "container not running" "runc's words"
    run_tool 1 pod-oci --root "$R" exec "$id" true
    assert "$output" =~ "cannot exec in a paused container"
    run_tool pod-oci --root "$R" resume "$id"
    run_tool pod-oci --root "$R" state "$id"
    is "$(jq -r .status <<<"$output")" "running" "resumed"
    run_tool 1 pod-oci --root "$R" resume "$id"
    assert "$output" =~ "container not paused"
    run_pod rm -f -t 0 oc
    run_pod 1 container exists oc
}
