#!/usr/bin/env bats
# The local image store through images, image inspect/exists/tree, history,
# tag, untag, rmi, image prune and import.

load helpers

FIXDIR=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	export IMAGES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images
	"$FIXDIR/mkimages.sh" "$IMAGES"
	export ML_ARCHIVE=$BATS_FILE_TMPDIR/multilayer.tar
	skopeo copy -q "oci:$IMAGES/multilayer:latest" "oci-archive:$ML_ARCHIVE"
	# the busybox image ID is its config digest
	local m
	m=$(jq -r '.manifests[0].digest' "$IMAGES/busybox/index.json")
	BB_ID=$(jq -r .config.digest "$IMAGES/busybox/blobs/sha256/${m#sha256:}")
	export BB_ID=${BB_ID#sha256:}
	m=$(jq -r '.manifests[0].digest' "$IMAGES/multilayer/index.json")
	ML_ID=$(jq -r .config.digest "$IMAGES/multilayer/blobs/sha256/${m#sha256:}")
	export ML_ID=${ML_ID#sha256:}
}

load_busybox() {
	run_pod load -i "$IMAGES/busybox-docker.tar"
	is "$output" "Loaded image: docker.io/library/busybox:latest" "load output"
}

# layer directories in the store, excluding the lock and tmp entries
layer_dirs() {
	find "$POD_ROOT/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' -printf '%f\n' | sort
}

@test "images: table, ID is the config digest, human size" {
	load_busybox
	run_pod images
	is "${lines[0]}" "REPOSITORY                 TAG         IMAGE ID      CREATED       SIZE" "header"
	assert "${lines[1]}" =~ "^docker.io/library/busybox  latest      ${BB_ID:0:12}  [0-9]+ years ago  2.07 MB$" "row"
	is "${#lines[@]}" 2 "one image"

	run_pod images --no-trunc --noheading --format '{{.ID}} {{.Repository}}:{{.Tag}}'
	is "$output" "$BB_ID docker.io/library/busybox:latest"

	run_pod images -q
	is "$output" "${BB_ID:0:12}" "-q prints only the short ID"
	run_pod images -q --no-trunc
	is "$output" "$BB_ID"
}

@test "images --format json parses and has Podman's fields" {
	load_busybox
	run_pod load -i "$ML_ARCHIVE"
	run_pod images --format json
	run jq -r 'length' <<<"$output"
	is "$output" 2 "two images"
	run_pod images --format json
	run jq -r '.[] | select(.Id == "'"$BB_ID"'") | [.Names[0], .RepoTags[0], (.Size|tostring), .Labels["org.podutils.fixture"], (.Digest|startswith("sha256:"))] | join(" ")' <<<"$output"
	is "$output" "docker.io/library/busybox:latest docker.io/library/busybox:latest 2069351 busybox true"
	run_pod images --format json
	run jq -r '.[] | select(.Id == "'"$ML_ID"'") | .Names' <<<"$output"
	is "$output" "null" "the unnamed image has no names"

	# the tool itself prints records
	run_tool pod-images
	is "${#lines[@]}" 2 "one record per image"
	run jq -r -s 'map(.Type) | unique | join(",")' <<<"$output"
	is "$output" "image"
}

@test "images: filters and sort" {
	load_busybox
	run_pod load -i "$ML_ARCHIVE"
	local -a cases=(
		"dangling=true|$ML_ID"
		"dangling=false|$BB_ID"
		"reference=busybox|$BB_ID"
		"reference=docker.io/library/*|$BB_ID"
		"label=org.podutils.fixture=busybox|$BB_ID"
		"id=${ML_ID:0:6}|$ML_ID"
	)
	for c in "${cases[@]}"; do
		run_pod images -q --no-trunc --filter "${c%%|*}"
		is "$output" "${c#*|}" "filter ${c%%|*}"
	done
	run_pod 125 images --filter nosuch=1
	assert "$output" =~ "nosuch is an invalid filter" "bad filter key"
	run_pod 125 images --sort bogus
	assert "$output" =~ "is not a valid field for sorting" "bad sort"
	run_pod images --sort repository --format '{{.Repository}}'
	is "$output" "$(printf '<none>\ndocker.io/library/busybox')" "sorted by repository"
}

@test "image inspect: Podman's shape and values" {
	load_busybox
	run_pod image inspect busybox
	local keys
	keys=$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$output")
	is "$keys" "Id,Digest,RepoTags,RepoDigests,Parent,Comment,Created,Config,Version,Author,Architecture,Os,Size,VirtualSize,GraphDriver,RootFS,Labels,Annotations,ManifestType,User,History,NamesHistory" "keys in Podman's order"
	local -a cases=(
		".Id|$BB_ID"
		".RepoTags[0]|docker.io/library/busybox:latest"
		".Created|1970-01-01T00:00:00Z"
		".Config.Cmd[0]|sh"
		".Os|linux"
		".GraphDriver.Name|overlay"
		".RootFS.Type|layers"
		".RootFS.Layers[0]|sha256:5edfb635972dba74f3dd7c3e07354f9462a9e1e51a8473b930dee22444e32c75"
		".ManifestType|application/vnd.docker.distribution.manifest.v2+json"
		".Labels[\"org.podutils.fixture\"]|busybox"
		".NamesHistory[0]|docker.io/library/busybox:latest"
		".Comment|podutils test fixture"
	)
	for c in "${cases[@]}"; do
		is "$(jq -r ".[0]${c%%|*}" <<<"$output")" "${c#*|}" "inspect ${c%%|*}"
	done
	local upper
	upper=$(jq -r '.[0].GraphDriver.Data.UpperDir' <<<"$output")
	[ -d "$upper/bin" ] || { echo "# UpperDir $upper has no bin/"; false; }

	run_pod image inspect --format '{{.Id}} {{.Os}}' busybox
	is "$output" "$BB_ID linux"
	run_pod 125 image inspect nosuchimage
	is "${lines[-1]}" "Error: nosuchimage: image not known"
}

@test "lookup: short names, localhost, sha256: and ID prefixes" {
	load_busybox
	run_pod tag busybox mine
	for ref in busybox busybox:latest docker.io/busybox docker.io/library/busybox:latest \
		mine localhost/mine localhost/mine:latest "sha256:$BB_ID" "${BB_ID:0:12}" "$BB_ID"; do
		run_pod image inspect --format '{{.Id}}' "$ref"
		is "$output" "$BB_ID" "lookup of $ref"
	done
	run_pod image exists busybox
	run_pod 1 image exists busybox:nope
	run_pod 125 image inspect quay.io/busybox
}

@test "tag and untag" {
	load_busybox
	run_pod tag busybox myimg quay.io/x/y:2
	run_pod images --format '{{.Repository}}:{{.Tag}}' --sort repository
	is "$output" "$(printf 'docker.io/library/busybox:latest\nlocalhost/myimg:latest\nquay.io/x/y:2')"
	run_pod untag busybox myimg
	run_pod image inspect --format '{{.RepoTags}}' busybox
	is "$output" "[docker.io/library/busybox:latest quay.io/x/y:2]"
	run_pod 125 untag busybox nothere
	is "$output" "Error: localhost/nothere:latest: tag not known"
	run_pod 125 tag nothere x
	is "$output" "Error: nothere: image not known"
	# untag without names removes them all: the image stays as <none>
	run_pod untag busybox
	run_pod images --format '{{.Repository}} {{.Tag}} {{.ID}}'
	is "$output" "<none> <none> ${BB_ID:0:12}"
}

@test "rmi: missing image exits 1, several names, by ID, force" {
	run_pod 1 rmi nosuch
	is "$output" "Error: nosuch: image not known"
	load_busybox
	run_pod tag busybox other
	run_pod rmi other
	is "$output" "Untagged: localhost/other:latest" "one of several names only untags"
	run_pod tag busybox other
	run_pod 125 rmi "${BB_ID:0:12}"
	assert "$output" =~ "by ID with more than one tag" "by ID with several names"
	run_pod rmi -f "${BB_ID:0:12}"
	is "$output" "$(printf 'Untagged: docker.io/library/busybox:latest\nUntagged: localhost/other:latest\nDeleted: %s' "$BB_ID")"
	run_pod images -q
	is "$output" ""
	# -i ignores missing images
	run_pod rmi -i nosuch
}

@test "rmi: an image used by a container exits 2" {
	load_busybox
	sqlite3 "$POD_ROOT/db.sqlite" \
		"INSERT INTO containers (id, name, image_id) VALUES ('$(printf 'c%.0s' {1..64})', 'ctr', '$BB_ID')"
	run_pod 2 rmi busybox
	is "$output" "Error: image used by $(printf 'c%.0s' {1..64}): image is in use by a container: consider listing external containers and force-removing image"
	run_pod image exists busybox
}

@test "rmi: shared layers survive until the last image goes" {
	load_busybox
	run_pod load -i "$ML_ARCHIVE"
	local base=5edfb635972dba74f3dd7c3e07354f9462a9e1e51a8473b930dee22444e32c75
	is "$(layer_dirs | wc -l)" 4 "busybox's layer is stored once"
	run_pod rmi busybox
	assert "$output" =~ "Deleted: $BB_ID"
	[ -d "$POD_ROOT/layers/$base/diff/bin" ] || { echo "# shared layer gone"; false; }
	run_pod rmi "$ML_ID"
	is "$(layer_dirs)" "" "no layer left"
	is "$(sqlite3 "$POD_ROOT/db.sqlite" 'SELECT count(*) FROM layers')" 0 "no layer rows"
	is "$(ls "$POD_ROOT/blobs/sha256")" "" "no blobs"
}

@test "rmi -a removes everything; image prune removes dangling images" {
	load_busybox
	run_pod load -i "$ML_ARCHIVE"
	run_pod image prune -f
	is "$output" "$ML_ID" "prune removed the dangling image"
	run_pod images -q --no-trunc
	is "$output" "$BB_ID"
	run_pod load -i "$ML_ARCHIVE"
	run_pod rmi -a
	assert "$output" =~ "Deleted: $BB_ID"
	assert "$output" =~ "Deleted: $ML_ID"
	run_pod images -q
	is "$output" ""
}

@test "import: rootfs tarball with --change and --message" {
	run_pod import -q --change CMD=/bin/true -c 'ENV FOO=bar' -c 'EXPOSE 8080' \
		-c 'LABEL a=b' -c 'WORKDIR /tmp' -m 'my message' "$IMAGES/busybox-rootfs.tar" imported
	assert "$output" =~ '^sha256:[0-9a-f]{64}$' "import prints the ID"
	local id=${output#sha256:}
	run_pod image inspect --format '{{.Id}}|{{json .Config.Cmd}}|{{json .Config.Env}}|{{json .Config.ExposedPorts}}|{{.Config.Labels.a}}|{{.Config.WorkingDir}}|{{.Comment}}|{{index .RepoTags 0}}' imported
	is "$output" "$id|[\"/bin/sh\",\"-c\",\"/bin/true\"]|[\"FOO=bar\"]|{\"8080/tcp\":{}}|b|/tmp|my message|localhost/imported:latest"
	# stdin, and the layer is shared with the first import
	run_pod import -q - other <"$IMAGES/busybox-rootfs.tar"
	is "$(layer_dirs | wc -l)" 1 "one layer for both imports"
	run_pod 125 import -c 'BOGUS x' "$IMAGES/busybox-rootfs.tar"
	assert "$output" =~ "invalid instruction BOGUS"
}

@test "history and image tree" {
	load_busybox
	run_pod history busybox
	is "${lines[0]}" "ID            CREATED       CREATED BY                SIZE        COMMENT"
	assert "${lines[1]}" =~ "^${BB_ID:0:12}  [0-9]+ years ago  ADD busybox-rootfs.tar /  2.07 MB     podutils test fixture$"
	run_pod image history --format json busybox
	is "$(jq -r '.[0].id, .[0].size' <<<"$output")" "$(printf '%s\n2068480' "$BB_ID")"
	run_pod image tree busybox
	is "${lines[0]}" "Image ID: ${BB_ID:0:12}"
	is "${lines[1]}" "Tags:     [docker.io/library/busybox:latest]"
	is "${lines[4]}" "└── ID: 5edfb635972d Size: 2.068MB Top Layer of: [docker.io/library/busybox:latest]"
}

@test "a name moves to a new image, leaving the old one <none>" {
	load_busybox
	run_pod import -q "$IMAGES/busybox-rootfs.tar" docker.io/library/busybox:latest
	local new=${output#sha256:}
	run_pod images --format '{{.ID}} {{.Repository}}' --no-trunc --sort id
	assert "$output" =~ "$BB_ID <none>" "old image dangling"
	assert "$output" =~ "$new docker.io/library/busybox" "new image named"
	run_pod image inspect --format '{{index .NamesHistory 0}}' "$BB_ID"
	is "$output" "docker.io/library/busybox:latest" "names history keeps the name"
}
