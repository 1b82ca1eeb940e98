#!/bin/bash
# run-check.sh - unit tests (cmocka, TAP), then the bats suite (TAP); the
# last line printed is "N passed, N failed". Exits non-zero on any failure.
#   --unit-only    skip bats
#   BATS_FILES=... run only these bats files
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
    local p f s
    p=$(grep -cE '^ok ' "$log" || true)
    s=$(grep -cE '^ok .*# (skip|SKIP)' "$log" || true)
    f=$(grep -cE '^not ok ' "$log" || true)
    passed=$((passed + p - s)); skipped=$((skipped + s)); failed=$((failed + f))
}

echo "== unit tests"
for t in build/tests/test-*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$log" 2>&1
    rc=$?
    sed 's/^/  /' "$log" | grep -vE '^  ok ' || true
    if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
        echo "not ok - $t exited $rc" >> "$log"
        echo "  not ok - $t exited $rc"
    fi
    echo "  $t: $(grep -cE '^ok ' "$log") ok, $(grep -cE '^not ok ' "$log") not ok"
    count
done

if [ "${1:-}" != "--unit-only" ]; then
    echo "== bats"
    files=${BATS_FILES:-$(ls tests/bats/*.bats 2>/dev/null)}
    if [ -n "$files" ]; then
        # shellcheck disable=SC2086
        bats --tap $files 2>&1 | tee "$log"
        count
    fi
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
