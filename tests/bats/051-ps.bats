#!/usr/bin/env bats
# 051-ps: podman ps — statuses, columns, filters, formats, records.

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

@test "ps: the default table and Podman's status texts" {
    run_pod create --name c1 busybox true
    run_pod 3 run --name e3 busybox sh -c 'exit 3'
    run_pod run -d --name r1 busybox sleep 100
    run_pod ps
    # column widths follow the widest cell; under load "1 second ago" may replace "Less than a second ago"
    assert "${lines[0]}" =~ "^CONTAINER ID  IMAGE                             COMMAND     CREATED +STATUS +PORTS       NAMES$" "header"
    assert "${lines[1]}" =~ "^[0-9a-f]{12}  docker.io/library/busybox:latest  sleep 100   (Less than a second|[0-9] seconds?) ago +Up (Less than a second|[0-9] seconds?) ago +r1$" "running row"
    is "${#lines[@]}" 2 "only running ones without -a"
    run_pod ps -a --format '{{.Names}}|{{.Status}}'
    assert "${lines[0]}" =~ "^r1\|Up (Less than a second|[0-9] seconds?) ago$" "newest first"
    assert "${lines[1]}" =~ "^e3\|Exited \(3\) (Less than a second|[0-9] seconds?) ago$" "exited"
    is "${lines[2]}" "c1|Created" "created"
    sleep 2
    run_pod ps --format '{{.Status}}'
    assert "$output" =~ "^Up [2-5] seconds ago$" "seconds"
}

@test "ps: -q, -l, -n, --no-trunc, --noheading, --sort" {
    run_pod create --name a busybox true
    local ida=$output
    run_pod create --name b busybox echo this-is-a-long-command
    local idb=$output
    run_pod ps -aq
    is "$output" "${idb:0:12}
${ida:0:12}" "-q"
    run_pod ps -aq --no-trunc -l
    is "$output" "$idb" "-l --no-trunc"
    run_pod ps -a -n 1 --format '{{.Names}}'
    is "$output" "b" "-n 1"
    run_pod ps -a --sort names --noheading --format 'table {{.Names}}'
    is "$output" "a
b" "--sort names, --noheading"
    run_pod ps -a --format '{{.Command}}' --filter name=b
    is "$output" "echo this-is-a-lo..." "commands are cut at 17 characters"
    run_pod 125 ps --sort bogus
}

@test "ps --filter: id, name, label, status, ancestor, exited, before, since" {
    run_pod run --name x0 --label team=red busybox true
    run_pod 1 run --name x1 busybox sh -c 'exit 1'
    run_pod run -d --name up busybox sleep 100
    local names
    names() { run_pod ps -a --format '{{.Names}}' "$@"; echo "$output" | tr '\n' ' '; }
    is "$(names --filter status=exited)" "x1 x0 " "status=exited"
    is "$(names --filter status=running)" "up " "status=running"
    is "$(names --filter label=team=red)" "x0 " "label"
    is "$(names --filter exited=1)" "x1 " "exited=1"
    is "$(names --filter name=^x)" "x1 x0 " "name regex"
    is "$(names --filter ancestor=busybox --filter status=running)" "up " "ancestor and status"
    is "$(names --filter before=up)" "x1 x0 " "before"
    is "$(names --filter since=x0)" "up x1 " "since"
    is "$(names --filter since=x0 --filter before=up)" "x1 " "since and before"
    # the reference is looked up first, as Podman does, even when nothing else matches
    run_pod 125 ps -a --filter name=nomatch --filter since=nosuch
    is "$output" 'Error: no container with name or ID "nosuch" found: no such container' \
        "since= names a missing container"
    run_pod 125 ps --filter bogus=1
    is "$output" "Error: bogus is an invalid filter" "unknown filter"
}

@test "ps --format json has Podman's keys; pod-ps records feed pod-rm" {
    run_pod run --name gone busybox true
    run_pod run -d --name stays busybox sleep 100
    run_pod ps -a --format json
    is "$(jq -r '.[1].Names[0]' <<< "$output")" "gone" "Names"
    is "$(jq -r '.[1].State' <<< "$output")" "exited" "State"
    is "$(jq -r '.[1].ExitCode' <<< "$output")" "0" "ExitCode"
    is "$(jq -r '.[0] | keys_unsorted | join(",")' <<< "$output")" \
        "AutoRemove,Command,CreatedAt,Exited,ExitedAt,ExitCode,Id,Image,ImageID,IsInfra,Labels,Mounts,Names,Namespaces,Networks,Pid,Pod,PodName,Ports,Restarts,Size,StartedAt,State,Status,Created" "keys"
    run bash -c "'$PODUTILS_BIN/pod-ps' -a | jq -c 'select(.State==\"exited\")' | '$PODUTILS_BIN/pod-rm'"
    is "$status" 0 "pipeline"
    is "$(jq -r .Names[0] <<< "$output")" "gone" "pod-rm removed the exited one"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "stays" "the running one stays"
}
