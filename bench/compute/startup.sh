#!/usr/bin/env bash
# Size and start-up time of `wasm2native hello.wasm -o hello` (examples/hello/hello.c) beside the
# same program built natively (static musl), with wasm2c, and under wasmtime.
#
#   bench/compute/startup.sh [--runs N]      (default 300 timed runs per executable)
#
# Start-up = the whole process, exec to exit, printing one line to /dev/null: hyperfine -N
# (no shell) with 20 warm-up runs. wasmtime has no executable to exec: its row is the in-process
# instantiate + _start time of a precompiled module (wasmtime_time.py, median of 30), and, for
# scale, the whole `scripts/wasmtime-run hello.wasm` process (Python start, compile included).
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
runs=300
[[ "${1:-}" == --runs ]] && runs="$2"
compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
command -v hyperfine >/dev/null || { echo "startup.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
out="$root/bench/out/startup"
mkdir -p "$out"
arch="$(uname -m)"
runtime="$W2N_WASM2C_RUNTIME"

"$W2N_ZIG" cc --target=wasm32-wasi -O2 "$root/examples/hello/hello.c" -o "$out/hello.wasm.tmp"
"$W2N_WASM_TOOLS" strip "$out/hello.wasm.tmp" -o "$out/hello.wasm"
rm -f "$out/hello.wasm.tmp"
"$compiler" "$out/hello.wasm" -o "$out/hello-w2n"
"$W2N_ZIG" cc -target "$arch-linux-musl" -O2 "$root/examples/hello/hello.c" -o "$out/hello-native"
mkdir -p "$out/wasm2c"
"$W2N_WASM2C" "$out/hello.wasm" -o "$out/wasm2c/app.c" -n app
"$W2N_ZIG" cc -target "$arch-linux-musl" -O2 -I "$out/wasm2c" -I "$runtime" "$here/wasm2c-wasi.c" \
    "$out/wasm2c/app.c" "$runtime/wasm-rt-impl.c" "$runtime/wasm-rt-mem-impl.c" \
    "$runtime/wasm-rt-exceptions-impl.c" -o "$out/hello-wasm2c"
"$W2N_VENV/bin/python3" "$here/wasmtime_time.py" --precompile "$out/hello.cwasm" "$out/hello.wasm"

for exe in hello-w2n hello-native hello-wasm2c; do
    "$W2N_LLVM_PREFIX/bin/llvm-strip" "$out/$exe" -o "$out/$exe.stripped"
    [[ "$("$out/$exe")" == "Hello from WebAssembly!" ]] || { echo "startup.sh: $exe printed something else" >&2; exit 1; }
done

hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/hyperfine.json" --output=null \
    -n wasm2native "$out/hello-w2n" -n native "$out/hello-native" -n wasm2c "$out/hello-wasm2c" >&2
hyperfine -N --warmup 2 --runs 20 --export-json "$out/hyperfine-wasmtime.json" --output=null \
    -n wasmtime-run "$W2N_WASMTIME $out/hello.wasm" >&2
for _ in $(seq 30); do
    "$W2N_VENV/bin/python3" "$here/wasmtime_time.py" "$out/hello.cwasm" 2>&1 >/dev/null | grep wasmtime-time
done >"$out/wasmtime-inprocess.txt"

"$W2N_VENV/bin/python3" - "$out" <<'PY'
import json, re, statistics, sys, os
out = sys.argv[1]
rows = []
sizes = {"wasm2native": "hello-w2n", "native": "hello-native", "wasm2c": "hello-wasm2c"}
for result in json.load(open(f"{out}/hyperfine.json"))["results"]:
    name = result["command"]
    size = os.path.getsize(f"{out}/{sizes[name]}")
    stripped = os.path.getsize(f"{out}/{sizes[name]}.stripped")
    rows.append((name, f"{size:,} B", f"{stripped:,} B", f"{result['mean'] * 1e3:.2f} ± {result['stddev'] * 1e3:.2f} ms",
                 f"{result['median'] * 1e3:.2f} ms", f"{result['min'] * 1e3:.2f} ms"))
walls = [float(m) for m in re.findall(r"wall=([0-9.]+)", open(f"{out}/wasmtime-inprocess.txt").read())]
rows.append(("wasmtime (in-process instantiate + _start)", f"{os.path.getsize(out + '/hello.cwasm'):,} B (.cwasm)",
             "", "", f"{statistics.median(walls) * 1e3:.2f} ms", f"{min(walls) * 1e3:.2f} ms"))
w = json.load(open(f"{out}/hyperfine-wasmtime.json"))["results"][0]
rows.append(("wasmtime-run process (Python, compile)", "", "", f"{w['mean'] * 1e3:.0f} ± {w['stddev'] * 1e3:.0f} ms",
             f"{w['median'] * 1e3:.0f} ms", f"{w['min'] * 1e3:.0f} ms"))
header = ("hello", "size", "stripped", "start-up mean ± σ", "median", "min")
print(f"hello.wasm: {os.path.getsize(out + '/hello.wasm'):,} B")
print("| " + " | ".join(header) + " |")
print("|---|---:|---:|---:|---:|---:|")
for row in rows:
    print("| " + " | ".join(row) + " |")
PY
