//! File transfers through signed Wings URLs: downloads of files and backups to a path or a write
//! callback, uploads of local files, each with a progress callback that may cancel. The core
//! does the work (`pterodactyl_client::Files::download_to_path_with`, ...); this only turns C
//! callbacks into Rust closures and paths into `Path`s.

use std::ffi::{c_char, c_int, c_void};
use std::io;
use std::ops::ControlFlow;

use pterodactyl_client::{Client, Error, Progress, Upload};

use crate::boundary::{answer, arg, out_slot, FromC};
use crate::PteroStatus;

/// A progress callback: `done` bytes moved so far, `total` the whole size or -1 when it is not
/// known, `user` the pointer given with it. Called on the calling thread when the transfer
/// starts (`done` 0), about every 256 KiB, and at the end. Return 0 to go on; any other value
/// cancels the transfer (`PTERO_STATUS_CANCELLED`, and a download to a path leaves no file).
pub type PteroProgressFn = Option<unsafe extern "C" fn(done: u64, total: i64, user: *mut c_void) -> c_int>;

/// A write callback: the next `len` bytes of the download at `data` (valid only during the
/// call), `user` the pointer given with it. Called on the calling thread, in order. Return 0
/// when they were all written; any other value stops the download with `PTERO_STATUS_IO`.
pub type PteroWriteFn = Option<unsafe extern "C" fn(data: *const u8, len: usize, user: *mut c_void) -> c_int>;

/// The C callbacks of one transfer and their user pointer.
#[derive(Clone, Copy)]
struct Callbacks {
    progress: PteroProgressFn,
    write: PteroWriteFn,
    user: *mut c_void,
}

// SAFETY: the callbacks and `user` are only used on the calling thread, during the call (the
// core runs a transfer on the calling thread; only a Rust caller inside a tokio runtime would
// move it to a helper thread, and C callers never are one). The C caller owns their safety.
unsafe impl Send for Callbacks {}

impl Callbacks {
    /// The progress closure the core calls.
    fn progress(self) -> impl FnMut(Progress) -> ControlFlow<()> + Send {
        move |p: Progress| {
            // The whole `Callbacks` (which is `Send`), not its fields one by one.
            let this = self;
            let Some(report) = this.progress else { return ControlFlow::Continue(()) };
            let total = p.total.map_or(-1, |t| i64::try_from(t).unwrap_or(i64::MAX));
            // SAFETY: a function pointer the caller gave for this call, with its own `user`.
            match unsafe { report(p.done, total, this.user) } {
                0 => ControlFlow::Continue(()),
                _ => ControlFlow::Break(()),
            }
        }
    }
}

/// The write callback as an `io::Write`.
struct CallbackWriter(Callbacks);

impl io::Write for CallbackWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(write) = self.0.write else { return Err(io::Error::other("no write callback")) };
        // SAFETY: `buf` is valid for `buf.len()` bytes during the call; the callback is the
        // caller's, with its own `user`.
        match unsafe { write(buf.as_ptr(), buf.len(), self.0.user) } {
            0 => Ok(buf.len()),
            rc => Err(io::Error::other(format!("the write callback returned {rc}"))),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What every transfer answers in `*out_json`: `{"bytes": N}`.
fn bytes_json(n: u64) -> String {
    serde_json::json!({ "bytes": n }).to_string()
}

fn writer(callbacks: Callbacks) -> Result<CallbackWriter, Error> {
    match callbacks.write {
        Some(_) => Ok(CallbackWriter(callbacks)),
        None => Err(Error::InvalidInput("`write` is NULL".into())),
    }
}

/// Downloads `file` of `server` into the local file `path`, streaming (memory stays flat
/// whatever the size): asks the panel for a fresh signed URL, then fetches it from Wings
/// without the API key. The bytes go to a temporary file beside `path`, renamed to `path` only
/// once the whole file arrived: on any failure (a broken connection, a full disk, a cancel)
/// no partial file is left and an existing `path` is untouched.
///
/// `progress` may be NULL; `user` is passed to it as is. On success `*out_json` is
/// `{"bytes": N}`; on failure the error object (`PTERO_STATUS_WINGS_ERROR`, `PTERO_STATUS_IO`,
/// `PTERO_STATUS_TRANSPORT`, `PTERO_STATUS_CANCELLED`, ...). Either way the caller frees it
/// with `ptero_string_free`.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated; `progress` is NULL
/// or a function that may be called with `user` during this call; `out_json` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_files_download_to_path(
    client: *const crate::PteroClient,
    server: *const c_char,
    file: *const c_char,
    path: *const c_char,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write: None, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let file: &str = arg!(file);
        let path: &str = arg!(path);
        let files = client.server(server).files();
        files.download_to_path_with(file, path, callbacks.progress()).map(bytes_json)
    })
}

/// Downloads `file` of `server`, streaming, handing its bytes to `write` in order as they
/// arrive (see `PteroWriteFn`). On failure the callback may have received part of the file.
///
/// `write` must not be NULL; `progress` may be. The same `user` is passed to both (point it at
/// a struct holding what each needs). `*out_json` as for `ptero_server_files_download_to_path`.
///
/// # Safety
/// As for `ptero_server_files_download_to_path`; `write` is a function that may be called with
/// `user` during this call.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_files_download_to_callback(
    client: *const crate::PteroClient,
    server: *const c_char,
    file: *const c_char,
    write: PteroWriteFn,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let file: &str = arg!(file);
        let sink = writer(callbacks)?;
        client.server(server).files().download_with(file, sink, callbacks.progress()).map(bytes_json)
    })
}

/// Downloads the archive of backup `backup` (its UUID) of `server` into the local file `path`,
/// all or nothing, as `ptero_server_files_download_to_path` does for a file. The signed URL may
/// be Wings' or a pre-signed S3 URL; neither gets the API key.
///
/// # Safety
/// As for `ptero_server_files_download_to_path`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_backups_download_to_path(
    client: *const crate::PteroClient,
    server: *const c_char,
    backup: *const c_char,
    path: *const c_char,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write: None, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let backup: &str = arg!(backup);
        let path: &str = arg!(path);
        let backups = client.server(server).backups();
        backups.download_to_path_with(backup, path, callbacks.progress()).map(bytes_json)
    })
}

/// Downloads the archive of backup `backup` of `server`, streaming, into the `write` callback,
/// as `ptero_server_files_download_to_callback` does for a file.
///
/// # Safety
/// As for `ptero_server_files_download_to_callback`.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_backups_download_to_callback(
    client: *const crate::PteroClient,
    server: *const c_char,
    backup: *const c_char,
    write: PteroWriteFn,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let backup: &str = arg!(backup);
        let sink = writer(callbacks)?;
        client.server(server).backups().download_with(backup, sink, callbacks.progress()).map(bytes_json)
    })
}

/// Uploads `count` local files (`paths`, each under its own file name) into `directory` of
/// `server` (`"/"` for its root): one `multipart/form-data` POST to a fresh signed URL, each
/// file read from disk as it is sent (never whole into memory). Progress counts file bytes;
/// its total is the files' sizes. Wings refuses a file over its upload limit (100 MB by
/// default) with `PTERO_STATUS_WINGS_ERROR`; a missing file is `PTERO_STATUS_IO`, found before
/// the panel is asked.
///
/// On success `*out_json` is `{"bytes": N}` (file bytes sent); on failure the error object.
///
/// # Safety
/// As for `ptero_server_files_download_to_path`; `paths` is NULL (with `count` 0) or points to
/// `count` strings.
#[no_mangle]
pub unsafe extern "C" fn ptero_server_files_upload_paths(
    client: *const crate::PteroClient,
    server: *const c_char,
    directory: *const c_char,
    paths: *const *const c_char,
    count: usize,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write: None, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let server: &str = arg!(server);
        let directory: &str = arg!(directory);
        if paths.is_null() && count > 0 {
            return Err(Error::InvalidInput(format!("`paths` is NULL but `count` is {count}")));
        }
        let mut sources = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: `paths` points to `count` pointers (the caller's promise).
            let raw = unsafe { *paths.add(i) };
            // SAFETY: each is NULL or a NUL-terminated string (the caller's promise).
            let path: &str = unsafe { <&str as FromC<'_>>::from_c(raw, &format!("paths[{i}]")) }?;
            sources.push(Upload::path(path));
        }
        client.server(server).files().upload_with(directory, sources, callbacks.progress()).map(bytes_json)
    })
}

/// Downloads what a signed URL serves (the `url` of `ptero_server_files_download` or
/// `ptero_server_backups_download`, on Wings or S3) into the local file `path`, all or nothing,
/// without the API key. A Wings URL works once: a used one fails with
/// `PTERO_STATUS_WINGS_ERROR` and `http_status` 404, an expired one with 500. Prefer
/// `ptero_server_files_download_to_path`, which asks for a fresh URL every time.
///
/// # Safety
/// As for `ptero_server_files_download_to_path`.
#[no_mangle]
pub unsafe extern "C" fn ptero_client_download_signed_to_path(
    client: *const crate::PteroClient,
    url: *const c_char,
    path: *const c_char,
    progress: PteroProgressFn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> PteroStatus {
    let callbacks = Callbacks { progress, write: None, user };
    // SAFETY: `out_json` is NULL or writable (the caller's promise).
    let out = unsafe { out_slot(out_json) };
    answer(out, || {
        let client: &Client = arg!(client);
        let url: &str = arg!(url);
        let path: &str = arg!(path);
        client.download_signed_to_path(url, path, callbacks.progress()).map(bytes_json)
    })
}
