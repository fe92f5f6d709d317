//! Health-term detector: conditions, medications, procedures.
//!
//! The shipped list (`data/health_terms.txt`) is matched case-insensitively
//! as whole words. Every term begins with a word character, so a whole-word
//! match can only start where a word starts: the scan walks the word starts
//! and runs the Aho-Corasick automaton, anchored, only where the first two
//! bytes begin some term. At each such start it takes the longest term that
//! ends where a word ends: the longest match, or else the longest shorter
//! term that is a prefix of it ("anxiety" in "anxiety disorders", "MRI" in
//! "MRI scans"); it then resumes after that term. A match that is no whole
//! word does not hide the word starts inside it ("back pain" in "slow back
//! pain"). Linear time, and every byte is looked at once, not searched.
//! The walk also reports every ASCII word boundary (inside found terms and
//! past the cap too) to its caller, which picks the anchor keywords'
//! openings in the same pass (`anchored`).
//! Terms are supporting evidence, never PHI on their own. Confidence: a term
//! in a segment that also carries clinical-care wording about an individual
//! (diagnosed, Dx, prescribed, refill, discharged, "patient:", "history of",
//! a dosage such as "10 mg") → high; a term alone → medium.

use super::pairs::PairSet;
use super::re;
use super::tokens::{is_word, word_run_end};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

const TERMS: &str = include_str!("../data/health_terms.txt");

struct Res {
    terms: Option<Terms>,
    care: Regex,
    bulk: Regex,
}

struct Terms {
    /// Leftmost-longest, ASCII case-insensitive; anchored when `openings`
    /// is known, else unanchored.
    ac: AhoCorasick,
    /// The (first, second) byte pairs that begin a term, both cases; None
    /// when some term does not begin with a word character followed by
    /// another byte (then every byte is searched, unanchored).
    openings: Option<PairSet>,
    /// The terms' first words (as `WordFilter::keys` folds them): a term can
    /// only be whole-word at a word start whose word is one of these, so
    /// the automaton runs nowhere else.
    first_words: WordFilter,
    /// For each term, the lengths of the other, shorter terms that are a
    /// prefix of it (ASCII case-insensitive), longest first.
    shorter: Vec<Vec<usize>>,
    /// The terms of several words (anchored, walked a byte at a time), the
    /// first words of such terms and the longest: where one may run over a
    /// line break (see `wrapped`).
    multi: aho_corasick::dfa::DFA,
    multi_first: WordFilter,
    longest_multi: usize,
    /// Terms that open with one of the commonest words (`the big c`, `her
    /// meds`), held without it: such a word would start an automaton run
    /// at nearly every word of prose. Key: the rest, lower case, blanks as
    /// one space; value: the words one of which must come just before it.
    /// (A term that is also listed without its lead needs none.)
    leads: HashMap<Vec<u8>, Vec<&'static str>>,
    /// The first words of those rests: only a match opening with one is
    /// looked up in `leads`.
    led_first: WordFilter,
}

/// Words too common to open a term (see `Terms::leads`).
const COMMON_LEADS: &[&str] = &[
    "the", "a", "an", "on", "in", "of", "to", "and", "at", "la", "le", "de", "di", "el", "il",
    "it", "un", "une", "her", "his", "your", "my", "our", "their",
];

/// A term's lead and its rest (`the big c` → `the`, `big c`), when it
/// opens with one of `COMMON_LEADS`.
fn split_lead(t: &str) -> Option<(&str, &str)> {
    let (first, rest) = t.split_once(' ')?;
    let rest = rest.trim_start();
    (COMMON_LEADS.iter().any(|l| first.eq_ignore_ascii_case(l))
        && rest.as_bytes().first().is_some_and(|&c| is_word(c)))
    .then_some((first, rest))
}

/// Lower case, each run of blanks (a wrapped term's line break too) as
/// one space.
fn lead_key(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    for &c in b {
        if c.is_ascii_whitespace() || c == b'>' {
            if out.last() != Some(&b' ') {
                out.push(b' ');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

impl Terms {
    fn new(list: &[&'static str]) -> Option<Terms> {
        let bare: std::collections::HashSet<Vec<u8>> = list
            .iter()
            .filter(|t| split_lead(t).is_none())
            .map(|t| lead_key(t.as_bytes()))
            .collect();
        let mut leads: HashMap<Vec<u8>, Vec<&'static str>> = HashMap::new();
        let mut led_first = WordFilter::empty();
        let mut stripped: Vec<&'static str> = Vec::with_capacity(list.len());
        for &t in list {
            match split_lead(t) {
                Some((lead, rest)) => {
                    let key = lead_key(rest.as_bytes());
                    if !bare.contains(&key) {
                        led_first.insert(&rest.as_bytes()[..word_run_end(rest.as_bytes(), 0)]);
                        leads.entry(key).or_default().push(lead);
                    }
                    stripped.push(rest);
                }
                None => stripped.push(t),
            }
        }
        stripped.sort_unstable();
        stripped.dedup();
        let list = &stripped[..];
        let openings = openings_of(list);
        let start = if openings.is_some() {
            StartKind::Anchored
        } else {
            StartKind::Unanchored
        };
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // A full DFA: one table lookup per byte (the default NFA is
            // several times slower on prose).
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(start)
            .build(list)
            .ok()?;
        let shorter = list
            .iter()
            .map(|t| {
                let mut lens: Vec<usize> = list
                    .iter()
                    .filter(|p| {
                        p.len() < t.len()
                            && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                    })
                    .map(|p| p.len())
                    .collect();
                lens.sort_unstable_by(|a, b| b.cmp(a));
                lens.dedup();
                lens
            })
            .collect();
        let mut first_words = WordFilter::empty();
        let mut multi_first = WordFilter::empty();
        let mut longest_multi = 0;
        for t in list {
            let b = t.as_bytes();
            first_words.insert(&b[..word_run_end(b, 0)]);
            if b.contains(&b' ') {
                multi_first.insert(&b[..word_run_end(b, 0)]);
                longest_multi = longest_multi.max(b.len());
            }
        }
        let multi = aho_corasick::dfa::DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(list.iter().filter(|t| t.contains(' ')))
            .ok()?;
        Some(Terms {
            ac,
            openings,
            first_words,
            shorter,
            multi,
            multi_first,
            longest_multi,
            leads,
            led_first,
        })
    }

    /// Where the term found at `start..e` begins: at its lead when it is
    /// held without one (`the` of `the big c`), at `start` when it needs
    /// none; None when its lead is missing (`Big C supermarket`).
    fn lead_start(&self, b: &[u8], start: usize, e: usize) -> Option<usize> {
        if self.leads.is_empty()
            || !self
                .led_first
                .may_contain(&b[start..word_run_end(b, start)])
        {
            return Some(start);
        }
        let Some(want) = self.leads.get(&lead_key(&b[start..e])) else {
            return Some(start);
        };
        let mut we = start;
        while we > 0 && matches!(b[we - 1], b' ' | b'\t' | b'\r' | b'\n') {
            we -= 1;
        }
        let mut ws = we;
        while ws > 0 && is_word(b[ws - 1]) {
            ws -= 1;
        }
        let word = &b[ws..we];
        (ws < we && want.iter().any(|l| word.eq_ignore_ascii_case(l.as_bytes()))).then_some(ws)
    }

    /// Whole-word term spans of `text`.
    #[cfg(test)]
    fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        self.walk(text, |_, _| {})
    }

    /// Whole-word term spans of `text`, by the walk described in the module
    /// header. `on_boundary(i, word_start)` is called at every ASCII word
    /// boundary, in order (a word starts or ends at `i`), so that another
    /// detector can pick its own openings in the same pass.
    pub fn walk(
        &self,
        text: &str,
        mut on_boundary: impl FnMut(usize, bool),
    ) -> Vec<(usize, usize)> {
        let Some(openings) = &self.openings else {
            let mut prev = false;
            for (i, &c) in text.as_bytes().iter().enumerate() {
                let w = is_word(c);
                if w != prev {
                    on_boundary(i, w);
                }
                prev = w;
            }
            return everywhere(&self.ac, text);
        };
        let b = text.as_bytes();
        let n = b.len();
        let word_end = |e: usize| e >= n || !is_word(b[e]);
        let mut spans = Vec::new();
        // Terms may start again here (after the last term found).
        let mut resume = 0;
        let mut next_nl = 0;
        let mut prev = false;
        let mut i = 0;
        while i < n {
            let w = is_word(b[i]);
            if w == prev {
                i += 1;
                continue;
            }
            prev = w;
            on_boundary(i, w);
            let start = i;
            // The word's own octets hold no boundary: go to its end at once.
            i = if w { word_run_end(b, i + 1) } else { i + 1 };
            if !w
                || start < resume
                || start + 1 >= n
                || !openings.contains(b[start], b[start + 1])
                || !self.first_words.may_contain(&b[start..i])
                || after_letter(text, start)
            {
                continue;
            }
            let input = Input::new(text).range(start..).anchored(Anchored::Yes);
            let found = self.ac.find(input).and_then(|m| {
                if word_end(m.end()) {
                    return Some(m.end());
                }
                self.shorter[m.pattern().as_usize()]
                    .iter()
                    .map(|&len| start + len)
                    .find(|&e| word_end(e))
            });
            // `multiple\nsclerosis`: a term of several words that a hard
            // wrap (or a quoted reply's `> `) broke over two lines.
            // The next line break, sought again only once passed.
            if next_nl < i {
                next_nl = memchr::memchr(b'\n', &b[i..]).map_or(n, |k| i + k);
            }
            let wrap = next_nl < n
                && next_nl < start + self.longest_multi + 8
                && self.multi_first.may_contain(&b[start..i]);
            let found = match wrap.then(|| self.wrapped(b, start, next_nl)).flatten() {
                Some(w) if found.is_none_or(|e| w > e) => Some(w),
                _ => found,
            };
            // `Booking CT-5521`, `MRI #20931`: a short term that keys a
            // reference number is a code.
            let found = found.filter(|&e| !(e - start <= 3 && keys_a_number(&b[e..])));
            let found = found.and_then(|e| Some((self.lead_start(b, start, e)?, e)));
            if let Some((start, e)) = found {
                // A lead never reaches back into the term before.
                let start = spans.last().map_or(start, |&(_, pe)| start.max(pe));
                spans.push((start, e));
                // Past the cap, the walk goes on for `on_boundary` only.
                resume = if spans.len() >= MAX_SPANS { n } else { e };
            }
        }
        spans
    }
}

impl Terms {
    /// The end of a term of several words that starts at `start` and runs
    /// over the line break at `nl` (after its first word), read as if the
    /// break (with a quoted reply's `>` marks and the spaces around it)
    /// were one space. None when no such term starts there.
    fn wrapped(&self, b: &[u8], start: usize, nl: usize) -> Option<usize> {
        use aho_corasick::automaton::Automaton;
        // The automaton walks the text with each run of blanks fed as one
        // space; most walks die within a few bytes.
        let dfa = &self.multi;
        let mut sid = dfa.start_state(Anchored::Yes).ok()?;
        let mut longest = None;
        let (mut j, mut fed) = (start, 0);
        while j < b.len() && fed <= self.longest_multi {
            if matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
                let mut breaks = 0;
                while j < b.len() {
                    match b[j] {
                        b'\n' => breaks += 1,
                        b' ' | b'\t' | b'\r' => {}
                        b'>' if breaks > 0 => {}
                        _ => break,
                    }
                    j += 1;
                }
                // A blank line ends a paragraph: no term runs across it.
                if breaks > 1 {
                    break;
                }
                sid = dfa.next_state(Anchored::Yes, sid, b' ');
            } else {
                sid = dfa.next_state(Anchored::Yes, sid, b[j]);
                j += 1;
                if dfa.is_match(sid) && j > nl && (j >= b.len() || !is_word(b[j])) {
                    longest = Some(j);
                }
            }
            fed += 1;
            if dfa.is_dead(sid) {
                break;
            }
        }
        longest
    }
}

/// A Bloom filter (two hashes over 64 Kbit) of words, ASCII case folded:
/// a word not in it is in no term's first word; a word in it may be (a
/// false positive costs one anchored automaton run, about 2 % of the
/// words not in it with the shipped list; one hash let `in` through).
struct WordFilter {
    bits: Box<[u64; 1024]>,
    /// The longest word inserted: a longer one is in no term.
    longest: usize,
}

impl WordFilter {
    fn empty() -> WordFilter {
        WordFilter {
            bits: Box::new([0; 1024]),
            longest: 0,
        }
    }

    /// Two 16-bit keys of FNV-1a over the word's bytes with the ASCII
    /// case bit set (word bytes are `[0-9A-Za-z_]`, on which that folding
    /// is one-to-one).
    fn keys(w: &[u8]) -> [usize; 2] {
        // FNV's high bits are poorly mixed for short words: one multiply
        // by the golden ratio spreads them.
        let h = crate::util::fnv::fnv1a(w.iter().map(|&c| c | 0x20))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        [(h >> 48) as usize, (h >> 32) as usize & 0xFFFF]
    }

    fn insert(&mut self, w: &[u8]) {
        for k in Self::keys(w) {
            self.bits[k >> 6] |= 1 << (k & 63);
        }
        self.longest = self.longest.max(w.len());
    }

    fn may_contain(&self, w: &[u8]) -> bool {
        if w.len() > self.longest {
            return false;
        }
        Self::keys(w)
            .iter()
            .all(|&k| self.bits[k >> 6] & (1 << (k & 63)) != 0)
    }
}

/// The pairs that open a term (both ASCII cases), or None when some term
/// does not begin with a word byte followed by another byte.
fn openings_of(list: &[&str]) -> Option<PairSet> {
    let mut set = PairSet::empty();
    for t in list {
        let &[a, b, ..] = t.as_bytes() else {
            return None;
        };
        if !is_word(a) {
            return None;
        }
        for x in [a.to_ascii_lowercase(), a.to_ascii_uppercase()] {
            for y in [b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
                set.insert(x, y);
            }
        }
    }
    Some(set)
}

/// The shipped terms, without comments and blank lines.
/// The list's terms of one word (for `morphology::inflected`).
pub(super) fn single_word_terms() -> impl Iterator<Item = &'static str> {
    TERMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(' '))
}

fn term_list() -> Vec<&'static str> {
    TERMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let list = term_list();
        Res {
            terms: Terms::new(&list),
            // Newsletters, event and marketing mail and manufacturers'
            // recall notices speak of health to many readers: their care
            // wording ("thousands are diagnosed...", "500 mg tablets")
            // concerns no one in particular.
            bulk: re(&format!(
                r"(?i)(?-u:\b)(?:unsubscribe|newsletter|view\s+(?:it\s+)?in\s+(?:your\s+)?browser|manage\s+(?:your\s+)?(?:email\s+)?preferences|webinar|conference|symposium|summit|registration|register\s+(?:now|today|here)|attendees|keynote|early[- ]bird|cme\s+credits?|job\s+(?:posting|opening)|we\s+are\s+hiring|requisition|(?:voluntary|product|drug|device|class\s+i{{1,3}})\s+recall|(?:drug|product|supply)\s+shortages?|shortage\s+(?:notice|update|alert)|on\s+allocation|recall\s+notice|(?:pull|remove)\s+from\s+(?:the\s+)?shelves|(?:disease|influenza|flu|covid-19|syndromic|respiratory\s+virus)\s+surveillance|surveillance\s+(?:report|bulletin|data|summary|update)|per\s+100,?000|public\s+health\s+(?:bulletin|advisory|alert|update)|health\s+alert\s+network|p&t\s+committee|pharmacy\s+(?:and|&)\s+therapeutics\s+committee|no\s+prescription\s+(?:needed|required)|discreet\s+(?:worldwide\s+)?shipping|to\s+be\s+removed(?:,\s+click|\s+from\s+(?:this|our|the|all)\s+(?:mailing|email|distribution)\s+list)|{FICTION})(?-u:\b)|(?-u:\b)(?:up\s+to\s+[0-9]{{1,2}}%\s+off|(?:2|two)\s+for\s+(?:1|one)|half\s+price|buy\s+one,?\s+get\s+one|bogof)(?-u:\b)|(?-u:\b)(?-i:RECALL)\s*:[^\n]{{0,120}}(?-u:\b)(?i:lots?|ndc|batch|shelves)(?-u:\b)"
            )),
            care: re(
                r"(?i)(?-u:\b)(?:diagnos(?:ed|is|es)|(?:la|lo|le|me|te|nos)\s+(?:operaron|intervinieron)|(?:el|la|els|les|em|et|ens|li)\s+van\s+(?:operar|ingressar)|(?:va\s+ser|ha\s+estat)\s+(?:operat|operada|ingressat|ingressada)|(?:fue|ha\s+sido|será)\s+(?:operad[oa]|intervenid[oa])|(?:wurde|wird)\s+(?:am\s+\S+\s+)?operiert|foi\s+operad[oa]|(?:werd|wordt)\s+geopereerd|(?:on|off)\s+sick\s+leave\s+(?:with|for|due\s+to|because\s+of|after|following)|(?:in|im)\s+krankenstand\s+(?:wegen|mit)|krankgeschrieben\s+(?:wegen|mit)|de\s+baja\s+(?:por|con)|en\s+arr[êe]t\s+(?:maladie\s+)?(?:pour|pour\s+cause\s+de)|in\s+malattia\s+per|(?:sairauslomalla|sjukskriven|sykmeldt|sygemeldt|ziek\s?gemeld|na\s+zwolnieniu\s+lekarskim|na\s+nemocensk[ée]|na\s+bolni[šs]ki|na\s+bolovanju|haiguslehel|betegszabads[áa]gon|hastal[ıi]k\s+izninde)(?:[^\S\n]+[^\s.;:!?]+){0,5}?[^\S\n]+(?:j[äa]lkeen|takia|vuoksi|efter\s+(?:sin|sitt|en|ett|operation)|f[öo]r\s+[^\s.;:!?]*(?:syndrom|sjukdom|sykdom|besvär|skada|skade|operation|operasjon|infektion|infeksjon|depression|depresjon|cancer|kreft|fraktur|brud|smärtor|smerter)|p[åa]\s+grund|etter|wegens|z\s+powodu|kv[ůu]li|zaradi|zbog|nakon|poslije|p[äa]rast|t[õo]ttu|miatt|nedeniyle|sonras)|viral\s+load\s+(?:is\s+|was\s+|remains\s+|now\s+)?(?:undetectable|suppressed|<\s?[0-9]|[0-9])|undetectable\s+viral\s+load|called\s+it\s+an?\s+(?:[a-z-]+\s+)?(?:concussion|sprain|fracture|break|infection|virus|flu|strep|uti|pneumonia|migraine|stroke|seizure|rash|allergic\s+reaction)|(?:his|her|their)\s+(?:[a-z-]+\s+){0,2}(?:asthma|allergy|allergies|inhalers?|epi-?pens?|seizures?|concussion|diabetes|insulin|adhd|meds|medications?|infection|flare|eczema|migraines?|pneumonia|fracture|stitches|strep)|dx|icd-?10(?:\s*(?:[:#=(]|codes?\s*[:=(]|dx)|\s+[a-z][0-9])|prescribed|refill|discharged|admitted|treated\s+for|treatment\s+(?:for|plan)|history\s+of|hx\s+of|presents\s+with|complains\s+of|chief\s+complaint|lab\s+results?|test\s+results?|(?:is|was|now|still)\s+(?:on|in)\s+(?:the\s+)?(?:ccu|icu|hdu|itu|cicu|picu|nicu)|(?:after|since|following)\s+(?:his|her|their)\s+(?:[a-z-]+\s+){0,2}(?:bypass|surgery|operation|op|stroke|heart\s+attack|fracture|transplant|procedure|reconstruction)|ameliyat[ıi]?\s+sonras|[0-9]+(?:[.,][0-9]+)?\s?(?:ng|pg|ug|mg|mmol|umol|nmol|pmol|g|iu|meq)/(?:l|dl|ml)|[0-9]+\s?(?:mg|mcg)|[0-9]+\s?(?:ml|units)\s+(?:of|daily|twice|once|every|at\s+bedtime|before\s+meals|subcut[a-z]*|iv|po)|(?:qbl|ebl)\s*[0-9]+\s?ml|(?:bp|blood\s+pressure)\s*:?\s*[0-9]{2,3}/[0-9]{2,3}|(?:your|his|her)\s+(?:bp|blood\s+pressure)[a-z ]{0,30}\s[0-9]{2,3}/[0-9]{2,3}|(?:blood\s+sugar|glucose)\s*(?:of|was|is|:)?\s*[0-9]{2,3}|a1c[^\S\t]*(?:of|was|is|:)?[^\S\t]*[0-9]{1,2}(?:\.[0-9])?[^\S\t]?%?|visit\s+for|you(?:'re|’re|\s+are)\s+(?:all\s+)?(?:booked|scheduled)\s+(?:in\s+)?with\s+(?:dr|doctor|nurse|dentist|hygienist|optometrist|optician|audiologist|physio(?:therapist)?|therapist|midwife|counsel+or|chiropractor|podiatrist)|(?:votre|ta|sa)\s+tension\s+(?:art[ée]rielle\s+)?(?:[ée]tait|est|reste)|randevunuz|new\s+pt\s+(?:for|on|today|tomorrow|tmrw|this|next|at|in|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)|claim\s+processed\s+for|reason\s+for\s+(?:referral|visit)|(?:about|regarding)\s+(?:his|her|their)\s+(?:[a-z-]+\s+){0,2}(?:biopsy|results?|labs?|scan|mri|x-?ray|surgery|procedure|prescription|medications?|diagnosis|treatment|pathology|tests?)|(?:your|ur)\s+(?:[a-z0-9'-]+\s+){0,2}(?:appointment|prenatal\s+visit|procedure|surgery|biopsy|results?|scan|mri|infusion|chemo[a-z]*|treatment|prescriptions?|medications?|diagnosis|lab\s*work|labs|tests?|screening)|well[- ]child\s+(?:visit|check|exam)|(?:is|are)\s+due\s+for\s+(?:his|her|their|your)\s+(?:[a-z0-9'-]+\s+){0,2}(?:visit|check-?up|vaccin[a-z]*|shots?|immuni[sz]ations?|booster|dose|physical|exam|screening|well[- ]child)|sus\s+resultados|su\s+(?:cita|receta|tratamiento|diagn[óo]stico)|seus\s+resultados|alta\s+hospitalar|prescreveram|recetaron|diagnosticad[oa]s?|(?:me|le|te|nos|les|lhe|mi\s+hanno|mi\s+ha)\s+(?:diagnosticaron|diagnosticou|diagnosticaram|diagnosticato|diagnosticata)|diagnostiqu[a-z]*|vos\s+r[ée]sultats|ihr(?:en|e)?\s+(?:termine?|befund)|krankengymnastik\s+nach|(?:sua|su)\s+consulta\s+(?:m[ée]dica|pr[ée]-natal|de\s+(?:retorno|seguimiento|control|rotina))|(?:lembramos|recordamos)\s+(?:a\s+)?(?:sua|su)\s+(?:consulta|cita)|tipo\s+sangu[íi]neo|teste\s+de\s+toler[âa]ncia|renouvellement\s+de\s+votre\s+ordonnance|ordonnance\s+m[ée]dicale|sputum\s+(?:test|exam|smear|culture)|treatment\s+card|(?:per|from)\s+(?:his|her|their)\s+(?:gynecologist|radiologist|immunologist|allergist|obstetrician|pediatrician|pcp|primary\s+care\s+(?:doctor|physician|provider)|(?:health\s*care|medical)\s+provider|neurologist|oncologist|cardiologist|dermatologist|rheumatologist|endocrinologist|gastroenterologist|urologist|psychologist|pulmonologist|nephrologist|hematologist|ophthalmologist|doctor|physician|surgeon|psychiatrist|therapist)(?:'s)?|medical\s+(?:certification|restrictions?)|infusion\s+appointments?|diagnosticat[oaie]\s+(?:una?|il|la|con)|diagnostiziert|diagnostiserade?|gediagnosticeerd\s+met|zdiagnozowano|diagnostikov(?:á|a)n[aoy]?|ricoverat[oaie]|ingresad[oa]s?\s+(?:en\s+(?:el\s+|la\s+)?(?:hospital|uci|urgencias|planta|pediatr[ií]a)|con|por)|internad[oa]s?\s+(?:(?:no|na|em|en)\s+(?:o\s+|a\s+|el\s+|la\s+)?(?:hospital|uti|uci|urg[eê]ncia)|com|con|por)|dad[oa]\s+de\s+alta\s+(?:del\s+hospital|hospitalaria|m[ée]dica)|(?:le|les)\s+(?:han\s+)?dad[oa]\s+(?:el\s+)?alta|befunde?|came\s+back\s+(?:positive|negative|abnormal|normal|clear)|(?:mri|ct|scan|x-?ray|ultrasound|biopsy|ecg|ekg|echo|audiogram|bloods|blood\s+tests?|smear|mammogram)\s+(?:on\s+(?:[0-9]{1,2}(?:st|nd|rd|th)?\s+[a-z]+|[a-z]+\s+[0-9]{1,2}|[a-z]+day)\s+)?(?:was|were)\s+(?:normal|clear|abnormal|unremarkable|negative|positive)|(?:x-?ray|scan|mri|ct|ultrasound|ecg|ekg|echo|bloods|biopsy)\s+(?:shows|showed|confirmed|revealed)|(?:is|was|been|still|remains)\s+in\s+(?:the\s+)?(?:[a-z.]+(?:['’]s)?\s+){0,2}hospital\s+(?:after|with|following|for)|(?:is|was|been|still|remains)\s+(?:in|on)\s+(?:the\s+)?(?:early\s+pregnancy|maternity|intensive\s+care|coronary\s+care|high\s+dependency|stroke|burns?|psychiatric|mental\s+health|(?:medical|surgical|acute)\s+assessment|acute\s+medical|renal|oncology|cardiac|neonatal|special\s+care\s+baby)\s+(?:unit|ward)|(?:she|he)(?:['’]s|\s+is|\s+was)\s+(?:a\s+)?(?:type\s+[12]\s+)?(?:diabetic|epileptic|asthmatic|insulin[- ]dependent)|(?:his|her)\s+(?:blood\s+)?sugar(?:s|\s+levels?)?\s+(?:was|were|went|dropped|is|had\s+dropped)\s+(?:very\s+|really\s+|too\s+)?(?:low|high|down)|(?:a\s?&\s?e|a\s+and\s+e|the\s+er|casualty|emergency\s+department)\s+(?:last\s+night|yesterday|this\s+morning|overnight)|(?:lost|losing)\s+(?:the|her|their|our)\s+baby\s+(?:on|at\s+[0-9]|last|yesterday|this|over|in\s+(?:the|her)|[-–,]\s*(?:at\s+)?[0-9]{1,2}\s+weeks)|g[1-9][0-9]?\s?p[0-9]{1,4}|[0-9]{1,2}\s?w\s?[0-6]\s?d|tested\s+positive|(?:hiv|hcv)\s?\+|(?:hiv|hcv|hep\s?c)[- ]positive|(?:re)?started\s+(?:on\s+)?(?:his|her|their)\s+(?:meds|medications?|art|treatment)|started\s+(?:him|her|me)\s+on\s+(?:[a-z]+\s+)?(?:insulin|antibiotics?|steroids?|meds|medications?|tablets|[a-z]+(?:pril|olol|statin|grel|sartan|mycin|cillin|azole|formin|xaban|parin|dipine|apine|epine|pam|lam|prosate|xetine|pramine|tyline|peridol|done|phine|oxone|trexone))|(?:one|two|three|four|half\s+a|[1-4])\s+(?:tablets?|capsules?|pills?|puffs?)\s+(?:once|twice|three\s+times|four\s+times|(?:[1-4]|one|two|three|four)\s+times)\s+(?:a|per)\s+day|on\s+the\s+(?:waiting\s+)?list\s+for\s+(?:a|an|his|her)\s+(?:[a-z-]+\s+)?(?:transplant|operation|op|surgery|[a-z]*arthroplasty|(?:hip|knee)\s+replacement|scan|mri|biopsy|colonoscopy|endoscopy|procedure)|restarted\s+meds|(?:the|an?|her|his|my)\s+op(?:eration)?\s+on\s+(?:his|her|their|my)\s+(?:left\s+|right\s+|bad\s+)?(?:wrist|hand|knee|hip|shoulder|back|foot|ankle|eyes?|elbow|neck|spine|thumb|finger|bunion|hernia)|missed\s+(?:[0-9]+|two|three|four|five|several|his|her|their|my)\s+(?:[a-z0-9.]+\s+){0,4}doses?|[0-9]+\s+puffs\s+of\s+[a-z]+|(?:do\s+not|don['’]t)\s+dose\s+(?:him|her|them|today|until)|out\s+of\s+care|(?:client|patient)\s+on\s+(?:my|our|her|his)\s+caseload|date\s+of\s+service\s*:?\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}|patient\s+name|na-?admit|ma-?discharge|na-?confine|resultados\s+d[oe]s?\s+(?:seus\s+)?exames|consulta\s+de\s+(?:retorno|seguimiento)|prenotazione\s+della\s+(?:seguente\s+)?prestazione|medico\s+curante|bệnh\s+nhân|phòng\s+khám|viêm\s+tai|bị\s+sốt|lịch\s+khám|scheduled\s+for\s+(?:surgery|a\s+biopsy|an?\s+mri|chemo[a-z]*|dialysis|infusion)|referred\s+(?:from|by|for)|referred\s+(?:him|her|them)\s+(?:on\s+)?to\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+)?(?:[a-z]+\s+){0,2}(?:crisis|camhs|cmht|mental\s+health|psychiatr[a-z]*|psycholog[a-z]*|counsell?(?:ors?|ing)|therap[a-z]*|gp|doctor|a&e|hospital|clinic|specialists?|physio[a-z]*|dietitians?)(?-u:\b)|(?:took|taken|had\s+taken)\s+an\s+overdose|seen\s+(?:in|at|by)\s+(?:a\s?&\s?e|a\s+and\s+e|casualty|the\s+(?:ed|er|emergency\s+department|crisis\s+team|school\s+nurse))(?-u:\b)|(?:made|did|wrote|completed)\s+a\s+safety\s+plan\s+(?:together|with\s+(?:him|her|them|me))|(?:his|her|their|my)\s+safety\s+plan|referral\s+(?:from|to)|intake\s+(?:appointment|assessment|scheduled|visit)|new\s+intake|s/p|post-?op(?:erative)?\s+day|pain\s+(?:score\s+)?(?:of\s+)?[0-9]{1,2}\s?/\s?10|medication\s+management|follow[- ]up\s+(?:visit|appointment)|(?:his|her|their|your|my)\s+(?:primary\s+care\s+(?:provider|physician|doctor)|pcp)|attending\s+physician(?:'s)?\s+statement|(?:my|his|her|your)\s+chart|bi-?rads\s*[0-6]|core\s+needle\s+biopsy|controlled\s+on\s+[a-z]+|(?:his|her|my)\s+(?:[a-z0-9'-]+\s+)?(?:colonoscopy|endoscopy|mammogram|biopsy|infusions?|chemo|chemotherapy|dialysis|prescriptions?|medications?|meds|lab\s+results|lab\s*work)|(?:his|her)\s+(?:[a-z0-9'-]+\s+)?(?:labs|scan|mri|surgery|bloods|blood\s+tests?|blood\s*work)|had\s+(?:a|an|my|his|her)\s+(?:[a-z0-9-]+\s+){0,3}(?:surgery|operation|(?:hip|knee|joint|valve|shoulder|lens|disc)\s+replacement|[a-z]*ectomy|[a-z]*otomy|[a-z]*plasty|arthroscopy|colonoscopy|endoscopy|transplant|stroke|heart\s+attack|asthma\s+attack|(?:allergic|anaphylactic)\s+reaction|biopsy|seizure|miscarriage|infusion|c-?section|reconstruction)|(?:(?:i['’]m|i\s+am|he['’]s|she['’]s|he\s+is|she\s+is|and|been|still|was)\s+taking|coming\s+off|came\s+off|(?:is|was|still|been|remains)\s+on)\s+(?:[a-z]+\s+)?(?:[a-z]{2,}(?:pril|olol|statin|grel|sartan|cillin|formin|xaban|parin|umab|ximab|tinib|gatran)|lithium|insulin|warfarin|methotrexate|levothyroxine|prednisolone|prednisone)|came\s+in\s+with|cause\s+of\s+death|died\s+(?:peacefully\s+)?(?:on|in)\s+(?:the\s+)?(?:ward|hospital|icu|itu|hospice|a&e|emergency\s+department)|esito\s+(?:della|del|dello|dell['’])\s*(?:risonanza|tac|ecografia|biopsia|visita|radiografia|rx|esame))(?-u:\b)|(?-u:\b)(?:patient|pt|plan)\s*:|(?-u:\b)(?:(?:po|od|przy)\s+wypis(?:ie|u)|(?:jest|by[łl]a?|jestem|by[łl]em|by[łl]am)\s+po\s+(?:udarze|zawale|operacji|zabiegu))(?-u:\b)|(?:^|[^\p{L}])(?:(?:diagn[óo]stico|diagnosi|rozpoznanie|diagn[óo]za)\s*:|(?:è|sarà)\s+stat[oa]\s+operat[oa]|(?:a\s+été|sera)\s+op[ée]r[ée]e?|m['’](?:a|ont)\s+diagnostiqu[ée]e?)(?:$|[^\p{L}])",
            ),
        }
    })
}

/// Third-person singular possessives in the languages of the term list:
/// right before a term they make it someone's (`her breast cancer`, `son
/// ulcère veineux`, `seine Dialyse`). Not the words that are also `your`
/// (Spanish and Italian `su`/`suo`, Portuguese `seu`/`sua`, German `Ihr`
/// in capitals) or `without` (Spanish `sin`), nor plurals (`their`,
/// `leur`, `hun`): a leaflet's readers and a report's patients.
const THIRD_PERSON_POSSESSIVES: &[&str] = &[
    "his", "her", "son", "sa", "ses", "sein", "seine", "seinen", "seinem", "seiner", "zijn",
    "haar", "sitt", "sina", "hennes", "jego", "jej", "jeho", "její", "jejího",
];

/// Words after a term that make it a cause or a subject of study.
const CAUSES: &[&str] = &[
    "phd",
    "research",
    "researcher",
    "awareness",
    "charity",
    "fundraiser",
    "foundation",
    "society",
    "studies",
    "course",
    "training",
    "degree",
    "career",
    "walk",
    "run",
    "campaign",
    // a clinician's own work: `his sedation list`, `her diabetes clinic`
    "list",
    "lists",
    "clinic",
    "clinics",
    "session",
    "sessions",
    "rota",
    "service",
    "cover",
];

/// Words that make a possessive anyone's (`chaque adhérent … son diabète`,
/// `every member and his insulin`), sought in the 60 bytes before it.
const ANYONE: &[&str] = &[
    "each", "every", "chaque", "jeder", "jede", "jedem", "ogni", "cada", "elke", "varje",
    "someone", "anyone", "patients", "members", "people",
];

/// Tagalog words around its preposition `sa` (to, at, against: `bakuna
/// laban sa trangkaso`), which French writes as a possessive.
/// Two of them must stand near (`Kay a annulé sa chimio` is French).
const TAGALOG: &[&str] = &[
    "ng", "ang", "mga", "po", "laban", "niya", "siya", "nang", "libreng", "ito", "namin",
];

/// Acts of care that a term after `for` is the reason of (`Admission
/// for TURP`, `listed for hernia repair`).
/// (Not `treatment for`, `screened for`, `referred for`: a leaflet's and
/// a report's words for many.)
const CARE_ACTS_FOR: &[&str] = &[
    "admission",
    "admitted",
    "admit",
    "listed",
    "booked",
    "operated",
];

/// A letter that opens by greeting one person by title and surname
/// (`Dear Mr Öztürk,`, `Sehr geehrte Frau Keller,`) and then tells of
/// `your` term (`following your ACL reconstruction`): the reader's own
/// care. A leaflet greets `Dear patient` or no one.
fn readers_term(text: &str, spans: &[(usize, usize)]) -> bool {
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (greeting, yours) = R.get_or_init(|| {
        (
            re(r"^(?:(?i:dear|hello|hi|good\s+(?:morning|afternoon))\s+(?:Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MS|DR)\.?|(?i:sehr\s+geehrter?|liebe[r]?)\s+(?:Frau|Herr)|(?i:cher|ch[èe]re)\s+(?:Monsieur|Madame)|(?i:estimad[oa])\s+(?:Sr|Sra|Señor|Señora)\.?)\s+\p{Lu}\p{Ll}|^(?i:dear|hello|hi|good\s+(?:morning|afternoon))\s+(\p{Lu}\p{Ll}+)[ \t]*[,!]?[ \t]*$"),
            re(r"(?i)(?-u:\b)(?:your|ihre[mnrs]?|ihr|votre|vos)\s+(?:[\p{L}'-]+\s+){0,4}(?:\([\p{L}]+\)\s+)?$"),
        )
    });
    let open = text.trim_start();
    let first_line = &open[..open.find('\n').unwrap_or(open.len())];
    if first_line.len() > 80 {
        return false;
    }
    let Some(greeted) = greeting.captures(first_line) else {
        return false;
    };
    // Greeted by first name (`Hi Yusuf,`), as colleagues and HR write
    // too: only a condition is the reader's own (`your bipolar
    // disorder`), not a test or a service (`your drug screen`).
    let by_first_name = greeted.get(1).is_some_and(|w| {
        !matches!(
            w.as_str().to_ascii_lowercase().as_str(),
            "all"
                | "team"
                | "everyone"
                | "everybody"
                | "folks"
                | "there"
                | "colleagues"
                | "guys"
                | "both"
                | "friends"
                | "members"
                | "parents"
                | "families"
                | "staff"
                | "teams"
        )
    });
    if greeted.get(1).is_some() && !by_first_name {
        return false;
    }
    spans.iter().take(64).any(|&(s, e)| {
        // `your prostate cancer awareness donation`: a cause, not care.
        let next = crate::policy::text::after(text, e, 24);
        let next = next
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())
            .unwrap_or("")
            .to_lowercase();
        if CAUSES.contains(&next.as_str())
            || matches!(next.as_str(), "donation" | "poster" | "appeal")
        {
            return false;
        }
        // ... right after `your` (not `your talk on chronic fatigue
        // syndrome`).
        if by_first_name
            && (!names_a_condition(&text[s..e])
                || !crate::policy::text::before(text, s, 8)
                    .to_ascii_lowercase()
                    .ends_with("your "))
        {
            return false;
        }
        let pre = crate::policy::text::before(text, s, 80);
        let pre = &pre[pre.rfind(['.', '!', '?', ';']).map_or(0, |k| k + 1)..];
        yours.is_match(pre)
    })
}

/// A term that names a condition by its head word (`bipolar disorder`,
/// `Down syndrome`, `hearing loss`), not a test, a drug or a service.
fn names_a_condition(term: &str) -> bool {
    const HEADS: &[&str] = &[
        "disorder",
        "disorders",
        "disease",
        "syndrome",
        "cancer",
        "injury",
        "failure",
        "diabetes",
        "epilepsy",
        "sclerosis",
        "palsy",
        "dystrophy",
        "impairment",
        "loss",
        "ptsd",
        "adhd",
        "autism",
        "asthma",
        "depression",
        "anxiety",
        "arthritis",
        "dementia",
        "schizophrenia",
    ];
    let last = term
        .rsplit(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    HEADS.iter().any(|h| h.eq_ignore_ascii_case(last))
}

/// Is some term (of the first 64) someone's: right after a third-person
/// possessive, or the reason an act of care names (`admission for`)?
fn someones_term(text: &str, spans: &[(usize, usize)]) -> bool {
    let b = text.as_bytes();
    let is = |list: &[&str], w: &[u8]| list.iter().any(|p| p.as_bytes().eq_ignore_ascii_case(w));
    let anyone = |at: usize, word: &[u8]| {
        let w = crate::policy::text::before(text, at, 60).to_ascii_lowercase();
        let words = || w.split(|c: char| !c.is_alphanumeric());
        let mut tagalog: Vec<&str> = words().filter(|x| TAGALOG.contains(x)).collect();
        tagalog.sort_unstable();
        tagalog.dedup();
        words().any(|x| ANYONE.contains(&x))
            || (word.eq_ignore_ascii_case(b"sa") && tagalog.len() >= 2)
    };
    // `her cancer immunology PhD`, `his diabetes charity`: a cause or a
    // subject, not a condition.
    let cause_after = |e: usize| {
        let w = crate::policy::text::after(text, e, 32).to_ascii_lowercase();
        w.split(|c: char| !c.is_alphanumeric())
            .filter(|x| !x.is_empty())
            .take(2)
            .any(|x| CAUSES.contains(&x))
    };
    spans.iter().take(64).any(|&(s, e)| {
        let Some((ws, word)) = word_before(b, s) else {
            return false;
        };
        if cause_after(e) {
            return false;
        }
        let lower_ihr = word.starts_with(b"ihr");
        if word.eq_ignore_ascii_case(b"their") && any_childs(text, ws) {
            return false;
        }
        ((word == b"hans" || lower_ihr || is(THIRD_PERSON_POSSESSIVES, word)) && !anyone(ws, word))
            || (word.eq_ignore_ascii_case(b"for")
                && word_before(b, ws)
                    .is_some_and(|(as_, act)| is(CARE_ACTS_FOR, act) && person_before_act(b, as_)))
    })
}

/// The act of care at `at` is a person's: it opens a record's field
/// (`Reason:  Admission for`) or follows a pronoun or `was` (`she was
/// admitted for`); not a room's booking or a count (`Theatre 4 is booked
/// for`, `96 operated for`).
fn person_before_act(b: &[u8], at: usize) -> bool {
    let head = b[..at].trim_ascii_end();
    if head.is_empty() || head.ends_with(b":") || head.ends_with(b"\n") {
        return true;
    }
    word_before(b, at).is_some_and(|(_, w)| {
        [
            &b"he"[..],
            b"she",
            b"him",
            b"was",
            b"been",
            b"pt",
            b"patient",
        ]
        .iter()
        .any(|p| p.eq_ignore_ascii_case(w))
    })
}

/// The word of letters (at most 12 bytes) before `s`, past blanks and
/// line breaks (`för sin` / `psoriasisartrit`), and where it starts.
fn word_before(b: &[u8], s: usize) -> Option<(usize, &[u8])> {
    let mut we = s;
    while we > 0 && b[we - 1].is_ascii_whitespace() {
        we -= 1;
    }
    if we == s {
        return None;
    }
    let mut ws = we;
    while ws > 0 && we - ws < 12 && (b[ws - 1].is_ascii_alphabetic() || b[ws - 1] >= 0x80) {
        ws -= 1;
    }
    let word = &b[ws..we];
    (!(ws > 0 && is_word(b[ws - 1])) && word.len() >= 2).then_some((ws, word))
}

/// A form not filled in: three or more blank fields (`Name: ________`),
/// and more blank labelled fields than filled ones (`Name: Jane Roe`).
/// Its check boxes (`[ ] Diabetes  [ ] Asthma`) concern no one yet. Rules
/// that stand alone on their line (a quoted thread's `____` separator, a
/// boxed disclaimer) are no fields.
fn blank_form(text: &str) -> bool {
    let b = text.as_bytes();
    let mut blank = 0usize;
    let mut end = None;
    for at in memchr::memmem::find_iter(b, b"____") {
        // A longer run is found in steps of four: count it once.
        let new_run = end != Some(at);
        end = Some(at + 4);
        if !new_run {
            continue;
        }
        let ls = memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1);
        let label = b[ls..at].trim_ascii_end();
        // `Name: ____`, or the last part of a date field `___/___/____`.
        if (label.ends_with(b":") || label.ends_with(b"/"))
            && label.iter().any(u8::is_ascii_alphabetic)
        {
            blank += 1;
        }
    }
    // A form's content controls not yet filled in (`Child's name: Click
    // or tap here to enter text.`) are blanks too.
    blank += text
        .lines()
        .filter(|l| l.split_once(':').is_some_and(|(_, v)| placeholder_value(v)))
        .count();
    blank >= 3 && blank > filled_fields(text)
}

/// The prompt a word processor shows in an empty form field.
fn placeholder_value(v: &str) -> bool {
    let v = v.trim_start().to_ascii_lowercase();
    [
        "click or tap here to enter",
        "click or tap to enter",
        "click here to enter",
        "choose an item",
        "enter text here",
    ]
    .iter()
    .any(|p| v.starts_with(p))
}

/// Lines of the shape `Label: value` whose value holds no underscore.
fn filled_fields(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            l.split_once(':').is_some_and(|(label, value)| {
                label.len() <= 32
                    && label.bytes().any(|c| c.is_ascii_alphabetic())
                    && !value.trim().is_empty()
                    && !value.contains('_')
                    && !placeholder_value(value)
            })
        })
        .count()
}

/// Mail to many readers (see `Res::bulk`); a patient's `GP registration`
/// after release or a move is no event's registration.
fn bulk_mail(r: &Res, text: &str) -> bool {
    // An event's word alone (`a stool for Thursday's keynote`) is one
    // speaker's logistics; two different ones make an event's mailing.
    const EVENT: &[&str] = &[
        "conference",
        "symposium",
        "summit",
        "keynote",
        "attendees",
        "webinar",
        "registration",
    ];
    let mut events: Vec<String> = Vec::new();
    r.bulk.find_iter(text).take(64).any(|m| {
        let before = text.as_bytes()[..m.start()].trim_ascii_end();
        let tail = &before[before.len().saturating_sub(6)..];
        let word = m.as_str().to_ascii_lowercase();
        // In an address or a host name (`nina@healthcomm-summit.example`).
        let b = text.as_bytes();
        let glued = m.start() > 0 && b"-._@/".contains(&b[m.start() - 1])
            || b.get(m.end()).is_some_and(|&c| {
                c == b'@' || c == b'.' && b.get(m.end() + 1).is_some_and(u8::is_ascii_alphanumeric)
            });
        if glued || said_not(text, m.start()) {
            return false;
        }
        if word == "registration" && (tail.ends_with(b"GP") || tail.eq_ignore_ascii_case(b"doctor"))
        {
            return false;
        }
        if EVENT.contains(&word.as_str()) {
            if !events.contains(&word) {
                events.push(word);
            }
            return events.len() >= 2;
        }
        true
    })
}

/// Most term spans kept per segment (evidence, not an inventory).
const MAX_SPANS: usize = 1000;

/// Whole-word term matches, every byte searched (a longest match that is
/// no whole word hides what starts inside it).
fn everywhere(ac: &AhoCorasick, text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let left_ok = s == 0 || !is_word(b[s - 1]);
        let right_ok = e >= b.len() || !is_word(b[e]);
        if left_ok && right_ok {
            spans.push((s, e));
            if spans.len() >= MAX_SPANS {
                break;
            }
        }
    }
    spans
}

/// Marks of training material: a fictional case, a simulation scenario.
const FICTION: &str = r"fictional\s+(?:[a-z]+\s+)?(?:cases?|patients?|scenarios?)|patient/example|(?:example|sample)\s+(?:record|payload|resource)\s*\(illustrative\s+only|synthea(?-u:\b)|placeholders\s+from\s+the\s+spec|case\s*\(fictional|resemblance\s+to\s+(?:a\s+|any\s+)?real(?-u:\b)|training\s+(?:ehr\s+|emr\s+)?environment|training\s+ehr|(?:scenario|case|example|vignette)\s*\(hypothetical\)|(?:assigned|your|test)\s+training\s+patients?|nothing\s+you\s+do\s+(?:here\s+)?affects\s+real\s+patients|sim(?:ulation)?\s+day\s+[0-9]|(?:simulation|sim)\s+scenario|(?:sample|demo|dummy|synthetic)\s+data\s+(?:generated\s+)?(?:for\s+training|from\s+(?:our|the|a)\s+demo)|demo\s+database|synthetic\s+(?:test\s+|lis\s+|validation\s+)?patients?|none\s+(?:of\s+them\s+)?exists?\s+in\s+prod(?:uction)?|not\s+real\s+(?:people|persons|patients)|not\s+a\s+real\s+(?:person|patient)|(?:names|details)\s+(?:and\s+details\s+)?(?:below\s+|above\s+)?are\s+fictitious|fictitious\s+(?:patients?|cases?|scenarios?|names?|persons?|records?)|created\s+for\s+training(?:\s+purposes)?|simulated\s+patients?|not\s+a\s+real\s+(?:student|employee|member|child|client|resident|veteran|soldier|prisoner|detainee|passenger|guest|player|athlete|customer)|nothing\s+(?:here|in\s+(?:it|this|them))\s+is\s+(?:a\s+)?real(?-u:\b)|all\s+(?:persons|people|names|characters|casualties|patients)\s+(?:are\s+)?(?:fictional|fictitious|invented)|for\s+training\s+only|(?:filled\s+in\s+with\s+)?fictitious\s+(?:data|details|information)|(?:names?|details|persons?|people|characters)(?:,?\s+[a-z]+){0,6}\s+(?:were|are|is)\s+(?:entirely\s+|all\s+)?(?:fictional|fictitious|invented|computer-generated|simulated|made\s+up[.;,)])|do\s+not\s+describe\s+(?:any\s+)?real\s+(?:patients?|persons?|people)|(?:names\s+and\s+(?:other\s+)?(?:identifying\s+)?details|identifying\s+details)\s+(?:have\s+been|were|are)\s+(?:changed|altered)|details\s+changed\s+by\s+the\s+authors|(?:is|are)\s+a\s+teaching\s+illustration|(?:is|are)\s+(?:a\s+)?composite\s+(?:patients?|cases?|characters?|personas?)|org\.junit|opentest4j|assertion(?:failed)?error|exercise\s+exercise\s+exercise|for\s+exercise\s+(?:use\s+)?only|(?:is|are)\s+made\s+up[.;,)]|(?:records?|data|patients?|dataset|names)\s+(?:[a-z]+\s+){0,4}(?:are|is)\s+(?:all\s+)?synthetic(?-u:\b)|(?:rows|entries|students|pupils)\s+are\s+(?:all\s+)?synthetic(?-u:\b)|(?:records?|patients?)\s+(?:[a-z]+\s+){0,4}is\s+an?\s+synthetic\s+(?:records?|patients?|profiles?|cases?)(?-u:\b)|(?:tamamen\s+|TAMAMEN\s+)sentet[iİı]k\p{L}*|sentet[iİı]k\s+(?:e[ğg][iİı]t[iİı]m|ver[iİı]|hasta|kay[ıi]t)\p{L}*|ger[çc]ek\s+(?:bir\s+)?hasta(?:ya)?\s+(?:ait\s+)?de[ğg][iİı]l\p{L}*|datos\s+(?:ficticios|sint[ée]ticos)|pacientes?\s+fict[íi]ci[oa]s?|dados\s+(?:fict[íi]cios|sint[ée]ticos)|donn[ée]es\s+(?:fictives|synth[ée]tiques)|patient(?:e)?s?\s+fictifs?|patientes?\s+fictives?|fiktive[rns]?\s+(?:patient(?:in)?|daten|f[äa]lle?)|testpatient(?:in)?|pazient[ei]\s+fittizi[oa]?|dati\s+(?:sono\s+)?(?:tutti\s+)?(?:fittizi|sintetici)|pazient[ei]\s+simulat[oi]|pacientes?\s+simulad[oa]s?|patient(?:e)?s?\s+simul[ée]e?s?|simulationspatient(?:in)?|simulierte[rn]?\s+patient(?:in)?|gesimuleerde\s+pati[ëe]nt(?:en)?|fictieve\s+(?:pati[ëe]nten?|gegevens)|(?:is|zijn)\s+(?:volledig\s+)?fictief|(?:gegevens|namen)\s+zijn\s+(?:allemaal\s+)?verzonnen|geen\s+echte\s+pati[ëe]nt(?:en|gegevens)?|demo-?pati[ëe]nt(?:en)?|synthetische\s+(?:daten|gegevens)|not\s+real\s+casualties|(?:all\s+)?(?:the\s+)?casualties\s+are\s+(?:all\s+)?role-?players|moulage\s+only";

/// Is `text` training material (a fictional case, a simulation
/// scenario)? Its patients are nobody.
pub fn training_material(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    // A heading's mark in brackets (`SCENARIO 3 (FICTIONAL)`) ends in
    // punctuation, where no word boundary follows: its own pattern.
    static HEADING: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(&format!(r"(?i)(?-u:\b)(?:{FICTION})(?-u:\b)")))
        .find_iter(text)
        .take(8)
        .any(|m| !said_not(text, m.start()))
        // A Russian exam's case task (`ситуационная задача № 14`).
        || ["итуационная задача", "итуационной задачи", "итуационную задачу"]
            .iter()
            .any(|w| text.contains(w))
        || play_script(text)
        || HEADING
            .get_or_init(|| {
                re(r"(?i)(?-u:\b)(?:scenarios?|cases?|vignettes?|examples?|exercises?|patients?|stor(?:y|ies))[ \t]*[0-9a-z]?[ \t]*[:-]?[ \t]*\((?:fictional|fictitious)\)")
            })
            .is_match(text)
}

/// A play's script: a `CAST` heading on its own line and a scene's
/// heading at a line's start (`ACT TWO, SCENE 3.`). Its characters'
/// illnesses are no one's.
fn play_script(text: &str) -> bool {
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (cast, scene) = R.get_or_init(|| {
        (
            re(r"(?m)^[ \t]*(?:CAST|Cast)(?:\s+(?:LIST|list|of\s+characters))?[ \t]*:?[ \t]*$"),
            re(r"(?mi)^[ \t]*act\s+(?:one|two|three|four|five|[1-5]|i{1,3}|iv|v),?\s+scene\s+(?:[0-9]{1,2}|one|two|three|four|five|six|seven|eight|[ivx]{1,4})(?-u:\b)"),
        )
    });
    scene.is_match(text) && cast.is_match(text)
}

/// Is the mark at `at` denied (`a real patient, not a simulated
/// patient`)?
fn said_not(text: &str, at: usize) -> bool {
    let head = crate::policy::text::before(text, at, 16)
        .trim_end()
        .to_lowercase()
        .replace('\u{2019}', "'");
    [
        "not",
        "not a",
        "not an",
        "no",
        "never",
        "isn't",
        "isn't a",
        "aren't",
        "wasn't",
        "wasn't a",
        "geen",
        "kein",
        "keine",
        "keinen",
        "non è",
        "non",
        "pas un",
        "pas une",
        "no es",
        "no es un",
        "no es una",
        "não é",
    ]
    .iter()
    .any(|n| {
        head == *n
            || head
                .strip_suffix(n)
                .is_some_and(|rest| rest.ends_with([' ', '\n', '(', ',', '\t']))
    })
}

/// The listed health terms of `text`, as byte spans.
pub fn terms_in(text: &str) -> Vec<(usize, usize)> {
    res()
        .terms
        .as_ref()
        .map_or_else(Vec::new, |t| t.walk(text, |_, _| {}))
}

/// Does `text` hold a listed health term (a condition, medication,
/// procedure...)? For callers that judge a cell, not a message.
pub fn has_term(text: &str) -> bool {
    res()
        .terms
        .as_ref()
        .is_some_and(|t| !t.walk(text, |_, _| {}).is_empty())
}

/// `-5521`, `–5521`, `#20931`: a dash or a number sign and three digits
/// or more.
pub(super) fn keys_a_number(rest: &[u8]) -> bool {
    let digits = rest
        .strip_prefix("\u{2013}".as_bytes())
        .or_else(|| rest.strip_prefix(b"-"))
        .or_else(|| rest.strip_prefix(b"#"));
    digits.is_some_and(|d| d.len() >= 3 && d[..3].iter().all(u8::is_ascii_digit))
}

/// Does a letter of an alphabet that spaces its words (Latin, Greek,
/// Cyrillic) end right before `start`? ASCII word boundaries end a word
/// at `ą`: `dka` is no term inside Polish `żołądka`. A curly quote, a dash
/// or a space before a term is fine, and so is a Han or kana character
/// (`前立腺MRI検査`: those scripts write no spaces).
fn after_letter(text: &str, start: usize) -> bool {
    start > 0
        && text.as_bytes()[start - 1] >= 0x80
        && text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c < '\u{0590}' && c.is_alphabetic())
}

/// A dramatic illness named as a figure of speech (`nearly had a heart
/// attack`, `you'll give me a stroke`, `this traffic is giving me a
/// migraine` stays: a migraine is real).
fn figure_of_speech(text: &str, s: usize, e: usize) -> bool {
    static FIGURE: OnceLock<Regex> = OnceLock::new();
    let t = &text[s..e];
    if !["heart attack", "stroke", "coronary", "aneurysm", "seizure"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
    {
        return false;
    }
    // `a stroke of luck`, `a stroke of genius`: no stroke at all.
    if t.eq_ignore_ascii_case("stroke") {
        let next = crate::policy::text::after(text, e, 20).to_ascii_lowercase();
        let luck = [
            " of luck",
            " of good luck",
            " of bad luck",
            " of genius",
            " of fortune",
            " of inspiration",
            " of brilliance",
            " of the pen",
            " of midnight",
        ];
        if luck.iter().any(|w| next.starts_with(w)) {
            return true;
        }
    }
    let re = FIGURE.get_or_init(|| {
        re(r"(?i)(?:nearly|almost|practically|virtually|about\s+to|gonna|going\s+to|'ll|’ll|will|would|could|give\s+(?:me|him|her|you|us)|gave\s+(?:me|him|her|you|us)|giving\s+(?:me|him|her|you|us))\s+(?:had\s+|have\s+)?(?:a\s+|an\s+)?(?:little\s+|mini\s+|small\s+)?$|(?-u:\b)(?:collective|communal|mass|group|shared)\s+$|(?-u:\b)(?:checkout|server|servers|site|website|system|app|till|tills|printer|laptop|inbox|network|database|warehouse|queue|engine|car|budget|market|phone|computer|spreadsheet|router|wifi|wi-fi|portal|platform|tablet|scanner|basket|cart)\s+(?:(?:nearly|almost|just|has|had|is|was)\s+)?(?:had|has|having|took|suffered|threw)\s+(?:a\s+|an\s+)?(?:full(?:-blown)?\s+|total\s+|complete\s+|proper\s+|massive\s+|little\s+|mini\s+|small\s+|full\s+on\s+)?$")
    });
    re.is_match(crate::policy::text::before(text, s, 48))
}

/// Scan a segment; returns the byte spans of the health terms found.
/// `on_boundary`: see [`Terms::walk`] (called only when the term list
/// loaded, which the shipped list always does; the caller falls back to
/// its own search otherwise).
/// Care told in words (`r.care`), not said of no one (see
/// `said_of_no_one`).
fn care_told(r: &Res, text: &str) -> bool {
    r.care
        .find_iter(text)
        .take(64)
        .any(|m| !said_of_no_one(text, &m))
}

/// A term in a record's field of care (`Appointment: Cochlear implant
/// mapping`, `Condition: spina bifida`, `Procedure - hip replacement`),
/// as rows and relabelled table cells give it: the record's person's
/// care. A form's blank field holds no term.
fn care_field(text: &str, spans: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let label = R.get_or_init(|| {
        re(r"(?i)^[ \t]*(?:[-*•][ \t]*)?(?:appointment|appt|procedure|diagnos[ie]s|primary\s+diagnosis|medical\s+conditions?|conditions?|disability|disabilities|impairment|treatment|medications?|allergies|allerg(?:y|ies)\s+to|reason\s+for\s+(?:visit|referral|admission|appointment|call))[ \t]*(?::|=|\t|[-–][ \t])[ \t]*[^\n]{0,40}$")
    });
    static P: OnceLock<Regex> = OnceLock::new();
    let person = P.get_or_init(|| {
        re(r"(?im)^[ \t]*(?:patient|patient\s+name|client|client\s+name|consumer|participant|resident|service\s+user|pupil|student|child|member\s+name|full\s+name|name)[ \t]*(?::|=|\t)[ \t]*\p{Lu}")
    });
    let b = text.as_bytes();
    spans.iter().take(64).any(|&(s, _)| {
        let ls = memchr::memrchr(b'\n', &b[..s]).map_or(0, |k| k + 1);
        // The record's person named in its lines around.
        let around = &text[crate::policy::text::floor_boundary(text, ls.saturating_sub(240))
            ..crate::policy::text::floor_boundary(text, (s + 240).min(text.len()))];
        text.get(ls..s).is_some_and(|head| label.is_match(head)) && person.is_match(around)
    })
}

/// `their` at `at` is any child's or any reader's: its sentence so far
/// sets a case or speaks to all (`if your child has asthma, check that
/// their inhaler`, `pupils should bring their inhalers`).
fn any_childs(text: &str, at: usize) -> bool {
    let head = crate::policy::text::before(text, at, 100);
    let sentence = head
        .rfind(['.', '!', '?', ';', '\n'])
        .map_or(head, |k| &head[k + 1..]);
    let words: Vec<&str> = sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // The last word that speaks of any child; a name after it (`If
    // anything comes up, Sam's…`) is the one `their` stands for.
    let Some(cue) = words.iter().rposition(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "if" | "whether" | "children" | "kids" | "pupils" | "students" | "families" | "parents"
        )
    }) else {
        return false;
    };
    !words[cue + 1..]
        .iter()
        .any(|w| w.starts_with(|c: char| c.is_uppercase()) && *w != "I")
}

/// Care wording that tells of no one: what will or may be done for any
/// child (`will be seen by the school nurse`), a statistic (`71% of
/// patients were seen in A&E`), a joke's overdose (`an overdose of
/// caffeine`), a leaflet's dose (`adults two tablets four times a day`).
/// `treatment tables`, `exam couch`: an event's word naming furniture,
/// no one's care (a `dialysis chair`, a `hospital bed`, a `dialysis
/// unit` or a `recovery room` is a patient's place: not listed).
pub(super) fn furniture_after(rest: &str) -> bool {
    let word: String = rest
        .trim_start_matches([' ', '\t', '-'])
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "table"
            | "tables"
            | "couch"
            | "couches"
            | "trolley"
            | "trolleys"
            | "plinth"
            | "plinths"
            // `the whiplash injury tariff`: a law's schedule of awards.
            | "tariff"
            | "tariffs"
    )
}

fn said_of_no_one(text: &str, m: &regex::Match<'_>) -> bool {
    let found = m.as_str().to_ascii_lowercase();
    if furniture_after(&text[m.end()..]) {
        return true;
    }
    if found.starts_with("their ") && any_childs(text, m.start()) {
        return true;
    }
    let before = crate::policy::text::before(text, m.start(), 40).to_ascii_lowercase();
    if found.starts_with("seen ") {
        let head = before.trim_end();
        let modal = [
            "will be",
            "can be",
            "may be",
            "to be",
            "would be",
            "should be",
            "could be",
            "might be",
            "must be",
        ];
        return modal.iter().any(|w| head.ends_with(w))
            || before.contains('%')
            || head.ends_with("patients were");
    }
    // `One of our 7th graders had a seizure`, `a student of ours was
    // admitted`: someone kept anonymous, as forums and digests tell it.
    if anonymous_subject(&before) && !full_name_follows(text, m.end()) {
        return true;
    }
    // `pays a lump sum if you are diagnosed with a covered condition`,
    // `if the insured is diagnosed with…`: a policy's or a leaflet's
    // condition, which may befall anyone.
    if found == "diagnosed" && conditional_diagnosis(&before) {
        return true;
    }
    // `age at diagnosis 40+`, `stage at diagnosis`: a rating table's or a
    // registry's measure, no one's diagnosis.
    if found.starts_with("diagnos") && before.trim_end().ends_with(" at") {
        let head = before.trim_end();
        // A band or a threshold follows (`40+`, `under 50`, `<65`), or
        // nothing on the line (a column's head); `age at diagnosis 52` is
        // someone's.
        let next = crate::policy::text::after(text, m.end(), 16).to_ascii_lowercase();
        let next = next.trim_start_matches([' ', '\t', ':']);
        let digits = next.bytes().take_while(u8::is_ascii_digit).count();
        let band = next.is_empty()
            || next.starts_with(['\n', '\r', '<', '>', '≥', '≤', '('])
            || ["under", "over", "below", "above", "band"]
                .iter()
                .any(|w| next.starts_with(w))
            || (digits > 0 && next[digits..].starts_with(['+', '-', '–']));
        return band
            && ["age at", "stage at", "time at", "years at", "median at"]
                .iter()
                .any(|w| head.ends_with(w));
    }
    if found.ends_with("overdose") {
        let next = crate::policy::text::after(text, m.end(), 24).to_ascii_lowercase();
        return [
            "caffeine",
            "coffee",
            "sugar",
            "chocolate",
            "tea",
            "cake",
            "sun",
            "work",
            "meetings",
            "emails",
        ]
        .iter()
        .any(|w| {
            next.trim_start()
                .strip_prefix("of ")
                .is_some_and(|x| x.trim_start().starts_with(w))
        });
    }
    if found.contains("tablet")
        || found.contains("capsule")
        || found.contains("pill")
        || found.contains("puff")
    {
        return [
            "adult",
            "child",
            "dosage",
            "dose:",
            "directions",
            "aged",
            "over 1",
            "under 1",
        ]
        .iter()
        .any(|w| before.contains(w));
    }
    false
}

/// Two capitalised words in the 160 bytes after the care, past its
/// sentence's first word (`… today. Ethan Ross was collected`): the
/// anonymous subject is named after all.
fn full_name_follows(text: &str, e: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"[a-z,;]\s+[A-Z][a-z]+\s+[A-Z][a-z]+|[.!?]\s+[A-Z][a-z]+\s+[A-Z][a-z]+\s+(?:was|is|had|has|went|needs|needed)(?-u:\b)"))
        .is_match(crate::policy::text::after(text, e, 160))
}

/// A subject kept anonymous right before the care (`one of our 7th
/// graders`, `a pupil of ours`, `one of my patients`).
fn anonymous_subject(before: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?-u:\b)(?:one\s+of\s+(?:our|my|the|their|your)\s+(?:[a-z0-9-]+\s+){0,2}(?:students|pupils|graders|kids|children|patients|residents|members|clients|customers|drivers|riders|players|athletes|campers|guests|learners|boys|girls|freshmen|seniors|juniors|sophomores|volunteers)|an?\s+(?:[a-z0-9-]+\s+)?(?:student|pupil|grader|kid|child|patient|resident|client|customer|player|camper)\s+of\s+(?:ours|mine))\s+(?:[a-z]+\s+)?$")
    })
    .is_match(before)
}

/// Does the text before `diagnosed` make it a condition that may befall
/// anyone: `if you are`, `should the insured be`, `when a member is`?
fn conditional_diagnosis(before: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?-u:\b)(?:if|when|whenever|once|should|unless|in\s+case|in\s+the\s+event(?:\s+that)?)\s+(?:you|you're|you’re|a\s+member|the\s+member|the\s+insured|the\s+life\s+insured|a\s+policyholder|the\s+policyholder|someone|anyone|a\s+person|an\s+employee|a\s+customer|a\s+child|your\s+child|your\s+partner)(?:\s+(?:are|is|be|were|was|get|gets|got|become|becomes|have\s+been|has\s+been|first|newly|ever|later))*\s+$")
    })
    .is_match(before)
}

/// Two different marks of a price list, a catalogue or a stock file
/// (`NDC`, `WAC`, `contract price`, `min order`, `pack size`, `GTIN`,
/// `batch`, `Lote`, a shortage, a register's balance and count).
fn price_list(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:ndc|wac|sku|moq|gtin|unit\s+price|list\s+price|contract\s+pric(?:e|es|ing)|volume\s+tiers?|list\s+less|prices\s+exclude|per\s+unit|pricing|price\s+(?:list|file|sheet|schedule)|min(?:imum)?\.?\s+order|pack\s+size|case\s+pack|catalog(?:ue)?|wholesaler?|tarif|preisliste|lista\s+de\s+precios|listino|lote|lotto|chargennummer|out\s+of\s+stock|in\s+stock|stock\s+(?:level|count|check)|shortage|backorder(?:ed)?|desabasto|existencias?|register\s+balance|physical\s+count|lieferengpass|rupture\s+de\s+stock|credit\s+note|returns?\s+(?:note|number)|short[- ]dated)(?-u:\b)|(?i)(?-u:\b)(?:batch|lot)\s*(?:no\.?|number|#|:)?\s*[a-z]{0,4}[0-9][a-z0-9-]*")
    });
    // A code of a product listing (NDC, WAC, SKU, GTIN, MOQ, min order):
    // `catalogue pricing` alone is a patient's question too, and a
    // stock word (`out of stock`, a batch, a register's count) a
    // pharmacy's note about someone's medicine.
    let code =
        |w: &str| matches!(w, "ndc" | "wac" | "sku" | "moq" | "gtin") || w.starts_with("min");
    const STOCK: &[&str] = &[
        "lote",
        "lotto",
        "chargennummer",
        "out",
        "in",
        "stock",
        "shortage",
        "backorder",
        "backordered",
        "desabasto",
        "existencia",
        "existencias",
        "register",
        "physical",
        "lieferengpass",
        "rupture",
        "credit",
        "return",
        "returns",
        "short",
        "batch",
        "lot",
    ];
    // Marks by their first word: `batch` and `batch number` are one.
    let mut keys: Vec<String> = Vec::new();
    let mut coded = false;
    for m in r.find_iter(text).take(64) {
        let w = m.as_str().to_ascii_lowercase();
        coded |= code(&w);
        let key: String = w.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if !keys.contains(&key) {
            keys.push(key);
        }
        if coded && keys.len() >= 2 {
            return true;
        }
    }
    // Without a code, two marks of a price list (not of a stock note),
    // and no writer's own words (`I take Lantus… your catalogue pricing`).
    keys.iter().filter(|k| !STOCK.contains(&k.as_str())).count() >= 2
        && !first_person_singular(text)
}

/// A purchase order's confirmation: its number (`PO 4418207`) and lines
/// of quantities by item (`20,000 x pregnancy test twin pack`). Goods
/// bought by the case, no one's medicine.
fn purchase_order(text: &str) -> bool {
    static R: OnceLock<[Regex; 2]> = OnceLock::new();
    let [number, lines] = R.get_or_init(|| {
        [
            re(r"(?i)(?-u:\b)(?:po|p\.o\.|purchase\s+order)\s*(?:no\.?|number|#)?\s*:?\s*[a-z]{0,3}-?[0-9]{4,}(?-u:\b)"),
            re(r"(?i)(?-u:\b)[0-9][0-9,.]*\s*(?:x|×|units?\s+of|cases?\s+of|boxes\s+of|packs?\s+of)\s+[a-z]"),
        ]
    });
    number.is_match(text) && lines.find_iter(text).take(2).count() >= 2
}

/// A stock list: a word of reordering and one of counting or expiry
/// (`item;type;lot;expiry;qty;reorder`).
fn stock_list(text: &str) -> bool {
    static R: OnceLock<[Regex; 2]> = OnceLock::new();
    let [restock, count] = R.get_or_init(|| {
        [
            re(r"(?i)(?-u:\b)(?:re-?order(?:ed|ing|s)?|re-?stock(?:ed|ing)?|stock\s+(?:list|take|check|count|level)s?|stocktake)(?-u:\b)"),
            re(r"(?i)(?-u:\b)(?:qty|quantity|par\s+level|expiry|expires|lot\s*(?:no\.?|number|#|:))"),
        ]
    });
    restock.is_match(text) && count.is_match(text)
}

/// `I`, `my` or `me` as a word.
fn first_person_singular(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| re(r"(?-u:\b)(?:I|[Mm]y|[Mm]e)(?-u:\b)"))
        .is_match(text)
}

pub fn scan(
    text: &str,
    loc: Location,
    sink: &mut Sink,
    on_boundary: impl FnMut(usize, bool),
) -> Option<Vec<(usize, usize)>> {
    let r = res();
    let terms = r.terms.as_ref()?;
    let mut spans = terms.walk(text, on_boundary);
    // `I nearly had a heart attack when I saw the bill`: a figure of
    // speech, no one's condition.
    if spans.iter().take(64).any(|&(s, _)| s >= 8) {
        spans.retain(|&(s, e)| !figure_of_speech(text, s, e));
    }
    // `coeliac-safe dishes`, `diabetic-friendly menu`, `asthma-aware
    // venue`: a term made an adjective of goods or places, no one's
    // condition.
    spans.retain(|&(_, e)| !fit_for_suffix(text, e));
    // `£860 raised for Loxley Hospice`, `running in aid of Parkinson's
    // UK`: the cause money goes to, no one's care.
    spans.retain(|&(s, _)| !money_for_cause(text, s));
    // Words no list holds, by their make (`hemiarthroplasty`), and the
    // list's terms as inflecting languages write them (`levodopu`).
    let mut made = super::morphology::words(text, 64);
    made.extend(super::morphology::inflected(text, &spans, 64));
    // An injury told by its verb (`tore her left ACL`) is someone's care.
    let injuries = super::injury::events(text, 32);
    made.extend(injuries.iter().copied());
    if !made.is_empty() {
        let apart: Vec<_> = made
            .into_iter()
            .filter(|&(s, e)| !spans.iter().any(|&(ts, te)| s < te && ts < e))
            .collect();
        spans.extend(apart);
        spans.sort_unstable();
    }
    let mut readings = super::readings::find(text);
    let billed = super::readings::billing(text);
    let noted = super::readings::notation(text);
    // A dose with its frequency is a medicine taken, but also what a
    // guideline or a teaching answer recommends (`Ampicillin/Sulbactam 3 g
    // 3x tgl`): a health fact for the rules, not one that makes a name
    // beside it a patient's (`Hallo Herr Oberle, ... 3 g 3x tgl`).
    let dosed = super::readings::doses(text);
    if !billed.is_empty() || !noted.is_empty() {
        readings.extend(billed);
        readings.extend(noted);
        readings.sort_unstable();
        readings.dedup();
    }
    if spans.is_empty() && readings.is_empty() && dosed.is_empty() {
        return Some(spans);
    }
    // A lab value or a vital sign (`K 6.1`, `BP 182/110`) is care itself,
    // and so is someone's own condition (`her breast cancer`).
    // A list digest's posts are each one writer's mail: each is judged
    // on its own, and the digest's preamble (`To subscribe or
    // unsubscribe…`) makes none of them bulk mail.
    let posts = digest_posts(text);
    if posts.len() >= 2 {
        let mut all: Vec<(usize, usize)> = spans
            .iter()
            .chain(&readings)
            .chain(&dosed)
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        let all: Vec<(usize, usize)> = all
            .iter()
            .copied()
            .filter(|&(s, e)| {
                !all.iter()
                    .any(|&(ts, te)| (ts, te) != (s, e) && ts <= s && e <= te)
            })
            .collect();
        for (i, &from) in posts.iter().enumerate() {
            let to = posts.get(i + 1).copied().unwrap_or(text.len());
            let post = &text[from..to];
            let inside = |&&(s, _): &&(usize, usize)| s >= from && s < to;
            let mine: Vec<(usize, usize)> = spans.iter().filter(inside).copied().collect();
            let care = readings.iter().any(|x| inside(&x))
                || injuries.iter().any(|x| inside(&x))
                || dosed.iter().any(|x| inside(&x))
                || care_told(r, post)
                || someones_term(text, &mine)
                || readers_term(text, &mine);
            let conf = if care && !bulk_mail(r, post) && !blank_form(post) {
                Confidence::High
            } else {
                Confidence::Medium
            };
            for &(s, e) in all.iter().filter(inside) {
                if let Some(t) = text.get(s..e) {
                    sink.push(Kind::Health, conf, loc, t);
                }
            }
        }
        spans.extend(readings);
        spans.sort_unstable();
        spans.dedup();
        return Some(spans);
    }
    let owned = std::cell::OnceCell::new();
    let owned = || *owned.get_or_init(|| someones_term(text, &spans) || readers_term(text, &spans));
    // A reading (`INR 4.1`) or a dose with its frequency is someone's.
    // (A first-aid room's or a pharmacy's stock list gives each item's
    // strength too: goods to reorder, no one's dose.)
    let stocked = std::cell::OnceCell::new();
    let stock = || *stocked.get_or_init(|| stock_list(text));
    let read = (!readings.is_empty() || !dosed.is_empty()) && !stock();
    let told = care_told(r, text) || care_field(text, &spans);
    // A wholesaler's price file lists strengths and pack sizes
    // (`Naloxone HCl nasal spray 4 mg`, NDC, WAC): goods, no one's dose.
    // Only care told in words, or someone's term, makes it care.
    let care = read
        || !injuries.is_empty()
        || ((told || owned())
            && (!(price_list(text) || stock() || purchase_order(text))
                || r.care.find_iter(text).take(64).any(|m| {
                    !m.as_str().starts_with(|c: char| c.is_ascii_digit())
                        && !said_of_no_one(text, &m)
                })
                || owned()));
    if !readings.is_empty() {
        // Sorted by start and by end alike (`health_near` relies on it):
        // a reading that overlaps a listed term adds nothing.
        let apart: Vec<_> = readings
            .into_iter()
            .filter(|&(s, e)| !spans.iter().any(|&(ts, te)| s < te && ts < e))
            .collect();
        spans.extend(apart);
        spans.sort_unstable();
    }
    let conf =
        if care && !bulk_mail(r, text) && !blank_form(text) && !super::name::merge_template(text) {
            Confidence::High
        } else {
            Confidence::Medium
        };
    let apart = dosed
        .iter()
        .filter(|&&(s, e)| !spans.iter().any(|&(ts, te)| s < te && ts < e));
    for &(s, e) in spans.iter().chain(apart) {
        if let Some(t) = text.get(s..e) {
            sink.push(Kind::Health, conf, loc, t);
        }
    }
    Some(spans)
}

/// Where the posts of a plain-text list digest start (Mailman's
/// `Message: 2` after its `Today's Topics:`); empty for other texts.
/// The first post takes the preamble with it.
fn digest_posts(text: &str) -> Vec<usize> {
    let Some(topics) = memchr::memmem::find(text.as_bytes(), b"Today's Topics:") else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    for at in memchr::memmem::find_iter(&text.as_bytes()[topics..], b"\nMessage: ") {
        let at = topics + at + 1;
        let digits = text.as_bytes()[at + 9..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let after = text.as_bytes().get(at + 9 + digits);
        if digits > 0 && digits <= 4 && matches!(after, Some(b'\r' | b'\n')) {
            starts.push(at);
            if starts.len() >= 256 {
                break;
            }
        }
    }
    if let Some(first) = starts.first_mut() {
        *first = 0;
    }
    starts
}

/// Is the term at `s` the cause that money is raised for (`raised for
/// Loxley Hospice`, `running the 10k in aid of the Stroke Association`,
/// `donations to St Luke's Hospice`)? Up to four capitalised words of
/// the cause's name may stand between.
pub(crate) fn money_for_cause(text: &str, s: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let head = crate::policy::text::before(text, s, 64);
    let head = &head[head.rfind('\n').map_or(0, |k| k + 1)..];
    if head.len() < 6 {
        return false;
    }
    R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:raised|raising|fundraising|donations?|donated|donating|proceeds|sponsorship|appeal|in\s+aid)\s+(?:(?:money|funds|£[0-9,]+|\$[0-9,]+)\s+)?(?:for|to|of)\s+(?:the\s+)?(?-i:((?:[A-Z][\w'’.&-]*\s+){0,4}))$")
    })
    .captures(head)
    .is_some_and(|c| {
        // `Donations to Jane Cole's chemo fund`: a person's own care,
        // named after their possessive in lower case.
        let owner = c.get(1).map_or("", |m| m.as_str());
        !((owner.contains("'s ") || owner.contains("’s "))
            && text[s..].starts_with(|ch: char| ch.is_lowercase()))
    })
}

/// A suffix after a term that makes it an adjective of goods, places or
/// law (`-safe`, `-friendly`, `-aware`, `-proof`, ` tariff`; not `-free`:
/// `seizure-free for two years` is a person's).
fn fit_for_suffix(text: &str, e: usize) -> bool {
    let rest = text.as_bytes().get(e..).unwrap_or(&[]);
    // (Apart, only `friendly` and `aware`: `Is lithium safe in
    // pregnancy?` asks of a medicine.)
    let (rest, words): (&[u8], &[&[u8]]) = match rest.first() {
        Some(b'-') => (
            &rest[1..],
            &[b"safe", b"friendly", b"aware", b"proof", b"allergenic"],
        ),
        // (`the whiplash injury tariff`, `the whiplash reforms`: the
        // law's words for a kind of claim.)
        Some(b' ') => (
            &rest[1..],
            &[
                b"friendly",
                b"aware",
                b"allergenic",
                b"tariff",
                b"tariffs",
                b"reforms",
            ],
        ),
        _ => return false,
    };
    words.iter().any(|w| {
        rest.len() >= w.len()
            && rest[..w.len()].eq_ignore_ascii_case(w)
            && rest.get(w.len()).is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::detect::tests::found;

    #[test]
    fn denied_marks_and_near_words_are_no_evidence() {
        // A real patient said so: the handover keeps its records.
        for t in [
            "Station 7 uses a real patient, not a simulated patient.",
            "It isn\u{2019}t a simulated patient.",
            "Dit is geen demo-patiënt.",
        ] {
            assert!(!training_material(t), "{t}");
        }
        assert!(training_material("De patiënt in de demo is fictief."));
        // A month and a printer are no medicine and no operation.
        for t in [
            "The staff flu clinic is on April 14 in the atrium; bring your badge.",
            "We had a replacement printer delivered for the ward office.",
        ] {
            assert_ne!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_digest_post_is_judged_on_its_own() {
        let post = |body: &str| {
            format!(
                "Send members mailing list submissions to\n\tmembers@list.example\nTo subscribe or unsubscribe via the World Wide Web, visit\n\thttps://lists.example/listinfo/members\n\nToday's Topics:\n\n   1. Coffee\n   2. Infusion\n\n------------------------------\n\nMessage: 1\nFrom: Carla <carla@list.example>\nSubject: Coffee\n\nSaturday 10am at the cafe.\n\n------------------------------\n\nMessage: 2\nFrom: Deb K <deb.k@mail.example>\nSubject: Infusion\n\n{body}\n\n------------------------------\n\nEnd of members Digest\n"
            )
        };
        let t = post(
            "Had my first ocrelizumab infusion today; I got hives and they gave me more Benadryl. My MS nurse says it's common.",
        );
        assert_eq!(found(&t, Kind::Health), Some(Confidence::High), "{t}");
        // A post that tells no one's care stays medium.
        let t =
            post("Our webinar on MS research is next week; the conference registration is open.");
        assert_eq!(found(&t, Kind::Health), Some(Confidence::Medium), "{t}");
    }

    #[test]
    fn a_figure_of_speech_is_no_condition() {
        for t in [
            "I nearly had a heart attack when I saw the plumber's bill",
            "you'll give me a stroke driving like that",
            "Lena had a stroke of luck in the office raffle",
        ] {
            assert_eq!(found(t, Kind::Health), None, "{t}");
        }
        for t in [
            "Dad had a heart attack on Tuesday",
            "she had a small stroke last week",
            "a stroke of the left hemisphere, per the CT",
        ] {
            assert!(found(t, Kind::Health).is_some(), "{t}");
        }
    }

    #[test]
    fn the_big_c_needs_its_article() {
        for t in ["Mum has the big C again", "they said The Big C, stage 2"] {
            assert!(found(t, Kind::Health).is_some(), "{t}");
        }
        for t in [
            "Big C supermarket, Bangkok",
            "a big C on the whiteboard",
            "bathe big c",
        ] {
            assert_eq!(found(t, Kind::Health), None, "{t}");
        }
    }

    #[test]
    fn a_term_starts_a_word_of_its_own_alphabet_only() {
        // `dka` inside Polish `żołądka`; `MRI` after Han characters, which
        // write no spaces; a code keyed by a short term.
        assert!(found("Zupa z żołądka i kapusty.", Kind::Health).is_none());
        assert!(found("前立腺MRI検査をおすすめします", Kind::Health).is_some());
        assert!(found("Booking CT-5521 for the coach", Kind::Health).is_none());
        assert!(found("CT scan of the chest on Monday", Kind::Health).is_some());
    }

    #[test]
    fn training_marks_that_end_in_punctuation_or_another_language() {
        for t in [
            "SCENARIO 3 (FICTIONAL)\nDeShawn Test, forklift operator, epilepsy.",
            "The names and details below are all invented.",
            "ALL RECORDS IN THIS ARCHIVE ARE SYNTHETIC.",
            "*** SENTETİK EĞİTİM VERİSİ - GERÇEK HASTA DEĞİLDİR ***",
            "Usem apenas dados fictícios no ambiente de homologação.",
            "Fiktive Patientin für die Schulung.",
        ] {
            assert!(training_material(t), "{t}");
        }
        for t in [
            "Fictionalized memoir reading group",
            "Synthetic mesh repair of the hernia went well.",
            // A test set's note on an address is no training banner.
            "Utilization Management | PO Box 4410, Portland OR 97208 (fictional)",
            // Everyday words of care that share a training mark's words.
            "Spoke with Maria Lopez today; her mind is made up, she is stopping dialysis.",
            "Hasta: Ayşe Yılmaz, sentetik tiroid hormonu başlandı.",
            "my hormones are all synthetic, estradiol patch and progesterone",
            "She was made upset by the news.",
        ] {
            assert!(!training_material(t), "{t}");
        }
    }

    #[test]
    fn a_patients_own_words_or_a_nurses_are_no_training_banner() {
        for t in [
            "Seen in ED for acute psychosis; she states \"none of this is real\". Started olanzapine 10 mg nightly.",
            "Sutures to be removed Friday; continue cephalexin 500 mg qid for cellulitis.",
            "Therapeutic interchange: home pantoprazole 40 mg changed to omeprazole 20 mg; diagnosed with GERD.",
            "Pt asked to be removed from the list; choosing comfort care, diagnosed with cirrhosis.",
            "Maria came by; her A1c was\n11.2 so I upped the metformin.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_named_readers_own_care() {
        let t = "Dear Mr Öztürk,\n\nWe have approved six physiotherapy sessions following your\nanterior cruciate ligament (ACL) reconstruction, starting 11 January.";
        assert_eq!(found(t, Kind::Health), Some(Confidence::High));
        for t in [
            "Dear patient,\n\nIf your anterior cruciate ligament reconstruction is planned, read on.",
            "Dear Mr Öztürk,\n\nOur clinic offers anterior cruciate ligament reconstruction.",
            "Dear Mr Clarke,\n\nThank you for your prostate cancer awareness donation.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn possessive_care_in_the_first_and_third_person() {
        for t in [
            "I have my colonoscopy Friday morning and threw up the prep.",
            "The move is for her ESRD labs needing a longer run time; dialysis chair 9.",
            "Our applicant listed your practice as his primary care provider; hypertension.",
            "Same number as in my chart; the letter says BI-RADS 4 and a biopsy.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
        // A surgeon's own schedule, families helped: no one's care.
        for t in [
            "My surgery block moved to Tuesday; the hernia cases go first.",
            "Families travel far while their children receive chemotherapy.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn sick_leave_for_a_reason_in_other_languages() {
        for t in [
            "Liisa on sairauslomalla helmikuun loppuun polven tekonivelleikkauksen jälkeen.",
            "Ana je na bolovanju zbog upale pluća.",
            "Eva är sjukskriven efter sin operation av höften, knäprotes.",
            "Johanna har varit sjukskriven på heltid sedan januari för utmattningssyndrom.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
        // Sick leave alone names no condition or care, nor does an
        // out-of-office note whose next sentence opens with `after`.
        assert_eq!(found("Liisa on sairauslomalla.", Kind::Health), None);
        for t in [
            "Jag är sjukskriven t.o.m. fredag. Efter det svarar jag om diabetes.",
            "Jag är sjukskriven för tillfället, frågor om diabetes till Eva.",
            "Jestem na zwolnieniu lekarskim do 20 marca. Po powrocie: cukrzyca.",
            "Olen haiguslehel kuni reedeni. Pärast seda diabeet.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn terms_and_context() {
        assert_eq!(
            found(
                "Voluntary recall: metformin ER 500 mg tablets, lots 4411-4419.",
                Kind::Health
            ),
            Some(Confidence::Medium)
        );
        // A dental "recall visit" is an appointment, not a product recall.
        assert_eq!(
            found(
                "Your recall visit is due; last time we prescribed amoxicillin 500 mg.",
                Kind::Health
            ),
            Some(Confidence::High)
        );
        assert_eq!(
            found("Current medication: sertraline 50 mg.", Kind::Health),
            Some(Confidence::High)
        );
        assert_eq!(
            found("History of type 2 diabetes mellitus.", Kind::Health),
            Some(Confidence::High)
        );
        assert_eq!(
            found(
                "living well with essential (primary) hypertension",
                Kind::Health
            ),
            Some(Confidence::Medium)
        );
        // A hearing aid is a device of care: evidence, never enough alone.
        assert_eq!(
            found("buy hearing aids and a lithium battery", Kind::Health),
            Some(Confidence::Medium)
        );
        assert_eq!(found("buy a lithium battery", Kind::Health), None);
        // A practice's notation: a spectacle prescription, a tooth treated.
        for t in [
            "OD   esf -1,75   cil -0,50   eje 180",
            "R: SPH +2.25 CYL -0.75 AXIS 90",
            "RCT UL6 on Friday",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
        // A battery's size is no tooth.
        assert_eq!(found("Pack of 4 LR6 batteries", Kind::Health), None);
        assert_eq!(found("prediabetic? no: nondiabetes", Kind::Health), None);
        // Notices, catalogues and spec sheets: volumes are no doses.
        for t in [
            "RECALL: metformin ER 500 mg - lots listed, pull from shelves today",
            "Payment is due for your March statement; metformin is on the formulary.",
            "Patient name: ________  DOB: ___/___/____  Phone: ________\nHistory of: [ ] Diabetes [ ] Asthma [ ] COPD",
            "Weekly influenza surveillance: 41 patients tested positive, 12.3 per 100,000.",
            "URGENT RECALL: Lot 4411, metformin ER 500 mg tablets",
            "Hemoglobin A1c, 83036, Lavender 2 mL, 8.40",
            "Infusion pump LVP-300: flow 0.1 to 999 mL/hr",
            // Care wording said of no one, and everyday referrals.
            "Any child who feels unwell will be seen by the school nurse; asthma inhalers must be labelled.",
            "71% of patients were seen in A&E within four hours; sepsis audit attached.",
            "The new intern took an overdose of caffeine before the asthma audit.",
            "Paracetamol for the first-aid kit: adults two tablets four times a day.",
            "I referred her to Mark in key accounts about the diabetes contract.",
            "The contractor completed a safety plan for the scaffolding near the cancer centre.",
            // A wholesaler's price file.
            "NDC: 72811-0417-02\nProduct: Naloxone HCl nasal spray 4 mg\nPack: 2 x 0.1 mL\nWAC (USD): 44.90\nContract (USD): 31.25",
            // A stock file: a robot's last pack with its GTIN.
            "Last pack handled: Amlodipine 5 mg tablets x28, GTIN 5012345099103, batch AM2611, exp 11/2028",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        }
        for t in [
            "Your tuberculin skin test was read today as POSITIVE; chest X-ray ordered.",
            "Ethan is due for his 12-month well-child visit: MMR and varicella.",
            "Sus resultados ya están disponibles: sugieren hipotiroidismo.",
            "QBL 900 mL - PPH protocol started, oxytocin running.",
            "Lantus 20 units at bedtime for type 2 diabetes.",
            // Mental-health and addiction care in words.
            "he has been having suicidal thoughts; I referred him to the acute crisis team",
            "took an overdose of paracetamol on 27/01, seen in A&E, now CAMHS weekly",
            "My GP started me on acamprosate yesterday after the detox unit.",
            "the detox unit gave me diazepam, two tablets three times a day",
            "Your biopsy showed prostate cancer; we recommend active surveillance.",
            "Type 2 diabetes, A1c 8.4% last month.",
            "ORIENTATION: x3  RECALL: 2/3 words; history of dementia.",
            // Doses missed and an operation told of a person.
            "Derek Allsop - missed 3 methadone doses (Sat-Mon) - DO NOT dose today",
            "It's the op on her wrist on the 15th, the carpal tunnel one.",
            "Your amlodipine 5 mg is out of stock (batch AM2611); your prescription is ready Friday.",
            // A stock word is no code: a pharmacy's note about someone's medicine.
            "- Arthur Jenkins: metformin 500 mg tablets out of stock, backordered until Tuesday.",
            "Josie Turner, INR 4.1 today, warfarin held. Warfarin 1 mg tablets out of stock.",
            "Walter Briggs - Atorvastatin 20 mg once daily at night, batch AT7781, in stock.",
            "Derek Allsop received Depakote 500 mg at 8pm from batch DK441. Batch number logged.",
            "Ethan Ward (Y4) had an asthma attack at lunch, 10 puffs of salbutamol via spacer.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
    }

    fn spans_of(text: &str) -> Vec<&str> {
        let terms = res().terms.as_ref().expect("terms build");
        terms
            .spans(text)
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn blank_fields_are_counted_by_run() {
        assert!(!blank_form("Signature: ________________________"));
        assert!(!blank_form("Name: ________\nDate: ________"));
        assert!(blank_form("Name: ________\nDate: ________\nPhone: ____"));
        assert!(!blank_form("no blanks here"));
        // Thread separators and rules are no fields.
        assert!(!blank_form(
            "________________________________\nFrom: a\n________________________________\nFrom: b\n____\n"
        ));
        // A filled form that keeps its signature lines is filled.
        assert!(!blank_form(
            "Patient: Jane Roe\nDOB: 03/03/1961\nDx: asthma\nPlan: inhaler\nSignature: ____\nDate: ____\nWitness: ____"
        ));
    }

    #[test]
    fn a_match_that_is_no_whole_word_hides_nothing() {
        assert!(res().terms.as_ref().unwrap().openings.is_some());
        assert_eq!(spans_of("slow back pain"), ["back pain"]);
        assert_eq!(spans_of("nonchronic kidney disease"), ["kidney disease"]);
        assert_eq!(spans_of("anxiety disorders"), ["anxiety"]);
        assert_eq!(spans_of("two MRI scans"), ["MRI"]);
        assert_eq!(spans_of("hepatitis but not"), ["hepatitis"]);
        assert_eq!(
            spans_of("Hepatitis B, anxiety disorder"),
            ["Hepatitis B", "anxiety disorder"]
        );
        assert_eq!(
            spans_of("nondiabetes; diabetes_x; xdiabetes"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn a_term_wrapped_over_a_line_break_is_whole() {
        assert_eq!(
            spans_of("reason: multiple\nsclerosis, progressive"),
            ["multiple\nsclerosis"]
        );
        assert_eq!(
            spans_of("her chronic obstructive\r\n> > pulmonary disease"),
            ["chronic obstructive\r\n> > pulmonary disease"]
        );
        // A shorter term stands when the wrapped words make no longer one.
        assert_eq!(spans_of("two MRI\nscans"), ["MRI"]);
        assert_eq!(spans_of("kidney\n  disease"), ["kidney\n  disease"]);
        // A blank line ends a paragraph: no term runs across it.
        assert_eq!(spans_of("multiple\n\nsclerosis"), Vec::<&str>::new());
        assert_eq!(spans_of("multiple\r\n\r\nsclerosis"), Vec::<&str>::new());
        // The wrapped term is a whole word too.
        assert_eq!(spans_of("multiple\nsclerosisx"), Vec::<&str>::new());
    }

    #[test]
    fn a_term_opening_with_a_common_word_needs_that_word_before_it() {
        let spans_of = |t: &'static str| -> Vec<&'static str> {
            let terms = res().terms.as_ref().unwrap();
            terms.spans(t).iter().map(|&(s, e)| &t[s..e]).collect()
        };
        assert_eq!(spans_of("Mum has The Big C again"), ["The Big C"]);
        assert_eq!(
            spans_of("Big C supermarket; a big c; bathe big c"),
            Vec::<&str>::new()
        );
        assert_eq!(spans_of("she lost her\nmeds"), ["her\nmeds"]);
        // Listed without its lead too: no lead needed.
        assert_eq!(spans_of("il fait un malaise"), ["fait un malaise"]);
        assert_eq!(spans_of("elle a fait un malaise"), ["fait un malaise"]);
    }

    #[test]
    fn no_term_opens_with_one_of_the_commonest_words() {
        // Every term opening costs an automaton run at each such word of
        // prose: a term that needs one opens with it as its lead (above).
        let terms = res().terms.as_ref().unwrap();
        // (`a`, `an` and `di` open `a&e`, `análisis` and `diálisis`, as
        // the walk splits words: at ASCII letters.)
        for lead in COMMON_LEADS
            .iter()
            .filter(|l| !["a", "an", "di"].contains(l))
        {
            assert!(!terms.first_words.may_contain(lead.as_bytes()), "{lead}");
        }
    }

    #[test]
    fn word_starts_find_at_least_what_every_byte_finds() {
        let list = term_list();
        let unanchored = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&list)
            .unwrap();
        let terms = res().terms.as_ref().unwrap();
        let mut texts: Vec<String> = [
            "Dx: Type 2 Diabetes; COPD, asthma.\r\nHistory of low back pain and GERD",
            "xdiabetes diabetesx _asthma asthma_ copd-related (hypertension) 'ptsd'",
            "gastro-esophageal reflux disease; major depressive disorder, single episode",
            "Ärger mit diabetes; éasthma; HIV/AIDS; covid-19 and ob/gyn visit",
            "hepatitis bypass surgery; blood tested positive for; ob/gynecology",
            "asthm",
            "a",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend(
            list.iter()
                .map(|t| format!("{t}, {}s x{t} {t}. ", t.to_uppercase())),
        );
        let all: String = texts.concat();
        texts.push(all);
        for t in &texts {
            let new = terms.spans(t);
            // Past the span cap the walk stops reporting terms: compare up
            // to where it stopped.
            let reach = match new.last() {
                Some(&(_, e)) if new.len() >= MAX_SPANS => e,
                _ => t.len(),
            };
            // (Not a term inside a word of accented letters: `éasthma`.)
            for (s, e) in everywhere(&unanchored, t)
                .into_iter()
                .filter(|&(s, _)| s < reach && !after_letter(t, s))
            {
                assert!(
                    new.iter().any(|&(ns, ne)| ns < e && s < ne),
                    "{:?} lost in {t:?}",
                    &t[s..e]
                );
            }
        }
    }
}

#[cfg(test)]
mod anonymous_tests {
    use super::*;

    #[test]
    fn care_of_someone_kept_anonymous_is_no_ones() {
        let r = res();
        let text = "One of our graders had a seizure.";
        let ms: Vec<_> = r
            .care
            .find_iter(text)
            .map(|m| m.as_str().to_string())
            .collect();
        assert!(!care_told(r, text), "{ms:?}");
        assert!(care_told(r, "Our grader Tom had a seizure."));
    }
}
