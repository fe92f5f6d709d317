#!/usr/bin/env bash
# What ./scripts/test-all.sh needs on a fresh Debian 12/13 machine besides
# Rust, installed idempotently (see ensure-packages.sh for sudo/no-root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-packages.sh \
  build-essential pkg-config libssl-dev gnupg ca-certificates curl \
  python3 python3-pip python3-dkim python3-nacl swaks libnet-ssleay-perl \
  postfix openssl prometheus systemd adduser dpkg-dev procps kmod \
  chromium nodejs wrk fonts-dejavu-core postgresql
# npm: Debian's package, unless a Node.js build that bundles npm is there.
command -v npm >/dev/null || bash scripts/ensure-packages.sh npm
# kmod: the power-loss test loads the fuse module (modprobe fuse) when
# /dev/fuse is missing; tools/lazyfs mounts with mount(2) as root, so
# neither fuse3 (fusermount3) nor libfuse3-dev is needed.
# The tests start their own Postfix instances on free loopback ports; a
# system instance started by the package would only be in the way.
if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
if pgrep -x master >/dev/null 2>&1; then
  "${SUDO[@]}" systemctl stop postfix 2>/dev/null || "${SUDO[@]}" service postfix stop 2>/dev/null || true
fi
# dkimpy (with PyNaCl for Ed25519) verifies our DKIM signatures; Debian's
# python3-dkim/python3-nacl above, pip only where another Python is first
# on PATH (a pyenv interpreter does not see Debian's modules).
if ! python3 -c "import dkim, nacl" 2>/dev/null; then
  python3 -m pip install --quiet dkimpy pynacl 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages dkimpy pynacl
fi
# cargo-afl (AFL++ for the fuzz smoke pass); installing it builds AFL++.
command -v cargo-afl >/dev/null || cargo afl --version >/dev/null 2>&1 \
  || cargo install --locked cargo-afl
# The REST API's real clients (integration/api_check.sh): schemathesis
# fuzzes the live API from api/openapi.yaml, standardwebhooks verifies the
# webhooks, authlib runs the OAuth client credentials flow, and
# openapi-spec-validator checks the document.
if ! python3 -c "import schemathesis, standardwebhooks, authlib, requests, openapi_spec_validator" 2>/dev/null \
   || ! command -v st >/dev/null; then
  python3 -m pip install --quiet schemathesis standardwebhooks authlib requests openapi-spec-validator 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages schemathesis standardwebhooks authlib requests openapi-spec-validator
fi
