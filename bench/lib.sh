# bench/lib.sh - shared helpers: time whole commands, medians, peak RSS,
# and writing a results section into docs/performance.md.
# Source it; needs /usr/bin/time (package `time`).

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_BIN=${PODUTILS_BUILD:-$BENCH_SRC/build}/bin
BENCH_RUNS=${BENCH_RUNS:-30}

# median_ms CMD...: runs CMD BENCH_RUNS times (after one warm-up), prints
# the median wall time in milliseconds with two decimals.
median_ms() {
    local i t0 t1 times=()
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < BENCH_RUNS; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n |
        awk '{a[NR]=$1} END { m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f\n", m/1000 }'
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

# podman from Debian, for comparison; its store is its own, never ours
have_podman() { [ -x /usr/bin/podman ]; }
