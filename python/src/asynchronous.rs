//! The native async client and page iterator, for `pterodactyl.AsyncClient`.
//!
//! Each call is the core's [`AsyncClient`] future, run on the tokio runtime of
//! pyo3-async-runtimes; the awaitable it hands to Python is an `asyncio.Future` of the running
//! event loop, completed on the loop's thread (see [`bridge`]). Nothing here blocks the loop: the request, its retries
//! and their waits run on the runtime's threads, and the answer is turned into Python objects
//! (or into the exception of `pterodactyl.errors`) only when it is handed over. Cancelling the
//! asyncio task cancels the future, which drops the call (its connection is closed).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use pterodactyl_client::{AsyncClient, Error, Raw, RawPageStream};
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::bridge;
use crate::client::{json_params, millis, rate_limit_dict};
use crate::convert::{build_answer, page_items};
use crate::errors::{invalid_input, to_pyerr};

/// The async twin of the native `Client` (made by its `to_async`); `pterodactyl.AsyncClient`
/// wraps it. Every call answers an awaitable.
#[pyclass(frozen, module = "pterodactyl._native", name = "AsyncClient")]
pub struct NativeAsyncClient {
    /// `None` once closed; each call clones the client out, so calls in flight finish.
    inner: RwLock<Option<AsyncClient>>,
    base_url: String,
}

impl NativeAsyncClient {
    pub(crate) fn new(client: AsyncClient) -> Self {
        NativeAsyncClient { base_url: client.base_url().to_owned(), inner: RwLock::new(Some(client)) }
    }

    fn client(&self, py: Python<'_>) -> PyResult<AsyncClient> {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| invalid_input(py, "the client is closed"))
    }
}

/// What a call hands back, converted to Python objects on the event loop's thread only when
/// it is handed over.
enum Delivered {
    /// An answer in the one shape: dicts and lists.
    Shaped(Raw),
    /// A raw answer: `bytes`.
    Bytes(Raw),
}

/// The awaitable of one call.
fn awaitable<'py, F>(py: Python<'py>, call: F, deliver: fn(Raw) -> Delivered) -> PyResult<Bound<'py, PyAny>>
where
    F: std::future::Future<Output = Result<Raw, Error>> + Send + 'static,
{
    bridge::awaitable(py, async move {
        let outcome = call.await.map(deliver);
        Box::new(move |py: Python<'_>| match outcome {
            Ok(Delivered::Shaped(raw)) => {
                build_answer(py, &raw).map(Bound::unbind).map_err(|e| to_pyerr(py, e))
            }
            Ok(Delivered::Bytes(raw)) => Ok(PyBytes::new(py, &raw.into_bytes()).into_any().unbind()),
            Err(e) => Err(to_pyerr(py, e)),
        }) as bridge::Handover
    })
}

#[pymethods]
impl NativeAsyncClient {
    /// An async client on the same connections and settings whose requests may each take
    /// `timeout` seconds instead.
    fn with_timeout(&self, py: Python<'_>, timeout: f64) -> PyResult<NativeAsyncClient> {
        let ms = millis(py, "timeout", timeout)?;
        Ok(NativeAsyncClient::new(self.client(py)?.with_timeout(Duration::from_millis(ms))))
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

    /// Calls any operation by its id; an awaitable of the answer in the one shape.
    #[pyo3(signature = (op_id, params = None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op_id: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.client(py)?.call_raw(op_id, json_params(py, params)?);
        awaitable(py, call, Delivered::Shaped)
    }

    /// Like `call`, for an operation that answers raw bytes (`server.files.contents`).
    #[pyo3(signature = (op_id, params = None))]
    fn call_bytes<'py>(
        &self,
        py: Python<'py>,
        op_id: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = self.client(py)?.call_raw(op_id, json_params(py, params)?);
        awaitable(py, call, Delivered::Bytes)
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
        let call = self.client(py)?.call_raw_with_content(op_id, value, content.to_vec());
        awaitable(py, call, Delivered::Shaped)
    }

    /// Every item of a paginated operation, page after page, as an async iterator.
    #[pyo3(signature = (op_id, params = None))]
    fn iter(
        &self,
        py: Python<'_>,
        op_id: &str,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncPageIterator> {
        let value = json_params(py, params)?;
        let pages = self.client(py)?.iter_pages(op_id, value).map_err(|e| to_pyerr(py, e))?;
        let walk = AsyncWalk { pages, items: Vec::new().into_iter() };
        Ok(AsyncPageIterator { op_id: op_id.to_owned(), walk: Arc::new(tokio::sync::Mutex::new(walk)) })
    }

    /// Releases the client. Later calls raise `InvalidInputError`; calls in flight finish.
    fn close(&self, py: Python<'_>) {
        let client = self.inner.write().unwrap_or_else(PoisonError::into_inner).take();
        py.detach(move || drop(client));
    }

    fn __repr__(&self) -> String {
        // Never the key: the base URL is all that identifies the client.
        format!("<pterodactyl._native.AsyncClient base_url={:?}>", self.base_url)
    }
}

/// Iterates (`async for`) over every item of a paginated list, fetching the next page (with the
/// same filters) only when the current one is used up. Each page is built as a call's answer is
/// and its items handed out one by one.
#[pyclass(frozen, module = "pterodactyl._native")]
pub struct AsyncPageIterator {
    op_id: String,
    /// Taken by one `__anext__` at a time, across its await and until its item is handed over,
    /// so concurrent `__anext__`s see every item once and in order.
    walk: Arc<tokio::sync::Mutex<AsyncWalk>>,
}

/// The pages still to fetch and the items of the page in hand.
struct AsyncWalk {
    pages: RawPageStream,
    items: std::vec::IntoIter<Py<PyAny>>,
}

#[pymethods]
impl AsyncPageIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let walk = Arc::clone(&self.walk);
        bridge::awaitable(py, async move {
            let mut walk = walk.lock_owned().await;
            let fetched = match walk.items.len() {
                0 => walk.pages.next().await,
                _ => None,
            };
            // The page is built (and the lock let go) on the loop's thread, with the GIL.
            Box::new(move |py: Python<'_>| {
                match fetched {
                    Some(Ok(page)) => {
                        walk.items = page_items(py, &page).map_err(|e| to_pyerr(py, e))?.into_iter()
                    }
                    Some(Err(e)) => return Err(to_pyerr(py, e)),
                    None => {}
                }
                walk.items.next().ok_or_else(|| PyStopAsyncIteration::new_err(()))
            }) as bridge::Handover
        })
    }

    fn __repr__(&self) -> String {
        format!("<pterodactyl._native.AsyncPageIterator op_id={:?}>", self.op_id)
    }
}
