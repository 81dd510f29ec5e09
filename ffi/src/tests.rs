//! Tests of the boundary that need no panel (the C suite in tests/c covers the rest).

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::time::Duration;

use pterodactyl_client::{ApiErrorItem, Error};
use serde_json::{json, Value};

use super::*;
use crate::boundary::{answer, Failure};

/// Takes a returned string, parses it and frees it.
fn take(s: *mut c_char) -> Value {
    assert!(!s.is_null());
    let v = serde_json::from_str(unsafe { CStr::from_ptr(s) }.to_str().unwrap()).unwrap();
    unsafe { ptero_string_free(s) };
    v
}

fn client() -> *mut PteroClient {
    let mut c = ptr::null_mut();
    let status =
        unsafe { ptero_client_new(c"http://127.0.0.1:9".as_ptr(), c"ptlc_x".as_ptr(), ptr::null(), &mut c) };
    assert_eq!(status, PteroStatus::Ok);
    c
}

#[test]
fn a_panic_becomes_the_panic_status_and_an_error_object() {
    let mut out = ptr::null_mut();
    let status = answer(Some(&mut out), || panic!("boom"));
    assert_eq!(status, PteroStatus::Panic);
    let v = take(out);
    assert_eq!(v["status"], "PTERO_STATUS_PANIC");
    assert_eq!(v["kind"], "panic");
    assert!(v["message"].as_str().unwrap().contains("boom"));
    assert_eq!(v["errors"], json!([]));
}

#[test]
fn a_null_out_pointer_is_an_invalid_argument_with_nothing_written() {
    let c = client();
    let status = unsafe { ptero_call(c, c"servers.list".as_ptr(), ptr::null(), ptr::null_mut()) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    let status =
        unsafe { ptero_client_new(c"http://x".as_ptr(), c"k".as_ptr(), ptr::null(), ptr::null_mut()) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(ptero_last_error())["message"].as_str().unwrap().contains("`out_client` is NULL"));
    unsafe { ptero_client_free(c) };
}

#[test]
fn null_and_non_utf8_arguments_are_named_in_the_message() {
    let c = client();
    let mut out = ptr::null_mut();
    let status = unsafe { ptero_server_get(c, ptr::null(), ptr::null(), &mut out) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    let v = take(out);
    assert_eq!(v["kind"], "invalid_input");
    assert!(v["message"].as_str().unwrap().contains("`server` is NULL"), "{v}");

    let bad = CString::new(vec![b'd', 0xff, b'x']).unwrap();
    let status = unsafe { ptero_server_get(c, bad.as_ptr(), ptr::null(), &mut out) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(out)["message"].as_str().unwrap().contains("`server` is not valid UTF-8"));

    let status = unsafe { ptero_call(c, c"servers.list".as_ptr(), c"{\"page\":".as_ptr(), &mut out) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(out)["message"].as_str().unwrap().contains("`params_json` is not valid JSON"));
    unsafe { ptero_client_free(c) };
}

#[test]
fn the_client_constructor_reports_why_it_failed() {
    let mut c = ptr::null_mut();
    let status = unsafe { ptero_client_new(c"ftp://x".as_ptr(), c"ptlc_x".as_ptr(), c"{}".as_ptr(), &mut c) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(c.is_null());
    assert!(take(ptero_last_error())["message"].as_str().unwrap().contains("http://"));
    assert!(ptero_last_error().is_null(), "the error is handed out once");

    let status = unsafe {
        ptero_client_new(c"http://x".as_ptr(), c"ptlc_x".as_ptr(), c"{\"timeout\":1}".as_ptr(), &mut c)
    };
    assert_eq!(status, PteroStatus::InvalidArgument);
    assert!(take(ptero_last_error())["message"].as_str().unwrap().contains("unknown field `timeout`"));

    // An option named after the key (the fuzz target `options` found it echoed): refused
    // without showing it.
    let key = c"ptlc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF";
    let options = c"{\"ptlc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF\": 1}";
    let status = unsafe { ptero_client_new(c"http://x".as_ptr(), key.as_ptr(), options.as_ptr(), &mut c) };
    assert_eq!(status, PteroStatus::InvalidArgument);
    let message = take(ptero_last_error())["message"].as_str().unwrap().to_owned();
    assert!(message.contains("<redacted>") && !message.contains(key.to_str().unwrap()), "{message}");
    let ok = client();
    assert!(ptero_last_error().is_null(), "a successful constructor clears the last error");
    unsafe { ptero_client_free(ok) };
}

#[test]
fn every_core_error_maps_to_its_own_status_and_one_object_shape() {
    let mut item = ApiErrorItem::default();
    item.code = "ValidationException".into();
    item.status = "422".into();
    item.detail = "The name field is required.".into();
    item.source_field = Some("name".into());
    item.rule = Some("required".into());
    let api = Error::Api { status: 422, errors: vec![item] };
    let f = Failure::Error(api);
    assert_eq!(f.status(), PteroStatus::ApiError);
    let v: Value = serde_json::from_str(&f.to_json()).unwrap();
    assert_eq!(
        v,
        json!({
            "status": "PTERO_STATUS_API_ERROR", "kind": "api", "http_status": 422,
            "message": "The name field is required. (HTTP 422, ValidationException)", "retry_after": null,
            "errors": [{"code": "ValidationException", "status": "422", "detail": "The name field is required.",
                        "source_field": "name", "rule": "required"}]
        })
    );

    let limited =
        Failure::Error(Error::RateLimited { retry_after: Some(Duration::from_secs(7)), errors: vec![] });
    assert_eq!(limited.status(), PteroStatus::RateLimited);
    let v: Value = serde_json::from_str(&limited.to_json()).unwrap();
    assert_eq!((v["retry_after"].as_u64(), v["http_status"].as_u64()), (Some(7), Some(429)));

    let cases = [
        (Error::Timeout { timeout: Duration::from_secs(1), phase: "request" }, PteroStatus::Timeout),
        (Error::Transport { message: "refused".into(), connect: true }, PteroStatus::Transport),
        (Error::Decode { path: "data".into(), message: "x".into() }, PteroStatus::Decode),
        (
            Error::NotJson {
                status: 200,
                content_type: "text/html".into(),
                snippet: "<html>".into(),
                location: None,
            },
            PteroStatus::NotJson,
        ),
        (Error::InvalidInput("x".into()), PteroStatus::InvalidArgument),
    ];
    for (err, status) in cases {
        let kind = err.kind();
        let f = Failure::Error(err);
        assert_eq!(f.status(), status);
        let v: Value = serde_json::from_str(&f.to_json()).unwrap();
        assert_eq!(v["status"], status.name());
        assert_eq!(v["kind"], kind);
    }
}

#[test]
fn status_names_match_the_constants_and_unknown_numbers_are_safe() {
    let name = |n| unsafe { CStr::from_ptr(ptero_status_name(n)) }.to_str().unwrap();
    assert_eq!(name(0), "PTERO_STATUS_OK");
    assert_eq!(name(2), "PTERO_STATUS_API_ERROR");
    assert_eq!(name(9), "PTERO_STATUS_OTHER");
    assert_eq!(name(-1), "PTERO_STATUS_UNKNOWN");
    assert_eq!(name(1000), "PTERO_STATUS_UNKNOWN");
    for (i, s) in PteroStatus::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i, "statuses are numbered in order without gaps");
    }
    let version = unsafe { CStr::from_ptr(ptero_version()) }.to_str().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
}
