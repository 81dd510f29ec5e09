//! `pterodactyl._native`: the private native half of the `pterodactyl` Python package.
//!
//! It converts, it does not decide: Python objects become the core's flat JSON parameters, the
//! core's JSON results become dicts and lists, and core errors become the exceptions of
//! `pterodactyl.errors`. Retries, timeouts, URL encoding, validation and pagination all stay in
//! the `pterodactyl-client` crate.

mod client;
mod convert;
mod errors;

use pyo3::prelude::*;

/// Native core of the `pterodactyl` package. Private: import `pterodactyl` instead.
#[pymodule]
mod _native {
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyList};

    #[pymodule_export]
    use super::client::{NativeClient, PageIterator};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // The version of the package and of the Rust core it was built with.
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// Every operation of the Client API: `id`, `method`, `path` (relative to `/api/client`),
    /// `success` status, `permission` a subuser needs (or `None`), and whether it is `paginated`.
    #[pyfunction]
    fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        let list = PyList::empty(py);
        for op in pterodactyl_client::ops::all() {
            let d = PyDict::new(py);
            d.set_item("id", op.id)?;
            d.set_item("method", op.method.as_str())?;
            d.set_item("path", op.path)?;
            d.set_item("success", op.success)?;
            d.set_item("permission", op.permission)?;
            d.set_item("paginated", op.paginated)?;
            list.append(d)?;
        }
        Ok(list)
    }
}
