//! Streaming XML walk shared by the OOXML and OpenDocument readers.
//!
//! quick-xml reads from a bounded reader (an archive entry behind a
//! counting cap); each element start/end and each text run goes to a
//! callback with the element's local name (prefixes dropped: `w:t` → `t`).
//! Entity and character references are resolved; DTDs are never expanded
//! (quick-xml does not), so "billion laughs" has nothing to expand. The
//! deadline is checked every 1,024 events.

use super::{Budget, Stop, Unreadable};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// One XML event, simplified.
pub enum Ev<'a, 'e> {
    Open(&'a [u8], &'a BytesStart<'e>),
    Close(&'a [u8]),
    Text(&'a str),
}

/// Value of attribute `key` (local name match), unescaped.
pub fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == key)
            .then(|| a.unescape_value().ok().map(|v| v.into_owned()))
            .flatten()
    })
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Walk the XML of `r`, calling `f` for each event. `f` returns false to
/// stop early.
pub fn walk<R: BufRead>(
    r: R,
    budget: &Budget,
    f: &mut dyn FnMut(Ev<'_, '_>) -> bool,
) -> Result<(), Stop> {
    let mut reader = Reader::from_reader(r);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut n = 0u32;
    loop {
        n = n.wrapping_add(1);
        if n.is_multiple_of(1024) && budget.expired() {
            return Err(Stop(Unreadable::Timeout));
        }
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) => return Err(Stop(Unreadable::Corrupt)),
        };
        let go_on = match &ev {
            Event::Start(e) => f(Ev::Open(e.local_name().into_inner(), e)),
            Event::Empty(e) => {
                let name = e.local_name().into_inner();
                f(Ev::Open(name, e)) && f(Ev::Close(name))
            }
            Event::End(e) => f(Ev::Close(e.local_name().into_inner())),
            Event::Text(t) => match t.decode() {
                Ok(s) => f(Ev::Text(&s)),
                Err(_) => true,
            },
            Event::CData(t) => match t.decode() {
                Ok(s) => f(Ev::Text(&s)),
                Err(_) => true,
            },
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => r.decode().ok().and_then(|n| entity(&n)),
                };
                match c {
                    Some(c) => {
                        let mut tmp = [0u8; 4];
                        f(Ev::Text(c.encode_utf8(&mut tmp)))
                    }
                    None => true,
                }
            }
            Event::Eof => return Ok(()),
            _ => true,
        };
        if !go_on {
            return Ok(());
        }
    }
}
