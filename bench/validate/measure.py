#!/usr/bin/env python3
"""Decode+validate throughput of wasm2native's parser beside `wasm-tools validate`, same run.

Called by bench/validate/run.sh, which builds the inputs and `w2n-dev`; see bench/README.md.

For each input, in every round (interleaved, the order alternating from round to round):
  ours        `w2n-dev bench-validate FILE --iterations N`: in process, one untimed warm-up, then
              N timed validateModule calls; its median MB/s is the round's number.
  wasm-tools  `wasm-tools validate -v FILE`, K runs with RAYON_NUM_THREADS=1 (wasm-tools validates
              function bodies in parallel on rayon's pool; with one pool thread the main thread
              only waits, so decode+validate is single-threaded), and K runs with the default pool
              (one thread a core) for information. Each run gives two pure decode+validate times:
                own timer   wasm-tools' own -v log: "module structure validated in" + "functions
                            validated in" (excludes start-up and reading the file);
                wall        the process's wall time less the median wall time of
                            `wasm-tools validate` on an 8-byte empty module (start-up, exit).
MB is 10^6 bytes of the whole file, as w2n-dev prints it. Each figure is the median over all
rounds. The target is ours >= 0.5 x wasm-tools single-threaded, checked against the faster of the
two wasm-tools figures (own timer and wall); the exit status is 1 when an input misses it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGET_RATIO = 0.5
EMPTY_MODULE = b"\0asm\x01\0\0\0"

_DURATION = re.compile(r"([0-9.]+)\s*(ns|µs|us|ms|s)\b")
_UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


@dataclass
class Run:
    wall: float  # seconds, whole process
    cpu: float  # seconds, user + system of the process (all its threads)
    stdout: str
    stderr: str
    status: int


def run(argv: list[str], env: dict[str, str] | None = None) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, proc.stdout, proc.stderr, proc.returncode)


def parse_duration(text: str) -> float:
    match = _DURATION.search(text)
    if not match:
        raise ValueError(f"no duration in {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def wasm_tools_own_time(stderr: str) -> float:
    """structure + functions from `wasm-tools validate -v` (env_logger lines on stderr)."""
    structure = functions = None
    for line in stderr.splitlines():
        if "module structure validated in" in line:
            structure = parse_duration(line.split("validated in", 1)[1])
        elif "functions validated in" in line:
            functions = parse_duration(line.split("validated in", 1)[1])
    if structure is None or functions is None:
        raise RuntimeError(f"wasm-tools -v printed no timings:\n{stderr}")
    return structure + functions


def code_section(wasm_tools: str, path: Path) -> tuple[int, int]:
    """(code section bytes, function bodies) from `wasm-tools objdump`."""
    out = subprocess.run([wasm_tools, "objdump", str(path)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if cells and cells[0] == "code" and len(cells) >= 4:
            return int(cells[2].split()[0]), int(cells[3].split()[0])
    return 0, 0


@dataclass
class Samples:
    ours_median: list[float] = field(default_factory=list)  # MB/s, one per round
    ours_best: list[float] = field(default_factory=list)
    own: dict[str, list[float]] = field(default_factory=lambda: {"1": [], "n": []})  # seconds
    wall: dict[str, list[float]] = field(default_factory=lambda: {"1": [], "n": []})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"1": [], "n": []})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help=".wasm inputs")
    parser.add_argument("--w2n-dev", required=True, help="the release w2n-dev binary")
    parser.add_argument("--wasm-tools", required=True, help="the wasm-tools binary")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--iterations", type=int, default=0,
                        help="w2n-dev --iterations per round (default: enough for ~150 MB, at least 5)")
    parser.add_argument("--runs", type=int, default=3, help="wasm-tools runs per configuration and round (default 3)")
    parser.add_argument("--pin", metavar="CPU", help="run every process under `taskset -c CPU`")
    parser.add_argument("--json", type=Path, help="write all samples here")
    args = parser.parse_args()

    pin = ["taskset", "-c", args.pin] if args.pin else []
    out_dir = Path(args.json).parent if args.json else Path(args.files[0]).parent
    empty = out_dir / "empty.wasm"
    empty.write_bytes(EMPTY_MODULE)

    env_n = dict(os.environ)
    env_n.pop("RAYON_NUM_THREADS", None)
    env_n.pop("RUST_LOG", None)
    env_1 = dict(env_n, RAYON_NUM_THREADS="1")
    envs = {"1": env_1, "n": env_n}
    cores = len(os.sched_getaffinity(0)) if not args.pin else 1

    version = subprocess.run([args.wasm_tools, "--version"], capture_output=True, text=True).stdout.strip()
    load_start = os.getloadavg()
    print(f"{version}; {os.cpu_count()} cores, load average {load_start[0]:.2f} at start"
          + (f"; pinned to CPU {args.pin}" if args.pin else ""))

    inputs = []
    for path in args.files:
        size = path.stat().st_size
        code, functions = code_section(args.wasm_tools, path)
        iterations = args.iterations or max(5, round(150e6 / size))
        inputs.append((path, size, code, functions, iterations))

    samples = {path: Samples() for path, *_ in inputs}
    empty_wall: dict[str, list[float]] = {"1": [], "n": []}
    empty_cpu: dict[str, list[float]] = {"1": [], "n": []}

    def measure_ours(path: Path, size: int, iterations: int, s: Samples) -> None:
        r = run(pin + [args.w2n_dev, "bench-validate", str(path), "--iterations", str(iterations)])
        if r.status != 0:
            sys.exit(f"w2n-dev bench-validate {path} failed ({r.status}):\n{r.stdout}{r.stderr}")
        values = {}
        for line in r.stdout.splitlines():
            m = re.match(r"\s*(best|median)\s+([0-9.]+)\s*ms\s+([0-9.]+)\s*MB/s", line)
            if m:
                values[m.group(1)] = float(m.group(3))
        if "median" not in values:
            sys.exit(f"cannot read w2n-dev's output:\n{r.stdout}")
        s.ours_median.append(values["median"])
        s.ours_best.append(values.get("best", values["median"]))

    def measure_wasm_tools(path: Path, s: Samples) -> None:
        for threads in ("1", "n"):
            for _ in range(args.runs):
                r = run(pin + [args.wasm_tools, "validate", "-v", "--color", "never", str(path)], envs[threads])
                if r.status != 0:
                    sys.exit(f"wasm-tools validate {path} failed ({r.status}):\n{r.stderr}")
                s.own[threads].append(wasm_tools_own_time(r.stderr))
                s.wall[threads].append(r.wall)
                s.cpu[threads].append(r.cpu)
                e = run(pin + [args.wasm_tools, "validate", str(empty)], envs[threads])
                empty_wall[threads].append(e.wall)
                empty_cpu[threads].append(e.cpu)

    started = time.perf_counter()
    for round_index in range(args.rounds):
        for path, size, code, functions, iterations in inputs:
            s = samples[path]
            if round_index % 2 == 0:
                measure_ours(path, size, iterations, s)
                measure_wasm_tools(path, s)
            else:
                measure_wasm_tools(path, s)
                measure_ours(path, size, iterations, s)
        print(f"round {round_index + 1}/{args.rounds} done ({time.perf_counter() - started:.0f} s)", flush=True)
    load_end = os.getloadavg()

    startup = {t: statistics.median(v) for t, v in empty_wall.items()}
    startup_cpu = {t: statistics.median(v) for t, v in empty_cpu.items()}
    pool = f"{cores} threads" if cores != 1 else "default pool (1 thread: pinned)"
    print(f"load average {load_end[0]:.2f} at end; wasm-tools start-up (empty module, median): "
          f"{startup['1'] * 1e3:.1f} ms with 1 thread, {startup['n'] * 1e3:.1f} ms with {pool}")

    failed = False
    report = {"wasm_tools": version, "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "load_average": [load_start, load_end], "startup_wall": startup, "inputs": []}
    for path, size, code, functions, iterations in inputs:
        s = samples[path]
        mb = size / 1e6

        def rate(seconds: list[float], minus: float = 0.0) -> float:
            return statistics.median(mb / max(t - minus, 1e-9) for t in seconds)

        ours = statistics.median(s.ours_median)
        ours_best = max(s.ours_best)
        own_1, wall_1, cpu_1 = rate(s.own["1"]), rate(s.wall["1"], startup["1"]), rate(s.cpu["1"], startup_cpu["1"])
        own_n, wall_n = rate(s.own["n"]), rate(s.wall["n"], startup["n"])
        reference = max(own_1, wall_1)
        ratio = ours / reference
        passed = ratio >= TARGET_RATIO
        failed |= not passed

        print()
        print(f"## {path.name}: {size:,} bytes, code section {code:,} bytes in {functions:,} functions")
        print(f"rounds: {args.rounds}; w2n-dev --iterations {iterations} a round; "
              f"wasm-tools runs per configuration a round: {args.runs}")
        print()
        print("| tool | MB/s (median) | ours / tool | target | result |")
        print("| --- | ---: | ---: | --- | --- |")
        print(f"| w2n-dev bench-validate (in process; best round {ours_best:.1f}) | {ours:.1f} | | | |")
        for label, value, judged in (
            ("wasm-tools validate, 1 thread, own timer (-v)", own_1, own_1 == reference),
            ("wasm-tools validate, 1 thread, wall less start-up", wall_1, wall_1 == reference),
        ):
            verdict = ("PASS" if passed else "FAIL") if judged else "(info)"
            print(f"| {label} | {value:.1f} | {ours / value:.2f} | >= {TARGET_RATIO} | {verdict} |")
        print(f"| wasm-tools validate, 1 thread, CPU time less start-up | {cpu_1:.1f} | {ours / cpu_1:.2f} | | (info) |")
        print(f"| wasm-tools validate, {pool}, own timer (-v) | {own_n:.1f} | {ours / own_n:.2f} | | (info) |")
        print(f"| wasm-tools validate, {pool}, wall less start-up | {wall_n:.1f} | {ours / wall_n:.2f} | | (info) |")
        print()
        print(f"{path.name}: ours {ours:.1f} MB/s = {ratio:.2f} x wasm-tools single-threaded "
              f"({reference:.1f} MB/s): {'PASS' if passed else 'FAIL'} (target >= {TARGET_RATIO})")
        report["inputs"].append({
            "file": path.name, "bytes": size, "code_bytes": code, "functions": functions,
            "iterations": iterations, "rounds": args.rounds, "runs": args.runs,
            "ours_mbps": ours, "ours_best_mbps": ours_best,
            "wasm_tools_1_own_mbps": own_1, "wasm_tools_1_wall_mbps": wall_1, "wasm_tools_1_cpu_mbps": cpu_1,
            "wasm_tools_n_own_mbps": own_n, "wasm_tools_n_wall_mbps": wall_n, "threads": cores,
            "ratio": ratio, "pass": passed,
            "samples": {"ours_median": s.ours_median, "ours_best": s.ours_best,
                        "own": s.own, "wall": s.wall, "cpu": s.cpu},
        })
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
        print(f"\nsamples: {args.json}")
    print()
    print("validate benchmark: " + ("PASS" if not failed else "FAIL")
          + f" (target: ours >= {TARGET_RATIO} x wasm-tools single-threaded on every input)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
