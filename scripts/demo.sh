#!/usr/bin/env bash
# Runs each capability of ingresskit on the examples shipped in examples/.
set -uo pipefail
bin=${1:-bin/ingresskit}
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; echo "(exit $?)"; }

step "$bin" version
step "$bin" routes -f examples/
