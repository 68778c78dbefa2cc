#pragma once
// predict: when each limited quota window will run out, in its own unit (see forecast::Predict).
//   {schema:"router.predict/1", generatedAtMs, timezone, horizonHours,
//    forecasts:[F], nearest: F | null}
//   F = {provider, window, unit, limit, used, remaining, ratePerHour, trendPerDay, method,
//        confidence, basis, exhaustsAtMs|null, resetsAtMs|null, beforeReset, withinHorizon}
// `nearest` is the earliest exhaustion within the horizon that comes before its window resets.

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
// The earliest exhaustion within the horizon before its reset, or null.
nlohmann::json NearestJson(const std::vector<forecast::Forecast>& forecasts);

// Logs an alert the first time a window's forecast falls inside the horizon (once per window
// period; hourly at most for rolling windows); returns the new messages.
[[nodiscard]] Result<std::vector<std::string>> AppendForecastAlerts(ledger::Ledger& ledger,
                                                                    const std::vector<forecast::Forecast>& forecasts,
                                                                    const std::string& timezone, int64_t now_ms);

}  // namespace router::commands
