//! Small helpers shared by several subsystems.

pub mod durable;
pub mod fnv;

pub use durable::{durable_create, durable_write};

use std::time::{SystemTime, UNIX_EPOCH};

/// The domain of an address, lower case, for routing, policy and logs
/// (never the local part); "(no domain)" when there is none.
pub fn domain_of(addr: &str) -> String {
    let a = addr.trim();
    let a = a
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(a);
    match a.rsplit_once('@') {
        Some((_, d)) => d.to_ascii_lowercase(),
        None => String::from("(no domain)"),
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The first line of a header's value in `message` (`name` with its colon,
/// any case), searching only the header section. Works on bytes: headers
/// may hold any octets (RFC 6532) and are never sliced inside a character.
pub fn header_value(message: &[u8], name: &[u8]) -> Option<String> {
    let end = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(message.len());
    message[..end]
        .split(|&b| b == b'\n')
        .find(|l| l.len() > name.len() && l[..name.len()].eq_ignore_ascii_case(name))
        .map(|l| String::from_utf8_lossy(&l[name.len()..]).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// RFC 5322 §3.3 date-time in UTC: "Mon, 23 Nov 2026 10:00:00 +0000".
pub fn rfc5322_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        WD[days.rem_euclid(7) as usize],
        d,
        MON[(m - 1) as usize],
        y,
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// A date for people: "Tuesday 29 December 2026, 23:08 UTC".
pub fn human_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    const WD: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MON: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {} {}, {:02}:{:02} UTC",
        WD[days.rem_euclid(7) as usize],
        d,
        MON[(m - 1) as usize],
        y,
        rem / 3600,
        (rem / 60) % 60
    )
}

/// "YYYY-MM-DD" (UTC midnight) as a point in time.
pub fn parse_date(text: &str) -> Option<SystemTime> {
    let mut parts = text.trim().split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some()
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || !(1970..=9999).contains(&y)
    {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(days).ok()? * 86_400))
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Insert every `(key, value)` into `tree`, all or nothing for the caller:
/// on an error the entries already inserted are taken back (a failed take
/// back is logged) and the error returned. Plain inserts, not a sled batch:
/// sled 0.34 seals and writes its log buffer for every batch, wakes all of
/// its I/O threads and holds its exclusive lock meanwhile (measured: about
/// two context switches per message in the spool's group commit).
pub fn sled_insert_all<K: AsRef<[u8]>>(
    tree: &sled::Tree,
    entries: &[(K, Vec<u8>)],
) -> Result<(), sled::Error> {
    for (n, (key, value)) in entries.iter().enumerate() {
        if let Err(e) = tree.insert(key.as_ref(), value.as_slice()) {
            for (key, _) in &entries[..n] {
                if let Err(e) = tree.remove(key.as_ref()) {
                    tracing::error!(error = %e, "cannot take back an entry of a failed insert");
                }
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Set the calling thread's nice value (on Linux it is per thread, and a
/// new thread starts with its creator's). Raising it needs no privilege;
/// a failure leaves the thread where it was. Elsewhere the call would
/// renice the whole process, so it does nothing there.
pub fn set_thread_nice(nice: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        thread_nice() == nice || rustix::process::setpriority_process(None, nice.min(19)).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = nice;
        false
    }
}

/// The calling thread's nice value.
pub fn thread_nice() -> i32 {
    rustix::process::getpriority_process(None).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reniced_thread_is_nicer_its_neighbours_are_not_and_it_does_not_stack() {
        let before = super::thread_nice();
        let target = (before + 3).min(19);
        let (inner, child) = std::thread::spawn(move || {
            assert!(super::set_thread_nice(target));
            // A thread it starts inherits the value; setting the same
            // target there again must not lower it further.
            let child = std::thread::spawn(move || {
                assert!(super::set_thread_nice(target));
                super::thread_nice()
            })
            .join()
            .expect("child");
            (super::thread_nice(), child)
        })
        .join()
        .expect("thread");
        assert_eq!(inner, target);
        assert_eq!(child, target);
        assert_eq!(super::thread_nice(), before, "only the calling thread");
    }

    #[test]
    fn sled_insert_all_inserts_every_entry() {
        let db = sled::Config::new().temporary(true).open().expect("sled");
        let tree = db.open_tree("t").expect("tree");
        let entries = vec![([1u8; 8], b"a".to_vec()), ([2u8; 8], b"b".to_vec())];
        super::sled_insert_all(&tree, &entries).expect("insert");
        assert_eq!(tree.len(), 2);
        assert_eq!(tree.get([2u8; 8]).expect("get").as_deref(), Some(&b"b"[..]));
    }

    use super::*;
    use std::time::Duration;

    #[test]
    fn human_dates_read_like_a_calendar() {
        assert_eq!(human_date(UNIX_EPOCH), "Thursday 1 January 1970, 00:00 UTC");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_993_733);
        assert_eq!(human_date(t), "Sunday 29 November 2026, 23:08 UTC");
    }

    #[test]
    fn header_value_finds_headers_in_any_case_and_only_in_the_header_section() {
        let m = "Subject: Réunion\r\nMESSAGE-ID: <a@b>\r\n\r\nMessage-ID: <body@x>\r\n".as_bytes();
        assert_eq!(header_value(m, b"message-id:").as_deref(), Some("<a@b>"));
        assert_eq!(header_value(m, b"subject:").as_deref(), Some("Réunion"));
        assert_eq!(header_value(m, b"from:"), None);
    }

    #[test]
    fn parses_dates_and_rejects_nonsense() {
        let t = parse_date("2026-11-23").expect("date");
        assert_eq!(rfc5322_date(t), "Mon, 23 Nov 2026 00:00:00 +0000");
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_date("soon").is_none());
    }

    #[test]
    fn formats_known_dates() {
        assert_eq!(rfc5322_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 +0000");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_435_200);
        assert_eq!(rfc5322_date(t), "Mon, 23 Nov 2026 12:00:00 +0000");
    }
}
