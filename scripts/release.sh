#!/usr/bin/env bash
# Builds the self-contained linux-x64 binaries (ROUTER_PORTABLE, cmake/Portable.cmake) into
# prebuilds/linux-x64-glibc/, checks their dynamic dependencies, and packs the npm package into
# dist/. Usage: scripts/release.sh [--test | --skip-build | --from-build]
#   --test        also builds the Catch2 suite against the portable core and runs it first
#   --skip-build  repacks the existing prebuilds
#   --from-build  takes the binaries from build/, which must be configured portable
#                 (ROUTER_PORTABLE=1 scripts/build.sh, as scripts/test.sh does)
# Otherwise builds in build-portable/ (its own tree; build/ is the developer build), two targets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TAG=linux-x64-glibc
[ "$(uname -m)" = x86_64 ] || { echo "release.sh builds $TAG on x86_64 only" >&2; exit 1; }
OUT="$ROOT/prebuilds/$TAG"

# strip_into DIR: the shipped copies of DIR's addon and CLI. Symbols are not needed to run;
# stripping saves ~2 MB.
strip_into() {
  mkdir -p "$OUT"
  strip --strip-unneeded -o "$OUT/router_addon.node" "$1/router_addon.node"
  strip --strip-unneeded -o "$OUT/openclaw-router" "$1/openclaw-router"
}

if [ "${1:-}" = "--from-build" ]; then
  grep -q '^ROUTER_PORTABLE:BOOL=ON$' build/CMakeCache.txt 2>/dev/null || {
    echo "release.sh --from-build: build/ is not a portable build (run: ROUTER_PORTABLE=1 bash scripts/build.sh router_addon router_cli)" >&2
    exit 1
  }
  strip_into build/Release
elif [ "${1:-}" != "--skip-build" ]; then
  tests=OFF; targets=(router_addon router_cli)
  [ "${1:-}" = "--test" ] && { tests=ON; targets+=(router_core_tests); }
  tz_source=$(bash scripts/debian-source.sh)
  cmake -S . -B build-portable -G Ninja -DCMAKE_BUILD_TYPE=Release -DROUTER_PORTABLE=ON \
    -DROUTER_DATE_TZ_SOURCE="$tz_source" -DROUTER_BUILD_TESTS=$tests -DROUTER_BUILD_BENCH=OFF \
    -DROUTER_BUILD_TRAINING=OFF >/dev/null
  nice -n 10 cmake --build build-portable --target "${targets[@]}"
  if [ "$tests" = ON ]; then
    echo "== Catch2 suite against the portable core (static SQLite and date/tz, libcurl via dlopen)"
    (cd build-portable && ./router_core_tests)
  fi
  strip_into build-portable/Release
fi

node scripts/check-needed.mjs "$OUT/router_addon.node" "$OUT/openclaw-router"

mkdir -p dist
rm -f dist/openclaw-model-router-*.tgz
# A source build in build/ is never packed ("files" lists prebuilds/ only).
tgz=$(npm pack --silent --pack-destination dist | tail -1)
size=$(stat -c %s "dist/$tgz")
echo "dist/$tgz: $size bytes ($(( (size + 1048575) / 1048576 )) MiB)"
[ "$size" -lt $((15 * 1024 * 1024)) ] || { echo "tarball over 15 MB" >&2; exit 1; }
