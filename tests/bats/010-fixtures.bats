#!/usr/bin/env bats
# The test fixtures themselves: the image builder (fixtures/mkimages.sh) and
# the local registry helper (fixtures/registry.sh).

# shellcheck source-path=SCRIPTDIR/fixtures
FIXDIR=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	export IMAGES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images
	"$FIXDIR/mkimages.sh" "$IMAGES"

	. "$FIXDIR/registry.sh"
	export REG=$BATS_FILE_TMPDIR/reg REG_AUTH=$BATS_FILE_TMPDIR/reg-auth
	registry_start "$REG"
	registry_start "$REG_AUTH" htpasswd
}

teardown_file() {
	. "$FIXDIR/registry.sh"
	local d rc=0
	for d in "$REG" "$REG_AUTH" "$BATS_FILE_TMPDIR"/reg-*; do
		[ -d "$d" ] || continue
		registry_stop "$d" || rc=1
	done
	return $rc
}

setup() {
	. "$FIXDIR/registry.sh"
}

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# blob LAYOUT DIGEST: path of a blob.
blob() {
	echo "$1/blobs/sha256/${2#sha256:}"
}

# manifest_digest LAYOUT: digest tagged latest in LAYOUT/index.json.
manifest_digest() {
	jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "latest") | .digest' \
		"$1/index.json"
}

# Every image manifest in a layout (one, or each one an index lists).
image_manifests() {
	local l=$1 top mt
	top=$(manifest_digest "$l")
	mt=$(jq -r .mediaType "$(blob "$l" "$top")")
	if [ "$mt" = application/vnd.oci.image.index.v1+json ]; then
		jq -r '.manifests[].digest' "$(blob "$l" "$top")"
	else
		echo "$top"
	fi
}

decompress() { # MEDIATYPE FILE
	case $1 in
	*+gzip) gzip -dc "$2" ;;
	*+zstd) zstd -qdc "$2" ;;
	*.tar) cat "$2" ;;
	*) return 1 ;;
	esac
}

LAYOUTS="busybox multilayer uncompressed multiarch hostile-dotdot hostile-abs
hostile-symlink hostile-symparent hostile-hardlink"
SAFE_LAYOUTS="busybox multilayer uncompressed multiarch"

host_goarch() {
	case $(dpkg --print-architecture) in
	amd64) echo amd64 ;;
	arm64) echo arm64 ;;
	armhf | armel) echo arm ;;
	i386) echo 386 ;;
	ppc64el) echo ppc64le ;;
	*) dpkg --print-architecture ;;
	esac
}

ensure_pushed() {
	[ -f "$REG/pushed" ] && return 0
	registry_push_fixtures "$REG" "$IMAGES"
	touch "$REG/pushed"
}

raw() { # REPO[:TAG|@DIGEST] in the plain registry
	skopeo inspect --raw --tls-verify=false "docker://$(registry_addr "$REG")/$1"
}

# ---------------------------------------------------------------- images

@test "mkimages: every fixture exists as an OCI layout tagged latest" {
	local n
	for n in $LAYOUTS; do
		[ "$(jq -r .imageLayoutVersion "$IMAGES/$n/oci-layout")" = 1.0.0 ] ||
			fail "$n: bad oci-layout"
		[ -n "$(manifest_digest "$IMAGES/$n")" ] || fail "$n: no latest tag"
		[ -f "$(blob "$IMAGES/$n" "$(manifest_digest "$IMAGES/$n")")" ] ||
			fail "$n: manifest blob missing"
	done
	[ -s "$IMAGES/busybox-docker.tar" ]
	[ -s "$IMAGES/busybox-rootfs.tar" ]
	[ "$(wc -l <"$IMAGES/digests.txt")" -eq 9 ]
}

@test "mkimages: a fresh build gives identical digests and bytes" {
	local other=$BATS_FILE_TMPDIR/rebuild
	"$FIXDIR/mkimages.sh" "$other"
	diff -u "$IMAGES/digests.txt" "$other/digests.txt"
	local f
	for f in busybox-docker.tar busybox-rootfs.tar; do
		[ "$(sha256sum <"$IMAGES/$f")" = "$(sha256sum <"$other/$f")" ] ||
			fail "$f differs between builds"
	done
	rm -rf "$other"
}

@test "mkimages: a cached build does nothing" {
	local before after
	before=$(stat -c %Y.%i "$IMAGES/digests.txt" "$IMAGES/busybox")
	"$FIXDIR/mkimages.sh" "$IMAGES"
	after=$(stat -c %Y.%i "$IMAGES/digests.txt" "$IMAGES/busybox")
	[ "$before" = "$after" ]
}

@test "mkimages: blobs match their digests, diff_ids match the uncompressed tars" {
	local n m cfg l mt d size diff i count
	for n in $LAYOUTS; do
		l=$IMAGES/$n
		for m in $(image_manifests "$l"); do
			[ "sha256:$(sha256sum <"$(blob "$l" "$m")" | cut -d' ' -f1)" = "$m" ] ||
				fail "$n: manifest $m corrupt"
			cfg=$(jq -r .config.digest "$(blob "$l" "$m")")
			[ "sha256:$(sha256sum <"$(blob "$l" "$cfg")" | cut -d' ' -f1)" = "$cfg" ] ||
				fail "$n: config corrupt"
			# One line a layer: media type, digest, size, diff_id; then the
			# counts of layers, diff_ids and non-empty history entries.
			run jq -r --slurpfile c "$(blob "$l" "$cfg")" '
				[.layers, $c[0].rootfs.diff_ids] | transpose[] |
					"\(.[0].mediaType) \(.[0].digest) \(.[0].size) \(.[1])"' "$(blob "$l" "$m")"
			[ "$status" -eq 0 ]
			count=$(jq '.layers | length' "$(blob "$l" "$m")")
			[ "$count" -ge 1 ]
			[ "$(jq '[(.rootfs.diff_ids | length), ([.history[] | select(.empty_layer != true)] | length)] | join(" ")' -r \
				"$(blob "$l" "$cfg")")" = "$count $count" ] || fail "$n: diff_ids or history count"
			[ "${#lines[@]}" -eq "$count" ]
			for ((i = 0; i < count; i++)); do
				read -r mt d size diff <<<"${lines[$i]}"
				[ "sha256:$(sha256sum <"$(blob "$l" "$d")" | cut -d' ' -f1)" = "$d" ] ||
					fail "$n: layer $i blob corrupt"
				[ "$(stat -c %s "$(blob "$l" "$d")")" = "$size" ] ||
					fail "$n: layer $i size"
				[ "sha256:$(decompress "$mt" "$(blob "$l" "$d")" | sha256sum | cut -d' ' -f1)" = "$diff" ] ||
					fail "$n: layer $i diff_id mismatch"
			done
		done
	done
}

@test "mkimages: busybox config and rootfs" {
	local l=$IMAGES/busybox m cfg layer
	m=$(blob "$l" "$(manifest_digest "$l")")
	cfg=$(blob "$l" "$(jq -r .config.digest "$m")")
	[ "$(jq -c .config.Cmd "$cfg")" = '["sh"]' ]
	[ "$(jq -r '.config.Env[0]' "$cfg")" = PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ]
	[ "$(jq -r .architecture "$cfg")" = "$(host_goarch)" ]
	[ "$(jq -r .os "$cfg")" = linux ]
	[ "$(jq -r '.config.Labels["org.podutils.fixture"]' "$cfg")" = busybox ]
	[ "$(jq -r '.layers | length' "$m")" -eq 1 ]
	layer=$(blob "$l" "$(jq -r '.layers[0].digest' "$m")")
	[ "$(head -c 2 "$layer" | od -An -tx1 | tr -d ' ')" = 1f8b ]

	run tar -tvf "$IMAGES/busybox-rootfs.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bin/sh -> busybox"* ]]
	[[ "$output" == *"bin/[ -> busybox"* ]]
	[[ "$output" == *"drwxrwxrwt 0/0"*" tmp/"* ]]
	[[ "$output" == *"drwxr-xr-x 1000/1000"*" home/bb/"* ]]
	[[ "$output" == *"-rwxr-xr-x 0/0"*" bin/busybox"* ]]
	run tar -xOf "$IMAGES/busybox-rootfs.tar" etc/passwd
	[[ "$output" == *"bb:x:1000:1000:"* ]]
	[[ "$output" == *"nobody:x:65534:"* ]]
	# The plain rootfs tarball is the busybox layer, uncompressed.
	[ "sha256:$(sha256sum <"$IMAGES/busybox-rootfs.tar" | cut -d' ' -f1)" = \
		"$(jq -r '.rootfs.diff_ids[0]' "$cfg")" ]
}

@test "mkimages: the busybox rootfs runs a shell" {
	[ "$(id -u)" -eq 0 ] || skip "needs root for chroot"
	local r=$BATS_TEST_TMPDIR/root
	mkdir -p "$r"
	tar -C "$r" -xf "$IMAGES/busybox-rootfs.tar"
	run chroot "$r" /bin/sh -c 'id -un; ls / | wc -l; echo $((6 * 7))'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = root ]
	[ "${lines[2]}" = 42 ]
}

@test "mkimages: multilayer layers carry whiteouts, opaque dir, links and zstd" {
	local l=$IMAGES/multilayer m cfg
	m=$(blob "$l" "$(manifest_digest "$l")")
	cfg=$(blob "$l" "$(jq -r .config.digest "$m")")
	[ "$(jq -r '.layers | length' "$m")" -eq 4 ]
	[ "$(jq -r '.layers[3].mediaType' "$m")" = application/vnd.oci.image.layer.v1.tar+zstd ]
	[ "$(jq -r '[.layers[0:3][].mediaType] | unique | .[]' "$m")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	# The first layer is busybox's very blob.
	[ "$(jq -r '.layers[0].digest' "$m")" = \
		"$(jq -r '.layers[0].digest' "$(blob "$IMAGES/busybox" "$(manifest_digest "$IMAGES/busybox")")")" ]
	[ "$(head -c 4 "$(blob "$l" "$(jq -r '.layers[3].digest' "$m")")" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]

	run tar -tvzf "$(blob "$l" "$(jq -r '.layers[1].digest' "$m")")"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hrw-r--r-- 0/0"*"data/hard link to data/b"* ]]
	[[ "$output" == *"data/symlink -> dir/x"* ]]
	[[ "$output" == *"-rwsr-xr-x 0/0"*"usr/local/bin/suid"* ]]
	[[ "$output" == *"-rw-r--r-- 1000/1000"*"data/owned"* ]]
	[[ "$output" == *" opq/keep1"* && "$output" == *" opq/keep2"* ]]
	[[ "$output" == *" data/a"* && "$output" == *" data/dir/x"* ]]

	run tar -tzf "$(blob "$l" "$(jq -r '.layers[2].digest' "$m")")"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'data/\ndata/.wh.a\nopq/\nopq/.wh..wh..opq\nopq/new')" ]

	run sh -c "zstd -qdc '$(blob "$l" "$(jq -r '.layers[3].digest' "$m")")' | tar -tf -"
	[ "$output" = zstd-file ]

	[ "$(jq -c .config.Entrypoint "$cfg")" = '["/bin/echo","entrypoint"]' ]
	[ "$(jq -c .config.Cmd "$cfg")" = '["cmd"]' ]
	[ "$(jq -r .config.WorkingDir "$cfg")" = /data ]
	[ "$(jq -c .config.ExposedPorts "$cfg")" = '{"8080/tcp":{}}' ]
	[ "$(jq -c .config.Volumes "$cfg")" = '{"/vol":{}}' ]
	[ "$(jq -r .config.StopSignal "$cfg")" = SIGINT ]
	[ "$(jq -r .config.User "$cfg")" = "" ]
	[ "$(jq -r '.config.Healthcheck' "$cfg")" = null ]
}

@test "mkimages: uncompressed is one plain tar layer" {
	local l=$IMAGES/uncompressed m
	m=$(blob "$l" "$(manifest_digest "$l")")
	[ "$(jq -r '.layers | length' "$m")" -eq 1 ]
	[ "$(jq -r '.layers[0].mediaType' "$m")" = application/vnd.oci.image.layer.v1.tar ]
	run tar -tf "$(blob "$l" "$(jq -r '.layers[0].digest' "$m")")"
	[ "$status" -eq 0 ]
	[[ "$output" == *bin/busybox* ]]
}

@test "mkimages: multiarch is an index of the host image and a foreign one" {
	local l=$IMAGES/multiarch idx host
	idx=$(blob "$l" "$(manifest_digest "$l")")
	[ "$(jq -r .mediaType "$idx")" = application/vnd.oci.image.index.v1+json ]
	[ "$(jq '.manifests | length' "$idx")" -eq 2 ]
	host=$(host_goarch)
	[ "$(jq -r --arg a "$host" '.manifests[] | select(.platform.architecture == $a) | .digest' "$idx")" = \
		"$(manifest_digest "$IMAGES/busybox")" ]
	if [ "$host" != arm64 ]; then
		local fm
		fm=$(jq -r '.manifests[] | select(.platform.architecture == "arm64" and .platform.variant == "v8" and .platform.os == "linux") | .digest' "$idx")
		[ -n "$fm" ]
		local fl
		fl=$(jq -r '.layers[0].digest' "$(blob "$l" "$fm")")
		[ "$(tar -xzOf "$(blob "$l" "$fl")" arch)" = arm64 ]
	fi
}

@test "mkimages: hostile layers keep their unsafe names and link targets" {
	# hostile-NAME:entry name or link target, as stored in the raw header.
	local spec n want l m layer
	for spec in dotdot:../../escape-dotdot abs:/tmp/escape-abs \
		symlink:link symlink:/tmp symlink:link/escape-symlink \
		symparent:d symparent:../.. symparent:d/escape-parent \
		hardlink:passwd-abs hardlink:/etc/passwd hardlink:../../etc/passwd; do
		n=hostile-${spec%%:*} want=${spec#*:}
		l=$IMAGES/$n
		m=$(blob "$l" "$(manifest_digest "$l")")
		[ "$(jq -r '.layers | length' "$m")" -eq 1 ]
		layer=$(blob "$l" "$(jq -r '.layers[0].digest' "$m")")
		# A link target follows the checksum's trailing space and the type flag.
		gzip -dc "$layer" | tr '\0' '\n' | grep -qxF -e "$want" -e " 1$want" -e " 2$want" ||
			fail "$n: no raw entry '$want'"
	done
	# GNU tar itself notices and neutralises them.
	run tar -tzf "$(blob "$IMAGES/hostile-abs" \
		"$(jq -r '.layers[0].digest' "$(blob "$IMAGES/hostile-abs" "$(manifest_digest "$IMAGES/hostile-abs")")")")"
	[[ "$output" == *"Removing leading"* ]]
}

@test "mkimages: skopeo reads every safe layout and the docker archive" {
	local n d
	for n in $SAFE_LAYOUTS; do
		run skopeo inspect "oci:$IMAGES/$n:latest"
		[ "$status" -eq 0 ] || fail "skopeo inspect $n: $output"
		[ "$(jq -r .Os <<<"$output")" = linux ]
		[ "$(jq -r .Architecture <<<"$output")" = "$(host_goarch)" ]
		d=$(skopeo inspect --raw "oci:$IMAGES/$n:latest" | sha256sum | cut -d' ' -f1)
		grep -qx "$n sha256:$d.*" "$IMAGES/digests.txt" || fail "$n raw digest"
	done
	run skopeo inspect "docker-archive:$IMAGES/busybox-docker.tar"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
	[ "$(tar -xOf "$IMAGES/busybox-docker.tar" manifest.json | jq -r '.[0].RepoTags[0]')" = \
		docker.io/library/busybox:latest ]
}

# -------------------------------------------------------------- registry

@test "registry: listens on a loopback port and answers /v2/" {
	local port pid
	port=$(cat "$REG/port")
	pid=$(cat "$REG/pid")
	[ "$port" -ge 20000 ]
	[ "$port" -lt 60000 ]
	kill -0 "$pid"
	run ss -Hltnp "sport = :$port"
	[[ "$output" == *"127.0.0.1:$port"* ]]
	[[ "$output" == *"pid=$pid,"* ]]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/")" = 200 ]
	[ "$(registry_url "$REG")" = "http://127.0.0.1:$port" ]
	[ "$(registry_addr "$REG")" = "127.0.0.1:$port" ]
}

@test "registry: a second start on a running DIR is refused" {
	run registry_start "$REG"
	[ "$status" -ne 0 ]
	[[ "$output" == *"already runs"* ]]
}

@test "registry: fixtures push and read back with the right manifests" {
	ensure_pushed
	local out
	run curl -sf "$(registry_url "$REG")/v2/_catalog"
	[ "$status" -eq 0 ]
	[ "$(jq -c '.repositories' <<<"$output")" = \
		'["podutils/busybox-oci","podutils/busybox-v2s2","podutils/multiarch","podutils/multilayer","podutils/uncompressed"]' ]

	out=$(raw podutils/busybox-oci:latest)
	[ "$(jq -r .mediaType <<<"$out")" = application/vnd.oci.image.manifest.v1+json ]
	[ "$(jq -r '[.layers[].mediaType] | join(",")' <<<"$out")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	[ "sha256:$(printf '%s' "$out" | sha256sum | cut -d' ' -f1)" = "$(manifest_digest "$IMAGES/busybox")" ]

	out=$(raw podutils/busybox-v2s2:latest)
	[ "$(jq -r .mediaType <<<"$out")" = application/vnd.docker.distribution.manifest.v2+json ]
	[ "$(jq -r .config.mediaType <<<"$out")" = application/vnd.docker.container.image.v1+json ]
	[ "$(jq -r '[.layers[].mediaType] | join(",")' <<<"$out")" = application/vnd.docker.image.rootfs.diff.tar.gzip ]

	out=$(raw podutils/multilayer:latest)
	[ "$(jq -r '.layers | length' <<<"$out")" -eq 4 ]
	[ "$(jq -r '.layers[3].mediaType' <<<"$out")" = application/vnd.oci.image.layer.v1.tar+zstd ]
	[ "sha256:$(printf '%s' "$out" | sha256sum | cut -d' ' -f1)" = "$(manifest_digest "$IMAGES/multilayer")" ]

	out=$(raw podutils/uncompressed:latest)
	[ "$(jq -r '[.layers[].mediaType] | join(",")' <<<"$out")" = application/vnd.oci.image.layer.v1.tar ]

	out=$(raw podutils/multiarch:latest)
	[ "$(jq -r .mediaType <<<"$out")" = application/vnd.oci.image.index.v1+json ]
	[ "$(jq '.manifests | length' <<<"$out")" -eq 2 ]
	local d
	for d in $(jq -r '.manifests[].digest' <<<"$out"); do
		[ "$(raw "podutils/multiarch@$d" | jq -r '.layers | length')" -eq 1 ] ||
			fail "multiarch manifest $d not in the registry"
	done

	run skopeo inspect --tls-verify=false "docker://$(registry_addr "$REG")/podutils/multilayer:latest"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.Layers | length' <<<"$output")" -eq 4 ]
	[ "$(jq -r '.Labels["org.podutils.fixture"]' <<<"$output")" = multilayer ]
}

@test "registry: a blob fetched over HTTP matches its digest" {
	ensure_pushed
	local out d
	out=$(raw podutils/multilayer:latest)
	d=$(jq -r '.layers[3].digest' <<<"$out")
	[ "sha256:$(curl -sfL "$(registry_url "$REG")/v2/podutils/multilayer/blobs/$d" | sha256sum | cut -d' ' -f1)" = "$d" ]
}

@test "registry with htpasswd: 401 without or with wrong credentials, 200 with them" {
	local url creds
	url=$(registry_url "$REG_AUTH")
	creds=$(cat "$REG_AUTH/creds")
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/")" = 401 ]
	run curl -s -D - -o /dev/null "$url/v2/"
	grep -qi '^www-authenticate: basic realm="podutils-test"' <<<"$output"
	[ "$(curl -s -o /dev/null -w '%{http_code}' -u "${creds%%:*}:wrong" "$url/v2/")" = 401 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' -u "$creds" "$url/v2/")" = 200 ]
	grep -q '^podutils:\$2b\$05\$' "$REG_AUTH/htpasswd"

	run skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
		"oci:$IMAGES/busybox:latest" "docker://$(registry_addr "$REG_AUTH")/podutils/anon:latest"
	[ "$status" -ne 0 ]
	skopeo --insecure-policy copy --quiet --dest-tls-verify=false --dest-creds "$creds" \
		"oci:$IMAGES/busybox:latest" "docker://$(registry_addr "$REG_AUTH")/podutils/authed:latest"
	run skopeo inspect --tls-verify=false --creds "$creds" \
		"docker://$(registry_addr "$REG_AUTH")/podutils/authed:latest"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$(manifest_digest "$IMAGES/busybox")" ]
}

@test "registry with tls: served over https with a self-signed certificate" {
	command -v openssl >/dev/null || skip "openssl not installed"
	local d=$BATS_FILE_TMPDIR/reg-tls port
	registry_start "$d" tls
	port=$(cat "$d/port")
	[ -f "$d/certs.d/127.0.0.1:$port/ca.crt" ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$d/certs.d/127.0.0.1:$port/ca.crt" \
		"https://127.0.0.1:$port/v2/")" = 200 ]
	# Without the CA the certificate is rejected.
	run curl -s -o /dev/null "https://127.0.0.1:$port/v2/"
	[ "$status" -ne 0 ]
	skopeo --insecure-policy copy --quiet --dest-cert-dir "$d/certs.d/127.0.0.1:$port" \
		"oci:$IMAGES/busybox:latest" "docker://127.0.0.1:$port/podutils/tls:latest"
	run skopeo inspect --cert-dir "$d/certs.d/127.0.0.1:$port" \
		"docker://127.0.0.1:$port/podutils/tls:latest"
	[ "$status" -eq 0 ]
	registry_stop "$d"
}

@test "registry_stop: stops its process, frees the port, spares other pids" {
	local d=$BATS_FILE_TMPDIR/reg-stop pid port
	registry_start "$d"
	pid=$(cat "$d/pid")
	port=$(cat "$d/port")
	[ -n "$(ss -Hltn "sport = :$port")" ]
	registry_stop "$d"
	[ ! -e "$d/pid" ]
	run kill -0 "$pid"
	[ "$status" -ne 0 ] || fail "registry pid $pid still alive"
	[ -z "$(ss -Hltn "sport = :$port")" ] || fail "port $port still listening"

	# A pid file naming some other process is not acted upon.
	sleep 60 >/dev/null 2>&1 3>&- &
	local other=$!
	echo "$other" >"$d/pid"
	registry_stop "$d"
	kill -0 "$other" || fail "registry_stop killed a foreign pid"
	kill "$other"
	wait "$other" || true
}
