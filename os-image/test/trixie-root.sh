#!/bin/bash
# Builds (once) and prints the path of a small Debian trixie root for the package and
# service tests: dpkg/apt for installing the .deb, systemd and udev to boot it under QEMU,
# Debian's nodejs, and lintian. Cached outside the repo, never under /tmp:
#   ${ANTIPHON_OS_CACHE:-$HOME/.cache/antiphon-os}/trixie-<arch>/   (a pristine root)
# Tests copy or overlay it; nothing here writes into it after it is built.
#   trixie-root.sh [ARCH]     ARCH defaults to the host's (dpkg --print-architecture)
set -Eeuo pipefail
trap 'echo "os-test: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of trixie-root.sh" >&2' ERR
die() { echo "os-test: ERROR: $*" >&2; exit 1; }
log() { echo "os-test: $*" >&2; }

ARCH=${1:-$(dpkg --print-architecture)}
CACHE=${ANTIPHON_OS_CACHE:-$HOME/.cache/antiphon-os}
MIRROR=${ANTIPHON_OS_MIRROR:-http://deb.debian.org/debian}
case "$CACHE" in /tmp/*|/run/*) die "ANTIPHON_OS_CACHE=$CACHE is under /tmp or /run (the VM test hides those)";; esac
ROOT=$CACHE/trixie-$ARCH
PACKAGES=systemd,systemd-sysv,udev,dbus,nodejs,adduser,libasound2t64,libudev1,procps,lintian,binutils
# The recipe is part of the cache key: a changed package list builds a new root.
KEY=$(printf '%s\n' "$ARCH" "$MIRROR" "$PACKAGES" | sha256sum | cut -c1-16)

if [ -f "$ROOT/.ok" ] && [ "$(cat "$ROOT/.ok")" = "$KEY" ]; then echo "$ROOT"; exit 0; fi

need=()
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
[ ${#need[@]} = 0 ] || {
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${need[*]} (run as root)"
  apt-get update -qq || log "warning: apt-get update reported errors; continuing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >&2 \
    || die "apt-get install ${need[*]} failed"
}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-trixie-$ARCH"; flock 9
if [ -f "$ROOT/.ok" ] && [ "$(cat "$ROOT/.ok")" = "$KEY" ]; then echo "$ROOT"; exit 0; fi
log "building a trixie $ARCH root in $ROOT (one time; a few minutes)"
rm -rf "$ROOT" "$ROOT.new"
mmdebstrap --quiet --variant=apt --architectures="$ARCH" --include="$PACKAGES" \
  '--aptopt=Acquire::Languages "none"' '--dpkgopt=path-exclude=/usr/share/man/*' \
  '--dpkgopt=path-exclude=/usr/share/locale/*' \
  trixie "$ROOT.new" "$MIRROR" >&2 || die "mmdebstrap of trixie $ARCH failed"
echo "$KEY" > "$ROOT.new/.ok"
mv "$ROOT.new" "$ROOT"
echo "$ROOT"
