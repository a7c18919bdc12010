#!/bin/bash
# The arm stage of `npm test` (`npm run test:arm`): runs the suites of vitest.arm.config.ts
# (engine, codec, clock logic, performance engine, golden answers, native addons) under
# Debian trixie's Node on arm64 and armhf, in roots run by qemu-user through binfmt_misc.
#
#   test/arm/run-arm.sh [ARCH...] [-- VITEST ARGS...]   ARCH: arm64, armhf (default: both)
#     e.g. `npm run test:arm -- armhf -- golden` runs the golden file on armhf only
#
# Roots (scripts/arch/root.sh) and each arch's node_modules (scripts/arch/node-modules.sh
# --dev) are cached under ${ANTIPHON_ARM_CACHE:-$HOME/.cache/antiphon-arm}; node_modules are
# keyed by package-lock.json, package.json's dependency lists and the scripts, and rebuilt, loudly, when any
# changes. Prints how long each arch took; fails when a root or node_modules cannot be made,
# when any test fails, or when no test ran. Timing under emulation means nothing: no speed
# is asserted here.
set -Eeuo pipefail
trap 'echo "arm-stage: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of run-arm.sh" >&2' ERR
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/scripts/arch/common.sh"

fail() { echo "arm-stage: FAILED: $*" >&2; exit 1; }
say() { echo "arm-stage: $*"; }

ARCHES=() VITEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; VITEST_ARGS=("$@"); break;;
    arm64|armhf) ARCHES+=("$1"); shift;;
    *) fail "unknown argument '$1' (expected arm64, armhf, or -- before vitest arguments)";;
  esac
done
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=(arm64 armhf)
[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap, chroot, binfmt_misc)"
case "$REPO" in *[[:space:]:\']*) fail "the repo path must not contain spaces, colons or quotes: $REPO";; esac

# node_modules for ARCH with devDependencies, cached by what decides their contents.
dev_modules() {
  local arch=$1 key dir base=$ARM_CACHE/node_modules
  # package.json counts by its dependency lists only: an edited npm script changes no module.
  key=$( { node -e 'const p = require(process.argv[1]); console.log(JSON.stringify([p.dependencies, p.devDependencies, p.optionalDependencies, p.overrides]))' "$REPO/package.json"
           cat "$REPO/package-lock.json" "$REPO/scripts/arch/node-modules.sh"; arch_recipe "$arch" runtime; arch_recipe "$arch" build; } | sha256sum | cut -c1-16)
  dir=$base/$arch-dev-$key
  mkdir -p "$base"
  exec 7>"$base/.lock-$arch"; flock 7
  if [ ! -f "$dir/.antiphon-modules-ok" ]; then
    local old
    for old in "$base/$arch-dev-"*; do
      [ -e "$old" ] && [ "$old" != "$dir" ] || continue
      echo "arm-stage: STALE node_modules: $old came from another package-lock.json or recipe; replacing it" >&2
      rm -rf --one-file-system "$old"
    done
    rm -rf --one-file-system "$dir"
    "$REPO/scripts/arch/node-modules.sh" "$arch" "$dir" --dev >&2 || fail "cannot make $arch node_modules (see above)"
    touch "$dir/.antiphon-modules-ok"
  fi
  exec 7>&-
  echo "$dir/node_modules"
}

SUMMARY=()
stage_t0=$(now_s)
for arch in "${ARCHES[@]}"; do
  t0=$(now_s)
  root=$("$REPO/scripts/arch/root.sh" "$arch" runtime) || fail "no $arch root (see above)"
  modules=$(dev_modules "$arch")
  t1=$(now_s)
  mkdir -p "$ARM_CACHE/out"
  find "$ARM_CACHE/out" -mindepth 1 -maxdepth 1 -type d -mtime +2 -exec rm -rf {} + 2>/dev/null || true
  out=$(mktemp -d "$ARM_CACHE/out/$arch.XXXXXX")
  binds=("$REPO:$REPO" "$modules:$REPO/node_modules" "$out:/arm-out")
  # Some suites read the Groove MIDI Dataset through ../shared.
  [ -d "$REPO/../shared" ] && binds+=("$(cd "$REPO/../shared" && pwd):$(dirname "$REPO")/shared:ro")
  say "$arch: running the arm suites under $(chroot "$root" /usr/bin/node --version) ($arch, qemu-user); log in $out/console.log"
  rc=0
  ANTIPHON_ARM_OUT=/arm-out arch_in_root "$root" "$REPO" \
    "node node_modules/vitest/vitest.mjs run --config test/arm/vitest.arm.config.ts $(printf '%q ' "${VITEST_ARGS[@]}")" \
    "${binds[@]}" 2>&1 | tee "$out/console.log" || rc=$?
  t2=$(now_s)
  [ -f "$out/vitest.json" ] || fail "$arch: vitest wrote no report (exit $rc): it did not start or crashed"
  read -r total failed failed_files < <(python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
print(r['numTotalTests'], r['numFailedTests'], sum(1 for f in r['testResults'] if f['status'] != 'passed'))" "$out/vitest.json")
  line="$arch: prepare $(elapsed_s "$t0" "$t1")s, tests $(elapsed_s "$t1" "$t2")s, $total tests, $failed failed, $failed_files files failed"
  SUMMARY+=("$line")
  say "timing: $line"
  [ "$total" -gt 0 ] || fail "$arch: zero tests ran"
  [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$failed_files" = 0 ] || fail "$arch: $failed tests and $failed_files files failed (exit $rc)"
done
for line in "${SUMMARY[@]}"; do say "$line"; done
say "arm stage total $(elapsed_s "$stage_t0" "$(now_s)")s"
