#!/usr/bin/env bash
# Lints INGRESSKIT_PATHS with INGRESSKIT_ARGS twice, for two outputs:
# GitHub annotations on stdout (the workflow log turns them into
# pull request annotations) and SARIF in ingresskit.sarif for code scanning.
# The step fails with lint's exit code: 1 for findings, 2 for bad input.
set -uo pipefail
read -r -a paths <<<"${INGRESSKIT_PATHS:-.}"
read -r -a args <<<"${INGRESSKIT_ARGS:-}"
ingresskit lint "${paths[@]}" "${args[@]}" -o sarif >ingresskit.sarif
sarif=$?
ingresskit lint "${paths[@]}" "${args[@]}" -o github
code=$?
if [ "$sarif" -ge 2 ] && [ "$code" -lt 2 ]; then code=$sarif; fi
exit "$code"
