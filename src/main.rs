//! The `sealpost` command line: parses arguments and calls the library.
#![forbid(unsafe_code)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sealpost::config::Config;
use sealpost::policy::PolicySet;
use sealpost::queue_admin::{self, Request};

// Each message makes many short-lived buffers, allocated on one thread and
// often freed on another: mimalloc's per-thread free lists cost less CPU
// per message than glibc's arenas (about 15 % in bench/api_bench.sh and
// bench/relay_bench.sh; see the README's Performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints to stdout; a reader that went away (`| head`) ends the command
/// quietly instead of panicking as `println!` does.
macro_rules! say {
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Like `say!` without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}

fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("sealpost: stdout: {e}");
        std::process::exit(74);
    }
}

const DEFAULT_CONFIG: &str = "conf/sealpost.toml";

#[derive(Parser)]
#[command(
    name = "sealpost",
    version,
    about = "Secure email gateway for protected health information"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the relay.
    Serve {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Submission users (argon2id hashes in the users file).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The suppression list (hard bounces, complaints, manual entries).
    Suppress {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: SuppressCommand,
    },
    /// AUTH failure blocks of the running daemon (per client IP, per
    /// IP and user, per user).
    Auth {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: AuthCommand,
    },
    /// Bounce tools.
    Bounce {
        #[command(subcommand)]
        command: BounceCommand,
    },
    /// DKIM keys.
    Dkim {
        #[command(subcommand)]
        command: DkimCommand,
    },
    /// DNS records a sending domain must publish (DKIM, SPF, DMARC, bounces).
    Dns {
        #[command(subcommand)]
        command: DnsCommand,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// PHI policy tools.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Portal copies: list, recall, extend, send a fresh link (through the
    /// running daemon, or directly when it is stopped).
    Portal {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: PortalCommand,
    },
    /// REST API keys (OAuth clients): add, list, revoke (through the
    /// running daemon, or directly when it is stopped).
    Apikey {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// The shared store ([store] backend = "postgres"): apply the schema,
    /// or test the connection and the schema.
    Store {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Inspect and manage the queue (through the running daemon, or
    /// directly when it is stopped).
    Queue {
        #[arg(long, default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        #[command(subcommand)]
        command: QueueCommand,
    },
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Apply the schema migrations the database lacks (also run at start).
    Migrate,
    /// Connect, and check that the schema is this version's.
    Check,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration; prints every error with its key path.
    Check {
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user or change their password; reads the password from stdin.
    Add {
        name: String,
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Restrict the user to these sender domains (repeatable).
        #[arg(long = "sender-domain")]
        sender_domains: Vec<String>,
    },
}

#[derive(Subcommand)]
enum SuppressCommand {
    List,
    Add {
        address: String,
        #[arg(long, default_value = "added by an administrator")]
        note: String,
    },
    Remove {
        address: String,
    },
}

#[derive(Subcommand)]
enum BounceCommand {
    /// Parse bounce messages and print what sealpost reads in them (one
    /// JSON object per file: recipients, kind, reason, status).
    Parse { files: Vec<PathBuf> },
}

#[derive(Subcommand)]
enum AuthCommand {
    /// List the blocks in force.
    Blocked,
    /// Clear failure counts: of an IP, a user, one IP and user, or all.
    Unblock {
        #[arg(long)]
        ip: Option<std::net::IpAddr>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum ApikeyCommand {
    /// Add a key; prints its client id and secret once.
    Add {
        name: String,
        /// Comma-separated: send, read, admin.
        #[arg(long, required = true)]
        scopes: String,
        /// Envelope and From domains it may send as (repeatable; none: any).
        #[arg(long = "sender-domain")]
        sender_domains: Vec<String>,
        /// Priority 0–9 of its messages unless a request says otherwise.
        #[arg(long)]
        default_priority: Option<i64>,
        /// Requests per second or minute, e.g. 50/s (default: [api] default_rate).
        #[arg(long)]
        rate: Option<String>,
        /// Print only {"client_id": ..., "client_secret": ...}.
        #[arg(long)]
        json: bool,
    },
    /// Every key (without secrets).
    List,
    /// Revoke a key; it and every token issued to it stop at once.
    Revoke { name: String },
}

#[derive(Subcommand)]
enum DkimCommand {
    /// Generate a key (written 0600, never overwritten) and print its TXT record.
    Keygen {
        #[arg(long)]
        domain: String,
        #[arg(long)]
        selector: String,
        /// rsa (2048-bit) or ed25519.
        #[arg(long, default_value = "rsa")]
        algorithm: String,
        /// Where to write the key (default keys/dkim/DOMAIN.SELECTOR.pem).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DnsCommand {
    /// Print the zone-file records for DOMAIN from the configuration.
    Records {
        #[arg(long)]
        domain: String,
        #[arg(long, default_value = DEFAULT_CONFIG)]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain (and rotated predecessors) and checkpoint
    /// signatures; exit 0 if intact, non-zero naming the first bad line.
    Verify {
        file: PathBuf,
        /// The node's public key (`<audit key>.pub`), to check signatures.
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Scan one message and print findings (masked) and the verdict.
    Test {
        message: PathBuf,
        /// Policy directory (default: the shipped set).
        #[arg(long)]
        policies: Option<PathBuf>,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
        /// For each finding: detector, place (part, attachment, line),
        /// masked value and the rules that turned it into the verdict.
        #[arg(long, conflicts_with = "json")]
        explain: bool,
        /// Print the decoded text each part gave the detectors (subject,
        /// headers, bodies, attachments as extracted, tables relabelled),
        /// to see why a finding was or was not made. Shows the message's
        /// content: for the operator's own terminal, never for logs.
        #[arg(long, conflicts_with_all = ["json", "explain"])]
        show_text: bool,
    },
    /// Score the detectors on a labelled corpus (labels.jsonl).
    Eval {
        corpus: PathBuf,
        #[arg(long)]
        policies: Option<PathBuf>,
        /// List false positives and negatives with their findings explained.
        #[arg(long)]
        errors: bool,
    },
}

#[derive(Subcommand)]
enum PortalCommand {
    /// Every copy in the portal (state, expiry, opened, downloads, replies).
    List {
        /// Only the copies of this recipient address.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// Recall every copy of a message: its ciphertext and keys are destroyed.
    Recall { id: String },
    /// Keep the copies of a message longer.
    Extend {
        id: String,
        /// How much longer, e.g. "30d".
        #[arg(long)]
        by: String,
    },
    /// Send the recipient ADDRESS a fresh link (the old one stops working).
    Resend { id: String, address: String },
}

#[derive(Subcommand)]
enum QueueCommand {
    List,
    Show { id: String },
    Retry { id: String },
    Hold { id: String },
    Release { id: String },
    Delete { id: String },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SEALPOST_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: journald and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sealpost: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { config } => {
            let Some(cfg) = load_or_report(&config) else {
                return Ok(ExitCode::from(2));
            };
            tokio::runtime::Runtime::new()?.block_on(sealpost::daemon::serve(cfg))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Config {
            command: ConfigCommand::Check { config },
        } => Ok(match load_or_report(&config) {
            Some(_) => {
                say!("{}: OK", config.display());
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        }),
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    config,
                    sender_domains,
                },
        } => user_add(&config, &name, sender_domains),
        Command::Queue { config, command } => queue(&config, command),
        Command::Store { config, command } => store(&config, command),
        Command::Portal { config, command } => admin(
            &config,
            match command {
                PortalCommand::List { recipient } => Request::PortalList { recipient },
                PortalCommand::Recall { id } => Request::PortalRecall { id },
                PortalCommand::Extend { id, by } => Request::PortalExtend { id, by },
                PortalCommand::Resend { id, address } => Request::PortalResend { id, address },
            },
        ),
        Command::Apikey { config, command } => apikey(&config, command),
        Command::Suppress { config, command } => admin(
            &config,
            match command {
                SuppressCommand::List => Request::SuppressList,
                SuppressCommand::Add { address, note } => Request::SuppressAdd { address, note },
                SuppressCommand::Remove { address } => Request::SuppressRemove { address },
            },
        ),
        Command::Auth { config, command } => admin(
            &config,
            match command {
                AuthCommand::Blocked => Request::AuthBlocked,
                AuthCommand::Unblock { ip, user, all } => Request::AuthUnblock { ip, user, all },
            },
        ),
        Command::Bounce {
            command: BounceCommand::Parse { files },
        } => {
            for file in files {
                let raw =
                    std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let result = match sealpost::bounce::parse(&raw) {
                    Ok(p) => serde_json::json!({"file": file, "report": p}),
                    Err(e) => serde_json::json!({"file": file, "error": e.to_string()}),
                };
                say!("{}", serde_json::to_string(&result)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy { command } => policy(command),
        Command::Dkim {
            command:
                DkimCommand::Keygen {
                    domain,
                    selector,
                    algorithm,
                    out,
                },
        } => {
            let alg = match algorithm.as_str() {
                "rsa" | "rsa-sha256" => sealpost::dkim::Algorithm::RsaSha256,
                "ed25519" | "ed25519-sha256" => sealpost::dkim::Algorithm::Ed25519Sha256,
                other => {
                    anyhow::bail!("--algorithm: expected \"rsa\" or \"ed25519\", got \"{other}\"")
                }
            };
            let out =
                out.unwrap_or_else(|| PathBuf::from(format!("keys/dkim/{domain}.{selector}.pem")));
            let record = sealpost::dkim::keygen(&domain, &selector, alg, &out)?;
            eprintln!("key written to {} (mode 0600)", out.display());
            say!("{record}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Dns {
            command: DnsCommand::Records { domain, config },
        } => {
            let Some(cfg) = load_or_report(&config) else {
                return Ok(ExitCode::from(2));
            };
            let d = domain.to_ascii_lowercase();
            let entries: Vec<_> = cfg.dkim.iter().filter(|e| e.domain == d).cloned().collect();
            let bounce = cfg.bounce_domain_for(&format!("x@{d}"));
            say_raw!(
                "{}",
                sealpost::dkim::dns_records(&d, &entries, bounce, &cfg.server.hostname)?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { file, pubkey },
        } => {
            let (code, message) = sealpost::audit::verify_cli(&file, pubkey.as_deref());
            if code == 0 {
                say!("{message}");
            } else {
                eprintln!("{message}");
            }
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
    }
}

/// Load and validate config and policies; print every error (exit code
/// 2 is the caller's).
fn load_or_report(path: &Path) -> Option<Config> {
    match Config::load(path) {
        Ok(c) if !c.dkim.is_empty() && sealpost::dkim::DkimSigner::load(&c.dkim).is_err() => {
            if let Err(errs) = sealpost::dkim::DkimSigner::load(&c.dkim) {
                for e in errs {
                    eprintln!("{}: {e}", path.display());
                }
            }
            None
        }
        Ok(c) => match &c.policy_dir {
            Some(dir) => match PolicySet::load_dir(dir) {
                Ok(_) => Some(c),
                Err(errs) => {
                    for e in errs {
                        eprintln!("{e}");
                    }
                    None
                }
            },
            None => Some(c),
        },
        Err(e) => {
            for line in e.lines() {
                eprintln!("{line}");
            }
            None
        }
    }
}

fn policy_set(dir: Option<&Path>) -> Option<PolicySet> {
    match dir {
        None => Some(PolicySet::builtin()),
        Some(d) => match PolicySet::load_dir(d) {
            Ok(s) => Some(s),
            Err(errs) => {
                for e in errs {
                    eprintln!("{e}");
                }
                None
            }
        },
    }
}

fn policy(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Test {
            message,
            policies,
            json,
            explain,
            show_text,
        } => {
            let Some(set) = policy_set(policies.as_deref()) else {
                return Ok(ExitCode::from(2));
            };
            let raw = std::fs::read(&message)
                .map_err(|e| anyhow::anyhow!("{}: {e}", message.display()))?;
            if show_text {
                use std::io::Write;
                // A closed pipe (`| head`) ends the listing, no panic.
                let mut out = std::io::stdout().lock();
                let mut open = true;
                sealpost::policy::mime::walk(&raw, set.limits, &mut |seg| {
                    open = open
                        && writeln!(
                            out,
                            "==== {} ({})\n{}",
                            seg.place,
                            seg.loc.as_str(),
                            seg.text
                        )
                        .is_ok();
                });
                return Ok(ExitCode::SUCCESS);
            }
            let ctx = sealpost::policy::MessageContext {
                listener: "cli",
                sender: "",
                recipients: &[],
                auth_user: None,
                size: raw.len(),
                mt_priority: None,
                default_priority: 4,
            };
            let insp = sealpost::policy::inspect_detailed(&set, &raw, &ctx);
            if json {
                say!("{}", serde_json::to_string(&insp.verdict.to_json())?);
            } else if explain {
                say_raw!("{}", sealpost::policy::render_explained(&insp, &set.rules));
            } else {
                say_raw!("{}", sealpost::policy::render_findings(&insp));
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Eval {
            corpus,
            policies,
            errors,
        } => {
            let Some(set) = policy_set(policies.as_deref()) else {
                return Ok(ExitCode::from(2));
            };
            let report = sealpost::policy::eval::score_corpus(&corpus, &set)?;
            say_raw!("{report}");
            if errors {
                say_raw!("{}", report.errors());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn user_add(config: &Path, name: &str, domains: Vec<String>) -> anyhow::Result<ExitCode> {
    let Some(cfg) = load_or_report(config) else {
        return Ok(ExitCode::from(2));
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        anyhow::bail!("user name must be non-empty without spaces");
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.len() < 8 {
        anyhow::bail!("password must be at least 8 characters (read from standard input)");
    }
    let path = &cfg.server.users_file;
    let mut users = sealpost::users::UsersFile::load(path)?;
    users.set_password(name, password, domains)?;
    users.save(path)?;
    say!(
        "user {name} saved to {} (send SIGHUP to a running daemon to reload)",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `sealpost store migrate|check`: exit 0 when the database is ready.
fn store(config: &Path, command: StoreCommand) -> anyhow::Result<ExitCode> {
    let Some(cfg) = load_or_report(config) else {
        return Ok(ExitCode::from(2));
    };
    let sealpost::config::StoreBackend::Postgres(pg) = &cfg.store.backend else {
        say!(
            "{}: store.backend is \"embedded\": nothing to do (the spool's database holds the state)",
            config.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let db = sealpost::store::postgres::Db::new(pg, &cfg.store.node_name, None)
        .map_err(|e| anyhow::anyhow!("{}: {e}", config.display()))?;
    let url = db.shown_url().to_string();
    let fail = |e: sealpost::store::StoreError| {
        eprintln!("sealpost: {}: store.url {url}: {e}", config.display());
        Ok(ExitCode::FAILURE)
    };
    let latest = sealpost::store::postgres::latest_version();
    match command {
        StoreCommand::Migrate => match db.migrate() {
            Ok(v) if v.is_empty() => say!("{url}: schema is up to date (version {latest})"),
            Ok(v) => say!("{url}: applied migrations {v:?}; schema version {latest}"),
            Err(e) => return fail(e),
        },
        StoreCommand::Check => match db.check() {
            Ok((server, v)) if v == latest => {
                say!("{url}: OK (PostgreSQL {server}, schema version {v})")
            }
            Ok((server, v)) if v < latest => {
                eprintln!(
                    "sealpost: {url}: PostgreSQL {server} reachable, but the schema is at version {v} of {latest}: run `sealpost store migrate`"
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok((server, v)) => {
                eprintln!(
                    "sealpost: {url}: PostgreSQL {server} reachable, but the schema (version {v}) is newer than this sealpost ({latest}): upgrade this node"
                );
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return fail(e),
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn queue(config: &Path, command: QueueCommand) -> anyhow::Result<ExitCode> {
    let req = match command {
        QueueCommand::List => Request::List,
        QueueCommand::Show { id } => Request::Show { id },
        QueueCommand::Retry { id } => Request::Retry { id },
        QueueCommand::Hold { id } => Request::Hold { id },
        QueueCommand::Release { id } => Request::Release { id },
        QueueCommand::Delete { id } => Request::Delete { id },
    };
    admin(config, req)
}

fn apikey(config: &Path, command: ApikeyCommand) -> anyhow::Result<ExitCode> {
    let (req, json) = match command {
        ApikeyCommand::Add {
            name,
            scopes,
            sender_domains,
            default_priority,
            rate,
            json,
        } => (
            Request::ApikeyAdd(sealpost::api::admin::AddKey {
                name,
                scopes: vec![scopes],
                sender_domains,
                default_priority,
                rate,
            }),
            json,
        ),
        ApikeyCommand::List => (Request::ApikeyList, false),
        ApikeyCommand::Revoke { name } => (Request::ApikeyRevoke { name }, false),
    };
    let Some(cfg) = load_or_report(config) else {
        return Ok(ExitCode::from(2));
    };
    let resp = admin_request(&cfg, req)?;
    if !resp.ok {
        eprintln!("sealpost: {}", resp.error.unwrap_or_default());
        return Ok(ExitCode::FAILURE);
    }
    let data = resp.data.unwrap_or_default();
    if json {
        let out = serde_json::json!({
            "client_id": data["client_id"],
            "client_secret": data["client_secret"],
        });
        say!("{out}");
    } else if data.get("client_secret").is_some() {
        say!(
            "client_id:     {}",
            data["client_id"].as_str().unwrap_or("")
        );
        say!(
            "client_secret: {}",
            data["client_secret"].as_str().unwrap_or("")
        );
        say!("API key:       {}", data["api_key"].as_str().unwrap_or(""));
        say!("(the secret is shown only now; store it safely)");
    } else {
        say!("{}", serde_json::to_string_pretty(&data)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// Send `req` to the running daemon, or serve it on the stopped node's
/// spool and store.
fn admin_request(cfg: &Config, req: Request) -> anyhow::Result<queue_admin::Response> {
    let rt = tokio::runtime::Runtime::new()?;
    if let Some(r) = rt.block_on(sealpost::control::request(&cfg.server.control_socket, &req))? {
        return Ok(r);
    }
    // No daemon: open the spool ourselves (sled's lock stops us if one runs).
    let (spool, _) = sealpost::spool::Spool::open(&cfg.server.spool_dir, &cfg.server.spool_key)?;
    let audit = std::sync::Arc::new(sealpost::daemon::open_audit(cfg)?);
    let keys = sealpost::store::shared::NodeKeys {
        api: None,
        portal: None,
    };
    // The shared store only for what lives there (queue commands work
    // while the database is down).
    let shared = if req.is_portal() || req.uses_shared_store() {
        sealpost::store::Shared::open(cfg, &spool, None, &keys)?
    } else {
        sealpost::store::Shared::embedded(&spool)?
    };
    if req.is_portal() {
        let vault = sealpost::daemon::open_vault(cfg, shared.portal.clone())?;
        let admin = sealpost::portal_admin::Admin {
            vault: std::sync::Arc::new(vault),
            spool: spool.clone(),
            schedule: std::sync::Arc::new(sealpost::spool::schedule::Schedule::new()),
            audit: Some(audit.clone()),
            metrics: None,
            public_url: cfg.portal.public_url.clone(),
            hostname: cfg.server.hostname.clone(),
            // Webhooks are the running daemon's; offline changes are audited.
            events: std::sync::Arc::new(sealpost::events::NoEvents),
        };
        let resp = rt.block_on(admin.handle("cli-offline", req));
        spool.close();
        let _ = rt.block_on(audit.close());
        return Ok(resp);
    }
    let key = matches!(req, Request::ApikeyAdd(_))
        .then(|| sealpost::api::keys::NodeKey::load_or_create(&cfg.api.key_file))
        .transpose()?;
    Ok(queue_admin::handle(
        &spool,
        &shared,
        None,
        Some(audit.as_ref()),
        key.as_ref(),
        "cli-offline",
        req,
    ))
}

/// One admin request: through the running daemon, or offline.
fn admin(config: &Path, req: Request) -> anyhow::Result<ExitCode> {
    let Some(cfg) = load_or_report(config) else {
        return Ok(ExitCode::from(2));
    };
    let resp = admin_request(&cfg, req)?;
    if resp.ok {
        say!(
            "{}",
            serde_json::to_string_pretty(&resp.data.unwrap_or_default())?
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("sealpost: {}", resp.error.unwrap_or_default());
        Ok(ExitCode::FAILURE)
    }
}
