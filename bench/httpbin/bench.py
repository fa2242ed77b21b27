#!/usr/bin/env python3
"""wrk against examples/httpbin in each flavor; prints a Markdown table.

    bench.py --out DIR [--duration 30] [--connections 64] [--threads 1] [--rounds 1]
             [--path '/get?foo=bar'] [--pin] [--soak REQUESTS] FLAVOR=COMMAND...

Each FLAVOR=COMMAND (COMMAND split on spaces; the port argument 0 is appended) is started, its
"Listening on PORT" read, warmed up for 2 s, then measured with `wrk --latency -c CONNECTIONS
-d DURATION` (keep-alive). Per run: requests/s, p50 / p90 / p99 latency, errors (socket errors and
non-2xx responses), requests, the server's CPU time per request (user + system, from /proc: less
sensitive to other load on the machine than requests/s), and its resident memory before the run,
after it and at its peak (VmHWM). Rounds alternate the flavors; the table shows the median round by
requests/s. With --pin the server runs on CPU 0 and wrk on CPU 1. With --soak N, each flavor also
serves N requests (in 10 s wrk runs) and the RSS after each run is listed: it should stay flat.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def parse_duration_ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> dict:
    result = {"rps": 0.0, "requests": 0, "errors": 0, "p50": float("nan"), "p90": float("nan"), "p99": float("nan")}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match:
        result["rps"] = float(match.group(1))
    match = re.search(r"(\d+) requests in", output)
    if match:
        result["requests"] = int(match.group(1))
    for percentile in ("50", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
        if match:
            result["p" + percentile] = parse_duration_ms(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        result["errors"] += sum(int(x) for x in match.groups())
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match:
        result["errors"] += int(match.group(1))
    return result


class Server:
    def __init__(self, command: list[str], pin: bool) -> None:
        prefix = ["taskset", "-c", "0"] if pin else []
        self.process = subprocess.Popen(prefix + command + ["0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.port = None
        reader = threading.Thread(target=self._read, daemon=True)
        reader.start()
        reader.join(30)
        if self.port is None:
            self.stop()
            raise RuntimeError(f"{command}: no 'Listening on PORT'")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode(errors="replace")
            if line.startswith("Listening on "):
                self.port = int(line.split()[-1])
                return

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def wrk(port: int, args: argparse.Namespace, duration: float, pin: bool) -> str:
    prefix = ["taskset", "-c", "1"] if pin else []
    command = prefix + ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
                        "-d", f"{int(duration)}s", "--timeout", "5s", f"http://127.0.0.1:{port}{args.path}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False).stdout


def measure(flavor: str, command: list[str], args: argparse.Namespace, log) -> dict:
    server = Server(command, args.pin)
    try:
        wrk(server.port, args, 2, args.pin)  # warm-up (and the server's buffers)
        time.sleep(0.5)
        rss_before = rss_kib(server.pid)
        cpu_before = cpu_seconds(server.pid)
        output = wrk(server.port, args, args.duration, args.pin)
        cpu = cpu_seconds(server.pid) - cpu_before
        result = parse_wrk(output)
        result.update(flavor=flavor, rss_before=rss_before, rss_after=rss_kib(server.pid),
                      rss_peak=rss_kib(server.pid, "VmHWM"),
                      cpu_us_per_request=1e6 * cpu / result["requests"] if result["requests"] else float("nan"),
                      alive=server.process.poll() is None)
        log.write(f"== {flavor}\n{output}\n{json.dumps(result)}\n")
        log.flush()
        return result
    finally:
        server.stop()


def soak(flavor: str, command: list[str], args: argparse.Namespace, log) -> list[tuple[int, int]]:
    server = Server(command, args.pin)
    samples = [(0, rss_kib(server.pid))]
    total = 0
    try:
        while total < args.soak:
            result = parse_wrk(wrk(server.port, args, 10, args.pin))
            if result["requests"] == 0:
                break
            total += result["requests"]
            samples.append((total, rss_kib(server.pid)))
        log.write(f"== soak {flavor}: {samples}\n")
        return samples
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--path", default="/get?foo=bar")
    parser.add_argument("--pin", action="store_true")
    parser.add_argument("--soak", type=int, default=0)
    parser.add_argument("flavors", nargs="+")
    args = parser.parse_args()
    flavors = [(spec.split("=", 1)[0], spec.split("=", 1)[1].split()) for spec in args.flavors]
    os.makedirs(args.out, exist_ok=True)
    results: dict[str, list[dict]] = {name: [] for name, _ in flavors}
    with open(os.path.join(args.out, "wrk.log"), "w") as log:
        for round_index in range(args.rounds):
            order = flavors if round_index % 2 == 0 else list(reversed(flavors))
            for name, command in order:
                result = measure(name, command, args, log)
                results[name].append(result)
                print(f"round {round_index + 1} {name}: {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, "
                      f"p99 {result['p99']:.2f} ms, errors {result['errors']}, "
                      f"{result['cpu_us_per_request']:.1f} us CPU/request", file=sys.stderr)
        soaks = {name: soak(name, command, args, log) for name, command in flavors} if args.soak else {}

    def median_run(runs: list[dict]) -> dict:
        ordered = sorted(runs, key=lambda r: r["rps"])
        return ordered[len(ordered) // 2]

    chosen = {name: median_run(runs) for name, runs in results.items()}
    native = chosen.get("native")
    load = os.getloadavg()
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency "
          f"http://127.0.0.1:PORT{args.path}; {args.rounds} round(s), median by requests/s; "
          f"{os.cpu_count()} CPUs{', pinned' if args.pin else ''}; load average after: {load[0]:.1f}")
    print()
    print("| flavor | requests/s | vs native | p50 ms | p90 ms | p99 ms | p99 vs native | errors | requests "
          "| CPU us/request | RSS before KiB | RSS after KiB | peak RSS KiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, _ in flavors:
        r = chosen[name]
        ratio = f"{r['rps'] / native['rps']:.2f}x" if native and native["rps"] else "-"
        p99_ratio = f"{r['p99'] / native['p99']:.2f}x" if native and native["p99"] else "-"
        print(f"| {name} | {r['rps']:,.0f} | {ratio} | {r['p50']:.2f} | {r['p90']:.2f} | {r['p99']:.2f} | {p99_ratio} "
              f"| {r['errors']} | {r['requests']:,} | {r['cpu_us_per_request']:.1f} | {r['rss_before']:,} "
              f"| {r['rss_after']:,} | {r['rss_peak']:,} |")
    if args.rounds > 1:
        print()
        print("All rounds, requests/s: " + "; ".join(
            f"{name} " + ", ".join(f"{r['rps']:,.0f}" for r in runs) for name, runs in results.items()))
    if soaks:
        print()
        print("| flavor | RSS KiB after 0, then every 10 s of wrk (requests served) |")
        print("| --- | --- |")
        for name, samples in soaks.items():
            print(f"| {name} | " + ", ".join(f"{rss:,} ({n:,})" for n, rss in samples) + " |")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"results": results, "soak": soaks}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
