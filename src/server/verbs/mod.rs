//! One handler per verb (chasquid's pattern): `dispatch` parses the line
//! with smtp-proto and calls the handler, which queues its typed reply.

mod auth;
mod bounce;
mod data;
mod ehlo;
mod mail;
mod rcpt;

use smtp_proto::{Error as ProtoError, Request};

use super::session::{Line, Next, Session};
use crate::smtp::reply::{Reply, std_replies};

pub async fn dispatch(s: &mut Session, line: Line) -> Next {
    let Line::Text(bytes) = line else {
        s.reply(std_replies::line_too_long());
        return Next::Continue;
    };
    match parse_command(bytes, s.svc.config.limits.max_command_line) {
        Ok((req, raw)) => handle(s, req, &raw).await,
        Err(reply) => {
            s.reply(reply);
            Next::Continue
        }
    }
}

/// One command line (without its line ending) → request, or the reply
/// that refuses it. Pure, so the fuzzer can drive it; `raw` is the line
/// with CRLF, as MAIL's handler wants it.
pub fn parse_command(
    mut bytes: Vec<u8>,
    max_command_line: usize,
) -> Result<(Request<String>, Vec<u8>), Reply> {
    let verb = verb_of(&bytes);
    if bytes.len() + 2 > max_command_line && verb != "MAIL" && verb != "RCPT" {
        return Err(std_replies::line_too_long());
    }
    bytes.extend_from_slice(b"\r\n");
    let parsed = Request::parse(&mut bytes.iter()).map(|r| r.into_owned());
    match parsed {
        Ok(r) => Ok((r, bytes)),
        Err(e) => Err(parse_error_reply(e, &verb)),
    }
}

async fn handle(s: &mut Session, req: Request<String>, raw: &[u8]) -> Next {
    match req {
        Request::Ehlo { host } => ehlo::ehlo(s, host, true),
        Request::Helo { host } => ehlo::ehlo(s, host, false),
        Request::StartTls => return ehlo::starttls(s).await,
        // RFC 4954 §4: AUTH is an extension announced by EHLO.
        Request::Auth { .. } if matches!(s.state, super::session::State::Greeted) => {
            s.reply(Reply::new(503, "5.5.1", "Send EHLO first"));
        }
        Request::Auth {
            mechanism,
            initial_response,
        } => return auth::auth(s, mechanism, initial_response).await,
        Request::Mail { from } => mail::mail(s, from, raw),
        Request::Rcpt { to } => rcpt::rcpt(s, to),
        Request::Data => return data::data(s).await,
        Request::Bdat {
            chunk_size,
            is_last,
        } => return data::bdat(s, chunk_size, is_last).await,
        Request::Rset => {
            s.state.reset();
            s.reply(std_replies::ok());
        }
        Request::Noop { .. } => s.reply(std_replies::ok()),
        Request::Vrfy { .. } => s.reply(Reply::new(
            252,
            "2.5.2",
            "Cannot VRFY user, but will accept message and attempt delivery",
        )),
        Request::Help { .. } => s.reply(Reply::new(
            214,
            "2.0.0",
            "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT",
        )),
        Request::Quit => {
            let h = s.hostname().to_string();
            s.reply(std_replies::closing(&h));
            return Next::Close;
        }
        Request::Expn { .. }
        | Request::Etrn { .. }
        | Request::Atrn { .. }
        | Request::Burl { .. }
        | Request::Lhlo { .. } => s.reply(Reply::new(502, "5.5.1", "Command not implemented")),
    }
    Next::Continue
}

fn verb_of(line: &[u8]) -> String {
    line.iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .take(8)
        .map(|b| b.to_ascii_uppercase() as char)
        .collect()
}

fn parse_error_reply(e: ProtoError, verb: &str) -> Reply {
    match e {
        ProtoError::UnknownCommand => std_replies::unknown_command(),
        ProtoError::InvalidSenderAddress => Reply::new(501, "5.1.7", "Bad sender address syntax"),
        ProtoError::InvalidRecipientAddress => {
            Reply::new(501, "5.1.3", "Bad recipient address syntax")
        }
        ProtoError::SyntaxError { syntax } => Reply::new(501, "5.5.4", format!("Syntax: {syntax}")),
        ProtoError::InvalidParameter { param } => {
            Reply::new(501, "5.5.4", format!("Invalid {param} parameter"))
        }
        // RFC 5321 §4.1.1.11: unknown MAIL/RCPT parameters get 555.
        ProtoError::UnsupportedParameter { param } => {
            let shown: String = param
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(32)
                .collect();
            Reply::new(555, "5.5.4", format!("Unsupported parameter {shown}"))
        }
        ProtoError::NeedsMoreData { .. }
        | ProtoError::ResponseTooLong
        | ProtoError::InvalidResponse { .. } => {
            if verb.is_empty() {
                std_replies::unknown_command()
            } else {
                std_replies::syntax("Syntax error in parameters")
            }
        }
    }
}
