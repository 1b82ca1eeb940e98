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
volume remove evvol
image pull busybox" "type=image OR type=volume (run says pull, like Podman)"

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
    sleep 2.5
    local mid
    mid=$(date +%s.%N)
    sleep 0.2
    run_pod create --name new busybox true

    run_pod events --stream=false --since "$mid" --format '{{.Type}} {{.Name}}'
    is "$output" "image busybox
container new" "--since unix time"
    run_pod events --stream=false --until "$mid" --format '{{.Name}}' --filter type=container
    is "$output" "old" "--until unix time"
    run_pod events --stream=false --since 1s --format '{{.Name}}' --filter type=container
    is "$output" "new" "--since duration"
    run_pod events --stream=false --since "$(date -u -d @"${mid%.*}" +%Y-%m-%dT%H:%M:%SZ)" --filter type=container --format '{{.Name}}'
    assert "$output" =~ "new$" "--since RFC 3339"
    run_pod 125 events --stream=false --since garbage
    assert "$output" =~ "^Error: " "a bad time is an error"
}

@test "events: streams new events as they happen" {
    local out=$PODUTILS_TMP/follow.out
    "$PODMAN" events --filter type=container --format '{{.Status}} {{.Name}}' >"$out" 2>&1 &
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

@test "events: pod create, pause, unpause, stop, start, remove; members carry pod_id" {
    run_pod pod create --name evpod
    local podid=$output
    run_pod run -d --pod evpod --name evmember busybox sleep 600
    run_pod pod pause evpod
    run_pod pod unpause evpod
    run_pod pod stop -t 0 evpod
    run_pod pod start evpod
    run_pod pod rm -f -t 0 evpod

    run_pod events --stream=false --filter pod=evpod --format '{{.Status}}'
    is "$(echo $output)" "create pause unpause stop start remove" "pod events"
    run_pod events --stream=false --filter type=pod --filter event=create
    assert "$output" =~ " pod create ${podid:0:12}[0-9a-f]* \(image=, name=evpod\)$" "Podman's pod text"
    run_pod events --stream=false --filter container=evmember --filter event=pause --format json
    is "$(jq -r .PodID <<<"$output")" "${podid:0:64}" "a member's event names its pod"
    run_pod events --stream=false --filter container=evmember --filter event=create
    assert "$output" =~ "name=evmember, pod_id=${podid:0:12}" "pod_id in the text"
}

@test "events: exec, exec_died with its code, pause, unpause, health_status, attach" {
    run_pod run -d --name evx --health-cmd true busybox sh -c 'sleep 1.5; echo bye'
    run_pod 4 exec evx sh -c 'exit 4'
    run_pod pause evx
    run_pod unpause evx
    run_pod healthcheck run evx
    run_pod attach --no-stdin evx
    is "$output" "bye" "attach sees the output"
    run_pod events --stream=false --filter container=evx --format '{{.Status}}:{{.ContainerExitCode}}'
    # the exit's cleanup runs on its own time: "cleanup" may not be there yet
    assert "$(echo $output)" =~ "^create:0 init:0 start:0 exec:0 exec_died:4 pause:0 unpause:0 exec:0 exec_died:0 health_status:0 attach:0 died:0( cleanup:0)?$" "sequence"
    run_pod events --stream=false --filter event=health_status --format json
    is "$(jq -r .health_status <<<"$output")" "healthy" "health_status field"
}

@test "events: a full log is rotated; readers see both parts, streams follow the new file" {
    local dir=$POD_RUNROOT/events i
    mkdir -p "$dir"
    # 1.1 MB of old events
    for i in $(seq 10000); do
        printf '{"Name":"filler%d","Status":"create","Time":"2020-01-01T00:00:00.%09dZ","Type":"volume","Attributes":null}\n' "$i" "$i"
    done > "$dir/events.log"
    assert "$(stat -c %s "$dir/events.log")" -gt 1048576 "the log is past the limit"

    local out=$PODUTILS_TMP/follow.out
    "$PODMAN" events --filter type=volume --format '{{.Name}}' >"$out" 2>&1 &
    FOLLOW_PID=$!
    sleep 0.5
    run_pod volume create rot1
    [[ -f "$dir/events.log.1" ]] || { echo "# no events.log.1"; false; }
    run_pod volume create rot2
    assert "$(stat -c %s "$dir/events.log")" -lt 1048576 "a new log"
    for i in $(seq 50); do
        [[ $(wc -l <"$out") -ge 2 ]] && break
        sleep 0.1
    done
    kill "$FOLLOW_PID"
    wait "$FOLLOW_PID" || true
    FOLLOW_PID=
    is "$(cat "$out")" "rot1
rot2" "the stream crossed the rotation"

    run_pod events --stream=false --filter type=volume --format '{{.Name}}'
    is "$(wc -l <<<"$output")" "10002" "both files are read"
    is "$(head -1 <<<"$output") $(tail -1 <<<"$output")" "filler1 rot2" "oldest first"
}
