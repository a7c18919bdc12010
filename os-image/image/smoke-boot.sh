#!/bin/bash
# Boots a built qemu-amd64 twin the way the image tests do (QEMU direct kernel boot with the
# image's .cmdline, the disk as virtio, a 9p share injected with systemd.mount-extra= and a
# guest script run with systemd.run=) and prints what the guest saw: the service's state and
# STATUS, the mounts, and boot times. The disk is opened with snapshot=on: never changed.
#   smoke-boot.sh [OUT_DIR]   (default os-image/build/image)
set -Eeuo pipefail
trap 'echo "image-smoke: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
die() { echo "image-smoke: FAIL: $*" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/os-image/build/image}
P=$OUT/antiphon-qemu-amd64
for f in img vmlinuz initrd.img cmdline; do [ -f "$P.$f" ] || die "no $P.$f (npm run image -- --board qemu-amd64)"; done
SHARE=$REPO/os-image/build/image-work/smoke
rm -rf "$SHARE"; mkdir -p "$SHARE"; chmod 777 "$SHARE"
cat > "$SHARE/guest.sh" <<'GUEST'
#!/bin/sh
out=/run/imagetest
echo "guest script started at $(cut -d' ' -f1 /proc/uptime) s" > "$out/progress"
# Up to 20 minutes of guest time for the service to leave "activating" (TCG on a loaded host).
deadline=$(( $(cut -d. -f1 /proc/uptime) + 1200 ))
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ]; do
  state=$(systemctl is-active antiphon.service)
  echo "$(cut -d' ' -f1 /proc/uptime) s: antiphon $state: $(systemctl show -p StatusText --value antiphon.service)" >> "$out/progress"
  [ "$state" = active ] || [ "$state" = failed ] && break
  sleep 5
done
{
  echo "antiphon=$(systemctl is-active antiphon.service)"
  systemctl show -p StatusText -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic antiphon.service
  echo "root_options=$(findmnt -no OPTIONS /)"
  echo "boot_options=$(findmnt -no OPTIONS /boot/firmware)"
  echo "data=$(findmnt -no SOURCE,OPTIONS,SIZE /var/lib/antiphon)"
  echo "grow=$(journalctl -b -u antiphon-grow-data.service -o cat --no-pager | tail -1)"
  echo "config=$(systemctl show -p Environment antiphon.service)"
  echo "failed_units=$(systemctl list-units --failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"
  echo "listening=$(ss -Hltun 2>/dev/null | awk '{print $1, $5}' | tr '\n' ';')"
  echo "write_to_root=$(touch /usr/probe 2>&1 && echo allowed || echo refused)"
  echo "modules_9p=$(lsmod | awk '$1 ~ /^9p/ {print $1}' | tr '\n' ' ')"
  systemd-analyze 2>&1 | head -1
  journalctl -b -u antiphon.service --no-pager | tail -15
} > "$out/result" 2>&1
sync
systemctl poweroff
GUEST
chmod 755 "$SHARE/guest.sh"
# KVM only where it is the real thing (this host's kvm_pvm fails early in the kernel).
accel=tcg cpu=max
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then accel=kvm cpu=host; fi
echo "image-smoke: booting $P.img ($accel)" >&2
t0=$(date +%s)
rc=0
timeout --kill-after=10 "${IMAGE_SMOKE_TIMEOUT:-1800}" qemu-system-x86_64 -machine q35,accel=$accel -cpu $cpu -m 1024 -smp 2 \
  -nographic -no-reboot -nic user,model=virtio-net-pci \
  -kernel "$P.vmlinuz" -initrd "$P.initrd.img" \
  -append "$(cat "$P.cmdline") systemd.mount-extra=testout:/run/imagetest:9p:trans=virtio,version=9p2000.L systemd.run=/run/imagetest/guest.sh" \
  -drive if=virtio,format=raw,file="$P.img",snapshot=on \
  -virtfs local,path="$SHARE",mount_tag=testout,security_model=none,multidevs=remap \
  </dev/null > "$SHARE/console.log" 2>&1 || rc=$?
echo "image-smoke: QEMU ran $(( $(date +%s) - t0 )) s (exit $rc); console: $SHARE/console.log" >&2
[ -s "$SHARE/result" ] || { tail -40 "$SHARE/console.log" >&2; die "the guest wrote no result"; }
cat "$SHARE/result"
grep -q '^antiphon=active$' "$SHARE/result" || die "antiphon.service did not become active"
echo "image-smoke: OK"
