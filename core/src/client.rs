//! [`Client`], [`ClientBuilder`] and the one place where requests are sent.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiErrorItem, Error, Result, Secret};
use crate::ops::{self, Operation, Response};
use crate::request::{self, PreparedBody};
use crate::shape;
use crate::transport::{Answer, Failure, Transport};

/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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

/// The builder's settings as one JSON object, so the C and Python fronts read them the same way:
/// `{"timeout_ms": 30000, "connect_timeout_ms": 10000, "user_agent": "...", "ca_cert_pem":
/// "-----BEGIN CERTIFICATE-----...", "accept_invalid_certs": false, "max_retries": 3,
/// "max_retry_wait_ms": 60000}`. Every key is optional; an unknown key is refused.
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
}

impl ClientOptions {
    /// Reads the options from a JSON object (`null` or `{}` for the defaults).
    pub fn from_json(value: Value) -> Result<ClientOptions> {
        if value.is_null() {
            return Ok(ClientOptions::default());
        }
        serde_json::from_value(value).map_err(|e| Error::invalid(format!("bad client options: {e}")))
    }
}

/// Builds a [`Client`].
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
    /// public web roots stay trusted.
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
        self
    }

    /// Checks the settings and builds the client. Fails with [`Error::InvalidInput`] for a URL
    /// that is not `http(s)://host[:port][/prefix]`, an empty or non-ASCII key, or a bad PEM.
    pub fn build(self) -> Result<Client> {
        let base = api_base(&self.panel_url)?;
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
        let factory: crate::transport::Factory = Arc::new(move || {
            let mut http = reqwest::Client::builder()
                .default_headers(headers.clone())
                .user_agent(user_agent.clone())
                .connect_timeout(connect_timeout)
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .tcp_nodelay(true)
                .danger_accept_invalid_certs(insecure);
            for cert in &certs {
                http = http.add_root_certificate(cert.clone());
            }
            http.build()
        });
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
                base,
                key: self.api_key,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                retry: self.retry,
                rate_limit: Mutex::new(None),
            }),
        })
    }
}

/// `https://panel.example.com[/prefix][/]` → `https://panel.example.com[/prefix]/api/client`.
fn api_base(panel_url: &str) -> Result<String> {
    let url = panel_url.trim();
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid(format!("the panel URL {url:?} is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(format!(
            "the panel URL must start with http:// or https://, got {url:?}"
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(format!("the panel URL {url:?} has no host")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(Error::invalid(format!(
            "the panel URL {url:?} must not carry a query, fragment or credentials"
        )));
    }
    let mut base = parsed.as_str().trim_end_matches('/').to_owned();
    if !base.ends_with("/api/client") {
        base.push_str("/api/client");
    }
    Ok(base)
}

struct Inner {
    transport: Transport,
    base: String,
    key: Secret,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Mutex<Option<RateLimit>>,
}

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
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("api_key", &self.inner.key)
            .field("timeout", &self.inner.timeout)
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

    /// The rate-limit headers of the most recent answer, if the panel sent them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.inner.rate_limit.lock().unwrap_or_else(|p| p.into_inner())
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
        self.call_raw(op_id, params)?.build(&mut shape::ValueBuilder)
    }

    /// Like [`Client::call`], but hands back the answer undecoded, for a front that builds its
    /// own objects from it with [`Raw::build`] (the Python package builds dicts and lists in one
    /// pass). Every check, retry and error is the same as `call`'s.
    pub fn call_raw(&self, op_id: &str, params: Value) -> Result<Raw> {
        let op = ops::find(op_id).ok_or_else(|| {
            Error::invalid(format!(
                "unknown operation {op_id:?}; the operation ids are those of operations.tsv, e.g. \"server.power\""
            ))
        })?;
        self.execute(op, params_object(params)?)
    }

    /// Like [`Client::call`], for an operation row already looked up.
    pub fn call_op(&self, op: &Operation, params: Map<String, Value>) -> Result<Value> {
        self.execute(op, params)?.build(&mut shape::ValueBuilder)
    }

    /// Runs a typed call: the generic path, then decoding into `T`.
    pub(crate) fn typed<T: DeserializeOwned>(
        &self,
        op_id: &'static str,
        params: Map<String, Value>,
    ) -> Result<T> {
        let raw = self.execute(ops::get(op_id), params)?;
        // Plain decoding first: tracking the path of every field costs more than the decoding
        // itself on a large list. Only when it fails is the answer decoded again, to name the
        // field that did not fit.
        match serde_json::from_value(raw.build(&mut shape::ValueBuilder)?) {
            Ok(model) => Ok(model),
            Err(plain) => match decode::<T>(raw.build(&mut shape::ValueBuilder)?) {
                Err(named) => Err(named),
                Ok(_) => Err(Error::Decode { path: String::from("$"), message: plain.to_string() }),
            },
        }
    }

    /// Runs a call whose answer carries nothing.
    pub(crate) fn unit(&self, op_id: &'static str, params: Map<String, Value>) -> Result<()> {
        self.execute(ops::get(op_id), params).map(drop)
    }

    fn execute(&self, op: &Operation, params: Map<String, Value>) -> Result<Raw> {
        let prepared = request::prepare(&self.inner.base, op, params)?;
        let body = prepared.body.map(|b| match b {
            PreparedBody::Json(bytes) => ("application/json", bytes::Bytes::from(bytes)),
            PreparedBody::Raw(text) => ("text/plain", bytes::Bytes::from(text)),
        });
        let policy = &self.inner.retry;
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            let failure = match self.inner.transport.send(to_reqwest(op.method), &prepared.url, body.clone())
            {
                Ok(answer) => match self.read(op, answer) {
                    Err(Error::RateLimited { retry_after, errors }) if op.method.is_idempotent() => {
                        let wait = retry_after.unwrap_or_else(|| backoff(policy, attempt));
                        if attempt < policy.max_retries && waited + wait <= policy.max_total_wait {
                            Retry::After(wait)
                        } else {
                            Retry::No(Error::RateLimited { retry_after, errors })
                        }
                    }
                    other => return other,
                },
                Err(Failure::Setup(message)) => return Err(Error::Transport { message, connect: false }),
                Err(Failure::Http(e)) => {
                    let err = self.transport_error(&e);
                    let never_sent = matches!(err, Error::Transport { connect: true, .. });
                    let wait = backoff(policy, attempt);
                    if never_sent && attempt < policy.max_retries && waited + wait <= policy.max_total_wait {
                        Retry::After(wait)
                    } else {
                        Retry::No(err)
                    }
                }
            };
            match failure {
                Retry::No(err) => return Err(err),
                Retry::After(wait) => {
                    std::thread::sleep(wait);
                    waited += wait;
                    attempt += 1;
                }
            }
        }
    }

    /// Reads one answer: rate-limit headers, status, body.
    fn read(&self, op: &Operation, answer: Answer) -> Result<Raw> {
        let Answer { status, headers, body } = answer;
        let headers = &headers;
        self.note_rate_limit(headers);
        let content_type =
            headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let is_json = content_type.contains("json");

        if (300..400).contains(&status) {
            return Err(self.not_json(status, &content_type, &body, Some(location.unwrap_or_default())));
        }
        if (200..300).contains(&status) {
            return match op.response {
                Response::Empty if body.is_empty() || !is_json || body.trim_ascii() == b"[]" => {
                    Ok(Raw(Body::Null))
                }
                Response::Text if !is_json => {
                    Ok(Raw(Body::Text(String::from_utf8_lossy(&body).into_owned())))
                }
                _ if !is_json => Err(self.not_json(status, &content_type, &body, None)),
                _ => Ok(Raw(Body::Json(body))),
            };
        }
        // An error status: the panel's `{"errors":[...]}` document, or something else in the way.
        let errors = if is_json {
            serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v.get("errors").and_then(Value::as_array).cloned())
                .map(|list| list.iter().map(ApiErrorItem::from_value).collect::<Vec<_>>())
        } else {
            None
        };
        match (status, errors) {
            (429, errors) => Err(Error::RateLimited { retry_after, errors: errors.unwrap_or_default() }),
            (_, Some(errors)) => Err(Error::Api { status, errors: self.scrub_items(errors) }),
            (_, None) if is_json => Err(Error::Api {
                status,
                errors: vec![ApiErrorItem {
                    status: status.to_string(),
                    detail: self.scrub(&snippet(&body)),
                    ..ApiErrorItem::default()
                }],
            }),
            (_, None) => Err(self.not_json(status, &content_type, &body, None)),
        }
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        let num =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse().ok());
        if let (Some(limit), Some(remaining)) = (num("x-ratelimit-limit"), num("x-ratelimit-remaining")) {
            *self.inner.rate_limit.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(RateLimit { limit, remaining });
        }
    }

    fn not_json(&self, status: u16, content_type: &str, body: &[u8], location: Option<String>) -> Error {
        Error::NotJson {
            status,
            content_type: content_type.to_owned(),
            snippet: self.scrub(&snippet(body)),
            location: location.map(|l| self.scrub(&l)),
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            let connect = e.is_connect();
            return Error::Timeout {
                timeout: if connect { self.inner.connect_timeout } else { self.inner.timeout },
                phase: if connect { "connect" } else { "request" },
            };
        }
        // reqwest's text names the URL (never the key); walk the sources for the root cause.
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error::Transport { message: self.scrub(&message), connect: e.is_connect() }
    }

    /// Removes the API key from any text that came from outside (a page that echoes headers).
    fn scrub(&self, text: &str) -> String {
        let key = self.inner.key.0.trim();
        if key.len() >= 8 && text.contains(key) {
            text.replace(key, "<redacted>")
        } else {
            text.to_owned()
        }
    }

    fn scrub_items(&self, mut items: Vec<ApiErrorItem>) -> Vec<ApiErrorItem> {
        for item in &mut items {
            item.detail = self.scrub(&item.detail);
        }
        items
    }
}

/// A successful answer, not decoded yet (see [`Client::call_raw`]).
#[derive(Debug)]
pub struct Raw(Body);

#[derive(Debug)]
enum Body {
    /// No content (204, or 202 with `[]`).
    Null,
    /// A raw text answer (`server.files.contents`).
    Text(String),
    /// A JSON document.
    Json(bytes::Bytes),
}

impl Raw {
    /// Decodes the answer into the one JSON shape, built by `builder`.
    pub fn build<B: shape::Builder>(&self, builder: &mut B) -> Result<B::Value> {
        let built = match &self.0 {
            Body::Null => builder.null(),
            Body::Text(text) => builder.string(text),
            Body::Json(bytes) => {
                return shape::build(bytes, builder).map_err(|message| Error::Decode {
                    path: String::from("$"),
                    message: format!("the answer is not valid JSON: {message}"),
                })
            }
        };
        built.map_err(|e| Error::Decode { path: String::from("$"), message: e.to_string() })
    }
}

enum Retry {
    After(Duration),
    No(Error),
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    policy.initial_backoff.saturating_mul(1u32 << attempt.min(16))
}

fn to_reqwest(m: ops::Method) -> reqwest::Method {
    match m {
        ops::Method::Get => reqwest::Method::GET,
        ops::Method::Post => reqwest::Method::POST,
        ops::Method::Put => reqwest::Method::PUT,
        ops::Method::Delete => reqwest::Method::DELETE,
    }
}

/// The first characters of a body, on one line, for error messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(400)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(160).collect()
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
