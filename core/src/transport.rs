//! Sends one HTTP request and reads the whole answer.
//!
//! The public API is blocking, but reqwest's blocking facade hands every request to a runtime
//! thread and back, which costs two thread wake-ups per call. Here each calling thread drives
//! reqwest's async client itself, on a current-thread tokio runtime of its own (kept per client,
//! per thread): no hand-off, and one client stays safe to share across threads, each thread with
//! its own keep-alive connection.
//!
//! Three situations need care:
//!
//! * **A thread inside tokio.** A runtime worker (async code) must not block: it gets an error.
//!   A thread that merely has a runtime handle set (a `spawn_blocking` thread, or the thread of a
//!   multi-thread runtime's `block_on`) cannot be told apart from one that is inside
//!   `block_on` with tokio's public API, and `Runtime::block_on` panics in the latter; so such a
//!   call runs on a short-lived plain thread and the caller waits for it (see [`Transport::send`]).
//! * **`fork()`.** A child process (Python's multiprocessing) inherits the parent's runtimes, epoll
//!   instance and keep-alive sockets; using them would mix up the two processes' answers. Each
//!   per-thread entry records the process it was made in, and a child starts fresh.
//! * **Dropping the client** inside async code: a runtime must then shut down in the background.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use thread_local::ThreadLocal;

/// Whom an HTTP client is made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    /// The panel's API: the key, `Accept: application/json`, the whole-request timeout.
    Panel,
    /// Signed URLs on Wings or S3 (`transfer.rs`): another host, so never the key, and no
    /// whole-request timeout (a transfer takes as long as its size needs).
    Signed,
}

pub(crate) type Factory = Arc<dyn Fn(Audience) -> reqwest::Result<reqwest::Client> + Send + Sync>;

/// How often a cancellable call asks whether it should stop.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// One request to send.
pub(crate) struct Request<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub body: Option<(&'static str, Bytes)>,
    /// A whole-request timeout replacing the client's, for this request only.
    pub timeout: Option<Duration>,
    /// The largest answer body accepted, in bytes.
    pub max_bytes: u64,
    /// Asked about every [`CANCEL_POLL`] while the request runs; `true` abandons it.
    pub cancel: Option<&'a (dyn Fn() -> bool + Send + Sync)>,
}

/// A complete answer.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub(crate) enum Failure {
    /// reqwest's own error (connect, timeout, broken connection, ...).
    Http(reqwest::Error),
    /// The calling thread could not get a runtime, or is a runtime's worker (async code).
    Setup(String),
    /// The answer was larger than [`Request::max_bytes`].
    TooLarge,
    /// [`Request::cancel`] said to stop.
    Cancelled,
}

struct PerThread {
    /// The [`fork_generation`] this entry was made in: after `fork()` the child must not use it.
    generation: u64,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    /// The client for signed URLs, made on the first transfer.
    signed: OnceLock<reqwest::Client>,
}

pub(crate) struct Transport {
    factory: Factory,
    /// Each slot is only ever touched by its own thread (and by `drop`, which has `&mut`); the
    /// `Arc` lets a call keep its entry while a nested call on the same thread (from a cancel
    /// check) looks at the slot.
    threads: ThreadLocal<RefCell<Option<Arc<PerThread>>>>,
}

impl Transport {
    pub(crate) fn new(factory: Factory) -> reqwest::Result<Transport> {
        // Build once up front so that bad settings fail in `build()`, not in the first call.
        factory(Audience::Panel)?;
        Ok(Transport { factory, threads: ThreadLocal::new() })
    }

    /// The calling thread's runtime and client, made on first use and made again in a child
    /// process after `fork()`.
    fn per_thread(&self) -> Result<Arc<PerThread>, Failure> {
        let generation = fork_generation();
        let slot = self.threads.get_or(|| RefCell::new(None));
        if let Some(pt) = slot.borrow().as_ref().filter(|pt| pt.generation == generation) {
            return Ok(Arc::clone(pt));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::Setup(format!("could not start an I/O runtime: {e}")))?;
        let http = (self.factory)(Audience::Panel).map_err(Failure::Http)?;
        let fresh = Arc::new(PerThread { generation, runtime, http, signed: OnceLock::new() });
        if let Some(inherited) = slot.borrow_mut().replace(Arc::clone(&fresh)) {
            // Made before a `fork()`: its runtime, epoll instance and sockets are the parent's.
            // Dropping them here would shut down state the parent still uses (and a runtime
            // whose core another parent thread held at the fork cannot even be dropped), so the
            // child leaks them on purpose; the memory is the child's own copy.
            leak(inherited);
        }
        Ok(fresh)
    }

    /// Sends `req` and reads the whole answer.
    ///
    /// From a tokio runtime's worker (inside async code) this fails with [`Failure::Setup`]:
    /// blocking there would stall every task of the runtime. From any other thread that has a
    /// runtime handle set (`spawn_blocking`, `Handle::enter`, a multi-thread runtime's
    /// `block_on`) the request runs on a plain helper thread, because tokio does not tell in
    /// public which of these the thread is, and `Runtime::block_on` panics in the last one.
    pub(crate) fn send(&self, req: Request<'_>) -> Result<Answer, Failure> {
        if tokio::runtime::Handle::try_current().is_err() {
            return self.send_here(req);
        }
        if tokio::runtime::worker_index().is_some() {
            return Err(Failure::Setup(
                "the blocking client was called from inside an async runtime (async code on a tokio \
                 runtime thread); call it from `tokio::task::spawn_blocking` or a plain thread"
                    .into(),
            ));
        }
        self.send_on_helper(req)
    }

    /// Runs the request on a plain thread (no tokio context there), while the caller waits and
    /// keeps asking its cancel check. Thread ids are recycled, so the helper of the next call
    /// finds the same per-thread entry and its keep-alive connection.
    fn send_on_helper(&self, req: Request<'_>) -> Result<Answer, Failure> {
        let cancel = req.cancel;
        let stop = &AtomicBool::new(false);
        std::thread::scope(|s| {
            let (done, result) = std::sync::mpsc::channel();
            let helper = s.spawn(move || {
                let stop_check = || stop.load(Ordering::Relaxed);
                let stop_check: &(dyn Fn() -> bool + Send + Sync) = &stop_check;
                let _ = done.send(self.send_here(Request { cancel: cancel.map(|_| stop_check), ..req }));
            });
            loop {
                match result.recv_timeout(CANCEL_POLL) {
                    Ok(answer) => {
                        // Joined at once (not only at the scope's end), so that the thread is
                        // gone and its id free for the next helper before this call returns.
                        let _ = helper.join();
                        return answer;
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if cancel.is_some_and(|check| check()) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    // The helper panicked: carry the panic on, as if the call had run here.
                    Err(RecvTimeoutError::Disconnected) => match helper.join() {
                        Err(panic) => std::panic::resume_unwind(panic),
                        Ok(()) => return Err(Failure::Setup("the request's helper thread stopped".into())),
                    },
                }
            }
        })
    }

    /// Runs `job` with the calling thread's runtime and its client for signed URLs
    /// ([`Audience::Signed`]), under the same guards as [`Transport::send`]: an error on a
    /// runtime's worker, a plain helper thread (which `job` moves to, hence `Send`) on any other
    /// thread with a runtime handle, a fresh entry after `fork()`. `job` drives its own
    /// exchange with `block_on` and must drop what it abandons inside the runtime's context.
    pub(crate) fn with_signed<T: Send>(
        &self,
        job: impl FnOnce(&tokio::runtime::Runtime, &reqwest::Client) -> T + Send,
    ) -> Result<T, Failure> {
        if tokio::runtime::Handle::try_current().is_err() {
            return self.signed_here(job);
        }
        if tokio::runtime::worker_index().is_some() {
            return Err(Failure::Setup(
                "the blocking client was called from inside an async runtime (async code on a tokio \
                 runtime thread); call it from `tokio::task::spawn_blocking` or a plain thread"
                    .into(),
            ));
        }
        std::thread::scope(|s| match s.spawn(|| self.signed_here(job)).join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    }

    fn signed_here<T>(
        &self,
        job: impl FnOnce(&tokio::runtime::Runtime, &reqwest::Client) -> T,
    ) -> Result<T, Failure> {
        let pt = self.per_thread()?;
        let http = match pt.signed.get() {
            Some(http) => http,
            None => {
                let made = (self.factory)(Audience::Signed).map_err(Failure::Http)?;
                pt.signed.get_or_init(|| made)
            }
        };
        Ok(job(&pt.runtime, http))
    }

    /// Sends on the calling thread's own runtime (the thread is outside any tokio context).
    fn send_here(&self, req: Request<'_>) -> Result<Answer, Failure> {
        let pt = self.per_thread()?;
        let cancel = req.cancel;
        let exchange = exchange(&pt.http, req);
        let Some(cancel) = cancel else {
            return pt.runtime.block_on(exchange);
        };
        // Run the exchange in slices, leaving the runtime between them to ask the check: the
        // check may run anything (Python signal handlers), even another call on this client.
        let mut exchange = Box::pin(exchange);
        let outcome = loop {
            let slice = async { tokio::time::timeout(CANCEL_POLL, exchange.as_mut()).await };
            if let Ok(done) = pt.runtime.block_on(slice) {
                break done;
            }
            if cancel() {
                break Err(Failure::Cancelled);
            }
        };
        // An abandoned exchange may hand its connection back to the pool, which spawns: drop it
        // in the runtime's context.
        let _context = pt.runtime.enter();
        drop(exchange);
        outcome
    }
}

/// Sends `req` with `http` and reads the whole answer: the one exchange of both drivers, this
/// transport's (on the thread's own runtime) and the async client's (on the caller's runtime).
/// `req.cancel` is not asked here; dropping the future abandons the exchange.
pub(crate) async fn exchange(http: &reqwest::Client, req: Request<'_>) -> Result<Answer, Failure> {
    let mut builder = match parse_url(req.url) {
        Some(url) => http.request(req.method, url),
        // Not a URL: reqwest says why, as it would have.
        None => http.request(req.method, req.url),
    };
    if let Some((content_type, bytes)) = req.body {
        builder = builder.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
    }
    if let Some(timeout) = req.timeout {
        builder = builder.timeout(timeout);
    }
    let max = req.max_bytes;
    let mut resp = builder.send().await.map_err(Failure::Http)?;
    let status = resp.status().as_u16();
    if resp.content_length().is_some_and(|len| len > max) {
        // Refused before reading: the connection is closed rather than drained.
        return Err(Failure::TooLarge);
    }
    let headers = std::mem::take(resp.headers_mut());
    let body = read_body(resp, max).await?;
    Ok(Answer { status, headers, body })
}

/// Reads the body, stopping as soon as it passes `max` bytes.
async fn read_body(mut resp: reqwest::Response, max: u64) -> Result<Bytes, Failure> {
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total: u64 = 0;
    let announced = resp.content_length().unwrap_or(0).min(max);
    while let Some(chunk) = resp.chunk().await.map_err(Failure::Http)? {
        total = total.saturating_add(chunk.len() as u64);
        if total > max {
            return Err(Failure::TooLarge);
        }
        // One chunk (the usual case) is kept as it came, without a copy.
        match (&mut first, &mut joined) {
            (None, None) => first = Some(chunk),
            (Some(_), None) => {
                let head = first.take().unwrap_or_default();
                let hint = usize::try_from(announced).unwrap_or(0).max(head.len() + chunk.len());
                let mut buf = BytesMut::with_capacity(hint);
                buf.extend_from_slice(&head);
                buf.extend_from_slice(&chunk);
                joined = Some(buf);
            }
            (_, Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    Ok(joined.map(BytesMut::freeze).or(first).unwrap_or_default())
}

/// Whether reqwest's `e` could not connect, so the request never left the machine and trying
/// again may help: a refused or unreachable address, a connect timeout. A TLS handshake that
/// failed (a certificate for another name, an unknown CA, no common protocol) also counts as
/// "could not connect" for reqwest, but fails the same way every time: it is not one.
pub(crate) fn never_connected(e: &reqwest::Error) -> bool {
    e.is_connect() && !tls_refused(e)
}

/// Whether rustls refused the handshake somewhere down `e`'s causes. The connector wraps its
/// error in `io::Error`s (one in another), whose `source()` skips the error they wrap, so an
/// `io::Error` is followed into what it wraps instead.
fn tls_refused(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<rustls::Error>() {
            return true;
        }
        cause = match c.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    false
}

/// How many times this process, or the one it was forked from, has forked since it first asked:
/// a per-thread entry made in another generation belongs to a parent process. Asking costs an
/// atomic load, where `std::process::id()` costs a system call (glibc no longer caches it), on
/// every call.
fn fork_generation() -> u64 {
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    #[cfg(unix)]
    {
        static REGISTERED: std::sync::Once = std::sync::Once::new();
        extern "C" fn forked() {
            GENERATION.fetch_add(1, Ordering::Relaxed);
        }
        // Before any entry exists (entries are made after asking), so no fork goes unseen.
        REGISTERED.call_once(|| {
            // SAFETY: registers a handler for the child side of `fork()` only; it touches one
            // atomic, which is async-signal-safe as a fork handler must be.
            unsafe { libc::pthread_atfork(None, None, Some(forked)) };
        });
    }
    GENERATION.load(Ordering::Relaxed)
}

thread_local! {
    /// The start (`scheme://host:port`) of the last URL this thread sent to, and that URL with
    /// only `/` as its path: see [`parse_url`].
    static ORIGIN: RefCell<Option<(String, reqwest::Url)>> = const { RefCell::new(None) };
}

/// `url` parsed. reqwest parses a URL given as text on every request, host and all (IDNA
/// processing and the address printed back), which costs more than the rest of what this crate
/// does per call; a URL with the same start as the thread's previous one is made from that one
/// instead, by setting its path and query (the same parser, on the part that differs).
fn parse_url(url: &str) -> Option<reqwest::Url> {
    ORIGIN.with(|cell| {
        // Taken by this thread higher up the stack (never, today): just parse.
        let Ok(mut cache) = cell.try_borrow_mut() else { return reqwest::Url::parse(url).ok() };
        if let Some((start, origin)) = cache.as_ref() {
            if let Some(rest) =
                url.strip_prefix(start.as_str()).filter(|r| r.starts_with('/') && !r.contains('#'))
            {
                let (path, query) = match rest.split_once('?') {
                    Some((path, query)) => (path, Some(query)),
                    None => (rest, None),
                };
                let mut made = origin.clone();
                made.set_path(path);
                made.set_query(query);
                return Some(made);
            }
        }
        let parsed = reqwest::Url::parse(url).ok()?;
        // The start as parsed, if the text had it the same way (it does when it came from here).
        let tail = parsed.path().len()
            + parsed.query().map_or(0, |q| q.len() + 1)
            + parsed.fragment().map_or(0, |f| f.len() + 1);
        let text = parsed.as_str();
        if !parsed.cannot_be_a_base() && tail <= text.len() && url.starts_with(&text[..text.len() - tail]) {
            let mut origin = parsed.clone();
            origin.set_fragment(None);
            origin.set_query(None);
            origin.set_path("/");
            *cache = Some((text[..text.len() - tail].to_owned(), origin));
        }
        Some(parsed)
    })
}

/// Never drops `entry`: see [`Transport::per_thread`].
fn leak(entry: Arc<PerThread>) {
    std::mem::forget(entry);
}

impl Drop for Transport {
    fn drop(&mut self) {
        let generation = fork_generation();
        // Inside async code a runtime may not wait for its blocking threads while it shuts down
        // (tokio panics); it then shuts down in the background instead.
        let in_async = tokio::runtime::Handle::try_current().is_ok();
        for slot in self.threads.iter_mut() {
            let Some(entry) = slot.get_mut().take() else { continue };
            if entry.generation != generation {
                leak(entry);
                continue;
            }
            // No call is running (they borrow the transport), so this is the last reference.
            if let Ok(PerThread { runtime, http, signed, .. }) = Arc::try_unwrap(entry) {
                drop(http);
                drop(signed);
                if in_async {
                    runtime.shutdown_background();
                } else {
                    drop(runtime);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn urls_made_from_the_previous_start_equal_parsed_ones() {
        let urls = [
            "http://127.0.0.1:8080/api/client",
            "http://127.0.0.1:8080/api/client/servers/1a7ce997/resources",
            "http://127.0.0.1:8080/api/client/servers/1a7ce997/files/list?directory=%2Fa%20b&x=%C3%A9",
            "http://127.0.0.1:8080/api/client/servers/x/files/contents?file=/a b/é?c",
            "http://127.0.0.1:8080/api/client/a/../b/./c",
            "http://127.0.0.1:8080/api/client/a\\b",
            "http://127.0.0.1:8080/api/client/%zz/é/ü?q=1#frag",
            "http://127.0.0.1:8080//double",
            "http://127.0.0.1:8080/?",
            "http://127.0.0.1:8080/a?b?c",
            "https://Panel.Example.com/prefix/api/client/account",
            "https://panel.example.com/prefix/api/client/account?include=x",
            "https://panel.example.com:443/api/client",
            "https://панель.example/api/client/servers",
            "https://xn--80aicm0ar.example/api/client/servers?p=2",
            "http://[::1]:9000/api/client",
            "http://[::1]:9000/api/client/servers/x/power",
            "not a url",
            "http://127.0.0.1:8080/api/client/servers/x/power",
        ];
        // Twice over, so that each URL also meets the start of every other one.
        for url in urls.iter().chain(urls.iter().rev()) {
            assert_eq!(parse_url(url), reqwest::Url::parse(url).ok(), "{url}");
            assert_eq!(parse_url(url), reqwest::Url::parse(url).ok(), "{url}, made from its own start");
        }
    }
}
