#!/usr/bin/env bats
# 002-records: docs/records.md describes what the tools really print.

load helpers

@test "every record documented in docs/records.md matches its tool's output" {
    local doc=$PODUTILS_SRC/docs/records.md
    local types
    types=$(grep -oE '^```json record=[a-z-]+' "$doc" | sed 's/.*record=//')
    [ -n "$types" ]
    for t in $types; do
        # the documented record and the command that produces it
        local want cmd got
        want=$(awk -v t="$t" '$0 == "```json record=" t {getline; print; exit}' "$doc")
        cmd=$(awk -v t="$t" '$0 == "## " t {f=1} f && /^Produced by:/ {print; exit}' "$doc" |
              sed 's/^Produced by: `//; s/`$//')
        [ -n "$cmd" ] || { echo "# no 'Produced by' for $t"; false; }
        # shellcheck disable=SC2086
        run_tool $cmd
        got=$(head -n1 <<< "$output")
        is "$(jq -c '[keys_unsorted[]]' <<< "$got")" "$(jq -c '[keys_unsorted[]]' <<< "$want")" "keys of $t"
        is "$(jq -r .Type <<< "$got")" "$t" "Type of $t"
    done
}
