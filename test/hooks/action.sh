#!/usr/bin/env bash
# Runs the GitHub Action's scripts (action/install.sh, action/lint.sh) as the
# runner would, against a release made here: an archive and checksums.txt
# laid out as .goreleaser.yaml names them, served from a file:// mirror.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A release v1.2.3 for this machine.
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
rel="$work/releases/v1.2.3"
mkdir -p "$rel" "$work/build"
(cd "$root" && go build -trimpath -ldflags "-X main.version=1.2.3" -o "$work/build/ingresskit" ./cmd/ingresskit)
cp "$root/LICENSE" "$work/build/"
archive="ingresskit_1.2.3_${os}_${arch}.tar.gz"
tar -czf "$rel/$archive" -C "$work/build" ingresskit LICENSE
(cd "$rel" && sha256sum "$archive" >checksums.txt)

export INGRESSKIT_DOWNLOAD_URL="file://$work/releases" RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/github_path"
mkdir -p "$RUNNER_TEMP"
: >"$GITHUB_PATH"
# Scratch output stays in the work directory, not in the caller's.
cd "$work"

# A version that is not a tag is refused before anything is downloaded.
if INGRESSKIT_VERSION=1.2.3 bash "$root/action/install.sh" >out.txt 2>&1; then fail "install took version 1.2.3"; fi
grep -q '::error::version must be a release tag' out.txt || { cat out.txt; fail "install's message for a bad version"; }

# An archive that does not match checksums.txt is refused.
cp "$rel/checksums.txt" "$work/checksums.good"
sed -i 's/^[0-9a-f]/0/' "$rel/checksums.txt"
if INGRESSKIT_VERSION=v1.2.3 bash "$root/action/install.sh" >out.txt 2>&1; then fail "install took a tampered archive"; fi
grep -q "::error::${archive} does not match" out.txt || { cat out.txt; fail "install's checksum message"; }
cp "$work/checksums.good" "$rel/checksums.txt"

# The release installs, and GITHUB_PATH names the directory of the binary.
INGRESSKIT_VERSION=v1.2.3 bash "$root/action/install.sh" >out.txt 2>&1 || { cat out.txt; fail "install"; }
bindir="$(tail -n 1 "$GITHUB_PATH")"
[ -x "$bindir/ingresskit" ] || fail "GITHUB_PATH names $bindir, which holds no ingresskit"
grep -q '1.2.3' out.txt || { cat out.txt; fail "the installed binary is not the release's"; }
export PATH="$bindir:$PATH"

# lint.sh: findings fail the step with exit 1, as annotations and as SARIF.
mkdir "$work/repo" && cd "$work/repo"
mkdir k8s
cat >k8s/app.yaml <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
YAML
set +e
INGRESSKIT_PATHS="k8s" INGRESSKIT_ARGS="-R" bash "$root/action/lint.sh" >out.txt 2>err.txt
code=$?
set -e
[ "$code" = 1 ] || { cat out.txt err.txt; fail "lint.sh exit $code on a missing Service, want 1"; }
grep -q '^::error file=k8s/app.yaml,line=7.*missing-service' out.txt || { cat out.txt; fail "annotation"; }
python3 - <<'PY' || fail "ingresskit.sarif"
import json
log = json.load(open("ingresskit.sarif"))
results = log["runs"][0]["results"]
assert [r["ruleId"] for r in results] == ["missing-service"], results
PY

# Clean manifests pass, and bad input fails with 2.
cat >k8s/web.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
YAML
INGRESSKIT_PATHS="k8s" bash "$root/action/lint.sh" >out.txt 2>&1 || { cat out.txt; fail "lint.sh on clean manifests"; }
echo "kind: [" >k8s/bad.yaml
set +e
INGRESSKIT_PATHS="k8s" bash "$root/action/lint.sh" >out.txt 2>&1
code=$?
set -e
[ "$code" = 2 ] || { cat out.txt; fail "lint.sh exit $code on bad input, want 2"; }

# action.yml runs these scripts with the inputs it declares.
python3 - "$root/action.yml" <<'PY' || fail "action.yml"
import re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
assert a["runs"]["using"] == "composite"
runs = " ".join(s.get("run", "") for s in a["runs"]["steps"])
for script in ("action/install.sh", "action/lint.sh"):
    assert script in runs, script
used = set(re.findall(r"inputs\.([a-z-]+)", open(sys.argv[1]).read()))
assert used <= set(a["inputs"]), used - set(a["inputs"])
PY
echo "action scripts: ok"
