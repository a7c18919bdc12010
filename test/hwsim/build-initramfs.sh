#!/bin/bash
# Builds the hw-sim VM's small initramfs: busybox, the modules needed to mount the host's root
# over 9p with a RAM overlay, and our init. Everything else (node, alsa-utils, udev, every other
# kernel module) comes from the host at run time, so nothing large is copied.
#
# usage: build-initramfs.sh KROOT KVER OUT.cpio.gz INIT
#   KROOT = the extracted linux-image package (holds lib/modules/KVER with modules.dep)
set -euo pipefail
KROOT=$(readlink -f "$1"); KVER=$2; OUT=$(readlink -f "$3"); INIT=$(readlink -f "$4")
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT

[ -f "$KROOT/lib/modules/$KVER/modules.dep" ] || depmod -b "$KROOT" "$KVER"
# Only what init needs before switch_root; the rest is loaded from the host tree later.
BOOT_MODULES="virtio_pci 9pnet_virtio 9p overlay configfs"
MD=$R/lib/modules/$KVER
mkdir -p "$MD"
for m in $BOOT_MODULES; do
  modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" \
    || { echo "build-initramfs: kernel $KVER has no module $m" >&2; exit 1; }
done | awk '$1=="insmod"{print $2}' | sort -u | while read -r ko; do
  rel=${ko#"$KROOT"/lib/modules/"$KVER"/}
  mkdir -p "$MD/$(dirname "$rel")"
  # busybox modprobe cannot read compressed modules.
  case $ko in
    *.xz) xz -dc "$ko" > "$MD/${rel%.xz}";;
    *) cp "$ko" "$MD/$rel";;
  esac
done
cp "$KROOT/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$MD/"
depmod -b "$R" "$KVER"

mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,mnt}
cp /bin/busybox "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
ln -sf ../bin/busybox "$R/sbin/modprobe"
cp "$INIT" "$R/init"; chmod +x "$R/init"

(cd "$R" && find . | cpio -o -H newc --quiet) | gzip -1 > "$OUT"
echo "build-initramfs: $OUT $(du -h "$OUT" | cut -f1)" >&2
