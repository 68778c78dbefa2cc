#!/usr/bin/env bash
# Builds the core, its Catch2 suite and the libFuzzer targets with clang into build-sanitize/ —
# AddressSanitizer, UndefinedBehaviorSanitizer and Clang's thread-safety analysis as errors
# (ROUTER_FUZZ implies the sanitizers) — then runs the suite there: the first finding (use after
# free, overflow, leak, signed overflow, misaligned or null access, a GUARDED_BY member touched
# without its lock) fails the run. scripts/fuzz.sh reuses this build. Needs clang
# (scripts/toolchain.sh installs it). JOBS sets the parallelism (default 2).
# Usage: scripts/sanitize.sh [--build-only]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/sanitize-build.sh
sanitize_build router_core_tests
[ "${1:-}" = "--build-only" ] && exit 0

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if ! ctest --test-dir build-sanitize --output-on-failure -j "${JOBS:-2}"; then
  echo "sanitize: FAILED (a sanitizer report or a failing test above)" >&2
  exit 1
fi
echo "sanitize: router_core_tests is clean under ASan + UBSan, and the build under -Wthread-safety"
