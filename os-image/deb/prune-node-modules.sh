#!/bin/bash
# Trims a production node_modules for one Linux CPU (x64 | arm64 | arm), glibc:
# prebuilt binaries for other systems, node-gyp's intermediate objects, and stray VCS files
# go; every ELF file left must be for the target's machine, else this fails.
#   prune-node-modules.sh NODE_MODULES CPU
set -Eeuo pipefail
trap 'echo "package-deb: ERROR: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of prune-node-modules.sh" >&2' ERR
NM=${1:?node_modules path} CPU=${2:?cpu}
case $CPU in x64) MACHINE=62;; arm64) MACHINE=183;; arm) MACHINE=40;; *) echo "package-deb: ERROR: unknown cpu $CPU" >&2; exit 1;; esac

# prebuilds/<name>/ folders name a platform and CPU (linux-x64, midi-linux-arm64, ...).
while IFS= read -r -d '' dir; do
  name=$(basename "$dir")
  case $name in
    *musl*) rm -rf "$dir";;
    linux-"$CPU"|*-linux-"$CPU") find "$dir" -name '*musl*' -exec rm -rf {} +;;
    *) rm -rf "$dir";;
  esac
done < <(find "$NM" -type d -path '*/prebuilds/*' -prune -print0)
# node-gyp's object files and makefiles; the .node files in build/Release stay.
find "$NM" -type d \( -path '*/build/Release/obj.target' -o -path '*/build/Release/.deps' -o -path '*/build/Release/obj' \) -prune -exec rm -rf {} +
find "$NM" -type f \( -name '*.o' -o -name '*.a' -o -path '*/build/*.mk' -o -path '*/build/Makefile' \) -delete
# Source maps and bundle-size reports: about half of tfjs's bytes, never read at run time.
find "$NM" -type f \( -name '*.map' -o -name '*.min.js.html' -o -name '*.tsbuildinfo' \) -delete
# Build-time only: C++ headers for addons (nan, node-addon-api), Link's C++ sources (the addon
# is built; the interface filter's source is inside the box), and each package's own tests,
# examples and docs (only at a package's top level, where they are never required at run time).
find "$NM" -type d \( -name nan -o -name node-addon-api \) -prune -exec rm -rf {} +
rm -rf "$NM/abletonlink/libs" "$NM/abletonlink/src" "$NM/abletonlink/examples"
find "$NM" -mindepth 2 -maxdepth 3 -type d \( -name test -o -name tests -o -name example -o -name examples -o -name doc -o -name docs \) \
  \( -path "$NM/*/*" ! -path "$NM/*/*/*/*" -o -path "$NM/@*/*/*" \) -prune -exec rm -rf {} +
find "$NM" \( -name .gitignore -o -name .gitattributes -o -name .gitmodules -o -name .gitkeep -o -name .npmignore -o -name .travis.yml -o -name .eslintrc -o -name '.eslintrc.*' \) -type f -delete

# Each ELF file left must be for the target (e_machine at byte 18, little-endian).
bad=0
while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  machine=$(od -An -tu2 -j18 -N2 "$f" | tr -d ' ')
  if [ "$machine" != "$MACHINE" ]; then echo "package-deb: ERROR: $f is for ELF machine $machine, not $CPU ($MACHINE)" >&2; bad=1; fi
  if [ "$CPU" = "$(node -p process.arch)" ]; then strip --strip-unneeded "$f"; fi
done < <(find "$NM" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0)
[ "$bad" = 0 ] || { echo "package-deb: ERROR: node_modules holds binaries for another machine" >&2; exit 1; }
echo "package-deb: node_modules pruned for linux-$CPU ($(du -sh "$NM" | cut -f1))" >&2
