#!/usr/bin/env bash
# The interpreter beside `wasmkit run` (the Swift toolchain's WebAssembly interpreter) on the C
# programs of bench/compute/, with sizes scaled down so that each run takes a few seconds.
#
#   bench/interpreter/run.sh [--runs N] [--quick] [--only a,b] [--markdown FILE] [--json FILE]
#
# Builds the programs to wasm32-wasi (zig cc -O2, incrementally, into .build-bench/interpreter/),
# then bench.py times interleaved rounds of `wasm2native run --engine interpreter` and `wasmkit
# run`, takes each pair's median user+system CPU time, and prints the table with the ratio
# interpreter / wasmkit per program and their geometric mean. The `output` column says whether
# both printed the same stdout and exited with 0 in every run.
#
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native, then
# .build-interp/release/wasm2native), W2N_WASMKIT (default `wasmkit` on PATH, then
# /opt/swift/usr/bin/wasmkit).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root" || exit 2
# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2

compiler="${W2N_WASM2NATIVE:-}"
if [[ -z "$compiler" ]]; then
    for candidate in "$root/.build/release/wasm2native" "$root/.build-interp/release/wasm2native"; do
        if [[ -x "$candidate" ]]; then compiler="$candidate"; break; fi
    done
fi
if [[ -z "$compiler" || ! -x "$compiler" ]]; then
    echo "run.sh: no wasm2native (swift build -c release --product wasm2native, or set W2N_WASM2NATIVE)" >&2
    exit 2
fi
wasmkit="${W2N_WASMKIT:-$(command -v wasmkit || true)}"
[[ -z "$wasmkit" && -x /opt/swift/usr/bin/wasmkit ]] && wasmkit=/opt/swift/usr/bin/wasmkit
if [[ -z "$wasmkit" || ! -x "$wasmkit" ]]; then
    echo "run.sh: no wasmkit (it ships with the Swift toolchain; or set W2N_WASMKIT)" >&2
    exit 2
fi

out="$root/.build-bench/interpreter"
mkdir -p "$out"
programs=(nbody spectral-norm fannkuch-redux sha256 lz77 sort hashtable matmul interp)
for program in "${programs[@]}"; do
    source_file="$root/bench/compute/$program.c"
    wasm="$out/$program.wasm"
    [[ -f "$source_file" ]] || { echo "run.sh: no $source_file" >&2; exit 2; }
    if [[ ! -f "$wasm" || "$wasm" -ot "$source_file" ]]; then
        if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 "$source_file" -o "$wasm.tmp" 2>"$out/$program.log"; then
            echo "run.sh: building $program failed (see ${out#"$root"/}/$program.log)" >&2
            rm -f "$wasm.tmp"
            continue
        fi
        mv "$wasm.tmp" "$wasm"
    fi
done

exec "$W2N_VENV/bin/python3" "$here/bench.py" --build "$out" --wasm2native "$compiler" --wasmkit "$wasmkit" "$@"
