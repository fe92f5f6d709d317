//! Configuration: TOML → raw structs (serde) → validated `Config`.
//!
//! Parsing stops at the first syntax or type error (toml reports its line);
//! validation then collects *every* error with its key path, e.g.
//! `listener[1].tls: expected "none", "starttls" or "implicit", got "yes"`.
//! Defaults live in `defaults.rs` only.

mod defaults;
mod raw;
mod validate;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use validate::validate;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{}", .errors.iter().map(|e| format!("{}: {e}", .path)).collect::<Vec<_>>().join("\n"))]
    Invalid { path: String, errors: Vec<String> },
}

impl ConfigError {
    /// Every message, one per line, each prefixed by the file.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ConfigError::Invalid { path, errors } => {
                errors.iter().map(|e| format!("{path}: {e}")).collect()
            }
            other => vec![other.to_string()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub source: PathBuf,
    pub server: ServerConfig,
    pub listeners: Vec<ListenerConfig>,
    pub tls: TlsConfig,
    pub routes: Vec<RouteConfig>,
    pub limits: Limits,
    pub delivery: DeliveryConfig,
    pub audit: AuditSettings,
    pub policy_dir: Option<PathBuf>,
    /// `/metrics` listen address; None when `[metrics] address = "off"`.
    pub metrics_address: Option<SocketAddr>,
    pub dkim: Vec<crate::dkim::DkimConfig>,
    pub bounce_domains: Vec<BounceDomain>,
    pub secure: SecureConfig,
    pub portal: PortalConfig,
    pub api: ApiConfig,
    pub store: StoreConfig,
}

/// `[store]`: where API clients, idempotency keys, webhooks, rate
/// counters, suppressions and portal messages live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreBackend {
    /// sled trees in the spool's database: one node.
    Embedded,
    /// PostgreSQL, shared by every node.
    Postgres(PostgresConfig),
}

#[derive(Clone, PartialEq, Eq)]
pub struct PostgresConfig {
    /// `postgres://user[:password]@host:port/db[?sslmode=require]`.
    pub url: String,
    /// Read at connect time; overrides a password in the URL.
    pub password_file: Option<PathBuf>,
    pub pool_size: usize,
    pub connect_timeout: Duration,
    /// CA certificates (PEM) the server's certificate must chain to, its
    /// name matching the URL's host. None: TLS when the server offers it
    /// (`sslmode=prefer`, the default, or `require`) without checking
    /// the certificate, as libpq does for those modes.
    pub ca_file: Option<PathBuf>,
}

/// Never prints the URL's password.
impl std::fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("url", &redact_url(&self.url))
            .field("password_file", &self.password_file)
            .field("pool_size", &self.pool_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match auth.rsplit_once('@') {
        Some((cred, host)) => match cred.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    pub backend: StoreBackend,
    /// This node's name in audit records, metrics and webhook payloads
    /// (default: `server.hostname`).
    pub node_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiTls {
    /// HTTPS on the API's own listener (the server certificate of `[tls]`).
    Implicit,
    /// Plain HTTP, only behind a TLS-terminating proxy (or on loopback).
    None,
}

/// `[api]`: the REST submission API, its credentials and webhooks.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// None when `listen = "off"`.
    pub listen: Option<SocketAddr>,
    pub tls: ApiTls,
    /// Largest request body, in bytes (413 above it).
    pub max_request: usize,
    /// Lifetime of OAuth access tokens.
    pub token_ttl: Duration,
    /// Node key (32 random bytes, 0600) keying secret hashes and token
    /// signatures; nodes sharing a store share this file.
    pub key_file: PathBuf,
    pub idempotency_ttl: Duration,
    pub webhook_timeout: Duration,
    /// Requests in flight to one endpoint at most.
    pub webhook_concurrency: usize,
    /// An event undelivered for this long is dropped (and logged).
    pub webhook_max_age: Duration,
    /// First retry delay (doubling, with jitter) and the longest delay.
    pub webhook_retry_base: Duration,
    pub webhook_retry_max: Duration,
    /// Plain `http://` endpoints beyond loopback (behind a trusted network).
    pub webhook_allow_http: bool,
    /// Webhook payloads carry SHA-256 of the recipient instead of the address.
    pub webhook_hash_recipients: bool,
    /// Rate of keys added without `--rate`.
    pub default_rate: Rate,
    /// Balancers that open each connection with a PROXY protocol header.
    pub proxy_protocol_from: Vec<ipnet::IpNet>,
}

/// A request rate such as "50/s" or "3000/m".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
}

impl Rate {
    /// Parse "N/s", "N/m" or "N/h" (N > 0).
    pub fn parse(text: &str) -> Option<Rate> {
        let (n, unit) = text.trim().split_once('/')?;
        let n: f64 = n.trim().parse().ok()?;
        let secs = match unit.trim() {
            "s" | "sec" | "second" => 1.0,
            "m" | "min" | "minute" => 60.0,
            "h" | "hour" => 3600.0,
            _ => return None,
        };
        (n.is_finite() && n > 0.0).then_some(Rate {
            per_second: n / secs,
        })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.per_second >= 1.0 || self.per_second <= 0.0 {
            write!(f, "{}/s", self.per_second)
        } else {
            write!(f, "{}/m", self.per_second * 60.0)
        }
    }
}

/// A size such as "50MB" (decimal units), "35MiB" (binary) or plain bytes.
pub fn parse_size(text: &str) -> Option<usize> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: usize = n.parse().ok()?;
    let mult: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// `[secure]`: how a recipient's copy is protected when the verdict asks.
#[derive(Debug, Clone)]
pub struct SecureConfig {
    pub openpgp_keyring: PathBuf,
    pub smime_certs: PathBuf,
    /// Methods tried in order for `encrypt`: "pgp", "smime", "tls", "portal".
    pub order: Vec<String>,
    /// Web Key Directory lookups (not implemented yet: keyring only).
    pub wkd: bool,
    pub portal_url: String,
    pub portal_expiry: Duration,
    /// Domains known to accept verified TLS (besides `tls = "required"` routes).
    pub tls_domains: Vec<String>,
    /// May verified TLS satisfy an `encrypt` verdict?
    pub tls_satisfies_encrypt: bool,
    /// When verified TLS fails for a `tls` recipient: "portal" or "defer".
    pub tls_fallback_portal: bool,
    /// Outer Subject of encrypted messages (RFC 9788 header protection).
    pub outer_subject: String,
    /// The organisation's OpenPGP signing key (unencrypted TSK).
    pub openpgp_signing_key: Option<PathBuf>,
    /// The organisation's S/MIME signing certificate (+ chain) and key.
    pub smime_signer: Option<(PathBuf, PathBuf)>,
    /// Recipient domains known to read AES-256-GCM (AuthEnvelopedData).
    pub smime_gcm_domains: Vec<String>,
    /// Honour MTA-STS (RFC 8461) policies of recipient domains.
    pub mta_sts: bool,
    /// Honour DANE TLSA records (RFC 7672); needs a validating resolver.
    pub dane: bool,
    /// Port of HTTPS fetches (WKD, MTA-STS policies); 443 except in test rigs.
    pub https_port: u16,
    /// Timeout of one WKD or MTA-STS lookup (DNS + HTTPS).
    pub lookup_timeout: Duration,
    /// `[[secure.domain]]`: (recipient domains, methods in order) — e.g. a
    /// partner that must always get S/MIME. Wins over rule and default.
    pub domain_orders: Vec<(Vec<String>, Vec<String>)>,
}

impl SecureConfig {
    /// The methods, in order, for an `encrypt` recipient at `domain`: the
    /// domain's own list, else the policy rule's, else `order`.
    pub fn order_for<'a>(&'a self, domain: &str, rule: Option<&'a [String]>) -> &'a [String] {
        self.domain_orders
            .iter()
            .find(|(ds, _)| ds.iter().any(|d| d == domain))
            .map(|(_, o)| o.as_slice())
            .or(rule)
            .unwrap_or(&self.order)
    }
}

/// `[[bounce_domain]]`: mail from `sending_domain` gets a VERP Return-Path
/// in `domain` (a name the customer points at sealpost), so SPF aligns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceDomain {
    pub sending_domain: String,
    pub domain: String,
}

/// `[audit]`: the hash-chained audit log.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub path: PathBuf,
    /// Ed25519 node key signing checkpoints (created 0600).
    pub key: PathBuf,
    pub checkpoint_every: u64,
    pub rotate_size: u64,
    pub rotate_age: Duration,
    /// None keeps rotated files forever.
    pub retention: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub hostname: String,
    pub spool_dir: PathBuf,
    pub users_file: PathBuf,
    pub control_socket: PathBuf,
    /// Message bodies are sealed with this key (AES-256-GCM); created 0600.
    pub spool_key: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerTls {
    None,
    StartTls,
    Implicit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    Required,
    Optional,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerMode {
    /// Outbound submission: the smarthost.
    Submission,
    /// Inbound bounces for `[[bounce_domain]]`s only (port 25); never relays.
    Bounce,
}

#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub mode: ListenerMode,
    pub name: String,
    pub address: SocketAddr,
    pub tls: ListenerTls,
    pub auth: AuthMode,
    pub allow_relay_from: Vec<ipnet::IpNet>,
    pub default_priority: u8,
    /// SHA-256 fingerprints (hex, colons optional) of client certificates
    /// that may relay, e.g. a Microsoft 365 connector's certificate.
    pub client_cert_fingerprints: Vec<[u8; 32]>,
    /// Subject CN or DNS SAN values of client certificates that may relay;
    /// the chain must verify against `client_ca` (or the web PKI roots).
    pub client_cert_subjects: Vec<String>,
    pub client_ca: Option<PathBuf>,
    /// Load balancers whose connections start with a PROXY protocol
    /// header (v1 or v2) naming the real client; others connect directly.
    pub proxy_protocol_from: Vec<ipnet::IpNet>,
}

#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// Where a generated self-signed pair is kept when cert/key are absent.
    pub self_signed_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTls {
    None,
    Opportunistic,
    Required,
}

#[derive(Debug, Clone)]
pub struct RouteConfig {
    /// Lower-case domains; `"*"` matches every domain.
    pub domains: Vec<String>,
    pub host: String,
    pub port: u16,
    pub tls: RouteTls,
    /// Deliver into this Maildir instead of SMTP (`host` is then empty).
    pub outbox: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalTls {
    /// HTTPS on the portal's own listener (the server certificate of `[tls]`).
    Implicit,
    /// Plain HTTP, only behind a TLS-terminating proxy.
    None,
}

/// `[portal]`: the recipients' web app behind the notice links.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// None when `listen = "off"`.
    pub listen: Option<SocketAddr>,
    pub tls: PortalTls,
    /// Base of notice links: `<public_url>/m/<token>` (no trailing slash);
    /// empty when neither it nor a listener is configured (no portal).
    pub public_url: String,
    /// The sending organisation's name, shown on portal pages.
    pub organisation: String,
    pub code_ttl: Duration,
    pub session_idle: Duration,
    pub max_code_attempts: u32,
    pub lockout: Duration,
    /// Operator-editable templates; None uses the built-in ones.
    pub templates: Option<PathBuf>,
    pub reply: bool,
    /// Proxies whose X-Forwarded-For is believed (with `tls = "none"`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Balancers that open each connection with a PROXY protocol header
    /// (v1 or v2) naming the client.
    pub proxy_protocol_from: Vec<ipnet::IpNet>,
    /// The node's portal secret (0600, apart from the store): signs cookies
    /// and forms, and wraps message keys for `portal resend`.
    pub key_file: PathBuf,
    /// Keep each message key wrapped under `key_file` so `sealpost portal
    /// resend` can issue a new link; off: the key exists only in the link.
    pub resend: bool,
    /// A browser that passed a code is not asked again for this long (the
    /// same recipient address); zero turns the device cookie off.
    pub device_trust: Duration,
    pub code_requests_per_hour: u32,
    /// Largest secure reply (text and attachments), bytes.
    pub max_reply_size: usize,
    /// Form posts per client IP per minute.
    pub posts_per_minute: u32,
    /// Tell the sender (no PHI) when a recipient first opens a message.
    pub notify_sender_on_read: bool,
    /// From of code mails and read notices; replies are sent from it too.
    pub from_address: String,
    /// Branding: a logo image shown on every page, an accent colour
    /// (`#rrggbb`) and a support line (text).
    pub logo: Option<PathBuf>,
    pub accent_colour: String,
    pub support: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_message_size: usize,
    pub max_recipients: usize,
    pub max_line_length: usize,
    pub max_command_line: usize,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub max_errors: usize,
    pub command_timeout: Duration,
    pub data_timeout: Duration,
    pub auth_failures_per_ip: u32,
    pub auth_failures_per_user: u32,
    pub auth_failures_per_ip_user: u32,
    pub auth_failure_window: Duration,
    pub auth_known_good_for: Duration,
}

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub workers: usize,
    /// How much lower than the SMTP sessions the delivery threads run
    /// (added to the daemon's nice value; 0 = the same).
    pub nice: i32,
    pub concurrency_per_destination: usize,
    pub retry_schedule: Vec<Duration>,
    pub max_lifetime: Duration,
    pub delay_dsn_after: Option<Duration>,
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    pub data_timeout: Duration,
    pub idle_connection_timeout: Duration,
    pub ca_file: Option<PathBuf>,
    pub helo_name: String,
    /// Static (host, port) used for every destination in tests; normally
    /// `[[route]]` covers this and MX lookup handles the rest.
    pub mx_port: u16,
    /// Resolvers for MX/A/TXT/TLSA lookups (`ip:port`); empty: the system's
    /// (`/etc/resolv.conf`). DANE trusts the AD bit only from loopback ones.
    pub dns_servers: Vec<SocketAddr>,
}

impl Config {
    /// Read, parse and validate; all validation errors are returned at once.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let raw: raw::RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: shown.clone(),
            message: e.message().to_string()
                + &e.span()
                    .map(|s| format!(" (at line {})", line_of(text, s.start)))
                    .unwrap_or_default(),
        })?;
        validate(raw, path).map_err(|errors| ConfigError::Invalid {
            path: shown,
            errors,
        })
    }

    /// The bounce domain for a sender address, if one is configured.
    pub fn bounce_domain_for(&self, sender: &str) -> Option<&str> {
        let domain = sender.rsplit_once('@')?.1.to_ascii_lowercase();
        self.bounce_domains
            .iter()
            .find(|b| b.sending_domain == domain)
            .map(|b| b.domain.as_str())
    }

    pub fn route_for(&self, domain: &str) -> Option<&RouteConfig> {
        route_for(&self.routes, domain)
    }
}

/// The route for `domain`: one naming it, else one for `"*"` (the one
/// matching rule, used by delivery and by `config check`).
pub fn route_for<'a>(routes: &'a [RouteConfig], domain: &str) -> Option<&'a RouteConfig> {
    let d = domain.to_ascii_lowercase();
    routes
        .iter()
        .find(|r| r.domains.iter().any(|x| x == &d))
        .or_else(|| routes.iter().find(|r| r.domains.iter().any(|x| x == "*")))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
