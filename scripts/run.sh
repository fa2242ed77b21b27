#!/usr/bin/env bash
# The main job: set up, build wasm2native (release), build the example WASI program with zig,
# compile it with wasm2native to a static native executable and run it (wasmtime runs the same
# module for reference).
#
#   scripts/run.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "setup"
scripts/setup.sh
# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh

step "swift build -c release"
swift build -c release

step "zig cc --target=wasm32-wasi examples/hello/hello.c"
out="$root/.build-examples/hello"
mkdir -p "$out"
"$W2N_ZIG" cc --target=wasm32-wasi -O2 -s examples/hello/hello.c -o "$out/hello.wasm"
echo "built .build-examples/hello/hello.wasm ($(wc -c <"$out/hello.wasm") bytes)"

step "wasm2native validate .build-examples/hello/hello.wasm"
.build/release/wasm2native validate "$out/hello.wasm"

step "wasm2native .build-examples/hello/hello.wasm -o .build-examples/hello/hello"
.build/release/wasm2native "$out/hello.wasm" -o "$out/hello"
file "$out/hello" 2>/dev/null || true
echo "$(wc -c <"$out/hello") bytes"

step "run the native executable"
"$out/hello" from run.sh

step "reference run under wasmtime"
"$W2N_WASMTIME" "$out/hello.wasm" from run.sh

printf '\nrun.sh: done\n'
