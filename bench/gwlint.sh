#!/usr/bin/env bash
# Times `ingresskit lint --enable-all` on 10,000 HTTPRoutes and on 10,000
# Ingresses of the same shape (bench/gwcorpus), the issue's bound being
# the first within 1.5x of the second.
#
#   bash bench/gwlint.sh [n]        (default 10000)
#
# It reports wall, user and system time of each (bash's time), best of
# three runs by user+sys, and the findings by rule. Wall time depends on
# how busy the machine is; user+sys is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -trimpath -o "$work/ingresskit" ./cmd/ingresskit
go run ./bench/gwcorpus/gen -n "$n" -out "$work"
echo "corpus: $n HTTPRoutes ($(du -sh "$work/httproutes" | cut -f1)), $n Ingresses ($(du -sh "$work/ingresses" | cut -f1))"

TIMEFORMAT='%R %U %S'
best() { # the run of "$@" with the least user+sys of three
  local best_line="" best_cpu=""
  for _ in 1 2 3; do
    local line
    line=$( { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1 )
    local cpu
    cpu=$(awk '{print $2 + $3}' <<<"$line")
    if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then
      best_cpu=$cpu best_line=$line
    fi
  done
  read -r wall user sys <<<"$best_line"
  printf '%-24s wall %6ss  user %6ss  sys %6ss  user+sys %6ss\n' "$label" "$wall" "$user" "$sys" "$best_cpu"
}

for kind in ingresses httproutes; do
  label="lint $kind" best bash -c "'$work/ingresskit' lint -f '$work/$kind' --enable-all -o json || [ \$? -eq 1 ]"
done
for kind in ingresses httproutes; do
  "$work/ingresskit" lint -f "$work/$kind" --enable-all -o json >"$work/$kind.json" || true
  echo "findings by rule, $kind:"
  grep -o '"rule": "[a-z-]*"' "$work/$kind.json" | sort | uniq -c | sed 's/"rule": //; s/"//g' | awk '{printf "  %-28s %s\n", $2, $1}'
done
