//! SMTP command lines as the inbound session parses them (smtp-proto plus
//! our length and verb checks): never a panic, always a request or a reply.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        for line in data.split(|&b| b == b'\n').take(64) {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match sealpost::server::parse_command(line.to_vec(), 512) {
                Ok((_, raw)) => assert!(raw.ends_with(b"\r\n")),
                Err(reply) => assert!(reply.code >= 400),
            }
        }
    });
}
