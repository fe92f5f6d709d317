//! The PROXY protocol (HAProxy, versions 1 and 2): a TCP load balancer in
//! front of several nodes prepends the real client's address to each
//! connection, so rate limits, `allow_relay_from` and logs see the client
//! rather than the balancer.
//!
//! `parse` is pure (no I/O) and bounded: v1 is one text line of at most
//! 107 octets; v2 a 16-octet header plus at most 216 octets of addresses
//! and TLVs (we accept up to 1024 and ignore TLVs). `read_header` reads
//! exactly the header from a stream, never a byte of what follows, within
//! a deadline. Only connections from configured balancer networks are
//! asked for a header (`proxy_from`); anything malformed closes the
//! connection (no fall-back to the balancer's own address).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

const V2_SIGNATURE: [u8; 12] = [
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
];
/// "PROXY UNKNOWN ffff:...:ffff ffff:...:ffff 65535 65535\r\n" (spec §2.1).
const V1_MAX: usize = 107;
const V2_MAX_PAYLOAD: usize = 1024;

/// What the header said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proxied {
    /// The client's address as the balancer saw it.
    Client(SocketAddr),
    /// A health check or an unknown family: keep the connection's address.
    Local,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProxyError {
    #[error("not a PROXY protocol header")]
    NotProxy,
    #[error("malformed PROXY protocol header: {0}")]
    Malformed(&'static str),
    #[error("no PROXY protocol header within the time allowed")]
    Timeout,
    #[error("connection closed before the PROXY protocol header ended")]
    Closed,
}

/// Parse a complete header (`buf` is exactly the header).
pub fn parse(buf: &[u8]) -> Result<Proxied, ProxyError> {
    if buf.starts_with(&V2_SIGNATURE) {
        parse_v2(buf)
    } else if buf.starts_with(b"PROXY ") {
        parse_v1(buf)
    } else {
        Err(ProxyError::NotProxy)
    }
}

fn parse_v1(buf: &[u8]) -> Result<Proxied, ProxyError> {
    let line = buf
        .strip_suffix(b"\r\n")
        .ok_or(ProxyError::Malformed("v1 line must end with CRLF"))?;
    let line = std::str::from_utf8(line).map_err(|_| ProxyError::Malformed("v1 not ASCII"))?;
    let mut parts = line.split(' ');
    let _proxy = parts.next();
    match parts.next() {
        Some("UNKNOWN") => return Ok(Proxied::Local),
        Some("TCP4") | Some("TCP6") => {}
        _ => {
            return Err(ProxyError::Malformed(
                "v1 protocol must be TCP4, TCP6 or UNKNOWN",
            ));
        }
    }
    let src: IpAddr = parts
        .next()
        .and_then(|a| a.parse().ok())
        .ok_or(ProxyError::Malformed("v1 source address"))?;
    let _dst: IpAddr = parts
        .next()
        .and_then(|a| a.parse().ok())
        .ok_or(ProxyError::Malformed("v1 destination address"))?;
    let port = |p: Option<&str>| -> Result<u16, ProxyError> {
        p.filter(|p| !p.starts_with('0') || *p == "0")
            .and_then(|p| p.parse().ok())
            .ok_or(ProxyError::Malformed("v1 port"))
    };
    let sport = port(parts.next())?;
    port(parts.next())?;
    if parts.next().is_some() {
        return Err(ProxyError::Malformed("v1 trailing fields"));
    }
    Ok(Proxied::Client(SocketAddr::new(src, sport)))
}

fn parse_v2(buf: &[u8]) -> Result<Proxied, ProxyError> {
    if buf.len() < 16 {
        return Err(ProxyError::Malformed("v2 header too short"));
    }
    let ver_cmd = buf[12];
    if ver_cmd >> 4 != 2 {
        return Err(ProxyError::Malformed("v2 version"));
    }
    let len = u16::from_be_bytes([buf[14], buf[15]]) as usize;
    if buf.len() != 16 + len {
        return Err(ProxyError::Malformed("v2 length"));
    }
    let body = &buf[16..];
    match ver_cmd & 0x0F {
        0 => return Ok(Proxied::Local),
        1 => {}
        _ => return Err(ProxyError::Malformed("v2 command")),
    }
    match buf[13] {
        // TCP over IPv4: src(4) dst(4) sport(2) dport(2)
        0x11 => {
            if body.len() < 12 {
                return Err(ProxyError::Malformed("v2 IPv4 addresses"));
            }
            let ip = Ipv4Addr::new(body[0], body[1], body[2], body[3]);
            let port = u16::from_be_bytes([body[8], body[9]]);
            Ok(Proxied::Client(SocketAddr::new(IpAddr::V4(ip), port)))
        }
        // TCP over IPv6: src(16) dst(16) sport(2) dport(2)
        0x21 => {
            if body.len() < 36 {
                return Err(ProxyError::Malformed("v2 IPv6 addresses"));
            }
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&body[..16]);
            let port = u16::from_be_bytes([body[32], body[33]]);
            Ok(Proxied::Client(SocketAddr::new(
                IpAddr::V6(Ipv6Addr::from(octets)),
                port,
            )))
        }
        // UNSPEC, UDP or UNIX: no TCP client address to use.
        _ => Ok(Proxied::Local),
    }
}

/// Read one header (v1 or v2) from `stream`, byte-exact, within `limit`.
pub async fn read_header<S: AsyncRead + Unpin>(
    stream: &mut S,
    limit: Duration,
) -> Result<Proxied, ProxyError> {
    tokio::time::timeout(limit, read_exact_header(stream))
        .await
        .map_err(|_| ProxyError::Timeout)?
}

async fn read_exact_header<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Proxied, ProxyError> {
    let mut buf = vec![0u8; 16];
    // Both versions have at least 16 octets ("PROXY UNKNOWN\r\n" is 15:
    // read the first 15, then decide).
    fill(stream, &mut buf[..15]).await?;
    if buf.starts_with(b"PROXY UNKNOWN\r\n") {
        return Ok(Proxied::Local);
    }
    fill(stream, &mut buf[15..16]).await?;
    if buf.starts_with(&V2_SIGNATURE) {
        let len = u16::from_be_bytes([buf[14], buf[15]]) as usize;
        if len > V2_MAX_PAYLOAD {
            return Err(ProxyError::Malformed("v2 length"));
        }
        buf.resize(16 + len, 0);
        fill(stream, &mut buf[16..]).await?;
        return parse(&buf);
    }
    if !buf.starts_with(b"PROXY ") {
        return Err(ProxyError::NotProxy);
    }
    // v1: byte by byte up to CRLF, so nothing after the header is consumed.
    while !buf.ends_with(b"\r\n") {
        if buf.len() >= V1_MAX {
            return Err(ProxyError::Malformed("v1 line too long"));
        }
        let mut b = [0u8; 1];
        fill(stream, &mut b).await?;
        buf.push(b[0]);
    }
    parse(&buf)
}

async fn fill<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut [u8]) -> Result<(), ProxyError> {
    stream
        .read_exact(buf)
        .await
        .map(|_| ())
        .map_err(|_| ProxyError::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(cmd: u8, fam: u8, body: &[u8]) -> Vec<u8> {
        let mut b = V2_SIGNATURE.to_vec();
        b.push(0x20 | cmd);
        b.push(fam);
        b.extend_from_slice(&(body.len() as u16).to_be_bytes());
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn v1_tcp4_and_tcp6_give_the_client_address() {
        assert_eq!(
            parse(b"PROXY TCP4 192.0.2.7 198.51.100.1 56324 587\r\n"),
            Ok(Proxied::Client("192.0.2.7:56324".parse().expect("addr")))
        );
        assert_eq!(
            parse(b"PROXY TCP6 2001:db8::7 2001:db8::1 40000 25\r\n"),
            Ok(Proxied::Client(
                "[2001:db8::7]:40000".parse().expect("addr")
            ))
        );
        assert_eq!(parse(b"PROXY UNKNOWN\r\n"), Ok(Proxied::Local));
    }

    #[test]
    fn v1_rejects_what_the_spec_does_not_allow() {
        for bad in [
            &b"PROXY TCP4 192.0.2.7 198.51.100.1 56324 587"[..],
            b"PROXY TCP4 192.0.2.7 198.51.100.1 056324 587\r\n",
            b"PROXY TCP4 192.0.2.7 198.51.100.1 70000 587\r\n",
            b"PROXY TCP4 nonsense 198.51.100.1 1 2\r\n",
            b"PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n",
            b"PROXY TCP4 192.0.2.7 198.51.100.1 1 2 3\r\n",
        ] {
            assert!(
                matches!(parse(bad), Err(ProxyError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert_eq!(parse(b"EHLO x\r\n"), Err(ProxyError::NotProxy));
    }

    #[test]
    fn v2_proxy_and_local_commands() {
        let mut body = vec![192, 0, 2, 7, 198, 51, 100, 1];
        body.extend_from_slice(&56324u16.to_be_bytes());
        body.extend_from_slice(&587u16.to_be_bytes());
        assert_eq!(
            parse(&v2(1, 0x11, &body)),
            Ok(Proxied::Client("192.0.2.7:56324".parse().expect("addr")))
        );
        assert_eq!(parse(&v2(0, 0x00, &[])), Ok(Proxied::Local));
        assert!(matches!(
            parse(&v2(1, 0x11, &body[..5])),
            Err(ProxyError::Malformed(_))
        ));
        assert!(matches!(
            parse(&v2(7, 0x11, &body)),
            Err(ProxyError::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn reading_stops_exactly_at_the_end_of_the_header() {
        let mut input: &[u8] = b"PROXY TCP4 192.0.2.7 198.51.100.1 5 587\r\nEHLO x\r\n";
        let got = read_header(&mut input, Duration::from_secs(1)).await;
        assert_eq!(
            got,
            Ok(Proxied::Client("192.0.2.7:5".parse().expect("addr")))
        );
        assert_eq!(input, b"EHLO x\r\n");
        let mut body = vec![10, 0, 0, 9, 10, 0, 0, 1];
        body.extend_from_slice(&[0, 25, 2, 75]);
        let mut wire = v2(1, 0x11, &body);
        wire.extend_from_slice(b"EHLO y\r\n");
        let mut input: &[u8] = &wire;
        assert_eq!(
            read_header(&mut input, Duration::from_secs(1)).await,
            Ok(Proxied::Client("10.0.0.9:25".parse().expect("addr")))
        );
        assert_eq!(input, b"EHLO y\r\n");
        let mut long: &[u8] = b"PROXY TCP4 1.1.1.1 2.2.2.2 1 2 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
        assert!(matches!(
            read_header(&mut long, Duration::from_secs(1)).await,
            Err(ProxyError::Malformed(_))
        ));
    }
}
