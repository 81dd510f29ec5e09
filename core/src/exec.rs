//! One call's machinery, without I/O: what to send, and what an answer (or a failure to get one)
//! means — done, or try again after a wait.
//!
//! Two drivers run it: the blocking [`Client`](crate::Client) (its own per-thread runtime,
//! `thread::sleep` between tries) and the [`AsyncClient`](crate::AsyncClient) (the caller's
//! tokio runtime, `tokio::time::sleep`). Every rule of a call — the retry policy, which methods
//! may be repeated, how an answer is classified, the rate-limit headers, the scrubbing of the
//! key from what the panel echoes — lives here once, so the two cannot drift apart.
//!
//! ```text
//! let mut call = Call::prepare(..)?;
//! loop {
//!     let outcome = send(call.request(..));          // the driver's I/O
//!     match call.step(inner, outcome) {
//!         Step::Done(result) => return result,
//!         Step::RetryAfter(wait) => sleep(wait),      // the driver's timer
//!     }
//! }
//! ```

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde_json::{Map, Value};

use crate::client::{Body, Inner, RateLimit, Raw, RetryPolicy};
use crate::error::{ApiErrorItem, Error, Result};
use crate::ops::{self, Operation, Response};
use crate::request::{self, PreparedBody};
use crate::transport::{Answer, Failure, Request};

/// What to do after one try.
pub(crate) enum Step {
    /// The call is over.
    Done(Result<Raw>),
    /// Wait this long, then send the same request again.
    RetryAfter(Duration),
}

/// One call in progress: the prepared request and the tries made so far.
pub(crate) struct Call<'o> {
    op: &'o Operation,
    url: String,
    body: Option<(&'static str, Bytes)>,
    /// A whole-request timeout replacing the client's, for this call only.
    timeout: Option<Duration>,
    /// The whole-request timeout in force (for error messages).
    effective_timeout: Duration,
    max_bytes: u64,
    waited: Duration,
    attempt: u32,
}

impl<'o> Call<'o> {
    /// Checks the parameters against the operation's declaration and builds the request.
    /// `timeout` is the client's [`with_timeout`](crate::Client::with_timeout), if any.
    pub(crate) fn prepare(
        inner: &Inner,
        op: &'o Operation,
        params: Map<String, Value>,
        content: Option<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<Call<'o>> {
        let (timeout, effective_timeout) = timeout_for(inner, op, timeout)?;
        let prepared = prepare_request(inner, op, params, content)?;
        let body = prepared.body.map(|b| match b {
            PreparedBody::Json(bytes) => ("application/json", Bytes::from(bytes)),
            PreparedBody::Raw(bytes) => ("application/octet-stream", Bytes::from(bytes)),
        });
        Ok(Call {
            op,
            url: prepared.url,
            body,
            timeout,
            effective_timeout,
            max_bytes: inner.max_response_bytes,
            waited: Duration::ZERO,
            attempt: 0,
        })
    }

    /// The request of the next try.
    pub(crate) fn request<'a>(&'a self, cancel: Option<&'a (dyn Fn() -> bool + Send + Sync)>) -> Request<'a> {
        Request {
            method: to_reqwest(self.op.method),
            url: &self.url,
            body: self.body.clone(),
            timeout: self.timeout,
            max_bytes: self.max_bytes,
            cancel,
        }
    }

    /// Reads the outcome of one try: the call is done, or it is tried again after a wait.
    ///
    /// * A `GET` answered 429 waits `Retry-After` (or the back-off when there is none).
    /// * A request whose connection could not be made is tried again whatever its method (not
    ///   one whose TLS handshake was refused: that fails the same way every time).
    /// * Anything else is final. Both retries stop when the policy's tries or total wait run out.
    pub(crate) fn step(&mut self, inner: &Inner, outcome: Result<Answer, Failure>) -> Step {
        let policy = &inner.retry;
        let wait = match outcome {
            Ok(answer) => match read(inner, self.op, answer) {
                Err(Error::RateLimited { retry_after, errors }) if self.op.method.is_idempotent() => {
                    let wait = retry_after.unwrap_or_else(|| backoff(policy, self.attempt));
                    if self.allowed(policy, wait) {
                        wait
                    } else {
                        return Step::Done(Err(Error::RateLimited { retry_after, errors }));
                    }
                }
                other => return Step::Done(other),
            },
            Err(Failure::Setup(message)) => {
                return Step::Done(Err(Error::Transport { message, connect: false }))
            }
            Err(Failure::TooLarge) => return Step::Done(Err(Error::TooLarge { limit: self.max_bytes })),
            Err(Failure::Cancelled) => return Step::Done(Err(Error::Cancelled)),
            Err(Failure::Http(e)) => {
                let err = transport_error(inner, &e, self.effective_timeout);
                let never_sent = matches!(err, Error::Transport { connect: true, .. });
                let wait = backoff(policy, self.attempt);
                if never_sent && self.allowed(policy, wait) {
                    wait
                } else {
                    return Step::Done(Err(err));
                }
            }
        };
        self.waited = self.waited.saturating_add(wait);
        self.attempt += 1;
        Step::RetryAfter(wait)
    }

    /// Waits only while both the number of tries and the total wait allow it.
    fn allowed(&self, policy: &RetryPolicy, wait: Duration) -> bool {
        self.attempt < policy.max_retries && self.waited.saturating_add(wait) <= policy.max_total_wait
    }
}

/// The per-request timeout to send (when it is not the builder's) and the timeout in force.
fn timeout_for(
    inner: &Inner,
    op: &Operation,
    given: Option<Duration>,
) -> Result<(Option<Duration>, Duration)> {
    match given {
        Some(t) if t.is_zero() => {
            Err(Error::invalid("the timeout given to `with_timeout` must be more than 0"))
        }
        Some(t) => Ok((Some(t), t)),
        None if op.long_running && inner.timeout < ops::LONG_RUNNING_TIMEOUT => {
            Ok((Some(ops::LONG_RUNNING_TIMEOUT), ops::LONG_RUNNING_TIMEOUT))
        }
        None => Ok((None, inner.timeout)),
    }
}

/// Reads one answer: rate-limit headers, status, body.
pub(crate) fn read(inner: &Inner, op: &Operation, answer: Answer) -> Result<Raw> {
    let Answer { status, headers, body } = answer;
    let headers = &headers;
    note_rate_limit(inner, headers);
    let content_type =
        headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let retry_after = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let is_json = content_type.contains("json");
    // An HTML page (a login form, a proxy's error page) is never an answer of the API.
    let is_html = content_type.contains("html");

    if (300..400).contains(&status) {
        return Err(not_json(inner, status, &content_type, &body, Some(location.unwrap_or_default())));
    }
    if (200..300).contains(&status) {
        if is_html {
            return Err(not_json(inner, status, &content_type, &body, None));
        }
        // Only the status the operation answers with counts as success (and for operations
        // without content, the panel's other ways of saying "done": 204, or 200/202 with an
        // empty body or `[]`); anything else is something in the way, not the panel's answer.
        let nothing = body.trim_ascii().is_empty() || body.trim_ascii() == b"[]";
        let expected = status == op.success;
        return match op.response() {
            Response::Empty if status == 204 || (nothing && (expected || matches!(status, 200 | 202))) => {
                Ok(Raw(Body::Null, None))
            }
            Response::Bytes if expected && !is_json => Ok(Raw(Body::Bytes(body), None)),
            Response::Json | Response::Bytes if expected && is_json => Ok(Raw(Body::Json(body), op.addition)),
            _ if !is_json && !body.trim_ascii().is_empty() => {
                Err(not_json(inner, status, &content_type, &body, None))
            }
            _ => Err(Error::Decode {
                path: String::from("$"),
                message: format!(
                    "`{}` answers HTTP {}{}, but the panel answered HTTP {status} with {}",
                    op.id,
                    op.success,
                    match op.response() {
                        Response::Empty => " with no content",
                        Response::Bytes => " with the file's bytes",
                        Response::Json => " with JSON",
                    },
                    if body.trim_ascii().is_empty() {
                        "no content".to_owned()
                    } else {
                        scrub(inner, &snippet(&body))
                    },
                ),
            }),
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
        (429, errors) => {
            Err(Error::RateLimited { retry_after, errors: scrub_items(inner, errors.unwrap_or_default()) })
        }
        (_, Some(errors)) => Err(Error::Api { status, errors: scrub_items(inner, errors) }),
        (_, None) if is_json => Err(Error::Api {
            status,
            errors: vec![ApiErrorItem {
                status: status.to_string(),
                detail: scrub(inner, &snippet(&body)),
                ..ApiErrorItem::default()
            }],
        }),
        (_, None) => Err(not_json(inner, status, &content_type, &body, None)),
    }
}

fn note_rate_limit(inner: &Inner, headers: &HeaderMap) {
    let num =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse().ok());
    if let (Some(limit), Some(remaining)) = (num("x-ratelimit-limit"), num("x-ratelimit-remaining")) {
        inner.rate_limit.set(RateLimit { limit, remaining });
    }
}

fn not_json(inner: &Inner, status: u16, content_type: &str, body: &[u8], location: Option<String>) -> Error {
    Error::NotJson {
        status,
        content_type: content_type.to_owned(),
        snippet: scrub(inner, &snippet(body)),
        location: location.map(|l| scrub(inner, &l)),
    }
}

fn transport_error(inner: &Inner, e: &reqwest::Error, timeout: Duration) -> Error {
    if e.is_timeout() {
        let connect = e.is_connect();
        return Error::Timeout {
            timeout: if connect { inner.connect_timeout } else { timeout },
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
    Error::Transport { message: scrub(inner, &message), connect: crate::transport::never_connected(e) }
}

/// Removes the API key from any text that came from outside (a page that echoes headers).
fn scrub(inner: &Inner, text: &str) -> String {
    scrub_key(&inner.key.0, text)
}

/// [`scrub`] with the key given (before there is a client: its options).
fn scrub_key(key: &str, text: &str) -> String {
    let key = key.trim();
    if key.len() >= 8 && text.contains(key) {
        text.replace(key, "<redacted>")
    } else {
        text.to_owned()
    }
}

/// Removes the key from an error that names what it was given. A decoding error names the value
/// serde could not read, and a panel (or a proxy) that echoes the request may have put the key
/// there (the fuzz target `answer` found it); every typed decoding of an answer goes through
/// this. An invalid-input error names what the caller passed (an operation id, a parameter's
/// name or value), and a caller who passed the key by mistake must not find it in a log (the
/// fuzz target `prepare` found a parameter named after it); every call's checks go through this.
pub(crate) fn scrub_error(inner: &Inner, err: Error) -> Error {
    scrub_error_of_key(&inner.key.0, err)
}

/// [`scrub_error`] with the key given: the client's options are read before there is a client,
/// and serde names the unknown field or the value it could not read (the fuzz target `options`
/// found a field named after the key).
pub(crate) fn scrub_error_of_key(key: &str, err: Error) -> Error {
    match err {
        Error::Decode { path, message } => {
            Error::Decode { path: scrub_key(key, &path), message: scrub_key(key, &message) }
        }
        Error::InvalidInput(message) => Error::InvalidInput(scrub_key(key, &message)),
        other => other,
    }
}

/// Checks `params` against `op` and builds the request under the client's API root, the error
/// scrubbed of the key (see [`scrub_error`]).
pub(crate) fn prepare_request(
    inner: &Inner,
    op: &Operation,
    params: Map<String, Value>,
    content: Option<Vec<u8>>,
) -> Result<request::Prepared> {
    request::prepare(&inner.base, op, params, content).map_err(|e| scrub_error(inner, e))
}

/// [`ops::lookup`], its error scrubbed of the key (see [`scrub_error`]).
pub(crate) fn lookup(inner: &Inner, op_id: &str) -> Result<&'static Operation> {
    ops::lookup(op_id).map_err(|e| scrub_error(inner, e))
}

/// Scrubs every text of the panel's error entries: a proxy or panel that echoes the request
/// may put the key in any of them (the fuzz target `error_document` found `status`).
fn scrub_items(inner: &Inner, mut items: Vec<ApiErrorItem>) -> Vec<ApiErrorItem> {
    for item in &mut items {
        for text in [&mut item.code, &mut item.status, &mut item.detail] {
            *text = scrub(inner, text);
        }
        for text in [&mut item.source_field, &mut item.rule].into_iter().flatten() {
            *text = scrub(inner, text);
        }
    }
    items
}

/// `Retry-After`: delay-seconds (a number too large for a `u64` is "very long") or an HTTP-date
/// (how long from now until then; a past date is no wait).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
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
