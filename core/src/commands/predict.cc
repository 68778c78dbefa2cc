#include "router/commands/predict.h"

#include <cmath>

#include <fmt/format.h>

#include "router/calendar/zone.h"
#include "router/commands/keys.h"
#include "router/quota/tracker.h"

namespace router::commands {
namespace {

using nlohmann::json;

}  // namespace

json ForecastJson(const forecast::Forecast& f) {
  return {{keys::kProvider, f.provider},
          {keys::kWindow, f.window},
          {keys::kUnit, config::Name(f.unit)},
          {keys::kLimit, f.limit},
          {keys::kUsed, f.used},
          {keys::kRemaining, f.remaining},
          {keys::kRatePerHour, std::round(f.rate_per_hour * 100) / 100},
          {keys::kTrendPerDay, std::round(f.trend_per_day * 1000) / 1000},
          {keys::kMethod, forecast::Name(f.method)},
          {keys::kConfidence, std::round(f.confidence * 100) / 100},
          {keys::kBasis, f.basis},
          {keys::kProbability, std::round(f.probability * 100) / 100},
          {keys::kExhaustsAtMs, f.exhausts_at_ms ? json(*f.exhausts_at_ms) : json(nullptr)},
          {keys::kWarns, forecast::Warns(f)},
          {keys::kHistoryDays, std::round(f.history_days * 10) / 10},
          {keys::kLowConfidence, forecast::LowConfidence(f)},
          {keys::kResetsAtMs, f.resets_at_ms > 0 ? json(f.resets_at_ms) : json(nullptr)}};
}

json NearestJson(const std::vector<forecast::Forecast>& forecasts) {
  const forecast::Forecast* nearest = nullptr;
  for (const auto& f : forecasts) {
    if (forecast::Warns(f) && (nearest == nullptr || *f.exhausts_at_ms < *nearest->exhausts_at_ms))
      nearest = &f;
  }
  return nearest != nullptr ? ForecastJson(*nearest) : json(nullptr);
}

Result<json> Predict(const Context& ctx, const std::string& provider, std::optional<int> hours) {
  if (hours && (*hours < 1 || *hours > 720)) {
    return Status::InvalidArgument("hours must be a whole number from 1 to 720, got " +
                                   std::to_string(*hours));
  }
  if (!provider.empty() && ctx.options.FindProvider(provider) == nullptr) {
    return Status::InvalidArgument("unknown provider \"" + provider +
                                   "\": add it under providers in the model-router config");
  }
  const int horizon = hours.value_or(ctx.options.prediction_horizon_hours);
  const int64_t now = ctx.clock.NowMs();
  auto zone = calendar::Zone::Find(ctx.options.timezone);
  if (!zone.ok()) return zone.status();
  auto forecasts = forecast::PredictWindows(ctx.options, ctx.ledger, now, horizon);
  if (!forecasts.ok()) return forecasts.status();
  std::vector<forecast::Forecast> shown;
  for (auto& f : forecasts.value()) {
    if (provider.empty() || f.provider == provider) shown.push_back(std::move(f));
  }
  json list = json::array();
  for (const auto& f : shown) list.push_back(ForecastJson(f));
  return json{{keys::kSchema, keys::kPredictSchema}, {keys::kGeneratedAtMs, now},
              {keys::kTimezone, zone->name()},       {keys::kHorizonHours, horizon},
              {keys::kForecasts, std::move(list)},   {keys::kNearest, NearestJson(shown)}};
}

Result<std::vector<std::string>> AppendForecastAlerts(
    ledger::Ledger& ledger, const std::vector<forecast::Forecast>& forecasts,
    const std::string& timezone, int64_t now_ms) {
  auto zone = calendar::Zone::Find(timezone);
  if (!zone.ok()) return zone.status();
  std::vector<std::string> fresh;
  for (const auto& f : forecasts) {
    // A window already out is the tracker's "exhausted" alert, not a forecast.
    if (!forecast::Warns(f) || f.remaining == 0) continue;
    // A calendar window warns once per period; a rolling one has no period, so once per window
    // length (quota::AlertedSince), keyed on the time it first warned.
    if (f.length_ms > 0) {
      auto alerted =
          quota::AlertedSince(ledger, f.provider, f.window, "forecast", now_ms - f.length_ms);
      if (!alerted.ok()) return alerted.status();
      if (alerted.value()) continue;
    }
    const int64_t period = f.resets_at_ms > 0 ? f.resets_at_ms : now_ms;
    const std::string message = fmt::format(
        "{} {}: forecast to run out at {}, before it resets ({:.0f}% likely, {} confidence)",
        f.provider, f.window, zone->FormatMinute(*f.exhausts_at_ms),
        std::round(f.probability * 100), forecast::ConfidenceLabel(f.confidence));
    ledger::Event event;
    event.at_ms = now_ms;
    event.kind = "alert";
    event.provider = f.provider;
    event.window = f.window;
    event.payload = json{
        {"level", "forecast"},
        {"message", message},
        {"exhaustsAtMs", *f.exhausts_at_ms},
        {"windowStartMs",
         -1}}.dump();
    auto id =
        ledger.AppendEvent(event, fmt::format("forecast|{}|{}|{}", f.provider, f.window, period));
    if (!id.ok()) return id.status();
    if (id.value() != 0) fresh.push_back(message);
  }
  return fresh;
}

}  // namespace router::commands
