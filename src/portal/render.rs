//! A sealed message as the recipient sees it: From, To, Date, the real
//! Subject, the text or the HTML sanitised with ammonia, and the list of
//! attachments. Sanitising keeps formatting and links and removes every
//! script, event handler, form, style and remote resource; `cid:` images
//! point at the message's own parts; links get `rel="noopener noreferrer"`.
//! The Content-Security-Policy (no script, images from the portal only) is
//! a second wall behind this one.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

/// The message page's data.
#[derive(Debug, Serialize)]
pub struct View {
    pub subject: String,
    pub from: String,
    pub to: String,
    pub date: String,
    /// Sanitised HTML, when the message has an HTML body.
    pub html: Option<String>,
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// Where a reply goes (Reply-To, else From): shown to the recipient.
    pub reply_to: String,
    pub message_id: Option<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Attachment {
    pub id: u32,
    pub name: String,
    pub mime: String,
    pub size: String,
}

/// One part to download or show inline.
pub struct Part {
    pub mime: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

pub fn parse(raw: &[u8]) -> Option<Message<'_>> {
    MessageParser::default().parse(raw)
}

fn addresses(a: Option<&Address<'_>>) -> String {
    let Some(a) = a else { return String::new() };
    a.iter()
        .map(|x| match (x.name(), x.address()) {
            (Some(n), Some(ad)) => format!("{n} <{ad}>"),
            (None, Some(ad)) => ad.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The address a reply goes to: Reply-To, else From.
pub fn reply_address(m: &Message<'_>) -> Option<String> {
    m.reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .or_else(|| m.from().and_then(|a| a.first()).and_then(|a| a.address()))
        .map(str::to_string)
}

/// A MIME type safe to put in a header: `type/subtype` of token characters.
pub fn mime_of(part: &mail_parser::MessagePart<'_>) -> String {
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match part.content_type() {
        Some(ct) => {
            let t = ct.ctype().to_ascii_lowercase();
            let s = ct.subtype().unwrap_or("octet-stream").to_ascii_lowercase();
            if ok(&t) && ok(&s) {
                format!("{t}/{s}")
            } else {
                "application/octet-stream".into()
            }
        }
        None if matches!(part.body, PartType::Message(_)) => "message/rfc822".into(),
        None => "application/octet-stream".into(),
    }
}

fn human_size(n: usize) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.0} KB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}

/// A display name for an attachment without a name.
fn default_name(id: u32, mime: &str) -> String {
    let ext = match mime {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "text/plain" => "txt",
        "message/rfc822" => "eml",
        _ => "bin",
    };
    format!("attachment-{id}.{ext}")
}

/// The Content-IDs of the message's parts → part ids.
fn cids(m: &Message<'_>) -> HashMap<String, u32> {
    m.parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let cid = p
                .content_id()?
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            (!cid.is_empty()).then(|| (cid.to_ascii_lowercase(), i as u32))
        })
        .collect()
}

/// Sanitise one HTML body; `cid:` images become `<base>/i/<part>`.
pub fn sanitise(html: &str, base: &str, cids: HashMap<String, u32>) -> String {
    let own = format!("{base}/i/");
    let img_base = own.clone();
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto", "tel", "cid"]))
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank")
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") => {
                    let cid = value.strip_prefix("cid:")?;
                    let cid = percent_decode(cid).to_ascii_lowercase();
                    cids.get(&cid)
                        .map(|id| Cow::Owned(format!("{img_base}{id}")))
                }
                // No remote resource of any kind; a link may not be a cid.
                (_, "src" | "srcset" | "background" | "poster" | "longdesc" | "cite") => None,
                ("a", "href") if value.starts_with("cid:") => None,
                _ => Some(Cow::Borrowed(value)),
            },
        )
        .url_relative(ammonia::UrlRelative::Custom(Box::new(OwnImages(own))));
    images_with_alt(&b.clean(html).to_string())
}

/// After sanitising: an `<img>` left without a source (a remote or broken
/// one) is dropped, and one without `alt` gets `alt=""` (decorative), so
/// screen readers do not read out file names. The input is ammonia's
/// serialisation: attributes quoted, `>` escaped inside values.
fn images_with_alt(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('>') else {
            rest = &rest[at..];
            break;
        };
        let tag = &rest[at..at + end + 1];
        if tag.contains(" src=\"") {
            if tag.contains(" alt=\"") {
                out.push_str(tag);
            } else {
                out.push_str("<img alt=\"\"");
                out.push_str(&tag[4..]);
            }
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Only our own rewritten image URLs may be relative.
struct OwnImages(String);

impl ammonia::UrlRelativeEvaluate<'static> for OwnImages {
    fn evaluate<'a>(&self, url: &'a str) -> Option<Cow<'a, str>> {
        let rest = url.strip_prefix(self.0.as_str())?;
        rest.bytes()
            .all(|b| b.is_ascii_digit())
            .then_some(Cow::Borrowed(url))
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The page data for `raw`; `base` is `/m/<token>`.
pub fn view(raw: &[u8], base: &str) -> View {
    let Some(m) = parse(raw) else {
        return View {
            subject: "(message could not be read)".into(),
            from: String::new(),
            to: String::new(),
            date: String::new(),
            html: None,
            text: String::from_utf8_lossy(raw).into_owned(),
            attachments: Vec::new(),
            reply_to: String::new(),
            message_id: None,
            references: Vec::new(),
        };
    };
    let html_parts: Vec<&str> = m
        .html_body
        .iter()
        .filter_map(|&i| match &m.parts.get(i as usize)?.body {
            PartType::Html(h) => Some(h.as_ref()),
            _ => None,
        })
        .collect();
    let cid_map = cids(&m);
    let html =
        (!html_parts.is_empty()).then(|| sanitise(&html_parts.join("\n"), base, cid_map.clone()));
    let text = m
        .text_body
        .iter()
        .filter_map(|&i| m.parts.get(i as usize))
        .filter_map(|p| match &p.body {
            PartType::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let inline_cids: HashSet<u32> = if html.is_some() {
        cid_map.values().copied().collect()
    } else {
        HashSet::new()
    };
    let attachments = m
        .attachments
        .iter()
        .filter(|id| !inline_cids.contains(id))
        .filter_map(|&id| {
            let p = m.parts.get(id as usize)?;
            let mime = mime_of(p);
            Some(Attachment {
                id,
                name: p
                    .attachment_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| default_name(id, &mime)),
                size: human_size(p.contents().len()),
                mime,
            })
        })
        .collect();
    let references = match m.references() {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    View {
        subject: m
            .subject()
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "(no subject)".into()),
        from: addresses(m.from()),
        to: addresses(m.to()),
        date: m.date().map(|d| d.to_rfc822()).unwrap_or_default(),
        html,
        text,
        attachments,
        reply_to: reply_address(&m).unwrap_or_default(),
        message_id: m.message_id().map(str::to_string),
        references,
    }
}

/// Part `id` of the message, if it is an attachment (`inline`: also an
/// image referenced by Content-ID).
pub fn part(raw: &[u8], id: u32, inline: bool) -> Option<Part> {
    let m = parse(raw)?;
    let allowed = if inline {
        cids(&m).values().any(|&i| i == id)
    } else {
        m.attachments.contains(&id)
    };
    if !allowed {
        return None;
    }
    let p = m.parts.get(id as usize)?;
    let mime = mime_of(p);
    // Inline: raster images only (an SVG is a document).
    if inline && (!mime.starts_with("image/") || mime == "image/svg+xml") {
        return None;
    }
    Some(Part {
        name: p
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| default_name(id, &mime)),
        bytes: p.contents().to_vec(),
        mime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_forms_and_remote_images_are_removed() {
        let cids = HashMap::from([("logo@x".to_string(), 3u32)]);
        let out = sanitise(
            r#"<p onclick="x()">Hi <b>there</b></p><script>window.pwned=1</script>
<img src="https://tracker.example/p.gif" onerror="window.pwned=2"><img src="cid:logo@x" alt="logo">
<form action="https://evil.example"><input name="ssn"></form><a href="https://clinic.example/info">info</a>
<a href="javascript:alert(1)">bad</a><a href="/signout">rel</a><iframe src="https://x"></iframe>
<div style="background:url(https://x/y.png)">s</div><svg><image href="https://x/i.png"/></svg>"#,
            "/m/TOKEN",
            cids,
        );
        for bad in [
            "script",
            "onclick",
            "onerror",
            "tracker",
            "form",
            "input",
            "javascript",
            "iframe",
            "style",
            "svg",
            "/signout",
            "https://x",
        ] {
            assert!(!out.contains(bad), "{bad} survived: {out}");
        }
        assert!(out.contains(r#"src="/m/TOKEN/i/3""#), "{out}");
        assert_eq!(
            out.matches("<img").count(),
            1,
            "images without a source are dropped: {out}"
        );
        assert_eq!(
            images_with_alt(r#"<p><img src="/m/T/i/1"></p>"#),
            r#"<p><img alt="" src="/m/T/i/1"></p>"#
        );
        assert!(out.contains(r#"rel="noopener noreferrer""#), "{out}");
        assert!(out.contains("<b>there</b>"));
    }

    #[test]
    fn view_has_the_real_subject_text_and_attachments() {
        let raw = b"From: Clinic <c@h.example>\r\nTo: p@x.example\r\nSubject: Your results\r\nMessage-ID: <m1@h.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello Jane\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"r.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n";
        let v = view(raw, "/m/T");
        assert_eq!(v.subject, "Your results");
        assert!(v.text.contains("Hello Jane") && v.html.is_none());
        assert_eq!(v.attachments.len(), 1);
        assert_eq!(v.attachments[0].name, "r.pdf");
        assert_eq!(v.attachments[0].mime, "application/pdf");
        assert_eq!(v.reply_to, "c@h.example");
        assert_eq!(v.message_id.as_deref(), Some("m1@h.example"));
        let p = part(raw, v.attachments[0].id, false).expect("part");
        assert_eq!(p.bytes, b"%PDF-");
        assert!(part(raw, 0, false).is_none(), "the root is no attachment");
    }
}
