#!/usr/bin/env bash
# Power-loss test: the crash test (crash_test.sh / crash_test.py) with
# sealpost's spool and audit log on tools/lazyfs, a FUSE file system that
# keeps everything not yet made durable (file data without fsync/fdatasync,
# names without an fsync of their directory) undoable. Every kill -9 is
# followed by a simulated power loss: lazyfs drops all of that, remounts,
# and sealpost starts again on what a real disk would have kept. Counts lost
# and repeated messages; `sealpost audit verify` after every restart.
#
#   bash integration/powerloss_test.sh              # short run (CI): 600 messages, 5 power losses
#   LONG=1 bash integration/powerloss_test.sh       # 2,000 messages, 20 power losses
#
# Environment (all optional; the crash test's variables apply too):
#   LONG=1         the long run (the issue's figure); MESSAGES and KILLS override
#   MESSAGES       acknowledged messages to reach (default 600; LONG: 2000)
#   KILLS          power losses, at least (default 5; LONG: 20)
#   MAX_DUP_PCT    as in crash_test.sh (default 0.5 % of acknowledged messages)
#   LAZYFS_BIN     lazyfs binary; default: built from tools/lazyfs (cargo build --release)
#   LAZYFS_NAMES   posix (default): a created, renamed or removed name survives a
#                  power loss only once its directory was fsync'd; journal: any
#                  file fsync also commits earlier name changes (as ext4 does)
#   SEALPOST_BIN   sealpost binary; default: cargo build --release
#
# Needs root and /dev/fuse (lazyfs mounts with mount(2); no fusermount). If
# FUSE cannot be used, this test FAILS and says why: a power-loss test that
# quietly does not run would pass for the wrong reason.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

fail() { echo "powerloss_test.sh: FAIL: $*" >&2; exit 1; }

# --- FUSE ---------------------------------------------------------------------
if [ ! -e /dev/fuse ]; then
    modprobe fuse 2>/dev/null || true
fi
if [ ! -e /dev/fuse ]; then
    fail "FUSE is not available here (/dev/fuse missing, and modprobe fuse did not help; \
in a container, run it with --device /dev/fuse --cap-add SYS_ADMIN). The power-loss test cannot run."
fi
if [ "$(id -u)" != 0 ]; then
    fail "lazyfs mounts with mount(2) and needs root; run this test as root."
fi
grep -qw fuse /proc/filesystems || fail "the kernel does not list the fuse file system in /proc/filesystems"

# --- binaries -----------------------------------------------------------------
if [ -z "${LAZYFS_BIN:-}" ]; then
    echo "[powerloss] building lazyfs (cargo build --release, tools/lazyfs)" >&2
    (cd "$repo/tools/lazyfs" && cargo build --release --locked 2>&1 | tail -n 20) \
        || fail "building tools/lazyfs failed"
    LAZYFS_BIN=$repo/tools/lazyfs/target/release/lazyfs
fi
[ -x "$LAZYFS_BIN" ] || fail "no executable at $LAZYFS_BIN"
export LAZYFS_BIN=$(cd "$(dirname "$LAZYFS_BIN")" && pwd)/$(basename "$LAZYFS_BIN")

# --- lazyfs itself first: it must drop exactly what a power loss drops ---------
base=${CRASH_TMPDIR:-${TMPDIR:-/tmp}}
check=$(mktemp -d "$base/lazyfs-check.XXXXXX")
if ! python3 "$here/crash_test.py" lazyfs-check --lazyfs "$LAZYFS_BIN" --workdir "$check"; then
    grep -q " $check/mnt " /proc/self/mounts && umount -l "$check/mnt"
    fail "lazyfs does not behave like a power loss (work directory kept: $check)"
fi
rm -rf "$check"

# --- the crash test on lazyfs ---------------------------------------------------
if [ "${LONG:-}" = 1 ]; then
    export MESSAGES=${MESSAGES:-2000} KILLS=${KILLS:-20}
else
    export MESSAGES=${MESSAGES:-600} KILLS=${KILLS:-5}
fi
echo "[powerloss] $MESSAGES messages, at least $KILLS power losses" >&2
exec bash "$here/crash_test.sh"
