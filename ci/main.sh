#!/usr/bin/env bash
# The main job: set up, validate the policies, measure, write artifacts/wasm_budget_summary.json and gate.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
cargo build -q --release -p collector
c=target/release/collector
$c validate budgets ci/wasm_perf_budgets.json
$c validate corpus ci/wasm_benchmark_corpus.json
$c validate optimization ci/wasm_optimization_policy.json
