//! The live console against the fake Wings: output, commands, power, token renewal on the same
//! socket, reconnection with reported gaps, the closes that mean "stop", sends that never
//! repeat, and a soak of expiring tokens and cut connections.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::*;
use pterodactyl_client::{Console, ConsoleOptions, Event, GapCause, PowerSignal};

/// How long to wait for something that should happen (never a timing assertion).
const PATIENCE: Duration = Duration::from_secs(15);

/// Options that reconnect quickly, so tests stay short.
fn quick_options() -> ConsoleOptions {
    ConsoleOptions::default().reconnect_backoff(Duration::from_millis(50), Duration::from_millis(500))
}

fn open(client: &Client, server: &str) -> Console {
    client.server(server).console_with(quick_options()).expect("console opens")
}

/// Waits for the first event matching `want`, skipping the others; panics after [`PATIENCE`].
#[track_caller]
fn wait_for(console: &Console, what: &str, mut want: impl FnMut(&Event) -> bool) -> Event {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no {what} within {PATIENCE:?}");
        match console.next_event(Some(left)) {
            Ok(Some(event)) if want(&event) => return event,
            Ok(_) => {}
            Err(e) => panic!("console ended while waiting for {what}: {e}"),
        }
    }
}

#[track_caller]
fn wait_for_line(console: &Console, line: &str) {
    wait_for(console, line, |e| e.line() == Some(line));
}

#[track_caller]
fn wait_for_state(console: &Console, state: &str) {
    wait_for(console, &format!("status {state}"), |e| matches!(e, Event::Status(s) if s == state));
}

/// The error that ended the console (skipping the events before it).
#[track_caller]
fn ending(console: &Console) -> Error {
    let deadline = Instant::now() + PATIENCE;
    loop {
        assert!(Instant::now() < deadline, "the console did not end");
        match console.next_event(Some(Duration::from_millis(200))) {
            Ok(_) => {}
            Err(e) => return e,
        }
    }
}

#[test]
fn opens_with_the_panel_origin_and_starts_with_status_and_stats() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    let first = console.next_event(Some(PATIENCE)).unwrap().unwrap();
    assert_eq!(first, Event::Status("offline".into()));
    let Some(Event::Stats(stats)) = console.next_event(Some(PATIENCE)).unwrap() else {
        panic!("stats follow the status of an offline server")
    };
    assert_eq!(stats.state, "offline");
    assert!(stats.memory_limit_bytes > 0);
    assert!(console.is_connected());
    assert_eq!(panel.ws_sockets(SURVIVAL).authenticated, 1);
    console.close();
    assert!(console.is_closed());
}

#[test]
fn commands_round_trip_and_power_changes_show_as_status_and_output() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    console.set_state(PowerSignal::Start).unwrap();
    wait_for_state(&console, "starting");
    wait_for_line(&console, "container@pterodactyl~ Server marked as starting...");
    wait_for_state(&console, "running");
    console.send_command("say hello").unwrap();
    wait_for_line(&console, "> say hello");
    let stats = wait_for(&console, "stats", |e| matches!(e, Event::Stats(_)));
    let json = stats.to_json();
    assert_eq!(json["event"], "stats");
    assert_eq!(json["stats"]["state"], "running");
    console.set_state(PowerSignal::Kill).unwrap();
    wait_for_state(&console, "offline");
}

#[test]
fn events_with_timeout_end_when_the_console_is_quiet_and_resume_after() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SKYBLOCK);
    wait_for_state(&console, "running");
    console.request_logs().unwrap();
    let replayed: Vec<String> = console
        .events_with_timeout(Duration::from_millis(500))
        .filter_map(|e| e.unwrap().line().map(str::to_owned))
        .collect();
    assert!(replayed.contains(&"[12:00:01 INFO]: Preparing level \"world\"".to_string()), "{replayed:?}");
    assert!(!console.is_closed());
    assert!(panel.console_line(SKYBLOCK, "later"));
    wait_for_line(&console, "later");
}

#[test]
fn request_logs_replays_recent_lines_and_request_stats_answers() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SKYBLOCK);
    wait_for_state(&console, "running");
    console.request_logs().unwrap();
    wait_for_line(&console, "[12:00:01 INFO]: Preparing level \"world\"");
    console.request_stats().unwrap();
    wait_for(&console, "stats", |e| matches!(e, Event::Stats(s) if s.state == "running"));
}

#[test]
fn wings_refuses_a_foreign_origin_and_the_origin_option_fixes_it() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let foreign = ConsoleOptions::default().origin("https://panel.example.com");
    match client.server(SURVIVAL).console_with(foreign.clone()) {
        Err(Error::Wings { status: 403, message, .. }) => {
            assert!(message.contains("https://panel.example.com"), "{message}");
            assert!(message.contains("origin"), "{message}");
        }
        other => panic!("expected Wings' 403, got {other:?}"),
    }
    panel.set_ws_allowed_origins(&["https://panel.example.com"]);
    let console = client.server(SURVIVAL).console_with(foreign).unwrap();
    wait_for_state(&console, "offline");
}

#[test]
fn wss_checks_the_certificate_as_the_http_client_does() {
    let panel = FakePanel::start();
    // The HTTPS listener serves the same routes with a certificate for another name.
    let wss = panel.tls_url().replacen("https://", "wss://", 1);
    panel.set_ws_socket_base(Some(&wss));
    let trusting_ca = Client::builder(panel.base_url(), OWNER_KEY)
        .add_root_certificate_pem(fake_panel::TLS_CA_PEM)
        .build()
        .unwrap();
    match trusting_ca.server(SURVIVAL).console() {
        Err(Error::Transport { message, .. }) => assert!(message.contains("not valid for name"), "{message}"),
        other => panic!("a certificate for another name must be refused, got {other:?}"),
    }
    let insecure =
        Client::builder(panel.base_url(), OWNER_KEY).danger_accept_invalid_certs(true).build().unwrap();
    let console = insecure.server(SURVIVAL).console_with(quick_options()).unwrap();
    wait_for_state(&console, "offline");
    assert!(panel.console_line(SURVIVAL, "over TLS"));
    wait_for_line(&console, "over TLS");
}

#[test]
fn the_panels_refusal_to_give_a_token_is_the_error_of_open() {
    let panel = FakePanel::start();
    match owner(&panel).server(STRANGERS).console() {
        Err(Error::Api { status: 404, .. }) => {}
        other => panic!("expected 404, got {other:?}"),
    }
    match owner(&panel).server(SUSPENDED).console() {
        Err(Error::Api { status: 409, .. }) => {}
        other => panic!("expected 409, got {other:?}"),
    }
}

#[test]
fn a_send_wings_would_ignore_for_lack_of_permission_fails_clearly() {
    let panel = FakePanel::start();
    // `helper` may start the server and use the console, but not stop it.
    let console = open(&subuser(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    match console.set_state(PowerSignal::Stop) {
        Err(Error::InvalidInput(message)) => assert!(message.contains("control.stop"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    console.set_state(PowerSignal::Start).unwrap();
    wait_for_state(&console, "running");
    console.send_command("say from helper").unwrap();
    wait_for_line(&console, "> say from helper");
}

#[test]
fn a_message_longer_than_wings_reads_is_refused() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    match console.send_command(&"x".repeat(5000)) {
        Err(Error::InvalidInput(message)) => assert!(message.contains("4096"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn wings_events_are_typed_and_unknown_ones_come_raw() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    let uuid = "0e8b3a44-1111-4222-8333-444455556666";
    let backup = format!(
        r#"{{"uuid":"{uuid}","is_successful":true,"checksum":"abc","checksum_type":"sha1","file_size":42}}"#
    );
    let sent: Vec<(String, Vec<String>)> = vec![
        ("install output".into(), vec!["Installing...".into()]),
        ("install started".into(), vec![String::new()]),
        ("install completed".into(), vec![String::new()]),
        (format!("backup completed:{uuid}"), vec![backup]),
        ("backup restore completed".into(), vec![String::new()]),
        ("daemon message".into(), vec!["Server is now running".into()]),
        ("daemon error".into(), vec!["Error Event [x]: boom".into()]),
        ("transfer logs".into(), vec!["copying".into()]),
        ("transfer status".into(), vec!["success".into()]),
        ("throttled".into(), vec!["global".into()]),
        ("feature match".into(), vec!["eula".into()]),
    ];
    for (event, args) in &sent {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(panel.ws_emit(SURVIVAL, event, &args));
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        match console.next_event(Some(PATIENCE)).unwrap().expect("an event") {
            Event::Stats(_) | Event::Status(_) => {}
            e => got.push(e),
        }
    }
    assert_eq!(got[0], Event::InstallOutput("Installing...".into()));
    assert_eq!(got[1], Event::InstallStarted);
    assert_eq!(got[2], Event::InstallCompleted);
    match &got[3] {
        Event::BackupCompleted { uuid: u, backup } => {
            assert_eq!(u, uuid);
            assert!(backup.is_successful);
            assert_eq!(backup.checksum_type, "sha1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(got[4], Event::BackupRestoreCompleted);
    assert_eq!(got[5], Event::DaemonMessage("Server is now running".into()));
    assert_eq!(got[6], Event::DaemonError("Error Event [x]: boom".into()));
    assert_eq!(got[7], Event::TransferLogs("copying".into()));
    assert_eq!(got[8], Event::TransferStatus("success".into()));
    assert_eq!(got[9], Event::Throttled("global".into()));
    assert_eq!(got[10], Event::Other { name: "feature match".into(), args: vec!["eula".into()] });
    for (event, (name, args)) in got.iter().zip(&sent) {
        assert_eq!(event.name(), name.as_str());
        if !matches!(event, Event::BackupCompleted { .. }) {
            assert_eq!(&event.args(), args);
        }
    }
}

#[test]
fn tokens_are_renewed_on_the_same_socket_without_losing_a_line() {
    let panel = FakePanel::start();
    panel.set_ws_token_lifetime(Duration::from_secs(2));
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    assert!(panel.console_ticker(SURVIVAL, Duration::from_millis(50), "tick"));
    // Long enough for three tokens to run out: every line arrives, in order, with no gap.
    let mut lines = Vec::new();
    while lines.len() < 120 {
        match console.next_event(Some(PATIENCE)).unwrap().expect("an event") {
            Event::Output(line) => lines.push(line),
            e @ (Event::Gap { .. } | Event::Disconnected { .. }) => panic!("unexpected {e:?}"),
            _ => {}
        }
    }
    let expected: Vec<String> = (1..=120).map(|n| format!("tick {n}")).collect();
    assert_eq!(lines, expected);
    let fetched = count(&panel, "GET", "/websocket");
    assert!(fetched >= 3, "only {fetched} tokens were fetched");
    let sockets: std::collections::BTreeSet<u64> =
        panel.ws_ledger(SURVIVAL).iter().map(|s| s.socket).collect();
    assert_eq!(sockets.len(), 1, "the lines went over one socket");
}

#[test]
fn a_token_lapse_is_reported_as_a_gap_with_what_wings_withheld() {
    let panel = FakePanel::start();
    panel.set_ws_token_lifetime(Duration::from_millis(1500));
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    // The next token comes too late: the current one runs out first.
    panel.set_slow("/websocket", Duration::from_millis(2500));
    assert!(panel.console_ticker(SURVIVAL, Duration::from_millis(20), "lapse"));
    let gap = wait_for(&console, "a token gap", |e| matches!(e, Event::Gap { .. }));
    let Event::Gap { cause, missed, .. } = gap else { unreachable!() };
    assert_eq!(cause, GapCause::Token);
    assert!(missed.is_some_and(|n| n > 0), "{missed:?}");
    panel.clear_faults();
    assert!(console.is_connected() || wait_connected(&console));
}

fn wait_connected(console: &Console) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if console.is_connected() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_cut_connection_is_made_again_and_the_gap_reported() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    assert!(panel.ws_cut(SURVIVAL));
    let lost = wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    assert_eq!(lost.name(), "disconnected");
    let gap = wait_for(&console, "gap", |e| matches!(e, Event::Gap { .. }));
    assert!(matches!(gap, Event::Gap { cause: GapCause::Reconnect, missed: None, .. }), "{gap:?}");
    // The new socket starts like the first one did.
    wait_for_state(&console, "offline");
    assert!(panel.console_line(SURVIVAL, "after the cut"));
    wait_for_line(&console, "after the cut");
    assert_eq!(panel.ws_sockets(SURVIVAL).open, 1);
}

#[test]
fn a_silent_connection_is_taken_as_lost_and_made_again() {
    let panel = FakePanel::start();
    let options = quick_options().ping_interval(Duration::from_millis(200));
    let console = owner(&panel).server(SURVIVAL).console_with(options).unwrap();
    wait_for_state(&console, "offline");
    assert!(panel.ws_freeze(SURVIVAL));
    let lost = wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    let Event::Disconnected { reason, .. } = lost else { unreachable!() };
    assert!(reason.contains("nothing heard"), "{reason}");
    wait_for(&console, "gap", |e| matches!(e, Event::Gap { cause: GapCause::Reconnect, .. }));
    assert!(panel.console_line(SURVIVAL, "after the silence"));
    wait_for_line(&console, "after the silence");
}

#[test]
fn close_code_4409_stops_the_console_for_good() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    let before = count(&panel, "GET", "/websocket");
    assert!(panel.ws_close(SURVIVAL, 4409, "server is suspended"));
    match ending(&console) {
        Error::Closed { code: Some(4409), reason } => assert!(reason.contains("suspended"), "{reason}"),
        other => panic!("expected a 4409 close, got {other:?}"),
    }
    assert!(matches!(console.send_command("say hi"), Err(Error::Closed { .. })));
    // Never reconnected: no new token was asked for.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(count(&panel, "GET", "/websocket"), before);
    assert!(matches!(console.next_event(Some(Duration::ZERO)), Err(Error::Closed { .. })));
}

#[test]
fn a_normal_close_from_wings_is_reconnected() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    assert!(panel.ws_close(SURVIVAL, 1001, "going away"));
    let lost = wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    assert!(matches!(lost, Event::Disconnected { code: Some(1001), .. }), "{lost:?}");
    wait_for(&console, "gap", |e| matches!(e, Event::Gap { cause: GapCause::Reconnect, .. }));
}

#[test]
fn suspension_ends_the_console_with_the_panels_409() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    assert!(panel.set_suspended(SURVIVAL, true));
    match ending(&console) {
        Error::Api { status: 409, errors } => assert!(errors[0].detail.contains("suspended")),
        other => panic!("expected the panel's 409, got {other:?}"),
    }
    assert!(matches!(console.next_event(Some(Duration::ZERO)), Err(Error::Closed { .. })));
}

#[test]
fn losing_access_ends_the_console_with_the_panels_answer() {
    let panel = FakePanel::start();
    let console = open(&subuser(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    // The owner removes `helper`; their next token request is refused.
    let helper_uuid = owner(&panel)
        .server(SURVIVAL)
        .users()
        .list()
        .unwrap()
        .into_iter()
        .find(|u| u.username == "helper")
        .expect("helper is a subuser")
        .user
        .uuid;
    owner(&panel).server(SURVIVAL).users().delete(&helper_uuid).unwrap();
    assert!(panel.ws_cut(SURVIVAL));
    match ending(&console) {
        Error::Api { status, .. } => assert!(status == 403 || status == 404, "{status}"),
        other => panic!("expected the panel's refusal, got {other:?}"),
    }
}

#[test]
fn a_deleted_event_ends_the_console() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    wait_for_state(&console, "offline");
    assert!(panel.ws_emit(SURVIVAL, "deleted", &["null"]));
    wait_for(&console, "deleted", |e| *e == Event::Deleted);
    match ending(&console) {
        Error::Closed { reason, .. } => assert!(reason.contains("deleted"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_send_while_reconnecting_fails_at_once_when_asked_to() {
    let panel = FakePanel::start();
    let options = quick_options().send_timeout(Duration::ZERO);
    let console = owner(&panel).server(SURVIVAL).console_with(options).unwrap();
    wait_for_state(&console, "offline");
    panel.set_slow("/websocket", Duration::from_secs(2));
    assert!(panel.ws_cut(SURVIVAL));
    wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    match console.send_command("say too early") {
        Err(Error::Transport { connect: true, message }) => {
            assert!(message.contains("reconnecting"), "{message}")
        }
        other => panic!("expected an immediate refusal, got {other:?}"),
    }
}

#[test]
fn a_send_while_reconnecting_waits_for_the_socket_and_goes_out_once() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    client.server(SURVIVAL).start().unwrap();
    let options = quick_options().send_timeout(Duration::from_secs(10));
    let console = client.server(SURVIVAL).console_with(options).unwrap();
    wait_for_state(&console, "running");
    panel.set_slow("/websocket", Duration::from_millis(600));
    assert!(panel.ws_cut(SURVIVAL));
    wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    console.send_command("say waited").unwrap();
    wait_for_line(&console, "> say waited");
    std::thread::sleep(Duration::from_millis(300));
    let echoes = panel.ws_ledger(SURVIVAL).iter().filter(|s| s.line == "> say waited").count();
    assert_eq!(echoes, 1);
}

#[test]
fn a_send_that_waited_too_long_is_withdrawn_and_never_sent() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    client.server(SURVIVAL).start().unwrap();
    let options = quick_options().send_timeout(Duration::from_millis(200));
    let console = client.server(SURVIVAL).console_with(options).unwrap();
    wait_for_state(&console, "running");
    panel.set_slow("/websocket", Duration::from_millis(1500));
    assert!(panel.ws_cut(SURVIVAL));
    wait_for(&console, "disconnected", |e| matches!(e, Event::Disconnected { .. }));
    match console.send_command("say withdrawn") {
        Err(Error::Timeout { phase: "connect", .. }) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    wait_for(&console, "gap", |e| matches!(e, Event::Gap { .. }));
    console.send_command("say after").unwrap();
    wait_for_line(&console, "> say after");
    assert!(!panel.ws_ledger(SURVIVAL).iter().any(|s| s.line == "> say withdrawn"));
}

#[test]
fn close_from_another_thread_ends_a_waiting_reader() {
    let panel = FakePanel::start();
    let console = std::sync::Arc::new(open(&owner(&panel), SURVIVAL));
    wait_for_state(&console, "offline");
    let reader = {
        let console = std::sync::Arc::clone(&console);
        std::thread::spawn(move || console.events().filter_map(Result::ok).count())
    };
    std::thread::sleep(Duration::from_millis(200));
    console.close();
    reader.join().expect("the reader ends quietly");
    assert!(matches!(console.send_command("x"), Err(Error::Closed { .. })));
    // The socket is gone once `close` returns.
    let deadline = Instant::now() + PATIENCE;
    while panel.ws_sockets(SURVIVAL).open > 0 {
        assert!(Instant::now() < deadline, "the socket stayed open");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_full_queue_reports_what_it_dropped() {
    let panel = FakePanel::start();
    let options = quick_options().max_queued_events(10);
    let console = owner(&panel).server(SURVIVAL).console_with(options).unwrap();
    wait_for_state(&console, "offline");
    for n in 0..50 {
        panel.console_line(SURVIVAL, &format!("flooded {n}"));
    }
    let deadline = Instant::now() + PATIENCE;
    while panel.ws_ledger(SURVIVAL).len() < 50 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let mut lines = Vec::new();
    let mut missed = 0;
    while let Ok(Some(event)) = console.next_event(Some(Duration::from_millis(300))) {
        match event {
            Event::Output(line) => lines.push(line),
            Event::Gap { cause: GapCause::Overflow, missed: Some(n), .. } => missed += n,
            _ => {}
        }
    }
    assert!(missed > 0);
    assert_eq!(lines.len() as u64 + missed, 50, "{lines:?}");
    let numbers: Vec<u32> = lines.iter().map(|l| l["flooded ".len()..].parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "in order: {numbers:?}");
}

#[test]
fn the_console_never_shows_the_key() {
    let panel = FakePanel::start();
    let console = open(&owner(&panel), SURVIVAL);
    assert!(!format!("{console:?}").contains(OWNER_KEY));
}

/// What the soak's console saw, in order.
#[derive(Debug, PartialEq)]
enum Seen {
    Line(u64),
    Gap,
}

/// Checks a soak's stream against the fake's ledger: every line Wings wrote arrived exactly
/// once and in order, and every line that did not arrive sits where a gap was reported.
fn check_soak(seen: &[Seen], written: &[u64], prefix: &str) {
    // In order, no duplicates.
    let received: Vec<u64> =
        seen.iter().filter_map(|s| if let Seen::Line(n) = s { Some(*n) } else { None }).collect();
    assert!(received.windows(2).all(|w| w[0] < w[1]), "{prefix}: lines out of order or repeated");
    // Nothing silent: a jump in numbers has a gap in between.
    let mut last: Option<u64> = None;
    let mut gap_since_last = false;
    for s in seen {
        match s {
            Seen::Gap => gap_since_last = true,
            Seen::Line(n) => {
                if let Some(prev) = last {
                    assert!(
                        *n == prev + 1 || gap_since_last,
                        "{prefix}: lines {prev}..{n} are missing without a gap"
                    );
                }
                last = Some(*n);
                gap_since_last = false;
            }
        }
    }
    // Everything written while authenticated arrived, unless a gap covers it.
    let received_set: std::collections::HashSet<u64> = received.iter().copied().collect();
    let position: HashMap<u64, usize> = seen
        .iter()
        .enumerate()
        .filter_map(|(i, s)| if let Seen::Line(n) = s { Some((*n, i)) } else { None })
        .collect();
    let first = received.first().copied().unwrap_or(0);
    let last = received.last().copied().unwrap_or(0);
    for n in written.iter().copied().filter(|n| (first..=last).contains(n)) {
        if received_set.contains(&n) {
            continue;
        }
        // The neighbours that did arrive must have a gap between them.
        let before = received.iter().rev().find(|r| **r < n).map(|r| position[r]).unwrap_or(0);
        let after = received.iter().find(|r| **r > n).map(|r| position[r]).unwrap_or(seen.len());
        assert!(
            seen[before..after].contains(&Seen::Gap),
            "{prefix}: line {n} was written by Wings but never arrived, and no gap says so"
        );
    }
}

fn soak_seconds() -> u64 {
    std::env::var("PTERO_SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

/// Tokens that expire every 2 s and a connection cut every 3 s, for 30 s (`PTERO_SOAK_SECS`),
/// with a numbered line every 20 ms and a command every half second.
#[test]
fn soak_expiring_tokens_and_cut_connections_lose_nothing_silently() {
    let panel = FakePanel::start();
    panel.set_ws_token_lifetime(Duration::from_secs(2));
    let client = owner(&panel);
    client.server(SURVIVAL).start().unwrap();
    let options = quick_options().send_timeout(Duration::from_secs(2));
    let console = std::sync::Arc::new(client.server(SURVIVAL).console_with(options).unwrap());
    wait_for_state(&console, "running");
    assert!(panel.console_ticker(SURVIVAL, Duration::from_millis(20), "soak"));

    let reader = {
        let console = std::sync::Arc::clone(&console);
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut echoes: HashMap<String, usize> = HashMap::new();
            let mut reconnects = 0;
            for event in console.events() {
                match event.expect("the soak's console never fails") {
                    Event::Output(line) => {
                        if let Some(n) = line.strip_prefix("soak ") {
                            seen.push(Seen::Line(n.parse().unwrap()));
                        } else if let Some(cmd) = line.strip_prefix("> ") {
                            *echoes.entry(cmd.to_owned()).or_default() += 1;
                        }
                    }
                    Event::Gap { cause, .. } => {
                        reconnects += usize::from(cause == GapCause::Reconnect);
                        seen.push(Seen::Gap);
                    }
                    _ => {}
                }
            }
            (seen, echoes, reconnects)
        })
    };

    let end = Instant::now() + Duration::from_secs(soak_seconds());
    let mut next_cut = Instant::now() + Duration::from_secs(3);
    let mut sent_ok = Vec::new();
    let mut never_sent = Vec::new();
    let mut n = 0;
    while Instant::now() < end {
        n += 1;
        let cmd = format!("say soak-cmd {n}");
        match console.send_command(&cmd) {
            Ok(()) => sent_ok.push(cmd),
            // Withdrawn before it was written, or refused before the socket: never sent.
            Err(Error::Timeout { phase: "connect", .. } | Error::Transport { connect: true, .. }) => {
                never_sent.push(cmd)
            }
            Err(_) => {}
        }
        std::thread::sleep(Duration::from_millis(500));
        if Instant::now() >= next_cut {
            assert!(panel.ws_cut(SURVIVAL));
            next_cut = Instant::now() + Duration::from_secs(3);
        }
    }
    assert!(panel.console_ticker(SURVIVAL, Duration::ZERO, "soak"));
    // Let the last lines arrive before closing.
    std::thread::sleep(Duration::from_millis(500));
    console.close();
    let (seen, echoes, reconnects) = reader.join().unwrap();

    let written: Vec<u64> = panel
        .ws_ledger(SURVIVAL)
        .iter()
        .filter_map(|s| s.line.strip_prefix("soak ").map(|n| n.parse().unwrap()))
        .collect();
    check_soak(&seen, &written, "rust");
    let lines = seen.iter().filter(|s| matches!(s, Seen::Line(_))).count();
    let gaps = seen.iter().filter(|s| **s == Seen::Gap).count();
    eprintln!(
        "soak: {lines} lines of {} written, {gaps} gaps ({reconnects} reconnections), {} tokens, \
         {} commands sent, {} never sent",
        written.len(),
        count(&panel, "GET", "/websocket"),
        sent_ok.len(),
        never_sent.len()
    );
    assert!(lines > 100, "only {lines} lines arrived");
    assert!(reconnects >= 2, "only {reconnects} reconnections were reported");
    let fetched = count(&panel, "GET", "/websocket");
    assert!(fetched > reconnects + 2, "tokens were renewed in place too ({fetched} fetched)");
    // No command twice; withdrawn ones never.
    for (cmd, times) in &echoes {
        assert_eq!(*times, 1, "{cmd} ran {times} times");
    }
    for cmd in &never_sent {
        let written = panel.ws_ledger(SURVIVAL).iter().any(|s| s.line == format!("> {cmd}"));
        assert!(!written, "{cmd} was reported as not sent, but Wings ran it");
    }
    assert!(sent_ok.len() > never_sent.len(), "most commands went out");
}
