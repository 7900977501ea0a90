#!/usr/bin/env bash
# Builds kustomize from the Go module proxy for the deploy tests (test/deploy/manifests.test.ts
# runs `kustomize build manifests`), so a clean CI machine needs no kubectl. Cached in
# .cache/test-tools/kustomize (ignored by git) and rebuilt only when the pinned version changes.
# KUSTOMIZE names another binary: used as it is when it exists, built there otherwise.
# Prints the binary's path on its last line.
set -euo pipefail

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-5.8.2}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
default="$root/.cache/test-tools/kustomize"
bin="${KUSTOMIZE:-$default}"
work="${TEST_TOOLS_BUILD_DIR:-$root/.cache/test-tools-build}"

if [ -x "$bin" ]; then
  # A binary the caller chose is theirs to keep; the cached one must be the pinned version.
  if [ "$bin" != "$default" ] || [ "$("$bin" version 2>/dev/null)" = "v$KUSTOMIZE_VERSION" ]; then
    echo "$bin"
    exit 0
  fi
fi
command -v go >/dev/null || { echo "build-kustomize.sh: Go is needed to build kustomize (https://go.dev/dl)" >&2; exit 2; }
echo "build-kustomize.sh: building kustomize v$KUSTOMIZE_VERSION (about 1-2 minutes the first time)" >&2
mkdir -p "$(dirname "$bin")" "$work"
gobin="$(mktemp -d "$work/gobin.XXXXXX")"
trap 'rm -rf "$gobin"' EXIT
log="$work/kustomize.log"
# Go lists every module it downloads; keep that in a log and show it only when the build fails.
if ! (cd "$work" && GOBIN="$gobin" CGO_ENABLED=0 go install "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION") >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "build-kustomize.sh: go install sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION failed" >&2
  exit 1
fi
# Moved into place in one step, so an interrupted build never leaves a broken cached binary.
mv -f "$gobin/kustomize" "$bin"
echo "$bin"
