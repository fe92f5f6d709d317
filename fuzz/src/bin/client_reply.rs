//! The outbound client against a hostile next hop: the input is everything
//! the server says (greeting, EHLO, replies to MAIL/RCPT/DATA, final
//! reply). Over an in-memory stream; never a panic, never a hang.
use std::time::Duration;

use sealpost::smtp::client::{Client, ClientSettings, Envelope, TlsMode, TlsPolicy, verifying_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = verifying_config(&[]).expect("roots");
    let mut settings = ClientSettings::new("client.example", TlsPolicy::None, config);
    settings.command_timeout = Duration::from_millis(200);
    settings.data_timeout = Duration::from_millis(200);
    // A panic aborts the process (`afl::fuzz!`'s hook): no state is
    // observed after one, so the captures need not be unwind safe.
    let (rt, settings) = (std::panic::AssertUnwindSafe(rt), std::panic::AssertUnwindSafe(settings));
    afl::fuzz!(|data: &[u8]| {
        rt.block_on(async {
            let (c, mut s) = tokio::io::duplex(1 << 20);
            let script = data.to_vec();
            let server = tokio::spawn(async move {
                let _ = s.write_all(&script).await;
                let mut sink = [0u8; 4096];
                while let Ok(n) = s.read(&mut sink).await {
                    if n == 0 {
                        break;
                    }
                }
            });
            if let Ok(mut client) = Client::handshake(c, "mx.test", &*settings, TlsMode::Plain).await {
                let to = vec!["b@y.test".to_string(), "c@y.test".to_string()];
                let env = Envelope {
                    mail_from: "a@x.test",
                    recipients: &to,
                    size: 0,
                    smtputf8: false,
                    body_8bit: false,
                    dsn: None,
                    mt_priority: None,
                    requiretls: false,
                };
                let _ = client.send(&env, b"Subject: x\r\n\r\nbody\r\n").await;
                client.quit().await;
            }
            server.abort();
        });
    });
}
