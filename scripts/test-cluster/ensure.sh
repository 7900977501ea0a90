#!/usr/bin/env bash
# Runs before `npm test`: makes sure the test cluster binaries exist. Builds them from the Go
# module proxy when Go is installed (once, about 4-5 minutes); otherwise explains how to get them.
# Without binaries the Kubernetes tests are skipped locally and fail under CI (any non-empty value).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
assets="${KUBEBUILDER_ASSETS:-$root/.cache/kubebuilder-assets}"
if [ -x "$assets/kube-apiserver" ] && [ -x "$assets/etcd" ]; then
  exit 0
fi
if command -v go >/dev/null; then
  echo "test cluster: building kube-apiserver and etcd into $assets (first run only, a few minutes)..." >&2
  bash "$root/scripts/test-cluster/build.sh" >/dev/null
  exit 0
fi
echo "test cluster: no kube-apiserver/etcd in $assets and no Go to build them." >&2
echo "  Install Go (https://go.dev/dl) and run: npm run test-cluster:build" >&2
echo "  or point KUBEBUILDER_ASSETS at envtest binaries (setup-envtest use -p path)." >&2
if [ -n "${CI:-}" ]; then exit 1; fi
echo "  Kubernetes tests will be skipped." >&2
