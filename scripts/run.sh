#!/usr/bin/env bash
# Quick start: install what building and trying sealpost needs (Debian 12
# or 13: a C toolchain, OpenSSL headers, swaks and curl to try it), build
# it, and run it in the foreground with conf/sealpost.toml (or the file in
# SEALPOST_CONFIG). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
# swaks needs Net::SSLeay for --tls (only a Recommends of the package).
bash scripts/ensure-packages.sh build-essential pkg-config libssl-dev ca-certificates swaks libnet-ssleay-perl curl
if ! command -v cargo >/dev/null; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null || {
  echo "sealpost: Rust is needed (1.95 or newer): https://rustup.rs" >&2
  exit 1
}
cargo build --release --locked
# No transparent huge pages for the allocator's arenas (Cargo.toml, mimalloc).
export MIMALLOC_ALLOW_THP="${MIMALLOC_ALLOW_THP:-0}"
exec "${CARGO_TARGET_DIR:-target}/release/sealpost" serve --config "${SEALPOST_CONFIG:-conf/sealpost.toml}"
