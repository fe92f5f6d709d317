//! A small HTTP load generator for `bench/api_bench.py`: COUNT POSTs of one
//! JSON body over CONNECTIONS keep-alive HTTP/1.1 connections (plain HTTP,
//! 127.0.0.1 only), as fast as the server answers. Prints one JSON object:
//! requests, 2xx answers, other answers, seconds, per second, p50/p99 ms.
//! Bounded by the count and by a 600 s overall limit.
//!
//!   cargo run --release --example api_load -- PORT PATH KEY BODY_FILE CONNECTIONS COUNT

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 7 {
        eprintln!("usage: api_load PORT PATH KEY BODY_FILE CONNECTIONS COUNT");
        std::process::exit(2);
    }
    let port: u16 = a[1].parse().expect("PORT");
    let path = a[2].clone();
    let auth = format!("Bearer {}", a[3]);
    let body = Bytes::from(std::fs::read(&a[4]).expect("BODY_FILE"));
    let conns: usize = a[5].parse().expect("CONNECTIONS");
    let count: usize = a[6].parse().expect("COUNT");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (next, path, auth, body) = (next.clone(), path.clone(), auth.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut other = 0usize;
            let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .expect("connect");
            let _ = tcp.set_nodelay(true);
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let req = http::Request::post(path.as_str())
                    .header("host", format!("127.0.0.1:{port}"))
                    .header("authorization", auth.as_str())
                    .header("content-type", "application/json")
                    .body(Full::new(body.clone()))
                    .expect("request");
                let t = Instant::now();
                let resp = sender.send_request(req).await.expect("response");
                let ok = resp.status().is_success();
                let _ = resp.into_body().collect().await;
                lat.push(t.elapsed());
                if !ok {
                    other += 1;
                }
            }
            (lat, other)
        }));
    }
    let mut all = Vec::new();
    let mut other = 0;
    let joined = tokio::time::timeout(Duration::from_secs(600), async {
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("task"));
        }
        out
    })
    .await
    .expect("within 600 s");
    for (l, o) in joined {
        all.extend(l);
        other += o;
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    println!(
        "{{\"requests\": {}, \"ok\": {}, \"other\": {}, \"seconds\": {:.3}, \"per_s\": {:.1}, \"p50_ms\": {:.2}, \"p99_ms\": {:.2}}}",
        all.len(),
        all.len() - other,
        other,
        secs,
        all.len() as f64 / secs,
        pct(0.5),
        pct(0.99)
    );
}
