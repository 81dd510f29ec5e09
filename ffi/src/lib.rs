//! The C ABI of [`pterodactyl_client`]: `libpterodactyl.so` / `libpterodactyl.a` and the
//! `include/pterodactyl.h` that cbindgen generates from this crate.
//!
//! This front only converts: pointers and C strings in, JSON strings and a [`PteroStatus`] out.
//! Every rule (URLs, retries, errors, pagination, the JSON shape) lives in the core.
//!
//! * Every exported function runs inside one panic boundary ([`boundary::catch`]) and reads
//!   every pointer through one check ([`boundary::arg!`]): NULL, invalid UTF-8 or malformed
//!   JSON give `PTERO_STATUS_INVALID_ARGUMENT` and a message, never a crash.
//! * Results are JSON strings in the core's one shape (what `Client::call` returns and the typed
//!   models serialize to). On failure the same out-string holds the error object.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

use std::ffi::{c_char, c_int, CStr, CString};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use pterodactyl_client::Client;
use serde_json::Value;

mod asynchronous;
mod boundary;
mod console;
mod generated;
mod transfer;
mod typed;

pub use asynchronous::*;
use boundary::{answer, arg, catch, out_slot, take_last_error};
pub use console::*;
pub use generated::*;
pub use transfer::*;
pub use typed::*;

/// What a call did. Every fallible function returns one; the numbers are stable and a retired
/// number is never reused.
///
/// On any status but `PTERO_STATUS_OK`, the function's out-string (when it has one) holds the
/// error object described at the top of this header.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PteroStatus {
    /// Success; the out-string holds the result.
    Ok = 0,
    /// The arguments were refused before any request: a NULL or non-UTF-8 string, malformed
    /// JSON, an unknown operation id, a parameter of the wrong type, a server id that is not one
    /// path segment (`../account`), a bad panel URL or option.
    InvalidArgument = 1,
    /// The panel answered with an error status (403, 404, 409, 422, 5xx, ...); `http_status`
    /// and `errors` of the error object say which.
    ApiError = 2,
    /// The panel answered 429 and the call was not (or no longer) retried; `retry_after` says
    /// how many seconds the panel asked to wait, when it did.
    RateLimited = 3,
    /// The call did not complete within the configured timeout.
    Timeout = 4,
    /// The panel could not be reached, or the connection broke.
    Transport = 5,
    /// The answer was JSON but not of the expected shape.
    Decode = 6,
    /// The answer was not JSON at all (an HTML login page, a proxy's error page, a redirect).
    NotJson = 7,
    /// A bug inside the library was caught before it could unwind into the caller.
    Panic = 8,
    /// An error of a kind this build has no status for yet; `kind` in the error object names it.
    Other = 9,
    /// The answer was larger than the client's limit (`max_response_bytes`, default 64 MiB) and
    /// was not read further.
    TooLarge = 10,
    /// The call was abandoned before the panel answered (`ptero_request_cancel`).
    Cancelled = 11,
    /// `ptero_request_poll` and `ptero_request_take`: the submitted call has not finished yet.
    Pending = 12,
    /// `ptero_call_submit`: the client already has `max_in_flight` calls in flight; nothing was
    /// started. Try again when one has finished.
    Busy = 13,
    /// Wings (or a backup's S3 storage) refused a request made to it directly (a transfer, the
    /// console): `http_status` and `message` say why. For a transfer: 404 for a signed URL used
    /// already, 500 for an expired one, 400 for a file over the upload limit (the transfer
    /// functions ask for a fresh URL each time).
    WingsError = 14,
    /// A local file could not be read or written (a full disk, a missing directory, no
    /// permission), or the write callback failed; `message` says which. A download to a path
    /// leaves no partial file.
    Io = 15,
    /// The console is closed: by `ptero_console_close`, or for good by Wings (close code
    /// 4400-4499 such as 4409 "server is suspended", the server deleted, access withdrawn);
    /// `message` says which, with Wings' close code when it sent one.
    Closed = 16,
}

impl PteroStatus {
    /// Every status, for `ptero_status_name`.
    const ALL: [PteroStatus; 17] = [
        PteroStatus::Ok,
        PteroStatus::InvalidArgument,
        PteroStatus::ApiError,
        PteroStatus::RateLimited,
        PteroStatus::Timeout,
        PteroStatus::Transport,
        PteroStatus::Decode,
        PteroStatus::NotJson,
        PteroStatus::Panic,
        PteroStatus::Other,
        PteroStatus::TooLarge,
        PteroStatus::Cancelled,
        PteroStatus::Pending,
        PteroStatus::Busy,
        PteroStatus::WingsError,
        PteroStatus::Io,
        PteroStatus::Closed,
    ];

    /// The C constant's name, e.g. `PTERO_STATUS_API_ERROR`.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("PTERO_STATUS_UNKNOWN")
    }

    const fn c_name(self) -> &'static CStr {
        match self {
            PteroStatus::Ok => c"PTERO_STATUS_OK",
            PteroStatus::InvalidArgument => c"PTERO_STATUS_INVALID_ARGUMENT",
            PteroStatus::ApiError => c"PTERO_STATUS_API_ERROR",
            PteroStatus::RateLimited => c"PTERO_STATUS_RATE_LIMITED",
            PteroStatus::Timeout => c"PTERO_STATUS_TIMEOUT",
            PteroStatus::Transport => c"PTERO_STATUS_TRANSPORT",
            PteroStatus::Decode => c"PTERO_STATUS_DECODE",
            PteroStatus::NotJson => c"PTERO_STATUS_NOT_JSON",
            PteroStatus::Panic => c"PTERO_STATUS_PANIC",
            PteroStatus::Other => c"PTERO_STATUS_OTHER",
            PteroStatus::TooLarge => c"PTERO_STATUS_TOO_LARGE",
            PteroStatus::Cancelled => c"PTERO_STATUS_CANCELLED",
            PteroStatus::Pending => c"PTERO_STATUS_PENDING",
            PteroStatus::Busy => c"PTERO_STATUS_BUSY",
            PteroStatus::WingsError => c"PTERO_STATUS_WINGS_ERROR",
            PteroStatus::Io => c"PTERO_STATUS_IO",
            PteroStatus::Closed => c"PTERO_STATUS_CLOSED",
        }
    }
}

/// A client of one panel with one API key. Opaque: made by `ptero_client_new`, released by
/// `ptero_client_free`.
///
/// Thread safety: one handle may be used from many threads at once (every call takes a
/// `const PteroClient *`); each calling thread keeps its own keep-alive connection to the panel
/// for as long as the handle lives. Only `ptero_client_free` must not race with other calls on
/// the handle: freeing a handle while a call on it is still running on another thread is
/// detected and aborts the process with a message saying so (see `ptero_client_free`).
pub struct PteroClient {
    /// [`LIVE`] until the handle is freed.
    magic: AtomicU64,
    /// Calls running on the handle right now, on any thread.
    calls: AtomicUsize,
    client: Client,
}

/// The mark of a handle that may be used ("ptero-ok" in ASCII).
const LIVE: u64 = 0x7074_6572_6f2d_6f6b;
/// What a freed handle holds while it is being released.
const FREED: u64 = 0x6672_6565_6421_2121;

impl PteroClient {
    fn new(client: Client) -> PteroClient {
        PteroClient { magic: AtomicU64::new(LIVE), calls: AtomicUsize::new(0), client }
    }

    /// Counts a call in; [`boundary::catch`] counts it out when the call returns. Aborts when
    /// the handle is not live (freed already, or not a handle at all).
    pub(crate) fn enter(&self) -> &Client {
        if self.magic.load(Ordering::Acquire) != LIVE {
            misuse("a function was called with a PteroClient that was already freed (or is not a handle from ptero_client_new)");
        }
        self.calls.fetch_add(1, Ordering::AcqRel);
        &self.client
    }

    /// Counts a call out (see [`PteroClient::enter`]).
    pub(crate) fn leave(&self) {
        self.calls.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Reports a misuse of the C API that would otherwise be memory corruption, and aborts.
fn misuse(what: &str) -> ! {
    eprintln!("libpterodactyl: fatal misuse of the C API: {what}; aborting");
    std::process::abort()
}

/// The library's version, e.g. `"0.1.0"`. A static string: do not free it.
#[no_mangle]
pub extern "C" fn ptero_version() -> *const c_char {
    let version = catch(|| Ok(concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()));
    version.unwrap_or(c"".as_ptr())
}

/// The name of a status constant, e.g. `"PTERO_STATUS_API_ERROR"`, or `"PTERO_STATUS_UNKNOWN"`
/// for a number that is not a status. A static string: do not free it.
///
/// Takes an `int` so that any number a caller holds can be passed safely.
#[no_mangle]
pub extern "C" fn ptero_status_name(status: c_int) -> *const c_char {
    let found = catch(|| Ok(PteroStatus::ALL.iter().find(|s| **s as c_int == status)));
    match found {
        Ok(Some(s)) => s.c_name().as_ptr(),
        _ => c"PTERO_STATUS_UNKNOWN".as_ptr(),
    }
}

/// Frees a string this library returned through an out-parameter. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from this library that was not freed yet; it must not be used after.
#[no_mangle]
pub unsafe extern "C" fn ptero_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch(|| {
        // SAFETY: `s` came from `CString::into_raw` in this library (the caller's promise).
        drop(unsafe { CString::from_raw(s) });
        Ok(())
    });
}

/// Makes a client for the panel at `panel_url` (its root, e.g. `"https://panel.example.com"`)
/// with a client API key (`ptlc_...`). Makes no request.
///
/// `options_json` may be NULL (defaults) or a JSON object with any of `timeout_ms`
/// (default 30000), `connect_timeout_ms` (10000), `user_agent`, `ca_cert_pem` (one more trusted
/// root, PEM text), `accept_invalid_certs` (false; for test panels only), `max_retries` (3),
/// `max_retry_wait_ms` (60000), `max_response_bytes` (67108864, 64 MiB: a larger answer fails
/// with `PTERO_STATUS_TOO_LARGE`), `max_in_flight` (64: calls of `ptero_call_submit` running at
/// once; more get `PTERO_STATUS_BUSY`). An unknown key is refused, and so is a timeout or limit
/// of 0.
///
/// The panel's certificate is checked against the operating system's trust store and the
/// bundled Mozilla roots, plus `ca_cert_pem` when given.
///
/// On success `*out_client` is a new handle the caller frees with `ptero_client_free`. On
/// failure `*out_client` is NULL and `ptero_last_error()` returns the error object (the one
/// JSON error shape of every other function), so a caller can say why.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_client_new(
    panel_url: *const c_char,
    api_key: *const c_char,
    options_json: *const c_char,
    out_client: *mut *mut PteroClient,
) -> PteroStatus {
    let make = || {
        let panel_url: &str = arg!(panel_url);
        let api_key: &str = arg!(api_key);
        let options: Value = arg!(options_json);
        Client::builder(panel_url, api_key).options_json(options)?.build()
    };
    // SAFETY: `out_client` is NULL or writable (the caller's promise).
    unsafe { new_handle(out_client, make) }
}

/// The body of the functions that make a handle: clears `*out_client`, runs `make` inside the
/// panic boundary, and either writes the new handle or records the error for
/// `ptero_last_error` (these functions have no out-string of their own).
///
/// # Safety
/// `out_client` is NULL or writable.
unsafe fn new_handle(
    out_client: *mut *mut PteroClient,
    make: impl FnOnce() -> Result<Client, pterodactyl_client::Error>,
) -> PteroStatus {
    // SAFETY: forwarded from the caller.
    unsafe { boundary::new_handle(out_client, "out_client", || make().map(PteroClient::new)) }
}

/// Makes a second handle on the same client (same connections, key and settings) whose
/// requests may each take `timeout_ms` milliseconds as a whole instead of the client's
/// `timeout_ms`, e.g. for `server.files.compress`, which the panel may work on for 15 minutes
/// (those long-running operations already wait at least 15 minutes unless given a timeout
/// here). Makes no request.
///
/// On success `*out_client` is a new handle that the caller frees with `ptero_client_free`,
/// independently of `client` (either may be freed first). On failure (`client` or
/// `out_client` NULL, `timeout_ms` 0) `*out_client` is NULL and `ptero_last_error()` returns
/// the error object, as for `ptero_client_new`.
///
/// # Safety
/// `client` is NULL or a live handle; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_client_with_timeout(
    client: *const PteroClient,
    timeout_ms: u64,
    out_client: *mut *mut PteroClient,
) -> PteroStatus {
    let make = || {
        let client: &Client = arg!(client);
        if timeout_ms == 0 {
            return Err(pterodactyl_client::Error::InvalidInput("`timeout_ms` must be more than 0".into()));
        }
        Ok(client.with_timeout(std::time::Duration::from_millis(timeout_ms)))
    };
    // SAFETY: `out_client` is NULL or writable (the caller's promise).
    unsafe { new_handle(out_client, make) }
}

/// The error object of the last `ptero_client_new` or `ptero_client_with_timeout` on the
/// calling thread that failed (the functions with no out-string of their own), or NULL when it
/// succeeded or the error was already taken. The caller frees the string with
/// `ptero_string_free`; a second call returns NULL.
#[no_mangle]
pub extern "C" fn ptero_last_error() -> *mut c_char {
    take_last_error()
}

/// Frees a client. NULL is ignored. Waits for nothing: calls still running on other threads
/// must have returned before (the handle must not be used after this).
///
/// Misuse is detected, not undefined: freeing a handle while a call on it is still running on
/// another thread aborts the process (SIGABRT) with a message on stderr naming the misuse,
/// instead of freeing memory that call still uses. So does freeing a handle twice, or calling
/// a function with a freed handle, as long as its memory was not reused in between (for
/// those, AddressSanitizer or valgrind give the certain answer).
///
/// # Safety
/// `client` is NULL or a handle from `ptero_client_new` that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ptero_client_free(client: *mut PteroClient) {
    if client.is_null() {
        return;
    }
    let _ = catch(|| {
        // SAFETY: `client` came from `Box::into_raw` in `ptero_client_new` (the caller's promise).
        let handle = unsafe { &*client };
        if handle.magic.swap(FREED, Ordering::AcqRel) != LIVE {
            misuse("ptero_client_free was called twice on the same PteroClient (or on something that is not a handle)");
        }
        let running = handle.calls.load(Ordering::Acquire);
        if running > 0 {
            misuse(&format!(
                "ptero_client_free was called while {running} call(s) on the same PteroClient were still \
                 running on other threads; every call on a handle must have returned before it is freed"
            ));
        }
        // SAFETY: as above; no call is running on it, and it is never used again.
        drop(unsafe { Box::from_raw(client) });
        Ok(())
    });
}

/// Calls any operation of the Client API by its id (`"server.power"`, `"servers.list"`, ...;
/// the ids of the operations table) with one flat JSON object of parameters: path parameters,
/// query parameters and body fields by their panel names, e.g.
/// `{"server": "d3aac109", "signal": "start"}`. NULL `params_json` is `{}`.
///
/// On success `*out_json` is the answer in the one JSON shape (`null` for operations that
/// answer with no content); on failure it is the error object. Either way the caller frees it
/// with `ptero_string_free`. `out_json` may not be NULL.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated; `out_json` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_call(
    client: *const PteroClient,
    op_id: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let op_id: &str = arg!(op_id);
        let params: Value = arg!(params_json);
        typed::call(client, op_id, params)
    })
}

/// Like `ptero_call` for a paginated operation (`servers.list`, `server.activity.list`,
/// `account.activity.list`, `server.backups.list`), fetching every page: `*out_json` is a JSON
/// array of every item. Filters, includes and `per_page` are sent with every page; `page`
/// sets the first one. Any other operation is refused with `PTERO_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// As for `ptero_call`.
#[no_mangle]
pub unsafe extern "C" fn ptero_call_all_pages(
    client: *const PteroClient,
    op_id: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let op_id: &str = arg!(op_id);
        let params: Value = arg!(params_json);
        client.all_pages_json(op_id, params)
    })
}

#[cfg(test)]
mod tests;
