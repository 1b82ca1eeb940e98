#!/bin/sh
# run.sh - run each fuzz target briefly over its seed corpus
# (tests/unit/data/<parser>/*/*/input), FUZZ_SECONDS each (default 20).
set -e
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
for f in "$@"; do
    name=${f##*/fuzz-}
    corpus=build/fuzz/corpus-$name
    mkdir -p "$corpus"
    for seed in tests/unit/data/"$name"/*/*/input; do
        [ -f "$seed" ] && cp "$seed" "$corpus/$(echo "$seed" | md5sum | cut -c1-16)"
    done
    echo "== $f ($secs s)"
    "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 |
        grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
done
