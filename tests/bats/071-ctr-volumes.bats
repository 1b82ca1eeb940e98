#!/usr/bin/env bats
# 071-ctr-volumes: named, anonymous and image volumes in containers,
# --mount type=volume, --volumes-from, rm -v, volume rm of a used volume
# (behaviour checked against Podman 4.3.1)

load helpers
load ctr-helpers

setup() {
    basic_setup
    add_busybox_image
}

teardown() {
    "$PODMAN" rm -af -t 0 >/dev/null 2>&1 || true
    basic_teardown
}

@test "volume: data persists across rm and is shared between containers" {
    run_pod run --rm --network none -v data1:/data busybox sh -c 'echo hello > /data/f'
    run_pod volume ls -q
    is "$output" "data1" "-v NAME:/dst creates the volume on first use"
    run_pod run --rm --network none -v data1:/data busybox cat /data/f
    is "$output" "hello" "data survives the container"
    # two containers at once see each other's writes
    run_pod run -d --network none --name w -v data1:/shared busybox \
        sh -c 'echo from-w > /shared/g; sleep 100'
    run_pod run --rm --network none -v data1:/x busybox \
        sh -c 'for i in $(seq 50); do [ -f /x/g ] && break; sleep 0.1; done; cat /x/g'
    is "$output" "from-w" "shared between two containers"
    run_pod inspect w --format '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.Driver}} {{.RW}} {{.Propagation}} {{.Source}}{{end}}'
    is "$output" "volume data1 /shared local true rprivate $POD_ROOT/volumes/data1/_data" \
        "inspect .Mounts shows the volume as Podman"
    run_pod ps --filter volume=data1 --format '{{.Names}} {{.Mounts}}'
    is "$output" "w [/shared]" "ps --filter volume="
    run_pod ps --filter volume=other --format '{{.Names}}'
    is "$output" "" "ps --filter volume= with another name"
    # in use: volume rm fails with exit 2, -f removes the container first
    run_pod 2 volume rm data1
    assert "$output" =~ "volume data1 is being used by the following container\(s\): [0-9a-f]{64}: volume is being used"
    run_pod volume rm -f -t 0 data1
    is "$output" "data1"
    run_pod ps -a -q
    is "$output" "" "volume rm -f removed the container using it"
}

@test "volume: a new volume gets the image's content, owners and modes" {
    run_pod run --rm --network none -v etcv:/etc busybox cat /etc/passwd
    assert "$output" =~ "root:x:0:0" "the image's /etc is in the new volume"
    [[ -f "$POD_ROOT/volumes/etcv/_data/passwd" ]]
    # owners and modes: an image whose /data is 1234:99 mode 1750 with a 0600 file
    mkdir -p "$PODUTILS_TMP/extra/data"
    echo secret > "$PODUTILS_TMP/extra/data/s"
    chmod 1750 "$PODUTILS_TMP/extra/data"
    chmod 600 "$PODUTILS_TMP/extra/data/s"
    cp "$CTR_FIXTURES/busybox-rootfs.tar" "$PODUTILS_TMP/img.tar"
    tar -C "$PODUTILS_TMP/extra" --owner=1234 --group=99 -rf "$PODUTILS_TMP/img.tar" data
    run_pod import -q "$PODUTILS_TMP/img.tar" ownimg
    run_pod run --rm --network none -v own:/data ownimg cat /data/s
    is "$output" "secret"
    is "$(stat -c '%u:%g %a' "$POD_ROOT/volumes/own/_data")" "1234:99 1750" "directory owner/mode"
    is "$(stat -c '%u:%g %a' "$POD_ROOT/volumes/own/_data/s")" "1234:99 600" "file owner/mode"
    # U: the volume's content is chowned to the container's user
    run_pod run --rm --network none -v uvol:/u busybox sh -c 'mkdir /u/d; touch /u/d/f'
    is "$(stat -c %u:%g "$POD_ROOT/volumes/uvol/_data/d/f")" "0:0"
    run_pod run --rm --network none --user 1234:99 -v uvol:/u:U busybox stat -c %u:%g /u/d/f
    is "$output" "1234:99" ":U chowns recursively"
    # nocopy: an empty volume stays empty
    run_pod run --rm --network none -v empty:/etc:nocopy busybox ls /etc
    is "$output" "" "nocopy copies nothing"
    # a used (non-empty) volume is not copied into again
    run_pod run --rm --network none -v etcv:/etc busybox sh -c 'rm /etc/group; ls /etc/group' || true
    run_pod 1 run --rm --network none -v etcv:/etc busybox ls /etc/group
}

@test "volume: anonymous volumes are removed by rm -v and run --rm, kept by rm" {
    run_pod run --network none --name a1 -v /anon busybox sh -c 'echo x > /anon/x'
    run_pod volume ls -q
    assert "$output" =~ "^[0-9a-f]{64}$" "-v /dst makes an anonymous volume"
    anon=$output
    run_pod volume inspect "$anon" --format '{{.Anonymous}}'
    is "$output" "true"
    run_pod rm a1
    run_pod volume ls -q
    is "$output" "$anon" "rm keeps anonymous volumes"
    run_pod volume rm "$anon"

    run_pod run --network none --name a2 --mount type=volume,target=/m busybox true
    run_pod rm -v a2
    run_pod volume ls -q
    is "$output" "" "rm -v removes them"

    run_pod run --rm --network none -v named:/n -v /anon busybox true
    run_pod volume ls -q
    is "$output" "named" "run --rm removes the anonymous volume, keeps the named one"

    # the image's VOLUME entries become anonymous volumes
    run_pod import -q -c 'VOLUME /vol' "$CTR_FIXTURES/busybox-rootfs.tar" volimg
    run_pod run --network none --name a3 volimg sh -c 'echo y > /vol/y'
    run_pod inspect a3 --format '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}'
    is "$output" "volume /vol" "image VOLUME mounted as a volume"
    run_pod rm -v a3
    run_pod volume ls -q
    is "$output" "named"
}

@test "volume: --volumes-from, ro volumes, --mount type=volume" {
    mkdir -p "$PODUTILS_TMP/host"
    echo bound > "$PODUTILS_TMP/host/b"
    run_pod create --network none --name src -v v1:/v1 -v /v2 \
        -v "$PODUTILS_TMP/host:/bind" busybox true
    run_pod run --rm --network none -v v1:/v1 busybox sh -c 'echo one > /v1/one'
    run_pod run --rm --network none --volumes-from src busybox \
        sh -c 'cat /v1/one /bind/b; echo two > /v2/two; cat /v2/two'
    is "$output" "one
bound
two" "--volumes-from gives the volumes and bind mounts"
    run_pod 1 run --rm --network none --volumes-from src:ro busybox \
        sh -c 'cat /v1/one; touch /v1/new'
    assert "$output" =~ "Read-only file system" "--volumes-from CTR:ro"
    run_pod 1 run --rm --network none -v v1:/v1:ro busybox touch /v1/x
    assert "$output" =~ "Read-only file system" "-v NAME:/dst:ro"
    run_pod 1 run --rm --network none --mount type=volume,source=v1,target=/m,readonly \
        busybox touch /m/x
    run_pod run --rm --network none --mount type=volume,source=v1,target=/m busybox cat /m/one
    is "$output" "one" "--mount type=volume"
    run_pod 125 run --rm --network none --volumes-from nosuch busybox true
    assert "$output" =~ "no container with name or ID \"nosuch\" found"
    run_pod 125 run --rm --network none -v 'bad!name:/x' busybox true
    run_pod rm -v src
    run_pod volume ls -q
    is "$output" "v1" "the anonymous volume went with rm -v"
}

@test "volume: a volume with a file system is mounted while used, nothing left after" {
    run_pod volume create -o type=tmpfs -o device=tmpfs -o o=size=1m tv
    run_pod run -d --network none --name t1 -v tv:/t busybox sleep 100
    run_pod volume inspect tv --format '{{.MountCount}}'
    is "$output" "1"
    grep -q " $POD_ROOT/volumes/tv/_data " /proc/self/mountinfo
    run_pod run --rm --network none -v tv:/t busybox sh -c 'df /t | tail -1'
    assert "$output" =~ "tmpfs" "the tmpfs is what the container sees"
    run_pod stop -t 0 t1
    run_pod volume inspect tv --format '{{.MountCount}}'
    is "$output" "0" "unmounted when the last user stopped"
    run grep " $POD_ROOT/volumes/tv/_data " /proc/self/mountinfo
    is "$output" "" "no mount left"
    run_pod rm t1
    ctr_leak_check
}
