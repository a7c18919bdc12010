#!/bin/bash
# `npm run test:image`: builds the amd64 .deb, runs deb-lifecycle.sh on it (lintian, install,
# upgrade, purge), then image-vm.sh (builds the qemu-amd64 image with that .deb and boots the
# real box in it: READY, SCHED_FIFO, call/answer, watchdog, read-only root, security, SSH,
# power cuts, clean shutdown), then builds the pi4 image and boots its arm64 root under
# qemu-system-aarch64 to READY (image-arm64-vm.sh). Needs root; downloads are cached. Prints
# each stage's time and the total.
# IMAGE_TEST_ARM64=0 leaves the pi4 stages out: `npm run test:image:ci` (in `npm test`) does,
# as the pi4 build runs every arm64 maintainer script under qemu-user (~16 minutes here).
# systemd-vm.sh (the .deb on a plain trixie root with the stand-in service) is not run here:
# the image boot checks READY, STATUS, SCHED_FIFO, the SIGSTOP watchdog restart and a clean
# stop with the real box. What only it checks (postinst starting the unit under systemd, a hung
# stand-in worker named in the log, purge on a booted system) is worth ~10 minutes of TCG only
# when the package's maintainer scripts or the watchdog change: run it by hand then.
set -Eeuo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T0=$SECONDS
stage() { local name=$1 t0=$SECONDS; shift; "$@"; echo "os-image: $name $((SECONDS - t0)) s" >&2; }
mkdir -p "$REPO/os-image/build"
BUILD_LOG=$REPO/os-image/build/package-deb.log
build() { bash "$REPO/os-image/deb/build-deb.sh" --arch amd64 > "$BUILD_LOG" 2>&1 || { tail -30 "$BUILD_LOG" >&2; return 1; }; }
stage build-deb build
DEB=$(tail -1 "$BUILD_LOG")
stage deb-lifecycle bash "$HERE/deb-lifecycle.sh" "$DEB"
stage image-vm bash "$HERE/image-vm.sh" --deb "$DEB"
if [ "${IMAGE_TEST_ARM64:-1}" != 0 ]; then
  PI4_LOG=$REPO/os-image/build/image-pi4.log
  pi4() { bash "$REPO/os-image/image/build-image.sh" --board pi4 > "$PI4_LOG" 2>&1 || { tail -30 "$PI4_LOG" >&2; return 1; }; }
  stage image-pi4 pi4
  stage image-arm64-vm bash "$HERE/image-arm64-vm.sh" "$(tail -1 "$PI4_LOG")"
fi
echo "os-image: test:image passed in $((SECONDS - T0)) s" >&2
