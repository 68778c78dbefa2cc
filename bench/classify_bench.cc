// Classifier latency per decision at 100 B, 2 kB, 100 kB and 1 MB of user text, through the
// built-in weights. Asserts nothing (targets: p99 <= 20 us at 2 kB, <= 1 ms at 100 kB).
//
// Prints, per size: p50 and p99 over all runs, p50 per byte (a flat per-byte cost = linear time)
// and the lowest p99 of 5 equal rounds (see bench/latency.h). The classifier reads the whole
// text at every size. Then the same on real text: news articles from
// training/data/t0_cnn_dailymail.jsonl (path as the first argument) concatenated to 2 kB and
// 100 kB, when that file is there.

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "latency.h"
#include "router/classify/classifier.h"

namespace {

// The "text" fields of a JSONL file joined by blank lines, cut to `bytes`; empty if unreadable.
std::string RealText(const char* path, size_t bytes) {
  std::ifstream in(path);
  std::string line, out;
  while (out.size() < bytes && std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out += j.value("text", "") + "\n\n";
  }
  return out.size() >= bytes ? out.substr(0, bytes) : std::string();
}

void Run(const router::classify::Classifier& classifier, const std::string& text,
         const char* kind) {
  const size_t bytes = text.size();
  const int runs = bytes > 200'000 ? 60 : bytes > 10'000 ? 400 : 4'000;  // per round
  int sink = 0;
  const auto t = router::bench::Measure(
      [&] { sink += static_cast<int>(classifier.Classify(text).task); }, runs);
  std::printf(
      "%-9s %7zu B: p50 %8.2f us  p99 %8.2f us  best-round p99 %8.2f us  p50/byte %4.2f ns"
      "  (%zu runs, checksum %d)\n",
      kind, bytes, t.p50_us, t.p99_us, t.best_round_p99_us,
      t.p50_us * 1000 / static_cast<double>(bytes), t.runs, sink);
}

}  // namespace

int main(int argc, char** argv) {
  const auto& classifier = router::classify::Classifier::Builtin();
  for (size_t bytes : {size_t{100}, size_t{2'000}, size_t{100'000}, size_t{1'000'000}}) {
    Run(classifier, router::bench::MixedPrompt(bytes), "synthetic");
  }
  const char* path = argc > 1 ? argv[1] : "training/data/t0_cnn_dailymail.jsonl";
  for (size_t bytes : {size_t{2'000}, size_t{100'000}}) {
    const std::string text = RealText(path, bytes);
    if (!text.empty()) Run(classifier, text, "news");
  }
  return 0;
}
