#!/usr/bin/env bats
# 052-lifecycle: stop, kill, wait, rm, restart, rename, logs, inspect, cleanup,
# restart policies, and a truthful state when the monitor dies.

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

# a container that exits on SIGTERM
TRAPPER='trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'

@test "-d, ps, logs, stop, rm: the whole life" {
    run_pod run -d --name life busybox sh -c "$TRAPPER"
    local id=$output
    sleep 0.5
    run_pod logs life
    is "$output" "ready" "logs"
    run_pod stop life
    is "$output" "life" "stop prints the name as given"
    run_pod ps -a --format '{{.Status}}'
    assert "$output" =~ "^Exited \(0\) " "stopped by SIGTERM"
    run_pod inspect life --format '{{.State.Status}} {{.State.Running}} {{.State.Pid}}'
    is "$output" "exited false 0" "inspect state"
    run_pod rm "${id:0:12}"
    is "$output" "${id:0:12}" "rm prints what it was given"
    run_pod 1 rm life
    is "$output" "Error: no container with name or ID \"life\" found: no such container" "rm missing: 1"
}

@test "stop: SIGKILL after the timeout; kill -s; wait" {
    run_pod run -d --name stubborn busybox sleep 100
    run_pod stop -t 0 stubborn
    run_pod inspect stubborn --format '{{.State.ExitCode}}'
    is "$output" "137" "killed"
    run_pod run -d --name k busybox sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done'
    sleep 0.3
    run_pod kill -s USR1 k
    is "$output" "k" "kill prints the name"
    run_pod wait k
    is "$output" "9" "wait gives the exit code"
    run_pod 125 kill k
    assert "$output" =~ "can only kill running containers" "kill a stopped one"
}

@test "rm: a running container needs -f (exit 2)" {
    run_pod run -d --name busy busybox sleep 100
    run_pod 2 rm busy
    assert "$output" =~ "cannot remove container .* as it is running" "rm running"
    run_pod container exists busy
    run_pod rm -f -t 0 busy
    run_pod 1 container exists busy
}

@test "--rm removes the container, attached and detached" {
    run_pod run --rm --name tmp1 busybox true
    run_pod 1 container exists tmp1
    run_pod run -d --rm --name tmp2 busybox true
    run_pod wait --condition exited tmp2 || true
    for _ in $(seq 50); do
        "$PODMAN" container exists tmp2 || break
        sleep 0.1
    done
    run_pod 1 container exists tmp2
}

@test "restart, rename, inspect, logs options" {
    run_pod run --name r busybox sh -c 'echo line1; echo line2; echo err >&2'
    run_pod logs --tail 1 r
    is "$output" "err" "--tail 1"
    run bash -c "'$PODMAN' logs r 2>/dev/null"
    is "$output" "line1
line2" "stdout only on stdout"
    run_pod logs -t r
    assert "${lines[0]}" =~ "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) line1$" "-t"
    run_pod rename r renamed
    run_pod inspect renamed --format '{{.Name}} {{.Config.Cmd}} {{.HostConfig.NetworkMode}}'
    is "$output" "renamed [sh -c echo line1; echo line2; echo err >&2] bridge" "inspect (the default network, as Podman)"
    run_pod restart renamed
    run_pod wait renamed
    run_pod logs renamed
    is "$(grep -c line1 <<< "$output")" "2" "ran twice"
    run_pod inspect renamed
    is "$(jq -r '.[0].State.OciVersion' <<< "$output")" "1.0.2-dev" "inspect JSON"
    is "$(jq -r '.[0].EffectiveCaps | length' <<< "$output")" "11" "EffectiveCaps"
    run_pod 125 inspect nosuch
    is "${lines[-1]}" "Error: no such object: \"nosuch\"" "inspect missing"
    run_pod inspect busybox --format '{{.Id}}'
    is "$output" "$BUSYBOX_ID" "inspect finds images"
}

@test "logs -f follows until the container exits" {
    run_pod run -d --name f busybox sh -c 'for i in 1 2 3; do echo n$i; sleep 0.2; done'
    run_pod logs -f f
    is "$output" "n1
n2
n3" "all lines, then it returned"
}

@test "restart policy on-failure:2 restarts twice; always stops on stop" {
    run_pod run -d --name of --restart on-failure:2 busybox sh -c 'echo run; exit 1'
    for _ in $(seq 100); do
        run_pod inspect of --format '{{.RestartCount}} {{.State.Status}}'
        [[ "$output" == "2 exited" ]] && break
        sleep 0.1
    done
    is "$output" "2 exited" "two restarts"
    run_pod 125 run --rm --restart always busybox true
    assert "$output" =~ "conflicts with --restart" "--rm and --restart"
}

@test "killing the monitor: the next look tells the truth" {
    run_pod run -d --name orphan busybox sleep 1000
    run_pod inspect orphan --format '{{.State.ConmonPid}} {{.State.Pid}}'
    local mon=${output% *} pid=${output#* }
    kill -9 "$mon"
    sleep 0.2
    run_pod ps --format '{{.Names}} {{.State}}'
    assert "$output" =~ "^orphan Up" "still running without its monitor"
    kill -9 "$pid"
    sleep 0.2
    run_pod ps -a --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^orphan Exited \(-1\)" "exited with an unknown code"
    run_pod rm orphan
    run grep -c "$PODUTILS_TMP" /proc/self/mountinfo
    is "$output" "0" "rootfs unmounted"
}

@test "container cleanup is idempotent; prune removes stopped ones" {
    run_pod run --name done1 busybox true
    run_pod container cleanup done1
    run_pod container cleanup done1
    run_pod run -d --name up busybox sleep 100
    run_pod container prune -f
    assert "$output" =~ "^[0-9a-f]{64}$" "pruned ID"
    run_pod ps -a --format '{{.Names}}'
    is "$output" "up" "running one stays"
}

@test "container prune --filter: label, label!, until" {
    run_pod create --name red --label team=red busybox true
    run_pod create --name blue --label team=blue busybox true
    run_pod create --name plain busybox true
    local names
    names() { run_pod ps -a --format '{{.Names}}'; echo "$output" | sort | tr '\n' ' '; }
    run_pod container prune -f --filter until=2000-01-01
    is "$output" "" "nothing created before 2000"
    run_pod container prune -f --filter label=team=red
    assert "$output" =~ "^[0-9a-f]{64}$" "one pruned"
    is "$(names)" "blue plain " "label=team=red pruned red only"
    run_pod container prune -f --filter label!=team
    is "$(names)" "blue " "label!=team pruned the unlabelled one"
    local cases=(
        "bogus=1|bogus is an invalid filter"
        "label|filter input must be in the form of filter=value: label is invalid"
        "until=10x|failed to parse value as time or duration: \"10x\""
    )
    for c in "${cases[@]}"; do
        run_pod 125 container prune -f --filter "${c%%|*}"
        is "$output" "Error: ${c#*|}" "prune --filter ${c%%|*}"
    done
    is "$(names)" "blue " "a bad filter prunes nothing"
    run_pod rm -a -f
}
