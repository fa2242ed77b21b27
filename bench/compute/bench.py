"""Times the compute benchmarks built by bench/compute/run.sh and prints a table.

    bench.py --build DIR [--runs N] [--quick] [--only a,b] [--engines e1,e2] [--metric cpu|wall]
             [--markdown FILE] [--json FILE]

Rounds are interleaved: each round runs every (program, engine) pair once, the engines of a
program in a rotating order, so slow drifts of a shared machine's load spread over all engines.
Per pair the median over the rounds is taken; each engine's median is divided by the native
build's, and the table ends with the geometric mean of those ratios. The metric is the child's
user+system CPU time by default (robust on a busy, shared machine) or wall-clock time
(--metric wall); both are recorded in the JSON. For executables the times come from wait4();
for wasmtime from wasmtime_time.py, which times only instantiate + _start (no compilation).
The `output` column says whether every engine printed exactly the native build's stdout (and
exited with 0) in every run; any difference is listed under the table.

A second table compares wasm2native head to head with wasm2c and wasmtime, per program, round by
round (the engines of a program run back to back in each round): the ratio of the medians, in how
many rounds wasm2native took less time, and a verdict from a one-sided sign test at 5%: `faster`
when that many wins out of the rounds are unlikely (p < 0.05) if neither engine were faster,
`slower` likewise for losses, `even` otherwise (5 rounds need 5 wins, 9 need 8). Both builds of
wasm2native are compared with both engines; wasm2c is built for the baseline CPU like wasm2native's
default build, while wasmtime compiles for the CPU it runs on, like `--cpu native`.

--quick runs small sizes once (a smoke test). Defaults: 5 runs, each program's default size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Program name -> (default size, quick size). The default sizes run ~1-2 s of CPU natively on
# the development machine (an AMD EPYC guest); the programs' own defaults are the same numbers.
PROGRAMS: dict[str, tuple[str, str]] = {
    "nbody": ("25000000", "100000"),
    "spectral-norm": ("5000", "300"),
    "fannkuch-redux": ("11", "8"),
    "sha256": ("96", "2"),
    "lz77": ("64", "1"),
    "sort": ("10000000", "100000"),
    "hashtable": ("8000000", "100000"),
    "matmul": ("1200", "120"),
    "interp": ("1000000", "20000"),
}

ENGINES = ["native", "native-cpu", "w2n", "w2n-cpu", "wasm2c", "wasmtime"]
ENGINE_TITLES = {
    "native": "native",
    "native-cpu": "native -mcpu=native",
    "w2n": "wasm2native",
    "w2n-cpu": "wasm2native --cpu native",
    "wasm2c": "wasm2c",
    "wasmtime": "wasmtime",
}
TIMEOUT_SECONDS = 600
WASMTIME_LINE = re.compile(r"^wasmtime-time: wall=([0-9.]+) cpu=([0-9.]+)\s*$", re.M)


class Result:
    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.outputs: list[bytes] = []
        self.statuses: list[int] = []
        self.errors: list[str] = []


def command_for(build: Path, engine: str, program: str, size: str) -> list[str] | None:
    if engine == "wasmtime":
        module = build / "wasmtime" / f"{program}.cwasm"
        if not module.is_file():
            return None
        return [str(Path(os.environ.get("W2N_VENV", HERE.parent.parent / ".venv")) / "bin" / "python3"),
                str(HERE / "wasmtime_time.py"), str(module), size]
    executable = build / engine / program
    if not executable.is_file():
        return None
    return [str(executable), size]


def run_once(command: list[str], engine: str) -> tuple[float, float, bytes, bytes, int]:
    """Returns (wall, cpu, stdout, stderr, status)."""
    out_path = Path(f"/tmp/w2n-bench-{os.getpid()}.out")
    err_path = Path(f"/tmp/w2n-bench-{os.getpid()}.err")
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
        process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    out_path.unlink()
    err_path.unlink()
    cpu = usage.ru_utime + usage.ru_stime
    if engine == "wasmtime":
        match = WASMTIME_LINE.search(stderr.decode(errors="replace"))
        if match:
            wall, cpu = float(match.group(1)), float(match.group(2))
            stderr = WASMTIME_LINE.sub("", stderr.decode(errors="replace")).encode()
    return wall, cpu, stdout, stderr, process.returncode


def sign_test(wins: int, rounds: int) -> float:
    """P(at least `wins` of `rounds` fair coin flips come up heads): the one-sided sign test."""
    return sum(math.comb(rounds, k) for k in range(wins, rounds + 1)) / 2 ** rounds


def head_to_head(mine: list[float], theirs: list[float]) -> tuple[float, int, int, str]:
    """(ratio of medians, rounds mine took less time, rounds compared, verdict)."""
    pairs = list(zip(mine, theirs))
    wins = sum(1 for a, b in pairs if a < b)
    losses = sum(1 for a, b in pairs if a > b)
    verdict = "faster" if sign_test(wins, len(pairs)) < 0.05 else (
        "slower" if sign_test(losses, len(pairs)) < 0.05 else "even")
    return statistics.median(mine) / statistics.median(theirs), wins, len(pairs), verdict


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True, help="run.sh's build folder")
    parser.add_argument("--runs", type=int, default=None, help="rounds (default 5, 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 run: a smoke test")
    parser.add_argument("--only", default="", help="comma-separated programs")
    parser.add_argument("--engines", default="", help="comma-separated engines (native is always run)")
    parser.add_argument("--metric", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to FILE")
    parser.add_argument("--json", type=Path, help="write all measurements to FILE "
                        "(default BUILD/results.json, BUILD/results-quick.json with --quick)")
    options = parser.parse_args()

    runs = options.runs if options.runs is not None else (1 if options.quick else 5)
    programs = [p for p in options.only.split(",") if p] or list(PROGRAMS)
    for program in programs:
        if program not in PROGRAMS:
            parser.error(f"unknown program {program!r} (known: {', '.join(PROGRAMS)})")
    engines = [e for e in options.engines.split(",") if e] or list(ENGINES)
    for engine in engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    if "native" not in engines:
        engines.insert(0, "native")

    sizes = {p: PROGRAMS[p][1 if options.quick else 0] for p in programs}
    commands: dict[tuple[str, str], list[str]] = {}
    missing: list[str] = []
    for program in programs:
        for engine in engines:
            command = command_for(options.build, engine, program, sizes[program])
            if command is None:
                missing.append(f"{program}/{engine}")
            else:
                commands[(program, engine)] = command
    if missing:
        print(f"not built (left out): {', '.join(missing)}", file=sys.stderr)

    results = {key: Result() for key in commands}
    total = runs * len(commands)
    done = 0
    started = time.perf_counter()
    progress = sys.stderr.isatty()
    for round_index in range(runs):
        for program in programs:
            present = [e for e in engines if (program, e) in commands]
            shift = round_index % len(present) if present else 0
            for engine in present[shift:] + present[:shift]:
                result = results[(program, engine)]
                wall, cpu, stdout, stderr, status = run_once(commands[(program, engine)], engine)
                result.wall.append(wall)
                result.cpu.append(cpu)
                result.outputs.append(stdout)
                result.statuses.append(status)
                if status != 0 and len(result.errors) < 3:
                    result.errors.append(f"status {status}: {stderr.decode(errors='replace').strip()[:300]}")
                done += 1
                if progress:
                    print(f"\r[{done}/{total}] round {round_index + 1}/{runs} {program:<15} {engine:<10} "
                          f"{wall:7.3f}s wall {cpu:7.3f}s cpu", end="", file=sys.stderr, flush=True)
        if not progress:
            print(f"round {round_index + 1}/{runs} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if progress:
        print(f"\r{' ' * 78}\r", end="", file=sys.stderr)
    print(f"measured {total} runs in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    # Medians, ratios, output checks.
    metric = options.metric
    median: dict[tuple[str, str], float] = {}
    for key, result in results.items():
        median[key] = statistics.median(result.cpu if metric == "cpu" else result.wall)
    problems: list[str] = []
    same: dict[str, bool] = {}
    for program in programs:
        reference = results.get((program, "native"))
        ok = reference is not None
        for engine in engines:
            result = results.get((program, engine))
            if result is None:
                continue
            for error in result.errors:
                problems.append(f"{program}/{engine}: {error}")
                ok = False
            if reference is None:
                continue
            expected = reference.outputs[0]
            for index, output in enumerate(result.outputs):
                if output != expected:
                    ok = False
                    problems.append(f"{program}/{engine}: run {index + 1} printed "
                                    f"{output.decode(errors='replace').strip()!r}, native printed "
                                    f"{expected.decode(errors='replace').strip()!r}")
                    break
        same[program] = ok

    shown = [e for e in engines if e != "native"]
    header = ["program", "size", f"native ({metric} s)"] + [ENGINE_TITLES[e] for e in shown] + ["same output"]
    rows: list[list[str]] = []
    ratios: dict[str, list[float]] = {e: [] for e in shown}
    for program in programs:
        base = median.get((program, "native"))
        row = [program, sizes[program], f"{base:.3f}" if base else "n/a"]
        for engine in shown:
            value = median.get((program, engine))
            if value is None or not base:
                row.append("n/a")
                continue
            ratio = value / base if base > 0 else float("nan")
            failed = results[(program, engine)].errors
            ratios[engine].append(ratio) if not failed else None
            row.append(f"{value:.3f} ({ratio:.2f}x)" + (" !" if failed else ""))
        row.append("yes" if same[program] else "NO")
        rows.append(row)
    summary = ["geomean", "", "1.00x"]
    for engine in shown:
        summary.append(f"{geometric_mean(ratios[engine]):.2f}x" if ratios[engine] else "n/a")
    summary.append("yes" if all(same.values()) else "NO")
    rows.append(summary)

    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    wasm_flags = os.environ.get("W2N_BENCH_WASM_FLAGS", "").strip()
    print(f"compute benchmarks: median of {runs} run{'s' if runs != 1 else ''}, {metric} time in seconds, "
          f"(ratio to native); {platform.machine()}, {os.cpu_count()} CPUs"
          + (f"; wasm built with {wasm_flags}" if wasm_flags else ""))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows[:-1]:
        print(line(row))
    print("  ".join("-" * w for w in widths))
    print(line(rows[-1]))
    # Head to head: each wasm2native build against each other wasm engine, round by round.
    pairings = [(m, t) for m in ("w2n", "w2n-cpu") for t in ("wasm2c", "wasmtime") if m in engines and t in engines]
    comparison: list[list[str]] = []
    not_faster: dict[tuple[str, str], list[str]] = {pairing: [] for pairing in pairings}
    for program in programs:
        row = [program]
        for mine, theirs in pairings:
            a, b = results.get((program, mine)), results.get((program, theirs))
            if a is None or b is None or a.errors or b.errors:
                row.append("n/a")
                continue
            ratio, wins, rounds, verdict = head_to_head(
                a.cpu if metric == "cpu" else a.wall, b.cpu if metric == "cpu" else b.wall)
            row.append(f"{ratio:.2f}x {wins}/{rounds} {verdict}")
            if verdict != "faster":
                not_faster[(mine, theirs)].append(f"{program} ({verdict})")
        comparison.append(row)
    if pairings:
        titles = ["program"] + [f"{'w2n' if m == 'w2n' else 'w2n --cpu native'} vs {t}" for m, t in pairings]
        widths2 = [max(len(r[i]) for r in [titles] + comparison) for i in range(len(titles))]

        def line2(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths2)))

        print(f"\nhead to head: ratio of medians, rounds won, verdict (one-sided sign test, 5%"
              + ("; fewer than 5 rounds cannot decide" if runs < 5 else "") + ")")
        print(line2(titles))
        print("  ".join("-" * w for w in widths2))
        for row in comparison:
            print(line2(row))
        for (mine, theirs), programs_left in not_faster.items():
            print(f"{ENGINE_TITLES[mine]} faster than {theirs} on every program: "
                  + ("yes" if not programs_left else "no: " + ", ".join(programs_left)))
    if problems:
        print("\nproblems:")
        for problem in problems:
            print(f"  {problem}")

    markdown = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for row in rows[:-1]:
        markdown.append("| " + " | ".join(row) + " |")
    markdown.append("| " + " | ".join(f"**{c}**" if c else "" for c in rows[-1]) + " |")
    if pairings:
        markdown += ["", "| " + " | ".join(titles) + " |", "|" + "|".join(["---"] + ["---:"] * len(pairings)) + "|"]
        markdown += ["| " + " | ".join(row) + " |" for row in comparison]
    if options.markdown:
        options.markdown.write_text("\n".join(markdown) + "\n")

    json_path = options.json or options.build / ("results-quick.json" if options.quick else "results.json")
    json_path.write_text(json.dumps({
        "runs": runs,
        "metric": metric,
        "quick": options.quick,
        "machine": platform.machine(),
        "sizes": sizes,
        "results": {
            f"{program}/{engine}": {
                "wall": r.wall, "cpu": r.cpu, "statuses": r.statuses, "errors": r.errors,
                "output": r.outputs[0].decode(errors="replace") if r.outputs else "",
            }
            for (program, engine), r in results.items()
        },
    }, indent=1) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
