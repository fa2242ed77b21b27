"""Times wasm2native's interpreter beside `wasmkit run` and prints a table (see run.sh).

    bench.py --build DIR --wasm2native BIN --wasmkit BIN [--runs N] [--quick] [--only a,b]
             [--markdown FILE] [--json FILE]

Rounds are interleaved (each round runs every program in both engines, the engines' order
alternating), so slow drifts of a shared machine's load spread over both. Per pair the median
user+system CPU time over the rounds is taken (robust on a busy machine); the table gives the
ratio interpreter / wasmkit per program and the geometric mean of the ratios. The `output` column
says whether both engines printed the same stdout and exited with 0 in every run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Program -> (size, quick size). The sizes are the compute benchmarks' defaults scaled down so that
# each run takes a few seconds in either interpreter on the development machine.
PROGRAMS: dict[str, tuple[str, str]] = {
    "nbody": ("2000000", "100000"),
    "spectral-norm": ("1200", "200"),
    "fannkuch-redux": ("10", "8"),
    "sha256": ("6", "1"),
    "lz77": ("12", "1"),
    "sort": ("2000000", "100000"),
    "hashtable": ("2000000", "100000"),
    "matmul": ("320", "100"),
    "interp": ("100000", "10000"),
}
ENGINES = ["interpreter", "wasmkit"]
TIMEOUT_SECONDS = 600


def run_once(command: list[str]) -> tuple[float, float, bytes, bytes, int]:
    """Returns (wall, cpu, stdout, stderr, status)."""
    out_path = Path(f"/tmp/w2n-interp-bench-{os.getpid()}.out")
    err_path = Path(f"/tmp/w2n-interp-bench-{os.getpid()}.err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        deadline = start + TIMEOUT_SECONDS
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - start
    stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    out_path.unlink()
    err_path.unlink()
    return wall, usage.ru_utime + usage.ru_stime, stdout, stderr, os.waitstatus_to_exitcode(status)


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--wasm2native", required=True)
    parser.add_argument("--wasmkit", required=True)
    parser.add_argument("--runs", type=int, default=None, help="rounds (default 3, 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 run: a smoke test")
    parser.add_argument("--only", default="", help="comma-separated programs")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to FILE")
    parser.add_argument("--json", type=Path, help="write all measurements to FILE (default BUILD/results.json)")
    options = parser.parse_args()

    runs = options.runs if options.runs is not None else (1 if options.quick else 3)
    programs = [p for p in options.only.split(",") if p] or list(PROGRAMS)
    for program in programs:
        if program not in PROGRAMS:
            parser.error(f"unknown program {program!r} (known: {', '.join(PROGRAMS)})")
    programs = [p for p in programs if (options.build / f"{p}.wasm").is_file()]
    sizes = {p: PROGRAMS[p][1 if options.quick else 0] for p in programs}

    def command(engine: str, program: str) -> list[str]:
        wasm = str(options.build / f"{program}.wasm")
        if engine == "interpreter":
            return [options.wasm2native, "run", "--engine", "interpreter", wasm, sizes[program]]
        return [options.wasmkit, "run", wasm, sizes[program]]

    cpu: dict[tuple[str, str], list[float]] = {(p, e): [] for p in programs for e in ENGINES}
    wall: dict[tuple[str, str], list[float]] = {(p, e): [] for p in programs for e in ENGINES}
    outputs: dict[tuple[str, str], set[bytes]] = {(p, e): set() for p in programs for e in ENGINES}
    errors: list[str] = []
    started = time.perf_counter()
    for round_index in range(runs):
        for program in programs:
            order = ENGINES if round_index % 2 == 0 else list(reversed(ENGINES))
            for engine in order:
                w, c, stdout, stderr, status = run_once(command(engine, program))
                wall[(program, engine)].append(w)
                cpu[(program, engine)].append(c)
                outputs[(program, engine)].add(stdout)
                if status != 0:
                    errors.append(f"{program}/{engine}: status {status}: {stderr.decode(errors='replace').strip()[:300]}")
                print(f"round {round_index + 1}/{runs} {program:<15} {engine:<12} {c:7.3f}s cpu", file=sys.stderr)
    print(f"measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    rows = []
    ratios = []
    for program in programs:
        interpreter = statistics.median(cpu[(program, "interpreter")])
        reference = statistics.median(cpu[(program, "wasmkit")])
        same = (len(outputs[(program, "interpreter")]) == 1
                and outputs[(program, "interpreter")] == outputs[(program, "wasmkit")]
                and not any(e.startswith(program + "/") for e in errors))
        ratio = interpreter / reference if reference > 0 else float("nan")
        ratios.append(ratio)
        rows.append((program, sizes[program], interpreter, reference, ratio, "same" if same else "DIFFERENT"))

    header = ("program", "size", "interpreter (s)", "wasmkit (s)", "ratio", "output")
    lines = [f"| {' | '.join(header)} |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for program, size, interpreter, reference, ratio, same in rows:
        lines.append(f"| {program} | {size} | {interpreter:.2f} | {reference:.2f} | {ratio:.2f} | {same} |")
    lines.append(f"| **geometric mean** | | | | **{geometric_mean(ratios):.2f}** | |")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, median of {runs} run(s), user+system CPU time"
    table = "\n".join(lines)
    print(f"\ninterpreter (wasm2native run --engine interpreter) beside wasmkit run; {machine}\n")
    print(table)
    for error in errors:
        print(f"error: {error}")
    if options.markdown:
        options.markdown.write_text(f"{machine}\n\n{table}\n")
    results = {
        "machine": machine,
        "runs": runs,
        "programs": {p: {"size": sizes[p], "cpu": {e: cpu[(p, e)] for e in ENGINES},
                         "wall": {e: wall[(p, e)] for e in ENGINES}} for p in programs},
        "geometric_mean_ratio": geometric_mean(ratios),
    }
    (options.json or options.build / "results.json").write_text(json.dumps(results, indent=1))
    return 1 if errors or any(row[5] != "same" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
