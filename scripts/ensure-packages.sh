#!/usr/bin/env bash
# ensure-packages.sh PKG...: install the Debian packages that are missing,
# idempotently. As root it runs apt-get; otherwise sudo (without asking
# for a password when it cannot). When it can do neither, it prints the
# exact command to run and exits 1.
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "sealpost: these packages are needed and this is not a Debian system: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
  # Without a cached credential, sudo asks for the password on a terminal.
  SUDO=(sudo)
else
  echo "sealpost: missing packages: ${missing[*]}" >&2
  echo "Run this, then start again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix (a test peer) without questions and without a system instance.
if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
  echo "postfix postfix/main_mailer_type select No configuration" | "${SUDO[@]}" debconf-set-selections
  echo "postfix postfix/mailname string sealpost.localhost" | "${SUDO[@]}" debconf-set-selections
fi
echo "sealpost: installing ${missing[*]}" >&2
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
