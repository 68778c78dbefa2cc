#!/usr/bin/env bash
# House style as checks (called by scripts/test.sh; run alone after scripts/build.sh):
#   1. clang-format: every C++ file is formatted by .clang-format (fix: FIX=1 bash scripts/lint.sh);
#   2. clang-tidy: the checks .clang-tidy keeps, clean over core/, binding/ and cli/ sources;
#   3. scripts/clang_check.sh: Clang's thread-safety analysis of GUARDED_BY state.
# Needs build/compile_commands.json (scripts/build.sh writes it) and Debian's clang-format,
# clang-tidy and clang 14 (scripts/toolchain.sh installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mapfile -t cxx < <(git ls-files -co --exclude-standard -- '*.h' '*.cc' | grep -v '^build')

echo "== lint: clang-format ($(clang-format --version | grep -o 'version [0-9.]*'))"
if [ "${FIX:-0}" = 1 ]; then
  clang-format -i "${cxx[@]}"
fi
clang-format --dry-run --Werror "${cxx[@]}"
echo "${#cxx[@]} files formatted"

echo "== lint: clang-tidy"
mapfile -t sources < <(printf '%s\n' "${cxx[@]}" | grep -E '^(core/src|binding|cli)/.*\.cc$')
run-clang-tidy -quiet -p build -j "${JOBS:-2}" "${sources[@]}" >build/clang-tidy.log 2>&1 || true
if sed 's/\x1b\[[0-9;]*m//g' build/clang-tidy.log | grep -E '(warning|error): ' >build/clang-tidy.findings; then
  sort -u build/clang-tidy.findings | head -50
  echo "clang-tidy: $(sort -u build/clang-tidy.findings | wc -l) findings (full log: build/clang-tidy.log)" >&2
  exit 1
fi
echo "${#sources[@]} sources clean"

echo "== lint: thread safety"
if [ "${ROUTER_THREAD_SAFETY_IN_SANITIZE:-0}" = 1 ]; then
  # scripts/test.sh runs scripts/sanitize.sh, whose clang build has -Werror=thread-safety.
  echo "checked by the sanitizer build (build-sanitize/, -Werror=thread-safety)"
else
  bash scripts/clang_check.sh
fi
