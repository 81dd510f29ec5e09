//! The Rust row of the transfer bench (`tests/bench/transfer.sh`): one 1 GiB download or upload
//! through the core's typed methods, timed in-process.
//!
//! ```text
//! ptero-transfer-bench download PANEL_URL KEY SERVER REMOTE_PATH LOCAL_PATH
//! ptero-transfer-bench upload   PANEL_URL KEY SERVER REMOTE_DIR  LOCAL_PATH
//! ```
//!
//! Prints one JSON line: `{"bytes", "seconds", "rss_before_kb", "hwm_kb"}` (resident memory
//! just before the transfer and its peak, from /proc/self/status).

use std::time::Instant;

use pterodactyl_client::{Client, Upload};

/// A `kB` field of /proc/self/status (0 where there is none).
fn status_kb(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, panel, key, server, remote, local] = args.as_slice() else {
        eprintln!("usage: ptero-transfer-bench download|upload PANEL_URL KEY SERVER REMOTE LOCAL");
        std::process::exit(2);
    };
    let client = Client::new(panel, key).expect("client");
    let files = client.server(server).files();
    // One small call first, so that the connection pool and the runtime exist before measuring.
    files.list(Some("/")).expect("warm-up");
    let rss_before_kb = status_kb("VmRSS:");
    let start = Instant::now();
    let bytes = match mode.as_str() {
        "download" => files.download_to_path(remote, local),
        "upload" => files.upload(remote, [Upload::path(local)]),
        other => panic!("unknown mode {other}"),
    }
    .expect("transfer");
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"bytes\":{bytes},\"seconds\":{seconds},\"rss_before_kb\":{rss_before_kb},\"hwm_kb\":{}}}",
        status_kb("VmHWM:")
    );
}
