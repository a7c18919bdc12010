#!/bin/bash
# Hardware-simulation VM: boots Debian's own kernel under QEMU with real kernel stand-ins for
# the box's hardware (snd-virmidi, a configfs USB MIDI gadget on dummy_hcd, i2c-stub, gpio-sim,
# a second UART joined to a host Unix socket) and runs a command inside it.
#
#   hw-sim.sh prepare          install host packages, fetch the kernel, build modules + initramfs
#   hw-sim.sh run 'CMD'        boot, run CMD (bash) in the repo dir inside the VM, exit with its code
#
# The guest runs the host's own / (read-only 9p + RAM overlay), so node, the repo and its
# node_modules are used in place. Environment knobs:
#   HWSIM_KVER        kernel ABI to use (default: what linux-image-amd64 depends on)
#   HWSIM_CACHE_ROOT  where downloads and builds live (default $HOME/.cache/antiphon-hwsim;
#                     never under /tmp or /run: the guest mounts fresh tmpfs there)
#   HWSIM_OUT         writable folder shared with the guest at the same path (default: a fresh
#                     folder under the cache); the guest sees it as $HWSIM_OUT too
#   HWSIM_HOST_PEER   host-side command started once QEMU listens on the second UART's socket;
#                     it gets HWSIM_DIN_SOCKET and HWSIM_OUT; its exit code must be 0
#   HWSIM_TIMEOUT     seconds before the VM is killed (default 900)
#   HWSIM_MEM / HWSIM_SMP   guest memory in MiB (default 2048) / CPUs (default 2)
#   HWSIM_TIMINGS     file to which run appends "boot=<s>" and "command=<s>" lines
#   HWSIM_PASS_ENV    names of host environment variables to export inside the guest
set -Eeuo pipefail
# Whatever fails unexpectedly still says what and where: this harness never fails silently.
trap 'echo "hw-sim: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of hw-sim.sh" >&2' ERR
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE_ROOT=${HWSIM_CACHE_ROOT:-$HOME/.cache/antiphon-hwsim}

die() { echo "hw-sim: ERROR: $*" >&2; exit 1; }
log() { echo "hw-sim: $*" >&2; }

# The kernel command line and 9p paths are split on spaces inside the guest.
case "$REPO$CACHE_ROOT" in *[[:space:]]*) die "paths with spaces are not supported: $REPO, $CACHE_ROOT";; esac
case "$CACHE_ROOT" in /tmp/*|/run/*) die "HWSIM_CACHE_ROOT=$CACHE_ROOT is under /tmp or /run, which the guest hides";; esac
case "$REPO" in /tmp/*|/run/*) die "the repo ($REPO) is under /tmp or /run, which the guest hides; clone it elsewhere";; esac

# Everything used on the host *and* inside the guest (the guest runs the host's userland).
HOST_PACKAGES=(qemu-system-x86 busybox-static kmod cpio xz-utils gcc make libc6-dev python3
  alsa-utils i2c-tools gpiod usbutils udev libasound2 fluidsynth timgm6mb-soundfont)

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" = 1 ] && return 0
  log "apt-get update"
  # A stale or unreachable extra source must not stop us; a missing package fails loudly later.
  apt-get update -qq || log "warning: apt-get update reported errors; continuing"
  APT_UPDATED=1
}

ensure_packages() {
  local missing=() p
  for p in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root so hw-sim can install them)"
  apt_update_once
  log "installing: ${missing[*]}"
  mkdir -p "$CACHE_ROOT"
  # dpkg's chatter goes to a log; it is shown only when the install fails.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    > "$CACHE_ROOT/apt-install.log" 2>&1 \
    || { tail -30 "$CACHE_ROOT/apt-install.log" >&2; die "apt-get install failed for: ${missing[*]}"; }
}

# The kernel package on the mirror changes when Debian publishes a new ABI, so follow the
# meta-package instead of pinning a version that will vanish.
resolve_kver() {
  if [ -n "${HWSIM_KVER:-}" ]; then echo "$HWSIM_KVER"; return; fi
  { apt-cache depends linux-image-amd64 2>/dev/null || true; } \
    | sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -1
}

# apt-get download of an exact package; names the package when it cannot be fetched.
download() { (cd "$1" && shift && apt-get download -qq "$@") || die "cannot download $* from the Debian archive"; }

prepare_kernel() {  # $1 = cache dir for this KVER
  local C=$1 kpkg_ver kbuild hdr_common
  [ -f "$C/.kernel-ok" ] && return 0
  log "fetching kernel $KVER"
  rm -rf "$C/kroot" "$C/hdr"; mkdir -p "$C/deb" "$C/kroot" "$C/hdr"
  kpkg_ver=$({ apt-cache show "linux-image-$KVER" 2>/dev/null || true; } | sed -n 's/^Version: //p' | head -1)
  [ -n "$kpkg_ver" ] || die "linux-image-$KVER is not in the apt index (set HWSIM_KVER to an available ABI)"
  # The headers' own dependencies name the matching -common and kbuild packages.
  hdr_common=$({ apt-cache depends "linux-headers-$KVER" 2>/dev/null || true; } | sed -n 's/^ *Depends: \(linux-headers-[^ ]*-common\)$/\1/p' | head -1)
  kbuild=$({ apt-cache depends "linux-headers-$KVER" 2>/dev/null || true; } | sed -n 's/^ *Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -1)
  [ -n "$hdr_common" ] && [ -n "$kbuild" ] || die "cannot resolve header packages of linux-headers-$KVER"
  download "$C/deb" "linux-image-$KVER" "linux-headers-$KVER" "$hdr_common" "$kbuild"
  dpkg -x "$C"/deb/linux-image-"$KVER"_*.deb "$C/kroot"
  for d in "$C"/deb/linux-headers-*.deb "$C"/deb/linux-kbuild-*.deb; do dpkg -x "$d" "$C/hdr"; done
  # The headers' Makefile includes the -common tree by its installed path; point it at ours.
  sed -i "s#include /usr/src/#include $C/hdr/usr/src/#" "$C/hdr/usr/src/linux-headers-$KVER/Makefile"
  # QEMU boots an uncompressed vmlinux through its PVH entry; unpacking bzImage under TCG costs seconds.
  python3 - "$C/kroot/boot/vmlinuz-$KVER" "$C/vmlinux" <<'EOF'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xfd7zXZ\x00')
if i < 0: sys.exit('vmlinuz has no xz payload')
v = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[i:])
if v[:4] != b'\x7fELF': sys.exit('decompressed kernel is not ELF')
open(sys.argv[2], 'wb').write(v)
EOF
  echo "$kpkg_ver" > "$C/kernel-package-version"
  rm -f "$C"/deb/linux-image-*.deb   # unpacked; the .deb alone is ~60 MB
  touch "$C/.kernel-ok"
}

# Debian leaves CONFIG_GPIO_SIM / GPIO_MOCKUP / IRQ_SIM unset: build them out of tree from the
# same kernel's linux-source package.
prepare_gpio_modules() {
  local C=$1 series ver src=$1/gpio-oot
  [ -f "$C/.gpio-ok" ] && return 0
  series=$(echo "$KVER" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
  ver=$(cat "$C/kernel-package-version")
  log "building gpio-sim, gpio-mockup, irq_sim from linux-source-$series"
  rm -rf "$src" "$C/deb/src"; mkdir -p "$src" "$C/deb/src"
  # Prefer the source of exactly this kernel build; older uploads can vanish from the mirror.
  (cd "$C/deb" && { apt-get download -qq "linux-source-$series=$ver" 2>/dev/null \
      || apt-get download -qq "linux-source-$series"; }) || die "cannot download linux-source-$series"
  dpkg -x "$C"/deb/linux-source-"$series"_*.deb "$C/deb/src"
  tar -xJf "$C/deb/src/usr/src/linux-source-$series.tar.xz" -C "$src" --strip-components=3 \
    "linux-source-$series/drivers/gpio/gpio-sim.c" "linux-source-$series/drivers/gpio/gpio-mockup.c" \
    "linux-source-$series/drivers/gpio/gpiolib.h" "linux-source-$series/kernel/irq/irq_sim.c" \
    || die "linux-source-$series lacks the GPIO simulator sources"
  rm -rf "$C/deb/src" "$C"/deb/linux-source-*.deb
  # irq_sim.c calls irq_to_desc(), which modules cannot use; generic_handle_irq() does the same.
  sed -i 's/handle_simple_irq(irq_to_desc(\([a-z_]*\)))/generic_handle_irq(\1)/' "$src/irq_sim.c"
  ! grep -q 'irq_to_desc' "$src/irq_sim.c" || die "irq_sim.c of $series still uses irq_to_desc(); update the patch in hw-sim.sh"
  grep -q MODULE_LICENSE "$src/irq_sim.c" || echo 'MODULE_LICENSE("GPL");' >> "$src/irq_sim.c"
  cp "$HERE/gpio-oot/Makefile" "$src/"
  make -s -C "$C/hdr/usr/src/linux-headers-$KVER" M="$src" modules || die "building the GPIO simulator modules failed"
  mkdir -p "$C/kroot/lib/modules/$KVER/extra"
  cp "$src"/*.ko "$C/kroot/lib/modules/$KVER/extra/"
  depmod -b "$C/kroot" "$KVER"
  touch "$C/.gpio-ok"
}

prepare() {
  ensure_packages
  mkdir -p "$CACHE_ROOT"
  # Several worktrees may prepare at once; one builds, the others wait and reuse.
  exec 9>"$CACHE_ROOT/.lock"; flock 9
  KVER=$(resolve_kver)
  if [ -z "$KVER" ] || [ ! -f "$CACHE_ROOT/$KVER/.ready" ]; then
    apt_update_once   # a cold build needs a current index: old kernel ABIs leave the mirror
    KVER=$(resolve_kver)
    [ -n "$KVER" ] || die "cannot resolve the kernel: apt-cache depends linux-image-amd64 gave no linux-image-*-amd64"
  fi
  local C=$CACHE_ROOT/$KVER
  mkdir -p "$C"
  if [ ! -f "$C/.ready" ]; then
    prepare_kernel "$C"
    prepare_gpio_modules "$C"
    touch "$C/.ready"
  fi
  # The initramfs is cheap; rebuild it whenever init or its builder changed.
  local want; want=$(cat "$HERE/init" "$HERE/build-initramfs.sh" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$C/initrd.sha256" 2>/dev/null)" != "$want" ] || [ ! -f "$C/initrd.cpio.gz" ]; then
    "$HERE/build-initramfs.sh" "$C/kroot" "$KVER" "$C/initrd.cpio.gz" "$HERE/init" \
      || die "building the initramfs failed"
    echo "$want" > "$C/initrd.sha256"
  fi
  echo "$KVER" > "$CACHE_ROOT/current"
  log "ready: kernel $KVER in $C"
}

# Host-side QEMU acceleration: /dev/kvm can exist yet be useless (nested virtualisation of
# another kind makes stock kernels crawl or crash), so trust only real VMX/SVM KVM.
pick_accel() {
  if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    echo "kvm host"; else echo "tcg max"; fi
}

now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }

run() {
  local cmd=$1
  command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing; run '$0 prepare' first"
  if [ -n "${HWSIM_KVER:-}" ]; then KVER=$HWSIM_KVER
  else KVER=$(cat "$CACHE_ROOT/current" 2>/dev/null) || die "no prepared kernel in $CACHE_ROOT; run '$0 prepare' first"; fi
  local C=$CACHE_ROOT/$KVER
  [ -f "$C/.ready" ] || die "kernel $KVER is not prepared in $C; run '$0 prepare' first"

  # Old results pile up otherwise: keep two days' worth.
  find "$CACHE_ROOT/out" -mindepth 1 -maxdepth 1 -type d -mtime +2 -exec rm -rf {} + 2>/dev/null || true
  local out=${HWSIM_OUT:-}
  if [ -z "$out" ]; then mkdir -p "$CACHE_ROOT/out"; out=$(mktemp -d "$CACHE_ROOT/out/run.XXXXXX"); fi
  mkdir -p "$out"; out=$(cd "$out" && pwd)
  case "$out" in /tmp/*|/run/*|*[[:space:]]*) die "HWSIM_OUT=$out must not be under /tmp or /run nor contain spaces";; esac
  # A Unix socket path must fit in 108 bytes, so keep it short and beside the cache.
  mkdir -p "$CACHE_ROOT/sock"
  local sock=${HWSIM_DIN_SOCKET:-$CACHE_ROOT/sock/din.$$}
  [ ${#sock} -lt 100 ] || die "socket path too long for AF_UNIX: $sock"
  rm -f "$sock" "$out/qemu.rc" "$out/exit" "$out/booted"

  # The command travels as a script in the shared writable folder (same path in the guest).
  {
    echo "export HWSIM=1 HWSIM_OUT=$out HWSIM_REPO=$REPO HWSIM_DIN_TTY=/dev/ttyS1 HWSIM_KVER=$KVER CI=1"
    local v
    for v in ${HWSIM_PASS_ENV:-}; do [ -z "${!v+x}" ] || printf 'export %s=%q\n' "$v" "${!v}"; done
    echo "cd $REPO"
    printf '%s\n' "$cmd"
  } > "$out/cmd.sh"
  chmod +x "$out/cmd.sh"

  local accel cpu; read -r accel cpu < <(pick_accel)
  [ -r "$C/vmlinux" ] || die "$C/vmlinux missing; run '$0 prepare'"
  log "booting kernel $KVER ($accel), results in $out"
  local t0 timeout=${HWSIM_TIMEOUT:-900}
  t0=$(now)
  # Console lines are copied to stdout and console.log; markers from the guest's init give the
  # boot and command times.
  (
    rc=0
    timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
      -machine q35,accel="$accel" -cpu "$cpu" -m "${HWSIM_MEM:-2048}" -smp "${HWSIM_SMP:-2}" \
      -nographic -no-reboot -nic none -pidfile "$out/qemu.pid" \
      -kernel "$C/vmlinux" -initrd "$C/initrd.cpio.gz" \
      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
      -virtfs local,path="$out",mount_tag=hwsimout,security_model=none,multidevs=remap \
      -serial mon:stdio \
      -chardev socket,id=din,path="$sock",server=on,wait=off -serial chardev:din \
      -append "console=ttyS0 quiet loglevel=3 panic=-1 hwsim.out=$out hwsim.modules=$C/kroot/lib/modules/$KVER hwsim.cmd=$out/cmd.sh" \
      </dev/null 2>&1 || rc=$?
    echo "$rc" > "$out/qemu.rc"
  ) | while IFS= read -r line; do
    line=${line%$'\r'}
    printf '%s\n' "$line"
    printf '%s\n' "$line" >> "$out/console.log"
    case $line in
      # SeaBIOS leaves no newline, so a marker can share its line with earlier output.
      *"HWSIM: running"*) now > "$out/booted";;
      *HWSIM_EXIT=[0-9]*) rc=${line##*HWSIM_EXIT=}; echo "${rc%%[!0-9]*}" > "$out/exit"; now > "$out/done";;
    esac
  done &
  local console_pid=$! peer_pid=""

  if [ -n "${HWSIM_HOST_PEER:-}" ]; then
    local i=0
    while [ ! -S "$sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    [ -S "$sock" ] || { kill_qemu "$out"; die "QEMU never created the UART socket $sock"; }
    log "host peer: $HWSIM_HOST_PEER (socket $sock, log $out/peer.log)"
    (cd "$REPO" && HWSIM_DIN_SOCKET=$sock HWSIM_OUT=$out exec bash -c "$HWSIM_HOST_PEER") > "$out/peer.log" 2>&1 &
    peer_pid=$!
  fi
  trap 'kill_qemu "$out"; [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null; exit 130' INT TERM
  wait "$console_pid" || true
  trap - INT TERM

  local qrc guest_rc peer_rc=0 t_end
  t_end=$(now)
  qrc=$(cat "$out/qemu.rc" 2>/dev/null || echo 99)
  if [ -n "$peer_pid" ]; then
    # The peer sees EOF when QEMU closes the socket; give it a moment to report, then stop it.
    local i=0
    while kill -0 "$peer_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$peer_pid" 2>/dev/null; then
      kill "$peer_pid" 2>/dev/null; log "host peer did not exit 10 s after the VM stopped"; peer_rc=124
    else wait "$peer_pid" || peer_rc=$?; fi
    sed 's/^/hw-sim peer: /' "$out/peer.log" >&2
  fi
  rm -f "$sock"

  if [ -f "$out/booted" ]; then
    local tb tc; tb=$(elapsed "$t0" "$(cat "$out/booted")")
    tc=$(elapsed "$(cat "$out/booted")" "$(cat "$out/done" 2>/dev/null || echo "$t_end")")
    log "timing: boot ${tb}s, command ${tc}s"
    [ -n "${HWSIM_TIMINGS:-}" ] && printf 'boot=%s\ncommand=%s\n' "$tb" "$tc" >> "$HWSIM_TIMINGS"
  fi
  if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then die "VM timed out after ${timeout}s (HWSIM_TIMEOUT); console: $out/console.log"; fi
  if grep -q '^HWSIM: FATAL' "$out/console.log" 2>/dev/null; then
    die "VM set-up failed: $(grep '^HWSIM: FATAL' "$out/console.log" | head -1); console: $out/console.log"; fi
  [ -f "$out/booted" ] || die "VM never started the command (qemu exit $qrc); console: $out/console.log"
  [ -f "$out/exit" ] || die "VM never printed its HWSIM_EXIT marker (qemu exit $qrc: crash or panic?); console: $out/console.log"
  guest_rc=$(cat "$out/exit")
  [ "$peer_rc" = 0 ] || { log "host peer failed with exit $peer_rc"; [ "$guest_rc" != 0 ] || guest_rc=$peer_rc; }
  exit "$guest_rc"
}

kill_qemu() {  # $1 = out dir holding qemu.pid
  local pid; pid=$(cat "$1/qemu.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
}

case ${1:-} in
  prepare) prepare;;
  run) shift; [ $# -gt 0 ] || die "usage: $0 run CMD"; run "$*";;
  *) echo "usage: $0 prepare | run CMD" >&2; exit 2;;
esac
