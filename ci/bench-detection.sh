#!/usr/bin/env bash
# Detection power of the baseline-regression gate, measured through the real gate in real Chromium:
# one baseline run, then RUNS A/A runs (same build) and RUNS A/B runs per slowdown (a calibrated
# `--inject-slowdown PCT`: extra operations inside every timed batch), each judged against the
# baseline by `collector run --baseline` — once without confirmation (--confirm 0) and once with
# confirm-by-rerun (--confirm 1). An alarm is a run whose gate found a regression (exit 1).
# Prints the false-alarm rate (A/A) and the detection rate (A/B) for each; writes the raw verdicts to
# $OUT/verdicts.tsv. Run it on a quiet machine: anything else running distorts the timings.
#
#   ci/bench-detection.sh                       # RUNS=10, SLOWDOWNS="10 20", steady-throughput, full protocol
#   RUNS=20 PROTOCOL="--seeds 11,29,42,73,101 --iterations 500" ci/bench-detection.sh   # reduced protocol
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"
SLOWDOWNS="${SLOWDOWNS:-10 20}"
WORKLOAD="${WORKLOAD:-steady-throughput}"
PROTOCOL="${PROTOCOL:-}"
OUT="${OUT:-artifacts/detection}"
ci/setup.sh >/dev/null
cargo build -q --release -p collector
collector=target/release/collector
$collector build --profile core-min >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT"
run() { # run NAME [flags…]: one measured run, judged against the baseline; prints its exit code
  local name=$1
  shift
  set +e
  # shellcheck disable=SC2086
  $collector --artifacts-dir "$OUT/$name" run --prebuilt dist --workload "$WORKLOAD" $PROTOCOL \
    --commit bench-detection "$@" >"$OUT/$name.log" 2>&1
  local code=$?
  set -e
  [ "$code" -le 1 ] || { echo "run $name failed (exit $code): see $OUT/$name.log" >&2; exit 2; }
  echo "$code"
}
echo "baseline run…" >&2
run baseline --confirm 0 >/dev/null
cp "$OUT/baseline/wasm_budget_summary.json" "$OUT/baseline.json"
printf 'condition\tconfirm\trun\texit\n' >"$OUT/verdicts.tsv"
for confirm in 0 1; do
  for i in $(seq 1 "$RUNS"); do
    for slow in 0 $SLOWDOWNS; do
      flags=(--baseline "$OUT/baseline.json" --confirm "$confirm")
      [ "$slow" = 0 ] || flags+=(--inject-slowdown "$slow")
      name="c$confirm-s$slow-r$i"
      code=$(run "$name" "${flags[@]}")
      printf 'slowdown %s%%\t%s\t%s\t%s\n' "$slow" "$confirm" "$i" "$code" >>"$OUT/verdicts.tsv"
      echo "confirm $confirm, slowdown $slow %, run $i: exit $code" >&2
    done
  done
done
echo
echo "workload $WORKLOAD, protocol: ${PROTOCOL:-full (5 seeds x 2000)}, $RUNS runs per cell, rule: regression > max_regression_pct"
awk -F'\t' 'NR > 1 { n[$1 FS $2]++; if ($4 == 1) a[$1 FS $2]++ }
  END { for (k in n) { split(k, p, FS); printf "%-14s confirm %s: %d of %d runs alarmed (%.0f %%)\n", p[1], p[2], a[k], n[k], 100 * a[k] / n[k] } }' \
  "$OUT/verdicts.tsv" | sort
