#!/bin/bash
# The VM stage of `npm test`: prepares the hw-sim VM (cached), boots it once and runs every
# test/hwsim/**/*.test.ts inside it with vitest (vitest.hwsim.config.ts). Prints how long each
# stage took and fails when any stage fails or when no test ran at all.
#   run-suites.sh [VITEST ARGS...]   e.g. `npm run test:hwsim -- hotplug` runs matching files only
# Variables named in HWSIM_PASS_ENV (e.g. HOTPLUG_CYCLES) reach the suites inside the VM.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE_ROOT=${HWSIM_CACHE_ROOT:-$HOME/.cache/antiphon-hwsim}
cd "$REPO"

now() { echo "${EPOCHREALTIME/,/.}"; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }
fail() { echo "run-suites: FAILED: $*" >&2; exit 1; }

t0=$(now)
bash "$HERE/hw-sim.sh" prepare || fail "prepare (see the hw-sim: ERROR line above)"
t1=$(now)

mkdir -p "$CACHE_ROOT/out"
out=$(mktemp -d "$CACHE_ROOT/out/suites.XXXXXX")
export HWSIM_OUT=$out HWSIM_TIMINGS=$out/timings
# Twelve suites under an emulated CPU take several minutes; a hang still ends the stage, loudly.
export HWSIM_TIMEOUT=${HWSIM_TIMEOUT:-2400}
# The second UART's host end: a loopback cable, so suites can send and receive DIN MIDI,
# which din-clock.test.ts can also turn into a clock source (peers/din-clock-peer.ts).
export HWSIM_HOST_PEER=${HWSIM_HOST_PEER:-"$REPO/node_modules/.bin/tsx $HERE/peers/din-clock-peer.ts"}
rc=0
bash "$HERE/hw-sim.sh" run "node_modules/.bin/vitest run --config vitest.hwsim.config.ts $(printf '%q ' "$@")" || rc=$?
t2=$(now)

boot=$(sed -n 's/^boot=//p' "$out/timings" 2>/dev/null || true)
suites=$(sed -n 's/^command=//p' "$out/timings" 2>/dev/null || true)
echo "run-suites: timing: prepare $(secs "$t0" "$t1")s, boot ${boot:-?}s, suites ${suites:-?}s, VM stage total $(secs "$t0" "$t2")s"
echo "run-suites: results in $out (console.log, vitest.json, peer.log)"

[ -f "$out/vitest.json" ] || fail "vitest wrote no report (exit $rc): it did not start or crashed"
read -r total failed failed_files < <(python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
print(r['numTotalTests'], r['numFailedTests'], sum(1 for f in r['testResults'] if f['status'] != 'passed'))" "$out/vitest.json")
echo "run-suites: $total tests, $failed failed, $failed_files test files failed"
[ "$total" -gt 0 ] || fail "zero tests ran"
[ "$rc" = 0 ] || fail "the VM stage exited with $rc"
[ "$failed" = 0 ] && [ "$failed_files" = 0 ] || fail "$failed tests and $failed_files files failed"
