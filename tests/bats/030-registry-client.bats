#!/usr/bin/env bats
#
# lib/image/registry.c against real peers: docker-registry (plain and with
# htpasswd basic auth) read back by skopeo, and tests/helpers/fake-registry.py
# for bearer tokens, cross-origin redirects, pagination and a lying
# Docker-Content-Digest. Each registry runs on a free 127.0.0.1 port; only
# the pids started here are killed.

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() { # PORT
	local i
	for i in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	return 1
}

start_registry() { # NAME [htpasswd-file]
	local dir=$BATS_FILE_TMPDIR/$1 port
	mkdir -p "$dir/data"
	port=$(free_port)
	{
		echo "version: 0.1"
		echo "log: {level: error}"
		echo "storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}"
		echo "http: {addr: 127.0.0.1:$port, secret: podutils-test}"
		if [ -n "${2:-}" ]; then
			echo "auth: {htpasswd: {realm: basic-realm, path: $2}}"
		fi
	} >"$dir/config.yml"
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	echo $! >"$dir/pid"
	wait_port "$port"
	echo "127.0.0.1:$port" >"$dir/host"
}

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	[ -f "$ROOT/build/libpod.a" ] || make -C "$ROOT" build/libpod.a >&2
	cc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/lib" \
		-o "$BATS_FILE_TMPDIR/regtest" "$ROOT/tests/helpers/regtest.c" \
		"$ROOT/build/libpod.a" $(pkg-config --libs jansson libcurl libcrypto)

	start_registry plain
	# bcrypt through libxcrypt (docker-registry accepts only bcrypt lines)
	python3 -W ignore -c 'import crypt; print("alice:" + crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
		>"$BATS_FILE_TMPDIR/htpasswd"
	start_registry basic "$BATS_FILE_TMPDIR/htpasswd"

	mkdir -p "$BATS_FILE_TMPDIR/fake"
	python3 "$ROOT/tests/helpers/fake-registry.py" "$BATS_FILE_TMPDIR/fake/port" \
		"$BATS_FILE_TMPDIR/fake/log" >"$BATS_FILE_TMPDIR/fake/err" 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/fake/pid"
	for i in $(seq 100); do [ -s "$BATS_FILE_TMPDIR/fake/port" ] && break; sleep 0.1; done
	echo "127.0.0.1:$(cat "$BATS_FILE_TMPDIR/fake/port")" >"$BATS_FILE_TMPDIR/fake/host"

	# one image pushed with our client, shared by the read tests
	"$BATS_FILE_TMPDIR/regtest" push "$(cat "$BATS_FILE_TMPDIR/plain/host")" test/x latest \
		>"$BATS_FILE_TMPDIR/pushed"
}

teardown_file() {
	local p
	for p in plain basic fake; do
		if [ -f "$BATS_FILE_TMPDIR/$p/pid" ]; then
			kill "$(cat "$BATS_FILE_TMPDIR/$p/pid")" 2>/dev/null || true
		fi
	done
}

regtest() {
	"$BATS_FILE_TMPDIR/regtest" "$@"
}

host() {
	cat "$BATS_FILE_TMPDIR/$1/host"
}

expect() { # ACTUAL EXPECTED WHAT
	if [ "$1" != "$2" ]; then
		printf '%s\n  expected: %s\n  actual:   %s\n' "$3" "$2" "$1" >&2
		return 1
	fi
}

expect_match() { # ACTUAL GLOB WHAT
	# shellcheck disable=SC2053
	if [[ "$1" != $2 ]]; then
		printf '%s\n  expected to match: %s\n  actual: %s\n' "$3" "$2" "$1" >&2
		return 1
	fi
}

blob_file() { # NAME DIGEST
	find "$BATS_FILE_TMPDIR/$1/data" -path "*/blobs/sha256/*/${2#sha256:}/data"
}

@test "push: skopeo reads back the manifest we pushed" {
	local h digest
	h=$(host plain)
	digest=$(cat "$BATS_FILE_TMPDIR/pushed")
	expect_match "$digest" "sha256:*" "push prints the manifest digest"
	run skopeo inspect --tls-verify=false "docker://$h/test/x:latest"
	expect "$status" 0 "skopeo inspect"
	expect "$(jq -r .Digest <<<"$output")" "$digest" "digest seen by skopeo"
	expect "$(jq -r .Architecture <<<"$output")" amd64 "architecture"
	expect "$(jq -r '.Labels["test.tag"]' <<<"$output")" latest "label from our config"
	expect "$(jq -r '.Layers | length' <<<"$output")" 1 "layer count"
	run skopeo inspect --raw --tls-verify=false "docker://$h/test/x:latest"
	expect "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.manifest.v1+json "media type"
}

@test "pull: our client reads manifest, config and layer back" {
	local h digest
	h=$(host plain)
	digest=$(cat "$BATS_FILE_TMPDIR/pushed")
	run regtest pull "$h" test/x latest
	expect "$status" 0 "pull: $output"
	expect "${lines[0]}" "manifest $digest application/vnd.oci.image.manifest.v1+json" "manifest line"
	expect_match "${lines[1]}" "config sha256:* linux/amd64 cmd=/bin/sh diff_ids=1" "config line"
	expect_match "${lines[2]}" "layer sha256:* 4096" "layer line"
	run regtest pull "$h" test/x "$digest"
	expect "$status" 0 "pull by digest: $output"
	expect "${lines[0]}" "manifest $digest application/vnd.oci.image.manifest.v1+json" "by digest"
}

@test "pushing again finds the blobs present and keeps the digest" {
	local h
	h=$(host plain)
	run regtest push "$h" test/x latest
	expect "$status" 0 "second push: $output"
	expect "$output" "$(cat "$BATS_FILE_TMPDIR/pushed")" "same manifest digest"
}

@test "unknown tag and unknown blob give the registry's error" {
	local h
	h=$(host plain)
	run regtest pull "$h" test/x nope
	expect "$status" 1 "exit status"
	expect "$output" "Error: reading manifest nope in $h/test/x: manifest unknown: manifest unknown" "message"
	run regtest blob "$h" test/x "sha256:$(printf '%064d' 0)"
	expect "$status" 1 "exit status"
	expect "$output" "Error: reading blob sha256:$(printf '%064d' 0) in $h/test/x: blob unknown: blob unknown to registry" "message"
}

@test "blob_exists, tags and catalog" {
	local h layer
	h=$(host plain)
	regtest push "$h" test/x v2 >/dev/null
	layer=$(regtest pull "$h" test/x v2 | awk '/^layer/ {print $2}')
	run regtest exists "$h" test/x "$layer"
	expect "$output" "present 4096" "layer present"
	run regtest exists "$h" test/x "sha256:$(printf '%064d' 1)"
	expect "$output" "absent" "unknown digest"
	run regtest tags "$h" test/x
	expect "$status" 0 "tags"
	expect "$(sort <<<"$output" | tr '\n' ' ')" "latest v2 " "tags list"
	run regtest catalog "$h"
	expect "$output" "test/x" "catalog"
}

@test "cross-repository mount" {
	local h layer
	h=$(host plain)
	layer=$(regtest pull "$h" test/x latest | awk '/^layer/ {print $2}')
	run regtest exists "$h" other/y "$layer"
	expect "$output" "absent" "not yet in the target repo"
	run regtest mount "$h" test/x other/y "$layer"
	expect "$status" 0 "mount: $output"
	expect "$output" "mounted" "mount result"
	run regtest exists "$h" other/y "$layer"
	expect "$output" "present 4096" "present after the mount"
}

@test "blob with the wrong expected size is refused" {
	local h layer
	h=$(host plain)
	layer=$(regtest pull "$h" test/x latest | awk '/^layer/ {print $2}')
	run regtest blob "$h" test/x "$layer" 4000
	expect "$status" 1 "too small"
	expect_match "$output" "*size mismatch: the blob is larger than the expected 4000 bytes" "message"
	run regtest blob "$h" test/x "$layer" 5000
	expect "$status" 1 "too large"
	expect_match "$output" "*size mismatch: got 4096 bytes, expected 5000" "message"
}

@test "tampered blob and manifest in the registry's storage are detected" {
	local h mdigest layer f
	h=$(host plain)
	mdigest=$(regtest push "$h" tamper/z latest)
	layer=$(regtest pull "$h" tamper/z latest | awk '/^layer/ {print $2}')
	f=$(blob_file plain "$layer")
	[ -f "$f" ]
	printf 'X' | dd of="$f" bs=1 seek=10 conv=notrunc 2>/dev/null
	run regtest blob "$h" tamper/z "$layer"
	expect "$status" 1 "tampered layer"
	expect_match "$output" "Error: reading blob $layer in $h/tamper/z: digest mismatch: blob content hashes to sha256:*, expected $layer" "message"

	f=$(blob_file plain "$mdigest")
	[ -f "$f" ]
	sed -i 's/"schemaVersion":2/"schemaVersion":2 /' "$f"
	run regtest pull "$h" tamper/z latest
	expect "$status" 1 "tampered manifest by tag"
	expect_match "$output" "*digest mismatch: manifest content hashes to sha256:*, but the registry sent Docker-Content-Digest $mdigest" "message"
	run regtest pull "$h" tamper/z "$mdigest"
	expect "$status" 1 "tampered manifest by digest"
	expect_match "$output" "*digest mismatch: manifest content hashes to sha256:*, expected $mdigest" "message"
}

@test "basic auth: refused without or with wrong credentials, works with the right ones" {
	local h
	h=$(host basic)
	run regtest push "$h" a/b v1
	expect "$status" 1 "no credentials"
	expect_match "$output" "Error: uploading blob sha256:* to $h/a/b: unauthorized: authentication required" "message"
	REGTEST_CREDS=alice:wrong run regtest pull "$h" a/b v1
	expect "$status" 1 "wrong password"
	expect "$output" "Error: reading manifest v1 in $h/a/b: unauthorized: authentication required" "message"
	REGTEST_CREDS=alice:s3cret run regtest push "$h" a/b v1
	expect "$status" 0 "push with credentials: $output"
	REGTEST_CREDS=alice:s3cret run regtest pull "$h" a/b v1
	expect "$status" 0 "pull with credentials: $output"
	REGTEST_CREDS=alice:s3cret run regtest tags "$h" a/b
	expect "$output" "v1" "tags with credentials"
	run skopeo inspect --tls-verify=false --creds alice:s3cret "docker://$h/a/b:v1"
	expect "$status" 0 "skopeo with credentials"
	expect "$(jq -r '.Labels["test.tag"]' <<<"$output")" v1 "label"
}

@test "bearer: token fetched once with basic creds, redirect drops credentials" {
	local h
	h=$(host fake)
	: >"$BATS_FILE_TMPDIR/fake/log"
	REGTEST_CREDS=bob:pw run regtest pull "$h" r/img latest
	expect "$status" 0 "pull: $output"
	expect_match "${lines[0]}" "manifest sha256:* application/vnd.docker.distribution.manifest.v2+json" "manifest"
	expect_match "${lines[2]}" "layer sha256:* 1100" "layer through the redirect"
	run grep -c '^GET /token' "$BATS_FILE_TMPDIR/fake/log"
	expect "$output" 1 "one token request for the whole pull"
	run grep -c '^GET /external/.* none host=localhost$' "$BATS_FILE_TMPDIR/fake/log"
	expect "$output" 2 "blobs fetched from the other origin without Authorization"
	run grep -c '^GET /v2/r/img/.* Bearer ' "$BATS_FILE_TMPDIR/fake/log"
	expect "$output" 3 "registry requests carry the token"
}

@test "bearer: wrong credentials, lying Docker-Content-Digest, pagination" {
	local h
	h=$(host fake)
	REGTEST_CREDS=bob:nope run regtest pull "$h" r/img latest
	expect "$status" 1 "bad credentials"
	expect "$output" "Error: reading manifest latest in $h/r/img: unable to retrieve auth token: invalid username/password: unauthorized: authentication required" "message"
	REGTEST_CREDS=bob:pw run regtest pull "$h" r/img liar
	expect "$status" 1 "lying digest header"
	expect_match "$output" "*digest mismatch: manifest content hashes to sha256:*, but the registry sent Docker-Content-Digest sha256:*" "message"
	REGTEST_CREDS=bob:pw run regtest tags "$h" r/img
	expect "$status" 0 "tags"
	expect "$(tr '\n' ' ' <<<"$output")" "a b c d e " "all pages"
}
