use super::*;

fn check(text: &str) -> Result<Config, Vec<String>> {
    Config::from_toml(text, Path::new("t.toml")).map_err(|e| e.lines())
}

const MINIMAL: &str = r#"
[server]
hostname = "relay.example.org"
spool_dir = "./var/spool"

[[listener]]
name = "submission"
address = "127.0.0.1:2587"
tls = "starttls"
auth = "optional"
allow_relay_from = ["127.0.0.1/32"]
default_priority = 4

[tls]
cert = "conf/tls/cert.pem"
key = "conf/tls/key.pem"

[[route]]
domains = ["*"]
host = "127.0.0.1:2600"
tls = "opportunistic"
"#;

#[test]
fn the_contract_example_parses() {
    let c = check(MINIMAL).expect("valid");
    assert_eq!(c.server.hostname, "relay.example.org");
    assert_eq!(c.listeners[0].tls, ListenerTls::StartTls);
    assert_eq!(c.routes[0].port, 2600);
    assert_eq!(
        c.route_for("any.example").map(|r| r.host.as_str()),
        Some("127.0.0.1")
    );
}

#[test]
fn every_error_is_reported_with_its_key_path() {
    let text = MINIMAL
        .replace("tls = \"starttls\"", "tls = \"yes\"")
        .replace("default_priority = 4", "default_priority = 12")
        .replace("tls = \"opportunistic\"", "tls = \"maybe\"");
    let errs = check(&text).expect_err("invalid");
    assert_eq!(
        errs,
        vec![
            "t.toml: listener[0].tls: expected \"none\", \"starttls\" or \"implicit\", got \"yes\"",
            "t.toml: listener[0].default_priority: expected a number from 0 to 9, got 12",
            "t.toml: route[0].tls: expected \"none\", \"opportunistic\" or \"required\", got \"maybe\"",
        ]
    );
}

#[test]
fn bad_network_and_duration_name_their_keys() {
    let text =
        MINIMAL.replace("127.0.0.1/32", "not-a-net") + "[limits]\ncommand_timeout = \"soon\"\n";
    let errs = check(&text).expect_err("invalid");
    assert_eq!(
        errs,
        vec![
            "t.toml: listener[0].allow_relay_from[0]: expected an address or network such as \"10.0.0.0/8\", got \"not-a-net\"",
            "t.toml: limits.command_timeout: expected a duration such as \"30s\", \"15m\" or \"5d\", got \"soon\"",
        ]
    );
}

#[test]
fn unknown_key_is_a_parse_error_naming_the_key() {
    let errs = check(&(MINIMAL.to_string() + "[server2]\nx = 1\n")).expect_err("invalid");
    assert!(errs[0].contains("unknown field `server2`"), "{errs:?}");
}

#[test]
fn cert_without_key_is_rejected() {
    let errs = check(&MINIMAL.replace("key = \"conf/tls/key.pem\"", "")).expect_err("invalid");
    assert_eq!(
        errs,
        vec![
            "t.toml: tls.key: tls.cert and tls.key must be given together (or neither, for a self-signed pair)"
        ]
    );
}

#[test]
fn specific_route_wins_over_wildcard() {
    let text = MINIMAL.to_string()
        + "[[route]]\ndomains = [\"Partner.example\"]\nhost = \"mx.partner.example\"\ntls = \"required\"\n";
    let c = check(&text).expect("valid");
    let r = c.route_for("partner.EXAMPLE").expect("route");
    assert_eq!(
        (r.host.as_str(), r.port, r.tls),
        ("mx.partner.example", 25, RouteTls::Required)
    );
}

#[test]
fn secure_signers_dns_servers_and_lookups_are_validated() {
    let text = MINIMAL.to_string()
        + "[secure]\nsmime_signing_cert = \"org.pem\"\nhttps_port = 0\nlookup_timeout = \"soon\"\n\
           [delivery]\ndns_servers = [\"127.0.0.1:5353\", \"::1\", \"resolver.local\"]\n";
    let errs = check(&text).expect_err("invalid");
    for key in [
        "secure.smime_signing_key: missing",
        "secure.https_port:",
        "secure.lookup_timeout:",
        "delivery.dns_servers[2]: expected an IP address",
    ] {
        assert!(errs.iter().any(|e| e.contains(key)), "{key}: {errs:?}");
    }
    let text = MINIMAL.to_string()
        + "[secure]\nsmime_signing_cert = \"o.pem\"\nsmime_signing_key = \"o.key\"\n\
           smime_gcm_domains = [\"Partner.Example\"]\n\
           [delivery]\ndns_servers = [\"127.0.0.1:5353\", \"::1\"]\n";
    let c = check(&text).expect("valid");
    assert_eq!(c.delivery.dns_servers.len(), 2);
    assert_eq!(c.delivery.dns_servers[1].port(), 53);
    assert_eq!(c.secure.smime_gcm_domains, ["partner.example"]);
    assert!(c.secure.smime_signer.is_some() && c.secure.mta_sts && !c.secure.dane);
}

#[test]
fn per_domain_orders_win_over_rule_and_default() {
    let text = MINIMAL.to_string()
        + "[secure]\norder = [\"pgp\", \"portal\"]\n\
           [[secure.domain]]\ndomains = [\"Partner.Example\"]\norder = [\"smime\"]\n";
    let c = check(&text).expect("valid");
    let rule = vec!["tls".to_string(), "portal".to_string()];
    assert_eq!(
        c.secure.order_for("partner.example", Some(&rule)),
        ["smime"]
    );
    assert_eq!(
        c.secure.order_for("other.example", Some(&rule)),
        ["tls", "portal"]
    );
    assert_eq!(c.secure.order_for("other.example", None), ["pgp", "portal"]);
    let bad = MINIMAL.to_string() + "[[secure.domain]]\ndomains = []\norder = [\"fax\"]\n";
    let errs = check(&bad).expect_err("invalid");
    for key in ["secure.domain[0].domains", "secure.domain[0].order[0]"] {
        assert!(errs.iter().any(|e| e.contains(key)), "{key}: {errs:?}");
    }
}

#[test]
fn an_outbox_route_needs_no_host_and_refuses_host_or_tls_beside_it() {
    let ok = MINIMAL.replace(
        "host = \"127.0.0.1:2600\"\ntls = \"opportunistic\"",
        "outbox = \"./var/outbox\"",
    );
    let c = check(&ok).expect("valid");
    assert_eq!(
        c.routes[0].outbox.as_deref(),
        Some(Path::new("./var/outbox"))
    );
    let both = MINIMAL.replace(
        "tls = \"opportunistic\"",
        "tls = \"opportunistic\"\noutbox = \"./o\"",
    );
    assert_eq!(
        check(&both).expect_err("invalid"),
        vec![
            "t.toml: route[0].outbox: a route has either host or outbox, not both",
            "t.toml: route[0].tls: not used with outbox (a local directory)",
        ]
    );
    let neither = MINIMAL.replace("host = \"127.0.0.1:2600\"\n", "");
    assert_eq!(
        check(&neither).expect_err("invalid"),
        vec![
            "t.toml: route[0].host: missing; expected \"HOST:PORT\" or \"HOST\" (or outbox = \"DIR\")"
        ]
    );
}

#[test]
fn portal_public_url_comes_from_portal_then_the_secure_alias_then_listen() {
    let c = check(MINIMAL).expect("valid");
    assert_eq!(c.portal.listen, None);
    assert_eq!(c.portal.public_url, "", "no portal: no link base");
    let wildcard = format!("{MINIMAL}\n[portal]\nlisten = \"0.0.0.0:8443\"\n");
    assert_eq!(
        check(&wildcard).expect_err("invalid"),
        [
            "t.toml: portal.public_url: required when portal.listen is the wildcard address 0.0.0.0:8443"
        ]
    );
    let listen = format!("{MINIMAL}\n[portal]\nlisten = \"127.0.0.1:9443\"\ntls = \"none\"\n");
    assert_eq!(
        check(&listen).expect("valid").portal.public_url,
        "http://127.0.0.1:9443"
    );
    assert_eq!(c.secure.portal_url, c.portal.public_url);
    let alias = format!("{MINIMAL}\n[secure]\nportal_url = \"https://secure.h.example/\"\n");
    assert_eq!(
        check(&alias).expect("valid").secure.portal_url,
        "https://secure.h.example"
    );
    let both = format!(
        "{MINIMAL}\n[secure]\nportal_url = \"https://old.example\"\n\
         [portal]\npublic_url = \"https://new.example\"\nlisten = \"off\"\n"
    );
    let c = check(&both).expect("valid");
    assert_eq!(
        (c.portal.public_url.as_str(), c.portal.listen),
        ("https://new.example", None)
    );
}

#[test]
fn portal_errors_name_their_keys() {
    let bad = format!(
        "{MINIMAL}\n[portal]\nlisten = \"everywhere\"\ntls = \"starttls\"\n\
         public_url = \"http://portal.example\"\nmax_code_attempts = 0\n\
         trusted_proxies = [\"nonsense\"]\n"
    );
    assert_eq!(
        check(&bad).expect_err("invalid"),
        vec![
            "t.toml: portal.listen: expected \"IP:PORT\" or \"off\", got \"everywhere\"",
            "t.toml: portal.tls: expected \"implicit\" or \"none\", got \"starttls\"",
            "t.toml: portal.public_url: expected an https:// URL, got \"http://portal.example\"",
            "t.toml: portal.trusted_proxies[0]: expected an IP address or CIDR network, got \"nonsense\"",
            "t.toml: portal.max_code_attempts: expected a number from 1 to 100, got 0",
        ]
    );
    let unknown = format!("{MINIMAL}\n[portal]\nlisten_on = \"x\"\n");
    let e = check(&unknown).expect_err("invalid").join("\n");
    assert!(e.contains("listen_on"), "{e}");
}

#[test]
fn api_defaults_to_off_and_bad_api_keys_are_named() {
    let c = check(MINIMAL).expect("valid");
    assert_eq!(c.api.listen, None);
    assert_eq!(c.api.max_request, 50_000_000);
    assert_eq!(c.api.token_ttl, Duration::from_secs(900));
    let on = format!(
        "{MINIMAL}\n[api]\nlisten = \"127.0.0.1:8025\"\ntls = \"none\"\nmax_request = \"2MiB\"\n"
    );
    let c = check(&on).expect("valid");
    assert_eq!(c.api.max_request, 2 << 20);
    assert_eq!(c.api.tls, ApiTls::None);
    let bad = format!(
        "{MINIMAL}\n[api]\nlisten = \"nowhere\"\ntls = \"yes\"\nmax_request = \"lots\"\ntoken_ttl = \"1s\"\ndefault_rate = \"fast\"\n"
    );
    let errs = check(&bad).expect_err("invalid");
    let want = [
        "t.toml: api.listen: expected \"IP:PORT\" or \"off\", got \"nowhere\"",
        "t.toml: api.tls: expected \"implicit\" or \"none\", got \"yes\"",
        "t.toml: api.max_request: expected a size from 1KiB to 4GiB such as \"50MB\" or \"35MiB\", got \"lots\"",
        "t.toml: api.default_rate: expected a rate such as \"50/s\" or \"600/m\", got \"fast\"",
        "t.toml: api.token_ttl: expected from 10s to 24h, got \"1s\"",
    ];
    for w in want {
        assert!(errs.iter().any(|e| e == w), "missing {w:?} in {errs:?}");
    }
}

#[test]
fn api_in_clear_only_on_loopback_or_behind_a_tls_proxy() {
    let open = format!("{MINIMAL}\n[api]\nlisten = \"0.0.0.0:8025\"\ntls = \"none\"\n");
    let errs = check(&open).expect_err("clear API on every address");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("t.toml: api.tls: \"none\" would send API keys")),
        "{errs:?}"
    );
    let proxied = format!("{open}behind_tls_proxy = true\n");
    assert_eq!(check(&proxied).expect("valid").api.tls, ApiTls::None);
    let tls = format!("{MINIMAL}\n[api]\nlisten = \"0.0.0.0:8025\"\n");
    assert_eq!(check(&tls).expect("valid").api.tls, ApiTls::Implicit);
}

#[test]
fn rates_and_sizes_parse() {
    assert_eq!(Rate::parse("50/s").map(|r| r.per_second), Some(50.0));
    assert_eq!(Rate::parse("600/m").map(|r| r.per_second), Some(10.0));
    assert_eq!(Rate::parse("0/s"), None);
    assert_eq!(Rate::parse("5"), None);
    assert_eq!(parse_size("50MB"), Some(50_000_000));
    assert_eq!(parse_size("1KiB"), Some(1024));
    assert_eq!(parse_size("12"), Some(12));
    assert_eq!(parse_size("MB"), None);
}

#[test]
fn store_defaults_to_embedded_and_names_the_node_after_the_host() {
    let c = check(MINIMAL).expect("valid");
    assert_eq!(c.store.backend, StoreBackend::Embedded);
    assert_eq!(c.store.node_name, "relay.example.org");
}

#[test]
fn the_postgres_store_contract_parses() {
    let text = format!(
        "{MINIMAL}\n[store]\nbackend = \"postgres\"\nurl = \"postgres://sealpost@127.0.0.1:5432/sealpost\"\npassword_file = \"/etc/sealpost/db-password\"\npool_size = 16\nnode_name = \"relay-a\"\n"
    );
    let c = check(&text).expect("valid");
    let StoreBackend::Postgres(pg) = &c.store.backend else {
        panic!("not postgres: {:?}", c.store.backend);
    };
    assert_eq!(pg.pool_size, 16);
    assert_eq!(
        pg.password_file.as_deref(),
        Some(Path::new("/etc/sealpost/db-password"))
    );
    assert_eq!(c.store.node_name, "relay-a");
}

#[test]
fn bad_store_settings_name_their_keys_and_never_echo_the_url() {
    let text = format!(
        "{MINIMAL}\n[store]\nbackend = \"mysql\"\npool_size = 0\nnode_name = \"relay a\"\nconnect_timeout = \"soon\"\n"
    );
    assert_eq!(
        check(&text).expect_err("invalid"),
        vec![
            "t.toml: store.backend: expected \"embedded\" or \"postgres\", got \"mysql\"",
            "t.toml: store.node_name: expected 1 to 63 letters, digits, \"-\", \"_\" or \".\", got \"relay a\"",
            "t.toml: store.pool_size: expected a number from 1 to 1000, got 0",
            "t.toml: store.connect_timeout: expected a duration such as \"30s\", \"15m\" or \"5d\", got \"soon\"",
        ]
    );
    let text = format!(
        "{MINIMAL}\n[store]\nbackend = \"postgres\"\nurl = \"mysql://root:hunter2@db/x\"\n"
    );
    let errs = check(&text).expect_err("invalid");
    assert_eq!(
        errs,
        vec!["t.toml: store.url: expected a URL starting with \"postgres://\""]
    );
    let text = format!("{MINIMAL}\n[store]\nbackend = \"postgres\"\n");
    assert!(
        check(&text).expect_err("invalid")[0]
            .starts_with("t.toml: store.url: required with backend = \"postgres\""),
    );
    let text = format!("{MINIMAL}\n[store]\nurl = \"postgres://db/x\"\n");
    assert_eq!(
        check(&text).expect_err("invalid"),
        vec!["t.toml: store.url: only used with backend = \"postgres\""]
    );
}

#[test]
fn a_postgres_url_password_is_redacted_in_debug_output() {
    assert_eq!(
        redact_url("postgres://sealpost:hunter2@db:5432/sealpost"),
        "postgres://sealpost:***@db:5432/sealpost"
    );
    assert_eq!(
        redact_url("postgres://sealpost@db/sealpost"),
        "postgres://sealpost@db/sealpost"
    );
    let text = format!(
        "{MINIMAL}\n[store]\nbackend = \"postgres\"\nurl = \"postgres://sealpost:hunter2@db/sealpost\"\n"
    );
    let c = check(&text).expect("valid");
    assert!(!format!("{:?}", c.store).contains("hunter2"));
}
