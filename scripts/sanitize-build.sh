# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: one clang build in build-sanitize/ serves
# both, so the core is compiled once with every check. -O1 with line tables only: quick to build on
# a small machine, fast enough to run, and the reports still name file and line.
sanitize_build() {
  command -v clang++ >/dev/null 2>&1 || { echo "sanitize: needs clang (apt-get install clang)" >&2; exit 1; }
  local generator=()
  if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
  CC=clang CXX=clang++ cmake -S . -B build-sanitize "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" -DROUTER_FUZZ=ON \
    -DROUTER_BUILD_BENCH=OFF -DROUTER_BUILD_TRAINING=OFF -DROUTER_BUILD_TESTS=ON >/dev/null
  if ! nice -n 10 cmake --build build-sanitize --parallel "${JOBS:-2}" --target "$@"; then
    echo "sanitize: FAILED to build $* (a thread-safety error or a build error above)" >&2
    exit 1
  fi
}
