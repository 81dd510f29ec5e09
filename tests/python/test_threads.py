"""One client shared by many threads; the GIL is released while a call waits on the network."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pterodactyl
from conftest import Panel

SURVIVAL = "d3aac109"
IDS = ["d3aac109", "1a7ce997", "5b2e8f10", "7c4d2e11"]


def test_sixteen_threads_share_one_client(client: pterodactyl.Client, panel: Panel) -> None:
    barrier = threading.Barrier(16)

    def work(n: int) -> tuple[str, str, int, int]:
        barrier.wait()
        identifier = IDS[n % len(IDS)]
        srv = client.server(identifier)
        details = srv.details()
        stats = srv.resources()
        allocations = srv.allocations.list()
        servers = list(client.servers.iter(per_page=2))
        return details["identifier"], stats["current_state"], len(allocations), len(servers)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(16)))

    for n, (identifier, state, allocations, servers) in enumerate(results):
        assert identifier == IDS[n % len(IDS)]
        assert state == ("running" if identifier == "7c4d2e11" else "offline")
        assert allocations >= 1
        assert servers == 5
    assert len(panel.requests()) == 16 * (3 + 3)


def test_waiting_calls_run_in_parallel(client: pterodactyl.Client, panel: Panel) -> None:
    # Eight calls that each wait 600 ms on the panel finish together only if none holds the GIL.
    panel.slow("/resources", 600)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        states = list(pool.map(lambda _: client.server(SURVIVAL).resources()["current_state"], range(8)))
    elapsed = time.monotonic() - started
    assert states == ["offline"] * 8
    assert elapsed < 8 * 0.6 / 2, f"calls were serialized ({elapsed:.2f} s)"


def test_python_keeps_running_while_a_call_waits(client: pterodactyl.Client, panel: Panel) -> None:
    panel.slow("/resources", 800)
    done = threading.Event()

    def slow_call() -> None:
        client.server(SURVIVAL).resources()
        done.set()

    worker = threading.Thread(target=slow_call)
    worker.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.01)
    worker.join()
    assert ticks >= 20  # the main thread ran all along


def test_page_fetches_release_the_gil(client: pterodactyl.Client, panel: Panel) -> None:
    panel.slow("/api/client", 500)

    def walk(_: Any) -> int:
        return sum(1 for _ in client.servers.iter(per_page=50))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(walk, range(6)))
    assert counts == [5] * 6
    assert time.monotonic() - started < 6 * 0.5 / 2


def test_close_while_other_threads_call(panel: Panel) -> None:
    from conftest import OWNER_KEY

    c = pterodactyl.Client(panel.url, OWNER_KEY)
    panel.slow("/resources", 300)
    outcome: list[Any] = []

    def call() -> None:
        outcome.append(c.server(SURVIVAL).resources()["current_state"])

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.1)
    c.close()  # the call in flight finishes; new ones are refused
    worker.join()
    assert outcome == ["offline"]
    assert c.closed


def test_threads_sharing_one_iterator_see_every_item_once(client: pterodactyl.Client) -> None:
    servers = client.servers.iter(per_page=1)
    seen: list[str] = []
    barrier = threading.Barrier(4)

    def drain() -> None:
        barrier.wait()
        for server in servers:
            seen.append(server["identifier"])

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == sorted(s["identifier"] for s in client.servers.list()["data"])
