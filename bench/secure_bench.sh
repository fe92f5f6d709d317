#!/usr/bin/env bash
# Encryption cost per recipient for a 50 KB message: sealpost in-process
# (OpenPGP via sequoia-openpgp on OpenSSL, S/MIME via openssl CMS) printed beside the
# `gpg` and `openssl cms` command lines doing the same work in the same run.
# Needs gpg and openssl on PATH (apt-get install gnupg openssl).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in gpg openssl; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
# RUST_BACKTRACE=1 in a developer's shell would make every error that a
# library creates and drops internally capture a backtrace (sequoia does
# one per AEAD message); sealpost under systemd runs without it.
export RUST_LIB_BACKTRACE=0
exec cargo test --release --test secure_bench -- --ignored --nocapture
