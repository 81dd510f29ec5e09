"""The core checks every call against the operations table before any request, and its
messages reach Python as :class:`pterodactyl.InvalidInputError`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel, body_of


def test_unknown_power_signal_is_refused_before_any_request(client: pterodactyl.Client, panel: Panel) -> None:
    srv = client.server(SURVIVAL)
    with pytest.raises(
        pterodactyl.InvalidInputError, match='must be one of "start", "stop", "restart", "kill"'
    ):
        srv.power("explode")  # type: ignore[arg-type]
    with pytest.raises(pterodactyl.InvalidInputError):
        client.call("server.power", server=SURVIVAL, signal="explode")
    assert panel.requests() == []


def test_a_misspelt_parameter_gets_a_suggestion(client: pterodactyl.Client, panel: Panel) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match='did you mean "notes"') as info:
        client.call("server.allocations.set_notes", server=SURVIVAL, allocation=16, note="x")
    assert "server.allocations.set_notes" in str(info.value)
    assert panel.requests() == []


@pytest.mark.parametrize(
    ("op_id", "closest"),
    [
        ("server.allocation.set_primary", "server.allocations.set_primary"),
        ("server.powr", "server.power"),
        ("account.api_key.create", "account.api_keys.create"),
    ],
)
def test_an_unknown_operation_suggests_the_closest_id(
    client: pterodactyl.Client, panel: Panel, op_id: str, closest: str
) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="did you mean") as info:
        client.call(op_id, server=SURVIVAL)
    assert f'"{closest}"' in str(info.value)
    assert panel.requests() == []


def test_an_unknown_operation_far_from_any_points_at_the_table(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match=r"operations\(\)"):
        client.call("zzzzzzzzzzzzzzzzzzzzzzzzzz")


def test_a_missing_required_parameter_is_named(client: pterodactyl.Client, panel: Panel) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="`signal`"):
        client.call("server.power", server=SURVIVAL)
    with pytest.raises(pterodactyl.InvalidInputError, match="`database`"):
        client.call("server.databases.create", server=SURVIVAL, remote="%")
    assert panel.requests() == []


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda srv: srv.backups.restore("b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e", "yes"), "truncate"),
        (lambda srv: srv.schedules.tasks.create(1, "explode", 0), "action"),
        (lambda srv: srv.schedules.create("x", 5, "*", "*", "*", "*"), "minute"),
        (lambda srv: srv.files.rename(5, [{"from": "a", "to": "b"}]), "root"),
        (lambda srv: srv.allocations.set_primary(16.5), "allocation"),
    ],
    ids=["bool", "enum", "cron-as-number", "str", "int"],
)
def test_wrong_types_in_typed_methods_are_refused(
    client: pterodactyl.Client, panel: Panel, call: Callable[[Any], Any], where: str
) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match=f"`{where}`"):
        call(client.server(SURVIVAL))
    assert panel.requests() == []


def test_the_generic_call_takes_file_content_as_a_string(client: pterodactyl.Client, panel: Panel) -> None:
    with pytest.raises(pterodactyl.InvalidInputError, match="`content`"):
        client.call("server.files.write", server=SURVIVAL, file="a.txt", content=123)
    assert panel.requests() == []
    # And hands file content back as a string, or a DecodeError when it is not text.
    text = client.call("server.files.contents", server=SURVIVAL, file="eula.txt")
    assert isinstance(text, str) and text.endswith("eula=true\n")
    with pytest.raises(pterodactyl.DecodeError, match=r"files\.contents\(\)"):
        client.call("server.files.contents", server=SURVIVAL, file="world/level.dat")


def test_file_content_that_is_not_bytes_or_text_is_refused(client: pterodactyl.Client, panel: Panel) -> None:
    # `bytes(123)` would be 123 NUL bytes: a number must not become a file.
    with pytest.raises((TypeError, pterodactyl.InvalidInputError)):
        client.server(SURVIVAL).files.write("a.txt", 123)  # type: ignore[arg-type]
    assert panel.requests() == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda srv: srv.files.delete("/", "eula.txt"), "files"),
        (lambda srv: srv.files.compress("eula.txt"), "files"),
        (lambda srv: srv.users.create("someone@example.com", "control.console"), "permissions"),
    ],
    ids=["files.delete", "files.compress", "users.create"],
)
def test_a_lone_string_for_a_list_is_never_a_list_of_letters(
    client: pterodactyl.Client, panel: Panel, call: Callable[[Any], Any], field: str
) -> None:
    # `list("eula.txt")` is `["e", "u", "l", "a", ...]`: deleting those would be a disaster.
    # Either refuse the string, or take it as one item (as `include` does).
    try:
        call(client.server(SURVIVAL))
    except (TypeError, pterodactyl.InvalidInputError):
        assert panel.requests() == []
        return
    except pterodactyl.ApiError:
        pass  # What the panel answers does not matter here; what was sent does.
    expected = "eula.txt" if field == "files" else "control.console"
    assert body_of(panel.last_request())[field] == [expected]
