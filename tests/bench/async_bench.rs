//! The Rust rows of the async bench (`tests/bench/async.py`): many calls in flight at once.
//!
//! ```text
//! ptero-async-bench CLIENT BASE BATCHES IN_FLIGHT
//! ```
//!
//! One batch is one `GET /api/client/servers/<id>/resources` for each identifier of the file
//! `BENCH_IDS` (500 distinct ones, one a line), with IN_FLIGHT calls in flight at once: IN_FLIGHT
//! tasks that each take the next identifier until none is left, so every row has exactly the same
//! number of calls outstanding. One warm-up batch (it opens the connections), then BATCHES measured
//! ones, each printed as `WALL_SECONDS CPU_SECONDS` (CPU: the whole process, every thread).
//!
//! CLIENT, each on a multi-thread tokio runtime with the default worker count (what
//! `#[tokio::main]` gives), every call checking that the server is `running`:
//! * `core-async`: this project's [`AsyncClient`] (`client.server(id).resources().await`), its
//!   default `max_in_flight` (64).
//! * `peer-async`: the Rust peer, `pterodactyl_api` 0.3, as its users build it:
//!   `client.get_server(id).get_resources().await`.
//! * `reqwest-async`: a bare async `reqwest::Client` (the core's reqwest, same settings) +
//!   `serde_json::from_slice::<Value>`: the transport alone.
//!
//! Environment: `BENCH_KEY`, `BENCH_IDS`, `BENCH_CA` (PEM file of the CA trusted for https).

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pterodactyl_client::AsyncClient;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use serde_json::Value;

/// One prepared client of one row.
#[derive(Clone)]
enum Row {
    Core(AsyncClient),
    Peer(Arc<pterodactyl_api::client::Client>),
    Bare(reqwest::Client, Arc<str>),
}

impl Row {
    async fn resources(&self, id: &str) -> Result<(), String> {
        match self {
            Row::Core(c) => {
                let s = c.server(id).resources().await.map_err(|e| e.to_string())?;
                if s.current_state != "running" {
                    return Err(format!("{id}: state {:?}", s.current_state));
                }
                black_box(s);
            }
            Row::Peer(c) => {
                use pterodactyl_api::client::ServerState;
                let s = c.get_server(id).get_resources().await.map_err(|e| e.to_string())?;
                if s.current_state != ServerState::Running {
                    return Err(format!("{id}: state {:?}", s.current_state));
                }
                black_box(s);
            }
            Row::Bare(c, root) => {
                let resp = c
                    .get(format!("{root}/servers/{id}/resources"))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if resp.status() != 200 {
                    return Err(format!("{id}: status {}", resp.status()));
                }
                let body = resp.bytes().await.map_err(|e| e.to_string())?;
                let v: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                if v["attributes"]["current_state"] != "running" {
                    return Err(format!("{id}: unexpected answer"));
                }
                black_box(v);
            }
        }
        Ok(())
    }
}

fn headers(key: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {key}")).expect("ascii key");
    auth.set_sensitive(true);
    h.insert(AUTHORIZATION, auth);
    h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    h
}

fn prepare(kind: &str, base: &str, key: &str, ca: Option<&[u8]>) -> Result<Row, String> {
    Ok(match kind {
        "core-async" => {
            let mut b = pterodactyl_client::Client::builder(base, key);
            if let Some(pem) = ca {
                b = b.add_root_certificate_pem(pem.to_vec());
            }
            Row::Core(b.build_async().map_err(|e| e.to_string())?)
        }
        "peer-async" => {
            let mut b = pterodactyl_api::client::ClientBuilder::new(base, key);
            if let Some(pem) = ca {
                let ca = reqwest013::Certificate::from_pem(pem).map_err(|e| format!("bad CA PEM: {e}"))?;
                b = b.with_client(
                    reqwest013::Client::builder().tls_certs_merge([ca]).build().map_err(|e| e.to_string())?,
                );
            }
            Row::Peer(Arc::new(b.build()))
        }
        "reqwest-async" => {
            let mut b = reqwest::Client::builder()
                .default_headers(headers(key))
                .user_agent("bench")
                .connect_timeout(Duration::from_secs(10))
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true);
            if let Some(pem) = ca {
                b = b.add_root_certificate(
                    reqwest::Certificate::from_pem(pem).map_err(|e| format!("bad CA PEM: {e}"))?,
                );
            }
            let root: Arc<str> = format!("{}/api/client", base.trim_end_matches('/')).into();
            Row::Bare(b.build().map_err(|e| e.to_string())?, root)
        }
        _ => return Err(format!("unknown client {kind:?} (core-async, peer-async, reqwest-async)")),
    })
}

/// One batch: every identifier once, `in_flight` at a time.
async fn batch(row: &Row, ids: &Arc<Vec<String>>, in_flight: usize) -> Result<(), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(in_flight);
    for _ in 0..in_flight {
        let (row, ids, next) = (row.clone(), Arc::clone(ids), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(id) = ids.get(i) else { return Ok::<(), String>(()) };
                row.resources(id).await?;
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| format!("task failed: {e}"))??;
    }
    Ok(())
}

fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn run(args: &[String]) -> Result<(), String> {
    let [kind, base, batches, in_flight] = args else {
        return Err("usage: ptero-async-bench CLIENT BASE BATCHES IN_FLIGHT".into());
    };
    let batches: usize = batches.parse().map_err(|_| format!("bad BATCHES {batches:?}"))?;
    let in_flight: usize = in_flight.parse().map_err(|_| format!("bad IN_FLIGHT {in_flight:?}"))?;
    let key =
        std::env::var("BENCH_KEY").unwrap_or_else(|_| "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF".into());
    let ids_path = std::env::var("BENCH_IDS").map_err(|_| "BENCH_IDS is not set".to_string())?;
    let ids: Vec<String> = std::fs::read_to_string(&ids_path)
        .map_err(|e| format!("cannot read {ids_path}: {e}"))?
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let ids = Arc::new(ids);
    let ca = match std::env::var("BENCH_CA") {
        Ok(p) if !p.is_empty() && base.starts_with("https://") => {
            Some(std::fs::read(&p).map_err(|e| format!("cannot read BENCH_CA {p}: {e}"))?)
        }
        _ => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    // Clients are built inside the runtime, as in an async program.
    let row = {
        let _g = rt.enter();
        prepare(kind, base, &key, ca.as_deref())?
    };
    rt.block_on(batch(&row, &ids, in_flight))?;
    for _ in 0..batches {
        let (t0, c0) = (Instant::now(), cpu_seconds());
        rt.block_on(batch(&row, &ids, in_flight))?;
        println!("{:.6} {:.6}", t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("ptero-async-bench: {e}");
        std::process::exit(1);
    }
}
