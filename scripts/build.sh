#!/usr/bin/env bash
# Configures and builds into build/: everything (core, addon, CLI, tests, bench, training), or only
# the targets named. Usage: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ $# -gt 0 ]; then
  cmake --build build --target "$@"
else
  cmake --build build
fi
