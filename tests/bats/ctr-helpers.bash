# ctr-helpers.bash - container tests: a busybox image in the per-test store.
#
# add_busybox_image puts the fixture busybox image into $POD_ROOT as
# docker.io/library/busybox:latest (and localhost/busybox:latest): with
# pod-load when this build has it, else by writing the store's tables the
# way the image store does (layers/ID/diff, blobs/sha256/CONFIG, rows).

CTR_FIXTURES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images

ensure_fixtures() {
    if [[ ! -f "$CTR_FIXTURES/.done" ]]; then
        "$PODUTILS_SRC/tests/bats/fixtures/mkimages.sh" "$CTR_FIXTURES" >/dev/null
    fi
}

add_busybox_image() {
    ensure_fixtures
    local layout=$CTR_FIXTURES/busybox
    local manifest config layer diffid cfghex
    manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
    config=$(jq -r '.config.digest' "$layout/blobs/sha256/${manifest#sha256:}")
    layer=$(jq -r '.layers[0].digest' "$layout/blobs/sha256/${manifest#sha256:}")
    cfghex=${config#sha256:}
    diffid=$(jq -r '.rootfs.diff_ids[0]' "$layout/blobs/sha256/$cfghex")
    # the store must exist: any store-opening tool creates it
    "$PODUTILS_BIN/pod-container" prune -f >/dev/null
    mkdir -p "$POD_ROOT/layers/${diffid#sha256:}/diff" "$POD_ROOT/blobs/sha256"
    tar -C "$POD_ROOT/layers/${diffid#sha256:}/diff" -xzf "$layout/blobs/sha256/${layer#sha256:}"
    cp "$layout/blobs/sha256/$cfghex" "$POD_ROOT/blobs/sha256/$cfghex"
    sqlite3 "$POD_ROOT/db.sqlite" <<SQL
PRAGMA foreign_keys=ON;
INSERT INTO layers (id, diff_id, size, state) VALUES ('${diffid#sha256:}', '$diffid', 0, 'ready');
INSERT INTO images (id, digest, config_digest, top_layer, size, created)
    VALUES ('$cfghex', '$manifest', '$config', '${diffid#sha256:}', 0, 0);
INSERT INTO image_names (name, image_id) VALUES ('docker.io/library/busybox:latest', '$cfghex');
SQL
    BUSYBOX_ID=$cfghex
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
