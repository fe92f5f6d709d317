#!/usr/bin/env bash
# Crash test: 5,000 messages through sealpost while it is killed with SIGKILL
# at random moments (at least 10 times) and restarted on the same spool; every
# message that got "250" must reach the recording sink. See crash_test.py.
#
#   bash integration/crash_test.sh
#
# Environment (all optional):
#   SEALPOST_BIN  binary to test; default: cargo build --release, target/release/sealpost
#   MESSAGES      acknowledged messages to reach (default 5000)
#   SESSIONS      concurrent submitting sessions (default 8)
#   KILLS         minimum number of kill -9 (default 10)
#   SEED          random seed, to repeat a run's kill timing as closely as possible
#   SINK_DELAY    seconds the sink waits before each 250 (default 0.1)
#   RATE          submission pace in msg/s (default: auto; 0 = unpaced)
#   CRASH_TMPDIR  where the spool lives (a real disk), default $TMPDIR or /tmp
#   KEEP_WORK=1   keep the work directory (spool, logs, records) even on success
#   MAX_DUP_PCT   fail if more than this % of acknowledged messages arrive again after
#                 sealpost had seen the sink's 250 for them (default 0.5; empty: no limit).
#                 Copies whose 250 never reached sealpost (cut by the kill, RFC 1047) are
#                 counted and shown, but no relay can avoid them.
#   LAZYFS_BIN    run the spool and audit log on tools/lazyfs and make every kill a
#                 power loss (see integration/powerloss_test.sh, which sets it)
#   LAZYFS_NAMES  posix (default: a name change lasts only once its directory is
#                 fsync'd) or journal (any file fsync commits names too, as ext4)
#   TLS_CERT, TLS_KEY  a certificate for sealpost's [tls] (default: the self-signed
#                 pair it makes under the spool on its first start)
#   SKIP_INSTALL=1  do not apt-get install anything
# Every restart is followed by `sealpost audit verify` (the chain must hold).
# Exit status: 0 if no acknowledged message was lost, the audit log verified
# every time and duplicates stayed within MAX_DUP_PCT; 1 otherwise.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

if [ "${SKIP_INSTALL:-}" != 1 ] && ! command -v python3 >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(id -u)" = 0 ]; then
        apt-get update -q
        apt-get install -y -q --no-install-recommends python3
    else
        echo "crash_test.sh: python3 is missing (run as root to install it)" >&2
        exit 2
    fi
fi

if [ -z "${SEALPOST_BIN:-}" ]; then
    echo "[crash] building sealpost (cargo build --release)" >&2
    (cd "$repo" && cargo build --release 2>&1 | tail -n 20) || {
        echo "crash_test.sh: cargo build --release failed" >&2; exit 1; }
    SEALPOST_BIN=$repo/target/release/sealpost
fi
[ -x "$SEALPOST_BIN" ] || { echo "crash_test.sh: no executable at $SEALPOST_BIN" >&2; exit 1; }
SEALPOST_BIN=$(cd "$(dirname "$SEALPOST_BIN")" && pwd)/$(basename "$SEALPOST_BIN")

base=${CRASH_TMPDIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$base/sealpost-crash.XXXXXX")
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
    echo "[crash] WARNING: $work is on tmpfs; a process kill still tests the spool, a power loss would not" >&2
fi

# Run a private copy: a rebuild of target/release during the test cannot
# swap the binary between two restarts.
cp "$SEALPOST_BIN" "$work/sealpost"
SEALPOST_BIN=$work/sealpost

runner_pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
        # the runner, the sink, sealpost and lazyfs share the runner's process group
        kill -TERM -- "-$runner_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$runner_pid" 2>/dev/null || true
    fi
    # A lazyfs killed with its runner leaves its mount behind.
    if grep -q " $work/mnt " /proc/self/mounts 2>/dev/null; then
        umount -l "$work/mnt" 2>/dev/null || true
    fi
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then
        rm -rf "$work"
    else
        echo "[crash] work directory kept: $work (sealpost.log, acked.txt, sink.record, result.json)" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# unset: 0.5 (the issue's target); set but empty: no limit
max_dup=${MAX_DUP_PCT-0.5}
dup_args=()
[ -n "$max_dup" ] && dup_args=(--max-dup-pct "$max_dup")

setsid python3 "$here/crash_test.py" run --bin "$SEALPOST_BIN" --workdir "$work" \
    --messages "${MESSAGES:-5000}" --sessions "${SESSIONS:-8}" --kills "${KILLS:-10}" \
    --sink-delay "${SINK_DELAY:-0.1}" ${RATE:+--rate "$RATE"} ${SEED:+--seed "$SEED"} \
    ${TLS_CERT:+--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY"} \
    "${dup_args[@]}" ${LAZYFS_BIN:+--lazyfs "$LAZYFS_BIN" --lazyfs-names "${LAZYFS_NAMES:-posix}"} \
    --json "$work/result.json" &
runner_pid=$!
set +e
wait "$runner_pid"
rc=$?
set -e
runner_pid=
exit "$rc"
