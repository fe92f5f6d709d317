//! One DNS query sent straight to a resolver, to read the AD ("authentic
//! data") bit of its answer — what DANE needs (RFC 7672 §2.1): TLSA records
//! count only when a *validating* resolver says they are DNSSEC-secure.
//! hickory's resolver API does not expose that bit, so the query is built
//! with hickory-proto and sent over UDP (TCP when truncated). Like Postfix
//! (`smtp_dns_support_level = dnssec`), the AD bit is trusted only from a
//! resolver on the loopback interface: the path to it cannot be spoofed.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Edns, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use super::LookupError;

/// A TLSA record (RFC 6698 §2.1) as plain numbers and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlsa {
    pub usage: u8,
    pub selector: u8,
    pub matching: u8,
    pub data: Vec<u8>,
}

/// The answer of an authenticated lookup: `secure` is the resolver's AD bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated<T> {
    pub secure: bool,
    pub records: T,
}

/// Largest answer read over TCP.
const MAX_TCP_ANSWER: usize = 65_535;

/// Is the answer for `name`/`rtype` non-empty and DNSSEC-secure (AD bit
/// from a loopback resolver)? RFC 7672 §2.2: DANE applies only when the MX
/// RRset and the MX host's address records are secure.
pub async fn is_secure(
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    timeout: Duration,
) -> Result<bool, LookupError> {
    let (secure, answer) = checked(server, name, rtype, timeout).await?;
    Ok(secure && answer.answers.iter().any(|r| r.record_type() == rtype))
}

/// The answer with its trusted AD bit; NXDOMAIN and failures as errors.
async fn checked(
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    timeout: Duration,
) -> Result<(bool, Message), LookupError> {
    let answer = tokio::time::timeout(timeout, query(server, name, rtype))
        .await
        .map_err(|_| LookupError::Temporary(format!("{rtype} lookup timed out")))??;
    let secure = answer.metadata.authentic_data && server.ip().is_loopback();
    match answer.metadata.response_code {
        ResponseCode::NoError => Ok((secure, answer)),
        ResponseCode::NXDomain => Err(LookupError::NxDomain),
        other => Err(LookupError::Temporary(format!("resolver answered {other}"))),
    }
}

/// TLSA records of `name` (e.g. `_25._tcp.mx.example.org`) from `server`.
pub async fn tlsa(
    server: SocketAddr,
    name: &str,
    timeout: Duration,
) -> Result<Authenticated<Vec<Tlsa>>, LookupError> {
    let (secure, answer) = checked(server, name, RecordType::TLSA, timeout).await?;
    let records: Vec<Tlsa> = answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TLSA(t) => Some(Tlsa {
                usage: t.cert_usage.into(),
                selector: t.selector.into(),
                matching: t.matching.into(),
                data: t.cert_data.clone(),
            }),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return Err(LookupError::NoRecords);
    }
    Ok(Authenticated { secure, records })
}

async fn query(server: SocketAddr, name: &str, rtype: RecordType) -> Result<Message, LookupError> {
    let fqdn = if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    };
    let name = Name::from_ascii(&fqdn)
        .map_err(|e| LookupError::Temporary(format!("bad name {fqdn:?}: {e}")))?;
    let mut msg = Message::query();
    msg.add_query(Query::query(name, rtype));
    msg.metadata.recursion_desired = true;
    // RFC 6840 §5.7: ask for the AD bit; DO asks for DNSSEC processing.
    msg.metadata.authentic_data = true;
    let mut edns = Edns::new();
    edns.set_dnssec_ok(true).set_max_payload(1232);
    msg.set_edns(edns);
    let wire = msg
        .to_vec()
        .map_err(|e| LookupError::Temporary(format!("encode query: {e}")))?;
    let answer = udp(server, &wire, msg.metadata.id).await?;
    if !answer.metadata.truncation {
        return Ok(answer);
    }
    tcp(server, &wire, msg.metadata.id).await
}

fn temporary(e: std::io::Error) -> LookupError {
    LookupError::Temporary(format!("resolver: {e}"))
}

async fn udp(server: SocketAddr, wire: &[u8], id: u16) -> Result<Message, LookupError> {
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal")
    } else {
        "[::]:0".parse().expect("literal")
    };
    let sock = UdpSocket::bind(bind).await.map_err(temporary)?;
    sock.connect(server).await.map_err(temporary)?;
    sock.send(wire).await.map_err(temporary)?;
    let mut buf = vec![0u8; 4096];
    // Datagrams with another id (late answers, spoofing attempts) are
    // ignored; the caller's timeout bounds the wait.
    loop {
        let n = sock.recv(&mut buf).await.map_err(temporary)?;
        if let Ok(m) = Message::from_vec(&buf[..n])
            && m.metadata.id == id
        {
            return Ok(m);
        }
    }
}

async fn tcp(server: SocketAddr, wire: &[u8], id: u16) -> Result<Message, LookupError> {
    let mut s = TcpStream::connect(server).await.map_err(temporary)?;
    let len =
        u16::try_from(wire.len()).map_err(|_| LookupError::Temporary("query too big".into()))?;
    s.write_all(&len.to_be_bytes()).await.map_err(temporary)?;
    s.write_all(wire).await.map_err(temporary)?;
    let n = s.read_u16().await.map_err(temporary)? as usize;
    let mut buf = vec![0u8; n.min(MAX_TCP_ANSWER)];
    s.read_exact(&mut buf).await.map_err(temporary)?;
    let m = Message::from_vec(&buf).map_err(|e| LookupError::Temporary(format!("decode: {e}")))?;
    if m.metadata.id != id {
        return Err(LookupError::Temporary("answer id mismatch".into()));
    }
    Ok(m)
}
