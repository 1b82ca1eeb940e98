# helpers.bash - shared setup for the bats suite (load with `load helpers`).
#
# Every test gets its own --root and --runroot (exported as POD_ROOT and
# POD_RUNROOT, which every tool honours) under a private temp dir, and a
# teardown that fails the test if it leaked a mount under that dir.
# Tools come from build/ (PODUTILS_BUILD overrides).

bats_require_minimum_version 1.5.0 # run -N (Debian 12 has 1.8)

PODUTILS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PODUTILS_BUILD=${PODUTILS_BUILD:-$PODUTILS_SRC/build}
PODMAN=${PODMAN:-$PODUTILS_BUILD/bin/podman}
PODUTILS_BIN=$PODUTILS_BUILD/bin
export PATH="$PODUTILS_BIN:$PATH"
# fixtures (images, registry) are cached across tests and runs
PODUTILS_TEST_CACHE=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}

basic_setup() {
    PODUTILS_TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/podutils-test.XXXXXX")
    export POD_ROOT=$PODUTILS_TMP/root
    export POD_RUNROOT=$PODUTILS_TMP/runroot
    export XDG_RUNTIME_DIR=$PODUTILS_TMP/xdg-run
    mkdir -p "$XDG_RUNTIME_DIR"
    # hermetic: the host's containers.conf (runtime, ulimits, ...) does not apply
    export CONTAINERS_CONF=$PODUTILS_TMP/containers.conf
    : > "$CONTAINERS_CONF"
    unset CONTAINERS_CONF_OVERRIDE
    unset POD_DISPATCHED
}

basic_teardown() {
    local leaked
    if [[ -n "${PODUTILS_TMP:-}" && -d "$PODUTILS_TMP" ]]; then
        # unmount anything a failing test left behind, then complain about it
        leaked=$(awk -v t="$PODUTILS_TMP" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo)
        if [[ -n "$leaked" ]]; then
            echo "# leaked mounts:" $leaked >&2
            for m in $(echo "$leaked" | sort -r); do umount -l "$m" 2>/dev/null || true; done
        fi
        rm -rf "$PODUTILS_TMP"
        if [[ -n "$leaked" ]]; then
            false
        fi
    fi
}

setup() { basic_setup; }
teardown() { basic_teardown; }

# run_pod [RC|'?'] ARGS... : runs `podman ARGS`, sets $output and $status,
# and fails unless the exit code is RC (default 0; '?' accepts any). A
# success that printed a warning also fails, like Podman's run_podman.
run_pod() {
    local expect=0
    case "${1:-}" in
        [0-9]|[0-9][0-9]|[0-9][0-9][0-9]) expect=$1; shift ;;
        '?') expect='?'; shift ;;
    esac
    if [[ "$expect" == 127 ]]; then
        run -127 "$PODMAN" "$@" # an expected 127 is not bats' "command not found" warning
    else
        run "$PODMAN" "$@"
    fi
    if [[ "$expect" != '?' && "$status" -ne "$expect" ]]; then
        echo "# podman $*"
        echo "# expected exit $expect, got $status; output:"
        echo "$output" | sed 's/^/#   /'
        return 1
    fi
    if [[ "$expect" == 0 && "$output" == *"level=warning"* ]]; then
        echo "# podman $* succeeded but printed a warning:"
        echo "$output" | sed 's/^/#   /'
        return 1
    fi
    return 0
}

# run_tool [RC|'?'] TOOL ARGS... : the same for a pod-* tool run directly.
run_tool() {
    local expect=0
    case "${1:-}" in
        [0-9]|[0-9][0-9]|[0-9][0-9][0-9]) expect=$1; shift ;;
        '?') expect='?'; shift ;;
    esac
    local tool=$1; shift
    if [[ "$expect" == 127 ]]; then
        run -127 "$PODUTILS_BIN/$tool" "$@"
    else
        run "$PODUTILS_BIN/$tool" "$@"
    fi
    if [[ "$expect" != '?' && "$status" -ne "$expect" ]]; then
        echo "# $tool $*"
        echo "# expected exit $expect, got $status; output:"
        echo "$output" | sed 's/^/#   /'
        return 1
    fi
    return 0
}

# assert ACTUAL OP EXPECTED [WHAT] with OP one of == != =~ !~ -gt -lt -ge -le
assert() {
    local actual=$1 op=$2 expected=$3 what=${4:-value}
    local ok=1
    case "$op" in
        '==') [[ "$actual" == "$expected" ]] || ok=0 ;;
        '!=') [[ "$actual" != "$expected" ]] || ok=0 ;;
        '=~') [[ "$actual" =~ $expected ]] || ok=0 ;;
        '!~') [[ ! "$actual" =~ $expected ]] || ok=0 ;;
        -gt|-lt|-ge|-le|-eq|-ne) [ "$actual" "$op" "$expected" ] || ok=0 ;;
        *) echo "# assert: unknown operator $op"; return 1 ;;
    esac
    if [[ $ok == 0 ]]; then
        echo "# FAIL: $what"
        echo "#   expected ($op): $expected"
        echo "#   actual:         $actual"
        return 1
    fi
}

# is ACTUAL EXPECTED [WHAT]: equality, the common case
is() { assert "$1" == "$2" "${3:-value}"; }

# line N of $output (0-based), like Podman's ${lines[N]}
line() { echo "${lines[$1]}"; }
