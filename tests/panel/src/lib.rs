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
        let base_url = format!("http://127.0.0.1:{port}");
        let shared = Arc::new(Shared { state: Mutex::new(State::seeded(base_url.clone())), base_url });
        let app = router(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new().name(format!("fake-panel-{port}")).spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime for the fake panel");
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(_) => return,
                };
                // No graceful shutdown: a slow request or an open websocket must not
                // keep a test waiting. Dropping the runtime cancels everything.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
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

    /// Back to the seeded state; also clears faults and the request log.
    pub fn reset(&self) {
        let mut st = self.shared.lock();
        st.reset();
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
        .route("/api/servers/{uuid}/ws", get(ws::handler))
        .route("/download/file", get(files::download_file))
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
    shared.lock().requests.push(RecordedRequest {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        headers: headers.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
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
    StatusCode::NO_CONTENT
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
