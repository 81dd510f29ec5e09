//! server.users.*.

mod common;
use common::*;
use serde_json::json;

const HELPER_UUID: &str = "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f";
const MANAGER_UUID: &str = "4d2a9c7e-3b1f-4e8a-a6d5-9f0e1c2b3a4d";

#[test]
fn list_and_get_show_users_with_their_permissions() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let users = client.server(SURVIVAL).users();
    let list = users.list().unwrap();
    let names: Vec<&str> = list.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["helper", "manager"]);
    let helper = &list[0];
    assert_eq!(helper.uuid, HELPER_UUID);
    assert_eq!(helper.email, "helper@example.com");
    assert!(helper.image.as_deref().is_some_and(|i| i.contains("gravatar")));
    assert!(!helper.two_factor_enabled);
    assert!(helper.permissions.iter().any(|p| p == "control.console"));

    assert_eq!(&users.get(HELPER_UUID).unwrap(), helper);
    assert!(last_request(&panel, "GET", &format!("/users/{HELPER_UUID}")).query.is_none());
    api_error(users.get("c0ffee00-1234-4abc-9def-0123456789ab"), 404);
}

#[test]
fn create_adds_a_subuser_and_always_grants_websocket() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let users = client.server(SURVIVAL).users();
    let added =
        users.create("stranger@example.com", &["control.console", "file.read", "not.a.permission"]).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/users"),
        json!({"email": "stranger@example.com", "permissions": ["control.console", "file.read", "not.a.permission"]})
    );
    assert_eq!(added.username, "stranger");
    let mut perms = added.permissions.clone();
    perms.sort();
    assert_eq!(perms, ["control.console", "file.read", "websocket.connect"]);
    assert_eq!(users.list().unwrap().len(), 3);

    // An unknown email makes a new account.
    let fresh = users.create("newcomer@example.com", &["control.start"]).unwrap();
    assert_eq!(fresh.email, "newcomer@example.com");
    assert!(fresh.username.starts_with("newcomer"), "{}", fresh.username);
}

#[test]
fn create_refuses_the_owner_an_existing_subuser_and_a_bad_email() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let users = client.server(SURVIVAL).users();
    api_error(users.create("owner@example.com", &["control.console"]), 400);
    api_error(users.create("helper@example.com", &["control.console"]), 400);
    let errors = api_error(users.create("not-an-email", &["control.console"]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("email"));
    assert_eq!(errors[0].rule.as_deref(), Some("email"));
    let errors = api_error(users.create("x@example.com", &[]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("permissions"), "{errors:?}");
}

#[test]
fn update_replaces_permissions_and_delete_removes_access() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let users = client.server(SURVIVAL).users();
    let updated = users.update(HELPER_UUID, &["control.console", "control.stop"]).unwrap();
    assert_eq!(
        last_body(&panel, "POST", &format!("/users/{HELPER_UUID}")),
        json!({"permissions": ["control.console", "control.stop"]})
    );
    let mut perms = updated.permissions.clone();
    perms.sort();
    assert_eq!(perms, ["control.console", "control.stop", "websocket.connect"]);
    // The helper may now stop the server.
    subuser(&panel).server(SURVIVAL).stop().unwrap();

    users.delete(HELPER_UUID).unwrap();
    assert!(last_request(&panel, "DELETE", &format!("/users/{HELPER_UUID}")).body.is_empty());
    assert!(users.list().unwrap().iter().all(|u| u.uuid != HELPER_UUID));
    api_error(users.get(HELPER_UUID), 404);
    api_error(subuser(&panel).server(SURVIVAL).details(), 404);
}

#[test]
fn subuser_without_user_permissions_gets_403() {
    let panel = FakePanel::start();
    let helper = subuser(&panel);
    let users = helper.server(SURVIVAL).users();
    api_error(users.list(), 403);
    api_error(users.get(MANAGER_UUID), 403);
    api_error(users.create("x@example.com", &["control.console"]), 403);
    api_error(users.update(MANAGER_UUID, &["control.console"]), 403);
    api_error(users.delete(MANAGER_UUID), 403);
}

#[test]
fn manager_may_manage_others_but_not_itself_nor_grant_what_it_lacks() {
    let panel = FakePanel::start();
    let manager = manager(&panel);
    let users = manager.server(SURVIVAL).users();
    assert_eq!(users.list().unwrap().len(), 2);
    let helper = users.update(HELPER_UUID, &["control.console"]).unwrap();
    assert!(helper.permissions.iter().any(|p| p == "control.console"));
    // `control.stop` is not the manager's to give.
    let errors = api_error(users.update(HELPER_UUID, &["control.stop"]), 403);
    assert!(errors[0].detail.contains("possess"), "{errors:?}");
    api_error(users.create("x@example.com", &["file.delete"]), 403);
    // Nobody edits or removes themselves.
    api_error(users.update(MANAGER_UUID, &["control.console"]), 403);
    api_error(users.delete(MANAGER_UUID), 403);
    users.delete(HELPER_UUID).unwrap();
}
