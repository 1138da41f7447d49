#!/usr/bin/env bash
# The flake hunt: runs the real-browser suites N times and prints each test's failure count.
#   ci/flake.sh N [SUITE-REGEX]
# Suites: harness-chromium, harness-chromium-trace, harness-firefox, harness-firefox-trace (the wasm
# harness in headless browsers, default and trace,diagnostics features), collector-e2e (the collector's
# end-to-end tests: real Chromium/Firefox sessions, the HTTP server, a Selenium Grid, Appium) and
# webdriver (the session crate against real drivers). SUITE-REGEX (grep -E) picks some, e.g.
# `ci/flake.sh 20 harness` or `ci/flake.sh 5 collector-e2e`. Run it before submitting a change to
# timing code; run nothing else meanwhile (two cores: a build beside it changes what it tests).
# Writes the logs of failed runs under artifacts/flake/; exits 1 if any test failed, 2 on bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-}"
pick="${2:-.}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "ci/flake.sh: N must be a positive whole number of runs (got '${runs}'); usage: ci/flake.sh N [SUITE-REGEX]" >&2
  exit 2
fi
ci/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
GECKO="$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")"
e2e=(--test run_e2e --test cold_e2e --test confirm_e2e --test live_page --test report --test serve_tls_e2e
  --test grid_e2e --test appium_e2e --test signals)

suite_cmd() {
  case "$1" in
    harness-chromium) env -u GECKODRIVER CHROMEDRIVER="$CHROMEDRIVER" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance ;;
    harness-chromium-trace) env -u GECKODRIVER CHROMEDRIVER="$CHROMEDRIVER" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance --features trace,diagnostics ;;
    harness-firefox) GECKODRIVER="$GECKO" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance ;;
    harness-firefox-trace) GECKODRIVER="$GECKO" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance --features trace,diagnostics ;;
    collector-e2e) cargo test -p collector "${e2e[@]}" -- --format terse 2>&1 ;;
    webdriver) cargo test -p bench-webdriver --test chromium --test firefox -- --format terse 2>&1 ;;
  esac
}
suites=()
for s in harness-chromium harness-chromium-trace harness-firefox harness-firefox-trace collector-e2e webdriver; do
  if grep -qE -- "$pick" <<<"$s"; then suites+=("$s"); fi
done
if [ ${#suites[@]} -eq 0 ]; then
  echo "ci/flake.sh: no suite matches '$pick'; suites: harness-chromium harness-chromium-trace harness-firefox harness-firefox-trace collector-e2e webdriver" >&2
  exit 2
fi

# Build once, outside the counted runs (the profiles the end-to-end tests load, and every test binary).
cargo run -q -p collector -- build >/dev/null
for s in "${suites[@]}"; do
  case "$s" in
    harness-*trace) cargo test -q -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance --features trace,diagnostics --no-run ;;
    harness-*) cargo test -q -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance --no-run ;;
    collector-e2e) cargo test -q -p collector "${e2e[@]}" --no-run ;;
    webdriver) cargo test -q -p bench-webdriver --test chromium --test firefox --no-run ;;
  esac
done 2>/dev/null

out=artifacts/flake
mkdir -p "$out"
tally="$(mktemp)"
trap 'rm -f "$tally"' EXIT
started=$(date +%s)
for ((i = 1; i <= runs; i++)); do
  for s in "${suites[@]}"; do
    log="$(mktemp)"
    t0=$(date +%s)
    if suite_cmd "$s" >"$log" 2>&1; then rc=0; else rc=$?; fi
    # One line per test outcome: "test NAME ... ok|FAILED" (libtest and wasm-bindgen-test alike).
    sed -nE 's/^test (.+) \.\.\. (ok|FAILED|ignored)$/\1\t\2/p' "$log" | while IFS=$'\t' read -r name verdict; do
      printf '%s\t%s\t%s\n' "$s" "$name" "$verdict" >>"$tally"
    done
    if [ "$rc" -ne 0 ]; then
      cp "$log" "$out/$s-run$i.log"
      # A suite that failed without naming a failed test (a crash, a build error) counts as one.
      grep -qE '\.\.\. FAILED$' "$log" || printf '%s\t%s\t%s\n' "$s" "(suite exited $rc, no test named)" FAILED >>"$tally"
    fi
    printf '[flake] run %d/%d %-24s exit %d, %ds\n' "$i" "$runs" "$s" "$rc" "$(($(date +%s) - t0))" >&2
    rm -f "$log"
  done
done

echo
printf '%-24s %-80s %5s %6s\n' suite test runs failed
awk -F'\t' '{ runs[$1 FS $2]++; if ($3 == "FAILED") failed[$1 FS $2]++ }
  END { for (k in runs) { split(k, p, FS); printf "%-24s %-80s %5d %6d\n", p[1], p[2], runs[k], failed[k] + 0 } }' "$tally" | sort
fails=$(awk -F'\t' '$3 == "FAILED"' "$tally" | wc -l)
echo
echo "[flake] $runs run(s) of ${suites[*]} in $(($(date +%s) - started)) s: $fails failure(s)$([ "$fails" -gt 0 ] && echo "; logs in $out/")"
[ "$fails" -eq 0 ]
