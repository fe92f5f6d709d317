//! Tables: column headers that name PHI fields judge the cells under them.
//!
//! Tables come from CSV/TSV attachments, HTML `<table>`s, spreadsheets
//! (XLSX, ODS), DOCX/ODT/PPTX tables and tables pasted into plain text
//! (tab, comma, semicolon, pipe or space-aligned columns). A row is a
//! header row when it has at least two cells, none of them looks like a
//! value (a date or four digits or more), and at least one names a PHI
//! field (`DOB`, `Birth Dt`, `MRN`, `Chart #`, `SSN`, `Dx`, `ICD-10`,
//! `Member ID`, `MBI`, `Patient`, `First Name`...). Every row under it is
//! rewritten as `Label: value` lines, with the header normalised to the
//! wording the detectors anchor on (`Birth Dt` → `DOB`, `Pt #` → `MRN`,
//! `Diagnosis Code` → `Dx`), one blank line between rows. So
//! `Name,Birth Dt,Dx` / `Maria Haddad,9/15/82,C50.911` becomes
//! `Patient Name: Maria Haddad` / `DOB: 9/15/82` / `Dx: C50.911` and the
//! DOB, ICD-10 and name detectors judge each cell with its column's
//! meaning. A `Name` column is called `Patient Name` only when the table
//! also has an identifier or clinical column (a registration list with
//! names stays a list of names). A CSV or spreadsheet whose header row is
//! missing is read from its cells when they are plainly patient records
//! (a column of names and one of conditions: `inferred_header`). Rows
//! before a header, and other tables without one, keep their cells on one
//! line, tab-separated; a two-cell row whose first cell is a label becomes
//! `label: value`.
//!
//! Everything is streaming and bounded: rows are written as they come
//! (spreadsheets can be long), only the first rows wait for a header.

use crate::policy::extract::TextOut;
use std::sync::OnceLock;

/// What a column header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Dob,
    Mrn,
    Ssn,
    Dx,
    Member,
    Mbi,
    PatientName,
    FirstName,
    LastName,
    Name,
    /// The people of another trade's list (customers, guests,
    /// passengers, delegates, athletes): named in care only row by row
    /// (`row_tells_of_care`), never by the table's other columns.
    Person,
    /// Procedure, medication, result, condition, date of service...
    Clinical,
    /// The physician on call, the attending, the backup: a clinician.
    Provider,
    Other,
}

impl Col {
    /// An identifier or clinical column: makes a `Name` column a patient's.
    fn is_phi(self) -> bool {
        !matches!(
            self,
            Col::Name
                | Col::Person
                | Col::FirstName
                | Col::LastName
                | Col::Other
                | Col::PatientName
                | Col::Provider
        )
    }

    fn label(self) -> Option<&'static str> {
        Some(match self {
            Col::Dob => "DOB",
            Col::Mrn => "MRN",
            Col::Ssn => "SSN",
            Col::Dx => "Dx",
            Col::Member => "Member ID",
            Col::Mbi => "Medicare MBI",
            Col::PatientName => "Patient Name",
            Col::Provider => "Provider",
            _ => return None,
        })
    }
}

/// The words of a header cell, lower-case; a joined name also gives its
/// parts (`PatientDOB` → `patientdob`, `patient`, `dob`; `Dx1` → `dx1`,
/// `dx`, `1`).
fn words(h: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in h
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|w| !w.is_empty())
    {
        out.push(w.to_lowercase());
        let parts = camel_parts(w);
        if parts.len() > 1 {
            out.extend(parts.into_iter().map(|p| p.to_lowercase()));
        }
    }
    out
}

/// `PatientDOB` → `Patient`, `DOB`; `DOBDate` → `DOB`, `Date`; `Dx1` →
/// `Dx`, `1`: a new part at a lower-to-upper or letter-digit change, and
/// before the last capital of a run that a lower-case letter follows.
fn camel_parts(w: &str) -> Vec<&str> {
    let c: Vec<(usize, char)> = w.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for k in 1..c.len() {
        let (i, x) = c[k];
        let p = c[k - 1].1;
        let next_lower = c.get(k + 1).is_some_and(|n| n.1.is_lowercase());
        let cut = (p.is_lowercase() && x.is_uppercase())
            || (p.is_alphabetic() != x.is_alphabetic())
            || (p.is_uppercase() && x.is_uppercase() && next_lower);
        if cut {
            parts.push(&w[start..i]);
            start = i;
        }
    }
    parts.push(&w[start..]);
    parts
}

// Column names in other languages, as `classify` compacts them (lower
// case, letters and digits only): a Polish vaccination list, a Japanese
// check-up sheet, a Dutch or German export.
/// Birth (`Data urodzenia`, `Geburtsdatum`, `生年月日`), contained.
const BIRTH_ELSEWHERE: &[&str] = &[
    "nascimento",
    "nacimiento",
    "naissance",
    "geburt",
    "geboorte",
    "nascita",
    "urodzenia",
    "doğum",
    "dogumtarihi",
    "рождения",
    "народження",
    "出生",
    "生年月日",
    "생년월일",
    "ميلاد",
    "לידה",
    "γέννησης",
    "ngàysinh",
    "kapanganakan",
];
/// National identity numbers (`PESEL`, `BSN`, `CPF`, `DNI`), whole words.
const NATIONAL_IDS: &[&str] = &[
    "pesel",
    "bsn",
    "cpf",
    "dni",
    "curp",
    "nss",
    "tckn",
    "snils",
    "снилс",
];
/// The same, contained.
const NATIONAL_IDS_JOINED: &[&str] = &[
    "tckimlik",
    "kimlikno",
    "burgerservicenummer",
    "sozialversicherungsnummer",
    "身份证",
    "身分證",
    "マイナンバー",
    "住民登録",
    "주민등록번호",
    "numéroinsee",
    "numerodesecu",
];
/// Chart numbers (`Historia clínica`, `Prontuário`, `カルテ番号`), contained.
const CHART_ELSEWHERE: &[&str] = &[
    "historiaclínica",
    "historiaclinica",
    "prontuário",
    "prontuario",
    "cartellaclinica",
    "patientennummer",
    "patiëntnummer",
    "patientnummer",
    "fallnummer",
    "dossiernummer",
    "numérodedossier",
    "ndossier",
    "病历号",
    "病歷號",
    "住院号",
    "住院號",
    "门诊号",
    "門診號",
    "病案号",
    "患者番号",
    "カルテ番号",
    "診察券番号",
    "환자번호",
    "환자등록번호",
    "номеркарты",
];
/// Diagnoses (`Diagnóstico`, `Rozpoznanie`, `診断`, `상병코드`), contained.
const DIAGNOSIS_ELSEWHERE: &[&str] = &[
    "diagnó",
    "diagnoz",
    "rozpoznanie",
    "診断",
    "诊断",
    "診斷",
    "病名",
    "상병",
    "진단",
    "диагноз",
    "אבחנה",
];
/// First names (`Imię`, `Prénom`, `Vorname`), the whole cell.
const FIRST_ELSEWHERE: &[&str] = &[
    "imię",
    "imie",
    "prénom",
    "prenom",
    "vorname",
    "voornaam",
    "primeironome",
    "adı",
    "имя",
    "імя",
    "名",
];
/// Last names (`Nazwisko`, `Nachname`, `Cognome`), the whole cell.
const LAST_ELSEWHERE: &[&str] = &[
    "nazwisko",
    "nomdefamille",
    "nachname",
    "familienname",
    "achternaam",
    "apellido",
    "apellidos",
    "sobrenome",
    "cognome",
    "soyad",
    "soyadı",
    "фамилия",
    "прізвище",
    "姓",
];
/// A patient's name (`Nombre del paciente`, `患者氏名`), the whole cell.
const PATIENT_NAME_ELSEWHERE: &[&str] = &[
    "nombredelpaciente",
    "nomedopaciente",
    "nomdupatient",
    "patientenname",
    "naampatiënt",
    "naampatient",
    "paziente",
    "paciente",
    "pacjent",
    "患者氏名",
    "患者姓名",
    "患者名",
    "病人姓名",
    "환자성명",
    "환자명",
    "фиопациента",
];
/// A name (`Nombre`, `Naam`, `氏名`, `ФИО`), the whole cell.
const NAME_ELSEWHERE: &[&str] = &[
    "nom",
    "nombre",
    "nome",
    "naam",
    "imięinazwisko",
    "nazwiskoiimię",
    "nombreyapellidos",
    "nomecompleto",
    "nomeecognome",
    "cognomeenome",
    "adsoyad",
    "adısoyadı",
    "氏名",
    "姓名",
    "성명",
    "이름",
    "фио",
];
/// Clinical columns (`Szczepionka`, `Impfstoff`, `判定`, `検査値`), contained.
const CLINICAL_ELSEWHERE: &[&str] = &[
    "szczepi",
    "impf",
    "vacuna",
    "vacina",
    "vaccin",
    "medicament",
    "medikament",
    "farmaco",
    "fármaco",
    "tratamiento",
    "tratamento",
    "traitement",
    "behandlung",
    "behandeling",
    "resultado",
    "résultat",
    "ergebnis",
    "検査",
    "判定",
    "処方",
    "检查",
    "化验",
    "药",
    "검사",
    "처방",
    "прививк",
    "щеплен",
    "препарат",
];

/// A header cell as classification compares it: letters and digits in
/// lower case, and `#` (`MRN #`, `#pt`).
fn compact(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '#')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Classify one header cell.
pub fn classify(header: &str) -> Col {
    let h = header.trim();
    if h.is_empty() || h.len() > 60 {
        return Col::Other;
    }
    let w = words(h);
    let compact = compact(h);
    let has = |s: &str| w.iter().any(|x| x == s);
    let any = |l: &[&str]| l.iter().any(|s| compact.contains(s));
    if has("dob")
        || compact == "dob"
        || any(&["birth", "bday", "dateofb"])
        || has("born")
        || any(BIRTH_ELSEWHERE)
    {
        return Col::Dob;
    }
    if has("ssn")
        || has("ss#")
        || any(&["socialsec", "socsec", "ssn"])
        || NATIONAL_IDS.iter().any(|n| has(n))
        || any(NATIONAL_IDS_JOINED)
    {
        return Col::Ssn;
    }
    if has("mbi")
        || any(&[
            "medicareid",
            "medicare#",
            "medicarenumber",
            "medicareno",
            "hicn",
        ])
    {
        return Col::Mbi;
    }
    // `Hosp no`, `Hospital Nr`: the whole header (not `Hosp notes`).
    let hospital_number = matches!(
        compact.as_str(),
        "hospno" | "hosp#" | "hospnumber" | "hospid" | "hospnr" | "hospitalno" | "hospitalnr"
    );
    if has("mrn")
        || hospital_number
        || any(&[
            "medicalrecord",
            "medrec",
            "patientid",
            "patient#",
            "patientnumber",
            "patientno",
            "ptid",
            "pt#",
            "ptno",
            "chart#",
            "chartno",
            "chartnumber",
            "chartid",
            "emrid",
            "ehrid",
            "patientacc",
            "ptacc",
            "encounter",
            "hospitalnumber",
            "hospital#",
            "unitnumber",
        ])
        || any(CHART_ELSEWHERE)
    {
        return Col::Mrn;
    }
    if has("dx")
        || has("icd")
        || any(&[
            "diagnos",
            "icd10",
            "icd9",
            "dxcode",
            "dx1",
            "dx2",
            "primarydx",
        ])
        || any(DIAGNOSIS_ELSEWHERE)
    {
        return Col::Dx;
    }
    if any(&[
        "memberid",
        "member#",
        "membernumber",
        "memberno",
        "subscriberid",
        "subscriber#",
        "subscribernumber",
        "insuranceid",
        "insurance#",
        "policy#",
        "policyid",
        "policynumber",
        "policyno",
        "medicaid",
        "enrolleeid",
        "beneficiaryid",
        "planid",
        "groupnumber",
        "group#",
        // Warehouse abbreviations: `mbr#`, `mbr_id`.
        "mbr#",
        "mbrid",
        "mbrno",
        "mbrnum",
    ]) {
        return Col::Member;
    }
    // `pt_first`, `mbr_last`: a person's name split in an export.
    // Joined or split (`ptfirst`, `pt_first`); not a visit's or a
    // contact's date (`Patient First Visit`).
    let of_person = ["pt", "pat", "patient", "mbr", "member"]
        .iter()
        .any(|p| has(p) || compact.starts_with(p))
        && !["visit", "date", "contact", "seen"].iter().any(|w| has(w));
    if any(&["firstname", "givenname", "fname", "forename"])
        || FIRST_ELSEWHERE.contains(&compact.as_str())
        || compact == "first"
        || (of_person && (has("first") || compact.ends_with("first")))
    {
        return Col::FirstName;
    }
    // `lname`, not the `lname` inside `Full name`.
    if any(&["lastname", "surname", "familyname"])
        || (compact.contains("lname") && !compact.contains("fullname"))
        || LAST_ELSEWHERE.contains(&compact.as_str())
        || compact == "last"
        || (of_person && (has("last") || compact.ends_with("last")))
    {
        return Col::LastName;
    }
    if any(&[
        "patientname",
        "ptname",
        "membername",
        "subscribername",
        "patientfullname",
        "ptfullname",
        "memberfullname",
        "insuredname",
        "beneficiaryname",
        "clientname",
        // Warehouse abbreviations: `pt_nm`, `pat_nm`, `mbr_nm`.
        "ptnm",
        "patnm",
        "patientnm",
        "mbrnm",
        "membernm",
    ]) || PATIENT_NAME_ELSEWHERE.contains(&compact.as_str())
        || compact == "patient"
        || compact == "pt"
        || compact == "member"
        || compact == "client"
    {
        return Col::PatientName;
    }
    if matches!(
        compact.as_str(),
        "name"
            | "fullname"
            | "person"
            | "names"
            | "employee"
            | "employeename"
            | "staff"
            | "staffname"
            | "staffnm"
            | "empnm"
            | "employeenm"
            | "nm"
            | "staffmember"
            | "worker"
            | "workername"
            | "student"
            | "studentname"
            | "pupil"
            | "pupilname"
            | "learner"
            | "learnername"
            | "trainee"
            | "caller"
            | "callername"
            // A study's or a course's (`participant`, `Participant name`):
            // a person named, a patient only with a clinical column.
            | "participant"
            | "participantname"
            | "subjectname"
    ) || NAME_ELSEWHERE.contains(&compact.as_str())
        || WORKERS.contains(&compact.as_str())
    {
        return Col::Name;
    }
    if matches!(
        compact.as_str(),
        "athlete"
            | "athletename"
            | "player"
            | "playername"
            | "customer"
            | "customername"
            | "guest"
            | "guestname"
            | "passenger"
            | "passengername"
            | "delegate"
            | "delegatename"
            | "attendee"
            | "attendeename"
            | "tenant"
            | "tenantname"
            | "traveller"
            | "traveler"
            | "travellername"
            | "travelername"
            // Sport's and leisure's people (`Diver | NRIC | Medical notes`).
            | "diver"
            | "divername"
            | "cyclist"
            | "swimmer"
            | "climber"
            | "skier"
            | "camper"
            | "campername"
            | "racer"
            | "golfer"
            | "member"
            | "membername"
            // An insurer's and an assistance company's (`Case no. |
            // Insured | Problem`).
            | "insured"
            | "insuredperson"
            | "claimant"
            | "claimantname"
            | "policyholder"
            | "injuredperson"
            | "casualty"
            | "casualtyname"
            // A charity's givers (`Donor | Fund | Amount`).
            | "donor"
            | "donorname"
            | "giver"
            // Welfare's, benefits' and housing's people (`Beneficiary |
            // Aadhaar | Disability`, `Applicant | Priority need`; not
            // `Resident`, a parking list's and a ward rota's too).
            | "beneficiary"
            | "beneficiaryname"
            | "applicant"
            | "applicantname"
            | "serviceuser"
            | "serviceusername"
            | "occupant"
            | "householder"
    ) {
        return Col::Person;
    }
    if matches!(
        compact.as_str(),
        "physician"
            | "provider"
            | "attending"
            | "surgeon"
            | "doctor"
            | "backup"
            | "oncall"
            | "oncallphysician"
            | "backupphysician"
            | "consultant"
            // A programme's people: its speakers and chairs, not patients
            // (`Speaker | Title` over `Ms Olivia Trent | Diabetic foot
            // ulcers`).
            | "speaker"
            | "speakers"
            | "presenter"
            | "faculty"
            | "chair"
            | "cochair"
            | "moderator"
            | "lecturer"
            | "panelist"
            | "panellist"
            | "facilitator"
            | "trainer"
            | "instructor"
            | "keynotespeaker"
    ) {
        return Col::Provider;
    }
    if any(&[
        "procedure",
        "cpt",
        "medication",
        "meds",
        "drug",
        "prescription",
        "rx",
        "labresult",
        "result",
        "testname",
        "condition",
        "problem",
        "allerg",
        "dateofservice",
        "servicedate",
        "dos",
        "admit",
        "discharge",
        "reasonfor",
        "chiefcomplaint",
        "treatment",
        "therapy",
        "vaccine",
        "immuniz",
        "specialty",
        "clinic",
        "referral",
        "injur",
    ]) || any(CLINICAL_ELSEWHERE)
    {
        return Col::Clinical;
    }
    Col::Other
}

/// Each header cell's column. Beside MedDRA's other levels (`soc`,
/// `llt`) a `pt` column is the preferred term of an adverse event, not
/// a patient.
fn columns(row: &[String]) -> Vec<Col> {
    let keys: Vec<String> = row
        .iter()
        .map(|c| compact(c).trim_matches('#').to_owned())
        .collect();
    let any = |l: &[&str]| keys.iter().any(|k| l.contains(&k.as_str()));
    let meddra = any(&["soc", "llt", "hlt", "hlgt", "meddra", "meddrapt"]);
    // A residency's roster (`Resident | PGY | Rotation`) lists physicians
    // in training, a placement schedule its students; elsewhere (a falls
    // log, a care home's list) a resident is the one cared for.
    let placement = any(&[
        "rotation",
        "preceptor",
        "faculty",
        "clinicalinstructor",
        "placement",
    ]);
    let training = placement || any(&["pgy", "pgylevel", "residency", "program", "year"]);
    row.iter()
        .zip(&keys)
        .map(|(c, k)| match k.as_str() {
            "pt" if meddra => Col::Other,
            // A placement roster's students are trainees, not a school
            // nurse's charges.
            "student" | "studentname" | "trainee" if placement => Col::Other,
            "resident" | "residentname" if training => Col::Provider,
            "resident" | "residentname" => Col::PatientName,
            _ => classify(c),
        })
        .collect()
}

/// A row of label and value pairs (`姓名 | 陈建国 | 性别 | 男`): four
/// cells or more, the first a known label, the second none.
fn label_value_pairs(row: &[String]) -> bool {
    let filled: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
    filled.len() >= 4
        && filled.len().is_multiple_of(2)
        && classify(filled[0]) != Col::Other
        && classify(filled[1]) == Col::Other
}

/// A label where a value would stand (`年龄 | 63岁 | 住院号 | ZY2024…`):
/// a known column's name at a pair's start.
fn labels_at_pair_starts(row: &[String]) -> bool {
    row.iter()
        .filter(|c| !c.trim().is_empty())
        .step_by(2)
        .any(|c| pair_label(c))
}

/// A form's label: a known column's name, written in another script
/// (`住院号`), or short and naming who or which record (`Geboortedatum`,
/// `MRN`) — not a cell's text that only contains a clinical word
/// (`CHF, on meds`, `Cardoso`).
fn pair_label(cell: &str) -> bool {
    let c = cell.trim().trim_end_matches(':');
    let col = classify(c);
    if col == Col::Other || value_like(c) {
        return false;
    }
    !c.is_ascii()
        || (!matches!(col, Col::Clinical | Col::Provider)
            && !c.contains(',')
            && c.len() <= 30
            && c.split_whitespace().count() <= 3)
}

/// A form laid out as label and value pairs over more of them, not a
/// header over records.
fn form_pairs(first: &[String], under: &[String]) -> bool {
    label_value_pairs(first) && labels_at_pair_starts(under)
}

/// Does a cell look like a value rather than a header? A header may name
/// a year (`Injuries (AIS 2005)`, `Visits 2024`): a word with years as
/// its only long numbers is still a label.
fn value_like(cell: &str) -> bool {
    let digits = cell.bytes().filter(u8::is_ascii_digit).count();
    (digits >= 4 && !labelled_year(cell))
        || crate::policy::detect::dates::first_date(cell).is_some()
}

/// A label that names a year: a word of three letters or more, and every
/// run of four digits or more is a year (`19xx`, `20xx`) of four.
fn labelled_year(cell: &str) -> bool {
    let b = cell.as_bytes();
    let word = b.split(|c| !c.is_ascii_alphabetic()).any(|w| w.len() >= 3);
    let runs_are_years = b
        .split(|c| !c.is_ascii_digit())
        .filter(|r| r.len() >= 4)
        .all(|r| r.len() == 4 && (r.starts_with(b"19") || r.starts_with(b"20")));
    let long_digits = b
        .split(|c| !c.is_ascii_digit())
        .filter(|r| r.len() >= 4)
        .count();
    word && runs_are_years
        && long_digits <= 2
        && b.iter().filter(|c| c.is_ascii_digit()).count() <= 9
}

/// Header columns, once found.
struct Header {
    labels: Vec<String>,
    first: Option<usize>,
    last: Option<usize>,
    name_label: &'static str,
    /// The one column of whole names (`name`, `patient`).
    whole_name: Option<usize>,
    /// A call log's `Caller`: its reason column tells of care only with a
    /// listed health word in the row (a help desk's `Reason: printer`).
    callers: bool,
    /// A delivery's or a warehouse's workers (`Driver`, `Picker`): their
    /// free notes are about the goods, not them.
    workers: bool,
    /// Where only clinical columns (`Injury`, `Treatment`) make the names
    /// patients': those columns. A row whose cells there are all nil
    /// (`Injury: None`) is a person with nothing to tell.
    clinical_only: Vec<usize>,
}

fn header_of(row: &[String]) -> Option<Header> {
    let filled = row.iter().filter(|c| !c.trim().is_empty()).count();
    // A row mixing labels and placeholders is a template's sample row
    // (`Patient Name | [Patient Name]`); all bracketed is an export's
    // header (`[MRN],[LastName]`).
    let placeholders = row.iter().filter(|c| placeholder(c)).count();
    let sample = placeholders > 0 && placeholders < filled;
    if filled < 2 || sample || row.iter().any(|c| value_like(c)) {
        return None;
    }
    // A form laid out as a table: a label with its colon, its value in
    // the next cell (`Naam: | dhr. Koen van den Berg`). A header of
    // labels (`Patient: | DOB: | MRN:`) stays one.
    let label = |c: &String| c.trim_end().ends_with(':');
    if row
        .windows(2)
        .any(|p| label(&p[0]) && !p[1].trim().is_empty() && !label(&p[1]))
    {
        return None;
    }
    let cols = columns(row);
    let phi = cols.iter().any(|c| {
        matches!(
            c,
            Col::Dob
                | Col::Mrn
                | Col::Ssn
                | Col::Dx
                | Col::Member
                | Col::Mbi
                | Col::PatientName
                | Col::FirstName
                | Col::LastName
                | Col::Name
                | Col::Person
                | Col::Provider
        )
    });
    if !phi {
        return None;
    }
    Some(header_from(row, &cols))
}

/// A template's field to be filled in (`[Patient Name]`, `{patient_name}`,
/// `<DOB>`, `{{dob}}`): a row holding one is an example row, not the
/// header (`Patient Name | [Patient Name]` in a policy's sample table).
fn placeholder(cell: &str) -> bool {
    let c = cell.trim();
    c.len() >= 3
        && matches!(
            (c.as_bytes()[0], c.as_bytes()[c.len() - 1]),
            (b'[', b']') | (b'{', b'}') | (b'<', b'>')
        )
}

/// Header words that only a table of providers has (a directory, a
/// credentialing roster): a patient list names its providers in columns
/// such as `Attending` or `Prescriber` next to clinical ones instead.
const PROVIDER_COLUMNS: &[&str] = &["npi", "taxonomy", "credentials", "specialty"];

/// Name columns of a delivery platform's or a warehouse's workers: names,
/// whose free notes are about the goods they handle.
const WORKERS: &[&str] = &[
    "driver",
    "drivername",
    "rider",
    "ridername",
    "courier",
    "couriername",
    "operative",
    "operativename",
    "associate",
    "associatename",
    "picker",
];

/// Header words of an employer's list of its staff (a training or
/// certification roster, a schedule).
const STAFF_COLUMNS: &[&str] = &[
    "employee",
    "emp",
    "empid",
    "staff",
    "hire",
    "hired",
    "badge",
    "position",
    "job",
    "shift",
    "credential",
    "credentials",
    "license",
    "licence",
    "licensure",
    "certification",
    "cert",
    "cred",
    "student",
    "trainee",
    "preceptor",
    "clerkship",
    "rotation",
    // Turkish: a title (`Unvan`).
    "unvan",
    "ünvan",
    // A training's certificates (`Sertifika No`) and the subject each
    // teacher teaches (`Branş`).
    "certificate",
    "certificates",
    "sertifika",
    "zertifikat",
    "certificado",
    "certificaat",
    "branş",
    "brans",
    "teacher",
    "öğretmen",
];

/// Columns of an employer's record of its staff's health.
const LEAVE_COLUMNS: &[&str] = &[
    "leave",
    "fmla",
    "accommodation",
    "accommodations",
    "restriction",
    "restrictions",
    "injury",
    "illness",
    "absence",
    "disability",
    "rtw",
];

/// Is `line` the header row of a staff list (`Name  Unit  Credential
/// Expires`): a name column, a staff column, and no patient column?
pub fn staff_header(line: &str) -> bool {
    let Some((sep, _)) = stats(line).layout() else {
        return false;
    };
    let cells = cells_of(line.trim(), sep);
    header_of(&cells).is_some_and(|h| h.name_label == "Staff")
}

fn header_from(row: &[String], cols: &[Col]) -> Header {
    let clinical = cols.iter().any(|c| c.is_phi());
    // No column that only a patient has, and one that names a provider:
    // the names are the providers' own (`Provider:` tells the name
    // detector so).
    let patient_column = cols.iter().any(|c| {
        matches!(
            c,
            Col::Dob | Col::Mrn | Col::Ssn | Col::Member | Col::Mbi | Col::PatientName | Col::Dx
        )
    });
    let provider_word = |c: &String| {
        words(c)
            .iter()
            .any(|w| PROVIDER_COLUMNS.contains(&w.as_str()))
    };
    // Any clinical column other than the provider's own (procedure,
    // medication, visit reason...) makes the rows patients again.
    let other_clinical = row
        .iter()
        .zip(cols)
        .any(|(c, col)| col.is_phi() && !provider_word(c));
    let npi_column = row.iter().any(|c| words(c).iter().any(|w| w == "npi"));
    let provider_table = !patient_column && !other_clinical && npi_column;
    // A staff roster (`employee_id,name,unit,hire_date`): its names are
    // the staff's, told apart by a column only an employer keeps.
    let staff_column = row
        .iter()
        .any(|c| words(c).iter().any(|w| STAFF_COLUMNS.contains(&w.as_str())));
    // A room or bed column is a ward's list, whatever else it holds.
    let ward = row.iter().any(|c| {
        words(c)
            .iter()
            .any(|w| matches!(w.as_str(), "room" | "rm" | "bed"))
    });
    // A national number (`T.C. Kimlik No` for the certificates) is an
    // employer's column too: alone it makes no row a patient's.
    let beyond_national = row.iter().zip(cols).any(|(c, col)| {
        *col != Col::Ssn
            && (col.is_phi() && !provider_word(c)
                || matches!(
                    col,
                    Col::Dob | Col::Mrn | Col::Member | Col::Mbi | Col::PatientName | Col::Dx
                ))
    });
    let staff_table = !beyond_national && staff_column && !ward;
    // A leave tracker or an injury log keeps the staff's own health:
    // its names are employees told about (`Employee:`), not colleagues.
    let staff_health = row
        .iter()
        .any(|c| words(c).iter().any(|w| LEAVE_COLUMNS.contains(&w.as_str())));
    // A club's leaderboard (`Member | Member no. | Avg daily steps |
    // Badge`): its member numbers are a gym's or a club's, and its
    // scores no one's care.
    let leisure_scores = row.iter().any(|c| {
        words(c).iter().any(|w| {
            matches!(
                w.as_str(),
                "steps"
                    | "badge"
                    | "badges"
                    | "points"
                    | "rank"
                    | "score"
                    | "handicap"
                    | "laps"
                    | "wins"
                    | "pace"
                    | "leaderboard"
                    | "streak"
            )
        })
    });
    let member_only = cols
        .iter()
        .filter(|c| c.is_phi())
        .all(|c| *c == Col::Member);
    // A travel manifest (`Seat | Surname | Date of birth | Passport`): its
    // birth dates are a traveller's papers, no patient's record.
    let travellers = row.iter().any(|c| words(c).iter().any(|w| w == "passport"))
        && cols.iter().filter(|c| c.is_phi()).all(|c| *c == Col::Dob);
    let name_label = if provider_table {
        "Provider"
    } else if staff_table && staff_health {
        "Employee"
    } else if staff_table {
        "Staff"
    } else if clinical && !(leisure_scores && member_only) && !travellers {
        "Patient Name"
    } else {
        "Name"
    };
    let money = row.iter().any(|c| {
        words(c).iter().any(|w| {
            matches!(
                w.as_str(),
                "amount" | "gift" | "fund" | "donation" | "pledge" | "gbp" | "usd" | "eur"
            )
        })
    });
    let labels = row
        .iter()
        .zip(cols)
        .map(|(cell, col)| match (col, col.label()) {
            (Col::Name, _) => name_label.to_string(),
            // A club's `Member` and `Member no.`, on a leaderboard.
            (Col::PatientName, _) if leisure_scores && member_only && compact(cell) == "member" => {
                "Name".to_string()
            }
            (Col::Member, _) if leisure_scores && member_only => "Club no.".to_string(),
            // A trade's people (customers, guests, donors): a contact,
            // no patient, unless their row tells of care (`promoted`).
            // A specimen's donor (a drug test's `Donor | Result`) is its
            // subject, unless the table counts money (a charity's givers).
            (Col::Person, _) if words(cell).iter().any(|w| w.starts_with("donor")) && !money => {
                cell.trim().trim_end_matches(':').to_string()
            }
            // Athletes, players, campers and divers keep `Name` (a squad's
            // injury list, a camp's medicine log).
            (Col::Person, _)
                if words(cell).iter().any(|w| {
                    w.starts_with("athlete")
                        || w.starts_with("player")
                        || SPORT_PEOPLE.contains(&w.as_str())
                }) =>
            {
                "Name".to_string()
            }
            (Col::Person, _) => "Contact".to_string(),
            (_, Some(l)) => l.to_string(),
            // MedDRA's `pt` (see `columns`): a patient label no longer.
            (Col::Other, _)
                if cell
                    .chars()
                    .filter(|ch| ch.is_alphanumeric())
                    .collect::<String>()
                    .eq_ignore_ascii_case("pt") =>
            {
                "preferred term".to_string()
            }
            _ => cell.trim().trim_end_matches(':').to_string(),
        })
        .collect();
    Header {
        labels,
        first: cols.iter().position(|c| *c == Col::FirstName),
        last: cols.iter().position(|c| *c == Col::LastName),
        name_label,
        whole_name: cols
            .iter()
            .position(|c| matches!(c, Col::Name | Col::PatientName | Col::Person)),
        callers: row.iter().zip(cols).any(|(cell, col)| {
            *col == Col::Name && matches!(compact(cell).as_str(), "caller" | "callername")
        }),
        workers: row.iter().any(|c| WORKERS.contains(&compact(c).as_str())),
        clinical_only: if name_label == "Patient Name" && !patient_column {
            cols.iter()
                .enumerate()
                .filter(|(_, c)| c.is_phi())
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// A cell that says there is nothing (`None`, `N/A`, `nil`, `-`).
fn nil_cell(c: &str) -> bool {
    matches!(
        c.trim().trim_end_matches('.').to_ascii_lowercase().as_str(),
        "" | "none"
            | "n/a"
            | "na"
            | "nil"
            | "no"
            | "-"
            | "--"
            | "—"
            | "–"
            | "0"
            | "nothing"
            | "not applicable"
    )
}

/// The header of a table whose header row is missing (`Oyelaran,Temitope,
/// 3/4/61,Type 2 diabetes`), read from its cells: at least two rows of
/// the same width, a column of names (capitalised words, no digits, no
/// `Dr.`), a column of dates and a column whose cells name conditions,
/// medications or procedures, or hold ICD-10 codes, in most rows. Dates
/// become `Date`, the clinical cells `Dx`, one name column `Patient
/// Name`, two adjacent ones a last and a first name. Anything less (names
/// and dates alone: a roster; names and specialties: an on-call list)
/// stays plain.
fn inferred_header(rows: &[Vec<String>]) -> Option<Header> {
    let width = rows.first()?.len();
    if rows.len() < 2 || width < 3 || rows.iter().any(|r| r.len() != width) {
        return None;
    }
    let column = |j: usize| rows.iter().map(move |r| r[j].trim());
    let is_name = |j: usize| {
        column(j).all(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            (1..=4).contains(&words.len())
                && c.len() <= 40
                && !c.bytes().any(|b| b.is_ascii_digit())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && !words.iter().any(|w| {
                    let w = w
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_ascii_lowercase();
                    TITLE_WORDS.contains(&w.as_str())
                })
        })
    };
    let is_date = |j: usize| {
        column(j).all(|c| {
            crate::policy::detect::dates::first_date(c).is_some_and(|(s, e)| s == 0 && e == c.len())
        })
    };
    let is_clinical = |j: usize| {
        let hits = column(j)
            .filter(|c| {
                (crate::policy::detect::health::has_term(c)
                    || crate::policy::detect::icd10::is_listed(c))
                    && !teaching(c)
            })
            .count();
        2 * hits >= rows.len()
    };
    let mut labels = vec![String::new(); width];
    let (mut names, mut clinical, mut dated) = (Vec::new(), false, false);
    for (j, label) in labels.iter_mut().enumerate() {
        *label = if is_date(j) {
            dated = true;
            "Date".into()
        } else if is_name(j) && !is_clinical(j) {
            names.push(j);
            "Name".into()
        } else if is_clinical(j) {
            clinical = true;
            "Dx".into()
        } else {
            format!("Column {}", j + 1)
        };
    }
    if names.is_empty() || !clinical || !dated {
        return None;
    }
    let (mut first, mut last) = (None, None);
    if let [a, b, ..] = names[..]
        && b == a + 1
    {
        labels[a] = "Last Name".into();
        labels[b] = "First Name".into();
        (last, first) = (Some(a), Some(b));
    } else {
        labels[names[0]] = "Patient Name".into();
    }
    Some(Header {
        labels,
        first,
        last,
        name_label: "Patient Name",
        whole_name: None,
        callers: false,
        workers: false,
        clinical_only: Vec::new(),
    })
}

/// A course, not a condition: `Diabetes education module`.
fn teaching(cell: &str) -> bool {
    words(cell).iter().any(|w| {
        matches!(
            w.as_str(),
            "education"
                | "module"
                | "training"
                | "course"
                | "refresher"
                | "class"
                | "webinar"
                | "lecture"
                | "talk"
                | "session"
                | "workshop"
                | "certification"
                | "cme"
        )
    })
}

/// Words of a provider's or staff member's cell, not a patient's name.
const TITLE_WORDS: &[&str] = &[
    "dr",
    "doctor",
    "prof",
    "professor",
    "nurse",
    "md",
    "do",
    "rn",
    "np",
    "pa",
    "dds",
    "phd",
];

/// Streams rows into text, labelling cells under a PHI header.
pub struct TableWriter {
    header: Option<Header>,
    /// Rows seen before a header (at most `LOOKAHEAD`).
    pending: Vec<Vec<String>>,
    /// No header within the first rows: everything plain from now on.
    plain: bool,
    /// CSV: the first row is the header, whatever it names.
    forced: bool,
    /// A two-cell header row with one cell no column's name (`Naam |
    /// dhr. Koen van den Berg`), held until the next row tells a header
    /// (`Maria Lopez | started chemo` under it) from a form set out as a
    /// table (`Geboortedatum | 09-08-1964`: a label again under it).
    held: Option<(Vec<String>, Header)>,
}

/// Rows searched for a header.
const LOOKAHEAD: usize = 8;

impl TableWriter {
    pub fn new() -> Self {
        TableWriter {
            header: None,
            pending: Vec::new(),
            plain: false,
            forced: false,
            held: None,
        }
    }

    /// The first row names the columns (CSV, TSV).
    pub fn first_row_is_header() -> Self {
        TableWriter {
            forced: true,
            ..TableWriter::new()
        }
    }

    pub fn push(&mut self, row: Vec<String>, out: &mut TextOut) {
        if let Some((first, h)) = self.held.take() {
            let label_under = labels_at_pair_starts(&row);
            plain(&first, out);
            if label_under && first.iter().filter(|c| !c.trim().is_empty()).count() > 2 {
                // A wide first row over labels: a title row over the real
                // header (`Patient | Claim` over `Last | First | DOB`) or
                // a form's pairs; the row under is read afresh.
                self.push(row, out);
            } else if label_under {
                self.plain = true;
                plain(&row, out);
            } else {
                labeled(&h, &row, out);
                self.header = Some(h);
            }
            return;
        }
        if let Some(h) = &self.header {
            labeled(h, &row, out);
            return;
        }
        if self.plain {
            plain(&row, out);
            return;
        }
        // A CSV whose export dropped its header starts with a record:
        // values, and no cell that names a known column.
        if self.forced
            && row.iter().any(|c| value_like(c))
            && row.iter().all(|c| classify(c) == Col::Other)
        {
            self.forced = false;
        }
        if self.forced && row.iter().any(|c| !c.trim().is_empty()) {
            let cols = columns(&row);
            plain(&row, out);
            self.header = Some(header_from(&row, &cols));
            return;
        }
        if let Some(h) = header_of(&row) {
            for p in self.pending.drain(..) {
                plain(&p, out);
            }
            let filled: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
            // A label and its value, once or as pairs across the row.
            if (filled.len() == 2 && filled.iter().any(|c| classify(c) == Col::Other))
                || label_value_pairs(&row)
            {
                self.held = Some((row, h));
                return;
            }
            plain(&row, out);
            self.header = Some(h);
            return;
        }
        self.pending.push(row);
        if self.pending.len() >= LOOKAHEAD {
            self.no_header(out);
        }
    }

    /// No header row within the first rows: label them by what the cells
    /// hold if they are plainly patient records, else write them plain.
    fn no_header(&mut self, out: &mut TextOut) {
        match inferred_header(&self.pending) {
            Some(h) => {
                for p in self.pending.drain(..) {
                    labeled(&h, &p, out);
                }
                self.header = Some(h);
            }
            None => {
                self.plain = true;
                for p in self.pending.drain(..) {
                    plain(&p, out);
                }
            }
        }
    }

    pub fn finish(mut self, out: &mut TextOut) {
        if let Some((first, _)) = self.held.take() {
            plain(&first, out);
        }
        if !self.pending.is_empty() {
            self.no_header(out);
        }
        out.newline();
    }
}

impl Default for TableWriter {
    fn default() -> Self {
        Self::new()
    }
}

fn plain(row: &[String], out: &mut TextOut) {
    let cells: Vec<&str> = row
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if cells.is_empty() {
        return;
    }
    out.newline();
    if let [label, value] = cells.as_slice()
        && !value_like(label)
        && label.len() <= 40
    {
        out.push(label.trim_end_matches(':'));
        out.push(": ");
        out.push(value);
    } else {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push("\t");
            }
            out.push(c);
        }
    }
    out.push_char('\n');
}

fn labeled(h: &Header, row: &[String], out: &mut TextOut) {
    if row.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    let joined;
    let row = match unquoted_last_first(h, row) {
        Some(r) => {
            joined = r;
            &joined[..]
        }
        None => row,
    };
    out.newline();
    // A list of customers, guests or delegates whose row tells of a
    // condition (`Nadia Haddad | Insulin-dependent diabetic`) names a
    // person in care, row by row.
    // A call log's row with no health word outside its organisational
    // columns is a help desk's call: plain text, no names promoted.
    if h.callers
        && !row.iter().zip(&h.labels).any(|(c, l)| {
            !matches!(
                compact(l).as_str(),
                "dept" | "department" | "unit" | "ward" | "team" | "service" | "location" | "site"
            ) && crate::policy::detect::health::has_term(c)
        })
    {
        plain(row, out);
        return;
    }
    let care = row_tells_of_care(h, row);
    // A staff list whose row tells of the person's own care (a hearing
    // screen's `Outcome: refer audiologist`) is the staff's health: its
    // names are employees told about.
    fn promoted(label: &str, care: bool) -> &str {
        match label {
            "Name" | "Contact" if care => "Patient Name",
            "Staff" if care => "Employee",
            _ => label,
        }
    }
    // (Its dates tell nothing alone; one cell must say `None` outright.)
    let cell = |i: usize| row.get(i).map_or("", |c| c.trim());
    let whole_date = |c: &str| {
        crate::policy::detect::dates::first_date(c).is_some_and(|(s, e)| s == 0 && e == c.len())
    };
    let nothing_told = h
        .clinical_only
        .iter()
        .all(|&i| nil_cell(cell(i)) || whole_date(cell(i)))
        && h.clinical_only
            .iter()
            .any(|&i| !cell(i).is_empty() && nil_cell(cell(i)));
    let name_label = if nothing_told {
        "Name"
    } else {
        promoted(h.name_label, care)
    };
    for (i, cell) in row.iter().enumerate() {
        let v = cell.trim();
        if v.is_empty() {
            continue;
        }
        let label = h.labels.get(i).map_or("", String::as_str);
        out.push(match promoted(label, care) {
            "Patient Name" if nothing_told => "Name",
            l => l,
        });
        out.push(": ");
        out.push(v);
        out.push_char('\n');
    }
    if let (Some(f), Some(l)) = (h.first, h.last) {
        let first = row.get(f).map_or("", |s| s.trim());
        let last = row.get(l).map_or("", |s| s.trim());
        if !first.is_empty() && !last.is_empty() {
            out.push(name_label);
            out.push(": ");
            out.push(first);
            out.push(" ");
            out.push(last);
            out.push_char('\n');
        }
    }
    out.push_char('\n');
}

/// Sport's and leisure's people, named in a column as athletes are.
const SPORT_PEOPLE: &[&str] = &[
    "diver", "cyclist", "swimmer", "climber", "skier", "camper", "racer", "golfer",
];

/// Does a cell of `row` other than its names and its organisational
/// columns (department, ward, team, role: an on-call list's `Oncology`)
/// hold a health term?
fn row_tells_of_care(h: &Header, row: &[String]) -> bool {
    // Only a column that holds a person's health, needs or a free note
    // about them (not a talk's title, a product, a course or a team).
    const CARE: &[&str] = &[
        "condition",
        "conditions",
        "diagnosis",
        "medical",
        "health",
        "allergy",
        "allergies",
        "allergens",
        "medication",
        "medications",
        "meds",
        "injury",
        "injuries",
        "disclosure",
        "marker",
        "need",
        "needs",
        "special",
        "requirements",
        "dietary",
        "symptoms",
        "access",
        "accommodation",
        "accommodations",
        "adjustment",
        "adjustments",
        "support",
        "finding",
        "findings",
        "restriction",
        "restrictions",
        "fitness",
        "referral",
        "recommendation",
        "recommendations",
        // A study's participants by arm or intervention (`study_arm: CPAP
        // + coaching`), a list of procedures or devices per person.
        "arm",
        "intervention",
        "indication",
        "treatment",
        "treatments",
        "therapy",
        "procedure",
        "procedures",
        "device",
        "devices",
        // An assistance case list's (`Insured | Problem | Plan`).
        "problem",
        "problems",
        "complaint",
        "complaints",
        // A welfare or housing list's (`Beneficiary | Disability | %`,
        // `Tenant | Vulnerability`).
        "disability",
        "disabilities",
        "impairment",
        "impairments",
        "vulnerability",
        "vulnerabilities",
    ];
    // A screening's outcome per person, only where the cell refers them
    // on or tells a finding (`Action | Refer to GP: probable noise-induced
    // hearing loss`), not a task (`Update the diabetes leaflet`).
    const OUTCOME: &[&str] = &["outcome", "result", "results", "action"];
    let outcome_told = |cell: &str| {
        words(cell).iter().any(|w| {
            matches!(
                w.as_str(),
                "refer" | "referred" | "referral" | "unfit" | "probable" | "suspected" | "abnormal"
            ) || w.starts_with("diagnos")
        })
    };
    // Free notes tell of the person unless they speak of a talk, a
    // product or a course (`Loved the diabetes prevention session`).
    const FREE: &[&str] = &[
        "notes",
        "note",
        "comment",
        "comments",
        "details",
        "reason",
        "event",
        "remarks",
        "circumstance",
        "circumstances",
        "explanation",
    ];
    const NOT_ABOUT_THEM: &[&str] = &[
        "session",
        "sessions",
        "talk",
        "talks",
        "webinar",
        "course",
        "workshop",
        "lecture",
        "keynote",
        "panel",
        "presentation",
        "speaker",
        "app",
        "apps",
        "article",
        "book",
        "training",
        "module",
        "product",
        "products",
        "stand",
        "booth",
        "exhibit",
        "feedback",
        "loved",
        "enjoyed",
        "interesting",
        "great",
        "excellent",
        "useful",
        "research",
        "helpline",
        "charity",
        "charities",
        "group",
        "service",
        "pathway",
        "lead",
        "covers",
        "kit",
        "samples",
        "launching",
        "launch",
        "representing",
        "runs",
        "work",
        "works",
        "association",
        "society",
        "foundation",
        "sponsor",
        "team",
    ];
    // A staff list's notes are about their work (a delegate list's
    // `Company` is not: its notes may still be about the delegate).
    const WORK_COLUMNS: &[&str] = &[
        "role",
        "employer",
        "job",
        "position",
        "title",
        "department",
        "dept",
        "exhibitor",
        "sponsor",
    ];
    let at_work = h.workers
        || h.labels
            .iter()
            .any(|l| words(l).iter().any(|w| WORK_COLUMNS.contains(&w.as_str())));
    const COMPANY: &[&str] = &[
        "ltd", "plc", "inc", "llc", "gmbh", "pharmacy", "chemist", "hospital", "clinic", "group",
    ];
    const NOT_CARE: &[&str] = &[
        "department",
        "dept",
        "unit",
        "ward",
        "specialty",
        "speciality",
        "clinic",
        "team",
        "role",
        "title",
        "position",
        "service",
        "location",
        "site",
        "office",
        "division",
        "program",
        "programme",
        "course",
        "training",
        "topic",
        "session",
        "company",
        "organisation",
        "organization",
        "employer",
        "job",
        "occupation",
        "qualification",
        "qualifications",
        "certificate",
        "certification",
        "cert",
        "skill",
        "skills",
        "competency",
        "licence",
        "license",
    ];
    // The name cell holds a person's name: two words or more, or a first
    // and a last name (a form's `Name | Message` pairs are no list).
    let person = h.whole_name.and_then(|i| row.get(i)).is_some_and(|c| {
        c.split_whitespace().count() >= 2 && !words(c).iter().any(|w| COMPANY.contains(&w.as_str()))
    }) || (h.first.is_some() && h.last.is_some());
    person
        && row.iter().enumerate().any(|(i, cell)| {
            if Some(i) == h.whole_name
                || Some(i) == h.first
                || Some(i) == h.last
                || cell.trim().is_empty()
            {
                return false;
            }
            let label = words(h.labels.get(i).map_or("", String::as_str));
            let says = |list: &[&str]| label.iter().any(|w| list.contains(&w.as_str()));
            !says(NOT_CARE)
                && (says(CARE)
                    || (says(OUTCOME) && outcome_told(cell))
                    || (!at_work
                        && says(FREE)
                        && !words(cell)
                            .iter()
                            .any(|w| NOT_ABOUT_THEM.contains(&w.as_str()))))
                && (crate::policy::detect::health::has_term(cell)
                    || crate::policy::detect::scripts::has_term(cell))
        })
}

/// A hand-made export that left `Last, First` unquoted
/// (`RRMC 5518820,MBATHA, LINDIWE,10/27/1968`): one cell more than the
/// header, and after the name column's cell a cell of one or two words
/// of letters that opens with a blank. The two are one name again.
fn unquoted_last_first(h: &Header, row: &[String]) -> Option<Vec<String>> {
    let k = h.whole_name?;
    if row.len() != h.labels.len() + 1 {
        return None;
    }
    let (last, first) = (row.get(k)?, row.get(k + 1)?);
    let words = first.split_whitespace().count();
    let lettered = first
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.'));
    if !first.starts_with(' ') || !(1..=2).contains(&words) || !lettered || last.trim().is_empty() {
        return None;
    }
    let mut out = row.to_vec();
    out[k] = format!("{},{}", last.trim_end(), first);
    out.remove(k + 1);
    Some(out)
}

/// Split one delimited line on `sep`, honouring double quotes.
pub fn split_delimited(line: &str, sep: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    cells.push(cur);
    cells
}

/// The most frequent delimiter of a header line.
fn delimiter(line: &str) -> char {
    [',', '\t', ';', '|']
        .into_iter()
        .max_by_key(|&c| line.matches(c).count())
        .unwrap_or(',')
}

/// CSV/TSV text → labelled text (the first line names the columns).
pub fn csv_to_labeled(t: &str, cap: usize) -> String {
    let mut out = TextOut::new(cap);
    let mut lines = t.lines().filter(|l| !l.trim().is_empty());
    let Some(head) = lines.next() else {
        return String::new();
    };
    let sep = delimiter(head);
    let mut w = TableWriter::first_row_is_header();
    w.push(split_delimited(head, sep), &mut out);
    for line in lines {
        if out.over {
            break;
        }
        w.push(split_delimited(line, sep), &mut out);
    }
    w.finish(&mut out);
    out.text
}

/// Cells of a plain-text line under a given layout.
/// Cells in a row of a table `n` wide: separators inside a quoted CSV
/// field (`"DOE, JANE"`) do not count, unless reading quotes that way
/// fits worse than not (a stray `"` in `5'10"`).
fn row_width(line: &str, sep: Option<char>, n: usize) -> usize {
    let raw = stats(line).width(sep);
    match sep {
        Some(c) if line.contains('"') => {
            let quoted = split_delimited(line, c).len();
            if quoted.abs_diff(n) <= raw.abs_diff(n) {
                quoted
            } else {
                raw
            }
        }
        _ => raw,
    }
}

fn cells_of(line: &str, sep: Option<char>) -> Vec<String> {
    match sep {
        Some(c) => split_delimited(line, c),
        // Space-aligned columns: two or more spaces separate cells.
        None => line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

/// Longest line taken for a header row (header-ish words: a line without
/// any cannot be a PHI header row).
const MAX_HEADER_LINE: usize = 400;

/// The header-ish words (`dob`, `mrn`, `patient`...), ASCII case-insensitive.
fn header_hints() -> Option<&'static aho_corasick::AhoCorasick> {
    use aho_corasick::AhoCorasick;
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const HINTS: &[&str] = &[
        "dob",
        "d.o.b",
        "birth",
        "mrn",
        "hosp",
        "ssn",
        "dx",
        "diag",
        "icd",
        "patient",
        "participant",
        "name",
        "member",
        "record",
        "chart",
        "medicare",
        "mbi",
        "pt",
        "first",
        "last",
        "subscriber",
        "insured",
        "client",
        "ss#",
        "social",
        "born",
        "bday",
        "surname",
        "physician",
        "provider",
        "attending",
        "backup",
        "on-call",
        "surgeon",
        // The people of other lists (see `classify`'s name columns).
        "athlete",
        "player",
        "diver",
        "cyclist",
        "swimmer",
        "climber",
        "skier",
        "camper",
        "racer",
        "golfer",
        "member",
        "customer",
        "guest",
        "passenger",
        "delegate",
        "attendee",
        "tenant",
        "travel",
        "beneficiar",
        "applicant",
        "service user",
        "occupant",
        "householder",
        // Other languages' birth, identity and name columns (see
        // `BIRTH_ELSEWHERE` and the lists after it).
        "nascimento",
        "nacimiento",
        "naissance",
        "geburt",
        "geboorte",
        "nascita",
        "urodzenia",
        "doğum",
        "dogum",
        "рождения",
        "народження",
        "出生",
        "生年月日",
        "생년월일",
        "ميلاد",
        "לידה",
        "γέννησης",
        "ngày sinh",
        "kapanganakan",
        "pesel",
        "bsn",
        "cpf",
        "dni",
        "nombre",
        "nome",
        "naam",
        "nazwisko",
        "nachname",
        "apellido",
        "cognome",
        "氏名",
        "姓名",
        "성명",
        "환자",
    ];
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(HINTS)
            .ok()
    })
    .as_ref()
}

/// Separator counts of one line, from one pass over its bytes.
#[derive(Clone, Copy, Default)]
struct LineStats {
    tab: usize,
    comma: usize,
    semi: usize,
    pipe: usize,
    /// Groups separated by two or more spaces.
    aligned: usize,
}

fn stats(line: &str) -> LineStats {
    static TWO_SPACES: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let b = line.as_bytes();
    // Most lines (prose without commas, fill, base64) have no separator at
    // all: three vector searches tell, and they are one group or none.
    let two = TWO_SPACES.get_or_init(|| memchr::memmem::Finder::new("  "));
    if memchr::memchr3(b',', b';', b'|', b).is_none()
        && memchr::memchr(b'\t', b).is_none()
        && two.find(b).is_none()
    {
        return LineStats {
            aligned: usize::from(b.iter().any(|&c| c != b' ')),
            ..LineStats::default()
        };
    }
    // Byte-wide counters over blocks of 255: the compiler turns these
    // loops into vector compares, which matters because every line of
    // every text part passes here.
    let (mut tab, mut comma, mut semi, mut pipe, mut pairs) = (0, 0, 0, 0, 0usize);
    for block in b.chunks(255) {
        let (mut t, mut c, mut s, mut p) = (0u8, 0u8, 0u8, 0u8);
        for &x in block {
            t += u8::from(x == b'\t');
            c += u8::from(x == b',');
            s += u8::from(x == b';');
            p += u8::from(x == b'|');
        }
        (tab, comma, semi, pipe) = (
            tab + usize::from(t),
            comma + usize::from(c),
            semi + usize::from(s),
            pipe + usize::from(p),
        );
    }
    for (x, y) in b.chunks(255).zip(b.get(1..).unwrap_or(&[]).chunks(255)) {
        let mut n = 0u8;
        for (&a, &c) in x.iter().zip(y) {
            n += u8::from((a == b' ') & (c == b' '));
        }
        pairs += usize::from(n);
    }
    // Groups: the first non-space octet opens one, and so does every
    // non-space octet after a run of two or more spaces.
    // Counted as the non-space octets with two spaces right before them,
    // over three shifted views (a loop the compiler vectorises).
    let aligned = match b.iter().position(|&c| c != b' ') {
        None => 0,
        Some(_) if pairs == 0 => 1,
        Some(first) => {
            let r = &b[first..];
            let mut groups = 1usize;
            if r.len() > 2 {
                let (x, y, z) = (&r[..r.len() - 2], &r[1..r.len() - 1], &r[2..]);
                for ((x, y), z) in x.chunks(255).zip(y.chunks(255)).zip(z.chunks(255)) {
                    let mut n = 0u8;
                    for i in 0..x.len().min(y.len()).min(z.len()) {
                        n += u8::from((x[i] == b' ') & (y[i] == b' ') & (z[i] != b' '));
                    }
                    groups += usize::from(n);
                }
            }
            groups
        }
    };
    LineStats {
        tab,
        comma,
        semi,
        pipe,
        aligned,
    }
}

impl LineStats {
    /// The layout of a possible header line: its separator and width.
    fn layout(&self) -> Option<(Option<char>, usize)> {
        let best = [
            ('\t', self.tab),
            (',', self.comma),
            (';', self.semi),
            ('|', self.pipe),
        ]
        .into_iter()
        .max_by_key(|x| x.1)
        .filter(|x| x.1 > 0);
        match best {
            Some(('\t', n)) => Some((Some('\t'), n + 1)),
            Some((c, n)) if self.tab == 0 => Some((Some(c), n + 1)),
            _ if self.aligned >= 2 => Some((None, self.aligned)),
            _ => None,
        }
    }

    fn width(&self, sep: Option<char>) -> usize {
        match sep {
            Some('\t') => self.tab + 1,
            Some(',') => self.comma + 1,
            Some(';') => self.semi + 1,
            Some('|') => self.pipe + 1,
            _ => self.aligned,
        }
    }
}

/// The line from `start` (a line start): its end without the line break
/// and the start of the next line.
fn line_at(b: &[u8], start: usize) -> (usize, usize) {
    let nl = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
    // As `str::lines`: a CR is dropped only before an LF.
    let end = if nl < b.len() && nl > start && b[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    (end, (nl + 1).min(b.len()))
}

/// Tables pasted into plain text (a CSV export in the body, a
/// space-aligned report): the labelled rendering of every table whose
/// header names PHI fields, or `None` when there is none. One pass of
/// separator counting per line; only a short line with header-ish words
/// whose next line has the same shape is looked at more closely.
/// A table's rule line: dashes or equals signs, with `+`, `|`, `:` and
/// blanks between columns.
fn rule_line(l: &str) -> bool {
    let l = l.trim();
    l.len() >= 3
        && l.bytes().any(|c| matches!(c, b'-' | b'='))
        && l.bytes()
            .all(|c| matches!(c, b'-' | b'=' | b'+' | b'|' | b':' | b' ' | b'\t'))
}

pub fn relabel_plain(text: &str, cap: usize) -> Option<String> {
    let hints = header_hints()?;
    let b = text.as_bytes();
    let mut out = TextOut::new(cap);
    let mut found = false;
    let mut ls = 0;
    while ls < b.len() && !out.over {
        let (le, next) = line_at(b, ls);
        // A header needs a row under it.
        if next >= b.len() {
            break;
        }
        let raw = &text[ls..le];
        ls = next;
        let Some((sep, n)) = stats(raw).layout() else {
            continue;
        };
        let line = raw.trim();
        // `2. Bildediagnostikk Vest, Bergen`: a numbered list's item, no
        // header.
        let numbered = {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            (1..=2).contains(&digits)
                && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
                && line.as_bytes().get(digits + 1) == Some(&b' ')
        };
        // Header cells are short: prose with a comma or two is no row.
        if numbered
            || !(2..=200).contains(&n)
            || line.len() > n * 28
            || line.len() > MAX_HEADER_LINE
            || !hints.is_match(line)
        {
            continue;
        }
        // A rule under the header (`-----+-----`, `|---|---|`) is no row.
        let mut first_row = next;
        while first_row < b.len() {
            let (re, rnext) = line_at(b, first_row);
            if !rule_line(&text[first_row..re]) {
                break;
            }
            first_row = rnext;
        }
        let (ne, _) = line_at(b, first_row);
        // One cell more under a comma header may be an unquoted `Last,
        // First` (see `unquoted_last_first`): only with a name column.
        let width = row_width(&text[first_row..ne], sep, n);
        let split_name = width == n + 1 && sep == Some(',');
        if width != n && !split_name {
            continue;
        }
        let cells = cells_of(line, sep);
        // `Client:  Acme` over `Terms:   Net 30`: labels with their values
        // (an invoice's head, a form), not a header over its rows. A
        // header of labels (`Patient:  DOB:  MRN:`) over rows of values
        // stays one.
        let label = |c: &String| c.trim_end().ends_with(':');
        let row = cells_of(&text[first_row..ne], sep);
        if cells.first().is_some_and(label)
            && !cells.iter().skip(1).all(label)
            && row.first().is_some_and(label)
        {
            continue;
        }
        let Some(h) = header_of(&cells) else {
            continue;
        };
        if form_pairs(&cells, &row) {
            continue;
        }
        if split_name && h.whole_name.is_none() {
            continue;
        }
        found = true;
        let mut j = first_row;
        while j < b.len() && !out.over {
            let (re, rnext) = line_at(b, j);
            let l = text[j..re].trim_end();
            if rule_line(l) {
                j = rnext;
                continue;
            }
            if l.trim().is_empty() || row_width(l, sep, n).abs_diff(n) > 1 {
                break;
            }
            labeled(&h, &cells_of(l, sep), &mut out);
            j = rnext;
        }
        ls = j;
    }
    found.then_some(out.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `stats` counted octet by octet, as it once did: the reference.
    fn stats_by_octet(line: &str) -> (usize, usize, usize, usize, usize) {
        let (mut t, mut c, mut s, mut p) = (0, 0, 0, 0);
        let (mut groups, mut in_group, mut spaces) = (0, false, 0);
        for &b in line.as_bytes() {
            match b {
                b'\t' => t += 1,
                b',' => c += 1,
                b';' => s += 1,
                b'|' => p += 1,
                _ => {}
            }
            if b == b' ' {
                spaces += 1;
            } else {
                if !in_group || spaces >= 2 {
                    groups += 1;
                }
                in_group = true;
                spaces = 0;
            }
        }
        (t, c, s, p, groups)
    }

    #[test]
    fn line_stats_match_an_octet_walk() {
        for l in [
            "",
            " ",
            "     ",
            "a",
            "  a",
            "a  ",
            "a  b",
            "a   b  c d",
            "  Name    DOB       MRN  ",
            "x,y;z|w\tv",
            "\t\t a  ,  b",
            "one two  three   four    ",
            "Patient  |  DOB |MRN",
        ] {
            let st = stats(l);
            assert_eq!(
                (st.tab, st.comma, st.semi, st.pipe, st.aligned),
                stats_by_octet(l),
                "{l:?}"
            );
        }
    }

    #[test]
    fn headers_are_classified() {
        for (h, want) in [
            ("DOB", Col::Dob),
            // `lname` inside a full name is no last name.
            ("Full name", Col::Name),
            ("Patient full name", Col::PatientName),
            ("lname", Col::LastName),
            ("Birth Dt", Col::Dob),
            ("date_of_birth", Col::Dob),
            ("D.O.B.", Col::Dob),
            ("MRN", Col::Mrn),
            ("Med Rec #", Col::Mrn),
            ("Patient ID", Col::Mrn),
            ("SSN", Col::Ssn),
            ("dx", Col::Dx),
            ("ICD-10 Code", Col::Dx),
            ("Primary Diagnosis", Col::Dx),
            ("Member ID", Col::Member),
            ("Patient", Col::PatientName),
            ("Pt Name", Col::PatientName),
            ("First Name", Col::FirstName),
            ("last_name", Col::LastName),
            ("Name", Col::Name),
            ("Procedure", Col::Clinical),
            ("Amount", Col::Other),
            ("Registration #", Col::Other),
            // Joined names from exports.
            ("PatientDOB", Col::Dob),
            ("Dx1", Col::Dx),
            ("PatientName", Col::PatientName),
        ] {
            assert_eq!(classify(h), want, "{h}");
        }
        assert_eq!(camel_parts("DOBDate"), ["DOB", "Date"]);
        assert_eq!(camel_parts("SubscriberID"), ["Subscriber", "ID"]);
        assert_eq!(camel_parts("Dx12"), ["Dx", "12"]);
        assert_eq!(camel_parts("dob"), ["dob"]);
    }

    #[test]
    fn a_provider_directory_names_providers() {
        let t = relabel_plain(
            "action,npi,last_name,first_name,specialty\nADD,1348702667,Nakamura,Hiro,Cardiology\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("Provider: Hiro Nakamura"), "{t}");
        // With a patient column, the same names are patients.
        let t = relabel_plain(
            "npi,last_name,first_name,dob\n1348702667,Nakamura,Hiro,01/02/1960\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("Patient Name: Hiro Nakamura"), "{t}");
        // Patients with their providers named in clinical columns.
        for h in [
            "first_name,last_name,DOS,CPT,Rendering NPI",
            "Name,Medication,Prescriber",
            "first_name,last_name,specialty,procedure",
        ] {
            let t = relabel_plain(&format!("{h}\nHiro,Nakamura,Lisinopril,Dr Wu,x\n"), 1 << 20);
            assert!(!t.is_some_and(|t| t.contains("Provider:")), "{h}");
        }
        // A stray quote (`5'10"`) does not end the table.
        let t = relabel_plain(
            "Name,DOB,Height\nMaria Haddad,01/02/1960,5'10\"\nJon Park,03/04/1970,6'0\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("DOB: 03/04/1970"), "{t}");
    }

    #[test]
    fn quoted_cells_do_not_break_a_rows_width() {
        let t = relabel_plain(
            "ClaimID,PatientName,PatientDOB,Dx1,Notes\n\
             C1,\"ACHTERBERG, WINIFRED\",08/22/1976,I10,\"resubmit, see note, then appeal\"\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("DOB: 08/22/1976"), "{t}");
        assert!(t.contains("Dx: I10"), "{t}");
    }

    #[test]
    fn csv_cells_get_their_column_meaning() {
        let t = csv_to_labeled(
            "Name,Birth Dt,MRN,dx\n\"Haddad, Maria\",9/15/82,00482913,C50.911\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Haddad, Maria"), "{t}");
        assert!(t.contains("DOB: 9/15/82"), "{t}");
        assert!(t.contains("MRN: 00482913"), "{t}");
        assert!(t.contains("Dx: C50.911"), "{t}");
    }

    #[test]
    fn column_names_in_other_languages() {
        for (h, col) in [
            ("Data urodzenia", Col::Dob),
            ("Geburtsdatum", Col::Dob),
            ("生年月日", Col::Dob),
            ("Fecha de nacimiento", Col::Dob),
            ("PESEL", Col::Ssn),
            ("BSN", Col::Ssn),
            ("Nazwisko", Col::LastName),
            ("Imię", Col::FirstName),
            ("Vorname", Col::FirstName),
            ("氏名", Col::Name),
            ("Nombre", Col::Name),
            ("환자성명", Col::PatientName),
            ("Historia clínica", Col::Mrn),
            ("Diagnóstico", Col::Dx),
            ("상병코드", Col::Dx),
            ("Szczepionka", Col::Clinical),
            ("判定", Col::Clinical),
            // Not a person's column.
            ("Ad", Col::Other),
            ("Nieobecny", Col::Other),
        ] {
            assert_eq!(classify(h), col, "{h}");
        }
        let t = relabel_plain(
            "Lp.\tNazwisko\tImię\tPESEL\tData urodzenia\tSzczepionka\n1\tKowalczyk\tHalina\t45031701379\t1945-03-17\tGrypa\n",
            1 << 20,
        )
        .unwrap_or_default();
        assert!(t.contains("DOB: 1945-03-17\n"), "{t}");
        assert!(t.contains("Patient Name: Halina Kowalczyk\n"), "{t}");
    }

    #[test]
    fn an_unquoted_last_first_is_one_name_again() {
        let csv = "mrn,name,dob,phone,last_mammo,birads\nRRMC 5518820,MBATHA, LINDIWE,10/27/1968,541-555-0122,11/02/2022,2\nRRMC 6627105,ALVAREZ, CARMEN,07/07/1975,541-555-0139,08/30/2022,1\n";
        for t in [
            csv_to_labeled(csv, 1 << 20),
            relabel_plain(csv, 1 << 20).unwrap_or_default(),
        ] {
            assert!(t.contains("Patient Name: MBATHA, LINDIWE\n"), "{t}");
            assert!(t.contains("DOB: 10/27/1968\n"), "{t}");
            assert!(t.contains("DOB: 07/07/1975\n"), "{t}");
        }
        // A cell more that is no first name stays where it was.
        let t = csv_to_labeled("name,dob\nAna Ruiz,3/4/61,extra 7\n", 1 << 20);
        assert!(t.contains("Patient Name: Ana Ruiz\n"), "{t}");
        assert!(t.contains("DOB: 3/4/61\n"), "{t}");
    }

    #[test]
    fn a_table_without_its_header_row_is_read_from_its_cells() {
        let t = csv_to_labeled(
            "Oyelaran,Temitope,3/4/61,Type 2 diabetes with neuropathy\n\
             Castellano,Bruno,11/22/58,Type 2 diabetes w/ CKD stage 3a\n\
             Lund,Eira,1/30/66,Prediabetes + obesity BMI 41\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Temitope Oyelaran"), "{t}");
        assert!(t.contains("Dx: Type 2 diabetes with neuropathy"), "{t}");
        assert!(t.contains("Date: 1/30/66"), "{t}");
        let t = csv_to_labeled(
            "\"Hoang, Linh\",1962-04-18,0038821,E11.9,9.4\n\"Farah, Amina\",1981-06-14,0060043,O24.13,9.9\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Hoang, Linh"), "{t}");
        // An on-call list: doctors by specialty, no dates.
        let t = csv_to_labeled(
            "Cardiology,Dr. Chinedu Okoye,Dr. Hannah Weiss,4401\nNeurology,Dr. Fatemeh Rahimi,Dr. Ana Beltrán,4420\n",
            1 << 20,
        );
        assert!(!t.contains("Patient Name"), "{t}");
        // Names and dates alone: a roster or a schedule, left plain.
        let t = csv_to_labeled(
            "Oyelaran,Temitope,3/4/2026,Room 4\nCastellano,Bruno,3/5/2026,Room 2\n",
            1 << 20,
        );
        assert!(!t.contains("Patient Name"), "{t}");
        // A training log: courses, not conditions.
        let t = csv_to_labeled(
            "Jane Smith,2024-05-01,Diabetes education module\nTom Lee,2024-05-02,Asthma care refresher\n",
            1 << 20,
        );
        assert!(!t.contains("Patient Name"), "{t}");
        // A header row holding digits is still the header.
        let t = csv_to_labeled(
            "MRN,Patient Name,DOB,PHQ-9 Score (0-27) FY2025\n40021877,Maria Lopez,03/04/1961,14\n",
            1 << 20,
        );
        assert!(t.contains("MRN: 40021877"), "{t}");
        assert!(t.contains("DOB: 03/04/1961"), "{t}");
    }

    #[test]
    fn workers_named_with_nothing_clinical_are_no_patients() {
        // A delivery platform's claims: its drivers' injuries and care.
        let t = csv_to_labeled(
            "claim_id,driver_id,driver_name,date_of_loss,injury,treatment\nOA-1,DSH-1,Marisol Ortega,2027-04-11,Dog bite left calf,\"6 stitches, rabies series\"\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Marisol Ortega"), "{t}");
        // A fleet report whose injury column says none: drivers only.
        let t = csv_to_labeled(
            "Driver,Vehicle,Route,Incident,Injury\nSibusiso Ndlovu,ND 482-117,Pinetown 3,Flat tyre on the N3,None\nPieter Botha,ND 118-904,Durban,Scrape in loading bay,Cut hand - first aid\n",
            1 << 20,
        );
        assert!(
            t.contains("Name: Sibusiso Ndlovu") && !t.contains("Patient Name: Sibusiso"),
            "{t}"
        );
        assert!(t.contains("Patient Name: Pieter Botha"), "{t}");
        // A courier's notes are about the parcel.
        let t = csv_to_labeled(
            "Courier,Parcel,Notes\nDan Wood,PX1044,Prescription medication - keep upright\n",
            1 << 20,
        );
        assert!(!t.contains("Patient Name"), "{t}");
    }

    #[test]
    fn staff_rosters_name_staff_and_injury_lists_patients() {
        let t = csv_to_labeled(
            "employee_id,name,unit,hire_date,bls_exp,acls_exp
             101002,\"Dang, Minh Chau\",OR,2022-02-14,2025-04-18,N/A
",
            1 << 20,
        );
        assert!(t.contains("Staff: Dang, Minh Chau"), "{t}");
        let t = csv_to_labeled(
            "emp_no,staff_nm,cred,fte,shift,ext,bls_exp\n40419,\"Trần, Anh\",\"RN, MSN\",1.0,D,4476,2025-03-20\n",
            1 << 20,
        );
        assert!(t.contains("Staff: Trần, Anh"), "{t}");
        let t = csv_to_labeled(
            "pt_nm,birth_dt,dx_cd\n\"Trần, Anh\",1958-05-03,I21.4\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Trần, Anh"), "{t}");
        assert!(t.contains("DOB: 1958-05-03"), "{t}");
        let t = csv_to_labeled(
            "employee_id,name,date_of_injury,body_part
             101002,\"Dang, Minh Chau\",2025-02-14,left wrist
",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Dang, Minh Chau"), "{t}");
        // A school nurse's list names students next to a clinical column:
        // patients, not a roster.
        let t = csv_to_labeled(
            "Student,Grade,Allergy,Medication\n\"Okafor, Chidi\",4,peanut,EpiPen\n",
            1 << 20,
        );
        assert!(!t.contains("Staff:"), "{t}");
        // A ward's list keeps its staff column too (the nurse assigned):
        // its names are patients.
        let t = csv_to_labeled(
            "Room,Name,Employee ID,Shift\n412B,\"Tran, Bao\",88120,Night\n",
            1 << 20,
        );
        assert!(!t.contains("Staff:"), "{t}");
        // A leave tracker: the staff's own health, employees told about.
        let t = csv_to_labeled(
            "EmpID\tName\tDept\tLeave Type\tNotes\n100482\tKowalski, Irena\tFinance\tFMLA\tKnee replacement\n",
            1 << 20,
        );
        assert!(t.contains("Employee: Kowalski, Irena"), "{t}");
        assert!(!staff_header("Room | Name | Employee ID | Shift"));
        assert!(staff_header("Name | Employee ID | Unit | Shift"));
    }

    #[test]
    fn a_rule_under_the_header_is_no_row() {
        let t = relabel_plain(
            "Status:\n\nPt Name             | DOB        | Dx Code\n--------------------+------------+---------\nFairweather, Opal   | 1958-01-22 | G43.909\nMoorcroft, Silas    | 1971-07-09 | M23.211\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("DOB: 1958-01-22"), "{t}");
        assert!(t.contains("DOB: 1971-07-09"), "{t}");
        let t = relabel_plain(
            "| Patient | DOB |\n|---|---|\n| Opal Fairweather | 01/22/1958 |\n",
            1 << 20,
        )
        .expect("a markdown table");
        assert!(t.contains("DOB: 01/22/1958"), "{t}");
    }

    #[test]
    fn an_on_call_table_names_providers() {
        let t = relabel_plain(
            "Corrected schedule:\n\nDATE|SERVICE|PHYSICIAN|PAGER|BACKUP\n7/7-7/8|Cardiology|Menon, Arvind|4410|Kaplan, Leah\n7/9-7/10|Cardiology|Kaplan, Leah|4412|Menon, Arvind\n",
            1 << 20,
        )
        .expect("a table");
        assert!(t.contains("Provider: Menon, Arvind"), "{t}");
        assert!(!t.contains("Patient Name"), "{t}");
    }

    #[test]
    fn name_column_without_phi_columns_stays_a_name() {
        let t = csv_to_labeled(
            "Name,Registration #,Session\nAna Ruiz,4471-2290,B2\n",
            1 << 20,
        );
        assert!(t.contains("Name: Ana Ruiz"), "{t}");
        assert!(!t.contains("Patient Name"), "{t}");
    }

    #[test]
    fn pasted_tables_in_text_are_found() {
        let text = "Hi, the list:\n\nPatient\tDOB\tDx\nMaria Haddad\t11 Oct 1977\tE11.9\nJon Park\t1977-10-11\tI10\n\nThanks";
        let t = relabel_plain(text, 1 << 20).expect("a table");
        assert!(t.contains("DOB: 11 Oct 1977"), "{t}");
        assert!(t.contains("Patient Name: Jon Park"), "{t}");
        let aligned = "Name          DOB         MRN\nMaria Haddad  09/15/1982  4410023\n";
        let t = relabel_plain(aligned, 1 << 20).expect("aligned table");
        assert!(t.contains("MRN: 4410023"), "{t}");
        assert!(relabel_plain("One, two, three.\nFour, five, six.\n", 1 << 20).is_none());
        // An invoice's labelled head is no table: `Terms` is no client.
        let head = "Client:  Ohio Valley Medical Center\nTerms:   Net 30\n";
        assert!(relabel_plain(head, 1 << 20).is_none());
        // A header of labels over rows of values is one.
        let typed = "Patient:            DOB:          MRN:\nHarold Best         03/04/1961    4410023\nAnna Lee            05/06/1970    4410024\n";
        let t = relabel_plain(typed, 1 << 20).expect("a table");
        assert!(t.contains("MRN: 4410023"), "{t}");
    }

    #[test]
    fn label_value_rows_are_not_headers() {
        let mut out = TextOut::new(1 << 20);
        let mut w = TableWriter::new();
        w.push(vec!["SSN".into(), "824-66-7795".into()], &mut out);
        w.push(vec!["DOB".into(), "03/03/1961".into()], &mut out);
        w.finish(&mut out);
        assert!(out.text.contains("SSN: 824-66-7795"), "{}", out.text);
        assert!(out.text.contains("DOB: 03/03/1961"), "{}", out.text);
        // A referral's form in an HTML table: the name is a value.
        let mut out = TextOut::new(1 << 20);
        let mut w = TableWriter::new();
        w.push(
            vec!["Naam".into(), "dhr. Koen van den Berg".into()],
            &mut out,
        );
        w.push(vec!["Geboortedatum:".into(), "09-08-1964".into()], &mut out);
        w.finish(&mut out);
        assert!(
            out.text.contains("Naam: dhr. Koen van den Berg"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("Geboortedatum: 09-08-1964"),
            "{}",
            out.text
        );
        // A two-column table under its header stays one.
        let mut out = TextOut::new(1 << 20);
        let mut w = TableWriter::new();
        w.push(vec!["Patient".into(), "Notes".into()], &mut out);
        w.push(
            vec!["Maria Lopez".into(), "started chemo, neutropenic".into()],
            &mut out,
        );
        w.finish(&mut out);
        assert!(
            out.text.contains("Patient Name: Maria Lopez"),
            "{}",
            out.text
        );
    }

    #[test]
    fn export_abbreviations_name_their_columns() {
        let t = csv_to_labeled(
            "claim#\tmbr#\tpt_last\tpt_first\tDOS\tDx1\n2503118840021\tSVH551922080\tASANTE-BOATENG\tKWAME\t20250211\tM23.221\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: KWAME ASANTE-BOATENG"), "{t}");
        assert_eq!(classify("mbr#"), Col::Member);
        assert_eq!(classify("mbr_first"), Col::FirstName);
    }

    #[test]
    fn a_templates_sample_row_is_no_header() {
        let mut out = TextOut::new(1 << 20);
        let mut w = TableWriter::new();
        for (a, b) in [
            ("Field", "Example"),
            ("Patient Name", "[Patient Name]"),
            ("Date of Birth", "[MM/DD/YYYY]"),
            ("Therapist", "[Therapist Name, PT, DPT]"),
        ] {
            w.push(vec![a.into(), b.into()], &mut out);
        }
        w.finish(&mut out);
        assert!(
            !out.text.contains("Patient Name: Therapist"),
            "{}",
            out.text
        );
        assert!(!out.text.contains("Patient Name: Date"), "{}", out.text);
    }

    #[test]
    fn first_and_last_name_columns_join() {
        let t = csv_to_labeled(
            "First Name;Last Name;DOB\nMaria;Haddad;1977-10-11\n",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Maria Haddad"), "{t}");
    }

    #[test]
    fn a_screenings_outcome_column_names_the_person_in_care() {
        // Hearing surveillance: a payroll list whose Action column refers
        // one worker on; the worker with no health word stays a name.
        let t = csv_to_labeled(
            "Payroll no.,Surname,Forename,Dept,L 4kHz dB,Action
P12044,Bellamy,Joanne,Fabrication,60,Refer to GP: probable noise-induced hearing loss
P11967,Khatri,Sunil,Press shop,20,None
",
            1 << 20,
        );
        assert!(t.contains("Patient Name: Joanne Bellamy"), "{t}");
        assert!(!t.contains("Patient Name: Sunil Khatri"), "{t}");
        // A training record's Action column tells of a course, no care.
        let t = csv_to_labeled(
            "Surname,Forename,Dept,Action
Bellamy,Joanne,Fabrication,Book refresher course
",
            1 << 20,
        );
        assert!(!t.contains("Patient Name"), "{t}");
    }

    #[test]
    fn a_programmes_speakers_and_a_charitys_donors_are_no_patients() {
        let t = csv_to_labeled(
            "Time,Session,Speaker,Title\n11:30,Complications,Ms Olivia Trent,Diabetic foot ulcers\n",
            1 << 20,
        );
        assert!(t.contains("Provider: Ms Olivia Trent"), "{t}");
        let t = csv_to_labeled(
            "Donor,Fund,Amount (GBP)\nMs Harriet Qualtrough,Children's Diabetes Appeal,1000\n",
            1 << 20,
        );
        assert!(t.contains("Contact: Ms Harriet Qualtrough"), "{t}");
        // A drug test's donor is the one tested.
        let t = csv_to_labeled(
            "Donor,Specimen ID,Result\n\"Kaplan, Meredith\",0418031,Negative\n",
            1 << 20,
        );
        assert!(t.contains("Donor: Kaplan, Meredith"), "{t}");
    }
}
