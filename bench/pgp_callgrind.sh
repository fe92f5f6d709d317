#!/usr/bin/env bash
# Instructions per recipient copy (50 KB message) for each encryption case,
# counted by callgrind inside examples/pgp_bench.rs's measured loop only
# (key generation and set-up excluded). Repeatable on a shared machine,
# unlike wall time. Needs valgrind (apt-get install valgrind).
#   bash bench/pgp_callgrind.sh            # v1 v2 signed smime, 20 calls each
#   CALLS=50 bash bench/pgp_callgrind.sh v2
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "missing: valgrind" >&2; exit 1; }
CALLS=${CALLS:-20}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(v1 v2 signed smime)
cargo build --release --example pgp_bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export RUST_LIB_BACKTRACE=0
for c in "${cases[@]}"; do
  valgrind --tool=callgrind --toggle-collect='*measured*' \
    --callgrind-out-file="$out/cg.$c" target/release/examples/pgp_bench "$c" "$CALLS" \
    >"$out/log.$c" 2>&1 || { cat "$out/log.$c" >&2; exit 1; }
  total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log.$c")
  printf '%-8s %12d instructions per call\n' "$c" $((total / CALLS))
done
echo "(callgrind files: rerun with valgrind and callgrind_annotate --inclusive=yes for the breakdown)"
