//! Bounded, timed line I/O under the client (generic over any stream).
//!
//! Invariants:
//! * every read and write runs under a timeout and maps expiry to
//!   `ClientError::Timeout(stage)`;
//! * a reply line is at most `MAX_LINE` octets and a reply at most
//!   `MAX_LINES` lines (RFC 5321 §4.5.3.1.5 allows 512 per line; we are
//!   lenient up to 4 KiB), so a hostile server cannot make us buffer
//!   without bound;
//! * bytes read past the end of a reply stay in `buf` for the next reply
//!   (pipelining, RFC 2920 §3.2); `take_stream` refuses to hand the stream
//!   to TLS while such bytes exist (STARTTLS injection, RFC 3207 §4.2
//!   and CVE-2011-0411).

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::error::ClientError;
use super::reply::{ServerReply, assemble, parse_line};

/// Longest reply line accepted, CRLF included.
pub(crate) const MAX_LINE: usize = 4096;
/// Most lines accepted in one reply.
pub(crate) const MAX_LINES: usize = 100;

/// A stream with a read buffer.
#[derive(Debug)]
pub(crate) struct Session<S> {
    stream: S,
    buf: Vec<u8>,
    /// A 421 was read: the server is closing the channel (RFC 5321 §3.8).
    closing: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<S> {
    pub(crate) fn new(stream: S) -> Self {
        Session {
            stream,
            buf: Vec::with_capacity(1024),
            closing: false,
        }
    }

    /// Hand the raw stream over (for the TLS handshake). Fails if the server
    /// sent anything after the reply we just read.
    pub(crate) fn take_stream(self) -> Result<S, ClientError> {
        if !self.buf.is_empty() {
            return Err(ClientError::Protocol(
                "data received after STARTTLS reply".into(),
            ));
        }
        Ok(self.stream)
    }

    /// Wrap the stream (plaintext path: buffered bytes stay valid).
    pub(crate) fn map_stream<T>(self, f: impl FnOnce(S) -> T) -> Session<T> {
        Session {
            stream: f(self.stream),
            buf: self.buf,
            closing: self.closing,
        }
    }

    /// True once the server announced it is closing (421).
    pub(crate) fn is_closing(&self) -> bool {
        self.closing
    }

    pub(crate) fn get_ref(&self) -> &S {
        &self.stream
    }

    /// Write all of `data` and flush, under `limit`.
    pub(crate) async fn write(
        &mut self,
        data: &[u8],
        limit: Duration,
        stage: &'static str,
    ) -> Result<(), ClientError> {
        let io = async {
            self.stream.write_all(data).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout(limit, io).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(ClientError::Io { stage, source }),
            Err(_) => Err(ClientError::Timeout(stage)),
        }
    }

    /// Read one complete reply, under `limit` for the whole reply.
    pub(crate) async fn read_reply(
        &mut self,
        limit: Duration,
        stage: &'static str,
    ) -> Result<ServerReply, ClientError> {
        match tokio::time::timeout(limit, self.read_reply_inner(stage)).await {
            Ok(r) => r,
            Err(_) => Err(ClientError::Timeout(stage)),
        }
    }

    /// Send one command line and read its reply.
    pub(crate) async fn command(
        &mut self,
        line: &str,
        limit: Duration,
        stage: &'static str,
    ) -> Result<ServerReply, ClientError> {
        self.write(line.as_bytes(), limit, stage).await?;
        self.read_reply(limit, stage).await
    }

    async fn read_reply_inner(&mut self, stage: &'static str) -> Result<ServerReply, ClientError> {
        let mut code = None;
        let mut texts: Vec<String> = Vec::new();
        loop {
            let line = self.read_line(stage).await?;
            // Legacy servers answer in Latin-1: keep the reply, not the error.
            let line = String::from_utf8_lossy(&line).into_owned().into_bytes();
            let parsed = parse_line(&line).map_err(ClientError::Protocol)?;
            if *code.get_or_insert(parsed.code) != parsed.code {
                return Err(ClientError::Protocol(
                    "reply lines with different codes".into(),
                ));
            }
            texts.push(parsed.text.to_string());
            if parsed.last {
                self.closing |= parsed.code == 421;
                return Ok(assemble(parsed.code, &texts));
            }
            if texts.len() >= MAX_LINES {
                return Err(ClientError::Protocol(format!(
                    "reply longer than {MAX_LINES} lines"
                )));
            }
        }
    }

    /// One line without its line ending (CRLF, or a lenient bare LF).
    async fn read_line(&mut self, stage: &'static str) -> Result<Vec<u8>, ClientError> {
        let mut scanned = 0;
        loop {
            if let Some(pos) = self.buf[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + pos;
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            scanned = self.buf.len();
            if scanned >= MAX_LINE {
                return Err(ClientError::Protocol(format!(
                    "reply line longer than {MAX_LINE} octets"
                )));
            }
            let mut chunk = [0u8; 1024];
            let want = chunk.len().min(MAX_LINE + 1 - scanned);
            let n = self
                .stream
                .read(&mut chunk[..want])
                .await
                .map_err(|source| ClientError::Io { stage, source })?;
            if n == 0 {
                return Err(ClientError::Io {
                    stage,
                    source: std::io::ErrorKind::UnexpectedEof.into(),
                });
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Best-effort close of the write side.
    pub(crate) async fn shutdown(&mut self, limit: Duration) {
        let _ = tokio::time::timeout(limit, self.stream.shutdown()).await;
    }
}
