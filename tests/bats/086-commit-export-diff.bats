#!/usr/bin/env bats
# 086-commit-export-diff: diff, mount/unmount, export | import, commit.

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODUTILS_BIN/pod-rm" -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "diff: A, C and D against the image; --format json" {
    run_pod run --network none --name d busybox sh -c 'mkdir /new; echo x > /new/f; rm /etc/group; echo y >> /etc/passwd'
    run_pod diff d
    is "$output" "C /etc
D /etc/group
C /etc/passwd
A /new
A /new/f" "diff lines, sorted by path"
    run_pod diff --format json d
    run jq -c . <<<"$output"
    is "$output" '{"changed":["/etc","/etc/passwd"],"added":["/new","/new/f"],"deleted":["/etc/group"]}' "json"
    run_pod container diff d
    assert "${#lines[@]}" == "5" "container diff"
    run_pod 125 diff nosuch
    is "$output" "Error: nosuch not found: layer not known" "neither container nor image"
    run_pod create --network none --name fresh busybox true
    run_pod diff --format json fresh
    is "$output" "{}" "no change"
}

@test "mount, unmount: the merged path, the list, nothing leaked" {
    run_pod create --network none --name m busybox true
    run_pod mount
    is "$output" "" "nothing mounted"
    run_pod mount m
    local path=$output
    assert "$path" =~ "/merged$" "merged path"
    [[ -f $path/bin/busybox ]]
    run_pod container mount m
    is "$output" "$path" "mounted twice"
    run_pod mount --no-trunc
    local id
    id=$("$PODUTILS_BIN/podman" inspect m --format '{{.Id}}')
    is "$output" "$id  $path" "listed"
    run_pod mount --format json
    run jq -r '.[0].Names[0] + " " + .[0].mountpoint' <<<"$output"
    is "$output" "m $path" "json"
    run_pod unmount m
    is "$output" "m" "unmount prints the name"
    grep -q " $path " /proc/self/mountinfo
    run_pod umount m
    ! grep -q " $path " /proc/self/mountinfo
    # a running container stays mounted after unmount
    run_pod start m
    run_pod run -d --network none --name r busybox sleep 100
    run_pod mount r
    local rpath=$output
    run_pod container unmount -f r
    grep -q " $rpath " /proc/self/mountinfo
    run_pod rm -f -t 0 r
    ! grep -q " $rpath " /proc/self/mountinfo
}

@test "export | import round trip; export refuses nothing but a terminal" {
    run_pod run --network none --name e busybox sh -c 'mkdir -p /data; echo hello > /data/h; ln -s h /data/l; chmod 600 /data/h'
    "$PODUTILS_BIN/podman" export e > "$BATS_TEST_TMPDIR/e.tar"
    run_pod export -o "$BATS_TEST_TMPDIR/e2.tar" e
    cmp "$BATS_TEST_TMPDIR/e.tar" "$BATS_TEST_TMPDIR/e2.tar"
    run tar -tvf "$BATS_TEST_TMPDIR/e.tar" data/h data/l
    assert "${lines[0]}" =~ "^-rw------- " "mode in the tar"
    run_pod import -q "$BATS_TEST_TMPDIR/e.tar" imported
    mkdir "$BATS_TEST_TMPDIR/x1" "$BATS_TEST_TMPDIR/x2"
    tar -C "$BATS_TEST_TMPDIR/x1" -xf "$BATS_TEST_TMPDIR/e.tar"
    run_pod create --network none --name i imported true
    "$PODUTILS_BIN/podman" export i | tar -C "$BATS_TEST_TMPDIR/x2" -xf -
    a=$(cd "$BATS_TEST_TMPDIR/x1" && find . -type f ! -path './run/*' -exec sha256sum {} + | sort)
    b=$(cd "$BATS_TEST_TMPDIR/x2" && find . -type f ! -path './run/*' -exec sha256sum {} + | sort)
    assert "$a" == "$b" "same files, same checksums"
    run_pod run --rm --network none imported cat /data/h
    is "$output" "hello" "imported image runs"
    run script -qc "$PODUTILS_BIN/podman export e" /dev/null
    assert "$output" =~ "refusing to export to terminal. Use -o flag or redirect" "a terminal is refused"
}

@test "commit: run sees the change, the deleted file and --change CMD" {
    run_pod run --network none --name src busybox sh -c 'echo committed > /msg; rm /etc/group'
    run_pod commit -q -c 'CMD ["cat", "/msg"]' -c "LABEL k=v" src newimg
    local id=$output
    assert "$id" =~ "^[0-9a-f]{64}$" "image ID"
    run_pod run --rm --network none newimg
    is "$output" "committed" "CMD and the new file"
    run_pod 1 run --rm --network none newimg ls /etc/group
    run_pod image inspect newimg --format '{{.Config.Labels.k}} {{len .RootFS.Layers}}'
    is "$output" "v 2" "label; one more layer"
    run_pod commit --squash -f docker --iidfile "$BATS_TEST_TMPDIR/iid" src squashed
    is "${lines[-1]}" "$(sed 's/^sha256://' "$BATS_TEST_TMPDIR/iid")" "iidfile"
    assert "$output" =~ "Writing manifest to image destination" "progress"
    run_pod image inspect squashed --format '{{len .RootFS.Layers}}'
    is "$output" "1" "squashed"
    run_pod run --rm --network none squashed cat /msg
    is "$output" "committed" "squashed image runs"
    # a running container, paused while committing
    run_pod run -d --network none --name live busybox sh -c 'echo live > /live; sleep 100'
    sleep 0.3
    run_pod commit -q --pause live liveimg
    run_pod inspect live --format '{{.State.Status}}'
    is "$output" "running" "running again after --pause"
    run_pod run --rm --network none liveimg cat /live
    is "$output" "live" "running container committed"
}

@test "vfs: diff compares with the image, commit writes the changes with whiteouts" {
    run_pod --storage-driver vfs run --network none --name v busybox sh -c 'mkdir /new; echo x > /new/f; rm /etc/group; ln -sf /foo /bin/ls'
    run_pod --storage-driver vfs diff v
    is "$output" "C /bin
C /bin/ls
C /etc
D /etc/group
A /new
A /new/f" "vfs diff"
    run_pod --storage-driver vfs commit -q -c 'CMD ["cat", "/new/f"]' v vimg
    run_pod --storage-driver vfs run --rm --network none vimg
    is "$output" "x" "the new file"
    run_pod --storage-driver vfs run --rm --network none vimg readlink /bin/ls
    is "$output" "/foo" "the changed symlink"
    run_pod 1 --storage-driver vfs run --rm --network none vimg cat /etc/group
    run_pod diff vimg
    assert "$output" =~ "D /etc/group" "image diff: the top layer's whiteout"
}

@test "commit: -m/-a with the docker format, -m refused with oci, history entry" {
    run_pod run --network none --name h busybox true
    run_pod 125 commit -q -m hello h himg
    is "$output" "Error: messages are only compatible with the docker image format (-f docker)" "oci has no message"
    run_pod commit -q -f docker -m hello -a me h himg
    run_pod image inspect himg --format '{{.Comment}} {{.Author}}'
    is "$output" "hello me" "comment and author"
    run_pod history --format '{{.CreatedBy}} {{.Comment}}' himg
    is "${lines[0]}" "/bin/sh FROM docker.io/library/busybox:latest" "history entry"
    mkdir -p "$BATS_TEST_TMPDIR/v"
    run_pod run --network none --name hv -v "$BATS_TEST_TMPDIR/v:/vol" busybox true
    run_pod commit -q --include-volumes hv hvimg
    run_pod image inspect hvimg --format '{{json .Config.Volumes}}'
    is "$output" '{"/vol":{}}' "--include-volumes"
    run_pod 125 commit -q -f tar h x
    is "$output" "Error: unrecognized image type \"tar\"" "bad format"
}
