#!/usr/bin/env bats
# 001-tools: every verb and tool follows the house rules.

load helpers

@test "every verb: --help, bad flag 125, man page, completions" {
    run_pod --list-verb-tools
    local pairs=$output
    while IFS=$'\t' read -r verb tool; do
        [ -n "$verb" ] || continue
        # shellcheck disable=SC2086
        run_pod $verb --help
        assert "$output" =~ "Usage:" "podman $verb --help"
        # shellcheck disable=SC2086
        run_pod 125 $verb --no-such-flag-xyz
        is "${lines[0]}" "Error: unknown flag: --no-such-flag-xyz" "podman $verb bad flag"
        [ -f "$PODUTILS_SRC/man/man1/$tool.1" ] || { echo "# no man page for $tool"; false; }
        grep -q "\[\"$verb\"\]=$tool" "$PODUTILS_SRC/share/completions/bash/podman" ||
            { echo "# no bash completion for $verb"; false; }
        grep -q -- "__fish_seen_subcommand_from ${verb%% *}" "$PODUTILS_SRC/share/completions/fish/podman.fish" ||
            { echo "# no fish completion for $verb"; false; }
    done <<< "$pairs"
}

@test "every tool: --version, --help, and a write error at exit" {
    run_pod --list-tools
    for tool in $(sort -u <<< "$output"); do
        run_tool "$tool" --version
        assert "$output" =~ "^$tool version [0-9]" "$tool --version"
        run_tool "$tool" --help
        assert "$output" =~ "Usage:" "$tool --help"
        run bash -c "'$PODUTILS_BIN/$tool' --help > /dev/full"
        is "$status" 125 "$tool --help > /dev/full"
    done
}

@test "man pages and completions are generated from the current tools" {
    run "$PODUTILS_SRC/mk/gen-docs.sh" --check
    echo "$output"
    is "$status" 0 "gen-docs --check"
}

@test "man pages render without warnings" {
    for m in "$PODUTILS_SRC"/man/man1/*.1; do
        run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l '$m' 2>&1 >/dev/null"
        is "$output" "" "man --warnings $m"
    done
}

@test "project lint: symbol prefixes, banned calls, per-tool files" {
    run "$PODUTILS_SRC/tests/lint.sh"
    echo "$output"
    is "$status" 0 "lint"
}

@test "make install honours DESTDIR and PREFIX; the installed podman finds its tools; uninstall removes them" {
    local d=$PODUTILS_TMP/inst
    run make -s -C "$PODUTILS_SRC" install DESTDIR="$d" PREFIX=/opt/pu
    is "$status" 0 "make install"
    [ -x "$d/opt/pu/bin/podman" ]
    [ -x "$d/opt/pu/libexec/podutils/pod-version" ]
    [ -f "$d/opt/pu/lib/libpod.a" ]
    [ -f "$d/opt/pu/lib/pkgconfig/libpod.pc" ]
    [ -f "$d/opt/pu/include/podutils/core/err.h" ]
    [ -f "$d/opt/pu/share/man/man1/podman.1" ]
    [ -f "$d/opt/pu/share/bash-completion/completions/podman" ]
    # a program built against the installed library and headers
    cat > "$PODUTILS_TMP/t.c" <<'EOC'
#include "core/strbuf.h"
int main(void) { struct pod_strbuf sb = POD_STRBUF_INIT; pod_strbuf_addf(&sb, "%d", 42); return sb.len == 2 ? 0 : 1; }
EOC
    run cc -D_GNU_SOURCE -I"$d/opt/pu/include/podutils" "$PODUTILS_TMP/t.c" "$d/opt/pu/lib/libpod.a" -o "$PODUTILS_TMP/t"
    is "$status" 0 "compile against the installed library: $output"
    run "$PODUTILS_TMP/t"
    is "$status" 0 "run it"
    # the dispatcher finds tools beside itself (here through the bin/ symlinks)
    PATH=/usr/bin:/bin run "$d/opt/pu/bin/podman" version --format '{{.Client.APIVersion}}'
    is "$output" "4.3.1" "installed podman version"
    PATH=/usr/bin:/bin run "$d/opt/pu/bin/pod-version" --version
    assert "$output" =~ "^pod-version version " "bin/ symlink to libexec"
    run make -s -C "$PODUTILS_SRC" uninstall DESTDIR="$d" PREFIX=/opt/pu
    is "$status" 0 "make uninstall"
    run find "$d" -type f -o -type l
    is "$output" "" "nothing left after uninstall"
}
