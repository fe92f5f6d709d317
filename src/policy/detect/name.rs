//! Person names, and whether they name a patient.
//!
//! Candidates: `First Last` (first name from the SSA baby-name list, last
//! name from the Census surname list or any capitalised word that is not
//! an institution or calendar word), `Last, First`, an honorific with a
//! surname (`Mr. Haddad`, `Mrs. Maria Haddad`), and a capitalised name
//! after a patient label (`Patient: Lior Ben-Ami`), and in clinical
//! shorthand a lower-case listed name after `patient` or `pt`
//! (`patient maria lopez, 34F`). Lists:
//! `data/first_names.txt`, `data/surnames.txt` (public-domain US data).
//!
//! Told apart and not reported: providers and staff (`Dr.`, `Nurse`,
//! `Provider:`, `Signed by`, credentials after the name such as `, MD`,
//! `RN`, `NP`; speakers, authors, contacts and job titles) and signature
//! blocks (a name opening a line within three lines after `Regards`,
//! `Sincerely`, `Thanks`, `--`...).
//!
//! Confidence — a name counts as PHI only with a health fact:
//! - high: a patient label (`Patient:`, `Patient Name:`, `Pt:`), or a
//!   patient cue (`Mr./Ms.`, `patient`, `Re:`, `for`, a salutation such
//!   as `Dear`/`Hi`, a possessive `Maria Haddad's`, `(DOB`, `, 54-year-old`,
//!   `was diagnosed`...) with a health fact within 250 bytes (a health
//!   term, condition, procedure, result, medication, specialty or care
//!   setting from `health`, or a clinical event word);
//! - medium: a patient cue without a health fact nearby, or a plain name
//!   with one (the shipped policy wants care context elsewhere too);
//! - low: any other name.
//!
//! Cost: one pass over capitalised words with one hash lookup each (one
//! table maps a lower-case word to the lists holding it, as bit flags);
//! context regexes run only on short windows around candidates.

use super::re;
use super::short_words::ShortWords;
use super::tokens::{is_word, word_run_end};
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use crate::policy::text::{after, before, ceil_boundary, find_in_range, floor_boundary};
use crate::util::fnv::FnvBuild;
use regex::Regex;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Lower-case word → the lists holding it (`FIRST | LAST | ...`): words of
/// up to 15 octets (nearly all) by a packed integer key, which costs far
/// less to build and hash than the bytes; longer ones by their bytes.
#[derive(Default)]
struct Lexicon {
    short: HashMap<u128, u8, FnvBuild>,
    long: HashMap<Vec<u8>, u8, FnvBuild>,
}

impl Lexicon {
    fn add(&mut self, w: &[u8], flag: u8) {
        let entry = match packed(w) {
            Some(k) => self.short.entry(k).or_default(),
            None => {
                let mut buf = [0u8; 48];
                self.long.entry(fold(w, &mut buf).to_vec()).or_default()
            }
        };
        *entry |= flag;
    }

    fn get(&self, w: &[u8]) -> u8 {
        match packed(w) {
            Some(k) => self.short.get(&k).copied().unwrap_or(0),
            None => {
                let mut buf = [0u8; 48];
                self.long.get(fold(w, &mut buf)).copied().unwrap_or(0)
            }
        }
    }
}

/// `w` folded as `fold` does, packed with its length into one integer, or
/// None past 15 folded octets.
fn packed(w: &[u8]) -> Option<u128> {
    let mut k = 0u128;
    let mut n = 0u32;
    let mut i = 0;
    while i < w.len() {
        let c = if w[i] < 0x80 {
            i += 1;
            w[i - 1].to_ascii_lowercase()
        } else if let Some((c, n)) = super::latin::fold(w, i) {
            i += n;
            c
        } else {
            i += 1;
            w[i - 1]
        };
        n += 1;
        if n > 15 {
            return None;
        }
        k = k << 8 | u128::from(c);
    }
    Some(k | u128::from(n) << 120)
}

/// In the first-name list.
const FIRST_NAME: u8 = 1;
/// In the surname list.
const SURNAME: u8 = 2;
/// In [`NOT_SURNAME`].
const NOT_A_SURNAME: u8 = 4;
/// In [`AMBIGUOUS_FIRST`].
const AMBIGUOUS: u8 = 8;
/// In [`INSTITUTION_NEXT`].
const INSTITUTION: u8 = 16;
/// In [`GENERIC_ADDRESSEE`].
const GENERIC: u8 = 32;

const FIRST: &str = include_str!("../data/first_names.txt");
const FIRST_WORLD: &str = include_str!("../data/first_names_world.txt");
const LAST: &str = include_str!("../data/surnames.txt");
const LAST_WORLD: &str = include_str!("../data/surnames_world.txt");

/// Capitalised words that follow a first name without being a surname
/// (institutions, places, calendar, sentence words).
/// Weekdays: no surnames (in [`NOT_SURNAME`]'s flag) and no `Last` of a
/// `Last, First` (`weekday`).
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const NOT_SURNAME: &[&str] = &[
    // Offices after `Madam` (`Madam Chair`).
    "chair",
    "president",
    "speaker",
    "secretary",
    "treasurer",
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "clinic",
    "hospital",
    "center",
    "centre",
    "health",
    "healthcare",
    "medical",
    "medicine",
    "care",
    "university",
    "college",
    "school",
    "county",
    "city",
    "lake",
    "river",
    "valley",
    "month",
    "day",
    "week",
    "dio",
    "norte",
    "sul",
    "vinci",
    "gogh",
    "beethoven",
    "the",
    "and",
    "or",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "from",
    "by",
    "is",
    "was",
    "are",
    "please",
    "thank",
    "thanks",
    "dear",
    "hi",
    "hello",
    "team",
    "group",
    "foundation",
    "program",
    "project",
    "services",
    "service",
    "department",
    "dept",
    "office",
    "unit",
    "ward",
    "wing",
    "building",
    "room",
    "suite",
    "floor",
    "newsletter",
    "update",
    "conference",
    "summit",
    "award",
    "fund",
    "memorial",
    "regional",
    "community",
    "general",
    "children",
    "childrens",
    "women",
    "family",
    "pharmacy",
    "lab",
    "labs",
    "laboratory",
    "inc",
    "llc",
    "corp",
    "company",
    "co",
    "bank",
    "insurance",
    "plan",
    "blue",
    "cross",
    "shield",
    "institute",
    "association",
    "society",
    "network",
    "system",
    "systems",
    "partners",
    "associates",
    "practice",
    "pediatrics",
    "oncology",
    "cardiology",
    "campus",
    "county",
    "state",
    "national",
    "international",
    "american",
    "east",
    "new",
    "old",
    "mount",
    "mt",
    "saint",
    "san",
    "santa",
    "los",
    "las",
    "de",
    "la",
    "le",
    "fort",
    "port",
    "beach",
    "heights",
    "springs",
    "falls",
    "village",
    "square",
    "plaza",
    "mall",
    "market",
    "store",
    "cafe",
    "restaurant",
    "hotel",
    "inn",
    "airport",
    "station",
    "library",
    "museum",
    "gallery",
    "theatre",
    "theater",
    "arena",
    "stadium",
    "court",
    "drive",
    "place",
    "boulevard",
    "blvd",
    "highway",
    "hwy",
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "it",
    "this",
    "that",
    "our",
    "your",
    "my",
    "his",
    "her",
    "their",
    "if",
    "when",
    "as",
    "so",
    "but",
    "not",
    "no",
    "yes",
    "ok",
    "pm",
    "am",
    "am.",
    "re",
    "fw",
    "fwd",
    "cc",
    "md",
    "rn",
    "np",
    "do",
    "pa",
    "phd",
    "dds",
    "lcsw",
    "bsn",
    "msn",
    "dnp",
];

/// First names that are also ordinary words: a surname from the list
/// must follow them.
const AMBIGUOUS_FIRST: &[&str] = &[
    "may",
    "will",
    "june",
    "april",
    "august",
    "grace",
    "hope",
    "faith",
    "joy",
    "mark",
    "bill",
    "art",
    "page",
    "king",
    "major",
    "summer",
    "autumn",
    "winter",
    "rose",
    "iris",
    "ivy",
    "lily",
    "dawn",
    "sunny",
    "young",
    "ray",
    "pat",
    "sue",
    "don",
    "chase",
    "drew",
    "lane",
    "case",
    "jordan",
    "georgia",
    "virginia",
    "austin",
    "dakota",
    "florence",
    "paris",
    "phoenix",
    "sydney",
    "carolina",
    "india",
    "china",
    "asia",
    "america",
    "london",
    "dallas",
    "houston",
    "denver",
    "aurora",
    "tuesday",
    "sunday",
    "monday",
    "friday",
    "christmas",
    "easter",
    "noel",
    "royal",
    "prince",
    "princess",
    "duke",
    "earl",
    "baron",
    "judge",
    "bishop",
    "deacon",
    "cash",
    "price",
    "sterling",
    "golden",
    "silver",
    "ruby",
    "pearl",
    "jade",
    "crystal",
    "amber",
    "olive",
    "hazel",
    "heather",
    "holly",
    "ginger",
    "honey",
    "candy",
    "star",
    "sky",
    "rain",
    "storm",
    "river",
    "brook",
    "forest",
    "wood",
    "stone",
    "rock",
    "cliff",
    "glen",
    "dale",
    "lincoln",
    "washington",
    "jefferson",
    "madison",
    "kennedy",
    "ford",
    "carter",
    "harrison",
    "jackson",
    "taylor",
    "wilson",
    "clay",
    "ali",
    "guy",
    "gay",
    "bud",
    "buddy",
    "sonny",
    "ace",
    "champ",
    "van",
    "son",
    "wade",
    "miles",
    "penny",
    "patience",
    "mercy",
    "charity",
    "constance",
    "prudence",
    "temperance",
    "unity",
    "liberty",
    "justice",
    "trinity",
    "genesis",
    "nevaeh",
    "angel",
    "precious",
    "destiny",
    "harmony",
    "melody",
    "serenity",
    "bliss",
    "sage",
    "blue",
    "red",
    "rusty",
    "dusty",
    "goldie",
    "happy",
    "lucky",
    "early",
    "patient",
    "doctor",
    "nurse",
    "care",
    "health",
    "medical",
    "general",
    "best",
    "kind",
    "dear",
    "regards",
    "thanks",
    "please",
    "new",
    "north",
    "south",
    "east",
    "west",
    "saint",
];

/// Words after a name that make it an institution (`Virginia Mason
/// Medical Center`), not a person.
const INSTITUTION_NEXT: &[&str] = &[
    "medical",
    "clinic",
    "hospital",
    "center",
    "centre",
    "health",
    "healthcare",
    "university",
    "college",
    "school",
    "institute",
    "foundation",
    "memorial",
    "cancer",
    "children's",
    "childrens",
    "pharmacy",
    "labs",
    "laboratories",
    // Health, clinic, hospital and pharmacy in other languages (`Vida
    // Plena Saúde`, `Clínica San Rafael`), folded.
    "saude",
    "salud",
    "sante",
    "gesundheit",
    "clinica",
    "clinique",
    "klinik",
    "kliniek",
    "ospedale",
    "hopital",
    "krankenhaus",
    "ziekenhuis",
    "farmacia",
    "pharmacie",
    "apotheke",
    // A practice's trade after its name (`Cedar Point Orthodontics`):
    // trades only, not care a patient gets (`Jamal Brooks Dialysis
    // Orders` names a patient).
    "orthodontics",
    "dentistry",
    "optometry",
    "audiology",
    "podiatry",
    "chiropractic",
    "aesthetics",
    "diagnostics",
    // A British GP's or a clinic's premises (`Riverside Surgery`,
    // `Aurelia Aesthetic Surgery`, `Mill Lane Dental Practice`).
    "surgery",
    "dental",
    "practice",
    "wellness",
    "street",
    "avenue",
    "road",
    "boulevard",
    "drive",
    "building",
    "hall",
    "park",
    "county",
    "award",
    "fund",
    "lecture",
    "prize",
    "fellowship",
    "scholarship",
    "syndrome",
    "disease",
    "test",
    "scale",
    "method",
    "procedure",
];

struct Res {
    lexicon: Lexicon,
    /// `LOWER_CUES` at a word start, leftmost-first. A regex rather than
    /// an automaton: its literal prefilter skips prose far faster, and its
    /// word boundary drops `accept ` and `items ` without a return.
    lower_cues: regex::bytes::Regex,
    provider_before: Regex,
    provider_after: Regex,
    label_before: Regex,
    cue_before: Regex,
    cue_after: Regex,
    /// A study participant's label (`Participant:`, `Teilnehmerin:`).
    participant: Regex,
    salutation: Regex,
    closing: Regex,
    sign_off: Regex,
    /// The writer naming themself right before the name (`my name is`,
    /// `me llamo`, `jmenuji se`).
    self_intro: Regex,
    event: Regex,
    /// Quotes, invoices, purchase orders and awards (see `judge`).
    commerce: Regex,
    /// A patient's bill: not commerce between businesses.
    patient_billing: Regex,
    /// What makes such a line a record: a date with its year, an age, a
    /// record number, a DOB or MRN label.
    list_record: Regex,
    /// `Hospital`, `Clinic`...: the places `named_place` looks at.
    place_title: aho_corasick::AhoCorasick,
    record_after: Regex,
    record_bare_age: Regex,
    vet_place: aho_corasick::AhoCorasick,
    /// A colleague welcomed, promoted or retiring: staff news.
    staff_news: Regex,
    /// `Donor:` on a drug-test result: a cue, not a label.
    donor_label: Regex,
    /// A report's initials field (`Initials: R.T.`, `Initialen H.-J. K.`):
    /// safety reports name their patients so.
    initials_label: Regex,
    /// A record's field naming whom it is about (`Student:`).
    subject_field: Regex,
    public_story: Regex,
    vet_word: Regex,
    animal_word: Regex,
    animal_care: Regex,
    vet_short: Regex,
    your_care: Regex,
    /// A newsletter's or a shop offer's opt-out (`Unsubscribe`,
    /// `Newsletter abbestellen`, `afmelden`).
    bulk_mail: Regex,
    own_care: Regex,
    own_term: Regex,
    /// Other languages' first-person clause before a term, with the few
    /// words a patient puts between (`ich hatte am 12. Juni bei Ihnen
    /// eine`, `Ik slik sinds drie weken`, `själv har jag en kraftig`).
    own_clause: Regex,
    not_own: Regex,
    animal: Regex,
    pet_patient: Regex,
    /// A vet writing of the owner's own health (`you're 20 weeks
    /// pregnant`, `the methotrexate for your rheumatoid arthritis`).
    owner_care: Regex,
    vehicle: aho_corasick::AhoCorasick,
    told_story: Regex,
    story_event: aho_corasick::AhoCorasick,
    story_elsewhere: Regex,
}

fn list(src: &'static str) -> impl Iterator<Item = &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn lexicon() -> Lexicon {
    let mut m = Lexicon::default();
    let lists: [(&mut dyn Iterator<Item = &'static str>, u8); 10] = [
        (&mut list(FIRST), FIRST_NAME),
        (&mut list(FIRST_WORLD), FIRST_NAME),
        (&mut list(LAST), SURNAME),
        (&mut list(LAST_WORLD), SURNAME),
        (&mut NOT_SURNAME.iter().copied(), NOT_A_SURNAME),
        (&mut WEEKDAYS.iter().copied(), NOT_A_SURNAME),
        (&mut MONTH_NAMES.iter().copied(), NOT_A_SURNAME),
        (&mut AMBIGUOUS_FIRST.iter().copied(), AMBIGUOUS),
        (&mut INSTITUTION_NEXT.iter().copied(), INSTITUTION),
        (&mut GENERIC_ADDRESSEE.iter().copied(), GENERIC),
    ];
    for (words, flag) in lists {
        for w in words {
            m.add(w.as_bytes(), flag);
        }
    }
    m
}

impl Res {
    /// The lists holding the word `w` (ASCII case-insensitive).
    fn flags(&self, w: &[u8]) -> u8 {
        let f = self.lexicon.get(w);
        if f != 0 || w.len() < 5 || !w.contains(&b'-') {
            return f;
        }
        // `Lars-Erik`, `Anna-Lena`, `Jean-Pierre`: a name of two listed
        // given names, neither a common word; a surname too (`Ben-Ami`).
        let given = |p: &[u8]| {
            let g = self.lexicon.get(p);
            g & FIRST_NAME != 0 && g & (AMBIGUOUS | GENERIC | INSTITUTION) == 0
        };
        match w.iter().position(|&c| c == b'-') {
            Some(k) if given(&w[..k]) && given(&w[k + 1..]) => FIRST_NAME | SURNAME,
            _ => 0,
        }
    }
}

/// Is `w` a listed given name that is no common word or institution's
/// word (`Brendan`, not `Will` or `Mercy`)? For readers of record formats.
pub(super) fn is_given_name(w: &[u8]) -> bool {
    let f = res().flags(w);
    f & FIRST_NAME != 0 && f & (AMBIGUOUS | GENERIC | INSTITUTION | NOT_A_SURNAME) == 0
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        lexicon: lexicon(),
        lower_cues: regex::bytes::Regex::new(&format!(
            r"(?-u:\b)(?:{})",
            LOWER_CUES
                .iter()
                .map(|c| regex::escape(c))
                .collect::<Vec<_>>()
                .join("|")
        ))
        .expect("built-in cue list compiles"),
        provider_before: re(
            r"(?i)(?:(?-u:\b)(?:dr|doctor|drs|dott(?:\.?ssa)?|dr\.?ssa|prof\.?ssa|mudr|hon|honorable|judge|justice|magistrate|bác\s+sĩ|y\s+tá|điều\s+dưỡng|nurse|prof|professor|doctora|docteur|doutora?|dra|enfermer[ao]|enfermeira|infirmi[èe]re|provider|physician|surgeon|attending|referring|ordering|pcp|therapist|counselor|midwife|pharmacist|dietitian|signed(?:\s+by)?|electronically\s+signed\s+by|cc|from|sent\s+by|authored\s+by|written\s+by|by|speaker|speakers|keynote|presenter|presenters|presented\s+by|moderator|moderated\s+by|panelist|panelists|chair|co-chair|host|hosted\s+by|contact|coordinator|manager|director|ceo|president|editor|author|instructor|faculty|staff|colleague|np|pa|md|rn|pharmd|welcome|formatrice|formateur|intervenante?|anim[ée]e?\s+par|congratulations\s+to|thanks\s+to|thank|ask\s+for|speak\s+(?:to|with)|reach\s+out\s+to|forward(?:ed)?\s+to|attn|attention|to|organizer;cn|requester|requested\s+by|reported\s+by|submitted\s+by|opened\s+by|closed\s+by|resolved\s+by|assigned\s+to|assignee|approver|approved\s+by|technician|rep|sales\s+rep|representative|account\s+(?:manager|executive|rep)|clinical\s+instructor|preceptor|supervisor|(?:admitted|referred|transferred|care|patients?|consultant)\s+under|trainer|trainers|facilitator|educator|lecturer|referent(?:in)?|dozent(?:in)?|(?:vice)?president(?:e|essa|a|in)?|présidente?|direttore|direttrice|directeur|directrice|director(?:a)?|coordinat(?:ore|rice)|coordinador(?:a)?|relat(?:ore|rice)|ponente|moderat(?:ore|rice)|fondat(?:ore|rice)|fondat(?:eur|rice)|fundador(?:a)?|voorzitter|secretaris|penningmeester|ordf[öo]rande|sekreterare|vorsitzende[r]?|gesch[äa]ftsf[üu]hrer(?:in)?|leiter(?:in)?|przewodnicz[ąa]c[ya]|prezes|dyrektor(?:ka)?|koordynator(?:ka)?|p[řr]edsed(?:a|kyn[ěe])|[řr]editel(?:ka)?|puheenjohtaja|formand)\s*[.:,=]?\s*(?:and\s+)?)$",
        ),
        provider_after: re(
            &format!(
            r"^(?:[ \t]*,?[ \t]*(?:{CREDENTIALS})(?:\s*\((?:ASCP|AMT|AAPC|AHIMA)\))?(?-u:\b)|[ \t]*,[ \t]*(?:[A-Z][a-z]+[ \t]+){{1,2}}(?i:director|manager|coordinator|specialist|analyst|lead|head|officer|recruiter|representative|liaison)(?-u:\b)|[ \t]*,[ \t]*(?i:responsable|directrice|directeur|chef|cadre|director|manager|coordinator|president|ceo|cfo|cmo|chair|editor|professor|our\s|the\s|clinic|practice|office|nurse|scheduler|billing|front\s+desk|medical\s+assistant|receptionist|administrator|supervisor|specialist|analyst|lead|head|founder|author|speaker|phone|tel|ext|email)|[ \t]+(?i:in\s+the\s+(?:front\s+|main\s+|school\s+|health\s+)?office|at\s+the\s+front\s+desk|(?:in|from|of)\s+(?:marketing|hr|human\s+resources|billing|accounting|accounts\s+payable|finance|it|payroll|purchasing|facilities|administration|admin|legal|compliance|communications|development|pharmacy\s+purchasing))(?-u:\b)|[ \t]*\((?i:(?:consultant|senior|lead|plastic|general|orthopaedic|orthopedic|vascular|colorectal|breast|cardiac|cardiothoracic|thoracic|upper|gi|hpb|bariatric|ent|paediatric|pediatric|neuro|spinal|hand|trauma|oral|maxillofacial|specialist|clinical|head|chief|attending|visiting|associate|course|programme|program)[ \t]+){{0,3}}(?:surgeon|consultant|anaesthetist|anesthetist|registrar|radiologist|oncologist|cardiologist|urologist|chair|director|faculty|tutor|speaker|hca|hcsw|phlebotomist)s?[ \t]*[),;]|[ \t]*,[ \t]*(?i:consultant|registrar|specialist\s+nurse|clinical\s+lead)(?-u:\b)|[ \t]*,[ \t]*(?i:(?:(?:nouvelle|nouveau|new|notre|our|unsere|neue|nueva|nuevo)\s+)?(?:sage-femme|midwife|physio(?:therapist)?|dietitian|dietician|infirmi[eè]re?|m[ée]decin|kin[ée]sith[ée]rapeute|psychologue|hebamme|matrona|enfermer[oa]|ostetrica|verloskundige|po[łl]o[żz]na|barnmorska))(?-u:\b)|[ \t]+(?i:families|parents|guardians|members|staff|team|colleagues|friends|community|residents|volunteers|campers|employees|customers|neighbou?rs)(?-u:\b)|[ \t]+(?i:will\s+(?:present|speak|lead|host|moderate|give|discuss|talk|join\s+us)|spoke|presented|presents|wrote|writes|said|says|told|explained|noted|reported|leads|led|hosts|hosted|moderates)(?-u:\b))"
        ),
        ),
        label_before: re(
            r"(?i)(?:(?-u:\b)(?:patient(?:'s)?(?:\s+(?:full\s+)?name)?|pt\.?(?:\s+name)?|patient\s+full\s+name|paciente|nombre\s+del\s+paciente|nome\s+do\s+paciente|patiente?|nom\s+du\s+patient|usag[eè]re?|nom\s+de\s+l['’]usag[eè]re?|patientin|patientenname|name\s+des\s+patienten|pacjent(?:ka)?|imi[ęe]\s+i\s+nazwisko|paziente|assistit[oa]|nome\s+(?:del\s+)?paziente|cognome\s+e\s+nome|pati[ëe]nte?|naam\s+(?:van\s+de\s+)?pati[ëe]nt|hasta(?:\s+ad[ıi](?:\s+soyad[ıi])?)?|pangalan\s+ng\s+pasyente|magaca\s+bukaanka))\s*[:#\-]\s*$",
        ),
        cue_before: re(
            r"(?i)(?:(?:^|[^\p{L}\p{N}_])(?:patient(?:'s)?|pt|member(?:\s+name)?|employee(?:\s+name)?|claimant(?:\s+name)?|injured\s+worker|student|client|resident|re|regarding|for|about|subscriber(?:\s+name)?|insured(?:\s+name)?|beneficiary|child|son|daughter|mother|father|wife|husband|mom|dad|baby|infant|paciente|patiente|patientin|pasi[ëe]nt|m[ãa]e|pai|madre|hij[oa]|filh[oa]|esposa|esposo|marido|mère|père|fils|fille|mutter|(?:mam[áa]|pap[áa]|madre|padre|m[ãa]e|pai|mère|père|esposa|esposo|marido|mujer|hij[oa]|filh[oa]|herman[oa]|irm[ãa]o?|abuel[oa]|av[óô])\s+d[aeuo]|vater|sohn|tochter|(?:mein|meine|meinem|meiner|unser|unsere|unserer)\s+(?:mann|ehemann|frau|ehefrau|mutter|vater|sohn|tochter|oma|opa|bruder|schwester|schwiegermutter|schwiegervater)|ibn|bint|walaal(?:ka|kay|kayga|asha|ashay|shay)?|hooyo(?:day|da)?|aabb(?:ahay|aha|e)|wiil(?:kayga|kay|ka)|gabadh(?:ayda|da|ay)|xaas(?:kayga|kay)|(?:moglie|marito|figli[oa]|madre|padre|nonn[oa]|sorella|fratello|mamma|pap[àa])\s+di|(?:datter(?:en)?|s[øo]nn?(?:en)?|dotter|mannen|kona|konen|mor|far|mamma|pappa)\s+min|(?:min|vores|v[åa]r)\s+(?:datter|dotter|s[øo]nn?|son|mand|mann|man|kone|hustru|fru|mor|far|mamma|pappa)|(?:mi|mis|my)\s+(?:mam[áa]|pap[áa]|madre|padre|abuel[oa]|espos[oa]|hij[oa])|bà|ông|cụ|chị|anh|cô|chú|bác|cháu|schedule|scheduled|reschedule|admit|admitted|discharge|discharged|refer|referring|referred|see|saw|seen|treat|treated|examined|remind|notify|mr|mrs|ms|miss|mx|update\s+on|(?:pt|patient)(?:['’]s\s+name)?\s+is|guarantor(?:\s+name)?|se\s+llama|se\s+chama|chama-se|aqui\s+[ée]\s+(?:a|o)|s['’]appelle|hei(?:ß|ss)t|si\s+chiama|pacient(?:a|ka|ky|ovi|em|ce)?|(?:a\s+)?minha\s+(?:av[óô]|m[ãa]e|filha|esposa|irm[ãa]|sogra|tia)|(?:o\s+)?meu\s+(?:av[óô]|pai|filho|marido|irm[ãa]o|sogro|tio)|(?-i:pan)|pan[au]|paní|babam|annem|e[şs]im|o[ğg]lum|k[ıi]z[ıi]m|annemiz|anneniz|babam[ıi]z|baban[ıi]z|o[ğg]lumuz|o[ğg]lunuz|k[ıi]z[ıi]m[ıi]z|k[ıi]z[ıi]n[ıi]z|e[şs]iniz|karde[şs]im|ablam|abim|a[ğg]abeyim|dedem|ninem|babaannem|anneannem|kay[ıi]nvalidem|kay[ıi]npederim|(?-i:[Ss]ig)\.(?:\s?ra)?|signor[ae]?|book|booked|rebook|rebooked|athlete|player(?:\s+case)?|speler|speelster|spieler(?:in)?|jugador(?:a)?|casualty|inmate|detainee|(?:mri|mrt|ct|scan|x-?ray|röntgen|roentgen|befund|blutbild|biopsy|biopsie|resonancia|irm|tac|risonanza|ecograf[íi]a|ecografia|echo)\s+(?:von|of|de|di|van|för|från)|(?:anak|asawa|nanay|tatay|inay|itay|lola|lolo|kapatid|apo|pamangkin)\s+(?:kong|naming|niyang|nilang|ko|namin|niya|nila)?\s*si)\s*[:#,.\-]?\s*)$",
        ),
        participant: re(r"(?i)(?-u:\b)(?:participant[e]?|teilnehmer(?:in)?|deelnemer)\s*[:#,.\-]?\s*$"),
        cue_after: re(
            r"(?i)^(?:'s|’s|[ \t]*\((?:age[ \t]*[1-9][0-9]?[ \t]*[,)]|[1-9][0-9]?[ \t]*,[ \t]*\pL)|[ \t]*\((?:seen|appt|dos|admitted|adm|surgery|procedure|injured|discharged)[ \t:]*(?:on[ \t]+)?[0-9]{1,2}[/.][0-9]{1,2}(?:[/.][0-9]{2,4})?\)|\s*\((?:[^)\n]{0,30}[,;]\s*)?(?:subj(?:ect)?|participant|pt|patient|mrn|nhi|nhs|chi|ndis|medicare|ohip|phn|ppsn|ihi)\.?\s*(?:id|no\.?|nr\.?|number|#)?\s*[:#]?\s*[a-z]{0,3}-?[0-9][^)\n]{0,20}\)|\s*,?\s*(?:your|our)\s+(?:mutual\s+|shared\s+)?patient(?-u:\b)|\s*,?\s*(?:whom|who)\s+(?:we|you|i)\s+(?:both\s+)?(?:co-?treat|co-?manage|share|follow)(?-u:\b)|(?:[ \t]*\([^)\n]{1,40}\))?\s*[(,]?\s*(?:dob|d\.o\.b|date\s+of\s+birth|born|sinh\s+(?:năm|ngày)|age[ds]?\s*[0-9]|[0-9]{1,3}\s*(?:yo|y/o|y\.o\.|-?year-old|years?\s+old|(?:anos|años|ans|jahre|jaar|år|anni|lat|let|vuotta|éves|ετών|χρονών)(?:$|[^\pL]))|[ \t]*,[ \t]*[0-9]{1,3}[ \t]?(?-i:[MF])[ \t]*(?:\r?\n|$)|(?:^|[(,]\s*|\s)[0-9]{1,3}\s?[mf](?:[.,;)]|\s*$|\s+(?:with|w/|s/p|hx|pmh|presents|admitted|c/o|here|in|on))|mrn|a\s+[0-9]{1,3}[- ]year|geb\.|geboren|n(?:é|ée)\s+le(?-u:\b)|nacid[oa]|nascid[oa])|[ \t]+no[- ]?show(?:ed|s)?(?-u:\b)|[ \t]+(?-i:Han[ıi]m|Bey)(?:efendi)?(?:$|[^\p{L}])|\.?[ \t]+(?:his|her)[ \t]+(?:insurance|plan|copay|deductible|balance|bill|claim|prior[ \t]+auth(?:orization)?)[ \t]+(?:won't|will\s+not|doesn't|does\s+not|didn't|did\s+not|denied|was\s+denied|is\s+denied|only|still|is|was)(?-u:\b)|(?:[ \t]*\([^)\n]{1,40}\))?[ \t]*[-–—:][ \t]+(?:his|her|their)[ \t]|[ \t]+missed[ \t]+(?:his|her|their)[ \t]+(?:[0-9:apm ]+[ \t]+)?(?:appointment|appt|visit|session|intake|infusion|dialysis)|[ \t]+(?:is[ \t]+|was[ \t]+)?in[ \t]+(?:bed|bay)[ \t]*#?[0-9]|[ \t]+in[ \t]+[0-9]{1,3}[a-z]?[ \t]*[,;?]|\)?[ \t]+in[ \t]+(?:rm[ \t]*|room[ \t]+|bed[ \t]+)?[0-9]{1,3}[a-z]?[ \t]+(?:is|was)[ \t]+(?:a|an|on|still|now|npo)[ \t]|\)?[ \t]+in[ \t]+(?:rm[ \t]*|room[ \t]+|bed[ \t]+)?[0-9]{1,3}[a-z]?[ \t]+(?:refused|refuses|refusing|declined|declines|pulled|fell|c/o|complains|complaining|spiked|desatted|vomited|coded|is\s+(?:refusing|asking|requesting|c/o|complaining|confused|agitated|npo|febrile|hypotensive|tachy)|was\s+(?:refusing|confused|agitated|febrile))(?-u:\b)|\s+(?:was|is|has\s+been|had|has|will\s+be|needs|requires|came\s+in|presented|presents|reports|complains|tested|underwent|started|began|continues|remains)\s+(?:to\s+|with\s+|for\s+|on\s+|a\s+|an\s+|the\s+|her\s+|his\s+)?(?:diagnosed|admitted|discharged|seen|treated|scheduled|referred|prescribed|started|tested|found|positive|negative|biops|surgery|chemo|dialysis|therapy|pain|symptoms|fever|stable|critical|recovering|pregnant|hospitali|in\s+the\s+hospital|due\s+for))",
        ),
        // Greetings in the languages the other word lists cover, with a
        // continental honorific between greeting and name (`Bonjour M.`).
        salutation: re(
            r"(?i)^\s*(?:dear|hi|hello|hey|good\s+(?:morning|afternoon|evening)|hola|buenos\s+d[íi]as|buenas\s+(?:tardes|noches)|estimad[oa](?:/[ao]|\([ao]\))?|querid[oa](?:/[ao]|\([ao]\))?|hej|hei|ol[áa]|oi|bom\s+dia|boa\s+(?:tarde|noite)|prezad[oa]|bonjour|bonsoir|cher|ch[èe]re|hallo|guten\s+(?:tag|morgen|abend)|liebe[r]?|sehr\s+geehrte[r]?|magandang\s+(?:araw|umaga|hapon|gabi)|kumusta|kia\s+ora|gentile|egregi[oa]|car[oa]|salve|xin\s+ch[àa]o|chào|geachte|beste|say[ıi]n|de[ğg]erli|merhaba|szanown[aey](?:\s+pan(?:i|ie)?)?|dzie[ńn]\s+dobry|v[áa][žz]en[áýay](?:\s+(?:pane|pan[íi]))?|kj(?:æ|ae)re|k(?:æ|ae)re|k(?:ä|ae)ra|hyv[äa]|kedves|tisztelt|stimat[ăa]|stimate|bun[ăa]\s+ziua)\s*[,:]?\s*(?:(?:mr|mrs|ms|miss|dr|sr|sra|m|mme|herr|frau)\.?\s+(?:and|&|y|e|et|und)\s+)?(?:(?:m|mme|mlle|sr|sra|srta|don|doña|dona|herr|frau|g|gng|anh|chị|ông|bà|em|cô|chú|bác|heer|mevrouw|meneer|dhr|mevr)\.?\s+)?$",
        ),
        closing: re(&format!(r"(?im)^\s*(?:{SIGN_OFFS}|--+|—|__+)\s*[,!.]?\s*$")),
        self_intro: re(
            r"(?i)(?:^|[^\p{L}])(?:my\s+name(?:\s+is|['’]s)|me\s+llamo|mi\s+nombre\s+es|je\s+m['’]appelle|mi\s+chiamo|il\s+mio\s+nome\s+è|ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|jmenuji\s+se|nazywam\s+się|mam\s+na\s+imię|mijn\s+naam\s+is|meu\s+nome\s+é|me\s+chamo|chamo-me|jag\s+heter|jeg\s+(?:hedder|heter)|benim\s+adım)\s+$",
        ),
        // `Thanks so much — Brianna Whitaker`: a sign-off on the name's line.
        sign_off: re(&format!(
            r"(?i)(?:^|[.!?]\s+)\s*(?:{SIGN_OFFS})\s*[,!.]?\s*[-–—,]?\s*$"
        )),
        bulk_mail: re(
            r"(?i)(?-u:\b)(?:unsubscribe|newsletter|abbestellen|abmelden|afmelden|uitschrijven|d[ée]sinscri[a-z]*|d[ée]sabonner|darse\s+de\s+baja|cancelar\s+(?:la\s+)?suscripci[óo]n|descadastr[a-z]+|disiscriv[a-z]+|manage\s+(?:your\s+)?(?:email\s+)?preferences|view\s+(?:it\s+)?in\s+(?:your\s+)?browser)(?-u:\b)",
        ),
        your_care: re(
            r"(?i)(?-u:\b)(?:your|ur)\s+(?:[a-z]+\s+){0,2}(?:statement|bill|invoice|receipt)\s+(?:from|at)\s+(?:[\w&'-]+\s+){0,4}(?:counsel+ing|psychotherapy|psychiatry|psychology|dental(?:\s+care)?|dentistry|medical\s+(?:centre|center|group|practice)|physiotherapy|physio|chiropractic|optometry|orthodontics|paediatrics|pediatrics|radiology|hospice|urgent\s+care)(?:\s+(?:collective|group|practice|centre|center|associates|clinic|ltd|llc|inc|pc|pllc))?(?:\s*[.,;:!\r\n]|\s+(?:for|-|–)\s)|(?-u:\b)you(?:'re|’re|\s+are)\s+(?:all\s+)?(?:on|booked|scheduled|confirmed|set)\s+(?:in\s+)?(?:(?:for|on)\s+(?:[a-z0-9/:,]+\s+){0,6})?with\s+(?:dr|doctor|nurse|np|pa|therapist|counsel+or|dentist|hygienist|optometrist|optician|audiologist|physio(?:therapist)?|midwife|chiropractor|podiatrist)(?-u:\b)|(?-u:\b)(?:your|ur)\s+(?:results?|(?:lab|test|blood|biopsy|pathology|scan|mri|x-?ray|ultrasound|screening|imaging|mammogram|covid|pap|a1c|urine|culture)\s+results?)|(?-u:\b)(?:your|ur)\s+(?:[a-z0-9'&-]+\s+){0,3}(?:appointments?|visits?|exams?|examinations?|assessments?|intake|procedure|surgery|operation|biopsy|scan|mri|x-?ray|ultrasound|infusion|chemo[a-z]*|treatment|prescriptions?|medications?|meds|diagnosis|labs?|lab\s*work|bloodwork|refill|therapy|therapist|sessions?|dialysis|consultation|follow[- ]up|referral|care\s+team|doctor|physician|provider|nurse|dentist|counselor|surgeon|specialist|tests?|screening|vaccin[a-z]*|immunizations?|recovery|symptoms|condition|potassium|sodium|glucose|cholesterol|hemoglobin|a1c|blood\s+pressure|blood\s+sugars?|kidney\s+function|thyroid|psa|pregnancy|prenatal|claim|eob|copay|deductible|medical\s+records?|health\s+records?|chart|discharge|admission|hospital\s+stay|cleaning|check-?up|physical|mammogram|colonoscopy|glasses|eyeglass(?:es)?|contacts|contact\s+lenses|lenses|hearing\s+aids?|hearing\s+(?:test|check)|fitting|crown|filling|root\s+canal|implant|extraction|braces|retainer|aligners|dentures?|molar|eye\s+(?:test|exam)|sight\s+test|dose|dosage|insulin|inhaler|stimulation|egg\s+retrieval|retrieval|embryo\s+transfer|injections?|shots?)(?-u:\b)|(?-u:\b)(?:blood\s*work|labs?|tests?|scans?|x-?rays?|mri|biopsy|imaging)\s+(?:that\s+)?you\s+had(?-u:\b)|(?-u:\b)(?:votre|ta)\s+(?:tension|cicatrice|glyc[ée]mie|traitement|ordonnance|grossesse|accouchement|consultation)|(?:^|[^\p{L}])(?:su|tu)\s+(?:receta|tratamiento|tensi[óo]n|embarazo)(?-u:\b)|(?-u:\b)(?:Ihre?|deine?)\s+(?:Behandlung|Blutdruck|Schwangerschaft|Befunde?)(?-u:\b)|(?-u:\b)(?:sua|tua)\s+(?:receita|press[ãa]o\s+arterial|gravidez)(?-u:\b)",
        ),
        // The place word is searched first, by a vector search for a few
        // literals: the animal words (`cat`, `pet`) hide in every other word
        // of prose (`medication`). Three spellings of each (lower, Title,
        // UPPER) keep the vector search, which case folding would lose.
        // A charity's or a hospital's published story, told with its
        // subject's consent: `Stories are shared with permission`.
        public_story: re(
            r"(?i)(?-u:\b)(?:stor(?:y|ies)\s+(?:is|are)\s+(?:shared|published|told)\s+with\s+(?:the\s+)?(?:written\s+)?(?:permission|consent)|in\s+(?:this|his|her|their)\s+(?:new\s+|moving\s+|candid\s+)?memoir,?\s+(?:he|she|they|the\s+author)\s+(?:writes|describes|tells|recalls|reflects)|(?:new|latest|debut|published)\s+memoir|as\s+it\s+(?:appears|appeared)\s+on\s+(?:our|the|their|his|her)\s+(?:website|blog|site)|published\s+(?:on\s+)?(?:[0-9]{1,2}\s+[a-z]+\s*)?,?\s*with\s+(?:[a-z]+['’]s\s+|her\s+|his\s+|their\s+)?(?:written\s+)?(?:consent|permission)|announced\s+(?:today|yesterday|this\s+(?:morning|week)|publicly|on\s+social\s+media|in\s+a\s+(?:public\s+)?statement)\s+that\s+(?:he|she|they)\s+(?:has|have|had)\s+been\s+diagnosed)(?-u:\b)",
        ),
        staff_news: re(
            r"(?i)(?-u:\b)(?:please\s+welcome|(?:delighted|pleased|happy|thrilled|proud)\s+to\s+(?:welcome|introduce|announce)|meet\s+our\s+new|our\s+new\s+(?:audiologist|pharmacist|optometrist|dentist|hygienist|physio(?:therapist)?|nurse|doctor|gp|consultant|manager|colleague)|welcome\s+(?:to\s+the\s+team|aboard)|joins\s+us\s+from|joined\s+us\s+from|joins\s+our\s+(?:team|staff|practice)|new\s+hires?|our\s+newest|farewell\s+(?:to|party|lunch)|retirement\s+party|retires\s+after|congratulations\s+to|promoted\s+to)(?-u:\b)",
        ),
        donor_label: re(r"(?i)(?-u:\b)donor(?:\s+name)?\s*:\s*$"),
        subject_field: re(
            r"(?i)(?-u:\b)(?:student|employee|client|resident|claimant|injured\s+worker|member|insured|patient|athlete|player(?:\s+case)?|inmate|detainee|veteran|casualty|prisoner|offender|soldier|service\s*member|serviceman|servicewoman|recruit|crew\s*member|seafarer|trabajador(?:a)?|emplead[oa]|asegurad[oa]|alumn[oa]|mitarbeiter(?:in)?|arbeitnehmer(?:in)?|besch[äa]ftigte[r]?|salari[ée]e?|employ[ée]e?|travailleu(?:r|se)|lavorat(?:ore|rice)|dipendente|werknemer|medewerker|trabalhador(?:a)?|funcion[áa]ri[oa]|pracownik|pracownica|zam[ěe]stnanec|anst[äa]lld|arbetstagare|ansatt)(?:\s+name)?(?:\s*:\s*|[ \t]*\t\s*)(?:(?:d|d[ñn]a|d[ªa]|sr|sra|mr|mrs|ms|herr|frau|m|mme|sig|sig\.ra|pan|pani|dhr|mevr|pte|pvt|cpl|lcpl|sgt|ssgt|spc|pfc|ab|os|gnr|spr|tpr|rfn|mne|ac|sac|lac|(?:the\s+)?(?:revd|rev|reverend|fr|pastor|imam|rabbi|sister|sr|brother|deacon|canon))\.?\s+)?$",
        ),
        vet_place: aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(
                [
                    "hospital",
                    "clinic",
                    "practice",
                    "center",
                    "centre",
                    "services",
                    "specialists",
                    "diagnostics",
                    "laboratory",
                    "laboratories",
                    "lab",
                    "dvm",
                    // A British practice is a surgery (`Riverside
                    // Veterinary Surgery`); only after `veterinary`.
                    "surgery",
                    // `Meadow Vets` signing: only as a signature.
                    "vets",
                ]
                    .iter()
                    .flat_map(|w| [w.to_string(), title_case(w), w.to_ascii_uppercase()]),
            )
            .expect("built-in place list compiles"),
        own_care: re(
            r"(?i)(?-u:\b)(?:i(?:'ve|\s+have)\s+been\s+(?:profoundly\s+|severely\s+|partially\s+)?(?:deaf|blind|deafblind|disabled)\s+(?:since|from\s+birth|all\s+my\s+life)(?-u:\b)|i(?:'m|\s+am)\s+(?:profoundly\s+deaf|deafblind|registered\s+blind|severely\s+sight\s+impaired|a\s+(?:full-time\s+)?wheelchair\s+user|an\s+amputee|paraplegic|tetraplegic)(?-u:\b)|soy\s+(?:diab[ée]tic[oa]|hipertens[oa]|asm[áa]tic[oa]|al[ée]rgic[oa]|cel[íi]ac[oa]|epil[ée]ptic[oa])|sou\s+(?:diab[ée]tic[oa]|hipertens[oa]|asm[áa]tic[oa])|je\s+suis\s+(?:diab[ée]tique|asthmatique|allergique|[ée]pileptique|enceinte)|ich\s+(?:bin|war)\s+(?:diabetiker(?:in)?|allergiker(?:in)?|asthmatiker(?:in)?|epileptiker(?:in)?|schwanger)|sono\s+(?:diabetic[oa]|ipertes[oa]|allergic[oa]|incinta)|estou\s+(?:gr[áa]vida|gestante)|bior[ęe]\s+(?:teraz\s+)?[0-9]+|przyjmuj[ęe]\s+[0-9]+|moich\s+wynik[óo]w\s+bada|moje\s+wyniki\s+(?:krwi|bada)|mis\s+an[áa]lisis\s+de\s+sangre|mi\s+dosis|meus\s+exames|minha\s+dose|mon\s+traitement|meine\s+(?:blutwerte|befunde)|i\s+miei\s+esami|mijn\s+(?:bloeduitslagen|bloedwaarden)|estoy\s+embarazada|ik\s+ben\s+(?:zwanger|(?:[a-z]+\s+){0,3}geopereerd)|ich\s+bin\s+(?:\S+\s+){0,4}operiert\s+worden|sono\s+stat[oa]\s+operat[oa]|by[łl](?:am|em)\s+operowan[aey]|jsem\s+(?:byla|byl)\s+operov[áa]n[a]?|(?:zlomil[a]?\s+jsem\s+si|jsem\s+si\s+(?:\S+\s+){0,4}zlomil[a]?)|mam\s+(?:paraplegi[ęea]|tetraplegi[ęea]|cukrzyc[ęe]|astm[ęe]|padaczk[ęe]|stwardnienie\s+rozsiane|raka)|ameliyat(?:[ıi])?\s+oldum|jag\s+[äa]r\s+gravid|jestem\s+w\s+ci[ąa][żz]y|hamileyim|(?:fui|me\s+han|me\s+ha)\s+(?:operad[oa]|diagnosticad[oa])|fui\s+internad[oa]|mi\s+hanno\s+operat[oa]|ich\s+wurde\s+(?:operiert|diagnostiziert)|bei\s+mir\s+wurde(?:\s+\S+){0,6}\s+(?:festgestellt|diagnostiziert)|ich\s+werde\s+(?:\S+\s+){0,5}operiert|je\s+(?:me\s+fais|vais\s+me\s+faire|me\s+suis\s+fait)\s+op[ée]rer|je\s+suis\s+(?:en\s+arr[êe]t\s+maladie|hospitalis[ée]e?|op[ée]r[ée]e?\s+(?:du|de\s+la|des|d['’])|sous\s+chimio)|on\s+m['’]a\s+diagnostiqu[ée]|me\s+(?:operan|van\s+a\s+operar|ingresaron|internaram|v[ãa]o\s+operar)(?-u:\b)|mi\s+(?:operano|hanno\s+ricoverat[oa])|mia[łl](?:am|em)\s+(?:zabieg|operacj[ęe]|wypadek|zawa[łl]|udar|z[łl]amanie)|jestem\s+(?:po\s+operacji|po\s+zabiegu|w\s+szpitalu|na\s+zwolnieniu\s+lekarskim)|minulla\s+(?:todettiin|diagnosoitiin|on\s+todettu)|minut\s+(?:leikattiin|leikataan)|olen\s+(?:ollut\s+)?sairauslomalla|ik\s+word\s+(?:\S+\s+){0,4}geopereerd|bij\s+mij\s+is\s+(?:\S+\s+){0,5}(?:vastgesteld|gediagnosticeerd)|(?:jeg|jag)\s+(?:skal|ska)\s+(?:\S+\s+){0,3}opereres|jag\s+ska\s+(?:\S+\s+){0,3}opereras|jeg\s+er\s+blevet\s+opereret|jag\s+har\s+opererats|meg(?:m[űu]t[öo]ttek|operáltak)|m[űu]t[ée]tem\s+volt|cukorbeteg\s+vagyok|byl[a]?\s+mi\s+diagnostikov[áa]n[aoy]?|(?:bekomme|erhalte)\s+ich\s+(?:eine\s+)?(?:chemo\S*|strahlentherapie|bestrahlung\S*|dialyse)|ich\s+bin\s+(?:\S+\s+){0,4}krankgeschrieben|j['’]ai\s+[ée]t[ée]\s+(?:op[ée]r|hospitalis|diagnostiqu)(?:[ée]e?)?|kullan[ıi]yorum|ila[çc]lar[ıi]m|estuve\s+(?:ingresad[oa]\s+)?en\s+(?:urgencias|el\s+hospital|la\s+uci)|estive\s+(?:internad[oa]\s+)?(?:na|no|nas)\s+(?:urg[êe]ncias?|emerg[êe]ncia|hospital|pronto[\s-]socorro)|j['’]ai\s+[ée]t[ée]\s+aux\s+urgences|ich\s+war\s+(?:\S+\s+){0,5}in\s+der\s+notaufnahme\s+(?:wegen|mit|nach)|ich\s+bin\s+(?:selbst\s+|seit\s+\S+\s+\S+\s+)?\p{L}+patient(?:in)?(?-u:\b)|ik\s+ben\s+(?:zelf\s+)?\p{L}+pati[ëe]nte?(?-u:\b)|(?:jag\s+är|jeg\s+er)\s+(?:själv\s+|selv\s+)?\p{L}+patient(?-u:\b)|ik\s+lag\s+(?:\S+\s+){0,4}in\s+het\s+ziekenhuis|sono\s+stat[oa]\s+(?:\S+\s+){0,3}(?:al\s+pronto\s+soccorso|ricoverat[oa])|i(?:'m|\s+am)\s+(?:myself\s+)?an?\s+(?:dialysis|cancer|renal|kidney|transplant|heart|chemo(?:therapy)?|stroke|hospice|copd|hiv|oncology|diabetic)\s+patient(?:[.,;!)]|$|\s+(?:at|of|with|in|and|since|for|here)(?-u:\b))|(?:(?m:^)[ \t]*|[.!?]\s+)went\s+to\s+(?:the\s+)?(?:er|a&e|emergency\s+(?:room|department)|urgent\s+care)\s+(?:at|in|that|last|on|with|because|after)|i\s+had\s+(?:a|an|my|the)\s+(?:[a-z-]+\s+){0,2}(?:colonoscopy|mammogram|biopsy|surgery|procedure|mri|ct\s+scan|ultrasound|endoscopy|operation|c-section)|i\s+(?:was|went|ended\s+up|came)\s+(?:in|to|into|at)\s+(?:(?:the|your|an?)\s+)?(?:emergency\s+(?:room|department|dept)|er|a&e|urgent\s+care|walk-in\s+clinic)(?:\s+(?:on|last|yesterday|this|at|in|the|evening|morning|night|afternoon|of|early|late|[0-9]{1,2}(?:st|nd|rd|th)?|[0-9]{1,2}:[0-9]{2}|am|pm|[a-z]+day|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|week|month|weekend),?){0,6}(?:\s+(?:with|because|after)|(?:\s*\([^)\n]{0,24}\))?[.!;]\s+[A-Za-z]+)|i\s+(?:was|am|got|have\s+been|had\s+been)\s+(?:just\s+|recently\s+|finally\s+)?(?:diagnosed|prescribed|admitted|discharged|hospitali[sz]ed|treated\s+for)|i(?:'ve|\s+have)\s+been\s+(?:taking|using|applying)|(?:since|after|before|at)\s+my\s+(?:last\s+)?(?:appointment|visit|consultation|check-?up)|my\s+(?:left|right)\s+(?:arm|forearm|leg|knee|foot|hand|eye|ear|shoulder|hip|ankle|wrist|breast|elbow|thumb|finger|toe|side)|i(?:'m|\s+am)\s+(?:currently\s+|still\s+|now\s+)?taking|i\s+(?:just\s+|recently\s+)?(?:delivered|gave\s+birth)|(?:i|and|then)\s+(?:broke|fractured|sprained|tore|dislocated)\s+my|my\s+(?:cast|splint|crutches)|my\s+(?:[a-z-]+\s+)?(?:incision|stitches|sutures|staples|surgical\s+drain|blood\s+sugars?|sugars|glucose\s+readings?|bp\s+readings?)|my\s+(?:drinking|drug\s+use|gambling|using)\s+(?:has|had|is|was|got)|(?:gp|doctor|physio|consultant|specialist|surgeon|midwife)\s+(?:has\s+|have\s+|just\s+)?(?:referred|booked|signed)\s+me\s+(?:to|for|in|off)(?-u:\b)|my\s+(?:gp|doctor|consultant|psychiatrist|key\s*worker)\s+(?:has\s+|had\s+)?(?:referred\s+me|admitted\s+me|got\s+me\s+(?:a\s+place|a\s+bed|an?\s+appointment|a\s+referral|into|onto)|signed\s+me\s+off\s+(?:sick|work))|my\s+(?:diagnosis|surgery|biopsy|prescriptions?|medications?|meds|chemo[a-z]*|treatment|infusions?|test\s+results?|lab\s+results?|symptoms|oncologist|cardiologist|psychiatrist|therapist|surgeon|next\s+dose|insulin|inhaler|pregnancy|colonoscopy|mammogram))(?-u:\b)",
        ),
        // Right before a health term: the writer's own (`my migraines`,
        // `my new migraine medicine`, `I have diabetes`).
        own_term: re(
            r"(?i)(?:^|[^\p{L}])(?:my\s+(?:[a-z'-]+\s+){0,2}|i\s+(?:have|had)\s+(?:two\s+|three\s+|four\s+|several\s+|multiple\s+)?|i'm\s+on\s+|i\s+am\s+on\s+|i(?:['’]ll|\s+will)\s+be\s+(?:nearly\s+|almost\s+|about\s+)?[0-9]{1,2}\s+|i(?:'m|\s+am)\s+(?:now\s+|currently\s+|nearly\s+|almost\s+)?[0-9]{1,2}\s+|(?:has|have|had|keeps?)\s+me\s+on\s+(?:weekly\s+|daily\s+|regular\s+|close\s+|extra\s+|strict\s+)?(?:monitoring|medication|treatment|tablets|pills|insulin|steroids|antibiotics|bed\s+rest)\s+for\s+(?:my\s+|the\s+)?|i\s+(?:take|use|inject|started|stopped|took|finished|missed|am\s+taking|have\s+been\s+taking)\s+(?:the\s+|my\s+)?|i(?:'ve|\s+have)\s+(?:had|got|been\s+having)\s+(?:this|a|an|some)?\s*(?:[a-z'-]+\s+)?|(?:started|put|switched)\s+me\s+on\s+(?:the\s+)?\(?|(?:is|are|was|keeps?)\s+giving\s+me\s+(?:[a-z]+\s+){0,3}|(?:gave|given|got|sent|offered)\s+me\s+(?:a\s+)?(?:date|appointment|slot|bed)\s+for\s+(?:my\s+|the\s+|an?\s+)?|i\s+(?:have\s+to|need\s+to|must)\s+(?:wear|use)\s+(?:a\s+|an\s+|the\s+|my\s+)?|(?:mi|mis|meu|minha|meus|minhas|mon|mein|meine|meinen|meinem|meiner|il\s+mio|la\s+mia|i\s+miei|le\s+mie)\s+(?:\p{L}+\s+){0,2}|(?:tomo|uso|me\s+inyecto|me\s+pongo|estoy\s+tomando|sigo\s+tomando|tomei|estou\s+tomando|je\s+prends|ich\s+nehme|subimos|bajamos|aumentamos|cambiamos)\s+(?:la\s+|el\s+|las\s+|los\s+|mi\s+|mis\s+|a\s+|o\s+|meu\s+|minha\s+)?|me\s+(?:diagnosticaron|recetaron|operaron|diagnosticaram|receitaram|operaram)\s+(?:de\s+|con\s+|com\s+)?(?:\p{L}+\s+){0,2})$",
        ),
        own_clause: re(
            r"(?i)(?:(?:^|[^\p{L}])(?:mijn|mitt|mina|moja|moje|mój|moim|moją|moj|můj|moji|benim|mano|minu)\s+(?:[\p{L}-]+\s+){0,2}|(?:^|[^\p{L}])ich\s+(?:habe|hatte|nehme|bekomme|brauche|spritze|leide\s+(?:an|unter))\s+(?:(?:am|im|seit|vor|letzte[nr]?|bei|ihnen|heute|gestern|[0-9]{1,2}\.?|januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|woche|monat|jahr|tag|wochenende|ihnen|letzten|vergangenen|zwei|drei|vier|wochen|monaten|jahren|tagen|eine[nmr]?|ein|eine|chronische[nrs]?|schwere[nrs]?|starke[nrs]?|typ|[0-9]+)[\s.-]+){0,7}|(?:^|[^\p{L}])ik\s+(?:heb|had|slik|gebruik|neem|krijg|kreeg|spuit)\s+(?:(?:sinds|al|een|de|het|twee|drie|vier|vijf|zes|[0-9]+|dagen|weken|maanden|jaar|jaren|chronische|ernstige|type)[\s-]+){0,4}|(?:^|[^\p{L}])(?:jag|jeg)\s+(?:har|hade|hadde|havde|tar|tager|fick|fikk|fik|använder|bruker|bruger)\s+(?:(?:en|ett|ei|et|typ|type|sedan|siden|i|flera|mange|många|år|[0-9]+|svår|svær|kraftig|kronisk|lätt|lett|let)[\s-]+){0,4}|(?:^|[^\p{L}])(?:har|hade|hadde|havde)\s+(?:jag|jeg)\s+(?:(?:en|ett|ei|et|typ|type|svår|svær|kraftig|kronisk)[\s-]+){0,3}|(?:^|[^\p{L}])(?:tengo|tuve|padezco|sufro\s+de|tenho|tive|sofro\s+de|j['’]ai|ho|avevo|soffro\s+di)\s+(?:(?:una?|une|la|le|el|il|lo|gli|l['’]|um|uma|des|du|de\s+l['’]|[0-9]+|crises?\s+de|de)\s*){0,2})$",
        ),
        // `my diabetes education class`, `I have COVID-19 test kits`: the
        // term names a program or a thing, not the writer's condition.
        not_own: re(
            r"(?i)^[\s-]*(?:education|educators?|nurses?|specialists?|advocates?|researchers?|class(?:es)?|grants?|webinars?|awards?|login|program(?:me)?s?|clinic|team|patients|group|fair|event|training|presentation|test\s+kits?|kits?|unit|department|services?|awareness|month|week|day|research|study|project|caseload|panel|rates?|prevalence|protocols?|seasons?|walks?|runs?|numbers|figures|statistics|fundraisers?|screening\s+day|ed|blocks?|shifts?|slots?|schedule|stores?|shops?|business|practice|division|stock|catalog(?:ue)?s?|brochures?|batter(?:y|ies))(?-u:\b)",
        ),
        vet_word: re(r"(?i)(?-u:\b)veterinary\s+(?:[a-z]+\s+){0,2}$"),
        animal_word: re(r"(?i)(?-u:\b)(?:animal|pet|cat|dog|feline|equine)\s+$"),
        animal_care: re(r"(?i)(?-u:\b)(?:animal|pet|cat|dog|feline|equine)\s+care\s+$"),
        vet_short: re(r"(?i)(?-u:\b)vet\s+$"),
        animal: re(
            r"(?-u:\b)(?:(?i:canine|feline|equine|domestic\s+(?:short|long)hair|heartworm|spay(?:ed)?|neuter(?:ed)?|dhpp|fvrcp|litter\s+box|kennels?|microchip(?:ped)?|pet\s+passport|animal\s+health\s+certificate|caninsulin|prozinc|vetmedin|apoquel|cytopoint|bravecto|nexgard|simparica|metacam|loxicom|onsior|rimadyl|librela|solensia|water\s+bowl)|RVN|dogs?|cats?|pupp(?:y|ies)|kittens?|pets?|vets?|boarding)(?-u:\b)",
        ),
        // An owner writing of the animal itself, with no practice named
        // (`the pet poison helpline`, `our 22-lb beagle`).
        pet_patient: re(
            r"(?i)(?-u:\b)(?:(?:pet|animal)\s+insurance\s+claims?|police\s+dogs?|dog\s+(?:section|unit|handlers?)|k-?9\s+(?:unit|section|team)|racehorses?|racing\s+stables?|pulled\s+up\s+lame|bowed\s+tendon|(?:stall|box)\s+rest|(?:our|my)\s+(?:cat|dog|puppy|kitten|rabbit|hamster|guinea\s+pig|horse|pony|parrot)\s+[a-z]+\s+(?:was|has|is|had)|(?:had\s+(?:surgery|an?\s+operation)|was\s+(?:operated\s+on|spayed|neutered))\s+at\s+the\s+vets?(?:['’]s)?|crate\s+rest|domestic\s+(?:short|long)hair|caninsulin|prozinc|vetmedin|apoquel|cytopoint|bravecto|nexgard|simparica|metacam|loxicom|onsior|rimadyl|librela|solensia|vet(?:'s|’s)?\s+invoice|(?:pet|animal)\s+poison\s+(?:control\s+)?(?:help\s*line|hot\s*line|line|cent(?:er|re)|control)|(?:our|my)\s+[0-9]+[- ]?(?:lb|lbs|pound|kg|year|yr|month|week)s?[- ]?(?:old\s+)?(?:dog|cat|puppy|kitten|beagle|labrador|retriever|terrier|poodle|spaniel|shepherd|bulldog|chihuahua|dachshund|husky|collie|corgi|tabby|rabbit|parrot|hamster|ferret|pug|schnauzer|greyhound|doodle)|\([0-9]+[- ](?:year|yr|month|week)s?[- ]old\s+(?:labrador|golden|retriever|terrier|poodle|spaniel|bulldog|chihuahua|dachshund|husky|collie|corgi|tabby|beagle|schnauzer|greyhound|pug|dog|cat|kitten|puppy)|(?:dhpp|fvrcp|dapp)\s+(?:boosters?|vaccines?|shots?)|the\s+vets?\s+(?:says|said|thinks|thought|reckons)[^.\n]{0,60}?(?:hamsters?|guinea\s+pigs?|gerbils?|wet\s+tail)|mrcvs|frcvs|bvsc|bvetmed|bvms|vetmb|dacvim|decvim|veterinary\s+referrals|veterinari[oa]|veteriner|weterynar[a-z]*|tierklinik|dierenarts|dierenkliniek|(?:our|my)\s+(?:beagle|labrador|retriever|terrier|poodle|spaniel|bulldog|chihuahua|dachshund|husky|collie|corgi|tabby|parrot|hamster|ferret|pug|schnauzer|greyhound|labradoodle|goldendoodle)s?)(?-u:\b)|(?i:veterinärklinik|veterinarska ambulanta|veterinarska klinika|veterinarska postaja|veterinární klinika|veterinární ordinace|veterinárna ambulancia|veterinārā klīnika|veterinārklīnika|veterinarijos klinika|állatorvosi rendelő|állatklinika|eläinlääkäriasema|eläinklinikka|loomakliinik|ветеринарна клиника|ветеринарска станица|djursjukhus|clinique vétérinaire|tierarztpraxis|tierärztliche|ветеринарная клиника|ветеринарной клиник|ветклиник|動物病院|宠物医院|동물병원)",
        ),
        owner_care: re(
            r"(?i)(?-u:\b)(?:you(?:'re|’re|\s+are)|i(?:'m|’m|\s+am))\s+(?:now\s+|currently\s+|still\s+)?[0-9]{1,2}\s+weeks\s+(?:pregnant|along)|(?-u:\b)(?:for|with|given|because\s+of|after)\s+your\s+(?:own\s+)?(?:rheumatoid\s+arthritis|lupus|pregnancy|chemotherapy|chemo|transplant|kidney\s+transplant|diabetes|cancer|hiv|surgery|immune\s+condition)(?-u:\b)|(?-u:\b)(?:you(?:'re|’re|\s+are)|you've\s+been)\s+(?:still\s+|currently\s+|now\s+)?on\s+(?:the\s+)?(?:methotrexate|prednisone|chemo|chemotherapy|tacrolimus|immunosuppressants?|dialysis)(?-u:\b)",
        ),
        // Car service mail: its "appointment" and "diagnosis" concern a
        // vehicle. Two of these words, so a crash report (`motor vehicle
        // accident`) stays as it is.
        vehicle: spellings(&[
            "VIN",
            "mileage",
            "odometer",
            "oil change",
            "oil & filter change",
            "tire rotation",
            "check engine",
            "service advisor",
            "loaner car",
            "loaner vehicle",
        ]),
        // Someone told about in the third person, right after their name:
        // `Linda asked me to tell you... She was diagnosed with...`.
        told_story: re(
            r"(?i)(?-u:\b)(?:she|he)(?:['’]s)?\s+(?:(?:was|has\s+been|is|had|has|just|recently|underwent|needs|needed|will\s+need|is\s+having|was\s+having|got|suffered|sustained|developed|starting|started|starts|begins|began|beginning|undergoing|recovering\s+from|is\s+recovering\s+from|is\s+starting|is\s+beginning|is\s+undergoing)\s+)?(?:just\s+|recently\s+|finally\s+|been\s+|(?:halfway|half\s+way|midway|part\s*way)\s+through\s+|going\s+through\s+|in\s+the\s+middle\s+of\s+)?(?:(?:a|an|her|his|emergency|minor|major|outpatient|left|right|knee|hip|back|heart|eye|shoulder|foot|ankle|wrist|hand|cataract|gallbladder|spine|spinal|neck|brain|bypass|bariatric|cardiac|dental|sinus|hernia|mild|small|bad)\s+){0,3}$|(?-u:\b)(?:took|rushed|brought|drove|sent)\s+(?:him|her)\s+(?:straight\s+|right\s+)?to\s+(?:the\s+|an\s+)?$",
        ),
        story_event: spellings(&[
            "diagnosed",
            // Also the bar, a school, the army: `story_elsewhere` tells.
            "admitted",
            "discharged",
            "hospitalized",
            "hospitalised",
            "started chemo",
            "started dialysis",
            "started radiation",
            "started treatment",
            "in the hospital",
            "in the ICU",
            "in the ER",
            "had surgery",
            "had a stroke",
            "had a heart attack",
            "heart attack",
            "had a miscarriage",
            "tested positive",
            // After `he had` / `she needs` and at most three words
            // (`he had knee surgery`, `she is having a biopsy`).
            "surgery",
            "operation",
            "biopsy",
            "transplant",
            "stroke",
            "seizure",
            "colonoscopy",
            "chemo",
            "chemotherapy",
            "dialysis",
            "pneumonia",
            "fracture",
            "cancer",
            "concussion",
            // After `took him to` (`parents took him to urgent care`).
            "urgent care",
            "emergency room",
        ]),
        // `admitted to the New York bar`, `discharged from the Army`.
        story_elsewhere: re(
            r"(?i)^\s+(?:(?:[a-z]+\s+)?(?:phd|doctorate|degree|course|training|career|research|studies|charity|fundraiser|awareness)|to\s+(?:the\s+)?(?:[a-z.]+\s+){0,3}(?:bar|university|college|school|academy|program(?:me)?|club|society|partnership)|(?:from|by)\s+(?:the\s+)?(?:u\.?s\.?\s+)?(?:army|navy|air\s+force|marines?|military|service|coast\s+guard|bankruptcy|court)|(?:resident|residents|residency|fellow|fellowship|department|team|service|schedule|scheduler|coordinator|center|centre|clinic|unit|program|rotation|nurse|nurses|tech|technician|researcher|research|survivor|advocate|awareness|specialist|surgeon|ward|floor|suite|doctor|physician|provider|clinician|director|manager|volunteer|chaplain|staff))(?-u:\b)",
        ),
        commerce: re(
            r"(?i)(?-u:\b)(?:invoice|quote|quotation|(?:gift|donation|tax)\s+receipt|gift\s+aid|fundrais(?:ing|er|ers)|major[- ]donors?|donor\s+(?:list|wall|report)|(?:anonymi[sz]ed|de-?identified|anonymisierte?[nrs]?|pseudonymi[sz]ed|pseudonymisierte?[nrs]?|anonimizzat[oia]|anonimizad[oa]s?|geanonimiseerde?)\s+(?:data(?:set)?|extract|extrakt|datensatz|daten|dati|datos|dados|donn[ée]es|gegevens|estratto|extracto)|your\s+(?:generous\s+|kind\s+)?(?:gift|donation|contribution)|takk\s+for\s+gaven|skattefradrag|spendenquittung|spendenbescheinigung|zuwendungsbest[äa]tigung|re[çc]u\s+fiscal|giftbevis|tender\s+(?:documents?|pack|reference|submission|specification)|invitation\s+to\s+tender|pliegos?\s+de|licitaci[óo]n|adjudicatari[oa]|presentaci[óo]n\s+de\s+ofertas|appel\s+d['’]offres|ausschreibung|aanbesteding|gara\s+d['’]appalto|501\(c\)\(3|pricing|price\s+list|purchase\s+order|po\s*#|proposal|notice\s+of\s+award|award\s+(?:number|#|amount)|unit\s+price|subtotal|or[çc]amento|cotizaci[óo]n|factura|facture|devis|angebot|rechnung|abstract\s+#?[0-9]|your\s+abstract|manuscript|(?:my|attached)\s+(?:current\s+|updated\s+)?(?:cv|resume|résumé|curriculum\s+vitae)|job\s+(?:posting|opening|offer)|poster\s+(?:session|presentation|board)|peer[- ]review|call\s+for\s+(?:papers|abstracts)|congr[eè]s|congress|congreso|congresso|symposium|conference\s+(?:registration|badge|fee)|registration\s+(?:fee|confirmation|reference|number|no|desk)|thank\s+you\s+for\s+registering|workshops?\s+booked|locum\s+(?:role|post|position|vacancy|job|opportunity|shifts?)|candidate\s+id|test(?:ing)?\s+(?:centre|center)|exam\s+(?:appointment|registration)|fee\s+schedule|(?:n[°º]|num[ée]ro)\s+d'inscription|quota\s+di\s+iscrizione|(?:la\s+)?sua\s+iscrizione|crediti\s+ecm|corso\s+ecm|cuota\s+de\s+inscripci[óo]n|su\s+inscripci[óo]n|taxa\s+de\s+inscri[çc][ãa]o|sua\s+inscri[çc][ãa]o|frais\s+d'inscription|votre\s+inscription|formation\s+continue|cme\s+credits?|(?:public|county|city)\s+library|library\s+(?:card|patrons?)|items?\s+checked\s+out|grant\s+(?:number|no|#|report|progress|application|award|period)|aggregate\s+(?:program\s+)?(?:totals|data|figures|counts|statistics|numbers)|reporting\s+period)(?-u:\b)",
        ),
        list_record: re(
            r"(?i)[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{6,}|(?-u:\b)(?:dob|mrn|[0-9]{1,3}\s?(?-i:[MF])|[0-9]{1,3}\s?(?:yo|y/o|years?\s+old))(?-u:\b)",
        ),
        patient_billing: re(
            r"(?i)(?-u:\b)(?:balance\s+due|date\s+of\s+service|patient\s+responsibility|your\s+balance|amount\s+you\s+owe|co-?pay|deductible|explanation\s+of\s+benefits|eob)(?-u:\b)",
        ),
        place_title: aho_corasick::AhoCorasick::new(PLACES.iter().map(|p| title_case(p)))
            .expect("built-in place list compiles"),
        // After a name: `, 71M,` `, 67 F` `(DOB` `, MRN` `, 45 y/o`.
        record_after: re(
            r"^\s*(?:\p{Lu}[\p{L}'-]+\s+){0,2}\(\s*(?i:curp|cpf|nhs(?:\s+no\.?|\s+number)?|nhi|pesel|ssn|svnr|sv-nr|ahv|amka|taj|egn|cnp|oib|nik|nric|fin|medicare(?:\s+no\.?)?|health\s+card(?:\s+no\.?)?|personnummer|cpr|hetu|codice\s+fiscale|rrn|bsn|insz|rijksregisternummer|snils|isikukood|my\s+number|cccd|rodné\s+číslo|rč|membership|member\s+(?:no\.?|number|id)|(?:sa\s+)?id\s+(?:no\.?|number)|identity\s+(?:no\.?|number)|bib(?:\s+no\.?)?)(?-u:\b)\s*(?:no\.?|#)?\s*[:#]?\s*[A-Z0-9][A-Z0-9 .-]{0,20}[0-9][A-Z0-9 .-]{0,20}[0-9][A-Z0-9 .-]{0,20}\)|^\s*[,(]\s*(?:[0-9]{1,3}\s?[MF](?:\s*[,;)/]|\s*$)|[0-9]{1,3}\s?(?i:yo|y/o|y\.o\.|-?year-old|years?\s+old)|(?i:dob|d\.o\.b\.?|mrn|date\s+of\s+birth)(?-u:\b)|(?i:age[ds]?)\s*:?\s*[0-9]{1,3}(?-u:\b)|(?i:g[1-9]\s?p[0-9]{1,4}|edd\s*:?\s*[0-9])(?-u:\b))|^[ \t]*,[ \t]*[A-Z]{1,3}[0-9]{6,10}[ \t]*,[ \t]*(?:[0-9]{1,3}[ \t]?[MF](?-u:\b)|(?i:dob|d\.o\.b|ward|bed|bay|age)(?-u:\b))|^[ \t]*,[ \t]*[0-9]{1,3}[ \t]*(?:[-–,][ \t]*)?[A-Z]{3,4}[ \t]?[1-9][0-9]{6,9}[ \t]*(?:\r?\n|$|[-–,:][ \t]*(?i:[a-z]+[ \t]+)?(?i:biops|diagnos|dx|carcinoma|cancer|tumou?r|mass|lesion|histolog|ward|bed|bay|admit|referr|stage|scan|ct|mri|pet|chemo|surgery|post-?op|review|result))|^[ \t]*\([ \t]*(?:LOC|MRN|NHS|HOSP|UR|URN|CR|RM|PT|HN|CHI|PAS|KH|NGH|RXH)[ \t]?[1-9][0-9]{5,9}[ \t]*\)|^[ \t]*[,(][ \t]*(?:19|20)?[0-9]{6}[-+A][0-9]{3}[0-9A-Z](?-u:\b)",
        ),
        // `Ramon Etxeberria, 67, COPD`: a bare age between commas, then
        // words. Only after a name in reading order: `Last, First, 12,`
        // is as often a roster's unit or shift.
        // …or an age with a sex right after the name, as a page or a
        // board writes it (`pt IVANOVA SVETLANA 67F ant STE`).
        record_bare_age: re(
            r"^\s*,\s*(?:(?i:approx\.?|approximately|about|around|ca\.?|~)\s*)?[1-9][0-9]\s*,\s*\pL|^[ \t]+[1-9][0-9]?[ \t]?[MF](?:[ \t,;)/]|$)",
        ),
        initials_label: re(
            r"(?i:(?-u:\b)(?:initials|initialen|iniciales|initiales|iniciais))\s*[:=]?[ \t]*([A-Z]\.?(?:-[A-Z]\.?)?[ \t]?[A-Z]\.?(?:-[A-Z]\.?)?(?:[ \t]?[A-Z]\.)?)(?:[\s,;)/]|$)",
        ),
        event: re(
            r"(?i)(?-u:\b)(?:(?:potassium|sodium|glucose|inr|h(?:a)?emoglobin|hgb|platelets?)\s+(?:level\s+)?(?:is|was|of|at)\s+[0-9]|biops(?:y|ies)|results?|came\s+back|positive|negative|abnormal|diagnos[a-z]*|prognosis|admitted|discharged|hospitali[sz]ed|surgery|surgical|operation|procedure|chemo[a-z]*|radiation|infusion|dialysis|prescri[a-z]*|refill|medication|dosage|mg|appointment|follow[- ]up|consult[a-z]*|referr[a-z]*|scan|mri|ct|x-ray|labs?|lab\s+work|bloodwork|pathology|treatment|therapy|symptoms|condition|tumou?r|mass|lesion|stage\s+[0-4iv]+|pregnan[a-z]*|miscarriage|overdose|injur[a-z]*|fracture|wound|stitches|vaccine|vaccinated|screening|exam|visit|clinic|hospital|er|icu|ward|rehab|hospice|(?:on|to|from|in|off)\s+(?:the\s+)?unit|unit\s+[0-9]+[a-z]?|(?:icu|ccu|nicu|picu|burn|stroke|step-?down|telemetry|tele|cardiac|surgical|medical|psych|psychiatric|maternity|oncology|dialysis|rehab|inpatient|care|trauma|neuro|med-?surg|transplant|ortho|orthopedic|pediatric|labor|observation|obs|respiratory|renal)\s+unit)(?-u:\b)",
        ),
    })
}

/// The longest word `word_end` takes; no listed name comes near it.
const WORD_CAP: usize = 40;

/// A word at `s`: ASCII letters with inner `'`/`-`; its end.
fn word_end(b: &[u8], s: usize) -> usize {
    let mut e = s;
    while e < b.len() && e - s < WORD_CAP {
        let c = b[e];
        if c.is_ascii_alphabetic()
            || ((c == b'\'' || c == b'-')
                && e > s
                && b.get(e + 1).is_some_and(u8::is_ascii_alphabetic))
        {
            e += 1;
        } else if let Some(n) =
            super::latin::len(b, e).filter(|_| e > s || super::latin::capital(b, e))
        {
            // `Jesús`, `Bogdanović`, `Trần`: a Latin letter inside a word;
            // `Ángel`, `Łukasz`: a Latin capital opening one.
            e += n;
        } else {
            break;
        }
    }
    e
}

/// Lower-case ASCII copy of a word into `buf` (words are at most 40 bytes).
fn lower<'a>(w: &[u8], buf: &'a mut [u8; 48]) -> &'a str {
    std::str::from_utf8(fold(w, buf)).unwrap_or("")
}

/// `w` lower-cased, Latin-1 letters folded to their ASCII base
/// (`García` → `garcia`): the lists are ASCII.
fn fold<'a>(w: &[u8], buf: &'a mut [u8; 48]) -> &'a [u8] {
    let mut n = 0;
    let mut i = 0;
    while i < w.len() && n < buf.len() {
        if w[i] >= 0x80
            && let Some((c, len)) = super::latin::fold(w, i)
        {
            buf[n] = c;
            i += len;
        } else {
            buf[n] = w[i].to_ascii_lowercase();
            i += 1;
        }
        n += 1;
    }
    &buf[..n]
}

fn capitalised(w: &[u8]) -> bool {
    w.len() >= 2
        && (w[0].is_ascii_uppercase() || super::latin::capital(w, 0))
        && w[1..].iter().any(u8::is_ascii_lowercase)
}

fn all_caps(w: &[u8]) -> bool {
    // Latin-1 capitals (`GARCÍA`): `0xC3` then `0x80..=0x9E`, not `×`.
    let mut prev_c3 = false;
    w.len() >= 2
        && w.iter().all(|&c| {
            let ok = c.is_ascii_uppercase()
                || c == b'\''
                || c == b'-'
                || c == 0xC3
                || (prev_c3 && (0x80..=0x9E).contains(&c) && c != 0x97);
            prev_c3 = c == 0xC3;
            ok
        })
}

/// Skip one run of spaces/tabs (no line break); the next position.
fn skip_blank(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while j < b.len() && j - i < 4 && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    (j > i).then_some(j)
}

/// The word after position `i` (after blanks), as (start, end).
fn next_word(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let s = skip_blank(b, i)?;
    let e = word_end(b, s);
    (e > s).then_some((s, e))
}

/// The word after position `i` in the same table cell: none across a tab
/// (`Kenya<TAB>Yellow fever`: no name runs from one cell into the next).
fn next_word_in_cell(b: &[u8], i: usize) -> Option<(usize, usize)> {
    next_word(b, i).filter(|&(s, _)| !b[i..s].contains(&b'\t'))
}

/// The end of a nickname in quotes or brackets right after a first name
/// (`Priya "Pree" Raghunathan`, `Robert (Bob) Lee`).
fn nickname_end(b: &[u8], e: usize) -> Option<usize> {
    let s = skip_blank(b, e)?;
    let (open_len, close): (usize, &[u8]) = match b.get(s..)? {
        [b'"', ..] => (1, b"\""),
        [b'(', ..] => (1, b")"),
        [b'\'', ..] => (1, b"'"),
        [0xE2, 0x80, 0x9C, ..] => (3, "\u{201D}".as_bytes()),
        _ => return None,
    };
    let inner = s + open_len;
    let we = word_end(b, inner);
    if we == inner || we - inner > 16 || !b[inner].is_ascii_uppercase() {
        return None;
    }
    b.get(we..we + close.len())
        .is_some_and(|c| c == close)
        .then_some(we + close.len())
}

/// Strip a possessive `'s` from a word's end.
fn base(b: &[u8], s: usize, e: usize) -> (usize, bool) {
    if e >= s + 3 && b[e - 2] == b'\'' && (b[e - 1] == b's' || b[e - 1] == b'S') {
        (e - 2, true)
    } else {
        (e, false)
    }
}

/// Is `b[s..e]` acceptable as a surname after a first name?
fn surname_ok(r: &Res, b: &[u8], s: usize, e: usize, known_only: bool, caps: bool) -> bool {
    let w = &b[s..e];
    if !(capitalised(w) || (caps && all_caps(w))) {
        return false;
    }
    let f = r.flags(w);
    if f & NOT_A_SURNAME != 0 {
        return false;
    }
    // `Ángel Fuentes-Ibarra`: both halves listed make a listed surname.
    // A given name that is a surname too where lists miss it, before a
    // possessive (`Kwame Asante's test came back`).
    let possessive = b[e..].starts_with(b"'s") || b[e..].starts_with("’s".as_bytes());
    f & SURNAME != 0
        || double_barrelled(r, w)
        || (!known_only && w.len() >= 3 && (f & FIRST_NAME == 0 || possessive))
}

/// Months, some of them listed first names too (`May's flu clinic`).
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekdays in Tagalog, Spanish, French, German and Italian: `Sabado,
/// Mayo 17` (Saturday, May 17) is no `Last, First` (`Tran, Mai` is).
const OTHER_WEEKDAYS: &[&str] = &[
    "lunes",
    "martes",
    "miyerkules",
    "miercoles",
    "huwebes",
    "biyernes",
    "sabado",
    "linggo",
    "jueves",
    "viernes",
    "domingo",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lunedi",
    "martedi",
    "mercoledi",
    "giovedi",
    "venerdi",
    "sabato",
    "domenica",
];

/// Short forms of months (`Jan. 27`); `Jan` alone is a first name too.
const MONTH_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// A month's name or its abbreviation, in any case.
fn month_word(w: &[u8]) -> bool {
    let mut buf = [0u8; 48];
    let w = lower(w, &mut buf);
    MONTH_NAMES.contains(&w) || MONTH_ABBREVIATIONS.contains(&w)
}

/// `SPRINGFIELD, Jan. 27`: a month (`Jan`, `June`...) and a day after
/// it is a dateline, not a first name.
fn dateline(b: &[u8], s: usize, e: usize) -> bool {
    if !month_word(&b[s..e]) {
        return false;
    }
    let mut p = e;
    if b.get(p) == Some(&b'.') {
        p += 1;
    }
    while b.get(p) == Some(&b' ') {
        p += 1;
    }
    // A day of one or two digits, then no more of a date (`JAN 03/14/1961`
    // is a first name and a birth date).
    let digits = b[p.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=2).contains(&digits)
        && matches!(
            b.get(p + digits),
            None | Some(b',' | b' ' | b')' | b'\r' | b'\n' | b'.' | b';' | b':')
        )
}

/// `Monday, January 6`: a weekday before a date is no `Last, First`
/// (other listed non-surnames, `Ward`, `Day`, are surnames in records).
fn weekday(w: &[u8]) -> bool {
    const SHORT: &[&str] = &[
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ];
    // Every weekday and its short forms: 3 to 9 ASCII letters opening
    // with one of five; most words stop here, before any copy.
    if !(3..=9).contains(&w.len()) || !matches!(w[0] | 0x20, b'm' | b't' | b'w' | b'f' | b's') {
        return false;
    }
    let mut buf = [0u8; 48];
    let w = lower(w, &mut buf);
    WEEKDAYS.contains(&w) || SHORT.contains(&w)
}

/// `Alvarez-Ruiz`: a hyphenated word whose parts are all listed surnames.
fn double_barrelled(r: &Res, w: &[u8]) -> bool {
    w.contains(&b'-')
        && w.split(|&c| c == b'-').all(|p| {
            let f = r.flags(p);
            p.len() >= 2 && f & SURNAME != 0 && f & NOT_A_SURNAME == 0
        })
}

/// `Bogdanović, Milena` alone on its line (an EHR's header, a list): a
/// surname no list holds, in record order before a listed first name.
/// Not a closing or a greeting (`Cheers, Anna`, `Congrats, Anna`).
fn alone_as_last_first(r: &Res, text: &str, s: usize, e: usize, f: u8) -> bool {
    let b = text.as_bytes();
    if e - s < 4 || f & (FIRST_NAME | NOT_A_SURNAME | GENERIC | INSTITUTION) != 0 {
        return false;
    }
    // The cheap tests first: a listed first name, then the line's end.
    let first_then_end = next_word(b, e + 1).is_some_and(|(s2, e2)| {
        let rest = text[e2..].split('\n').next().unwrap_or("");
        r.flags(&b[s2..e2]) & (FIRST_NAME | AMBIGUOUS) == FIRST_NAME
            && rest
                .trim_end()
                .trim_start_matches(|c: char| c == ' ' || c.is_ascii_uppercase() || c == '.')
                .is_empty()
    });
    first_then_end
        && text[line_start(text, s)..s].trim().is_empty()
        && !NOT_LAST_NAMES.contains(&lower(&b[s..e], &mut [0u8; 48]))
        && !r.closing.is_match(&text[s..e])
        && !r.salutation.is_match(&text[s..e])
}

/// `Cheers, Sam` or `Best, Sam` after a sentence, ending its line
/// (`...near the kitchen. Cheers, Sam`): a closing and its writer, not
/// `Last, First` (alone on a line, `Best, Sam` may head a record). `[s, e)`: the closing
/// word; `e2`: the end of the first name.
fn closing_and_writer(r: &Res, text: &str, s: usize, e: usize, e2: usize) -> bool {
    let pre = text[line_start(text, s)..s].trim_end();
    // A sentence: two words or more before its stop (not a list's `1.`
    // or a cue's `Pt.`).
    let sentence = pre
        .trim_end_matches(['.', '!', '?'])
        .split_whitespace()
        .filter(|w| w.bytes().filter(u8::is_ascii_alphabetic).count() >= 2)
        .count()
        >= 2;
    pre.ends_with(['.', '!', '?'])
        && sentence
        && line_rest_blank(text, e2)
        && r.closing.is_match(&text[s..e])
}

/// Words that open a line before a first name and a comma without
/// being a surname.
const NOT_LAST_NAMES: &[&str] = &[
    "congrats",
    "congratulations",
    "welcome",
    "attention",
    "attn",
    "note",
    "reminder",
    "update",
    "sorry",
    "okay",
    "yes",
    "thanx",
    "thx",
    "hiya",
    "merci",
    "gracias",
    "danke",
    "grazie",
    "obrigado",
    "obrigada",
    "hugs",
    "love",
    "xoxo",
    "morning",
    "evening",
    "afternoon",
    "goodbye",
    "bye",
];

/// Spanish `Doña` and its abbreviations (`Dª`, `D.ª`, `Dña.`), as the
/// honorific's word (see [`dona_abbreviation_end`]).
const DONA: &[&str] = &["Doña", "DOÑA", "Dña", "DÑA", "Dª", "D.ª"];

/// `Dª Encarnación`, `D.ª Pilar`: where Spanish `Doña` abbreviated with
/// the ordinal indicator ends after the capital at `s`, whose word the
/// scan would otherwise end after one letter.
fn dona_abbreviation_end(b: &[u8], s: usize) -> Option<usize> {
    let rest = &b[s..];
    ["Dª", "D.ª"]
        .iter()
        .find(|d| rest.starts_with(d.as_bytes()))
        .map(|d| s + d.len())
        .filter(|&e| matches!(b.get(e), Some(b' ' | b'.')))
}

/// Find name candidates starting at the capitalised word `[s, e)`:
/// returns the span of the name and whether its form is a patient cue
/// (an honorific, or record order `Last, First`). `f`: the word's flags.
fn candidate(r: &Res, text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    let w = &b[s..e];
    let caps = all_caps(w);
    let mut buf = [0u8; 48];
    // Lower-cased only where a list below could hold it: an honorific
    // opens with one of these letters; `NOT_LAST_NAMES` before a comma.
    // (Asked at every capitalised word.)
    let l = if matches!(w[0] | 0x20, b'm' | b's' | b'f' | b'h' | b'p' | b'd' | b'g')
        || b.get(e) == Some(&b',')
    {
        lower(w, &mut buf)
    } else {
        ""
    };
    // Honorific + (first) + surname.
    // `Sr.` is also `Senior` (`Sr. Director`): as the Spanish honorific
    // only before a first name and a listed surname.
    if l == "sr" && b.get(e) == Some(&b'.') {
        let (s2, e2) = next_word(b, e + 1)?;
        let mut buf = [0u8; 48];
        let title = r.flags(&b[s2..e2]) & (INSTITUTION | GENERIC) != 0
            || SENIOR_TITLES.contains(&lower(&b[s2..e2], &mut buf));
        // A letter opening on `Sr. Benedito,` (or `Prezado Sr. Aragão:`):
        // one name, as Spanish and Portuguese greet.
        let (e2b, _) = base(b, s2, e2);
        let ls = line_start(text, s);
        if capitalised(&b[s2..e2b])
            && !title
            && r.flags(&b[s2..e2b]) & (FIRST_NAME | SURNAME) != 0
            && matches!(b.get(e2b), Some(b',' | b':'))
            && (ls == s || r.salutation.is_match(&text[ls..s]))
        {
            return Some((s, e2b, true));
        }
        let (s3, e3) = next_word(b, e2)?;
        let (e3b, _) = base(b, s3, e3);
        return (capitalised(&b[s2..e2]) && !title && surname_ok(r, b, s3, e3b, true, false))
            .then_some((s, e3b, true));
    }
    // `Doña Remedios` (the folded `dona` is also a first name, `Dona Smith`).
    // `LC-MS/MS Starting April 8`: a method's letters, not `Ms.`.
    let joined =
        s >= 2 && matches!(b[s - 1], b'/' | b'-') && b[s - 2].is_ascii_alphanumeric() && caps;
    // Italian `Sig.ra`, `Sig.na`, and `Sig.` before a listed given name
    // (`Sig. Levene = .04` is a test's significance).
    let sig_ra = |e: usize| {
        (b[e..].starts_with(b".ra") || b[e..].starts_with(b".na"))
            && !b.get(e + 3).is_some_and(u8::is_ascii_alphabetic)
    };
    let sig = l == "sig"
        && b.get(e) == Some(&b'.')
        && (sig_ra(e)
            || r.salutation.is_match(&text[line_start(text, s)..s])
            || next_word(b, e + 1).is_some_and(|(s2, e2)| {
                r.flags(&b[s2..e2]) & (FIRST_NAME | AMBIGUOUS | GENERIC) == FIRST_NAME
            }));
    // German `Hr.` and `Fr.` (Herr, Frau) in handover lists, with their
    // full stop (`HR Yilmaz` is a department's), only in German text (in
    // English `Fr.` is a priest's `Father`, `1 Hr.` an hour) and not
    // before a time of day (`Fr. Nachmittag`: Friday).
    let german_short = b.get(e) == Some(&b'.')
        && matches!(w, b"Hr" | b"Fr")
        && next_word(b, e + 1).is_none_or(|(s2, e2)| !DAY_TIMES.contains(&&b[s2..e2]))
        && german_words(text);
    if !joined
        && (honorific_word(l) || sig || german_short || DONA.iter().any(|d| w == d.as_bytes()))
    {
        let p = if sig && sig_ra(e) {
            e + 3 + usize::from(b.get(e + 3) == Some(&b'.'))
        } else if b.get(e) == Some(&b'.') {
            e + 1
        } else {
            e
        };
        let (s2, e2) = next_word(b, p)?;
        // `Exma. Sra. D. Conceição Figueiredo`: `D.` is Dona (Don, Doña).
        let (s2, e2) = if &b[s2..e2] == b"D" && b.get(e2) == Some(&b'.') {
            next_word(b, e2 + 1)?
        } else {
            (s2, e2)
        };
        let (e2b, _) = base(b, s2, e2);
        let mut buf2 = [0u8; 48];
        // `Madame, Monsieur,`: a letter's opening, not a name.
        if !capitalised(&b[s2..e2b])
            || honorific_word(lower(&b[s2..e2b], &mut buf2))
            || (occupation(&b[s2..e2b])
                && next_word(b, e2b).is_some_and(|(s3, e3)| {
                    capitalised(&b[s3..e3]) && r.flags(&b[s3..e3]) & (FIRST_NAME | SURNAME) != 0
                }))
        {
            return None;
        }
        // `Sehr geehrte Frau Dr. Müller`, `Dear Mrs. Professor Hale`: a
        // clinician or an academic greeted by title, as `Dr.` alone would
        // be. In the body (`Frau Prof. Dr. Anna Weber wurde aufgenommen`)
        // the titles are passed over to the name.
        let (mut s2, mut e2, mut e2b) = (s2, e2, e2b);
        let mut titles = 0;
        while clinician_title(&b[s2..e2b]) {
            let ls = line_start(text, s);
            if r.salutation.is_match(&text[ls..s]) || titles == 2 {
                return None;
            }
            titles += 1;
            let p = if b.get(e2b) == Some(&b'.') {
                e2b + 1
            } else {
                e2b
            };
            let (s3, e3) = next_word(b, p)?;
            (s2, e2, e2b) = (s3, e3, base(b, s3, e3).0);
            if !capitalised(&b[s2..e2b]) {
                return None;
            }
        }
        let f2 = r.flags(&b[s2..e2b]);
        if f2 & NOT_A_SURNAME != 0 {
            return None;
        }
        if f2 & FIRST_NAME != 0
            && let Some((s3, e3)) = next_word(b, e2)
        {
            let (e3b, _) = base(b, s3, e3);
            if surname_ok(r, b, s3, e3b, false, false) {
                return Some((s, e3b, titles == 0));
            }
        }
        // A clinician's or a professor's title makes the honorific no
        // patient's cue (`Frau Dr. Lorenz kommt vom Herzzentrum`): the
        // sentence around has to tell.
        return Some((s, e2b, titles == 0));
    }
    // Last, First (lists, tables, EHR exports).
    if b.get(e) == Some(&b',')
        && !weekday(w)
        && !OTHER_WEEKDAYS.contains(&l)
        && (f & SURNAME != 0 || double_barrelled(r, w) || alone_as_last_first(r, text, s, e, f))
        // `Welcome, Daisy!`, `Congrats, Anna`: a greeting opening its line.
        && !(NOT_LAST_NAMES.contains(&l) && text[line_start(text, s)..s].trim().is_empty())
        && let Some((s2, e2)) = next_word(b, e + 1)
    {
        let w2 = &b[s2..e2];
        if (capitalised(w2) || (caps && all_caps(w2)))
            && r.flags(w2) & (FIRST_NAME | AMBIGUOUS) == FIRST_NAME
            && !dateline(b, s2, e2)
            && !closing_and_writer(r, text, s, e, e2)
            && !(f & FIRST_NAME != 0
                && (names_listed_after(r, b, e2) || given_name_listed_before(r, b, s)))
            && !full_names_listed(r, b, s, e2)
            && !one_word_list(b, s, e2)
            && !(street_suffix(w) && (after_house_number(b, s) || right_after_number(b, s)))
            && !place_named_after(r, b, e2)
            // `20 May, Hamilton`: a date, then the town it is held in.
            && !(month_word(w) && right_after_number(b, s))
        {
            // Record order is itself a cue: lists, charts, claims.
            return Some((s, e2, true));
        }
    }
    // Surname first, as Chinese, Korean or Hungarian names are written
    // (`Zhou Yiming`): a surname that is no given name, then a given name
    // that is no surname, and no third name word.
    if f & (FIRST_NAME | AMBIGUOUS | GENERIC | INSTITUTION | NOT_A_SURNAME) == 0
        && f & SURNAME != 0
        && !caps
    {
        let (s2, e2) = next_word_in_cell(b, e)?;
        let (e2b, _) = base(b, s2, e2);
        let f2 = r.flags(&b[s2..e2b]);
        let third = next_word(b, e2b).is_some_and(|(s3, _)| b[s3].is_ascii_uppercase());
        return (capitalised(&b[s2..e2b])
            && f2 & FIRST_NAME != 0
            && f2 & (SURNAME | AMBIGUOUS | GENERIC | INSTITUTION) == 0
            && !third)
            .then_some((s, e2b, false));
    }
    // First [M.|Middle] Last.
    if f & FIRST_NAME == 0 {
        return None;
    }
    // `Olá Rita,`: a greeting opening its line that is also a given name
    // (`Ola`) is the greeting (`greeted` reads the name after it).
    let pre = &b[s.saturating_sub(8)..s];
    let opens_line = pre
        .iter()
        .rposition(|&c| !matches!(c, b' ' | b'\t' | b'>'))
        .map_or(s <= 8, |k| pre[k] == b'\n');
    if opens_line && r.salutation.is_match(&text[s..e]) {
        return None;
    }
    // A given name that is also a word (`Jordan`, `Grace`) takes an
    // unlisted surname only in a name field (`Rank/Name: Cpl Jordan
    // Achterberg-Wyse`).
    let known_only = (f & AMBIGUOUS != 0 && !name_field_before(text, s)) || caps;
    // `Femke de Vries`, `Pieter van der Berg`, `Maria dos Santos`; not a
    // saint's or a place's name (`San Giovanni di Dio`, `Museo Leonardo
    // da Vinci`).
    if let Some(end) = particle_surname(r, b, nickname_end(b, e).unwrap_or(e), known_only)
        && !after_saint_or_place(&text[..s])
    {
        return Some((s, end, false));
    }
    let (mut s2, mut e2) = next_word_in_cell(b, nickname_end(b, e).unwrap_or(e))?;
    // A middle initial (`J.`) or middle name.
    if e2 == s2 + 1 && b.get(e2) == Some(&b'.') {
        (s2, e2) = next_word(b, e2 + 1)?;
    } else if capitalised(&b[s2..e2])
        && let Some((s3, e3)) = next_word_in_cell(b, e2)
    {
        let (e3b, _) = base(b, s3, e3);
        if r.flags(&b[s2..e2]) & FIRST_NAME != 0 && surname_ok(r, b, s3, e3b, true, caps) {
            (s2, e2) = (s3, e3);
        }
    }
    let (e2b, _) = base(b, s2, e2);
    if !caps && e2b >= s2 + 3 && all_caps(&b[s2..e2b]) {
        // A surname in capitals after a given name, as British and French
        // lists and charts write it (`Janet WOOLLEY, 58`, `Peter
        // LINDQVIST (LOC 7719203)`): a listed surname, or an unlisted word
        // with a record's field after it (capitals alone also shout a
        // word: `Join Mark TODAY`).
        // Not a word that is a name only sometimes (`4 West MARTINEZ,
        // ROSA`: a ward, then a name written last-first in capitals).
        let f2 = r.flags(&b[s2..e2b]);
        let listed = f2 & SURNAME != 0 && f2 & NOT_A_SURNAME == 0;
        let last_first_follows = b.get(e2b) == Some(&b',')
            && next_word(b, e2b + 1).is_some_and(|(s3, e3)| all_caps(&b[s3..e3]));
        if f & (AMBIGUOUS | GENERIC | INSTITUTION) != 0
            || last_first_follows
            || !(listed || (f2 == 0 && record_field_follows(b, e2b)))
        {
            return None;
        }
    } else {
        // A given name that is a surname too where lists miss it, when an
        // act of care heads the line (`CBT intake - Kwame Asante`).
        let given_after_care = || {
            r.flags(&b[s2..e2b]) & (FIRST_NAME | AMBIGUOUS | GENERIC | INSTITUTION) == FIRST_NAME
                && capitalised(&b[s2..e2b])
                && care_heads_line(text, line_start(text, s), s, e2b)
        };
        // In capitals, an unlisted surname after a listed given name
        // with a record's field after it (`WALTER HENARE, room 214`), as
        // mixed case takes it.
        let caps_record = || {
            caps && f & (AMBIGUOUS | GENERIC | INSTITUTION) == 0
                && e2b >= s2 + 3
                && all_caps(&b[s2..e2b])
                && r.flags(&b[s2..e2b]) == 0
                && record_field_follows(b, e2b)
        };
        if !(surname_ok(r, b, s2, e2b, known_only, caps) || given_after_care() || caps_record()) {
            return None;
        }
    }
    // `Virginia Mason Medical Center` is a place.
    if let Some((s3, e3)) = next_word(b, e2b)
        && b[s3].is_ascii_uppercase()
        && r.flags(&b[s3..e3]) & INSTITUTION != 0
    {
        return None;
    }
    Some((s, e2b, false))
}

/// Does the line before `s` end in a name field's label (`Name:`,
/// `Rank/Name:`, `Nombre:`), perhaps with a rank or an honorific after it
/// (`Name: Cpl `)?
fn name_field_before(text: &str, s: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let label = R.get_or_init(|| {
        re(r"(?i)^[ \t]*(?:(?:full|given|first|patient|employee|member|worker|soldier|rank\s*/\s*)[ \t]*)?(?:name|nombre(?:\s+y\s+apellidos)?|nom(?:\s+et\s+pr[ée]nom)?|naam|nome(?:\s+e\s+cognome)?|navn|namn|nimi|imi[ęe]\s+i\s+nazwisko|jm[ée]no)[ \t]*[:#][ \t]*(?-i:[A-Z][A-Za-z]{1,5}\.?[ \t]+)?$")
    });
    let ls = line_start(text, s);
    s - ls <= 48 && label.is_match(&text[ls..s])
}

/// A record's field right after a name: a comma, a bracket or a dash,
/// then a digit on the same line within a few words (`, 58 - NGH`,
/// ` (LOC 7719203)`).
fn record_field_follows(b: &[u8], e: usize) -> bool {
    let rest = &b[e..b.len().min(e + 24)];
    let rest = &rest[..rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())];
    let opens = rest
        .iter()
        .position(|&c| c != b' ')
        .is_some_and(|k| matches!(rest[k], b',' | b'(' | b'-' | b'\xE2'));
    opens && rest.iter().any(u8::is_ascii_digit)
}

/// `San Giovanni di Dio`, `Museo Leonardo da Vinci`: a saint's or a
/// place's word right before the first name.
fn after_saint_or_place(head: &str) -> bool {
    let head = head.trim_end_matches([' ', '\t']);
    [
        "San", "Santa", "São", "Sankt", "Saint", "St.", "Museo", "Ospedale", "Hospital",
    ]
    .iter()
    .any(|w| head.ends_with(w))
}

/// After a first name, one or two lower-case surname particles and a
/// surname (`de Vries`, `van der Berg`, `dos Santos`): the surname's end.
/// Not before an institution's word (`Maria de Lourdes Hospital`).
fn particle_surname(r: &Res, b: &[u8], from: usize, known_only: bool) -> Option<usize> {
    const PARTICLES: &[&[u8]] = &[
        b"van",
        b"de",
        b"der",
        b"den",
        b"ten",
        b"ter",
        b"von",
        b"vom",
        b"da",
        b"di",
        b"del",
        b"della",
        b"dos",
        b"das",
        b"do",
        b"du",
        // Irish (`Ciarán Ó Dálaigh`, `Aoife Ní Bhriain`, `Seán Mac Giolla`).
        "Ó".as_bytes(),
        "Ní".as_bytes(),
        "Uí".as_bytes(),
        b"Nic",
        b"Mac",
    ];
    let mut at = from;
    let mut particles = 0;
    loop {
        let (ws, we) = next_word(b, at)?;
        // `la`, `los` only after `de` (`de la Cruz`, `de los Santos`).
        let second = particles == 1 && matches!(&b[ws..we], b"la" | b"las" | b"los");
        if (PARTICLES.contains(&&b[ws..we]) || second) && particles < 2 {
            particles += 1;
            at = we;
            continue;
        }
        let (eb, _) = base(b, ws, we);
        let institution = next_word(b, eb).is_some_and(|(s3, e3)| {
            b[s3].is_ascii_uppercase() && r.flags(&b[s3..e3]) & INSTITUTION != 0
        });
        return (particles > 0 && surname_ok(r, b, ws, eb, known_only, false) && !institution)
            .then_some(eb);
    }
}

/// A street's kind (`Way`, `St`, `Ave`): the word a street address ends
/// with before its city; or a compass point, which after a number names a
/// wing (`4 North, Dock 2`).
fn street_suffix(w: &[u8]) -> bool {
    const SUFFIXES: &[&str] = &[
        "way",
        "st",
        "street",
        "ave",
        "avenue",
        "rd",
        "road",
        "ln",
        "lane",
        "dr",
        "drive",
        "ct",
        "court",
        "blvd",
        "boulevard",
        "pl",
        "place",
        "ter",
        "terrace",
        "cir",
        "circle",
        "pkwy",
        "parkway",
        "hwy",
        "highway",
        // British and Irish (`2 Mill Yard, Calder Vale`); not the ones
        // that are surnames too (Green, Hill, Park, Close)
        "mews",
        "yard",
        "crescent",
        "gardens",
        "square",
        "grove",
        "wharf",
        "parade",
        "north",
        "south",
        "east",
        "west",
    ];
    SUFFIXES
        .iter()
        .any(|x| x.as_bytes().eq_ignore_ascii_case(w))
}

/// A place's word right after the word ending at `e` (`Team Leader,
/// Willow Court Supported Living`, `Manager, Rose House`): the given
/// name is a place's first word, no person's.
fn place_named_after(r: &Res, b: &[u8], e: usize) -> bool {
    const PLACES: &[&str] = &[
        "house", "lodge", "hall", "centre", "center", "manor", "campus", "building", "court",
    ];
    next_word(b, e).is_some_and(|(s, e)| {
        let w = &b[s..e];
        capitalised(w)
            && (street_suffix(w)
                || r.flags(w) & INSTITUTION != 0
                || PLACES.iter().any(|p| p.as_bytes().eq_ignore_ascii_case(w)))
    })
}

/// A number right before `s` (`4 North`, `12 West`): a wing's or a
/// street's.
fn right_after_number(b: &[u8], s: usize) -> bool {
    let head = &b[s.saturating_sub(8)..s];
    let Some(rest) = head.strip_suffix(b" ") else {
        return false;
    };
    let digits = rest.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    (1..=6).contains(&digits)
        && rest
            .len()
            .checked_sub(digits + 1)
            .is_none_or(|i| !rest[i].is_ascii_alphanumeric())
}

/// A street's last word before a city (`400 Commerce Way, Princeton`):
/// a house number one to three words before `s` on its line.
fn after_house_number(b: &[u8], s: usize) -> bool {
    let from = s.saturating_sub(48);
    let head = &b[from..s];
    let head = head
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(head, |i| &head[i + 1..]);
    // The number is no row's (`3  Smith, John`): a street word stands
    // between it and the name.
    let street_word = |w: &[u8]| {
        w.first().is_some_and(u8::is_ascii_uppercase)
            && w.iter().all(|&c| c.is_ascii_alphabetic() || c == b'.')
    };
    let words: Vec<&[u8]> = head
        .split(|c| matches!(c, b' ' | b'\t'))
        .filter(|w| !w.is_empty())
        .rev()
        .take(4)
        .collect();
    let streets = words.iter().take_while(|w| street_word(w)).count();
    (1..=3).contains(&streets)
        && words.get(streets).is_some_and(|w| {
            let digits = w.iter().take_while(|c| c.is_ascii_digit()).count();
            (1..=6).contains(&digits) && w.len() <= digits + 1
        })
}

/// After `Rosa, Maricela` comes `and Guadalupe` or `, Ana`: given names
/// listed one after another, not `Last, First`.
fn names_listed_after(r: &Res, b: &[u8], e2: usize) -> bool {
    let mut p = e2;
    while matches!(b.get(p), Some(b' ' | b'\t')) {
        p += 1;
    }
    // `next_word` wants blanks before the word it reads.
    let joint_end = match b.get(p) {
        // `, and Lupe` too.
        Some(b',') => match next_word(b, p + 1) {
            Some((ws, we)) if matches!(&b[ws..we], b"and" | b"&") => we,
            _ => p + 1,
        },
        Some(b'&') => p + 1,
        _ => match next_word(b, e2) {
            Some((ws, we))
                if matches!(&b[ws..we], b"and" | b"y" | b"e" | b"et" | b"und" | b"or") =>
            {
                we
            }
            _ => return false,
        },
    };
    // The next item is a given name too (`Guadalupe`), not a field
    // (`Smith, John, Bed 4`, `Johnson, Mary, Female`), and no record's
    // second name (`Lee, Ann`) follows it.
    let given =
        |ws: usize, we: usize| capitalised(&b[ws..we]) && r.flags(&b[ws..we]) & FIRST_NAME != 0;
    next_word(b, joint_end).is_some_and(|(ws, we)| {
        given(ws, we)
            && (b.get(we) != Some(&b',')
                || next_word(b, we + 1).is_some_and(|(s3, e3)| {
                    matches!(&b[s3..e3], b"and" | b"&") || given(s3, e3) && b.get(e3) != Some(&b',')
                }))
    })
}

/// `Maria, ` right before `s`: a list of given names goes on
/// (`Maria, Rosa, Ana`), so `Rosa, Ana` is no `Last, First`.
fn given_name_listed_before(r: &Res, b: &[u8], s: usize) -> bool {
    let head = &b[s.saturating_sub(2)..s];
    if head != b", " {
        return false;
    }
    let we = s - 2;
    let ws = word_start_before(b, we, 20);
    we > ws
        && we - ws < 20
        && capitalised(&b[ws..we])
        && r.flags(&b[ws..we]) & FIRST_NAME != 0
        && r.flags(&b[ws..we]) & SURNAME == 0
}

/// `Kwesi Boateng, Linh Tran, Sarah O'Neill`: the would-be `Last` (at
/// `s`) has a given name right before it, or a capitalised word before it
/// and one after the would-be `First` (ending at `e2`): a list of full
/// names, not `Last, First`.
fn full_names_listed(r: &Res, b: &[u8], s: usize, e2: usize) -> bool {
    if s < 2 || b[s - 1] != b' ' {
        return false;
    }
    let we = s - 1;
    let ws = word_start_before(b, we, 20);
    if we <= ws || !capitalised(&b[ws..we]) || title_word(&b[ws..we]) {
        return false;
    }
    let prev = r.flags(&b[ws..we]);
    if prev & (GENERIC | INSTITUTION) != 0 {
        return false;
    }
    prev & (FIRST_NAME | AMBIGUOUS) == FIRST_NAME
        || (b.get(e2) == Some(&b' ')
            && next_word(b, e2).is_some_and(|(s3, e3)| {
                capitalised(&b[s3..e3]) && matches!(b.get(e3), Some(b',' | b'.' | b';') | None)
            }))
}

/// `(Fairmont, Dayton, Erie, Kokomo)`: a capitalised word and a comma
/// before the would-be `Last` (at `s`), and a comma and a capitalised
/// word after the would-be `First` (ending at `e2`): a list of single
/// words (towns, sites, teams), not `Last, First`.
fn one_word_list(b: &[u8], s: usize, e2: usize) -> bool {
    if s < 3 || &b[s - 2..s] != b", " {
        return false;
    }
    let we = s - 2;
    let ws = word_start_before(b, we, 24);
    // The item before stands alone: no word right before it (`Kwesi
    // Boateng, Linh Tran` is a list of full names, told apart elsewhere).
    let before_is_item = we > ws
        && capitalised(&b[ws..we])
        && !b[..ws]
            .trim_ascii_end()
            .last()
            .is_some_and(u8::is_ascii_alphabetic);
    before_is_item
        && b.get(e2) == Some(&b',')
        && next_word(b, e2 + 1).is_some_and(|(s3, e3)| capitalised(&b[s3..e3]))
}

/// Two capitalised words, listed or not (`Warsame, Abdirahman, 71M`,
/// `Ines Okafor (DOB 3/4/61)`), right before what only a patient record
/// puts after a name: age with sex, a birth date or a record number.
/// Names from everywhere reach the charts that no name list holds.
fn record_shape(r: &Res, text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    let w = &b[s..e];
    // In capitals only right after a patient word (`pt IVANOVA
    // SVETLANA 67F`): a page's or a board's shorthand.
    let caps = all_caps(w) && {
        let head = b[..s].trim_ascii_end();
        let ws = word_start_before(head, head.len(), 12);
        matches!(
            &head[ws..],
            b"pt" | b"Pt" | b"PT" | b"patient" | b"Patient" | b"PATIENT"
        )
    };
    let shaped = |w: &[u8]| capitalised(w) || (caps && all_caps(w));
    if f & (GENERIC | INSTITUTION) != 0 || !shaped(w) {
        return None;
    }
    let reading_order = b.get(e) != Some(&b',');
    let gap = if reading_order { e } else { e + 1 };
    let name_word =
        |w: &[u8]| shaped(w) && r.flags(w) & (GENERIC | INSTITUTION) == 0 && !weekday(w);
    let (s2, e2) = next_word(b, gap)?;
    // Asked at every capitalised word: the byte a record's field opens
    // with, after the second name word or a third, before any lookup.
    let field_next = field_may_follow(b, e2)
        || (reading_order && next_word(b, e2).is_some_and(|(_, e3)| field_may_follow(b, e3)));
    if !field_next {
        return None;
    }
    if weekday(w) || !name_word(&b[s2..e2]) {
        return None;
    }
    let record_after = |end: usize| {
        let rest = after(text, end, 32);
        r.record_after.is_match(rest) || (reading_order && r.record_bare_age.is_match(rest))
    };
    if record_after(e2) {
        return Some((s, e2, true));
    }
    // A middle name (`Krishan Lal Malhotra, age 69`).
    let (s3, e3) = next_word(b, e2)?;
    (reading_order && name_word(&b[s3..e3]) && record_after(e3)).then_some((s, e3, true))
}

/// Could `record_after` or `record_bare_age` match at `end`? Their
/// first byte past blanks (within their 32-byte look) is a comma, a
/// bracket or a digit; a byte past ASCII may be a Unicode blank.
fn field_may_follow(b: &[u8], end: usize) -> bool {
    b[end..]
        .iter()
        .take(32)
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| matches!(c, b',' | b'(') || c.is_ascii_digit() || c >= 0x80)
}

/// Relation words a relative writes right before the patient's name, in
/// English after a possessive (`my mom Li Meiling`).
const RELATIVES: &[&str] = &[
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "son",
    "daughter",
    "child",
    "kid",
    "baby",
    "wife",
    "husband",
    "partner",
    "brother",
    "sister",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "grandson",
    "granddaughter",
    "aunt",
    "uncle",
    "niece",
    "nephew",
];
/// The same in the other languages the word lists cover, which need no
/// possessive (`manman Woodley Joseph`, `bé Nguyễn Minh Khang`).
const RELATIVES_ELSEWHERE: &[&str] = &[
    "manman",
    "nonna",
    "nonno",
    "mamma",
    "papà",
    "oma",
    "opa",
    "mutti",
    "vati",
    "pappa",
    "mormor",
    "farmor",
    "morfar",
    "farfar",
    "maman",
    "mamie",
    "papi",
    "papy",
    "abuela",
    "abuelo",
    "abuelita",
    "abuelito",
    "tía",
    "tío",
    "avó",
    "avô",
    "vovó",
    "vovô",
    "babcia",
    "dziadek",
    "babička",
    "děda",
    "dědeček",
    "maminka",
    "máma",
    "táta",
    "tatínek",
    "moeder",
    "vader",
    "annem",
    "babam",
    "oğlum",
    "kızım",
    "dedem",
    "ninem",
    // Ours and yours (`Annemiz Fatma Yıldız`, `babanız`).
    "annemiz",
    "anneniz",
    "babamız",
    "babanız",
    "oğlumuz",
    "oğlunuz",
    "kızımız",
    "kızınız",
    "eşiniz",
    "papa",
    "mama",
    "bé",
    "mẹ",
    "bố",
    "mamá",
    "papá",
    "madre",
    "padre",
    "hijo",
    "hija",
    "mãe",
    "pai",
    "filho",
    "filha",
    "mère",
    "père",
    "fils",
    "fille",
    "mutter",
    "vater",
    "sohn",
    "tochter",
    "anak",
    "nanay",
    "tatay",
    "walaalka",
    "walaalkay",
    "walaashay",
    "hooyaday",
    "aabbahay",
    "wiilkayga",
    "gabadhayda",
    "xaaskayga",
    "moglie",
    "marito",
    "figlio",
    "figlia",
    "taty",
    "tata",
    "ojca",
    "ojciec",
    "mamy",
    "matki",
    "matka",
    "męża",
    "mąż",
    "żony",
    "żona",
    "syna",
    "córki",
    "córka",
    "babci",
    "dziadka",
    "syn",
    "synek",
    "wnuk",
    "wnuczka",
    "siostra",
    "dcera",
    "manžel",
    "manželka",
    "zoon",
    "dochter",
    "echtgenoot",
    "echtgenote",
];

/// Is `word` (at most 14 bytes) one of [`RELATIVES_ELSEWHERE`], ASCII
/// case aside? A set: this is asked at most capitalised words.
fn relative_elsewhere(word: &[u8]) -> bool {
    static SET: OnceLock<std::collections::HashSet<Vec<u8>>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        RELATIVES_ELSEWHERE
            .iter()
            .map(|w| w.as_bytes().to_ascii_lowercase())
            .collect()
    });
    let mut buf = [0u8; 14];
    let Some(key) = buf.get_mut(..word.len()) else {
        return false;
    };
    key.copy_from_slice(word);
    key.make_ascii_lowercase();
    set.contains(&key[..])
}

/// Do the first and last bytes of `word` (ASCII case aside) open and end
/// some relation word? One bit test before the lists, at most
/// capitalised words.
fn relation_ends(word: &[u8]) -> bool {
    static SET: OnceLock<super::pairs::PairSet> = OnceLock::new();
    let set = SET.get_or_init(|| {
        let mut set = super::pairs::PairSet::empty();
        for w in RELATIVES.iter().chain(RELATIVES_ELSEWHERE) {
            let w = w.as_bytes();
            set.insert(
                w[0].to_ascii_lowercase(),
                w[w.len() - 1].to_ascii_lowercase(),
            );
        }
        set
    });
    match word {
        [first, .., last] => set.contains(first.to_ascii_lowercase(), last.to_ascii_lowercase()),
        _ => false,
    }
}

/// `Liam D. has asthma`, `Ava K.'s inhaler`: a listed first name and a
/// surname's initial with the sentence going on after it (a middle
/// initial has a surname after it; `Sarah K.` on a line of its own signs
/// a mail).
fn initial_surname(text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if f & FIRST_NAME == 0 || f & (GENERIC | INSTITUTION | AMBIGUOUS) != 0 || !capitalised(&b[s..e])
    {
        return None;
    }
    let [b' ', c, b'.', rest @ ..] = b.get(e..)? else {
        return None;
    };
    if !c.is_ascii_uppercase() {
        return None;
    }
    let goes_on = match rest {
        [b' ', w, ..] => w.is_ascii_lowercase(),
        [b'\'', b's', b' ', ..] => true,
        [b',', b' ', w, ..] => w.is_ascii_lowercase() || w.is_ascii_digit(),
        _ => rest.starts_with("’s ".as_bytes()),
    };
    goes_on.then_some((s, e + 3, false))
}

/// Chinese surnames as Singapore, Malaysia, Hong Kong and Taiwan
/// romanise them (not `He`, `Ma`, `Lo`, `Yu`: English words first).
const SINITIC_SURNAMES: &[&str] = &[
    "tan", "lim", "lee", "ng", "ong", "wong", "goh", "chua", "chan", "koh", "teo", "ang", "yeo",
    "tay", "ho", "low", "toh", "sim", "chong", "chia", "seah", "foo", "leong", "lau", "yap",
    "heng", "quek", "phua", "soh", "kwok", "lai", "poh", "loh", "khoo", "chew", "cheong", "liew",
    "chin", "kok", "chen", "wang", "zhang", "liu", "yang", "huang", "zhao", "zhou", "xu", "zhu",
    "guo", "lin", "gao", "luo", "zheng", "liang", "xie", "tang", "feng", "deng", "cao", "peng",
    "zeng", "xiao", "tian", "dong", "yuan", "cai", "jiang", "cheng", "wei", "shen", "yao", "cui",
    "zhong", "fong", "leung", "cheung", "yip", "kwan", "tsang", "mak", "choi", "siu", "yuen",
    "hui", "tse", "fung", "kong", "tsai", "hsu", "chang", "wu", "lu", "hsieh", "kuo", "tseng",
];

/// One romanised Chinese syllable (`wei`, `ming`, `xiang`, `boon`,
/// `keat`, `kow`): an initial, one to three vowels, a short final.
fn syllable(w: &[u8]) -> bool {
    let w: Vec<u8> = w.iter().map(u8::to_ascii_lowercase).collect();
    if w.is_empty() || w.len() > 6 || !w.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let mut i = 0;
    for ini in [&b"zh"[..], b"ch", b"sh", b"ts", b"ng", b"hs"] {
        if w.starts_with(ini) {
            i = ini.len();
            break;
        }
    }
    if i == 0 && !vowel(w[0]) {
        i = 1;
    }
    if w.get(i) == Some(&b'h') {
        i += 1;
    }
    let v = w[i..].iter().take_while(|&&c| vowel(c)).count();
    if !(1..=3).contains(&v) {
        return false;
    }
    let fin = &w[i + v..];
    matches!(
        fin,
        b"" | b"ng" | b"n" | b"k" | b"t" | b"p" | b"m" | b"h" | b"w"
    )
}

/// `Lim Wei Ming`, `TAN MEI LING`, `Chan Siu-Ming`: a Chinese name as
/// Singapore, Malaysia and Hong Kong write it, surname first, then a
/// given name of one or two syllables that no list of first names holds.
/// A capitalised word after it makes an organisation or a place (`Tan
/// Tock Seng Hospital`).
fn sinitic_name(text: &str, s: usize, e: usize) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    let w = &b[s..e];
    let caps = all_caps(w);
    let mut buf = [0u8; 48];
    // (A set: this runs for every capitalised word, and a list's linear
    // search was 4% of a plain-text scan; no surname is over 6 letters.)
    static SURNAMES: std::sync::LazyLock<std::collections::HashSet<&'static str, FnvBuild>> =
        std::sync::LazyLock::new(|| SINITIC_SURNAMES.iter().copied().collect());
    if w.len() > 6 || !(capitalised(w) || caps) || !SURNAMES.contains(lower(w, &mut buf)) {
        return None;
    }
    let cased = |x: &[u8]| if caps { all_caps(x) } else { capitalised(x) };
    let mut end = e;
    let mut syllables = 0;
    while syllables < 2 {
        let Some((s2, e2)) = next_word(b, end) else {
            break;
        };
        let word = &b[s2..e2];
        let parts = word.split(|&c| c == b'-').count();
        if s2 != end + 1
            || b[end] != b' '
            || !cased(word)
            || syllables + parts > 2
            || !word.split(|&c| c == b'-').all(syllable)
        {
            break;
        }
        end = e2;
        syllables += parts;
    }
    if syllables == 0 {
        return None;
    }
    if let Some((s3, e3)) = next_word(b, end)
        && s3 == end + 1
        && (capitalised(&b[s3..e3]) || all_caps(&b[s3..e3]))
    {
        return None;
    }
    Some((s, end, false))
}

/// A full name, listed or not, right after a relation word: a relative
/// writing about the patient names them so, from everywhere.
fn relative_named(text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if f & (GENERIC | INSTITUTION) != 0 || !capitalised(&b[s..e]) {
        return None;
    }
    // The word before, found on the bytes (this runs for most capitalised
    // words): past blanks and `,:(`, a run of letters.
    let mut we = s;
    while we > 0 && matches!(b[we - 1], b' ' | b'\t' | b',' | b':' | b'(') {
        we -= 1;
    }
    // Bounded: in text without spaces (CJK) every capital would otherwise
    // scan back over the whole run.
    let word_before = |we: usize| {
        let mut ws = we;
        while ws > 0 && we - ws <= 14 && (b[ws - 1].is_ascii_alphabetic() || b[ws - 1] >= 0x80) {
            ws -= 1;
        }
        ws
    };
    let mut ws = word_before(we);
    // A Polish honorific between the relation and the name (`syn p.
    // Zbigniewa Nowickiego`, `córka pani Haliny`): the relation is before.
    let honorific = if ws == we && we >= 2 && &b[we - 2..we] == b"p." {
        Some(we - 2)
    } else {
        matches!(&b[ws..we], b"pana" | b"pani" | b"panu").then_some(ws)
    };
    if let Some(hs) = honorific
        && hs > 0
        && b[hs - 1] == b' '
    {
        we = hs;
        while we > 0 && matches!(b[we - 1], b' ' | b'\t' | b',' | b'(') {
            we -= 1;
        }
        ws = word_before(we);
    }
    let word = &b[ws..we];
    if word.len() < 2 || word.len() > 14 || !relation_ends(word) {
        return None;
    }
    let is = |list: &[&str]| list.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word));
    // `Father O'Brien` is a priest: the English words only in lower case,
    // and after a possessive (`my mom Li Meiling`).
    let english = word.iter().all(u8::is_ascii_lowercase) && is(RELATIVES) && {
        let mut pe = ws;
        while pe > 0 && matches!(b[pe - 1], b' ' | b'\t') {
            pe -= 1;
        }
        let mut ps = pe;
        while ps > 0 && b[ps - 1].is_ascii_alphabetic() {
            ps -= 1;
        }
        ["my", "our", "his", "her", "their", "your"]
            .iter()
            .any(|w| w.as_bytes().eq_ignore_ascii_case(&b[ps..pe]))
    };
    if !english && !relative_elsewhere(word) {
        return None;
    }
    // Names from everywhere: the words are read as Unicode letters
    // (`Nguyễn`), not as the ASCII runs the lists are keyed on.
    let possessive = |end: usize| {
        if text[..end].ends_with("'s") {
            Some(end - 2)
        } else if text[..end].ends_with("’s") {
            Some(end - "’s".len())
        } else {
            None
        }
    };
    let e1 = name_word_end(text, s).unwrap_or(e);
    let mut end = e1;
    for _ in 0..2 {
        if possessive(end).is_some() {
            break;
        }
        let next = end + (text[end..].len() - text[end..].trim_start_matches(' ').len());
        if next == end {
            break;
        }
        match name_word_end(text, next) {
            Some(w) if !r_flags_generic(&b[next..w]) => end = w,
            _ => break,
        }
    }
    // One word only: in brackets (`mamá (Dolores)`, `Papa (Günther)`), or
    // a listed first name set off by a comma (`your mother, Eleanor, was
    // found`) or after a relation word in lower case (`nonna Carmela`;
    // not `papa Francesco`, the Pope); `judge` asks for the health fact.
    let bracketed = s > 0 && b[s - 1] == b'(' && b.get(e1) == Some(&b')');
    let listed = f & FIRST_NAME != 0 && f & AMBIGUOUS == 0;
    // Not after an article (`La nonna Carmela ha la ricetta`) or in a
    // title (`mamma Mia!`).
    let article = {
        let head = text[..ws].trim_end_matches([' ', '\t']);
        let prev = head
            .rsplit([' ', '\t', '\n', '"', '“'])
            .next()
            .unwrap_or("");
        [
            "la", "il", "el", "the", "het", "der", "die", "das", "le", "lo",
        ]
        .iter()
        .any(|a| prev.eq_ignore_ascii_case(a))
            || head.ends_with(['"', '“'])
    };
    let lower_kin = word[0].is_ascii_lowercase()
        && !word.eq_ignore_ascii_case(b"papa")
        && !article
        && !text[s..e1].eq_ignore_ascii_case("mia");
    if end == e1 && !(bracketed || (listed && (b.get(e1) == Some(&b',') || lower_kin))) {
        return None;
    }
    Some((s, possessive(end).unwrap_or(end), true))
}

/// Honorifics written in lower case before a name in the middle of a
/// sentence, as Italian, Spanish, Portuguese, French, Polish, Czech, Dutch
/// and Turkish write them (`la signora Giuseppina`, `la sra. Gómez`,
/// `pani Kowalska`, `meneer Achterberg`), with or without a dot.
/// Whole honorific words, after which an unlisted capitalised word is a
/// name (`mevrouw Aaltje`, `senhora Zilda`).
const HONORIFIC_WORDS: &[&str] = &[
    "signora",
    "signor",
    "signore",
    "señora",
    "senora",
    "señor",
    "senor",
    "senhora",
    "senhor",
    "madame",
    "monsieur",
    "pani",
    "pana",
    "panią",
    "paní",
    "panu",
    "meneer",
    "mevrouw",
    "doamna",
    "domnul",
    "bayan",
    "gospa",
    "gospe",
    "gospej",
    "gospo",
    "gospod",
    "gospoda",
    "gospodom",
    "gospodu",
    "gospođa",
    "gospođe",
    "gospođi",
    "gospodin",
    "gospodina",
    "poniai",
    "ponas",
    "ponui",
    "proua",
    "härra",
];

/// Offices an honorific may stand before instead of a name (`il signor
/// Presidente`, `monsieur le Maire`).
const ROLE_NOUNS: &[&str] = &[
    "presidente",
    "president",
    "président",
    "direttore",
    "direttrice",
    "director",
    "directora",
    "directeur",
    "directrice",
    "diretor",
    "diretora",
    "sindaco",
    "ministro",
    "ministre",
    "minister",
    "dottore",
    "dottoressa",
    "professore",
    "professoressa",
    "avvocato",
    "ingegnere",
    "assessore",
    "prefetto",
    "consigliere",
    "maire",
    "député",
    "alcalde",
    "alcaldesa",
    "prefeito",
    "prefeita",
    "burgemeester",
    "wethouder",
    "voorzitter",
    "prezes",
    "dyrektor",
    "primar",
    "rector",
    "rettore",
    "decano",
    "juez",
    "giudice",
    "le",
    "la",
];

/// Lower-case particles of a surname (`de Groot`, `van der Berg`).
const SURNAME_PARTICLES: &[&[u8]] = &[
    b"de", b"van", b"der", b"den", b"von", b"da", b"di", b"dos", b"das", b"del", b"della", b"du",
    b"ten", b"ter", b"le", b"la",
];

const HONORIFICS_IN_LOWER_CASE: &[&str] = &[
    "signora",
    "signor",
    "signore",
    "sig",
    "sig.ra",
    "señora",
    "senora",
    "señor",
    "senor",
    "sra",
    "sr",
    "srta",
    "senhora",
    "senhor",
    "sr.ª",
    "madame",
    "monsieur",
    "mme",
    "mlle",
    "pani",
    "panią",
    "pana",
    "paní",
    "pane",
    "panu",
    "bayan",
    "meneer",
    "mevrouw",
    "dhr",
    "mevr",
    "mw",
    "mr",
    "mrs",
    "ms",
    "doamna",
    "doamnei",
    "domnul",
    "domnului",
    "gospa",
    "gospe",
    "gospej",
    "gospo",
    "gospod",
    "gospoda",
    "gospodom",
    "gospodu",
    "gospođa",
    "gospođe",
    "gospođi",
    "gospodin",
    "gospodina",
    "poniai",
    "ponas",
    "ponui",
    "proua",
    "härra",
];

fn honorific_in_lower_case_word(w: &str) -> bool {
    static SET: OnceLock<ShortWords> = OnceLock::new();
    SET.get_or_init(|| ShortWords::new(HONORIFICS_IN_LOWER_CASE.iter().map(|w| w.as_bytes())))
        .contains(w.as_bytes())
}

/// `la signora Giuseppina oggi ha la febbre`, `pani Kowalska`: a listed
/// given name or surname (and a second name word after it) right after
/// an honorific in lower case (an office, `il signor Presidente`, is no
/// name). The honorific is the cue; `judge` wants a health fact near for
/// high.
fn honorific_in_lower_case(text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    // Asked at every capitalised word: the blank before it, before any
    // look-back.
    if f & (GENERIC | INSTITUTION | NOT_A_SURNAME | AMBIGUOUS) != 0
        || s == 0
        || !matches!(b[s - 1], b' ' | b'\t')
    {
        return None;
    }
    // The word before, on this line: blanks, then letters and dots.
    let word_before = |s: usize| {
        let mut we = s;
        while we > 0 && matches!(b[we - 1], b' ' | b'\t') {
            we -= 1;
        }
        let mut ws = we;
        while ws > 0
            && we - ws <= 8
            && (b[ws - 1].is_ascii_lowercase() || b[ws - 1] >= 0x80 || b[ws - 1] == b'.')
        {
            ws -= 1;
        }
        (ws, we)
    };
    let (mut ws, mut we) = word_before(s);
    if we == s {
        return None;
    }
    // A surname's particles between the honorific and it (`mevrouw de
    // Groot-Visser`, `signora van der Berg`).
    // (A capitalised one too: `dhr. Van der Heijden`.)
    let particle_at = |ws: usize, we: usize| -> Option<usize> {
        if SURNAME_PARTICLES.contains(&&b[ws..we]) {
            return Some(ws);
        }
        let w = b.get(ws.checked_sub(1)?..we)?;
        let mut buf = [0u8; 8];
        let low = buf.get_mut(..w.len())?;
        low.copy_from_slice(w);
        low.make_ascii_lowercase();
        (w[0].is_ascii_uppercase() && SURNAME_PARTICLES.contains(&&*low)).then_some(ws - 1)
    };
    let mut particles = 0;
    while particles < 2
        && ws < we
        && let Some(ps) = particle_at(ws, we)
        && ps > 0
        && matches!(b[ps - 1], b' ' | b'\t')
    {
        (ws, we) = word_before(ps);
        particles += 1;
    }
    // An unlisted name only after a whole honorific word (`mevrouw
    // Aaltje`), not an abbreviation that is a unit too (`250 ms`).
    // (A surname's particles make the word after them one, after an
    // abbreviation too: `dhr. Van der Heijden`.)
    let listed = f & (FIRST_NAME | SURNAME) != 0;
    let whole = |w: &str| {
        HONORIFIC_WORDS.contains(&w)
            || (particles > 0 && honorific_in_lower_case_word(w.trim_end_matches('.')))
    };
    if !listed
        && (!whole(text.get(ws..we).unwrap_or(""))
            || title_word(&b[s..e])
            || clinician_title(&b[s..e])
            // `il signor Presidente della Regione`: an office's title.
            || ROLE_NOUNS.contains(&lower(&b[s..e], &mut [0u8; 48])))
    {
        return None;
    }
    if (ws > 0 && is_word(b[ws - 1]))
        || !matches!(b[ws], b's' | b'p' | b'm' | b'b' | b'd' | b'g' | b'h')
    {
        return None;
    }
    if !capitalised(&b[s..e]) {
        return None;
    }
    // A dot ends an abbreviation (`sra.`), not a word ending a sentence
    // (`no hay pan. David`); no unit after a number (`250 ms. Daniel`).
    let raw = text.get(ws..we)?;
    let word = raw.trim_end_matches('.');
    let abbreviation = word.len() <= 4 || word.contains('.');
    let after_number = b[..ws]
        .trim_ascii_end()
        .last()
        .is_some_and(u8::is_ascii_digit);
    if !honorific_in_lower_case_word(word) || (raw.ends_with('.') && !abbreviation) || after_number
    {
        return None;
    }
    let e1 = name_word_end(text, s).unwrap_or(e);
    let next = e1 + (text[e1..].len() - text[e1..].trim_start_matches(' ').len());
    let end = match name_word_end(text, next) {
        Some(w) if next > e1 && !r_flags_generic(&b[next..w]) => w,
        _ => e1,
    };
    let end = if text[..end].ends_with("'s") {
        end - 2
    } else {
        end
    };
    Some((s, end, true))
}

/// The end of a capitalised word of Unicode letters (and `-`, `'`)
/// starting at `s`, if it has a lower-case letter after its capital.
fn name_word_end(text: &str, s: usize) -> Option<usize> {
    let mut chars = text.get(s..)?.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = s + first.len_utf8();
    let mut lower = false;
    for (i, c) in chars {
        if !(c.is_alphabetic() || c == '-' || c == '\'' || c == '’') {
            break;
        }
        // No name is longer; a run of letters without spaces is no name.
        if i > 40 {
            return None;
        }
        lower |= c.is_lowercase();
        end = s + i + c.len_utf8();
    }
    lower.then_some(end)
}

/// A word the lists mark as generic or an institution's.
fn r_flags_generic(w: &[u8]) -> bool {
    res().flags(w) & (GENERIC | INSTITUTION) != 0 || weekday(w)
}

/// A full name, listed or not, alone on the line after a closing
/// (`Thank you,` / `Oluwaseun Adebayo-Rhys`), or one word alone on the
/// text's last line: the writer's signature.
/// `judge` counts it only when the text tells of the writer's own care.
/// `closes`: the text ends the segment (a long message's chunk ends at
/// an ordinary blank line, not at a signature).
fn signed(
    r: &Res,
    text: &str,
    (s, e): (usize, usize),
    f: u8,
    closes: bool,
    health: &[(usize, usize)],
) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if f & (GENERIC | INSTITUTION) != 0 || !capitalised(&b[s..e]) {
        return None;
    }
    // Asked at every capitalised word: a letter or a mark before it on
    // its line (`>` and blanks may be quoting) ends it before the look
    // back to the line's start.
    let mut p = s;
    while p > 0 && matches!(b[p - 1], b' ' | b'\t' | b'\r' | 0x0b | 0x0c | b'>') {
        p -= 1;
    }
    if p > 0 && b[p - 1] != b'\n' && b[p - 1] < 0x80 {
        return None;
    }
    let ls = line_start(text, s);
    if !text[ls..s].trim().is_empty() {
        return None;
    }
    // Two or three capitalised words and nothing else on the line.
    let mut end = e;
    let mut words = 1;
    while let Some((s2, e2)) = next_word(b, end) {
        if !capitalised(&b[s2..e2]) || words == 3 {
            return None;
        }
        end = e2;
        words += 1;
    }
    if !line_rest_blank(text, end) {
        return None;
    }
    // The name ends the text, or only the writer's phone or address
    // follows it (`Keiko Yamamoto-Hall` / `555-0159`).
    // Above a reply's quoted mail, the writer's own care is sought in
    // the writer's own words (not in a quoted colleague's).
    let last = closes
        && contact_lines_only(&text[end..])
        && (!quoted_history_below(&text[end..]) || {
            let above: Vec<(usize, usize)> =
                health.iter().copied().filter(|&(_, he)| he <= s).collect();
            s < quoted_top(text) && writes_of_own_care(r, &text[..s], &above)
        });
    // The line above, past a reply's quote marks (`> ` / `> Teresa`).
    let above = text[..ls]
        .trim_end_matches(['>', ' ', '\t'])
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .map(|t| {
            let from = t.rfind('\n').map_or(0, |i| i + 1);
            t[from..].trim_start_matches(['>', ' ', '\t']).trim_end()
        });
    let blank_before = above.is_some_and(str::is_empty);
    // A listed first name alone under a finished sentence, at the end: a
    // phone's or a quick reply's signature (`…come in 3/13?` / `Teresa`).
    let under_sentence = || {
        f & FIRST_NAME != 0
            && f & AMBIGUOUS == 0
            && above.is_some_and(|l| l.ends_with(['.', '?', '!']))
    };
    let after_closing = || {
        before(text, ls, 80)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|prev| r.closing.is_match(prev) || closing_by_shape(prev))
    };
    // One word signs only at the text's end, after a blank line or a
    // closing (`…wake up at 4 sometimes.` / `` / `Mahlet`).
    if words == 1 {
        let closing_word = r.closing.is_match(&text[s..end]);
        return (last && (blank_before || after_closing() || under_sentence()) && !closing_word)
            .then_some((s, end, false));
    }
    (after_closing() || (last && blank_before)).then_some((s, end, false))
}

/// A line that opens a reply's quoted mail: a quote mark, an attribution
/// (`On Mon, 19 Apr … wrote:`, `Am … schrieb …:`), an Outlook header.
fn quoted_history_opens(l: &str) -> bool {
    l.starts_with('>')
        || l.starts_with("-----")
        || l.starts_with("From:")
        || l.starts_with("________")
        || l.ends_with("wrote:")
        || l.ends_with("schrieb:")
        || l.ends_with("a écrit :")
        || l.ends_with("a écrit:")
        || l.ends_with("escribió:")
        || l.ends_with("scritto:")
        || l.ends_with("escreveu:")
        || l.ends_with("geschreven:")
}

/// A closing no list holds, by its shape (`Gutted,`, `Fingers crossed!`,
/// `Speak soon,`): one to three words, a capital first, a comma or an
/// exclamation mark last, no greeting.
fn closing_by_shape(line: &str) -> bool {
    let l = line.trim();
    let words = l.split_whitespace().count();
    let lower = l.to_ascii_lowercase();
    (1..=3).contains(&words)
        && l.len() <= 30
        && l.ends_with([',', '!'])
        && l.starts_with(|c: char| c.is_uppercase())
        && ![
            "hi", "hello", "hey", "dear", "morning", "good", "hiya", "yo",
        ]
        .iter()
        .any(|g| lower.split([' ', ',', '!']).next() == Some(g))
}

/// A reply's quoted mail follows in `rest`.
fn quoted_history_below(rest: &str) -> bool {
    rest.lines().map(str::trim).any(quoted_history_opens)
}

/// Nothing but up to three contact lines (a phone number, an e-mail
/// address, a web address) to the text's end or to the quoted mail a
/// reply carries below it (`On Mon, … wrote:`, `> …`).
fn contact_lines_only(rest: &str) -> bool {
    let mut lines = 0;
    for l in rest.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if quoted_history_opens(l) {
            break;
        }
        lines += 1;
        let digits = l.bytes().filter(u8::is_ascii_digit).count();
        let contact = l.len() <= 60
            && (digits >= 7 || l.contains('@') || l.starts_with("www.") || l.starts_with("http"));
        if lines > 3 || !contact {
            return false;
        }
    }
    true
}

/// Capitalised words right after a patient label (`Patient: Lior
/// Ben-Ami`), names in the lists or not.
fn labelled(r: &Res, text: &str, s: usize, e: usize) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    let blanks_before = |mut p: usize| {
        while p > 0 && (b[p - 1] == b' ' || b[p - 1] == b'\t') {
            p -= 1;
        }
        p
    };
    let mut p = blanks_before(s);
    // A given name's initial before the surname (`Patient: R. Adeyemi`).
    let mut name_start = s;
    if p >= 3
        && b[p - 1] == b'.'
        && b[p - 2].is_ascii_uppercase()
        && matches!(b[p - 3], b' ' | b'\t')
    {
        name_start = p - 2;
        p = blanks_before(p - 2);
    }
    if p == 0 || !matches!(b[p - 1], b':' | b'#' | b'-') {
        return None;
    }
    let ls = line_start(text, s);
    let from = ceil_boundary(text, ls.max(name_start.saturating_sub(48)));
    let label = &text[from..name_start];
    if !(patient_label(r, label) || r.subject_field.is_match(label)) || !capitalised(&b[s..e]) {
        return None;
    }
    // A blank form's next field (`Patient name: Date of birth:`), or a
    // placeholder, is no name.
    if FIELD_WORDS.contains(&lower(&b[s..e], &mut [0u8; 48])) {
        return None;
    }
    // Up to two more capitalised words; one past them only looked at.
    let (mut end, mut p) = (e, e);
    let mut flags = r.flags(&b[s..e]);
    for i in 0..3 {
        match next_word(b, p) {
            // A column's gap (`Patient: Bronwyn Achterberg   Health card:
            // …`) ends the name: the next word is the next field's.
            Some((s2, _))
                if b[p..s2].contains(&b'\t') || b[p..s2].windows(2).any(|w| w == b"  ") =>
            {
                break;
            }
            Some((s2, e2)) if capitalised(&b[s2..e2]) || all_caps(&b[s2..e2]) => {
                flags |= r.flags(&b[s2..e2]);
                p = e2;
                if i < 2 {
                    end = e2;
                }
            }
            _ => break,
        }
    }
    // A client or a member that is an organisation (`Client:  Ohio
    // Valley Medical Center`).
    if flags & INSTITUTION != 0 {
        return None;
    }
    Some((name_start, end, false))
}

/// Words that follow a name label when the name itself is missing: the
/// form's next field, or a placeholder.
const FIELD_WORDS: &[&str] = &[
    "date",
    "dob",
    "birth",
    "mrn",
    "chart",
    "phone",
    "tel",
    "telephone",
    "address",
    "sex",
    "gender",
    "age",
    "signature",
    "insurance",
    "member",
    "allergies",
    "reason",
    "unknown",
    "none",
    "pending",
    "tbd",
    "blank",
    "current",
    "medications",
    "history",
    "emergency",
    "contact",
    "relationship",
    "preferred",
    "primary",
    "occupation",
    "employer",
    "marital",
    "race",
    "ethnicity",
    "language",
    "email",
    "diagnoses",
    "diagnosis",
    "referring",
    "weight",
    "height",
    "provider",
    "physician",
    "guardian",
    "parent",
    "notes",
    "comments",
    "level",
    // A form's instruction after its label (`Statement of patient: Please
    // read this form`).
    "please",
    "see",
    "refer",
    "enter",
    "print",
    "write",
    "sign",
    "complete",
    "tick",
    "insert",
    "attach",
    // Word's blank control (`Member name: Click or tap here to enter
    // text.`, `Choose an item.`).
    "click",
    "tap",
    "choose",
    "select",
    "type",
    "n/a",
];

/// Whom a salutation may address without naming anyone.
const GENERIC_ADDRESSEE: &[&str] = &[
    "colleague",
    "colleagues",
    "zusammen",
    "kollegen",
    "kolleginnen",
    "madame",
    "monsieur",
    "messieurs",
    "mesdames",
    "senor",
    "senora",
    "senores",
    "cliente",
    "clientes",
    "senhor",
    "senhora",
    "equipo",
    "equipe",
    "todos",
    "tous",
    "patient",
    "patients",
    "friend",
    "friends",
    "member",
    "members",
    "customer",
    "customers",
    "valued",
    "sir",
    "sirs",
    "madam",
    "all",
    "team",
    "everyone",
    "folks",
    "there",
    "doctor",
    "dr",
    "provider",
    "providers",
    "partner",
    "partners",
    "parent",
    "parents",
    "eltern",
    "ouders",
    "families",
    "family",
    "neighbor",
    "neighbors",
    "resident",
    "residents",
    "staff",
    "hiring",
    "manager",
    "reader",
    "readers",
    "subscriber",
    "subscribers",
    "participant",
    "participants",
    "attendee",
    "attendees",
    "student",
    "students",
    "client",
    "clients",
    "guest",
    "guests",
    "user",
    "users",
    "applicant",
    "candidate",
    "recipient",
    "supporter",
    "supporters",
    "community",
    "care",
    "health",
    "billing",
    "hr",
    "it",
    "admin",
    "support",
    "office",
    "front",
    "nurse",
    "nurses",
    "physician",
    "physicians",
    "clinician",
    "clinicians",
    "coordinator",
    "professional",
    "professionals",
    "practitioner",
    "practitioners",
    "pharmacist",
    "pharmacists",
    "sales",
    "accounts",
    "payable",
    "receivable",
    "records",
    "medical",
    "good",
    "hello",
    "hi",
    "dear",
];

/// A name after a salutation (`Hello Wei,`, `Dear Wei Al-Sayed,`),
/// listed or not, unless the salutation addresses a group or a role.
/// `f`: the word's flags.
fn greeted(r: &Res, text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    // `Sehr geehrte Damen und Herren`: `Damen` and `Herren` are also a
    // listed first name and surname.
    if !capitalised(&b[s..e]) || b[s..].starts_with(b"Damen und Herren") {
        return None;
    }
    // A salutation opens its line: `Dear`, `Good afternoon` (cheap test
    // first: this runs for every capitalised word, so the line start is
    // looked for only within the 25 bytes that can hold a salutation).
    let from = s.saturating_sub(25);
    let ls = match memchr::memrchr(b'\n', &b[from..s]) {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => sender_tag_end(b, s)?,
    };
    // A reply's quoting (`> Dear Xochitl,`) is no part of the salutation.
    let ls = past_quoting(b, ls, s);
    // A text message's sender tag before it (`Harbourside Pharmacy: Hi
    // Declan,`; `ls` then stands past the tag). Sought only past a colon:
    // this runs at every capitalised word.
    let ls = if b[ls..s].contains(&b':') {
        sender_tag_end(b, s).unwrap_or(ls)
    } else {
        ls
    };
    // Only a listed first name: `Thanks,` and `Team,` open lines too.
    if lone_greeting(text, s, e) && f & FIRST_NAME != 0 && f & (GENERIC | INSTITUTION) == 0 {
        return Some((s, e, false));
    }
    if s - ls > 24 || s == ls {
        return None;
    }
    if f & GENERIC != 0 {
        return None;
    }
    if !r.salutation.is_match(&text[ls..s]) {
        return None;
    }
    let mut end = e;
    let mut last = s;
    for _ in 0..2 {
        match next_word(b, end) {
            Some((s2, e2)) if capitalised(&b[s2..e2]) => {
                // `Sehr geehrte Frau Dr. Müller`: a clinician greeted.
                if clinician_title(&b[s2..e2]) {
                    return None;
                }
                last = s2;
                end = e2;
            }
            _ => break,
        }
    }
    // `Dear Materials Management Director`, `Dear Hiring Manager`: a
    // role greeted, nobody named. The role is the greeting's last word:
    // `Dear Donor Tavita Faleolo` names a person.
    let mut buf = [0u8; 48];
    if ROLE_WORDS.contains(&lower(&b[last..end], &mut buf)) {
        return None;
    }
    // `Hello Riverbend Behavioral Health,`: an organisation greeted.
    const ORGANISATIONS: &[&str] = &[
        "health",
        "healthcare",
        "clinic",
        "hospital",
        "center",
        "centre",
        "pharmacy",
        "medical",
        "labs",
        "laboratories",
        "institute",
        "foundation",
        "university",
        "college",
        "school",
        // A practice greeted by its trade (`Dear CareFlow Home Infusion,`,
        // `Hi Whisker Inn,`).
        "infusion",
        "therapy",
        "therapies",
        "rehab",
        "rehabilitation",
        "orthodontics",
        "dental",
        "dentistry",
        "optometry",
        "optical",
        "eyecare",
        "audiology",
        "hearing",
        "podiatry",
        "chiropractic",
        "dermatology",
        "aesthetics",
        "hospice",
        "dialysis",
        "imaging",
        "radiology",
        "diagnostics",
        "pediatrics",
        "orthopedics",
        "cardiology",
        "oncology",
        "wellness",
        "homecare",
        "nursing",
        "associates",
        "partners",
        "group",
        "practice",
        "inn",
        "hotel",
        "kennels",
        "transport",
        "supply",
        "supplies",
        // A department greeted (`Hello Research Finance,`).
        "finance",
        "accounting",
        "payroll",
        "billing",
        "operations",
        "services",
        "support",
        "office",
        "desk",
        "admissions",
        "registration",
        "compliance",
        "legal",
        "procurement",
        "hr",
    ];
    if end > e && ORGANISATIONS.contains(&lower(&b[last..end], &mut buf)) {
        return None;
    }
    // Whether the salutation makes this a patient (`Dear Maria Haddad`,
    // not `Hi Marisol, please register me`) is `judge`'s call
    // (`greets_a_patient`).
    Some((s, end, false))
}

/// Any capitalised word and a listed surname, followed by a clinical
/// cue (`Tomasz Pemberton was admitted`): first names outside the list.
/// `f`: the word's flags.
fn surname_with_cue(
    r: &Res,
    text: &str,
    s: usize,
    e: usize,
    f: u8,
) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if !capitalised(&b[s..e]) || f & NOT_A_SURNAME != 0 {
        return None;
    }
    let (s2, e2) = next_word(b, e)?;
    let (e2b, _) = base(b, s2, e2);
    if !surname_ok(r, b, s2, e2b, true, false) {
        return None;
    }
    // `can you move Olufemi Adeyemi-Clarke from 11.20`: a scheduling
    // verb before the pair cues it as one after it does.
    let cued_before = || {
        static BOOKED: OnceLock<Regex> = OnceLock::new();
        BOOKED
            .get_or_init(|| {
                re(r"(?i)(?-u:\b)(?:move|moved|book|booked|rebook|rebooked|squeeze|slot|admit|admitted|discharge|discharged|refer|referred|reschedule|rescheduled|transfer|transferred)\s+$")
            })
            .is_match(before(text, s, 16))
    };
    // The title test last: this runs at every capitalised word.
    ((r.cue_after.is_match(after(text, e2b, 64)) || cued_before()) && !title_word(&b[s..e]))
        .then_some((s, e2b, true))
}

/// Services and bodies named after patients (`Patient Council`).
const PATIENT_SERVICES: &[&str] = &[
    "council",
    "line",
    "champion",
    "champions",
    "choice",
    "board",
    "list",
    "power",
    "number",
    "portal",
    "advocate",
    "advocacy",
    "forum",
    "panel",
    "group",
    "voice",
    "experience",
    "safety",
    "services",
    "service",
    "relations",
    "liaison",
    "access",
    "transport",
    "information",
    "partner",
    "partners",
    "story",
    "stories",
    "day",
    "days",
    "flow",
    "care",
    "centre",
    "center",
    "name",
    "first",
    "charter",
    "engagement",
    "education",
    "leaflet",
    "guide",
    "survey",
    "feedback",
    "reps",
    "representative",
    "representatives",
    "navigator",
];

/// A listed surname alone after `pt` or `patient` (`pt Yusupov went
/// home`, `Patient Okafor's K is 3.1`): a patient, cued as by `Mr`.
/// Not a first name (`patient Maria`), not a word (`Patient Portal`),
/// not before another capitalised word (a full name is `candidate`'s).
fn surname_after_patient_word(
    r: &Res,
    text: &str,
    s: usize,
    e: usize,
    f: u8,
) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if f & SURNAME == 0 || f & (FIRST_NAME | GENERIC | INSTITUTION | NOT_A_SURNAME) != 0 {
        return None;
    }
    let (ps, pe, _) = prev_word(b, s)?;
    let mut buf = [0u8; 48];
    if !matches!(lower(&b[ps..pe], &mut buf), "pt" | "pts" | "patient") {
        return None;
    }
    // `11 pt Baskerville`: a type size.
    if b[..ps]
        .trim_ascii_end()
        .last()
        .is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    // `Patient Council`, `Patient Line`: a service named after patients.
    let mut buf2 = [0u8; 48];
    if PATIENT_SERVICES.contains(&lower(&b[s..e], &mut buf2)) {
        return None;
    }
    // Then a field's end or a patient's doings (`pt Yusupov went home`,
    // `Patient Okafor: K 3.1`), not a committee's (`meets on Tuesday`).
    let tail = &b[e..b.len().min(e + 16)];
    let verb = next_word(b, e).is_some_and(|(s2, e2)| {
        b[e..s2].iter().all(|c| *c == b' ')
            && matches!(
                &b[s2..e2],
                b"went"
                    | b"was"
                    | b"had"
                    | b"has"
                    | b"needs"
                    | b"needed"
                    | b"got"
                    | b"came"
                    | b"remains"
                    | b"in"
                    | b"on"
                    | b"with"
                    | b"and"
                    | b"to"
                    | b"from"
                    | b"c"
                    | b"complains"
                    | b"reports"
                    | b"called"
                    | b"says"
                    | b"is"
            )
    });
    let field_end = matches!(tail.first(), Some(b':' | b',' | b';' | b'.' | b')'))
        || tail.starts_with(b"'s")
        || tail.starts_with("\u{2019}s".as_bytes());
    if !(verb || field_end) {
        return None;
    }
    if next_word(b, e)
        .is_some_and(|(s2, e2)| capitalised(&b[s2..e2]) && b[e..s2].iter().all(|c| *c == b' '))
    {
        return None;
    }
    let (eb, _) = base(b, s, e);
    surname_ok(r, b, s, eb, true, false).then_some((s, eb, true))
}

/// Titles of office before a surname (`Professor Hartley's lectures`):
/// the person holds the office; a patient is not named by it.
/// Words that make a greeting address a role, not a person.
const ROLE_WORDS: &[&str] = &[
    "director",
    "professional",
    "professionals",
    "provider",
    "providers",
    "practitioner",
    "practitioners",
    "pharmacist",
    "pharmacists",
    "physician",
    "physicians",
    "clinician",
    "clinicians",
    "manager",
    "coordinator",
    "officer",
    "administrator",
    "supervisor",
    "committee",
    "team",
    "department",
    "staff",
    "colleague",
    "colleagues",
    "partner",
    "partners",
    "member",
    "members",
    "customer",
    "customers",
    "vendor",
    "buyer",
    "purchasing",
    "chair",
    "leadership",
    "board",
    "editor",
    "editors",
    "reviewer",
    "reviewers",
    "author",
    "authors",
    "applicant",
    "candidate",
    "recruiter",
    "representative",
    "agent",
    "friends",
    "neighbor",
    "neighbour",
    "parents",
    "families",
    "residents",
    "employees",
    "volunteers",
    "donor",
    "donors",
    "sponsor",
    "student",
    "students",
    "grads",
    "graduates",
    "nurses",
    "interns",
    "fellows",
    "trainees",
    "learners",
    "attendees",
    "participants",
    "caregivers",
    "campers",
    "guests",
    // A keeper's, a holder's or a tenant's notice (`Dear Vehicle Keeper`,
    // `Dear Account Holder`).
    "keeper",
    "holder",
    "cardholder",
    "policyholder",
    "owner",
    "motorist",
    "tenant",
    "occupier",
    "householder",
    "homeowner",
    "visitor",
    "visitors",
    "volunteer",
    // Word's content-control placeholder (`Dear Click or tap here to
    // enter text.,`).
    "click",
];

const TITLE_WORDS: &[&str] = &[
    "professor",
    "prof",
    "doctor",
    "dean",
    "coach",
    "captain",
    "judge",
    "senator",
    "governor",
    "mayor",
    "reverend",
    "rev",
    "pastor",
    "rabbi",
    "imam",
    "officer",
    "sergeant",
    "detective",
    "principal",
    "president",
    "chancellor",
    "provost",
    "chef",
    "director",
    "councilman",
    "councilwoman",
    "commissioner",
    "superintendent",
    "representative",
    "ambassador",
    "general",
    "colonel",
    "major",
    "lieutenant",
    "admiral",
    "sheriff",
    "chief",
];

/// `Dr`, `Dra`, `Prof`, `Doctor`...: a title after an honorific or a
/// greeting (`Frau Dr.`, `Mrs. Professor`) addresses its bearer by it.
/// Not `Dean` or `General`: also first names (`Mr. Dean Whitfield`).
fn clinician_title(w: &[u8]) -> bool {
    let mut buf = [0u8; 48];
    w.len() < 48
        && matches!(
            lower(w, &mut buf),
            "dr" | "dra"
                | "drs"
                | "prof"
                | "professor"
                | "doctor"
                | "doctora"
                | "docteur"
                | "doktor"
                | "doutor"
                | "doutora"
        )
}

/// A German job title after `Frau`/`Herr` and before the surname (`Frau
/// Diabetesberaterin Keller`, `Herr Pfleger Jansen`): the person's trade.
/// (Alone, `Herr Pfleger` is a surname.)
fn occupation(w: &[u8]) -> bool {
    const TRADES: &[&str] = &[
        "berater",
        "beraterin",
        "pfleger",
        "pflegerin",
        "schwester",
        "arzt",
        "ärztin",
        "therapeut",
        "therapeutin",
        "helfer",
        "helferin",
        "assistent",
        "assistentin",
        "leiter",
        "leiterin",
        "referent",
        "referentin",
        "kollege",
        "kollegin",
        "direktor",
        "direktorin",
        "pfarrer",
        "pastorin",
        "hebamme",
        "apotheker",
        "apothekerin",
        "sekretärin",
    ];
    let Ok(word) = std::str::from_utf8(w) else {
        return false;
    };
    let lower = word.to_lowercase();
    // The trade alone (`Pfleger`, `Leiter`) or a compound of it
    // (`Diabetesberaterin`), not a surname that merely ends so
    // (`Schleiter`): a compound's first part is a word of four letters.
    TRADES
        .iter()
        .any(|t| lower == *t || (lower.ends_with(t) && lower.len() >= t.len() + 4))
}

fn title_word(w: &[u8]) -> bool {
    let mut buf = [0u8; 48];
    w.len() < 48 && TITLE_WORDS.contains(&lower(w, &mut buf))
}

/// Listed first names standing alone in a subject (`Weekly update -
/// Rosa`, `Theo - today's session`, `Re: Liam - inhaler`, `jayden`): not after a
/// title (`Dr. Walter Lindqvist`, `Senator`), not a word that is also a
/// common word (`Grace`, `May`). At most four.
fn subject_first_names(r: &Res, text: &str) -> Vec<Box<str>> {
    let b = text.as_bytes();
    let mut names: Vec<Box<str>> = Vec::new();
    let mut prev: (usize, usize) = (0, 0);
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let (s, whole_end) = (i, word_end(b, i).max(i + 1));
        // `Kezia's video visit`: the name without its possessive.
        let (e, _) = base(b, s, whole_end);
        let w = &b[s..e];
        let f = r.flags(w);
        // Lower case too (`Subject: jayden`), where no common word is one,
        // in a subject of a few words.
        let lower_ok = || lower_first_name(r, w) && text.split_whitespace().count() <= 3;
        if (capitalised(w) && !shorthand_stop(&w.to_ascii_lowercase()) || lower_ok())
            && f & FIRST_NAME != 0
            && f & (GENERIC | INSTITUTION | AMBIGUOUS | NOT_A_SURNAME) == 0
            && stands_alone(b, s, e)
            && !(clinician_title(&b[prev.0..prev.1]) || title_word(&b[prev.0..prev.1]))
            && let Some(v) = text.get(s..e)
            && !names.iter().any(|n| &**n == v)
        {
            names.push(v.into());
            if names.len() == 4 {
                break;
            }
        }
        prev = (s, e);
        i = whole_end;
    }
    names
}

/// A subject's word set off as a topic: at the subject's start or end, or
/// next to a dash, colon, bar or comma (`Weekly update - Rosa`, `Theo -
/// today's session`, `Re: Liam - inhaler`), or owning something
/// (`Amara's seizure plan`); not inside a phrase (`My Shift Swap`).
fn stands_alone(b: &[u8], s: usize, e: usize) -> bool {
    let before = b[..s]
        .iter()
        .rev()
        .find(|c| !matches!(c, b' ' | b'\t'))
        .copied();
    let after = b[e..].iter().find(|c| !matches!(c, b' ' | b'\t')).copied();
    let set_off = |c: Option<u8>| {
        c.is_none_or(|c| {
            matches!(c, b'-' | b':' | b'|' | b',' | b'(' | b')' | b'/' | b'+') || c >= 0x80
        })
    };
    set_off(before)
        || set_off(after)
        || b[e..].starts_with(b"'s")
        || b[e..].starts_with("’s".as_bytes())
}

/// A body's story about the person the subject names by first name
/// (`Subject: Weekly update - Rosa` over `Rosa has had a quieter week.
/// She's been... her dementia`): the name as a sentence's subject or a
/// possessive, a third-person pronoun after it and a health fact near.
/// Not the reader greeted (`Hi Rosa,`) nor a writer signing.
fn about_subject_person(
    r: &Res,
    text: &str,
    s: usize,
    e: usize,
    f: u8,
    names: &[Box<str>],
    health: &[(usize, usize)],
) -> bool {
    let b = text.as_bytes();
    if names.is_empty()
        || f & FIRST_NAME == 0
        || !names
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(&b[s..e]))
    {
        return false;
    }
    // The cheap tests first: this runs at every body occurrence.
    let post = &b[e..(e + 4).min(b.len())];
    let subject_or_owner = post.starts_with(b"'s")
        || post.starts_with("’s".as_bytes())
        // `for Riley (NHI ZKT4183):`: a record's number after the name.
        || (post.starts_with(b" (") && r.cue_after.is_match(after(text, e, 64)))
        || (post.first() == Some(&b' ')
            && post
                .get(1)
                .is_some_and(|&c| c.is_ascii_lowercase() || c == 0xC3));
    // A health term itself (not a place or a visit: `joins us from the
    // ICU` welcomes a colleague).
    let lo = s.saturating_sub(250);
    let i = health.partition_point(|h| h.1 < lo);
    let term_near = health.get(i).is_some_and(|h| h.0 <= e + 250);
    if !(subject_or_owner && term_near && third_person_after(b, e, 250)) {
        return false;
    }
    let ls = line_start(text, s);
    !(r.salutation.is_match(&text[ls..s])
        || line_rest_blank(text, e)
        || in_signature(r, text, s)
        || r.staff_news.is_match(
            &text[floor_boundary(text, s.saturating_sub(200))
                ..ceil_boundary(text, (e + 300).min(text.len()))],
        ))
}

/// A listed first name alone, told about in the third person right after
/// (`Linda asked me to let you know... She was diagnosed with...`): a
/// friend or relative written about by first name.
fn told_about(r: &Res, text: &str, s: usize, e: usize, f: u8) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    if f & FIRST_NAME == 0 || f & (GENERIC | INSTITUTION | AMBIGUOUS) != 0 || !capitalised(&b[s..e])
    {
        return None;
    }
    // `Linda Park`: a full name is `candidate`'s.
    if next_word(b, e).is_some_and(|(s2, e2)| capitalised(&b[s2..e2])) {
        return None;
    }
    (story_follows(r, text, e) || admitted_right_after(text, e)).then_some((s, e, false))
}

/// `… was admitted to St Brigid's hospice`, `… has been diagnosed with`,
/// `… was rushed to A&E`: a care event told of the word that ends at `e`,
/// right after it (the name is the sentence's subject; no pronoun needs
/// to come first).
fn admitted_right_after(text: &str, e: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        re(r"(?i)^[ \t]+(?:was|has\s+been|got|is\s+being|had\s+been)\s+(?:(?:first|initially|originally|again|eventually|finally|urgently|just|recently)\s+)?(?:(?:re)?admitted\s+(?:(?:to|into)\s+(?:[a-z'’.&]+\s+){0,3}(?:hospital|hospice|icu|a&e|ward|rehab|care\s+home|nursing\s+home|intensive\s+care|the\s+er|(?-i:General)|infirmary)(?-u:\b)|(?:overnight|last\s+night|yesterday|this\s+morning|on\s+[a-z]+day)(?-u:\b))|diagnosed\s+with|rushed\s+(?:to|into)\s+(?:a&e|hospital|the\s+er|the\s+emergency)|(?:taken|brought)\s+(?:in)?to\s+(?:(?:the|a)\s+)?(?:[a-z'’.&]+\s+){0,3}(?:hospital|general|infirmary|hospice|a&e|icu)(?-u:\b)|(?:sectioned|intubated|ventilated|resuscitated)(?-u:\b))")
    });
    // Asked at lone first names: the verb first, on the bytes.
    let head = &text.as_bytes()[e..(e + 10).min(text.len())];
    if ![
        &b" was "[..],
        b" has been ",
        b" got ",
        b" is being ",
        b" had been ",
    ]
    .iter()
    .any(|v| head.len() >= v.len() && head[..v.len()].eq_ignore_ascii_case(v))
    {
        return false;
    }
    let window = &text[e..ceil_boundary(text, (e + 120).min(text.len()))];
    r.find(window).is_some_and(|m| {
        let rest = &window[m.end()..];
        let taken = m.as_str().contains("taken") || m.as_str().contains("brought");
        // `brought into the hospital to repair the boiler`; `admitted to
        // the General Studies course`, `the General's foundation
        // programme`.
        // What follows tells when, how or why (`on Sunday`, `by
        // ambulance`, `with pneumonia`) or ends the clause.
        const NEXT: &[&str] = &[
            "on ",
            "at ",
            "in ",
            "with ",
            "by ",
            "after ",
            "last ",
            "yesterday",
            "this ",
            "overnight",
            "for ",
            "following ",
            "and ",
            "early ",
            "late ",
            "again",
            "today",
            "tonight",
            "via ",
        ];
        let next = rest.trim_start();
        let clause_ends = next.is_empty()
            || next.starts_with(['.', ',', ';', ':', '!', '?', '(', '-', '–'])
            || NEXT.iter().any(|w| next.starts_with(w));
        (!taken || clause_ends)
            && !rest.starts_with(['\'', '’'])
            && !rest
                .strip_prefix(' ')
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// A third-person clinical story (`she was diagnosed`) starts within 240
/// bytes after `e`. The rare event word is searched first (a vector
/// search for its literals); the pronoun before it is checked only there.
fn story_follows(r: &Res, text: &str, e: usize) -> bool {
    let window = &text[e..ceil_boundary(text, (e + 280).min(text.len()))];
    // Every story `told_story` reads holds a pronoun (`she`, `he`, `him`,
    // `her`; after `rushed`, past byte 240 too) before its event: most
    // windows have none, and the event search (the costly part) starts
    // at the first.
    let Some(p) = first_pronoun(window.as_bytes(), window.len()) else {
        return false;
    };
    whole_words(&r.story_event, &window[p..]).any(|m| {
        let (ms, me) = (p + m.start(), p + m.end());
        if r.story_elsewhere.is_match(after(window, me, 48)) {
            return false;
        }
        let from = floor_boundary(window, ms.saturating_sub(40));
        r.told_story
            .find(&window[from..ms])
            .is_some_and(|t| from + t.start() <= 240)
    })
}

/// A third-person story whose event is a listed health term within 280
/// bytes after `e` (`she's got whooping cough`, `he has had shingles`):
/// the words right before the term tell it as `told_story` does.
/// A full name's care past the team or the place it is from (`Mark
/// Ellery in finance (bowel cancer: …`, `Sarah Ellery in accounts has
/// bowel cancer`), or straight after it in brackets (`Sarah Ellery
/// (bowel cancer`): the term opens the bracket, or the clinical cue
/// follows the unit.
fn care_after_unit(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static UNIT: OnceLock<Regex> = OnceLock::new();
    let unit = UNIT.get_or_init(|| {
        // Or her job, in brackets or as an apposition (`Thabo Mokoena
        // (sous chef) has …`, `…, our night porter, is off sick with`).
        re(r"^(?:[ \t]+(?:in|from)[ \t]+(?:the[ \t]+)?\p{L}[\p{L}&-]*(?:[ \t]+\p{Lu}[\p{L}&-]*)?|[ \t]*\((?:our[ \t]+|the[ \t]+)?\p{L}[\p{L} -]{1,28}\)|[ \t]*,[ \t]*(?:our|the|a|my)[ \t]+\p{Ll}[\p{L} -]{1,28},)")
    });
    static VERB: OnceLock<Regex> = OnceLock::new();
    let verb = VERB.get_or_init(|| {
        re(r"^[ \t]+(?:has|had|is\s+on|was\s+on|needs|needed|underwent|is\s+having|was\s+diagnosed\s+with|has\s+been\s+diagnosed\s+with)[ \t]+")
    });
    // `Tom Berger is off sick with pneumonia`, `… has been signed off
    // after her hip replacement`: an absence and its cause.
    static ABSENT: OnceLock<Regex> = OnceLock::new();
    let absent = ABSENT.get_or_init(|| {
        re(r"(?i)^(?:[ \t]+(?:is|was|has\s+been|had\s+been|will\s+be)(?:[ \t]+(?:still|now|currently))?|['’]s)[ \t]+(?:(?:(?:off|out|home)[ \t]+(?:sick|ill|poorly|unwell)|off(?:[ \t]+work)?|(signed[ \t]+off)(?:[ \t]+(?:sick|work))?)(?:[ \t]+(?:this|last|all|for\s+the)[ \t]+week|[ \t]+for[ \t]+(?:a|one|two|three|four|five|six|[0-9]+)[ \t]+(?:days?|weeks?|months?))?[ \t]+(?:with|due\s+to|because\s+of|(after|following|recovering\s+from))|(out)(?:[ \t]+(?:this|last|all|for\s+the)[ \t]+week|[ \t]+for[ \t]+(?:a|one|two|three|four|five|six|[0-9]+)[ \t]+(?:days?|weeks?|months?))?[ \t]+with)[ \t]+((?:her|his|their)[ \t]+)?")
    });
    // The same in other languages (`Kari Solheim er sykemeldt etter`,
    // `Mette Kjærgaard ligger syg med`, `… ist krankgeschrieben nach`):
    // a sick note or an illness and its cause.
    static ABSENT_ELSEWHERE: OnceLock<Regex> = OnceLock::new();
    let absent_elsewhere = ABSENT_ELSEWHERE.get_or_init(|| {
        re(r"(?i)^[ \t]+(?:(?:er|var|har[ \t]+v[æa]ert|blev|ble)[ \t]+(?:fortsatt[ \t]+|stadig[ \t]+|nu[ \t]+|nå[ \t]+)?(?:sykmeldt|sykemeldt|sygemeldt|syg|syk)|ligger[ \t]+(?:syg|syk|sjuk)|(?:är|var|har[ \t]+varit)[ \t]+(?:fortfarande[ \t]+)?(?:sjukskriven|sjuk)|(?:ist|war)[ \t]+(?:noch[ \t]+|derzeit[ \t]+|leider[ \t]+)?(?:krankgeschrieben|krank|erkrankt)|(?:is|was)[ \t]+(?:nog[ \t]+|helaas[ \t]+)?(?:ziek(?:gemeld)?|afwezig)|(?:est|était)[ \t]+(?:en[ \t]+arr[êe]t[ \t]+maladie|malade|absente?)|(?:est[áa]|estuvo)[ \t]+de[ \t]+baja(?:[ \t]+m[ée]dica)?|(?:[èe]|era)[ \t]+in[ \t]+malattia)(?:[ \t]+(?:denne|hele|i|this|die(?:se)?|deze|cette|esta|questa)[ \t]+\p{L}+)?[ \t]+(?:med|etter|efter|pga\.?|på[ \t]+grunn[ \t]+av|på[ \t]+grund[ \t]+af|grunnet|för|p\.g\.a\.|på[ \t]+grund[ \t]+av|wegen|nach|mit|aufgrund|met|na|door|vanwege|wegens|pour|apr[èe]s|suite[ \t]+[àa]|avec|por|tras|per|dopo)(?:[ \t]+(?:einer|eines|einem|seiner|ihrer|der|des|dem|een|haar|zijn|de|het|une?|sa|son|la|le|una?|su|el|il|lo|en|ei|et|ett))?[ \t]+")
    });
    // `Thabo Mokoena dropped off a doctor's note this morning`: a sick
    // note handed in is her own illness, whatever it names.
    static SICK_NOTE: OnceLock<Regex> = OnceLock::new();
    let sick_note = SICK_NOTE.get_or_init(|| {
        re(r"(?i)^[ \t]+(?:has[ \t]+|had[ \t]+|just[ \t]+)?(?:dropped[ \t]+off|brought[ \t]+in|handed[ \t]+in|sent[ \t]+(?:in|us|me|over)|submitted|e-?mailed(?:[ \t]+(?:us|me))?|gave[ \t]+(?:us|me))[ \t]+(?:a|an|his|her|their)[ \t]+(?:doctor['’]?s['’]?|gp['’]?s|sick|fit|medical)[ \t]+(?:note|certificate|cert|line)(?-u:\b)")
    });
    let post = after(text, e, 64);
    // (`Sarah Jenkins (practice nurse) has asthma … reviews`: a
    // clinician's job, her patients' care.)
    let p = unit
        .find(post)
        .filter(|m| !clinical_role(m.as_str()))
        .map_or(0, |m| m.end());
    let rest = &post[p..];
    if sick_note.is_match(rest) {
        return true;
    }
    if p > 0 && r.cue_after.is_match(rest) && !possessive_of_work(rest) {
        return true;
    }
    // `off sick with shingles`: the term may open on the `with` itself.
    let mut with_at: Option<usize> = None;
    let mut out_with = false;
    // `(consultant plastic surgeon)`: a role in the bracket.
    let at = if rest.trim_start_matches([' ', '\t']).starts_with('(') {
        if r.provider_after.is_match(rest) {
            return false;
        }
        e + p + rest.find('(').unwrap_or(0) + 1
    } else if let Some(m) = absent
        .captures(rest)
        // `off after morning surgery` (a rota's session): after an
        // absence, only her own operation or a sick note's cause.
        .filter(|c| c.get(2).is_none() || c.get(1).is_some() || c.get(4).is_some())
        .inspect(|c| {
            out_with = c.get(3).is_some();
            with_at = c
                .get(0)
                .and_then(|m| m.as_str().to_ascii_lowercase().rfind("with"))
        })
        .and_then(|c| c.get(0))
        .or_else(|| verb.find(rest).filter(|_| p > 0))
        .or_else(|| absent_elsewhere.find(rest))
    {
        e + p + m.end()
    } else {
        return false;
    };
    // The term opens the bracket or the verb's object, at most one word
    // before it (`(bowel cancer`, `has stage 2 melanoma`).
    let from = with_at.map_or(at, |w| e + p + w);
    let first = health.partition_point(|&(hs, _)| hs < from);
    health.get(first).is_some_and(|&(hs, he)| {
        let gap = if hs < at { "" } else { &text[at..hs] };
        // `Sam Patel (Endocrinology)`: a specialty, her department.
        // `Ben Frost (Diabetes)`, `Ruth Kim (Asthma + Lung UK)`: a team or
        // a charity named by the term alone.
        let specialty = is_specialty(&text[hs..he])
            || after(text, he, 4)
                .trim_start()
                .starts_with([')', '+', '&', '/']);
        hs <= at + 24
            && !specialty
            && gap.split_whitespace().count() <= 1
            && !gap.contains([')', ',', '.', ';', ':'])
            && !topic_after(text, he)
            && !cause_or_event_after(text, he)
            && !(out_with && out_with_service(text, hs, he))
    })
}

/// `out with hospice at home`, `out with the stroke team`: the term names
/// a service or a team she is out with, not an illness she is out with.
fn out_with_service(text: &str, hs: usize, he: usize) -> bool {
    let term = text[hs..he].to_ascii_lowercase();
    let next = after(text, he, 24)
        .split('\n')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    ["hospice", "palliative", "ambulance", "outreach"]
        .iter()
        .any(|w| term.starts_with(w))
        || [
            "team",
            "teams",
            "crew",
            "service",
            "services",
            "nurse",
            "nurses",
            "unit",
            "ward",
            "clinic",
            "group",
            "staff",
            "charity",
            "van",
            "bus",
            "society",
            "trust",
            "walk",
            "appeal",
            "volunteers",
            "patients",
            "residents",
            "clients",
            "families",
            "carers",
        ]
        .contains(&next.as_str())
}

fn story_of_term(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    let first = health.partition_point(|&(hs, _)| hs < e);
    health[first..]
        .iter()
        .take_while(|&&(hs, _)| hs <= e + 280)
        .any(|&(hs, he)| {
            let from = floor_boundary(text, hs.saturating_sub(40).max(e));
            r.told_story.find(&text[from..hs]).is_some()
                && !r.story_elsewhere.is_match(after(text, he, 48))
        })
}

/// The start of the first whole word `he`, `she`, `him` or `her` (any
/// case; `he's` and `he’s` too) that starts at or before `limit` in `b`.
fn first_pronoun(b: &[u8], limit: usize) -> Option<usize> {
    // One byte past `limit`: the `h` of a `she` that starts there.
    let end = b.len().min(limit + 2);
    memchr::memchr2_iter(b'h', b'H', &b[..end]).find_map(|h| {
        // `she`: the `s` before the `h` starts the word.
        let start = if h > 0 && matches!(b[h - 1], b's' | b'S') {
            h - 1
        } else {
            h
        };
        if start > limit || (start > 0 && is_word(b[start - 1])) {
            return None;
        }
        let w = &b[start..word_run_end(b, start).min(start + 4)];
        ["he", "she", "him", "her"]
            .iter()
            .any(|p| w.eq_ignore_ascii_case(p.as_bytes()))
            .then_some(start)
    })
}

/// The line holding `pos`, up to it.
/// The start of the line holding `pos`, past any reply quoting (`> `,
/// `>> `): a quoted `> Dear Roberta Kline,` opens its line as the
/// original did.
fn line_start(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    past_quoting(
        b,
        memchr::memrchr(b'\n', &b[..pos]).map_or(0, |i| i + 1),
        pos,
    )
}

/// From a line start `ls`, past a reply's quote marks and the blanks
/// among them (`> > `), stopping at `end`; `ls` itself on an unquoted line.
fn past_quoting(b: &[u8], mut ls: usize, end: usize) -> usize {
    if b.get(ls) == Some(&b'>') {
        while ls < end && matches!(b[ls], b'>' | b' ' | b'\t') {
            ls += 1;
        }
    }
    ls
}

/// First-person wording about the writer's own care (`I was diagnosed`,
/// `my biopsy`, `my migraines`) in a chunk that holds a health term.
fn writes_of_own_care(r: &Res, text: &str, health: &[(usize, usize)]) -> bool {
    !health.is_empty() && (r.own_care.is_match(text) || tells_own_term(r, text, health))
}

/// The writer's own care told within a paragraph's reach of a health term
/// (`my gp has referred me to cardiology` after `watch flagged afib`):
/// a stricter reading than [`writes_of_own_care`], for a name the message
/// does not show beside the care (the `From:` writer's).
fn writes_of_own_care_near(r: &Res, text: &str, health: &[(usize, usize)]) -> bool {
    const REACH: usize = 240;
    tells_own_term(r, text, health)
        || r.own_care.find_iter(text).any(|m| {
            health
                .iter()
                .any(|&(hs, he)| hs < m.end() + REACH && m.start() < he + REACH)
        })
}

/// A health term told as the writer's own (`my acl`, `I take lithium`,
/// `tengo diabetes`).
fn tells_own_term(r: &Res, text: &str, health: &[(usize, usize)]) -> bool {
    health.iter().any(|&(hs, he)| {
        (r.own_term.is_match(before(text, hs, 32))
                    // A term told with the writer's own `my` (`my acl`,
                    // `felt my right hammy go`).
                    || text[hs..he]
                        .split_whitespace()
                        .take(2)
                        .any(|w| w.eq_ignore_ascii_case("my"))
                    // (`tengo audífonos recargables nuevos en catálogo`:
                    // goods the writer has, not a condition.)
                    || (r.own_clause.is_match(before(text, hs, 72))
                        && !topic_after(text, he)
                        && !goods_after(text, he))
                    || opens_on_own_verb(text, hs, he))
            && !r.not_own.is_match(after(text, he, 24))
    })
}

/// Words of stock or sale after a term (`Tengo insulina en stock`, `ho
/// insulina e siringhe disponibili`, `Ik heb de insuline besteld`): the
/// writer has goods, not a condition.
fn goods_after(text: &str, he: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?:stock|cat[áa]log|katalog|disponib|besteld|bestellt|verkauft|vendid|vendut|in\s+vendita|pedido|encomend|bestilt|beställ|order)")
    })
    .is_match(after(text, he, 48))
}

/// A listed term that opens on the writer's own verb (`I take lithium`,
/// listed whole because bare `lithium` is also batteries).
fn opens_on_own_verb(text: &str, hs: usize, he: usize) -> bool {
    let t = text[hs..he].to_ascii_lowercase().replace('\u{2019}', "'");
    ["i take ", "i'm on ", "i am on "]
        .iter()
        .any(|p| t.starts_with(p))
        && !battery_after(text, he)
}

/// `lithium-ion`, `lithium batteries`: a battery's metal, no medicine.
fn battery_after(text: &str, he: usize) -> bool {
    let rest = after(text, he, 16).to_ascii_lowercase();
    let rest = rest.trim_start_matches([' ', '-']);
    ["ion", "batter", "cell", "power", "polymer", "metal"]
        .iter()
        .any(|w| rest.starts_with(w))
}

/// Nothing but blanks from `e` to the end of its line.
fn line_rest_blank(text: &str, e: usize) -> bool {
    let rest = &text.as_bytes()[e..];
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    rest[..end].iter().all(u8::is_ascii_whitespace)
}

/// The name on the line from `ls` to past `e` ends the text as its
/// writer's block: a blank line (or nothing) before it, and after it at
/// most three short lines that are no sentences (a role, an organisation,
/// a phone: `title_like`), up to the end or to a quoted reply.
fn closing_block(text: &str, ls: usize, e: usize) -> bool {
    let head = text[..ls].trim_end_matches([' ', '\t', '\r']);
    let before_blank = head.is_empty()
        || head.ends_with('\n')
            && head[..head.len() - 1]
                .trim_end_matches([' ', '\t', '\r'])
                .rsplit('\n')
                .next()
                .is_none_or(|l| l.trim().is_empty());
    // `...MRI for suspected cauda equina syndrome for:` over the name: the
    // one a request is for.
    if !before_blank || head.trim_end().ends_with(':') {
        return false;
    }
    let mut lines = 0;
    for l in text[e..].lines().map(str::trim).filter(|l| !l.is_empty()) {
        if quoted_history_opens(l) {
            break;
        }
        lines += 1;
        if lines > 3 || l.len() > 80 || l.ends_with(['.', '?', '!', ':', ';']) || !title_like(l) {
            return false;
        }
    }
    true
}

/// A role's, an organisation's or a contact line's words: none opens in
/// lower case but a connector, an address or a number (`Lead Nurse,
/// Infection Prevention & Control`; not `CHF, on lasix`).
fn title_like(line: &str) -> bool {
    const CONNECTORS: &[&str] = &[
        "of", "and", "for", "the", "at", "in", "de", "du", "des", "la", "le", "van", "von", "der",
        "y", "e", "et", "und", "&",
    ];
    line.split([' ', '\t', ',', '|', '/', '(', ')'])
        .filter(|w| !w.is_empty())
        .all(|w| {
            !w.as_bytes()[0].is_ascii_lowercase()
                || CONNECTORS.contains(&w)
                || w.contains(['@', '.'])
        })
}

/// A name opening a line shortly after a closing (`Regards,`).
fn in_signature(r: &Res, text: &str, s: usize) -> bool {
    let ls = line_start(text, s);
    if !text[ls..s].trim().is_empty() {
        return false;
    }
    let w = before(text, ls, 160);
    let tail: Vec<&str> = w
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect();
    // `Naomi` over `Naomi Achterberg, Programme Director`: the writer
    // signs with her given name, then her block.
    let given = text[s..]
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    // Only as the block that ends the text: a line of capitalised words
    // (`Lily` over `Lily Chen has a history of epilepsy` is a patient),
    // a few short lines after it at most.
    let signed_given = given.len() >= 2 && tail.first().is_some_and(|l| l.trim() == given) && {
        let le = text[s..].find('\n').map_or(text.len(), |i| s + i);
        let rest = &text[le..];
        title_like(&text[s..le])
            && rest.len() <= 300
            && rest.lines().filter(|l| !l.trim().is_empty()).count() <= 4
    };
    signed_given
        || tail
            .iter()
            .any(|l| r.closing.is_match(l.trim_start_matches(['>', ' ', '\t'])))
}

/// Any health term, or a clinical event word, within `reach` bytes of
/// the name at `s..e` (and before `until`).
fn health_near(
    r: &Res,
    text: &str,
    (s, e, until): (usize, usize, usize),
    health: &[(usize, usize)],
    reach: usize,
    commerce: &dyn Fn() -> bool,
) -> bool {
    let lo = s.saturating_sub(reach);
    let hi = e.saturating_add(reach).min(until.max(e));
    let i = health.partition_point(|h| h.1 < lo);
    // `runs the diabetes charity walk`, `sang at the cancer benefit
    // concert`: a term that names a cause or an event is no one's care.
    if health[i..]
        .iter()
        .take_while(|h| h.0 <= hi)
        .any(|&(hs, he)| !cause_or_event_after(text, he) && !group_owns(text, hs))
    {
        return true;
    }
    let a = floor_boundary(text, lo);
    let z = ceil_boundary(text, hi.min(text.len()));
    text.get(a..z).is_some_and(|w| {
        // The boundaries are ASCII: an event word must not continue a
        // word of other letters (`er` in `weißer`, `mass` in `Maß…`).
        // (A quote mark or a dash may stand there: `“surgery”`.)
        let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
        // A befriender's or a volunteer's visit is company, not care
        // (`She'd like a visit on Wednesdays for a cuppa and a chat`).
        let company = |m: &regex::Match| {
            m.as_str().eq_ignore_ascii_case("visit") && social_visit(text, a + m.start())
        };
        let mut events = r.event.find_iter(w).filter(|m| {
            !company(m) &&
            !letter(w[..m.start()].chars().next_back())
                && !letter(w[m.end()..].chars().next())
                && !document_scan(w, m.start(), m.end())
                && !super::health::furniture_after(&w[m.end()..])
                && !no_ones_event(w, m.start())
                && !super::health::money_for_cause(text, a + m.start())
                // `Booking CT-5521`: a code.
                && !super::health::keys_a_number(&w.as_bytes()[m.end()..])
        });
        let Some(first) = events.next() else {
            return false;
        };
        // Only a window with a capitalised place word needs each match
        // looked at (the cheap test answers for all others).
        // In quotes and invoices a named place is the customer.
        if r.place_title.find(w).is_none() || !commerce() {
            return true;
        }
        std::iter::once(first)
            .chain(events)
            .any(|m| !named_place(w, m.start(), m.end()))
    })
}

/// Is the visit at `at` one for company (befriending, volunteers, a
/// cuppa and a chat), by the words around it?
fn social_visit(text: &str, at: usize) -> bool {
    let lower = text[floor_boundary(text, at.saturating_sub(120))
        ..ceil_boundary(text, (at + 160).min(text.len()))]
        .to_ascii_lowercase();
    ["befriend", "cuppa", "social visit", "friendly visit"]
        .iter()
        .any(|k| lower.contains(k))
}

/// `Claim 27/118842 D. Mahoney - …`: an initial and a listed surname
/// after a claim's or a case's number; the span of both.
fn claimed_initial(r: &Res, text: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    if e != s + 1 || !b[s].is_ascii_uppercase() || b.get(e) != Some(&b'.') {
        return None;
    }
    let (s2, e2) = next_word(b, e + 1)?;
    (s2 <= e + 2
        && capitalised(&b[s2..e2])
        && r.flags(&b[s2..e2]) & SURNAME != 0
        && claim_number_before(
            &text[ceil_boundary(text, line_start(text, s).max(s.saturating_sub(48)))..s],
        ))
    .then_some((s, e2))
}

/// A claim's, a case's or a referral's number right before a name on its
/// line (`Claim 27/118842 `, `WC case #2027-0418: `).
fn claim_number_before(pre_line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:claim|case|referral|auth(?:ori[sz]ation)?|appeal|grievance)\s*(?:no\.?|number|#|ref\.?)?\s*[:#]?\s*[a-z]{0,4}[-/]?[0-9][0-9/-]{3,}[a-z]?\s*[-–:,]?\s*$")
    })
    .is_match(pre_line)
}

/// `Pohutukawa Engineering Ltd`, `Harbour Dental Pty Ltd`: a company's
/// name, by its legal form last in the span or right after it.
fn company_named(text: &str, s: usize, e: usize) -> bool {
    const FORMS: &[&str] = &[
        "ltd", "ltd.", "limited", "llc", "l.l.c.", "inc", "inc.", "plc", "pty", "gmbh", "bv",
        "b.v.", "nv", "n.v.", "srl", "s.r.l.", "s.a.", "sas", "oy", "a/s", "aps", "kft", "s.p.a.",
        "corp", "corp.", "co.", "llp",
    ];
    // Two letters in capitals only (`As`, `Sa`, `Ab` are words too).
    const CAPITALS: &[&str] = &["AG", "AB", "AS", "SA", "LP"];
    let last = text[s..e].rsplit([' ', '\t']).next().unwrap_or("");
    // Right after the span only a form that ends the name (`Acme Ltd,`),
    // not `Margaret Thornby, SA Pathology`.
    let rest = after(text, e, 16).trim_start_matches([' ', '\t']);
    let next = rest.split([' ', '\t', '\n', ',', ')']).next().unwrap_or("");
    let next_ends = rest[next.len()..]
        .trim_start_matches([' ', '\t'])
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric());
    let form = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && FORMS.contains(&w.to_ascii_lowercase().as_str())
    };
    CAPITALS.contains(&last) || form(last) || (next_ends && form(next))
}

/// `nobody was injured`, `no injuries`, `the personal injury section`:
/// an event denied, or a line of cover or law named, no one's care.
/// `at`: an event word's start in `w`.
fn no_ones_event(w: &str, at: usize) -> bool {
    let head = before(w, at, 24).to_ascii_lowercase();
    let head = head.trim_end();
    // `nobody was hurt or injured`: the denial is the event's subject.
    static DENIED: OnceLock<Regex> = OnceLock::new();
    if DENIED
        .get_or_init(|| {
            re(r"(?:nobody|no[- ]one|none\s+of\s+\w+)\s+(?:was|were|got)(?:\s+\w+\s+(?:or|and))?$")
        })
        .is_match(head)
    {
        return true;
    }
    [
        "nobody was",
        "no one was",
        "no-one was",
        "nobody got",
        "no one got",
        "nobody",
        "no",
        "without",
        "personal",
        "were not",
        "was not",
        "wasn't",
        "weren't",
    ]
    .iter()
    .any(|p| {
        head.ends_with(p)
            && head[..head.len() - p.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// `passport scan`, `Reisepass-Scan`: a copy of a document, no imaging.
/// `[s, e)`: an event word in `w`.
fn document_scan(w: &str, s: usize, e: usize) -> bool {
    const DOCUMENTS: &[&str] = &[
        "passport",
        "reisepass",
        "pass",
        "ausweis",
        "document",
        "documents",
        "id",
        "visa",
        "receipt",
        "invoice",
        "barcode",
        "qr",
        "pasaporte",
        "passeport",
        "passaporto",
        "passaporte",
        "paszport",
        "licence",
        "license",
    ];
    if !w[s..e].eq_ignore_ascii_case("scan") {
        return false;
    }
    let head = w[..s].trim_end_matches([' ', '-']);
    let word = head
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    DOCUMENTS.iter().any(|d| word.eq_ignore_ascii_case(d))
}

/// Right after a health term, a word that makes it a cause, an event's
/// name or a trade (`diabetes charity walk`, `cancer benefit concert`,
/// `hearing aid batteries`); not `runs out`, a `walk-in` clinic or an
/// insurer's `cancer benefit` paid to a member.
fn cause_or_event_after(text: &str, he: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^[ \t-]*(?:charit(?:y|ies)|benefit\s+(?:concert|gala|dinner|run|walk|auction|night)|concert|gala|auction|foundation|society|association|fundrais(?:er|ers|ing)|walk|walks|awareness|research|conference|webinars?|documentary|film|podcast|campaign|golf|marathon|batter(?:y|ies)|stores?|shops?|showroom|catalog(?:ue)?s?|brochures?|division|business)(?:[ \t.,;:!?)]|$)")
    })
    .is_match(after(text, he, 24))
}

/// `visits seniors living with dementia`, `a group for people with
/// Parkinson's`, `children affected by cancer`: the term at `hs` is a
/// group's, told of many, not the care of someone named beside it.
fn group_owns(text: &str, hs: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let head = before(text, hs, 72);
    let h = head.as_bytes();
    // `Mr Raj Patel is one of our patients with diabetes`, `like other
    // tenants with COPD`: the one named is in the group.
    let member = ["one of ", "among ", "like other", "like many", "as other"]
        .iter()
        .any(|w| memchr::memmem::find(h, w.as_bytes()).is_some());
    !member
        && [&b"with"[..], b" by ", b"from"]
            .iter()
            .any(|w| memchr::memmem::find(h, w).is_some())
        && R.get_or_init(|| {
                re(r"(?i)(?-u:\b)(?:people|persons|seniors|elders|residents|children|kids|adults|patients|families|those|others|clients|carers|caregivers|members|tenants|veterans|women|men|students|pupils|survivors|individuals|customers|users|households|neighbours|neighbors|pensioners)\s+(?:(?:who|that)\s+(?:are\s+|have\s+been\s+)?(?:have|live|living|suffer|suffering|are)\s+(?:with\s+|from\s+)?|living\s+with|live\s+with|with|affected\s+by|suffering\s+(?:from|with)|recovering\s+from|diagnosed\s+with)\s+(?:(?:a|an|the|early|mild|moderate|advanced|long-term|chronic|severe|their|young-onset|early-onset)\s+){0,2}$")
            })
            .is_match(head)
}

/// Care places that also name organisations (`Mercy Clinic`).
const PLACES: &[&str] = &["hospital", "clinic", "unit", "ward", "rehab", "hospice"];

/// A care place named as an organisation (`Hospital São Vicente`,
/// `Mercy Clinic`): a customer, an employer or an address, not a stay.
/// In lower case (`in the hospital`), as an acronym (`ICU`) or with a
/// number (`Unit 4B`) it still counts.
fn named_place(w: &str, s: usize, e: usize) -> bool {
    let word = &w[s..e];
    let b = word.as_bytes();
    let place = b.first().is_some_and(u8::is_ascii_uppercase)
        && b[1..].iter().all(u8::is_ascii_lowercase)
        && PLACES.iter().any(|p| word.eq_ignore_ascii_case(p));
    if !place {
        return false;
    }
    let title = |t: &str| {
        let mut c = t.chars();
        c.next().is_some_and(char::is_uppercase) && c.all(|c| c.is_lowercase() || c == '\'')
    };
    let next = w[e..]
        .trim_start_matches([' ', '\t'])
        .split([' ', '\t', '\n', '\r', ',', '.'])
        .next();
    let prev = w[..s]
        .trim_end_matches([' ', '\t'])
        .rsplit([' ', '\t', '\n', '\r', ',', '.'])
        .next();
    next.is_some_and(title) || prev.is_some_and(|p| title(p.trim_end_matches("'s")))
}

/// Training material says so at its top (a banner, the first lines):
/// a mention further on (a quoted reply, a drill) marks nothing.
pub(crate) const FICTION_HEAD: usize = 600;

/// How a name was found.
#[derive(Clone, Copy)]
enum Found {
    /// By its shape and cues (`candidate`, `labelled`, `greeted`...).
    Cued,
    /// Followed by a story about its bearer (`told_about`).
    Told,
    /// As a signature (`signed`).
    Signed,
    /// As the person the subject names (`about_subject_person`).
    Subject,
}

/// Questions about the whole text, asked once, at the first name that
/// needs the answer.
#[derive(Default)]
struct Asked {
    /// Does the writer tell of their own care?
    own_care: OnceCell<bool>,
    /// Is it a quote, an invoice, an order or an award?
    commerce: OnceCell<bool>,
    /// Is it a roster (see [`roster`])?
    roster: OnceCell<bool>,
    /// Is it a newsletter or an offer to many (see `Res::bulk_mail`)?
    bulk: OnceCell<bool>,
    /// Does a reply's own text tell of a woman's, a man's care above the
    /// quoted mail (see [`reply_tells_of_someone`])?
    reply_of_care: OnceCell<(bool, bool)>,
    /// Where a reply's quoted mail starts (see [`quoted_top`]).
    quoted_top: OnceCell<usize>,
}

/// Does the line open with `Last, First`, alone or as a `|` cell
/// (`7/7-7/8|Cardiology|Menon, Arvind|4410`)?
fn list_entry(b: &[u8]) -> bool {
    let Some(c) = memchr::memchr(b',', &b[..b.len().min(96)]) else {
        return false;
    };
    let ws = b[..c]
        .iter()
        .rposition(|&x| x == b' ' || x == b'|' || x == b'\t')
        .map_or(0, |i| i + 1);
    let last = &b[ws..c];
    let opens = ws == 0 || b[ws - 1] == b'|';
    let rest = b[c + 1..].trim_ascii_start();
    let first_end = rest
        .iter()
        .position(|x| !x.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    opens && capitalised(last) && capitalised(&rest[..first_end])
}

/// Services a clinician is listed under (a team, an on-call line), not
/// a patient's condition.
const SERVICES: &[&str] = &[
    "cardiology",
    "neurology",
    "orthopedics",
    "ortho",
    "urology",
    "gi",
    "surgery",
    "general surgery",
    "trauma",
    "vascular",
    "transplant",
    "psychiatry",
    "oncology",
    "radiology",
    "pediatrics",
    "pediatric surgery",
    "anesthesia",
    "colorectal",
    "icu",
    "emergency medicine",
    "internal medicine",
    "family medicine",
    "nephrology",
    "pulmonology",
    "hospitalist",
    "obstetrics",
    "gynecology",
    "endocrinology",
    "dermatology",
    "ent",
];

/// Does the line name a condition, a medication or a procedure (a health
/// term other than a service's name)?
fn clinical_term(line: &str) -> bool {
    super::health::terms_in(line).iter().any(|&(s, e)| {
        let t = line[s..e].to_ascii_lowercase();
        !SERVICES.contains(&t.as_str())
    })
}

/// A list of people in record order that holds no records: four or more
/// lines opening with `Last, First` (a clerkship's teams, a schedule, a
/// staff list) and none of them with a dated birth year, an age, a
/// record number or a health term. Record order is then no patient cue.
/// Under a staff list's header row (`Name  Unit  Credential  Expires`)
/// the dates are the staff's own (a licence's expiry): they make no record
/// of those lines. A condition still does.
fn roster(r: &Res, text: &str) -> bool {
    let mut listed = 0;
    // The line above the current block of entries, and whether it is a
    // staff header: it speaks for its own block only.
    let mut above = "";
    let mut block: Option<bool> = None;
    for line in text.lines() {
        let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '>' || c == '|');
        if !list_entry(line.as_bytes()) {
            // A rule under the header (`-----   -----`) is no line of text.
            // A blank line ends the block: the header above it speaks
            // for the next block no more.
            let rule = !line.trim().is_empty()
                && line
                    .bytes()
                    .all(|c| matches!(c, b'-' | b'=' | b'+' | b'|' | b' ' | b'\t'));
            if !rule {
                above = line;
                block = None;
            }
            continue;
        }
        let staff = *block.get_or_insert_with(|| crate::policy::table::staff_header(above));
        if clinical_term(line) || (!staff && r.list_record.is_match(line)) {
            return false;
        }
        listed += 1;
    }
    listed >= 4
}

/// An age right after a name: `(15)`, `, 15,`, `, a 15-year-old`.
fn age_after(post: &str) -> bool {
    let p = post.trim_start_matches([' ', '\t']);
    // `(15)`, not a phone's area code `(555) 201-3344`.
    if let Some(q) = p.strip_prefix('(') {
        let digits = q.bytes().take_while(u8::is_ascii_digit).count();
        return (1..=2).contains(&digits)
            && q.as_bytes().get(digits) == Some(&b')')
            && !q[digits + 1..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit());
    }
    // `, 15-year-old`, `, a 15 y/o`, `, 15yo`: a marker after the number.
    let Some(q) = p.strip_prefix(',') else {
        return false;
    };
    let q = q.trim_start();
    let q = q.strip_prefix("a ").unwrap_or(q);
    let digits = q.bytes().take_while(u8::is_ascii_digit).count();
    let rest = q[digits..]
        .trim_start_matches(['-', ' '])
        .to_ascii_lowercase();
    (1..=3).contains(&digits)
        && ["year", "yo", "y/o", "y.o", "yrs", "mo"]
            .iter()
            .any(|m| rest.starts_with(m))
}

/// Does `pre` end in a patient label (`Patient:`, `Pt -`)? Not a day's
/// abbreviation in a list of days (`pon/śr/pt - Agata`: Polish Friday).
fn patient_label(r: &Res, pre: &str) -> bool {
    r.label_before
        .find(pre)
        .is_some_and(|m| !pre[..m.start()].ends_with('/'))
}

/// Classify one candidate; `None` for providers and signatures.
fn judge(
    r: &Res,
    text: &str,
    s: usize,
    e: usize,
    honorific: bool,
    health: &[(usize, usize)],
    asked: &Asked,
) -> Option<Confidence> {
    let own = &asked.own_care;
    // HL7's sample patients (`Eve Everywoman`), the placeholders of
    // forms and exercises (`Pat Example`) and test patients named in prose.
    if text[s..e].rsplit([' ', ',']).any(placeholder_name) || company_named(text, s, e) {
        return None;
    }
    let ls = line_start(text, s);
    let pre = before(text, s, 48);
    let pre_line = &text[ceil_boundary(text, ls.max(s.saturating_sub(48)))..s];
    // A cleric's title is read past (`pray for Fr Declan Moriarty`,
    // `thanks to Rabbi Levy`): the cue or the role before it tells.
    let pre_line = without_clergy_title(pre_line);
    let post = after(text, e, 64);
    // `get the naloxone kit to Mrs. Okafor`: after `to`, an honorific
    // names the one care is brought to (`forward to Dr. Lee` stays a
    // clinician by its title).
    // `Referring Lance Whitfield (15) for surgical exposure`: the one
    // referred, an age after the name (`referring Dr. Lee` stays one).
    let referred = |m: &str| {
        let w = m.trim_end().to_ascii_lowercase();
        w == "referring" && age_after(post)
    };
    // `Meet Priya, 34, from Leeds`: an advert's or a newsletter's
    // introduction opening its line, not a person named Meet.
    if pre_line.trim().is_empty() && text[s..e].starts_with("Meet ") {
        return None;
    }
    // `Presenters: Dr Lim Chee Keong, orthopaedic surgeon, and Ms Serene
    // Tan SC`: every name on a line headed by a line-up's label is one
    // of its speakers.
    if lineup_line(&text[ls..s])
        || staff_listed_before(&text[ls..s], text, e, health)
        || attendance_line(&text[ls..s], text, e, health)
    {
        return None;
    }
    let provider_before = r.provider_before.find(pre_line).is_some_and(|m| {
        // `Deliver to: Mr Arjun Mehta` too (not a mail header's `To:`).
        let word = m.as_str().trim_end();
        let delivered = || {
            let head = pre_line.trim_end().to_ascii_lowercase();
            ["deliver to:", "delivered to:", "delivery to:", "ship to:"]
                .iter()
                .any(|w| head.ends_with(w))
        };
        let to =
            word.eq_ignore_ascii_case("to") || (word.eq_ignore_ascii_case("to:") && delivered());
        // `We spoke to Walter Brennan about his sleep apnea`: the one
        // spoken to or heard from, his own care right after his name.
        let spoken_with = || {
            let last = word.rsplit([' ', '\t']).next().unwrap_or(word);
            ["to", "from", "with", "by"]
                .iter()
                .any(|w| last.eq_ignore_ascii_case(w))
                && told_own_care(r, text, e, health)
        };
        !(referred(m.as_str())
            || (honorific && to)
            || submitted_by(text, s, e, word)
            || spoken_with())
    });
    // `… was updated by` over `Farah Siddiqui in the library`: the actor
    // of a sentence wrapped before the name.
    let by_wrapped = || {
        pre_line.trim().is_empty()
            && ls >= 2
            && text[..ls - 1]
                .trim_end_matches('\r')
                .rsplit('\n')
                .next()
                .is_some_and(|prev| {
                    let l = prev.trim_end().to_ascii_lowercase();
                    [
                        "updated by",
                        "edited by",
                        "modified by",
                        "uploaded by",
                        "created by",
                        "approved by",
                        "reviewed by",
                        "signed by",
                        "sent by",
                        "shared by",
                        "posted by",
                        "submitted by",
                        "authored by",
                        "written by",
                        "closed by",
                        "opened by",
                        "resolved by",
                        "assigned by",
                        "requested by",
                        "reported by",
                        "entered by",
                        "completed by",
                        "changed by",
                        "deleted by",
                        "published by",
                    ]
                    .iter()
                    .any(|a| l.ends_with(a))
                })
    };
    if provider_before || by_wrapped() {
        return None;
    }
    // A colleague named with her team and her own care (`Mark Ellery in
    // finance (bowel cancer: …`) is no provider.
    if r.provider_after.is_match(post)
        && !(text[s..e].contains([' ', '\t']) && care_after_unit(r, text, e, health))
        && !told_own_care(r, text, e, health)
    {
        // A nurse signing her own application (`Ms Aoife Brennan RN`)
        // after telling of her own type 1 diabetes is the one in care.
        let line_rest = post.split('\n').next().unwrap_or("");
        let signed = pre_line.trim().is_empty() && line_rest.trim().len() <= 24;
        // Only plain first-person words of a condition (`I have type 1
        // diabetes`), not `my asthma reviews` (her work).
        let own_care = signed
            && (r.own_care.is_match(text)
                || health.iter().any(|&(hs, _)| {
                    let b = before(text, hs, 16).to_ascii_lowercase();
                    ["i have ", "i had ", "i've had ", "i'm on ", "i am on "]
                        .iter()
                        .any(|w| b.ends_with(w))
                }));
        return own_care.then_some(Confidence::High);
    }
    // A patient writing about their own care signs with their name: in a
    // signature, or on a line of its own.
    let own_care = || *own.get_or_init(|| writes_of_own_care(r, text, health));
    // `Hello, my name is Jana Dvořáková and I have had tinnitus`: the
    // writer's own name, with their own care.
    if (r.self_intro.is_match(pre_line) || own_details_field(text, ls, s)) && own_care() {
        return Some(Confidence::High);
    }
    if pre_line.trim().is_empty() && in_signature(r, text, s) {
        return own_care().then_some(Confidence::High);
    }
    if pre_line.trim().is_empty() && line_rest_blank(text, e) && own_care() {
        return Some(Confidence::High);
    }
    // `Derek Yau` over `Purchasing & Contracts, Larkspur Pharmacy` at the
    // end: the writer, signing without a closing word.
    if !honorific
        && pre_line.trim().is_empty()
        && line_rest_blank(text, e)
        && closing_block(text, ls, e)
    {
        return None;
    }
    if line_rest_blank(text, e) && r.sign_off.is_match(&text[ls..s]) {
        return own_care().then_some(Confidence::High);
    }
    if patient_label(r, pre_line) {
        return Some(Confidence::High);
    }
    let greeting = || r.salutation.is_match(&text[ls..s]) || lone_greeting(text, s, e);
    // In a roster, record order is no patient cue.
    let honorific =
        honorific && !(text[s..e].contains(',') && *asked.roster.get_or_init(|| roster(r, text)));
    // `Sig. Mario Bianchi (direttore amministrativo)`: a speaker's or an
    // official's role in brackets after the name, no patient's title.
    static ROLE_AFTER: OnceLock<Regex> = OnceLock::new();
    let role_after = ROLE_AFTER.get_or_init(|| {
        re(r"(?i)^\s*(?:,\s*(?:[a-z]+\s+){0,2}(?:director|manager|officer|secretary|solicitor|lawyer|accountant|engineer|registered\s+nurse|social\s+worker)|\((?:[^()\n]{0,30}\s)?(?:direttore|direttrice|director[a]?|directeur|directrice|manager|presidente?|president|chair(?:man|woman)?|coordinat\w*|responsabile|segretari[oa]|secretary|secretario|secr[ée]taire|amministrativ\w*|administrat\w*|speaker|relatore|relatrice|ponente|moderat\w*|sindaco|mayor|ceo|cfo|sozialarbeiter(?:in)?|social\s+worker|registered\s+nurse|seelsorger(?:in)?|chaplain|interpreter|dolmetscher(?:in)?|porter|volunteer))(?-u:\b)")
    });
    let honorific = honorific && !role_after.is_match(after(text, e, 60));
    // `Dear Mr. Kowalczyk,` opens quotes, invoices and award letters as
    // well as patient letters: there the honorific is a cue only with the
    // reader's own care after it.
    let commerce = || {
        *asked
            .commerce
            .get_or_init(|| r.commerce.is_match(text) && !r.patient_billing.is_match(text))
    };
    // A newsletter or a shop's offer greets every reader by name: its
    // greeting is no patient's cue (`Sehr geehrter Herr Weber, testen Sie
    // unsere Hörgeräte … abbestellen`).
    // (A reminder service's `Unsubscribe from reminders` under the
    // reader's own visit still greets a patient.)
    let bulk = || {
        *asked.bulk.get_or_init(|| r.bulk_mail.is_match(text))
            && !uninvited_care(r, after(text, e, 400))
    };
    let cue = if honorific {
        !greeting() || (!bulk() && (!commerce() || readers_own_care(r, after(text, e, 400))))
    } else {
        r.cue_before.is_match(pre_line)
            // `Patient: Maria Aparecida dos Santos`: the span found starts
            // past a listed given name.
            || cue_past_given_name(r, pre_line, &r.cue_before)
            // A study's participant (`Participante: Maria …`).
            || ((r.participant.is_match(pre_line) || cue_past_given_name(r, pre_line, &r.participant))
                && study_participant(text, s))
            // `Claim 27/118842 Dara Mahoney - rotator cuff repair`: a
            // claim's or a case's number heads its person.
            || (claim_number_before(pre_line) && health_near(r, text, (s, e, text.len()), health, 80, &|| false))
            || r.donor_label.is_match(pre_line)
            // `the defendant, Rogelio Santiago-Baez` … `Defendant has
            // schizophrenia`: a party named by a role, told of by it.
            || role_told_again(pre_line, text, e, health)
            // A record's field (`Veteran: David A. Okonkwo`).
            || r.subject_field.is_match(pre_line)
            || grant_applicant(pre_line, text)
            || json_patient_key(pre_line)
            // A booking's traveller (`Passenger\tDolores Ybarra`) whose
            // own record block tells of care.
            || (trip_field(pre_line) && care_in_block(text, e, health))
            || (r.cue_after.is_match(post) && !possessive_of_work(post))
            // `Mark Ellery in finance (bowel cancer: surgery…)`.
            || (text[s..e].contains([' ', '\t']) && care_after_unit(r, text, e, health))
            // `1. Ruth Kane, 12/03/1950, COPD exacerbation`.
            || (text[s..e].contains([' ', '\t']) && dated_row(text, ls, s, e, health))
            // `Ramon Etxeberria, 67, COPD`; not `Patel, Anita, 12, ICU`.
            // (`Meet Priya, 34, from Leeds`: an advert's testimonial.)
            || (!text[s..e].contains(',')
                && r.record_bare_age.is_match(post)
                && !pre_line.trim_end().to_ascii_lowercase().ends_with("meet"))
            // A record's field after the name (`Eileen Crossley, NV2290145,`).
            || r.record_after.is_match(post)
            // A caller spelling their surname (`Daniel Ferreira,
            // F-E-R-R-E-I-R-A`).
            || spelled_after(&text[s..e], post)
            // `Kevin MacAllister (EVS) will be out - he had knee surgery`.
            || (text[s..e].contains([' ', '\t'])
                && (story_follows(r, text, e) || story_of_term(r, text, e, health)))
            // `Thandiwe Mahlangu … Thandiwe is 18 months out from her
            // double lung transplant`: the name, or its given name again,
            // opens a sentence about his or her own condition.
            || subject_of_own_term(text, s, e, health)
            // `Edna Farrow was taken into the General on Tuesday night`.
            || admitted_right_after(text, e)
            // A quote, a registration or a library notice greets its
            // reader by full name as well: with the reader's own care only.
            || (greeting()
                && !bulk()
                && greets_a_patient(r, text, s, e, health)
                && !trade_visit(r, after(text, e, 400))
                && (!commerce() || readers_own_care(r, after(text, e, 400))))
    };
    // `Sending over Rahul Bhatt for his DOT physical`, `Therapy session –
    // Hannah Goldberg`: the care itself right after or right before the
    // name is its cue.
    let cue = cue
        || care_for_them(r, text, e, health)
        || told_own_care(r, text, e, health)
        || event_after_name(r, text, e, health)
        || care_heads_line(text, ls, s, e)
        || ride_to_care(text, ls, s, e, health)
        || relation_in_brackets(text, s, e, health)
        || care_row(text, ls, s, e, health)
        || ((addressee_over_address(text, ls, s, e) || home_after(text, s, e)) && !commerce());
    // A greeted reader's care stands in the letter, not under its
    // closing: there the sender signs with their clinic's name (`Kind
    // regards, / Patient Enquiries Team / Aldwych Fertility Centre`).
    let until = if greeting() {
        r.closing
            .find(&text[e..])
            .map_or(text.len(), |m| e + m.start())
    } else {
        text.len()
    };
    let near = |reach: usize| {
        let health = &health[..health.partition_point(|h| h.0 < until)];
        health_near(r, text, (s, e, until), health, reach, &commerce)
    };
    let _ = pre;
    // A record's own field (`Student:     Bongani Ndlovu`) names whom the
    // whole letter is about: its fact may stand further down.
    let reach = if r.subject_field.is_match(pre_line) || grant_applicant(pre_line, text) {
        800
    } else {
        250
    };
    // A cue: high with a health fact within reach (250 bytes), else
    // medium; no cue: medium with one within 120 bytes, else low.
    // A name field's (`Name: Jordan Price`) record may list its facts a
    // few lines down.
    let loose = if name_field_before(text, s) { 250 } else { 120 };
    // `Caller: Omari Fenwick-Vasquez (Clinical Informatics)`: a colleague
    // named by her department, with no cue of care of her own.
    if !cue && department_after(text, e, health) {
        return Some(Confidence::Low);
    }
    // `Jane Cole was taken into the General on Sunday`: the admission to
    // a place of care is itself the care, whatever is named with it.
    if cue && !near(reach) && admitted_right_after(text, e) && admitted_to_a_place(text, e) {
        return Some(Confidence::High);
    }
    Some(match (cue, cue && near(reach), !cue && near(loose)) {
        (true, true, _) => Confidence::High,
        (true, false, _) | (false, _, true) => Confidence::Medium,
        _ => Confidence::Low,
    })
}

/// A party named by a role (`the defendant, `, `Claimant `) whose role
/// opens a sentence or a field within a few lines after the name, with
/// a health term right after it (`Defendant has schizophrenia`): told of
/// by the role, not someone else (`the victim suffered …`).
fn role_told_again(pre_line: &str, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static ROLE: OnceLock<Regex> = OnceLock::new();
    let Some(role) = ROLE
        .get_or_init(|| {
            re(r"(?i)(?-u:\b)(defendant|plaintiff|claimant|appellant|complainant|prisoner|offender|accused|respondent|applicant)\s*[:,]?\s*$")
        })
        .captures(pre_line)
        .and_then(|c| c.get(1))
    else {
        return false;
    };
    let role = role.as_str().to_ascii_lowercase();
    let end = ceil_boundary(text, (e + 400).min(text.len()));
    let after_name = &text[e..end];
    let lower = after_name.to_ascii_lowercase();
    lower.match_indices(&role).any(|(k, _)| {
        let before = lower[..k].trim_end_matches([' ', '\t']);
        // Only the whole word `the` goes (`The defendant has`), not the
        // end of `breathe`.
        let before = match before.strip_suffix("the") {
            Some(b) if b.is_empty() || b.ends_with(char::is_whitespace) => b,
            _ => before,
        };
        let opens = before
            .trim_end()
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '.' | ':' | '\n' | ';' | '-'));
        let rest = lower[k + role.len()..].strip_prefix(' ').unwrap_or("\0");
        let verb = [
            "has ", "had ", "is ", "was ", "suffers ", "takes ", "needs ", "uses ",
        ]
        .iter()
        .find(|v| rest.starts_with(**v));
        opens
            && verb.is_some_and(|v| {
                let from = e + k + role.len() + 1 + v.len();
                health.iter().any(|&(hs, _)| hs >= from && hs <= from + 60)
            })
    })
}

/// `Applicant: The Revd Anthony Baptiste` on a grant's or a hardship
/// fund's form, whose circumstances tell of the household's health; not
/// a job's applicant (a vacancy, an interview, a CV), whose experience
/// names wards and treatments.
fn grant_applicant(pre_line: &str, text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    static JOB: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let label = R.get_or_init(|| {
        re(r"(?i)(?-u:\b)applicant(?:'s)?(?:\s+name)?\s*[:\t]\s*(?:(?:the\s+)?(?:revd|rev|reverend|fr|pastor|imam|rabbi|mr|mrs|ms|miss|mx|dr)\.?\s+)?$")
    });
    if !label.is_match(pre_line) {
        return false;
    }
    let job = JOB.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "position",
                "vacancy",
                "vacancies",
                "interview",
                "shortlist",
                "curriculum",
                "resume",
                "résumé",
                " cv",
                "job",
                "recruit",
                "candidate",
                "role applied",
                "post applied",
                "hiring",
                "tenancy",
                "visa",
                "planning",
                "scholarship",
                "volunteer",
                "course:",
                "role:",
                "admission",
            ])
            .expect("built-in words compile")
    });
    let head = &text[..floor_boundary(text, 8 * 1024)];
    let lower = head.to_ascii_lowercase();
    !job.is_match(head)
        && [
            "grant",
            "hardship",
            "benevolent",
            "welfare fund",
            "relief fund",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Does the sentence after `e` name a place of care (`admitted to St
/// Brigid's hospice`, `taken into the General`, `rushed to A&E`)?
fn admitted_to_a_place(text: &str, e: usize) -> bool {
    let window = after(text, e, 96).to_ascii_lowercase();
    let sentence = window
        .split(['.', ';', '!', '?', '\n'])
        .next()
        .unwrap_or("");
    [
        "hospital",
        "hospice",
        "icu",
        "a&e",
        "general",
        "infirmary",
        "ward",
        "intensive care",
        "the er",
        "emergency",
        "sectioned",
        "intubated",
        "ventilated",
        "resuscitated",
    ]
    .iter()
    .any(|w| sentence.contains(w))
}

/// A record's key in JSON (`"client": "Agnes MacIsaac"`, `'patient':
/// '…'`) right before the name.
fn json_patient_key(pre_line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    pre_line.ends_with(['"', '\''])
        && R.get_or_init(|| {
            re(r#"(?i)["'](?:patient|client|resident|service_user)(?:_?name)?["']\s*:\s*["']$"#)
        })
        .is_match(pre_line)
}

/// `pre_line` without a cleric's title at its end (`pray for Fr `, `to
/// the Revd `). Not `Sister`: also a ward's senior nurse.
fn without_clergy_title(pre_line: &str) -> &str {
    static R: OnceLock<Regex> = OnceLock::new();
    if pre_line.len() < 3 {
        return pre_line;
    }
    R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:the\s+)?(?:fr|revd|rev|reverend|pastor|imam|rabbi|deacon|canon|bishop|elder|sheikh|swami|pandit)\.?\s+$")
    })
    .find(pre_line)
    .map_or(pre_line, |m| &pre_line[..m.start()])
}

/// One of the sick, the healed or the raised of scripture, named alone
/// (`Jairus's little daughter with her fever`, `Lazarus`): a sermon's
/// or a study's story, no one's care. Names still borne today (`Mary`,
/// `Peter`) are not here.
fn scripture_figure(name: &str) -> bool {
    const FIGURES: &[&str] = &[
        "jairus",
        "lazarus",
        "bartimaeus",
        "naaman",
        "hezekiah",
        "zacchaeus",
        "malchus",
        "epaphroditus",
        "trophimus",
        "aeneas",
        "dorcas",
        "tabitha",
        "mephibosheth",
        "jesus",
        "elisha",
        "elijah",
    ];
    let word = name
        .strip_suffix("'s")
        .or_else(|| name.strip_suffix("’s"))
        .unwrap_or(name);
    FIGURES.iter().any(|f| f.eq_ignore_ascii_case(word))
}

/// A line opening on a line-up's label (`Presenters:`, `Speakers:`,
/// `Faculty:`, `Panel:`), up to the name.
fn lineup_line(head: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^[ 	>*•-]*(?:presenters?|speakers?|faculty|panel|panell?ists?|trainers?|facilitators?|moderators?|hosts?|chairs?|tutors?|lecturers?|instructors?|judges|jury|authors?|contributors?|editors?)[ 	]*:")
    })
    .is_match(head)
}

/// `Attendees: Mr Tom Hale (Chair), Ms Kay Reid`, `Asistentes: D.ª Pilar
/// Ortega (Gerente)`: a meeting's people, unless the name's own item
/// tells of their health (`Apologies: Mr Tom Hale (in hospital after a
/// fall)`, `Present: Mrs Joan Reid (service user, vascular dementia)`).
fn attendance_line(head: &str, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    if memchr::memchr(b':', head.as_bytes()).is_none()
        || !R
            .get_or_init(|| {
                re(r"(?i)^[ \t>*•-]*(?:attendees|present|in\s+attendance|apologies|asistentes|ausentes|presentes|pr[ée]sents|excus[ée]s|anwesend|abwesend|teilnehmende|presenti|assenti|aanwezig|afwezig)[ \t]*:")
            })
            .is_match(head)
    {
        return false;
    }
    // The name's item: to the next comma or semicolon outside brackets.
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut end = e;
    while end < b.len() && end - e < 200 && b[end] != b'\n' {
        match b[end] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' | b';' if depth == 0 => break,
            _ => {}
        }
        end += 1;
    }
    !health_within(health, e, end)
}

/// `Claims go to the welfare officers: Mrs Bisi Adeyemi and Mr Emeka
/// Obi`: names listed after a plural staff role and its colon, on the
/// line and in the same sentence, are the staff's. Only a bare list of
/// names: a note to the staff about someone (`For the wardens: Mrs Ivy
/// Shaw in flat 12 is a wheelchair user`) tells of that one.
fn staff_listed_before(head: &str, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    // Asked of every judged name: the colon and the role first.
    if memchr::memchr(b':', head.as_bytes()).is_none()
        || !R
            .get_or_init(|| {
                re(r"(?i)(?-u:\b)(?:officers|caseworkers|case\s+workers|social\s+workers|case\s+managers|keyworkers|key\s+workers|wardens|advisers|advisors|trustees|coordinators|representatives|contacts)[ \t]*:[^.;:!?\n]*$")
            })
            .is_match(head)
    {
        return false;
    }
    // What follows the name to its sentence's end: more names, joined.
    let rest = &text[e..];
    let end = rest
        .find(['.', ';', '!', '?', '\n'])
        .unwrap_or(rest.len())
        .min(240);
    let end = floor_boundary(rest, end);
    let listed = rest[..end].split([',', '&']).all(|part| {
        let part = part.trim();
        let part = part.strip_prefix("and ").unwrap_or(part).trim();
        part.is_empty()
            || part
                .split_whitespace()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()) || w == "and")
    });
    listed && !health_within(health, e, e + end)
}

/// Does a health span start within `from..to`?
fn health_within(health: &[(usize, usize)], from: usize, to: usize) -> bool {
    let first = health.partition_point(|&(hs, _)| hs < from);
    health.get(first).is_some_and(|&(hs, _)| hs < to)
}

/// `We received the EEOC charge from Danielle Reyes`, `a grievance
/// lodged by Tom Hale`: the one who sent in a charge, claim, complaint or
/// request, not a doctor who wrote (`a letter from Dr Chen` keeps its
/// title). `word`: the cue before the name (`from`, `by`).
fn submitted_by(text: &str, s: usize, e: usize, word: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    if !(word.eq_ignore_ascii_case("from") || word.eq_ignore_ascii_case("by")) {
        return false;
    }
    let name = &text[s..e];
    let title = ["Dr", "DR", "Doctor", "Prof", "Professor"]
        .iter()
        .any(|t| name.starts_with(t) && name[t.len()..].starts_with(['.', ' ']));
    let ls = line_start(text, s);
    let head = &text[floor_boundary(text, ls.max(s.saturating_sub(120)))..s];
    !title
        && R.get_or_init(|| {
            re(r"(?i)(?-u:\b)(?:received|filed|lodged|brought|submitted|raised)\s+(?:[a-z0-9()-]+\s+){0,4}(?:from|by)\s+$|(?-u:\b)(?:charge|complaint|grievance|claim|appeal|request|application|statement|letter|e-?mail|message|note)\s+(?:\([^)\n]{0,30}\)\s+)?(?:received\s+)?(?:from|by)\s+$")
        })
        .is_match(head)
}

/// A clinician's or a carer's job among the words (`(practice nurse)`,
/// `, our physio,`).
fn clinical_role(words: &str) -> bool {
    words
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            [
                "nurse",
                "doctor",
                "gp",
                "physio",
                "physiotherapist",
                "consultant",
                "therapist",
                "surgeon",
                "midwife",
                "pharmacist",
                "dietitian",
                "dietician",
                "paramedic",
                "clinician",
                "practitioner",
                "registrar",
                "dentist",
                "hygienist",
                "optometrist",
                "psychologist",
                "counsellor",
                "counselor",
                "carer",
                "hca",
                "medic",
                "matron",
                "sister",
                "radiographer",
                "phlebotomist",
                "clinical",
                "medical",
                "health",
            ]
            .contains(&w)
        })
}

/// A booking's field naming its traveller (`Passenger:`, `Guest\t`).
fn trip_field(pre_line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^[ \t]*(?:passenger|traveller|traveler|guest|pax|passagier|passager|passag[èe]re|pasajer[oa]|passegger[oa]|passageir[oa]|pasa[żz]er(?:ka)?|cestuj[íi]c[íi]|resen[äa]r|yolcu)(?:\s+name)?(?:\s*:\s*|[ \t]*\t\s*)$")
    })
    .is_match(pre_line)
}

/// A health term in the record block after `e` (up to a blank line, at
/// most 400 bytes), on a line that tells of the person, not of what a
/// product offers (`your policy includes emergency medical treatment`,
/// `Topic: new research on type 1 diabetes`).
fn care_in_block(text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    let limit = ceil_boundary(text, (e + 400).min(text.len()));
    // The block runs on over blank lines between fields (an HTML
    // table's rows), to the first paragraph that is no field.
    static FIELD: OnceLock<Regex> = OnceLock::new();
    let field = FIELD.get_or_init(|| re(r"^[ \t]*\p{L}[\p{L} ]{0,30}(?:\t|:)"));
    let mut end = limit;
    let mut at = e;
    while let Some(k) = text[at..limit].find("\n\n") {
        let next = at + k + 2;
        if !field.is_match(text[next..limit].trim_start_matches(['\n', '\r'])) {
            end = at + k;
            break;
        }
        at = next;
    }
    let first = health.partition_point(|&(hs, _)| hs < e);
    health[first..]
        .iter()
        .take_while(|&&(hs, _)| hs < end)
        .any(|&(hs, _)| {
            let ls = line_start(text, hs);
            let le = text[hs..].find('\n').map_or(text.len(), |k| hs + k);
            let line = text[ls..le].to_ascii_lowercase();
            ![
                "your ",
                "includes",
                "include ",
                "required",
                "requirement",
                "topic",
                "talk",
                "session",
                "free ",
                "offer",
                "reminder",
                "insurance",
                "policy",
            ]
            .iter()
            .any(|w| line.contains(w))
        })
}

/// A department or a team in brackets right after a name, in capitals
/// (`(Clinical Informatics)`, `(IT Service Desk)`), with no health term
/// and no relation in it.
fn department_after(text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let dept = R.get_or_init(|| {
        re(r"^[ \t]*\((?:\p{Lu}[\p{L}&/-]*|and|of|&)(?:[ \t]+(?:\p{Lu}[\p{L}&/-]*|and|of|&)){0,4}\)")
    });
    let Some(m) = dept.find(after(text, e, 64)) else {
        return false;
    };
    let (bs, be) = (e + m.start(), e + m.end());
    let inner = m.as_str().to_ascii_lowercase();
    const DEPARTMENTS: &[&str] = &[
        "it",
        "hr",
        "finance",
        "informatics",
        "service",
        "desk",
        "helpdesk",
        "payroll",
        "facilities",
        "marketing",
        "sales",
        "legal",
        "compliance",
        "procurement",
        "operations",
        "admin",
        "administration",
        "accounts",
        "estates",
        "security",
        "engineering",
        "support",
        "digital",
        "applications",
        "apps",
        "infrastructure",
        "network",
        "networks",
        "communications",
        "comms",
        "quality",
        "audit",
        "purchasing",
        "development",
        "analytics",
        "data",
        "reporting",
        "systems",
        "ict",
    ];
    inner
        .split(|c: char| !c.is_alphanumeric())
        .any(|x| DEPARTMENTS.contains(&x))
        && !health.iter().any(|&(hs, he)| hs < be && bs < he)
        && ![
            "mum", "mom", "dad", "mother", "father", "son", "daughter", "wife", "husband", "self",
            "patient", "parent", "guardian",
        ]
        .iter()
        .any(|w| inner.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
}

/// `pre_line` ends in a listed given name with a patient cue before it
/// (`Participante: Maria `).
fn cue_past_given_name(r: &Res, pre_line: &str, cue: &Regex) -> bool {
    let head = pre_line.trim_end_matches([' ', '\t']);
    if head.len() == pre_line.len() {
        return false;
    }
    let ws = head.rfind(|c: char| !c.is_alphabetic()).map_or(0, |k| {
        k + head[k..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &head[ws..];
    !word.is_empty()
        && capitalised(word.as_bytes())
        && r.flags(word.as_bytes()) & (FIRST_NAME | GENERIC | INSTITUTION) == FIRST_NAME
        && cue.is_match(&head[..ws])
}

/// A handover's or a discharge list's row: the name opens the line (past
/// a list number or a bullet), a birth date of an earlier year follows
/// it, and a health term, no specialty, stands later on the line
/// (`1. Ruth Kane, 12/03/1950, COPD exacerbation`, `Susan Ward
/// 02.10.1960 – cellulitis R leg`).
fn dated_row(text: &str, ls: usize, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    static DATE: OnceLock<Regex> = OnceLock::new();
    let marker = MARKER.get_or_init(|| re(r"^[ \t]*(?:[0-9]{1,3}[.)]|[-*•·])?[ \t]*$"));
    if !marker.is_match(&text[ls..s]) {
        return false;
    }
    let date = DATE.get_or_init(|| {
        re(r"^[ \t]*[,(–-]?[ \t]*(?:[0-3]?[0-9][/.][01]?[0-9][/.]((?:19|20)[0-9]{2})|((?:19|20)[0-9]{2})-[01][0-9]-[0-3][0-9])[ \t]*(?:[,;)–-]|[ \t])")
    });
    let post = after(text, e, 40);
    let Some(c) = date.captures(post) else {
        return false;
    };
    let year: i32 = c
        .get(1)
        .or_else(|| c.get(2))
        .and_then(|y| y.as_str().parse().ok())
        .unwrap_or(0);
    let now = super::dates::this_year();
    if !(now - 110..now).contains(&year) {
        return false;
    }
    let at = e + c.get(0).map_or(0, |m| m.end());
    let le = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |k| at + k);
    let first = health.partition_point(|&(hs, _)| hs < at);
    health[first..]
        .iter()
        .take_while(|&&(hs, _)| hs < le)
        .any(|&(hs, he)| {
            let t = text[hs..he].to_ascii_lowercase();
            // Not a project, a team or a post named by the term (`COPD
            // Outreach Project lead`, a contract's start date).
            let named_by_term = is_specialty(&t)
                || ["outpatients", "ward", "unit", "clinic"]
                    .iter()
                    .any(|x| t.ends_with(x));
            !named_by_term
                && !topic_after(text, he)
                && !after(text, he, 40)
                    .split([',', ';', '\n'])
                    .next()
                    .is_some_and(|rest| {
                        rest.split_whitespace().any(|w| {
                            matches!(
                                w.to_ascii_lowercase().as_str(),
                                "project"
                                    | "programme"
                                    | "program"
                                    | "lead"
                                    | "team"
                                    | "service"
                                    | "pathway"
                                    | "coordinator"
                                    | "manager"
                                    | "nurse"
                                    | "specialist"
                                    | "champion"
                            )
                        })
                    })
        })
}

/// A research study's participant, not a course's or an event's: study
/// words within 400 bytes of `s`, and no event's.
fn study_participant(text: &str, s: usize) -> bool {
    static STUDY: OnceLock<Regex> = OnceLock::new();
    static EVENT: OnceLock<Regex> = OnceLock::new();
    let lo = floor_boundary(text, s.saturating_sub(400));
    let hi = floor_boundary(text, (s + 400).min(text.len()));
    let w = &text[lo..hi];
    STUDY
        .get_or_init(|| {
            re(r"(?i)(?-u:\b)(?:study|studies|trial|estudo|estudio|studie|[ée]tude|protocol[oe]?|randomi[sz]\w*|consent\w*|enrol+\w*|study\s+arm|subject\s+id|screening\s+(?:no|number|id)|epro|crf|ecrf|irb|cep|ethics)(?-u:\b)")
        })
        .is_match(w)
        && !EVENT
            .get_or_init(|| {
                re(r"(?i)(?-u:\b)(?:webinar|workshop|session|course|kurs|panel\w*|seminar|masterclass|conference|congress|training|fortbildung|schulung|lecture|registration|badge|speaker|certificate)(?-u:\b)")
            })
            .is_match(w)
}

/// Words that may stand between `his`/`her` and a condition that is
/// their own (`her double lung transplant`, `his recent knee surgery`);
/// any other word makes it their work or view (`her views on epilepsy`,
/// `her previous trust's stroke pathway`).
const OWN_MODIFIERS: &[&str] = &[
    "double",
    "single",
    "new",
    "recent",
    "latest",
    "first",
    "second",
    "third",
    "last",
    "next",
    "upcoming",
    "planned",
    "emergency",
    "ongoing",
    "chronic",
    "severe",
    "mild",
    "acute",
    "left",
    "right",
    "knee",
    "hip",
    "back",
    "lung",
    "heart",
    "kidney",
    "liver",
    "breast",
    "shoulder",
    "ankle",
    "wrist",
    "spinal",
    "bowel",
    "skin",
    "eye",
    "cataract",
    "bypass",
    "stem",
    "cell",
    "post-op",
    "annual",
    "routine",
    "follow-up",
    "type",
    "1",
    "2",
    "occasional",
    "frequent",
    "moderate",
    "progressive",
    "bilateral",
    "profound",
    "partial",
    "complete",
    "incomplete",
];

/// The name at `s..e`, or its given name standing alone again within
/// 1,200 bytes, opens a sentence (`is`, `was`, `has`…) that tells of his
/// or her own condition within 120 bytes and before the sentence ends
/// (`Thandiwe is 18 months out from her double lung transplant`).
fn subject_of_own_term(text: &str, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    if health.is_empty() {
        return false;
    }
    let b = text.as_bytes();
    let given_end = s + text[s..e].find([' ', '\t']).unwrap_or(e - s);
    let given = &text[s..given_end];
    // `strict`: after a pronoun, the term must end its phrase in both
    // readings (`She is starting her cancer immunology PhD`).
    let opens_own_sentence = |at: usize, strict: bool| {
        let window = after(text, at, 120);
        let rest = window.trim_start_matches([' ', '\t']);
        // A class, a team or a code in brackets after the name (`Liam
        // Desrochers (U11 AA) broke his wrist`), not a role or a
        // specialty (`(Endocrinology)`).
        let rest = rest
            .strip_prefix('(')
            .and_then(|r| r.find(')').map(|k| (&r[..k], &r[k + 1..])))
            .filter(|(code, _)| {
                code.len() <= 20
                    && !code.is_empty()
                    && (code.bytes().any(|c| c.is_ascii_digit())
                        || code.bytes().all(|c| c.is_ascii_uppercase() || c == b' '))
            })
            .map_or(rest, |(_, r)| r.trim_start_matches([' ', '\t']));
        // `Jane Cole, who has motor neurone disease, needs …`: the
        // relative clause tells of the name as its sentence would.
        let rest = rest
            .strip_prefix(", who ")
            .or_else(|| rest.strip_prefix(" who "))
            .unwrap_or(rest);
        let lower = rest.to_ascii_lowercase();
        // `He has dysarthria and dysphagia experience`: a colleague's work.
        let sentence = lower.split(['.', '!', '?', '\n']).next().unwrap_or("");
        if strict
            && sentence.split(|c: char| !c.is_alphanumeric()).any(|w| {
                matches!(
                    w,
                    "experience"
                        | "expertise"
                        | "research"
                        | "interest"
                        | "interests"
                        | "background"
                        | "training"
                        | "specialist"
                        | "clinic"
                        | "clinics"
                        | "service"
                        | "team"
                        | "led"
                        | "leads"
                        | "taught"
                        | "teaches"
                        | "published"
                        | "caseload"
                )
            })
        {
            return false;
        }
        const VERBS: &[&str] = &[
            "is ",
            "was ",
            "has ",
            "had ",
            "'s ",
            "’s ",
            "will ",
            "needs ",
            "just ",
            "recently ",
            "went ",
            "came ",
            "got ",
            "started ",
            "finished ",
            "missed ",
            "can't ",
            "cannot ",
            "won't ",
            "still ",
            "remains ",
            "continues ",
            "talks about ",
            "talked about ",
            "spoke about ",
            "speaks about ",
            "opened up about ",
            "mentioned ",
            "mentions ",
            "said ",
            "says ",
            "told ",
            "takes ",
            "took ",
            "suffers ",
            "suffered ",
            "lives ",
            "developed ",
            // An injury's own verb opens its term (`broke his wrist`).
            "broke ",
            "fractured ",
            "sprained ",
            "dislocated ",
            "tore ",
            "ruptured ",
            "strained ",
            "pulled ",
            "injured ",
            "hurt ",
            "rolled ",
            "twisted ",
            "cracked ",
            "chipped ",
            "knocked out ",
            // The same in other languages (`Tomás declaró que tiene`,
            // `Marek ma`, `Marie souffre`).
            "tiene ",
            "tenía ",
            "tuvo ",
            "padece ",
            "sufre ",
            "toma ",
            "declaró ",
            "dijo ",
            "comentó ",
            "hat ",
            "hatte ",
            "leidet ",
            "a ",
            "avait ",
            "souffre ",
            "ha ",
            "aveva ",
            "soffre ",
            "tem ",
            "tinha ",
            "sofre ",
            "heeft ",
            "ma ",
            "choruje ",
        ];
        if !VERBS.iter().any(|v| lower.starts_with(v)) {
            return false;
        }
        let stop = rest
            .find([';', '!', '?', '\n'])
            .into_iter()
            .chain(rest.find(". "))
            .min()
            .unwrap_or(rest.len());
        let (from, to) = (
            at + (window.len() - rest.len()),
            at + (window.len() - rest.len()) + stop,
        );
        let first = health.partition_point(|&(hs, _)| hs < from);
        health[first..]
            .iter()
            .take_while(|&&(hs, _)| hs < to)
            .any(|&(hs, he)| {
                let head = text[from..hs].to_ascii_lowercase();
                // The term opens on the sentence's verb itself (`broke his
                // wrist`, `has shingles`).
                if head.is_empty() && !cause_or_event_after(text, he) {
                    return true;
                }
                if own_by_verb(&head) && !cause_or_event_after(text, he) && !topic_after(text, he) {
                    return true;
                }
                let Some(p) = head.rfind(" her ").or_else(|| head.rfind(" his ")) else {
                    return false;
                };
                let between: Vec<&str> = head[p + 5..].split_whitespace().collect();
                between.len() <= 2
                    && between.iter().all(|w| OWN_MODIFIERS.contains(w))
                    && !cause_or_event_after(text, he)
                    && !(strict && topic_after(text, he))
            })
    };
    if opens_own_sentence(e, false) {
        return true;
    }
    // `this is Rodney Fairbanks, case 27-004411. He still has focal
    // seizures`: the next sentence's pronoun is the name's.
    if let Some(p) = pronoun_opens_next_sentence(text, e)
        && opens_own_sentence(p, true)
    {
        return true;
    }
    if given_end == e || given.len() < 3 {
        return false;
    }
    let limit = floor_boundary(text, (e + 1200).min(text.len()));
    let mut from = e;
    while let Some(k) = memchr::memmem::find(&b[from..limit], given.as_bytes()) {
        let at = from + k;
        let end = at + given.len();
        let whole = (at == 0 || !is_word(b[at - 1])) && (end >= b.len() || !is_word(b[end]));
        // `Thandiwe Mahlangu` again is the full name's own turn.
        let alone = !next_word(b, end).is_some_and(|(s2, e2)| {
            capitalised(&b[s2..e2]) && b[end..s2].iter().all(|c| *c == b' ')
        });
        if whole && alone && opens_own_sentence(end, false) {
            return true;
        }
        from = end;
    }
    false
}

/// The end of `He` or `She` opening the sentence after the one the name
/// ending at `e` stands in, when that sentence is short (an
/// introduction, not a paragraph about other things).
fn pronoun_opens_next_sentence(text: &str, e: usize) -> Option<usize> {
    let window = after(text, e, 160);
    // One line break at most: a new paragraph is a new subject.
    let window = match window.match_indices('\n').nth(1) {
        Some((k, _)) => &window[..k],
        None => window,
    };
    // Any stop (`A. Whitcombe).` holds an initial's) right before it.
    window
        .match_indices(['.', '!', '?', '\n'])
        .find_map(|(k, _)| {
            let rest = &window[k + 1..];
            let next = rest.trim_start_matches([' ', '\t', '\r', '\n', ')']);
            ["He ", "She "]
                .iter()
                .find(|p| next.starts_with(**p))
                .map(|p| e + k + 1 + (rest.len() - next.len()) + p.len() - 1)
        })
}

/// Verbs after which a term is the subject's own with no possessive
/// (`Anna has asthma`, `Tomás tiene hipertensión`, `Marek ma cukrzycę`,
/// `Marie souffre d'asthme`).
const OWN_VERBS: &[&str] = &[
    "has",
    "had",
    "takes",
    "took",
    "suffers",
    "suffered",
    "developed",
    "living",
    "lives",
    "tiene",
    "tenía",
    "tuvo",
    "padece",
    "sufre",
    "toma",
    "tomaba",
    "hat",
    "hatte",
    "leidet",
    "a",
    "avait",
    "souffre",
    "prend",
    "ha",
    "aveva",
    "soffre",
    "prende",
    "tem",
    "tinha",
    "sofre",
    "heeft",
    "ma",
    "miał",
    "miała",
    "choruje",
];

/// Words that may stand between a sentence's first verb and the own verb
/// (`declaró que tiene`, `said she has`, `says he also has`).
const OWN_LINKS: &[&str] = &[
    "said", "says", "told", "us", "me", "que", "that", "he", "she", "él", "ella", "also", "too",
    "también", "ya", "already", "still", "todavía", "declaró", "dijo", "comentó", "dass", "er",
    "sie", "auch", "qu'il", "qu'elle", "il", "elle", "aussi", "che", "anche", "ele", "ela", "dat",
    "hij", "zij", "ook", "że", "has", "is", "been",
];

/// What an own verb takes before its term (`has a`, `leidet an`,
/// `souffre d'`, `soffre di`, `choruje na`).
const OWN_ARTICLES: &[&str] = &[
    "a", "an", "un", "una", "une", "de", "d'", "du", "des", "di", "na", "een", "ein", "eine",
    "einen", "einer", "la", "el", "le", "from", "with",
];

/// The term does not end its phrase: another word follows it that is no
/// joining word (`has a diabetes grant report`, `takes insulin pump
/// orders`, `tiene asma infantil como línea`): a topic or goods, not
/// someone's condition (`has asthma and eczema`, `has diabetes type 2`
/// end theirs).
fn topic_after(text: &str, he: usize) -> bool {
    const JOINING: &[&str] = &[
        "and",
        "or",
        "but",
        "since",
        "for",
        "in",
        "at",
        "on",
        "after",
        "before",
        "again",
        "last",
        "this",
        "today",
        "yesterday",
        "now",
        "still",
        "too",
        "as",
        "with",
        "from",
        "so",
        "which",
        "that",
        "type",
        "y",
        "e",
        "et",
        "und",
        "i",
        "di",
        "o",
        "ou",
        "oder",
        "seit",
        "desde",
        "depuis",
        "od",
        "da",
        "dal",
        "tipo",
        "typ",
        "typu",
        "que",
        "qui",
        "die",
        "der",
        "das",
        "en",
        "och",
        "og",
        "og",
        "en",
        "el",
        "la",
        "le",
        "les",
        "sedan",
        "siden",
        "van",
        "von",
        "vom",
        "fra",
        "från",
        "sinds",
        "voor",
        "på",
        "efter",
        "etter",
        // A Scandinavian reflexive possessive after its noun
        // (`kneoperasjonen sin`).
        // Romance and Slavic prepositions inside a condition's name
        // (`cancer du sein`, `cáncer de mama`, `zapalenie w …`).
        "de",
        "du",
        "des",
        "del",
        "della",
        "dei",
        "delle",
        "do",
        "dos",
        "na",
        "w",
        "z",
        "ze",
        "sin",
        "sitt",
        "sine",
        "sina",
        "sit",
    ];
    let w = after(text, he, 32);
    // Punctuation or the line's end closes the phrase.
    if !w.starts_with([' ', '\t']) {
        return false;
    }
    let word: String = w
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    !word.is_empty()
        && !word.chars().all(|c| c.is_ascii_digit())
        && !JOINING.contains(&word.as_str())
}

/// `head` (lower case) runs from a sentence's first verb to a term, and
/// the term is the subject's own by its verb alone: the last words are
/// an own verb with at most two articles or modifiers after it, and only
/// linking words before it (`has`, `declaró que tiene una`).
fn own_by_verb(head: &str) -> bool {
    let words: Vec<&str> = head.split_whitespace().collect();
    let n = words.len();
    if n == 0 {
        return false;
    }
    (0..=2.min(n - 1)).any(|k| {
        let v = n - 1 - k;
        OWN_VERBS.contains(&words[v])
            && words[v + 1..]
                .iter()
                .all(|w| OWN_ARTICLES.contains(w) || OWN_MODIFIERS.contains(w))
            && words[..v].iter().all(|w| OWN_LINKS.contains(w))
    })
}

/// `Benedict's interests are hypertrophic cardiomyopathy`, `Helena's
/// clinic`: a possessive of someone's work, not of their care.
fn possessive_of_work(post: &str) -> bool {
    let Some(rest) = post.strip_prefix("'s").or_else(|| post.strip_prefix("’s")) else {
        return false;
    };
    let word: String = rest
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    matches!(
        word.as_str(),
        "interests"
            | "interest"
            | "research"
            | "expertise"
            | "specialty"
            | "speciality"
            | "specialities"
            | "specialties"
            | "clinic"
            | "clinics"
            | "team"
            | "patients"
            | "practice"
            | "talk"
            | "lecture"
            | "presentation"
            | "book"
            | "memoir"
            | "lab"
            | "group"
            | "study"
            | "career"
            | "role"
            | "job"
            | "paper"
            | "caseload"
    )
}

/// The name's last word spelled out letter by letter right after it.
fn spelled_after(name: &str, post: &str) -> bool {
    let Some(last) = name.rsplit([' ', '\t', ',']).find(|w| w.len() >= 3) else {
        return false;
    };
    let rest = post.trim_start_matches([' ', '\t', ',', ':']);
    let letters: String = rest
        .chars()
        .take(2 * last.len() + 1)
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    let separated = rest
        .chars()
        .nth(1)
        .is_some_and(|c| matches!(c, '-' | ' ' | '.'));
    separated
        && letters.eq_ignore_ascii_case(last)
        && rest.starts_with(|c: char| c.is_ascii_uppercase())
}

/// A home's street address right after a person's name (`Ezra
/// Lindqvist, 44 Birch Ln (side door)`); not a venue's (`First Lutheran
/// Church, 410 Harbor St`).
fn home_after(text: &str, s: usize, e: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let street = R.get_or_init(|| {
        re(r"(?i)^[ \t]*,[ \t]*[0-9]{1,6}[ \t]+[a-z]+[ \t]+(?:st|street|ave|avenue|rd|road|ln|lane|dr|drive|ct|court|blvd|way|pl|place|ter|terrace|cir|circle)(?-u:\b)")
    });
    let last = text[s..e].rsplit([' ', '\t']).next().unwrap_or("");
    let venue = [
        "church", "hall", "center", "centre", "school", "library", "hotel", "park", "hospice",
        "clinic", "hospital",
    ]
    .iter()
    .any(|v| last.eq_ignore_ascii_case(v));
    !venue && street.is_match(after(text, e, 48))
}

/// A letter's or a statement's addressee: the name alone on its line and
/// a street address on the next (`ROSALIND BEAUMONT` over `2219 SYCAMORE
/// CT`, `PO Box 118`).
fn addressee_over_address(text: &str, ls: usize, s: usize, e: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let street = R.get_or_init(|| {
        re(r"^[ \t]*(?:[0-9]{1,6}[A-Za-z]?[ \t]+\p{L}{2,}|(?i:p\.?[ \t]?o\.?[ \t]+box)[ \t]+[0-9])")
    });
    if !text[ls..s].trim().is_empty() || !line_rest_blank(text, e) {
        return false;
    }
    let b = text.as_bytes();
    let Some(nl) = memchr::memchr(b'\n', &b[e..]) else {
        return false;
    };
    street.is_match(after(text, e + nl + 1, 48))
}

/// `Marisol Etsitty (Warehouse, 2nd shift) - Crohn's disease; requests…`:
/// a row of a case list, the name opening its line (`ls`: the line's
/// start), a dash or a colon, and a condition right after it that ends
/// its clause. (A talk's title after a speaker goes on: `Sam Patel -
/// Diabetes management in 2025`.)
fn care_row(text: &str, ls: usize, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    let b = text.as_bytes();
    // Only a bullet or a number before the name (`- `, `•`, `3.`).
    let lead = text[ls..s].trim_matches([' ', '\t', '-', '*', '•', '·']);
    let numbered = lead
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
    if !lead.is_empty() && !numbered {
        return false;
    }
    let mut p = e;
    let skip_blanks = |p: &mut usize| {
        while matches!(b.get(*p), Some(b' ' | b'\t')) {
            *p += 1;
        }
    };
    skip_blanks(&mut p);
    if b.get(p) == Some(&b'(') {
        match memchr::memchr(b')', &b[p..b.len().min(p + 42)]) {
            Some(i) if !b[p..p + i].contains(&b'\n') => p += i + 1,
            _ => return false,
        }
        skip_blanks(&mut p);
    }
    let rest = &text[p..];
    let Some(after_dash) = ["-", "–", "—", ":"]
        .iter()
        .find_map(|d| rest.strip_prefix(d))
    else {
        return false;
    };
    let from = p + (rest.len() - after_dash.len());
    let from = from + (after_dash.len() - after_dash.trim_start_matches([' ', '\t']).len());
    let i = health.partition_point(|&(hs, _)| hs < from);
    health.get(i).is_some_and(|&(hs, he)| {
        // A prefix joined to the term (`post-concussion`), or a few words
        // that grade or place it (`grade 2 hamstring tear`, `ankle
        // sprain`), none of them a role's or a topic's (`lead for
        // diabetes`, `talk on asthma`).
        let gap = &text[from..hs];
        // (Words between only after a full name: `Case: treatment-resistant
        // depression` heads a slide.)
        let full_name = text[s..e].trim().contains([' ', '\t']);
        let modifiers_only = gap.len() <= 8 && !gap.contains(char::is_whitespace)
            || full_name
                && gap.len() <= 32
                && gap.split_whitespace().count() <= 3
                && !gap.contains(['.', ',', ';', ':', '\n'])
                && gap.split_whitespace().all(|w| {
                    let w = w.trim_matches(['(', ')', '-']).to_ascii_lowercase();
                    !ROW_GAP_STOPS.contains(&w.as_str())
                });
        let term = &text[hs..he];
        // `Cardiology 08:00-17:00`: a specialty on a rota's line, not a
        // person's condition.
        // (`iatrics`, not `ics`: `urodynamics 14/03` is a test booked.)
        let specialty = ["ology", "iatry", "iatrics", "medicine", "surgery"]
            .iter()
            .any(|x| term.to_ascii_lowercase().ends_with(x));
        let rest = &b[he..];
        modifiers_only
            && (matches!(
                b.get(he),
                None | Some(b';' | b',' | b'.' | b')' | b'\n' | b'\r')
            // A test and what it found (`Name - MRI shows a medial
            // meniscus tear`, `Name - biopsy came back positive`).
            ) || [" after ", " since ", " with "]
                .iter()
                .any(|w| rest.starts_with(w.as_bytes()))
                || test_and_finding(text, he, health)
                // `concussion 01/03`, `ACL reconstruction (L) 14/01`.
                || (!specialty && dated_or_sided(rest)))
    })
}

/// After a test at `he`, what it found: `shows`/`showed`/`revealed`/
/// `confirmed` and a health term within four words on the line (`MRI
/// shows medial meniscus tear`), or `came back` and a result
/// (`biopsy came back positive`); not `MRI shows promise for…`.
fn test_and_finding(text: &str, he: usize, health: &[(usize, usize)]) -> bool {
    let rest = &text[he..];
    if [
        "came back positive",
        "came back negative",
        "came back abnormal",
    ]
    .iter()
    .any(|w| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(w)))
    {
        return true;
    }
    let Some(verb) = [
        " shows ",
        " showed ",
        " revealed ",
        " confirms ",
        " confirmed ",
    ]
    .iter()
    .find(|w| rest.starts_with(*w)) else {
        return false;
    };
    let from = he + verb.len();
    let line_end = text[from..].find('\n').map_or(text.len(), |k| from + k);
    let i = health.partition_point(|&(hs, _)| hs < from);
    health.get(i).is_some_and(|&(hs, _)| {
        let gap = &text[from..hs];
        hs < line_end
            && gap.split_whitespace().count() <= 4
            && !gap.split_whitespace().any(|w| {
                matches!(
                    w.to_ascii_lowercase().as_str(),
                    "promise"
                        | "up"
                        | "how"
                        | "that"
                        | "what"
                        | "potential"
                        | "benefit"
                        | "value"
                        | "improvement"
                        | "improvements"
                        | "trends"
                        | "data"
                )
            })
    })
}

/// After a row's health term: a side in brackets (`(L)`, `(right)`), a
/// date (`01/03`, `14.01.`), not a time or a role
/// (`Asthma 10:30`, `asthma (guest speaker)`: an agenda's line).
fn dated_or_sided(rest: &[u8]) -> bool {
    if let Some(q) = rest.strip_prefix(b" (") {
        let end = q
            .iter()
            .position(|&c| c == b')' || c == b'\n')
            .unwrap_or(q.len());
        let inner = String::from_utf8_lossy(&q[..end]).to_ascii_lowercase();
        // A side first (`(L)`, `(R biceps femoris)`), or a date.
        let side = inner.split_whitespace().next().is_some_and(|w| {
            matches!(
                w,
                "l" | "r"
                    | "lt"
                    | "rt"
                    | "left"
                    | "right"
                    | "bilateral"
                    | "links"
                    | "rechts"
                    | "izq"
                    | "der"
                    | "dx"
                    | "sx"
                    | "sin"
                    | "g"
                    | "d"
            )
        });
        let dated = inner.bytes().any(|c| c.is_ascii_digit());
        return inner.len() <= 24
            && !inner.contains(':')
            && (side || dated)
            && !inner
                .split_whitespace()
                .any(|w| ROW_GAP_STOPS.contains(&w) || AGENDA_ROLES.contains(&w));
    }
    let Some(q) = rest.strip_prefix(b" ") else {
        return false;
    };
    // `root canal UL6`: a tooth, in Palmer notation, is a side.
    if matches!(q.get(..2), Some(b"UL" | b"UR" | b"LL" | b"LR"))
        && q.get(2).is_some_and(|c| (b'1'..=b'8').contains(c))
        && !q.get(3).is_some_and(|&c| is_word(c))
    {
        return true;
    }
    // `RCT UL6 Fri 8.40`: a day and a time, as a booking is written.
    let word = q.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if word >= 3
        && weekday(&q[..word])
        && q.get(word) == Some(&b' ')
        && q.get(word + 1).is_some_and(u8::is_ascii_digit)
    {
        return true;
    }
    let digits = q.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=4).contains(&digits)
        && matches!(q.get(digits), Some(b'/' | b'.' | b'-'))
        && q.get(digits + 1).is_some_and(u8::is_ascii_digit)
}

/// Roles in brackets after an agenda's or a rota's topic.
const AGENDA_ROLES: &[&str] = &[
    "ponente",
    "relatore",
    "relatrice",
    "intervenant",
    "referent",
    "tbc",
    "tba",
    "zoom",
    "teams",
    "speaker",
    "chair",
    "host",
    "moderator",
    "presenter",
    "facilitator",
    "keynote",
    "panel",
    "panellist",
    "panelist",
    "sponsor",
    "organiser",
    "organizer",
    "webinar",
    "workshop",
    "online",
    "room",
    "hall",
];

/// Words between a row's dash and its health term that make the term a
/// role's, a topic's or a service's (`Sam Patel - lead for diabetes`).
const ROW_GAP_STOPS: &[&str] = &[
    "with",
    "living",
    "de",
    "del",
    "la",
    "el",
    "con",
    "para",
    "sobre",
    "di",
    "per",
    "von",
    "für",
    "mit",
    "und",
    "et",
    "pour",
    "avec",
    "en",
    "van",
    "met",
    "voor",
    "och",
    "med",
    "för",
    "consulta",
    "for",
    "on",
    "of",
    "and",
    "the",
    "a",
    "an",
    "to",
    "in",
    "at",
    "about",
    "by",
    "from",
    "lead",
    "talk",
    "team",
    "clinic",
    "nurse",
    "service",
    "services",
    "awareness",
    "speaker",
    "session",
    "course",
    "training",
    "champion",
    "educator",
    "specialist",
    "project",
    "research",
    "group",
    "runs",
    "covers",
    "manages",
    "teaches",
    "presents",
    "chairs",
    "leads",
];

/// Times of day after `Fr.` (Freitag): `Fr. Nachmittag`.
const DAY_TIMES: &[&[u8]] = &[
    b"Nachmittag",
    b"Vormittag",
    b"Morgen",
    b"Abend",
    b"Mittag",
    b"Nacht",
    "Früh".as_bytes(),
];

/// Does `text` read as German (its commonest small words; not `die`,
/// which is English too)?
fn german_words(text: &str) -> bool {
    [
        " und ", " der ", " das ", " mit ", " nach ", " nicht ", " heute ", " ist ",
    ]
    .iter()
    .any(|w| memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some())
}

/// A word that stands for a name: HL7's sample families, sample forms'
/// and exercises' placeholders, and test patients' `ZZ` names
/// (`ZZZTEST, LABONE`) and `Test` surnames (`Sig. Mario Test`, `Mr Test`).
fn placeholder_name(w: &str) -> bool {
    super::hl7::spec_sample_family(w)
        || PLACEHOLDER_NAMES.iter().any(|p| w.eq_ignore_ascii_case(p))
        || (w.len() >= 4 && w.as_bytes()[..2].eq_ignore_ascii_case(b"zz"))
}

/// Words that stand for a name on sample forms and in exercises.
const PLACEHOLDER_NAMES: &[&str] = &[
    "example",
    "sample",
    "placeholder",
    "specimen",
    "dummy",
    "test",
    "testpatient",
    "testperson",
    "fictitious",
    "lastname",
    "firstname",
];

/// `for his DOT physical`, `to get her flu shot`, `had her
/// mastectomy`: right after the name,
/// a possessive whose care (a listed term) follows within a few words.
fn care_for_them(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    let post = after(text, e, 24).as_bytes();
    let starts = |l: &&&[u8]| post.len() >= l.len() && post[..l.len()].eq_ignore_ascii_case(l);
    // English leads allow a few words before the term (`had her left
    // knee replaced`); the other languages' has/had allow two, none of
    // them a topic word or a past participle (`hat den Vortrag über
    // Diabetes gehalten`, `ha presentato il libro sul diabete`).
    let (lead, english) = match ENGLISH_CARE_LEADS.iter().find(starts) {
        Some(l) => (l, true),
        None => match OTHER_CARE_LEADS.iter().find(starts) {
            Some(l) => (l, false),
            None => return false,
        },
    };
    // The term starts within three words after the possessive.
    let from = e + lead.len();
    let i = health.partition_point(|&(hs, _)| hs < from);
    // `for her cancer research grant`, `for his diabetes education
    // webinar`: a programme or a thing named by the term.
    health.get(i).is_some_and(|&(hs, he)| {
        !r.not_own.is_match(after(text, he, 24))
            && hs - from <= 48
            && text.get(from..hs).is_some_and(|gap| {
                gap.split_whitespace().count() <= if english { 6 } else { 2 }
                    && !gap.contains(['.', '\n'])
                    && (english || !gap.split_whitespace().any(topic_or_participle))
            })
    })
}

/// `My details:` over `Name: Hollie Brannigan`: the writer gives her own
/// name in a field under her own words.
fn own_details_field(text: &str, ls: usize, s: usize) -> bool {
    let field = text[ls..s].trim().to_ascii_lowercase();
    if !matches!(
        field.as_str(),
        "name:" | "full name:" | "name :" | "passenger name:"
    ) {
        return false;
    }
    let above = text[floor_boundary(text, ls.saturating_sub(160))..ls].to_ascii_lowercase();
    [
        "my details",
        "my contact details",
        "my booking details",
        "my information",
        "my info",
        "here are my",
        "about me:",
    ]
    .iter()
    .any(|w| above.contains(w))
}

/// `Walter Brennan told us about his sleep apnea`, `… said she has been
/// on insulin since May`: a name whose own speech, right after it, tells
/// of his or her own care (a possessive or a pronoun with its verb, a few
/// words at most before a listed term). Not a spokesperson's (`said her
/// team runs the diabetes clinic`, `told the BBC`).
fn told_own_care(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    static SPEECH: OnceLock<Regex> = OnceLock::new();
    let speech = SPEECH.get_or_init(|| {
        re(r"(?i)^[ \t]*,?[ \t]+(?:about|regarding|concerning|(?:told|tells|said|says|mentioned|explained|confirmed|emailed|called|rang|phoned|texted|messaged|let[ \t]+(?:us|me)[ \t]+know)(?:[ \t]+(?:us|me|you|him|her|them|everyone|(?:my|our|the)[ \t]+(?:team|nurse|nurses|doctor|gp|desk|front[ \t]+desk|office|clinic|ward|staff|driver|manager|supervisor|receptionist|pharmacist|carer|teacher|coach)))?(?:[ \t]+(?:today|yesterday|earlier|this[ \t]+morning|last[ \t]+(?:week|night)|on[ \t]+[a-z]+day))?[ \t]*,?(?:[ \t]+(?:that|about|how))?)[ \t]+")
    });
    static OWN: OnceLock<Regex> = OnceLock::new();
    let own = OWN.get_or_init(|| {
        re(r"(?i)^(?:(?:his|her|their)[ \t]+|(?:he|she|they|who)(?:['’](?:s|d|ve)[ \t]+|[ \t]+(?:has|had|have|is|was|were|got|gets|needs|needed|takes|took|suffers[ \t]+from|suffered|developed|started|starts|began|underwent)[ \t]+)(?:(?:been|got|had|having|on|from|with|diagnosed[ \t]+with|a|an|some)[ \t]+){0,3}[\p{L}0-9'’-]+[ \t]+)?([\p{L}0-9'’-]+[ \t]+){0,2}$")
    });
    // Words that make the term someone else's or a thing's.
    const ELSEWHERE: &[&str] = &[
        "team",
        "team's",
        "colleagues",
        "patients",
        "clients",
        "staff",
        "department",
        "unit",
        "clinic",
        "practice",
        "research",
        "work",
        "book",
        "job",
        "role",
        "company",
        "charity",
        "group",
        "course",
        "students",
        "service",
        "mother",
        "mum",
        "father",
        "dad",
        "son",
        "daughter",
        "wife",
        "husband",
        "partner",
        "sister",
        "brother",
        "dog",
        "cat",
        "horse",
        "husband's",
        "wife's",
        "friend",
        "friend's",
        "runs",
        "leads",
        "manages",
        "covers",
        "talk",
        "talks",
        "lecture",
        "presentation",
        "speech",
        "sermon",
        "article",
        "paper",
        "podcast",
        "film",
        "story",
        "views",
        "thoughts",
        "campaign",
        "fundraising",
        "led",
        "app",
        "startup",
        "plan",
        "steering",
        "booked",
        "funding",
        "squad",
        "interest",
        "supported",
        "supports",
        "whole",
    ];
    // `…, who has had two seizures`: a relative clause of the name's own.
    let post = after(text, e, 160);
    let from = match speech.find(post) {
        Some(m) => e + m.end(),
        None => match post.strip_prefix(", who") {
            Some(rest) if rest.starts_with([' ', '\'', '’']) => e + 2,
            _ => return false,
        },
    };
    let i = health.partition_point(|&(hs, _)| hs < from);
    health.get(i).is_some_and(|&(hs, he)| {
        hs - from <= 60
            && !r.not_own.is_match(after(text, he, 24))
            && !r.story_elsewhere.is_match(after(text, he, 48))
            && text.get(from..hs).is_some_and(|gap| {
                // The words before the term and the four after it (`her
                // diabetes app startup`, `the flu jab booked for the whole
                // team`).
                let next = after(text, he, 48).split_whitespace().take(4);
                !gap.contains(['.', '\n', '?', '!', ';'])
                    && own.is_match(gap)
                    && !gap.split_whitespace().chain(next).any(|w| {
                        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                        ELSEWHERE.iter().any(|x| w.eq_ignore_ascii_case(x))
                    })
            })
    })
}

/// `Priya Raghunathan, asthma attack at 4k`, `Tom Reid - suspected
/// concussion`: an incident's person, the event right after the name
/// and a comma, a dash or a colon (a role or a clinic after it is no
/// event: `Jane Doe, Diabetes Nurse Specialist`).
fn event_after_name(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    const EVENTS: &[&str] = &[
        "attack",
        "fracture",
        "injury",
        "concussion",
        "seizure",
        "collapse",
        "sprain",
        "strain",
        "tear",
        "bite",
        "sting",
        "reaction",
        "arrest",
        "overdose",
        "anaphylaxis",
        "laceration",
        "dislocation",
        "stroke",
        "hypothermia",
        "exhaustion",
        "rupture",
        "fall",
    ];
    // `Chloe Vandermeer (staff no. FA-20871) - torn …`: her own number
    // or job in brackets first.
    let e = match text[e..].strip_prefix(" (") {
        Some(rest) => after(rest, 0, 40).find(')').map_or(e, |k| e + 2 + k + 1),
        None => e,
    };
    let post = after(text, e, 8);
    let rest = post.trim_start_matches([',', ' ', '\t', '-', '\u{2013}', '\u{2014}', ':']);
    let gap = post.len() - rest.len();
    if !post[..gap].contains([',', '-', '\u{2013}', '\u{2014}', ':']) {
        return false;
    }
    let from = e + gap;
    let i = health.partition_point(|&(hs, _)| hs < from);
    health.get(i).is_some_and(|&(hs, he)| {
        let next: String = after(text, he, 16)
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let term = text[hs..he].to_lowercase();
        // One or two words before the term (`second concussion`,
        // `suspected broken wrist`).
        let lead = &text[from..hs];
        // (`Amy Chen, Stroke Nurse Specialist`: a clinician's title.)
        let role_next = [
            "nurse",
            "specialist",
            "consultant",
            "lead",
            "coordinator",
            "physician",
            "practitioner",
            "team",
            "service",
            "services",
            "unit",
            "clinic",
            "awareness",
            "research",
            "charity",
            "foundation",
            "association",
            "society",
            "network",
            "uk",
        ]
        .contains(&next.as_str());
        !role_next
            && (hs == from
                || (lead.split_whitespace().count() <= 2
                    && lead.chars().all(|c| c.is_lowercase() || c == ' ')))
            && (EVENTS.iter().any(|w| term.ends_with(w))
                || EVENTS.contains(&next.as_str())
                // `- torn right rotator cuff`, `- broken wrist`.
                || lead.split_whitespace().next().is_some_and(|w| {
                    [
                        "torn",
                        "broken",
                        "fractured",
                        "sprained",
                        "dislocated",
                        "ruptured",
                        "pulled",
                        "strained",
                        "injured",
                        "bruised",
                        "cracked",
                    ]
                    .contains(&w)
                }))
            && !r.not_own.is_match(after(text, he, 24))
    })
}

/// The English possessives and verbs after a name whose care follows.
const ENGLISH_CARE_LEADS: &[&[u8]] = &[
    b" for his ",
    b" for her ",
    b" for their ",
    b" to get his ",
    b" to get her ",
    b" about his ",
    b" about her ",
    // `Rosa Villanueva had her mastectomy on Tuesday`.
    b" had his ",
    b" had her ",
    b" had a ",
    b" had an ",
    b" underwent ",
    b" is having ",
    b" was having ",
];

/// `Ondra Dvořák má od zimy astma`, `Lucas Roussel a la varicelle`: has
/// or had, in the other languages the lists cover.
const OTHER_CARE_LEADS: &[&[u8]] = &[
    " má ".as_bytes(),
    " měl ".as_bytes(),
    " měla ".as_bytes(),
    " miał ".as_bytes(),
    " miała ".as_bytes(),
    b" jest po ",
    b" tiene ",
    b" tuvo ",
    " está con ".as_bytes(),
    b" tem ",
    b" teve ",
    " está com ".as_bytes(),
    b" hat ",
    b" hatte ",
    b" heeft ",
    b" ha ",
    b" aveva ",
    b" har ",
    b" hade ",
    b" havde ",
];

/// A word that makes a following health term a topic (`über`, `sobre`)
/// or a perfect tense's participle (`presentato`, `geschrieben`).
fn topic_or_participle(w: &str) -> bool {
    const TOPIC: &[&str] = &[
        "about", "sobre", "sul", "sulla", "sui", "di", "del", "della", "über", "om", "o", "contra",
        "contro", "gegen", "para", "per", "für", "för", "voor", "pour", "de", "ein", "einen",
        "eine", "un", "una", "uno", "en", "ett", "een", "libro", "buch", "bok", "boek", "livro",
        "premio", "preis", "pris", "prijs", "prêmio",
    ];
    let l = w.to_lowercase();
    TOPIC.contains(&l.as_str())
        || (l.len() > 4
            && ["ato", "ito", "uto", "ado", "ido"]
                .iter()
                .any(|x| l.ends_with(x)))
        || (l.len() > 5 && l.starts_with("ge") && (l.ends_with('t') || l.ends_with("en")))
}

/// `SUMMARY:Therapy session – Hannah Goldberg`, `Intake appt: Ana Ruiz`,
/// `Dressing change - Agnes Moll`, `Discharge planning - Tomasz
/// Wisniewski`: the name right after a visit or an act
/// of care and a dash or colon on its line
/// (`ls`: the line's start). A specialty or a condition before a dash
/// heads an on-call roster's or an agenda's line (`Cardiology - Sam
/// Patel`, `Diabetes: Ana Ruiz`): its names are staff and speakers.
fn care_heads_line(text: &str, ls: usize, s: usize, e: usize) -> bool {
    static VISIT: OnceLock<Regex> = OnceLock::new();
    let visit = VISIT.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:(?:therapy|counsel(?:l)?ing|psychotherapy|intake|follow[- ]up|infusion|pre-?op|post-?op|wound\s+check|well(?:[- ](?:child|baby|woman))?)\s+(?:session|appointment|appt|visit|check)|(?:therapy|counsel(?:l)?ing|cbt|emdr|dbt|psychiatric|psychological|addiction|detox|rehab|new\s+client)\s+intake|new\s+patient\s+(?:visit|appointment|appt)|(?:dressing|bandage|catheter|stoma\s+bag|picc\s+line)\s+change|re-?bandag(?:e|ing)|(?:b12|depot|insulin|heparin|enoxaparin)\s+injection|(?:pre-?op(?:erative)?|pre-?admission|falls|memory)\s+assessment)(?:\s*[+&]\s*[a-z/ -]{1,30}?)?\s*[-–—:]\s*$")
    });
    static MEETING: OnceLock<Regex> = OnceLock::new();
    let meeting = MEETING.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:discharge\s+planning(?:\s+(?:meeting|conference|call))?|(?:case|family|care\s+planning|best\s+interests?)\s+(?:conference|meeting)|(?:screening|baseline|randomi[sz]ation|dosing|study|trial)\s+visit(?:\s+[0-9]{1,2}[a-z]?)?|(?-u:\b)visit\s+[0-9]{1,2}[a-z]?|physio(?:therapy)?\s+(?:session|appointment|appt|visit|review)|(?:rtp|return[- ]to[- ]play|injury|concussion|medical|fitness[- ]to[- ](?:fly|play|work))\s+review)\s*[-–—:]\s*$")
    });
    // A meeting's or a study visit's staff after its name: `Mary Jones,
    // ward manager`, `Ruairi O'Neill (monitor)`, `Mary Jones will chair`,
    // `Jago Trelawney covers Monday`.
    static STAFF_AFTER: OnceLock<Regex> = OnceLock::new();
    let staff_after = STAFF_AFTER.get_or_init(|| {
        re(r"(?i)^[ \t]*(?:,[ \t]*(?:[a-z][a-z \t]{0,30})?(?:manager|nurse|worker|therapist|coordinator|officer|consultant|lead|chair|sister|matron|physio(?:therapist)?|pharmacist|doctor|registrar|advocate|practitioner|investigator|monitor|scientist|administrator|band[ \t]+[0-9])(?-u:\b)|[ \t]*\([a-z \t]{0,30}(?:chair|lead|manager|nurse|worker|therapist|coordinator|officer|consultant|minutes|monitor|investigator|pharmacist|cra|pi)\)|[ \t]+(?:will|to|shall|covers|runs)(?-u:\b))")
    });
    let head = text.get(ceil_boundary(text, ls.max(s.saturating_sub(48)))..s);
    head.is_some_and(|w| visit.is_match(w))
        || (head.is_some_and(|w| meeting.is_match(w)) && !staff_after.is_match(after(text, e, 60)))
}

/// A relative named with the relation in brackets, either way round,
/// and care on the same line after the name: `Amara Nwosu-Bello
/// (daughter) - braces fitted 3 Nov`, `minha mae (Maria do Carmo
/// Rezende, carteirinha …) fez a ressonancia`. Not a place's name as the
/// only care (`Tom Baker (son) started at Leeds Teaching Hospitals`).
fn relation_in_brackets(text: &str, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    // Asked of every name judged: a bracket next to it first.
    let b = text.as_bytes();
    fn bracket<'a>(near: impl Iterator<Item = &'a u8>) -> bool {
        near.take(4).find(|&&c| c != b' ' && c != b'\t') == Some(&b'(')
    }
    if !(bracket(b[e..].iter()) || bracket(b[..s].iter().rev())) {
        return false;
    }
    static AFTER: OnceLock<Regex> = OnceLock::new();
    let after_re = AFTER.get_or_init(|| {
        re(r"(?i)^[ \t]*\((?:my[ \t]+|our[ \t]+)?(?:daughter|son|wife|husband|mother|father|mum|mom|dad|child|dependant|dependent|spouse|partner|grandson|granddaughter|step-?son|step-?daughter)\)")
    });
    static BEFORE: OnceLock<Regex> = OnceLock::new();
    let before_re = BEFORE.get_or_init(|| {
        re(r"(?i)(?:^|[\s(])(?:my|our|his|her|minha|meu|mi|mia|mio|ma|mon|mein|meine|mijn|moja|mój|sua|seu|su)\s+(?:m[ãa]e|pai|madre|padre|mamma|pap[àa]|mère|père|mutter|vater|moeder|vader|matka|ojciec|mother|father|mom|mum|dad|son|daughter|wife|husband|filh[oa]|hij[oa]|figli[oa]|fils|fille|sohn|tochter|zoon|dochter|syn|c[óo]rka)\s*\(\s*$")
    });
    // `Dad (Frank Bianchi Sr., apt 2C) had cataract surgery`: the
    // capitalised family word is a name already, no possessive needed.
    static BARE: OnceLock<Regex> = OnceLock::new();
    let bare_re = BARE.get_or_init(|| {
        re(r"(?:^|[\s(>])(?:Dad|Mum|Mom|Mam|Mama|Papa|Nan|Nana|Grandma|Grandpa)\s*\(\s*$")
    });
    let told = after_re.is_match(after(text, e, 40))
        || before_re.is_match(before(text, s, 40))
        || bare_re.is_match(before(text, s, 16));
    if !told {
        return false;
    }
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[e..]).map_or(text.len(), |k| e + k);
    let i = health.partition_point(|&(hs, _)| hs < e);
    health[i..]
        .iter()
        .take_while(|&&(hs, _)| hs < line_end.min(e + 160))
        .any(|&(hs, he)| {
            let w = text[hs..he].to_ascii_lowercase();
            !PLACES.iter().any(|p| w.contains(p))
        })
}

/// `Pickup Rosalind Achebe - dialysis`, `Drop-off: Wilf Ashdown, eye
/// clinic (cataract follow-up)`: a lift or an escort opens the line and
/// care (a listed term) follows the name on it. A driver's own lines
/// (`Pickup Sam Patel - 8:15, Leeds`) name no care.
fn ride_to_care(text: &str, ls: usize, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    static LIFT: OnceLock<Regex> = OnceLock::new();
    let lift = LIFT.get_or_init(|| {
        re(r"(?i)(?:^|[\s:>])(?:pick[- ]?up|drop[- ]?off|lift|ride|transport)(?:\s+for)?\s*[-–:]?\s*$")
    });
    let head = text.get(ceil_boundary(text, ls.max(s.saturating_sub(32)))..s);
    if !head.is_some_and(|h| lift.is_match(h)) {
        return false;
    }
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[e..]).map_or(text.len(), |k| e + k);
    let i = health.partition_point(|&(hs, _)| hs < e);
    // Goods carried are no one's care (`insulin fridge delivery`).
    const GOODS: &[&str] = &[
        "delivery",
        "deliveries",
        "fridge",
        "store",
        "stores",
        "stock",
        "order",
        "supplies",
        "boxes",
        "pallet",
        "samples",
        "corridor",
    ];
    health.get(i).is_some_and(|&(hs, he)| {
        hs < line_end
            && hs - e <= 60
            && !after(text, he, 24)
                .split(|c: char| !c.is_alphanumeric())
                .take(3)
                .any(|w| GOODS.iter().any(|g| w.eq_ignore_ascii_case(g)))
    })
}

/// Capitalised function words that open sentences and never a name
/// (see `scan`). Not possessives (`My mum Jane`), greetings or titles.
const OPENING_WORDS: &[&[u8]] = &[
    b"The", b"This", b"That", b"These", b"Those", b"We", b"It", b"In", b"On", b"At", b"An", b"And",
    b"But", b"Or", b"If", b"So", b"To", b"Of", b"As", b"Is", b"Was", b"Are", b"Were", b"He",
    b"She", b"They", b"There", b"Here", b"What", b"When", b"Where", b"Which", b"Why", b"How",
    b"Please", b"Thanks", b"Thank", b"With", b"From", b"By", b"Not", b"No", b"Yes", b"All", b"Any",
    b"Some", b"Each", b"Every", b"After", b"Before", b"Also", b"Then",
];

fn opening_word(w: &[u8]) -> bool {
    static SET: OnceLock<ShortWords> = OnceLock::new();
    SET.get_or_init(|| ShortWords::new(OPENING_WORDS.iter().copied()))
        .contains(w)
}

/// Scan a chunk for names. `health`: spans of health terms (sorted).
pub fn scan(
    text: &str,
    loc: Location,
    health: &[(usize, usize)],
    ends: super::Ends,
    sink: &mut Sink,
) {
    let r = res();
    let b = text.as_bytes();
    let mut i = 0;
    let mut found = 0usize;
    // Asked once, at the first name that would count.
    let mut animal_patients: Option<bool> = None;
    // Asked once, at the first name in a signature or on a line of its own.
    let asked = Asked::default();
    // The next capitals, ASCII and Latin, each sought again only once
    // the scan has passed it (one pass over the text for each).
    let mut latin_next = super::latin::next_capital(b, 0);
    let mut ascii_next = find_in_range(b, 0, b'A', b'Z');
    // The person a subject names by first name alone, for the body's
    // story about them (see `about_subject_person`).
    let subject_names: Vec<Box<str>> = match loc {
        Location::Subject => {
            sink.note_subject_names(subject_first_names(r, text));
            Vec::new()
        }
        Location::Body => sink.subject_names().to_vec(),
        _ => Vec::new(),
    };
    let mut graded = |conf: Confidence| {
        if conf == Confidence::Low {
            return conf;
        }
        let not_people = *animal_patients.get_or_insert_with(|| names_no_patient(text));
        if not_people { Confidence::Low } else { conf }
    };
    while i < b.len() {
        // The next capital: ASCII, or a Latin one (`Ángel`), whose next
        // place is kept until the scan passes it.
        if latin_next.is_some_and(|p| p < i) {
            latin_next = super::latin::next_capital(b, i);
        }
        if ascii_next.is_some_and(|p| p < i) {
            ascii_next = find_in_range(b, i, b'A', b'Z');
        }
        let Some(s) = (match (ascii_next, latin_next) {
            (Some(a), Some(l)) => Some(a.min(l)),
            (a, l) => a.or(l),
        }) else {
            break;
        };
        // Inside a word (`McDonald`, `4B`): go past the rest of it at once.
        // (A Latin capital after a word byte, `cafÃ©`: past it, or the
        // scan would stand still: its octets are no word bytes.)
        if s > 0 && is_word(b[s - 1]) {
            i = word_run_end(b, s).max(s + 1);
            continue;
        }
        let e = dona_abbreviation_end(b, s).unwrap_or_else(|| word_end(b, s));
        if e < s + 2 {
            if let Some((s, e)) = claimed_initial(r, text, s, e) {
                if let Some(conf) = judge(r, text, s, e, true, health, &asked) {
                    sink.push(Kind::Name, graded(conf), loc, &text[s..e]);
                    found += 1;
                }
                i = e;
                continue;
            }
            i = s + 1;
            continue;
        }
        // A run of letters as long as `word_end`'s cap (base64, armour,
        // filler lines) starts no name: go past it before any lookup.
        if e - s >= WORD_CAP && b.get(e).is_some_and(u8::is_ascii_alphabetic) {
            i = word_run_end(b, e);
            continue;
        }
        // A sentence's opening function word (`The`, `We`, `After`) is
        // never a name, nor the first word of one: past it before the
        // lexicon and the cue tests, which every capital would cost.
        if b.get(e) == Some(&b' ') && opening_word(&b[s..e]) {
            i = e;
            continue;
        }
        let f = r.flags(&b[s..e]);
        // The honorific before a listed name is its cue, so it is asked
        // before `candidate`, which would read the name without it.
        let found_here = honorific_in_lower_case(text, s, e, f)
            .or_else(|| candidate(r, text, s, e, f))
            .or_else(|| labelled(r, text, s, e))
            .or_else(|| greeted(r, text, s, e, f))
            .or_else(|| surname_with_cue(r, text, s, e, f))
            .or_else(|| record_shape(r, text, s, e, f))
            .or_else(|| relative_named(text, s, e, f))
            .or_else(|| initial_surname(text, s, e, f))
            .or_else(|| sinitic_name(text, s, e))
            .or_else(|| surname_after_patient_word(r, text, s, e, f));
        let (found_here, how) = match found_here {
            Some(hit) => (Some(hit), Found::Cued),
            None => match told_about(r, text, s, e, f) {
                Some(hit) => (Some(hit), Found::Told),
                None => match signed(r, text, (s, e), f, ends.closes, health) {
                    Some(hit) => (Some(hit), Found::Signed),
                    None => (
                        about_subject_person(r, text, s, e, f, &subject_names, health)
                            .then_some((s, e, false)),
                        Found::Subject,
                    ),
                },
            },
        };
        if let Some((ns, ne, _)) = found_here
            && scripture_figure(&text[ns..ne])
        {
            i = ne;
            continue;
        }
        if let Some((ns, ne, hon)) = found_here {
            // A story told about someone is at least a name near a
            // health fact, however far on the story goes; a signature no
            // list holds counts only as the writer's own care (high).
            let judged = judge(r, text, ns, ne, hon, health, &asked).and_then(|c| match how {
                Found::Told => Some(c.max(Confidence::Medium)),
                Found::Signed => (c == Confidence::High).then_some(c),
                Found::Subject => Some(Confidence::High),
                Found::Cued if hon && c < Confidence::High => {
                    Some(if quoted_subject_of_reply(r, text, ns, health, &asked) {
                        Confidence::High
                    } else {
                        c
                    })
                }
                Found::Cued
                    if c < Confidence::High && transcript_speaker_named(text, ns, health) =>
                {
                    Some(Confidence::High)
                }
                Found::Cued => Some(c),
            });
            if let Some(conf) = judged
                && let Some(v) = text.get(ns..ne)
            {
                sink.push(Kind::Name, graded(conf), loc, v);
                found += 1;
                if found >= 2000 {
                    return;
                }
            }
            i = ne;
        } else if b.get(e).is_some_and(u8::is_ascii_alphabetic) {
            // A run of letters longer than `word_end`'s cap (base64, fill):
            // every capital left in it follows a letter, so go past it.
            i = word_run_end(b, e);
        } else {
            i = e;
        }
    }
    // A room and a patient's initials (`412B (J.T.): CHF exacerbation`),
    // or initials with an age (`J.M., the 44yo admitted w/ DKA`): a
    // ward's handoff names its patients so.
    // Lines a health fact is sought on: a handoff row's own and the next;
    // a case's heading (`Case review: G.K., 34 M`) and its first bullets.
    let (bare_initials, lower_rows) = rows_by_age(text);
    let rows = room_initials(b)
        .chain(bare_initials)
        .map(|(s, e)| (s, e, 2));
    let labelled = r
        .initials_label
        .captures_iter(text)
        .take(64)
        .filter_map(|c| c.get(1))
        .map(|m| (m.start(), m.end()));
    for (s, e, lines) in initials_with_age(b)
        .chain(labelled)
        .map(|(s, e)| (s, e, 5))
        .chain(rows)
    {
        if found >= 2000 {
            return;
        }
        // A health fact on its line or the next (`Bed 4: J.M. 44F` over
        // `- DKA, insulin gtt`).
        let next_end = memchr::memchr_iter(b'\n', &b[e..])
            .nth(lines - 1)
            .map_or(b.len(), |i| e + i);
        let first = health.partition_point(|&(hs, _)| hs < e);
        let fact = health.get(first).is_some_and(|&(hs, _)| hs < next_end);
        if let Some(v) = text.get(s..e) {
            let conf = if fact {
                Confidence::High
            } else {
                Confidence::Low
            };
            sink.push(Kind::Name, graded(conf), loc, v);
            found += 1;
        }
    }
    for (s, e) in lower_case_names(r, b)
        .chain(lower_case_near_health(r, text, health))
        .chain(lower_rows)
    {
        if found >= 2000 {
            return;
        }
        if let Some(conf) = judge(r, text, s, e, true, health, &asked)
            && let Some(v) = text.get(s..e)
        {
            sink.push(Kind::Name, graded(conf), loc, v);
            found += 1;
        }
    }
    // A client's card carries no health of its own: the mail it rides in
    // tells the care.
    for (s, e, conf) in vcard_patients(r, text, health) {
        sink.push(Kind::Name, graded(conf), loc, &text[s..e]);
    }
    if health.is_empty() {
        return;
    }
    // A relative told of through the writer or the reader (`my mum has
    // been poorly since the op`), in mail to one reader.
    let to_many = || {
        *asked.bulk.get_or_init(|| r.bulk_mail.is_match(text))
            || *asked
                .commerce
                .get_or_init(|| r.commerce.is_match(text) && !r.patient_billing.is_match(text))
    };
    let kin = super::kin::told_of(text, health, |t| {
        let t = t.to_ascii_lowercase();
        PLACES.iter().any(|p| t.contains(p))
    });
    if !kin.is_empty() && !to_many() && !merge_template(text) {
        for (s, e) in kin {
            sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
        }
    }
    // The writer of the message's own `From:` telling of their own care
    // (`watch flagged afib again … gp has referred me to cardiology`,
    // signed `k`): the From line names the one in care.
    if loc == Location::Body
        && sink.writer().is_some_and(|w| person_display_name(r, w))
        && !to_many()
        && !merge_template(text)
        && own_care_on_top(r, text, health)
    {
        sink.push_writer(graded(Confidence::High), crate::policy::mime::WRITER_PLACE);
    }
    for (s, e) in callers(r, text, health) {
        if found >= 2000 {
            return;
        }
        if judge(r, text, s, e, false, health, &asked).is_some() {
            sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
            found += 1;
        }
    }
    // The possessive ties the name to the fact itself: a name with a
    // health fact.
    for (s, e) in possessive_care(r, text, health)
        .into_iter()
        .filter(|&(s, e)| !scripture_figure(&text[s..e]))
    {
        sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
    }
    // A thread's earlier writer, named by the header block or the
    // attribution above the message they wrote of their own care in.
    for (s, e) in history_writers(r, text, health) {
        sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
    }
    if loc == Location::Subject
        && let Some((s, e)) = subject_surname(r, text, health)
    {
        sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
    }
    // Mail typed in lower case greets its reader and signs its writer in
    // lower case too: `hi yusuf, you're on for tues with dr castellanos`,
    // `...is this redness normal? gareth llewellyn`.
    if ends.opens
        && let Some((s, e)) = lower_greeting(r, text)
        && let Some(conf) = judge(r, text, s, e, false, health, &asked)
    {
        sink.push(Kind::Name, graded(conf), loc, &text[s..e]);
    }
    if ends.opens
        && let Some((s, e)) = lower_self_intro(r, text)
        && (*asked
            .own_care
            .get_or_init(|| writes_of_own_care(r, text, health))
            || first_person_short_note(text, e, health))
    {
        sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
    }
    if ends.closes
        && let Some((s, e)) = lower_signature(r, text)
        && *asked
            .own_care
            .get_or_init(|| writes_of_own_care(r, text, health))
    {
        sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
    }
    // A subject's lower-case first name (`Subject: jayden`) told about in
    // the body (`jayden had a seizure`): the capitals pass never sees it.
    // (A capitalised one too, typed in lower case in the body: `Re:
    // Saoirse - adjustment` over `saoirse ó briain (she's the 12 yr old
    // with the fixed brace`.)
    for name in &subject_names {
        let name = name.to_ascii_lowercase();
        let at = memchr::memmem::find_iter(b, name.as_bytes()).take(32);
        for s in at {
            let e = s + name.len();
            let whole = (s == 0 || !is_word(b[s - 1])) && !b.get(e).is_some_and(|&c| is_word(c));
            if whole
                && about_subject_person(r, text, s, e, r.flags(&b[s..e]), &subject_names, health)
                && judge(r, text, s, e, false, health, &asked).is_some()
            {
                sink.push(Kind::Name, graded(Confidence::High), loc, &text[s..e]);
                return;
            }
        }
    }
}

/// What a caller did, after their first name opening a line.
const CALLER_VERBS: &[&str] = &[
    "called", "phoned", "rang", "emailed", "texted", "messaged", "stopped", "came", "asked",
    "says", "said", "wants", "left",
];

/// A first name opening a line as the one who called or wrote, a health
/// fact of their own right after (`hope called again about her enbrel,
/// her ra is flaring`): a patient, even where the name
/// is also a word (`hope`, `Will`), for the verb makes it a person. Only
/// lines within reach of a health fact are read.
fn callers(r: &Res, text: &str, health: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (ls, le) in lines_near_health(b, health) {
        let s = past_quoting(b, ls, le);
        let s = (s..le)
            .find(|&i| !matches!(b[i], b' ' | b'\t'))
            .unwrap_or(le);
        let e = word_end(b, s);
        if e > s + 1
            && let Some((vs, ve)) = next_word(b, e)
            && CALLER_VERBS.iter().any(|v| v.as_bytes() == &b[vs..ve])
            && their_own_fact(b, ve, health)
        {
            let f = r.flags(&b[s..e]);
            if f & FIRST_NAME != 0 && f & (GENERIC | INSTITUTION) == 0 {
                out.push((s, e));
            }
        }
        out.extend(in_rooms(r, b, ls, le));
        out.extend(kin_of(r, b, ls, le));
        out.extend(kin_then_name(r, b, ls, le));
        if out.len() >= 64 {
            break;
        }
    }
    // A sign-off as a named child's parent (`ngaio (willow's mum)`), in
    // the text's last lines: the writer's child is the one in care,
    // however far above the health fact stands.
    // (A class-wide reminder signed so names no child's care: a term
    // must be the child's, `her`/`his`/`she`/`he` right before it.)
    let third_person = || {
        health.iter().take(64).any(|&(hs, _)| {
            before(text, hs, 40)
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| ["her", "his", "she", "he", "hers"].contains(&w))
        })
    };
    if !health.is_empty() && third_person() {
        let tail = text.len().saturating_sub(240);
        let mut ls = if tail == 0 {
            0
        } else {
            memchr::memchr(b'\n', &b[tail..]).map_or(b.len(), |i| tail + i + 1)
        };
        while ls < b.len() {
            let le = memchr::memchr(b'\n', &b[ls..]).map_or(b.len(), |i| ls + i);
            if le - ls <= 48 {
                for found in kin_of(r, b, ls, le) {
                    if !out.contains(&found) {
                        out.push(found);
                    }
                }
            }
            ls = le + 1;
        }
    }
    out
}

/// Words that make an eponym of a possessive (`Addison's disease`,
/// `Bell's palsy`): the disease's name, not the person's.
const EPONYM_HEADS: &[&str] = &[
    "disease",
    "syndrome",
    "palsy",
    "sign",
    "law",
    "phenomenon",
    "sarcoma",
    "lymphoma",
    "ulcer",
    "thyroiditis",
    "disorder",
    "criteria",
    "test",
    "contracture",
    "neuroma",
];

/// Words before a noun that make a possessive a thing's (`the ward's`).
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "our", "your", "their", "his", "her", "my", "each", "every", "its",
];

/// A first name's possessive before a health fact: right before it
/// (`river's asthma has been acting up`, `Sky's eczema patches`), where
/// even a first name that is also a word counts, for the possessive makes
/// it someone's; or further on in the same sentence for a first name that
/// is no word (`rosa's at 38+2 now and her bp was 148/96`). Not after a
/// title or a saint (`St. Mary's`), not before an eponym's head
/// (`Addison's disease`) or a business's capitalised name (`Rosa's
/// Bakery`), and not where the term names a programme or a place (`Hope's
/// asthma clinic`).
/// A writer's own care told in full between `from` and `to`: a
/// diagnosis, a lifelong disability (`I've been Deaf since I was
/// four`), or `I have`/`I use` right before a term (`I have multiple
/// sclerosis`, `I use a powerchair`); not figures of speech (`I'm blind
/// without my glasses`) nor `I'm taking Friday off`.
fn history_own_care(text: &str, from: usize, to: usize, terms: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let told = R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:i(?:'ve|’ve|\s+have)\s+been\s+(?:profoundly\s+|severely\s+|partially\s+)?(?:deaf|blind|deafblind|disabled)\s+(?:since|from\s+birth|all\s+my\s+life)|i\s+(?:was|have\s+been|got)\s+(?:just\s+|recently\s+|finally\s+|formally\s+)?diagnosed|i(?:'m|’m|\s+am)\s+(?:a\s+)?type\s+(?:1|2|one|two)(?:\s+diabetic)?|i(?:'m|’m|\s+am)\s+(?:profoundly\s+deaf|deafblind|registered\s+blind|severely\s+sight\s+impaired|a\s+(?:full-time\s+)?wheelchair\s+user|an\s+amputee|paraplegic|tetraplegic)|i(?:'m|’m|\s+am)\s+(?:now\s+|currently\s+)?(?:(?:[0-9]{1,2}|[a-z]+)\s+weeks\s+)?pregnant|(?:gp|doctor|physio|consultant|surgeon|midwife|specialist)\s+(?:has\s+|have\s+|just\s+)?(?:referred|booked|signed)\s+me|olin\s+(?:\S+\s+){0,4}(?:sairaalassa|osastolla|teho-osastolla|leikkauksessa)|(?:syön|käytän|sairastan)\s+\S+|minulla\s+(?:on|oli|todettiin)\s+\S+|minut\s+leikattiin|minulle\s+(?:tehtiin|todettiin))(?-u:\b)")
    });
    told.is_match(&text[from..to])
        || terms.iter().any(|&(hs, he)| {
            if topic_after(text, he) || cause_or_event_after(text, he) {
                return false;
            }
            let head = before(text, hs, 24)
                .to_ascii_lowercase()
                .replace('\u{2019}', "'");
            let head = head.trim_end();
            // The writer's own injury, told by its verb (`felt my right
            // hammy go`, `I tore my ACL`).
            let own_injury = text[hs..he]
                .split_whitespace()
                .nth(1)
                .is_some_and(|w| w.eq_ignore_ascii_case("my"));
            own_injury
                || opens_on_own_verb(text, hs, he)
                || [
                "i have",
                "i've had",
                "i've got",
                "i have had",
                "i use a",
                "i use",
                "i live with",
                "i have a",
                "i have an",
                "i'm on",
                "i am on",
                "i'm taking",
                "i am taking",
                "i take",
                "i've been on",
                "i've been taking",
                "started me on",
                "put me on",
                "took me off",
                "taken me off",
                "weaned me off",
                "i came off",
                "i switched to the",
                "i switched to",
                "i've switched to",
                "i just switched to the",
                "i just switched to",
                // A procedure of the writer's own, booked or under way
                // (`i'm finally having my gallbladder out`).
                "having my",
                "i'm having a",
                "i'm having an",
                "i am having a",
                "i am having an",
                "getting my",
                "booked in for my",
            ]
            .iter()
            .any(|p| {
                head.ends_with(p)
                    && head[..head.len() - p.len()].ends_with([' ', '\n', '.', ',', ':'])
                    || head == *p
            })
                // A sentence opening on the verb, its `I` left out
                // (`Switched to the Omnipod last spring`).
                // (A medicine or a device, not a unit: `Been on oncology for
                // 6 years`, `Started on ICU` are a nurse's posts.)
                || ["switched to the", "switched to", "started on", "been on"]
                    .iter()
                    .any(|p| {
                        head.ends_with(p) && {
                            let k = head.len() - p.len();
                            k == 0 || head[..k].trim_end_matches([' ', '\t']).ends_with(['\n', '.', '!'])
                        }
                    })
                    && !specialty_or_unit(&text[hs..he])
                // The writer's own result with its value (`my A1c dropped
                // from 8.1 to 6.9`, `my ferritin was 12`).
                || (head.ends_with(" my") || head == "my" || head.ends_with("\nmy"))
                    && own_value_after(text, he)
        })
}

/// A specialty named by `term` (`Endocrinology`, `psychiatry`,
/// `paediatrics`, `sports medicine`).
fn is_specialty(term: &str) -> bool {
    let t = term.to_ascii_lowercase();
    ["ology", "iatry", "ics", "medicine"]
        .iter()
        .any(|x| t.ends_with(x))
}

/// A specialty, a unit or a ward named by `term` (`oncology`, `ICU`).
fn specialty_or_unit(term: &str) -> bool {
    let t = term.to_ascii_lowercase();
    is_specialty(&t)
        || ["ward", "unit", "theatres", "theatre"]
            .iter()
            .any(|x| t.ends_with(x))
        || [
            "icu",
            "nicu",
            "picu",
            "ccu",
            "hdu",
            "a&e",
            "er",
            "ed",
            "pacu",
            "maternity",
        ]
        .contains(&t.as_str())
}

/// A measured value told right after a term (`dropped from 8.1`, `is
/// 6.9`, `came back at 12`).
fn own_value_after(text: &str, he: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)^[ \t]+(?:(?:level|levels|result|reading)[ \t]+)?(?:is|was|went|dropped|fell|rose|came\s+back|has\s+(?:dropped|gone|come)|had\s+(?:dropped|gone))(?:[ \t]+(?:down|up|back|from|to|at|now|only|still|already))*[ \t]+[0-9]")
    })
    .is_match(after(text, he, 48))
}

/// A person's name as a mail header shows it: two to four capitalised
/// words, the first a listed given name (no `Facilities Helpdesk`);
/// Outlook's `Hale, Andrea` lists the surname first.
fn person_display_name(r: &Res, name: &str) -> bool {
    let words: Vec<&str> = match name.split_once(',') {
        Some((last, given)) => given
            .split_whitespace()
            .chain(last.split_whitespace())
            .collect(),
        None => name.split_whitespace().collect(),
    };
    let first_ok = words.first().is_some_and(|w| {
        r.flags(w.as_bytes()) & (FIRST_NAME | GENERIC | INSTITUTION) == FIRST_NAME
    });
    (2..=4).contains(&words.len()) && first_ok && words.iter().all(|w| capitalised(w.as_bytes()))
}

/// The writer's own care told above any quoted mail (`gp has referred me
/// to cardiology`): the text's own words, not a quoted correspondent's.
fn own_care_on_top(r: &Res, text: &str, health: &[(usize, usize)]) -> bool {
    let top = quoted_top(text);
    let spans: Vec<(usize, usize)> = health
        .iter()
        .copied()
        .filter(|&(_, he)| he <= top)
        .collect();
    writes_of_own_care_near(r, &text[..top], &spans)
}

/// A person named with an honorific in the quoted mail of a reply
/// (`Please attend to the repairs at Mrs Elna du Toit's flat`) whose own
/// text tells of a third person's care (`The lady has just come home
/// from hospital after a hip replacement`), in words that fit the
/// honorific (`she` for `Mrs`, `he` for `Mr`): the reply is about the
/// one the quoted mail asked after. Not a greeting's or a header's name
/// (`Dear Mr Shaw,`, `From: Mrs Ann Lee`), nor mail to many.
fn quoted_subject_of_reply(
    r: &Res,
    text: &str,
    ns: usize,
    health: &[(usize, usize)],
    asked: &Asked,
) -> bool {
    let b = text.as_bytes();
    // Asked only of names deep enough to follow a reply's own text.
    if ns < 16 || health.first().is_none_or(|&(hs, _)| hs >= ns) {
        return false;
    }
    // Where the quoted mail starts, found once per text (a walk over its
    // lines).
    let top = *asked.quoted_top.get_or_init(|| quoted_top(text));
    if ns < top || top == text.len() {
        return false;
    }
    let ls = memchr::memrchr(b'\n', &b[..ns]).map_or(0, |k| k + 1);
    let head = &text[floor_boundary(text, ls.max(ns.saturating_sub(80)))..ns];
    let head = head
        .trim_start_matches([' ', '\t', '>'])
        .to_ascii_lowercase();
    const NOT_ABOUT: &[&str] = &[
        "from",
        "to",
        "cc",
        "sent",
        "subject",
        "date",
        "dear",
        "hi",
        "hello",
        "hey",
        "good",
        "morning",
        "afternoon",
        "evening",
        "attn",
        "attention",
    ];
    let first = head
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty());
    // A reply's attribution (`On Tue, 4 May 2027, Mrs Jane Lund <…> wrote:`).
    let le = memchr::memchr(b'\n', &b[ns..]).map_or(b.len(), |k| ns + k);
    let attribution = text[ns..le].contains("wrote") || text[ns..le].contains('@');
    if first.is_some_and(|w| NOT_ABOUT.contains(&w)) || attribution {
        return false;
    }
    let title = text[ns..]
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    let (she, he) = *asked
        .reply_of_care
        .get_or_init(|| reply_tells_of_someone(r, text, top, health));
    match title.as_str() {
        "mrs" | "ms" | "miss" | "mdm" | "madam" | "mme" | "madame" | "sra" | "señora" | "frau"
        | "mevrouw" | "mevr" | "signora" | "doña" | "dª" | "dña" | "d" => she,
        "mr" | "sr" | "señor" | "herr" | "meneer" | "dhr" | "monsieur" | "signor" => he,
        _ => she || he,
    }
}

/// A chat transcript's speaker who gives their name on their own turn
/// (`[18:03] Customer: 6620 4471 8, Aisha Rahman, aisha@…`) and tells of
/// their own care on a later turn of the same speaker (`[18:04]
/// Customer: I'm profoundly deaf. I had a cochlear implant fitted`).
fn transcript_speaker_named(text: &str, ns: usize, health: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let turn = R.get_or_init(|| {
        re(r"^[ \t]*\[?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?\]?[ \t]*[-–]?[ \t]*([\p{L}][\p{L} .'-]{0,30}?):[ \t]")
    });
    let b = text.as_bytes();
    let ls = memchr::memrchr(b'\n', &b[..ns]).map_or(0, |k| k + 1);
    // Asked of names below full confidence: a turn's time first.
    if !text[ls..ns]
        .trim_start_matches([' ', '\t'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '[')
    {
        return false;
    }
    let Some(speaker) = turn
        .captures(&text[ls..ns])
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
    else {
        return false;
    };
    // The speaker's later turns, within a few kilobytes.
    let end = floor_boundary(text, (ns + 3000).min(text.len()));
    let mut at = memchr::memchr(b'\n', &b[ns..end]).map_or(end, |k| ns + k + 1);
    while at < end {
        let le = memchr::memchr(b'\n', &b[at..end]).map_or(end, |k| at + k);
        let line = &text[at..le];
        if let Some(c) = turn.captures(line)
            && c.get(1).is_some_and(|m| m.as_str() == speaker)
        {
            let said = c.get(0).map_or(at, |m| at + m.end());
            let own = line.to_ascii_lowercase();
            if health_within(health, said, le)
                && ["i'm ", "i am ", "i have ", "i had ", "i've ", "my "]
                    .iter()
                    .any(|w| own.contains(w))
            {
                return true;
            }
        }
        at = le + 1;
    }
    false
}

/// The text above a reply's quoted mail (`top`) tells of a third
/// person's care: a health fact with `she`, `the lady` (first) or `he`,
/// `the gentleman` (second), or `the tenant`, `the client` (both) beside
/// it in the same sentence, in mail to one reader. Not money raised for
/// a cause, a charity's event or a group's condition.
fn reply_tells_of_someone(
    r: &Res,
    text: &str,
    top: usize,
    health: &[(usize, usize)],
) -> (bool, bool) {
    const SHE: &[&str] = &["she", "her", "she's", "she'd", "lady", "woman"];
    const HE: &[&str] = &["he", "him", "his", "he's", "he'd", "gentleman", "man"];
    const EITHER: &[&str] = &["tenant", "resident", "client", "occupant", "householder"];
    if r.bulk_mail.is_match(text) || merge_template(text) {
        return (false, false);
    }
    let (mut she, mut he) = (false, false);
    for &(hs, he_end) in health.iter().take_while(|&&(_, e)| e <= top) {
        if cause_or_event_after(text, he_end)
            || group_owns(text, hs)
            || super::health::money_for_cause(text, hs)
        {
            continue;
        }
        // The term's sentence, within the reply's own text.
        let from = ceil_boundary(text, hs.saturating_sub(160));
        let to = floor_boundary(text, (he_end + 160).min(top));
        let from = text[from..hs]
            .rfind(['.', '!', '?'])
            .map_or(from, |k| from + k + 1);
        let to = text[he_end..to]
            .find(['.', '!', '?'])
            .map_or(to, |k| he_end + k);
        let sentence = text[from..to].to_ascii_lowercase();
        for w in sentence.split(|c: char| !(c.is_ascii_alphabetic() || c == '\'')) {
            she |= SHE.contains(&w) || EITHER.contains(&w);
            he |= HE.contains(&w) || EITHER.contains(&w);
        }
    }
    (she, he)
}

/// Where a reply's quoted mail starts in `text` (its end if none).
fn quoted_top(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if quoted_history_opens(line.trim()) {
            return at;
        }
        at += line.len();
    }
    text.len()
}

/// The writers of a thread's earlier messages who tell of their own care
/// in them: the name of an Outlook header block (`From: Kwame
/// Asante-Morris <kwame@…>` over `I've been Deaf since I was four`) or
/// of a reply's attribution (`On Sun, 14 Mar 2027, Gareth Pennock
/// <…> wrote:` over `> I can't do more than 20 metres with the
/// rollator`), or a transcript's speaker (`7:44 PM: Kelsey Moravec: I'm
/// type 1 and just switched to the Omnipod 5`). The message runs to the
/// next such line.
fn history_writers(r: &Res, text: &str, health: &[(usize, usize)]) -> Vec<(usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    // (Gmail's US attribution puts a time, not a comma, before the name:
    // `On Tue, Jul 6, 2027 at 11:18 AM Marcus Feldman <…> wrote:`.)
    let head = R.get_or_init(|| {
        re(r#"(?m)^[ \t>]*(?:(?:From|Von|De|Van|Da|Fra|Från|Od|Feladó|Lähettäjä):[ \t]*"?([^<\n"\[,]{2,40}?(?:,[ \t]*[^<\n"\[,]{2,30}?)?)"?[ \t]*(?:<|\[mailto:|\r?\n)|On[ \t](?:[^\n]{5,80}?[0-9]{1,2}:[0-9]{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?[ \t]+|[^\n]{5,80}?,[ \t]*)"?([^<\n",]{3,60}?)"?[ \t]*<[^>\n]+>[ \t]*(?:\n[ \t>]*)?wrote:|^[ \t]*\[?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?\]?[ \t]*[:-]?[ \t]*(\p{Lu}[\p{L}'.-]+(?:[ \t]\p{Lu}[\p{L}'.-]+){1,3}):[ \t]+|^[ \t]*(\p{Lu}[\p{L}'.-]+(?:[ \t]\p{Lu}[\p{L}'.-]+){1,3}):[ \t]+(?:I['’ ]|My[ \t])|^[ \t]*[^\n]{0,60}?[ \t](\p{Lu}[\p{L}'-]+(?:[ \t]\p{Lu}[\p{L}'-]+){1,2})[ \t]*(?:<[^>\n]+>[ \t]*)?(?:kirjoitti|skrev|schrieb|schreef|escribió|escreveu|scrisse|napisał|napisała|napsal|napsala|írta|rašė|rakstīja|kirjutas|έγραψε|написа|написал|написала|a[ \t]écrit)[ \t]*:|^[ \t]*[^\n]{0,80}?(?:schrieb|skrev|kirjoitti|escribió|escreveu|scrisse|napisał\(a\)|napisała|napisał|a[ \t]écrit)[ \t]+"?(\p{Lu}[\p{L}'-]+(?:[ \t]\p{Lu}[\p{L}'-]+){1,2})"?[ \t]*<[^>\n]+>[ \t]*:)"#)
    });
    // Byte searches first: most texts hold no thread.
    let b = text.as_bytes();
    if health.is_empty()
        || (memchr::memmem::find(b, b"wrote:").is_none()
            && memchr::memmem::find(b, b"From:").is_none()
            && memchr::memmem::find(b, b": I").is_none()
            && ![
                "Von:",
                "De:",
                "Van:",
                "Da:",
                "Fra:",
                "Från:",
                "Od:",
                "Feladó:",
                "Lähettäjä:",
                "kirjoitti:",
                "skrev",
                "schrieb",
                "schreef:",
                "escribió:",
                "escreveu:",
                "scrisse:",
                "crit :",
                "crit:",
                "napisał",
                "napsal",
                "írta:",
                "rašė:",
                "rakstīja:",
                "kirjutas:",
                "έγραψε:",
                "написа",
            ]
            .iter()
            .any(|l| memchr::memmem::find(b, l.as_bytes()).is_some()))
    {
        return Vec::new();
    }
    let heads: Vec<(usize, usize, usize)> = head
        .captures_iter(text)
        .take(32)
        .filter_map(|c| {
            // An untimed speaker's turn opens with `I` or `My`, inside
            // the match: the turn is read from past the colon.
            if let Some(m) = c.get(4) {
                return Some((m.start(), m.end(), m.end() + 1));
            }
            let m = c
                .get(1)
                .or_else(|| c.get(2))
                .or_else(|| c.get(3))
                .or_else(|| c.get(5))
                .or_else(|| c.get(6))?;
            Some((m.start(), m.end(), c.get(0)?.end()))
        })
        .collect();
    let mut out = Vec::new();
    for (k, &(s, e, from)) in heads.iter().enumerate() {
        let to = heads
            .get(k + 1)
            .map_or(text.len(), |h| line_start(text, h.0));
        if !person_display_name(r, &text[s..e]) {
            continue;
        }
        let first = health.partition_point(|&(hs, _)| hs < from);
        let mine: Vec<(usize, usize)> = health[first..]
            .iter()
            .take_while(|&&(hs, _)| hs < to)
            .copied()
            .collect();
        // Care told in full (`I've been Deaf since I was four`, `I was
        // diagnosed`), not a term after `my` or `giving me` (`this
        // deadline is giving me a panic attack`).
        if !mine.is_empty() && history_own_care(text, from, to, &mine) {
            out.push((s, e));
            continue;
        }
        // Or the newer message right above tells of their care (`re the
        // lady below: … she had a hypo in row 18`).
        let above = if k == 0 { 0 } else { heads[k - 1].2 };
        if told_of_the_one_below(text, above, line_start(text, s), health) {
            out.push((s, e));
        }
    }
    out
}

/// `re the lady below: … She had a hypo`: a message that points at the
/// writer of the mail it forwards and tells of their care, a health term
/// within a few lines after the pointer.
fn told_of_the_one_below(text: &str, from: usize, to: usize, health: &[(usize, usize)]) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    if from >= to {
        return false;
    }
    let below = R.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:the|this|that|our)\s+(?:lady|gentleman|man|woman|passenger|guest|customer|client|patient|traveller|traveler|caller|member|girl|boy|student|resident|rider|diner)\s+(?:below|in\s+the\s+(?:mail|email|e-mail|message|thread)\s+below)(?-u:\b)")
    });
    static TOLD: OnceLock<Regex> = OnceLock::new();
    let told = TOLD.get_or_init(|| {
        re(r"(?i)(?-u:\b)(?:she|he|they)(?:['’]s|\s+(?:had|has|is|was|were|got|went|needed|collapsed|fainted|became|felt|took|takes))(?-u:\b)")
    });
    below.find_iter(&text[from..to]).any(|m| {
        let at = from + m.end();
        let first = health.partition_point(|&(hs, _)| hs < at);
        health[first..]
            .iter()
            .take_while(|&&(hs, _)| hs < to && hs <= at + 300)
            .any(|&(hs, _)| {
                // She is told of between the pointer and the term, in
                // one stretch of text (no blank line).
                let gap = &text[at..hs];
                !gap.contains("\n\n") && told.is_match(gap)
            })
    })
}

/// A subject line that opens, past its reply and forward prefixes, with
/// a listed surname alone and a reading right after it (`RE: Morales
/// C2D1 held - ANC 0.6`): a clinician's shorthand for one patient. Not a
/// full name or an organisation (the next word is no capitalised word),
/// and only a measured value (`Smith diabetes grant` is a project's).
fn subject_surname(r: &Res, text: &str, health: &[(usize, usize)]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t')) {
            i += 1;
        }
        let prefix = ["re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "tr:", "rv:"]
            .iter()
            .find(|p| {
                b.len() >= i + p.len() && b[i..i + p.len()].eq_ignore_ascii_case(p.as_bytes())
            });
        match prefix {
            Some(p) => i += p.len(),
            None => break,
        }
    }
    let e = word_end(b, i);
    let w = &b[i..e];
    let f = r.flags(w);
    if e < i + 3
        || !capitalised(w)
        || f & SURNAME == 0
        || f & (GENERIC | INSTITUTION | NOT_A_SURNAME | AMBIGUOUS | FIRST_NAME) != 0
    {
        return None;
    }
    if let Some((s2, e2)) = next_word(b, e)
        && capitalised(&b[s2..e2])
        && b[s2..e2].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    let first = health.partition_point(|&(hs, _)| hs < e);
    health.get(first).and_then(|&(hs, he)| {
        let gap = &text[e..hs];
        (hs <= e + 24
            && !gap.contains(['.', ',', ';', '\n'])
            && text[hs..he].bytes().any(|c| c.is_ascii_digit()))
        .then_some((i, e))
    })
}

fn possessive_care(r: &Res, text: &str, health: &[(usize, usize)]) -> Vec<(usize, usize)> {
    const REACH: usize = 120;
    let b = text.as_bytes();
    let mut out = Vec::new();
    for &(hs, he) in health {
        if out.len() >= 16 {
            break;
        }
        if r.not_own.is_match(after(text, he, 24)) {
            continue;
        }
        // Back along the line and the sentence to each `'s`, nearest first.
        let lo = hs.saturating_sub(REACH);
        let mut p = hs;
        let mut words = 0;
        while p > lo {
            if b[p - 1] != b' ' {
                break;
            }
            let we = p - 1;
            let ws = (lo..we)
                .rev()
                .find(|&i| {
                    !(b[i].is_ascii_alphanumeric() || matches!(b[i], b'\'' | b'-' | b'/' | b'+'))
                })
                .map_or(lo, |i| i + 1);
            // A word cut by the reach is no whole word; a word ending in
            // punctuation (`now.`, `days,`) leaves `ws == we` and ends the
            // walk at the sentence's or the clause's end.
            if ws >= we || (ws == lo && lo > 0) {
                break;
            }
            let w = &b[ws..we];
            if w.len() > 4
                && w.ends_with(b"'s")
                && w[..w.len() - 2].iter().all(u8::is_ascii_alphabetic)
            {
                let (ns, ne) = (ws, we - 2);
                if possessive_owner(r, b, ns, ne, we, words <= 2)
                    && !possessive_of_work(&text[ne..])
                    && !out.contains(&(ns, ne))
                {
                    out.push((ns, ne));
                }
                break;
            }
            words += 1;
            p = ws;
            // An opening bracket or quote before a word (`(sprintec)`).
            while p > lo && matches!(b[p - 1], b',' | b'(' | b')' | b'"') {
                p -= 1;
            }
        }
    }
    out
}

/// Is the possessive `b[ns..ne]` (`'s` after it, the next word at
/// `after_poss`) a person's first name (see `possessive_care`)? `close`:
/// the health fact follows within two words, where a first name that is
/// also a word is taken too.
fn possessive_owner(
    r: &Res,
    b: &[u8],
    ns: usize,
    ne: usize,
    after_poss: usize,
    close: bool,
) -> bool {
    let w = &b[ns..ne];
    let f = r.flags(w);
    let head = next_word(b, after_poss).map_or(&b""[..], |(s, e)| &b[s..e]);
    let business = capitalised(head) && !head.iter().all(u8::is_ascii_uppercase);
    let name = if close {
        f & FIRST_NAME != 0 && f & (GENERIC | INSTITUTION) == 0 && (all_lower(w) || capitalised(w))
    } else {
        lower_first_name(r, w)
            || (capitalised(w)
                && f & FIRST_NAME != 0
                && f & (AMBIGUOUS | GENERIC | INSTITUTION | NOT_A_SURNAME) == 0)
    };
    name && w.len() >= 3
        && !business
        && !MONTH_NAMES
            .iter()
            .any(|c| c.as_bytes().eq_ignore_ascii_case(w))
        && !EPONYM_HEADS
            .iter()
            .any(|h| h.as_bytes().eq_ignore_ascii_case(head))
        && !prev_word(b, ns).is_some_and(|(s, e, dotted)| {
            let pw = &b[s..e];
            clinician_title(pw)
                || title_word(pw)
                || pw.eq_ignore_ascii_case(b"st")
                || pw.eq_ignore_ascii_case(b"saint")
                // `Maria Haddad's` is the full name's (judged elsewhere);
                // after a sentence's end (`Dr. Patel. Mia's`) it is not.
                || (!dotted && capitalised(pw) && capitalised(w))
                // `the ward's diabetes audit`: a thing's, not a person's.
                || DETERMINERS.iter().any(|d| d.as_bytes().eq_ignore_ascii_case(pw))
        })
}

/// The word ending right before `s` (past one blank, or a dot and a
/// blank: `St. Mary's`), and whether a dot was passed.
fn prev_word(b: &[u8], s: usize) -> Option<(usize, usize, bool)> {
    let mut e = s;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e == s {
        return None;
    }
    let dotted = e > 0 && b[e - 1] == b'.';
    if dotted {
        e -= 1;
    }
    let st = (0..e)
        .rev()
        .find(|&i| !b[i].is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    (st < e).then_some((st, e, dotted))
}

/// A health fact that is someone's own (`her enbrel`, `his inhaler`)
/// within 120 bytes after `e`.
fn their_own_fact(b: &[u8], e: usize, health: &[(usize, usize)]) -> bool {
    let i = health.partition_point(|h| h.0 < e);
    health[i..]
        .iter()
        .take_while(|h| h.0 <= e + 120)
        .any(|&(hs, _)| {
            let pre = &b[hs.saturating_sub(4)..hs];
            pre.eq_ignore_ascii_case(b"her ") || pre.eq_ignore_ascii_case(b"his ")
        })
}

/// A relative and their first name in brackets (`mom (rosa) has another
/// uti`): the relative in care.
fn kin_then_name<'a>(
    r: &'a Res,
    b: &'a [u8],
    ls: usize,
    le: usize,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    memchr::memmem::find_iter(&b[ls..le], b" (").filter_map(move |at| {
        let we = ls + at;
        let ws = word_start_before(b, we, 16);
        let kin = &b[ws..we];
        if !RELATIVES
            .iter()
            .any(|k| k.as_bytes().eq_ignore_ascii_case(kin))
        {
            return None;
        }
        let s = we + 2;
        let e = word_end(b, s);
        let f = r.flags(&b[s..e]);
        (e >= s + 3
            && b.get(e) == Some(&b')')
            && f & FIRST_NAME != 0
            && f & (GENERIC | INSTITUTION) == 0)
            .then_some((s, e))
    })
}

/// First names whose kin writes (`this is ivy moon, ezekiel's daughter`):
/// the one named is in care, near a health fact.
fn kin_of<'a>(
    r: &'a Res,
    b: &'a [u8],
    ls: usize,
    le: usize,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    memchr::memmem::find_iter(&b[ls..le], b"'s ").filter_map(move |at| {
        let we = ls + at;
        let ws = word_start_before(b, we, 24);
        let f = r.flags(&b[ws..we]);
        (we >= ws + 3
            && (ws == 0 || !is_word(b[ws - 1]))
            && f & FIRST_NAME != 0
            && f & (GENERIC | INSTITUTION | AMBIGUOUS) == 0
            && relative_after(b, we))
        .then_some((ws, we))
    })
}

/// First names in a room on the line `[ls, le)`, told about in the third
/// person after (`peek at june in 14b? she's been nauseous`, `Grant in
/// 412 is a fall risk, he`): a ward's patients.
fn in_rooms<'a>(
    r: &'a Res,
    b: &'a [u8],
    ls: usize,
    le: usize,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    memchr::memmem::find_iter(&b[ls..le], b" in ").filter_map(move |at| {
        let (ws, we) = (word_start_before(b, ls + at, 24), ls + at);
        let digits_at = we + 4;
        let digits = b[digits_at..le]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let mut end = digits_at + digits;
        if b.get(end).is_some_and(u8::is_ascii_alphabetic) {
            end += 1;
        }
        // `in 10 minutes` is a time, not a room.
        let duration = next_word(b, end).is_some_and(|(ts, te)| {
            let w = &b[ts..te];
            [
                "min", "mins", "minutes", "hour", "hours", "hrs", "days", "weeks", "months",
                "years", "secs", "seconds",
            ]
            .iter()
            .any(|t| t.as_bytes().eq_ignore_ascii_case(w))
        });
        let room = (1..=3).contains(&digits)
            && !duration
            && !b.get(end).is_some_and(u8::is_ascii_alphanumeric)
            && (ws == 0 || !is_word(b[ws - 1]));
        let f = r.flags(&b[ws..we]);
        (room
            && we >= ws + 3
            && f & FIRST_NAME != 0
            && f & (GENERIC | INSTITUTION) == 0
            && third_person_after(b, end, 80))
        .then_some((ws, we))
    })
}

/// Contact cards (vCard) of people, not businesses (no `ORG:` or `TITLE:`
/// line), whose `NOTE` tells of their health (`NOTE:Close contact of
/// case 24-0918… Fever + cough… PCR ordered`): the card's `FN` value,
/// high. A card whose note names the person one cared for (`NOTE:Client -
/// daughter is contact`) gives it medium: the mail it rides in tells the
/// care.
fn vcard_patients(
    r: &Res,
    text: &str,
    health: &[(usize, usize)],
) -> Vec<(usize, usize, Confidence)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for start in memchr::memmem::find_iter(b, b"BEGIN:VCARD").take(32) {
        let end = memchr::memmem::find(&b[start..], b"END:VCARD").map_or(b.len(), |i| start + i);
        let card = &text[start..end];
        // Property lines: the name before `:` or `;` at a line's start.
        let field = |name: &str| {
            card.match_indices('\n').map(|(i, _)| i + 1).find(|&i| {
                let b = card.as_bytes();
                b.get(i..i + name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(name.as_bytes()))
                    && matches!(b.get(i + name.len()), Some(b':' | b';'))
            })
        };
        // A colleague's or a supplier's card (an employer, a job title)
        // tells of care only in a note with two health facts of the
        // person's own (`OH 02/2026: epilepsy - seizure 18/01/2026`), not
        // of a product, a clinic or an event (`diabetes expo`).
        let business = field("ORG").is_some() || field("TITLE").is_some();
        let (Some(fname), Some(note)) = (field("FN"), field("NOTE")) else {
            continue;
        };
        // The note's value and its folded lines (starting with a blank).
        let mut note_end = note;
        for line in card[note..].split_inclusive('\n') {
            if note_end > note && !line.starts_with([' ', '\t']) {
                break;
            }
            note_end += line.len();
        }
        let (ns, ne) = (start + note, start + note_end);
        let i = health.partition_point(|&(_, he)| he <= ns);
        let in_note = &health[i..i + health[i..].partition_point(|&(hs, _)| hs < ne)];
        // (and a date: `seizure 18/01/2026`, `OH 02/2026`)
        if business
            && (in_note.len() < 2
                || !card[note..note_end].bytes().any(|c| c.is_ascii_digit())
                || in_note
                    .iter()
                    .any(|&(_, he)| r.not_own.is_match(after(text, he, 24)))
                || card[note..note_end]
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| TRADE_WORDS.iter().any(|t| w.eq_ignore_ascii_case(t))))
        {
            continue;
        }
        let conf = if !in_note.is_empty() {
            Confidence::High
        } else if let Some(conf) = cared_for_note(&card[note..note_end]) {
            conf
        } else {
            continue;
        };
        let value = card[fname..].split(['\r', '\n']).next().unwrap_or("");
        let Some(colon) = value.find(':') else {
            continue;
        };
        let name = value[colon + 1..]
            .split(['(', ','])
            .next()
            .unwrap_or("")
            .trim();
        if name.len() >= 3 {
            let s = start
                + fname
                + colon
                + 1
                + (value[colon + 1..].len() - value[colon + 1..].trim_start().len());
            out.push((s, s + name.len(), conf));
        }
    }
    out
}

/// A supplier's or a sales contact's note on a business card.
const TRADE_WORDS: &[&str] = &[
    "clinic",
    "clinics",
    "runs",
    "specialist",
    "specialises",
    "specializes",
    "specialty",
    "speciality",
    "service",
    "services",
    "lead",
    "leads",
    "team",
    "research",
    "interest",
    "interests",
    "expo",
    "conference",
    "congress",
    "booth",
    "stand",
    "rep",
    "sales",
    "supplier",
    "vendor",
    "product",
    "products",
    "demo",
    "catalogue",
    "catalog",
    "pricing",
    "quote",
    "order",
    "orders",
    "distributor",
    "account",
    "webinar",
    "trade",
];

/// A vCard note whose first word names the card's person as one cared for
/// (`NOTE:Patient; prefers text`: high, a care word; `NOTE:Client -
/// daughter is contact`: medium, for a lawyer's clients are cards too), or
/// who has a caregiver (`NOTE:Primary caregiver: Joy (wife)`: high).
fn cared_for_note(note: &str) -> Option<Confidence> {
    let value = note.split_once(':').map_or("", |(_, v)| v).trim_start();
    // `NOTE:new patient - referred by sister`: the patient's standing
    // before the word.
    let lower = value.to_ascii_lowercase();
    let value = ["new ", "existing ", "returning ", "former ", "regular "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &value[p.len()..]))
        .unwrap_or(value);
    let first: String = value
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    match first.as_str() {
        "patient" | "resident" | "hospice" => Some(Confidence::High),
        "client" | "participant" | "member" => Some(Confidence::Medium),
        // `Primary caregiver: Joy`, not `caregiver for her mother`: the
        // card's person has one.
        _ if ["caregiver:", "caregiver is", "caregiver -"]
            .iter()
            .any(|c| value.to_ascii_lowercase().contains(c)) =>
        {
            Some(Confidence::High)
        }
        _ => None,
    }
}

/// The lines of `text` from the end, without line ends, past blank lines,
/// a phone's or a mail program's tag (`Sent from my iPhone`) and contact
/// lines: at most eight looked at.
pub(super) fn last_written_line(text: &str) -> Option<(usize, &str)> {
    let mut end = text.len();
    for _ in 0..8 {
        let body = &text[..end];
        let ls = body.trim_end().rfind('\n').map_or(0, |k| k + 1);
        let line = body[ls..].trim();
        let lower = line.to_ascii_lowercase();
        let tag = lower.starts_with("sent from")
            || lower.starts_with("get outlook")
            || lower.starts_with("enviado")
            || lower.starts_with("envoyé")
            || line.starts_with("发自")
            || line.starts_with("發自")
            || line.starts_with("来自我的")
            || lower.starts_with("--")
            || line.starts_with('—');
        let contact = line.bytes().filter(u8::is_ascii_digit).count() >= 7 || line.contains('@');
        if !line.is_empty() && !tag && !contact {
            let at = ls + body[ls..].find(line)?;
            return Some((at, line));
        }
        if ls == 0 {
            return None;
        }
        end = ls - 1;
    }
    None
}

/// `…its a bit warm too. gareth llewellyn` at the end of a text typed in
/// lower case: a listed first name and a listed surname in lower case,
/// alone on the last written line or after its last sentence.
fn lower_signature(r: &Res, text: &str) -> Option<(usize, usize)> {
    let (at, line) = last_written_line(text)?;
    let b = line.as_bytes();
    if b.len() > 400 || !b.last().is_some_and(u8::is_ascii_lowercase) {
        return None;
    }
    // A first name alone on the line, under a dash or not (`- dmitri`).
    let alone = line.trim_start_matches(['-', '–', '~', ' ']);
    if alone.len() >= 3
        && alone.bytes().all(|c| c.is_ascii_lowercase())
        && lower_first_name(r, alone.as_bytes())
    {
        return Some((at + (line.len() - alone.len()), at + line.len()));
    }
    let ls = b.iter().rposition(|&c| c == b' ')?;
    let last = &b[ls + 1..];
    let fe = ls;
    let fs = b[..fe]
        .iter()
        .rposition(|&c| c == b' ')
        .map_or(0, |k| k + 1);
    let first = &b[fs..fe];
    let opens = fs == 0 || (fs >= 2 && matches!(b[fs - 2], b'.' | b'!' | b'?' | b')'));
    (opens
        && lower_first_name(r, first)
        && (lower_listed_surname(r, last) || hyphenated_surname(r, last)))
    .then_some((at + fs, at + b.len()))
}

/// Greetings that open a note written in lower case.
const LOWER_GREETINGS: &[&[u8]] = &[
    b"hi",
    b"hello",
    b"hey",
    b"dear",
    b"good morning",
    b"good afternoon",
];

/// `hi yusuf, just a reminder…`: a greeting in lower case and a listed
/// first name in lower case opening the text's first written line.
fn lower_greeting(r: &Res, text: &str) -> Option<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    let b = &text.as_bytes()[start..text.len().min(start + 64)];
    let rest = LOWER_GREETINGS
        .iter()
        .find_map(|g| b.strip_prefix(*g)?.strip_prefix(b" "))?;
    let ns = start + (b.len() - rest.len());
    let ne = ns + rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let full = text.as_bytes();
    (matches!(full.get(ne), Some(b',' | b'!')) && lower_first_name(r, &full[ns..ne]))
        .then_some((ns, ne))
}

/// A writer introducing themself in lower case at a text's start (`hi its
/// jade pham, i have the 3 month check for the depo shot`): a listed first
/// name that is no common word, and a listed surname after it if there is
/// one. The caller wants the writer's own care too, or a short note in
/// the first person (`first_person_short_note`).
fn lower_self_intro(r: &Res, text: &str) -> Option<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    if let Some(found) = lower_self_intro_at(r, text, start) {
        return Some(found);
    }
    // A caller's own words quoted further down (a voicemail's
    // transcription: `"hi this is marisol um i had the biopsy…`), at the
    // start of a line after its quote mark.
    let b = text.as_bytes();
    memchr::memchr_iter(b'\n', b).take(200).find_map(|nl| {
        let mut p = nl + 1;
        while matches!(b.get(p), Some(b' ' | b'\t' | b'>')) {
            p += 1;
        }
        let quoted = if b[p..].starts_with(b"\"") {
            p + 1
        } else if b[p..].starts_with("\u{201c}".as_bytes()) {
            p + 3
        } else {
            return None;
        };
        lower_self_intro_at(r, text, quoted)
    })
}

fn lower_self_intro_at(r: &Res, text: &str, start: usize) -> Option<(usize, usize)> {
    let b = &text.as_bytes()[start..floor_boundary(text, text.len().min(start + 96))];
    let mut rest = b;
    for &g in LOWER_GREETINGS {
        if let Some(r) = rest.strip_prefix(g)
            && matches!(r.first(), Some(b' ' | b',' | b'!' | b'-'))
        {
            rest = r.trim_ascii_start();
            rest = rest.strip_prefix(b",").unwrap_or(rest);
            rest = rest.strip_prefix(b"!").unwrap_or(rest);
            rest = rest.strip_prefix(b"-").unwrap_or(rest).trim_ascii_start();
            break;
        }
    }
    let rest = [
        &b"this is "[..],
        b"it's ",
        b"its ",
        b"it is ",
        b"i'm ",
        b"im ",
        b"i am ",
        b"my name is ",
    ]
    .iter()
    .find_map(|p| rest.strip_prefix(*p))?;
    let full = text.as_bytes();
    let ns = start + (b.len() - rest.len());
    let e1 = ns + rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let mut ne = e1;
    if full.get(e1) == Some(&b' ') {
        let e2 = word_end(full, e1 + 1);
        if lower_listed_surname(r, &full[e1 + 1..e2])
            && !matches!(&full[e1 + 1..e2], b"um" | b"uh" | b"calling" | b"and")
        {
            ne = e2;
        }
    }
    // A first name that is also a word (`jade`) only with a surname after.
    let f = r.flags(&full[ns..e1]);
    let first = lower_first_name(r, &full[ns..e1])
        || (ne > e1
            && e1 - ns >= 3
            && f & FIRST_NAME != 0
            && f & (GENERIC | INSTITUTION) == 0
            && !shorthand_stop(&full[ns..e1]));
    if !first {
        return None;
    }
    // The name ends its clause: `, `, ` from`, ` (`, ` - ` or the line.
    let tail = &full[ne..full.len().min(ne + 6)];
    (tail.is_empty()
        || matches!(tail[0], b',' | b'.' | b'\n' | b'\r' | b'(' | b'!')
        // A speaker's filler or the call's next words (`this is marisol
        // um i had…`, `…calling about`).
        || [&b" um "[..], b" uh ", b" calling", b" and i "]
            .iter()
            .any(|w| tail.starts_with(w) || full[ne..].starts_with(w))
        || tail.starts_with(b" from")
        || tail.starts_with(b" (")
        || tail.starts_with(b" - "))
    .then_some((ns, ne))
}

/// A short note whose writer, introduced by name at `e` and not as one
/// from somewhere (`its dana from billing`), speaks in the first person
/// (`i have the 3 month check for the depo shot`) with a health fact.
fn first_person_short_note(text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    const SHORT: usize = 800;
    let lower = after(text, e, SHORT).to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let first_person = words
        .windows(2)
        .any(|p| p[0] == "i" && matches!(p[1], "have" | "had" | "was" | "am"))
        || words.iter().any(|w| matches!(*w, "i'm" | "im" | "my"));
    text.len() <= SHORT + e && !health.is_empty() && !lower.starts_with(" from ") && first_person
}

/// Set phrases of texts whose people are no patients, two of one kind
/// needed: a report of counts about many patients (a grant's progress
/// report, a quality dashboard: its names are its writers and readers,
/// `Dear Ms. Fairbanks`), and a news story (a forwarded alert, an
/// entertainment item: a public figure's health in the news is no record
/// of a patient).
const REPORT_PHRASES: &[&str] = &[
    "unique patients",
    "cell suppression",
    "small cells",
    "fewer than 11",
    "were suppressed",
];
const NEWS_PHRASES: &[&str] = &[
    "news alert",
    "breaking:",
    "breaking news",
    "told reporters",
    "told listeners",
    "told viewers",
    "media release",
    "press release",
    "news release",
    "for immediate release",
    "for immediate publication",
    "notes to editors",
    "announced today",
    "today announced",
    "obituaries",
    "survived by",
    "family notices",
    "in lieu of flowers",
    "as published on",
    "you follow this page",
    "raised so far",
    "posted publicly",
    "fundraiser you follow",
    "share the fundraiser",
    "widely reported",
    "in the national press",
    "judgment is published",
    "on his podcast",
    "on her podcast",
    "her office said",
    "his office said",
    "in a statement",
    "because you subscribed",
    "media inquiries",
    "media enquiries",
    "media contact",
    "press contact",
    "press office",
    "pleaded guilty",
    "sentenced today",
];

/// Is `text` a report of counts or a news story (`REPORT_PHRASES`,
/// `NEWS_PHRASES`)? One pass for both.
fn report_or_news(text: &str) -> bool {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let ac = AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(REPORT_PHRASES.iter().chain(NEWS_PHRASES))
            .expect("built-in phrases compile")
    });
    super::two_of_a_set(ac, text, REPORT_PHRASES.len())
}

/// How far into a text its set phrases tell its kind (a report, a news
/// story): an ordinary mail's whole text. Each 32–96 KB chunk of a large
/// text is judged on its own, and reading every chunk whole again would
/// cost a tenth of the scan.
const KIND_REACH: usize = 6 * 1024;

/// Does `text` name people who are no patients whatever it says of
/// health: an animal's owners, a car's, a published story's or a news
/// item's people, a report's readers, a training case?
pub fn names_no_patient(text: &str) -> bool {
    let r = res();
    (veterinary(r, text, true) && !owner_care(r, text))
        || car_service(r, text)
        || r.public_story.is_match(text)
        || report_or_news(&text[..floor_boundary(text, KIND_REACH)])
        || super::health::training_material(&text[..floor_boundary(text, FICTION_HEAD)])
}

/// A mail-merge template under review (`Hi {patient_first_name}, your
/// prescription {rx_number}...`): three different merge fields or more.
/// The care it speaks of (`your prescription`) is nobody's yet: no care
/// (see `health::scan`), and a colleague greeted above it is no patient.
/// A name the text gives otherwise is judged as ever.
pub(crate) fn merge_template(text: &str) -> bool {
    let b = text.as_bytes();
    let mut fields: Vec<&[u8]> = Vec::new();
    for o in memchr::memchr_iter(b'{', b) {
        // `{{field}}` once, at its inner brace.
        if b.get(o + 1) == Some(&b'{') {
            continue;
        }
        let inner = &b[o + 1..];
        let n = inner
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if n >= 3
            && inner[..n].contains(&b'_')
            && inner.get(n) == Some(&b'}')
            && !fields.contains(&&inner[..n])
        {
            fields.push(&inner[..n]);
            if fields.len() >= 3 {
                return true;
            }
        }
    }
    false
}

/// `Thandiwe,` alone on the first line of a text greets its reader.
fn lone_greeting(text: &str, s: usize, e: usize) -> bool {
    let rest = after(text, e, 8).trim_end_matches([' ', '\t']);
    // `Kaito Ōta: ur dialysis chair moves...` (a text message) too.
    s == 0
        && (rest.starts_with(",\n")
            || rest.starts_with(",\r\n")
            || rest == ","
            || rest.starts_with(": "))
}

/// A salutation's name is a patient cue when it is a full name, or when a
/// first name alone is followed by the reader's own care (`Hello Rafael,
/// your infusion is...`): `Hi Marisol, please register me` greets a
/// colleague.
fn greets_a_patient(r: &Res, text: &str, s: usize, e: usize, health: &[(usize, usize)]) -> bool {
    // `Dear Professor Kwame Owusu, your keynote on sickle cell disease`:
    // the reader's work is the letter's matter.
    let work = || {
        static R: OnceLock<Regex> = OnceLock::new();
        let w = after(text, e, 400);
        R.get_or_init(|| {
            re(&format!(
                r"(?i)(?-u:\b)your\s+(?:{})s?\s+(?:on|about|at|for|in|to)(?-u:\b)",
                READERS_WORK.join("|")
            ))
        })
        .is_match(w)
            && !readers_own_care(r, w)
    };
    (text[s..e].contains([' ', '\t'])
        || (readers_care(r, text, e, health) && !merge_template(text)))
        && !work()
}

/// The reader's own care within 400 bytes after `e`: `your results`, or
/// a second person's possessive in one of several languages at most two
/// words before a listed health term (`o resultado do seu beta-hCG`,
/// `votre coloscopie`, `Ihre Blutwerte`, `twoja mammografia`).
fn readers_care(r: &Res, text: &str, e: usize, health: &[(usize, usize)]) -> bool {
    const REACH: usize = 640;
    if readers_own_care(r, after(text, e, REACH)) {
        return true;
    }
    let first = health.partition_point(|&(hs, _)| hs < e);
    health[first..]
        .iter()
        .take_while(|&&(hs, _)| hs <= e + REACH)
        .any(|&(hs, _)| {
            let from = floor_boundary(text, hs.saturating_sub(40).max(e));
            // In the term's own sentence (`someone in your network:
            // Locum Podiatrist` is no one's care); a hard wrap may part
            // them (`votre\n> carnet de vaccination`).
            let window = &text[from..hs];
            let window = window
                .rfind([':', ';', '.', '!', '?'])
                .map_or(window, |k| &window[k + 1..]);
            let words: Vec<(&str, String)> = window
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .rev()
                .take(3)
                .map(|w| (w, w.to_lowercase()))
                .collect();
            words.iter().enumerate().any(|(i, (w, l))| {
                // German `Ihr` is the reader's only capitalised (`ihr`
                // is her or their).
                let lower_ihr = l.starts_with("ihr") && !w.starts_with('I');
                // `your talk on chronic fatigue`: the reader's work.
                let work = words[..i]
                    .iter()
                    .any(|(_, w)| READERS_WORK.contains(&w.as_str()));
                (SECOND_PERSON.contains(&l.as_str()) && !lower_ihr && !work)
                    || (i == 0 && SECOND_PERSON_RIGHT_BEFORE.contains(&l.as_str()))
            })
        })
}

/// The reader's own care in `w` as `readers_own_care` finds it, not an
/// offer to book it (`Is it time for your eye test?`, `Book your hearing
/// check`).
fn uninvited_care(r: &Res, w: &str) -> bool {
    r.your_care.find_iter(w).any(|m| {
        let pre = before(w, m.start(), 16).to_ascii_lowercase();
        let invited = [
            "time for ",
            "book ",
            "book in for ",
            "due for ",
            "overdue for ",
        ]
        .iter()
        .any(|p| pre.ends_with(p));
        !invited && readers_own_care(r, m.as_str())
    })
}

/// Only a trade's visit to the reader in `w` (`Hi Sam Okoro, your
/// engineer appointment`): the greeting names a customer.
fn trade_visit(r: &Res, w: &str) -> bool {
    r.your_care.is_match(w) && !readers_own_care(r, w)
}

/// The reader's own care in `w` (`your results`, `your crown prep
/// appointment`), not a trade's visit to them (`your engineer
/// appointment`, `your delivery slot`).
fn readers_own_care(r: &Res, w: &str) -> bool {
    const TRADES: &[&str] = &[
        "kitchen",
        "bathroom",
        "fitter",
        "carpet",
        "flooring",
        "blinds",
        "window",
        "windows",
        "furniture",
        "sofa",
        "gas",
        "meter",
        "engineer",
        "engineers",
        "installation",
        "install",
        "installer",
        "delivery",
        "broadband",
        "router",
        "boiler",
        "survey",
        "surveyor",
        "viewing",
        "salon",
        "hair",
        "haircut",
        "mot",
        "car",
        "vehicle",
        "tyre",
        "tire",
        "technician",
        "plumber",
        "electrician",
        "courier",
        "removal",
        "cleaner",
        "grooming",
    ];
    r.your_care.find_iter(w).any(|m| {
        let words = || {
            m.as_str()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|x| !x.is_empty())
        };
        // `your article about insulin pricing`, `your presentation on
        // COPD inhaler technique`: the reader's work on the topic.
        let work = words().zip(words().skip(1)).any(|(x, next)| {
            let x = x.to_ascii_lowercase();
            ((READERS_WORK.contains(&x.as_str()) || x == "presentation" || x == "slides")
                && ["on", "about"].iter().any(|p| next.eq_ignore_ascii_case(p)))
                // `your review of the stroke guideline`.
                || (x == "review" && next.eq_ignore_ascii_case("of"))
        });
        !work
            && !words().any(|x| TRADES.iter().any(|t| x.eq_ignore_ascii_case(t)))
            && !super::health::furniture_after(&w[m.end()..])
    })
}

/// Where a text message's sender tag ends, when one opens the line of
/// `s` (`Harbourside Pharmacy: Hi Declan`): at most five capitalised
/// words and a colon at the line's start, a greeting after them.
fn sender_tag_end(b: &[u8], s: usize) -> Option<usize> {
    let from = s.saturating_sub(64);
    let ls = memchr::memrchr(b'\n', &b[from..s])
        .map_or(if from == 0 { Some(0) } else { None }, |i| {
            Some(from + i + 1)
        })?;
    let colon = memchr::memchr(b':', &b[ls..s])? + ls;
    let tag = &b[ls..colon];
    let words = tag.split(|&c| c == b' ').filter(|w| !w.is_empty());
    let tagged = !tag.is_empty()
        && words.clone().count() <= 5
        && words
            .into_iter()
            .all(|w| w[0].is_ascii_uppercase() || w[0] >= 0x80)
        && b.get(colon + 1) == Some(&b' ');
    let after = colon + 2;
    (tagged && after < s && s - after <= 24).then_some(after)
}

/// Possessives that are also a third person's or another word (`su
/// equipo de diabetes`, Spanish his team): only right before the term.
const SECOND_PERSON_RIGHT_BEFORE: &[&str] = &[
    "su", "sus", "seu", "sua", "seus", "suas", "tu", "tus", "vos", "tes", "ta",
];

/// Second persons' possessives (and the formal `Ihr`) that are no other
/// common word of their languages (`je`, French `I`, Danish `din`,
/// French `ton`, Polish `pani` are left out).
/// The reader's work on a health topic (`your talk on`, `your article
/// about`), not the reader's care.
const READERS_WORK: &[&str] = &[
    "talk",
    "lecture",
    "paper",
    "article",
    "book",
    "chapter",
    "poster",
    "abstract",
    "research",
    "thesis",
    "webinar",
    "keynote",
    "seminar",
    "workshop",
    "grant",
    "expertise",
    "interest",
    "blog",
    "podcast",
    "manuscript",
    "proposal",
];

const SECOND_PERSON: &[&str] = &[
    "your", "ur", "yours", "votre", "teu", "tua", "teus", "tuas", "vuestro", "vuestra", "ihr",
    "ihre", "ihren", "ihrem", "ihrer", "ihres", "dein", "deine", "deinen", "deinem", "deiner",
    "uw", "jouw", "tuo", "tuoi", "vostro", "vostra", "ditt", "dina", "twój", "twoja", "twoje",
    "twojego", "twojej", "váš", "vaše", "vašeho", "vaší", "tvůj", "tvoje", "sizin", "senin",
];

fn title_case(w: &str) -> String {
    let mut out = w.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// Is `text` mail from a veterinary practice, by a practice word and an
/// animal word? (See `veterinary`; a practice's signature alone does not
/// count here.)
pub fn veterinary_mail(text: &str) -> bool {
    veterinary(res(), text, false)
}

/// Mail from a veterinary practice: its patients are animals, and the
/// people it names are their owners. A practice word and an animal word
/// must both occur, so a clinic note that mentions a pet stays as it is
/// (or, with no practice named, an owner writing of the animal itself:
/// `our 9-yr-old beagle`, the pet poison line);
/// or, when `signed` allows, a practice named for animals signs the text
/// (`Harbor Cat Clinic | 555-0182` in its last lines; `DVM` alone is a
/// person's degree).
fn veterinary(r: &Res, text: &str, signed: bool) -> bool {
    let b = text.as_bytes();
    // The pairs: `veterinary` + any place word; `animal`, `pet`... +
    // `hospital` or `clinic`, or + `care center`; `vet clinic`; `DVM`.
    let mut last = None;
    for m in r.vet_place.find_iter(b).filter(|m| {
        let whole = (m.start() == 0 || !is_word(b[m.start() - 1]))
            && b.get(m.end()).is_none_or(|&c| !is_word(c));
        let lower = |i: usize| b.get(i).map(u8::to_ascii_lowercase);
        let pre = before(text, m.start(), 32);
        whole
            && match (lower(m.start()), lower(m.start() + 1)) {
                (Some(b'd'), Some(b'v')) => true,
                (Some(b'v'), _) => signed && signs_off(text, m.start(), m.end()),
                _ if r.vet_word.is_match(pre) => true,
                (Some(b'c'), Some(b'l')) => {
                    r.vet_short.is_match(pre) || r.animal_word.is_match(pre)
                }
                (Some(b'h'), _) => r.animal_word.is_match(pre),
                (Some(b'c'), _) => r.animal_care.is_match(pre),
                _ => false,
            }
    }) {
        last = Some((m.start(), m.end()));
    }
    let Some((start, end)) = last else {
        return r.pet_patient.is_match(text);
    };
    let degree = b[start..end].eq_ignore_ascii_case(b"dvm");
    // A veterinary laboratory also tests for zoonoses in people: its
    // reports name animals by their record's own fields.
    let lab = [&b"diagnostics"[..], b"laboratory", b"laboratories", b"lab"]
        .iter()
        .any(|w| b[start..end].eq_ignore_ascii_case(w));
    if lab {
        static RECORD: OnceLock<Regex> = OnceLock::new();
        return RECORD
            .get_or_init(|| re(r"(?i)(?-u:\b)(?:species|breed)\s*:\s*\S"))
            .is_match(text);
    }
    // `Meadow Vets` signs for animals only beside an animal word of its
    // own (`Helping Vets` signs for veterans).
    let vets = b[start..end].eq_ignore_ascii_case(b"vets");
    if vets {
        return r.animal.find_iter(text).any(|m| {
            !["vet", "vets"]
                .iter()
                .any(|v| m.as_str().eq_ignore_ascii_case(v))
        }) || r.pet_patient.is_match(text);
    }
    r.animal.is_match(text) || (signed && !degree && signs_off(text, start, end))
}

/// A vet's mail that speaks of the owner's own health, not in a leaflet's
/// general advice (`if you are pregnant, ...`): the owner is a patient of
/// whatever care the mail names.
fn owner_care(r: &Res, text: &str) -> bool {
    r.owner_care.find_iter(text).any(|m| {
        let pre = before(text, m.start(), 12).to_ascii_lowercase();
        !(pre.ends_with("if ") || pre.ends_with("whether ") || pre.ends_with("when "))
    })
}

/// Does the name at `start..end` sign the text: one of its last lines, not
/// its first, the name last on the line or before contact details
/// (`Harbor Cat Clinic | 555-0182`), not inside a sentence (`the Animal
/// Hospital Road imaging center`)?
fn signs_off(text: &str, start: usize, end: usize) -> bool {
    const SIGNATURE_REACH: usize = 240;
    let b = text.as_bytes();
    let ls = memchr::memrchr(b'\n', &b[..start]);
    let rest = after(text, end, 8).trim_start_matches([' ', '\t']);
    end + SIGNATURE_REACH >= b.len()
        && ls.is_some()
        && (rest.is_empty()
            || rest.starts_with(['\r', '\n', '|', '-', ',', '·'])
            || rest.starts_with('\u{2014}')
            || rest.starts_with('\u{2013}'))
}

/// Mail from a car dealer's service department: its customers'
/// "appointments" and "diagnoses" concern vehicles.
fn car_service(r: &Res, text: &str) -> bool {
    // Two different words, one of them the service shop's own (a claim
    // for a crash or for travel mileage names a VIN or mileage too).
    let mut seen = 0u16;
    for m in whole_words(&r.vehicle, text) {
        seen |= 1 << (m.pattern().as_usize() / 3);
        if seen.count_ones() >= 2 && seen & SHOP_WORDS != 0 {
            return true;
        }
    }
    false
}

/// The `vehicle` words (by index) that only a service shop writes.
const SHOP_WORDS: u16 = !0b111;

/// A literal finder for `words` as written, Title-cased and UPPER-cased:
/// three spellings keep the vector search that case folding would lose
/// (these run over every text that names someone).
fn spellings(words: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .build(
            words
                .iter()
                .flat_map(|w| [w.to_string(), title_case(w), w.to_ascii_uppercase()]),
        )
        .expect("built-in word list compiles")
}

/// The matches of `ac` in `text` that are whole words, overlapping: a
/// word that opens a longer one (`chemo` in `chemotherapy`, `started
/// chemo` before it) hides none.
fn whole_words<'a>(
    ac: &'a aho_corasick::AhoCorasick,
    text: &'a str,
) -> impl Iterator<Item = aho_corasick::Match> + 'a {
    let b = text.as_bytes();
    ac.find_overlapping_iter(text).filter(move |m| {
        (m.start() == 0 || !is_word(b[m.start() - 1]))
            && b.get(m.end()).is_none_or(|&c| !is_word(c))
    })
}

/// Closing words (`Regards`, `Thanks so much`, `Atentamente`) that end a
/// message's text: before a name on its own line (`thanks - Gary
/// Kowalski`) too. A signature may also open with a rule line (`--`),
/// which before a name also opens a list item (`-- Maria Lopez`).
/// Credentials written after a clinician's name (`Kim Delgado, RN`),
/// case as written: `DO NOT` on the next line is none.
pub(crate) const CREDENTIALS: &str = r"M\.?D\.?|D\.?O\.?|R\.?N\.?|N\.?P\.?|P\.?A\.?(?:-C)?|Ph\.?D\.?|LCSW|LPC|LMFT|DDS|DMD|PharmD|FNP(?:-BC|-C)?|CNM|MSW|MPH|MBA|FACS|FACP|DNP|APRN|CRNA|PsyD|BSN|MSN|OTR|DPT|CPA|Esq|MLS|MT|CLS|RHIA|RHIT|CPC|CCS|LPN|LVN|CNA|RRT|RDN|RD|CDCES|CDE|IBCLC|SLP|CCC-SLP|ATC|EMT|PMHNP|AGNP|ACNP|CMA|RPh|DPM|LICSW|LCPC|LMHC|CADC|BCBA|MS|MA|MHA|MSc|CTR|CCRP|CCRC|CCRA|CPH|CIC|CHES|CHC|FRCS(?:Ed|\s?\((?:Eng|Ed|Glas|Tr\s?&\s?Orth|Orth|Plast|Gen\s?Surg)\))?|FRCP(?:Ed|C|I)?|FRCA|FRCR|FRCOG|FRCOphth|FRCPath|FRCPsych|FRCPCH|FRACS|FRACP|FRCSC|MRCS|MRCP|MRCGP|MBBS|MBChB|MB\s?ChB|BMBS|FDS|MFDS";
pub(crate) const SIGN_OFFS: &str = r"regards|best\s+regards|kind\s+regards|warm\s+regards|warmest\s+regards|sincerely|sincerely\s+yours|yours\s+sincerely|yours\s+truly|thanks|thank\s+you|many\s+thanks|thanks\s+again|thanks\s+so\s+much|thanks\s+a\s+lot|thanks\s+a\s+ton|thank\s+you\s+very\s+much|thanks\s+in\s+advance|dhanyavaad|shukriya|thank\s+you\s+so\s+much|with\s+thanks|gratefully|saludos|atentamente|cordialmente|atenciosamente|cordialement|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|(?:viele|liebe|beste)\s+gr(?:ü|ue)(?:ß|ss)e|obrigad[oa]|saludos\s+cordiales|un\s+saludo|best|all\s+the\s+best|best\s+wishes|cheers|respectfully|warmly|take\s+care|muchas\s+gracias|mil\s+gracias|gracias|un\s+cordial\s+saludo|merci|merci\s+beaucoup|bien\s+cordialement|bien\s+à\s+vous|grazie|grazie\s+mille|cordiali\s+saluti|distinti\s+saluti|vielen\s+dank|danke|met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|pozdrawiam|z\s+powa[żz]aniem|s\s+pozdravem|d[ěe]kuji|med\s+v[äa]nliga\s+h[äa]lsningar|v[äa]nliga\s+h[äa]lsningar|saygılarımla|te[şs]ekk[üu]rler";
/// Capitalised honorifics before a (first name and a) surname, lower-case
/// and folded to ASCII: English, Spanish, Portuguese, French and German.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "sra", "srta", "senora", "senorita", "senor", "senhora",
    "senhor", "madame", "mme", "mlle", "monsieur", "frau", "herr", "herrn", "madan", "madam",
    "msye", "gng", "pani", "signora", "signor", "mevrouw", "meneer", "dhr", "mevr", "sayin",
    "doamna", "domnul", // Not `Gospa`, `Gospod`: also "Our Lady" and "the Lord".
    "ponas", "proua", "harra",
];

/// `w` (lower case, folded) is one of `HONORIFICS`: asked at most
/// capitalised words, so looked up by binary search.
fn honorific_word(w: &str) -> bool {
    static SET: OnceLock<ShortWords> = OnceLock::new();
    SET.get_or_init(|| ShortWords::new(HONORIFICS.iter().map(|w| w.as_bytes())))
        .contains(w.as_bytes())
}

/// Words after `Sr.` that make it `Senior` (`Sr. Director Lopez`).
const SENIOR_TITLES: &[&str] = &[
    "director",
    "manager",
    "analyst",
    "engineer",
    "consultant",
    "specialist",
    "vice",
    "vp",
    "associate",
    "coordinator",
    "administrator",
    "counsel",
    "scientist",
    "developer",
    "architect",
    "advisor",
    "adviser",
    "officer",
    "account",
    "program",
    "project",
    "product",
    "clinical",
    "medical",
    "research",
    "nurse",
    "buyer",
    "editor",
    "lecturer",
    "fellow",
    "partner",
    "executive",
    "accountant",
    "auditor",
    "recruiter",
    "designer",
    "software",
    "data",
    "staff",
    "principal",
    "lead",
    "technician",
    "pharmacist",
    "therapist",
    "scheduler",
    "billing",
];

/// Common words that the name lists also hold (`pt said back pain`,
/// `gave the patient my card`): never part of a lower-case name.
const SHORTHAND_STOP: &[&str] = &[
    "said",
    "says",
    "ever",
    "my",
    "an",
    "a",
    "the",
    "journey",
    "story",
    "job",
    "minor",
    "aide",
    "elder",
    "lady",
    "baby",
    "male",
    "female",
    "infant",
    "love",
    "long",
    "little",
    "true",
    "rich",
    "frank",
    "grant",
    "ward",
    "back",
    "been",
    "will",
    "still",
    "just",
    "more",
    "down",
    "done",
    "going",
    "well",
    "right",
    "husband",
    "wife",
    "mom",
    "dad",
    "son",
    "daughter",
    "card",
    "number",
    "work",
    "call",
    "walk",
    "fine",
    "eye",
    "eyes",
    "hand",
    "hands",
    "head",
    "heart",
    "knee",
    "lung",
    "kidney",
    "blood",
    "bone",
    "arms",
    "care",
    "home",
    "today",
    "now",
    "here",
    "there",
    "also",
    "very",
    "good",
    "bad",
    "and",
    "or",
    "this",
    "that",
    "after",
    "before",
    "with",
    "from",
    "for",
    "to",
    "of",
    "in",
    "on",
    "at",
    "by",
    "not",
    "restarting",
];

/// The lower-case cues, in one automaton so that the text is searched
/// once for all of them: `patient ` and `pt ` open shorthand, the others
/// are honorifics.
const LOWER_CUES: &[&str] = &[
    "patient ",
    "pt ",
    "mr. ",
    "mrs. ",
    "ms. ",
    "mr ",
    "mrs ",
    // A relative typing in lower case (`my brother jerome lattimore got
    // admitted`): `after_patient` without a record after the name.
    "my brother ",
    "my sister ",
    "my mom ",
    "my mother ",
    "my dad ",
    "my father ",
    "my son ",
    "my daughter ",
    "my husband ",
    "my wife ",
    "my grandma ",
    "my grandmother ",
    "my grandpa ",
    "my grandfather ",
    "my aunt ",
    "my uncle ",
    "my mum ",
    "my nan ",
    "my nana ",
    "my gran ",
    "my granny ",
    "my nephew ",
    "my niece ",
    "my grandson ",
    "my granddaughter ",
    "my partner ",
    "my stepson ",
    "my stepdaughter ",
    "My brother ",
    "My sister ",
    "My mom ",
    "My mother ",
    "My dad ",
    "My father ",
    "My son ",
    "My daughter ",
    "My husband ",
    "My wife ",
    "My grandma ",
    "My grandmother ",
    "My grandpa ",
    "My grandfather ",
    "My aunt ",
    "My uncle ",
    "My mum ",
    "My nan ",
    "My nana ",
    "My gran ",
    "My granny ",
    "My nephew ",
    "My niece ",
    "My grandson ",
    "My granddaughter ",
    "My partner ",
    "My stepson ",
    "My stepdaughter ",
    // A relative's name in brackets after the relation word (`dad
    // (stanley ibe) rm 9 - peg feed stopped`).
    "dad (",
    "mum (",
    "mom (",
    "mother (",
    "father (",
    "nan (",
    "gran (",
    "grandma (",
    "grandad (",
    "grandpa (",
    "husband (",
    "wife (",
    "son (",
    "daughter (",
    "brother (",
    "sister (",
    // A request to reach someone typed in lower case (`can u call rosa
    // gutierrez back re her pap`): a name only with its errand after it.
    "call ",
    "called ",
    "calling ",
    "schedule ",
    "remind ",
    "notify ",
];

/// `412B (J.T.)`, `Rm 7 (MK):`: a room or bed number (2–4 digits and a
/// letter, or 1–4 digits after `rm`/`room`/`bed`/`bay`) and two or three
/// initials in parentheses — dotted, or bare before a colon or dash.
/// Found from each `(` by a byte test.
fn room_initials(b: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'(', b).filter_map(move |open| {
        // The initials: `J.T.`, `J. T.`, `JT`, `JTM`.
        let mut p = open + 1;
        let (mut letters, mut dots) = (0, 0);
        while p < b.len() && p < open + 10 {
            match b[p] {
                b'A'..=b'Z' if letters < 3 => letters += 1,
                b'.' => dots += 1,
                b' ' if dots > 0 => {}
                _ => break,
            }
            p += 1;
        }
        if !(2..=3).contains(&letters) || b.get(p) != Some(&b')') {
            return None;
        }
        let close = p + 1;
        let after = b[close..].trim_ascii_start();
        let dotted = dots >= letters;
        if !dotted && !after.starts_with(b":") && !after.starts_with(b"-") {
            return None;
        }
        // Units and offices written in capitals (`Ext 4471 (HR) -`).
        let initials: Vec<u8> = b[open + 1..p]
            .iter()
            .copied()
            .filter(u8::is_ascii_uppercase)
            .collect();
        if !dotted && ACRONYMS.contains(&initials.as_slice()) {
            return None;
        }
        // The room before it.
        let head = b[..open].trim_ascii_end();
        let letter = head.last().is_some_and(u8::is_ascii_uppercase);
        let digits_end = head.len() - usize::from(letter);
        let digits = head[..digits_end]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let start = digits_end - digits;
        if digits == 0 || digits > 4 || head[..start].last().is_some_and(|&c| is_word(c)) {
            return None;
        }
        let word = head[..start].trim_ascii_end();
        let w_start = word
            .iter()
            .rposition(|c| !c.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        let before_word = word[w_start..].to_ascii_lowercase();
        let room_word = matches!(before_word.as_slice(), b"rm" | b"room" | b"bed" | b"bay");
        if NOT_ROOMS.contains(&before_word.as_slice()) {
            return None;
        }
        // `In 2024 (Q.A.)`: a year.
        let year = digits == 4 && !letter && matches!(&head[start..start + 2], b"19" | b"20");
        // Bare initials only after a room word or a room's letter.
        let room = room_word || (digits >= 2 && letter) || (dotted && digits >= 3 && !year);
        room.then_some((if room_word { w_start } else { start }, close))
    })
}

/// `Checked by R.T. 03/14/2024`: initials after a sign-off word are a
/// checker's, the date the check's.
fn signed_off_before(b: &[u8], s: usize) -> bool {
    let head = b[s.saturating_sub(16)..s].to_ascii_lowercase();
    let head = head.trim_ascii_end();
    [
        &b"by"[..],
        b"checked",
        b"verified",
        b"signed",
        b"initials",
        b"initialed",
        b"reviewed",
        b"witnessed",
    ]
    .iter()
    .any(|w| {
        head.ends_with(w)
            && (head.len() == w.len() || !head[head.len() - w.len() - 1].is_ascii_alphabetic())
    })
}

/// A full date written with slashes at the start of `b` (`11/02/24`,
/// `3/9/2019`), not a longer run of digits.
fn slashed_date_at(b: &[u8]) -> bool {
    let run = |i: usize| {
        b[i.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let d1 = run(0);
    if !(1..=2).contains(&d1) || b.get(d1) != Some(&b'/') {
        return false;
    }
    let d2 = run(d1 + 1);
    let p = d1 + 1 + d2;
    if !(1..=2).contains(&d2) || b.get(p) != Some(&b'/') {
        return false;
    }
    let d3 = run(p + 1);
    (d3 == 2 || d3 == 4)
        && !b
            .get(p + 1 + d3)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'/')
}

/// `J.M., the 44yo`, `K.L. 71F`, `R. T., a 9-year-old`: two or three
/// dotted initials, then an age written as a chart writes it. Found from
/// each dot by byte tests.
fn initials_with_age(b: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'.', b).filter_map(move |dot| {
        let s = dot.checked_sub(1)?;
        if !b[s].is_ascii_uppercase() || (s > 0 && (is_word(b[s - 1]) || b[s - 1] == b'.')) {
            return None;
        }
        // The other initials: ` ?X.` once or twice more.
        let mut p = dot + 1;
        let mut letters = 1;
        while letters < 3 {
            let q = if b.get(p) == Some(&b' ') { p + 1 } else { p };
            if b.get(q).is_some_and(u8::is_ascii_uppercase) && b.get(q + 1) == Some(&b'.') {
                p = q + 2;
                letters += 1;
            } else {
                break;
            }
        }
        if letters < 2 || b.get(p).is_some_and(|&c| is_word(c)) {
            return None;
        }
        // Dotted abbreviations that are no one's initials.
        let letters_only: Vec<u8> = b[s..p]
            .iter()
            .copied()
            .filter(u8::is_ascii_uppercase)
            .collect();
        if NOT_INITIALS.contains(&letters_only.as_slice()) {
            return None;
        }
        let end = p;
        // `, the ` / ` a ` / ` (`, then the age.
        let mut q = p;
        while q < b.len() && q - p < 3 && matches!(b[q], b',' | b' ' | b'(') {
            q += 1;
        }
        for article in [&b"the "[..], b"The ", b"a ", b"an ", b"is a ", b"is an "] {
            if b[q.min(b.len())..].starts_with(article) {
                q += article.len();
                break;
            }
        }
        // A newborn's or a chart's date right after (`K.T. 11/02/24 -
        // hearing screen refer`): the initials' birth date.
        if slashed_date_at(&b[q.min(b.len())..]) && !signed_off_before(b, s) {
            return Some((s, end));
        }
        let digits = b[q.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=3).contains(&digits) {
            return None;
        }
        let mut r = q + digits;
        if b.get(r) == Some(&b' ') {
            r += 1;
        }
        let rest = &b[r.min(b.len())..];
        let marker = [
            "year-old",
            "year old",
            "years old",
            "-year-old",
            "-yo",
            "-y/o",
            "y/o",
            "y.o.",
            "yrs",
            "yo",
            // Other languages' years (`fr. K.M., 84 J.`, `84 ans`).
            "jahre",
            "j.",
            "j,",
            "jaar",
            "años",
            "anos",
            "ans",
            "anni",
            "lat",
            "yaş",
        ]
        .iter()
        .find(|m| rest.len() >= m.len() && rest[..m.len()].eq_ignore_ascii_case(m.as_bytes()))
        .map(|m| m.len())
        .or_else(|| matches!(rest.first(), Some(b'F' | b'M' | b'f' | b'm')).then_some(1))
        .or_else(|| {
            // `R.M., 91, Rm 312B`: an age, then the resident's room.
            let room = rest.strip_prefix(b", ").unwrap_or(&[]);
            [&b"rm "[..], b"room ", b"bed "]
                .iter()
                .any(|w| room.len() > w.len() && room[..w.len()].eq_ignore_ascii_case(w))
                .then_some(0)
        })?;
        let after = rest.get(marker).copied();
        (after.is_none_or(|c| !is_word(c))).then_some((s, end))
    })
}

/// Ages written with a sex (`78F`, `54 m`): one to three digits, an
/// optional blank, `m` or `f` in either case, then no letter or digit.
/// Found from the digits (few in prose). Yields (digits' start, digits'
/// end, the sex letter).
fn ages_with_sex(b: &[u8]) -> impl Iterator<Item = (usize, usize, u8)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(d) = find_in_range(b, i, b'0', b'9') {
            let mut e = d;
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
            i = e;
            let p = if matches!(b.get(e), Some(b' ' | b'\t')) {
                e + 1
            } else {
                e
            };
            let sex = b
                .get(p)
                .copied()
                .filter(|c| matches!(c, b'm' | b'f' | b'M' | b'F'));
            if let Some(sex) = sex
                && e - d <= 3
                && !b.get(p + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                return Some((d, e, sex));
            }
        }
        None
    })
}

/// Where the ASCII word ending at `we` starts, looking back at most
/// `max` bytes (`we` itself when no letter precedes it).
fn word_start_before(b: &[u8], we: usize, max: usize) -> usize {
    let from = we.saturating_sub(max);
    b[from..we]
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(from, |i| from + i + 1)
}

/// The bare initials before an age at `d` (`JT bed 7, 54M`, `- TK, rm
/// 12, 88F`): two or three bare capitals as a word, a few bytes before
/// it on its line, with only separators and a bed or room number
/// between them.
fn initials_before(b: &[u8], d: usize) -> Option<(usize, usize)> {
    let from = d.saturating_sub(24);
    let ls = memchr::memrchr(b'\n', &b[from..d]).map_or(from, |k| from + k + 1);
    let head = &b[ls..d];
    // Walk back over separators, an optional `bed 7` / `rm 12B`, and
    // separators again.
    let mut q = head.len();
    let skip_sep = |q: &mut usize| {
        while *q > 0 && matches!(head[*q - 1], b' ' | b',' | b'-' | b':' | b';' | b'/') {
            *q -= 1;
        }
    };
    let skip_word = |q: &mut usize| {
        while *q > 0 && head[*q - 1].is_ascii_alphanumeric() {
            *q -= 1;
        }
    };
    // The room number, then its word. `JT 38F` in a fridge log, `SF 61F`
    // in a forecast: without a bed or a room the age with a sex may be a
    // temperature.
    skip_sep(&mut q);
    let number_end = q;
    skip_word(&mut q);
    if !head[q..number_end].first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut r = q;
    while r > 0 && head[r - 1] == b' ' {
        r -= 1;
    }
    let ws = word_start_before(head, r, r);
    if !matches!(
        head[ws..r].to_ascii_lowercase().as_slice(),
        b"bed" | b"rm" | b"room" | b"bay"
    ) {
        return None;
    }
    q = ws;
    skip_sep(&mut q);
    let ie = q;
    skip_word(&mut q);
    let is = q;
    let initials = &head[is..ie];
    let ok = (2..=3).contains(&initials.len())
        && initials.iter().all(u8::is_ascii_uppercase)
        && (is == 0 || !is_word(head[is - 1]))
        && !NOT_INITIALS.contains(&initials)
        && !ACRONYMS.contains(&initials)
        // Nothing but the opening of a line or a list before them.
        && head[..is].iter().all(|c| matches!(c, b' ' | b'\t' | b'>' | b'-' | b'*' | b'.' | b')' | b'0'..=b'9' | b'#'));
    ok.then_some((ls + is, ls + ie))
}

/// Dotted capitals that abbreviate, not initial: `U.S. 3M masks`, `10
/// A.M. 5F room`.
const NOT_INITIALS: &[&[u8]] = &[
    b"US", b"UK", b"AM", b"PM", b"PO", b"DC", b"EU", b"UN", b"NY", b"LA", b"MD", b"RN", b"DO",
    b"PA", b"NP", b"ED", b"ER", b"OR", b"BS", b"BA", b"MS", b"MA", b"JD", b"MBA", b"PHD",
];

/// Capitals in parentheses that name a unit or an office, not a patient.
const ACRONYMS: &[&[u8]] = &[
    b"HR", b"IT", b"HQ", b"ED", b"ER", b"OR", b"ICU", b"QI", b"US", b"PT", b"OT", b"IR", b"GI",
    b"CT", b"MR", b"PR", b"EHS", b"CEO", b"CFO", b"CMO", b"CNO", b"RN", b"MD", b"NP", b"PA",
];

/// Numbers that are no room: `Ext 4471`, `Suite 410`, `Policy 1024`.
const NOT_ROOMS: &[&[u8]] = &[
    b"ext",
    b"suite",
    b"ste",
    b"bldg",
    b"building",
    b"policy",
    b"form",
    b"section",
    b"page",
    b"version",
    b"model",
    b"order",
    b"ticket",
    b"po",
    b"invoice",
    b"line",
];

/// Names in lower case after a lower-case cue (`lower_case_after`).
fn lower_case_names<'a>(r: &'a Res, b: &'a [u8]) -> impl Iterator<Item = (usize, usize)> + 'a {
    r.lower_cues.find_iter(b).filter_map(move |m| {
        let (p, label_end) = (m.start(), m.end() - 1);
        if p > 0 && is_word(b[p - 1]) {
            return None;
        }
        // `900 ms.` is a unit, not an honorific.
        let before_cue = b[..p].trim_ascii_end();
        if before_cue.last().is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let cue = m.as_bytes();
        if cue.ends_with(b"(") {
            bracketed_lower_name(r, b, m.end())
        } else if cue.starts_with(b"p") {
            after_patient(r, b, label_end, true).or_else(|| patient_surname(r, b, label_end))
        } else if cue.starts_with(b"my ") || cue.starts_with(b"My ") {
            // A relative's first name alone (`my dad tomasz wiśniewski`,
            // a surname no list holds or with letters past ASCII): the
            // writer's kin is identified by the writer.
            after_patient(r, b, label_end, false).or_else(|| {
                let (s1, e1) = next_word(b, label_end)?;
                // A name that is also a word (`my husband dale was
                // diagnosed`) with a verb of being right after it.
                let f = r.flags(&b[s1..e1]);
                let verb_after = next_word(b, e1).is_some_and(|(s2, e2)| {
                    matches!(
                        &b[s2..e2],
                        b"was" | b"is" | b"has" | b"had" | b"got" | b"needs"
                    )
                });
                let listed_word = all_lower(&b[s1..e1])
                    && f & FIRST_NAME != 0
                    && f & (GENERIC | INSTITUTION) == 0;
                // `my mum pearl whitacre`: a name that is also a word,
                // with a listed surname after it.
                if listed_word
                    && e1 - s1 >= 3
                    && let Some((s2, e2)) = next_word(b, e1)
                    && b[e1..s2].iter().all(|&c| c == b' ')
                    && lower_listed_surname(r, &b[s2..base(b, s2, e2).0])
                {
                    return Some((s1, base(b, s2, e2).0));
                }
                (e1 - s1 >= 3 && (lower_first_name(r, &b[s1..e1]) || (listed_word && verb_after)))
                    .then_some((s1, e1))
            })
        } else if !cue.starts_with(b"m") {
            after_patient(r, b, label_end, false)
                .filter(|&(_, e)| errand_follows(b, e))
                .or_else(|| kin_in_brackets(r, b, label_end))
        } else {
            // Without its dot the honorific wants a listed name after it
            // (`mr abdi`, not `mr imaging`).
            after_honorific(r, b, label_end, !cue.ends_with(b". "), cue == b"mrs ")
        }
    })
}

/// How far from a health term a lower-case name with no cue is sought.
const LOWER_NAME_REACH: usize = 120;

/// Texts typed in lower case name people with no cue at all (`fyi kofi
/// mensah-badu back in the ED again, etoh w/d... he says he wants
/// detox`): a listed first name and a listed surname, both in lower case,
/// on a line that itself starts in lower case, within reach of a health
/// term and with a third person (`he`, `her`...) after them. Sought
/// only near health terms and only on such lines, so ordinary prose costs
/// one byte test per line near a term.
fn lower_case_near_health(r: &Res, text: &str, health: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (ls, le) in lines_near_health(b, health) {
        let line = &b[ls..le];
        // Past reply quoting (`> `) to the line's first letter.
        let first = line.iter().position(u8::is_ascii_alphabetic);
        if let Some(i) = first.filter(|&i| line[i].is_ascii_lowercase()) {
            out.extend(lower_case_pairs(r, b, ls, le));
            // `agnieszka was admitted to st brigids hospice`: a first
            // name opening the line, the care event told of it.
            let (s1, e1) = (ls + i, word_end(b, ls + i));
            if e1 - s1 >= 3
                && lower_first_name(r, &b[s1..e1])
                && admitted_right_after(text, e1)
                && !out.iter().any(|&(s, _)| s == s1)
            {
                out.push((s1, e1));
            }
        }
    }
    out
}

/// The lines `[start, end)` within `LOWER_NAME_REACH` bytes of a health
/// fact, in order, each once however many facts stand on or near it.
fn lines_near_health<'a>(
    b: &'a [u8],
    health: &'a [(usize, usize)],
) -> impl Iterator<Item = (usize, usize)> + 'a {
    // Lines before `done` have been read whole; a fact's window starts at
    // the first line not read yet (searched back no further than `done`).
    let mut done = 0;
    health.iter().flat_map(move |&(hs, he)| {
        let lo = hs.saturating_sub(LOWER_NAME_REACH);
        let to = (he + LOWER_NAME_REACH).min(b.len());
        let mut ls = if to <= done {
            to
        } else if lo <= done {
            done
        } else {
            memchr::memrchr(b'\n', &b[done..lo]).map_or(done, |i| done + i + 1)
        };
        let mut lines = Vec::new();
        while ls < to {
            let le = memchr::memchr(b'\n', &b[ls..]).map_or(b.len(), |i| ls + i);
            lines.push((ls, le));
            ls = le + 1;
        }
        done = done.max(ls.min(b.len()));
        lines
    })
}

/// The lower-case `first last` pairs on the line `[ls, le)` that have a
/// third person after them (see `lower_case_near_health`).
fn lower_case_pairs(r: &Res, b: &[u8], ls: usize, le: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = ls;
    while i < le {
        if !b[i].is_ascii_lowercase()
            || (i > 0 && (is_word(b[i - 1]) || matches!(b[i - 1], b'@' | b'.' | b'/')))
        {
            i += 1;
            continue;
        }
        let e1 = word_end(b, i);
        if let Some(hit) = lower_last_first(r, b, i, e1) {
            out.push(hit);
        } else if e1 - i >= 3
            && lower_first_name(r, &b[i..e1])
            && b.get(e1) == Some(&b' ')
            && let Some(&c) = b.get(e1 + 1)
            && c.is_ascii_lowercase()
        {
            let s2 = e1 + 1;
            let (e2, _) = base(b, s2, word_end(b, s2));
            let w2 = &b[s2..e2];
            let hyphenated = w2.iter().all(|c| c.is_ascii_lowercase() || *c == b'-')
                && (double_barrelled(r, w2) || hyphenated_surname(r, w2));
            let surname = (lower_listed_surname(r, w2) || hyphenated)
                && !matches!(b.get(e2), Some(b'@' | b'.') if b.get(e2 + 1).is_some_and(u8::is_ascii_alphanumeric));
            if surname && (third_person_after(b, e2, 160) || relative_after(b, e2)) {
                out.push((i, e2));
            }
        }
        i = e1.max(i + 1);
    }
    out
}

/// `rebill the claim for okonkwo, emeka`, `re: diaz, rosa`: after `for`,
/// `re` or `pt`, a listed surname in lower case, a comma, and a listed
/// first name in lower case (the word at `[i, e1)` is the surname).
fn lower_last_first(r: &Res, b: &[u8], i: usize, e1: usize) -> Option<(usize, usize)> {
    if e1 - i < 3 || b.get(e1) != Some(&b',') || b.get(e1 + 1) != Some(&b' ') {
        return None;
    }
    let cue = b[..i].trim_ascii_end();
    let cue = cue.strip_suffix(b":").unwrap_or(cue);
    let cs = word_start_before(cue, cue.len(), cue.len());
    if !matches!(&cue[cs..], b"for" | b"re" | b"pt" | b"patient") {
        return None;
    }
    let (s2, e2) = next_word(b, e1 + 1)?;
    (lower_listed_surname(r, &b[i..e1]) && lower_first_name(r, &b[s2..e2])).then_some((i, e2))
}

/// `mensah-badu`: two halves of four letters or more that no list holds
/// as words of care or of the hyphenated phrases of ordinary text
/// (`follow-up`, `self-pay`, `long-term`).
fn hyphenated_surname(r: &Res, w: &[u8]) -> bool {
    const PHRASE_HALVES: &[&[u8]] = &[
        b"follow", b"check", b"self", b"post", b"well", b"long", b"short", b"term", b"week",
        b"year", b"time", b"care", b"home", b"walk", b"drop", b"call", b"back", b"over", b"full",
        b"half", b"part", b"next", b"last", b"same", b"high", b"risk", b"side", b"free", b"based",
        b"related", b"like", b"type", b"wide", b"level", b"step",
    ];
    let mut halves = w.split(|&c| c == b'-');
    let two = halves.clone().count() == 2;
    two && halves.all(|h| {
        h.len() >= 4
            && !PHRASE_HALVES.contains(&h)
            && r.flags(h) & (NOT_A_SURNAME | GENERIC | INSTITUTION) == 0
            && !super::health::has_term(word_str(h))
    })
}

/// `he`, `she`, `his`, `her`, `him` within a short reach after `e`.
/// `hiroshi tanaka's daughter`: a relative of the name writes.
fn relative_after(b: &[u8], e: usize) -> bool {
    let rest = &b[e..];
    let Some(rest) = rest
        .strip_prefix(b"'s ")
        .or_else(|| rest.strip_prefix("\u{2019}s ".as_bytes()))
    else {
        return false;
    };
    let we = rest
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    RELATIVES
        .iter()
        .any(|r| r.as_bytes().eq_ignore_ascii_case(&rest[..we]))
}

/// A byte span of the text.
type Span = (usize, usize);

/// Most rows of each kind [`rows_by_age`] gathers (the scan stops at
/// 2000 names anyway).
const MAX_ROWS: usize = 2000;

/// Records found from an age with a sex (`78F`), in one walk over the
/// digits (few in prose): bare initials before it (see
/// [`initials_before`]) and rows of a ward's sign-out typed in
/// lower case: an optional room, then `last, first` and the age
/// (`612  okonkwo, grace  78F  chf`, `yılmaz, elif 41F`). The shapes
/// are a record's; the caller asks for the health fact near them.
fn rows_by_age(text: &str) -> (Vec<Span>, Vec<Span>) {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        re(r"^[ \t>]*(?:[0-9]{1,4}[a-z]?[ \t]+)?(\p{Ll}[\p{Ll}'’-]+,[ \t]+\p{Ll}{2,})[ \t]+[0-9]{1,3}[ \t]?[mfMF](?-u:\b)")
    });
    let b = text.as_bytes();
    let (mut initials, mut rows) = (Vec::new(), Vec::new());
    let mut line_asked = usize::MAX;
    for (d, e, sex) in ages_with_sex(b) {
        if initials.len() >= MAX_ROWS && rows.len() >= MAX_ROWS {
            break;
        }
        if initials.len() < MAX_ROWS
            && sex.is_ascii_uppercase()
            && (d == 0 || !is_word(b[d - 1]))
            && let Some(hit) = initials_before(b, d)
        {
            initials.push(hit);
        }
        if rows.len() >= MAX_ROWS {
            continue;
        }
        // The row's shape is asked only of the lines that hold an age. A
        // row is short: its line starts and ends within 200 bytes (and
        // each look stays bounded on a long line).
        let from = d.saturating_sub(200);
        let Some(ls) = memchr::memrchr(b'\n', &b[from..d])
            .map(|k| from + k + 1)
            .or((from == 0).then_some(0))
        else {
            continue;
        };
        if ls == line_asked {
            continue;
        }
        line_asked = ls;
        let to = floor_boundary(text, (e + 200).min(b.len()));
        let le = memchr::memchr(b'\n', &b[e..to]).map_or(to, |k| e + k);
        if let Some(m) = text
            .get(ls..le)
            .and_then(|l| r.captures(l))
            .and_then(|c| c.get(1))
        {
            rows.push((ls + m.start(), ls + m.end()));
        }
    }
    (initials, rows)
}

fn third_person_after(b: &[u8], e: usize, reach: usize) -> bool {
    let w = &b[e..(e + reach).min(b.len())];
    let mut i = 0;
    while i < w.len() {
        let we = i + w[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if we > i
            && (i == 0 || !w[i - 1].is_ascii_alphanumeric())
            && [&b"he"[..], b"she", b"his", b"her", b"him"]
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&w[i..we]))
        {
            return true;
        }
        i = we + 1;
    }
    false
}

/// A word of the text as `&str` (words are ASCII letters or whole UTF-8
/// letters, so this only fails on a cut inside one).
fn word_str(w: &[u8]) -> &str {
    std::str::from_utf8(w).unwrap_or("")
}

fn all_lower(w: &[u8]) -> bool {
    w.len() >= 2 && w.iter().all(u8::is_ascii_lowercase)
}

fn shorthand_stop(w: &[u8]) -> bool {
    SHORTHAND_STOP.iter().any(|x| x.as_bytes() == w)
}

/// Clinical shorthand in lower case (`patient maria lopez, 34F, hx of
/// asthma`): two lower-case words right after the word `patient` or `pt`
/// (ending at `label_end`), the first a first name that is no common word
/// (not `will`, `may`, `grace`, `said`...), the second a listed surname,
/// and then the end of the field (`,` `(` `;` `:` a line end) or a
/// clinical verb (`seen`, `presents`...). The word before is the patient
/// cue, so `judge` still wants a health fact for high.
/// After a relation word (`record`: false) the name may run on into any
/// sentence: the relation is the cue.
fn after_patient(r: &Res, b: &[u8], label_end: usize, record: bool) -> Option<(usize, usize)> {
    // `pt (deshawn whitaker) called`: the name may open a parenthesis.
    let (s1, e1) = if b.get(label_end + 1) == Some(&b'(') {
        let s = label_end + 2;
        let e = word_end(b, s);
        (e > s).then_some((s, e))?
    } else {
        next_word(b, label_end)?
    };
    if !lower_first_name(r, &b[s1..e1]) {
        return None;
    }
    let (s2, e2) = next_word(b, e1)?;
    let (e2b, _) = base(b, s2, e2);
    (lower_listed_surname(r, &b[s2..e2b]) && (!record || record_follows(b, e2)))
        .then_some((s1, e2b))
}

/// A first name alone with whose kin it is in brackets, after a request
/// to reach them (`call back rosa (mom) at 555-0134`): the caller a
/// patient's relative is.
fn kin_in_brackets(r: &Res, b: &[u8], label_end: usize) -> Option<(usize, usize)> {
    let (mut s1, mut e1) = next_word(b, label_end)?;
    if &b[s1..e1] == b"back" {
        (s1, e1) = next_word(b, e1)?;
    }
    if !lower_first_name(r, &b[s1..e1]) {
        return None;
    }
    let rest = b[e1..].strip_prefix(b" (")?;
    let close = rest.iter().take(16).position(|&c| c == b')')?;
    let kin = &rest[..close];
    RELATIVES
        .iter()
        .any(|k| k.as_bytes().eq_ignore_ascii_case(kin))
        .then_some((s1, e1))
}

/// `stanley ibe)` or `stanley)` from `i`: a listed first name in lower
/// case and perhaps one more word, closed by the bracket.
fn bracketed_lower_name(r: &Res, b: &[u8], i: usize) -> Option<(usize, usize)> {
    let (s1, e1) = (i, word_end(b, i));
    if !lower_first_name(r, &b[s1..e1]) {
        return None;
    }
    if b.get(e1) == Some(&b')') {
        return Some((s1, e1));
    }
    let (s2, e2) = next_word(b, e1)?;
    (b[e1..s2] == *b" " && all_lower(&b[s2..e2]) && b.get(e2) == Some(&b')')).then_some((s1, e2))
}

/// A listed first name in lower case that is no common word (not `will`,
/// `may`, `grace`) and no surname-only word.
fn lower_first_name(r: &Res, w: &[u8]) -> bool {
    let f = r.flags(w);
    all_lower(w)
        && f & FIRST_NAME != 0
        && f & (AMBIGUOUS | GENERIC | INSTITUTION | NOT_A_SURNAME) == 0
        && !shorthand_stop(w)
}

/// A listed surname in lower case that is no common word.
fn lower_listed_surname(r: &Res, w: &[u8]) -> bool {
    let f = r.flags(w);
    all_lower(w)
        && f & SURNAME != 0
        && f & (NOT_A_SURNAME | GENERIC | AMBIGUOUS) == 0
        && !shorthand_stop(w)
}

/// Notes typed in lower case (`visited mr. petrosyan today`,
/// `mrs. okafor called`): a lower-case honorific with its dot (ending at
/// `label_end`), then a lower-case word that is no common word, and a
/// listed surname after it when the first word is a listed first name
/// (`ms. dana whitfield`). The honorific is the patient cue; `judge` wants
/// a health fact for high.
fn after_honorific(
    r: &Res,
    b: &[u8],
    label_end: usize,
    listed_only: bool,
    unlisted_in_record: bool,
) -> Option<(usize, usize)> {
    let (s1, e1) = next_word(b, label_end)?;
    let (e1b, _) = base(b, s1, e1);
    let w1 = &b[s1..e1b];
    let f1 = r.flags(w1);
    // `mrs abernethy-quaye`, `mrs o'dea`: a surname with its hyphen or
    // apostrophe, lower case all through.
    let joined = w1.len() >= 4
        && w1[0].is_ascii_lowercase()
        && w1.contains(&b'-') | w1.contains(&b'\'')
        && w1
            .iter()
            .all(|c| c.is_ascii_lowercase() || matches!(c, b'-' | b'\''));
    if !(all_lower(w1) || joined)
        || w1.len() < 3
        || shorthand_stop(w1)
        || f1 & (GENERIC | INSTITUTION) != 0
    {
        return None;
    }
    // An unlisted surname after `mrs` without a dot only where a record's
    // field ends right after it (`mrs quennell (rm 4) re her K`, a visit
    // log's `9am mrs abernethy-quaye - leg ulcer`); after `mr` never: `mr
    // imaging`, `mr angiography` name no one.
    let unlisted_ok = || {
        (unlisted_in_record
            && (matches!(b.get(e1b), Some(b' ' | b'\t')) && matches!(b.get(e1b + 1), Some(b'('))
                || matches!(b.get(e1b), Some(b','))
                || b[e1b..].starts_with(b" - ")
                || b[e1b..].starts_with(" – ".as_bytes())))
            || person_acts(b, e1b)
    };
    if listed_only
        && (f1 & (FIRST_NAME | SURNAME) == 0 || f1 & NOT_A_SURNAME != 0)
        && (f1 & NOT_A_SURNAME != 0 || !unlisted_ok() || super::health::has_term(word_str(w1)))
    {
        return None;
    }
    if f1 & FIRST_NAME != 0
        && e1b == e1
        && let Some((s2, e2)) = next_word(b, e1)
    {
        let (e2b, _) = base(b, s2, e2);
        let w2 = &b[s2..e2b];
        let f2 = r.flags(w2);
        if all_lower(w2) && f2 & SURNAME != 0 && f2 & NOT_A_SURNAME == 0 && !shorthand_stop(w2) {
            return Some((s1, e2b));
        }
    }
    Some((s1, e1b))
}

/// `mr oyelaran called`, `mrs quennell says`: a verb only a person does,
/// right after the word at `e` (a scan or a sequence, `mr imaging`, does
/// none of these).
fn person_acts(b: &[u8], e: usize) -> bool {
    matches!(b.get(e), Some(b' ' | b'\t'))
        && next_word(b, e).is_some_and(|(s, e)| {
            matches!(
                &b[s..e],
                b"called"
                    | b"calls"
                    | b"calling"
                    | b"phoned"
                    | b"rang"
                    | b"says"
                    | b"said"
                    | b"asked"
                    | b"asks"
                    | b"wants"
                    | b"needs"
                    | b"came"
                    | b"stopped"
                    | b"refused"
                    | b"refuses"
                    | b"declined"
                    | b"missed"
                    | b"fell"
                    | b"complains"
                    | b"complained"
                    | b"reports"
                    | b"reported"
                    | b"states"
                    | b"stated"
            )
        })
}

/// `pt in 4 kowalczyk bp 182/104`, `patient okafor: K 3.1`: after `pt`
/// or `patient` (ending at `label_end`) and an optional room, one listed
/// surname in lower case, no common word and no first name, then the end
/// of the field or a reading (a short word and a number).
fn patient_surname(r: &Res, b: &[u8], label_end: usize) -> Option<(usize, usize)> {
    let (mut s1, mut e1) = next_word(b, label_end)?;
    let room = matches!(&b[s1..e1], b"in" | b"rm" | b"room" | b"bed");
    if room {
        let d = skip_blank(b, e1)?;
        let digits = b[d..]
            .iter()
            .take(5)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=4).contains(&digits) {
            return None;
        }
        let mut p = d + digits;
        if b.get(p).is_some_and(u8::is_ascii_alphabetic)
            && !b.get(p + 1).is_some_and(u8::is_ascii_alphabetic)
        {
            p += 1;
        }
        (s1, e1) = next_word(b, p)?;
    }
    let w = &b[s1..e1];
    if w.len() < 4 || !lower_listed_surname(r, w) || r.flags(w) & FIRST_NAME != 0 {
        return None;
    }
    let reading = next_word(b, e1).is_some_and(|(s2, e2)| {
        e2 - s2 <= 6 && b.get(e2) == Some(&b' ') && b.get(e2 + 1).is_some_and(u8::is_ascii_digit)
    });
    // `patient days, rolling`, `patient level`: a common noun after
    // `patient` ends a field too; a room before or a reading after is
    // what makes the one word a patient's.
    (reading || (room && record_follows(b, e1))).then_some((s1, e1))
}

/// After a lower-case name to be called or booked: `back`, what it is
/// about (`re`, `about`, `regarding`) or a possessive.
fn errand_follows(b: &[u8], e: usize) -> bool {
    if b[e..].starts_with(b"'s") || b[e..].starts_with("\u{2019}s".as_bytes()) {
        return true;
    }
    matches!(b.get(e), Some(b' ' | b'\t'))
        && next_word(b, e).is_some_and(|(s, e)| {
            matches!(
                &b[s..e],
                b"back" | b"re" | b"about" | b"regarding" | b"asap" | b"today" | b"tomorrow"
            )
        })
}

/// What may follow a lower-case name in shorthand: the end of the field or
/// line, or a clinical verb.
fn record_follows(b: &[u8], e: usize) -> bool {
    match b.get(e) {
        None | Some(b',' | b'(' | b')' | b';' | b':' | b'\r' | b'\n') => true,
        Some(b' ' | b'\t') => next_word(b, e).is_some_and(|(s, e)| {
            matches!(
                &b[s..e],
                b"seen"
                    | b"presents"
                    | b"presenting"
                    | b"admitted"
                    | b"discharged"
                    | b"is"
                    | b"was"
                    | b"dob"
                    | b"age"
                    | b"aged"
            )
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::detect::tests::found;
    use crate::policy::finding::{Confidence, Kind};

    /// `sinitic_name` skips words over six letters before its lookup.
    #[test]
    fn sinitic_surnames_are_short() {
        assert!(super::SINITIC_SURNAMES.iter().all(|w| w.len() <= 6));
        assert_eq!(
            super::sinitic_name("Dr Lim Wei Ming rang", 3, 6),
            Some((3, 15, false))
        );
        assert_eq!(
            super::sinitic_name("CHEUNG KA MAN", 0, 6),
            Some((0, 13, false))
        );
    }

    /// A name's own words of his or her own care (`told us about his`,
    /// `said she has`, `, who has`) make a patient of the one spoken to
    /// or heard from; a spokesperson's team or a relative's care do not.
    #[test]
    fn care_told_in_a_names_own_words() {
        for t in [
            "Hi Ann,\n\nWalter Brennan told us he has diabetes.",
            "Hi Ann,\n\nWalter Brennan told us about his sleep apnea on Tuesday.",
            "Hi Ann,\n\nWe spoke to Walter Brennan about his sleep apnea.",
            "Hi Ann,\n\nThe note came from Walter Brennan, who has diabetes.",
            "Hi Ann,\n\nJane Okafor explained that she was diagnosed with asthma in May.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            "Hi Ann,\n\nJane Okafor said her team runs the diabetes clinic on Fridays.",
            "Hi Ann,\n\nPlease send the diabetes leaflets to Jane Okafor by Friday.",
            "Hi Ann,\n\nPlease thank Walter Brennan, who runs the diabetes clinic.",
            "Hi Ann,\n\nJane Okafor told the BBC about her charity's cancer walk.",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_story_window_opens_at_its_first_pronoun() {
        for (w, at) in [
            (" asked me to write. She was diagnosed", Some(20)),
            (" - he's had surgery", Some(3)),
            (" - he’s had surgery", Some(3)),
            (" said they took him to the ER", Some(16)),
            (" and HER biopsy", Some(5)),
        ] {
            assert_eq!(super::first_pronoun(w.as_bytes(), 240), at, "{w}");
        }
        // Inside other words (`the`, `shell`, `heart`, `hers`), or past
        // the limit, none.
        for w in [
            " the shell of the heart is hers",
            " whether the chemo helped",
        ] {
            assert_eq!(super::first_pronoun(w.as_bytes(), 240), None, "{w}");
        }
        assert_eq!(super::first_pronoun(b"abcdefgh she", 8), None);
        assert_eq!(super::first_pronoun(b"abcdefgh she", 9), Some(9));
        assert_eq!(super::first_pronoun(b"abcdefgh. he", 9), None);
        // `rushed her to the ER`: the verb within 240 bytes, the pronoun
        // after it.
        let t = format!(
            "Linda asked me to pass this on. {}Anyway, my brother and I rushed her to the emergency room.",
            "x ".repeat(94)
        );
        assert!(found(&t, Kind::Name) >= Some(Confidence::Medium), "{t}");
    }

    #[test]
    fn every_relation_word_elsewhere_is_in_the_set() {
        for w in super::RELATIVES_ELSEWHERE {
            assert!(super::relative_elsewhere(w.as_bytes()), "{w}");
            let mut upper = w.as_bytes().to_vec();
            upper[0].make_ascii_uppercase();
            assert!(super::relative_elsewhere(&upper), "{w}");
        }
        for w in ["Mamas", "Dear", "nonnas", "", "abcdefghijklmnopq"] {
            assert!(!super::relative_elsewhere(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn patients_with_health_facts_are_high() {
        for t in [
            "Maria Haddad's biopsy came back positive.",
            "Dear Maria Haddad,\nThis is a reminder of your appointment on March 4 at the Riverside Oncology Clinic.",
            "Patient: Lior Ben-Ami",
            "Re: Mr. Okafor - MRI results attached",
            "We saw Jon Park (DOB on file) for chest pain and started metformin.",
            "HADDAD, MARIA\nDx: breast cancer",
            "ALVAREZ-RUIZ, MARISOL\n  Rx# 6620183   ATORVASTATIN 40 MG TAB  Refills left: 2",
            "Please schedule Priya Raghunathan for a colonoscopy next week.",
            "Hi Tom Becker, your lab results are ready.",
            "patient maria lopez, 34F, presenting w/ migraine, hx of asthma",
            "pt daniel nguyen seen today for pneumonia",
            "visited mr. petrosyan (armen) today, bp 182/104, he stopped the lisinopril",
            "mrs. okafor called, her chemo is moved to friday",
            "ms. dana whitfield: biopsy results are in",
            "Estimado(a) Sr. Jesús Ortega Villanueva:\nLe recordamos su cita de quimioterapia en la Clínica de Oncología.",
            "Sra. Lucía Fernández, su biopsia está lista.",
            "Sr. José García, su quimioterapia es el lunes.",
            "GARCÍA, JOSÉ\nDx: breast cancer",
            "NOVAK, JAN 03/14/1961  Dx: type 2 diabetes",
            "Employee:        Priya Raghunathan\nDiagnosis: S39.012A lumbar strain, naproxen 500 mg",
            "Madame Maria Haddad,\nvotre rendez-vous en cardiologie est confirmé.",
            "Senhora Maria Haddad, sua consulta de pré-natal é segunda-feira.",
            "can you call back mrs okafor re her INR? she's on warfarin 5mg daily",
            "10/15 - pt (deshawn whitaker) called re lymph node bx results, path pending",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn mail_typed_fast_names_its_patients() {
        for t in [
            "pt in 4 kowalczyk bp 182/104 HA x2 days, pls come look",
            "hey its dani mr oyelaran called agian says his sugar is 400 and hes real thirsty",
            "hi yusuf, just a reminder you're on for tues 3/18 at 9 with dr castellanos. see you then!\n- front desk, lakeshore behavioral health",
            "hiya, pic of my incision from tues (hernia op) attached, is this redness normal? gareth llewellyn\n\nSent from my iPhone",
            "JT bed 7, 54M, s/p CABG POD2, K 3.1 this am, replete 40 PO",
            "hey can u rebill claim 88213-4471 for smith, john -- denied CO-16, missing modifier 25",
            "Sending over Rahul Bhatt for his DOT physical and pre-employment drug screen. He uses a CPAP for sleep apnea.",
            "SUMMARY:Therapy session – Hannah Goldberg (telehealth)\nDESCRIPTION:50-min individual psychotherapy",
            "FYI – Bobby (Robert Fairweather) in 12 refused his Lasix again this am, family coming to talk about hospice",
            "Tôi là con gái của bà Nguyễn Thị Hoa (sinh năm 1949). Mẹ tôi đang uống thuốc huyết áp.",
            "hi my dad tomasz wiśniewski is on ur flight to krakow. he is type 1 diabetic and has an insulin pump",
            "Rosa Villanueva had her mastectomy on Tuesday and came home yesterday.",
            "Kwame Asante's post-accident test came back non-negative for THC per the MRO.",
            "approved academic accommodations for the following student:\n\n  Student:     Bongani Ndlovu\n  Student ID:  10092877\n  Course:      STAT 2100-003, Spring 2025\n\nApproved accommodations:\n  - 1.5x extended time on quizzes and exams\n  - Reduced-distraction testing room (book through our testing center)\n  - Access to lecture slides 24 hours before class\n  - Use of text-to-speech software during exams\n\nWith his written consent, we are sharing that these accommodations are based on a documented specific learning disability in reading (dyslexia).",
            "I'm referring a student. Zhou Yiming (student ID 2209-41178) came to my office; he said he was prescribed sertraline.",
            "Open cases\nMarisol Etsitty (Warehouse, 2nd shift) - Crohn's disease; requests workstation near restroom",
            "heads up. Mateo Ferreira-Lopes (U14, #7) took a knee to the head. parents took him to urgent care after and they said concussion.",
            "ortho says i broke my scaphoid, hairline fracture, 6 wks in this thing\n\n- dmitri",
            "Vraagje over pt dhr. Van der Heijden, kamer 12:\nVG: DM2, hartfalen, jicht.",
            "Hélène Roux a diabète et asthme sévère, suivie au CHU.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // Common nouns after `patient`, agenda speakers, staff.
            "0.41 per 10,000 adjusted patient days, rolling 12 mo. Sepsis bundle compliance 71%.",
            "Level:    Retail / patient level\n\nNDC 70710-1203-1 metformin 500 mg",
            "09:15  Insulin pumps in type 1 diabetes - Tomás Echeverría Ruiz, MD",
            "Liên hệ: chị Võ Thị Hạnh, 206-555-0136. Khám sàng lọc tiểu đường và huyết áp.",
            "Nguyễn Hữu Phước, MD   Internal Medicine   tiểu đường",
            "mr imaging of the knee was normal; mr angiography pending",
            "hi maria, the lab meeting moved to 3. thanks\nmaria lopez",
            "ED bed 7, 54M chest pain",
            "my dad will bring the insulin cooler to the diabetes camp fair",
            "Sam Patel (Endocrinology) - Diabetes management in 2025\nRoom 4B, lunch provided",
            "Rosa Villanueva had a diabetes education class planned for Tuesday.",
            "A 67-year-old man with CKD 3b was started on allopurinol 300 mg daily.\n\nNaomi\nNaomi Achterberg, Foundation Training Programme Director",
            "Geachte mevr. Collega,\n\nDe nascholing over COPD en astma is op dinsdag.",
            "Ford Madison led the asthma walk.",
            "Q2 safety numbers across our four plants (Fairmont, Dayton, Erie, Kokomo):\n  Lost-time cases: 2, hand lacerations (4)",
            "the cast display is in the lobby; fracture clinic moved to b wing\n\n- front desk",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_given_name_over_a_line_of_care_is_no_sign_off() {
        let t = "One for your list today:\n\nLily\nLily Chen has a history of epilepsy, seizure yesterday, now on levetiracetam 500 mg twice daily.";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
    }

    #[test]
    fn a_long_message_greets_and_signs_only_at_its_ends() {
        // Paragraphs around the place where a long text is cut into
        // chunks: a line before the cut is no signature, one after it no
        // greeting.
        let filler = "The ward's diabetes audit runs on Tuesday; bring the insulin charts.\n\n";
        let signs = "pic of my incision from tues, is this redness normal? gareth llewellyn\n\n";
        let greets = "hi yusuf, you're on for tues with dr castellanos for the insulin review\n\n";
        let mut text = String::new();
        while text.len() + signs.len() < 32 * 1024 + 2 {
            text.push_str(filler);
        }
        text.push_str(signs);
        text.push_str(greets);
        while text.len() < 80 * 1024 {
            text.push_str(filler);
        }
        assert_eq!(found(&text, Kind::Name), None);
        // The same lines at the text's own ends are its greeting and its
        // signature.
        assert_eq!(
            found(&format!("{greets}{filler}"), Kind::Name),
            Some(Confidence::High)
        );
        assert_eq!(
            found(&format!("{filler}{signs}"), Kind::Name),
            Some(Confidence::High)
        );
    }

    #[test]
    fn sensitive_care_names_its_clients() {
        for t in [
            "> Did we ever get the naloxone kit to Mrs. Okafor? Her son says she's overdosed twice and she's still taking the oxycodone.",
            "Case review: G.K., 34 M\n- Admitted to 4 West 05/21\n- Night-shift baker\n- Major depressive disorder since age 19",
            "Reading:     Glucose 48 mg/dL  (threshold < 54)\nPatient:     R. Adeyemi, 67 y/o M\nProgram:     Diabetes RPM",
            "Subject: 104-017   Initials: R.T.   Sex: M   Age: 67\n\nEvent term: Febrile neutropenia\nTreatment: cefepime IV, filgrastim started 15-Mar",
            "Patient Nr. 07-0032, Initialen H.-J. K., Geburtsjahr 1955, männlich\nBehandlung: Heparin i.v., Umstellung auf Apixaban geplant",
            "Partner named in interview (primary syphilis, treated today):\n\n  Tavita Faleolo, approx 30, M\n  cell (608) 555-0143",
            "18:26 to CATHLAB GROUP          \"STEMI ALERT pt IVANOVA SVETLANA 67F ant STE, ETA 8 min via Medic 14, ASA given\"",
            "Abena Owusu-Mensah (CARDIA-HF, subj 05-014) called the study line at 3:30. She says she has had chest tightness and palpitations since her dose was increased.",
            "BEGIN:VCARD\nVERSION:3.0\nFN:Darnelle Okoro-James\nTEL;TYPE=CELL:(608) 555-0158\nNOTE:Close contact of case 24-0918 (household). Fever \n + cough since 02/06. PCR ordered.\nEND:VCARD",
            "Hoy visité a Doña Remedios Villalobos en su casa. Le hice el PHQ-9 y salió en 19; dejó de tomar la metformina.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            "Hello Riverbend Behavioral Health,\nBuild 24.3.2 of the behavioral health module ships Saturday; depression screening fixes.",
            "Hon. Patrice Oduya's chambers\nMental Health & Recovery Court: substance use disorder referrals",
            "Patient name: ____\nPatient Name: Diagnoses\n____: ____\nPatient Name: Referring provider\nAttach labs, EKG.",
            "Initials: please use your own initials when you sign the training log.\nTopic: sepsis bundle",
            "Client:  Ohio Valley Medical Center - HIM Department\nRadiology 4,112 jobs; Surgery (op notes) 911",
            "The ED calls to report a suspected case: 'Patient EX-01, Pat Example, 19-year-old college student, fever and rash, seen in urgent care yesterday.'",
            "Suite 200, Tower Building 4F, cardiology offices",
            "Reproduced in TST with test patient ZZZTEST, LABONE (MRN 9990000412, DOB 01/01/1900). ORU^R01 lab results rejected.",
            "Hello Research Finance,\nPlease load the stipend cards for visit 3 (vaccine schedule in healthy adult volunteers).",
            "BEGIN:VCARD\nFN:Celeste Brandt\nORG:Meridian Wound Care Solutions\nTITLE:Territory Manager\nNOTE:Diabetic foot ulcer dressings; PCR test kits\nEND:VCARD",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn billing_mail_names_its_patients() {
        for t in [
            "I just got off the phone with Tomasz Wójcik. His insurance won't cover the in-lab sleep study Dr. Brennan ordered.",
            "Les escribo por el estado de cuenta de mi mamá, Graciela Carrasco Ibáñez. Ella está recibiendo quimioterapia por el cáncer de mama.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            "• Formatrice : Mme Hélène Dufresne, responsable du DIM\nCodage CCAM, consultations externes, chimiothérapie.",
            "Dear Ms. Al-Rashid,\nAttached is the orthopedic extract of the 2025 professional fee schedule; knee arthroplasty rates changed.",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn review_of_the_fifteenth_sessions_shapes() {
        for t in [
            "Potluck signup: Maria Lopez brings coffee, Tom brings cream and sugar at 3 in the break room.",
            "Maria Lopez: your change was rejected in PR-204, please rebase and resubmit.",
            "On-call this weekend:\nCardiology - Sam Patel\nOncology - Maria Chen\nDialysis: Kevin Ortiz",
            "Please send the diabetes education flyers to Mrs. Okafor in Marketing by Friday",
            "We are proud of Priya Raman for her cancer research grant.",
            "Fridge log\nJT 38F\nKL 41F - insulin pens moved to shelf 2",
            "FYI Karen Moss in 311 asked whether the flu vaccine clinic for staff is still on Friday.",
            "Dona Smith from accounting is organizing our diabetes walk team",
            "free diabetes screening at the Lý Thường Kiệt school gym, đường Trần Hưng Đạo",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn new_honorific_shapes_have_their_limits() {
        // A French letter's opening is no name.
        let t = "Madame, Monsieur,\nvotre ordonnance de bisoprolol est prête.";
        assert!(found(t, Kind::Name) < Some(Confidence::Medium));
        // Without its dot, `mr` wants a listed name: `mr imaging` is a scan.
        let t = "mr imaging of the knee, then mr angiography; biopsy pending";
        assert!(found(t, Kind::Name) < Some(Confidence::Medium));
    }

    #[test]
    fn errands_co_treatment_and_more_honorifics() {
        for t in [
            "can u call rosa gutierrez back re her pap? results were ascus w/ +hr hpv",
            "Brief update on Amira Mahmoud, whom we co-treat. Her sessions have moved to every other week; she wants to come down on her medication.",
            "Quick update on Pani Stanis\u{0142}awa Wi\u{015b}niewska (91): sacral stage 2 ulcer, lorazepam 0.5 mg prn.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A lower-case name to call with no errand after it, or a
        // colleague to call about a meeting, stays below high.
        for t in [
            "pls call rosa gutierrez in the lab about the new analyzer",
            "call rosa gutierrez and ask about the conference room",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_merge_templates_reader_is_no_patient() {
        let t = "Hi Jen,\nHere is the refill template:\nHi {patient_first_name}, your prescription {rx_number} for {drug_name} is due; metformin 500 mg.";
        assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        let t = "Hi Jen,\nyour prescription for metformin 500 mg is due; refill code {rx_number}.";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        // A patient named beside the template's fields is judged as ever.
        let t = "Reminder for Maria Alvarez failed to render: Hi {first_name}, your colonoscopy on {appt_date} at {clinic_name}";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        let t = "Dear Maria Alvarez,\nYour biopsy showed invasive ductal carcinoma. Please call {{clinic_phone}}.\n{{provider_name}}";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn initials_with_an_age_in_a_handoff() {
        for t in [
            "heads up for 3E-04 (J.M., the 44yo admitted Sun w/ DKA) - insulin gtt off at 0300",
            "K.L. 71F s/p hip fracture, on heparin",
            "Bed 4: J.M. 44f\n- DKA, insulin gtt",
            "zi 12 fenster: fr. K.M., 84 J., z.n. sturz im bad, OP morgen 8 uhr,\n  marcumar pausiert",
            "chambre 3 : Mme R.D., 79 ans, pneumonie, sous amoxicilline",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // Initials without an age, or with a count, name no one.
        for t in [
            "Signed J.M., 44 units of insulin were wasted per the DKA protocol",
            "U.S. 44 states report DKA cases",
            "Dr. A.B. said the DKA protocol changed",
            "U.S. 3M N95 respirator shortage; insulin pens too",
            "10 A.M. 5F room, insulin pump class",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn lower_case_names_near_health_with_a_third_person() {
        let t = "fyi kofi mensah-badu back in the ED again, etoh w/d, CIWA 18,\ngave ativan 2mg iv. he says he wants detox this time";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        // The term may stand further along the line than the reach.
        let t = "fyi kofi mensah-badu came back in again tonight, his sister dropped him off and says he has not eaten or slept in days and is shaky, now etoh w/d";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        // One long line of terms is read once (minified JSON, CR-only
        // line ends): the name is found once.
        let line = format!(
            "fyi kofi mensah-badu has etoh w/d, he says; {}",
            "ativan ".repeat(20_000)
        );
        assert!(found(&line, Kind::Name) >= Some(Confidence::Medium));
        // No third person, a capitalised line, or an address: no name.
        for t in [
            "fyi kofi mensah-badu back in the ED again, etoh w/d, CIWA 18, ativan 2mg iv",
            "Fyi the rosa gutierrez fund pays for detox; he says so",
            "write to rosa.gutierrez@mail.example about detox, he says",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn greetings_of_more_languages_open_a_letter_to_the_one_in_care() {
        for t in [
            "Sayın AYŞE YILDIRIM,\n\n08.12.2026 tarihinde verdiğiniz kan tahlillerinizin sonuçları hazırdır.\n\nTetkikler: HbA1c, TSH",
            "Szanowna Pani Anna Wiśniewska,\n\nwyniki Pani badań są gotowe: HbA1c 7,9%, TSH w normie.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A greeting alone makes no patient.
        let t = "Sayın AYŞE YILDIRIM,\n\nsiparişiniz kargoya verildi.";
        assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
    }

    #[test]
    fn money_and_paperwork_name_the_one_in_care() {
        for t in [
            // A statement to its reader from a counselling practice.
            "Hi Reggie,\n\nHere is your statement from Sunflower Counseling Collective.\n\n02/07/2024  Individual psychotherapy (90837)  $35.00\nBalance due: $70.00",
            // A family member in brackets after the name, a health fact on the line.
            "dental claim - Amara Nwosu-Bello (daughter) - braces fitted 3 Nov",
            // A relation word, a bracket, then the name.
            "minha mae (Maria do Carmo Rezende, carteirinha 0884) fez a ressonancia do joelho",
            // Italian `Sig.ra` before a surname, a visit billed.
            "Gentile Sig.ra Santangelo,\nPrestazione: visita cardiologica con ecocardiogramma",
            // A relative's supplies are still their care.
            "receipt attached for my daughter anika's insulin pump supplies from 11/12.",
            // A lift to care.
            "SUMMARY:Pickup Rosalind Achebe - dialysis, Northgate Renal Unit",
            // A given name that is a surname too, after an act of care.
            "SUMMARY:Trauma-focused CBT intake - Kwame Asante\nDESCRIPTION:positive PTSD screen",
            // The writer's own addiction care, signed.
            "Tobias,\n\nMy drinking has got out of hand and my GP has got me a place on a 28-day residential detox and rehab programme.\n\nCallum Ferriday",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A sign-off as a named child's parent, far below the fact.
        let t = format!(
            "hi nurse jo,\nwillow got her new insulin pump fitted at the diabetes clinic on tuesday.\n{}\nngaio (willow's mum)\n555-0142",
            "- the teacher just needs to give her a juice box and recheck in 15 minutes please\n"
                .repeat(3)
        );
        assert!(found(&t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        for t in [
            // A supplier's invoice to a practice, a driver's own pickup.
            "Hi Reggie,\n\nHere is your invoice from Harbor Dental Supplies.\n\nNitrile gloves, 10 boxes, $35.00",
            "Pickup Sam Patel - 8:15 at the depot, then Leeds",
            // A merge template's reader, its fields in capitals.
            "Hi Dana,\n\n{{PATIENT_FULL_NAME}}\n{{PATIENT_CITY}}, {{PATIENT_STATE}}\nYour recent test results\nDear {{PATIENT_FIRST_NAME}},",
            // A clinic that is no health care's, a family's news, a
            // colleague called Mae, a test's significance.
            "Hi Priya,\n\nHere is your receipt from Ace Tennis Clinic.\nBackhand clinic, 6 weeks",
            "Family news: Tom Baker (son) started his apprenticeship at Leeds Teaching Hospitals.",
            "Mae (Mae Lin, reception) will run the staff flu clinic on Friday.",
            "Sig. Levene = .04 for the diabetes and hypertension groups",
            "Treatment intake - Grace Thomas (operator on duty)\nChlorine dose 1.8 mg/L",
            "Drop-off: Mark Evans - insulin fridge delivery, pharmacy store",
            "My consultant has sent me the revised VAT figures for the diabetes clinic.\n\nThanks,\nRuth Okafor",
            "programma della sessione sulla visita cardiologica: apre il Sig. Mario Bianchi\n(direttore amministrativo), segue la tavola rotonda",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_closing_after_a_sentence_is_no_record_order() {
        // `Best` and `Cheers` are surnames too; after a sentence and
        // ending the line they close a note.
        for t in [
            "Ticket 56854 is open; use the printer near the kitchen. Cheers, Sam",
            "The biopsy slides went to pathology today. Best, Sam\nSee you Monday.",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::Medium), "{t}");
        }
        // Heading a record or a numbered list, the same words are a
        // patient's name.
        let t = "BEST, SAMUEL\nDx: type 2 diabetes, metformin 500 mg";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        let t = "Cath lab add-on for tomorrow:\n1. Best, Harold\nLHC for NSTEMI, heparin drip.";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
    }

    #[test]
    fn a_first_name_greeted_is_a_patient_only_with_their_own_care() {
        let t = "Hello Rafael,\n\nYour infusion at the Summit Dialysis Center is scheduled for Friday at 9:00.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        let t = "Hi Marisol,\n\nPlease register me for the Critical Care Nursing Conference, pre-con on sepsis.";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
    }

    #[test]
    fn quoted_labelled_and_self_written_names() {
        // A reply quotes the original salutation.
        let t = "Yes, Thursday works.\n\nOn Mon, Feb 5 the clinic wrote:\n> Dear Roberta Kline,\n>\n> Dr. Fenwick has reviewed your Pap results and recommends a colposcopy with biopsy.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // Patient labels in other languages.
        for t in [
            "  Paciente:             Wilfredo Santiago Colón\n  Servicios: radiografía de tobillo",
            "  Patientin:    Hannelore Schneider, geb. 22.05.1957\n  Untersuchung: Herzschrittmacher-Kontrolle",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A patient signs a note about their own care; staff sign theirs.
        let own = "I was diagnosed with Crohn's disease last spring and have been on Stelara since September.\n\nThanks so much,\nPriya Venkataraman";
        assert_eq!(found(own, Kind::Name), Some(Confidence::High));
        let own =
            "Quick question: my migraines are down since the topiramate 25 mg.\n\nDana Whitfield\n";
        assert_eq!(found(own, Kind::Name), Some(Confidence::High));
        let staff = "The clinic will close early on Friday for the diabetes education fair.\n\nThanks so much,\nPriya Venkataraman";
        assert!(found(staff, Kind::Name).is_none_or(|c| c < Confidence::Medium));
        // A first name alone on the first line greets the reader.
        let t = "Rafael,\nYour biopsy results came back; the melanoma was removed completely.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // Signed on the last line itself.
        let own = "can you resend my colonoscopy prep instructions? procedure is 4/2. thanks - Gary Kowalski";
        assert_eq!(found(own, Kind::Name), Some(Confidence::High));
        let staff = "Reminder: my diabetes education class moved to 4B.\nThanks — Renata Silva";
        assert!(found(staff, Kind::Name).is_none_or(|c| c < Confidence::Medium));
        let staff = "I have COVID-19 test kits at the front desk. Thanks - Renata Silva";
        assert!(found(staff, Kind::Name).is_none_or(|c| c < Confidence::Medium));
        // A rule before a name opens a list item, not a signature.
        let list = "Tomorrow's diabetes clinic, patients with a history of foot ulcers:\n-- Maria Lopez\n-- John Smith";
        assert!(found(list, Kind::Name) >= Some(Confidence::Medium));
        let staff = "Hi all, I have attached the diabetes education schedule.\n\nThanks so much,\nPriya Venkataraman";
        assert!(found(staff, Kind::Name).is_none_or(|c| c < Confidence::Medium));
        let staff = "The diabetes education fair moved to room 4B.\nThanks — Renata Silva";
        assert!(found(staff, Kind::Name).is_none_or(|c| c < Confidence::Medium));
    }

    #[test]
    fn friends_told_about_titles_and_car_service() {
        // A first name alone, then the story in the third person.
        let t = "Hi all,\nLinda asked me to let you know she is sitting out book club.\n\
                 She was diagnosed with colon cancer in April and started chemo last week.";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium));
        // No story about her: no name.
        let t = "Linda asked me to book the room; she will bring the slides on diabetes care.";
        assert!(found(t, Kind::Name) <= Some(Confidence::Low) || found(t, Kind::Name).is_none());
        // A full name, then the story after a parenthesis and a clause.
        let t = "Kevin MacAllister (EVS, emp 118204) will be out through 3/20 - he had knee surgery Monday.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // A patient's quick reply, quoted, signed under its last sentence.
        let t = "Hi Teresa,\nYou're all set.\n\nOn Mon, Mar 3 <t@mail.example> wrote:\n> I need to move my chemo infusion because my counts were low. Can I come in 3/13?\n> Teresa\n";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        let t = "Please call Linda:\nI need to move my Thursday slot.\nLinda";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
        // A story of someone's work is none of their care.
        for t in [
            "Please welcome Maria Lopez to 5 West. She is a surgery resident from Ohio.",
            "Our speaker Dana Whitfield is a cancer survivor and advocate.",
            "Tom Okafor joins us next week; he has a transplant fellowship behind him.",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
        // A professor named by office is no patient.
        let t = "25 years since we survived Professor Hartley's pharmacology exams!";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
        // A car's service appointment and its diagnosis.
        let t = "Hi Maria Gonzalez,\nYour service appointment: Tuesday 8:00.\nVehicle: 2019 Honda CR-V, \
                 VIN 2HKRW2H58KH612345\nMileage: 48,000\nServices: oil change, check engine light diagnosis";
        assert_eq!(found(t, Kind::Name), Some(Confidence::Low));
        // Greetings in other languages open a patient's salutation.
        for t in [
            "Hola José,\nGreat job at yesterday's visit! Here is your new insulin plan: Lantus 22 units at bedtime.",
            "Bonjour M. François Lefèvre,\nvotre ordonnance est prête : Metformine 850 mg.",
        ] {
            assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn weekdays_test_patients_and_other_voices() {
        // A date is no `Last, First`.
        let t = "Our fitness schedule starts Monday, January 6. Yoga therapy for back care.";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
        for t in [
            "Mrs. Okafor's potassium is 6.1, pls call. Rm 512",
            "Pacjent: Tomasz Wiśniewski\nGlukoza na czczo: 131 mg/dl",
            "Hi Keisha,\nThis is a reminder of your 28-week prenatal visit on Thursday.",
        ] {
            assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        }
    }

    #[test]
    fn the_bar_the_army_and_generic_greetings_are_no_stories() {
        for t in [
            "Sarah joins our litigation team. She was admitted to the New York bar in 2015.",
            "Marcus is our new driver. He was discharged from the Army in 2010.",
            "Sehr geehrte Damen und Herren,\nanbei die Unterlagen zur Physiotherapie-Abrechnung.",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::Medium), "{t}");
        }
        let t = "Hi Damen,\nyour biopsy results are in; Dr. Lee will call you today.";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        let t = "Mr. Sharma, please remit INR 45,000 for the sodium chloride order.";
        assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
        for t in [
            "Nancy asked me to tell you: she was admitted last night with chest pain.",
            "WARD, NANCY  DOB 03/04/1950  dx pneumonia",
        ] {
            assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        }
        // Mileage twice (a travel claim) is no car dealer.
        let t = "Hi Maria Gonzalez,\nyour chemo appointment is confirmed. Mileage to the clinic: 42 miles; \
                 mileage is reimbursed.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
    }

    #[test]
    fn veterinary_mail_names_owners_not_patients() {
        let vet = "Hi Carla Mendes,\nBiscuit (canine, 6 yr) is due for a rabies booster and a heartworm test.\n\
                   Paws & Claws Animal Hospital";
        assert!(found(vet, Kind::Name) < Some(Confidence::Medium));
        let vet = "Hi Jordan Lee,\nMochi (feline, 14 yrs) is due for her thyroid recheck on methimazole 2.5 mg.\n\
                   Paws & Whiskers Cat Clinic";
        assert!(found(vet, Kind::Name) < Some(Confidence::Medium));
        // A person bitten by an animal, or a PET/CAT scan, is still a patient.
        let t = "Patient Maria Haddad, a veterinary technician, was bitten by a stray cat and seen at urgent care; rabies PEP started.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        let t = "Dear Maria Haddad, your PET scan at the Animal Hospital Road imaging center showed a lesion.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // The VA's Vet Centers are no animal clinics; an animal-services
        // report about a person bitten keeps its patient.
        let t = "Dear Maria Haddad, your PTSD group at the Vet Center moved to Tuesday; your service dog is welcome.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        let t = "County Animal Services report. Patient: John Doe, bitten by a dog; rabies PEP started.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // A clinic note that mentions a pet is still about its patient.
        let t = "Dear Maria Haddad, your biopsy came back positive. Please do not bring your dog to the infusion center.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
    }

    #[test]
    fn lower_case_shorthand_needs_listed_names() {
        for t in [
            // Common words that are also first names or surnames.
            "the patient will see the surgeon about her knee pain",
            "patient may call back about the biopsy",
            "patient portal access for your lab results",
            "apt maria lopez",
            "patient care team meeting about diabetes",
            "pt said back pain worse since Monday",
            "the patient said husband will drive her home after the colonoscopy",
            "Has the patient ever been screened for diabetes?",
            "I gave the patient my card in case the pain gets worse",
            "The patient journey work group will review the diabetes clinic pathway",
            "give the patient an eye patch after the cataract surgery",
            "pt said mom, who had breast cancer, is well",
        ] {
            assert_eq!(found(t, Kind::Name), None, "{t}");
        }
        // Milliseconds and conjunctions are no names.
        for t in [
            "latency hit 900 ms. restarting the HL7 feed for the dialysis unit",
            "welcome mr. and mrs. to the diabetes clinic open house",
        ] {
            assert_eq!(found(t, Kind::Name), None, "{t}");
        }
        // A lower-case honorific without a health fact stays below high.
        for t in [
            "our mr. fixit will look at the printer on friday",
            "ms. pac-man high score contest in the break room",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
    }

    #[test]
    fn providers_signatures_and_places_are_not_patients() {
        for t in [
            "Dr. Maria Haddad will present on oncology advances.",
            "Results reviewed by Jon Park, MD.",
            "Thanks,\nMaria Haddad\nScheduling, Riverside Oncology",
            "Keynote: Maria Haddad on diabetes care",
            "Virginia Mason Medical Center opens a new cancer wing.",
            "Electronically signed by Susan Lee, RN",
            "ORGANIZER;CN=Paula Greer:mailto:pgreer@clinic.example (diabetes care)",
            "Please welcome our Sr. Director Lopez to the oncology service line.",
            "Welcome our new Sr. Clinical Analyst for the dialysis program",
            "SPRINGFIELD, Jan. 27, 2026 - St. Brendan opens its cardiac rehabilitation center",
            "Event name: Diabetes Awareness Walk",
            "Checklist for the diabetes clinic:\n- Use the new glucose meter\n- Record the dose",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::Medium),
                "{t}"
            );
        }
    }

    #[test]
    fn names_no_list_holds_in_record_shape_and_signatures() {
        for t in [
            "614 - Warsame, Abdirahman, 71M, POD1 R TKA\nS: c/o nausea, emesis x1, zofran 4 IV",
            "Tovah Quispe-Marangoni (DOB 4/5/1961) - biopsy came back positive.",
            "I need to move my infusion on the 19th; the neuropathy is worse.\n\nThank you,\nOluwaseun Adebayo-Rhys\n",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // A signature without the writer's own care is no patient.
            "Attached is the diabetes clinic schedule.\n\nThank you,\nOluwaseun Adebayo-Rhys\n",
            // Money and weather are no age and sex.
            "Nordvale Biologics, 45M in insulin pump sales this quarter.",
            "Fort Myers, 85 F and sunny; the diabetes clinic is closed.",
            // A place in record shape has no age or birth date after it.
            "Meeting moved: Conference Room, Tuesday 10 AM, cardiology lunch.",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
    }

    #[test]
    fn signatures_with_contact_lines_nicknames_middle_names_and_bare_ages() {
        for t in [
            // The writer's own care, signed with a name and a phone only.
            "Since yesterday the right breast is red and painful. Is this mastitis? I'm taking ibuprofen 600.\n\nKeiko Yamamoto-Hall\n555-0159\n",
            // A one-word signature after a closing, then a phone.
            "My HbA1c is 8.9 and I'm taking metformin twice a day.\n\nThanks a lot,\nRohit\n+91 55501 23456\n",
            "Client: Priya \"Pree\" Raghunathan, 15 y/o\nPresenting: generalized anxiety, panic attacks.",
            "Papa (Shri Krishan Lal Malhotra, age 69) ki reports: HbA1c 8.9, creatinine 1.6.",
            "Ramon Etxeberria, 67, COPD GOLD 3 on home O2 2L; prednisone burst last week.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // A contact block under a name, but no care of the writer's own.
            "The diabetes clinic schedule is attached.\n\nKeiko Yamamoto-Hall\n555-0159\n",
            // More than contact lines follow: no signature at the end (a
            // given name no list holds: `signed` alone finds it).
            "I'm taking ibuprofen for the pain.\n\nNgaire Yamamoto-Hall\nWe also discussed the budget for next quarter at length.\n",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
    }

    #[test]
    fn relatives_name_patients_no_list_holds_and_patients_sign_their_own_notes() {
        for t in [
            "(Dr. Wang - my mom Li Meiling's BP was 172/104 last night, headache + dizzy; she takes amlodipine 5.)",
            "Mwen se manman Woodley Joseph (7 lane). Woodley gen opresyon (asthma), albuterol fini.",
            "Tôi là mẹ của bé Nguyễn Minh Khang (3 tuổi). Bé bị sốt 39,5 độ, uống Tylenol.",
            "Ana Yousef Haddad, your patient, I see you in January for the diabetes.",
            "My sugar is still high, 240 in the morning. I take the metformin 1000 two times every day.\n\nShukran ktir,\nYousef Haddad\nphone 555 012 3388\n",
            // Lower case after a relation word; terse handoffs.
            "hello\n\nmy brother jerome lattimore got admited last nite for his sugar, they said it was 600. he needs his seizure meds",
            "FYI Kyle Brennan no-showed his 2pm intake again. He's on the SUD IOP waitlist.",
            "Evelyn Marsh in 12, new open area on sacrum this am, ~3 cm. Can wound team see today?",
            // A role word inside the greeting, a person at its end.
            "Dear Donor Tavita Faleolo,\nYour hemoglobin was 11.2 at your visit, so you were deferred from donating today.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // A priest, not a father.
            "Father Brendan Kelly will lead the prayer service for cancer survivors.",
            // A role greeted, nobody named.
            "Dear Materials Management Director,\nWe are recalling infusion sets; no injuries were reported.",
            // A job application and a published story are no patient's.
            "Dear Ms. Abernethy,\nThank you for reaching out about the Medical Director, Cardiology position. I've attached my current CV.",
            "When Deborah Quaye was diagnosed with stage II breast cancer she had never run a mile. Stories are shared with permission.",
            // A forwarded news item about a public figure.
            "lol did you see this??\n\nBREAKING: Pop star Marcus Vellaine, 34, revealed on his podcast that he was treated for Hodgkin lymphoma with chemotherapy.\nRead more >> starwire.example/vellaine",
            // A library greets its patron; the book is about cancer.
            "Dear Harold Jensen,\n\nThe following items checked out on your card are due in 3 days:\n  - The Emperor of All Maladies: A Biography of Cancer\nWestfield Public Library",
            // An event registration greets its attendee.
            "Dear Ms. Girard,\nWe confirm your registration for the Rehabilitation Congress 2025.\nRegistration no: JFR25-04418\nWorkshop: rehabilitation after arthroplasty",
            // A grant's report of counts greets its program officer.
            "Dear Ms. Fairbanks,\nOur mid-year report for the hypertension outreach grant: 1,284 unique patients, 63% with blood pressure controlled. Cells with fewer than 11 patients were suppressed.",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
    }

    #[test]
    fn a_staff_list_under_its_header_is_a_roster_and_a_ward_list_is_not() {
        let list = "  Adebayo, Funmilayo    ICU         RN license         RN-1184402    07/31/2024\n  Cartwright, Lee       5 East      BLS                BLS-99421-77  08/02/2024\n  Dominguez, Ivette     L&D         NRP                NRP-2021-5530 08/15/2024\n  Halvorsen, Kari       ED          ACLS               AC-7781204    08/19/2024\n";
        let staff = format!(
            "The following staff have credentials expiring:\n\n  Name                  Unit        Credential         Number        Expires\n{list}"
        );
        // Record order is no cue there: a unit word nearby leaves them medium.
        assert!(
            found(&staff, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{staff}"
        );
        // A ward's handoff (a room column) and a list of patients to call
        // keep their patients.
        let handoff = "  Name           Room   Shift   Notes\n  Okafor, Chidi   412   Night   CHF, lasix gtt, DNR\n  Brennan, Maeve  414   Night   COPD exacerbation\n  Ruiz, Alma      415   Night   sepsis, on vanc\n  Novak, Petra    417   Night   NSTEMI, heparin gtt\n";
        assert!(
            found(handoff, Kind::Name) >= Some(Confidence::Medium),
            "{handoff}"
        );
        let calls = "Call these patients re: positive HIV results:\nOkafor, Chidi\nBrennan, Maeve\nRuiz, Alma\nNovak, Petra\n";
        assert!(
            found(calls, Kind::Name) >= Some(Confidence::Medium),
            "{calls}"
        );
        // Under a patient list's header the same lines are patients.
        let patients = format!(
            "Census:\n\n  Name                  Unit        Diagnosis          MRN           DOB\n{list}"
        );
        assert_eq!(found(&patients, Kind::Name), Some(Confidence::High));
    }

    #[test]
    fn greeted_buyers_are_no_patients_greeted_patients_are() {
        let t = "Dear Mr. Kowalczyk,\nThank you for the walk-through of the ICU. Our quote for the infusion pumps follows.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
        for t in [
            "Dear Mr. Pillai,\nDr. Whitlock would like to schedule your next injection for diabetic macular edema.",
            "Dear Mr. Pillai,\nYour invoice for your colonoscopy on May 8 is attached.",
            // `, The` on the next paragraph is no apposition (`Lopez, the
            // clinic manager`).
            "Dear Maria Lopez,\n\nThe records show an unpaid balance for your emergency department visit.",
            "Dear Maria Lopez,\n\nOur records show your emergency department visit on 9/14.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_one_word_signature_counts_only_with_the_writers_own_care() {
        let t = "Dr. Haddadi,\n\nThe lamotrigine is at 100 now. I've had this itchy rash on my arms for two days. Should I stop it?\n\nMahlet\n";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // (`Jo` is greeted near a health word: medium at most.)
        let t = "Hi Jo,\n\nThe diabetes clinic moves to room 4 on Monday.\n\nMahlet\n";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
    }

    #[test]
    fn rosters_in_record_order_are_no_patient_lists() {
        let roster = "Surgery clerkship team assignments:\n  Adebayo, Tolu   Gold / Trauma\n  Brzezinski, Anna   Vascular\n  Castillo, Mateo   Trauma / Colorectal\n  Devereaux, Claire   Colorectal\n";
        assert!(
            found(roster, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{roster}"
        );
        // A staff header speaks for its own block: after a blank line the
        // dated entries are records again.
        let staff_then_census = "Name  Unit  Credential  Expires\n  Adebayo, Tolu   4W   RN   3/4/2027\n\n  Adebayo, Tolu   3/4/1961\n  Brzezinski, Anna   5/6/1950\n  Castillo, Mateo   7/8/1944\n  Devereaux, Claire   1/2/1970\n";
        assert!(
            !super::roster(super::res(), staff_then_census),
            "{staff_then_census}"
        );
        let census = "Census 4 West:\n  Adebayo, Tolu   3/4/1961   CHF exacerbation\n  Brzezinski, Anna   5/6/1950   pneumonia\n  Castillo, Mateo   7/8/1944   sepsis\n  Devereaux, Claire   1/2/1970   COPD\n";
        assert_eq!(
            found(census, Kind::Name),
            Some(Confidence::High),
            "{census}"
        );
    }

    #[test]
    fn a_care_place_named_as_an_organisation_is_no_health_fact() {
        for t in [
            "Prezada Sra. Luciana Pereira Dantas,\n\nsegue o orçamento.\nCliente: Hospital São Vicente de Paulo",
            "Dear Ms. Maria Haddad,\nThank you for choosing us. Invoice for Mercy Clinic attached.",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
                "{t}"
            );
        }
        for t in [
            // Review findings: real PHI that the exceptions must not hide.
            "Dear Mr. Kowalczyk,\nThank you for choosing Mercy Hospital for your stay May 3-9.",
            "Dear Mrs. Alvarez,\nAttached is the invoice for the Mohs surgery on May 3. Balance due: $412.",
            "Sign-out 4W:\nAdebayo, Tolu - CHF, diuresing\nBrzezinski, Anna - pneumonia\nCastillo, Mateo - sepsis\nDevereaux, Claire - COPD flare\n",
            "The manikin for Friday's code drill is fixed.\nFYI Mr. Kowalczyk in 4B was readmitted with sepsis.",
            "Dear Ms. Maria Haddad,\nYou were in the hospital last week.",
            "Dear Ms. Maria Haddad,\nYou were moved to Unit 4B.",
            "Dear Ms. Maria Haddad,\nYou were admitted to Mercy Hospital on Monday.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn names_with_latin_letters_beyond_latin_1() {
        for t in [
            "FIN 4400918273\nBogdanović, Milena\nPayer denied the colonoscopy. Dx K57.30.",
            "Tomasz Wiśniewski was admitted with chest pain; stent placed.",
            "Heads up - Zofia Szczepańska is in triage. She was admitted at 32w, BP 148/96.",
            "Ángel Fuentes-Ibarra - his swab came back positive for chlamydia. Doxycycline 100 mg BID.",
            "FYI re Anh Trần (bed 7): trop 0.4, cath lab took her, 1 DES.",
            "Łukasz Nowak was admitted overnight with pneumonia.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn titles_in_the_body_are_passed_over() {
        // A professor can be a patient; only a greeting addresses the title.
        let t = "Frau Prof. Dr. Anna Weber wurde mit NSTEMI aufgenommen, Herzkatheter morgen.";
        assert!(found(t, Kind::Name).is_some(), "{t}");
    }

    #[test]
    fn german_handover_abbreviations_name_the_patient() {
        let t = "Zi.\tPat.\tDiagnose\n601-1\tHr. Yilmaz, 67 J.\tNSTEMI, Heparin-Perfusor nach aPTT\n602-2\tFr. Schönberger, 82 J.\tUrosepsis, Ceftriaxon 2 g";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // In English `Fr.` is a priest: a chaplains' rota names no patient.
        let t = "Sun 4/20   Fr. Peter Nwosu (Easter)  (555) 014-0124\nwe do not send patient names by text or email, to patients who may die.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
        let t = "Sprechstunde Fr. Nachmittag mit Diabetes-Schulung, heute nicht.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
        // `Mario Test` on a simulation course is a stand-in.
        let t = "\"Sig. Mario Test\", 65 anni, portato in PS per febbre e dispnea, sepsi.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
    }

    #[test]
    fn texts_and_handoffs_with_a_parenthesis() {
        for t in [
            "Kaito Ōta: ur dialysis chair moves to 6:15a M/W/F at Riverside Kidney Ctr.",
            "Tomasz Wiśniewski (emp #40321) - his cardiologist's note came in; he can return after the stent.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn an_unlisted_surname_after_mrs_in_shorthand() {
        let t =
            "hey - can u call back mrs quennell (rm 4) re her K 6.1 this am, dr wants kayexalate";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        for t in [
            "order mr angiography (with contrast) for the aneurysm",
            "mr imaging, mri safety course for techs",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::Medium),
                "{t}"
            );
        }
    }

    #[test]
    fn mis_encoded_latin_letters_end() {
        // Mojibake (`Ã©`), a capital after a word byte, a long run before one.
        for t in [
            "rÃ©sumÃ© attached, cafÃ© menu",
            "xÉ 2Ñ",
            &("a".repeat(41) + "É and ö Ála ".repeat(2000).as_str()),
        ] {
            let _ = found(t, Kind::Name);
        }
    }

    #[test]
    fn a_blank_forms_next_field_is_no_name() {
        let t = "New Patient Intake\nPatient name: Date of birth: __/__/____\nHave you ever had: [ ] stroke [ ] diabetes";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::Medium),
            "{t}"
        );
        let t = "Patient name: Dana Whitfield\nHistory of stroke, diabetes.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn a_room_and_initials_name_a_patient() {
        for t in [
            "Dispo update:\n - 412B (J.T.): CHF exacerbation, diuresed ~6L.\n",
            "Rm 7 (MK): new trach, LTACH referral sent.",
            "bed 12 (A. R.) - hip fx, NPO after midnight",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // No health fact on its line; no room; an abbreviation.
            "Suite 410 (J.T.): conference room booked.",
            "See section 4.2 (MRI): scanner maintenance windows.",
            "Call ext 4471 (HR) about the CHF fundraiser.",
            "In 2024 (Q.A.): sepsis bundle compliance 87%.",
            "Ext 4471 (HR) - flu shot clinic Tuesday",
            "Bldg 300 (HQ): CPR class",
            "Policy 1024 (QI): sepsis bundle",
            "Call 555 (JT): sepsis huddle",
        ] {
            assert!(
                found(t, Kind::Name).is_none_or(|c| c < Confidence::Medium),
                "{t}"
            );
        }
    }

    #[test]
    fn an_honorific_before_a_title_is_a_clinicians_address() {
        let t = "Sehr geehrte Frau Dr. Müller-Lüdenscheidt,\nzu Ihrer Bestellung: HbA1c-Reagenz, Troponin I hs, Kreatinin.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::High),
            "{t}"
        );
        let t = "Dear Mrs. Okafor,\nyour biopsy results are ready.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn a_public_figure_in_a_news_digest_is_no_patient() {
        let t = "HEALTH BRIEF\nState Senator Margaret Ellison, 71, said Tuesday she is recovering well after a total hip replacement. Her office said she expects to return within two weeks.\n\nYou're receiving this because you subscribed to Health Brief.";
        assert!(
            found(t, Kind::Name).is_none_or(|c| c < Confidence::Medium),
            "{t}"
        );
    }

    #[test]
    fn a_credential_on_the_next_line_makes_no_provider() {
        // `DO NOT` opening the next line is no Doctor of Osteopathy.
        let t = "Please call Maria Lopez\nDO NOT start the metformin until her creatinine is back.";
        assert!(found(t, Kind::Name).is_some(), "{t}");
        let t = "Please call Maria Lopez, DO about the metformin.";
        assert!(found(t, Kind::Name).is_none(), "{t}");
    }

    #[test]
    fn names_without_health_are_at_most_medium() {
        assert_eq!(
            found("Dear Maria Haddad, your order has shipped.", Kind::Name),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("Maria Haddad joined the finance team.", Kind::Name),
            Some(Confidence::Low)
        );
        assert_eq!(found("May Day parade", Kind::Name), None);
        assert_eq!(found("Grace Hospital", Kind::Name), None);
    }

    /// Highest name confidence in the body under `subject`.
    fn body_name_under(subject: &str, body: &str) -> Option<Confidence> {
        use crate::policy::detect::{DetectorConfig, scan_segment};
        use crate::policy::finding::{Location, Sink};
        let cfg = DetectorConfig::default();
        let mut sink = Sink::new();
        scan_segment(subject, Location::Subject, &cfg, &mut sink);
        scan_segment(body, Location::Body, &cfg, &mut sink);
        sink.into_findings()
            .into_iter()
            .filter(|f| f.kind == Kind::Name && f.location == Location::Body)
            .map(|f| f.confidence)
            .max()
    }

    #[test]
    fn a_story_about_the_person_the_subject_names() {
        let rosa = "Dear Ms. Pellegrino,\n\nRosa has had a quieter week. She's been eating \
                    most meals. The confusion is back to her baseline for her dementia.\n";
        assert_eq!(
            body_name_under("Weekly update - Rosa", rosa),
            Some(Confidence::High)
        );
        let theo = "Hi Jen!\n\nTheo had a GREAT session. He is still fronting, as expected \
                    with his phonological disorder goals.\n\nTalk soon,\nMaddie\n";
        assert_eq!(
            body_name_under("Theo - today's session + stuttering q", theo),
            Some(Confidence::High)
        );
    }

    #[test]
    fn staff_to_leave_things_with_and_greeted_groups_are_no_patients() {
        for t in [
            "For medication refills or forms, please leave them with Ms. Finch in the office.",
            "Dear Camp Pinecrest families,\nhealth forms and the physical exam copy are due.",
            "Hi Nursing Students & New Grads,\nNow hiring: RN - Oncology Infusion Center.",
            "Rosa, Maricela and Guadalupe still need to turn in their CPR cards to HR.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn lower_case_sign_out_rows_and_relatives() {
        let t = "blue team signout - 4 pts\n612  okonkwo, grace  78F  chf exac\n     - lasix 40 iv bid\n";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        let t = "hi dr mensah, this is emiko, hiroshi tanaka's daughter. dad had the PET scan last thursday";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // A list of things in lower case with a number is no row.
        let t = "supplies: gauze, tape 12m rolls; order more insulin syringes\n";
        assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn review_fail_opens_stay_closed() {
        for t in [
            "Smith, John, Bed 4 - CHF exacerbation, on Lasix drip",
            "Johnson, Mary, Female, 03/04/1951, Dx: type 2 diabetes",
            "the sevelamer refill is ready - please leave it with Mr. Okafor at the front door; he started dialysis Monday.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn second_review_cases_in_latin_letters() {
        assert_eq!(
            body_name_under(
                "Weekly update - Rosa",
                "Rosa joined us for music hour on Tuesday and she enjoyed it. Her dementia is worse in the evenings.\n\nMaple Grove Retirement Community\n"
            ),
            Some(Confidence::High)
        );
        let t = "Maria, Rosa, Ana, and Lupe staffed the diabetes screening booth.";
        assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn staff_and_news_in_review_are_no_patients() {
        for t in [
            "Hi all, my name is Jennifer Walsh and I'm the new nurse manager on the oncology unit.",
            "Thanking our donor, Margaret Chen, whose gift funds the new infusion center for cancer patients.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        assert_ne!(
            body_name_under(
                "Please welcome Maria to 4 West",
                "Maria joins us from St. Luke's, where she spent ten years in the ICU caring for stroke patients.\n"
            ),
            Some(Confidence::High)
        );
        assert_ne!(
            body_name_under(
                "My Shift Swap Request",
                "My shift on 4 West (oncology unit) needs coverage; Dana said she can take it.\n"
            ),
            Some(Confidence::High)
        );
        assert_ne!(
            body_name_under(
                "gene therapy grand rounds",
                "advances in gene therapy for sickle cell disease; Dr. Lee will show her data\n"
            ),
            Some(Confidence::High)
        );
    }

    #[test]
    fn a_subject_name_that_is_no_story_about_a_patient() {
        // The reader greeted, a clinician's title, a name with no health
        // fact, a name the subject does not hold.
        let greeted =
            "Hi Rosa,\nthe dementia training is on Friday; she said her slides are ready.\n";
        assert_ne!(
            body_name_under("Rosa - training", greeted),
            Some(Confidence::High)
        );
        let doctor = "Walter served our pediatrics unit for 30 years. He was loved.\n";
        assert_ne!(
            body_name_under("In memoriam: Dr. Walter Lindqvist", doctor),
            Some(Confidence::High)
        );
        let no_fact = "Rosa has booked the room. She will bring her laptop.\n";
        assert_ne!(
            body_name_under("Weekly update - Rosa", no_fact),
            Some(Confidence::High)
        );
        let other = "Rosa has had a quieter week. She's eating; her dementia is stable.\n";
        assert_ne!(
            body_name_under("Weekly update - Linda", other),
            Some(Confidence::High)
        );
    }

    #[test]
    fn occupational_military_and_custody_records_name_their_person() {
        use crate::policy::detect::tests::found;
        for t in [
            // A slide of a club's injuries: a name, a dash, a graded
            // condition and its date.
            "Unavailable\nKai Brennan - grade 2 hamstring tear (R biceps femoris), MRI 28/02\nTomas Ruiz - concussion 01/03, graduated return-to-play",
            // A ship's master: a crew member with a bracketed note and an age.
            "Please arrange ambulance for crew member:\n\nAB Rolando Dimaculangan (Filipino national), age 29\nSuspected acute appendicitis, vomiting.",
            // A mutual's letter: the worker's field, Don before the name.
            "Trabajador: D. Óscar Llamazares Peña\nDNI: 71.448.203-K\nDiagnóstico: esguince de tobillo derecho grado II",
            // A card an OH nurse sends: the employer's card, its note the
            // worker's own epilepsy.
            "BEGIN:VCARD\nVERSION:3.0\nFN:Orla Kavanagh\nORG:Greenlane Utilities\nNOTE:OH 02/2026: epilepsy - seizure 18/01/2026. Not to drive company vehicles.\nEND:VCARD\n",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A name field holds a name, a given name that is also a word
        // (`Jordan`) with an unlisted surname too.
        assert!(
            found(
                "Rank/Name: Cpl Jordan Achterberg-Wyse    Service no: 30119482\nBoard date: 06/02/2026\nFindings\nPost-traumatic stress disorder. Sertraline 100 mg daily.",
                Kind::Name
            )
            .is_some_and(|c| c >= Confidence::Medium)
        );
        for t in [
            // An agenda's and a rota's lines: topics, times, roles.
            "Agenda\n\nAmy Li - Asthma 10:30\nRaj Patel - diabetes (guest speaker)\nSam Patel - lead for diabetes 12/03",
            "Rota\n\nSam Hughes - cardiology 08:00-17:00\nAnn Cole - general surgery 12/03",
            // A slide's heading, no one's name.
            "Case: treatment-resistant depression\n- A man in his 40s",
            // A supplier's card met at an expo.
            "BEGIN:VCARD\nFN:Orla Kavanagh\nORG:Medi Supplies Ltd\nNOTE:Met at the diabetes expo; insulin pumps rep.\nEND:VCARD\n",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn staff_named_beside_their_work_and_people_telling_their_own_care() {
        use crate::policy::detect::tests::found;
        for t in [
            "Das MRT von Niklas Obermaier zeigt einen Riss des vorderen Kreuzbands im linken Knie.",
            "I want to be open that I have type 1 diabetes, managed on an insulin pump.\n\nYours sincerely,\nMs Aoife Brennan RN",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A greeting's `soy` is no cue (`Hola, soy X, la nueva educadora`),
        // but `me diagnosticaron` is care.
        let t = "Hola, soy Lucía Fernández, tengo 29 años y me diagnosticaron lupus el año pasado.";
        assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        assert!(found(t, Kind::Name).is_some(), "{t}");
        for t in [
            "Ciao, sono Giulia Rossi, la nuova infermiera: i miei pazienti con diabete mi conoscono già.",
            "Please send referrals for my asthma reviews to the shared inbox.\n\nThanks,\nJane Porter RN",
            "Agenda\n\nAmy Li - Asthma - 10:30\nAmy Li - Diabetes (TBC)\nAna López - Diabetes (ponente)\nAmy Li - Living with diabetes",
            "Frau Dr. Lorenz kommt vom Herzzentrum Nordstadt und ist spezialisiert auf Herzinsuffizienz.",
            "Benedict's interests are hypertrophic cardiomyopathy and inherited cardiac conditions.",
            "Notizie\n\nLa nostra presidente Giulia Rossi, 48 anni, ha aperto la giornata sul diabete.",
            // A nurse's signature under a patient's care is no own care.
            "The patient's sugars were high overnight; insulin increased.\n\nThanks,\nMs Aoife Brennan RN",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_name_again_a_patient_word_and_own_care_in_other_languages() {
        use crate::policy::detect::tests::found;
        for t in [
            // The given name again opens a sentence of her own condition.
            "Great news - Thandiwe Mahlangu has signed the media consent form, so Thursday's shoot for the campaign is on, and the crew is booked for the whole morning at the rehab gym.\n- Thandiwe is 18 months out from her double lung transplant.",
            "Thandiwe Mahlangu is doing well after her lung transplant.",
            // The given name again, with a verb of having or taking and
            // no possessive, in Spanish and in English.
            "El reconocimiento de Tomás Reyes Lindqvist fue el martes 9 de febrero en la oficina de la productora, con el equipo completo de rodaje y los abogados de la aseguradora.\nTomás declaró que tiene hipertensión.",
            "We met Lena Kowalczyk on the Tuesday shoot with the whole camera crew, the writers, the two producers and the team from the distributor, and everyone stayed for lunch after.\nLena says she has asthma.",
            // A surname after `pt` or `patient`.
            "4N-417 is empty now, pt Yusupov went home at 13:50. He was on contact precautions for C. diff.",
            "Patient Yusupov: potassium 6.1 this morning, repeat in 4 hours.",
            // The writer's own pregnancy, signed.
            "Oi Marcos,\n\nestou grávida de 14 semanas! Tenho consultas de pré-natal a cada quatro semanas.\n\nObrigada!\nLuana Figueiredo\n",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // Her work, a cause or someone else's after `her`.
            "Thandiwe Mahlangu joined the team in May. Thandiwe is presenting her research on lung transplant outcomes.",
            "Thandiwe Mahlangu is running for her mother's dementia charity.",
            // Goods, duties and topics after a verb of having or taking.
            "Maria Lopez has a diabetes grant report due Friday.",
            "Kevin Marsh takes insulin pump orders on Mondays.",
            "Chris Young takes cancer cover enquiries.",
            // A verb of having before someone else's or a cause's term.
            "We met Lena Kowalczyk on the Tuesday shoot with the whole camera crew, the writers, the two producers and the team from the distributor, and everyone stayed for lunch after.\nLena has a cancer charity walk on Sunday.",
            "We met Lena Kowalczyk on the Tuesday shoot with the whole camera crew, the writers, the two producers and the team from the distributor, and everyone stayed for lunch after.\nLena said her uncle has diabetes research funding.",
            "Please log in to the Patient Portal to read about C. diff precautions.",
            "Patient Maria asked about the flu vaccine clinic hours.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A test and its finding after a name and a dash; a Polish son's
        // father after his discharge.
        let t = "Tevita Lolohea - MRI shows medial meniscus tear R knee, pls call";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        let t = "piszę w sprawie mojego ojca, Zbigniewa Wróblewskiego. Od wypisu ze szpitala po udarze tata jest w domu, czy może brać ibuprofen z klopidogrelem?";
        assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
        assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        // A son signs for his father, with an honorific between them.
        let t = "tata duzo gorzej oddycha, w nocy saturacja spadla do 86%\n\npozdrawiam\nKrzysztof Nowicki\n(syn p. Zbigniewa Nowickiego)";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // A nurse's experience with patients after a stroke is her work.
        let t = "Od 2019 roku opiekuję się pacjentami po zawale serca i po udarze mózgu.\n\nZ wyrazami szacunku\nKatarzyna Nowicka";
        assert_ne!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        // An Italian doctor's title before the signer: no patient at all.
        let t = "Le invio i dati aggregati: ricoverati di nuovo 312, sacubitril/valsartan alla dimissione 41 %.\n\nCordiali saluti,\nDott. Lorenzo Bellandi-Ferri\nRegistro Regionale";
        assert!(found(t, Kind::Name) < Some(Confidence::Medium), "{t}");
    }

    #[test]
    fn work_services_type_sizes_and_study_titles_name_no_patient() {
        use crate::policy::detect::tests::found;
        for t in [
            "The board has appointed Helen Marsh as interim director. Helen was instrumental in her previous trust's stroke pathway redesign.",
            "Rebecca Stone was on the panel yesterday. Rebecca was clear that her views on epilepsy services are her own.",
            "Reminder: the Patient Council meets on Tuesday at 2pm to review the leaflet on living with COPD and using your inhaler.",
            "The Patient Line is down again on ward 7, so patients can't order their diabetic meals.",
            "For the asthma leaflet please use 11 pt Baskerville for body text.",
            "Lab IT status:\nMark Doyle - troponin results interface to Epic: live since Monday\nAna Ruiz - MRI shows up twice in the order catalogue",
            "Journal club:\nPriya Raman - MRI shows promise for early detection of prostate cancer",
            // `my sales results` beside a first-aid course is no one's care.
            "Dzień dobry,\n\nprzesyłam moje wyniki sprzedaży za marzec oraz plan szkoleń z cukrzycy.\n\nPozdrawiam,\nAnna Nowak",
            "Hola,\n\nadjunto mis resultados de ventas y el taller de diabetes.\n\nMuchas gracias,\nMaría López",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            "Buongiorno dottoressa, Giulia Bianchi ha ancora la febbre a 39 e la tosse, continuiamo con l'antibiotico?",
            "pts Yusupov and Okafor went home this morning, both were on contact precautions for C. diff.",
            "Bonjour,\n\nj'ai ete operee d'une hernie discale le 3 mars, je serai absente.\n\nCordialement,\nClaire Dubois",
            // A closing in Spanish or Polish over a writer of her own care
            // (a second surname after the name).
            "Desde que subimos la Lantus a 22 unidades me levanto con 61 de glucosa.\n\nMuchas gracias,\nRocío Villaseñor Paz\nTel. 555-0164",
            "W portalu widzę TSH 7,8. Biorę teraz 75 mcg Euthyroxu.\n\nZ poważaniem,\nGrażyna Wróblewska-Kott",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn small_practices_name_their_patients_and_not_their_trades() {
        use crate::policy::detect::tests::found;
        for t in [
            // A reminder of a booking with the dentist, a reader greeted.
            "Hi Farah,\n\nJust a reminder you're booked with Dr. Mbeki on Tuesday 14 May at 9:40 for the crown preparation on your lower left molar.",
            // A text message's sender tag before its greeting.
            "Harbourside Pharmacy: Hi Declan, your repeat prescription (3 items) is ready to collect.",
        ] {
            assert!(found(t, Kind::Name) >= Some(Confidence::Medium), "{t}");
            assert_eq!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
        for t in [
            "Zeynep Arslan - RCT UL6 Fri 8.40 - wants earlier, still in pain",
            "hi dee\n9am mrs abernethy-quaye - leg ulcer R shin dressing changed, pain 6/10, ankles v swollen\n1pm mrs o'dea - all fine, bloods taken for INR",
            "hi its dawn again, ive emailed before about my mum pearl whitacre.\n\nher left hearing aid has been whistling since the weekend and she wont wear it.",
            "Добрий день! Моєму синові Данилові Коваленку 4 роки, і десь з осені він почав заїкатися.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // A trade's visit, a table's cells, a clinician's own list.
            "Hello Helen,\nYour engineer appointment is confirmed.\nDate: Friday 16 January\nThe engineer will install your new router.",
            "Destination\tUsually recommended\nKenya\tYellow fever, typhoid, hepatitis A\nGhana\tYellow fever (certificate required), rabies",
            "Hi all,\nCallum is at the committee on Wednesday so Priya is covering his sedation list in surgery 1.\nJo",
        ] {
            assert!(found(t, Kind::Name) < Some(Confidence::High), "{t}");
            assert_ne!(found(t, Kind::Health), Some(Confidence::High), "{t}");
        }
        // A new patient's card.
        let t = "new pt for tues, her card is attached.\n\nBEGIN:VCARD\nVERSION:3.0\nFN:Oluwaseun Adeyemi\nTEL;TYPE=CELL:555-0129\nNOTE:new patient - referred by sister\nEND:VCARD\n";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn care_at_home_named_by_families_and_suppliers() {
        use crate::policy::detect::tests::found;
        for t in [
            // A relative's name in brackets after the relation word.
            "dad (stanley ibe) rm 9 - peg feed stopped overnight??",
            // A delivery note's recipient over the referrer's reason.
            "Deliver to: Mr Arjun Mehta, 22 Ferncliffe Road\nClinical reason: grade 3 pressure ulcer",
            // Romanian and Portuguese honorifics in lower case.
            "Aseară doamna Evans a avut febră 38,4 și e mai confuză.",
            // A first name alone as the subject of an admission.
            "agnieszka was admitted to st brigids hospice on monday, the cancer has spread to her liver",
            "Agnieszka was admitted to the hospice on Monday; the cancer has spread.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        for t in [
            // A befriender's visit is company, not care.
            "I'd like to match you with Mrs Doreen Platt on Cromwell Street. She's 88 and loves a game of rummy. She is a huge cricket fan and lived on her own for years. She'd like a visit on Wednesday afternoons for a cuppa and a chat.",
            // A street and a town before a comma are no `Last, First`.
            "Carers' drop-in for people with dementia.\nCalder Carers Centre, 2 Mill Yard, Calder Vale - 555-0106",
            // Admitted to the bar, not to a ward.
            "Sarah was admitted to the bar in 2015 and runs the cancer charity's legal desk.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }
}
