#!/usr/bin/env bats
# podman load / save: docker-archive, oci-archive, oci-dir, docker-dir;
# overlay whiteouts; hostile and killed loads; concurrent loads.

load helpers

FIXDIR=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	export IMAGES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images
	"$FIXDIR/mkimages.sh" "$IMAGES"
	export ARCH=$BATS_FILE_TMPDIR
	skopeo copy -q "oci:$IMAGES/multilayer:latest" "oci-archive:$ARCH/multilayer.tar"
	skopeo copy -q "oci:$IMAGES/busybox:latest" "oci-archive:$ARCH/bb-named.tar:quay.io/x/bb:1"
	gzip -c "$IMAGES/busybox-docker.tar" >"$ARCH/busybox-docker.tar.gz"
	for h in hostile-dotdot hostile-abs hostile-symlink hostile-symparent hostile-hardlink; do
		skopeo copy -q "oci:$IMAGES/$h:latest" "oci-archive:$ARCH/$h.tar"
	done
	local m
	m=$(jq -r '.manifests[0].digest' "$IMAGES/busybox/index.json")
	BB_ID=$(jq -r .config.digest "$IMAGES/busybox/blobs/sha256/${m#sha256:}")
	export BB_ID=${BB_ID#sha256:}
	m=$(jq -r '.manifests[0].digest' "$IMAGES/multilayer/index.json")
	ML_ID=$(jq -r .config.digest "$IMAGES/multilayer/blobs/sha256/${m#sha256:}")
	export ML_ID=${ML_ID#sha256:}
}

layer_dirs() {
	find "$POD_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name .locks -printf '%f\n' | sort
}

rows() {
	sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM $1"
}

# a fresh root for a second store
fresh_root() {
	export POD_ROOT=$PODUTILS_TMP/root-$1 POD_RUNROOT=$PODUTILS_TMP/runroot-$1
}

@test "load: the archive kinds Podman reads" {
	local -a cases=(
		"$IMAGES/busybox-docker.tar|Loaded image: docker.io/library/busybox:latest|$BB_ID"
		"$ARCH/busybox-docker.tar.gz|Loaded image: docker.io/library/busybox:latest|$BB_ID"
		"$ARCH/bb-named.tar|Loaded image: quay.io/x/bb:1|$BB_ID"
		"$ARCH/multilayer.tar|Loaded image: sha256:$ML_ID|$ML_ID"
	)
	for c in "${cases[@]}"; do
		IFS='|' read -r file want id <<<"$c"
		fresh_root "$(basename "$file")"
		run_pod load -i "$file"
		is "$output" "$want" "load $file"
		run_pod images -q --no-trunc
		is "$output" "$id" "ID after loading $file"
	done
	# stdin, and -q
	fresh_root stdin
	run_pod load -q <"$IMAGES/busybox-docker.tar"
	is "$output" "Loaded image: docker.io/library/busybox:latest"
	# pod-load prints records
	fresh_root tool
	run_tool pod-load -i "$IMAGES/busybox-docker.tar"
	is "$(jq -r '[.Type, .Id, .Names[0]] | join(" ")' <<<"$output")" "image $BB_ID docker.io/library/busybox:latest"
}

@test "load: garbage is refused, nothing is stored" {
	head -c 4096 /dev/urandom >"$PODUTILS_TMP/junk"
	run_pod 125 load -i "$PODUTILS_TMP/junk"
	assert "$output" =~ "^Error: " "an error"
	tar -C "$IMAGES" -cf "$PODUTILS_TMP/notimage.tar" digests.txt
	run_pod 125 load -i "$PODUTILS_TMP/notimage.tar"
	is "$output" "Error: payload does not match any of the supported image formats (oci-archive, docker-archive)"
	run_pod 125 load -i "$PODUTILS_TMP/nonexistent.tar"
}

@test "load: whiteouts become overlay whiteouts in the layer dirs" {
	run_pod load -i "$ARCH/multilayer.tar"
	local wh opq
	wh=$(find "$POD_ROOT/layers" -path '*/diff/data/a' -type c)
	[ -n "$wh" ] || { echo "# no whiteout char device for data/a"; false; }
	is "$(stat -c '%t:%T' "$wh")" "0:0" "whiteout is char 0:0"
	opq=$(dirname "$(find "$POD_ROOT/layers" -path '*/diff/opq/new')")
	run python3 -c "import os,sys; print(os.getxattr(sys.argv[1], 'trusted.overlay.opaque').decode())" "$opq"
	is "$output" "y" "opaque dir marked"
	# the whiteout markers themselves are not in the layer
	is "$(find "$POD_ROOT/layers" -name '.wh.*' | wc -l)" 0 "no .wh. files"
}

@test "save -> skopeo reads it -> load into a fresh root gives the same ID" {
	run_pod load -i "$IMAGES/busybox-docker.tar"
	run_pod load -i "$ARCH/multilayer.tar"
	local f fmt img want
	for fmt in docker-archive oci-archive; do
		for img in busybox "$ML_ID"; do
			f=$PODUTILS_TMP/save-$fmt-${img:0:8}.tar
			run_pod save -q --format "$fmt" -o "$f" "$img"
			run skopeo inspect "$fmt:$f"
			is "$status" 0 "skopeo inspect $fmt:$f: $output"
			want=$ML_ID
			[ "$img" != busybox ] || want=$BB_ID
			is "$(skopeo inspect --raw --config "$fmt:$f" | sha256sum | cut -d' ' -f1)" \
				"$want" "the saved config is byte-identical (same image ID)"
		done
	done
	for fmt in docker-archive oci-archive; do
		fresh_root "rt-$fmt"
		run_pod load -i "$PODUTILS_TMP/save-$fmt-busybox.tar"
		run_pod load -i "$PODUTILS_TMP/save-$fmt-${ML_ID:0:8}.tar"
		run_pod images -q --no-trunc --sort id
		is "$output" "$(printf '%s\n' "$BB_ID" "$ML_ID" | sort)" "same IDs after a $fmt round trip"
	done
	fresh_root rt-docker-archive
	run_pod image inspect --format '{{index .RepoTags 0}}' "$BB_ID"
	is "$output" "docker.io/library/busybox:latest" "docker-archive keeps the name"
}

@test "save: stdout, directories and multi-image archives" {
	run_pod load -i "$IMAGES/busybox-docker.tar"
	run_pod load -i "$ARCH/multilayer.tar"
	run_pod tag "$ML_ID" ml
	"$PODMAN" save busybox >"$PODUTILS_TMP/out.tar"
	run skopeo inspect "docker-archive:$PODUTILS_TMP/out.tar"
	is "$status" 0 "stdout archive readable"
	run_pod save --format oci-dir -o "$PODUTILS_TMP/ocidir" ml
	run skopeo inspect "oci:$PODUTILS_TMP/ocidir"
	is "$status" 0 "oci-dir readable: $output"
	is "$(jq -r '.Layers | length' <<<"$output")" 4 "four layers"
	run_pod save --format docker-dir -o "$PODUTILS_TMP/dockerdir" busybox
	run skopeo inspect "dir:$PODUTILS_TMP/dockerdir"
	is "$status" 0 "docker-dir readable: $output"
	run_pod save -m -o "$PODUTILS_TMP/multi.tar" busybox ml
	is "$(tar -xOf "$PODUTILS_TMP/multi.tar" manifest.json | jq -r 'map(.RepoTags[0]) | join(",")')" \
		"docker.io/library/busybox:latest,localhost/ml:latest"
	fresh_root multi
	run_pod load -i "$PODUTILS_TMP/multi.tar"
	is "$output" "$(printf 'Loaded image: docker.io/library/busybox:latest\nLoaded image: localhost/ml:latest')"
	run_pod 125 save --format bogus -o "$PODUTILS_TMP/x" busybox
	assert "$output" =~ "unknown format"
	run_pod 125 save -o "$PODUTILS_TMP/x" nosuch
	is "$output" "Error: nosuch: image not known"
}

@test "hostile layers: refused without a trace, or confined to the layer" {
	# name|exit code (dotdot and out-of-root hardlinks are errors; absolute
	# names and symlinks resolve inside the layer root, as a chroot would:
	# a symlink to a missing dir fails)
	local -a cases=(
		"hostile-dotdot|125"
		"hostile-hardlink|125"
		"hostile-abs|0"
		"hostile-symlink|125"
		"hostile-symparent|0"
	)
	rm -f /tmp/escape-abs /tmp/escape-symlink
	for c in "${cases[@]}"; do
		local h=${c%%|*} rc=${c#*|}
		fresh_root "$h"
		run_pod "$rc" load -i "$ARCH/$h.tar"
		if [ "$rc" != 0 ]; then
			assert "$output" =~ "^Error: " "$h refused"
			is "$(layer_dirs)" "" "$h: no layer dir, no tmp dir"
			is "$(rows layers)/$(rows images)" "0/0" "$h: no rows"
		fi
		is "$(find "$PODUTILS_TMP" -name 'escape-*' ! -path '*/diff/*' | wc -l)" 0 \
			"$h: nothing outside a layer dir"
		[ ! -e /tmp/escape-abs ] && [ ! -e /tmp/escape-symlink ] ||
			{ echo "# $h escaped into /tmp"; false; }
	done
}

@test "a load killed midway leaves no visible image; the next load succeeds" {
	local t
	for t in 0.01 0.03 0.05 0.08 0.12 0.2; do
		fresh_root "kill-$t"
		# a killed load cannot remove its unpack dir: keep it in ours (TMPDIR)
		TMPDIR="$PODUTILS_TMP" run timeout -s KILL "$t" "$PODMAN" load -i "$ARCH/multilayer.tar"
		run_pod images -q --no-trunc
		assert "$output" =~ "^($ML_ID)?$" "after a kill at $t s: nothing or the whole image"
		run_pod load -i "$ARCH/multilayer.tar"
		run_pod images -q --no-trunc
		is "$output" "$ML_ID" "the next load works (killed at $t s)"
		run_pod image tree "$ML_ID"
		is "$(layer_dirs | grep -c '^\.tmp-' || true)" 0 "no tmp dir left after the next load"
		is "$(rows layers)" 4 "four layers"
	done
}

@test "10 concurrent loads of one archive all succeed and store each layer once" {
	local pids=() i rc=0
	for i in $(seq 10); do
		"$PODMAN" load -q -i "$ARCH/multilayer.tar" >"$PODUTILS_TMP/load-$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { rc=1; cat "$PODUTILS_TMP/load-$((i + 1)).out"; }
	done
	is "$rc" 0 "every load succeeded"
	run_pod images -q --no-trunc
	is "$output" "$ML_ID"
	is "$(layer_dirs | wc -l)" 4 "four layer dirs"
	is "$(rows layers)" 4 "four layer rows"
}
