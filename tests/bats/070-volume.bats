#!/usr/bin/env bats
# 070-volume: podman volume create|ls|inspect|rm|prune|exists|export|import|mount|unmount
# (outputs checked once against Podman 4.3.1)

load helpers

@test "volume create, ls, inspect: Podman's output" {
    run_pod volume create foo
    is "$output" "foo" "create prints the name"
    run_pod volume create -l a=b -l c -o type=tmpfs -o device=tmpfs \
        -o o=uid=1000,gid=10,nodev bar
    run_pod volume ls
    is "$output" "DRIVER      VOLUME NAME
local       bar
local       foo" "default table"
    run_pod volume ls -q
    is "$output" "bar
foo"
    run_pod volume ls --noheading
    is "$output" "local       bar
local       foo"
    run_pod volume ls --format '{{.Name}} {{.Driver}} {{.Labels}}'
    is "$output" "bar local map[a:b c:]
foo local map[]"
    run_pod volume inspect foo
    is "$output" "[
     {
          \"Name\": \"foo\",
          \"Driver\": \"local\",
          \"Mountpoint\": \"$POD_ROOT/volumes/foo/_data\",
          \"CreatedAt\": \"${lines[5]:24:-2}\",
          \"Labels\": {},
          \"Scope\": \"local\",
          \"Options\": {},
          \"MountCount\": 0,
          \"NeedsCopyUp\": true,
          \"NeedsChown\": true
     }
]" "inspect JSON"
    assert "${lines[5]}" =~ '"CreatedAt": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)",' \
        "CreatedAt is RFC 3339"
    run_pod volume inspect bar --format '{{.Options}} {{.UID}} {{.GID}} {{.Labels}}'
    is "$output" "map[GID:10 UID:1000 device:tmpfs o:uid=1000,gid=10,nodev type:tmpfs] 1000 10 map[a:b c:]"
    run_pod volume ls --format json --filter name=foo
    # jsoniter prints an empty map over two lines
    pat=$'\n    "Labels": {\n      \n    },\n'
    [[ "$output" == *"$pat"* ]]
    run_pod volume inspect -a --format '{{.Name}}'
    is "$output" "bar
foo"
    # pod-volume run directly: one record per volume
    run_tool pod-volume ls
    is "${#lines[@]}" 2
    assert "${lines[0]}" =~ '^\{"Type":"volume","Name":"bar","Driver":"local",'
}

@test "volume create: name rules and errors" {
    run_pod volume create foo
    run_pod 125 volume create foo
    is "$output" "Error: volume with name foo already exists: volume already exists"
    run_pod volume create --ignore foo
    is "$output" "foo"
    for bad in _foo .foo -x 'a/b' 'a b'; do
        run_pod 125 volume create -- "$bad"
        is "$output" "Error: running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument" "name $bad"
    done
    run_pod 125 volume create -o foo=bar v
    is "$output" "Error: invalid mount option foo for driver 'local': invalid argument"
    run_pod 125 volume create -o o=uid=x v
    is "$output" 'Error: cannot convert UID x to integer: strconv.Atoi: parsing "x": invalid syntax'
    run_pod 125 volume create -l =x v
    is "$output" 'Error: unable to process labels: invalid label format: "=x"'
    run_pod 1 volume exists v
    run_pod volume create
    assert "$output" =~ '^[0-9a-f]{64}$' "unnamed volume gets a 64-hex name"
}

@test "volume ls --filter" {
    run_pod volume create -l x=1 -l y one
    run_pod volume create -l x=2 -o type=tmpfs two
    run_pod volume create three
    run_pod volume ls -q --filter label=x
    is "$output" "one
two"
    run_pod volume ls -q --filter label=x=1 --filter label=y
    is "$output" "one"
    run_pod volume ls -q --filter label!=x
    is "$output" "three"
    run_pod volume ls -q --filter name=t
    is "$output" "three
two"
    run_pod volume ls -q --filter opt=type=tmpfs
    is "$output" "two"
    run_pod volume ls -q --filter dangling=true --filter driver=local
    is "$output" "one
three
two"
    run_pod volume ls -q --filter dangling=false
    is "$output" ""
    run_pod volume ls -q --filter until=1h
    is "$output" "" "nothing created an hour ago"
    run_pod 125 volume ls --filter bogus=1
    is "$output" 'Error: "bogus" is an invalid volume filter'
    run_pod 125 volume ls --filter dangling=maybe
    is "$output" 'Error: "maybe" is not a valid value for the "dangling" filter - must be true or false'
}

@test "volume ls prints nothing for no volumes" {
    run_pod volume ls
    is "$output" ""
    run_pod volume ls --format json
    is "$output" "[]"
}

@test "volume inspect, rm, exists: missing volumes and exit codes" {
    run_pod volume create foo
    run_pod 125 volume inspect nope
    is "$output" "[]
Error: inspecting object: no such volume nope"
    run_pod 125 volume inspect n1 foo n2 --format '{{.Name}}'
    is "$output" "foo
error inspecting object: no such volume n2
Error: inspecting object: no such volume n1"
    run_pod 125 volume inspect
    is "$output" "Error: provide one or more volume names or use --all"
    run_pod volume exists foo
    run_pod 1 volume exists fo
    run_pod volume inspect fo --format '{{.Name}}'
    is "$output" "foo" "inspect takes a unique prefix"
    run_pod 1 volume rm nope foo
    is "$output" 'foo
Error: no volume with name "nope" found: no such volume'
    run_pod 1 volume exists foo
    run_pod 125 volume rm
    is "$output" "Error: choose either one or more volumes or all"
    run_pod volume create a1
    run_pod volume create a2
    run_pod volume rm -a
    is "$output" "a1
a2"
}

@test "volume rm: in use by a container is exit 2, -f removes anyway" {
    run_pod volume create used
    id=$(printf '%064d' 7 | tr 0 a)
    sqlite3 "$POD_ROOT/db.sqlite" "PRAGMA foreign_keys=ON;
        INSERT INTO containers (id, name) VALUES ('$id', 'c1');
        INSERT INTO volume_users (volume, container_id) VALUES ('used', '$id');"
    run_pod 2 volume rm used
    is "$output" "Error: volume used is being used by the following container(s): $id: volume is being used"
    run_pod volume ls -q --filter dangling=false
    is "$output" "used"
    run_pod volume prune -f
    is "$output" "" "prune leaves used volumes"
    run_pod volume rm -f used
    is "$output" "used"
    run_pod 1 volume exists used
}

@test "volume prune: prompt, filters, EOF" {
    run_pod volume create v1
    run_pod volume create -l x=1 v2
    run_pod volume prune <<<n
    is "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
v1
v2
Are you sure you want to continue? [y/N] "
    run_pod volume ls -q
    is "$output" "v1
v2" "answer n removes nothing"
    run_pod volume prune --filter label=x <<<y
    is "${lines[2]}" "Are you sure you want to continue? [y/N] v2"
    run_pod 125 volume prune </dev/null
    is "${lines[-1]}" "Are you sure you want to continue? [y/N] Error: EOF"
    run_pod volume prune -f
    is "$output" "v1"
    run_pod volume prune <<<y
    is "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
No dangling volumes found"
    run_pod 125 volume prune --filter dangling=true
    is "$output" 'Error: "dangling" is an invalid volume filter'
}

@test "volume export/import round trip is byte-identical" {
    run_pod volume create src
    d=$POD_ROOT/volumes/src/_data
    mkdir -p "$d/dir/sub"
    printf 'hello\n' > "$d/dir/file"
    head -c 100000 /dev/urandom > "$d/big"
    ln -s dir/file "$d/link"
    ln "$d/big" "$d/dir/hard"
    chmod 0751 "$d/dir"
    chown 1000:1001 "$d/dir/file"
    run_pod volume export src -o "$PODUTILS_TMP/src.tar"
    is "$output" ""
    run tar tvf "$PODUTILS_TMP/src.tar"
    assert "$output" =~ "drwxr-x--x 0/0 +0 .* dir/" "directory entry"
    assert "$output" =~ "1000/1001 +6 .* dir/file" "owner kept"
    run_pod volume create dst
    run_pod volume import dst "$PODUTILS_TMP/src.tar"
    is "$output" ""
    run_pod volume export dst -o "$PODUTILS_TMP/dst.tar"
    cmp "$PODUTILS_TMP/src.tar" "$PODUTILS_TMP/dst.tar"
    run_pod volume create viastdin
    "$PODMAN" volume export src | "$PODMAN" volume import viastdin -
    cmp "$d/big" "$POD_ROOT/volumes/viastdin/_data/big"
    is "$(stat -c %i "$POD_ROOT/volumes/dst/_data/big")" \
        "$(stat -c %i "$POD_ROOT/volumes/dst/_data/dir/hard")" "hard link kept"
    is "$(readlink "$POD_ROOT/volumes/dst/_data/link")" "dir/file"
    run_pod 125 volume export nope
    is "$output" "Error: no such volume nope"
    run_pod 125 volume import dst /nonexistent
    is "$output" "Error: open /nonexistent: no such file or directory"
    run_pod 125 volume import dst
    is "$output" "Error: accepts 2 arg(s), received 1"
}

@test "volume import refuses a hostile tar" {
    run_pod volume create h
    mkdir -p "$PODUTILS_TMP/outside"
    python3 - "$PODUTILS_TMP" <<'EOF'
import io, sys, tarfile
tmp = sys.argv[1]
def add(t, name, data=b"x", kind=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link
    if kind == tarfile.REGTYPE:
        i.size = len(data); t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
with tarfile.open(tmp + "/dotdot.tar", "w") as t:
    add(t, "ok"); add(t, "../escape"); add(t, "sub/../../escape2")
with tarfile.open(tmp + "/symparent.tar", "w") as t:
    add(t, "lnk", kind=tarfile.SYMTYPE, link=tmp + "/outside"); add(t, "lnk/evil")
with tarfile.open(tmp + "/hardout.tar", "w") as t:
    add(t, "h", kind=tarfile.LNKTYPE, link="../../../../etc/passwd")
EOF
    run_pod 125 volume import h "$PODUTILS_TMP/dotdot.tar"
    is "$output" 'Error: archive entry "../escape" would be written outside the volume: invalid argument'
    run_pod 125 volume import h "$PODUTILS_TMP/symparent.tar"
    is "$output" 'Error: archive entry "lnk/evil" would be written through a symbolic link or a non-directory: invalid argument'
    run_pod 125 volume import h "$PODUTILS_TMP/hardout.tar"
    assert "$output" =~ "would be written outside the volume"
    run ls -A "$PODUTILS_TMP/outside"
    is "$output" "" "nothing written through the symlink"
    [ ! -e "$POD_ROOT/volumes/escape" ]
    [ ! -e "$POD_ROOT/volumes/h/escape" ]
    [ ! -e "$POD_ROOT/volumes/escape2" ]
    run ls -A "$POD_ROOT/volumes/h/_data"
    is "$output" "lnk
ok"
}

@test "volume mount: tmpfs mounted on first use, unmounted by the last" {
    run_pod volume create -o type=tmpfs -o device=tmpfs -o o=size=1m,uid=1000 tmp
    mp=$POD_ROOT/volumes/tmp/_data
    run_pod volume mount tmp
    is "$output" "$mp"
    run awk -v m="$mp" '$5 == m { sub(/.* - /, ""); print $1, $2 }' /proc/self/mountinfo
    is "$output" "tmpfs tmpfs" "a tmpfs at _data"
    run awk -v m="$mp" '$5 == m { sub(/.* - /, ""); print $3 }' /proc/self/mountinfo
    assert "$output" =~ "size=1024k" "size= reached the kernel"
    assert "$output" =~ "uid=1000" "uid= reached the kernel"
    run_pod volume mount tmp
    run_pod volume inspect tmp --format '{{.MountCount}}'
    is "$output" "2"
    run_pod volume unmount tmp
    is "$output" "tmp"
    run grep -c " $mp " /proc/self/mountinfo
    is "$output" "1" "still mounted for the second user"
    run_pod volume unmount tmp
    run grep -c " $mp " /proc/self/mountinfo
    is "$output" "0" "unmounted by the last user"
    run_pod volume unmount tmp
    run_pod volume inspect tmp --format '{{.MountCount}}'
    is "$output" "0"
    # a plain volume: mount prints the path and mounts nothing
    run_pod volume create plain
    run_pod volume mount plain
    is "$output" "$POD_ROOT/volumes/plain/_data"
    run_pod volume inspect plain --format '{{.MountCount}}'
    is "$output" "0"
    # rm of a mounted volume unmounts it
    run_pod volume mount tmp
    run_pod volume rm tmp
    run grep -c " $mp " /proc/self/mountinfo
    is "$output" "0"
    run_pod 125 volume mount nope
    is "$output" 'Error: no volume with name "nope" found: no such volume'
    run_pod 125 volume mount
    is "$output" "Error: accepts 1 arg(s), received 0"
}

@test "pod-volume reads targets from stdin records" {
    run_pod volume create p1
    run_pod volume create p2
    run bash -c "'$PODUTILS_BIN/pod-volume' ls | '$PODUTILS_BIN/pod-volume' rm"
    is "$status" 0
    is "$output" "p1
p2"
    run_pod volume ls -q
    is "$output" ""
}
