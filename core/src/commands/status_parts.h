#pragma once
// The parts of the status result that other commands return or run too, each defined beside the
// command it belongs to: a quota entry (status.cc; set-usage and reset return it), the effective
// mode (mode.cc; status shows it) and the evaluation that logs new alerts (alerts.cc; status runs
// it first so it shows what check-alerts would log).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"
#include "router/forecast/predictor.h"
#include "router/quota/tracker.h"

namespace router::commands {

// One entry of status quotas (see status.h).
nlohmann::json QuotaJson(const quota::WindowState& w);

// {mode, source, setAtMs?}: the newest mode change not undone, else the config's mode.
[[nodiscard]] Result<nlohmann::json> ModeJson(const Context& ctx);

// Every window and the daily budget as they stand at `now_ms`, with threshold crossings not
// logged before appended to the ledger (`fresh` holds their messages).
struct Evaluation {
  std::vector<quota::WindowState> windows;
  quota::BudgetState budget;
  std::vector<forecast::Forecast> forecasts;  // over predictionHorizonHours
  std::vector<std::string> fresh;
};

[[nodiscard]] Result<Evaluation> EvaluateAndLogAlerts(const Context& ctx, int64_t now_ms);

}  // namespace router::commands
