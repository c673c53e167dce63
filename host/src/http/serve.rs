//! Serving connections: an accept loop over hyper's HTTP/1 connection builder
//! rather than `axum::serve`, so the server sets what that one leaves at hyper's
//! defaults: a header-read timeout (no timer, so slow clients held sockets for
//! ever), hyper's own limits raised above the configured ones (so
//! [`super::layers::request_limits`] answers 414 and 431 in JSON), and the
//! [`HeadGate`] in front of hyper, so a head hyper would refuse gets a JSON 400,
//! 414 or 431 rather than hyper's empty one.
//!
//! HTTP/1 only: the earlier backend (uvicorn) spoke HTTP/1.1 alone and TLS ends at
//! the proxy; cleartext HTTP/2 would also bypass the header-read timeout.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{mpsc, Notify};
use tower::ServiceExt as _;

use super::head_gate::{HeadGate, HeadLimits, HYPER_MAX_URI_BYTES};
use super::{router, AppState};
use crate::config::Settings;
use crate::shutdown::ShutdownSignal;

/// hyper's default read buffer (8 KiB + 100 × 4 KiB); never go below it.
const HYPER_DEFAULT_MAX_BUF: usize = 8192 + 4096 * 100;
/// hyper's default header count.
const HYPER_DEFAULT_MAX_HEADERS: usize = 100;

/// hyper's limits for these settings: twice the configured ones and never below
/// hyper's defaults, so a request over a configured limit still parses and gets the
/// JSON answer of `request_limits`; only far larger heads meet the [`HeadGate`].
pub fn head_limits(settings: &Settings) -> HeadLimits {
    let configured_head =
        settings.max_uri_bytes.min(HYPER_MAX_URI_BYTES) + settings.max_header_bytes;
    HeadLimits {
        max_head_bytes: (2 * configured_head).max(HYPER_DEFAULT_MAX_BUF),
        max_headers: (2 * settings.max_headers).max(HYPER_DEFAULT_MAX_HEADERS),
    }
}

/// Accepts connections until `shutdown` fires, then lets each connection finish the
/// request it is serving (idle ones close at once) for at most `shutdown_grace`.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    mut shutdown: ShutdownSignal,
) -> anyhow::Result<()> {
    let settings = state.settings.clone();
    let limits = head_limits(&settings);
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_buf_size(limits.max_head_bytes)
        .max_headers(limits.max_headers);
    let app = router(state);
    // Every connection task holds a sender; `recv` returns `None` once all are gone.
    let (connection_open, mut connections_closed) = mpsc::channel::<()>(1);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = shutdown.wait() => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let refused = Arc::new(Notify::new());
        let connection = http1.serve_connection(
            TokioIo::new(HeadGate::new(stream, limits, refused.clone())),
            service,
        );
        let mut stop = shutdown.clone();
        let open = connection_open.clone();
        tokio::spawn(async move {
            let _open = open;
            tokio::pin!(connection);
            let mut closing = false;
            loop {
                tokio::select! {
                    finished = connection.as_mut() => {
                        if let Err(error) = finished {
                            tracing::debug!(%error, %peer, "connection closed on an error");
                        }
                        break;
                    }
                    // A refused head or the server stopping: finish the request in
                    // progress, if any, then close (the gate writes its refusal then).
                    _ = refused.notified(), if !closing => {
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                    _ = stop.wait(), if !closing => {
                        connection.as_mut().graceful_shutdown();
                        closing = true;
                    }
                }
            }
        });
    }
    drop(listener);
    drop(connection_open);
    let grace = settings.shutdown_grace;
    if tokio::time::timeout(grace, connections_closed.recv())
        .await
        .is_err()
    {
        tracing::warn!(
            ?grace,
            "requests still running after the grace period; exiting"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_limits_stay_above_the_configured_ones() {
        let defaults = Settings::from_pairs([("JOBSCOUT_PLUGINS_FILE", "/nonexistent.toml")])
            .into_result()
            .unwrap();
        let limits = head_limits(&defaults);
        assert_eq!(limits.max_head_bytes, HYPER_DEFAULT_MAX_BUF);
        assert_eq!(limits.max_headers, 2 * defaults.max_headers);
        let large = Settings::from_pairs([
            ("JOBSCOUT_MAX_URI_BYTES", "65534"),
            ("JOBSCOUT_MAX_HEADER_BYTES", "1048576"),
            ("JOBSCOUT_MAX_HEADERS", "1000"),
        ])
        .into_result()
        .unwrap();
        let limits = head_limits(&large);
        assert!(limits.max_head_bytes > 65_534 + 1_048_576);
        assert_eq!(limits.max_headers, 2000);
    }
}
