#!/usr/bin/env bash
# Prints the benchmark figures quoted in the README.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh >/dev/null
./build/router_bench "${TMPDIR:-/tmp}"
node bench/hook_bench.mjs
