#!/usr/bin/env bash
# Compute benchmarks: the C programs in bench/compute/ built natively and to wasm32-wasi, the wasm
# run by wasm2native (baseline CPU and --cpu native), wasm2c and wasmtime, timed against the
# native build of the same source.
#
#   bench/compute/run.sh [--wasm-simd] [--runs N] [--quick] [--only a,b] [--engines e1,e2]
#                        [--metric cpu|wall] [--markdown FILE] [--json FILE]
#
# Builds (incrementally, into bench/out/compute/), then runs bench.py, which times interleaved
# rounds and prints the table; see bench.py for the options. --quick: small sizes, 1 run.
# --wasm-simd: the wasm is built with -msimd128 (into bench/out/compute-simd/), so that clang
# vectorizes it as it vectorizes the native build with SSE2; every wasm engine runs that module.
#
# Engines (each program):
#   native      zig cc -target <arch>-linux-musl -O2 -ffp-contract=off (baseline CPU; the reference)
#   native-cpu  the same with -mcpu=native
#   w2n         zig cc --target=wasm32-wasi -O2, then wasm2native (default options)
#   w2n-cpu     the same wasm, wasm2native --cpu native
#   wasm2c      wasm2c, then zig cc -O2 (baseline CPU) with wasm2c's runtime and wasm2c-wasi.c
#   wasmtime    the PyPI bindings (default engine: Cranelift, host CPU features); compiled and
#               serialized once, each run times instantiate + _start only (wasmtime_time.py)
#
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native), W2N_BENCH_W2N_FLAGS (extra
# wasm2native options, e.g. "-O3"). A program or engine that fails to build is reported and left
# out of the table; the rest still runs.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root" || exit 2
# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2

compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
read -r -a w2n_flags <<<"${W2N_BENCH_W2N_FLAGS:-}"
out="$root/bench/out/compute"
wasm_flags=()
args=()
for arg in "$@"; do
    if [[ "$arg" == --wasm-simd ]]; then
        out="$root/bench/out/compute-simd"
        wasm_flags=(-msimd128)
    else
        args+=("$arg")
    fi
done
set -- "${args[@]}"
export W2N_BENCH_WASM_FLAGS="${wasm_flags[*]}"
mkdir -p "$out/include"
# wasm2c's SIMD needs SIMDe (libsimde-dev); only its folder is put on the musl build's path.
[[ -d /usr/include/simde ]] && ln -sfn /usr/include/simde "$out/include/simde"

programs=(nbody spectral-norm fannkuch-redux sha256 lz77 sort hashtable matmul interp)
only=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    [[ "${args[i]}" == --only ]] && only="${args[i + 1]:-}"
    [[ "${args[i]}" == --only=* ]] && only="${args[i]#--only=}"
done
if [[ -n "$only" ]]; then
    IFS=',' read -r -a programs <<<"$only"
fi

case "$(uname -m)" in
    x86_64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "run.sh: unsupported host $(uname -m)" >&2; exit 2 ;;
esac
native_target="$arch-linux-musl"
runtime="$W2N_WASM2C_RUNTIME"
python="$W2N_VENV/bin/python3"

errors="$out/build-errors.log"
: >"$errors"
failures=0

# stale TARGET DEPENDENCY...: true when TARGET is missing or older than a dependency.
stale() {
    local target="$1"
    shift
    [[ -e "$target" ]] || return 0
    local dependency
    for dependency in "$@"; do
        [[ "$dependency" -nt "$target" ]] && return 0
    done
    return 1
}

# build WHAT TARGET COMMAND...: runs COMMAND, logging its output; removes TARGET on failure.
build() {
    local what="$1" target="$2"
    shift 2
    local log
    if ! log="$("$@" 2>&1)"; then
        rm -f "$target"
        failures=$((failures + 1))
        { echo "== $what"; printf '%q ' "$@"; echo; echo "$log"; } >>"$errors"
        echo "  build failed: $what (see ${errors#"$root"/})" >&2
        return 1
    fi
    return 0
}

w2n_ok=1
if [[ ! -x "$compiler" ]]; then
    echo "run.sh: no $compiler (swift build -c release --product wasm2native); wasm2native engines skipped" >&2
    w2n_ok=0
fi

# Executables built with other wasm2native options are rebuilt.
stamp="$out/w2n-flags.txt"
if [[ "$(cat "$stamp" 2>/dev/null)" != "${w2n_flags[*]}" ]]; then
    rm -rf "$out/w2n" "$out/w2n-cpu"
    echo "${w2n_flags[*]}" >"$stamp"
fi

echo "building ${#programs[@]} programs into ${out#"$root"/}/ ..." >&2
mkdir -p "$out"/{native,native-cpu,wasm,w2n,w2n-cpu,wasm2c,wasmtime}
for program in "${programs[@]}"; do
    source_file="$here/$program.c"
    if [[ ! -f "$source_file" ]]; then
        echo "run.sh: no program $program" >&2
        exit 2
    fi
    if stale "$out/native/$program" "$source_file"; then
        build "$program native" "$out/native/$program" \
            "$W2N_ZIG" cc -target "$native_target" -O2 -ffp-contract=off "$source_file" -o "$out/native/$program"
    fi
    if stale "$out/native-cpu/$program" "$source_file"; then
        build "$program native-cpu" "$out/native-cpu/$program" \
            "$W2N_ZIG" cc -target "$native_target" -mcpu=native -O2 -ffp-contract=off "$source_file" \
            -o "$out/native-cpu/$program"
    fi
    wasm="$out/wasm/$program.wasm"
    if stale "$wasm" "$source_file"; then
        # DWARF stripped (the name section stays); keeps the modules small for every engine.
        build "$program wasm" "$wasm" \
            "$W2N_ZIG" cc --target=wasm32-wasi -O2 "${wasm_flags[@]}" "$source_file" -o "$wasm.tmp" &&
            build "$program wasm strip" "$wasm" "$W2N_WASM_TOOLS" strip "$wasm.tmp" -o "$wasm"
        rm -f "$wasm.tmp"
    fi
    [[ -f "$wasm" ]] || continue
    if ((w2n_ok)); then
        if stale "$out/w2n/$program" "$wasm" "$compiler"; then
            build "$program w2n" "$out/w2n/$program" "$compiler" "$wasm" -o "$out/w2n/$program" "${w2n_flags[@]}"
        fi
        if stale "$out/w2n-cpu/$program" "$wasm" "$compiler"; then
            build "$program w2n-cpu" "$out/w2n-cpu/$program" \
                "$compiler" "$wasm" -o "$out/w2n-cpu/$program" --cpu native "${w2n_flags[@]}"
        fi
    fi
    folder="$out/wasm2c/$program.src"
    if stale "$out/wasm2c/$program" "$wasm" "$here/wasm2c-wasi.c"; then
        mkdir -p "$folder"
        build "$program wasm2c" "$out/wasm2c/$program" "$W2N_WASM2C" "$wasm" -o "$folder/app.c" -n app &&
            build "$program wasm2c cc" "$out/wasm2c/$program" \
                "$W2N_ZIG" cc -target "$native_target" -O2 -I "$folder" -I "$runtime" -I "$out/include" \
                "$here/wasm2c-wasi.c" "$folder/app.c" "$runtime/wasm-rt-impl.c" "$runtime/wasm-rt-mem-impl.c" \
                "$runtime/wasm-rt-exceptions-impl.c" -o "$out/wasm2c/$program"
    fi
    if stale "$out/wasmtime/$program.cwasm" "$wasm" "$here/wasmtime_time.py"; then
        build "$program wasmtime" "$out/wasmtime/$program.cwasm" \
            "$python" "$here/wasmtime_time.py" --precompile "$out/wasmtime/$program.cwasm" "$wasm"
    fi
done
((failures)) && echo "run.sh: $failures build step(s) failed; see ${errors#"$root"/}" >&2

exec "$python" "$here/bench.py" --build "$out" "$@"
