#!/usr/bin/env bash
# The recipients' portal in Debian's Chromium, driven by Playwright from
# npm (playwright-core with executablePath, no browser download) and
# checked by axe-core on every page. Screenshots of every page go to
# $PORTAL_ARTIFACTS (default: a new temporary directory, printed at the end).
# Needs: chromium, nodejs/npm, openssl (scripts/test-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SEALPOST_BIN:-$PWD/target/release/sealpost}"
if [ ! -x "$BIN" ]; then
  cargo build --release
fi
export SEALPOST_BIN="$BIN"
cd integration/portal
npm ci --no-audit --no-fund --loglevel=error
# Playwright must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec node portal_test.mjs
