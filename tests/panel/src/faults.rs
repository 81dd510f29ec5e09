//! Faults of the network and of what stands between a client and its panel: stalls, connection
//! resets, bodies cut short or lying about their length, a proxy's HTML error pages, 429
//! storms, redirects, endless answers, and an HTTPS listener whose certificate names another
//! host. Switched on per path with [`crate::FakePanel::set_fault`] or `POST /__fake/fault`.
//!
//! A fault replaces the panel's answer: the request is recorded (so a test counts what the
//! client sent) but no handler runs.
//!
//! Resets are real TCP resets: every connection is served through [`Socket`], which a handler
//! can switch (through its [`Conn`]) so that writes fail and closing sends RST instead of FIN.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// One fault, applied to every request whose path contains the string it was set for.
///
/// Over HTTP (`POST /__fake/fault`) it is `{"path_contains": "/power", "kind": "reset_mid_body"}`
/// with the variant's fields next to `kind`, e.g. `{"path_contains": "/resources", "kind":
/// "html_error", "status": 502}`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// Sends nothing for `ms` milliseconds, then the answer.
    StallBeforeHeaders {
        /// How long to wait before the headers.
        ms: u64,
    },
    /// Sends the headers and half of a JSON body, then nothing for `ms` milliseconds, then the
    /// rest.
    StallMidBody {
        /// How long to wait in the middle of the body.
        ms: u64,
    },
    /// Resets the connection (TCP RST) without sending a byte.
    ResetBeforeHeaders,
    /// Sends the headers (200, JSON, the full `Content-Length`) and half of the body, then
    /// resets the connection.
    ResetMidBody,
    /// 200 `application/json` with a document cut off halfway; `Content-Length` matches what
    /// is sent, so only the JSON itself is broken.
    TruncatedJson,
    /// 200 `application/json` announcing 64 bytes more than it sends, then closing the
    /// connection.
    WrongContentLength,
    /// 200 `application/json` with `Content-Encoding: gzip` on bytes that are not gzip.
    BadGzip,
    /// A proxy's HTML error page with this status (500, 502, 503, ...).
    HtmlError {
        /// The HTTP status.
        status: u16,
    },
    /// 429 with the panel's JSON error document, on every request (a storm), with
    /// `Retry-After: retry_after` when given.
    RateLimited {
        /// Seconds for `Retry-After`; `None` sends no such header.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// 302 to `location` (another host, say).
    Redirect {
        /// The `Location` header.
        location: String,
    },
    /// 200 `application/json` of `bytes` bytes, announced with `Content-Length` or sent
    /// chunked (no length). Made as it is sent, never held in memory.
    Huge {
        /// Length of the body.
        bytes: u64,
        /// `true`: no `Content-Length` (chunked transfer encoding).
        #[serde(default)]
        chunked: bool,
    },
    /// 200 `application/json` with this text as the body: a document no seeded state makes
    /// (thousands of distinct keys, an unusual layout) for the tests of how a surface builds it.
    Document {
        /// The body, sent as it is.
        text: String,
    },
}

/// A JSON document of about 1 KiB: what the body faults cut up.
fn sample_document() -> Vec<u8> {
    let padding = "x".repeat(900);
    format!(
        r#"{{"object":"stats","attributes":{{"current_state":"running","is_suspended":false,"resources":{{"memory_bytes":1,"cpu_absolute":1.5,"disk_bytes":1,"network_rx_bytes":1,"network_tx_bytes":1,"uptime":1}},"padding":"{padding}"}}}}"#
    )
    .into_bytes()
}

const PROXY_PAGE: &str = "<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

/// The answer for `fault`, sent on the connection `conn` (which a reset switches off).
pub(crate) async fn respond(fault: &Fault, conn: Option<&Conn>) -> Response {
    match fault {
        Fault::StallBeforeHeaders { ms } => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            json_response(Body::from(sample_document()), None)
        }
        Fault::StallMidBody { ms } => {
            let doc = sample_document();
            let len = doc.len() as u64;
            let (head, tail) = split_half(doc);
            let wait = Duration::from_millis(*ms);
            let chunks = futures_util::stream::unfold(0u8, move |step| {
                let (head, tail) = (head.clone(), tail.clone());
                async move {
                    match step {
                        0 => Some((Ok::<Bytes, io::Error>(head), 1)),
                        1 => {
                            tokio::time::sleep(wait).await;
                            Some((Ok(tail), 2))
                        }
                        _ => None,
                    }
                }
            });
            json_response(Body::from_stream(chunks), Some(len))
        }
        Fault::ResetBeforeHeaders => {
            if let Some(conn) = conn {
                conn.reset();
            }
            // Nothing of this reaches the client: every write fails from now on.
            StatusCode::OK.into_response()
        }
        Fault::ResetMidBody => {
            let doc = sample_document();
            let len = doc.len() as u64;
            let (head, _) = split_half(doc);
            let conn = conn.cloned();
            let chunks = futures_util::stream::unfold(0u8, move |step| {
                let (head, conn) = (head.clone(), conn.clone());
                async move {
                    match step {
                        0 => Some((Ok::<Bytes, io::Error>(head), 1)),
                        1 => {
                            // Pending for a moment, so that the server flushes the first half to
                            // the socket before the reset.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            if let Some(conn) = conn {
                                conn.reset();
                            }
                            Some((Err(io::Error::new(io::ErrorKind::ConnectionReset, "fault: reset")), 2))
                        }
                        _ => None,
                    }
                }
            });
            json_response(Body::from_stream(chunks), Some(len))
        }
        Fault::TruncatedJson => {
            let (head, _) = split_half(sample_document());
            json_response(Body::from(head), None)
        }
        Fault::WrongContentLength => {
            let doc = Bytes::from(sample_document());
            let len = doc.len() as u64 + 64;
            let chunks = futures_util::stream::unfold(0u8, move |step| {
                let doc = doc.clone();
                async move {
                    match step {
                        0 => Some((Ok::<Bytes, io::Error>(doc), 1)),
                        1 => {
                            // Pending for a moment, so that what was sent is flushed before the
                            // server notices the body is short and closes the connection.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            None
                        }
                        _ => None,
                    }
                }
            });
            json_response(Body::from_stream(chunks), Some(len))
        }
        Fault::Document { text } => json_response(Body::from(text.clone()), None),
        Fault::BadGzip => {
            let mut response = json_response(Body::from("\u{1f}\u{8b} this is not gzip at all"), None);
            response.headers_mut().insert("content-encoding", "gzip".parse().expect("header value"));
            response
        }
        Fault::HtmlError { status } => (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY),
            [("content-type", "text/html")],
            PROXY_PAGE,
        )
            .into_response(),
        Fault::RateLimited { retry_after } => {
            let body = r#"{"errors":[{"code":"TooManyRequestsHttpException","status":"429","detail":"Too Many Attempts."}]}"#;
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, [("content-type", "application/json")], body).into_response();
            if let Some(secs) = retry_after {
                response.headers_mut().insert("retry-after", secs.to_string().parse().expect("digits"));
            }
            response
        }
        Fault::Redirect { location } => {
            let mut response =
                (StatusCode::FOUND, [("content-type", "text/html; charset=UTF-8")], "Redirecting")
                    .into_response();
            if let Ok(value) = location.parse() {
                response.headers_mut().insert("location", value);
            }
            response
        }
        Fault::Huge { bytes, chunked } => {
            let total = *bytes;
            const CHUNK: usize = 64 * 1024;
            let block = Bytes::from(vec![b' '; CHUNK]);
            let chunks = futures_util::stream::unfold(0u64, move |sent| {
                let block = block.clone();
                async move {
                    if sent >= total {
                        return None;
                    }
                    let n = (total - sent).min(CHUNK as u64);
                    Some((Ok::<Bytes, io::Error>(block.slice(..n as usize)), sent + n))
                }
            });
            json_response(Body::from_stream(chunks), (!*chunked).then_some(total))
        }
    }
}

fn split_half(doc: Vec<u8>) -> (Bytes, Bytes) {
    let doc = Bytes::from(doc);
    let half = doc.len() / 2;
    (doc.slice(..half), doc.slice(half..))
}

/// 200 `application/json` with `body`; `length` sets `Content-Length` (otherwise the body's
/// own length, or chunked for a stream).
fn json_response(body: Body, length: Option<u64>) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert("content-type", "application/json".parse().expect("header value"));
    if let Some(len) = length {
        headers.insert("content-length", len.to_string().parse().expect("digits"));
    }
    response
}

// ---- connections that can be reset ----

/// One connection's switch, shared by its [`Socket`] and the handlers of its requests (as
/// `ConnectInfo<Conn>`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Conn(Arc<AtomicBool>);

impl Conn {
    /// From now on every write on the connection fails, and closing it sends a TCP reset.
    pub(crate) fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_reset(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The fake's plain listener: hands out [`Socket`]s.
pub(crate) struct ResettableListener(pub(crate) TcpListener);

impl Listener for ResettableListener {
    type Io = Socket;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Socket, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (Socket { stream, conn: Conn::default() }, addr);
                }
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> Self {
        stream.io().conn.clone()
    }
}

/// A TCP connection whose [`Conn`] can turn it into a reset.
pub(crate) struct Socket {
    stream: TcpStream,
    conn: Conn,
}

fn reset_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "fault: connection reset")
}

impl AsyncRead for Socket {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.conn.is_reset() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.conn.is_reset() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.conn.is_reset() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.conn.is_reset() {
            // No FIN: the reset comes when the socket is dropped.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if self.conn.is_reset() {
            // Linger 0: close() discards what is unsent and answers with RST.
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        }
    }
}

// ---- HTTPS with a certificate for another name ----

/// The test CA (PEM) that issued the HTTPS listener's certificate. A client that trusts it
/// still refuses the listener: the certificate is for `panel.wrong-name.test`, not
/// `127.0.0.1`.
pub const TLS_CA_PEM: &str = include_str!("../certs/ca.pem");

/// The HTTPS listener: a TLS handshake with the wrong-name certificate, then the same routes.
pub(crate) struct TlsListener {
    pub(crate) tcp: TcpListener,
    pub(crate) acceptor: tokio_rustls::TlsAcceptor,
    /// Counts every accepted TCP connection (`FakePanel::tls_connections`).
    pub(crate) connections: Arc<AtomicU64>,
}

impl TlsListener {
    pub(crate) fn new(tcp: TcpListener, connections: Arc<AtomicU64>) -> io::Result<TlsListener> {
        use tokio_rustls::rustls;
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let cert = CertificateDer::from(include_bytes!("../certs/wrong-name.der").to_vec());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            include_bytes!("../certs/wrong-name.key.der").to_vec(),
        ));
        let config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .and_then(|b| b.with_no_client_auth().with_single_cert(vec![cert], key))
                .map_err(io::Error::other)?;
        Ok(TlsListener { tcp, acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)), connections })
    }
}

impl Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, SocketAddr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            };
            self.connections.fetch_add(1, Ordering::SeqCst);
            // A client that refuses the certificate ends the handshake; so does one that stalls.
            let handshake = tokio::time::timeout(Duration::from_secs(5), self.acceptor.accept(stream));
            if let Ok(Ok(tls)) = handshake.await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for Conn {
    fn connect_info(_stream: IncomingStream<'_, TlsListener>) -> Self {
        Conn::default()
    }
}
