//! The Rust clients of `make bench`.
//!
//! ```text
//! ptero-bench once CLIENT OP BASE SECONDS [THREADS]   one measurement, prints "CALLS SECONDS CPU"
//! ptero-bench worker                                   reads "run CLIENT OP BASE SECONDS THREADS"
//!                                                      lines on stdin, answers "ok CALLS SECONDS CPU"
//!                                                      or "err MESSAGE" on stdout, one a line
//! ```
//!
//! CLIENT: `core-typed` (`client.server(id).resources()`, `client.servers().list(..)`,
//! `srv.power(Start)`), `core-call` (`client.call("server.resources", {"server": id})`, ...),
//! `reqwest-blocking` (bare `reqwest::blocking::Client` + `serde_json::from_slice::<Value>`),
//! `reqwest-async` (bare async `reqwest::Client` on a current-thread tokio runtime driven by the
//! calling thread with `block_on`, + `serde_json`; with THREADS > 1 every thread calls `block_on`
//! on the one shared runtime and client), `reqwest-async-tl` (the same, but each thread has its own
//! runtime and client, so its own connection pool), `peer` (the Rust peer: `pterodactyl_api` 0.3,
//! async on reqwest 0.13 with typed models, driven by `block_on` of a current-thread runtime on
//! the calling thread: `client.get_server(id).get_resources()`, `client.list_servers()`,
//! `.send_power_signal(PowerSignal::Start)`; built as its users build it, with its own default
//! reqwest client, which only gets the bench's CA for https).
//! CPU is the process's CPU seconds over the measurement (every thread, reqwest's runtime too).
//! OP: `small` (GET resources), `large` (GET the server list), `post` (POST power, 204).
//! BASE: the panel root, `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
//! Environment: `BENCH_KEY` (API key), `BENCH_ID` (server identifier), `BENCH_CA` (PEM file of the
//! CA every client trusts for https).
//!
//! Every client is set up the same way as the core sets up its transport (default headers
//! `Authorization` + `Accept`, 30 s timeout, 10 s connect timeout, no redirects, `TCP_NODELAY`),
//! so the bare loops measure the transport and the core's figure is transport + core overhead.
//! Every call checks its answer (status, body parsed, expected content), so no client can win
//! by skipping work.

use std::collections::HashMap;
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pterodactyl_client::{Client, ListServers, PowerSignal};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{json, Value};

const WARMUP: Duration = Duration::from_millis(150);
const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POWER_BODY: &[u8] = br#"{"signal":"start"}"#;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    CoreTyped,
    CoreCall,
    ReqwestBlocking,
    ReqwestAsync,
    ReqwestAsyncTl,
    ReqwestAsyncNoTimeout,
    Peer,
}

impl Kind {
    fn parse(s: &str) -> Result<Kind, String> {
        Ok(match s {
            "core-typed" => Kind::CoreTyped,
            "core-call" => Kind::CoreCall,
            "reqwest-blocking" => Kind::ReqwestBlocking,
            "reqwest-async" => Kind::ReqwestAsync,
            "reqwest-async-tl" => Kind::ReqwestAsyncTl,
            "peer" => Kind::Peer,
            "reqwest-async-nt" => Kind::ReqwestAsyncNoTimeout,
            _ => return Err(format!("unknown client {s:?}")),
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Small,
    Large,
    Post,
}

impl Op {
    fn parse(s: &str) -> Result<Op, String> {
        Ok(match s {
            "small" => Op::Small,
            "large" => Op::Large,
            "post" => Op::Post,
            _ => return Err(format!("unknown operation {s:?}")),
        })
    }
}

struct Env {
    key: String,
    id: String,
    ca_pem: Option<Vec<u8>>,
}

impl Env {
    fn load() -> Result<Env, String> {
        let key = std::env::var("BENCH_KEY")
            .unwrap_or_else(|_| "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF".into());
        let id = std::env::var("BENCH_ID").unwrap_or_else(|_| "1a7ce997".into());
        let ca_pem = match std::env::var("BENCH_CA") {
            Ok(path) if !path.is_empty() => {
                Some(std::fs::read(&path).map_err(|e| format!("cannot read BENCH_CA {path}: {e}"))?)
            }
            _ => None,
        };
        Ok(Env { key, id, ca_pem })
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key)).expect("ascii key");
        auth.set_sensitive(true);
        h.insert(AUTHORIZATION, auth);
        h.insert(ACCEPT, HeaderValue::from_static("application/json"));
        h
    }

    fn ca(&self) -> Result<Option<reqwest::Certificate>, String> {
        self.ca_pem
            .as_deref()
            .map(|pem| reqwest::Certificate::from_pem(pem).map_err(|e| format!("bad CA PEM: {e}")))
            .transpose()
    }
}

/// One prepared client for one base URL.
enum Prepared {
    Core(Client),
    Blocking(reqwest::blocking::Client),
    Async(tokio::runtime::Runtime, reqwest::Client),
    Peer(tokio::runtime::Runtime, pterodactyl_api::client::Client),
}

fn prepare(kind: Kind, base: &str, env: &Env) -> Result<Prepared, String> {
    Ok(match kind {
        Kind::CoreTyped | Kind::CoreCall => {
            let mut b = Client::builder(base, &env.key);
            if let Some(pem) = &env.ca_pem {
                b = b.add_root_certificate_pem(pem.clone());
            }
            Prepared::Core(b.build().map_err(|e| e.to_string())?)
        }
        Kind::ReqwestBlocking => {
            let mut b = reqwest::blocking::Client::builder()
                .default_headers(env.headers())
                .user_agent("bench")
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true);
            if let Some(ca) = env.ca()? {
                b = b.add_root_certificate(ca);
            }
            Prepared::Blocking(b.build().map_err(|e| e.to_string())?)
        }
        Kind::ReqwestAsync | Kind::ReqwestAsyncTl | Kind::ReqwestAsyncNoTimeout => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let mut b = reqwest::Client::builder()
                .default_headers(env.headers())
                .user_agent("bench")
                .connect_timeout(CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true);
            if kind != Kind::ReqwestAsyncNoTimeout {
                b = b.timeout(TIMEOUT);
            }
            if let Some(ca) = env.ca()? {
                b = b.add_root_certificate(ca);
            }
            // The client must be built inside the runtime's context for its timers.
            let client = {
                let _g = rt.enter();
                b.build().map_err(|e| e.to_string())?
            };
            Prepared::Async(rt, client)
        }
        Kind::Peer => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let mut b = pterodactyl_api::client::ClientBuilder::new(base, &env.key);
            if let Some(pem) = &env.ca_pem {
                let ca = reqwest013::Certificate::from_pem(pem).map_err(|e| format!("bad CA PEM: {e}"))?;
                let http = {
                    let _g = rt.enter();
                    reqwest013::Client::builder().tls_certs_merge([ca]).build().map_err(|e| e.to_string())?
                };
                b = b.with_client(http);
            }
            let client = {
                let _g = rt.enter();
                b.build()
            };
            Prepared::Peer(rt, client)
        }
    })
}

fn check_json(op: Op, v: &Value) -> Result<(), String> {
    let ok = match op {
        Op::Small => {
            // Raw envelope ({"object":"stats","attributes":{..}}) or the core's unwrapped shape.
            let attrs = v.get("attributes").unwrap_or(v);
            attrs.get("current_state").and_then(Value::as_str) == Some("running")
        }
        Op::Large => {
            let data = v.get("data").and_then(Value::as_array);
            data.is_some_and(|d| d.len() == 100)
        }
        Op::Post => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected answer for {op:?}"))
    }
}

fn urls(base: &str, id: &str) -> (String, String, String) {
    let root = format!("{}/api/client", base.trim_end_matches('/'));
    (format!("{root}/servers/{id}/resources"), root.clone(), format!("{root}/servers/{id}/power"))
}

/// One call of `op` with client `p`.
fn call(kind: Kind, p: &Prepared, op: Op, env: &Env, u: &(String, String, String)) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    match (p, kind) {
        (Prepared::Core(c), Kind::CoreTyped) => match op {
            Op::Small => {
                let s = c.server(&env.id).resources().map_err(|x| e(&x))?;
                if s.current_state != "running" {
                    return Err("unexpected state".into());
                }
                black_box(s);
            }
            Op::Large => {
                let page = c.servers().list(&ListServers::new()).map_err(|x| e(&x))?;
                if page.data.len() != 100 {
                    return Err(format!("{} servers", page.data.len()));
                }
                black_box(page);
            }
            Op::Post => c.server(&env.id).power(PowerSignal::Start).map_err(|x| e(&x))?,
        },
        (Prepared::Core(c), _) => {
            let v = match op {
                Op::Small => c.call("server.resources", json!({ "server": env.id })),
                Op::Large => c.call("servers.list", json!({})),
                Op::Post => c.call("server.power", json!({ "server": env.id, "signal": "start" })),
            }
            .map_err(|x| e(&x))?;
            check_json(op, &v)?;
            black_box(v);
        }
        (Prepared::Blocking(c), _) => {
            let resp = match op {
                Op::Small => c.get(&u.0).send(),
                Op::Large => c.get(&u.1).send(),
                Op::Post => c.post(&u.2).header(CONTENT_TYPE, "application/json").body(POWER_BODY).send(),
            }
            .map_err(|x| e(&x))?;
            let status = resp.status().as_u16();
            let body = resp.bytes().map_err(|x| e(&x))?;
            if op == Op::Post {
                if status != 204 {
                    return Err(format!("status {status}"));
                }
            } else {
                if status != 200 {
                    return Err(format!("status {status}"));
                }
                let v: Value = serde_json::from_slice(&body).map_err(|x| e(&x))?;
                check_json(op, &v)?;
                black_box(v);
            }
        }
        (Prepared::Peer(rt, c), _) => rt.block_on(async {
            use pterodactyl_api::client::{PowerSignal as PeerSignal, ServerState};
            match op {
                Op::Small => {
                    let r = c.get_server(env.id.as_str()).get_resources().await.map_err(|x| e(&x))?;
                    if r.current_state != ServerState::Running {
                        return Err("unexpected state".into());
                    }
                    black_box(r);
                }
                Op::Large => {
                    let servers = c.list_servers().await.map_err(|x| e(&x))?;
                    if servers.len() != 100 {
                        return Err(format!("{} servers", servers.len()));
                    }
                    black_box(servers);
                }
                Op::Post => c.get_server(env.id.as_str()).send_power_signal(PeerSignal::Start).await.map_err(|x| e(&x))?,
            }
            Ok::<(), String>(())
        })?,
        (Prepared::Async(rt, c), _) => rt.block_on(async {
            let resp = match op {
                Op::Small => c.get(&u.0).send().await,
                Op::Large => c.get(&u.1).send().await,
                Op::Post => {
                    c.post(&u.2).header(CONTENT_TYPE, "application/json").body(POWER_BODY).send().await
                }
            }
            .map_err(|x| e(&x))?;
            let status = resp.status().as_u16();
            let body = resp.bytes().await.map_err(|x| e(&x))?;
            if op == Op::Post {
                if status != 204 {
                    return Err(format!("status {status}"));
                }
            } else {
                if status != 200 {
                    return Err(format!("status {status}"));
                }
                let v: Value = serde_json::from_slice(&body).map_err(|x| e(&x))?;
                check_json(op, &v)?;
                black_box(v);
            }
            Ok::<(), String>(())
        })?,
    }
    Ok(())
}

/// CPU time of the whole process (every thread, the runtime threads of reqwest::blocking too).
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// CPU time of the calling thread.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Calls until `d` has passed; returns (calls, seconds).
fn timed(d: Duration, mut f: impl FnMut() -> Result<(), String>) -> Result<(u64, f64), String> {
    let start = Instant::now();
    let mut n = 0u64;
    loop {
        f()?;
        n += 1;
        let el = start.elapsed();
        if el >= d {
            return Ok((n, el.as_secs_f64()));
        }
    }
}

struct Worker {
    env: Env,
    cache: HashMap<(Kind, String), Arc<Prepared>>,
}

/// (calls, wall seconds, process CPU seconds) of one measurement.
type Measured = (u64, f64, f64);

impl Worker {
    fn run(&mut self, kind: Kind, op: Op, base: &str, secs: f64, threads: usize) -> Result<Measured, String> {
        let u = urls(base, &self.env.id);
        let env = &self.env;
        let d = Duration::from_secs_f64(secs);
        if kind == Kind::ReqwestAsyncTl && threads > 1 {
            // Each thread its own runtime, client and connection; nothing shared.
            let u = &u;
            return run_threads(
                threads,
                || {
                    let p = prepare(kind, base, env)?;
                    Ok(move || call(kind, &p, op, env, u))
                },
                d,
            );
        }
        let key = (kind, base.to_owned());
        if !self.cache.contains_key(&key) {
            let p = prepare(kind, base, &self.env)?;
            self.cache.insert(key.clone(), Arc::new(p));
        }
        let p = self.cache[&key].clone();
        let env = &self.env;
        if threads > 1 {
            // One client shared by every thread (for reqwest-async: concurrent `block_on` on the
            // one current-thread runtime).
            return run_threads(threads, || Ok(|| call(kind, &p, op, env, &u)), d);
        }
        timed(WARMUP, || call(kind, &p, op, env, &u))?;
        let cpu0 = cpu_seconds();
        let (n, s) = timed(d, || call(kind, &p, op, env, &u))?;
        Ok((n, s, cpu_seconds() - cpu0))
    }
}

/// `threads` threads, each with the closure `make` gives it: warm-up, then all together for `d`.
fn run_threads<M, F>(threads: usize, make: M, d: Duration) -> Result<Measured, String>
where
    M: Fn() -> Result<F, String> + Sync,
    F: FnMut() -> Result<(), String>,
{
    let barrier = std::sync::Barrier::new(threads + 1);
    let results: Result<Vec<(u64, f64)>, String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let warmed = make().and_then(|mut f| timed(WARMUP, &mut f).map(|_| f));
                    barrier.wait(); // ready
                    barrier.wait(); // go
                    let mut f = warmed?;
                    timed(d, &mut f)
                })
            })
            .collect();
        barrier.wait();
        let cpu0 = cpu_seconds();
        barrier.wait();
        let r = hs.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into()))).collect();
        CPU_END.with(|c| c.set(cpu_seconds() - cpu0));
        r
    });
    let results = results?;
    let calls = results.iter().map(|r| r.0).sum();
    let longest = results.iter().map(|r| r.1).fold(0.0, f64::max);
    Ok((calls, longest, CPU_END.with(|c| c.get())))
}

thread_local! {
    static CPU_END: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

fn parse_run(w: &mut Worker, args: &[&str]) -> Result<Measured, String> {
    if args.len() < 4 {
        return Err("usage: CLIENT OP BASE SECONDS [THREADS]".into());
    }
    let kind = Kind::parse(args[0])?;
    let op = Op::parse(args[1])?;
    let secs: f64 = args[3].parse().map_err(|_| format!("bad seconds {:?}", args[3]))?;
    let threads: usize = match args.get(4) {
        Some(t) => t.parse().map_err(|_| format!("bad threads {t:?}"))?,
        None => 1,
    };
    w.run(kind, op, args[2], secs, threads.max(1))
}

fn count_calls(w: &mut Worker, args: &[&str]) -> Result<(), String> {
    let [kind, op, base, n] = args else { return Err("usage: count CLIENT OP BASE N".into()) };
    let (kind, op) = (Kind::parse(kind)?, Op::parse(op)?);
    let n: u64 = n.parse().map_err(|_| format!("bad N {n:?}"))?;
    let p = prepare(kind, base, &w.env)?;
    let u = urls(base, &w.env.id);
    for _ in 0..20 + n {
        call(kind, &p, op, &w.env, &u)?;
    }
    Ok(())
}

/// `ptero-bench decode FILE`: where the time of decoding a server list goes, without the network
/// (each step timed over the same bytes, µs of CPU per document, the fastest of 10 batches).
fn decode_profile(path: Option<&str>) {
    use pterodactyl_client::{shape, Page, Server};
    let Some(path) = path else {
        eprintln!("usage: ptero-bench decode servers.json");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("ptero-bench: {path}: {e}");
        std::process::exit(2)
    });
    fn time<T>(label: &str, mut f: impl FnMut() -> T) {
        // BENCH_ONLY=text: only the rows whose label holds it (to profile one with perf).
        if std::env::var("BENCH_ONLY").is_ok_and(|only| !label.contains(&only)) {
            return;
        }
        let n: usize = std::env::var("BENCH_N").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
        for _ in 0..20 {
            black_box(f());
        }
        // The fastest of 10 batches: the least disturbed by whatever else the machine runs.
        let batch = n.div_ceil(10).max(1);
        let mut best = f64::MAX;
        for _ in 0..10 {
            // This thread's CPU time: the time it was not running does not count.
            let t = thread_cpu_seconds();
            for _ in 0..batch {
                black_box(f());
            }
            best = best.min((thread_cpu_seconds() - t) * 1e6 / batch as f64);
        }
        println!("{best:>9.1} µs  {label}");
    }
    let value = shape::build(&bytes, &mut shape::ValueBuilder).expect("valid fixture");
    time("serde_json::from_slice::<Value> (bare)", || serde_json::from_slice::<Value>(&bytes).unwrap());
    time("shape::build(ValueBuilder) (the core's generic path)", || {
        shape::build(&bytes, &mut shape::ValueBuilder).unwrap()
    });
    time("clone of the normalized Value (for the next rows)", || value.clone());
    time("clone + serde_json::from_value::<Page<Server>>", || {
        serde_json::from_value::<Page<Server>>(value.clone()).unwrap()
    });
    time("clone + serde_path_to_error::deserialize::<Page<Server>> (the core's typed decode)", || {
        serde_path_to_error::deserialize::<_, Page<Server>>(value.clone()).unwrap()
    });
    time("serde_json::to_vec of the normalized Value", || serde_json::to_vec(&value).unwrap());
    let normalized = serde_json::to_vec(&value).unwrap();
    time("serde_json::from_slice::<Page<Server>> of normalized bytes (typed, no Value)", || {
        serde_json::from_slice::<Page<Server>>(&normalized).unwrap()
    });
    let normalized_text = String::from_utf8(normalized.clone()).unwrap();
    time("serde_json::from_str::<Page<Server>> of normalized text (typed, no Value, UTF-8 checked before)", || {
        serde_json::from_str::<Page<Server>>(&normalized_text).unwrap()
    });
    time("shape::decode::<Page<Server>> (the core's typed decode, straight from the bytes)", || {
        shape::decode::<Page<Server>>(&bytes).unwrap()
    });
    time("shape::decode::<Value> (the one shape as a Value, straight from the bytes)", || {
        shape::decode::<Value>(&bytes).unwrap()
    });
    time("shape::decode_value (the generic call's Value, straight from the bytes)", || {
        shape::decode_value(&bytes).unwrap()
    });
    time("shape::to_text (the C surface's text, straight from the bytes)", || shape::to_text(&bytes).unwrap());
    time("serde_json::from_slice::<IgnoredAny> of the panel's bytes (a scan)", || {
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).unwrap()
    });
    #[derive(serde::Deserialize)]
    struct PeerList {
        data: Vec<PeerObj>,
    }
    #[derive(serde::Deserialize)]
    struct PeerObj {
        #[allow(dead_code)]
        attributes: pterodactyl_api::client::ServerStruct,
    }
    time("pterodactyl_api: from_slice of its ServerStruct list (the peer's decode)", || {
        serde_json::from_slice::<PeerList>(&bytes).unwrap().data.len()
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let env = match Env::load() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ptero-bench: {e}");
            std::process::exit(2);
        }
    };
    let mut w = Worker { env, cache: HashMap::new() };
    match args.get(1).map(String::as_str) {
        Some("once") => {
            let rest: Vec<&str> = args[2..].iter().map(String::as_str).collect();
            match parse_run(&mut w, &rest) {
                Ok((n, s, cpu)) => println!("{n} {s:.6} {cpu:.6}"),
                Err(e) => {
                    eprintln!("ptero-bench: {e}");
                    std::process::exit(1);
                }
            }
        }
        Some("decode") => decode_profile(args.get(2).map(String::as_str)),
        Some("count") => {
            // `ptero-bench count CLIENT OP BASE N`: exactly N calls after 20 of warm-up, for an
            // instruction count under valgrind (callgrind): the difference of two N is the
            // user-space cost of N calls, the same on a busy machine as on a quiet one.
            let rest: Vec<&str> = args[2..].iter().map(String::as_str).collect();
            if let Err(e) = count_calls(&mut w, &rest) {
                eprintln!("ptero-bench: {e}");
                std::process::exit(1);
            }
        }
        Some("worker") => {
            let stdin = std::io::stdin();
            let mut out = std::io::stdout().lock();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                let parts: Vec<&str> = line.split_whitespace().collect();
                let reply = match parts.first() {
                    Some(&"run") => match parse_run(&mut w, &parts[1..]) {
                        Ok((n, s, cpu)) => format!("ok {n} {s:.6} {cpu:.6}"),
                        Err(e) => format!("err {}", e.replace('\n', " ")),
                    },
                    Some(&"quit") => break,
                    _ => format!("err unknown command {line:?}"),
                };
                if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
                    break;
                }
            }
        }
        _ => {
            eprintln!("usage: ptero-bench once CLIENT OP BASE SECONDS [THREADS] | ptero-bench worker");
            std::process::exit(2);
        }
    }
}
