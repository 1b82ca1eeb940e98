#!/bin/bash
# run.sh - run each fuzz target briefly over its seed corpus
# (tests/unit/data/<parser>/*/*/input), FUZZ_SECONDS each (default 20).
set -eo pipefail
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
    log=build/fuzz/$name.log
    if ! "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix=build/fuzz/ "$corpus" > "$log" 2>&1; then
        grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -20
        echo "fuzz: $f found a problem (see $log)"
        exit 1
    fi
    grep -E 'stat::number_of_executed_units' "$log" || true
done
