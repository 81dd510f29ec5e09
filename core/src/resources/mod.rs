//! Resource handles: `client.server("d3aac109").allocations().set_primary(16)`.
//!
//! Each typed method builds the operation's flat parameter object (the panel's names) and runs it
//! through the same path as [`Client::call`], so the typed and the generic surface cannot drift
//! apart. One file per area; the handles' chain mirrors the operation ids
//! (`server.schedules.tasks.create` is `client.server(id).schedules().tasks().create(..)`).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::client::{decode, Client};
use crate::error::{Error, Result};
use crate::models::{Pagination, SystemPermissions};
use crate::ops;

mod account;
mod activity;
mod allocations;
mod backups;
mod databases;
mod files;
mod schedules;
mod server;
mod servers;
mod settings;
mod users;

pub use account::{AccountApi, ApiKeys, Email, Password, SshKeys, TwoFactor};
pub use activity::{AccountActivity, Activity, ListActivity};
pub use allocations::Allocations;
pub use backups::{Backups, ListBackups, NewBackup};
pub use databases::Databases;
pub use files::{Files, PullFile};
pub use schedules::{ScheduleParams, Schedules, TaskParams, Tasks};
pub use server::ServerHandle;
pub use servers::{ListServers, ServerListType, Servers};
pub use settings::{Settings, StartupApi};
pub use users::Users;

pub(crate) fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub(crate) fn to_params<P: Serialize>(p: &P) -> Result<Map<String, Value>> {
    match serde_json::to_value(p) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(Error::invalid(format!("could not encode the parameters: {e}"))),
    }
}

/// `include` as the query string takes it: `["egg", "subusers"]` or `"egg,subusers"`.
pub(crate) fn includes<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "an array of strings or a comma-separated string")]
    enum Includes {
        List(Vec<String>),
        Joined(String),
    }
    Ok(match Option::<Includes>::deserialize(d)? {
        None => Vec::new(),
        Some(Includes::List(list)) => list,
        Some(Includes::Joined(text)) => {
            text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        }
    })
}

impl Client {
    /// The servers the key can see.
    pub fn servers(&self) -> Servers<'_> {
        Servers::new(self)
    }

    /// A handle on one server, by its short identifier or UUID. Makes no request.
    pub fn server(&self, id: &str) -> ServerHandle<'_> {
        ServerHandle::new(self, id)
    }

    /// Every permission key the panel knows (`permissions.get`).
    pub fn permissions(&self) -> Result<SystemPermissions> {
        self.typed("permissions.get", Map::new())
    }

    /// Iterates over every item of a paginated operation, fetching pages as needed and sending
    /// every parameter (filters, includes, `per_page`) with each page. Items come in the one
    /// JSON shape.
    pub fn iter_values(&self, op_id: &str, params: Value) -> Result<PageIter<Value>> {
        let op = ops::find(op_id).ok_or_else(|| Error::invalid(format!("unknown operation {op_id:?}")))?;
        if !op.paginated {
            return Err(Error::invalid(format!("operation `{op_id}` is not paginated")));
        }
        Ok(PageIter::new(self.clone(), op, crate::client::params_object(params)?))
    }
}

/// Iterates over every item of a paginated list, one page at a time, with the same parameters
/// on every page. Stops after the last page or the first error.
pub struct PageIter<T> {
    client: Client,
    op: &'static ops::Operation,
    params: Map<String, Value>,
    next_page: u64,
    buffer: std::vec::IntoIter<Value>,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for PageIter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageIter")
            .field("op", &self.op.id)
            .field("next_page", &self.next_page)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T> PageIter<T> {
    pub(crate) fn new(client: Client, op: &'static ops::Operation, mut params: Map<String, Value>) -> Self {
        let first = params.remove("page").and_then(|p| p.as_u64()).unwrap_or(1).max(1);
        PageIter {
            client,
            op,
            params,
            next_page: first,
            buffer: Vec::new().into_iter(),
            done: false,
            _item: PhantomData,
        }
    }

    fn fetch(&mut self) -> Result<()> {
        let mut params = self.params.clone();
        params.insert("page".into(), Value::from(self.next_page));
        let value = self.client.call_op(self.op, params)?;
        let (data, pagination) = split_page(value)?;
        let current = pagination.current_page.max(self.next_page);
        self.done = data.is_empty() || current >= pagination.total_pages;
        self.next_page = current + 1;
        self.buffer = data.into_iter();
        Ok(())
    }
}

fn split_page(value: Value) -> Result<(Vec<Value>, Pagination)> {
    let mut obj = object(value);
    let pagination = obj
        .get_mut("meta")
        .and_then(|m| m.get_mut("pagination"))
        .map(Value::take)
        .ok_or_else(|| Error::Decode { path: "meta.pagination".into(), message: "missing".into() })?;
    let pagination: Pagination = decode(pagination)?;
    let data = match obj.remove("data") {
        Some(Value::Array(items)) => items,
        _ => return Err(Error::Decode { path: "data".into(), message: "expected an array".into() }),
    };
    Ok((data, pagination))
}

impl<T: DeserializeOwned> Iterator for PageIter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(v) = self.buffer.next() {
                return Some(decode(v));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.fetch() {
                self.done = true;
                return Some(Err(e));
            }
        }
    }
}
