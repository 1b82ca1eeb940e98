#!/usr/bin/env bats
#
# podman push against real peers: docker-registry on 127.0.0.1 (plain,
# htpasswd basic auth, TLS with its own CA) and skopeo reading back what
# we pushed. Only the registries started here are stopped.

load helpers
load ctr-helpers

REG_SH=$BATS_TEST_DIRNAME/fixtures/registry.sh

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	# shellcheck source=fixtures/registry.sh
	source "$REG_SH"
	registry_start "$BATS_FILE_TMPDIR/plain" plain >&2
	registry_start "$BATS_FILE_TMPDIR/auth" htpasswd >&2
	registry_start "$BATS_FILE_TMPDIR/tls" tls >&2
}

teardown_file() {
	source "$REG_SH"
	local r
	for r in plain auth tls; do
		[ -d "$BATS_FILE_TMPDIR/$r" ] && registry_stop "$BATS_FILE_TMPDIR/$r" >&2
	done
	true
}

setup() {
	basic_setup
	add_busybox_image
}

reg() { # NAME -> 127.0.0.1:PORT
	echo "127.0.0.1:$(cat "$BATS_FILE_TMPDIR/$1/port")"
}

# the uncompressed digest of blob DIGEST of REPO in registry NAME
blob_diff_id() { # NAME REPO DIGEST
	local url
	url="http://$(reg "$1")/v2/$2/blobs/$3"
	curl -sf "$url" | gzip -dc | sha256sum | cut -d' ' -f1
}

count_log() { # NAME PATTERN
	grep -c -- "$2" "$BATS_FILE_TMPDIR/$1/log" || true
}

@test "push: v2s2 by default for a docker image; skopeo reads it; digestfile" {
	local r
	r=$(reg plain)
	run_pod push --tls-verify=false --digestfile "$PODUTILS_TMP/d" busybox "$r/push/bb:v1"
	is "${lines[0]}" "Getting image source signatures" "first progress line"
	assert "$output" =~ "Copying blob sha256:[0-9a-f]{64}" "blob line"
	assert "$output" =~ "Copying config sha256:$BUSYBOX_ID" "config line"
	is "${lines[-2]}" "Writing manifest to image destination" "manifest line"
	is "${lines[-1]}" "Storing signatures" "last line"
	run_pod events --stream=false --filter event=push --format '{{.ID}} {{.Name}}'
	is "$output" "$BUSYBOX_ID $r/push/bb:v1" "push event"

	run skopeo inspect --tls-verify=false "docker://$r/push/bb:v1"
	is "$status" 0 "skopeo inspect"
	is "$(jq -r .Digest <<<"$output")" "$(cat "$PODUTILS_TMP/d")" "digestfile = registry digest"
	assert "$(cat "$PODUTILS_TMP/d")" =~ '^sha256:[0-9a-f]{64}$' "digestfile has no newline"
	is "$(jq -r '.Labels["org.podutils.fixture"]' <<<"$output")" busybox "label from the config"

	run skopeo inspect --raw --tls-verify=false "docker://$r/push/bb:v1"
	is "$(jq -r .mediaType <<<"$output")" application/vnd.docker.distribution.manifest.v2+json
	is "$(jq -r .config.digest <<<"$output")" "sha256:$BUSYBOX_ID" "config digest = image ID"
	is "$(jq -r '.layers[0].mediaType' <<<"$output")" \
		application/vnd.docker.image.rootfs.diff.tar.gzip "layer media type"
	local layer diff
	layer=$(jq -r '.layers[0].digest' <<<"$output")
	run_pod image inspect busybox
	diff=$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")
	is "sha256:$(blob_diff_id plain push/bb "$layer")" "$diff" "layer inflates to the DiffID"

	# skopeo copies it back out whole (every digest checked)
	run skopeo copy --src-tls-verify=false "docker://$r/push/bb:v1" "oci:$PODUTILS_TMP/oci:x"
	is "$status" 0 "skopeo copy: $output"
}

@test "push: --format oci and --compression-format zstd" {
	local r
	r=$(reg plain)
	run_pod push -q --tls-verify=false --format oci busybox "docker://$r/push/oci:1"
	is "$output" "" "-q prints nothing"
	run skopeo inspect --raw --tls-verify=false "docker://$r/push/oci:1"
	is "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.manifest.v1+json
	is "$(jq -r .config.mediaType <<<"$output")" application/vnd.oci.image.config.v1+json
	is "$(jq -r '.layers[0].mediaType' <<<"$output")" application/vnd.oci.image.layer.v1.tar+gzip

	# zstd makes the manifest OCI (Docker schema 2 has no zstd layer type)
	run_pod push -q --tls-verify=false --compression-format zstd busybox "$r/push/zstd:1"
	run skopeo inspect --raw --tls-verify=false "docker://$r/push/zstd:1"
	is "$(jq -r .mediaType <<<"$output")" application/vnd.oci.image.manifest.v1+json
	is "$(jq -r '.layers[0].mediaType' <<<"$output")" application/vnd.oci.image.layer.v1.tar+zstd
	local layer
	layer=$(jq -r '.layers[0].digest' <<<"$output")
	is "$(curl -sf "http://$r/v2/push/zstd/blobs/$layer" | head -c4 | od -An -tx1 | tr -d ' ')" \
		28b52ffd "zstd magic"
	run skopeo copy --src-tls-verify=false "docker://$r/push/zstd:1" "oci:$PODUTILS_TMP/z:x"
	is "$status" 0 "skopeo copy of the zstd image: $output"

	run_pod 125 push --tls-verify=false --format v2s2 --compression-format zstd busybox "$r/push/z2"
	assert "$output" =~ "cannot carry zstd" "zstd with v2s2"
}

@test "push: a second push sends no layer; another repo mounts it" {
	local r before after
	r=$(reg plain)
	run_pod push -q --tls-verify=false busybox "$r/push/twice:1"
	before=$(count_log plain '"PATCH /v2/push/twice/')
	is "$before" 1 "the first push uploads the layer"
	run_pod push --tls-verify=false busybox "$r/push/twice:2"
	after=$(count_log plain '"PATCH /v2/push/twice/')
	is "$after" "$before" "no layer upload the second time"
	run skopeo inspect --tls-verify=false "docker://$r/push/twice:2"
	is "$status" 0

	run_pod push -q --tls-verify=false busybox "$r/push/other:1"
	is "$(count_log plain '"PATCH /v2/push/other/')" 0 "layer not uploaded to another repo"
	assert "$(count_log plain 'POST /v2/push/other/blobs/uploads/?mount=sha256.*&from=push')" -ge 1 \
		"cross-repository mount"
	run skopeo inspect --tls-verify=false "docker://$r/push/other:1"
	is "$status" 0
}

@test "push: pod-push prints a record; the default destination is the image's name" {
	local r rec
	r=$(reg plain)
	run_pod tag busybox "$r/push/self:t"
	run_tool pod-push -q --tls-verify=false "$r/push/self:t"
	rec=$output
	is "$(jq -r .Type <<<"$rec")" image
	is "$(jq -r .Id <<<"$rec")" "$BUSYBOX_ID"
	is "$(jq -r .Name <<<"$rec")" "$r/push/self:t"
	run skopeo inspect --tls-verify=false "docker://$r/push/self:t"
	is "$(jq -r .Digest <<<"$output")" "$(jq -r .Digest <<<"$rec")" "record digest"
}

@test "push: errors" {
	local r
	r=$(reg plain)
	run_pod 125 push --tls-verify=false --format foo busybox "$r/e/x"
	is "$output" "Error: unknown format \"foo\". Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'"
	run_pod 125 push --tls-verify=false --compression-format xz busybox "$r/e/x"
	is "$output" 'Error: cannot find compressor for "xz"'
	run_pod 125 push --tls-verify=false nosuchimage "$r/e/x"
	is "$output" "Error: nosuchimage: image not known"
	run_pod 125 push --authfile "$PODUTILS_TMP/none.json" busybox "$r/e/x"
	is "$output" "Error: checking authfile: stat $PODUTILS_TMP/none.json: no such file or directory"
	run_pod 125 push --tls-verify=false --sign-by me busybox "$r/e/x"
	assert "$output" =~ "signing images is not supported"
	run_pod 125 push busybox containers-storage:x
	assert "$output" =~ "not supported"
	# TLS is required by default: the plain-HTTP registry is refused
	run_pod 125 push busybox "$r/e/x"
	assert "$output" =~ "pinging container registry $r" "https to a plain registry"
	# nothing was written under e/x
	run curl -s "http://$r/v2/e/x/tags/list"
	assert "$output" =~ "NAME_UNKNOWN|name unknown" "no repository made"
}

@test "push: basic auth with --creds; without credentials it fails" {
	local r
	r=$(reg auth)
	run_pod 125 push -q --tls-verify=false busybox "$r/a/bb:1"
	assert "$output" =~ "unauthorized" "no credentials"
	run_pod push -q --tls-verify=false --creds "$(cat "$BATS_FILE_TMPDIR/auth/creds")" \
		busybox "$r/a/bb:1"
	run skopeo inspect --tls-verify=false --creds "$(cat "$BATS_FILE_TMPDIR/auth/creds")" \
		"docker://$r/a/bb:1"
	is "$status" 0 "skopeo reads it with the same credentials"
	is "$(jq -r .Name <<<"$output")" "$r/a/bb"
}

@test "push: TLS registry with --cert-dir" {
	local r
	r=$(reg tls)
	run_pod 125 push -q busybox "$r/t/bb:1"
	assert "$output" =~ "certificate" "unknown CA refused"
	run_pod push -q --cert-dir "$BATS_FILE_TMPDIR/tls/certs.d/$r" busybox "$r/t/bb:1"
	run skopeo inspect --cert-dir "$BATS_FILE_TMPDIR/tls/certs.d/$r" "docker://$r/t/bb:1"
	is "$status" 0 "skopeo inspect over TLS: $output"
}

@test "push: to archives (oci-archive, docker-archive, oci dir) through save" {
	run_pod push busybox "oci-archive:$PODUTILS_TMP/o.tar:my/img:2"
	assert "$output" =~ "Writing manifest to image destination" "progress"
	run skopeo inspect "oci-archive:$PODUTILS_TMP/o.tar"
	is "$status" 0 "skopeo reads the oci-archive: $output"
	run_pod image inspect busybox
	local diff
	diff=$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")
	run skopeo inspect "oci-archive:$PODUTILS_TMP/o.tar"
	is "$(jq -r '.Layers[0]' <<<"$output")" "$diff" "layer"
	run_pod push -q busybox "docker-archive:$PODUTILS_TMP/d.tar"
	run skopeo inspect --config "docker-archive:$PODUTILS_TMP/d.tar"
	is "$(jq -r '.rootfs.diff_ids[0]' <<<"$output")" "$diff" "docker-archive config"
	run_tool pod-push -q busybox "oci:$PODUTILS_TMP/odir"
	is "$(jq -r .Name <<<"$output")" "oci:$PODUTILS_TMP/odir"
	run skopeo inspect "oci:$PODUTILS_TMP/odir"
	is "$status" 0 "skopeo reads the oci dir"
}

@test "push: a multi-layer image (whiteouts, opaque dir); every layer inflates to its DiffID" {
	local r comp diffs layers i
	r=$(reg plain)
	tar -C "$CTR_FIXTURES/multilayer" -cf "$PODUTILS_TMP/ml.tar" .
	run_pod load -q -i "$PODUTILS_TMP/ml.tar"
	run_pod image inspect localhost/latest:latest
	diffs=$(jq -r '.[0].RootFS.Layers[]' <<<"$output")
	is "$(wc -l <<<"$diffs")" 4 "four layers"
	for comp in gzip zstd; do
		run_pod push -q --tls-verify=false --compression-format $comp localhost/latest:latest \
			"$r/multi/$comp:1"
		run skopeo inspect --raw --tls-verify=false "docker://$r/multi/$comp:1"
		layers=$(jq -r '.layers[].digest' <<<"$output")
		assert "$(jq -r '.layers[].mediaType' <<<"$output" | sort -u)" =~ "\+$comp$" "$comp types"
		i=0
		for l in $layers; do
			i=$((i + 1))
			is "sha256:$(curl -sf "http://$r/v2/multi/$comp/blobs/$l" | $comp -dc | sha256sum | cut -d' ' -f1)" \
				"$(sed -n "${i}p" <<<"$diffs")" "$comp layer $i"
		done
		run skopeo copy --src-tls-verify=false "docker://$r/multi/$comp:1" "oci:$PODUTILS_TMP/m$comp:x"
		is "$status" 0 "skopeo copy: $output"
	done
}

@test "push: registries.conf insecure = true allows plain HTTP; blocked = true refuses" {
	local r conf=$PODUTILS_TMP/registries.conf
	r=$(reg plain)
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$r" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod push -q busybox "$r/conf/bb:1"
	run skopeo inspect --tls-verify=false "docker://$r/conf/bb:1"
	is "$status" 0 "pushed over plain HTTP without --tls-verify=false"
	# --tls-verify=true overrides the configuration
	CONTAINERS_REGISTRIES_CONF=$conf run_pod 125 push -q --tls-verify=true busybox "$r/conf/bb:2"
	assert "$output" =~ "pinging container registry" "https required"

	printf '[[registry]]\nlocation = "%s"\nblocked = true\n' "$r" >"$conf"
	CONTAINERS_REGISTRIES_CONF=$conf run_pod 125 push -q --tls-verify=false busybox "$r/conf/bb:3"
	is "$output" "Error: registry $r is blocked in $conf"
}

@test "push: what we push, our pull reads back with the same image ID" {
	local r comp
	r=$(reg plain)
	for comp in gzip zstd; do
		run_pod push -q --tls-verify=false --compression-format $comp busybox "$r/back/$comp:1"
		POD_ROOT=$PODUTILS_TMP/root2-$comp POD_RUNROOT=$PODUTILS_TMP/run2-$comp \
			run_pod pull -q --tls-verify=false "$r/back/$comp:1"
		is "$output" "$BUSYBOX_ID" "$comp: pulled image ID = pushed image ID"
	done
	# the pulled image's stored manifest names its blobs: pushing it to another
	# repository mounts them, with no blob-info cache in that store
	POD_ROOT=$PODUTILS_TMP/root2-gzip POD_RUNROOT=$PODUTILS_TMP/run2-gzip \
		run_pod push -q --tls-verify=false "$r/back/gzip:1" "$r/back/copy:1"
	is "$(count_log plain '"PATCH /v2/back/copy/')" 0 "nothing uploaded"
	assert "$(count_log plain 'POST /v2/back/copy/blobs/uploads/?mount=sha256.*&from=back')" -ge 1 \
		"mounted from the repository it was pulled from"
	run skopeo inspect --tls-verify=false "docker://$r/back/copy:1"
	is "$status" 0
}

@test "push: a committed image (a layer we wrote) round-trips through the registry" {
	local r id
	r=$(reg plain)
	run_pod run --network none --name pushc busybox sh -c 'echo hi >/hello; rm /bin/ls'
	run_pod commit -q pushc committed:1
	id=$output
	run_pod rm -f pushc
	run_pod push -q --tls-verify=false committed:1 "$r/c/img:1"
	run skopeo inspect --tls-verify=false "docker://$r/c/img:1"
	is "$(jq '.Layers | length' <<<"$output")" 2 "busybox layer + the committed one"
	POD_ROOT=$PODUTILS_TMP/root2 POD_RUNROOT=$PODUTILS_TMP/run2 \
		run_pod pull -q --tls-verify=false "$r/c/img:1"
	is "$output" "$id" "same image ID after push and pull"
	POD_ROOT=$PODUTILS_TMP/root2 POD_RUNROOT=$PODUTILS_TMP/run2 \
		run_pod run --rm --network none "$r/c/img:1" sh -c 'cat /hello; test -e /bin/ls || echo gone'
	is "$output" "hi
gone" "the committed changes, whiteout included"
}

@test "push: a broken blob-info cache entry is ignored" {
	local r f
	r=$(reg plain)
	run_pod push -q --tls-verify=false busybox "$r/cache/a:1"
	for f in "$POD_ROOT"/blobinfo/*.gzip; do
		printf 'sha256:nothex 12 x\n' >"$f"
	done
	run_pod push -q --tls-verify=false busybox "$r/cache/b:1"
	run skopeo inspect --tls-verify=false "docker://$r/cache/b:1"
	is "$status" 0 "pushed despite the garbage"
	assert "$(cat "$POD_ROOT"/blobinfo/*.gzip)" =~ "^sha256:[0-9a-f]{64} [0-9]+ $r/cache/b" \
		"rewritten after the push"
}
