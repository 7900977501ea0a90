#!/usr/bin/env bash
# Builds promtool (Prometheus 3.x: module versions v0.3xx.y) from the Go module proxy for the alert
# rule tests (`promtool check rules`, `promtool test rules`). Cached in .cache/test-tools/promtool
# (ignored by git), rebuilt only when the pinned version changes. PROMTOOL names another binary:
# used as it is when it exists. Prints the path last.
set -euo pipefail
PROMETHEUS_MODULE_VERSION="${PROMETHEUS_MODULE_VERSION:-0.316.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${PROMTOOL:-}" ] && [ -x "$PROMTOOL" ]; then echo "$PROMTOOL"; exit 0; fi
dest="${PROMTOOL:-$root/.cache/test-tools/promtool}"
[ -x "$dest" ] || echo "build-promtool.sh: building promtool (module v$PROMETHEUS_MODULE_VERSION; a few minutes the first time)" >&2
exec bash "$root/scripts/test-tools/go-install-tool.sh" build-promtool.sh "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_MODULE_VERSION" "$dest"
