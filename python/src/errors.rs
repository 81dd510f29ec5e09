//! The one place where a core [`Error`] becomes a Python exception.
//!
//! The exception classes are written in Python (`pterodactyl/errors.py`): they need multiple
//! inheritance (`TimeoutError(PterodactylError, builtins.TimeoutError)`) and plain attributes,
//! which are simplest there. This module only decides which class and which attributes.

use pterodactyl_client::{ApiErrorItem, Error};
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyModule};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The Python exception for a core error.
pub fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    // A signal handler's exception (Ctrl-C while the call waited) comes first, as it would
    // have at this point in Python code.
    if let Err(raised) = py.check_signals() {
        return raised;
    }
    match build(py, &err) {
        Ok(exc) => PyErr::from_value(exc),
        // Making the exception runs Python code, which runs pending signal handlers first: a
        // Ctrl-C arriving just now raises `KeyboardInterrupt` here, and that is what the caller
        // must get (it used to be buried in a `RuntimeError`, cause of the bug report).
        Err(raised) if !raised.is_instance_of::<PyException>(py) => raised,
        // Only if `pterodactyl.errors` cannot be imported: keep the message at least.
        Err(import_failure) => {
            let fallback = PyRuntimeError::new_err(err.to_string());
            fallback.set_cause(py, Some(import_failure));
            fallback
        }
    }
}

/// An input the front refused before the core saw it, reported like the core's own refusals.
pub fn invalid_input(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_pyerr(py, Error::InvalidInput(message.into()))
}

fn build<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let module = ERRORS.get_or_try_init(py, || py.import("pterodactyl.errors").map(Bound::unbind))?.bind(py);
    let kwargs = PyDict::new(py);
    let (class, message) = match err {
        Error::Api { status, errors } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("errors", items(py, errors)?)?;
            (api_class(*status), panel_message(err, errors))
        }
        Error::RateLimited { retry_after, errors } => {
            kwargs.set_item("status", 429)?;
            kwargs.set_item("errors", items(py, errors)?)?;
            kwargs.set_item("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            ("RateLimitedError", panel_message(err, errors))
        }
        Error::Timeout { timeout, phase } => {
            kwargs.set_item("timeout", timeout.as_secs_f64())?;
            kwargs.set_item("phase", *phase)?;
            ("TimeoutError", err.to_string())
        }
        Error::Transport { connect, .. } => {
            kwargs.set_item("connect", connect)?;
            ("ConnectionError", err.to_string())
        }
        Error::Decode { path, .. } => {
            kwargs.set_item("path", path)?;
            ("DecodeError", err.to_string())
        }
        Error::NotJson { status, content_type, snippet, location } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("content_type", content_type)?;
            kwargs.set_item("snippet", snippet)?;
            kwargs.set_item("location", location)?;
            ("NotJsonError", err.to_string())
        }
        Error::InvalidInput(_) => ("InvalidInputError", err.to_string()),
        Error::TooLarge { limit } => {
            kwargs.set_item("limit", limit)?;
            ("TooLargeError", err.to_string())
        }
        Error::Cancelled => ("CancelledError", err.to_string()),
        Error::Wings { status, message, request_id } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("request_id", request_id)?;
            // What a person reads is Wings' own message, as for the panel's `detail`.
            ("WingsError", if message.is_empty() { err.to_string() } else { message.clone() })
        }
        Error::Io { path, source } => {
            kwargs.set_item("errno", source.raw_os_error())?;
            kwargs.set_item("filename", path.as_ref().map(|p| p.display().to_string()))?;
            ("LocalIOError", err.to_string())
        }
        Error::Closed { reason, code } => {
            kwargs.set_item("reason", reason)?;
            kwargs.set_item("code", code)?;
            ("ConsoleClosedError", err.to_string())
        }
        // A kind this front does not know yet still arrives as the base class.
        _ => ("PterodactylError", err.to_string()),
    };
    module.getattr(class)?.call((message,), Some(&kwargs))
}

fn api_class(status: u16) -> &'static str {
    match status {
        401 => "AuthenticationError",
        403 => "PermissionDeniedError",
        404 => "NotFoundError",
        409 => "ConflictError",
        422 => "ValidationError",
        429 => "RateLimitedError",
        _ => "ApiError",
    }
}

/// What a person reads: the panel's own `detail` (every entry's, for a 422 naming several
/// fields), or the core's text when the panel gave none.
fn panel_message(err: &Error, errors: &[ApiErrorItem]) -> String {
    let details: Vec<&str> = errors.iter().map(|e| e.detail.trim()).filter(|d| !d.is_empty()).collect();
    if details.is_empty() {
        err.to_string()
    } else {
        details.join(" ")
    }
}

fn items<'py>(py: Python<'py>, errors: &[ApiErrorItem]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for e in errors {
        let d = PyDict::new(py);
        d.set_item("code", &e.code)?;
        d.set_item("status", &e.status)?;
        d.set_item("detail", &e.detail)?;
        d.set_item("source_field", &e.source_field)?;
        d.set_item("rule", &e.rule)?;
        list.append(d)?;
    }
    Ok(list)
}
