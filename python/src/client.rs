//! The native client and page iterator. Every method that may wait on the network detaches from
//! the interpreter (`py.detach`) while it waits, so other Python threads keep running.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use pterodactyl_client::{Client, ClientOptions, Error, RateLimit, RawPages};
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyBytes, PyDict};
use serde_json::Value;

use crate::convert::{build_answer, page_items, to_value};
use crate::errors::{invalid_input, to_pyerr};

/// A client of one panel with one API key; the public `pterodactyl.Client` wraps it.
///
/// Safe to share between threads: calls run concurrently on one connection pool.
#[pyclass(frozen, module = "pterodactyl._native", name = "Client")]
pub struct NativeClient {
    /// `None` once closed. Each call clones the (reference-counted) core client out of the lock,
    /// so a call in flight finishes even if another thread closes the client meanwhile.
    inner: RwLock<Option<Client>>,
    base_url: String,
}

impl NativeClient {
    pub(crate) fn client(&self, py: Python<'_>) -> PyResult<Client> {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| invalid_input(py, "the client is closed"))
    }
}

/// Seconds (as Python gives them) to whole milliseconds, refusing what cannot be a timeout.
pub(crate) fn millis(py: Python<'_>, name: &str, seconds: f64) -> PyResult<u64> {
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 * 365.0 {
        return Err(invalid_input(py, format!("{name} must be a positive number of seconds, got {seconds}")));
    }
    Ok(((seconds * 1000.0).ceil() as u64).max(1))
}

/// The exception a signal handler raised during a call (Ctrl-C's `KeyboardInterrupt`).
pub(crate) type Caught = Arc<Mutex<Option<PyErr>>>;

/// The client, made to run Python's signal handlers about every 50 ms while a call waits on the
/// panel (`py.detach` keeps them from running otherwise): when a handler raises, the call is
/// abandoned and that exception is what the caller gets (see [`call_error`]). Handlers only run
/// on the main thread; elsewhere the check finds nothing.
pub(crate) fn interruptible(client: &Client) -> (Client, Caught) {
    let caught: Caught = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&caught);
    let client = client.with_cancel_check(move || {
        Python::attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(raised) => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(raised);
                true
            }
        })
    });
    (client, caught)
}

/// The exception for a failed call: the signal handler's own when it cancelled the call.
pub(crate) fn call_error(py: Python<'_>, err: Error, caught: &Caught) -> PyErr {
    if let Error::Cancelled = err {
        if let Some(raised) = caught.lock().unwrap_or_else(PoisonError::into_inner).take() {
            return raised;
        }
    }
    to_pyerr(py, err)
}

/// The `rate_limit` property: `{"limit": ..., "remaining": ...}`, or `None`.
pub(crate) fn rate_limit_dict(
    py: Python<'_>,
    limit: Option<RateLimit>,
) -> PyResult<Option<Bound<'_, PyDict>>> {
    let Some(limit) = limit else { return Ok(None) };
    let d = PyDict::new(py);
    d.set_item("limit", limit.limit)?;
    d.set_item("remaining", limit.remaining)?;
    Ok(Some(d))
}

/// Converts the parameters of a call; `None` means no parameters.
pub(crate) fn json_params(py: Python<'_>, params: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match params {
        None => Ok(Value::Null),
        Some(p) => to_value(p).map_err(|msg| invalid_input(py, msg)),
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        panel_url,
        api_key,
        *,
        timeout = 30.0,
        connect_timeout = 10.0,
        ca_cert_pem = None,
        verify = true,
        max_retries = 3,
        user_agent = None,
        max_response_bytes = 67_108_864,
        max_in_flight = 64,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        panel_url: String,
        api_key: String,
        timeout: f64,
        connect_timeout: f64,
        ca_cert_pem: Option<String>,
        verify: bool,
        max_retries: i64,
        user_agent: Option<String>,
        max_response_bytes: u64,
        max_in_flight: u32,
    ) -> PyResult<Self> {
        let mut options = ClientOptions::default();
        options.timeout_ms = Some(millis(py, "timeout", timeout)?);
        options.connect_timeout_ms = Some(millis(py, "connect_timeout", connect_timeout)?);
        options.max_retries = Some(u32::try_from(max_retries).map_err(|_| {
            invalid_input(py, format!("max_retries must be between 0 and {}, got {max_retries}", u32::MAX))
        })?);
        options.ca_cert_pem = ca_cert_pem;
        options.accept_invalid_certs = Some(!verify);
        options.user_agent = user_agent;
        options.max_response_bytes = Some(max_response_bytes);
        options.max_in_flight = Some(max_in_flight);
        // Setting up the connection pool starts a thread and may read certificates.
        let client = py
            .detach(move || Client::builder(&panel_url, &api_key).options(&options).build())
            .map_err(|e| to_pyerr(py, e))?;
        Ok(NativeClient { base_url: client.base_url().to_owned(), inner: RwLock::new(Some(client)) })
    }

    /// A client on the same connections and settings whose requests may each take `timeout`
    /// seconds instead. Closing either leaves the other usable.
    fn with_timeout(&self, py: Python<'_>, timeout: f64) -> PyResult<NativeClient> {
        let ms = millis(py, "timeout", timeout)?;
        let client = self.client(py)?.with_timeout(Duration::from_millis(ms));
        Ok(NativeClient { base_url: self.base_url.clone(), inner: RwLock::new(Some(client)) })
    }

    /// The async twin on the same connections' settings, key and rate-limit record: every
    /// call answers an awaitable (see `asynchronous.rs`).
    fn to_async(&self, py: Python<'_>) -> PyResult<crate::asynchronous::NativeAsyncClient> {
        Ok(crate::asynchronous::NativeAsyncClient::new(self.client(py)?.to_async()))
    }

    /// The API root this client talks to (`…/api/client`).
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.read().unwrap_or_else(PoisonError::into_inner).is_none()
    }

    /// The panel's rate-limit headers from the most recent answer, if it sent them.
    #[getter]
    fn rate_limit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        rate_limit_dict(py, self.client(py)?.rate_limit())
    }

    /// Calls any operation of the table by its id with one flat dict of parameters.
    #[pyo3(signature = (op_id, params = None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op_id: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = json_params(py, params)?;
        let (client, caught) = interruptible(&self.client(py)?);
        let op_id = op_id.to_owned();
        // The network wait runs detached; the answer is then built straight into Python objects.
        let raw =
            py.detach(move || client.call_raw(&op_id, value)).map_err(|e| call_error(py, e, &caught))?;
        build_answer(py, &raw).map_err(|e| to_pyerr(py, e))
    }

    /// Like `call`, for an operation that answers raw bytes (`server.files.contents`).
    #[pyo3(signature = (op_id, params = None))]
    fn call_bytes<'py>(
        &self,
        py: Python<'py>,
        op_id: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let value = json_params(py, params)?;
        let (client, caught) = interruptible(&self.client(py)?);
        let op_id = op_id.to_owned();
        let raw =
            py.detach(move || client.call_raw(&op_id, value)).map_err(|e| call_error(py, e, &caught))?;
        Ok(PyBytes::new(py, &raw.into_bytes()))
    }

    /// Like `call`, for an operation that sends `content` as its raw body (`server.files.write`).
    #[pyo3(signature = (op_id, params, content))]
    fn call_content<'py>(
        &self,
        py: Python<'py>,
        op_id: &str,
        params: Option<&Bound<'py, PyAny>>,
        content: &[u8],
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = json_params(py, params)?;
        let content = content.to_vec();
        let (client, caught) = interruptible(&self.client(py)?);
        let op_id = op_id.to_owned();
        let raw = py
            .detach(move || client.call_raw_with_content(&op_id, value, content))
            .map_err(|e| call_error(py, e, &caught))?;
        build_answer(py, &raw).map_err(|e| to_pyerr(py, e))
    }

    /// Every item of a paginated operation, page after page, lazily.
    #[pyo3(signature = (op_id, params = None))]
    fn iter(&self, py: Python<'_>, op_id: &str, params: Option<&Bound<'_, PyAny>>) -> PyResult<PageIterator> {
        let value = json_params(py, params)?;
        let (client, caught) = interruptible(&self.client(py)?);
        let pages = client.iter_pages(op_id, value).map_err(|e| to_pyerr(py, e))?;
        let walk = Walk { pages, items: Vec::new().into_iter() };
        Ok(PageIterator { op_id: op_id.to_owned(), walk: Mutex::new(walk), caught })
    }

    /// Closes the connection pool. Later calls raise `InvalidInputError`; calls in flight finish.
    fn close(&self, py: Python<'_>) {
        let client = self.inner.write().unwrap_or_else(PoisonError::into_inner).take();
        // Dropping the last handle joins the pool's thread: do it without holding the interpreter.
        py.detach(move || drop(client));
    }

    fn __repr__(&self) -> String {
        // Never the key: the base URL is all that identifies the client.
        format!("<pterodactyl._native.Client base_url={:?}>", self.base_url)
    }
}

/// Iterates over every item of a paginated list, fetching the next page (with the same filters)
/// only when the current one is used up. Each page is built as a call's answer is (interned keys,
/// no `Value` in between) and its items handed out one by one.
#[pyclass(frozen, module = "pterodactyl._native")]
pub struct PageIterator {
    op_id: String,
    walk: Mutex<Walk>,
    caught: Caught,
}

/// The pages still to fetch and the items of the page in hand.
struct Walk {
    pages: RawPages,
    items: std::vec::IntoIter<Py<PyAny>>,
}

#[pymethods]
impl PageIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // Held until the item is out, page fetch included, so that threads sharing the iterator
        // see every item once and in order; a thread waiting for it waits detached.
        let mut walk = self.walk.lock_py_attached(py).unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(item) = walk.items.next() {
                return Ok(Some(item.into_bound(py)));
            }
            let pages = &mut walk.pages;
            match py.detach(|| pages.next()) {
                None => return Ok(None),
                Some(Ok(page)) => {
                    walk.items = page_items(py, &page).map_err(|e| to_pyerr(py, e))?.into_iter();
                }
                Some(Err(e)) => return Err(call_error(py, e, &self.caught)),
            }
        }
    }

    fn __repr__(&self) -> String {
        format!("<pterodactyl._native.PageIterator op_id={:?}>", self.op_id)
    }
}
