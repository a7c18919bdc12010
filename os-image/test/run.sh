#!/bin/bash
# The package and service suite: builds the amd64 .deb, then runs deb-lifecycle.sh and
# systemd-vm.sh on it. Needs root; minutes on a first run (mmdebstrap, hw-sim's kernel), then
# cached. Meant for `npm test`/CI next to test:hwsim. Prints each stage's time.
set -Eeuo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
stage() { local name=$1 t0=$SECONDS; shift; "$@"; echo "os-image: $name $((SECONDS - t0)) s" >&2; }
mkdir -p "$REPO/os-image/build"
BUILD_LOG=$REPO/os-image/build/package-deb.log
build() { bash "$REPO/os-image/deb/build-deb.sh" --arch amd64 > "$BUILD_LOG" 2>&1 || { tail -30 "$BUILD_LOG" >&2; return 1; }; }
stage build build
DEB=$(tail -1 "$BUILD_LOG")
stage deb-lifecycle bash "$HERE/deb-lifecycle.sh" "$DEB"
stage systemd-vm bash "$HERE/systemd-vm.sh" "$DEB"
