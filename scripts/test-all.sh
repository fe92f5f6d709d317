#!/usr/bin/env bash
# Runs every test of sealpost: formatting and lints, unit + dialog +
# end-to-end cargo tests (promtool checks a real /metrics scrape), then the
# real-peer integration scripts (swaks, Python smtplib, Postfix
# smtp-sink/smtp-source and Postfix as a client; schemathesis, the
# standardwebhooks verifier and authlib against the REST API), the kill -9
# crash test,
# systemd-analyze verify/security on the unit, and the Debian package
# (built, inspected, installed and purged). Installs what it needs first
# (scripts/test-deps.sh: Debian packages and PyPI modules, idempotently).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== prerequisites"
bash scripts/test-deps.sh
command -v cargo >/dev/null || { echo "cargo not found: install Rust 1.95 (rustup)"; exit 1; }

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo test"
cargo test --all-targets
echo "== promtool: example alert rules and scrape config"
promtool check rules conf/prometheus-alerts.yml
promtool check config conf/prometheus-scrape.yml
echo "== cargo build --release (for the integration scripts)"
cargo build --release
export SEALPOST_BIN="$PWD/target/release/sealpost"
for t in integration/peers.sh integration/api_check.sh integration/quickstart.sh integration/crash_test.sh integration/systemd_check.sh; do
  echo "== $t"
  bash "$t"
done
echo "== Debian package: build and check"
SEALPOST_DEB_NO_BUILD=1 bash packaging/build-deb.sh
SEALPOST_DEB_PURGE=1 bash integration/deb_check.sh
echo "== all tests passed"
