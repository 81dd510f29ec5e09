//! The transfers of `srv.files.download/upload` and `srv.backups.download`
//! (`pterodactyl/_extras.py`): Python destinations, sources and progress callables become the
//! core's writers, readers and closures; the core does the transfer.
//!
//! The network wait runs detached from the interpreter. The progress callable and a file
//! object's `write`/`read` are called on the calling thread, each with the interpreter held
//! only for that call. An exception any of them raises stops the transfer: the progress
//! callable's own exception reaches the caller (a cancel), a file object's becomes the
//! `__cause__` of `LocalIOError`.

use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use pterodactyl_client::{Client, Error, Progress, Upload};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};

use crate::client::{call_error, interruptible, Caught, NativeClient};
use crate::errors::{invalid_input, to_pyerr};

/// The first exception a Python callable raised during a transfer.
#[derive(Clone, Default)]
struct Raised(Arc<Mutex<Option<PyErr>>>);

impl Raised {
    fn keep(&self, e: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The core's progress closure around an optional Python callable `progress(done, total)`.
fn on_progress(
    progress: Option<Py<PyAny>>,
    raised: Raised,
) -> impl FnMut(Progress) -> ControlFlow<()> + Send {
    move |p: Progress| {
        let Some(callable) = &progress else { return ControlFlow::Continue(()) };
        Python::attach(|py| match callable.call1(py, (p.done, p.total)) {
            Ok(_) => ControlFlow::Continue(()),
            Err(e) => {
                raised.keep(e);
                ControlFlow::Break(())
            }
        })
    }
}

/// The `io::Error` standing for a file object's exception (kept in `raised`): its `errno` when
/// it is an `OSError` that has one.
fn io_error(py: Python<'_>, e: PyErr, raised: &Raised) -> io::Error {
    let errno = e
        .is_instance_of::<PyOSError>(py)
        .then(|| e.value(py).getattr("errno").ok()?.extract::<i32>().ok())
        .flatten();
    let err = match errno {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::other(e.to_string()),
    };
    raised.keep(e);
    err
}

/// A binary file object (anything with `write(bytes)`) as an `io::Write`.
struct PyWriter {
    file: Py<PyAny>,
    raised: Raised,
}

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| match self.file.call_method1(py, "write", (PyBytes::new(py, buf),)) {
            // `None` (a writer that does not count) means all of it.
            Ok(n) => Ok(n.extract::<usize>(py).map_or(buf.len(), |n| n.min(buf.len()))),
            Err(e) => Err(io_error(py, e, &self.raised)),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        // The caller owns the file object and flushes or closes it when it wants to.
        Ok(())
    }
}

/// A binary file object (anything with `read(n)` answering bytes) as an `io::Read`.
struct PyReader {
    file: Py<PyAny>,
    raised: Raised,
}

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let data = match self.file.call_method1(py, "read", (buf.len(),)) {
                Ok(data) => data.into_bound(py),
                Err(e) => return Err(io_error(py, e, &self.raised)),
            };
            let copy = |bytes: &[u8], buf: &mut [u8]| {
                if bytes.len() > buf.len() {
                    return Err(io::Error::other("the file object's read(n) answered more than n bytes"));
                }
                buf[..bytes.len()].copy_from_slice(bytes);
                Ok(bytes.len())
            };
            if data.is_none() {
                return Ok(0);
            }
            if let Ok(bytes) = data.cast::<PyBytes>() {
                return copy(bytes.as_bytes(), buf);
            }
            if let Ok(array) = data.cast::<PyByteArray>() {
                return copy(&array.to_vec(), buf);
            }
            let kind = data.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            Err(io::Error::other(format!(
                "the file object's read() answered {kind}, not bytes: open it in binary mode ('rb')"
            )))
        })
    }
}

/// The exception for a failed transfer: the progress callable's own when it stopped the
/// transfer, `LocalIOError` caused by a file object's exception, or the core's error.
fn transfer_error(py: Python<'_>, err: Error, caught: &Caught, raised: &Raised) -> PyErr {
    match (raised.take(), &err) {
        (Some(own), Error::Cancelled) => own,
        (Some(own), Error::Io { .. }) => {
            let wrapped = to_pyerr(py, err);
            wrapped.set_cause(py, Some(own));
            wrapped
        }
        _ => call_error(py, err, caught),
    }
}

/// What to download: a file of a server, a backup's archive, or a signed URL as given.
fn fetch(
    client: &Client,
    what: &str,
    server: Option<&str>,
    target: &str,
    dest: Destination,
    progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
) -> Result<u64, Error> {
    let server = || server.ok_or_else(|| Error::InvalidInput("no server given".into()));
    match (what, dest) {
        ("file", Destination::Path(path)) => {
            client.server(server()?).files().download_to_path_with(target, path, progress)
        }
        ("file", Destination::Writer(out)) => {
            client.server(server()?).files().download_with(target, out, progress)
        }
        ("backup", Destination::Path(path)) => {
            client.server(server()?).backups().download_to_path_with(target, path, progress)
        }
        ("backup", Destination::Writer(out)) => {
            client.server(server()?).backups().download_with(target, out, progress)
        }
        ("url", Destination::Path(path)) => client.download_signed_to_path(target, path, progress),
        ("url", Destination::Writer(out)) => client.download_signed(target, out, progress),
        (other, _) => Err(Error::InvalidInput(format!("unknown download kind {other:?}"))),
    }
}

enum Destination {
    Path(PathBuf),
    Writer(PyWriter),
}

/// Downloads `target` (a file path of `server` when `what` is `"file"`, a backup uuid for
/// `"backup"`, a signed URL for `"url"`) to the local file `path` or into the binary file
/// object `file`, calling `progress(done, total)` along the way. Answers the bytes written.
#[pyfunction]
#[pyo3(signature = (client, what, server, target, path, file, progress))]
#[allow(clippy::too_many_arguments)]
pub fn download(
    py: Python<'_>,
    client: &NativeClient,
    what: &str,
    server: Option<String>,
    target: &str,
    path: Option<PathBuf>,
    file: Option<Py<PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<u64> {
    let raised = Raised::default();
    let dest = match (path, file) {
        (Some(path), None) => Destination::Path(path),
        (None, Some(file)) => Destination::Writer(PyWriter { file, raised: raised.clone() }),
        _ => return Err(invalid_input(py, "give either a path or a binary file object to download to")),
    };
    let (core, caught) = interruptible(&client.client(py)?);
    let progress = on_progress(progress, raised.clone());
    let (what, target) = (what.to_owned(), target.to_owned());
    py.detach(move || fetch(&core, &what, server.as_deref(), &target, dest, progress))
        .map_err(|e| transfer_error(py, e, &caught, &raised))
}

/// One source of an upload as `_extras.py` hands it over: `(name, path, file, size)`, with
/// either a path (a local file) or a binary file object.
type Source = (Option<String>, Option<PathBuf>, Option<Py<PyAny>>, Option<u64>);

/// Uploads `sources` into `directory` of `server`, calling `progress(done, total)` along the
/// way. Answers the bytes of file content sent.
#[pyfunction]
#[pyo3(signature = (client, server, directory, sources, progress))]
pub fn upload(
    py: Python<'_>,
    client: &NativeClient,
    server: String,
    directory: String,
    sources: Vec<Source>,
    progress: Option<Py<PyAny>>,
) -> PyResult<u64> {
    let raised = Raised::default();
    let mut uploads = Vec::with_capacity(sources.len());
    for (name, path, file, size) in sources {
        let mut upload = match (path, file) {
            (Some(path), None) => Upload::path(path),
            (None, Some(file)) => Upload::reader(String::new(), PyReader { file, raised: raised.clone() }),
            _ => return Err(invalid_input(py, "each source is either a path or a binary file object")),
        };
        if let Some(name) = name {
            upload = upload.name(name);
        }
        if let Some(size) = size {
            upload = upload.with_len(size);
        }
        uploads.push(upload);
    }
    let (core, caught) = interruptible(&client.client(py)?);
    let progress = on_progress(progress, raised.clone());
    py.detach(move || core.server(&server).files().upload_with(&directory, uploads, progress))
        .map_err(|e| transfer_error(py, e, &caught, &raised))
}
