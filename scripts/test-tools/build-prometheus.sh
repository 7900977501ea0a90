#!/usr/bin/env bash
# Builds the Prometheus server (3.x: module versions v0.3xx.y) from the Go module proxy for the
# signal tests (test/support/prometheus/ starts it on loopback scraping an in-repo exporter, or on a
# TSDB backfilled with promtool). Cached in .cache/test-tools/prometheus (ignored by git), rebuilt
# only when the pinned version changes; about 4-6 minutes and ~1.5 GB of memory cold on 2 cores,
# nothing when cached. The web UI's assets are not embedded (the tests use the HTTP API only).
# PROMETHEUS_BIN names another binary: used as it is when it exists. Prints the path last.
set -euo pipefail
PROMETHEUS_MODULE_VERSION="${PROMETHEUS_MODULE_VERSION:-0.316.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${PROMETHEUS_BIN:-}" ] && [ -x "$PROMETHEUS_BIN" ]; then echo "$PROMETHEUS_BIN"; exit 0; fi
dest="${PROMETHEUS_BIN:-$root/.cache/test-tools/prometheus}"
[ -x "$dest" ] || echo "build-prometheus.sh: building prometheus (module v$PROMETHEUS_MODULE_VERSION; a few minutes the first time)" >&2
exec bash "$root/scripts/test-tools/go-install-tool.sh" build-prometheus.sh "github.com/prometheus/prometheus/cmd/prometheus@v$PROMETHEUS_MODULE_VERSION" "$dest"
