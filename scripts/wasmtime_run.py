"""Run a WASI preview1 command module under wasmtime (the PyPI `wasmtime` package).

The PyPI package ships libwasmtime and Python bindings but no `wasmtime` command, so this is the
small `wasmtime run` the project needs as a reference runtime:

    wasmtime-run [--dir HOST[::GUEST][:ro]]... [--env NAME=VALUE]... [--inherit-env] MODULE.wasm [ARGS...]

A grant ending in `:ro` is read-only (wasmtime's `fs_mutable=False`), as wasm2native's `--dir`.

stdin, stdout and stderr are inherited. The exit status is the guest's `proc_exit` code, 0 when
`_start` returns, 134 on a trap (the message goes to stderr, like the wasmtime CLI) and 2 on a
usage error or an unreadable module. Run it through scripts/wasmtime-run, which picks .venv's Python.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import wasmtime


def usage(message: str) -> NoReturn:
    sys.stderr.write(f"wasmtime-run: {message}\n")
    sys.stderr.write("usage: wasmtime-run [--dir HOST[::GUEST][:ro]]... [--env NAME=VALUE]... "
                     "[--inherit-env] MODULE.wasm [ARGS...]\n")
    sys.exit(2)


def main(argv: list[str]) -> int:
    dirs: list[tuple[str, str, bool]] = []
    env: dict[str, str] = {}
    inherit_env = False
    i = 0
    while i < len(argv) and argv[i].startswith("--"):
        option = argv[i]
        if option == "--":
            i += 1
            break
        if option == "--inherit-env":
            inherit_env = True
            i += 1
            continue
        if option not in ("--dir", "--env") or i + 1 >= len(argv):
            usage(f"bad option {option!r}")
        value = argv[i + 1]
        if option == "--dir":
            read_only = value.endswith(":ro")
            if read_only:
                value = value[:-3]
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host, not read_only))
        else:
            name, equals, val = value.partition("=")
            if not equals:
                usage(f"--env wants NAME=VALUE, got {value!r}")
            env[name] = val
        i += 2
    if i >= len(argv):
        usage("no module given")
    module_path, guest_args = argv[i], argv[i + 1:]

    try:
        with open(module_path, "rb") as f:
            wasm = f.read()
    except OSError as error:
        usage(f"cannot read {module_path}: {error.strerror}")

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(module_path), *guest_args]
    if inherit_env:
        env = {**os.environ, **env}
    wasi.env = list(env.items())
    for host, guest, mutable in dirs:
        wasi.preopen_dir(host, guest, mutable)
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)

    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    try:
        module = wasmtime.Module(engine, wasm)
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        start(store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    except wasmtime.Trap as trap:
        sys.stdout.flush()
        sys.stderr.write(f"wasmtime-run: trap: {trap.message}\n")
        return 134
    except wasmtime.WasmtimeError as error:
        sys.stderr.write(f"wasmtime-run: {error}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
