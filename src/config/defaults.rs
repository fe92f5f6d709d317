//! Every default in one place. `conf/sealpost.toml` documents each.

pub const HOSTNAME: &str = "localhost";
pub const SPOOL_DIR: &str = "./var/spool";
pub const USERS_FILE: &str = "conf/users.toml";
pub const DEFAULT_PRIORITY: u8 = 4;
/// Microsoft 365's own outbound limit is 35 MiB; stay at that.
pub const MAX_MESSAGE_SIZE: usize = 36_700_160;
/// RFC 5321 §4.5.3.1.8 asks for at least 100.
pub const MAX_RECIPIENTS: usize = 1000;
/// RFC 5321 §4.5.3.1.6: 1000 octets including CRLF.
pub const MAX_LINE_LENGTH: usize = 1000;
/// RFC 5321 §4.5.3.1.4: 512 octets including CRLF.
pub const MAX_COMMAND_LINE: usize = 512;
pub const MAX_CONNECTIONS: usize = 1000;
pub const MAX_CONNECTIONS_PER_IP: usize = 100;
pub const MAX_ERRORS: usize = 10;
/// RFC 5321 §4.5.3.2.7: the server timeout is at least 5 minutes.
pub const COMMAND_TIMEOUT: &str = "5m";
pub const DATA_TIMEOUT: &str = "10m";
pub const AUTH_FAILURES_PER_IP: u32 = 10;
/// Per (client network, user): what stops guessing one user's password.
pub const AUTH_FAILURES_PER_IP_USER: u32 = 5;
/// Per user from all networks together: only a high ceiling, so that
/// knowing a user name is not enough to lock that user out.
pub const AUTH_FAILURES_PER_USER: u32 = 100;
pub const AUTH_FAILURE_WINDOW: &str = "15m";
/// Networks that logged in as a user within this time pass the per-user ceiling.
pub const AUTH_KNOWN_GOOD_FOR: &str = "30d";

pub const WORKERS: usize = 64;
/// Delivery threads run this much nicer than the SMTP sessions. 0: the
/// same priority. Measured on 2 cores at 32 sessions, 5 lowered the 50 KB
/// acknowledgement latency a little (p50 7.5 -> 7.1 ms) but cost ~10 % of
/// end-to-end throughput at 5 KB, as acceptance outran delivery.
pub const DELIVERY_NICE: usize = 0;
pub const CONCURRENCY_PER_DESTINATION: usize = 20;
pub const RETRY_SCHEDULE: [&str; 8] = ["1m", "5m", "15m", "30m", "1h", "2h", "4h", "8h"];
pub const MAX_LIFETIME: &str = "5d";
pub const CONNECT_TIMEOUT: &str = "30s";
/// RFC 5321 §4.5.3.2: MAIL/RCPT 5 min, DATA end 10 min.
pub const CLIENT_COMMAND_TIMEOUT: &str = "5m";
pub const CLIENT_DATA_TIMEOUT: &str = "10m";
pub const IDLE_CONNECTION_TIMEOUT: &str = "30s";
pub const MX_PORT: u16 = 25;
/// HIPAA documentation retention practice.
pub const AUDIT_RETENTION: &str = "2191d";
pub const AUDIT_ROTATE_AGE: &str = "1d";
pub const METRICS_ADDRESS: &str = "127.0.0.1:9187";

/// The recipients' portal listens only where an operator says so (the
/// quick start: 127.0.0.1:8443); links then default to that address.
pub const PORTAL_LISTEN: &str = "off";
pub const PORTAL_ORGANISATION: &str = "sealpost";
pub const PORTAL_CODE_TTL: &str = "10m";
pub const PORTAL_SESSION_IDLE: &str = "15m";
pub const PORTAL_MAX_CODE_ATTEMPTS: usize = 5;
pub const PORTAL_LOCKOUT: &str = "15m";

pub const OPENPGP_KEYRING: &str = "keys/openpgp";
pub const SMIME_CERTS: &str = "keys/smime";
/// WKD asks the recipient's domain over HTTPS: on only when configured.
pub const WKD: bool = false;
pub const PORTAL_EXPIRY: &str = "30d";
pub const TLS_SATISFIES_ENCRYPT: bool = true;
/// RFC 9788 header protection: the Subject outside encrypted copies.
pub const OUTER_SUBJECT: &str = "Secure message";
pub const MTA_STS: bool = true;
/// DANE needs a validating resolver on the loopback interface.
pub const DANE: bool = false;
pub const HTTPS_PORT: usize = 443;
pub const LOOKUP_TIMEOUT: &str = "10s";
pub const AUDIT_ROTATE_SIZE: usize = 64 << 20;
pub const PORTAL_REPLY: bool = true;
/// A browser that passed a code is trusted this long for the same address.
pub const PORTAL_DEVICE_TRUST: &str = "30d";
/// Codes emailed per message copy per hour (a mailbox cannot be flooded).
pub const PORTAL_CODE_REQUESTS_PER_HOUR: usize = 5;
pub const PORTAL_MAX_REPLY_SIZE: usize = 10 << 20;
/// Form posts per client IP per minute (429 beyond).
pub const PORTAL_POSTS_PER_MINUTE: usize = 30;
pub const PORTAL_RESEND: bool = true;
pub const PORTAL_ACCENT_COLOUR: &str = "#0b5394";

/// The REST API listens only where an operator says so (the quick start:
/// 127.0.0.1:8025).
pub const API_LISTEN: &str = "off";
pub const API_MAX_REQUEST: &str = "50MB";
pub const API_TOKEN_TTL: &str = "15m";
/// Standard Webhooks and most providers keep idempotency keys a day.
pub const API_IDEMPOTENCY_TTL: &str = "24h";
pub const API_WEBHOOK_TIMEOUT: &str = "15s";
pub const API_WEBHOOK_CONCURRENCY: usize = 4;
/// Retries with backoff stop once an event is this old.
pub const API_WEBHOOK_MAX_AGE: &str = "3d";
/// Per-key submission rate when `apikey add` names none.
pub const API_DEFAULT_RATE: &str = "100/s";
/// First webhook retry after about this long, doubling up to the max.
pub const API_WEBHOOK_RETRY_BASE: &str = "5s";
pub const API_WEBHOOK_RETRY_MAX: &str = "1h";

/// Shared state: sled in the spool directory unless `[store] backend =
/// "postgres"`.
pub const STORE_BACKEND: &str = "embedded";
/// Connections per node; PostgreSQL's default max_connections is 100.
pub const STORE_POOL_SIZE: usize = 16;
/// How long a node waits for the database before treating it as down.
pub const STORE_CONNECT_TIMEOUT: &str = "5s";
