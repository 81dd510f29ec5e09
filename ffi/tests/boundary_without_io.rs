//! The C boundary's unsafe code on the paths that need no client and no I/O: NULL and non-UTF-8
//! arguments, out-pointers, strings and bytes handed out and freed, the panic boundary. Plain
//! `cargo test` runs it, and so does Miri, which checks every pointer operation for undefined
//! behaviour (`make miri`: `cargo +nightly miri test -p pterodactyl-ffi --test boundary_without_io`).
//! Making a client starts rustls and ring, whose C and assembly Miri cannot run, so nothing here
//! makes one.

use std::ffi::{c_char, CStr};
use std::ptr;

use pterodactyl::*;

/// Takes a returned string: its text, freed.
fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    // SAFETY: a live string from the library.
    let text = unsafe { CStr::from_ptr(s) }.to_str().expect("UTF-8").to_owned();
    // SAFETY: freed once.
    unsafe { ptero_string_free(s) };
    text
}

#[test]
fn freeing_null_is_a_no_op() {
    // SAFETY: NULL is allowed everywhere a library pointer is freed.
    unsafe {
        ptero_string_free(ptr::null_mut());
        ptero_bytes_free(ptr::null_mut(), 0);
        ptero_bytes_free(ptr::null_mut(), 12);
        ptero_client_free(ptr::null_mut());
    }
}

#[test]
fn every_status_number_has_a_static_name() {
    for n in -3..16 {
        // SAFETY: a static string.
        let name = unsafe { CStr::from_ptr(ptero_status_name(n)) }.to_str().unwrap();
        assert!(name.starts_with("PTERO_STATUS_"), "{n}: {name}");
    }
    // SAFETY: as above.
    assert!(!unsafe { CStr::from_ptr(ptero_version()) }.to_bytes().is_empty());
}

#[test]
fn a_null_argument_is_refused_and_the_error_object_handed_out() {
    let mut out: *mut c_char = ptr::null_mut();
    // SAFETY: NULL client and strings are allowed; `out` is writable.
    let status = unsafe { ptero_call(ptr::null(), ptr::null(), ptr::null(), &mut out) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    let text = take(out);
    assert!(text.contains("PTERO_STATUS_INVALID_ARGUMENT") && text.contains("is NULL"), "{text}");
}

#[test]
fn a_null_out_pointer_writes_nothing() {
    // SAFETY: a NULL out-pointer is allowed.
    let status = unsafe { ptero_call(ptr::null(), c"servers.list".as_ptr(), ptr::null(), ptr::null_mut()) };
    assert_eq!(status, PteroStatus::InvalidArgument);
}

#[test]
fn a_failed_client_new_leaves_null_and_its_error_for_last_error() {
    let mut client: *mut PteroClient = ptr::dangling_mut();
    // SAFETY: NULL strings are allowed; `client` is writable.
    let status = unsafe { ptero_client_new(ptr::null(), c"ptlc_x".as_ptr(), ptr::null(), &mut client) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(client.is_null());
    let text = take(ptero_last_error());
    assert!(text.contains("panel_url"), "{text}");
    assert!(ptero_last_error().is_null(), "the error is handed out once");
    // A NULL out-pointer for the client is refused the same way.
    // SAFETY: as above.
    let status =
        unsafe { ptero_client_new(c"http://x".as_ptr(), c"k".as_ptr(), ptr::null(), ptr::null_mut()) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(ptero_last_error()).contains("out_client"));
}

#[test]
fn invalid_utf8_and_bad_json_are_named_in_the_message() {
    let bad = b"http://\xff\xfe\0";
    let mut client: *mut PteroClient = ptr::null_mut();
    // SAFETY: a NUL-terminated (if not UTF-8) string.
    let status =
        unsafe { ptero_client_new(bad.as_ptr().cast(), c"ptlc_x".as_ptr(), ptr::null(), &mut client) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(ptero_last_error()).contains("not valid UTF-8"));
    // SAFETY: as above.
    let status = unsafe {
        ptero_client_new(
            c"http://127.0.0.1:9".as_ptr(),
            c"ptlc_x".as_ptr(),
            c"{\"timeout_ms\":".as_ptr(),
            &mut client,
        )
    };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(ptero_last_error()).contains("not valid JSON"));
}

#[test]
fn the_operations_table_is_handed_out_as_json() {
    let mut out: *mut c_char = ptr::null_mut();
    // SAFETY: `out` is writable.
    assert_eq!(unsafe { ptero_operations(&mut out) }, PteroStatus::Ok);
    let text = take(out);
    assert!(text.starts_with('[') && text.contains("\"server.power\""));
}
