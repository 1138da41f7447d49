#!/usr/bin/env bash
# The figures behind "How a figure is measured": real runs of the optimised collector in headless
# browsers, each on a quiet machine — a watcher samples the process table every 2 s and a run during
# which anything else used the CPU (a build, another browser, a JVM, node) is thrown away and
# measured again (up to 3 tries, then the script stops). Writes every run under $OUT/<name>/ and
# prints the tables of the closing notes (tools/figures.jq reads the summaries; no statistic is
# computed here: every value is the collector's).
#
#   ci/bench-figures.sh                 # everything (≈ 40 min)
#   ONLY="aa" ci/bench-figures.sh       # a subset: aa (3 A/A runs, Chromium core-min), firefox,
#                                       # trace, mobile, frameworks, matrix (every environment × profile,
#                                       # one session at a time), grid (the same matrix on a local
#                                       # Selenium Grid, hub + 3 nodes, --jobs 3: on one machine its
#                                       # figure is a wall time, not a set of timings to trust)
#   EXTRA="--iterations 300" ci/bench-figures.sh   # a reduced protocol (every record says so)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-artifacts/figures}"
ONLY="${ONLY:-aa firefox trace mobile frameworks}"
EXTRA="${EXTRA:-}"
MARK="figures-$$"
export WASM_BUDGET_TEST_MARK="$MARK"
ci/setup.sh >/dev/null
cargo build -q --release -p collector
collector=target/release/collector
$collector build --profile core-min --profile core-trace --profile full-dev >/dev/null
ci/build-hosts.sh >/dev/null 2>&1
mkdir -p "$OUT"

# Processes that used more than 15 % of a core over the last second and are not this script's own
# (marked) runs: a build, a JVM, node, another browser. Kernel threads and `top` are not counted.
foreign() {
  local pid
  for pid in $(top -b -n 2 -d 1 -w 512 | awk '/^top -/ {block++} block == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 15 {print $1}'); do
    ours "$pid" || echo "$pid $(tr ' ' '_' 2>/dev/null <"/proc/$pid/comm")"
  done
}

# True when `pid` or one of its ancestors carries this script's marker (browsers may clear their
# children's environment), or it is a kernel thread, `top`, or already gone.
ours() {
  local pid=$1 env
  while [ "${pid:-0}" -gt 1 ]; do
    env=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") || return 0
    [ -n "$env" ] || return 0
    [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = top ] && return 0
    grep -qx "WASM_BUDGET_TEST_MARK=$MARK" <<<"$env" && return 0
    pid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  done
  return 1
}

# measure NAME [collector run flags…]: one quiet run into $OUT/NAME (wall time in $OUT/NAME.wall).
measure() {
  local name=$1
  shift
  for _ in 1 2 3; do
    while [ -n "$(foreign)" ]; do sleep 5; done
    rm -rf "${OUT:?}/$name" && mkdir -p "$OUT/$name"
    : >"$OUT/$name.disturbed"
    (while true; do foreign >>"$OUT/$name.disturbed"; sleep 1; done) &
    local watcher=$! t0 t1 code
    t0=$(date +%s.%N)
    set +e
    # shellcheck disable=SC2086
    $collector --artifacts-dir "$OUT/$name" run --prebuilt dist --commit figures --confirm 0 "$@" $EXTRA \
      >"$OUT/$name.log" 2>&1
    code=$?
    set -e
    t1=$(date +%s.%N)
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    [ "$code" -le 1 ] || { echo "$name failed (exit $code): see $OUT/$name.log" >&2; exit 2; }
    if [ -s "$OUT/$name.disturbed" ]; then
      echo "$name: disturbed by $(sort -u "$OUT/$name.disturbed" | awk '{print $2}' | sort -u | tr '\n' ' ')— measuring again" >&2
      continue
    fi
    rm -f "$OUT/$name.disturbed"
    echo "$t1 - $t0" | bc >"$OUT/$name.wall"
    echo "$name: $(cat "$OUT/$name.wall") s" >&2
    return 0
  done
  echo "$name: no quiet window in 3 tries" >&2
  exit 2
}

for part in $ONLY; do
  case $part in
    aa) for i in 1 2 3; do measure "aa$i"; done ;;
    firefox) measure firefox --env desktop-firefox ;;
    trace) measure trace --profile core-trace --env desktop-chromium --env desktop-firefox ;;
    mobile) measure mobile --workload cold-start --env desktop-chromium --env mobile-android ;;
    frameworks) measure frameworks --workload cold-start --all-frameworks --iterations 500 ;;
    matrix) measure matrix --matrix ;;
    grid)
      # The grid's JVMs and the browsers its nodes start carry this script's marker, so the watcher
      # counts them as part of the run (three sessions on two cores disturb each other by design).
      ci/grid.sh start 3 "$OUT/grid-servers" >/dev/null
      trap 'ci/grid.sh stop "$OUT/grid-servers"' EXIT
      # Three sessions share two cores, so one call takes up to ~2× its sequential time: give each
      # scenario up to 1150 s, below the nodes' session-timeout (1200 s, ci/grid/node.toml).
      measure grid --matrix --webdriver-url http://127.0.0.1:4444 --jobs 3 --scenario-timeout 1150
      ci/grid.sh stop "$OUT/grid-servers"
      trap - EXIT ;;
    *) echo "unknown part $part (aa firefox trace mobile frameworks matrix grid)" >&2; exit 2 ;;
  esac
done
ci/figures.sh "$OUT"
