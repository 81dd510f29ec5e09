//! `pterodactyl._native`: the private native half of the `pterodactyl` Python package.
//!
//! It converts, it does not decide: Python objects become the core's flat JSON parameters, the
//! core's JSON results become dicts and lists, and core errors become the exceptions of
//! `pterodactyl.errors`. Retries, timeouts, URL encoding, validation and pagination all stay in
//! the `pterodactyl-client` crate.

mod asynchronous;
mod bridge;
mod client;
mod console;
mod convert;
mod errors;
mod transfer;

use pyo3::prelude::*;

/// Native core of the `pterodactyl` package. Private: import `pterodactyl` instead.
#[pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::asynchronous::{AsyncPageIterator, NativeAsyncClient};
    #[pymodule_export]
    use super::client::{NativeClient, PageIterator};
    #[pymodule_export]
    use super::console::{ConsoleEvent, NativeConsole};
    #[pymodule_export]
    use super::transfer::{download, upload};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // The version of the package and of the Rust core it was built with.
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// Every operation of the Client API, as the core declares it: `id`, `method`, `path`,
    /// `success`, `permission`, `paginated`, `long_running`, `summary`, `params` (each with
    /// `name`, `type`, `values`, `place`, `presence`, `doc`), `returns`, `method_path` (where
    /// the typed method sits, from the client or a server handle), `on_server`, `c_function`.
    #[pyfunction]
    fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        crate::convert::to_python(py, &pterodactyl_client::ops::describe())
    }
}
