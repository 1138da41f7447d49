#!/usr/bin/env bash
# The main job: set up, validate the policies, build the profiles, measure them in real browsers,
# write artifacts/wasm_budget_summary.json and gate. Extra arguments go to `collector run`
# (e.g. `ci/main.sh --matrix`, `ci/main.sh --env desktop-firefox --profile core-trace`).
set -euo pipefail
cd "$(dirname "$0")/.."
# Install only what this job runs: Chromium's tool chain, and Firefox only when the flags measure it.
components=(core)
case " $* " in
  *" --matrix "* | *"desktop-firefox"*) components+=(firefox) ;;
esac
ci/setup.sh "${components[@]}"
# An optimised build: the collector is also the server that hands the pages their bytes.
collector() { cargo run -q --release -p collector -- "$@"; }
collector validate budgets ci/wasm_perf_budgets.json
collector validate corpus ci/wasm_benchmark_corpus.json
collector validate optimization ci/wasm_optimization_policy.json
case " $* " in
  *" --framework"* | *" --all-frameworks "*) ci/build-hosts.sh ;;
esac
collector run "$@"
