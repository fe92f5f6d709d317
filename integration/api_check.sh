#!/usr/bin/env bash
# Real-client checks of the REST API: schemathesis (generated requests from
# api/openapi.yaml against the live API: no 5xx, every response conforms),
# the standardwebhooks verifier on every webhook (receiver down, then up),
# authlib's OAuth 2.0 client credentials flow, and the document's examples.
# The checks are in api_check.py; this wrapper finds the binary and cleans up.
#
#   bash integration/api_check.sh
#
# Environment (all optional):
#   SEALPOST_BIN       binary to test; default: cargo build --release
#   API_ONLY           comma-separated check names (openapi, oauth, webhooks, schemathesis)
#   API_FUZZ_EXAMPLES  schemathesis examples per operation (default 40)
#   KEEP_WORK=1        keep the work directory (config, logs, schemathesis report)
# Needs the PyPI modules of scripts/test-deps.sh (schemathesis, standardwebhooks,
# authlib, openapi-spec-validator). All traffic stays on 127.0.0.1.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
if ! python3 -c "import schemathesis, standardwebhooks, authlib, openapi_spec_validator" 2>/dev/null \
   || ! command -v st >/dev/null; then
    echo "api_check.sh: missing PyPI modules; run scripts/test-deps.sh" >&2
    exit 2
fi
if [ -z "${SEALPOST_BIN:-}" ]; then
    (cd "$repo" && cargo build --release 2>&1 | tail -n 5)
    SEALPOST_BIN=$repo/target/release/sealpost
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-api.XXXXXX")
cleanup() {
    local rc=$?
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$work"; else echo "[api] work directory kept: $work" >&2; fi
    exit "$rc"
}
trap cleanup EXIT
timeout 1500 python3 "$here/api_check.py" --bin "$SEALPOST_BIN" --workdir "$work" --only "${API_ONLY:-}"
