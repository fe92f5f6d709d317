//! Reading request bodies under `[api] max_request` and decoding them
//! strictly: JSON with unknown fields refused (the structs say
//! `deny_unknown_fields`), errors naming the field path, form bodies for
//! OAuth. Bad input is a 4xx problem, never a 5xx.

use axum::body::Body;
use axum::http::{HeaderMap, header};
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// The whole body, or 413 once it passes `limit` bytes.
pub async fn read(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, Problem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(c) => Ok(c.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(limit)),
        Err(_) => Err(Problem::bad_request("The request body could not be read")),
    }
}

/// Read and drop up to `cap` bytes of a body that will not be used (a
/// request refused before its body was read): a connection closed with
/// unread data is reset, and the client might never see the answer.
pub async fn discard(body: Body, cap: usize) {
    let _ = Limited::new(body, cap).collect().await;
}

/// Bytes of an unused body drained before answering (beyond, the
/// connection is closed).
pub const DISCARD_CAP: usize = 1 << 20;

fn too_large(limit: usize) -> Problem {
    Problem::too_large(format!(
        "The request body is larger than this server accepts ({limit} bytes, [api] max_request)"
    ))
}

/// The media type of the request, lower-case, without parameters.
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Decode a JSON body into `T`; errors say where and what.
pub fn json<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, Problem> {
    let media = media_type(headers);
    if media != "application/json" && !media.ends_with("+json") {
        return Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!(
                "Expected Content-Type: application/json, got \"{}\"",
                if media.is_empty() { "none" } else { &media }
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(Problem::bad_request(
            "The request body is empty; a JSON object is expected",
        ));
    }
    // serde reads a struct from an array as well (`[]` for `{}`): every
    // body here is an object, and anything else is refused as one.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(Problem::bad_request(
            "Invalid JSON body: a JSON object is expected",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        Problem::bad_request(format!("Invalid JSON body: {at}{inner}"))
    })?;
    Ok(value)
}

/// Decode an `application/x-www-form-urlencoded` body.
pub fn form<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, Problem> {
    if media_type(headers) != "application/x-www-form-urlencoded" {
        return Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Expected Content-Type: application/x-www-form-urlencoded (RFC 6749 §4.4.2)",
        ));
    }
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| Problem::bad_request(format!("Invalid form body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u8,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        b: String,
    }

    fn headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/json".parse().expect("hv"),
        );
        h
    }

    #[test]
    fn unknown_fields_and_wrong_types_name_their_path() {
        let e = json::<T>(&headers(), br#"{"a":1,"inner":{"b":"x","c":1}}"#).expect_err("unknown");
        assert_eq!(e.status, 400);
        assert!(
            e.detail.contains("inner.c: unknown field `c`"),
            "{}",
            e.detail
        );
        let e = json::<T>(&headers(), br#"{"a":300}"#).expect_err("range");
        assert!(e.detail.contains("a: invalid value"), "{}", e.detail);
        let e = json::<T>(&headers(), br#"{"a":1"#).expect_err("syntax");
        assert!(e.detail.contains("EOF"), "{}", e.detail);
        // serde would read `[]` as a struct: an array is no object.
        let e = json::<T>(&headers(), b" [1, {}]").expect_err("array");
        assert_eq!(e.status, 400);
        assert!(e.detail.contains("JSON object"), "{}", e.detail);
        assert_eq!(
            json::<T>(&HeaderMap::new(), b"{}")
                .expect_err("media")
                .status,
            415
        );
    }
}
