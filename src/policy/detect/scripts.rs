//! Names and health words in scripts other than Latin: Cyrillic, Chinese
//! and Japanese, Korean, Arabic and Persian, Devanagari, Ethiopic.
//!
//! A relative writing in Russian about `Васильевой Нины Петровны` and her
//! insulin, a daughter writing in Chinese about `我父亲陈国梁` and his blood
//! pressure pills: the Latin detectors see no word in either. Here:
//! - health words (`data/health_terms_scripts.txt`), matched as substrings
//!   (Russian and Arabic inflect; Chinese and Japanese have no spaces);
//! - names by the shape each script gives them: a Russian or Ukrainian
//!   patronymic (`Нина Петровна`, `Иванов И. И.`), a Han name after a
//!   relation or patient word (`我父亲陈国梁`, `患者：王小明`) or before an
//!   honorific (`陈国梁先生`, `山田太郎様`), a Korean name of a common
//!   surname before `님`/`씨`/`환자` or after `환자`/`성명`, a name after
//!   an Arabic, Persian or Hindi honorific or patient word (`السيد`,
//!   `المريض`, `آقای`, `श्रीमती`).
//!
//! A name counts high only with a health word (of any script) within
//! `REACH` bytes, else low: honorifics open every letter. Text with no
//! lead byte of these scripts is passed over in one word-at-a-time scan.

use crate::policy::finding::{Confidence, Kind, Location, Sink};
use regex::Regex;
use std::sync::OnceLock;

const TERMS: &str = include_str!("../data/health_terms_scripts.txt");

/// How far from a name a health word may stand.
const REACH: usize = 300;

/// At most this many names pushed per text (a directory in Cyrillic).
const MAX_NAMES: usize = 200;

struct Res {
    terms: aho_corasick::AhoCorasick,
    /// Per pattern: a care setting or role (`@` in the list).
    setting: Vec<bool>,
    names: Regex,
    kana: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let lines: Vec<&str> = TERMS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        Res {
            terms: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(lines.iter().map(|l| l.trim_start_matches('@')))
                .expect("shipped script term list compiles"),
            setting: lines.iter().map(|l| l.starts_with('@')).collect(),
            names: super::re(NAMES),
            kana: super::re(r"[\p{Hiragana}\p{Katakana}]"),
        }
    })
}

/// One alternation, each branch's name in group `n` (the regex crate
/// allows a group name once, so each script's branch wraps the name in
/// its own numbered group and `name_span` takes the first that matched).
const NAMES: &str = concat!(
    // Cyrillic: a patronymic ends the name (`Нина Петровна`, `Васильевой
    // Нины Петровны`, `Иван Иванович`), or a surname with initials.
    r"(\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+)?[ \t]+\p{Lu}\p{Ll}*(?:ович|евич|овн|евн|ичн|івн|ївн)\p{Ll}{0,3})",
    r"|(\p{Lu}\p{Ll}{2,}(?:ов|ев|ин|ын|ко|ук|юк|ий|ая|ова|ева|ина)\p{Ll}{0,2}[ \t]+\p{Lu}\.[ \t]?\p{Lu}\.)",
    // Han: after a relation word, after a patient label and its colon
    // (`患者：王小明`; `患者和朋友们` is "patients and friends"), before an
    // honorific.
    r"|(?:我的?|我们的?|我們的?)(?:父亲|父親|母亲|母親|爸爸|妈妈|媽媽|丈夫|妻子|太太|先生|儿子|兒子|女儿|女兒|爷爷|爺爺|奶奶|外婆|外公|孩子)[ \t:：，,]*(\p{Han}{2,3})",
    r"|(?:患者|病人|病患|姓名|患者名|氏名|患者氏名)[ \t]*[:：][ \t]*(\p{Han}{2,4})",
    r"|(\p{Han}{2,4})[ \t]?(?:先生|女士|小姐|老先生|老太太|様|さま|さん|君|ちゃん)",
    // Korean: a common surname and one or two syllables, with an
    // honorific or a patient word.
    r"|([김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용][가-힣]{1,2})[ \t]?(?:님|씨|환자)",
    r"|(?:환자|성명|환자명)[ \t]*[:：][ \t]*([김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용][가-힣]{1,2})",
    // Arabic, Persian, Urdu: after an honorific, a patient or a relation
    // word, two or three words.
    r"|(?:السيد|السيدة|المريض|المريضة|اسم المريض|والدي|والدتي|ابني|ابنتي|زوجي|زوجتي|الطالب|الطالبة|الطفل|الطفلة|اسمي|آقای|خانم|بیمار|جناب|محترمہ|میرا نام|اسم من)[ \t]+(\p{Arabic}{2,}(?:[ \t]+\p{Arabic}{2,}){0,2})",
    // Self-introductions: `Меня зовут`, `我叫`, `제 이름은`, `ስሜ`.
    r"|(?:Меня зовут|Мене звати|我叫|我是|제 이름은)[ \t]*(\p{Cyrillic}{2,}(?:[ \t]+\p{Cyrillic}{2,}){0,2}|\p{Han}{2,4}|\p{Hangul}{2,4})",
    r"|ስሜ[ \t]+(\p{Ethiopic}{2,}(?:[ \t]+\p{Ethiopic}{2,})?)",
    // Devanagari: after Mr, Mrs or patient.
    r"|(?:श्री|श्रीमती|सुश्री|मरीज़|मरीज)[ \t]+(\p{Devanagari}{2,}(?:[ \t]+\p{Devanagari}{2,}){0,2})",
);

/// Any lead byte of the scripts this module reads (Cyrillic, Arabic,
/// Devanagari, Ethiopic, CJK, Hangul)? Eight bytes at a time: ASCII words
/// are passed over with one test.
pub(crate) fn has_other_script(b: &[u8]) -> bool {
    // Ethiopic shares its lead byte 0xE1 with Vietnamese letters (`ầ`):
    // its second byte tells them apart.
    let lead = |i: usize| match b[i] {
        0xD0..=0xD4 | 0xD8..=0xDB | 0xE0 | 0xE3..=0xED => true,
        0xE1 => b.get(i + 1).is_some_and(|c| (0x88..=0x8D).contains(c)),
        _ => false,
    };
    let mut i = 0;
    while i + 8 <= b.len() {
        let v = u64::from_le_bytes([
            b[i],
            b[i + 1],
            b[i + 2],
            b[i + 3],
            b[i + 4],
            b[i + 5],
            b[i + 6],
            b[i + 7],
        ]);
        if v & 0x8080_8080_8080_8080 != 0 && (i..i + 8).any(lead) {
            return true;
        }
        i += 8;
    }
    (i..b.len()).any(lead)
}

/// Scan `text` for health words and names in other scripts. `latin`:
/// the spans of the Latin health terms found in the same text (sorted).
pub fn scan(text: &str, loc: Location, latin: &[(usize, usize)], sink: &mut Sink) {
    if !has_other_script(text.as_bytes()) {
        return;
    }
    let r = res();
    let spans: Vec<(usize, usize)> = r
        .terms
        .find_iter(text)
        .take(4096)
        .map(|m| (m.start(), m.end()))
        .collect();
    let near = |s: usize, e: usize| {
        let lo = s.saturating_sub(REACH);
        let hi = e + REACH;
        spans
            .iter()
            .chain(latin)
            .any(|&(hs, he)| he >= lo && hs <= hi)
    };
    // A name with a health word near is a person in care. Without one, a
    // word is a topic (a seminar on diabetes, a notice to all patients,
    // a flyer's advice on doses).
    let mut named = false;
    let mut japanese: Option<bool> = None;
    for c in r.names.captures_iter(text).take(MAX_NAMES) {
        let Some(m) = c.iter().skip(1).flatten().next() else {
            continue;
        };
        // A role or a group before an honorific (`患者さん`, `皆様`,
        // `医師各位`) names no one.
        if [
            "患者", "病人", "医", "様", "皆", "各位", "家族", "看護", "先生",
        ]
        .iter()
        .any(|w| m.as_str().contains(w))
        {
            continue;
        }
        // In Japanese `先生` follows a doctor's or a teacher's name
        // (`山本先生`): the schedule of a clinic's doctors.
        if text[m.end()..]
            .trim_start_matches([' ', '\t'])
            .starts_with("先生")
            && *japanese.get_or_insert_with(|| r.kana.is_match(text))
        {
            continue;
        }
        let conf = if near(m.start(), m.end()) {
            named = true;
            Confidence::High
        } else {
            Confidence::Low
        };
        sink.push(Kind::Name, conf, loc, m.as_str());
    }
    let care = named;
    let terms = r.terms.find_iter(text).take(64);
    for m in terms {
        let conf = if r.setting[m.pattern().as_usize()] {
            Confidence::Medium.min(if care {
                Confidence::Medium
            } else {
                Confidence::Low
            })
        } else if care {
            Confidence::High
        } else {
            Confidence::Medium
        };
        sink.push(Kind::Health, conf, loc, &text[m.start()..m.end()]);
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::detect::tests::found;
    use crate::policy::finding::{Confidence, Kind};

    #[test]
    fn names_with_health_words_in_other_scripts() {
        for t in [
            "Пишу по поводу моей мамы, Васильевой Нины Петровны (1941 г.р.).\nМама пропустила вечерний укол инсулина. Я позвонила её эндокринологу.",
            "Пациент Иванов И. И. поступил в больницу с инфарктом.",
            "我父亲陈国梁这周一开始服用新的降压药，每天早上5毫克。",
            "患者：王小明，诊断：2型糖尿病。",
            "山田太郎様の検査結果をお送りします。血圧が高めです。",
            "김민수 님의 검사 결과가 나왔습니다. 혈압이 높습니다.",
            "المريض أحمد علي حسن يحتاج إلى غسيل الكلى يوم الاثنين في المستشفى.",
            "श्रीमती सुनीता शर्मा को मधुमेह है, कृपया अस्पताल आएं।",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn names_and_words_that_tell_of_no_care() {
        for t in [
            // An honorific in a letter about no care.
            "Уважаемый Иван Иванович, приглашаем вас на собрание жильцов.",
            "王小明先生，您的包裹已经发货。",
            "김민수 님, 주문하신 상품이 발송되었습니다.",
            "السيد أحمد علي، نشكرك على طلبك.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // Plain English and Latin letters pass the gate untouched.
        assert!(!super::has_other_script(
            "Smart “quotes” and café, Bogdanović, Trần, Nguyễn Văn Hùng".as_bytes()
        ));
        assert!(super::has_other_script("диабет".as_bytes()));
        assert!(super::has_other_script("ሆስፒታል".as_bytes()));
    }

    #[test]
    fn one_health_word_alone_is_a_topic() {
        assert_eq!(
            found("Статья о профилактике: диабет и питание.", Kind::Health),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found(
                "Мама пропустила укол инсулина, 10 ед., эндокринолог сказал ждать.",
                Kind::Health
            ),
            Some(Confidence::Medium)
        );
        assert_eq!(
            found("Сахар был 19 ммоль/л после укола инсулина.", Kind::Health),
            Some(Confidence::Medium)
        );
        // A Japanese clinic's doctors (`先生`) are no patients.
        let t = "11月の日本語診察の担当医師です。\n山本先生 月曜日\n中村先生 火曜日\n";
        assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        let t = "練習問題（実際の患者さんの心電図は使いません）。急性冠症候群の心電図変化。";
        assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // A notice to all patients and a seminar: settings and topics.
        for t in [
            "尊敬的患者和朋友们：本诊所春节期间休息。",
            "糖尿病预防讲座：了解血压与饮食。地址：12 Harbor Lane",
        ] {
            assert_ne!(found(t, Kind::Health), Some(Confidence::High), "{t}");
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }
}
