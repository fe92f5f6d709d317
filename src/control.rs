//! The daemon's local control socket (Unix, mode 0600): one JSON request
//! per line, one JSON response per line. Only one process may open the
//! spool, so the CLI's queue commands come through here while it runs.

use std::path::Path;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::queue_admin::{Request, Response, handle};
use crate::server::throttle::AuthThrottle;
use crate::spool::Spool;
use crate::spool::schedule::Schedule;

const MAX_REQUEST: usize = 4096;

pub fn bind(path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// What the control socket's requests act on.
#[derive(Clone)]
pub struct Control {
    pub spool: Arc<Spool>,
    pub schedule: Arc<Schedule>,
    pub audit: Option<Arc<crate::audit::AuditLog>>,
    /// Hashes the secrets of API keys added here.
    pub api_key: Option<Arc<crate::api::keys::NodeKey>>,
    pub auth: Arc<AuthThrottle>,
    pub portal: Option<Arc<crate::portal_admin::Admin>>,
    /// API clients and suppressions (`[store]`).
    pub shared: Arc<crate::store::Shared>,
}

pub async fn serve(listener: UnixListener, ctl: Control) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let ctl = ctl.clone();
        tokio::spawn(async move { one(stream, ctl).await });
    }
}

async fn one(stream: UnixStream, ctl: Control) {
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r.take(MAX_REQUEST as u64)).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let resp = match serde_json::from_str::<Request>(&line) {
            Ok(req @ (Request::AuthBlocked | Request::AuthUnblock { .. })) => {
                let (auth, audit) = (ctl.auth.clone(), ctl.audit.clone());
                tokio::task::spawn_blocking(move || {
                    crate::queue_admin::handle_auth(&auth, audit.as_deref(), "control-socket", req)
                })
                .await
                .unwrap_or_else(|_| Response {
                    ok: false,
                    error: Some("internal error".into()),
                    data: None,
                })
            }
            Ok(req) if req.is_portal() => match &ctl.portal {
                Some(admin) => admin.handle("control-socket", req).await,
                None => Response {
                    ok: false,
                    error: Some("the portal is not available on this node".into()),
                    data: None,
                },
            },
            Ok(req) => {
                let ctl = ctl.clone();
                tokio::task::spawn_blocking(move || {
                    handle(
                        &ctl.spool,
                        &ctl.shared,
                        Some(&ctl.schedule),
                        ctl.audit.as_deref(),
                        ctl.api_key.as_deref(),
                        "control-socket",
                        req,
                    )
                })
                .await
                .unwrap_or_else(|_| Response {
                    ok: false,
                    error: Some("internal error".into()),
                    data: None,
                })
            }
            Err(e) => Response {
                ok: false,
                error: Some(format!("bad request: {e}")),
                data: None,
            },
        };
        let mut out = serde_json::to_vec(&resp).unwrap_or_default();
        out.push(b'\n');
        if w.write_all(&out).await.is_err() {
            break;
        }
    }
}

/// Client side, for the CLI: Ok(None) when no daemon listens.
pub async fn request(path: &Path, req: &Request) -> std::io::Result<Option<Response>> {
    let stream = match UnixStream::connect(path).await {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let (r, mut w) = stream.into_split();
    let mut line = serde_json::to_vec(req)?;
    line.push(b'\n');
    w.write_all(&line).await?;
    let mut lines = BufReader::new(r).lines();
    match lines.next_line().await? {
        Some(l) => Ok(Some(serde_json::from_str(&l)?)),
        None => Err(std::io::Error::other("daemon closed the control socket")),
    }
}
