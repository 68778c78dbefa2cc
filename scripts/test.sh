#!/usr/bin/env bash
# Every test, on a fresh machine: installs what is missing (apt packages, Node 24, OpenClaw, npm
# devDependencies), builds, then runs Catch2 (core), the lint (format, clang-tidy), node:test
# (binding, plugin, native CLI, fake provider), the package checks and the end-to-end suite against
# real OpenClaw; meanwhile, in the background, the sanitizer build (with thread safety), the
# fuzzers and the linux-arm64 suite under qemu (scripts/test-background.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# phase NAME: ends the previous phase with its wall time and how busy the machine's CPUs were
# (from /proc/stat), so the run's time can be put down to its parts (printed at the end).
phases=/tmp/router-test-phases.$$
: >"$phases"
cpu_ticks() {
  local _ user nice system idle iowait irq softirq steal
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  echo "$((user + nice + system + irq + softirq + steal)) $((idle + iowait))"
}
phase() {
  local busy idle
  read -r busy idle < <(cpu_ticks)
  if [ -n "${phase_name:-}" ]; then
    local db=$((busy - phase_busy)) di=$((idle - phase_idle))
    printf '%-34s %5d s  CPU busy %3d%%\n' "$phase_name" $((SECONDS - phase_start)) $((100 * db / (db + di + 1))) >>"$phases"
  fi
  phase_name=${1:-}; phase_start=$SECONDS; phase_busy=$busy; phase_idle=$idle
}

phase "toolchain (apt, Node, OpenClaw, npm)"
. scripts/toolchain.sh
# What the tests use; the benchmarks (scripts/bench.sh builds them) are left out. Portable, as
# the release binaries are built: every suite below tests the binaries that ship, and the release
# step only strips and packs them instead of compiling the core a second time.
phase "build (core, addon, CLI, tests)"
ROUTER_PORTABLE=1 bash scripts/build.sh router_addon router_cli router_core_tests router_train_classifier

# Sanitizers, fuzzers and linux-arm64 under qemu need nothing below: they run in the background at
# the lowest priority (scripts/test-background.sh, log in build/background.log) and are waited for
# at the end. Downloads and apt come first, in the foreground, so they never race the release build.
bash scripts/cross-arm64.sh --prepare
setsid nice -n 19 bash scripts/test-background.sh >build/background.log 2>&1 &
background=$!  # its own process group: a failing foreground step stops all of it
# On any exit, passing or not: stop the background and print the time per phase.
finish() {
  phase
  echo "== time per phase (background checks run beside them)"
  cat "$phases"
  kill -- "-$background" 2>/dev/null || true
}
trap finish EXIT

phase "Catch2 (ctest)"
echo "== core: Catch2 (ctest) (at ${SECONDS} s)"
ctest --test-dir build --output-on-failure -j 2

phase "lint (clang-format, clang-tidy)"
# Thread safety is checked by the sanitizer build in the background (-Werror=thread-safety).
ROUTER_THREAD_SAFETY_IN_SANITIZE=1 bash scripts/lint.sh

# Training must reproduce the committed weights exactly: the benchmark-style prompts in ../shared
# (not republishable here) plus the assistant-style set in training/data (in the repository).
phase "classifier training"
prompts="../shared/data/prompts"
if [ -d "$prompts" ]; then
  echo "== classifier training is reproducible"
  ./build/router_train_classifier "$prompts" training/data build/classifier.json >build/train-report.md
  cmp build/classifier.json data/classifier.json && echo "data/classifier.json reproduced byte for byte"
else
  echo "== classifier training check skipped: $prompts not found"
fi

# The self-contained prebuilds (build/'s portable addon and CLI, stripped) and the npm tarball in
# dist/, for the package tests and the package E2E. ROUTER_SKIP_RELEASE=1 skips it (those tests
# then use whatever prebuilds/ and dist/ hold, or skip with a message).
phase "release (strip, NEEDED, pack)"
if [ -z "${ROUTER_SKIP_RELEASE:-}" ]; then
  echo "== release: prebuilds/linux-x64-glibc from build/, dist/*.tgz (at ${SECONDS} s)"
  bash scripts/release.sh --from-build
fi

phase "package and node:test"
echo "== package: npm pack contents, NEEDED of the shipped binaries"
node --test --test-reporter=spec 'test/package/*.test.mjs'

echo "== binding, plugin, native CLI and fake provider: node:test"
node --test --test-reporter=spec 'test/binding/*.test.mjs' 'test/plugin/*.test.mjs' 'test/cli/*.test.mjs' 'test/fake-provider/*.test.mjs' 'test/ui/*.test.mjs'

# Two files at a time: most of an E2E file's time is spent waiting on gateway starts and turns,
# and each file uses its own sandbox, ports and temp dirs.
# ROUTER_E2E_TRACE: each file's `openclaw` calls and their wall time, summed up after the run.
phase "end to end"
echo "== end to end: real OpenClaw $(openclaw --version 2>/dev/null | head -1) (at ${SECONDS} s)"
rm -rf build/e2e-trace
e2e=0
ROUTER_E2E_TRACE=$PWD/build/e2e-trace node --test --test-reporter=spec --test-concurrency=2 --test-timeout=1200000 'test/e2e/*.test.mjs' || e2e=$?
echo "== end to end: where the time went (openclaw calls per file, wall time, overlapping)"
node scripts/e2e-trace.mjs build/e2e-trace
[ "$e2e" -eq 0 ] || exit "$e2e"

echo "== background: sanitizers, fuzzers, linux-arm64 (at ${SECONDS} s; waiting; log: build/background.log)"
phase "waiting for the background"
status=0
wait "$background" || status=$?
grep -E '^== background|^sanitize:|^fuzz:|^cross-arm64:|^stat::number_of_executed_units|test cases' build/background.log || true
if [ "$status" -ne 0 ]; then
  tail -n 80 build/background.log
  echo "background checks FAILED (full log: build/background.log)" >&2
  exit "$status"
fi
echo "== all tests passed in ${SECONDS} s"
