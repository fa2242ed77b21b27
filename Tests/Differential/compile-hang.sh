#!/usr/bin/env bash
# A compilation that outlasts `difftest --compile-timeout` is reported as a compiler hang: the run
# stops with status 1 and says which module, the module is saved to --failures, and `--interesting`
# (what scripts/difftest-shrink.sh uses) counts the hang like a disagreement. A timeout of 0 makes
# every compilation late, so this does not depend on a module that really hangs LLVM.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "compile-hang: $*" >&2; exit 1; }

status=0
.build/release/w2n-dev difftest --seeds 1 --start 7 --compile-timeout 0 --failures "$work" >"$work/out" 2>&1 || status=$?
[[ $status == 1 ]] || fail "status $status, expected 1; output: $(cat "$work/out")"
grep -q '^error: seed 7: compiling did not finish in 0.0 s (a compiler hang)$' "$work/out" || fail "no report naming seed 7: $(cat "$work/out")"
grep -q '^difftest: stopped at a compiler hang$' "$work/out" || fail "no closing line: $(cat "$work/out")"
[[ -s "$work/seed-7.wasm" ]] || fail "seed-7.wasm not saved"
grep -q 'compiler hang' "$work/seed-7.txt" || fail "seed-7.txt does not say why"

# --interesting: 0 when the hang's line has the text, 1 when not.
.build/release/w2n-dev difftest --module "$work/seed-7.wasm" --compile-timeout 0 --interesting 'compiler hang' ||
    fail "--interesting 'compiler hang' did not exit 0"
status=0
.build/release/w2n-dev difftest --module "$work/seed-7.wasm" --compile-timeout 0 --interesting 'no such text' || status=$?
[[ $status == 1 ]] || fail "--interesting 'no such text' exited $status, expected 1"

# The same module with the default timeout compiles and runs.
.build/release/w2n-dev difftest --module "$work/seed-7.wasm" >"$work/out" 2>&1 || fail "default timeout: $(cat "$work/out")"
echo "compile-hang: reported, saved and shrinkable; compiles normally with the default timeout"
