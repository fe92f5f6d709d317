#!/usr/bin/env bash
# Runs every test of sealpost: formatting and lints, unit + dialog +
# end-to-end cargo tests (promtool checks a real /metrics scrape), a short
# AFL++ pass over every fuzz target, then the
# real-peer integration scripts (swaks, Python smtplib, Postfix
# smtp-sink/smtp-source and Postfix as a client; schemathesis, the
# standardwebhooks verifier and authlib against the REST API), the portal in
# Chromium (Playwright + axe-core), the kill -9 crash test,
# the power-loss test (spool and audit log on tools/lazyfs, a FUSE file
# system that drops what was not fsync'd; it fails if FUSE is unusable),
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
(cd tools/lazyfs && cargo fmt -- --check)
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
(cd tools/lazyfs && cargo clippy --locked --all-targets -- -D warnings)
echo "== cargo test"
cargo test --all-targets
echo "== tools/lazyfs (the power-loss test's file system): unit tests"
(cd tools/lazyfs && cargo test --locked)
echo "== fuzz smoke pass (AFL++, 10 s per target)"
bash fuzz/run.sh 10
echo "== promtool: example alert rules and scrape config"
promtool check rules conf/prometheus-alerts.yml
promtool check config conf/prometheus-scrape.yml
echo "== cargo build --release (for the integration scripts)"
cargo build --release
(cd tools/lazyfs && cargo build --release --locked)
export SEALPOST_BIN="$PWD/target/release/sealpost"
# Only the power-loss test runs on lazyfs; the crash test is plain kill -9.
LAZYFS="$PWD/tools/lazyfs/target/release/lazyfs"
for t in integration/peers.sh integration/api_check.sh integration/quickstart.sh \
    integration/crash_test.sh integration/powerloss_test.sh integration/systemd_check.sh \
    integration/portal_browser.sh; do
  echo "== $t"
  if [ "$t" = integration/powerloss_test.sh ]; then
    LAZYFS_BIN="$LAZYFS" bash "$t"
  else
    bash "$t"
  fi
done
echo "== Debian package: build and check"
SEALPOST_DEB_NO_BUILD=1 bash packaging/build-deb.sh
SEALPOST_DEB_PURGE=1 bash integration/deb_check.sh
echo "== all tests passed"
