#!/usr/bin/env bats
#
# pull against registries that lie or images that attack: a blob whose bytes
# do not match its digest, a config whose diff_ids do not match the layers,
# schema 1 manifests, hostile layer tars; and pulls killed with SIGKILL or
# run twice at once. Nothing half-done may become visible.

load helpers
bats_require_minimum_version 1.5.0

FIXDIR=$BATS_TEST_DIRNAME/fixtures

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	export IMAGES=${PODUTILS_TEST_CACHE:-/var/tmp/podutils-test-cache}/images
	"$FIXDIR/mkimages.sh" "$IMAGES"
	. "$FIXDIR/registry.sh"
	export REG_DIR=$BATS_FILE_TMPDIR/reg
	registry_start "$REG_DIR"
	export REG
	REG=$(registry_addr "$REG_DIR")
	local cp=(skopeo --insecure-policy copy --quiet --dest-tls-verify=false --preserve-digests)
	local n
	for n in hostile-dotdot hostile-abs hostile-symlink hostile-symparent hostile-hardlink busybox; do
		"${cp[@]}" "oci:$IMAGES/$n:latest" "docker://$REG/podutils/$n:latest"
	done
	# a copy of busybox whose layer blob we corrupt in the registry's storage
	"${cp[@]}" "oci:$IMAGES/busybox:latest" "docker://$REG/podutils/corrupt:latest"

	# three 8 MiB layers of random bytes: slow enough to kill mid-pull
	local w=$BATS_FILE_TMPDIR/big i
	mkdir -p "$w"
	for i in 1 2 3; do
		mkdir -p "$w/l$i/data"
		head -c $((8 << 20)) /dev/urandom >"$w/l$i/data/blob$i"
		tar -C "$w/l$i" --numeric-owner --owner=0 --group=0 -cf "$w/l$i.tar" data
	done
	mkdir -p "$w/bbroot"
	tar -C "$w/bbroot" -xf "$IMAGES/busybox-rootfs.tar"
	tar -C "$w/bbroot" --numeric-owner -cf "$w/l0.tar" .
	"$FIXDIR/mkoci.sh" "$w/oci" "$w/l0.tar" "$w/l1.tar" "$w/l2.tar" "$w/l3.tar" >/dev/null
	"${cp[@]}" "oci:$w/oci:latest" "docker://$REG/podutils/big:latest"
	(cd "$w" && sha256sum l1/data/blob1 l2/data/blob2 l3/data/blob3 |
		sed 's| l[0-9]/| /|') >"$w/sums"
	# the same layers with a lying diff_id for the last one
	"$FIXDIR/mkoci.sh" "$w/bad" --bad-diffid "$w/l0.tar" "$w/l1.tar" >/dev/null
	"${cp[@]}" "oci:$w/bad:latest" "docker://$REG/podutils/bad-diffid:latest"
	# three layers pulled at once, the middle one damaged inside its gzip stream
	# (its first two blobs are its own: the registry shares blobs by digest)
	(cd "$w" && tar -cf lx.tar l1 && tar -cf ly.tar l2)
	"$FIXDIR/mkoci.sh" "$w/mid" "$w/lx.tar" "$w/ly.tar" "$w/l3.tar" >/dev/null
	"${cp[@]}" "oci:$w/mid:latest" "docker://$REG/podutils/mid-damaged:latest"
	rm -rf "$w/l0.tar" "$w/l1.tar" "$w/l2.tar" "$w/l3.tar" "$w/lx.tar" "$w/ly.tar" "$w/bbroot" "$w/oci" \
		"$w/bad" "$w/mid"

	# corrupt: same size, other bytes; the gzip header's mtime, so the layer
	# inflates and extracts fine and only the digest can tell
	local m l f
	m=$(skopeo inspect --raw --tls-verify=false "docker://$REG/podutils/corrupt:latest")
	l=$(jq -r '.layers[0].digest' <<<"$m")
	f=$(find "$REG_DIR/data" -path "*/blobs/sha256/*/${l#sha256:}/data")
	python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[4]^=0xff; open(p,"wb").write(b)' "$f"
	m=$(skopeo inspect --raw --tls-verify=false "docker://$REG/podutils/mid-damaged:latest")
	l=$(jq -r '.layers[1].digest' <<<"$m")
	echo "$l" >"$BATS_FILE_TMPDIR/mid-layer"
	f=$(find "$REG_DIR/data" -path "*/blobs/sha256/*/${l#sha256:}/data")
	python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//3]^=0xff; open(p,"wb").write(b)' "$f"

	# schema 1: a tiny server that only knows one manifest
	mkdir -p "$BATS_FILE_TMPDIR/s1"
	cat >"$BATS_FILE_TMPDIR/s1/srv.py" <<-'EOF'
		import http.server, json, sys
		BODY = json.dumps({"schemaVersion": 1, "name": "old/img", "tag": "latest",
		                   "architecture": "amd64", "fsLayers": [], "history": []}).encode()
		class H(http.server.BaseHTTPRequestHandler):
		    def log_message(self, *a): pass
		    def do_GET(self):
		        if self.path == "/v2/":
		            self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
		        elif self.path == "/v2/old/img/manifests/latest":
		            self.send_response(200)
		            self.send_header("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws")
		            self.send_header("Content-Length", str(len(BODY))); self.end_headers(); self.wfile.write(BODY)
		        else:
		            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
		s = http.server.HTTPServer(("127.0.0.1", 0), H)
		open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
		import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
		s.serve_forever()
	EOF
	python3 "$BATS_FILE_TMPDIR/s1/srv.py" "$BATS_FILE_TMPDIR/s1/port" >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/s1/pid"
	for i in $(seq 100); do [ -s "$BATS_FILE_TMPDIR/s1/port" ] && break; sleep 0.1; done
	export S1="127.0.0.1:$(cat "$BATS_FILE_TMPDIR/s1/port")"
}

teardown_file() {
	. "$FIXDIR/registry.sh"
	registry_stop "$REG_DIR" || true
	if [ -f "$BATS_FILE_TMPDIR/s1/pid" ]; then
		kill "$(cat "$BATS_FILE_TMPDIR/s1/pid")" 2>/dev/null || true
	fi
}

setup() {
	basic_setup
	export CONTAINERS_REGISTRIES_CONF=$PODUTILS_TMP/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG" "$S1" \
		>"$CONTAINERS_REGISTRIES_CONF"
}

teardown() {
	if [ -f "$PODUTILS_TMP/flaky/pid" ]; then
		kill "$(cat "$PODUTILS_TMP/flaky/pid")" 2>/dev/null || true
	fi
	basic_teardown
}

# the store holds no image and no layer
assert_empty_store() {
	run_pod images -aq
	is "$output" "" "${1:-} no image"
	local left
	left=$(find "$POD_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name .locks 2>/dev/null)
	is "$left" "" "${1:-} no layer directory"
	run sqlite3 "$POD_ROOT/db.sqlite" "SELECT count(*) FROM layers"
	is "$output" 0 "${1:-} no layer row"
}

@test "a blob that does not match its digest is refused, nothing stored" {
	run_pod 125 pull -q "$REG/podutils/corrupt"
	assert "$output" =~ "^Error: writing blob sha256:[0-9a-f]{64}: .*digest mismatch" "error names the mismatch"
	assert_empty_store
}

@test "a layer damaged mid-stream stops the parallel pull, nothing stored" {
	run_pod 125 pull -q "$REG/podutils/mid-damaged"
	assert "$output" =~ "^Error: writing blob $(cat "$BATS_FILE_TMPDIR/mid-layer"): " "names the damaged blob"
	assert "$output" =~ "mismatch" "says why"
	assert_empty_store
}

@test "a layer that does not match the config's diff_id is refused, nothing stored" {
	run_pod 125 pull -q "$REG/podutils/bad-diffid"
	assert "$output" =~ "layer DiffID mismatch: expected sha256:[0-9a-f]{64}, got sha256:" "error"
	assert_empty_store
}

@test "schema 1 manifests are refused with a clear error" {
	run_pod 125 pull -q "$S1/old/img"
	assert "$output" =~ "^Error: initializing source docker://$S1/old/img:latest: .*schema ?1" "error"
	assert_empty_store
}

@test "hostile layers write nothing outside the layer" {
	local n canary=$PODUTILS_TMP/canary
	mkdir -p "$canary"
	for n in dotdot abs symlink symparent hardlink; do
		(cd "$canary" && "$PODMAN" pull -q "$REG/podutils/hostile-$n" >/dev/null 2>&1) || true
	done
	# nothing landed outside a layer's own diff/ (where "/tmp/x" belongs)
	# (the store, the working directory, and where "/tmp/x" or "../../x" would go)
	run -0 --separate-stderr find "$PODUTILS_TMP" /tmp /var/tmp / -maxdepth 1 -name 'escape-*'
	is "$output" "" "no escaped file in /, /tmp, /var/tmp or the test dir"
	run -0 --separate-stderr find "$PODUTILS_TMP" -name 'escape-*' ! -path "$POD_ROOT/layers/*/diff/*"
	is "$output" "" "no escaped file"
	# what was stored is complete: every stored image runs its files from inside
	run_pod images -q --no-trunc
	local id
	for id in $output; do
		assert "$id" =~ '^[0-9a-f]{64}$' "image id"
	done
	run_pod 125 pull -q "$REG/podutils/hostile-dotdot"
	assert "$output" =~ "breakout|outside|invalid path" "traversal is an error"
	run_pod 125 pull -q "$REG/podutils/hostile-hardlink"
	assert "$output" =~ "hardlink|hard link|link" "hard link out is an error"
	run_pod images -q --filter reference='*hostile-dotdot*'
	is "$output" "" "refused image not stored"
}

@test "SIGKILL at any moment leaves no half image; the next pull succeeds" {
	local d pid out cut=0
	for d in 0.02 0.05 0.1 0.15 0.2 0.25 0.3 0.4 0.6 0.8; do
		"$PODUTILS_BIN/pod-pull" -q "$REG/podutils/big" >/dev/null 2>&1 &
		pid=$!
		sleep "$d"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" || true
		run_pod images -q --no-trunc
		out=$output
		if [ -n "$out" ]; then
			# the whole image or nothing
			run_pod image inspect --format '{{len .RootFS.Layers}}' "$out"
			is "$output" 4 "a visible image is complete (delay $d)"
			run_pod rmi -a
		else
			cut=$((cut + 1))
		fi
	done
	assert "$cut" -gt 0 "at least one kill landed before the image was stored"
	run_pod pull -q "$REG/podutils/big"
	run_pod run --rm "$REG/podutils/big" sha256sum /data/blob1 /data/blob2 /data/blob3
	is "$output" "$(cat "$BATS_FILE_TMPDIR/big/sums")" "every layer is intact"
	# the leftovers of killed pulls are collected
	run find "$POD_ROOT/layers" -mindepth 1 -maxdepth 1 -name '.tmp-*'
	is "$output" "" "no tmp dir left"
}

@test "two concurrent pulls of one image both succeed and store it once" {
	"$PODUTILS_BIN/pod-pull" -q "$REG/podutils/big" >"$PODUTILS_TMP/a" 2>&1 &
	local a=$!
	"$PODUTILS_BIN/pod-pull" -q "$REG/podutils/big" >"$PODUTILS_TMP/b" 2>&1 &
	local b=$!
	local ra=0 rb=0
	wait $a || ra=$?
	wait $b || rb=$?
	is "$ra/$rb" "0/0" "both succeed: $(cat "$PODUTILS_TMP/a" "$PODUTILS_TMP/b")"
	is "$(jq -r .Id "$PODUTILS_TMP/a")" "$(jq -r .Id "$PODUTILS_TMP/b")" "same image"
	run_pod images -q
	is "${#lines[@]}" 1 "one image"
	run find "$POD_ROOT/layers" -mindepth 1 -maxdepth 1 -regextype posix-extended \
		-regex '.*/[0-9a-f]{64}'
	is "${#lines[@]}" 4 "four layers, each once"
	run_pod run --rm "$REG/podutils/big" sha256sum /data/blob1 /data/blob2 /data/blob3
	is "$output" "$(cat "$BATS_FILE_TMPDIR/big/sums")" "layers intact"
}

# flaky_start FAILS: the proxy of tests/helpers/flaky-registry.py before $REG;
# sets FLAKY to its address
flaky_start() {
	local d=$PODUTILS_TMP/flaky
	mkdir -p "$d"
	python3 "$PODUTILS_SRC/tests/helpers/flaky-registry.py" "$d/port" "$d/log" "$REG" "$1" \
		>/dev/null 2>&1 3>&- &
	echo $! >"$d/pid"
	local i
	for i in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
	FLAKY="127.0.0.1:$(cat "$d/port")"
}

@test "a registry that cannot be reached is tried 3 more times, like Podman" {
	run_pod 125 pull --tls-verify=false 127.0.0.1:1/x
	local want='initializing source docker://127.0.0.1:1/x:latest: pinging container registry 127.0.0.1:1: '
	assert "${lines[0]}" == "Trying to pull 127.0.0.1:1/x:latest..." "first line"
	local i
	local why='Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused'
	for i in 1 2 3; do
		# Podman's line, but for the time
		is "$(sed 's/^time="[^"]*" //' <<<"${lines[$i]}")" \
			"level=warning msg=\"Failed, retrying in 1s ... ($i/3). Error: $want${why//\"/\\\"}\"" "retry $i"
	done
	assert "${lines[1]}" =~ '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z" ' "logrus time"
	is "${lines[4]}" "Error: $want$why" "then Podman's error"
	is "${#lines[@]}" 5 "nothing else"
}

@test "a busy registry (503 UNAVAILABLE twice) is retried and the pull succeeds" {
	flaky_start 2
	# (not busybox: setup_file corrupted its layer)
	run_pod '?' pull --tls-verify=false "$FLAKY/flaky/big"
	is "$status" 0 "succeeds after the retries: $output"
	assert "$output" =~ "level=warning msg=\"Failed, retrying in 1s \.\.\. \(1/3\)\. Error: initializing source docker://$FLAKY/flaky/big:latest: .*unavailable: service unavailable" "first retry"
	assert "$output" =~ "\(2/3\)" "second retry"
	assert "$output" !~ "\(3/3\)" "no third"
	assert "$output" =~ "Writing manifest to image destination" "pulled"
	run grep -c ' 503$' "$PODUTILS_TMP/flaky/log"
	is "$output" 2 "two 503s were answered"
	run_pod run --rm "$FLAKY/flaky/big" sha256sum /data/blob1 /data/blob2 /data/blob3
	is "$output" "$(cat "$BATS_FILE_TMPDIR/big/sums")" "layers intact"
}

@test "a 404 and a bare 503 are not retried, like Podman" {
	flaky_start 0
	run_pod 125 pull --tls-verify=false "$FLAKY/podutils/nosuch"
	assert "$output" !~ "retrying" "404: no retry"
	assert "$output" =~ "Error: initializing source docker://$FLAKY/podutils/nosuch:latest: .*(manifest|name) unknown" "404 error"
	run grep -c 'manifests' "$PODUTILS_TMP/flaky/log"
	is "$output" 1 "one manifest request"
	run_pod 125 pull --tls-verify=false "$FLAKY/bare503/x"
	assert "$output" !~ "retrying" "bare 503: no retry"
	assert "$output" =~ "received unexpected HTTP status: 503 Service Unavailable" "503 error"
}
