#!/usr/bin/env bash
# Builds Alertmanager and amtool from the Go module proxy for the webhook receiver tests
# (test/support/alertmanager/ starts a real Alertmanager on loopback whose webhook receiver is the
# bot). `go install` cannot build it: ui/web.go embeds ui/app/dist, which the module zip lacks. So
# the module's source is copied to a writable folder, given a placeholder ui/app/dist/index.html
# (the tests use the HTTP API only) and built there. Cached in .cache/test-tools/alertmanager and
# .cache/test-tools/amtool (ignored by git), rebuilt only when the pinned version changes.
# ALERTMANAGER_BIN / AMTOOL_BIN name other binaries: used as they are when both exist.
# Prints the alertmanager path, then the amtool path on the last line.
set -euo pipefail
ALERTMANAGER_VERSION="${ALERTMANAGER_VERSION:-0.35.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${ALERTMANAGER_BIN:-}" ] && [ -x "$ALERTMANAGER_BIN" ] && [ -n "${AMTOOL_BIN:-}" ] && [ -x "$AMTOOL_BIN" ]; then
  echo "$ALERTMANAGER_BIN"
  echo "$AMTOOL_BIN"
  exit 0
fi
am="${ALERTMANAGER_BIN:-$root/.cache/test-tools/alertmanager}"
amtool="${AMTOOL_BIN:-$root/.cache/test-tools/amtool}"
module="github.com/prometheus/alertmanager@v$ALERTMANAGER_VERSION"
if [ -x "$am" ] && [ -x "$amtool" ] && [ "$(cat "$am.version" 2>/dev/null)" = "$module" ] \
  && [ "$(cat "$amtool.version" 2>/dev/null)" = "$module" ]; then
  echo "$am"
  echo "$amtool"
  exit 0
fi
command -v go >/dev/null || { echo "build-alertmanager.sh: Go is needed to build $module (https://go.dev/dl)" >&2; exit 2; }
work="${TEST_TOOLS_BUILD_DIR:-$root/.cache/test-tools-build}"
mkdir -p "$work" "$(dirname "$am")" "$(dirname "$amtool")"
log="$work/alertmanager.log"
: >"$log"
echo "build-alertmanager.sh: building alertmanager and amtool ($module; about a minute the first time)" >&2
start=$SECONDS
# `go mod download` needs no module of its own when given module@version; run it outside the repo.
dir=$(cd "$work" && go mod download -json "$module" 2>>"$log" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$dir" ] && [ -d "$dir" ] || { tail -n 20 "$log" >&2; echo "build-alertmanager.sh: cannot download $module" >&2; exit 1; }
src="$(mktemp -d "$work/alertmanager-src.XXXXXX")"
trap 'rm -rf "$src"' EXIT
cp -R "$dir/." "$src/"
chmod -R u+w "$src"  # the module cache is read-only
# The web UI is not needed; the embed directive only needs the folder to hold a file.
mkdir -p "$src/ui/app/dist"
echo '<!doctype html><title>Alertmanager</title>' >"$src/ui/app/dist/index.html"
if ! (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$src/bin/" ./cmd/alertmanager ./cmd/amtool) >>"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "build-alertmanager.sh: go build of $module failed" >&2
  exit 1
fi
# Moved into place in one step each, so an interrupted build never leaves a broken cached binary.
mv -f "$src/bin/alertmanager" "$am" && echo "$module" >"$am.version"
mv -f "$src/bin/amtool" "$amtool" && echo "$module" >"$amtool.version"
echo "build-alertmanager.sh: built $module in $((SECONDS - start)) s" >&2
echo "$am"
echo "$amtool"
