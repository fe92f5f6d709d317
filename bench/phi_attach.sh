#!/usr/bin/env bash
# Attachment extraction speed and memory (see examples/phi_attach.rs):
# MB/s for PDF and DOCX, peak RSS with a 30 MB attachment.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example phi_attach
./target/release/examples/phi_attach "${1:-3}"
# Peak memory of one 30 MB attachment, each in a fresh process.
./target/release/examples/phi_attach mem pdf
./target/release/examples/phi_attach mem docx
