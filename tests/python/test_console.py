"""The live console from Python: events with typed fields, commands and power back, iteration
that releases the GIL and stops on close() from another thread, Wings' closes that mean "stop",
reconnection with reported gaps, and a soak of 2 s tokens and cut connections
(PTERO_SOAK_SECS, default 30) checked against the fake Wings' ledger."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel

PATIENCE = 15.0
"""Seconds to wait for something that should happen (never a timing assertion)."""

QUICK: dict[str, Any] = {"reconnect_initial": 0.05, "reconnect_max": 0.5}


def ws(panel: Panel, path: str, body: dict[str, Any] | None = None) -> Any:
    """A control of the fake Wings (``/__fake/ws/<path>``)."""
    return panel._control("POST" if body is not None else "GET", f"ws/{path}", body)


def wait_for(
    console: pterodactyl.Console, what: str, want: Callable[[pterodactyl.ConsoleEvent], bool]
) -> pterodactyl.ConsoleEvent:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        event = console.next_event(timeout=0.2)
        if event is not None and want(event):
            return event
    pytest.fail(f"no {what} within {PATIENCE} s")


def wait_state(console: pterodactyl.Console, state: str) -> None:
    wait_for(console, f"status {state}", lambda e: e.name == "status" and e.state == state)


def wait_line(console: pterodactyl.Console, line: str) -> None:
    wait_for(console, line, lambda e: e.name == "console output" and e.line == line)


def test_output_arrives_and_commands_round_trip(client: pterodactyl.Client) -> None:
    with client.server(SURVIVAL).console(**QUICK) as console:
        first = console.next_event(timeout=PATIENCE)
        assert first is not None
        assert (first.name, first.args, first.state, first.line) == ("status", ["offline"], "offline", None)
        stats = wait_for(console, "stats", lambda e: e.name == "stats")
        assert stats.stats is not None and stats.stats["state"] == "offline"
        assert stats.to_dict()["stats"] == stats.stats
        assert console.connected
        console.set_state("start")
        wait_state(console, "starting")
        wait_line(console, "container@pterodactyl~ Server marked as starting...")
        wait_state(console, "running")
        console.send_command("say hello from python")
        wait_line(console, "> say hello from python")
        console.request_stats()
        wait_for(console, "stats", lambda e: e.stats is not None and e.stats["state"] == "running")
        console.request_logs()
        wait_line(console, "> say hello from python")
        console.set_state("kill")
        wait_state(console, "offline")
    assert console.closed
    with pytest.raises(pterodactyl.ConsoleClosedError):
        console.send_command("too late")


def test_iteration_releases_the_gil_and_stops_on_close_from_another_thread(
    client: pterodactyl.Client,
) -> None:
    console = client.server(SURVIVAL).console(**QUICK)
    seen: list[str] = []
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            for event in console:
                seen.append(event.name)
            outcome.append(None)
        except BaseException as e:  # pragma: no cover - reported below
            outcome.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    # While the reader waits, this thread keeps running Python code.
    spins = 0
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        spins += 1
    assert spins > 1000
    console.close()
    reader.join(PATIENCE)
    assert not reader.is_alive()
    assert outcome == [None], outcome
    assert "status" in seen


def test_next_event_with_a_timeout_returns_none_when_nothing_comes(client: pterodactyl.Client) -> None:
    with client.server(SURVIVAL).console(**QUICK) as console:
        wait_state(console, "offline")
        wait_for(console, "stats", lambda e: e.name == "stats")
        assert console.next_event(timeout=0) is None
        assert console.next_event(timeout=0.05) is None


def test_wings_events_are_typed_and_unknown_ones_come_raw(panel: Panel, client: pterodactyl.Client) -> None:
    uuid = "0e8b3a44-1111-4222-8333-444455556666"
    backup = (
        f'{{"uuid":"{uuid}","is_successful":true,"checksum":"abc","checksum_type":"sha1","file_size":42}}'
    )
    sent = [
        ("install output", ["Installing..."]),
        ("daemon message", ["Server is now running"]),
        ("daemon error", ["Error Event [x]: boom"]),
        (f"backup completed:{uuid}", [backup]),
        ("transfer status", ["success"]),
        ("throttled", ["send command"]),
        ("feature match", ["eula"]),
    ]
    with client.server(SURVIVAL).console(**QUICK) as console:
        wait_state(console, "offline")
        for name, args in sent:
            ws(panel, "emit", {"server": SURVIVAL, "event": name, "args": args})
        got = []
        while len(got) < len(sent):
            event = console.next_event(timeout=PATIENCE)
            assert event is not None
            if event.name not in ("stats", "status"):
                got.append(event)
    plain = [s for s in sent if s[0] != f"backup completed:{uuid}"]
    assert [(e.name, e.args) for e in got if e.backup is None] == plain
    assert got[0].line == "Installing..."
    assert got[1].message == "Server is now running"
    assert got[2].message == "Error Event [x]: boom"
    assert got[3].uuid == uuid
    assert got[3].backup == {
        "uuid": uuid,
        "is_successful": True,
        "checksum": "abc",
        "checksum_type": "sha1",
        "file_size": 42,
    }
    assert got[4].status == "success"
    assert got[5].scope == "send command"
    assert got[6].to_dict() == {"event": "feature match", "args": ["eula"]}
    assert got[0].to_dict() == {"event": "install output", "args": ["Installing..."], "line": "Installing..."}
    assert got[0] == got[0] and got[0] != got[1]


def test_open_raises_what_refused_it(panel: Panel, client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.WingsError) as refused:
        client.server(SURVIVAL).console(origin="https://panel.example.com")
    assert refused.value.status == 403
    assert "origin" in str(refused.value)
    ws(panel, "allowed_origins", {"origins": ["https://panel.example.com"]})
    with client.server(SURVIVAL).console(origin="https://panel.example.com") as console:
        wait_state(console, "offline")
    with pytest.raises(pterodactyl.NotFoundError):
        client.server("f00dfeed").console()
    with pytest.raises(pterodactyl.ConflictError):
        client.server("9e8f7a6b").console()
    with pytest.raises(pterodactyl.InvalidInputError):
        client.server(SURVIVAL).console(reconnect_initial=0)


def test_a_send_wings_would_ignore_raises(subuser: pterodactyl.Client) -> None:
    with subuser.server(SURVIVAL).console(**QUICK) as console:
        wait_state(console, "offline")
        with pytest.raises(pterodactyl.InvalidInputError, match=r"control\.stop"):
            console.set_state("stop")
        with pytest.raises(pterodactyl.InvalidInputError, match="jump"):
            console.set_state("jump")  # type: ignore[arg-type]


def test_a_cut_is_reported_and_the_console_comes_back(panel: Panel, client: pterodactyl.Client) -> None:
    with client.server(SURVIVAL).console(**QUICK) as console:
        wait_state(console, "offline")
        ws(panel, "cut", {"server": SURVIVAL})
        lost = wait_for(console, "disconnected", lambda e: e.name == "disconnected")
        assert lost.reason
        gap = wait_for(console, "gap", lambda e: e.name == "gap")
        assert gap.cause == "reconnect"
        assert gap.gap is not None and gap.gap >= 0
        assert gap.missed is None
        wait_state(console, "offline")


def test_close_code_4409_ends_the_iteration_with_console_closed_error(
    panel: Panel, client: pterodactyl.Client
) -> None:
    with client.server(SURVIVAL).console(**QUICK) as console:
        wait_state(console, "offline")
        ws(panel, "close", {"server": SURVIVAL, "code": 4409, "reason": "server is suspended"})
        with pytest.raises(pterodactyl.ConsoleClosedError) as closed:
            for _ in console:
                pass
        assert closed.value.code == 4409
        assert "suspended" in closed.value.reason
        # The loop is over: iterating again stops at once.
        assert list(console) == []


def test_a_send_while_reconnecting_fails_at_once_when_asked_to(
    panel: Panel, client: pterodactyl.Client
) -> None:
    with client.server(SURVIVAL).console(send_timeout=0, **QUICK) as console:
        wait_state(console, "offline")
        panel.slow("/websocket", 2000)
        ws(panel, "cut", {"server": SURVIVAL})
        wait_for(console, "disconnected", lambda e: e.name == "disconnected")
        with pytest.raises(pterodactyl.ConnectionError, match="reconnecting"):
            console.send_command("say too early")


def soak_seconds() -> float:
    return float(os.environ.get("PTERO_SOAK_SECS", "30"))


def test_soak_expiring_tokens_and_cut_connections_lose_nothing_silently(
    panel: Panel, client: pterodactyl.Client
) -> None:
    ws(panel, "token_lifetime", {"ttl_ms": 2000})
    client.server(SURVIVAL).start()
    console = client.server(SURVIVAL).console(send_timeout=2, **QUICK)
    wait_state(console, "running")
    ws(panel, "ticker", {"server": SURVIVAL, "interval_ms": 20, "prefix": "soak"})
    seen: list[int | None] = []  # line numbers; None for a gap
    echoes: dict[str, int] = {}
    failure: list[BaseException] = []

    def read() -> None:
        try:
            for event in console:
                if event.name == "console output" and event.line is not None:
                    if event.line.startswith("soak "):
                        seen.append(int(event.line[5:]))
                    elif event.line.startswith("> "):
                        echoes[event.line[2:]] = echoes.get(event.line[2:], 0) + 1
                elif event.name == "gap":
                    seen.append(None)
        except BaseException as e:  # pragma: no cover - reported below
            failure.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    never_sent: list[str] = []
    end = time.monotonic() + soak_seconds()
    next_cut = time.monotonic() + 3
    n = 0
    while time.monotonic() < end:
        n += 1
        cmd = f"say soak-cmd {n}"
        try:
            console.send_command(cmd)
        except (pterodactyl.TimeoutError, pterodactyl.ConnectionError) as e:
            if isinstance(e, pterodactyl.TimeoutError) or getattr(e, "connect", False):
                never_sent.append(cmd)
        time.sleep(0.5)
        if time.monotonic() >= next_cut:
            ws(panel, "cut", {"server": SURVIVAL})
            next_cut = time.monotonic() + 3
    ws(panel, "ticker", {"server": SURVIVAL, "interval_ms": 0})
    time.sleep(0.5)
    console.close()
    reader.join(PATIENCE)
    assert not failure, failure

    ledger = ws(panel, f"ledger?server={SURVIVAL}")
    written = [int(s["line"][5:]) for s in ledger if s["line"].startswith("soak ")]
    received = [n for n in seen if n is not None]
    assert received == sorted(set(received)), "lines in order, none twice"
    previous = None
    gap_since = False
    for item in seen:
        if item is None:
            gap_since = True
            continue
        assert previous is None or item == previous + 1 or gap_since, f"{previous}..{item}: no gap"
        previous, gap_since = item, False
    positions = {n: i for i, n in enumerate(seen) if n is not None}
    got = set(received)
    for n in written:
        if not received or n < received[0] or n > received[-1] or n in got:
            continue
        before = max((positions[r] for r in received if r < n), default=0)
        after = min((positions[r] for r in received if r > n), default=len(seen))
        assert None in seen[before:after], f"line {n} was written but never arrived, and no gap says so"
    assert len(received) > 100
    assert sum(1 for item in seen if item is None) >= 2
    assert all(times == 1 for times in echoes.values()), echoes
    lines = {s["line"] for s in ledger}
    assert not [cmd for cmd in never_sent if f"> {cmd}" in lines]
