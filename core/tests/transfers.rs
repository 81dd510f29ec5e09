//! Streaming transfers through signed Wings URLs: downloads of files and backups (to a writer and
//! to a path), uploads, progress, and the failure matrix (a reused URL, an expired one, a cut
//! connection, a cancel, a full disk, Wings' own refusals, a Wings that is down).

mod common;
use common::*;

use std::fs;
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pterodactyl_client::{Progress, Upload};

/// Seeded on d3aac109 (tests/panel/README.md): the weekly backup, numeric id 1, 50 MiB.
const WEEKLY: &str = "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e";
const WEEKLY_BYTES: u64 = 52_428_800;
const MIB: u64 = 1024 * 1024;

/// A fresh directory under the target directory's tmp, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ptero-transfers-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Every entry of the directory (a leftover `.part` file would show here).
    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Asserts that `path` holds exactly the generated content of `seed`, `len` bytes long, reading
/// it a chunk at a time.
#[track_caller]
fn assert_generated(path: &Path, seed: u64, len: u64) {
    let mut file = fs::File::open(path).unwrap();
    assert_eq!(file.metadata().unwrap().len(), len, "size of {}", path.display());
    let (mut got, mut want) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    let mut at = 0u64;
    loop {
        let n = file.read(&mut got).unwrap();
        if n == 0 {
            break;
        }
        fake_panel::fill_generated(seed, at, &mut want[..n]);
        assert!(got[..n] == want[..n], "content differs within bytes {at}..{}", at + n as u64);
        at += n as u64;
    }
    assert_eq!(at, len);
}

/// Writes `len` bytes of generated content of `seed` to `path`.
fn write_generated(path: &Path, seed: u64, len: u64) {
    let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let mut buf = vec![0u8; 1 << 20];
    let mut at = 0;
    while at < len {
        let n = (len - at).min(buf.len() as u64) as usize;
        fake_panel::fill_generated(seed, at, &mut buf[..n]);
        file.write_all(&buf[..n]).unwrap();
        at += n as u64;
    }
    file.flush().unwrap();
}

/// Every progress report of a transfer.
fn recorder(log: &mut Vec<Progress>) -> impl FnMut(Progress) -> ControlFlow<()> + Send + '_ {
    move |p| {
        log.push(p);
        ControlFlow::Continue(())
    }
}

#[track_caller]
fn assert_progress(log: &[Progress], total: Option<u64>, done: u64) {
    assert!(!log.is_empty(), "the callback was called");
    assert_eq!(log[0].done, 0, "first report at the start");
    assert!(log.windows(2).all(|w| w[0].done < w[1].done), "done only grows");
    assert!(log.iter().all(|p| p.total == total), "total {total:?} throughout");
    assert_eq!(log.last().unwrap().done, done, "last report at the end");
}

/// The API key never reaches Wings.
#[track_caller]
fn assert_no_key_sent_to_wings(panel: &FakePanel) {
    let wings = panel.wings_requests();
    assert!(!wings.is_empty(), "Wings was asked");
    for r in &wings {
        assert!(
            r.header("authorization").is_none(),
            "{} {} carried an Authorization header",
            r.method,
            r.path
        );
        assert!(r.headers.iter().all(|(_, v)| !v.contains(OWNER_KEY)), "the key leaked to Wings");
    }
}

#[track_caller]
fn wings_error<T: std::fmt::Debug>(res: pterodactyl_client::Result<T>, status: u16) -> String {
    match res {
        Err(Error::Wings { status: s, message, .. }) if s == status => message,
        other => panic!("expected a Wings error {status}, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Downloads.

#[test]
fn download_streams_a_file_into_a_writer_without_the_key() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let mut out = Vec::new();
    let n = client.server(SURVIVAL).files().download("/world/level.dat", &mut out).unwrap();
    assert_eq!(n, 16);
    assert_eq!(
        out,
        [0x0a, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x44, 0x61, 0x74, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00]
    );
    assert_eq!(
        last_request(&panel, "GET", "/files/download").query.as_deref(),
        Some("file=%2Fworld%2Flevel.dat")
    );
    let wings = panel.wings_requests();
    assert_eq!(wings.len(), 1);
    assert_eq!((wings[0].method.as_str(), wings[0].path.as_str()), ("GET", "/download/file"));
    assert_no_key_sent_to_wings(&panel);
}

#[test]
fn download_to_path_moves_hundreds_of_megabytes_with_progress() {
    let panel = FakePanel::start();
    let size = 300 * MIB + 7;
    panel.add_generated_file(SURVIVAL, "/big/world.bin", size, 7);
    let client = owner(&panel);
    let dir = Scratch::new("big");
    let dest = dir.path("world.bin");
    let mut log = Vec::new();
    let n = client
        .server(SURVIVAL)
        .files()
        .download_to_path_with("/big/world.bin", &dest, recorder(&mut log))
        .unwrap();
    assert_eq!(n, size);
    assert_generated(&dest, 7, size);
    assert_progress(&log, Some(size), size);
    assert!(log.len() > 100, "reports along the way, not only at the ends ({})", log.len());
    assert_eq!(dir.entries(), ["world.bin"], "no temporary file left");
    assert_no_key_sent_to_wings(&panel);
}

#[test]
fn download_to_path_replaces_an_existing_file_only_when_complete() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dir = Scratch::new("replace");
    let dest = dir.path("eula.txt");
    fs::write(&dest, "old").unwrap();
    client.server(SURVIVAL).files().download_to_path("eula.txt", &dest).unwrap();
    assert!(fs::read_to_string(&dest).unwrap().ends_with("eula=true\n"));
    assert_eq!(dir.entries(), ["eula.txt"]);
}

#[test]
fn a_file_name_with_percent_signs_survives_the_panels_second_decoding() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.write("/100%41 done.txt", b"percent").unwrap();
    let mut out = Vec::new();
    files.download("/100%41 done.txt", &mut out).unwrap();
    assert_eq!(out, b"percent");
}

#[test]
fn backup_download_streams_the_archive() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dir = Scratch::new("backup");
    let dest = dir.path("weekly.tar.gz");
    let mut log = Vec::new();
    let backups = client.server(SURVIVAL).backups();
    let n = backups.download_to_path_with(WEEKLY, &dest, recorder(&mut log)).unwrap();
    assert_eq!(n, WEEKLY_BYTES);
    assert_generated(&dest, fake_panel::backup_seed(1), WEEKLY_BYTES);
    assert_progress(&log, Some(WEEKLY_BYTES), WEEKLY_BYTES);
    let wings = panel.wings_requests();
    assert_eq!(wings.last().unwrap().path, "/download/backup");
    assert_no_key_sent_to_wings(&panel);

    assert_eq!(
        backups.download(WEEKLY, std::io::sink()).unwrap(),
        WEEKLY_BYTES,
        "to a writer, with a fresh URL"
    );
    // The seeded failed backup has no archive on Wings.
    let message = wings_error(backups.download("c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f", std::io::sink()), 404);
    assert!(message.contains("backup was not found"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Uploads.

#[test]
fn upload_streams_local_files_and_readers_into_a_directory() {
    let panel = FakePanel::start();
    panel.set_upload_limit_mb(400);
    let client = owner(&panel);
    let dir = Scratch::new("upload");
    let big = dir.path("pack.bin");
    let size = 200 * MIB + 3;
    write_generated(&big, 11, size);
    let motd = b"Welcome!\n";
    let mut log = Vec::new();
    let sources = [Upload::path(&big), Upload::reader("motd.txt", &motd[..]).with_len(motd.len() as u64)];
    let n = client.server(SURVIVAL).files().upload_with("/modpack", sources, recorder(&mut log)).unwrap();
    assert_eq!(n, size + motd.len() as u64);
    assert_progress(&log, Some(n), n);
    let info = panel.file_info(SURVIVAL, "/modpack/pack.bin").expect("uploaded");
    assert_eq!((info.size, info.kind, info.seed), (size, "generated", Some(11)), "byte for byte");
    assert_eq!(client.server(SURVIVAL).files().contents("/modpack/motd.txt").unwrap(), motd);
    let wings = panel.wings_requests();
    assert_eq!(wings.len(), 1, "one POST for every file");
    let post = &wings[0];
    assert_eq!((post.method.as_str(), post.path.as_str()), ("POST", "/upload/file"));
    assert!(post.query.as_deref().unwrap().ends_with("&directory=%2Fmodpack"), "{:?}", post.query);
    let length: u64 = post.header("content-length").expect("a known length is sent").parse().unwrap();
    assert!(length > n && length < n + 1024, "the content plus the multipart framing: {length}");
    assert!(post.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    assert_no_key_sent_to_wings(&panel);
}

#[test]
fn upload_of_a_reader_of_unknown_size_is_chunked_and_has_no_total() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let mut log = Vec::new();
    let data = vec![b'x'; 3 * 1024 * 1024 + 5];
    let n = client
        .server(SURVIVAL)
        .files()
        .upload_with("/", [Upload::reader("x.txt", &data[..])], recorder(&mut log))
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert_progress(&log, None, n);
    assert_eq!(client.server(SURVIVAL).files().contents("/x.txt").unwrap(), data);
    let post = panel.wings_requests().pop().unwrap();
    assert_eq!(post.header("transfer-encoding"), Some("chunked"));
}

#[test]
fn upload_reads_a_trickling_reader_whole() {
    /// Gives at most 1000 bytes a read, as a pipe or a socket may.
    struct Trickle(std::io::Cursor<Vec<u8>>);
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(1000);
            self.0.read(&mut buf[..n])
        }
    }
    let panel = FakePanel::start();
    let client = owner(&panel);
    let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let files = client.server(SURVIVAL).files();
    let n = files
        .upload("/", [Upload::reader("trickle.bin", Trickle(std::io::Cursor::new(data.clone())))])
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(files.contents("/trickle.bin").unwrap(), data);
}

#[test]
fn upload_refuses_bad_sources_before_asking_the_panel() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let missing = files.upload("/", [Upload::path("/nonexistent/plugin.jar")]);
    assert!(
        matches!(&missing, Err(Error::Io { path: Some(p), source }) if p.ends_with("plugin.jar") && source.kind() == std::io::ErrorKind::NotFound),
        "{missing:?}"
    );
    for bad in ["", "..", "a/b.txt", "bad\r\nname"] {
        let res = files.upload("/", [Upload::reader(bad, &b"x"[..])]);
        assert!(matches!(res, Err(Error::InvalidInput(_))), "{bad:?}: {res:?}");
    }
    let res = files.upload("/", Vec::<Upload<'_>>::new());
    assert!(matches!(res, Err(Error::InvalidInput(_))), "{res:?}");
    assert!(panel.requests().is_empty(), "nothing was asked of the panel");
}

#[test]
fn a_reader_shorter_than_its_length_fails_the_upload() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let res =
        client.server(SURVIVAL).files().upload("/", [Upload::reader("short.txt", &b"abc"[..]).with_len(10)]);
    assert!(
        matches!(&res, Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::UnexpectedEof),
        "{res:?}"
    );
    assert!(panel.file_info(SURVIVAL, "/short.txt").is_none());
}

// ---------------------------------------------------------------------------------------------
// The failure matrix.

#[test]
fn a_signed_url_works_once() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let url = files.download_url("/eula.txt").unwrap().url;
    let mut first = Vec::new();
    client.download_signed(&url, &mut first, |_| ControlFlow::Continue(())).unwrap();
    assert!(first.ends_with(b"eula=true\n"));
    let message =
        wings_error(client.download_signed(&url, std::io::sink(), |_| ControlFlow::Continue(())), 404);
    assert!(message.contains("was used already"), "{message}");

    let dir = Scratch::new("reuse");
    let res = client.download_signed_to_path(&url, dir.path("eula.txt"), |_| ControlFlow::Continue(()));
    wings_error(res, 404);
    assert!(dir.entries().is_empty(), "no file for a refused download");

    let upload = files.upload_url().unwrap().url;
    client
        .upload_signed(&upload, "/", [Upload::reader("a.txt", &b"a"[..])], |_| ControlFlow::Continue(()))
        .unwrap();
    let again = client
        .upload_signed(&upload, "/", [Upload::reader("b.txt", &b"b"[..])], |_| ControlFlow::Continue(()));
    wings_error(again, 404);
    assert!(panel.file_info(SURVIVAL, "/b.txt").is_none());

    // The typed methods never reuse a URL: each transfer asks for its own.
    files.download("/eula.txt", std::io::sink()).unwrap();
    files.download("/eula.txt", std::io::sink()).unwrap();
    let tokens: Vec<String> = panel.wings_requests().iter().filter_map(|r| r.query.clone()).collect();
    let [.., a, b] = tokens.as_slice() else { panic!("two downloads: {tokens:?}") };
    assert_ne!(a, b);
}

#[test]
fn an_expired_url_is_a_wings_error_naming_the_expiry() {
    let panel = FakePanel::start();
    panel.set_token_lifetime(Duration::ZERO);
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let message = wings_error(files.download("/eula.txt", std::io::sink()), 500);
    assert!(message.contains("expired"), "{message}");
    let dir = Scratch::new("expired");
    wings_error(files.download_to_path("/eula.txt", dir.path("eula.txt")), 500);
    wings_error(client.server(SURVIVAL).backups().download_to_path(WEEKLY, dir.path("b.tar.gz")), 500);
    assert!(dir.entries().is_empty(), "no partial file");
    wings_error(files.upload("/", [Upload::reader("late.txt", &b"late"[..])]), 500);
    assert!(panel.file_info(SURVIVAL, "/late.txt").is_none());
}

#[test]
fn a_cut_connection_fails_with_a_transport_error_and_leaves_no_partial_file() {
    let panel = FakePanel::start();
    panel.add_generated_file(SURVIVAL, "/cut.bin", 8 * MIB, 3);
    panel.cut_transfers_after(Some(MIB + 17));
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let dir = Scratch::new("cut");
    let dest = dir.path("cut.bin");
    fs::write(&dest, "previous").unwrap();
    let res = files.download_to_path("/cut.bin", &dest);
    assert!(matches!(&res, Err(Error::Transport { connect: false, .. })), "{res:?}");
    assert_eq!(fs::read_to_string(&dest).unwrap(), "previous", "the old file is untouched");
    assert_eq!(dir.entries(), ["cut.bin"], "no partial file");
    let mut partial = Vec::new();
    let res = files.download("/cut.bin", &mut partial);
    assert!(matches!(&res, Err(Error::Transport { connect: false, .. })), "{res:?}");
    assert!(partial.len() as u64 <= MIB + 17);
    wings_error(files.download("/nothing-here.bin", std::io::sink()), 404);

    let upload = vec![7u8; 4 * MIB as usize];
    let res = files.upload("/", [Upload::reader("cut.txt", &upload[..]).with_len(upload.len() as u64)]);
    assert!(matches!(&res, Err(Error::Transport { .. })), "{res:?}");
    assert!(panel.file_info(SURVIVAL, "/cut.txt").is_none());
}

#[test]
fn the_progress_callback_cancels_cleanly() {
    let panel = FakePanel::start();
    panel.add_generated_file(SURVIVAL, "/cancel.bin", 64 * MIB, 5);
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let dir = Scratch::new("cancel");
    let dest = dir.path("cancel.bin");
    let stop_after_some =
        |p: Progress| if p.done > 2 * MIB { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
    let res = files.download_to_path_with("/cancel.bin", &dest, stop_after_some);
    assert!(matches!(res, Err(Error::Cancelled)), "{res:?}");
    assert!(dir.entries().is_empty(), "the partial file is removed");
    // At the very start, before any byte.
    let res = files.download_to_path_with("/cancel.bin", &dest, |_| ControlFlow::Break(()));
    assert!(matches!(res, Err(Error::Cancelled)), "{res:?}");
    assert!(dir.entries().is_empty());

    let data = vec![1u8; 8 * MIB as usize];
    let res = files.upload_with(
        "/",
        [Upload::reader("cancel.txt", &data[..]).with_len(data.len() as u64)],
        stop_after_some,
    );
    assert!(matches!(res, Err(Error::Cancelled)), "{res:?}");
    assert!(panel.file_info(SURVIVAL, "/cancel.txt").is_none(), "nothing is written on Wings");
    // The client is fine afterwards.
    assert!(files.download("/eula.txt", std::io::sink()).unwrap() > 0);
}

#[test]
fn the_clients_cancel_check_stops_a_transfer() {
    let panel = FakePanel::start();
    panel.add_generated_file(SURVIVAL, "/slow.bin", MIB, 9);
    panel.set_slow("/download/file", Duration::from_secs(30));
    let client = owner(&panel).with_cancel_check(|| true);
    let res = client.server(SURVIVAL).files().download("/slow.bin", std::io::sink());
    assert!(matches!(res, Err(Error::Cancelled)), "{res:?}");
}

#[test]
fn a_stalled_transfer_times_out() {
    let panel = FakePanel::start();
    panel.set_slow("/download/file", Duration::from_secs(30));
    let client = owner(&panel).with_timeout(Duration::from_millis(300));
    let res = client.server(SURVIVAL).files().download("/eula.txt", std::io::sink());
    assert!(matches!(res, Err(Error::Timeout { phase: "transfer", .. })), "{res:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_io_error() {
    let panel = FakePanel::start();
    panel.add_generated_file(SURVIVAL, "/full.bin", 4 * MIB, 1);
    let client = owner(&panel);
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let res = client.server(SURVIVAL).files().download("/full.bin", full);
    match res {
        Err(Error::Io { source, .. }) => assert_eq!(source.raw_os_error(), Some(28), "ENOSPC"),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn an_unusable_destination_fails_before_asking_the_panel() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let dir = Scratch::new("dest");
    let files = client.server(SURVIVAL).files();
    let res = files.download_to_path("/eula.txt", dir.path("missing-dir/eula.txt"));
    assert!(
        matches!(&res, Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound),
        "{res:?}"
    );
    let res = files.download_to_path("/eula.txt", &dir.0);
    assert!(matches!(res, Err(Error::InvalidInput(_))), "{res:?}");
    assert!(panel.requests().is_empty());
}

#[test]
fn wings_refusals_are_wings_errors() {
    let panel = FakePanel::start();
    panel.set_upload_limit_mb(1);
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let message = wings_error(files.download("/missing.txt", std::io::sink()), 404);
    assert_eq!(message, "The requested resources was not found on the system.");
    let data = vec![0u8; 2 * MIB as usize];
    let message = wings_error(files.upload("/", [Upload::reader("big.bin", &data[..])]), 400);
    assert!(message.contains("larger than the maximum file upload size of 1 MB"), "{message}");
    // The panel's own refusals stay API errors.
    api_error(subuser(&panel).server(SURVIVAL).files().download("/eula.txt", std::io::sink()), 403);
}

#[test]
fn a_retry_asks_the_panel_for_a_fresh_url() {
    let panel = FakePanel::start();
    panel.set_unreachable_urls(2);
    let client = quick(&panel, OWNER_KEY);
    let files = client.server(SURVIVAL).files();
    let mut out = Vec::new();
    files.download("/eula.txt", &mut out).unwrap();
    assert!(out.ends_with(b"eula=true\n"));
    assert_eq!(count(&panel, "GET", "/files/download"), 3, "a fresh URL for each try");

    panel.set_unreachable_urls(1);
    files.upload("/", [Upload::reader("retried.txt", &b"again"[..])]).unwrap();
    assert_eq!(files.contents("/retried.txt").unwrap(), b"again");
    assert_eq!(count(&panel, "GET", "/files/upload"), 2);

    // Without retries the failure is a connection error that never reached Wings.
    panel.set_unreachable_urls(1);
    let once =
        Client::builder(panel.base_url(), OWNER_KEY).retry_policy(RetryPolicy::none()).build().unwrap();
    let res = once.server(SURVIVAL).files().download("/eula.txt", std::io::sink());
    assert!(
        matches!(&res, Err(Error::Transport { connect: true, message }) if !message.contains("token=")),
        "{res:?}"
    );
}

#[test]
fn signed_urls_are_checked_and_their_tokens_never_shown() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    for bad in ["", "not a url", "ftp://127.0.0.1/x", "file:///etc/passwd"] {
        let res = client.download_signed(bad, std::io::sink(), |_| ControlFlow::Continue(()));
        assert!(matches!(res, Err(Error::InvalidInput(_))), "{bad:?}: {res:?}");
    }
    let res = client.download_signed(
        "http://127.0.0.1:9/download/file?token=secret.token.here",
        std::io::sink(),
        |_| ControlFlow::Continue(()),
    );
    let text = format!("{:?} {}", res.as_ref().unwrap_err(), res.as_ref().unwrap_err());
    assert!(!text.contains("secret.token.here"), "{text}");
}

#[test]
fn transfers_work_from_a_spawn_blocking_thread() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let n = runtime
        .block_on(async move {
            tokio::task::spawn_blocking(move || {
                let mut out = Vec::new();
                client.server(SURVIVAL).files().download("/eula.txt", &mut out).map(|_| out.len())
            })
            .await
        })
        .unwrap()
        .unwrap();
    assert!(n > 0);
}
