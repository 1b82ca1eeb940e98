#!/usr/bin/env bats
# 080-exec: podman exec - the container's namespaces, cgroup, capabilities and
# seccomp; exit codes; -e/--env-file/-w/-u/--privileged; -d sessions in
# ExecIDs; -it through a pty with detach keys; stdin; --preserve-fds; runc.

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

# pty_run ROWS COLS SEND CMD...: runs CMD on a new pty of that size, types
# SEND (Python escapes) after the first output, prints what it wrote (CR LF
# -> LF) and "rc=N"
pty_run() {
    python3 - "$@" <<'EOF'
import fcntl, os, pty, select, struct, sys, termios, time
rows, cols, send = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode().decode("unicode_escape")
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execvp(sys.argv[4], sys.argv[4:])
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
    if out and not sent:
        time.sleep(0.2)
        os.write(fd, send.encode("latin-1"))
        sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
print("rc=%d" % os.waitstatus_to_exitcode(st))
EOF
}

@test "exec: the container's processes, capabilities and seccomp, not the host's" {
    run_pod run -d --name ex busybox sleep 1000
    run_pod exec ex ps -o pid,comm
    assert "$output" =~ "1 sleep" "pid 1 is the container's command"
    assert "$(grep -c . <<<"$output")" -le 4 "only the container's processes (header, sleep, ps)"
    run_pod exec ex grep -E '^(CapEff|CapBnd|Seccomp|NoNewPrivs):' /proc/1/status
    local ctr=$output
    run_pod exec ex grep -E '^(CapEff|CapBnd|Seccomp|NoNewPrivs):' /proc/self/status
    is "$output" "$ctr" "exec has the container's capabilities, seccomp mode and no_new_privs"
    assert "$output" =~ "Seccomp:	2" "the seccomp filter applies"
    assert "$output" =~ "CapEff:	00000000800405fb" "Podman's 11 default capabilities"
    # delete_module is refused by the container's filter even with every capability
    # (without the filter it is ENOSYS or ENOENT here, never EPERM)
    run_pod 1 exec --privileged ex busybox rmmod nosuchmodule
    assert "$output" =~ "Operation not permitted" "seccomp still applies to a privileged exec"
    # the same cgroup as the container's init
    run_pod exec ex cat /proc/1/cgroup
    ctr=$output
    run_pod exec ex cat /proc/self/cgroup
    is "$output" "$ctr" "exec joins the container's cgroup"
    # the same uts namespace
    run_pod inspect ex --format '{{.Config.Hostname}}'
    local hn=$output
    run_pod exec ex hostname
    is "$output" "$hn" "the container's hostname"
}

@test "exec: exit codes 0, 3, 126, 127, 125 and 255 like Podman" {
    run_pod run -d --name ec busybox sleep 1000
    run_pod exec ec true
    run_pod 3 exec ec sh -c 'exit 3'
    run_pod 127 exec ec nosuchcmd
    is "$output" 'Error: pod-oci: exec: "nosuchcmd": executable file not found in $PATH: OCI runtime attempted to invoke a command that was not found' "127 message"
    run_pod 126 exec ec /etc
    assert "$output" =~ 'exec: "/etc": permission denied: OCI permission denied' "126 message"
    run_pod 127 exec -w /nonexist ec pwd
    assert "$output" =~ 'chdir to cwd \("/nonexist"\)' "a missing workdir"
    run_pod 125 exec nosuchctr true
    is "$output" 'Error: no container with name or ID "nosuchctr" found: no such container'
    run_pod 125 exec ec
    assert "$output" =~ "must provide a non-empty command" "no command"
    run_pod 125 exec --bogus ec true
    run_pod 125 exec --detach-keys bogus-key ec true
    assert "$output" =~ "invalid detach keys" "a bad key spec"
    run_pod 137 exec ec sh -c 'kill -9 $$'
    run_pod stop -t 0 ec
    run_pod 255 exec ec true
    is "$output" "Error: can only create exec sessions on running containers: container state improper" "stopped: attached"
    run_pod 125 exec -d ec true
    is "$output" "Error: can only create exec sessions on running containers: container state improper" "stopped: detached"
}

@test "exec: -e, --env-file, -w, -u, --privileged take effect" {
    run_pod run -d --name opts -e FOO=bar -e KEEP=1 busybox sleep 1000
    run_pod exec opts env
    assert "$output" =~ "FOO=bar" "the container's env"
    assert "$output" =~ "HOME=/root" "root's HOME"
    assert "$output" !~ "HOSTNAME=" "no HOSTNAME, as Podman"
    printf 'FROMFILE=yes\n# comment\nFOO=file\n' >"$PODUTILS_TMP/env"
    HOSTVAR=fromhost run_pod exec --env-file "$PODUTILS_TMP/env" -e FOO=flag -e HOSTVAR -e UNSET_VAR opts env
    assert "$output" =~ "FOO=flag" "-e wins over the file and the container"
    assert "$output" =~ "FROMFILE=yes" "--env-file"
    assert "$output" =~ "HOSTVAR=fromhost" "-e KEY takes the host's value"
    assert "$output" !~ "UNSET_VAR" "an unset KEY is skipped"
    assert "$output" =~ "KEEP=1" "the rest of the container's env"
    run_pod exec -w /tmp opts pwd
    is "$output" "/tmp" "-w"
    run_pod exec -u 1000 opts sh -c 'id -u; id -g; echo $HOME; grep -E "^Cap(Eff|Bnd)" /proc/self/status'
    is "$output" "1000
1000
/home/bb
CapEff:	0000000000000000
CapBnd:	00000000800405fb" "-u: a non-root user gets no effective capabilities"
    run_pod exec -u nobody opts id
    is "$output" "uid=65534(nobody) gid=65534(nogroup)" "-u by name"
    run_pod 255 exec -u nosuch opts id
    is "$output" "Error: unable to find user nosuch: no matching entries in passwd file" "unknown user"
    run_pod exec --privileged opts grep CapEff /proc/self/status
    local mine
    mine=$(grep CapBnd /proc/self/status | awk '{print $2}')
    is "$output" "CapEff:	$mine" "--privileged: every capability we have"
    run_pod exec opts grep CapEff /proc/self/status
    is "$output" "CapEff:	00000000800405fb" "never more than the container without --privileged"
}

@test "exec: stdin only with -i; --preserve-fds; container exec alias" {
    run_pod run -d --name in busybox sleep 1000
    run bash -c "echo hello | '$PODMAN' exec in cat"
    is "$output" "" "without -i the process reads nothing"
    run bash -c "echo hello | '$PODMAN' exec -i in cat"
    is "$output" "hello" "-i passes stdin"
    echo "from fd 3" >"$PODUTILS_TMP/fd3"
    run bash -c "'$PODMAN' exec --preserve-fds 1 in cat /proc/self/fd/3 3<'$PODUTILS_TMP/fd3'"
    is "$output" "from fd 3" "--preserve-fds 1"
    run bash -c "'$PODMAN' exec in ls /proc/self/fd/3 3<'$PODUTILS_TMP/fd3'"
    assert "$status" -ne 0 "fds are not passed without --preserve-fds"
    run_pod container exec in echo alias
    is "$output" "alias" "container exec"
    run_pod 125 exec --preserve-fds 500 in true
    assert "$output" =~ "file descriptor [0-9]+ is not available - the preserve-fds option" "missing fds"
}

@test "exec -d: a session that runs on, listed in ExecIDs" {
    run_pod run -d --name det busybox sleep 1000
    run_pod inspect det --format '{{len .ExecIDs}}'
    is "$output" "0" "no sessions yet"
    run_pod exec det true
    run_pod inspect det --format '{{len .ExecIDs}}'
    is "$output" "0" "an attached session is gone when it ends"
    run_pod exec -d det sh -c 'echo started > /tmp/marker; sleep 500'
    local sid=$output
    assert "$sid" =~ "^[0-9a-f]{64}$" "-d prints the session ID"
    run_pod inspect det --format '{{join .ExecIDs ","}}'
    is "$output" "$sid" "ExecIDs lists the detached session"
    sleep 0.3
    run_pod exec det cat /tmp/marker
    is "$output" "started" "the detached process ran"
    run_pod exec det ps -o comm
    assert "$output" =~ "sleep
sleep" "it still runs beside the container's process"
    # records without the dispatcher
    run env -u POD_DISPATCHED "$PODUTILS_BIN/pod-exec" -d det true
    is "$(jq -r .Type <<<"$output")" "exec" "a record"
    run_pod rm -f -t 0 det
}

@test "exec -it: a pty with the caller's size; detach keys leave it running" {
    run_pod run -d --name tty busybox sleep 1000
    run pty_run 30 100 "" "$PODMAN" exec -it tty sh -c 'tty; stty size; exit 5'
    assert "$output" =~ "/dev/pts/[0-9]+
30 100
rc=5" "a terminal of the caller's size and the exit code"
    run pty_run 24 80 "" "$PODMAN" exec -t tty sh -c 'test -t 0 && echo tty-in'
    assert "$output" =~ "tty-in" "-t alone still gives a terminal"
    run pty_run 24 80 "\x10\x11" "$PODMAN" exec -it tty sh -c 'echo ready; exec sleep 300'
    assert "$output" =~ "ready" "the session started"
    assert "$output" =~ "rc=0" "detached with ctrl-p,ctrl-q"
    run_pod exec tty ps -o comm
    assert "$output" =~ "sleep
sleep" "the detached session runs on"
    run pty_run 24 80 "echo typed\rexit 7\r" "$PODMAN" exec -it --detach-keys ctrl-x tty sh
    assert "$output" =~ "typed" "input reaches the shell"
    assert "$output" =~ "rc=7" "exit code through the pty"
}

@test "exec with runc as the runtime" {
    command -v runc >/dev/null || skip "no runc"
    run_pod --runtime runc run -d --name rc busybox sleep 1000
    run_pod 4 exec rc sh -c 'echo out; echo err >&2; exit 4'
    is "$output" "out
err" "stdout and stderr, no runtime noise"
    run_pod 127 exec rc nosuchcmd
    is "$output" 'Error: runc: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: OCI runtime attempted to invoke a command that was not found' "runc's 127"
    run_pod exec rc grep -E '^(CapEff|Seccomp):' /proc/self/status
    is "$output" "CapEff:	00000000800405fb
Seccomp:	2" "runc exec keeps caps and seccomp"
    run pty_run 30 100 "" "$PODMAN" exec -it rc sh -c 'stty size; exit 6'
    assert "$output" =~ "30 100
rc=6" "a terminal through runc's console socket"
    run_pod exec -d rc sleep 100
    run_pod inspect rc --format '{{len .ExecIDs}}'
    is "$output" "1" "a detached runc session"
}

@test "the compiled seccomp filter is cached by profile, and a damaged cache is ignored" {
    run_pod run -d --name s1 busybox sleep 1000
    run_pod run -d --name s2 busybox sleep 1000
    run_pod exec s2 true
    local dir=$POD_RUNROOT/pod-oci/seccomp
    run ls "$dir"
    assert "$output" =~ "^[0-9a-f]{64}\.bpf$" "one filter for one profile"
    local f=$dir/$output
    printf 'xyz' >"$f"
    run_pod exec s1 grep -E '^Seccomp:' /proc/self/status
    is "$output" "Seccomp:	2" "a damaged cache file is compiled anew"
    local size
    size=$(stat -c %s "$f")
    assert "$((size % 8))" == 0 "the cache holds whole BPF instructions again"
    assert "$size" -gt 800 "the default profile's filter"
    run_pod run --rm --security-opt seccomp=unconfined busybox grep -E '^Seccomp:' /proc/self/status
    is "$output" "Seccomp:	0" "unconfined has no filter"
}

@test "30 concurrent execs in one container all run and leave no session behind" {
    run_pod run -d --name many busybox sleep 1000
    for i in $(seq 30); do
        "$PODMAN" exec many sh -c "echo $i" >"$PODUTILS_TMP/out.$i" 2>&1 &
    done
    wait
    run bash -c "cat '$PODUTILS_TMP'/out.* | sort -n | tr '\n' ' '"
    is "$output" "$(seq 30 | tr '\n' ' ')" "every exec printed its number"
    run_pod inspect many --format '{{len .ExecIDs}}'
    is "$output" "0" "no session left"
}
