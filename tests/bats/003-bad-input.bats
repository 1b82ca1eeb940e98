#!/usr/bin/env bats
# 003-bad-input: every kind of bad input gets one clear `Error:` line,
# Podman's exit code, and leaves nothing written.

load helpers

@test "malformed config files name the file (and line), exit 125, create nothing" {
    local d=$PODUTILS_TMP/conf
    mkdir -p "$d"
    printf '[containers]\npids_limit = "many"\n' > "$d/type.conf"
    printf '[engine\nruntime = "x"\n' > "$d/syntax.conf"
    printf '[registries.search]\nregistries = ["a"]\n[[registry]]\nlocation = "x"\n' > "$d/mixed.conf"

    CONTAINERS_CONF=$d/type.conf run_pod 125 info
    is "$output" "Error: decode configuration $d/type.conf: key \"containers.pids_limit\": incompatible types: TOML value has type string; destination has type integer"
    CONTAINERS_CONF=$d/syntax.conf run_pod 125 info
    is "$output" "Error: $d/syntax.conf:1:8: expected \"]\" after table header"
    CONTAINERS_REGISTRIES_CONF=$d/mixed.conf run_pod 125 info
    is "$output" "Error: loading registries configuration \"$d/mixed.conf\": mixing sysregistry v1/v2 is not supported"
    [ ! -e "$POD_ROOT" ] || { echo "# $POD_ROOT was created"; false; }
}

@test "an unreadable config file is an error, not a silent default" {
    local d=$PODUTILS_TMP/conf
    mkdir -p "$d/dir.conf"
    CONTAINERS_CONF=$d/dir.conf run_pod 125 info
    assert "$output" =~ "^Error: .*$d/dir.conf" "names the file"
    assert "${#lines[@]}" -eq 1 "one line"
}

@test "a bad --log-level is refused with Podman's message" {
    run_pod 125 --log-level=bogus info
    is "$output" 'Error: Log Level "bogus" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic'
}

@test "bad flag values: missing argument, bad bool" {
    run_pod 125 version --format
    is "${lines[0]}" "Error: flag needs an argument: --format"
    run_pod 125 --remote=maybe version
    is "${lines[0]}" 'Error: invalid argument "maybe" for "-r, --remote" flag: strconv.ParseBool: parsing "maybe": invalid syntax'
}

@test "too many arguments for a tool that takes none" {
    run_pod 125 version extra
    assert "$output" =~ "^Error: " "an error"
    assert "${#lines[@]}" -eq 1 "one line"
}

@test "template errors at execution time are one line and 125" {
    run_pod 125 info --format '{{.Host.Arch | nosuchfunc}}'
    is "$output" 'Error: template: info:1: function "nosuchfunc" not defined'
    run_pod 125 version --format '{{index .Client 1}}'
    assert "$output" =~ "^Error: template: version:1:" "exec error"
}
