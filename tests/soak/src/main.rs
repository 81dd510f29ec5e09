//! `make soak` (tests/soak/run.sh), the Rust half: one client shared by 8 threads makes a
//! million calls mixed across operations (reads, writes, expected 404s) against the fake panel,
//! running as its own process, while the resident memory is sampled. Then the client is dropped
//! and the process must be back where it started: the same open file descriptors, the same
//! threads.
//!
//! Prints the figures as one JSON line and exits 1 when a call did not give its expected
//! outcome, when the panel did not receive exactly one request per call, when descriptors or
//! threads are left behind, or when memory kept growing after the warm-up (the first 10%).
//!
//! ```text
//! ptero-soak PANEL_URL [--calls N] [--threads N] [--sample-ms N]
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pterodactyl_client::{Client, Error};
use serde_json::{json, Value};

const OWNER_KEY: &str = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001";
/// Growth of resident memory allowed between the end of the warm-up and the end of the run.
const FLAT_SLACK_KIB: u64 = 8 * 1024;

/// What a call of the mix must give.
#[derive(Clone, Copy)]
enum Expect {
    Ok,
    Status(u16),
}

/// The operations the threads cycle through: mostly reads, some writes that can be repeated
/// forever on the fake, and a 404 the client must report every time.
fn mix() -> Vec<(&'static str, Value, Expect)> {
    vec![
        ("servers.list", json!({"per_page": 5}), Expect::Ok),
        ("server.get", json!({"server": "d3aac109", "include": ["egg"]}), Expect::Ok),
        ("server.resources", json!({"server": "d3aac109"}), Expect::Ok),
        ("account.get", json!({}), Expect::Ok),
        ("permissions.get", json!({}), Expect::Ok),
        ("server.files.list", json!({"server": "d3aac109", "directory": "/"}), Expect::Ok),
        ("server.databases.list", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.schedules.list", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.users.list", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.backups.list", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.allocations.list", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.startup.get", json!({"server": "d3aac109"}), Expect::Ok),
        ("server.settings.rename", json!({"server": "d3aac109", "name": "Survival"}), Expect::Ok),
        (
            "server.allocations.set_notes",
            json!({"server": "d3aac109", "allocation": 16, "notes": "soak"}),
            Expect::Ok,
        ),
        ("server.power", json!({"server": "1a7ce997", "signal": "start"}), Expect::Ok),
        (
            "server.startup.set_variable",
            json!({"server": "d3aac109", "key": "SERVER_JARFILE", "value": "server.jar"}),
            Expect::Ok,
        ),
        ("server.get", json!({"server": "f00dfeed"}), Expect::Status(404)),
    ]
}

/// One request to the fake's controls over a fresh connection: `(status, body)`.
fn control(url: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host)?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn count_entries(dir: &str) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn open_fds() -> usize {
    count_entries("/proc/self/fd")
}

fn threads() -> usize {
    count_entries("/proc/self/task")
}

struct Args {
    url: String,
    calls: u64,
    threads: usize,
    sample: Duration,
}

fn args() -> Args {
    let mut args =
        Args { url: String::new(), calls: 1_000_000, threads: 8, sample: Duration::from_millis(500) };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--calls" => args.calls = value().parse().unwrap_or_else(|_| usage()),
            "--threads" => args.threads = value().parse().unwrap_or_else(|_| usage()),
            "--sample-ms" => args.sample = Duration::from_millis(value().parse().unwrap_or_else(|_| usage())),
            url if url.starts_with("http://") => args.url = url.trim_end_matches('/').to_owned(),
            _ => usage(),
        }
    }
    if args.url.is_empty() || args.threads == 0 {
        usage();
    }
    args
}

fn usage() -> ! {
    eprintln!("usage: ptero-soak PANEL_URL [--calls N] [--threads N] [--sample-ms N]");
    std::process::exit(2)
}

fn main() {
    let args = args();
    // A throttle that never bites, no request log (a million entries), a fresh count.
    for (path, body) in [
        ("/__fake/reset", ""),
        ("/__fake/rate_limit", r#"{"limit":4000000000,"window_ms":60000}"#),
        ("/__fake/record", r#"{"enabled":false}"#),
    ] {
        match control(&args.url, "POST", path, body) {
            Ok((204, _)) => {}
            other => panic!("POST {path}: {other:?}"),
        }
    }
    let panel_before = panel_total(&args.url);
    let mix = mix();

    let fds_start = open_fds();
    let threads_start = threads();
    let rss_start = rss_kib();

    let client = Client::builder(&args.url, OWNER_KEY).build().expect("a client of the fake panel");
    let done = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    let first_failures = Mutex::new(Vec::<String>::new());
    let samples = Mutex::new(Vec::<(f64, u64, u64)>::new()); // (seconds, calls, rss KiB)
    let mut threads_peak = 0;
    let started = Instant::now();

    std::thread::scope(|s| {
        let per_thread = args.calls / args.threads as u64;
        let extra = args.calls % args.threads as u64;
        for t in 0..args.threads {
            let (client, mix, done, failures, first_failures) =
                (&client, &mix, &done, &failures, &first_failures);
            let n = per_thread + u64::from((t as u64) < extra);
            s.spawn(move || {
                for i in 0..n {
                    let (op, params, expect) = &mix[(i as usize + t * 7) % mix.len()];
                    let outcome = client.call(op, params.clone());
                    let fine = match (expect, &outcome) {
                        (Expect::Ok, Ok(_)) => true,
                        (Expect::Status(want), Err(Error::Api { status, .. })) => status == want,
                        _ => false,
                    };
                    if !fine {
                        failures.fetch_add(1, Ordering::Relaxed);
                        let mut first = first_failures.lock().unwrap_or_else(|p| p.into_inner());
                        if first.len() < 10 {
                            first.push(format!("{op}: {outcome:?}"));
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // The sampler, on this thread, until every call is made.
        loop {
            let calls = done.load(Ordering::Relaxed);
            threads_peak = threads_peak.max(threads());
            samples.lock().unwrap().push((started.elapsed().as_secs_f64(), calls, rss_kib()));
            if calls >= args.calls {
                break;
            }
            std::thread::sleep(args.sample);
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let rss_end = rss_kib();
    drop(client);
    let (fds_after, threads_after, rss_after_drop) = (open_fds(), threads(), rss_kib());
    let panel_requests = panel_total(&args.url) - panel_before;
    let _ = control(&args.url, "POST", "/__fake/record", r#"{"enabled":true}"#);

    let samples = samples.into_inner().unwrap();
    let warm = samples.iter().find(|(_, calls, _)| *calls >= args.calls / 10).map_or(rss_start, |s| s.2);
    let peak = samples.iter().map(|s| s.2).max().unwrap_or(rss_end).max(rss_end);
    let after_warm_peak =
        samples.iter().filter(|(_, c, _)| *c >= args.calls / 10).map(|s| s.2).max().unwrap_or(warm);
    let failures = failures.into_inner();
    let flat = after_warm_peak.saturating_sub(warm) <= FLAT_SLACK_KIB
        && rss_end.saturating_sub(warm) <= FLAT_SLACK_KIB;
    let report = json!({
        "surface": "rust",
        "calls": args.calls,
        "threads": args.threads,
        "seconds": (seconds * 10.0).round() / 10.0,
        "calls_per_second": (args.calls as f64 / seconds).round(),
        "failures": failures,
        "panel_requests": panel_requests,
        "rss_kib": {"start": rss_start, "after_warmup": warm, "peak": peak, "end": rss_end, "after_drop": rss_after_drop},
        "rss_flat": flat,
        "fds": {"start": fds_start, "after_drop": fds_after},
        "os_threads": {"start": threads_start, "peak": threads_peak, "after_drop": threads_after},
        "samples": samples.len(),
    });
    println!("{report}");
    let mut wrong = Vec::new();
    if failures > 0 {
        wrong.push(format!(
            "{failures} calls did not give their expected outcome, e.g. {:?}",
            first_failures.into_inner().unwrap()
        ));
    }
    if panel_requests != args.calls {
        wrong.push(format!("the panel received {panel_requests} requests for {} calls", args.calls));
    }
    if fds_after != fds_start {
        wrong.push(format!(
            "{fds_start} descriptors open at the start, {fds_after} after dropping the client"
        ));
    }
    if threads_after != threads_start {
        wrong
            .push(format!("{threads_start} threads at the start, {threads_after} after dropping the client"));
    }
    if !flat {
        wrong.push(format!("memory kept growing after the warm-up: {warm} KiB → peak {after_warm_peak} KiB, end {rss_end} KiB"));
    }
    for w in &wrong {
        eprintln!("soak: FAILED: {w}");
    }
    std::process::exit(i32::from(!wrong.is_empty()));
}

fn panel_total(url: &str) -> u64 {
    let (_, body) = control(url, "GET", "/__fake/count", "").expect("GET /__fake/count");
    serde_json::from_str::<Value>(&body).ok().and_then(|v| v["total"].as_u64()).expect("a count")
}
