//! The one error type of the client.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One entry of the panel's `{"errors":[...]}` array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[non_exhaustive]
pub struct ApiErrorItem {
    /// The exception's class name, e.g. `ValidationException`, `DisplayException`.
    #[serde(default)]
    pub code: String,
    /// The HTTP status as the panel wrote it (a string).
    #[serde(default, deserialize_with = "string_or_number")]
    pub status: String,
    /// The human-readable message.
    #[serde(default)]
    pub detail: String,
    /// For validation errors: the field that failed (`meta.source_field`).
    #[serde(default)]
    pub source_field: Option<String>,
    /// For validation errors: the rule that failed (`meta.rule`, snake_case).
    #[serde(default)]
    pub rule: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

impl ApiErrorItem {
    /// Reads one entry of the panel's errors array (with its nested `meta`).
    pub(crate) fn from_value(v: &serde_json::Value) -> ApiErrorItem {
        let text = |key: &str| match v.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let meta =
            |key: &str| v.get("meta").and_then(|m| m.get(key)).and_then(|x| x.as_str()).map(str::to_owned);
        ApiErrorItem {
            code: text("code"),
            status: text("status"),
            detail: text("detail"),
            source_field: meta("source_field"),
            rule: meta("rule"),
        }
    }
}

/// Everything that can go wrong. Match on the variant to act on it; the `Display` text is
/// meant for people and never contains the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The panel answered with an error status and its JSON error document.
    #[error("{}", api_message(*status, errors))]
    Api {
        /// HTTP status.
        status: u16,
        /// Every entry of the panel's `errors` array, in order.
        errors: Vec<ApiErrorItem>,
    },
    /// The panel answered 429 and the request was not (or no longer) retried.
    #[error("{}", rate_limited_message(*retry_after, errors))]
    RateLimited {
        /// How long the panel asked to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
        /// The panel's error entries (usually one `ThrottleRequestsException`).
        errors: Vec<ApiErrorItem>,
    },
    /// The request did not complete within the configured timeout.
    #[error("the request to the panel timed out after {timeout:?} ({phase})")]
    Timeout {
        /// The timeout that expired.
        timeout: Duration,
        /// `"connect"`, `"request"`, or `"transfer"` (a signed-URL transfer that moved no byte
        /// for that long).
        phase: &'static str,
    },
    /// The panel could not be reached, or the connection broke.
    #[error("could not talk to the panel: {message}")]
    Transport {
        /// What failed, without the API key.
        message: String,
        /// `true` when no connection could be made (refused, unreachable), so the request never
        /// left the machine and trying again may help (only then are non-idempotent requests
        /// retried). `false` for a refused TLS handshake: it fails the same way every time.
        connect: bool,
    },
    /// The answer was JSON but not of the expected shape.
    #[error("could not decode the panel's answer at `{path}`: {message}")]
    Decode {
        /// Where in the (unwrapped) document decoding failed, e.g. `data[2].port`.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The answer was not JSON at all: an HTML login page, a proxy's error page, a redirect.
    #[error("{}", not_json_message(*status, content_type, snippet, location.as_deref()))]
    NotJson {
        /// HTTP status of the answer.
        status: u16,
        /// Its `Content-Type` (empty when absent).
        content_type: String,
        /// The first characters of the body, on one line.
        snippet: String,
        /// Where a redirect pointed, if it was one.
        location: Option<String>,
    },
    /// The arguments were refused before any request was made.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The answer was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); it was
    /// not read further.
    #[error(
        "the panel's answer is larger than the client's limit of {limit} bytes (`max_response_bytes`); \
         raise the limit if such an answer is expected"
    )]
    TooLarge {
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// The call was abandoned before the panel answered, because the caller's cancel check
    /// ([`Client::with_cancel_check`](crate::Client::with_cancel_check)) or the C front's
    /// `ptero_request_cancel` asked for it. A request that was already sent may still take
    /// effect on the panel.
    #[error("the call was cancelled before the panel answered")]
    Cancelled,
    /// The call was not started: the client already had as many calls in flight as it allows
    /// ([`ClientBuilder::max_in_flight`](crate::ClientBuilder::max_in_flight)). Only the calls
    /// that refuse to wait for a free place say this
    /// ([`AsyncClient::try_call_raw`](crate::AsyncClient::try_call_raw), C's
    /// `ptero_call_submit`). Nothing was sent: try again once a call has finished.
    #[error(
        "the client already has {limit} calls in flight (`max_in_flight`); nothing was sent: try again \
         when one has finished"
    )]
    Busy {
        /// The bound in force.
        limit: usize,
    },
    /// Wings (or the S3 storage of a backup) refused a request the client made to it directly,
    /// with its `{"error": ...}` answer: a transfer through a signed URL, or the console's
    /// websocket. For a transfer, a URL already used gives 404 ("The requested resource was not
    /// found on this server."), an expired or damaged one 500. The transfer methods ask the panel
    /// for a fresh URL for every transfer, so these come only from a URL given by hand
    /// ([`Client::download_signed`](crate::Client::download_signed)) or from a lifetime shorter
    /// than the transfer's start.
    #[error("{}", wings_message(*status, message, request_id.as_deref()))]
    Wings {
        /// The HTTP status of the answer.
        status: u16,
        /// Wings' `error` text (or the storage's `<Message>`, or the start of the body).
        message: String,
        /// Wings' request id (`request_id`, or the `X-Request-Id` header), as in its logs.
        request_id: Option<String>,
    },
    /// A local file could not be read or written (a full disk, a missing directory, no
    /// permission), or the caller's writer or reader failed. `path` names the file when there
    /// is one. A download to a path never leaves a partial file behind.
    #[error("{}", io_message(path.as_deref(), source))]
    Io {
        /// The local file, when the error is about one.
        path: Option<std::path::PathBuf>,
        /// The system's error (`raw_os_error()` gives the errno, e.g. `ENOSPC`).
        #[source]
        source: std::io::Error,
    },
    /// The [`Console`](crate::Console) is closed: by the caller, or for good by Wings (a close
    /// code 4400–4499 such as 4409 "server is suspended", the server deleted, the key's access
    /// withdrawn), or after the error that ended it was handed out.
    #[error("the console is closed: {reason}")]
    Closed {
        /// Who closed it and why, for people.
        reason: String,
        /// The websocket close code Wings sent, if it sent one.
        code: Option<u16>,
    },
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::NotJson { status, .. } | Error::Wings { status, .. } => {
                Some(*status)
            }
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The panel's error entries (empty for errors that did not come from the panel).
    pub fn api_errors(&self) -> &[ApiErrorItem] {
        match self {
            Error::Api { errors, .. } | Error::RateLimited { errors, .. } => errors,
            _ => &[],
        }
    }

    /// A short stable name of the kind of error (`api`, `rate_limited`, `timeout`, `transport`,
    /// `decode`, `not_json`, `invalid_input`, `too_large`, `cancelled`, `busy`, `wings`, `io`,
    /// `closed`),
    /// used by the C and Python fronts.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "api",
            Error::RateLimited { .. } => "rate_limited",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::NotJson { .. } => "not_json",
            Error::InvalidInput(_) => "invalid_input",
            Error::TooLarge { .. } => "too_large",
            Error::Cancelled => "cancelled",
            Error::Busy { .. } => "busy",
            Error::Wings { .. } => "wings",
            Error::Io { .. } => "io",
            Error::Closed { .. } => "closed",
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Error {
        Error::InvalidInput(msg.into())
    }
}

fn api_message(status: u16, errors: &[ApiErrorItem]) -> String {
    let details: Vec<&str> = errors.iter().map(|e| e.detail.as_str()).filter(|d| !d.is_empty()).collect();
    let code = errors.first().map(|e| e.code.as_str()).unwrap_or("");
    match (details.is_empty(), code.is_empty()) {
        (true, _) => format!("the panel answered HTTP {status}"),
        (false, true) => format!("{} (HTTP {status})", details.join(" ")),
        (false, false) => format!("{} (HTTP {status}, {code})", details.join(" ")),
    }
}

fn rate_limited_message(retry_after: Option<Duration>, errors: &[ApiErrorItem]) -> String {
    let detail =
        errors.first().map(|e| e.detail.as_str()).filter(|d| !d.is_empty()).unwrap_or("Too Many Attempts.");
    match retry_after {
        Some(d) => format!("rate limited by the panel: {detail} Retry after {} s.", d.as_secs()),
        None => format!("rate limited by the panel: {detail}"),
    }
}

fn not_json_message(status: u16, content_type: &str, snippet: &str, location: Option<&str>) -> String {
    if let Some(loc) = location {
        return format!(
            "the panel answered HTTP {status} redirecting to {loc} instead of JSON; \
             check the panel URL (it must be the panel's root, e.g. https://panel.example.com)"
        );
    }
    let ct = if content_type.is_empty() { "no content type" } else { content_type };
    let kind = if content_type.contains("html") || snippet.trim_start().starts_with('<') {
        "an HTML page"
    } else {
        "something that is not JSON"
    };
    format!(
        "the panel answered HTTP {status} with {kind} ({ct}), not JSON; is the URL a Pterodactyl \
         panel and is nothing (a proxy, a login page) in between? Body starts: {snippet:?}"
    )
}

fn wings_message(status: u16, message: &str, request_id: Option<&str>) -> String {
    let message = if message.is_empty() { "no error message" } else { message };
    match request_id {
        Some(id) => format!("Wings refused the request (HTTP {status}): {message} (request id {id})"),
        None => format!("Wings refused the request (HTTP {status}): {message}"),
    }
}

fn io_message(path: Option<&std::path::Path>, source: &std::io::Error) -> String {
    match path {
        Some(path) => format!("{}: {source}", path.display()),
        None => format!("local I/O failed: {source}"),
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Wraps the API key so that it can never be printed by accident.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}
