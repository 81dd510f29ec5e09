//! servers.list, permissions.get, server.get, server.resources, server.websocket.

mod common;
use common::*;
use pterodactyl_client::{ListServers, PermissionSet};
use serde_json::json;

#[test]
fn list_returns_every_visible_server_unwrapped() {
    let panel = FakePanel::start();
    let page = owner(&panel).servers().list(&ListServers::new()).unwrap();
    let ids: Vec<&str> = page.data.iter().map(|s| s.identifier.as_str()).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert!(ids.contains(&SURVIVAL) && !ids.contains(&STRANGERS));
    let survival = page.data.iter().find(|s| s.identifier == SURVIVAL).unwrap();
    assert_eq!(survival.name, "Survival");
    assert!(survival.server_owner);
    let allocations = survival.relationships.as_ref().unwrap().allocations.as_ref().unwrap();
    assert!(allocations.iter().any(|a| a.id == 15 && a.port == 25565 && a.is_default));
    assert_eq!(page.meta.pagination.total, 5);
    assert_eq!(page.meta.pagination.current_page, 1);
}

#[test]
fn list_sends_filter_include_type_and_paging() {
    let panel = FakePanel::start();
    let params = ListServers::new().filter("name", "Survival").include("egg").per_page(2);
    let page = owner(&panel).servers().list(&params).unwrap();
    assert_eq!(page.meta.pagination.total, 3);
    assert_eq!(page.data.len(), 2);
    assert!(page.data.iter().all(|s| s.name.contains("Survival")));
    let egg = page.data[0].relationships.as_ref().unwrap().egg.clone().flatten().expect("egg included");
    assert!(!egg.name.is_empty());
    let q = panel.requests().last().unwrap().query.clone().unwrap();
    assert!(
        q.contains("filter%5Bname%5D=Survival") && q.contains("include=egg") && q.contains("per_page=2"),
        "{q}"
    );
}

#[test]
fn iter_keeps_filters_and_page_size_on_every_page() {
    let panel = FakePanel::start();
    let params = ListServers::new().filter("name", "Survival").per_page(1);
    let names: Vec<String> =
        owner(&panel).servers().iter(&params).unwrap().map(|s| s.unwrap().name).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.contains("Survival")));
    let queries: Vec<String> = panel.requests().into_iter().map(|r| r.query.unwrap_or_default()).collect();
    assert_eq!(queries.len(), 3);
    for (i, q) in queries.iter().enumerate() {
        assert!(q.contains("filter%5Bname%5D=Survival"), "page {} lost the filter: {q}", i + 1);
        assert!(q.contains("per_page=1"), "page {} lost per_page: {q}", i + 1);
        assert!(q.contains(&format!("page={}", i + 1)), "{q}");
    }
}

/// A typed walk decodes each page whole, straight from its bytes; it hands out what the generic
/// walk does (the same items, in the one shape), `iter_pages` hands out the same pages, and
/// `all_pages_json` (C's `ptero_call_all_pages`) the same items as one JSON text.
#[test]
fn typed_generic_and_raw_walks_agree_page_for_page() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let typed: Vec<serde_json::Value> = client
        .servers()
        .iter(&ListServers::new().per_page(2))
        .unwrap()
        .map(|s| serde_json::to_value(s.unwrap()).unwrap())
        .collect();
    let generic: Vec<serde_json::Value> =
        client.iter_values("servers.list", json!({"per_page": 2})).unwrap().map(Result::unwrap).collect();
    let pages: Vec<serde_json::Value> = client
        .iter_pages("servers.list", json!({"per_page": 2}))
        .unwrap()
        .map(|page| page.unwrap().to_value().unwrap())
        .collect();
    assert_eq!(typed.len(), 5);
    assert_eq!(typed, generic);
    assert_eq!(pages.len(), 3, "5 servers, 2 a page");
    let items: Vec<serde_json::Value> =
        pages.iter().flat_map(|p| p["data"].as_array().unwrap().clone()).collect();
    assert_eq!(items, generic);
    assert_eq!(pages[2]["meta"]["pagination"]["current_page"], 3);
    let text = client.all_pages_json("servers.list", json!({"per_page": 2})).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), json!(generic));
    assert_eq!(panel.requests().len(), 12, "each walk asks for each page once");
    let none = client.all_pages_json("servers.list", json!({"filter": {"name": "no such server"}}));
    assert_eq!(none.unwrap(), "[]");
    assert!(client.iter_pages("server.get", json!({"server": SURVIVAL})).is_err(), "not paginated");
}

/// A page with an item that does not fit its model: the items before it are still handed out,
/// then the error names the field, then the items after it.
#[test]
fn a_typed_walk_hands_out_the_items_before_one_that_does_not_fit() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let mut doc: serde_json::Value =
        serde_json::from_slice(&client.call_raw("servers.list", json!({})).unwrap().into_bytes()).unwrap();
    doc["data"][1]["attributes"]["limits"]["memory"] = json!("lots");
    panel.set_fault("/api/client", fake_panel::Fault::Document { text: doc.to_string() });
    let mut servers = client.servers().iter(&ListServers::new()).unwrap();
    assert_eq!(servers.next().unwrap().unwrap().identifier, doc["data"][0]["attributes"]["identifier"]);
    match servers.next() {
        Some(Err(Error::Decode { path, message })) => {
            assert_eq!(path, "limits.memory", "{message}");
            assert!(message.contains("lots"), "{message}");
        }
        other => panic!("expected the second item's decode error, got {other:?}"),
    }
    let rest: Vec<String> = servers.map(|s| s.unwrap().identifier).collect();
    let sent = doc["data"].as_array().unwrap().len();
    assert_eq!(rest.len(), sent - 2, "{rest:?}");
    assert_eq!(rest[0], doc["data"][2]["attributes"]["identifier"]);
}

#[test]
fn unknown_filter_is_refused_before_sending_with_the_filters_the_panel_knows() {
    // The panel would answer 400 InvalidFilterQuery; the declaration knows its filters.
    let panel = FakePanel::start();
    let err = owner(&panel).servers().list(&ListServers::new().filter("nmae", "x")).unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("did you mean \"name\"?"), "{err}");
    assert!(panel.requests().is_empty());
}

#[test]
fn subuser_sees_only_shared_servers() {
    let panel = FakePanel::start();
    let page = subuser(&panel).servers().list(&ListServers::new()).unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].identifier, SURVIVAL);
    assert!(!page.data[0].server_owner);
}

#[test]
fn permissions_lists_every_key() {
    let panel = FakePanel::start();
    let perms = owner(&panel).permissions().unwrap();
    assert!(matches!(perms.permissions, PermissionSet::Grouped(_)));
    let keys = perms.permissions.keys();
    for k in ["control.console", "allocation.update", "startup.docker-image", "websocket.connect"] {
        assert!(keys.iter().any(|x| x == k), "{k} missing from {keys:?}");
    }
}

#[test]
fn details_carry_meta_for_owner_and_subuser() {
    let panel = FakePanel::start();
    let d = owner(&panel).server(SURVIVAL).details().unwrap();
    assert_eq!(d.name, "Survival");
    assert!(d.meta.is_server_owner);
    assert_eq!(d.meta.user_permissions, vec!["*"]);
    let d = subuser(&panel).server(SURVIVAL).details().unwrap();
    assert!(!d.meta.is_server_owner);
    assert!(d.meta.user_permissions.iter().any(|p| p == "control.console"));
    assert!(!d.meta.user_permissions.iter().any(|p| p == "control.stop"));
}

#[test]
fn details_accept_the_full_uuid_and_include_subusers() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let uuid = client.server(SURVIVAL).details().unwrap().uuid.clone();
    let d = client.server(&uuid).details_with(&["subusers", "egg"]).unwrap();
    assert_eq!(d.identifier, SURVIVAL);
    let subusers = d.relationships.as_ref().unwrap().subusers.clone().flatten().expect("subusers included");
    assert!(subusers.iter().any(|u| u.username == "helper"));
}

#[test]
fn unknown_or_foreign_server_is_404_and_suspended_is_409_except_details() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let errors = api_error(client.server(STRANGERS).details(), 404);
    assert_eq!(errors[0].code, "NotFoundHttpException");
    api_error(client.server("00000000").resources(), 404);
    assert!(client.server(SUSPENDED).details().is_ok());
    let errors = api_error(client.server(SUSPENDED).resources(), 409);
    assert_eq!(errors[0].code, "ServerStateConflictException");
}

#[test]
fn resources_report_the_power_state() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let stats = client.server(SURVIVAL).resources().unwrap();
    assert_eq!(stats.current_state, "offline");
    assert_eq!(stats.state(), pterodactyl_client::ServerState::Offline);
    let running = client.server(SKYBLOCK).resources().unwrap();
    assert_eq!(running.current_state, "running");
    assert!(running.resources.memory_bytes > 0);
}

#[test]
fn websocket_credentials_point_at_the_node() {
    let panel = FakePanel::start();
    let creds = owner(&panel).server(SURVIVAL).websocket().unwrap();
    assert!(creds.socket.starts_with("ws://127.0.0.1:"), "{}", creds.socket);
    assert!(creds.socket.ends_with("/ws"));
    assert!(!creds.token.is_empty());
    assert!(!format!("{creds:?}").contains(&creds.token), "the token must not be printed");
}

#[test]
fn typed_results_serialize_to_exactly_what_the_generic_call_returns() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let server = client.server(SURVIVAL);
    let same = |typed: serde_json::Value, op: &str, params: serde_json::Value| {
        let generic = client.call(op, params).unwrap();
        assert_eq!(typed, generic, "{op}: the typed model and the generic call disagree");
    };
    same(
        serde_json::to_value(client.servers().list(&ListServers::new()).unwrap()).unwrap(),
        "servers.list",
        json!({}),
    );
    same(serde_json::to_value(client.permissions().unwrap()).unwrap(), "permissions.get", json!(null));
    same(
        serde_json::to_value(server.details_with(&["egg", "subusers"]).unwrap()).unwrap(),
        "server.get",
        json!({"server": SURVIVAL, "include": "egg,subusers"}),
    );
    same(
        serde_json::to_value(server.startup().get().unwrap()).unwrap(),
        "server.startup.get",
        json!({"server": SURVIVAL}),
    );
    same(
        serde_json::to_value(server.allocations().list().unwrap()).unwrap(),
        "server.allocations.list",
        json!({"server": SURVIVAL}),
    );
    same(
        serde_json::to_value(server.activity().list(&Default::default()).unwrap()).unwrap(),
        "server.activity.list",
        json!({"server": SURVIVAL}),
    );
    let ws_typed = serde_json::to_value(server.websocket().unwrap()).unwrap();
    let ws_generic = client.call("server.websocket", json!({"server": SURVIVAL})).unwrap();
    assert_eq!(
        ws_typed.as_object().unwrap().keys().collect::<Vec<_>>(),
        ws_generic.as_object().unwrap().keys().collect::<Vec<_>>()
    );
}
