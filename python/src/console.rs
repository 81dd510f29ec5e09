//! The live console: [`NativeConsole`] wraps the core's [`Console`] (which keeps the Wings
//! websocket alive), [`ConsoleEvent`] one of its events. Every wait releases the interpreter and
//! wakes about every 100 ms to run signal handlers, so Ctrl-C stops a loop over events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pterodactyl_client::{Client, Console, ConsoleOptions, Error, Event, PowerSignal};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use crate::client::NativeClient;
use crate::convert::to_python;
use crate::errors::{invalid_input, to_pyerr};

/// How long a wait runs detached before it looks at Python's signal handlers.
const SLICE: Duration = Duration::from_millis(100);

/// A server's live console; the public `pterodactyl.Console` wraps it.
#[pyclass(frozen, module = "pterodactyl._native", name = "Console")]
pub struct NativeConsole {
    console: Console,
    /// `close()` was called through this object: iteration then ends quietly.
    closed_here: AtomicBool,
    /// Iteration has handed out the error that ended the console: it now stops.
    finished: AtomicBool,
}

/// Seconds to a duration, refusing what cannot be one.
fn seconds(py: Python<'_>, name: &str, value: f64, zero_ok: bool) -> PyResult<Duration> {
    if !value.is_finite() || value < 0.0 || (!zero_ok && value == 0.0) || value > 86_400.0 * 365.0 {
        return Err(invalid_input(py, format!("{name} must be a positive number of seconds, got {value}")));
    }
    Ok(Duration::from_secs_f64(value))
}

impl NativeConsole {
    /// Waits for the next event up to `timeout` (`None`: without end), detached, running the
    /// signal handlers between slices.
    fn wait(&self, py: Python<'_>, timeout: Option<Duration>) -> PyResult<Result<Option<Event>, Error>> {
        // What is already there needs no detaching.
        match self.console.next_event(Some(Duration::ZERO)) {
            Ok(None) => {}
            other => return Ok(other),
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let slice = match deadline {
                None => SLICE,
                Some(d) => d.saturating_duration_since(Instant::now()).min(SLICE),
            };
            if slice.is_zero() {
                return Ok(Ok(None));
            }
            let got = py.detach(|| self.console.next_event(Some(slice)));
            match got {
                Ok(None) => py.check_signals()?,
                other => return Ok(other),
            }
        }
    }
}

#[pymethods]
impl NativeConsole {
    #[new]
    #[pyo3(signature = (
        client,
        server,
        *,
        origin = None,
        send_timeout = 10.0,
        reconnect = true,
        reconnect_initial = 0.5,
        reconnect_max = 30.0,
        ping_interval = 30.0,
        max_queued_events = 65_536,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client: &NativeClient,
        server: String,
        origin: Option<String>,
        send_timeout: f64,
        reconnect: bool,
        reconnect_initial: f64,
        reconnect_max: f64,
        ping_interval: f64,
        max_queued_events: usize,
    ) -> PyResult<Self> {
        let client: Client = client.client(py)?;
        let mut options = ConsoleOptions::default()
            .send_timeout(seconds(py, "send_timeout", send_timeout, true)?)
            .reconnect(reconnect)
            .reconnect_backoff(
                seconds(py, "reconnect_initial", reconnect_initial, false)?,
                seconds(py, "reconnect_max", reconnect_max, false)?,
            )
            .ping_interval(seconds(py, "ping_interval", ping_interval, false)?)
            .max_queued_events(max_queued_events);
        if let Some(origin) = origin {
            options = options.origin(origin);
        }
        // Opening waits on the panel and Wings: on a thread of its own, so that Ctrl-C still
        // interrupts the wait (a console that opens after that is closed at once).
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        // `detach` needs what it borrows to be `Sync`.
        let rx = std::sync::Mutex::new(rx);
        std::thread::Builder::new()
            .name("ptero-console-open".into())
            .spawn(move || {
                let _ = tx.send(Console::open(&client, &server, options));
            })
            .map_err(|e| {
                to_pyerr(
                    py,
                    Error::Transport { message: format!("could not start a thread: {e}"), connect: true },
                )
            })?;
        let opened = loop {
            let received = py
                .detach(|| rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv_timeout(SLICE));
            match received {
                Ok(opened) => break opened,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => py.check_signals()?,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(to_pyerr(
                        py,
                        Error::Transport { message: "the console's opening stopped".into(), connect: true },
                    ))
                }
            }
        };
        let console = opened.map_err(|e| to_pyerr(py, e))?;
        Ok(NativeConsole { console, closed_here: AtomicBool::new(false), finished: AtomicBool::new(false) })
    }

    /// The server identifier the console was opened with.
    #[getter]
    fn server(&self) -> &str {
        self.console.server()
    }

    /// Whether the console is authenticated on a live connection right now.
    #[getter]
    fn connected(&self) -> bool {
        self.console.is_connected()
    }

    /// Whether the console has ended.
    #[getter]
    fn closed(&self) -> bool {
        self.console.is_closed()
    }

    /// The next event, waiting up to `timeout` seconds (`None`: as long as it takes; 0: only
    /// what is there); `None` when nothing came in time. Raises what ended the console.
    #[pyo3(signature = (timeout = None))]
    fn next_event(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<ConsoleEvent>> {
        let timeout = timeout.map(|t| seconds(py, "timeout", t, true)).transpose()?;
        match self.wait(py, timeout)? {
            Ok(event) => Ok(event.map(ConsoleEvent::from)),
            Err(e) => Err(to_pyerr(py, e)),
        }
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<ConsoleEvent> {
        if self.finished.load(Ordering::SeqCst) {
            return Err(PyStopIteration::new_err(()));
        }
        match self.wait(py, None)? {
            Ok(Some(event)) => Ok(ConsoleEvent::from(event)),
            Ok(None) => Err(PyStopIteration::new_err(())),
            Err(e) => {
                self.finished.store(true, Ordering::SeqCst);
                if matches!(e, Error::Closed { .. }) && self.closed_here.load(Ordering::SeqCst) {
                    return Err(PyStopIteration::new_err(()));
                }
                Err(to_pyerr(py, e))
            }
        }
    }

    /// Sends a console command.
    fn send_command(&self, py: Python<'_>, command: &str) -> PyResult<()> {
        py.detach(|| self.console.send_command(command)).map_err(|e| to_pyerr(py, e))
    }

    /// Sends a power action: `start`, `stop`, `restart` or `kill`.
    fn set_state(&self, py: Python<'_>, state: &str) -> PyResult<()> {
        let signal: PowerSignal = state.parse().map_err(|e| to_pyerr(py, e))?;
        py.detach(|| self.console.set_state(signal)).map_err(|e| to_pyerr(py, e))
    }

    /// Asks Wings for the recent console lines.
    fn request_logs(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.console.request_logs()).map_err(|e| to_pyerr(py, e))
    }

    /// Asks Wings for resource usage now.
    fn request_stats(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.console.request_stats()).map_err(|e| to_pyerr(py, e))
    }

    /// Closes the console; iteration elsewhere stops cleanly.
    fn close(&self, py: Python<'_>) {
        self.closed_here.store(true, Ordering::SeqCst);
        py.detach(|| self.console.close());
    }

    fn __repr__(&self) -> String {
        let state = if self.console.is_closed() {
            " closed"
        } else if self.console.is_connected() {
            ""
        } else {
            " reconnecting"
        };
        format!("<pterodactyl._native.Console server={:?}{state}>", self.console.server())
    }
}

/// One event of a console: `name` and `args` as Wings sent them, plus typed fields where the
/// event has them (`None` otherwise).
#[pyclass(frozen, module = "pterodactyl._native", name = "ConsoleEvent")]
pub struct ConsoleEvent {
    event: Event,
}

impl From<Event> for ConsoleEvent {
    fn from(event: Event) -> Self {
        ConsoleEvent { event }
    }
}

#[pymethods]
impl ConsoleEvent {
    /// Wings' event name (`console output`, `status`, ...) or `disconnected` / `gap`.
    #[getter]
    fn name(&self) -> String {
        self.event.name().into_owned()
    }

    /// The event's arguments, as Wings sent them.
    #[getter]
    fn args(&self) -> Vec<String> {
        self.event.args()
    }

    /// The line of `console output`, `install output` and `transfer logs`.
    #[getter]
    fn line(&self) -> Option<&str> {
        self.event.line()
    }

    /// The power state of `status`.
    #[getter]
    fn state(&self) -> Option<&str> {
        match &self.event {
            Event::Status(s) => Some(s),
            _ => None,
        }
    }

    /// The resource usage of `stats`, a dict.
    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.field(py, "stats")
    }

    /// The backup's UUID of `backup completed:<uuid>`.
    #[getter]
    fn uuid(&self) -> Option<&str> {
        match &self.event {
            Event::BackupCompleted { uuid, .. } => Some(uuid),
            _ => None,
        }
    }

    /// What Wings reported for `backup completed:<uuid>`, a dict.
    #[getter]
    fn backup<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.field(py, "backup")
    }

    /// The text of `daemon message` and `daemon error`.
    #[getter]
    fn message(&self) -> Option<&str> {
        match &self.event {
            Event::DaemonMessage(s) | Event::DaemonError(s) => Some(s),
            _ => None,
        }
    }

    /// The status of `transfer status`.
    #[getter]
    fn status(&self) -> Option<&str> {
        match &self.event {
            Event::TransferStatus(s) => Some(s),
            _ => None,
        }
    }

    /// What `throttled` names: `global` or the event Wings throttled.
    #[getter]
    fn scope(&self) -> Option<&str> {
        match &self.event {
            Event::Throttled(s) => Some(s),
            _ => None,
        }
    }

    /// Why the connection was lost (`disconnected`).
    #[getter]
    fn reason(&self) -> Option<&str> {
        match &self.event {
            Event::Disconnected { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The close code Wings sent (`disconnected`), if any.
    #[getter]
    fn code(&self) -> Option<u16> {
        match &self.event {
            Event::Disconnected { code, .. } => *code,
            _ => None,
        }
    }

    /// Why events may be missing (`gap`): `reconnect`, `token` or `overflow`.
    #[getter]
    fn cause(&self) -> Option<&'static str> {
        match &self.event {
            Event::Gap { cause, .. } => Some(cause.as_str()),
            _ => None,
        }
    }

    /// How long the console was not receiving, in seconds (`gap`).
    #[getter]
    fn gap(&self) -> Option<f64> {
        match &self.event {
            Event::Gap { duration, .. } => Some(duration.as_secs_f64()),
            _ => None,
        }
    }

    /// How many events are known to be missing (`gap`), when known.
    #[getter]
    fn missed(&self) -> Option<u64> {
        match &self.event {
            Event::Gap { missed, .. } => *missed,
            _ => None,
        }
    }

    /// The event as the dict every surface shares: `{"event": ..., "args": [...], ...}` plus
    /// its typed fields (what C's `ptero_console_poll` gives as JSON).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.event.to_json())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<ConsoleEvent>().is_ok_and(|o| o.get().event == self.event)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.event.name().hash(&mut h);
        self.event.args().hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        let args = self.event.args();
        match self.event.line() {
            Some(line) => format!("<ConsoleEvent {:?} line={line:?}>", self.event.name()),
            None if args.is_empty() => format!("<ConsoleEvent {:?}>", self.event.name()),
            None => format!("<ConsoleEvent {:?} args={args:?}>", self.event.name()),
        }
    }
}

impl ConsoleEvent {
    /// One field of the JSON shape, as Python objects.
    fn field<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let json = match &self.event {
            Event::Stats(_) | Event::BackupCompleted { .. } => self.event.to_json(),
            _ => return Ok(None),
        };
        json.get(key).map(|v| to_python(py, v)).transpose()
    }
}
