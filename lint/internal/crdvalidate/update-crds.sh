#!/bin/sh
# Copies the standard-channel CRDs of the kinds ingresskit reads from the
# required sigs.k8s.io/gateway-api module into crds/ (go generate).
set -eu
dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)/config/crd/standard"
for kind in backendtlspolicies gatewayclasses gateways grpcroutes httproutes referencegrants; do
	f="gateway.networking.k8s.io_$kind.yaml"
	cp "$dir/$f" "crds/$f"
	chmod 0644 "crds/$f"
done
