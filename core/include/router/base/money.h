#pragma once
// Money is integer micro-USD (1 USD = 1,000,000). Doubles appear only at the edges (OpenClaw's
// `usage.cost.total`, human input) and are converted here, once.

#include <cmath>
#include <cstdint>

namespace router {

constexpr int64_t kMicrosPerUsd = 1'000'000;

// Rounds to the nearest micro-USD. REQUIRES: finite usd.
inline int64_t UsdToMicros(double usd) { return static_cast<int64_t>(std::llround(usd * 1e6)); }
inline double MicrosToUsd(int64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace router
