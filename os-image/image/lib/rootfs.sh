# The root filesystem for build-image.sh (sourced; uses die/log, CACHE, MIRROR, BOARD_*).

# Packages of every board; boards/<board>.sh adds its kernel and firmware.
IMAGE_PACKAGES=systemd,systemd-sysv,udev,dbus,systemd-resolved,systemd-timesyncd,kmod,iproute2,procps,nodejs,fluidsynth,timgm6mb-soundfont,alsa-utils,openssh-server,fdisk,e2fsprogs,dosfstools,initramfs-tools,zstd

# build_root DIR DEB: mmdebstrap trixie into DIR (emptied first) with our .deb installed and
# customize.sh applied. Downloaded .debs are kept in $CACHE/apt-archives-<arch>.
build_root() {
  local dir=$1 deb=$2 archives=$CACHE/apt-archives-$BOARD_ARCH
  mkdir -p "$archives"
  find "$archives" -name '*.deb' -size 0 -delete   # a cut-off download is not a cached one
  rm -rf "$dir"
  log "mmdebstrap trixie $BOARD_ARCH ($BOARD_PACKAGES + the box) into $dir"
  local t0; t0=$(date +%s)
  mmdebstrap --mode=root --variant=apt --architectures="$BOARD_ARCH" --components="$BOARD_COMPONENTS" \
    --include="$IMAGE_PACKAGES,$BOARD_PACKAGES" --include="$deb" \
    --aptopt='Acquire::Languages "none"' --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='force-confold' --dpkgopt='force-confdef' \
    --skip=essential/unlink \
    --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
    --setup-hook="sync-in '$archives' /var/cache/apt/archives/" \
    --setup-hook="cp -a --no-preserve=ownership '$IMAGE_DIR/rootfs/etc/initramfs-tools' \"\$1/etc/\"" \
    --setup-hook="bash '$IMAGE_DIR/board-hook.sh' setup '$BOARD' \"\$1\"" \
    --customize-hook="sync-out /var/cache/apt/archives '$archives'" \
    --customize-hook="bash '$IMAGE_DIR/customize.sh' \"\$1\"" \
    --customize-hook="bash '$IMAGE_DIR/board-hook.sh' customize '$BOARD' \"\$1\"" \
    trixie "$dir" "$MIRROR" >&2 || {
    # A failed run leaves the hooks' bind mounts behind (the .deb, pi4's /boot/firmware).
    unmount_under "$dir" || true
    die "mmdebstrap of the $BOARD image root failed"
  }
  # mmdebstrap only warns when a mount is still busy at its end (pi4's /proc once, held by a
  # process reading the tree): nothing may stay mounted in a root that becomes an image.
  unmount_under "$dir" || die "mounts left under $dir after mmdebstrap: $(findmnt -rno TARGET | grep "^$dir/" | tr '\n' ' ')"
  # Every file gets the same time, not only those newer than it: files copied from the
  # checkout (rootfs/) carry checkout times that differ between machines.
  find "$dir" -xdev -print0 | xargs -0r touch --no-dereference -d "@$SOURCE_DATE_EPOCH"
  log "root built in $(( $(date +%s) - t0 )) s, $(du -sm "$dir" | cut -f1) MiB"
}

# unmount_under DIR: unmounts everything mounted below DIR, deepest first, trying again for a
# few seconds while a mount is busy, then detaching it (umount -l: whoever holds it keeps a
# view, the tree no longer has it). Fails if anything is left.
unmount_under() {
  local dir=$1 try flag=
  for try in 1 2 3 4 5 6; do
    [ "$try" = 6 ] && flag=-l
    findmnt -rno TARGET | grep "^$dir/" | LC_ALL=C sort -r | xargs -r umount $flag 2>/dev/null
    findmnt -rno TARGET | grep -q "^$dir/" || return 0
    sleep 2
  done
  return 1
}
