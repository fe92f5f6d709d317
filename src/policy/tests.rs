//! Cross-module tests: the shipped set, TOML validation messages, whole
//! messages through `inspect` (encodings, HTML-only, attachments, subject
//! PHI), and malformed MIME that must never panic.

use super::*;

fn ctx<'a>(rcpts: &'a [String]) -> MessageContext<'a> {
    MessageContext {
        listener: "submission",
        sender: "dr@clinic.example",
        recipients: rcpts,
        auth_user: Some("dr"),
        size: 1000,
        mt_priority: None,
        default_priority: 4,
    }
}

fn check(raw: &[u8]) -> Verdict {
    let r = vec!["p@example.net".to_string()];
    inspect(&PolicySet::builtin(), raw, &ctx(&r))
}

fn errors(src: &str) -> Vec<String> {
    match PolicySet::from_sources(&[("policies/phi.toml".to_string(), src.to_string())]) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn builtin_set_is_valid() {
    let files: Vec<(String, String)> = set::tests_builtin_sources();
    let set = PolicySet::from_sources(&files);
    assert!(set.is_ok(), "{:?}", set.err());
    assert!(
        PolicySet::builtin()
            .rules
            .iter()
            .any(|r| r.id == "phi-identifier")
    );
}

#[test]
fn load_dir_reads_the_shipped_policies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let set = PolicySet::load_dir(&dir);
    assert!(set.is_ok(), "{:?}", set.err());
}

#[test]
fn toml_errors_name_file_and_key_path() {
    let src = r#"
[[rule]]
id = "a"
protection = "encrypt"
[[rule]]
id = "b"
[[rule]]
id = "c"
protection = "yes"
priority = 12
detectors = [{ type = "sssn" }, { type = "ssn", confidence = "max", where = ["footer"] }]
reject = { code = 250, enhanced = "4.7.1" }
frobnicate = 1
[[rule]]
protection = "tls"
[[rule]]
id = "a"
add_headers = { "Bad Name" = "x" }
"#;
    let e = errors(src);
    let want = [
        r#"policies/phi.toml: rule[2].protection: expected "none", "tls" or "encrypt", got "yes""#,
        "policies/phi.toml: rule[2].priority: expected an integer from 0 to 9, got 12",
        r#"policies/phi.toml: rule[2].detectors[0].type: unknown detector "sssn" (known: ssn, itin, mrn, dob, icd10, npi, dea, mbi, member_id, credit_card, bank_account, health, phone, email, address, ip, name, unscannable)"#,
        r#"policies/phi.toml: rule[2].detectors[1].confidence: expected "low", "medium" or "high", got "max""#,
        r#"policies/phi.toml: rule[2].detectors[1].where[0]: expected "subject", "header", "body" or "attachment", got "footer""#,
        "policies/phi.toml: rule[2].reject.code: expected an integer from 400 to 599, got 250",
        "policies/phi.toml: rule[2].frobnicate: unknown key",
        "policies/phi.toml: rule[3].id: missing required key",
        "policies/phi.toml: rule[4].add_headers.Bad Name: invalid header name",
    ];
    for w in want {
        assert!(e.iter().any(|x| x == w), "missing {w}\n got {e:#?}");
    }
}

#[test]
fn duplicate_ids_and_syntax_errors() {
    let e = errors("[[rule]]\nid = \"a\"\n[[rule]]\nid = \"a\"\n");
    assert_eq!(
        e,
        vec![
            r#"policies/phi.toml: rule[1].id: duplicate rule id "a" (first defined in policies/phi.toml)"#
        ]
    );
    let e = errors("[[rule]\nid = 1");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("policies/phi.toml: TOML syntax error at line 1, column"),
        "{e:?}"
    );
    let e = errors("[[rule]]\nid = \"x\"\nreject = { code = 550, enhanced = \"4.7.1\" }\n");
    assert_eq!(
        e,
        vec![
            r#"policies/phi.toml: rule[0].reject.enhanced: expected "5.X.Y" matching code 550, got "4.7.1""#
        ]
    );
    let e = errors("[detectors.mrn]\npatterns = [\"(\"]\n");
    assert!(
        e[0].starts_with("policies/phi.toml: detectors.mrn.patterns[0]: invalid regex"),
        "{e:?}"
    );
}

#[test]
fn phi_message_is_encrypted_and_json_has_no_values() {
    let raw = b"From: a@clinic.example\r\nTo: p@example.net\r\nSubject: Intake\r\n\r\nName: Jane Roe\r\nSocial Security No. 824 66 7795\r\n";
    let v = check(raw);
    assert_eq!(v.protection, Protection::Encrypt);
    let j = v.to_json().to_string();
    assert!(!j.contains("7795") && !j.contains("824"), "{j}");
    assert!(!format!("{v:?}").contains("7795"));
}

#[test]
fn subject_phi_gets_neutral_subject() {
    let raw = b"Subject: Jane Roe DOB 03/03/1961 - HIV disease\r\n\r\nSee subject.\r\n";
    let v = check(raw);
    assert_eq!(v.protection, Protection::Encrypt);
    assert_eq!(v.subject_rewrite.as_deref(), Some("Secure message"));
    let out = apply_rewrites(raw, &v);
    let s = String::from_utf8_lossy(&out);
    assert!(!s.contains("1961 - HIV"), "{s}");
    assert!(s.contains("Subject: Secure message"));
}

#[test]
fn encodings_html_only_and_attachments_are_scanned() {
    // base64 text/plain
    let raw = b"Subject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nRE9COiBNYXJjaCAzLCAxOTYxCk1STjogNTE5MzA4NTQ=\r\n";
    assert_eq!(check(raw).protection, Protection::Encrypt);
    // HTML-only, quoted-printable, table layout
    let raw = b"Subject: x\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<table><tr><td>Member ID</td><td>H228=\r\n5560420</td></tr></table>\r\n";
    assert_eq!(check(raw).protection, Protection::Encrypt);
    // CSV attachment with a header row
    let raw = b"Subject: list\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: text/csv; name=p.csv\r\nContent-Disposition: attachment; filename=p.csv\r\n\r\nname,date of birth,mrn\r\nJane,1961-03-03,51930854\r\n--b--\r\n";
    let v = check(raw);
    assert_eq!(v.protection, Protection::Encrypt);
    assert!(
        v.findings
            .iter()
            .any(|f| f.location == Location::Attachment)
    );
}

#[test]
fn negatives_stay_unencrypted() {
    for raw in [
        &b"Subject: Order confirmation\r\n\r\nThanks for your order #376-85-5983. Call (221) 415-4068.\r\n"[..],
        b"Subject: Ticket 56854 resolved\r\n\r\nYour ticket about printer E11 error (model I10-817) is resolved. Server 10.159.17.10 was restarted.\r\n",
        b"Subject: Monthly wellness newsletter\r\n\r\nThis month: living well with essential (primary) hypertension. Questions? Call 415-253-8700.\r\n",
    ] {
        assert_ne!(check(raw).protection, Protection::Encrypt, "{}", String::from_utf8_lossy(raw));
    }
}

#[test]
fn a_text_to_a_mobile_number_about_care_is_phi() {
    // The envelope holds the one mobile recipient the To header names.
    let mobile = vec!["555-0122@sms-gateway.example".to_string()];
    let check = |raw: &[u8]| inspect(&PolicySet::builtin(), raw, &ctx(&mobile));
    let reminder = b"To: 555-0122@sms-gateway.example\r\nSubject: Appt reminder\r\n\r\nLakeshore Health: DIEGO, reminder for your colonoscopy Thu 12/10 7:30AM. Start prep 6PM tonight.\r\n";
    let v = check(reminder);
    assert_eq!(v.protection, Protection::Encrypt);
    assert!(
        v.rules.iter().any(|r| r == "phi-health-to-a-mobile"),
        "{:?}",
        v.rules
    );
    let greeted = b"To: 555-0122@sms-gateway.example\r\nSubject: Appt\r\n\r\nDear Diego, colonoscopy Thu 12/10 7:30AM at Lakeshore Endoscopy.\r\n";
    assert_eq!(check(greeted).protection, Protection::Encrypt);
    for raw in [
        // A club's notice to a parent's mobile: a figure of speech.
        &b"To: 555-0183@sms-gateway.example\r\nSubject: Matches off\r\n\r\nALL matches OFF Sat - the main pitch is in intensive care! Training Tue as normal.\r\n"[..],
        // A school's notice to a parent speaks of no one's care.
        b"To: 555-0122@sms-gateway.example\r\nSubject: School closed\r\n\r\nWestfield Elementary is CLOSED tomorrow (boiler repair). Classes resume Monday.\r\n",
        // The same reminder to an office's fax gateway is no one's mobile.
        b"To: 5550188000@fax-gateway.example\r\nSubject: Appt\r\n\r\nreminder for your colonoscopy Thu 12/10 7:30AM.\r\n",
    ] {
        assert_ne!(check(raw).protection, Protection::Encrypt, "{}", String::from_utf8_lossy(raw));
    }
}

#[test]
fn an_attached_messages_writer_heads_its_text() {
    // A list digest's post, attached as message/rfc822: its writer tells
    // of her own care under the list's outer header.
    let digest = |from: &str, body: &str| {
        format!(
            "From: circle-request@lists.example\r\nTo: circle@lists.example\r\nSubject: circle Digest, Vol 3, Issue 41\r\nMIME-Version: 1.0\r\nContent-Type: multipart/digest; boundary=\"d\"\r\n\r\n--d\r\nContent-Type: message/rfc822\r\n\r\nFrom: {from}\r\nSubject: Day 12\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--d--\r\n"
        )
    };
    let own = "Day 12 since I walked out of the detox unit. My GP started me on acamprosate yesterday, two tablets three times a day.";
    let raw = digest("Corey Mahoney <corey.m@mailbox.example>", own);
    assert_eq!(
        check(raw.as_bytes()).protection,
        Protection::Encrypt,
        "{raw}"
    );
    // The same words with no writer's address, and a vendor's attached
    // price offer, stay as they were.
    let raw = digest(
        "circle-bounces@lists.example",
        "Meeting link has changed; see the members' area.",
    );
    assert_ne!(
        check(raw.as_bytes()).protection,
        Protection::Encrypt,
        "{raw}"
    );
    let offer = "Dear colleague,\r\n\r\nplease find our 2025 contract pricing for the adalimumab biosimilar (40 mg/0.4 mL) attached. Volume tiers apply from 200 units per quarter.\r\n\r\nCarys Whitlow\r\nKey Account Manager";
    let raw = digest("Carys Whitlow <c.whitlow@alderbrook-bio.example>", offer);
    assert_ne!(
        check(raw.as_bytes()).protection,
        Protection::Encrypt,
        "{raw}"
    );
}

#[test]
fn a_general_question_between_colleagues_names_no_patient() {
    let raw = b"From: Mariam Haddad <mariam.haddad@westvale.example>\r\nTo: oliver.bramley@westvale.example\r\nSubject: Re: metoprolol + verapamil?\r\n\r\nHi Ollie,\r\n\r\nAvoid it: never give IV verapamil to someone on a beta-blocker - bradycardia, AV block. Usually at low doses (e.g. metoprolol 25 mg BD with verapamil 40 mg TDS).\r\n\r\nMariam\r\n\r\nOn Wed, 13 Jan 2027 at 17:02, Ollie Bramley <oliver.bramley@westvale.example> wrote:\r\n> Hi Mariam,\r\n> Random one from teaching today, not about a particular patient - can you give metoprolol with verapamil?\r\n";
    assert_ne!(check(raw).protection, Protection::Encrypt);
    // A record number says it is about someone after all.
    let raw = b"Subject: Re: metoprolol + verapamil?\r\n\r\nHi Ollie,\r\nNot about a particular patient, but Mrs Okafor (MRN 40718822) is on metoprolol 25 mg BD.\r\n";
    assert_eq!(check(raw).protection, Protection::Encrypt);
}

#[test]
fn a_training_case_or_news_body_speaks_for_its_subject() {
    for raw in [
        &b"Subject: Sim prep: \"Mr. Harold Testwell\" - DKA scenario\r\n\r\n*** FICTIONAL PATIENT - FOR SIMULATION TRAINING ONLY ***\r\nThursday's sim is a DKA case: type 1 diabetes, missed insulin doses.\r\n"[..],
        b"Subject: Fwd: BREAKING: Marcus Vellaine reveals cancer battle\r\n\r\nBREAKING: Pop star Marcus Vellaine revealed on his podcast that he had chemotherapy for lymphoma.\r\nRead more >> starwire.example\r\n",
    ] {
        assert_ne!(check(raw).protection, Protection::Encrypt, "{}", String::from_utf8_lossy(raw));
    }
    // The same subject over a real patient's note stays PHI.
    let raw = b"Subject: Mr. Harold Testwell - DKA\r\n\r\nHarold Testwell was admitted overnight in DKA, glucose 612, insulin drip started.\r\n";
    assert_eq!(check(raw).protection, Protection::Encrypt);
}

#[test]
fn a_synthetic_data_body_speaks_for_its_attachment() {
    let bundle = "{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"Kub432\", \"given\": [\"Ana12\"]}],\r\n \"birthDate\": \"1961-03-07\", \"ssn\": \"999-71-2744\", \"condition\": \"Diabetes mellitus type 2\"}\r\n";
    let msg = |body: &str| {
        format!(
            "Subject: bundle\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{body}\r\n--b\r\nContent-Type: application/json; name=bundle.json\r\nContent-Disposition: attachment; filename=bundle.json\r\n\r\n{bundle}--b--\r\n"
        )
    };
    let synthetic = msg(
        "We generated 5,000 synthetic patients with Synthea; one bundle attached. None of this is real data.",
    );
    assert_ne!(check(synthetic.as_bytes()).protection, Protection::Encrypt);
    // The same attachment under an ordinary body is a patient's record.
    let real = msg("Bundle for the transfer attached.");
    assert_eq!(check(real.as_bytes()).protection, Protection::Encrypt);
    // A real chart under a body that speaks of a training system keeps
    // its findings: it shows no generator's marks.
    let chart = "Content-Type: text/plain; name=chart.txt\r\nContent-Disposition: attachment; filename=chart.txt\r\n\r\nPatient: Maria Alvarez\r\nDOB: 03/07/1961\r\nMRN: 4410023\r\nAllergies: penicillin\r\n";
    let raw = format!(
        "Subject: chart\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYou entered this in the training EHR by mistake; synthetic patients only there. The real chart is attached.\r\n--b\r\n{chart}--b--\r\n"
    );
    assert_eq!(check(raw.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn a_body_that_says_names_are_changed_speaks_for_its_case_study() {
    let msg = |body: &str, att: &str| {
        format!(
            "Subject: report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{body}\r\n--b\r\nContent-Type: text/plain; name=case.txt\r\nContent-Disposition: attachment; filename=case.txt\r\n\r\n{att}\r\n--b--\r\n"
        )
    };
    let case = "Case study - weekly befriending\r\nMrs Margaret Hale, 84, has dementia and was admitted to hospital after a fall in March.";
    let changed = msg(
        "Please find attached one of our case studies. As with all our case studies, names and identifying details have been changed.",
        case,
    );
    assert_ne!(check(changed.as_bytes()).protection, Protection::Encrypt);
    // The same case study under an ordinary body is a client's.
    let real = msg("Please find attached the notes for the review.", case);
    assert_eq!(check(real.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn exercises_specimens_test_logs_and_spec_examples_are_nobody() {
    let attached = |body: &str, name: &str, att: &str| {
        format!(
            "Subject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{body}\r\n--b\r\nContent-Type: text/plain; name={name}\r\nContent-Disposition: attachment; filename={name}\r\n\r\n{att}\r\n--b--\r\n"
        )
    };
    for raw in [
        attached(
            "Module 2 attached; every page is marked EXERCISE.",
            "sitman.txt",
            "*** EXERCISE EXERCISE EXERCISE ***\r\nAll names, dates and details in this document are fictitious.\r\nThe ED reports a suspected measles case: Patient EX-01, Maria Lopez, 19-year-old, fever and rash, DOB 03/04/2005.",
        ),
        attached(
            "Here is the sample action plan for Thursday's training.",
            "plan.txt",
            "SPECIMEN - FOR TRAINING ONLY - NOT A REAL STUDENT\r\nName: Maria Lopez   D.O.B.: 01/01/2000\r\nAllergy to: peanut; asthma; epinephrine 0.3 mg IM",
        ),
        attached(
            "The job log is attached.",
            "job.log",
            "PatientMatcherTest > fuzzyMatchOnBirthDate() FAILED\r\n    org.opentest4j.AssertionFailedError: expected: <1985-02-14>\r\n    fixture: Patient{family='Lopez', given='Maria', birthDate='1985-02-14', mrn='4410023'}",
        ),
        attached(
            "Nightly run against the published FHIR example resources (Patient/example).",
            "patient.json",
            "{\"resourceType\": \"Patient\", \"id\": \"example\", \"name\": [{\"family\": \"Chalmers\", \"given\": [\"Peter\"]}], \"birthDate\": \"1974-12-25\"}",
        ),
    ] {
        assert_ne!(
            check(raw.as_bytes()).protection,
            Protection::Encrypt,
            "{raw}"
        );
    }
    // A real chart under an ordinary body stays PHI.
    let raw = attached(
        "Chart attached.",
        "chart.txt",
        "Name: Maria Lopez   D.O.B.: 01/01/2000\r\nAllergy to: peanut; asthma; epinephrine 0.3 mg IM",
    );
    assert_eq!(check(raw.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn priority_tags_and_forcing_tags() {
    let raw = b"Subject: [secure] [priority:9] Hello\r\nX-Priority: 5\r\n\r\nhi\r\n";
    let v = check(raw);
    assert_eq!(v.priority, 9);
    assert_eq!(v.protection, Protection::Encrypt);
    assert!(v.rules.contains(&"forced-encrypt".to_string()));
    let out = apply_rewrites(raw, &v);
    assert!(String::from_utf8_lossy(&out).contains("Subject: Hello\r\n"));
}

#[test]
fn rules_reject_hold_and_envelope_conditions() {
    let src = r#"
[[rule]]
id = "big-external"
min_size = 900
recipient_domains = ["example.net"]
hold = true
raise_priority = 6
[[rule]]
id = "ssn-to-partner"
detectors = [{ type = "ssn", confidence = "high" }]
sender_domains = ["clinic.example"]
reject = { code = 550, enhanced = "5.7.1", text = "SSN not allowed" }
[[rule]]
id = "never"
priority = 0
"#;
    let set = PolicySet::from_sources(&[("p.toml".into(), src.into())]).unwrap_or_default();
    let r = vec!["x@mail.example.net".to_string()];
    let v = inspect(&set, b"Subject: a\r\n\r\nSSN 824-66-7795\r\n", &ctx(&r));
    assert_eq!(
        v.rules,
        vec!["big-external".to_string(), "ssn-to-partner".to_string()]
    );
    assert!(matches!(v.action, Action::Reject { code: 550, .. }));
    assert_eq!(v.priority, 6);
}

#[test]
fn malformed_mime_never_panics() {
    let set = PolicySet::builtin();
    let r = vec!["p@example.net".to_string()];
    let c = ctx(&r);
    // Deep multipart nesting.
    let mut deep = Vec::new();
    for i in 0..3000 {
        deep.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n").as_bytes(),
        );
    }
    deep.extend_from_slice(b"Content-Type: text/plain\r\n\r\nSSN 824-66-7795\r\n");
    let _ = inspect(&set, &deep, &c);
    // Thousands of parts.
    let mut many = b"Subject: m\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n".to_vec();
    for _ in 0..5000 {
        many.extend_from_slice(b"--z\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
    }
    let v = inspect(&set, &many, &c);
    assert!(v.truncated);
    // Deep message/rfc822 nesting.
    let mut nested = Vec::new();
    for _ in 0..200 {
        nested.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
    }
    nested.extend_from_slice(b"Subject: in\r\n\r\nbody\r\n");
    let _ = inspect(&set, &nested, &c);
    // Broken base64, bad charset, binary garbage, empty input.
    let _ = inspect(&set, b"Content-Transfer-Encoding: base64\r\nContent-Type: text/plain; charset=x-nope\r\n\r\n@@@!!!====\r\n", &c);
    let garbage: Vec<u8> = (0..20000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let _ = inspect(&set, &garbage, &c);
    let _ = inspect(&set, b"", &c);
    let _ = inspect(&set, b"\r\n\r\n--\r\n", &c);
}

#[test]
fn large_message_scans_in_linear_time() {
    let mut raw = b"Subject: big\r\n\r\n".to_vec();
    let line =
        b"SSN 824-66-7795 Dx: E11.9 DOB 03/03/1961 order 123-45-6789 4111 1111 1111 1111\r\n";
    while raw.len() < 4 << 20 {
        raw.extend_from_slice(line);
    }
    raw.extend(std::iter::repeat_n(b'9', 1 << 20));
    let v = check(&raw);
    assert_eq!(v.protection, Protection::Encrypt);
}

#[test]
fn a_rule_can_restrict_the_protection_methods() {
    let src = r#"
[[rule]]
id = "partner-smime"
detectors = [{ type = "ssn" }]
protection = "encrypt"
methods = ["smime", "portal"]
"#;
    let set = PolicySet::from_sources(&[("p.toml".into(), src.into())]).expect("valid");
    let r = vec!["x@partner.example".to_string()];
    let v = inspect(&set, b"Subject: a\r\n\r\nSSN 824-66-7795\r\n", &ctx(&r));
    assert_eq!(v.methods, ["smime", "portal"]);
    assert_eq!(
        v.to_json()["methods"],
        serde_json::json!(["smime", "portal"])
    );
    let plain = inspect(&set, b"Subject: a\r\n\r\nhello\r\n", &ctx(&r));
    assert!(plain.methods.is_empty() && plain.to_json().get("methods").is_none());

    let errs = errors("[[rule]]\nid = \"m\"\nmethods = [\"pgp\", \"carrier-pigeon\"]\n");
    assert!(
        errs.iter()
            .any(|e| e.contains("rule[0].methods[1]") && e.contains("carrier-pigeon")),
        "{errs:?}"
    );
}

fn protection_of(body: &str) -> Protection {
    let raw =
        format!("From: a@clinic.example\r\nTo: b@x.example\r\nSubject: note\r\n\r\n{body}\r\n");
    check(raw.as_bytes()).protection
}

#[test]
fn tables_judge_cells_under_phi_headers() {
    for body in [
        "pt_name,birth_date,icd10\r\nAna Ruiz,9/15/82,E11.9\r\nJon Park,11 Oct 1977,I10",
        "Patient\tDOB\tDx\r\nAna Ruiz\t1977-10-11\tbreast cancer",
        "Last;First;MRN\r\nRuiz;Ana;00482913\r\nPark;Jon;4410023",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    let html = "From: a@clinic.example\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n<table><tr><th>Name</th><th>D.O.B.</th></tr><tr><td>Ana Ruiz</td><td>03/03/1961</td></tr></table>";
    assert_eq!(check(html.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn patients_named_with_health_facts_are_phi_and_others_are_not() {
    for body in [
        "Maria Haddad's biopsy came back positive.",
        "Dear Maria Haddad,\r\nThis is a reminder of your appointment on Tuesday at the Riverside Oncology Clinic.",
        "FYI Mr. Okafor started lisinopril 10 mg for hypertension.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        "Dr. Maria Haddad will present advances in breast cancer care at the summit. Register now.",
        "Maria Haddad will cover the front desk on Monday.\r\n\r\nThanks,\r\nJon Park\r\nScheduling",
        "Thanks for registering for the Diabetes Care Conference! Confirmation: 524-71-3382. Badge 4471-2290-1187.",
        "Health Matters newsletter: thousands are diagnosed with asthma each year. Call 415-555-0142. Unsubscribe.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_eighteen_shapes_are_judged() {
    for body in [
        // A header cell that names a year is still a header.
        "MRN\tLast\tFirst\tDOB\tInjuries (AIS 2005)\r\n00588102\tSzabo\tDorottya\t1988-04-30\tL femur shaft fx (3)",
        // A form of label and value pairs over a chart number.
        "Patient\tAna Ruiz\tSex\tF\r\nAge\t63\t住院号\tZY20240311087\r\nDiagnosis\tNSTEMI\tBed\t12",
        // A caller, kin, a room: first names near a health fact.
        "hope called again about her enbrel, her ra is flaring pretty bad since tues",
        "hi - this is ivy moon, ezekiel's daughter. the wound center said his heel ulcer is infected",
        "can someone peek at june in 14b? she's been nauseous since the cisplatin this am",
        // A returned subject's name after a house-number check that fails.
        "1 stat: PHAM, LINH acc# 24-GH-33019 CBC/CMP + lactate, on ice",
        // Birth in Polish and Spanish.
        "piszę w imieniu ojca, Zbigniewa Kowalczyka (ur. 12.01.1944), ma cukrzycę typu 2",
        "Soy Guadalupe Ríos Ochoa, nací el 12/09/1975, mi hemoglobina glicosilada salió 7,9 %",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // MedDRA's preferred term is no patient.
        "dsmb_id\tage_band\tsoc\tpt\tserious\r\nDSMB-0007\t60-69\tGastrointestinal disorders\tPancreatitis acute\tY",
        // A pet with no practice named.
        "Biscuit (our 9-yr-old beagle) needs his phenobarbital 64.8 mg refill, he's been seizure-free since March.\r\n\r\nThanks,\r\nMarta Lindqvist",
        // A company's address on a recall form.
        "Metformin HCl ER 500 mg recall. Halvorsen Pharma US, 400 Commerce Way, Princeton NJ. Not directed to consumers.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_eighteen_misfires_stay_fixed() {
    for body in [
        // A lab test is no labrador: a person's own mail stays a person's.
        "Hi Dr. Patel, this is Rosa Martinez. my 3 month lab came back, A1c 8.2, should I raise the metformin?",
        // A data row whose cells only contain a label's word keeps its header.
        "Patient\tWard\tDOB\tDx\r\nCardoso\t4B\t03/02/1950\tCHF, on meds",
        // A ward before a surname is no street.
        "Bed board: 4 West MARTINEZ, ROSA - new CHF exacerbation, on lasix drip",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // `мать` inside `принимать` is no mother.
        "Как правильно принимать Метформин Тева: советы читателям журнала о диабете.",
        // A school's policy is nobody's care.
        "Reminder from Principal Dana Whitfield: the school's nut allergy policy applies to all classroom parties.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_nineteen_shapes_are_judged() {
    for body in [
        // A first name's possessive before its condition, even a word.
        "hi coach - river's asthma has been acting up since the weekend, he's on the steroid inhaler now",
        "pic of Sky's eczema patches attached, worse even with the triamcinolone",
        // A lower-case self-introduction with the writer's own care.
        "hi its jade pham, i have the 3 month check for the depo shot on thursday but i have a game",
        // Initials before a birth date.
        "RE: K.T. 11/02/24 - newborn hearing screen refer R ear, diagnostic ABR next week",
        // A possessive at the text's start or after `that`.
        "Mia's asthma has been acting up since Sunday, she's on albuterol every 4 hours now.",
        "I wanted to let you know that Mia's asthma has been acting up; she's on albuterol every 4 hours.",
        // A real case that says it is no hypothetical one.
        "This is not a hypothetical case: Maria Lopez was diagnosed with breast cancer last week and started chemo.",
        // Québec's user and file number.
        "Usager : LEFEBVRE, Hélène          No de dossier : 0441278\nLa note de départ mentionne une insuffisance rénale aiguë.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A placement schedule's students are trainees.
        "Student\tStudent ID\tProgram\tSite\tClinical instructor\r\nAaliyah Brooks\tS2291044\tDPT-2\tRiverbend PT, outpatient ortho\tLena Marsh",
        // An eponym and a thing's possessive are nobody's.
        "Addison's disease and Graves' disease are covered in Thursday's endocrine lecture.",
        "The ward's diabetes audit runs on Tuesday; bring the insulin charts.",
        // A hypothetical case for coders, a role mailbox.
        "Scenario (hypothetical): a 67-year-old man presents with cough, fever 39.1 and a lactate of 2.8. Can we code A41.9? Questions: codingeducation@tamarackhealth.example",
        // An eponym, a city's rates, a checker's initials, a claim (no
        // `im`), a referring clinician's phone, a loan's file number.
        "We reviewed Morton's neuroma and plantar fasciitis at grand rounds today.",
        "FYI Charlotte's diabetes prevalence rose again this year.",
        "Checked by R.T. 03/14/2024 - insulin glargine lot verified",
        "hi this is jade pham, the claim for the insulin pump was approved today.",
        "Referral for knee MRI. Referring Amy Chen (555) 201-3344, fax attached.",
        "Bonjour, votre numéro de dossier : 0441278. Votre demande de prêt hypothécaire est en cours.",
        // A staff schedule's teaching block, a vendor's contact person.
        "Reminders:\n- Lucia's diabetes-ed block moves from Tuesday to Wednesday starting 4/2.\n- Dr. Ames is at CME on 4/7.",
        "ご担当者様\n血圧計のお見積りをお送りします。上腕式血圧計 HBP-200 単価 12,000円",
        // A wing after a number is no surname.
        "Ship to: Tallowmere General Hospital - Labor & Delivery, 4 North, Dock 2. Fetal monitor, dual US + toco.",
        // The pregnant (妊婦さん) are no one named.
        "両親学級のご案内\n対象：妊娠20週以降の妊婦さんとパートナー\n6月7日（土） 妊娠中の過ごし方",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_shapes_are_judged() {
    for body in [
        // A patient word and a name in Greek, Ukrainian and Hebrew.
        "Η ασθενής σας Ευδοκία Παπαδοπούλου είχε σήμερα αιμοσφαιρίνη 7,2 g/dL.",
        "Пацієнт Богдан Кравчук здав аналіз крові, гемоглобін 91 г/л.",
        "המטופלת רותם לוי-אברהם: המוגלובין 8.1, מומלץ לחזור לבדיקה.",
        // Czech and Italian patient words, a Czech birth date.
        "Posíláme výsledek: pacientka Jana Novotná, nar. 12.08.1961, karcinom prsu potvrzen.",
        "Referto per la sig.ra Chiara Fontana: steatosi epatica lieve, colelitiasi.",
        // Turkish initials with a birth date.
        "hasta M.K., d.t. 02.11.1969; beyin MR: multipl skleroz ile uyumlu lezyonlar.",
        // A case list's age and sex at the line's end.
        "Case 2 - Tobias Whitcombe, 63M\nRight lower lobe mass, core biopsy: adenocarcinoma",
        // Review: an honorific after a slash, a person's zoonosis in a
        // veterinary laboratory's mail.
        "Dr. Lee/Mrs. Okafor biopsy results attached; breast cancer confirmed.",
        "Samples from the state veterinary laboratory: the dog tested positive for rabies; patient Jane Doe started PEP.",
        // A ward's handover, a transfer's lab value.
        "交班\n5床 李秀英，女，81岁，社区获得性肺炎，头孢曲松静滴中。",
        "Ingrid Halvorsen kan flyttas till avd 14 i eftermiddag, troponin 95 ng/L och sjunkande.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A veterinary laboratory's patient is an animal.
        "Patient: Pepper   Species: feline\nOwner: Castellanos\nT4 6.1 ug/dL, consistent with hyperthyroidism; start methimazole 2.5 mg.\nHarborview Veterinary Diagnostics",
        // A method's letters are no honorific.
        "Client Update\n25-OH vitamin D moves to LC-MS/MS  Starting April 8. Expect results roughly 4% lower on average; reference ranges unchanged.\nFaster thrombophilia panel  Turnaround drops from 7 to 4 business days.",
        // Review: a card, an interest group, a leaflet's patient, an
        // agenda's minutes.
        "Please link your PAN Card to the claim for your diabetes medication reimbursement.",
        "Nursing Informatics SIG Meeting next Tuesday: diabetes order sets and insulin drips.",
        "המטופל מתבקש להגיע בצום, לבדיקת דם ולבדיקת המוגלובין.",
        "Grand rounds agenda:\nSepsis bundle review - Maria Lopez 20m\nDiabetes pump update - Tom Becker 15m\nQ&A 10m",
        // A role noun before an honorific names no one.
        "検査室 品質管理担当者 様\n\n外部精度管理の結果をお送りします。\n試料 B-04　HbA1c　貴施設 7.9 %　目標値 8.1　評価 B\n本試料は患者検体ではありません。",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
    // Synthetic test patients, said so in the body and marked in the file.
    let raw = "From: lis@lab.example\r\nTo: it@lab.example\r\nSubject: validation patients\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSynthetic validation patients for the interface run; none exist in production.\r\n--b\r\nContent-Type: text/csv; name=zz.csv\r\nContent-Disposition: attachment; filename=zz.csv\r\n\r\nlast,first,dob,mrn,test\r\nZZTEST,ECHO,01/01/1900,TST000105,Potassium 6.8\r\nZZTEST,FOXTROT,01/01/1900,TST000106,Glucose 38\r\n--b--\r\n";
    assert_ne!(check(raw.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn session_twenty_one_shapes_are_judged() {
    for body in [
        // A relative's name in brackets after the relation word, in
        // several scripts.
        "Abuela (Remedios) salió del hospital: neumonía, sigue con amoxicilina.",
        "Opa (Heinrich) hatte einen Schlaganfall und liegt auf der Stroke Unit.",
        "爸爸（李建国）今天住院了，医生说是肺炎。",
        "할머니(박순자) 병원에서 치매 진단 받으셨어.",
        "Ο παππούς (Γιώργος Νικολάου) έχει διαβήτη και παίρνει ινσουλίνη.",
        // A listed first name after a relation word in lower case.
        "nonna Lucia ha l'INR a 3,8, il Coumadin va ridotto.",
        // Turkish kin, a Greek honorific, a Spanish greeting by one name.
        "Annem Hatice Demir'e geçen hafta koroner stent takıldı.",
        "Αγαπητή κα Σταματοπούλου, το ραντεβού σας για έλεγχο της αντλίας ινσουλίνης είναι την Τρίτη.",
        "Sr. Anselmo, bom dia.\n\nO nódulo diminuiu depois da carboplatina.",
        // A Czech birth date written with blanks.
        "Pacient Jan Horák, datum narození 3. 4. 1958, bazaliom na zádech.",
        // A story told after the name.
        "Bumped into Philippa Greenhalgh at the pharmacy. She's halfway through chemo for lymphoma.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A role greeted names no one.
        "Dear Healthcare Professional,\n\nA battery cap of the insulin pump may crack; please inform users.",
        "Dear Pharmacy Provider,\n\nMetformin 500 mg is back in stock.",
        // The Pope is no one's grandfather.
        "papa Francesco ha incontrato i malati di diabete all'ospedale.",
        // `Sr.` is Senior before a role.
        "Sr. Director,\n\nThe diabetes program budget is attached.",
        // Review: has/had before a topic or a participle, a saint's
        // name, a recipe's grandmother, a role greeted, a train taken.
        "Marco Rossi ha presentato il libro sul diabete in biblioteca.",
        "Invitamos a Pedro Sánchez a la charla sobre diabetes del jueves en el centro cívico.",
        "L'ospedale San Giovanni di Dio ha aperto il nuovo reparto di oncologia.",
        "La nonna Carmela ha la ricetta del tiramisù senza zucchero, perfetta per chi ha il diabete.",
        "Sr. Gerente:\n\nLe enviamos el catálogo de glucómetros y tiras de insulina.",
        "domani prendo il treno delle 8 per il convegno sul diabete a Milano.\n\nSaluti,\nGiulia Bianchi",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_two_shapes_are_judged() {
    for body in [
        // The writer names themself, then tells of their own care.
        "Hello, my name is Jana Dvorak and I have had tinnitus in my right ear for six months.",
        "my name's Jana Dvorak and I have glaucoma in my left eye.",
        "Hola, me llamo Lucía Benítez y soy diabética desde 2019.",
        "Je m’appelle Hugo Lefebvre et je suis diabétique depuis 2019.",
        "Guten Tag, mein Name ist Anna Weber und meine Angststörung ist schlimmer geworden.",
        // Eye care in Italian.
        "Gentile Giulia Bernardi, le ricordiamo il controllo dopo l'intervento LASIK di oggi.",
        // A Chinese letter opening on the patient's name and a greeting.
        "周美玲您好：您的牙齿矫正复诊时间为7月6日。",
        // Review: `runs out` is no charity run, an insurer's cancer benefit
        // is a member's; a veterinary nurse is a patient too.
        "Tom Hill's insulin runs out on Friday.",
        "Dear Maria Haddad,\n\nYour cancer benefit has been approved.",
        "Dear Dr. Lee, I work as a veterinary technician and was diagnosed with asthma last month, probably from cat dander at work. My inhaler isn't helping. Thanks, Maria Lopez",
        // A date of birth under a machine's key.
        "{\"name\": \"Siddharth Venkataraman\", \"dateOfBirth\": \"1970-08-02\", \"conditions\": [\"hyperlipidaemia\"]}",
        "name: Anna Kovacs\nbirth_date: 1981-03-04\ncondition: asthma",
        // A husband writing of his wife in Portuguese (`marido da`).
        "sou marido da Thaís Albuquerque Moura. Ela está com enxaqueca forte há 3 dias.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A self-introduction with no care of one's own, or a trade's.
        "Hi, my name is Jennifer Walsh and I'm the new nurse manager. I have a diabetes education class on Friday.",
        "Hola, me llamo Lucía Benítez y tengo clase de diabetes el lunes en la universidad.",
        "Ich heiße Anna Weber und arbeite als Hörgeräteakustikerin; wir haben neue Hörgeräte im Angebot.",
        "Quick intro: my name is Laura Chen and my hearing aid store opened last month.",
        "Me llamo Carlos Méndez y tengo audífonos recargables nuevos en catálogo para su centro.",
        // Supplies and courses for the trade.
        "Dear Dr. Mbeki, our new molar bands and crown preparation burs are in stock.",
        "The CE course on hearing aids and tinnitus management runs on 12 May; Elin Sjöberg will present.",
        "Dear Mr. Jonas Berg, Your order of 20 hearing aid batteries (size 312) has shipped.",
        "Jessica Lin had a molar concentration of 0.5 in the buffer.",
        // A term that names a cause or an event.
        "My mother Dana Whitfield runs the diabetes charity walk this year.",
        "My dad Bob Marley sang at the cancer benefit concert.",
        // Chinese greetings of a role, or about a lecture.
        "王经理您好，附件是牙齿矫正器的报价单。",
        "林老师您好：下周的糖尿病讲座改到周三。",
        "林总监您好，附件是牙齿矫正托槽的季度销售报表",
        "陈志强您好：感谢您报名参加本周六的焦虑症科普讲座",
        // A newsletter welcoming a colleague: no `Last, First`.
        "WINTER NEWS FROM LAKESIDE FAMILY DENTAL\nWelcome, Priya! Our new hygienist Priya Raman comes to us from the county hospital.\nRemember to replace your toothbrush after a cold or the flu.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_five_shapes_are_judged() {
    for body in [
        // A story that starts treatment; a term after a third-person
        // possessive (across a line break), a hyphenated given name.
        "Hi everyone,\n\nQuick heads-up: Maureen Delacroix asked me to let you know that she's starting chemotherapy next week.",
        "Hej Karin!\n\nLars-Erik Nyström, som vi startade på Enbrel för hans\npsoriasisartrit i april, har svårt att ta sprutorna själv.",
        "Bonjour Docteur,\n\nJe vous écris au sujet de Mme Josette Ribaut, que je vois à domicile pour son ulcère veineux de la jambe gauche.",
        // The reason of an admission; a pain score and a person's local
        // number; a hospital number after a name.
        "Hello,\n\nPlease book transport:\n\nName:       Albert Fenwick\nReason:     Admission for TURP - 2 night stay expected",
        "Day 1 calls done. Only one to flag:\n\nGareth Llewellyn, mobile 555-0142, lap R inguinal hernia repair yesterday. Pain 6/10 despite co-codamol.",
        "Case 1 - Eileen Crossley, NV2290145, 81F\nLaparoscopic converted to open, incarcerated hernia.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A writer's closing block; staff with their roles and
        // credentials; a form's instruction after its label.
        "Colleagues,\n\nThe Q3 specialty price bulletin is attached: insulin aspart pens drop by half; etanercept 50 mg rises 3%.\n\nDerek Yau\nPurchasing & Contracts, Larkspur Specialty Pharmacy",
        "Dear colleagues,\n\nThe basic surgical skills course runs in May. Faculty: Ms Harriet Lowe (consultant plastic surgeon) and Mr Ben Adair (consultant colorectal surgeon) will teach laparoscopic suturing.",
        "Programme:\n\nMr Olumide Adeyemi FRCS will talk on revisional bariatric surgery.",
        "Patients admitted under Mr Patel for hernia repair go to ward 4.",
        "Statement of patient: Please read this form carefully before your surgery.\nSignature: ________  Date: ________",
        // Counts screened for a condition; a board's number in brackets;
        // offices' local numbers; a veterinary surgery.
        "Program officer: Daniel Ferreira, (505) 555-0124\nQuarterly reports: number of adults screened for depression, number referred.",
        "Institutional Review Board (IRB00008821)\nTitle: Nurse-led telephone follow-up after discharge for COPD: a pragmatic pilot",
        "Thanks for lunch. Section 4 (post-op visit split) for cataract care: day 1 at your office.\nQuestions: Core Lab Medical Director, 555-0142. Or call 555-0107 to book a flu shot.",
        "Hi Mrs Fairbanks,\n\nBella's insulin refill is ready for collection.\n\nRiverside Veterinary Surgery",
        // Review: possessives of anyone and of `you`, a room booked for a
        // procedure, a count operated, a staff number, a PhD.
        "Cada paciente y su diabetes son distintos. Controle seu diabetes com a nossa app.",
        "Chaque adhérent peut suivre son diabète en ligne. Pacientes con y sin diabetes.",
        "Theatre 4 is booked for hernia repairs on Tuesday; 96 operated for hernia last year.",
        "New starters: Jordan Blake, E1234567, cardiology; Alan Price, 40012345, Finance;",
        "Priya Nair joins us in October. She is starting her cancer immunology PhD.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_four_shapes_are_judged() {
    for body in [
        // A term of several words wrapped over a line break.
        "Dear Dana,\n\nMrs Edith Larkin has congestive heart\nfailure and needs the district nurse on Monday.",
        // Honorifics in lower case, Turkish `Bey` after a name, Dutch
        // `mevrouw`.
        "Buongiorno,\nla signora Rosa oggi ha la febbre alta e una polmonite.",
        "Hola,\nla sra. Quintana tiene neumonía desde el lunes.",
        "Sayın Ayşe Hanım,\n\nKemal Demir Bey'in ameliyatı yarın saat 9'da.",
        "Dag Sanne,\n\nmevrouw Hendrika Bos (kamer 12) heeft een decubitus aan de hiel.",
        // German my-kin words, a fracture of a bone.
        "Guten Tag,\n\nmein Mann Jürgen Vogel hatte letzte Woche einen Schlaganfall.",
        "Buongiorno,\n\nSua madre, sig.ra Carla Benedetti, ha una frattura del femore.",
        // Other scripts: a patronymic and a heart medicine, a pressure sore.
        "Ирина, добрый вечер.\nНина Сергеевна утром приняла эналаприл, давление 170/95.",
        "田中様\n\n山本キヨ様の褥瘡について報告します。",
        // A DOB label in Romanian.
        "Stimate domn,\n\nData nașterii: 04.11.1979\nVă mulțumesc.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // `pt` in a list of days is Polish Friday; `M.` in a list of
        // initials and a middle initial; an honorific before no name; a
        // welcome to the elderly; a blank line between two words.
        "Grafik:\npon/śr/pt - Agata\nDiety specjalne dla osób z cukrzycą są oznaczone.",
        "Minutes\nPresent: M. Feld (chair), A. Tehrani\nICU staffing and sepsis bundles were discussed.",
        "John M. Smith reviewed the sepsis bundle policy.",
        "Ciao,\nla signora delle pulizie arriva alle 9. Il corso sulla polmonite è domani.",
        "欢迎老人和家属参加健康讲座，主题是高血压。",
        // Review: an office after an honorific, a sentence's end, a unit,
        // a political rift, a Korean notice to all elders, your child.
        "Comunicato: il signor Presidente della Regione ha inaugurato il nuovo reparto di oncologia pediatrica.",
        "Hola a todos, mañana no hay pan. David trae galletas sin azúcar para los compañeros con diabetes.",
        "Average response time is now 250 ms. Daniel found the slow query in the insulin dosing calculator module.",
        "Il premier ha parlato della frattura della maggioranza dopo il voto. La signora Meloni ha risposto che la coalizione resta unita.",
        "모든 어르신 여러분, 치매 예방 교실에 초대합니다.",
        "家长您好：请提醒您的孩子注意饮食，预防流感和肺炎。",
        "hey team, the mr scanner hall is closed for maintenance friday. radiology will use the ct suite.",
        "Dear all,\nthe multiple\n\nsclerosis society meets on Friday.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_three_shapes_are_judged() {
    for body in [
        // Children's illnesses and care words in other languages.
        "Hola Irene:\n\nHugo sigue ingresado por una bronquiolitis; le ponen oxígeno.\n\nUn saludo,\nCarmen",
        "Boa tarde Tiago,\n\no Rafael tem febre e uma otite média; segue a receita de amoxicilina 250 mg.",
        "Hej Emil!\nTilde är diagnostiserad med lunginflammation och har feber.",
        "Cara Giulia,\nSofia è stata ricoverata ieri sera per una polmonite.",
        // A hospital-number column.
        "Child,Hosp no,Ward\r\nTomas Berger,KH7712040,4B\r\nIda Novak,KH7712041,4C",
        "Dear Mrs. Wolters,\n\nyour CT scan is booked for Monday.",
        "Dear Mrs. Wolters,\n\nthe “surgery” you asked about is booked for Monday.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        "Grippe-Impfung: Am Montag bietet der Betriebsarzt Termine an. Fieber? Bitte zu Hause bleiben.",
        "Ciao a tutti, il corso sulla gravidanza e il taglio cesareo si terrà martedì. Relatrice: Dott.ssa Bianchi.",
        "Hola equipo: el importe ha sido ingresado en su cuenta.\nSaludos,\nCarmen Ruiz",
        "Liebe Kolleginnen, das Buch \"Fieber\" von Anna Weber ist erschienen.",
        "Team,Hosp no,Shift\r\nBlue,3,Night\r\nRed,4,Day",
        // `er` inside `weißer` is no emergency room; a passport scan is a copy.
        "Guten Tag Frau Wolters,\n\nbitte ein Foto mit weißer Hintergrund mitbringen.",
        "Guten Tag Frau Wolters,\n\n[ ] Reisepass-Scan (noch mind. 6 Monate gültig)",
        "Dear Mrs. Wolters,\n\nplease send a passport scan and two photos.",
        // Review: a greeting that is also a given name (`Ola`), other
        // senses of the care words, a header that only opens like one.
        "Olá Rita,\n\nAnexo o folheto sobre a febre amarela para a viagem.",
        "Olá Rita,\n\nO Pedro esteve internado na escola militar. Anexo o folheto sobre a febre amarela.",
        "Hola Lucía:\n\nla nómina ya ha sido ingresada. Recuerda que el seguro cubre la baja por embarazo.\n\nUn saludo,\nCarmen Ruiz",
        "Hola Lucía:\n\nJavier ya está dado de alta en la Seguridad Social. Empieza el lunes en el proyecto de la vacuna contra la varicela.\n\nUn saludo,\nCarmen Ruiz",
        "Liebe Petra,\n\nich habe mich verschrieben: der Vortrag über Schwangerschaft und Arbeit ist am Dienstag.\n\nLiebe Grüße\nKatrin Maier",
        "Liebe Eltern,\n\nin der Igelgruppe wurden Windpocken diagnostiziert. Bitte achten Sie auf Fieber.\n\nViele Grüße\nFrau Becker",
        "Hi all,\n\nName,Table,Hospital notified\nAnna Berg,3,yes\nJonas Weber,4,no\n\nThanks,\nKim",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn a_vcard_with_other_scripts_is_read_without_a_panic() {
    let body = "BEGIN:VCARD\r\nFN:Test Person\r\n中中中\r\nEND:VCARD";
    assert_ne!(protection_of(body), Protection::Encrypt);
}

#[test]
fn a_care_homes_falls_log_names_its_residents() {
    let raw = "From: qapi@home.example\r\nTo: don@home.example\r\nSubject: Q3 falls log\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nQ3 falls log attached.\r\n--b\r\nContent-Type: text/csv; name=falls.csv\r\nContent-Disposition: attachment; filename=falls.csv\r\n\r\nDate,Resident,Unit,Witnessed,Injury,Follow-up\r\n07/04/2025,Summer Okonkwo,AL-2,N,none,toileting schedule\r\n07/19/2025,Bill Jankowski,MC-1,Y,nasal bone fracture,ED visit\r\n--b--\r\n";
    assert_eq!(check(raw.as_bytes()).protection, Protection::Encrypt);
    // A residency's roster names physicians.
    let roster = raw
        .replace(
            "Date,Resident,Unit,Witnessed,Injury,Follow-up",
            "Date,Resident,PGY,Rotation,Procedure,Attending",
        )
        .replace("Q3 falls log", "Case log");
    assert_ne!(check(roster.as_bytes()).protection, Protection::Encrypt);
}

#[test]
fn a_bounces_returned_headers_are_read_as_a_message() {
    let raw = "From: MAILER-DAEMON@mx.example\r\nTo: a@clinic.example\r\nSubject: Mail delivery failed\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: a@clinic.example\r\nTo: dr.amadi@path.example\r\nSubject: Path report: Okonkwo, Chidi 03/14/1961 - prostate bx 12 cores,\r\n please call re Gleason\r\n--b--\r\n";
    let v = check(raw.as_bytes());
    assert_eq!(v.protection, Protection::Encrypt);
}

#[test]
fn session_twenty_six_shapes_are_judged() {
    for body in [
        // National numbers after their label, with a health word in the
        // language of each: Swedish, Hungarian.
        "Hej,\n\nPersonnummer: 19521104-2381\nDiagnos: diabetes typ 2, insulin sedan mars.",
        "Kedves Doktor Úr!\n\nTAJ-szám: 123 456 788\nA beteg cukorbetegség miatt kezelés alatt áll.",
        // A surname in capitals with a record after it; a script term
        // wrapped at a line break; a Nordic personal number after a name.
        "MDT list 14/05\n\nMargaret HOLLOWAY, 67 - RXH 4482910 - core biopsy: ductal carcinoma, ER positive.",
        "Добрий день!\n\nМоя мама Олена Петрівна Ковальчук має тривожний\nрозлад, вона погано спить.",
        "Hej!\n\nIngrid Sjöberg, 19400312-4826, är inskriven i hemsjukvården efter sin bröstcancer.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A capital word after a given name that is no surname; a Tagalog
        // flyer (its `sa`, its weekday and month); a vet's reminder in
        // Russian; a hotel's form and payroll quoting national numbers
        // with no health word; a vet named by its vaccines and a breed.
        "Join Mark TODAY for the cancer charity bake sale in the lobby!",
        "Magandang araw po!\n\nLibreng bakuna laban sa trangkaso at pulmonya.\nKailan: Sabado, Mayo 17, 8:00 ng umaga\nSaan: Community Center, 35 Mission St., Daly City\nTel (415) 555-0100",
        "Уважаемая Ольга Сергеевна!\n\nВашему коту Барсику пора сделать прививку от бешенства и вакцинацию.\n\nВетеринарная клиника «Пушистик»",
        "Hotel registration: guest DNI 12345678Z, check-in 14 May, room 214.",
        "Hi Jordan,\n\nMax (9-year-old Labrador retriever) is due for his DHPP boosters and his thyroid recheck. Call 555-0107.\n\nYour Prairie Paws team",
        "Personnummer: 19410312-4826 - please update your payroll details by Friday.\n",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_twenty_seven_shapes_are_judged() {
    for body in [
        // An age in brackets after a name; a patient label's Han name
        // with a space; a Japanese era's birth date; a calendar invitation
        // folded inside a word, its veteran's field on an escaped line.
        "Our player Fleur Hoekstra (18, midfield) has had pain in her left shin for two weeks. Our physio suspects a stress fracture.",
        "患者氏名：山田 花子\n診断：子宮筋腫、鉄欠乏性貧血",
        "氏名：山田 花子（昭和60年4月2日生）",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:C&P EXAM\r\nDESCRIPTION:Compensation and Pension examination for claimed bilateral hear\r\n ing loss and tinnitus.\\nVeteran: David A. Okonkwo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        // A guest list whose row tells of a condition; the reader's own
        // care in Portuguese; a Cyrillic letter signed by its writer; a
        // caller spelling their surname.
        "Cabin,Guest,Coach,Special requirements\n5110,Harold Quinn,1,Uses a rollator\n6233,Nadia Haddad,1,Insulin-dependent diabetic - must eat at 12:30\n",
        "Olá Beatriz,\n\no resultado do seu beta-hCG de hoje foi positivo.",
        "Здравствуйте.\nМне 44 года, эректильная дисфункция, принимаю эналаприл.\nАндрей Воронцов",
        "CALLER: Daniel Ferreira, F-E-R-R-E-I-R-A. I ran out of my sertraline on Monday.",
        // A study's free comment on a participant's row; a Russian
        // writer's own complaint a sentence after `Мне`.
        "participant_id\tname\tage\tevent\tcomment\nTRI-004\tGareth Pemberton\t47\tirregular rhythm alert\tpalpitations on the long ride, atrial fibrillation suspected\n",
        "Здравствуйте.\nМне 44 года, последние полгода проблемы с эрекцией (эректильная дисфункция, как написал терапевт).\nАндрей Воронцов",
        // A trial visit's calendar entry; a discharge-planning meeting's
        // patient; a sign-up sheet's `Full name` column (no last name);
        // a Dutch writer's age in years; a rare disease in Spanish.
        "SUMMARY:PMP-301 Visit 4 - Alastair Kerrigan\nDESCRIPTION:Late-onset Pompe disease participant. Muscle biopsy.",
        "SUMMARY:Discharge planning - Tomasz Wisniewski (Ward 4)\nDESCRIPTION:Left MCA stroke, dense right hemiparesis and expressive aphasia.",
        "Full name,Email,Condition\nHarriet Mwangi,h.mwangi@mailbox.example,Hereditary angioedema type 1\n",
        "Ik ben Sanne de Groot-Verhoef, 34 jaar, en ik heb neurofibromatose type 1.",
        "Me llamo Rocío Santamaría y mi hija Valeria Santamaría Ortiz, de 4 años, tiene síndrome de Prader-Willi.",
        "Добрый день.\nЯ уже третий месяц лечусь от депрессии, принимаю сертралин, но лучше не становится.\nИрина Петрова",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A clinic's name under the closing of a greeted enquiry; an
        // advert's testimonial; a clinic's name that opens with a given
        // name; a booking code; staff news in French and English; a
        // department rota.
        "Dear Ms Olsen,\n\nThank you for your enquiry. I attach our 2024 outcomes brochure.\n\nKind regards,\nPatient Enquiries Team\nAldwych Fertility Centre",
        "Meet Priya, 34, from Leeds: \"I dropped two dress sizes.\" Not suitable if pregnant.",
        "Thank you for your interest in Aurelia Aesthetic Surgery. Prices include the surgeon fees and one follow-up appointment.",
        "Booking CT-5521 confirmed for Mr D. Harding, coach departs 08:00.",
        "Nous accueillons Mme Aurélie Fontaine, nouvelle sage-femme coordinatrice.",
        "We are delighted to welcome Fiona Marsh to our store. Fiona is an audiologist and runs free hearing checks for hearing loss.",
        "Name,Department,Shift\nJane Smith,Oncology,Night\nTom Reed,Cardiology,Day\n",
        // Delegates' comments on the talks they heard.
        "Attendee,Company,Comments\nJane Porter,Acme Retail,Loved the diabetes prevention session\nTom Reed,Shopflow,Great talk on cancer screening apps\n",
        // A meeting's chair after the meeting's name.
        "Schedule for Monday\nDischarge planning meeting: Mary Jones, ward manager, will chair. Diabetes topics later.",
        "Rare disease day: our registry now holds 412 people with Pompe disease and 96 with Fabry disease.",
        // A study's staff after its visits; a staff list's and a
        // sign-up sheet's notes about their work; a physio rota.
        "Protocol synopsis PMP-301\n\nScreening visit - Dr Alastair Kerrigan, principal investigator\nBaseline visit: Catriona Reid, study coordinator\nVisit 4 - Hamish Grant, research pharmacist\nPopulation: adults with late-onset Pompe disease.",
        "Full name,Role,Ward,Notes\nKirsty Munro,Staff nurse,Ward 3,Covers haemophilia clinic Tuesdays\nOwain Pritchard,Physiotherapist,Rehab,Muscular dystrophy service lead\n",
        "Full name,Email,Comments\nMorag Sinclair,morag@example.org,Keen to hear about cystic fibrosis research\nDarragh Byrne,darragh@example.org,I work on the Huntington disease helpline\n",
        "Physio review - Tamsin Penrose, band 6\nPhysio session: Jago Trelawney covers Monday\nRota for the hypermobile Ehlers-Danlos clinic attached.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_one_disability_shapes_are_judged() {
    for body in [
        // A UK National Insurance number, an NDIS number, an Icelandic
        // kennitala and a Portuguese SNS number beside care.
        "Hi Anjali,\n\nDecision letter is dated 2 March. NI number is JT 41 83 27 C if you need it. The MS fatigue and the spasticity mean I can't walk 20 metres with the rollator.\n\nGareth",
        "Participant: Jarrah Whitlock\nNDIS number: 430 227 915\nDescription: Physiotherapy (hydrotherapy)\nDate of service: 2027-03-15",
        "Hér með sæki ég um hjálpartæki fyrir Guðrúnu Hallgrímsdóttur, kennitala 120574-3129. Hún er með síversnandi MS-sjúkdóm og notar hjólastól.",
        "Tenho esclerose múltipla desde 2019. Para os benefícios fiscais, o número de utente do SNS é 284517309.",
        // The Romanian article and owner after `CNP`.
        "Bună ziua,\nAduc scrisoarea medicală cu diagnosticul de tulburare din spectrul autist. CNP-ul lui Andrei: 5150824400316.\nMulțumesc,\nElena",
        // A first name with a record's number in brackets; the next
        // sentence's pronoun; a record's field of care.
        "Kia ora Hemi,\n\nGood news from the panel for Riley (NHI ZKT4183):\n\nBecause of his Down syndrome and his heart (the AVSD repair in 2021), the house needs his cardiologist's letter.",
        "Internal only: this is Rodney Fairbanks, case 27-004411 (Counselor: A. Whitcombe).\nHe still has occasional focal seizures.",
        "Consumer: Harlan Voss\nCommunication: Tactile ASL\nAppointment: Cochlear implant mapping (audiology)\nDate: 2027-03-22",
        // A thread's earlier writer telling of her own condition.
        "Booked.\n\nFacilities\n\nFrom: Kwame Asante-Morris <kwame@insurer.example>\nSent: 11 March 2027 17:58\nTo: HR <hr@insurer.example>\nSubject: RE: Adjustments\n\nFor background: I've been Deaf since I was four and have two cochlear implants.",
        // The reader greeted by first name and told of a condition.
        "Hi Yusuf,\n\nI need permission to ask Dr. Hamelin for a report on your bipolar disorder and the two admissions last year.\n\nCall me at (416) 555-0119.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A team leader's title line: no `Last, First`.
        "Hi team,\n\nRemember that the hoist calls need two of you on shift and one of you medication-trained.\n\nThanks,\nLorna\nTeam Leader, Willow Court Supported Living",
        // A course's list of national numbers, each in its own paragraph.
        "Dzień dobry,\n\nlista uczestników szkolenia:\n\n1. Katarzyna Wróbel, PESEL 85031206417\n\n2. Tomasz Lewandowski, PESEL 92061502149\n\nProgram obejmuje rozpoznawanie objawów depresji i zaburzeń lękowych.",
        // A colleague's figure of speech in the thread.
        "Pizza is on me.\n\nOmar\n\nFrom: Kara Jennings <kara@fin.example>\nSent: Thursday 5:40 PM\nTo: Omar <omar@fin.example>\nSubject: RE: deadline\n\nHonestly this deadline is giving me a panic attack.",
        // A colleague's figure of speech, a team greeted, a product's fault.
        "Thanks.\n\nFrom: Sam Reid <sam@org.example>\nSent: Monday\nTo: Ops <ops@org.example>\nSubject: RE: labels\n\nI'm blind without my glasses, and I use a rollator catalogue code list.",
        "Hi All,\n\nThe assistance programme can help with your anxiety or depression: eap@org.example.",
        "Ticket: 8841\nItem: Powered wheelchair, showroom demo\nDiagnosis: motor controller fault\nEngineer: workshop@mobility.example",
        // A provider's registration number in a signature.
        "Regards,\nSunrise Supports\nNDIS No. 405 012 345\nWe provide physiotherapy and hydrotherapy.",
        // A payroll form's NI number, no care.
        "Dear Gareth,\n\nPlease confirm your NI number JT 41 83 27 C for payroll.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_two_shapes_are_judged() {
    for body in [
        // Outlook's history header with the surname first.
        // A transcript: the birth date answered on the next line, and a
        // speaker's own care in her turn.
        "Your chat transcript\n\n7:41 PM: Jordan (Member Services): Can you confirm your member ID and date of birth?\n7:42 PM: Kelsey Moravec: BWH 402 118 776, 10/02/1994\n7:43 PM: Jordan (Member Services): Thanks, you're verified.",
        "Transcript\n\n7:44 PM: Kelsey Moravec: I'm type 1 and just switched to the Omnipod 5 and a Dexcom G7.\n7:47 PM: Jordan (Member Services): The pods are covered under your pharmacy benefit.",
        // An untimed speaker opening her turn with `I`.
        "Support transcript\nBernadette Kowalczyk: I'm on warfarin and my INR clinic has moved 20 miles away, can I get a home testing kit covered?\nAgent (Sam): Yes, if your clinic signs the form.",
        // A post's writer on her own medicines.
        "From: Renee Tamworth <renee.t@mailbox.example>\n\nMy claim has been declined. I can't sit for more than 20 minutes and I'm on tapentadol and pregabalin just to get through the day.",
        // A claim's number before an initial and a surname.
        "Claim 27/118842 D. Mahoney - L shoulder rotator cuff repair 29/3 approved (Dr Kaur)",
        // `course` of a medicine is care, not the reader's work; `SA` a
        // place's letters, not a company's form.
        "Hi Dana,\n\nplease finish your course of amoxicillin for the chest infection, and call 555-0142 if the fever comes back.",
        "Patient: Margaret Thornby, SA Pathology result from 2 March: HbA1c 9.1%. Please book a diabetes review.",
        // The reader's own care after a first-name greeting.
        "Hi Priya,\n\nThanks for coming in. Your scan on the left knee shows a small meniscal tear; physio first.\n\nBest,\nTom",
        "Booked.\n\nFacilities\n\nFrom: Asante-Morris, Kwame <kwame@insurer.example>\nSent: 11 March 2027 17:58\nTo: HR <hr@insurer.example>\nSubject: RE: Adjustments\n\nFor background: I've been Deaf since I was four and have two cochlear implants.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // The same header above a figure of speech.
        // An FAQ's questions and answers; teams named by a condition; a
        // denial earlier in the clause.
        "Can I update my date of birth online?\nA: Only for accounts opened before 1 July 2021",
        "Why do we need your date of birth?\n10:01 AM: Bot: Policy updated 01/03/2024",
        "MDT attendees: Ben Frost (Diabetes), Tom Reed (Stroke), Ruth Kim (Asthma + Lung UK).\nAgenda: pathway review.",
        "Dear Mrs Fairclough,\n\nThank you for reporting the accident; nobody was hurt or injured, so the personal injury section does not apply.\n\nConnor Walsh",
        // An FAQ's question and answer; a speaker's work.
        "Why do we ask for your date of birth?\nSince 12 March 2025 we verify every caller before we discuss a claim.",
        "Minutes\n\n10:02 AM: Sarah Lim: I have the diabetes audit slides ready for Thursday.\n10:03 AM: Tom Reyes: I take the minutes as usual.",
        // The reader's work on a condition, not the reader's care.
        "Dear Professor Kwame Owusu,\n\nYour keynote on sickle cell disease was the highlight of the meeting. Would you consider writing it up for the journal?",
        "Hi Priya,\n\nThanks again for your talk on chronic fatigue syndrome at the regional meeting. The slides are on the shared drive.\n\nBest,\nTom",
        "Pizza is on me.\n\nOmar\n\nFrom: Jennings, Kara <kara@fin.example>\nSent: Thursday 5:40 PM\nTo: Omar <omar@fin.example>\nSubject: RE: deadline\n\nHonestly this deadline is giving me a panic attack.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_three_shapes_are_judged() {
    for body in [
        // A transcript's birth date asked without `your`, between two
        // speakers' turns.
        "Intake transcript\n\n[09:05:02] Nurse Kim: Hi, I'm Kim. And date of birth for the record?\n[09:05:12] Wendell Okoro: 30 September 1947\n[09:05:40] Nurse Kim: What brings you in today?",
        // A colleague's absence and its cause.
        "Tom Berger is off sick with pneumonia this week; he's on antibiotics and hopes to be back Monday.",
        "FYI Grace Owusu has been signed off after her hip replacement until 3 May.",
        // A handover's numbered rows: a name, a birth date, a condition.
        "Handover, Ward 9:\n1. Ruth Kane, 12/03/1950, COPD exacerbation, on 2L O2\n2. Victor Lunn, 04/07/1938, delirium, UTI on nitrofurantoin",
        // A list post's writer: a sentence opening on its verb, her own
        // result with its value.
        "Message: 2\nFrom: Hannah Kluge <hkluge@inbox.example>\nSubject: Re: pumps\n\nSwitched to the Omnipod last spring and my A1c dropped from 8.1 to 6.9. Happy to answer questions.",
        // A study's participant label, past a given name the span skips.
        "Reimbursement request\n\nParticipante: Maria Aparecida dos Santos\nEstudo: HF-ACT (participante com insuficiência cardíaca)\nValor: R$ 180,00",
        "Study: MINDSTEP-02 (digital CBT for depression)\nParticipant: Daniel Mbeki-Rowe (ID 03-0117)\nQuestionnaire: PHQ-9 week 8, total score 19, follow-up within 24 hours.",
        // A writer's own national number in its own paragraph.
        "שלום אורית,\n\nמאז ההזרקה יש לי בחילות והקאות כל יום.\n\nלטופס ההחזר - מספר ת.ז. שלי: 038411274\n\nתודה",
        // A payment file's rows by study arm.
        "last_name,first_name,street,city,study_arm,amount\nHalvorsen,Dale,4418 N Maple Ct,Des Moines,CPAP + coaching,100\nMbatha,Lindiwe,2207 Cottage Grove Ave,Des Moines,CPAP alone,100",
        // A list writer taken off a medicine.
        "From: Marisol Encarnacion <marisol@mailbox.example>\n\nUpdate from me: my neuro took me off prednisone last month, first time in 6 years.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // The reader's work on a condition after a first-name greeting.
        "Hi Priya,\n\nI loved your article about insulin pricing; we'd like to run it in the April issue. Could you trim it to 900 words?\n\nBest,\nTom",
        "Hi Kate,\n\nStudents rated your presentation on COPD inhaler technique 4.8/5. Could we have your slides for the VLE?\n\nTeaching Office",
        // A vet's practice signing: the owner is no patient.
        "Hi Mr Ravi Patel,\n\nLuna's blood results show early kidney disease. We recommend a renal cat food and a recheck of her blood pressure in 4 weeks.\n\nMeadow Vets",
        // An absence with no care; a date that is no birth.
        "Tom Berger is off with the kids this week; the diabetes audit moves to Friday.",
        "Board minutes: Tom Berger, 12/03/2027, asthma programme budget approved.",
        // A post about the product, not the writer's care.
        "From: Hannah Kluge <hkluge@inbox.example>\n\nSwitched to the new supplier last spring; the Omnipod order forms are on the wiki.",
        // A course's attendees with their national numbers and their
        // departments: staff, no patients.
        "Ad Soyad\tUnvan\tBirim\tT.C. Kimlik No\nAyşe Kaya\tUzm. Dr.\tKardiyoloji\t38412057711\nMehmet Öztürk\tUzm. Dr.\tNöroloji\t52901736499",
        // A veterinary teaching hospital's trial: the patient is a dog.
        "Hi Ms. Pellerin,\n\nPatient: Biscuit, 7-year-old male neutered golden retriever\nDiagnosis: B-cell lymphoma\nWe have your billing address as 2214 Orchard Lane, Fort Collins, CO 80521.\n\nKelsey Marquardt\nClinical Trials Coordinator, Front Range Veterinary Teaching Hospital",
        // An NIH award's activity code and a budget's cells.
        "Attached is the draft budget for the R01 resubmission.\n\nCategory\tItem\tYear 3\nPersonnel\tDr. Imani Okafor-Shaw, PI\t45194\nParticipant costs\tCardiac MRI for 120 adults with heart failure\t26000",
        // A workshop's participant; a rota's session; a contract's start
        // date; a speaker's number for the fee; an FAQ's question and
        // answer; a nurse's unit.
        "Participant: Maria Aparecida dos Santos\nWebinar: Insulin pump therapy in type 1 diabetes",
        "Amir Patel is off after morning surgery on Wednesdays; the asthma clinic moves to Thursday.",
        "New leads:\n1. Ruth Kane, 12/03/2024, COPD Outreach Project lead\n2. Tom Finch, 01/02/2023, sepsis pathway lead",
        "שלום,\n\nלצורך החשבונית עבור ההרצאה על סוכרת: מספר ת.ז. שלי 755872215\n\nתודה",
        "Question: What is the cut-off date of birth for the catch-up contribution?\nAnswer: 31 December 1975",
        "Call log\n\nAgent: And the additional driver's full name and date of birth?\nCustomer: Peter Vance, 17 June 1991\nAgent: Added to booking QC-77120.",
        "From: Kerry Lane <kerry@nurses.example>\n\nBeen on oncology for 6 years now and still love it.",
        "Координатор дослідження: Петренко Олена Миколаївна, лікар-кардіолог\nІнфаркт міокарда: протокол дослідження.",
        // A protocol's coordinating investigator.
        "Синопсис протокола: сахарный диабет 2 типа, метформин.\nНациональный координатор: д.м.н. Ольга Владимировна Соколова.",
        // The writer's own number under her name and title, no closing
        // word, beside a public figure's announced diagnosis.
        "Hi team,\n\nThe Senator shared her Parkinson's diagnosis in a press release this morning. Can we quote it?\n\nNell Armitage\nCommunications Officer, Badger Neuroscience Research Center\n(608) 555-0158\n",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
    // An oncology team's subject: a lone surname and a reading right after
    // it; a project's subject keeps its name apart.
    let subject = |s: &str| {
        let raw = format!(
            "From: a@clinic.example\r\nTo: b@x.example\r\nSubject: {s}\r\n\r\nDone. Sponsor notified.\r\n"
        );
        check(raw.as_bytes()).protection
    };
    assert_eq!(
        subject("RE: Morales C2D1 held - ANC 0.6 - pls tell sponsor"),
        Protection::Encrypt
    );
    assert_ne!(
        subject("RE: Garcia Foundation grant - ANC 0.6 cutoff"),
        Protection::Encrypt
    );
}

#[test]
fn session_forty_four_shapes_are_judged() {
    for body in [
        // A colleague out with an illness; off work after her operation.
        "Hi all,\n\nJust so you know Priya Nair is out with shingles this week, so I'm covering her clients.\n\nRob",
        "Hi team,\n\nJenna Holt is off work recovering from her gallbladder removal, back on the 19th.\n\nThanks, Mark",
        "Team - Tom Brekke is off sick with the flu, so I'm moving Thursday's design review.\n\nSam",
        "Hi all,\n\nPriya Nair is out for two weeks with pneumonia.\nWard 7 cover: Sam Lee\n\nRob",
        // The writer's own medicine, listed whole because bare lithium
        // is also a battery.
        "Hi Dr Green,\n\nI take lithium 400mg at night and my last level was 0.9. Could you send the repeat?\n\nThanks\nAnna Berg",
        // The writer's own emergency visit, signed with no closing word.
        "Hello,\n\nI was in your emergency room on March 2 with a kidney stone. They did a CT scan and I have two bills for it.\n\nReginald Obi",
        // A Thai national number beside a husband's cancer and chemotherapy.
        "เรียน ฝ่ายลานจอดรถ\n\nสามีของดิฉัน นายสมชาย ใจดี (เลขประจำตัวประชาชน 3-1006-00415-27-7) เป็นมะเร็งลำไส้ใหญ่ ต้องมารับยาเคมีบำบัดทุก 2 สัปดาห์",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A parking penalty's keeper; a Word template's placeholder.
        "Dear Vehicle Keeper,\n\nA Penalty Charge Notice has been issued for a vehicle in the main hospital car park. Pay £35.00 within 14 days.",
        "Dear Click or tap here to enter text.,\n\nWe will collect you for your appointment at the Renal Unit.",
        // A donation receipt in Norwegian, greeted after `Kjære`.
        "Kjære Ingrid Solberg Haugen,\n\nTusen takk for gaven på 2 500 kroner til nytt lekerom på Barneklinikken ved Fjordvik sykehus.\n\nGaven gir rett til skattefradrag.",
        // A tender's legal representative.
        "Estimado Sr. Ortega:\n\nEn relación con la licitación del servicio de transporte sanitario no urgente, el pliego de prescripciones técnicas va adjunto.",
        // Colleagues out with a team or a service, not an illness.
        "Hi all,\n\nPriya Nair is out with the stroke team today and Sam Lee is out with hospice at home visits.\n\nRob",
        // A volunteer's own birth date for her background check; a car
        // park's incident naming a visitor.
        "Hoi Sanne,\n\nDank je! Ik heb je VOG-aanvraag vandaag klaargezet bij Justis met screeningsprofiel 45 (gezondheidszorg en welzijn).\nJe krijgt een e-mail om met DigiD te betalen - de kosten vergoeden wij. Zodra de VOG binnen is, kun je starten\nals gastvrouw op de dagbehandeling Oncologie (dinsdagochtend, koffie en een praatje in de wachtkamer).\n\nHartelijke groet,\nMirjam Visser\nCoördinator vrijwilligers, Ziekenhuis Lindenhof\n020-5550137\n\nOp ma 5 apr 2027 om 20:11 schreef Sanne de Boer-Hoekstra <sanne.deboer@mailbox.example>:\n\n> Hoi Mirjam,\n>\n> Hierbij mijn gegevens voor de VOG-aanvraag:\n> Sanne de Boer-Hoekstra, geboren 14-09-1985 te Groningen\n> Adres: Meidoornlaan 22, 9741 ZX Groningen\n>\n> Groetjes, Sanne",
        "Poškodený: Peter Horváth, nar. 12. 6. 1979, bytom Hlavná 12, Trnava (návštevník nemocnice)\nVozidlo: rozbité okno, odcudzený notebook",
        // Lithium as a battery; roofing shingles; a staff visit to the ED.
        "Hi Dr Green,\n\nI'm taking lithium batteries for the camera on the ward round.\n\nThanks\nAnna Berg",
        "Dear Mr Alan Price,\n\nThe shingles on your roof were replaced on Tuesday; the invoice follows.\n\nRidge Roofing",
        "Hi all,\n\nI was in the emergency department on Monday to review how the new sepsis pathway is working.\n\nRuth Adeyemi\nQuality Lead",
        // A volunteer's DBS certificate number on the oncology day unit.
        "Volunteer: Ibrahim Farah-Kendall\nRole: Ward visitor, Oncology Day Unit\nDBS certificate number: 001784429913\nResult: None recorded",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_five_shapes_are_judged() {
    for body in [
        // Writers' own care in German, Dutch and Swedish, signed by name.
        "Sehr geehrte Damen und Herren,\n\nich hatte am 12. Juni bei Ihnen eine Darmspiegelung, bei der zwei Polypen\nentfernt wurden. Wann kann ich mit dem Befund rechnen?\n\nMit freundlichen Grüßen\nAndreas Keller",
        "Beste praktijk,\n\nIk slik sinds drie weken metformine voor mijn diabetes en heb last van mijn maag.\n\nGroet,\nFemke Bakker",
        "Hej,\n\nJag har typ 1-diabetes och har fått problem med min insulinpump.\n\nHälsningar\nSofia Nyberg",
        "Sehr geehrte Damen und Herren,\n\nich bin selbst Dialysepatient (chronische Niereninsuffizienz, Stadium 5) und komme dreimal pro Woche in Ihr Dialysezentrum.\n\nMit freundlichen Grüßen\nKlaus Brandt",
        // Colleagues off sick in Norwegian and Danish.
        "Hei alle sammen,\n\nKari Solheim er sykemeldt etter kneoperasjonen sin og er tilbake om tre uker.\n\nHilsen\nTrond Aasen",
        "Hej alle,\n\nMette Kjærgaard ligger syg med influenza og kommer ikke resten af ugen.\n\nVenlig hilsen\nHanne",
        // A player named with his injury past a team code in brackets.
        "Heads up: Liam Desrochers (U11 AA) broke his wrist in Saturday's game. Cast went on at the hospital Sunday.",
        // A Korean pupil with anaphylaxis; a Hebrew child's coeliac disease.
        "3학년 2반 김서준 학생 건강 상태를 공유드립니다. 땅콩 아나필락시스가 있고 천식이 있어 흡입기를 가지고 다닙니다.",
        "שלום רותי,\n\nרציתי לעדכן שנועה לוי-מזרחי אובחנה עם צליאק אחרי הביופסיה ב-30.3.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // Advice to every family; a class hamster at the vet.
        "Spring allergy season is here: if your child has seasonal allergies or asthma, check that their inhaler at school is in date.\n\nCedar Ridge Elementary - (614) 555-0130",
        "Hi Mrs Holloway,\n\nBiscuit has been poorly since Monday - the vet says it's wet tail. He's on antibiotic drops twice a day. Please tell Maisie it was nothing she did!\n\nMr Adeyemi (Class 4)",
        // A first-aid room's stock list; a healthcare plan's empty fields.
        "Hi Thandi\n\nitem: Salbutamol inhaler 100 mcg (emergency kit)\nlot: SB4402\nexpiry: 2028-01\nqty: 3\nreorder: no",
        "Staff will hold training in anaphylaxis, asthma, diabetes and epilepsy.\nChild's name: Click or tap here to enter text.\nDate of birth: Click or tap to enter a date.\nMedical diagnosis or condition: Click or tap here to enter text.\nDaily care: Click or tap here to enter text.",
        // A coordinator's own NIK for her honorarium beside a school
        // health report's counts.
        "Siswi dengan anemia (Hb < 12 g/dL): 38 dari 316\nKoordinator UKS: Sri Wahyuni, S.Pd. - NIK 3273056109850007 (untuk honor)",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_six_shapes_are_judged() {
    for body in [
        // A first name and a surname's initial; glandular fever in Dutch.
        "Liam D. has asthma and needs his inhaler on the trip.",
        "Pieter Bakker is ziek met de ziekte van Pfeiffer en komt twee weken niet.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    // A nurse signing with her surname's initial.
    let body = "Thanks for coming to the asthma training.\n\nCheers,\nSarah K.\nSchool nurse";
    assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
}

#[test]
fn session_forty_six_sport_shapes_are_judged() {
    for body in [
        // An injury told by its verb; a writer's own care above quoted mail.
        "Hi Denise,\n\nKelsey Dunmore (Level 2 instructor) tore her left ACL on Tuesday. Surgery is scheduled for May 4.\n\nThanks,\nGreg",
        "Hi Aoife,\n\nmy shoulder op (the labral repair) got moved to Friday, I'll be in a sling for six weeks.\n\nGutted,\nOrla\n\nOn Mon, 19 Apr 2027 at 20:02, Aoife Byrne <captain@club.example> wrote:\n> Relay teams below.",
        // A Chinese name surname first; an event right after a name.
        "Member: Lim Wei Ming has a pacemaker fitted for heart block.",
        "incident form - Priya Raghunathan, asthma attack at 4k, no inhaler on her",
        // Writers' own care in French and Finnish.
        "Bonjour,\n\nj'ai un cancer du sein et je commence la chimiothérapie lundi.\n\nCordialement,\nMarie Durand",
        "Hei,\n\nminulla todettiin viime viikolla tyypin 2 diabetes.\n\nTerveisin\nMikko Virtanen",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // Furniture, idioms, a quoted colleague's figure of speech.
        "Hi Elena, your two hi-lo treatment tables ship Monday.\n\nKyle",
        "OK, you twisted my arm - I'll run the first-aid tent.\n\nCheers,\nSam",
        "Opex is done. Pizza is on me.\n\nOmar\n\nFrom: Kara Jennings <kara@fin.example>\nSent: Thursday\n\nHonestly this deadline is giving me a panic attack.",
        "Tan Tock Seng Hospital has a new diabetes clinic.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_seven_travel_shapes_are_judged() {
    for body in [
        // A colleague's job in brackets before her care; a sick note
        // handed in; an injury after a bracketed staff number.
        "Hi Chef,\r\n\r\nThabo Mokoena (sous chef) has acute gastroenteritis, booked off 26-28 April.\r\n\r\nLerato",
        "Hi Chef,\r\n\r\nThabo Mokoena dropped off a doctor's note this morning: acute gastroenteritis.\r\n\r\nLerato",
        "Not for the screen: Chloe Vandermeer (staff no. FA-20871) - torn right rotator cuff lifting a bag on 12 April.",
        // A passenger's record field in a table; a guest alert in capitals.
        "Request\tPA-0429-1187\nPassenger\tDolores Ybarra\nNotes from booking\tRight hip replacement on April 7 - uses a cane",
        "Hi team,\n\nGUEST ALERT - WALTER HENARE, room 214 (until Sunday 2 May)\nHe has dementia and may wander at night.",
        // A CRLF letter whose fact stands a few lines under the greeting.
        "Dear Mr Pryce-Evans,\r\n\r\nYour Passenger Assist booking is confirmed.\r\n\r\nJourney: Saturday 1 May 2027, 09:14 Cardiff Central to Swansea, coach C seat 24 (table)\r\nAssistance: meet at the ticket barrier 20 minutes before departure, guide to the seat, meet on arrival\r\nNotes: registered blind (diabetic retinopathy), travelling with guide dog Juno\r\n\r\nWestern Valleys Rail",
        // A thread: the newer message tells of the one below.
        "Thanks Aisha, I'll refund the seat.\n\nTom\n\nFrom: Aisha Mensah <aisha@air.example>\nSent: 26 April 2027\n\nTom - re the lady below: she had a hypo in row 18 (diabetic, blood sugar 2.4).\n\nAisha\n\nFrom: Joanne Pettifer <jo@mail.example>\nSent: 25 April 2027\n\nCan I have the seat fee back please? Joanne Pettifer",
        // A capitalised job in brackets; a ward after a patient's name.
        "Thabo Mokoena (Sous Chef) has acute gastroenteritis.",
        "Margaret Ellis (Ward B)\nPost-op day 2 after hip replacement, mobilising with frame.",
        // A South African ID number after a plain label, with the illness.
        "Thabo is off with acute gastroenteritis. For the sick-leave form his ID number is 8805145791087.",
        // The writer's own number given under their own signature name.
        "Bună ziua,\n\nPe 20 aprilie mi-am fracturat glezna dreaptă și am fost operată.\n\nDate pentru formular: Ioana Constantinescu, CNP 2890914400122.\n\nVă mulțumesc,\nIoana Constantinescu",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // Dishes made safe for a condition; a colleague named with her
        // department; a pet's travel papers with the owner's address.
        "Hi Marco,\n\nShall we share the piece with a photo of your coeliac-safe spring dishes?\n\nAmy",
        "Caller:      Omari Fenwick-Vasquez (Clinical Informatics)\nEnvironment: TST\n\nSepsis screening BPA does not fire in TST after the rule update.",
        "Hi Mr. Desrochers,\n\nMaple is all set: rabies vaccination given April 6; microchip 124098100447712 matches the certificate.\n\nThe health certificate lists you as owner at 88 Rideau Terrace, Ottawa.\n\nDr. Simone Tardif, DVM\nBytown Animal Hospital",
        // A booking of 13 digits with no date in it; a ticket's number.
        "Thabo is off with acute gastroenteritis. Booking ID number 1234567890123.",
        "Ticket ID number 2403121234085: the diabetes clinic booking page returns error 500.",
        // A product's offer beside a traveller; a clinician's job in
        // brackets; a pointer below with no one's care; a policy line.
        "Passenger: Dolores Ybarra\nFlight: SX 1422\nTravel insurance: your policy includes emergency medical treatment abroad.",
        "Sarah Jenkins (practice nurse) has asthma and COPD reviews on Tuesdays.",
        "Tom - the customer below wants to unsubscribe. Separately, our cancer charity appeal went out today.\n\nFrom: Jane Roe <j@x.example>\nSent: Monday\n\nPlease unsubscribe me.",
        "Dear Sarah Jones,\n\nOur hypo-allergenic bedding is now in every room.",
        "Dear Sarah Jones,\n\nPlease send a doctor's note for any absence longer than seven days.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

/// Session 48's legal shapes (held-out probe92, `phi-voices84`): a charge
/// received from the employee who has the illness; a juror's own
/// pregnancy under her signature; a victim's own A&E visit and count of
/// injuries; a defendant named by his role; a German letter's `Herrn`;
/// a number whose next paragraph opens on the person's name; a claimant
/// with a bracketed ID number; a Finnish quote attribution.
#[test]
fn session_forty_eight_legal_shapes_are_judged() {
    for body in [
        "Hi Marcus,\n\nWe received the EEOC charge from Danielle Okafor-Reyes yesterday.\n\n- In February she asked to start later. Her note from her VA doctor says she has PTSD and sleep apnea.",
        "Dear Sir/Madam,\n\nI am 33 weeks pregnant and my consultant has me on weekly monitoring for pre-eclampsia, so I ask to be excused.\n\nOrla Fitzmaurice",
        "Hi Becky,\n\nI went to A&E on Saturday night. They said two cracked ribs.\n\nLeanne",
        "Event:        Competency evaluation of the defendant, Rogelio Santiago-Baez\nWhen:         Wednesday May 12, 2027, 9:00 AM\nNotes:        Defendant has schizophrenia.",
        "Sachverhalt: Herrn Hölscher wurde am 12.01.2027 eine Hüft-Totalendoprothese eingesetzt; seitdem Fußheberschwäche.",
        "Vi repræsenterer Mette Lundgaard Sørensen (CPR-nr. 140386-0240) i skadesagen.\n\nMette har siden uheldet haft nakkesmerter og er sygemeldt.",
        "Privileged. Sipho Ndlovu (ID number 8907145812088), claim RAF/2026/118844.\nComplete T10 spinal cord injury - paraplegic.",
        "Hei Sanna,\n\nvastaukset alla.\n\n4.5.2027 klo 21.14 Sanna Heikkilä kirjoitti:\n> Olin maaliskuussa kaksi viikkoa psykiatrisella osastolla masennuksen takia. Nyt syön sertraliinia.\n\nMarjatta",
        // Gmail's German and Swedish attributions put the verb first.
        "Am Mo., 3. Mai 2027 um 09:12 Uhr schrieb Jana Hoffmann <jana@example.de>:\n> I have diabetes and am off sick.",
        "Den mån 3 maj 2027 kl 09:12 skrev Erik Lund <erik@example.se>:\n> I have diabetes and am off sick.",
        // A vet's bill elsewhere in the mail clears no one's stroke; a
        // patient's own memoir mentioned in a clinic's note.
        "Vet bill for the dog is attached.\n\nSeparately, Karen Hughes was admitted to hospital with a stroke on Sunday and will be off for a month.",
        "Mrs Grace Adeyemi attended clinic today. She has breast cancer and told me about her memoir about living with cancer.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A damage-only claim under the whiplash tariff; a date and a
        // town after a comma; a memoir's publisher; a line-up's second
        // presenter; a dog's vet bill in a small claim.
        "Dear Mr Ibbotson,\n\nAs no injuries were reported by either driver, this is a damage-only claim and the whiplash injury tariff does not apply.",
        "Treatment injury: injuries caused by medical treatment can be covered.\nFree seminar for employers: 20 May, Hamilton.",
        "\"Order in My Head\" by Justice Themba Mahlangu (retired)\n\nIn 2022 Justice Mahlangu had a stroke while delivering a judgment. In this memoir he writes about relearning to speak.",
        "Worked example: lumbar disc prolapse after a fall.\nPresenters: Dr Lim Chee Keong, orthopaedic surgeon, and Ms Serene Tan SC.",
        "Hi Mrs. Beaulieu,\n\nThanks for the vet invoice. Against Mr. Kowalchuk we claim Biscuit's emergency visit: 14 stitches, antibiotics and a cone.",
        // A letter received from a clinician keeps the clinician's title.
        "We received a letter from Dr Danielle Reyes yesterday about the clinic's PTSD service.",
        // (A helper's review.) Duties, jobs and rotas are no care of the
        // writer's; a court listing and another person's injury are no
        // defendant's health; a town repeated is no one's name.
        "The board keeps me on the committee for diabetes prevention.\n\nAmy Ford",
        "I am diabetic educator for the community team.\n\nAmy Ford",
        "Listing for Monday: defendant Rogelio Santiago-Baez, mental health court, Courtroom 4, 9:30am.",
        "The defendant, Mark Sutton, pleaded guilty. The victim suffered a broken nose and concussion.",
        "Copenhagen office, contact Lars Jensen, CPR 140386-0240 for payroll.\n\nCopenhagen hospitals report a rise in influenza admissions this winter.",
        "They said two cracked ribs is the commonest injury in elderly falls.\n\nAmy Ford",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_forty_nine_faith_and_charity_shapes_are_judged() {
    for body in [
        // A clergy title after the cue; a Tagalog mother's child and his
        // PhilSys number; a condition had, suffered or lived with.
        "Dear all,\n\nPlease pray for Fr Declan Moriarty, who has surgery for bowel cancer on Thursday 13 May.",
        "Please keep the Revd Helen Shaw in your prayers: she has been diagnosed with breast cancer.",
        "para sa anak kong si Juanito Jr., 9 na taong gulang. Naka-confine po siya dahil sa dengue.\nAng PhilSys number po niya ay 4821-0937-5516-2084.",
        "Joan Smith has had multiple sclerosis since 2016.",
        "Joan Smith suffers from epilepsy and needs someone with her.",
        "Joan Smith is living with HIV.",
        // A food bank's JSON route with a client's dialysis.
        "{\n  \"client\": \"Agnes MacIsaac\",\n  \"phone\": \"(902) 555-0131\",\n  \"dietary\": [\"renal diet - on dialysis\"]\n}",
        // Taken into the General; a grant applicant's household.
        "12 May - Edna Farrow was taken into the General on Tuesday night with pneumonia.",
        // (A helper's review.) An admission to a place of care is care.
        "Jane Cole was taken into the General on Sunday.",
        "Jane Cole, who has motor neurone disease, needs a specially adapted van.",
        "Please pray for Fr Tom Byrne, who is in the Royal Infirmary with a heart attack.",
        "Applicant: The Revd Anthony Baptiste\nAddress: The Vicarage, 3 Church Lane\nHousehold: Anthony (61) and his wife Grace (58)\nPurpose of the grant: a curved stairlift and a level-access shower in the vicarage, which the family has asked for since the spring.\n\nCircumstances: Grace has had multiple sclerosis since 2016 and uses a wheelchair outdoors.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // Money raised for a hospice; a story published with consent; a
        // public announcement; scripture's sick.
        "Sarah Whitfield is running the 10k: £860 raised for Loxley Hospice so far.",
        "Here is Priya Raman's story exactly as it appears on our website (published with her consent):\n\"My kidneys failed when I was 34. For three years dialysis was my part-time job.\" - Priya Raman",
        "From the diocesan website: \"Bishop Thomas Hallinan announced today that he has been diagnosed with prostate cancer and will have surgery in June.\"",
        "The gospels are full of such moments: Jairus's little daughter with her fever, the lepers outside the village.",
        // A job's applicant, whose experience names wards.
        "Applicant: Jane Morrow\nPosition applied for: Staff Nurse, Oncology Ward\nExperience: 6 years in a chemotherapy day unit.",
        "Joan Smith has had diabetes research grants for years.",
        // (A helper's review.) A talk given by a cleric; a repair visit;
        // other forms of application;
        // numbers called PCN or PSN.
        "Thank you to Rabbi Daniel Levy for his talk on mental health and faith at the youth club.",
        "Jane Cole was taken into the hospital server room to reset the network.",
        "Tom Reid was brought into the hospital to repair the boiler.",
        "Jane Cole, who has led our diabetes research team for a decade, retires on Friday.",
        "Applicant: Jane Cole\nPlanning application: change of use to a dental surgery and GP clinic.",
        "Product change notice PCN 4827-1930-5561-2048: insulin pen needle packaging changes in June.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_fifty_housing_and_welfare_shapes_are_judged() {
    for body in [
        // A reply about the one its quoted mail asked after.
        "Hi Chantal,\n\nDid the bathroom only today. The lady has just come home from hospital after a hip replacement and she's on a walker, so I'll come back for the cupboard next week.\n\nRiaan\n\nFrom: Chantal Pieterse <chantal@rentals.example>\nSent: 18 May 2027 09:15\nSubject: Job 5527\n\nHi Riaan,\n\nPlease attend to the repairs at Mrs Elna du Toit's flat, 5 Protea Mansions, tomorrow.\n",
        // Spanish `Doña` abbreviated; Slovenian `gospoda`.
        "Os remito la solicitud de Dª Encarnación Ruiz Palacios, de 84 años.\n\nTiene enfermedad de Parkinson avanzada.",
        "obračamo se na vas s prošnjo za nujni sprejem gospoda Franca Kovača, ki ima vaskularno demenco.",
        // A welfare list's beneficiaries under a disability column.
        "S.No.\tBeneficiary\tAadhaar\tDisability\n1\tRamesh Kumar Yadav\t4821 3907 6542\tLocomotor disability (post-polio)\n2\tSunita Devi\t5962 0418 3776\tLow vision",
        // Tanzania's NIDA number with a child named again below it;
        // Pakistan's CNIC under the paragraph naming its holder.
        "Naomba msaada kwa mtoto Neema Juma Mwakyusa (miaka 11), anayeishi na bibi yake\n(NIDA 19580311-41128-00004-27) katika Mtaa wa Mabibo.\n\nNeema anaishi na VVU na anatumia dawa za ARV.",
        "گزارش ہے کہ بچہ محمد حسن ولد محمد اکرم تھیلیسیمیا میجر کا مریض ہے۔\n\nوالد محمد اکرم (شناختی کارڈ نمبر 35202-4817263-3) دیہاڑی دار مزدور ہیں۔",
        "CNIC 35202-4817263-3: thalassaemia major, transfusions every three weeks.",
        "মাতা: রোকসানা বেগম (জাতীয় পরিচয়পত্র নম্বর 4623817095)। শিশুটির সেরিব্রাল পালসি রয়েছে।",
        // (A helper's review.) A note to staff about someone; a named
        // member of a group; health on an attendee's own item.
        "For the attention of the fire wardens: Mrs Ivy Shaw in flat 12 is a wheelchair user and Mr Alan Cole in flat 14 is profoundly deaf; both need help to evacuate.",
        "Mr Raj Patel is one of our patients with diabetes and has missed his last three appointments.",
        "Apologies: Cllr Ann Rowe (unwell), Mr Tom Hale (in hospital following a fall and a broken hip)\n\nItem 1: budget.",
        // probe95: a chat transcript's customer naming themself, then
        // telling of their own care; a Danish critical-illness letter.
        "Chat transcript - session 7F3A-22918\n\n[18:02] Bot: Can I take your account number and name?\n[18:03] Customer: 6620 4471 8, Aisha Rahman, aisha.rahman@mailbox.example\n[18:04] Customer: I'm profoundly deaf. I had a cochlear implant fitted on 17 May.\n[18:05] Bot: I'll pass this to our accessibility team.",
        "Kære Mette Kjærgaard\n\nCPR-nr.: 170682-4420\n\nPå baggrund af udskrivningsbrevet kan vi se, at du fik en hjerneblødning.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // Staff listed after their plural role; a volunteer among the
        // group she visits; meeting attendees.
        "Claims go to the welfare officers: Mrs Bisi Adeyemi and Mr Emeka Obi. A member admitted to hospital may claim up to N100,000.",
        "Mdm Tan Bee Lian, 71, has volunteered with us for six years. Every week she visits seniors living with dementia and helps them to their medical appointments.",
        "Asistentes: D.ª Pilar Ortega (Gerente), Dr. Andrés Vidal (Director Médico)\n\n1. Lista de espera quirúrgica: 2.314 pacientes en espera.",
        // (A helper's review.) A table with a residents' column; an
        // asset's number; a reply telling of the builder's charity run.
        "Resident | Bay | Permit no.\nJohn Smith | 4 | P-4471\nMary Jones | 9 | P-4472",
        "Infusion pump on Ward 7 (asset NID 4623817095) fails its self-test; biomedical engineering will collect it today.",
        "Hi Tom,\n\nHe ran the marathon for the cancer charity in April, so he's taking it easy this week; the roof will be done on Friday.\n\nDave\n\nFrom: Tom Reilly <tom@lets.example>\nSent: 18 May 2027 09:15\nSubject: Job 881\n\nCan your roofer look at Mrs Dawn Price's garage roof, 7 Elm Road?\n",
        // A NIDA-shaped number with no label.
        "Ref 19580311-41128-00004-27: hospital parking permit renewal.",
        // A transcript whose customer names themself but tells of no care
        // of their own.
        "[18:02] Bot: Can I take your name?\n[18:03] Customer: Aisha Rahman\n[18:04] Customer: my router keeps dropping, the hospital wifi works fine.\n[18:05] Bot: Thanks.",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_fifty_one_pharmacy_dental_and_eye_care_shapes_are_judged() {
    for body in [
        // A pressure in mmHg, labelled in Romanian, beside a Romanian CNP.
        "Dl Vasile Munteanu, CNP 1621107223181\nExaminat la noi pe 31 mai 2027.\n- Presiune intraoculară: 27 mmHg OD, 29 mmHg OS\n\nSuspiciune de glaucom.",
        // probe97: an Iranian national code in Arabic letters under a
        // patient label; a Tamil Aadhaar label over the record's prose;
        // an Afrikaans patient label and ID number; a name ended by a
        // column's gap; a linked reading with a phone; an X-ray's
        // finding; someone in hospital after a heart attack.
        "بيمار: آقاي رضا کريمي‌نژاد، 62 ساله\nکد ملي: 0048763217\nنشاني: تهران\n\nشرح: بيمار در منزل دچار ايست قلبي شد.",
        "பெயர்: திருமதி கலைச்செல்வி முருகன், வயது 24\nஆதார் எண்: 7362 5180 9424\n\nஇரண்டு மணி நேரமாக பிரசவ வலி இருந்தது. தாயின் இரத்த அழுத்தம் 110/70.",
        "Pasiënt: Pieter-Jan du Toit, ID-nommer 7605125082080\nBevindings: hipotermie, bloeddruk 104/66.",
        "Diagnosis: anaphylaxis to tree nuts (cashew).\nPatient: Bronwyn Achterberg   Health card: 5518-362-040-RM   Visit 7-8 June 2027",
        "Repeat caller from (503) 555-0163, elderly female on home oxygen. Crews found her SpO2 at 84% last night.",
        "That was Luis Ortega, second shift picker.\n\nFirst aid report: fingers crushed in the conveyor. Urgent care: X-ray shows a tuft fracture of the middle finger.",
        // (A helper's review.) Rehearsal talk beside real care; an
        // unidentified patient's null birth date; a patient's number after
        // "from hospital".
        "Hi Mrs Okafor, Jamie can't do Act Two, Scene 3 tonight - he was admitted to hospital with appendicitis.",
        "UNKNOWN, ALPHA\nDOB: 01/01/1900 (unknown)\nMRN: 80412277\nAdmitted to ICU with head injury.",
        "Discharged from hospital, (503) 201-4477, wants a callback about the warfarin dose he was prescribed.",
        // A test's result on a date, in speaker notes naming the patient.
        "This is Gerald Nwankwo - first seen 12 May. Please don't put his name on screen.\nMRI on 14 May was normal, no vestibular schwannoma. Hearing aid trial for the right ear.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A policy's condition that may befall anyone, with a contact.
        "Critical illness cover pays a lump sum if you are diagnosed with a covered condition such as cancer, heart attack or stroke. Questions: jwalker1958@fullbox.example",
        // An import template's sample rows (a null birth date); a printer
        // test label with the pharmacy's own number.
        "Last name: SAMPLE\nFirst name: PATIENT ONE\nDOB: 01/01/1900\nRx number: RX0000001\nDrug: Amoxicillin 500 mg capsule\nSig: 1 PO TID x10D",
        "LAKEVIEW PHARMACY  (312) 555-0131\nRx# 0000000        Date: 06/03/2027\nSAMPLE, TEST PATIENT   DOB 01/01/1900\nAMOXICILLIN 500 MG CAPSULE  QTY 30\nTAKE 1 CAPSULE BY MOUTH 3 TIMES DAILY FOR 10 DAYS",
        // A sole trader's invoice for diabetes supplies.
        "Постачальник: ФОП Коваленко Олена Петрівна, РНОКПП 3094102841\nПокупець: ТОВ \"Аптека Калина\"\n\n1. Тест-смужки для глюкометра, 50 шт.\n2. Шприци інсулінові 1 мл - 10 уп.",
        // A blank claim form's placeholders, as a PDF prints them.
        "Income protection claim - member statement\nMember name: Click or tap here to enter text.\nDate of birth: Click or tap to enter a date.\nCondition: Choose an item.\nTreating doctor: Click or tap here to enter text.",
        // A play's hospital scene and its cast.
        "CAST\nEDITH HARGREAVES, 70s ........ Marjorie Pell\nACT TWO, SCENE 3. A hospital ward, night.\nDR SHAH: The X-ray shows pneumonia in both lungs. We've started antibiotics.",
        // (A helper's review.) A quiz's and a catalogue's pressures.
        "Hi Tom, for question 3 the answer is 93 mmHg - mean arterial pressure in the textbook example.",
        "Estimado Sr. Ruiz: la presión normal es de 120/80 mmHg. Adjuntamos el folleto.",
        // A leaflet's norms in mmHg.
        "Normal eye pressure ranges from 10 to 21 mmHg; treatment aims below 18 mmHg. Book at ann.lee@mail.example",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}

#[test]
fn session_fifty_three_justice_travel_and_sport_shapes_are_judged() {
    for body in [
        // Care told in the name's own words, or heard from them.
        "Hi Ann,\n\nWe spoke to Walter Brennan about his sleep apnea.",
        "Hi Ann,\n\nWalter Brennan told us he has diabetes.",
        // A thread under Gmail's US attribution.
        "Done.\n\nOn Tue, Jul 6, 2027 at 11:18 AM Marcus Feldman <marcus.feldman@inbox.example> wrote:\n\n> I am paraplegic - T4 spinal cord injury from a climbing fall in 2019.",
        // The writer's own details and her own pregnancy.
        "Hi,\n\nMy details:\n\nName: Hollie Brannigan\nBooking ref: LX4P9Q\n\nI'll be 31 weeks pregnant with twins when we fly.",
        // A letter opening on its person and number; a role named again.
        "לכבוד מר עומר בן-דוד, ת.ז. 312504681\n\nהנדון: החלטת ועדה רפואית\n\nנקבעה לך דרגת נכות של 40% בגין PTSD.",
        "Vă solicităm transferul deținutului Ionuț Popescu, CNP 1900814401232, în vederea\nreechilibrării.\n\nDeținutul este cunoscut cu diabet zaharat tip 1.",
        // Singapore's FIN and Malta's identity card, with care.
        "Worker: Md Alamgir Hossain, FIN G5540187Q, fell 2.5 m and fractured his left wrist.",
        "Il-mistiedna Marija Camilleri (Karta tal-Identità 0412387M) kisret il-polz u għamlulha l-ġibs.",
        // A return-to-play review headed by the player's name.
        "RTP review - Callum Fenwick-Ashe (no. 14). Grade 2b tear of the left biceps femoris; MRI confirmed oedema.",
    ] {
        assert_eq!(protection_of(body), Protection::Encrypt, "{body}");
    }
    for body in [
        // A spokesperson's team; a press release; a police dog; a racehorse.
        "Hi Ann,\n\nJane Okafor said her team runs the diabetes clinic on Fridays.",
        "FOR IMMEDIATE RELEASE\n\nTAMPA - Garrett L. Vance, 51, owner of SunCoast Ortho Supply LLC, was sentenced today for billing Medicare for cancer genetic tests.\n\nMedia inquiries: media@usao.example",
        "Hi Finance,\n\nInvoice for Kaiser's knee operation attached against the dog section PO. PC Haddow covers patrol.",
        "Dear Mr. Whitaker,\n\nMidnight Tariff pulled up lame after Saturday's race: a bowed tendon in the left fore. He is on bute and stall rest.",
        // Role-play; the SSA's advertising numbers in test data.
        "Scenario 3 (role-play, all persons fictional): \"Gary Pugh\", played by PC Sam Rhodes, says he is a type 1 diabetic, reading 3.1.",
        "Synthetic fixtures: SSN 987-65-4320, rating PTSD 70%.",
        // Staff passes with Singapore numbers; a club leaderboard; a
        // travel manifest.
        "Name\tNRIC/FIN\tRole\nLim Wei Jie\tS8834217H\tMedical tent coordinator\nMaria Santos\tG5540187Q\tBaggage volunteer",
        "#\tMember\tMember no.\tAvg daily steps\tBadge\n1\tMarisol Gutierrez\tIW-4460118\t21,480\tSummit\n2\tTom Brannigan\tIW-4471562\t19,905\tSummit",
        "Seat\tSurname\tGiven names\tDate of birth\tPassport\tMeal\n3A\tOKONKWO\tADAEZE\t2005-02-14\tP5519034\tStandard\n3B\tSILVA\tJOANA\t2004-07-30\tP5519035\tVegetarian",
    ] {
        assert_ne!(protection_of(body), Protection::Encrypt, "{body}");
    }
}
