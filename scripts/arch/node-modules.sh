#!/bin/bash
# Produces the project's node_modules for a target architecture, with every native addon
# loading under that architecture's Node (Debian trixie's nodejs, in a root run by qemu-user).
#
#   scripts/arch/node-modules.sh ARCH OUTDIR [--dev]
#     ARCH    arm64 | armhf
#     OUTDIR  created if missing; receives node_modules/ plus the package.json and
#             package-lock.json it was installed from (anything else there is left alone;
#             an existing OUTDIR/node_modules is replaced)
#     --dev   include devDependencies (the test stage needs vitest); default: production only
#   stdout: one line per native addon, "addon NAME OK PATH-OF-.node"; progress on stderr.
#   exit:   non-zero, with "arch: ERROR: ..." on stderr, when anything cannot be installed,
#           built or loaded.
#
# How: npm ci on the host, from the project's package-lock.json, choosing the target's
# optional platform packages (--cpu/--os/--libc), without install scripts. Then, in the
# `build` root (scripts/arch/root.sh ARCH build), each package with a binding.gyp whose own
# binary does not load under the target Node (no prebuilt for ARCH: i2c-bus, epoll) is built
# with node-gyp. Last, in the `runtime` root (what the box has), every addon the box uses is
# required and must load its .node. Set ANTIPHON_ARCH_REBUILD="pkg other" to build named
# packages from source even when a prebuilt binary (or a kept build) would do. Builds are
# kept in ${ANTIPHON_ARM_CACHE:-$HOME/.cache/antiphon-arm}/addons/ARCH/, per package version
# and build-root recipe.
set -Eeuo pipefail
trap 'echo "arch: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of node-modules.sh" >&2' ERR
. "$(dirname "$0")/common.sh"

usage() { echo "usage: node-modules.sh ARCH OUTDIR [--dev]" >&2; exit 2; }
[ $# -ge 2 ] || usage
ARCH=$1 OUT=$2 DEV=0
[ "${3:-}" = --dev ] && DEV=1
[ $# -le 3 ] && { [ $# -lt 3 ] || [ "$DEV" = 1 ]; } || usage
CPU=$(arch_npm_cpu "$ARCH")
# The addons the box loads (package.json dependencies); each must load its own .node.
ADDONS=(@julusian/midi usb serialport i2c-bus onoff abletonlink)

mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
case "$OUT" in *[[:space:]:\']*) arch_die "OUTDIR must not contain spaces, colons or quotes: $OUT";; esac
RUNTIME_ROOT=$("$ARCH_SCRIPTS/root.sh" "$ARCH" runtime)

arch_log "npm ci for linux-$CPU ($([ "$DEV" = 1 ] && echo 'with dev' || echo production)) in $OUT"
cp "$ARCH_REPO/package.json" "$ARCH_REPO/package-lock.json" "$OUT/"
rm -rf "$OUT/node_modules"
omit=(--omit=dev); [ "$DEV" = 1 ] && omit=()
(cd "$OUT" && npm ci --cpu="$CPU" --os=linux --libc=glibc --ignore-scripts --no-audit --no-fund \
  --loglevel=error "${omit[@]}" >&2) || arch_die "npm ci for linux-$CPU failed"

# Prints, for each package given, "ok NAME FILE.node" when requiring it loads a .node file
# of its own or of one of its dependencies (usb's platform package, onoff's epoll), found
# through the module tree it required; else "fail NAME reason".
cat > "$OUT/.arch-load-check.cjs" <<'EOF_JS'
const path = require('path');
const nativeFiles = (mod, seen = new Set()) => {
  if (!mod || seen.has(mod)) return [];
  seen.add(mod);
  if (mod.id.endsWith('.node')) return [mod.id];
  return mod.children.flatMap((c) => nativeFiles(c, seen));
};
for (const name of process.argv.slice(2)) {
  try {
    const dir = path.resolve('node_modules', name);
    const pkg = require(path.join(dir, 'package.json'));
    const owners = [name, ...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })];
    const abs = require.resolve(dir);
    require(abs);
    const own = nativeFiles(require.cache[abs]).filter((f) => owners.some((o) => f.includes(`/node_modules/${o}/`)));
    console.log(own.length ? `ok ${name} ${path.relative(process.cwd(), own[0])}` : `fail ${name} loaded no .node file of its own`);
  } catch (e) {
    console.log(`fail ${name} ${String(e.message).split('\n')[0]}`);
  }
}
EOF_JS
trap 'rm -f "$OUT/.arch-load-check.cjs"' EXIT
load_check() {  # ROOT NAME...
  local root=$1; shift
  arch_in_root "$root" /out "node .arch-load-check.cjs $*" "$OUT:/out"
}

# Packages that compile with node-gyp (binding.gyp + an install script), as dirs under node_modules.
mapfile -t GYP < <(cd "$OUT/node_modules" && find . -name binding.gyp -not -path '*/node_modules/*/node_modules/*/node_modules/*' -printf '%h\n' \
  | sed 's#^\./##' | while read -r d; do
      # An install script, or none with a binding.gyp: npm then runs `node-gyp rebuild` itself (abletonlink).
      node -e 'const p=require(process.argv[1]);const s=p.scripts||{};process.exit(s.install||s.postinstall||(!s.preinstall&&p.gypfile!==false)?0:1)' "$OUT/node_modules/$d/package.json" && echo "$d"
    done | sort)
arch_log "addons with a node-gyp build: ${GYP[*]:-none}"

TO_BUILD=()
if [ ${#GYP[@]} -gt 0 ]; then
  while read -r status dir rest; do
    if [ "$status" != ok ] || [[ " ${ANTIPHON_ARCH_REBUILD:-} " == *" $dir "* ]]; then
      arch_log "$dir: $( [ "$status" = ok ] && echo "rebuilding from source as asked" || echo "no usable binary for $ARCH ($rest); building it")"
      TO_BUILD+=("$dir")
    fi
  done < <(load_check "$RUNTIME_ROOT" "${GYP[@]}")
fi

# Built addons are kept per architecture, package version and build-root recipe, so a new
# package-lock.json (or the .deb's production install) does not compile them again.
if [ ${#TO_BUILD[@]} -gt 0 ]; then
  BUILD_ROOT=""
  build_hash=$(arch_recipe_hash "$ARCH" build)
  for dir in "${TO_BUILD[@]}"; do
    version=$(node -p 'require(process.argv[1]).version' "$OUT/node_modules/$dir/package.json")
    kept=$ARM_CACHE/addons/$ARCH/${dir//\//+}@$version-$build_hash
    if [ -d "$kept/Release" ] && [[ " ${ANTIPHON_ARCH_REBUILD:-} " != *" $dir "* ]]; then
      mkdir -p "$OUT/node_modules/$dir/build"
      cp -a "$kept/Release" "$OUT/node_modules/$dir/build/"
      arch_log "$dir $version: reusing the $ARCH build kept in $kept"
      continue
    fi
    [ -n "$BUILD_ROOT" ] || BUILD_ROOT=$("$ARCH_SCRIPTS/root.sh" "$ARCH" build)
    t0=$(now_s)
    # Debian's node-gyp builds against the root's own Node headers (/usr/include/nodejs): no download.
    arch_in_root "$BUILD_ROOT" "/out/node_modules/$dir" "node-gyp rebuild --jobs=2 >/tmp/gyp.log 2>&1 || { tail -40 /tmp/gyp.log; exit 1; }" "$OUT:/out" >&2 \
      || arch_die "node-gyp could not build $dir for $ARCH"
    rm -rf "$OUT/node_modules/$dir/build/Release/obj.target" "$OUT/node_modules/$dir/build/Release/.deps"
    rm -rf "$kept"; mkdir -p "$kept"
    cp -a "$OUT/node_modules/$dir/build/Release" "$kept/"
    arch_log "built $dir $version for $ARCH in $(elapsed_s "$t0" "$(now_s)")s"
  done
fi

results=$(load_check "$RUNTIME_ROOT" "${ADDONS[@]}")
bad=0
while read -r status dir rest; do
  if [ "$status" = ok ]; then echo "addon $dir OK $rest"; else echo "addon $dir FAILED: $rest" >&2; bad=1; fi
done <<<"$results"
[ "$(grep -c '^ok ' <<<"$results")" = ${#ADDONS[@]} ] || bad=1
[ "$bad" = 0 ] || arch_die "native addons do not load under $ARCH's Node (see above)"
arch_log "node_modules for $ARCH ready in $OUT/node_modules"
