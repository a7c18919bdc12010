#!/bin/bash
# Installs, upgrades, removes and purges an antiphon .deb inside a throwaway trixie root
# (an overlay on the cached root from trixie-root.sh, never this machine's own /), and runs
# lintian on it there. Fails, naming the step, when anything is off.
#   deb-lifecycle.sh DEB
# Prints "lintian: N errors, M warnings" and "deb-lifecycle: OK" at the end.
set -Eeuo pipefail
trap 'echo "deb-lifecycle: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
die() { echo "deb-lifecycle: FAIL: $*" >&2; exit 1; }
log() { echo "deb-lifecycle: $*" >&2; }

DEB=$(readlink -f "${1:?usage: deb-lifecycle.sh DEB}")
[ -f "$DEB" ] || die "no such package: $1"
[ "$(id -u)" = 0 ] || die "needs root (chroot and overlay mounts)"
HERE=$(cd "$(dirname "$0")" && pwd)
ARCH=$(dpkg-deb -f "$DEB" Architecture)
[ "$ARCH" = "$(dpkg --print-architecture)" ] || die "$DEB is for $ARCH; this test runs the package's own Node, so it needs a $ARCH machine"
LOWER=$("$HERE/trixie-root.sh" "$ARCH")
CACHE=$(dirname "$LOWER")
WORK=$CACHE/deb-test.$$
R=$WORK/root

cleanup() {
  for m in "$R/proc" "$R/dev" "$R"; do mountpoint -q "$m" && umount -l "$m"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/upper" "$WORK/work" "$R"
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$WORK/upper,workdir=$WORK/work" "$R"
mount --rbind /dev "$R/dev"
# A slave copy: unmounting it later must never propagate back to this machine's /dev/pts.
mount --make-rslave "$R/dev"
mount -t proc proc "$R/proc"
mkdir -p "$R/pkgs"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
# What the root holds, less what any package install changes (dpkg's and apt's own state,
# logs, caches, /run (a tmpfs on a running system), and the account files the system user
# lives in).
snapshot() {
  (cd "$R" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./run -o -path ./var/lib/dpkg -o -path ./var/log \
    -o -path ./var/cache -o -path ./var/lib/apt -o -path ./tmp -o -path ./pkgs \) -prune -o -print) \
    | grep -Ev '^\./etc/(passwd|group|shadow|gshadow|subuid|subgid)-?$' | LC_ALL=C sort
}

# Version 2 of the same package, for the upgrade.
V1=$(dpkg-deb -f "$DEB" Version)
V2="$V1+lifecycle2"
dpkg-deb -R "$DEB" "$WORK/v2"
sed -i "s/^Version: .*/Version: $V2/" "$WORK/v2/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$WORK/v2" "$R/pkgs/antiphon-v2.deb" >/dev/null
rm -rf "$WORK/v2"
cp "$DEB" "$R/pkgs/antiphon-v1.deb"

log "lintian $(in_root lintian --version)"
lint=$(in_root lintian --tag-display-limit 0 /pkgs/antiphon-v1.deb 2>&1 | grep -v 'running with root privileges' || true)
errors=$(grep -c '^E: ' <<<"$lint" || true)
warnings=$(grep -c '^W: ' <<<"$lint" || true)
# Errors in full; warnings counted by tag.
grep '^E: ' <<<"$lint" | sed 's/^/  /' >&2 || true
grep '^W: ' <<<"$lint" | awk '{print $3}' | sort | uniq -c | sort -rn | sed 's/^/  W: /' >&2 || true
echo "lintian: $errors errors, $warnings warnings"
[ "$errors" = 0 ] || die "lintian reports $errors errors"

before=$(snapshot)
log "dpkg -i $V1"
in_root dpkg -i /pkgs/antiphon-v1.deb >&2 || die "dpkg -i failed"
[ "$(in_root dpkg-query -W -f='${Status}' antiphon)" = "install ok installed" ] || die "antiphon is not installed after dpkg -i"
in_root id antiphon >&2 || die "the antiphon user was not created"
for g in audio dialout i2c gpio input plugdev; do
  in_root id -nG antiphon | tr ' ' '\n' | grep -qx "$g" || die "user antiphon is not in group $g"
done
[ -L "$R/etc/systemd/system/multi-user.target.wants/antiphon.service" ] || die "antiphon.service is not enabled"
in_root systemd-analyze verify /usr/lib/systemd/system/antiphon.service >&2 || die "the installed unit does not verify"
# Every native addon loads under the Node the service runs (the bundled one with
# --bundle-node, else the root's own), as the service user.
node=/usr/bin/node
[ -x "$R/usr/lib/antiphon/node/bin/node" ] && node=/usr/lib/antiphon/node/bin/node
grep -q "^ExecStart=$node " "$R/usr/lib/systemd/system/antiphon.service" || die "the unit does not run $node"
in_root runuser -u antiphon -- "$node" -e "
  const dir = '/usr/lib/antiphon/node_modules/';
  const failed = [];
  for (const name of ['@julusian/midi', 'usb', 'serialport', 'i2c-bus']) {
    try { require(dir + name); } catch (e) { failed.push(name + ': ' + e.message); }
  }
  if (failed.length) { console.error(failed.join('\n')); process.exit(1); }
" || die "a native addon does not load in the trixie root"
in_root antiphon --help >/dev/null || die "antiphon --help fails"

log "upgrade with apt to $V2, keeping an edited conffile"
echo '# edited by the lifecycle test' >> "$R/etc/antiphon/antiphon.toml"
in_root apt-get install -y -q -o Dpkg::Options::=--force-confold /pkgs/antiphon-v2.deb >&2 || die "apt install of the upgrade failed"
[ "$(in_root dpkg-query -W -f='${Version}' antiphon)" = "$V2" ] || die "the upgrade did not install $V2"
grep -q 'edited by the lifecycle test' "$R/etc/antiphon/antiphon.toml" || die "the upgrade lost the user's edit to antiphon.toml"
[ -L "$R/etc/systemd/system/multi-user.target.wants/antiphon.service" ] || die "the upgrade disabled antiphon.service"

log "dpkg -r, then dpkg --purge"
mkdir -p "$R/var/lib/antiphon/recordings" && echo x > "$R/var/lib/antiphon/recordings/a.mid"
in_root dpkg -r antiphon >&2 || die "dpkg -r failed"
[ -f "$R/etc/antiphon/antiphon.toml" ] || die "dpkg -r removed the conffile (only purge should)"
[ ! -e "$R/usr/lib/antiphon" ] || die "dpkg -r left /usr/lib/antiphon"
in_root dpkg --purge antiphon >&2 || die "dpkg --purge failed"
[ -z "$(in_root dpkg-query -W -f='${Status}' antiphon 2>/dev/null)" ] || die "dpkg still knows antiphon after purge"
after=$(snapshot)
left=$(diff <(echo "$before") <(echo "$after") || true)
[ -z "$left" ] || { echo "$left" >&2; die "purge left files behind (above: < gone, > new)"; }
echo "deb-lifecycle: OK ($V1 installed, upgraded to $V2 with apt, removed, purged clean)"
