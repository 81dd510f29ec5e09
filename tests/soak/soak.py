"""`make soak` (tests/soak/run.sh), the Python half: the Rust half's run through the Python
package. One ``pterodactyl.Client`` shared by 8 threads makes CALLS calls mixed across
operations against the fake panel while resident memory is sampled; then ``close()``, and the
process must be back where it started: the same open descriptors, the same threads.

Prints the figures as one JSON line; exits 1 when a call did not give its expected outcome, the
panel did not receive exactly one request per call, descriptors or threads are left behind, or
memory kept growing after the warm-up (the first 10%).

    python soak.py PANEL_URL [--calls N] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
import urllib.request
from typing import Any

import pterodactyl

OWNER_KEY = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001"
FLAT_SLACK_KIB = 8 * 1024

MIX: list[tuple[str, dict[str, Any], int]] = [  # (operation, parameters, 0 for success or the status)
    ("servers.list", {"per_page": 5}, 0),
    ("server.get", {"server": "d3aac109", "include": ["egg"]}, 0),
    ("server.resources", {"server": "d3aac109"}, 0),
    ("account.get", {}, 0),
    ("permissions.get", {}, 0),
    ("server.files.list", {"server": "d3aac109", "directory": "/"}, 0),
    ("server.databases.list", {"server": "d3aac109"}, 0),
    ("server.schedules.list", {"server": "d3aac109"}, 0),
    ("server.users.list", {"server": "d3aac109"}, 0),
    ("server.backups.list", {"server": "d3aac109"}, 0),
    ("server.allocations.list", {"server": "d3aac109"}, 0),
    ("server.startup.get", {"server": "d3aac109"}, 0),
    ("server.settings.rename", {"server": "d3aac109", "name": "Survival"}, 0),
    ("server.allocations.set_notes", {"server": "d3aac109", "allocation": 16, "notes": "soak"}, 0),
    ("server.power", {"server": "1a7ce997", "signal": "start"}, 0),
    (
        "server.startup.set_variable",
        {"server": "d3aac109", "key": "SERVER_JARFILE", "value": "server.jar"},
        0,
    ),
    ("server.get", {"server": "f00dfeed"}, 404),
]


def control(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--sample-ms", type=int, default=500)
    args = parser.parse_args()
    url = args.url.rstrip("/")

    control(url, "POST", "/__fake/reset")
    control(url, "POST", "/__fake/rate_limit", {"limit": 4_000_000_000, "window_ms": 60_000})
    control(url, "POST", "/__fake/record", {"enabled": False})
    panel_before = control(url, "GET", "/__fake/count")["total"]

    fds_start, threads_start, rss_start = open_fds(), os_threads(), rss_kib()
    client = pterodactyl.Client(url, OWNER_KEY)
    done = [0] * args.threads
    failures: list[str] = []
    lock = threading.Lock()

    def work(index: int, count: int) -> None:
        for i in range(count):
            op, params, want = MIX[(i + index * 7) % len(MIX)]
            try:
                client.call(op, **params)
                fine = want == 0
                outcome = "ok"
            except pterodactyl.ApiError as e:
                fine = e.status == want
                outcome = f"{type(e).__name__}: {e}"
            except pterodactyl.PterodactylError as e:
                fine = False
                outcome = f"{type(e).__name__}: {e}"
            if not fine:
                with lock:
                    failures.append(f"{op}: {outcome}")
            done[index] = i + 1

    per, extra = divmod(args.calls, args.threads)
    workers = [
        threading.Thread(target=work, args=(t, per + (1 if t < extra else 0))) for t in range(args.threads)
    ]
    started = time.monotonic()
    for w in workers:
        w.start()
    samples: list[tuple[float, int, int]] = []
    threads_peak = 0
    while True:
        calls = sum(done)
        threads_peak = max(threads_peak, os_threads())
        samples.append((time.monotonic() - started, calls, rss_kib()))
        if calls >= args.calls or not any(w.is_alive() for w in workers):
            break
        time.sleep(args.sample_ms / 1000)
    for w in workers:
        w.join()
    seconds = time.monotonic() - started
    rss_end = rss_kib()
    client.close()
    fds_after, threads_after, rss_after = open_fds(), os_threads(), rss_kib()
    panel_requests = control(url, "GET", "/__fake/count")["total"] - panel_before
    control(url, "POST", "/__fake/record", {"enabled": True})

    warm = next((s[2] for s in samples if s[1] >= args.calls // 10), rss_start)
    after_warm_peak = max((s[2] for s in samples if s[1] >= args.calls // 10), default=warm)
    peak = max([s[2] for s in samples] + [rss_end])
    flat = after_warm_peak - warm <= FLAT_SLACK_KIB and rss_end - warm <= FLAT_SLACK_KIB
    calls_made = sum(done)
    print(
        json.dumps(
            {
                "surface": "python",
                "calls": calls_made,
                "threads": args.threads,
                "seconds": round(seconds, 1),
                "calls_per_second": round(calls_made / seconds),
                "failures": len(failures),
                "panel_requests": panel_requests,
                "rss_kib": {
                    "start": rss_start,
                    "after_warmup": warm,
                    "peak": peak,
                    "end": rss_end,
                    "after_close": rss_after,
                },
                "rss_flat": flat,
                "fds": {"start": fds_start, "after_close": fds_after},
                "os_threads": {"start": threads_start, "peak": threads_peak, "after_close": threads_after},
                "samples": len(samples),
            }
        ),
        flush=True,
    )
    wrong = []
    if failures:
        wrong.append(f"{len(failures)} calls did not give their expected outcome, e.g. {failures[:5]}")
    if calls_made != args.calls or panel_requests != args.calls:
        wrong.append(f"the panel received {panel_requests} requests for {calls_made} of {args.calls} calls")
    if fds_after != fds_start:
        wrong.append(f"{fds_start} descriptors open at the start, {fds_after} after close()")
    if threads_after != threads_start:
        wrong.append(f"{threads_start} threads at the start, {threads_after} after close()")
    if not flat:
        wrong.append(
            f"memory kept growing after the warm-up: {warm} KiB -> peak {after_warm_peak} KiB, "
            f"end {rss_end} KiB"
        )
    for w in wrong:
        print(f"soak: FAILED: {w}", flush=True)
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
