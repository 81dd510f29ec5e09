//! Streaming transfers through the panel's signed URLs (client-api.md §2.4): downloads of a
//! server's files and backups, uploads into a server's directories, done the way `curl` does
//! them.
//!
//! * **Streaming.** Bytes go from the socket to the writer, or from the reader to the socket, a
//!   chunk at a time: memory stays flat whatever the size.
//! * **No key.** A signed URL points at Wings (or S3), another host than the panel. It is
//!   fetched with an HTTP client of its own that never sends the API key, with the panel
//!   client's TLS settings (`transport::Audience::Signed`).
//! * **One URL, one use.** Wings' tokens work once and live 15 minutes: every transfer, and
//!   every retry of one, asks the panel for a fresh URL. Only a transfer whose connection could
//!   not be made is retried (nothing was sent or written then).
//! * **All or nothing on disk.** A download to a path writes `.<name>.part-…` beside it and
//!   renames it to the name only once the whole body arrived (its length checked against
//!   `Content-Length`); any failure removes the partial file.
//! * **Stalls and cancels.** A transfer has no whole-request timeout (a large file takes as long
//!   as it takes); it fails with [`Error::Timeout`] (phase `"transfer"`) when no byte moved for
//!   the client's timeout. The progress callback ([`Progress`]) and the client's cancel check
//!   stop it with [`Error::Cancelled`].
//!
//! The exchange runs on the calling thread's runtime of the transport (with the transport's
//! guards: async code, `spawn_blocking`, `fork()`), so the writer, the readers and the progress
//! callback are called on the calling thread.

use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::future::{poll_fn, Future};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::{mpsc, oneshot};

use crate::client::{CancelCheck, Client};
use crate::error::{Error, Result};
use crate::transport::Failure;

/// How much is read from a source (or written out) at a time.
const CHUNK: usize = 256 * 1024;
/// The progress callback is called about this often (in bytes), and at the start and the end.
const REPORT_EVERY: u64 = 256 * 1024;
/// How often the client's cancel check is asked while a transfer waits.
const CANCEL_POLL: Duration = Duration::from_millis(50);
/// The most of an error answer that is read.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// The buffer of a download to a path.
const FILE_BUFFER: usize = 1024 * 1024;

/// How far a transfer is, as the progress callback sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes moved so far (file content only, not the multipart framing of an upload).
    pub done: u64,
    /// The whole size when it is known: a download's `Content-Length`, the sum of an upload's
    /// sizes (unknown when a reader's size was not given).
    pub total: Option<u64>,
}

/// The progress callback of a transfer: called once the transfer starts (`done` 0), about every
/// 256 KiB, and once at the end. [`ControlFlow::Break`] cancels the transfer
/// ([`Error::Cancelled`]; a partial download to a path is removed).
pub(crate) type ProgressFn<'a> = dyn FnMut(Progress) -> ControlFlow<()> + Send + 'a;

/// One file to upload: a local file, or any reader with the name the file gets on the server.
///
/// ```no_run
/// use pterodactyl_client::Upload;
/// let from_disk = Upload::path("build/MyPlugin.jar");
/// let in_memory = Upload::reader("motd.txt", &b"Welcome!\n"[..]).with_len(9);
/// # let _ = (from_disk, in_memory);
/// ```
pub struct Upload<'a> {
    name: Option<String>,
    source: Source<'a>,
    len: Option<u64>,
}

enum Source<'a> {
    Path(PathBuf),
    Reader(Box<dyn Read + Send + 'a>),
}

impl std::fmt::Debug for Upload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Upload");
        d.field("name", &self.name);
        match &self.source {
            Source::Path(p) => d.field("path", p),
            Source::Reader(_) => d.field("reader", &".."),
        };
        d.field("len", &self.len).finish()
    }
}

impl Upload<'static> {
    /// A local file, uploaded under its own file name. It is read as it is sent, never whole;
    /// the size it has when the upload starts is what is sent.
    pub fn path(path: impl Into<PathBuf>) -> Upload<'static> {
        Upload { name: None, source: Source::Path(path.into()), len: None }
    }
}

impl<'a> Upload<'a> {
    /// Whatever `reader` gives, uploaded as `name`. Without [`Upload::with_len`] the size is
    /// unknown, so the request is sent chunked and the progress has no total.
    pub fn reader(name: impl Into<String>, reader: impl Read + Send + 'a) -> Upload<'a> {
        Upload { name: Some(name.into()), source: Source::Reader(Box::new(reader)), len: None }
    }

    /// The size of a reader's content, when known ahead: exactly that many bytes are sent, and
    /// a reader that ends sooner fails the upload ([`Error::Io`]).
    pub fn with_len(mut self, len: u64) -> Self {
        self.len = Some(len);
        self
    }

    /// Uploads under another name than the file's own.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

// ---------------------------------------------------------------------------------------------
// The public entry points: signed URLs given by hand. The typed methods (`files().download(..)`,
// `backups().download(..)`, `files().upload(..)`) ask the panel for the URL and use the same
// machinery (`download_fresh`, `download_fresh_to_path`, `upload_fresh`).

impl Client {
    /// Downloads what a signed URL serves into `out`, streaming: a URL of
    /// [`Files::download_url`](crate::Files::download_url) or
    /// [`Backups::download_url`](crate::Backups::download_url) (on Wings or S3). The request
    /// carries no API key. Answers the number of bytes written.
    ///
    /// A Wings URL works once: a used one fails with [`Error::Wings`] 404, an expired one with
    /// [`Error::Wings`] 500. Prefer the typed methods, which ask for a fresh URL every time:
    /// `client.server(id).files().download(path, out)`.
    pub fn download_signed(
        &self,
        url: &str,
        mut out: impl Write + Send,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = signed_url(url)?;
        self.transfer(|x| x.run(fetch(x.http, &url, &mut out, None, &mut progress, &x.timing)))
    }

    /// Like [`Client::download_signed`], into the file `dest`: written beside it under a
    /// temporary name and renamed only once complete, so a failed transfer never leaves a
    /// partial file under `dest`.
    pub fn download_signed_to_path(
        &self,
        url: &str,
        dest: impl AsRef<Path>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = signed_url(url)?;
        let dest = dest.as_ref();
        let mut part = PartFile::create(dest)?;
        let n = part.fill(dest, |out| {
            self.transfer(|x| x.run(fetch(x.http, &url, out, Some(dest), &mut progress, &x.timing)))
        })?;
        part.commit(dest)?;
        Ok(n)
    }

    /// Uploads `sources` into `directory` of the server through a signed upload URL
    /// ([`Files::upload_url`](crate::Files::upload_url)): one `multipart/form-data` POST with
    /// a part named `files` for each, read from disk as it is sent. Answers the bytes sent
    /// (file content only).
    pub fn upload_signed<'a>(
        &self,
        url: &str,
        directory: &str,
        sources: impl IntoIterator<Item = Upload<'a>>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let mut parts = Parts::open(sources)?;
        let url = upload_url(url, directory)?;
        self.transfer(|x| x.run(send_upload(x.http, &url, &mut parts, &mut progress, &x.timing)))
    }

    /// Runs `job` on the transport's runtime for signed URLs: `job` drives its exchange with
    /// [`Exchange::run`].
    fn transfer<T: Send>(&self, job: impl FnOnce(&Exchange<'_>) -> Result<T> + Send) -> Result<T> {
        let timing =
            Timing { idle: self.timeout.unwrap_or(self.inner.timeout), connect: self.inner.connect_timeout };
        if timing.idle.is_zero() {
            return Err(Error::invalid("the timeout given to `with_timeout` must be more than 0"));
        }
        let cancel = self.cancel_check();
        let ran = self
            .inner
            .transport
            .with_signed(|runtime, http| job(&Exchange { runtime, http, timing, cancel }));
        match ran {
            Ok(result) => result,
            Err(Failure::Setup(message)) => Err(Error::Transport { message, connect: false }),
            Err(Failure::Http(e)) => Err(Error::Transport {
                message: format!("could not set up the HTTP client for signed URLs: {}", chain(&e)),
                connect: false,
            }),
            Err(Failure::TooLarge | Failure::Cancelled) => Err(Error::Cancelled),
        }
    }

    /// Asks `url` for a fresh signed URL and runs `attempt` with it, again with a fresh URL
    /// (never the same) while the connection could not be made and the retry policy allows.
    fn with_fresh_url<T>(
        &self,
        mut url: impl FnMut() -> Result<String>,
        mut attempt: impl FnMut(&str) -> Result<T>,
    ) -> Result<T> {
        let policy = &self.inner.retry;
        let (mut tries, mut waited) = (0u32, Duration::ZERO);
        loop {
            let fresh = url()?;
            match attempt(&fresh) {
                Err(Error::Transport { connect: true, message }) => {
                    let wait = policy.initial_backoff.saturating_mul(1u32 << tries.min(16));
                    if tries >= policy.max_retries || waited.saturating_add(wait) > policy.max_total_wait {
                        return Err(Error::Transport { connect: true, message });
                    }
                    pause(self.cancel_check(), wait)?;
                    tries += 1;
                    waited = waited.saturating_add(wait);
                }
                other => return other,
            }
        }
    }

    /// A download to a writer through fresh signed URLs from `url`.
    pub(crate) fn download_fresh(
        &self,
        url: impl FnMut() -> Result<String>,
        out: &mut (dyn Write + Send),
        progress: &mut ProgressFn<'_>,
    ) -> Result<u64> {
        self.with_fresh_url(url, |fresh| {
            let fresh = signed_url(fresh)?;
            self.transfer(|x| x.run(fetch(x.http, &fresh, &mut *out, None, &mut *progress, &x.timing)))
        })
    }

    /// A download to the file `dest` through fresh signed URLs from `url` (see
    /// [`Client::download_signed_to_path`]).
    pub(crate) fn download_fresh_to_path(
        &self,
        url: impl FnMut() -> Result<String>,
        dest: &Path,
        progress: &mut ProgressFn<'_>,
    ) -> Result<u64> {
        // The local file first: an unusable destination fails before the panel is asked.
        let mut part = PartFile::create(dest)?;
        let n = self.with_fresh_url(url, |fresh| {
            let fresh = signed_url(fresh)?;
            part.fill(dest, |out| {
                self.transfer(|x| x.run(fetch(x.http, &fresh, out, Some(dest), &mut *progress, &x.timing)))
            })
        })?;
        part.commit(dest)?;
        Ok(n)
    }

    /// An upload through fresh signed URLs from `url`.
    pub(crate) fn upload_fresh<'a>(
        &self,
        url: impl FnMut() -> Result<String>,
        directory: &str,
        sources: impl IntoIterator<Item = Upload<'a>>,
        progress: &mut ProgressFn<'_>,
    ) -> Result<u64> {
        // The local files first: a missing one fails before the panel is asked.
        let mut parts = Parts::open(sources)?;
        self.with_fresh_url(url, |fresh| {
            let fresh = upload_url(fresh, directory)?;
            // Only a connection that could not be made is retried, and the body is read only
            // once connected: nothing of a reader was taken then.
            parts.rewind()?;
            self.transfer(|x| x.run(send_upload(x.http, &fresh, &mut parts, &mut *progress, &x.timing)))
        })
    }
}

/// One exchange's means: the runtime, the HTTP client for signed URLs, the timeouts and the
/// cancel check.
struct Exchange<'x> {
    runtime: &'x tokio::runtime::Runtime,
    http: &'x reqwest::Client,
    timing: Timing,
    cancel: Option<&'x CancelCheck>,
}

impl Exchange<'_> {
    /// Runs `exchange` to its end (see [`drive`]).
    fn run<T>(&self, exchange: impl Future<Output = Result<T>>) -> Result<T> {
        drive(self.runtime, self.cancel, exchange)
    }
}

/// What a transfer waits for at most.
struct Timing {
    /// The longest silence: no byte moved (the client's timeout).
    idle: Duration,
    /// The client's connect timeout (for the error message).
    connect: Duration,
}

/// Runs `exchange` to its end on `runtime`, in slices when there is a cancel check to ask.
fn drive<T>(
    runtime: &tokio::runtime::Runtime,
    cancel: Option<&CancelCheck>,
    exchange: impl Future<Output = Result<T>>,
) -> Result<T> {
    let mut exchange = Box::pin(exchange);
    let outcome = match cancel {
        None => runtime.block_on(exchange.as_mut()),
        Some(check) => loop {
            let slice = async { tokio::time::timeout(CANCEL_POLL, exchange.as_mut()).await };
            if let Ok(done) = runtime.block_on(slice) {
                break done;
            }
            if check() {
                break Err(Error::Cancelled);
            }
        },
    };
    // An abandoned exchange hands its connection back to the pool, which spawns: drop it in the
    // runtime's context.
    let _context = runtime.enter();
    drop(exchange);
    outcome
}

/// Waits before a retry, asking the cancel check as it goes.
fn pause(cancel: Option<&CancelCheck>, wait: Duration) -> Result<()> {
    let Some(check) = cancel else {
        std::thread::sleep(wait);
        return Ok(());
    };
    let start = std::time::Instant::now();
    loop {
        let left = wait.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(CANCEL_POLL));
        if check() {
            return Err(Error::Cancelled);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// URLs and errors.

/// A signed URL as given: `http(s)://` and nothing else.
fn signed_url(url: &str) -> Result<reqwest::Url> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::invalid(format!("the signed URL is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(format!(
            "the signed URL must be http(s)://host/..., got {}",
            redact(&parsed)
        )));
    }
    Ok(parsed)
}

/// The upload URL with `&directory=` appended (client-api.md §2.4).
fn upload_url(url: &str, directory: &str) -> Result<reqwest::Url> {
    let mut parsed = signed_url(url)?;
    if directory.contains('\0') {
        return Err(Error::invalid("the upload directory contains a NUL character"));
    }
    parsed.query_pairs_mut().append_pair("directory", directory);
    Ok(parsed)
}

/// The URL without its query: the token is a credential (single-use, but still) and stays out
/// of every message.
fn redact(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// An error and its causes, on one line.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// reqwest's error, without the URL's token.
fn http_error(e: reqwest::Error, url: &reqwest::Url, t: &Timing) -> Error {
    if e.is_timeout() {
        let connect = e.is_connect();
        return Error::Timeout {
            timeout: if connect { t.connect } else { t.idle },
            phase: if connect { "connect" } else { "transfer" },
        };
    }
    let connect = crate::transport::never_connected(&e);
    let e = e.without_url();
    Error::Transport { message: format!("{} ({})", chain(&e), redact(url)), connect }
}

fn stalled(t: &Timing) -> Error {
    Error::Timeout { timeout: t.idle, phase: "transfer" }
}

/// Wings' (or S3's) refusal, from its answer.
async fn refused(resp: reqwest::Response, url: &reqwest::Url, t: &Timing) -> Error {
    let status = resp.status().as_u16();
    let header_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = tokio::time::timeout(t.idle, read_limited(resp)).await.unwrap_or_default();
    let (mut message, request_id) = error_text(&body);
    let request_id = request_id.or(header_id);
    if status == 404 && message == "The requested resource was not found on this server." {
        message.push_str(" (a signed URL works once: this one was used already)");
    }
    if let Some(ago) = expired_since(url) {
        message = format!(
            "the signed URL expired {ago} s ago (Wings: {})",
            if message.is_empty() { "no message" } else { &message }
        );
    }
    Error::Wings { status, message, request_id }
}

async fn read_limited(mut resp: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        body.extend_from_slice(&chunk[..chunk.len().min(ERROR_BODY_LIMIT - body.len())]);
        if body.len() >= ERROR_BODY_LIMIT {
            break;
        }
    }
    body
}

/// Wings' `{"error": "...", "request_id": "..."}`, S3's `<Error><Code/><Message/></Error>`, or
/// the start of whatever else came.
fn error_text(body: &[u8]) -> (String, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Wings {
        error: Option<String>,
        request_id: Option<String>,
    }
    if let Ok(w) = serde_json::from_slice::<Wings>(body) {
        if let Some(error) = w.error {
            return (error, w.request_id);
        }
    }
    let text = String::from_utf8_lossy(body);
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].trim().to_owned())
    };
    if let Some(message) = tag("Message") {
        let message = match tag("Code") {
            Some(code) => format!("{code}: {message}"),
            None => message,
        };
        return (message, tag("RequestId"));
    }
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (one_line.chars().take(200).collect(), None)
}

/// How many seconds ago the URL's token expired, when it is a JWT whose `exp` has passed by
/// this machine's clock. Tokens are opaque to the client; this only words the error better.
fn expired_since(url: &reqwest::Url) -> Option<u64> {
    let token = url.query_pairs().find(|(k, _)| k == "token")?.1;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&base64url(payload)?).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    (exp <= now).then(|| now - exp)
}

/// Decodes unpadded base64url (a JWT segment).
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn io_error(path: Option<&Path>, source: io::Error) -> Error {
    Error::Io { path: path.map(Path::to_path_buf), source }
}

// ---------------------------------------------------------------------------------------------
// Progress.

/// Calls the progress callback at the start, about every [`REPORT_EVERY`] bytes and at the end.
struct Reporter<'r, 'p> {
    callback: &'r mut ProgressFn<'p>,
    total: Option<u64>,
    reported: Option<u64>,
}

impl<'r, 'p> Reporter<'r, 'p> {
    fn new(callback: &'r mut ProgressFn<'p>, total: Option<u64>) -> Self {
        Reporter { callback, total, reported: None }
    }

    /// Reports `done` if enough moved since the last report (or `now`).
    fn report(&mut self, done: u64, now: bool) -> Result<()> {
        let due = match self.reported {
            None => true,
            Some(last) => done != last && (now || done - last >= REPORT_EVERY),
        };
        if !due {
            return Ok(());
        }
        self.reported = Some(done);
        match (self.callback)(Progress { done, total: self.total }) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Error::Cancelled),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Downloads.

/// GETs `url` and streams its body into `out`.
async fn fetch(
    http: &reqwest::Client,
    parsed: &reqwest::Url,
    out: &mut (dyn Write + Send),
    dest: Option<&Path>,
    progress: &mut ProgressFn<'_>,
    t: &Timing,
) -> Result<u64> {
    let sent = tokio::time::timeout(t.idle, http.get(parsed.clone()).send()).await;
    let mut resp = sent.map_err(|_| stalled(t))?.map_err(|e| http_error(e, parsed, t))?;
    if !resp.status().is_success() {
        return Err(refused(resp, parsed, t).await);
    }
    let total = resp.content_length();
    let mut reporter = Reporter::new(progress, total);
    reporter.report(0, true)?;
    let mut done: u64 = 0;
    loop {
        let chunk = tokio::time::timeout(t.idle, resp.chunk()).await.map_err(|_| stalled(t))?;
        let Some(chunk) = chunk.map_err(|e| http_error(e, parsed, t))? else { break };
        out.write_all(&chunk).map_err(|e| io_error(dest, e))?;
        done += chunk.len() as u64;
        reporter.report(done, false)?;
    }
    if let Some(total) = total.filter(|&total| total != done) {
        return Err(Error::Transport {
            message: format!("the connection closed after {done} of {total} bytes ({})", redact(parsed)),
            connect: false,
        });
    }
    out.flush().map_err(|e| io_error(dest, e))?;
    reporter.report(done, true)?;
    Ok(done)
}

/// The temporary file of a download to a path: `.<name>.part-<pid>-<n>` beside the
/// destination, removed unless [`PartFile::commit`] renamed it.
struct PartFile {
    path: PathBuf,
    file: Option<File>,
}

static PART_COUNTER: AtomicU64 = AtomicU64::new(0);

impl PartFile {
    fn create(dest: &Path) -> Result<PartFile> {
        let Some(name) = dest.file_name() else {
            return Err(Error::invalid(format!("the destination {} has no file name", dest.display())));
        };
        if dest.is_dir() {
            return Err(Error::invalid(format!(
                "the destination {} is a directory; give the path of the file to write",
                dest.display()
            )));
        }
        let dir = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        loop {
            let n = PART_COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{}.part-{}-{n}", name.to_string_lossy(), std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok(PartFile { path, file: Some(file) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < u64::MAX => continue,
                Err(e) => return Err(io_error(Some(dest), e)),
            }
        }
    }

    /// Runs one try of the download into the (emptied) file, through a buffer.
    fn fill(
        &mut self,
        dest: &Path,
        attempt: impl FnOnce(&mut (dyn Write + Send)) -> Result<u64>,
    ) -> Result<u64> {
        let file = self.file.as_mut().ok_or_else(|| Error::invalid("the partial file is closed"))?;
        file.set_len(0).and_then(|()| file.seek(SeekFrom::Start(0))).map_err(|e| io_error(Some(dest), e))?;
        let mut out = BufWriter::with_capacity(FILE_BUFFER, &*file);
        let n = attempt(&mut out)?;
        out.flush().map_err(|e| io_error(Some(dest), e))?;
        Ok(n)
    }

    /// Renames the complete file to `dest`.
    fn commit(mut self, dest: &Path) -> Result<()> {
        drop(self.file.take());
        fs::rename(&self.path, dest).map_err(|e| io_error(Some(dest), e))?;
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Uploads.

/// The sources of an upload, opened, with their multipart part headers.
struct Parts<'a> {
    parts: Vec<Part<'a>>,
    boundary: String,
    /// Whether a reader gave bytes already (it cannot be read again).
    touched: bool,
}

struct Part<'a> {
    name: String,
    path: Option<PathBuf>,
    input: Input<'a>,
    len: Option<u64>,
}

enum Input<'a> {
    File(File),
    Reader(Box<dyn Read + Send + 'a>),
}

static BOUNDARY_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A multipart boundary no file is likely to contain: 128 random bits.
fn boundary() -> String {
    let random = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(BOUNDARY_COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u32(std::process::id());
        h.finish()
    };
    format!("pterodactyl-client-{:016x}{:016x}", random(), random())
}

/// A file name as a quoted `Content-Disposition` parameter.
fn quoted(name: &str) -> Result<String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(Error::invalid(format!("{name:?} is not a file name to upload as")));
    }
    if name.contains('/') || name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "the upload name {name:?} must be a plain file name (no `/`, no control characters); \
             upload into a directory with the `directory` argument"
        )));
    }
    Ok(name.replace('\\', "\\\\").replace('"', "\\\""))
}

impl<'a> Parts<'a> {
    fn open(sources: impl IntoIterator<Item = Upload<'a>>) -> Result<Parts<'a>> {
        let mut parts = Vec::new();
        for upload in sources {
            let part = match upload.source {
                Source::Path(path) => {
                    let file = File::open(&path).map_err(|e| io_error(Some(&path), e))?;
                    let meta = file.metadata().map_err(|e| io_error(Some(&path), e))?;
                    if meta.is_dir() {
                        return Err(Error::invalid(format!("{} is a directory, not a file", path.display())));
                    }
                    let name = match upload.name {
                        Some(name) => name,
                        None => path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .ok_or_else(|| Error::invalid(format!("{} has no file name", path.display())))?,
                    };
                    let len = Some(upload.len.unwrap_or(meta.len()));
                    Part { name, path: Some(path), input: Input::File(file), len }
                }
                Source::Reader(reader) => Part {
                    name: upload.name.unwrap_or_default(),
                    path: None,
                    input: Input::Reader(reader),
                    len: upload.len,
                },
            };
            quoted(&part.name)?;
            parts.push(part);
        }
        if parts.is_empty() {
            return Err(Error::invalid("nothing to upload: give at least one file"));
        }
        Ok(Parts { parts, boundary: boundary(), touched: false })
    }

    /// Back to the start of every file for another try; readers must be untouched.
    fn rewind(&mut self) -> Result<()> {
        if self.touched {
            return Err(Error::invalid("the upload's readers were read already and cannot be sent again"));
        }
        for part in &mut self.parts {
            if let Input::File(file) = &mut part.input {
                file.seek(SeekFrom::Start(0)).map_err(|e| io_error(part.path.as_deref(), e))?;
            }
        }
        Ok(())
    }

    fn head(&self, part: &Part<'_>) -> Bytes {
        let name = quoted(&part.name).unwrap_or_default();
        Bytes::from(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            self.boundary
        ))
    }

    fn tail(&self) -> Bytes {
        Bytes::from(format!("--{}--\r\n", self.boundary))
    }

    /// The file content's size, when every size is known.
    fn content_len(&self) -> Option<u64> {
        self.parts.iter().map(|p| p.len).sum()
    }

    /// The request body's size, when every size is known.
    fn body_len(&self) -> Option<u64> {
        let framing: u64 = self.parts.iter().map(|p| self.head(p).len() as u64 + 2).sum();
        Some(self.content_len()? + framing + self.tail().len() as u64)
    }
}

/// The request body of an upload: chunks handed over by the feeder (`feed`) through a small
/// channel, so that the body is `'static` while the readers are borrowed.
struct ChannelBody {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    /// Told on the first poll: the connection is made and the body is wanted.
    wanted: Option<oneshot::Sender<()>>,
    len: Option<u64>,
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        if let Some(wanted) = self.wanted.take() {
            let _ = wanted.send(());
        }
        self.chunks.poll_recv(cx).map(|next| next.map(|chunk| chunk.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        self.len.map(SizeHint::with_exact).unwrap_or_default()
    }
}

/// Why the feeder stopped early.
enum Stop {
    /// The transfer failed (a reader, a cancel, a stall).
    Failed(Error),
    /// The request ended without taking the whole body (an early answer, a broken connection):
    /// its outcome says why.
    Gone,
}

/// Hands the multipart body to `chunks`, reading each source as the request takes it.
async fn feed(
    parts: &mut Parts<'_>,
    chunks: mpsc::Sender<io::Result<Bytes>>,
    wanted: oneshot::Receiver<()>,
    reporter: &mut Reporter<'_, '_>,
    t: &Timing,
) -> Result<u64, Stop> {
    let push = |chunk: Bytes| {
        let chunks = &chunks;
        async move {
            match tokio::time::timeout(t.idle, chunks.send(Ok(chunk))).await {
                Err(_) => Err(Stop::Failed(stalled(t))),
                Ok(Err(_)) => Err(Stop::Gone),
                Ok(Ok(())) => Ok(()),
            }
        }
    };
    if wanted.await.is_err() {
        return Err(Stop::Gone);
    }
    reporter.report(0, true).map_err(Stop::Failed)?;
    let mut done: u64 = 0;
    let tail = parts.tail();
    let heads: Vec<Bytes> = parts.parts.iter().map(|p| parts.head(p)).collect();
    for (part, head) in parts.parts.iter_mut().zip(heads) {
        push(head).await?;
        let mut sent: u64 = 0;
        loop {
            let want = part.len.map_or(CHUNK as u64, |len| (len - sent).min(CHUNK as u64)) as usize;
            if want == 0 {
                break;
            }
            let read = match &mut part.input {
                // A file: straight into spare capacity (no zeroing), until `want` or the end.
                Input::File(file) => {
                    let mut buf = Vec::with_capacity(want);
                    file.take(want as u64).read_to_end(&mut buf).map(|_| buf)
                }
                // A caller's reader: as few calls as possible (each may be a Python call), each
                // asking for all that is still wanted.
                Input::Reader(reader) => {
                    parts.touched = true;
                    fill(reader, want)
                }
            };
            let buf = read.map_err(|e| Stop::Failed(io_error(part.path.as_deref(), e)))?;
            let filled = buf.len();
            if filled == 0 {
                if let Some(len) = part.len {
                    let short = io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("{:?} ended after {sent} of its {len} bytes", part.name),
                    );
                    return Err(Stop::Failed(io_error(part.path.as_deref(), short)));
                }
                break;
            }
            push(Bytes::from(buf)).await?;
            sent += filled as u64;
            done += filled as u64;
            reporter.report(done, false).map_err(Stop::Failed)?;
        }
        push(Bytes::from_static(b"\r\n")).await?;
    }
    push(tail).await?;
    Ok(done)
}

/// Reads up to `want` bytes from `reader`: fewer only at its end.
fn fill(reader: &mut dyn Read, want: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; want];
    let mut filled = 0;
    while filled < want {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n.min(want - filled),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// POSTs the multipart body of `parts` to `url`.
async fn send_upload(
    http: &reqwest::Client,
    url: &reqwest::Url,
    parts: &mut Parts<'_>,
    progress: &mut ProgressFn<'_>,
    t: &Timing,
) -> Result<u64> {
    let (chunks_in, chunks_out) = mpsc::channel(2);
    let (wanted_in, wanted_out) = oneshot::channel();
    let body = ChannelBody { chunks: chunks_out, wanted: Some(wanted_in), len: parts.body_len() };
    let request = http
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={}", parts.boundary))
        .body(reqwest::Body::wrap(body));
    let mut reporter = Reporter::new(progress, parts.content_len());
    let mut sending = pin!(request.send());
    let fed: Cell<Option<u64>> = Cell::new(None);
    let outcome = {
        let mut feeding = pin!(feed(parts, chunks_in, wanted_out, &mut reporter, t));
        let mut feeding_done = false;
        poll_fn(|cx| {
            if !feeding_done {
                match feeding.as_mut().poll(cx) {
                    Poll::Ready(Ok(n)) => {
                        fed.set(Some(n));
                        feeding_done = true;
                        // The body is handed over: what is left is Wings' answer.
                        return Poll::Ready(None);
                    }
                    Poll::Ready(Err(Stop::Failed(e))) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Err(Stop::Gone)) => feeding_done = true,
                    Poll::Pending => {}
                }
            }
            sending.as_mut().poll(cx).map(|r| Some(Ok(r)))
        })
        .await
    };
    let answer = match outcome {
        Some(Err(e)) => return Err(e),
        Some(Ok(answer)) => answer,
        // Wings writes the files before it answers: allow it the timeout to do so.
        None => tokio::time::timeout(t.idle, sending).await.map_err(|_| stalled(t))?,
    };
    let resp = answer.map_err(|e| http_error(e, url, t))?;
    if !resp.status().is_success() {
        return Err(refused(resp, url, t).await);
    }
    // Wings answers 200 with no body; read it so the connection can be used again.
    let _ = tokio::time::timeout(t.idle, read_limited(resp)).await;
    let done = fed.get().unwrap_or(0);
    reporter.report(done, true)?;
    Ok(done)
}
