#!/usr/bin/env bash
# Detection power of the baseline-regression rule in both modes, on one machine in one invocation,
# through the real gate in real Chromium:
# - stored: one baseline run of the base build, then every candidate run judged against that file
#   (`collector run --baseline`), as a team gating on a stored baseline does;
# - paired: every candidate run measures the base beside it in the same session (`run --against`).
# Candidates are distinct builds: the base itself (A/A′: the paired run serves the base's copy with a
# custom section, so the two modules never share compiled code) and, per slowdown, a build with a
# test-only calibrated slowdown compiled in (`collector build --inject-slowdown PCT`). The modes and
# conditions alternate within each round, so machine drift weighs on all of them alike.
# Writes every run's regression report under $OUT and a table of each comparison to
# $OUT/comparisons.tsv (mode, slowdown, round, key, change %, interval, status), then prints per mode,
# slowdown and metric: the mean change (the effect the injection really had), σ of the log ratio,
# and how many runs failed. Run it on a quiet machine: anything else running distorts the timings.
#
#   ci/bench-detection.sh                                   # RUNS=10, SLOWDOWNS="15", reduced protocol below
#   RUNS=20 SLOWDOWNS="5 10 15 25" PROTOCOL="" ci/bench-detection.sh   # the full protocol
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"
SLOWDOWNS="${SLOWDOWNS:-15}"
WORKLOADS="${WORKLOADS:-steady-throughput cancellation-storm}"
PROTOCOL="${PROTOCOL---seeds 11,29,42,73,101 --iterations 500}"
OUT="${OUT:-artifacts/detection}"
ci/setup.sh >/dev/null
cargo build -q --release -p collector
collector=target/release/collector
rm -rf "$OUT" && mkdir -p "$OUT/builds"
$collector build --profile core-min --dist "$OUT/builds/base" >/dev/null 2>&1
for s in $SLOWDOWNS; do
  $collector build --profile core-min --inject-slowdown "$s" --dist "$OUT/builds/s$s" >/dev/null 2>&1
done
wl=()
for w in $WORKLOADS; do wl+=(--workload "$w"); done
run() { # run NAME CANDIDATE-DIR [flags…]: one measured run; fails the script unless it exits 0 or 1
  local name=$1 candidate=$2
  shift 2
  set +e
  # shellcheck disable=SC2086
  $collector --artifacts-dir "$OUT/$name" run --prebuilt "$candidate" "${wl[@]}" $PROTOCOL \
    --commit bench-detection --confirm 0 "$@" >"$OUT/$name.log" 2>&1
  local code=$?
  set -e
  [ "$code" -le 1 ] || { echo "run $name failed (exit $code): see $OUT/$name.log" >&2; exit 2; }
}
echo "stored baseline run…" >&2
run stored-baseline "$OUT/builds/base"
cp "$OUT/stored-baseline/wasm_budget_summary.json" "$OUT/baseline.json"
printf 'mode\tslowdown\tround\tkey\tchange_pct\tlow_pct\thigh_pct\tstatus\n' >"$OUT/comparisons.tsv"
for i in $(seq 1 "$RUNS"); do
  for slow in 0 $SLOWDOWNS; do
    cand="$OUT/builds/base"
    [ "$slow" = 0 ] || cand="$OUT/builds/s$slow"
    for mode in stored paired; do
      name="$mode-s$slow-r$i"
      if [ "$mode" = stored ]; then
        run "$name" "$cand" --baseline "$OUT/baseline.json"
      else
        run "$name" "$cand" --against "$OUT/builds/base"
      fi
      jq -r --arg m "$mode" --arg s "$slow" --arg r "$i" '.regressions[]
        | select(.key.environment != "build")
        | [$m, $s, $r, "\(.key.metric_id)/\(.key.workload)", .regression_pct,
           (.paired.interval_pct[0] // ""), (.paired.interval_pct[1] // ""), .status] | @tsv' \
        "$OUT/$name/wasm_perf_regression_report.json" >>"$OUT/comparisons.tsv"
      echo "round $i, slowdown $slow %, $mode: $(jq -r .verdict "$OUT/$name/wasm_perf_regression_report.json")" >&2
    done
  done
done
echo
echo "workloads: $WORKLOADS; protocol: ${PROTOCOL:-full (5 seeds x 2000)}; $RUNS runs per cell; rule: regression > max_regression_pct"
printf '%-7s %-9s %-34s %9s %9s %8s\n' mode slowdown key "mean %" "σ log %" failed
awk -F'\t' 'NR > 1 {
    k = $1 FS $2 FS $4; n[k]++; l = log(1 + $5 / 100); s[k] += l; q[k] += l * l; m[k] += $5
    if ($8 == "fail") f[k]++
  }
  END { for (k in n) { split(k, p, FS); mean = s[k] / n[k]; var = n[k] > 1 ? (q[k] - n[k] * mean * mean) / (n[k] - 1) : 0
    printf "%-7s %-9s %-34s %9.2f %9.2f %4d/%-3d\n", p[1], p[2] "%", p[3], m[k] / n[k], 100 * sqrt(var > 0 ? var : 0), f[k], n[k] } }' \
  "$OUT/comparisons.tsv" | sort
