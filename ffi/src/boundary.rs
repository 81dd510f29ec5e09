//! The one panic boundary ([`catch`]) and the one argument check ([`arg!`]) that every exported
//! function goes through, and the one place where results and errors become C strings.

use std::any::Any;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use pterodactyl_client::{Client, Error};
use serde_json::{Map, Value};

use crate::{PteroClient, PteroStatus};

/// Why a call failed: an error of the core, or a panic stopped at the boundary.
pub(crate) enum Failure {
    Error(Error),
    Panic(String),
}

impl Failure {
    /// The status a C caller sees. The core's `Error` is `#[non_exhaustive]`: a kind added there
    /// before this front learns it comes out as `PTERO_STATUS_OTHER`, with its `kind` in the JSON.
    pub(crate) fn status(&self) -> PteroStatus {
        match self {
            Failure::Panic(_) => PteroStatus::Panic,
            Failure::Error(err) => match err {
                Error::InvalidInput(_) => PteroStatus::InvalidArgument,
                Error::Api { .. } => PteroStatus::ApiError,
                Error::RateLimited { .. } => PteroStatus::RateLimited,
                Error::Timeout { .. } => PteroStatus::Timeout,
                Error::Transport { .. } => PteroStatus::Transport,
                Error::Decode { .. } => PteroStatus::Decode,
                Error::NotJson { .. } => PteroStatus::NotJson,
                Error::TooLarge { .. } => PteroStatus::TooLarge,
                Error::Cancelled => PteroStatus::Cancelled,
                Error::Busy { .. } => PteroStatus::Busy,
                Error::Wings { .. } => PteroStatus::WingsError,
                Error::Io { .. } => PteroStatus::Io,
                Error::Closed { .. } => PteroStatus::Closed,
                _ => PteroStatus::Other,
            },
        }
    }

    /// The error object written to the out-string: `{"status", "kind", "http_status", "message",
    /// "retry_after", "errors"}`, the same keys for every failure.
    pub(crate) fn to_json(&self) -> String {
        let (kind, http_status, message, retry_after, errors) = match self {
            Failure::Error(err) => {
                let retry_after = match err {
                    Error::RateLimited { retry_after, .. } => retry_after.map(|d| Value::from(d.as_secs())),
                    _ => None,
                };
                let errors = serde_json::to_value(err.api_errors()).unwrap_or_default();
                (err.kind(), err.status().map(Value::from), err.to_string(), retry_after, errors)
            }
            Failure::Panic(msg) => (
                "panic",
                None,
                format!("internal error in libpterodactyl (please report it): {msg}"),
                None,
                Value::Null,
            ),
        };
        let mut obj = Map::with_capacity(6);
        obj.insert("status".into(), Value::from(self.status().name()));
        obj.insert("kind".into(), Value::from(kind));
        obj.insert("http_status".into(), http_status.unwrap_or(Value::Null));
        obj.insert("message".into(), Value::from(message));
        obj.insert("retry_after".into(), retry_after.unwrap_or(Value::Null));
        obj.insert("errors".into(), if errors.is_array() { errors } else { Value::Array(Vec::new()) });
        Value::Object(obj).to_string()
    }
}

/// The panic boundary: runs `body`, turning a panic into [`Failure::Panic`] so that it never
/// unwinds into C. It also counts the call out of every handle it read (see
/// [`PteroClient::enter`]), so that `ptero_client_free` can tell a call is still running.
pub(crate) fn catch<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Failure> {
    let depth = ENTERED.with(|entered| entered.borrow().len());
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let left = ENTERED.with(|entered| entered.borrow_mut().split_off(depth));
    for handle in left {
        // SAFETY: the handle was live when the call read it, and `ptero_client_free` aborts
        // rather than free a handle with a call running on it.
        unsafe { (*handle).leave() };
    }
    match outcome {
        Ok(result) => result.map_err(Failure::Error),
        Err(payload) => Err(Failure::Panic(panic_message(payload.as_ref()))),
    }
}

thread_local! {
    /// The handles the calls running on this thread counted themselves in on.
    static ENTERED: std::cell::RefCell<Vec<*const PteroClient>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Clears `*out` and hands the slot back, or `None` when `out` itself is NULL.
///
/// # Safety
/// `out` is NULL or valid for writes.
pub(crate) unsafe fn out_slot<'a, T>(out: *mut *mut T) -> Option<&'a mut *mut T> {
    // SAFETY: the caller passes NULL or a writable pointer.
    let slot = unsafe { out.as_mut() }?;
    *slot = ptr::null_mut();
    Some(slot)
}

/// The body of every function that answers with a JSON string: runs `body` inside the panic
/// boundary and writes either its JSON or the error object into the (already cleared) slot. A
/// missing slot (NULL `out_json`) leaves nothing to write: `PTERO_STATUS_INVALID_ARGUMENT`.
pub(crate) fn answer(
    slot: Option<&mut *mut c_char>,
    body: impl FnOnce() -> Result<String, Error>,
) -> PteroStatus {
    let Some(slot) = slot else {
        return PteroStatus::InvalidArgument;
    };
    let (status, text) = match catch(body) {
        Ok(json) => (PteroStatus::Ok, json),
        Err(failure) => (failure.status(), failure.to_json()),
    };
    *slot = c_string(text).into_raw();
    status
}

/// The body of the functions that make a handle (`ptero_client_new`, `ptero_console_open`,
/// ...): clears `*out` (named `out_name`), runs `make` inside the panic boundary, and either
/// writes the new handle or records the error for `ptero_last_error` (these functions have no
/// out-string of their own).
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn new_handle<T>(
    out: *mut *mut T,
    out_name: &str,
    make: impl FnOnce() -> Result<T, Error>,
) -> PteroStatus {
    // SAFETY: forwarded from the caller.
    let Some(slot) = (unsafe { out_slot(out) }) else {
        let refused = Error::InvalidInput(format!("`{out_name}` is NULL"));
        set_last_error(Some(&Failure::Error(refused)));
        return PteroStatus::InvalidArgument;
    };
    match catch(|| make().map(|handle| Box::into_raw(Box::new(handle)))) {
        Ok(handle) => {
            set_last_error(None);
            *slot = handle;
            PteroStatus::Ok
        }
        Err(failure) => {
            set_last_error(Some(&failure));
            failure.status()
        }
    }
}

thread_local! {
    /// The error object of the calling thread's last failed `ptero_client_new`.
    static LAST_ERROR: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records (or clears) the error that `ptero_last_error` hands out.
pub(crate) fn set_last_error(failure: Option<&Failure>) {
    let json = failure.map(Failure::to_json);
    LAST_ERROR.with(|slot| *slot.borrow_mut() = json);
}

/// Takes the recorded error as an owned C string (NULL when there is none).
pub(crate) fn take_last_error() -> *mut c_char {
    match LAST_ERROR.with(|slot| slot.borrow_mut().take()) {
        Some(json) => c_string(json).into_raw(),
        None => ptr::null_mut(),
    }
}

/// JSON text never holds a raw NUL (serde escapes it), so this never drops anything; the
/// fallback only keeps a C string from being cut short if that ever changed.
fn c_string(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|&b| b != 0);
        CString::new(bytes).unwrap_or_default()
    })
}

/// How one kind of argument is read from C. Every pointer is checked here: NULL, invalid UTF-8
/// and malformed JSON become [`Error::InvalidInput`] naming the parameter.
pub(crate) trait FromC<'a>: Sized {
    /// The C type of the argument.
    type Raw;
    /// # Safety
    /// `raw` is NULL or points to what [`FromC::Raw`] says, alive for `'a`.
    unsafe fn from_c(raw: Self::Raw, name: &str) -> Result<Self, Error>;
}

/// Reads argument `$name` (a parameter of the exported function) as the type the binding asks
/// for, returning early with [`Error::InvalidInput`] when it is unusable.
macro_rules! arg {
    ($name:ident) => {{
        let raw = $name;
        // SAFETY: every exported function documents that its pointers are NULL or valid.
        unsafe { $crate::boundary::FromC::from_c(raw, stringify!($name)) }?
    }};
}
pub(crate) use arg;

/// A required string.
impl<'a> FromC<'a> for &'a str {
    type Raw = *const c_char;
    unsafe fn from_c(raw: *const c_char, name: &str) -> Result<Self, Error> {
        // SAFETY: forwarded from the caller.
        unsafe { Option::<&str>::from_c(raw, name) }?
            .ok_or_else(|| Error::InvalidInput(format!("`{name}` is NULL")))
    }
}

/// An optional string: NULL is `None`.
impl<'a> FromC<'a> for Option<&'a str> {
    type Raw = *const c_char;
    unsafe fn from_c(raw: *const c_char, name: &str) -> Result<Self, Error> {
        if raw.is_null() {
            return Ok(None);
        }
        // SAFETY: not NULL, and the caller promises a NUL-terminated string.
        let bytes = unsafe { CStr::from_ptr(raw) };
        bytes.to_str().map(Some).map_err(|e| {
            Error::InvalidInput(format!(
                "`{name}` is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ))
        })
    }
}

/// A JSON document: NULL is `null` (no parameters, default options).
impl FromC<'_> for Value {
    type Raw = *const c_char;
    unsafe fn from_c(raw: *const c_char, name: &str) -> Result<Self, Error> {
        // SAFETY: forwarded from the caller.
        match unsafe { Option::<&str>::from_c(raw, name) }? {
            None => Ok(Value::Null),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| Error::InvalidInput(format!("`{name}` is not valid JSON: {e}"))),
        }
    }
}

/// The client handle.
impl<'a> FromC<'a> for &'a Client {
    type Raw = *const PteroClient;
    unsafe fn from_c(raw: *const PteroClient, name: &str) -> Result<Self, Error> {
        // SAFETY: NULL or a live handle from `ptero_client_new`.
        let handle =
            unsafe { raw.as_ref() }.ok_or_else(|| Error::InvalidInput(format!("`{name}` is NULL")))?;
        let client = handle.enter();
        ENTERED.with(|entered| entered.borrow_mut().push(raw));
        Ok(client)
    }
}
