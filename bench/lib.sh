# bench/lib.sh - shared helpers: time whole commands, medians, peak RSS,
# and writing a results section into docs/performance.md.
# Source it; needs hyperfine and /usr/bin/time (packages hyperfine, time).

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_BIN=${PODUTILS_BUILD:-$BENCH_SRC/build}/bin
BENCH_RUNS=${BENCH_RUNS:-30}

# median_ms CMD...: the median wall time of BENCH_RUNS runs (after warm-up
# runs), in milliseconds, measured by hyperfine without a shell in between.
median_ms() {
    local json
    json=$(mktemp)
    hyperfine -N -i --warmup 3 --runs "$BENCH_RUNS" --export-json "$json" \
        "$(printf '%q ' "$@")" >/dev/null 2>&1
    jq -r '.results[0].median * 1000 | . * 100 | round / 100' "$json"
    rm -f "$json"
}

# peak_rss_kib CMD...: maximum resident set size of one run, in KiB
peak_rss_kib() {
    /usr/bin/time -f '%M' -o /tmp/bench-rss.$$ "$@" >/dev/null 2>&1 || true
    tail -n1 /tmp/bench-rss.$$
    rm -f /tmp/bench-rss.$$
}

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.1f\n", a / b }'; }

# write_section NAME FILE: replace the block between the markers
# <!-- bench:NAME --> and <!-- /bench:NAME --> in docs/performance.md with FILE
write_section() {
    local name=$1 file=$2 doc=$BENCH_SRC/docs/performance.md
    [ -f "$doc" ] || printf '# Performance\n' > "$doc"
    if ! grep -q "<!-- bench:$name -->" "$doc"; then
        printf '\n<!-- bench:%s -->\n<!-- /bench:%s -->\n' "$name" "$name" >> "$doc"
    fi
    awk -v name="$name" -v file="$file" '
        $0 == "<!-- bench:" name " -->" { print; while ((getline l < file) > 0) print l; skip = 1; next }
        $0 == "<!-- /bench:" name " -->" { skip = 0 }
        !skip { print }' "$doc" > "$doc.tmp" && mv "$doc.tmp" "$doc"
}

# bench_runroot NAME: a directory for both engines' runroots, on a tmpfs of its
# own. Both keep their runroot in /run, a tmpfs on a usual host; on this kind
# of machine /run is on the root filesystem, whose inode allocation slows down
# for minutes after a burst of deletions (ext4 without a journal skips
# recently freed inodes), which made every figure depend on what ran before.
# The caller's cleanup unmounts it (umount -R).
bench_runroot() {
    local d
    d=$(mktemp -d "/run/$1.XXXXXX")
    mount -t tmpfs -o size=4g,mode=0700 tmpfs "$d"
    echo "$d"
}

# podman from Debian, for comparison; its store is its own, never ours
have_podman() { [ -x /usr/bin/podman ]; }

# the tools a benchmark needs, from Debian
bench_deps() {
    local missing=""
    command -v hyperfine >/dev/null || missing="$missing hyperfine"
    [ -x /usr/bin/time ] || missing="$missing time"
    [ -x /usr/bin/podman ] || missing="$missing podman runc"
    if [ -n "$missing" ]; then
        echo "bench: installing$missing" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
}
