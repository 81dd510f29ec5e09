//! How a Rust future becomes an awaitable of the running asyncio event loop, cheaply.
//!
//! pyo3-async-runtimes' `future_into_py` completes every call from a blocking thread that takes
//! the GIL, converts the answer while the loop waits for the GIL, and wakes the loop with
//! `call_soon_threadsafe`: per call, a thread handoff, a GIL handoff and a self-pipe write.
//! With many calls in flight that is most of the cost of a call. Here a finished call takes no
//! GIL at all: the runtime thread queues its outcome in the loop's [`Inbox`] and, if the inbox
//! was empty, writes one byte to a socket the loop watches (`loop.add_reader`). The loop then
//! hands over every queued outcome in one go, converting each answer to Python objects on its
//! own thread: one wake-up for a whole burst of answers. The awaitable is a `_PendingCall`, an
//! asyncio future whose `cancel` stops the call's task (no done-callback to schedule per call).
//!
//! Where a loop cannot watch a socket (Windows' proactor loop) or cannot be weakly referenced,
//! calls fall back to `future_into_py`, which behaves the same, only slower.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyWeakrefReference;

/// Turns a finished call's outcome into the awaitable's result (`Ok`) or exception (`Err`).
/// Runs on the event loop's thread, with the GIL.
pub(crate) type Handover = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// An awaitable of the running event loop that completes with what `call` hands over.
/// Cancelling it (the asyncio task awaiting it being cancelled) drops `call`.
pub(crate) fn awaitable<'py, F>(py: Python<'py>, call: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Handover> + Send + 'static,
{
    let event_loop = running_loop(py)?;
    match inbox_of(&event_loop)? {
        Some(inbox) => {
            // `_PendingCall` is an asyncio future of the running loop whose `cancel` also aborts
            // the call's task (asyncio cancels the future a cancelled task waits on).
            static PENDING_CALL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            let future = PENDING_CALL.import(py, "pterodactyl._async_client", "_PendingCall")?.call0()?;
            let waiting = future.clone().unbind();
            let task = pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
                let handover = call.await;
                inbox.deliver(waiting, handover);
            });
            future.setattr(pyo3::intern!(py, "_abort"), Abort(task.abort_handle()))?;
            Ok(future)
        }
        None => pyo3_async_runtimes::tokio::future_into_py(py, async move { Ok(Slow(call.await)) }),
    }
}

/// The running loop, or the `RuntimeError` asyncio raises outside one.
fn running_loop<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()
}

/// A loop's inbox, or `None` when the loop cannot have one.
type LoopInbox = Option<Arc<Inbox>>;

/// The inbox of `event_loop`, made (and registered with the loop) on its first call; `None`
/// where the loop cannot have one.
fn inbox_of(event_loop: &Bound<'_, PyAny>) -> PyResult<LoopInbox> {
    thread_local! {
        /// The loop this thread called from last (weakly) and its inbox: the registry's answer
        /// without asking it, on every call but the first of a loop.
        static LAST: RefCell<Option<(Py<PyWeakrefReference>, LoopInbox)>> = const { RefCell::new(None) };
    }
    let py = event_loop.py();
    let hit = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(weak, _)| weak.bind(py).upgrade().is_some_and(|l| l.is(event_loop)))
            .map(|(_, inbox)| inbox.clone())
    });
    if let Some(inbox) = hit {
        return Ok(inbox);
    }
    let inbox = registered_inbox(event_loop)?;
    if let Ok(weak) = PyWeakrefReference::new(event_loop) {
        LAST.set(Some((weak.unbind(), inbox.clone())));
    }
    Ok(inbox)
}

/// The registry's inbox of `event_loop` (a weak mapping, forgotten with the loop), made on the
/// loop's first call.
fn registered_inbox(event_loop: &Bound<'_, PyAny>) -> PyResult<LoopInbox> {
    let py = event_loop.py();
    static INBOXES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let inboxes = INBOXES
        .get_or_try_init(py, || {
            py.import("weakref")?.getattr("WeakKeyDictionary")?.call0().map(Bound::unbind)
        })?
        .bind(py);
    let known = match inboxes.call_method1(pyo3::intern!(py, "get"), (event_loop,)) {
        Ok(known) => known,
        // A loop that cannot be weakly referenced.
        Err(_) => return Ok(None),
    };
    if let Ok(handle) = known.cast::<InboxHandle>() {
        return Ok(handle.get().0.clone());
    }
    let inbox = Inbox::open(event_loop);
    let handle = Bound::new(py, InboxHandle(inbox.clone()))?;
    inboxes.set_item(event_loop, handle)?;
    Ok(inbox)
}

/// What a loop's entry in the registry holds: its inbox, or `None` when it cannot have one
/// (so that is found out once per loop).
#[pyclass(frozen, module = "pterodactyl._native")]
struct InboxHandle(Option<Arc<Inbox>>);

/// The finished calls of one event loop, waiting to be handed over on its thread.
struct Inbox {
    finished: Mutex<Vec<(Py<PyAny>, Handover)>>,
    /// A wake-up byte is on its way: later calls only queue.
    armed: AtomicBool,
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    woken: std::os::unix::net::UnixStream,
}

impl Inbox {
    /// An inbox whose socket `event_loop` watches; `None` if the loop cannot watch one.
    #[cfg(unix)]
    fn open(event_loop: &Bound<'_, PyAny>) -> Option<Arc<Inbox>> {
        use std::os::fd::AsRawFd;
        let (wake, woken) = std::os::unix::net::UnixStream::pair().ok()?;
        wake.set_nonblocking(true).ok()?;
        woken.set_nonblocking(true).ok()?;
        let fd = woken.as_raw_fd();
        let inbox =
            Arc::new(Inbox { finished: Mutex::new(Vec::new()), armed: AtomicBool::new(false), wake, woken });
        let py = event_loop.py();
        let drain = Bound::new(py, Drain(inbox.clone())).ok()?;
        // The loop keeps `drain`, and so the inbox, until the loop is closed.
        event_loop.call_method1(pyo3::intern!(py, "add_reader"), (fd, drain)).ok()?;
        Some(inbox)
    }

    #[cfg(not(unix))]
    fn open(_event_loop: &Bound<'_, PyAny>) -> Option<Arc<Inbox>> {
        None
    }

    /// Queues a finished call (any thread, no GIL) and wakes the loop if it is not woken yet.
    fn deliver(&self, future: Py<PyAny>, handover: Handover) {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).push((future, handover));
        if !self.armed.swap(true, Ordering::SeqCst) {
            #[cfg(unix)]
            {
                use std::io::Write;
                // One byte is ever pending, so the socket's buffer cannot be full.
                let _ = (&self.wake).write(&[1]);
            }
        }
    }

    /// Hands every queued outcome over to its future (the loop's thread, with the GIL).
    fn drain(&self, py: Python<'_>) {
        #[cfg(unix)]
        {
            use std::io::Read;
            let mut bytes = [0u8; 64];
            while matches!((&self.woken).read(&mut bytes), Ok(n) if n > 0) {}
        }
        // Disarmed before the queue is taken: a call finishing after the take wakes the loop
        // again, one finishing before it is in the batch.
        self.armed.store(false, Ordering::SeqCst);
        let batch = std::mem::take(&mut *self.finished.lock().unwrap_or_else(PoisonError::into_inner));
        for (future, handover) in batch {
            let future = future.into_bound(py);
            // Cancelled meanwhile: nobody waits for the outcome.
            if future.call_method0(pyo3::intern!(py, "done")).and_then(|d| d.is_truthy()).unwrap_or(true) {
                continue;
            }
            let _ = match handover(py) {
                Ok(value) => future.call_method1(pyo3::intern!(py, "set_result"), (value,)),
                Err(err) => future.call_method1(pyo3::intern!(py, "set_exception"), (err.into_value(py),)),
            };
        }
    }
}

/// The loop's reader callback of an inbox.
#[pyclass(frozen, module = "pterodactyl._native")]
struct Drain(Arc<Inbox>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        self.0.drain(py);
    }
}

/// Stops the task of a call: what `_PendingCall.cancel` calls.
#[pyclass(frozen, module = "pterodactyl._native")]
struct Abort(tokio::task::AbortHandle);

#[pymethods]
impl Abort {
    fn __call__(&self) {
        self.0.abort();
    }
}

/// A handover for `future_into_py`, which converts on its own thread with the GIL.
struct Slow(Handover);

impl<'py> IntoPyObject<'py> for Slow {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        (self.0)(py).map(|v| v.into_bound(py))
    }
}
