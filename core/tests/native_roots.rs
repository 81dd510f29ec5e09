//! The operating system's trust store is honoured: a panel whose certificate comes from a company
//! CA installed system-wide is trusted without `add_root_certificate_pem`.
//!
//! Its own test binary with one test, because it points the trust store at a file through the
//! process environment (`SSL_CERT_FILE`, read by the native-roots loader), which no other test
//! may see.
//!
//! `data/company-ca.pem` is a test CA; `data/company-server.der` is a certificate it issued for
//! `127.0.0.1`, with its key in `data/company-server.key.der` (both made with openssl, valid
//! until 2126).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use pterodactyl_client::{Client, Error, RetryPolicy};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const KEY: &str = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001";

/// An HTTPS server on loopback with the company CA's certificate, answering every request with
/// the panel's permissions document.
fn company_server() -> String {
    let cert = CertificateDer::from(include_bytes!("data/company-server.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("data/company-server.key.der").to_vec(),
    ));
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for tcp in listener.incoming().take(8) {
            let Ok(tcp) = tcp else { return };
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else { return };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf) {
                    Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
            let body = r#"{"object":"system_permissions","attributes":{"permissions":{}}}"#;
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.write_all(reply.as_bytes());
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    url
}

fn client(url: &str) -> Client {
    Client::builder(url, KEY).retry_policy(RetryPolicy::none()).build().unwrap()
}

#[test]
fn a_company_ca_in_the_system_trust_store_is_trusted() {
    let url = company_server();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

    // A trust store without the company CA: the certificate is refused.
    std::env::set_var("SSL_CERT_FILE", format!("{data}/self-signed.pem"));
    std::env::remove_var("SSL_CERT_DIR");
    match client(&url).call("permissions.get", serde_json::json!({})) {
        Err(Error::Transport { message, .. }) => {
            assert!(message.to_lowercase().contains("certificate"), "{message}")
        }
        other => panic!("expected a certificate error, got {other:?}"),
    }

    // The company CA installed system-wide (what `update-ca-certificates` makes).
    std::env::set_var("SSL_CERT_FILE", format!("{data}/company-ca.pem"));
    let answer = client(&url).call("permissions.get", serde_json::json!({})).unwrap();
    assert!(answer["permissions"].is_object(), "{answer}");
}
