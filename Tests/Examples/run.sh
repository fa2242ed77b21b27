#!/usr/bin/env bash
# End-to-end test of the examples: every example is built to wasm32-wasi with zig, compiled with
# wasm2native, and run both natively and under wasmtime (the reference) with the same arguments,
# environment and (fresh, per run) directory; stdout, stderr and the exit status must be identical.
#
#   Tests/Examples/run.sh [-k|--keep] [-v|--verbose] [PATTERN]
#
# PATTERN (a bash glob, default *) selects cases by name, e.g. 'files*'. --keep leaves the work
# folder (.build-examples/run/) in place after a passing run; --verbose shows both outputs of every case.
# Prints one line per case and `examples: N passed, N failed`; exits non-zero when a case fails.
#
# Environment: W2N_WASM2NATIVE (default .build/release/wasm2native; build it with
# `swift build -c release --product wasm2native`), W2N_EXAMPLES_TIMEOUT (seconds per run, 60).
#
# How cases compare:
#   exact    stdout, stderr and exit status byte-for-byte equal (most cases).
#   status   stdout and exit status equal, stderr non-empty in both but free to differ: a path that
#            escapes the granted directory fails in every runtime, but wasmtime reports EPERM
#            ("Operation not permitted") where WASI itself names ENOTCAPABLE.
#   trap     stdout equal, both exit non-zero, and both stderrs contain the trap's message (the
#            spec's wording, e.g. "integer divide by zero"). The rest of the message differs by
#            design: wasmtime-run prints "wasmtime-run: trap: ..." with a wasm backtrace and exits
#            with 134; wasm2native prints its own trap line with the wasm function's name.
# argv[0] is the module's file name under wasmtime-run ("files.wasm"), so the native executable
# is started with the same argv[0] (bash `exec -a`). A case that grants a directory also compares
# the directory's final contents (names, types, sizes, SHA-256 of files) between the two runs.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 2

keep=0
verbose=0
pattern='*'
while (($#)); do
    case "$1" in
        -k | --keep) keep=1 ;;
        -v | --verbose) verbose=1 ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) pattern="$1" ;;
    esac
    shift
done

# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh || exit 2
compiler="${W2N_WASM2NATIVE:-$root/.build/release/wasm2native}"
limit="${W2N_EXAMPLES_TIMEOUT:-60}"
if [[ ! -x "$compiler" ]]; then
    echo "run.sh: no $compiler; build it with: swift build -c release --product wasm2native" >&2
    exit 2
fi

out="$root/.build-examples"
work="$out/run"
rm -rf "$work"
mkdir -p "$work"

# MARK: - Build the examples to wasm32-wasi

examples=(hello args-env files exit-codes trap)
for example in "${examples[@]}"; do
    mkdir -p "$out/$example"
    wasm="$out/$example/$example.wasm"
    # DWARF is stripped (wasm-tools strip keeps the name section, so traps name their function).
    if ! "$W2N_ZIG" cc --target=wasm32-wasi -O2 "examples/$example/$example.c" -o "$wasm.tmp" ||
        ! "$W2N_WASM_TOOLS" strip "$wasm.tmp" -o "$wasm"; then
        echo "run.sh: cannot build examples/$example/$example.c" >&2
        exit 2
    fi
    rm -f "$wasm.tmp"
done

# MARK: - Cases

passed=0
failed=0
failures=()

# run_with_argv0 ARGV0 STDOUT STDERR CMD ARGS...: runs CMD with argv[0] set to ARGV0, stdin from
# /dev/null, under a timeout; prints the exit status.
run_with_argv0() {
    local argv0="$1" stdout="$2" stderr="$3"
    shift 3
    # shellcheck disable=SC2016  # $0 and $@ belong to the inner bash
    timeout "$limit" bash -c 'exec -a "$0" "$@"' "$argv0" "$@" </dev/null >"$stdout" 2>"$stderr"
    echo $?
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

# Fills a fresh granted directory for the cases that read input.
seed() {
    printf 'first line\nsecond line\n' >"$1/input.txt"
    mkdir "$1/nested"
    printf 'deep\n' >"$1/nested/deep.txt"
    : >"$1/empty.txt"
}

# check NAME EXAMPLE [--env N=V]... [--dir] [--seed] [--status] [--trap MESSAGE] -- ARGS...
check() {
    local name="$1" example="$2"
    shift 2
    # shellcheck disable=SC2053
    [[ "$name" == $pattern ]] || return 0
    # wasm2native's executables tell the guest which engine runs it (W2N_ENGINE=aot); wasmtime
    # gets the same variable so that environments compare equal.
    local grants=() wasmtime_grants=(--env W2N_ENGINE=aot) dir=0 seeded=0 mode=exact trap_message=""
    while (($#)); do
        case "$1" in
            --env) grants+=(--env "$2"); wasmtime_grants+=(--env "$2"); shift 2 ;;
            --dir) dir=1; shift ;;
            --seed) seeded=1; shift ;;
            --status) mode="status"; shift ;;
            --trap) mode="trap"; trap_message="$2"; shift 2 ;;
            --) shift; break ;;
            *) echo "run.sh: bad case option $1" >&2; exit 2 ;;
        esac
    done
    local args=("$@")
    local case_dir="$work/$name"
    mkdir -p "$case_dir"
    local wasm="$out/$example/$example.wasm" exe="$case_dir/$example"
    local native_dir="$case_dir/native-dir" wasmtime_dir="$case_dir/wasmtime-dir"
    if ((dir)); then
        mkdir -p "$native_dir" "$wasmtime_dir"
        if ((seeded)); then seed "$native_dir"; seed "$wasmtime_dir"; fi
        grants+=(--dir "$native_dir::/data")
        wasmtime_grants+=(--dir "$wasmtime_dir::/data")
    fi

    local problems=()
    if ! "$compiler" "$wasm" -o "$exe" "${grants[@]}" >"$case_dir/compile.log" 2>&1; then
        problems+=("wasm2native failed: $(head -c 400 "$case_dir/compile.log" | tr '\n' ' ')")
    else
        local native_status wasmtime_status
        native_status="$(run_with_argv0 "$example.wasm" "$case_dir/native.out" "$case_dir/native.err" \
            "$exe" "${args[@]}")"
        wasmtime_status="$(run_with_argv0 "$example.wasm" "$case_dir/wasmtime.out" "$case_dir/wasmtime.err" \
            "$W2N_WASMTIME" "${wasmtime_grants[@]}" "$wasm" "${args[@]}")"
        echo "$native_status" >"$case_dir/native.status"
        echo "$wasmtime_status" >"$case_dir/wasmtime.status"
        ((native_status == 124)) && problems+=("native run timed out after ${limit}s")
        ((wasmtime_status == 124)) && problems+=("wasmtime run timed out after ${limit}s")
        cmp -s "$case_dir/native.out" "$case_dir/wasmtime.out" || problems+=("stdout differs")
        case "$mode" in
            exact)
                cmp -s "$case_dir/native.err" "$case_dir/wasmtime.err" || problems+=("stderr differs")
                [[ "$native_status" == "$wasmtime_status" ]] ||
                    problems+=("exit status $native_status, wasmtime $wasmtime_status")
                ;;
            status)
                [[ "$native_status" == "$wasmtime_status" ]] ||
                    problems+=("exit status $native_status, wasmtime $wasmtime_status")
                [[ -s "$case_dir/native.err" ]] || problems+=("native stderr is empty")
                [[ -s "$case_dir/wasmtime.err" ]] || problems+=("wasmtime stderr is empty")
                ;;
            trap)
                ((native_status != 0)) || problems+=("native exit status 0, expected a trap")
                ((wasmtime_status != 0)) || problems+=("wasmtime exit status 0, expected a trap")
                grep -qiF -- "$trap_message" "$case_dir/native.err" ||
                    problems+=("native stderr lacks \"$trap_message\"")
                grep -qiF -- "$trap_message" "$case_dir/wasmtime.err" ||
                    problems+=("wasmtime stderr lacks \"$trap_message\"")
                ;;
        esac
        if ((dir)) && [[ "$(snapshot "$native_dir")" != "$(snapshot "$wasmtime_dir")" ]]; then
            problems+=("directory contents differ")
            diff <(snapshot "$native_dir") <(snapshot "$wasmtime_dir") >"$case_dir/dir.diff"
        fi
    fi

    local shown_args=""
    ((${#args[@]})) && shown_args="$(printf ' %q' "${args[@]}")"
    if ((${#problems[@]} == 0)); then
        passed=$((passed + 1))
        printf 'PASS  %-24s %s%s  [%s, status %s]\n' "$name" "$example" "$shown_args" "$mode" "$native_status"
    else
        failed=$((failed + 1))
        failures+=("$name")
        local joined
        joined="$(printf '%s; ' "${problems[@]}")"
        printf 'FAIL  %-24s %s%s  [%s]: %s\n' "$name" "$example" "$shown_args" "$mode" "${joined%; }"
    fi
    if ((verbose)); then
        local engine
        for engine in native wasmtime; do
            [[ -f "$case_dir/$engine.status" ]] || continue
            echo "      --- $engine (status $(cat "$case_dir/$engine.status")): stdout | stderr !"
            head -n 40 "$case_dir/$engine.out" | sed 's/^/      | /'
            head -n 12 "$case_dir/$engine.err" | sed 's/^/      ! /'
        done
    fi
    if ((${#problems[@]})) && [[ -f "$case_dir/native.status" ]]; then
        local stream
        for stream in out err; do
            cmp -s "$case_dir/native.$stream" "$case_dir/wasmtime.$stream" && continue
            echo "      --- diff of std$stream (native, wasmtime):"
            diff -u --label native --label wasmtime "$case_dir/native.$stream" "$case_dir/wasmtime.$stream" |
                tail -n +3 | head -n 30 | sed 's/^/      /'
        done
        [[ -f "$case_dir/dir.diff" ]] && sed 's/^/      dir /' "$case_dir/dir.diff" | head -n 20
    fi
    return 0
}

check hello hello --
check hello-args hello -- one "two words" "" "ünïcødé ✓" --flag=value
check args-env-none args-env --
check args-env-some args-env --env GREETING=hello --env EMPTY= --env "W2N_EXAMPLE=a=b c" \
    -- alpha "beta gamma" "" "-x"
check args-env-path args-env --env PATH=/guest/bin --env HOME=/home/guest -- "$(printf 'tab\there')"
check exit-0 exit-codes -- 0
check exit-1 exit-codes -- 1
check exit-42 exit-codes -- 42
check exit-125 exit-codes -- 125
check exit-usage exit-codes --
check exit-not-a-number exit-codes -- 12x
check files-demo files --dir -- demo /data
check files-cat files --dir --seed -- cat /data/input.txt
check files-cat-nested files --dir --seed -- cat /data/nested/deep.txt
check files-cat-empty files --dir --seed -- cat /data/empty.txt
check files-ls files --dir --seed -- ls /data
check files-missing files --dir --seed -- cat /data/missing.txt
check files-missing-dir files --dir -- ls /data/nowhere
check files-not-granted files -- ls /data
check files-outside files --dir -- cat /etc/passwd
check files-escape files --dir --status -- cat /data/../secret.txt
check files-usage files --
check trap-unreachable trap --trap unreachable -- unreachable
check trap-div0 trap --trap "integer divide by zero" -- div0
check trap-overflow trap --trap "integer overflow" -- overflow
check trap-oob trap --trap "out of bounds memory access" -- oob
check trap-indirect trap --trap "indirect call type mismatch" -- indirect
check trap-stack trap --trap "call stack exhausted" -- stack
check trap-none trap -- none

echo "examples: $passed passed, $failed failed"
if ((failed)); then
    echo "failed: ${failures[*]} (outputs in ${work#"$root"/}/NAME/)"
    exit 1
fi
((keep)) || rm -rf "$work"
exit 0
