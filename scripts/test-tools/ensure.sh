#!/usr/bin/env bash
# Runs before `npm test` (after the test cluster's ensure.sh): makes sure kustomize, which the
# deploy tests run, exists. Builds it from the Go module proxy when Go is installed (once, about
# 1-2 minutes); otherwise explains how to get it. Without it the kustomize build test is skipped
# locally and fails under CI (any non-empty CI).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${KUSTOMIZE:-$root/.cache/test-tools/kustomize}"
if [ -x "$bin" ] && [ -n "${KUSTOMIZE:-}" ]; then exit 0; fi
if command -v go >/dev/null; then
  # Also rebuilds a cached binary of an older pinned version.
  bash "$root/scripts/test-tools/build-kustomize.sh" >/dev/null
  exit 0
fi
if [ -x "$bin" ]; then exit 0; fi
echo "test tools: no kustomize at $bin and no Go to build it." >&2
echo "  Install Go (https://go.dev/dl) and run: npm run test-tools:build" >&2
echo "  or set KUSTOMIZE to a kustomize binary." >&2
if [ -n "${CI:-}" ]; then exit 1; fi
echo "  The kustomize build test will be skipped." >&2
