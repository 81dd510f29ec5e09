//! The fault matrix on the Rust surface: every fault of `tests/fault_matrix.json` (stalls,
//! resets, broken bodies, a proxy's error pages, 429 storms, a redirect to another host, a
//! 100 MB answer, a certificate for another name) against one call of each method. Each must
//! end in the table's error kind, with the fake's request count proving that nothing but a GET
//! was sent twice. The C (tests/c/test_faults.c) and Python (tests/python/test_faults.py)
//! suites run the same table.

mod common;

use common::*;
use fake_panel::{Fault, TLS_CA_PEM};
use pterodactyl_client::ClientOptions;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Matrix {
    options: Value,
    calls: Vec<Call>,
    faults: Vec<Case>,
}

#[derive(Deserialize)]
struct Call {
    method: String,
    op: String,
    params: Value,
    path: String,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    fault: Option<Value>,
    #[serde(default)]
    tls: bool,
    /// Merged over the matrix's options for this case.
    #[serde(default)]
    options: Option<Value>,
    error: String,
    #[serde(default)]
    http_status: Option<u16>,
    requests: usize,
    #[serde(default)]
    requests_get: Option<usize>,
}

fn matrix() -> Matrix {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fault_matrix.json");
    let text = std::fs::read_to_string(path).expect("tests/fault_matrix.json");
    serde_json::from_str(&text).expect("tests/fault_matrix.json is a matrix")
}

/// The fault of a case, with `{panel_on_localhost}` filled in.
fn fault_of(case: &Case, panel: &FakePanel) -> Fault {
    let other_host = panel.base_url().replace("127.0.0.1", "localhost");
    let text = case.fault.as_ref().expect("a fault").to_string().replace("{panel_on_localhost}", &other_host);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not a fault of the fake: {e}", case.name))
}

/// What went wrong with one cell of the matrix, if anything.
fn check(
    case: &Case,
    call: &Call,
    result: pterodactyl_client::Result<Value>,
    panel: &FakePanel,
) -> Option<String> {
    let err = match result {
        Ok(v) => return Some(format!("succeeded with {v}")),
        Err(err) => err,
    };
    let mut wrong = Vec::new();
    if err.kind() != case.error {
        wrong.push(format!("kind {} (wanted {}): {err}", err.kind(), case.error));
    }
    if case.http_status.is_some() && err.status() != case.http_status {
        wrong.push(format!("HTTP status {:?} (wanted {:?})", err.status(), case.http_status));
    }
    let text = format!("{err} {err:?}");
    if text.contains(OWNER_KEY) {
        wrong.push("the error shows the API key".to_owned());
    }
    if case.tls && !text.to_lowercase().contains("certificate") {
        wrong.push(format!("the error does not say it is the certificate: {err}"));
    }
    let requests = panel.requests();
    let want = if call.method == "GET" { case.requests_get.unwrap_or(case.requests) } else { case.requests };
    let sent = requests.iter().filter(|r| r.method == call.method && r.path.ends_with(&call.path)).count();
    if sent != want || requests.len() != want {
        wrong.push(format!("{sent} requests to the path and {} in all (wanted {want})", requests.len()));
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

#[test]
fn every_fault_on_every_method_is_its_typed_error_and_nothing_is_sent_twice() {
    let matrix = matrix();
    let panel = FakePanel::start();
    let options = ClientOptions::from_json(matrix.options.clone()).unwrap();
    let plain = Client::builder(panel.base_url(), OWNER_KEY).options(&options).build().unwrap();
    let tls = Client::builder(panel.tls_url(), OWNER_KEY)
        .options(&options)
        .add_root_certificate_pem(TLS_CA_PEM)
        .build()
        .unwrap();
    let mut failures = Vec::new();
    let mut cells = 0;
    for case in &matrix.faults {
        let own = case.options.as_ref().map(|extra| {
            let mut merged = matrix.options.clone();
            for (k, v) in extra.as_object().expect("options are an object") {
                merged[k] = v.clone();
            }
            let options = ClientOptions::from_json(merged).unwrap();
            Client::builder(panel.base_url(), OWNER_KEY).options(&options).build().unwrap()
        });
        for call in &matrix.calls {
            panel.reset();
            let client = match (&own, case.tls) {
                (_, true) => &tls,
                (Some(own), false) => own,
                (None, false) => &plain,
            };
            if !case.tls {
                panel.set_fault(&call.path, fault_of(case, &panel));
            }
            let result = client.call(&call.op, call.params.clone());
            if let Some(wrong) = check(case, call, result, &panel) {
                failures.push(format!("{} / {} {}: {wrong}", case.name, call.method, call.op));
            }
            cells += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {cells} cells failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(cells, matrix.faults.len() * matrix.calls.len());
}

#[test]
fn the_https_listener_works_for_a_client_that_skips_the_name_check() {
    // The refusal in the matrix is the certificate's name, not a broken listener.
    let panel = FakePanel::start();
    let client =
        Client::builder(panel.tls_url(), OWNER_KEY).danger_accept_invalid_certs(true).build().unwrap();
    client.permissions().unwrap();
    assert_eq!(count(&panel, "GET", "/permissions"), 1);
}

#[test]
fn a_refused_certificate_is_not_tried_again() {
    // A refused handshake fails the same way every time: one connection per call, even with
    // retries to spare (a connection that could not be made at all would be tried 4 times).
    let panel = FakePanel::start();
    let client = Client::builder(panel.tls_url(), OWNER_KEY)
        .add_root_certificate_pem(TLS_CA_PEM)
        .retry_policy(
            RetryPolicy::default().max_retries(3).initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    for (op, params) in [
        ("server.resources", json!({"server": SURVIVAL})),
        ("server.power", json!({"server": SURVIVAL, "signal": "start"})),
    ] {
        let before = panel.tls_connections();
        match client.call(op, params) {
            Err(Error::Transport { message, connect: false }) => {
                assert!(message.contains("certificate"), "{message}")
            }
            other => panic!("{op}: a refused certificate is a final Transport error, got {other:?}"),
        }
        assert_eq!(panel.tls_connections() - before, 1, "{op}: connections made");
    }
}

#[test]
fn a_redirect_is_not_followed_and_names_where_it_pointed() {
    let panel = FakePanel::start();
    let other_host = panel.base_url().replace("127.0.0.1", "localhost");
    let location = format!("{other_host}/api/client/account");
    panel.set_fault("/resources", Fault::Redirect { location: location.clone() });
    match owner(&panel).server(SURVIVAL).resources() {
        Err(Error::NotJson { status: 302, location: Some(at), .. }) => assert_eq!(at, location),
        other => panic!("expected a 302 NotJson, got {other:?}"),
    }
    // The key never went to the other host: nothing but the one request arrived.
    assert_eq!(panel.requests().len(), 1);
}

#[test]
fn a_fault_is_cleared_by_reset_and_the_client_recovers() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    panel.set_fault("/resources", Fault::ResetBeforeHeaders);
    assert!(matches!(client.server(SURVIVAL).resources(), Err(Error::Transport { .. })));
    panel.clear_faults();
    client.server(SURVIVAL).resources().unwrap();
}

/// A server on loopback that answers every request with `body` (200, JSON), then closes.
fn echoing_server(body: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { return };
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

#[test]
fn a_typed_decoding_error_never_shows_a_key_the_panel_echoed() {
    // Found by the `answer` fuzz target: serde names the value it could not read, and a panel
    // or proxy that echoes the request may put the key exactly there.
    let body = format!(r#"{{"object":"user","attributes":{{"id":"{OWNER_KEY}","admin":false}}}}"#);
    let client = Client::new(&echoing_server(body), OWNER_KEY).unwrap();
    match client.account().get() {
        Err(err @ Error::Decode { .. }) => {
            let text = format!("{err} {err:?}");
            assert!(!text.contains(OWNER_KEY), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
        other => panic!("expected a decoding error, got {other:?}"),
    }
}

#[test]
fn an_input_error_never_shows_a_key_the_caller_passed_by_mistake() {
    // Found by the `prepare` fuzz target: the checks name what the caller passed (a parameter's
    // name or value, an operation id), and a key pasted into the wrong place must not reach a
    // log. Every check fails before anything is sent: the address is never contacted.
    let client = Client::new("http://127.0.0.1:9", OWNER_KEY).unwrap();
    let blocking = [
        client.call("server.power", json!({ OWNER_KEY: "start" })),
        client.call("server.power", json!({ "server": "d3aac109", "signal": OWNER_KEY })),
        client.call(OWNER_KEY, json!({})),
        client.iter_values(OWNER_KEY, json!({})).map(|_| Value::Null),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let async_client = client.to_async();
    let asynchronous = [
        runtime.block_on(async_client.call("server.power", json!({ OWNER_KEY: "start" }))),
        runtime.block_on(async_client.call(OWNER_KEY, json!({}))),
        async_client.iter_values(OWNER_KEY, json!({})).map(|_| Value::Null),
    ];
    for outcome in blocking.into_iter().chain(asynchronous) {
        match outcome {
            Err(err @ Error::InvalidInput(_)) => {
                let text = format!("{err} {err:?}");
                assert!(!text.contains(OWNER_KEY), "{text}");
                assert!(text.contains("<redacted>"), "{text}");
            }
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
    }
}
