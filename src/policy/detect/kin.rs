//! A relative told of through the writer or the reader: `my mum has been
//! poorly since the op`, `your dad's scan is on Friday`, `uncle bayo is
//! on the list for a kidney`, `a mãe anda muito esquecida`.
//!
//! HIPAA counts a person identified through someone else: the relative
//! has no name in the mail, but the writer (or the reader) has, in the
//! From or To header and often in the signature. The relationship word is
//! then the identifier; with a health fact about that relative in the
//! same sentence or the next, it is a name with a health fact.
//!
//! Not counted: a relative who has died (a dedication, a memorial), a
//! question or advice to any reader (`if your child has a fever`), a
//! relative's job (`my mum is a nurse on the stroke ward`), and mail to
//! many (the caller skips newsletters and offers).

use super::re;
use crate::policy::text::{before, ceil_boundary};
use regex::Regex;
use std::sync::OnceLock;

/// At most this many relatives are reported per text.
const MAX_FOUND: usize = 4;

/// How far after the relationship word a health fact is sought: its
/// sentence and the next (`… pop in on mum? she's been poorly since the
/// op`).
const REACH: usize = 260;

struct Res {
    kin: Regex,
    died: Regex,
    anyone: Regex,
    work: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        // The relationship with a first- or second-person possessive, a
        // kin title before a lower-case given name (`uncle bayo`), or a
        // parent's or grandparent's word as a name opening a clause
        // (`Mum has`, `dad's op`); the same in the other languages the
        // detectors read.
        kin: re(concat!(
            r"(?i)(?:(?-u:\b)(?:my|our|your|ur)\s+(?:(?:poor|old|elderly|little|dear|darling|step-?|great-?)\s*)?",
            r"(?:mum|mom|mam|mummy|mommy|mother|dad|daddy|father|nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|granddaughter|wife|husband|hubby|partner|son|daughter|brother|sister|aunt|auntie|aunty|uncle|cousin|nephew|niece|mother-in-law|father-in-law|fianc[ée]e?|stepmum|stepdad)",
            r"(?:'s|’s)?(?-u:\b)",
            r"|(?-u:\b)(?:uncle|auntie|aunty|aunt|nana|nanna|grandma|grandpa|granny|grandad|cousin)\s+\p{Ll}[\p{Ll}'’-]+",
            r"|(?:^|[^\p{L}])(?:abuela|abuelo|t[íi]a|t[íi]o|vov[óô]|nonna|nonno|zia|zio|oma|opa|tante|oom|babcia|dziadek|bibi|babu|lola|lolo|ate|kuya|tita|tito|mamie|papi|tatie|tonton)\s+(?-i:\p{Lu}\p{Ll}+)",
            r"|(?-u:\b)(?:mum|mom|mam|mammy|dad|da|nan|nana|nanna|gran|granny|grandma|grandad|grandpa)(?:'s|’s)?(?-u:\b)",
            r"|(?:^|[^\p{L}])(?:mi|mis|nuestra|nuestro|tu)\s+(?:madre|padre|mamá|papá|abuela|abuelo|esposo|esposa|marido|mujer|hij[oa]|herman[oa]|tí[oa])(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:minha|meu|nossa|nosso|a|o|tua|teu)\s+(?:mãe|mae|pai|avó|avô|marido|esposa|mulher|filh[oa]|irmã|irmão|ti[oa])(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:ma|mon|notre|ta|ton)\s+(?:mère|père|mamie|papi|mari|femme|fils|fille|sœur|soeur|frère|tante|oncle|grand-mère|grand-père)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:meine?|unsere?|deine?)\s+(?:mutter|vater|mama|papa|oma|opa|mann|frau|sohn|tochter|schwester|bruder|tante|onkel|großmutter|großvater)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:mia|mio|nostra|nostro|tua|tuo|la|il)\s+(?:madre|padre|mamma|papà|nonna|nonno|marito|moglie|figli[oa]|sorella|fratello|zi[ao])(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:mijn|onze|je|jouw)\s+(?:moeder|vader|mama|papa|oma|opa|man|vrouw|zoon|dochter|zus|broer|tante|oom)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:moja|mój|moj|nasza|nasz|twoja|twój)\s+(?:mama|matka|tata|ojciec|babcia|dziadek|mąż|żona|syn|córka|siostra|brat|ciocia|wujek)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:у\s+)?(?:мамы|мама|маме|маму|папа|папы|папе|бабушка|бабушки|бабушке|дедушка|дедушки|муж|мужа|жена|жены|сын|сына|дочь|дочери)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?-i:annem|annemin|anneme|babam|babamın|babama|eşim|eşimin|oğlum|oğlumun|kızım|kızımın|ninem|dedem|ablam|ağabeyim|abim)(?:$|[^\p{L}])",
            r"|(?:妈妈|媽媽|母亲|母親|爸爸|父亲|父親|奶奶|爷爷|爺爺|外婆|外公|老公|老婆|婆婆|公公|父が|母が|祖母が|祖父が|夫が|妻が|息子が|娘が|아버지|어머니|엄마|아빠|할머니|할아버지|남편|아내)",
            r"|(?:^|[^\p{L}])(?:bà\s+nội|ông\s+nội|bà\s+ngoại|ông\s+ngoại|mẹ\s+tôi|bố\s+tôi|ba\s+tôi|chồng\s+tôi|vợ\s+tôi|mẹ\s+em|bố\s+em)(?:$|[^\p{L}])",
            r"|(?:أمي|أبي|والدي|والدتي|جدتي|جدي|زوجي|زوجتي|عمي|خالي|عمتي|خالتي|ابني|ابنتي))",
        )),
        // A relative who has died: a memorial, a dedication, a loss.
        died: re(
            r"(?i)(?-u:\b)(?:passed\s+away|passed\s+on|died|dying\s+days|death|funeral|memorial|in\s+(?:loving\s+)?memory|rip|late\s+(?:mum|mom|mother|dad|father|husband|wife|nan|gran|grandma|grandad|grandpa|grandmother|grandfather)|lost\s+(?:my|our|her|his)\s+(?:mum|mom|mother|dad|father|husband|wife|nan|gran|grandma|grandad|grandpa|son|daughter|brother|sister)|lost\s+(?:her|his|their)\s+(?:fight|battle)|bereave\w*|condolences|anniversary\s+of|fallecid[oa]|falleci[óo]|faleceu|falecid[oa]|décéd[ée]e?|verstorben|gestorben|zmarł[a]?|overleden|scomparso|scomparsa)(?-u:\b)",
        ),
        // Advice or a question to any reader, a story's character, or a
        // relative's plans and dreams: no one's care.
        anyone: re(
            r"(?i)(?:(?-u:\b)(?:if|when|whether|does|do|is|has|can|could|help|helping|give|protect|keep|make\s+sure|ensure|before|until|unless|every|any)\s+(?:your|ur)\s*$|(?-u:\b)(?:like|as|say)\s+my\s*$)",
        ),
        // The relative's job, studies or cause, not their care.
        work: re(
            r"(?i)(?-u:\b)(?:works?|worked|working|job|career|trained|training|train\s+as|studying|studies|student|qualified|volunteers?|volunteering|retired\s+from|fundrais\w*|sponsor\w*|raising\s+money|charity|nurse|doctor|surgeon|physio|paramedic|midwife|carer|consultant\s+at|research\w*|wrote|writes|book|novel|film|movie|song|lyrics|poem|story|play|character)(?-u:\b)",
        ),
    })
}

/// The relationship words of `text` told with a health fact about that
/// relative (`health`: the health-term spans, sorted; `is_place`: a term
/// that is only a place of care, `the hospital`, which a job shares).
pub(super) fn told_of(
    text: &str,
    health: &[(usize, usize)],
    is_place: impl Fn(&str) -> bool,
) -> Vec<(usize, usize)> {
    let r = res();
    let mut out = Vec::new();
    if health.is_empty() {
        return out;
    }
    for m in r.kin.find_iter(text).take(64) {
        if out.len() >= MAX_FOUND {
            break;
        }
        let (s, e) = trim_edges(text, m.start(), m.end());
        if s >= e {
            continue;
        }
        let sentence_start = sentence_start(text, s);
        let head = &text[sentence_start..s];
        if r.anyone.is_match(head) || someone_elses(text, s, e) || title_before_a_word(&text[s..e])
        {
            continue;
        }
        let end = reach_end(text, e);
        // The fact: a health term from the clause before the relative to
        // the end of the next sentence, that is no mere place of care.
        let i = health.partition_point(|&(_, he)| he <= sentence_start);
        let fact = health[i..]
            .iter()
            .take_while(|&&(hs, _)| hs < end)
            .find(|&&(hs, he)| (hs >= e || he <= s) && !is_place(&text[hs..he]));
        let Some(&(hs, he)) = fact else {
            continue;
        };
        let lo = sentence_start.min(hs);
        let hi = end.max(he);
        let span = &text[ceil_boundary(text, lo)..ceil_boundary(text, hi)];
        if r.died.is_match(span) || r.died.is_match(before(text, s, 80)) {
            continue;
        }
        // A job or a cause between the relative and the fact.
        let between = if hs >= e { &text[e..hs] } else { &text[he..s] };
        if r.work.is_match(between) {
            continue;
        }
        if !out.contains(&(s, e)) {
            out.push((s, e));
        }
    }
    out
}

/// A bare parent's word that is someone else's or anyone's (`her mum`,
/// `a new mum`, `the dads' team`): only `mum` alone, as a name, or after
/// `my`/`our`/`your` (matched as a whole) is the writer's or the reader's.
fn someone_elses(text: &str, s: usize, e: usize) -> bool {
    const BARE: &[&str] = &[
        "mum", "mom", "mam", "mammy", "dad", "da", "nan", "nana", "nanna", "gran", "granny",
        "grandma", "grandad", "grandpa",
    ];
    let word = text[s..e].trim_end_matches("'s").trim_end_matches("’s");
    if !BARE.iter().any(|k| word.eq_ignore_ascii_case(k)) {
        return false;
    }
    // `nan`, `gran`, `mam`, `da` are words of other languages too
    // (Haitian `nan katye`, Spanish `gran`, Polish `mam`, Italian `da`):
    // only capitalised, as a name, are they a parent's.
    if ["nan", "gran", "mam", "mammy", "da"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
        && !(word.as_bytes()[0].is_ascii_uppercase()
            && word[1..].bytes().all(|c| c.is_ascii_lowercase()))
    {
        return true;
    }
    let b = text.as_bytes();
    if b.get(e)
        .is_some_and(|&c| c == b's' || c == b'-' || c == b'\'' && b.get(e + 1) == Some(&b's'))
    {
        return true;
    }
    let prev = before(text, s, 24)
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    const OTHERS: &[&str] = &[
        "her",
        "his",
        "their",
        "the",
        "a",
        "an",
        "every",
        "any",
        "new",
        "single",
        "working",
        "other",
        "whose",
        "its",
        "this",
        "that",
        "each",
        "no",
        "some",
        "young",
        "busy",
        "proud",
        "first-time",
        "foster",
        "real",
    ];
    OTHERS.contains(&prev.as_str()) || prev.ends_with("'s") || prev.ends_with("’s")
}

/// A kin title before a common word rather than a given name (`uncle
/// said`, `cousin was`, `grandma and`).
fn title_before_a_word(m: &str) -> bool {
    const TITLES: &[&str] = &[
        "uncle", "auntie", "aunty", "aunt", "nana", "nanna", "grandma", "grandpa", "granny",
        "grandad", "cousin",
    ];
    const WORDS: &[&str] = &[
        "is",
        "was",
        "has",
        "had",
        "said",
        "says",
        "and",
        "or",
        "but",
        "who",
        "with",
        "in",
        "on",
        "at",
        "to",
        "from",
        "for",
        "of",
        "the",
        "a",
        "an",
        "will",
        "would",
        "can",
        "could",
        "are",
        "were",
        "been",
        "being",
        "got",
        "gets",
        "went",
        "goes",
        "came",
        "comes",
        "did",
        "does",
        "told",
        "tells",
        "asked",
        "asks",
        "thinks",
        "thought",
        "just",
        "still",
        "also",
        "always",
        "never",
        "too",
        "so",
        "then",
        "when",
        "while",
        "if",
        "that",
        "this",
        "keeps",
        "needs",
        "wants",
        "loves",
        "likes",
        "lives",
        "lived",
        "phoned",
        "rang",
        "called",
        "texted",
        "sent",
        "brought",
        "took",
        "made",
        "makes",
        "gave",
        "gives",
        "isn't",
        "wasn't",
        "hasn't",
        "can't",
        "won't",
        "didn't",
        "doesn't",
        "now",
        "again",
        "today",
        "yesterday",
        "tomorrow",
        "here",
        "there",
        "about",
        "after",
        "before",
        "as",
        "by",
        "up",
        "down",
        "out",
        "over",
        "back",
        "very",
        "really",
        "might",
        "may",
        "should",
        "must",
        "did",
        "not",
        "no",
        "yes",
        "be",
        "it",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "him",
        "her",
        "them",
        "us",
        "me",
        "my",
        "your",
        "our",
        "their",
        "his",
        "its",
    ];
    let mut words = m.split_whitespace();
    let (Some(title), Some(next)) = (words.next(), words.next()) else {
        return false;
    };
    TITLES.iter().any(|t| title.eq_ignore_ascii_case(t))
        && WORDS.iter().any(|w| next.eq_ignore_ascii_case(w))
}

/// The match without the non-letters the regex took on either side.
fn trim_edges(text: &str, s: usize, e: usize) -> (usize, usize) {
    let t = &text[s..e];
    let lead = t.len() - t.trim_start_matches(|c: char| !c.is_alphabetic()).len();
    let t2 = &t[lead..];
    let tail = t2.len() - t2.trim_end_matches(|c: char| !c.is_alphabetic()).len();
    (s + lead, e - tail)
}

/// Where the sentence holding `at` starts: after the last `.`, `!`, `?`
/// or blank line before it, at most 200 bytes back.
fn sentence_start(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let floor = at.saturating_sub(200);
    let mut i = at;
    while i > floor {
        let c = b[i - 1];
        if matches!(c, b'.' | b'!' | b'?' | b'\n')
            && (c != b'\n' || (i >= 2 && b[i - 2] == b'\n'))
            && (c != b'.' || b.get(i).is_none_or(|n| n.is_ascii_whitespace()))
        {
            break;
        }
        i -= 1;
    }
    ceil_boundary(text, i)
}

/// The end of the next sentence after `e` (or `REACH` bytes on), and
/// never past a blank line.
fn reach_end(text: &str, e: usize) -> usize {
    let b = text.as_bytes();
    let cap = (e + REACH).min(b.len());
    let mut ends = 0;
    let mut i = e;
    while i < cap {
        match b[i] {
            b'\n'
                if b.get(i + 1) == Some(&b'\n')
                    || (b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n')) =>
            {
                return i;
            }
            b'.' | b'!' | b'?' if b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                ends += 1;
                if ends == 2 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    ceil_boundary(text, cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, terms: &[&str]) -> Vec<String> {
        let mut health: Vec<(usize, usize)> = terms
            .iter()
            .filter_map(|t| text.find(t).map(|s| (s, s + t.len())))
            .collect();
        health.sort_unstable();
        told_of(text, &health, |t| t == "hospital")
            .into_iter()
            .map(|(s, e)| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn a_relative_with_a_health_fact_is_told_of() {
        assert_eq!(
            spans(
                "would you pop in on mum? she's been poorly since the op, back on the water tablets",
                &["water tablets"]
            ),
            ["mum"]
        );
        assert_eq!(
            spans("My dad's dialysis moved to Friday.", &["dialysis"]),
            ["My dad's"]
        );
        assert_eq!(
            spans(
                "uncle bayo is finally on the list for a kidney",
                &["list for a kidney"]
            ),
            ["uncle bayo"]
        );
        assert_eq!(
            spans(
                "a mãe anda muito esquecida, não toma o remédio de pressão",
                &["remédio de pressão"]
            ),
            ["a mãe"]
        );
        assert_eq!(
            spans("у мамы опять давление скачет", &["давление скачет"]),
            ["у мамы"]
        );
    }

    #[test]
    fn no_one_in_care_is_told_of() {
        for (t, term) in [
            ("In loving memory of my dad, who had dementia.", "dementia"),
            ("If your child has a fever, call the GP.", "fever"),
            ("My mum works as a nurse on the dementia ward.", "dementia"),
            ("My mum worked at the hospital for 30 years.", "hospital"),
            (
                "Running the 10k for my nan, who lost her fight with cancer.",
                "cancer",
            ),
            (
                "My dad loves his garden.\n\nThe flu clinic opens on Monday.",
                "flu clinic",
            ),
        ] {
            assert_eq!(spans(t, &[term]), Vec::<String>::new(), "{t}");
        }
    }
}
