"""A server's backups (``srv.backups...``)."""

from __future__ import annotations

import re

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel, body_of, query_of

WEEKLY = "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e"
FAILED = "c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f"
SKYBLOCK = "7c4d2e11"
"""Server 4: a backup limit of 3, and one backup that never finished."""
NIGHTLY = "d6e9a3f4-7b5c-4dae-9f20-3b4c5d6e7f80"


def test_list_is_a_page_with_the_backup_count(client: pterodactyl.Client, panel: Panel) -> None:
    page = client.server(SURVIVAL).backups.list()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/backups")
    assert [b["uuid"] for b in page["data"]] == [WEEKLY, FAILED]
    assert page["data"][0] == {
        "uuid": WEEKLY,
        "is_successful": True,
        "is_locked": True,
        "name": "Weekly backup",
        "ignored_files": [],
        "checksum": "sha1:9a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b",
        "bytes": 52428800,
        "created_at": "2024-10-20T03:00:00+00:00",
        "completed_at": "2024-10-20T03:01:12+00:00",
    }
    failed = page["data"][1]
    assert (failed["is_successful"], failed["checksum"], failed["ignored_files"]) == (
        False,
        None,
        ["*.log", "cache/"],
    )
    # The failed backup does not count.
    assert page["meta"]["backup_count"] == 1
    assert page["meta"]["pagination"]["total"] == 2
    assert client.call("server.backups.list", server=SURVIVAL) == page


def test_iter_walks_every_page(client: pterodactyl.Client, panel: Panel) -> None:
    backups = client.server(SURVIVAL).backups
    first = backups.list(per_page=1)
    assert query_of(panel.last_request()) == {"per_page": "1"}
    assert ([b["uuid"] for b in first["data"]], first["meta"]["pagination"]["total_pages"]) == ([WEEKLY], 2)
    before = len(panel.requests())
    assert [b["uuid"] for b in backups.iter(per_page=1)] == [WEEKLY, FAILED]
    sent = [query_of(r) for r in panel.requests()[before:]]
    # The panel's links lack `per_page`: the core keeps it on every page.
    assert sent == [{"page": "1", "per_page": "1"}, {"page": "2", "per_page": "1"}]


def test_create_answers_the_started_backup(client: pterodactyl.Client, panel: Panel) -> None:
    backups = client.server(SURVIVAL).backups
    started = backups.create(name="Before the update", ignored="*.log\ncache/")
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/backups")
    assert body_of(request) == {"name": "Before the update", "ignored": "*.log\ncache/"}
    assert started["name"] == "Before the update"
    assert started["ignored_files"] == ["*.log", "cache/"]
    assert (started["is_successful"], started["is_locked"]) == (False, False)
    assert (started["checksum"], started["completed_at"]) == (None, None)
    done = backups.get(started["uuid"])
    assert panel.last_request()["path"] == f"/api/client/servers/{SURVIVAL}/backups/{started['uuid']}"
    assert done["is_successful"] is True
    assert done["checksum"] is not None and done["checksum"].startswith("sha1:")
    assert done["completed_at"] is not None


def test_create_with_defaults_names_it_by_date(client: pterodactyl.Client, panel: Panel) -> None:
    started = client.server(SKYBLOCK).backups.create()
    assert body_of(panel.last_request()) == {}
    assert re.fullmatch(r"Backup at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", started["name"])


def test_create_locked(client: pterodactyl.Client, panel: Panel) -> None:
    started = client.server(SKYBLOCK).backups.create(is_locked=True)
    assert body_of(panel.last_request()) == {"is_locked": True}
    assert started["is_locked"] is True


def test_create_at_the_limit_is_400(client: pterodactyl.Client) -> None:
    backups = client.server(SURVIVAL).backups
    backups.create()
    with pytest.raises(pterodactyl.ApiError) as info:
        backups.create()
    assert type(info.value) is pterodactyl.ApiError
    assert (info.value.status, info.value.code) == (400, "TooManyBackupsException")


def test_create_on_a_server_without_backups_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server("5b2e8f10").backups.create()
    assert (info.value.status, info.value.code) == (400, "TooManyBackupsException")


def test_third_backup_in_10_minutes_is_rate_limited(client: pterodactyl.Client, panel: Panel) -> None:
    backups = client.server(SKYBLOCK).backups
    backups.create()
    backups.create()
    before = len(panel.requests())
    with pytest.raises(pterodactyl.RateLimitedError) as info:
        backups.create()
    e = info.value
    assert (e.status, e.code) == (429, "TooManyRequestsHttpException")
    assert str(e) == "Only 2 backups may be generated within a 600 second span of time."
    assert e.retry_after is not None and 0 < e.retry_after <= 600
    # A POST is never repeated.
    assert len(panel.requests()) == before + 1


def test_download_url(client: pterodactyl.Client, panel: Panel) -> None:
    signed = client.server(SURVIVAL).backups.download_url(WEEKLY)
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "GET",
        f"/api/client/servers/{SURVIVAL}/backups/{WEEKLY}/download",
    )
    assert list(signed) == ["url"]
    assert signed["url"].startswith(f"{panel.url}/download/backup?token=")


def test_toggle_lock(client: pterodactyl.Client, panel: Panel) -> None:
    backups = client.server(SURVIVAL).backups
    unlocked = backups.toggle_lock(WEEKLY)
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/backups/{WEEKLY}/lock",
    )
    assert request["body"] == ""
    assert unlocked["is_locked"] is False
    assert backups.toggle_lock(WEEKLY)["is_locked"] is True


@pytest.mark.parametrize("truncate", [True, False])
def test_restore(client: pterodactyl.Client, panel: Panel, truncate: bool) -> None:
    assert client.server(SURVIVAL).backups.restore(WEEKLY, truncate) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/backups/{WEEKLY}/restore",
    )
    assert body_of(request) == {"truncate": truncate}


def test_restore_of_an_unfinished_backup_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SKYBLOCK).backups.restore(NIGHTLY, False)
    assert info.value.status == 400
    assert "not completed" in str(info.value)


def test_delete_of_a_locked_backup_is_400_then_works_unlocked(
    client: pterodactyl.Client, panel: Panel
) -> None:
    backups = client.server(SURVIVAL).backups
    with pytest.raises(pterodactyl.ApiError) as info:
        backups.delete(WEEKLY)
    assert (info.value.status, info.value.code) == (400, "BackupLockedException")
    backups.toggle_lock(WEEKLY)
    assert backups.delete(WEEKLY) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/servers/{SURVIVAL}/backups/{WEEKLY}",
    )
    assert [b["uuid"] for b in backups.list()["data"]] == [FAILED]
    with pytest.raises(pterodactyl.NotFoundError):
        backups.get(WEEKLY)


def test_backup_of_another_server_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).backups.get(NIGHTLY)


def test_suspended_server_is_409(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ConflictError):
        client.server("9e8f7a6b").backups.list()


# --- what a subuser may do ---------------------------------------------------------------------


def test_subuser_without_backup_read_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError):
        subuser.server(SURVIVAL).backups.list()


def test_subuser_without_backup_delete_cannot_lock(manager: pterodactyl.Client, panel: Panel) -> None:
    backups = manager.server(SURVIVAL).backups
    assert backups.list()["meta"]["backup_count"] == 1
    # `is_locked` is ignored without `backup.delete` ...
    started = backups.create(is_locked=True)
    assert body_of(panel.last_request()) == {"is_locked": True}
    assert started["is_locked"] is False
    # ... and locking, restoring or downloading are refused.
    for call in (
        lambda: backups.toggle_lock(WEEKLY),
        lambda: backups.restore(WEEKLY, False),
        lambda: backups.download_url(WEEKLY),
        lambda: backups.delete(started["uuid"]),
    ):
        with pytest.raises(pterodactyl.PermissionDeniedError):
            call()
