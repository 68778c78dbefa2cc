#!/usr/bin/env bash
# Builds router_core_tests with AddressSanitizer and UndefinedBehaviorSanitizer (ROUTER_SANITIZE)
# into build-asan/ and runs the Catch2 suite there; the first finding (use after free, overflow,
# leak, signed overflow, misaligned or null access, ...) fails the run. Uses $CXX when set, else
# the default compiler (gcc or clang both work). JOBS sets the parallelism (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

# -O1 with line tables only: quick to build on a small machine, fast enough to run the suite,
# and the reports still name file and line.
cmake -S . -B build-asan "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DROUTER_SANITIZE=ON \
  -DROUTER_BUILD_BENCH=OFF -DROUTER_BUILD_TRAINING=OFF -DROUTER_BUILD_TESTS=ON >/dev/null
nice -n 10 cmake --build build-asan --target router_core_tests --parallel "${JOBS:-2}"

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if ! ctest --test-dir build-asan --output-on-failure -j "${JOBS:-2}"; then
  echo "sanitize: FAILED (a sanitizer report or a failing test above)" >&2
  exit 1
fi
echo "sanitize: router_core_tests is clean under ASan + UBSan"
