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
use crate::policy::text::{after, before, ceil_boundary};
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
    clinical_note: Regex,
    fiction: Regex,
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
            r"(?i)(?:(?-u:\b)(?:my|your|ur)\s+(?:(?:poor|old|elderly|little|dear|darling|step-?|great-?)\s*)?",
            r"(?:mum|mom|mummy|mommy|mother|dad|daddy|father|nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|granddaughter|wife|husband|hubby|partner|boyfriend|girlfriend|son|daughter|brother|sister|aunt|auntie|aunty|uncle|cousin|nephew|niece|mother-in-law|father-in-law|fianc[ée]e?|stepmum|stepdad)",
            r"(?:'s|’s)?(?-u:\b)",
            r"|(?-u:\b)our\s+(?:mum|mom|mam|mother|dad|father|nan|nana|gran|granny|grandma|grandad|grandpa|son|daughter|baby|boy|girl)(?:'s|’s)?(?-u:\b)",
            r"|(?-u:\b)(?-i:uncle|auntie|aunty|aunt|nana|nanna|grandma|grandpa|granny|grandad|cousin)\s+(?-i:\p{Ll}[\p{Ll}'’-]+)",
            r"|(?:^|[^\p{L}])(?:abuela|abuelo|vov[óô]|nonna|nonno|babcia|dziadek|kuya|tita|tito|mamie)\s+(?-i:\p{Lu}\p{Ll}+)",
            r"|(?-u:\b)(?:mum|mom|dad|nana|nanna|granny|grandma|grandad|grandpa)(?:'s|’s)?(?-u:\b)",
            r"|(?:^|[^\p{L}])(?:mi|mis|nuestra|nuestro)\s+(?:madre|padre|mamá|papá|abuela|abuelo|esposo|esposa|marido|hij[oa]|herman[oa]|tí[oa])(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:minha|meu|nossa|nosso|(?-i:a))\s+(?:mãe|mae|pai|avó|avô|marido|esposa|filh[oa]|irmã|irmão)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:ma|mon|notre)\s+(?:mère|père|mamie|papi|mari|femme|fils|fille|sœur|soeur|frère|tante|oncle|grand-mère|grand-père)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:meine?|unsere?)\s+(?:mutter|vater|mama|papa|oma|opa|mann|frau|sohn|tochter|schwester|bruder|tante|onkel|großmutter|großvater)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:mia|mio|nostra|nostro)\s+(?:madre|padre|mamma|papà|nonna|nonno|marito|moglie|figli[oa]|sorella|fratello|zi[ao])(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:mijn|onze)\s+(?:moeder|vader|mama|papa|oma|opa|man|vrouw|zoon|dochter|zus|broer|tante|oom)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:moja|mój|moj|nasza|nasz|mojej|mojego|mojemu)\s+(?:mama|mamie|mamy|matka|tata|taty|tacie|ojciec|babcia|babci|dziadek|dziadka|mąż|męża|żona|żony|syn|syna|córka|córki)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:у\s+(?:моей\s+|моего\s+)?(?:мамы|папы|бабушки|дедушки|мужа|жены|сына|дочери)|(?:моя|мой|моей|моего|моему|мою|наша|наш)\s+(?:мама|маме|маму|мамы|папа|папы|папе|бабушка|бабушки|дедушка|муж|мужа|жена|жены|сын|сына|дочь|дочери))(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:annem|annemin|anneme|babam|babamın|babama|eşim|eşimin|oğlum|oğlumun|kızım|kızımın|ninem|dedem)(?:$|[^\p{L}])",
            // Czech, Slovak, Croatian, Serbian, Slovenian.
            r"|(?:^|[^\p{L}])(?:můj|môj|moj|moja|moje|náš|naša|naše|naš|naša)\s+(?:syn|sin|dcera|dcéra|kći|kćer|hči|manžel|manželka|muž|mož|suprug|supruga|žena|máma|maminka|mama|mamka|matka|majka|mati|otec|oče|otac|tata|táta|babička|baka|babica|dědeček|deda|djed|dedek|brat|sestra)(?:$|[^\p{L}])",
            // Lithuanian, Latvian, Romanian, Greek.
            r"|(?:^|[^\p{L}])(?:mano\s+(?:sūnus|dukra|mama|motina|tėvas|tėtis|vyras|žmona|senelis|senelė|brolis|sesuo)|(?:mans|mana)\s+(?:tēvs|dēls|vīrs|māte|mamma|meita|sieva|vectēvs|vecmāmiņa|brālis|māsa)|(?:mama|tatăl|tata|fiul|fiica|soțul|soția|sotul|sotia|bunica|bunicul)\s+(?:mea|meu)|(?:η|ο)\s+(?:μητέρα|μαμά|πατέρας|μπαμπάς|γιος|κόρη|άντρας|σύζυγος|γυναίκα|γιαγιά|παππούς)\s+μου)(?:$|[^\p{L}])",
            // Finnish and Hungarian write the possessive into the word.
            r"|(?:^|[^\p{L}])(?:poikani|tyttäreni|äitini|isäni|mieheni|vaimoni|mummoni|pappani|fiam|lányom|anyám|anyukám|apám|apukám|férjem|feleségem|nagymamám|nagypapám)(?:$|[^\p{L}])",
            r"|(?:^|[^\p{L}])(?:bà\s+nội|ông\s+nội|bà\s+ngoại|ông\s+ngoại|mẹ\s+tôi|bố\s+tôi|ba\s+tôi|chồng\s+tôi|vợ\s+tôi|mẹ\s+em|bố\s+em)(?:$|[^\p{L}])",
            r")",
        )),
        clinical_note: re(r"(?i)(?-u:\b)(?:pt|patient|client|resident|member)(?-u:\b)"),
        fiction: re(
            r"(?i)(?-u:\b)(?:novel|film|movie|netflix|episodes?|tv\s+series|series\s+(?:one|two|three|[0-9])|seasons?\s+[0-9]|box\s+set|binge\w*|we(?:'re|\s+are)\s+reading|reading\s+(?:group|list)|forward\s+to\s+a\s+friend|lyrics|chorus|verse\s+[0-9]|song|album|book\s+club|characters?|plot|starring|screenplay|memoir|paperback|hardback|bestseller|reviewed|trailer|sitcom|comedian|joke|stand-?up)(?-u:\b)",
        ),
        // A relative who has died: a memorial, a dedication, a loss.
        died: re(
            r"(?i)(?-u:\b)(?:passed\s+away|passed\s+on|(?:has|had|who)\s+died|died\s+(?:on|in|last|peacefully|after|of|from|at|suddenly|yesterday)|dying\s+days|funeral|memorial|in\s+(?:loving\s+)?memory|rip|rest\s+in\s+peace|no\s+longer\s+with\s+us|slipped\s+away|(?:who|that)\s+(?:we|i)\s+lost|lost\s+to\s+\w+|late\s+(?:mum|mom|mother|dad|father|husband|wife|nan|gran|grandma|grandad|grandpa|grandmother|grandfather)|lost\s+(?:my|our|her|his)\s+(?:mum|mom|mother|dad|father|husband|wife|nan|gran|grandma|grandad|grandpa|son|daughter|brother|sister)(?:\s|[,.]|$)|lost\s+(?:her|his|their)\s+(?:fight|battle)|bereave\w*|condolences|anniversary\s+of\s+(?:her|his|their|my|our)\s+death|fallecid[oa]|falleci[óo]|faleceu|falecid[oa]|décéd[ée]e?|verstorben|gestorben|zmarł[a]?|overleden|scomparso|scomparsa)(?-u:\b)",
        ),
        // Advice or a question to any reader, a story's character, or a
        // relative's plans and dreams: no one's care.
        anyone: re(
            r"(?i)(?:(?-u:\b)(?:if|when|whether|does|do|is|has|can|could|help|helping|give|protect|keep|make\s+sure|ensure|before|until|unless|every|any|where|as|like|say|for|treat|spoil)\s*$)",
        ),
        // The relative's job, studies or cause, not their care.
        work: re(
            r"(?i)(?:(?-u:\b)(?:works?|worked|working|job|career|retir\w*|years\s+as\s+an?|runs|organi[sz]\w*|hosts|chairs|founded|bring|brings|bringing|fair|stall|raffle|bake\s+sale|ricett\w*|recipes?|recetas?|recettes?|rezepte?|per\s+chi|for\s+(?:those|anyone|people)|para\s+quem|pour\s+ceux|fundrais\w*|sponsor\w*|raising\s+money|charity|research\w*|studying|studies|volunteer\w*|(?:is|was|'s|’s|became|trained\s+as|works\s+as|qualified\s+as)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:nurse|doctor|surgeon|physio\w*|paramedic|midwife|carer|consultant|\w+ologist|\w+iatrist|anaesthetist|anesthetist|vet|veterinar\w*|dentist|pharmacist|optician|optometrist|therapist|radiographer|sonographer|technician|porter|receptionist|gp|scientist|manager))(?-u:\b)|(?-u:\b)(?:nurse|doctor|surgeon|\w+ologist|anaesthetist|anesthetist|vet|dentist|pharmacist|gp|consultant)\s*,)",
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
    // A novel's, a film's or a song's family, a review of one: no one's.
    let mut fiction = None;
    for m in r.kin.find_iter(text).take(256) {
        if out.len() >= MAX_FOUND {
            break;
        }
        let (s, e) = trim_edges(text, m.start(), m.end());
        if s >= e {
            continue;
        }
        let sentence_start = sentence_start(text, s);
        let head = &text[sentence_start..s];
        // `our Mother's Day massage`, `Father's Day`.
        let day = after(text, e, 4).trim_start().starts_with("Day");
        if day
            || r.anyone.is_match(head)
            || someone_elses(text, s, e)
            || title_before_a_word(&text[s..e])
            || owns_the_fact(text, e)
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
        if *fiction.get_or_insert_with(|| r.fiction.is_match(text)) {
            break;
        }
        // A job or a cause between the relative and the fact.
        let between = if hs >= e { &text[e..hs] } else { &text[he..s] };
        if r.work.is_match(between) || names_a_cause(text, he) {
            continue;
        }
        // `pt said mom, who had breast cancer`: a bare `mom` in a
        // clinician's note is the patient's relative (family history).
        let bare = !text[s..e].contains(' ');
        if bare && r.clinical_note.is_match(head) {
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
    // `MoM` (multiples of the median), `DAD`: lower case or capitalised only.
    if !word.as_bytes()[1..].iter().all(u8::is_ascii_lowercase) {
        return true;
    }
    // Ghana's `Nana` is a title of its own before a name (`Nana Yaw`).
    if word == "Nana"
        && after(text, e, 24)
            .strip_prefix(' ')
            .is_some_and(|r| r.starts_with(|c: char| c.is_uppercase()))
    {
        return true;
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

/// `my dad's GP surgery`, `mum's dog`, `my sister company`: the fact
/// belongs to what the relative owns or to someone else.
fn owns_the_fact(text: &str, e: usize) -> bool {
    const OWNED: &[&str] = &[
        "dog",
        "dogs",
        "cat",
        "cats",
        "horse",
        "pet",
        "puppy",
        "kitten",
        "friend",
        "friends",
        "neighbour",
        "neighbor",
        "neighbours",
        "colleague",
        "colleagues",
        "boss",
        "company",
        "business",
        "shop",
        "firm",
        "practice",
        "surgery",
        "car",
        "house",
        "flat",
        "garden",
        "charity",
        "ride",
        "work",
        "job",
        "office",
        "club",
        "team",
        "birthday",
        "book",
        "film",
        "patients",
        "patient",
        "clients",
        "students",
        "pupils",
        "school",
        "ward",
        "clinic",
        "hospital",
        "organisation",
        "organization",
        "brand",
        "store",
    ];
    let next = after(text, e, 32)
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    OWNED.contains(&next.as_str())
        || (next == "gp"
            && after(text, e, 40)
                .to_ascii_lowercase()
                .contains("gp surgery"))
}

/// `diabetes charity walk`, `cancer research`: the fact names a cause or
/// an event, not anyone's condition.
fn names_a_cause(text: &str, he: usize) -> bool {
    const CAUSES: &[&str] = &[
        "charity",
        "walk",
        "run",
        "ride",
        "fundraiser",
        "camp",
        "fair",
        "awareness",
        "association",
        "society",
        "foundation",
        "uk",
        "research",
        "trust",
        "appeal",
        "week",
        "month",
        "day",
        "conference",
        "group",
        "benefit",
        "concert",
        "gala",
        "auction",
        "event",
        "ball",
        "quiz",
    ];
    let next = after(text, he, 24)
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    CAUSES.contains(&next.as_str())
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
            && (c != b'\n'
                || (i >= 2 && b[i - 2] == b'\n')
                || (i >= 3 && b[i - 2] == b'\r' && b[i - 3] == b'\n'))
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
            (
                "My dad loves his garden.\r\n\r\nThe flu clinic opens on Monday.",
                "flu clinic",
            ),
            (
                "If your partner is pregnant you may take leave.",
                "pregnant",
            ),
            (
                "Treat your mum to our Mother's Day massage for back pain.",
                "back pain",
            ),
            ("Uncle Ben's rice is fine for diabetes.", "diabetes"),
            ("Nana Yaw will count the asthma inhalers.", "asthma"),
            (
                "My dad is retiring after 35 years as an anaesthetist; hip replacements",
                "hip replacements",
            ),
            (
                "My sister is an oncologist treating breast cancer.",
                "breast cancer",
            ),
            ("my mum's dog has diabetes", "diabetes"),
            (
                "A mãe deve procurar o pediatra se o bebé tiver febre.",
                "febre",
            ),
            (
                "Finished The Big C with my mum - series one was great.",
                "The Big C",
            ),
            ("the PAPP-A MoM was low, diabetes screen", "diabetes"),
            ("My mother runs the diabetes charity walk.", "diabetes"),
        ] {
            assert_eq!(spans(t, &[term]), Vec::<String>::new(), "{t}");
        }
    }
}
