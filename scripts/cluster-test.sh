#!/usr/bin/env bash
# Runs the tests against a real etcd and kube-apiserver (make test-cluster).
# The binaries are built once by scripts/cluster-build.sh and cached; the
# tests carry the clustertest build tag, so `go test ./...` never runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="$(bash scripts/cluster-build.sh)"
export INGRESSKIT_CLUSTER_BIN="$bin"
go test -tags clustertest -race -count=1 ./test/cluster/... ./cluster/...
