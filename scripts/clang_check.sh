#!/usr/bin/env bash
# Builds router_core with Clang's thread-safety analysis (-Wthread-safety) into build-clang/ and
# fails on any finding: state marked GUARDED_BY(mu) touched without `mu` held, a REQUIRES(mu)
# function called without it, a lock not released. GCC ignores the annotations
# (router/base/thread_annotations.h), so the normal build cannot catch these.
# Installs clang with apt-get when it is missing (Debian, as root). JOBS sets the parallelism
# (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang_check: installing clang" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh image has no package lists: update only when the install cannot find the package.
  apt-get install -y -qq clang >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
fi

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

CC=clang CXX=clang++ cmake -S . -B build-clang "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DROUTER_BUILD_BENCH=OFF -DROUTER_BUILD_TRAINING=OFF -DROUTER_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" >/dev/null

if ! nice -n 10 cmake --build build-clang --target router_core --parallel "${JOBS:-2}"; then
  echo "clang_check: FAILED (thread-safety errors or a build error above)" >&2
  exit 1
fi
echo "clang_check: router_core passes -Wthread-safety"
