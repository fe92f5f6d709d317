//! Serving an axum app on a listener (portal, REST API): HTTPS with the
//! server certificate of `[tls]`, or plain HTTP behind a TLS-terminating
//! proxy. Each connection is bounded in time, so a slow client cannot
//! hold one, and each request carries a [`Conn`] extension saying who is
//! on the other end (peer address, TLS version and cipher). Behind a
//! balancer listed in `proxy_protocol_from`, each connection must open
//! with a PROXY protocol header (v1 or v2, `crate::proxy_protocol`) and
//! the client it names is the peer; a connection from there without one
//! is closed (never served as if the balancer were the client).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// A whole connection (handshake, requests, responses) within this time:
/// long enough for a large upload on a slow line. A cut request cancels
/// nothing that matters: the accept stage runs as a task of its own.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(600);
/// Connections served at once per listener; further ones wait in the
/// kernel's backlog until one ends.
const MAX_CONNECTIONS: usize = 1024;
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const PROXY_HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// The connection a request came in on.
#[derive(Debug, Clone)]
pub struct Conn {
    pub peer: SocketAddr,
    /// (TLS version, cipher suite) when the listener speaks TLS.
    pub tls: Option<(String, String)>,
}

pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    serve_behind(listener, tls, app, Vec::new(), stop).await
}

/// `serve`, with PROXY protocol headers required from `proxy_from`.
pub async fn serve_behind(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    proxy_from: Vec<ipnet::IpNet>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let proxy_from = std::sync::Arc::new(proxy_from);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => s,
            _ = stop.changed() => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        let (mut tcp, mut peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "web accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (app, tls, proxy_from) = (app.clone(), tls.clone(), proxy_from.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let _ = tcp.set_nodelay(true);
            if proxy_from.iter().any(|n| n.contains(&peer.ip())) {
                use crate::proxy_protocol::{Proxied, read_header};
                match read_header(&mut tcp, PROXY_HEADER_TIMEOUT).await {
                    Ok(Proxied::Client(client)) => peer = client,
                    Ok(Proxied::Local) => {}
                    Err(e) => {
                        tracing::warn!(balancer = %peer.ip(), error = %e, "PROXY header refused; connection closed");
                        return;
                    }
                }
            }
            let served = tokio::time::timeout(CONNECTION_TIMEOUT, async move {
                match tls {
                    Some(acceptor) => {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                        else {
                            return;
                        };
                        let (_, session) = stream.get_ref();
                        let version = match session.protocol_version() {
                            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
                            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
                            Some(v) => format!("{v:?}"),
                            None => "TLS".to_string(),
                        };
                        let cipher = session
                            .negotiated_cipher_suite()
                            .and_then(|c| c.suite().as_str())
                            .unwrap_or("")
                            .to_string();
                        let tls = Some((version, cipher));
                        connection(stream, app, Conn { peer, tls }).await
                    }
                    None => connection(tcp, app, Conn { peer, tls: None }).await,
                }
            });
            let _ = served.await;
        });
    }
}

async fn connection<S>(stream: S, app: Router, conn: Conn)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(app.layer(axum::Extension(conn)));
    let _ = hyper::server::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .header_read_timeout(Duration::from_secs(30))
        .timer(hyper_util::rt::TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
