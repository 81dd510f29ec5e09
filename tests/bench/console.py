#!/usr/bin/env python3
"""Console throughput: console lines per second delivered to each surface from a fake Wings
that floods output, against a bare websocket client reading the same kind of socket.

Started by console.sh (itself one line of run.sh, `make bench`). Each client runs in a process
of its own, alone against the fake panel (a release build), and reports the time from the first
flood line to the last; every round runs every client in a rotated order, and a ratio is the
median of per-round ratios to the bare client of the same round. Prints a markdown table and
writes it to --out ("-" for none). Never pass/fail on a timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = "d3aac109"


def owner_key() -> str:
    source = (ROOT / "tests" / "panel" / "src" / "lib.rs").read_text(encoding="utf-8")
    match = re.search(r'pub const OWNER_KEY: &str = "([^"]+)";', source)
    if not match:
        sys.exit("tests/panel/src/lib.rs does not define OWNER_KEY")
    return match.group(1)


def start_panel(binary: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE, text=True)
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(30)
    url = line[0].strip() if line else ""
    if not url.startswith("http://"):
        proc.kill()
        sys.exit(f"the fake panel did not start (got {url!r})")
    return proc, url


def reset(url: str) -> None:
    req = urllib.request.Request(f"{url}/__fake/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10):
        pass


def run(cmd: list[str], timeout: float) -> float | None:
    """Lines per second reported by one client process, or None when it failed."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"console bench: {cmd[0]} timed out", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"console bench: {' '.join(cmd[:2])} failed: {done.stderr.strip()[-400:]}", file=sys.stderr)
        return None
    lines, seconds = done.stdout.split()[-2:]
    return int(lines) / max(float(seconds), 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fake-panel", required=True)
    ap.add_argument("--rust", required=True, help="ptero-console-bench")
    ap.add_argument("--c", help="ptero-console-bench-c (omit to skip the C row)")
    ap.add_argument("--venv-python", help="a python with the pterodactyl wheel (omit to skip Python)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--bytes", type=int, default=80)
    ap.add_argument("--out", default=str(Path(__file__).with_name("console-results.md")))
    args = ap.parse_args()

    key = owner_key()
    proc, url = start_panel(args.fake_panel)
    common = [url, key, SERVER]
    sizes = [str(args.lines), str(args.bytes)]
    clients: dict[str, list[str]] = {
        "bare tungstenite, frames only (ceiling)": [args.rust, *common, "bare", *sizes],
        "bare tungstenite + serde_json per frame": [args.rust, *common, "bare-json", *sizes],
        "Rust core `Console::next_event`": [args.rust, *common, "rust", *sizes],
    }
    if args.c:
        clients["C `ptero_console_poll` (JSON string per event)"] = [args.c, *common, *sizes]
    if args.venv_python:
        script = str(Path(__file__).with_name("console_py.py"))
        clients["Python `for event in console`"] = [args.venv_python, script, *common, *sizes]
    ceiling = next(iter(clients))

    rates: dict[str, list[float]] = {name: [] for name in clients}
    ratios: dict[str, list[float]] = {name: [] for name in clients}
    names = list(clients)
    try:
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            got: dict[str, float] = {}
            for name in order:
                reset(url)
                rate = run(clients[name], timeout=300)
                if rate is not None:
                    got[name] = rate
                    rates[name].append(rate)
            for name, rate in got.items():
                if ceiling in got:
                    ratios[name].append(rate / got[ceiling])
            print(f"console bench: round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(10)

    rows = [
        f"## Console throughput ({args.lines} lines of {args.bytes} bytes per run, median of "
        f"{args.rounds} rounds)",
        "",
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared by the fake Wings, the client and its "
        "threads); fake panel release build; loopback, plain `ws://`.",
        "",
        "| client | lines/s | vs the bare ceiling |",
        "|---|---:|---:|",
    ]
    for name in names:
        if not rates[name]:
            rows.append(f"| {name} | failed | |")
            continue
        rate = statistics.median(rates[name])
        ratio = statistics.median(ratios[name]) if ratios[name] else float("nan")
        rows.append(f"| {name} | {rate:,.0f} | {ratio:.2f} |")
    table = "\n".join(rows) + "\n"
    print(table)
    if args.out != "-":
        Path(args.out).write_text(table, encoding="utf-8")
        print(f"console bench: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    time.sleep(0)
    main()
