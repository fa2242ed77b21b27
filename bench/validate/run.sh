#!/usr/bin/env bash
# Decode+validate throughput, MB/s: `w2n-dev bench-validate` (in process) beside `wasm-tools
# validate` (single-threaded, start-up excluded) on the same modules in the same run, interleaved.
# Target: ours >= 0.5 x wasm-tools single-threaded. A benchmark, not a test: see bench/README.md.
#
#   bench/validate/run.sh [--rounds R] [--iterations N] [--runs K] [--pin CPU] [FILE.wasm ...]
#
# Without FILE, the inputs of build-input.sh (built first when missing): bench/out/go-compile.wasm
# and bench/out/zig-aro-tools.wasm. Builds w2n-dev in release mode (scratch path .build-bench/),
# then runs bench/validate/measure.py, which prints one table per input and a PASS/FAIL line, and
# writes every sample to bench/out/validate-results.json. Exit status 1 when an input misses the
# target.
set -euo pipefail

# shellcheck source=bench/validate/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$W2N_ROOT"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

w2n_bench_require wasm-tools "$W2N_WASM_TOOLS"

have_files=0
for arg in "$@"; do
    [[ "$arg" == *.wasm ]] && have_files=1
done
defaults=()
if ((!have_files)); then
    step "inputs (bench/validate/build-input.sh --if-missing)"
    bench/validate/build-input.sh --if-missing
    defaults=("$W2N_BENCH_OUT/go-compile.wasm" "$W2N_BENCH_OUT/zig-aro-tools.wasm")
fi

step "swift build -c release --product w2n-dev --scratch-path .build-bench"
swift build -c release --product w2n-dev --scratch-path .build-bench
w2n_dev="$(swift build -c release --product w2n-dev --scratch-path .build-bench --show-bin-path)/w2n-dev"

step "measure (interleaved rounds)"
mkdir -p "$W2N_BENCH_OUT"
exec python3 bench/validate/measure.py --w2n-dev "$w2n_dev" --wasm-tools "$W2N_WASM_TOOLS" \
    --json "$W2N_BENCH_OUT/validate-results.json" "$@" "${defaults[@]}"
