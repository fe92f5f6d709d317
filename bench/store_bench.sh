#!/usr/bin/env bash
# The shared store's cost: API submissions per second (bench/api_bench.py,
# throughput only) and portal message views per second
# (bench/portal_bench.py, wrk), each with [store] backend = "embedded" and
# then "postgres" on a private PostgreSQL cluster that this script makes
# with initdb on a free 127.0.0.1 port (as nobody when run as root) and
# removes at the end. Everything on 127.0.0.1, every run bounded.
#
#   bash bench/store_bench.sh
#
# Environment (all optional):
#   SEALPOST_BIN   binary; default: cargo build --release, target/release/sealpost
#   API_MSGS       API (and SMTP) messages per round (default 2000)
#   PORTAL_BENCH_DURATION  wrk duration per endpoint (default 10s)
#   KEEP_WORK=1    keep the work directory
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"
export PORTAL_BENCH_DURATION=${PORTAL_BENCH_DURATION:-10s}

pgbin=""
if command -v pg_ctl >/dev/null && [ -x "$(dirname "$(readlink -f "$(command -v pg_ctl)")")/psql" ]; then
    pgbin=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
else
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] && [ -x "$pgbin/psql" ] || { echo "store_bench.sh: PostgreSQL server binaries missing (apt-get install postgresql)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "store_bench.sh: wrk missing (apt-get install wrk)" >&2; exit 2; }
command -v smtp-source >/dev/null || { echo "store_bench.sh: smtp-source missing (apt-get install postfix)" >&2; exit 2; }

if [ -z "${SEALPOST_BIN:-}" ]; then
    (cd "$repo" && cargo build --release 2>&1 | tail -n 3)
    SEALPOST_BIN=$repo/target/release/sealpost
fi
if [ -z "${API_LOAD_BIN:-}" ]; then
    (cd "$repo" && cargo build --release --example api_load 2>&1 | tail -n 3)
    export API_LOAD_BIN=$repo/target/release/examples/api_load
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sealpost-store-bench.XXXXXX")
chmod 755 "$work"
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u nobody --); fi
pgdata=$work/pg/data
mkdir -p "$work/pg"
echo "bench-password" > "$work/pg/pw"
[ "${#as[@]}" = 0 ] || chown -R nobody "$work/pg"
cleanup() {
    local rc=$?
    "${as[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
    if [ "$rc" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then rm -rf "$work"; else echo "[store-bench] work directory kept: $work" >&2; fi
    exit "$rc"
}
trap cleanup EXIT

"${as[@]}" "$pgbin/initdb" -D "$pgdata" -U sealpost --auth=scram-sha-256 \
    --pwfile="$work/pg/pw" -E UTF8 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Durable settings (fsync on): the numbers include PostgreSQL's commits.
"${as[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$work/pg/log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100" start >/dev/null
psql() { PGPASSWORD=bench-password "$pgbin/psql" -h 127.0.0.1 -p "$port" -U sealpost -d postgres -qAt "$@"; }
echo "[store-bench] PostgreSQL $(psql -c 'SHOW server_version') on 127.0.0.1:$port"

store_config() { # database name
    printf '\n[store]\nbackend = "postgres"\nurl = "postgres://sealpost@127.0.0.1:%s/%s"\npassword_file = "%s"\npool_size = 16\nnode_name = "bench"\n' \
        "$port" "$1" "$work/pg/pw"
}

results=$work/results.txt
: > "$results"
for backend in embedded postgres; do
    extra=""
    if [ "$backend" = postgres ]; then
        psql -c "CREATE DATABASE bench_api" && psql -c "CREATE DATABASE bench_portal"
    fi
    # API submissions/s (one round; SMTP alongside for scale).
    [ "$backend" = postgres ] && extra=$(store_config bench_api)
    mkdir -p "$work/api-$backend"
    out=$(SEALPOST_EXTRA_CONFIG="$extra" timeout 1200 python3 "$here/api_bench.py" \
        --bin "$SEALPOST_BIN" --workdir "$work/api-$backend" --only throughput \
        --rounds 1 --smtp-msgs "${API_MSGS:-2000}" --size 5000)
    api=$(echo "$out" | sed -n 's/^| API (api_load, [0-9]* connections) | [0-9]* B | \([0-9]*\) |$/\1/p')
    p99=$(echo "$out" | sed -n 's/^round 1: API p50 \(.*\) ms, p99 \(.*\) ms$/p50 \1 ms, p99 \2 ms/p')
    # Portal message views/s.
    [ "$backend" = postgres ] && extra=$(store_config bench_portal)
    out=$(SEALPOST_EXTRA_CONFIG="$extra" SEALPOST_BIN="$SEALPOST_BIN" timeout 600 python3 "$here/portal_bench.py")
    view=$(echo "$out" | grep '^message view' | awk '{print $4, $5, $6}')
    landing=$(echo "$out" | grep '^landing page' | awk '{print $4, $5, $6}')
    echo "$backend|$api|$p99|$view|$landing" >> "$results"
done

echo
echo "store benchmark on $(nproc) cores, 127.0.0.1 (API: api_load, 32 connections, ${API_MSGS:-2000} messages of 5 KB; portal: wrk -c32 -d$PORTAL_BENCH_DURATION over HTTPS)"
echo "| store | API submissions/s | API latency | portal views/s, p50, p99 | landing pages/s, p50, p99 |"
echo "|---|---|---|---|---|"
while IFS='|' read -r b a l v g; do
    echo "| $b | $a | $l | $v | $g |"
done < "$results"
