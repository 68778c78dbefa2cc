#!/usr/bin/env bash
# The checks that need nothing else from scripts/test.sh, which starts this script at the lowest CPU
# priority right after the main build and waits for it at the end, so they use the cycles the
# foreground suites leave idle. Each step is bounded in time:
#   1. scripts/sanitize.sh  the Catch2 suite under ASan + UBSan (clang, -Werror=thread-safety);
#   2. scripts/fuzz.sh      each libFuzzer target for FUZZ_SECONDS (20 here);
#   3. scripts/cross-arm64.sh --no-stage --compare   the linux-arm64 build, its CLI under qemu-user
#      answering a session of commands as the x64 build does (the whole Catch2 suite under qemu
#      takes 20 minutes of both cores; run scripts/cross-arm64.sh for it before a release);
#   4. the benchmarks' build (compiled, not run).
# Run `scripts/cross-arm64.sh --prepare` first (apt and downloads, which must not race the
# foreground's). Exits non-zero when a step failed or a sanitizer/fuzz step ran out of time; an
# arm64 run that ran out of time is reported as not verified.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# scripts/test.sh starts this with setsid, and under the kernel's autogroups that new session shares
# the CPU with the foreground's as an equal, whatever the nice value inside it. Lowering the group
# (/proc/self/autogroup) was tried: the foreground reached the end-to-end suites 11 minutes sooner,
# but the sanitizer step then crawled beside them towards its time limit; the work is the same
# either way, so the group keeps its share.

failed=0
# step NAME SECONDS COMMAND...: runs COMMAND with a time limit and prints one result line.
step() {
  local name=$1 limit=$2 start rc
  shift 2
  start=$(date +%s)
  echo "== background: $name (limit ${limit} s)"
  timeout --kill-after=30 "$limit" "$@"
  rc=$?
  local took=$(($(date +%s) - start))
  case $rc in
    0) echo "== background: $name passed in ${took} s" ;;
    124 | 137) echo "== background: $name ran out of time after ${took} s"; return 124 ;;
    3) echo "== background: $name not verified (its own time limit) after ${took} s"; return 3 ;;
    *) echo "== background: $name FAILED (exit $rc) after ${took} s"; return "$rc" ;;
  esac
}

step "sanitizers (ASan + UBSan, thread safety)" 2400 bash scripts/sanitize.sh || failed=1
export FUZZ_SECONDS=${FUZZ_SECONDS:-20}
step "fuzzers" 900 bash scripts/fuzz.sh || failed=1
step "linux-arm64 under qemu-user" 2400 bash scripts/cross-arm64.sh --no-stage --compare
case $? in
  0) ;;
  3 | 124) echo "== background: linux-arm64 NOT verified this run (time limit, see above)" ;;
  *) failed=1 ;;
esac
# The benchmarks are not run here (scripts/bench.sh runs them), but they must keep compiling; the
# foreground leaves them out of its build and never builds in build/ again.
mapfile -t benches < <(sed -n 's/^ *add_executable(\(router_[a-z_]*\(bench\|backtest\)\) .*/\1/p' CMakeLists.txt)
step "benchmarks compile (${#benches[@]} targets)" 900 nice -n 10 cmake --build build --target "${benches[@]}" || failed=1
exit $failed
