//! Keys, headers, the generic call, retries, timeouts, non-JSON answers, input checks, redaction.

mod common;
use std::time::Duration;

use common::*;
use pterodactyl_client::{ListServers, PowerSignal};
use serde_json::json;

#[test]
fn every_request_sends_bearer_key_and_accept_json() {
    let panel = FakePanel::start();
    owner(&panel).permissions().unwrap();
    let req = panel.requests().pop().unwrap();
    let header = |name: &str| req.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(header("authorization"), Some(format!("Bearer {OWNER_KEY}")));
    assert_eq!(header("accept").as_deref(), Some("application/json"));
    assert!(header("user-agent").unwrap().starts_with("pterodactyl-client/"));
}

#[test]
fn bad_and_application_keys_are_refused_by_the_panel() {
    let panel = FakePanel::start();
    let bad = Client::new(panel.base_url(), "ptlc_notarealkeynotarealkeynotarealkeynotarealk").unwrap();
    let errors = api_error(bad.permissions(), 401);
    assert_eq!(errors[0].code, "AuthenticationException");
    let app = Client::new(panel.base_url(), APPLICATION_KEY).unwrap();
    let errors = api_error(app.permissions(), 403);
    assert!(errors[0].detail.contains("application API key"), "{errors:?}");
}

#[test]
fn generic_call_reaches_operations_by_id() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let page = client.call("servers.list", json!({"filter": {"name": "Creative"}})).unwrap();
    assert_eq!(page["data"][0]["identifier"], CREATIVE);
    assert_eq!(page["meta"]["pagination"]["total"], 1);
    let null = client.call("server.power", json!({"server": SURVIVAL, "signal": "start"})).unwrap();
    assert!(null.is_null());
    let primary = client
        .call("server.allocations.set_primary", json!({"server": SURVIVAL, "allocation": "16"}))
        .unwrap();
    assert_eq!(primary["is_default"], true);
}

#[test]
fn generic_call_refuses_bad_input_without_a_request() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    for (op, params) in [
        ("server.nope", json!({})),
        ("server.get", json!({})),
        ("server.get", json!({"server": ["d3aac109"]})),
        ("server.get", json!([1, 2])),
        ("server.allocations.assign", json!({"server": SURVIVAL, "port": 25567})),
        ("server.get", json!({"server": "../account"})),
        ("server.get", json!({"server": "a/b"})),
        ("server.get", json!({"server": "x?y"})),
        ("server.get", json!({"server": ".."})),
    ] {
        let err = client.call(op, params.clone()).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{op} {params}: {err:?}");
    }
    let err = client.server("../account").details().unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert!(client.iter_values("server.get", json!({"server": SURVIVAL})).is_err());
    assert!(panel.requests().is_empty(), "no request may leave for refused input");
}

#[test]
fn rate_limit_headers_are_remembered() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    assert!(client.rate_limit().is_none());
    client.permissions().unwrap();
    let first = client.rate_limit().unwrap();
    client.permissions().unwrap();
    let second = client.rate_limit().unwrap();
    assert_eq!(first.limit, second.limit);
    assert_eq!(second.remaining + 1, first.remaining);
}

#[test]
fn get_waits_retry_after_and_retries_a_429() {
    let panel = FakePanel::start();
    panel.set_rate_limit(2, Duration::from_secs(1));
    let client = quick(&panel, OWNER_KEY);
    for _ in 0..3 {
        client.server(SURVIVAL).resources().unwrap();
    }
    // Two served, one answered 429, then served again after Retry-After.
    assert_eq!(count(&panel, "GET", "/resources"), 4);
}

#[test]
fn post_is_not_retried_after_a_429() {
    let panel = FakePanel::start();
    panel.set_rate_limit(1, Duration::from_secs(30));
    let client = quick(&panel, OWNER_KEY);
    client.server(SURVIVAL).resources().unwrap();
    match client.server(SURVIVAL).power(PowerSignal::Start) {
        Err(Error::RateLimited { retry_after, errors }) => {
            assert!(retry_after.unwrap() >= Duration::from_secs(1));
            assert_eq!(errors[0].code, "ThrottleRequestsException");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(count(&panel, "POST", "/power"), 1);
}

#[test]
fn get_gives_up_when_retry_after_exceeds_the_budget() {
    let panel = FakePanel::start();
    panel.set_rate_limit(1, Duration::from_secs(30));
    let client = Client::builder(panel.base_url(), OWNER_KEY)
        .retry_policy(RetryPolicy::default().max_total_wait(Duration::from_secs(2)))
        .build()
        .unwrap();
    client.permissions().unwrap();
    let err = client.permissions().unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.status(), Some(429));
    assert_eq!(count(&panel, "GET", "/permissions"), 2);
}

#[test]
fn a_slow_panel_times_out_and_a_post_is_not_repeated() {
    let panel = FakePanel::start();
    panel.set_slow("/power", Duration::from_secs(3));
    panel.set_slow("/resources", Duration::from_secs(3));
    let client =
        Client::builder(panel.base_url(), OWNER_KEY).timeout(Duration::from_millis(300)).build().unwrap();
    let err = client.server(SURVIVAL).resources().unwrap_err();
    assert!(matches!(err, Error::Timeout { phase: "request", .. }), "{err:?}");
    let err = client.server(SURVIVAL).start().unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(count(&panel, "POST", "/power"), 1);
}

#[test]
fn an_html_answer_is_a_clear_not_json_error() {
    let panel = FakePanel::start();
    panel.set_html("/resources");
    let err = owner(&panel).server(SURVIVAL).resources().unwrap_err();
    match &err {
        Error::NotJson { status, content_type, .. } => {
            assert_eq!(*status, 200);
            assert!(content_type.contains("text/html"));
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert!(err.to_string().contains("HTML"), "{err}");
}

#[test]
fn connection_refused_is_a_transport_error_after_bounded_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder(&format!("http://127.0.0.1:{port}"), OWNER_KEY)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    match client.server(SURVIVAL).start() {
        Err(Error::Transport { connect: true, message }) => assert!(!message.contains(OWNER_KEY)),
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[test]
fn bad_client_settings_are_invalid_input() {
    for url in ["", "panel.example.com", "ftp://panel", "https://panel/?x=1", "https://user:pw@panel"] {
        assert!(matches!(Client::new(url, OWNER_KEY), Err(Error::InvalidInput(_))), "{url:?}");
    }
    assert!(matches!(Client::new("https://panel", ""), Err(Error::InvalidInput(_))));
    assert!(matches!(Client::new("https://panel", "ptlc_\nx"), Err(Error::InvalidInput(_))));
    let bad_pem = Client::builder("https://panel", OWNER_KEY).add_root_certificate_pem("not a pem").build();
    assert!(matches!(bad_pem, Err(Error::InvalidInput(_))));
}

#[test]
fn panel_url_may_have_a_prefix_or_a_trailing_slash() {
    let c = Client::new("https://panel.example.com/", OWNER_KEY).unwrap();
    assert_eq!(c.base_url(), "https://panel.example.com/api/client");
    let c = Client::new("https://example.com/panel", OWNER_KEY).unwrap();
    assert_eq!(c.base_url(), "https://example.com/panel/api/client");
}

#[test]
fn the_key_never_shows_in_debug_display_or_errors() {
    let panel = FakePanel::start();
    let builder = Client::builder(panel.base_url(), SUBUSER_KEY);
    assert!(!format!("{builder:?}").contains(SUBUSER_KEY));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(SUBUSER_KEY));
    let secret_part = &SUBUSER_KEY[16..];
    let errors = [
        client.server(STRANGERS).details().unwrap_err(),
        client.server(SURVIVAL).stop().unwrap_err(),
        client.call("server.get", json!({"server": "../x"})).unwrap_err(),
        Client::new(panel.base_url(), "ptlc_wrongwrongwrongwrongwrongwrongwrongwrongwron")
            .unwrap()
            .permissions()
            .unwrap_err(),
    ];
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains(SUBUSER_KEY) && !text.contains(secret_part), "{text}");
        }
    }
}

#[test]
fn options_that_quote_the_key_are_refused_without_showing_it() {
    let panel = FakePanel::start();
    let named_after_it = json!({ SUBUSER_KEY: 1 });
    let holding_it = json!({ "timeout_ms": SUBUSER_KEY });
    for options in [named_after_it, holding_it] {
        let err = Client::builder(panel.base_url(), SUBUSER_KEY).options_json(options).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(matches!(err, Error::InvalidInput(_)), "{text}");
        assert!(text.contains("bad client options") && text.contains("<redacted>"), "{text}");
        assert!(!text.contains(SUBUSER_KEY), "{text}");
    }
    let client = Client::builder(panel.base_url(), SUBUSER_KEY).build().unwrap();
    let err = client.console_options_json(json!({ SUBUSER_KEY: true })).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("bad console options") && !text.contains(SUBUSER_KEY), "{text}");
    // Options that quote nothing secret are read as before.
    let ok = Client::builder(panel.base_url(), SUBUSER_KEY).options_json(json!({"max_retries": 0}));
    assert!(ok.is_ok());
}

#[test]
fn one_client_is_shared_across_threads() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(client.servers().list(&ListServers::new()).unwrap().data.len(), 5);
                }
            });
        }
    });
    assert_eq!(count(&panel, "GET", "/api/client"), 40);
}

#[test]
fn calling_from_inside_an_async_runtime_is_an_error_not_a_panic() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let err = rt.block_on(async { client.permissions() }).unwrap_err();
    assert!(matches!(err, Error::Transport { connect: false, .. }), "{err:?}");
    assert!(err.to_string().contains("async runtime"));
    assert!(panel.requests().is_empty());
}

#[test]
fn client_and_errors_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<Error>();
    assert_send_sync::<pterodactyl_client::PageIter<serde_json::Value>>();
}

#[test]
fn an_extra_root_certificate_and_the_insecure_opt_out_are_accepted() {
    // A real self-signed certificate (CN=localhost), to check that the PEM is parsed and trusted.
    let pem = include_str!("data/self-signed.pem");
    Client::builder("https://127.0.0.1:1", OWNER_KEY).add_root_certificate_pem(pem).build().unwrap();
    Client::builder("https://127.0.0.1:1", OWNER_KEY).danger_accept_invalid_certs(true).build().unwrap();
}

/// Answers every request on a loopback port with one fixed JSON body (a panel of the wrong shape).
fn fixed_json_server(body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
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
fn a_wrongly_shaped_answer_is_a_decode_error_naming_the_field() {
    let url = fixed_json_server(
        r#"{"object":"stats","attributes":{"current_state":"running","is_suspended":false,"resources":{"memory_bytes":"lots","cpu_absolute":1.0,"disk_bytes":1,"network_rx_bytes":1,"network_tx_bytes":1,"uptime":1}}}"#,
    );
    let client = Client::new(&url, OWNER_KEY).unwrap();
    match client.server(SURVIVAL).resources() {
        Err(Error::Decode { path, message }) => {
            assert_eq!(path, "resources.memory_bytes", "{message}");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The generic call has no model to fit, so the same answer decodes fine there.
    let value = client.call("server.resources", json!({"server": SURVIVAL})).unwrap();
    assert_eq!(value["resources"]["memory_bytes"], "lots");
}
