"""Fixtures: one fake panel per session, reset before every test.

The panel binary comes from ``FAKE_PANEL_BIN`` (default ``$TARGET_DIR/debug/fake-panel``, with
``TARGET_DIR`` defaulting to ``target``; relative paths are taken from the repository root).
Build it with ``cargo build -p fake-panel``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pterodactyl

ROOT = Path(__file__).resolve().parents[2]


def _panel_keys() -> dict[str, str]:
    """The keys as the fake panel defines them (Rust consts in tests/panel/src/lib.rs)."""
    source = (ROOT / "tests" / "panel" / "src" / "lib.rs").read_text(encoding="utf-8")
    keys = dict(re.findall(r'pub const (\w+_KEY): &str = "([^"]+)";', source))
    missing = {"OWNER_KEY", "SUBUSER_KEY", "APPLICATION_KEY", "MANAGER_KEY"} - keys.keys()
    if missing:
        raise RuntimeError(f"tests/panel/src/lib.rs does not define {sorted(missing)}")
    return keys


def _panel_passwords() -> dict[str, str]:
    """The account passwords and the 2FA code the fake accepts (tests/panel/src/account.rs)."""
    source = (ROOT / "tests" / "panel" / "src" / "account.rs").read_text(encoding="utf-8")
    found = dict(re.findall(r'pub const (\w+_PASSWORD|TWO_FACTOR_CODE): &str = "([^"]+)";', source))
    missing = {"OWNER_PASSWORD", "MANAGER_PASSWORD", "TWO_FACTOR_CODE"} - found.keys()
    if missing:
        raise RuntimeError(f"tests/panel/src/account.rs does not define {sorted(missing)}")
    return found


KEYS = _panel_keys()
OWNER_KEY = KEYS["OWNER_KEY"]
SUBUSER_KEY = KEYS["SUBUSER_KEY"]
APPLICATION_KEY = KEYS["APPLICATION_KEY"]
MANAGER_KEY = KEYS["MANAGER_KEY"]
PASSWORDS = _panel_passwords()
OWNER_PASSWORD = PASSWORDS["OWNER_PASSWORD"]
MANAGER_PASSWORD = PASSWORDS["MANAGER_PASSWORD"]
TWO_FACTOR_CODE = PASSWORDS["TWO_FACTOR_CODE"]

SURVIVAL = "d3aac109"
"""Server 1, owned by ``owner``; ``helper`` and ``manager`` are its subusers."""


def _panel_binary() -> Path:
    default = Path(os.environ.get("TARGET_DIR", "target")) / "debug" / "fake-panel"
    path = Path(os.environ.get("FAKE_PANEL_BIN", str(default)))
    return path if path.is_absolute() else ROOT / path


class Panel:
    """The running fake panel and its ``/__fake/*`` controls."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/__fake/{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def reset(self) -> None:
        self._control("POST", "reset")

    def slow(self, path_contains: str, delay_ms: int) -> None:
        self._control("POST", "slow", {"path_contains": path_contains, "delay_ms": delay_ms})

    def html(self, path_contains: str) -> None:
        self._control("POST", "html", {"path_contains": path_contains})

    def document(self, path_contains: str, text: str) -> None:
        """Answers these requests 200 with ``text`` as the JSON body (the ``document`` fault)."""
        self._control("POST", "fault", {"path_contains": path_contains, "kind": "document", "text": text})

    def rate_limit(self, limit: int, window_ms: int) -> None:
        self._control("POST", "rate_limit", {"limit": limit, "window_ms": window_ms})

    def clear_faults(self) -> None:
        self._control("POST", "clear_faults")

    def requests(self) -> list[dict[str, Any]]:
        """Every request received under /api/client: method, path, query, headers, body."""
        result: list[dict[str, Any]] = self._control("GET", "requests")
        return result

    def last_request(self) -> dict[str, Any]:
        """The most recent request received under /api/client."""
        return self.requests()[-1]


@pytest.fixture(scope="session")
def panel_session() -> Iterator[Panel]:
    binary = _panel_binary()
    if not binary.exists():
        pytest.fail(f"fake panel binary {binary} not found: build it with `cargo build -p fake-panel`")
    proc = subprocess.Popen([str(binary)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        # The binary prints exactly one line, its base URL, once it listens.
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(30)
        url = line[0].strip() if line else ""
        if not url.startswith("http://"):
            pytest.fail(f"fake panel did not print its URL (got {url!r}, exit code {proc.poll()})")
        yield Panel(url)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def panel(panel_session: Panel) -> Panel:
    panel_session.reset()
    return panel_session


@pytest.fixture
def client(panel: Panel) -> Iterator[pterodactyl.Client]:
    with pterodactyl.Client(panel.url, OWNER_KEY) as c:
        yield c


@pytest.fixture
def subuser(panel: Panel) -> Iterator[pterodactyl.Client]:
    with pterodactyl.Client(panel.url, SUBUSER_KEY) as c:
        yield c


@pytest.fixture
def manager(panel: Panel) -> Iterator[pterodactyl.Client]:
    """``manager``: a subuser of ``d3aac109`` who may manage subusers and read or create backups
    (but not delete them), and read databases, files and schedules."""
    with pterodactyl.Client(panel.url, MANAGER_KEY) as c:
        yield c


def query_of(request: dict[str, Any]) -> dict[str, str]:
    """A recorded request's query, decoded (one value per name)."""
    return dict(urllib.parse.parse_qsl(request["query"] or "", keep_blank_values=True))


def body_of(request: dict[str, Any]) -> Any:
    """A recorded request's JSON body, decoded (``None`` when there is none)."""
    return json.loads(request["body"]) if request["body"] else None
