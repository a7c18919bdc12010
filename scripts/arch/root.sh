#!/bin/bash
# Builds (once) and prints the path of a Debian trixie root for a foreign architecture, run
# through qemu-user via binfmt_misc.
#
#   scripts/arch/root.sh ARCH [VARIANT]
#     ARCH     arm64 | armhf
#     VARIANT  runtime (default: nodejs, ca-certificates, libasound2t64, what the box needs)
#              build   (runtime + node-gyp, g++, make, python3, libasound2-dev: for addons
#                       that ship no prebuilt binary for ARCH)
#   stdout: the root's directory; progress and errors go to stderr.
#
# Roots live in ${ANTIPHON_ARM_CACHE:-$HOME/.cache/antiphon-arm}/roots/ARCH-VARIANT-HASH, HASH
# being the recipe's (package list, suite, mirror, mmdebstrap options: common.sh). A root whose recipe
# changed is rebuilt, and the old one removed, with a line saying so. A root that cannot be
# built fails the run: it is never skipped. Needs root (mmdebstrap, chroot, mounts).
set -Eeuo pipefail
trap 'echo "arch: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of root.sh" >&2' ERR
. "$(dirname "$0")/common.sh"

ARCH=${1:?usage: root.sh ARCH [VARIANT]}
VARIANT=${2:-runtime}
arch_qemu "$ARCH" >/dev/null
[ "$(id -u)" = 0 ] || arch_die "root.sh needs root (mmdebstrap, chroot and mounts)"

arch_ensure_host
arch_ensure_binfmt "$ARCH"

HASH=$(arch_recipe_hash "$ARCH" "$VARIANT")
ROOTS=$ARM_CACHE/roots
DIR=$ROOTS/$ARCH-$VARIANT-$HASH
mkdir -p "$ROOTS"
# Several runs may want the same root at once: one builds, the others wait and reuse it.
exec 8>"$ROOTS/.lock-$ARCH-$VARIANT"; flock 8

if [ ! -f "$DIR/.antiphon-root-ok" ]; then
  for old in "$ROOTS/$ARCH-$VARIANT"-*; do
    [ -e "$old" ] && [ "$old" != "$DIR" ] || continue
    arch_log "STALE ROOT: $old was built from another recipe (now $HASH); removing it and building anew"
    rm -rf --one-file-system "$old"
  done
  rm -rf --one-file-system "$DIR" "$DIR.partial"
  var="ROOT_PACKAGES_$VARIANT"
  pkgs=${!var}
  arch_log "building $ARCH $VARIANT root ($ARCH_SUITE: $pkgs) in $DIR; takes minutes under qemu"
  t0=$(now_s)
  log=$ROOTS/$ARCH-$VARIANT-$HASH.log
  if ! mmdebstrap --arch="$ARCH" "${ROOT_MMDEBSTRAP_OPTS[@]}" --include="${pkgs// /,}" --format=directory "$ARCH_SUITE" "$DIR.partial" "$ARCH_MIRROR" > "$log" 2>&1; then
    tail -30 "$log" >&2
    rm -rf --one-file-system "$DIR.partial"
    arch_die "mmdebstrap could not build the $ARCH $VARIANT root (full log: $log)"
  fi
  # The root must run Node for its architecture before it counts as built.
  want=$(arch_npm_cpu "$ARCH")
  got=$(chroot "$DIR.partial" /usr/bin/node -p process.arch 2>&1) \
    || arch_die "the new $ARCH root cannot run node: $got"
  [ "$got" = "$want" ] || arch_die "node in the $ARCH root reports process.arch=$got, expected $want"
  arch_recipe "$ARCH" "$VARIANT" > "$DIR.partial/.antiphon-recipe"
  mv "$DIR.partial" "$DIR"
  touch "$DIR/.antiphon-root-ok"
  arch_log "built $ARCH $VARIANT root in $(elapsed_s "$t0" "$(now_s)")s: $(chroot "$DIR" /usr/bin/node --version) ($got)"
fi
echo "$DIR"
