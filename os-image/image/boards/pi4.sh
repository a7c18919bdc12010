# Board file: the Raspberry Pi 4, booted by its firmware from the FAT partition with
# Debian's arm64 kernel, initrd and the upstream device trees (raspi-firmware). Sourced by
# build-image.sh; it differs from qemu-amd64.sh only here.
BOARD_ARCH=arm64
BOARD_COMPONENTS=main,non-free-firmware
BOARD_PACKAGES=linux-image-arm64,raspi-firmware
BOARD_BOOT_MIB=256
# With Debian's upstream device tree, GPIO14/15 are the mini UART; ttyAMA0 (the PL011) is
# wired to Bluetooth and there is no disable-bt overlay to swap them (see config.txt).
BOARD_DIN_DEVICE=/dev/ttyS1
# No console on the header UART: those pins are DIN MIDI. tty1 is the HDMI screen.
BOARD_CMDLINE="console=tty1 root=LABEL=antiphon-root ro rootwait fsck.repair=yes panic=10"

# (Its /etc/default/raspi-firmware is written before the package: force-confold keeps it.)
# raspi-firmware's kernel and initramfs hooks copy the kernel, initrd and device trees into
# /boot/firmware, and refuse to when it is not a mount point: bind it onto itself while the
# packages install, so the files land in the root's own /boot/firmware (then staged onto p1).
board_setup_hook() {
  local root=$1
  mkdir -p "$root/boot/firmware" "$root/etc/default"
  mount --bind "$root/boot/firmware" "$root/boot/firmware"
  cat > "$root/etc/default/raspi-firmware" <<'CONF'
# Antiphon image: no serial console (the header UART is DIN MIDI); the root by label.
CONSOLES="tty1"
ROOTPART=LABEL=antiphon-root
KERNEL_ARCH=arm64
CONF
}
board_customize_hook() {
  local root=$1
  mountpoint -q "$root/boot/firmware" && umount "$root/boot/firmware"
  return 0
}

# board_boot_files ROOT BOOTDIR OUTPREFIX: the Pi's firmware loads the kernel and initrd
# named in config.txt from p1; check that raspi-firmware put everything there.
board_boot_files() {
  local root=$1 boot=$2 kernel initrd
  kernel=$(cd "$boot" && ls vmlinuz-* 2>/dev/null | LC_ALL=C sort -V | tail -1)
  initrd=$(cd "$boot" && ls initrd.img-* 2>/dev/null | LC_ALL=C sort -V | tail -1)
  if [ -z "$kernel" ] || [ -z "$initrd" ]; then
    # The hooks did not copy them (an older raspi-firmware): take them from the root's /boot.
    kernel=$(basename "$(ls "$root"/boot/vmlinuz-* | LC_ALL=C sort -V | tail -1)")
    initrd=$(basename "$(ls "$root"/boot/initrd.img-* | LC_ALL=C sort -V | tail -1)")
    cp "$root/boot/$kernel" "$root/boot/$initrd" "$boot/"
  fi
  [ -f "$boot/bcm2711-rpi-4-b.dtb" ] || cp "$root"/usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb "$boot/" 2>/dev/null \
    || die "no bcm2711-rpi-4-b.dtb for the Pi 4"
  for f in start4.elf fixup4.dat; do [ -f "$boot/$f" ] || die "raspi-firmware put no $f on the boot partition"; done
  BOARD_KERNEL_FILE=$kernel BOARD_INITRD_FILE=$initrd
}
