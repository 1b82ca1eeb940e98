#!/usr/bin/env bats
# 082-health: healthchecks - healthcheck run (exit codes, messages), the
# state in inspect and ps, the monitor's schedule, retries, start period,
# timeout, --health-on-failure, --no-healthcheck, an image's HEALTHCHECK and
# wait --condition healthy.

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

# the busybox fixture with a HEALTHCHECK in its config, as hc:latest
add_healthcheck_image() {
    python3 - "$CTR_FIXTURES/busybox-docker.tar" "$PODUTILS_TMP/hc.tar" <<'EOF'
import hashlib, io, json, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
tin = tarfile.open(src)
files = {m.name: (m, tin.extractfile(m).read() if m.isfile() else None) for m in tin.getmembers()}
manifest = json.loads(files["manifest.json"][1])
cfg = json.loads(files[manifest[0]["Config"]][1])
cfg["config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "test -e /tmp/ok"],
                                "Interval": 1000000000, "Retries": 1}
blob = json.dumps(cfg).encode()
name = hashlib.sha256(blob).hexdigest() + ".json"
del files[manifest[0]["Config"]]
manifest[0]["Config"] = name
manifest[0]["RepoTags"] = ["localhost/hc:latest"]
files[name] = (tarfile.TarInfo(name), blob)
files["manifest.json"] = (tarfile.TarInfo("manifest.json"), json.dumps(manifest).encode())
files.pop("repositories", None)
with tarfile.open(dst, "w") as tout:
    for n, (m, data) in files.items():
        if data is None:
            tout.addfile(m)
        else:
            m.size = len(data)
            tout.addfile(m, io.BytesIO(data))
EOF
    "$PODUTILS_BIN/pod-load" -q -i "$PODUTILS_TMP/hc.tar" >/dev/null
}

@test "healthcheck run: starting, unhealthy after the retries, healthy; inspect and ps" {
    run_pod run -d --name h1 --health-cmd 'echo checking; test -e /tmp/ok' \
        --health-interval disable --health-retries 2 busybox sleep 1000
    run_pod ps --format '{{.Names}} {{.Status}}'
    assert "$output" =~ "^h1 Up .* \(starting\)$" "ps before any check"
    run_pod inspect h1 --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}}'
    is "$output" '{"Test":["CMD-SHELL","echo checking; test -e /tmp/ok"],"Timeout":30000000000,"Retries":2} none' "Config.Healthcheck as Podman"
    run_pod 1 healthcheck run h1
    is "$output" "unhealthy" "a failed check"
    run_pod inspect h1 --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}'
    is "$output" "starting 1 1" "one failure is not yet unhealthy"
    run_pod inspect h1 --format '{{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}'
    is "$output" "1 checking" "the log has the exit code and output"
    run_pod 1 healthcheck run h1
    run_pod ps --format '{{.Status}}'
    assert "$output" =~ "\(unhealthy\)$" "unhealthy after 2 failures"
    run_pod ps --filter health=unhealthy --format '{{.Names}}'
    is "$output" "h1" "ps --filter health"
    run_pod exec h1 touch /tmp/ok
    run_pod healthcheck run h1
    is "$output" "" "a healthy check prints nothing"
    run_pod inspect h1 --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}}'
    is "$output" "healthy 0"
    run_pod ps --format '{{.Status}}'
    assert "$output" =~ "\(healthy\)$"
    for _ in 1 2 3 4; do run_pod healthcheck run h1; done
    run_pod inspect h1 --format '{{len .State.Health.Log}}'
    is "$output" "5" "the log keeps the last 5 results"
}

@test "healthcheck run: errors like Podman" {
    run_pod run -d --name plain busybox sleep 1000
    run_pod inspect plain --format '{{.State.Health.Status}}|{{.Config.HealthcheckOnFailureAction}}'
    is "$output" "|none" "no healthcheck"
    local id
    id=$("$PODMAN" inspect plain --format '{{.Id}}')
    run_pod 125 healthcheck run plain
    is "$output" "Error: container $id has no defined healthcheck"
    run_pod create --name stopped --health-cmd true busybox true
    id=$("$PODMAN" inspect stopped --format '{{.Id}}')
    run_pod 125 healthcheck run stopped
    is "$output" "Error: container $id is not running"
    run_pod 125 healthcheck run nosuch
    run_pod 125 create --health-on-failure bogus busybox true
    is "$output" 'Error: invalid on-failure action "bogus" for health check: supported actions are none,kill,restart,stop'
    run_pod 125 create --no-healthcheck --health-cmd true busybox true
    is "$output" "Error: cannot specify both --no-healthcheck and --health-cmd"
    run_pod 125 create --health-retries 0 --health-cmd true busybox true
    is "$output" "Error: healthcheck-retries must be greater than 0"
    run_pod 125 create --health-start-period -1s --health-cmd true busybox true
    is "$output" "Error: healthcheck-start-period must be 0 seconds or greater"
}

@test "timeout, start period, exec form" {
    run_pod run -d --name ht --health-cmd 'echo out; sleep 10' --health-timeout 1s \
        --health-interval disable busybox sleep 1000
    local t0=$SECONDS
    run_pod 125 healthcheck run ht
    is "$output" "Error: healthcheck command exceeded timeout of 1s"
    assert "$((SECONDS - t0))" -lt 5 "the check is stopped at its timeout"
    run_pod inspect ht --format '{{(index .State.Health.Log 0).ExitCode}} {{.State.Health.FailingStreak}}'
    is "$output" "-1 1" "recorded as exit code -1"
    run_pod run -d --name hs --health-cmd false --health-start-period 60s \
        --health-interval disable --health-retries 1 busybox sleep 1000
    run_pod 1 healthcheck run hs
    is "$output" "starting" "a failure within the start period"
    run_pod inspect hs --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}}'
    is "$output" "starting 0" "does not count"
    run_pod run -d --name he --health-cmd '["cat", "/etc/hostname"]' --health-interval disable busybox sleep 1000
    run_pod inspect he --format '{{json .Config.Healthcheck.Test}}'
    is "$output" '["CMD","cat","/etc/hostname"]' "a JSON array is the exec form"
    run_pod healthcheck run he
}

@test "the monitor runs the check every interval; --health-on-failure kill; wait --condition" {
    run_pod run -d --name hm --health-cmd 'test -e /tmp/ok' --health-interval 1s \
        --health-retries 1 --health-on-failure kill \
        busybox sh -c 'touch /tmp/ok; sleep 3; rm /tmp/ok; sleep 1000'
    run_pod wait --condition healthy hm
    is "$output" "-1" "wait --condition healthy"
    run_pod inspect hm --format '{{.State.Health.Status}}'
    is "$output" "healthy" "scheduled checks made it healthy"
    run_pod wait hm
    is "$output" "137" "turned unhealthy and was killed"
    run_pod inspect hm --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}}'
    is "$output" "unhealthy 1" "the failing check is recorded"

    run_pod run -d --name hst --health-cmd false --health-interval 1s --health-retries 2 \
        --health-on-failure stop busybox sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
    run_pod wait --condition unhealthy hst
    run_pod wait hst
    is "$output" "7" "--health-on-failure stop sends the stop signal"

    run_pod run -d --name hn --health-cmd true --health-interval 1s busybox sleep 1000
    sleep 2.5
    run_pod inspect hn --format '{{.State.Health.Status}} {{len .State.Health.Log}}'
    assert "$output" =~ "^healthy [2-3]$" "about one check a second"
}

@test "an image's HEALTHCHECK applies; --no-healthcheck and --health-cmd none disable it" {
    add_healthcheck_image
    run_pod run -d --name hi localhost/hc busybox sleep 1000
    run_pod inspect hi --format '{{json .Config.Healthcheck}}'
    is "$output" '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":1000000000,"Timeout":30000000000,"Retries":1}' "from the image"
    run_pod wait --condition unhealthy hi
    run_pod exec hi touch /tmp/ok
    run_pod wait --condition healthy hi
    run_pod run -d --name hno --no-healthcheck localhost/hc sleep 1000
    run_pod inspect hno --format '{{.State.Health.Status}}|{{json .Config.Healthcheck}}'
    is "$output" "|null" "--no-healthcheck"
    run_pod run -d --name hnone --health-cmd none localhost/hc sleep 1000
    run_pod 125 healthcheck run hnone
    assert "$output" =~ "has no defined healthcheck" "--health-cmd none"
    run_pod run -d --name hover --health-retries 5 --health-interval disable localhost/hc sleep 1000
    run_pod inspect hover --format '{{json .Config.Healthcheck}}'
    is "$output" '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Timeout":30000000000,"Retries":5}' "flags override the image's timings"
}
