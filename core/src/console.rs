//! [`Console`]: a server's live console over the Wings websocket, kept alive for as long as the
//! caller wants it.
//!
//! The protocol (client-api.md §2.8): fetch a token and the socket address from the panel
//! (`server.websocket`), connect to Wings with `Origin` set to the panel URL, send `auth`, then
//! read `{"event", "args"}` frames. The token lives 10 minutes; Wings warns with `token
//! expiring`, then replaces every event with a `jwt error` once it has expired.
//!
//! What the console adds:
//!
//! * **Tokens renewed in place.** On `token expiring`, `token expired` or an exp/denylist
//!   `jwt error`, a fresh token is fetched and sent as `auth` on the same socket; nothing is
//!   lost while the old token still holds, and what Wings withheld in a lapse is reported as an
//!   [`Event::Gap`] with its count.
//! * **Reconnection.** A lost connection (or one silent past two ping intervals) is made again
//!   with capped exponential back-off and jitter, re-authenticated, and reported:
//!   [`Event::Disconnected`] at once, [`Event::Gap`] when the console is live again. Outside a
//!   gap, every event Wings sent arrives exactly once and in order.
//! * **Stops for good** (never reconnects) after the caller's [`Console::close`], a close code
//!   4400–4499 from Wings (4409: the server is suspended), a `deleted` event, a token that lost
//!   the connect permission, or a 401/403/404 (or a suspension's 409) from the panel when it
//!   asks for a token: the error says which.
//! * **Sends never repeat.** A command, power action or request is written once or not at all;
//!   while the console reconnects it waits for the socket up to
//!   [`ConsoleOptions::send_timeout`] (0: fails at once).
//!
//! One thread per console does the socket work (a current-thread runtime); the caller's thread
//! only takes events from a queue and hands sends over, so a console may be read from one
//! thread while others send.

mod event;
mod net;
mod worker;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc;

pub use event::{BackupCompletion, ConsoleNetwork, ConsoleStats, Event, GapCause};
pub(crate) use net::SocketSettings;
use worker::{Command, SendRequest};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::PowerSignal;

/// Default of [`ConsoleOptions::send_timeout`].
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest frame a send may be: newer Wings (and Pelican's) read at most 4096 bytes.
const MAX_FRAME: usize = 4096;
/// How long a send may take to be written once the socket has it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// How a [`Console`] connects and behaves. `ConsoleOptions::default()` suits a panel whose
/// Wings knows it by the URL the client was made with.
///
/// ```
/// use std::time::Duration;
/// use pterodactyl_client::ConsoleOptions;
/// let options = ConsoleOptions::default()
///     .origin("https://panel.example.com")
///     .send_timeout(Duration::ZERO) // fail a send at once while reconnecting
///     .reconnect_backoff(Duration::from_millis(250), Duration::from_secs(10));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleOptions {
    /// The `Origin` header. Wings accepts only the panel URL it is configured with (`remote`)
    /// or one of its `allowed_origins`. Default: the panel URL the client was made with
    /// (without `/api/client`). Set it for a panel reached through another address.
    pub origin: Option<String>,
    /// How long a send waits for the socket while the console reconnects (or renews an
    /// expired token). Zero: such a send fails at once with [`Error::Transport`]
    /// (`connect: true`: nothing was sent). Default 10 s.
    pub send_timeout: Duration,
    /// Whether a lost connection is made again (default true). Without it, a lost connection
    /// ends the console with [`Error::Closed`].
    pub reconnect: bool,
    /// The first wait before reconnecting (default 500 ms); each failed try doubles it.
    pub reconnect_initial: Duration,
    /// The longest wait between tries (default 30 s). Each wait is drawn between half of it
    /// and all of it (jitter), so that consoles cut at once do not come back at once.
    pub reconnect_max: Duration,
    /// How often a ping is sent (default 30 s). A connection silent for two intervals is
    /// taken as lost.
    pub ping_interval: Duration,
    /// How many events may wait for the caller (default 65 536). Beyond it, events are dropped
    /// and an [`Event::Gap`] (cause `overflow`, with the count) takes their place.
    pub max_queued_events: usize,
}

impl Default for ConsoleOptions {
    fn default() -> Self {
        ConsoleOptions {
            origin: None,
            send_timeout: DEFAULT_SEND_TIMEOUT,
            reconnect: true,
            reconnect_initial: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            ping_interval: Duration::from_secs(30),
            max_queued_events: 65_536,
        }
    }
}

/// The JSON form of [`ConsoleOptions`] (C and Python).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionsJson {
    origin: Option<String>,
    send_timeout_ms: Option<u64>,
    reconnect: Option<bool>,
    reconnect_initial_ms: Option<u64>,
    reconnect_max_ms: Option<u64>,
    ping_interval_ms: Option<u64>,
    max_queued_events: Option<usize>,
}

impl ConsoleOptions {
    /// Sets [`ConsoleOptions::origin`].
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// Sets [`ConsoleOptions::send_timeout`].
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = timeout;
        self
    }

    /// Sets [`ConsoleOptions::reconnect`].
    pub fn reconnect(mut self, yes: bool) -> Self {
        self.reconnect = yes;
        self
    }

    /// Sets [`ConsoleOptions::reconnect_initial`] and [`ConsoleOptions::reconnect_max`].
    pub fn reconnect_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.reconnect_initial = initial;
        self.reconnect_max = max;
        self
    }

    /// Sets [`ConsoleOptions::ping_interval`].
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }

    /// Sets [`ConsoleOptions::max_queued_events`].
    pub fn max_queued_events(mut self, n: usize) -> Self {
        self.max_queued_events = n;
        self
    }

    /// Reads the options from a JSON object (`null` or `{}` for the defaults): `origin`,
    /// `send_timeout_ms`, `reconnect`, `reconnect_initial_ms`, `reconnect_max_ms`,
    /// `ping_interval_ms`, `max_queued_events`. An unknown key is refused, and named; a front
    /// reads them with [`Client::console_options_json`](crate::Client::console_options_json),
    /// which keeps the client's API key out of that refusal.
    pub fn from_json(value: Value) -> Result<ConsoleOptions> {
        if value.is_null() {
            return Ok(ConsoleOptions::default());
        }
        let j: OptionsJson =
            serde_json::from_value(value).map_err(|e| Error::invalid(format!("bad console options: {e}")))?;
        let mut o = ConsoleOptions { origin: j.origin, ..ConsoleOptions::default() };
        let ms = Duration::from_millis;
        if let Some(v) = j.send_timeout_ms {
            o.send_timeout = ms(v);
        }
        if let Some(v) = j.reconnect {
            o.reconnect = v;
        }
        if let Some(v) = j.reconnect_initial_ms {
            o.reconnect_initial = ms(v);
        }
        if let Some(v) = j.reconnect_max_ms {
            o.reconnect_max = ms(v);
        }
        if let Some(v) = j.ping_interval_ms {
            o.ping_interval = ms(v);
        }
        if let Some(v) = j.max_queued_events {
            o.max_queued_events = v;
        }
        Ok(o)
    }

    fn check(&self) -> Result<()> {
        let refuse = |what: &str| Err(Error::invalid(format!("console options: {what}")));
        if self.reconnect_initial.is_zero() {
            return refuse("`reconnect_initial` must be more than 0");
        }
        if self.reconnect_max < self.reconnect_initial {
            return refuse("`reconnect_max` must be at least `reconnect_initial`");
        }
        if self.ping_interval.is_zero() {
            return refuse("`ping_interval` must be more than 0");
        }
        if self.max_queued_events == 0 {
            return refuse("`max_queued_events` must be more than 0");
        }
        if let Some(origin) = &self.origin {
            if origin.is_empty() || !origin.bytes().all(|b| b.is_ascii_graphic()) {
                return refuse("`origin` must be a URL such as https://panel.example.com");
            }
        }
        Ok(())
    }
}

/// How the console ended.
#[derive(Clone, Debug)]
struct Ended {
    reason: String,
    code: Option<u16>,
    by_caller: bool,
}

/// What the caller's side and the worker share.
struct Shared {
    queue: Mutex<Queue>,
    arrived: Condvar,
    /// Authenticated with a valid token: a send goes straight out.
    ready: AtomicBool,
    /// `close()` was called: token fetches in flight give up.
    closing: AtomicBool,
    /// The permissions in the current token, when it could be read.
    permissions: Mutex<Option<Vec<String>>>,
}

struct Queue {
    items: VecDeque<Event>,
    capacity: usize,
    /// Events dropped since the queue was last full, and since when.
    dropped: u64,
    dropped_since: Option<Instant>,
    /// An error that ended the console, handed out once.
    error: Option<Error>,
    ended: Option<Ended>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Queue {
    fn overflow_gap(&mut self) -> Event {
        let since = self.dropped_since.take().unwrap_or_else(Instant::now);
        let missed = std::mem::take(&mut self.dropped);
        Event::Gap { cause: GapCause::Overflow, duration: since.elapsed(), missed: Some(missed) }
    }
}

impl Shared {
    fn new(capacity: usize) -> Shared {
        Shared {
            queue: Mutex::new(Queue {
                items: VecDeque::new(),
                capacity,
                dropped: 0,
                dropped_since: None,
                error: None,
                ended: None,
            }),
            arrived: Condvar::new(),
            ready: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            permissions: Mutex::new(None),
        }
    }

    /// Queues events (dropping what does not fit, see [`ConsoleOptions::max_queued_events`]).
    fn push(&self, events: impl IntoIterator<Item = Event>) {
        let mut q = lock(&self.queue);
        if q.ended.is_some() {
            return;
        }
        for event in events {
            // A pending overflow gap needs a place of its own, before the event.
            let needed = 1 + usize::from(q.dropped > 0);
            if q.items.len() + needed > q.capacity {
                q.dropped += 1;
                q.dropped_since.get_or_insert_with(Instant::now);
                continue;
            }
            if q.dropped > 0 {
                let gap = q.overflow_gap();
                q.items.push_back(gap);
            }
            q.items.push_back(event);
        }
        drop(q);
        self.arrived.notify_all();
    }

    /// Ends the console (the first end wins), with an error to hand out once.
    fn finish(&self, ended: Ended, error: Option<Error>) {
        self.ready.store(false, Ordering::SeqCst);
        let mut q = lock(&self.queue);
        if q.ended.is_none() {
            if ended.by_caller {
                // The caller is done with it: what was not read yet is not handed out.
                q.items.clear();
            }
            q.ended = Some(ended);
            q.error = error;
        }
        drop(q);
        self.arrived.notify_all();
    }

    fn closed_error(&self) -> Error {
        let q = lock(&self.queue);
        match &q.ended {
            Some(e) => Error::Closed { reason: e.reason.clone(), code: e.code },
            None => Error::Closed { reason: String::from("the console has stopped"), code: None },
        }
    }

    fn set_token(&self, token: &str) {
        *lock(&self.permissions) = token_permissions(token);
    }
}

/// The `permissions` claim of a websocket token, when the token is a readable JWT. Tokens are
/// otherwise opaque: this only lets a send that Wings would silently ignore fail clearly.
fn token_permissions(token: &str) -> Option<Vec<String>> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let list = claims.get("permissions")?.as_array()?;
    Some(list.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
}

/// A server's live console: events from Wings, and commands, power actions and requests back.
/// Made with [`ServerHandle::console`](crate::ServerHandle::console) or [`Console::open`].
///
/// `Send + Sync`: one thread may read events while others send. Dropping it closes it.
///
/// ```no_run
/// use std::time::Duration;
/// use pterodactyl_client::{Client, Event, PowerSignal};
///
/// let client = Client::new("https://panel.example.com", "ptlc_...")?;
/// let console = client.server("d3aac109").console()?;
/// console.set_state(PowerSignal::Start)?;
/// while let Some(event) = console.next_event(Some(Duration::from_secs(30)))? {
///     match event {
///         Event::Status(state) if state == "running" => console.send_command("say Hello")?,
///         Event::Output(line) => println!("{line}"),
///         _ => {}
///     }
/// }
/// console.close();
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
pub struct Console {
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
    worker: Mutex<Option<std::thread::JoinHandle<()>>>,
    server: String,
    send_timeout: Duration,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("server", &self.server)
            .field("connected", &self.is_connected())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl Console {
    /// Opens the console of `server` (identifier or UUID): fetches a token, connects, and
    /// authenticates. Returns once Wings has accepted the token; the first events are then
    /// Wings' `status` (and `stats` when the server is offline).
    ///
    /// Fails with the panel's error when it refuses a token (403 without `websocket.connect`,
    /// 404, 409 while the server is suspended or installing), [`Error::Wings`] when Wings
    /// refuses the connection (403: the `Origin`, see [`ConsoleOptions::origin`]), or
    /// [`Error::Transport`] / [`Error::Timeout`] when Wings cannot be reached. Opening is never
    /// retried: only an open console reconnects.
    pub fn open(client: &Client, server: &str, options: ConsoleOptions) -> Result<Console> {
        options.check()?;
        let base = &client.inner.base;
        let origin = match &options.origin {
            Some(o) => o.trim_end_matches('/').to_owned(),
            None => base.strip_suffix("/api/client").unwrap_or(base).to_owned(),
        };
        let shared = Arc::new(Shared::new(options.max_queued_events));
        let (commands, inbox) = mpsc::unbounded_channel();
        let (opened_tx, opened) = sync_channel(1);
        let send_timeout = options.send_timeout;
        let worker = worker::Worker::new(client, server, origin, options, Arc::clone(&shared), inbox);
        let handle = std::thread::Builder::new()
            .name(format!("ptero-console-{}", server.chars().take(8).collect::<String>()))
            .spawn(move || worker.run(opened_tx))
            .map_err(|e| Error::Transport {
                message: format!("could not start the console's thread: {e}"),
                connect: true,
            })?;
        let console = Console {
            shared,
            commands,
            worker: Mutex::new(Some(handle)),
            server: server.to_owned(),
            send_timeout,
        };
        match opened.recv() {
            Ok(Ok(())) => Ok(console),
            Ok(Err(e)) => {
                console.join();
                Err(e)
            }
            Err(_) => {
                console.join();
                Err(Error::Transport {
                    message: "the console's thread stopped while opening".into(),
                    connect: true,
                })
            }
        }
    }

    /// The server identifier the console was opened with.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Whether the console is authenticated on a live connection right now (a send goes out at
    /// once). False while it reconnects or renews an expired token, and once closed.
    pub fn is_connected(&self) -> bool {
        self.shared.ready.load(Ordering::SeqCst)
    }

    /// Whether the console has ended (closed by the caller or by Wings, or failed for good).
    /// Events that arrived before may still be waiting in [`Console::next_event`].
    pub fn is_closed(&self) -> bool {
        lock(&self.shared.queue).ended.is_some()
    }

    /// The next event, waiting up to `timeout` (`None`: as long as it takes; zero: only
    /// what is already there). `Ok(None)` when nothing came in time.
    ///
    /// Once the console has ended and its events are all taken: the error that ended it, once
    /// (the panel's 403 or 404 when asked for a token, ...), then [`Error::Closed`] on every
    /// call (its `reason` and `code` say who closed it and why).
    pub fn next_event(&self, timeout: Option<Duration>) -> Result<Option<Event>> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut q = lock(&self.shared.queue);
        loop {
            if let Some(event) = q.items.pop_front() {
                if q.items.is_empty() && q.dropped > 0 {
                    let gap = q.overflow_gap();
                    q.items.push_back(gap);
                }
                return Ok(Some(event));
            }
            if let Some(e) = q.error.take() {
                return Err(e);
            }
            if let Some(ended) = &q.ended {
                return Err(Error::Closed { reason: ended.reason.clone(), code: ended.code });
            }
            q = match deadline {
                None => self.shared.arrived.wait(q).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    self.shared.arrived.wait_timeout(q, left).unwrap_or_else(PoisonError::into_inner).0
                }
            };
        }
    }

    /// The events, as a blocking iterator: it waits for each, yields an error at most once
    /// (what ended the console, when it was not the caller), and ends when the console is
    /// closed. `for event in &console` does the same.
    pub fn events(&self) -> Events<'_> {
        Events { console: self, idle: None, done: false }
    }

    /// Like [`Console::events`], but the iteration also ends when no event comes for `idle`
    /// (the console stays open: iterate again to go on).
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// # let console = client.server("d3aac109").console()?;
    /// console.request_logs()?;
    /// // The replayed lines, until the console has been quiet for a second.
    /// let lines: Vec<String> = console
    ///     .events_with_timeout(std::time::Duration::from_secs(1))
    ///     .filter_map(|e| e.ok()?.line().map(str::to_owned))
    ///     .collect();
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn events_with_timeout(&self, idle: Duration) -> Events<'_> {
        Events { console: self, idle: Some(idle), done: false }
    }

    /// Whether the caller's `close()` ended the console.
    fn closed_by_caller(&self) -> bool {
        lock(&self.shared.queue).ended.as_ref().is_some_and(|e| e.by_caller)
    }

    /// Sends a console command (`send command`), as typed in the panel's console. Needs the
    /// `control.console` permission; Wings ignores it while the server is offline.
    pub fn send_command(&self, command: &str) -> Result<()> {
        self.check_permission("control.console", "a console command")?;
        self.send(event::frame("send command", Some(command)))
    }

    /// Sends a power action (`set state`): needs `control.start`, `control.stop` (stop, kill)
    /// or `control.restart`. The new states arrive as [`Event::Status`].
    pub fn set_state(&self, signal: PowerSignal) -> Result<()> {
        let needed = match signal {
            PowerSignal::Start => "control.start",
            PowerSignal::Stop | PowerSignal::Kill => "control.stop",
            PowerSignal::Restart => "control.restart",
        };
        self.check_permission(needed, "this power action")?;
        self.send(event::frame("set state", Some(signal.as_str())))
    }

    /// Asks Wings for the recent console lines (`send logs`): while the server runs, Wings
    /// sends its last lines (150 by default) as [`Event::Output`]. They repeat lines already
    /// received, if any.
    pub fn request_logs(&self) -> Result<()> {
        self.send(event::frame("send logs", None))
    }

    /// Asks Wings for resource usage now (`send stats`): an [`Event::Stats`] follows.
    pub fn request_stats(&self) -> Result<()> {
        self.send(event::frame("send stats", None))
    }

    fn check_permission(&self, needed: &str, what: &str) -> Result<()> {
        let permissions = lock(&self.shared.permissions);
        let Some(list) = permissions.as_ref() else { return Ok(()) };
        if list.iter().any(|p| p == needed || p == "*") {
            return Ok(());
        }
        Err(Error::invalid(format!(
            "{what} needs the `{needed}` permission on this server, which this key's user does not have \
             (Wings would ignore it); nothing was sent"
        )))
    }

    /// Hands one frame to the worker and waits for it to be written (see
    /// [`ConsoleOptions::send_timeout`]). A frame is written at most once.
    fn send(&self, frame: String) -> Result<()> {
        if frame.len() > MAX_FRAME {
            return Err(Error::invalid(format!(
                "the message is {} bytes long; Wings reads at most {MAX_FRAME} bytes per message",
                frame.len()
            )));
        }
        if self.is_closed() {
            return Err(self.shared.closed_error());
        }
        let hold = !self.send_timeout.is_zero();
        if !hold && !self.is_connected() {
            return Err(not_connected());
        }
        let (reply, answer) = sync_channel(1);
        let claim = Arc::new(AtomicU8::new(worker::PENDING));
        let request = SendRequest { frame, hold, claim: Arc::clone(&claim), reply };
        if self.commands.send(Command::Send(request)).is_err() {
            return Err(self.shared.closed_error());
        }
        // Held while reconnecting: wait up to the send timeout, then withdraw it unless the
        // worker has taken it already (then its outcome comes soon: writes are bounded).
        let first_wait = if hold { self.send_timeout } else { WRITE_TIMEOUT };
        match answer.recv_timeout(first_wait) {
            Ok(result) => result,
            Err(RecvTimeoutError::Disconnected) => Err(self.shared.closed_error()),
            Err(RecvTimeoutError::Timeout) => {
                let withdrawn = claim
                    .compare_exchange(worker::PENDING, worker::WITHDRAWN, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok();
                if withdrawn {
                    return Err(Error::Timeout { timeout: first_wait, phase: "connect" });
                }
                match answer.recv_timeout(WRITE_TIMEOUT) {
                    Ok(result) => result,
                    Err(RecvTimeoutError::Disconnected) => Err(self.shared.closed_error()),
                    Err(RecvTimeoutError::Timeout) => {
                        Err(Error::Timeout { timeout: WRITE_TIMEOUT, phase: "request" })
                    }
                }
            }
        }
    }

    /// Closes the console: sends Wings a close frame, stops reconnecting, and waits for the
    /// console's thread to finish (about a second at most). Events not read yet are dropped;
    /// a thread waiting in [`Console::next_event`] gets [`Error::Closed`] at once. Calling it
    /// again does nothing.
    pub fn close(&self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.shared
            .finish(Ended { reason: String::from("close() was called"), code: None, by_caller: true }, None);
        let _ = self.commands.send(Command::Close);
        self.join();
    }

    fn join(&self) {
        let handle = lock(&self.worker).take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.close();
    }
}

fn not_connected() -> Error {
    Error::Transport {
        message: String::from(
            "the console is reconnecting to Wings; nothing was sent (a console opened with a send \
             timeout waits for the connection instead)",
        ),
        connect: true,
    }
}

/// The blocking iterator of [`Console::events`] and [`Console::events_with_timeout`].
#[derive(Debug)]
pub struct Events<'a> {
    console: &'a Console,
    /// [`Console::events_with_timeout`]'s limit.
    idle: Option<Duration>,
    done: bool,
}

impl Iterator for Events<'_> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        if self.done {
            return None;
        }
        match self.console.next_event(self.idle) {
            Ok(Some(event)) => Some(Ok(event)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                let quiet = matches!(e, Error::Closed { .. }) && self.console.closed_by_caller();
                (!quiet).then_some(Err(e))
            }
        }
    }
}

impl<'a> IntoIterator for &'a Console {
    type Item = Result<Event>;
    type IntoIter = Events<'a>;

    fn into_iter(self) -> Events<'a> {
        self.events()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_json_refuse_unknown_keys_and_bad_values() {
        let o = ConsoleOptions::from_json(serde_json::json!({"send_timeout_ms": 0, "origin": "https://p"}))
            .unwrap();
        assert_eq!(o.send_timeout, Duration::ZERO);
        assert_eq!(o.origin.as_deref(), Some("https://p"));
        assert!(ConsoleOptions::from_json(serde_json::json!({"sendtimeout": 1})).is_err());
        let bad = ConsoleOptions::from_json(serde_json::json!({"reconnect_initial_ms": 0})).unwrap();
        assert!(matches!(bad.check(), Err(Error::InvalidInput(_))));
    }

    #[test]
    fn a_full_queue_drops_events_and_reports_them_as_one_gap() {
        let shared = Shared::new(3);
        shared.push((0..10).map(|n| Event::Output(n.to_string())));
        let mut q = lock(&shared.queue);
        assert_eq!(q.items.len(), 3);
        assert_eq!(q.dropped, 7);
        q.items.clear();
        drop(q);
        shared.push([Event::Output("late".into())]);
        let q = lock(&shared.queue);
        assert!(matches!(q.items[0], Event::Gap { cause: GapCause::Overflow, missed: Some(7), .. }));
        assert_eq!(q.items[1], Event::Output("late".into()));
    }

    #[test]
    fn permissions_are_read_from_a_jwt_payload() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"permissions":["websocket.connect","control.console"]}"#);
        let token = format!("x.{payload}.y");
        assert_eq!(
            token_permissions(&token),
            Some(vec!["websocket.connect".to_string(), "control.console".to_string()])
        );
        assert_eq!(token_permissions("opaque"), None);
    }
}
