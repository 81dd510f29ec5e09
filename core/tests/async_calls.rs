//! The async client against the fake panel: every call shape (typed, generic, page stream), the
//! retry on 429 waiting with the runtime's timer, cancellation by dropping, the in-flight bound,
//! and errors equal to the blocking client's.

mod common;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use pterodactyl_client::{
    AsyncClient, ListActivity, ListServers, PowerSignal, ScheduleParams, Stats, TaskParams,
};
use serde_json::json;

/// Runs `body` on a current-thread runtime: one thread, so anything that blocked it would stall
/// every other task of the test.
fn run<F: Future>(body: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(body)
}

fn async_owner(panel: &FakePanel) -> AsyncClient {
    owner(panel).to_async()
}

/// Yields to the runtime until the panel has recorded `n` requests ending with `suffix`.
async fn until_recorded(panel: &FakePanel, method: &str, suffix: &str, n: usize) {
    for _ in 0..2000 {
        if count(panel, method, suffix) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the panel never received {n} {method} …{suffix}");
}

#[test]
fn typed_methods_answer_what_the_blocking_ones_do() {
    let panel = FakePanel::start();
    let blocking = owner(&panel);
    let client = blocking.to_async();
    let expected = blocking.server(SURVIVAL).details().unwrap();
    run(async {
        let server = client.server(SURVIVAL);
        assert_eq!(server.details().await.unwrap(), expected);
        assert_eq!(server.resources().await.unwrap().current_state, "offline");
        assert_eq!(client.account().get().await.unwrap().username, "owner");
        assert!(client
            .permissions()
            .await
            .unwrap()
            .permissions
            .keys()
            .contains(&"control.console".to_owned()));
        assert_eq!(server.allocations().list().await.unwrap().len(), 2);

        server.files().write("/async.txt", b"hello from tokio\n").await.unwrap();
        assert_eq!(server.files().contents_text("/async.txt").await.unwrap(), "hello from tokio\n");
        server.files().write("/binary.bin", &[0xff, 0xfe]).await.unwrap();
        let err = server.files().contents_text("/binary.bin").await.unwrap_err();
        assert!(matches!(&err, Error::Decode { .. }), "{err:?}");

        let schedules = server.schedules();
        let nightly =
            schedules.create(&ScheduleParams::new("Nightly", "0", "4", "*", "*", "*")).await.unwrap();
        let task =
            schedules.tasks().create(nightly.id, &TaskParams::power(PowerSignal::Restart)).await.unwrap();
        assert_eq!(schedules.get(nightly.id).await.unwrap().tasks()[0].id, task.id);

        server.power(PowerSignal::Start).await.unwrap();
        server.command("say async").await.unwrap();
    });
    assert_eq!(last_body(&panel, "POST", "/power"), json!({"signal": "start"}));
    assert_eq!(last_body(&panel, "POST", "/command"), json!({"command": "say async"}));
}

#[test]
fn the_futures_are_send_and_static_so_they_may_be_spawned() {
    let panel = FakePanel::start();
    let client = async_owner(&panel);
    // A multi-thread runtime moves tasks between workers: the futures must be `Send + 'static`,
    // and they borrow neither the client nor the handle they came from.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let stats = runtime.block_on(async {
        let tasks: Vec<_> = [SURVIVAL, CREATIVE, SKYBLOCK]
            .into_iter()
            .map(|id| tokio::spawn(client.server(id).resources()))
            .collect();
        let mut states = Vec::new();
        for task in tasks {
            states.push(task.await.unwrap().unwrap().current_state);
        }
        states
    });
    assert_eq!(stats, ["offline", "offline", "running"]);
}

#[test]
fn the_generic_call_answers_the_one_json_shape() {
    let panel = FakePanel::start();
    let blocking = owner(&panel);
    let client = blocking.to_async();
    let params = json!({"filter": {"name": "Survival"}, "per_page": 10});
    let page = run(client.call("servers.list", params.clone())).unwrap();
    assert_eq!(page, blocking.call("servers.list", params).unwrap());
    assert_eq!(page["data"][0]["identifier"], SURVIVAL);
    let none = run(client.call("server.power", json!({"server": SURVIVAL, "signal": "kill"}))).unwrap();
    assert_eq!(none, serde_json::Value::Null);
    let raw = run(client.call_raw_with_content(
        "server.files.write",
        json!({"server": SURVIVAL, "file": "/raw.txt"}),
        b"raw".to_vec(),
    ))
    .unwrap();
    assert!(raw.into_bytes().is_empty());
    assert_eq!(owner(&panel).server(SURVIVAL).files().contents("/raw.txt").unwrap(), b"raw");
}

#[test]
fn the_page_stream_walks_every_page_with_the_filters_kept() {
    let panel = FakePanel::start();
    let client = async_owner(&panel);
    let names = run(async {
        let mut stream =
            client.servers().iter(&ListServers::new().filter("name", "Survival").per_page(1)).unwrap();
        let mut names = Vec::new();
        while let Some(server) = stream.next().await {
            names.push(server.unwrap().name);
        }
        names
    });
    assert_eq!(names, ["Survival", "Survival Test", "Skyblock Survival"]);
    let pages: Vec<_> = panel.requests().into_iter().filter(|r| r.path.ends_with("/api/client")).collect();
    assert_eq!(pages.len(), 3);
    for (i, page) in pages.iter().enumerate() {
        let query = page.query.as_deref().unwrap_or("");
        assert!(
            query.contains("filter%5Bname%5D=Survival") || query.contains("filter[name]=Survival"),
            "{query}"
        );
        assert!(query.contains(&format!("page={}", i + 1)), "{query}");
    }

    // The same walk through the `Stream` trait, and the generic stream of JSON values.
    let events = run(async {
        let mut stream = client.server(SURVIVAL).activity().iter(&ListActivity::new().per_page(2)).unwrap();
        let mut events = Vec::new();
        while let Some(entry) =
            std::future::poll_fn(|cx| futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), cx))
                .await
        {
            events.push(entry.unwrap().event);
        }
        events
    });
    assert_eq!(events.len(), 5);
    let values = run(async {
        let mut stream = client.iter_values("servers.list", json!({"per_page": 2})).unwrap();
        let mut ids = Vec::new();
        while let Some(v) = stream.next().await {
            ids.push(v.unwrap()["identifier"].as_str().unwrap().to_owned());
        }
        ids
    });
    assert_eq!(values.len(), 5);
    assert!(client.iter_values("server.get", json!({"server": SURVIVAL})).is_err());
}

#[test]
fn a_429_is_retried_after_waiting_on_the_runtimes_timer() {
    let panel = FakePanel::start();
    panel.set_rate_limit(1, Duration::from_secs(3));
    let limited = Client::builder(panel.base_url(), OWNER_KEY)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build_async()
        .unwrap();
    let other = subuser(&panel).to_async();
    run(async {
        limited.server(SURVIVAL).resources().await.unwrap();
        // The next call is answered 429 (Retry-After: about 3 s) and waits to retry.
        let waiting = tokio::spawn(limited.server(SURVIVAL).resources());
        until_recorded(&panel, "GET", "/resources", 2).await;
        // The wait does not hold the runtime's only thread: another call runs to completion
        // meanwhile.
        other.server(SURVIVAL).details().await.unwrap();
        assert!(!waiting.is_finished(), "the retry should still be waiting out Retry-After");
        waiting.await.unwrap().unwrap();
    });
    assert_eq!(count(&panel, "GET", "/resources"), 3);
}

#[test]
fn a_post_answered_429_is_not_repeated() {
    let panel = FakePanel::start();
    panel.set_rate_limit(1, Duration::from_secs(30));
    let client = quick(&panel, OWNER_KEY).to_async();
    run(async {
        client.server(SURVIVAL).resources().await.unwrap();
        let err = client.server(SURVIVAL).power(PowerSignal::Start).await.unwrap_err();
        assert!(matches!(err, Error::RateLimited { retry_after: Some(_), .. }), "{err:?}");
    });
    assert_eq!(count(&panel, "POST", "/power"), 1);
}

/// A client with one place for calls in flight, and a panel that never answers `/resources`.
fn one_place(panel: &FakePanel) -> AsyncClient {
    panel.set_slow("/resources", Duration::from_secs(60));
    Client::builder(panel.base_url(), OWNER_KEY).max_in_flight(1).build_async().unwrap()
}

/// Takes the one place with a call the panel holds, once the panel has it.
async fn hold_the_place(
    panel: &FakePanel,
    client: &AsyncClient,
) -> tokio::task::JoinHandle<Result<Stats, Error>> {
    let slow = tokio::spawn(client.server(SURVIVAL).resources());
    until_recorded(panel, "GET", "/resources", 1).await;
    slow
}

#[test]
fn dropping_a_call_abandons_it_and_frees_its_place() {
    let panel = FakePanel::start();
    let client = one_place(&panel);
    run(async {
        let slow = hold_the_place(&panel, &client).await;
        slow.abort();
        assert!(slow.await.unwrap_err().is_cancelled());
        // The only place is free again: this call does not wait for the abandoned one.
        let next = tokio::time::timeout(Duration::from_secs(30), client.server(SURVIVAL).details());
        next.await.expect("the abandoned call kept its place").unwrap();
    });
}

#[test]
fn calls_beyond_max_in_flight_wait_their_turn() {
    let panel = FakePanel::start();
    let client = one_place(&panel);
    run(async {
        let slow = hold_the_place(&panel, &client).await;
        let queued = tokio::spawn(client.account().get());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(count(&panel, "GET", "/account"), 0, "a second call went out while one was in flight");
        assert!(!queued.is_finished());

        // `try_call_raw` refuses at once instead of waiting.
        match client.try_call_raw("account.get", json!({})) {
            Err(Error::Busy { limit: 1 }) => {}
            Err(other) => panic!("expected Busy, got {other:?}"),
            Ok(_) => panic!("expected Busy, got a call"),
        }

        slow.abort();
        assert_eq!(queued.await.unwrap().unwrap().username, "owner");
        let raw = client.try_call_raw("account.get", json!({})).unwrap().await.unwrap();
        assert!(!raw.into_bytes().is_empty());
    });
    assert_eq!(count(&panel, "GET", "/account"), 2);
}

#[test]
fn errors_are_the_blocking_clients_errors() {
    let panel = FakePanel::start();
    let blocking = owner(&panel);
    let client = blocking.to_async();
    let from_blocking = blocking.server("nothere1").details().unwrap_err();
    run(async {
        let (Error::Api { status: 404, errors: a }, Error::Api { status: 404, errors: b }) =
            (client.server("nothere1").details().await.unwrap_err(), &from_blocking)
        else {
            panic!("expected two 404s");
        };
        assert_eq!(&a, b);
        let err = client.call("server.pwoer", json!({})).await.unwrap_err();
        assert!(err.to_string().contains("server.power"), "{err}");
        let err = client.server("../account").details().await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        let err =
            client.call("server.power", json!({"server": SURVIVAL, "signal": "explode"})).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        let err = client.with_timeout(Duration::ZERO).permissions().await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    });
    assert!(panel.requests().iter().all(|r| !r.path.contains("account")), "refused input sent a request");

    panel.set_html("/resources");
    let err = run(client.server(SURVIVAL).resources()).unwrap_err();
    assert!(matches!(err, Error::NotJson { status: 200, .. }), "{err:?}");

    // The rate-limit record is shared with the blocking client.
    assert!(blocking.rate_limit().is_some());
    assert_eq!(blocking.rate_limit(), client.rate_limit());
}

#[test]
fn a_slow_panel_times_out_and_a_refused_connection_is_retried_then_reported() {
    let panel = FakePanel::start();
    panel.set_slow("/resources", Duration::from_secs(5));
    let client = Client::builder(panel.base_url(), OWNER_KEY)
        .timeout(Duration::from_millis(300))
        .build_async()
        .unwrap();
    let err = run(client.server(SURVIVAL).resources()).unwrap_err();
    assert!(matches!(err, Error::Timeout { phase: "request", .. }), "{err:?}");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder(&format!("http://127.0.0.1:{port}"), OWNER_KEY)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build_async()
        .unwrap();
    let err = run(client.server(SURVIVAL).power(PowerSignal::Start)).unwrap_err();
    assert!(matches!(err, Error::Transport { connect: true, .. }), "{err:?}");
}

#[test]
fn polled_outside_tokio_a_call_fails_instead_of_panicking() {
    let panel = FakePanel::start();
    let client = async_owner(&panel);
    let mut call = client.server(SURVIVAL).resources();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match call.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(Error::Transport { message, connect: false })) => {
            assert!(message.contains("tokio"), "{message}")
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(panel.requests().is_empty());
}

#[test]
fn the_async_client_keeps_the_key_out_of_debug() {
    let client = AsyncClient::new("https://panel.example.com", OWNER_KEY).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(OWNER_KEY) && shown.contains("redacted"), "{shown}");
    assert_eq!(client.base_url(), "https://panel.example.com/api/client");
    let err =
        Client::builder("https://panel.example.com", OWNER_KEY).max_in_flight(0).build_async().unwrap_err();
    assert!(err.to_string().contains("max_in_flight"), "{err}");
    // Shared settings both ways.
    let blocking = Arc::new(client.to_blocking());
    assert_eq!(blocking.base_url(), client.base_url());
}
