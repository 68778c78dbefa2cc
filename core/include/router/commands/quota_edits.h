#pragma once
// set-usage and reset: readings that correct the ledger's count of a quota window (logged as
// events, so `router undo` reverts them):
//   set-usage: {schema:"router.set-usage/1", eventId, atMs, provider, window, unit, input, used,
//               quota:<status quota entry after the change>}
//   reset:     {schema:"router.reset/1", eventId, atMs, provider, window (""=all), quotas:[...]}

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"
#include "router/config/options.h"

namespace router::commands {

// `value`: "79%" of the window's limit, an amount ("1.2M", "500k", "1,234,567") for token, message
// and request windows, or USD ("$3.50") for budget windows. `window` may be empty when the
// provider has exactly one window that fits the value.
[[nodiscard]] Result<nlohmann::json> SetUsage(const Context& ctx, const std::string& provider,
                                              const std::string& value, const std::string& window);
// Usage counts from now on; every window of the provider when `window` is empty.
[[nodiscard]] Result<nlohmann::json> Reset(const Context& ctx, const std::string& provider,
                                           const std::string& window);

// Parses a set-usage amount for a window of `unit` with `limit` (0 = none) into that unit.
[[nodiscard]] Result<int64_t> ParseUsageValue(const std::string& text, config::QuotaUnit unit,
                                              int64_t limit);

}  // namespace router::commands
