#!/usr/bin/env bash
# Builds the kube-apiserver and etcd that the cluster tests run against, from
# the pinned module in test/cluster/apiserver, and caches them. A warm run only
# checks the cache. Prints the directory holding both binaries on stdout.
#
# Cache: ${INGRESSKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ingresskit}/cluster/<key>,
# where <key> is a hash of the module's go.mod, go.sum and the Go version, so a
# version bump rebuilds. A cold build takes several minutes on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mod="$root/test/cluster/apiserver"
cache="${INGRESSKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ingresskit}/cluster"
key="$(cat "$mod/go.mod" "$mod/go.sum" <(go version) | sha256sum | cut -c1-16)"
out="$cache/$key"

if [[ -x "$out/kube-apiserver" && -x "$out/etcd" ]]; then
	echo "$out"
	exit 0
fi

mkdir -p "$out"
tmp="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

cd "$mod"
start=$SECONDS
# -trimpath and no VCS stamping keep the build reproducible and cacheable.
echo "cluster-build: building etcd (go.etcd.io/etcd/server/v3)" >&2
go build -trimpath -o "$tmp/etcd" go.etcd.io/etcd/server/v3
echo "cluster-build: building kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver)" >&2
go build -trimpath -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
mv "$tmp/etcd" "$tmp/kube-apiserver" "$out/"
echo "cluster-build: done in $((SECONDS - start))s" >&2
echo "$out"
