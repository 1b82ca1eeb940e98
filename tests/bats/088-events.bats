#!/usr/bin/env bats
# 088-events: the events log ($RUNROOT/events/events.log) and `podman events`:
# lifecycle order, filters, --since/--until, formats, streaming.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    if [[ -n "${FOLLOW_PID:-}" ]]; then kill "$FOLLOW_PID" 2>/dev/null || true; fi
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

# the statuses of one container's events, space-separated
statuses_of() {
    run_pod events --stream=false --filter container="$1" --format '{{.Status}}'
    echo $output
}

@test "events: run --rm goes create, init, start, attach, died, remove" {
    run_pod 3 run --rm --name ev1 -l team=blue busybox sh -c 'exit 3'
    is "$(statuses_of ev1)" "create init start attach died remove" "run --rm order"

    run_pod events --stream=false --filter event=died --format json
    local rec=$output
    is "$(jq -r .ContainerExitCode <<<"$rec")" "3" "died carries the exit code"
    is "$(jq -r .Name <<<"$rec")" "ev1" "name"
    is "$(jq -r .Image <<<"$rec")" "docker.io/library/busybox:latest" "image"
    is "$(jq -r .Type <<<"$rec")" "container" "type"
    is "$(jq -r .Attributes.team <<<"$rec")" "blue" "labels are attributes"
    assert "$(jq -r .Time <<<"$rec")" =~ '^20[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+)$' "RFC 3339 time"
    is "$(jq -c 'keys_unsorted' <<<"$rec")" \
        '["ContainerExitCode","ID","Image","Name","Status","Time","Type","Attributes"]' \
        "Podman's keys, in Podman's order"

    # Podman's text form
    run_pod events --stream=false --filter event=create
    assert "$output" =~ "^20[0-9-]+ [0-9:.]+ [+-][0-9]{4} [A-Z]+ container create [0-9a-f]{64} \(image=docker.io/library/busybox:latest, name=ev1, org.podutils.fixture=busybox, team=blue\)$" "text form"
    run_pod events --stream=false --filter event=create --no-trunc=false
    assert "$output" =~ " container create [0-9a-f]{12} \(image=" "--no-trunc=false: short ID"

    # the log itself is JSON lines, one record each
    local log=$POD_RUNROOT/events/events.log
    run jq -c . "$log"
    is "$status" 0 "every line of the log is JSON"
}

@test "events: detached lifecycle, kill, stop, rename, restart, rm -f" {
    run_pod run -d --name ev2 busybox sleep 100
    local id=$output
    run_pod kill -s USR1 ev2
    run_pod stop -t 0 ev2
    run_pod rename ev2 ev3
    run_pod start ev3
    run_pod rm -f -t 0 ev3
    is "$(statuses_of "$id")" \
        "create init start kill died cleanup rename init start died remove" "lifecycle"
    # by name: the name at the time of each event
    is "$(statuses_of ev2)" "create init start kill died cleanup" "events under the old name"
    run_pod events --stream=false --filter container="${id:0:12}" --filter event=died \
        --format '{{.ContainerExitCode}}'
    is "$(echo $output)" "137 137" "killed: 137"
}

@test "events: filters OR within a key, AND across keys; image and volume events" {
    run_pod tag busybox evtag:1
    run_pod untag busybox evtag:1
    run_pod volume create evvol
    run_pod volume rm evvol
    run_pod run --rm --name ev4 -l a=b busybox true

    run_pod events --stream=false --filter type=image --filter type=volume --format '{{.Type}} {{.Status}} {{.Name}}'
    is "$output" "image loadfromarchive $CTR_FIXTURES/busybox-docker.tar
image tag evtag:1
image untag localhost/evtag:1
volume create evvol
volume remove evvol" "type=image OR type=volume"

    run_pod events --stream=false --filter event=create --filter event=remove --filter container=ev4 --format '{{.Status}}'
    is "$(echo $output)" "create remove" "(create OR remove) AND container"
    run_pod events --stream=false --filter label=a=b --filter event=died --format '{{.Name}}'
    is "$output" "ev4" "label AND event"
    run_pod events --stream=false --filter label=a --format '{{.Name}}'
    is "$output" "" "label without a value matches nothing (Podman)"
    run_pod events --stream=false --filter image=evtag:1 --format '{{.Status}}'
    is "$output" "tag" "image= by name"
    run_pod events --stream=false --filter volume=evvol --format '{{.Status}}'
    is "$(echo $output)" "create remove" "volume="

    run_pod 125 events --stream=false --filter bogus=1
    is "$output" "Error: bogus is an invalid filter" "unknown key"
}

@test "events: --since and --until" {
    run_pod create --name old busybox true
    sleep 1.2
    local mid
    mid=$(date +%s.%N)
    sleep 0.2
    run_pod create --name new busybox true

    run_pod events --stream=false --since "$mid" --format '{{.Name}}'
    is "$output" "new" "--since unix time"
    run_pod events --stream=false --until "$mid" --format '{{.Name}}' --filter type=container
    is "$output" "old" "--until unix time"
    run_pod events --stream=false --since 1s --format '{{.Name}}'
    is "$output" "new" "--since duration"
    run_pod events --stream=false --since "$(date -u -d @"${mid%.*}" +%Y-%m-%dT%H:%M:%SZ)" --filter type=container --format '{{.Name}}'
    assert "$output" =~ "new$" "--since RFC 3339"
    run_pod 125 events --stream=false --since garbage
    assert "$output" =~ "^Error: " "a bad time is an error"
}

@test "events: streams new events as they happen" {
    local out=$PODUTILS_TMP/follow.out
    "$PODMAN" events --format '{{.Status}} {{.Name}}' >"$out" 2>&1 &
    FOLLOW_PID=$!
    sleep 0.5
    run_pod create --name streamed busybox true
    run_pod rm streamed
    local i
    for i in $(seq 50); do
        [[ $(wc -l <"$out") -ge 2 ]] && break
        sleep 0.1
    done
    kill "$FOLLOW_PID"
    wait "$FOLLOW_PID" || true
    FOLLOW_PID=
    is "$(cat "$out")" "create streamed
remove streamed" "followed without the past"

    # --until (in the future) ends a stream
    local t0=$SECONDS
    run_pod events --until "$(( $(date +%s) + 2 ))" --since 1m --format '{{.Status}}' --filter container=streamed
    is "$(echo $output)" "create remove" "--until stops following"
    assert "$(( SECONDS - t0 ))" -le 4 "and returns once it has passed"

    # system events is the same verb; pod-events prints records
    run_pod system events --stream=false --filter event=remove --format '{{.Name}}'
    is "$output" "streamed" "system events"
    run_tool pod-events --stream=false --filter event=remove
    is "$(jq -r .Name <<<"$output")" "streamed" "records for pipelines"
}

@test "events: concurrent writers never interleave" {
    local i
    for i in $(seq 8); do
        "$PODUTILS_BIN/pod-tag" busybox "par$i:1" >/dev/null &
    done
    wait
    run jq -c . "$POD_RUNROOT/events/events.log"
    is "$status" 0 "every line parses"
    run_pod events --stream=false --filter event=tag --format '{{.Name}}'
    is "$(echo "$output" | wc -l)" "8" "eight tag events"
}
