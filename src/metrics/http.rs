//! `GET /metrics` (and `/healthz`) on the configured address, loopback by
//! default. Queue gauges are refreshed at scrape time from the schedule
//! and the spool, which are cheap to read.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use super::Metrics;
use crate::spool::Spool;
use crate::spool::schedule::Schedule;

#[derive(Clone)]
struct Ctx {
    metrics: Arc<Metrics>,
    spool: Arc<Spool>,
    schedule: Arc<Schedule>,
}

pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    spool: Arc<Spool>,
    schedule: Arc<Schedule>,
) {
    let app = Router::new()
        .route("/metrics", get(scrape))
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                axum::Json(serde_json::json!({"error": "not found"})),
            )
        })
        .with_state(Ctx {
            metrics,
            spool,
            schedule,
        });
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!(error = %e, "metrics endpoint stopped");
    }
}

async fn scrape(State(ctx): State<Ctx>) -> impl IntoResponse {
    refresh_queue(&ctx);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        ctx.metrics.render(),
    )
}

fn refresh_queue(ctx: &Ctx) {
    let m = &ctx.metrics;
    let (ready, delayed) = ctx.schedule.counts_by_priority();
    for p in 0..=9u8 {
        let label = p.to_string();
        m.queue_messages
            .with_label_values(&[label.as_str(), "ready"])
            .set(ready[p as usize] as i64);
        m.queue_messages
            .with_label_values(&[label.as_str(), "deferred"])
            .set(delayed[p as usize] as i64);
    }
    let age = ctx
        .spool
        .oldest_created()
        .map(|t| crate::spool::now_ms().saturating_sub(t) as f64 / 1000.0)
        .unwrap_or(0.0);
    m.queue_oldest_age.set(age);
    let syncs = ctx.spool.result_syncs();
    let seen = m.spool_result_syncs.get();
    if syncs > seen {
        m.spool_result_syncs.inc_by(syncs - seen);
    }
}
