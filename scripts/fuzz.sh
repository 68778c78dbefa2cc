#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (ROUTER_FUZZ: clang with -fsanitize=fuzzer,address,
# undefined; the same build as scripts/sanitize.sh) into build-sanitize/ and runs each for
# FUZZ_SECONDS (default 30) from its seed corpus in fuzz/corpus/<target>/. Fails on the first
# crash, sanitizer report, leak or timeout; the input that caused it is left in
# build-sanitize/artifacts/. New corpus entries found during the run go to build-sanitize/corpus/
# (copy interesting ones into fuzz/corpus/ by hand). Needs clang and its libFuzzer runtime
# (Debian: apt-get install clang). JOBS sets the build parallelism (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(json5 usage_value llm_output classify_jsonl)
seconds="${FUZZ_SECONDS:-30}"

. scripts/sanitize-build.sh
sanitize_build "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
mkdir -p build-sanitize/artifacts
for target in "${targets[@]}"; do
  echo "== fuzz_${target}: ${seconds} s"
  mkdir -p "build-sanitize/corpus/${target}"
  if ! "build-sanitize/fuzz_${target}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="build-sanitize/artifacts/${target}-" \
    "build-sanitize/corpus/${target}" "fuzz/corpus/${target}" 2>"build-sanitize/${target}.log"; then
    tail -n 60 "build-sanitize/${target}.log" >&2
    echo "fuzz: FAILED: fuzz_${target} (input in build-sanitize/artifacts/)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^Done' "build-sanitize/${target}.log" || true
done
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each without a finding"
