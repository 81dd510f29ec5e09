//! The client under hostile or unusual conditions: tokio contexts, `fork()`, dropping inside
//! async code, answers that are not the operation's, huge or endless answers, odd `Retry-After`
//! values, per-call timeouts and cancellation. Most tests script a raw loopback server.

mod common;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// A scripted HTTP/1.1 server on loopback: every request is answered with what `reply` returns
/// for its head (request line and headers), then the connection is closed. Counts requests.
struct Scripted {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn scripted(reply: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let (count, reply) = (Arc::clone(&requests), Arc::new(reply));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let (count, reply) = (Arc::clone(&count), Arc::clone(&reply));
            std::thread::spawn(move || {
                let Some(head) = read_request(&mut stream) else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(&reply(&head));
            });
        }
    });
    Scripted { url, requests }
}

/// Reads one request (head and a `Content-Length` body); `None` when the client went away.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    }
    Some(head)
}

fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

const JSON: (&str, &str) = ("Content-Type", "application/json");
const HTML: (&str, &str) = ("Content-Type", "text/html; charset=UTF-8");
const LOGIN_PAGE: &str = "<!DOCTYPE html><html><body><form action=\"/login\">Sign in</form></body></html>";

/// A server that accepts connections and reads requests but never answers.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(16) {
            let Ok(stream) = stream else { return };
            held.push(stream);
        }
    });
    url
}

fn client(url: &str) -> Client {
    Client::builder(url, OWNER_KEY).retry_policy(RetryPolicy::none()).build().unwrap()
}

// ---- 1. tokio contexts ----

#[test]
fn a_spawn_blocking_thread_may_call_the_client() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    for rt in [
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap(),
    ] {
        let c = client.clone();
        let answer = rt.block_on(async move { tokio::task::spawn_blocking(move || c.permissions()).await });
        answer.unwrap().unwrap();
    }
    assert_eq!(count(&panel, "GET", "/permissions"), 2);
}

#[test]
fn async_code_on_a_runtime_thread_gets_an_error_not_a_panic() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let c = client.clone();
    let err =
        rt.block_on(async move { tokio::spawn(async move { c.permissions() }).await }).unwrap().unwrap_err();
    assert!(matches!(err, Error::Transport { connect: false, .. }), "{err:?}");
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
    assert!(panel.requests().is_empty());
}

#[test]
fn the_thread_of_a_multi_thread_block_on_neither_panics_nor_hangs() {
    // `#[tokio::main] async fn main` calling the blocking client: tokio does not say in public
    // whether this thread is inside `block_on`, so the call runs on a helper thread.
    let panel = FakePanel::start();
    let client = owner(&panel);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async { client.permissions() }).unwrap();
    let _entered = rt.enter();
    client.permissions().unwrap();
}

// ---- 2. fork ----

/// Answers every request on a keep-alive connection with the connection's number.
fn numbering_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(16).enumerate() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                while read_request(&mut stream).is_some() {
                    let body = format!("{{\"connection\":{}}}", n + 1);
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[test]
fn a_forked_child_uses_its_own_connection_and_the_parent_keeps_its_own() {
    let url = numbering_server();
    let client = client(&url);
    let connection = |c: &Client| c.call("permissions.get", json!({})).map(|v| v["connection"].as_u64());
    assert_eq!(connection(&client).unwrap(), Some(1));
    assert_eq!(connection(&client).unwrap(), Some(1), "the parent keeps its connection alive");

    // SAFETY: the child only runs the client and then `_exit`s, never returning into the test
    // harness; nothing of the parent's other threads is touched.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let first = connection(&client);
            let second = connection(&client);
            drop(client);
            (first, second)
        }));
        let code = match verdict {
            Ok((Ok(Some(2)), Ok(Some(2)))) => 0,
            Ok((Ok(Some(1)), _)) => 10, // the parent's socket
            Ok(_) => 11,
            Err(_) => 12,
        };
        // SAFETY: ends the child at once, without running the parent's exit handlers.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for the child made above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "the child died: {status}");
    assert_eq!(libc::WEXITSTATUS(status), 0, "10: the child used the parent's connection; 11: a call failed");
    assert_eq!(connection(&client).unwrap(), Some(1), "the parent's connection survives the child");
}

// ---- 3. drop ----

#[test]
fn a_used_client_may_be_dropped_inside_async_code() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    client.permissions().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move { drop(client) });
    let client = owner(&panel);
    client.permissions().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async move { tokio::spawn(async move { drop(client) }).await }).unwrap();
}

// ---- 4. answers that are not the operation's ----

#[test]
fn an_html_page_with_200_is_not_success_for_a_no_content_operation() {
    let server = scripted(|_| answer("200 OK", &[HTML], LOGIN_PAGE));
    let err = client(&server.url).server(SURVIVAL).start().unwrap_err();
    match &err {
        Error::NotJson { status: 200, content_type, snippet, .. } => {
            assert!(content_type.contains("text/html"));
            assert!(snippet.contains("Sign in"));
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 1, "a power signal is never repeated");
}

#[test]
fn an_html_page_with_200_is_not_a_file() {
    let server = scripted(|_| answer("200 OK", &[HTML], LOGIN_PAGE));
    let err = client(&server.url).call("server.files.contents", json!({"server": SURVIVAL, "file": "a.txt"}));
    assert!(matches!(err, Err(Error::NotJson { status: 200, .. })), "{err:?}");
}

#[test]
fn a_no_content_operation_accepts_the_panels_ways_of_saying_done() {
    for (status, headers, body) in [
        ("204 No Content", vec![], ""),
        ("200 OK", vec![], ""),
        ("202 Accepted", vec![JSON], "[]"),
        ("200 OK", vec![JSON], "[]"),
    ] {
        let server = scripted(move |_| answer(status, &headers, body));
        let done = client(&server.url).call("server.power", json!({"server": SURVIVAL, "signal": "start"}));
        assert!(done.unwrap().is_null(), "{status} {body:?}");
    }
}

#[test]
fn an_unexpected_status_or_body_is_an_error() {
    for (status, headers, body) in [
        ("200 OK", vec![("Content-Type", "text/plain")], "OK"),
        ("200 OK", vec![JSON], r#"{"object":"user","attributes":{}}"#),
        ("206 Partial Content", vec![], ""),
    ] {
        let server = scripted(move |_| answer(status, &headers, body));
        let err = client(&server.url).server(SURVIVAL).start().unwrap_err();
        assert!(matches!(err, Error::NotJson { .. } | Error::Decode { .. }), "{status} {body:?}: {err:?}");
    }
    // A JSON operation answered without content.
    let server = scripted(|_| answer("204 No Content", &[], ""));
    let err = client(&server.url).server(SURVIVAL).resources().unwrap_err();
    assert!(matches!(&err, Error::Decode { message, .. } if message.contains("204")), "{err:?}");
}

// ---- 5. Retry-After ----

#[test]
fn a_retry_after_of_u64_max_gives_up_at_once_without_panicking() {
    // A first short wait, so that the huge one is added to time already waited.
    let tries = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&tries);
    let server = scripted(move |_| {
        let wait = if seen.fetch_add(1, Ordering::SeqCst) == 0 { "1" } else { "18446744073709551615" };
        answer("429 Too Many Requests", &[JSON, ("Retry-After", wait)], "{}")
    });
    let client = Client::new(&server.url, OWNER_KEY).unwrap();
    let started = Instant::now();
    match client.permissions() {
        Err(Error::RateLimited { retry_after: Some(wait), .. }) => {
            assert!(wait > Duration::from_secs(1 << 40))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(tries.load(Ordering::SeqCst), 2);
    // Even longer than a u64: still "very long", not "no header".
    let server =
        scripted(|_| answer("429 Too Many Requests", &[("Retry-After", "99999999999999999999999")], ""));
    let err = Client::new(&server.url, OWNER_KEY).unwrap().permissions().unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d.as_secs() == u64::MAX),
        "{err:?}"
    );
}

#[test]
fn an_http_date_retry_after_is_waited_for() {
    let tries = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&tries);
    let server = scripted(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            let when = httpdate_in(Duration::from_secs(2));
            answer("429 Too Many Requests", &[JSON, ("Retry-After", &when)], "{}")
        } else {
            answer("200 OK", &[JSON], r#"{"object":"system_permissions","attributes":{"permissions":{}}}"#)
        }
    });
    let client = Client::new(&server.url, OWNER_KEY).unwrap();
    let started = Instant::now();
    client.call("permissions.get", json!({})).unwrap();
    assert_eq!(tries.load(Ordering::SeqCst), 2);
    // The date has a one-second resolution, so the wait is 1 to 2 seconds.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());

    // A date beyond the budget is not waited for.
    let server = scripted(|_| {
        answer("429 Too Many Requests", &[("Retry-After", &httpdate_in(Duration::from_secs(3600)))], "")
    });
    match Client::new(&server.url, OWNER_KEY).unwrap().permissions() {
        Err(Error::RateLimited { retry_after: Some(wait), .. }) => assert!(wait > Duration::from_secs(3000)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

/// An IMF-fixdate `after` from now.
fn httpdate_in(after: Duration) -> String {
    use std::time::SystemTime;
    // Written by hand, so that the test does not share the client's parser.
    let secs = (SystemTime::now() + after).duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        names[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// ---- 6. settings ----

#[test]
fn a_refused_panel_url_never_echoes_its_password() {
    for url in [
        "http://admin:hunter2secret@panel.example.com",
        "https://admin:hunter2secret@panel/x?y=1",
        "admin:hunter2secret@panel",
    ] {
        match Client::new(url, OWNER_KEY) {
            Err(Error::InvalidInput(message)) => assert!(!message.contains("hunter2secret"), "{message}"),
            other => panic!("expected InvalidInput for {url:?}, got {other:?}"),
        }
    }
}

#[test]
fn a_zero_timeout_or_answer_limit_is_refused_naming_the_option() {
    let options = |v| pterodactyl_client::ClientOptions::from_json(v).unwrap();
    for (json, name) in [
        (json!({"timeout_ms": 0}), "timeout_ms"),
        (json!({"connect_timeout_ms": 0}), "connect_timeout_ms"),
        (json!({"max_response_bytes": 0}), "max_response_bytes"),
    ] {
        match Client::builder("https://panel.example.com", OWNER_KEY).options(&options(json)).build() {
            Err(Error::InvalidInput(message)) => assert!(message.contains(name), "{message}"),
            other => panic!("expected InvalidInput naming {name}, got {other:?}"),
        }
    }
}

// ---- 7. per-call timeouts ----

#[test]
fn with_timeout_bounds_one_call_and_leaves_the_client_alone() {
    let url = silent_server();
    let patient = Client::builder(&url, OWNER_KEY).timeout(Duration::from_secs(20)).build().unwrap();
    let hasty = patient.with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = hasty.permissions().unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, phase: "request" } if timeout == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(format!("{patient:?}").contains("20s"));
    assert!(matches!(patient.with_timeout(Duration::ZERO).permissions(), Err(Error::InvalidInput(_))));
}

#[test]
fn long_running_operations_outlast_the_clients_timeout() {
    let server = scripted(|head| {
        if head.contains("/files/compress") {
            std::thread::sleep(Duration::from_millis(1500));
        }
        answer("200 OK", &[JSON], r#"{"object":"file_object","attributes":{"name":"a.tar.gz"}}"#)
    });
    let client = Client::builder(&server.url, OWNER_KEY)
        .timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let params = json!({"server": SURVIVAL, "files": ["world"]});
    let archive = client.call("server.files.compress", params.clone()).unwrap();
    assert_eq!(archive["name"], "a.tar.gz");
    // An explicit per-call timeout wins over the long-running default.
    let err =
        client.with_timeout(Duration::from_millis(300)).call("server.files.compress", params).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

// ---- 9. answer size ----

#[test]
fn a_declared_gigabyte_answer_is_refused_before_reading() {
    let server = scripted(|_| {
        // Announces 1 GiB, sends a little, then keeps the connection open for a while.
        let mut head =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{"
                .to_vec();
        head.extend_from_slice(&[b' '; 1000]);
        head
    });
    let started = Instant::now();
    let err = client(&server.url).permissions().unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit } if limit == 64 * 1024 * 1024), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(err.kind(), "too_large");
}

#[test]
fn a_chunked_answer_stops_being_read_past_the_limit() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let sent_by_server = Arc::clone(&sent);
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
        // Up to 64 MiB, unless the client hangs up first.
        for _ in 0..65_536 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                return;
            }
            sent_by_server.fetch_add(1024, Ordering::SeqCst);
        }
    });
    let client = Client::builder(&url, OWNER_KEY).max_response_bytes(100 * 1024).build().unwrap();
    let err = client.permissions().unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 102_400 }), "{err:?}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(sent.load(Ordering::SeqCst) < 32 * 1024 * 1024, "the client kept reading");
}

// ---- 10. cancellation ----

#[test]
fn a_cancel_check_abandons_a_call_to_a_silent_panel() {
    let url = silent_server();
    let started = Instant::now();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let client = Client::builder(&url, OWNER_KEY).timeout(Duration::from_secs(20)).build().unwrap();
    let cancellable = client.with_cancel_check(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        started.elapsed() > Duration::from_millis(300)
    });
    let err = cancellable.permissions().unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert_eq!(err.kind(), "cancelled");
    assert!(asked.load(Ordering::SeqCst) >= 2);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_cancel_check_also_cuts_a_retry_wait_short() {
    let server = scripted(|_| answer("429 Too Many Requests", &[JSON, ("Retry-After", "30")], "{}"));
    let started = Instant::now();
    let client = Client::new(&server.url, OWNER_KEY)
        .unwrap()
        .with_cancel_check(move || started.elapsed() > Duration::from_millis(300));
    assert!(matches!(client.permissions(), Err(Error::Cancelled)));
    assert!(started.elapsed() < Duration::from_secs(10));
}
