# Sourced by the image boot tests (image-vm.sh, image-arm64-vm.sh): kernel command line
# fragments that bring a test into an image that has no test hooks. Each prints its fragment
# with a leading space.

# guest_run_cmdline SCRIPT: mounts the host's 9p share (QEMU tag `testout`) at /run/imagetest
# and runs SCRIPT as root once the system is up (systemd-run-generator). The share's mount waits
# for systemd-modules-load, which loads 9pnet_virtio: otherwise, on a loaded host, the mount can
# come before udev has loaded the transport ("9pnet_virtio: no channels available") and the boot
# drops to emergency mode. The run-generator's own default target loses to the image's
# default.target, so the service is pulled in by name (systemd-debug-generator).
guest_run_cmdline() {
  printf ' %s' \
    "systemd.mount-extra=testout:/run/imagetest:9p:trans=virtio,version=9p2000.L,x-systemd.after=systemd-modules-load.service" \
    modules_load=9pnet_virtio "systemd.run=$1" systemd.wants=kernel-command-line.service
}

# tcg_timeouts_cmdline: under TCG on a shared machine (load 13 on 2 cores here) node alone takes
# ~50-60 s to load the box (a Pi: ~1 s), past the unit's TimeoutStartSec=60, and the event loop
# stalls > 2 s, so the box skips pets and WatchdogSec=10 kills it mid-start. This gives the VM's
# antiphon.service 300 s and 60 s through a credential-borne drop-in (systemd 256+,
# systemd-debug-generator), and says so on stderr; the tests print the start -> READY time and
# the watchdog limit in force. IMAGE_VM_REAL_TIMEOUTS=1 keeps the unit's own.
tcg_timeouts_cmdline() {
  [ "${IMAGE_VM_REAL_TIMEOUTS:-0}" = 0 ] || return 0
  local dropin
  dropin=$(printf '[Service]\nTimeoutStartSec=300\nWatchdogSec=60\n' | base64 -w0)
  echo "TCG: antiphon.service gets TimeoutStartSec=300 WatchdogSec=60 in this VM (kernel command line credential)" >&2
  printf ' systemd.set_credential_binary=systemd.unit-dropin.antiphon.service:%s' "$dropin"
}
