"""A server's schedules and their tasks (``srv.schedules...``, ``srv.schedules.tasks...``)."""

from __future__ import annotations

import time

import pytest

import pterodactyl
from conftest import SURVIVAL, Panel, body_of

EVERY_5_MINUTES = ("*/5", "*", "*", "*", "*")


def test_list_includes_the_tasks(client: pterodactyl.Client, panel: Panel) -> None:
    schedules = client.server(SURVIVAL).schedules.list()
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("GET", f"/api/client/servers/{SURVIVAL}/schedules")
    assert len(schedules) == 1
    nightly = schedules[0]
    assert (nightly["id"], nightly["name"], nightly["is_active"]) == (1, "Nightly restart", True)
    assert nightly["cron"] == {
        "day_of_week": "*",
        "day_of_month": "*",
        "month": "*",
        "hour": "4",
        "minute": "0",
    }
    assert (nightly["only_when_online"], nightly["is_processing"]) == (True, False)
    assert nightly["last_run_at"] == "2024-10-21T04:00:00+00:00"
    # The `tasks` list is unwrapped like any other relationship.
    tasks = nightly["relationships"]["tasks"]
    assert [(t["id"], t["sequence_id"], t["action"], t["payload"]) for t in tasks] == [
        (1, 1, "command", "say Restarting in 5 minutes")
    ]
    assert (tasks[0]["time_offset"], tasks[0]["is_queued"], tasks[0]["continue_on_failure"]) == (
        0,
        False,
        False,
    )
    assert client.call("server.schedules.list", server=SURVIVAL) == schedules


def test_get(client: pterodactyl.Client, panel: Panel) -> None:
    schedules = client.server(SURVIVAL).schedules
    one = schedules.get(1)
    assert panel.last_request()["path"] == f"/api/client/servers/{SURVIVAL}/schedules/1"
    assert one == schedules.list()[0]


def test_get_of_another_servers_schedule_is_404(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.NotFoundError) as info:
        client.server(SURVIVAL).schedules.get(2)
    assert str(info.value) == "The requested resource was not found for this server."
    with pytest.raises(pterodactyl.NotFoundError):
        client.server(SURVIVAL).schedules.get(999)


def test_create_sends_cron_fields_as_strings(client: pterodactyl.Client, panel: Panel) -> None:
    schedules = client.server(SURVIVAL).schedules
    created = schedules.create("Every 5 minutes", *EVERY_5_MINUTES, is_active=True)
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/schedules")
    assert body_of(request) == {
        "name": "Every 5 minutes",
        "minute": "*/5",
        "hour": "*",
        "day_of_month": "*",
        "month": "*",
        "day_of_week": "*",
        "is_active": True,
    }
    assert created["name"] == "Every 5 minutes"
    assert created["cron"]["minute"] == "*/5"
    assert (created["is_active"], created["only_when_online"]) == (True, False)
    assert created["last_run_at"] is None and created["next_run_at"] is not None
    assert created["relationships"]["tasks"] == []
    assert [s["id"] for s in schedules.list()] == [1, created["id"]]


def test_create_with_an_invalid_cron_expression_is_400(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ApiError) as info:
        client.server(SURVIVAL).schedules.create("Never", "61", "*", "*", "*", "*")
    assert type(info.value) is pterodactyl.ApiError
    assert info.value.status == 400
    assert str(info.value) == "The cron data provided does not evaluate to a valid expression."


def test_create_with_a_long_name_is_422(client: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).schedules.create("x" * 192, *EVERY_5_MINUTES)
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == ("name", "max")


def test_update_replaces_every_field(client: pterodactyl.Client, panel: Panel) -> None:
    updated = client.server(SURVIVAL).schedules.update(
        1, "Morning restart", "30", "6", "*", "*", "1-5", False, False
    )
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("POST", f"/api/client/servers/{SURVIVAL}/schedules/1")
    assert body_of(request) == {
        "name": "Morning restart",
        "minute": "30",
        "hour": "6",
        "day_of_month": "*",
        "month": "*",
        "day_of_week": "1-5",
        "is_active": False,
        "only_when_online": False,
    }
    assert updated["name"] == "Morning restart"
    assert updated["cron"] == {
        "day_of_week": "1-5",
        "day_of_month": "*",
        "month": "*",
        "hour": "6",
        "minute": "30",
    }
    assert (updated["is_active"], updated["only_when_online"]) == (False, False)
    assert len(updated["relationships"]["tasks"]) == 1


def test_execute_runs_the_tasks(client: pterodactyl.Client, panel: Panel) -> None:
    srv = client.server(SURVIVAL)
    schedule = srv.schedules.create("Start it", *EVERY_5_MINUTES)
    srv.schedules.tasks.create(schedule["id"], "power", 0, payload="start")
    assert srv.schedules.execute(schedule["id"]) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/schedules/{schedule['id']}/execute",
    )
    assert request["body"] == ""
    assert srv.schedules.get(schedule["id"])["last_run_at"] is not None
    deadline = time.monotonic() + 5
    while srv.resources()["current_state"] != "running":
        assert time.monotonic() < deadline, "the power task never started the server"
        time.sleep(0.05)


def test_execute_without_tasks_is_400(client: pterodactyl.Client) -> None:
    schedules = client.server(SURVIVAL).schedules
    empty = schedules.create("Empty", *EVERY_5_MINUTES)
    with pytest.raises(pterodactyl.ApiError) as info:
        schedules.execute(empty["id"])
    assert info.value.status == 400
    assert "no tasks" in str(info.value)


def test_delete_removes_the_schedule(client: pterodactyl.Client, panel: Panel) -> None:
    schedules = client.server(SURVIVAL).schedules
    assert schedules.delete(1) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == ("DELETE", f"/api/client/servers/{SURVIVAL}/schedules/1")
    assert schedules.list() == []
    with pytest.raises(pterodactyl.NotFoundError):
        schedules.get(1)


# --- tasks -------------------------------------------------------------------------------------


def test_task_create(client: pterodactyl.Client, panel: Panel) -> None:
    tasks = client.server(SURVIVAL).schedules.tasks
    task = tasks.create(1, "power", 30, payload="restart")
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/schedules/1/tasks",
    )
    assert body_of(request) == {"action": "power", "payload": "restart", "time_offset": 30}
    assert (task["action"], task["payload"], task["time_offset"], task["sequence_id"]) == (
        "power",
        "restart",
        30,
        2,
    )
    assert task["continue_on_failure"] is False
    listed = client.server(SURVIVAL).schedules.get(1)["relationships"]["tasks"]
    assert [t["id"] for t in listed] == [1, task["id"]]


def test_task_create_backup_needs_no_payload_and_may_be_inserted_first(
    client: pterodactyl.Client, panel: Panel
) -> None:
    schedules = client.server(SURVIVAL).schedules
    task = schedules.tasks.create(1, "backup", 0, sequence_id=1, continue_on_failure=True)
    assert body_of(panel.last_request()) == {
        "action": "backup",
        "time_offset": 0,
        "sequence_id": 1,
        "continue_on_failure": True,
    }
    assert (task["sequence_id"], task["payload"], task["continue_on_failure"]) == (1, "", True)
    by_id = {t["id"]: t["sequence_id"] for t in schedules.get(1)["relationships"]["tasks"]}
    assert by_id == {1: 2, task["id"]: 1}


@pytest.mark.parametrize(
    ("action", "offset", "payload", "field", "rule"),
    [
        ("command", 0, None, "payload", "required_unless"),
        ("command", 901, "say hi", "time_offset", "max"),
        # The core accepts Pelican's action; Pterodactyl does not.
        ("delete_files", 0, "logs", "action", "in"),
    ],
)
def test_task_create_is_validated(
    client: pterodactyl.Client, action: str, offset: int, payload: str | None, field: str, rule: str
) -> None:
    with pytest.raises(pterodactyl.ValidationError) as info:
        client.server(SURVIVAL).schedules.tasks.create(1, action, offset, payload=payload)  # type: ignore[arg-type]
    assert (info.value.errors[0]["source_field"], info.value.errors[0]["rule"]) == (field, rule)


def test_task_limit_of_10_is_400(client: pterodactyl.Client) -> None:
    tasks = client.server(SURVIVAL).schedules.tasks
    for i in range(9):
        tasks.create(1, "command", 0, payload=f"say {i}")
    with pytest.raises(pterodactyl.ApiError) as info:
        tasks.create(1, "command", 0, payload="say one too many")
    assert (info.value.status, info.value.code) == (400, "ServiceLimitExceededException")


def test_backup_task_without_backups_is_403(client: pterodactyl.Client) -> None:
    # 5b2e8f10 may have no backups at all.
    srv = client.server("5b2e8f10")
    schedule = srv.schedules.create("Backups", *EVERY_5_MINUTES)
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        srv.schedules.tasks.create(schedule["id"], "backup", 0)
    assert info.value.code == "HttpForbiddenException"


def test_task_update(client: pterodactyl.Client, panel: Panel) -> None:
    tasks = client.server(SURVIVAL).schedules.tasks
    task = tasks.update(1, 1, "command", 60, payload="say Restarting in 1 minute", continue_on_failure=True)
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "POST",
        f"/api/client/servers/{SURVIVAL}/schedules/1/tasks/1",
    )
    assert body_of(request) == {
        "action": "command",
        "payload": "say Restarting in 1 minute",
        "time_offset": 60,
        "continue_on_failure": True,
    }
    assert (task["id"], task["payload"], task["time_offset"], task["continue_on_failure"]) == (
        1,
        "say Restarting in 1 minute",
        60,
        True,
    )


def test_task_of_another_schedule_is_404(client: pterodactyl.Client) -> None:
    schedules = client.server(SURVIVAL).schedules
    other = schedules.create("Other", *EVERY_5_MINUTES)
    with pytest.raises(pterodactyl.NotFoundError):
        schedules.tasks.update(other["id"], 1, "command", 0, payload="say hi")


def test_task_delete(client: pterodactyl.Client, panel: Panel) -> None:
    schedules = client.server(SURVIVAL).schedules
    assert schedules.tasks.delete(1, 1) is None
    request = panel.last_request()
    assert (request["method"], request["path"]) == (
        "DELETE",
        f"/api/client/servers/{SURVIVAL}/schedules/1/tasks/1",
    )
    assert schedules.get(1)["relationships"]["tasks"] == []


# --- permissions ---------------------------------------------------------------------------------


def test_subuser_without_schedule_read_is_403(subuser: pterodactyl.Client) -> None:
    with pytest.raises(pterodactyl.PermissionDeniedError):
        subuser.server(SURVIVAL).schedules.list()


def test_subuser_who_may_only_read_schedules(manager: pterodactyl.Client) -> None:
    schedules = manager.server(SURVIVAL).schedules
    assert [s["name"] for s in schedules.list()] == ["Nightly restart"]
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        schedules.create("Mine", *EVERY_5_MINUTES)
    assert info.value.code == "AccessDeniedHttpException"
    # The controller checks this one by hand, with another exception.
    with pytest.raises(pterodactyl.PermissionDeniedError) as info:
        schedules.tasks.delete(1, 1)
    assert info.value.code == "HttpForbiddenException"
