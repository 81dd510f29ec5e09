//! server.schedules.* and server.schedules.tasks.*.

mod common;
use common::*;
use pterodactyl_client::{PowerSignal, ScheduleParams, TaskAction, TaskParams};
use serde_json::json;

#[test]
fn list_and_get_include_tasks() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    let list = schedules.list().unwrap();
    assert_eq!(list.len(), 1, "only this server's schedules: {list:?}");
    let nightly = &list[0];
    assert_eq!(nightly.name, "Nightly restart");
    assert_eq!((nightly.cron.minute.as_str(), nightly.cron.hour.as_str()), ("0", "4"));
    assert_eq!(
        (nightly.cron.day_of_month.as_str(), nightly.cron.month.as_str(), nightly.cron.day_of_week.as_str()),
        ("*", "*", "*")
    );
    assert!(nightly.is_active && nightly.only_when_online && !nightly.is_processing);
    assert_eq!(nightly.tasks().len(), 1);
    assert_eq!(nightly.tasks()[0].action, TaskAction::Command);
    assert_eq!(nightly.tasks()[0].payload, "say Restarting in 5 minutes");

    assert_eq!(&schedules.get(nightly.id).unwrap(), nightly);
    assert!(last_request(&panel, "GET", &format!("/schedules/{}", nightly.id)).query.is_none());
    api_error(schedules.get(999), 404);
    // Schedule 2 belongs to the stranger's server.
    api_error(schedules.get(2), 404);
}

#[test]
fn create_sends_every_field_with_cron_as_strings() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    let params = ScheduleParams::new("Weekday backup", "30", "3", "*", "*", "1-5").only_when_online(true);
    let made = schedules.create(&params).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/schedules"),
        json!({
            "name": "Weekday backup", "minute": "30", "hour": "3", "day_of_month": "*", "month": "*",
            "day_of_week": "1-5", "is_active": true, "only_when_online": true
        })
    );
    assert_eq!(made.name, "Weekday backup");
    assert_eq!(made.cron.day_of_week, "1-5");
    assert!(made.is_active && made.only_when_online);
    assert!(made.next_run_at.is_some() && made.last_run_at.is_none());
    assert!(made.tasks().is_empty());
    assert_eq!(made.to_params(), params);
    assert_eq!(schedules.list().unwrap().len(), 2);
}

#[test]
fn create_refuses_a_bad_cron_with_400_and_a_missing_name_with_422() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    let errors = api_error(schedules.create(&ScheduleParams::new("Bad", "61", "*", "*", "*", "*")), 400);
    assert!(errors[0].detail.contains("cron"), "{errors:?}");
    let errors = api_error(schedules.create(&ScheduleParams::new("", "*", "*", "*", "*", "*")), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("name"));
    assert_eq!(errors[0].rule.as_deref(), Some("required"));
}

#[test]
fn update_replaces_the_schedule_and_to_params_keeps_the_rest() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    let before = schedules.get(1).unwrap();
    let after = schedules.update(1, &before.to_params().active(false)).unwrap();
    assert!(!after.is_active);
    assert!(after.only_when_online, "kept, because it was sent");
    assert_eq!(after.cron, before.cron);
    assert_eq!(after.name, before.name);
    let body = last_body(&panel, "POST", "/schedules/1");
    assert_eq!(body["only_when_online"], true);
    assert_eq!(body["is_active"], false);
    assert_eq!(body["minute"], "0");

    let renamed =
        schedules.update(1, &after.to_params().name("Restart").cron("15", "*/2", "*", "*", "*")).unwrap();
    assert_eq!(renamed.name, "Restart");
    assert_eq!((renamed.cron.minute.as_str(), renamed.cron.hour.as_str()), ("15", "*/2"));
    assert_eq!(renamed.tasks().len(), 1, "tasks survive an update");
}

#[test]
fn execute_needs_tasks_and_delete_removes_the_schedule() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    schedules.execute(1).unwrap();
    let req = last_request(&panel, "POST", "/schedules/1/execute");
    assert!(req.body.is_empty(), "execute sends no body: {:?}", req.body);

    let empty = schedules.create(&ScheduleParams::new("Empty", "*", "*", "*", "*", "*")).unwrap();
    let errors = api_error(schedules.execute(empty.id), 400);
    assert!(!errors[0].detail.is_empty());

    schedules.delete(empty.id).unwrap();
    api_error(schedules.get(empty.id), 404);
    schedules.delete(1).unwrap();
    assert!(schedules.list().unwrap().is_empty());
}

#[test]
fn tasks_create_update_and_delete() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(SURVIVAL).schedules();
    let tasks = schedules.tasks();

    let restart = tasks.create(1, &TaskParams::power(PowerSignal::Restart).time_offset(60)).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/schedules/1/tasks"),
        json!({"action": "power", "payload": "restart", "time_offset": 60, "continue_on_failure": false})
    );
    assert_eq!(restart.action, TaskAction::Power);
    assert_eq!((restart.payload.as_str(), restart.time_offset, restart.sequence_id), ("restart", 60, 2));

    let backup = tasks.create(1, &TaskParams::backup(&["*.log", "cache/"]).sequence_id(1)).unwrap();
    assert_eq!(backup.action, TaskAction::Backup);
    assert_eq!(backup.payload, "*.log\ncache/");
    assert_eq!(backup.sequence_id, 1);
    let order: Vec<(u64, TaskAction)> =
        schedules.get(1).unwrap().tasks().iter().map(|t| (t.sequence_id, t.action.clone())).collect();
    assert!(order.contains(&(1, TaskAction::Backup)) && order.contains(&(3, TaskAction::Power)), "{order:?}");

    let changed =
        tasks.update(1, restart.id, &restart.to_params().time_offset(120).continue_on_failure(true)).unwrap();
    assert_eq!((changed.time_offset, changed.continue_on_failure), (120, true));
    assert_eq!(changed.payload, "restart");
    assert!(last_request(&panel, "POST", &format!("/schedules/1/tasks/{}", restart.id)).body.contains("120"));

    tasks.delete(1, backup.id).unwrap();
    let left = schedules.get(1).unwrap();
    assert_eq!(left.tasks().len(), 2);
    assert!(left.tasks().iter().all(|t| t.id != backup.id));
    api_error(tasks.delete(1, backup.id), 404);
}

#[test]
fn task_validation_is_422_and_the_limit_is_400() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let tasks = client.server(SURVIVAL).schedules().tasks();
    let errors = api_error(tasks.create(1, &TaskParams::command("say hi").time_offset(901)), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("time_offset"));
    assert_eq!(errors[0].rule.as_deref(), Some("max"));
    let errors = api_error(tasks.create(1, &TaskParams::new(TaskAction::Command, None)), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("payload"), "{errors:?}");

    // The seeded schedule has one task; the limit is 10.
    for n in 0..9 {
        tasks.create(1, &TaskParams::command(&format!("say {n}"))).unwrap();
    }
    let errors = api_error(tasks.create(1, &TaskParams::command("say too many")), 400);
    assert_eq!(errors[0].code, "ServiceLimitExceededException", "{errors:?}");
}

#[test]
fn backup_task_on_a_server_without_backups_is_403() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let schedules = client.server(AT_LIMIT).schedules();
    let s = schedules.create(&ScheduleParams::new("Backups", "0", "0", "*", "*", "*")).unwrap();
    api_error(schedules.tasks().create(s.id, &TaskParams::backup(&[])), 403);
    schedules.tasks().create(s.id, &TaskParams::command("save-all")).unwrap();
}

#[test]
fn subusers_need_schedule_permissions() {
    let panel = FakePanel::start();
    let helper = subuser(&panel);
    let schedules = helper.server(SURVIVAL).schedules();
    api_error(schedules.list(), 403);
    api_error(schedules.create(&ScheduleParams::new("x", "*", "*", "*", "*", "*")), 403);
    api_error(schedules.execute(1), 403);
    api_error(schedules.delete(1), 403);
    // `manager` may read (`schedule.read`) but not change.
    let manager = manager(&panel);
    let schedules = manager.server(SURVIVAL).schedules();
    assert_eq!(schedules.list().unwrap().len(), 1);
    let nightly = schedules.get(1).unwrap();
    api_error(schedules.update(1, &nightly.to_params()), 403);
    api_error(schedules.tasks().create(1, &TaskParams::command("say x")), 403);
    let errors = api_error(schedules.tasks().delete(1, nightly.tasks()[0].id), 403);
    assert_eq!(errors[0].code, "HttpForbiddenException");
}
