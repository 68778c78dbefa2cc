#pragma once
// predict: when each limited quota window will run out, in its own unit (see forecast::Predict).
//   {schema:"router.predict/1", generatedAtMs, timezone, horizonHours,
//    forecasts:[F], nearest: F | null}
//   F = {provider, window, unit, limit, used, remaining, ratePerHour, trendPerDay, method,
//        confidence, basis, exhaustsAtMs|null, probability, warns, resetsAtMs|null, beforeReset,
//        withinHorizon}
// `warns` is forecast::Warns (likely to run out before the reset, within the horizon); `nearest`
// is the earliest such exhaustion.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/commands/status.h"
#include "router/forecast/predictor.h"

namespace router::commands {

// `hours` overrides predictionHorizonHours (1..720).
[[nodiscard]] Result<nlohmann::json> Predict(const Context& ctx, const std::string& provider,
                                             std::optional<int> hours);

nlohmann::json ForecastJson(const forecast::Forecast& f);
// The earliest warning-worthy exhaustion (forecast::Warns), or null.
nlohmann::json NearestJson(const std::vector<forecast::Forecast>& forecasts);

// Logs an alert the first time a window's forecast warns (forecast::Warns; once per window
// period, hourly at most for rolling windows); returns the new messages.
[[nodiscard]] Result<std::vector<std::string>> AppendForecastAlerts(ledger::Ledger& ledger,
                                                                    const std::vector<forecast::Forecast>& forecasts,
                                                                    const std::string& timezone, int64_t now_ms);

}  // namespace router::commands
