# Board file: the amd64 test twin, booted by QEMU's direct kernel boot (-kernel/-initrd/-append)
# with the disk as virtio. Sourced by build-image.sh; it differs from pi4.sh only here.
BOARD_ARCH=amd64
BOARD_COMPONENTS=main
BOARD_PACKAGES=linux-image-amd64
BOARD_BOOT_MIB=64
# The hw-sim DIN UART is the twin's second serial port, as the mini UART is the Pi 4's.
BOARD_DIN_DEVICE=/dev/ttyS1
# The twin's console is its first serial port; the hw-sim DIN UART is the second.
BOARD_CMDLINE="root=LABEL=antiphon-root ro rootwait fsck.repair=yes console=ttyS0 panic=10"

# board_boot_files ROOT BOOTDIR OUTPREFIX: what the board's boot loader needs. QEMU loads the
# kernel and initrd from outside the disk, so they go beside the image, not onto p1.
board_boot_files() {
  local root=$1 out=$3 kernel initrd
  kernel=$(ls "$root"/boot/vmlinuz-* | LC_ALL=C sort -V | tail -1)
  initrd=$(ls "$root"/boot/initrd.img-* | LC_ALL=C sort -V | tail -1)
  [ -f "$kernel" ] && [ -f "$initrd" ] || die "no kernel or initrd in the root's /boot"
  cp "$kernel" "$out.vmlinuz"
  cp "$initrd" "$out.initrd.img"
  echo "$BOARD_CMDLINE" > "$out.cmdline"
  BOARD_KERNEL_FILE=$(basename "$kernel") BOARD_INITRD_FILE=$(basename "$initrd")
}

# Nothing to prepare before the packages, and nothing to add after: QEMU needs no firmware.
board_setup_hook() { :; }
board_customize_hook() { :; }
