#!/usr/bin/env bats
# 055-tty: `run -it` and `run -t` at a real terminal. The fixture pty-run.py
# puts podman on a new pseudo-terminal of a given size and types at it.

load helpers
load ctr-helpers

PTY_RUN=$PODUTILS_SRC/tests/bats/fixtures/pty-run.py

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    ctr_leak_check
    basic_teardown
}

# at_tty RC [pty-run.py options and steps] -- podman ARGS: runs podman on a
# terminal, checks the exit code, leaves what the terminal showed in $output
at_tty() {
    local expect=$1; shift
    local args=()
    while [[ $1 != -- ]]; do args+=("$1"); shift; done
    shift
    run "$PTY_RUN" --timeout 30 "${args[@]}" -- "$PODMAN" "$@"
    if [[ "$status" -ne "$expect" ]]; then
        echo "# podman $* at a terminal: expected exit $expect, got $status; output:"
        echo "$output" | sed 's/^/#   /'
        return 1
    fi
}

@test "run -it: a terminal inside, the window size of the caller's, the exit code" {
    at_tty 3 --size 33x97 -- run --rm -it busybox sh -c 'tty; stty size; echo out; exit 3'
    # the caller's terminal is raw while attached: the container's pty alone
    # turns LF into CR LF, so every line ends in exactly one CR
    is "$output" $'/dev/pts/0\r\n33 97\r\nout\r' "tty, size, output"
    at_tty 0 --size 51x203 -- run --rm -it busybox stty size
    is "$output" $'51 203\r' "another size"
    # killed by a signal: 128+N, like Podman
    at_tty 137 -- run --rm -it busybox sh -c 'sh -c "kill -9 \$\$"; exit $?'
}

@test "run -it: typed input reaches the container, the terminal is restored after" {
    at_tty 0 expect:NAME send:'world\r' -- run --rm -it busybox sh -c 'echo NAME; read n; echo "hello $n"'
    assert "$output" =~ $'hello world\r' "input read by the container"
    # the terminal is back in cooked mode (icanon, echo) when podman is done
    run "$PTY_RUN" -- sh -c "$PODMAN run --rm -it busybox true; stty -a"
    is "$status" 0 "podman and stty"
    local modes
    modes=" $(echo $output) "
    assert "$modes" =~ " icanon " "canonical mode restored"
    assert "$modes" =~ " echo " "echo restored"
    assert "$modes" =~ " opost " "output processing restored"
}

@test "run -it: a window resize reaches the container (SIGWINCH)" {
    at_tty 0 --size 24x80 expect:READY resize:40x120 expect:WINCH send:'\r' -- \
        run --rm -it busybox sh -c 'trap "echo WINCH" WINCH; echo READY; read x; stty size'
    assert "$output" =~ $'WINCH\r' "SIGWINCH delivered"
    assert "$output" =~ $'\n40 120\r' "the new size"
}

@test "run -it: Ctrl-C reaches the container process" {
    # the shell traps SIGINT from its terminal and says so
    at_tty 7 expect:READY send:'\x03' -- \
        run --rm -it busybox sh -c 'trap "echo GOT-INT; exit 7" INT; echo READY; while :; do sleep 0.1; done'
    assert "$output" =~ "GOT-INT" "the trap ran"
    # a foreground child without a handler dies of it and the shell passes
    # on 130, like Podman (pid 1 itself ignores signals it has no handler for)
    at_tty 130 expect:READY send:'\x03' -- run --rm -it busybox sh -c 'echo READY; sleep 100; exit 0'
    run_pod ps -aq
    is "$output" "" "--rm removed both"
}

@test "run -t without -i: a terminal, but the caller's input is not passed" {
    at_tty 5 --size 30x100 expect:READY send:'typed\r' -- \
        run --rm -t busybox sh -c 'echo READY; tty; stty size; timeout 1 cat; exit 5'
    assert "$output" =~ $'/dev/pts/0\r\n30 100\r' "tty and size"
    assert "$output" !~ "typed" "input is not passed without -i"
}

@test "run -it: the detach keys leave the container running" {
    at_tty 0 expect:READY send:'\x10\x11' -- run --name dt -it busybox sh -c 'echo READY; sleep 100'
    run_pod inspect --format '{{.State.Status}}' dt
    is "$output" "running" "still running after detaching"
    at_tty 0 expect:READY send:'\x01d' -- run --name dt2 --detach-keys ctrl-a,d -it busybox \
        sh -c 'echo READY; sleep 100'
    run_pod inspect --format '{{.State.Status}}' dt2
    is "$output" "running" "custom detach keys"
    run_pod rm -f -t 0 dt dt2
}

@test "start -ai: a created -it container at a terminal" {
    run_pod create --name st -it busybox sh -c 'stty size; read x; echo "got $x"; exit 4'
    at_tty 4 --size 20x60 expect:'20 60' send:'abc\r' -- start -ai st
    assert "$output" =~ $'got abc\r' "input and output through start -ai"
    run_pod rm st
}
