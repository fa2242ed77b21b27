#!/usr/bin/env bash
# WASI preview1 and the WasmEdge socket extension, end to end: small guest programs in C
# (zig cc --target=wasm32-wasi), compiled by wasm2native and run as native executables.
#
#   compared with wasmtime (scripts/wasmtime-run): stdout and exit status must be identical
#     args_env             args_*, environ_* (and W2N_ENGINE=aot, which only wasm2native adds)
#     clock_random_proc    clock_*, random_get, sched_yield, proc_raise, proc_exit
#     fd                   every fd_* on files, directories, stdio
#     readdir              fd_readdir with small buffers and cookies
#     path                 every path_*
#     poll                 poll_oneoff on clocks (relative, absolute) and files
#     sandbox              the escape matrix (also self-checking: every attempt's errno)
#   wasm2native only (wasmtime has no such sockets), self-checking
#     sandbox race         rename and symlink races against lookups, with a host process racing
#     sockets              the WasmEdge socket extension and preview1's sock_* on loopback
#     sockets denied       without the network grant (W2N_NET=0 at deployment)
#   deployment: W2N_DIRS / W2N_ENV replace compile-time grants (same output as wasmtime's)
# When `wasm2native run --engine interpreter` exists, the compared programs and the socket tests
# also run in the interpreter (the same RuntimeSupport WASI code) and must give the same results.
#
# Each check counts once; the last line is "wasi: N passed, M failed" (non-zero exit on failure).
#
#   Tests/WASI/run.sh [WORK_DIR]        (default .build-wasi-tests)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-$root/.build-wasi-tests}"
# shellcheck source=../../scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
compiler="${WASM2NATIVE:-}"
for candidate in "$root/.build-wasi/release/wasm2native" "$root/.build/release/wasm2native"; do
    [[ -z "$compiler" && -x "$candidate" ]] && compiler="$candidate"
done
[[ -n "$compiler" ]] || { echo "no wasm2native built"; echo "wasi: 0 passed, 1 failed"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
interpreter=0
"$compiler" run --help 2>/dev/null | grep -- "--engine" >/dev/null && interpreter=1
[[ $interpreter == 1 ]] || echo "wasi: no 'wasm2native run --engine interpreter': interpreter runs skipped"

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }

# fixture DIR: the host side of every test.
fixture() {
    local dir="$1"
    rm -rf "$dir"
    mkdir -p "$dir/sandbox/sub" "$dir/ro/rsub" "$dir/sandbox/a/b" "$dir/sandbox/c"
    printf 'SECRET' >"$dir/secret.txt"
    printf 'SECRET' >"$dir/inner.txt"
    printf 'inside' >"$dir/sandbox/sub/f.txt"
    printf 'inside' >"$dir/sandbox/a/inner.txt"
    printf 'inside' >"$dir/sandbox/c/secret.txt"
    printf 'readonly' >"$dir/ro/r.txt"
    ln -s .. "$dir/sandbox/up"
    ln -s /etc "$dir/sandbox/abs"
    ln -s sub/../.. "$dir/sandbox/subup"
    ln -s sub/f.txt "$dir/sandbox/ok"
    ln -s ../secret.txt "$dir/sandbox/uplink"
}

# Builds NAME.wasm from NAME.c.
build_wasm() {
    "$W2N_ZIG" cc --target=wasm32-wasi -O2 -I"$here" "$here/$1.c" -o "$work/$1.wasm" 2>"$work/$1.build.log"
}

# compare NAME GUEST_ARGS -- GRANTS...: runs the guest under wasmtime and as a wasm2native
# executable (grants given at compile time), each in a fresh fixture, stdin from /dev/null, and
# compares stdout + exit status. Lines starting with "# " are wasm2native-only notes, not compared.
compare() {
    local name="$1" label="$2"
    shift 2
    local args=()
    while [[ $# -gt 0 && "$1" != "--" ]]; do args+=("$1"); shift; done
    shift
    local grants=("$@")
    local base="$work/$label"
    # wasm2native: grants name the aot fixture
    local aot_grants=() wasmtime_grants=() grant
    for grant in "${grants[@]}"; do
        aot_grants+=("${grant//@FIXTURE@/$base/aot}")
        wasmtime_grants+=("${grant//@FIXTURE@/$base/wasmtime}")
    done
    if ! "$compiler" "$work/$name.wasm" -o "$work/$label.exe" "${aot_grants[@]}" >"$base.compile.log" 2>&1; then
        fail "$label: compile"; cat "$base.compile.log"; return
    fi
    fixture "$base/wasmtime"
    fixture "$base/aot"
    (cd "$base/wasmtime" && timeout 120 "$W2N_WASMTIME" "${wasmtime_grants[@]}" "$work/$name.wasm" "${args[@]}" \
        </dev/null >"$base.wasmtime.out" 2>"$base.wasmtime.err"; echo "exit $?" >>"$base.wasmtime.out")
    (cd "$base/aot" && timeout 120 "$work/$label.exe" "${args[@]}" </dev/null >"$base.aot.out" 2>"$base.aot.err";
        echo "exit $?" >>"$base.aot.out")
    if diff <(grep -v '^# ' "$base.wasmtime.out") <(grep -v '^# ' "$base.aot.out") >"$base.diff"; then
        pass "$label: same as wasmtime ($(wc -l <"$base.aot.out") lines)"
    else
        fail "$label: differs from wasmtime (< wasmtime, > wasm2native):"
        head -40 "$base.diff"
    fi
    [[ $interpreter == 1 ]] || return
    local interpreter_grants=()
    for grant in "${grants[@]}"; do interpreter_grants+=("${grant//@FIXTURE@/$base/interpreter}"); done
    fixture "$base/interpreter"
    (cd "$base/interpreter" && timeout 300 "$compiler" run --engine interpreter "${interpreter_grants[@]}" \
        "$work/$name.wasm" "${args[@]}" </dev/null >"$base.interpreter.out" 2>"$base.interpreter.err";
        echo "exit $?" >>"$base.interpreter.out")
    if diff <(grep -v '^# ' "$base.wasmtime.out") <(grep -v '^# ' "$base.interpreter.out") >"$base.interpreter.diff"; then
        pass "$label (interpreter): same as wasmtime"
    else
        fail "$label (interpreter): differs from wasmtime (< wasmtime, > interpreter):"
        head -20 "$base.interpreter.diff"
    fi
}

# count_checks LABEL FILE SUITE: adds a self-checking guest's "SUITE: N passed, M failed".
count_checks() {
    local label="$1" file="$2" suite="$3" line p f
    grep '^FAIL' "$file" | head -20
    line="$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed$" "$file" | tail -n 1)"
    if [[ -z "$line" ]]; then
        fail "$label: no result line"; tail -5 "$file"; return
    fi
    read -r p f < <(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
    printf '%s: %s\n' "$label" "$line"
}

for name in args_env clock_random_proc fd readdir path poll sandbox sockets; do
    build_wasm "$name" || { fail "$name: build"; cat "$work/$name.build.log"; }
done

compare args_env args_env "a b" "" "ünïcödé" last -- --env FOO=bar --env EMPTY= --env "SPACED=x y"
compare clock_random_proc clock_random_proc 7 --
compare fd fd -- --dir @FIXTURE@/sandbox::/sandbox
compare readdir readdir -- --dir @FIXTURE@/sandbox::/sandbox
compare path path -- --dir @FIXTURE@/sandbox::/sandbox
compare poll poll -- --dir @FIXTURE@/sandbox::/sandbox
compare sandbox sandbox -- --dir @FIXTURE@/sandbox::/sandbox --dir @FIXTURE@/ro::/ro:ro
count_checks "sandbox matrix (wasm2native)" "$work/sandbox.aot.out" sandbox
count_checks "sandbox matrix (wasmtime, for reference)" "$work/sandbox.wasmtime.out" sandbox >/dev/null
grep -c '^ok ' "$work/sandbox.aot.out" | xargs printf 'sandbox matrix: %s checks as expected (225 refused escapes or changes, 18 allowed controls)\n'

# W2N_ENGINE: the guest sees it, set by the runtime (not by a grant).
grep -q '^# W2N_ENGINE = aot$' "$work/args_env.aot.out" && pass "W2N_ENGINE=aot in the guest's environment" ||
    fail "W2N_ENGINE=aot in the guest's environment"
# Deployment: W2N_ENV replaces the environment grants of the same executable.
W2N_ENV=W2N_PROBE=1 "$work/args_env.exe" </dev/null >"$work/deploy-env.out" 2>&1
grep -q '^env\[0\] = \[W2N_PROBE=1\]$' "$work/deploy-env.out" && ! grep -q 'FOO=bar' "$work/deploy-env.out" &&
    pass "deployment: W2N_ENV replaces the environment grants" ||
    fail "deployment: W2N_ENV replaces the environment grants"

# --lock-grants: the deployment's W2N_* are ignored.
if "$compiler" "$work/args_env.wasm" -o "$work/args_env-locked.exe" --env FOO=bar --lock-grants >/dev/null 2>&1; then
    W2N_ENV=W2N_PROBE=1 W2N_NET=1 "$work/args_env-locked.exe" </dev/null >"$work/locked.out" 2>&1
    grep -q '^env\[0\] = \[FOO=bar\]$' "$work/locked.out" && ! grep -q 'W2N_PROBE' "$work/locked.out" &&
        pass "deployment: --lock-grants ignores W2N_ENV" || fail "deployment: --lock-grants ignores W2N_ENV"
else
    fail "deployment: --lock-grants: compile"
fi

# Deployment: W2N_DIRS points the same executable at another directory.
fixture "$work/deploy"
(cd "$work/deploy" && W2N_DIRS="$work/deploy/sandbox::/sandbox" timeout 60 "$work/path.exe" </dev/null \
    >"$work/deploy.out" 2>&1; echo "exit $?" >>"$work/deploy.out")
if diff -q <(grep -v '^# ' "$work/path.wasmtime.out") "$work/deploy.out" >/dev/null && [[ -f "$work/deploy/sandbox/hard.txt" ]]; then
    pass "deployment: W2N_DIRS replaces the directory grants"
else
    fail "deployment: W2N_DIRS replaces the directory grants"
fi
(W2N_DIRS="$work/deploy/sandbox::/sandbox:ro" timeout 60 "$work/path.exe" </dev/null >"$work/deploy-ro.out" 2>&1)
grep -q "^path_create_directory d: 63$" "$work/deploy-ro.out" && pass "deployment: W2N_DIRS with :ro" ||
    fail "deployment: W2N_DIRS with :ro"

# The rename / symlink race, against a host process that keeps moving things.
fixture "$work/race"
if "$compiler" "$work/sandbox.wasm" -o "$work/race.exe" --dir "$work/race/sandbox::/sandbox" >"$work/race.compile.log" 2>&1; then
    python3 - "$work/race" 8 >"$work/race.mover.log" 2>&1 <<'PY' &
import os, sys, time
base, seconds = sys.argv[1], float(sys.argv[2])
end = time.time() + seconds
swaps = 0
while time.time() < end and not os.path.exists(base + "/stop"):
    os.rename(base + "/sandbox/a/b", base + "/b")          # b leaves the sandbox: b/.. is outside
    os.rename(base + "/b", base + "/sandbox/a/b")
    os.rename(base + "/sandbox/c", base + "/c_real")       # c becomes a link to the outside
    os.symlink(base, base + "/sandbox/c")
    os.unlink(base + "/sandbox/c")
    os.rename(base + "/c_real", base + "/sandbox/c")
    swaps += 1
print(f"mover: {swaps} rounds")
PY
    mover=$!
    (cd "$work/race" && timeout 60 "$work/race.exe" race 20000 >"$work/race.out" 2>&1)
    touch "$work/race/stop"
    wait "$mover"
    grep '^race:' "$work/race.out" | head -1
    cat "$work/race.mover.log"
    count_checks "sandbox race" "$work/race.out" sandbox
else
    fail "sandbox race: compile"
fi

# Sockets.
if "$compiler" "$work/sockets.wasm" -o "$work/sockets.exe" --net >"$work/sockets.compile.log" 2>&1; then
    timeout 120 "$work/sockets.exe" >"$work/sockets.out" 2>&1
    count_checks "sockets" "$work/sockets.out" sockets
    W2N_NET=0 timeout 60 "$work/sockets.exe" denied >"$work/sockets-denied.out" 2>&1
    count_checks "sockets denied (W2N_NET=0)" "$work/sockets-denied.out" sockets
else
    fail "sockets: compile"; cat "$work/sockets.compile.log"
fi
# The lowering: imports of names with several types (sock_accept ii:i and iii:i in this module)
# go through the funcref instantiation binds by (name, type); the others are direct calls.
if "$compiler" "$work/sockets.wasm" --emit-llvm "$work/sockets.ll" -O0 >/dev/null 2>&1 &&
    grep -q 'declare i32 @w2n_import_wasi_snapshot_preview1_fd_write(' "$work/sockets.ll" &&
    ! grep -q '@w2n_import_wasi_snapshot_preview1_sock_accept(' "$work/sockets.ll" &&
    grep -q '@w2n_import_wasi_snapshot_preview1_sock_open(' "$work/sockets.ll"; then
    pass "lowering: overloaded WASI names through funcrefs, the others direct"
else
    fail "lowering: overloaded WASI names through funcrefs, the others direct"
fi
if [[ $interpreter == 1 ]]; then
    timeout 300 "$compiler" run --engine interpreter --net "$work/sockets.wasm" >"$work/sockets-interpreter.out" 2>&1
    count_checks "sockets (interpreter)" "$work/sockets-interpreter.out" sockets
    timeout 60 "$compiler" run --engine interpreter "$work/sockets.wasm" denied >"$work/sockets-interpreter-denied.out" 2>&1
    count_checks "sockets denied (interpreter, no --net)" "$work/sockets-interpreter-denied.out" sockets
fi
if "$compiler" "$work/sockets.wasm" -o "$work/sockets-nonet.exe" >"$work/sockets-nonet.compile.log" 2>&1; then
    timeout 60 "$work/sockets-nonet.exe" denied >"$work/sockets-nonet.out" 2>&1
    count_checks "sockets denied (no --net)" "$work/sockets-nonet.out" sockets
fi

echo "wasi: $passed passed, $failed failed"
((failed == 0))
