#!/usr/bin/env bash
# The main job: set up, build wasm2native (release), build the httpbin example (an HTTP server for
# WasmEdge's socket API) to wasm32-wasi with zig, compile it with wasm2native to a static native
# executable, start it and serve a request; then the same for the hello example.
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

step "examples/httpbin: wasm32-wasi with zig, then wasm2native httpbin.wasm -o httpbin-aot --net"
examples/httpbin/build.sh "$root/.build-examples/httpbin"
server="$root/.build-examples/httpbin/httpbin-aot"
file "$server" 2>/dev/null || true

step "serve a request: httpbin-aot on a free port, then curl /get?foo=bar"
log="$(mktemp)"
"$server" 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
    port="$(sed -n 's/.*Listening on \([0-9][0-9]*\).*/\1/p' "$log" | head -1)"
    [[ -n "$port" ]] && break
    sleep 0.05
done
[[ -n "$port" ]] || { echo "run.sh: httpbin did not start:"; cat "$log"; exit 1; }
echo "\$ curl 'localhost:$port/get?foo=bar'"
curl -sS --max-time 5 "localhost:$port/get?foo=bar"
echo
kill "$pid"

printf '\nrun.sh: done\n'
