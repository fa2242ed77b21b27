#!/usr/bin/env bash
# Builds the httpbin example in its three flavors into OUT (default .build-examples/httpbin):
#   httpbin.wasm     wasm32-wasi (zig cc), WasmEdge sockets + poll_oneoff
#   httpbin-aot      httpbin.wasm compiled by wasm2native with the network granted (--net)
#   httpbin-native   the same C source for Linux (zig cc, static musl, like the executables
#                    wasm2native makes), flavor "native"
# WASM2NATIVE (default: .build/release/wasm2native) is the compiler to use.
#
#   examples/httpbin/build.sh [OUT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/.build-examples/httpbin}"
mkdir -p "$out"
# shellcheck source=../../scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
compiler="${WASM2NATIVE:-}"
if [[ -z "$compiler" ]]; then
    for candidate in "$root/.build/release/wasm2native"; do
        [[ -x "$candidate" ]] && { compiler="$candidate"; break; }
    done
fi
[[ -n "$compiler" ]] || { echo "build.sh: no wasm2native (swift build -c release --product wasm2native)" >&2; exit 1; }

flags=(-O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra)
"$W2N_ZIG" cc --target=wasm32-wasi "${flags[@]}" "$here/httpbin.c" "$here/net_wasmedge.c" -o "$out/httpbin.wasm"
"$W2N_ZIG" cc -target "$(uname -m)-linux-musl" -static "${flags[@]}" "$here/httpbin.c" "$here/net_posix.c" \
    -o "$out/httpbin-native"
"$compiler" "$out/httpbin.wasm" -o "$out/httpbin-aot" --net
echo "built $out/httpbin.wasm, $out/httpbin-aot, $out/httpbin-native"
