//! What the generated typed functions (`generated.rs`) share: running a call and printing its
//! result, reading JSON and byte arguments, and handing out raw bytes; plus the two functions
//! that belong with them: `ptero_operations` and `ptero_bytes_free`.

use std::ffi::c_char;

use pterodactyl_client::{ops, Client, Error};
use serde_json::{Map, Value};

use crate::boundary::{answer, catch, out_slot};
use crate::PteroStatus;

/// Runs one operation through the core's generic call and writes its result as the one shape's
/// JSON text straight from the panel's bytes (no tree built and printed again).
pub(crate) fn call(client: &Client, op: &str, params: Value) -> Result<String, Error> {
    client.call_raw(op, params)?.to_json()
}

/// Runs an operation that sends raw bytes as its body (`server.files.write`).
pub(crate) fn call_with_content(
    client: &Client,
    op: &str,
    params: Map<String, Value>,
    content: Vec<u8>,
) -> Result<String, Error> {
    client.call_raw_with_content(op, Value::Object(params), content)?.to_json()
}

/// A paginated operation's `params_json`: NULL or an object.
pub(crate) fn params_object(params: Value) -> Result<Map<String, Value>, Error> {
    match params {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map),
        other => Err(Error::InvalidInput(format!(
            "`params_json` must be a JSON object, got {}",
            if other.is_array() { "an array" } else { "a scalar" }
        ))),
    }
}

/// Puts a JSON argument (`files_json`) into the parameters unless it was NULL.
pub(crate) fn insert_json(params: &mut Map<String, Value>, name: &str, value: Value) {
    if !value.is_null() {
        params.insert(name.to_owned(), value);
    }
}

/// Copies `len` bytes from `ptr` (NULL only with a length of 0).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes.
pub(crate) unsafe fn content_arg(ptr: *const u8, len: usize, name: &str) -> Result<Vec<u8>, Error> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(Error::InvalidInput(format!("`{name}` is NULL but `{name}_len` is {len}")));
    }
    // SAFETY: not NULL and valid for `len` bytes (the caller's promise).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec())
}

/// Like [`answer`] for a function that hands out raw bytes: on success the bytes go to
/// `*out_bytes`/`*out_len` (freed with `ptero_bytes_free`) and `*out_json` is `null`; on failure
/// `*out_json` is the error object and the bytes are NULL/0.
pub(crate) fn bytes_answer(
    out_json: Option<&mut *mut c_char>,
    (out_bytes, out_len): (Option<&mut *mut u8>, Option<&mut usize>),
    body: impl FnOnce() -> Result<Vec<u8>, Error>,
) -> PteroStatus {
    let (Some(out_bytes), Some(out_len)) = (out_bytes, out_len) else {
        return answer(out_json, || Err(Error::InvalidInput("`out_bytes` or `out_len` is NULL".into())));
    };
    *out_len = 0;
    answer(out_json, || {
        let bytes = body()?.into_boxed_slice();
        *out_len = bytes.len();
        *out_bytes = Box::into_raw(bytes).cast::<u8>();
        Ok(String::from("null"))
    })
}

/// Frees bytes this library handed out through `out_bytes` (with the length it gave). NULL is
/// ignored.
///
/// # Safety
/// `bytes` is NULL or came from this library with exactly `len`, and was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn ptero_bytes_free(bytes: *mut u8, len: usize) {
    if bytes.is_null() {
        return;
    }
    let _ = catch(|| {
        // SAFETY: made by `Box::<[u8]>::into_raw` with this length (the caller's promise).
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(bytes, len)) });
        Ok(())
    });
}

/// Every operation of the Client API as a JSON array: for each, its `id`, `method`, `path`,
/// `success` status, the `permission` a subuser needs, whether it is `paginated` or
/// `long_running`, a `summary`, its `params` (`name`, `type`, `values` for enums and filters,
/// `place`, `presence`, `doc`), what it `returns`, and its typed `c_function`. The caller frees
/// `*out_json` with `ptero_string_free`.
///
/// # Safety
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_operations(out_json: *mut *mut c_char) -> PteroStatus {
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || Ok(ops::describe().to_string()))
}
