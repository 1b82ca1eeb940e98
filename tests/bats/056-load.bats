#!/usr/bin/env bats
# 056-load: many commands at once on one store. 50 concurrent `run -d` all
# succeed and all show up; 50 concurrent `rm -f` all succeed and leave no
# row, mount, cgroup or process behind. (bench/load times the same.)

load helpers
load ctr-helpers

N=50

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "load: $N concurrent run -d, then $N concurrent rm -f" {
    local out=$PODUTILS_TMP/out i
    mkdir -p "$out"
    for i in $(seq 1 $N); do
        ( "$PODMAN" run -d --network none --name "load$i" busybox sleep 600 > "$out/run$i" 2>&1
          echo $? > "$out/run$i.rc" ) &
    done
    wait
    run cat "$out"/run*.rc
    is "$(grep -cx 0 <<<"$output")" "$N" "every run -d succeeded: $(cat "$out"/run[0-9]* | grep -v '^[0-9a-f]*$' | head -3)"

    run_pod ps -q --filter status=running
    is "${#lines[@]}" "$N" "ps lists every container as running"
    run_pod ps -aq --no-trunc
    local ids=$output
    run_pod inspect --format '{{.State.Status}} {{.State.Pid}}' $(seq -f load%g 1 $N)
    local alive=0 st pid
    while read -r st pid; do
        [[ $st == running && -d /proc/$pid ]] && alive=$((alive + 1))
    done <<<"$output"
    is "$alive" "$N" "inspect: running, with a live pid"
    run_pod ps -a --format '{{.Names}}'
    is "$(sort <<<"$output" | uniq | wc -l)" "$N" "$N distinct names"

    for i in $(seq 1 $N); do
        ( "$PODMAN" rm -f -t 0 "load$i" > "$out/rm$i" 2>&1; echo $? > "$out/rm$i.rc" ) &
    done
    wait
    run cat "$out"/rm*.rc
    is "$(grep -cx 0 <<<"$output")" "$N" "every rm -f succeeded: $(cat "$out"/rm[0-9]* | grep -v '^load' | head -3)"
    run_pod ps -aq
    is "$output" "" "no container left"

    local mounts cgroups=0 procs pat=$BATS_TEST_TMPDIR/pattern id
    mounts=$(grep -c " $PODUTILS_TMP/" /proc/self/mountinfo || true)
    is "$mounts" 0 "no mount left"
    for id in $ids; do
        if find /sys/fs/cgroup -maxdepth 4 -type d -name "libpod-$id" 2>/dev/null | grep -q .; then
            cgroups=$((cgroups + 1))
        fi
    done
    is "$cgroups" 0 "no cgroup left"
    # no monitor or container process of this store (grep reads the pattern
    # from a file so that its own command line does not match)
    printf '%s/\n' "$PODUTILS_TMP" > "$pat"
    procs=$(grep -l -s -F -f "$pat" /proc/[0-9]*/cmdline | grep -vc "^/proc/$$/" || true)
    is "$procs" 0 "no process left"
}
