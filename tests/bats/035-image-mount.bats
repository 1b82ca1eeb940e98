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
