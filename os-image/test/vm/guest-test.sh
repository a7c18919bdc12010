#!/bin/bash
# Guest side of the systemd VM test (run by antiphon-vmtest.service under systemd as PID 1).
# Installs the .deb with the stand-in as ExecStart (a drop-in), then checks: READY and the
# status text reach systemd, the clock thread got SCHED_FIFO without root, a SIGSTOP'd box
# is restarted by the watchdog, a hung worker thread stops the pets (and the log names it),
# stop is clean, and purge removes the service. Results: /antiphon-test/result (key=value).
set -u
T=/antiphon-test
RESULT=$T/result
: > "$RESULT"
say() { echo "vmtest: $*"; }
put() { echo "$1=$2" >> "$RESULT"; say "$1=$2"; }
fail() {
  say "FAIL: $*"; put failed "$*"
  journalctl -u antiphon --no-pager -o short-monotonic | tail -40
  exit 1
}
prop() { systemctl show -P "$1" antiphon.service; }
# Waits up to $2 s for the shell condition $1.
wait_for() {
  local deadline=$((SECONDS + $2))
  while ! eval "$1"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done
}
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

put systemd "$(systemctl --version | head -1)"
put guest_uptime_at_test_start_s "$(now)"
mkdir -p /etc/systemd/system/antiphon.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/bin/node %s/standin-service.mjs\n' "$T" \
  > /etc/systemd/system/antiphon.service.d/standin.conf

say "dpkg -i (postinst starts the service and waits for READY)"
t0=$(now)
dpkg -i "$T/antiphon.deb" || fail "dpkg -i failed"
put install_s "$(since "$t0")"
[ "$(prop ActiveState)" = active ] || fail "antiphon.service is $(prop ActiveState) after install"
status=$(prop StatusText)
put status "$status"
case $status in listening*) ;; *) fail "StatusText is '$status', not listening";; esac
start_us=$(prop ExecMainStartTimestampMonotonic); ready_us=$(prop ActiveEnterTimestampMonotonic)
put start_to_ready_ms $(( (ready_us - start_us) / 1000 ))
case $status in *SCHED_FIFO*) ;; *) fail "the clock thread did not get SCHED_FIFO: $status";; esac
tid=$(sed -n 's/.*SCHED_FIFO tid \([0-9]*\).*/\1/p' <<<"$status")
put clock_thread_policy "$(chrt -p "$tid" | tr '\n' ' ')"
put user "$(ps -o user= -p "$(prop MainPID)")"
put watchdog_usec "$(prop WatchdogUSec)"

say "SIGSTOP: the watchdog must restart the box"
pid=$(prop MainPID); restarts=$(prop NRestarts)
t0=$(now)
kill -STOP "$pid"
# Killed within WatchdogSec (10 s) of the last pet; starting again takes what start-up takes.
wait_for '[ "$(prop NRestarts)" -gt "$restarts" ]' 60 || fail "no restart within 60 s of SIGSTOP"
put sigstop_to_restart_s "$(since "$t0")"
wait_for '[ "$(prop ActiveState)" = active ] && [ "$(prop MainPID)" != "$pid" ]' 180 || fail "not active again after the restart"
put sigstop_to_ready_again_s "$(since "$t0")"
timeout_at=$(journalctl -u antiphon --no-pager -o short-monotonic | grep -m1 'Watchdog timeout' | sed 's/^\[ *\([0-9.]*\)\].*/\1/')
[ -n "$timeout_at" ] || fail "the journal shows no watchdog timeout"
# systemd's own timestamp of the timeout, against the uptime at SIGSTOP: at most WatchdogSec.
put sigstop_to_watchdog_timeout_s "$(awk -v a="$t0" -v b="$timeout_at" 'BEGIN { printf "%.1f", b - a }')"
put sigstop_result "watchdog restart"

say "a hung worker thread: the box stops petting and says which check failed"
pid=$(prop MainPID); restarts=$(prop NRestarts)
t0=$(now)
kill -USR1 "$pid"
wait_for '[ "$(prop NRestarts)" -gt "$restarts" ]' 60 || fail "no restart within 60 s of hanging the worker"
put hung_worker_to_restart_s "$(since "$t0")"
wait_for '[ "$(prop ActiveState)" = active ]' 180 || fail "not active again after the restart"
journalctl -u antiphon --no-pager | grep -q 'model-worker:standin check failed' || fail "the log does not name the failed check"
put hung_worker_log "$(journalctl -u antiphon --no-pager -o cat | grep -m1 'check failed' | cut -c1-160)"

say "systemctl stop: STOPPING=1 and a clean exit"
systemctl stop antiphon.service
put stop_result "$(prop Result)"
[ "$(prop Result)" = success ] || fail "stop ended with $(prop Result)"

say "dpkg --purge"
dpkg --purge antiphon || fail "dpkg --purge failed"
rm -rf /etc/systemd/system/antiphon.service.d
systemctl daemon-reload
[ "$(systemctl show -P LoadState antiphon.service)" = not-found ] || fail "antiphon.service still loads after purge"
[ ! -e /var/lib/antiphon ] || fail "/var/lib/antiphon is left after purge"
put passed yes
