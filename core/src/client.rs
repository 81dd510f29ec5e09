//! [`Client`], [`ClientBuilder`] and the one place where requests are sent.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result, Secret};
use crate::exec::{Call, Step};
use crate::ops::{self, Operation};
use crate::request;
use crate::shape;
use crate::transport::Transport;

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest answer accepted (64 MiB): see [`ClientBuilder::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// Default number of async calls one client runs at once: see [`ClientBuilder::max_in_flight`].
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// When and how often a request is tried again.
///
/// * A `GET` answered with 429 waits `Retry-After` (or a short back-off when the panel gave
///   none) and is tried again, while both `max_retries` and `max_total_wait` allow it.
/// * A request whose connection could not be established (refused, DNS failure) never left the
///   machine, so it is tried again whatever its method.
/// * `POST`, `PUT` and `DELETE` are never repeated once they may have reached the panel: a power
///   signal or a command must not run twice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// How many times one call may be retried (0 turns retries off).
    pub max_retries: u32,
    /// The most one call may spend waiting between tries, in total. A `Retry-After` beyond what
    /// is left is not waited for: the call fails with [`Error::RateLimited`] at once.
    pub max_total_wait: Duration,
    /// The first back-off after a connection failure (doubled on each try).
    pub initial_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_total_wait: Duration::from_secs(60),
            initial_backoff: Duration::from_millis(200),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// Sets [`RetryPolicy::max_retries`].
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`RetryPolicy::max_total_wait`].
    pub fn max_total_wait(mut self, d: Duration) -> Self {
        self.max_total_wait = d;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`].
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }
}

/// The panel's rate-limit headers from the most recent answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed per window.
    pub limit: u32,
    /// `X-RateLimit-Remaining`: requests left in the current window.
    pub remaining: u32,
}

/// The most recent [`RateLimit`] of a client, written by every call on every thread: one atomic
/// word (`limit` high, `remaining` low, [`LastRateLimit::NONE`] before any), so that calls
/// running at once never wait for each other on a lock.
pub(crate) struct LastRateLimit(AtomicU64);

impl LastRateLimit {
    /// No answer carried the headers yet. (`u32::MAX` requests per window is never a limit.)
    const NONE: u64 = u64::MAX;

    pub(crate) fn new() -> LastRateLimit {
        LastRateLimit(AtomicU64::new(Self::NONE))
    }

    pub(crate) fn set(&self, r: RateLimit) {
        self.0.store(u64::from(r.limit) << 32 | u64::from(r.remaining), Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> Option<RateLimit> {
        match self.0.load(Ordering::Relaxed) {
            Self::NONE => None,
            word => Some(RateLimit { limit: (word >> 32) as u32, remaining: word as u32 }),
        }
    }
}

/// The builder's settings as one JSON object, so the C and Python fronts read them the same way:
/// `{"timeout_ms": 30000, "connect_timeout_ms": 10000, "user_agent": "...", "ca_cert_pem":
/// "-----BEGIN CERTIFICATE-----...", "accept_invalid_certs": false, "max_retries": 3,
/// "max_retry_wait_ms": 60000, "max_response_bytes": 67108864, "max_in_flight": 64}`. Every key is
/// optional; an unknown key is refused, and so is a timeout, answer limit or in-flight bound of 0.
///
/// TLS: the operating system's trust store and the bundled Mozilla (webpki) roots are trusted,
/// plus `ca_cert_pem` when given.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientOptions {
    /// [`ClientBuilder::timeout`] in milliseconds.
    pub timeout_ms: Option<u64>,
    /// [`ClientBuilder::connect_timeout`] in milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// [`ClientBuilder::user_agent`].
    pub user_agent: Option<String>,
    /// [`ClientBuilder::add_root_certificate_pem`].
    pub ca_cert_pem: Option<String>,
    /// [`ClientBuilder::danger_accept_invalid_certs`].
    pub accept_invalid_certs: Option<bool>,
    /// [`RetryPolicy::max_retries`].
    pub max_retries: Option<u32>,
    /// [`RetryPolicy::max_total_wait`] in milliseconds.
    pub max_retry_wait_ms: Option<u64>,
    /// [`ClientBuilder::max_response_bytes`].
    pub max_response_bytes: Option<u64>,
    /// [`ClientBuilder::max_in_flight`].
    pub max_in_flight: Option<u32>,
}

impl ClientOptions {
    /// Reads the options from a JSON object (`null` or `{}` for the defaults). A refusal names
    /// what it could not read; a front holding the API key reads them with
    /// [`ClientBuilder::options_json`], which keeps the key out of that refusal.
    pub fn from_json(value: Value) -> Result<ClientOptions> {
        if value.is_null() {
            return Ok(ClientOptions::default());
        }
        serde_json::from_value(value).map_err(|e| Error::invalid(format!("bad client options: {e}")))
    }
}

/// Builds a [`Client`].
///
/// Certificates: a panel's certificate is checked against the operating system's trust store
/// (so a company CA installed system-wide works) and the bundled Mozilla roots (webpki-roots,
/// for systems without a usable store), plus any root added with
/// [`ClientBuilder::add_root_certificate_pem`].
///
/// ```no_run
/// use std::time::Duration;
/// let client = pterodactyl_client::Client::builder("https://panel.example.com", "ptlc_...")
///     .timeout(Duration::from_secs(15))
///     .build()?;
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    panel_url: String,
    api_key: Secret,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    ca_pems: Vec<Vec<u8>>,
    accept_invalid_certs: bool,
    retry: RetryPolicy,
    max_response_bytes: u64,
    max_in_flight: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("panel_url", &self.panel_url)
            .field("api_key", &self.api_key)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("extra_ca_certs", &self.ca_pems.len())
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}

impl ClientBuilder {
    fn new(panel_url: &str, api_key: &str) -> Self {
        ClientBuilder {
            panel_url: panel_url.to_owned(),
            api_key: Secret(api_key.to_owned()),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: concat!("pterodactyl-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            ca_pems: Vec::new(),
            accept_invalid_certs: false,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Time allowed for a whole request, answer included (default 30 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The `User-Agent` header (default `pterodactyl-client/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Trusts one more root certificate (PEM), for self-hosted panels with their own CA. The
    /// operating system's trust store and the bundled web roots stay trusted.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pems.push(pem.into());
        self
    }

    /// Turns certificate checks off. Anyone on the path can then read the API key: use this only
    /// against a test panel you control.
    pub fn danger_accept_invalid_certs(mut self, yes: bool) -> Self {
        self.accept_invalid_certs = yes;
        self
    }

    /// The retry policy (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest answer accepted, in bytes (default 64 MiB). A larger answer fails with
    /// [`Error::TooLarge`]: at once when the panel announces its length, otherwise as soon as
    /// that many bytes have arrived, so a runaway answer never fills the memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How many calls of the [`AsyncClient`](crate::AsyncClient) (and of the C front's
    /// submitted calls) may be in flight at once, over all its clones (default 64). A call
    /// beyond it waits for a free place ([`AsyncClient::try_call_raw`](crate::AsyncClient::try_call_raw)
    /// and `ptero_call_submit` refuse at once instead, with [`Error::Busy`]). Blocking calls are
    /// not counted.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n;
        self
    }

    /// [`ClientOptions::from_json`], then [`ClientBuilder::options`]: the options as a
    /// front receives them (the C surface's `options_json`). A refusal never shows the API key,
    /// even where the options quote it (a field named after it, a value holding it).
    pub fn options_json(self, options: Value) -> Result<Self> {
        match ClientOptions::from_json(options) {
            Ok(o) => Ok(self.options(&o)),
            Err(e) => Err(crate::exec::scrub_error_of_key(&self.api_key.0, e)),
        }
    }

    /// Applies every option that is set.
    pub fn options(mut self, o: &ClientOptions) -> Self {
        if let Some(ms) = o.timeout_ms {
            self.timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = o.connect_timeout_ms {
            self.connect_timeout = Duration::from_millis(ms);
        }
        if let Some(ua) = &o.user_agent {
            self.user_agent = ua.clone();
        }
        if let Some(pem) = &o.ca_cert_pem {
            self.ca_pems.push(pem.clone().into_bytes());
        }
        if let Some(yes) = o.accept_invalid_certs {
            self.accept_invalid_certs = yes;
        }
        if let Some(n) = o.max_retries {
            self.retry.max_retries = n;
        }
        if let Some(ms) = o.max_retry_wait_ms {
            self.retry.max_total_wait = Duration::from_millis(ms);
        }
        if let Some(limit) = o.max_response_bytes {
            self.max_response_bytes = limit;
        }
        if let Some(n) = o.max_in_flight {
            self.max_in_flight = n as usize;
        }
        self
    }

    /// Checks the settings and builds the client. Fails with [`Error::InvalidInput`] for a URL
    /// that is not `http(s)://host[:port][/prefix]`, an empty or non-ASCII key, a bad PEM, or a
    /// timeout, answer limit or in-flight bound of 0 (which would make every call fail).
    pub fn build(self) -> Result<Client> {
        let base = api_base(&self.panel_url)?;
        for (zero, name) in [
            (self.timeout.is_zero(), "timeout (`timeout_ms`)"),
            (self.connect_timeout.is_zero(), "connect timeout (`connect_timeout_ms`)"),
            (self.max_response_bytes == 0, "answer limit (`max_response_bytes`)"),
            (self.max_in_flight == 0, "in-flight bound (`max_in_flight`)"),
        ] {
            if zero {
                return Err(Error::invalid(format!("the {name} must be more than 0")));
            }
        }
        let key = self.api_key.0.trim();
        if key.is_empty() {
            return Err(Error::invalid("the API key is empty"));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| Error::invalid("the API key may only contain visible ASCII characters"))?;
        auth.set_sensitive(true);

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let mut certs = Vec::new();
        for pem in &self.ca_pems {
            let bundle = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| Error::invalid("the extra CA certificate is not valid PEM"))?;
            if bundle.is_empty() {
                return Err(Error::invalid("the extra CA certificate PEM holds no certificate"));
            }
            certs.extend(bundle);
        }
        let (user_agent, connect_timeout, timeout, insecure) =
            (self.user_agent.clone(), self.connect_timeout, self.timeout, self.accept_invalid_certs);
        let factory: crate::transport::Factory = Arc::new(move |audience| {
            let mut http = reqwest::Client::builder()
                .user_agent(user_agent.clone())
                .connect_timeout(connect_timeout)
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true)
                .danger_accept_invalid_certs(insecure);
            http = match audience {
                crate::transport::Audience::Panel => http
                    .default_headers(headers.clone())
                    .timeout(timeout)
                    .redirect(reqwest::redirect::Policy::none()),
                // Signed URLs point at Wings or S3, another host: never the key. A transfer takes
                // as long as its size needs; `transfer.rs` times out a stalled one itself.
                crate::transport::Audience::Signed => http.redirect(reqwest::redirect::Policy::limited(5)),
            };
            for cert in &certs {
                http = http.add_root_certificate(cert.clone());
            }
            http.build()
        });
        let asynchronous = crate::asynchronous::Shared::new(Arc::clone(&factory), self.max_in_flight);
        let transport = Transport::new(factory).map_err(|e| {
            let mut message = format!("could not set up the HTTP client: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Error::invalid(message)
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                asynchronous,
                base,
                key: self.api_key,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                rate_limit: LastRateLimit::new(),
                socket: crate::console::SocketSettings {
                    user_agent: self.user_agent,
                    ca_pems: self.ca_pems,
                    accept_invalid_certs: self.accept_invalid_certs,
                },
            }),
            timeout: None,
            cancel: None,
        })
    }
}

/// `https://panel.example.com[/prefix][/]` → `https://panel.example.com[/prefix]/api/client`.
fn api_base(panel_url: &str) -> Result<String> {
    let raw = panel_url.trim();
    // Every message names the URL without its `user:password@`, which must never be echoed.
    let url = &without_credentials(raw);
    let parsed = reqwest::Url::parse(raw)
        .map_err(|e| Error::invalid(format!("the panel URL {url:?} is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(format!(
            "the panel URL must start with http:// or https://, got {url:?}"
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(format!("the panel URL {url:?} has no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::invalid(format!(
            "the panel URL {url:?} must not carry credentials (`user:password@`); the API key is \
             the only credential the panel needs"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid(format!("the panel URL {url:?} must not carry a query or fragment")));
    }
    let mut base = parsed.as_str().trim_end_matches('/').to_owned();
    if !base.ends_with("/api/client") {
        base.push_str("/api/client");
    }
    Ok(base)
}

/// `https://user:pw@host/x` → `https://***@host/x`, also for text that does not parse as a URL.
fn without_credentials(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
}

/// What every clone of a client shares, blocking and async alike: settings, key, rate limit.
pub(crate) struct Inner {
    pub(crate) transport: Transport,
    /// The async client's connection pool and in-flight bound (see [`crate::AsyncClient`]).
    pub(crate) asynchronous: crate::asynchronous::Shared,
    pub(crate) base: String,
    pub(crate) key: Secret,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) rate_limit: LastRateLimit,
    /// What the console's websocket needs to connect as the HTTP client does (`console.rs`).
    pub(crate) socket: crate::console::SocketSettings,
}

/// The check of [`Client::with_cancel_check`].
pub(crate) type CancelCheck = Arc<dyn Fn() -> bool + Send + Sync>;

/// A client of one panel with one API key.
///
/// Cheap to clone (clones share the connection pool), `Send + Sync`: share one client between
/// threads rather than making one per thread. Every call blocks the calling thread.
///
/// ```no_run
/// use pterodactyl_client::{Client, PowerSignal};
/// let client = Client::new("https://panel.example.com", "ptlc_...")?;
/// let server = client.server("d3aac109");
/// server.power(PowerSignal::Start)?;
/// server.command("say Hello")?;
/// # Ok::<(), pterodactyl_client::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// The whole-request timeout of [`Client::with_timeout`], replacing the builder's.
    pub(crate) timeout: Option<Duration>,
    /// The check of [`Client::with_cancel_check`].
    pub(crate) cancel: Option<CancelCheck>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("api_key", &self.inner.key)
            .field("timeout", &self.timeout.unwrap_or(self.inner.timeout))
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with default settings. See [`Client::builder`] for the others.
    pub fn new(panel_url: &str, api_key: &str) -> Result<Client> {
        Self::builder(panel_url, api_key).build()
    }

    /// Starts building a client for `panel_url` (the panel's root URL) with a `ptlc_` key.
    pub fn builder(panel_url: &str, api_key: &str) -> ClientBuilder {
        ClientBuilder::new(panel_url, api_key)
    }

    /// The API root this client talks to (`…/api/client`).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// A client that shares this one's connections and settings but allows each request
    /// `timeout` as a whole (answer included) instead of the builder's
    /// [`timeout`](ClientBuilder::timeout). Cheap: for one slow call, make one and drop it.
    ///
    /// It also replaces the longer wait that long-running operations (`server.files.compress`,
    /// `server.files.decompress`) get by default, [`ops::LONG_RUNNING_TIMEOUT`]. A zero
    /// `timeout` makes every call fail with [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let patient = client.with_timeout(Duration::from_secs(30 * 60));
    /// patient.call("server.files.compress", serde_json::json!({"server": "d3aac109", "root": "/", "files": ["world"]}))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client { timeout: Some(timeout), ..self.clone() }
    }

    /// A client that shares this one's connections and settings, and whose calls ask `check`
    /// about every 50 ms while they wait for the panel (and while they wait to retry): when it
    /// answers `true`, the call is abandoned and fails with [`Error::Cancelled`]. `check` runs
    /// on the calling thread, outside any runtime, so it may do anything, even call the client.
    /// The Python package uses it to let Ctrl-C through.
    pub fn with_cancel_check(&self, check: impl Fn() -> bool + Send + Sync + 'static) -> Client {
        Client { cancel: Some(Arc::new(check)), ..self.clone() }
    }

    /// The check of [`Client::with_cancel_check`], for the transfers (`transfer.rs`).
    pub(crate) fn cancel_check(&self) -> Option<&CancelCheck> {
        self.cancel.as_ref()
    }

    /// The rate-limit headers of the most recent answer, if the panel sent them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limit.get()
    }

    /// Calls any operation of the table by its id, with one flat JSON object of parameters:
    /// path parameters, query parameters and body fields by their panel names. Answers in the
    /// crate's one JSON shape (see [`shape`](crate::shape)); `null` for operations that answer
    /// with no content.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let page = client.call("servers.list", serde_json::json!({"filter": {"name": "Survival"}, "per_page": 10}))?;
    /// client.call("server.power", serde_json::json!({"server": "d3aac109", "signal": "start"}))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn call(&self, op_id: &str, params: Value) -> Result<Value> {
        self.call_raw(op_id, params)?.to_value()
    }

    /// [`ConsoleOptions::from_json`](crate::ConsoleOptions::from_json) for a console of this
    /// client (the C surface's `options_json`): a refusal never shows the client's API key, even
    /// where the options quote it.
    pub fn console_options_json(&self, options: Value) -> Result<crate::ConsoleOptions> {
        crate::ConsoleOptions::from_json(options).map_err(|e| crate::exec::scrub_error(&self.inner, e))
    }

    /// Like [`Client::call`], but hands back the answer undecoded, for a front that builds its
    /// own objects from it with [`Raw::build`] (the Python package builds dicts and lists in one
    /// pass). Every check, retry and error is the same as `call`'s.
    pub fn call_raw(&self, op_id: &str, params: Value) -> Result<Raw> {
        self.execute(crate::exec::lookup(&self.inner, op_id)?, params_object(params)?)
    }

    /// Like [`Client::call`], for an operation row already looked up.
    pub fn call_op(&self, op: &Operation, params: Map<String, Value>) -> Result<Value> {
        self.execute(op, params)?.to_value()
    }

    /// Like [`Client::call_raw`], for an operation row already looked up.
    pub(crate) fn call_op_raw(&self, op: &Operation, params: Map<String, Value>) -> Result<Raw> {
        self.execute(op, params)
    }

    /// Runs a typed call: the generic path, then decoding into `T`.
    pub(crate) fn typed<T: DeserializeOwned>(
        &self,
        op_id: &'static str,
        params: Map<String, Value>,
    ) -> Result<T> {
        self.execute(ops::get(op_id), params)?.decode().map_err(|e| crate::exec::scrub_error(&self.inner, e))
    }

    /// Runs a call whose answer carries nothing.
    pub(crate) fn unit(&self, op_id: &'static str, params: Map<String, Value>) -> Result<()> {
        self.execute(ops::get(op_id), params).map(drop)
    }

    /// Runs a call whose answer is raw bytes (`server.files.contents`).
    pub(crate) fn bytes(&self, op_id: &'static str, params: Map<String, Value>) -> Result<Vec<u8>> {
        Ok(self.execute(ops::get(op_id), params)?.into_bytes())
    }

    /// Runs a call that sends `content` as its raw request body (`server.files.write`).
    pub(crate) fn unit_with_content(
        &self,
        op_id: &'static str,
        params: Map<String, Value>,
        content: Vec<u8>,
    ) -> Result<()> {
        self.execute_with(ops::get(op_id), params, Some(content)).map(drop)
    }

    /// Like [`Client::call_raw`] for an operation that sends a raw request body
    /// (`server.files.write`): `content` is the body, byte for byte, and `params` must not
    /// carry `content` as well.
    pub fn call_raw_with_content(&self, op_id: &str, params: Value, content: Vec<u8>) -> Result<Raw> {
        let op = crate::exec::lookup(&self.inner, op_id)?;
        self.execute_with(op, params_object(params)?, Some(content))
    }

    fn execute(&self, op: &Operation, params: Map<String, Value>) -> Result<Raw> {
        self.execute_with(op, params, None)
    }

    /// The blocking driver of [`Call`]: sends on this thread's own runtime, and sleeps this
    /// thread between tries.
    fn execute_with(
        &self,
        op: &Operation,
        params: Map<String, Value>,
        content: Option<Vec<u8>>,
    ) -> Result<Raw> {
        let mut call = Call::prepare(&self.inner, op, params, content, self.timeout)?;
        let cancel = self.cancel.as_deref();
        loop {
            let outcome = self.inner.transport.send(call.request(cancel));
            match call.step(&self.inner, outcome) {
                Step::Done(result) => return result,
                Step::RetryAfter(wait) => self.pause(wait)?,
            }
        }
    }

    /// Waits before a retry, asking the cancel check (if any) as it goes.
    fn pause(&self, wait: Duration) -> Result<()> {
        let Some(cancel) = &self.cancel else {
            std::thread::sleep(wait);
            return Ok(());
        };
        let start = std::time::Instant::now();
        loop {
            let left = wait.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Ok(());
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
            if cancel() {
                return Err(Error::Cancelled);
            }
        }
    }
}

/// A successful answer, not decoded yet (see [`Client::call_raw`]).
#[derive(Debug)]
pub struct Raw(pub(crate) Body, pub(crate) Option<ops::Addition>);

#[derive(Debug)]
pub(crate) enum Body {
    /// No content (204, or 202 with `[]`).
    Null,
    /// A raw answer (`server.files.contents`): the file's bytes.
    Bytes(bytes::Bytes),
    /// A JSON document.
    Json(bytes::Bytes),
}

impl Raw {
    /// Decodes the answer into a typed model (what every typed method, blocking or async, ends
    /// with).
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        if let (Body::Json(bytes), None) = (&self.0, self.1) {
            // Straight from the bytes, unwrapping as it goes (no `Value` in between).
            return shape::decode(bytes);
        }
        // Plain decoding first: tracking the path of every field costs more than the decoding
        // itself. Only when it fails is the answer decoded again, to name the field that did
        // not fit.
        match serde_json::from_value(self.build(&mut shape::ValueBuilder)?) {
            Ok(model) => Ok(model),
            Err(plain) => match decode::<T>(self.build(&mut shape::ValueBuilder)?) {
                Err(named) => Err(named),
                Ok(_) => Err(Error::Decode { path: String::from("$"), message: plain.to_string() }),
            },
        }
    }

    /// The answer in the one JSON shape, as a `Value`: what [`Client::call`] answers. A JSON
    /// answer is decoded straight from the panel's bytes (see [`shape::decode_value`]).
    pub fn to_value(&self) -> Result<Value> {
        match (&self.0, self.1) {
            (Body::Json(bytes), None) => shape::decode_value(bytes),
            _ => self.build(&mut shape::ValueBuilder),
        }
    }

    /// The answer as the one JSON shape's text: what [`Client::call`] answers, printed. A JSON
    /// answer is written straight from the panel's bytes (see [`shape::to_text`]), with no tree
    /// built and printed; keys keep the panel's order. A raw answer must be UTF-8 text, as for
    /// [`Raw::build`].
    pub fn to_json(&self) -> Result<String> {
        match (&self.0, self.1) {
            (Body::Json(bytes), None) => shape::to_text(bytes),
            _ => Ok(self.build(&mut shape::ValueBuilder)?.to_string()),
        }
    }

    /// The answer's bytes as they came: the file of `server.files.contents`, the JSON text of
    /// a JSON answer, nothing for an answer without content.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.0 {
            Body::Null => Vec::new(),
            Body::Bytes(bytes) | Body::Json(bytes) => bytes.into(),
        }
    }

    /// Decodes the answer into the one JSON shape, built by `builder`. A raw answer
    /// (`server.files.contents`) becomes a string, and must then be UTF-8 text.
    pub fn build<B: shape::Builder>(&self, builder: &mut B) -> Result<B::Value> {
        let built = match &self.0 {
            Body::Null => builder.null(),
            Body::Bytes(bytes) => builder.string(std::str::from_utf8(bytes).map_err(|e| Error::Decode {
                path: String::from("$"),
                message: format!(
                    "the file is not UTF-8 text ({e}); read it as bytes instead (Rust `files().contents()`, \
                     C `ptero_server_files_contents`, Python `files.contents()`)"
                ),
            })?),
            Body::Json(bytes) => {
                let mut built = shape::build(bytes, builder).map_err(|message| Error::Decode {
                    path: String::from("$"),
                    message: format!("the answer is not valid JSON: {message}"),
                })?;
                if let Some(addition) = self.1 {
                    add(addition, bytes, builder, &mut built)?;
                }
                return Ok(built);
            }
        };
        built.map_err(|e| Error::Decode { path: String::from("$"), message: e.to_string() })
    }
}

/// Adds the core's own field to a built answer (see [`ops::Addition`]).
fn add<B: shape::Builder>(
    addition: ops::Addition,
    json: &[u8],
    b: &mut B,
    built: &mut B::Value,
) -> Result<()> {
    let missing = |what: &str| Error::Decode { path: what.to_owned(), message: String::from("missing") };
    match addition {
        ops::Addition::FullApiKey => {
            #[derive(serde::Deserialize)]
            struct Halves<'a> {
                #[serde(borrow)]
                attributes: Option<Identifier<'a>>,
                #[serde(borrow)]
                meta: Option<SecretToken<'a>>,
            }
            #[derive(serde::Deserialize)]
            struct Identifier<'a> {
                identifier: Option<&'a str>,
            }
            #[derive(serde::Deserialize)]
            struct SecretToken<'a> {
                secret_token: Option<&'a str>,
            }
            let halves: Halves<'_> = serde_json::from_slice(json)
                .map_err(|e| Error::Decode { path: String::from("$"), message: e.to_string() })?;
            let identifier =
                halves.attributes.and_then(|a| a.identifier).ok_or_else(|| missing("identifier"))?;
            let secret =
                halves.meta.and_then(|m| m.secret_token).ok_or_else(|| missing("meta.secret_token"))?;
            let decode = |e: B::Error| Error::Decode { path: String::from("key"), message: e.to_string() };
            let key = b.key("key").map_err(decode)?;
            let value = b.string(&format!("{identifier}{secret}")).map_err(decode)?;
            b.insert(built, key, value).map_err(decode)
        }
    }
}

/// Accepts `{...}` (or `null` for no parameters) as the flat parameter object.
pub(crate) fn params_object(params: Value) -> Result<Map<String, Value>> {
    match params {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(Error::invalid(format!(
            "parameters must be a JSON object, got {}",
            request::type_name(&other)
        ))),
    }
}

/// Decodes a normalized value into a model, naming the field that failed.
pub(crate) fn decode<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| Error::Decode { path: e.path().to_string(), message: e.inner().to_string() })
}
