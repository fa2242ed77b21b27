#!/usr/bin/env bash
# aarch64 cross-compilation, end to end: every example (examples/*/NAME.c) and the compute
# programs (bench/compute/*.c, at small sizes) are built to wasm32-wasi with zig, compiled by
# wasm2native for x86_64-linux and for aarch64-linux on this (x86_64) host, and each case runs
# both ways: the x86_64 executable natively, the aarch64 one under qemu-user (Debian's
# qemu-aarch64-static). stdout, stderr, the exit status and, for cases with a granted directory,
# the directory's final contents must be identical; traps too (same message, same function name).
#
#   Tests/Cross/run.sh [-k|--keep] [-v|--verbose] [--wasm FILE.wasm [ARG]...  --]... [PATTERN]
#
# PATTERN (a bash glob, default *) selects cases by name. --wasm adds a case for any module
# (e.g. a freshly built one), its arguments up to a lone `--`. An example with no case below gets
# one with no arguments; if it is still running after W2N_CROSS_TIMEOUT seconds on x86_64 it is
# reported as SKIP (long-running: give it a case here, as ticker has).
#
# An HTTP server: by default the httpbin example when examples/httpbin is there (httpbin.c +
# net_wasmedge.c, compiled with --net, started with `--port PORT`, expected to answer /get with
# "flavor":"aot"); else --server FILE.wasm [--server-arg ARG]... [--port N] [--path /get]
# [--expect-body REGEX] [--compile-option OPT]... (`{port}` in an ARG becomes the port, by default a
# free one). The server is compiled for both targets; each build is started (aarch64 under qemu),
# must answer 200 on the path with a body matching REGEX, and must exit with 143 within a second of
# SIGTERM; the two bodies must be equal. Examples with their own build.sh are not built here
# otherwise.
#
# Prints one line per case and `cross: N passed, N failed[, N skipped]`; exits non-zero on failure.
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native), W2N_CROSS_TIMEOUT (seconds per
# run, 60), W2N_QEMU_AARCH64 (default qemu-aarch64-static on PATH).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 2

keep=0
verbose=0
pattern='*'
extra_cases=()   # "FILE<TAB>ARG<TAB>ARG..."
server_wasm=""
server_port=""
server_path="/"
server_expect=""
server_options=()
server_args=()
while (($#)); do
    case "$1" in
        -k | --keep) keep=1 ;;
        -v | --verbose) verbose=1 ;;
        --wasm)
            shift
            (($#)) || { echo "run.sh: --wasm needs a file" >&2; exit 2; }
            entry="$1"
            shift
            while (($#)) && [[ "$1" != -- ]]; do entry+=$'\t'"$1"; shift; done
            extra_cases+=("$entry")
            ;;
        --server) server_wasm="$2"; shift ;;
        --port) server_port="$2"; shift ;;
        --path) server_path="$2"; shift ;;
        --expect-body) server_expect="$2"; shift ;;
        --compile-option) server_options+=("$2"); shift ;;
        --server-arg) server_args+=("$2"); shift ;;
        --server-arg=*) server_args+=("${1#--server-arg=}") ;;
        --compile-option=*) server_options+=("${1#--compile-option=}") ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) pattern="$1" ;;
    esac
    shift
done

# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2
compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
limit="${W2N_CROSS_TIMEOUT:-60}"
qemu="${W2N_QEMU_AARCH64:-$(command -v qemu-aarch64-static || true)}"
if [[ ! -x "$compiler" ]]; then
    echo "run.sh: no $compiler; build it with: swift build -c release --product wasm2native" >&2
    exit 2
fi
if [[ -z "$qemu" || ! -x "$qemu" ]]; then
    echo "run.sh: qemu-aarch64-static not found; scripts/setup.sh installs qemu-user-static" >&2
    exit 2
fi

out="$root/.build-cross"
work="$out/run"
rm -rf "$work"
mkdir -p "$work" "$out/wasm"

passed=0
failed=0
skipped=0
failures=()

# MARK: - Modules

# wasm_of SOURCE.c: builds (once per run) and prints the module's path.
wasm_of() {
    local source="$1" name
    name="$(basename "$source" .c)"
    local wasm="$out/wasm/$name.wasm"
    if [[ ! -f "$wasm" || "$source" -nt "$wasm" ]]; then
        if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 "$source" -o "$wasm.tmp" 2>"$out/wasm/$name.log" ||
            ! "$W2N_WASM_TOOLS" strip "$wasm.tmp" -o "$wasm" 2>>"$out/wasm/$name.log"; then
            rm -f "$wasm" "$wasm.tmp"
            return 1
        fi
        rm -f "$wasm.tmp"
    fi
    echo "$wasm"
}

# compile WASM KEY GRANTS...: compiles for both targets into $work/bin/KEY.{x86_64,aarch64}
# (once per key) and prints nothing; a failure leaves $work/bin/KEY.log.
compile() {
    local wasm="$1" key="$2"
    shift 2
    local base="$work/bin/$key"
    mkdir -p "$work/bin"
    [[ -f "$base.done" ]] && return 0
    [[ -f "$base.log" ]] && return 1
    for target in x86_64 aarch64; do
        if ! "$compiler" "$wasm" -o "$base.$target" --target "$target-linux" "$@" >>"$base.log" 2>&1; then
            echo "($target-linux)" >>"$base.log"
            return 1
        fi
    done
    touch "$base.done"
}

# The state of a directory as text: one line per entry (type, size, SHA-256 for files).
snapshot() {
    (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | sort | while read -r type path; do
        if [[ "$type" == f ]]; then
            echo "f $path $(stat -c %s "$path") $(sha256sum <"$path" | cut -c1-16)"
        else
            echo "$type $path"
        fi
    done)
}

seed() {
    printf 'first line\nsecond line\n' >"$1/input.txt"
    mkdir "$1/nested"
    printf 'deep\n' >"$1/nested/deep.txt"
    : >"$1/empty.txt"
}

# MARK: - Cases

report() {
    local name="$1" what="$2" status="$3"
    shift 3
    local problems=("$@")
    if ((${#problems[@]} == 0)); then
        passed=$((passed + 1))
        printf 'PASS  %-26s %s  [status %s]\n' "$name" "$what" "$status"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL  %-26s %s: %s\n' "$name" "$what" "$(IFS=';'; echo "${problems[*]}" | sed 's/;/; /g')"
    fi
}

# check NAME SOURCE_OR_WASM [--env N=V]... [--dir] [--seed] [--optional] -- ARGS...
check() {
    local name="$1" module="$2"
    shift 2
    # shellcheck disable=SC2053
    [[ "$name" == $pattern ]] || return 0
    local grants=() dir=0 seeded=0 optional=0
    while (($#)); do
        case "$1" in
            --env) grants+=(--env "$2"); shift 2 ;;
            --dir) dir=1; shift ;;
            --seed) seeded=1; shift ;;
            --optional) optional=1; shift ;;
            --) shift; break ;;
            *) echo "run.sh: bad case option $1" >&2; exit 2 ;;
        esac
    done
    local args=("$@")
    local case_dir="$work/$name"
    mkdir -p "$case_dir"
    local wasm="$module"
    if [[ "$module" == *.c ]] && ! wasm="$(wasm_of "$module")"; then
        report "$name" "$(basename "$module")" "-" "cannot build $module: $(head -c 300 "$out/wasm/$(basename "$module" .c).log")"
        return 0
    fi
    local example
    example="$(basename "$wasm" .wasm)"
    # One executable pair per module and grant set; the granted directory has a fixed path that
    # each run gets afresh.
    local data="$work/data-$example"
    ((dir)) && grants+=(--dir "$data::/data")
    local key
    key="$example-$(printf '%s\n' "${grants[@]}" | sha256sum | cut -c1-12)"
    if ! compile "$wasm" "$key" "${grants[@]}"; then
        report "$name" "$example" "-" "wasm2native failed: $(head -c 400 "$work/bin/$key.log" | tr '\n' ' ')"
        return 0
    fi

    local target status
    for target in x86_64 aarch64; do
        if ((dir)); then
            rm -rf "$data"
            mkdir -p "$data"
            ((seeded)) && seed "$data"
        fi
        local runner=()
        [[ "$target" == aarch64 ]] && runner=("$qemu" -0 "$example.wasm")
        if [[ "$target" == x86_64 ]]; then
            timeout "$limit" bash -c 'exec -a "$0" "$@"' "$example.wasm" "$work/bin/$key.$target" "${args[@]}" \
                </dev/null >"$case_dir/$target.out" 2>"$case_dir/$target.err"
        else
            timeout "$limit" "${runner[@]}" "$work/bin/$key.$target" "${args[@]}" \
                </dev/null >"$case_dir/$target.out" 2>"$case_dir/$target.err"
        fi
        status=$?
        echo "$status" >"$case_dir/$target.status"
        ((dir)) && snapshot "$data" >"$case_dir/$target.dir"
        if [[ "$target" == x86_64 && "$status" == 124 ]] && ((optional)); then
            skipped=$((skipped + 1))
            printf 'SKIP  %-26s %s: still running after %ss on x86_64 (long-running? give it a case in %s)\n' \
                "$name" "$example" "$limit" "${BASH_SOURCE[0]#"$root"/}"
            return 0
        fi
    done

    local problems=()
    local x86_status arm_status
    x86_status="$(cat "$case_dir/x86_64.status")"
    arm_status="$(cat "$case_dir/aarch64.status")"
    ((x86_status == 124)) && problems+=("x86_64 run timed out after ${limit}s")
    ((arm_status == 124)) && problems+=("aarch64 run timed out after ${limit}s")
    [[ "$x86_status" == "$arm_status" ]] || problems+=("exit status: x86_64 $x86_status, aarch64 $arm_status")
    cmp -s "$case_dir/x86_64.out" "$case_dir/aarch64.out" || problems+=("stdout differs")
    cmp -s "$case_dir/x86_64.err" "$case_dir/aarch64.err" || problems+=("stderr differs")
    if ((dir)) && ! cmp -s "$case_dir/x86_64.dir" "$case_dir/aarch64.dir"; then problems+=("directory contents differ"); fi
    local shown_args=""
    ((${#args[@]})) && shown_args="$(printf ' %q' "${args[@]}")"
    report "$name" "$example$shown_args" "$x86_status" "${problems[@]}"
    if ((verbose)) || ((${#problems[@]})); then
        for target in x86_64 aarch64; do
            echo "      --- $target (status $(cat "$case_dir/$target.status")): stdout | stderr !"
            head -n 20 "$case_dir/$target.out" | sed 's/^/      | /'
            head -n 8 "$case_dir/$target.err" | sed 's/^/      ! /'
        done
    fi
    return 0
}

# The examples, with the arguments and grants their own test (Tests/Examples/run.sh) uses.
check hello examples/hello/hello.c -- one "two words" "" "ünïcødé ✓"
check args-env-none examples/args-env/args-env.c --
check args-env-some examples/args-env/args-env.c --env GREETING=hello --env EMPTY= --env "W2N_EXAMPLE=a=b c" \
    -- alpha "beta gamma" "" "-x"
check exit-0 examples/exit-codes/exit-codes.c -- 0
check exit-42 examples/exit-codes/exit-codes.c -- 42
check exit-usage examples/exit-codes/exit-codes.c --
check files-demo examples/files/files.c --dir -- demo /data
check files-cat examples/files/files.c --dir --seed -- cat /data/input.txt
check files-ls examples/files/files.c --dir --seed -- ls /data
check files-missing examples/files/files.c --dir --seed -- cat /data/missing.txt
check files-escape examples/files/files.c --dir -- cat /data/../secret.txt
check files-not-granted examples/files/files.c -- ls /data
check trap-unreachable examples/trap/trap.c -- unreachable
check trap-div0 examples/trap/trap.c -- div0
check trap-overflow examples/trap/trap.c -- overflow
check trap-oob examples/trap/trap.c -- oob
check trap-indirect examples/trap/trap.c -- indirect
check trap-stack examples/trap/trap.c -- stack
check trap-none examples/trap/trap.c -- none
check ticker examples/ticker/ticker.c -- 3 20
# Rounding, conversions and libm-backed operations, whose code differs most between the targets.
check float-ops Tests/Cross/float-ops.c --

# Examples added since: no arguments, and skipped if they do not finish (servers).
known=" hello args-env exit-codes files trap ticker "
for source in examples/*/*.c; do
    example="$(basename "$(dirname "$source")")"
    [[ "$source" == "examples/$example/$example.c" ]] || continue
    [[ "$known" == *" $example "* ]] && continue
    [[ -f "examples/$example/build.sh" ]] && continue   # built its own way (httpbin: the server test below)
    check "$example" "$source" --optional --
done

# The compute programs at small sizes (floating point, integer arithmetic, indirect calls,
# br_table, memory-heavy loops): identical results on both architectures.
compute_size() {
    case "$1" in
        nbody) echo 1000 ;; spectral-norm) echo 100 ;; fannkuch-redux) echo 7 ;; sha256) echo 1 ;;
        lz77) echo 1 ;; sort) echo 200000 ;; hashtable) echo 100000 ;; matmul) echo 64 ;; interp) echo 20000 ;;
        *) echo "" ;;
    esac
}
for source in bench/compute/*.c; do
    [[ -f "$source" ]] || continue
    program="$(basename "$source" .c)"
    size="$(compute_size "$program")"
    [[ -n "$size" ]] || continue   # not a benchmark program (e.g. a wasm2c support file)
    check "compute-$program" "$source" -- "$size"
done

for entry in "${extra_cases[@]}"; do
    IFS=$'\t' read -r -a fields <<<"$entry"
    check "wasm-$(basename "${fields[0]}" .wasm)" "${fields[0]}" -- "${fields[@]:1}"
done

# MARK: - An HTTP server under qemu (httpbin)

milliseconds() { echo $(($(date +%s%N) / 1000000)); }

# serve TARGET: starts the server, GETs the path, SIGTERMs it; records body and timings.
serve() {
    local target="$1" exe="$work/bin/server.$1" log="$work/server/$1.log"
    local command=("$exe")
    [[ "$target" == aarch64 ]] && command=("$qemu" "$exe")
    local arg
    for arg in "${server_args[@]}"; do command+=("${arg//\{port\}/$server_port}"); done
    "${command[@]}" >"$log" 2>&1 </dev/null &
    local pid=$! started ready=0
    started=$(milliseconds)
    while (($(milliseconds) - started < limit * 1000)); do
        if curl -fsS --max-time 2 "http://127.0.0.1:$server_port$server_path" -o "$work/server/$target.body" 2>/dev/null; then
            ready=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    local problems=()
    if ((!ready)); then
        problems+=("no 200 from http://127.0.0.1:$server_port$server_path: $(head -c 300 "$log")")
    elif [[ -n "$server_expect" ]] && ! grep -Eq -- "$server_expect" "$work/server/$target.body"; then
        problems+=("body does not match /$server_expect/: $(head -c 300 "$work/server/$target.body")")
    fi
    local before after status
    before=$(milliseconds)
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && (($(milliseconds) - before < 5000)); do sleep 0.01; done
    after=$(milliseconds)
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        problems+=("still running 5 s after SIGTERM")
    fi
    wait "$pid"
    status=$?
    ((after - before < 1000)) || problems+=("SIGTERM took $((after - before)) ms")
    ((status == 143)) || problems+=("exit status $status after SIGTERM, want 143")
    report "server-$target" "$(basename "$server_wasm") GET $server_path, SIGTERM in $((after - before)) ms" "$status" "${problems[@]}"
}

if [[ -z "$server_wasm" && -f examples/httpbin/httpbin.c && -f examples/httpbin/net_wasmedge.c ]] &&
    [[ "server-x86_64" == $pattern || "server-aarch64" == $pattern ]]; then
    server_wasm="$out/wasm/httpbin.wasm"
    if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 -std=c11 -D_DEFAULT_SOURCE examples/httpbin/httpbin.c \
        examples/httpbin/net_wasmedge.c -o "$server_wasm" 2>"$out/wasm/httpbin.log"; then
        report "server" "httpbin" "-" "cannot build examples/httpbin: $(head -c 300 "$out/wasm/httpbin.log")"
        server_wasm=""
    fi
    server_options=(--net)
    server_args=(--port "{port}")
    server_path=/get
    server_expect='"flavor": *"aot"'
fi
if [[ -n "$server_wasm" ]]; then
    [[ -n "$server_port" ]] ||
        server_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    mkdir -p "$work/server"
    if compile "$server_wasm" server "${server_options[@]}"; then
        serve x86_64
        serve aarch64
        if [[ -f "$work/server/x86_64.body" && -f "$work/server/aarch64.body" ]]; then
            if cmp -s "$work/server/x86_64.body" "$work/server/aarch64.body"; then
                report "server-same-body" "GET $server_path: identical bodies" "-"
            else
                report "server-same-body" "GET $server_path" "-" "bodies differ (see ${work#"$root"/}/server/)"
            fi
        fi
    else
        report "server" "$(basename "$server_wasm")" "-" "wasm2native failed: $(head -c 400 "$work/bin/server.log")"
    fi
fi

echo "cross: $passed passed, $failed failed$( ((skipped)) && echo ", $skipped skipped")"
if ((failed)); then
    echo "failed: ${failures[*]} (outputs in ${work#"$root"/}/NAME/)"
    exit 1
fi
((keep)) || rm -rf "$work"
exit 0
