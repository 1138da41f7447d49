#!/usr/bin/env bash
# The whole test suite: formatting, lints, native unit/CLI tests, the wasm32 builds, and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "scenarios builds for wasm32 (pure crate)"
cargo build -p scenarios --target wasm32-unknown-unknown
step "native tests (unit, CLI, real-browser WebDriver and end-to-end)"
cargo test --workspace
step "validators' self-test"
cargo run -q -p collector -- validate --self-test >/dev/null
