"""The account area: the account itself, two-factor setup, email and password, the account's
activity, API keys and SSH keys (``client.account...``)."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest

import pterodactyl
from conftest import OWNER_KEY, OWNER_PASSWORD, TWO_FACTOR_CODE, Panel, body_of, query_of


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _ed25519_key(seed: int = 1) -> tuple[str, str]:
    """An OpenSSH ed25519 public key line and the fingerprint the panel gives it."""
    blob = _ssh_string(b"ssh-ed25519") + _ssh_string(bytes((seed + i) % 256 for i in range(32)))
    fingerprint = base64.b64encode(hashlib.sha256(blob).digest()).decode()[:-1]
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} test@example", fingerprint


def _rsa_key(bits: int) -> str:
    n = (1 << (bits - 1)) | 1
    blob = (
        _ssh_string(b"ssh-rsa")
        + _ssh_string(b"\x01\x00\x01")
        + _ssh_string(b"\x00" + n.to_bytes(bits // 8, "big"))
    )
    return f"ssh-rsa {base64.b64encode(blob).decode()}"


# --- the account -----------------------------------------------------------------------------


def test_account_get_describes_the_keys_user(client: pterodactyl.Client, panel: Panel) -> None:
    account = client.account.get()
    assert account == {
        "id": 1,
        "admin": False,
        "username": "owner",
        "email": "owner@example.com",
        "first_name": "Oscar",
        "last_name": "Owner",
        "language": "en",
    }
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", "/api/client/account")
    assert client.call("account.get") == account


def test_account_get_for_a_subuser_is_their_own(manager: pterodactyl.Client) -> None:
    account = manager.account.get()
    assert (account["id"], account["username"]) == (4, "manager")


# --- two-factor authentication ---------------------------------------------------------------


def test_two_factor_setup_enable_and_disable(client: pterodactyl.Client, panel: Panel) -> None:
    setup = client.account.two_factor.get()
    assert setup["image_url_data"].startswith("otpauth://totp/")
    assert f"secret={setup['secret']}" in setup["image_url_data"]
    assert len(setup["secret"]) == 32
    assert (panel.last_request()["method"], panel.last_request()["path"]) == (
        "GET",
        "/api/client/account/two-factor",
    )

    recovery = client.account.two_factor.enable(TWO_FACTOR_CODE, OWNER_PASSWORD)
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", "/api/client/account/two-factor")
    # The code goes as a JSON string, as the panel's `string|size:6` requires.
    assert body_of(request) == {"code": TWO_FACTOR_CODE, "password": OWNER_PASSWORD}
    assert len(recovery["tokens"]) == 10
    assert all(isinstance(t, str) and len(t) == 10 for t in recovery["tokens"])

    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.two_factor.get()
    assert info.value.status == 400
    assert str(info.value) == "Two-factor authentication is already enabled on this account."

    assert client.account.two_factor.disable(OWNER_PASSWORD) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", "/api/client/account/two-factor/disable")
    assert body_of(request) == {"password": OWNER_PASSWORD}
    assert len(client.account.two_factor.get()["secret"]) == 32


def test_two_factor_enable_with_a_wrong_password_is_400(client: pterodactyl.Client) -> None:
    client.account.two_factor.get()
    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.two_factor.enable(TWO_FACTOR_CODE, "not-my-password")
    assert type(info.value) is pterodactyl.ApiError
    assert (info.value.status, info.value.code) == (400, "BadRequestHttpException")
    assert str(info.value) == "The password provided was not valid."


def test_two_factor_enable_with_a_wrong_code_is_400(client: pterodactyl.Client) -> None:
    client.account.two_factor.get()
    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.two_factor.enable("000000", OWNER_PASSWORD)
    assert (info.value.status, info.value.code) == (400, "TwoFactorAuthenticationTokenInvalid")


def test_two_factor_code_of_the_wrong_length_is_422(client: pterodactyl.Client) -> None:
    client.account.two_factor.get()
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.two_factor.enable("12345", OWNER_PASSWORD)
    assert info.value.errors[0]["source_field"] == "code"
    assert info.value.errors[0]["rule"] == "size"


def test_two_factor_disable_with_a_wrong_password_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.two_factor.disable("not-my-password")
    assert info.value.status == 400


# --- email and password ----------------------------------------------------------------------


def test_email_update(client: pterodactyl.Client, panel: Panel) -> None:
    assert client.account.email.update("oscar@example.org", OWNER_PASSWORD) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("PUT", "/api/client/account/email")
    assert body_of(request) == {"email": "oscar@example.org", "password": OWNER_PASSWORD}
    assert client.account.get()["email"] == "oscar@example.org"


def test_email_update_with_a_wrong_password_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.email.update("oscar@example.org", "not-my-password")
    assert (info.value.status, info.value.code) == (400, "InvalidPasswordProvidedException")
    assert str(info.value) == "The password provided was invalid for this account."
    assert client.account.get()["email"] == "owner@example.com"


@pytest.mark.parametrize(("email", "rule"), [("helper@example.com", "unique"), ("not-an-email", "email")])
def test_email_update_is_validated(client: pterodactyl.Client, email: str, rule: str) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.email.update(email, OWNER_PASSWORD)
    assert info.value.errors[0]["source_field"] == "email"
    assert info.value.errors[0]["rule"] == rule


def test_password_update_sends_the_confirmation_for_the_caller(
    client: pterodactyl.Client, panel: Panel
) -> None:
    assert client.account.password.update(OWNER_PASSWORD, "a-new-password") is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("PUT", "/api/client/account/password")
    # `password_confirmation` defaults to `password` (the core fills it in).
    assert body_of(request) == {
        "current_password": OWNER_PASSWORD,
        "password": "a-new-password",
        "password_confirmation": "a-new-password",
    }
    # The new password is now the one the panel checks.
    with pytest.raises(pterodactyl.ApiError):
        client.account.password.update(OWNER_PASSWORD, "another-password")
    client.account.password.update("a-new-password", OWNER_PASSWORD, password_confirmation=OWNER_PASSWORD)


def test_password_update_with_a_different_confirmation_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.password.update(OWNER_PASSWORD, "a-new-password", password_confirmation="typo")
    assert info.value.errors[0]["source_field"] == "password"
    assert info.value.errors[0]["rule"] == "confirmed"


def test_password_update_too_short_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.password.update(OWNER_PASSWORD, "short")
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("password", "min")


def test_password_update_with_a_wrong_current_password_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.account.password.update("not-my-password", "a-new-password")
    assert (info.value.status, info.value.code) == (400, "InvalidPasswordProvidedException")


# --- the account's activity --------------------------------------------------------------------


def test_account_activity_lists_account_events(client: pterodactyl.Client, panel: Panel) -> None:
    assert client.account.activity.list()["data"] == []
    client.account.password.update(OWNER_PASSWORD, "a-new-password")
    client.account.email.update("oscar@example.org", "a-new-password")
    page = client.account.activity.list(sort="-timestamp", include=["actor"], per_page=10)
    request = panel.last_request()
    assert request["path"] == "/api/client/account/activity"
    assert query_of(request) == {"sort": "-timestamp", "include": "actor", "per_page": "10"}
    events = [e["event"] for e in page["data"]]
    assert sorted(events) == ["user:account.email-changed", "user:account.password-changed"]
    assert page["meta"]["pagination"]["total"] == 2
    entry = next(e for e in page["data"] if e["event"] == "user:account.email-changed")
    assert entry["properties"] == {"old": "owner@example.com", "new": "oscar@example.org"}
    assert entry["is_api"] is True
    assert entry["relationships"]["actor"]["username"] == "owner"

    filtered = client.account.activity.list(filter={"event": "password"})
    assert query_of(panel.last_request()) == {"filter[event]": "password"}
    assert [e["event"] for e in filtered["data"]] == ["user:account.password-changed"]
    assert sorted(e["event"] for e in client.account.activity.iter(per_page=1)) == sorted(events)


def test_account_activity_refuses_an_unknown_filter_before_any_request(
    client: pterodactyl.Client, panel: Panel
) -> None:
    # The panel would answer 400 `InvalidFilterQuery`; the core knows its filters.
    with pytest.raises(pterodactyl.InvalidInputError, match='"event"'):
        client.account.activity.list(filter={"ip": "127.0.0.1"})
    assert panel.requests() == []


# --- API keys ---------------------------------------------------------------------------------


def test_api_keys_list_without_secrets(client: pterodactyl.Client, panel: Panel) -> None:
    keys = client.account.api_keys.list()
    assert keys == [
        {
            "identifier": OWNER_KEY[:16],
            "description": "Owner key",
            "allowed_ips": [],
            "last_used_at": None,
            "created_at": "2024-01-15T09:30:00+00:00",
        }
    ]
    assert (panel.last_request()["method"], panel.last_request()["path"]) == (
        "GET",
        "/api/client/account/api-keys",
    )


def test_api_key_create_answers_the_whole_key_which_works(client: pterodactyl.Client, panel: Panel) -> None:
    new = client.account.api_keys.create("CI deploys", allowed_ips=["127.0.0.1", "10.0.0.0/8"])
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", "/api/client/account/api-keys")
    assert body_of(request) == {"description": "CI deploys", "allowed_ips": ["127.0.0.1", "10.0.0.0/8"]}
    assert new["identifier"].startswith("ptlc_") and len(new["identifier"]) == 16
    assert len(new["meta"]["secret_token"]) == 32
    assert new["key"] == new["identifier"] + new["meta"]["secret_token"]
    assert (new["description"], new["allowed_ips"]) == ("CI deploys", ["127.0.0.1", "10.0.0.0/8"])
    assert [k["identifier"] for k in client.account.api_keys.list()] == [OWNER_KEY[:16], new["identifier"]]
    with pterodactyl.Client(panel.url, new["key"]) as fresh:
        assert fresh.account.get()["username"] == "owner"


def test_api_key_description_is_required(client: pterodactyl.Client, panel: Panel) -> None:
    # The panel's `required|nullable` refuses null as well (Laravel's `required` is implicit).
    with pytest.raises(pterodactyl.InvalidInputError, match="`description`"):
        client.call("account.api_keys.create", description=None)
    assert panel.requests() == []
    # An empty description becomes null on the panel (ConvertEmptyStringsToNull): its 422.
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.api_keys.create("")
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("description", "required")


def test_api_key_with_a_bad_ip_is_422_naming_the_entry(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.api_keys.create("bad", allowed_ips=["127.0.0.1", "localhost"])
    assert info.value.errors[0]["source_field"] == "allowed_ips.1"
    assert "localhost" in info.value.errors[0]["detail"]


def test_api_key_delete_revokes_it(client: pterodactyl.Client, panel: Panel) -> None:
    new = client.account.api_keys.create("short-lived")
    assert client.account.api_keys.delete(new["identifier"]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/account/api-keys/{new['identifier']}",
    )
    assert [k["identifier"] for k in client.account.api_keys.list()] == [OWNER_KEY[:16]]
    with pterodactyl.Client(panel.url, new["key"]) as revoked:
        with pytest.raises(pterodactyl.AuthenticationError):
            revoked.account.get()


def test_api_key_delete_of_an_unknown_key_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError):
        client.account.api_keys.delete("ptlc_nosuchkey00")


# --- SSH keys ---------------------------------------------------------------------------------


def test_ssh_key_create_list_and_delete(client: pterodactyl.Client, panel: Panel) -> None:
    assert client.account.ssh_keys.list() == []
    public_key, fingerprint = _ed25519_key()
    created = client.account.ssh_keys.create("laptop", public_key)
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", "/api/client/account/ssh-keys")
    assert body_of(request) == {"name": "laptop", "public_key": public_key}
    assert created["name"] == "laptop"
    assert created["fingerprint"] == fingerprint
    # Given in OpenSSH format, answered as PKCS8 PEM.
    assert created["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert created["public_key"].rstrip().endswith("-----END PUBLIC KEY-----")
    assert client.account.ssh_keys.list() == [created]

    assert client.account.ssh_keys.delete(fingerprint) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", "/api/client/account/ssh-keys/remove")
    assert body_of(request) == {"fingerprint": fingerprint}
    assert client.account.ssh_keys.list() == []
    # Removing a key that is not there is not an error.
    client.account.ssh_keys.delete(fingerprint)


@pytest.mark.parametrize(
    ("public_key", "detail"),
    [
        ("not a key", "The public key provided is not valid."),
        (_rsa_key(1024), "RSA keys must be at least 2048 bytes in length."),
    ],
)
def test_ssh_key_that_the_panel_refuses_is_422(
    client: pterodactyl.Client, public_key: str, detail: str
) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.ssh_keys.create("bad", public_key)
    assert info.value.errors[0]["source_field"] == "public_key"
    assert info.value.errors[0]["detail"] == detail


def test_ssh_key_added_twice_is_422(client: pterodactyl.Client) -> None:
    public_key, _ = _ed25519_key(7)
    client.account.ssh_keys.create("one", public_key)
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.account.ssh_keys.create("two", public_key)
    assert info.value.errors[0]["detail"] == "The public key provided already exists on your account."
