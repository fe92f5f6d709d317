//! The connection-setup state chain: `Connected` → `Greeted` → `Ehloed` →
//! (STARTTLS transition) → `Client`.
//!
//! Each state is a distinct type and each transition consumes the previous
//! state, so a `Client` (the only type that can send MAIL) exists only after
//! `Ehloed::secure` has applied the TLS policy. Under `TlsPolicy::Required`
//! that transition fails closed: no STARTTLS offered, STARTTLS refused, a
//! failed handshake or an untrusted certificate all end in
//! `ClientError::TlsRequired` before any MAIL command (RFC 3207 §4, RFC 8461
//! §5 style "fail closed"). After a successful handshake the client forgets
//! everything it learnt in plaintext and issues EHLO again (RFC 3207 §4.2).

use std::sync::Arc;

use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite};

use super::error::ClientError;
use super::reply::{Extensions, ServerReply};
use super::session::Session;
use super::tls::{self, HandshakeError, MaybeTls};
use super::{Client, ClientSettings};

/// How the STARTTLS transition is to be made on this connection attempt.
#[derive(Debug, Clone)]
pub enum TlsMode {
    /// Never send STARTTLS.
    Plain,
    /// Use STARTTLS when offered; a refused STARTTLS continues in plaintext.
    /// `verified` says whether `config` verifies certificates.
    Opportunistic {
        config: Arc<ClientConfig>,
        verified: bool,
    },
    /// STARTTLS with a verified certificate, or no session at all.
    Required { config: Arc<ClientConfig> },
}

/// Why `secure` failed; lets `Client::connect` decide on a fallback.
#[derive(Debug)]
pub(crate) enum SecureFailure {
    /// Opportunistic handshake failed on certificate trust: retry unverified.
    Untrusted(ClientError),
    /// Opportunistic handshake failed otherwise: retry in plaintext.
    Handshake(ClientError),
    /// Anything else (final).
    Other(ClientError),
}

impl SecureFailure {
    pub(crate) fn into_error(self) -> ClientError {
        match self {
            SecureFailure::Untrusted(e) | SecureFailure::Handshake(e) | SecureFailure::Other(e) => {
                e
            }
        }
    }
}

/// State 1: a connected stream, nothing read yet.
#[derive(Debug)]
pub struct Connected<S> {
    session: Session<S>,
    settings: ClientSettings,
}

/// State 2: the server's 220 greeting has been read.
#[derive(Debug)]
pub struct Greeted<S> {
    session: Session<S>,
    settings: ClientSettings,
    greeting: ServerReply,
}

/// State 3: EHLO (or HELO) done in plaintext; extensions known.
#[derive(Debug)]
pub struct Ehloed<S> {
    session: Session<S>,
    settings: ClientSettings,
    ext: Extensions,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connected<S> {
    /// Wrap a freshly connected stream.
    pub fn new(stream: S, settings: &ClientSettings) -> Self {
        Connected {
            session: Session::new(stream),
            settings: settings.clone(),
        }
    }

    /// Read the greeting. RFC 5321 §3.1: 220 opens the session; 554 (or any
    /// other code) refuses it, and we then QUIT politely.
    pub async fn greet(mut self) -> Result<Greeted<S>, ClientError> {
        let t = self.settings.command_timeout;
        let greeting = self.session.read_reply(t, "greeting").await?;
        if greeting.code != 220 {
            quit_quietly(&mut self.session, &self.settings).await;
            return Err(ClientError::Rejected(greeting));
        }
        Ok(Greeted {
            session: self.session,
            settings: self.settings,
            greeting,
        })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Greeted<S> {
    /// The greeting reply.
    pub fn greeting(&self) -> &ServerReply {
        &self.greeting
    }

    /// EHLO, falling back to HELO on a 5xx (RFC 5321 §3.2).
    pub async fn ehlo(mut self) -> Result<Ehloed<S>, ClientError> {
        let ext = ehlo_exchange(&mut self.session, &self.settings).await?;
        Ok(Ehloed {
            session: self.session,
            settings: self.settings,
            ext,
        })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Ehloed<S> {
    /// Extensions from the plaintext EHLO.
    pub fn extensions(&self) -> &Extensions {
        &self.ext
    }

    /// The STARTTLS transition (RFC 3207). The only way to a `Client`.
    pub async fn secure(self, mode: TlsMode, server_name: &str) -> Result<Client<S>, ClientError> {
        self.secure_inner(mode, server_name)
            .await
            .map_err(SecureFailure::into_error)
    }

    pub(crate) async fn secure_inner(
        mut self,
        mode: TlsMode,
        server_name: &str,
    ) -> Result<Client<S>, SecureFailure> {
        let (config, verified, required) = match mode {
            TlsMode::Plain => return Ok(self.into_client_plain()),
            TlsMode::Opportunistic { config, verified } => (config, verified, false),
            TlsMode::Required { config } => (config, true, true),
        };
        if !self.ext.starttls {
            if !required {
                return Ok(self.into_client_plain());
            }
            quit_quietly(&mut self.session, &self.settings).await;
            return Err(SecureFailure::Other(ClientError::TlsRequired(
                "server does not offer STARTTLS".into(),
            )));
        }
        let t = self.settings.command_timeout;
        let reply = self
            .session
            .command("STARTTLS\r\n", t, "STARTTLS")
            .await
            .map_err(SecureFailure::Other)?;
        if reply.code != 220 {
            // RFC 3207 §4: e.g. 454; the session stays in plaintext.
            if !required {
                return Ok(self.into_client_plain());
            }
            quit_quietly(&mut self.session, &self.settings).await;
            return Err(SecureFailure::Other(ClientError::TlsRequired(format!(
                "STARTTLS refused: {reply}"
            ))));
        }
        let raw = self.session.take_stream().map_err(SecureFailure::Other)?;
        let hs = tokio::time::timeout(t, tls::handshake(raw, server_name, config, verified)).await;
        let (stream, info) = match hs {
            Err(_) => {
                let e = ClientError::Timeout("TLS handshake");
                return Err(if required {
                    SecureFailure::Other(e)
                } else {
                    SecureFailure::Handshake(e)
                });
            }
            Ok(Err(e)) if required => return Err(SecureFailure::Other(e.into_client_error(true))),
            Ok(Err(e @ HandshakeError::Untrusted(_))) => {
                return Err(SecureFailure::Untrusted(e.into_client_error(false)));
            }
            Ok(Err(e)) => return Err(SecureFailure::Handshake(e.into_client_error(false))),
            Ok(Ok(ok)) => ok,
        };
        tracing::debug!(version = %info.version, cipher = %info.cipher, verified = info.verified, "STARTTLS done");
        let mut session = Session::new(MaybeTls::Tls(Box::new(stream)));
        // RFC 3207 §4.2: discard plaintext knowledge, EHLO again.
        let ext = ehlo_exchange(&mut session, &self.settings)
            .await
            .map_err(SecureFailure::Other)?;
        Ok(Client::from_parts(session, ext, Some(info), self.settings))
    }

    fn into_client_plain(self) -> Client<S> {
        let session = self.session.map_stream(MaybeTls::Plain);
        Client::from_parts(session, self.ext, None, self.settings)
    }
}

/// EHLO with HELO fallback; returns the extensions (none after HELO).
pub(crate) async fn ehlo_exchange<S>(
    session: &mut Session<S>,
    settings: &ClientSettings,
) -> Result<Extensions, ClientError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let t = settings.command_timeout;
    let helo = &settings.helo_name;
    if helo.is_empty() || helo.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(ClientError::Config(
            "helo_name must be one word without control characters".into(),
        ));
    }
    let reply = session
        .command(&format!("EHLO {helo}\r\n"), t, "EHLO")
        .await?;
    if reply.is_positive() {
        return Ok(Extensions::from_ehlo(&reply));
    }
    // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; try HELO.
    if !reply.is_permanent() {
        return Err(ClientError::Rejected(reply));
    }
    let reply = session
        .command(&format!("HELO {helo}\r\n"), t, "HELO")
        .await?;
    if !reply.is_positive() {
        return Err(ClientError::Rejected(reply));
    }
    Ok(Extensions::default())
}

/// QUIT and close, ignoring errors (the session is ending anyway).
pub(crate) async fn quit_quietly<S>(session: &mut Session<S>, settings: &ClientSettings)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let t = settings.command_timeout;
    let _ = session.command("QUIT\r\n", t, "QUIT").await;
    session.shutdown(t).await;
}
