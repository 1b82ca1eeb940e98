#!/usr/bin/env bats
# 054-ctr-more: containers.conf runtime, --requires and rm --depend, -l/--latest,
# --label-file, --log-opt path, ps --sort/--filter, precreate hooks
# (behaviour checked against Podman 4.3.1)

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODMAN" rm -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "runtime: pod-oci by default, containers.conf runtime honoured, --runtime wins" {
    run_pod run -d --network none --name d busybox sleep 100
    run_pod inspect d --format '{{.OCIRuntime}}'
    is "$output" "pod-oci" "pod-oci is the default (an empty containers.conf)"
    id=$("$PODMAN" inspect d --format '{{.Id}}')
    [[ -d "$POD_RUNROOT/pod-oci/$id" ]]
    run_pod rm -f -t 0 d

    printf '[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
    run_pod run -d --network none --name r busybox sleep 100
    run_pod inspect r --format '{{.OCIRuntime}}'
    is "$output" "runc" "containers.conf runtime"
    id=$("$PODMAN" inspect r --format '{{.Id}}')
    [[ -f "$POD_RUNROOT/runc/$id/state.json" ]] || {
        echo "# no runc state for $id"; ls -R "$POD_RUNROOT" | head -20; false; }
    run runc --root "$POD_RUNROOT/runc" state "$id"
    assert "$output" =~ '"status": "running"' "runc itself runs it"
    run_pod rm -f -t 0 r
    [[ ! -e "$POD_RUNROOT/runc/$id" ]]

    run_pod --runtime pod-oci run --rm --network none --name o busybox true
    run_pod --runtime pod-oci create --network none --name o2 busybox true
    run_pod inspect o2 --format '{{.OCIRuntime}}'
    is "$output" "pod-oci" "--runtime overrides containers.conf"

    printf '[engine]\nruntime = "nosuch"\n[engine.runtimes]\nnosuch = ["/nonexistent/nosuch"]\n' \
        > "$CONTAINERS_CONF"
    run_pod 125 run --rm --network none busybox true
    assert "$output" =~ 'could not find a working binary \(used by OCI runtime "nosuch"\)'
    printf '[engine]\nruntime = "myrunc"\n[engine.runtimes]\nmyrunc = ["/nonexistent/x", "%s"]\n' \
        "$(command -v runc)" > "$CONTAINERS_CONF"
    run_pod run --rm --network none busybox echo via-runtimes-path
    is "$output" "via-runtimes-path" "[engine.runtimes] paths are searched"
}

@test "--requires starts dependencies first; rm refuses, rm --depend removes dependents" {
    run_pod create --network none --name base busybox sleep 100
    base=$output
    run_pod create --network none --name mid --requires base busybox sleep 100
    mid=$output
    run_pod create --network none --name top --requires mid,base busybox sleep 100
    run_pod start top
    run_pod ps --format '{{.Names}}' --sort names
    is "$output" "base
mid
top" "start started what top requires, recursively"
    run_pod 125 create --network none --requires nosuch busybox true
    assert "$output" =~ 'no container with name or ID "nosuch" found'
    run_pod 125 rm -f base
    assert "$output" =~ "container $base has dependent containers which must be removed before it: .*$mid.*: container already exists"
    run_pod rm -f -t 0 --depend base
    is "${#lines[@]}" "3" "three removed"
    is "${lines[2]}" "$base" "the named one last, by ID as Podman"
    run_pod ps -a -q
    is "$output" ""
}

@test "-l/--latest acts on the newest container" {
    run_pod 125 stop -l
    is "$output" "Error: no such container"
    run_pod 1 rm -l
    run_pod create --network none --name old busybox sleep 100
    run_pod create --network none --name new busybox sh -c 'echo out; sleep 100'
    new=$("$PODMAN" inspect new --format '{{.Id}}')
    run_pod start -l
    is "$output" "$new"
    run_pod inspect -l --format '{{.Name}} {{.State.Status}}'
    is "$output" "new running"
    for i in $(seq 50); do "$PODMAN" logs -l | grep -q out && break; sleep 0.1; done
    run_pod logs -l
    is "$output" "out"
    run_pod restart -l -t 0
    run_pod kill -l
    run_pod wait -l
    is "$output" "137"
    run_pod stop -l
    run_pod inspect -l --format '{{.State.Status}}'
    is "$output" "exited" "stop leaves it exited, as Podman"
    run_pod ps -a -l --format '{{.Names}}'
    is "$output" "new"
    run_pod 125 stop -l old
    is "$output" "Error: --latest and containers cannot be used together"
    run_pod rm -l
    run_pod ps -a --format '{{.Names}}'
    is "$output" "old" "only the latest went"
    run_pod inspect old --format '{{.State.Status}}'
    is "$output" "created"
}

@test "--label-file and --label; --log-opt path and max-size" {
    printf '# labels\na=1\n\nb=from-file\nempty\n' > "$PODUTILS_TMP/labels"
    run_pod create --network none --name l --label-file "$PODUTILS_TMP/labels" -l b=flag \
        busybox true
    run_pod inspect l --format '{{json .Config.Labels}}'
    is "$output" '{"org.podutils.fixture":"busybox","a":"1","b":"flag","empty":""}' \
        "--label wins over --label-file (image labels kept)"
    run_pod 125 create --network none --label-file "$PODUTILS_TMP/nosuch" busybox true

    run_pod run --network none --name lp --log-opt path="$PODUTILS_TMP/my.log" \
        --log-opt max-size=1m busybox echo to-my-log
    run cat "$PODUTILS_TMP/my.log"
    assert "$output" =~ " stdout F to-my-log$" "the monitor wrote the k8s-file log there"
    run_pod logs lp
    is "$output" "to-my-log" "logs reads it there"
    run_pod inspect lp --format '{{.HostConfig.LogConfig.Path}} {{.HostConfig.LogConfig.Size}}'
    is "$output" "$PODUTILS_TMP/my.log 1.049MB"
    run_pod 125 create --network none --log-opt tag=x busybox true
    assert "$output" =~ "k8s-file doesn't support --log-tag"
    run_pod 125 create --network none --log-opt foo=bar busybox true
}

@test "ps --sort and --filter keys" {
    run_pod create --network none --name b-second -l k=v busybox true
    sleep 0.01
    run_pod 3 run --network none --name a-first busybox sh -c 'dd if=/dev/zero of=/big bs=1k count=300 2>/dev/null; exit 3'
    sleep 0.01
    run_pod run -d --network none --name c-third -v vv:/v busybox sleep 100
    run_pod ps -a --sort names --format '{{.Names}}'
    is "$output" "a-first
b-second
c-third"
    run_pod ps -a --sort created --format '{{.Names}}'
    is "$output" "c-third
a-first
b-second" "created: newest first"
    run_pod ps -a --sort status --format '{{.Names}}'
    is "$output" "b-second
a-first
c-third" "status: created, exited, running"
    run_pod ps -a --sort size --format '{{.Names}}'
    is "${lines[2]}" "a-first" "size: the biggest writable layer last"
    for key in command id image runningfor; do
        run_pod ps -a --sort $key -q
        is "${#lines[@]}" "3" "--sort $key"
    done
    run_pod 125 ps --sort nosuch
    run_pod ps -a --filter exited=3 --format '{{.Names}}'
    is "$output" "a-first"
    run_pod ps -a --filter status=created --format '{{.Names}}'
    is "$output" "b-second"
    run_pod ps -a --filter label=k=v --format '{{.Names}}'
    is "$output" "b-second"
    run_pod ps -a --filter name=third --format '{{.Names}}'
    is "$output" "c-third"
    run_pod ps -a --filter since=b-second --format '{{.Names}}'
    is "$output" "c-third
a-first"
    run_pod ps -a --filter before=a-first --format '{{.Names}}'
    is "$output" "b-second"
    run_pod ps -a --filter ancestor=busybox --filter volume=vv --format '{{.Names}}'
    is "$output" "c-third"
    id=$("$PODMAN" inspect a-first --format '{{.Id}}')
    run_pod ps -a --filter id=${id:0:12} --format '{{.Names}}'
    is "$output" "a-first"
}

@test "precreate hooks rewrite the spec before it is written" {
    mkdir -p "$PODUTILS_TMP/hooks"
    cat > "$PODUTILS_TMP/hooks/env.sh" <<'EOF'
#!/bin/sh
exec jq -c '.process.env += ["FROM_HOOK=yes"]'
EOF
    chmod +x "$PODUTILS_TMP/hooks/env.sh"
    cat > "$PODUTILS_TMP/hooks/env.json" <<EOF
{"version": "1.0.0", "hook": {"path": "$PODUTILS_TMP/hooks/env.sh"},
 "when": {"commands": ["^/bin/sh\$", "^sh\$"]}, "stages": ["precreate"]}
EOF
    run_pod --hooks-dir "$PODUTILS_TMP/hooks" run --rm --network none busybox sh -c 'echo $FROM_HOOK'
    is "$output" "yes" "the hook's output is the spec"
    run_pod --hooks-dir "$PODUTILS_TMP/hooks" run --rm --network none busybox env
    assert "$output" !~ "FROM_HOOK" "not for commands it does not match"
    printf '#!/bin/sh\necho not-json\n' > "$PODUTILS_TMP/hooks/env.sh"
    run_pod 125 --hooks-dir "$PODUTILS_TMP/hooks" run --rm --network none busybox sh -c true
    assert "$output" =~ "precreate hook .*env.sh: its output is not a runtime spec"
    run_pod ps -a -q
    is "$output" "" "run --rm removed the container that could not start"
}
