"""Every operation the core implements, through its idiomatic method and through ``call``."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

import pytest

import pterodactyl
from conftest import Panel

SURVIVAL = "d3aac109"
RUNNING = "7c4d2e11"


def last_request(panel: Panel) -> dict[str, Any]:
    return panel.requests()[-1]


def query_of(request: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(request["query"] or ""))


def body_of(request: dict[str, Any]) -> Any:
    return json.loads(request["body"]) if request["body"] else None


def wait_for_state(srv: pterodactyl.ServerHandle, state: str) -> None:
    deadline = time.monotonic() + 5
    while srv.resources()["current_state"] != state:
        assert time.monotonic() < deadline, f"server never reached {state}"
        time.sleep(0.05)


# --- reads: the method and the generic call give the same answer ---------------------------


def test_servers_list_keeps_filters_and_unwraps_envelopes(client: pterodactyl.Client, panel: Panel) -> None:
    page = client.servers.list(filter={"name": "surv"}, include=["egg"], per_page=2, page=1)
    sent = query_of(last_request(panel))
    assert sent == {"filter[name]": "surv", "include": "egg", "per_page": "2", "page": "1"}
    assert [s["identifier"] for s in page["data"]] == ["d3aac109", "5b2e8f10"]
    assert page["meta"]["pagination"]["total"] == 3
    assert page["meta"]["pagination"]["total_pages"] == 2
    first = page["data"][0]
    assert "object" not in first and "attributes" not in first
    assert first["relationships"]["egg"] == {"name": "Paper", "uuid": "a8f3b7c2-4d5e-4f6a-9b8c-7d6e5f4a3b2c"}
    assert [a["id"] for a in first["relationships"]["allocations"]] == [15, 16]
    via_call = client.call("servers.list", filter={"name": "surv"}, include=["egg"], per_page=2, page=1)
    assert via_call == page


def test_servers_list_type_owner_and_include_as_one_string(client: pterodactyl.Client, panel: Panel) -> None:
    page = client.servers.list(type="owner", include="subusers")
    assert query_of(last_request(panel)) == {"type": "owner", "include": "subusers"}
    assert len(page["data"]) == 5
    assert page["data"][0]["relationships"]["subusers"][0]["username"] == "helper"


def test_permissions(client: pterodactyl.Client) -> None:
    perms = client.permissions()
    assert "console" in perms["permissions"]["control"]["keys"]
    assert client.call("permissions.get") == perms


def test_server_details_with_include(client: pterodactyl.Client, panel: Panel) -> None:
    srv = client.server(SURVIVAL)
    details = srv.details(include=["egg", "subusers"])
    request = last_request(panel)
    assert request["method"] == "GET"
    assert request["path"] == f"/api/client/servers/{SURVIVAL}"
    assert query_of(request) == {"include": "egg,subusers"}
    assert details["name"] == "Survival"
    assert details["meta"] == {"is_server_owner": True, "user_permissions": ["*"]}
    assert details["relationships"]["egg"]["name"] == "Paper"
    assert client.call("server.get", server=SURVIVAL, include=["egg", "subusers"]) == details
    assert srv.details()["identifier"] == SURVIVAL
    assert query_of(last_request(panel)) == {}


def test_server_resources(client: pterodactyl.Client) -> None:
    stats = client.server(SURVIVAL).resources()
    assert stats["current_state"] == "offline"
    assert stats["resources"]["disk_bytes"] == 157286400
    assert isinstance(stats["resources"]["cpu_absolute"], float)
    assert client.call("server.resources", server=SURVIVAL) == stats


def test_server_websocket(client: pterodactyl.Client) -> None:
    creds = client.server(SURVIVAL).websocket()
    assert creds["socket"].endswith("/api/servers/d3aac109-e5e0-4331-b03e-3454f7e136dc/ws")
    assert creds["token"].count(".") == 2
    via_call = client.call("server.websocket", server=SURVIVAL)
    assert via_call["socket"] == creds["socket"]


def test_activity_list_with_filter_sort_include(client: pterodactyl.Client, panel: Panel) -> None:
    activity = client.server(SURVIVAL).activity
    page = activity.list(filter={"event": "power"}, sort="-timestamp", include=["actor"], per_page=10)
    assert query_of(last_request(panel)) == {
        "filter[event]": "power",
        "sort": "-timestamp",
        "include": "actor",
        "per_page": "10",
    }
    assert [e["event"] for e in page["data"]] == ["server:power.stop", "server:power.start"]
    assert page["data"][0]["relationships"]["actor"]["username"] == "owner"
    assert page["data"][0]["relationships"]["actor"]["2fa_enabled"] is False
    via_call = client.call(
        "server.activity.list",
        server=SURVIVAL,
        filter={"event": "power"},
        sort="-timestamp",
        include=["actor"],
        per_page=10,
    )
    assert via_call == page


def test_startup_get(client: pterodactyl.Client) -> None:
    startup = client.server(SURVIVAL).startup.get()
    assert [v["env_variable"] for v in startup["data"]] == [
        "SERVER_JARFILE",
        "MINECRAFT_VERSION",
        "BUILD_NUMBER",
    ]
    assert startup["meta"]["startup_command"] == "java -Xms128M -Xmx1024M -jar server.jar"
    assert startup["meta"]["docker_images"]["Java 21"] == "ghcr.io/pterodactyl/yolks:java_21"
    assert client.call("server.startup.get", server=SURVIVAL) == startup


def test_allocations_list(client: pterodactyl.Client) -> None:
    allocations = client.server(SURVIVAL).allocations.list()
    assert [(a["id"], a["port"], a["is_default"]) for a in allocations] == [
        (15, 25565, True),
        (16, 25566, False),
    ]
    assert allocations[1]["notes"] == "Query port"
    assert client.call("server.allocations.list", server=SURVIVAL) == allocations


# --- writes: each through the method, then (after a reset) through the generic call --------


def test_power_start_then_stop_and_kill(client: pterodactyl.Client, panel: Panel) -> None:
    srv = client.server(SURVIVAL)
    assert srv.start() is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/power")
    assert body_of(request) == {"signal": "start"}
    wait_for_state(srv, "running")
    srv.restart()
    assert body_of(last_request(panel)) == {"signal": "restart"}
    srv.stop()
    assert body_of(last_request(panel)) == {"signal": "stop"}
    srv.kill()
    assert body_of(last_request(panel)) == {"signal": "kill"}
    assert srv.resources()["current_state"] == "offline"
    srv.power("start")
    assert body_of(last_request(panel)) == {"signal": "start"}


def test_power_through_call(client: pterodactyl.Client, panel: Panel) -> None:
    assert client.call("server.power", server=SURVIVAL, signal="start") is None
    assert body_of(last_request(panel)) == {"signal": "start"}
    wait_for_state(client.server(SURVIVAL), "running")


@pytest.mark.parametrize("via", ["method", "call"])
def test_command_on_a_running_server(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    if via == "method":
        assert client.server(RUNNING).command("say hi") is None
    else:
        assert client.call("server.command", server=RUNNING, command="say hi") is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{RUNNING}/command")
    assert body_of(request) == {"command": "say hi"}
    newest = client.server(RUNNING).activity.list(sort="-timestamp", per_page=1)["data"][0]
    assert newest["event"] == "server:console.command"
    assert newest["properties"]["command"] == "say hi"


@pytest.mark.parametrize("via", ["method", "call"])
def test_set_variable(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    if via == "method":
        updated = client.server(SURVIVAL).startup.set_variable("MINECRAFT_VERSION", "1.21")
    else:
        updated = client.call(
            "server.startup.set_variable", server=SURVIVAL, key="MINECRAFT_VERSION", value="1.21"
        )
    request = last_request(panel)
    assert (request["method"], request["path"]) == ("PUT", f"/api/client/servers/{SURVIVAL}/startup/variable")
    assert body_of(request) == {"key": "MINECRAFT_VERSION", "value": "1.21"}
    assert updated["env_variable"] == "MINECRAFT_VERSION"
    assert updated["server_value"] == "1.21"
    assert "startup_command" in updated["meta"]


@pytest.mark.parametrize("via", ["method", "call"])
def test_rename(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    srv = client.server(SURVIVAL)
    if via == "method":
        assert srv.settings.rename("Hardcore") is None
    else:
        assert client.call("server.settings.rename", server=SURVIVAL, name="Hardcore") is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/settings/rename")
    # No description given: the key is not sent, so the panel leaves the description alone.
    assert body_of(request) == {"name": "Hardcore"}
    details = srv.details()
    assert details["name"] == "Hardcore"
    assert details["description"] == "A vanilla Minecraft survival server"


def test_rename_with_description(client: pterodactyl.Client, panel: Panel) -> None:
    srv = client.server(SURVIVAL)
    srv.settings.rename("Hardcore", description="No respawns")
    assert body_of(last_request(panel)) == {"name": "Hardcore", "description": "No respawns"}
    assert srv.details()["description"] == "No respawns"


@pytest.mark.parametrize("via", ["method", "call"])
def test_docker_image(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    image = "ghcr.io/pterodactyl/yolks:java_21"
    if via == "method":
        assert client.server(SURVIVAL).settings.docker_image(image) is None
    else:
        assert client.call("server.settings.docker_image", server=SURVIVAL, docker_image=image) is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == (
        "PUT",
        f"/api/client/servers/{SURVIVAL}/settings/docker-image",
    )
    assert body_of(request) == {"docker_image": image}
    assert client.server(SURVIVAL).details()["docker_image"] == image


@pytest.mark.parametrize("via", ["method", "call"])
def test_reinstall_then_routes_answer_409(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    srv = client.server(SURVIVAL)
    if via == "method":
        assert srv.settings.reinstall() is None
    else:
        assert client.call("server.settings.reinstall", server=SURVIVAL) is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/settings/reinstall",
    )
    assert request["body"] == ""
    assert srv.details()["status"] == "installing"
    with pytest.raises(pterodactyl.ConflictError):
        srv.resources()


@pytest.mark.parametrize("via", ["method", "call"])
def test_allocation_assign(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    if via == "method":
        new = client.server(SURVIVAL).allocations.assign()
    else:
        new = client.call("server.allocations.assign", server=SURVIVAL)
    request = last_request(panel)
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/network/allocations",
    )
    assert request["body"] == ""
    assert (new["id"], new["port"], new["is_default"]) == (61, 25567, False)


@pytest.mark.parametrize("via", ["method", "call"])
def test_allocation_notes_set_and_cleared(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    allocations = client.server(SURVIVAL).allocations
    if via == "method":
        noted = allocations.set_notes(16, "RCON")
    else:
        noted = client.call("server.allocations.set_notes", server=SURVIVAL, allocation=16, notes="RCON")
    request = last_request(panel)
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/network/allocations/16",
    )
    assert body_of(request) == {"notes": "RCON"}
    assert noted["notes"] == "RCON"
    cleared = allocations.set_notes(16, None)
    assert body_of(last_request(panel)) == {"notes": None}
    assert cleared["notes"] is None


@pytest.mark.parametrize("via", ["method", "call"])
def test_allocation_set_primary(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    if via == "method":
        primary = client.server(SURVIVAL).allocations.set_primary(16)
    else:
        primary = client.call("server.allocations.set_primary", server=SURVIVAL, allocation=16)
    request = last_request(panel)
    assert request["path"] == f"/api/client/servers/{SURVIVAL}/network/allocations/16/primary"
    assert primary["id"] == 16 and primary["is_default"] is True
    by_id = {a["id"]: a["is_default"] for a in client.server(SURVIVAL).allocations.list()}
    assert by_id == {15: False, 16: True}


@pytest.mark.parametrize("via", ["method", "call"])
def test_allocation_delete(client: pterodactyl.Client, panel: Panel, via: str) -> None:
    if via == "method":
        assert client.server(SURVIVAL).allocations.delete(16) is None
    else:
        assert client.call("server.allocations.delete", server=SURVIVAL, allocation=16) is None
    request = last_request(panel)
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/servers/{SURVIVAL}/network/allocations/16",
    )
    assert [a["id"] for a in client.server(SURVIVAL).allocations.list()] == [15]


def test_uuid_works_as_identifier(client: pterodactyl.Client) -> None:
    details = client.server("d3aac109-e5e0-4331-b03e-3454f7e136dc").details()
    assert details["identifier"] == SURVIVAL


def test_subuser_sees_only_its_server_and_null_relationships(subuser: pterodactyl.Client) -> None:
    page = subuser.servers.list()
    assert [s["identifier"] for s in page["data"]] == [SURVIVAL]
    assert page["data"][0]["server_owner"] is False
    # A null_resource becomes None.
    assert page["data"][0]["relationships"]["variables"] is None
    meta = subuser.server(SURVIVAL).details()["meta"]
    assert "control.console" in meta["user_permissions"]


def test_text_in_path_and_query_is_encoded_by_the_core(client: pterodactyl.Client, panel: Panel) -> None:
    client.servers.list(filter={"name": "Sur vival&x=1"})
    raw = last_request(panel)["query"]
    assert "&x=1" not in raw and "%26x%3D1" in raw
    assert query_of(last_request(panel)) == {"filter[name]": "Sur vival&x=1"}


# --- the operations table ------------------------------------------------------------------


def test_operations_lists_the_whole_table() -> None:
    ops = pterodactyl.operations()
    assert len(ops) == 69
    by_id = {op["id"]: op for op in ops}
    assert len(by_id) == 69
    route = {k: v for k, v in by_id["server.allocations.set_primary"].items() if k != "params"}
    assert route == {
        "id": "server.allocations.set_primary",
        "method": "POST",
        "path": "/servers/{server}/network/allocations/{allocation}/primary",
        "success": 200,
        "permission": "allocation.update",
        "paginated": False,
        "long_running": False,
        "summary": "Makes an allocation the server's primary one.",
        "returns": {"shape": "item", "model": "Allocation"},
        "method_path": "allocations.set_primary",
        "on_server": True,
        "c_function": "ptero_server_allocations_set_primary",
    }
    assert [p["name"] for p in by_id["server.allocations.set_primary"]["params"]] == ["server", "allocation"]
    assert by_id["servers.list"]["paginated"] is True
    assert by_id["servers.list"]["permission"] is None


def test_operations_match_the_shared_reference() -> None:
    from conftest import ROOT

    reference = ROOT.parent / "shared" / "reference" / "operations.tsv"
    if not reference.exists():
        pytest.skip("shared/reference/operations.tsv is not beside the repository")
    rows = [
        line.split("\t")
        for line in reference.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    expected = [(r[0], r[1], r[2], int(r[3])) for r in rows]
    got = [(op["id"], op["method"], op["path"], op["success"]) for op in pterodactyl.operations()]
    assert got == expected


def test_every_operation_is_reachable_through_the_generic_call(client: pterodactyl.Client) -> None:
    # The generic call reaches every row of the table, typed method or not.
    assert client.call("account.get")["username"] == "owner"
