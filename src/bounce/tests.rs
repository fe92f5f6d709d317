//! Fixture tests for [`super::parse`], decision tests for [`super::apply`]
//! and a deterministic fuzz-ish run over random and mutated inputs.

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/bounce/testdata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parsed(name: &str) -> ParsedBounce {
    parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn only(p: &ParsedBounce) -> &BouncedRecipient {
    assert_eq!(p.recipients.len(), 1, "{p:#?}");
    &p.recipients[0]
}

#[test]
fn postfix_dsn_user_unknown_is_hard() {
    let p = parsed("postfix_5_1_1.eml");
    let r = only(&p);
    assert_eq!(r.address.as_deref(), Some("nobody@clinic.example"));
    assert_eq!(
        r.original_recipient.as_deref(),
        Some("Nobody@clinic.example")
    );
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.kind, BounceKind::Hard);
    assert_eq!(r.diagnostic.as_deref(), Some("unknown user: \"nobody\""));
    assert!(!p.is_arf);
    assert_eq!(p.original_envelope_id.as_deref(), Some("0193AB0012345678"));
    assert_eq!(
        p.original_mail_from.as_deref(),
        Some("b+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@bounces.customer.example")
    );
}

#[test]
fn gmail_over_quota_is_mailbox_full() {
    let p = parsed("gmail_5_2_2.eml");
    let r = only(&p);
    assert_eq!(r.address.as_deref(), Some("full.patient@gmail.com"));
    assert_eq!(r.status.as_deref(), Some("5.2.2"));
    assert_eq!(r.kind, BounceKind::MailboxFull);
    let diag = r.diagnostic.as_deref().unwrap_or_default();
    assert!(diag.starts_with("552-5.2.2 The email account"), "{diag}");
    assert!(
        diag.contains("over quota and inactive. For more"),
        "unfolded: {diag}"
    );
}

#[test]
fn exchange_ndr_plain_text_is_hard_and_merged() {
    let p = parsed("exchange_ndr.eml");
    let r = only(&p);
    assert_eq!(r.address.as_deref(), Some("j.former@hospital.example"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.kind, BounceKind::Hard);
    assert!(
        r.diagnostic
            .as_deref()
            .unwrap_or_default()
            .contains("RecipNotFound")
    );
}

#[test]
fn exim_plain_text_bounce_is_hard_and_ignores_quoted_original() {
    let p = parsed("exim_plain.eml");
    let r = only(&p);
    assert_eq!(r.address.as_deref(), Some("gone@practice.example"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.kind, BounceKind::Hard);
}

#[test]
fn qmail_bounce_is_hard() {
    let p = parsed("qmail.eml");
    let r = only(&p);
    assert_eq!(r.address.as_deref(), Some("olduser@smallclinic.example"));
    assert_eq!(r.status.as_deref(), Some("5.1.1"));
    assert_eq!(r.kind, BounceKind::Hard);
}

#[test]
fn delayed_dsn_is_not_a_bounce() {
    let p = parsed("delayed.eml");
    let r = only(&p);
    assert_eq!(r.kind, BounceKind::Delayed);
    assert_eq!(r.status.as_deref(), Some("4.4.1"));
    let actions = apply(&p, Some((1, 0)));
    assert!(
        matches!(actions.as_slice(), [Action::Ignore { .. }]),
        "{actions:?}"
    );
}

#[test]
fn arf_report_is_a_complaint() {
    let p = parsed("arf_complaint.eml");
    assert!(p.is_arf);
    let r = only(&p);
    assert_eq!(r.kind, BounceKind::Complaint);
    assert_eq!(r.address.as_deref(), Some("annoyed.patient@yahoo.example"));
    assert!(
        r.diagnostic
            .as_deref()
            .unwrap_or_default()
            .contains("feedback-type=abuse")
    );
    assert_eq!(
        p.original_mail_from.as_deref(),
        Some("b+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag@bounces.customer.example")
    );
}

#[test]
fn garbage_multipart_gives_error_or_nothing_useful() {
    match parse(&fixture("garbage_multipart.eml")) {
        Err(_) => {}
        Ok(p) => assert!(
            p.recipients
                .iter()
                .all(|r| !r.kind.is_failure() || r.address.is_none()),
            "{p:#?}"
        ),
    }
}

#[test]
fn mime_parser_assertion_does_not_escape() {
    // Found by the fuzz test: mail-parser 0.11.9 hits a debug_assert! here.
    let _ = parse(&fixture("mailparser_debug_assert.eml"));
}

#[test]
fn non_bounces_and_empty_input_yield_no_recipients() {
    assert!(parse(b"").is_err() || parse(b"").is_ok_and(|p| p.recipients.is_empty()));
    let hello = b"From: friend@x.example\r\nSubject: hi\r\n\r\nbob@y.example says hello\r\n";
    assert!(parse(hello).expect("parses").recipients.is_empty());
}

#[test]
fn plain_text_mailbox_full_is_recognised() {
    let raw = b"From: MAILER-DAEMON@mx.example\r\nSubject: Returned mail\r\n\r\n\
<fulluser@example.net>:\r\nSorry, the user's mailbox is full. Quota exceeded.\r\n";
    let p = parse(raw).expect("parses");
    assert_eq!(only(&p).kind, BounceKind::MailboxFull);
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b'a'; parse::MAX_INPUT + 1];
    assert!(matches!(parse(&big), Err(BounceError::TooLarge(_))));
}

#[test]
fn hard_bounce_marks_and_suppresses() {
    let actions = apply(&parsed("postfix_5_1_1.eml"), Some((42, 3)));
    assert_eq!(
        actions[0],
        Action::MarkBounced {
            queue_id: 42,
            rcpt_index: 3,
            kind: BounceKind::Hard,
            reason: BounceReason::UnknownUser,
            status: Some("5.1.1".into())
        }
    );
    assert!(matches!(
        &actions[1],
        Action::Suppress { queue_id: 42, rcpt_index: 3, reason: SuppressReason::HardBounce, reported: Some(a), .. }
            if a == "nobody@clinic.example"
    ));
    assert_eq!(actions.len(), 2);
}

#[test]
fn mailbox_full_marks_but_does_not_suppress() {
    let actions = apply(&parsed("gmail_5_2_2.eml"), Some((7, 0)));
    assert!(matches!(
        actions.as_slice(),
        [Action::MarkBounced {
            kind: BounceKind::MailboxFull,
            ..
        }]
    ));
}

#[test]
fn complaint_suppresses_without_marking_bounced() {
    let actions = apply(&parsed("arf_complaint.eml"), Some((7, 1)));
    assert!(matches!(
        actions.as_slice(),
        [Action::Suppress {
            reason: SuppressReason::Complaint,
            ..
        }]
    ));
}

#[test]
fn bounce_without_authenticated_token_changes_nothing() {
    for name in ["postfix_5_1_1.eml", "arf_complaint.eml", "qmail.eml"] {
        let actions = apply(&parsed(name), None);
        assert!(
            matches!(actions.as_slice(), [Action::Ignore { .. }]),
            "{name}"
        );
    }
}

#[test]
fn forged_token_end_to_end_is_ignored() {
    let ours = VerpKey::from_bytes(&[1u8; 32]);
    let forger = VerpKey::from_bytes(&[2u8; 32]);
    let rcpt = forger.encode(5, 0, "bounces.customer.example");
    let verp = ours.decode(&rcpt).ok();
    assert!(verp.is_none());
    let actions = apply(&parsed("postfix_5_1_1.eml"), verp);
    assert!(matches!(actions.as_slice(), [Action::Ignore { .. }]));
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

const FIXTURES: &[&str] = &[
    "postfix_5_1_1.eml",
    "gmail_5_2_2.eml",
    "exchange_ndr.eml",
    "exim_plain.eml",
    "qmail.eml",
    "delayed.eml",
    "arf_complaint.eml",
    "garbage_multipart.eml",
    "mailparser_debug_assert.eml",
];

const INTERESTING: &[&[u8]] = &[
    b"\r\n",
    b"\n\n",
    b"--",
    b":",
    b";",
    b"<",
    b">",
    b"@",
    b"\xff",
    b"\xc3",
    b"=\r\n",
    b"Content-Type: multipart/report; boundary=x\r\n",
    b"Action: failed\r\n",
    b"Status: 5.1.1\r\n",
    b"Final-Recipient: rfc822; a@b.c\r\n",
    b"\t",
    b"message/delivery-status",
    b"message/feedback-report",
    b"5.",
    b"#550 ",
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(4) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] = rng.next() as u8;
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(at..at, piece.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            _ => {
                let end = (at + rng.below(128)).min(data.len());
                let copy: Vec<u8> = data[at..end].to_vec();
                data.splice(at..at, copy);
            }
        }
    }
}

#[test]
fn parse_never_panics_on_random_or_mutated_input() {
    let mut rng = Rng(0x5EA1_0057_B0C3_CE55);
    let seeds: Vec<Vec<u8>> = FIXTURES.iter().map(|f| fixture(f)).collect();
    for round in 0..3000 {
        let input = if round % 5 == 0 {
            (0..rng.below(2048)).map(|_| rng.next() as u8).collect()
        } else {
            let mut data = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &mut data);
            data
        };
        if let Ok(p) = parse(&input) {
            assert!(p.recipients.len() <= parse::MAX_RECIPIENTS);
            for r in &p.recipients {
                assert!(
                    r.diagnostic
                        .as_ref()
                        .is_none_or(|d| d.len() <= parse::MAX_DIAGNOSTIC)
                );
            }
            let _ = apply(&p, Some((1, 1)));
        }
    }
}

#[test]
fn many_recipients_are_bounded() {
    let mut raw = String::from(
        "From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n",
    );
    for i in 0..1000 {
        raw.push_str(&format!(
            "Final-Recipient: rfc822; u{i}@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    let p = parse(raw.as_bytes()).expect("parses");
    assert_eq!(p.recipients.len(), parse::MAX_RECIPIENTS);
}
