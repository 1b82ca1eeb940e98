#!/usr/bin/env bats
#
# podman image mount / unmount: a read-only overlay of an image's layers,
# counted mounts, listing, --all.

load helpers
load ctr-helpers

setup() {
	basic_setup
	add_busybox_image
}

teardown() {
	"$PODMAN" image unmount -a >/dev/null 2>&1 || true
	basic_teardown
}

@test "image mount: read-only view of the layers, counted, listed, unmounted" {
	run_pod image mount busybox
	local path=$output
	is "$path" "$POD_RUNROOT/image-mounts/$BUSYBOX_ID/merged" "mount point"
	assert "$(awk -v p="$path" '$5 == p { print $9 }' /proc/self/mountinfo)" == overlay "an overlay"
	run test -x "$path/bin/busybox"
	is "$status" 0 "the image's files are there"
	run touch "$path/newfile"
	assert "$output" =~ "Read-only file system" "read-only"

	run_pod image mount busybox
	is "$output" "$path" "second mount, same path"
	run_pod image mount
	is "$output" "docker.io/library/busybox:latest  $path" "listing"
	run_pod image mount --format json
	is "$(jq -r '.[0].id' <<<"$output")" "$BUSYBOX_ID"
	is "$(jq -r '.[0].mountpoint' <<<"$output")" "$path"
	is "$(jq -r '.[0].Repositories[0]' <<<"$output")" docker.io/library/busybox:latest

	# counted: the first unmount keeps it mounted
	run_pod image unmount busybox
	is "$output" "$BUSYBOX_ID"
	assert "$(awk -v p="$path" '$5 == p' /proc/self/mountinfo)" != "" "still mounted"
	run_pod image umount busybox
	is "$output" "$BUSYBOX_ID"
	is "$(awk -v p="$path" '$5 == p' /proc/self/mountinfo)" "" "unmounted"
	run_pod image unmount busybox
	is "$output" "" "not mounted: nothing to do"
	run_pod image mount
	is "$output" "" "nothing listed"
}

@test "image mount: --all, unmount --all and --force, errors" {
	run_pod image mount busybox
	run_pod image mount busybox
	run_pod image unmount --force busybox
	is "$output" "$BUSYBOX_ID"
	run_pod image mount
	is "$output" "" "--force drops every count"

	run_pod image mount -a
	assert "$output" =~ "^docker.io/library/busybox:latest  " "mount -a lists"
	run_pod image unmount -a
	is "$output" "$BUSYBOX_ID"
	run_pod image mount
	is "$output" ""

	run_pod 125 image unmount
	is "$output" "Error: image name or ID must be specified"
	run_pod 125 image unmount -a busybox
	is "$output" "Error: when using the --all switch, you may not pass any image names or IDs"
	run_pod 125 image mount nosuchimage
	is "$output" "Error: nosuchimage: image not known"
	run_tool pod-image mount busybox
	is "$(jq -r .Mountpoint <<<"$output")" "$POD_RUNROOT/image-mounts/$BUSYBOX_ID/merged"
	run_tool pod-image unmount busybox
	is "$(jq -r .Id <<<"$output")" "$BUSYBOX_ID"
}

@test "image prune: --filter label, label!, dangling, until, reference; mounted images go too" {
	local rootfs=$CTR_FIXTURES/busybox-rootfs.tar id1 id2 id3
	run_pod import -q --change LABEL=a=1 "$rootfs" x:1
	id1=${output#sha256:}
	run_pod import -q --change LABEL=a=2 "$rootfs" x:1
	id2=${output#sha256:}
	run_pod import -q --change LABEL=a=3 "$rootfs" x:1
	id3=${output#sha256:}

	run_pod image prune -f --filter label=a=1
	is "$output" "$id1" "only the dangling image with a=1"
	run_pod image prune -f --filter label!=a=2
	is "$output" "" "the other dangling one has a=2"
	run_pod image prune -f --filter until=1h
	is "$output" "" "nothing is older than an hour"

	# a mounted dangling image is pruned and unmounted, as Podman 4.3 does
	run_pod image mount "$id2"
	local mnt=$output
	run_pod image prune -f --external
	is "$output" "$id2"
	run awk -v m="$mnt" '$5 == m' /proc/self/mountinfo
	is "$output" "" "its mount went with it"

	run_pod image prune -af --filter dangling=false --filter reference=x
	is "$output" "$id3" "-a with reference= removes the named image"
	run_pod image exists busybox
	run_pod 1 image exists "$id3"

	run_pod 125 image prune -f --filter foo=1
	is "$output" 'Error: unsupported image filter "foo"'
	run_pod 125 image prune -f --filter dangling=false
	is "$output" 'Error: specifying "dangling" filter more than once with different values is not supported'
}

@test "image tree --whatrequires: the layers built on an image" {
	tar -C "$CTR_FIXTURES/multilayer" -cf "$PODUTILS_TMP/ml.tar" .
	run_pod load -q -i "$PODUTILS_TMP/ml.tar"
	run_pod image tree --whatrequires busybox
	is "${lines[0]}" "Image ID: ${BUSYBOX_ID:0:12}"
	is "${lines[3]}" "Image Layers"
	assert "${lines[4]}" =~ "^├── ID: [0-9a-f]{12} Size: +[0-9.]+[kM]?B Top Layer of: \[docker.io/library/busybox:latest\]$"
	assert "${lines[5]}" =~ "^├── ID: [0-9a-f]{12} Size: "
	assert "${lines[7]}" =~ "^└── ID: [0-9a-f]{12} Size: .* Top Layer of: \[localhost/latest:latest\]$"
	is "${#lines[@]}" 8 "busybox's layer and the three on top"
	run_pod image tree --whatrequires localhost/latest:latest
	is "${#lines[@]}" 5 "nothing builds on the top image"
}

@test "image diff: the changes of an image's top layer" {
	tar -C "$CTR_FIXTURES/multilayer" -cf "$PODUTILS_TMP/ml.tar" .
	run_pod load -q -i "$PODUTILS_TMP/ml.tar"
	run_pod image diff localhost/latest:latest
	is "$output" "A /zstd-file" "the zstd layer adds one file"
	run_pod image diff --format json localhost/latest:latest
	is "$(jq -c .added <<<"$output")" '["/zstd-file"]'
}

@test "image mount: whiteouts and opaque directories of upper layers apply" {
	tar -C "$CTR_FIXTURES/multilayer" -cf "$PODUTILS_TMP/ml.tar" .
	run_pod load -q -i "$PODUTILS_TMP/ml.tar"
	run_pod image mount localhost/latest:latest
	local path=$output
	run test -e "$path/data/a"
	is "$status" 1 "/data/a whited out"
	is "$(ls "$path/opq" | tr '\n' ' ')" "new " "/opq is opaque: only the new file"
	is "$(cat "$path/opq/new")" new
	test -x "$path/bin/busybox"
	run_pod image unmount localhost/latest:latest
}
