#!/bin/bash
# Boots the pi4 image's arm64 root under qemu-system-aarch64 (the "virt" machine, TCG) with
# the Debian arm64 kernel and initrd from its own boot partition (QEMU's direct kernel boot),
# the whole card image as a virtio disk (opened with snapshot=on: never changed), and checks
# that antiphon.service reaches READY. The guest's script comes in over a 9p share with the
# same systemd.mount-extra=/systemd.run= hooks the amd64 image tests use. Slow (minutes):
# not part of npm test.
#   image-arm64-vm.sh [IMAGE]   (default os-image/build/image/antiphon-pi4.img)
set -Eeuo pipefail
trap 'echo "image-arm64-vm: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
die() { echo "image-arm64-vm: FAIL: $*" >&2; exit 1; }
log() { echo "image-arm64-vm: $*" >&2; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
IMG=$(readlink -f "${1:-$REPO/os-image/build/image/antiphon-pi4.img}")
[ -f "$IMG" ] || die "no image $IMG (npm run image -- --board pi4)"
need=()
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v mcopy >/dev/null || need+=(mtools)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${need[*]} (run as root)"
  log "installing ${need[*]}"
  apt-get update -qq >&2 || log "warning: apt-get update reported errors; continuing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >&2 \
    || die "apt-get install ${need[*]} failed"
fi

W=$REPO/os-image/build/image-work/arm64-vm
rm -rf "$W"; mkdir -p "$W/share"; chmod 777 "$W/share"
# The boot partition starts at sector 8192 (4 MiB) in both boards' layout.
offset=$(sfdisk -d "$IMG" | awk -F'[=,]' '/start=/{print $2; exit}' | tr -d ' ')
export MTOOLS_SKIP_CHECK=1
P1="$IMG@@$(( offset * 512 ))"
kernel=$(mdir -b -i "$P1" :: | sed 's#^::/##' | grep '^vmlinuz-' | sort -V | tail -1)
initrd=$(mdir -b -i "$P1" :: | sed 's#^::/##' | grep '^initrd.img-' | sort -V | tail -1)
[ -n "$kernel" ] && [ -n "$initrd" ] || die "no kernel or initrd on the image's boot partition"
mcopy -i "$P1" "::$kernel" "$W/vmlinuz"; mcopy -i "$P1" "::$initrd" "$W/initrd.img"
mcopy -i "$P1" ::cmdline.txt "$W/cmdline.txt"
# The Pi's command line, with the virt machine's serial console instead of the HDMI one.
cmdline="$(sed 's/console=tty1//' "$W/cmdline.txt") console=ttyAMA0"

cat > "$W/share/guest.sh" <<'GUEST'
#!/bin/sh
out=/run/imagetest
i=0
while [ $i -lt 600 ]; do
  state=$(systemctl is-active antiphon.service)
  [ "$state" = active ] || [ "$state" = failed ] && break
  i=$((i + 1)); sleep 1
done
{
  echo "antiphon=$(systemctl is-active antiphon.service)"
  systemctl show -p StatusText antiphon.service
  start=$(systemctl show -p ExecMainStartTimestampMonotonic --value antiphon.service)
  ready=$(systemctl show -p ActiveEnterTimestampMonotonic --value antiphon.service)
  echo "start_to_ready_ms=$(( (ready - start) / 1000 ))"
  echo "uname=$(uname -m) $(uname -r)"
  echo "node=$(file -L /usr/bin/node 2>/dev/null || echo "$(node -p process.arch)")"
  echo "root_options=$(findmnt -no OPTIONS /)"
  systemd-analyze 2>&1 | head -1
  journalctl -b -u antiphon.service --no-pager | tail -10
} > "$out/result" 2>&1
sync
systemctl poweroff
GUEST
chmod 755 "$W/share/guest.sh"

# shellcheck source=guest-cmdline.sh
. "$HERE/guest-cmdline.sh"
log "booting $IMG under qemu-system-aarch64 (virt, TCG; minutes)"
t0=$(date +%s)
rc=0
timeout --kill-after=10 "${ANTIPHON_ARM64_VM_TIMEOUT:-1500}" qemu-system-aarch64 -machine virt -cpu cortex-a72 \
  -smp 2 -m 1024 -nographic -no-reboot -nic user,model=virtio-net-pci \
  -kernel "$W/vmlinuz" -initrd "$W/initrd.img" \
  -append "$cmdline$(guest_run_cmdline /run/imagetest/guest.sh)$(tcg_timeouts_cmdline)" \
  -drive if=virtio,format=raw,file="$IMG",snapshot=on \
  -virtfs local,path="$W/share",mount_tag=testout,security_model=none,multidevs=remap \
  </dev/null > "$W/console.log" 2>&1 || rc=$?
log "QEMU ran $(( $(date +%s) - t0 )) s (exit $rc); console: $W/console.log"
[ -s "$W/share/result" ] || { tail -40 "$W/console.log" >&2; die "the guest wrote no result"; }
cat "$W/share/result"
grep -q '^antiphon=active$' "$W/share/result" || die "antiphon.service did not reach READY in the arm64 VM"
echo "image-arm64-vm: OK"
