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

// The forecast's pace from now to end_ms, with a band of (1 - confidence) of the growth.
json Projection(const json& f, double used, int64_t now_ms, int64_t end_ms) {
  const double rate = f[keys::kRatePerHour].get<double>();
  const double confidence = std::clamp(f[keys::kConfidence].get<double>(), 0.0, 1.0);
  const double growth = std::max(0.0, rate) * static_cast<double>(end_ms - now_ms) / kMsPerHour;
  const double spread = growth * (1.0 - confidence);
  return {{keys::kExpected, std::round(used + growth)},
          {keys::kLow, std::round(used + growth - spread)},
          {keys::kHigh, std::round(used + growth + spread)},
          {keys::kExhaustsAtMs, f[keys::kExhaustsAtMs]},
          {keys::kConfidence, confidence}};
}

json Chart(const json& quota, const json& predict, int64_t now_ms) {
  const json* f = FindForecast(predict, quota);
  const json& resets = quota[keys::kResetsAtMs];
  const auto horizon_ms =
      static_cast<int64_t>(predict[keys::kHorizonHours].get<int>() * kMsPerHour);
  const int64_t end_ms = resets.is_number() ? resets.get<int64_t>() : now_ms + horizon_ms;
  const double used = quota[keys::kUsed].get<double>();
  return {{keys::kProvider, quota[keys::kProvider]},
          {keys::kWindow, quota[keys::kWindow]},
          {keys::kUnit, quota[keys::kUnit]},
          {keys::kLimit, quota[keys::kLimit]},
          {keys::kUsed, quota[keys::kUsed]},
          {keys::kStartMs, quota[keys::kStartMs]},
          {keys::kNowMs, now_ms},
          {keys::kEndMs, end_ms},
          {keys::kProjection,
           f != nullptr && end_ms > now_ms ? Projection(*f, used, now_ms, end_ms) : json(nullptr)}};
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
  return json{{keys::kSchema, keys::kPageSchema},
              {keys::kGeneratedAtMs, now},
              {keys::kStatus, std::move(status).value()},
              {keys::kPredict, std::move(predict).value()},
              {keys::kDecisions, std::move(recent).value()},
              {keys::kCharts, std::move(charts)}};
}

}  // namespace router::commands
