#!/bin/bash
# Boots the appliance image's amd64 twin under QEMU and checks the real box in the real image
# (issue 14, "Tests in CI"): READY and boot figures, SCHED_FIFO as user antiphon, a pad's call
# answered, SIGSTOP -> watchdog restart -> answers again, the read-only root, the security
# exposure, no listening socket but the web page, then power cuts: QEMU SIGKILLed at seeded
# random moments while the box records exchanges and saves settings, each following boot
# checking what the cut left, and a clean final shutdown. After every cut the host checks the filesystems on a copy of the partitions
# (e2fsck after replaying the journal, fsck.vfat -n). Before the final boot the host drops an
# authorized_keys file on the boot partition, as a user would, and logs in over SSH.
# The pad is a USB MIDI gadget in the guest; the host edits the boot partition's antiphon.toml so
# the box ignores the gadget's own side (f_midi), as a user edits it on the card.
#   image-vm.sh [--image IMG | --deb DEB]   default: build the image (npm run image -- --board
#                                            qemu-amd64), with DEB when given
# Environment: IMAGE_VM_CUTS (10), IMAGE_VM_SEED (random, printed), IMAGE_VM_BOOT_TIMEOUT (900 s),
# IMAGE_VM_GROW_MIB (256: disk bigger than the image), IMAGE_VM_DEBUG=1 (the guest's journal on its
# console log).
# The image has no test hooks: the guest scripts come in through the kernel command line only.
set -Eeuo pipefail
trap 'echo "image-vm: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
die() { echo "image-vm: FAIL: $*" >&2; exit 1; }
log() { echo "image-vm: $*" >&2; }
T_START=$SECONDS
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CUTS=${IMAGE_VM_CUTS:-10}
SEED=${IMAGE_VM_SEED:-$((RANDOM * 32768 + RANDOM))}
BOOT_TIMEOUT=${IMAGE_VM_BOOT_TIMEOUT:-900}
IMG= DEB_ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --image) IMG=$(readlink -f "$2"); shift 2;;
    --deb) DEB_ARGS=(--deb "$(readlink -f "$2")"); shift 2;;
    *) die "unknown argument $1 (usage: image-vm.sh [--image IMG | --deb DEB])";;
  esac
done
[ "$CUTS" -ge 1 ] || die "IMAGE_VM_CUTS must be at least 1"

# Host tools, installed here when missing (root), loudly failing when they cannot be.
need=()
command -v qemu-system-x86_64 > /dev/null || need+=(qemu-system-x86)
command -v e2fsck > /dev/null || need+=(e2fsprogs)
command -v fsck.vfat > /dev/null || need+=(dosfstools)
command -v sfdisk > /dev/null || need+=(fdisk)
command -v mcopy > /dev/null || need+=(mtools)
command -v ssh > /dev/null || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${need[*]} (run as root to install them)"
  log "installing ${need[*]}"
  apt-get update -qq || log "warning: apt-get update reported errors; continuing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >&2 \
    || die "apt-get install ${need[*]} failed"
fi

stage_t=$SECONDS
if [ -z "$IMG" ]; then
  mkdir -p "$REPO/os-image/build"
  BUILD_LOG=$REPO/os-image/build/image-qemu-amd64.log
  log "building the qemu-amd64 image (log: $BUILD_LOG)"
  bash "$REPO/os-image/image/build-image.sh" --board qemu-amd64 "${DEB_ARGS[@]}" > "$BUILD_LOG" 2>&1 \
    || { tail -30 "$BUILD_LOG" >&2; die "building the image failed"; }
  IMG=$(tail -1 "$BUILD_LOG")
fi
[ -f "$IMG" ] || die "no image at '$IMG'"
BASE=${IMG%.img}
for f in "$BASE.vmlinuz" "$BASE.initrd.img" "$BASE.cmdline"; do [ -s "$f" ] || die "the image has no $f"; done
log "image $IMG ($(du -h --apparent-size "$IMG" | cut -f1)), ready in $((SECONDS - stage_t)) s"

RUNS=$REPO/os-image/build/image-vm
mkdir -p "$RUNS"
find "$RUNS" -mindepth 1 -maxdepth 1 -type d -mtime +1 -exec rm -rf {} + 2> /dev/null || true
T=$(mktemp -d "$RUNS/run.XXXXXX")
chmod 755 "$T"
cp -r "$HERE/image-vm" "$T/"
chmod 755 "$T/image-vm" "$T/image-vm/guest.sh"
# A copy per run keeps the built image pristine; IMAGE_VM_GROW_MIB (256) more lets the first boot
# grow the data partition as it does on a card bigger than the image.
DISK=$T/disk.img
cp --sparse=always "$IMG" "$DISK"
[ "${IMAGE_VM_GROW_MIB:-256}" = 0 ] || truncate -s "+${IMAGE_VM_GROW_MIB:-256}M" "$DISK"
log "run folder $T, seed $SEED, $CUTS power cuts"
RANDOM=$SEED

accel=tcg cpu=max
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then accel=kvm cpu=host; fi
# shellcheck source=guest-cmdline.sh
. "$HERE/guest-cmdline.sh"
EXTRA="$(guest_run_cmdline /run/imagetest/image-vm/guest.sh) systemd.run_success_action=poweroff systemd.run_failure_action=poweroff"
[ "$accel" = kvm ] || EXTRA+=$(tcg_timeouts_cmdline)
# The pad's gadget side (a Pi has none): guest.sh builds the gadget in configfs and plugs it.
EXTRA+=" modules_load=dummy_hcd,libcomposite,usb_f_midi"
# IMAGE_VM_DEBUG=1: the guest's journal on the serial console (console-N.log), to see why a
# boot went wrong when the guest could not say so itself.
[ "${IMAGE_VM_DEBUG:-0}" = 0 ] || EXTRA+=" systemd.journald.forward_to_console=1"
CMDLINE="$(cat "$BASE.cmdline") $EXTRA"

# A wired network as on stage (QEMU's user network, DHCP); the guest's port 22 is forwarded to
# this loopback port so the final boot can be reached over SSH.
SSH_PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
QEMU_PID=
boot() { # boot N: starts QEMU in the background
  qemu-system-x86_64 -machine q35,accel=$accel -cpu $cpu -m 1024 -smp 2 -display none -no-reboot \
    -nic user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22 \
    -kernel "$BASE.vmlinuz" -initrd "$BASE.initrd.img" -append "$CMDLINE" \
    -drive if=virtio,format=raw,file="$DISK" \
    -virtfs local,path="$T",mount_tag=testout,security_model=none,multidevs=remap \
    -serial file:"$T/console-$1.log" -monitor none < /dev/null > "$T/qemu-$1.log" 2>&1 &
  QEMU_PID=$!
}
cleanup() { [ -z "$QEMU_PID" ] || kill -9 "$QEMU_PID" 2> /dev/null || true; }
trap cleanup EXIT
result() { [ -f "$T/boot-$1.result" ] || return 0; sed -n "s/^$2=//p" "$T/boot-$1.result" | tail -1; }
guest_failed() { # guest_failed N: dies with the guest's own words if it said failed=
  local f
  f=$(result "$1" failed)
  [ -z "$f" ] || { tail -40 "$T/guest-$1.log" >&2 || true; die "boot $1: $f"; }
}
# wait_key N KEY SECONDS: waits for the guest to say KEY, or for QEMU to end, or the timeout.
wait_key() {
  local deadline=$((SECONDS + $3))
  while [ -z "$(result "$1" "$2")" ]; do
    guest_failed "$1"
    kill -0 "$QEMU_PID" 2> /dev/null || { tail -30 "$T/console-$1.log" >&2; die "boot $1: QEMU ended before the guest said $2"; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$T/console-$1.log" >&2; die "boot $1: no '$2' from the guest within $3 s"; }
    sleep 1
  done
}
# boot_guest N: boots and waits for the guest script to start. Under TCG on a loaded host the
# guest kernel has stalled before userspace (RCU stalls, a vCPU's timer never firing); such a
# boot is killed (one more power cut, before anything was recorded) and tried once more, and
# the retry is counted and printed.
HUNG_BOOTS=0
boot_guest() {
  local try
  for try in 1 2; do
    boot "$1"
    local deadline=$((SECONDS + ${IMAGE_VM_GUEST_START_TIMEOUT:-420}))
    while [ -z "$(result "$1" uptime_at_guest_start_s)" ] && kill -0 "$QEMU_PID" 2> /dev/null && [ $SECONDS -lt $deadline ]; do sleep 2; done
    [ -z "$(result "$1" uptime_at_guest_start_s)" ] || return 0
    log "boot $1: the guest script did not start (try $try); the console's last lines:"
    tail -8 "$T/console-$1.log" | cut -c1-160 >&2
    cleanup; wait "$QEMU_PID" 2> /dev/null || true; QEMU_PID=
    [ "$try" = 1 ] || die "boot $1: the guest never reached its script, twice"
    mv "$T/console-$1.log" "$T/console-$1-hung.log"
    HUNG_BOOTS=$((HUNG_BOOTS + 1))
  done
}
print_boot() { [ -f "$T/boot-$1.result" ] && sed "s/^/image-vm: boot $1: /" "$T/boot-$1.result" >&2 || true; }

# Partition N of the disk as "start size" in bytes, from its MBR.
part() { sfdisk -J "$DISK" | node -e 'const t=JSON.parse(require("fs").readFileSync(0,"utf8")).partitiontable; const p=t.partitions['"$1"'-1]; const s=t.sectorsize||512; console.log(p.start*s, p.size*s)'; }
# Host-side fsck of a cut disk, on copies: the data and root partitions after replaying their
# journals (what the next mount does), then a full read-only check; the boot FAT read-only.
fsck_copies() {
  local label=$1 n start size copy out
  for n in 2 3; do
    read -r start size < <(part $n)
    copy=$T/p$n.img
    dd if="$DISK" of="$copy" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$size" status=none
    e2fsck -E journal_only -y "$copy" > /dev/null 2>&1 || true
    out=$(e2fsck -fn "$copy" 2>&1) || { echo "$out" >&2; die "$label: e2fsck -fn of partition $n (after its journal replay) found errors"; }
    echo "$label p$n: $(tail -1 <<< "$out")" >&2
    rm -f "$copy"
  done
  read -r start size < <(part 1)
  dd if="$DISK" of="$T/p1.img" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$size" status=none
  out=$(fsck.vfat -n "$T/p1.img" 2>&1) || { echo "$out" >&2; die "$label: fsck.vfat -n of the boot partition found errors"; }
  echo "$label p1: $(tail -1 <<< "$out")" >&2
  rm -f "$T/p1.img"
}

# The boot partition as mtools addresses it inside the disk: FILE@@OFFSET.
boot_fat() { local start size; read -r start size < <(part 1); echo "$DISK@@$start"; }
# The user's edit of antiphon.toml on the card: the test pad's own gadget side is not a pad.
mcopy -n -i "$(boot_fat)" ::antiphon.toml "$T/antiphon.toml"
grep -q '^\[devices\]$' "$T/antiphon.toml" || die "the boot partition's antiphon.toml has no [devices] table to edit"
sed -i 's/^\[devices\]$/&\nignore = ["f_midi"]   # added by the image test: its USB pad gadget'"'"'s own side/' "$T/antiphon.toml"
mcopy -o -i "$(boot_fat)" "$T/antiphon.toml" ::antiphon.toml
log "boot partition: antiphon.toml edited ([devices] ignore = [\"f_midi\"])"
ssh_opts=(-p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
  -o ConnectTimeout=60 -o LogLevel=ERROR)
# ssh_check: logs in with the boot partition's key, leaving proof in the share for the guest,
# and checks that the server offers nothing but keys.
ssh_check() {
  local out methods try
  for try in 1 2 3; do
    out=$(ssh "${ssh_opts[@]}" -i "$T/ssh-key" -o PasswordAuthentication=no root@127.0.0.1 \
      'echo "$(id -un) on $(hostname), antiphon $(systemctl is-active antiphon), / $(findmnt -no OPTIONS / | cut -d, -f1)" | tee /run/imagetest/ssh-login' 2>&1) && break
    log "ssh try $try: $out"
    [ "$try" -lt 3 ] || die "final boot: no SSH login with the key from the boot partition: $out"
    sleep 10
  done
  log "ssh login: $out"
  # Offering no method is refused, and the refusal lists what the server would accept.
  methods=$({ ssh "${ssh_opts[@]}" -v -o PubkeyAuthentication=no -o PreferredAuthentications=none root@127.0.0.1 true 2>&1 || true; } \
    | tr -d '\r' | sed -n 's/.*Authentications that can continue: //p' | head -1)
  [ "$methods" = publickey ] || die "final boot: sshd offers '$methods' (keys only wanted)"
  log "ssh without a key: the server offers only '$methods'"
}

boots=$((CUTS + 1))
for n in $(seq 1 "$boots"); do
  phase=cycle
  [ "$n" = 1 ] && phase=first
  [ "$n" = "$boots" ] && phase=final
  printf 'BOOT=%s\nPHASE=%s\n' "$n" "$phase" > "$T/plan"
  if [ "$phase" = final ]; then
    # The user drops their public key on the card: SSH comes on at the next boot.
    ssh-keygen -q -t ed25519 -N '' -C antiphon-image-test -f "$T/ssh-key"
    mcopy -o -i "$(boot_fat)" "$T/ssh-key.pub" ::authorized_keys
  fi
  t0=$SECONDS
  boot_guest "$n"
  if [ "$phase" = final ]; then
    wait_key "$n" ssh_listening "$BOOT_TIMEOUT"
    ssh_check
    wait_key "$n" passed "$BOOT_TIMEOUT"
    # The guest exited 0: systemd powers off; QEMU must end by itself, cleanly.
    deadline=$((SECONDS + 180))
    while kill -0 "$QEMU_PID" 2> /dev/null; do
      [ $SECONDS -lt $deadline ] || die "final boot: no clean power-off within 180 s of the guest passing"
      sleep 1
    done
    wait "$QEMU_PID" || die "final boot: QEMU exited with $?"
    QEMU_PID=
    grep -q 'reboot: Power down' "$T/console-$n.log" || die "final boot: the console shows no power-down"
    print_boot "$n"
    log "boot $n (final): checked and shut down cleanly in $((SECONDS - t0)) s"
    fsck_copies "after the clean shutdown"
    break
  fi
  wait_key "$n" recording "$BOOT_TIMEOUT"
  print_boot "$n"
  cut_after=$((5 + RANDOM % 36))
  sleep "$cut_after"
  guest_failed "$n"
  kill -9 "$QEMU_PID"
  wait "$QEMU_PID" 2> /dev/null || true
  QEMU_PID=
  log "boot $n ($phase): READY after $(result "$n" ready_at_uptime_s) s uptime; power cut $n of $CUTS after $cut_after s of recording ($((SECONDS - t0)) s in all); workload: $(grep -c '"finished"' "$T/cycle-$n.log" || true) recordings finished, $(grep -c '"settings"' "$T/cycle-$n.log" || true) settings seen saved"
  fsck_copies "after cut $n"
done
log "passed: $CUTS power cuts (seed $SEED), accel $accel, $HUNG_BOOTS boot(s) stalled before userspace and retried; total $((SECONDS - T_START)) s"
echo "image-vm: OK"
