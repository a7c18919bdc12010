# Shared by scripts/arch/*.sh (sourced, not run): Debian trixie roots for arm64 and armhf,
# built with mmdebstrap and run through qemu-user (binfmt_misc), cached under
#   ${ANTIPHON_ARM_CACHE:-$HOME/.cache/antiphon-arm}
# Every failure is loud (arch: ERROR ...) and exits non-zero: nothing here skips.

ARCH_SUITE=trixie
ARCH_MIRROR=${ANTIPHON_ARM_MIRROR:-http://deb.debian.org/debian}
ARM_CACHE=${ANTIPHON_ARM_CACHE:-$HOME/.cache/antiphon-arm}
ARCH_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCH_REPO=$(cd "$ARCH_SCRIPTS/../.." && pwd)

arch_die() { echo "arch: ERROR: $*" >&2; exit 1; }
arch_log() { echo "arch: $*" >&2; }

case "$ARM_CACHE" in /tmp/*|/run/*) arch_die "ANTIPHON_ARM_CACHE=$ARM_CACHE is under /tmp or /run; the roots are meant to outlive a boot";; esac

# Debian architecture name -> qemu binfmt entry, npm's --cpu, Node's process.arch.
arch_qemu() { case "$1" in arm64) echo aarch64;; armhf) echo arm;; *) arch_die "unknown architecture '$1' (arm64 or armhf)";; esac; }
arch_npm_cpu() { case "$1" in arm64) echo arm64;; armhf) echo arm;; *) arch_die "unknown architecture '$1' (arm64 or armhf)";; esac; }

# What the roots contain. `runtime` is what the box needs at run time (the .deb's Depends);
# `build` adds the compiler for node-gyp addons that ship no prebuilt binary for the arch.
ROOT_PACKAGES_runtime="nodejs ca-certificates libasound2t64"
ROOT_PACKAGES_build="nodejs ca-certificates libasound2t64 node-gyp g++ make python3 libasound2-dev"

# How mmdebstrap builds them: --variant=essential plus the packages (no apt inside: the
# recipe chooses every package); docs, man pages and locales left out (the roots only run Node).
ROOT_MMDEBSTRAP_OPTS=(--variant=essential '--aptopt=Acquire::Languages "none"'
  '--dpkgopt=path-exclude=/usr/share/man/*' '--dpkgopt=path-exclude=/usr/share/doc/*'
  '--dpkgopt=path-exclude=/usr/share/locale/*')

HOST_PACKAGES=(mmdebstrap qemu-user-static binfmt-support debian-archive-keyring arch-test)

arch_ensure_host() {
  local missing=() p
  for p in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || arch_die "missing Debian packages: ${missing[*]} (run as root so they can be installed)"
    mkdir -p "$ARM_CACHE"
    arch_log "installing host packages: ${missing[*]}"
    { apt-get update -qq || arch_log "warning: apt-get update reported errors; continuing"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
      > "$ARM_CACHE/apt-install.log" 2>&1 \
      || { tail -30 "$ARM_CACHE/apt-install.log" >&2; arch_die "apt-get install failed for: ${missing[*]}"; }
  fi
  # bookworm's debian-archive-keyring (2023.3+deb12u2) carries trixie's keys; an older one
  # cannot verify the trixie archive. Debian's documented fix is the keyring from
  # bookworm-updates (or mmdebstrap --keyring=FILE with trixie's keyring).
  [ -f /usr/share/keyrings/debian-archive-trixie-stable.gpg ] \
    || arch_die "this debian-archive-keyring has no trixie keys: apt-get install -t bookworm-updates debian-archive-keyring"
}

# binfmt_misc: mounted, and qemu registered with the F flag (the interpreter is opened at
# registration, so it works inside a chroot that has no qemu of its own).
arch_ensure_binfmt() {
  local q; q=$(arch_qemu "$1")
  local entry=/proc/sys/fs/binfmt_misc/qemu-$q
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
      || arch_die "cannot mount binfmt_misc on /proc/sys/fs/binfmt_misc (needs root and CAP_SYS_ADMIN)"
  fi
  [ -e "$entry" ] || update-binfmts --enable "qemu-$q" >/dev/null 2>&1 || update-binfmts --import "qemu-$q" >/dev/null 2>&1 || true
  [ -e "$entry" ] || arch_die "qemu-$q is not registered in binfmt_misc (is qemu-user-static installed?)"
  grep -qx enabled "$entry" || echo 1 > "$entry" || arch_die "cannot enable $entry"
  grep -q '^flags:.*F' "$entry" || arch_die "$entry lacks the F flag, so qemu cannot run inside a chroot; use qemu-user-static's registration"
}

# The recipe a root is built from; its hash names the cached root, so any change to the
# package list, suite, mirror or mmdebstrap options builds a new one.
arch_recipe() {  # ARCH VARIANT
  local var="ROOT_PACKAGES_$2"
  [ -n "${!var:-}" ] || arch_die "unknown root variant '$2' (runtime or build)"
  printf 'arch=%s\nvariant=%s\nsuite=%s\nmirror=%s\npackages=%s\noptions=%s\n' \
    "$1" "$2" "$ARCH_SUITE" "$ARCH_MIRROR" "${!var}" "${ROOT_MMDEBSTRAP_OPTS[*]}"
}
arch_recipe_hash() { arch_recipe "$@" | sha256sum | cut -c1-16; }

now_s() { echo "${EPOCHREALTIME/,/.}"; }
elapsed_s() { python3 -c "print(f'{$2 - $1:.1f}')"; }

# Runs CMD (sh -c) as root in ROOT with /proc, /dev and a fresh /tmp, in a private mount
# namespace so nothing leaks to the host. BINDS: "HOSTDIR:PATH_IN_ROOT[:ro]" entries, mounted
# in order (a later one may sit inside an earlier one). The working directory is WORKDIR.
#   arch_in_root ROOT WORKDIR CMD [BIND...]
arch_in_root() {
  local root=$1 workdir=$2 cmd=$3; shift 3
  local setup="set -e; mount -t proc proc '$root/proc'; mount --rbind /dev '$root/dev'; mount -t tmpfs tmpfs '$root/tmp';"
  local b src dst opt
  for b in "$@"; do
    IFS=: read -r src dst opt <<<"$b"
    [ -e "$src" ] || arch_die "cannot bind $src into the root: it does not exist"
    mkdir -p "$root$dst"
    setup+=" mount --bind '$src' '$root$dst';"
    [ "$opt" = ro ] && setup+=" mount -o remount,bind,ro '$root$dst';"
  done
  local envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp LANG=C.UTF-8 CI="${CI:-}")
  local v
  for v in $(compgen -e | grep -E '^(ANTIPHON_|VITEST_)' || true); do envs+=("$v=${!v}"); done
  unshare --mount --propagation private -- bash -c "$setup exec chroot '$root' /usr/bin/env -i $(printf '%q ' "${envs[@]}") /bin/sh -c $(printf '%q' "cd '$workdir' && $cmd")"
}
