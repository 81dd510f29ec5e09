//! The live console (`PteroConsole`): a server's Wings websocket, kept alive by the core
//! ([`pterodactyl_client::Console`]), read with a poll call that waits up to a timeout (a game
//! plugin polls on its tick with timeout 0) and written with send functions.

use std::ffi::{c_char, CString};
use std::time::Duration;

use pterodactyl_client::{Client, Console, Error, PowerSignal};
use serde_json::Value;

use crate::boundary::{arg, catch, new_handle, out_slot, FromC};
use crate::PteroStatus;

/// A server's live console. Opaque: made by `ptero_console_open`, released by
/// `ptero_console_free`.
///
/// Thread safety: every function takes a `const PteroConsole *` and may run on any thread at
/// once: one thread may wait in `ptero_console_poll` while others send, and
/// `ptero_console_close` from any thread wakes a waiting poll (it then answers
/// `PTERO_STATUS_CLOSED`). Only `ptero_console_free` must come after every other call has
/// returned.
pub struct PteroConsole {
    console: Console,
}

/// The console handle.
impl<'a> FromC<'a> for &'a Console {
    type Raw = *const PteroConsole;
    unsafe fn from_c(raw: *const PteroConsole, name: &str) -> Result<Self, Error> {
        // SAFETY: NULL or a live handle from `ptero_console_open` (the caller's promise).
        unsafe { raw.as_ref() }
            .map(|handle| &handle.console)
            .ok_or_else(|| Error::InvalidInput(format!("`{name}` is NULL")))
    }
}

/// Opens the live console of `server` (identifier or UUID): asks the panel for a websocket
/// token, connects to Wings with `Origin` set to the panel URL, and authenticates. Returns once
/// Wings has accepted the token; the first events are then `status` (and `stats` when the
/// server is offline).
///
/// The console then keeps itself alive: it renews the token on the same socket before it
/// expires, and reconnects (with back-off) when the connection drops, reporting the gap as
/// events (`disconnected`, then `gap`). It stops for good (`PTERO_STATUS_CLOSED` from
/// `ptero_console_poll`) when Wings closes it with a code 4400-4499 (4409: the server is
/// suspended), the server is deleted, or the panel refuses a new token (401/403/404, or 409 for
/// a suspended server: that error comes out of `ptero_console_poll` once).
///
/// `options_json` may be NULL (defaults) or a JSON object with any of:
/// `origin` (the `Origin` header; default the panel URL of `client`; set it for a panel Wings
/// knows by another address), `send_timeout_ms` (how long a send waits for the connection
/// while the console reconnects, default 10000; 0 fails such a send at once with
/// `PTERO_STATUS_TRANSPORT`), `reconnect` (default true), `reconnect_initial_ms` (500),
/// `reconnect_max_ms` (30000), `ping_interval_ms` (30000), `max_queued_events` (65536: beyond,
/// events are dropped and a `gap` event with their count takes their place).
///
/// On success `*out_console` is a new handle the caller frees with `ptero_console_free`; the
/// console keeps its own reference to the client, so `client` may be freed first. On failure
/// `*out_console` is NULL and `ptero_last_error()` returns the error object (the panel's 403,
/// 404 or 409; `PTERO_STATUS_WINGS_ERROR` 403 when Wings refuses the `Origin`;
/// `PTERO_STATUS_TRANSPORT` or `PTERO_STATUS_TIMEOUT` when Wings cannot be reached). Opening
/// is not retried.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated; `out_console` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_open(
    client: *const crate::PteroClient,
    server: *const c_char,
    options_json: *const c_char,
    out_console: *mut *mut PteroConsole,
) -> PteroStatus {
    let make = || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let options: Value = arg!(options_json);
        let options = client.console_options_json(options)?;
        Ok(PteroConsole { console: Console::open(client, server, options)? })
    };
    // SAFETY: `out_console` is NULL or writable (the caller's promise).
    unsafe { new_handle(out_console, "out_console", make) }
}

/// Waits up to `timeout_ms` milliseconds (0: only what is already there, as a game's tick
/// does; negative: as long as it takes) for the next event of the console.
///
/// * `PTERO_STATUS_OK` and `*out_event` a JSON object: the event, as
///   `{"event": "console output", "args": ["..."], "line": "..."}`: `event` is Wings' event
///   name, `args` its arguments, plus typed fields where they exist: `line` (`console output`,
///   `install output`, `transfer logs`), `state` (`status`), `stats` (`stats`, decoded:
///   `memory_bytes`, `memory_limit_bytes`, `cpu_absolute`, `network`, `uptime`, `state`,
///   `disk_bytes`), `uuid` and `backup` (`backup completed:<uuid>`), `message` (`daemon
///   message`, `daemon error`), `status` (`transfer status`), `scope` (`throttled`). The
///   console's own reports: `disconnected` (`reason`, `code`: the connection was lost, it is
///   reconnecting) and `gap` (`cause` `reconnect`/`token`/`overflow`, `gap_ms`, `missed`: the
///   console is live again and events since the previous one may be missing). Outside a gap
///   every event Wings sent arrives exactly once and in order. Any other event comes with its
///   `event` and `args` only.
/// * `PTERO_STATUS_OK` and `*out_event` NULL: nothing came within the timeout.
/// * `PTERO_STATUS_CLOSED` and `*out_event` the error object: the console has ended (closed by
///   `ptero_console_close`, or for good by Wings); every later poll answers the same.
/// * Another status (`PTERO_STATUS_API_ERROR`, ...) and the error object: the error that ended
///   the console, once (the panel refused a new token: 403, 404, or 409 for a suspension).
///
/// The caller frees `*out_event` with `ptero_string_free`. `out_event` may not be NULL.
///
/// # Safety
/// `console` is NULL or a live handle; `out_event` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_poll(
    console: *const PteroConsole,
    timeout_ms: i64,
    out_event: *mut *mut c_char,
) -> PteroStatus {
    // SAFETY: `out_event` is NULL or writable (the caller's promise).
    let Some(slot) = (unsafe { out_slot(out_event) }) else {
        return PteroStatus::InvalidArgument;
    };
    let polled = catch(|| {
        let console: &Console = arg!(console);
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        console.next_event(timeout)
    });
    match polled {
        Ok(None) => PteroStatus::Ok,
        Ok(Some(event)) => {
            *slot = c_string(event.to_json_string());
            PteroStatus::Ok
        }
        Err(failure) => {
            *slot = c_string(failure.to_json());
            failure.status()
        }
    }
}

/// JSON text never holds a NUL byte (serde escapes it).
fn c_string(text: String) -> *mut c_char {
    CString::new(text).unwrap_or_default().into_raw()
}

/// The body of the send functions: `PTERO_STATUS_OK` with `*out_error` NULL, or the failure's
/// status with the error object in `*out_error` (when `out_error` is not NULL).
///
/// # Safety
/// `out_error` is NULL or writable.
unsafe fn sent(out_error: *mut *mut c_char, body: impl FnOnce() -> Result<(), Error>) -> PteroStatus {
    // SAFETY: forwarded from the caller.
    let slot = unsafe { out_slot(out_error) };
    match catch(body) {
        Ok(()) => PteroStatus::Ok,
        Err(failure) => {
            if let Some(slot) = slot {
                *slot = c_string(failure.to_json());
            }
            failure.status()
        }
    }
}

/// Sends a console command (`send command`), as typed in the panel's console. Needs the
/// `control.console` permission (without it: `PTERO_STATUS_INVALID_ARGUMENT`, nothing sent);
/// Wings ignores commands while the server is offline. The command's echo and output arrive as
/// `console output` events.
///
/// A send is written to the socket once or not at all, never twice. While the console
/// reconnects it waits for the connection up to `send_timeout_ms` (then
/// `PTERO_STATUS_TIMEOUT`, not sent), or fails at once with `PTERO_STATUS_TRANSPORT` when
/// that is 0. After the console has ended: `PTERO_STATUS_CLOSED`.
///
/// On failure `*out_error` is the error object (free it with `ptero_string_free`); on success
/// it is NULL. `out_error` may be NULL when the caller does not want it.
///
/// # Safety
/// `console` is NULL or a live handle; `command` is NULL or NUL-terminated; `out_error` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_send_command(
    console: *const PteroConsole,
    command: *const c_char,
    out_error: *mut *mut c_char,
) -> PteroStatus {
    let body = || {
        let console: &Console = arg!(console);
        let command: &str = arg!(command);
        console.send_command(command)
    };
    // SAFETY: `out_error` is NULL or writable (the caller's promise).
    unsafe { sent(out_error, body) }
}

/// Sends a power action (`set state`): `state` is `"start"`, `"stop"`, `"restart"` or
/// `"kill"`. Needs `control.start`, `control.stop` (stop, kill) or `control.restart`. The new
/// states arrive as `status` events. Errors and `out_error` as for
/// `ptero_console_send_command`.
///
/// # Safety
/// As for `ptero_console_send_command`.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_set_state(
    console: *const PteroConsole,
    state: *const c_char,
    out_error: *mut *mut c_char,
) -> PteroStatus {
    let body = || {
        let console: &Console = arg!(console);
        let state: &str = arg!(state);
        console.set_state(state.parse::<PowerSignal>()?)
    };
    // SAFETY: `out_error` is NULL or writable (the caller's promise).
    unsafe { sent(out_error, body) }
}

/// Asks Wings for the recent console lines (`send logs`): while the server runs, its last
/// lines (150 by default) arrive as `console output` events (repeating lines already
/// received, if any). Errors and `out_error` as for `ptero_console_send_command`.
///
/// # Safety
/// `console` is NULL or a live handle; `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_request_logs(
    console: *const PteroConsole,
    out_error: *mut *mut c_char,
) -> PteroStatus {
    let body = || {
        let console: &Console = arg!(console);
        console.request_logs()
    };
    // SAFETY: `out_error` is NULL or writable (the caller's promise).
    unsafe { sent(out_error, body) }
}

/// Asks Wings for the resource usage now (`send stats`): a `stats` event follows. Errors and
/// `out_error` as for `ptero_console_send_command`.
///
/// # Safety
/// `console` is NULL or a live handle; `out_error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_request_stats(
    console: *const PteroConsole,
    out_error: *mut *mut c_char,
) -> PteroStatus {
    let body = || {
        let console: &Console = arg!(console);
        console.request_stats()
    };
    // SAFETY: `out_error` is NULL or writable (the caller's promise).
    unsafe { sent(out_error, body) }
}

/// Whether the console is authenticated on a live connection right now (a send goes out at
/// once): false while it reconnects or renews an expired token, once it has ended, and for a
/// NULL handle.
///
/// # Safety
/// `console` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_is_connected(console: *const PteroConsole) -> bool {
    catch(|| {
        let console: &Console = arg!(console);
        Ok(console.is_connected())
    })
    .unwrap_or(false)
}

/// Closes the console: sends Wings a close frame, stops reconnecting, and waits for the
/// console's thread to finish (about a second at most). Events not polled yet are dropped; a
/// poll waiting on another thread returns `PTERO_STATUS_CLOSED` at once, and so does every
/// later call. NULL and a second close are ignored. The handle stays valid until
/// `ptero_console_free`.
///
/// # Safety
/// `console` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_close(console: *const PteroConsole) {
    if console.is_null() {
        return;
    }
    let _ = catch(|| {
        let console: &Console = arg!(console);
        console.close();
        Ok(())
    });
}

/// Frees a console, closing it first if needed. NULL is ignored. No other call on the handle
/// may be running (close it and let the polling thread see `PTERO_STATUS_CLOSED` first), and
/// the handle must not be used after.
///
/// # Safety
/// `console` is NULL or a handle from `ptero_console_open` that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ptero_console_free(console: *mut PteroConsole) {
    if console.is_null() {
        return;
    }
    let _ = catch(|| {
        // SAFETY: `console` came from `Box::into_raw` in `ptero_console_open` (the caller's
        // promise); dropping it closes it.
        drop(unsafe { Box::from_raw(console) });
        Ok(())
    });
}
