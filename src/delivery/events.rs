//! Delivery results as events (`crate::events`): after a pass is applied
//! and stored, each touched recipient's new state becomes one event —
//! delivered (with method and TLS), deferred, bounced (the receiving
//! side's permanent refusal), suppressed, or failed (a local reason, such
//! as expiry). Messages sealpost wrote itself (DSNs, portal notices) are
//! not reported: they belong to no submitter.

use std::collections::HashMap;

use super::error::DeliveryError;
use super::outcome::Outcome;
use crate::events::{Event, EventKind, EventSink, TlsUsed};
use crate::secure::decide::Method;
use crate::spool::{DeliveredVia, MessageMeta, RcptStatus};

/// Listeners of messages sealpost itself queued.
const INTERNAL: [&str; 2] = ["dsn", "portal"];

/// How each delivered recipient's copy left.
pub(super) fn vias(
    results: &[(usize, Outcome)],
    methods: &HashMap<usize, Method>,
) -> Vec<(usize, DeliveredVia)> {
    results
        .iter()
        .filter_map(|(i, o)| {
            let Outcome::Delivered { tls, .. } = o else {
                return None;
            };
            let method = match methods.get(i) {
                Some(Method::Pgp) => "pgp",
                Some(Method::Smime) => "smime",
                Some(Method::Portal) => "portal",
                _ if tls.is_some() => "tls",
                _ => "plain",
            };
            Some((
                *i,
                DeliveredVia {
                    method: method.to_string(),
                    tls_version: tls.as_ref().map(|t| t.0.clone()),
                    tls_verified: tls.as_ref().is_some_and(|t| t.1),
                },
            ))
        })
        .collect()
}

pub(super) fn set_vias(meta: &mut MessageMeta, vias: &[(usize, DeliveredVia)]) {
    for (i, via) in vias {
        if let Some(r) = meta.recipients.get_mut(*i) {
            r.via = Some(via.clone());
        }
    }
}

/// Per recipient of a result: was it refused by the suppression list?
pub(super) fn kinds(results: &[(usize, Outcome)]) -> Vec<(usize, bool)> {
    results
        .iter()
        .map(|(i, o)| (*i, matches!(o.error(), Some(DeliveryError::Suppressed(_)))))
        .collect()
}

/// One event per recipient of this pass, from its stored state.
pub(super) fn emit(sink: &dyn EventSink, meta: &MessageMeta, touched: &[(usize, bool)]) {
    if INTERNAL.contains(&meta.envelope.listener.as_str()) {
        return;
    }
    for &(i, suppressed) in touched {
        let Some(r) = meta.recipients.get(i) else {
            continue;
        };
        let base = |kind| Event::new(kind, meta.id).recipient(&r.address);
        let event = match r.status {
            RcptStatus::Delivered => {
                let via = r.via.as_ref();
                base(EventKind::Delivered)
                    .method(via.map(|v| v.method.as_str()).unwrap_or("plain"))
                    .tls(via.and_then(|v| {
                        v.tls_version.as_ref().map(|version| TlsUsed {
                            version: version.clone(),
                            verified: v.tls_verified,
                        })
                    }))
            }
            RcptStatus::Queued => base(EventKind::Deferred),
            RcptStatus::Failed if suppressed => base(EventKind::Suppressed),
            RcptStatus::Failed | RcptStatus::Bounced => {
                let remote_refusal = r
                    .last_reply
                    .as_ref()
                    .is_some_and(|d| d.is_remote() && d.reply().is_permanent());
                base(if remote_refusal {
                    EventKind::Bounced
                } else {
                    EventKind::Failed
                })
            }
        };
        let event = match (&r.last_reply, r.status) {
            (Some(d), s) if s != RcptStatus::Delivered => event.reply(d.reply()),
            _ => event,
        };
        sink.emit(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_tls_of_delivered_copies_are_kept() {
        let results = vec![
            (
                0,
                Outcome::Delivered {
                    remote: "mx".into(),
                    dsn_relayed: false,
                    tls: Some(("TLSv1.3".into(), true)),
                },
            ),
            (
                1,
                Outcome::Delivered {
                    remote: "mx".into(),
                    dsn_relayed: false,
                    tls: None,
                },
            ),
        ];
        let methods = HashMap::from([(0, Method::Tls), (1, Method::Plain)]);
        let v = vias(&results, &methods);
        assert_eq!(v[0].1.method, "tls");
        assert_eq!(v[0].1.tls_version.as_deref(), Some("TLSv1.3"));
        assert!(v[0].1.tls_verified);
        assert_eq!(v[1].1.method, "plain");
        let portal = HashMap::from([(1, Method::Portal)]);
        assert_eq!(vias(&results, &portal)[1].1.method, "portal");
    }
}
