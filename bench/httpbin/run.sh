#!/usr/bin/env bash
# httpbin under load: wrk with 64 keep-alive connections for 30 s against each flavor of
# examples/httpbin (native, aot and, when `wasm2native run --engine interpreter` exists,
# interpreter), on loopback, one after the other. Prints a Markdown table (see bench/README.md);
# raw wrk output and JSON go to bench/out/httpbin/.
#
#   bench/httpbin/run.sh [--duration S] [--connections N] [--rounds N] [--pin] [--soak REQUESTS]
#                        [--path '/get?foo=bar'] [--flavors 'native aot interpreter']
# Needs wrk (apt-get install wrk; installed here when missing) and a release wasm2native.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/httpbin"
mkdir -p "$out"
flavors=""
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --flavors) flavors="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done
command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
"$root/examples/httpbin/build.sh" "$out/build" >/dev/null
compiler="${WASM2NATIVE:-}"
for candidate in "$root/.build-wasi/release/wasm2native" "$root/.build/release/wasm2native"; do
    [[ -z "$compiler" && -x "$candidate" ]] && compiler="$candidate"
done
if [[ -z "$flavors" ]]; then
    flavors="native aot"
    "$compiler" run --help 2>/dev/null | grep -- "--engine" >/dev/null && flavors+=" interpreter"
fi
specs=()
for flavor in $flavors; do
    case "$flavor" in
    native) specs+=("native=$out/build/httpbin-native") ;;
    aot) specs+=("aot=$out/build/httpbin-aot") ;;
    interpreter) specs+=("interpreter=$compiler run --engine interpreter --net $out/build/httpbin.wasm") ;;
    *) echo "unknown flavor $flavor" >&2; exit 2 ;;
    esac
done
exec python3 "$here/bench.py" --out "$out" "${args[@]}" "${specs[@]}"
