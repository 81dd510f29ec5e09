//! server.databases.*.

mod common;
use common::*;

#[test]
fn list_hides_passwords_unless_asked() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    let list = dbs.list().unwrap();
    assert_eq!(list.len(), 1);
    let db = &list[0];
    assert_eq!(db.name, "s1_survival");
    assert!(db.username.starts_with("u1_"), "{}", db.username);
    assert_eq!(db.connections_from, "%");
    assert!(!db.host.address.is_empty() && db.host.port > 0);
    assert!(db.relationships.is_none());
    assert_eq!(db.password(), None);
    assert!(last_request(&panel, "GET", "/databases").query.is_none());

    let with = dbs.list_with_passwords().unwrap();
    assert!(with[0].password().is_some_and(|p| !p.is_empty()));
    assert_eq!(last_request(&panel, "GET", "/databases").query.as_deref(), Some("include=password"));
}

#[test]
fn password_is_included_as_hidden_without_view_password() {
    let panel = FakePanel::start();
    let list = manager(&panel).server(SURVIVAL).databases().list_with_passwords().unwrap();
    let rel = list[0].relationships.as_ref().expect("the relationship is included");
    assert_eq!(rel.password, Some(None), "included as a null_resource");
    assert_eq!(list[0].password(), None);
}

#[test]
fn create_prefixes_the_name_and_answers_with_the_password() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    let db = dbs.create("minigames", "%").unwrap();
    assert_eq!(db.name, "s1_minigames");
    assert_eq!(db.connections_from, "%");
    assert!(db.password().is_some_and(|p| !p.is_empty()));
    let body = last_body(&panel, "POST", "/databases");
    assert_eq!(body, serde_json::json!({"database": "minigames", "remote": "%"}));
    assert_eq!(dbs.list().unwrap().len(), 2);
}

#[test]
fn create_validates_name_and_remote_with_422() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    let errors = api_error(dbs.create("no spaces here", "%"), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("database"));
    assert_eq!(errors[0].rule.as_deref(), Some("alpha_dash"));
    let errors = api_error(dbs.create("ab", "%"), 422);
    assert_eq!(errors[0].rule.as_deref(), Some("min"));
    let errors = api_error(dbs.create("survival", "%"), 422);
    assert_eq!(errors[0].rule.as_deref(), Some("unique"), "{errors:?}");
    let errors = api_error(dbs.create("valid_name", "bad host!"), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("remote"));
    assert_eq!(errors[0].rule.as_deref(), Some("regex"));
}

#[test]
fn create_at_the_database_limit_is_400() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    dbs.create("second", "%").unwrap();
    let errors = api_error(dbs.create("third", "%"), 400);
    assert_eq!(errors[0].code, "TooManyDatabasesException", "{errors:?}");
    api_error(client.server(AT_LIMIT).databases().create("first", "%"), 400);
}

#[test]
fn rotate_password_changes_it() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    let before = dbs.list_with_passwords().unwrap().remove(0);
    let rotated = dbs.rotate_password(&before.id).unwrap();
    assert_eq!(rotated.id, before.id);
    assert!(rotated.password().is_some());
    assert_ne!(rotated.password(), before.password());
    let req = last_request(&panel, "POST", "/rotate-password");
    assert_eq!(req.path, format!("/api/client/servers/{SURVIVAL}/databases/{}/rotate-password", before.id));
    assert!(req.body.is_empty(), "rotate-password sends no body: {:?}", req.body);
}

#[test]
fn delete_removes_it_and_unknown_ids_are_404() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dbs = client.server(SURVIVAL).databases();
    let id = dbs.list().unwrap()[0].id.clone();
    dbs.delete(&id).unwrap();
    assert!(dbs.list().unwrap().is_empty());
    api_error(dbs.delete(&id), 404);
    api_error(dbs.rotate_password("nOtThErE"), 404);
}

#[test]
fn subuser_without_database_permissions_gets_403() {
    let panel = FakePanel::start();
    let id = owner(&panel).server(SURVIVAL).databases().list().unwrap()[0].id.clone();
    let helper = subuser(&panel);
    let dbs = helper.server(SURVIVAL).databases();
    api_error(dbs.list(), 403);
    api_error(dbs.create("helpers", "%"), 403);
    api_error(dbs.rotate_password(&id), 403);
    api_error(dbs.delete(&id), 403);
    // `manager` may read, but not change.
    let manager = manager(&panel);
    assert_eq!(manager.server(SURVIVAL).databases().list().unwrap().len(), 1);
    api_error(manager.server(SURVIVAL).databases().delete(&id), 403);
}

#[test]
fn suspended_server_is_409() {
    let panel = FakePanel::start();
    let errors = api_error(owner(&panel).server(SUSPENDED).databases().list(), 409);
    assert_eq!(errors[0].code, "ServerStateConflictException");
}
