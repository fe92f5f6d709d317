#!/usr/bin/env bash
# Side-by-side relay benchmark: smtp-source -> relay -> smtp-sink, for a
# private Postfix instance and for sealpost, 5 KB and 50 KB messages.
# See bench/README.md. Run from anywhere, as root (Postfix needs it):
#
#   bash bench/relay_bench.sh
#
# Environment (all optional):
#   SEALPOST_BIN   sealpost binary to use; default: cargo build --release and
#                  use target/release/sealpost
#   RELAYS         comma list, default "postfix,sealpost"
#   SIZES          body sizes in bytes, default "5120,51200"
#   MSGS           messages per throughput run, default 5000
#   LAT_MSGS       messages per latency run, default 5000
#   SESSIONS       concurrent SMTP sessions, default 32
#   PHASE_TIMEOUT  seconds any one phase may take, default 600
#   REPEAT         run every (size, relay) pair this many times, interleaved;
#                  the table shows medians (default 1)
#   BENCH_TMPDIR   where the spools live (must be a real disk), default $TMPDIR or /tmp
#   KEEP_WORK=1    keep the work directory (logs, queues) even on success
#   BENCH_NICE     run everything (clients, sink, both relays) at this nice
#                  value, e.g. -10 on a machine shared with builds
#   SKIP_INSTALL=1 do not apt-get install anything
#   SEALPOST_BENCH_TOML  extra TOML appended to sealpost's config (A/B runs),
#                  e.g. "[delivery]\nnice = 0"
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

RELAYS=${RELAYS:-postfix,sealpost}
SIZES=${SIZES:-5120,51200}
MSGS=${MSGS:-5000}
LAT_MSGS=${LAT_MSGS:-5000}
SESSIONS=${SESSIONS:-32}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-600}
REPEAT=${REPEAT:-1}

if [ "$(id -u)" != 0 ]; then
    echo "relay_bench.sh: must run as root (private Postfix instance, smtp-sink -u)" >&2
    exit 2
fi

# --- packages ---------------------------------------------------------------
if [ "${SKIP_INSTALL:-}" != 1 ]; then
    need=()
    command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null \
        && command -v postfix >/dev/null || need+=(postfix)
    command -v python3 >/dev/null || need+=(python3)
    command -v script >/dev/null || need+=(bsdutils)
    command -v ps >/dev/null || need+=(procps)
    if [ ${#need[@]} -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        # Install Postfix without configuring the system instance: we only
        # run private instances under the work directory.
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${need[@]}"
    fi
fi

# --- sealpost binary --------------------------------------------------------
case ",$RELAYS," in
*,sealpost,*)
    if [ -z "${SEALPOST_BIN:-}" ]; then
        echo "[bench] building sealpost (cargo build --release)" >&2
        (cd "$repo" && cargo build --release 2>&1 | tail -n 20) || {
            echo "relay_bench.sh: cargo build --release failed" >&2; exit 1; }
        SEALPOST_BIN=$repo/target/release/sealpost
    fi
    [ -x "$SEALPOST_BIN" ] || { echo "relay_bench.sh: no executable at $SEALPOST_BIN" >&2; exit 1; }
    ;;
esac

# --- work directory and cleanup ---------------------------------------------
base=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$base/sealpost-bench.XXXXXX")
chmod 755 "$work"
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
    echo "[bench] WARNING: $work is on tmpfs: fsync costs nothing there, figures are not durable-spool figures" >&2
fi

# Run a private copy: a rebuild of target/release during the run cannot
# swap the binary under the benchmark.
if [ -n "${SEALPOST_BIN:-}" ]; then
    cp "$SEALPOST_BIN" "$work/sealpost"
    SEALPOST_BIN=$work/sealpost
fi

runner_pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    # the Python runner and everything it started (same process group)
    if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
        kill -TERM -- "-$runner_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$runner_pid" 2>/dev/null || true
    fi
    # Postfix masters daemonize into their own session: stop each instance
    for d in "$work"/postfix-*; do
        [ -d "$d/etc" ] && bash "$here/postfix_instance.sh" stop "$d" || true
    done
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then
        rm -rf "$work"
    else
        echo "[bench] work directory kept: $work" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The runner gets its own process group so that cleanup can end it and all
# its children (sinks, sealpost, smtp-source) by that one id.
setsid ${BENCH_NICE:+nice -n "$BENCH_NICE"} python3 "$here/relay_bench.py" \
    --workdir "$work" --relays "$RELAYS" --sizes "$SIZES" --msgs "$MSGS" \
    --lat-msgs "$LAT_MSGS" --sessions "$SESSIONS" --phase-timeout "$PHASE_TIMEOUT" --repeat "$REPEAT" \
    ${SEALPOST_BIN:+--sealpost-bin "$SEALPOST_BIN"} &
runner_pid=$!
set +e
wait "$runner_pid"
rc=$?
set -e
runner_pid=
exit "$rc"
