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

/// Words that stand where a name would but name no one.
const NOT_NAMES: &[&str] = &[
    "患者",
    "病人",
    "医",
    "様",
    "皆",
    "各位",
    "家族",
    "看護",
    "先生",
    "尊敬",
    "亲爱",
    "親愛",
    "您",
    "大家",
    "고객",
    "선생",
    "원장",
    "환자",
    "회원",
    "보호자",
    "고혈",
    "간호",
    "의사",
    "부모",
    "학생",
    "직원",
    "여러분",
];

/// First words after a patient or honorific word that begin no name: a
/// preposition or a plea (`في`, `من`, `कृपया`).
const NOT_FIRST_WORDS: &[&str] = &[
    // Hebrew: a clinic, a conference, a department, a fund, a centre, a
    // programme or a course after a name field (`שם: מרפאת סוכרת`).
    "מרפאת",
    "מרפאה",
    "בית",
    "הכנס",
    "כנס",
    "מחלקת",
    "מחלקה",
    "יחידת",
    "קופת",
    "מכון",
    "מרכז",
    "עמותת",
    "חברת",
    "פרויקט",
    "תוכנית",
    "קורס",
    "סדנת",
    "יום",
    "في",
    "من",
    "إلى",
    "الى",
    "عن",
    "مع",
    "كل",
    "جميع",
    "در",
    "از",
    "به",
    "با",
    "کے",
    "کی",
    "کو",
    "कृपया",
    "को",
    "के",
    "की",
    // Japanese and Chinese nouns of a role before an honorific (`妊婦さん`,
    // `患者様`: the pregnant, the patients), no one's name.
    "妊婦",
    "産婦",
    "患者",
    "利用者",
    "保護者",
    "参加者",
    "受講者",
    "会員",
    "家族",
    "病人",
    "学生",
    "生徒",
    "職員",
    "看護師",
    "医師",
    "本人",
    "担当者",
    "ご担当者",
];

/// How far from a name a health word may stand.
const REACH: usize = 300;

/// At most this many names pushed per text (a directory in Cyrillic).
const MAX_NAMES: usize = 200;

struct Res {
    terms: aho_corasick::AhoCorasick,
    /// Per pattern: a care setting or role (`@` in the list).
    setting: Vec<bool>,
    names: Regex,
    /// A letter opening on a Chinese name and a greeting (`周美玲您好：`):
    /// a listed family name, so `医生您好` (hello, doctor) is no one.
    han_greeting: Regex,
    /// A worker, a soldier, a prisoner or a crew member named after the
    /// word (`本廠員工 陳志明`, the factory's employee Chen Zhiming).
    han_worker: Regex,
    /// A common Greek given name, in any of its cases, and a surname
    /// (`τον Νίκο Παπαδάκη`).
    greek_full: Regex,
    /// A chart number after its label (`患者番号 KR-5530218`).
    chart: Regex,
    /// A file number after its bare label (`رقم الملف 884102`).
    file_number: Regex,
    /// An insured person's number after its label (`מספר מבוטח: ...`).
    insured: Regex,
    /// A birth date marked as one after it (`1982年9月15日生`, `15.09.1942
    /// г.р.`).
    born: Regex,
    /// The writer speaking of themself in Russian or Ukrainian (`мне`,
    /// `у меня`, `мой`, `я`:
    /// only shortly before a fact).
    first_person_cyrillic: Regex,
    first_person_hebrew: Regex,
    kana: Regex,
    dose: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let lines: Vec<&str> = TERMS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        // A term of several words may wrap at any of its spaces
        // (`тривожний` / `розлад`): each wrapped form is a pattern too.
        let mut patterns: Vec<(String, bool)> = Vec::new();
        for l in &lines {
            let setting = l.starts_with('@');
            let term = l.trim_start_matches('@');
            patterns.push((term.to_string(), setting));
            // Persian written with the Arabic letters (`ديابت` for
            // `دیابت`, as windows-1256 and many keyboards give them).
            if term.contains(['ی', 'ک']) {
                let arabic = term.replace('ی', "ي").replace('ک', "ك");
                patterns.push((arabic, setting));
            }
            for (i, _) in term.match_indices(' ') {
                for brk in ["\n", "\r\n", " \n", " \r\n"] {
                    let wrapped = format!("{}{brk}{}", &term[..i], &term[i + 1..]);
                    patterns.push((wrapped, setting));
                }
            }
        }
        Res {
            terms: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(patterns.iter().map(|(p, _)| p))
                .expect("shipped script term list compiles"),
            setting: patterns.iter().map(|&(_, s)| s).collect(),
            names: super::re(NAMES),
            han_worker: super::re(&format!(
                r"(?:员工|員工|职工|職工|工人|雇员|僱員|劳工|勞工|士兵|战士|戰士|学员|學員|犯人|囚犯|服刑人员|服刑人員|在押人员|在押人員|船员|船員)[ \t:：]*([{HAN_SURNAMES}]\p{{Han}}{{1,2}})(?:[ \t\u{{3000}}，,、：:（(]|于|於|在|因|从|從|同志)"
            )),
            greek_full: super::re(&greek_full_name()),
            han_greeting: super::re(&format!(
                r"(?m)^[ \t]*([{HAN_SURNAMES}]\p{{Han}}{{1,2}})[ \t]*(?:您好|你好)"
            )),
            kana: super::re(r"[\p{Hiragana}\p{Katakana}]"),
            chart: super::re(
                r"(?:患者番号|診察券番号|病歴番号|カルテ番号|病歷號碼|病历号码|病历号|住院号|门诊号|환자번호|환자등록번호|병록번호|(?i:номер\s+медицинской\s+карты|номер\s+історії\s+хвороби|номер\s+медичної\s+карти)|رقم\s+(?:ال)?ملف(?:ها|ه)?\s+(?:ال)?طبي|رقم\s+المريض|מספר\s+תיק\s+רפואי|מספר\s+מטופל)[ \t]*[:：]?[ \t]*([A-Za-z]{0,4}-?[0-9][0-9-]{3,15})",
            ),
            file_number: super::re(
                r"(?:رقم\s+(?:ال)?ملف(?:ها|ه)?|מספר\s+(?:ה)?תיק|מס['׳]\s*(?:ה)?תיק)[ \t]*[:：]?[ \t]*([0-9٠-٩][0-9٠-٩-]{3,15})",
            ),
            // A health plan's number for its insured person: Hebrew
            // `מספר מבוטח`, Chinese `医保卡号`, Taiwanese `健保卡號`,
            // Japanese `被保険者番号`, Korean `건강보험증번호`, Arabic
            // `رقم التأمين الصحي`. (An insurer's own number, `保険者番号`,
            // names no one.)
            insured: super::re(
                r"(?:מספר\s+מבוטח|מס['׳]\s*מבוטח|医保卡号|医保号|医疗保险号|醫保卡號|健保卡號|被保険者番号|保険証番号|건강보험증\s?번호|보험증\s?번호|رقم\s+(?:بطاقة\s+)?التأمين\s+الصحي|رقم\s+المؤمن\s+عليه)[ \t]*[:：]?[ \t]*([A-Za-z]{0,4}-?[0-9][0-9 -]{4,18}[0-9])",
            ),
            born: super::re(
                r"((?:(?:19|20|１９|２０)[0-9０-９]{2}|(?:昭和|平成|令和|大正)(?:[0-9０-９]{1,2}|元))年[0-9０-９]{1,2}月[0-9０-９]{1,2}日)(?:生|生まれ|出生)|((?:19|20)[0-9]{2}년[ \t]?[0-9]{1,2}월[ \t]?[0-9]{1,2}일)[ \t]?(?:생|출생)|((?:[0-9]{1,2}\.[0-9]{1,2}\.)?(?:19|20)[0-9]{2})[ \t]*(?:г\.[ \t]?р\.|года рождения)",
            ),
            first_person_cyrillic: super::re(
                r"(?:^|[^\p{Cyrillic}])(?:[Яя]|[Мм]не|[Мм]еня|[Мм]ені|[Мм]ене|[Мм]ой|[Мм]оя|[Мм]оё|[Мм]ій|[Мм]оє|[Мм]оего|[Мм]оей|[Мм]оему|[Мм]ою|[Мм]оим|[Мм]ого|[Мм]оєї|[Мм]оїй|[Мм]оєму)(?:$|[^\p{Cyrillic}])",
            ),
            // `אני`, `לי`, `שלי`, `אצלי` (I, to me, my, with me).
            first_person_hebrew: super::re(
                r"(?:^|[^\p{Hebrew}])(?:אני|לי|שלי|אצלי|עליי|ממני)(?:$|[^\p{Hebrew}])",
            ),
            dose: super::re(
                r"^[^0-9\n]{0,16}[0-9][0-9.,]*[ \t]*(?:毫克|毫升|ミリグラム|밀리그램|мг|мл|ммоль|ед\.|единиц|ملغ|ملجم|mg|ml|mmol)",
            ),
        }
    })
}

/// Is the word at `[s, e)` one item of a bracketed list of the kinds of
/// data a rule or a reminder speaks of (`данные подопечных (адреса,
/// диагнозы, лекарства) в чат не пишем`)? An address or a telephone
/// word in the same brackets says so: a category, no one's diagnosis.
fn data_category(text: &str, s: usize, e: usize) -> bool {
    const CATEGORIES: &[&str] = &[
        "адрес",
        "Адрес",
        "телефон",
        "Телефон",
        "фамили",
        "Фамили",
        "ФИО",
        "адреси",
        "Адреси",
        "прізвищ",
        "العناوين",
        "عناوين",
        "الهاتف",
        "地址",
        "电话",
        "電話",
        "住所",
        "주소",
        "전화",
        "पते",
        "पता",
        "फ़ोन",
        "διευθύνσεις",
        "τηλέφων",
        "כתובות",
        "טלפון",
    ];
    // Within 200 bytes each way on the line (a text with no line breaks
    // would otherwise be read whole for each fact).
    let lo = crate::policy::text::floor_boundary(text, s.saturating_sub(200));
    let hi = crate::policy::text::ceil_boundary(text, (e + 200).min(text.len()));
    let line_start = text[lo..s].rfind('\n').map_or(lo, |k| lo + k + 1);
    let line_end = text[e..hi].find('\n').map_or(hi, |k| e + k);
    // The bracket that holds the word: opened before it and not closed
    // in between, closed after it and not opened again in between.
    let Some(open) = text[line_start..s]
        .rfind(['(', '（', ')', '）'])
        .map(|k| line_start + k)
        .filter(|&k| text[k..].starts_with(['(', '（']))
    else {
        return false;
    };
    let Some(close) = text[e..line_end]
        .find([')', '）', '(', '（'])
        .map(|k| e + k)
        .filter(|&k| text[k..].starts_with([')', '）']))
    else {
        return false;
    };
    let inside = &text[open..close];
    (inside.contains(',') || inside.contains('،') || inside.contains('、'))
        && CATEGORIES.iter().any(|w| inside.contains(w))
}

/// One alternation, each branch's name in group `n` (the regex crate
/// allows a group name once, so each script's branch wraps the name in
/// its own numbered group and `name_span` takes the first that matched).
const NAMES: &str = concat!(
    // Cyrillic: a patronymic ends the name (`Нина Петровна`, `Васильевой
    // Нины Петровны`, `Иван Иванович`), or a surname with initials.
    r"([А-ЯЁІЇЄҐ][а-яёіїєґ']+(?:[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ']+)?[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ]{2,}(?:ович|евич|овн|евн|ичн|івн|ївн)[а-яёіїєґ]{0,3})",
    r"|([А-ЯЁІЇЄҐ][а-яёіїєґ]{2,}(?:ов|ев|ин|ын|ко|ук|юк|ий|ая|ова|ева|ина)[а-яёіїєґ]{0,2}[ \t]+[А-ЯЁІЇЄҐ]\.[ \t]?[А-ЯЁІЇЄҐ]\.)",
    // A name after a person's field label (`Курьер: Ержан Сейтқали`,
    // `Пациент: …`, `ПІБ: …`) or after the writer's `I am` (`Јас сум
    // Горан Трајковски`, `Меня зовут …`), in the Cyrillic alphabets of
    // Russian, Ukrainian, Kazakh, Macedonian, Serbian and Bulgarian.
    r"|(?:Пациент(?:ка)?|Больн(?:ой|ая)|ФИО|Ф\.И\.О\.|Курьер|Сотрудни(?:к|ца)|Работни(?:к|ца)|Водитель|Пострадавш(?:ий|ая)|Застрахованн(?:ый|ая)|Науқас|Қызметкер|Аты-жөні|Пацієнт(?:ка)?|ПІБ|Працівни(?:к|ця)|Вработен(?:а)?|Служител|Пацијент(?:ка)?|Име[ \t]+и[ \t]+презиме)[ \t]*[:：][ \t]*",
    r"([А-ЯЁІЇЄҐЃЅЈЉЊЌЏЎӘҒҚҢӨҰҮҺ][а-яёіїєґѓѕјљњќџўәғқңөұүһ']+[ \t]+[А-ЯЁІЇЄҐЃЅЈЉЊЌЏЎӘҒҚҢӨҰҮҺ][а-яёіїєґѓѕјљњќџўәғқңөұүһ']+(?:[ \t]+[А-ЯЁІЇЄҐЃЅЈЉЊЌЏЎӘҒҚҢӨҰҮҺ][а-яёіїєґѓѕјљњќџўәғқңөұүһ']+)?)",
    r"|(?:Меня[ \t]+зовут|Мене[ \t]+звати|Јас[ \t]+сум|Аз[ \t]+съм|Ја[ \t]+сам)[ \t]+",
    r"([А-ЯЁІЇЄҐЃЅЈЉЊЌЏЎӘҒҚҢӨҰҮҺ][а-яёіїєґѓѕјљњќџўәғқңөұүһ']+[ \t]+[А-ЯЁІЇЄҐЃЅЈЉЊЌЏЎӘҒҚҢӨҰҮҺ][а-яёіїєґѓѕјљњќџўәғқңөұүһ']+)",
    // Han: after a relation word, after a patient label and its colon
    // (`患者：王小明`; `患者和朋友们` is "patients and friends"), before an
    // honorific.
    r"|(?:我的?|我们的?|我們的?)(?:父亲|父親|母亲|母親|爸爸|妈妈|媽媽|丈夫|妻子|太太|先生|儿子|兒子|女儿|女兒|爷爷|爺爺|奶奶|外婆|外公|孩子)[ \t:：，,]*(\p{Han}{2,3})",
    r"|(?:妻|夫|母|父|息子|娘|主人|家内)の[ \t]*(\p{Han}{2,5})",
    // A parent introducing themself (`佐藤陽翔の母です`): the child's name.
    r"|(\p{Han}{2,6})の(?:母|父|祖母|祖父|妻|夫|娘|息子|家族)(?:です|でございます)",
    // `佐々木亮の妻、佐々木真由美と申します`: the writer's kin, introduced.
    r"|(\p{Han}{2,6})の(?:母|父|妻|夫|娘|息子)[、，][^\n]{0,24}(?:と申します|です)",
    r"|(?:患者|病人|病患|姓名|患者名|氏名|患者氏名|受试者|受試者|被験者|被验者|受检者)[ \t]*[:：][ \t\u{3000}]*(\p{Han}{1,3}[ \t\u{3000}]\p{Han}{1,3}|\p{Han}{2,4})",
    r"|(\p{Han}{2,4})[ \t]?(?:先生|女士|小姐|老先生|老太太|师傅|師傅|様|さま|さん|君|ちゃん)",
    // The undersigned writer, at a letter's start or its end (`本人陳美玲（保單號碼…`,
    // `陳美玲 謹上`).
    // (Not a department's or a firm's name: `理賠部 謹上`.)
    r"|(?:^|[^\p{Han}])本人[ \t]*(\p{Han}{1,3}[\p{Han}--[部處处組组科室會会司院所局行店社團团隊队]])[ \t]*[（(於于]",
    r"|(\p{Han}{1,3}[\p{Han}--[部處处組组科室會会司院所局行店社團团隊队]])[ \t\u{3000}]*(?:謹上|谨上|敬上|拜上)",
    // A relative's name in brackets after the relation word (`妈妈（王秀英）`,
    // `아버지(김영수)`, `Η μαμά (Ελένη Παπαδοπούλου)`).
    r"|(?:妈妈|媽媽|爸爸|母亲|母親|父亲|父親|奶奶|爷爷|爺爺|外婆|外公|老公|老婆|丈夫|妻子|儿子|兒子|女儿|女兒|婆婆|公公)[ \t]*[(（](\p{Han}{2,4})[)）]",
    // Japanese single-character kin (`夫（佐々木亮）`), not inside a word
    // (`工夫（…）`, ingenuity; `酵母（…）`, yeast).
    r"|(?:^|[^\p{Han}])(?:夫|妻|母|父|息子|娘|祖母|祖父)[ \t]*[(（](\p{Han}{2,4})[)）]",
    r"|(?:아버지|어머니|엄마|아빠|할머니|할아버지|남편|아내|아들|딸|아버님|어머님)[ \t]*[(（]([가-힣]{2,4})[)）]",
    r"|(?:μαμά|μητέρα|μπαμπάς|μπαμπά|πατέρας|γιαγιά|παππούς|παππού|γιος|κόρη|σύζυγος|άντρας μου|γυναίκα μου)[ \t]*\((\p{Greek}{2,}(?:[ \t]+\p{Greek}{2,}){0,2})\)",
    // A ward's handover: a bed and a name (`3床 张伟`), or a name and
    // its sex and age (`张伟，男，68岁`).
    r"|[0-9]{1,3}[ \t]?床[ \t]*(\p{Han}{2,3})[ \t]*[，,、 ]",
    r"|(\p{Han}{2,3})[ \t]*[，,、][ \t]*[男女][ \t]*[，,、][ \t]*[0-9]{1,3}[ \t]*岁",
    // Korean: a common surname and one or two syllables, with an
    // honorific or a patient word.
    r"|(?:^|[^가-힣])([김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용][가-힣]{1,2})[ \t]?(?:님|씨|환자)",
    // A pupil's name before `student` (`김서준 학생`), not a verb's
    // modifier ending (`원하는 학생`, students who wish; `받은 학생`).
    r"|(?:^|[^가-힣])([김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용][가-힣]?[가-힣--[는은을한된할던들든]])[ \t]?(?:학생|원아|어린이)",
    r"|(?:환자|성명|환자명)[ \t]*[:：][ \t]*([김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용][가-힣]{1,2})",
    // Arabic, Persian, Urdu: after an honorific, a patient or a relation
    // word, two or three words.
    r"|(?:السيد|السيدة|المريض|المريضة|اسم المريض|والدي|والدتي|أمي|أبي|ابني|ابنتي|زوجي|زوجتي|أخي|أختي|جدي|جدتي|الطالب|الطالبة|الطفل|الطفلة|اسمي|آقای|خانم|بیمار|جناب|محترمہ|میرا نام|اسم من)[ \t]+(\p{Arabic}{2,}(?:[ \t]+\p{Arabic}{2,}){0,2})",
    // Self-introductions: `Меня зовут`, `我叫`, `제 이름은`, `ስሜ`; `Это
    // Ольга Воронцова` (this is), a given name and a surname.
    r"|(?:[Мм]еня зовут|[Мм]ене звати|我叫|제 이름은)[ \t]*(\p{Cyrillic}{2,}(?:[ \t]+\p{Cyrillic}{2,}){0,2}|\p{Han}{2,4}|\p{Hangul}{2,4})",
    r"|(?:Это|Це)[ \t]+([А-ЯЁІЇЄҐ][а-яёіїєґ']+[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ']+)",
    // Russian kin before a name (`бабушка Миши Громова`): the relative's.
    r"|(?:^|[^а-яёА-ЯЁ])(?:бабушка|бабушке|дедушка|дедушке|мама|маме|папа|папе|мать|отец|сын|сына|сыну|дочь|дочери|дочке|внук|внука|внуку|внучка|внучки|муж|мужа|мужу|жена|жены|жене)(?:[ \t]*,?[ \t]+|[ \t]*\()([А-ЯЁ][а-яё]+(?:[ \t]+[А-ЯЁ][а-яё]+)?)",
    // Ukrainian kin (`Мій чоловік, Остап Мельничук`).
    r"|(?:^|[^а-яёіїєґА-ЯЁІЇЄҐ'])(?:чоловік|чоловіка|чоловікові|дружина|дружини|дружині|донька|доньки|доньці|дочка|дочці|доньку|син|сина|синові|сину|мати|матері|батько|батька|батькові|бабуся|бабусі|дідусь|дідуся|дідусеві|онук|онука|онукові|онучка|онучці)(?:[ \t]*,?[ \t]+|[ \t]*\()([А-ЯЁІЇЄҐ][а-яёіїєґ']+(?:[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ']+)?)",
    r"|ስሜ[ \t]+(\p{Ethiopic}{2,}(?:[ \t]+\p{Ethiopic}{2,})?)",
    // A patient word and a given name and a surname (`Пацієнтка Оксана
    // Литвиненко`, `Ο ασθενής σας Νικηφόρος Λαμπράκης`); in Hebrew, with no
    // capitals, only where a colon or a bracket ends the name
    // (`המטופל אביחי כהן-דרעי:`).
    r"|(?:[Пп]ацієнтк[аиуі]|[Пп]ацієнт(?:а|ові|у)?|[Пп]ациентк[аеиу]|[Пп]ациент(?:а|у|ом)?|[Бб]ольн(?:ой|ого|ому|ая|ую))[ \t]+([А-ЯЁІЇЄҐ][а-яёіїєґ']+[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ'-]+)",
    // Ukrainian and Russian honorifics (`пані Ганна Бондаренко`).
    r"|(?:[Пп]ані|[Пп]ан|[Гг]оспожа|[Гг]оспожи|[Гг]осподин)[ \t]+([А-ЯЁІЇЄҐ][а-яёіїєґ']+[ \t]+[А-ЯЁІЇЄҐ][а-яёіїєґ'-]+)",
    r"|(?:[ΟοΗη][ \t]+ασθενής(?:[ \t]+(?:σας|μας))?|τ(?:ου|ης)[ \t]+ασθενούς(?:[ \t]+(?:σας|μας))?|τ(?:ον|ην)[ \t]+ασθενή(?:[ \t]+(?:σας|μας))?)[ \t]+([Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς]+[ \t]+[Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς-]+)",
    // Hebrew: a given name and a surname before `was diagnosed`, `was
    // admitted`, `was operated on` (`נועה לוי-מזרחי אובחנה עם`).
    r"|(?:^|[^\p{Hebrew}])(\p{Hebrew}{2,}[ \t]+\p{Hebrew}{2,}(?:-\p{Hebrew}{2,})?)[ \t]+(?:אובחן|אובחנה|אושפז|אושפזה|נותח|נותחה)(?:[ \t,.]|$)",
    r"|(?:המטופלת|המטופל|החולה)[ \t]+(\p{Hebrew}{2,}(?:[ \t-]\p{Hebrew}{2,}){1,2})[ \t]*[:(]",
    // Hebrew and Greek: after a patient's name label.
    r"|(?:שם המטופלת|שם המטופל|שם החולה)[ \t]*:[ \t]*(\p{Hebrew}{2,}(?:[ \t]+\p{Hebrew}{2,}){0,2})",
    // A record's name field, perhaps with a rank (`שם: סמל עמית ברקוביץ`):
    // a given name and a surname.
    r#"|(?:^|\n)[ \t]*(?:שם|שם מלא)[ \t]*:[ \t]*(?:(?:סמל|סמ"ר|רב"ט|טוראי|טור'|סגן|סג"ם|סרן|רס"ר|רס"ל)[ \t]+)?(\p{Hebrew}{2,}(?:[ \t]+\p{Hebrew}{2,}){1,2})[ \t]*(?:\r?\n|$)"#,
    // Thai: after a patient's name label, perhaps with an honorific
    // written onto the name (`ชื่อผู้ป่วย: นางสาวพิมพ์ชนก วงศ์ใหญ่`).
    r"|(?:ชื่อผู้ป่วย|ชื่อ-สกุลผู้ป่วย|ชื่อ-นามสกุลผู้ป่วย)[ \t]*:[ \t]*(?:นางสาว|นาย|นาง|ด\.ช\.|ด\.ญ\.)?(\p{Thai}{2,}(?:[ \t]+\p{Thai}{2,})?)",
    r"|(?:Ασθενής|Ονοματεπώνυμο ασθενούς|ΑΣΘΕΝΗΣ)[ \t]*:[ \t]*(\p{Greek}{2,}(?:[ \t]+\p{Greek}{2,}){0,2})",
    // Greek: after an honorific (`κα Παπαδημητρίου`, `κ. Λαμπράκη`,
    // `κύριε Νικολάου`), a surname and perhaps a given name.
    r"|(?:^|[ \t(,\n])(?:[Κκ]α|[Κκ]\.|[Κκ]ος|[Κκ]υρία|[Κκ]υρίας|[Κκ]ύριε|[Κκ]ύριος|[Κκ]υρίου)[ \t]+([Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς-]{2,}(?:[ \t]+[Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς-]{2,})?)",
    // Devanagari: after Mr, Mrs or patient; a writer introducing
    // themself as `ji`'s son or daughter (`मैं रमेश चंद्र शर्मा जी का
    // बेटा`: the writer's parent).
    r"|(?:श्री|श्रीमती|सुश्री|मरीज़|मरीज)[ \t]+(\p{Devanagari}{2,}(?:[ \t]+\p{Devanagari}{2,}){0,2})",
    r"|(?:मैं|हम)[ \t]+(\p{Devanagari}{2,}(?:[ \t]+\p{Devanagari}{2,}){1,2})[ \t]+जी[ \t]+(?:का|की|के)[ \t]+(?:बेटा|बेटी|पुत्र|पुत्री|पत्नी|पति|पोता|पोती)",
);

/// A Greek word of a role or an office (`παιδίατρος`, `Εισηγήτρια`,
/// `πρωθυπουργός`, `καρδιολόγος`): who holds it is named for their work.
fn greek_role(w: &str) -> bool {
    const STEMS: &[&str] = &[
        "ίατρ",
        "ιατρ",
        "γιατρ",
        "ολόγ",
        "νοσηλευτ",
        "νοσηλεύτρ",
        "θεραπευτ",
        "τεχνικ",
        "διευθ",
        "Διευθ",
        "συντονισ",
        "Συντονισ",
        "εισηγ",
        "Εισηγ",
        "πρόεδρ",
        "Πρόεδρ",
        "πρωθυπουργ",
        "υπουργ",
        "Υπουργ",
        "καθηγ",
        "Καθηγ",
        "δήμαρχ",
        "Δήμαρχ",
        "βουλευτ",
        "μαία",
        "Μαία",
        "ομιλητ",
        "Ομιλητ",
        "ιδρυτ",
        "υπεύθυν",
        "Υπεύθυν",
        "Ίατρ",
        "Ιατρ",
    ];
    let w = w.trim_matches(|c: char| !c.is_alphabetic());
    w.chars().count() >= 4 && STEMS.iter().any(|s| w.contains(s))
}

/// Common Greek given names in the nominative; `greek_full_name` adds
/// their other cases. (Not `Νίκη`, `Χαρά`, `Ελπίδα`, `Ζωή`: victory,
/// joy, hope and life open sentences too; nor `Κυριακή`, `Παρασκευή`:
/// Sunday and Friday.)
const GREEK_GIVEN: &[&str] = &[
    "Γιώργος",
    "Νίκος",
    "Κώστας",
    "Δημήτρης",
    "Γιάννης",
    "Παναγιώτης",
    "Βασίλης",
    "Χρήστος",
    "Αντώνης",
    "Μιχάλης",
    "Σπύρος",
    "Θανάσης",
    "Ηλίας",
    "Σταύρος",
    "Ευάγγελος",
    "Βαγγέλης",
    "Αλέξανδρος",
    "Κωνσταντίνος",
    "Ιωάννης",
    "Αθανάσιος",
    "Στέλιος",
    "Πέτρος",
    "Παύλος",
    "Άγγελος",
    "Μανώλης",
    "Θοδωρής",
    "Θεόδωρος",
    "Στέφανος",
    "Απόστολος",
    "Λευτέρης",
    "Ελευθέριος",
    "Φώτης",
    "Τάσος",
    "Χαράλαμπος",
    "Μάριος",
    "Ανδρέας",
    "Λάμπρος",
    "Μάρκος",
    "Σωτήρης",
    "Γρηγόρης",
    "Νικόλαος",
    "Πάνος",
    "Αλέξης",
    "Φίλιππος",
    "Στάθης",
    "Λουκάς",
    "Οδυσσέας",
    "Γεράσιμος",
    "Ορέστης",
    "Νικηφόρος",
    "Κυριάκος",
    "Μιλτιάδης",
    "Ζήσης",
    "Αριστείδης",
    "Γεώργιος",
    "Δημοσθένης",
    "Μαρία",
    "Ελένη",
    "Κατερίνα",
    "Αικατερίνη",
    "Βασιλική",
    "Σοφία",
    "Αγγελική",
    "Γεωργία",
    "Δήμητρα",
    "Ευαγγελία",
    "Ειρήνη",
    "Χριστίνα",
    "Παναγιώτα",
    "Αναστασία",
    "Δέσποινα",
    "Άννα",
    "Φωτεινή",
    "Ιωάννα",
    "Κωνσταντίνα",
    "Αθηνά",
    "Στέλλα",
    "Μαργαρίτα",
    "Ευτυχία",
    "Θεοδώρα",
    "Αλεξάνδρα",
    "Δανάη",
    "Χρυσούλα",
    "Όλγα",
    "Βάσω",
    "Ρένα",
    "Σταυρούλα",
    "Αργυρώ",
    "Φανή",
    "Λίνα",
    "Νεφέλη",
    "Μυρτώ",
    "Ξανθή",
    "Ασπασία",
    "Πολυξένη",
    "Μελίνα",
    "Αφροδίτη",
    "Ευδοκία",
    "Σμαράγδα",
];

/// `GREEK_GIVEN` in its cases (`Νίκος`, `Νίκο`, `Νίκου`, `Νίκε`; `Ελένη`,
/// `Ελένης`) before a capitalised surname, as one regex.
fn greek_full_name() -> String {
    let mut forms: Vec<String> = Vec::new();
    for n in GREEK_GIVEN {
        let cut = |k: usize| n.char_indices().rev().nth(k - 1).map_or(0, |(i, _)| i);
        let two = &n[..cut(2)];
        let one = &n[..cut(1)];
        if n.ends_with("ος") {
            forms.push(format!("{two}(?:ος|ο|ου|ε)"));
        } else if n.ends_with("ης") || n.ends_with("ής") || n.ends_with("ας") || n.ends_with("άς")
        {
            forms.push(format!("{n}|{one}"));
        } else if n.ends_with(['α', 'η', 'ά', 'ή']) {
            forms.push(format!("{n}|{n}ς"));
        } else {
            forms.push((*n).to_string());
        }
    }
    format!(
        r"(?:^|[^\p{{Greek}}])((?:{})[ 	]+[Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς]{{2,}}(?:-[Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς]{{2,}})?)(?:$|[^\p{{Greek}}])",
        forms.join("|")
    )
}

/// Does `text` hold a health word of these scripts?
pub(crate) fn has_term(text: &str) -> bool {
    has_other_script(text.as_bytes()) && res().terms.is_match(text)
}

/// Any lead byte of the scripts this module reads (Greek, Cyrillic,
/// Hebrew, Arabic, Devanagari, Thai, Ethiopic, CJK, Hangul)? Sixteen
/// bytes at a time: ASCII words are passed over with one test.
pub(crate) fn has_other_script(b: &[u8]) -> bool {
    // Ethiopic shares its lead byte 0xE1 with Vietnamese letters (`ầ`):
    // its second byte tells them apart.
    let lead = |i: usize| match b[i] {
        0xCE | 0xCF | 0xD0..=0xD4 | 0xD6..=0xDB | 0xE0 | 0xE3..=0xED => true,
        0xE1 => b.get(i + 1).is_some_and(|c| (0x88..=0x8D).contains(c)),
        _ => false,
    };
    // Sixteen bytes at a time with one load and one test: ASCII prose
    // (nearly all of it) never looks at a byte.
    let mut at = 0;
    for w in b.chunks_exact(16) {
        let v = u128::from_le_bytes(w.try_into().unwrap_or([0; 16]));
        if v & 0x8080_8080_8080_8080_8080_8080_8080_8080 != 0 && (at..at + 16).any(lead) {
            return true;
        }
        at += 16;
    }
    (at..b.len()).any(lead)
}

/// A company's departments and forms, before an addressee's name.
const DEPARTMENTS: &[&str] = &[
    "総務部",
    "人事部",
    "営業部",
    "経理部",
    "総務課",
    "人事課",
    "人事课",
    "人事部门",
    "行政部",
    "财务部",
    "株式会社",
    "有限会社",
    "公司",
];
/// Fees, prices, quotes and invoices (Japanese and Chinese).
const PRICES: &[&str] = &[
    "料金",
    "価格",
    "見積",
    "請求書",
    "报价",
    "价格",
    "收费",
    "費用",
    "费用",
];

/// Scan `text` for health words and names in other scripts. `latin`:
/// the spans of the Latin health terms found in the same text (sorted).
pub fn scan(
    text: &str,
    loc: Location,
    latin: &[(usize, usize)],
    ends: super::Ends,
    sink: &mut Sink,
) {
    vietnamese_names(text, loc, latin, sink);
    if !has_other_script(text.as_bytes()) {
        return;
    }
    let r = res();
    // (start, end, a setting word), one pass.
    let found: Vec<(usize, usize, bool)> = r
        .terms
        .find_iter(text)
        .take(4096)
        .filter(|m| !(text[m.end()..].starts_with('险') || text[m.end()..].starts_with('險')))
        .map(|m| (m.start(), m.end(), r.setting[m.pattern().as_usize()]))
        .collect();
    // Facts only: a hospital or a patient word is in every notice. A
    // veterinary practice's facts are its animal patients' (`вашему коту
    // Барсику … прививку`, signed `ветеринарная клиника`): the owner it
    // greets is no patient.
    let mut facts: Vec<(usize, usize)> = found
        .iter()
        .filter(|t| !t.2)
        .map(|&(s, e, _)| (s, e))
        .collect();
    if !facts.is_empty() && super::name::veterinary_mail(text) {
        facts.clear();
    }
    facts.retain(|&(s, e)| !data_category(text, s, e));
    // Reach is counted in letters: Greek, Hebrew and Arabic take two bytes
    // a letter, so a name's facts may stand twice as many bytes away as in
    // English (a line or two further down). Not a Cyrillic reader greeted
    // by name and patronymic (`Уважаемая Нина Петровна`): business mail
    // opens so, with a notice far below it.
    let near = |s: usize, e: usize| {
        let ls = text[..s].rfind('\n').map_or(0, |k| k + 1);
        let greeted = ["Уважаем", "уважаем", "Шановн", "шановн", "Дорог", "дорог"]
            .iter()
            .any(|w| text[ls..e].contains(w));
        let reach = if text[s..].chars().next().is_some_and(|c| {
            c.len_utf8() == 2 && !(greeted && ('\u{0400}'..='\u{04FF}').contains(&c))
        }) {
            2 * REACH
        } else {
            REACH
        };
        let lo = s.saturating_sub(reach);
        let hi = e + reach;
        facts
            .iter()
            .chain(latin)
            .any(|&(hs, he)| he >= lo && hs <= hi)
    };
    // A name with a health fact near is a person in care. Without one, a
    // word is a topic (a seminar on diabetes, a notice to all patients).
    let mut named = false;
    // Japanese (three kana or more: a kaomoji's one is not), asked once.
    let mut japanese: Option<bool> = None;
    // Prices or a quote, asked once.
    let mut quote: Option<bool> = None;
    let event = || HAN_EVENT_WORDS.iter().any(|w| text.contains(w));
    let greeted = r
        .han_greeting
        .captures_iter(text)
        .take(4)
        .filter(|_| !event());
    let workers = r
        .han_worker
        .captures_iter(text)
        .take(16)
        .filter(|c| c.get(1).is_some_and(|m| !r.terms.is_match(m.as_str())));
    // A Greek name alone on its line signs a letter or heads a list; after
    // a doctor's title or a role, before a role in brackets or after a
    // comma (`Ελένη Γεωργίου (νοσηλεύτρια)`), or on a speakers' line it
    // names staff.
    let greek = r
        .greek_full
        .captures_iter(text)
        .take(MAX_NAMES)
        .filter(|c| {
            c.get(1).is_some_and(|m| {
                let ls = text[..m.start()].rfind('\n').map_or(0, |k| k + 1);
                let le = text[m.end()..]
                    .find('\n')
                    .map_or(text.len(), |k| m.end() + k);
                let before = text[ls..m.start()].trim_end();
                let titled = ["Δρ", "Δρ.", "Dr", "Dr.", "Καθ."]
                    .iter()
                    .any(|t| before.ends_with(t))
                    || before
                        .rsplit([' ', '\t', ':', ','])
                        .find(|w| !w.is_empty())
                        .is_some_and(greek_role);
                let after = text[m.end()..le].trim_start();
                // A role in brackets or after a comma (`(καρδιολόγος)`,
                // `, Παιδίατρος`); an age or a place in brackets stays.
                let role_after = after
                    .strip_prefix(['(', ','])
                    .and_then(|r| r.split([' ', ')', ',']).find(|w| !w.is_empty()))
                    .is_some_and(greek_role);
                !text[ls..le].trim().eq(m.as_str())
                    && !titled
                    && !role_after
                    && !["Ομιλητ", "Εισηγ", "Συντονισ"]
                        .iter()
                        .any(|w| text[ls..le].contains(w))
            })
        });
    for c in r
        .names
        .captures_iter(text)
        .take(MAX_NAMES)
        .chain(greeted)
        .chain(workers)
        .chain(greek)
    {
        let Some(m) = c.iter().skip(1).flatten().next() else {
            continue;
        };
        // A role, a group or a greeting before an honorific (`患者さん`,
        // `皆様`, `尊敬的女士`, `고객님`), or a preposition after a patient
        // word (`حقوق المريض في المستشفى`): no one is named.
        // The name is what follows the last such word (`尊敬的王先生` is
        // Mr. Wang; `患者さん` names no one).
        let cut = NOT_NAMES
            .iter()
            .chain(&["的"])
            .filter_map(|w| m.as_str().rfind(w).map(|i| i + w.len()))
            .max()
            .unwrap_or(0);
        let name = &m.as_str()[cut..];
        // Only a Han lead-in is cut away: `고혈압` is a word, not a name.
        let han = |c: char| {
            ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
        };
        // A title after a Greek honorific (`κ. Πρόεδρε`, `κα Διευθύντρια`),
        // an Arabic adjective after `my mother` (`أمي الحبيبة`).
        const TITLE_STEMS: &[&str] = &[
            "Πρόεδρ",
            "Υπουργ",
            "Διευθ",
            "Δήμαρχ",
            "Καθηγητ",
            "Βουλευτ",
            "Γιατρ",
            "Ινσουλ",
        ];
        if TITLE_STEMS.iter().any(|t| name.starts_with(t)) || name.starts_with("ال") {
            continue;
        }
        // Hebrew has no capitals: two words before `was diagnosed` may be
        // a pronoun and a conjunction (`אמר לו כי אובחן`).
        const HEBREW_FUNCTION_WORDS: &[&str] = &[
            "כי",
            "לו",
            "לה",
            "להם",
            "הוא",
            "היא",
            "הם",
            "הן",
            "אני",
            "אתה",
            "את",
            "אשר",
            "גם",
            "כבר",
            "לא",
            "אתמול",
            "היום",
            "השבוע",
            "שהוא",
            "שהיא",
            "שלו",
            "שלה",
            "רבים",
            "רבות",
            "מהם",
            "מהן",
            "אחד",
            "אחת",
            "עוד",
            "כאשר",
            "אם",
            "אבל",
            "וכי",
            "שכן",
            "מאז",
            "לאחר",
            "שלי",
            "לפני",
            "אחרי",
            "השנה",
            "הילד",
            "הילדה",
            "בני",
            "בתי",
            "אמא",
            "אבא",
            "בעלי",
            "אשתי",
            "מטופלים",
            "חולים",
        ];
        if name
            .split([' ', '\t', '-'])
            .any(|w| HEBREW_FUNCTION_WORDS.contains(&w))
        {
            continue;
        }
        // Words before `학생` that are no name (`모든 학생`, all students;
        // `장애 학생`, disabled students).
        const KOREAN_NOT_PUPILS: &[&str] = &[
            "모든", "전체", "고등", "장애", "한국", "우리", "이번", "신입", "우수", "모범", "전학",
            "재학", "해당", "일반", "유학", "대학",
        ];
        if KOREAN_NOT_PUPILS.contains(&name.trim()) {
            continue;
        }
        // A country's stand-in name (`홍길동`, `张三`) in a test system's
        // mail: a test patient.
        if ["홍길동", "张三", "張三", "李四", "王五"].contains(&name.trim())
            && [
                "테스트",
                "测试环境",
                "测试系统",
                "测试患者",
                "測試環境",
                "測試系統",
                "テスト",
                "TEST",
            ]
            .iter()
            .any(|w| text.contains(w))
        {
            continue;
        }
        // A role noun (`精度管理担当者 様`, the person in charge of
        // quality control; `保護者`, a guardian) names no one.
        if name.is_empty()
            || name.ends_with('者')
            || HAN_ROLES.iter().any(|w| name.ends_with(w))
            || name.ends_with("担当")
            || (cut > 0 && !name.chars().all(han))
            || name
                .split([' ', '\t'])
                .next()
                .is_some_and(|w| NOT_FIRST_WORDS.contains(&w))
        {
            continue;
        }
        let (ns, ne) = (m.start() + cut, m.end());
        // A clinician or an investigator named by a degree or a role
        // before the name (`Национальный координатор: д.м.н. Ольга
        // Владимировна Соколова`, `лечащий врач`, `проф.`).
        if cyrillic_role_before(text, ns) || cyrillic_role_after(text, ne) {
            continue;
        }
        // In Japanese `先生` follows a doctor's or a teacher's name
        // (`山本先生`): the schedule of a clinic's doctors.
        if text[m.end()..]
            .trim_start_matches([' ', '\t'])
            .starts_with("先生")
            && *japanese.get_or_insert_with(|| r.kana.find_iter(text).nth(2).is_some())
        {
            continue;
        }
        // A business letter's addressee after a company's department
        // (`総務部　中島様`) over prices or a quote: a contact, not a
        // patient (an employee's own check-up result stays one).
        let mut department = || {
            let line_head = text[..ns].rsplit('\n').next().unwrap_or("");
            let line_head = line_head.trim_end_matches([' ', '\t', '\u{3000}']);
            DEPARTMENTS.iter().any(|w| line_head.ends_with(w))
                && *quote.get_or_insert_with(|| PRICES.iter().any(|p| text.contains(p)))
        };
        // A letter's addressee on its opening line (`山田 花子 様`): the
        // whole letter is about them, its facts however far down.
        // (A family name written apart may stand before the name found.)
        let head = text[..m.start()].trim();
        let whole = c.get(0).map_or("", |w| w.as_str());
        let addressee = head.len() <= 12
            && head.chars().all(han)
            // A colleague greeted informally (`田中さん`) opens a note, not a
            // letter about them.
            && !(whole.ends_with("さん") || whole.ends_with("ちゃん") || whole.ends_with('君'))
            && text[c.get(0).map_or(m.end(), |w| w.end())..]
                .split('\n')
                .next()
                .is_some_and(|rest| rest.trim().is_empty());
        // After a patient's own label (`患者氏名：山田 花子`), as `Patient:`
        // is in English (a bare `氏名：` is any form's name field).
        let patient_field =
            whole.contains([':', '：']) && PATIENT_LABELS.iter().any(|l| whole.starts_with(l));
        let conf = if (patient_field || near(ns, ne) || (addressee && !facts.is_empty()))
            && !department()
        {
            named = true;
            Confidence::High
        } else {
            Confidence::Low
        };
        sink.push(Kind::Name, conf, loc, name);
    }
    // A patient's own letter signed with their name (`…二甲双胍我每天按时吃。`
    // / `王建国`): a first person and a fact word, and a Han name alone
    // on the last written line.
    if ends.closes
        && !facts.is_empty()
        && first_person_han(text)
        && let Some(name) = han_signature(text)
    {
        named = true;
        sink.push(Kind::Name, Confidence::High, loc, name);
    }
    // The same in Cyrillic (`Мне 44 года… эректильная дисфункция` /
    // `> Андрей Воронцов`), quoted in a reply too.
    // The first person stands shortly before one of the facts (240
    // bytes: some 120 Cyrillic letters) (`Мне 44
    // года, эректильная дисфункция`), not anywhere in a letter that
    // sends an invoice.
    let own_fact = || {
        facts.iter().any(|&(fs, _)| {
            let from = crate::policy::text::floor_boundary(text, fs.saturating_sub(240));
            r.first_person_cyrillic.is_match(&text[from..fs])
        })
    };
    if ends.closes
        && !facts.is_empty()
        && let Some(name) = cyrillic_signature(text)
        && own_fact()
    {
        named = true;
        sink.push(Kind::Name, Confidence::High, loc, name);
    }
    for c in r.chart.captures_iter(text).take(64) {
        if let Some(m) = c.get(1) {
            sink.push(Kind::Mrn, Confidence::High, loc, m.as_str());
        }
    }
    // A bare `file number` (`رقم الملف 884102`, `מספר תיק 20417`) is a
    // chart number, and an insured person's number a member's, where the
    // text tells of someone's health (an employer's insurance number or
    // a car policy's is not).
    if !facts.is_empty() || !latin.is_empty() {
        for (re, kind) in [(&r.file_number, Kind::Mrn), (&r.insured, Kind::MemberId)] {
            for c in re.captures_iter(text).take(64) {
                if let Some(m) = c.get(1) {
                    sink.push(kind, Confidence::High, loc, m.as_str());
                }
            }
        }
    }
    for c in r.born.captures_iter(text).take(64) {
        // `2025年3月1日生效`: takes effect.
        let whole = c.get(0).map_or(0, |w| w.end());
        if text[whole..].starts_with('效') {
            continue;
        }
        if let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) {
            sink.push(Kind::Dob, Confidence::High, loc, m.as_str());
        }
    }
    // A dose or a reading right after a fact word (`инсулин 10 ед`,
    // `сахар 19 ммоль/л`) is one person's care too.
    let dosed = |e: usize| r.dose.is_match(crate::policy::text::after(text, e, 40));
    // A Hebrew writer's own fact (`היו לי שני התקפי חרדה`, I had two
    // anxiety attacks): the first person shortly before it.
    // Within the fact's own sentence, and not an invitation to a
    // conference, a lecture, a workshop or a course about it.
    let own_hebrew = || {
        facts.iter().any(|&(fs, fe)| {
            let from = crate::policy::text::floor_boundary(text, fs.saturating_sub(120));
            let from = text[from..fs]
                .rfind(['.', '!', '?', '\n'])
                .map_or(from, |k| from + k + 1);
            let to = crate::policy::text::floor_boundary(text, (fe + 60).min(text.len()));
            let to = text[fe..to]
                .find(['.', '!', '?', '\n'])
                .map_or(to, |k| fe + k);
            r.first_person_hebrew.is_match(&text[from..fs])
                && !["כנס", "הרצאה", "סדנה", "קורס", "וובינר"]
                    .iter()
                    .any(|w| text[from..to].contains(w))
        })
    };
    let care = named || facts.iter().any(|&(_, e)| dosed(e)) || own_hebrew();
    for &(s, e, setting) in found.iter().take(64) {
        let conf = match (setting, care) {
            (true, true) => Confidence::Medium,
            (true, false) => Confidence::Low,
            (false, true) => Confidence::High,
            (false, false) => Confidence::Medium,
        };
        sink.push(Kind::Health, conf, loc, &text[s..e]);
    }
}

/// Labels of a patient's name field (`患者氏名：`, `病人：`).
const PATIENT_LABELS: &[&str] = &[
    "患者",
    "病人",
    "病患",
    "受试者",
    "受試者",
    "被験者",
    "被验者",
    "受检者",
    "환자",
];

/// A role after a family name (`王经理`, manager Wang; `林老师`, teacher
/// Lin): the person is greeted by their work, not named as a patient.
const HAN_ROLES: &[&str] = &[
    "经理",
    "經理",
    "老师",
    "老師",
    "医生",
    "醫生",
    "大夫",
    "护士",
    "護士",
    "主任",
    "院长",
    "院長",
    "同学",
    "同學",
    "同事",
    "总",
    "總",
    "姐",
    "哥",
    "工",
    "们",
    "們",
    "总监",
    "總監",
    "主管",
    "教授",
    "律师",
    "律師",
    "科长",
    "科長",
    "校长",
    "校長",
    "处长",
    "處長",
    "局长",
    "局長",
    "老板",
    "老闆",
    "师傅",
    "師傅",
    "阿姨",
    "医师",
    "醫師",
    "董事长",
    "董事長",
    "部长",
    "部長",
    "秘书",
    "秘書",
    "会计",
    "會計",
    "书记",
    "書記",
    "所长",
    "所長",
];

/// A lecture, a campaign, a product or an order: a Chinese letter greeting
/// its reader about one of these tells of no care of theirs.
const HAN_EVENT_WORDS: &[&str] = &[
    "讲座", "講座", "公益", "宣传", "宣傳", "产品", "產品", "订购", "訂購", "展会", "展會", "研究",
    "会议", "會議", "科普", "报名", "報名", "活动", "活動", "招聘", "报价", "報價",
];

/// Common one-character Chinese family names (simplified and
/// traditional forms).
const HAN_SURNAMES: &str = "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范範金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閻段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯";

/// `我` (I) in the text, not as `我们` / `我們` (we: a clinic's notice).
fn first_person_han(text: &str) -> bool {
    text.match_indices('我')
        .take(64)
        .any(|(i, w)| !text[i + w.len()..].starts_with(['们', '們']))
}

/// A Han name alone on the last written line: two to four Han
/// characters, the first a common family name.
fn han_signature(text: &str) -> Option<&str> {
    let (_, line) = super::name::last_written_line(text)?;
    let n = line.chars().count();
    let han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    let first = line.chars().next()?;
    // Titles and set phrases that open with a family name's character
    // (`谢谢` thanks, `周末愉快` have a good weekend, `王医生` Dr. Wang).
    const NOT_NAMES: &[&str] = &[
        "谢", "謝", "医生", "醫生", "老师", "老師", "护士", "護士", "主任", "愉快", "快乐", "快樂",
        "周末", "週末", "你好", "您好", "大家", "同事", "院长", "院長", "经理", "經理",
    ];
    ((2..=3).contains(&n)
        && line.chars().all(han)
        && HAN_SURNAMES.contains(first)
        && !NOT_NAMES.iter().any(|w| line.contains(w)))
    .then_some(line)
}

/// A Cyrillic name right after a degree or a role (`Национальный
/// координатор: д.м.н. Ольга Владимировна Соколова`, `врач Иванов И. И.`):
/// a clinician's or an investigator's. Only the word right before the
/// name (`доктор, пациентка Ольга Петрова` names a patient).
fn cyrillic_role_before(text: &str, ns: usize) -> bool {
    const ROLES: &[&str] = &[
        "д.м.н",
        "к.м.н",
        "проф.",
        "профессор",
        "врач",
        "доктор",
        "д-р",
        "координатор",
        "исследовател",
        "руководител",
        "заведующ",
        "лікар",
        "дослідник",
        "керівник",
        "завідувач",
        "медсестр",
        "фельдшер",
        "спикер",
        "докладчик",
        "лектор",
        "модератор",
        // A sole trader's name on an invoice (`ФОП Коваленко Олена
        // Петрівна`): a business, no patient.
        "фоп",
    ];
    // An invoice's party labels (`Постачальник: ФОП …`).
    const SUPPLIERS: &[&str] = &[
        "постачальник",
        "поставщик",
        "продавець",
        "продавец",
        "виконавець",
        "исполнитель",
        "підрядник",
        "подрядчик",
    ];
    let from = crate::policy::text::floor_boundary(text, ns.saturating_sub(64));
    let head = &text[from..ns];
    let head = head.rsplit('\n').next().unwrap_or("").to_lowercase();
    let role = |w: &str| ROLES.iter().chain(SUPPLIERS).any(|r| w.starts_with(r));
    // Or a role's label heads the line (`Координатор дослідження:
    // Петренко Олена Миколаївна`).
    head.split_whitespace().next_back().is_some_and(role)
        || (head.trim_end().ends_with(':') && head.split_whitespace().next().is_some_and(role))
        // The label and one word of a business's form between (`ФОП`,
        // `ТОВ`), not another's name (`Лікар: Петренко О.М., пацієнтка…`).
        || (head.split_whitespace().count() <= 2
            && !head.contains([',', ';'])
            && head.split_whitespace().next().is_some_and(|w| {
                w.ends_with(':') && SUPPLIERS.iter().any(|r| w.starts_with(r))
            }))
}

/// A role right after a Cyrillic name (`Петренко Олена Миколаївна,
/// лікар-кардіолог`, `Иванов И. И. (врач)`).
fn cyrillic_role_after(text: &str, ne: usize) -> bool {
    const ROLES: &[&str] = &[
        "д.м.н",
        "к.м.н",
        "проф",
        "врач",
        "доктор",
        "лікар",
        "медсестр",
        "фельдшер",
        "координатор",
        "завідувач",
        "заведующ",
        "керівник",
        "руководител",
        "хирург",
        "хірург",
        "кардиолог",
        "кардіолог",
        "онколог",
        "невролог",
    ];
    let rest = crate::policy::text::after(text, ne, 48).to_lowercase();
    let rest = rest.trim_start();
    rest.strip_prefix([',', '(', '–', '-'])
        .map(str::trim_start)
        .and_then(|r| r.split([' ', ',', ')', '.']).next())
        .is_some_and(|w| ROLES.iter().any(|r| w.starts_with(r)))
}

/// A given name and a surname in Cyrillic alone on the last written line
/// (past a reply's `>`).
fn cyrillic_signature(text: &str) -> Option<&str> {
    let (_, line) = super::name::last_written_line(text)?;
    let line = line.trim_start_matches(['>', ' ', '\t']);
    let words: Vec<&str> = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    let name_word = |w: &&str| {
        let mut c = w.chars();
        c.next()
            .is_some_and(|f| matches!(f, 'А'..='Я' | 'Ё' | 'І' | 'Ї' | 'Є' | 'Ґ'))
            && w.chars().count() >= 2
            && c.all(|x| matches!(x, 'а'..='я' | 'ё' | 'і' | 'ї' | 'є' | 'ґ' | '\'' | '-'))
    };
    ((2..=3).contains(&words.len()) && words.iter().all(name_word)).then_some(line)
}

/// Vietnamese names, surname first (`bà Nguyễn Thị Hoa`, `anh Trần
/// Minh`): a family name written with its marks, then one to three
/// capitalised syllables — two or more, or one after a kinship
/// honorific (`bà`, `ông`, `chị`...). Not after `bác sĩ` (a doctor).
/// High with a health term within `REACH`, else low. Latin script, so
/// no lead-byte gate: the regex's literal prefilter (every family name
/// holds a non-ASCII letter) skips text without them.
fn vietnamese_names(text: &str, loc: Location, health: &[(usize, usize)], sink: &mut Sink) {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        super::re(
            r"(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Trịnh|Đoàn|Lâm|Trương|Lương|Châu|Quách|Vương|Lưu|Triệu|Đào)(?:[ \t]+\p{Lu}\p{Ll}{0,6}){1,3}\b",
        )
    });
    const KIN: &[&str] = &[
        "bà", "ông", "cụ", "anh", "chị", "cô", "chú", "bác", "cháu", "em", "bé", "Bà", "Ông", "Cụ",
        "Anh", "Chị", "Cô", "Chú", "Bác", "Cháu", "Em", "Bé",
    ];
    for m in r.find_iter(text).take(MAX_NAMES) {
        if m.start() > 0
            && text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let head = text[..m.start()].trim_end_matches([' ', '\t']);
        let prev = head
            .rsplit([' ', '\t', '\n', '(', ','])
            .next()
            .unwrap_or("");
        let doctor = [
            "bác sĩ",
            "Bác sĩ",
            "BS.",
            "BS",
            "Dr.",
            "y tá",
            "điều dưỡng",
            "ược sĩ",
            "ThS.",
            "TS.",
        ]
        .iter()
        .any(|d| head.ends_with(d));
        // `Liên hệ: chị Võ Thị Hạnh, 206-555-0136`: a contact person.
        let contact = {
            let w = crate::policy::text::before(text, m.start(), 32);
            w.contains("iên hệ") || w.contains("LIÊN HỆ") || w.contains("iện thoại")
        };
        // `Nguyễn Hữu Phước, MD`: a clinician in a roster.
        let credential = {
            let a = crate::policy::text::after(text, m.end(), 12).trim_start_matches([',', ' ']);
            [
                "MD", "DO", "RN", "NP", "PA", "DDS", "PhD", "PsyD", "DPT", "PharmD", "LCSW",
            ]
            .iter()
            .any(|c| a.starts_with(c))
        };
        // A record's patient label, the name on its line or the next
        // (`Họ tên người bệnh:` / `Trần Thị Bảo`).
        let labelled = {
            let w = crate::policy::text::before(text, m.start(), 48).trim_end();
            [
                "người bệnh:",
                "bệnh nhân:",
                "Họ và tên:",
                "Họ tên:",
                "HỌ TÊN:",
                "HỌ VÀ TÊN:",
            ]
            .iter()
            .any(|l| w.ends_with(l))
        };
        // Streets, cities and schools bear such names too (`đường Trần
        // Hưng Đạo`, `Hồ Chí Minh`): only a kinship word or a patient
        // label makes a person.
        if doctor || contact || credential || !(KIN.contains(&prev) || labelled) {
            continue;
        }
        let near = health
            .iter()
            .any(|&(hs, he)| he + REACH >= m.start() && hs <= m.end() + REACH);
        let conf = if near {
            Confidence::High
        } else {
            Confidence::Low
        };
        sink.push(Kind::Name, conf, loc, m.as_str());
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
            "受试者：张伟（筛选号 S031），男，1958年出生\n事件名称：急性心肌梗死，当日急诊入院",
            "שם המטופלת: מיכל אברמוביץ\nאבחנה: דלקת בדרכי השתן (ציסטיטיס) לא מסובכת.",
            "Họ tên người bệnh:\nTrần Thị Bảo\nChẩn đoán: Tăng huyết áp, đái tháo đường; insulin",
            // An employee's own check-up result, addressed by department.
            "営業部　田中様\n健康診断の結果、血糖値が高く糖尿病の疑いがあります。",
            "山田太郎様の検査結果をお送りします。血圧が高めです。",
            "김민수 님의 검사 결과가 나왔습니다. 혈압이 높습니다.",
            "المريض أحمد علي حسن يحتاج إلى غسيل الكلى يوم الاثنين في المستشفى.",
            "श्रीमती सुनीता शर्मा को मधुमेह है, कृपया अस्पताल आएं।",
            // The undersigned writer of a claim, at its start and its end.
            "敬啟者：\n本人陳美玲（保單號碼 HK55287710）於11月9日至11日入住醫院，進行白內障手術。",
            "由眼科醫生為右眼進行白內障手術，住院三天。\n此致\n陳美玲 謹上",
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
            // A department signs: no person.
            "本公司將於12月1日起調整住院及手術理賠流程。\n此致\n永康保險有限公司 理賠部 謹上",
            // A company's department before its contact, with a fee list
            // of vaccines.
            "株式会社ミナト商事\n総務部　中島様\n\n海外赴任予定の社員の皆様向けの予防接種の料金：Ａ型肝炎 8,800円、狂犬病 15,400円",
            "김민수 님, 주문하신 상품이 발송되었습니다.",
            "السيد أحمد علي، نشكرك على طلبك.",
            // Nouns where a name would stand, and words with other senses.
            "고혈압 환자를 위한 저염식 요리 교실",
            "고객님, 병원 건강검진 예약 안내",
            "入院患者様へのお願い。糖尿病患者さんの料理教室",
            "尊敬的女士，本医院的糖尿病讲座",
            "大家好，我是新来的护士长，在医院上班，糖尿病",
            "حقوق المريض في المستشفى والسكري",
            "सभी मरीज कृपया ध्यान दें: अस्पताल में मधुमेह शिविर",
            "Ваш Личный кабинет: результаты по диабету",
            "陈国梁先生，您的中风险理财产品已到期。",
            "الطالب أحمد علي في المؤسسة التربوية",
            // A test system's stand-in patient.
            "[EMR 테스트] 테스트 환자 : 홍길동 (테스트환자) 처방 전달 성공, 입원 처방 시나리오",
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
    fn chart_numbers_and_birth_dates_marked_in_other_scripts() {
        let t = "妻の田中由美子（1982年9月15日生、患者番号 KR-5530218）の件で。甲状腺の検査結果。";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High), "{t}");
        assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        for t in [
            "العيادة: عيادة السكري\nرقم الملف الطبي: 204417",
            "מספר מטופל: 3318842\nבדיקת דם",
        ] {
            assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        }
        let t = "Пишу по поводу отца, 15.09.1942 г.р.";
        assert_eq!(found(t, Kind::Dob), Some(Confidence::High), "{t}");
        // A date with no birth mark is no birth date.
        assert_eq!(found("会議は2025年3月5日です。", Kind::Dob), None);
        for t in [
            "מספר מבוטח: 0318847261\nהמוגלובין: 11.2",
            "医保卡号：3301 2288 4410 27，糖尿病复诊",
            "被保険者番号 12345678 糖尿病の検査",
            "رقم التأمين الصحي: 7730218841 مريض السكري",
        ] {
            assert_eq!(found(t, Kind::MemberId), Some(Confidence::High), "{t}");
        }
        // A bare file number counts where someone's health is told.
        let t = "المريض: سالم الحربي، 63 سنة، رقم الملف 884102\nKnown case of DM2 on insulin, HTN.";
        assert_eq!(found(t, Kind::Mrn), Some(Confidence::High), "{t}");
        let t = "رقم الملف 884102 لدى المحكمة، الجلسة القادمة يوم الأحد";
        assert_eq!(found(t, Kind::Mrn), None, "{t}");
        // An insurer's own number is no one's.
        assert_eq!(found("保険者番号 06130011", Kind::MemberId), None);
    }

    #[test]
    fn second_review_cases() {
        for t in [
            "尊敬的王先生：您的糖尿病检查结果已出来。",
            "我母亲王秀英上个月中风了，现在住院。",
            "我父亲陈国梁每周透析三次。",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        assert_eq!(found("本规定自2025年3月1日生效。", Kind::Dob), None);
        assert_eq!(found("사업자등록번호: 220-81-62517", Kind::Mrn), None);
        // A kaomoji is no Japanese: Mr. Chen stays a patient.
        let t = "陈国梁先生昨天住院了，医生说是糖尿病 ¯\\_(ツ)_/¯";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn a_patients_own_chinese_letter_is_signed() {
        let t = "林老师您好：\n\n附件是我最近两周的血糖记录。二甲双胍我每天按时吃。\n\n谢谢！\n王建国\n\n发自我的手机\n";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
        // Thanks and set phrases are no signature.
        let t = "医生您好，我最近血糖有点高。\n\n谢谢\n";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
        let t = "各位同事：\n我下周休假，血糖仪的培训改到周三。\n\n周末愉快\n";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
        // A clinic's notice (`我们`) signed by its nurse names no patient.
        let t = "各位患者：\n我们的糖尿病讲座在周六。血糖检测免费。\n\n王芳\n";
        assert!(found(t, Kind::Name) < Some(Confidence::High));
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
            Some(Confidence::High)
        );
        assert_eq!(
            found("Сахар был 19 ммоль/л после укола инсулина.", Kind::Health),
            Some(Confidence::Medium)
        );
        // A Hebrew writer's own anxiety attacks; an article's topic.
        assert_eq!(
            found("השבוע היה קשה. היו לי שני התקפי חרדה בעבודה.", Kind::Health),
            Some(Confidence::High)
        );
        for t in [
            "הרצאה על חרדה בקרב מתבגרים ביום שלישי.",
            "אני שמח להזמין אתכם לכנס על חרדה.",
            "תכתבו לי אם אתם מגיעים. ההרצאה על דיכאון ביום שני.",
        ] {
            assert_eq!(found(t, Kind::Health), Some(Confidence::Medium), "{t}");
        }
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

    #[test]
    fn workers_soldiers_and_kin_in_other_scripts() {
        use crate::policy::detect::tests::found;
        for t in [
            "Мій чоловік, Остап Мельничук, ветеран. Після контузії у нього головні болі, психіатр призначив сертралін.",
            "שלום רב,\n\nשם: סמל עמית ברקוביץ\nמספר אישי: 7428813\nניתוח: שחזור רצועה צולבת קדמית בברך ימין\n",
            "本廠員工 陳志明 於 2026年2月3日 操作沖床時受傷。診斷：左手食指末節截斷傷，已施行斷指再接手術。",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // An employee's canteen and a staff meeting name no one.
        assert_eq!(
            found("员工食堂周五关闭；员工大会讨论手术室排班。", Kind::Name),
            None
        );
        // A disease word after `staff` (`员工高血压筛查`), a clinic after a
        // Hebrew name field: no one.
        assert_eq!(
            found("公司下周组织全体员工高血压筛查和糖尿病讲座。", Kind::Name),
            None
        );
        assert_ne!(
            found("שם: מרפאת סוכרת רחובות\nטיפול בסוכרת\n", Kind::Name),
            Some(Confidence::High)
        );
    }

    #[test]
    fn greek_given_names_in_their_cases_and_staff_told_apart() {
        use crate::policy::detect::tests::found;
        for t in [
            "Σας ενημερώνω για τον Νίκο Παπαδάκη μετά τον αγώνα. Έχει διάστρεμμα ποδοκνημικής.",
            "ο Νίκος Παπαδάκης από το λογιστήριο είναι σε αναρρωτική άδεια λόγω πνευμονίας.",
            "Η κυρία Ελένης Γεωργίου η εξέταση έδειξε υπέρταση.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // A facts word two lines down is still the name's (Greek letters
        // take two bytes).
        let far = format!(
            "ο κ. Γιώργος Παπαδόπουλος μεταφέρθηκε χθες.\n{}\nδιαγνώστηκε με νεφρολιθίαση.",
            "Η σύζυγός του μας είπε σήμερα το πρωί ότι θα παραμείνει στο δωμάτιο. ".repeat(3)
        );
        assert_eq!(found(&far, Kind::Name), Some(Confidence::High));
        for t in [
            // A speaker with a doctor's title or a bracketed role, a
            // signature alone on its line, a nurse (`νοσηλεύτρια`).
            "Ομιλητές: Δρ Νίκος Παπαδάκης (καρδιολόγος), για την καρδιακή ανεπάρκεια.",
            "Σεμινάριο για τον διαβήτη.\nΜε εκτίμηση,\nΓιώργος Σταυρίδης\nΦυσικοθεραπευτής",
            "Η Ελένη Γεωργίου είναι νοσηλεύτρια στο τμήμα.",
            "Η Νίκη Ολυμπιακού στο ντέρμπι.",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn a_japanese_wife_of_a_named_husband_and_arabic_blood_results() {
        use crate::policy::detect::tests::found;
        for t in [
            "3月5日に貴院で腹腔鏡下虫垂切除術を受けた佐々木亮の妻、佐々木真由美と申します。",
            "夫（佐々木亮）の術後の傷について。退院後、抗生物質を飲み終わりました。",
            "والد الطفل عمر يوسف المصري، وصلتنا نتيجة تحليل الدم، والهيموغلوبين منخفض، والطبيبة تشك في فقر الدم.",
        ] {
            assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
    }

    #[test]
    fn greek_roles_japanese_words_and_arabic_business_mail_name_no_patient() {
        use crate::policy::detect::tests::found;
        for t in [
            "10:00 Εισηγητής: Νίκος Παπαδάκης – Νεότερα δεδομένα για την αρτηριακή υπέρταση",
            "Την Πέμπτη η παιδίατρος Μαρία Παπαδοπούλου θα μιλήσει στους γονείς για τα εμβόλια και τον πυρετό.",
            "Ο Νίκος Παπαδάκης από το τεχνικό τμήμα θα περάσει αύριο για τη διάγνωση της βλάβης στον server.",
            "Το φαρμακείο είναι κλειστό την Κυριακή Βαΐων. Τα εμβόλια γρίπης έφτασαν.",
            "ο πρωθυπουργός Κυριάκος Μητσοτάκης ανακοίνωσε ότι τα εμβόλια κατά της γρίπης θα είναι δωρεάν.",
            "細菌学の父、北里柴三郎は破傷風菌の純粋培養に成功した。",
            "今期の創意工夫（改善提案）の締切は月末です。インフルエンザ予防接種のお知らせ。",
            "パン用酵母（天然酵母）のサンプルが届きました。アレルギー表示を確認してください。",
            "أرفق لكم نتيجة التحليل المالي للربع الأول.\nمع التحية،\nالسيد أحمد يوسف المصري",
        ] {
            assert_ne!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        }
        // An age in brackets after a Greek name leaves it a patient's.
        let t =
            "Ο Νίκος Παπαδάκης (68 ετών, από το Ηράκλειο) νοσηλεύεται στην κλινική με πνευμονία.";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High), "{t}");
        // A Russian reader greeted by name: a notice far below is no fact
        // of theirs.
        let t = format!(
            "Уважаемая Нина Петровна,\n\n{}\nВсем арендаторам доступна вакцинация от гриппа.",
            "направляем вам счёт за поставку офисной мебели по договору. ".repeat(5)
        );
        assert_ne!(found(&t, Kind::Name), Some(Confidence::High), "{t}");
    }

    #[test]
    fn a_thai_patients_name_after_its_label() {
        let t = "ชื่อผู้ป่วย: นางสาวพิมพ์ชนก วงศ์ใหญ่\nแพทย์วินิจฉัยว่าเป็น Stevens-Johnson syndrome หลังรับประทานยา แพ้ยา";
        assert_eq!(found(t, Kind::Name), Some(Confidence::High));
    }
}
