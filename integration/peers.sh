#!/usr/bin/env bash
# Real-peer integration test: sealpost against Python smtplib, raw pipelined
# sockets, swaks, Postfix smtp-source/smtp-sink and a private Postfix instance
# relaying through it. The checks themselves are in peers.py; this wrapper
# installs what is missing, finds the binary, and cleans up.
#
#   bash integration/peers.sh
#
# Environment (all optional):
#   SEALPOST_BIN    binary to test; default: cargo build --release, target/release/sealpost
#   PEERS_ONLY      comma-separated substrings of check names to run (e.g. "swaks,smuggling")
#   PEERS_TIMEOUT   hard limit for the whole run in seconds (default 170)
#   KEEP_WORK=1     keep the work directory (config, logs, dumps) even on success
#   SKIP_INSTALL=1  do not apt-get install anything
# Output: one "PASS name" / "FAIL name: why" line per check, then
# "N passed, M failed". Exit status 0 only if nothing failed.
# All traffic stays on 127.0.0.1, on ports chosen at run time. The system's
# Postfix instance is never started; a private one lives in the work directory.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

# ------------------------------------------------------------ dependencies
# smtp-sink/smtp-source/postconf live in /usr/sbin, not always on PATH
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v swaks >/dev/null || missing+=(swaks)
{ command -v smtp-sink && command -v smtp-source && command -v postfix; } >/dev/null || missing+=(postfix)
# swaks needs Net::SSLeay for --tls (only a "Recommends" of the Debian package)
if command -v swaks >/dev/null && ! swaks --support 2>&1 | grep -q '=== TLS supported'; then
    missing+=(libnet-ssleay-perl)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "${SKIP_INSTALL:-}" = 1 ] || [ "$(id -u)" != 0 ]; then
        echo "peers.sh: missing ${missing[*]} (run as root to install them)" >&2
        exit 2
    fi
    echo "[peers] installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Postfix without questions; the package must not bring up a system
    # instance that we would rely on (we never start it).
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -q
    apt-get install -y -q swaks postfix python3 libnet-ssleay-perl
fi

# ------------------------------------------------------------ binary
if [ -z "${SEALPOST_BIN:-}" ]; then
    echo "[peers] building sealpost (cargo build --release)" >&2
    (cd "$repo" && cargo build --release 2>&1 | tail -n 20) || {
        echo "peers.sh: cargo build --release failed" >&2; exit 1; }
    SEALPOST_BIN=$repo/target/release/sealpost
fi
[ -x "$SEALPOST_BIN" ] || { echo "peers.sh: no executable at $SEALPOST_BIN" >&2; exit 1; }
SEALPOST_BIN=$(cd "$(dirname "$SEALPOST_BIN")" && pwd)/$(basename "$SEALPOST_BIN")

# ------------------------------------------------------------ work dir + cleanup
work=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-peers.XXXXXX")
# Postfix daemons run as "postfix" and must traverse into the private
# instance's queue directory below $work.
chmod 755 "$work"
# A private copy: a rebuild of target/release during the run cannot swap it.
cp "$SEALPOST_BIN" "$work/sealpost"

runner_pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
        # peers.py, its sink threads, sealpost and smtp-sink share its process group
        kill -TERM -- "-$runner_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$runner_pid" 2>/dev/null || true
    fi
    # The Postfix master daemonizes out of our process group: stop it by its pid file.
    if [ -d "$work/postfix/etc" ]; then
        bash "$repo/bench/postfix_instance.sh" stop "$work/postfix" || true
    fi
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then
        rm -rf "$work"
    else
        echo "[peers] work directory kept: $work (sealpost.log, sealpost.toml, swaks-*.log, postfix/maillog)" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set +e
setsid timeout -k 10 "${PEERS_TIMEOUT:-170}" python3 "$here/peers.py" \
    --bin "$work/sealpost" --workdir "$work" --repo "$repo" --only "${PEERS_ONLY:-}" &
runner_pid=$!
wait "$runner_pid"
rc=$?
set -e
runner_pid=
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAIL peers.py did not finish within ${PEERS_TIMEOUT:-170}s"
    echo "0 passed, 1 failed"
fi
exit "$rc"
