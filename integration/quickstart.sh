#!/usr/bin/env bash
# The README's quick start, as written, in a clean copy of the tree (see
# quickstart.py). Reuses the build in ./target unless CARGO_TARGET_DIR is set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/../target}
exec python3 "$here/quickstart.py"
