#!/bin/bash
# Runs a board file's mmdebstrap hook: board-hook.sh setup|customize BOARD ROOT.
# (A hook is a fresh process, so it sources boards/BOARD.sh itself.)
set -Eeuo pipefail
die() { echo "image: ERROR: $*" >&2; exit 1; }
log() { echo "image: $*" >&2; }
phase=${1:?} board=${2:?} root=${3:?}
. "$(dirname "$0")/boards/$board.sh"
"board_${phase}_hook" "$root"
