#!/usr/bin/env bash
# Runs every test: set up, release build, unit tests, the generated-code check, the spec suite, the
# mutation robustness run, aarch64 under qemu, and the images in containerd. Stops at the first
# failing step with its exit status.
#
#   scripts/test.sh
#
# Environment:
#   W2N_TESTSUITE            the spec testsuite (default: ../shared/testsuite beside the repository)
#   W2N_WARNINGS_AS_ERRORS=1 compiler warnings fail the build (read by Package.swift; CI sets it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

testsuite="${W2N_TESTSUITE:-$root/../shared/testsuite}"
summary=()
started=$SECONDS

# Runs one named step; on failure prints which step failed and exits with its status.
step() {
    local name="$1"
    shift
    printf '\n==> %s\n' "$name"
    local begin=$SECONDS status=0
    "$@" || status=$?
    local took=$((SECONDS - begin))
    if ((status != 0)); then
        printf '\ntest.sh: FAILED: %s (exit %d after %ds)\n' "$name" "$status" "$took" >&2
        printf 'test.sh: command: %s\n' "$*" >&2
        exit "$status"
    fi
    summary+=("$(printf '  ok  %4ds  %s' "$took" "$name")")
}

step "setup" scripts/setup.sh
# shellcheck source=scripts/tool-paths.sh
source scripts/tool-paths.sh

if [[ ! -d "$testsuite" ]]; then
    printf 'test.sh: FAILED: no spec testsuite at %s (set W2N_TESTSUITE)\n' "$testsuite" >&2
    exit 1
fi
testsuite="$(cd "$testsuite" && pwd)"

step "swift build -c release" swift build -c release
step "swift test" swift test
step "generated code is up to date" python3 Utilities/generate.py --check
step "RuntimeSupport (C: glibc, bounds checks, static musl)" Tests/RuntimeSupportTests/run.sh
# The native engine runs every command: validation ones through the parser, execution ones
# against modules compiled by Lowering + Codegen.
step "spec suite, native engine ($testsuite)" .build/release/w2n-dev spectest --engine native --testsuite "$testsuite"
# The other optimisation levels take other paths through LLVM (-O0: no passes, its own
# instruction selection settings; -O3: more unrolling and inlining), and `--cpu native` other
# instructions (AVX-512 on the development machine), so the suite runs there too.
step "spec suite, native engine at -O0, -O3 and --cpu native" bash -c '.build/release/w2n-dev spectest --engine native --opt-level 0 --testsuite "$1" && .build/release/w2n-dev spectest --engine native --opt-level 3 --testsuite "$1" && .build/release/w2n-dev spectest --engine native --cpu native --testsuite "$1"' _ "$testsuite"
# The interpreter: the same suite with the same counting rules, then beside native code on
# generated modules (traps allowed) and on the kept regression cases.
step "spec suite, interpreter engine ($testsuite)" .build/release/w2n-dev spectest --engine interpreter --testsuite "$testsuite"
# Our own .wast files (loop versioning's edge cases), in both engines.
step "Tests/Spec, native engine" .build/release/w2n-dev spectest --engine native --testsuite Tests/Spec
step "Tests/Spec, interpreter engine" .build/release/w2n-dev spectest --engine interpreter --testsuite Tests/Spec
step "differential: interpreter vs native code (500 seeds)" .build/release/w2n-dev difftest --seeds 500
step "differential at -O0 (500 other seeds)" .build/release/w2n-dev difftest --seeds 500 --start 500 --opt-level 0
step "differential: kept regression cases (-O2, -O0)" bash -c '.build/release/w2n-dev difftest --replay Tests/Differential/FailCases && .build/release/w2n-dev difftest --replay Tests/Differential/FailCases --opt-level 0'
step "differential: a compiler hang is reported, not a stall" Tests/Differential/compile-hang.sh
step "mutation robustness (100000 modules)" .build/release/w2n-dev mutate --testsuite "$testsuite" --count 100000
# Executables against wasmtime: the examples, every SIMD instruction on edge inputs, WASI by area
# (with the sandbox-escape matrix and sockets), and httpbin end to end in its three flavors.
step "examples: native executables vs wasmtime" Tests/Examples/run.sh
step "SIMD semantics: native executable vs wasmtime" Tests/SIMD/run.sh
step "WASI preview1 and sockets vs wasmtime" Tests/WASI/run.sh
step "httpbin end to end (native, aot, interpreter)" Tests/HTTPBin/run.sh
# aarch64 output from this x86_64 host, run under qemu-user: the suite's executable commands, then
# the examples and compute programs against their x86_64 builds.
step "spec suite, aarch64 under qemu" .build/release/w2n-dev cross-spectest --testsuite "$testsuite"
step "Tests/Spec, aarch64 under qemu" .build/release/w2n-dev cross-spectest --testsuite Tests/Spec
step "examples and compute programs, aarch64 under qemu vs x86_64" Tests/Cross/run.sh
# Images: reproducible archives, skopeo, and containerd (started by the test) running them.
step "OCI images: skopeo, containerd" Tests/Images/run.sh

printf '\ntest.sh: summary\n'
printf '%s\n' "${summary[@]}"
printf 'test.sh: all %d steps passed in %ds\n' "${#summary[@]}" "$((SECONDS - started))"
