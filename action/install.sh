#!/usr/bin/env bash
# Installs the ingresskit release INGRESSKIT_VERSION for the runner's OS and
# architecture: downloads the archive .goreleaser.yaml names
# (ingresskit_<version>_<os>_<arch>.tar.gz), checks it against the release's
# checksums.txt, and puts the binary on GITHUB_PATH.
# INGRESSKIT_DOWNLOAD_URL overrides the release download address (a mirror).
set -euo pipefail
: "${INGRESSKIT_VERSION:?set the version input to a release tag such as v1.2.3}"
case "$INGRESSKIT_VERSION" in v*) ;; *) echo "::error::version must be a release tag such as v1.2.3, got ${INGRESSKIT_VERSION}"; exit 2 ;; esac
base="${INGRESSKIT_DOWNLOAD_URL:-https://github.com/ingresskit/ingresskit/releases/download}/${INGRESSKIT_VERSION}"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "::error::no ingresskit release for architecture $(uname -m)"; exit 2 ;;
esac
archive="ingresskit_${INGRESSKIT_VERSION#v}_${os}_${arch}.tar.gz"
dir="${RUNNER_TEMP:-$(mktemp -d)}/ingresskit-${INGRESSKIT_VERSION}"
mkdir -p "$dir"
curl -fsSL --retry 3 -o "$dir/$archive" "$base/$archive"
curl -fsSL --retry 3 -o "$dir/checksums.txt" "$base/checksums.txt"
(cd "$dir" && grep -E "  ${archive}\$" checksums.txt | sha256sum -c --status) ||
  { echo "::error::${archive} does not match the release's checksums.txt"; exit 1; }
tar -xzf "$dir/$archive" -C "$dir" ingresskit
echo "$dir" >>"${GITHUB_PATH:?}"
"$dir/ingresskit" version
