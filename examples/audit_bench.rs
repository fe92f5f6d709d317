//! Durable-append throughput with group commit.
//!
//! Usage: `audit-bench [DIR] [TASKS] [PER_TASK]` (defaults: a temp dir
//! under the current directory, 32 tasks, 200 appends each). Also measures
//! one task appending sequentially (one fdatasync per append) for contrast.

use std::sync::Arc;
use std::time::Instant;

use sealpost::audit::event::{AdminAction, Event};
use sealpost::audit::{AuditConfig, AuditLog, verify};

fn ev(i: u64) -> Event {
    Event::AdminAction(AdminAction {
        action: "bench".into(),
        target: Some(format!("Q{i:08}")),
        actor: "bench".into(),
    })
}

async fn run(
    dir: &std::path::Path,
    tasks: u64,
    per_task: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let _ = std::fs::remove_dir_all(dir);
    let cfg = AuditConfig::new(dir.join("audit.log"), dir.join("audit.key"));
    let log = Arc::new(AuditLog::open(cfg.clone())?);
    let start = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let log = log.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..per_task {
                log.append_durable(ev(t * per_task + i)).await?;
            }
            Ok::<_, sealpost::audit::AuditError>(())
        }));
    }
    for h in handles {
        h.await??;
    }
    let elapsed = start.elapsed();
    let stats = log.stats();
    log.close().await?;
    let n = tasks * per_task;
    println!(
        "{tasks:>3} task(s) x {per_task}: {n} durable appends in {:.3}s = {:.0} appends/s, {} fdatasyncs ({:.1} appends/sync), {} checkpoints",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        stats.syncs,
        n as f64 / stats.syncs.max(1) as f64,
        stats.checkpoints
    );
    let report = verify(&cfg.path, Some(log.public_key()))?;
    println!("    verified {} entries", report.entries);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "audit-bench.tmp".into()),
    );
    let tasks = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(32);
    let per_task = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(200);
    run(&dir.join("seq"), 1, per_task).await?;
    run(&dir.join("group"), tasks, per_task).await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
