#!/usr/bin/env bash
# ci/build-hosts.sh: builds the framework host pages (typescript-sdk, react, nextjs) from the npm workspace in www/ into dist/hosts/<framework>/.
#
# Usage: ci/build-hosts.sh [--force] [--out DIR] [HOST...]   (from the repository root)
#   HOST     typescript-sdk | react | nextjs (default: all three)
#   --out    where the hosts go (default dist/hosts; the collector serves dist/ at /dist/, so the
#            pages are /dist/hosts/<framework>/?profile=<p>)
#   --force  rebuild even when the inputs did not change
# `npm ci` runs only when www/package-lock.json changed since the last install; a host is rebuilt
# only when its sources, the SDK's sources or the lockfile changed. Needs Node >= 20 and npm.
set -euo pipefail

die() { echo "build-hosts: $*" >&2; exit 1; }

ALL_HOSTS=(typescript-sdk react nextjs)
OUT=dist/hosts
FORCE=0
HOSTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; OUT="$2"; shift ;;
    --out=*) OUT="${1#--out=}" ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    typescript-sdk|react|nextjs) HOSTS+=("$1") ;;
    *) echo "build-hosts: unknown argument '$1' (hosts: ${ALL_HOSTS[*]}; options: --force, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#HOSTS[@]} -gt 0 ] || HOSTS=("${ALL_HOSTS[@]}")

if [ ! -f www/package.json ] || [ ! -f www/package-lock.json ]; then
  die "run from the repository root (www/package.json and www/package-lock.json not found)"
fi
command -v node >/dev/null || die "node is not installed (Node >= 20 is needed; ci/setup.sh installs it)"
command -v npm >/dev/null || die "npm is not installed (ci/setup.sh installs it)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $(node --version) is too old: the hosts need Node >= 20"

export NEXT_TELEMETRY_DISABLED=1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
STAMPS="$OUT/.stamps"
mkdir -p "$STAMPS"
rm -rf "$OUT"/*.tmp-* # left by an interrupted build

# Hash of the files under the given paths (sources only: no node_modules or build outputs).
inputs_hash() {
  {
    node --version
    find "$@" \( -name node_modules -o -name lib -o -name build -o -name out -o -name .next \) -prune \
      -o -type f ! -name '*.tsbuildinfo' ! -name next-env.d.ts -print | LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -d' ' -f1
}

# ---- dependencies: npm ci from the lockfile, skipped when node_modules already matches it ----
lock_hash=$(cat www/package.json www/*/package.json www/package-lock.json | sha256sum | cut -d' ' -f1)
lock_stamp=www/node_modules/.wasm-budgets-lock.sha256
if [ "$FORCE" = 1 ] || [ ! -f "$lock_stamp" ] || [ "$(cat "$lock_stamp")" != "$lock_hash" ]; then
  echo "build-hosts: npm ci (www/package-lock.json)"
  (cd www && npm ci --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed in www/ (is the npm registry reachable? does www/package-lock.json match the package.json files?)"
  echo "$lock_hash" > "$lock_stamp"
else
  echo "build-hosts: node_modules matches www/package-lock.json; skipping npm ci"
fi

# ---- the SDK: every host uses it ----
SDK_INPUTS=(www/sdk/src www/sdk/package.json www/sdk/tsconfig.json)
sdk_hash=$(inputs_hash "${SDK_INPUTS[@]}" www/package-lock.json)
if [ "$FORCE" = 1 ] || [ ! -f www/sdk/lib/index.js ] || [ "$(cat "$STAMPS/sdk" 2>/dev/null)" != "$sdk_hash" ]; then
  echo "build-hosts: building the SDK (www/sdk, tsc)"
  rm -rf www/sdk/lib
  (cd www && npm run --silent build -w @wasm-budgets/sdk) \
    || die "the SDK (www/sdk, needed by every host) failed to build: see the tsc errors above"
  echo "$sdk_hash" > "$STAMPS/sdk"
fi

# ---- the hosts ----
host_dir() {
  case "$1" in
    typescript-sdk) echo sdk-host ;;
    react) echo react-host ;;
    nextjs) echo next-host ;;
  esac
}

for host in "${HOSTS[@]}"; do
  dir=$(host_dir "$host")
  hash=$(inputs_hash "www/$dir" "${SDK_INPUTS[@]}" www/react-ui www/package-lock.json) # react-ui: the react and nextjs hosts' shared hook and view
  if [ "$FORCE" = 0 ] && [ -f "$OUT/$host/index.html" ] && [ "$(cat "$STAMPS/$host" 2>/dev/null)" = "$hash" ]; then
    echo "build-hosts: $host is up to date ($OUT/$host/)"
    continue
  fi
  echo "build-hosts: building the $host host (www/$dir)"
  rm -rf "${STAMPS:?}/$host" "${OUT:?}/$host" # a failed build leaves no stale page to measure
  start=$(date +%s)
  (cd "www/$dir" && npm run --silent build -- "$OUT/$host") \
    || die "the $host host (www/$dir) failed to build: see the errors above"
  [ -f "$OUT/$host/index.html" ] || die "the $host host built but $OUT/$host/index.html is missing"
  echo "$hash" > "$STAMPS/$host"
  echo "build-hosts: $host -> $OUT/$host/ ($(( $(date +%s) - start )) s)"
done
