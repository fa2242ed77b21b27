#!/usr/bin/env bash
# The main job: set up, build wasm2native (release), build the example WASI program with zig and
# validate it with wasm2native. Its guest output is shown under wasmtime for reference.
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

step "reference run under wasmtime"
"$W2N_WASMTIME" "$out/hello.wasm" from run.sh

printf '\nrun.sh: done\n'
