#!/usr/bin/env bats
#
# pod-pull / podman pull against real peers: docker-registry on 127.0.0.1
# (plain, and behind htpasswd Basic auth) holding mkimages.sh's fixtures,
# put there by skopeo. Checks what lands in the store through images,
# inspect and run, and the resolution rules of registries.conf.

load helpers
bats_require_minimum_version 1.5.0

FIXDIR=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	export IMAGES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images
	"$FIXDIR/mkimages.sh" "$IMAGES"
	. "$FIXDIR/registry.sh"
	export REG_DIR=$BATS_FILE_TMPDIR/reg REG_AUTH_DIR=$BATS_FILE_TMPDIR/reg-auth
	registry_start "$REG_DIR"
	registry_push_fixtures "$REG_DIR" "$IMAGES"
	registry_start "$REG_AUTH_DIR" htpasswd
	skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
		--dest-creds "$(cat "$REG_AUTH_DIR/creds")" --preserve-digests \
		"oci:$IMAGES/busybox:latest" "docker://$(registry_addr "$REG_AUTH_DIR")/secret/busybox:latest"
	# TLS with our own CA
	export REG_TLS_DIR=$BATS_FILE_TMPDIR/reg-tls
	registry_start "$REG_TLS_DIR" tls
	export REG_TLS
	REG_TLS=$(registry_addr "$REG_TLS_DIR")
	skopeo --insecure-policy copy --quiet --preserve-digests \
		--dest-cert-dir "$REG_TLS_DIR/certs.d/$REG_TLS" \
		"oci:$IMAGES/busybox:latest" "docker://$REG_TLS/podutils/busybox:latest"
	# the index as a Docker manifest list
	skopeo --insecure-policy copy --quiet --all --format v2s2 --dest-tls-verify=false \
		"oci:$IMAGES/multiarch:latest" "docker://$(registry_addr "$REG_DIR")/podutils/multiarch-v2s2:latest"
	# two tags of one repository for --all-tags
	local t
	for t in one two; do
		skopeo --insecure-policy copy --quiet --dest-tls-verify=false --preserve-digests \
			"oci:$IMAGES/busybox:latest" "docker://$(registry_addr "$REG_DIR")/tags/bb:$t"
	done
	export REG REG_AUTH
	REG=$(registry_addr "$REG_DIR")
	REG_AUTH=$(registry_addr "$REG_AUTH_DIR")
	BUSYBOX_ID=$(jq -r '.manifests[0].digest' "$IMAGES/busybox/index.json")
	BUSYBOX_ID=$(jq -r .config.digest "$IMAGES/busybox/blobs/sha256/${BUSYBOX_ID#sha256:}")
	export BUSYBOX_ID=${BUSYBOX_ID#sha256:}
}

teardown_file() {
	. "$FIXDIR/registry.sh"
	registry_stop "$REG_DIR" || true
	registry_stop "$REG_AUTH_DIR" || true
	registry_stop "$REG_TLS_DIR" || true
}

setup() {
	basic_setup
	# registries.conf of our own: both registries speak plain http
	export CONTAINERS_REGISTRIES_CONF=$PODUTILS_TMP/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" "$REG_AUTH" \
		>"$CONTAINERS_REGISTRIES_CONF"
	unset REGISTRY_AUTH_FILE
	export HOME=$PODUTILS_TMP/home
	mkdir -p "$HOME"
}

teardown() {
	basic_teardown
}

# manifest digest of a fixture layout
fixture_digest() {
	jq -r '.manifests[0].digest' "$IMAGES/$1/index.json"
}

@test "pull: OCI image, Podman's progress on stderr, the ID on stdout" {
	run -0 --separate-stderr "$PODMAN" pull --tls-verify=false "$REG/podutils/busybox-oci"
	is "$output" "$BUSYBOX_ID" "stdout is the image ID"
	is "${stderr_lines[0]}" "Trying to pull $REG/podutils/busybox-oci:latest..." "first line"
	is "${stderr_lines[1]}" "Getting image source signatures"
	assert "${stderr_lines[2]}" =~ '^Copying blob sha256:[0-9a-f]{64}$' "blob line"
	is "${stderr_lines[3]}" "Copying config sha256:$BUSYBOX_ID"
	is "${stderr_lines[4]}" "Writing manifest to image destination"
	is "${stderr_lines[5]}" "Storing signatures"
	run_pod images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	is "$output" "$REG/podutils/busybox-oci:latest ${BUSYBOX_ID:0:12}"
	run_pod image inspect --format '{{.Digest}}' "$REG/podutils/busybox-oci"
	is "$output" "$(fixture_digest busybox)" "digest is the manifest's"
	run_pod run --rm "$REG/podutils/busybox-oci" sh -c 'id -un; ls /home'
	is "$output" "$(printf 'root\nbb')" "the rootfs runs"
}

@test "image pull alias, -q, pod-pull record, pulling again reuses layers" {
	run -0 --separate-stderr "$PODMAN" image pull -q --tls-verify=false "$REG/podutils/busybox-oci"
	is "$output" "$BUSYBOX_ID" "-q: only the ID"
	is "$stderr" "" "-q: nothing on stderr"
	run -0 --separate-stderr "$PODUTILS_BIN/pod-pull" --tls-verify=false "$REG/podutils/busybox-v2s2"
	is "$(jq -r .Type <<<"$output")" image "record type"
	is "$(jq -r .Id <<<"$output")" "$BUSYBOX_ID" "schema2 conversion kept the config"
	is "$(jq -r '.RepoTags | sort | join(" ")' <<<"$output")" \
		"$REG/podutils/busybox-oci:latest $REG/podutils/busybox-v2s2:latest" "both names"
	# the layer was stored already: only the config was fetched
	local layer
	layer=$(jq -r '.layers[0].digest' "$IMAGES/busybox/blobs/sha256/$(fixture_digest busybox | cut -d: -f2)")
	run grep -c "GET /v2/podutils/busybox-v2s2/blobs/$layer" "$REG_DIR/log"
	is "$output" 0 "no layer download for a stored layer"
	run grep -c "GET /v2/podutils/busybox-v2s2/blobs/sha256:$BUSYBOX_ID" "$REG_DIR/log"
	assert "$output" -ge 1 "the config was fetched"
	# one layer on disk for both names
	run ls "$POD_ROOT/layers"
	is "$(grep -c '^[0-9a-f]\{64\}$' <<<"$output")" 1 "layer stored once"
	run_pod image inspect --format '{{.ManifestType}}' "$REG/podutils/busybox-v2s2"
	is "$output" "application/vnd.docker.distribution.manifest.v2+json" "schema2 manifest kept"
}

@test "multi-layer image: whiteouts, opaque dir, zstd, setuid, hard links in the rootfs" {
	run_pod pull -q --tls-verify=false "$REG/podutils/multilayer"
	run_pod run --rm --entrypoint /bin/sh "$REG/podutils/multilayer" -c \
		'ls /data; echo --; ls /opq; echo --; cat /zstd-file; stat -c "%A %U" /usr/local/bin/suid /data/owned; stat -c %h /data/hard'
	is "$output" "$(printf 'b\ndir\nhard\nowned\nsymlink\n--\nnew\n--\nzstd\n-rwsr-xr-x root\n-rw-r--r-- bb\n2')"
	run_pod image inspect --format '{{len .RootFS.Layers}} {{.Config.WorkingDir}}' "$REG/podutils/multilayer"
	is "$output" "4 /data" "four layers and the config"
}

@test "uncompressed layer" {
	run_pod pull -q --tls-verify=false "$REG/podutils/uncompressed"
	local id=$output
	run_pod events --stream=false --filter event=pull --format '{{.ID}} {{.Name}}'
	is "$output" "$id $REG/podutils/uncompressed" "pull event"
	run_pod run --rm "$REG/podutils/uncompressed" sh -c 'id -un; ls /home'
	is "$output" "$(printf 'root\nbb')"
}

@test "index: the host platform by default, --arch/--platform pick another" {
	local foreign=arm64
	[ "$(uname -m)" = aarch64 ] && foreign=amd64
	run_pod pull -q --tls-verify=false "$REG/podutils/multiarch"
	is "$output" "$BUSYBOX_ID" "host platform is busybox"
	run_pod image inspect --format '{{.Digest}}' "$REG/podutils/multiarch"
	is "$output" "$(fixture_digest multiarch)" "the image's digest is the index's"
	run_pod image inspect --format '{{len .RepoDigests}}' "$REG/podutils/multiarch"
	is "$output" 2 "index and instance digests"
	run_pod pull -q --tls-verify=false --arch "$foreign" "$REG/podutils/multiarch:latest"
	local fid=$output
	assert "$fid" != "$BUSYBOX_ID" "another image"
	run_pod image inspect --format '{{.Architecture}}' "$fid"
	is "$output" "$foreign"
	run_pod rmi "$fid"
	run_pod pull -q --tls-verify=false --platform "linux/$foreign" "$REG/podutils/multiarch"
	is "$output" "$fid" "--platform gives the same"
	# a Docker manifest list works the same
	run_pod pull -q --tls-verify=false "$REG/podutils/multiarch-v2s2"
	is "$output" "$BUSYBOX_ID" "manifest list: host platform"
	run skopeo inspect --raw --tls-verify=false "docker://$REG/podutils/multiarch-v2s2:latest"
	local list_digest
	list_digest=sha256:$(printf '%s' "$output" | sha256sum | cut -d' ' -f1)
	run_pod image inspect --format '{{.ManifestType}} {{.Digest}}' "$REG/podutils/multiarch-v2s2"
	is "$output" "application/vnd.docker.distribution.manifest.v2+json $list_digest" "list digest kept"
	run_pod 125 pull --platform linux/amd64 --arch amd64 "$REG/podutils/multiarch"
	is "$output" "Error: --platform option can not be specified with --arch or --os"
	run_pod 125 pull -q --tls-verify=false --arch s390x "$REG/podutils/multiarch"
	assert "$output" =~ "no image found in (manifest list|image index) for architecture \"?s390x" "no match"
}

@test "pull by digest keeps the digest and gives no tag" {
	local d
	d=$(fixture_digest multilayer)
	run_pod pull -q --tls-verify=false "$REG/podutils/multilayer@$d"
	run_pod images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}'
	is "$output" "$REG/podutils/multilayer <none> $d"
	run_pod image inspect --format '{{.RepoDigests}} {{.RepoTags}}' "$REG/podutils/multilayer@$d"
	is "$output" "[$REG/podutils/multilayer@$d] []"
	run_pod 125 pull -q --tls-verify=false "$REG/podutils/multilayer@sha256:$(printf '%064d' 1)"
	assert "$output" =~ "manifest unknown" "unknown digest"
}

@test "--all-tags pulls every tag; a tag with -a is refused" {
	run_pod pull -a --tls-verify=false "$REG/tags/bb"
	is "$(grep -c "^Trying to pull $REG/tags/bb:" <<<"$output")" 2 "two pulls"
	run_pod images --format '{{.Repository}}:{{.Tag}}' --sort repository
	is "$(sort <<<"$output" | tr '\n' ' ')" "$REG/tags/bb:one $REG/tags/bb:two " "both tags"
	run_pod 125 pull -a "$REG/tags/bb:one"
	is "$output" "Error: tag can't be used with --all-tags/-a"
}

@test "errors: unknown tag, https to a plain registry, bad reference" {
	run_pod 125 pull --tls-verify=false "$REG/podutils/nope"
	is "${lines[1]}" "Error: initializing source docker://$REG/podutils/nope:latest: reading manifest latest in $REG/podutils/nope: manifest unknown: manifest unknown"
	: >"$CONTAINERS_REGISTRIES_CONF"
	run_pod 125 pull -q "$REG/podutils/busybox-oci"
	assert "$output" =~ "^Error: initializing source docker://$REG/podutils/busybox-oci:latest: pinging container registry $REG" "TLS by default"
	run_pod 125 pull -q "BAD//name"
	assert "$output" =~ "invalid reference format" "bad reference"
	run_pod images -q
	is "$output" "" "nothing stored"
}

@test "registries.conf: search list in order, aliases, enforcing, blocked, rewrite, mirror" {
	local c=$CONTAINERS_REGISTRIES_CONF
	cat >"$c" <<-EOF
		unqualified-search-registries = ["127.0.0.1:1", "$REG"]
		[aliases]
		"bbalias" = "$REG/podutils/busybox-oci"
		[[registry]]
		location = "$REG"
		insecure = true
		[[registry]]
		location = "127.0.0.1:1"
		insecure = true
		[[registry]]
		prefix = "rewrite.test/x"
		location = "$REG/podutils"
		insecure = true
		[[registry]]
		location = "mirrored.test/podutils"
		[[registry.mirror]]
		location = "$REG/podutils"
		insecure = true
		[[registry]]
		location = "blocked.test"
		blocked = true
	EOF
	# the dead registry is retried 3 times (with warnings) before the next one
	run_pod '?' pull podutils/busybox-oci </dev/null
	is "$status" 0 "pulled: $output"
	is "${lines[0]}" "Resolving \"podutils/busybox-oci\" using unqualified-search registries ($c)"
	is "${lines[1]}" "Trying to pull 127.0.0.1:1/podutils/busybox-oci:latest..."
	assert "${lines[4]}" =~ "level=warning msg=\"Failed, retrying in 1s \.\.\. \(3/3\)" "retried"
	is "${lines[5]}" "Trying to pull $REG/podutils/busybox-oci:latest..."
	is "${lines[-1]}" "$BUSYBOX_ID" "the second registry had it"

	run_pod pull -q bbalias </dev/null
	run_pod images --format '{{.Repository}}' --filter reference=bbalias
	run_pod image exists "$REG/podutils/busybox-oci:latest"

	run_pod 125 pull podutils/nope </dev/null
	is "${lines[-3]}" "Error: 2 errors occurred while pulling:"
	assert "${lines[-2]}" =~ "^ \\* initializing source docker://127.0.0.1:1/podutils/nope:latest: " "first error"
	assert "${lines[-1]}" =~ "^ \\* initializing source docker://$REG/podutils/nope:latest: .*manifest unknown" "second error"

	run_pod pull -q rewrite.test/x/multilayer
	run_pod image exists rewrite.test/x/multilayer:latest
	run_pod pull -q mirrored.test/podutils/uncompressed
	run_pod image exists mirrored.test/podutils/uncompressed:latest

	run_pod 125 pull blocked.test/a/b
	is "${lines[-1]}" "Error: initializing source docker://blocked.test/a/b:latest: registry blocked.test is blocked in $c or /root/.config/containers/registries.conf.d"

	printf 'short-name-mode = "enforcing"\nunqualified-search-registries = ["127.0.0.1:1", "%s"]\n' \
		"$REG" >"$c"
	run_pod 125 pull podutils/busybox-oci </dev/null
	is "$output" "Error: short-name resolution enforced but cannot prompt without a TTY"
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" >"$c"
	run_pod 125 pull podutils/busybox-oci </dev/null
	is "$output" "Error: short-name \"podutils/busybox-oci\" did not resolve to an alias and no unqualified-search registries are defined in \"$c\""
}

@test "basic auth: --creds, --authfile, REGISTRY_AUTH_FILE, XDG auth.json, docker config" {
	local creds auth
	creds=$(cat "$REG_AUTH_DIR/creds")
	auth=$(printf '%s' "$creds" | base64 -w0)
	run_pod 125 pull -q "$REG_AUTH/secret/busybox"
	assert "$output" =~ "unauthorized" "no credentials"
	run_pod 125 pull -q --creds podutils:wrong "$REG_AUTH/secret/busybox"
	assert "$output" =~ "unauthorized" "wrong password"
	run_pod pull -q --creds "$creds" "$REG_AUTH/secret/busybox"
	is "$output" "$BUSYBOX_ID"
	run_pod rmi -a

	printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG_AUTH" "$auth" >"$PODUTILS_TMP/auth.json"
	run_pod pull -q --authfile "$PODUTILS_TMP/auth.json" "$REG_AUTH/secret/busybox"
	run_pod rmi -a
	REGISTRY_AUTH_FILE=$PODUTILS_TMP/auth.json run_pod pull -q "$REG_AUTH/secret/busybox"
	run_pod rmi -a
	mkdir -p "$XDG_RUNTIME_DIR/containers"
	printf '{"auths":{"%s/secret":{"auth":"%s"}}}' "$REG_AUTH" "$auth" \
		>"$XDG_RUNTIME_DIR/containers/auth.json"
	run_pod pull -q "$REG_AUTH/secret/busybox"
	run_pod rmi -a
	rm "$XDG_RUNTIME_DIR/containers/auth.json"
	mkdir -p "$HOME/.docker"
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG_AUTH" "$auth" >"$HOME/.docker/config.json"
	run_pod pull -q "$REG_AUTH/secret/busybox"
	is "$output" "$BUSYBOX_ID" "~/.docker/config.json"
	run_pod 125 pull -q --authfile "$PODUTILS_TMP/missing.json" "$REG_AUTH/secret/busybox"
	is "$output" "Error: checking authfile: stat $PODUTILS_TMP/missing.json: no such file or directory"
}

@test "run/create --pull=missing|always|never|newer go through pod-pull" {
	local img=$REG/podutils/busybox-oci
	run_pod 125 run --rm --pull=never "$img" true
	assert "$output" =~ "image not known" "never: no pull"
	run_pod run --rm --pull=missing "$img" echo ran
	assert "$output" =~ "Trying to pull $img:latest" "missing: pulled"
	is "${lines[-1]}" "ran"
	run_pod run --rm --pull=missing "$img" echo again
	is "$output" "again" "missing: present, no pull"
	run_pod run --rm --pull=always "$img" echo always
	assert "$output" =~ "Trying to pull $img:latest" "always: pulled again"
	run_pod run --rm --pull=newer "$img" echo newer
	is "${lines[-1]}" "newer"
	# the pull flags of run reach pod-pull
	: >"$CONTAINERS_REGISTRIES_CONF"
	run_pod 125 run --rm --pull=always "$img" true
	assert "$output" =~ "pinging container registry" "https by default"
	run_pod run --rm --pull=always --tls-verify=false "$img" echo tls
	is "${lines[-1]}" "tls" "--tls-verify=false passed on"
	run_pod rmi -a
	run_pod create -q --pull=missing --tls-verify=false "$REG/podutils/multilayer"
	local cid=$output
	assert "$cid" =~ '^[0-9a-f]{64}$' "create printed only the container ID"
	run_pod image exists "$REG/podutils/multilayer:latest"
	run_pod rm "$cid"
}

@test "TLS: verified by default, --cert-dir trusts our CA, --tls-verify=false skips" {
	: >"$CONTAINERS_REGISTRIES_CONF"
	run_pod 125 pull -q "$REG_TLS/podutils/busybox"
	assert "$output" =~ "pinging container registry $REG_TLS: .*(certificate|SSL)" "unknown CA refused"
	run_pod pull -q --cert-dir "$REG_TLS_DIR/certs.d/$REG_TLS" "$REG_TLS/podutils/busybox"
	is "$output" "$BUSYBOX_ID" "--cert-dir"
	run_pod rmi -a
	run_pod pull -q --tls-verify=false "$REG_TLS/podutils/busybox"
	is "$output" "$BUSYBOX_ID" "--tls-verify=false"
}

@test "on a terminal: Podman's finished progress bars" {
	command -v script >/dev/null || skip "no script(1)"
	local cmd="$PODMAN pull --tls-verify=false $REG/podutils/busybox-oci"
	run -0 script -qec "$cmd" /dev/null
	output=${output//$'\r'/}
	assert "$output" =~ $'\nCopying blob [0-9a-f]{12} done\n' "blob line"
	assert "$output" =~ $'\nCopying config '"${BUSYBOX_ID:0:10}"$' done\n' "config line"
	run -0 script -qec "$cmd" /dev/null
	assert "${output//$'\r'/}" =~ $'\nCopying blob [0-9a-f]{12} skipped: already exists\n' "stored layer"
}

@test "transports: docker://, docker-archive:, oci-archive:" {
	run_pod pull -q --tls-verify=false "docker://$REG/podutils/busybox-oci"
	is "$output" "$BUSYBOX_ID" "docker:// is the registry"
	run_pod image exists "$REG/podutils/busybox-oci:latest"
	run_pod rmi -a
	run_pod pull -q "docker-archive:$IMAGES/busybox-docker.tar"
	is "$output" "$BUSYBOX_ID" "docker-archive"
	run_pod image exists docker.io/library/busybox:latest
	run_pod rmi -a
	skopeo --insecure-policy copy --quiet "oci:$IMAGES/busybox:latest" \
		"oci-archive:$PODUTILS_TMP/bb-oci.tar:localhost/bb:v1"
	run_pod pull -q "oci-archive:$PODUTILS_TMP/bb-oci.tar"
	is "$output" "$BUSYBOX_ID" "oci-archive"
	run_pod 125 pull -q "oci-archive:$PODUTILS_TMP/nope.tar"
	is "$output" "Error: opening $PODUTILS_TMP/nope.tar: no such file or directory"
}

# config digest hex of a fixture image (its ID once pulled)
fixture_id() {
	local m
	m=$(fixture_digest "$1")
	m=$(jq -r .config.digest "$IMAGES/$1/blobs/sha256/${m#sha256:}")
	echo "${m#sha256:}"
}

@test "create --pull=newer: pulls only when the registry's tag moved" {
	local cp=(skopeo --insecure-policy copy --quiet --dest-tls-verify=false)
	local img=$REG/newer/img v2
	v2=$(fixture_id multilayer)
	"${cp[@]}" "oci:$IMAGES/busybox:latest" "docker://$img:latest"
	run_pod create --pull=newer "$img" true
	assert "$output" =~ "Copying blob" "v1 is pulled"
	run_pod images -q --no-trunc "$img"
	is "$output" "$BUSYBOX_ID" "v1 stored"

	"${cp[@]}" "oci:$IMAGES/multilayer:latest" "docker://$img:latest"
	run_pod create --pull=newer "$img" true
	assert "$output" =~ "Trying to pull $img:latest" "the moved tag is pulled"
	run_pod images -q --no-trunc "$img"
	is "$output" "$v2" "v2 stored under the tag"

	local blobs manifests heads
	heads=$(grep -c '"HEAD /v2/newer/img/manifests/latest' "$REG_DIR/log")
	blobs=$(grep -c '"GET /v2/newer/img/blobs/' "$REG_DIR/log")
	manifests=$(grep -c '"GET /v2/newer/img/manifests/' "$REG_DIR/log")
	run_pod create --pull=newer "$img" true
	assert "$output" !~ "Trying to pull|Copying" "nothing pulled: $output"
	is "${#lines[@]}" 1 "only the container ID"
	is "$(grep -c '"GET /v2/newer/img/blobs/' "$REG_DIR/log")" "$blobs" "no blob fetched"
	is "$(grep -c '"GET /v2/newer/img/manifests/' "$REG_DIR/log")" "$manifests" \
		"no manifest fetched"
	is "$(grep -c '"HEAD /v2/newer/img/manifests/latest' "$REG_DIR/log")" "$((heads + 1))" \
		"one HEAD of the manifest"
	run_pod images -q --no-trunc "$img"
	is "$output" "$v2" "still v2"
	run_pod rm -a
}

@test "--creds USER asks for the password on a terminal, and fails without one" {
	local pass
	pass=$(cut -d: -f2- "$REG_AUTH_DIR/creds")
	run_pod 125 pull -q --creds podutils "$REG_AUTH/secret/busybox" </dev/null
	is "$output" "Password: Error: could not read password from terminal: inappropriate ioctl for device" \
		"no terminal: Podman's error"
	run_pod images -q
	is "$output" "" "nothing pulled"

	run "$PODUTILS_SRC/tests/bats/fixtures/pty-run.py" --timeout 30 expect:"Password: " \
		send:"$pass\r" -- "$PODMAN" pull -q --creds podutils "$REG_AUTH/secret/busybox"
	is "$status" 0 "pulled with the typed password: $output"
	assert "$output" !~ "$pass" "the password is not echoed"
	assert "$output" =~ "$BUSYBOX_ID" "the image ID"

	run "$PODUTILS_SRC/tests/bats/fixtures/pty-run.py" --timeout 30 expect:"Password: " \
		send:"wrong\r" -- "$PODMAN" pull -q --creds podutils "$REG_AUTH/secret/busybox"
	is "$status" 125 "a wrong password fails: $output"
	assert "$output" =~ "unauthorized" "the registry's answer"
}

@test "create --pull=newer: a registry that cannot answer keeps the stored image, like Podman" {
	run_pod pull -q "$REG/podutils/busybox-oci"
	run_pod tag "$REG/podutils/busybox-oci" 127.0.0.1:1/dead/img
	run_pod create --pull=newer --tls-verify=false 127.0.0.1:1/dead/img true
	is "${#lines[@]}" 1 "only the container ID, no retries: $output"
	assert "$output" =~ "^[0-9a-f]{64}$" "created"
	run_pod rm -a
}
