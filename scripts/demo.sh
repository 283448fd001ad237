#!/usr/bin/env bash
# Runs each capability of ingresskit on the examples shipped in examples/.
# Commands that report findings exit 1 on purpose; the demo goes on.
set -uo pipefail
bin=$(realpath "${1:-bin/ingresskit}")
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
export INGRESSKIT_CA_DIR="$tmp/ca"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; printf '\033[2m(exit %d)\033[0m\n' $?; }
pipe() { printf '\n\033[1m$ %s\033[0m\n' "$1"; bash -c "$1"; printf '\033[2m(exit %d)\033[0m\n' $?; }

step "$bin" version

# load: every example, every API version, one routing table.
step "$bin" routes -f examples/

# simulate: which Service a URL reaches, and why.
step "$bin" simulate -f examples/nginx-tls.yaml https://example.com/foo/bar http://example.com/baz
step "$bin" simulate -f examples/alb-hosts.yaml --explain http://my.example.com/some-other-path/x

# test: route expectations for CI.
step "$bin" test -f examples/ examples/routes-test.yaml

# Gateway API: a Gateway and HTTPRoutes on the same engine: a weighted
# split, a redirect to https, a path rewrite and a header match, with the
# route and listener that won, and route tests naming the Gateway.
step "$bin" routes -f examples/gateway-api.yaml
step "$bin" simulate -f examples/gateway-api.yaml http://shop.example.com/cart https://shop.example.com/cart https://shop.example.com/api/v1/items
step "$bin" simulate -f examples/gateway-api.yaml -H 'X-Canary: always' --explain https://shop.example.com/cart
step "$bin" test -f examples/gateway-api.yaml examples/gateway-api-test.yaml

# lint: the planted problems of the examples, with file:line:col.
step "$bin" lint -f examples/

# convert: the removed extensions/v1beta1 API to networking.k8s.io/v1, as a
# diff; comments and the Service documents stay as they are.
step "$bin" convert --check -f examples/
step "$bin" convert -f examples/gce-v1beta1.yaml -o diff

# Istio: the nginx example served by an Istio ingress gateway, first match wins.
step "$bin" simulate -f examples/istio-gateway.yaml https://example.com/bar https://test.com/api/users --header 'x-version: v2'

# migration: every example to Gateway API objects, with the requests that
# the Gateways answer differently from the Ingress controllers.
step "$bin" convert --to gateway-api --verify -f examples/

# simulate under GCE semantics: "/users/*" is a glob there.
step "$bin" simulate --controller gce -f examples/gce-v1beta1.yaml http://34.1.2.3/users/1

# certgen: a local CA and the example-tls Secret for example.com.
pipe "'$bin' certgen -f examples/nginx-tls.yaml | grep -vE '^  (ca.crt|tls.crt|tls.key):'"
step "$bin" certgen ca

# create: kubectl's create ingress flags, linted with the manifests it joins.
step "$bin" create ingress shop --class nginx --rule 'example.com/shop*=service-foo:80' -f examples/
step "$bin" create ingress clash --class nginx --rule 'example.com/foo*=nosuch:80' -f examples/
step "$bin" create ingress typo --rule 'example.com/=svc:http,tls=example-tls,garbage'
step "$bin" create ingress shop --class nginx --rule 'example.com/shop*=service-foo:80' --to gateway-api --gateway infra/shared

# edit: a path added in place; only the new lines change, lint checks the result.
cp examples/nginx-tls.yaml "$tmp/nginx-tls.yaml"
pipe "cd '$tmp' && '$bin' edit -f nginx-tls.yaml add-rule 'example.com/shop*=service-foo:80' -o diff"
pipe "cd '$tmp' && '$bin' edit -f nginx-tls.yaml add-rule 'example.com/shop*=service-foo:80'"
pipe "cd '$tmp' && '$bin' edit -f nginx-tls.yaml set-backend 'example.com/shop*=nosuch:80'"

# proxy: a request through the proxy in echo mode; /foo/../bar is routed as /bar.
"$bin" proxy -f examples/nginx-tls.yaml --echo --http-port 0 --https-port 0 \
	>"$tmp/access.log" 2>"$tmp/proxy.err" &
pid=$!
for _ in $(seq 100); do grep -q '^Listening on' "$tmp/proxy.err" && break; sleep 0.05; done
printf '\n\033[1m$ %s\033[0m\n' "$bin proxy -f examples/nginx-tls.yaml --echo"
cat "$tmp/proxy.err"
port=$(sed -n 's|^Listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$tmp/proxy.err")
step curl -sS --path-as-is --resolve "example.com:$port:127.0.0.1" "http://example.com:$port/foo/../bar"
kill -INT "$pid"; wait "$pid"
printf '\n\033[1maccess log:\033[0m\n'
cat "$tmp/access.log"

# proxy on a Gateway: the Gateway API example's listeners served locally;
# plain HTTP is redirected to https by the https-redirect route, and
# /api/v1 is rewritten to /v1 for shop-api.
"$bin" proxy -f examples/gateway-api.yaml --gateway infra/prod --echo --http-port 0 --https-port 0 --seed 1 \
	>"$tmp/gw-access.log" 2>"$tmp/gw-proxy.err" &
pid=$!
for _ in $(seq 100); do grep -q '^Listening on' "$tmp/gw-proxy.err" && break; sleep 0.05; done
printf '\n\033[1m$ %s\033[0m\n' "$bin proxy -f examples/gateway-api.yaml --gateway infra/prod --echo"
cat "$tmp/gw-proxy.err"
port=$(sed -n 's|^Listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$tmp/gw-proxy.err")
tport=$(sed -n 's|^Listening on .* and https://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$tmp/gw-proxy.err")
step curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' --resolve "shop.example.com:$port:127.0.0.1" "http://shop.example.com:$port/cart"
step curl -sS --cacert "$INGRESSKIT_CA_DIR/ca.crt" --resolve "shop.example.com:$tport:127.0.0.1" "https://shop.example.com:$tport/api/v1/items"
kill -INT "$pid"; wait "$pid"
printf '\n\033[1maccess log:\033[0m\n'
cat "$tmp/gw-access.log"
