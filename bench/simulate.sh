#!/usr/bin/env bash
# End-to-end timing of `ingresskit simulate`: load and compile a generated
# corpus of 10,000 Ingresses, then answer 10,000 URLs read from stdin.
# Usage: bash bench/simulate.sh [path/to/ingresskit]
set -euo pipefail
bin=${1:-bin/ingresskit}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go run ./bench/simulatecorpus -n 10000 -o "$dir/corpus.yaml" -urls 10000
mv simulate-urls.txt "$dir/urls.txt"
echo "corpus: $(grep -c '^kind: Ingress' "$dir/corpus.yaml") Ingresses, $(wc -l < "$dir/urls.txt") URLs"
time "$bin" simulate -f "$dir/corpus.yaml" http://host-1.example.com/ > /dev/null
time "$bin" simulate -f "$dir/corpus.yaml" -o json - < "$dir/urls.txt" > "$dir/out.json"
echo "answers: $(wc -l < "$dir/out.json")"
