#!/usr/bin/env bash
# Run every AFL++ harness for a bounded time, one at a time (the machine has
# two cores shared with others), and print execs, paths and crashes per target.
#
#   bash fuzz/run.sh              # 300 s per target
#   bash fuzz/run.sh 10           # CI smoke pass: 10 s per target
#   bash fuzz/run.sh 600 bounce_parse policy_mime   # chosen targets
#
# Needs cargo-afl (`cargo install cargo-afl`; .ci/run installs it). Findings
# stay in fuzz/out/<target>/default/{crashes,hangs}; a crash makes the exit
# status non-zero. Every crash found becomes a regression test under
# fuzz/regressions/<target>/ (replayed by `cargo test --test fuzz_regressions`).
set -euo pipefail
cd "$(dirname "$0")"
SECS="${1:-300}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
  TARGETS=(smtp_command data_decoder client_reply bounce_parse policy_mime
           verp_decode mta_sts dns_tlsa config_load audit_verify)
fi
command -v cargo-afl >/dev/null || { echo "cargo-afl not found: cargo install cargo-afl"; exit 1; }
cargo afl build --release 2>&1 | tail -n 2
# No CPU-frequency or core-dump setup needed for a bounded run; no UI.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=1
# A hang is anything over 1 s (the client and DNS harnesses time out at 300 ms).
TIMEOUT_MS="${FUZZ_TIMEOUT_MS:-1000}"
status=0
printf '%-14s %12s %10s %8s %8s %8s\n' target execs execs/s paths crashes hangs
for t in "${TARGETS[@]}"; do
  out="out/$t"
  rm -rf "$out"
  mkdir -p "$out"
  # -V bounds the run; timeout(1) is a second guard.
  timeout --kill-after=10 $((SECS + 60)) \
    cargo afl fuzz -V "$SECS" -t "$TIMEOUT_MS" -m none -i "seeds/$t" -o "$out" \
    "target/release/$t" >"$out/afl.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "$t: no fuzzer_stats (see $out/afl.log)"; tail -n 20 "$out/afl.log"; status=1; continue
  fi
  get() { awk -F: -v k="$1" '$1 ~ "^"k" *$" {gsub(/ /,"",$2); print $2}' "$stats"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  printf '%-14s %12s %10s %8s %8s %8s\n' "$t" "$(get execs_done)" "$(get execs_per_sec)" \
    "$(get corpus_count)" "${crashes:-0}" "${hangs:-0}"
  if [ "${crashes:-0}" != "0" ]; then status=1; ls "$out/default/crashes"; fi
done
exit $status
