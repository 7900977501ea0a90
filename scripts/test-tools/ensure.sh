#!/usr/bin/env bash
# Runs before `npm test` (after the test cluster's ensure.sh): makes sure the deploy tests' tools
# exist: kustomize, helm and promtool, and the prometheus-operator CRD files. Builds or fetches
# what is missing from the Go module proxy when Go is installed (once; see each build script for
# its time); otherwise explains how to get them. Without them the tests that need them are skipped
# locally and fail under CI (any non-empty CI).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.cache/test-tools"
# name | variable naming another one | cached path | script that builds or fetches it
tools=(
  "kustomize|KUSTOMIZE|$cache/kustomize|build-kustomize.sh"
  "helm|HELM|$cache/helm|build-helm.sh"
  "promtool|PROMTOOL|$cache/promtool|build-promtool.sh"
  "prometheus|PROMETHEUS_BIN|$cache/prometheus|build-prometheus.sh"
  "alertmanager|ALERTMANAGER_BIN|$cache/alertmanager|build-alertmanager.sh"
  "amtool|AMTOOL_BIN|$cache/amtool|build-alertmanager.sh"
  "prometheus-operator CRDs|PROMETHEUS_OPERATOR_CRDS|$cache/prometheus-operator-crds|fetch-prometheus-operator-crds.sh"
)
missing=()
for tool in "${tools[@]}"; do
  IFS='|' read -r name var cached script <<<"$tool"
  chosen="${!var:-}"
  if [ -n "$chosen" ] && [ -e "$chosen" ]; then continue; fi
  if command -v go >/dev/null; then
    # Also rebuilds a cached tool of an older pinned version.
    bash "$root/scripts/test-tools/$script" >/dev/null
    continue
  fi
  [ -e "${chosen:-$cached}" ] || missing+=("$name|$var|${chosen:-$cached}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
for m in "${missing[@]}"; do
  IFS='|' read -r name var path <<<"$m"
  echo "test tools: no $name at $path and no Go to build it (or set $var)." >&2
done
echo "  Install Go (https://go.dev/dl) and run: npm run test-tools:build" >&2
if [ -n "${CI:-}" ]; then exit 1; fi
echo "  The tests that need them will be skipped." >&2
