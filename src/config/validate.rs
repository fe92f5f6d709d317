//! Raw → typed configuration, collecting every error with its key path.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::defaults as d;
use super::raw::*;
use super::*;

/// Accumulates errors so `config check` can print them all at once.
struct Errors(Vec<String>);

impl Errors {
    fn push(&mut self, key: &str, msg: impl std::fmt::Display) {
        self.0.push(format!("{key}: {msg}"));
    }

    fn duration(&mut self, key: &str, value: Option<&String>, default: &str) -> Duration {
        let text = value.map(String::as_str).unwrap_or(default);
        match humantime::parse_duration(text) {
            Ok(v) => v,
            Err(_) => {
                self.push(
                    key,
                    format!(
                        "expected a duration such as \"30s\", \"15m\" or \"5d\", got \"{text}\""
                    ),
                );
                humantime::parse_duration(default).unwrap_or(Duration::from_secs(60))
            }
        }
    }

    fn count(
        &mut self,
        key: &str,
        value: Option<i64>,
        default: usize,
        min: i64,
        max: i64,
    ) -> usize {
        match value {
            None => default,
            Some(v) if v >= min && v <= max => v as usize,
            Some(v) => {
                self.push(
                    key,
                    format!("expected a number from {min} to {max}, got {v}"),
                );
                default
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        key: &str,
        value: Option<&str>,
        default: T,
        options: &[(&str, T)],
    ) -> T {
        let Some(v) = value else { return default };
        if let Some((_, t)) = options.iter().find(|(name, _)| *name == v) {
            return *t;
        }
        let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        };
        self.push(key, format!("expected {list}, got \"{v}\""));
        default
    }
}

pub fn validate(raw: RawConfig, source: &Path) -> Result<Config, Vec<String>> {
    let mut e = Errors(Vec::new());
    let server = server(raw.server.unwrap_or_default(), &mut e);
    if raw.listener.is_empty() {
        e.push("listener", "at least one [[listener]] is required");
    }
    let listeners = raw
        .listener
        .into_iter()
        .enumerate()
        .map(|(i, l)| listener(i, l, &mut e))
        .collect::<Vec<_>>();
    check_unique_listeners(&listeners, &mut e);
    let tls = tls(raw.tls.unwrap_or_default(), &server, &mut e);
    let routes = raw
        .route
        .into_iter()
        .enumerate()
        .map(|(i, r)| route(i, r, &mut e))
        .collect();
    let limits = limits(raw.limits.unwrap_or_default(), &mut e);
    let delivery = delivery(raw.delivery.unwrap_or_default(), &server, &mut e);
    let audit = audit(raw.audit.unwrap_or_default(), &server, &mut e);
    let policy_dir = raw.policy.and_then(|p| p.dir).map(PathBuf::from);
    let metrics_address = metrics(raw.metrics.and_then(|m| m.address), &mut e);
    let dkim = raw
        .dkim
        .into_iter()
        .enumerate()
        .filter_map(|(i, d)| dkim(i, d, &mut e))
        .collect();
    let raw_secure = raw.secure.unwrap_or_default();
    let portal = portal(
        raw.portal.unwrap_or_default(),
        raw_secure.portal_url.as_deref(),
        &server,
        &mut e,
    );
    let api = api(raw.api.unwrap_or_default(), &server, &mut e);
    let store = store(raw.store.unwrap_or_default(), &server, &mut e);
    let mut secure = secure(raw_secure, &mut e);
    secure.portal_url = portal.public_url.clone();
    let bounce_domains = raw
        .bounce_domain
        .into_iter()
        .enumerate()
        .filter_map(|(i, b)| bounce_domain(i, b, &mut e))
        .collect();
    if !e.0.is_empty() {
        return Err(e.0);
    }
    Ok(Config {
        source: source.to_path_buf(),
        server,
        listeners,
        tls,
        routes,
        limits,
        delivery,
        audit,
        policy_dir,
        metrics_address,
        dkim,
        bounce_domains,
        secure,
        portal,
        api,
        store,
    })
}

const METHODS: [&str; 4] = ["pgp", "smime", "tls", "portal"];

fn methods(key: &str, list: &[String], e: &mut Errors) {
    for (i, m) in list.iter().enumerate() {
        if !METHODS.contains(&m.as_str()) {
            e.push(
                &format!("{key}[{i}]"),
                format!("expected \"pgp\", \"smime\", \"tls\" or \"portal\", got \"{m}\""),
            );
        }
    }
}

fn secure_domains(list: Vec<RawSecureDomain>, e: &mut Errors) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for (i, d) in list.into_iter().enumerate() {
        let k = |s: &str| format!("secure.domain[{i}].{s}");
        let domains = lower(d.domains.unwrap_or_default());
        if domains.is_empty() {
            e.push(&k("domains"), "expected at least one domain");
        }
        let order = d.order.unwrap_or_default();
        if order.is_empty() {
            e.push(&k("order"), "expected at least one method");
        }
        methods(&k("order"), &order, e);
        out.push((domains, order));
    }
    out
}

fn secure(r: RawSecure, e: &mut Errors) -> SecureConfig {
    let order = r
        .order
        .unwrap_or_else(|| METHODS.iter().map(|m| m.to_string()).collect());
    methods("secure.order", &order, e);
    let tls_fallback_portal = e.choice(
        "secure.tls_fallback",
        r.tls_fallback.as_deref(),
        true,
        &[("portal", true), ("defer", false)],
    );
    let smime_signer = match (r.smime_signing_cert, r.smime_signing_key) {
        (Some(c), Some(k)) => Some((PathBuf::from(c), PathBuf::from(k))),
        (None, None) => None,
        (Some(_), None) => {
            e.push(
                "secure.smime_signing_key",
                "missing (smime_signing_cert is set)",
            );
            None
        }
        (None, Some(_)) => {
            e.push(
                "secure.smime_signing_cert",
                "missing (smime_signing_key is set)",
            );
            None
        }
    };
    SecureConfig {
        openpgp_keyring: PathBuf::from(
            r.openpgp_keyring
                .unwrap_or_else(|| d::OPENPGP_KEYRING.into()),
        ),
        smime_certs: PathBuf::from(r.smime_certs.unwrap_or_else(|| d::SMIME_CERTS.into())),
        order,
        wkd: r.wkd.unwrap_or(d::WKD),
        // Set from `[portal] public_url` (this key is its alias).
        portal_url: String::new(),
        portal_expiry: e.duration(
            "secure.portal_expiry",
            r.portal_expiry.as_ref(),
            d::PORTAL_EXPIRY,
        ),
        tls_domains: lower(r.tls_domains.unwrap_or_default()),
        tls_satisfies_encrypt: r.tls_satisfies_encrypt.unwrap_or(d::TLS_SATISFIES_ENCRYPT),
        tls_fallback_portal,
        outer_subject: r.outer_subject.unwrap_or_else(|| d::OUTER_SUBJECT.into()),
        openpgp_signing_key: r.openpgp_signing_key.map(PathBuf::from),
        smime_signer,
        smime_gcm_domains: lower(r.smime_gcm_domains.unwrap_or_default()),
        mta_sts: r.mta_sts.unwrap_or(d::MTA_STS),
        dane: r.dane.unwrap_or(d::DANE),
        https_port: e.count("secure.https_port", r.https_port, d::HTTPS_PORT, 1, 65535) as u16,
        lookup_timeout: e.duration(
            "secure.lookup_timeout",
            r.lookup_timeout.as_ref(),
            d::LOOKUP_TIMEOUT,
        ),
        domain_orders: secure_domains(r.domain.unwrap_or_default(), e),
    }
}

fn lower(list: Vec<String>) -> Vec<String> {
    list.iter().map(|d| d.to_ascii_lowercase()).collect()
}

fn dkim(i: usize, r: RawDkim, e: &mut Errors) -> Option<crate::dkim::DkimConfig> {
    let k = |s: &str| format!("dkim[{i}].{s}");
    let need = |key: &str, v: Option<String>, e: &mut Errors| {
        if v.is_none() {
            e.push(&k(key), "missing");
        }
        v
    };
    let domain = need("domain", r.domain.map(|d| d.to_ascii_lowercase()), e);
    let selector = need("selector", r.selector, e);
    let key = need("key", r.key, e);
    let algorithm = e.choice(
        &k("algorithm"),
        r.algorithm.as_deref(),
        crate::dkim::Algorithm::RsaSha256,
        &[
            ("rsa-sha256", crate::dkim::Algorithm::RsaSha256),
            ("ed25519-sha256", crate::dkim::Algorithm::Ed25519Sha256),
        ],
    );
    let expire = r
        .expire
        .as_ref()
        .map(|x| e.duration(&k("expire"), Some(x), "7d"));
    let retire_after = match r.retire_after.as_deref() {
        None => None,
        Some(d) => match crate::util::parse_date(d) {
            Some(t) => Some(t),
            None => {
                e.push(
                    &k("retire_after"),
                    format!("expected a date \"YYYY-MM-DD\", got \"{d}\""),
                );
                None
            }
        },
    };
    Some(crate::dkim::DkimConfig {
        domain: domain?,
        selector: selector?,
        key: PathBuf::from(key?),
        algorithm,
        expire,
        retire_after,
    })
}

fn bounce_domain(i: usize, r: RawBounceDomain, e: &mut Errors) -> Option<BounceDomain> {
    let k = |s: &str| format!("bounce_domain[{i}].{s}");
    let valid = |d: &str| {
        !d.is_empty()
            && d.contains('.')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    let mut get = |key: &str, v: Option<String>| match v.map(|d| d.to_ascii_lowercase()) {
        None => {
            e.push(&k(key), "missing");
            None
        }
        Some(d) if !valid(&d) => {
            e.push(&k(key), format!("expected a domain name, got \"{d}\""));
            None
        }
        Some(d) => Some(d),
    };
    let sending_domain = get("sending_domain", r.sending_domain);
    let domain = get("domain", r.domain);
    Some(BounceDomain {
        sending_domain: sending_domain?,
        domain: domain?,
    })
}

fn audit(r: RawAudit, server: &ServerConfig, e: &mut Errors) -> AuditSettings {
    let k = |s: &str| format!("audit.{s}");
    // Default: beside the spool, e.g. ./var/spool → ./var/audit/audit.log.
    let path = r.path.map(PathBuf::from).unwrap_or_else(|| {
        server
            .spool_dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("audit")
            .join("audit.log")
    });
    let key = r
        .key
        .map(PathBuf::from)
        .unwrap_or_else(|| path.with_file_name("audit.key"));
    let retention = match r.retention.as_deref() {
        Some("forever") => None,
        other => Some(e.duration(
            &k("retention"),
            other.map(str::to_string).as_ref(),
            d::AUDIT_RETENTION,
        )),
    };
    AuditSettings {
        checkpoint_every: e.count(
            &k("checkpoint_every"),
            r.checkpoint_every,
            1000,
            1,
            10_000_000,
        ) as u64,
        rotate_size: e.count(
            &k("rotate_size"),
            r.rotate_size,
            d::AUDIT_ROTATE_SIZE,
            4096,
            1 << 40,
        ) as u64,
        rotate_age: e.duration(&k("rotate_age"), r.rotate_age.as_ref(), d::AUDIT_ROTATE_AGE),
        retention,
        path,
        key,
    }
}

fn metrics(address: Option<String>, e: &mut Errors) -> Option<SocketAddr> {
    let text = address.unwrap_or_else(|| d::METRICS_ADDRESS.to_string());
    if text == "off" {
        return None;
    }
    match text.parse() {
        Ok(a) => Some(a),
        Err(_) => {
            e.push(
                "metrics.address",
                format!("expected \"IP:PORT\" or \"off\", got \"{text}\""),
            );
            None
        }
    }
}

fn server(r: RawServer, e: &mut Errors) -> ServerConfig {
    let hostname = r.hostname.unwrap_or_else(|| d::HOSTNAME.to_string());
    if hostname.is_empty() || hostname.contains(char::is_whitespace) {
        e.push(
            "server.hostname",
            format!("expected a host name, got \"{hostname}\""),
        );
    }
    let spool_dir = PathBuf::from(r.spool_dir.unwrap_or_else(|| d::SPOOL_DIR.to_string()));
    let control_socket = r
        .control_socket
        .map(PathBuf::from)
        .unwrap_or_else(|| spool_dir.join("control.sock"));
    let spool_key = r
        .spool_key
        .map(PathBuf::from)
        .unwrap_or_else(|| spool_dir.join("spool.key"));
    ServerConfig {
        hostname,
        users_file: PathBuf::from(r.users_file.unwrap_or_else(|| d::USERS_FILE.to_string())),
        spool_dir,
        control_socket,
        spool_key,
    }
}

fn listener(i: usize, r: RawListener, e: &mut Errors) -> ListenerConfig {
    let key = |k: &str| format!("listener[{i}].{k}");
    let name = r.name.unwrap_or_else(|| format!("listener{i}"));
    let address = match r.address.as_deref() {
        None => {
            e.push(&key("address"), "missing; expected \"IP:PORT\"");
            SocketAddr::from(([127, 0, 0, 1], 0))
        }
        Some(a) => a.parse().unwrap_or_else(|_| {
            e.push(
                &key("address"),
                format!("expected \"IP:PORT\", got \"{a}\""),
            );
            SocketAddr::from(([127, 0, 0, 1], 0))
        }),
    };
    let tls = e.choice(
        &key("tls"),
        r.tls.as_deref(),
        ListenerTls::StartTls,
        &[
            ("none", ListenerTls::None),
            ("starttls", ListenerTls::StartTls),
            ("implicit", ListenerTls::Implicit),
        ],
    );
    let auth = e.choice(
        &key("auth"),
        r.auth.as_deref(),
        AuthMode::Optional,
        &[
            ("required", AuthMode::Required),
            ("optional", AuthMode::Optional),
            ("none", AuthMode::None),
        ],
    );
    let allow_relay_from = r
        .allow_relay_from
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(j, n)| parse_net(n, &format!("{}[{j}]", key("allow_relay_from")), e))
        .collect();
    let proxy_protocol_from = r
        .proxy_protocol_from
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(j, n)| parse_net(n, &format!("{}[{j}]", key("proxy_protocol_from")), e))
        .collect();
    let default_priority = e.count(
        &key("default_priority"),
        r.default_priority,
        d::DEFAULT_PRIORITY as usize,
        0,
        9,
    ) as u8;
    let client_cert_fingerprints = r
        .client_cert_fingerprints
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(j, f)| {
            parse_fingerprint(f, &format!("{}[{j}]", key("client_cert_fingerprints")), e)
        })
        .collect();
    let mode = e.choice(
        &key("mode"),
        r.mode.as_deref(),
        ListenerMode::Submission,
        &[
            ("submission", ListenerMode::Submission),
            ("bounce", ListenerMode::Bounce),
        ],
    );
    ListenerConfig {
        mode,
        name,
        address,
        tls,
        auth,
        allow_relay_from,
        default_priority,
        client_cert_fingerprints,
        client_cert_subjects: r.client_cert_subjects.unwrap_or_default(),
        client_ca: r.client_ca.map(PathBuf::from),
        proxy_protocol_from,
    }
}

fn check_unique_listeners(listeners: &[ListenerConfig], e: &mut Errors) {
    for (i, l) in listeners.iter().enumerate() {
        if listeners[..i].iter().any(|o| o.name == l.name) {
            e.push(
                &format!("listener[{i}].name"),
                format!("duplicate listener name \"{}\"", l.name),
            );
        }
        if l.address.port() != 0 && listeners[..i].iter().any(|o| o.address == l.address) {
            e.push(
                &format!("listener[{i}].address"),
                format!("address {} is already used", l.address),
            );
        }
    }
}

/// A list of networks at `key`, each error naming its index.
fn nets(key: &str, list: Option<&[String]>, e: &mut Errors) -> Vec<ipnet::IpNet> {
    list.unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(j, n)| parse_net(n, &format!("{key}[{j}]"), e))
        .collect()
}

fn parse_net(text: &str, key: &str, e: &mut Errors) -> Option<ipnet::IpNet> {
    if let Ok(n) = text.parse::<ipnet::IpNet>() {
        return Some(n);
    }
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return Some(ipnet::IpNet::from(ip));
    }
    e.push(
        key,
        format!("expected an address or network such as \"10.0.0.0/8\", got \"{text}\""),
    );
    None
}

fn parse_fingerprint(text: &str, key: &str, e: &mut Errors) -> Option<[u8; 32]> {
    let hexed: String = text
        .trim_start_matches("sha256:")
        .chars()
        .filter(|c| *c != ':')
        .collect();
    match hex::decode(&hexed)
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
    {
        Some(f) => Some(f),
        None => {
            e.push(
                key,
                format!("expected a SHA-256 fingerprint (64 hex digits), got \"{text}\""),
            );
            None
        }
    }
}

fn tls(r: RawTls, server: &ServerConfig, e: &mut Errors) -> TlsConfig {
    if r.cert.is_some() != r.key.is_some() {
        let missing = if r.cert.is_some() {
            "tls.key"
        } else {
            "tls.cert"
        };
        e.push(
            missing,
            "tls.cert and tls.key must be given together (or neither, for a self-signed pair)",
        );
    }
    TlsConfig {
        cert: r.cert.map(PathBuf::from),
        key: r.key.map(PathBuf::from),
        self_signed_dir: server.spool_dir.join("tls"),
    }
}

fn route(i: usize, r: RawRoute, e: &mut Errors) -> RouteConfig {
    let key = |k: &str| format!("route[{i}].{k}");
    let domains: Vec<String> = r
        .domains
        .unwrap_or_default()
        .iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    if domains.is_empty() {
        e.push(&key("domains"), "expected \"*\" or a list of domains");
    }
    let outbox = r.outbox.as_deref().map(PathBuf::from);
    let (host, port) = match r.host.as_deref() {
        None if outbox.is_some() => (String::new(), 0),
        None => {
            e.push(
                &key("host"),
                "missing; expected \"HOST:PORT\" or \"HOST\" (or outbox = \"DIR\")",
            );
            (String::new(), 25)
        }
        Some(_) if outbox.is_some() => {
            e.push(
                &key("outbox"),
                "a route has either host or outbox, not both",
            );
            (String::new(), 25)
        }
        Some(h) => split_host_port(h).unwrap_or_else(|| {
            e.push(
                &key("host"),
                format!("expected \"HOST:PORT\" or \"HOST\", got \"{h}\""),
            );
            (String::new(), 25)
        }),
    };
    let tls = e.choice(
        &key("tls"),
        r.tls.as_deref(),
        RouteTls::Opportunistic,
        &[
            ("none", RouteTls::None),
            ("opportunistic", RouteTls::Opportunistic),
            ("required", RouteTls::Required),
        ],
    );
    if outbox.is_some() && r.tls.is_some() {
        e.push(&key("tls"), "not used with outbox (a local directory)");
    }
    if outbox.as_ref().is_some_and(|o| o.as_os_str().is_empty()) {
        e.push(&key("outbox"), "expected a directory path, got \"\"");
    }
    RouteConfig {
        domains,
        host,
        port,
        tls,
        outbox,
    }
}

/// "host", "host:port", "[v6]:port" or "v6".
fn split_host_port(h: &str) -> Option<(String, u16)> {
    if h.is_empty() || h.contains(char::is_whitespace) {
        return None;
    }
    if let Ok(sa) = h.parse::<SocketAddr>() {
        return Some((sa.ip().to_string(), sa.port()));
    }
    if h.parse::<std::net::IpAddr>().is_ok() {
        return Some((h.to_string(), 25));
    }
    match h.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !host.contains(':') => {
            port.parse().ok().map(|p| (host.to_string(), p))
        }
        None => Some((h.to_string(), 25)),
        _ => None,
    }
}

fn limits(r: RawLimits, e: &mut Errors) -> Limits {
    let k = |s: &str| format!("limits.{s}");
    Limits {
        max_message_size: e.count(
            &k("max_message_size"),
            r.max_message_size,
            d::MAX_MESSAGE_SIZE,
            1024,
            1 << 31,
        ),
        max_recipients: e.count(
            &k("max_recipients"),
            r.max_recipients,
            d::MAX_RECIPIENTS,
            100,
            100_000,
        ),
        max_line_length: e.count(
            &k("max_line_length"),
            r.max_line_length,
            d::MAX_LINE_LENGTH,
            1000,
            1_000_000,
        ),
        max_command_line: e.count(
            &k("max_command_line"),
            r.max_command_line,
            d::MAX_COMMAND_LINE,
            512,
            65536,
        ),
        max_connections: e.count(
            &k("max_connections"),
            r.max_connections,
            d::MAX_CONNECTIONS,
            1,
            1_000_000,
        ),
        max_connections_per_ip: e.count(
            &k("max_connections_per_ip"),
            r.max_connections_per_ip,
            d::MAX_CONNECTIONS_PER_IP,
            1,
            1_000_000,
        ),
        max_errors: e.count(&k("max_errors"), r.max_errors, d::MAX_ERRORS, 1, 1000),
        command_timeout: e.duration(
            &k("command_timeout"),
            r.command_timeout.as_ref(),
            d::COMMAND_TIMEOUT,
        ),
        data_timeout: e.duration(&k("data_timeout"), r.data_timeout.as_ref(), d::DATA_TIMEOUT),
        auth_failures_per_ip: e.count(
            &k("auth_failures_per_ip"),
            r.auth_failures_per_ip,
            d::AUTH_FAILURES_PER_IP as usize,
            1,
            1_000_000,
        ) as u32,
        auth_failures_per_user: e.count(
            &k("auth_failures_per_user"),
            r.auth_failures_per_user,
            d::AUTH_FAILURES_PER_USER as usize,
            1,
            1_000_000,
        ) as u32,
        auth_failures_per_ip_user: e.count(
            &k("auth_failures_per_ip_user"),
            r.auth_failures_per_ip_user,
            d::AUTH_FAILURES_PER_IP_USER as usize,
            1,
            1_000_000,
        ) as u32,
        auth_failure_window: e.duration(
            &k("auth_failure_window"),
            r.auth_failure_window.as_ref(),
            d::AUTH_FAILURE_WINDOW,
        ),
        auth_known_good_for: e.duration(
            &k("auth_known_good_for"),
            r.auth_known_good_for.as_ref(),
            d::AUTH_KNOWN_GOOD_FOR,
        ),
    }
}

/// `ip` or `ip:port` (port 53 by default).
fn dns_servers(list: Vec<String>, e: &mut Errors) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let parsed = s.parse::<SocketAddr>().or_else(|_| {
            s.parse::<std::net::IpAddr>()
                .map(|ip| SocketAddr::new(ip, 53))
        });
        match parsed {
            Ok(a) => out.push(a),
            Err(_) => e.push(
                &format!("delivery.dns_servers[{i}]"),
                format!("expected an IP address or ip:port, got \"{s}\""),
            ),
        }
    }
    out
}

fn delivery(r: RawDelivery, server: &ServerConfig, e: &mut Errors) -> DeliveryConfig {
    let k = |s: &str| format!("delivery.{s}");
    let retry_schedule = match &r.retry_schedule {
        Some(list) if list.is_empty() => {
            e.push(&k("retry_schedule"), "expected at least one duration");
            vec![Duration::from_secs(60)]
        }
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, s)| e.duration(&format!("{}[{i}]", k("retry_schedule")), Some(s), "1m"))
            .collect(),
        None => d::RETRY_SCHEDULE
            .iter()
            .map(|s| humantime::parse_duration(s).unwrap_or(Duration::from_secs(60)))
            .collect(),
    };
    DeliveryConfig {
        workers: e.count(&k("workers"), r.workers, d::WORKERS, 1, 10_000),
        nice: e.count(&k("nice"), r.nice, d::DELIVERY_NICE, 0, 19) as i32,
        concurrency_per_destination: e.count(
            &k("concurrency_per_destination"),
            r.concurrency_per_destination,
            d::CONCURRENCY_PER_DESTINATION,
            1,
            10_000,
        ),
        retry_schedule,
        max_lifetime: e.duration(&k("max_lifetime"), r.max_lifetime.as_ref(), d::MAX_LIFETIME),
        delay_dsn_after: r
            .delay_dsn_after
            .as_ref()
            .map(|v| e.duration(&k("delay_dsn_after"), Some(v), "4h")),
        connect_timeout: e.duration(
            &k("connect_timeout"),
            r.connect_timeout.as_ref(),
            d::CONNECT_TIMEOUT,
        ),
        command_timeout: e.duration(
            &k("command_timeout"),
            r.command_timeout.as_ref(),
            d::CLIENT_COMMAND_TIMEOUT,
        ),
        data_timeout: e.duration(
            &k("data_timeout"),
            r.data_timeout.as_ref(),
            d::CLIENT_DATA_TIMEOUT,
        ),
        idle_connection_timeout: e.duration(
            &k("idle_connection_timeout"),
            r.idle_connection_timeout.as_ref(),
            d::IDLE_CONNECTION_TIMEOUT,
        ),
        ca_file: r.ca_file.map(PathBuf::from),
        helo_name: r.helo_name.unwrap_or_else(|| server.hostname.clone()),
        mx_port: e.count(&k("mx_port"), r.mx_port, d::MX_PORT as usize, 1, 65535) as u16,
        dns_servers: dns_servers(r.dns_servers.unwrap_or_default(), e),
    }
}

/// An HTTP listener's `listen`: "IP:PORT", or "off" for none.
fn listen_or_off(key: &str, value: &str, e: &mut Errors) -> Option<SocketAddr> {
    if value == "off" {
        return None;
    }
    match value.parse::<SocketAddr>() {
        Ok(sa) => Some(sa),
        Err(_) => {
            e.push(
                key,
                format!("expected \"IP:PORT\" or \"off\", got \"{value}\""),
            );
            None
        }
    }
}

/// `[portal]`; `secure.portal_url` is an older name of `public_url`.
fn portal(
    r: RawPortal,
    alias: Option<&str>,
    server: &ServerConfig,
    e: &mut Errors,
) -> PortalConfig {
    let k = |s: &str| format!("portal.{s}");
    let listen = listen_or_off(
        &k("listen"),
        r.listen.as_deref().unwrap_or(d::PORTAL_LISTEN),
        e,
    );
    let tls = e.choice(
        &k("tls"),
        r.tls.as_deref(),
        PortalTls::Implicit,
        &[("implicit", PortalTls::Implicit), ("none", PortalTls::None)],
    );
    let (url_key, given) = match (&r.public_url, alias) {
        (Some(u), _) => (k("public_url"), Some(u.clone())),
        (None, Some(a)) => ("secure.portal_url".to_string(), Some(a.to_string())),
        (None, None) => (k("public_url"), None),
    };
    // Without a public URL the link's base comes from the listener; with
    // neither (or a wildcard listener) there is none, and portal delivery
    // waits instead of sending links that point nowhere.
    let public_url = match (given, listen) {
        (Some(u), _) => u,
        (None, Some(addr)) if addr.ip().is_unspecified() => {
            e.push(
                &k("public_url"),
                format!("required when portal.listen is the wildcard address {addr}"),
            );
            String::new()
        }
        (None, Some(addr)) => {
            let scheme = if tls == PortalTls::Implicit {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{addr}")
        }
        (None, None) => String::new(),
    }
    .trim_end_matches('/')
    .to_string();
    let loopback_http = ["http://127.", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| public_url.starts_with(p));
    if !public_url.is_empty() && !public_url.starts_with("https://") && !loopback_http {
        e.push(
            &url_key,
            format!("expected an https:// URL, got \"{public_url}\""),
        );
    }
    let trusted_proxies = r
        .trusted_proxies
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p.parse::<ipnet::IpNet>() {
            Ok(n) => Some(n),
            Err(_) => p
                .parse::<std::net::IpAddr>()
                .map(ipnet::IpNet::from)
                .ok()
                .or_else(|| {
                    e.push(
                        &format!("portal.trusted_proxies[{i}]"),
                        format!("expected an IP address or CIDR network, got \"{p}\""),
                    );
                    None
                }),
        })
        .collect();
    let proxy_protocol_from = nets(
        "portal.proxy_protocol_from",
        r.proxy_protocol_from.as_deref(),
        e,
    );
    PortalConfig {
        proxy_protocol_from,
        listen,
        tls,
        public_url,
        organisation: r
            .organisation
            .unwrap_or_else(|| d::PORTAL_ORGANISATION.to_string()),
        code_ttl: e.duration(&k("code_ttl"), r.code_ttl.as_ref(), d::PORTAL_CODE_TTL),
        session_idle: e.duration(
            &k("session_idle"),
            r.session_idle.as_ref(),
            d::PORTAL_SESSION_IDLE,
        ),
        max_code_attempts: e.count(
            &k("max_code_attempts"),
            r.max_code_attempts,
            d::PORTAL_MAX_CODE_ATTEMPTS,
            1,
            100,
        ) as u32,
        lockout: e.duration(&k("lockout"), r.lockout.as_ref(), d::PORTAL_LOCKOUT),
        templates: r.templates.map(PathBuf::from),
        reply: r.reply.unwrap_or(d::PORTAL_REPLY),
        trusted_proxies,
        key_file: r
            .key_file
            .map(PathBuf::from)
            .unwrap_or_else(|| server.spool_dir.join("portal.key")),
        resend: r.resend.unwrap_or(d::PORTAL_RESEND),
        device_trust: match r.device_trust.as_deref() {
            Some("off") => Duration::ZERO,
            other => e.duration(
                &k("device_trust"),
                other.map(str::to_string).as_ref(),
                d::PORTAL_DEVICE_TRUST,
            ),
        },
        code_requests_per_hour: e.count(
            &k("code_requests_per_hour"),
            r.code_requests_per_hour,
            d::PORTAL_CODE_REQUESTS_PER_HOUR,
            1,
            100,
        ) as u32,
        max_reply_size: e.count(
            &k("max_reply_size"),
            r.max_reply_size,
            d::PORTAL_MAX_REPLY_SIZE,
            1024,
            1 << 30,
        ),
        posts_per_minute: e.count(
            &k("posts_per_minute"),
            r.posts_per_minute,
            d::PORTAL_POSTS_PER_MINUTE,
            1,
            100_000,
        ) as u32,
        notify_sender_on_read: r.notify_sender_on_read.unwrap_or(false),
        from_address: portal_from(r.from_address, server, e),
        logo: r.logo.map(PathBuf::from),
        accent_colour: accent(r.accent_colour, e),
        support: r.support,
    }
}

fn portal_from(given: Option<String>, server: &ServerConfig, e: &mut Errors) -> String {
    let a = given.unwrap_or_else(|| format!("portal@{}", server.hostname));
    let ok = a
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') || d == "localhost")
        && !a.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
    if !ok {
        e.push(
            "portal.from_address",
            format!("expected an address such as \"portal@example.org\", got \"{a}\""),
        );
    }
    a
}

/// `#rrggbb` only: it goes into the stylesheet.
fn accent(given: Option<String>, e: &mut Errors) -> String {
    let c = given.unwrap_or_else(|| d::PORTAL_ACCENT_COLOUR.to_string());
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        e.push(
            "portal.accent_colour",
            format!("expected a colour \"#rrggbb\", got \"{c}\""),
        );
    }
    c
}

/// `[api]`: the REST API listener, credentials and webhooks.
fn api(r: RawApi, server: &ServerConfig, e: &mut Errors) -> ApiConfig {
    let k = |s: &str| format!("api.{s}");
    let listen = listen_or_off(
        &k("listen"),
        r.listen.as_deref().unwrap_or(d::API_LISTEN),
        e,
    );
    let tls = e.choice(
        &k("tls"),
        r.tls.as_deref(),
        ApiTls::Implicit,
        &[("implicit", ApiTls::Implicit), ("none", ApiTls::None)],
    );
    // Plain HTTP carries API secrets and PHI: loopback only, unless the
    // operator says a TLS proxy is in front.
    if let Some(addr) = listen
        && tls == ApiTls::None
        && !addr.ip().is_loopback()
        && !r.behind_tls_proxy.unwrap_or(false)
    {
        e.push(
            &k("tls"),
            format!(
                "\"none\" would send API keys and messages in clear on {addr}: use a loopback \
                 listen address, or set api.behind_tls_proxy = true when a TLS proxy is in front"
            ),
        );
    }
    let default_max = parse_size(d::API_MAX_REQUEST).unwrap_or(50_000_000);
    let max_request = match &r.max_request {
        None => default_max,
        Some(v) => {
            let parsed = match v {
                toml::Value::String(t) => parse_size(t),
                toml::Value::Integer(n) => usize::try_from(*n).ok(),
                _ => None,
            };
            match parsed {
                Some(n) if (1024..=1 << 32).contains(&n) => n,
                _ => {
                    e.push(
                        &k("max_request"),
                        format!(
                            "expected a size from 1KiB to 4GiB such as \"50MB\" or \"35MiB\", got {v}"
                        ),
                    );
                    default_max
                }
            }
        }
    };
    let default_rate = match r.default_rate.as_deref() {
        None => Rate::parse(d::API_DEFAULT_RATE).unwrap_or(Rate { per_second: 100.0 }),
        Some(t) => Rate::parse(t).unwrap_or_else(|| {
            e.push(
                &k("default_rate"),
                format!("expected a rate such as \"50/s\" or \"600/m\", got \"{t}\""),
            );
            Rate { per_second: 100.0 }
        }),
    };
    let token_ttl = e.duration(&k("token_ttl"), r.token_ttl.as_ref(), d::API_TOKEN_TTL);
    if token_ttl < Duration::from_secs(10) || token_ttl > Duration::from_secs(24 * 3600) {
        e.push(
            &k("token_ttl"),
            format!(
                "expected from 10s to 24h, got \"{}\"",
                humantime::format_duration(token_ttl)
            ),
        );
    }
    let webhook_timeout = e.duration(
        &k("webhook_timeout"),
        r.webhook_timeout.as_ref(),
        d::API_WEBHOOK_TIMEOUT,
    );
    if webhook_timeout.is_zero() || webhook_timeout > Duration::from_secs(120) {
        e.push(
            &k("webhook_timeout"),
            format!(
                "expected from 1s to 2m, got \"{}\"",
                humantime::format_duration(webhook_timeout)
            ),
        );
    }
    ApiConfig {
        listen,
        tls,
        max_request,
        token_ttl,
        key_file: r
            .key_file
            .map(PathBuf::from)
            .unwrap_or_else(|| server.spool_dir.join("api.key")),
        idempotency_ttl: e.duration(
            &k("idempotency_ttl"),
            r.idempotency_ttl.as_ref(),
            d::API_IDEMPOTENCY_TTL,
        ),
        webhook_timeout,
        webhook_concurrency: e.count(
            &k("webhook_concurrency"),
            r.webhook_concurrency,
            d::API_WEBHOOK_CONCURRENCY,
            1,
            64,
        ),
        webhook_max_age: e.duration(
            &k("webhook_max_age"),
            r.webhook_max_age.as_ref(),
            d::API_WEBHOOK_MAX_AGE,
        ),
        webhook_retry_base: e.duration(
            &k("webhook_retry_base"),
            r.webhook_retry_base.as_ref(),
            d::API_WEBHOOK_RETRY_BASE,
        ),
        webhook_retry_max: e.duration(
            &k("webhook_retry_max"),
            r.webhook_retry_max.as_ref(),
            d::API_WEBHOOK_RETRY_MAX,
        ),
        webhook_allow_http: r.webhook_allow_http.unwrap_or(false),
        webhook_hash_recipients: r.webhook_hash_recipients.unwrap_or(false),
        default_rate,
        proxy_protocol_from: nets(
            "api.proxy_protocol_from",
            r.proxy_protocol_from.as_deref(),
            e,
        ),
    }
}

/// `[store]`: embedded (sled) or a PostgreSQL database shared by nodes.
fn store(r: RawStore, server: &ServerConfig, e: &mut Errors) -> StoreConfig {
    let k = |s: &str| format!("store.{s}");
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Embedded,
        Postgres,
    }
    let kind = e.choice(
        &k("backend"),
        Some(r.backend.as_deref().unwrap_or(d::STORE_BACKEND)),
        Kind::Embedded,
        &[("embedded", Kind::Embedded), ("postgres", Kind::Postgres)],
    );
    let node_name = match r.node_name {
        None => server.hostname.clone(),
        Some(n) => {
            let ok = !n.is_empty()
                && n.len() <= 63
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !ok {
                e.push(
                    &k("node_name"),
                    format!(
                        "expected 1 to 63 letters, digits, \"-\", \"_\" or \".\", got \"{}\"",
                        n.chars().take(80).collect::<String>()
                    ),
                );
            }
            n
        }
    };
    let pool_size = e.count(&k("pool_size"), r.pool_size, d::STORE_POOL_SIZE, 1, 1000);
    let connect_timeout = e.duration(
        &k("connect_timeout"),
        r.connect_timeout.as_ref(),
        d::STORE_CONNECT_TIMEOUT,
    );
    if connect_timeout.is_zero() || connect_timeout > Duration::from_secs(300) {
        e.push(
            &k("connect_timeout"),
            format!(
                "expected from 1s to 5m, got \"{}\"",
                humantime::format_duration(connect_timeout)
            ),
        );
    }
    let backend = match kind {
        Kind::Embedded => {
            for (key, set) in [
                ("url", r.url.is_some()),
                ("password_file", r.password_file.is_some()),
                ("ca_file", r.ca_file.is_some()),
            ] {
                if set {
                    e.push(&k(key), "only used with backend = \"postgres\"");
                }
            }
            StoreBackend::Embedded
        }
        Kind::Postgres => {
            let url = r.url.unwrap_or_default();
            if url.is_empty() {
                e.push(
                    &k("url"),
                    "required with backend = \"postgres\", e.g. \"postgres://sealpost@127.0.0.1:5432/sealpost\"",
                );
            } else if let Err(why) = check_postgres_url(&url) {
                e.push(&k("url"), why);
            }
            StoreBackend::Postgres(PostgresConfig {
                url,
                password_file: r.password_file.map(PathBuf::from),
                pool_size,
                connect_timeout,
                ca_file: r.ca_file.map(PathBuf::from),
            })
        }
    };
    StoreConfig { backend, node_name }
}

/// A `postgres://` or `postgresql://` URL that names a host; the error
/// never repeats the URL (it may carry a password).
fn check_postgres_url(url: &str) -> Result<(), String> {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return Err("expected a URL starting with \"postgres://\"".into());
    };
    let auth = rest.split(['/', '?']).next().unwrap_or("");
    let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    if host.is_empty() {
        return Err("the URL names no host (\"postgres://user@HOST:5432/db\")".into());
    }
    if url.parse::<tokio_postgres::Config>().is_err() {
        return Err("not a valid PostgreSQL connection URL".into());
    }
    Ok(())
}
