//! DANE for SMTP (RFC 7672): the MX host's certificate is authenticated by
//! DNSSEC-secure TLSA records at `_25._tcp.<mx host>` instead of (or as
//! well as) the web PKI.
//!
//! * Usable records (§3.1): DANE-EE(3) and DANE-TA(2), selectors Cert(0)
//!   and SPKI(1), matching Full(0), SHA2-256(1), SHA2-512(2). PKIX-TA(0)
//!   and PKIX-EE(1) are unusable for SMTP; records with unknown parameters
//!   are ignored. A TLSA RRset with no usable record means "no DANE"
//!   (mandatory TLS still applies: §2.2).
//! * DANE-EE(3): the server's own certificate (or key) matches; names and
//!   validity dates are not checked (§3.1.1).
//! * DANE-TA(2): a certificate the server sent in its chain matches; the
//!   chain is then verified with that certificate as the only trust anchor
//!   and the MX host name as the reference identifier (§3.2).
//! * The TLS handshake signatures are always verified.

use std::sync::Arc;

use aws_lc_rs::digest;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::dns::dnssec::Tlsa;
use crate::smtp::client::tls::AcceptAny;

const DANE_TA: u8 = 2;
const DANE_EE: u8 = 3;

/// The records RFC 7672 lets SMTP use.
pub fn usable(records: &[Tlsa]) -> Vec<Tlsa> {
    records
        .iter()
        .filter(|r| {
            matches!(r.usage, DANE_TA | DANE_EE)
                && r.selector <= 1
                && r.matching <= 2
                && !r.data.is_empty()
        })
        .cloned()
        .collect()
}

/// The TLSA owner name for an SMTP server on port 25.
pub fn tlsa_name(mx_host: &str) -> String {
    format!("_25._tcp.{}", mx_host.trim_end_matches('.'))
}

/// Does `cert` match `record` (selector + matching type)?
pub fn matches(record: &Tlsa, cert: &[u8]) -> bool {
    let selected: Vec<u8> = match record.selector {
        0 => cert.to_vec(),
        1 => match x509_parser::parse_x509_certificate(cert) {
            Ok((_, c)) => c.tbs_certificate.subject_pki.raw.to_vec(),
            Err(_) => return false,
        },
        _ => return false,
    };
    let hashed: Vec<u8> = match record.matching {
        0 => selected,
        1 => digest::digest(&digest::SHA256, &selected).as_ref().to_vec(),
        2 => digest::digest(&digest::SHA512, &selected).as_ref().to_vec(),
        _ => return false,
    };
    // Public data (the records are in the DNS): no constant-time need.
    hashed == record.data
}

/// A TLS client configuration that authenticates the server by `records`
/// (already filtered by [`usable`], non-empty).
pub fn client_config(base: &ClientConfig, records: Vec<Tlsa>) -> Arc<ClientConfig> {
    let mut config = base.clone();
    let provider = config.crypto_provider().clone();
    config
        .dangerous()
        .set_certificate_verifier(Arc::new(DaneVerifier {
            records,
            signatures: AcceptAny {
                provider: provider.clone(),
            },
            provider,
        }));
    Arc::new(config)
}

#[derive(Debug)]
struct DaneVerifier {
    records: Vec<Tlsa>,
    provider: Arc<CryptoProvider>,
    signatures: AcceptAny,
}

impl DaneVerifier {
    fn trust_anchor_chain(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut last = rustls::Error::General("no DANE-TA record matches the chain".into());
        for record in self.records.iter().filter(|r| r.usage == DANE_TA) {
            for (i, ta) in intermediates.iter().enumerate() {
                if !matches(record, ta.as_ref()) {
                    continue;
                }
                let mut roots = RootCertStore::empty();
                if roots.add(ta.clone().into_owned()).is_err() {
                    continue;
                }
                let verifier = WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    self.provider.clone(),
                )
                .build()
                .map_err(|e| rustls::Error::General(format!("DANE-TA verifier: {e}")))?;
                match verifier.verify_server_cert(
                    end_entity,
                    &intermediates[..i],
                    server_name,
                    ocsp,
                    now,
                ) {
                    Ok(v) => return Ok(v),
                    Err(e) => last = e,
                }
            }
        }
        Err(last)
    }
}

impl ServerCertVerifier for DaneVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let ee = self
            .records
            .iter()
            .filter(|r| r.usage == DANE_EE)
            .any(|r| matches(r, end_entity.as_ref()));
        if ee {
            return Ok(ServerCertVerified::assertion());
        }
        self.trust_anchor_chain(end_entity, intermediates, server_name, ocsp, now)
            .map_err(|e| {
                rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
                    rustls::OtherError(Arc::new(DaneMismatch(e.to_string()))),
                ))
            })
    }

    // The handshake signatures are checked exactly as for any session.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signatures.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.signatures.supported_verify_schemes()
    }
}

#[derive(Debug)]
struct DaneMismatch(String);

impl std::fmt::Display for DaneMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate does not match the TLSA records: {}", self.0)
    }
}

impl std::error::Error for DaneMismatch {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert() -> (Vec<u8>, Vec<u8>) {
        let key = rcgen::KeyPair::generate().expect("key");
        let c = rcgen::CertificateParams::new(vec!["mx.example.org".into()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        (c.der().to_vec(), key.public_key_der())
    }

    fn rec(usage: u8, selector: u8, matching: u8, data: Vec<u8>) -> Tlsa {
        Tlsa {
            usage,
            selector,
            matching,
            data,
        }
    }

    #[test]
    fn records_match_by_selector_and_matching_type() {
        let (der, spki) = cert();
        let sha256 = |b: &[u8]| digest::digest(&digest::SHA256, b).as_ref().to_vec();
        let sha512 = |b: &[u8]| digest::digest(&digest::SHA512, b).as_ref().to_vec();
        assert!(matches(&rec(3, 1, 1, sha256(&spki)), &der));
        assert!(matches(&rec(3, 1, 2, sha512(&spki)), &der));
        assert!(matches(&rec(3, 0, 1, sha256(&der)), &der));
        assert!(matches(&rec(3, 0, 0, der.clone()), &der));
        assert!(matches(&rec(3, 1, 0, spki.clone()), &der));
        let (other, _) = cert();
        assert!(!matches(&rec(3, 1, 1, sha256(&spki)), &other));
        assert!(!matches(&rec(3, 1, 9, sha256(&spki)), &der));
    }

    #[test]
    fn pkix_usages_and_unknown_parameters_are_unusable() {
        let d = vec![1u8; 32];
        let all = [
            rec(0, 1, 1, d.clone()),
            rec(1, 1, 1, d.clone()),
            rec(2, 1, 1, d.clone()),
            rec(3, 1, 1, d.clone()),
            rec(3, 2, 1, d.clone()),
            rec(3, 1, 3, d.clone()),
            rec(3, 1, 1, vec![]),
        ];
        let u = usable(&all);
        assert_eq!(u.iter().map(|r| r.usage).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(tlsa_name("MX.example.org."), "_25._tcp.MX.example.org");
    }
}
