#!/usr/bin/env bash
# PHI scan speed on one core: a ~10 MB message and the mixed corpus,
# MB/s of decoded text and messages/s (see examples/phi_scan.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example phi_scan
./target/release/examples/phi_scan "${1:-../shared/corpus/phi-dev}" "${2:-5}"
