#!/usr/bin/env python3
"""Runs the interleaved rounds of `make bench` and prints the table (stdlib only).

run.sh starts nginx and builds the clients, then calls this. Each client family runs in one
long-lived worker process (Rust, C, Python) that answers "run CLIENT OP BASE SECONDS THREADS"
lines; wrk is started once per measurement. Every round measures every client on every
operation and protocol, in an order rotated from round to round; the table shows the median
calls per second over the rounds, and ratios are medians of the per-round ratios (both sides
measured in the same round, seconds apart), never a ratio of two lone figures.
"""

import argparse
import os
import platform
import re
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

KEY = "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF"

OPS = {
    "small": "small GET (resources)",
    "large": "large GET (server list)",
    "post": "POST power (204)",
}
PROTOS = ["http", "https"]


class Client:
    def __init__(self, name, label, worker, wname, threads=1, ours=False, extra=False, pin=None):
        self.name, self.label, self.worker, self.wname = name, label, worker, wname
        self.threads, self.ours = threads, ours
        # pin: whether it runs on nginx's CPU (when --pin-cpu is given); one-thread clients do.
        self.pin = (threads == 1) if pin is None else pin
        # extra: measured only when named in --clients (design experiments, not the table).
        self.extra = extra


# The Rust peer: pterodactyl_api, the most complete Rust client of the panel (see src/main.rs).
PEER = "pterodactyl_api 0.3 (Rust peer: async reqwest 0.13, typed models)"


def clients_table(threads):
    return [
        Client("wrk", "wrk -t1 -c1 (ceiling)", "wrk", None),
        Client("reqwest-blocking", "bare reqwest::blocking + serde_json", "rust", "reqwest-blocking"),
        Client("reqwest-async", "bare reqwest async on a current-thread runtime", "rust",
               "reqwest-async"),
        Client("peer", PEER, "rust", "peer"),
        Client("core-typed", "**Rust core**, typed methods", "rust", "core-typed",
               ours=True),
        Client("core-call", "**Rust core**, generic `client.call`", "rust", "core-call",
               ours=True),
        Client("c", "**C** libpterodactyl, typed functions", "c", "c", ours=True),
        Client("c-call", "**C** libpterodactyl, generic `ptero_call`", "c", "c-call", ours=True),
        Client("c-threads", "**C**, %d threads sharing one client" % threads, "c", "c", threads, ours=True),
        # Unpinned twins: the same one-thread calls placed by the scheduler (nginx stays pinned).
        Client("peer-free", PEER + ", unpinned", "rust", "peer", 1, pin=False),
        Client("core-typed-free", "**Rust core**, typed methods, unpinned", "rust", "core-typed", 1,
               ours=True, pin=False),
        Client("core-call-free", "**Rust core**, generic `client.call`, unpinned", "rust", "core-call", 1,
               ours=True, pin=False),
        Client("c-free", "C, 1 thread placed like the %d threads (unpinned)" % threads, "c", "c", 1,
               ours=True, pin=False),
        Client("c-call-free", "**C**, generic `ptero_call`, unpinned", "c", "c-call", 1,
               ours=True, pin=False),
        Client("python", "**Python** pterodactyl", "py", "pterodactyl",
               ours=True),
        Client("python-threads", "**Python**, %d threads sharing one client" % threads, "py", "pterodactyl",
               threads, ours=True),
        Client("python-free", "Python, 1 thread placed like the %d threads (unpinned)" % threads, "py",
               "pterodactyl", 1, ours=True, pin=False),
        Client("pydactyl", "py-dactyl (on requests)", "py", "pydactyl"),
        Client("requests", "bare requests.Session + json", "py", "requests"),
        # Experiments for the core's transport (run them with BENCH_CLIENTS=...).
        Client("core-threads", "Rust core, %d threads sharing one client" % threads, "rust", "core-typed",
               threads, extra=True),
        Client("reqwest-blocking-threads", "bare reqwest::blocking, %d threads sharing one client" % threads,
               "rust", "reqwest-blocking", threads, extra=True),
        Client("reqwest-async-threads", "bare reqwest async, %d threads block_on one shared current-thread "
               "runtime and client" % threads, "rust", "reqwest-async", threads, extra=True),
        Client("reqwest-async-nt", "bare reqwest async, no total timeout (no timer per request)", "rust",
               "reqwest-async-nt", extra=True),
        Client("reqwest-async-tl-threads", "bare reqwest async, %d threads each with its own current-thread "
               "runtime and client" % threads, "rust", "reqwest-async-tl", threads, extra=True),
    ]


def say(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


class WorkerError(Exception):
    pass


class Worker:
    """A long-lived worker process speaking the one-line protocol."""

    def __init__(self, name, argv, env, logdir, cpus=None):
        self.name = name
        self.log_path = os.path.join(logdir, "%s.log" % name)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=env, text=True, bufsize=1, preexec_fn=pinner(cpus))

    def run(self, client, op, base, seconds, threads, timeout):
        if self.proc.poll() is not None:
            raise WorkerError("the %s worker has exited (%s); see %s" % (self.name, self.proc.returncode,
                                                                         self.tail()))
        self.proc.stdin.write("run %s %s %s %s %d\n" % (client, op, base, seconds, threads))
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.proc.kill()
            raise WorkerError("the %s worker did not answer within %ds" % (self.name, timeout))
        line = self.proc.stdout.readline().strip()
        if not line:
            raise WorkerError("the %s worker died: %s" % (self.name, self.tail()))
        if line.startswith("ok "):
            parts = line.split()
            cpu = float(parts[3]) if len(parts) > 3 else None
            return int(parts[1]), float(parts[2]), cpu
        raise WorkerError(line[4:] if line.startswith("err ") else line)

    def tail(self):
        try:
            self.log.flush()
            with open(self.log_path) as f:
                return " | ".join(f.read().strip().splitlines()[-5:]) or "(no output)"
        except OSError:
            return "(no log)"

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        self.log.close()


def pinner(cpus):
    """A preexec_fn that pins the child to `cpus` (None: leave it free)."""
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def run_wrk(url, op, seconds, lua_post, cpus=None):
    """(calls/s, CPU µs per call of the wrk process)."""
    secs = max(1, int(round(seconds)))
    argv = ["wrk", "-t1", "-c1", "-d%ds" % secs, "--timeout", "10s",
            "-H", "Authorization: Bearer " + KEY, "-H", "Accept: application/json"]
    if op == "post":
        argv += ["-s", lua_post]
    argv.append(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 30, preexec_fn=pinner(cpus))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = out.stdout + out.stderr
    if out.returncode != 0:
        raise WorkerError("wrk failed: %s" % text.strip()[-300:])
    if "Non-2xx" in text or "Socket errors" in text:
        raise WorkerError("wrk saw errors: %s" % text.strip()[-300:])
    m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not rps or not m:
        raise WorkerError("cannot read wrk output: %s" % text[-300:])
    calls = int(m.group(1))
    return float(rps.group(1)), (cpu / calls * 1e6 if calls else None)


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d × %s, Linux %s" % (os.cpu_count() or 0, model, platform.release())


def versions(venv_python, nginx_version):
    parts = ["nginx " + nginx_version]
    try:
        out = subprocess.run([venv_python, "-c",
                              "import sys, importlib.metadata as m\n"
                              "print(sys.version.split()[0], m.version('py-dactyl'), m.version('requests'))"],
                             capture_output=True, text=True, timeout=30).stdout.split()
        if len(out) == 3:
            parts += ["Python " + out[0], "py-dactyl " + out[1], "requests " + out[2]]
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        parts.append(subprocess.run(["rustc", "--version"], capture_output=True, text=True,
                                    timeout=30).stdout.split(" (")[0].strip())
    except OSError:
        pass
    try:
        parts.append(subprocess.run(["wrk", "--version"], capture_output=True, text=True,
                                    timeout=30).stdout.split(" [")[0].strip().replace("debian/", ""))
    except OSError:
        pass
    return ", ".join(p for p in parts if p)


def fmt_rate(v):
    if v is None:
        return "–"
    if v >= 100:
        return "{:,.0f}".format(v)
    return "{:,.1f}".format(v)


def fmt_ratio(v, pct=False):
    if v is None:
        return "–"
    if pct:
        return "%.0f%%" % (v * 100)
    return ("%.1f×" % v) if v < 100 else ("%.0f×" % v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--http", required=True)
    ap.add_argument("--https", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--server-id", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--rust", required=True)
    ap.add_argument("--c")
    ap.add_argument("--skip-c", default="")
    ap.add_argument("--venv-python", required=True)
    ap.add_argument("--skip-python", default="")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--clients", default="")
    ap.add_argument("--ops", default="small,large,post")
    ap.add_argument("--protos", default="http,https")
    ap.add_argument("--out", default="")
    ap.add_argument("--nginx-version", default="")
    ap.add_argument("--pin-cpu", type=int, default=-1,
                    help="the CPU nginx is pinned to; wrk and the one-thread clients are pinned to it "
                         "too (-1: pin nothing)")
    a = ap.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    all_clients = clients_table(a.threads)
    wanted = [c.strip() for c in a.clients.split(",") if c.strip()]
    unknown = [w for w in wanted if w not in {c.name for c in all_clients}]
    if unknown:
        sys.exit("bench: unknown client(s) %s; known: %s" % (", ".join(unknown),
                                                             ", ".join(c.name for c in all_clients)))
    if wanted:
        clients = [c for c in all_clients if c.name in wanted]
    else:
        clients = [c for c in all_clients if not c.extra]
    ops = [o.strip() for o in a.ops.split(",") if o.strip() in OPS]
    protos = [p.strip() for p in a.protos.split(",") if p.strip() in PROTOS]
    skipped = {}
    if not a.c:
        for c in clients:
            if c.worker == "c":
                skipped[c.name] = a.skip_c or "the C bench is not built"
    if a.skip_python:
        for c in clients:
            if c.wname == "pterodactyl":
                skipped[c.name] = a.skip_python
    if not shutil.which("wrk"):
        skipped["wrk"] = "wrk is not installed"
    clients = [c for c in clients if c.name not in skipped]
    for name, why in skipped.items():
        say("skipping %s: %s" % (name, why))

    env = dict(os.environ, BENCH_KEY=KEY, BENCH_ID=a.server_id, BENCH_CA=a.ca)
    logdir = tempfile.mkdtemp(prefix="ptero-bench-logs.")
    lua_post = os.path.join(logdir, "post.lua")
    with open(lua_post, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'{"signal":"start"}\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    workers = {}
    argvs = {
        "rust": [a.rust, "worker"],
        "c": [a.c, "worker"] if a.c else None,
        "py": [a.venv_python, os.path.join(here, "bench_py.py"), "worker"],
    }
    bases = {"http": a.http, "https": a.https}
    sizes = {}
    for op, fname in (("small", "resources.json"), ("large", "servers.json")):
        try:
            sizes[op] = os.path.getsize(os.path.join(a.fixtures, fname))
        except OSError:
            pass

    def url(proto, op):
        root = bases[proto] + "/api/client"
        return {"small": "%s/servers/%s/resources" % (root, a.server_id), "large": root,
                "post": "%s/servers/%s/power" % (root, a.server_id)}[op]

    # results[(client, op, proto)] = [calls/s per round] (None when that round failed)
    results = {}
    cpu_us = {}  # (client, op, proto) -> [process CPU µs per call, per round (None: not measured)]
    failed = {}
    timeout = int(a.seconds * 4 + 60)
    t0 = time.time()
    try:
        for r in range(a.rounds):
            rot = r % len(clients) if clients else 0
            order = clients[rot:] + clients[:rot]
            for op in ops:
                for proto in protos:
                    for c in order:
                        key = (c.name, op, proto)
                        if key in failed:
                            continue
                        try:
                            # One-thread clients share nginx's CPU; N-thread clients may use all CPUs.
                            cpus = {a.pin_cpu} if a.pin_cpu >= 0 and c.pin else None
                            wkey = (c.worker, bool(cpus))
                            if c.worker == "wrk":
                                rate, us = run_wrk(url(proto, op), op, a.seconds, lua_post, cpus)
                                if us is not None:
                                    cpu_us.setdefault(key, [None] * a.rounds)[r] = us
                            else:
                                if wkey not in workers:
                                    workers[wkey] = Worker("%s%s" % (c.worker, "-pinned" if cpus else ""),
                                                           argvs[c.worker], env, logdir, cpus)
                                n, s, cpu = workers[wkey].run(c.wname, op, bases[proto], a.seconds,
                                                              c.threads, timeout)
                                rate = n / s
                                if cpu is not None and n:
                                    cpu_us.setdefault(key, [None] * a.rounds)[r] = cpu / n * 1e6
                        except (WorkerError, OSError, subprocess.TimeoutExpired) as e:
                            failed[key] = str(e)
                            say("%s %s %s failed: %s" % (c.name, op, proto, e))
                            if isinstance(e, WorkerError) and wkey in workers and \
                                    workers[wkey].proc.poll() is not None:
                                workers.pop(wkey).close()
                            continue
                        results.setdefault(key, [None] * a.rounds)[r] = rate
            say("round %d/%d done (%.0f s)" % (r + 1, a.rounds, time.time() - t0))
    finally:
        for w in workers.values():
            w.close()

    def med(name, op, proto):
        vals = [v for v in results.get((name, op, proto), []) if v is not None]
        return statistics.median(vals) if vals else None

    def ratio(num, den, op, proto, table=None):
        table = results if table is None else table
        xs = table.get((num, op, proto), [])
        ys = table.get((den, op, proto), [])
        rs = [x / y for x, y in zip(xs, ys) if x is not None and y]
        return statistics.median(rs) if rs else None

    def cpu_ratio(num, den, op, proto):
        """CPU per call of `num` over that of `den`, median of the per-round ratios."""
        return ratio(num, den, op, proto, cpu_us)

    def peer_of(name):
        """The peer row measured in the same placement as `name`."""
        return "peer-free" if name.endswith("-free") else "peer"

    nginx_version = a.nginx_version
    if not nginx_version:
        try:
            nv = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], capture_output=True,
                                text=True).stderr
            nginx_version = nv.strip().split("/")[-1]
        except OSError:
            nginx_version = "?"

    lines = []
    lines.append("Machine: %s. %s." % (machine(), versions(a.venv_python, nginx_version)))
    lines.append("")
    if a.pin_cpu >= 0:
        placement = ("nginx (1 worker), wrk and every one-thread client pinned to CPU %d, so each call is a "
                     "same-CPU ping-pong and the figures measure CPU cost, not cross-CPU wake-ups; "
                     "the N-thread rows may use every CPU" % a.pin_cpu)
    else:
        placement = "nothing pinned (nginx 1 worker)"
    lines.append("Run: %s; %d interleaved rounds × %g s per client, operation and protocol; "
                 "keep-alive, one connection per thread, 127.0.0.1; %s; "
                 "HTTPS with a private CA every client trusts explicitly. Figures are medians over the "
                 "rounds; ratios are medians of the per-round ratios." %
                 (time.strftime("%Y-%m-%d %H:%M %Z"), a.rounds, a.seconds, placement))
    lines.append("")
    hdr = ["operation", "client", "HTTP calls/s", "÷ Rust peer", "÷ py-dactyl", "÷ wrk", "HTTPS calls/s",
           "÷ Rust peer", "÷ py-dactyl", "÷ wrk"]
    lines.append("| " + " | ".join(hdr) + " |")
    lines.append("|" + "|".join(["---", "---"] + ["---:"] * 8) + "|")
    for op in ops:
        oplabel = OPS[op]
        if op in sizes:
            sz = sizes[op]
            oplabel += " %s" % (("%d B" % sz) if sz < 2048 else ("%.0f KB" % (sz / 1024)))
        for c in clients:
            cells = [oplabel, c.label]
            for proto in PROTOS:
                if proto not in protos:
                    cells += ["–", "–", "–", "–"]
                    continue
                v = med(c.name, op, proto)
                if v is None and (c.name, op, proto) in failed:
                    cells += ["failed", "–", "–", "–"]
                    continue
                cells.append(fmt_rate(v))
                peer = peer_of(c.name)
                cells.append("1×" if c.name == peer else fmt_ratio(ratio(c.name, peer, op, proto)))
                vs_py = ratio(c.name, "pydactyl", op, proto)
                vs_wrk = ratio(c.name, "wrk", op, proto)
                cells.append(fmt_ratio(vs_py) if c.name != "pydactyl" else "1×")
                cells.append(fmt_ratio(vs_wrk, pct=True) if c.name != "wrk" else "100%")
            lines.append("| " + " | ".join(cells) + " |")

    # CPU per call: the client process's CPU time (all its threads) over the calls it made.
    cpu_rows = [c for c in clients if any(cpu_us.get((c.name, op, p)) for op in ops for p in protos)]
    if cpu_rows:
        cols = [(op, p) for op in ops for p in protos]
        lines.append("")
        lines.append("Client CPU time per call, µs (whole client process, all threads; for wrk, the wrk "
                     "process; median over rounds):")
        lines.append("")
        lines.append("| client | " + " | ".join("%s %s" % (OPS[op], p.upper()) for op, p in cols) + " |")
        lines.append("|---|" + "---:|" * len(cols))
        for c in cpu_rows:
            cells = []
            for op, p in cols:
                v = [x for x in cpu_us.get((c.name, op, p), []) if x is not None]
                cells.append("%.0f" % statistics.median(v) if v else "–")
            lines.append("| %s | %s |" % (c.label, " | ".join(cells)))

    # The targets of the issue, read off the same rounds (information, never a pass/fail exit).
    targets = []

    def tgt(desc, num, den, op, need, fmt=lambda v: "%.2f×" % v, cpu=False, higher=None):
        """One target row: the median of the per-round ratios num ÷ den (calls/s, or CPU per call
        with `cpu`) against `need`, which is a floor for calls/s and a ceiling for CPU (unless
        `higher` says otherwise)."""
        if higher is None:
            higher = not cpu
        row = [desc]
        verdicts = []
        for proto in PROTOS:
            v = (cpu_ratio if cpu else ratio)(num, den, op, proto) if proto in protos else None
            row.append(fmt(v) if v is not None else "–")
            if v is not None and need is not None:
                verdicts.append(v >= need if higher else v <= need)
        verdict = "" if need is None else "–" if not verdicts else ("met" if all(verdicts) else "**missed**")
        targets.append("| " + " | ".join(row + [verdict]) + " |")

    names = {c.name for c in clients}
    # Rust core ≥ the Rust peer in calls/s and ≤ it in CPU per call, every row, both placements.
    for ours, label in (("core-typed", "Rust core (typed)"), ("core-call", "Rust core (generic)")):
        for suffix, place in (("", "pinned"), ("-free", "unpinned")):
            mine, peer = ours + suffix, "peer" + suffix
            if mine not in names or peer not in names:
                continue
            for op in ops:
                tgt("%s ≥ Rust peer, calls/s, %s, %s" % (label, OPS[op], place), mine, peer, op, 1.0)
                tgt("%s ≤ Rust peer, CPU per call, %s, %s" % (label, OPS[op], place), mine, peer, op, 1.0,
                    cpu=True)
    # C typed functions and ptero_call within 10% of the Rust core's typed calls.
    for ours, label in (("c", "C typed"), ("c-call", "C `ptero_call`")):
        for suffix, place in (("", "pinned"), ("-free", "unpinned")):
            mine, core = ours + suffix, "core-typed" + suffix
            if mine not in names or core not in names:
                continue
            for op in ops:
                tgt("%s within 10%% of Rust core (typed), calls/s, %s, %s" % (label, OPS[op], place),
                    mine, core, op, 0.9)
                tgt("%s within 10%% of Rust core (typed), CPU per call, %s, %s" % (label, OPS[op], place),
                    mine, core, op, 1.1, cpu=True)
    if "python" in names and "pydactyl" in names:
        if "large" in ops:
            tgt("Python ≥ 2.5× py-dactyl, calls/s, %s" % OPS["large"], "python", "pydactyl", "large", 2.5)
        for op in ("small", "post"):
            if op in ops:
                tgt("Python ≥ 20× less CPU per call than py-dactyl, %s" % OPS[op], "pydactyl", "python", op,
                    20.0, cpu=True, higher=True)
    for multi, singles, label, need in (("python-threads", ("python", "python-free"), "Python", 1.5),
                                        ("c-threads", ("c", "c-free"), "C", None)):
        for single in singles:
            if multi not in names or single not in names:
                continue
            for op in ops:
                desc = "%s %d threads ÷ 1 thread %s, %s" % (
                    label, a.threads, "pinned with nginx (its best case)" if single in ("python", "c")
                    else "placed like the threads (unpinned)", OPS[op])
                desc += " (target ≥ 1.5×)" if need else ""
                tgt(desc, multi, single, op, need)
    if targets:
        lines.append("")
        lines.append("| target (medians of per-round ratios) | HTTP | HTTPS | |")
        lines.append("|---|---:|---:|---|")
        lines.extend(targets)
    notes = []
    for name, why in skipped.items():
        notes.append("- not measured: %s (%s)" % (name, why))
    for (name, op, proto), why in failed.items():
        notes.append("- failed: %s %s %s: %s" % (name, op, proto, why))
    if notes:
        lines.append("")
        lines.extend(notes)
    text = "\n".join(lines) + "\n"
    sys.stdout.write("\n" + text)
    if a.out and a.out != "-":
        with open(a.out, "w") as f:
            f.write("# Benchmark results\n\nWritten by `make bench` (tests/bench/run.sh); see "
                    "tests/bench/README.md for what each column means.\n\n" + text)
        say("wrote %s" % a.out)
    shutil.rmtree(logdir, ignore_errors=True)


if __name__ == "__main__":
    main()
