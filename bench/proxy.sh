#!/usr/bin/env bash
# Compares `ingresskit proxy` with nginx as a reverse proxy: both serve the
# same 50 routes (10 hosts x 5 prefix paths) in front of the same tiny
# upstream, and wrk loads each for the same time with the same
# connections. Everything listens on 127.0.0.1.
#
# Needs the Debian packages nginx-light (or nginx) and wrk.
#
#   bench/proxy.sh                      # 10s per run, 64 connections
#   DURATION=30s CONNECTIONS=128 bench/proxy.sh
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
UPSTREAM_PORT=${UPSTREAM_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}
PROXY_PORT=${PROXY_PORT:-18183}
HOSTS=10
PATHS=5

for tool in nginx wrk; do
	if ! command -v "$tool" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$tool" ]; then
		pkg=$tool; [ "$tool" = nginx ] && pkg=nginx-light
		echo "bench/proxy.sh: $tool not found: install the Debian package $pkg" >&2
		exit 2
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

go build -trimpath -o "$work/ingresskit" ./cmd/ingresskit

# The manifests: host hN.example, paths /pM, Service svc-N-M port 80; every
# Service maps to the one upstream.
: >"$work/routes.yaml"
: >"$work/upstreams.txt"
for h in $(seq 0 $((HOSTS - 1))); do
	cat >>"$work/routes.yaml" <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bench-$h
spec:
  rules:
  - host: h$h.example
    http:
      paths:
YAML
	for p in $(seq 0 $((PATHS - 1))); do
		cat >>"$work/routes.yaml" <<YAML
      - path: /p$p
        pathType: Prefix
        backend:
          service:
            name: svc-$h-$p
            port:
              number: 80
YAML
		echo "default/svc-$h-$p:80=127.0.0.1:$UPSTREAM_PORT" >>"$work/upstreams.txt"
	done
	echo "---" >>"$work/routes.yaml"
done

# nginx configuration shared by both nginx processes.
common="
pid $work/%s.pid;
error_log $work/%s.error.log warn;
daemon off;
events { worker_connections 4096; }
"
# The tiny upstream: one worker answering 200 with a short body.
{
	printf "$common" upstream upstream
	cat <<NGINX
worker_processes 1;
http {
  access_log off;
  client_body_temp_path $work/up-body;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { return 200 "ok\n"; }
  }
}
NGINX
} >"$work/upstream.conf"

# nginx as the proxy, configured as ingress-nginx configures it: HTTP/1.1
# to a keepalive upstream pool, the same forwarded headers, one server
# block per host and one prefix location per path.
{
	printf "$common" nginx nginx
	cat <<NGINX
worker_processes auto;
http {
  # Both proxies write an access log line per request to a file.
  access_log $work/nginx.access.log;
  client_body_temp_path $work/ng-body;
  proxy_temp_path $work/ng-proxy;
  keepalive_requests 100000;
  upstream backend {
    server 127.0.0.1:$UPSTREAM_PORT;
    keepalive 320;
  }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$http_host;
  proxy_set_header X-Real-IP \$remote_addr;
  proxy_set_header X-Forwarded-For \$remote_addr;
  proxy_set_header X-Forwarded-Host \$http_host;
  proxy_set_header X-Forwarded-Port \$server_port;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Scheme \$scheme;
  proxy_set_header X-Request-ID \$request_id;
  server {
    listen 127.0.0.1:$NGINX_PORT default_server;
    return 404;
  }
NGINX
	for h in $(seq 0 $((HOSTS - 1))); do
		echo "  server {"
		echo "    listen 127.0.0.1:$NGINX_PORT;"
		echo "    server_name h$h.example;"
		for p in $(seq 0 $((PATHS - 1))); do
			echo "    location = /p$p { proxy_pass http://backend; }"
			echo "    location /p$p/ { proxy_pass http://backend; }"
		done
		echo "  }"
	done
	echo "}"
} >"$work/nginx.conf"
mkdir -p "$work/up-body" "$work/ng-body" "$work/ng-proxy"

wait_port() {
	for _ in $(seq 100); do
		if curl -s -o /dev/null "http://127.0.0.1:$1/"; then return 0; fi
		sleep 0.05
	done
	echo "bench/proxy.sh: nothing listens on port $1" >&2
	exit 1
}

"$NGINX" -e "$work/upstream.error.log" -c "$work/upstream.conf" -p "$work" &
pids+=($!)
upstream_pid=$!
"$NGINX" -e "$work/nginx.error.log" -c "$work/nginx.conf" -p "$work" &
pids+=($!)
nginx_pid=$!
# The access log is written as in real use, to a file.
"$work/ingresskit" proxy -f "$work/routes.yaml" --upstreams "$work/upstreams.txt" \
	--http-port "$PROXY_PORT" --watch=false >"$work/access.log" 2>"$work/proxy.err" &
pids+=($!)
proxy_pid=$!
for port in "$UPSTREAM_PORT" "$NGINX_PORT" "$PROXY_PORT"; do wait_port "$port"; done

# Every request goes to the same route, h7.example/p3/..., on a host and
# path in the middle of the table.
check() {
	body=$(curl -sS -H 'Host: h7.example' "http://127.0.0.1:$1/p3/item")
	[ "$body" = ok ] || { echo "bench/proxy.sh: port $1 answered $body" >&2; exit 1; }
}
check "$NGINX_PORT"
check "$PROXY_PORT"

# cpu_ticks PID: CPU time (user + system, in clock ticks) used so far by
# PID and its children (the nginx workers).
cpu_ticks() {
	local total=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		if [ -r "/proc/$p/stat" ]; then
			total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
		fi
	done
	echo "$total"
}
hz=$(getconf CLK_TCK)

# One wrk run against port $1, whose server process is $2; prints
# "requests/s p50 p90 p99 non-2xx cpu-us/request" with latencies in ms. CPU
# time per request is what the server itself spent, which other load on
# the machine does not change much, unlike requests/s.
load() {
	local before after
	before=$(cpu_ticks "$2")
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H 'Host: h7.example' \
		"http://127.0.0.1:$1/p3/item" >"$work/wrk.out"
	after=$(cpu_ticks "$2")
	awk -v ticks=$((after - before)) -v hz="$hz" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
		/Non-2xx/ { errors = $NF }
		/requests in/ { total = $1 }
		END { printf "%.0f %.2f %.2f %.2f %d %.1f\n", rps, p50, p90, p99, errors, ticks / hz * 1e6 / total }
	' "$work/wrk.out"
}

# The targets take turns, ROUNDS times, so that a burst of load from
# elsewhere on the machine spreads over all of them; the table shows the
# median round of each (by requests/s).
ROUNDS=${ROUNDS:-3}
targets=("upstream direct:$UPSTREAM_PORT" "nginx:$NGINX_PORT" "ingresskit proxy:$PROXY_PORT")
declare -A server=([$UPSTREAM_PORT]=$upstream_pid [$NGINX_PORT]=$nginx_pid [$PROXY_PORT]=$proxy_pid)
for round in $(seq "$ROUNDS"); do
	for t in "${targets[@]}"; do
		load "${t##*:}" "${server[${t##*:}]}" >>"$work/results.${t##*:}"
	done
done

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds, $((HOSTS * PATHS)) routes, $(nproc) CPUs, $("$NGINX" -v 2>&1 | sed 's/.*: //')"
printf "%-18s %12s %10s %10s %10s %8s %14s\n" target "requests/s" "p50 ms" "p90 ms" "p99 ms" non-2xx "CPU us/request"
for t in "${targets[@]}"; do
	sort -n "$work/results.${t##*:}" | awk -v name="${t%:*}" -v n="$ROUNDS" '
		NR == int((n + 1) / 2) { printf "%-18s %12s %10s %10s %10s %8s %14s\n", name, $1, $2, $3, $4, $5, $6 }'
done
nginx_rps=$(sort -n "$work/results.$NGINX_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $1 }')
proxy_rps=$(sort -n "$work/results.$PROXY_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $1 }')
nginx_p99=$(sort -n "$work/results.$NGINX_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $4 }')
proxy_p99=$(sort -n "$work/results.$PROXY_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $4 }')
nginx_cpu=$(sort -n -k6 "$work/results.$NGINX_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $6 }')
proxy_cpu=$(sort -n -k6 "$work/results.$PROXY_PORT" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $6 }')
awk -v a="$proxy_rps" -v b="$nginx_rps" -v c="$proxy_p99" -v d="$nginx_p99" -v e="$proxy_cpu" -v f="$nginx_cpu" \
	'BEGIN { printf "ingresskit/nginx: %.2f x requests/s, %.2f x p99 latency, %.2f x CPU per request (medians)\n", a / b, c / d, e / f }'
