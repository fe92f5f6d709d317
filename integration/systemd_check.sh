#!/usr/bin/env bash
# Static checks of systemd/sealpost.service, plus a live start/reload/stop
# when systemd is the running service manager and the package is installed.
#
#   1. systemd-analyze verify   (on a temporary copy whose ExecStart points
#      at an executable that exists here; any diagnostic about the unit fails)
#      and a negative control: a copy with a misspelt key must be reported.
#   2. systemd-analyze security --offline=yes: overall exposure <= 4.9 ("OK"
#      or better), plus the settings we rely on must be marked as applied.
#   3. live (needs PID-1 systemd + installed package): start → active
#      (READY=1 arrived), reload → same MainPID still active, stop → exit 0.
#      Otherwise prints "SKIP: ..." and still exits 0.
#
# Runs as root on a fresh Debian machine (installs `systemd` with apt if
# systemd-analyze is missing). Environment:
#   SEALPOST_BIN=path       binary for the verify copy (default: /usr/bin/sealpost,
#                           then target/release/sealpost, else a stub)
#   SEALPOST_LIVE=0         never run the live part
#   SEALPOST_MAX_EXPOSURE   default 4.9
set -euo pipefail
cd "$(dirname "$0")/.."
UNIT=systemd/sealpost.service
MAX_EXPOSURE=${SEALPOST_MAX_EXPOSURE:-4.9}
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$UNIT" ] || fail "$UNIT not found"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || fail "systemd-analyze missing and not root (apt-get install systemd)"
    echo "installing systemd (for systemd-analyze)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends systemd
fi
SD_VERSION=$(systemd-analyze --version | awk 'NR==1 {print $2}')
SD_MAJOR=${SD_VERSION%%[!0-9]*}
echo "systemd-analyze version: $SD_VERSION"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- verify
# verify insists that ExecStart's binary exists and is executable; use the
# installed one if present, else the build, else a stub (verify only stats it).
BIN=${SEALPOST_BIN:-}
if [ -z "$BIN" ]; then
    if [ -x /usr/bin/sealpost ]; then BIN=/usr/bin/sealpost
    elif [ -x target/release/sealpost ]; then BIN=$PWD/target/release/sealpost
    else
        BIN=$TMP/bin/sealpost
        mkdir -p "$TMP/bin"
        printf '#!/bin/sh\nexit 0\n' > "$BIN"
        chmod 755 "$BIN"
    fi
fi
echo "verify: ExecStart binary for the check: $BIN"
mkdir -p "$TMP/ok" "$TMP/bad"
sed "s#/usr/bin/sealpost#$BIN#g" "$UNIT" > "$TMP/ok/sealpost.service"

run_verify() { # dir -> prints diagnostics, returns 0
    # --man=no: Documentation= is a file: URL anyway; no man pages needed.
    systemd-analyze verify --man=no "$1/sealpost.service" 2>&1 || true
}
out=$(run_verify "$TMP/ok")
echo "verify output: ${out:-(none)}"
# verify exits 0 for unknown keys and bad values and only prints a warning,
# so any line about our unit is a failure. Lines about other units (the
# machine's own) are shown but not held against us.
if grep -q -e 'sealpost\.service' -e "$TMP" <<<"$out"; then
    fail "systemd-analyze verify reported problems in $UNIT"
fi
systemd-analyze verify --man=no "$TMP/ok/sealpost.service" >/dev/null 2>&1 \
    || fail "systemd-analyze verify exited non-zero"
echo "PASS: systemd-analyze verify $UNIT"

# Negative control: the check above must be able to fail.
sed 's/^ProtectSystem=/ProtectSystm=/' "$TMP/ok/sealpost.service" > "$TMP/bad/sealpost.service"
if ! run_verify "$TMP/bad" | grep -q "ProtectSystm"; then
    fail "negative control: verify did not report a misspelt key"
fi
echo "PASS: verify negative control (misspelt key is reported)"

# ---------------------------------------------------------------- security
if [ "$SD_MAJOR" -ge 250 ]; then
    # --offline reads the unit file and needs no running manager (systemd >= 250).
    sec=$(LC_ALL=C.UTF-8 systemd-analyze security --offline=yes --no-pager "$UNIT" 2>&1) \
        || { echo "$sec"; fail "systemd-analyze security --offline failed"; }
elif [ -d /run/systemd/system ] && systemctl cat sealpost.service >/dev/null 2>&1; then
    sec=$(LC_ALL=C.UTF-8 systemd-analyze security --no-pager sealpost.service 2>&1) \
        || { echo "$sec"; fail "systemd-analyze security failed"; }
else
    sec=""
    echo "SKIP: systemd $SD_VERSION has no 'security --offline' (needs >= 250) and no running systemd with the unit installed"
fi
if [ -n "$sec" ]; then
    echo "$sec"
    line=$(printf '%s\n' "$sec" | grep 'Overall exposure level' || true)
    [ -n "$line" ] || fail "no 'Overall exposure level' line in systemd-analyze security output"
    score=$(printf '%s\n' "$line" | sed -E 's/.*: ([0-9]+\.[0-9]+) .*/\1/')
    level=$(printf '%s\n' "$line" | sed -E 's/.*: [0-9]+\.[0-9]+ ([A-Z]+).*/\1/')
    echo "security: exposure score $score ($level), limit $MAX_EXPOSURE"
    awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= m + 0) }' \
        || fail "exposure $score ($level) is above $MAX_EXPOSURE"
    case "$level" in
        OK|SAFE|PERFECT) ;;
        *) fail "exposure level $level, expected OK or better" ;;
    esac
    # Settings the unit promises must be credited as applied (✓ rows).
    for want in 'MemoryDenyWriteExecute=' 'NoNewPrivileges=' 'ProtectSystem=' \
                'ProtectHome=' 'PrivateTmp=' 'PrivateDevices=' 'User=/DynamicUser=' \
                'SystemCallFilter=~@privileged' 'SystemCallArchitectures=' \
                'CapabilityBoundingSet=~CAP_SYS_ADMIN' 'RestrictNamespaces=~user' \
                'RestrictAddressFamilies=~AF_PACKET' 'ProtectKernelTunables=' \
                'ProtectControlGroups=' 'UMask=' 'NotifyAccess='; do
        printf '%s\n' "$sec" | grep -F -- "$want" | grep -q -v '✗' \
            || fail "security: '$want' is not credited as applied"
    done
    echo "PASS: systemd-analyze security: $score $level (<= $MAX_EXPOSURE)"
fi

# ---------------------------------------------------------------- live
if [ "${SEALPOST_LIVE:-1}" = 0 ]; then
    echo "SKIP: live start/reload/stop disabled (SEALPOST_LIVE=0)"
    exit 0
fi
if [ ! -d /run/systemd/system ]; then
    echo "SKIP: live start/reload/stop: systemd is not the running service manager (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown))"
    exit 0
fi
if ! systemctl cat sealpost.service >/dev/null 2>&1 || [ ! -x /usr/bin/sealpost ] \
   || ! getent passwd sealpost >/dev/null || [ ! -f /etc/sealpost/sealpost.toml ]; then
    echo "SKIP: live start/reload/stop: the sealpost package is not installed (dpkg -i the .deb first)"
    exit 0
fi
[ "$(id -u)" = 0 ] || fail "live check needs root"
cmp -s "$UNIT" "$(systemctl show -p FragmentPath --value sealpost.service)" \
    || echo "note: installed unit differs from $UNIT; testing the installed one"
was_active=0
systemctl is-active --quiet sealpost.service && was_active=1
systemctl daemon-reload
prop() { systemctl show -p "$1" --value sealpost.service; }
journal() { journalctl -u sealpost.service --no-pager -n 30 2>/dev/null || true; }
# Type=notify: start returns once READY=1 arrived (or fails).
systemctl restart sealpost.service || { systemctl status --no-pager sealpost.service || true; journal; fail "start failed"; }
[ "$(prop ActiveState)" = active ] || fail "not active after start: $(prop ActiveState)/$(prop SubState)"
pid=$(prop MainPID)
user=$(ps -o user= -p "$pid" | tr -d ' ')
caps=$(grep CapEff "/proc/$pid/status" | awk '{print $2}')
echo "live: active, MainPID $pid, user $user, CapEff $caps"
[ "$user" = sealpost ] || fail "daemon runs as '$user', expected sealpost"
[ "$caps" = 0000000000000400 ] || fail "effective capabilities $caps, expected only CAP_NET_BIND_SERVICE (0x400)"
systemctl reload sealpost.service || fail "reload failed"
sleep 1
[ "$(prop ActiveState)" = active ] || fail "not active after reload"
[ "$(prop MainPID)" = "$pid" ] || fail "MainPID changed on reload ($pid -> $(prop MainPID))"
echo "live: reload kept MainPID $pid"
systemctl stop sealpost.service
result=$(prop Result); status=$(prop ExecMainStatus)
echo "live: stopped, Result=$result ExecMainStatus=$status"
[ "$result" = success ] && [ "$status" = 0 ] || { journal; fail "unclean stop"; }
if [ "$was_active" = 1 ]; then systemctl start sealpost.service; fi
echo "PASS: live start (READY=1) / reload (SIGHUP) / stop (SIGTERM, exit 0)"
