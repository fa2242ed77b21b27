#!/usr/bin/env bash
# Compile time of a large module (default bench/out/zig-aro-tools.wasm, 4.5 MB): wasm2native -O2
# (whole: lowering, LLVM, linking with zig) beside wasmtime's Module(engine, bytes), parallel and
# serial. See compile_time.py for the options:
#
#   bench/compute/compile-time.sh [--runs N] [--levels 2,0] [--markdown FILE] [MODULE.wasm ...]
#
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/tool-paths.sh
source "$here/../../scripts/tool-paths.sh"
exec "$W2N_VENV/bin/python3" "$here/compile_time.py" "$@"
