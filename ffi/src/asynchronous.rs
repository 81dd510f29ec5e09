//! Calls that do not block: `ptero_call_submit` starts a call and returns at once with a
//! [`PteroRequest`]; its outcome is polled (`ptero_request_poll`, `ptero_request_take`) from the
//! caller's own thread — a game server's tick drains finished calls with a timeout of 0 — or
//! handed to a callback on a library thread. `ptero_request_cancel` abandons a call and
//! `ptero_request_free` releases the handle.
//!
//! The calls run on the core's [`AsyncClient`](pterodactyl_client::AsyncClient) (the same
//! checks, retries, errors and JSON as `ptero_call`), driven by one runtime the library starts
//! on first use: two worker threads for I/O and a pool of threads for callbacks.

use std::ffi::{c_char, c_void, CString};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use pterodactyl_client::{Client, Error};
use serde_json::Value;
use tokio::runtime::Runtime;
use tokio::task::AbortHandle;

use crate::boundary::{arg, catch, out_slot, set_last_error, Failure};
use crate::{PteroClient, PteroStatus};

/// Called once when a submitted call finishes (not when it was cancelled or its request freed
/// first), on one of the library's threads, with the request and the `user_data` given to
/// `ptero_call_submit`. The call's outcome is ready: `ptero_request_take` hands it over without
/// waiting. The callback may block and may call any function of this library, including
/// `ptero_request_free` on its own request (which must then not be used again, by anyone).
/// NULL where a callback is optional means none.
pub type PteroCallback = Option<unsafe extern "C" fn(request: *mut PteroRequest, user_data: *mut c_void)>;

/// A call submitted with `ptero_call_submit`. Opaque; freed with `ptero_request_free`.
///
/// Thread safety: the functions taking a request may be called from any thread, also at once;
/// only `ptero_request_free` must be the last of them. `ptero_request_poll` takes a
/// `const PteroRequest *` and changes nothing; `ptero_request_take` and `ptero_request_cancel`
/// change the request.
pub struct PteroRequest {
    state: Arc<State>,
}

/// What the caller's handle and the running call share.
struct State {
    slot: Mutex<Slot>,
    changed: Condvar,
}

#[derive(Default)]
struct Slot {
    /// The call's status and out-string (`None` once taken); `None` while it runs.
    outcome: Option<(PteroStatus, Option<CString>)>,
    /// Set to abandon the running call.
    abort: Option<AbortHandle>,
    /// Whether the call's future still exists (so its connection and its place among the
    /// client's calls in flight are still held).
    running: bool,
    /// `ptero_call_submit` has handed the request out (the callback waits for that).
    published: bool,
    /// `ptero_request_free` was called: no callback any more.
    freed: bool,
    /// The thread running the callback right now.
    in_callback: Option<ThreadId>,
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits (on `changed`) while `blocked` says so, up to `deadline` (`None`: for as long as it
    /// takes).
    fn wait_while<'a>(
        &'a self,
        mut slot: MutexGuard<'a, Slot>,
        deadline: Option<Instant>,
        blocked: impl Fn(&Slot) -> bool,
    ) -> MutexGuard<'a, Slot> {
        while blocked(&slot) {
            slot = match deadline {
                None => self.changed.wait(slot).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    self.changed.wait_timeout(slot, left).unwrap_or_else(PoisonError::into_inner).0
                }
            };
        }
        slot
    }

    /// Records the outcome unless the call was cancelled first; answers whether it did.
    fn finish(&self, status: PteroStatus, json: String) -> bool {
        let mut slot = self.lock();
        if slot.outcome.is_some() {
            return false;
        }
        slot.outcome = Some((status, Some(c_string(json))));
        self.changed.notify_all();
        true
    }

    /// Abandons the running call: its outcome becomes `PTERO_STATUS_CANCELLED`. Waits until
    /// the call's future is gone (its connection closed, its place free), so that a call
    /// submitted right after finds the place.
    fn cancel(&self) -> PteroStatus {
        let mut slot = self.lock();
        if slot.outcome.is_none() {
            let failure = Failure::Error(Error::Cancelled);
            slot.outcome = Some((failure.status(), Some(c_string(failure.to_json()))));
            if let Some(abort) = &slot.abort {
                abort.abort();
            }
            self.changed.notify_all();
        }
        let slot = self.wait_while(slot, None, |s| s.running);
        slot.outcome.as_ref().map_or(PteroStatus::Cancelled, |(status, _)| *status)
    }
}

/// Marks the call's future as gone when it is dropped, finished or aborted.
struct Running(Arc<State>);

/// The task of a submitted call. Fields drop in order: the call (its connection, its place
/// among the calls in flight) strictly before [`Running`] says it is gone, also when the task
/// is aborted before it ever ran.
struct Guarded {
    work: Pin<Box<dyn Future<Output = ()> + Send>>,
    _running: Running,
}

impl Future for Guarded {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.work.as_mut().poll(cx)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut slot = self.0.lock();
        slot.running = false;
        self.0.changed.notify_all();
    }
}

/// The callback's arguments, carried to the thread that runs it.
struct Notify {
    callback: unsafe extern "C" fn(request: *mut PteroRequest, user_data: *mut c_void),
    request: *mut PteroRequest,
    user_data: *mut c_void,
}

// SAFETY: the request handle is thread-safe (see `PteroRequest`) and stays allocated until the
// callback has returned (`ptero_request_free` waits for it); `user_data` is the caller's, who
// agreed that the callback runs on another thread.
unsafe impl Send for Notify {}

impl Notify {
    /// Runs the callback unless the request was freed meanwhile, and tells a waiting
    /// `ptero_request_free` when it is over.
    fn run(self, state: &State) {
        {
            let mut slot = state.wait_while(state.lock(), None, |s| !s.published);
            if slot.freed {
                return;
            }
            slot.in_callback = Some(std::thread::current().id());
        }
        // SAFETY: a callback of the caller's, called as its documentation says.
        unsafe { (self.callback)(self.request, self.user_data) };
        let mut slot = state.lock();
        slot.in_callback = None;
        state.changed.notify_all();
    }
}

/// The library's runtime for submitted calls, started on first use.
fn runtime() -> Result<&'static Runtime, Error> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let made = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ptero-async")
        .enable_all()
        .build()
        .map_err(|e| Error::Transport {
            message: format!("could not start the async runtime: {e}"),
            connect: false,
        })?;
    Ok(RUNTIME.get_or_init(|| made))
}

fn c_string(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|&b| b != 0);
        CString::new(bytes).unwrap_or_default()
    })
}

/// Starts any operation by its id (as `ptero_call`) without waiting for it, and returns at once.
///
/// On `PTERO_STATUS_OK`, `*out_request` is a new request the caller frees with
/// `ptero_request_free`. Its outcome — the same status and out-string `ptero_call` would have
/// given, including `PTERO_STATUS_INVALID_ARGUMENT` for a NULL `op_id`, malformed
/// `params_json`, an unknown operation or a bad parameter — comes from `ptero_request_poll` /
/// `ptero_request_take` on any thread, and, when `callback` is not NULL, is announced by a call
/// of `callback(request, user_data)` on one of the library's threads (see `PteroCallback`).
///
/// Otherwise no request is made, `*out_request` is NULL, and `ptero_last_error()` returns the
/// error object: `PTERO_STATUS_BUSY` when the client already has `max_in_flight` calls in
/// flight (an option of `ptero_client_new`, default 64; try again when one has finished), or
/// `PTERO_STATUS_INVALID_ARGUMENT` for a NULL `client` or `out_request`.
///
/// The request does not borrow `client`: the client may be freed while calls run. Cancelling
/// a call or freeing its request frees its place at once.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated; `out_request` is NULL
/// or writable; `callback`, when not NULL, is safe to call from another thread with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn ptero_call_submit(
    client: *const PteroClient,
    op_id: *const c_char,
    params_json: *const c_char,
    callback: PteroCallback,
    user_data: *mut c_void,
    out_request: *mut *mut PteroRequest,
) -> PteroStatus {
    // SAFETY: `out_request` is NULL or writable (the caller's promise).
    let Some(out) = (unsafe { out_slot(out_request) }) else {
        set_last_error(Some(&Failure::Error(Error::InvalidInput("`out_request` is NULL".into()))));
        return PteroStatus::InvalidArgument;
    };
    let started = catch(|| {
        let client: &Client = arg!(client);
        let rt = runtime()?;
        // The arguments are read here, but a refusal is the request's outcome, like any other.
        let args = catch(|| {
            let op_id: &str = arg!(op_id);
            let params: Value = arg!(params_json);
            Ok((op_id.to_owned(), params))
        });
        let call = match args {
            Ok((op_id, params)) => Ok(client.to_async().try_call_raw(&op_id, params)?),
            Err(refused) => Err(refused),
        };
        let state = Arc::new(State {
            slot: Mutex::new(Slot { running: true, ..Slot::default() }),
            changed: Condvar::new(),
        });
        let request = Box::into_raw(Box::new(PteroRequest { state: Arc::clone(&state) }));
        let notify = callback.map(|callback| Notify { callback, request, user_data });
        let running = Running(Arc::clone(&state));
        let shared = Arc::clone(&state);
        let work = async move {
            let (status, json) = match call {
                Ok(call) => {
                    // The same text as `ptero_call`'s (see `typed::call`).
                    let outcome = call.await;
                    match catch(|| outcome?.to_json()) {
                        Ok(json) => (PteroStatus::Ok, json),
                        Err(failure) => (failure.status(), failure.to_json()),
                    }
                }
                Err(failure) => (failure.status(), failure.to_json()),
            };
            if state.finish(status, json) {
                if let Some(notify) = notify {
                    let state = Arc::clone(&state);
                    tokio::task::spawn_blocking(move || notify.run(&state));
                }
            }
        };
        let task = rt.spawn(Guarded { work: Box::pin(work), _running: running });
        shared.lock().abort = Some(task.abort_handle());
        Ok((request, shared))
    });
    match started {
        Ok((request, state)) => {
            set_last_error(None);
            *out = request;
            state.lock().published = true;
            state.changed.notify_all();
            PteroStatus::Ok
        }
        Err(failure) => {
            set_last_error(Some(&failure));
            failure.status()
        }
    }
}

/// Reads the request handle, or `None` for NULL.
///
/// # Safety
/// `request` is NULL or a live request.
unsafe fn request_arg<'a>(request: *const PteroRequest) -> Option<&'a PteroRequest> {
    // SAFETY: the caller's promise.
    unsafe { request.as_ref() }
}

/// Waits up to `timeout_ms` milliseconds for the call to finish, and answers
/// `PTERO_STATUS_PENDING` if it has not, or else the status it finished with (the one
/// `ptero_request_take` returns; also after the outcome was taken). A `timeout_ms` of 0 only
/// looks (a game's tick); a negative one waits for as long as it takes. NULL `request` is
/// `PTERO_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn ptero_request_poll(request: *const PteroRequest, timeout_ms: i64) -> PteroStatus {
    // SAFETY: forwarded from the caller.
    let Some(request) = (unsafe { request_arg(request) }) else {
        return PteroStatus::InvalidArgument;
    };
    let polled = catch(|| {
        let deadline = u64::try_from(timeout_ms).ok().map(|ms| Instant::now() + Duration::from_millis(ms));
        let state = &request.state;
        let slot = state.wait_while(state.lock(), deadline, |s| s.outcome.is_none());
        Ok(slot.outcome.as_ref().map_or(PteroStatus::Pending, |(status, _)| *status))
    });
    polled.unwrap_or_else(|failure| failure.status())
}

/// Hands over the outcome of a finished call without waiting: its status, and in `*out_json`
/// the result or the error object, exactly as `ptero_call` gives them (the caller frees it with
/// `ptero_string_free`).
///
/// While the call runs: `PTERO_STATUS_PENDING` and `*out_json` NULL. Once the outcome was
/// taken: `PTERO_STATUS_INVALID_ARGUMENT` with an error object saying so. A cancelled call's
/// outcome is `PTERO_STATUS_CANCELLED` with its error object.
///
/// # Safety
/// `request` is NULL or a live request; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_request_take(
    request: *mut PteroRequest,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let Some(out) = (unsafe { out_slot(out_json) }) else {
        return PteroStatus::InvalidArgument;
    };
    let taken = catch(|| {
        // SAFETY: forwarded from the caller.
        let Some(request) = (unsafe { request_arg(request) }) else {
            return Err(Error::InvalidInput("`request` is NULL".into()));
        };
        let mut slot = request.state.lock();
        match &mut slot.outcome {
            None => Ok(None),
            Some((status, json)) => match json.take() {
                Some(json) => Ok(Some((*status, json))),
                None => Err(Error::InvalidInput("the outcome of this request was already taken".into())),
            },
        }
    });
    let (status, json) = match taken {
        Ok(None) => return PteroStatus::Pending,
        Ok(Some(outcome)) => outcome,
        Err(failure) => (failure.status(), c_string(failure.to_json())),
    };
    *out = json.into_raw();
    status
}

/// Abandons the call if it is still running: its connection is closed, its place among the
/// client's calls in flight is free when this returns, and its outcome becomes
/// `PTERO_STATUS_CANCELLED` (the callback, if any, is not called). A request that was already
/// sent may still take effect on the panel. Answers the request's status afterwards:
/// `PTERO_STATUS_CANCELLED`, or the status the call had already finished with. The request must
/// still be freed. NULL is `PTERO_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn ptero_request_cancel(request: *mut PteroRequest) -> PteroStatus {
    // SAFETY: forwarded from the caller.
    let Some(request) = (unsafe { request_arg(request) }) else {
        return PteroStatus::InvalidArgument;
    };
    catch(|| Ok(request.state.cancel())).unwrap_or_else(|failure| failure.status())
}

/// Frees a request, cancelling its call first if it still runs (as `ptero_request_cancel`).
/// NULL is ignored. If the callback is running on another thread, waits for it to return;
/// afterwards the callback is never called. Also allowed from inside the request's own
/// callback.
///
/// # Safety
/// `request` is NULL or a request from `ptero_call_submit` that was not freed yet; it must not
/// be used after.
#[no_mangle]
pub unsafe extern "C" fn ptero_request_free(request: *mut PteroRequest) {
    if request.is_null() {
        return;
    }
    let _ = catch(|| {
        // SAFETY: `request` came from `Box::into_raw` in `ptero_call_submit` (the caller's promise).
        let handle = unsafe { Box::from_raw(request) };
        let state = &handle.state;
        state.lock().freed = true;
        state.cancel();
        let me = std::thread::current().id();
        drop(state.wait_while(state.lock(), None, |s| s.in_callback.is_some_and(|t| t != me)));
        drop(handle);
        Ok(())
    });
}
