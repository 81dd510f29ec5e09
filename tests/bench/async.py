#!/usr/bin/env python3
"""`make bench`, the async part: poll the resources of 500 servers with 64 calls in flight.

run.sh starts nginx and calls this with its URLs. One batch is one
`GET /api/client/servers/<id>/resources` for each of 500 distinct identifiers, IN_FLIGHT (64)
at once; every row is a client family's natural way of keeping that many calls in flight
(async_bench.rs, async_bench.c, async_bench_py.py say exactly what each does). Each round runs
every row once per protocol, in an order rotated from round to round, as a fresh process: one
warm-up batch (it opens the connections), then BATCHES measured ones, whose medians are the
round's figures. The table shows medians over the rounds; ratios are medians of the per-round
ratios (both sides measured in the same round, seconds apart).

Never pass/fail on a timing: it prints a table and writes it to --out.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (machine() and versions(), shared with the per-call table)

KEY = bench.KEY


class Row:
    def __init__(self, name, label, family, ref=None):
        self.name, self.label, self.family, self.ref = name, label, family, ref


# family: which worker runs the row; ref: the row it is compared with (the target's reference).
ROWS = [
    Row("wrk", "wrk -t2 -c64 (ceiling)", "wrk"),
    Row("reqwest-async", "bare async reqwest + serde_json", "rust", "peer-async"),
    Row("peer-async", "pterodactyl_api 0.3 (Rust peer), async", "rust"),
    Row("core-async", "Rust core `AsyncClient`", "rust", "peer-async"),
    Row("c-async", "C `ptero_call_submit` … `ptero_request_take`", "c", "peer-async"),
    Row("c-threads", "C blocking `ptero_call`, 8 threads", "c", "peer-async"),
    Row("pterodactyl-async", "Python `pterodactyl.AsyncClient`", "python", "pydactyl-async"),
    Row("pydactyl-async", "py-dactyl `AsyncPterodactylClient` (aiohttp)", "python"),
    Row("aiohttp", "bare aiohttp.ClientSession + json", "python", "pydactyl-async"),
]
PROTOS = ("http", "https")


def say(msg):
    sys.stderr.write("\033[1masync bench:\033[0m %s\n" % msg)
    sys.stderr.flush()


class Failed(Exception):
    pass


def wrk_lua(path, ids):
    """A wrk script that walks the same 500 resource paths, one per request."""
    with open(path, "w") as f:
        f.write("local paths = {\n")
        for i in ids:
            f.write('  "/api/client/servers/%s/resources",\n' % i)
        f.write("}\nlocal n = 0\nrequest = function()\n  n = n % #paths + 1\n"
                "  return wrk.format(nil, paths[n])\nend\n")


def run_wrk(base, lua, count, seconds):
    """(wall seconds per `count` calls, CPU seconds per `count` calls) of wrk -t2 -c64."""
    argv = ["wrk", "-t2", "-c64", "-d%ds" % seconds, "--timeout", "10s", "-s", lua,
            "-H", "Authorization: Bearer " + KEY, "-H", "Accept: application/json", base]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = out.stdout + out.stderr
    if out.returncode != 0 or "Non-2xx" in text or "Socket errors" in text:
        raise Failed("wrk: %s" % text.strip()[-300:])
    m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", text)
    if not m or not int(m.group(1)):
        raise Failed("cannot read wrk output: %s" % text[-300:])
    calls = int(m.group(1))
    secs = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return [secs / calls * count], [cpu / calls * count]


def run_worker(argv, env):
    """The worker's measured batches: ([wall seconds], [CPU seconds])."""
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    if out.returncode != 0:
        raise Failed((out.stderr.strip() or out.stdout.strip())[-400:].replace("\n", " "))
    walls, cpus = [], []
    for line in out.stdout.split("\n"):
        parts = line.split()
        if len(parts) == 2:
            walls.append(float(parts[0]))
            cpus.append(float(parts[1]))
    if not walls:
        raise Failed("no batch measured: %s" % out.stdout[-300:])
    return walls, cpus


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--http", required=True)
    p.add_argument("--https", required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--rust", required=True, help="ptero-async-bench")
    p.add_argument("--c", help="ptero-async-bench-c")
    p.add_argument("--skip-c", default="", help="why the C rows are skipped")
    p.add_argument("--venv-python", required=True)
    p.add_argument("--skip-python", default="", help="why the Python package row is skipped")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--batches", type=int, default=5)
    p.add_argument("--servers", type=int, default=500)
    p.add_argument("--in-flight", type=int, default=64)
    p.add_argument("--threads", type=int, default=8, help="threads of the blocking C row")
    p.add_argument("--clients", help="comma list of rows: " + ",".join(r.name for r in ROWS))
    p.add_argument("--protos", default="http,https")
    p.add_argument("--out", default=os.path.join(HERE, "async-results.md"))
    a = p.parse_args()

    rows = ROWS
    if a.clients:
        wanted = a.clients.split(",")
        unknown = set(wanted) - {r.name for r in ROWS}
        if unknown:
            sys.exit("unknown clients: %s" % ", ".join(sorted(unknown)))
        rows = [r for r in ROWS if r.name in wanted]
    protos = [x for x in a.protos.split(",") if x in PROTOS]
    for r in rows:
        if r.name == "c-threads":
            r.label = "C blocking `ptero_call`, %d threads" % a.threads
    skipped = {}
    live = []
    for r in rows:
        if r.family == "wrk" and not shutil.which("wrk"):
            skipped[r.name] = "wrk is not installed"
        elif r.family == "c" and not a.c:
            skipped[r.name] = a.skip_c or "no C bench"
        elif r.name == "pterodactyl-async" and a.skip_python:
            skipped[r.name] = a.skip_python
        else:
            live.append(r)

    work = tempfile.mkdtemp(prefix="ptero-async-bench.")
    # 500 distinct identifiers in the panel's short form (8 hex digits).
    ids = ["%08x" % ((0x1A7CE997 + i * 2654435761) & 0xFFFFFFFF) for i in range(a.servers)]
    assert len(set(ids)) == len(ids)
    ids_file = os.path.join(work, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(ids) + "\n")
    lua = os.path.join(work, "paths.lua")
    wrk_lua(lua, ids)
    env = dict(os.environ, BENCH_KEY=KEY, BENCH_IDS=ids_file, BENCH_CA=a.ca)
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        env.pop(var, None)

    def argv(r, base):
        n = str(a.in_flight)
        if r.family == "rust":
            return [a.rust, r.name, base, str(a.batches), n]
        if r.family == "c":
            return [a.c, r.name, base, str(a.batches), str(a.threads) if r.name == "c-threads" else n]
        return [a.venv_python, os.path.join(HERE, "async_bench_py.py"), r.name, base, str(a.batches), n]

    # per (row, proto): lists over rounds of the round's median wall and CPU seconds per batch
    wall, cpu, failed = {}, {}, {}
    per_round = []
    for rnd in range(a.rounds):
        order = live[rnd % len(live):] + live[:rnd % len(live)] if live else []
        this = {}
        for r in order:
            for proto in protos:
                if (r.name, proto) in failed:
                    continue
                base = a.http if proto == "http" else a.https
                try:
                    if r.family == "wrk":
                        w, c = run_wrk(base, lua, a.servers, 2)
                    else:
                        w, c = run_worker(argv(r, base), env)
                except (Failed, subprocess.TimeoutExpired, OSError) as e:
                    failed[(r.name, proto)] = str(e)
                    say("%s %s failed: %s" % (r.name, proto, e))
                    continue
                this[(r.name, proto)] = (statistics.median(w), statistics.median(c))
                wall.setdefault((r.name, proto), []).append(this[(r.name, proto)][0])
                cpu.setdefault((r.name, proto), []).append(this[(r.name, proto)][1])
        per_round.append(this)
        say("round %d/%d done" % (rnd + 1, a.rounds))

    def med(d, key):
        v = d.get(key)
        return statistics.median(v) if v else None

    def ratio(num, den, proto, cpu_ratio=False):
        """Median over rounds of num's calls/s ÷ den's (or den's CPU per call ÷ num's: how many
        times less CPU num spends)."""
        vals = []
        for this in per_round:
            x, y = this.get((num, proto)), this.get((den, proto))
            if x and y:
                vals.append(y[1] / x[1] if cpu_ratio else y[0] / x[0])
        return statistics.median(vals) if vals else None

    def fmt_ratio(v):
        return "–" if v is None else "%.2f×" % v

    try:
        nginx = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], capture_output=True,
                               text=True).stderr.strip().split("/")[-1]
    except OSError:
        nginx = "?"
    try:
        aiohttp = subprocess.run([a.venv_python, "-c", "import importlib.metadata as m; print(m.version('aiohttp'))"],
                                 capture_output=True, text=True, timeout=30).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        aiohttp = "?"
    lines = []
    lines.append("Machine: %s. %s, aiohttp %s." % (bench.machine(), bench.versions(a.venv_python, nginx), aiohttp))
    lines.append("")
    lines.append("Run: %s; %d rounds × %d measured batches (after one warm-up batch) per client and protocol; "
                 "a batch is `GET /api/client/servers/<id>/resources` for %d distinct servers with %d calls "
                 "in flight; nginx (1 worker) on 127.0.0.1, the clients placed by the scheduler; HTTPS with a "
                 "private CA every client trusts explicitly. Figures are medians over the rounds (each "
                 "round's figure the median of its batches); ratios are medians of per-round ratios, "
                 "against the Rust peer for the Rust and C rows and against py-dactyl's async client for "
                 "the Python rows." %
                 (time.strftime("%Y-%m-%d %H:%M %Z"), a.rounds, a.batches, a.servers, a.in_flight))
    lines.append("")
    hdr = ["client"]
    for proto in protos:
        P = proto.upper()
        hdr += ["%s calls/s" % P, "%s ms per batch" % P, "%s CPU µs/call" % P, "%s ÷ reference, calls/s" % P,
                "%s × less CPU than reference" % P]
    lines.append("| " + " | ".join(hdr) + " |")
    lines.append("|---|" + "---:|" * (len(hdr) - 1))
    for r in rows:
        if r.name in skipped:
            continue
        cells = [r.label]
        for proto in protos:
            w, c = med(wall, (r.name, proto)), med(cpu, (r.name, proto))
            if w is None:
                cells += ["failed" if (r.name, proto) in failed else "–", "–", "–", "–", "–"]
                continue
            cells += ["{:,.0f}".format(a.servers / w), "%.1f" % (w * 1e3), "%.0f" % (c / a.servers * 1e6)]
            if r.ref:
                cells += [fmt_ratio(ratio(r.name, r.ref, proto)), fmt_ratio(ratio(r.name, r.ref, proto, True))]
            else:
                cells += ["1×" if r.name in ("peer-async", "pydactyl-async") else "–"] * 2
        lines.append("| " + " | ".join(cells) + " |")

    names = {r.name for r in live}
    targets = []

    def target(desc, num, den, need, cpu_ratio=False):
        vals = [ratio(num, den, proto, cpu_ratio) for proto in protos]
        shown = [fmt_ratio(v) for v in vals]
        got = [v for v in vals if v is not None]
        verdict = "–" if not got else ("met" if all(v >= need for v in got) else "**missed**")
        targets.append("| %s | %s | %s |" % (desc, " | ".join(shown), verdict))

    if {"core-async", "peer-async"} <= names:
        target("Rust `AsyncClient` ≥ Rust peer, calls/s", "core-async", "peer-async", 1.0)
        target("Rust `AsyncClient` ≤ Rust peer, CPU per call (× less)", "core-async", "peer-async", 1.0, True)
    if {"pterodactyl-async", "pydactyl-async"} <= names:
        target("Python `AsyncClient` ≥ 5× py-dactyl async, calls/s", "pterodactyl-async", "pydactyl-async", 5.0)
        target("Python `AsyncClient` ≥ 5× less CPU per call than py-dactyl async", "pterodactyl-async",
               "pydactyl-async", 5.0, True)
    if targets:
        lines.append("")
        lines.append("| target (medians of per-round ratios) | %s | |" % " | ".join(x.upper() for x in protos))
        lines.append("|---|%s---|" % ("---:|" * len(protos)))
        lines.extend(targets)
    notes = ["- not measured: %s (%s)" % kv for kv in skipped.items()]
    notes += ["- failed: %s %s: %s" % (n, proto, why) for (n, proto), why in failed.items()]
    if notes:
        lines.append("")
        lines.extend(notes)
    text = "\n".join(lines) + "\n"
    sys.stdout.write("\n" + text)
    if a.out and a.out != "-":
        with open(a.out, "w") as f:
            f.write("# Async benchmark results: 500 servers' resources, 64 calls in flight\n\n"
                    "Written by `make bench` (tests/bench/run.sh, its async part: tests/bench/async.py); see "
                    "tests/bench/README.md (\"Many calls in flight\") for what each row does.\n\n" + text)
        say("wrote %s" % a.out)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
