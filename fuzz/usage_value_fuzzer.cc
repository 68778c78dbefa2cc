// libFuzzer target: commands::ParseUsageValue (the set-usage grammar) on arbitrary text, for each
// window unit. Accepted values must be non-negative and JS-safe.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "router/commands/quota_edits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using router::config::QuotaUnit;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (QuotaUnit unit :
       {QuotaUnit::kTokens, QuotaUnit::kMessages, QuotaUnit::kRequests, QuotaUnit::kBudget}) {
    for (int64_t limit : {int64_t{0}, int64_t{1'000'000}, int64_t{9'007'199'254'740'991}}) {
      auto parsed = router::commands::ParseUsageValue(text, unit, limit);
      if (!parsed.ok()) continue;
      if (parsed.value() < 0 || parsed.value() > int64_t{1} << 60) std::abort();
      // Thousands separators are the only commas a value may hold, in groups of three.
      const size_t comma = text.find(',');
      if (comma != std::string::npos && (comma == 0 || text.size() - comma < 4)) std::abort();
    }
  }
  return 0;
}
