//! DNS answers for TLSA lookups: a loopback "resolver" answers the real
//! query with the fuzz input (its ID patched to match, so the parser goes
//! past the first check); the records then go through DANE's usability
//! and matching code.
use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn main() {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let server: SocketAddr = sock.local_addr().expect("addr");
    let answer: Arc<Mutex<Vec<u8>>> = Arc::default();
    let next = answer.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok((n, from)) = sock.recv_from(&mut buf) {
            let mut reply = next.lock().map(|a| a.clone()).unwrap_or_default();
            if n >= 2 && reply.len() >= 2 {
                reply[0] = buf[0];
                reply[1] = buf[1];
            }
            let _ = sock.send_to(&reply, from);
        }
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (rt, answer) = (std::panic::AssertUnwindSafe(rt), std::panic::AssertUnwindSafe(answer));
    afl::fuzz!(|data: &[u8]| {
        if let Ok(mut a) = answer.lock() {
            *a = data.to_vec();
        }
        let got = rt.block_on(sealpost::dns::dnssec::tlsa(
            server,
            "_25._tcp.mx.example.org",
            Duration::from_millis(300),
        ));
        if let Ok(found) = got {
            for r in sealpost::secure::dane::usable(&found.records) {
                let _ = sealpost::secure::dane::matches(&r, b"not a certificate");
            }
        }
    });
}
