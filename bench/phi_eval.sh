#!/usr/bin/env bash
# Scores the PHI detectors on a labelled corpus (default: ../shared/corpus/phi-dev):
# message-level precision, recall, F1 and per-entity recall.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/phi-dev}"
cargo build --release --quiet
./target/release/sealpost policy eval "$corpus" ${2:+--policies "$2"}
