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
// and request windows, or USD ("$3.50") for budget windows (grammar: ParseUsageValue). `window` may
// be empty when the provider has exactly one window that fits the value.
[[nodiscard]] Result<nlohmann::json> SetUsage(const Context& ctx, const std::string& provider,
                                              const std::string& value, const std::string& window);
// Usage counts from now on; every window of the provider when `window` is empty.
[[nodiscard]] Result<nlohmann::json> Reset(const Context& ctx, const std::string& provider,
                                           const std::string& window);

// Parses a set-usage amount for a window of `unit` with `limit` (0 = none) into that unit. One
// strict grammar (spaces and tabs around the value are ignored, nothing else is):
//   value   = number "%"                 share of `limit`, 0 to 1000 %; needs a limit
//           | "$" number                 USD, budget windows only, up to $1,000,000,000
//           | number [k|m|b]             a count (k, m, b = 10^3, 10^6, 10^9; any case), below
//                                        2^53; on budget windows a bare number is USD (3.5)
//   number  = digits ["." digits]        "1234567", "1.2"
//           | d{1,3} ("," ddd)+ ["." digits]   "1,234,567": groups of exactly three digits
// Refused, with the accepted forms in the message: signs, exponents, hex ("0x10"), a comma as
// the decimal mark ("1,5M", "$1,50"), "$" with "%" ("$5%"), "$" with k/m/b, anything after the
// number. Errors are kInvalidArgument starting `usage value "<raw>": `.
[[nodiscard]] Result<int64_t> ParseUsageValue(const std::string& raw, config::QuotaUnit unit,
                                              int64_t limit);

}  // namespace router::commands
