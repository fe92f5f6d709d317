//! The portal's pages: small, accessible HTML with one stylesheet, no
//! script, readable on a phone.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;\
padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}\
h1{font-size:1.5rem}main{border:1px solid #ccc;border-radius:.5rem;padding:1rem 1.5rem}\
footer{margin-top:2rem;font-size:.9rem;color:#444}";

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(org: &str, title: &str, body: &str) -> String {
    let org = escape(org);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} — {org}</title><link rel=\"stylesheet\" href=\"/static/portal.css\"></head>\
<body><header><p>{org} secure messages</p></header><main><h1>{title}</h1>{body}</main>\
<footer><p>Protected by sealpost.</p></footer></body></html>\n"
    )
}

pub fn home(org: &str) -> String {
    page(
        org,
        "Secure messages",
        "<p>Open the link in the notice you received to read your secure message.</p>",
    )
}

pub fn waiting(org: &str, expires_ms: u64) -> String {
    let until = crate::util::rfc5322_date(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(expires_ms),
    );
    page(
        org,
        "A secure message is waiting for you",
        &format!(
            "<p>{} sent you a secure message. It is kept for you until {}.</p>",
            escape(org),
            escape(&until)
        ),
    )
}

pub fn gone(org: &str) -> String {
    page(
        org,
        "This message is no longer available",
        "<p>The link is unknown, has expired, or the sender recalled the message. \
Please contact the sender if you still need it.</p>",
    )
}

pub fn unavailable(org: &str) -> String {
    page(
        org,
        "Temporarily unavailable",
        "<p>Secure messages cannot be shown right now. Please try again in a few minutes.</p>",
    )
}

pub fn not_found(org: &str) -> String {
    page(
        org,
        "Page not found",
        "<p>There is no page at this address.</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_names_are_escaped() {
        let p = waiting("<script>x</script> & Co", 0);
        assert!(!p.contains("<script>x"));
        assert!(p.contains("&lt;script&gt;x&lt;/script&gt; &amp; Co"));
    }
}
