#include "router/commands/page.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "router/commands/decisions.h"
#include "router/commands/keys.h"
#include "router/commands/predict.h"
#include "router/commands/status.h"

namespace router::commands {

using nlohmann::json;

namespace {

constexpr double kMsPerHour = 3'600'000.0;

const json* FindForecast(const json& predict, const json& quota) {
  for (const json& f : predict[keys::kForecasts]) {
    if (f[keys::kProvider] == quota[keys::kProvider] && f[keys::kWindow] == quota[keys::kWindow])
      return &f;
  }
  return nullptr;
}

// The forecast's path from now to end_ms, drawn as a straight line that agrees with the forecast:
// when the forecast has the window run out within the chart, the line meets the limit at that
// time; otherwise it goes at the forecast's rate but never above the limit (a rolling window ages
// use out, so the bare rate would cross a limit the forecast says holds). The band is (1 -
// confidence) of the growth either way.
json Projection(const json& f, double used, double limit, int64_t now_ms, int64_t end_ms) {
  const auto span = static_cast<double>(end_ms - now_ms);
  const json& exhausts = f[keys::kExhaustsAtMs];
  double growth = std::max(0.0, f[keys::kRatePerHour].get<double>()) * span / kMsPerHour;
  if (used < limit && exhausts.is_number() && exhausts.get<int64_t>() > now_ms &&
      exhausts.get<int64_t>() <= end_ms) {
    growth = (limit - used) * span / static_cast<double>(exhausts.get<int64_t>() - now_ms);
  } else if (used < limit) {
    growth = std::min(growth, limit - used);
  }
  const double confidence = std::clamp(f[keys::kConfidence].get<double>(), 0.0, 1.0);
  const double spread = growth * (1.0 - confidence);
  return {{keys::kExpected, std::round(used + growth)},
          {keys::kLow, std::round(used + growth - spread)},
          {keys::kHigh, std::round(used + growth + spread)},
          {keys::kExhaustsAtMs, exhausts},
          {keys::kConfidence, confidence}};
}

json Chart(const json& quota, const json& predict, int64_t now_ms) {
  const json* f = FindForecast(predict, quota);
  const json& resets = quota[keys::kResetsAtMs];
  const auto horizon_ms =
      static_cast<int64_t>(predict[keys::kHorizonHours].get<int>() * kMsPerHour);
  const int64_t end_ms = resets.is_number() ? resets.get<int64_t>() : now_ms + horizon_ms;
  const double used = quota[keys::kUsed].get<double>();
  const double limit = quota[keys::kLimit].get<double>();
  return {{keys::kProvider, quota[keys::kProvider]},
          {keys::kWindow, quota[keys::kWindow]},
          {keys::kUnit, quota[keys::kUnit]},
          {keys::kLimit, quota[keys::kLimit]},
          {keys::kUsed, quota[keys::kUsed]},
          {keys::kStartMs, quota[keys::kStartMs]},
          {keys::kNowMs, now_ms},
          {keys::kEndMs, end_ms},
          {keys::kProjection, f != nullptr && end_ms > now_ms
                                  ? Projection(*f, used, limit, now_ms, end_ms)
                                  : json(nullptr)}};
}

// Why the headline's exhaustion is, or is not, a warning (forecast::Warns, in this order).
const char* NearestState(const json& f) {
  if (f[keys::kWarns].get<bool>()) return "warned";
  if (f[keys::kLowConfidence].get<bool>()) return "lowConfidence";
  return "unlikely";
}

// The earliest exhaustion among the forecasts the charts draw, warned or not: the headline and
// the charts read the same forecasts, so a chart that meets its limit is never headed "none".
json Nearest(const json& predict) {
  const json* nearest = nullptr;
  for (const json& f : predict[keys::kForecasts]) {
    const json& at = f[keys::kExhaustsAtMs];
    if (at.is_number() &&
        (nearest == nullptr || at.get<int64_t>() < (*nearest)[keys::kExhaustsAtMs].get<int64_t>()))
      nearest = &f;
  }
  if (nearest == nullptr) return nullptr;
  return {{keys::kState, NearestState(*nearest)}, {keys::kForecast, *nearest}};
}

}  // namespace

Result<json> Page(const Context& ctx, int decisions) {
  auto status = Status(ctx, {});
  if (!status.ok()) return status.status();
  auto predict = Predict(ctx, "", std::nullopt);
  if (!predict.ok()) return predict.status();
  auto recent = Decisions(ctx, decisions);
  if (!recent.ok()) return recent.status();
  const int64_t now = ctx.clock.NowMs();
  json charts = json::array();
  for (const json& quota : status.value()[keys::kQuotas]) {
    const json& limit = quota[keys::kLimit];
    if (limit.is_number() && limit.get<double>() > 0 && quota[keys::kStartMs].is_number())
      charts.push_back(Chart(quota, predict.value(), now));
  }
  json nearest = Nearest(predict.value());
  return json{{keys::kSchema, keys::kPageSchema},
              {keys::kGeneratedAtMs, now},
              {keys::kNearest, std::move(nearest)},
              {keys::kStatus, std::move(status).value()},
              {keys::kPredict, std::move(predict).value()},
              {keys::kDecisions, std::move(recent).value()},
              {keys::kCharts, std::move(charts)}};
}

}  // namespace router::commands
