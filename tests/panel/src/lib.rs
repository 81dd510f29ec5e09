//! A fake Pterodactyl panel (Client API) and Wings websocket on loopback, for tests.
//!
//! It is an independent witness: it shares no code or models with the client crate and
//! writes the panel's JSON from its own types (see `model`). The seeded state, the keys and
//! the controls are documented in `tests/panel/README.md`.
//!
//! ```no_run
//! use fake_panel::{FakePanel, OWNER_KEY};
//!
//! let panel = FakePanel::start();
//! let url = format!("{}/api/client", panel.base_url());
//! // ... point a client at `url` with `Authorization: Bearer {OWNER_KEY}` ...
//! assert!(panel.requests().is_empty());
//! # let _ = (url, OWNER_KEY);
//! ```

mod account;
mod api;
mod backups;
mod databases;
mod faults;
mod files;
mod model;
mod schedules;
mod state;
mod subusers;
mod util;
mod validate;
mod ws;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use state::State;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

/// Client key of `owner`, who owns servers 1–5. 48 characters: `ptlc_` + 11 + 32.
pub const OWNER_KEY: &str = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001";
/// Client key of `helper`, a subuser of `d3aac109` with limited permissions.
pub const SUBUSER_KEY: &str = "ptlc_helperkey01S3cretHelperKeyForTheFakePanel01";
/// An application (`ptla_`) key: 403 on every client route.
pub const APPLICATION_KEY: &str = "ptla_appkey00001S3cretApplicationKeyForFakePanel";
/// Client key of `manager`, a subuser of `d3aac109` who may manage subusers and backups.
pub const MANAGER_KEY: &str = "ptlc_managerkey1S3cretManagerKeyForTheFakePanel1";

pub use account::{HELPER_PASSWORD, MANAGER_PASSWORD, OWNER_PASSWORD, STRANGER_PASSWORD, TWO_FACTOR_CODE};
pub use faults::{Fault, TLS_CA_PEM};
pub use files::{backup_seed, fill_generated, generated_word, FileInfo};
pub use ws::{SentLine, SocketCount};

/// The body the fake answers with when a path is set to HTML (and on `/auth/login`).
const LOGIN_HTML: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pterodactyl</title></head><body><div id=\"app\"><h1>Login</h1><form method=\"post\" action=\"/auth/login\"></form></div></body></html>";

/// One request received under `/api/client`, as it arrived.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path, still percent-encoded, e.g. `/api/client/servers/d3aac109`.
    pub path: String,
    /// The raw query string (percent-encoded), without the `?`.
    pub query: Option<String>,
    /// Every header, with lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body, decoded as UTF-8 (lossily).
    pub body: String,
}

impl RecordedRequest {
    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn to_json(&self) -> serde_json::Value {
        let mut headers = serde_json::Map::new();
        for (k, v) in &self.headers {
            match headers.get_mut(k) {
                Some(serde_json::Value::String(existing)) => {
                    existing.push_str(", ");
                    existing.push_str(v);
                }
                _ => {
                    headers.insert(k.clone(), serde_json::Value::String(v.clone()));
                }
            }
        }
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": self.body,
        })
    }
}

pub(crate) struct Shared {
    state: Mutex<State>,
    base_url: String,
    /// `https://127.0.0.1:PORT` of the listener with the wrong-name certificate (`faults.rs`).
    tls_url: String,
    /// Whether requests are kept in the log (off for long soak runs; `reset` turns it on).
    recording: AtomicBool,
    /// Requests received under `/api/client` since the start, recorded or not.
    requests_total: AtomicU64,
    /// TCP connections the HTTPS listener accepted, whether the TLS handshake then succeeded
    /// or not: how often a client tried it (a refused certificate never reaches HTTP).
    tls_connections: Arc<AtomicU64>,
}

impl Shared {
    /// The state, even if a panicking handler poisoned the lock.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake panel. Dropping it shuts the server down.
pub struct FakePanel {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakePanel {
    /// Starts on `127.0.0.1` with a random free port; returns once the socket is listening.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub fn start() -> FakePanel {
        FakePanel::start_on(0).expect("bind 127.0.0.1:0 for the fake panel")
    }

    /// Starts on `127.0.0.1:port` (0 picks a free port). Used by the `fake-panel` binary.
    pub fn start_on(port: u16) -> std::io::Result<FakePanel> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let tls_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        tls_listener.set_nonblocking(true)?;
        let tls_url = format!("https://127.0.0.1:{}", tls_listener.local_addr()?.port());
        let base_url = format!("http://127.0.0.1:{port}");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::seeded(base_url.clone())),
            base_url,
            tls_url,
            recording: AtomicBool::new(true),
            requests_total: AtomicU64::new(0),
            tls_connections: Arc::new(AtomicU64::new(0)),
        });
        let app = router(shared.clone());
        let tls_connections = shared.tls_connections.clone();
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name(format!("fake-panel-{port}")).spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime for the fake panel");
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => faults::ResettableListener(l),
                    Err(_) => return,
                };
                let tls = match tokio::net::TcpListener::from_std(tls_listener)
                    .and_then(|tcp| faults::TlsListener::new(tcp, tls_connections))
                {
                    Ok(l) => l,
                    Err(_) => return,
                };
                let https = app.clone().into_make_service_with_connect_info::<faults::Conn>();
                let app = app.into_make_service_with_connect_info::<faults::Conn>();
                // No graceful shutdown: a slow request or an open websocket must not
                // keep a test waiting. Dropping the runtime cancels everything.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = axum::serve(tls, https) => {}
                    _ = rx => {}
                }
            });
        })?;
        Ok(FakePanel { shared, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash. The API is under `/api/client`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Back to the seeded state; also clears faults and the request log, and turns recording
    /// back on.
    pub fn reset(&self) {
        let mut st = self.shared.lock();
        st.reset();
        self.shared.recording.store(true, Ordering::SeqCst);
    }

    /// Requests whose path contains `path_contains` get `fault` instead of the panel's answer
    /// (see [`Fault`]); they are still recorded. Replaces a fault set for the same string.
    pub fn set_fault(&self, path_contains: &str, fault: Fault) {
        let mut st = self.shared.lock();
        st.faults.injected.retain(|(p, _)| p != path_contains);
        st.faults.injected.push((path_contains.to_string(), fault));
    }

    /// `https://127.0.0.1:PORT`: the same routes over TLS, with a certificate that
    /// [`TLS_CA_PEM`] issued for `panel.wrong-name.test`, so any client that checks the name
    /// refuses it.
    pub fn tls_url(&self) -> &str {
        &self.shared.tls_url
    }

    /// TCP connections made to [`FakePanel::tls_url`] since the start, handshake refused or not.
    pub fn tls_connections(&self) -> u64 {
        self.shared.tls_connections.load(Ordering::SeqCst)
    }

    /// Whether requests are kept in [`FakePanel::requests`] (on by default and after `reset`).
    /// A soak run turns it off so that the log does not grow for millions of calls.
    pub fn set_recording(&self, on: bool) {
        self.shared.recording.store(on, Ordering::SeqCst);
    }

    /// How many requests arrived under `/api/client` since the panel started, recorded or not.
    pub fn requests_total(&self) -> u64 {
        self.shared.requests_total.load(Ordering::SeqCst)
    }

    /// Requests whose path contains `path_contains` sleep for `delay` before being handled.
    pub fn set_slow(&self, path_contains: &str, delay: Duration) {
        self.shared.lock().set_slow(path_contains, delay);
    }

    /// Requests whose path contains `path_contains` get a 200 `text/html` login page.
    pub fn set_html(&self, path_contains: &str) {
        self.shared.lock().set_html(path_contains);
    }

    /// Replaces the throttle: `limit` requests per API key per fixed `window`.
    pub fn set_rate_limit(&self, limit: u32, window: Duration) {
        self.shared.lock().set_rate_limit(limit, window);
    }

    /// Every request received under `/api/client`, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Removes slow and HTML faults and restores the default throttle (720 per 60 s).
    pub fn clear_faults(&self) {
        self.shared.lock().clear_faults();
    }

    /// Signed URLs issued from now on live `lifetime` (whole seconds; 0: already expired when
    /// issued). `reset()` restores the panel's 15 minutes.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.lock().files.token_ttl_secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    }

    /// Wings' `api.upload_limit` in MB (default 100, restored by `reset()`).
    pub fn set_upload_limit_mb(&self, mb: u64) {
        self.shared.lock().files.upload_limit_mb = mb;
    }

    /// A fault: Wings breaks the connection of every download and upload after `bytes` bytes of
    /// its body (`None` turns it off, as does `reset()`).
    pub fn cut_transfers_after(&self, bytes: Option<u64>) {
        self.shared.lock().files.cut_after = bytes;
    }

    /// A fault: the next `count` signed URLs the panel hands out point at a loopback port where
    /// nothing listens (a Wings that is down), so a client's retry must ask for a fresh URL.
    pub fn set_unreachable_urls(&self, count: u32) {
        self.shared.lock().files.unreachable_urls = count;
    }

    /// Puts `size` bytes of generated content ([`fill_generated`] with `seed`) at `path` of
    /// server `server` (its identifier or uuid); the fake never holds them in memory.
    ///
    /// # Panics
    /// If the server is unknown or the path cannot be written (a directory is in the way).
    pub fn add_generated_file(&self, server: &str, path: &str, size: u64, seed: u64) {
        let added = files::add_generated(&mut self.shared.lock(), server, path, size, seed);
        assert!(added, "cannot put a generated file at {path:?} of {server:?}");
    }

    /// What the fake holds at `path` of `server`: size, and whether it is generated content.
    pub fn file_info(&self, server: &str, path: &str) -> Option<FileInfo> {
        files::file_info(&mut self.shared.lock(), server, path)
    }

    /// Every request the fake Wings received (`/download/file`, `/download/backup`,
    /// `/upload/file`), oldest first, with its headers (body not kept).
    pub fn wings_requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().files.wings_log.clone()
    }
}

impl Drop for FakePanel {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__fake/reset", post(control_reset))
        .route("/__fake/slow", post(control_slow))
        .route("/__fake/html", post(control_html))
        .route("/__fake/rate_limit", post(control_rate_limit))
        .route("/__fake/clear_faults", post(control_clear_faults))
        .route("/__fake/requests", get(control_requests))
        .route("/__fake/wings", post(control_wings))
        .route("/__fake/wings_requests", get(control_wings_requests))
        .route("/__fake/generated_file", post(control_generated_file))
        .route("/__fake/file_info", get(control_file_info))
        .route("/__fake/fault", post(control_fault))
        .route("/__fake/tls", get(control_tls))
        .route("/__fake/record", post(control_record))
        .route("/__fake/count", get(control_count))
        .route("/api/servers/{uuid}/ws", get(ws::handler))
        .merge(ws::control_routes())
        .route("/download/file", get(files::download_file))
        .route("/download/backup", get(files::download_backup))
        .route("/upload/file", post(files::upload_file))
        .route("/auth/login", get(login_page))
        .fallback(fallback)
        .with_state(shared)
}

/// Applies slow and HTML faults for `path`; `Some` is the response to send instead.
pub(crate) async fn apply_faults(shared: &Shared, path: &str) -> Option<Response> {
    let (delay, html) = {
        let st = shared.lock();
        let delay = st.faults.slow.iter().filter(|(p, _)| path.contains(p.as_str())).map(|(_, d)| *d).max();
        let html = st.faults.html.iter().any(|p| path.contains(p.as_str()));
        (delay, html)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    html.then(login_page_response)
}

fn login_page_response() -> Response {
    (StatusCode::OK, [("content-type", "text/html; charset=UTF-8")], LOGIN_HTML).into_response()
}

async fn login_page() -> Response {
    login_page_response()
}

async fn fallback(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if path != "/api/client" && !path.starts_with("/api/client/") {
        return (StatusCode::NOT_FOUND, "Not Found\n").into_response();
    }
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let method = parts.method.as_str().to_ascii_uppercase();
    let query = parts.uri.query().map(String::from);
    shared.requests_total.fetch_add(1, Ordering::SeqCst);
    let injected = {
        let mut st = shared.lock();
        if shared.recording.load(Ordering::SeqCst) {
            st.requests.push(RecordedRequest {
                method: method.clone(),
                path: path.clone(),
                query: query.clone(),
                headers: headers.clone(),
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        st.faults.injected.iter().find(|(p, _)| path.contains(p.as_str())).map(|(_, f)| f.clone())
    };
    if let Some(fault) = injected {
        let conn = parts.extensions.get::<axum::extract::ConnectInfo<faults::Conn>>().map(|c| &c.0);
        return faults::respond(&fault, conn).await;
    }
    if let Some(response) = apply_faults(&shared, &path).await {
        return response;
    }
    let reply = {
        let mut st = shared.lock();
        api::handle(
            &mut st,
            &api::ApiRequest {
                method: &method,
                path: &path,
                query: query.as_deref(),
                headers: &headers,
                body: &body,
            },
        )
    };
    into_response(reply)
}

fn into_response(reply: api::Reply) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(ct) = reply.content_type {
        headers.insert("content-type", HeaderValue::from_static(ct));
    }
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
        {
            headers.append(name, value);
        }
    }
    response
}

/// Parses a JSON control body and applies it to the state: 204, or 400 for a bad body.
fn control<T: for<'de> Deserialize<'de>>(
    shared: &Shared,
    body: &Bytes,
    apply: impl FnOnce(&mut State, T),
) -> Response {
    match serde_json::from_slice::<T>(body) {
        Ok(parsed) => {
            apply(&mut shared.lock(), parsed);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid control body: {e}\n")).into_response(),
    }
}

async fn control_reset(AxumState(shared): AxumState<Arc<Shared>>) -> StatusCode {
    shared.lock().reset();
    shared.recording.store(true, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct FaultBody {
    path_contains: String,
    #[serde(flatten)]
    fault: Fault,
}

async fn control_fault(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    control(&shared, &body, |st, b: FaultBody| {
        st.faults.injected.retain(|(p, _)| *p != b.path_contains);
        st.faults.injected.push((b.path_contains, b.fault));
    })
}

async fn control_tls(AxumState(shared): AxumState<Arc<Shared>>) -> Response {
    axum::Json(serde_json::json!({
        "url": shared.tls_url,
        "ca_pem": TLS_CA_PEM,
        "connections": shared.tls_connections.load(Ordering::SeqCst),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct RecordBody {
    enabled: bool,
}

async fn control_record(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<RecordBody>(&body) {
        Ok(b) => {
            shared.recording.store(b.enabled, Ordering::SeqCst);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid control body: {e}\n")).into_response(),
    }
}

async fn control_count(AxumState(shared): AxumState<Arc<Shared>>) -> Response {
    axum::Json(serde_json::json!({"total": shared.requests_total.load(Ordering::SeqCst)})).into_response()
}

#[derive(Deserialize)]
struct SlowBody {
    path_contains: String,
    delay_ms: u64,
}

async fn control_slow(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    control(&shared, &body, |st, b: SlowBody| {
        st.set_slow(&b.path_contains, Duration::from_millis(b.delay_ms))
    })
}

#[derive(Deserialize)]
struct HtmlBody {
    path_contains: String,
}

async fn control_html(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    control(&shared, &body, |st, b: HtmlBody| st.set_html(&b.path_contains))
}

#[derive(Deserialize)]
struct RateLimitBody {
    limit: u32,
    window_ms: u64,
}

async fn control_rate_limit(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    control(&shared, &body, |st, b: RateLimitBody| {
        st.set_rate_limit(b.limit, Duration::from_millis(b.window_ms))
    })
}

async fn control_clear_faults(AxumState(shared): AxumState<Arc<Shared>>) -> StatusCode {
    shared.lock().clear_faults();
    StatusCode::NO_CONTENT
}

async fn control_requests(AxumState(shared): AxumState<Arc<Shared>>) -> Response {
    let list: Vec<serde_json::Value> = shared.lock().requests.iter().map(RecordedRequest::to_json).collect();
    axum::Json(list).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WingsBody {
    token_ttl_secs: Option<u64>,
    upload_limit_mb: Option<u64>,
    /// Absent: unchanged; `null`: no cut; a number: cut after that many bytes.
    #[serde(default, deserialize_with = "present")]
    cut_after_bytes: Option<Option<u64>>,
    unreachable_urls: Option<u32>,
}

/// Tells a key given as `null` (`Some(None)`) from a missing one (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

async fn control_wings(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    control(&shared, &body, |st, b: WingsBody| {
        if let Some(ttl) = b.token_ttl_secs {
            st.files.token_ttl_secs = i64::try_from(ttl).unwrap_or(i64::MAX);
        }
        if let Some(mb) = b.upload_limit_mb {
            st.files.upload_limit_mb = mb;
        }
        if let Some(cut) = b.cut_after_bytes {
            st.files.cut_after = cut;
        }
        if let Some(count) = b.unreachable_urls {
            st.files.unreachable_urls = count;
        }
    })
}

async fn control_wings_requests(AxumState(shared): AxumState<Arc<Shared>>) -> Response {
    let list: Vec<serde_json::Value> =
        shared.lock().files.wings_log.iter().map(RecordedRequest::to_json).collect();
    axum::Json(list).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneratedFileBody {
    server: String,
    path: String,
    size: u64,
    seed: u64,
}

async fn control_generated_file(AxumState(shared): AxumState<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<GeneratedFileBody>(&body) {
        Ok(b) if files::add_generated(&mut shared.lock(), &b.server, &b.path, b.size, b.seed) => {
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(b) => (StatusCode::BAD_REQUEST, format!("cannot put a generated file at {:?}\n", b.path))
            .into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, format!("invalid control body: {e}\n")).into_response(),
    }
}

async fn control_file_info(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    let query = util::parse_query(req.uri().query());
    let get = |key: &str| query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("");
    match files::file_info(&mut shared.lock(), get("server"), get("path")) {
        Some(info) => axum::Json(info).into_response(),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}
