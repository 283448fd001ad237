#!/usr/bin/env bash
# End-to-end figures of ingresskit at scale: lint, simulate,
# routes and convert on the mixed corpus (bench/corpus: nginx, ALB and
# GCE classes by ingressClassName and by annotation, ~n/40 namespaces,
# 1-3 hosts, regex, canaries, wildcards, named ports, 5% extensions/v1beta1,
# planted defects) and on the easy one (one class, one namespace).
#
#   bash bench/scale.sh [sizes...]      (default: 10000 50000)
#
# Each size is written twice: as files of 100 Ingresses, and as one file,
# as `helm template` writes it. Every line gives wall, user and system
# time and the peak resident memory (GNU time), best wall time of RUNS
# runs (default 3).
# Wall time depends on how busy the machine is; user+sys is the steadier
# figure.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000)
TIME=${TIME:-/usr/bin/time}
[ -x "$TIME" ] || { echo "bench/scale.sh: $TIME not found: install the Debian package time" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -o "$work/ingresskit" ./cmd/ingresskit
go build -trimpath -o "$work/load" ./bench/lintcorpus/load

# best LABEL CMD...: best wall time of three runs; exit 1 (findings) is
# not a failure.
best() {
	local label=$1 best_line="" best_wall=""
	shift
	for _ in $(seq "${RUNS:-3}"); do
		"$TIME" -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || [ $? -eq 1 ] ||
			{ cat "$work/err" >&2; exit 1; }
		local line wall
		line=$(tail -1 "$work/time")
		wall=${line%% *}
		if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
			best_wall=$wall best_line=$line
		fi
	done
	read -r wall user sys rss <<<"$best_line"
	printf '  %-44s wall %6ss  user %6ss  sys %5ss  peak %5d MB\n' "$label" "$wall" "$user" "$sys" $((rss / 1024))
}

for n in "${sizes[@]}"; do
	for shape in mixed easy; do
		dir=$work/$shape-$n one=$work/$shape-$n-one
		go run ./bench/corpus/gen -shape "$shape" -n "$n" -out "$dir" -urls "$work/urls-$shape-$n.txt" 2>/dev/null
		go run ./bench/corpus/gen -shape "$shape" -n "$n" -per-file 0 -out "$one" 2>/dev/null
		echo "$shape corpus, $n Ingresses: $(du -sh "$dir" | cut -f1) in $(ls "$dir" | wc -l) files, $(wc -l <"$work/urls-$shape-$n.txt") URLs"
		# 10,000 URLs, cycling through the corpus's own.
		awk -v want=10000 '{u[NR]=$0} END{for(i=0;i<want;i++) print u[i%NR+1]}' "$work/urls-$shape-$n.txt" >"$work/urls.txt"
		best "decode only (manifest.Load), files" "$work/load" "$dir"
		best "lint, files" "$work/ingresskit" lint -f "$dir" -o json
		best "lint, one file" "$work/ingresskit" lint -f "$one/apps-00000.yaml" -o json
		best "simulate 1 URL" "$work/ingresskit" simulate -f "$dir" "$(head -1 "$work/urls.txt")"
		best "simulate 10,000 URLs (stdin, -o json)" bash -c "'$work/ingresskit' simulate -f '$dir' -o json - <'$work/urls.txt'"
		best "routes -o json" "$work/ingresskit" routes -f "$dir" -o json
		best "convert (stdout)" bash -c "'$work/ingresskit' convert '$dir'/*.yaml"
	done
done
