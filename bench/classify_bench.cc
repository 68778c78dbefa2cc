// Classifier latency per decision at 100 B, 2 kB and 100 kB of user text, through the built-in
// weights. Prints p50/p99 in microseconds; asserts nothing (targets: p99 <= 20 us at 2 kB,
// <= 1 ms at 100 kB).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "router/classify/classifier.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

// Mixed prose, code and numbers so every feature path runs.
std::string Prompt(size_t bytes) {
  static const char kChunk[] =
      "Please refactor this function so it handles 42 edge cases quickly:\n"
      "```python\ndef total(xs):\n    return sum(x * 2 for x in xs if x > 0)\n```\n"
      "Then explain why the original version failed on the input [3, -1, 7]. ";
  std::string out;
  while (out.size() < bytes) out += kChunk;
  out.resize(bytes);
  return out;
}

}  // namespace

int main() {
  const auto& classifier = router::classify::Classifier::Builtin();
  for (size_t bytes : {size_t{100}, size_t{2'000}, size_t{100'000}}) {
    const std::string text = Prompt(bytes);
    const int runs = bytes > 10'000 ? 2'000 : 20'000;
    std::vector<double> us;
    us.reserve(static_cast<size_t>(runs));
    int sink = 0;
    for (int i = 0; i < runs; ++i) {
      const auto t0 = SteadyClock::now();
      sink += static_cast<int>(classifier.Classify(text).task);
      us.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    std::printf("%7zu B: p50 %8.2f us  p99 %8.2f us  (%d runs, checksum %d)\n", bytes,
                us[us.size() / 2], us[us.size() * 99 / 100], runs, sink);
  }
  return 0;
}
