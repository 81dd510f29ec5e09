//! The Wings side: websocket tokens and `GET /api/servers/{uuid}/ws`.
//!
//! Behaviour follows `router/websocket/websocket.go` in pterodactyl/wings: in-band `auth`,
//! `auth success` then `status` (and `stats` when offline) on the first auth only, every
//! outgoing event gated by the token's validity (`jwt error` otherwise), malformed frames
//! ignored.

use crate::api::usage;
use crate::model::{WingsNetwork, WingsStats};
use crate::state::{PowerState, State};
use crate::util::{sha1_hex, sha1_raw, unix_now};
use crate::Shared;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The node's token key; the fake signs with a keyed SHA-1, which is enough to detect tampering.
const NODE_SECRET: &[u8] = b"fake-panel-node-token-secret";
/// Tokens live 10 minutes, as `WebsocketController` issues them.
const TOKEN_TTL_SECS: i64 = 600;
const GENERIC_ERROR: &str = "an unexpected error was encountered while handling this request";

/// Claims of the websocket JWT (`NodeJWTService` + `WebsocketController`).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Claims {
    pub iss: String,
    pub aud: Vec<String>,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
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

/// Issues the token `GET /servers/{server}/websocket` returns.
pub fn issue_token(st: &mut State, idx: usize, user: u32) -> String {
    st.token_counter += 1;
    let now = unix_now();
    let server = &st.servers[idx];
    let u = st.user(user);
    let claims = Claims {
        iss: st.base_url.clone(),
        aud: vec![st.base_url.clone()],
        jti: sha1_hex(format!("{}{}", user, server.uuid).as_bytes())[..32].to_string(),
        iat: now,
        nbf: now - 300,
        exp: now + TOKEN_TTL_SECS,
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
    if claims.exp <= unix_now() {
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
    let exists = shared.lock().server_by_uuid(&uuid).is_some();
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
    let origin = headers.get("origin").and_then(|o| o.to_str().ok());
    if origin != Some(shared.base_url.as_str()) {
        return (StatusCode::FORBIDDEN, [("sec-websocket-version", "13")], "Forbidden\n").into_response();
    }
    upgrade.on_upgrade(move |socket| run(shared, uuid, socket))
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
    uuid: String,
    jwt: Option<Claims>,
    registered: bool,
    generation: u64,
    seen_status: usize,
    seen_console: usize,
    last_state: PowerState,
    last_stats: Instant,
    last_expiry_check: Instant,
    out: Vec<Frame>,
}

impl Conn {
    /// `Handler::TokenValid`.
    fn token_valid(&self) -> Result<&Claims, &'static str> {
        let j = self.jwt.as_ref().ok_or("jwt: no jwt present")?;
        if j.exp <= unix_now() {
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
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
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

async fn run(shared: Arc<Shared>, uuid: String, mut socket: WebSocket) {
    let now = Instant::now();
    let mut conn = Conn {
        uuid,
        jwt: None,
        registered: false,
        generation: 0,
        seen_status: 0,
        seen_console: 0,
        last_state: PowerState::Offline,
        last_stats: now,
        last_expiry_check: now,
        out: Vec::new(),
    };
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        tokio::select! {
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
        }
        for frame in std::mem::take(&mut conn.out) {
            let text = serde_json::to_string(&frame).expect("frame");
            if socket.send(Message::Text(text.into())).await.is_err() {
                return;
            }
        }
    }
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

/// Emits what happened on the server since the last poll, periodic stats and token expiry.
fn poll(st: &mut State, conn: &mut Conn) {
    if !conn.registered {
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
    if now.duration_since(conn.last_expiry_check) >= Duration::from_secs(30) {
        conn.last_expiry_check = now;
        if let Some(exp) = conn.jwt.as_ref().map(|j| j.exp) {
            let left = exp - unix_now();
            if left <= 0 {
                conn.send("token expired", Vec::new());
            } else if left <= 60 {
                conn.send("token expiring", Vec::new());
            }
        }
    }
}
