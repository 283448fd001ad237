#!/usr/bin/env bash
# Renders .krew.yaml as krew-release-bot would for a sample tag, with a
# placeholder checksum, and validates the result with krew's own
# validate-krew-manifest (which checks the schema, the platform selectors and
# that every bin is among the files of its platform).
set -euo pipefail
cd "$(dirname "$0")/.."

validator="sigs.k8s.io/krew/cmd/validate-krew-manifest@v0.4.5"
bin="$(go env GOPATH)/bin/validate-krew-manifest"
test -x "$bin" || go install "$validator"

tag="v0.1.0"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# addURIAndSha "<url>" .TagName becomes uri + sha256 lines at the indent of
# the call, as the bot writes them.
sed -E \
	-e 's/\{\{ \.TagName \| trimPrefix "v" \}\}/'"${tag#v}"'/g' \
	-e 's/\{\{ ?\.TagName ?\}\}/'"$tag"'/g' \
	-e 's/^( *)\{\{addURIAndSha "([^"]+)" [^}]*\}\}$/\1uri: \2\n\1sha256: '"$(printf '0%.0s' {1..64})"'/' \
	.krew.yaml > "$out/ingresskit.yaml"
if grep -n '{{' "$out/ingresskit.yaml"; then
	echo "krew-check: template left unrendered" >&2
	exit 1
fi
"$bin" -manifest "$out/ingresskit.yaml"
