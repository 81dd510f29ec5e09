"""Lazy paging with the filters kept, and the panel's rate limit."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest

import pterodactyl
from conftest import OWNER_KEY, Panel

SURVIVAL = "d3aac109"


def queries(panel: Panel, path: str) -> list[dict[str, str]]:
    return [dict(parse_qsl(r["query"] or "")) for r in panel.requests() if r["path"] == path]


def test_servers_iter_keeps_filter_and_per_page_on_every_page(
    client: pterodactyl.Client, panel: Panel
) -> None:
    servers = client.servers.iter(filter={"name": "surv"}, include=["egg"], per_page=1)
    assert panel.requests() == []  # lazy: nothing fetched yet
    first = next(servers)
    assert first["identifier"] == "d3aac109"
    assert len(panel.requests()) == 1  # one page per need
    rest = [s["identifier"] for s in servers]
    assert rest == ["5b2e8f10", "7c4d2e11"]
    sent = queries(panel, "/api/client")
    assert [q["page"] for q in sent] == ["1", "2", "3"]
    for q in sent:
        assert q["filter[name]"] == "surv"
        assert q["per_page"] == "1"
        assert q["include"] == "egg"


def test_servers_iter_starts_at_the_given_page(client: pterodactyl.Client, panel: Panel) -> None:
    names = [s["name"] for s in client.servers.iter(per_page=2, page=2)]
    assert names == ["Survival Test", "Skyblock Survival", "Lobby"]
    assert [q["page"] for q in queries(panel, "/api/client")] == ["2", "3"]


def test_activity_iter_keeps_filter_sort_and_per_page(client: pterodactyl.Client, panel: Panel) -> None:
    entries = list(
        client.server(SURVIVAL).activity.iter(filter={"event": "server:"}, sort="timestamp", per_page=2)
    )
    assert [e["timestamp"] for e in entries] == sorted(e["timestamp"] for e in entries)
    assert len(entries) == 5
    sent = queries(panel, f"/api/client/servers/{SURVIVAL}/activity")
    assert len(sent) == 3
    for page, q in enumerate(sent, start=1):
        assert q == {"filter[event]": "server:", "sort": "timestamp", "per_page": "2", "page": str(page)}


def test_generic_iter_and_refusal_of_unpaginated_operations(client: pterodactyl.Client) -> None:
    assert len(list(client.iter("servers.list", per_page=3))) == 5
    with pytest.raises(pterodactyl.InvalidInputError, match="not paginated"):
        client.iter("server.allocations.list", server=SURVIVAL)


def test_iterator_error_stops_the_iteration(client: pterodactyl.Client, panel: Panel) -> None:
    servers = client.servers.iter(per_page=2)
    assert next(servers)["identifier"] == "d3aac109"
    next(servers)
    panel.html("/api/client")
    with pytest.raises(pterodactyl.NotJsonError):
        next(servers)
    with pytest.raises(StopIteration):
        next(servers)


def test_get_answered_429_is_retried_after_retry_after(client: pterodactyl.Client, panel: Panel) -> None:
    panel.rate_limit(1, 1000)
    srv = client.server(SURVIVAL)
    srv.resources()
    started = time.monotonic()
    stats = srv.resources()  # 429 first, then retried once the window has passed
    assert stats["current_state"] == "offline"
    assert time.monotonic() - started >= 0.9
    assert len(panel.requests()) == 3
    assert client.rate_limit is not None and client.rate_limit["limit"] == 1


def test_post_answered_429_is_not_retried(client: pterodactyl.Client, panel: Panel) -> None:
    panel.rate_limit(1, 60_000)
    srv = client.server(SURVIVAL)
    srv.resources()
    with pytest.raises(pterodactyl.RateLimitedError) as info:
        srv.start()
    e = info.value
    assert e.status == 429
    assert e.code == "ThrottleRequestsException"
    assert str(e) == "Too Many Attempts."
    assert e.retry_after is not None and 1 <= e.retry_after <= 60
    posts = [r for r in panel.requests() if r["method"] == "POST"]
    assert len(posts) == 1


def test_get_is_not_retried_past_max_retries(panel: Panel) -> None:
    panel.rate_limit(1, 60_000)
    with pterodactyl.Client(panel.url, OWNER_KEY, max_retries=0) as c:
        c.permissions()
        with pytest.raises(pterodactyl.RateLimitedError):
            c.permissions()
    assert len(panel.requests()) == 2
