//! [`AsyncClient`]: every call of [`Client`] as a future, on the caller's tokio runtime.
//!
//! It is the same client underneath: the same settings, key and rate-limit record (one `Arc`,
//! shared with the blocking clones it came from), and the same per-call machinery
//! ([`exec`](crate::exec): checks, retries, answer classification, errors). Only the driver
//! differs: the request goes out on the runtime that polls the future, and a retry waits with
//! `tokio::time::sleep`, never blocking a worker thread. Dropping the future abandons the call.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use crate::client::{params_object, Client, ClientBuilder, Inner, RateLimit, Raw};
use crate::error::{Error, Result};
use crate::exec::{Call, Step};
use crate::models::SystemPermissions;
use crate::ops::{self, Operation};
use crate::resources::{paginated, sealed, AccountApi, Caller, PageItems, Pages, ServerHandle, Servers};
use crate::shape;
use crate::transport::{exchange, Audience, Factory, Failure};

/// What a typed method of the [`AsyncClient`] answers: a boxed future of its result, `Send` and
/// `'static` (it borrows nothing, so it may be spawned).
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// The async half of a client's shared state: its own connection pool (connections belong to
/// the runtime that opened them, so the blocking transport's per-thread pools cannot be reused)
/// and the bound on calls in flight.
pub(crate) struct Shared {
    factory: Factory,
    http: OnceLock<reqwest::Client>,
    /// Held while the pool is made, so the calls that start together make it once.
    making: Mutex<()>,
    slots: Arc<Semaphore>,
    max_in_flight: usize,
}

impl Shared {
    pub(crate) fn new(factory: Factory, max_in_flight: usize) -> Shared {
        Shared {
            factory,
            http: OnceLock::new(),
            making: Mutex::new(()),
            slots: Arc::new(Semaphore::new(max_in_flight.min(Semaphore::MAX_PERMITS))),
            max_in_flight,
        }
    }

    /// The pool, made on first use (it is cheap to clone and shared by every async call).
    fn http(&self) -> Result<&reqwest::Client, Failure> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let _making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let made = (self.factory)(Audience::Panel).map_err(Failure::Http)?;
        Ok(self.http.get_or_init(|| made))
    }

    /// A place among the calls in flight now, or [`Error::Busy`].
    fn try_slot(&self) -> Result<OwnedSemaphorePermit> {
        match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(permit) => Ok(permit),
            Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => {
                Err(Error::Busy { limit: self.max_in_flight })
            }
        }
    }

    /// A place among the calls in flight, waiting for one to free up.
    async fn slot(&self) -> Result<OwnedSemaphorePermit> {
        // The semaphore is never closed.
        Arc::clone(&self.slots).acquire_owned().await.map_err(|_| Error::Busy { limit: self.max_in_flight })
    }
}

/// A client of one panel with one API key whose calls are futures, for async code on a tokio
/// runtime (a Discord bot on serenity or poise, a web backend).
///
/// It is [`Client`] with another driver: the same typed methods on the same handles
/// (`client.server(id).files().list(None).await?`), the same generic [`AsyncClient::call`], the
/// same checks, retries, errors and JSON shape. Make one with [`Client::to_async`] (sharing
/// the blocking client's settings and rate-limit record), [`AsyncClient::new`] or
/// [`ClientBuilder::build_async`].
///
/// * Calls run on the runtime that polls them (any tokio runtime with I/O and time enabled,
///   as `#[tokio::main]` sets up); a retry waits with the runtime's timer. Polled outside a
///   tokio runtime, a call fails with [`Error::Transport`] instead of panicking.
/// * Dropping a call's future abandons the call (its connection is closed). A request that was
///   already sent may still take effect on the panel.
/// * At most [`max_in_flight`](ClientBuilder::max_in_flight) calls (default 64, over all clones)
///   are in flight at once; more wait for a free place, in order.
/// * The connection pool is opened on the runtime of the first calls and kept: use one client
///   from one long-lived runtime (or several runtimes that all stay alive).
///
/// ```no_run
/// # async fn demo() -> pterodactyl_client::Result<()> {
/// use pterodactyl_client::{AsyncClient, ListServers, PowerSignal};
/// let client = AsyncClient::new("https://panel.example.com", "ptlc_...")?;
/// let mut servers = client.servers().iter(&ListServers::new().filter("name", "Survival"))?;
/// while let Some(server) = servers.next().await {
///     let server = server?;
///     let stats = client.server(&server.identifier).resources().await?;
///     println!("{}: {}", server.name, stats.current_state);
/// }
/// client.server("d3aac109").power(PowerSignal::Start).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
    /// The whole-request timeout of [`AsyncClient::with_timeout`], replacing the builder's.
    timeout: Option<Duration>,
}

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncClient")
            .field("base", &self.inner.base)
            .field("api_key", &self.inner.key)
            .field("timeout", &self.timeout.unwrap_or(self.inner.timeout))
            .field("retry", &self.inner.retry)
            .field("max_in_flight", &self.inner.asynchronous.max_in_flight)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// An [`AsyncClient`] on the same settings, key and rate-limit record (and the same
    /// `with_timeout`). Cheap; makes no request.
    pub fn to_async(&self) -> AsyncClient {
        AsyncClient { inner: Arc::clone(&self.inner), timeout: self.timeout }
    }
}

impl ClientBuilder {
    /// Checks the settings and builds an [`AsyncClient`]; see [`ClientBuilder::build`].
    pub fn build_async(self) -> Result<AsyncClient> {
        self.build().map(|client| client.to_async())
    }
}

impl AsyncClient {
    /// A client with default settings. See [`Client::builder`] and
    /// [`ClientBuilder::build_async`] for the others.
    pub fn new(panel_url: &str, api_key: &str) -> Result<AsyncClient> {
        Client::builder(panel_url, api_key).build_async()
    }

    /// A blocking [`Client`] on the same settings, key and rate-limit record.
    pub fn to_blocking(&self) -> Client {
        Client { inner: Arc::clone(&self.inner), timeout: self.timeout, cancel: None }
    }

    /// The API root this client talks to (`…/api/client`).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Like [`Client::with_timeout`]: a client sharing this one's connections and settings
    /// whose requests may each take `timeout` as a whole. A zero `timeout` makes every call
    /// fail with [`Error::InvalidInput`].
    pub fn with_timeout(&self, timeout: Duration) -> AsyncClient {
        AsyncClient { timeout: Some(timeout), ..self.clone() }
    }

    /// The rate-limit headers of the most recent answer (async or blocking), if the panel sent
    /// them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limit.get()
    }

    /// The servers the key can see.
    pub fn servers(&self) -> Servers<'_, AsyncClient> {
        Servers::new(self)
    }

    /// A handle on one server, by its short identifier or UUID. Makes no request.
    pub fn server(&self, id: &str) -> ServerHandle<'_, AsyncClient> {
        ServerHandle::new(self, id)
    }

    /// The account of the key's user. Makes no request.
    pub fn account(&self) -> AccountApi<'_, AsyncClient> {
        AccountApi::new(self)
    }

    /// Every permission key the panel knows (`permissions.get`).
    pub fn permissions(&self) -> CallFuture<SystemPermissions> {
        Caller::typed(self, "permissions.get", Map::new())
    }

    /// Like [`Client::call`]: any operation of the table by its id, with one flat JSON object of
    /// parameters; the answer in the one JSON shape.
    ///
    /// ```no_run
    /// # async fn demo(client: pterodactyl_client::AsyncClient) -> pterodactyl_client::Result<()> {
    /// client.call("server.power", serde_json::json!({"server": "d3aac109", "signal": "start"})).await?;
    /// # Ok(()) }
    /// ```
    pub fn call(&self, op_id: &str, params: Value) -> impl Future<Output = Result<Value>> + Send + 'static {
        let raw = self.call_raw(op_id, params);
        async move { raw.await?.build(&mut shape::ValueBuilder) }
    }

    /// Like [`Client::call_raw`]: the answer undecoded, for a front that builds its own objects.
    pub fn call_raw(&self, op_id: &str, params: Value) -> impl Future<Output = Result<Raw>> + Send + 'static {
        self.run(crate::exec::lookup(&self.inner, op_id), params_object(params), None, None)
    }

    /// Like [`Client::call_raw_with_content`]: `content` is the raw request body.
    pub fn call_raw_with_content(
        &self,
        op_id: &str,
        params: Value,
        content: Vec<u8>,
    ) -> impl Future<Output = Result<Raw>> + Send + 'static {
        self.run(crate::exec::lookup(&self.inner, op_id), params_object(params), Some(content), None)
    }

    /// Like [`Client::call_op`], for an operation row of the table.
    pub fn call_op(
        &self,
        op: &'static Operation,
        params: Map<String, Value>,
    ) -> impl Future<Output = Result<Value>> + Send + 'static {
        let raw = self.run(Ok(op), Ok(params), None, None);
        async move { raw.await?.build(&mut shape::ValueBuilder) }
    }

    /// Like [`AsyncClient::call_raw`], but takes the call's place among the calls in flight now:
    /// when all [`max_in_flight`](ClientBuilder::max_in_flight) places are taken it fails at once
    /// with [`Error::Busy`] instead of waiting. Every other failure comes from the future. (The C
    /// front's `ptero_call_submit` is built on it.)
    pub fn try_call_raw(
        &self,
        op_id: &str,
        params: Value,
    ) -> Result<impl Future<Output = Result<Raw>> + Send + 'static> {
        let slot = self.inner.asynchronous.try_slot()?;
        Ok(self.run(crate::exec::lookup(&self.inner, op_id), params_object(params), None, Some(slot)))
    }

    /// Like [`Client::iter_values`]: every item of a paginated operation, as a [`PageStream`]
    /// fetching pages as it goes, with every parameter sent with each page.
    pub fn iter_values(&self, op_id: &str, params: Value) -> Result<PageStream<Value>> {
        Ok(PageStream::new(self.clone(), paginated(&self.inner, op_id)?, params_object(params)?))
    }

    /// Like [`Client::iter_pages`](crate::Client::iter_pages): every page undecoded, as a
    /// [`RawPageStream`].
    pub fn iter_pages(&self, op_id: &str, params: Value) -> Result<RawPageStream> {
        let op = paginated(&self.inner, op_id)?;
        Ok(RawPageStream { client: self.clone(), op, pages: Pages::new(params_object(params)?) })
    }

    /// The async driver of [`Call`]: checks the parameters, waits for a place among the calls in
    /// flight (unless one was taken already), then sends on the runtime that polls it and waits
    /// with its timer between tries.
    fn run(
        &self,
        op: Result<&'static Operation>,
        params: Result<Map<String, Value>>,
        content: Option<Vec<u8>>,
        slot: Option<OwnedSemaphorePermit>,
    ) -> impl Future<Output = Result<Raw>> + Send + 'static {
        let inner = Arc::clone(&self.inner);
        let timeout = self.timeout;
        async move {
            let mut call = Call::prepare(&inner, op?, params?, content, timeout)?;
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(Error::Transport {
                    message: "the async client was polled outside a tokio runtime; await it inside one \
                              (`#[tokio::main]`), or use the blocking `Client`"
                        .into(),
                    connect: false,
                });
            }
            let shared = &inner.asynchronous;
            let _slot = match slot {
                Some(slot) => slot,
                None => shared.slot().await?,
            };
            loop {
                let outcome = match shared.http() {
                    Ok(http) => exchange(http, call.request(None)).await,
                    Err(failure) => Err(failure),
                };
                match call.step(&inner, outcome) {
                    Step::Done(result) => return result,
                    Step::RetryAfter(wait) => tokio::time::sleep(wait).await,
                }
            }
        }
    }
}

impl sealed::Sealed for AsyncClient {}

/// The async caller: every method answers a [`CallFuture`].
impl Caller for AsyncClient {
    type Out<T: Send + 'static> = CallFuture<T>;
    type Pager<T: DeserializeOwned + Send + 'static> = PageStream<T>;

    fn typed<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> CallFuture<T> {
        let raw = self.run(Ok(ops::get(op_id)), params.into_params(), None, None);
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { raw.await?.decode().map_err(|e| crate::exec::scrub_error(&inner, e)) })
    }

    fn unit(&self, op_id: &'static str, params: impl sealed::IntoParams) -> CallFuture<()> {
        let raw = self.run(Ok(ops::get(op_id)), params.into_params(), None, None);
        Box::pin(async move { raw.await.map(drop) })
    }

    fn bytes(&self, op_id: &'static str, params: impl sealed::IntoParams) -> CallFuture<Vec<u8>> {
        let raw = self.run(Ok(ops::get(op_id)), params.into_params(), None, None);
        Box::pin(async move { raw.await.map(Raw::into_bytes) })
    }

    fn unit_with_content(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
        content: Vec<u8>,
    ) -> CallFuture<()> {
        let raw = self.run(Ok(ops::get(op_id)), params.into_params(), Some(content), None);
        Box::pin(async move { raw.await.map(drop) })
    }

    fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        op_id: &'static str,
        params: impl sealed::IntoParams,
    ) -> Result<PageStream<T>> {
        Ok(PageStream::new(self.clone(), ops::get(op_id), params.into_params()?))
    }

    fn map<T: Send + 'static, U: Send + 'static>(
        out: CallFuture<T>,
        f: impl FnOnce(T) -> Result<U> + Send + 'static,
    ) -> CallFuture<U> {
        Box::pin(async move { f(out.await?) })
    }
}

/// Every item of a paginated list, one page at a time, with the same parameters (filters,
/// includes, `per_page`) on every page: the async twin of [`PageIter`](crate::PageIter). A
/// [`Stream`](futures_core::Stream); [`PageStream::next`] needs no extra trait. Ends after the
/// last page or the first error.
///
/// ```no_run
/// # async fn demo(client: pterodactyl_client::AsyncClient) -> pterodactyl_client::Result<()> {
/// use pterodactyl_client::ListActivity;
/// let mut entries = client.server("d3aac109").activity().iter(&ListActivity::new().event("power"))?;
/// while let Some(entry) = entries.next().await {
///     println!("{}", entry?.event);
/// }
/// # Ok(()) }
/// ```
pub struct PageStream<T> {
    client: AsyncClient,
    op: &'static Operation,
    pages: Pages,
    items: PageItems<T>,
    /// The page being fetched.
    fetching: Option<CallFuture<Raw>>,
}

// The items are never pinned (only the fetch is, in its own box), so the stream may move.
impl<T> Unpin for PageStream<T> {}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("op", &self.op.id)
            .field("fetching", &self.fetching.is_some())
            .finish_non_exhaustive()
    }
}

impl<T> PageStream<T> {
    fn new(client: AsyncClient, op: &'static Operation, params: Map<String, Value>) -> Self {
        PageStream { client, op, pages: Pages::new(params), items: PageItems::none(), fetching: None }
    }
}

impl<T: DeserializeOwned> PageStream<T> {
    /// The next item, fetching the next page when the current one is used up; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(fetching) = &mut self.fetching {
                let page = std::task::ready!(fetching.as_mut().poll(cx));
                self.fetching = None;
                match self.pages.receive(page, PageItems::split) {
                    Ok(items) => self.items = items,
                    Err(e) => return Poll::Ready(Some(Err(crate::exec::scrub_error(&self.client.inner, e)))),
                }
            }
            if let Some(item) = self.items.next() {
                return Poll::Ready(Some(item.map_err(|e| crate::exec::scrub_error(&self.client.inner, e))));
            }
            let Some(params) = self.pages.next_request() else {
                return Poll::Ready(None);
            };
            self.fetching = Some(Box::pin(self.client.run(Ok(self.op), Ok(params), None, None)));
        }
    }
}

/// Like [`RawPages`](crate::RawPages), async: every page of a paginated list as it came, for a
/// front that builds its own objects from each (the Python package's `async for`).
pub struct RawPageStream {
    client: AsyncClient,
    op: &'static Operation,
    pages: Pages,
}

impl fmt::Debug for RawPageStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawPageStream").field("op", &self.op.id).finish_non_exhaustive()
    }
}

impl RawPageStream {
    /// The next page; `None` after the last one (or an error).
    pub async fn next(&mut self) -> Option<Result<Raw>> {
        let params = self.pages.next_request()?;
        let answer = self.client.run(Ok(self.op), Ok(params), None, None).await;
        let page = self.pages.receive(answer, crate::resources::position);
        Some(page.map_err(|e| crate::exec::scrub_error(&self.client.inner, e)))
    }
}

impl<T: DeserializeOwned> futures_core::Stream for PageStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.get_mut().poll_item(cx)
    }
}
