"""A server's databases (``srv.databases...``)."""

from __future__ import annotations

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel, body_of, query_of

SEEDED_PASSWORD = "Hq7=Lm2pXv9.Rt4+Wz6^Kb1!"


def test_list_without_passwords(client: pterodactyl.Client, panel: Panel) -> None:
    databases = client.server(SURVIVAL).databases.list()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/databases")
    assert query_of(request) == {}
    assert len(databases) == 1
    db = databases[0]
    assert "relationships" not in db
    assert (db["name"], db["connections_from"], db["max_connections"]) == ("s1_survival", "%", 0)
    assert db["host"] == {"address": "db1.example.com", "port": 3306}
    assert db["username"].startswith("u1_")
    assert isinstance(db["id"], str)
    assert client.call("server.databases.list", server=SURVIVAL) == databases


def test_list_with_passwords(client: pterodactyl.Client, panel: Panel) -> None:
    databases = client.server(SURVIVAL).databases.list(include="password")
    assert query_of(panel.last_request()) == {"include": "password"}
    # The `database_password` item is unwrapped like any other.
    assert databases[0]["relationships"] == {"password": {"password": SEEDED_PASSWORD}}


def test_password_hidden_without_view_password_is_none(manager: pterodactyl.Client) -> None:
    databases = manager.server(SURVIVAL).databases.list(include=["password"])
    assert databases[0]["relationships"]["password"] is None


def test_create_answers_the_password(client: pterodactyl.Client, panel: Panel) -> None:
    databases = client.server(SURVIVAL).databases
    created = databases.create("stats", "%")
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/databases")
    assert body_of(request) == {"database": "stats", "remote": "%"}
    assert created["name"] == "s1_stats"
    assert created["connections_from"] == "%"
    assert created["max_connections"] is None
    password = created["relationships"]["password"]
    assert password is not None and len(password["password"]) == 24
    assert [d["name"] for d in databases.list()] == ["s1_survival", "s1_stats"]


def test_create_beyond_the_limit_is_400(client: pterodactyl.Client) -> None:
    databases = client.server(SURVIVAL).databases
    databases.create("stats", "%")
    with pytest.raises(pterodactyl.ApiError) as info:
        databases.create("logs", "%")
    assert type(info.value) is pterodactyl.ApiError
    assert (info.value.status, info.value.code) == (400, "TooManyDatabasesException")


@pytest.mark.parametrize(
    ("name", "remote", "field", "rule"),
    [
        ("survival", "%", "database", "unique"),
        ("ab", "%", "database", "min"),
        ("bad name!", "%", "database", "alpha_dash"),
        ("stats", "bad remote", "remote", "regex"),
    ],
)
def test_create_is_validated(
    client: pterodactyl.Client, name: str, remote: str, field: str, rule: str
) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).databases.create(name, remote)
    assert info.value.status == 422
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == (field, rule)


def test_rotate_password(client: pterodactyl.Client, panel: Panel) -> None:
    databases = client.server(SURVIVAL).databases
    db_id = databases.list()[0]["id"]
    rotated = databases.rotate_password(db_id)
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/databases/{db_id}/rotate-password",
    )
    assert request["body"] == ""
    password = rotated["relationships"]["password"]
    assert password is not None and password["password"] != SEEDED_PASSWORD
    assert databases.list(include="password")[0]["relationships"]["password"] == password


def test_delete(client: pterodactyl.Client, panel: Panel) -> None:
    databases = client.server(SURVIVAL).databases
    db_id = databases.list()[0]["id"]
    assert databases.delete(db_id) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/servers/{SURVIVAL}/databases/{db_id}",
    )
    assert databases.list() == []


def test_unknown_database_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).databases.rotate_password("nosuchdb")


def test_subuser_without_database_read_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        subuser.server(SURVIVAL).databases.list()
    assert info.value.status == 403


def test_subuser_without_database_create_is_403(manager: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError):
        manager.server(SURVIVAL).databases.create("stats", "%")
