#!/usr/bin/env bash
# Shared by the build-*.sh scripts of the deploy tests' tools: `go install`s one command from the Go
# module proxy into a cache path, once, and prints the binary's path on its last line.
#   go-install-tool.sh NAME PACKAGE@VERSION DEST [LDFLAGS]
# DEST is rebuilt only when it is missing or was built from another PACKAGE@VERSION or LDFLAGS
# (kept next to it in DEST.version). Go's output goes to a log shown only when the build fails; the binary is
# moved into place in one step, so an interrupted build never leaves a broken cached binary.
set -euo pipefail
name="$1" pkg="$2" dest="$3" ldflags="${4:-}"
stamp="$pkg${ldflags:+ $ldflags}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${TEST_TOOLS_BUILD_DIR:-$root/.cache/test-tools-build}"

if [ -x "$dest" ] && [ "$(cat "$dest.version" 2>/dev/null)" = "$stamp" ]; then
  echo "$dest"
  exit 0
fi
command -v go >/dev/null || { echo "$name: Go is needed to build $pkg (https://go.dev/dl)" >&2; exit 2; }
mkdir -p "$(dirname "$dest")" "$work"
gobin="$(mktemp -d "$work/gobin.XXXXXX")"
trap 'rm -rf "$gobin"' EXIT
log="$work/$(basename "$dest").log"
echo "$name: building $pkg into $dest (once; cached afterwards)" >&2
start=$SECONDS
if ! (cd "$work" && GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w $ldflags" "$pkg") >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "$name: go install $pkg failed" >&2
  exit 1
fi
built="$gobin/$(basename "${pkg%@*}")"
mv -f "$built" "$dest"
echo "$stamp" >"$dest.version"
echo "$name: built $pkg in $((SECONDS - start)) s" >&2
echo "$dest"
