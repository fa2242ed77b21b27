#!/usr/bin/env bash
# Differential testing of the interpreter and native code on any number of generated modules:
#
#   scripts/difftest.sh [COUNT [FIRST_SEED]] [w2n-dev difftest options...]
#
# e.g. `scripts/difftest.sh 10000`, `scripts/difftest.sh 1000 50000 --no-traps`. Disagreements are
# saved to .build-spec/difftest-failures/ (see Tests/Differential/README.md). Uses
# .build/release/w2n-dev (or $W2N_DEV).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
count="${1:-1000}"
first="${2:-0}"
shift $(( $# > 2 ? 2 : $# ))
exec "${W2N_DEV:-$root/.build/release/w2n-dev}" difftest --seeds "$count" --start "$first" "$@"
