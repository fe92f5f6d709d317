//! `sealpost dns records --domain D`: the DNS records a customer publishes
//! so that mail relayed by sealpost passes DMARC with their own domain.
//!
//! - DKIM: one TXT per selector of the domain, the public key derived from
//!   the private key file (so DNS always matches what signs). Retired
//!   selectors stay listed until their `retire_after` date.
//! - SPF (RFC 7208) for the bounce (Return-Path) domain, which is what SPF
//!   checks and what aligns under `aspf=r` with the From domain.
//! - The bounce domain itself: MX + SPF TXT pointing at the relay, or one
//!   CNAME to the relay host (a CNAME excludes other records at that name).
//! - DMARC (RFC 7489) at `_dmarc.<domain>`, relaxed alignment, quarantine.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::keygen::{quote_txt, txt_record_line};
use super::keys::LoadedKey;
use super::{DkimConfig, DkimError, check_domain};

/// Zone-file text (with `;` comments) for `domain`.
pub fn dns_records(
    domain: &str,
    dkim: &[DkimConfig],
    bounce_domain: Option<&str>,
    relay_hostname: &str,
) -> Result<String, DkimError> {
    check_domain("domain", domain)?;
    check_domain("relay host name", relay_hostname)?;
    if let Some(bounce) = bounce_domain {
        check_domain("bounce domain", bounce)?;
    }
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let relay = relay_hostname.trim_end_matches('.');
    let mut out = format!("; DNS records for {domain} (sending through {relay})\n");
    dkim_section(&domain, dkim, &mut out)?;
    match bounce_domain {
        Some(bounce) => bounce_section(bounce.trim_end_matches('.'), relay, &mut out),
        None => {
            let _ = writeln!(
                out,
                "\n; SPF: no bounce domain is configured, so the envelope sender is in \
                 {domain} itself.\n; Add \"a:{relay}\" to the existing SPF record of \
                 {domain}, e.g.\n{domain}. IN TXT \"v=spf1 a:{relay} ~all\""
            );
        }
    }
    let _ = writeln!(
        out,
        "\n; DMARC: relaxed alignment for DKIM and SPF; adjust rua to your report mailbox.\n\
         _dmarc.{domain}. IN TXT {}",
        quote_txt(&format!(
            "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc-reports@{domain}"
        ))
    );
    Ok(out)
}

/// One TXT per selector configured for `domain` (public key from the file).
fn dkim_section(domain: &str, dkim: &[DkimConfig], out: &mut String) -> Result<(), DkimError> {
    let now = SystemTime::now();
    let mut any = false;
    for (index, entry) in dkim.iter().enumerate() {
        if !entry
            .domain
            .trim_end_matches('.')
            .eq_ignore_ascii_case(domain)
        {
            continue;
        }
        any = true;
        let key = LoadedKey::from_file(&entry.key).map_err(|reason| DkimError::Key {
            index,
            path: entry.key.clone(),
            reason,
        })?;
        let status = match entry.retire_after {
            None => format!("active, {} ({} bits)", entry.algorithm, key.bits()),
            Some(t) if t > now => format!("retired: keep published until {}", ymd(t)),
            Some(t) => format!("retired since {}: may be removed from DNS", ymd(t)),
        };
        let _ = writeln!(out, "\n; DKIM selector {}: {status}", entry.selector);
        let _ = writeln!(
            out,
            "{}",
            txt_record_line(domain, &entry.selector, &key.dns_txt_value())
        );
    }
    if !any {
        let _ = writeln!(
            out,
            "\n; DKIM: no [[dkim]] entry for {domain}; create one with \
             `sealpost dkim keygen --domain {domain} --selector s1`"
        );
    }
    Ok(())
}

/// SPF and routing for the bounce (Return-Path) domain.
fn bounce_section(bounce: &str, relay: &str, out: &mut String) {
    let _ = writeln!(
        out,
        "\n; Bounce (Return-Path) domain {bounce}: SPF is checked here and aligns \
         with the From domain (aspf=r).\n\
         ; Either MX + SPF:\n\
         {bounce}. IN MX 10 {relay}.\n\
         {bounce}. IN TXT {}\n\
         ; or, instead of both, one CNAME (sealpost then publishes MX/SPF at {relay}):\n\
         ; {bounce}. IN CNAME {relay}.",
        quote_txt(&format!("v=spf1 a:{relay} -all"))
    );
}

/// `YYYY-MM-DD` (UTC) of a time, for comments (civil-from-days, H. Hinnant).
fn ymd(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::{Algorithm, keygen};
    use std::time::Duration;

    #[test]
    fn ymd_formats_known_dates() {
        assert_eq!(ymd(UNIX_EPOCH), "1970-01-01");
        assert_eq!(
            ymd(UNIX_EPOCH + Duration::from_secs(1_798_675_200)),
            "2026-12-31"
        );
        assert_eq!(
            ymd(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29"
        );
    }

    #[test]
    fn records_cover_dkim_spf_dmarc_and_bounce_domain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mk = |sel: &str, alg, retire| {
            let key = dir.path().join(format!("{sel}.pem"));
            let line = keygen("customer.example", sel, alg, &key).expect("keygen");
            (
                DkimConfig {
                    domain: "customer.example".into(),
                    selector: sel.into(),
                    key,
                    algorithm: alg,
                    expire: None,
                    retire_after: retire,
                },
                line,
            )
        };
        let future = SystemTime::now() + Duration::from_secs(86_400 * 30);
        let (a, line_a) = mk("s2026", Algorithm::RsaSha256, None);
        let (b, line_b) = mk("s2025", Algorithm::RsaSha256, Some(future));
        let (c, line_c) = mk("e2026", Algorithm::Ed25519Sha256, None);
        let text = dns_records(
            "customer.example",
            &[a, b, c],
            Some("bounces.customer.example"),
            "relay.sealpost.example",
        )
        .expect("records");
        for line in [line_a, line_b, line_c] {
            assert!(text.contains(&line), "missing {line} in\n{text}");
        }
        assert!(text.contains("retired: keep published until"), "{text}");
        assert!(
            text.contains(
                "bounces.customer.example. IN TXT \"v=spf1 a:relay.sealpost.example -all\""
            )
        );
        assert!(text.contains("bounces.customer.example. IN MX 10 relay.sealpost.example."));
        assert!(text.contains("; bounces.customer.example. IN CNAME relay.sealpost.example."));
        assert!(text.contains(
            "_dmarc.customer.example. IN TXT \"v=DMARC1; p=quarantine; adkim=r; aspf=r; \
             rua=mailto:dmarc-reports@customer.example\""
        ));
    }
}
