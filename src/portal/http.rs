//! The portal's listener: HTTPS with the server certificate of `[tls]`
//! (`tls = "implicit"`), or plain HTTP behind a TLS-terminating proxy.
//! Each connection is bounded in time, so a slow client cannot hold one;
//! each request carries the peer's address and TLS parameters ([`Peer`]).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// A whole connection (handshake, requests, responses) within this time.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(120);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The client side of a request's connection.
#[derive(Debug, Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    /// (TLS version, cipher suite) when the portal terminates TLS.
    pub tls: Option<(String, String)>,
}

pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.changed() => return,
        };
        let (tcp, addr) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "portal accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (app, tls) = (app.clone(), tls.clone());
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let served = tokio::time::timeout(CONNECTION_TIMEOUT, async move {
                match tls {
                    Some(acceptor) => {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                        else {
                            return;
                        };
                        let conn = stream.get_ref().1;
                        let tls = match (conn.protocol_version(), conn.negotiated_cipher_suite()) {
                            (Some(v), Some(c)) => Some((
                                v.as_str().unwrap_or("TLS").to_string(),
                                c.suite().as_str().unwrap_or("unknown").to_string(),
                            )),
                            _ => None,
                        };
                        connection(stream, app, Peer { addr, tls }).await
                    }
                    None => connection(tcp, app, Peer { addr, tls: None }).await,
                }
            });
            let _ = served.await;
        });
    }
}

async fn connection<S>(stream: S, app: Router, peer: Peer)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(peer.clone());
            let app = app.clone();
            async move {
                use tower_service::Service;
                let mut app = app;
                app.call(req.map(axum::body::Body::new)).await
            }
        });
    let _ = hyper::server::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .header_read_timeout(Duration::from_secs(30))
        .timer(hyper_util::rt::TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
