//! The fuzz targets' bodies: each takes arbitrary bytes, runs one part of the client that reads
//! outside input, and panics only when a property below is broken (a panic inside the client is
//! a finding too). `fuzz_targets/*.rs` hand them to libFuzzer (`make fuzz`, nightly);
//! `ffi/tests/fuzz_corpus.rs` includes this file and replays every file of `fuzz/corpus/<target>/`
//! through them on stable, in `make test`.
//!
//! * [`answer`]: one answer of the panel (status, headers, body) for any operation, read as a call
//!   reads it; on success the one JSON shape, its text and the typed model must agree.
//! * [`error_document`]: error statuses with JSON bodies: always the right error kind.
//! * [`prepare`]: flat JSON parameters for any operation, split into URL and body; a path value
//!   never escapes its segment.
//! * [`options`]: client options as JSON.
//! * [`c_api`]: the C entry points with arbitrary strings, invalid UTF-8 and NULLs.

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::OnceLock;

use pterodactyl::PteroStatus;
use pterodactyl_client::__fuzz;
use pterodactyl_client::ops::OPERATIONS;
use pterodactyl_client::Error;

/// The key of `__fuzz`'s offline client: it must never appear in an error.
const OFFLINE_KEY: &str = "ptlc_fuzzkey0000000000000000000000000000000000";

/// Splits `data` at its first `n` bytes (fewer when it is shorter).
fn take(data: &[u8], n: usize) -> (&[u8], &[u8]) {
    data.split_at(n.min(data.len()))
}

/// The operation `data` starts with, and the rest: an operation id ended by a NUL (what the
/// seeds use, so that they keep their meaning when the table grows), or else one byte that
/// picks an operation by its place in the table.
fn operation(data: &[u8]) -> (&'static str, &[u8]) {
    if let Some(end) = data.iter().take(64).position(|&b| b == 0) {
        if let Some(op) = OPERATIONS.iter().find(|op| op.id.as_bytes() == &data[..end]) {
            return (op.id, &data[end + 1..]);
        }
    }
    let (head, rest) = take(data, 1);
    (OPERATIONS[usize::from(head.first().copied().unwrap_or(0)) % OPERATIONS.len()].id, rest)
}

/// Checks what every error must be: printable, and without the key.
fn check_error(err: &Error) {
    let text = format!("{err} {err:?}");
    assert!(!text.contains(OFFLINE_KEY), "an error shows the API key: {text}");
}

const CONTENT_TYPES: [&str; 7] = [
    "application/json",
    "application/json; charset=utf-8",
    "text/html; charset=UTF-8",
    "",
    "application/octet-stream",
    "text/plain",
    "application/vnd.api+json",
];

/// `[op][status hi][status lo][headers][body...]` (`[op]` as [`operation`] reads it): the
/// status is taken modulo 600; the header
/// byte picks the content type (low 3 bits) and adds `Retry-After` (bit 3), `Location` (bit 4)
/// and the rate-limit headers (bit 5), whose values come from the body's first line.
pub fn answer(data: &[u8]) {
    let (op_id, data) = operation(data);
    let (head, body) = take(data, 3);
    let [hi, lo, flags] = <[u8; 3]>::try_from(head).unwrap_or([0; 3]);
    let status = u16::from_be_bytes([hi, lo]) % 600;
    let line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut headers: Vec<(&[u8], &[u8])> = Vec::new();
    let content_type = CONTENT_TYPES[usize::from(flags & 7) % CONTENT_TYPES.len()];
    if !content_type.is_empty() {
        headers.push((b"content-type", content_type.as_bytes()));
    }
    if flags & 8 != 0 {
        headers.push((b"retry-after", line));
    }
    if flags & 16 != 0 {
        headers.push((b"location", line));
    }
    if flags & 32 != 0 {
        headers.push((b"x-ratelimit-limit", line));
        headers.push((b"x-ratelimit-remaining", line));
    }
    match __fuzz::answer(op_id, status, &headers, body) {
        Err(err) => check_error(&err),
        Ok(decoded) => {
            // The answer written as text straight from the bytes is the same document as the
            // one built in a tree.
            match &decoded.text {
                Ok(text) => {
                    let reread: serde_json::Value = serde_json::from_str(text)
                        .unwrap_or_else(|e| panic!("to_json wrote invalid JSON ({e}): {text}"));
                    assert_eq!(reread, decoded.value, "to_json and build disagree");
                }
                Err(err) => panic!("build succeeded but to_json failed: {err}"),
            }
            if let Err(err) = &decoded.typed {
                check_error(err);
            }
        }
    }
}

/// `[status][body...]`: an error status (400 to 599) with a JSON body, for `server.get`. The
/// panel's error document, or anything else that is JSON, is an `Api` error with that status (a
/// 429 is `RateLimited`), never a success and never a panic.
pub fn error_document(data: &[u8]) {
    let (head, body) = take(data, 1);
    let status = 400 + u16::from(head.first().copied().unwrap_or(0)) % 200;
    let headers: [(&[u8], &[u8]); 1] = [(b"content-type", b"application/json")];
    match __fuzz::answer("server.get", status, &headers, body) {
        Ok(decoded) => panic!("HTTP {status} was read as a success: {:?}", decoded.value),
        Err(err) => {
            check_error(&err);
            match (&err, status) {
                (Error::RateLimited { .. }, 429) => {}
                (Error::Api { status: got, errors }, _) if *got == status => {
                    for item in errors {
                        let _ = (item.code.len(), item.detail.len(), &item.source_field, &item.rule);
                    }
                }
                _ => panic!("HTTP {status} with a JSON body gave {err:?}"),
            }
        }
    }
}

/// `[op][params...]` (`[op]` as [`operation`] reads it): flat JSON parameters for any
/// operation. When they are accepted, the URL
/// is under the API root, has exactly the template's segments, and no value added a segment,
/// a `..`, a query or a fragment of its own.
pub fn prepare(data: &[u8]) {
    let (op_id, params) = operation(data);
    let op = OPERATIONS.iter().find(|o| o.id == op_id).expect("an operation of the table");
    let (url, _body) = match __fuzz::prepare(op_id, params) {
        Ok(prepared) => prepared,
        Err(err) => {
            assert!(matches!(err, Error::InvalidInput(_)), "prepare failed with {err:?}");
            check_error(&err);
            return;
        }
    };
    let rest = url.strip_prefix(__fuzz::BASE).unwrap_or_else(|| panic!("{url} is not under the API root"));
    assert!(!url.contains('#'), "{url} has a fragment");
    let path = rest.split('?').next().unwrap_or_default();
    assert_eq!(rest.matches('?').count(), usize::from(rest.contains('?')), "{url}: more than one '?'");
    let template: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    assert_eq!(segments.len(), template.len(), "{url} does not have the segments of {}", op.path);
    for (segment, pattern) in segments.iter().zip(&template) {
        if pattern.starts_with('{') {
            assert!(!matches!(*segment, "." | ".."), "{url}: a path value is a dot segment");
            assert!(
                segment.bytes().all(|b| b.is_ascii_graphic() && !b"/?#\\".contains(&b)),
                "{url}: a path value holds a character that changes the route"
            );
        } else {
            assert_eq!(segment, pattern, "{url}: a literal segment changed");
        }
    }
}

/// Client options as JSON text: refused with `InvalidInput`, or a client.
pub fn options(data: &[u8]) {
    if let Err(err) = __fuzz::options(data) {
        assert!(matches!(err, Error::InvalidInput(_)), "options failed with {err:?}");
        check_error(&err);
    }
}

/// A handle of the C API on a panel that is never there (`127.0.0.1:9`, no retries).
fn offline_handle() -> *const pterodactyl::PteroClient {
    struct Handle(*mut pterodactyl::PteroClient);
    // SAFETY: the C API documents handles as shareable between threads.
    unsafe impl Send for Handle {}
    unsafe impl Sync for Handle {}
    static HANDLE: OnceLock<Handle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let mut client = ptr::null_mut();
            // SAFETY: NUL-terminated strings and a writable out-pointer.
            let status = unsafe {
                pterodactyl::ptero_client_new(
                    c"http://127.0.0.1:9".as_ptr(),
                    c"ptlc_fuzzkey0000000000000000000000000000000000".as_ptr(),
                    c"{\"max_retries\":0,\"timeout_ms\":2000,\"connect_timeout_ms\":500}".as_ptr(),
                    &mut client,
                )
            };
            assert_eq!(status, PteroStatus::Ok);
            Handle(client)
        })
        .0
}

/// Takes an out-string: it must be NULL or valid UTF-8 JSON (a result or the error object).
fn take_out(out: *mut c_char, status: PteroStatus) {
    if out.is_null() {
        return;
    }
    // SAFETY: a string this library returned, not freed yet.
    let text = unsafe { CStr::from_ptr(out) }.to_str().map(str::to_owned);
    // SAFETY: as above; freed once.
    unsafe { pterodactyl::ptero_string_free(out) };
    let text = text.unwrap_or_else(|e| panic!("an out-string is not UTF-8: {e}"));
    let value: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("an out-string is not JSON ({e}): {text}"));
    if status != PteroStatus::Ok {
        assert_eq!(value["status"], pterodactyl::PteroStatus::name(status), "{text}");
    }
    assert!(!text.contains(OFFLINE_KEY), "the key appears in {text}");
}

/// `[function][null mask]` then up to four NUL-separated strings (any bytes but NUL, so also
/// invalid UTF-8): one C entry point called with them; bit `i` of the mask passes NULL for
/// string `i` (bit 7: NULL for the out-pointer).
pub fn c_api(data: &[u8]) {
    let (head, rest) = take(data, 2);
    let [function, nulls] = <[u8; 2]>::try_from(head).unwrap_or([0; 2]);
    let owned: Vec<CString> = rest
        .split(|&b| b == 0)
        .take(4)
        .map(|s| CString::new(s).expect("split at NUL"))
        .chain(std::iter::repeat_with(CString::default))
        .take(4)
        .collect();
    let arg = |i: usize| if nulls & (1 << i) != 0 { ptr::null() } else { owned[i].as_ptr() };
    let client = offline_handle();
    let mut out: *mut c_char = ptr::null_mut();
    let out_ptr: *mut *mut c_char = if nulls & 0x80 != 0 { ptr::null_mut() } else { &mut out };
    // SAFETY: every pointer is NULL or a live NUL-terminated string, the handle is live, and
    // every out-pointer is NULL or writable: the contract of each function.
    let status = unsafe {
        match function % 8 {
            0 => {
                let mut made = ptr::null_mut();
                let slot = if nulls & 0x80 != 0 { ptr::null_mut() } else { &mut made };
                let status = pterodactyl::ptero_client_new(arg(0), arg(1), arg(2), slot);
                pterodactyl::ptero_client_free(made);
                take_out(pterodactyl::ptero_last_error(), status);
                status
            }
            1 => pterodactyl::ptero_call(client, arg(0), arg(1), out_ptr),
            2 => pterodactyl::ptero_call_all_pages(client, arg(0), arg(1), out_ptr),
            3 => pterodactyl::ptero_server_get(client, arg(0), arg(1), out_ptr),
            4 => pterodactyl::ptero_server_power(client, arg(0), arg(1), out_ptr),
            5 => pterodactyl::ptero_servers_list(client, arg(0), out_ptr),
            6 => {
                let bytes = owned[1].as_bytes();
                let content = if nulls & 0x10 != 0 { ptr::null() } else { bytes.as_ptr() };
                pterodactyl::ptero_server_files_write(client, arg(0), arg(2), content, bytes.len(), out_ptr)
            }
            _ => {
                let four = owned[0].as_bytes().get(..4).unwrap_or(&[0; 4]);
                let number = i32::from_le_bytes(<[u8; 4]>::try_from(four).unwrap_or([0; 4]));
                let name = CStr::from_ptr(pterodactyl::ptero_status_name(number));
                assert!(name.to_bytes().starts_with(b"PTERO_STATUS_"));
                PteroStatus::Ok
            }
        }
    };
    take_out(out, status);
}
