//! `fake-panel [--port N]`: serves the fake panel on 127.0.0.1 until killed.
//!
//! Prints exactly one line, the base URL (`http://127.0.0.1:PORT`), then serves. The C and
//! Python suites read that line and drive the fake through `/__fake/*`.

use std::io::Write;

fn usage() -> ! {
    eprintln!("usage: fake-panel [--port N]   (default 0: a random free port)");
    std::process::exit(2);
}

fn main() {
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args.next().unwrap_or_else(|| usage()),
            other => match other.strip_prefix("--port=") {
                Some(v) => v.to_string(),
                None => usage(),
            },
        };
        port = value.parse().unwrap_or_else(|_| usage());
    }
    let panel = match fake_panel::FakePanel::start_on(port) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fake-panel: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", panel.base_url());
    let _ = stdout.flush();
    drop(stdout);
    // Serve until the process is killed (SIGTERM/SIGINT end it with the default action).
    loop {
        std::thread::park();
    }
}
