#!/bin/bash
# Boots the cached trixie root (trixie-root.sh) under QEMU with systemd as PID 1 and runs
# vm/guest-test.sh there against an antiphon .deb: READY and STATUS seen by systemctl,
# SCHED_FIFO without root, watchdog restarts after SIGSTOP and after a hung worker, a clean
# stop and purge. The kernel is hw-sim's (test/hwsim/hw-sim.sh prepare, cached).
#   systemd-vm.sh DEB
# Prints the guest's results (key=value) and "systemd-vm: OK", or fails naming what broke.
set -Eeuo pipefail
trap 'echo "systemd-vm: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
die() { echo "systemd-vm: FAIL: $*" >&2; exit 1; }
log() { echo "systemd-vm: $*" >&2; }

DEB=$(readlink -f "${1:?usage: systemd-vm.sh DEB}")
[ -f "$DEB" ] || die "no such package: $1"
[ "$(dpkg-deb -f "$DEB" Architecture)" = amd64 ] || die "the VM test boots amd64 only"
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOT=$("$HERE/trixie-root.sh" amd64)
CACHE=$(dirname "$ROOT")

"$REPO/test/hwsim/hw-sim.sh" prepare >&2 || die "preparing the hw-sim kernel failed"
HWSIM_CACHE=${HWSIM_CACHE_ROOT:-$HOME/.cache/antiphon-hwsim}
KVER=$(cat "$HWSIM_CACHE/current")
K=$HWSIM_CACHE/$KVER
[ -r "$K/vmlinux" ] && [ -d "$K/kroot/lib/modules/$KVER" ] || die "no prepared kernel in $K"

INITRD=$CACHE/systemd-vm-initrd.$KVER.cpio.gz
want=$(cat "$HERE/vm/init" "$REPO/test/hwsim/build-initramfs.sh" | sha256sum | cut -c1-16)
if [ "$(cat "$INITRD.sha" 2>/dev/null)" != "$want" ]; then
  "$REPO/test/hwsim/build-initramfs.sh" "$K/kroot" "$KVER" "$INITRD" "$HERE/vm/init" || die "building the initramfs failed"
  echo "$want" > "$INITRD.sha"
fi

mkdir -p "$CACHE/vm-out"
find "$CACHE/vm-out" -mindepth 1 -maxdepth 1 -type d -mtime +2 -exec rm -rf {} + 2>/dev/null || true
T=$(mktemp -d "$CACHE/vm-out/run.XXXXXX")
chmod 755 "$T"   # the service user reads the stand-in from here
cp "$DEB" "$T/antiphon.deb"
cp "$HERE/vm/guest-test.sh" "$HERE/vm/standin-service.mjs" "$HERE/vm/antiphon-vmtest.service" "$T/"
chmod 644 "$T"/*

accel="tcg" cpu="max"
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then accel=kvm cpu=host; fi
log "booting trixie with systemd ($accel), results in $T"
t0=$(date +%s)
rc=0
timeout --kill-after=10 "${ANTIPHON_VM_TIMEOUT:-900}" qemu-system-x86_64 \
  -machine q35,accel=$accel -cpu $cpu -m 2048 -smp 2 -nographic -no-reboot -nic none \
  -kernel "$K/vmlinux" -initrd "$INITRD" \
  -virtfs local,path="$ROOT",mount_tag=osroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$T",mount_tag=testout,security_model=none,multidevs=remap \
  -virtfs local,path="$K/kroot/lib/modules/$KVER",mount_tag=kmods,security_model=none,readonly=on,multidevs=remap \
  -serial mon:stdio \
  -append "console=ttyS0 panic=-1 loglevel=4 systemd.unit=multi-user.target systemd.show_status=error" \
  </dev/null > "$T/console.log" 2>&1 || rc=$?
log "VM ran $(( $(date +%s) - t0 )) s (qemu exit $rc); console: $T/console.log"
[ "$rc" != 124 ] && [ "$rc" != 137 ] || { tail -30 "$T/console.log" >&2; die "the VM timed out"; }
[ -s "$T/result" ] || { tail -40 "$T/console.log" >&2; die "the guest wrote no result"; }
cat "$T/result"
grep -q '^passed=yes$' "$T/result" || { grep 'vmtest' "$T/console.log" | tail -60 >&2; die "$(sed -n 's/^failed=//p' "$T/result")"; }
echo "systemd-vm: OK"
