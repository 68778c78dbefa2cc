#!/usr/bin/env bash
# Prints the benchmark figures quoted in the README.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh >/dev/null
dir="${TMPDIR:-/tmp}"
./build/router_bench "$dir"
node bench/hook_bench.mjs
node bench/fetch_bench.mjs
./build/router_classify_bench
./build/router_route_bench
./build/router_local_detect_bench
./build/router_optimize_bench
./build/router_forecast_backtest
./build/router_forecast_alerts_backtest --evaluation  # the README's forecast figures (no flag: tuning too)
./build/router_status_bench "$dir"   # leaves $dir/router-bench-1m.sqlite for the CLI run below

# The native CLI end to end (process start, config read, ledger open, status) on that ledger.
state=$(mktemp -d)
printf '{ plugins: { entries: { "model-router": { config: { ledger: { path: "%s" } } } } } }\n' \
  "$dir/router-bench-1m.sqlite" > "$state/openclaw.json"
runs=20
start=$(date +%s%N)
for _ in $(seq $runs); do ./build/Release/openclaw-router status --json --state-dir "$state" >/dev/null; done
echo "openclaw-router status --json on the 1,000,000-call ledger: $(( ($(date +%s%N) - start) / runs / 1000000 )) ms per run (mean of $runs, whole process)"
rm -rf "$state"
