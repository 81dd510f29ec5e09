//! Tests of the fake panel itself: the seed, the error shape, the throttle, the controls,
//! the power state machine and the websocket.

use fake_panel::{FakePanel, APPLICATION_KEY, OWNER_KEY, SUBUSER_KEY};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn api(panel: &FakePanel, method: reqwest::Method, key: &str, path: &str) -> RequestBuilder {
    http()
        .request(method, format!("{}/api/client{path}", panel.base_url()))
        .bearer_auth(key)
        .header("Accept", "application/json")
}

fn get(panel: &FakePanel, key: &str, path: &str) -> Response {
    api(panel, reqwest::Method::GET, key, path).send().expect("request")
}

fn post(panel: &FakePanel, key: &str, path: &str, body: Value) -> Response {
    api(panel, reqwest::Method::POST, key, path).json(&body).send().expect("request")
}

fn identifiers(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["attributes"]["identifier"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn keys_have_the_panel_shape() {
    for key in [OWNER_KEY, SUBUSER_KEY, APPLICATION_KEY] {
        assert_eq!(key.len(), 48, "{key}");
    }
    assert!(OWNER_KEY.starts_with("ptlc_") && SUBUSER_KEY.starts_with("ptlc_"));
    assert!(APPLICATION_KEY.starts_with("ptla_"));
}

#[test]
fn owner_lists_the_five_seeded_servers_in_order() {
    let panel = FakePanel::start();
    let res = get(&panel, OWNER_KEY, "/");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().unwrap();
    assert_eq!(identifiers(&body), ["d3aac109", "1a7ce997", "5b2e8f10", "7c4d2e11", "9e8f7a6b"]);
    let survival = &body["data"][0]["attributes"];
    assert_eq!(survival["uuid"], "d3aac109-e5e0-4331-b03e-3454f7e136dc");
    assert_eq!(survival["server_owner"], true);
    assert_eq!(survival["invocation"], "java -Xms128M -Xmx1024M -jar server.jar");
    assert_eq!(
        survival["relationships"]["allocations"]["data"][0]["attributes"],
        json!({"id": 15, "ip": "45.86.168.218", "ip_alias": null, "port": 25565, "notes": null, "is_default": true})
    );
    assert_eq!(survival["relationships"]["variables"]["object"], "list");
    assert!(survival["relationships"].get("egg").is_none());
    assert_eq!(
        body["meta"]["pagination"],
        json!({"total": 5, "count": 5, "per_page": 50, "current_page": 1, "total_pages": 1, "links": {}})
    );
    assert_eq!(body["data"][4]["attributes"]["status"], "suspended");
}

#[test]
fn subuser_sees_only_survival_with_hidden_variables() {
    let panel = FakePanel::start();
    let body: Value = get(&panel, SUBUSER_KEY, "/?include=egg,subusers").json().unwrap();
    assert_eq!(identifiers(&body), ["d3aac109"]);
    let a = &body["data"][0]["attributes"];
    assert_eq!(a["server_owner"], false);
    assert_eq!(a["invocation"], "java -Xms128M -Xmx1024M -jar [hidden]");
    assert_eq!(a["relationships"]["variables"], json!({"object": "null_resource", "attributes": null}));
    assert_eq!(a["relationships"]["subusers"], json!({"object": "null_resource", "attributes": null}));
    assert_eq!(a["relationships"]["egg"]["attributes"]["name"], "Paper");

    let detail: Value = get(&panel, SUBUSER_KEY, "/servers/d3aac109").json().unwrap();
    assert_eq!(detail["meta"]["is_server_owner"], false);
    assert_eq!(
        detail["meta"]["user_permissions"],
        json!(["websocket.connect", "control.console", "control.start", "allocation.read", "activity.read"])
    );
}

#[test]
fn errors_use_the_panel_envelope() {
    let panel = FakePanel::start();
    let res = get(&panel, "ptlc_nobodynobody0000000000000000000000000000000", "/");
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"errors": [{"code": "AuthenticationException", "status": "401", "detail": "Unauthenticated."}]})
    );

    let res = post(&panel, OWNER_KEY, "/servers/d3aac109/power", json!({"signal": "dance"}));
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"errors": [{"code": "ValidationException", "status": "422",
            "detail": "The selected signal is invalid.",
            "meta": {"source_field": "signal", "rule": "in"}}]})
    );

    let res = post(&panel, SUBUSER_KEY, "/servers/d3aac109/power", json!({"signal": "stop"}));
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<Value>().unwrap()["errors"][0]["code"], "AccessDeniedHttpException");

    let res = get(&panel, APPLICATION_KEY, "/");
    assert_eq!(res.status(), 403);

    let res = get(&panel, OWNER_KEY, "/servers/f00dfeed");
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().unwrap()["errors"][0]["detail"],
        "The requested resource does not exist on this server."
    );

    let res = get(&panel, OWNER_KEY, "/servers/9e8f7a6b/resources");
    assert_eq!(res.status(), 409);

    let res = http().get(format!("{}/api/client", panel.base_url())).send().unwrap();
    assert_eq!(res.status(), 302);
    assert!(res.headers()["location"].to_str().unwrap().ends_with("/auth/login"));
}

#[test]
fn throttle_headers_and_429() {
    let panel = FakePanel::start();
    let res = get(&panel, OWNER_KEY, "/permissions");
    assert_eq!(res.headers()["x-ratelimit-limit"], "720");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "719");

    panel.set_rate_limit(2, Duration::from_secs(30));
    assert_eq!(get(&panel, OWNER_KEY, "/permissions").status(), 200);
    let res = get(&panel, OWNER_KEY, "/permissions");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let res = get(&panel, OWNER_KEY, "/permissions");
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry));
    assert!(res.headers().contains_key("x-ratelimit-reset"));
    assert_eq!(
        res.json::<Value>().unwrap()["errors"][0],
        json!({"code": "ThrottleRequestsException", "status": "429", "detail": "Too Many Attempts."})
    );
    // Per key: the subuser still has its own window.
    assert_eq!(get(&panel, SUBUSER_KEY, "/permissions").status(), 200);
    panel.clear_faults();
    assert_eq!(get(&panel, OWNER_KEY, "/permissions").status(), 200);
}

#[test]
fn controls_work_in_rust_and_over_http() {
    let panel = FakePanel::start();
    let base = panel.base_url().to_string();
    let client = http();

    client.post(format!("{base}/__fake/html")).body(r#"{"path_contains":"/permissions"}"#).send().unwrap();
    let res = get(&panel, OWNER_KEY, "/permissions");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(res.text().unwrap().contains("Login"));

    client.post(format!("{base}/__fake/clear_faults")).send().unwrap();
    panel.set_slow("/resources", Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(&panel, OWNER_KEY, "/servers/d3aac109/resources").status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let recorded = panel.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[1].method, "GET");
    assert_eq!(recorded[1].path, "/api/client/servers/d3aac109/resources");
    assert_eq!(recorded[1].header("authorization"), Some(format!("Bearer {OWNER_KEY}").as_str()));
    let over_http: Value = client.get(format!("{base}/__fake/requests")).send().unwrap().json().unwrap();
    assert_eq!(over_http.as_array().unwrap().len(), 2);
    assert_eq!(over_http[1]["headers"]["accept"], "application/json");

    post(&panel, OWNER_KEY, "/servers/d3aac109/settings/rename", json!({"name": "Renamed"}));
    client.post(format!("{base}/__fake/reset")).send().unwrap();
    assert!(panel.requests().is_empty());
    let body: Value = get(&panel, OWNER_KEY, "/servers/d3aac109").json().unwrap();
    assert_eq!(body["attributes"]["name"], "Survival");
}

fn current_state(panel: &FakePanel, server: &str) -> String {
    let body: Value = get(panel, OWNER_KEY, &format!("/servers/{server}/resources")).json().unwrap();
    body["attributes"]["current_state"].as_str().unwrap().to_string()
}

#[test]
fn power_moves_through_the_state_machine() {
    let panel = FakePanel::start();
    assert_eq!(current_state(&panel, "d3aac109"), "offline");
    assert_eq!(
        post(&panel, OWNER_KEY, "/servers/d3aac109/command", json!({"command": "list"})).status(),
        502
    );
    assert_eq!(post(&panel, OWNER_KEY, "/servers/d3aac109/power", json!({"signal": "start"})).status(), 204);
    assert_eq!(current_state(&panel, "d3aac109"), "starting");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(current_state(&panel, "d3aac109"), "running");
    assert_eq!(
        post(&panel, SUBUSER_KEY, "/servers/d3aac109/command", json!({"command": "list"})).status(),
        204
    );
    post(&panel, OWNER_KEY, "/servers/d3aac109/power", json!({"signal": "stop"}));
    assert_eq!(current_state(&panel, "d3aac109"), "stopping");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(current_state(&panel, "d3aac109"), "offline");
    assert_eq!(current_state(&panel, "7c4d2e11"), "running");
    post(&panel, OWNER_KEY, "/servers/7c4d2e11/power", json!({"signal": "kill"}));
    assert_eq!(current_state(&panel, "7c4d2e11"), "offline");

    let activity: Value =
        get(&panel, OWNER_KEY, "/servers/d3aac109/activity?sort=-timestamp&per_page=3").json().unwrap();
    let events: Vec<&str> = activity["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attributes"]["event"].as_str().unwrap())
        .collect();
    // Same-second timestamps: check membership, not order.
    for expected in ["server:power.start", "server:console.command", "server:power.stop"] {
        assert!(events.contains(&expected), "{events:?}");
    }
}

mod websocket {
    use super::*;
    use tungstenite::client::IntoClientRequest;
    use tungstenite::{Message, WebSocket};

    type Socket = WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

    fn credentials(panel: &FakePanel, key: &str, server: &str) -> (String, String) {
        let body: Value = get(panel, key, &format!("/servers/{server}/websocket")).json().unwrap();
        (
            body["data"]["token"].as_str().unwrap().to_string(),
            body["data"]["socket"].as_str().unwrap().to_string(),
        )
    }

    fn connect(socket: &str, origin: &str) -> Result<Socket, tungstenite::Error> {
        let mut request = socket.into_client_request().unwrap();
        request.headers_mut().insert("Origin", origin.parse().unwrap());
        let (ws, _) = tungstenite::connect(request)?;
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        }
        Ok(ws)
    }

    fn send(ws: &mut Socket, event: &str, args: &[&str]) {
        let frame = json!({"event": event, "args": args}).to_string();
        ws.send(Message::Text(frame.into())).unwrap();
    }

    /// Reads frames until one has `event` (returning its args), failing after a timeout.
    fn expect(ws: &mut Socket, event: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let msg = ws.read().expect("frame");
            if let Message::Text(text) = msg {
                let v: Value = serde_json::from_str(text.as_str()).unwrap();
                if v["event"] == event {
                    return v["args"]
                        .as_array()
                        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                        .unwrap_or_default();
                }
            }
        }
        panic!("no {event} event");
    }

    #[test]
    fn refuses_a_foreign_origin() {
        let panel = FakePanel::start();
        let (_, socket) = credentials(&panel, OWNER_KEY, "d3aac109");
        match connect(&socket, "https://evil.example.com") {
            Err(tungstenite::Error::Http(res)) => assert_eq!(res.status(), 403),
            other => panic!("expected 403, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn auth_status_power_and_console() {
        let panel = FakePanel::start();
        let (token, socket) = credentials(&panel, SUBUSER_KEY, "d3aac109");
        assert!(socket.starts_with("ws://127.0.0.1:"));
        let mut ws = connect(&socket, panel.base_url()).unwrap();

        send(&mut ws, "send stats", &[]);
        assert_eq!(expect(&mut ws, "jwt error"), ["jwt: no jwt present"]);

        send(&mut ws, "auth", &[&token]);
        expect(&mut ws, "auth success");
        assert_eq!(expect(&mut ws, "status"), ["offline"]);
        let stats: Value = serde_json::from_str(&expect(&mut ws, "stats")[0]).unwrap();
        assert_eq!(stats["state"], "offline");

        send(&mut ws, "set state", &["start"]);
        assert_eq!(expect(&mut ws, "status"), ["starting"]);
        assert_eq!(expect(&mut ws, "status"), ["running"]);

        send(&mut ws, "send command", &["say hi"]);
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            assert!(Instant::now() < deadline, "no echo");
            if expect(&mut ws, "console output") == ["> say hi"] {
                break;
            }
        }

        send(&mut ws, "auth", &["not.a.token"]);
        let err = expect(&mut ws, "daemon error");
        assert!(err[0].starts_with("Error Event ["));

        // Power from the HTTP side shows up on the socket too.
        post(&panel, OWNER_KEY, "/servers/d3aac109/power", json!({"signal": "kill"}));
        assert_eq!(expect(&mut ws, "status"), ["offline"]);
    }
}
