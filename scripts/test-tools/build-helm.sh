#!/usr/bin/env bash
# Builds helm v3 from the Go module proxy for the chart tests (test/deploy/helm-*.test.ts run
# `helm lint`, `helm template` and `helm install --dry-run=server`). Cached in
# .cache/test-tools/helm (ignored by git), rebuilt only when the pinned version changes; about a
# minute cold. HELM names another binary: used as it is when it exists. Prints the path last.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-3.22.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${HELM:-}" ] && [ -x "$HELM" ]; then echo "$HELM"; exit 0; fi
dest="${HELM:-$root/.cache/test-tools/helm}"
module="helm.sh/helm/v3@v$HELM_VERSION"
command -v go >/dev/null || { echo "build-helm.sh: Go is needed to build helm (https://go.dev/dl)" >&2; exit 2; }
# What helm's Makefile stamps in: its version, and the Kubernetes version `helm template` and
# `helm lint` assume without a cluster (1.<client-go minor>; 1.20 otherwise, which fails any chart
# with a newer kubeVersion).
gomod=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$module" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
minor=$(sed -n 's|^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*|\1|p' "$gomod")
[ -n "$minor" ] || { echo "build-helm.sh: no k8s.io/client-go version in $module's go.mod" >&2; exit 1; }
ldflags="-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
for pkg in pkg/chartutil pkg/lint/rules; do
  ldflags="$ldflags -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$minor"
done
exec bash "$root/scripts/test-tools/go-install-tool.sh" build-helm.sh "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" "$dest" "$ldflags"
