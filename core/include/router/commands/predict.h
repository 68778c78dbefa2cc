#pragma once
// predict: when each limited quota window will run out, in its own unit (see forecast::Predict).
//   {schema:"router.predict/1", generatedAtMs, timezone, horizonHours,
//    forecasts:[F], nearest: F | null}
//   F = {provider, window, unit, limit, used, remaining, ratePerHour, trendPerDay, method,
//        confidence, basis, probability, exhaustsAtMs|null, warns, historyDays, lowConfidence,
//        resetsAtMs|null}
// `probability` is the calibrated chance of running out within the horizon (before a calendar
// window resets), `exhaustsAtMs` when it happens if it does; `warns` is forecast::Warns (likely
// enough to warn about, with enough history); `lowConfidence` marks a forecast from under
// forecast::kWarnFromDays of history (`historyDays`), which never warns; `nearest` is the
// earliest warned exhaustion.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/commands/context.h"
#include "router/forecast/predictor.h"

namespace router::commands {

// `hours` overrides predictionHorizonHours (1..720).
[[nodiscard]] Result<nlohmann::json> Predict(const Context& ctx, const std::string& provider,
                                             std::optional<int> hours);

nlohmann::json ForecastJson(const forecast::Forecast& f);
// The earliest warning-worthy exhaustion (forecast::Warns), or null.
nlohmann::json NearestJson(const std::vector<forecast::Forecast>& forecasts);

// Logs an alert the first time a window's forecast warns (forecast::Warns; once per window
// period; for a rolling window once per window length, quota::AlertedSince; never for a window
// already out, which the tracker's "exhausted" alert covers); returns the new messages.
[[nodiscard]] Result<std::vector<std::string>> AppendForecastAlerts(
    ledger::Ledger& ledger, const std::vector<forecast::Forecast>& forecasts,
    const std::string& timezone, int64_t now_ms);

}  // namespace router::commands
