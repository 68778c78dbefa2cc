#pragma once
// What a provider says about its own usage, before it is matched to this plugin's windows: quota
// windows as used percentages with reset times, and money (balances, spend, budgets) in the
// provider's own unit. Produced by OpenClaw's usage snapshots (openclaw_snapshot.h) and by this
// plugin's adapters for the providers OpenClaw does not cover (deepseek.h, moonshot.h).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"

namespace router::fetch {

struct WindowReading {
  std::string label;        // the provider's name for the window: "5h", "Week", "Daily", ...
  double used_percent = 0;  // 0..100
  int64_t reset_at_ms = 0;  // 0 = not reported
};

struct MoneyReading {
  std::string kind;    // balance | spend | budget
  std::string label;   // e.g. "total", "cash", "voucher"
  std::string unit;    // ISO currency ("USD", "CNY") or the provider's credit unit, as reported
  double amount = 0;   // balance left, or money spent (spend and budget)
  double limit = 0;    // budget only
  std::string period;  // spend and budget: "day", "month", ... as reported; may be empty
  int64_t reset_at_ms = 0;  // 0 = not reported
};

// A balance of `amount` `unit` named `label`.
inline MoneyReading Balance(std::string label, std::string unit, double amount) {
  MoneyReading m;
  m.kind = "balance";
  m.label = std::move(label);
  m.unit = std::move(unit);
  m.amount = amount;
  return m;
}

struct ProviderReading {
  std::vector<WindowReading> windows;
  std::vector<MoneyReading> money;
  std::string plan;  // the provider's plan name, when reported
};

// One provider's fetch: readings, or why there are none and when the provider allows a retry.
struct Outcome {
  std::string provider;
  std::string source;          // openclaw | deepseek | moonshot
  Status status;               // Ok, or the reading error shown by `status`
  int64_t retry_after_ms = 0;  // from a Retry-After header; 0 = none
  ProviderReading reading;
};

// A number that may arrive as a JSON number or as a decimal string ("110.00"); nullopt for a
// missing or null field, an empty string, text that is not a number, or a non-finite value.
std::optional<double> NumberField(const nlohmann::json& object, const char* key);

// A whole amount of `unit` in micro-USD when `unit` is USD (any case), else nullopt: money in
// another currency or in credits is never compared with USD budgets.
std::optional<int64_t> UsdMicros(double amount, const std::string& unit);

}  // namespace router::fetch
