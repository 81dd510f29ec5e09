//! The fake panel's schedules and tasks: `/servers/{server}/schedules/*`.

use fake_panel::{FakePanel, OWNER_KEY, SUBUSER_KEY};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::Method;
use serde_json::{json, Value};

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn api(panel: &FakePanel, method: Method, key: &str, path: &str) -> RequestBuilder {
    http()
        .request(method, format!("{}/api/client/servers{path}", panel.base_url()))
        .bearer_auth(key)
        .header("Accept", "application/json")
}

fn get(panel: &FakePanel, path: &str) -> Response {
    api(panel, Method::GET, OWNER_KEY, path).send().expect("request")
}

fn post(panel: &FakePanel, path: &str, body: Value) -> Response {
    api(panel, Method::POST, OWNER_KEY, path).json(&body).send().expect("request")
}

fn delete(panel: &FakePanel, path: &str) -> Response {
    api(panel, Method::DELETE, OWNER_KEY, path).send().expect("request")
}

fn ok(res: Response) -> Value {
    let status = res.status();
    let body: Value = res.json().expect("json");
    assert_eq!(status, 200, "{body}");
    body
}

fn first_error(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body: Value = res.json().expect("json error body");
    (status, body["errors"][0].clone())
}

fn assert_validation(res: Response, field: &str, rule: &str) {
    let (status, e) = first_error(res);
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["code"], "ValidationException");
    assert_eq!(e["meta"], json!({"source_field": field, "rule": rule}), "{e}");
}

fn cron(name: &str) -> Value {
    json!({"name": name, "minute": "*/5", "hour": "*", "day_of_month": "*", "month": "*", "day_of_week": "*", "is_active": true})
}

fn sequence(panel: &FakePanel, schedule: u64) -> Vec<(u64, u64)> {
    let body = ok(get(panel, &format!("/d3aac109/schedules/{schedule}")));
    let mut tasks: Vec<(u64, u64)> = body["attributes"]["relationships"]["tasks"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["attributes"]["sequence_id"].as_u64().unwrap(), t["attributes"]["id"].as_u64().unwrap()))
        .collect();
    tasks.sort();
    tasks
}

#[test]
fn seeded_schedule_and_task() {
    let panel = FakePanel::start();
    let body = ok(get(&panel, "/d3aac109/schedules"));
    assert_eq!(body["object"], "list");
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    let s = &body["data"][0];
    assert_eq!(s["object"], "server_schedule");
    assert_eq!(
        s["attributes"],
        json!({
            "id": 1,
            "name": "Nightly restart",
            "cron": {"day_of_week": "*", "day_of_month": "*", "month": "*", "hour": "4", "minute": "0"},
            "is_active": true,
            "is_processing": false,
            "only_when_online": true,
            "last_run_at": "2024-10-21T04:00:00+00:00",
            "next_run_at": "2024-10-22T04:00:00+00:00",
            "created_at": "2024-10-10T12:00:00+00:00",
            "updated_at": "2024-10-10T12:00:00+00:00",
            "relationships": {"tasks": {"object": "list", "data": [{"object": "schedule_task", "attributes": {
                "id": 1, "sequence_id": 1, "action": "command", "payload": "say Restarting in 5 minutes",
                "time_offset": 0, "is_queued": false, "continue_on_failure": false,
                "created_at": "2024-10-10T12:01:00+00:00", "updated_at": "2024-10-10T12:01:00+00:00"
            }}]}}
        })
    );
    assert_eq!(ok(get(&panel, "/d3aac109/schedules/1"))["attributes"], s["attributes"]);
}

#[test]
fn binding_errors_are_404() {
    let panel = FakePanel::start();
    let (status, e) = first_error(get(&panel, "/d3aac109/schedules/2"));
    assert_eq!(
        (status, e["detail"].as_str()),
        (404, Some("The requested resource was not found for this server."))
    );
    let (status, e) = first_error(get(&panel, "/d3aac109/schedules/999"));
    assert_eq!(
        (status, e["detail"].as_str()),
        (404, Some("The requested resource could not be found on the server."))
    );
    assert_eq!(get(&panel, "/d3aac109/schedules/abc").status(), 404);
    // Task 2 belongs to schedule 2 (another server).
    let (status, e) = first_error(post(
        &panel,
        "/d3aac109/schedules/1/tasks/2",
        json!({"action": "command", "payload": "x", "time_offset": 0}),
    ));
    assert_eq!(
        (status, e["detail"].as_str()),
        (404, Some("The requested resource was not found for this server."))
    );
    assert_eq!(delete(&panel, "/d3aac109/schedules/1/tasks/99").status(), 404);
}

#[test]
fn create_computes_next_run_and_casts_booleans() {
    let panel = FakePanel::start();
    let body = ok(post(
        &panel,
        "/d3aac109/schedules",
        json!({"name": "Every five", "minute": "*/5", "hour": "*", "day_of_month": "*", "month": "*", "day_of_week": "*"}),
    ));
    let a = &body["attributes"];
    assert_eq!(body["object"], "server_schedule");
    assert_eq!(a["id"], 3);
    assert_eq!(
        a["cron"],
        json!({"day_of_week": "*", "day_of_month": "*", "month": "*", "hour": "*", "minute": "*/5"})
    );
    // Missing is_active / only_when_online are false.
    assert_eq!((a["is_active"].as_bool(), a["only_when_online"].as_bool()), (Some(false), Some(false)));
    assert_eq!(a["is_processing"], false);
    assert_eq!(a["last_run_at"], Value::Null);
    assert_eq!(a["relationships"]["tasks"], json!({"object": "list", "data": []}));
    let next = a["next_run_at"].as_str().unwrap();
    assert!(next.ends_with(":00+00:00"), "{next}");
    let minute: u32 = next[14..16].parse().unwrap();
    assert_eq!(minute % 5, 0, "{next}");
    assert!(next > a["created_at"].as_str().unwrap(), "{next} is in the future");

    let body = ok(post(
        &panel,
        "/d3aac109/schedules",
        json!({"name": "Weekly", "minute": "30", "hour": "2", "day_of_month": "*", "month": "*", "day_of_week": "MON", "is_active": "1", "only_when_online": "yes"}),
    ));
    assert_eq!(
        (body["attributes"]["is_active"].as_bool(), body["attributes"]["only_when_online"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(body["attributes"]["next_run_at"].as_str().unwrap().contains("T02:30:00+00:00"));
    assert_eq!(ok(get(&panel, "/d3aac109/schedules"))["data"].as_array().unwrap().len(), 3);

    let activity = ok(get(&panel, "/d3aac109/activity?filter[event]=schedule.create"));
    assert_eq!(activity["data"][0]["attributes"]["properties"]["name"], "Every five");
}

#[test]
fn create_validation_and_cron_errors() {
    let panel = FakePanel::start();
    let mut body = cron("x");
    body["minute"] = json!(5);
    assert_validation(post(&panel, "/d3aac109/schedules", body), "minute", "string");
    let mut body = cron("x");
    body.as_object_mut().unwrap().remove("name");
    assert_validation(post(&panel, "/d3aac109/schedules", body), "name", "required");
    let mut body = cron("x");
    body["is_active"] = json!("true");
    assert_validation(post(&panel, "/d3aac109/schedules", body), "is_active", "boolean");
    let mut body = cron("x");
    body["is_active"] = json!(null);
    assert_validation(post(&panel, "/d3aac109/schedules", body), "is_active", "filled");
    assert_validation(post(&panel, "/d3aac109/schedules", cron(&"n".repeat(192))), "name", "max");

    // `month` is not validated: missing is a TypeError (500).
    let mut body = cron("x");
    body.as_object_mut().unwrap().remove("month");
    let (status, e) = first_error(post(&panel, "/d3aac109/schedules", body));
    assert_eq!(status, 500);
    assert_eq!(
        e["detail"],
        "An unexpected error was encountered while processing this request, please try again."
    );

    let mut body = cron("x");
    body["minute"] = json!("61");
    let (status, e) = first_error(post(&panel, "/d3aac109/schedules", body));
    assert_eq!((status, e["code"].as_str()), (400, Some("DisplayException")));
    assert_eq!(e["detail"], "The cron data provided does not evaluate to a valid expression.");
    // Nothing was created.
    assert_eq!(ok(get(&panel, "/d3aac109/schedules"))["data"].as_array().unwrap().len(), 1);
}

#[test]
fn update_is_a_full_replacement() {
    let panel = FakePanel::start();
    let body = ok(post(
        &panel,
        "/d3aac109/schedules/1",
        json!({"name": "Renamed", "minute": "15", "hour": "3", "day_of_month": "1", "month": "*", "day_of_week": "*"}),
    ));
    let a = &body["attributes"];
    assert_eq!(a["name"], "Renamed");
    assert_eq!(
        a["cron"],
        json!({"day_of_week": "*", "day_of_month": "1", "month": "*", "hour": "3", "minute": "15"})
    );
    assert_eq!((a["is_active"].as_bool(), a["only_when_online"].as_bool()), (Some(false), Some(false)));
    assert!(a["next_run_at"].as_str().unwrap().contains("-01T03:15:00+00:00"), "{a}");
    assert_eq!(a["relationships"]["tasks"]["data"].as_array().unwrap().len(), 1);
    assert_ne!(a["updated_at"], "2024-10-10T12:00:00+00:00");
    assert_validation(post(&panel, "/d3aac109/schedules/1", json!({"name": "x"})), "minute", "required");
}

#[test]
fn execute_runs_tasks_or_refuses_an_empty_schedule() {
    let panel = FakePanel::start();
    // Seeded schedule 1 is only_when_online and the server is offline: accepted, nothing runs.
    let res = post(&panel, "/d3aac109/schedules/1/execute", json!({}));
    assert_eq!(res.status(), 202);
    assert_eq!(res.text().unwrap(), "[]");
    let a = ok(get(&panel, "/d3aac109/schedules/1"))["attributes"].clone();
    assert_ne!(a["last_run_at"], "2024-10-21T04:00:00+00:00");
    assert_eq!(a["is_processing"], false);

    let id = ok(post(&panel, "/d3aac109/schedules", cron("Empty")))["attributes"]["id"].as_u64().unwrap();
    let (status, e) = first_error(post(&panel, &format!("/d3aac109/schedules/{id}/execute"), json!({})));
    assert_eq!((status, e["code"].as_str()), (400, Some("DisplayException")));
    assert_eq!(e["detail"], "Cannot process schedule for task execution: no tasks are registered.");

    // A power task drives the server.
    let path = format!("/d3aac109/schedules/{id}/tasks");
    ok(post(&panel, &path, json!({"action": "power", "payload": "start", "time_offset": 0})));
    assert_eq!(post(&panel, &format!("/d3aac109/schedules/{id}/execute"), json!({})).status(), 202);
    let state = ok(get(&panel, "/d3aac109/resources"))["attributes"]["current_state"].clone();
    assert!(state == "starting" || state == "running", "{state}");

    // A command to an offline server fails the request (the first task runs inline).
    let other = ok(post(&panel, "/d3aac109/schedules", cron("Say")))["attributes"]["id"].as_u64().unwrap();
    ok(post(
        &panel,
        &format!("/d3aac109/schedules/{other}/tasks"),
        json!({"action": "command", "payload": "say hi", "time_offset": 0}),
    ));
    assert_eq!(post(&panel, "/d3aac109/power", json!({"signal": "kill"})).status(), 204);
    let (status, e) = first_error(post(&panel, &format!("/d3aac109/schedules/{other}/execute"), json!({})));
    assert_eq!((status, e["code"].as_str()), (502, Some("DaemonConnectionException")));
}

#[test]
fn tasks_create_insert_update_and_delete() {
    let panel = FakePanel::start();
    let body = ok(post(
        &panel,
        "/d3aac109/schedules/1/tasks",
        json!({"action": "power", "payload": "restart", "time_offset": "30", "continue_on_failure": true}),
    ));
    assert_eq!(body["object"], "schedule_task");
    let a = &body["attributes"];
    assert_eq!((a["id"].as_u64(), a["sequence_id"].as_u64()), (Some(3), Some(2)));
    assert_eq!((a["time_offset"].as_u64(), a["continue_on_failure"].as_bool()), (Some(30), Some(true)));
    assert_eq!(a["is_queued"], false);

    // Inserting at sequence 1 shifts the others.
    let body = ok(post(
        &panel,
        "/d3aac109/schedules/1/tasks",
        json!({"action": "backup", "time_offset": 0, "sequence_id": 1}),
    ));
    assert_eq!(
        (body["attributes"]["sequence_id"].as_u64(), body["attributes"]["payload"].as_str()),
        (Some(1), Some(""))
    );
    assert_eq!(sequence(&panel, 1), [(1, 4), (2, 1), (3, 3)]);

    // Moving task 4 to the end.
    let body = ok(post(
        &panel,
        "/d3aac109/schedules/1/tasks/4",
        json!({"action": "command", "payload": "save-all", "time_offset": 5, "sequence_id": 3}),
    ));
    assert_eq!(body["attributes"]["action"], "command");
    assert_eq!(body["attributes"]["continue_on_failure"], false);
    assert_eq!(sequence(&panel, 1), [(1, 1), (2, 3), (3, 4)]);

    assert_eq!(delete(&panel, "/d3aac109/schedules/1/tasks/1").status(), 204);
    assert_eq!(sequence(&panel, 1), [(1, 3), (2, 4)]);

    // Deleting the schedule removes its tasks.
    assert_eq!(delete(&panel, "/d3aac109/schedules/1").status(), 204);
    assert_eq!(get(&panel, "/d3aac109/schedules/1").status(), 404);
    assert_eq!(ok(get(&panel, "/d3aac109/schedules"))["data"], json!([]));
}

#[test]
fn task_validation_and_limits() {
    let panel = FakePanel::start();
    let path = "/d3aac109/schedules/1/tasks";
    assert_validation(
        post(&panel, path, json!({"action": "explode", "payload": "x", "time_offset": 0})),
        "action",
        "in",
    );
    let (status, e) = first_error(post(&panel, path, json!({"action": "command", "time_offset": 0})));
    assert_eq!(status, 422);
    assert_eq!(e["detail"], "The payload field is required unless action is in backup.");
    assert_eq!(e["meta"], json!({"source_field": "payload", "rule": "required_unless"}));
    assert_validation(
        post(&panel, path, json!({"action": "command", "payload": "x", "time_offset": 901})),
        "time_offset",
        "max",
    );
    assert_validation(
        post(&panel, path, json!({"action": "command", "payload": "x", "time_offset": "soon"})),
        "time_offset",
        "numeric",
    );
    assert_validation(
        post(&panel, path, json!({"action": "command", "payload": "x", "time_offset": 0, "sequence_id": 0})),
        "sequence_id",
        "min",
    );
    assert_validation(
        post(
            &panel,
            path,
            json!({"action": "command", "payload": "x", "time_offset": 0, "continue_on_failure": "maybe"}),
        ),
        "continue_on_failure",
        "boolean",
    );

    for i in 0..9 {
        ok(post(&panel, path, json!({"action": "command", "payload": format!("say {i}"), "time_offset": 0})));
    }
    let (status, e) = first_error(post(
        &panel,
        path,
        json!({"action": "command", "payload": "one too many", "time_offset": 0}),
    ));
    assert_eq!((status, e["code"].as_str()), (400, Some("ServiceLimitExceededException")));
    assert_eq!(
        e["detail"],
        "Schedules may not have more than 10 tasks associated with them. Creating this task would put this schedule over the limit."
    );

    // Server 3 has a backup limit of 0.
    let id = ok(post(&panel, "/5b2e8f10/schedules", cron("Backups")))["attributes"]["id"].as_u64().unwrap();
    let (status, e) = first_error(post(
        &panel,
        &format!("/5b2e8f10/schedules/{id}/tasks"),
        json!({"action": "backup", "time_offset": 0}),
    ));
    assert_eq!((status, e["code"].as_str()), (403, Some("HttpForbiddenException")));
    assert_eq!(e["detail"], "A backup task cannot be created when the server's backup limit is set to 0.");
}

#[test]
fn subuser_without_schedule_permissions_gets_403() {
    let panel = FakePanel::start();
    let call = |method: Method, path: &str, body: Option<Value>| {
        let mut req = api(&panel, method, SUBUSER_KEY, path);
        if let Some(b) = body {
            req = req.json(&b);
        }
        first_error(req.send().unwrap())
    };
    let task = json!({"action": "command", "payload": "x", "time_offset": 0});
    for (method, path, body) in [
        (Method::GET, "/d3aac109/schedules", None),
        (Method::POST, "/d3aac109/schedules", Some(cron("x"))),
        (Method::GET, "/d3aac109/schedules/1", None),
        (Method::POST, "/d3aac109/schedules/1", Some(cron("x"))),
        (Method::POST, "/d3aac109/schedules/1/execute", None),
        (Method::DELETE, "/d3aac109/schedules/1", None),
        (Method::POST, "/d3aac109/schedules/1/tasks", Some(task.clone())),
        (Method::POST, "/d3aac109/schedules/1/tasks/1", Some(task.clone())),
    ] {
        let (status, e) = call(method, path, body);
        assert_eq!((status, e["code"].as_str()), (403, Some("AccessDeniedHttpException")), "{path}");
    }
    // The task delete checks the permission in the controller.
    let (status, e) = call(Method::DELETE, "/d3aac109/schedules/1/tasks/1", None);
    assert_eq!((status, e["code"].as_str()), (403, Some("HttpForbiddenException")));
    assert_eq!(e["detail"], "You do not have permission to perform this action.");
    // Binding comes before the permission check.
    assert_eq!(call(Method::GET, "/d3aac109/schedules/999", None).0, 404);
}
