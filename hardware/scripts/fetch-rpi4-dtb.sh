#!/bin/bash
# Prints the path of the Raspberry Pi 4 Model B device tree (bcm2711-rpi-4-b.dtb) as Debian
# ships it, fetching it once into a cache. Debian's arm64 kernel package carries it
# (linux-image-*-arm64: /usr/lib/linux-image-*/broadcom/); raspi-firmware, in non-free-firmware,
# carries only the boot blobs. The host is amd64, so apt runs with its own arm64 state in the
# cache and leaves the system's apt configuration alone. Also installs device-tree-compiler
# (dtc, fdtoverlay). Fails loudly, never silently.
#   fetch-rpi4-dtb.sh            -> /root/.cache/antiphon-hardware/bcm2711-rpi-4-b.dtb
set -Eeuo pipefail
trap 'echo "fetch-rpi4-dtb: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
CACHE=${ANTIPHON_HW_CACHE:-$HOME/.cache/antiphon-hardware}
DTB=$CACHE/bcm2711-rpi-4-b.dtb
die() { echo "fetch-rpi4-dtb: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-rpi4-dtb: $*" >&2; }

if ! command -v dtc >/dev/null || ! command -v fdtoverlay >/dev/null; then
  [ "$(id -u)" = 0 ] || die "dtc/fdtoverlay missing: install Debian's device-tree-compiler (needs root)"
  log "installing device-tree-compiler"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends device-tree-compiler; } \
    > "${TMPDIR:-/tmp}/fetch-rpi4-dtb-apt.log" 2>&1 || { tail -20 "${TMPDIR:-/tmp}/fetch-rpi4-dtb-apt.log" >&2; die "apt-get install device-tree-compiler failed"; }
fi

if [ -s "$DTB" ]; then echo "$DTB"; exit 0; fi
mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/deb"
: > "$CACHE/apt/status"
# The system's sources (same mirror and suite), read for arm64 into our own lists.
APT=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State="$CACHE/apt" -o Dir::State::Lists="$CACHE/apt/lists"
  -o Dir::State::status="$CACHE/apt/status" -o Dir::Cache="$CACHE/apt" -o Dir::Cache::archives="$CACHE/apt/archives"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
log "reading Debian's arm64 package index (once)"
apt-get "${APT[@]}" update -qq > "$CACHE/apt-update.log" 2>&1 || { tail -20 "$CACHE/apt-update.log" >&2; die "apt-get update for arm64 failed"; }
# The meta-package names the current kernel ABI.
KPKG=$(apt-cache "${APT[@]}" depends linux-image-arm64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-arm64\)$/\1/p' | head -1)
[ -n "$KPKG" ] || die "cannot resolve linux-image-arm64 to a kernel package in the arm64 index"
log "downloading $KPKG (arm64) for its device trees"
(cd "$CACHE/deb" && apt-get "${APT[@]}" download -qq "$KPKG:arm64") || die "cannot download $KPKG:arm64"
DEB=$(ls "$CACHE"/deb/"$KPKG"_*_arm64.deb | head -1)
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$CACHE/deb" --wildcards '*/broadcom/bcm2711-rpi-4-b.dtb' \
  || die "$KPKG has no broadcom/bcm2711-rpi-4-b.dtb"
cp "$(find "$CACHE/deb" -name bcm2711-rpi-4-b.dtb | head -1)" "$DTB"
echo "$KPKG" > "$CACHE/bcm2711-rpi-4-b.source"
rm -f "$DEB"   # ~70 MB; the .dtb is all we keep
echo "$DTB"
