#!/bin/bash
# Builds Antiphon's boot-to-play disk image from Debian trixie packages and our .deb.
#
#   npm run image -- --board qemu-amd64|pi4 [--deb FILE] [--out DIR] [--check-reproducible]
#
# Prints progress on stderr and, as the LAST line of stdout, the image's path. Writes into
# --out (default os-image/build/image/): antiphon-<board>.img (raw MBR disk: p1 FAT32
# ANTIPHON at /boot/firmware, p2 ext4 antiphon-root mounted / read-only, p3 ext4
# antiphon-data at /var/lib/antiphon, grown on first boot), .manifest, .sha256, .build.txt,
# and for qemu-amd64 the .vmlinuz, .initrd.img and .cmdline that QEMU's direct boot takes.
# Board differences live in boards/<board>.sh; the recipe is the same for both.
#   --deb FILE   the antiphon .deb (default: build-deb.sh's, rebuilt when older than its sources)
#   --check-reproducible   build the root twice from the same cached .debs and compare
#   SOURCE_DATE_EPOCH      default: the last commit's time; fixes UUIDs, disk id, mtimes
#   ANTIPHON_OS_CACHE      download cache (default ~/.cache/antiphon-os; never under /tmp)
#   ANTIPHON_OS_MIRROR     Debian mirror (default http://deb.debian.org/debian)
set -Eeuo pipefail
trap 'echo "image: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of build-image.sh" >&2' ERR
die() { echo "image: ERROR: $*" >&2; exit 1; }
log() { echo "image: $*" >&2; }

IMAGE_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$IMAGE_DIR/../.." && pwd)
BOARD="" DEB="" OUT=$REPO/os-image/build/image CHECK=0
while [ $# -gt 0 ]; do
  case $1 in
    --board) BOARD=${2:?--board needs a value}; shift 2;;
    --board=*) BOARD=${1#--board=}; shift;;
    --deb) DEB=${2:?--deb needs a file}; shift 2;;
    --deb=*) DEB=${1#--deb=}; shift;;
    --out) OUT=${2:?--out needs a directory}; shift 2;;
    --out=*) OUT=${1#--out=}; shift;;
    --check-reproducible) CHECK=1; shift;;
    *) die "unknown option '$1' (see the top of os-image/image/build-image.sh)";;
  esac
done
[ -n "$BOARD" ] || die "--board is required: qemu-amd64 or pi4"
[ -f "$IMAGE_DIR/boards/$BOARD.sh" ] || die "--board '$BOARD' is not one of: $(cd "$IMAGE_DIR/boards" && ls | sed 's/\.sh$//' | tr '\n' ' ')"
[ "$(id -u)" = 0 ] || die "the image build runs as root (mmdebstrap's root mode, chroot, mkfs)"
# shellcheck source=boards/qemu-amd64.sh
. "$IMAGE_DIR/boards/$BOARD.sh"
. "$IMAGE_DIR/lib/tools.sh"
. "$IMAGE_DIR/lib/rootfs.sh"
. "$IMAGE_DIR/lib/disk.sh"
. "$IMAGE_DIR/lib/reproducible.sh"

CACHE=${ANTIPHON_OS_CACHE:-$HOME/.cache/antiphon-os}
case "$CACHE" in /tmp/*|/run/*) die "ANTIPHON_OS_CACHE=$CACHE is under /tmp or /run; the download cache must persist";; esac
MIRROR=${ANTIPHON_OS_MIRROR:-http://deb.debian.org/debian}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct)}
case $SOURCE_DATE_EPOCH in ''|*[!0-9]*) die "SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' is not a number of seconds";; esac
export IMAGE_DIR
T0=$(date +%s)
# The checkout as the build starts (a long build may see later commits land before it ends).
GIT_COMMIT=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no -- src os-image models 2>/dev/null)" ] || GIT_COMMIT+="+changes"

ensure_host_tools "$BOARD_ARCH"
[ -n "$DEB" ] || DEB=$(ensure_deb "$BOARD_ARCH")
DEB=$(readlink -f "$DEB")
[ -f "$DEB" ] || die "--deb $DEB: no such file"
[ "$(dpkg-deb -f "$DEB" Architecture)" = "$BOARD_ARCH" ] || die "--deb $DEB is for $(dpkg-deb -f "$DEB" Architecture), board $BOARD needs $BOARD_ARCH"

WORK=$REPO/os-image/build/image-work/$BOARD
mkdir -p "$WORK" "$OUT"
OUT=$(readlink -f "$OUT")

if [ "$CHECK" = 1 ]; then
  # The report's path is the last line; the exit status says whether the roots matched.
  if check_reproducible "$WORK" "$DEB"; then exit 0; else exit 3; fi
fi

build_root "$WORK/root" "$DEB"
PREFIX=$OUT/antiphon-$BOARD
stage_boot "$WORK/root" "$WORK/boot" "$PREFIX"
IMG=$PREFIX.img
assemble_disk "$WORK" "$IMG"
write_outputs "$WORK/root" "$PREFIX" "$T0"
echo "$IMG"
