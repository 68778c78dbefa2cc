// Classifier latency per decision at 100 B, 2 kB, 100 kB and 1 MB of user text, through the
// built-in weights. Asserts nothing (targets: p99 <= 20 us at 2 kB, <= 1 ms at 100 kB).
//
// Prints, per size: p50 and p99 over all runs, p50 per byte (a flat per-byte cost = linear time)
// and the lowest p99 of 5 equal rounds (see bench/latency.h). The classifier reads the whole
// text at every size.

#include <cstdio>
#include <string>

#include "latency.h"
#include "router/classify/classifier.h"

int main() {
  const auto& classifier = router::classify::Classifier::Builtin();
  for (size_t bytes : {size_t{100}, size_t{2'000}, size_t{100'000}, size_t{1'000'000}}) {
    const std::string text = router::bench::MixedPrompt(bytes);
    const int runs = bytes > 200'000 ? 60 : bytes > 10'000 ? 400 : 4'000;  // per round
    int sink = 0;
    const auto t = router::bench::Measure(
        [&] { sink += static_cast<int>(classifier.Classify(text).task); }, runs);
    std::printf(
        "%7zu B: p50 %8.2f us  p99 %8.2f us  best-round p99 %8.2f us  p50/byte %4.2f ns"
        "  (%zu runs, checksum %d)\n",
        bytes, t.p50_us, t.p99_us, t.best_round_p99_us,
        t.p50_us * 1000 / static_cast<double>(bytes), t.runs, sink);
  }
  return 0;
}
