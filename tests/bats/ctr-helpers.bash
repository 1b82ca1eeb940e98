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
