#!/usr/bin/env bash
# REST API benchmarks: API vs SMTP submissions per second on one sealpost
# (same durability, same run), and the delivery latency of a priority-9 API
# message behind a 10,000-message priority-2 backlog to a slow sink.
# See api_bench.py.
#
#   bash bench/api_bench.sh
#
# Environment (all optional):
#   SEALPOST_BIN  binary; default: cargo build --release, target/release/sealpost
#   SIZE          message text size in bytes (default 5000)
#   ROUNDS        alternating SMTP/API rounds (default 2)
#   BACKLOG       priority-2 messages before the priority-9 one (default 10000)
#   ONLY          throughput, priority, or both (default)
#   KEEP_WORK=1   keep the work directory
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v smtp-sink >/dev/null || missing+=(postfix)
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "api_bench.sh: missing ${missing[*]} (run as root to install)" >&2; exit 2; }
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ -z "${SEALPOST_BIN:-}" ]; then
    (cd "$repo" && cargo build --release 2>&1 | tail -n 3)
    SEALPOST_BIN=$repo/target/release/sealpost
fi
# The HTTP load generator (examples/api_load.rs), built beside the binary.
if [ -z "${API_LOAD_BIN:-}" ]; then
    (cd "$repo" && cargo build --release --example api_load 2>&1 | tail -n 3)
    export API_LOAD_BIN=$repo/target/release/examples/api_load
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-api-bench.XXXXXX")
cleanup() {
    local rc=$?
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$work"; else echo "[api-bench] work directory kept: $work" >&2; fi
    exit "$rc"
}
trap cleanup EXIT
timeout 3000 python3 "$here/api_bench.py" --bin "$SEALPOST_BIN" --workdir "$work" \
    --size "${SIZE:-5000}" --rounds "${ROUNDS:-2}" --backlog "${BACKLOG:-10000}" \
    --only "${ONLY:-throughput,priority}"
