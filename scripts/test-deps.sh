#!/usr/bin/env bash
# What ./scripts/test-all.sh needs on a fresh Debian 12/13 machine besides
# Rust, installed idempotently (see ensure-packages.sh for sudo/no-root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-packages.sh \
  build-essential pkg-config libssl-dev gnupg ca-certificates curl \
  python3 python3-pip swaks libnet-ssleay-perl postfix openssl prometheus \
  systemd adduser dpkg-dev
# The tests start their own Postfix instances on free loopback ports; a
# system instance started by the package would only be in the way.
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
if pgrep -x master >/dev/null 2>&1; then
  "${SUDO[@]}" systemctl stop postfix 2>/dev/null || "${SUDO[@]}" service postfix stop 2>/dev/null || true
fi
# dkimpy (with PyNaCl for Ed25519) verifies our DKIM signatures.
if ! python3 -c "import dkim, nacl" 2>/dev/null; then
  python3 -m pip install --quiet dkimpy pynacl 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages dkimpy pynacl
fi
# The REST API's real clients (integration/api_check.sh): schemathesis
# fuzzes the live API from api/openapi.yaml, standardwebhooks verifies the
# webhooks, authlib runs the OAuth client credentials flow, and
# openapi-spec-validator checks the document.
if ! python3 -c "import schemathesis, standardwebhooks, authlib, requests, openapi_spec_validator" 2>/dev/null \
   || ! command -v st >/dev/null; then
  python3 -m pip install --quiet schemathesis standardwebhooks authlib requests openapi-spec-validator 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages schemathesis standardwebhooks authlib requests openapi-spec-validator
fi
