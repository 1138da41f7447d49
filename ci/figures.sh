#!/usr/bin/env bash
# Prints the figure tables of `ci/bench-figures.sh` from its output directory: every number is read
# from the collector's summaries, raw wire files and step log (nothing is re-computed but ratios).
#   ci/figures.sh artifacts/figures
set -euo pipefail
OUT="${1:?usage: ci/figures.sh DIR}"
runs() { for d in "$OUT"/*/; do [ -f "$d/wasm_budget_summary.json" ] && basename "$d"; done; }

echo "## Latency probes: two views, gate value, tail resolution (values in the record's unit)"
printf 'run\tenv\tprofile\tmetric\tbatch-view p95\tper-op p95\tgate value\tper-op seeds\tbelow-res seeds\ttail res (µs)\tseed p95 max/min\tbatch sizes\twarm-up batches\tunsteady\trejected\n'
for r in $(runs); do
  jq -r --arg run "$r" '.records[]
    | select(.detail.per_op_view_p95 != null)
    | [$run, .environment, .profile, .metric_id,
       (.detail.batch_view_p95 | tostring), (.detail.per_op_view_p95 | tostring), (.value | tostring),
       (.detail.per_op_view_seeds | tostring), (.detail.tail_below_resolution_seeds | tostring),
       (.detail.tail_resolution_ns / 1000 | tostring),
       ([.detail.per_seed_p95[].p95] | (max / min) | . * 1000 | round / 1000 | tostring),
       ([.detail.batch_size_per_seed[]] | map(tostring) | join("/")),
       ([.detail.warmup_batches_per_seed[]?] | map(tostring) | join("/")),
       (.detail.unsteady_warmup_seeds | tostring), (.detail.rejected_batches | tostring)]
    | @tsv' "$OUT/$r/wasm_budget_summary.json"
done

echo
echo "## A/A: the same build measured in back-to-back runs (aa1, aa2, aa3): gate values and max/min,"
echo "## raw and at the first run's machine speed (value × its speed reference / the run's; the baseline rule's comparison)"
printf 'env\tprofile\tworkload\tmetric\tvalues\traw max/min\tspeed references (ns)\tat one speed max/min\tunit\n'
if ls "$OUT"/aa*/wasm_budget_summary.json >/dev/null 2>&1; then
  jq -rs 'def r3: . * 1000 | round / 1000;
    [.[].records[] | select(.environment != "build" and .value != null)]
    | group_by([.environment, .profile, .detail.framework, .detail.workload, .metric_id])
    | .[] | (map(.detail.speed_reference_ns)) as $s
    | (if ($s | all(. != null)) and .[0].unit != "%" then [range(length) as $i | .[$i].value * $s[0] / $s[$i]] else null end) as $at
    | [.[0].environment, .[0].profile, .[0].detail.workload, .[0].metric_id, (map(.value) | map(tostring) | join(" ")),
       (map(.value) | (max / min) | r3 | tostring),
       (if $at then ($s | map(r3 | tostring) | join(" ")) else "-" end),
       (if $at then ($at | (max / min) | r3 | tostring) else "-" end), .[0].unit]
    | @tsv' "$OUT"/aa*/wasm_budget_summary.json
fi

echo
echo "## Cold init: gate value and phases (p95 of each phase, ms), per run × environment × framework"
printf 'run\tenv\tprofile\tframework\tmetric\tvalue\tcompile\tinstantiate\truntime start\tfirst task\tfetch\tglue import\tseed p95 max/min\tthrottle\n'
for r in $(runs); do
  jq -r --arg run "$r" '.records[] | select((.metric_id == "M-PERF-02A" or .metric_id == "M-PERF-02B") and .status != "skip")
    | .detail as $d | [$run, .environment, .profile, $d.framework, .metric_id, (.value | tostring)]
      + ([ "compile_ms", "instantiate_ms", "runtime_start_ms", "first_task_ms", "fetch_ms", "glue_import_ms"]
         | map($d.components_p95[.] * 100 | round / 100 | tostring))
      + [([$d.per_seed_p95[].p95] | (max / min) | . * 1000 | round / 1000 | tostring), ($d.cpu_throttle_rate // 1 | tostring)]
    | @tsv' "$OUT/$r/wasm_budget_summary.json"
done

echo
echo "## Cold-start probe wall time vs the timed work it records (every phase of every timed sample)"
printf 'run\tenv/profile/framework\tprobe wall (s)\trecorded phases (s)\twall/recorded\n'
for r in $(runs); do
  log="$OUT/$r.log"
  [ -f "$log" ] || continue
  for raw in $(find "$OUT/$r/raw" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | tail -1); do
    for f in $(find "$raw" -name '*-cold-start-seed*.json' | sort); do
      envdir=$(basename "$(dirname "$(dirname "$f")")")
      prof=$(basename "$(dirname "$f")")
      fw=$(basename "$f" | sed 's/-cold-start-seed.*//')
      echo "$envdir/$prof/$fw $(jq '[.probes[0].components[][]] | add / 1e9' "$f")"
    done
  done | awk '{s[$1] += $2} END {for (k in s) print k, s[k]}' | while read -r unit recorded; do
    env=${unit%%/*}
    rest=${unit#*/}
    prof=${rest%%/*}
    fw=${rest#*/}
    wall=$(grep -E "\] $env $prof $fw/cold-start seeds? [0-9,]+ in " "$log" | sed -E 's/.* in ([0-9.]+)s.*/\1/' | paste -sd+ | bc)
    printf '%s\t%s\t%s\t%.1f\t%s\n' "$r" "$unit" "$wall" "$recorded" "$(echo "scale=2; $wall / $recorded" | bc)"
  done
done

echo
echo "## Wall time of each run (s)"
for w in "$OUT"/*.wall; do printf '%s\t%s\n' "$(basename "$w" .wall)" "$(cat "$w")"; done

echo
echo "## Sessions: start and run time of each (environment × profile × host) session, and the wall time with one node per session"
for r in $(runs); do
  [ -f "$OUT/$r.log" ] || continue
  grep -E '^session .*: started in|session\(s\), ' "$OUT/$r.log" | sed "s/^/$r\t/"
done
