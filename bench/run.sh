#!/bin/bash
# bench/run.sh - run every benchmark in bench/ (or those named) in turn.
set -euo pipefail
cd "$(dirname "$0")"
for b in ${*:-startup run load run-net pull push exec stats pod kube}; do
    echo "== bench/$b"
    "./$b"
done
