//! A resolver with fixed answers, for tests: names not present answer
//! NXDOMAIN.

use std::collections::HashMap;
use std::net::IpAddr;

use super::{LookupError, MxRecord, Resolver};

/// Fixed answers for tests; names not present answer NXDOMAIN.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    mx: HashMap<String, Result<Vec<MxRecord>, LookupError>>,
    ips: HashMap<String, Result<Vec<IpAddr>, LookupError>>,
}

impl StaticResolver {
    pub fn new() -> Self {
        Self::default()
    }
    /// MX records for `domain`, as (preference, exchange).
    pub fn with_mx(mut self, domain: &str, records: &[(u16, &str)]) -> Self {
        let list = records
            .iter()
            .map(|&(p, e)| MxRecord {
                preference: p,
                exchange: e.to_string(),
            })
            .collect();
        self.mx.insert(domain.to_ascii_lowercase(), Ok(list));
        self
    }
    /// A fixed MX answer or error for `domain`.
    pub fn with_mx_result(
        mut self,
        domain: &str,
        result: Result<Vec<MxRecord>, LookupError>,
    ) -> Self {
        self.mx.insert(domain.to_ascii_lowercase(), result);
        self
    }
    /// Addresses for `host`.
    pub fn with_ips(mut self, host: &str, addrs: &[IpAddr]) -> Self {
        self.ips
            .insert(host.to_ascii_lowercase(), Ok(addrs.to_vec()));
        self
    }
    /// A fixed address answer or error for `host`.
    pub fn with_ips_result(mut self, host: &str, result: Result<Vec<IpAddr>, LookupError>) -> Self {
        self.ips.insert(host.to_ascii_lowercase(), result);
        self
    }
}

impl Resolver for StaticResolver {
    async fn mx(&self, domain: &str) -> Result<Vec<MxRecord>, LookupError> {
        self.mx
            .get(domain)
            .cloned()
            .unwrap_or(Err(LookupError::NxDomain))
    }
    async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.ips
            .get(host)
            .cloned()
            .unwrap_or(Err(LookupError::NxDomain))
    }
}
