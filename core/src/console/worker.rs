//! The console's thread: one current-thread runtime that fetches tokens, holds the socket,
//! renews tokens in place, reconnects, and writes the caller's sends.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::event::{self, Event, Frame, GapCause};
use super::net::{self, Socket, SocketSettings};
use super::{ConsoleOptions, Ended, Shared, WRITE_TIMEOUT};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::WebsocketCredentials;

/// A send nobody has taken yet.
pub(super) const PENDING: u8 = 0;
/// The worker took it: it will be written (or fail) exactly once.
pub(super) const TAKEN: u8 = 1;
/// The caller gave up waiting: it is never written.
pub(super) const WITHDRAWN: u8 = 2;

/// How many frames are read in one go before the caller's queue is woken.
const BATCH: usize = 256;
/// A session that lasted this long resets the back-off.
const STABLE: Duration = Duration::from_secs(10);

pub(super) enum Command {
    Send(SendRequest),
    Close,
}

pub(super) struct SendRequest {
    pub frame: String,
    /// Wait for the connection (true) or fail at once (false) while reconnecting.
    pub hold: bool,
    pub claim: Arc<AtomicU8>,
    pub reply: std::sync::mpsc::SyncSender<Result<()>>,
}

impl SendRequest {
    /// Takes the send for writing, unless the caller withdrew it.
    fn take(&self) -> bool {
        self.claim.compare_exchange(PENDING, TAKEN, Ordering::SeqCst, Ordering::SeqCst).is_ok()
    }

    fn answer(self, result: Result<()>) {
        let _ = self.reply.try_send(result);
    }
}

/// Why a try to connect failed.
enum Failure {
    /// Another try may work (Wings or the panel unreachable, a 5xx, a timeout).
    Transient(Error),
    /// It never will (401/403/404 from the panel, Wings refusing the `Origin`, ...).
    Fatal(Error),
    /// Wings or the panel said to stop (suspended, permission withdrawn, deleted).
    Stop(String, Option<u16>),
    /// The caller closed the console.
    Closed,
}

impl From<net::ConnectError> for Failure {
    fn from(e: net::ConnectError) -> Self {
        if e.transient {
            Failure::Transient(e.error)
        } else {
            Failure::Fatal(e.error)
        }
    }
}

/// How a session ended.
enum End {
    /// The caller closed the console.
    Closed,
    /// The connection was lost: reconnect.
    Lost {
        reason: String,
        code: Option<u16>,
    },
    Stop(String, Option<u16>),
    Fatal(Error),
}

/// What does not change while the console runs.
struct Ctx {
    /// The caller's client, made to give up a token fetch once the console is closing.
    client: Client,
    server: String,
    origin: String,
    options: ConsoleOptions,
    settings: SocketSettings,
    tls: OnceLock<Arc<rustls::ClientConfig>>,
    shared: Arc<Shared>,
    /// Each step of a connection (TCP, TLS, upgrade, `auth success`) is bounded by this.
    step_timeout: Duration,
}

/// The caller's sends, and those held while the socket is not ready.
struct Inbox {
    commands: mpsc::UnboundedReceiver<Command>,
    held: VecDeque<SendRequest>,
}

/// A connected, authenticated socket.
struct Live {
    socket: Socket,
}

pub(super) struct Worker {
    ctx: Ctx,
    inbox: Inbox,
}

impl Worker {
    pub(super) fn new(
        client: &Client,
        server: &str,
        origin: String,
        options: ConsoleOptions,
        shared: Arc<Shared>,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Worker {
        let closing = Arc::clone(&shared);
        let client = client.with_cancel_check(move || closing.closing.load(Ordering::SeqCst));
        let inner = &client.inner;
        let step_timeout = inner.connect_timeout.max(inner.timeout);
        Worker {
            ctx: Ctx {
                settings: inner.socket.clone(),
                client,
                server: server.to_owned(),
                origin,
                options,
                tls: OnceLock::new(),
                shared,
                step_timeout,
            },
            inbox: Inbox { commands, held: VecDeque::new() },
        }
    }

    /// The thread's body: opens (reporting the outcome to `opened`), then keeps the console
    /// alive until it ends.
    pub(super) fn run(mut self, opened: std::sync::mpsc::SyncSender<Result<()>>) {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                let _ = opened.send(Err(Error::Transport {
                    message: format!("could not start the console's I/O runtime: {e}"),
                    connect: true,
                }));
                return;
            }
        };
        runtime.block_on(self.main(opened));
        // A token fetch still running (it gives up within 50 ms of `close`) is waited for.
        runtime.shutdown_timeout(Duration::from_secs(2));
    }

    async fn main(&mut self, opened: std::sync::mpsc::SyncSender<Result<()>>) {
        let Worker { ctx, inbox } = self;
        let mut live = match inbox.until_closed(ctx.connect_once()).await {
            None | Some(Err(Failure::Closed)) => {
                let _ = opened.send(Err(ctx.shared.closed_error()));
                return;
            }
            Some(Err(Failure::Transient(e) | Failure::Fatal(e))) => {
                let _ = opened.send(Err(e));
                return;
            }
            Some(Err(Failure::Stop(reason, code))) => {
                let _ = opened.send(Err(Error::Closed { reason, code }));
                return;
            }
            Some(Ok(live)) => {
                let _ = opened.send(Ok(()));
                live
            }
        };
        let mut attempts: u32 = 0;
        let mut rng = seed();
        loop {
            let started = Instant::now();
            let end = session(ctx, inbox, live).await;
            let (reason, code) = match end {
                End::Closed => return,
                End::Stop(reason, code) => return ctx.stop(inbox, reason, code, None),
                End::Fatal(e) => return ctx.stop(inbox, e.to_string(), None, Some(e)),
                End::Lost { reason, code } => (reason, code),
            };
            ctx.shared.ready.store(false, Ordering::SeqCst);
            if !ctx.options.reconnect {
                return ctx.stop(inbox, format!("the connection to Wings was lost: {reason}"), code, None);
            }
            ctx.shared.push([Event::Disconnected { reason, code }]);
            if started.elapsed() >= STABLE.max(ctx.options.reconnect_max) {
                attempts = 0;
            }
            let lost_at = Instant::now();
            live = loop {
                let wait = backoff(&ctx.options, attempts, &mut rng);
                attempts = attempts.saturating_add(1);
                if inbox.until_closed(tokio::time::sleep(wait)).await.is_none() {
                    return;
                }
                match inbox.until_closed(ctx.connect_once()).await {
                    None | Some(Err(Failure::Closed)) => return,
                    Some(Ok(live)) => break live,
                    Some(Err(Failure::Transient(_))) => continue,
                    Some(Err(Failure::Fatal(e))) => return ctx.stop(inbox, e.to_string(), None, Some(e)),
                    Some(Err(Failure::Stop(reason, code))) => return ctx.stop(inbox, reason, code, None),
                }
            };
            ctx.shared.push([Event::Gap {
                cause: GapCause::Reconnect,
                duration: lost_at.elapsed(),
                missed: None,
            }]);
        }
    }
}

impl Inbox {
    /// Runs `fut` while taking the caller's sends (held, or refused when they may not wait);
    /// `None` when the caller closes the console first.
    async fn until_closed<F: std::future::Future>(&mut self, fut: F) -> Option<F::Output> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return Some(out),
                command = self.commands.recv() => match command {
                    None | Some(Command::Close) => return None,
                    Some(Command::Send(request)) => self.hold(request),
                },
            }
        }
    }

    /// A send that came while the socket is not ready.
    fn hold(&mut self, request: SendRequest) {
        if request.hold {
            self.held.push_back(request);
        } else if request.take() {
            request.answer(Err(super::not_connected()));
        }
    }

    /// Fails every held send: the console has ended.
    fn fail_held(&mut self, error: impl Fn() -> Error) {
        for request in self.held.drain(..) {
            if request.take() {
                request.answer(Err(error()));
            }
        }
        self.commands.close();
        while let Ok(command) = self.commands.try_recv() {
            if let Command::Send(request) = command {
                if request.take() {
                    request.answer(Err(error()));
                }
            }
        }
    }
}

impl Ctx {
    /// Ends the console for good.
    fn stop(&self, inbox: &mut Inbox, reason: String, code: Option<u16>, error: Option<Error>) {
        self.shared.finish(Ended { reason: reason.clone(), code, by_caller: false }, error);
        inbox.fail_held(|| Error::Closed { reason: reason.clone(), code });
    }

    /// Fetches a token and the socket address on a blocking thread (the client is blocking).
    fn fetch(&self) -> JoinHandle<Result<WebsocketCredentials>> {
        let client = self.client.clone();
        let server = self.server.clone();
        tokio::task::spawn_blocking(move || client.server(&server).websocket())
    }

    /// Fetches credentials, connects, authenticates.
    async fn connect_once(&self) -> Result<Live, Failure> {
        let creds = fetched(self.fetch().await)?;
        let mut socket =
            net::connect(&creds.socket, &self.origin, &self.settings, &self.tls, self.step_timeout).await?;
        let auth = event::frame("auth", Some(&creds.token));
        let sent = tokio::time::timeout(self.step_timeout, socket.send(Message::text(auth))).await;
        match sent {
            Err(_) => {
                return Err(Failure::Transient(Error::Timeout {
                    timeout: self.step_timeout,
                    phase: "request",
                }))
            }
            Ok(Err(e)) => {
                return Err(Failure::Transient(lost(&format!(
                    "the connection broke while authenticating: {e}"
                ))))
            }
            Ok(Ok(())) => {}
        }
        let answer = tokio::time::timeout(self.step_timeout, authenticated(&mut socket)).await;
        match answer {
            Err(_) => {
                Err(Failure::Transient(Error::Timeout { timeout: self.step_timeout, phase: "request" }))
            }
            Ok(Err(failure)) => Err(failure),
            Ok(Ok(())) => {
                self.shared.set_token(&creds.token);
                self.shared.ready.store(true, Ordering::SeqCst);
                Ok(Live { socket })
            }
        }
    }
}

/// Reads until Wings answers the first `auth`.
async fn authenticated(socket: &mut Socket) -> Result<(), Failure> {
    loop {
        let message = match socket.next().await {
            None => return Err(Failure::Transient(lost("Wings closed the connection while authenticating"))),
            Some(Err(e)) => {
                return Err(Failure::Transient(lost(&format!(
                    "the connection broke while authenticating: {e}"
                ))))
            }
            Some(Ok(m)) => m,
        };
        match message {
            Message::Text(text) => {
                let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else { continue };
                match frame.event.as_str() {
                    "auth success" => return Ok(()),
                    "jwt error" => {
                        let msg = frame.args.first().cloned().unwrap_or_default();
                        return Err(match jwt_error(&msg) {
                            Jwt::Renew => {
                                Failure::Transient(lost(&format!("Wings refused the new token: {msg}")))
                            }
                            Jwt::Stop(reason) => Failure::Stop(reason, None),
                            Jwt::Other => {
                                Failure::Transient(lost(&format!("Wings refused the token: {msg}")))
                            }
                        });
                    }
                    // Wings' answer to a token it cannot even read.
                    "daemon error" => {
                        let msg = frame.args.first().cloned().unwrap_or_default();
                        return Err(Failure::Transient(lost(&format!("Wings refused the token: {msg}"))));
                    }
                    _ => {}
                }
            }
            Message::Close(frame) => {
                let (code, reason) = close_parts(frame.as_ref());
                return Err(closed_by_wings(code, &reason));
            }
            _ => {}
        }
    }
}

/// What a close frame from Wings means.
fn closed_by_wings(code: Option<u16>, reason: &str) -> Failure {
    let described = describe_close(code, reason);
    match code {
        Some(c) if is_stop_code(c) => Failure::Stop(format!("Wings ended it: {described}"), code),
        _ => Failure::Transient(lost(&format!("Wings closed the connection ({described})"))),
    }
}

/// Close codes that mean "do not come back": 4400–4499, like HTTP's 4xx (4409: the server is
/// suspended). The panel's own console stops reconnecting on them too.
fn is_stop_code(code: u16) -> bool {
    (4400..4500).contains(&code)
}

fn describe_close(code: Option<u16>, reason: &str) -> String {
    match (code, reason.is_empty()) {
        (Some(c), false) => format!("{reason} (code {c})"),
        (Some(c), true) => format!("code {c}"),
        (None, _) => String::from("no close code"),
    }
}

fn close_parts(
    frame: Option<&tokio_tungstenite::tungstenite::protocol::CloseFrame>,
) -> (Option<u16>, String) {
    match frame {
        Some(f) => (Some(u16::from(f.code)), f.reason.as_str().to_owned()),
        None => (None, String::new()),
    }
}

fn lost(message: &str) -> Error {
    Error::Transport { message: message.to_owned(), connect: false }
}

/// What a `jwt error` asks for.
enum Jwt {
    /// The token expired or was revoked: fetch a fresh one.
    Renew,
    /// The key's access is gone, or the token is for another server: stop.
    Stop(String),
    Other,
}

/// Wings' messages may carry an `Error Event [<uuid>]: ` prefix: match by substring, as the
/// panel's own console does.
fn jwt_error(message: &str) -> Jwt {
    if message.contains("exp claim is invalid")
        || message.contains("denylist")
        || message.contains("no jwt present")
    {
        Jwt::Renew
    } else if message.contains("missing connect permission") {
        Jwt::Stop(String::from(
            "this key may no longer connect to the server's console (jwt: missing connect permission)",
        ))
    } else if message.contains("server uuid mismatch") {
        Jwt::Stop(String::from("Wings says the token is for another server (jwt: server uuid mismatch)"))
    } else {
        Jwt::Other
    }
}

/// A token fetch's outcome, classified.
fn fetched(
    joined: std::result::Result<Result<WebsocketCredentials>, tokio::task::JoinError>,
) -> Result<WebsocketCredentials, Failure> {
    match joined {
        Ok(Ok(creds)) => Ok(creds),
        Ok(Err(e)) => Err(classify(e)),
        Err(e) => Err(Failure::Transient(lost(&format!("the token fetch failed: {e}")))),
    }
}

/// Whether a failed token fetch is worth trying again.
fn classify(e: Error) -> Failure {
    match &e {
        Error::Cancelled => Failure::Closed,
        Error::Api { status: 409, errors } => {
            // Suspension is for good; installing, restoring a backup or a transfer pass.
            if errors.iter().any(|i| i.detail.to_ascii_lowercase().contains("suspended")) {
                Failure::Fatal(e)
            } else {
                Failure::Transient(e)
            }
        }
        Error::Api { status, .. } if *status == 408 || *status >= 500 => Failure::Transient(e),
        Error::Api { .. } | Error::Decode { .. } | Error::InvalidInput(_) | Error::TooLarge { .. } => {
            Failure::Fatal(e)
        }
        Error::NotJson { status, .. } if *status < 500 => Failure::Fatal(e),
        _ => Failure::Transient(e),
    }
}

/// The wait before try number `attempt` (from 0): `initial × 2^attempt`, at most `max`, drawn
/// between half of it and all of it.
fn backoff(options: &ConsoleOptions, attempt: u32, rng: &mut u64) -> Duration {
    let full = options.reconnect_initial.saturating_mul(1u32 << attempt.min(20)).min(options.reconnect_max);
    let half = full / 2;
    // xorshift64*: jitter needs no more.
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    let r = rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let span = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    half + Duration::from_nanos(if span == 0 { 0 } else { r % (span + 1) })
}

fn seed() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish() | 1
}

/// State of one connected socket.
struct Session<'a> {
    ctx: &'a Ctx,
    /// A token lapse in progress: since when, and how many events Wings withheld.
    lapse: Option<(Instant, u64)>,
    /// A token fetch in flight.
    refresh: Option<JoinHandle<Result<WebsocketCredentials>>>,
    /// When to try a failed fetch again.
    retry_at: Option<tokio::time::Instant>,
    refresh_failures: u32,
    last_heard: Instant,
}

/// Runs one connected socket until it ends.
async fn session(ctx: &Ctx, inbox: &mut Inbox, live: Live) -> End {
    let Live { mut socket } = live;
    let mut s = Session {
        ctx,
        lapse: None,
        refresh: None,
        retry_at: None,
        refresh_failures: 0,
        last_heard: Instant::now(),
    };
    let period = ctx.options.ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rng = seed();
    // Sends that waited for this connection go first, in order.
    if let Some(end) = flush_held(&mut socket, inbox).await {
        return end;
    }
    loop {
        let refreshing = s.refresh.is_some();
        let retry_at = s.retry_at;
        tokio::select! {
            command = inbox.commands.recv() => match command {
                None | Some(Command::Close) => {
                    let _ = tokio::time::timeout(Duration::from_secs(1), socket.close(None)).await;
                    return End::Closed;
                }
                Some(Command::Send(request)) => {
                    if ctx.shared.ready.load(Ordering::SeqCst) && inbox.held.is_empty() {
                        if let Some(end) = write(&mut socket, request).await {
                            return end;
                        }
                    } else {
                        inbox.hold(request);
                    }
                }
            },
            fetched_creds = async { s.refresh.as_mut().expect("guarded").await }, if refreshing => {
                s.refresh = None;
                match fetched(fetched_creds) {
                    Ok(creds) => {
                        s.refresh_failures = 0;
                        let auth = event::frame("auth", Some(&creds.token));
                        match tokio::time::timeout(WRITE_TIMEOUT, socket.send(Message::text(auth))).await {
                            Ok(Ok(())) => ctx.shared.set_token(&creds.token),
                            Ok(Err(e)) => return End::Lost { reason: format!("could not renew the token: {e}"), code: None },
                            Err(_) => return End::Lost { reason: "could not renew the token: the write timed out".into(), code: None },
                        }
                    }
                    Err(Failure::Closed) => return End::Closed,
                    Err(Failure::Fatal(e)) => return End::Fatal(e),
                    Err(Failure::Stop(reason, code)) => return End::Stop(reason, code),
                    Err(Failure::Transient(_)) => {
                        // The socket still works; try again later (sooner than the token ends).
                        let wait = backoff(&ctx.options, s.refresh_failures, &mut rng).min(Duration::from_secs(10));
                        s.refresh_failures = s.refresh_failures.saturating_add(1);
                        s.retry_at = Some(tokio::time::Instant::now() + wait);
                    }
                }
            },
            _ = async { tokio::time::sleep_until(retry_at.expect("guarded")).await }, if retry_at.is_some() && !refreshing => {
                s.retry_at = None;
                s.refresh = Some(ctx.fetch());
            },
            message = socket.next() => {
                let mut events = Vec::new();
                let mut outcome = s.receive(message, &mut events);
                // Take whatever else is already there before waking the caller.
                while outcome.is_none() && events.len() < BATCH {
                    match socket.next().now_or_never() {
                        Some(message) => outcome = s.receive(message, &mut events),
                        None => break,
                    }
                }
                if !events.is_empty() {
                    ctx.shared.push(events);
                }
                match outcome {
                    None => {}
                    Some(Received::End(end)) => return end,
                    Some(Received::Ready) => {
                        if let Some(end) = flush_held(&mut socket, inbox).await {
                            return end;
                        }
                    }
                }
            },
            _ = ping.tick() => {
                if s.last_heard.elapsed() >= period * 2 {
                    return End::Lost {
                        reason: format!("nothing heard from Wings for {} s", s.last_heard.elapsed().as_secs()),
                        code: None,
                    };
                }
                match tokio::time::timeout(WRITE_TIMEOUT, socket.send(Message::Ping(Default::default()))).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return End::Lost { reason: e.to_string(), code: None },
                    Err(_) => return End::Lost { reason: "a ping could not be written".into(), code: None },
                }
            },
        }
    }
}

/// What a received frame changed.
enum Received {
    End(End),
    /// Authenticated again after a lapse: held sends may go.
    Ready,
}

impl Session<'_> {
    fn start_refresh(&mut self) {
        if self.refresh.is_none() && self.retry_at.is_none() {
            self.refresh = Some(self.ctx.fetch());
        }
    }

    /// The token has run out: Wings withholds events until the next `auth`.
    fn lapsed(&mut self, withheld: u64) {
        self.ctx.shared.ready.store(false, Ordering::SeqCst);
        let lapse = self.lapse.get_or_insert_with(|| (Instant::now(), 0));
        lapse.1 += withheld;
        self.start_refresh();
    }

    fn receive(
        &mut self,
        message: Option<std::result::Result<Message, tokio_tungstenite::tungstenite::Error>>,
        events: &mut Vec<Event>,
    ) -> Option<Received> {
        let message = match message {
            None => {
                return Some(Received::End(End::Lost {
                    reason: "Wings closed the connection".into(),
                    code: None,
                }))
            }
            Some(Err(e)) => return Some(Received::End(End::Lost { reason: e.to_string(), code: None })),
            Some(Ok(m)) => m,
        };
        self.last_heard = Instant::now();
        let text = match message {
            Message::Text(text) => text,
            Message::Close(frame) => {
                let (code, reason) = close_parts(frame.as_ref());
                return Some(Received::End(match closed_by_wings(code, &reason) {
                    Failure::Stop(reason, code) => End::Stop(reason, code),
                    _ => End::Lost { reason: describe_close(code, &reason), code },
                }));
            }
            _ => return None,
        };
        // Malformed frames are ignored, as Wings ignores them.
        let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else { return None };
        match frame.event.as_str() {
            "auth success" => {
                let lapse = self.lapse.take();
                if let Some((since, missed)) = lapse {
                    if missed > 0 {
                        events.push(Event::Gap {
                            cause: GapCause::Token,
                            duration: since.elapsed(),
                            missed: Some(missed),
                        });
                    }
                }
                let was_ready = self.ctx.shared.ready.swap(true, Ordering::SeqCst);
                return (!was_ready).then_some(Received::Ready);
            }
            "token expiring" => self.start_refresh(),
            // Wings' check sends it through the token check, so it usually arrives as a
            // `jwt error`; either way the token is gone.
            "token expired" => self.lapsed(0),
            "jwt error" => {
                let message = frame.args.first().map(String::as_str).unwrap_or_default();
                match jwt_error(message) {
                    // Each one stands for an event Wings withheld.
                    Jwt::Renew => self.lapsed(1),
                    Jwt::Stop(reason) => return Some(Received::End(End::Stop(reason, None))),
                    Jwt::Other => events.push(Event::from_wings(frame.event, frame.args)),
                }
            }
            "deleted" => {
                events.push(Event::Deleted);
                return Some(Received::End(End::Stop(String::from("the server was deleted"), None)));
            }
            _ => events.push(Event::from_wings(frame.event, frame.args)),
        }
        None
    }
}

/// Writes the sends held while the socket was not ready, oldest first.
async fn flush_held(socket: &mut Socket, inbox: &mut Inbox) -> Option<End> {
    while let Some(request) = inbox.held.pop_front() {
        if let Some(end) = write(socket, request).await {
            return Some(end);
        }
    }
    None
}

/// Writes one send, unless the caller withdrew it, and answers it.
async fn write(socket: &mut Socket, request: SendRequest) -> Option<End> {
    if !request.take() {
        return None;
    }
    let frame = Message::text(request.frame.clone());
    match tokio::time::timeout(WRITE_TIMEOUT, socket.send(frame)).await {
        Ok(Ok(())) => {
            request.answer(Ok(()));
            None
        }
        outcome => {
            let why = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => String::from("the write timed out"),
            };
            request.answer(Err(lost(&format!(
                "the connection to Wings broke while sending ({why}); the message may or may not have \
                 arrived, and is not sent again"
            ))));
            Some(End::Lost { reason: why, code: None })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let options =
            ConsoleOptions::default().reconnect_backoff(Duration::from_millis(100), Duration::from_secs(1));
        let mut rng = seed();
        for _ in 0..100 {
            let first = backoff(&options, 0, &mut rng);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let late = backoff(&options, 30, &mut rng);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1), "{late:?}");
        }
    }

    #[test]
    fn stop_codes_are_the_4400s() {
        assert!(is_stop_code(4409));
        assert!(is_stop_code(4400));
        assert!(!is_stop_code(1000));
        assert!(!is_stop_code(1006));
        assert!(!is_stop_code(4000));
    }

    #[test]
    fn jwt_errors_are_matched_by_substring() {
        assert!(matches!(jwt_error("Error Event [abc]: jwt: exp claim is invalid"), Jwt::Renew));
        assert!(matches!(jwt_error("jwt: created too far in past (denylist)"), Jwt::Renew));
        assert!(matches!(jwt_error("jwt: missing connect permission"), Jwt::Stop(_)));
        assert!(matches!(jwt_error("something else"), Jwt::Other));
    }

    #[test]
    fn a_suspension_is_fatal_and_an_installation_passes() {
        let conflict = |detail: &str| Error::Api {
            status: 409,
            errors: vec![crate::ApiErrorItem { detail: detail.into(), ..Default::default() }],
        };
        assert!(matches!(
            classify(conflict(
                "This server is currently suspended and the functionality requested is unavailable."
            )),
            Failure::Fatal(_)
        ));
        assert!(matches!(
            classify(conflict(
                "This server has not yet completed its installation process, please try again later."
            )),
            Failure::Transient(_)
        ));
        assert!(matches!(classify(Error::Api { status: 404, errors: vec![] }), Failure::Fatal(_)));
        assert!(matches!(classify(Error::Api { status: 502, errors: vec![] }), Failure::Transient(_)));
    }
}
