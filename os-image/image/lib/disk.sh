# Boot files, filesystems and the MBR disk for build-image.sh (sourced; uses die/log, BOARD*,
# SOURCE_DATE_EPOCH, REPO, IMAGE_DIR). No loop devices: each partition is built as a file
# (mkfs.ext4 -d, mkfs.vfat + mcopy) and copied into the disk with dd.

ALIGN_MIB=4      # partitions start on 4 MiB boundaries (SD cards erase in 4 MiB blocks)
DATA_MIB=64      # the data partition in the image; it grows to fill the card on first boot

# derive_hex NAME LEN: LEN hex digits fixed by the board, SOURCE_DATE_EPOCH and NAME.
derive_hex() { printf 'antiphon %s %s %s' "$BOARD" "$SOURCE_DATE_EPOCH" "$1" | sha256sum | cut -c1-"$2"; }
derive_uuid() {
  local h; h=$(derive_hex "$1" 32)
  echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"
}

# stage_boot ROOT BOOTDIR PREFIX: gathers the boot partition's files in BOOTDIR (taking
# whatever the packages put in ROOT/boot/firmware, which stays as an empty mount point).
stage_boot() {
  local root=$1 boot=$2 prefix=$3
  rm -rf "$boot"; mkdir -p "$boot/overlays"
  if [ -n "$(ls -A "$root/boot/firmware")" ]; then mv "$root/boot/firmware"/* "$boot/"; fi
  board_boot_files "$root" "$boot" "$prefix"
  # The initrd is only read by the boot loader (from p1 on the Pi, from beside the image for
  # the twin); the root does not need a second copy.
  rm -f "$root"/boot/initrd.img-*
  sed -e "s#@KERNEL@#${BOARD_KERNEL_FILE:-}#" -e "s#@INITRD@#${BOARD_INITRD_FILE:-}#" \
    "$IMAGE_DIR/boot/config.txt" > "$boot/config.txt"
  echo "$BOARD_CMDLINE" > "$boot/cmdline.txt"
  cp "$IMAGE_DIR/boot/README.txt" "$boot/README.txt"
  # The user's config: the package's default, with the web page spelled out (it is the
  # box's one listening socket, on by default and read-only until a password is set).
  cp "$REPO/os-image/antiphon.toml" "$boot/antiphon.toml"
  sed -i '1s#.*#\# Antiphon configuration, on the boot partition (/boot/firmware/antiphon.toml): edit it on any computer.#' "$boot/antiphon.toml"
  grep -q '^\[web\]' "$boot/antiphon.toml" || cat "$IMAGE_DIR/boot/web.toml" >> "$boot/antiphon.toml"
  # The package's default DIN port is the Pi's PL011; each board names the UART on its pins.
  grep -q '^device = "/dev/ttyAMA0"' "$boot/antiphon.toml" \
    || die "os-image/antiphon.toml has no [din] device = \"/dev/ttyAMA0\" line for the board's DIN port to replace"
  sed -i "s#^device = \"/dev/ttyAMA0\".*#device = \"$BOARD_DIN_DEVICE\"      \# the UART on this board's DIN pins (see config.txt)#" "$boot/antiphon.toml"
  dtc -q -@ -I dts -O dtb -o "$boot/overlays/antiphon-panel.dtbo" "$REPO/hardware/antiphon-panel.dts" \
    || die "dtc could not compile hardware/antiphon-panel.dts"
  find "$boot" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
}

# make_vfat DIR FILE MIB: a FAT32 partition image labelled ANTIPHON holding DIR, copied
# file by file in sorted order with the files' (clamped) times.
make_vfat() {
  local dir=$1 file=$2 mib=$3 path
  rm -f "$file"; truncate -s "${mib}M" "$file"
  mkfs.vfat -F 32 -S 512 -s 1 -n ANTIPHON --invariant -i "$(derive_hex boot-volume-id 8)" "$file" >/dev/null \
    || die "mkfs.vfat failed"
  export MTOOLS_SKIP_CHECK=1
  (cd "$dir" && find . -mindepth 1 -printf '%y %P\n' | LC_ALL=C sort -k2) | while read -r kind path; do
    if [ "$kind" = d ]; then mmd -i "$file" "::$path"; else mcopy -m -i "$file" "$dir/$path" "::$path"; fi
  done || die "copying the boot files into FAT failed (is the boot partition of $mib MiB too small?)"
}

# make_ext4 DIR FILE MIB LABEL [ROOT_OWNER]: an ext4 partition image holding DIR, with
# UUID, hash seed and every timestamp fixed by SOURCE_DATE_EPOCH.
make_ext4() {
  local dir=$1 file=$2 mib=$3 label=$4 owner=${5:-0:0}
  rm -f "$file"; truncate -s "${mib}M" "$file"
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -T default -b 4096 -m 0 -L "$label" \
    -U "$(derive_uuid "$label")" -E "hash_seed=$(derive_uuid "$label-hash"),root_owner=$owner" \
    -d "$dir" "$file" || die "mkfs.ext4 of $label ($mib MiB) failed"
  pin_inode_times "$file" "$label"
}

# pin_inode_times FILE LABEL: mkfs.ext4 -d copies each file's ctime and atime from the tree, and
# the kernel set those when the mtime pass touched it or something last read it, so two builds
# of the same tree differed only there. Every inode in use (the root directory, then 11.. as
# mkfs -d allocates them in order) gets SOURCE_DATE_EPOCH for both; e2fsck must then pass.
pin_inode_times() {
  local file=$1 label=$2 used cmds
  used=$(dumpe2fs -h "$file" 2> /dev/null | awk -F: '/^Inode count/ { c = $2 } /^Free inodes/ { f = $2 } END { print c - f }')
  cmds=$(mktemp)
  for i in 2 $(seq 11 "$used"); do
    printf 'sif <%s> ctime @%s\nsif <%s> atime @%s\n' "$i" "$SOURCE_DATE_EPOCH" "$i" "$SOURCE_DATE_EPOCH"
  done > "$cmds"
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$cmds" "$file" > /dev/null 2>&1 \
    || { rm -f "$cmds"; die "debugfs could not pin the inode times of $label"; }
  rm -f "$cmds"
  e2fsck -fn "$file" > /dev/null 2>&1 || die "e2fsck -fn of $label failed after its inode times were pinned"
}

round_up() { echo $(( ($1 + ALIGN_MIB - 1) / ALIGN_MIB * ALIGN_MIB )); }

# root_size_mib ROOT: what the root needs plus room for ext4's metadata and a margin.
root_size_mib() {
  local used; used=$(du -s --block-size=1M "$1" | cut -f1)
  round_up $(( used + used / 5 + 48 ))
}

# assemble_disk WORK IMG: the three partitions and an MBR disk holding them.
assemble_disk() {
  local work=$1 img=$2 root_mib uid gid
  log "partitions: boot (FAT32, $BOARD_BOOT_MIB MiB)"
  make_vfat "$work/boot" "$work/p1.vfat" "$BOARD_BOOT_MIB"
  root_mib=$(root_size_mib "$work/root")
  log "partitions: root (ext4, $root_mib MiB)"
  make_ext4 "$work/root" "$work/p2.ext4" "$root_mib" antiphon-root
  # The data partition's top is the service's StateDirectory: owned by antiphon from the
  # start, so systemd never has to chown it recursively.
  uid=$(awk -F: '$1=="antiphon"{print $3}' "$work/root/etc/passwd")
  gid=$(awk -F: '$1=="antiphon"{print $4}' "$work/root/etc/passwd")
  rm -rf "$work/data"; mkdir -m 0750 "$work/data"; touch -d "@$SOURCE_DATE_EPOCH" "$work/data"
  log "partitions: data (ext4, $DATA_MIB MiB, grows on first boot)"
  make_ext4 "$work/data" "$work/p3.ext4" "$DATA_MIB" antiphon-data "$uid:$gid"

  local s1=$ALIGN_MIB s2 s3 total
  s2=$(( s1 + BOARD_BOOT_MIB )); s3=$(( s2 + root_mib )); total=$(( s3 + DATA_MIB ))
  log "disk: $total MiB, MBR id 0x$(derive_hex disk-id 8)"
  # Written beside and renamed at the end: a test booting the previous image keeps a whole one.
  local final=$img; img=$img.partial
  rm -f "$img"; truncate -s "${total}M" "$img"
  sfdisk --quiet --no-reread --no-tell-kernel "$img" >/dev/null <<SFDISK || die "sfdisk could not write the partition table"
label: dos
label-id: 0x$(derive_hex disk-id 8)
unit: sectors

start=$(( s1 * 2048 )), size=$(( BOARD_BOOT_MIB * 2048 )), type=c, bootable
start=$(( s2 * 2048 )), size=$(( root_mib * 2048 )), type=83
start=$(( s3 * 2048 )), size=$(( DATA_MIB * 2048 )), type=83
SFDISK
  dd if="$work/p1.vfat" of="$img" bs=1M seek="$s1" conv=notrunc,sparse status=none
  dd if="$work/p2.ext4" of="$img" bs=1M seek="$s2" conv=notrunc,sparse status=none
  dd if="$work/p3.ext4" of="$img" bs=1M seek="$s3" conv=notrunc,sparse status=none
  touch -d "@$SOURCE_DATE_EPOCH" "$img"
  mv -f "$img" "$final"
}

# write_outputs ROOT PREFIX T0: manifest, checksums and the build record beside the image.
write_outputs() {
  local root=$1 prefix=$2 t0=$3 name seconds files=() f
  name=$(basename "$prefix")
  dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package}=${Version}\n' | LC_ALL=C sort > "$prefix.manifest"
  # The twin's direct-boot files sit beside its image; the Pi's are inside it.
  for f in "$name.img" "$name.vmlinuz" "$name.initrd.img" "$name.cmdline"; do [ ! -f "$prefix${f#"$name"}" ] || files+=("$f"); done
  (cd "$(dirname "$prefix")" && sha256sum "${files[@]}") > "$prefix.sha256"
  seconds=$(( $(date +%s) - t0 ))
  {
    echo "board=$BOARD"
    echo "arch=$BOARD_ARCH"
    echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "build_seconds=$seconds"
    echo "source_date_epoch=$SOURCE_DATE_EPOCH"
    echo "git_commit=$GIT_COMMIT"
    echo "deb=$(basename "$DEB") sha256=$(sha256sum "$DEB" | cut -c1-64)"
    echo "image_bytes=$(stat -c %s "$prefix.img")"
    echo "image_mib=$(( $(stat -c %s "$prefix.img") / 1048576 ))"
    echo "boot_mib=$BOARD_BOOT_MIB root_mib=$(( $(stat -c %s "$(dirname "$root")/p2.ext4") / 1048576 )) data_mib=$DATA_MIB"
    echo "root_used_mib=$(du -s --block-size=1M "$root" | cut -f1)"
    echo "packages=$(wc -l < "$prefix.manifest")"
    echo "mmdebstrap=$(mmdebstrap --version | awk '{print $2}') e2fsprogs=$(mke2fs -V 2>&1 | awk 'NR==1{print $2}')"
  } > "$prefix.build.txt"
  log "image $prefix.img: $(( $(stat -c %s "$prefix.img") / 1048576 )) MiB, built in $seconds s"
}
