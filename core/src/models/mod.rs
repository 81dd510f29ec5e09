//! Typed models of the panel's answers, in the crate's one JSON shape (see
//! [`shape`](crate::shape)).
//!
//! Every model keeps the fields it does not know in `extra`, so a newer panel or Pelican never
//! breaks decoding, and serializes back to exactly the shape the C and Python fronts hand out.
//!
//! The models live in one file per area and are all re-exported here (and at the crate root).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod account;
mod activity;
mod backups;
mod databases;
mod files;
mod schedules;
mod server;
mod users;

pub use account::*;
pub use activity::*;
pub use backups::*;
pub use databases::*;
pub use files::*;
pub use schedules::*;
pub use server::*;
pub use users::*;

/// Fields a model does not name, kept as they came.
pub type Extra = Map<String, Value>;

// `Option<Option<T>>` tells "not included" (outer None) from "included as null_resource".
pub(crate) fn is_absent<T>(v: &Option<Option<T>>) -> bool {
    v.is_none()
}

// A key that is present (even as `null`) is `Some(..)`; `default` covers the absent key.
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One page of a paginated list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The entries of this page.
    pub data: Vec<T>,
    /// Pagination and any other `meta` the panel sent.
    pub meta: PageMeta,
}

impl<T> Page<T> {
    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.meta.pagination.current_page < self.meta.pagination.total_pages
    }
}

/// `meta` of a paginated list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// Where this page sits.
    pub pagination: Pagination,
    /// Other meta (`backup_count`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

impl PageMeta {
    /// `meta.backup_count` of `server.backups.list`: the server's backups that did not fail
    /// (all pages), which is what counts against its backup limit.
    pub fn backup_count(&self) -> Option<u64> {
        self.extra.get("backup_count").and_then(Value::as_u64)
    }
}

/// `meta.pagination`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pagination {
    /// Entries in all pages.
    pub total: u64,
    /// Entries in this page.
    pub count: u64,
    /// Page size.
    pub per_page: u64,
    /// This page's number, from 1.
    pub current_page: u64,
    /// Number of pages.
    pub total_pages: u64,
    /// `links` and anything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Test support: decodes a sample of the one JSON shape into `T`, checks that it serializes back
/// to exactly the sample, and hands the model back for field checks.
#[cfg(test)]
#[track_caller]
pub(crate) fn round_trip<T>(sample: Value) -> T
where
    T: serde::de::DeserializeOwned + Serialize,
{
    let model: T = match crate::client::decode(sample.clone()) {
        Ok(model) => model,
        Err(e) => panic!("the sample does not decode: {e}"),
    };
    assert_eq!(serde_json::to_value(&model).unwrap(), sample, "serializing changed the shape");
    model
}
