#!/usr/bin/env bash
# Check the sealpost .deb: metadata, contents, conffiles, maintainer
# scripts; unpack it into a throwaway root (dpkg -x) and run the unpacked
# binary's `config check` on the packaged configuration; then, only when it
# is safe, install it for real with dpkg -i and run
# `sealpost config check --config /etc/sealpost/sealpost.toml`.
#
#   integration/deb_check.sh [path/to/sealpost_*.deb]   (default: newest in target/debian)
#
# dpkg -i runs only as root and only when installing cannot start a daemon:
# no running systemd (PID 1), or SEALPOST_DEB_INSTALL=1 given explicitly (the
# package itself never enables/starts the service on first install).
# SEALPOST_DEB_INSTALL=0 never installs; SEALPOST_DEB_PURGE=1 purges afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

DEB=${1:-$(ls -t target/debian/sealpost_*.deb 2>/dev/null | head -n 1 || true)}
[ -n "$DEB" ] && [ -f "$DEB" ] || fail "no .deb (run packaging/build-deb.sh first)"
echo "package: $DEB"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# ------------------------------------------------------------ metadata
info=$(dpkg-deb --info "$DEB")
echo "$info"
for f in Package Version Architecture Maintainer Depends Description; do
    [ -n "$(dpkg-deb --field "$DEB" "$f")" ] || fail "control field $f missing"
done
[ "$(dpkg-deb --field "$DEB" Package)" = sealpost ] || fail "package name"
dpkg-deb --field "$DEB" Depends | grep -qw adduser || fail "Depends lacks adduser (postinst uses it)"
pass "control fields"

# ------------------------------------------------------------ contents
contents=$(dpkg-deb --contents "$DEB" | awk '{print $1, $NF}')
echo "$contents"
has() { # mode-prefix path
    grep -qE "^$1 \./?${2#/}\$" <<<"$contents" || fail "missing in package: $2 ($1)"
}
has '-rwxr-xr-x' /usr/bin/sealpost
if grep -qE ' \./usr/lib/systemd/system/sealpost\.service$' <<<"$contents"; then
    UNIT_PATH=/usr/lib/systemd/system/sealpost.service
else
    has '-rw-r--r--' /lib/systemd/system/sealpost.service
    UNIT_PATH=/lib/systemd/system/sealpost.service
fi
has '-rw-r--r--' /etc/sealpost/sealpost.toml
for p in policies/*.toml; do has '-rw-r--r--' "/etc/sealpost/policies/$(basename "$p")"; done
has '-rw-r--r--' /usr/share/doc/sealpost/copyright
pass "contents: binary, unit ($UNIT_PATH), config, $(ls policies/*.toml | wc -l) policies, copyright"

# ------------------------------------------------------------ control files
dpkg-deb --control "$DEB" "$TMP/control"
echo "conffiles:"; sed 's/^/  /' "$TMP/control/conffiles"
grep -qx /etc/sealpost/sealpost.toml "$TMP/control/conffiles" || fail "sealpost.toml is not a conffile"
for p in policies/*.toml; do
    grep -qx "/etc/sealpost/policies/$(basename "$p")" "$TMP/control/conffiles" \
        || fail "policy $(basename "$p") is not a conffile"
done
pass "conffiles"
for s in postinst prerm postrm; do
    [ -x "$TMP/control/$s" ] || fail "maintainer script $s missing or not executable"
    sh -n "$TMP/control/$s" || fail "$s: shell syntax"
    ! grep -q '#DEBHELPER#' "$TMP/control/$s" || fail "$s: #DEBHELPER# token not replaced"
done
grep -q 'adduser --system --group --home "$SP_HOME" --no-create-home' "$TMP/control/postinst" \
    || fail "postinst does not create the system user"
grep -q 'deb-systemd-helper' "$TMP/control/postinst" || fail "postinst lacks the systemd fragment"
grep -q 'deb-systemd-invoke stop sealpost.service' "$TMP/control/prerm" || fail "prerm does not stop the service on remove"
grep -q 'deb-systemd-helper purge sealpost.service' "$TMP/control/postrm" || fail "postrm lacks the purge fragment"
# First install must neither start nor enable the service: the only
# enable allowed is the one guarded by was-enabled (keeps an admin's choice).
if grep -qE 'deb-systemd-invoke (start|\$_dh_action) ' "$TMP/control/postinst"; then
    fail "postinst starts the service on first install"
fi
n_enable=$(grep -c 'deb-systemd-helper enable sealpost.service' "$TMP/control/postinst" || true)
n_guarded=$(grep -B3 'deb-systemd-helper enable sealpost.service' "$TMP/control/postinst" | grep -c 'was-enabled' || true)
[ "$n_enable" -le "$n_guarded" ] || fail "postinst enables the service unconditionally"
pass "maintainer scripts: postinst (user + dirs + systemd), prerm (stop), postrm (purge)"

# ------------------------------------------------------------ dpkg -x
ROOT=$TMP/root
dpkg -x "$DEB" "$ROOT"
"$ROOT/usr/bin/sealpost" --help >/dev/null || fail "unpacked binary does not run"
file "$ROOT/usr/bin/sealpost" 2>/dev/null | sed 's/^/  /' || true
# The packaged config names absolute /etc paths; point them into the root.
sed "s#/etc/sealpost/#$ROOT/etc/sealpost/#g" "$ROOT/etc/sealpost/sealpost.toml" > "$TMP/check.toml"
"$ROOT/usr/bin/sealpost" config check --config "$TMP/check.toml" || fail "packaged config does not pass config check"
pass "dpkg -x into $ROOT: binary runs, packaged config + policies pass config check"
if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s#/usr/bin/sealpost#$ROOT/usr/bin/sealpost#g" "$ROOT$UNIT_PATH" > "$TMP/sealpost.service"
    out=$(systemd-analyze verify --man=no "$TMP/sealpost.service" 2>&1 || true)
    ! grep -q 'sealpost' <<<"$out" || { echo "$out"; fail "packaged unit: systemd-analyze verify"; }
    pass "packaged unit passes systemd-analyze verify"
fi

# ------------------------------------------------------------ dpkg -i
want=${SEALPOST_DEB_INSTALL:-auto}
if [ "$want" = 0 ]; then echo "SKIP: dpkg -i (SEALPOST_DEB_INSTALL=0)"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "SKIP: dpkg -i needs root"; exit 0; fi
if [ -d /run/systemd/system ] && [ "$want" != 1 ]; then
    echo "SKIP: dpkg -i: systemd is running here; set SEALPOST_DEB_INSTALL=1 to install anyway (the service is not started on first install)"
    exit 0
fi
echo "dpkg -i: PID 1 is $(cat /proc/1/comm 2>/dev/null || echo '?'); /run/systemd/system $( [ -d /run/systemd/system ] && echo present || echo absent)"
# Belt and braces: forbid service starts through invoke-rc.d/deb-systemd-invoke.
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy_rc"; chmod 755 "$policy_rc"; created_policy=1
fi
cleanup_policy() { [ "$created_policy" = 1 ] && rm -f "$policy_rc"; rm -rf "$TMP"; }
trap cleanup_policy EXIT
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" || {
    # A fresh machine may lack adduser: let apt fetch it and finish.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -f
}
dpkg -s sealpost | grep -q '^Status: install ok installed' || fail "sealpost not installed"
getent passwd sealpost | grep -q ':/var/lib/sealpost:' || fail "user sealpost missing or wrong home"
getent group sealpost >/dev/null || fail "group sealpost missing"
[ "$(stat -c '%U:%G %a' /var/lib/sealpost)" = "sealpost:sealpost 750" ] || fail "/var/lib/sealpost: $(stat -c '%U:%G %a' /var/lib/sealpost)"
[ "$(stat -c '%U:%G %a' /var/log/sealpost)" = "sealpost:sealpost 750" ] || fail "/var/log/sealpost: $(stat -c '%U:%G %a' /var/log/sealpost)"
pgrep -u sealpost >/dev/null && fail "a process of the sealpost user is running after install"
sealpost config check --config /etc/sealpost/sealpost.toml || fail "config check of the installed configuration"
runuser -u sealpost -- sealpost config check --config /etc/sealpost/sealpost.toml >/dev/null \
    || fail "the sealpost user cannot read its configuration"
pass "dpkg -i: installed, user/group, directories, no daemon started, config check OK"
if [ "${SEALPOST_DEB_PURGE:-0}" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive dpkg --purge sealpost
    ! getent passwd sealpost >/dev/null || fail "purge left the sealpost user"
    [ ! -e /var/lib/sealpost ] && [ ! -e /etc/sealpost ] || fail "purge left files"
    pass "dpkg --purge: user, /etc/sealpost, /var/lib/sealpost, /var/log/sealpost removed"
fi
