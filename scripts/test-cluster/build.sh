#!/usr/bin/env bash
# Builds kube-apiserver and etcd for the test cluster from the Go module proxy into a cache
# folder (default .cache/kubebuilder-assets, ignored by git). Does nothing when both exist.
# Prints the folder to use as KUBEBUILDER_ASSETS on its last line.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${KUBEBUILDER_ASSETS:-$root/.cache/kubebuilder-assets}"
work="${TEST_CLUSTER_BUILD_DIR:-$root/.cache/test-cluster-build}"

if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is needed to build kube-apiserver and etcd (https://go.dev/dl)" >&2; exit 2; }
mkdir -p "$out" "$work"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
log="$work/build.log"
: >"$log"
# Go lists every module it adds; keep that in a log and show it only when a step fails.
quiet() {
  "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "build.sh: failed: $*" >&2; exit 1; }
}

if [ ! -x "$out/kube-apiserver" ]; then
  echo "build.sh: building kube-apiserver v$K8S_VERSION (a cold build takes several minutes)" >&2
  rm -rf "$work/apiserver" && mkdir -p "$work/apiserver" && cd "$work/apiserver"
  quiet go mod init local.test/kube-apiserver-build
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" 2>>"$log" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -n "$gomod" ] || { tail -n 20 "$log" >&2; echo "build.sh: cannot download k8s.io/kubernetes@v$K8S_VERSION" >&2; exit 1; }
  staging="v0.${K8S_VERSION#1.}"
  # k8s.io/kubernetes requires its staging modules at v0.0.0; point each at its published tag.
  for m in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*|\1|p' "$gomod"); do
    go mod edit -replace="$m=$m@$staging"
  done
  quiet go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION"
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  quiet go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
fi

if [ ! -x "$out/etcd" ]; then
  echo "build.sh: building etcd v$ETCD_VERSION" >&2
  rm -rf "$work/etcd" && mkdir -p "$work/etcd" && cd "$work/etcd"
  quiet go mod init local.test/etcd-build
  quiet go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  quiet go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
fi
echo "$out"
