#!/usr/bin/env bats
# 050-run: podman run / create / start — output, exit codes, process settings.

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

@test "run: output and exit codes pass through" {
    run_pod run --rm busybox echo hello
    is "$output" "hello" "stdout"
    run_pod 3 run --rm busybox sh -c 'exit 3'
    run_pod 42 run --rm busybox sh -c 'echo to-stderr >&2; exit 42'
    is "$output" "to-stderr" "stderr is passed on"
    # pid 1 cannot be killed from inside: a child is, and sh passes on 128+9
    run_pod 137 run --rm busybox sh -c 'sh -c "kill -9 \$\$"; exit $?'
}

@test "run: 127 for a missing command, 126 for a non-executable one, 125 for engine errors" {
    run_pod 127 run --rm busybox nosuchcommand
    assert "$output" =~ "nosuchcommand.*(not found|no such file)" "127 message"
    run_pod 126 run --rm busybox /etc/passwd
    assert "$output" =~ "permission denied" "126 message"
    run_pod 125 run --rm --pull=never nosuchimage true
    is "$output" "Error: nosuchimage: image not known" "missing image"
    run_pod 125 run --network nosuchnet busybox true
    is "$output" "Error: unable to find network with name or ID nosuchnet: network not found" "unknown network"
    # --rm removed the failed container too
    run_pod ps -aq
    is "$output" "" "nothing left"
}

@test "run: process settings (env, workdir, user, hostname, entrypoint)" {
    run_pod run --rm -e FOO=bar -e HOME busybox sh -c 'echo $FOO $container $PATH'
    is "$output" "bar podman /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "env"
    printf 'A=1\n# comment\nB=two words\n' > "$PODUTILS_TMP/envfile"
    run_pod run --rm --env-file "$PODUTILS_TMP/envfile" busybox sh -c 'echo "$A|$B"'
    is "$output" "1|two words" "--env-file"
    run_pod run --rm -w /etc busybox pwd
    is "$output" "/etc" "--workdir"
    run_pod run --rm --user nobody busybox id
    is "$output" "uid=65534(nobody) gid=65534(nogroup)" "--user name"
    run_pod run --rm --user 1234:5678 busybox id -u
    is "$output" "1234" "--user uid:gid"
    run_pod 125 run --rm --user nosuchuser busybox true
    assert "$output" =~ "unable to find user nosuchuser" "unknown user"
    run_pod run --rm --hostname myhost busybox hostname
    is "$output" "myhost" "--hostname"
    run_pod run --rm --entrypoint echo busybox a b
    is "$output" "a b" "--entrypoint"
    run_pod run --rm --entrypoint '["sh","-c","echo $0"]' busybox arg0
    is "$output" "arg0" "JSON --entrypoint"
}

@test "run -d prints the ID; create + start print what they were given" {
    run_pod run -d --name detached busybox sleep 100
    assert "$output" =~ "^[0-9a-f]{64}$" "run -d prints the full ID"
    local id=$output
    run_pod ps --format '{{.ID}} {{.Names}}'
    is "$output" "${id:0:12} detached" "ps sees it"
    run_pod create --name later busybox echo from-later
    assert "$output" =~ "^[0-9a-f]{64}$" "create prints the full ID"
    run_pod start later
    is "$output" "later" "start prints the name as given"
    run_pod wait later
    is "$output" "0" "wait prints the exit code"
    run_pod logs later
    is "$output" "from-later" "logs"
    run_pod start -a later
    is "$output" "from-later" "start -a streams the new output only"
}

@test "run --cidfile, --name conflicts" {
    run_pod run -d --cidfile "$PODUTILS_TMP/cid" --name one busybox sleep 100
    is "$(cat "$PODUTILS_TMP/cid")" "$output" "cidfile holds the ID"
    run_pod 125 run --cidfile "$PODUTILS_TMP/cid" busybox true
    assert "$output" =~ "container id file exists" "an existing cidfile is refused"
    run_pod 125 create --name one busybox true
    assert "$output" =~ "the container name \"one\" is already in use by" "name in use"
}

@test "run: stdin with -i, none without" {
    run bash -c "echo piped | '$PODMAN' run --rm -i busybox cat"
    is "$output" "piped" "-i passes stdin"
    run bash -c "echo piped | '$PODMAN' run --rm busybox cat"
    is "$output" "" "no -i: stdin is empty"
}

@test "run -it in a real terminal: raw mode, window size, exit code" {
    run bash -c "(sleep 1; echo 'echo hi-\$((6*7)); stty size; exit 5') | script -qec 'stty cols 91 rows 33; $PODMAN run -it --rm busybox sh' /dev/null"
    is "$status" 5 "the container's exit code"
    assert "$output" =~ "hi-42" "typed input ran"
    assert "$output" =~ "33 91" "window size reached the pty"
}

@test "run -it: ctrl-p ctrl-q detaches, the container runs on" {
    run bash -c "(sleep 1; printf '\\020\\021') | script -qec '$PODMAN run -it --name det busybox sh' /dev/null"
    is "$status" 0 "detached"
    run_pod inspect det --format '{{.State.Status}}'
    is "$output" "running" "still running"
    run_pod rm -f -t 0 det
}

@test "the same config runs under pod-oci and runc" {
    command -v runc >/dev/null || skip "runc is not installed"
    for rt in pod-oci runc; do
        run_pod --runtime "$rt" run --rm busybox sh -c 'grep CapEff /proc/self/status; hostname | wc -c'
        is "${lines[0]}" "CapEff:	00000000800405fb" "$rt: capabilities"
        is "${lines[1]}" "13" "$rt: hostname is the short ID"
        run_pod 7 --runtime "$rt" run --rm busybox sh -c 'exit 7'
    done
    run_pod 127 --runtime runc run --rm busybox nosuch
    assert "$output" =~ "^Error: runc: " "runc's error is reported as Podman does"
}

@test "pod-run -d and pod-create print JSON records" {
    run_tool pod-run -d busybox sleep 100
    local id
    id=$(jq -r .Id <<< "$output")
    is "$(jq -r .Type <<< "$output")" "container" "record type"
    assert "$id" =~ "^[0-9a-f]{64}$" "record Id"
}

@test "--storage-driver vfs: a copied rootfs, writes stay in the container" {
    run_pod --storage-driver vfs run --name v busybox sh -c 'echo x > /newfile; ls /bin/sh'
    is "$output" "/bin/sh" "the image's files are there"
    run_pod inspect v --format '{{.Driver}}'
    is "$output" "vfs" "driver"
    local id
    id=$("$PODMAN" inspect v --format '{{.Id}}')
    [ -f "$POD_ROOT/containers/$id/rootfs/newfile" ]
    [ ! -e "$POD_ROOT/layers/$BUSYBOX_ID/diff/newfile" ]
    run_pod rm v
}
