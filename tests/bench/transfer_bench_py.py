"""The Python rows of the transfer bench (tests/bench/transfer.sh): one 1 GiB download or upload,
timed in-process.

    python transfer_bench_py.py pterodactyl download|upload PANEL_URL KEY SERVER REMOTE LOCAL
    python transfer_bench_py.py pydactyl-requests download PANEL_URL KEY SERVER REMOTE LOCAL

``pterodactyl`` is this package (``srv.files.download(path, dest)``, ``srv.files.upload(...)``);
``pydactyl-requests`` is the usual way today: py-dactyl asks for the signed URL, requests fetches
it streaming (``iter_content``, 1 MiB chunks) into the file. Prints one JSON line:
``{"bytes", "seconds", "rss_before_kb", "hwm_kb"}``.
"""

from __future__ import annotations

import json
import sys
import time


def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def main() -> int:
    client_name, mode, panel, key, server, remote, local = sys.argv[1:8]
    if client_name == "pterodactyl":
        import pterodactyl

        files = pterodactyl.Client(panel, key).server(server).files
        files.list(directory="/")  # warm-up: the connection and the runtime exist before measuring
        before = status_kb("VmRSS:")
        start = time.perf_counter()
        n = files.download(remote, local) if mode == "download" else files.upload(local, remote)
    elif client_name == "pydactyl-requests" and mode == "download":
        import requests
        from pydactyl import PterodactylClient

        api = PterodactylClient(panel, key)
        session = requests.Session()
        api.client.servers.files.list_files(server, "/")  # warm-up
        before = status_kb("VmRSS:")
        start = time.perf_counter()
        url = api.client.servers.files.download_file(server, remote)
        n = 0
        with session.get(url, stream=True) as resp, open(local, "wb") as out:
            resp.raise_for_status()
            for chunk in resp.iter_content(chunk_size=1024 * 1024):
                out.write(chunk)
                n += len(chunk)
    else:
        print(f"unknown client/mode {client_name} {mode}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    print(json.dumps({"bytes": n, "seconds": seconds, "rss_before_kb": before, "hwm_kb": status_kb("VmHWM:")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
