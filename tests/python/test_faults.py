"""The fault matrix on the Python surface, and ``close()`` racing calls on other threads.

Every fault of ``tests/fault_matrix.json`` (stalls, resets, broken bodies, a proxy's error
pages, 429 storms, a redirect to another host, a 100 MB answer, a certificate for another name)
against one call of each method: each must raise the table's exception, and the fake's request
log must show that nothing but a GET was sent twice. The Rust and C suites run the same table.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import pterodactyl
from conftest import OWNER_KEY, ROOT, SURVIVAL, Panel

MATRIX: dict[str, Any] = json.loads((ROOT / "tests" / "fault_matrix.json").read_text(encoding="utf-8"))

# The exception each of the core's error kinds becomes.
EXCEPTIONS: dict[str, type[pterodactyl.PterodactylError]] = {
    "timeout": pterodactyl.TimeoutError,
    "transport": pterodactyl.ConnectionError,
    "decode": pterodactyl.DecodeError,
    "not_json": pterodactyl.NotJsonError,
    "rate_limited": pterodactyl.RateLimitedError,
    "too_large": pterodactyl.TooLargeError,
}

CELLS = [
    pytest.param(case, call, id=f"{case['name']} / {call['method']}")
    for case in MATRIX["faults"]
    for call in MATRIX["calls"]
]


def _client_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """The matrix's options as the Python client spells them (it waits at most 60 s between
    retries; the table's ``max_retry_wait_ms`` is longer than any wait it causes)."""
    return {
        "timeout": options["timeout_ms"] / 1000,
        "connect_timeout": options["connect_timeout_ms"] / 1000,
        "max_retries": options["max_retries"],
    }


def _set_fault(panel: Panel, path_contains: str, fault: dict[str, Any]) -> None:
    other_host = panel.url.replace("127.0.0.1", "localhost")
    text = json.dumps({"path_contains": path_contains, **fault}).replace("{panel_on_localhost}", other_host)
    panel._control("POST", "fault", json.loads(text))


@pytest.mark.parametrize(("case", "call"), CELLS)
def test_every_fault_raises_its_exception_and_nothing_is_sent_twice(
    panel: Panel, case: dict[str, Any], call: dict[str, Any]
) -> None:
    options = {**MATRIX["options"], **case.get("options", {})}
    url, ca_cert = panel.url, None
    if case.get("tls"):
        tls = panel._control("GET", "tls")
        url, ca_cert = tls["url"], tls["ca_pem"]
    else:
        _set_fault(panel, call["path"], case["fault"])
    with pterodactyl.Client(url, OWNER_KEY, ca_cert=ca_cert, **_client_kwargs(options)) as client:
        with pytest.raises(pterodactyl.PterodactylError) as info:
            client.call(call["op"], **call["params"])
    err = info.value
    assert type(err) is EXCEPTIONS[case["error"]], f"{type(err).__name__}: {err}"
    if "http_status" in case:
        assert err.status == case["http_status"]  # type: ignore[attr-defined]
    assert OWNER_KEY not in f"{err} {err!r}"
    if case.get("tls"):
        assert "certificate" in str(err)
    want = case["requests_get"] if call["method"] == "GET" and "requests_get" in case else case["requests"]
    log = panel.requests()
    sent = [r for r in log if r["method"] == call["method"] and r["path"].endswith(call["path"])]
    assert (len(sent), len(log)) == (want, want)


def test_the_table_is_the_one_the_other_surfaces_run() -> None:
    assert {case["error"] for case in MATRIX["faults"]} <= EXCEPTIONS.keys()
    assert {call["method"] for call in MATRIX["calls"]} == {"GET", "POST", "PUT", "DELETE"}
    assert Path(ROOT / "core" / "tests" / "fault_matrix.rs").exists()
    assert Path(ROOT / "tests" / "c" / "test_faults.c").exists()


def test_close_racing_calls_on_other_threads_is_safe(panel: Panel) -> None:
    """Calls in flight when ``close()`` runs finish (the client they started with lives until
    they return); calls after it raise :class:`InvalidInputError`; nothing else happens."""
    panel._control("POST", "rate_limit", {"limit": 1_000_000, "window_ms": 60_000})
    client = pterodactyl.Client(panel.url, OWNER_KEY, timeout=20)
    started = threading.Barrier(9)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        mine: list[str] = []
        started.wait()
        for _ in range(100_000):
            try:
                client.server(SURVIVAL).resources()
                mine.append("ok")
            except pterodactyl.InvalidInputError as e:
                assert "closed" in str(e)
                mine.append("closed")
                break
            except BaseException as e:  # anything else is a failure of the test
                mine.append(f"unexpected {type(e).__name__}: {e}")
                break
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    started.wait()
    # Close while the workers are calling: once at least a few calls have gone through.
    while sum(1 for r in panel.requests() if r["path"].endswith("/resources")) < 8:
        time.sleep(0.01)
    client.close()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a worker is stuck"
    assert not [o for o in outcomes if o.startswith("unexpected")], outcomes
    assert outcomes.count("closed") == 8, outcomes
    assert client.closed
    client.close()  # twice is fine
