#include "router/commands/status.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "router/base/money.h"
#include "router/calendar/zone.h"
#include "router/commands/predict.h"
#include "router/quota/tracker.h"
#include "router/quota/window.h"

namespace router::commands {
namespace {

using config::QuotaUnit;
using nlohmann::json;

constexpr const char* kPeriodNames[] = {"today", "last7Days", "thisMonth"};
constexpr size_t kPeriods = 3;

json TotalsJson(const ledger::Totals& t) {
  return {{"calls", t.calls},
          {"failures", t.failures},
          {"invalid", t.invalid},
          {"messages", t.messages},
          {"requests", t.requests},
          {"inputTokens", t.input_tokens},
          {"outputTokens", t.output_tokens},
          {"cacheReadTokens", t.cache_read_tokens},
          {"cacheWriteTokens", t.cache_write_tokens},
          {"costMicros", t.cost_micros},
          {"costUsd", MicrosToUsd(t.cost_micros)}};
}

// Savings: what the routed calls' tokens would have cost on each decision's baseline model.
json RoutingJson(const ledger::RoutingTotals& r) {
  const int64_t saved = r.baseline_micros - r.cost_micros;
  return {{"decisions", r.decisions},
          {"applied", r.applied},
          {"routedCalls", r.routed_calls},
          {"costMicros", r.cost_micros},
          {"baselineMicros", r.baseline_micros},
          {"savedMicros", saved},
          {"savedUsd", MicrosToUsd(saved)}};
}

void PutPeriods(json& out, const std::vector<ledger::Totals>& periods) {
  for (size_t p = 0; p < kPeriods; ++p) out[kPeriodNames[p]] = TotalsJson(periods[p]);
}

json QuotaJson(const quota::WindowState& w) {
  json out = {{"provider", w.provider},
              {"window", w.window},
              {"unit", config::Name(w.unit)},
              {"source", config::Name(w.source)},
              {"limit", w.limit},
              {"used", w.used},
              {"remaining", w.limit > 0 ? std::max<int64_t>(0, w.limit - w.used) : 0},
              {"percent", w.limit > 0 ? json(std::round(w.fraction() * 1000) / 10) : json(nullptr)},
              {"level", quota::LevelName(w.level)},
              {"startMs", w.span.start_ms},
              {"resetsAtMs", w.span.rolling || w.span.end_ms == quota::kNeverMs ? json(nullptr)
                                                                                 : json(w.span.end_ms)},
              {"rolling", w.span.rolling},
              {"schedule", w.schedule},
              {"basis", {{"kind", w.basis.kind}, {"atMs", w.basis.at_ms},
                         {"reading", w.basis.reading}, {"stale", w.basis.stale}}}};
  return out;
}

json BudgetJson(const quota::BudgetState& b) {
  if (b.cap_micros == 0) return nullptr;
  const int64_t remaining = std::max<int64_t>(0, b.cap_micros - b.spent_micros);
  return {{"capMicros", b.cap_micros}, {"capUsd", MicrosToUsd(b.cap_micros)},
          {"spentMicros", b.spent_micros}, {"spentUsd", MicrosToUsd(b.spent_micros)},
          {"remainingMicros", remaining}, {"remainingUsd", MicrosToUsd(remaining)},
          {"softThreshold", b.soft_threshold}, {"level", quota::LevelName(b.level)},
          {"resetsAtMs", b.day_end_ms}};
}

Result<json> ModeJson(const Context& ctx) {
  auto events = ctx.ledger.Events("mode", "", 0);
  if (!events.ok()) return events.status();
  for (auto it = events.value().rbegin(); it != events.value().rend(); ++it) {
    if (it->undone) continue;
    const json payload = json::parse(it->payload, nullptr, false);
    if (payload.is_object() && payload.contains("mode")) {
      return json{{"mode", payload.at("mode")}, {"source", "ledger"}, {"setAtMs", it->at_ms}};
    }
  }
  return json{{"mode", config::Name(ctx.options.mode)}, {"source", "config"}};
}

// Alerts logged for the windows as they stand now (and for today's budget).
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
      current = current || (w.provider == e.provider && w.window == e.window &&
                            (w.span.rolling ? e.at_ms >= w.span.start_ms : start == w.span.start_ms));
    }
    if (!current) continue;
    json alert = {{"atMs", e.at_ms}, {"provider", e.provider}, {"window", e.window},
                  {"level", payload.value("level", "")}, {"message", payload.value("message", "")}};
    const std::string key = e.provider + "|" + e.window + "|" + alert["level"].get<std::string>();
    if (auto seen = listed.find(key); seen != listed.end()) {
      out[seen->second] = std::move(alert);
    } else {
      listed[key] = out.size();
      out.push_back(std::move(alert));
    }
  }
  return out;
}

Result<const config::ProviderOptions*> FindProvider(const Context& ctx, const std::string& id) {
  if (const auto* provider = ctx.options.FindProvider(id)) return provider;
  std::string known;
  for (const auto& p : ctx.options.providers) known += (known.empty() ? "" : ", ") + p.id;
  return Status::InvalidArgument("provider \"" + id + "\" is not configured" +
                                 (known.empty() ? std::string("; add it under providers in the plugin config")
                                                : "; configured: " + known));
}

// Readings only change windows that can be constrained.
router::Status RequireTracked(const config::ProviderOptions& provider, const char* command) {
  if (provider.quota_source != config::QuotaSource::kUnlimited) return router::Status::Ok();
  return router::Status::InvalidArgument(std::string(command) + ": provider \"" + provider.id +
                                 "\" has quotaSource unlimited, so readings do not apply; use "
                                 "manual, self-tracked or api");
}

Result<std::vector<quota::WindowState>> ProviderWindows(const Context& ctx, const std::string& id) {
  auto all = quota::EvaluateWindows(ctx.options, ctx.ledger, ctx.clock.NowMs());
  if (!all.ok()) return all.status();
  std::vector<quota::WindowState> mine;
  for (auto& w : all.value()) {
    if (w.provider == id) mine.push_back(std::move(w));
  }
  if (mine.empty()) {
    return Status::InvalidArgument("provider \"" + id + "\" has no quota windows; add "
                                   "providers." + id + ".windows (or a budget) to the plugin config");
  }
  return mine;
}

// Every window and the daily budget as they stand at `now_ms`, with threshold crossings not
// logged before appended to the ledger (`fresh` holds their messages).
struct Evaluation {
  std::vector<quota::WindowState> windows;
  quota::BudgetState budget;
  std::vector<forecast::Forecast> forecasts;  // over predictionHorizonHours
  std::vector<std::string> fresh;
};

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

std::string WindowNames(const std::vector<quota::WindowState>& windows) {
  std::string names;
  for (const auto& w : windows) names += (names.empty() ? "" : ", ") + w.window;
  return names;
}

}  // namespace

Result<int64_t> ParseUsageValue(const std::string& raw, QuotaUnit unit, int64_t limit) {
  std::string text;
  for (char c : raw) {
    if (c != ',' && c != '_' && !std::isspace(static_cast<unsigned char>(c))) text += c;
  }
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("usage value \"" + raw + "\": " + why);
  };
  if (text.empty()) return bad("give a percentage (79%), an amount (1.2M) or USD ($3.50)");
  bool percent = text.back() == '%';
  bool dollars = text.front() == '$';
  if (percent) text.pop_back();
  if (dollars) text.erase(0, 1);
  double scale = 1;
  if (!percent && !dollars && !text.empty()) {
    switch (std::tolower(static_cast<unsigned char>(text.back()))) {
      case 'k': scale = 1e3; break;
      case 'm': scale = 1e6; break;
      case 'b': scale = 1e9; break;
      default: break;
    }
    if (scale != 1) text.pop_back();
  }
  size_t used_chars = 0;
  double number = 0;
  try {
    number = std::stod(text, &used_chars);
  } catch (...) {
    used_chars = 0;
  }
  if (used_chars == 0 || used_chars != text.size() || !std::isfinite(number) || number < 0) {
    return bad("not a non-negative number; use 79%, 1.2M, 500k or $3.50");
  }
  if (percent) {
    if (limit <= 0) return bad("a percentage needs a window limit; give an absolute amount instead");
    if (number > 1000) return bad("percent must be at most 1000");
    return static_cast<int64_t>(std::llround(number / 100 * static_cast<double>(limit)));
  }
  if (unit == QuotaUnit::kBudget) {
    if (scale != 1) return bad("budget windows count USD; write $" + text);
    if (number > 1e9) return bad("more than $1,000,000,000");
    return UsdToMicros(number);
  }
  if (dollars) {
    return bad(std::string("USD given, but this window counts ") + config::Name(unit) +
               "; give an amount (1.2M) or a percentage (79%)");
  }
  const double count = number * scale;
  if (count > 9e15) return bad("too large");
  return static_cast<int64_t>(std::llround(count));
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
  const auto& windows = evaluation->windows;
  const auto& budget = evaluation->budget;
  auto alerts = CurrentAlerts(ctx, windows, budget);
  if (!alerts.ok()) return alerts.status();
  auto mode = ModeJson(ctx);
  if (!mode.ok()) return mode.status();

  json out = {{"schema", "router.status/1"},
              {"generatedAtMs", now},
              {"timezone", zone->name()},
              {"ledger", {{"path", ctx.ledger.path()}, {"records", records.value()}}},
              {"mode", mode.value()},
              {"budget", BudgetJson(budget)}};
  if (!request.provider.empty()) out["provider"] = request.provider;
  json quotas = json::array();
  for (const auto& w : windows) {
    if (request.provider.empty() || w.provider == request.provider) quotas.push_back(QuotaJson(w));
  }
  out["quotas"] = std::move(quotas);
  json alert_list = json::array();
  for (const auto& a : alerts.value()) {
    if (request.provider.empty() || a.at("provider") == request.provider) alert_list.push_back(a);
  }
  out["alerts"] = std::move(alert_list);
  std::vector<forecast::Forecast> forecasts;
  for (const auto& f : evaluation->forecasts) {
    if (request.provider.empty() || f.provider == request.provider) forecasts.push_back(f);
  }
  out["forecast"] = NearestJson(forecasts);
  for (size_t p = 0; p < kPeriods; ++p) out["periods"][kPeriodNames[p]] = {{"sinceMs", since[p]}};

  // Configured providers appear even before their first call.
  std::map<std::string, std::vector<const ledger::ModelPeriods*>> by_provider;
  for (const auto& provider : ctx.options.providers) {
    if (request.provider.empty() || provider.id == request.provider) by_provider[provider.id];
  }
  for (const auto& row : rows.value()) by_provider[row.provider].push_back(&row);
  std::vector<ledger::Totals> totals(kPeriods);
  json providers = json::array();
  for (const auto& [name, models] : by_provider) {
    std::vector<ledger::Totals> provider_totals(kPeriods);
    json model_list = json::array();
    for (const auto* row : models) {
      json model = {{"model", row->model}};
      PutPeriods(model, row->periods);
      model_list.push_back(std::move(model));
      for (size_t p = 0; p < kPeriods; ++p) {
        ledger::Add(provider_totals[p], row->periods[p]);
        ledger::Add(totals[p], row->periods[p]);
      }
    }
    json entry = {{"provider", name}, {"configured", ctx.options.FindProvider(name) != nullptr}};
    PutPeriods(entry, provider_totals);
    entry["models"] = std::move(model_list);
    providers.push_back(std::move(entry));
  }
  PutPeriods(out["totals"], totals);
  out["providers"] = std::move(providers);
  auto routing = ctx.ledger.Routing(since, now);
  if (!routing.ok()) return routing.status();
  for (size_t p = 0; p < kPeriods; ++p) out["routing"][kPeriodNames[p]] = RoutingJson(routing.value()[p]);
  return out;
}

Result<json> Providers(const Context& ctx) {
  auto rows = ctx.ledger.Activity();
  if (!rows.ok()) return rows.status();
  std::map<std::string, json> by_provider;
  auto entry = [&by_provider](const std::string& name) -> json& {
    json& p = by_provider[name];
    if (p.is_null()) {
      p = {{"provider", name}, {"calls", 0}, {"failures", 0}, {"firstSeenMs", nullptr},
           {"lastSeenMs", nullptr}, {"models", json::array()}};
    }
    return p;
  };
  for (const auto& provider : ctx.options.providers) entry(provider.id);  // listed before any call
  for (const auto& row : rows.value()) {
    json& p = entry(row.provider);
    p["calls"] = p["calls"].get<int64_t>() + row.calls;
    p["failures"] = p["failures"].get<int64_t>() + row.failures;
    p["firstSeenMs"] = p["firstSeenMs"].is_null() ? row.first_seen_ms
                                                 : std::min(p["firstSeenMs"].get<int64_t>(), row.first_seen_ms);
    p["lastSeenMs"] = p["lastSeenMs"].is_null() ? row.last_seen_ms
                                               : std::max(p["lastSeenMs"].get<int64_t>(), row.last_seen_ms);
    p["models"].push_back({{"model", row.model}, {"calls", row.calls}, {"failures", row.failures},
                           {"firstSeenMs", row.first_seen_ms}, {"lastSeenMs", row.last_seen_ms}});
  }
  json providers = json::array();
  for (auto& [name, p] : by_provider) {
    const auto* configured = ctx.options.FindProvider(name);
    p["configured"] = configured != nullptr;
    if (configured != nullptr) {
      p["quotaSource"] = config::Name(configured->quota_source);
      p["quotaType"] = config::Name(configured->quota_type);
      p["tier"] = config::Name(configured->tier);
    }
    providers.push_back(std::move(p));
  }
  return json{{"schema", "router.providers/1"},
              {"generatedAtMs", ctx.clock.NowMs()},
              {"providers", std::move(providers)}};
}

Result<json> SetUsage(const Context& ctx, const std::string& provider, const std::string& value,
                      const std::string& window) {
  auto configured = FindProvider(ctx, provider);
  if (!configured.ok()) return configured.status();
  ROUTER_RETURN_IF_ERROR(RequireTracked(*configured.value(), "set-usage"));
  auto windows = ProviderWindows(ctx, provider);
  if (!windows.ok()) return windows.status();
  const bool dollars = value.find('$') != std::string::npos;
  const bool percent = value.find('%') != std::string::npos;
  // A named window, else the provider's only window, else the only one whose unit fits the value.
  std::vector<const quota::WindowState*> fits;
  for (const auto& w : windows.value()) {
    const bool fits_value = percent || dollars == (w.unit == QuotaUnit::kBudget);
    if (window.empty() ? (windows->size() == 1 || fits_value) : w.window == window) fits.push_back(&w);
  }
  if (fits.empty() && !window.empty()) {
    return Status::InvalidArgument("provider \"" + provider + "\" has no window \"" + window +
                                   "\"; its windows: " + WindowNames(windows.value()));
  }
  if (fits.size() != 1) {
    return Status::InvalidArgument("provider \"" + provider + "\" has windows " +
                                   WindowNames(windows.value()) + "; choose one with --window NAME");
  }
  const quota::WindowState& target = *fits.front();
  auto used = ParseUsageValue(value, target.unit, target.limit);
  if (!used.ok()) return used.status();
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"used", used.value()}, {"input", value}, {"unit", config::Name(target.unit)}};
  auto id = ctx.ledger.AppendEvent({0, now, "set-usage", provider, target.window, payload.dump(), false});
  if (!id.ok()) return id.status();
  auto after = ProviderWindows(ctx, provider);
  if (!after.ok()) return after.status();
  json quota_after;
  for (const auto& w : after.value()) {
    if (w.window == target.window) quota_after = QuotaJson(w);
  }
  return json{{"schema", "router.set-usage/1"}, {"eventId", id.value()}, {"atMs", now},
              {"provider", provider}, {"window", target.window},
              {"unit", config::Name(target.unit)}, {"input", value}, {"used", used.value()},
              {"quota", quota_after}};
}

Result<json> Reset(const Context& ctx, const std::string& provider, const std::string& window) {
  auto configured = FindProvider(ctx, provider);
  if (!configured.ok()) return configured.status();
  ROUTER_RETURN_IF_ERROR(RequireTracked(*configured.value(), "reset"));
  auto windows = ProviderWindows(ctx, provider);
  if (!windows.ok()) return windows.status();
  if (!window.empty() &&
      std::none_of(windows->begin(), windows->end(), [&](const auto& w) { return w.window == window; })) {
    return Status::InvalidArgument("provider \"" + provider + "\" has no window \"" + window +
                                   "\"; its windows: " + WindowNames(windows.value()));
  }
  const int64_t now = ctx.clock.NowMs();
  auto id = ctx.ledger.AppendEvent({0, now, "reset", provider, window, R"({"used":0})", false});
  if (!id.ok()) return id.status();
  auto after = ProviderWindows(ctx, provider);
  if (!after.ok()) return after.status();
  json quotas = json::array();
  for (const auto& w : after.value()) {
    if (window.empty() || w.window == window) quotas.push_back(QuotaJson(w));
  }
  return json{{"schema", "router.reset/1"}, {"eventId", id.value()}, {"atMs", now},
              {"provider", provider}, {"window", window}, {"quotas", std::move(quotas)}};
}

Result<json> Mode(const Context& ctx, const std::optional<std::string>& mode) {
  auto current = ModeJson(ctx);
  if (!current.ok()) return current.status();
  json out = current.value();
  out["schema"] = "router.mode/1";
  if (!mode) return out;
  auto parsed = config::ParseMode(*mode);
  if (!parsed.ok()) {
    return Status::InvalidArgument("mode \"" + *mode + "\": use manual, dry-run or auto");
  }
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"mode", config::Name(parsed.value())}, {"previous", current->at("mode")}};
  auto id = ctx.ledger.AppendEvent({0, now, "mode", "", "", payload.dump(), false});
  if (!id.ok()) return id.status();
  return json{{"schema", "router.mode/1"}, {"mode", config::Name(parsed.value())}, {"source", "ledger"},
              {"setAtMs", now}, {"previous", current->at("mode")}, {"eventId", id.value()}};
}

Result<json> Undo(const Context& ctx) {
  auto last = ctx.ledger.LastUndoable();
  if (!last.ok()) return last.status();
  if (last->empty()) return Status::NotFound("nothing to undo: no set-usage, reset or mode change is recorded");
  const ledger::Event& event = last->front();
  ROUTER_RETURN_IF_ERROR(ctx.ledger.MarkUndone(event.id));
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"undoneId", event.id}, {"kind", event.kind}};
  auto id = ctx.ledger.AppendEvent({0, now, "undo", event.provider, event.window, payload.dump(), false});
  if (!id.ok()) return id.status();
  return json{{"schema", "router.undo/1"}, {"eventId", id.value()}, {"atMs", now},
              {"undone", {{"id", event.id}, {"kind", event.kind}, {"provider", event.provider},
                          {"window", event.window}, {"atMs", event.at_ms},
                          {"payload", json::parse(event.payload, nullptr, false)}}}};
}

Result<json> CheckAlerts(const Context& ctx) {
  auto evaluation = EvaluateAndLogAlerts(ctx, ctx.clock.NowMs());
  if (!evaluation.ok()) return evaluation.status();
  return json{{"schema", "router.alerts/1"}, {"new", evaluation->fresh}};
}

}  // namespace router::commands
