#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (ROUTER_FUZZ: clang with -fsanitize=fuzzer,address,
# undefined) into build-fuzz/ and runs each for FUZZ_SECONDS (default 30) from its seed corpus in
# fuzz/corpus/<target>/. Fails on the first crash, sanitizer report, leak or timeout; the input
# that caused it is left in build-fuzz/artifacts/. New corpus entries found during the run go to
# build-fuzz/corpus/ (copy interesting ones into fuzz/corpus/ by hand). Needs clang and its
# libFuzzer runtime (Debian: apt-get install clang). JOBS sets the build parallelism (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(json5 usage_value llm_output classify_jsonl)
seconds="${FUZZ_SECONDS:-30}"

command -v clang++ >/dev/null 2>&1 || { echo "fuzz: needs clang (apt-get install clang)" >&2; exit 1; }
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DROUTER_FUZZ=ON \
  -DROUTER_BUILD_BENCH=OFF -DROUTER_BUILD_TRAINING=OFF -DROUTER_BUILD_TESTS=OFF >/dev/null
nice -n 10 cmake --build build-fuzz --parallel "${JOBS:-2}" \
  --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p build-fuzz/artifacts
for target in "${targets[@]}"; do
  echo "== fuzz_${target}: ${seconds} s"
  mkdir -p "build-fuzz/corpus/${target}"
  if ! "build-fuzz/fuzz_${target}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/${target}-" \
    "build-fuzz/corpus/${target}" "fuzz/corpus/${target}" 2>"build-fuzz/${target}.log"; then
    tail -n 60 "build-fuzz/${target}.log" >&2
    echo "fuzz: FAILED: fuzz_${target} (input in build-fuzz/artifacts/)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^Done' "build-fuzz/${target}.log" || true
done
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each without a finding"
