//! The configuration file as written: every field optional, enums as
//! strings, so validation can name the key and the bad value.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub server: Option<RawServer>,
    #[serde(default)]
    pub listener: Vec<RawListener>,
    pub tls: Option<RawTls>,
    #[serde(default)]
    pub route: Vec<RawRoute>,
    pub limits: Option<RawLimits>,
    pub delivery: Option<RawDelivery>,
    pub audit: Option<RawAudit>,
    pub policy: Option<RawPolicy>,
    pub metrics: Option<RawMetrics>,
    pub secure: Option<RawSecure>,
    pub portal: Option<RawPortal>,
    pub api: Option<RawApi>,
    pub store: Option<RawStore>,
    #[serde(default)]
    pub dkim: Vec<RawDkim>,
    #[serde(default)]
    pub bounce_domain: Vec<RawBounceDomain>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    pub hostname: Option<String>,
    pub spool_dir: Option<String>,
    pub users_file: Option<String>,
    pub control_socket: Option<String>,
    pub spool_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawListener {
    pub name: Option<String>,
    pub address: Option<String>,
    pub tls: Option<String>,
    pub auth: Option<String>,
    pub allow_relay_from: Option<Vec<String>>,
    pub default_priority: Option<i64>,
    pub client_cert_fingerprints: Option<Vec<String>>,
    pub client_cert_subjects: Option<Vec<String>>,
    pub client_ca: Option<String>,
    pub mode: Option<String>,
    pub proxy_protocol_from: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub cert: Option<String>,
    pub key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub domains: Option<Vec<String>>,
    pub host: Option<String>,
    pub tls: Option<String>,
    pub outbox: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPortal {
    pub listen: Option<String>,
    pub tls: Option<String>,
    pub public_url: Option<String>,
    pub organisation: Option<String>,
    pub code_ttl: Option<String>,
    pub session_idle: Option<String>,
    pub max_code_attempts: Option<i64>,
    pub lockout: Option<String>,
    pub templates: Option<String>,
    pub reply: Option<bool>,
    pub trusted_proxies: Option<Vec<String>>,
    pub proxy_protocol_from: Option<Vec<String>>,
    pub key_file: Option<String>,
    pub resend: Option<bool>,
    pub device_trust: Option<String>,
    pub code_requests_per_hour: Option<i64>,
    pub max_reply_size: Option<i64>,
    pub posts_per_minute: Option<i64>,
    pub notify_sender_on_read: Option<bool>,
    pub from_address: Option<String>,
    pub logo: Option<String>,
    pub accent_colour: Option<String>,
    pub support: Option<String>,
}

/// `[store]`: where the state shared by several nodes lives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStore {
    pub backend: Option<String>,
    pub url: Option<String>,
    pub password_file: Option<String>,
    pub pool_size: Option<i64>,
    pub node_name: Option<String>,
    pub connect_timeout: Option<String>,
    pub ca_file: Option<String>,
}

/// `[api]`: the REST submission API and its webhooks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    pub listen: Option<String>,
    pub tls: Option<String>,
    /// A size such as "50MB" or "512KiB", or a number of bytes.
    pub max_request: Option<toml::Value>,
    pub token_ttl: Option<String>,
    pub key_file: Option<String>,
    pub idempotency_ttl: Option<String>,
    pub webhook_timeout: Option<String>,
    pub webhook_concurrency: Option<i64>,
    pub webhook_max_age: Option<String>,
    pub webhook_retry_base: Option<String>,
    pub webhook_retry_max: Option<String>,
    pub webhook_allow_http: Option<bool>,
    pub webhook_hash_recipients: Option<bool>,
    pub default_rate: Option<String>,
    /// `tls = "none"` on a non-loopback address: a TLS proxy in front.
    pub behind_tls_proxy: Option<bool>,
    pub proxy_protocol_from: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub max_message_size: Option<i64>,
    pub max_recipients: Option<i64>,
    pub max_line_length: Option<i64>,
    pub max_command_line: Option<i64>,
    pub max_connections: Option<i64>,
    pub max_connections_per_ip: Option<i64>,
    pub max_errors: Option<i64>,
    pub command_timeout: Option<String>,
    pub data_timeout: Option<String>,
    pub auth_failures_per_ip: Option<i64>,
    pub auth_failures_per_user: Option<i64>,
    pub auth_failures_per_ip_user: Option<i64>,
    pub auth_failure_window: Option<String>,
    pub auth_known_good_for: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDelivery {
    pub workers: Option<i64>,
    pub nice: Option<i64>,
    pub concurrency_per_destination: Option<i64>,
    pub retry_schedule: Option<Vec<String>>,
    pub max_lifetime: Option<String>,
    pub delay_dsn_after: Option<String>,
    pub connect_timeout: Option<String>,
    pub command_timeout: Option<String>,
    pub data_timeout: Option<String>,
    pub idle_connection_timeout: Option<String>,
    pub ca_file: Option<String>,
    pub helo_name: Option<String>,
    pub mx_port: Option<i64>,
    pub dns_servers: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    pub path: Option<String>,
    pub key: Option<String>,
    pub checkpoint_every: Option<i64>,
    pub rotate_size: Option<i64>,
    pub rotate_age: Option<String>,
    /// A duration, or "forever".
    pub retention: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDkim {
    pub domain: Option<String>,
    pub selector: Option<String>,
    pub key: Option<String>,
    pub algorithm: Option<String>,
    pub expire: Option<String>,
    /// "YYYY-MM-DD": the selector stops signing and stays published until then.
    pub retire_after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBounceDomain {
    pub sending_domain: Option<String>,
    pub domain: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecure {
    pub openpgp_keyring: Option<String>,
    pub smime_certs: Option<String>,
    pub order: Option<Vec<String>>,
    pub wkd: Option<bool>,
    pub portal_url: Option<String>,
    pub portal_expiry: Option<String>,
    pub tls_domains: Option<Vec<String>>,
    pub tls_satisfies_encrypt: Option<bool>,
    pub tls_fallback: Option<String>,
    pub outer_subject: Option<String>,
    pub openpgp_signing_key: Option<String>,
    pub smime_signing_cert: Option<String>,
    pub smime_signing_key: Option<String>,
    pub smime_gcm_domains: Option<Vec<String>>,
    pub mta_sts: Option<bool>,
    pub dane: Option<bool>,
    pub https_port: Option<i64>,
    pub lookup_timeout: Option<String>,
    pub domain: Option<Vec<RawSecureDomain>>,
}

/// `[[secure.domain]]`: the methods, in order, for some recipient domains.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecureDomain {
    pub domains: Option<Vec<String>>,
    pub order: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetrics {
    pub address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub dir: Option<String>,
}
