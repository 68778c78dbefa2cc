#pragma once
// Shared by the per-decision latency benchmarks: the prompt they time and how they summarize.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace router::bench {

// Mixed prose, code and numbers of exactly `bytes`, so every feature path runs.
inline std::string MixedPrompt(size_t bytes) {
  static const char kChunk[] =
      "Please refactor this function so it handles 42 edge cases quickly:\n"
      "```python\ndef total(xs):\n    return sum(x * 2 for x in xs if x > 0)\n```\n"
      "Then explain why the original version failed on the input [3, -1, 7]. ";
  std::string out;
  while (out.size() < bytes) out += kChunk;
  out.resize(bytes);
  return out;
}

inline double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(static_cast<double>(v.size() - 1) * q)];
}

struct Latency {
  double p50_us = 0;
  double p99_us = 0;
  // The lowest p99 of the rounds. On a shared machine p99 mostly measures the other load (a
  // preempted run costs a scheduler slice), so both are shown; quote both.
  double best_round_p99_us = 0;
  size_t runs = 0;
};

// Times `fn` `runs_per_round` times in each of `rounds` rounds.
template <typename Fn>
Latency Measure(Fn&& fn, int runs_per_round, int rounds = 5) {
  using SteadyClock = std::chrono::steady_clock;
  std::vector<double> all;
  Latency out;
  out.best_round_p99_us = 1e300;
  for (int round = 0; round < rounds; ++round) {
    std::vector<double> us;
    us.reserve(static_cast<size_t>(runs_per_round));
    for (int i = 0; i < runs_per_round; ++i) {
      const auto t0 = SteadyClock::now();
      fn();
      us.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
    }
    out.best_round_p99_us = std::min(out.best_round_p99_us, Quantile(us, 0.99));
    all.insert(all.end(), us.begin(), us.end());
  }
  out.p50_us = Quantile(all, 0.5);
  out.p99_us = Quantile(all, 0.99);
  out.runs = all.size();
  return out;
}

}  // namespace router::bench
