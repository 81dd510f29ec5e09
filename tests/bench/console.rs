//! `ptero-console-bench URL KEY SERVER MODE LINES BYTES`: reads a flood of `LINES` console lines
//! (`BYTES` long) from the fake Wings and prints `LINES SECONDS`: the time from the first line to
//! the last, on one console socket.
//!
//! MODE is `bare` (tungstenite reading frames, the ceiling: no JSON decoded), `bare-json` (the
//! same, each frame decoded with serde_json), or `rust` (the core's `Console`, events typed).
//! Driven by `console.py` (`make bench`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use pterodactyl_client::{Client, ConsoleOptions, Event};
use tungstenite::client::IntoClientRequest;
use tungstenite::Message;

fn usage() -> ! {
    eprintln!("usage: ptero-console-bench URL KEY SERVER bare|bare-json|rust LINES BYTES");
    std::process::exit(2);
}

/// `POST /__fake/ws/flood` on a plain socket, so that no client library is in the measured
/// process but the one measured.
fn flood(url: &str, server: &str, lines: u64, bytes: usize) {
    let addr = url.trim_start_matches("http://");
    let body = format!(r#"{{"server":"{server}","lines":{lines},"bytes":{bytes}}}"#);
    let mut s = TcpStream::connect(addr).expect("connect to the fake panel");
    write!(
        s,
        "POST /__fake/ws/flood HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send the flood control");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 204"), "flood control refused: {answer}");
}

fn last_line(lines: u64) -> String {
    format!("flood {lines:09} ")
}

fn bare(url: &str, key: &str, server: &str, lines: u64, bytes: usize, decode: bool) -> Duration {
    let body = reqwest::blocking::Client::new()
        .get(format!("{url}/api/client/servers/{server}/websocket"))
        .bearer_auth(key)
        .header("Accept", "application/json")
        .send()
        .and_then(|r| r.bytes())
        .expect("websocket credentials");
    let creds: serde_json::Value = serde_json::from_slice(&body).expect("JSON credentials");
    let token = creds["data"]["token"].as_str().expect("token");
    let socket = creds["data"]["socket"].as_str().expect("socket");
    let mut request = socket.into_client_request().expect("socket URL");
    request.headers_mut().insert("Origin", url.parse().expect("origin"));
    let (mut ws, _) = tungstenite::connect(request).expect("connect to Wings");
    let auth = serde_json::json!({"event": "auth", "args": [token]}).to_string();
    ws.send(Message::text(auth)).expect("auth");
    loop {
        if let Message::Text(t) = ws.read().expect("read") {
            if t.as_str().contains("auth success") {
                break;
            }
        }
    }
    flood(url, server, lines, bytes);
    let last = last_line(lines);
    let mut first: Option<Instant> = None;
    let mut seen = 0u64;
    loop {
        let Message::Text(text) = ws.read().expect("read") else { continue };
        let text = text.as_str();
        let is_line = if decode {
            let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
            v["event"] == "console output" && v["args"][0].as_str().is_some_and(|l| l.starts_with("flood "))
        } else {
            text.contains("\"console output\"") && text.contains("flood ")
        };
        if !is_line {
            continue;
        }
        first.get_or_insert_with(Instant::now);
        seen += 1;
        if text.contains(&last) {
            assert_eq!(seen, lines, "every line arrived");
            return first.map(|f| f.elapsed()).unwrap_or_default();
        }
    }
}

fn core(url: &str, key: &str, server: &str, lines: u64, bytes: usize) -> Duration {
    let client = Client::new(url, key).expect("client");
    let console = client
        .server(server)
        .console_with(ConsoleOptions::default().max_queued_events(1 << 22))
        .expect("console");
    // The first events (status, stats) before the flood.
    while console.next_event(Some(Duration::from_millis(200))).expect("event").is_some() {}
    flood(url, server, lines, bytes);
    let last = last_line(lines);
    let mut first: Option<Instant> = None;
    let mut seen = 0u64;
    loop {
        let event = console.next_event(None).expect("event").expect("an event");
        let Event::Output(line) = event else { continue };
        if !line.starts_with("flood ") {
            continue;
        }
        first.get_or_insert_with(Instant::now);
        seen += 1;
        if line.starts_with(&last) {
            assert_eq!(seen, lines, "every line arrived");
            return first.map(|f| f.elapsed()).unwrap_or_default();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, key, server, mode, lines, bytes] = args.as_slice() else { usage() };
    let lines: u64 = lines.parse().unwrap_or_else(|_| usage());
    let bytes: usize = bytes.parse().unwrap_or_else(|_| usage());
    let took = match mode.as_str() {
        "bare" => bare(url, key, server, lines, bytes, false),
        "bare-json" => bare(url, key, server, lines, bytes, true),
        "rust" => core(url, key, server, lines, bytes),
        _ => usage(),
    };
    println!("{lines} {:.6}", took.as_secs_f64());
}
