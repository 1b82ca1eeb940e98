#!/bin/bash
# lint.sh - project rules a compiler does not check. Prints one line per
# problem and exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
fail() { echo "lint: $*"; rc=1; }

# every exported symbol of libpod starts with pod_
if [ -f build/libpod.a ]; then
    bad=$(nm -g --defined-only build/libpod.a 2>/dev/null | awk 'NF==3 && $2 ~ /[TDBR]/ {print $3}' |
          grep -v '^pod_' | sort -u)
    for s in $bad; do fail "exported symbol without pod_ prefix: $s"; done
fi
# no markers of unfinished work
grep -rnE '\b(TODO|FIXME|XXX)\b|not implemented' lib bin --include='*.[ch]' && fail "unfinished-work marker"
# banned functions (banned.h catches them at compile time; this names the file)
grep -rnE '\b(strcpy|strcat|sprintf|strtok|atoi|localtime|mktemp)\s*\(' lib bin --include='*.c' |
    grep -v 'banned.h' && fail "banned function"
# every tool: a verb-table line, a man page with EXIT STATUS, completions, a bats file
for src in bin/pod-*.c; do
    t=$(basename "$src" .c)
    grep -q "\"$t\"" bin/verbs.def || fail "$t has no line in bin/verbs.def"
    [ -f "man/man1/$t.1" ] || fail "$t has no man page"
    [ -f "man/man1/$t.1" ] && ! grep -q '^.SH EXIT STATUS' "man/man1/$t.1" && fail "$t.1 lacks EXIT STATUS"
    [ -f "share/completions/bash/$t" ] || fail "$t has no bash completion"
    grep -q "$t" share/completions/zsh/_podman 2>/dev/null || fail "$t has no zsh completion"
    grep -q "$t" share/completions/fish/podman.fish 2>/dev/null || fail "$t has no fish completion"
    name=${t#pod-}
    ls tests/bats/[0-9][0-9][0-9]-*.bats 2>/dev/null | xargs grep -lq -- "$t\|podman $name\|run_pod $name\|run_tool [0-9? ]*$t" ||
        fail "$t has no bats test"
done
exit $rc
