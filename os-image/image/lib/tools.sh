# Host tools and the .deb for build-image.sh (sourced; uses die/log, REPO, BOARD_ARCH).

# ensure_host_tools ARCH: installs what the build needs from Debian's archive when missing,
# and for a foreign ARCH makes sure binfmt_misc runs its binaries under qemu-user.
ensure_host_tools() {
  local arch=$1 need=()
  command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
  command -v mkfs.vfat >/dev/null || need+=(dosfstools)
  command -v mcopy >/dev/null || need+=(mtools)
  command -v sfdisk >/dev/null || need+=(fdisk)
  command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
  command -v dtc >/dev/null || need+=(device-tree-compiler)
  if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    command -v "qemu-$(qemu_cpu "$arch")-static" >/dev/null || need+=(qemu-user-static)
    command -v update-binfmts >/dev/null || need+=(binfmt-support)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    log "installing host tools: ${need[*]}"
    apt-get update -qq >&2 || log "warning: apt-get update reported errors; continuing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >&2 \
      || die "apt-get install ${need[*]} failed"
  fi
  if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
      || die "cannot mount binfmt_misc at /proc/sys/fs/binfmt_misc (needed to run $arch binaries)"
    [ -e "/proc/sys/fs/binfmt_misc/qemu-$(qemu_cpu "$arch")" ] || update-binfmts --enable "qemu-$(qemu_cpu "$arch")" >&2 \
      || die "binfmt_misc has no qemu-$(qemu_cpu "$arch") entry and update-binfmts could not add it"
  fi
}

qemu_cpu() {
  case $1 in amd64) echo x86_64;; arm64) echo aarch64;; armhf) echo arm;; *) die "no qemu CPU for $1";; esac
}

# ensure_deb ARCH: prints the path of an antiphon .deb for ARCH, rebuilding it with
# build-deb.sh when it is missing or older than any tracked source it is made from.
ensure_deb() {
  local arch=$1 version deb newest
  version=$(node -p "require('$REPO/package.json').version")
  deb=$REPO/os-image/build/deb/antiphon_${version}_$arch.deb
  newest=$(cd "$REPO" && git ls-files -z src models os-image/deb os-image/systemd os-image/udev os-image/antiphon.toml \
    package.json package-lock.json | xargs -0 stat -c %Y 2>/dev/null | sort -n | tail -1)
  if [ -f "$deb" ] && [ "$(stat -c %Y "$deb")" -ge "${newest:-0}" ]; then
    log "reusing $deb (newer than its sources)"
  else
    log "building the .deb for $arch (missing or older than its sources)"
    deb=$(bash "$REPO/os-image/deb/build-deb.sh" --arch "$arch" | tail -1) || die "build-deb.sh --arch $arch failed"
  fi
  echo "$deb"
}
