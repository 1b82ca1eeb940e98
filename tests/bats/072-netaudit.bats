#!/usr/bin/env bats
# 072-netaudit: volume gaps against Podman 4.3 found by auditing issue 6:
# `volume rm -f` ignores missing volumes, `volume export` names the file
# it cannot create.

load helpers

@test "volume rm -f: missing volumes are ignored, as Podman" {
    run_pod volume create netaudit-v1
    run_pod volume rm -f netaudit-v1 netaudit-nosuch
    is "$output" "netaudit-v1" "removes what exists, no error for the rest"
    run_pod volume rm -f netaudit-nosuch
    is "$output" "" "nothing to say"
    run_pod 1 volume rm netaudit-nosuch
    is "$output" 'Error: no volume with name "netaudit-nosuch" found: no such volume' "without -f"
}

@test "volume export: a file it cannot create, in Podman's words" {
    run_pod volume create netaudit-v2
    run_pod 125 volume export netaudit-v2 --output "$PODUTILS_TMP/nodir/x.tar"
    is "$output" "Error: could not create tarball file '$PODUTILS_TMP/nodir/x.tar': open $PODUTILS_TMP/nodir/x.tar: no such file or directory"
    run_pod volume rm netaudit-v2
}
