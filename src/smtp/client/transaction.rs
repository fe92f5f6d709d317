//! One mail transaction on a `Client`: MAIL, RCPT…, DATA, body, final reply
//! (RFC 5321 §3.3), plus RSET and QUIT.
//!
//! Pipelined (RFC 2920 §3.1): MAIL + every RCPT + DATA go out in one write;
//! the replies are read in the same order. Sequential: one command, one
//! reply. In both cases:
//! * MAIL not 2xx => every recipient gets MAIL's reply as its outcome;
//! * no RCPT accepted => RSET, no message;
//! * DATA not 354, or final reply not 2xx => every accepted recipient gets
//!   that reply (4xx transient, 5xx permanent).
//!
//! Any error (I/O, timeout, malformed reply) marks the client unusable: the
//! caller must drop it and treat the whole batch as transient.

use tokio::io::{AsyncRead, AsyncWrite};

use super::codec::{self, DotStuffer};
use super::error::ClientError;
use super::reply::ServerReply;
use super::{Client, DATA_CHUNK, Envelope, EnvelopeReplies, RcptOutcome};

/// Most RCPT commands written before their replies are read.
const PIPELINE_GROUP: usize = 100;

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Client<S> {
    /// Run one transaction; see the module header for the outcome rules.
    /// Checks the envelope against the server's extensions before any I/O:
    /// `SizeExceeded`, `Unsupported` and `InvalidEnvelope` are permanent.
    pub async fn send(
        &mut self,
        env: &Envelope<'_>,
        body: &[u8],
    ) -> Result<Vec<RcptOutcome>, ClientError> {
        if !self.usable {
            return Err(ClientError::Unusable);
        }
        codec::check_envelope(env, &self.ext, body.len())?;
        // Before any command: a body that could smuggle a second message at
        // the next hop is never started.
        codec::check_body(body)?;
        let result = self.transaction(env, body).await;
        if let Err(e) = &result {
            tracing::debug!(error = %e, "transaction failed; connection unusable");
            self.usable = false;
        }
        if self.session.is_closing() {
            // RFC 5321 §3.8: after 421 the server closes; do not reuse.
            self.usable = false;
        }
        result
    }

    async fn transaction(
        &mut self,
        env: &Envelope<'_>,
        body: &[u8],
    ) -> Result<Vec<RcptOutcome>, ClientError> {
        let replies = if self.ext.pipelining {
            self.envelope_pipelined(env, body.len()).await?
        } else {
            self.envelope_sequential(env, body.len()).await?
        };
        if !replies.mail.is_positive() {
            if replies
                .data
                .as_ref()
                .is_some_and(ServerReply::is_intermediate)
            {
                return Err(ClientError::Protocol(
                    "354 to DATA after a rejected MAIL".into(),
                ));
            }
            // Reply text may echo addresses: log the code only.
            tracing::info!(code = replies.mail.code, "MAIL rejected");
            let outcome = RcptOutcome::from_reply(&replies.mail);
            return Ok(vec![outcome; env.recipients.len()]);
        }
        let mut outcomes: Vec<RcptOutcome> =
            replies.rcpts.iter().map(RcptOutcome::from_reply).collect();
        let accepted = outcomes
            .iter()
            .filter(|o| **o == RcptOutcome::Accepted)
            .count();
        if accepted == 0 {
            if replies
                .data
                .as_ref()
                .is_some_and(ServerReply::is_intermediate)
            {
                // RFC 2920 §3.1: the server should have refused DATA; send
                // an empty message so the session stays in step. Whatever it
                // answers, nothing is delivered: the RCPT outcomes stand.
                self.session
                    .write(b".\r\n", self.settings.command_timeout, "empty DATA")
                    .await?;
                let end = self
                    .session
                    .read_reply(self.settings.data_timeout, "end of empty data")
                    .await?;
                if end.is_positive() {
                    tracing::warn!("server accepted DATA without recipients");
                }
                return Ok(outcomes);
            }
            // Outcomes are known; a failed RSET only makes the client unusable.
            let _ = self.reset().await;
            return Ok(outcomes);
        }
        let data = match replies.data {
            Some(reply) => reply,
            None => {
                self.session
                    .command("DATA\r\n", self.settings.command_timeout, "DATA")
                    .await?
            }
        };
        let final_reply = if data.code == 354 {
            self.write_body(body).await?;
            self.session
                .read_reply(self.settings.data_timeout, "end of data")
                .await?
        } else if data.is_positive() || data.is_intermediate() {
            return Err(ClientError::Protocol(format!(
                "unexpected reply to DATA: {}",
                data.code
            )));
        } else {
            // The transaction is still open on the server: clear it. A
            // failed RSET only makes the client unusable.
            let _ = self.reset().await;
            data
        };
        // Debug only: the delivery layer logs one line per recipient with the
        // outcome, the way and the TLS of the hop.
        tracing::debug!(accepted, code = final_reply.code, "transaction finished");
        if !final_reply.is_positive() {
            let outcome = RcptOutcome::from_reply(&final_reply);
            for o in outcomes.iter_mut().filter(|o| **o == RcptOutcome::Accepted) {
                *o = outcome.clone();
            }
        }
        Ok(outcomes)
    }

    /// RFC 2920 §3.1: MAIL, all RCPTs and DATA in one group.
    async fn envelope_pipelined(
        &mut self,
        env: &Envelope<'_>,
        body_len: usize,
    ) -> Result<EnvelopeReplies, ClientError> {
        let t = self.settings.command_timeout;
        let n = env.recipients.len();
        let mut rcpts = Vec::with_capacity(n);
        let mut mail = None;
        let mut start = 0;
        // Groups of at most PIPELINE_GROUP RCPTs, so that neither side can
        // fill its send buffer while the other is not reading (RFC 2920
        // §3.1: RCPT may appear anywhere in a group, DATA only last).
        loop {
            let end = n.min(start + PIPELINE_GROUP);
            let mut batch = String::new();
            if mail.is_none() {
                batch.push_str(&codec::mail_command(env, &self.ext, body_len));
            }
            for i in start..end {
                batch.push_str(&codec::rcpt_command(env, &self.ext, i));
            }
            let last = end == n;
            if last {
                batch.push_str("DATA\r\n");
            }
            let first = mail.is_none();
            let written = self
                .session
                .write(batch.as_bytes(), t, "MAIL/RCPT/DATA")
                .await;
            written.map_err(|e| if first { e.before_mail() } else { e })?;
            if first {
                let reply = self.session.read_reply(t, "MAIL").await;
                mail = Some(reply.map_err(ClientError::before_mail)?);
            }
            for _ in start..end {
                rcpts.push(self.session.read_reply(t, "RCPT").await?);
            }
            if last {
                let data = self.session.read_reply(t, "DATA").await?;
                let mail = mail.ok_or(ClientError::Unusable)?;
                return Ok(EnvelopeReplies {
                    mail,
                    rcpts,
                    data: Some(data),
                });
            }
            start = end;
        }
    }

    /// Without PIPELINING: one command, one reply; stop after a failed MAIL.
    async fn envelope_sequential(
        &mut self,
        env: &Envelope<'_>,
        body_len: usize,
    ) -> Result<EnvelopeReplies, ClientError> {
        let t = self.settings.command_timeout;
        let mail_cmd = codec::mail_command(env, &self.ext, body_len);
        let mail = self
            .session
            .command(&mail_cmd, t, "MAIL")
            .await
            .map_err(ClientError::before_mail)?;
        let mut rcpts = Vec::with_capacity(env.recipients.len());
        if mail.is_positive() {
            for i in 0..env.recipients.len() {
                let cmd = codec::rcpt_command(env, &self.ext, i);
                rcpts.push(self.session.command(&cmd, t, "RCPT").await?);
            }
        }
        Ok(EnvelopeReplies {
            mail,
            rcpts,
            data: None,
        })
    }

    /// Dot-stuffed body plus `.CRLF`, in blocks of `DATA_CHUNK` octets.
    async fn write_body(&mut self, body: &[u8]) -> Result<(), ClientError> {
        let t = self.settings.data_timeout;
        let mut stuffer = DotStuffer::new();
        let mut out = Vec::with_capacity(DATA_CHUNK + 1024);
        for chunk in body.chunks(DATA_CHUNK) {
            // On a refused octet nothing more is written and no end of data
            // follows: the caller drops the connection, the peer discards.
            stuffer.stuff(chunk, &mut out)?;
            self.session.write(&out, t, "DATA block").await?;
            out.clear();
        }
        stuffer.finish(&mut out)?;
        self.session.write(&out, t, "end of data").await
    }

    /// RSET (RFC 5321 §4.1.1.5), e.g. before reusing the connection.
    pub async fn reset(&mut self) -> Result<(), ClientError> {
        if !self.usable {
            return Err(ClientError::Unusable);
        }
        let t = self.settings.command_timeout;
        match self.session.command("RSET\r\n", t, "RSET").await {
            Ok(reply) if reply.is_positive() => Ok(()),
            Ok(reply) => {
                self.usable = false;
                Err(ClientError::Rejected(reply))
            }
            Err(e) => {
                self.usable = false;
                Err(e)
            }
        }
    }

    /// QUIT (RFC 5321 §4.1.1.10) and close; errors are ignored.
    pub async fn quit(mut self) {
        if self.usable {
            super::states::quit_quietly(&mut self.session, &self.settings).await;
        } else {
            self.session.shutdown(self.settings.command_timeout).await;
        }
    }
}
