#include "router/quota/tracker.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "router/calendar/zone.h"

namespace router::quota {
namespace {

using config::QuotaUnit;
using nlohmann::json;

Level LevelFor(int64_t used, int64_t limit, double warning_at, double critical_at) {
  if (limit <= 0) return Level::kOk;
  const double fraction = static_cast<double>(used) / static_cast<double>(limit);
  if (fraction >= 1) return Level::kExhausted;
  if (fraction >= critical_at) return Level::kCritical;
  if (fraction >= warning_at) return Level::kWarning;
  return Level::kOk;
}

// The newest reading inside the window: a set-usage, a reset (a reading of 0) or an api snapshot.
Result<Basis> LatestReading(const ledger::Ledger& ledger, const WindowState& w, int64_t now_ms) {
  auto events = ledger.Events("", w.provider, w.span.start_ms);
  if (!events.ok()) return events.status();
  Basis basis;
  for (const auto& e : events.value()) {
    if (e.undone || e.at_ms > now_ms || (e.window != w.window && !e.window.empty())) continue;
    if (e.kind != "set-usage" && e.kind != "reset" && e.kind != "api-snapshot") continue;
    const json payload = json::parse(e.payload, nullptr, false);
    Basis b;
    b.kind = e.kind == "set-usage" ? "manual" : e.kind == "reset" ? "reset" : "api";
    b.at_ms = e.at_ms;
    b.reading = payload.is_object() ? payload.value("used", int64_t{0}) : 0;
    b.stale = e.kind == "api-snapshot" && now_ms - e.at_ms > kApiStaleMs;
    basis = b;  // events come oldest first: the last one wins
  }
  return basis;
}

Status Measure(const config::PluginOptions& options, const ledger::Ledger& ledger, int64_t now_ms,
               WindowState& w) {
  if (w.source != config::QuotaSource::kUnlimited) {
    auto basis = LatestReading(ledger, w, now_ms);
    if (!basis.ok()) return basis.status();
    w.basis = basis.value();
  }
  const int64_t from = w.basis.kind == "ledger" ? w.span.start_ms : w.basis.at_ms;
  auto sums = ledger.SumRange(from, now_ms + 1, w.provider);
  if (!sums.ok()) return sums.status();
  ledger::Totals totals;
  for (const auto& row : sums.value()) ledger::Add(totals, row.totals);
  const config::ProviderOptions* provider = options.FindProvider(w.provider);
  const bool free =
      w.unit == QuotaUnit::kBudget && provider != nullptr && provider->tier == config::Tier::kLocal;
  w.used = std::llround(ReadingLeft(w.basis, w.span, now_ms)) +
           (free ? 0 : UnitValue(totals, w.unit, options.count_cache_reads));
  w.level = w.source == config::QuotaSource::kUnlimited
                ? Level::kOk
                : LevelFor(w.used, w.limit, w.warning_at, w.critical_at);
  return Status::Ok();
}

std::string Percent(double fraction) { return std::to_string(std::lround(fraction * 100)) + "%"; }

}  // namespace

const char* LevelName(Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarning:
      return "warning";
    case Level::kCritical:
      return "critical";
    case Level::kExhausted:
      return "exhausted";
  }
  return "ok";
}

double ReadingLeft(const Basis& basis, const Span& span, int64_t t_ms) {
  const auto reading = static_cast<double>(basis.reading);
  const int64_t length = span.end_ms - span.start_ms;
  if (!span.rolling || basis.kind == "ledger") return reading;
  if (length <= 0) return 0;
  const double aged = static_cast<double>(t_ms - basis.at_ms) / static_cast<double>(length);
  return reading * std::clamp(1 - aged, 0.0, 1.0);
}

Result<bool> AlertedSince(const ledger::Ledger& ledger, const std::string& provider,
                          const std::string& window, const std::string& level, int64_t since_ms) {
  auto events = ledger.Events("alert", provider, since_ms);
  if (!events.ok()) return events.status();
  for (const auto& e : events.value()) {
    if (e.window != window) continue;
    const json payload = json::parse(e.payload, nullptr, false);
    if (payload.is_object() && payload.value("level", "") == level) return true;
  }
  return false;
}

int64_t UnitValue(const ledger::Totals& t, QuotaUnit unit, bool count_cache_reads) {
  switch (unit) {
    case QuotaUnit::kTokens:
      return t.input_tokens + t.output_tokens + t.cache_write_tokens +
             (count_cache_reads ? t.cache_read_tokens : 0);
    case QuotaUnit::kMessages:
      return t.messages;
    case QuotaUnit::kRequests:
      return t.requests;
    case QuotaUnit::kBudget:
      return t.cost_micros;
  }
  return 0;
}

Result<std::vector<WindowState>> EvaluateWindows(const config::PluginOptions& options,
                                                 const ledger::Ledger& ledger, int64_t now_ms) {
  std::vector<WindowState> states;
  for (const auto& provider : options.providers) {
    auto zone =
        calendar::Zone::Find(provider.timezone.empty() ? options.timezone : provider.timezone);
    if (!zone.ok()) return zone.status();
    auto add = [&](const std::string& name, QuotaUnit unit, int64_t limit,
                   const config::Schedule& schedule, double warning_at) -> Status {
      WindowState w;
      w.provider = provider.id;
      w.window = name;
      w.unit = unit;
      w.source = provider.quota_source;
      w.limit = limit;
      w.warning_at = warning_at;
      w.critical_at = std::max(warning_at, options.critical_threshold);
      auto schedule_zone =
          schedule.timezone.empty() ? zone : calendar::Zone::Find(schedule.timezone);
      if (!schedule_zone.ok()) return schedule_zone.status();
      w.span = CurrentWindow(schedule, schedule_zone.value(), now_ms);
      w.schedule = config::Describe(schedule);
      ROUTER_RETURN_IF_ERROR(Measure(options, ledger, now_ms, w));
      states.push_back(std::move(w));
      return Status::Ok();
    };
    for (const auto& window : provider.windows) {
      ROUTER_RETURN_IF_ERROR(add(window.name, provider.quota_type, window.limit, window.schedule,
                                 options.warning_threshold));
    }
    if (provider.budget) {
      config::Schedule daily;  // local midnight in the provider's zone
      config::Schedule monthly;
      monthly.kind = config::Schedule::Kind::kMonthly;
      if (provider.budget->daily_limit_micros > 0) {
        ROUTER_RETURN_IF_ERROR(add("daily budget", QuotaUnit::kBudget,
                                   provider.budget->daily_limit_micros, daily,
                                   provider.budget->alert_threshold));
      }
      if (provider.budget->monthly_limit_micros > 0) {
        ROUTER_RETURN_IF_ERROR(add("monthly budget", QuotaUnit::kBudget,
                                   provider.budget->monthly_limit_micros, monthly,
                                   provider.budget->alert_threshold));
      }
    }
  }
  return states;
}

Result<BudgetState> EvaluateBudget(const config::PluginOptions& options,
                                   const ledger::Ledger& ledger, int64_t now_ms) {
  BudgetState budget;
  budget.cap_micros = options.daily_budget_micros;
  budget.soft_threshold = options.budget_soft_threshold;
  auto zone = calendar::Zone::Find(options.timezone);
  if (!zone.ok()) return zone.status();
  budget.day_start_ms = zone->StartOfDay(now_ms);
  budget.day_end_ms = zone->StartOfDaysBefore(now_ms, -1);
  auto sums = ledger.SumRange(budget.day_start_ms, now_ms + 1, "");
  if (!sums.ok()) return sums.status();
  for (const auto& row : sums.value()) {
    const config::ProviderOptions* provider = options.FindProvider(row.provider);
    if (provider != nullptr && provider->tier == config::Tier::kLocal) continue;
    budget.spent_micros += row.totals.cost_micros;
  }
  if (budget.cap_micros > 0) {
    budget.level = budget.spent_micros >= budget.cap_micros ? Level::kExhausted
                   : static_cast<double>(budget.spent_micros) >=
                           budget.soft_threshold * static_cast<double>(budget.cap_micros)
                       ? Level::kWarning
                       : Level::kOk;
  }
  return budget;
}

Result<std::vector<std::string>> AppendAlerts(ledger::Ledger& ledger,
                                              const std::vector<WindowState>& windows,
                                              const BudgetState& budget, int64_t now_ms) {
  std::vector<std::string> fresh;
  auto append = [&](const std::string& provider, const std::string& window, int64_t window_start,
                    Level level, const std::string& message) -> Status {
    const json payload = {
        {"level", LevelName(level)}, {"message", message}, {"windowStartMs", window_start}};
    auto id = ledger.AppendEvent(
        {0, now_ms, "alert", provider, window, payload.dump(), false},
        provider + "|" + window + "|" + std::to_string(window_start) + "|" + LevelName(level));
    if (!id.ok()) return id.status();
    if (id.value() > 0) fresh.push_back(message);
    return Status::Ok();
  };
  for (const auto& w : windows) {
    if (w.level == Level::kOk) continue;
    const int64_t length = w.span.end_ms - w.span.start_ms;
    if (w.span.rolling) {
      auto alerted =
          AlertedSince(ledger, w.provider, w.window, LevelName(w.level), now_ms - length);
      if (!alerted.ok()) return alerted.status();
      if (alerted.value()) continue;
    }
    // A rolling window has no fixed start to key on: the time of the alert is its key.
    const int64_t key_start = w.span.rolling ? now_ms : w.span.start_ms;
    ROUTER_RETURN_IF_ERROR(append(w.provider, w.window, key_start, w.level,
                                  w.provider + " " + w.window + " window " + LevelName(w.level) +
                                      ": " + Percent(w.fraction()) + " used"));
  }
  if (budget.cap_micros > 0 && budget.level != Level::kOk) {
    ROUTER_RETURN_IF_ERROR(
        append("", "daily budget", budget.day_start_ms, budget.level,
               std::string("daily budget ") +
                   (budget.level == Level::kExhausted ? "exhausted" : "warning") + ": " +
                   Percent(static_cast<double>(budget.spent_micros) /
                           static_cast<double>(budget.cap_micros)) +
                   " of the cap spent today"));
  }
  return fresh;
}

}  // namespace router::quota
