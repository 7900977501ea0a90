#!/usr/bin/env bash
# Copies the prometheus-operator CRDs (ServiceMonitor, PrometheusRule, ...) out of the operator's Go
# module, as served by the Go module proxy, into .cache/test-tools/prometheus-operator-crds/ (ignored
# by git), for the chart's server-side dry run. Not a build: seconds, once. Newer tags of the root
# module are not served by the proxy, hence v0.85.0. PROMETHEUS_OPERATOR_CRDS names another folder
# of CRD files: used as it is when it exists. Prints the folder on its last line.
set -euo pipefail
PROMETHEUS_OPERATOR_VERSION="${PROMETHEUS_OPERATOR_VERSION:-0.85.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${PROMETHEUS_OPERATOR_CRDS:-}" ] && [ -d "$PROMETHEUS_OPERATOR_CRDS" ]; then echo "$PROMETHEUS_OPERATOR_CRDS"; exit 0; fi
dest="${PROMETHEUS_OPERATOR_CRDS:-$root/.cache/test-tools/prometheus-operator-crds}"
module="github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION"
if [ -d "$dest" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$module" ]; then echo "$dest"; exit 0; fi
command -v go >/dev/null || { echo "fetch-prometheus-operator-crds.sh: Go is needed to download $module (https://go.dev/dl)" >&2; exit 2; }
work="${TEST_TOOLS_BUILD_DIR:-$root/.cache/test-tools-build}"
mkdir -p "$work"
# `go mod download` needs no module of its own when given module@version; run it outside the repo.
dir=$(cd "$work" && go mod download -json "$module" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
src="$dir/example/prometheus-operator-crd"
[ -d "$src" ] || { echo "fetch-prometheus-operator-crds.sh: no example/prometheus-operator-crd in $module" >&2; exit 1; }
tmp="$(mktemp -d "$work/crds.XXXXXX")"
cp "$src"/*.yaml "$tmp/"
chmod -R u+w,go+rX "$tmp"  # the module cache is read-only
echo "$module" >"$tmp/.version"
rm -rf "$dest" && mkdir -p "$(dirname "$dest")" && mv "$tmp" "$dest"
echo "$dest"
