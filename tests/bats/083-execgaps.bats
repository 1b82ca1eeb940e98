#!/usr/bin/env bats
# 083-execgaps: what Podman 4.3 does around detached exec sessions
# (exec_died of -d, -dt without a reader), rmi of a mounted image, the
# password prompt of push/login --creds USER, and restart's events.

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

# wait_for_event CTR STATUS: waits (5 s at most) until CTR has a STATUS event
wait_for_event() {
    local i
    for i in $(seq 50); do
        run_pod events --stream=false --filter container="$1" --filter event="$2" --format '{{.Status}}'
        [[ -n "$output" ]] && return 0
        sleep 0.1
    done
    echo "# no $2 event for $1"
    return 1
}

@test "exec -d: the session's end writes exec_died with its exit code (pod-oci and runc)" {
    local rt
    for rt in pod-oci runc; do
        if [[ $rt == runc ]] && ! command -v runc >/dev/null; then continue; fi
        run_pod --runtime "$rt" run -d --name "xd-$rt" busybox sleep 1000
        run_pod exec -d "xd-$rt" sh -c 'sleep 0.5; exit 7'
        local sid=$output
        run_pod events --stream=false --filter container="xd-$rt" --format '{{.Status}}'
        is "$(echo $output)" "create init start exec" "$rt: exec at once, no exec_died yet"
        wait_for_event "xd-$rt" exec_died
        run_pod events --stream=false --filter container="xd-$rt" \
            --format '{{.Status}}:{{.ContainerExitCode}}'
        is "$(echo $output)" "create:0 init:0 start:0 exec:0 exec_died:7" "$rt: Podman's sequence"
        run jq -r '"\(.Running) \(.ExitCode)"' "$POD_RUNROOT/containers/"*"/exec/$sid.json"
        is "$output" "false 7" "$rt: the session file has the code too"

        # a session the container's stop kills ends with 137
        run_pod exec -d "xd-$rt" sleep 500
        run_pod stop -t 0 "xd-$rt"
        run_pod events --stream=false --filter container="xd-$rt" --filter event=exec_died \
            --format '{{.ContainerExitCode}}'
        local i
        for i in $(seq 50); do
            [[ $(echo $output) == "7 137" ]] && break
            sleep 0.1
            run_pod events --stream=false --filter container="xd-$rt" --filter event=exec_died \
                --format '{{.ContainerExitCode}}'
        done
        is "$(echo $output)" "7 137" "$rt: killed with its container"
        run_pod rm -f -t 0 "xd-$rt"
    done
}

@test "exec -dt: the pty's output is read and dropped, the process never loses its terminal" {
    local rt
    for rt in pod-oci runc; do
        if [[ $rt == runc ]] && ! command -v runc >/dev/null; then continue; fi
        run_pod --runtime "$rt" run -d --name "xt-$rt" busybox sleep 1000
        # 1.3 MB is far more than a pty buffers: without a reader seq blocks
        # for ever, with a closed master it gets EIO or SIGHUP (code 1 or 129)
        run_pod exec -dt "xt-$rt" sh -c 'seq 1 200000 && sleep 0.3 && tty > /tmp/tty && exit 4'
        wait_for_event "xt-$rt" exec_died
        run_pod events --stream=false --filter container="xt-$rt" --filter event=exec_died \
            --format '{{.ContainerExitCode}}'
        is "$output" "4" "$rt: the process wrote everything and ended as it chose"
        run_pod exec "xt-$rt" cat /tmp/tty
        assert "$output" =~ "^/dev/pts/[0-9]+$" "$rt: on a terminal"
        run_pod logs "xt-$rt"
        is "$output" "" "$rt: the session's output is in no log (Podman drops it)"

        # -di: stdin stays open without data, as Podman's conmon holds it
        run_pod exec -di "xt-$rt" sh -c 'read x; echo "read $?" > /tmp/read'
        run_pod exec -d "xt-$rt" sh -c 'read x; echo "read $?" > /tmp/read-null'
        sleep 0.5
        run_pod exec "xt-$rt" cat /tmp/read-null
        is "$output" "read 1" "$rt: -d without -i reads the end of input at once"
        run_pod 1 exec "xt-$rt" cat /tmp/read
        run_pod exec "xt-$rt" ps -o args
        assert "$output" =~ "sh -c read x; echo \"read \\$\\?\" > /tmp/read
" "$rt: -di still waits for input"
        run_pod rm -f -t 0 "xt-$rt"
    done
}

@test "rmi and image prune -a of a mounted image unmount it first, as Podman's do" {
    run_pod image mount busybox
    local mnt=$output
    run_pod image mount busybox
    is "$output" "$mnt" "counted twice"
    run_pod rmi busybox
    is "$output" "Untagged: docker.io/library/busybox:latest
Deleted: $BUSYBOX_ID" "Podman 4.3 removes it without a word"
    run awk -v m="$mnt" '$5 == m' /proc/self/mountinfo
    is "$output" "" "the overlay is unmounted"
    run_pod image mount
    is "$output" "" "no mount listed"
    run_pod events --stream=false --filter type=image --filter event=mount \
        --filter event=untag --filter event=remove --format '{{.Status}} {{.ID}}'
    is "$(echo $output)" "mount $BUSYBOX_ID mount $BUSYBOX_ID untag $BUSYBOX_ID remove $BUSYBOX_ID" \
        "Podman's events: a mount each, no unmount"

    add_busybox_image
    run_pod image mount busybox
    mnt=$output
    run_pod image prune -af
    is "$output" "$BUSYBOX_ID" "prune -a removes the mounted image"
    run awk -v m="$mnt" '$5 == m' /proc/self/mountinfo
    is "$output" "" "and its mount"
    run_pod 125 image mount busybox
    assert "$output" =~ "busybox" "nothing left to mount"

    # mount and unmount events, as Podman
    add_busybox_image
    run_pod image mount busybox
    run_pod image unmount busybox
    is "$output" "$BUSYBOX_ID" "unmount prints the ID"
    run_pod events --stream=false --filter type=image --since 3s --format '{{.Status}} {{.Name}}'
    assert "$output" =~ "mount 
unmount $" "mount and unmount events carry no name"
}
