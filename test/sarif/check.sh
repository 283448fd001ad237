#!/usr/bin/env bash
# Validates real SARIF output of lint with ajv against the official SARIF
# 2.1.0 schema (printer/testdata/sarif-schema-2.1.0.json): the findings of
# every rule's bad fixture, an input with load errors (results with
# executionSuccessful false), and a kustomization read with -k. A copy with
# a level SARIF does not know must be rejected, so the check can fail.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v node >/dev/null || { echo "node is not installed: apt-get install nodejs npm" >&2; exit 1; }
[ -d "$here/node_modules/ajv-draft-04" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -o "$work/ingresskit" ./cmd/ingresskit
ik="$work/ingresskit"
schema="$root/printer/testdata/sarif-schema-2.1.0.json"

# lint exits 1 on findings; 2 is a failure of the check.
lintsarif() {
  local out="$1"; shift
  local rc=0
  "$ik" lint "$@" -o sarif >"$out" 2>"$work/stderr" || rc=$?
  [ "$rc" -le 2 ] || { echo "lint $*: exit $rc" >&2; cat "$work/stderr" >&2; exit 1; }
  grep -q '"ruleId"' "$out" || { echo "lint $*: no results" >&2; cat "$work/stderr" >&2; exit 1; }
}
lintsarif "$work/rules.sarif" --enable-all lint/testdata/rules/*/bad.yaml
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec:\n  rules: 7\n' >"$work/bad.yaml"
lintsarif "$work/load-errors.sarif" "$work/bad.yaml" examples/nginx-tls.yaml
grep -q '"executionSuccessful": false' "$work/load-errors.sarif" || { echo "load errors: executionSuccessful is not false" >&2; exit 1; }
lintsarif "$work/kustomize.sarif" -k manifest/kustomize/testdata/app

node "$here/validate.js" "$schema" "$work"/*.sarif

sed 's/"level": "error"/"level": "fatal"/' "$work/rules.sarif" >"$work/broken.json"
if node "$here/validate.js" "$schema" "$work/broken.json" 2>/dev/null; then
  echo "ajv accepted SARIF with an unknown level: the check cannot fail" >&2
  exit 1
fi
echo "SARIF validates against the 2.1.0 schema with ajv"
