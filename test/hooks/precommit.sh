#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml with the real pre-commit on a
# scratch repository: each hook must fail on a manifest with a defect and
# pass once it is fixed. pre-commit builds ingresskit once, from the commit
# this checkout is at (uncommitted changes are not part of the test).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed: apt-get install pre-commit" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
# Share the module cache, so that pre-commit's build downloads nothing new.
export GOMODCACHE="$(go env GOMODCACHE)" GOFLAGS=-mod=mod

cd "$work"
git init -q repo && cd repo
mkdir k8s
cat >k8s/app.yaml <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
YAML
cat >k8s/old.yaml <<'YAML'
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
spec:
  backend: {serviceName: web, servicePort: 80}
YAML
cat >.pre-commit-config.yaml <<YAML
repos:
- repo: $root
  rev: $(git -C "$root" rev-parse HEAD)
  hooks:
  - id: ingresskit-lint
    files: ^k8s/
  - id: ingresskit-convert-check
    files: ^k8s/
YAML
git add k8s .pre-commit-config.yaml

fail() { echo "FAIL: $*" >&2; exit 1; }
run() { pre-commit run "$1" --files "${@:2}" >out.txt 2>&1; }

# lint fails on the missing Service, and names it with its position.
if run ingresskit-lint k8s/app.yaml; then cat out.txt; fail "lint passed a missing Service"; fi
grep -q 'k8s/app.yaml:13:.*Service default/web is not in the input.*\[missing-service\]' out.txt || { cat out.txt; fail "lint output"; }

# With the Service added, it passes.
cat >k8s/web.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
YAML
git add k8s/web.yaml
run ingresskit-lint k8s/app.yaml k8s/web.yaml || { cat out.txt; fail "lint failed clean manifests"; }

# convert --check fails on the removed API version and passes after convert.
if run ingresskit-convert-check k8s/old.yaml; then cat out.txt; fail "convert --check passed extensions/v1beta1"; fi
grep -q 'k8s/old.yaml' out.txt || { cat out.txt; fail "convert --check output"; }
cat >k8s/old.yaml <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: old
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
YAML
run ingresskit-convert-check k8s/old.yaml k8s/app.yaml || { cat out.txt; fail "convert --check failed converted manifests"; }
echo "pre-commit hooks: ok"
