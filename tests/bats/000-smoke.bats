#!/usr/bin/env bats
# 000-smoke: the toolkit is built and answers at all.

load helpers

@test "podman version prints Podman's layout" {
    run_pod version
    is "${lines[0]}" "Client:       Podman Engine" "first line"
    assert "${lines[1]}" =~ "^Version: +[0-9]+\.[0-9]+\.[0-9]+$" "Version line"
    is "${lines[2]}" "API Version:  4.3.1" "API Version line"
    assert "$output" =~ "OS/Arch: +linux/[a-z0-9]+" "OS/Arch line"
}

@test "podman --version" {
    run_pod --version
    assert "$output" =~ "^podman version [0-9]+\.[0-9]+\.[0-9]+$" "--version"
}

@test "podman version --format templates and json" {
    run_pod version --format '{{.Client.APIVersion}}'
    is "$output" "4.3.1" "template field"
    run_pod version --format json
    run jq -r .Client.OsArch <<< "$output"
    assert "$output" =~ "^linux/" "json OsArch"
}

@test "pod-version prints one JSON record" {
    run_tool pod-version
    run jq -r '.Type + " " + .Client.APIVersion' <<< "$output"
    is "$output" "version 4.3.1" "record"
}

@test "unknown verb: Podman's error and 125" {
    run_pod 125 nosuchverb
    is "${lines[0]}" 'Error: unrecognized command `podman nosuchverb`'
    is "${lines[1]}" "Try 'podman --help' for more information"
}

@test "no verb: help on stderr, missing command, 125" {
    run_pod 125
    assert "$output" =~ "Error: missing command 'podman COMMAND'" "missing command"
}

@test "bad flag: Podman's error and 125" {
    run_pod 125 version --nosuchflag
    is "${lines[0]}" "Error: unknown flag: --nosuchflag"
    is "${lines[1]}" "See 'podman version --help'"
    run_pod 125 --nosuchglobal version
    is "${lines[0]}" "Error: unknown flag: --nosuchglobal"
}

@test "bad template: one error line and 125" {
    run_pod 125 version --format '{{.Client.Version'
    assert "$output" =~ "^Error: template: " "template error"
    assert "${#lines[@]}" -eq 1 "one line"
}

@test "help works at every level" {
    run_pod help
    assert "$output" =~ "Available Commands:" "podman help"
    assert "$output" =~ "version +Display the Podman version information" "verb listed"
    run_pod --help
    assert "$output" =~ "Usage:" "podman --help"
    run_pod version --help
    assert "$output" =~ "podman version \[options\]" "usage line"
    run_pod help version
    assert "$output" =~ "podman version \[options\]" "podman help VERB"
}

@test "aliases reach the same tool" {
    run_pod system info --format '{{.Host.Arch}}'
    a=$output
    run_pod info --format '{{.Host.Arch}}'
    is "$output" "$a" "system info = info"
}

@test "global options travel through the environment" {
    run_pod --root "$PODUTILS_TMP/other-root" info --format '{{.Store.GraphRoot}}'
    is "$output" "$PODUTILS_TMP/other-root" "--root before the verb"
    run_pod info --root "$PODUTILS_TMP/r2" --format '{{.Store.GraphRoot}}'
    is "$output" "$PODUTILS_TMP/r2" "--root after the verb"
    POD_ROOT=$PODUTILS_TMP/r3 run_pod info --format '{{.Store.GraphRoot}}'
    is "$output" "$PODUTILS_TMP/r3" "POD_ROOT"
}

@test "writing to a full stdout fails with 125" {
    run bash -c "'$PODMAN' version > /dev/full"
    is "$status" 125 "exit code"
    assert "$output" =~ "no space left on device" "message"
}
