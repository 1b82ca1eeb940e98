#!/usr/bin/env bats
# 085-cp: podman cp both ways, tar streams, stopped containers, and symlinks
# in the container that must never lead outside its rootfs.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
    SRC=$BATS_TEST_TMPDIR/src
    mkdir -p "$SRC/tree/sub"
    echo alpha > "$SRC/tree/a"
    chmod 0640 "$SRC/tree/a"
    chown 1234:5678 "$SRC/tree/a"
    ln -s a "$SRC/tree/link"
    ln "$SRC/tree/a" "$SRC/tree/hard"
    echo beta > "$SRC/tree/sub/b"
    chmod 0751 "$SRC/tree/sub"
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

tree_listing() {
    (cd "$1" && find . -printf '%p %M %U:%G %l\n' | sort)
}

@test "cp: host -> running container -> host keeps the tree (modes, symlinks, hardlinks)" {
    run_pod run -d --network none --name c busybox sleep 100
    run_pod cp "$SRC/tree" c:/t
    run_pod mount c
    local m=$output
    assert "$(stat -c '%a %u:%g %h' "$m/t/a")" == "640 0:0 2" "chowned to the container user, hardlink kept"
    assert "$(readlink "$m/t/link")" == "a" "symlink copied as a symlink"
    assert "$(stat -c '%a' "$m/t/sub")" == "751" "dir mode"
    run_pod cp --archive=false "$SRC/tree" c:/keep
    assert "$(stat -c '%u:%g' "$m/keep/a")" == "1234:5678" "--archive=false keeps owners"
    run_pod unmount c
    run_pod cp c:/t "$BATS_TEST_TMPDIR/back"
    # owners come back as the caller; compare the rest
    chown -R 0:0 "$SRC/tree" -h
    assert "$(tree_listing "$BATS_TEST_TMPDIR/back")" == "$(tree_listing "$SRC/tree")" "round trip"
    assert "$(cat "$BATS_TEST_TMPDIR/back/sub/b")" == "beta" "content"
    # trailing /. copies the contents; a file onto a file overwrites it
    mkdir "$BATS_TEST_TMPDIR/dot"
    run_pod cp c:/t/sub/. "$BATS_TEST_TMPDIR/dot"
    assert "$(ls "$BATS_TEST_TMPDIR/dot")" == "b" "contents only"
    run_pod cp c:/t/a "$BATS_TEST_TMPDIR/dot/b"
    assert "$(cat "$BATS_TEST_TMPDIR/dot/b")" == "alpha" "file over file"
}

@test "cp: tar streams in and out" {
    run_pod run -d --network none --name c busybox sleep 100
    tar -C "$SRC" -cf - tree | "$PODUTILS_BIN/podman" cp - c:/tmp
    "$PODUTILS_BIN/podman" cp c:/tmp/tree/sub/b - > "$BATS_TEST_TMPDIR/b.tar"
    assert "$(tar -tf "$BATS_TEST_TMPDIR/b.tar")" == "b" "one file as a tar"
    assert "$(tar -xOf "$BATS_TEST_TMPDIR/b.tar")" == "beta" "its content"
    "$PODUTILS_BIN/podman" cp c:/tmp/tree - > "$BATS_TEST_TMPDIR/out.tar"
    run tar -tf "$BATS_TEST_TMPDIR/out.tar"
    assert "$(echo "$output" | sort | tr '\n' ' ')" == "tree/ tree/a tree/hard tree/link tree/sub/ tree/sub/b " "tree as a tar"
    run_pod 125 cp - c:/tmp/tree/a < /dev/null
    is "$output" "Error: copying to container c: destination must be a directory when copying from stdin" "stdin needs a dir"
}

@test "cp: a stopped container, errors as Podman" {
    run_pod create --network none --name s busybox true
    run_pod cp "$SRC/tree/a" s:/etc/newfile
    run_pod cp s:/etc/newfile "$BATS_TEST_TMPDIR/nf"
    assert "$(cat "$BATS_TEST_TMPDIR/nf")" == "alpha" "round trip on a created container"
    run_pod mount
    is "$output" "" "nothing left mounted"
    run_pod 125 cp s:/nope "$BATS_TEST_TMPDIR"
    is "$output" "Error: copying from container s: \"/nope\" could not be found on container s: no such file or directory" "missing source"
    run_pod 125 cp "$SRC/tree/a" s:/nonexist/foo
    assert "$output" =~ "\"/nonexist/foo\" could not be found on container s" "missing parent"
    run_pod 125 cp "$SRC/tree" s:/etc/passwd
    assert "$output" =~ "destination must be a directory when copying a directory" "dir onto file"
    mkdir -p "$BATS_TEST_TMPDIR/ow/f"
    run_pod cp "$SRC/tree/a" s:/tmp/f
    run_pod 125 cp "$BATS_TEST_TMPDIR/ow/f" s:/tmp
    assert "$output" =~ "\"f\": exists but is not a directory" "no dir over a file without --overwrite"
    run_pod cp --overwrite "$BATS_TEST_TMPDIR/ow/f" s:/tmp
    run_pod cp s:/tmp/f/. "$BATS_TEST_TMPDIR/ow/f"
    run_pod 125 cp nosuch:/a "$BATS_TEST_TMPDIR"
    is "$output" "Error: container \"nosuch\" does not exist" "no such container"
    run_pod start s
    run_pod wait s
    run_pod cp s:/etc/newfile -
}

@test "cp: symlinks in the container never escape its rootfs" {
    run_pod create --network none --name evil busybox true
    run_pod mount evil
    local m=$output
    ln -s / "$m/escape"
    ln -s ../../../../../../tmp "$m/x"
    mkdir -p "$m/tmp"
    local marker=$BATS_TEST_TMPDIR/host-marker-$$
    echo host > "$marker"
    # reading through the links reads the container's files
    run_pod cp evil:/escape/etc/passwd "$BATS_TEST_TMPDIR/pw"
    assert "$(cat "$BATS_TEST_TMPDIR/pw")" == "$(cat "$m/etc/passwd")" "container's passwd, not the host's"
    run_pod 125 cp "evil:/x$marker" "$BATS_TEST_TMPDIR/stolen"
    assert "$output" =~ "could not be found on container evil" "host file not reachable"
    # writing through them lands inside the rootfs
    local name=written-$$-$RANDOM
    echo data > "$BATS_TEST_TMPDIR/$name"
    run_pod cp "$BATS_TEST_TMPDIR/$name" evil:/x/
    run_pod cp "$BATS_TEST_TMPDIR/$name" "evil:/escape/tmp/"
    assert "$(cat "$m/tmp/$name")" == "data" "written in the container's /tmp"
    [[ ! -e /tmp/$name ]] || { rm -f "/tmp/$name"; false; }
    run_pod unmount evil
}

@test "cp: bind mounts are copied through, confined to their source; ro refused" {
    local vol=$BATS_TEST_TMPDIR/vol ro=$BATS_TEST_TMPDIR/ro
    mkdir -p "$vol" "$ro"
    echo inside > "$vol/existing"
    ln -s / "$vol/esc"
    run_pod run -d --network none --name b -v "$vol:/data" -v "$ro:/ro:ro" busybox sleep 100
    run_pod cp "$SRC/tree/a" b:/data/new
    assert "$(cat "$vol/new")" == "alpha" "written into the bind source"
    run_pod cp b:/data/existing "$BATS_TEST_TMPDIR/got"
    assert "$(cat "$BATS_TEST_TMPDIR/got")" == "inside" "read from the bind source"
    run_pod 125 cp b:/data/esc/etc/hostname "$BATS_TEST_TMPDIR/hn"
    assert "$output" =~ "could not be found on container b" "a symlink in the bind source stays in it"
    run_pod 125 cp "$SRC/tree/a" b:/ro/x
    is "$output" "Error: \"/ro/x\" is on a read-only mount of container b" "read-only"
    [[ ! -e $ro/x ]]
}

@test "cp: container to container keeps owners with --archive=false" {
    run_pod run -d --network none --name one busybox sleep 100
    run_pod create --network none --name two busybox true
    run_pod cp --archive=false "$SRC/tree" one:/t
    run_pod cp --archive=false one:/t/a two:/a
    run_pod mount two
    assert "$(stat -c '%u:%g %a' "$output/a")" == "1234:5678 640" "owner and mode went through"
    assert "$(cat "$output/a")" == "alpha" "content"
    run_pod unmount two
}

@test "cp: named volumes are copied through, on a running and a stopped container" {
    run_pod run -d --network none --name vc -v cpvol:/data busybox sleep 100
    echo into-volume > "$BATS_TEST_TMPDIR/f"
    run_pod cp "$BATS_TEST_TMPDIR/f" vc:/data/f
    run_pod run --rm --network none -v cpvol:/data busybox cat /data/f
    is "$output" "into-volume" "the file is in the volume, not under the mount point"
    run_pod stop -t 0 vc
    run_pod cp vc:/data/f "$BATS_TEST_TMPDIR/back"
    is "$(cat "$BATS_TEST_TMPDIR/back")" "into-volume" "read back from a stopped container"
    run_pod rm -f vc
    run_pod volume rm cpvol
}
