#!/usr/bin/env bash
# The demo on a fresh machine: installs what is missing, builds, then runs scripts/demo.mjs
# (a sandboxed OpenClaw home, the plugin installed, scripted traffic against the loopback fake
# provider, then `openclaw router status`, `providers`, `predict` and `route`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
bash scripts/build.sh >/dev/null
node scripts/demo.mjs "$@"
