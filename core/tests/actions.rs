//! server.power, server.command, server.activity.list, server.startup.*, server.settings.*,
//! server.allocations.*.

mod common;
use common::*;
use pterodactyl_client::{ListActivity, PowerSignal};
use serde_json::json;

#[test]
fn power_drives_the_state_machine() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let server = client.server(SURVIVAL);
    server.start().unwrap();
    let state = server.resources().unwrap().current_state;
    assert!(state == "starting" || state == "running", "{state}");
    wait_for_state(&client, SURVIVAL, "running");
    server.power(PowerSignal::Stop).unwrap();
    wait_for_state(&client, SURVIVAL, "offline");
    server.start().unwrap();
    server.kill().unwrap();
    assert_eq!(server.resources().unwrap().current_state, "offline");
    let power = panel.requests().into_iter().filter(|r| r.path.ends_with("/power")).collect::<Vec<_>>();
    assert_eq!(power.len(), 4, "each signal is sent exactly once");
    assert!(power[0].body.contains("\"signal\":\"start\""));
    let ct = power[0].headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str());
    assert_eq!(ct, Some("application/json"));
}

#[test]
fn unknown_signal_is_refused_before_any_request_for_owner_and_subuser_alike() {
    // The panel would answer 422 to the owner and a misleading 403 to a subuser; the declaration
    // refuses it the same way for both, before sending.
    let panel = FakePanel::start();
    for client in [owner(&panel), subuser(&panel)] {
        let err = client.call("server.power", json!({"server": SURVIVAL, "signal": "explode"})).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        assert!(err.to_string().contains("\"restart\""), "{err}");
    }
    assert!(panel.requests().is_empty(), "nothing was sent");
}

#[test]
fn subuser_may_start_but_not_stop() {
    let panel = FakePanel::start();
    let client = subuser(&panel);
    client.server(SURVIVAL).start().unwrap();
    let errors = api_error(client.server(SURVIVAL).stop(), 403);
    assert_eq!(errors[0].code, "AccessDeniedHttpException");
}

#[test]
fn command_needs_a_running_server() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let server = client.server(SURVIVAL);
    let errors = api_error(server.command("say hi"), 502);
    assert_eq!(errors[0].detail, "Server must be online in order to send commands.");
    server.start().unwrap();
    server.command("say hi").unwrap();
    let errors = api_error(server.command(""), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("command"));
}

#[test]
fn activity_records_actions_and_keeps_filters_across_pages() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let server = client.server(SURVIVAL);
    server.start().unwrap();
    server.command("say one").unwrap();
    server.command("say two").unwrap();
    let page =
        server.activity().list(&ListActivity::new().event("console").newest_first().include_actor()).unwrap();
    assert!(page.data.len() >= 2);
    assert!(page.data.iter().all(|e| e.event.contains("console")));
    let actor = page.data[0].relationships.as_ref().unwrap().actor.clone().flatten().expect("actor included");
    assert_eq!(actor.username, "owner");
    let all: Vec<_> = server
        .activity()
        .iter(&ListActivity::new().event("console").per_page(1))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len() as u64, page.meta.pagination.total);
    let activity_queries: Vec<String> = panel
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/activity"))
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert!(activity_queries.len() > 2);
    assert!(activity_queries.iter().all(|q| q.contains("filter%5Bevent%5D=console")), "{activity_queries:?}");
}

#[test]
fn activity_refuses_an_unknown_sort_before_sending_and_subuser_may_read_it() {
    let panel = FakePanel::start();
    let mut params = ListActivity::new();
    params.sort = Some("name".into());
    let err = owner(&panel).server(SURVIVAL).activity().list(&params).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)) && err.to_string().contains("-timestamp"), "{err}");
    assert!(panel.requests().is_empty());
    assert!(subuser(&panel).server(SURVIVAL).activity().list(&ListActivity::new()).is_ok());
}

#[test]
fn startup_lists_variables_and_validates_values_against_their_rules() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let startup = client.server(SURVIVAL).startup();
    let s = startup.get().unwrap();
    assert!(s.data.iter().any(|v| v.env_variable == "SERVER_JARFILE" && v.is_editable));
    assert!(s.meta.docker_images.values().any(|i| i.ends_with("java_21")));
    assert!(s.meta.raw_startup_command.contains("{{SERVER_JARFILE}}"));

    let updated = startup.set_variable("SERVER_JARFILE", "paper.jar").unwrap();
    assert_eq!(updated.server_value.as_deref(), Some("paper.jar"));
    assert!(updated.meta.startup_command.contains("paper.jar"));

    let errors = api_error(startup.set_variable("SERVER_JARFILE", "not a jar"), 422);
    // The panel re-validates `value` against the variable's own rules.
    assert_eq!(errors[0].source_field.as_deref(), Some("value"), "{errors:?}");
    assert_eq!(errors[0].rule.as_deref(), Some("regex"), "{errors:?}");
    let errors = api_error(startup.set_variable("BUILD_NUMBER", "42"), 400);
    assert!(errors[0].detail.contains("read-only"), "{errors:?}");
    api_error(subuser(&panel).server(SURVIVAL).startup().get(), 403);
}

#[test]
fn rename_changes_the_name_and_validates_it() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let server = client.server(SURVIVAL);
    server.settings().rename("Survival S2", Some("Season two")).unwrap();
    let d = server.details().unwrap();
    assert_eq!(d.name, "Survival S2");
    assert_eq!(d.description.as_deref(), Some("Season two"));
    server.settings().rename("Survival S3", None).unwrap();
    assert_eq!(server.details().unwrap().description.as_deref(), Some("Season two"));
    let errors = api_error(server.settings().rename("", None), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("name"));
    api_error(subuser(&panel).server(SURVIVAL).settings().rename("x", None), 403);
}

#[test]
fn docker_image_must_be_one_of_the_eggs() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let settings = client.server(SURVIVAL);
    settings.settings().set_docker_image("ghcr.io/pterodactyl/yolks:java_21").unwrap();
    assert_eq!(settings.details().unwrap().docker_image, "ghcr.io/pterodactyl/yolks:java_21");
    let errors = api_error(settings.settings().set_docker_image("evil/image:latest"), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("docker_image"));
}

#[test]
fn reinstall_puts_the_server_into_installing() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    client.server(CREATIVE).settings().reinstall().unwrap();
    let d = client.server(CREATIVE).details().unwrap();
    assert_eq!(d.status.as_deref(), Some("installing"));
    let errors = api_error(client.server(CREATIVE).resources(), 409);
    assert_eq!(errors[0].code, "ServerStateConflictException");
}

#[test]
fn allocations_assign_note_promote_and_delete() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let allocs = client.server(SURVIVAL).allocations();
    let list = allocs.list().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().any(|a| a.id == 15 && a.is_default));

    let new = allocs.assign().unwrap();
    assert!(!new.is_default);
    assert_eq!(allocs.list().unwrap().len(), 3);
    let assign = panel
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/network/allocations"))
        .unwrap();
    assert!(assign.body.is_empty() || assign.body == "{}", "assign sends no body: {:?}", assign.body);
    let errors = api_error(allocs.assign(), 400);
    assert!(errors[0].detail.contains("limit"), "{errors:?}");

    let noted = allocs.set_notes(16, Some("Query port (UDP)")).unwrap();
    assert_eq!(noted.notes.as_deref(), Some("Query port (UDP)"));
    let cleared = allocs.set_notes(16, None).unwrap();
    assert_eq!(cleared.notes, None);

    let primary = allocs.set_primary(16).unwrap();
    assert!(primary.is_default);
    assert!(allocs.list().unwrap().iter().all(|a| a.is_default == (a.id == 16)));

    let errors = api_error(allocs.delete(16), 400);
    assert!(errors[0].detail.contains("primary"), "{errors:?}");
    allocs.delete(new.id).unwrap();
    assert_eq!(allocs.list().unwrap().len(), 2);
    api_error(allocs.delete(999_999), 404);
}

#[test]
fn notes_left_out_are_sent_as_null_and_no_limit_means_no_delete() {
    // The panel's rule is `present|nullable`: the declaration sends the key even when left out.
    let panel = FakePanel::start();
    let client = owner(&panel);
    let cleared =
        client.call("server.allocations.set_notes", json!({"server": SURVIVAL, "allocation": 16})).unwrap();
    assert_eq!(cleared["notes"], serde_json::Value::Null);
    assert_eq!(panel.requests().last().unwrap().body, r#"{"notes":null}"#);
    let creative = client.server(CREATIVE).allocations();
    let errors = api_error(creative.delete(creative.list().unwrap()[0].id), 400);
    assert!(!errors[0].detail.is_empty());
    let errors = api_error(client.server(AT_LIMIT).allocations().assign(), 400);
    assert!(errors[0].detail.contains("limit"), "{errors:?}");
}

#[test]
fn subuser_may_read_allocations_but_not_change_them() {
    let panel = FakePanel::start();
    let client = subuser(&panel);
    assert_eq!(client.server(SURVIVAL).allocations().list().unwrap().len(), 2);
    api_error(client.server(SURVIVAL).allocations().set_primary(16), 403);
    api_error(client.server(SURVIVAL).allocations().assign(), 403);
    api_error(client.server(SURVIVAL).allocations().delete(16), 403);
}
