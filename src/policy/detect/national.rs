//! National identity and health-insurance numbers outside the US, after
//! their own label: a Swedish `personnummer`, a Finnish `henkilötunnus`, a
//! Hungarian `TAJ-szám`, a Romanian `CNP`, a Turkish `TC Kimlik No`, a
//! Greek `ΑΜΚΑ`, a Dutch `BSN`, a Czech `rodné číslo`, an Indonesian
//! `NIK`, a Vietnamese `CCCD`, an Israeli `ת.ז.`, a Chinese `身份证号`, a
//! Korean `주민등록번호`, a Spanish `DNI`, an Italian `codice fiscale`, a New
//! Zealand `NHI`…
//!
//! Each label names the schemes its number may follow, and the number
//! counts only when one of them accepts it: its length and layout, and
//! the birth date most of them hold. A short label that may be a word or
//! stand for something else (`TAJ`, `BSN`, `DNI`, `ת.ז.`) before a number
//! with no date in it also needs the scheme's check digit (Luhn, mod 11,
//! mod 97, mod 23…).
//!
//! Reported as a member ID of high confidence: like a health-plan number,
//! the number names one person. Sought only where the segment also holds
//! health wording (the identifier of a patient): an employer's or a
//! hotel's form quoting a guest's national number is no health record,
//! and prose with no health word is passed over at no cost.

use super::re;
use crate::policy::finding::{Confidence, Kind, Location, Sink};
use regex::Regex;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    SePersonnummer,
    NoFodselsnummer,
    DkCpr,
    FiHetu,
    HuTaj,
    RoCnp,
    TrKimlik,
    GrAmka,
    NlBsn,
    CzRodneCislo,
    IdNik,
    IdBpjs,
    VnCccd,
    VnBhyt,
    IlZehut,
    CnResident,
    TwId,
    KrResident,
    JpMyNumber,
    EsDni,
    ItCodiceFiscale,
    BeNational,
    FrNir,
    BrCpf,
    RuSnils,
    RuOms,
    UaTaxNumber,
    AtSvnr,
    DeSvnr,
    ChAhv,
    BgEgn,
    YuJmbg,
    BalticIsikukood,
    LvPersonasKods,
    NzNhi,
    SgNric,
    MtId,
    ThId,
    InAadhaar,
    PhPhilsys,
    PkCnic,
    BdNid,
    TzNida,
    PlPesel,
    UkNino,
    IsKennitala,
    IrMelli,
    KzIin,
    AuNdis,
    ZaId,
}

use Scheme::*;

impl Scheme {
    /// The number holds its bearer's birth date, which its shape checks.
    fn dated(self) -> bool {
        matches!(
            self,
            SePersonnummer
                | NoFodselsnummer
                | DkCpr
                | FiHetu
                | RoCnp
                | GrAmka
                | CzRodneCislo
                | IdNik
                | CnResident
                | KrResident
                | ItCodiceFiscale
                | AtSvnr
                | DeSvnr
                | BgEgn
                | YuJmbg
                | BalticIsikukood
                | LvPersonasKods
                | PlPesel
                | IsKennitala
                | ZaId
        )
    }
}

/// Labels (case-insensitive) and the schemes their numbers follow. A
/// label starting with an ASCII letter must start a word.
const LABELS: &[(&str, &[Scheme])] = &[
    (
        r"personnumm?er|personnr\.?|person-nr\.?",
        &[SePersonnummer, NoFodselsnummer, DkCpr],
    ),
    (r"samordningsnummer", &[SePersonnummer]),
    (r"fødselsnummer|fødselsnr\.?", &[NoFodselsnummer]),
    (r"cpr(?:[- ]?(?:nr\.?|nummer|no\.?))?", &[DkCpr]),
    (
        r"henkilötunnu(?:s|ksen|sta|kseen)|henkilotunnus|hetu|sotu",
        &[FiHetu],
    ),
    (
        r"taj(?:[- ]?(?:sz[áa]m(?:a|ot)?|number|kártya))?|társadalombiztosítási azonosító jel",
        &[HuTaj],
    ),
    // `CNP-ul lui Andrei: …`: the Romanian article and the owner.
    (
        r"cnp(?:-ul)?(?:\s+(?:lui|ei|său|sau)(?:\s+\p{Lu}\p{Ll}+)?)?|cod(?:ul)? numeric personal",
        &[RoCnp],
    ),
    (
        r"t\.?\s?c\.?\s*kimlik(?:\s*no|\s*numaras[ıi])?|tckn|kimlik\s+no|kimlik\s+numaras[ıi]",
        &[TrKimlik],
    ),
    (r"αμκα|α\.μ\.κ\.α\.?", &[GrAmka]),
    (r"bsn|burgerservicenummer|sofinummer", &[NlBsn]),
    (
        r"rodné číslo pacienta|rodné číslo|rodného čísla|rodne cislo|r\.\s?č\.|rč|číslo pojištěnce|číslo poistenca",
        &[CzRodneCislo],
    ),
    (r"nik|nomor induk kependudukan|no\.?\s*ktp|ktp", &[IdNik]),
    (
        r"(?:no\.?\s*|nomor\s*)?(?:kartu\s*)?bpjs(?:\s*kesehatan)?",
        &[IdBpjs],
    ),
    (r"cccd|căn cước(?: công dân)?|cmnd", &[VnCccd]),
    (r"(?:mã\s+|số\s+)?(?:thẻ\s+)?bhyt", &[VnBhyt]),
    (
        r#"מספר ת\.ז\.?|מס['׳]? ת\.ז\.?|ת\.ז\.?|ת"ז|ת״ז|תעודת זהות|מספר זהות|teudat zehut"#,
        &[IlZehut],
    ),
    (
        r"身份证号码|身份证号|身份證號碼|身份證號|公民身份号码|身份证|身份證",
        &[CnResident, TwId],
    ),
    (r"身分證字號|身分證號碼|身分證號|身分證", &[TwId]),
    (r"주민등록번호|주민번호", &[KrResident]),
    (r"マイナンバー|個人番号", &[JpMyNumber]),
    (
        r"dni|nie|documento nacional de identidad|n\.i\.e\.",
        &[EsDni],
    ),
    (
        r"codice fiscale|cod\.\s?fisc\.?|c\.\s?f\.",
        &[ItCodiceFiscale],
    ),
    (
        r"rijksregisternummer|rijksregisternr\.?|insz(?:-nummer)?|niss|numéro de registre national|registre national",
        &[BeNational],
    ),
    (r"nir", &[FrNir]),
    (r"cpf", &[BrCpf]),
    (r"снилс", &[RuSnils]),
    (r"полис\s+омс|полиса\s+омс|омс", &[RuOms]),
    (r"рнокпп|іпн|ідентифікаційний код", &[UaTaxNumber]),
    (
        r"sozialversicherungsnummer|sv-?nummer|sv-?nr\.?|svnr",
        &[AtSvnr, DeSvnr],
    ),
    (r"ahvn13|ahv-?nr\.?|ahv-?nummer|ahv|avs", &[ChAhv]),
    (r"егн|единен граждански номер", &[BgEgn]),
    (
        r"јмбг|jmbg|ембг|embg|emšo|emso|матични број|matični broj",
        &[YuJmbg],
    ),
    // Kazakhstan's individual identification number (`ЖСН` in Kazakh,
    // `ИИН` in Russian).
    (r"жсн|иин|(?-i:IIN)", &[KzIin]),
    (
        r"isikukood|asmens kodas|asmens kodą|asmens kodo",
        &[BalticIsikukood],
    ),
    (r"personas kods|personas kodu", &[LvPersonasKods]),
    (r"pesel", &[PlPesel]),
    (
        r"philsys(?:\s+card)?(?:\s+(?:number|no\.?|id))?",
        &[PhPhilsys],
    ),
    // Pakistan's computerised national identity card (`35202-4817263-3`),
    // Bangladesh's national ID and Tanzania's NIDA number: no published
    // check digit, so only after their own labels.
    (
        r"(?-i:CNIC)(?:\s+(?:number|no\.?|#))?|(?:قومی\s+)?شناختی\s+کارڈ(?:\s+نمبر)?",
        &[PkCnic],
    ),
    (
        r"(?-i:NIDA)(?:\s+(?:number|no\.?|namba))?|namba\s+ya\s+(?:nida|kitambulisho)|kitambulisho\s+cha\s+taifa",
        &[TzNida],
    ),
    (
        r"জাতী(?:য়|য়)\s+পরিচ(?:য়|য়)পত্র(?:\s+নম্বর)?|এনআইডি(?:\s+নম্বর)?|(?-i:NID)\s+(?:number|no\.?)",
        &[BdNid],
    ),
    (
        r"national\s+insurance\s*(?:number|no\.?|nr)|(?-i:NI)\s*(?:number|no\.?)|(?-i:NINO)",
        &[UkNino],
    ),
    (r"kennitala|kennitölu|kennitölunni|kt\.", &[IsKennitala]),
    (
        r"(?-i:NDIS)\s*(?:participant\s+)?(?:number|no\.?|#)",
        &[AuNdis],
    ),
    (
        r"เลขประจำตัวประชาชน|เลขบัตรประจำตัวประชาชน|บัตรประจำตัวประชาชน|เลขบัตรประชาชน",
        &[ThId],
    ),
    (
        r"aadhaar(?:\s+(?:number|no\.?|card))?|आधार(?:\s+(?:संख्या|नंबर|कार्ड))?|ஆதார்(?:\s+(?:எண்|அட்டை))?",
        &[InAadhaar],
    ),
    // Iran's national code (`کد ملی`), in Persian or Arabic letters.
    (
        "[کك]د\\s*\u{200c}?مل[یي]\u{651}?|شماره\\s*\u{200c}?مل[یي]",
        &[IrMelli],
    ),
    // South Africa's 13-digit identity number, written after a plain
    // `ID number` on forms and in HR mail; its date, citizenship and
    // race-era digits are its shape.
    (
        r"(?:sa\s+)?id\s*(?:number|no\.?|nr\.?)|identity\s+number|rsa\s+id|id-?\s?nommer|identiteitsnommer",
        &[ZaId],
    ),
    // Upper case only: `nhi` is a Vietnamese word (`khoa nhi`).
    (r"(?-i:NHI)(?:[- ]?(?:number|no\.?|nr))?", &[NzNhi]),
    // Singapore's NRIC and a foreigner's FIN (upper case only: `fin` is a
    // word in many languages).
    (
        r"(?-i:NRIC)(?:\s*/\s*(?-i:FIN))?(?:[- ]?(?:number|no\.?))?|(?-i:FIN)(?:[- ]?(?:number|no\.?))?",
        &[SgNric],
    ),
    // Malta's identity card.
    (r"karta\s+tal-identit[àa]|(?-i:ID)\s+tal-karta", &[MtId]),
];

struct Res {
    labels: Regex,
    /// The value right after a label: filler, then one or more groups
    /// of letters, digits or `*` joined by single separators.
    value: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let alternation: Vec<String> = LABELS.iter().map(|(l, _)| format!("({l})")).collect();
        Res {
            labels: re(&format!("(?i)(?:{})", alternation.join("|"))),
            value: re(
                r"(?i)^[ \t:：#№=.\-–(（]{0,16}(?:(?:שלי|שלו|שלה)[ \t]*[:：]?[ \t]*)?(?:(?:è|é|e|es|est|ist|is|är|er|jest|era|was)[ \t]+|(?:(?:po|niya|nila|ko|namin|ay)[ \t]+){1,4})?(?:(?:number|nummer|numaras[ıi]|n[úu]mero|n[úu]m|no|nr|n°|nº|số)\.?[ \t:：#)）]{0,6})?([0-9A-Za-z*](?:[0-9A-Za-z*]|[ .\-/+][0-9A-Za-z*]){0,30})",
            ),
        }
    })
}

/// Find every labelled national number in `text`.
pub fn scan(text: &str, health: bool, terms: &[(usize, usize)], loc: Location, sink: &mut Sink) {
    if !health {
        return;
    }
    let res = res();
    let b = text.as_bytes();
    let nz = std::cell::OnceCell::new();
    for caps in res.labels.captures_iter(text) {
        let Some((i, m)) = caps
            .iter()
            .enumerate()
            .skip(1)
            .find_map(|(i, g)| g.map(|g| (i, g)))
        else {
            continue;
        };
        let schemes = LABELS[i - 1].1;
        // A Latin label starts and ends a word (`nik` is no label in
        // `Nikola`, `bsn` none in `BSN-certified`'s neighbours).
        let latin = m.as_str().as_bytes()[0].is_ascii_alphabetic();
        // A Cyrillic label starts a word (`иин` is none inside `Акиина`);
        // it may end in a case ending (`СНИЛСа`).
        let cyrillic = m
            .as_str()
            .starts_with(|c: char| ('\u{0400}'..='\u{04FF}').contains(&c));
        if cyrillic
            && text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        if latin
            && (text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                || text[m.end()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic))
        {
            continue;
        }
        // `Transaction ID number`, `Ticket ID number`: a record of
        // something else's.
        if schemes == [ZaId] && thing_before(text, m.start()) {
            continue;
        }
        // A sole trader's (`ИП`, `ЖК`) number: in Kazakhstan the IIN is
        // also the business's tax number.
        if schemes == [KzIin] && sole_trader_before(text, m.start()) {
            continue;
        }
        let rest = &text[m.end()..];
        let Some(v) = res.value.captures(rest).and_then(|c| c.get(1)) else {
            eastern_number(text, m.start(), m.end(), schemes, terms, loc, sink);
            continue;
        };
        let (s, e) = (m.end() + v.start(), m.end() + v.end());
        // Letters the case-insensitive class lets in beyond ASCII (`ſ`,
        // the Kelvin sign) are no number's.
        if !text[s..e].is_ascii() {
            continue;
        }
        // The health word must stand near the number (a patient's record),
        // not anywhere in the segment: a payroll form's number and a staff
        // flu-jab offer, a bank's number and a horoscope's `Cancer`.
        if !patients_number(text, terms, m.start(), s, e) {
            continue;
        }
        // A short label may be a word or an abbreviation of something else
        // (`TAJ`, `BSN`, `DNI`, `ת.ז.`): a number with no date in it
        // then needs its check digit too. A long label or a birth date in
        // the number is proof enough; forms and letters copy numbers
        // with a typo, which must not let them out in the clear.
        // (A bare `NHI` in New Zealand mail is its own: `Kia ora`,
        // `Ngā mihi`, an `.nz` address.)
        // (An Israeli `ת.ז.` before nine bare digits is the identity
        // card's own layout: no other number is written so after it.)
        let zehut_layout = schemes == [IlZehut]
            && e - s == 9
            && text.as_bytes()[s..e].iter().all(u8::is_ascii_digit);
        let short_label = m.as_str().chars().count() < 6
            && !zehut_layout
            && !(schemes == [NzNhi] && *nz.get_or_init(|| new_zealand_mail(text)));
        if let Some(end) = accepted(&text[s..e], schemes, short_label) {
            // The number is the whole token: no digit or letter glued on.
            if b.get(s + end).is_some_and(u8::is_ascii_alphanumeric) {
                continue;
            }
            sink.push(Kind::MemberId, Confidence::High, loc, &text[s..s + end]);
        }
    }
}

/// The number at `s..e` after the label at `label` is a patient's: a
/// health word stands near it, or the letter's own writer or signer gives
/// it in a letter about health; and it is no fee for work.
fn patients_number(text: &str, terms: &[(usize, usize)], label: usize, s: usize, e: usize) -> bool {
    (health_near(text, terms, label, s, e)
        || ((own_number(text, label, s) || signer_named(text, label, e))
            && health_in_letter(text, terms, s, e)))
        && !fee_for_work(text, s, e)
}

/// A sole trader's mark (`ИП`, `ЖК`) in the 48 bytes before a label.
fn sole_trader_before(text: &str, label: usize) -> bool {
    crate::policy::text::before(text, label, 48)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "ИП" | "ЖК" | "ТОО" | "ЖШС"))
}

/// A number written in Persian or Arabic-Indic digits (`۰۰۱۲۳۴۵۶۷۸`,
/// `٠١٢…`) after a label: read as its ASCII digits and judged like one,
/// always with its check digit (no short label's leniency to lean on).
fn eastern_number(
    text: &str,
    label: usize,
    after: usize,
    schemes: &[Scheme],
    terms: &[(usize, usize)],
    loc: Location,
    sink: &mut Sink,
) {
    static R: OnceLock<Regex> = OnceLock::new();
    let r =
        R.get_or_init(|| re(r"^[ \t:：#=.\-–(]{0,16}([۰-۹٠-٩](?:[۰-۹٠-٩]|[ .\-/][۰-۹٠-٩]){0,30})"));
    let Some(v) = r.captures(&text[after..]).and_then(|c| c.get(1)) else {
        return;
    };
    let (s, e) = (after + v.start(), after + v.end());
    let ascii: String = text[s..e]
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            other => other,
        })
        .collect();
    if text[e..].chars().next().is_some_and(char::is_alphanumeric) {
        return;
    }
    if patients_number(text, terms, label, s, e)
        && schemes.iter().any(|&sc| valid(sc, &ascii, true))
    {
        sink.push(Kind::MemberId, Confidence::High, loc, &text[s..e]);
    }
}

/// Mail written in New Zealand: its greetings and closings in te reo
/// Māori, the country's name, its `.nz` domains.
fn new_zealand_mail(text: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?i)(?:(?-u:\b)(?:kia\s+ora|ng[āa]\s+mihi|new\s+zealand|aotearoa|te\s+whatu\s+ora|health\s+nz|wh[āa]nau)(?-u:\b)|\.nz(?-u:\b))")
    })
    .is_match(text)
}

/// How far from a number a health word may stand.
const NEAR: usize = 320;

/// The bytes within `r` of the span `s..e`, cut on character boundaries.
fn reach(text: &str, s: usize, e: usize, r: usize) -> (usize, usize) {
    use crate::policy::text::floor_boundary;
    (
        floor_boundary(text, s.saturating_sub(r)),
        floor_boundary(text, e + r),
    )
}

/// A health word within `NEAR` bytes of `s..e`: a listed Latin term
/// (`terms`) or a word of another script.
fn health_near(text: &str, terms: &[(usize, usize)], label: usize, s: usize, e: usize) -> bool {
    // Within the number's paragraph: a form's next section (`We also
    // offer a free flu vaccine`) is not its record.
    let (reach_lo, hi) = reach(text, s, e, NEAR);
    let para = text[reach_lo..s]
        .rfind("\n\n")
        .map_or(reach_lo, |k| reach_lo + k + 2);
    // The paragraph before too, when it names the number's holder
    // (`… ولد محمد اکرم …` over `والد محمد اکرم (شناختی کارڈ نمبر …)`).
    let lo = if para > reach_lo && holder_named_above(text, label.max(para), reach_lo, para) {
        reach_lo
    } else {
        para
    };
    // A record's block of fields (`NIK : …`, `Elev: Alva …, personnummer
    // …`) is told about in the paragraph under it.
    let hi = match text[e..hi].find("\n\n") {
        // A letter opening on its person and number (`לכבוד מר … ת.ז.
        // …`, `일병 김도윤(주민등록번호 …) 관련 보고드립니다`) tells of
        // them in the two paragraphs under it.
        Some(k) if opening_record(text, para, s, e + k) => {
            let far = crate::policy::text::floor_boundary(text, (e + 2 * NEAR).min(text.len()));
            let rest = &text[e + k + 2..far.max(e + k + 2)];
            match rest.find("\n\n") {
                Some(j) => rest[j + 2..]
                    .find("\n\n")
                    .map_or(far, |i| e + k + 2 + j + 2 + i),
                None => far,
            }
        }
        Some(k)
            if (field_line(text, s) && continues(&text[e + k + 2..hi]))
                || named_again(&text[para..s], &text[e + k + 2..hi]) =>
        {
            text[e + k + 2..hi]
                .find("\n\n")
                .map_or(hi, |j| e + k + 2 + j)
        }
        Some(k) => e + k,
        None => hi,
    };
    terms.iter().any(|&(ts, te)| te >= lo && ts <= hi)
        || super::scripts::has_term(&text[lo..hi])
        || patient_word(&text[lo..hi])
}

/// The number's paragraph (`para..end`, the number starting at `s`) opens
/// the text, under at most a one-line salutation: a letter's heading of
/// the person it is about.
fn opening_record(text: &str, para: usize, s: usize, end: usize) -> bool {
    let above = text[..para].trim();
    let own = text[para..end].trim();
    // (The value read may run on over words: the number is its first
    // token.)
    let after_number = text[s..end]
        .split_once(char::is_whitespace)
        .map_or("", |x| x.1);
    // One line, the number at its end (`… ת.ז. 312504681`, `…(주민등록번호
    // …) 관련 보고드립니다.`): a heading, not a sentence of other business
    // (`… (personas kods …). Lūdzu, sagatavo darba līgumu`).
    // The line names someone: two capitalised words in a row, or words
    // of a script with no capitals (Hebrew, Korean, Arabic…).
    let named = own
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            w.iter().all(|t| {
                t.starts_with(char::is_uppercase)
                    && t.chars().count() > 1
                    && !t.chars().all(|c| c.is_uppercase())
            })
        })
        || own
            .chars()
            .any(|c| c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase());
    !above.contains('\n')
        && above.chars().count() <= 40
        && !own.contains('\n')
        && own.len() <= 240
        && after_number.trim().len() <= 48
        && !after_number.bytes().any(|c| c.is_ascii_alphabetic())
        && named
}

/// The word before a label names a thing, not a person (`Ticket`,
/// `Order`, `Transaction`, `Booking`…).
fn thing_before(text: &str, label: usize) -> bool {
    let head = crate::policy::text::before(text, label, 24).to_ascii_lowercase();
    let word = head
        .trim_end()
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    [
        "ticket",
        "order",
        "transaction",
        "booking",
        "reference",
        "registration",
        "invoice",
        "session",
        "user",
        "device",
        "product",
        "item",
        "case",
        "request",
        "account",
        "payment",
        "tracking",
        "customer",
        "vendor",
        "supplier",
        "batch",
        "file",
        "record",
        "event",
    ]
    .contains(&word)
}

/// `Vi repræsenterer Mette Lundgaard Sørensen (CPR-nr. …)` over `Mette
/// har siden uheldet haft …`: the next paragraph opens on a name written
/// just before the number at `s` (within 48 bytes), then a word in lower
/// case: a sentence about that person.
fn named_again(head: &str, para: &str) -> bool {
    let p = para.trim_start();
    let word: &str = p
        .split(|c: char| !c.is_alphabetic() && c != '-')
        .next()
        .unwrap_or("");
    if role_again(head, word) {
        return true;
    }
    if word.chars().count() < 3 || !word.starts_with(char::is_uppercase) {
        return false;
    }
    // A sentence goes on after the name (`Mette har`), not a firm's
    // (`Jensen & Co.`).
    let next = p[word.len()..].trim_start_matches(' ');
    if !next.starts_with(char::is_lowercase) {
        return false;
    }
    // …and the name runs on before the number (`Mette Lundgaard`), or
    // anywhere in its paragraph as three name words (`mtoto Neema Juma
    // Mwakyusa`), not a town's or a greeting's word (`Copenhagen office`,
    // `Lahore Gymkhana`, `Dear all`).
    let near = head.len().saturating_sub(48);
    head.match_indices(word).any(|(k, _)| {
        let starts = head[..k]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphabetic());
        let rest = &head[k + word.len()..];
        let capitals = rest
            .split(' ')
            .skip(1)
            .take(2)
            .take_while(|w| w.starts_with(char::is_uppercase))
            .count();
        starts && rest.starts_with(' ') && capitals >= if k >= near { 1 } else { 2 }
    })
}

/// `… al deținutului Ionuț Popescu, CNP …` over `Deținutul este cunoscut
/// cu diabet`, `za našeg igrača Nikolu Markovića, JMBG …` over `Igrač ima
/// astmu`: the next paragraph opens on the role that named the number's
/// holder in its own sentence (the same stem, any case ending).
fn role_again(head: &str, word: &str) -> bool {
    const STEM: usize = 5;
    let w = word.to_lowercase();
    if w.chars().count() < STEM
        || [
            "please",
            "thank",
            "thanks",
            "regards",
            "kindly",
            "hello",
            "greetings",
        ]
        .contains(&w.as_str())
    {
        return false;
    }
    let stem: String = w.chars().take(STEM).collect();
    // A noun in lower case within the 64 bytes before the number (the
    // role before the holder's name), in the number's own sentence, not
    // its opening word (`Could you update … CNP …` over `Could you also
    // print …`).
    let from = crate::policy::text::floor_boundary(head, head.len().saturating_sub(64));
    let sentence = head[from..].rsplit(['.', '!', '?']).next().unwrap_or("");
    let near = if sentence.len() < head.len() - from {
        sentence
    } else {
        // The sentence may have started before the window: its words
        // here are inside it, not its opening.
        &head[from..]
    };
    near.split(|c: char| !c.is_alphabetic())
        .filter(|t| t.chars().count() >= STEM && t.starts_with(char::is_lowercase))
        .any(|t| t.starts_with(&stem))
}

/// The two words right before the label at `label` (the holder's name,
/// `والد محمد اکرم (`) stand together in `text[lo..para]`, the paragraph
/// above: that paragraph tells of the same person. Words of three
/// letters or more; in Latin script capitalised ones.
fn holder_named_above(text: &str, label: usize, lo: usize, para: usize) -> bool {
    let ls = text[..label].rfind('\n').map_or(0, |k| k + 1);
    let words: Vec<&str> = text[ls..label]
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let [.., a, b] = words[..] else {
        return false;
    };
    // Scripts without capitals (Arabic, Bengali, Devanagari…): a Latin
    // name is the name detector's to find.
    let name_word = |w: &str| {
        w.chars().count() >= 3 && w.chars().all(|c| c as u32 > 0x24F && !c.is_lowercase())
    };
    // The whole paragraph above (a letter's, bounded), though the health
    // words are sought only within reach.
    let floor = crate::policy::text::ceil_boundary(text, para.saturating_sub(2000).min(lo));
    let above = &text[floor..para.saturating_sub(2)];
    let from = above.rfind("\n\n").map_or(0, |k| k + 2);
    if !(name_word(a) && name_word(b)) {
        return false;
    }
    // …and that paragraph tells of their health right after the name
    // (`… ولد محمد اکرم (عمر 9 سال) تھیلیسیمیا میجر …`).
    let above = &above[from..];
    let pair = format!("{a} {b}");
    above.match_indices(&pair).any(|(k, _)| {
        let to =
            crate::policy::text::floor_boundary(above, (k + pair.len() + 200).min(above.len()));
        super::scripts::has_term(&above[k..to])
    })
}

/// A paragraph that goes on from the record above it: it opens in lower
/// case (`dirawat sejak …`) or on a label of its own (`Oro: Alva …`),
/// not on a postscript or a new notice (`P.S. Vaccination clinic …`).
fn continues(para: &str) -> bool {
    let p = para.trim_start();
    p.starts_with(char::is_lowercase)
        || (field_line(p, p.find(':').map_or(0, |k| k + 1)) && p.find(':').is_some_and(|k| k < 24))
        // A script with no capitals (Tamil, Thai, Arabic…) shows no
        // sentence's start: the prose under a record's fields tells of it.
        || p.starts_with(|c: char| c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase())
}

/// The line holding `s` opens on a field's label (`NIK         :`,
/// `Elev:`, `Date of birth:`).
fn field_line(text: &str, s: usize) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let ls = text[..s].rfind('\n').map_or(0, |k| k + 1);
    R.get_or_init(|| re(r"^[ \t]*\p{L}[\p{L}\p{M}.]*(?:[ \t]\p{L}[\p{L}\p{M}.]*){0,3}[ \t]*:"))
        .is_match(&text[ls..s])
}

/// The writer's own number (`my ID number`, `מספר ת.ז. שלי:`, `mijn
/// BSN`): a possessive right before the label or between it and the
/// number at `s`.
fn own_number(text: &str, label: usize, s: usize) -> bool {
    let gap = &text[label..s];
    let head = crate::policy::text::before(text, label, 12).to_lowercase();
    ["שלי", "שלו", "שלה"].iter().any(|w| gap.contains(w))
        || [
            "my ", "mijn ", "mein ", "meine ", "mon ", "ma ", "mi ", "meu ", "minha ", "moje ",
            "mój ",
        ]
        .iter()
        .any(|w| head.ends_with(w))
}

/// The number given after the name the letter is signed with (`Date
/// pentru formular: Ioana Constantinescu, CNP …` over `Vă mulțumesc,
/// / Ioana Constantinescu`): the writer's own.
fn signer_named(text: &str, label: usize, e: usize) -> bool {
    let ls = text[..label].rfind('\n').map_or(0, |k| k + 1);
    let head = text[ls..label].trim_end_matches([' ', '\t', ',', '(', ':', '-']);
    // The capitalised words right before the label, two to four.
    let words: Vec<&str> = head
        .rsplit([' ', '\t'])
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .take(4)
        .collect();
    if words.len() < 2 {
        return false;
    }
    // (The words and their separators are the tail of `head`: their
    // lengths add up to at most one more than its length.)
    let start = head.len() + 1 - words.iter().map(|w| w.len() + 1).sum::<usize>();
    let name = head[start..].trim_start_matches(|c: char| !c.is_alphabetic());
    name.len() >= 5
        && text[e..]
            .lines()
            .skip(1)
            .any(|l| l.trim().trim_end_matches(['.', ',']) == name)
}

/// Words of a fee, an invoice or a payroll.
const FEES: &[&str] = &[
    "invoice",
    "fee",
    "honorarium",
    "payroll",
    "salary",
    "factuur",
    "rechnung",
    "facture",
    "fattura",
    "חשבונית",
    "שכר",
    "счет",
    "счёт",
];

/// Indonesian words of pay (`untuk honor`, a salary, a wage): whole words
/// only (`pengajian` holds `gaji`, `honorary` holds `honor`).
const FEE_WORDS: &[&str] = &["honor", "gaji", "upah"];

/// The line names a fee: a stem of `FEES`, or a whole `FEE_WORDS` word.
fn names_fee(line: &str) -> bool {
    FEES.iter().any(|w| line.contains(w))
        || line
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| FEE_WORDS.contains(&w))
}

/// The line holding `s..e`, in lower case.
fn number_line(text: &str, s: usize, e: usize) -> String {
    let ls = text[..s].rfind('\n').map_or(0, |k| k + 1);
    let le = text[e..].find('\n').map_or(text.len(), |k| e + k);
    text[ls..le].to_lowercase()
}

/// A speaker's or a trainer's number for their fee (`for the invoice for
/// the lecture on diabetes: my ID number …`): the line names a fee and
/// the work it pays for.
fn fee_for_work(text: &str, s: usize, e: usize) -> bool {
    const WORK: &[&str] = &[
        "lecture",
        "talk",
        "workshop",
        "webinar",
        "course",
        "speaker",
        "seminar",
        "lezing",
        "cursus",
        "vortrag",
        "conférence",
        "הרצאה",
        "ההרצאה",
        "סדנה",
        "הסדנה",
        "лекци",
        "доклад",
        // A role paid for its work (`Koordinator UKS: … NIK … (untuk
        // honor)`).
        "koordinator",
        "coordinator",
        "pelatih",
        "trainer",
    ];
    let line = number_line(text, s, e);
    names_fee(&line) && WORK.iter().any(|w| line.contains(w))
}

/// A person's own number may stand in its own paragraph (`for the
/// reimbursement form, my ID number: …`): the writer's own care within
/// three times the usual reach (a term right after `my`, `I have`; a
/// Hebrew or Russian first person beside a term of its script) says the
/// letter is about them. Not a fee's or a payroll's number (`for the
/// invoice for my lecture on diabetes, my ID number: …`).
fn health_in_letter(text: &str, terms: &[(usize, usize)], s: usize, e: usize) -> bool {
    use crate::policy::text::before;
    if names_fee(&number_line(text, s, e)) {
        return false;
    }
    let (lo, hi) = reach(text, s, e, 3 * NEAR);
    const OWN: &[&str] = &[
        "my ",
        "i have ",
        "i've ",
        "i'm ",
        "i am ",
        "i had ",
        "mijn ",
        "ik heb ",
        "ik ben ",
        "ich habe ",
        "ich bin ",
        "mein",
        "j'ai ",
        "je suis ",
        "mon ",
        "tengo ",
        "estoy ",
    ];
    // First-person words of other languages, whole (`mi-am fracturat`,
    // `am fost operată`, `jestem po operacji`, `mám zlomenou`).
    const OWN_WORDS: &[&str] = &[
        "mi-am", "am", "sunt", "mam", "jestem", "miałam", "miałem", "mám", "jsem", "tenho",
        "estou", "fui", "ho", "sono", "jag", "jeg", "olen", "minulla", "imam", "sem", "sam", "aku",
        "saya", "oldum", "benim",
    ];
    let latin_own = terms.iter().any(|&(ts, te)| {
        te >= lo && ts <= hi && {
            let head = before(text, ts, 40).to_lowercase();
            OWN.iter().any(|w| head.contains(w))
                || head
                    .split(|c: char| !(c.is_alphanumeric() || c == '-'))
                    .rev()
                    .take(6)
                    .any(|w| OWN_WORDS.contains(&w))
        }
    });
    let window = &text[lo..hi];
    latin_own
        || (super::scripts::has_term(window)
            && ["אני ", " לי ", "у меня", "я "]
                .iter()
                .any(|w| window.contains(w)))
}

/// A patient's own label in the window (`Pacjent  Zbigniew Kaczmarczyk
/// PESEL …`): a record of care whatever its other words.
fn patient_word(w: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        re(r"(?im)(?:^[ \t]*(?:patient|patiente|patiënt|pasiënt|pacjent|pacjentka|pacjenta|paciente|paziente|pacient|pacientka|patientin)(?-u:\b)|(?-u:\b)(?:patient|patiente|patiënt|pasiënt|pacjent|pacjentka|pacjenta|paciente|paziente|pacient|pacientka|patientin)[ \t]*[:\t]|^[ \t]*(?:ผู้ป่วย|بیمار|بيمار|المريض|مریض|مريض|நோயாளி|मरीज़?|रोगी|患者|病人|환자|пациент(?:ка)?|пацієнт(?:ка)?|ασθενής|מטופל(?:ת)?|ታካሚ)[ \t]*[:：])")
    })
    .is_match(w)
}

/// The length of the longest prefix of `v`, cut at a separator, that one
/// of `schemes` accepts.
fn accepted(v: &str, schemes: &[Scheme], short_label: bool) -> Option<usize> {
    let mut ends: Vec<usize> = v
        .bytes()
        .enumerate()
        .filter(|&(_, c)| matches!(c, b' ' | b'.' | b'-' | b'/' | b'+'))
        .map(|(i, _)| i)
        .collect();
    ends.push(v.len());
    ends.into_iter().rev().find(|&end| {
        schemes
            .iter()
            .any(|&sc| valid(sc, &v[..end], short_label && !sc.dated()))
    })
}

/// Digits of `v` as values 0-9, after dropping separators; None if any
/// other character is left.
fn digits_of(v: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(v.len());
    for c in v.bytes() {
        match c {
            b'0'..=b'9' => out.push(c - b'0'),
            b' ' | b'.' | b'-' | b'/' => {}
            _ => return None,
        }
    }
    Some(out)
}

fn num(d: &[u8]) -> u64 {
    d.iter().fold(0u64, |a, &x| a * 10 + u64::from(x))
}

fn date_ok(day: u8, month: u8) -> bool {
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// `DDMMYY` at the front of `d`.
fn ddmmyy(d: &[u8]) -> bool {
    d.len() >= 6 && date_ok(d[0] * 10 + d[1], d[2] * 10 + d[3])
}

/// All one digit, or counting up (`1234567890`): the numbers forms print.
fn placeholder(d: &[u8]) -> bool {
    d.iter().all(|&x| x == d[0]) || d.windows(2).all(|w| w[1] == (w[0] + 1) % 10)
}

/// The Verhoeff check over all of `d` (its last digit the check).
fn verhoeff(d: &[u8]) -> bool {
    const MUL: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const PERM: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    d.iter().rev().enumerate().fold(0u8, |c, (i, &x)| {
        MUL[c as usize][PERM[i % 8][x as usize] as usize]
    }) == 0
}

fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(&x, &w)| u32::from(x) * w).sum()
}

fn valid(scheme: Scheme, v: &str, strict: bool) -> bool {
    match scheme {
        SePersonnummer => {
            let Some(d) = digits_of(&v.replace('+', "")) else {
                return false;
            };
            let d = match d.len() {
                10 => d,
                12 if matches!(d[0] * 10 + d[1], 18..=20) => d[2..].to_vec(),
                _ => return false,
            };
            let day = d[4] * 10 + d[5];
            // Co-ordination numbers add 60 to the day.
            date_ok(if day > 60 { day - 60 } else { day }, d[2] * 10 + d[3])
                && (!strict || crate::policy::text::luhn(&d))
                && !placeholder(&d)
        }
        NoFodselsnummer => {
            let Some(d) = digits_of(v) else { return false };
            if d.len() != 11 || placeholder(&d) {
                return false;
            }
            // D-numbers add 40 to the day.
            let day = (d[0] * 10 + d[1]) % 40;
            if !date_ok(day, (d[2] * 10 + d[3]) % 40) {
                return false;
            }
            let k1 = (11 - weighted(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11) % 11;
            let k2 = (11 - weighted(&d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            !strict || (k1 == u32::from(d[9]) && k2 == u32::from(d[10]))
        }
        DkCpr => {
            // Danish numbers have had no check digit since 2007: the
            // date and the layout `DDMMYY-NNNN` must do.
            v.len() == 11
                && v.as_bytes()[6] == b'-'
                && digits_of(v).is_some_and(|d| d.len() == 10 && ddmmyy(&d) && !placeholder(&d))
        }
        FiHetu => {
            let b = v.as_bytes();
            if b.len() != 11 || !b"+-ABCDEFUVWXY".contains(&b[6].to_ascii_uppercase()) {
                return false;
            }
            let (Some(date), Some(serial)) = (digits_of(&v[..6]), digits_of(&v[7..10])) else {
                return false;
            };
            if date.len() != 6 || serial.len() != 3 || !ddmmyy(&date) {
                return false;
            }
            const CHECK: &[u8] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
            let n = num(&date) * 1000 + num(&serial);
            !strict || CHECK[(n % 31) as usize] == b[10].to_ascii_uppercase()
        }
        HuTaj => {
            let Some(d) = digits_of(v) else { return false };
            d.len() == 9
                && !placeholder(&d)
                && (!strict || weighted(&d, &[3, 7, 3, 7, 3, 7, 3, 7]) % 10 == u32::from(d[8]))
        }
        RoCnp => {
            let Some(d) = digits_of(v) else { return false };
            if d.len() != 13 || d[0] == 0 || !date_ok(d[5] * 10 + d[6], d[3] * 10 + d[4]) {
                return false;
            }
            let r = weighted(&d, &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
            !strict || (if r == 10 { 1 } else { r }) == u32::from(d[12])
        }
        TrKimlik => {
            let Some(d) = digits_of(v) else { return false };
            if d.len() != 11 || d[0] == 0 || placeholder(&d) {
                return false;
            }
            let odd: u32 = [0, 2, 4, 6, 8].iter().map(|&i| u32::from(d[i])).sum();
            let even: u32 = [1, 3, 5, 7].iter().map(|&i| u32::from(d[i])).sum();
            let d10 = (odd * 7 + 10 * 9 - even) % 10;
            let d11 = d[..10].iter().map(|&x| u32::from(x)).sum::<u32>() % 10;
            !strict || (d10 == u32::from(d[9]) && d11 == u32::from(d[10]))
        }
        GrAmka => digits_of(v).is_some_and(|d| {
            d.len() == 11
                && ddmmyy(&d)
                && (!strict || crate::policy::text::luhn(&d))
                && !placeholder(&d)
        }),
        NlBsn => digits_of(v).is_some_and(|mut d| {
            if d.len() == 8 {
                d.insert(0, 0);
            }
            d.len() == 9
                && !placeholder(&d)
                && (!strict
                    || (weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - i64::from(d[8])) % 11 == 0)
        }),
        CzRodneCislo => digits_of(v).is_some_and(|d| {
            if !(9..=10).contains(&d.len()) || placeholder(&d) {
                return false;
            }
            // Women add 50 to the month, and later numbers 20.
            // (1-12, 21-32, 51-62, 71-82).
            let month = (d[2] * 10 + d[3]) % 50;
            let month = if month > 20 { month - 20 } else { month };
            if !date_ok(d[4] * 10 + d[5], month) {
                return false;
            }
            if d.len() == 9 {
                // Before 1954: no check digit.
                return d[0] * 10 + d[1] < 54;
            }
            let n = num(&d[..9]);
            !strict || (n % 11) % 10 == u64::from(d[9])
        }),
        IdNik => digits_of(v).is_some_and(|d| {
            d.len() == 16 && {
                // Women add 40 to the day.
                let day = d[6] * 10 + d[7];
                date_ok(if day > 40 { day - 40 } else { day }, d[8] * 10 + d[9])
                    && d[0] != 0
                    && !placeholder(&d)
            }
        }),
        IdBpjs => digits_of(v).is_some_and(|d| d.len() == 13 && !placeholder(&d)),
        VnCccd => digits_of(v).is_some_and(|d| {
            // A province code (001-096) and a century-and-sex digit.
            let province = num(&d[..3.min(d.len())]);
            d.len() == 12 && (1..=96).contains(&province) && !placeholder(&d)
        }),
        VnBhyt => {
            let b = v.as_bytes();
            b.len() == 15
                && b[..2].iter().all(u8::is_ascii_alphabetic)
                && !b[..2].eq_ignore_ascii_case(b"XX")
                && b[2..].iter().all(u8::is_ascii_digit)
                && !placeholder(&b[2..].iter().map(|c| c - b'0').collect::<Vec<u8>>())
        }
        // Thirteen digits (`3-1006-00415-27-7`), the last a mod-11 check.
        ThId => digits_of(v).is_some_and(|d| {
            if d.len() != 13 || !(1..=8).contains(&d[0]) || placeholder(&d) {
                return false;
            }
            let sum: u32 = (0..12).map(|i| u32::from(d[i]) * (13 - i as u32)).sum();
            !strict || (11 - sum % 11) % 10 == u32::from(d[12])
        }),
        // Twelve digits in groups of four, not opening on 0 or 1; the
        // last a Verhoeff check.
        InAadhaar => digits_of(v).is_some_and(|d| {
            d.len() == 12 && d[0] >= 2 && !placeholder(&d) && (!strict || verhoeff(&d))
        }),
        // The PhilSys card number (16 digits in groups of four) or the
        // PhilSys number itself (12); neither carries a published check.
        PhPhilsys => digits_of(v)
            .is_some_and(|d| matches!(d.len(), 12 | 16) && d[0] != 0 && !placeholder(&d)),
        // Thirteen digits, the first a province's (1-7).
        PkCnic => digits_of(v)
            .is_some_and(|d| d.len() == 13 && (1..=7).contains(&d[0]) && !placeholder(&d)),
        // Ten digits (the smart card), thirteen or seventeen (the older
        // numbers, the longest with the birth year in front).
        BdNid => digits_of(v)
            .is_some_and(|d| matches!(d.len(), 10 | 13 | 17) && d[0] != 0 && !placeholder(&d)),
        // Twenty digits, the first eight the birth date (`19580311-…`).
        TzNida => digits_of(v).is_some_and(|d| {
            d.len() == 20
                && (1900..=2029).contains(&num(&d[..4]))
                && date_ok(d[6] * 10 + d[7], d[4] * 10 + d[5])
                && !placeholder(&d)
        }),
        IlZehut => digits_of(v).is_some_and(|d| {
            if !(5..=9).contains(&d.len()) || placeholder(&d) {
                return false;
            }
            let pad = 9 - d.len();
            let sum: u32 = (0..9)
                .map(|i| {
                    let x = if i < pad { 0 } else { u32::from(d[i - pad]) };
                    let p = x * if i % 2 == 0 { 1 } else { 2 };
                    p / 10 + p % 10
                })
                .sum();
            !strict || sum.is_multiple_of(10)
        }),
        CnResident => {
            let b = v.as_bytes();
            if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
                return false;
            }
            let d: Vec<u8> = b[..17].iter().map(|c| c - b'0').collect();
            let year = num(&d[6..10]);
            if !(1900..=2029).contains(&year) || !date_ok(d[12] * 10 + d[13], d[10] * 10 + d[11]) {
                return false;
            }
            const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            const CHECK: &[u8] = b"10X98765432";
            !strict || CHECK[(weighted(&d, &W) % 11) as usize] == b[17].to_ascii_uppercase()
        }
        TwId => {
            let b = v.as_bytes();
            if b.len() != 10
                || !b[0].is_ascii_alphabetic()
                || !matches!(b[1], b'1' | b'2' | b'8' | b'9')
                || !b[1..].iter().all(u8::is_ascii_digit)
            {
                return false;
            }
            // Letter codes A=10 … Z=33 in the scheme's own order.
            const ORDER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVXYWZIO";
            let Some(pos) = ORDER.iter().position(|&c| c == b[0].to_ascii_uppercase()) else {
                return false;
            };
            let code = 10 + pos as u32;
            let d: Vec<u32> = b[1..].iter().map(|c| u32::from(c - b'0')).collect();
            let mut sum = code / 10 + (code % 10) * 9;
            for (i, x) in d[..8].iter().enumerate() {
                sum += x * (8 - i as u32);
            }
            sum += d[8];
            !strict || sum.is_multiple_of(10)
        }
        KrResident => {
            let b = v.as_bytes();
            // Numbers issued since 2020 have no check digit, and forms
            // often mask the last six (`680412-2******`): the date and
            // the sex-and-century digit must do.
            b.len() == 14
                && b[6] == b'-'
                && b[..6].iter().all(u8::is_ascii_digit)
                && (b'1'..=b'8').contains(&b[7])
                && (b[8..].iter().all(u8::is_ascii_digit) || b[8..].iter().all(|&c| c == b'*'))
                && date_ok(
                    (b[4] - b'0') * 10 + (b[5] - b'0'),
                    (b[2] - b'0') * 10 + (b[3] - b'0'),
                )
        }
        JpMyNumber => digits_of(v).is_some_and(|d| {
            if d.len() != 12 || placeholder(&d) {
                return false;
            }
            // Weights from the right of the first eleven: 2..7, then 2..6.
            let sum: u32 = (1..=11)
                .map(|n| {
                    let p = u32::from(d[11 - n]);
                    let q = if n <= 6 { n as u32 + 1 } else { n as u32 - 5 };
                    p * q
                })
                .sum();
            let r = sum % 11;
            !strict || (if r <= 1 { 0 } else { 11 - r }) == u32::from(d[11])
        }),
        EsDni => {
            let s: String = v
                .chars()
                .filter(|c| !matches!(c, '-' | ' ' | '.'))
                .collect();
            let b = s.as_bytes();
            if b.len() != 9 || !b[8].is_ascii_alphabetic() {
                return false;
            }
            let lead = match b[0].to_ascii_uppercase() {
                b'X' => Some(0),
                b'Y' => Some(1),
                b'Z' => Some(2),
                c if c.is_ascii_digit() => None,
                _ => return false,
            };
            let body = if lead.is_some() { &b[1..8] } else { &b[..8] };
            if !body.iter().all(u8::is_ascii_digit) {
                return false;
            }
            let mut n = lead.unwrap_or(0) as u64;
            for c in body {
                n = n * 10 + u64::from(c - b'0');
            }
            const LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";
            !strict || LETTERS[(n % 23) as usize] == b[8].to_ascii_uppercase()
        }
        ItCodiceFiscale => {
            let s = v.to_ascii_uppercase();
            let b = s.as_bytes();
            let shape = b.len() == 16
                && b[..6].iter().all(u8::is_ascii_alphabetic)
                && b[15].is_ascii_alphabetic()
                && b"ABCDEHLMPRST".contains(&b[8]);
            if !shape {
                return false;
            }
            // Odd positions (1-based) map through a table, even ones by
            // their value; digits stand for A-J.
            const ODD: [u32; 26] = [
                1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22,
                25, 24, 23,
            ];
            let mut sum = 0;
            for (i, &c) in b[..15].iter().enumerate() {
                let k = match c {
                    b'0'..=b'9' => u32::from(c - b'0'),
                    b'A'..=b'Z' => u32::from(c - b'A'),
                    _ => return false,
                };
                sum += if i % 2 == 0 { ODD[k as usize] } else { k };
            }
            !strict || u32::from(b[15] - b'A') == sum % 26
        }
        BeNational => digits_of(v).is_some_and(|d| {
            if d.len() != 11 || placeholder(&d) {
                return false;
            }
            let body = num(&d[..9]);
            let check = num(&d[9..]);
            !strict || 97 - body % 97 == check || 97 - (2_000_000_000 + body) % 97 == check
        }),
        FrNir => {
            let s: String = v
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect();
            let s = s
                .to_ascii_uppercase()
                .replace("2A", "19")
                .replace("2B", "18");
            let Some(d) = digits_of(&s) else { return false };
            d.len() == 15
                && matches!(d[0], 1 | 2 | 7 | 8)
                && (!strict || 97 - num(&d[..13]) % 97 == num(&d[13..]))
        }
        BrCpf => digits_of(v).is_some_and(|d| {
            if d.len() != 11 || placeholder(&d) {
                return false;
            }
            let check = |n: usize| {
                let s: u32 = (0..n)
                    .map(|i| u32::from(d[i]) * (n as u32 + 1 - i as u32))
                    .sum();
                let r = (s * 10) % 11;
                if r == 10 { 0 } else { r }
            };
            !strict || (check(9) == u32::from(d[9]) && check(10) == u32::from(d[10]))
        }),
        RuSnils => digits_of(v).is_some_and(|d| {
            if d.len() != 11 || placeholder(&d) {
                return false;
            }
            let s = weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
            let c = match s {
                0..=99 => s,
                100 | 101 => 0,
                _ => s % 101 % 100,
            };
            !strict || c == num(&d[9..]) as u32
        }),
        RuOms => digits_of(v).is_some_and(|d| d.len() == 16 && !placeholder(&d)),
        UaTaxNumber => digits_of(v).is_some_and(|d| {
            if d.len() != 10 || placeholder(&d) {
                return false;
            }
            let s: i64 = d[..9]
                .iter()
                .zip([-1i64, 5, 7, 9, 4, 6, 10, 5, 7])
                .map(|(&x, w)| i64::from(x) * w)
                .sum();
            !strict || s.rem_euclid(11) % 10 == i64::from(d[9])
        }),
        AtSvnr => digits_of(v).is_some_and(|d| {
            d.len() == 10
                && d[0] != 0
                && ddmmyy(&d[4..])
                && (!strict
                    || weighted(&d, &[3, 7, 9, 0, 5, 8, 4, 2, 1, 6]) % 11 == u32::from(d[3]))
        }),
        DeSvnr => {
            // Area, birth date, the surname's initial, a serial and a
            // check digit: `12 150780 W 123`.
            let s: String = v.chars().filter(|c| *c != ' ').collect();
            let b = s.as_bytes();
            b.len() == 12
                && b[..8].iter().all(u8::is_ascii_digit)
                && b[8].is_ascii_alphabetic()
                && b[9..].iter().all(u8::is_ascii_digit)
                && date_ok(
                    (b[2] - b'0') * 10 + (b[3] - b'0'),
                    (b[4] - b'0') * 10 + (b[5] - b'0'),
                )
        }
        BgEgn => digits_of(v).is_some_and(|d| {
            // Births after 1999 add 40 to the month, before 1900 20.
            d.len() == 10 && !placeholder(&d) && date_ok(d[4] * 10 + d[5], (d[2] * 10 + d[3]) % 20)
        }),
        // `YYMMDD SSSS C A Z`: a date, a sequence, a citizenship digit
        // (0 or 1) and a digit that was 8 or 9 for decades.
        // After a plain `ID number` (also a ticket's or an order's), the
        // Luhn check digit too.
        ZaId => digits_of(v).is_some_and(|d| {
            d.len() == 13
                && date_ok(d[4] * 10 + d[5], d[2] * 10 + d[3])
                && d[10] <= 1
                && d[11] >= 8
                && !placeholder(&d)
                && crate::policy::text::luhn(&d)
        }),
        YuJmbg => digits_of(v).is_some_and(|d| d.len() == 13 && ddmmyy(&d) && !placeholder(&d)),
        // `YYMMDD`, a century-and-sex digit, four digits and a check:
        // weights 1-11 mod 11, and 3-11,1,2 when the first gives 10.
        KzIin => digits_of(v).is_some_and(|d| {
            if d.len() != 12 || !date_ok(d[4] * 10 + d[5], d[2] * 10 + d[3]) || placeholder(&d) {
                return false;
            }
            let mut k = weighted(&d, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) % 11;
            if k == 10 {
                k = weighted(&d, &[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11;
            }
            !strict || (k < 10 && k == u32::from(d[11]))
        }),
        BalticIsikukood => digits_of(v).is_some_and(|d| {
            d.len() == 11
                && (1..=6).contains(&d[0])
                && date_ok(d[5] * 10 + d[6], d[3] * 10 + d[4])
                && !placeholder(&d)
        }),
        LvPersonasKods => {
            // The old form holds the date (`DDMMYY-NNNNN`); the new one,
            // `32NNNN-NNNNN`, none.
            digits_of(v).is_some_and(|d| {
                d.len() == 11 && (ddmmyy(&d) || (d[0] == 3 && d[1] == 2)) && !placeholder(&d)
            })
        }
        // Poland's PESEL: `YYMMDD` with the century in the month (+20
        // for the 2000s, +80 for the 1800s…), four digits and a check.
        PlPesel => digits_of(v).is_some_and(|d| {
            if d.len() != 11 || placeholder(&d) {
                return false;
            }
            let month = (d[2] * 10 + d[3]) % 20;
            if !date_ok(d[4] * 10 + d[5], month) {
                return false;
            }
            let w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
            !strict || (10 - weighted(&d[..10], &w) % 10) % 10 == u32::from(d[10])
        }),
        // New Zealand's NHI: three letters (no I or O) and four digits,
        // or, since 2022, three letters, two digits and two letters. The
        // shape after its own upper-case initialism is specific enough; a
        // typo in the check character must not let a record out.
        // A letter for the century or the holder (S, T citizens; F, G, M
        // foreigners), seven digits and a check letter, always checked.
        // Up to seven digits and a letter for the register (`0412387M`).
        MtId => {
            let b = v.as_bytes();
            (2..=8).contains(&b.len())
                && b[..b.len() - 1].iter().all(u8::is_ascii_digit)
                && matches!(
                    b[b.len() - 1],
                    b'M' | b'G' | b'A' | b'P' | b'L' | b'H' | b'B' | b'Z'
                )
        }
        SgNric => {
            let b = v.as_bytes();
            let first = b.first().map(u8::to_ascii_uppercase);
            b.len() == 9
                && b[1..8].iter().all(u8::is_ascii_digit)
                && b[8].is_ascii_uppercase()
                && first.is_some_and(|f| {
                    let sum: u32 = b[1..8]
                        .iter()
                        .zip([2u32, 7, 6, 5, 4, 3, 2])
                        .map(|(d, w)| u32::from(d - b'0') * w)
                        .sum();
                    let (offset, table): (u32, &[u8; 11]) = match f {
                        b'S' => (0, b"JZIHGFEDCBA"),
                        b'T' => (4, b"JZIHGFEDCBA"),
                        b'F' => (0, b"XWUTRQPNMLK"),
                        b'G' => (4, b"XWUTRQPNMLK"),
                        b'M' => (3, b"KLJNPQRTUWX"),
                        _ => return false,
                    };
                    table[((sum + offset) % 11) as usize] == b[8]
                })
        }
        NzNhi => {
            let b = v.as_bytes();
            let letter = |c: &u8| c.is_ascii_uppercase() && !matches!(c, b'I' | b'O');
            let old =
                b.len() == 7 && b[..3].iter().all(letter) && b[3..].iter().all(u8::is_ascii_digit);
            let new = b.len() == 7
                && b[..3].iter().all(letter)
                && b[3..5].iter().all(u8::is_ascii_digit)
                && b[5..].iter().all(letter);
            // Letters count 1-24 without I and O; weights 7 to 2; the
            // check is 11 - sum mod 11 (none when 0, and 10 counts as 0).
            let value = |c: u8| {
                let n = u32::from(c - b'A') + 1;
                n - u32::from(c > b'I') - u32::from(c > b'O')
            };
            let check_ok = || {
                let sum: u32 = b[..6]
                    .iter()
                    .zip([7u32, 6, 5, 4, 3, 2])
                    .map(|(&c, w)| {
                        w * if c.is_ascii_digit() {
                            u32::from(c - b'0')
                        } else {
                            value(c)
                        }
                    })
                    .sum();
                let c = 11 - sum % 11;
                c != 11 && c % 10 == u32::from(b[6] - b'0')
            };
            // After a bare `NHI` (National Health Insurance elsewhere)
            // the old form's check digit must hold too.
            (old && (!strict || check_ok())) || (new && !strict)
        }
        // Two letters (neither D, F, I, Q, U nor V; no O second; not an
        // unallocated pair), six digits, and the suffix A-D, which forms
        // leave off: `JT 41 83 27 C`. No check digit: the shape after
        // its own label is the proof.
        UkNino => {
            let c: Vec<u8> = v.bytes().filter(|&c| c != b' ').collect();
            let bad = |x: u8| matches!(x, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
            let len_ok = c.len() == 9 || c.len() == 8;
            len_ok
                && c[..2].iter().all(u8::is_ascii_uppercase)
                && !bad(c[0])
                && !bad(c[1])
                && c[1] != b'O'
                && !matches!(
                    &c[..2],
                    b"BG" | b"GB" | b"NK" | b"KN" | b"TN" | b"NT" | b"ZZ"
                )
                && c[2..8].iter().all(u8::is_ascii_digit)
                && c.get(8).is_none_or(|x| matches!(x, b'A'..=b'D'))
                && !placeholder(&c[2..8].iter().map(|x| x - b'0').collect::<Vec<_>>())
        }
        // Iceland's kennitala: the birth date (DDMMYY), two serial digits,
        // a check digit and the century (9: 1900s, 0: 2000s, 8: 1800s);
        // companies add 40 to the day.
        IsKennitala => digits_of(v).is_some_and(|d| {
            if d.len() != 10 || !ddmmyy(&d) || !matches!(d[9], 0 | 8 | 9) {
                return false;
            }
            let sum = weighted(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]);
            let c = (11 - sum % 11) % 11;
            !strict || (c != 10 && c == u32::from(d[8]))
        }),
        // Ten digits, the last a mod-11 check over the first nine,
        // always required: no date in it to tell it apart.
        IrMelli => digits_of(v).is_some_and(|d| {
            if d.len() != 10 || placeholder(&d) {
                return false;
            }
            let sum = weighted(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
            let c = if sum < 2 { sum } else { 11 - sum };
            c == u32::from(d[9])
        }),
        // An NDIS participant's number: nine digits from 43 (providers'
        // registration numbers open with 405).
        AuNdis => {
            digits_of(v).is_some_and(|d| d.len() == 9 && d[0] == 4 && d[1] == 3 && !placeholder(&d))
        }
        ChAhv => digits_of(v).is_some_and(|d| {
            if d.len() != 13 || num(&d[..3]) != 756 {
                return false;
            }
            let s: u32 = d[..12]
                .iter()
                .enumerate()
                .map(|(i, &x)| u32::from(x) * if i % 2 == 0 { 1 } else { 3 })
                .sum();
            !strict || (10 - s % 10) % 10 == u32::from(d[12])
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, health: bool) -> Vec<(Confidence, String)> {
        let mut sink = Sink::new();
        let terms = if health {
            vec![(0, text.len())]
        } else {
            vec![]
        };
        scan(text, health, &terms, Location::Body, &mut sink);
        sink.into_findings()
            .into_iter()
            .map(|f| (f.confidence, f.kind.as_str().to_string()))
            .collect()
    }

    #[test]
    fn labelled_numbers_of_their_scheme_count() {
        let mut missed = Vec::new();
        for t in [
            "Personnummer: 19410312-4826",
            "personnummer 410312-4826, höftfraktur",
            "NI number is JT 41 83 27 C",
            "National Insurance number: AB628193C",
            "kennitala 120574-3129",
            "CNP-ul lui Andrei: 5150824400316",
            "Fødselsnummer: 01015012345",
            "CPR-nr.: 120358-1743",
            "Henkilötunnus: 150772-318T",
            "TAJ-szám: 038 514 726",
            "CNP 2900415124563.",
            "Babam (TC Kimlik No: 38471625094) hastanızdır",
            "ΑΜΚΑ: 21034700235",
            "BSN 1112.22.333",
            "rodné číslo 736028/5163",
            "NIK         : 3174054708150002",
            "No. BPJS    : 0001234567891",
            "Số CCCD: 001185012345",
            "Số thẻ BHYT: GD4010123456789",
            "ת.ז. 034567891",
            "ת.ז. 039482159",
            "身份证号：110105198503127426",
            "주민등록번호 680412-2******",
            "DNI 12345678Z",
            "NIE X1234567L",
            "codice fiscale RSSMRA85T10A562S",
            "rijksregisternummer 85.07.30-033.28",
            "СНИЛС: 112-233-445 95",
            "CPF 529.982.247-25",
            "AHV-Nr. 756.1234.5678.97",
            "Sozialversicherungsnummer 1237 010180",
            "BSN-nummer: 111222333",
            "NIE number X1234567L",
            "rodné číslo pacienta 736028/5163",
            "ЕГН 7523169263",
            "JMBG 0101990710006",
            "isikukood 37605030299",
            "personas kods 120375-12345",
            "NHI JBX0002",
            "NHI number ZHT8821",
            "PESEL 85031206417, depresja",
            "PESEL: 02270803628",
            "NHI number: ZAC45KX",
            // Told in a sentence (`il mio codice fiscale è …`).
            "il mio codice fiscale è SNTGLI85M52H501X",
            "his ID number is 8805145791087.",
            "SA ID no: 880514 5791 08 7",
            "identity number 8805145791087",
            // Singapore: a citizen's NRIC, a foreigner's FIN.
            "NRIC/FIN: S8834217H",
            "FIN G5540187Q",
            "Karta tal-Identità 0412387M",
        ] {
            if found(t, true) != vec![(Confidence::High, "member_id".to_string())] {
                missed.push(t);
            }
        }
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn numbers_failing_their_scheme_or_without_a_label_do_not() {
        for t in [
            // A blank form's pattern.
            "Số thẻ BHYT       : XX0000000000000",
            // A check letter off by one; a course code after `fin`.
            "NRIC S8834217J",
            "fin G5540187Q",
            "Personnummer: 19411312-4827",
            "Henkilötunnus: 150772-31",
            "CNP 2901415124564",
            "TCKN 38471625095",
            // Prefixes never issued, a month 13, a century digit 5.
            "NI number: QQ 12 34 56 C",
            "NI number: AB 12 34 56 E",
            "kennitala 121374-3129",
            "kennitala 120574-3125",
            "BSN 2345.67.891",
            "TAJ 038 514 727",
            "NIK 1234567890123456",
            "Nikola 3174054708150002",
            "DNI 12345678A",
            "CPR training 2025-03-10 at 0900",
            "Order 19410312-4826",
            "Personnummer: 1234567890",
            "ת.ז. 03456789",
            "Henkilötunnus: 150772-31ſ",
            "Versicherungsnummer: 3318 2207 91",
            "NHI ZIT8821",
            "NHI ZHT8821",
            "The NHI DRG2024 reform",
            "NHI number zht8821",
            "PESEL 85133206417",
            "CPF 284.117.903-67",
            "PESEL 11111111111",
            "NHI 1234567",
            "NHI ZHT88211",
            // No date, a citizenship digit 3, a booking of 13 digits.
            "ID number 8813145791080",
            "ID number 8805145791380",
            "ID number 1234567890123",
            // A check digit that fails; a ticket's number.
            "ID number 8805145791080",
            "Ticket ID number 8805145791087",
        ] {
            assert!(found(t, true).is_empty(), "{t}");
        }
    }

    #[test]
    fn without_health_wording_a_number_is_not_reported() {
        assert!(found("Personnummer: 19410312-4826", false).is_empty());
        // A course's participant and a patient's record, the same number.
        let near = |t: &str| {
            let mut sink = Sink::new();
            scan(t, true, &[], Location::Body, &mut sink);
            !sink.into_findings().is_empty()
        };
        assert!(!near("1. Katarzyna Wróbel, PESEL 85031206417"));
        assert!(!near(
            "kurs „Prawa pacjenta”: Anna Nowak, PESEL 85031206417"
        ));
        assert!(near("Pacjent\tZbigniew Kaczmarczyk\tPESEL\t58031207417"));
        assert!(!found("Personnummer: 19410312-4826", true).is_empty());
    }

    #[test]
    fn thai_and_aadhaar_numbers_follow_their_schemes() {
        // Verhoeff: `2363` checks, `2364` does not.
        assert!(verhoeff(&[2, 3, 6, 3]));
        assert!(!verhoeff(&[2, 3, 6, 4]));
        // A Thai number's mod-11 check: its digit is accepted under a
        // short label's strict test, any other digit is not.
        let base = [3u8, 1, 0, 0, 6, 0, 0, 4, 1, 5, 2, 7];
        let sum: u32 = (0..12).map(|i| u32::from(base[i]) * (13 - i as u32)).sum();
        let check = ((11 - sum % 11) % 10) as u8;
        let good: String = base
            .iter()
            .chain([check].iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        let bad: String = base
            .iter()
            .chain([(check + 1) % 10].iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        assert!(valid(ThId, &good, true));
        assert!(!valid(ThId, &bad, true));
        // A long label takes a typo'd number; a placeholder never counts.
        assert_eq!(found("เลขประจำตัวประชาชน 3-1006-00415-27-7", true).len(), 1);
        assert!(found("เลขประจำตัวประชาชน 1-2345-67890-12-3", true).is_empty());
        assert_eq!(found("Aadhaar number: 4821 7730 9156", true).len(), 1);
        // Iran's national code: Persian or Arabic letters, check digit.
        assert_eq!(found("کد ملی: 0048763217", true).len(), 1);
        assert_eq!(found("کد ملي: 0048763217", true).len(), 1);
        assert!(found("کد ملی: 0048763218", true).is_empty());
        // Kazakhstan's IIN and North Macedonia's EMBG.
        assert_eq!(
            found("Курьер: Ержан Сейтқали, ЖСН 850712301451", true).len(),
            1
        );
        assert!(found("Курьер: Ержан Сейтқали, ЖСН 850712301452", true).is_empty());
        // A sole trader's number on an invoice is the business's.
        assert!(
            found(
                "ИП Сейтқали Е., ИИН 850712301451. Счёт: гипс медицинский",
                true
            )
            .is_empty()
        );
        assert_eq!(found("ЕМБГ 1503985450019", true).len(), 1);
        // The same numbers in Persian and Arabic-Indic digits.
        assert_eq!(found("کد ملی: ۰۰۴۸۷۶۳۲۱۷", true).len(), 1);
        assert_eq!(found("کد ملی: ٠٠٤٨٧٦٣٢١٧", true).len(), 1);
        assert!(found("کد ملی: ۰۰۴۸۷۶۳۲۱۸", true).is_empty());
        assert!(found("کد ملی: ۰۰۴۸۷۶۳۲۱۷", false).is_empty());
        assert!(found("Aadhaar number: 1821 7730 9156", true).is_empty());
    }
}
