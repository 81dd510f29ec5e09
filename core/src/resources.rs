//! Resource handles: `client.server("d3aac109").allocations().set_primary(16)`.
//!
//! Each typed method builds the operation's flat parameter object and runs it through the same
//! path as [`Client::call`], so the typed and the generic surface cannot drift apart.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use crate::client::{decode, Client};
use crate::error::{Error, Result};
use crate::models::*;
use crate::ops;

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn to_params<P: Serialize>(p: &P) -> Result<Map<String, Value>> {
    match serde_json::to_value(p) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(Error::invalid(format!("could not encode the parameters: {e}"))),
    }
}

/// Which servers `servers.list` returns (`type=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ServerListType {
    /// Only servers the user owns.
    Owner,
    /// Admins: servers the admin does not own or share.
    Admin,
    /// Admins: every server.
    AdminAll,
}

/// Parameters of `servers.list`. Every field is kept on every page by [`Servers::iter`].
///
/// ```
/// use pterodactyl_client::ListServers;
/// let params = ListServers::new().filter("name", "Survival").include("egg").per_page(25);
/// ```
///
/// It also reads from the flat JSON parameters of `servers.list` (unknown keys are refused), so
/// the C and Python fronts take the same object as the generic call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ListServers {
    /// `filter[...]`: `uuid`, `name`, `description`, `external_id` or `*`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// `include=`: `egg`, `subusers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "includes")]
    pub include: Vec<String>,
    /// `type=`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ServerListType>,
    /// Page number (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (the panel allows 1 to 100; default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

/// `include` as the query string takes it: `["egg", "subusers"]` or `"egg,subusers"`.
fn includes<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
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

impl ListServers {
    /// No filters: every server the key can see, 50 a page.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `filter[field]=value` (partial match).
    pub fn filter(mut self, field: &str, value: &str) -> Self {
        self.filter.insert(field.to_owned(), value.to_owned());
        self
    }
    /// Adds a relationship to include (`egg`, `subusers`).
    pub fn include(mut self, rel: &str) -> Self {
        self.include.push(rel.to_owned());
        self
    }
    /// Sets `type=`.
    pub fn kind(mut self, kind: ServerListType) -> Self {
        self.kind = Some(kind);
        self
    }
    /// Sets the page number.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }
    /// Sets the page size.
    pub fn per_page(mut self, n: u32) -> Self {
        self.per_page = Some(n);
        self
    }
}

/// Parameters of `server.activity.list` (also read from its flat JSON parameters, unknown keys
/// refused).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ListActivity {
    /// `filter[event]` (partial match), the one filter the panel accepts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// `sort=timestamp` (oldest first) or `-timestamp` (newest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `include=actor`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "includes")]
    pub include: Vec<String>,
    /// Page number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (1 to 100; default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl ListActivity {
    /// Every entry, in the panel's order.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only events whose name contains `event` (`filter[event]`).
    pub fn event(mut self, event: &str) -> Self {
        self.filter.insert("event".into(), event.to_owned());
        self
    }
    /// Newest first (`sort=-timestamp`).
    pub fn newest_first(mut self) -> Self {
        self.sort = Some("-timestamp".into());
        self
    }
    /// Oldest first (`sort=timestamp`).
    pub fn oldest_first(mut self) -> Self {
        self.sort = Some("timestamp".into());
        self
    }
    /// Includes the actor of each entry.
    pub fn include_actor(mut self) -> Self {
        self.include.push("actor".into());
        self
    }
    /// Sets the page number.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }
    /// Sets the page size.
    pub fn per_page(mut self, n: u32) -> Self {
        self.per_page = Some(n);
        self
    }
}

impl Client {
    /// The servers the key can see.
    pub fn servers(&self) -> Servers<'_> {
        Servers { client: self }
    }

    /// A handle on one server, by its short identifier or UUID. Makes no request.
    pub fn server(&self, id: &str) -> ServerHandle<'_> {
        ServerHandle { client: self, id: id.to_owned() }
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

/// `servers.list`.
#[derive(Clone, Copy, Debug)]
pub struct Servers<'c> {
    client: &'c Client,
}

impl Servers<'_> {
    /// One page of servers.
    pub fn list(&self, params: &ListServers) -> Result<Page<Server>> {
        self.client.typed("servers.list", to_params(params)?)
    }

    /// Every server on every page, lazily; the filters, includes and page size of `params` are
    /// sent with every page (`page` sets the first page).
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::ListServers;
    /// for server in client.servers().iter(&ListServers::new().filter("name", "Survival"))? {
    ///     println!("{}", server?.name);
    /// }
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn iter(&self, params: &ListServers) -> Result<PageIter<Server>> {
        Ok(PageIter::new(self.client.clone(), ops::get("servers.list"), to_params(params)?))
    }
}

/// A handle on one server. Cheap; makes no request until a method is called.
#[derive(Clone, Debug)]
pub struct ServerHandle<'c> {
    client: &'c Client,
    id: String,
}

impl<'c> ServerHandle<'c> {
    /// The identifier this handle was made with.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("server".into(), Value::String(self.id.clone()));
        m
    }

    fn with(&self, extra: Value) -> Map<String, Value> {
        let mut m = self.params();
        m.extend(object(extra));
        m
    }

    /// The server, with what the key may do on it (`server.get`).
    pub fn details(&self) -> Result<ServerDetails> {
        self.client.typed("server.get", self.params())
    }

    /// The server with relationships included (`egg`, `subusers`).
    pub fn details_with(&self, include: &[&str]) -> Result<ServerDetails> {
        self.client.typed("server.get", self.with(json!({ "include": include })))
    }

    /// Live state and resource usage (`server.resources`).
    pub fn resources(&self) -> Result<Stats> {
        self.client.typed("server.resources", self.params())
    }

    /// Sends a power signal (`server.power`). Never retried once it may have reached the panel.
    pub fn power(&self, signal: PowerSignal) -> Result<()> {
        self.client.unit("server.power", self.with(json!({ "signal": signal })))
    }

    /// `power(PowerSignal::Start)`.
    pub fn start(&self) -> Result<()> {
        self.power(PowerSignal::Start)
    }

    /// `power(PowerSignal::Stop)`.
    pub fn stop(&self) -> Result<()> {
        self.power(PowerSignal::Stop)
    }

    /// `power(PowerSignal::Restart)`.
    pub fn restart(&self) -> Result<()> {
        self.power(PowerSignal::Restart)
    }

    /// `power(PowerSignal::Kill)`.
    pub fn kill(&self) -> Result<()> {
        self.power(PowerSignal::Kill)
    }

    /// Sends a console command (`server.command`). The server must be running (the panel
    /// answers 502 otherwise). Never retried once it may have reached the panel.
    pub fn command(&self, command: &str) -> Result<()> {
        self.client.unit("server.command", self.with(json!({ "command": command })))
    }

    /// A websocket token and the socket address (`server.websocket`).
    pub fn websocket(&self) -> Result<WebsocketCredentials> {
        self.client.typed("server.websocket", self.params())
    }

    /// The activity log.
    pub fn activity(&self) -> Activity<'c> {
        Activity { server: self.clone() }
    }

    /// Startup variables.
    pub fn startup(&self) -> StartupApi<'c> {
        StartupApi { server: self.clone() }
    }

    /// Name, reinstall, Docker image.
    pub fn settings(&self) -> Settings<'c> {
        Settings { server: self.clone() }
    }

    /// Network allocations.
    pub fn allocations(&self) -> Allocations<'c> {
        Allocations { server: self.clone() }
    }
}

/// `server.activity.list`.
#[derive(Clone, Debug)]
pub struct Activity<'c> {
    server: ServerHandle<'c>,
}

impl Activity<'_> {
    /// One page of entries.
    pub fn list(&self, params: &ListActivity) -> Result<Page<ActivityLog>> {
        let mut p = self.server.params();
        p.extend(to_params(params)?);
        self.server.client.typed("server.activity.list", p)
    }

    /// Every entry on every page, with `params` sent on each page.
    pub fn iter(&self, params: &ListActivity) -> Result<PageIter<ActivityLog>> {
        let mut p = self.server.params();
        p.extend(to_params(params)?);
        Ok(PageIter::new(self.server.client.clone(), ops::get("server.activity.list"), p))
    }
}

/// `server.startup.*`.
#[derive(Clone, Debug)]
pub struct StartupApi<'c> {
    server: ServerHandle<'c>,
}

impl StartupApi<'_> {
    /// The variables, startup command and Docker images (`server.startup.get`).
    pub fn get(&self) -> Result<Startup> {
        self.server.client.typed("server.startup.get", self.server.params())
    }

    /// Sets a variable by its environment name (`server.startup.set_variable`). The panel checks
    /// the value against the variable's own rules (422 with the field named).
    pub fn set_variable(&self, key: &str, value: &str) -> Result<UpdatedVariable> {
        let p = self.server.with(json!({ "key": key, "value": value }));
        self.server.client.typed("server.startup.set_variable", p)
    }
}

/// `server.settings.*`.
#[derive(Clone, Debug)]
pub struct Settings<'c> {
    server: ServerHandle<'c>,
}

impl Settings<'_> {
    /// Renames the server (`server.settings.rename`). With `description: None` the description
    /// is left as it is.
    pub fn rename(&self, name: &str, description: Option<&str>) -> Result<()> {
        let mut p = self.server.with(json!({ "name": name }));
        if let Some(d) = description {
            p.insert("description".into(), Value::String(d.to_owned()));
        }
        self.server.client.unit("server.settings.rename", p)
    }

    /// Reinstalls the server (`server.settings.reinstall`); it is `installing` afterwards and
    /// most routes answer 409 until it is done.
    pub fn reinstall(&self) -> Result<()> {
        self.server.client.unit("server.settings.reinstall", self.server.params())
    }

    /// Switches to one of the egg's Docker images (`server.settings.docker_image`).
    pub fn set_docker_image(&self, image: &str) -> Result<()> {
        let p = self.server.with(json!({ "docker_image": image }));
        self.server.client.unit("server.settings.docker_image", p)
    }
}

/// `server.allocations.*`.
#[derive(Clone, Debug)]
pub struct Allocations<'c> {
    server: ServerHandle<'c>,
}

impl Allocations<'_> {
    /// Every allocation of the server (`server.allocations.list`).
    pub fn list(&self) -> Result<Vec<Allocation>> {
        self.server.client.typed("server.allocations.list", self.server.params())
    }

    /// Assigns a free allocation automatically (`server.allocations.assign`; no body). The
    /// panel answers 400 when auto-allocation is off or the limit is reached.
    pub fn assign(&self) -> Result<Allocation> {
        self.server.client.typed("server.allocations.assign", self.server.params())
    }

    /// Sets or clears (`None`) an allocation's notes (`server.allocations.set_notes`).
    pub fn set_notes(&self, allocation: u64, notes: Option<&str>) -> Result<Allocation> {
        let p = self.server.with(json!({ "allocation": allocation, "notes": notes }));
        self.server.client.typed("server.allocations.set_notes", p)
    }

    /// Makes an allocation the primary one (`server.allocations.set_primary`).
    pub fn set_primary(&self, allocation: u64) -> Result<Allocation> {
        let p = self.server.with(json!({ "allocation": allocation }));
        self.server.client.typed("server.allocations.set_primary", p)
    }

    /// Removes an allocation (`server.allocations.delete`); not the primary one.
    pub fn delete(&self, allocation: u64) -> Result<()> {
        let p = self.server.with(json!({ "allocation": allocation }));
        self.server.client.unit("server.allocations.delete", p)
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
    fn new(client: Client, op: &'static ops::Operation, mut params: Map<String, Value>) -> Self {
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
