# ctr-helpers.bash - container tests: a busybox image in the per-test store.
#
# add_busybox_image loads the fixture busybox image into $POD_ROOT as
# docker.io/library/busybox:latest with pod-load; BUSYBOX_ID is its image ID.

CTR_FIXTURES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images

ensure_fixtures() {
    if [[ ! -f "$CTR_FIXTURES/.done" ]]; then
        "$PODUTILS_SRC/tests/bats/fixtures/mkimages.sh" "$CTR_FIXTURES" >/dev/null
    fi
}

add_busybox_image() {
    ensure_fixtures
    local rec
    # run directly (not dispatched), pod-load prints one JSON record per image
    rec=$(env -u POD_DISPATCHED "$PODUTILS_BIN/pod-load" -q -i "$CTR_FIXTURES/busybox-docker.tar")
    BUSYBOX_ID=$(jq -r 'select(.Type == "image") | .Id' <<<"$rec")
    [[ "$BUSYBOX_ID" =~ ^[0-9a-f]{64}$ ]]
}

# no cgroup, process or mount of the test is left
ctr_leak_check() {
    local left
    left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'libpod-*' 2>/dev/null | while read -r d; do
        id=${d##*/libpod-}
        if [[ -d "$POD_ROOT/containers/$id" || -n "$(grep -l "$id" "$POD_RUNROOT"/containers/*/ 2>/dev/null)" ]]; then echo "$d"; fi
    done)
    assert "$left" == "" "cgroups left behind"
}

# the host ends of a container's veths, from its endpoint rows
veths_of() {
    sqlite3 -cmd ".timeout 10000" "$POD_ROOT/db.sqlite" \
        "SELECT json_extract(data, '\$.host_veth') FROM net_endpoints WHERE container_id = '$1'"
}

# the pods and veths that track_pod remembered are gone: no veth, no pod cgroup
assert_pods_gone() {
    local v id
    for v in "${VETHS[@]}"; do
        run ip link show "$v"
        assert "$status" -ne 0 "veth $v is gone"
    done
    for id in "${PODS[@]}"; do
        run find /sys/fs/cgroup -maxdepth 3 -type d -name "$id"
        is "$output" "" "no cgroup of pod $id"
    done
}

# remembers a pod's ID and its infra's veths (in PODS, VETHS) for the leak check
track_pod() {
    local id infra
    id=$("$PODMAN" pod inspect --format '{{.Id}}' "$1")
    infra=$("$PODMAN" pod inspect --format '{{.InfraContainerID}}' "$1")
    PODS+=("$id")
    # shellcheck disable=SC2207
    VETHS+=($(veths_of "$infra"))
}
