"""Times a WASI command under wasmtime (PyPI bindings) without its compile time.

    wasmtime_time.py --precompile OUT.cwasm MODULE.wasm   compile once, serialize to OUT.cwasm
    wasmtime_time.py MODULE.(wasm|cwasm) [ARGS...]          run and time it
    wasmtime_time.py --compile-time [--serial] [--runs N] MODULE.wasm
                                                          time Module(engine, bytes) only

A run first loads the module (deserializing a .cwasm made by --precompile with the same engine
settings, or compiling a .wasm), then times only instantiation plus `_start`, and prints
`wasmtime-time: wall=SECONDS cpu=SECONDS` as the last line on stderr (cpu is this process's
user+system time over the same span, time.process_time). The guest's stdout and stderr are
inherited; argv[0] is the module's file name; no directories or environment are granted. The
exit status is the guest's proc_exit code (0 when _start returns), 134 on a trap, 2 on a usage
error.

--compile-time reads the file first, then times `wasmtime.Module(engine, bytes)` N times (default
1, a fresh engine each time, no cache) and prints `wasmtime-compile: wall=S cpu=S` per run on
stdout (cpu counts every thread: wasmtime compiles functions in parallel unless --serial turns
Config.parallel_compilation off).

The engine is wasmtime's default (Cranelift, opt level "speed", the host CPU's features).
"""

from __future__ import annotations

import os
import sys
import time

import wasmtime


def usage(message: str) -> int:
    sys.stderr.write(f"wasmtime_time.py: {message}\n")
    sys.stderr.write("usage: wasmtime_time.py --precompile OUT.cwasm MODULE.wasm\n"
                     "       wasmtime_time.py MODULE.(wasm|cwasm) [ARGS...]\n")
    return 2


def compile_time(argv: list[str]) -> int:
    serial, runs = False, 1
    while argv and argv[0].startswith("--"):
        if argv[0] == "--serial":
            serial, argv = True, argv[1:]
        elif argv[0] == "--runs" and len(argv) > 1:
            runs, argv = int(argv[1]), argv[2:]
        else:
            return usage(f"bad option {argv[0]!r}")
    if len(argv) != 1:
        return usage("--compile-time wants one module")
    with open(argv[0], "rb") as f:
        wasm = f.read()
    for _ in range(runs):
        config = wasmtime.Config()
        config.parallel_compilation = not serial
        engine = wasmtime.Engine(config)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        module = wasmtime.Module(engine, wasm)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        print(f"wasmtime-compile: wall={wall:.6f} cpu={cpu:.6f}", flush=True)
        del module, engine
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--compile-time":
        return compile_time(argv[1:])
    engine = wasmtime.Engine()
    if argv and argv[0] == "--precompile":
        if len(argv) != 3:
            return usage("--precompile wants OUT.cwasm MODULE.wasm")
        module = wasmtime.Module.from_file(engine, argv[2])
        with open(argv[1], "wb") as f:
            f.write(module.serialize())
        return 0
    if not argv:
        return usage("no module given")
    path, args = argv[0], argv[1:]
    if path.endswith(".cwasm"):
        module = wasmtime.Module.deserialize_file(engine, path)
    else:
        module = wasmtime.Module.from_file(engine, path)

    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(path), *args]
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()

    status = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit_trap:
        status = exit_trap.code
    except wasmtime.Trap as trap:
        sys.stderr.write(f"wasmtime_time.py: trap: {trap.message}\n")
        status = 134
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    sys.stdout.flush()
    sys.stderr.write(f"wasmtime-time: wall={wall:.6f} cpu={cpu:.6f}\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
