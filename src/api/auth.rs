//! Who is calling: an API key (`Authorization: Bearer <client_id>.<secret>`
//! or `X-API-Key`), HTTP Basic (client id and secret, RFC 7617), or an
//! OAuth access token (`Bearer <jwt>`, from `/oauth/token`). Every
//! request looks the client up in the store, so revocation takes effect
//! at once; then its scope and its rate are checked.

use axum::http::{HeaderMap, header};
use base64::Engine;

use super::Api;
use super::problem::Problem;
use crate::store::{ApiClient, Scope};

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub client: ApiClient,
    /// What this credential may do (a token may carry fewer scopes).
    pub scopes: Vec<Scope>,
    pub method: &'static str,
}

impl Caller {
    pub fn has(&self, scope: Scope) -> bool {
        self.client.is_live()
            && self.client.has_scope(scope)
            && (self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin))
    }

    /// 403 unless the caller has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "This credential lacks the \"{}\" scope",
                scope.as_str()
            )))
        }
    }

    pub fn is_admin(&self) -> bool {
        self.has(Scope::Admin)
    }
}

/// A credential as presented.
enum Presented {
    Key { id: String, secret: String },
    Token(String),
}

fn presented(headers: &HeaderMap) -> Result<Presented, Problem> {
    if let Some(v) = headers.get("x-api-key") {
        let v = v
            .to_str()
            .map_err(|_| Problem::unauthorized("X-API-Key is not readable text"))?;
        return split_key(v.trim())
            .ok_or_else(|| Problem::unauthorized("X-API-Key must be <client_id>.<secret>"));
    }
    let Some(auth) = headers.get(header::AUTHORIZATION) else {
        return Err(Problem::unauthorized(
            "Send an API key (Authorization: Bearer <client_id>.<secret> or X-API-Key), HTTP Basic credentials, or an OAuth access token",
        ));
    };
    let auth = auth
        .to_str()
        .map_err(|_| Problem::unauthorized("Authorization is not readable text"))?;
    let (scheme, rest) = auth.trim().split_once(' ').unwrap_or((auth, ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        if let Some(k) = split_key(rest) {
            return Ok(k);
        }
        return Ok(Presented::Token(rest.to_string()));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        return basic(rest)
            .map(|(id, secret)| Presented::Key { id, secret })
            .ok_or_else(|| {
                Problem::unauthorized("Basic credentials must be base64 of <client_id>:<secret>")
            });
    }
    Err(Problem::unauthorized(format!(
        "Unsupported Authorization scheme \"{}\" (use Bearer or Basic)",
        scheme.chars().take(20).collect::<String>()
    )))
}

/// `spk_<hex>.<secret>`: an API key (a JWT has two dots).
fn split_key(v: &str) -> Option<Presented> {
    let (id, secret) = v.split_once('.')?;
    (id.starts_with("spk_") && !secret.contains('.') && !secret.is_empty()).then(|| {
        Presented::Key {
            id: id.to_string(),
            secret: secret.to_string(),
        }
    })
}

/// RFC 7617: base64(user-id ":" password).
pub fn basic(b64: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

impl Api {
    /// The caller, or 401.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, Problem> {
        match presented(headers)? {
            Presented::Key { id, secret } => {
                let client = self.check_secret(&id, &secret)?;
                let scopes = client.scopes.clone();
                Ok(Caller {
                    client,
                    scopes,
                    method: "key",
                })
            }
            Presented::Token(t) => {
                let claims = self.keys.check_token(&t).ok_or_else(|| {
                    Problem::unauthorized("The access token is invalid or has expired")
                })?;
                let client = self.clients.by_id(&claims.sub)?.ok_or_else(|| {
                    Problem::unauthorized("The access token's client no longer exists")
                })?;
                if !client.is_live() {
                    return Err(Problem::unauthorized("This API key has been revoked"));
                }
                // A token issued before the client was (re)created is void.
                if claims.iat * 1000 + 999 < client.created_ms {
                    return Err(Problem::unauthorized(
                        "The access token is invalid or has expired",
                    ));
                }
                Ok(Caller {
                    scopes: claims.scopes(),
                    client,
                    method: "token",
                })
            }
        }
    }

    /// The live client whose secret this is, or 401 (the same answer for
    /// an unknown id and a wrong secret).
    pub fn check_secret(&self, id: &str, secret: &str) -> Result<ApiClient, Problem> {
        let wrong = || Problem::unauthorized("Unknown client id or wrong secret");
        let client = self.clients.by_id(id)?.ok_or_else(wrong)?;
        if !self.keys.verify_secret(secret, &client.secret_hash) {
            return Err(wrong());
        }
        if !client.is_live() {
            return Err(Problem::unauthorized("This API key has been revoked"));
        }
        Ok(client)
    }

    /// Authenticate, check `scope`, count the request against the rate.
    pub fn caller(&self, headers: &HeaderMap, scope: Scope) -> Result<Caller, Problem> {
        let caller = self.authenticate(headers)?;
        caller.require(scope)?;
        self.limiter
            .check(
                &caller.client.client_id,
                caller
                    .client
                    .rate_per_second
                    .unwrap_or(self.config.api.default_rate.per_second),
            )
            .map_err(|wait| {
                self.metrics
                    .api_requests
                    .with_label_values(&["rate_limited"])
                    .inc();
                Problem::rate_limited(wait)
            })?;
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, v: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            v.parse().expect("value"),
        );
        m
    }

    #[test]
    fn keys_tokens_and_basic_credentials_are_told_apart() {
        assert!(matches!(
            presented(&h("authorization", "Bearer spk_ab.secret")),
            Ok(Presented::Key { .. })
        ));
        assert!(matches!(
            presented(&h("authorization", "bearer aaa.bbb.ccc")),
            Ok(Presented::Token(_))
        ));
        assert!(matches!(
            presented(&h("x-api-key", "spk_ab.secret")),
            Ok(Presented::Key { .. })
        ));
        let b = base64::engine::general_purpose::STANDARD.encode("spk_ab:se:cret");
        match presented(&h("authorization", &format!("Basic {b}"))) {
            Ok(Presented::Key { id, secret }) => {
                assert_eq!((id.as_str(), secret.as_str()), ("spk_ab", "se:cret"))
            }
            _ => panic!("basic"),
        }
        assert_eq!(
            presented(&HeaderMap::new()).err().map(|p| p.status),
            Some(401)
        );
        assert_eq!(
            presented(&h("authorization", "Digest x"))
                .err()
                .map(|p| p.status),
            Some(401)
        );
        assert_eq!(
            presented(&h("x-api-key", "nodot")).err().map(|p| p.status),
            Some(401)
        );
    }
}
