//! The production resolver: hickory with the system's (or configured)
//! name servers; DNSSEC answers (AD bit) trusted only from a resolver on
//! the loopback interface.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};

use super::{Authenticated, LookupError, MxRecord, Resolver, Secured, Tlsa};

/// Production lookups through hickory-resolver 0.26.
#[derive(Clone)]
pub struct HickoryResolver {
    resolver: TokioResolver,
    timeout: Duration,
    /// Where TLSA queries go (the first one answering): the configured or
    /// system resolvers.
    servers: Vec<SocketAddr>,
}

impl HickoryResolver {
    /// Use the system configuration (`/etc/resolv.conf`).
    pub fn from_system_conf(timeout: Duration) -> Result<Self, LookupError> {
        let resolver = TokioResolver::builder_tokio()
            .and_then(|b| b.build())
            .map_err(|e| LookupError::Temporary(format!("resolver setup: {e}")))?;
        let servers = hickory_resolver::system_conf::read_system_conf()
            .map(|(conf, _)| server_addrs(&conf))
            .unwrap_or_default();
        Ok(HickoryResolver {
            resolver,
            timeout,
            servers,
        })
    }

    /// Use these resolvers (UDP, TCP on truncation), no search list.
    pub fn with_servers(servers: &[SocketAddr], timeout: Duration) -> Result<Self, LookupError> {
        let name_servers = servers
            .iter()
            .map(|a| {
                let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                for c in &mut ns.connections {
                    c.port = a.port();
                }
                ns
            })
            .collect();
        let conf = ResolverConfig::from_parts(None, vec![], name_servers);
        let resolver = TokioResolver::builder_with_config(conf, TokioRuntimeProvider::default())
            .build()
            .map_err(|e| LookupError::Temporary(format!("resolver setup: {e}")))?;
        Ok(HickoryResolver {
            resolver,
            timeout,
            servers: servers.to_vec(),
        })
    }

    /// Does every TLSA query go to a loopback resolver (whose AD bit DANE
    /// may trust)?
    pub fn validating_resolver_is_local(&self) -> bool {
        !self.servers.is_empty() && self.servers.iter().all(|s| s.ip().is_loopback())
    }
}

fn server_addrs(conf: &ResolverConfig) -> Vec<SocketAddr> {
    conf.name_servers()
        .iter()
        .filter_map(|ns| {
            ns.connections
                .first()
                .map(|c| SocketAddr::new(ns.ip, c.port))
        })
        .collect()
}

/// Map a hickory error onto NXDOMAIN / NODATA / temporary.
fn classify(e: &NetError) -> LookupError {
    if e.is_nx_domain() {
        LookupError::NxDomain
    } else if e.is_no_records_found() {
        LookupError::NoRecords
    } else {
        LookupError::Temporary(e.to_string())
    }
}

/// Absolute name, so the resolver's search list is never appended.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

impl Resolver for HickoryResolver {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.mx_lookup(fqdn(domain)))
            .await
            .map_err(|_| LookupError::Temporary("MX lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::MX(mx) => Some(MxRecord {
                    preference: mx.preference,
                    exchange: mx.exchange.to_ascii(),
                }),
                _ => None,
            })
            .collect())
    }

    async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.lookup_ip(fqdn(host)))
            .await
            .map_err(|_| LookupError::Temporary("address lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup.iter().collect())
    }

    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupError> {
        let lookup = tokio::time::timeout(self.timeout, self.resolver.txt_lookup(fqdn(name)))
            .await
            .map_err(|_| LookupError::Temporary("TXT lookup timed out".into()))?
            .map_err(|e| classify(&e))?;
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    }

    fn dnssec_trusted(&self) -> bool {
        self.validating_resolver_is_local()
    }

    async fn is_secure(&self, name: &str, what: Secured) -> bool {
        let types: &[RecordType] = match what {
            Secured::Mx => &[RecordType::MX],
            Secured::Address => &[RecordType::A, RecordType::AAAA],
        };
        for server in &self.servers {
            for &t in types {
                match super::dnssec::is_secure(*server, name, t, self.timeout).await {
                    Ok(true) => return true,
                    Ok(false) | Err(LookupError::NxDomain | LookupError::NoRecords) => {}
                    Err(LookupError::Temporary(_)) => break,
                }
            }
        }
        false
    }

    async fn tlsa(&self, name: &str) -> Result<Authenticated<Vec<Tlsa>>, LookupError> {
        let mut last = LookupError::Temporary("no resolver configured".into());
        for server in &self.servers {
            match super::dnssec::tlsa(*server, name, self.timeout).await {
                Err(LookupError::Temporary(e)) => last = LookupError::Temporary(e),
                other => return other,
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hickory_errors_are_classified() {
        use hickory_resolver::net::{DnsError, NoRecords};
        use hickory_resolver::proto::op::{Query, ResponseCode};
        use hickory_resolver::proto::rr::{Name, RecordType};
        let query = || Query::query(Name::root(), RecordType::MX);
        let nx = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query(),
            ResponseCode::NXDomain,
        )));
        assert_eq!(classify(&nx), LookupError::NxDomain);
        let nodata = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query(),
            ResponseCode::NoError,
        )));
        assert_eq!(classify(&nodata), LookupError::NoRecords);
        let servfail = NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail));
        assert!(matches!(classify(&servfail), LookupError::Temporary(_)));
        assert!(matches!(
            classify(&NetError::Timeout),
            LookupError::Temporary(_)
        ));
        assert!(matches!(
            classify(&NetError::from("boom".to_string())),
            LookupError::Temporary(_)
        ));
    }
}
