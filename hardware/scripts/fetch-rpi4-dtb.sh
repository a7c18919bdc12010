#!/bin/bash
# Prints the path of the Raspberry Pi 4 Model B device tree (bcm2711-rpi-4-b.dtb) as Debian
# ships it, fetching it once into a cache. Debian's arm64 kernel package carries it
# (linux-image-*-arm64: /usr/lib/linux-image-*/broadcom/); raspi-firmware, in non-free-firmware,
# carries only the boot blobs. The host is amd64, so apt runs with its own arm64 state in the
# cache and leaves the system's apt configuration alone. Also installs device-tree-compiler
# (dtc, fdtoverlay). Fails loudly, never silently.
# The cache lives beside the hw-sim VM's kernel (one root to keep or clear: the amd64 kernel
# there carries no device trees, so the arm64 package is fetched once, ~70 MB, and only its
# .dtb is kept). A cached .dtb is checked before use; a stale or partial one fails loudly.
#   fetch-rpi4-dtb.sh            -> ${HWSIM_CACHE_ROOT:-$HOME/.cache/antiphon-hwsim}/rpi4-dtb/bcm2711-rpi-4-b.dtb
set -Eeuo pipefail
trap 'echo "fetch-rpi4-dtb: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
ROOT=${HWSIM_CACHE_ROOT:-$HOME/.cache/antiphon-hwsim}
CACHE=${ANTIPHON_HW_CACHE:-$ROOT/rpi4-dtb}
DTB=$CACHE/bcm2711-rpi-4-b.dtb
SOURCE=$CACHE/bcm2711-rpi-4-b.source
die() { echo "fetch-rpi4-dtb: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-rpi4-dtb: $*" >&2; }

# Before the cache moved beside hw-sim's it was here: move it rather than download again.
OLD=$HOME/.cache/antiphon-hardware
if [ -z "${ANTIPHON_HW_CACHE:-}" ] && [ ! -e "$CACHE" ] && [ -s "$OLD/bcm2711-rpi-4-b.dtb" ]; then
  mkdir -p "$ROOT" && mv "$OLD" "$CACHE" && log "moved the cache from $OLD to $CACHE"
fi

# A cached .dtb must say where it came from and be the Pi 4's device tree, whole.
check_cached() {
  local stale="delete $CACHE and run again to fetch it afresh"
  [ -s "$SOURCE" ] || die "$DTB is cached without $SOURCE (a stale or partial cache): $stale"
  [ "$(head -c 4 "$DTB" | od -An -tx1 | tr -d ' \n')" = d00dfeed ] \
    || die "$DTB (from $(cat "$SOURCE")) is not a device tree blob: $stale"
  dtc -I dtb -O dts -o /dev/null "$DTB" 2>/dev/null || die "$DTB (from $(cat "$SOURCE")) does not parse: $stale"
  fdtget "$DTB" / compatible | grep -qw 'raspberrypi,4-model-b' \
    || die "$DTB (from $(cat "$SOURCE")) is not the Raspberry Pi 4 Model B's: $stale"
}

if ! command -v dtc >/dev/null || ! command -v fdtoverlay >/dev/null; then
  [ "$(id -u)" = 0 ] || die "dtc/fdtoverlay missing: install Debian's device-tree-compiler (needs root)"
  log "installing device-tree-compiler"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends device-tree-compiler; } \
    > "${TMPDIR:-/tmp}/fetch-rpi4-dtb-apt.log" 2>&1 || { tail -20 "${TMPDIR:-/tmp}/fetch-rpi4-dtb-apt.log" >&2; die "apt-get install device-tree-compiler failed"; }
fi

if [ -e "$DTB" ]; then check_cached; echo "$DTB"; exit 0; fi
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
KVERSION=$(dpkg-deb -f "$DEB" Version)
# The record first, the .dtb last and whole: an interrupted fetch leaves no .dtb to trust.
echo "$KPKG $KVERSION" > "$SOURCE"
cp "$(find "$CACHE/deb" -name bcm2711-rpi-4-b.dtb | head -1)" "$DTB.partial"
mv "$DTB.partial" "$DTB"
rm -rf "$DEB" "$CACHE/deb"/*/   # ~70 MB; the .dtb is all we keep
check_cached
echo "$DTB"
