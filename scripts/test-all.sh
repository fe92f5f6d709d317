#!/usr/bin/env bash
# Runs every test of sealpost: formatting and lints, unit + dialog +
# end-to-end cargo tests, then the real-peer integration scripts (swaks,
# Python smtplib, Postfix smtp-sink/smtp-source and Postfix as a client)
# and the kill -9 crash test. Needs the packages that .ci/run installs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test --all-targets
echo "== cargo build --release (for the integration scripts)"
cargo build --release
export SEALPOST_BIN="$PWD/target/release/sealpost"
for t in integration/peers.sh integration/crash_test.sh; do
  if [ -f "$t" ]; then
    echo "== $t"
    bash "$t"
  fi
done
echo "== all tests passed"
