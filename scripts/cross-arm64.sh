#!/usr/bin/env bash
# linux-arm64: cross-builds the portable addon, CLI and Catch2 suite with Debian's
# g++-aarch64-linux-gnu into build-arm64/, runs the suite and the CLI under qemu-user, and stages
# prebuilds/linux-arm64-glibc/. Skips (exit 0, with a message) where the cross compiler or qemu is
# missing: `apt-get install g++-aarch64-linux-gnu qemu-user`. No system change: the one arm64
# library needed (libsqlite3.a) is downloaded and unpacked into .cache/arm64/.
# Usage: scripts/cross-arm64.sh [--no-tests] [--compare] [--no-stage] [--prepare]
#   --prepare: only install and download what the build needs (apt, network), then stop.
#   --no-stage: leave prebuilds/ alone (scripts/test.sh runs this beside the x64 release build).
#   --compare: instead of the Catch2 suite, run one native-CLI session (quotas, forecasts, routing,
#     the classifier on every prompt of training/data) with the arm64 CLI under qemu and with build/Release's x64
#     CLI and require the same answers (scripts/cross-compare.mjs): minutes less of cross-building
#     and emulation, so scripts/test.sh uses it; the full suite runs without this option.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
tests=ON; stage=1; prepare=0; compare=0
for arg in "$@"; do
  case $arg in
    --no-tests) tests=OFF ;;
    --compare) tests=OFF; compare=1 ;;
    --no-stage) stage=0 ;;
    --prepare) prepare=1 ;;
    *) echo "cross-arm64: unknown option $arg (use --no-tests, --compare, --no-stage, --prepare)" >&2; exit 2 ;;
  esac
done
# As root on Debian the cross compiler and qemu are installed when missing (ROUTER_NO_APT=1: never).
if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && [ -z "${ROUTER_NO_APT:-}" ] && command -v apt-get >/dev/null; then
    echo "cross-arm64: installing g++-aarch64-linux-gnu qemu-user" >&2
    export DEBIAN_FRONTEND=noninteractive
    pkgs=(g++-aarch64-linux-gnu qemu-user)
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; } || true
  fi
fi
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "cross-arm64: SKIPPED, $tool not installed (apt-get install g++-aarch64-linux-gnu qemu-user)"; exit 0; }
done

CACHE="$ROOT/.cache/arm64"
version=$(dpkg-query -W -f='${Version}' libsqlite3-dev)  # same version as the host headers
lib="$CACHE/sysroot/usr/lib/aarch64-linux-gnu/libsqlite3.a"
if [ ! -f "$lib" ]; then
  mkdir -p "$CACHE/lists/partial" "$CACHE/debs" "$CACHE/sysroot"
  echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $(. /etc/os-release && echo "$VERSION_CODENAME") main" >"$CACHE/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$CACHE/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$CACHE/lists" -o Dir::State::status=/dev/null -o Debug::NoLocking=1
    -o APT::Architectures=arm64 -o APT::Architecture=arm64 -o APT::Sandbox::User=root -qq)
  apt-get "${apt_opts[@]}" update
  (cd "$CACHE/debs" && apt-get "${apt_opts[@]}" download "libsqlite3-dev:arm64=$version")
  dpkg-deb -x "$CACHE"/debs/libsqlite3-dev_*_arm64.deb "$CACHE/sysroot"
fi

tz_source=$(bash scripts/debian-source.sh)
[ "$prepare" = 1 ] && { echo "cross-arm64: prepared"; exit 0; }
# Header-only or interface use of the host's packages (see cmake/aarch64-linux-gnu.cmake); the
# host libcurl is named only to satisfy find_package: portable builds never link it.
host=/usr/lib/x86_64-linux-gnu
mkdir -p "$CACHE/include" && cp -r /usr/include/x86_64-linux-gnu/curl "$CACHE/include/"  # not the host's glibc headers beside them
host_configs=(-Dfmt_DIR=$host/cmake/fmt -Ddate_DIR=$host/cmake/date
  -DCURL_INCLUDE_DIR="$CACHE/include" -DCURL_LIBRARY=$host/libcurl.so)
for d in /usr/lib/cmake/Catch2 /usr/share/cmake/Catch2 $host/cmake/Catch2; do
  [ -d "$d" ] && host_configs+=(-DCatch2_DIR=$d)
done
for d in /usr/share/cmake/nlohmann_json /usr/lib/cmake/nlohmann_json; do
  [ -d "$d" ] && host_configs+=(-Dnlohmann_json_DIR=$d)
done
cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/aarch64-linux-gnu.cmake" -DROUTER_PORTABLE=ON \
  -DROUTER_DATE_TZ_SOURCE="$tz_source" -DSQLite3_LIBRARY="$CACHE/sysroot/usr/lib/aarch64-linux-gnu/libsqlite3.so" \
  -DSQLite3_INCLUDE_DIR=/usr/include "${host_configs[@]}" -DROUTER_BUILD_TESTS=$tests -DROUTER_BUILD_BENCH=OFF \
  -DROUTER_BUILD_TRAINING=OFF >/dev/null
targets=(router_addon router_cli); [ "$tests" = ON ] && targets+=(router_core_tests)
nice -n 10 cmake --build build-arm64 --target "${targets[@]}"

node scripts/check-needed.mjs build-arm64/Release/router_addon.node build-arm64/Release/openclaw-router
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
"${qemu[@]}" build-arm64/Release/openclaw-router --help | head -1
if [ "$compare" = 1 ]; then
  echo "== linux-arm64 CLI under qemu-user against the x64 build"
  node scripts/cross-compare.mjs build/Release/openclaw-router "${qemu[@]}" build-arm64/Release/openclaw-router
fi
if [ "$tests" = ON ]; then
  echo "== linux-arm64 Catch2 suite under qemu-user"
  limit=${ARM64_TEST_SECONDS:-900}
  set +e
  # The prebuilt router loads libcurl at run time; qemu's arm64 prefix normally has none, so the
  # tests that need a real libcurl give way to the one that checks the error without it.
  filter=()
  if ! ls /usr/aarch64-linux-gnu/lib/libcurl*.so.4 >/dev/null 2>&1; then
    echo "cross-arm64: no arm64 libcurl in /usr/aarch64-linux-gnu: [libcurl] tests replaced by [no-libcurl]"
    filter=("~[libcurl]")
    (cd build-arm64 && timeout 300 "${qemu[@]}" ./router_core_tests "[no-libcurl]") ||
      { echo "cross-arm64: FAILED: the missing-libcurl check under qemu" >&2; exit 1; }
  fi
  (cd build-arm64 && timeout "$limit" "${qemu[@]}" ./router_core_tests "${filter[@]}")
  rc=$?
  set -e
  if [ $rc -eq 124 ]; then
    echo "cross-arm64: the suite under qemu did not finish within ${limit} s (ARM64_TEST_SECONDS): NOT verified" >&2
    exit 3
  fi
  [ $rc -eq 0 ] || { echo "cross-arm64: FAILED under qemu (exit $rc)" >&2; exit 1; }
fi
[ "$stage" = 1 ] || exit 0
out=prebuilds/linux-arm64-glibc
mkdir -p "$out"
aarch64-linux-gnu-strip --strip-unneeded -o "$out/router_addon.node" build-arm64/Release/router_addon.node
aarch64-linux-gnu-strip --strip-unneeded -o "$out/openclaw-router" build-arm64/Release/openclaw-router
echo "staged $out"
