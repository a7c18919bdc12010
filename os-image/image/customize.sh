#!/bin/bash
# mmdebstrap customize hook: turns the installed trixie root into the appliance. Runs on the
# build machine as root with the root at $1 (its /proc, /sys, /dev mounted by mmdebstrap).
#   customize.sh ROOT   (env: SOURCE_DATE_EPOCH, IMAGE_DIR)
set -Eeuo pipefail
trap 'echo "image: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of customize.sh" >&2' ERR
ROOT=${1:?usage: customize.sh ROOT}
: "${SOURCE_DATE_EPOCH:?}" "${IMAGE_DIR:?}"
log() { echo "image: customize: $*" >&2; }

log "image files (fstab, journald, networkd, resolved, ssh, data growth units)"
cp -a --no-preserve=ownership "$IMAGE_DIR/rootfs/." "$ROOT/"
mkdir -p "$ROOT/boot/firmware" "$ROOT/var/lib/antiphon"

# No password anywhere: root is locked, the service user has no shell or password.
chroot "$ROOT" passwd --lock root >/dev/null
grep -q '^root:[!*]' "$ROOT/etc/shadow" || { echo "image: ERROR: root still has a password" >&2; exit 1; }
grep -q '^antiphon:' "$ROOT/etc/passwd" || { echo "image: ERROR: the .deb's postinst made no antiphon user" >&2; exit 1; }

log "units: networkd, resolved, timesyncd, data growth, SSH on keys only; no timers that write"
chroot "$ROOT" systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
  antiphon-grow-data.service antiphon-ssh-setup.service antiphon.service >/dev/null 2>&1
chroot "$ROOT" systemctl disable ssh.service ssh.socket >/dev/null 2>&1 || true
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
  fstrim.timer man-db.timer; do
  [ -e "$ROOT/usr/lib/systemd/system/$unit" ] && chroot "$ROOT" systemctl mask "$unit" >/dev/null 2>&1
done
# No default.target in /etc: it would override the one systemd-run-generator makes for a
# systemd.run= boot (generators' units rank below /etc). Debian's own default reaches
# multi-user.target; a headless root has no display manager to start.
rm -f "$ROOT/etc/systemd/system/default.target"

# The root is read-only: an empty machine-id makes systemd use a fresh one in RAM each boot
# (not "uninitialized", which would run first-boot prompts). DNS goes to the uplink servers.
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
ln -sfn ../run/systemd/resolve/resolv.conf "$ROOT/etc/resolv.conf"
# Every box makes its own SSH host keys (antiphon-ssh-setup); none are baked into the image.
rm -f "$ROOT"/etc/ssh/ssh_host_*
# systemd never sets the clock earlier than this file's time (a Pi has no real-time clock).
touch -d "@$SOURCE_DATE_EPOCH" "$ROOT/usr/lib/clock-epoch"

# FluidSynth needs SDL2, whose libgbm1 pulls in Mesa's GPU drivers and LLVM (about 190 MB).
# libgbm only dlopens them for a GPU display, which a headless box never opens: drop them
# (the manifest then lists what is really there). The check below proves fluidsynth runs.
for pkg in mesa-libgallium libllvm19 libz3-4; do
  if chroot "$ROOT" dpkg-query -W "$pkg" >/dev/null 2>&1; then
    chroot "$ROOT" dpkg --purge --force-depends "$pkg" >/dev/null 2>&1
  fi
done
chroot "$ROOT" fluidsynth --version >/dev/null || { echo "image: ERROR: fluidsynth does not run in the image root" >&2; exit 1; }

log "removing docs, manuals, locales, apt lists and caches"
find "$ROOT/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/lintian
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/debconf/*-old \
  "$ROOT"/var/lib/dpkg/*-old "$ROOT"/var/log/* "$ROOT"/var/cache/ldconfig/aux-cache
