#!/bin/bash
# quickstart.sh - after `make deps all install`: make a local image from the
# host's static busybox and run a container from it, with the installed
# podman. Runs as root. Uses its own store under /var/tmp/podutils-quickstart
# so it never touches a store you use.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
PODMAN=${PODMAN:-$PREFIX/bin/podman}
QS=${QUICKSTART_DIR:-/var/tmp/podutils-quickstart}
export POD_ROOT=$QS/root POD_RUNROOT=$QS/runroot
mkdir -p "$QS"

echo "== building a busybox image from the host's /bin/busybox"
tests/bats/fixtures/mkimages.sh "$QS/images" >/dev/null
echo "   $QS/images/busybox (OCI layout), $QS/images/busybox-rootfs.tar"

verbs=$("$PODMAN" --list-verbs)
has() { grep -qx "$1" <<< "$verbs"; }

if has import && has run; then
    echo "== podman import + podman run"
    "$PODMAN" import -q "$QS/images/busybox-rootfs.tar" localhost/busybox:latest >/dev/null
    "$PODMAN" run --rm localhost/busybox:latest sh -c 'echo "hello from $(hostname) in a container"; ps'
    echo "== done: the image stays in $POD_ROOT; remove it with: podman --root $POD_ROOT rmi -a"
    exit 0
fi

oci=$PREFIX/bin/pod-oci
if [ -x "$oci" ]; then
    echo "== the engine's run verb is not built yet; running the image's rootfs with the built-in runtime (pod-oci)"
    b=$QS/bundle
    rm -rf "$b"
    mkdir -p "$b/rootfs"
    tar -C "$b/rootfs" -xf "$QS/images/busybox-rootfs.tar"
    (cd "$b" && "$oci" spec)
    jq '.process.terminal = false | .process.args = ["sh", "-c", "echo hello from $(hostname) in a container; ps"]' \
        "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
    "$oci" --root "$QS/oci" run --bundle "$b" "quickstart-$$"
    exit 0
fi
echo "== built and installed $("$PODMAN" --version); image rootfs ready in $QS/images."
echo "   Running a container needs the runtime and the run verb, which this build does not have yet."
