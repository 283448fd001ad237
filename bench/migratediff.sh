#!/usr/bin/env bash
# Counts the differences `ingresskit convert --to gateway-api --verify`
# finds on the generated lint corpus, by known cause ("none" for a
# difference no known cause explains), with the probes and the summary
# of the translation (docs/migrate.md, "Verification on the lint
# corpus").
#
#   bash bench/migratediff.sh [ingresses]        (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v jq >/dev/null || { echo "migratediff.sh needs jq (apt-get install jq)" >&2; exit 2; }
go build -trimpath -o "$work/ingresskit" ./cmd/ingresskit
go run ./bench/lintcorpus/gen -n "$n" -out "$work/corpus" 2>/dev/null
rc=0
"$work/ingresskit" convert --to gateway-api --verify -f "$work/corpus" \
  --report-format json="$work/report.json" >/dev/null 2>&1 || rc=$?
[ "$rc" -le 1 ] || { echo "convert exited $rc" >&2; exit "$rc"; }
jq -r '"probes: \(.probes), differences: \(.differences | length)",
  "ingresses: \(.summary.complete) complete, \(.summary.partial) partial, \(.summary.untranslated) not at all",
  (.differences | map(.cause // "none") | group_by(.) | map("  \(.[0]): \(length)") | .[])' "$work/report.json"
