"""The transfer bench (run by tests/bench/transfer.sh): a 1 GiB download and a 1 GiB upload
through the fake Wings on loopback, by every surface, next to curl doing the same transfer (the
ceiling) and, for the download, py-dactyl + requests streaming (``iter_content``).

Each transfer runs in a process of its own, interleaved round by round; a row's figures are the
medians over the rounds: MB/s (10^6 bytes per second of the transfer itself, timed inside the
process; curl's own ``time_total``), the program's peak RSS (its VmHWM, sampled every 10 ms), and
for the clients that report it, the RSS growth during the transfer (their own peak minus the RSS
just before the transfer). Timings are
never pass/fail: the table is printed and written to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

SEED = 99


def control(panel: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{panel}/__fake/{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def signed_url(panel: str, key: str, server: str, what: str, remote: str = "") -> str:
    """A fresh signed URL from the panel's API, as curl's row gets it (outside its timing)."""
    query = f"?file={urllib.request.quote(remote, safe='')}" if what == "download" else ""
    req = urllib.request.Request(f"{panel}/api/client/servers/{server}/files/{what}{query}")
    req.add_header("Authorization", f"Bearer {key}")
    req.add_header("Accept", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:
        url: str = json.loads(resp.read())["attributes"]["url"]
    return url


def hwm_kb(pid: int) -> int | None:
    """The peak RSS of the program `pid` runs (VmHWM), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run(cmd: list[str]) -> tuple[str, int]:
    """Runs `cmd`; its stdout and its peak RSS in KiB.

    The peak is the program's own VmHWM, read every 10 ms while it runs: `wait4`'s ru_maxrss
    would also count the driver's memory, which a forked child carries across `exec`.
    """
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, hwm_kb(proc.pid) or 0)
            time.sleep(0.01)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} exited {proc.returncode}")
        out.seek(0)
        return out.read().decode(), peak


class Row:
    def __init__(self, name: str, mode: str, cmd: Any) -> None:
        self.name, self.mode, self.cmd = name, mode, cmd
        self.rates: list[float] = []
        self.peaks: list[float] = []
        self.growths: list[float] = []

    def median(self, values: list[float]) -> float | None:
        return statistics.median(values) if values else None


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--panel", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--server", default="d3aac109")
    p.add_argument("--work", required=True, help="a scratch directory (2 GiB free)")
    p.add_argument("--size", type=int, default=1 << 30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rust")
    p.add_argument("--c")
    p.add_argument("--venv-python")
    p.add_argument("--out", default="-")
    p.add_argument("--skip", action="append", default=[], help="a note on a row that was left out")
    a = p.parse_args()

    here = os.path.dirname(os.path.abspath(__file__))
    size, panel, key, server = a.size, a.panel, a.key, a.server
    remote, updir = "/bench/big.bin", "/bench-up"
    source = os.path.join(a.work, "source.bin")
    dest = os.path.join(a.work, "dest.bin")
    control(panel, "POST", "generated_file", {"server": server, "path": remote, "size": size, "seed": SEED})
    control(panel, "POST", "wings", {"upload_limit_mb": 4 * (size >> 20) + 1})

    def curl_download() -> tuple[str, int]:
        url = signed_url(panel, key, server, "download", remote)
        out, peak = run(["curl", "-sS", "-o", dest, "-w", "%{time_total} %{size_download}", url])
        seconds, n = out.split()
        return json.dumps({"bytes": int(n), "seconds": float(seconds)}), peak

    def curl_upload() -> tuple[str, int]:
        url = signed_url(panel, key, server, "upload") + f"&directory={updir}"
        fmt = "%{time_total} %{size_upload}"
        out, peak = run(["curl", "-sS", "-o", "/dev/null", "-w", fmt, "-F", f"files=@{source}", url])
        seconds, n = out.split()
        return json.dumps({"bytes": int(n), "seconds": float(seconds)}), peak

    def ours(cmd: list[str], mode: str) -> Any:
        remote_arg = remote if mode == "download" else updir
        local = dest if mode == "download" else source
        return lambda: run([*cmd, mode, panel, key, server, remote_arg, local])

    rows: list[Row] = [Row("curl (ceiling)", "download", curl_download)]
    if a.rust:
        rows.append(Row("Rust core `files().download_to_path`", "download", ours([a.rust], "download")))
    if a.c:
        rows.append(Row("C `ptero_server_files_download_to_path`", "download", ours([a.c], "download")))
    if a.venv_python:
        py = [a.venv_python, os.path.join(here, "transfer_bench_py.py")]
        rows.append(Row("Python `srv.files.download(path, dest)`", "download", ours([*py, "pterodactyl"], "download")))
        rows.append(
            Row("py-dactyl + requests (`iter_content`)", "download", ours([*py, "pydactyl-requests"], "download"))
        )
    rows.append(Row("curl -F (ceiling)", "upload", curl_upload))
    if a.rust:
        rows.append(Row("Rust core `files().upload`", "upload", ours([a.rust], "upload")))
    if a.c:
        rows.append(Row("C `ptero_server_files_upload_paths`", "upload", ours([a.c], "upload")))
    if a.venv_python:
        rows.append(Row("Python `srv.files.upload(path, dir)`", "upload", ours([*py, "pterodactyl"], "upload")))

    # The upload source: the generated file itself, so the fake can check every byte it gets.
    print(f"transfer bench: {size / 2**20:.0f} MiB, {a.rounds} rounds, {len(rows)} rows", file=sys.stderr)
    curl_download()
    os.replace(dest, source)
    for r in range(a.rounds):
        for row in rows:
            out, peak = row.cmd()
            got = json.loads(out)
            if got["bytes"] < size:
                raise RuntimeError(f"{row.name}: moved {got['bytes']} of {size} bytes")
            row.rates.append(size / got["seconds"] / 1e6)
            row.peaks.append(peak / 1024)
            if "hwm_kb" in got:
                row.growths.append((got["hwm_kb"] - got["rss_before_kb"]) / 1024)
            if row.mode == "download":
                if os.path.getsize(dest) != size:
                    raise RuntimeError(f"{row.name}: the file has {os.path.getsize(dest)} bytes")
                os.remove(dest)
            else:
                info = control(panel, "GET", f"file_info?server={server}&path={updir}/source.bin")
                if info != {"size": size, "kind": "generated", "seed": SEED}:
                    raise RuntimeError(f"{row.name}: Wings holds {info}")
            print(f"  round {r + 1}: {row.name}: {row.rates[-1]:.0f} MB/s", file=sys.stderr)
        time.sleep(0.2)

    lines = [
        f"Transfers of {size / 2**20:.0f} MiB over loopback against the fake Wings (release build), "
        f"medians of {a.rounds} interleaved rounds, each transfer in its own process.",
        "",
        "| transfer | client | MB/s | of curl | peak RSS (MB) | RSS growth (MB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    ceiling: dict[str, float] = {}
    for row in rows:
        rate = row.median(row.rates) or 0.0
        ceiling.setdefault(row.mode, rate)
        growth = row.median(row.growths)
        lines.append(
            f"| {row.mode} | {row.name} | {rate:.0f} | {rate / ceiling[row.mode]:.0%} | "
            f"{row.median(row.peaks):.1f} | {'' if growth is None else f'{growth:.1f}'} |"
        )
    lines += [
        "",
        "Targets: at least 80% of curl's MB/s; RSS growth under 64 MB. The fake Wings serves from one",
        "thread and shares the machine with the client, so the figures compare the clients under the same",
        "conditions; they are not the link's limit, and a client may pass curl by a margin that is noise.",
    ]
    lines += [f"Left out: {note}" for note in a.skip]
    table = "\n".join(lines) + "\n"
    print(table)
    if a.out != "-":
        with open(a.out, "w") as f:
            f.write("# Transfer bench results\n\nWritten by `tests/bench/transfer.sh` (`make bench`).\n\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
