#!/usr/bin/env bash
# Builds and runs the RuntimeSupport tests (C, no SwiftPM): the sources of Sources/RuntimeSupport
# with runtime_test.c, and with -DW2N_EXECUTABLE_MAIN plus main_module.c as the executable that
# runtime_test runs as a process. Toolchains:
#   gcc            the system cc, -Wall -Wextra -Werror
#   gcc-bounds     the same with -DW2N_BOUNDS_CHECKS=1
#   musl-x86_64    $W2N_ZIG cc -target x86_64-linux-musl -static (skipped without scripts/setup.sh)
#   musl-aarch64   compiled only (no way to run it here), when zig is there
# Prints "runtime: N passed, M failed" last; exits non-zero when a check or a build failed.
#
#   Tests/RuntimeSupportTests/run.sh [BUILD_DIR]      (default .build/runtime-tests)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="$root/Sources/RuntimeSupport"
out="${1:-$root/.build/runtime-tests}"
mkdir -p "$out"

# shellcheck source=../../scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh" 2>/dev/null || true
mapfile -t sources < <(find "$src" -name '*.c' | sort)
flags=(-std=c11 -Wall -Wextra -Werror -O2 -g -I"$src/include")

passed=0
failed=0

# build NAME CC... : builds runtime_test-NAME and main_test-NAME; 0 on success.
build() {
    local name="$1"
    shift
    "$@" "${flags[@]}" "${sources[@]}" "$here/runtime_test.c" -o "$out/runtime_test-$name" -lpthread &&
        "$@" "${flags[@]}" -DW2N_EXECUTABLE_MAIN "${sources[@]}" "$here/main_module.c" \
            -o "$out/main_test-$name" -lpthread
}

# run NAME CC... : builds and runs one configuration, adding its counts.
run() {
    local name="$1"
    shift
    printf '==> runtime tests: %s\n' "$name"
    if ! build "$name" "$@"; then
        printf 'runtime tests: %s: BUILD FAILED\n' "$name"
        failed=$((failed + 1))
        return
    fi
    local log="$out/runtime_test-$name.log"
    timeout 300 "$out/runtime_test-$name" "$out/main_test-$name" 2>&1 | tee "$log"
    local line
    line="$(grep -aE '^runtime-test: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
    if [[ -z "$line" ]]; then
        printf 'runtime tests: %s: no result line (crash or timeout)\n' "$name"
        failed=$((failed + 1))
        return
    fi
    local p f
    read -r p f < <(sed -E 's/^runtime-test: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
    passed=$((passed + p))
    failed=$((failed + f))
}

run gcc cc
run gcc-bounds cc -DW2N_BOUNDS_CHECKS=1
if [[ -n "${W2N_ZIG:-}" && -x "${W2N_ZIG:-}" ]]; then
    run musl-x86_64 "$W2N_ZIG" cc -target x86_64-linux-musl -static
    printf '==> runtime tests: musl-aarch64 (build only)\n'
    if build musl-aarch64 "$W2N_ZIG" cc -target aarch64-linux-musl -static; then
        passed=$((passed + 1))
    else
        printf 'runtime tests: musl-aarch64: BUILD FAILED\n'
        failed=$((failed + 1))
    fi
else
    printf 'runtime tests: no zig (run scripts/setup.sh): musl builds skipped\n'
fi

printf 'runtime: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
