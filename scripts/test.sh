#!/usr/bin/env bash
# Every test, on a fresh machine: installs what is missing (apt packages, Node 24, OpenClaw, npm
# devDependencies), builds, then runs Catch2 (core), the lint (format, clang-tidy), node:test
# (binding, plugin, native CLI, fake provider), the package checks and the end-to-end suite against
# real OpenClaw; meanwhile, in the background, the sanitizer build (with thread safety), the
# fuzzers and the linux-arm64 suite under qemu (scripts/test-background.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh

# Sanitizers, fuzzers and linux-arm64 under qemu need nothing below: they run in the background at
# the lowest priority (scripts/test-background.sh, log in build/background.log) and are waited for
# at the end. Downloads and apt come first, in the foreground, so they never race the release build.
bash scripts/cross-arm64.sh --prepare
setsid nice -n 19 bash scripts/test-background.sh >build/background.log 2>&1 &
background=$!  # its own process group: a failing foreground step stops all of it
trap 'kill -- "-$background" 2>/dev/null || true' EXIT

echo "== core: Catch2 (ctest) (at ${SECONDS} s)"
ctest --test-dir build --output-on-failure -j 2

# Thread safety is checked by the sanitizer build in the background (-Werror=thread-safety).
ROUTER_THREAD_SAFETY_IN_SANITIZE=1 bash scripts/lint.sh

# Training must reproduce the committed weights exactly: the benchmark-style prompts in ../shared
# (not republishable here) plus the assistant-style set in training/data (in the repository).
prompts="../shared/data/prompts"
if [ -d "$prompts" ]; then
  echo "== classifier training is reproducible"
  ./build/router_train_classifier "$prompts" training/data build/classifier.json >build/train-report.md
  cmp build/classifier.json data/classifier.json && echo "data/classifier.json reproduced byte for byte"
else
  echo "== classifier training check skipped: $prompts not found"
fi

# The self-contained prebuilds (portable build in build-portable/) and the npm tarball in dist/,
# for the package tests and the package E2E. The Catch2 suite against the portable core (static
# SQLite and date/tz, libcurl via dlopen) runs in the background's linux-arm64 step, which builds
# the same portable configuration; `scripts/release.sh --test` runs it on x64 too.
# ROUTER_SKIP_RELEASE=1 skips the build (those tests then use whatever prebuilds/ and dist/ hold,
# or skip with a message).
if [ -z "${ROUTER_SKIP_RELEASE:-}" ]; then
  echo "== release build: prebuilds/linux-x64-glibc, dist/*.tgz (at ${SECONDS} s)"
  bash scripts/release.sh
fi

echo "== package: npm pack contents, NEEDED of the shipped binaries"
node --test --test-reporter=spec 'test/package/*.test.mjs'

echo "== binding, plugin, native CLI and fake provider: node:test"
node --test --test-reporter=spec 'test/binding/*.test.mjs' 'test/plugin/*.test.mjs' 'test/cli/*.test.mjs' 'test/fake-provider/*.test.mjs' 'test/ui/*.test.mjs'

# Two files at a time: most of an E2E file's time is spent waiting on gateway starts and turns,
# and each file uses its own sandbox, ports and temp dirs.
echo "== end to end: real OpenClaw $(openclaw --version 2>/dev/null | head -1) (at ${SECONDS} s)"
node --test --test-reporter=spec --test-concurrency=2 --test-timeout=1200000 'test/e2e/*.test.mjs'

echo "== background: sanitizers, fuzzers, linux-arm64 (at ${SECONDS} s; waiting; log: build/background.log)"
status=0
wait "$background" || status=$?
trap - EXIT
grep -E '^== background|^sanitize:|^fuzz:|^cross-arm64:|^stat::number_of_executed_units|test cases' build/background.log || true
if [ "$status" -ne 0 ]; then
  tail -n 80 build/background.log
  echo "background checks FAILED (full log: build/background.log)" >&2
  exit "$status"
fi
echo "== all tests passed in ${SECONDS} s"
