//! Lab values and vital signs written the way clinicians write them:
//! `K 6.1`, `trop 0.4`, `A1c 9.2`, `eGFR 28`, `BP 182/110`, `sats 86%`,
//! `CIWA 18`. An analyte's short name right before a reading of its own
//! shape is a health fact (and a sign of care) even where no listed term
//! stands. Reference ranges (`K 3.5-5.1`) and thresholds (`eGFR <30`)
//! are no one's reading.

use super::tokens::is_word;
use crate::policy::text::find_in_range;

/// The shape a reading must have after its analyte.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// `182/110`.
    Pressure,
    /// A percentage: `86%`, `86 %`.
    Percent,
    /// A decimal: `0.4`, `6.1`.
    Decimal,
    /// A decimal between 1.5 and 9.9 (`K 6.1`: potassium).
    Potassium,
    /// 110–170 (`Na 128`: sodium).
    Sodium,
    /// Any number of up to four digits, with or without decimals.
    Number,
}

/// Analytes, by how they are written. Case matters only for the short
/// ones that are also ordinary letters or words (`K`, `Na`, `ALT`).
fn shape_of(word: &[u8]) -> Option<Shape> {
    match word {
        b"K" | b"K+" => return Some(Shape::Potassium),
        b"Na" | b"NA" | b"Na+" => return Some(Shape::Sodium),
        b"ALT" | b"AST" | b"BNP" | b"PSA" | b"TSH" | b"LDL" | b"WBC" | b"BUN" => {
            return Some(Shape::Number);
        }
        // An absolute neutrophil count in 10^9/L (`ANC 0.6`): in capitals
        // and as a decimal only (`ANC 2024` is a party's year).
        b"ANC" => return Some(Shape::Decimal),
        // High-sensitivity troponins in whole ng/L (`hs-TnT 88`), free
        // thyroxine in pmol/L (`FT4 41`).
        b"TnT" | b"TnI" | b"cTnT" | b"cTnI" | b"hsTnT" | b"hsTnI" | b"FT4" | b"fT4" | b"FT3"
        | b"fT3" => return Some(Shape::Number),
        _ => {}
    }
    let mut buf = [0u8; 12];
    Some(match lowered(word, &mut buf)? {
        b"bp" | b"b/p" => Shape::Pressure,
        b"spo2" | b"sao2" | b"sats" | b"sat" | b"o2" => Shape::Percent,
        b"temp" | b"tmax" | b"cr" | b"creat" | b"hb" | b"inr" | b"trop" | b"hgb" | b"lactate"
        | b"mag" | b"tsh" => Shape::Decimal,
        b"a1c" | b"hba1c" | b"egfr" | b"gfr" | b"glucose" | b"bg" | b"fsbg" | b"cbg" | b"plt"
        | b"platelets" | b"ciwa" | b"cows" | b"gcs" | b"creatinine" | b"potassium" | b"sodium"
        | b"hemoglobin" | b"haemoglobin" | b"hematocrit" | b"hct" | b"ferritin" | b"lipase"
        | b"ammonia" | b"cd4" | b"crp" | b"esr" | b"wcc" | b"neuts" | b"bili" | b"bilirubin"
        | b"troponin" => Shape::Number,
        _ => return None,
    })
}

/// An analyte's name in lower case, in `buf` (names are short: a longer
/// word is none).
fn lowered<'a>(word: &[u8], buf: &'a mut [u8; 12]) -> Option<&'a [u8]> {
    let lower = buf.get_mut(..word.len())?;
    lower.copy_from_slice(word);
    lower.make_ascii_lowercase();
    Some(lower)
}

/// Byte spans (analyte through reading) of the readings in `text`.
pub fn find(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(d) = find_in_range(b, i, b'0', b'9') {
        // The reading: digits with `.` and `/` inside, and a `%` after.
        let mut de = d;
        while de < b.len()
            && de - d < 12
            && (b[de].is_ascii_digit() || b[de] == b'.' || b[de] == b'/')
        {
            de += 1;
        }
        i = de.max(d + 1);
        if d > 0 && is_word(b[d - 1]) {
            continue;
        }
        // A pressure in its own unit after a field's colon or before an
        // eye's mark (`Presiune intraoculară: 27 mmHg OD`): a measurement
        // whatever language labels it, unless it bounds a range or a
        // target (`below 130/80 mmHg`, `= 80 mmHg`).
        if let Some(ue) = pressure_in_mmhg(b, d, de) {
            if (after_field_label(b, d) || eye_or_side_after(&b[ue..]))
                && !bound_before(b, d)
                && !range_follows(&b[ue..])
                && !bound_after(&b[ue..])
            {
                out.push((d, ue));
            }
            continue;
        }
        // An ear's hearing threshold (`the right ear is 65 dB`, `left
        // ear: 40 dB HL`): an audiogram's reading.
        if let Some(ue) = ear_threshold(b, d, de) {
            out.push((d, ue));
            continue;
        }
        // Between analyte and reading: up to three of ` `, `:`, `=`, or
        // one cell separator of a delimited row (`PSA,18.6,ug/L`).
        let mut p = d;
        while p > 0 && d - p < 3 && matches!(b[p - 1], b' ' | b'\t' | b':' | b'=') {
            p -= 1;
        }
        let separated = p == d && p > 0 && matches!(b[p - 1], b',' | b';' | b'|');
        if separated {
            p -= 1;
        }
        let ws = p - b[..p]
            .iter()
            .rev()
            .take(11)
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'+' || **c == b'/')
            .count();
        if ws == p || (ws > 0 && is_word(b[ws - 1])) {
            continue;
        }
        // In a delimited row only a lab's own analyte names (`Cr,18.2` is
        // chromium in steel, `Mag|4.2` a quake, `temp;37.5` a sensor).
        if separated && !row_analyte(&b[ws..p]) {
            continue;
        }
        // A verb or a preposition between (`SpO2 at 84%`, `BP was
        // 182/110`, `glucose of 2.1`): the analyte is the word before it.
        let (ws, p, linked) = match linked_analyte(b, ws, p) {
            Some((s, e)) => (s, e, true),
            None => (ws, p, false),
        };
        let (ws, shape, analyte) = match shape_of(&b[ws..p]) {
            Some(shape) => (ws, shape, &b[ws..p]),
            None => match spoken_glucose(b, ws, p) {
                Some(sw) => (sw, Shape::Number, &b"glucose"[..]),
                None => {
                    if let Some(sw) = spoken_saturation(text, d, de)
                        && out.last().is_none_or(|&(_, e)| e <= sw)
                        && !range_follows(&b[de..])
                        && !food_or_sale(&b[de..])
                        && !catalog_line(b, sw)
                    {
                        out.push((sw, de));
                    }
                    continue;
                }
            },
        };
        let value = text[d..de].trim_end_matches(['.', '/']);
        let end = d + value.len();
        if reads_as(shape, value, &b[end..])
            && plausible(analyte, value)
            && !other_unit(&b[end..])
            && !range_follows(&b[end..])
            && (!linked || !bound_after(&b[end..]))
            && !food_or_sale(&b[end..])
            && !catalog_line(b, ws)
        {
            out.push((ws, end));
        }
    }
    out
}

/// `saturacja spadla do 86%`, `la saturazione è scesa a 87`: a word for
/// oxygen saturation in a European language (in English only with
/// `oxygen` or `O2`), at most four words before a whole number between
/// 50 and 99 on the same line. Returns where the word starts. Not a
/// market's, a colour's, a hotel's or a network's saturation, nor a
/// river's dissolved oxygen, nor a product's range (`up to 100%`).
fn spoken_saturation(text: &str, d: usize, de: usize) -> Option<usize> {
    let v: u16 = text.get(d..de)?.parse().ok()?;
    if !(50..=99).contains(&v) {
        return None;
    }
    let mut from = d.saturating_sub(64);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..d];
    let before = &before[before.rfind(['\n', '.', ';']).map_or(0, |k| k + 1)..];
    // Asked at most numbers in prose: a byte test for the words' common
    // stems first, before any lower-casing.
    let stem = |w: &[u8]| {
        before
            .as_bytes()
            .windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w))
    };
    if !(stem(b"satura") || stem("sättig".as_bytes()) || stem(b"sats")) {
        return None;
    }
    let lower = before.to_lowercase();
    const WORDS: &[&str] = &[
        "saturacj",
        "saturazione",
        "saturación",
        "saturacion",
        "saturação",
        "saturacao",
        "saturatie",
        "saturație",
        "saturația",
        "sauerstoffsättigung",
        "o2-sättigung",
        "saturation en oxygène",
        "saturation en o2",
        "saturation d'oxygène",
        "oxygen saturation",
        "o2 saturation",
        "oxygen sats",
        "o2 sats",
    ];
    const NOT_OXYGEN: &[&str] = &[
        "mercat", "mercad", "market", "rynk", "pieț", "piet", "markt", "color", "colour", "kolor",
        "culoare", "couleur", "farb", "hotel", "rete", "red ", "netz", "sieci", "dissolv",
        "disciolt", "disuelt", "river", "fiume", "water", "acqua", "agua", "wody", "up to",
        "fino a", "hasta", "jusqu", "até", "bis zu", "do 100", "foto", "photo", "obraz", "imagin",
        "immagin", "cmyk", "rgb", "druk", "print", "ekspor", "export", "pixel", "jpeg",
    ];
    let at = WORDS.iter().filter_map(|w| lower.find(w)).min()?;
    let lb = lower.as_bytes();
    if (at > 0 && lb[at - 1].is_ascii_alphanumeric()) || lower[at..].split_whitespace().count() > 5
    {
        return None;
    }
    // What it is the saturation of may stand a line or two before.
    let mut near = d.saturating_sub(240);
    while !text.is_char_boundary(near) {
        near += 1;
    }
    let context = text[near..d].to_lowercase();
    if NOT_OXYGEN.iter().any(|w| context.contains(w)) {
        return None;
    }
    // Offsets of `lower` match `before` only when lower-casing kept the
    // length (it does for every letter of these words).
    (lower.len() == before.len()).then_some(d - before.len() + at)
}

/// `his sugar is 400`, `glucose was 52`: a glucose word, then `is`,
/// `was`, `of` or `at` (the word at `[ws, p)`), then the reading. Returns
/// where the glucose word starts.
fn spoken_glucose(b: &[u8], ws: usize, p: usize) -> Option<usize> {
    if !matches!(&b[ws..p], b"is" | b"was" | b"of") || ws < 2 || b[ws - 1] != b' ' {
        return None;
    }
    let we = ws - 1;
    let sw = we
        - b[..we]
            .iter()
            .rev()
            .take(8)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
    if sw > 0 && is_word(b[sw - 1]) {
        return None;
    }
    let mut buf = [0u8; 12];
    matches!(
        lowered(&b[sw..we], &mut buf)?,
        b"sugar" | b"sugars" | b"glucose" | b"bg"
    )
    .then_some(sw)
}

/// Analytes read in a delimited row: names no other table uses.
fn row_analyte(word: &[u8]) -> bool {
    let mut buf = [0u8; 12];
    lowered(word, &mut buf).is_some_and(|w| {
        matches!(
            w,
            b"psa"
                | b"tsh"
                | b"alt"
                | b"ast"
                | b"bnp"
                | b"ldl"
                | b"wbc"
                | b"inr"
                | b"crp"
                | b"esr"
                | b"a1c"
                | b"hba1c"
                | b"egfr"
                | b"creatinine"
                | b"troponin"
                | b"tnt"
                | b"tni"
                | b"hstnt"
                | b"hstni"
                | b"ft4"
                | b"ft3"
                | b"hemoglobin"
                | b"haemoglobin"
                | b"ferritin"
                | b"bilirubin"
        )
    })
}

/// Claims wording of one service billed: a claim denied with its
/// adjustment reason code (`denied CO-16`, `rejected for PR-204`). A
/// dashboard's `denial reasons: CO-16` counts many. Byte spans.
pub fn billing(text: &str) -> Vec<(usize, usize)> {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let r = R.get_or_init(|| {
        super::re(
            r"(?i)(?-u:\b)(?:denied|rejected)(?:[ \t:,(-]+[a-z]+){0,3}[ \t:,(-]+(?:co|pr|oa|pi)-?[0-9]{1,3}(?-u:\b)",
        )
    });
    // A claim named just before (`rebill claim 88213 … denied CO-16`):
    // `rejected in PR-204` is a code review's.
    r.find_iter(text)
        .take(64)
        .filter(|m| {
            let w = crate::policy::text::before(text, m.start(), 120).to_ascii_lowercase();
            ["claim", "rebill", "eob", "remit", "835", "era "]
                .iter()
                .any(|k| w.contains(k))
        })
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// A dose with how often it is taken, in any language's shorthand
/// (`levodopa/benserazid 100/25 mg 3x denně`, `bisoprolol 2.5 mg od`,
/// `Ramipril 5 mg 1-0-0`, `500 mg deux fois par jour`, `20 IE abends`):
/// a medicine someone takes, even where no list holds the drug's name.
/// A pack size or a price (`100 mg x 28 tablets`, `10 mg €4.99`) has no
/// frequency. Byte spans, from the number through the frequency.
pub fn doses(text: &str) -> Vec<(usize, usize)> {
    use std::sync::OnceLock;
    static R: OnceLock<regex::Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        // A drug's mass or units with any frequency; a volume, grams or
        // plain `units` only with a prescriber's shorthand (`10 ml bd`:
        // `200 ml daily` waters seedlings).
        const ANY_FREQ: &str = r"(?:od[ \t]*(?:[,;.)]|(?m:$))|(?:bd|bid|tds|tid|qds|qid|qd|qhs|qam|qpm|nocte|mane|prn|daily|nightly|twice[ \t]+(?:a[ \t]+)?daily|once[ \t]+(?:a[ \t]+)?daily|(?:once|twice)[ \t]+a[ \t]+day|at[ \t]+night|every[ \t]+[0-9]{1,2}[ \t]?h(?:ours?|rs?)?|q[0-9]{1,2}h|abends|morgens|täglich|tgl|deux[ \t]+fois[ \t]+par[ \t]+jour|une[ \t]+fois[ \t]+par[ \t]+jour|le[ \t]+soir|le[ \t]+matin|al[ \t]+giorno|la[ \t]+sera|cada[ \t]+[0-9]{1,2}[ \t]?h(?:oras)?|al[ \t]+d[ií]a|por[ \t]+la[ \t]+noche|ao[ \t]+dia|à[ \t]+noite|dziennie|wieczorem|denně|večer|ráno|dagligen|daags|per[ \t]+dag)(?-u:\b))";
        const SHORTHAND: &str = r"(?:bd|bid|tds|tid|qds|qid|qhs|nocte|mane)(?-u:\b)";
        const TIMES: &str = r"[1-6][ \t]?[x×][ \t]?(?:[1-6](?-u:\b)|/?(?:d|day|die|dia|día|j|jour|tag|dag|dzień|den)(?-u:\b)|(?:daily|denně|dziennie|täglich|tgl|al[ \t]+giorno|al[ \t]+d[ií]a|por[ \t]+d[ií]a|ao[ \t]+dia|par[ \t]+jour|per[ \t]+dag|om[ \t]+dagen|dagligen|naponta|denne))|[0-3](?:[.,]5)?-[0-3](?:[.,]5)?-[0-3](?:[.,]5)?(?:-[0-3](?:[.,]5)?)?(?-u:\b)";
        super::re(&format!(
            r"(?i)\A(?-u:\b)[0-9]+(?:[.,][0-9]+)?(?:/[0-9]+(?:[.,][0-9]+)?)?[ \t]?(?:(?:mg|mcg|µg|μg|iu|ie|ui|einheiten|unités|unidades)(?-u:\b)[ \t]*(?:{TIMES}|{ANY_FREQ})|(?:g|ml|units?)(?-u:\b)[ \t]*(?:{TIMES}|{SHORTHAND}))"
        ))
    });
    // Asked only at a number followed by a unit's first letter, so prose
    // costs one pass over its digits.
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(d) = find_in_range(b, i, b'0', b'9') {
        let mut de = d;
        while de < b.len() && (b[de].is_ascii_digit() || matches!(b[de], b'.' | b',' | b'/')) {
            de += 1;
        }
        i = de.max(d + 1);
        if d > 0 && (b[d - 1].is_ascii_alphanumeric() || matches!(b[d - 1], b'.' | b',' | b'/')) {
            continue;
        }
        let u = if b.get(de) == Some(&b' ') { de + 1 } else { de };
        let unit_letter = b.get(u).is_some_and(|c| {
            matches!(c.to_ascii_lowercase(), b'm' | b'g' | b'i' | b'u' | b'e') || *c >= 0x80
        });
        if !unit_letter {
            continue;
        }
        let end = crate::policy::text::floor_boundary(text, (d + 120).min(text.len()));
        // Anchored at the number (`\A`): a miss costs a few bytes.
        if let Some(m) = r.find(&text[d..end]) {
            out.push((d, d + m.end()));
            i = d + m.end();
            if out.len() >= 64 {
                break;
            }
        }
    }
    out
}

/// Care written in a practice's own notation: a treatment of a tooth in
/// Palmer notation (`RCT UL6`, `ext LR8`, `crown prep UR4`; not a tooth
/// alone, `LR6` is also a battery, nor words of other trades: `bridge
/// UR4`), and one eye's spectacle prescription (`OD esf -1,75 cil
/// -0,50`, `R: SPH +2.25 CYL -0.75`; a stock order's rows name no eye).
/// Byte spans. Each shape is sought from its rarer half (the tooth, the
/// cylinder), so prose costs one literal search each.
pub fn notation(text: &str) -> Vec<(usize, usize)> {
    use std::sync::OnceLock;
    static TOOTH: OnceLock<regex::Regex> = OnceLock::new();
    static ACT: OnceLock<regex::Regex> = OnceLock::new();
    static CYL: OnceLock<regex::Regex> = OnceLock::new();
    static SPH: OnceLock<regex::Regex> = OnceLock::new();
    let tooth = TOOTH.get_or_init(|| super::re(r"(?-u:\b)(?:UL|UR|LL|LR)[1-8](?-u:\b)"));
    let act = ACT.get_or_init(|| {
        super::re(r"(?i)(?-u:\b)(?:rct|root\s+canal(?:\s+treatment)?|ext|extraction|xla|crown\s+prep)[ \t]+(?:on[ \t]+)?$")
    });
    let cyl = CYL.get_or_init(|| {
        super::re(r"(?i)(?-u:\b)(?:cyl|cil|zyl|cylinder|cilindro|cylindre|zylinder)\.?[ \t]*[:=]?[ \t]*[+−-]?[ \t]?[0-9]{1,2}[.,][0-9]{2}")
    });
    // One eye named on the line before the sphere.
    let sph = SPH.get_or_init(|| {
        super::re(r"(?i)(?:^|[ \t(])(?:od|os|oi|ou|r|l|re|le|rt|lt|right|left|rechts|links|droit|gauche|dx|sx|derecho|izquierdo|destro|sinistro)[ \t]*[:.)]?[ \t]+(?:sph|esf|sf|sphere|sph[èe]re|sfera|sph[äa]re)\.?[ \t]*[:=]?[ \t]*[+−-]?[ \t]?[0-9]{1,2}[.,][0-9]{2}[ \t]+(?:dpt?\.?[ \t]+)?$")
    });
    let mut out = Vec::new();
    for m in tooth.find_iter(text).take(64) {
        let pre = crate::policy::text::before(text, m.start(), 32);
        if let Some(a) = act.find(pre) {
            out.push((m.start() - (pre.len() - a.start()), m.end()));
        }
    }
    for m in cyl.find_iter(text).take(64) {
        let pre = crate::policy::text::before(text, m.start(), 48);
        let line = pre.rfind('\n').map_or(pre, |k| &pre[k + 1..]);
        if let Some(a) = sph.find(line) {
            out.push((m.start() - (line.len() - a.start()), m.end()));
        }
    }
    out.sort_unstable();
    out
}

/// A test catalog's or price list's row opens with the test's CPT code
/// (`83036\tHemoglobin A1c\t7.25`): its numbers are prices and
/// turnaround times, no one's reading. `ws`: where the analyte starts.
fn catalog_line(b: &[u8], ws: usize) -> bool {
    // A catalog's row is short before its analyte: look back no further.
    const ROW_HEAD: usize = 160;
    let from = ws.saturating_sub(ROW_HEAD);
    let Some(ls) = memchr::memrchr(b'\n', &b[from..ws])
        .map(|i| from + i + 1)
        .or((from == 0).then_some(0))
    else {
        return false;
    };
    let line = b[ls..ws].trim_ascii_start();
    let code = line.len() >= 6
        && line[..4].iter().all(u8::is_ascii_digit)
        && (line[4].is_ascii_digit() || line[4].is_ascii_uppercase())
        && (matches!(line[5], b'\t' | b',' | b';' | b'|')
            || (line[5] == b' ' && line.get(6) == Some(&b' ')));
    // The analyte's cell right after the code's (`83036\tHemoglobin
    // A1c`), not a row that goes on to a name (`4412B\tALVAREZ, MARIA\tA1c`).
    code && !line[6..]
        .trim_ascii_start()
        .iter()
        .any(|c| matches!(c, b'\t' | b',' | b';' | b'|'))
}

/// Does `value` (followed by `rest`) have the analyte's shape?
fn reads_as(shape: Shape, value: &str, rest: &[u8]) -> bool {
    let plain = !value.contains('/') && value.matches('.').count() <= 1;
    let number = || value.parse::<f64>().ok();
    match shape {
        // Systolic over a lower diastolic, both in a living range.
        Shape::Pressure => {
            value
                .split_once('/')
                .is_some_and(|(s, d)| match (s.parse::<u16>(), d.parse::<u16>()) {
                    (Ok(s), Ok(d)) => (60..=260).contains(&s) && (30..=160).contains(&d) && s > d,
                    _ => false,
                })
        }
        Shape::Percent => plain && rest.trim_ascii_start().starts_with(b"%"),
        Shape::Decimal => plain && value.contains('.'),
        Shape::Potassium => {
            plain && value.contains('.') && number().is_some_and(|v| (1.5..=9.9).contains(&v))
        }
        Shape::Sodium => plain && number().is_some_and(|v| (110.0..=170.0).contains(&v)),
        Shape::Number => plain && value.split('.').next().is_some_and(|w| w.len() <= 4),
    }
}

/// A unit of land, electricity or share after the number (`CRP 160
/// acres`, `ESR 20 mOhm`, `46% N`): no body's reading.
fn other_unit(rest: &[u8]) -> bool {
    let rest = rest.trim_ascii_start();
    let word: Vec<u8> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(u8::to_ascii_lowercase)
        .collect();
    [
        &b"acres"[..],
        b"acre",
        b"hectares",
        b"ohm",
        b"ohms",
        b"mohm",
        b"kv",
        b"volts",
        b"mph",
    ]
    .contains(&word.as_slice())
}

/// Is `value` a living reading of the analyte `word` (`INR 12500.00` is
/// rupees, `PSA 2025` a campaign, `Mag 6.4` a quake)? Years are no
/// readings of anything.
fn plausible(word: &[u8], value: &str) -> bool {
    let Ok(v) = value.split('/').next().unwrap_or("").parse::<f64>() else {
        return true;
    };
    if !value.contains('.') && (1900.0..=2099.0).contains(&v) {
        return false;
    }
    let mut buf = [0u8; 12];
    let Some(w) = lowered(word, &mut buf) else {
        return false;
    };
    let (lo, hi) = match w {
        b"inr" => (0.5, 15.0),
        b"temp" | b"tmax" => {
            return (34.0..=42.5).contains(&v) || (93.0..=108.0).contains(&v);
        }
        b"mag" => (0.5, 5.0),
        b"cr" | b"creat" | b"creatinine" => (0.1, 25.0),
        b"hb" | b"hgb" | b"hemoglobin" | b"haemoglobin" => (2.0, 25.0),
        b"trop" => (0.0, 100.0),
        b"troponin" | b"tnt" | b"tni" | b"ctnt" | b"ctni" | b"hstnt" | b"hstni" => (0.0, 100_000.0),
        b"ft4" | b"ft3" => (0.5, 200.0),
        b"lactate" => (0.1, 30.0),
        b"a1c" | b"hba1c" => (3.0, 20.0),
        b"egfr" | b"gfr" => (1.0, 200.0),
        b"glucose" | b"bg" | b"fsbg" | b"cbg" => (10.0, 1500.0),
        b"ciwa" => (0.0, 67.0),
        b"cows" => (0.0, 48.0),
        b"gcs" => (3.0, 15.0),
        b"wbc" => (0.1, 300.0),
        b"psa" => (0.0, 1000.0),
        b"crp" => (0.0, 600.0),
        // Whole millimetres an hour (`Firefox ESR 128.5`, a capacitor's
        // `ESR 0.02` are not).
        b"esr" => return !value.contains('.') && (1.0..=150.0).contains(&v),
        b"wcc" => (0.1, 300.0),
        b"neuts" => (0.0, 100.0),
        b"anc" => (0.0, 30.0),
        b"bili" | b"bilirubin" => (1.0, 900.0),
        _ => return true,
    };
    (lo..=hi).contains(&v)
}

/// `% off` after a percentage (a sale), or a nutrition label's unit after
/// a number (`Sodium 140 mg`).
fn food_or_sale(rest: &[u8]) -> bool {
    let r = rest.trim_ascii_start();
    let r = r.strip_prefix(b"%").map_or(r, <[u8]>::trim_ascii_start);
    let word = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    matches!(
        r[..word].to_ascii_lowercase().as_slice(),
        b"off" | b"mg" | b"g" | b"kcal" | b"cal" | b"calories"
    )
}

/// The analyte's span before a linking word at `b[ws..p]` (`at`, `of`,
/// `was`, `were`), when the word before that link is a clinical analyte.
fn linked_analyte(b: &[u8], ws: usize, p: usize) -> Option<(usize, usize)> {
    let link = &b[ws..p];
    if link.len() > 4
        || ![&b"at"[..], b"of", b"was", b"were"]
            .iter()
            .any(|w| link.eq_ignore_ascii_case(w))
    {
        return None;
    }
    let pe = ws
        - b[..ws]
            .iter()
            .rev()
            .take(2)
            .take_while(|&&c| c == b' ')
            .count();
    if pe == ws {
        return None;
    }
    let s = pe
        - b[..pe]
            .iter()
            .rev()
            .take(11)
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'+' || **c == b'/')
            .count();
    // Only analytes no other trade names so (`sat`, `temp`, `cr`,
    // `sodium` are a reservoir's, a day's, a rate's, a pool's), and not
    // after a norm (`an ideal BP of 120/80`).
    const LINKED: &[&[u8]] = &[
        b"spo2",
        b"sao2",
        b"sats",
        b"bp",
        b"b/p",
        b"hba1c",
        b"a1c",
        b"gcs",
        b"inr",
        b"egfr",
        b"hb",
        b"hgb",
        b"crp",
        b"troponin",
        b"trop",
        b"ciwa",
    ];
    let analyte = &b[s..pe];
    let head = &b[s.saturating_sub(12)..s];
    let norm = [
        &b"ideal"[..],
        b"normal",
        b"target",
        b"healthy",
        b"average",
        b"goal",
    ]
    .iter()
    .any(|w| head.trim_ascii_end().to_ascii_lowercase().ends_with(w));
    (s < pe
        && (s == 0 || !is_word(b[s - 1]))
        && !norm
        && LINKED.iter().any(|w| analyte.eq_ignore_ascii_case(w)))
    .then_some((s, pe))
}

/// The end of `mmHg` right after the value `b[d..de]` (one to three
/// digits, or a pressure `150/95`), with at most one space between.
fn pressure_in_mmhg(b: &[u8], d: usize, de: usize) -> Option<usize> {
    let value = &b[d..de];
    let shaped = match value.iter().position(|&c| c == b'/') {
        Some(k) => (2..=3).contains(&k) && (2..=3).contains(&(value.len() - k - 1)),
        None => (1..=3).contains(&value.len()),
    };
    if !shaped || !value.iter().all(|&c| c.is_ascii_digit() || c == b'/') {
        return None;
    }
    let u = if b.get(de) == Some(&b' ') { de + 1 } else { de };
    let len = if b
        .get(u..u + 4)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"mmhg"))
    {
        4
    } else if b
        .get(u..u + 5)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"mm hg"))
    {
        5
    } else {
        return None;
    };
    if b.get(u + len).is_some_and(|&c| is_word(c)) {
        return None;
    }
    Some(u + len)
}

/// The end of `dB` (or `dB HL`) after a value of one to three digits
/// that a `right ear` or `left ear` stands shortly before, with a hearing
/// test's words near.
fn ear_threshold(b: &[u8], d: usize, de: usize) -> Option<usize> {
    if !(1..=3).contains(&(de - d)) || !b[d..de].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let u = if b.get(de) == Some(&b' ') { de + 1 } else { de };
    if !b.get(u..u + 2).is_some_and(|w| w == b"dB" || w == b"db") {
        return None;
    }
    let mut end = u + 2;
    if b.get(end..end + 3)
        .is_some_and(|w| w.eq_ignore_ascii_case(b" hl"))
    {
        end += 3;
    }
    if b.get(end).is_some_and(|&c| is_word(c)) {
        return None;
    }
    let before = b[d.saturating_sub(24)..d].to_ascii_lowercase();
    let ear = [&b"right ear"[..], b"left ear", b"both ears", b"each ear"]
        .iter()
        .any(|w| before.windows(w.len()).any(|x| x == *w));
    // A hearing test's words near (`audiologist`, `audiogram`, `hearing
    // loss`, `moderate`): a headset's or an ear defender's rating has
    // none.
    let lo = d.saturating_sub(200);
    let hi = (end + 120).min(b.len());
    let near = b[lo..hi].to_ascii_lowercase();
    let hearing = [
        &b"audiolog"[..],
        b"audiogram",
        b"hearing loss",
        b"hearing test",
        b"moderate",
        b"severe",
        b"profound",
        b"mild loss",
    ]
    .iter()
    .any(|w| near.windows(w.len()).any(|x| x == *w));
    (ear && hearing).then_some(end)
}

/// The value stands right after a field's label and its colon
/// (`Presiune intraoculară: 27 mmHg`), as a record writes a measurement.
fn after_field_label(b: &[u8], d: usize) -> bool {
    b[..d].trim_ascii_end().last() == Some(&b':')
}

/// An eye's or a side's mark after the unit (`27 mmHg OD`, `29 mmHg
/// OS`, `RE`, `LE`): one eye measured.
fn eye_or_side_after(rest: &[u8]) -> bool {
    let r = rest[..rest.len().min(8)].trim_ascii_start();
    let w = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    matches!(&r[..w], b"OD" | b"OS" | b"OU" | b"RE" | b"LE" | b"R" | b"L")
}

/// A word or sign before a value that makes it a bound, a target or a
/// norm (`below`, `up to`, `<`, `10-`), not a reading.
fn bound_before(b: &[u8], d: usize) -> bool {
    let head = &b[d.saturating_sub(24)..d];
    let head = head.trim_ascii_end();
    if head.ends_with(b"-")
        || head.ends_with("–".as_bytes())
        || head.ends_with(b"<")
        || head.ends_with(b">")
        || head.ends_with("≤".as_bytes())
        || head.ends_with("≥".as_bytes())
        || head.ends_with(b"=")
        || head.ends_with("±".as_bytes())
    {
        return true;
    }
    let word_at = head.len()
        - head
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
    let word = head[word_at..].to_ascii_lowercase();
    matches!(
        word.as_slice(),
        b"to"
            | b"from"
            | b"below"
            | b"under"
            | b"above"
            | b"over"
            | b"than"
            | b"between"
            | b"or"
            | b"target"
            | b"goal"
            | b"around"
            | b"approximately"
            | b"normal"
            | b"normally"
            | b"exceeds"
            | b"exceeding"
            | b"least"
            | b"range"
            | b"ranges"
            | b"threshold"
            | b"typically"
            | b"usually"
    )
}

/// `or higher`, `or more`, `or above` after a value: a threshold.
fn bound_after(rest: &[u8]) -> bool {
    let r = rest[..rest.len().min(16)]
        .trim_ascii_start()
        .to_ascii_lowercase();
    [
        &b"or higher"[..],
        b"or more",
        b"or above",
        b"or over",
        b"or lower",
        b"or less",
        b"or below",
        b"and above",
        b"and over",
        b"+",
    ]
    .iter()
    .any(|w| r.starts_with(w))
}

/// A range (`3.5-5.1`, `3.5 – 5.1`, `3.5 to 5.1`) follows: a reference
/// table, no reading.
fn range_follows(rest: &[u8]) -> bool {
    let r = rest.trim_ascii_start();
    let r = r
        .strip_prefix(b"-")
        .or_else(|| r.strip_prefix("–".as_bytes()))
        .or_else(|| r.strip_prefix(b"to "))
        .map(<[u8]>::trim_ascii_start);
    r.is_some_and(|r| r.first().is_some_and(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str) -> Vec<&str> {
        find(t).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn doses_with_how_often() {
        let got = |t: &str| -> Vec<String> {
            doses(t)
                .into_iter()
                .map(|(s, e)| t[s..e].to_string())
                .collect()
        };
        assert_eq!(
            got("Užívá levodopu/benserazid 100/25 mg 3x denně, poslední"),
            ["100/25 mg 3x denně"]
        );
        assert_eq!(
            got("bisoprolol 2.5mg od; Ramipril 5 mg 1-0-0"),
            ["2.5mg od;", "5 mg 1-0-0"]
        );
        assert_eq!(
            got("Metformin 500 mg deux fois par jour"),
            ["500 mg deux fois par jour"]
        );
        assert_eq!(got("Lantus 20 IE abends"), ["20 IE abends"]);
        for t in [
            "Ibuprom 200 mg od 9,99 zł",
            "200 ml daily for the seedlings, 500 ml water daily",
            "500 units daily off line 3",
            "Sodium 140 mg per serving",
            "100 g flour, 2 eggs",
            "the 2 g bottle",
        ] {
            assert!(got(t).is_empty(), "{t}: {:?}", got(t));
        }
    }

    #[test]
    fn oxygen_saturation_told_in_words() {
        assert_eq!(
            read("w nocy saturacja spadla do 86%, koncentrator"),
            ["saturacja spadla do 86"]
        );
        assert_eq!(
            read("stanotte la saturazione è scesa a 87 e"),
            ["saturazione è scesa a 87"]
        );
        assert_eq!(read("la saturación bajó a 88 %"), ["saturación bajó a 88"]);
        assert_eq!(
            read("oxygen sats dropped to 86% overnight"),
            ["oxygen sats dropped to 86"]
        );
        assert!(read("la saturazione del mercato è arrivata a 87").is_empty());
        assert!(read("saturación hotelera del 95 %").is_empty());
        assert!(read("his sats dropped to 86 after the halving").is_empty());
        assert!(read("oxygen saturation up to 99%").is_empty());
        assert!(read("Die Marktsättigung liegt bei 85 %").is_empty());
        assert!(read("dissolved oxygen saturation was 92%\nupstream and oxygen saturation fell to 71% below").is_empty());
        // Not a picture's, not a market's, not past a sentence's end, not
        // a number out of range or far on.
        assert!(read("colour saturation 90% and contrast 40%").is_empty());
        assert!(read("saturazione del mercato. Nel 2026 a 87 sedi").is_empty());
        assert!(read("saturacja 12 punktów").is_empty());
        assert!(
            read("la saturazione del colore nelle foto scattate con il nuovo modello arriva a 90")
                .is_empty()
        );
    }

    #[test]
    fn readings_in_clinicians_shorthand() {
        assert_eq!(read("call back re her K 6.1 this am"), ["K 6.1"]);
        assert_eq!(
            read("pt in 4 kowalczyk bp 182/104 HA x2 days"),
            ["bp 182/104"]
        );
        assert_eq!(
            read("trop 0.4 at 1900, BP 182/110, sats 86% RA"),
            ["trop 0.4", "BP 182/110", "sats 86"]
        );
        assert_eq!(
            read("hs-TnT 88 ng/L, troponin 1640 at 6h, FT4 41; TNT 80 kg, tnt 5"),
            ["TnT 88", "troponin 1640", "FT4 41"]
        );
        assert_eq!(
            read("SPC-0442,PSA,18.6,ug/L,H\nSPC-0443|TSH|0.02|mU/L\nK,6.1"),
            ["PSA,18.6", "TSH|0.02"]
        );
        assert!(read("H1201,Cr,18.2\nMag|4.2\ntemp;37.5\nClass,K,5.5").is_empty());
        assert_eq!(
            read("trop 0.4 at 1900, BP 182/110, sats 86% RA"),
            ["trop 0.4", "BP 182/110", "sats 86"]
        );
        assert_eq!(
            read("A1c: 9.2, eGFR 28, CIWA 18, Na 128"),
            ["A1c: 9.2", "eGFR 28", "CIWA 18", "Na 128"]
        );
        assert_eq!(
            read("CRP 140, ESR 90, WCC 13.1, bili 45"),
            ["CRP 140", "ESR 90", "WCC 13.1", "bili 45"]
        );
        // A results table's row (no CPT code opening it) keeps its reading.
        assert_eq!(read("2026-03-01\tA1c\t9.2\t%"), ["A1c\t9.2"]);
        assert_eq!(read("4412B\tALVAREZ, MARIA\tA1c\t11.2"), ["A1c\t11.2"]);
        assert_eq!(read("48213,Alvarez,Maria,A1c 11.2"), ["A1c 11.2"]);
    }

    #[test]
    fn ranges_thresholds_and_other_words_are_no_readings() {
        for t in [
            "Reference range: K 3.5-5.1 mmol/L, Na 135 – 145",
            "Hold if eGFR <30; A1c target below 7",
            "Vitamin K 10 mg; K 12 classrooms; Suite K 4",
            "HR 2024 benefits; Temp 3 staffing; sat 10 questions",
            "CDK4 2 inhibitors; Cr 1 (no decimal); NA 2025 conference",
            "order BP 200/400 cuffs",
            "INR 12500.00 paid; Fri & Sat 20% off; O2 40% off",
            "PSA 2025 campaign; WBC 2026; Sodium 140 mg per serving",
            "CRP 2026 roadmap; ESR 2025 conference",
            "Firefox ESR 128.5; ESR 0.02 ohm; CRP 160 acres; CK 1043 cheque",
            "server room temp 78.4; Mag 6.4 quake",
            "83036\tHemoglobin A1c\t7.25\tsame day\n84443\tTSH\t10.1\tsame day",
        ] {
            assert!(read(t).is_empty(), "{t}: {:?}", read(t));
        }
    }

    #[test]
    fn hearing_thresholds_of_an_ear() {
        assert_eq!(
            find("The audiologist says the right ear is 65 dB, moderate").len(),
            1
        );
        assert_eq!(find("Audiogram: left ear: 40 dB HL").len(), 1);
        assert!(find("spec for the headsets: right ear 85 dB max, left ear 85 dB max").is_empty());
        assert!(find("The speaker is 65 dB at one metre").is_empty());
        assert!(find("right ear protection rated 30 dBA").is_empty());
    }

    #[test]
    fn pressures_in_mmhg_whatever_their_label() {
        assert_eq!(
            read("Presiune intraoculară: 27 mmHg OD, 29 mmHg OS"),
            ["27 mmHg", "29 mmHg"]
        );
        assert_eq!(read("Blutdruck: 150/95 mm Hg"), ["150/95 mm Hg"]);
        assert_eq!(read("Crews found her SpO2 at 84% on air"), ["SpO2 at 84"]);
        assert_eq!(read("BP was 182/110."), ["BP was 182/110"]);
        assert!(read("aim for BP of 130/80 or lower").is_empty());
        assert!(read("the meeting at 10").is_empty());
        for t in [
            "Normal eye pressure is 10-21 mmHg.",
            "from 10 to 21 mmHg",
            "aim for below 130/80 mmHg",
            "a reading of 140/90 mmHg or higher",
            "< 18 mmHg",
            "pump rated to 300 mmHgx",
            "the answer is 93 mmHg, the mean arterial pressure",
            "la presión normal es de 120/80 mmHg",
            "misst bis 299 mmHg",
            "CPP = MAP - ICP = 80 mmHg",
            "an ideal BP was 120/80 or lower",
            "the cows were 46 in total",
            "pool check: sodium at 140 ppm",
        ] {
            assert!(read(t).is_empty(), "{t}: {:?}", read(t));
        }
    }
}
