//! Sends one HTTP request and reads the whole answer.
//!
//! The public API is blocking, but reqwest's blocking facade hands every request to a runtime
//! thread and back, which costs two thread wake-ups per call. Here each calling thread drives
//! reqwest's async client itself, on a current-thread tokio runtime of its own (kept per client,
//! per thread): no hand-off, and one client stays safe to share across threads, each thread with
//! its own keep-alive connection.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use thread_local::ThreadLocal;

pub(crate) type Factory = Arc<dyn Fn() -> reqwest::Result<reqwest::Client> + Send + Sync>;

/// A complete answer.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub(crate) enum Failure {
    /// reqwest's own error (connect, timeout, broken connection, ...).
    Http(reqwest::Error),
    /// The calling thread could not get a runtime, or is itself inside an async runtime.
    Setup(String),
}

struct PerThread {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

pub(crate) struct Transport {
    factory: Factory,
    threads: ThreadLocal<PerThread>,
}

impl Transport {
    pub(crate) fn new(factory: Factory) -> reqwest::Result<Transport> {
        // Build once up front so that bad settings fail in `build()`, not in the first call.
        factory()?;
        Ok(Transport { factory, threads: ThreadLocal::new() })
    }

    fn per_thread(&self) -> Result<&PerThread, Failure> {
        self.threads.get_or_try(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::Setup(format!("could not start an I/O runtime: {e}")))?;
            let http = (self.factory)().map_err(Failure::Http)?;
            Ok(PerThread { runtime, http })
        })
    }

    pub(crate) fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(&'static str, Bytes)>,
    ) -> Result<Answer, Failure> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Failure::Setup(
                "the blocking client was called from inside an async runtime; call it from \
                 `tokio::task::spawn_blocking` or a plain thread"
                    .into(),
            ));
        }
        let pt = self.per_thread()?;
        let mut req = pt.http.request(method, url);
        if let Some((content_type, bytes)) = body {
            req = req.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes);
        }
        pt.runtime
            .block_on(async {
                let resp = req.send().await?;
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                let body = resp.bytes().await?;
                Ok(Answer { status, headers, body })
            })
            .map_err(Failure::Http)
    }
}
