//! The Wings side: websocket tokens, `GET /api/servers/{uuid}/ws`, and the controls a test uses
//! to shorten token lifetimes, cut or close sockets, inject events and flood output.
//!
//! Behaviour follows `router/websocket/websocket.go` and `router/router_server_ws.go` in
//! pterodactyl/wings (and the pelican-dev/wings port): the `Origin` check before the upgrade,
//! close code 4409 for a suspended server, in-band `auth`, `auth success` then `status` (and
//! `stats` when offline) on the first auth only, every outgoing event gated by the token's
//! validity (`jwt error` instead), `token expiring` / `token expired` from a periodic check,
//! malformed frames ignored.

use crate::api::{boot_lines, usage};
use crate::model::{WingsNetwork, WingsStats};
use crate::state::{PowerState, State};
use crate::util::{sha1_hex, sha1_raw, unix_now};
use crate::{FakePanel, Shared};
use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::SinkExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The node's token key; the fake signs with a keyed SHA-1, which is enough to detect tampering.
const NODE_SECRET: &[u8] = b"fake-panel-node-token-secret";
/// Tokens live 10 minutes, as `WebsocketController` issues them.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(600);
const GENERIC_ERROR: &str = "an unexpected error was encountered while handling this request";
/// How many console lines the ledger keeps per server (older ones are dropped).
const LEDGER_CAP: usize = 200_000;
/// How many frames a flooding socket writes before it looks at its inbound side again.
const FLOOD_BATCH: u64 = 256;

/// Serial numbers of control actions and ids of sockets: global, so that they keep growing
/// across resets while old sockets are still open.
static SERIAL: AtomicU64 = AtomicU64::new(1);

fn next_serial() -> u64 {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// Milliseconds since the Unix epoch, now.
fn unix_now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// What a test asked the open sockets of one server to do.
#[derive(Clone, Debug)]
enum Action {
    /// Drop the connection without a close frame (a network failure, or Wings' own
    /// `Connection.Close()` on suspension and deletion).
    Cut,
    /// Send a close frame with this code and reason, then drop the connection.
    Close(u16, String),
    /// Send this event (through the token check, like every Wings event).
    Emit(String, Vec<String>),
    /// Send this many numbered `console output` lines of about this many bytes, as fast as
    /// the socket takes them.
    Flood { lines: u64, bytes: usize },
    /// Stop reading and writing, without closing: a half-open connection (no pong either).
    Freeze,
}

/// The Wings side's settings and the controls of open sockets. Part of the panel's state, so
/// a reset restores the defaults (and stops a ticker).
pub struct Wings {
    /// Lifetime of the tokens issued from now on.
    pub token_ttl: Duration,
    /// Wings' `allowed_origins`: `Origin`s accepted besides the panel URL (`*` accepts any).
    pub allowed_origins: Vec<String>,
    /// Where `server.websocket` says the socket is (default: the panel's own address, `ws://`).
    pub socket_base: Option<String>,
    /// Recent control actions, oldest first: (serial, server uuid, action).
    actions: Vec<(u64, String, Action)>,
    /// Every `console output` line written to a socket, per server uuid: (socket id, line).
    ledger: HashMap<String, Vec<(u64, String)>>,
    /// The running ticker's id (0: none).
    ticker: u64,
    /// Open sockets: id → (server uuid, authenticated).
    sockets: HashMap<u64, (String, bool)>,
}

impl Default for Wings {
    fn default() -> Self {
        Wings {
            token_ttl: DEFAULT_TOKEN_TTL,
            allowed_origins: Vec::new(),
            socket_base: None,
            actions: Vec::new(),
            ledger: HashMap::new(),
            ticker: 0,
            sockets: HashMap::new(),
        }
    }
}

impl Wings {
    /// The registry of open sockets, taken out before a reset ...
    pub(crate) fn take_sockets(&mut self) -> HashMap<u64, (String, bool)> {
        std::mem::take(&mut self.sockets)
    }

    /// ... and put back after it: the sockets are still open.
    pub(crate) fn restore_sockets(&mut self, sockets: HashMap<u64, (String, bool)>) {
        self.sockets = sockets;
    }

    fn act(&mut self, uuid: &str, action: Action) {
        self.actions.push((next_serial(), uuid.to_string(), action));
        // Sockets look every 20 ms; anything this old has been seen by every open socket.
        if self.actions.len() > 1024 {
            self.actions.drain(..512);
        }
    }

    /// How often the expiry of a socket's token is checked, and how early `token expiring` is
    /// sent: 30 s and 60 s as in Wings for the default lifetime, shorter for short lifetimes.
    fn expiry_timing(&self) -> (Duration, Duration) {
        let ttl = self.token_ttl;
        ((ttl / 20).min(Duration::from_secs(30)), (ttl / 2).min(Duration::from_secs(60)))
    }
}

/// Claims of the websocket JWT (`NodeJWTService` + `WebsocketController`).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Claims {
    pub iss: String,
    pub aud: Vec<String>,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The fake's own claim: `exp` in milliseconds, so that tests can use lifetimes of a
    /// second or two. Tokens are opaque to clients.
    #[serde(default)]
    pub exp_ms: Option<i64>,
    pub server_uuid: String,
    pub permissions: Vec<String>,
    pub user_uuid: String,
    pub user_id: u32,
    pub unique_id: String,
}

impl Claims {
    /// Wings' `HasPermission`: `*` grants everything but the admin pseudo-permissions.
    fn has(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission || (p == "*" && !permission.starts_with("admin")))
    }

    fn expires_ms(&self) -> i64 {
        self.exp_ms.unwrap_or(self.exp * 1000)
    }
}

fn sign(input: &str) -> String {
    let mut data = NODE_SECRET.to_vec();
    data.extend_from_slice(input.as_bytes());
    let first = sha1_raw(&data);
    let mut data = NODE_SECRET.to_vec();
    data.extend_from_slice(&first);
    // 32 bytes like HS256, so the token looks the part.
    let mut sig = sha1_raw(&data);
    sig.extend_from_slice(&first[..12]);
    URL_SAFE_NO_PAD.encode(sig)
}

/// `ws://127.0.0.1:PORT` (the panel's own listener), or what `set_ws_socket_base` set.
pub fn socket_base(st: &State) -> String {
    match &st.ws.socket_base {
        Some(base) => base.clone(),
        None => st.base_url.replacen("http://", "ws://", 1),
    }
}

/// Issues the token `GET /servers/{server}/websocket` returns.
pub fn issue_token(st: &mut State, idx: usize, user: u32) -> String {
    st.token_counter += 1;
    let now = unix_now();
    let exp_ms = unix_now_ms() + st.ws.token_ttl.as_millis() as i64;
    let server = &st.servers[idx];
    let u = st.user(user);
    let claims = Claims {
        iss: st.base_url.clone(),
        aud: vec![st.base_url.clone()],
        jti: sha1_hex(format!("{}{}", user, server.uuid).as_bytes())[..32].to_string(),
        iat: now,
        nbf: now - 300,
        exp: exp_ms.div_euclid(1000),
        exp_ms: Some(exp_ms),
        server_uuid: server.uuid.clone(),
        permissions: st.user_permissions(idx, user),
        user_uuid: u.uuid.to_string(),
        user_id: u.id,
        unique_id: sha1_hex(format!("{}-{now}", st.token_counter).as_bytes())[..16].to_string(),
    };
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).expect("claims"));
    let signing_input = format!("{header}.{payload}");
    let signature = sign(&signing_input);
    format!("{signing_input}.{signature}")
}

#[derive(Debug)]
enum TokenError {
    /// Parse or signature failure: not a "JWT error" in Wings' sense.
    Invalid,
    /// A JWT error, with Wings' message.
    Jwt(&'static str),
}

fn parse_token(token: &str) -> Result<Claims, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Invalid);
    };
    if sign(&format!("{h}.{p}")) != s {
        return Err(TokenError::Invalid);
    }
    let bytes = URL_SAFE_NO_PAD.decode(p).map_err(|_| TokenError::Invalid)?;
    let claims: Claims = serde_json::from_slice(&bytes).map_err(|_| TokenError::Invalid)?;
    if claims.expires_ms() <= unix_now_ms() {
        return Err(TokenError::Jwt("jwt: exp claim is invalid"));
    }
    if !claims.has("websocket.connect") {
        return Err(TokenError::Jwt("jwt: missing connect permission"));
    }
    Ok(claims)
}

/// `GET /api/servers/{uuid}/ws`.
pub async fn handler(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path(uuid): Path<String>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let path = format!("/api/servers/{uuid}/ws");
    if let Some(response) = crate::apply_faults(&shared, &path).await {
        return response;
    }
    let (exists, suspended, allowed) = {
        let st = shared.lock();
        let idx = st.server_by_uuid(&uuid);
        let suspended = idx.is_some_and(|i| st.servers[i].status.as_deref() == Some("suspended"));
        (idx.is_some(), suspended, st.ws.allowed_origins.clone())
    };
    if !exists {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({
                "error": "The requested resource does not exist on this instance."
            })),
        )
            .into_response();
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    // The upgrader's `CheckOrigin`: the panel URL, or one of `allowed_origins` (`*` for any).
    let origin = headers.get("origin").and_then(|o| o.to_str().ok());
    let origin_ok =
        origin.is_some_and(|o| o == shared.base_url.as_str() || allowed.iter().any(|a| a == "*" || a == o));
    if !origin_ok {
        return (StatusCode::FORBIDDEN, [("sec-websocket-version", "13")], "Forbidden\n").into_response();
    }
    upgrade.on_upgrade(move |socket| async move {
        if suspended {
            // Wings upgrades first, then closes at once: a browser cannot read a refused upgrade.
            suspended_close(socket).await;
        } else {
            run(shared, uuid, socket).await;
        }
    })
}

async fn suspended_close(mut socket: WebSocket) {
    let frame = CloseFrame { code: 4409, reason: "server is suspended".into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// An outgoing frame: `{"event": ..., "args": [...]}`, `args` omitted when empty.
#[derive(Serialize)]
struct Frame {
    event: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    args: Vec<String>,
}

#[derive(Deserialize)]
struct Inbound {
    // Go leaves a missing field empty instead of failing.
    #[serde(default)]
    event: String,
    #[serde(default)]
    args: Option<Vec<Option<String>>>,
}

struct Conn {
    id: u64,
    uuid: String,
    jwt: Option<Claims>,
    registered: bool,
    generation: u64,
    seen_status: usize,
    seen_console: usize,
    /// The serial of the newest control action this socket has looked at.
    seen_action: u64,
    last_state: PowerState,
    last_stats: Instant,
    last_expiry_check: Instant,
    /// A flood in progress: (next line number, last line number, bytes per line).
    flood: Option<(u64, u64, usize)>,
    /// Set by a cut or close action: what to do once the pending frames are written.
    end: Option<Option<(u16, String)>>,
    /// Set by a freeze action: the socket goes silent.
    frozen: bool,
    out: Vec<Frame>,
}

impl Conn {
    /// `Handler::TokenValid`.
    fn token_valid(&self) -> Result<&Claims, &'static str> {
        let j = self.jwt.as_ref().ok_or("jwt: no jwt present")?;
        if j.expires_ms() <= unix_now_ms() {
            return Err("jwt: exp claim is invalid");
        }
        if !j.has("websocket.connect") {
            return Err("jwt: missing connect permission");
        }
        if j.server_uuid != self.uuid {
            return Err("jwt: server uuid mismatch");
        }
        Ok(j)
    }

    fn raw(&mut self, event: &str, args: Vec<String>) {
        self.out.push(Frame { event: event.into(), args });
    }

    /// `Handler::SendJson`: nothing leaves without a valid token.
    fn send(&mut self, event: &str, args: Vec<String>) {
        match self.token_valid() {
            Ok(_) => self.raw(event, args),
            Err(e) => self.raw("jwt error", vec![e.to_string()]),
        }
    }

    /// `Handler::SendErrorJson`.
    fn send_error(&mut self, jwt_error: Option<&str>) {
        let id = error_uuid();
        match jwt_error {
            Some(msg) => self.raw("jwt error", vec![format!("Error Event [{id}]: {msg}")]),
            None => self.raw("daemon error", vec![format!("Error Event [{id}]: {GENERIC_ERROR}")]),
        }
    }
}

fn error_uuid() -> String {
    let n = next_serial();
    let h = sha1_hex(format!("{n}-{:?}", Instant::now()).as_bytes());
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

fn stats_json(st: &State, idx: usize) -> String {
    let u = usage(&st.servers[idx], Instant::now());
    serde_json::to_string(&WingsStats {
        memory_bytes: u.memory_bytes,
        memory_limit_bytes: u.memory_limit_bytes,
        cpu_absolute: u.cpu_absolute,
        network: WingsNetwork { rx_bytes: u.rx_bytes, tx_bytes: u.tx_bytes },
        uptime: u.uptime_ms,
        state: u.state.as_str().into(),
        disk_bytes: u.disk_bytes,
    })
    .expect("stats")
}

/// Forgets the socket in the registry when it ends, however it ends.
struct Registered(Arc<Shared>, u64);

impl Drop for Registered {
    fn drop(&mut self) {
        self.0.lock().ws.sockets.remove(&self.1);
    }
}

async fn run(shared: Arc<Shared>, uuid: String, mut socket: WebSocket) {
    let now = Instant::now();
    let id = next_serial();
    let seen_action = {
        let mut st = shared.lock();
        st.ws.sockets.insert(id, (uuid.clone(), false));
        st.ws.actions.last().map_or(0, |(serial, _, _)| *serial)
    };
    let _registered = Registered(shared.clone(), id);
    let mut conn = Conn {
        id,
        uuid,
        jwt: None,
        registered: false,
        generation: 0,
        seen_status: 0,
        seen_console: 0,
        seen_action,
        last_state: PowerState::Offline,
        last_stats: now,
        last_expiry_check: now,
        flood: None,
        end: None,
        frozen: false,
        out: Vec::new(),
    };
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        let flooding = conn.flood.is_some();
        tokio::select! {
            biased;
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) => {
                    // Malformed frames are dropped; the socket stays open.
                    if let Ok(inbound) = serde_json::from_str::<Inbound>(text.as_str()) {
                        let mut st = shared.lock();
                        inbound_event(&mut st, &mut conn, inbound);
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = tick.tick() => {
                let mut st = shared.lock();
                poll(&mut st, &mut conn);
            }
            // While flooding, never wait: write the next batch.
            _ = std::future::ready(()), if flooding => {}
        }
        flood(&mut conn);
        if write_out(&shared, &mut conn, &mut socket).await.is_err() {
            return;
        }
        if conn.frozen {
            // Neither reads (so no pong) nor writes, until the panel goes away.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        match conn.end.take() {
            None => {}
            Some(None) => return,
            Some(Some((code, reason))) => {
                let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                return;
            }
        }
    }
}

/// Writes the pending frames in one flush and records the console lines in the ledger.
async fn write_out(shared: &Shared, conn: &mut Conn, socket: &mut WebSocket) -> Result<(), axum::Error> {
    if conn.out.is_empty() {
        return Ok(());
    }
    let frames = std::mem::take(&mut conn.out);
    for frame in &frames {
        let text = serde_json::to_string(frame).expect("frame");
        socket.feed(Message::Text(text.into())).await?;
    }
    socket.flush().await?;
    // Flood lines are not recorded: they would only fill the ledger.
    if conn.flood.is_none() {
        let lines: Vec<String> = frames
            .into_iter()
            .filter(|f| f.event == "console output")
            .filter_map(|f| f.args.into_iter().next())
            .collect();
        if !lines.is_empty() {
            let mut st = shared.lock();
            let ledger = st.ws.ledger.entry(conn.uuid.clone()).or_default();
            ledger.extend(lines.into_iter().map(|l| (conn.id, l)));
            if ledger.len() > LEDGER_CAP {
                let excess = ledger.len() - LEDGER_CAP;
                ledger.drain(..excess);
            }
        }
    }
    Ok(())
}

/// Queues the next batch of a flood.
fn flood(conn: &mut Conn) {
    let Some((next, last, bytes)) = conn.flood else { return };
    let end = last.min(next + FLOOD_BATCH - 1);
    for n in next..=end {
        let mut line = format!("flood {n:09} ");
        while line.len() < bytes {
            line.push('x');
        }
        conn.send("console output", vec![line]);
    }
    conn.flood = (end < last).then_some((end + 1, last, bytes));
}

/// `Handler::HandleInbound`.
fn inbound_event(st: &mut State, conn: &mut Conn, msg: Inbound) {
    let arg: String = msg.args.unwrap_or_default().into_iter().map(Option::unwrap_or_default).collect();
    if msg.event != "auth" {
        if let Err(e) = conn.token_valid() {
            conn.raw("jwt error", vec![e.to_string()]);
            return;
        }
    }
    let Some(idx) = st.server_by_uuid(&conn.uuid) else {
        return;
    };
    let now = Instant::now();
    match msg.event.as_str() {
        "auth" => {
            let claims = match parse_token(&arg) {
                Ok(c) => c,
                Err(TokenError::Jwt(m)) => return conn.send_error(Some(m)),
                Err(TokenError::Invalid) => return conn.send_error(None),
            };
            let first = conn.jwt.is_none();
            conn.jwt = Some(claims);
            conn.raw("auth success", Vec::new());
            if let Some(entry) = st.ws.sockets.get_mut(&conn.id) {
                entry.1 = true;
            }
            if !first {
                return;
            }
            register(st, conn, idx, now);
            let state = st.servers[idx].power.at(now);
            conn.send("status", vec![state.as_str().into()]);
            if state == PowerState::Offline && st.servers[idx].status.as_deref() != Some("installing") {
                let stats = stats_json(st, idx);
                conn.send("stats", vec![stats]);
            }
        }
        "set state" => {
            let needed = match arg.as_str() {
                "start" => Some("control.start"),
                "stop" | "kill" => Some("control.stop"),
                "restart" => Some("control.restart"),
                _ => None,
            };
            let Some(permission) = needed else {
                return conn.send_error(None);
            };
            let claims = conn.jwt.clone().expect("validated above");
            if !claims.has(permission) {
                return;
            }
            if st.servers[idx].status.is_some() {
                // Suspended or installing: Wings refuses the power action.
                return conn.send_error(None);
            }
            let power = &mut st.servers[idx].power;
            match arg.as_str() {
                "start" => power.start(now),
                "stop" => power.stop(now),
                "restart" => power.restart(now),
                _ => power.kill(now),
            }
            if arg == "start" || arg == "restart" {
                boot_lines(st, idx);
            }
            let server_id = st.servers[idx].id;
            st.record_activity(
                server_id,
                claims.user_id,
                &format!("server:power.{arg}"),
                serde_json::json!({}),
                false,
            );
        }
        "send logs" => {
            if st.servers[idx].power.at(now) == PowerState::Offline {
                return;
            }
            let lines: Vec<String> =
                st.servers[idx].console.iter().filter(|(t, _)| *t <= now).map(|(_, l)| l.clone()).collect();
            let start = lines.len().saturating_sub(150);
            for line in &lines[start..] {
                conn.send("console output", vec![line.clone()]);
            }
        }
        "send stats" => {
            let stats = stats_json(st, idx);
            conn.send("stats", vec![stats]);
        }
        "send command" => {
            let claims = conn.jwt.clone().expect("validated above");
            if !claims.has("control.console") || st.servers[idx].power.at(now) == PowerState::Offline {
                return;
            }
            st.console_line(idx, format!("> {arg}"));
            let server_id = st.servers[idx].id;
            st.record_activity(
                server_id,
                claims.user_id,
                "server:console.command",
                serde_json::json!({ "command": arg }),
                false,
            );
        }
        _ => {}
    }
}

/// Starts following the server's events from now on.
fn register(st: &State, conn: &mut Conn, idx: usize, now: Instant) {
    let s = &st.servers[idx];
    conn.registered = true;
    conn.generation = st.generation;
    conn.seen_status = s.power.visible_len(now);
    conn.seen_console = s.console.iter().filter(|(t, _)| *t <= now).count();
    conn.last_state = s.power.at(now);
    conn.last_stats = now;
    conn.last_expiry_check = now;
}

/// Applies the control actions meant for this socket that it has not seen yet.
fn apply_actions(st: &State, conn: &mut Conn) {
    let new: Vec<Action> = st
        .ws
        .actions
        .iter()
        .filter(|(serial, uuid, _)| *serial > conn.seen_action && *uuid == conn.uuid)
        .map(|(_, _, action)| action.clone())
        .collect();
    conn.seen_action = st.ws.actions.last().map_or(conn.seen_action, |(serial, _, _)| *serial);
    for action in new {
        match action {
            Action::Cut => conn.end = Some(None),
            Action::Close(code, reason) => conn.end = Some(Some((code, reason))),
            Action::Freeze => conn.frozen = true,
            // Wings' listeners only run once the socket is authenticated.
            Action::Emit(event, args) if conn.registered => conn.send(&event, args),
            Action::Flood { lines, bytes } if conn.registered => {
                conn.flood = (lines > 0).then_some((1, lines, bytes));
            }
            Action::Emit(..) | Action::Flood { .. } => {}
        }
        if conn.end.is_some() {
            return;
        }
    }
}

/// Emits what happened on the server since the last poll, periodic stats and token expiry.
fn poll(st: &mut State, conn: &mut Conn) {
    apply_actions(st, conn);
    if !conn.registered || conn.end.is_some() {
        return;
    }
    let Some(idx) = st.server_by_uuid(&conn.uuid) else {
        return;
    };
    let now = Instant::now();
    if conn.generation != st.generation {
        // The panel was reset: start over from the seeded state.
        let previous = conn.last_state;
        register(st, conn, idx, now);
        if conn.last_state != previous {
            conn.send("status", vec![conn.last_state.as_str().into()]);
        }
    }
    let s = &st.servers[idx];
    let visible = s.power.visible_len(now);
    let transitions: Vec<PowerState> =
        s.power.history[conn.seen_status.min(visible)..visible].iter().map(|(_, state)| *state).collect();
    conn.seen_status = visible;
    for state in transitions {
        conn.last_state = state;
        conn.send("status", vec![state.as_str().into()]);
    }
    let lines: Vec<String> = s
        .console
        .iter()
        .skip(conn.seen_console)
        .take_while(|(t, _)| *t <= now)
        .map(|(_, l)| l.clone())
        .collect();
    conn.seen_console += lines.len();
    for line in lines {
        conn.send("console output", vec![line]);
    }
    if s.power.at(now) != PowerState::Offline && now.duration_since(conn.last_stats) >= Duration::from_secs(1)
    {
        conn.last_stats = now;
        let stats = stats_json(st, idx);
        conn.send("stats", vec![stats]);
    }
    let (check_every, warn_before) = st.ws.expiry_timing();
    if now.duration_since(conn.last_expiry_check) >= check_every {
        conn.last_expiry_check = now;
        if let Some(exp) = conn.jwt.as_ref().map(Claims::expires_ms) {
            let left = exp - unix_now_ms();
            if left <= 0 {
                conn.send("token expired", Vec::new());
            } else if left <= warn_before.as_millis() as i64 {
                conn.send("token expiring", Vec::new());
            }
        }
    }
}

// ---- controls -------------------------------------------------------------------------------

/// One `console output` line as the fake's Wings wrote it to a socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentLine {
    /// Which socket it went to (ids grow with every new socket).
    pub socket: u64,
    /// The line.
    pub line: String,
}

/// The open websockets of one server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SocketCount {
    /// Upgraded sockets still open.
    pub open: usize,
    /// Of those, the ones that sent a valid `auth`.
    pub authenticated: usize,
}

/// Resolves an identifier or uuid to the server's uuid.
fn uuid_of(st: &State, server: &str) -> Option<String> {
    st.bind_server(server).map(|i| st.servers[i].uuid.clone())
}

fn console_line_of(shared: &Shared, server: &str, line: String) -> bool {
    let mut st = shared.lock();
    let Some(idx) = st.bind_server(server) else { return false };
    st.console_line(idx, line);
    true
}

/// Starts a ticker thread: `"{prefix} {n}"` on the server's console every `interval`, n from 1.
fn start_ticker(shared: &Arc<Shared>, server: &str, interval: Duration, prefix: String) -> bool {
    let id = next_serial();
    {
        let mut st = shared.lock();
        if st.bind_server(server).is_none() {
            return false;
        }
        st.ws.ticker = if interval.is_zero() { 0 } else { id };
    }
    if interval.is_zero() {
        return true;
    }
    let weak: Weak<Shared> = Arc::downgrade(shared);
    let server = server.to_string();
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut n: u64 = 0;
        loop {
            n += 1;
            // On schedule, not drifting: line n is due at start + n × interval.
            let due = start + interval * (n as u32);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let Some(shared) = weak.upgrade() else { return };
            let mut st = shared.lock();
            if st.ws.ticker != id {
                return;
            }
            let Some(idx) = st.bind_server(&server) else { return };
            st.console_line(idx, format!("{prefix} {n}"));
        }
    });
    true
}

impl FakePanel {
    /// Tokens issued from now on live `ttl` (default 10 minutes). Open sockets check expiry
    /// every `ttl / 20` (at most 30 s) and send `token expiring` once `ttl / 2` (at most 60 s)
    /// or less is left, so a 2 s lifetime gives a warning about a second ahead.
    pub fn set_ws_token_lifetime(&self, ttl: Duration) {
        self.shared.lock().ws.token_ttl = ttl;
    }

    /// Wings' `allowed_origins`: `Origin`s accepted besides the panel URL (`"*"` for any).
    pub fn set_ws_allowed_origins(&self, origins: &[&str]) {
        self.shared.lock().ws.allowed_origins = origins.iter().map(|o| o.to_string()).collect();
    }

    /// Where `server.websocket` says the socket is, e.g. `wss://127.0.0.1:PORT` for the HTTPS
    /// listener of [`FakePanel::tls_url`] (its certificate is for another name); `None`: the
    /// panel's own `ws://` address.
    pub fn set_ws_socket_base(&self, base: Option<&str>) {
        self.shared.lock().ws.socket_base = base.map(str::to_string);
    }

    /// Drops every open websocket of `server` (identifier or uuid) without a close frame, as a
    /// network failure would. Returns false for an unknown server.
    pub fn ws_cut(&self, server: &str) -> bool {
        self.ws_act(server, Action::Cut)
    }

    /// Closes every open websocket of `server` with a close frame (`code`, `reason`).
    pub fn ws_close(&self, server: &str, code: u16, reason: &str) -> bool {
        self.ws_act(server, Action::Close(code, reason.to_string()))
    }

    /// Sends `event` with `args` on every authenticated websocket of `server`, through the token
    /// check like every Wings event (`jwt error` instead once a socket's token has expired).
    pub fn ws_emit(&self, server: &str, event: &str, args: &[&str]) -> bool {
        let args = args.iter().map(|a| a.to_string()).collect();
        self.ws_act(server, Action::Emit(event.to_string(), args))
    }

    /// Makes every open websocket of `server` go silent without closing (no frames, no pongs),
    /// as a connection whose peer vanished does.
    pub fn ws_freeze(&self, server: &str) -> bool {
        self.ws_act(server, Action::Freeze)
    }

    /// Makes every authenticated websocket of `server` write `lines` numbered `console output`
    /// lines (`flood 000000001 xxx…`, `bytes` long) as fast as it can. Not in the ledger.
    pub fn ws_flood(&self, server: &str, lines: u64, bytes: usize) -> bool {
        self.ws_act(server, Action::Flood { lines, bytes })
    }

    fn ws_act(&self, server: &str, action: Action) -> bool {
        act_on(&self.shared, server, action)
    }

    /// Adds a line to the server's console: every authenticated socket of it gets it.
    pub fn console_line(&self, server: &str, line: &str) -> bool {
        console_line_of(&self.shared, server, line.to_string())
    }

    /// Adds `"{prefix} 1"`, `"{prefix} 2"`, … to the server's console every `interval`, until
    /// another ticker starts, `interval` is zero, or the panel is reset.
    pub fn console_ticker(&self, server: &str, interval: Duration, prefix: &str) -> bool {
        start_ticker(&self.shared, server, interval, prefix.to_string())
    }

    /// Every `console output` line written to a websocket of `server`, in the order written
    /// (the most recent 200 000).
    pub fn ws_ledger(&self, server: &str) -> Vec<SentLine> {
        ledger_of(&self.shared, server).unwrap_or_default()
    }

    /// How many websockets of `server` are open, and how many of them authenticated.
    pub fn ws_sockets(&self, server: &str) -> SocketCount {
        sockets_of(&self.shared, server).unwrap_or_default()
    }

    /// Sets the server's status to `suspended` (or back to none) and, on suspension, drops its
    /// websockets as Wings does; reconnecting then gets close code 4409 (and the panel refuses
    /// new tokens with 409).
    pub fn set_suspended(&self, server: &str, suspended: bool) -> bool {
        suspend(&self.shared, server, suspended)
    }
}

fn ledger_of(shared: &Shared, server: &str) -> Option<Vec<SentLine>> {
    let st = shared.lock();
    let uuid = uuid_of(&st, server)?;
    let ledger = st.ws.ledger.get(&uuid);
    Some(
        ledger
            .into_iter()
            .flatten()
            .map(|(socket, line)| SentLine { socket: *socket, line: line.clone() })
            .collect(),
    )
}

fn sockets_of(shared: &Shared, server: &str) -> Option<SocketCount> {
    let st = shared.lock();
    let uuid = uuid_of(&st, server)?;
    let mine = st.ws.sockets.values().filter(|(u, _)| *u == uuid);
    let (open, authenticated) = mine.fold((0, 0), |(o, a), (_, authed)| (o + 1, a + usize::from(*authed)));
    Some(SocketCount { open, authenticated })
}

fn suspend(shared: &Shared, server: &str, suspended: bool) -> bool {
    let mut st = shared.lock();
    let Some(idx) = st.bind_server(server) else { return false };
    st.servers[idx].status = suspended.then(|| "suspended".to_string());
    if suspended {
        let uuid = st.servers[idx].uuid.clone();
        st.ws.act(&uuid, Action::Cut);
    }
    true
}

/// The HTTP form of the controls above, under `/__fake/ws/`.
pub(crate) fn control_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__fake/ws/token_lifetime", post(control_token_lifetime))
        .route("/__fake/ws/allowed_origins", post(control_allowed_origins))
        .route("/__fake/ws/socket_base", post(control_socket_base))
        .route("/__fake/ws/cut", post(control_cut))
        .route("/__fake/ws/close", post(control_close))
        .route("/__fake/ws/emit", post(control_emit))
        .route("/__fake/ws/flood", post(control_flood))
        .route("/__fake/ws/freeze", post(control_freeze))
        .route("/__fake/ws/console", post(control_console))
        .route("/__fake/ws/ticker", post(control_ticker))
        .route("/__fake/ws/suspend", post(control_suspend))
        .route("/__fake/ws/ledger", get(control_ledger))
        .route("/__fake/ws/sockets", get(control_sockets))
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, (StatusCode, String)> {
    serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid control body: {e}\n")))
}

/// 204 when the server exists, 404 otherwise.
fn done(found: bool) -> Response {
    if found {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (StatusCode::NOT_FOUND, "no such server\n").into_response()
    }
}

fn act_on(shared: &Shared, server: &str, action: Action) -> bool {
    let mut st = shared.lock();
    let Some(uuid) = uuid_of(&st, server) else { return false };
    st.ws.act(&uuid, action);
    true
}

fn act(shared: &Shared, server: &str, action: Action) -> Response {
    done(act_on(shared, server, action))
}

#[derive(Deserialize)]
struct LifetimeBody {
    ttl_ms: u64,
}

async fn control_token_lifetime(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<LifetimeBody>(&body) {
        Ok(b) => {
            shared.lock().ws.token_ttl = Duration::from_millis(b.ttl_ms.max(1));
            done(true)
        }
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct OriginsBody {
    origins: Vec<String>,
}

async fn control_allowed_origins(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<OriginsBody>(&body) {
        Ok(b) => {
            shared.lock().ws.allowed_origins = b.origins;
            done(true)
        }
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct SocketBaseBody {
    base: Option<String>,
}

async fn control_socket_base(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<SocketBaseBody>(&body) {
        Ok(b) => {
            shared.lock().ws.socket_base = b.base;
            done(true)
        }
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct ServerBody {
    server: String,
}

async fn control_cut(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<ServerBody>(&body) {
        Ok(b) => act(&shared, &b.server, Action::Cut),
        Err(r) => r.into_response(),
    }
}

async fn control_freeze(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<ServerBody>(&body) {
        Ok(b) => act(&shared, &b.server, Action::Freeze),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct CloseBody {
    server: String,
    code: u16,
    #[serde(default)]
    reason: String,
}

async fn control_close(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<CloseBody>(&body) {
        Ok(b) => act(&shared, &b.server, Action::Close(b.code, b.reason)),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct EmitBody {
    server: String,
    event: String,
    #[serde(default)]
    args: Vec<String>,
}

async fn control_emit(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<EmitBody>(&body) {
        Ok(b) => act(&shared, &b.server, Action::Emit(b.event, b.args)),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct FloodBody {
    server: String,
    lines: u64,
    #[serde(default = "default_flood_bytes")]
    bytes: usize,
}

fn default_flood_bytes() -> usize {
    80
}

async fn control_flood(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<FloodBody>(&body) {
        Ok(b) => act(&shared, &b.server, Action::Flood { lines: b.lines, bytes: b.bytes }),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct ConsoleBody {
    server: String,
    lines: Vec<String>,
}

async fn control_console(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<ConsoleBody>(&body) {
        Ok(b) => done(b.lines.into_iter().all(|line| console_line_of(&shared, &b.server, line))),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct TickerBody {
    server: String,
    interval_ms: u64,
    #[serde(default = "default_prefix")]
    prefix: String,
}

fn default_prefix() -> String {
    "line".into()
}

async fn control_ticker(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<TickerBody>(&body) {
        Ok(b) => done(start_ticker(&shared, &b.server, Duration::from_millis(b.interval_ms), b.prefix)),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct SuspendBody {
    server: String,
    suspended: bool,
}

async fn control_suspend(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<SuspendBody>(&body) {
        Ok(b) => done(suspend(&shared, &b.server, b.suspended)),
        Err(r) => r.into_response(),
    }
}

#[derive(Deserialize)]
struct ServerQuery {
    server: String,
}

async fn control_ledger(AxumState(shared): AxumState<Arc<Shared>>, Query(q): Query<ServerQuery>) -> Response {
    match ledger_of(&shared, &q.server) {
        Some(lines) => axum::Json(lines).into_response(),
        None => done(false),
    }
}

async fn control_sockets(
    AxumState(shared): AxumState<Arc<Shared>>,
    Query(q): Query<ServerQuery>,
) -> Response {
    match sockets_of(&shared, &q.server) {
        Some(count) => axum::Json(count).into_response(),
        None => done(false),
    }
}
