//! Entry points for the fuzz targets (`fuzz/`, replayed on stable by
//! `ffi/tests/fuzz_corpus.rs`): each part of a call that reads bytes from outside, run without
//! I/O. Hidden from the docs; not part of the API, no stability promise.

use std::sync::OnceLock;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::client::{params_object, Raw};
use crate::error::{Error, Result};
use crate::models::*;
use crate::ops::{self, Returns};
use crate::request::PreparedBody;
use crate::shape;
use crate::transport::Answer;
use crate::Client;

/// The API root [`prepare`] builds URLs under: the offline client's.
pub const BASE: &str = "http://127.0.0.1:9/api/client";

/// A client that is never sent anywhere: [`prepare`] checks parameters and [`answer`] reads
/// answers with its settings.
fn offline() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let panel = BASE.strip_suffix("/api/client").expect("BASE is an API root");
        Client::builder(panel, "ptlc_fuzzkey0000000000000000000000000000000000")
            .build()
            .expect("the offline client's settings are valid")
    })
}

/// Checks flat JSON parameters (`params`: any bytes) against `op_id` and splits them into the
/// URL and body that the call would send, under [`BASE`].
pub fn prepare(op_id: &str, params: &[u8]) -> Result<(String, Option<Vec<u8>>)> {
    let params: Value =
        serde_json::from_slice(params).map_err(|e| Error::invalid(format!("not JSON: {e}")))?;
    // The checks as a call makes them (its key scrubbed from their errors).
    let inner = &offline().inner;
    let op = crate::exec::lookup(inner, op_id)?;
    let prepared = crate::exec::prepare_request(inner, op, params_object(params)?, None)?;
    let body = prepared.body.map(|b| match b {
        PreparedBody::Json(bytes) | PreparedBody::Raw(bytes) => bytes,
    });
    Ok((prepared.url, body))
}

/// Reads one answer to `op_id` as a call would: the status and header checks, the panel's
/// error document, then the body in the one JSON shape. On success, also decodes it into the
/// operation's typed model and writes it as text, and hands back both results.
pub fn answer(op_id: &str, status: u16, headers: &[(&[u8], &[u8])], body: &[u8]) -> Result<Decoded> {
    let op = ops::lookup(op_id)?;
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            map.append(name, value);
        }
    }
    let raw = crate::exec::read(
        &offline().inner,
        op,
        Answer { status, headers: map, body: Bytes::copy_from_slice(body) },
    )?;
    let value = raw.build(&mut shape::ValueBuilder)?;
    Ok(Decoded { text: raw.to_json(), typed: typed(op.returns, &raw), value })
}

/// What [`answer`] made of a successful answer.
#[derive(Debug)]
pub struct Decoded {
    /// The one JSON shape, as [`Client::call`] answers.
    pub value: Value,
    /// The same, written as text straight from the bytes ([`Raw::to_json`]).
    pub text: Result<String>,
    /// Decoding into the operation's typed model (`Ok` when the operation has none).
    pub typed: Result<()>,
}

/// Decodes `raw` into the model `returns` names.
fn typed(returns: Returns, raw: &Raw) -> Result<()> {
    macro_rules! by_name {
        ($name:expr, $wrap:ident, [$($model:ident),* $(,)?]) => {
            match $name {
                $(stringify!($model) => raw
                    .decode::<$wrap<$model>>()
                    .map(drop)
                    .map_err(|e| crate::exec::scrub_error(&offline().inner, e)),)*
                other => Err(Error::invalid(format!("the fuzz entry does not know the model {other}"))),
            }
        };
    }
    type One<T> = T;
    match returns {
        Returns::Item(name) => by_name!(
            name,
            One,
            [
                Account,
                Allocation,
                Backup,
                Database,
                FileObject,
                NewApiKey,
                RecoveryTokens,
                Schedule,
                ServerDetails,
                SignedUrl,
                SshKey,
                Startup,
                Stats,
                Subuser,
                SystemPermissions,
                Task,
                TwoFactorSetup,
                UpdatedVariable,
                WebsocketCredentials,
                ActivityLog,
                Server,
                ApiKey,
            ]
        ),
        Returns::List(name) => {
            by_name!(name, Vec, [Allocation, ApiKey, Database, FileObject, Schedule, SshKey, Subuser])
        }
        Returns::Page(name) => by_name!(name, Page, [ActivityLog, Backup, Server]),
        Returns::Nothing | Returns::Bytes => Ok(()),
    }
}

/// Reads client options from JSON text and builds a client with them (makes no request).
pub fn options(json: &[u8]) -> Result<Client> {
    let value: Value = serde_json::from_slice(json).map_err(|e| Error::invalid(format!("not JSON: {e}")))?;
    Client::builder("http://127.0.0.1:9", "ptlc_fuzzkey0000000000000000000000000000000000")
        .options_json(value)?
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_an_operation_returns_is_known_to_the_typed_entry() {
        let raw = Raw(crate::client::Body::Json(Bytes::from_static(b"{}")), None);
        for op in ops::OPERATIONS {
            if let Err(Error::InvalidInput(message)) = typed(op.returns, &raw) {
                panic!("{}: {message}", op.id);
            }
        }
    }
}
