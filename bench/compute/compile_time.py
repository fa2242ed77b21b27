"""Compile time of large modules: wasm2native beside wasmtime (Cranelift). Run through
bench/compute/compile-time.sh, which sets up the tool paths.

    compile-time.sh [--runs N] [--levels 2[,0,...]] [--markdown FILE] [MODULE.wasm ...]

Default module: bench/out/zig-aro-tools.wasm (4.5 MB, built by bench/validate/build-input.sh zig).
For each module and each -O level, `wasm2native MODULE -o OUT -O<level>` is run N times (default
3) and timed whole, linking with zig included (wall, user+system CPU of the process tree, peak
RSS); the executable's size is reported. Modules that import more than WASI (e.g. the GOOS=js Go
compiler) get --trap-unresolved-imports. wasmtime is timed in-process as `Module(engine, bytes)`
(wasmtime_time.py --compile-time), once with its default parallel compilation and once serial.
Medians are printed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def wasm2native_once(compiler: str, module: Path, level: str, extra: list[str], out: Path) -> dict:
    """Runs wasm2native once; wait4() gives the CPU time and peak RSS of it and its children."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen([compiler, str(module), "-o", str(out), f"-O{level}", *extra],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(wait_status)
        stderr.seek(0)
        message = stderr.read().decode(errors="replace")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
        "status": process.returncode,
        "stderr": message,
        "size": out.stat().st_size if process.returncode == 0 and out.exists() else 0,
    }


def imports_only_wasi(module: Path) -> bool:
    tools = os.environ.get("W2N_WASM_TOOLS", "wasm-tools")
    text = subprocess.run([tools, "print", "--skeleton", str(module)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode(errors="replace")
    modules = set(re.findall(r'\(import "([^"]+)"', text))
    return modules <= {"wasi_snapshot_preview1"}


def describe(module: Path) -> tuple[int, int]:
    """(code section bytes, functions)."""
    tools = os.environ.get("W2N_WASM_TOOLS", "wasm-tools")
    text = subprocess.run([tools, "objdump", str(module)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode(errors="replace")
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) >= 4 and parts[0] == "code":
            size = int(re.sub(r"[^0-9]", "", parts[2]))
            count = int(re.sub(r"[^0-9]", "", parts[3]))
            return size, count
    return 0, 0


def wasmtime_compile(module: Path, runs: int, serial: bool) -> list[tuple[float, float]]:
    python = Path(os.environ.get("W2N_VENV", ROOT / ".venv")) / "bin" / "python3"
    command = [str(python), str(HERE / "wasmtime_time.py"), "--compile-time", "--runs", str(runs)]
    if serial:
        command.append("--serial")
    output = subprocess.run(command + [str(module)], stdout=subprocess.PIPE, check=True).stdout.decode()
    return [(float(w), float(c)) for w, c in re.findall(r"wall=([0-9.]+) cpu=([0-9.]+)", output)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--levels", default="2", help="comma-separated -O levels (default 2)")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("modules", nargs="*", type=Path)
    options = parser.parse_args()
    modules = options.modules or [ROOT / "bench" / "out" / "zig-aro-tools.wasm"]
    compiler = os.environ.get("W2N_WASM2NATIVE", str(ROOT / ".build" / "release" / "wasm2native"))
    for module in modules:
        if not module.is_file():
            print(f"compile-time: no {module}; build it with bench/validate/build-input.sh zig", file=sys.stderr)
            return 2

    rows = []
    status = 0
    with tempfile.TemporaryDirectory(prefix="w2n-compile-time-") as scratch:
        for module in modules:
            size = module.stat().st_size
            code, functions = describe(module)
            extra = [] if imports_only_wasi(module) else ["--trap-unresolved-imports"]
            what = f"{module.name} ({size / 1e6:.1f} MB, code {code / 1e6:.1f} MB, {functions} functions)"
            print(f"== {what}", file=sys.stderr)
            for level in options.levels.split(","):
                samples = []
                for run in range(options.runs):
                    result = wasm2native_once(compiler, module, level, extra, Path(scratch) / "out")
                    print(f"  wasm2native -O{level} run {run + 1}: {result['wall']:.2f} s wall, "
                          f"{result['cpu']:.2f} s cpu, status {result['status']}", file=sys.stderr)
                    if result["status"] != 0:
                        print("  " + result["stderr"].strip()[:1500].replace("\n", "\n  "), file=sys.stderr)
                        status = 1
                        break
                    samples.append(result)
                if samples:
                    rows.append([module.name, f"wasm2native -O{level}" + (" (trap-unresolved-imports)" if extra else ""),
                                 f"{statistics.median(s['wall'] for s in samples):.2f}",
                                 f"{statistics.median(s['cpu'] for s in samples):.2f}",
                                 f"{max(s['rss_mib'] for s in samples):.0f}",
                                 f"{samples[-1]['size'] / 1e6:.1f} MB"])
                else:
                    rows.append([module.name, f"wasm2native -O{level}", "failed", "", "", ""])
            for serial in (False, True):
                samples = wasmtime_compile(module, options.runs, serial)
                for run, (wall, cpu) in enumerate(samples):
                    print(f"  wasmtime {'serial' if serial else 'parallel'} run {run + 1}: {wall:.2f} s wall, "
                          f"{cpu:.2f} s cpu", file=sys.stderr)
                rows.append([module.name, "wasmtime " + ("(1 thread)" if serial else "(parallel, default)"),
                             f"{statistics.median(w for w, _ in samples):.2f}",
                             f"{statistics.median(c for _, c in samples):.2f}", "", ""])
            print(f"{what}", file=sys.stdout)

    header = ["module", "compiler", "wall s", "cpu s", "peak RSS MiB", "output"]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    print(f"compile time, median of {options.runs} run(s); {os.cpu_count()} CPUs")
    for row in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    if options.markdown:
        lines = ["| " + " | ".join(header) + " |", "|---|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        options.markdown.write_text("\n".join(lines) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
