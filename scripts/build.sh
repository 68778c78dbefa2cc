#!/usr/bin/env bash
# Configures and builds into build/: everything (core, addon, CLI, tests, bench, training), or only
# the targets named. Usage: [ROUTER_PORTABLE=1] scripts/build.sh [target...]
# ROUTER_PORTABLE=1 configures build/ as the release binaries are built (cmake/Portable.cmake:
# static SQLite and date/tz, libcurl loaded at run time), so scripts/test.sh tests the very
# binaries it ships (scripts/release.sh --from-build) instead of compiling the core twice.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
portable=(-DROUTER_PORTABLE=OFF)
if [ "${ROUTER_PORTABLE:-0}" = 1 ]; then
  portable=(-DROUTER_PORTABLE=ON -DROUTER_DATE_TZ_SOURCE="$(bash scripts/debian-source.sh)")
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${portable[@]}" >/dev/null
if [ $# -gt 0 ]; then
  cmake --build build --target "$@"
else
  cmake --build build
fi
