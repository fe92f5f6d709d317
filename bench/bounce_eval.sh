#!/usr/bin/env bash
# Bounce parser evaluation: the three figures issue 12 sets targets for
# (recipient found >= 95 %, hard classified hard >= 95 %, other reports
# classified hard <= 2 %) on every labelled fixture: Sisimai's public
# collection (tests/fixtures/bounces/sisimai, 625 recipients, ~70 MTAs) and
# GNU Mailman's flufl.bounce set (../shared/corpus/bounces-flufl, or
# $SEALPOST_FLUFL_CORPUS). VERBOSE=1 lists every miss with what was read.
#
#   bash bench/bounce_eval.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${VERBOSE:-}" = 1 ]; then export BOUNCE_EVAL_VERBOSE=1; fi
cargo test --release --test bounce_eval -- --nocapture 2>&1 \
    | grep -E '^(sisimai|written|flufl) |^    |panicked|test result'
