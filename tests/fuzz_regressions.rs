//! Replays the fuzz corpora through the same entry points as the AFL++
//! harnesses in `fuzz/`, without AFL: the seeds (`fuzz/seeds/<target>/`)
//! and every crash AFL++ ever found (`fuzz/regressions/<target>/`, one file
//! per crash, named after what it broke). A panic here is a regression.

use std::path::{Path, PathBuf};
use std::time::Duration;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries.flatten() {
            if let Ok(bytes) = std::fs::read(e.path()) {
                out.push((e.path(), bytes));
            }
        }
    }
    out
}

#[test]
fn smtp_command_inputs() {
    for (_, data) in inputs("smtp_command") {
        for line in data.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let _ = sealpost::server::parse_command(line.to_vec(), 512);
        }
    }
}

#[test]
fn data_decoder_inputs() {
    use sealpost::smtp::data::{DataDecoder, Progress, forbidden_octet};
    for (path, data) in inputs("data_decoder") {
        let Some((_, input)) = data.split_first() else {
            continue;
        };
        let mut d = DataDecoder::new(4096, 1000);
        if let Progress::Done { .. } = d.feed(input)
            && d.error().is_none()
        {
            assert_eq!(forbidden_octet(&d.into_body()), None, "{path:?}");
        }
    }
}

#[test]
fn bounce_and_policy_inputs() {
    for (_, data) in inputs("bounce_parse") {
        if let Ok(p) = sealpost::bounce::parse(&data) {
            let _ = sealpost::bounce::apply(&p, Some((1, 0)));
        }
    }
    let set = sealpost::policy::PolicySet::builtin();
    for (_, data) in inputs("policy_mime") {
        let ctx = sealpost::policy::MessageContext {
            listener: "fuzz",
            sender: "a@x.example",
            recipients: &[],
            auth_user: None,
            size: data.len(),
            mt_priority: None,
            default_priority: 4,
        };
        assert!(sealpost::policy::inspect(&set, &data, &ctx).priority <= 9);
    }
}

#[test]
fn small_parser_inputs() {
    let key = sealpost::bounce::VerpKey::from_bytes(&[7u8; 32]);
    for (_, data) in inputs("verp_decode") {
        let _ = key.decode(&String::from_utf8_lossy(&data));
    }
    for (_, data) in inputs("mta_sts") {
        let text = String::from_utf8_lossy(&data);
        let _ = sealpost::secure::mta_sts::parse_policy(&text);
        let records: Vec<String> = text.lines().map(str::to_string).collect();
        let _ = sealpost::secure::mta_sts::txt_id(&records);
    }
    for (_, data) in inputs("config_load") {
        let _ = sealpost::config::Config::from_toml(
            &String::from_utf8_lossy(&data),
            Path::new("fuzz.toml"),
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (_, data) in inputs("audit_verify") {
        let path = dir.path().join("audit.log");
        std::fs::write(&path, &data).expect("write");
        let _ = sealpost::audit::verify::verify(&path, None);
    }
}

#[tokio::test]
async fn dns_answers_are_read_without_panic() {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let server = sock.local_addr().expect("addr");
    let answers = inputs("dns_tlsa");
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        for (_, mut reply) in answers {
            let Ok((n, from)) = sock.recv_from(&mut buf).await else {
                return;
            };
            if n >= 2 && reply.len() >= 2 {
                reply[0] = buf[0];
                reply[1] = buf[1];
            }
            let _ = sock.send_to(&reply, from).await;
        }
    });
    for _ in inputs("dns_tlsa") {
        let _ = sealpost::dns::dnssec::tlsa(
            server,
            "_25._tcp.mx.example.org",
            Duration::from_millis(500),
        )
        .await;
    }
    task.abort();
}
