//! An injury told by its verb and a body part: `broke his wrist`, `tore
//! her left ACL`, `rolled my ankle again`, `knocked out two front teeth`.
//! A term list would need every verb, owner, side and part spelt out; one
//! pattern reads them all, and its verbs (lower case, or capitalised to
//! open a sentence or a subject) are the literals it is sought by.
//!
//! Idioms that name a body part and no injury (`twisted my arm`, `pulled
//! his leg`) are none.

use regex::Regex;
use std::sync::OnceLock;

/// The owners an injury is told of: a third person or the writer (a
/// reader's `your` is advice to anyone: `if you sprain your ankle`).
const OWNER: &str = r"(?:his|her|their|my|His|Her|Their|My)";

/// The verbs, in two halves: each half's literals (both cases) stay
/// few enough for the regex crate's packed searcher, which finds them at
/// memory speed; all of them at once fall to a slower automaton.
const VERB_A: &str = r"(?:[Bb]roke|[Bb]roken|[Ff]ractured|[Ff]racturing|[Bb]reaking|[Tt]ore|[Tt]orn|[Tt]earing|[Rr]uptured|[Rr]upturing|[Ss]prained|[Ss]praining|[Ss]trained|[Ss]training|[Pp]ulled|[Dd]islocated|[Dd]islocating|[Tt]wisted)";

const VERB_B: &str = r"(?:[Tt]wisting|[Ii]njured|[Ii]njuring|[Hh]urt|[Hh]urting|[Bb]ruised|[Cc]racked|[Rr]olled|[Rr]olling|[Cc]hipped|[Jj]arred|[Tt]weaked|[Oo]verstretched|[Hh]yperextended|[Ss]hattered|[Gg]ashed|[Ss]lashed|[Cc]ut\s+open)";

/// Words between the owner and the part: a side, a count, a finger's name.
const SIDE: &str = r"(?:(?i:left|right|bad|other|good|lower|upper|front|back|top|bottom|two|three|both|middle|index|ring|little|big|pinky|baby|4th|5th|fourth|fifth|inner|outer)\s+){0,2}";

const PART: &str = r"(?i:wrists?|arms?|forearms?|legs?|ankles?|collar\s?bones?|clavicles?|elbows?|fingers?|feet|foot|hands?|hips?|jaw|nose|ribs?|shoulders?|thumbs?|toes?|knees?|knee\s?caps?|shins?|tibia|fibula|femur|pelvis|back|neck|spine|vertebrae?|skull|cheek\s?bones?|eye\s+sockets?|heels?|acl|mcl|pcl|lcl|(?:anterior\s+)?cruciate(?:\s+ligaments?)?|menisc(?:us|i)|hamstrings?|hamm(?:y|ies)|calf|calves|calf\s+muscles?|quads?|quadriceps|groin|achilles(?:\s+tendon)?|labrum|rotator\s+cuff|biceps?|triceps|pecs?|pectorals?|tendons?|ligaments?|cartilage|teeth|tooth|hip\s+flexors?|adductors?|glutes?|sternum|coccyx|tail\s?bone|scaphoid|metatarsals?|ac\s+joint|lip|eyebrow|chin|forehead|head)";

/// The verb first (`broke his wrist`, the second half of the verbs), lost
/// teeth, and felt it go: all open on a verb in two cases, which the regex crate seeks as literals
/// before it runs its automaton.
fn pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // ASCII word boundaries: a Unicode `\b` makes the lazy DFA give up
    // on the first non-ASCII letter and the whole text falls to the
    // slow PikeVM (3 MB/s instead of 75).
    R.get_or_init(|| {
        let told = format!(r"(?-u:\b){VERB_B}\s+{OWNER}\s+{SIDE}{PART}(?-u:\b)");
        // (`lost her front tooth` is a child's milk tooth: only adult
        // teeth lost count.)
        let teeth = r"(?-u:\b)(?:[Kk]nocked\s+out\s+(?i:two|three|four|his|her|their|my|a)\s+(?i:(?:upper|lower|front|top|bottom|adult|permanent)\s+){1,2}|[Ll]ost\s+(?i:two|three|four|his|her|their|my|an?)\s+(?i:(?:upper|lower|front|top|bottom)\s+){0,2}(?i:adult|permanent)\s+)(?i:teeth|tooth)(?-u:\b)";
        // Felt it go (`felt my right hammy go`).
        let felt = format!(
            r"(?-u:\b)[Ff]elt\s+{OWNER}\s+{SIDE}{PART}\s+(?:go|pop|tear|snap|twinge|give\s+way)(?-u:\b)"
        );
        Regex::new(&format!("{told}|{teeth}|{felt}")).expect("injury pattern compiles")
    })
}

/// `broke his wrist` by the first half of the verbs (see `VERB_A`).
fn told_a() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?-u:\b){VERB_A}\s+{OWNER}\s+{SIDE}{PART}(?-u:\b)"
        ))
        .expect("injury pattern compiles")
    })
}

/// The part first, as a claim form's field writes it (`Two upper front
/// teeth (UR1, UL1) knocked out in a tackle`). Its parts in any case
/// are too many literals to seek, so the lazy DFA would read every
/// byte: it runs only where one of its verbs stands (`part_first_verbs`).
fn part_first() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?-u:\b)(?i:teeth|tooth|collar\s?bone|wrist|ankle|nose|jaw|finger|thumb|rib|ribs|acl|achilles(?:\s+tendon)?|hamstring|shoulder|elbow)\s+(?:\([^)\n]{0,24}\)\s+)?(?:was\s+|were\s+)?(?i:knocked\s+out|fractured|broken|dislocated|ruptured|torn|avulsed)(?-u:\b)")
            .expect("injury pattern compiles")
    })
}

/// The verbs `part_first` ends in, as text writes them (lower case,
/// capitalised, capitals): a set of literals that a packed searcher
/// finds at memory speed, where a case-blind automaton reads every byte.
fn part_first_verbs() -> &'static aho_corasick::AhoCorasick {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        let verbs = [
            "knocked",
            "fractured",
            "broken",
            "dislocated",
            "ruptured",
            "torn",
            "avulsed",
        ];
        let cased = verbs.iter().flat_map(|v| {
            let mut cap = v.to_string();
            cap[..1].make_ascii_uppercase();
            [v.to_string(), cap, v.to_ascii_uppercase()]
        });
        // (Leftmost-first: the packed searcher serves no other kind.)
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(cased)
            .expect("injury verbs compile")
    })
}

/// `her knee gave way again`, `my back went on me`: the owner first.
/// Sought only where one of its verbs stands (`GAVE_OR_WENT`): its
/// first words (`her`, `my`) are in every other sentence, and the lazy
/// DFA started at each of them took 6% of a plain-text scan.
fn owner_first() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?-u:\b){OWNER}\s+{SIDE}(?i:knee|ankle|back|shoulder|hamstring|hammy|calf|achilles|hip)\s+(?:went\s+again|went\s+on\s+me|gave\s+(?:way|out)|popped|locked\s+up)(?-u:\b)"
        ))
        .expect("injury pattern compiles")
    })
}

/// The verbs `owner_first` ends in, as the text must hold them.
const GAVE_OR_WENT: &[&[u8]] = &[b"gave", b"went", b"popped", b"locked"];

/// `twisted my arm` (persuaded), `pulled his leg` (teased), `hurt her
/// head` said of thinking: the idioms a verb and a part make together.
fn idiom(phrase: &str) -> bool {
    let lower = phrase.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return true;
    };
    // A pulled muscle, a rolled ankle or knee, a cracked bone or tooth:
    // `pulled her hand away`, `rolled her shoulders`, `cracked my neck`
    // are gestures.
    let pulled_ok = [
        "hamstring",
        "hamstrings",
        "hammy",
        "groin",
        "calf",
        "calves",
        "quad",
        "quads",
        "back",
        "neck",
        "shoulder",
        "muscle",
        "flexor",
        "flexors",
        "adductor",
        "adductors",
        "glute",
        "glutes",
        "pec",
        "pecs",
        "biceps",
        "triceps",
        "achilles",
        "tendon",
        "ligament",
    ];
    matches!(
        (*first, *last),
        ("twisted" | "twisting", "arm")
            | ("hurt" | "hurting", "head")
            | ("broke" | "broken" | "breaking", "back" | "head")
            | ("cracked", "head" | "neck" | "back")
    ) || (*first == "pulled" && !pulled_ok.contains(last))
        || (matches!(*first, "rolled" | "rolling")
            && !matches!(*last, "ankle" | "ankles" | "knee" | "knees"))
        || (words.len() == 3 && *last == "lip")
}

/// Injuries told in `text`, at most `max`, in order.
pub fn events(text: &str, max: usize) -> Vec<(usize, usize)> {
    let told = |r: &Regex| {
        r.find_iter(text)
            .filter(|m| !idiom(m.as_str()))
            .take(max)
            .map(|m| (m.start(), m.end()))
            .collect::<Vec<_>>()
    };
    let mut found = told(pattern());
    let b = text.as_bytes();
    let mut more = |r: &Regex| {
        found.extend(told(r));
        found.sort_unstable();
        // One phrase read by two patterns counts once.
        let mut end = 0;
        found.retain(|&(s, e)| {
            let keep = s >= end;
            if keep {
                end = e;
            }
            keep
        });
        found.truncate(max);
    };
    more(told_a());
    if part_first_verbs().is_match(b) {
        more(part_first());
    }
    if GAVE_OR_WENT
        .iter()
        .any(|v| memchr::memmem::find(b, v).is_some())
    {
        more(owner_first());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn told(t: &str) -> Vec<&str> {
        events(t, 8).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn injuries_are_read_by_verb_owner_and_part() {
        assert_eq!(
            told("Kelsey tore her left ACL on Tuesday."),
            ["tore her left ACL"]
        );
        assert_eq!(
            told("He rolled his ankle again; she pulled her right hamstring."),
            ["rolled his ankle", "pulled her right hamstring"]
        );
        assert_eq!(
            told("Broke my collarbone in the crash"),
            ["Broke my collarbone"]
        );
        assert_eq!(
            told("Jamal knocked out two upper front teeth in a tackle."),
            ["knocked out two upper front teeth"]
        );
        assert_eq!(
            told("felt my right hammy go on the second sprint; her knee gave way"),
            ["felt my right hammy go", "her knee gave way"]
        );
        assert_eq!(
            told("Injury: Two upper front teeth (UR1, UL1) knocked out"),
            ["teeth (UR1, UL1) knocked out"]
        );
    }

    #[test]
    fn idioms_and_advice_are_no_injury() {
        assert!(told("OK, you twisted my arm - I'll bake for the fair.").is_empty());
        assert!(told("Stop pulling my leg; he pulled my leg all day.").is_empty());
        assert!(told("If you sprain your ankle, rest it.").is_empty());
        assert!(told("The toddler broke her doll's arm.").is_empty());
        assert!(told("Our hurting hearts go out to them.").is_empty());
        for t in [
            "He damaged my back bumper.",
            "She pulled her hand away; he rolled his shoulders.",
            "I cracked my neck and pulled my finger out.",
            "Ava lost her front tooth at lunch!",
            "They have broken their back on this project.",
        ] {
            assert!(told(t).is_empty(), "{t}");
        }
    }
}
