//! Resource handles: `client.server("d3aac109").allocations().set_primary(16)`.
//!
//! Each typed method builds the operation's flat parameter object (the panel's names) and runs it
//! through the same path as [`Client::call`], so the typed and the generic surface cannot drift
//! apart. One file per area; the handles' chain mirrors the operation ids
//! (`server.schedules.tasks.create` is `client.server(id).schedules().tasks().create(..)`).
//!
//! Every method is written once, generic over its [`Caller`]: the blocking [`Client`] makes it
//! answer `Result<T>`, the [`AsyncClient`](crate::AsyncClient) a future of it.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::client::{decode, Client, Raw};
use crate::error::{Error, Result};
use crate::models::{Page, Pagination, SystemPermissions};
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

/// What the resource handles call through: the blocking [`Client`] or the
/// [`AsyncClient`](crate::AsyncClient). Each handle is generic over it (`ServerHandle<'c, C =
/// Client>`), so every typed method is written once and answers, for `Client`, a plain
/// `Result<T>` and, for `AsyncClient`, a [`CallFuture<T>`](crate::CallFuture) (a `Send +
/// 'static` future of the same `Result<T>`):
///
/// ```no_run
/// # async fn demo() -> pterodactyl_client::Result<()> {
/// let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
/// let blocking = client.server("d3aac109").resources()?;
/// let asynchronous = client.to_async().server("d3aac109").resources().await?;
/// # Ok(()) }
/// ```
///
/// Sealed: only this crate's two clients implement it.
pub trait Caller: Clone + fmt::Debug + sealed::Sealed {
    /// What a call answers: `Result<T>` (blocking) or [`CallFuture<T>`](crate::CallFuture).
    type Out<T: Send + 'static>;
    /// What walks every page of a list: [`PageIter<T>`] (an `Iterator`) or
    /// [`PageStream<T>`](crate::PageStream) (a `Stream`).
    type Pager<T: DeserializeOwned + Send + 'static>;

    /// Runs an operation and decodes its answer into `T`.
    #[doc(hidden)]
    fn typed<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> Self::Out<T>;

    /// Runs an operation whose answer carries nothing.
    #[doc(hidden)]
    fn unit(&self, op_id: &'static str, params: impl sealed::IntoParams) -> Self::Out<()>;

    /// Runs an operation whose answer is raw bytes (`server.files.contents`).
    #[doc(hidden)]
    fn bytes(&self, op_id: &'static str, params: impl sealed::IntoParams) -> Self::Out<Vec<u8>>;

    /// Runs an operation that sends `content` as its raw request body (`server.files.write`).
    #[doc(hidden)]
    fn unit_with_content(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
        content: Vec<u8>,
    ) -> Self::Out<()>;

    /// Walks every page of a paginated operation, with the same parameters on every page.
    #[doc(hidden)]
    fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> Result<Self::Pager<T>>;

    /// Post-processes what a call answers (`contents_text` decodes the bytes).
    #[doc(hidden)]
    fn map<T: Send + 'static, U: Send + 'static>(
        out: Self::Out<T>,
        f: impl FnOnce(T) -> Result<U> + Send + 'static,
    ) -> Self::Out<U>;
}

pub(crate) mod sealed {
    use serde_json::{Map, Value};

    use crate::error::Result;

    /// Keeps [`Caller`](super::Caller) to this crate's clients.
    pub trait Sealed {}

    /// A typed method's parameters, or why they could not be encoded.
    pub trait IntoParams {
        /// The flat parameter object.
        fn into_params(self) -> Result<Map<String, Value>>;
    }

    impl IntoParams for Map<String, Value> {
        fn into_params(self) -> Result<Map<String, Value>> {
            Ok(self)
        }
    }

    impl IntoParams for Result<Map<String, Value>> {
        fn into_params(self) -> Result<Map<String, Value>> {
            self
        }
    }
}

impl sealed::Sealed for Client {}

/// The blocking caller: every method answers when the panel has.
impl Caller for Client {
    type Out<T: Send + 'static> = Result<T>;
    type Pager<T: DeserializeOwned + Send + 'static> = PageIter<T>;

    fn typed<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> Result<T> {
        Client::typed(self, op_id, params.into_params()?)
    }

    fn unit(&self, op_id: &'static str, params: impl sealed::IntoParams) -> Result<()> {
        Client::unit(self, op_id, params.into_params()?)
    }

    fn bytes(&self, op_id: &'static str, params: impl sealed::IntoParams) -> Result<Vec<u8>> {
        Client::bytes(self, op_id, params.into_params()?)
    }

    fn unit_with_content(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
        content: Vec<u8>,
    ) -> Result<()> {
        Client::unit_with_content(self, op_id, params.into_params()?, content)
    }

    fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> Result<PageIter<T>> {
        Ok(PageIter::new(self.clone(), ops::get(op_id), params.into_params()?))
    }

    fn map<T: Send + 'static, U: Send + 'static>(
        out: Result<T>,
        f: impl FnOnce(T) -> Result<U> + Send + 'static,
    ) -> Result<U> {
        out.and_then(f)
    }
}

/// `Clone` and `Copy` for handles that only borrow their client: derived ones would ask the
/// client type to be `Copy` too.
macro_rules! copy_handle {
    ($($handle:ident),* $(,)?) => {$(
        impl<C> Clone for $handle<'_, C> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<C> Copy for $handle<'_, C> {}
    )*};
}
pub(crate) use copy_handle;

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

    /// The account of the key's user: profile, two-factor, email, password, activity, API keys
    /// and SSH keys. Makes no request.
    pub fn account(&self) -> AccountApi<'_> {
        AccountApi::new(self)
    }

    /// Every permission key the panel knows (`permissions.get`).
    pub fn permissions(&self) -> Result<SystemPermissions> {
        self.typed("permissions.get", Map::new())
    }

    /// Iterates over every item of a paginated operation, fetching pages as needed and sending
    /// every parameter (filters, includes, `per_page`) with each page. Items come in the one
    /// JSON shape.
    pub fn iter_values(&self, op_id: &str, params: Value) -> Result<PageIter<Value>> {
        Ok(PageIter::new(self.clone(), paginated(&self.inner, op_id)?, crate::client::params_object(params)?))
    }

    /// Like [`Client::iter_values`], but hands out each page undecoded, for a front that builds
    /// its own objects from it with [`Raw::build`] (the page in the one JSON shape: `data` and
    /// `meta`).
    pub fn iter_pages(&self, op_id: &str, params: Value) -> Result<RawPages> {
        let op = paginated(&self.inner, op_id)?;
        Ok(RawPages { client: self.clone(), op, pages: Pages::new(crate::client::params_object(params)?) })
    }

    /// Every item of a paginated operation, page after page, as the text of one JSON array in
    /// the one shape (what the C surface's `ptero_call_all_pages` hands out). Each page is
    /// written as [`Raw::to_json`] writes it, straight from the panel's bytes with no tree in
    /// between, and its items' texts are joined.
    pub fn all_pages_json(&self, op_id: &str, params: Value) -> Result<String> {
        /// A page in the one shape, its items' texts borrowed from it.
        #[derive(Deserialize)]
        struct PageText<'a> {
            #[serde(borrow)]
            data: Vec<&'a serde_json::value::RawValue>,
        }
        let mut out = String::from("[");
        for page in self.iter_pages(op_id, params)? {
            let text = page?.to_json().map_err(|e| crate::exec::scrub_error(&self.inner, e))?;
            let page: PageText<'_> = serde_json::from_str(&text).map_err(|e| {
                let e = Error::Decode { path: "data".into(), message: e.to_string() };
                crate::exec::scrub_error(&self.inner, e)
            })?;
            for item in page.data {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(item.get());
            }
        }
        out.push(']');
        Ok(out)
    }
}

/// The operation `op_id`, which must be paginated.
pub(crate) fn paginated(inner: &crate::client::Inner, op_id: &str) -> Result<&'static ops::Operation> {
    let op = crate::exec::lookup(inner, op_id)?;
    if !op.paginated {
        return Err(Error::invalid(format!("operation `{op_id}` is not paginated")));
    }
    Ok(op)
}

/// Where a walk over every page stands: the parameters sent with every page and the next page
/// to ask for. [`PageIter`], [`RawPages`], [`PageStream`](crate::PageStream) and
/// [`RawPageStream`](crate::RawPageStream) share it, so they all stop at the same page.
pub(crate) struct Pages {
    params: Map<String, Value>,
    next_page: u64,
    done: bool,
}

impl Pages {
    /// Starts at `params`' `page` (or the first page).
    pub(crate) fn new(mut params: Map<String, Value>) -> Self {
        let first = params.remove("page").and_then(|p| p.as_u64()).unwrap_or(1).max(1);
        Pages { params, next_page: first, done: false }
    }

    /// The parameters of the next page to fetch, or `None` after the last page (or an error).
    pub(crate) fn next_request(&self) -> Option<Map<String, Value>> {
        if self.done {
            return None;
        }
        let mut params = self.params.clone();
        params.insert("page".into(), Value::from(self.next_page));
        Some(params)
    }

    /// Takes in the answer for the page asked last, split by `split` into what the walk hands
    /// out, how many items it holds and where it sits; an error ends the walk.
    pub(crate) fn receive<P>(
        &mut self,
        answer: Result<Raw>,
        split: impl FnOnce(Raw) -> Result<(P, usize, Pagination)>,
    ) -> Result<P> {
        let (page, items, pagination) = answer.and_then(split).inspect_err(|_| self.done = true)?;
        let current = pagination.current_page.max(self.next_page);
        self.done = items == 0 || current >= pagination.total_pages;
        self.next_page = current + 1;
        Ok(page)
    }

    /// The `Debug` of a blocking walk named `name` over `op` (never its parameters).
    fn describe(&self, f: &mut fmt::Formatter<'_>, name: &str, op: &ops::Operation) -> fmt::Result {
        f.debug_struct(name)
            .field("op", &op.id)
            .field("next_page", &self.next_page)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The items of one page, for [`PageIter`] and [`PageStream`](crate::PageStream).
pub(crate) enum PageItems<T> {
    /// Decoded with the page, straight from its bytes.
    Typed(std::vec::IntoIter<T>),
    /// A page whose items did not all decode: each is decoded when its turn comes, so the ones
    /// before the one that does not fit are still handed out, and its error names the field.
    Values(std::vec::IntoIter<Value>),
}

impl<T> PageItems<T> {
    pub(crate) fn none() -> Self {
        PageItems::Typed(Vec::new().into_iter())
    }
}

impl<T: DeserializeOwned> PageItems<T> {
    /// Splits a page's answer: the whole page is decoded in one pass from the bytes (the page's
    /// items as `T`, no `Value` in between); only when that fails is it split as a `Value`.
    pub(crate) fn split(raw: Raw) -> Result<(Self, usize, Pagination)> {
        match raw.decode::<Page<T>>() {
            Ok(page) => {
                let n = page.data.len();
                Ok((PageItems::Typed(page.data.into_iter()), n, page.meta.pagination))
            }
            Err(_) => {
                let (data, pagination) = split_page(raw.to_value()?)?;
                let n = data.len();
                Ok((PageItems::Values(data.into_iter()), n, pagination))
            }
        }
    }

    pub(crate) fn next(&mut self) -> Option<Result<T>> {
        match self {
            PageItems::Typed(items) => items.next().map(Ok),
            PageItems::Values(items) => items.next().map(decode),
        }
    }
}

/// How many items a page holds and where it sits, for the walks that hand out whole pages: read
/// by skipping over the items, or from the page as a `Value` when that does not fit (which names
/// what is missing).
pub(crate) fn position(raw: Raw) -> Result<(Raw, usize, Pagination)> {
    if let Ok(page) = raw.decode::<Page<serde::de::IgnoredAny>>() {
        return Ok((raw, page.data.len(), page.meta.pagination));
    }
    let (data, pagination) = split_page(raw.to_value()?)?;
    Ok((raw, data.len(), pagination))
}

/// Iterates over every item of a paginated list, one page at a time, with the same parameters
/// on every page. Stops after the last page or the first page that fails; an item that does not
/// fit `T` is an error in its place, and the items after it still come.
pub struct PageIter<T> {
    client: Client,
    op: &'static ops::Operation,
    pages: Pages,
    items: PageItems<T>,
}

impl<T> std::fmt::Debug for PageIter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pages.describe(f, "PageIter", self.op)
    }
}

impl<T> PageIter<T> {
    pub(crate) fn new(client: Client, op: &'static ops::Operation, params: Map<String, Value>) -> Self {
        PageIter { client, op, pages: Pages::new(params), items: PageItems::none() }
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
            if let Some(item) = self.items.next() {
                return Some(item.map_err(|e| crate::exec::scrub_error(&self.client.inner, e)));
            }
            let params = self.pages.next_request()?;
            match self.pages.receive(self.client.call_op_raw(self.op, params), PageItems::split) {
                Ok(items) => self.items = items,
                Err(e) => return Some(Err(crate::exec::scrub_error(&self.client.inner, e))),
            }
        }
    }
}

/// Every page of a paginated list as it came ([`Raw`]), one at a time, with the same parameters
/// on every page: for a front that builds its own objects from each page (the Python package's
/// page iterators). Stops after the last page or the first error.
pub struct RawPages {
    client: Client,
    op: &'static ops::Operation,
    pages: Pages,
}

impl std::fmt::Debug for RawPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.pages.describe(f, "RawPages", self.op)
    }
}

impl Iterator for RawPages {
    type Item = Result<Raw>;

    fn next(&mut self) -> Option<Result<Raw>> {
        let params = self.pages.next_request()?;
        let page = self.pages.receive(self.client.call_op_raw(self.op, params), position);
        Some(page.map_err(|e| crate::exec::scrub_error(&self.client.inner, e)))
    }
}
