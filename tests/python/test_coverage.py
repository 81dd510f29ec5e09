"""Every operation of the core's table has its typed Python method, where ``method_path`` says,
taking exactly the operation's parameters; and every public method of the groups is one of
them (or a documented convenience)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import pterodactyl
import pterodactyl._api
from conftest import SURVIVAL

OPERATIONS = pterodactyl.operations()
# The blocking groups; their async twins (``AsyncFiles``) are checked against them in test_async.py.
BLOCKING = [name for name in pterodactyl._api.__all__ if not name.startswith("Async")]

# Methods that are not operations of their own: they build on one.
CONVENIENCES = {("Files", "contents_text")}


def _resolve(client: pterodactyl.Client, op: pterodactyl.types.Operation) -> tuple[str, Any, Any]:
    """The name of the class the method is defined on, the object it hangs off, and the method."""
    target: Any = client.server(SURVIVAL) if op["on_server"] else client
    owner = "_ServerOps" if op["on_server"] else "_ClientOps"
    *groups, leaf = op["method_path"].split(".")
    for name in groups:
        target = getattr(target, name)
        owner = type(target).__name__
    return owner, target, getattr(target, leaf)


@pytest.mark.parametrize("op", OPERATIONS, ids=[op["id"] for op in OPERATIONS])
def test_every_operation_has_its_typed_method(
    client: pterodactyl.Client, op: pterodactyl.types.Operation
) -> None:
    _, group, method = _resolve(client, op)
    assert callable(method)
    assert method.__name__ == op["method_path"].rsplit(".", 1)[-1]
    # The method takes the operation's parameters by the panel's names (the handle gives
    # `server`), the required ones first; its docstring names the operation.
    params = [p for p in op["params"] if not (op["on_server"] and p["name"] == "server")]
    signature = inspect.signature(method).parameters
    assert set(signature) == {p["name"] for p in params}
    for p in params:
        required = p["presence"] == "required" or p["place"] == "path"
        assert (signature[p["name"]].default is inspect.Parameter.empty) == required, p["name"]
    assert f"``{op['id']}``" in (method.__doc__ or "")
    if op["paginated"]:
        assert inspect.signature(group.iter).parameters == signature


def test_every_public_method_is_an_operation(client: pterodactyl.Client) -> None:
    covered: set[tuple[str, str]] = set()
    for op in OPERATIONS:
        owner, _, method = _resolve(client, op)
        covered.add((owner, method.__name__))
        if op["paginated"]:
            covered.add((owner, "iter"))
    classes = [getattr(pterodactyl._api, name) for name in BLOCKING]
    classes += [pterodactyl._api._ClientOps, pterodactyl._api._ServerOps]
    public: set[tuple[str, str]] = set()
    for cls in classes:
        for name, value in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(value):
                public.add((cls.__name__, name))
    assert public - covered == CONVENIENCES
    assert covered <= public


def test_every_group_is_exported_and_reachable(client: pterodactyl.Client) -> None:
    reachable = {_resolve(client, op)[0] for op in OPERATIONS}
    assert reachable == {*BLOCKING, "_ClientOps", "_ServerOps"}
    for name in pterodactyl._api.__all__:
        assert getattr(pterodactyl, name) is getattr(pterodactyl._api, name)


def test_operations_describe_the_whole_table() -> None:
    assert len(OPERATIONS) == 69
    by_id = {op["id"]: op for op in OPERATIONS}
    assert len(by_id) == 69
    for op in OPERATIONS:
        assert set(op) == {
            "id",
            "method",
            "path",
            "success",
            "permission",
            "paginated",
            "long_running",
            "summary",
            "params",
            "returns",
            "method_path",
            "on_server",
            "c_function",
        }, op["id"]
        assert op["c_function"] == "ptero_" + op["id"].replace(".", "_")
        assert op["on_server"] == op["id"].startswith("server.")
        assert op["summary"]
        for p in op["params"]:
            assert (
                {"name", "type", "place", "presence", "doc"}
                <= set(p)
                <= {
                    "name",
                    "type",
                    "values",
                    "place",
                    "presence",
                    "doc",
                }
            )
            assert ("values" in p) == (p["type"] in ("enum", "filter")), (op["id"], p["name"])

    notes = by_id["server.allocations.set_notes"]
    assert notes["params"] == [
        {
            "name": "server",
            "type": "str",
            "place": "path",
            "presence": "required",
            "doc": "The server's short identifier (`d3aac109`) or UUID.",
        },
        {
            "name": "allocation",
            "type": "int",
            "place": "path",
            "presence": "required",
            "doc": "The allocation's id.",
        },
        {
            "name": "notes",
            "type": "str",
            "place": "body",
            "presence": "nullable",
            "doc": "The notes (at most 256 characters), or null to clear them.",
        },
    ]
    assert notes["returns"] == {"shape": "item", "model": "Allocation"}
    assert notes["method_path"] == "allocations.set_notes"

    power = by_id["server.power"]
    assert power["params"][1]["values"] == ["start", "stop", "restart", "kill"]
    assert power["returns"] == {"shape": "nothing"}
    confirmation = by_id["account.password.update"]["params"][2]
    assert confirmation["presence"] == {"defaults_to": "password"}
    assert by_id["server.files.write"]["params"][2]["place"] == "content"
    assert by_id["server.files.contents"]["returns"] == {"shape": "bytes"}
    assert by_id["server.backups.list"]["returns"] == {"shape": "page", "model": "Backup"}
    assert by_id["server.files.compress"]["long_running"] is True
    assert by_id["server.get"]["method_path"] == "details"
    assert by_id["server.files.download"]["method_path"] == "files.download_url"
