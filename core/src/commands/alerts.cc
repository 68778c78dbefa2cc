#include "router/commands/alerts.h"

#include "router/commands/keys.h"
#include "router/commands/predict.h"
#include "status_parts.h"

namespace router::commands {

using nlohmann::json;

Result<Evaluation> EvaluateAndLogAlerts(const Context& ctx, int64_t now_ms) {
  auto windows = quota::EvaluateWindows(ctx.options, ctx.ledger, now_ms);
  if (!windows.ok()) return windows.status();
  auto budget = quota::EvaluateBudget(ctx.options, ctx.ledger, now_ms);
  if (!budget.ok()) return budget.status();
  auto fresh = quota::AppendAlerts(ctx.ledger, windows.value(), budget.value(), now_ms);
  if (!fresh.ok()) return fresh.status();
  auto forecasts = forecast::PredictWindows(ctx.options, ctx.ledger, windows.value(), now_ms,
                                            ctx.options.prediction_horizon_hours);
  if (!forecasts.ok()) return forecasts.status();
  auto warned = AppendForecastAlerts(ctx.ledger, forecasts.value(), ctx.options.timezone, now_ms);
  if (!warned.ok()) return warned.status();
  fresh.value().insert(fresh.value().end(), warned.value().begin(), warned.value().end());
  return Evaluation{std::move(windows).value(), budget.value(), std::move(forecasts).value(),
                    std::move(fresh).value()};
}

Result<json> CheckAlerts(const Context& ctx) {
  auto evaluation = EvaluateAndLogAlerts(ctx, ctx.clock.NowMs());
  if (!evaluation.ok()) return evaluation.status();
  return json{{keys::kSchema, keys::kAlertsSchema}, {keys::kNew, evaluation->fresh}};
}

}  // namespace router::commands
