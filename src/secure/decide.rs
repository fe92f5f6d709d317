//! Per-recipient choice of protection at delivery time ("adaptive
//! encryption"), pure so every path is unit-tested. Plaintext is never the
//! answer when the verdict asks for protection: without a usable method the
//! recipient is deferred.

use crate::spool::Protection;

/// How one recipient's copy leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// No protection required: opportunistic TLS.
    Plain,
    /// Only over verified TLS to the next hop.
    Tls,
    Pgp,
    Smime,
    /// Stored sealed in the portal; the recipient gets a notice with a link.
    Portal,
    /// Nothing allowed is possible now: wait and try again.
    Defer,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Plain => "plain",
            Method::Tls => "tls",
            Method::Pgp => "pgp",
            Method::Smime => "smime",
            Method::Portal => "portal",
            Method::Defer => "defer",
        }
    }
}

/// What is known about one recipient right now.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    pub pgp: bool,
    pub smime: bool,
    /// The domain is known to accept verified TLS (configured list or a
    /// `tls = "required"` route).
    pub verified_tls: bool,
}

/// The method and the reason, for the spool and the audit log.
pub fn choose(
    required: Protection,
    requiretls: bool,
    order: &[String],
    tls_satisfies_encrypt: bool,
    known: Known,
) -> (Method, &'static str) {
    match required {
        Protection::Encrypt => encrypt(order, tls_satisfies_encrypt, known),
        Protection::Tls => (Method::Tls, "verdict requires TLS"),
        Protection::None if requiretls => (Method::Tls, "client asked for REQUIRETLS"),
        Protection::None => (Method::Plain, "no protection required"),
    }
}

fn encrypt(order: &[String], tls_ok: bool, known: Known) -> (Method, &'static str) {
    for m in order {
        match m.as_str() {
            "pgp" if known.pgp => return (Method::Pgp, "recipient OpenPGP key known"),
            "smime" if known.smime => return (Method::Smime, "recipient S/MIME certificate known"),
            "tls" if tls_ok && known.verified_tls => {
                return (Method::Tls, "domain known to accept verified TLS");
            }
            "portal" => return (Method::Portal, "no recipient key known: secure portal"),
            _ => {}
        }
    }
    (Method::Defer, "no allowed protection method is available")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn encrypt_follows_the_order_and_falls_back_to_the_portal() {
        let o = order(&["pgp", "smime", "tls", "portal"]);
        let all = Known {
            pgp: true,
            smime: true,
            verified_tls: true,
        };
        assert_eq!(
            choose(Protection::Encrypt, false, &o, true, all).0,
            Method::Pgp
        );
        let smime = Known {
            smime: true,
            ..Known::default()
        };
        assert_eq!(
            choose(Protection::Encrypt, false, &o, true, smime).0,
            Method::Smime
        );
        let tls = Known {
            verified_tls: true,
            ..Known::default()
        };
        assert_eq!(
            choose(Protection::Encrypt, false, &o, true, tls).0,
            Method::Tls
        );
        assert_eq!(
            choose(Protection::Encrypt, false, &o, false, tls).0,
            Method::Portal
        );
        assert_eq!(
            choose(Protection::Encrypt, false, &o, true, Known::default()).0,
            Method::Portal
        );
    }

    #[test]
    fn a_partner_order_forces_smime_and_never_falls_to_plaintext() {
        let o = order(&["smime"]);
        let pgp_only = Known {
            pgp: true,
            verified_tls: true,
            ..Known::default()
        };
        assert_eq!(
            choose(Protection::Encrypt, false, &o, true, pgp_only).0,
            Method::Defer
        );
    }

    #[test]
    fn tls_and_none_verdicts() {
        let o = order(&["pgp", "portal"]);
        assert_eq!(
            choose(Protection::Tls, false, &o, true, Known::default()).0,
            Method::Tls
        );
        assert_eq!(
            choose(Protection::None, true, &o, true, Known::default()).0,
            Method::Tls
        );
        assert_eq!(
            choose(Protection::None, false, &o, true, Known::default()).0,
            Method::Plain
        );
    }
}
