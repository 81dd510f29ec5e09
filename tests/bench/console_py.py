"""``python console_py.py URL KEY SERVER LINES BYTES``: reads a flood of LINES console lines from
the fake Wings through ``pterodactyl.Console`` (``for event in console``) and prints
``LINES SECONDS``: the time from the first line to the last. Driven by console.py."""

import sys
import time
import urllib.request

import pterodactyl


def flood(url: str, server: str, lines: int, size: int) -> None:
    body = f'{{"server":"{server}","lines":{lines},"bytes":{size}}}'.encode()
    req = urllib.request.Request(f"{url}/__fake/ws/flood", data=body, method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 204


def main() -> None:
    url, key, server, lines_arg, size_arg = sys.argv[1:]
    lines, size = int(lines_arg), int(size_arg)
    last = f"flood {lines:09d} "
    with pterodactyl.Client(url, key) as client, client.server(server).console(max_queued_events=1 << 22) as console:
        # The first events (status, stats) before the flood.
        while console.next_event(timeout=0.2) is not None:
            pass
        flood(url, server, lines, size)
        first = 0.0
        seen = 0
        for event in console:
            line = event.line
            if line is None or not line.startswith("flood "):
                continue
            if seen == 0:
                first = time.perf_counter()
            seen += 1
            if line.startswith(last):
                break
        took = time.perf_counter() - first
    assert seen == lines, f"{seen} of {lines} lines arrived"
    print(f"{lines} {took:.6f}")


if __name__ == "__main__":
    main()
