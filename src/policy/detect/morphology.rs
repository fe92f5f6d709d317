//! Medical words by their make: a procedure, a condition or a finding
//! that no term list holds (`hemiarthroplasty`, `pancreaticoduodenectomy`,
//! `hyperkalaemia`, `cholangitis`, `spondylolisthesis` is a list's) is
//! built from Greek and Latin parts whose endings other words rarely
//! have: `-ectomy`, `-otomy`/`-ostomy`, `-plasty`, `-oscopy`, `-itis`,
//! `-aemia`/`-emia`, `-opathy`, `-algia`, `-osis`, and their German,
//! French, Spanish, Italian, Portuguese and Scandinavian spellings.
//! Words of other trades with those endings (`dichotomy`, `microscopy`,
//! `academia`, `nostalgia`, `osmosis`, `homeopathy`) are none.
//!
//! Each ending's rarest part is sought with one literal search over the
//! text, so prose without them costs a few SIMD passes. Lower case only:
//! one search for both cases costs prose more than all of these.

use memchr::memmem::Finder;
use std::sync::OnceLock;

/// Endings by the literal that finds them (lower case; matched on the
/// lower-cased word, so `Ectomie` counts).
const ENDINGS: &[(&str, &[&str])] = &[
    (
        "tom",
        &[
            "ectomy",
            "ectomies",
            "ectomie",
            "ectomía",
            "ectomia",
            "ectomias",
            "ectomías",
            "ektomie",
            "ektomi",
            "ektomia",
            "otomy",
            "otomies",
            "otomie",
            "otomía",
            "otomia",
            "ostomy",
            "ostomies",
            "ostomie",
            "ostomía",
            "ostomia",
        ],
    ),
    (
        "plast",
        &["plasty", "plasties", "plastie", "plastía", "plastia"],
    ),
    (
        "oscop",
        &["oscopy", "oscopies", "oscopie", "oscopía", "oscopia"],
    ),
    ("oskop", &["oskopie", "oskopi", "oskopia"]),
    ("itis", &["itis", "itides"]),
    // Czech and Slovak inflect `-itida` (`s akutní pankreatitidou`).
    (
        "itid",
        &["itida", "itidy", "itidou", "itidu", "itidě", "itíd"],
    ),
    ("emia", &["emia", "emias"]),
    ("mie", &["emie", "ämie", "émie"]),
    (
        "opath",
        &[
            "opathy", "opathies", "opathie", "opatía", "opatia", "opathia",
        ],
    ),
    ("algi", &["algia", "algie", "algias"]),
    ("osis", &["osis"]),
];

/// Words of other trades, or too general to be anyone's: a word holding
/// one of these parts (lower case) is none, compounds and other
/// languages' spellings too (`Sommerakademie`, `Biochemie`,
/// `Homöopathie`, `pandemia`).
const NOT_MEDICAL: &[&str] = &[
    "dichotom",
    "dicotom",
    "autotom",
    "microscop",
    "mikroskop",
    "spectroscop",
    "spektroskop",
    "espectroscop",
    "stereoscop",
    "telescop",
    "academ",
    "akadem",
    "bohem",
    "blasfem",
    "chemi",
    "pandem",
    "epidem",
    "nostalg",
    "nosztalg",
    "osmosis",
    "symbiosis",
    "metamorphosis",
    "apotheosis",
    "hypnosis",
    "mitosis",
    "meiosis",
    "ketosis",
    "diagnosis",
    "prognosis",
    "homeopat",
    "homoeopat",
    "homöopat",
    "naturopat",
    "osteopat",
    "allopat",
    "telepat",
    "empath",
    "sympath",
    "antipath",
    "apath",
    "senioritis",
    "thermoplast",
];

/// Least letters before the ending (`colitis` is a list's; `Vitis`,
/// `Politis` and `poses` are not anyone's condition).
const MIN_STEM: usize = 4;

struct Finders(Vec<(Finder<'static>, &'static [&'static str])>);

fn finders() -> &'static Finders {
    static F: OnceLock<Finders> = OnceLock::new();
    F.get_or_init(|| {
        Finders(
            ENDINGS
                .iter()
                .map(|(lit, ends)| (Finder::new(lit.as_bytes()), *ends))
                .collect(),
        )
    })
}

/// Byte spans of the medical words in `text`, sorted, at most `max`.
pub fn words(text: &str, max: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (finder, ends) in &finders().0 {
        let mut pos = 0;
        while let Some(k) = finder.find(&b[pos..]) {
            if out.len() >= max {
                break;
            }
            let at = pos + k;
            // Each word is read once: the search goes on past its end (a
            // run of `itisitis…` is one word, not a walk per match).
            let (s, e) = word_around(text, at);
            pos = e.max(at + 1);
            if out.iter().any(|&(os, _)| os == s) {
                continue;
            }
            if let Some(word) = text.get(s..e)
                && medical(word, ends)
            {
                out.push((s, e));
            }
        }
    }
    out.sort_unstable();
    out
}

/// Longest word (in bytes) looked at on either side of a match.
const WORD_REACH: usize = 64;

/// The word (letters, any script) around byte `at`, as far as
/// `WORD_REACH` bytes either way (a longer word is read as too long).
fn word_around(text: &str, at: usize) -> (usize, usize) {
    let from = crate::policy::text::ceil_boundary(text, at.saturating_sub(WORD_REACH));
    let to = crate::policy::text::floor_boundary(text, (at + WORD_REACH).min(text.len()));
    let at = crate::policy::text::floor_boundary(text, at);
    let s = text[from..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(at, |(i, _)| from + i);
    let e = text[at..to]
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(to, |(i, _)| at + i);
    (s, e)
}

fn medical(word: &str, ends: &[&str]) -> bool {
    if word.len() < MIN_STEM + 4 || word.len() > 48 {
        return false;
    }
    let lower = word.to_lowercase();
    // Capitalised words ending `-itis`/`-osis` may be surnames (`Politis`):
    // only a long stem counts there.
    let Some(end) = ends.iter().find(|e| lower.ends_with(**e)) else {
        return false;
    };
    let stem = lower.len() - end.len();
    if stem < MIN_STEM || NOT_MEDICAL.iter().any(|p| lower.contains(p)) {
        return false;
    }
    let capital = word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().nth(1).is_some_and(char::is_lowercase);
    !(capital && matches!(*end, "itis" | "osis" | "oses") && stem < 6)
}

/// Terms of the list in the forms that languages which inflect give
/// them: Czech `levodopu`, `levodopy`, `astmu`, `epilepsií`, Polish
/// `cukrzycą`, Croatian `epilepsiju`, Finnish `insuliinia`, Latvian
/// `insulta`: a listed single-word term of six letters or more, less a
/// final vowel, opening a word whose rest is at most four letters. Read
/// only where letters beyond ASCII are frequent (a text in such a
/// language, not English prose quoting a `café`); English words built on
/// a term (`stroked`, `cancerous`) are its own business.
pub fn inflected(text: &str, skip: &[(usize, usize)], max: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut from = 0;
    while from < b.len() && out.len() < max {
        let to = window_end(b, from);
        // Judged with half a window either side: a short paragraph in
        // the language by a window's edge still counts.
        let around = &b[from.saturating_sub(WINDOW / 2)..(to + WINDOW / 2).min(b.len())];
        if inflecting(around) {
            words_of(text, from, to, skip, max, &mut out);
        }
        from = to;
    }
    out
}

/// Bytes in a window read together: a text in an inflecting language is
/// told from an English one quoting a few of its words window by window.
const WINDOW: usize = 1024;

/// The end of the window from `from`: `WINDOW` bytes on (or the text's
/// end, when less than half a window would be left), moved forward to
/// the next ASCII byte that is no letter, so no word is cut in two.
fn window_end(b: &[u8], from: usize) -> usize {
    let mut to = from + WINDOW;
    if to + WINDOW / 2 >= b.len() {
        return b.len();
    }
    while to < b.len() && (b[to].is_ascii_alphabetic() || b[to] >= 0x80) {
        to += 1;
    }
    to
}

/// Letters beyond ASCII written often enough to be the text's own
/// language: lead bytes of Latin-1 to Latin Extended-A (C3-C5) making up
/// one byte in a hundred, and at least three (Czech and Polish prose
/// runs at five to ten in a hundred, Finnish, Estonian and Croatian at
/// one and a bit; English prose naming `Grüße` or a `café` well under).
fn inflecting(w: &[u8]) -> bool {
    // Counted only as far as the bar: English windows hold none or a few.
    let need = (w.len() / 100).max(3);
    memchr::memchr3_iter(0xc3, 0xc4, 0xc5, w)
        .nth(need - 1)
        .is_some()
}

/// Bytes of a word as `words_of` walks them: ASCII letters and every
/// octet beyond ASCII (a table, so a byte costs one load).
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphabetic() || c >= 0x80;
        c += 1;
    }
    t
};

/// The inflected terms in the words of `text[from..to]` (both ends at
/// ASCII bytes), appended to `out` up to `max`.
fn words_of(
    text: &str,
    from: usize,
    to: usize,
    skip: &[(usize, usize)],
    max: usize,
    out: &mut Vec<(usize, usize)>,
) {
    let b = text.as_bytes();
    let stems = stems();
    // Words by their bytes (ASCII letters and any octet beyond ASCII), so
    // a long text costs one pass; a word's own edges are then trimmed to
    // letters (`„levodopy“`). Spans to skip are sorted: one moving index.
    let mut k = skip.partition_point(|&(_, e)| e <= from);
    let mut i = from;
    while out.len() < max {
        let Some(at) = b[i..to].iter().position(|&c| WORD_BYTE[usize::from(c)]) else {
            break;
        };
        let run = i + at;
        i = b[run..to]
            .iter()
            .position(|&c| !WORD_BYTE[usize::from(c)])
            .map_or(to, |n| run + n);
        // `run` follows an ASCII byte (or the window's start) and `i`
        // stands at one (or the window's end): both are char boundaries.
        if i - run < 6 {
            continue;
        }
        if !stems.may_open(&b[run..i]) {
            continue;
        }
        let raw = &text[run..i];
        let word = raw.trim_matches(|c: char| !c.is_alphabetic());
        let ws = run + (raw.len() - raw.trim_start_matches(|c: char| !c.is_alphabetic()).len());
        let we = ws + word.len();
        while k < skip.len() && skip[k].1 <= ws {
            k += 1;
        }
        let n = word.chars().count();
        if !(6..=40).contains(&n) || skip.get(k).is_some_and(|&(s, _)| s < we) {
            continue;
        }
        let lower: std::borrow::Cow<'_, str> = if word.chars().any(char::is_uppercase) {
            word.to_lowercase().into()
        } else {
            word.into()
        };
        // Cut one to four letters; the stem left is five letters or more.
        let hit = lower
            .char_indices()
            .rev()
            .take(4)
            .enumerate()
            .any(|(cut, (k, _))| n > cut + 5 && stems.set.contains(&lower[..k]));
        if hit {
            out.push((ws, we));
        }
    }
}

/// The stems of the list's single-word terms of six letters or more:
/// the term less a final vowel, and the whole term; and a bitmap of
/// their openings, so most words are passed over without hashing.
struct Stems {
    set: std::collections::HashSet<String>,
    openings: Vec<u64>,
}

/// Bits in the openings' bitmap (8 KiB).
const OPENING_BITS: u32 = 16;

impl Stems {
    /// The bitmap's index for a word's first five bytes (a stem's
    /// least), ASCII lower case.
    fn opening(b: &[u8]) -> Option<usize> {
        let head = b.get(..5)?;
        let key = head
            .iter()
            .fold(0u64, |k, c| k << 8 | u64::from(c.to_ascii_lowercase()));
        Some((key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - OPENING_BITS)) as usize)
    }

    /// Whether a listed stem may open `word`. A word opening with a
    /// capital beyond ASCII (`Žloutenka`) is always looked up: its lower
    /// case is other bytes.
    fn may_open(&self, word: &[u8]) -> bool {
        if word.iter().take(5).any(|&c| c >= 0x80) {
            return true;
        }
        Self::opening(word).is_some_and(|i| self.openings[i / 64] & (1 << (i % 64)) != 0)
    }
}

fn stems() -> &'static Stems {
    static S: OnceLock<Stems> = OnceLock::new();
    S.get_or_init(|| {
        let mut set = std::collections::HashSet::new();
        for t in super::health::single_word_terms() {
            if t.chars().count() < 6 || !t.chars().all(char::is_alphabetic) {
                continue;
            }
            let lower = t.to_lowercase();
            if NOT_STEMS.contains(&lower.as_str()) {
                continue;
            }
            let last = lower.chars().last().unwrap_or(' ');
            // Six letters at least (`reset` of `reseta`, `escar` of
            // `escare` open other words).
            if "aeiouyáéíóúýěåäöü".contains(last) && lower.chars().count() >= 7 {
                set.insert(lower[..lower.len() - last.len_utf8()].to_string());
            }
            set.insert(lower);
        }
        let mut openings = vec![0u64; (1 << OPENING_BITS) / 64];
        for s in &set {
            if let Some(i) = Stems::opening(s.as_bytes()) {
                openings[i / 64] |= 1 << (i % 64);
            }
        }
        Stems { set, openings }
    })
}

/// Terms whose stems open everyday words of the languages read here.
const NOT_STEMS: &[&str] = &[
    "operace",
    "operation",
    "operacja",
    "terapia",
    "therapy",
    "doktor",
    "doctor",
    "reseta",
    "escare",
];

#[cfg(test)]
mod tests {
    use super::words;

    fn found(t: &str) -> Vec<&str> {
        words(t, 64).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn medical_words_by_their_endings() {
        assert_eq!(
            found("# NOF, hemiarthroplasty 11/01; Z.n. Hemikolektomie; ERCP for cholangitis"),
            ["hemiarthroplasty", "Hemikolektomie", "cholangitis"]
        );
        assert_eq!(
            found("hyperkalaemia and a thrombophlebitis; cardiomyopathy, trigeminal neuralgia"),
            [
                "hyperkalaemia",
                "thrombophlebitis",
                "cardiomyopathy",
                "neuralgia"
            ]
        );
        assert_eq!(
            found("sténose, leucémie et bronchoscopie"),
            ["leucémie", "bronchoscopie"]
        );
        for t in [
            "a false dichotomy in academia",
            "microscopy and spectroscopy",
            "nostalgia for Bohemia",
            "osmosis and symbiosis",
            "Mr Politis and Dr Kyritsis",
            "homeopathy and sympathy",
            "plastic plaster and a hostomy",
            "for all purposes, a horoscope",
            "Sommerakademie, Biochemie, Pandemie und Mikroplastik",
            "pandemia, epidemia, Akademia, Homöopathie, Osteopathie, ketosis",
        ] {
            assert!(found(t).is_empty(), "{t}: {:?}", found(t));
        }
    }

    #[test]
    fn terms_in_their_inflected_forms() {
        use super::inflected;
        let got = |t: &str| -> Vec<String> {
            inflected(t, &[], 16)
                .into_iter()
                .map(|(s, e)| t[s..e].to_string())
                .collect()
        };
        assert_eq!(
            got("pacient je na levodopě, zvýšit dávku levodopy, moje dcera má epilepsii"),
            ["levodopě", "levodopy", "epilepsii"]
        );
        // Only in a text with letters beyond ASCII; not a longer word.
        assert!(got("he stroked the cat; cancerous; levodopy").is_empty());
        assert!(got("Příliš žluťoučký kůň, levodopakinetika").is_empty());
        assert!(got("Změna: po resetu, Doktorand, escargots").is_empty());
        // Read window by window: English prose quoting a `café` is not a
        // text in an inflecting language, a Czech paragraph within it is.
        let english = format!(
            "We met at the café. {}",
            "The quarter's budget review is on Monday. ".repeat(150)
        );
        let czech = "Pacientka užívá levodopu, dávka zvýšena, kontrola za měsíc. ".repeat(3);
        assert!(got(&format!("{english}levodopy, Grüße {english}")).is_empty());
        assert_eq!(
            got(&format!("{english}{czech}{english}")),
            ["levodopu", "levodopu", "levodopu"]
        );
    }
}
