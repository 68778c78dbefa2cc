#!/usr/bin/env bash
# Every test, on a fresh machine: installs what is missing (apt packages, Node 24, OpenClaw, npm
# devDependencies), builds, then runs the three layers: Catch2 (core), node:test (binding, plugin,
# fake provider), and the end-to-end suite against real OpenClaw.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh

echo "== core: Catch2 (ctest)"
ctest --test-dir build --output-on-failure -j 2

echo "== binding, plugin, native CLI and fake provider: node:test"
node --test --test-reporter=spec 'test/binding/*.test.mjs' 'test/plugin/*.test.mjs' 'test/cli/*.test.mjs' 'test/fake-provider/*.test.mjs'

echo "== end to end: real OpenClaw $(openclaw --version 2>/dev/null | head -1)"
node --test --test-reporter=spec --test-timeout=1200000 'test/e2e/*.test.mjs'
