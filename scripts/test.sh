#!/usr/bin/env bash
# Every test, on a fresh machine: installs what is missing (apt packages, Node 24, OpenClaw, npm
# devDependencies), builds, then runs Catch2 (core), the lint (format, clang-tidy, thread safety),
# node:test (binding, plugin, native CLI, fake provider), and the end-to-end suite against real
# OpenClaw.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh

echo "== core: Catch2 (ctest)"
ctest --test-dir build --output-on-failure -j 2

bash scripts/lint.sh

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
# for the package tests and the package E2E. ROUTER_SKIP_RELEASE=1 skips the build (those tests
# then use whatever prebuilds/ and dist/ hold, or skip with a message).
if [ -z "${ROUTER_SKIP_RELEASE:-}" ]; then
  echo "== release build: Catch2 on the portable core, prebuilds/linux-x64-glibc, dist/*.tgz"
  bash scripts/release.sh --test
fi

echo "== package: npm pack contents, NEEDED of the shipped binaries"
node --test --test-reporter=spec 'test/package/*.test.mjs'

echo "== binding, plugin, native CLI and fake provider: node:test"
node --test --test-reporter=spec 'test/binding/*.test.mjs' 'test/plugin/*.test.mjs' 'test/cli/*.test.mjs' 'test/fake-provider/*.test.mjs'

echo "== end to end: real OpenClaw $(openclaw --version 2>/dev/null | head -1)"
node --test --test-reporter=spec --test-timeout=1200000 'test/e2e/*.test.mjs'
