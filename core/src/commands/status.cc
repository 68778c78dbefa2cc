#include "router/commands/status.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "router/base/money.h"
#include "router/calendar/zone.h"
#include "router/commands/keys.h"
#include "router/commands/predict.h"
#include "router/fetch/adapter.h"
#include "router/fetch/apply.h"
#include "router/quota/tracker.h"
#include "router/quota/window.h"
#include "status_parts.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr const char* kPeriodNames[] = {keys::kToday, keys::kLast7Days, keys::kThisMonth};
constexpr size_t kPeriods = 3;

json TotalsJson(const ledger::Totals& t) {
  return {{keys::kCalls, t.calls},
          {keys::kFailures, t.failures},
          {keys::kInvalid, t.invalid},
          {keys::kMessages, t.messages},
          {keys::kRequests, t.requests},
          {keys::kInputTokens, t.input_tokens},
          {keys::kOutputTokens, t.output_tokens},
          {keys::kCacheReadTokens, t.cache_read_tokens},
          {keys::kCacheWriteTokens, t.cache_write_tokens},
          {keys::kCostMicros, t.cost_micros},
          {keys::kCostUsd, MicrosToUsd(t.cost_micros)}};
}

// Running cooldowns and today's fallbacks (newest 10): what the router skips, and which turns a
// fallback answered.
router::Status PutFailover(const Context& ctx, int64_t now, int64_t today, json& routing) {
  auto cooldowns = ctx.ledger.ActiveCooldowns(now);
  if (!cooldowns.ok()) return cooldowns.status();
  json rows = json::array();
  for (const auto& c : cooldowns.value()) {
    rows.push_back({{keys::kProvider, c.provider},
                    {keys::kModel, c.model},
                    {keys::kKind, c.kind},
                    {keys::kUntilMs, c.until_ms},
                    {keys::kStreak, c.streak}});
  }
  routing[keys::kCooldowns] = std::move(rows);
  auto fallbacks = ctx.ledger.FallbackDecisions(today, 10);
  if (!fallbacks.ok()) return fallbacks.status();
  json turns = json::array();
  for (const auto& d : fallbacks.value()) {
    turns.push_back({{keys::kAtMs, d.at_ms},
                     {keys::kRunId, d.run_id},
                     {keys::kAnswered, d.chosen_provider + "/" + d.chosen_model},
                     {keys::kReason, d.reason}});
  }
  routing[keys::kFallbacks] = std::move(turns);
  return router::Status::Ok();
}

// Savings: what the routed calls' tokens would have cost on each decision's baseline model.
json RoutingJson(const ledger::RoutingTotals& r) {
  const int64_t saved = r.baseline_micros - r.cost_micros;
  return {{keys::kDecisions, r.decisions},
          {keys::kApplied, r.applied},
          {keys::kRoutedCalls, r.routed_calls},
          {keys::kCostMicros, r.cost_micros},
          {keys::kBaselineMicros, r.baseline_micros},
          {keys::kSavedMicros, saved},
          {keys::kSavedUsd, MicrosToUsd(saved)}};
}

void PutPeriods(json& out, const std::vector<ledger::Totals>& periods) {
  for (size_t p = 0; p < kPeriods; ++p) out[kPeriodNames[p]] = TotalsJson(periods[p]);
}

json BudgetJson(const quota::BudgetState& b) {
  if (b.cap_micros == 0) return nullptr;
  const int64_t remaining = std::max<int64_t>(0, b.cap_micros - b.spent_micros);
  return {{keys::kCapMicros, b.cap_micros},         {keys::kCapUsd, MicrosToUsd(b.cap_micros)},
          {keys::kSpentMicros, b.spent_micros},     {keys::kSpentUsd, MicrosToUsd(b.spent_micros)},
          {keys::kRemainingMicros, remaining},      {keys::kRemainingUsd, MicrosToUsd(remaining)},
          {keys::kSoftThreshold, b.soft_threshold}, {keys::kLevel, quota::LevelName(b.level)},
          {keys::kResetsAtMs, b.day_end_ms}};
}

// Alerts logged for the windows as they stand now (and for today's budget). The payload keys are
// those quota::AppendAlerts writes.
Result<json> CurrentAlerts(const Context& ctx, const std::vector<quota::WindowState>& windows,
                           const quota::BudgetState& budget) {
  int64_t since = budget.day_start_ms;
  for (const auto& w : windows) since = std::min(since, w.span.start_ms);
  auto events = ctx.ledger.Events("alert", "", since);
  if (!events.ok()) return events.status();
  json out = json::array();
  std::map<std::string, size_t> listed;  // a rolling window re-logs hourly: show the newest once
  for (const auto& e : events.value()) {
    const json payload = json::parse(e.payload, nullptr, false);
    if (!payload.is_object()) continue;
    const int64_t start = payload.value("windowStartMs", int64_t{-1});
    bool current = e.window == "daily budget" && e.provider.empty() && start == budget.day_start_ms;
    for (const auto& w : windows) {
      current =
          current || (w.provider == e.provider && w.window == e.window &&
                      (w.span.rolling ? e.at_ms >= w.span.start_ms : start == w.span.start_ms));
    }
    if (!current) continue;
    json alert = {{keys::kAtMs, e.at_ms},
                  {keys::kProvider, e.provider},
                  {keys::kWindow, e.window},
                  {keys::kLevel, payload.value("level", "")},
                  {keys::kMessage, payload.value("message", "")}};
    const std::string key =
        e.provider + "|" + e.window + "|" + alert[keys::kLevel].get<std::string>();
    if (auto seen = listed.find(key); seen != listed.end()) {
      out[seen->second] = std::move(alert);
    } else {
      listed[key] = out.size();
      out.push_back(std::move(alert));
    }
  }
  return out;
}

// The quotas, alerts and nearest forecast of provider `only` (of all when empty).
void PutQuotaState(const Evaluation& evaluation, const json& alerts, const std::string& only,
                   json& out) {
  json quotas = json::array();
  for (const auto& w : evaluation.windows) {
    if (only.empty() || w.provider == only) quotas.push_back(QuotaJson(w));
  }
  out[keys::kQuotas] = std::move(quotas);
  json alert_list = json::array();
  for (const auto& a : alerts) {
    if (only.empty() || a.at(keys::kProvider) == only) alert_list.push_back(a);
  }
  out[keys::kAlerts] = std::move(alert_list);
  std::vector<forecast::Forecast> forecasts;
  for (const auto& f : evaluation.forecasts) {
    if (only.empty() || f.provider == only) forecasts.push_back(f);
  }
  out[keys::kForecast] = NearestJson(forecasts);
}

// The provider and model rows of `rows` and their totals. Configured providers (of `only` when
// set) appear even before their first call.
void PutSpend(const Context& ctx, const std::string& only,
              const std::vector<ledger::ModelPeriods>& rows, json& out) {
  std::map<std::string, std::vector<const ledger::ModelPeriods*>> by_provider;
  for (const auto& provider : ctx.options.providers) {
    if (only.empty() || provider.id == only) by_provider[provider.id];
  }
  for (const auto& row : rows) by_provider[row.provider].push_back(&row);
  std::vector<ledger::Totals> totals(kPeriods);
  json providers = json::array();
  for (const auto& [name, models] : by_provider) {
    std::vector<ledger::Totals> provider_totals(kPeriods);
    json model_list = json::array();
    for (const auto* row : models) {
      json model = {{keys::kModel, row->model}};
      PutPeriods(model, row->periods);
      model_list.push_back(std::move(model));
      for (size_t p = 0; p < kPeriods; ++p) {
        ledger::Add(provider_totals[p], row->periods[p]);
        ledger::Add(totals[p], row->periods[p]);
      }
    }
    const config::ProviderOptions* configured = ctx.options.FindProvider(name);
    json entry = {{keys::kProvider, name}, {keys::kConfigured, configured != nullptr}};
    if (configured != nullptr && !configured->account_of.empty()) {
      entry[keys::kAccountOf] = configured->account_of;
      entry[keys::kAccount] = configured->account_name;
    }
    PutPeriods(entry, provider_totals);
    entry[keys::kModels] = std::move(model_list);
    providers.push_back(std::move(entry));
  }
  // An account's row follows its provider's (accounts are shown together).
  const auto group = [](const json& p) {
    return p.value(keys::kAccountOf, p.at(keys::kProvider).get<std::string>());
  };
  std::stable_sort(providers.begin(), providers.end(),
                   [&group](const json& a, const json& b) { return group(a) < group(b); });
  PutPeriods(out[keys::kTotals], totals);
  out[keys::kProviders] = std::move(providers);
}

// The last usage fetch of each provider with quotaSource api (of `only` when set).
router::Status PutFetchState(const Context& ctx, const std::string& only, int64_t now, json& out) {
  json list = json::array();
  for (const auto& provider : ctx.options.providers) {
    if (provider.quota_source != config::QuotaSource::kApi) continue;
    if (!only.empty() && provider.id != only) continue;
    auto state = fetch::LastFetch(ctx.ledger, provider.id, now);
    if (!state.ok()) return state.status();
    json entry = {{keys::kProvider, provider.id}, {keys::kAtMs, nullptr}};
    if (state->any) {
      entry[keys::kAtMs] = state->at_ms;
      entry[keys::kOk] = state->ok;
      entry[keys::kSource] = state->source;
      if (fetch::IsExperimentalAdapter(state->source)) entry[keys::kExperimental] = true;
      if (!state->ok) entry[keys::kError] = state->error;
      if (!state->ok && state->last_ok_ms > 0) entry[keys::kLastOkMs] = state->last_ok_ms;
    }
    json balances = json::array();
    for (const auto& b : state->balances) {
      json balance = {{keys::kLabel, b.label}, {keys::kAmount, b.amount}, {keys::kUnit, b.unit}};
      if (auto micros = fetch::UsdMicros(b.amount, b.unit)) balance[keys::kAmountMicros] = *micros;
      balances.push_back(std::move(balance));
    }
    entry[keys::kBalances] = std::move(balances);
    list.push_back(std::move(entry));
  }
  out[keys::kFetch] = std::move(list);
  return router::Status::Ok();
}

}  // namespace

json QuotaJson(const quota::WindowState& w) {
  json out = {
      {keys::kProvider, w.provider},
      {keys::kWindow, w.window},
      {keys::kUnit, config::Name(w.unit)},
      {keys::kSource, config::Name(w.source)},
      {keys::kLimit, w.limit},
      {keys::kUsed, w.used},
      {keys::kRemaining, w.limit > 0 ? std::max<int64_t>(0, w.limit - w.used) : 0},
      {keys::kPercent, w.limit > 0 ? json(std::round(w.fraction() * 1000) / 10) : json(nullptr)},
      {keys::kLevel, quota::LevelName(w.level)},
      {keys::kStartMs, w.span.start_ms},
      {keys::kResetsAtMs,
       w.span.rolling || w.span.end_ms == quota::kNeverMs ? json(nullptr) : json(w.span.end_ms)},
      {keys::kRolling, w.span.rolling},
      {keys::kSchedule, w.schedule},
      {keys::kBasis,
       {{keys::kKind, w.basis.kind},
        {keys::kAtMs, w.basis.at_ms},
        {keys::kReading, w.basis.reading},
        {keys::kStale, w.basis.stale}}}};
  return out;
}

Result<json> Status(const Context& ctx, const StatusRequest& request) {
  const int64_t now = ctx.clock.NowMs();
  auto zone = calendar::Zone::Find(ctx.options.timezone);
  if (!zone.ok()) return zone.status();
  const std::vector<int64_t> since = {zone->StartOfDay(now), zone->StartOfDaysBefore(now, 6),
                                      zone->StartOfMonth(now)};
  auto rows = ctx.ledger.SumByModel(since, now, request.provider);
  if (!rows.ok()) return rows.status();
  auto records = ctx.ledger.CountRecords();
  if (!records.ok()) return records.status();
  auto evaluation = EvaluateAndLogAlerts(ctx, now);
  if (!evaluation.ok()) return evaluation.status();
  auto alerts = CurrentAlerts(ctx, evaluation->windows, evaluation->budget);
  if (!alerts.ok()) return alerts.status();
  auto mode = ModeJson(ctx);
  if (!mode.ok()) return mode.status();

  json out = {{keys::kSchema, keys::kStatusSchema},
              {keys::kGeneratedAtMs, now},
              {keys::kTimezone, zone->name()},
              {keys::kLedger,
               {{keys::kPath, ctx.ledger.path()},
                {keys::kRecords, records.value()},
                {keys::kDropped, ctx.recorder.dropped},
                {keys::kWriterHealthy, ctx.recorder.writer_healthy}}},
              {keys::kMode, mode.value()},
              {keys::kBudget, BudgetJson(evaluation->budget)}};
  if (!request.provider.empty()) out[keys::kProvider] = request.provider;
  PutQuotaState(evaluation.value(), alerts.value(), request.provider, out);
  for (size_t p = 0; p < kPeriods; ++p) {
    out[keys::kPeriods][kPeriodNames[p]] = {{keys::kSinceMs, since[p]}};
  }
  PutSpend(ctx, request.provider, rows.value(), out);
  auto routing = ctx.ledger.Routing(since, now);
  if (!routing.ok()) return routing.status();
  for (size_t p = 0; p < kPeriods; ++p) {
    out[keys::kRouting][kPeriodNames[p]] = RoutingJson(routing.value()[p]);
  }
  ROUTER_RETURN_IF_ERROR(PutFailover(ctx, now, since[0], out[keys::kRouting]));
  ROUTER_RETURN_IF_ERROR(PutFetchState(ctx, request.provider, now, out));
  return out;
}

}  // namespace router::commands
