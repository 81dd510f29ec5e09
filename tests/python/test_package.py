"""The installed package: its public names, its typing files, its settings."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

import pterodactyl
from conftest import OWNER_KEY, Panel


def test_every_public_name_exists_and_the_native_module_stays_private() -> None:
    for name in pterodactyl.__all__:
        assert hasattr(pterodactyl, name), name
    assert "_native" not in pterodactyl.__all__
    assert pterodactyl.Client.__module__ == "pterodactyl._client"
    assert pterodactyl.PageIterator.__module__ == "pterodactyl._native"


def test_version_is_the_crates() -> None:
    parts = pterodactyl.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_typing_files_are_shipped() -> None:
    files = importlib.resources.files("pterodactyl")
    for name in ("py.typed", "_native.pyi", "types.py", "errors.py"):
        assert files.joinpath(name).is_file(), name


def test_ca_cert_accepts_a_path_and_bytes_and_checks_them(tmp_path: Path, panel: Panel) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n")
    with pytest.raises(pterodactyl.InvalidInputError):
        pterodactyl.Client(panel.url, OWNER_KEY, ca_cert=bad)
    with pytest.raises(pterodactyl.InvalidInputError):
        pterodactyl.Client(panel.url, OWNER_KEY, ca_cert=bad.read_bytes())
    with pytest.raises(FileNotFoundError):
        pterodactyl.Client(panel.url, OWNER_KEY, ca_cert=tmp_path / "missing.pem")


def test_verify_false_and_short_timeouts_are_accepted(panel: Panel) -> None:
    with pterodactyl.Client(
        panel.url, OWNER_KEY, verify=False, timeout=5, connect_timeout=0.5, max_retries=0
    ) as c:
        assert c.permissions()["permissions"]


def test_rate_limit_headers_are_read(client: pterodactyl.Client) -> None:
    assert client.rate_limit is None
    client.permissions()
    assert client.rate_limit == {"limit": 720, "remaining": 719}


def test_reprs(client: pterodactyl.Client) -> None:
    srv = client.server("d3aac109")
    assert repr(srv) == "<pterodactyl.ServerHandle 'd3aac109'>"
    assert repr(srv.allocations) == "<pterodactyl.Allocations of <pterodactyl.ServerHandle 'd3aac109'>>"
    assert repr(client).startswith("<pterodactyl.Client 'http://127.0.0.1:")
    assert "PageIterator" in repr(client.servers.iter())
