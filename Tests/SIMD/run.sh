#!/usr/bin/env bash
# SIMD semantics, native against wasmtime: builds Tests/SIMD/simd_semantics.c to wasm32-wasi with
# `-msimd128` (the module uses all 236 fixed-width SIMD instructions), compiles it with wasm2native
# and compares the executable's output with wasmtime's: one line per operation with a hash of its
# results on edge-case inputs (NaNs, ±0, infinities, saturation and overflow boundaries).
#
#   Tests/SIMD/run.sh [WASM2NATIVE OPTIONS...]      e.g. -O0, --cpu native, --target aarch64-linux
#
# With --target aarch64-linux the executable runs under qemu-aarch64-static. On a difference the
# full results of both runs (`-v`) are diffed into .build-simd-test/results.diff.
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 2
# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2
compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
if [[ ! -x "$compiler" ]]; then
    echo "run.sh: no $compiler; build it with: swift build -c release --product wasm2native" >&2
    exit 2
fi

out="$root/.build-simd-test"
mkdir -p "$out"
runner=()
for argument in "$@"; do
    [[ "$argument" == *aarch64* ]] && runner=(qemu-aarch64-static)
done
if ((${#runner[@]})) && ! command -v "${runner[0]}" >/dev/null; then
    echo "run.sh: aarch64 needs ${runner[0]} (Debian qemu-user-static)" >&2
    exit 2
fi

"$W2N_ZIG" cc --target=wasm32-wasi -O2 -msimd128 Tests/SIMD/simd_semantics.c -o "$out/simd_semantics.wasm" || exit 2
"$compiler" "$out/simd_semantics.wasm" -o "$out/simd_semantics" "$@" || exit 1

"$W2N_WASMTIME" "$out/simd_semantics.wasm" >"$out/wasmtime.out" || { echo "run.sh: wasmtime failed" >&2; exit 2; }
"${runner[@]}" "$out/simd_semantics" >"$out/native.out"
status=$?
if ((status == 0)) && cmp -s "$out/native.out" "$out/wasmtime.out"; then
    echo "simd: $(wc -l <"$out/wasmtime.out") operations agree with wasmtime ($*)"
    exit 0
fi
echo "simd: FAILED (exit status $status); operations that differ:"
diff "$out/native.out" "$out/wasmtime.out" | grep '^<' | cut -c3- | awk '{print "  " $1}'
"$W2N_WASMTIME" "$out/simd_semantics.wasm" -v >"$out/wasmtime-full.out" 2>&1
"${runner[@]}" "$out/simd_semantics" -v >"$out/native-full.out" 2>&1
diff "$out/native-full.out" "$out/wasmtime-full.out" >"$out/results.diff"
echo "  (native < > wasmtime, every result: $out/results.diff)"
exit 1
