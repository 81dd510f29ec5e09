"""A server's subusers (``srv.users...``)."""

from __future__ import annotations

import hashlib

import pytest

import pterodactyl
from conftest import SUBUSER_KEY, SURVIVAL, Panel, body_of

HELPER_UUID = "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f"
MANAGER_UUID = "4d2a9c7e-3b1f-4e8a-a6d5-9f0e1c2b3a4d"
STRANGER_UUID = "c0ffee00-1234-4abc-9def-0123456789ab"
HELPER_PERMISSIONS = [
    "websocket.connect",
    "control.console",
    "control.start",
    "allocation.read",
    "activity.read",
]


def test_list(client: pterodactyl.Client, panel: Panel) -> None:
    users = client.server(SURVIVAL).users.list()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/users")
    assert [(u["uuid"], u["username"]) for u in users] == [(HELPER_UUID, "helper"), (MANAGER_UUID, "manager")]
    helper = users[0]
    assert helper == {
        "uuid": HELPER_UUID,
        "username": "helper",
        "email": "helper@example.com",
        "image": "https://gravatar.com/avatar/" + hashlib.md5(b"helper@example.com").hexdigest(),
        "2fa_enabled": False,
        "created_at": "2024-02-01T12:00:00+00:00",
        "permissions": HELPER_PERMISSIONS,
    }
    assert client.call("server.users.list", server=SURVIVAL) == users


def test_get(client: pterodactyl.Client, panel: Panel) -> None:
    helper = client.server(SURVIVAL).users.get(HELPER_UUID)
    assert panel.last_request()["path"] == f"/api/client/servers/{SURVIVAL}/users/{HELPER_UUID}"
    assert (helper["username"], helper["permissions"]) == ("helper", HELPER_PERMISSIONS)


def test_get_of_someone_who_is_not_a_subuser_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).users.get(STRANGER_UUID)


def test_create_makes_an_account_and_keeps_known_permissions(
    client: pterodactyl.Client, panel: Panel
) -> None:
    users = client.server(SURVIVAL).users
    created = users.create("new.person@example.com", ["control.console", "no.such.permission"])
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/users")
    assert body_of(request) == {
        "email": "new.person@example.com",
        "permissions": ["control.console", "no.such.permission"],
    }
    assert created["email"] == "new.person@example.com"
    assert created["username"].startswith("new.person")
    # Unknown keys are dropped; `websocket.connect` is always added.
    assert created["permissions"] == ["control.console", "websocket.connect"]
    assert [u["uuid"] for u in users.list()][-1] == created["uuid"]


def test_create_with_an_existing_account(client: pterodactyl.Client) -> None:
    created = client.server(SURVIVAL).users.create("stranger@example.com", ["file.read"])
    assert (created["uuid"], created["username"]) == (STRANGER_UUID, "stranger")


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("owner@example.com", "UserIsServerOwnerException"),
        ("helper@example.com", "ServerSubuserExistsException"),
    ],
)
def test_create_of_the_owner_or_an_existing_subuser_is_400(
    client: pterodactyl.Client, email: str, code: str
) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).users.create(email, ["control.console"])
    assert type(info.value) is pterodactyl.ApiError
    assert (info.value.status, info.value.code) == (400, code)


def test_create_with_a_bad_email_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).users.create("not-an-email", ["control.console"])
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("email", "email")


def test_update_replaces_the_permissions(client: pterodactyl.Client, panel: Panel) -> None:
    users = client.server(SURVIVAL).users
    updated = users.update(HELPER_UUID, ["control.console", "file.read"])
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/users/{HELPER_UUID}",
    )
    assert body_of(request) == {"permissions": ["control.console", "file.read"]}
    assert updated["permissions"] == ["control.console", "file.read", "websocket.connect"]
    assert users.get(HELPER_UUID)["permissions"] == updated["permissions"]


def test_delete_takes_the_server_away(client: pterodactyl.Client, panel: Panel) -> None:
    users = client.server(SURVIVAL).users
    assert users.delete(HELPER_UUID) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/servers/{SURVIVAL}/users/{HELPER_UUID}",
    )
    assert [u["uuid"] for u in users.list()] == [MANAGER_UUID]
    with pterodactyl.Client(panel.url, SUBUSER_KEY) as helper:
        with pytest.raises(pterodactyl.NotFoundError):
            helper.server(SURVIVAL).details()


# --- what a subuser may do ---------------------------------------------------------------------


def test_subuser_without_user_read_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        subuser.server(SURVIVAL).users.list()
    assert str(info.value) == "This action is unauthorized."


def test_subuser_may_grant_only_what_it_holds(manager: pterodactyl.Client) -> None:
    users = manager.server(SURVIVAL).users
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        users.create("someone@example.com", ["control.start"])
    assert (
        str(info.value)
        == "Cannot assign permissions to a subuser that your account does not actively possess."
    )
    created = users.create("someone@example.com", ["control.console", "backup.read"])
    assert created["permissions"] == ["control.console", "backup.read", "websocket.connect"]


def test_subuser_cannot_act_on_itself(manager: pterodactyl.Client) -> None:
    users = manager.server(SURVIVAL).users
    assert [u["username"] for u in users.list()] == ["helper", "manager"]
    for call in (
        lambda: users.get(MANAGER_UUID),
        lambda: users.update(MANAGER_UUID, ["control.console"]),
        lambda: users.delete(MANAGER_UUID),
    ):
        with pytest.raises(pterodactyl.PermissionDeniedError):
            call()
    # But it may manage the others.
    assert users.update(HELPER_UUID, ["control.console"])["permissions"] == [
        "control.console",
        "websocket.connect",
    ]
