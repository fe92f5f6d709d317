//! lazyfs: a fault-injecting FUSE file system for sealpost's power-loss
//! test, modelled on LazyFS (dsrhaslab/lazyfs; written anew, not derived).
//!
//! ```text
//! lazyfs --store DIR MOUNTPOINT
//! ```
//! shows `DIR/data` at `MOUNTPOINT`. Everything passes through to it, but
//! what a program has not made durable — file data without fsync or
//! fdatasync, names (create, rename, unlink, ...) without an fsync of
//! their directory — stays undoable (see `model.rs`). Commands, one per
//! line on standard input:
//!
//! * `crash` — the power loss: everything not durable is undone, the
//!   report is printed, the file system is unmounted and lazyfs exits.
//!   Kill the programs using it first (`kill -9`), as a power loss would.
//! * `sync` — as `syncfs`: everything becomes durable.
//! * `status` — what is pending.
//! * `quit` (or end of input) — unmount keeping everything (no power loss).
//!
//! Once mounted it prints `lazyfs ready MOUNTPOINT`. It needs `/dev/fuse`
//! and root (it mounts with mount(2), no fusermount); without them it
//! exits with status 2 and says why, so a test cannot pass by accident.
#![forbid(unsafe_code)]

mod fs;
mod model;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "lazyfs",
    about = "FUSE file system that simulates power loss (test tool)"
)]
struct Args {
    /// Directory holding `data/` (shown at the mount point) and `stash/`.
    #[arg(long)]
    store: PathBuf,
    /// Request threads (syncs run outside the lock, so >1 lets work go on).
    #[arg(long, default_value_t = 4)]
    threads: usize,
    /// When name changes (create, rename, unlink) become durable: `posix`,
    /// only with an fsync of their directory; `journal`, also with any
    /// file's fsync (as ext4 commits its journal).
    #[arg(long, value_enum, default_value = "posix")]
    names: NamesArg,
    mountpoint: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NamesArg {
    Posix,
    Journal,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if !std::path::Path::new("/dev/fuse").exists() {
        eprintln!(
            "lazyfs: FUSE is not available: /dev/fuse is missing (load the module with \
             `modprobe fuse`, or give the container --device /dev/fuse)"
        );
        return ExitCode::from(2);
    }
    let root = args.store.join("data");
    let names = match args.names {
        NamesArg::Posix => model::Names::Posix,
        NamesArg::Journal => model::Names::Journal,
    };
    let model = match model::Model::new(&root, &args.store.join("stash"), names) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("lazyfs: cannot prepare {}: {e}", args.store.display());
            return ExitCode::from(2);
        }
    };
    let fs = match fs::LazyFs::new(model, &root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("lazyfs: {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };
    let mut cfg = fuser::Config::default();
    cfg.mount_options = vec![
        fuser::MountOption::FSName("lazyfs".into()),
        fuser::MountOption::Subtype("lazyfs".into()),
    ];
    cfg.n_threads = Some(args.threads.max(1));
    let session = match fuser::spawn_mount(fs.clone(), &args.mountpoint, &cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "lazyfs: cannot mount at {}: {e} (FUSE needs root and /dev/fuse)",
                args.mountpoint.display()
            );
            return ExitCode::from(2);
        }
    };
    println!("lazyfs ready {}", args.mountpoint.display());
    let _ = std::io::stdout().flush();
    let mut crashed = false;
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        match line.trim() {
            "crash" => {
                let r = fs.crash();
                println!(
                    "crashed: {} files lost unsynced data ({} bytes cut, {} pages restored), \
                     {} name changes undone, {} undo errors",
                    r.files, r.bytes_cut, r.pages_restored, r.names_undone, r.errors
                );
                crashed = true;
                break;
            }
            "sync" => {
                fs.sync_all();
                println!("synced");
            }
            "status" => println!("{}", fs.status()),
            "quit" | "" => break,
            other => println!("unknown command {other:?} (crash, sync, status, quit)"),
        }
        let _ = std::io::stdout().flush();
    }
    if let Err(e) = session.umount_and_join() {
        eprintln!("lazyfs: unmount: {e}");
    }
    println!(
        "{}",
        if crashed {
            "unmounted after crash"
        } else {
            "unmounted"
        }
    );
    let _ = std::io::stdout().flush();
    ExitCode::SUCCESS
}
