#!/usr/bin/env bash
# Resource bounds under hostile clients (issue 12): for each scenario, a
# well-behaved client sends one message every 50 ms while the attack runs;
# prints its p50/p99 latency and failures, and the daemon's peak RSS
# (VmHWM, reset before each scenario). See bench/README.md.
#
#   bash bench/hostile_bench.sh                    # all scenarios, 30 s each
#   SCENARIOS="slowloris nested" SECONDS_EACH=60 bash bench/hostile_bench.sh
#
# Environment: SEALPOST_BIN (default: cargo build --release), SCENARIOS,
# SECONDS_EACH (default 30), KEEP_WORK=1. Everything runs on 127.0.0.0/8;
# every loop is bounded in count and time.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
SCENARIOS=${SCENARIOS:-"baseline slowloris headers nested bigb64 zipbomb malformed"}
SECONDS_EACH=${SECONDS_EACH:-30}

if [ -z "${SEALPOST_BIN:-}" ]; then
    (cd "$repo" && cargo build --release -q)
    SEALPOST_BIN="$repo/target/release/sealpost"
fi
# 1000 slow clients plus the daemon's own files.
ulimit -n 65536 2>/dev/null || ulimit -n 8192

work=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-hostile.XXXXXX")
pid=""; sink=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    [ -n "$sink" ] && kill "$sink" 2>/dev/null || true
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    if [ "${KEEP_WORK:-}" = 1 ]; then echo "work directory: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); sink_port=$(free_port); metrics_port=$(free_port)

# A next hop that takes everything (so the queue does not grow retries).
python3 - "$sink_port" >"$work/sink.log" 2>&1 <<'EOF' &
import asyncio, sys
async def session(r, w):
    w.write(b"220 sink\r\n"); await w.drain()
    while True:
        line = await r.readline()
        if not line: break
        u = line.upper()
        if u.startswith(b"DATA"):
            w.write(b"354 go\r\n"); await w.drain()
            while (l := await r.readline()) not in (b".\r\n", b""): pass
            w.write(b"250 ok\r\n")
        elif u.startswith(b"QUIT"):
            w.write(b"221 bye\r\n"); await w.drain(); break
        elif u.startswith(b"EHLO"):
            w.write(b"250-sink\r\n250 8BITMIME\r\n")
        else:
            w.write(b"250 ok\r\n")
        await w.drain()
    w.close()
async def main():
    s = await asyncio.start_server(session, "127.0.0.1", int(sys.argv[1]))
    async with s: await s.serve_forever()
asyncio.run(main())
EOF
sink=$!

cat >"$work/sealpost.toml" <<EOF
[server]
hostname = "bench.test"
spool_dir = "$work/spool"
users_file = "$work/users.toml"

[[listener]]
name = "bench"
address = "127.0.0.1:$port"
tls = "none"
auth = "none"
allow_relay_from = ["127.0.0.0/8"]

[[route]]
domains = ["*"]
host = "127.0.0.1:$sink_port"
tls = "none"

[limits]
# Room for 1000 slow clients from ten addresses plus the good client; every
# other limit (size 35 MiB, line 1000, command timeout 5m, 100 per IP) is
# the default.
max_connections = 2000
max_connections_per_ip = 100

[metrics]
address = "127.0.0.1:$metrics_port"
EOF

SEALPOST_LOG=warn "$SEALPOST_BIN" serve --config "$work/sealpost.toml" >"$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
    python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port),1); sys.exit(0 if s.recv(3)==b'220' else 1)" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
    sleep 0.1
done

printf '%-10s %8s %6s %9s %9s %9s %10s  %s\n' scenario good fails p50_ms p99_ms max_ms peak_rss_mb hostile
for s in $SCENARIOS; do
    line=$(timeout --kill-after=10 $((SECONDS_EACH + 300)) \
        python3 "$here/hostile_load.py" --port "$port" --pid "$pid" --scenario "$s" --seconds "$SECONDS_EACH")
    echo "$line" >>"$work/results.jsonl"
    python3 - "$line" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
print(f"{r['scenario']:<10} {r['good_messages']:>8} {r['good_failures']:>6} {r['p50_ms']:>9} {r['p99_ms']:>9} {r['max_ms']:>9} {r['peak_rss_mb']:>10}  {json.dumps(r['hostile'])[:110]}")
if r["good_failure_sample"]: print("   good client failures:", r["good_failure_sample"])
EOF
    kill -0 "$pid" 2>/dev/null || { echo "sealpost died during $s"; tail -n 30 "$work/daemon.log"; exit 1; }
done
