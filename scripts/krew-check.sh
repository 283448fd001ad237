#!/usr/bin/env bash
# Validates .krew.yaml. TestKrewManifest renders it as krew-release-bot would
# and checks it against krew's manifest rules and the archives of
# .goreleaser.yaml (it also runs in `go test ./...`). krew's own
# validate-krew-manifest is not served by the Go module proxy; when it is on
# PATH the rendered manifest is validated with it as well.
set -euo pipefail
cd "$(dirname "$0")/.."

go test -count=1 -run '^TestKrewManifest$' ./test/cluster/

if command -v validate-krew-manifest >/dev/null; then
	out="$(mktemp -d)"
	trap 'rm -rf "$out"' EXIT
	tag="v0.1.0"
	sed -E \
		-e 's/\{\{ \.TagName \| trimPrefix "v" \}\}/'"${tag#v}"'/g' \
		-e 's/\{\{ \.TagName \}\}/'"$tag"'/g' \
		-e 's/^( *)\{\{addURIAndSha "([^"]+)" \.TagName \}\}$/\1uri: \2\n\1sha256: '"$(printf 'ab%.0s' {1..32})"'/' \
		.krew.yaml >"$out/ingresskit.yaml"
	validate-krew-manifest -manifest "$out/ingresskit.yaml"
fi
