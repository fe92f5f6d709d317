//! The SEIPDv1 packet (RFC 9580 §5.13.1, "Symmetrically Encrypted and
//! Integrity Protected Data" with a Modification Detection Code), for
//! recipients whose certificates do not advertise SEIPDv2 — every key made
//! by GnuPG.
//!
//! Why not sequoia's stream `Encryptor`: it hashes the MDC with
//! `sha1collisiondetection` (SHA-1 with collision-attack detection), which
//! sequoia uses for every SHA-1 so that forged *signatures* are caught. An
//! MDC is not a signature: it is computed by us over our own plaintext and
//! travels encrypted, so detection protects nothing here, yet it was half
//! the instructions of a SEIPDv1 message (bench/README.md). This module
//! does the same packet with OpenSSL's SHA-1 and AES-CFB; sequoia still
//! builds everything inside it (literal data, signatures) and every PKESK.
//!
//! Layout, all of it after the version octet encrypted with AES-256 in
//! OpenPGP CFB mode with a zero IV and no resynchronisation (§5.13.1):
//!
//! ```text
//! 0xD2 length  0x01  CFB( prefix[16] || prefix[14..16] || packets
//!                          || 0xD3 0x14 || SHA-1(everything before it) )
//! ```
//!
//! Invariants: the prefix is fresh random bytes per message; the MDC
//! covers the prefix, its repetition, the packets and the MDC packet's own
//! two header octets; the packet has one definite length (the body is in
//! memory), so no partial-body chunking is involved.

use openssl::cipher::Cipher;
use openssl::cipher_ctx::CipherCtx;
use openssl::error::ErrorStack;
use openssl::sha::Sha1;

/// AES block size: the random prefix length.
const BLOCK: usize = 16;
/// Packet tag 18 in the OpenPGP packet format (RFC 9580 §4.2.1).
const SEIPD_HEADER: u8 = 0xC0 | 18;
/// MDC packet header: tag 19, length 20.
const MDC_HEADER: [u8; 2] = [0xD3, 0x14];

/// Errors of [`encrypt`].
#[derive(Debug, thiserror::Error)]
pub enum Seipd1Error {
    #[error("openssl: {0}")]
    OpenSsl(#[from] ErrorStack),
    #[error("session key must be 32 bytes (AES-256)")]
    KeySize,
    #[error("message too large for one OpenPGP packet")]
    TooLarge,
}

/// Appends to `out` a SEIPDv1 packet holding `packets` (serialized
/// OpenPGP packets: literal data, optionally one-pass signature and
/// signature), encrypted with the AES-256 `session_key`.
pub fn encrypt(session_key: &[u8], packets: &[u8], out: &mut Vec<u8>) -> Result<(), Seipd1Error> {
    if session_key.len() != 32 {
        return Err(Seipd1Error::KeySize);
    }
    let body_len = 1 + BLOCK + 2 + packets.len() + MDC_HEADER.len() + 20;
    let body_len = u32::try_from(body_len).map_err(|_| Seipd1Error::TooLarge)?;
    out.reserve(6 + body_len as usize);
    out.push(SEIPD_HEADER);
    push_length(out, body_len);
    out.push(1); // version

    let mut prefix = [0u8; BLOCK + 2];
    openssl::rand::rand_bytes(&mut prefix[..BLOCK])?;
    prefix[BLOCK] = prefix[BLOCK - 2];
    prefix[BLOCK + 1] = prefix[BLOCK - 1];

    let mut ctx = CipherCtx::new()?;
    ctx.encrypt_init(
        Some(Cipher::aes_256_cfb128()),
        Some(session_key),
        Some(&[0; BLOCK]),
    )?;
    let mut mdc = Sha1::new();
    for part in [&prefix[..], packets, &MDC_HEADER[..]] {
        mdc.update(part);
        ctx.cipher_update_vec(part, out)?;
    }
    ctx.cipher_update_vec(&mdc.finish(), out)?;
    ctx.cipher_final_vec(out)?;
    Ok(())
}

/// New-format body length (RFC 9580 §4.2.1.1), the shortest encoding.
fn push_length(out: &mut Vec<u8>, len: u32) {
    match len {
        0..=191 => out.push(len as u8),
        192..=8383 => {
            let l = len - 192;
            out.push((l >> 8) as u8 + 192);
            out.push(l as u8);
        }
        _ => {
            out.push(0xFF);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sequoia_openpgp as pgp;

    use pgp::crypto::SessionKey;
    use pgp::packet::Tag;
    use pgp::packet::header::BodyLength;
    use pgp::parse::{PacketParser, PacketParserResult, Parse};
    use pgp::serialize::MarshalInto;
    use pgp::serialize::stream::{LiteralWriter, Message};
    use pgp::types::SymmetricAlgorithm;
    use std::io::Write;

    fn literal(data: &[u8]) -> Vec<u8> {
        let mut packets = Vec::new();
        let message = Message::new(&mut packets);
        let mut w = LiteralWriter::new(message).build().expect("literal");
        w.write_all(data).expect("write");
        w.finalize().expect("finalize");
        packets
    }

    /// Decrypts with sequoia's parser, which checks the quick-check bytes
    /// and computes the MDC; returns the literal body. (The MDC packet
    /// variant is deprecated as an implementation detail of sequoia's own
    /// decryptor; here it is exactly what is under test.)
    #[allow(deprecated)]
    fn sequoia_open(message: &[u8], sk: &SessionKey) -> Result<Vec<u8>, String> {
        let e = |e: anyhow::Error| e.to_string();
        let mut ppr = PacketParser::from_bytes(message).map_err(e)?;
        let mut body = None;
        let mut mdc_ok = false;
        while let PacketParserResult::Some(mut pp) = ppr {
            match pp.packet.tag() {
                Tag::SEIP => pp.decrypt(SymmetricAlgorithm::AES256, sk).map_err(e)?,
                Tag::Literal => {
                    pp.buffer_unread_content().map_err(|x| x.to_string())?;
                    if let pgp::Packet::Literal(l) = &pp.packet {
                        body = Some(l.body().to_vec());
                    }
                }
                Tag::MDC => {
                    if let pgp::Packet::MDC(m) = &pp.packet {
                        mdc_ok = m.valid();
                    }
                }
                _ => {}
            }
            ppr = pp.recurse().map_err(e)?.1;
        }
        if !mdc_ok {
            return Err("MDC missing or wrong".into());
        }
        body.ok_or_else(|| "no literal body".into())
    }

    #[test]
    fn sequoia_decrypts_and_checks_the_mdc_for_every_length_encoding() {
        // Body lengths on both sides of the 1-, 2- and 5-octet encodings.
        for n in [0, 100, 150, 160, 8000, 8300, 8400, 60_000] {
            let data: Vec<u8> = (0..n).map(|i| (i % 253) as u8).collect();
            let sk = SessionKey::new(32).expect("sk");
            let mut out = Vec::new();
            encrypt(&sk, &literal(&data), &mut out).expect("encrypt");
            assert_eq!(sequoia_open(&out, &sk), Ok(data), "n={n}");
        }
    }

    #[test]
    fn a_flipped_ciphertext_bit_fails_the_mdc() {
        let sk = SessionKey::new(32).expect("sk");
        let mut out = Vec::new();
        encrypt(&sk, &literal(&[7u8; 1000]), &mut out).expect("encrypt");
        let i = out.len() - 30;
        out[i] ^= 1;
        assert!(sequoia_open(&out, &sk).is_err(), "tampering went unnoticed");
    }

    #[test]
    fn lengths_use_the_shortest_form() {
        for (len, want) in [
            (191u32, BodyLength::Full(191)),
            (192, BodyLength::Full(192)),
            (8383, BodyLength::Full(8383)),
            (8384, BodyLength::Full(8384)),
        ] {
            let mut ours = Vec::new();
            push_length(&mut ours, len);
            let theirs = want.to_vec().expect("serialize");
            assert_eq!(ours, theirs, "len={len}");
        }
    }

    #[test]
    fn wrong_key_size_is_an_error() {
        let mut out = Vec::new();
        assert!(matches!(
            encrypt(&[0u8; 16], b"x", &mut out),
            Err(Seipd1Error::KeySize)
        ));
    }
}
