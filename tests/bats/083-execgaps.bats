#!/usr/bin/env bats
# 083-execgaps: what Podman 4.3 does around detached exec sessions
# (exec_died of -d, -dt without a reader), rmi of a mounted image, the
# password prompt of push/login --creds USER, and restart's events.

load helpers
load ctr-helpers

REG_SH=$BATS_TEST_DIRNAME/fixtures/registry.sh
PTY_RUN=$BATS_TEST_DIRNAME/fixtures/pty-run.py

setup_file() {
    if command -v docker-registry >/dev/null; then
        # shellcheck source=fixtures/registry.sh
        source "$REG_SH"
        registry_start "$BATS_FILE_TMPDIR/auth" htpasswd >&2
    fi
}

teardown_file() {
    if [[ -d "$BATS_FILE_TMPDIR/auth" ]]; then
        source "$REG_SH"
        registry_stop "$BATS_FILE_TMPDIR/auth" >&2
    fi
    true
}

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

# wait_for_event CTR STATUS [N]: waits (5 s at most) until CTR has N (1) STATUS events
wait_for_event() {
    local i
    for i in $(seq 50); do
        run_pod events --stream=false --filter container="$1" --filter event="$2" --format '{{.Status}}'
        [[ -n "$output" && $(wc -l <<<"$output") -ge ${3:-1} ]] && return 0
        sleep 0.1
    done
    echo "# no ${3:-1} $2 event(s) for $1"
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

        # rm -f: the sessions go with the container, without exec_died (Podman)
        run_pod start "xd-$rt"
        run_pod exec -d "xd-$rt" sleep 500
        run_pod rm -f -t 0 "xd-$rt"
        sleep 0.5
        run_pod events --stream=false --filter container="xd-$rt" --format '{{.Status}}:{{.ContainerExitCode}}'
        assert "$(echo $output)" =~ " start:0 exec:0 died:137 remove:0$" "$rt: rm -f writes no exec_died"
        run_pod events --stream=false --filter container="xd-$rt" --filter event=exec_died \
            --format '{{.ContainerExitCode}}'
        is "$(echo $output)" "7 137" "$rt: only the two earlier sessions'"
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

@test "exec -it: a session left with the detach keys still ends with exec_died and its code" {
    local rt
    for rt in pod-oci runc; do
        if [[ $rt == runc ]] && ! command -v runc >/dev/null; then continue; fi
        run_pod --runtime "$rt" run -d --name "xk-$rt" busybox sleep 1000
        local t0=$SECONDS
        run "$PTY_RUN" --timeout 20 expect:ready sleep:0.3 send:"\x10\x11" -- \
            "$PODMAN" exec -it "xk-$rt" sh -c 'echo ready; sleep 1.5; exit 9'
        is "$status" 0 "$rt: detached: $output"
        assert "$(( SECONDS - t0 ))" -lt 2 "$rt: at once, not when the process ends"
        run_pod exec "xk-$rt" ps -o args
        assert "$output" =~ "sh -c echo ready; sleep 1.5; exit 9" "$rt: the session runs on"
        wait_for_event "xk-$rt" exec_died 2
        run_pod events --stream=false --filter container="xk-$rt" --filter event=exec_died \
            --format '{{.ContainerExitCode}}'
        is "$(echo $output)" "0 9" "$rt: the ps, then the detached session's own code"
        run cat "$POD_RUNROOT/containers/"*"/exec/"*.json
        is "$(jq -r '"\(.Detached) \(.Running) \(.ExitCode)"' <<<"$output")" "true false 9" \
            "$rt: its session file"

        # not detached: the code, the event, no session left
        run "$PTY_RUN" --timeout 20 -- "$PODMAN" exec -it "xk-$rt" sh -c 'exit 6'
        is "$status" 6 "$rt: the exit code through the keeper"
        run "$PTY_RUN" --timeout 20 sleep:0.8 resize:31x101 -- \
            "$PODMAN" exec -it "xk-$rt" sh -c 'sleep 2; stty size'
        assert "$output" =~ "31 101" "$rt: the terminal's resize reaches the session"
        run_pod 127 exec -it "xk-$rt" nosuchcmd
        assert "$output" =~ "executable file not found" "$rt: a failed start is the runtime's error"
        run_pod inspect "xk-$rt" --format '{{len .ExecIDs}}'
        is "$output" "1" "$rt: only the detached session is listed"
        run_pod rm -f -t 0 "xk-$rt"
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

@test "push --creds USER and login -u USER ask for the password the way pull does, as Podman" {
    command -v docker-registry >/dev/null || skip "docker-registry is not installed"
    local r pass
    r=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/auth/port")
    pass=$(cut -d: -f2- "$BATS_FILE_TMPDIR/auth/creds")

    # no terminal: Podman's words, for push as for pull
    run_pod 125 push -q --tls-verify=false --creds podutils busybox "$r/cr/bb:1" </dev/null
    is "$output" "Password: Error: could not read password from terminal: inappropriate ioctl for device" "push"
    run_pod 125 push -q --tls-verify=false --creds podutils: busybox "$r/cr/bb:1" </dev/null
    is "$output" "Password: Error: could not read password from terminal: inappropriate ioctl for device" "USER: asks too"
    run_pod 125 login --tls-verify=false -u podutils "$r" </dev/null
    is "$output" "Password: Error: getting username and password: reading password: inappropriate ioctl for device" "login"

    # at a terminal: not echoed, and it is the password used
    run "$PTY_RUN" --timeout 30 expect:"Password: " send:"$pass\r" -- \
        "$PODMAN" push -q --tls-verify=false --creds podutils busybox "$r/cr/bb:1"
    is "$status" 0 "pushed with the typed password: $output"
    assert "$output" !~ "$pass" "the password is not echoed"
    run "$PTY_RUN" --timeout 30 expect:"Password: " send:"wrong\r" -- \
        "$PODMAN" push -q --tls-verify=false --creds podutils busybox "$r/cr/bb:2"
    is "$status" 125 "a wrong password fails: $output"
    assert "$output" =~ "unauthorized" "the registry's answer"
    run skopeo inspect --tls-verify=false --creds "podutils:$pass" "docker://$r/cr/bb:1"
    is "$status" 0 "the image is in the registry"
    run skopeo inspect --tls-verify=false --creds "podutils:$pass" "docker://$r/cr/bb:2"
    assert "$status" -ne 0 "the wrong password pushed nothing"

    # :PASSWORD reads the user name from stdin (Podman's "Username: ")
    run_pod push -q --tls-verify=false --creds ":$pass" busybox "$r/cr/bb:3" <<<"podutils"
    is "$output" "Username: " "the user name's prompt"

    # login -u USER at a terminal, then an empty --creds is no --creds: the auth file's
    run "$PTY_RUN" --timeout 30 expect:"Password: " send:"$pass\r" -- \
        "$PODMAN" login --tls-verify=false -u podutils "$r"
    is "$status" 0 "login with the typed password: $output"
    assert "$output" =~ "Login Succeeded!" "login's answer"
    run_pod pull -q --tls-verify=false --creds "" "$r/cr/bb:3"
    is "$output" "$BUSYBOX_ID" "pull --creds '' uses the stored login, as Podman"
    run_pod push -q --tls-verify=false --creds "" busybox "$r/cr/bb:4"
}

@test "restart: Podman's events (no cleanup between died and init); a pod member's restart leaves the infra alone" {
    run_pod run -d --name rsrun busybox sleep 1000
    run_pod restart -t 0 rsrun
    run_pod events --stream=false --filter container=rsrun --format '{{.Status}}:{{.ContainerExitCode}}'
    is "$(echo $output)" "create:0 init:0 start:0 restart:0 died:137 init:0 start:0" "a running container"
    run_pod inspect rsrun --format '{{.State.Status}}'
    is "$output" "running" "it runs again"

    run_pod run -d --name rsexit busybox sh -c 'exit 3'
    run_pod wait rsexit
    wait_for_event rsexit cleanup
    run_pod restart rsexit
    run_pod wait rsexit
    wait_for_event rsexit init
    local i
    for i in $(seq 50); do
        run_pod events --stream=false --filter container=rsexit --format '{{.Status}}:{{.ContainerExitCode}}'
        [[ "$(echo $output)" == *"died:3 cleanup:0 restart"*"died:3 cleanup:0" ]] && break
        sleep 0.1
    done
    is "$(echo $output)" "create:0 init:0 start:0 died:3 cleanup:0 restart:0 init:0 start:0 died:3 cleanup:0" \
        "an exited container: restart, init, start"

    run_pod create --name rscreated busybox sleep 1000
    run_pod restart rscreated
    run_pod events --stream=false --filter container=rscreated --format '{{.Status}}'
    is "$(echo $output)" "create restart init start" "a created one"

    # restarting a pod's only member is no exit for --exit-policy stop
    run_pod pod create --name rspod --exit-policy stop
    run_pod run -d --pod rspod --name rsmember busybox sleep 1000
    run_pod pod inspect rspod --format '{{.InfraContainerID}}'
    local infra=$output
    run_pod inspect "$infra" --format '{{.State.StartedAt}}'
    local started=$output
    run_pod restart -t 0 rsmember
    run_pod inspect "$infra" --format '{{.State.Status}} {{.State.StartedAt}}'
    is "$output" "running $started" "the infra was not stopped and started again"
    run_pod events --stream=false --filter container="$infra" --format '{{.Status}}'
    is "$(echo $output)" "create init start" "no event of the infra"
    run_pod pod rm -f -t 0 rspod
}
