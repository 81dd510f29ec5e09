//! Opening the websocket: TCP, TLS (rustls, trusting what the HTTP client trusts), the upgrade
//! with `Origin`, and the errors a caller can act on.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, Uri};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;

use crate::error::{Error, Result};

/// What the websocket needs from the client's settings to connect the way the HTTP client does
/// (kept by the client when it is built).
#[derive(Clone, Default)]
pub(crate) struct SocketSettings {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Extra trusted roots, PEM.
    pub ca_pems: Vec<Vec<u8>>,
    /// Certificate checks off.
    pub accept_invalid_certs: bool,
}

/// A byte stream: plain TCP or TLS over it.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub(crate) type Socket = WebSocketStream<Box<dyn Io>>;

/// Why a connection failed, and whether trying again later may help.
pub(crate) struct ConnectError {
    pub error: Error,
    /// `false` for what another try cannot fix (Wings refusing the `Origin`, a bad URL).
    pub transient: bool,
}

impl ConnectError {
    fn transient(error: Error) -> Self {
        ConnectError { error, transient: true }
    }

    fn fatal(error: Error) -> Self {
        ConnectError { error, transient: false }
    }
}

/// The rustls configuration: the system's trust store and the bundled Mozilla roots (as the
/// HTTP client), plus the client's extra roots; or no checks at all when asked.
pub(crate) fn tls_config(settings: &SocketSettings) -> Result<Arc<rustls::ClientConfig>> {
    static DEFAULT: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    if settings.ca_pems.is_empty() && !settings.accept_invalid_certs {
        if let Some(config) = DEFAULT.get() {
            return Ok(Arc::clone(config));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::invalid(format!("could not set up TLS for the console: {e}")))?;
    let config = if settings.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerifier(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        // A store that cannot be read (or a certificate in it that does not parse) only means
        // fewer roots, as for the HTTP client.
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        for pem in &settings.ca_pems {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|_| Error::invalid("the extra CA certificate is not valid PEM"))?;
                roots
                    .add(cert)
                    .map_err(|e| Error::invalid(format!("the extra CA certificate is not usable: {e}")))?;
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    let config = Arc::new(config);
    if settings.ca_pems.is_empty() && !settings.accept_invalid_certs {
        return Ok(Arc::clone(DEFAULT.get_or_init(|| config)));
    }
    Ok(config)
}

/// `danger_accept_invalid_certs`: accepts any certificate, still checks the handshake's
/// signatures.
#[derive(Debug)]
struct NoVerifier(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The parts of a socket URL (`wss://node:8080/api/servers/<uuid>/ws`) a connection needs.
struct Target {
    uri: Uri,
    host: String,
    port: u16,
    tls: bool,
}

fn target(url: &str) -> Result<Target, ConnectError> {
    let bad = |why: &str| {
        ConnectError::fatal(Error::Decode {
            path: String::from("socket"),
            message: format!(
                "the panel gave a websocket address Wings cannot be reached at ({why}): {url:?}"
            ),
        })
    };
    let uri: Uri = url.parse().map_err(|_| bad("not a URL"))?;
    let tls = match uri.scheme_str() {
        Some("wss") => true,
        Some("ws") => false,
        _ => return Err(bad("not ws:// or wss://")),
    };
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?;
    // `[::1]` in a URL is `::1` on the wire.
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
    Ok(Target { uri, host, port, tls })
}

/// Connects to `url` and upgrades, sending `Origin: origin`. Each step is bounded by `timeout`.
pub(crate) async fn connect(
    url: &str,
    origin: &str,
    settings: &SocketSettings,
    tls: &OnceLock<Arc<rustls::ClientConfig>>,
    timeout: Duration,
) -> Result<Socket, ConnectError> {
    let target = target(url)?;
    let timed_out = |phase| ConnectError::transient(Error::Timeout { timeout, phase });
    let transport = |what: &str, e: &dyn std::fmt::Display| {
        ConnectError::transient(Error::Transport {
            message: format!("could not {what} Wings at {}:{}: {e}", target.host, target.port),
            connect: true,
        })
    };
    let tcp = tokio::time::timeout(timeout, TcpStream::connect((target.host.as_str(), target.port)))
        .await
        .map_err(|_| timed_out("connect"))?
        .map_err(|e| transport("connect to", &e))?;
    let _ = tcp.set_nodelay(true);
    let io: Box<dyn Io> = if target.tls {
        let config = match tls.get() {
            Some(c) => Arc::clone(c),
            None => {
                let made = tls_config(settings).map_err(ConnectError::fatal)?;
                Arc::clone(tls.get_or_init(|| made))
            }
        };
        let name = ServerName::try_from(target.host.clone()).map_err(|_| {
            ConnectError::fatal(Error::invalid(format!("{:?} is not a host name", target.host)))
        })?;
        let handshake = tokio_rustls::TlsConnector::from(config).connect(name, tcp);
        let stream = tokio::time::timeout(timeout, handshake)
            .await
            .map_err(|_| timed_out("connect"))?
            .map_err(|e| transport("set up TLS with", &e))?;
        Box::new(stream)
    } else {
        Box::new(tcp)
    };
    let mut request =
        target.uri.clone().into_client_request().map_err(|e| {
            ConnectError::fatal(Error::invalid(format!("bad websocket address {url:?}: {e}")))
        })?;
    let headers = request.headers_mut();
    let origin_value = HeaderValue::from_str(origin).map_err(|_| {
        ConnectError::fatal(Error::invalid(format!("the console origin {origin:?} is not a valid header")))
    })?;
    headers.insert("origin", origin_value);
    if let Ok(ua) = HeaderValue::from_str(&settings.user_agent) {
        headers.insert("user-agent", ua);
    }
    // Wings' frames are small; a runaway one is refused rather than buffered without end.
    let config = WebSocketConfig::default().max_message_size(Some(16 << 20)).max_frame_size(Some(16 << 20));
    let upgrade = tokio_tungstenite::client_async_with_config(request, io, Some(config));
    match tokio::time::timeout(timeout, upgrade).await {
        Err(_) => Err(timed_out("request")),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
            Err(refused(response.status().as_u16(), response.body().as_deref(), origin))
        }
        Ok(Err(e)) => Err(transport("upgrade the connection to", &e)),
    }
}

/// Wings answered the upgrade with an HTTP error.
fn refused(status: u16, body: Option<&[u8]>, origin: &str) -> ConnectError {
    let text = body.map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let said = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect());
    let message = if status == 403 {
        format!(
            "the console's websocket upgrade, with Origin {origin:?}: Wings accepts only the panel URL \
             it knows (its `remote` setting) or one of its `allowed_origins`; set the console's \
             `origin` option to the panel URL configured on the node"
        )
    } else if said.is_empty() {
        String::from("the console's websocket upgrade")
    } else {
        format!("the console's websocket upgrade: {said}")
    };
    let error = Error::Wings { status, message, request_id: None };
    // 400 is Wings' cap on open sockets per server (30): that passes.
    if matches!(status, 401 | 403) {
        ConnectError::fatal(error)
    } else {
        ConnectError::transient(error)
    }
}
