#!/bin/bash
# Guest side of the image test (os-image/test/image-vm.sh). The image has no test hooks: the
# kernel command line mounts the host's share at /run/imagetest (systemd.mount-extra=) and runs
# this script (systemd.run=, systemd-run-generator) as root. $T/plan says what this boot does:
#   BOOT=n PHASE=first   READY, boot figures, SCHED_FIFO, read-only root, security, listening
#                        sockets, a call and its answer, SIGSTOP -> watchdog restart -> answers
#                        again; then records
#   BOOT=n PHASE=cycle   checks what the cut before left (check-cut.mjs), then records
#   BOOT=n PHASE=final   checks the last cut, waits for the host's SSH login (authorized_keys on
#                        the boot partition), then exits: the run-generator powers off cleanly
# Every boot plugs the USB pad gadget in (pad.mjs plug) while the box starts.
# "Records" = pad.mjs workload; the host kills QEMU at a random moment once `recording` is said.
# Results: $T/boot-$BOOT.result, key=value lines; `failed=...` names the check that broke.
set -u
T=/run/imagetest
# shellcheck source=/dev/null
. "$T/plan"
RESULT=$T/boot-$BOOT.result
: > "$RESULT"
exec >> "$T/guest-$BOOT.log" 2>&1
HERE=$T/image-vm
say() { echo "imagetest[$BOOT]: $*"; }
put() { echo "$1=$2" >> "$RESULT"; sync "$RESULT" 2>/dev/null; say "$1=$2"; }
fail() {
  say "FAIL: $*"
  journalctl -u antiphon --no-pager -o short-monotonic | tail -60
  put failed "$*"
  # The host reads the failure and stops; powering off saves it waiting for a timeout.
  systemctl poweroff --no-block
  exit 1
}
prop() { systemctl show -P "$1" antiphon.service; }
wait_for() {
  local deadline=$((SECONDS + $2))
  while ! eval "$1"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done
}
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
ready() { [ "$(prop ActiveState)" = active ] && [ -n "$(prop StatusText)" ]; }
# Service start to READY: systemd's own monotonic timestamps of the exec and of `active`.
start_to_ready_ms() { echo $(( ($(prop ActiveEnterTimestampMonotonic) - $(prop ExecMainStartTimestampMonotonic)) / 1000 )); }
answer() {
  local out
  out=$(timeout 120 node "$HERE/pad.mjs" answer) || fail "$1: the pad played a call and no answer came back ($out)"
  put "$1" "$out"
}

put uptime_at_guest_start_s "$(now)"
out=$(node "$HERE/pad.mjs" plug 2>&1) || fail "could not plug the USB pad gadget in: $out"
put pad "$out"
wait_for ready 300 || fail "antiphon.service not READY within 300 s of the guest starting (ActiveState $(prop ActiveState), Result $(prop Result))"
put ready_at_uptime_s "$(now)"
put status "$(prop StatusText)"
put start_to_ready_ms "$(start_to_ready_ms)"
put restarts_before_ready "$(prop NRestarts)"
put timeout_start "$(prop TimeoutStartUSec)"
# The default target is reached when no job is left but its own start and this guest's unit
# (the target is ordered after the units it wants, this one included, so it waits for us).
target=$(systemctl get-default)
others() { systemctl list-jobs --no-legend | awk '{print $2}' | grep -v -x -e "$target" -e kernel-command-line.service; }
wait_for '[ -z "$(others)" ]' 300 || fail "systemd did not reach $target: jobs left $(others | tr '\n' ' ')"
put default_target "$target: every other job done"
# With systemd.run= the default target may be kernel-command-line.target: the box's is multi-user.
[ "$target" = multi-user.target ] || [ "$(systemctl is-active multi-user.target)" = active ] \
  || fail "multi-user.target is $(systemctl is-active multi-user.target)"
put system_state "$(systemctl is-system-running) (jobs: $(systemctl list-jobs --no-legend | awk '{print $2}' | tr '\n' ' '))"
# systemd-analyze says "not yet finished" while this guest's unit is part of the boot: it is
# printed as it is, and the boot's figures from systemd's own timestamps beside it.
put systemd_analyze "$(systemd-analyze time 2>&1 | head -1)"
us() { if [ $# -gt 1 ]; then systemctl show -P "$1" "$2"; else systemctl show -P "$1"; fi; }
put boot_kernel_to_userspace_s "$(awk -v u="$(us UserspaceTimestampMonotonic)" 'BEGIN { printf "%.1f", u / 1e6 }')"
put boot_to_ready_s "$(awk -v u="$(prop ActiveEnterTimestampMonotonic)" 'BEGIN { printf "%.1f", u / 1e6 }')"
# What fsck said about the data partition at this boot (after the cut before it).
put fsck_data "$(journalctl -b -o cat --no-pager -u 'systemd-fsck@dev-disk-by\x2dlabel-antiphon\x2ddata.service' | grep -v -e '^Starting' -e '^Finished' -e '^Stopp' | tr '\n' ' ' | cut -c1-300)"
put data_mount "$(findmnt -n -o SOURCE,FSTYPE,OPTIONS,SIZE /var/lib/antiphon)"
findmnt -n /var/lib/antiphon > /dev/null || fail "/var/lib/antiphon is not a mount"

if [ "$PHASE" != first ]; then
  prev=$T/cycle-$((BOOT - 1)).log
  [ -s "$prev" ] || fail "no workload log from the boot before ($prev)"
  # The box sweeps a cut's temp files at start: the recorder at once, the settings when the
  # panel surface restores them (after READY). Give it until it logs the restore or 60 s.
  wait_for 'journalctl -u antiphon -b -o cat --no-pager | grep -q -e "panel settings" -e "settings not restored"' 60 || true
  out=$(node "$HERE/check-cut.mjs" "$prev") || fail "after power cut $((BOOT - 1)): $out"
  put cut_check "$out"
  left=$(node "$HERE/pad.mjs" partials)
  put partial_files_after_start "$left"
  [ "$left" = "[]" ] || fail "partial files left after the box started: $left"
  put swept_by_box "$(journalctl -u antiphon -b -o cat --no-pager | grep -c 'left by a power cut removed')"
fi

if [ "$PHASE" = first ]; then
  pid=$(prop MainPID)
  put service_user "$(ps -o user= -p "$pid")"
  put threads_fifo "$(ps -L -o tid=,cls=,rtprio=,comm= -p "$pid" | awk '$2 == "FF" { printf "%s:%s:%s ", $1, $3, $4 }')"
  ps -L -o cls= -p "$pid" | grep -q FF || fail "no thread of the box runs SCHED_FIFO ($(ps -L -o tid,cls,rtprio,comm -p "$pid" | tr '\n' ' '))"
  tid=$(ps -L -o tid=,cls= -p "$pid" | awk '$2 == "FF" { print $1; exit }')
  put chrt "$(chrt -p "$tid" | tr '\n' ' ')"
  put watchdog_usec "$(prop WatchdogUSec)"

  # Read-only root: as root, writes fail with EROFS everywhere but the data partition and tmpfs.
  for d in / /etc /usr /var /var/lib /boot/firmware; do
    err=$( { : > "$d/.imagetest-write"; } 2>&1 ) && { rm -f "$d/.imagetest-write"; fail "root could write $d"; }
    case $err in *"Read-only file system"*) ;; *) fail "writing $d failed, but not with EROFS: $err";; esac
  done
  put readonly_checked "/ /etc /usr /var /var/lib /boot/firmware: EROFS"
  : > /var/lib/antiphon/.imagetest-write || fail "/var/lib/antiphon is not writable"
  rm -f /var/lib/antiphon/.imagetest-write
  put findmnt "$(for m in / /boot/firmware /var/lib/antiphon; do findmnt -n -o TARGET,FSTYPE,OPTIONS "$m"; done | tr -s ' ' | tr '\n' ';')"
  findmnt -n -o OPTIONS / | grep -q '^ro' || fail "/ is not mounted read-only"

  sec=$(systemd-analyze security --no-pager antiphon.service 2>&1 | sed -n 's/.*Overall exposure level for antiphon.service: \([0-9.]*\).*/\1/p')
  put security_exposure "$sec"
  [ -n "$sec" ] || fail "systemd-analyze security printed no exposure"
  awk -v s="$sec" 'BEGIN { exit !(s <= 3.0) }' || fail "security exposure $sec > 3.0"

  # Nothing listens but the web page (and networkd's DHCP client); SSH is off without a key.
  listening=$(ss -H -ltunp | awk '{ p = $7; sub(/.*\(\("/, "", p); sub(/".*/, "", p); printf "%s %s %s; ", $1, $5, p }')
  put listening "$listening"
  unexpected=$(ss -H -ltunp | awk '!($1 == "tcp" && $5 ~ /:8080$/ && $7 ~ /"node"/) && !($1 == "udp" && $5 ~ /:(68|546)$/ && $7 ~ /systemd-network/)')
  [ -z "$unexpected" ] || fail "listening sockets besides the web page: $unexpected"
  ! systemctl is-active -q ssh.service || fail "ssh.service is active with no authorized_keys on the boot partition"

  wait_for 'journalctl -u antiphon -b -o cat --no-pager | grep "device roles" | grep "Test Pad" | grep -q human' 60 \
    || fail "the box never gave the USB pad the human role"
  answer answer_first

  say "SIGSTOP: the watchdog must restart the box"
  # The box as it runs now: under a loaded TCG host its own watchdog may have restarted it, and
  # a box still starting is not watched yet (systemd waits for TimeoutStartSec), so wait for READY.
  wait_for ready 300 || fail "the box is not READY before the SIGSTOP check"
  pid=$(prop MainPID); restarts=$(prop NRestarts); t0=$(now)
  put restarts_before_sigstop "$restarts"
  kill -STOP "$pid" || fail "could not SIGSTOP the box's main process $pid"
  # "10s", "1min", "1min 30s" -> seconds
  limit_s=$(prop WatchdogUSec | awk '{ t = 0; for (i = 1; i <= NF; i++) { v = $i; if (v ~ /min$/) { sub(/min$/, "", v); t += v * 60 } else if (v ~ /[0-9]s$/) { sub(/s$/, "", v); t += v } } print t }')
  wait_for '[ "$(prop NRestarts)" -gt "$restarts" ]' $((limit_s + 60)) || fail "no restart within WatchdogSec ($limit_s s) + 60 s of SIGSTOP"
  put sigstop_to_restart_s "$(since "$t0")"
  timeout_at=$(journalctl -u antiphon -b --no-pager -o short-monotonic | grep -m1 'Watchdog timeout' | sed 's/^\[ *\([0-9.]*\)\].*/\1/')
  [ -n "$timeout_at" ] || fail "the journal shows no watchdog timeout"
  put sigstop_to_watchdog_timeout_s "$(awk -v a="$t0" -v b="$timeout_at" 'BEGIN { printf "%.1f", b - a }')"
  wait_for 'ready && [ "$(prop MainPID)" != "$pid" ]' 300 || fail "not READY again after the watchdog restart"
  put sigstop_to_ready_again_s "$(since "$t0")"
  put restart_start_to_ready_ms "$(start_to_ready_ms)"
  wait_for '[ "$(journalctl -u antiphon -b -o cat --no-pager | grep "device roles" | grep "Test Pad" | grep -c human)" -ge 2 ]' 60 \
    || fail "the restarted box never took the pad as the human"
  answer answer_after_restart
fi

if [ "$PHASE" = final ]; then
  [ -f /boot/firmware/authorized_keys ] || fail "the host put no authorized_keys on the boot partition"
  wait_for 'systemctl is-active -q ssh.service && [ -n "$(ss -H -ltn "sport = :22")" ]' 300 \
    || fail "authorized_keys on the boot partition, but sshd is not listening (ssh.service $(systemctl is-active ssh.service))"
  put ssh_listening "$(ss -H -ltn 'sport = :22' | awk '{ print $4 }' | tr '\n' ' ')"
  wait_for "[ -s '$T/ssh-login' ]" 300 || fail "no SSH login from the host within 300 s"
  put ssh_login "$(cat "$T/ssh-login")"
  # A clean stop (STOPPING=1 after the panic's note-offs) before the clean power-off.
  t0=$(now)
  systemctl stop antiphon.service
  put stop_result "$(prop Result) in $(since "$t0") s"
  [ "$(prop Result)" = success ] || fail "systemctl stop ended with $(prop Result)"
  put passed yes
  exit 0   # systemd.run_success_action=poweroff: a clean shutdown the host waits for
fi

log=$T/cycle-$BOOT.log
node "$HERE/pad.mjs" workload "$log" > "$T/workload-$BOOT.out" 2>&1 &
wait_for "grep -q '\"kind\":\"call\"' '$log' 2>/dev/null" 60 || fail "the workload did not start ($(cat "$T/workload-$BOOT.out"))"
put recording "since uptime $(now)"
# The host kills QEMU now, at a moment of its choosing; if the workload dies first, say so.
wait %1
fail "the workload stopped: $(tail -5 "$T/workload-$BOOT.out")"
