#!/bin/sh
# install-deps.sh - install every build and test dependency (Debian 12).
# Idempotent and quiet: does nothing when all of mk/deps.txt is installed.
set -e
cd "$(dirname "$0")/.."
pkgs=$(grep -v '^#' mk/deps.txt | tr '\n' ' ')
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -z "$missing" ]; then
    exit 0
fi
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
