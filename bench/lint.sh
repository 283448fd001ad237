#!/usr/bin/env bash
# Times `ingresskit lint` against decoding alone on a generated corpus.
#
#   bash bench/lint.sh [ingresses]        (default 10000)
#
# Decoding alone is bench/lintcorpus/load, which loads the files with
# manifest.Load, as every command does, and prints a count of the objects;
# lint adds the rules and its output on top. The script
# reports wall, user and system time of each (bash's time), best of three
# runs, and the findings lint reported by rule. Wall time depends on how
# busy the machine is; user+sys is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -trimpath -o "$work/ingresskit" ./cmd/ingresskit
go build -trimpath -o "$work/load" ./bench/lintcorpus/load
go run ./bench/lintcorpus/gen -n "$n" -out "$work/corpus" 2>"$work/planted.txt"
docs=$(cat "$work"/corpus/*.yaml | grep -c '^---$')
echo "corpus: $n Ingresses, $docs documents, $(du -sh "$work/corpus" | cut -f1)"
sed 's/^/  /' "$work/planted.txt"

TIMEFORMAT='%R %U %S'
best() { # best wall time of three runs of "$@"
  local best_line="" best_wall=""
  for _ in 1 2 3; do
    local line
    line=$( { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1 )
    local wall=${line%% *}
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
      best_wall=$wall best_line=$line
    fi
  done
  read -r wall user sys <<<"$best_line"
  printf '%-34s wall %6ss  user %6ss  sys %6ss\n' "$label" "$wall" "$user" "$sys"
}

label="decode only (manifest.Load)" best "$work/load" "$work/corpus"
label="lint (default rules)" best bash -c "'$work/ingresskit' lint -f '$work/corpus' -o json || [ \$? -eq 1 ]"
label="lint --enable-all" best bash -c "'$work/ingresskit' lint -f '$work/corpus' --enable-all -o json || [ \$? -eq 1 ]"

"$work/ingresskit" lint -f "$work/corpus" -o json >"$work/lint.json" || true
echo "findings by rule:"
grep -o '"rule": "[a-z-]*"' "$work/lint.json" | sort | uniq -c | sed 's/"rule": //; s/"//g' | awk '{printf "  %-28s %s\n", $2, $1}'
