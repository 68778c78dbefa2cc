#include "router/report/text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "router/calendar/zone.h"
#include "router/commands/keys.h"
#include "router/forecast/predictor.h"

namespace router::report {
namespace {

namespace keys = router::commands::keys;
using nlohmann::json;

int64_t I(const json& j, const char* key) { return j.at(key).get<int64_t>(); }
double D(const json& j, const char* key) { return j.at(key).get<double>(); }
std::string S(const json& j, const char* key) { return j.at(key).get<std::string>(); }

// Budget-unit amounts are micro-USD ("budget" is config's name for that unit).
bool InUsd(const json& entry) { return entry.at(keys::kUnit) == "budget"; }

std::string Row(const std::string& label, const json& entry) {
  const json& t = entry.at(keys::kToday);
  return fmt::format("{:<34} {:>6} {:>5} {:>11} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                     label.size() > 34 ? label.substr(0, 33) + "~" : label,
                     Grouped(I(t, keys::kCalls)), Grouped(I(t, keys::kFailures)),
                     Grouped(I(t, keys::kInputTokens)), Grouped(I(t, keys::kOutputTokens)),
                     Grouped(I(t, keys::kCacheReadTokens)), Grouped(I(t, keys::kCacheWriteTokens)),
                     Usd(I(t, keys::kCostMicros)),
                     Usd(I(entry.at(keys::kLast7Days), keys::kCostMicros)),
                     Usd(I(entry.at(keys::kThisMonth), keys::kCostMicros)));
}

std::string LocalTime(int64_t at_ms, const std::string& timezone) {
  auto zone = calendar::Zone::Find(timezone);
  return zone.ok() ? zone->FormatMinute(at_ms) : std::to_string(at_ms);
}

std::string Amount(const json& quota, const char* key) {
  const int64_t value = I(quota, key);
  return InUsd(quota) ? Usd(value) : Grouped(value);
}

// " tokens" after an amount, nothing after a dollar amount.
std::string UnitSuffix(const json& entry) {
  return InUsd(entry) ? "" : " " + S(entry, keys::kUnit);
}

std::string Bar(double fraction) {
  const int width = 20;
  const int filled = std::min(width, static_cast<int>(std::lround(fraction * width)));
  return "[" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(width - filled), '-') + "]";
}

// "3 min ago", "2 h 5 min ago": how old a provider reading or fetch is.
std::string Ago(int64_t now_ms, int64_t at_ms) {
  const int64_t minutes = std::max<int64_t>(0, now_ms - at_ms) / 60'000;
  if (minutes < 120) return fmt::format("{} min ago", minutes);
  return fmt::format("{} h {} min ago", minutes / 60, minutes % 60);
}

// Balances as reported: "4.25 USD total, 110 CNY total".
std::string BalanceList(const json& balances) {
  std::string out;
  for (const json& b : balances) {
    out += fmt::format("{}{:.2f} {} {}", out.empty() ? "" : ", ", D(b, keys::kAmount),
                       S(b, keys::kUnit), S(b, keys::kLabel));
  }
  return out;
}

// One provider's last usage fetch (status's fetch entries).
std::string FetchLine(const json& f, int64_t now_ms) {
  std::string line = fmt::format("  {:<14} ", S(f, keys::kProvider));
  if (f.at(keys::kAtMs).is_null()) return line + "not fetched yet\n";
  const int64_t at = I(f, keys::kAtMs);
  const std::string source =
      S(f, keys::kSource) + (f.contains(keys::kExperimental) ? ", experimental" : "");
  if (f.at(keys::kOk).get<bool>()) {
    line += fmt::format("fetched {} ({})", Ago(now_ms, at), source);
  } else {
    line +=
        fmt::format("last fetch failed {} ({}): {}", Ago(now_ms, at), source, S(f, keys::kError));
    if (f.contains(keys::kLastOkMs)) {
      line += fmt::format("; last good fetch {}", Ago(now_ms, I(f, keys::kLastOkMs)));
    }
  }
  const json& balances = f.at(keys::kBalances);
  if (!balances.empty()) line += "; balance " + BalanceList(balances);
  return line + "\n";
}

std::string QuotaLine(const json& q, int64_t now_ms, const std::string& tz) {
  const bool limited = I(q, keys::kLimit) > 0;
  const std::string unit = UnitSuffix(q);
  std::string used = limited ? Amount(q, keys::kUsed) + " / " + Amount(q, keys::kLimit) + unit
                             : Amount(q, keys::kUsed) + unit + " (no limit)";
  std::string percent = limited ? fmt::format("{:.0f}%", D(q, keys::kPercent)) : "";
  std::string resets = q.at(keys::kRolling).get<bool>() ? S(q, keys::kSchedule)
                       : q.at(keys::kResetsAtMs).is_null()
                           ? "no further reset"
                           : "resets " + LocalTime(I(q, keys::kResetsAtMs), tz) + " (" +
                                 Until(now_ms, I(q, keys::kResetsAtMs)) + ")";
  std::string line = fmt::format("  {:<14} {:<14} {:>30} {:>5} {} {:<9} {}", S(q, keys::kProvider),
                                 S(q, keys::kWindow), used, percent,
                                 limited ? Bar(D(q, keys::kPercent) / 100) : std::string(22, ' '),
                                 S(q, keys::kLevel), resets);
  const json& basis = q.at(keys::kBasis);
  const std::string kind = S(basis, keys::kKind);
  if (kind == "api") {
    line += fmt::format("; {}from the provider, {}",
                        basis.at(keys::kStale).get<bool>() ? "stale: " : "",
                        Ago(now_ms, I(basis, keys::kAtMs)));
  } else if (kind != "ledger") {
    line += fmt::format("; {} at {}{}", kind == "reset" ? "reset" : kind + " reading",
                        LocalTime(I(basis, keys::kAtMs), tz),
                        basis.at(keys::kStale).get<bool>() ? " (stale)" : "");
  }
  return line + "\n";
}

// A forecast's rate per hour, in dollars or whole units (no unit name).
std::string Rate(const json& f) {
  const double rate = D(f, keys::kRatePerHour);
  return InUsd(f) ? Usd(static_cast<int64_t>(rate))
                  : Grouped(static_cast<int64_t>(std::llround(rate)));
}

// One forecast in a sentence: "anthropic 5h: runs out 2026-11-23 14:20 (in 3h 10m), 85% likely;
// 1,200,000 tokens/h, high confidence (profile)". "may run out" when it is not likely enough to
// warn.
std::string ForecastSentence(const json& f, int64_t now_ms, const std::string& tz) {
  const std::string rate = Rate(f) + (InUsd(f) ? "/h" : " " + S(f, keys::kUnit) + "/h");
  const std::string when =
      f.at(keys::kExhaustsAtMs).is_null()
          ? "not expected to run out within the horizon"
          : fmt::format("{} {} ({}), {:.0f}% likely",
                        f.at(keys::kWarns).get<bool>() ? "runs out" : "may run out",
                        LocalTime(I(f, keys::kExhaustsAtMs), tz),
                        Until(now_ms, I(f, keys::kExhaustsAtMs)), D(f, keys::kProbability) * 100);
  return fmt::format("{} {}: {}; {}, {} confidence ({})", S(f, keys::kProvider),
                     S(f, keys::kWindow), when, rate,
                     forecast::ConfidenceLabel(D(f, keys::kConfidence)), S(f, keys::kMethod));
}

// What a forecast's chance means and how far to trust it, in one line: "p daily: 85% means about
// 85 in 100 forecasts like this ran out in testing; 12 days of history, high confidence". In the
// first days it says so instead of stating a chance to act on.
std::string MeaningLine(const json& f) {
  const std::string name = S(f, keys::kProvider) + " " + S(f, keys::kWindow);
  const double days = D(f, keys::kHistoryDays);
  const std::string history =
      days < 1 ? "under a day of history" : fmt::format("{:.0f} days of history", std::floor(days));
  if (f.at(keys::kLowConfidence).get<bool>()) {
    return fmt::format("{}: low confidence, only {}: no alert until {:.0f} days of use are known",
                       name, history, forecast::kWarnFromDays);
  }
  if (S(f, keys::kMethod) == "none") return name + ": no use in the last week, nothing to forecast";
  const double percent = std::round(D(f, keys::kProbability) * 100);
  return fmt::format(
      "{}: {:.0f}% means about {:.0f} in 100 forecasts like this one ran out in testing; {}, {} "
      "confidence",
      name, percent, percent, history, forecast::ConfidenceLabel(D(f, keys::kConfidence)));
}

// The `router predict` table.
std::string RenderPredict(const json& predict) {
  const std::string tz = S(predict, keys::kTimezone);
  const int64_t now = I(predict, keys::kGeneratedAtMs);
  std::string out = fmt::format("quota forecasts at {} ({}), horizon {} h\n", LocalTime(now, tz),
                                tz, I(predict, keys::kHorizonHours));
  if (predict.at(keys::kForecasts).empty()) {
    return out + "No limited quota windows are configured (providers.<id>.windows with a limit).\n";
  }
  out += fmt::format("\n  {:<14} {:<12} {:>28} {:>18} {:<30} {:<10} {}\n", "PROVIDER", "WINDOW",
                     "USED / LIMIT", "RATE / HOUR", "RUNS OUT (CHANCE)", "CONFIDENCE", "BASIS");
  for (const json& f : predict.at(keys::kForecasts)) {
    const std::string runs_out =
        f.at(keys::kExhaustsAtMs).is_null()
            ? "-"
            : fmt::format("{} ({:.0f}%)", LocalTime(I(f, keys::kExhaustsAtMs), tz),
                          D(f, keys::kProbability) * 100);
    const double confidence = D(f, keys::kConfidence);
    out += fmt::format("  {:<14} {:<12} {:>28} {:>18} {:<30} {:<10} {}\n", S(f, keys::kProvider),
                       S(f, keys::kWindow),
                       Amount(f, keys::kUsed) + " / " + Amount(f, keys::kLimit) + UnitSuffix(f),
                       Rate(f), runs_out,
                       fmt::format("{:.2f} {}", confidence, forecast::ConfidenceLabel(confidence)),
                       S(f, keys::kBasis));
  }
  out += "\n";
  for (const json& f : predict.at(keys::kForecasts)) out += "  " + MeaningLine(f) + "\n";
  const json& nearest = predict.at(keys::kNearest);
  out += nearest.is_null() ? "\nNo window is likely to run out within the horizon.\n"
                           : "\nnearest: " + ForecastSentence(nearest, now, tz) + "\n";
  return out;
}

// "" until the router has routed a call this month.
std::string RoutingLine(const json& status) {
  const json& month = status.at(keys::kRouting).at(keys::kThisMonth);
  if (I(month, keys::kRoutedCalls) == 0) return "";
  const json& today = status.at(keys::kRouting).at(keys::kToday);
  return fmt::format(
      "routing: {} routed calls today cost {} instead of {} (saved {}); this month saved {}\n",
      Grouped(I(today, keys::kRoutedCalls)), Usd(I(today, keys::kCostMicros)),
      Usd(I(today, keys::kBaselineMicros)), Usd(I(today, keys::kSavedMicros)),
      Usd(I(month, keys::kSavedMicros)));
}

// Models the router skips while they cool down, and today's turns a fallback answered.
std::string FailoverLines(const json& status) {
  const auto& tz = status.at(keys::kTimezone).get_ref<const std::string&>();
  const json& routing = status.at(keys::kRouting);
  std::string out;
  if (routing.contains(keys::kCooldowns)) {
    for (const json& c : routing.at(keys::kCooldowns)) {
      out +=
          fmt::format("cooldown: {}/{} skipped until {} ({}, {} in a row)\n", S(c, keys::kProvider),
                      S(c, keys::kModel), LocalTime(I(c, keys::kUntilMs), tz), S(c, keys::kKind),
                      I(c, keys::kStreak));
    }
  }
  if (routing.contains(keys::kFallbacks)) {
    for (const json& f : routing.at(keys::kFallbacks)) {
      out += fmt::format("fallback: {} answered: {}\n", S(f, keys::kAnswered), S(f, keys::kReason));
    }
  }
  return out;
}

// The `router route` answer: choice, reason, the ranked chain and what was left out.
std::string RenderRoute(const json& route) {
  std::string out;
  if (route.at(keys::kChoice).is_null()) {
    out += "no change: " + S(route, keys::kReason) + "\n";
  } else {
    out += fmt::format("-> {}\n   {}\n", S(route.at(keys::kChoice), keys::kRef),
                       S(route, keys::kReason));
  }
  if (!route.at(keys::kRanked).empty()) {
    out += fmt::format("\n{:<4} {:<40} {:>6} {:>6} {:>10} {:>9}\n", "#", "CANDIDATE", "SCORE",
                       "NEEDS", "EST COST", "TOKENS");
    int rank = 1;
    for (const json& r : route.at(keys::kRanked)) {
      out +=
          fmt::format("{:<4} {:<40} {:>6.2f} {:>6.2f} {:>10} {:>9}\n", rank++,
                      S(r, keys::kRef) + (r.at(keys::kLocal).get<bool>() ? " (local)" : ""),
                      D(r, keys::kScore), D(r, keys::kThreshold),
                      r.at(keys::kPriced).get<bool>() ? Usd(I(r, keys::kCostMicros)) : "unpriced",
                      Grouped(I(r, keys::kInputTokens) + I(r, keys::kOutputTokens)));
    }
  }
  for (const json& r : route.at(keys::kRejected)) {
    out += fmt::format("skipped {}: {} ({})\n", S(r, keys::kRef), S(r, keys::kWhy),
                       S(r, keys::kDetail));
  }
  for (const json& w : route.at(keys::kWarnings)) out += "warning: " + w.get<std::string>() + "\n";
  return out;
}

// "mode: auto (from config)".
std::string ModeLine(const json& mode) {
  return fmt::format(
      "mode: {} ({})\n", S(mode, keys::kMode),
      mode.at(keys::kSource) == keys::kSourceLedger ? "set with `router mode`" : "from config");
}

// Empty while the writer keeps up; otherwise says what was lost and where to look.
std::string WriterLine(const json& ledger) {
  std::string out;
  if (!ledger.value(keys::kWriterHealthy, true)) {
    out += "WARNING the usage writer is failing: new usage waits in memory (see the gateway log)\n";
  }
  const int64_t dropped = ledger.value(keys::kDropped, int64_t{0});
  if (dropped > 0) {
    out +=
        fmt::format("WARNING {} usage records dropped: the queue was full (see the gateway log)\n",
                    Grouped(dropped));
  }
  return out;
}

// The header, mode, budget, quota windows and alerts above the spend table.
std::string StatusHead(const json& status, const std::string& tz) {
  const int64_t now = I(status, keys::kGeneratedAtMs);
  const json& ledger = status.at(keys::kLedger);
  std::string out =
      fmt::format("model-router status at {} ({})\nledger: {} ({} records)\n", LocalTime(now, tz),
                  tz, S(ledger, keys::kPath), Grouped(I(ledger, keys::kRecords)));
  out += WriterLine(ledger);
  out += ModeLine(status.at(keys::kMode));
  const json& budget = status.at(keys::kBudget);
  if (!budget.is_null()) {
    out += fmt::format("daily budget: {} of {} spent, {} left, {}; resets {}\n",
                       Usd(I(budget, keys::kSpentMicros)), Usd(I(budget, keys::kCapMicros)),
                       Usd(I(budget, keys::kRemainingMicros)), S(budget, keys::kLevel),
                       LocalTime(I(budget, keys::kResetsAtMs), tz));
  }
  if (!status.at(keys::kQuotas).empty()) {
    out += "\nQUOTA WINDOWS\n";
    for (const json& q : status.at(keys::kQuotas)) out += QuotaLine(q, now, tz);
  }
  if (status.contains(keys::kFetch) && !status.at(keys::kFetch).empty()) {
    out += "\nPROVIDER USAGE FETCH\n";
    for (const json& f : status.at(keys::kFetch)) out += FetchLine(f, now);
  }
  for (const json& alert : status.at(keys::kAlerts)) {
    out += fmt::format("ALERT {} {}\n", LocalTime(I(alert, keys::kAtMs), tz),
                       S(alert, keys::kMessage));
  }
  return out;
}

// Today's calls, tokens and spend, the other periods' spend and the largest spender this month.
std::string SpendSentences(const json& status) {
  const json& totals = status.at(keys::kTotals);
  const json& today = totals.at(keys::kToday);
  const int64_t tokens = I(today, keys::kInputTokens) + I(today, keys::kOutputTokens) +
                         I(today, keys::kCacheReadTokens) + I(today, keys::kCacheWriteTokens);
  std::string out = fmt::format(
      "Today: {} model calls ({} failed), {} tokens ({} in, {} out, {} cache read), {} spent. "
      "Last 7 days: {}. This month: {}.",
      Grouped(I(today, keys::kCalls)), Grouped(I(today, keys::kFailures)), Grouped(tokens),
      Grouped(I(today, keys::kInputTokens)), Grouped(I(today, keys::kOutputTokens)),
      Grouped(I(today, keys::kCacheReadTokens)), Usd(I(today, keys::kCostMicros)),
      Usd(I(totals.at(keys::kLast7Days), keys::kCostMicros)),
      Usd(I(totals.at(keys::kThisMonth), keys::kCostMicros)));
  const auto month_cost = [](const json& provider) {
    return I(provider.at(keys::kThisMonth), keys::kCostMicros);
  };
  const json* top = nullptr;
  for (const json& provider : status.at(keys::kProviders)) {
    if (top == nullptr || month_cost(provider) > month_cost(*top)) top = &provider;
  }
  if (top != nullptr) {
    out += fmt::format(" Largest spender this month: {} ({}).", S(*top, keys::kProvider),
                       Usd(month_cost(*top)));
  }
  return out;
}

// The limited quota windows, the budget, alerts, forecast and routing savings, one sentence each.
std::string QuotaSentences(const json& status) {
  std::string out;
  const int64_t now = I(status, keys::kGeneratedAtMs);
  for (const json& q : status.at(keys::kQuotas)) {
    if (I(q, keys::kLimit) == 0) continue;
    out += fmt::format(
        " {} {}: {:.0f}% of {}{} used ({}){}.", S(q, keys::kProvider), S(q, keys::kWindow),
        D(q, keys::kPercent), Amount(q, keys::kLimit), UnitSuffix(q), S(q, keys::kLevel),
        q.at(keys::kResetsAtMs).is_null() ? "" : ", resets " + Until(now, I(q, keys::kResetsAtMs)));
  }
  const json& budget = status.at(keys::kBudget);
  if (!budget.is_null()) {
    out += fmt::format(" Daily budget: {} of {} spent ({}).", Usd(I(budget, keys::kSpentMicros)),
                       Usd(I(budget, keys::kCapMicros)), S(budget, keys::kLevel));
  }
  for (const json& alert : status.at(keys::kAlerts)) {
    out += " Alert: " + S(alert, keys::kMessage) + ".";
  }
  if (!status.at(keys::kForecast).is_null()) {
    out += " Forecast: " +
           ForecastSentence(status.at(keys::kForecast), now, S(status, keys::kTimezone)) + ".";
  }
  const json& routed = status.at(keys::kRouting).at(keys::kThisMonth);
  if (I(routed, keys::kRoutedCalls) > 0) {
    out += fmt::format(" Routing saved {} this month over {} routed calls.",
                       Usd(I(routed, keys::kSavedMicros)), Grouped(I(routed, keys::kRoutedCalls)));
  }
  return out;
}

std::string RenderSetUsage(const json& result, const std::string& timezone) {
  const int64_t at = I(result, keys::kAtMs);
  return fmt::format("{} {}: usage set to {} at {}\n{}", S(result, keys::kProvider),
                     S(result, keys::kWindow), S(result, keys::kInput), LocalTime(at, timezone),
                     QuotaLine(result.at(keys::kQuota), at, timezone));
}

std::string RenderReset(const json& result, const std::string& timezone) {
  const int64_t at = I(result, keys::kAtMs);
  const std::string window = S(result, keys::kWindow);
  std::string out =
      fmt::format("{}: {} reset at {}; usage counts from now\n", S(result, keys::kProvider),
                  window.empty() ? "all windows" : window, LocalTime(at, timezone));
  for (const json& q : result.at(keys::kQuotas)) out += QuotaLine(q, at, timezone);
  return out;
}

std::string RenderMode(const json& result) {
  if (result.contains(keys::kPrevious)) {
    return fmt::format("mode: {} (was {}); `router undo` reverts\n", S(result, keys::kMode),
                       S(result, keys::kPrevious));
  }
  return ModeLine(result);
}

std::string RenderUndo(const json& result, const std::string& timezone) {
  const json& undone = result.at(keys::kUndone);
  std::string what = S(undone, keys::kKind);
  for (const char* key : {keys::kProvider, keys::kWindow}) {
    if (!undone.at(key).get<std::string>().empty()) what += " " + S(undone, key);
  }
  return fmt::format("undid {} from {}\n", what, LocalTime(I(undone, keys::kAtMs), timezone));
}

std::string RenderAlerts(const json& result) {
  std::string out;
  for (const json& message : result.at(keys::kNew)) out += message.get<std::string>() + "\n";
  return out.empty() ? "no new alerts\n" : out;
}

// report: real vs shadow, one paragraph and one line per class.
std::string RenderShadowReport(const json& r) {
  const int64_t decisions = r.at(keys::kDecisions).get<int64_t>();
  if (decisions == 0) return "No routed turns with a shadow decision (set routing.shadow).\n";
  const int64_t differs = r.at(keys::kDiffers).get<int64_t>();
  std::string out = fmt::format(
      "Shadow policy: {} of {} routed turns ({:.0f}%) would have used another model.\n"
      "Estimated cost: real {}, shadow {}.\n",
      differs, decisions, 100.0 * static_cast<double>(differs) / static_cast<double>(decisions),
      Usd(r.at(keys::kRealCostMicros).get<int64_t>()),
      Usd(r.at(keys::kShadowCostMicros).get<int64_t>()));
  for (const json& c : r.at(keys::kClasses)) {
    out += fmt::format("  {}: {} of {} differ\n", c.at(keys::kClass).get<std::string>(),
                       c.at(keys::kDiffers).get<int64_t>(), c.at(keys::kDecisions).get<int64_t>());
  }
  return out;
}

}  // namespace

std::string Grouped(int64_t n) {
  std::string digits = std::to_string(std::llabs(n));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return n < 0 ? "-" + digits : digits;
}

std::string Usd(int64_t micros) {
  const double usd = static_cast<double>(micros) / 1e6;
  if (micros != 0 && std::llabs(micros) < 10'000'000) return fmt::format("${:.4f}", usd);
  return fmt::format("${:.2f}", usd);
}

std::string Until(int64_t from_ms, int64_t to_ms) {
  const int64_t minutes = (to_ms - from_ms) / 60'000;
  if (minutes <= 0) return "now";
  if (minutes < 60) return fmt::format("in {}m", minutes);
  if (minutes < int64_t{24} * 60) return fmt::format("in {}h {}m", minutes / 60, minutes % 60);
  return fmt::format("in {}d {}h", minutes / (int64_t{24} * 60), minutes / 60 % 24);
}

std::string RenderStatus(const json& status) {
  const std::string tz = S(status, keys::kTimezone);
  std::string out = StatusHead(status, tz) + "\n";
  const json& providers = status.at(keys::kProviders);
  if (providers.empty()) {
    out +=
        "No model calls recorded this month. Calls are recorded from OpenClaw's llm_output hook;\n"
        "check that plugins.entries.model-router.hooks.allowConversationAccess is true.\n";
    return out;
  }
  out += "Calls, failures and tokens are today's; cost is today, the last 7 days and this month.\n";
  out += fmt::format("{:<34} {:>6} {:>5} {:>11} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                     "PROVIDER / MODEL", "CALLS", "FAIL", "INPUT", "OUTPUT", "CACHE-RD", "CACHE-WR",
                     "COST TODAY", "7 DAYS", "MONTH");
  for (const json& provider : providers) {
    const std::string name = S(provider, keys::kProvider);
    out += Row(provider.contains(keys::kAccountOf)
                   ? "  " + name + " (" + S(provider, keys::kAccountOf) + " account)"
                   : name,
               provider);
    for (const json& model : provider.at(keys::kModels)) {
      out += Row("  " + S(model, keys::kModel), model);
    }
  }
  out += Row("TOTAL", status.at(keys::kTotals));
  out += RoutingLine(status);
  out += FailoverLines(status);
  if (!status.at(keys::kForecast).is_null()) {
    out += "forecast: " +
           ForecastSentence(status.at(keys::kForecast), I(status, keys::kGeneratedAtMs), tz) + "\n";
  }
  return out;
}

std::string SummarizeStatus(const json& status) {
  return SpendSentences(status) + QuotaSentences(status);
}

std::string SummarizePredict(const json& predict) {
  const std::string tz = S(predict, keys::kTimezone);
  const int64_t now = I(predict, keys::kGeneratedAtMs);
  if (predict.at(keys::kForecasts).empty()) {
    return "No limited quota windows are configured, so there is nothing to run out.";
  }
  std::string out;
  for (const json& f : predict.at(keys::kForecasts)) {
    out += (out.empty() ? "" : " ") + ForecastSentence(f, now, tz) + ".";
  }
  return out;
}

std::string RenderProviders(const json& providers, const std::string& timezone) {
  const json& list = providers.at(keys::kProviders);
  if (list.empty()) return "No providers seen yet: the ledger has no model calls.\n";
  std::string out = fmt::format("{:<34} {:>8} {:>8} {:>17} {:>17}\n", "PROVIDER / MODEL", "CALLS",
                                "FAILED", "FIRST SEEN", "LAST SEEN");
  // A configured provider without calls has no first or last time.
  auto seen = [&](const json& e, const char* key) {
    return e.at(key).is_null() ? std::string("-") : LocalTime(I(e, key), timezone);
  };
  auto row = [&](const std::string& label, const json& e) {
    return fmt::format("{:<34} {:>8} {:>8} {:>17} {:>17}\n", label, Grouped(I(e, keys::kCalls)),
                       Grouped(I(e, keys::kFailures)), seen(e, keys::kFirstSeenMs),
                       seen(e, keys::kLastSeenMs));
  };
  for (const json& provider : list) {
    out += row(S(provider, keys::kProvider), provider);
    for (const json& model : provider.at(keys::kModels)) {
      out += row("  " + S(model, keys::kModel), model);
    }
  }
  return out;
}

namespace {

std::string TargetLabel(const json& target) {
  if (target.is_null()) return "";
  std::string out = S(target, keys::kKind);
  if (out != "heartbeat") out += " " + S(target, keys::kId);
  if (target.contains(keys::kName)) out += " \"" + S(target, keys::kName) + "\"";
  return out;
}

std::string Model(const json& setting) {
  const json& primary = setting.at(keys::kPrimary);
  return primary.is_null() ? std::string("(none)") : primary.get<std::string>();
}

std::string ActionLine(const json& a) {
  std::string line = fmt::format("  {} {:<13} {}: {} -> {}", S(a, keys::kId), S(a, keys::kKind),
                                 TargetLabel(a.at(keys::kTarget)), Model(a.at(keys::kBefore)),
                                 Model(a.at(keys::kAfter)));
  if (I(a, keys::kMonthlySavingMicros) > 0) {
    line += fmt::format(", saves {}/month", Usd(I(a, keys::kMonthlySavingMicros)));
  }
  if (a.at(keys::kGateway).get<bool>()) line += " (cron job: edited through the gateway)";
  line += "\n";
  for (const json& c : a.at(keys::kChanges)) {
    line += fmt::format("      {}: {} -> {}\n", S(c, keys::kPath),
                        c.contains(keys::kBefore) ? c.at(keys::kBefore).dump() : "(absent)",
                        c.contains(keys::kAfter) ? c.at(keys::kAfter).dump() : "(absent)");
  }
  return line;
}

}  // namespace

// analyze, optimize and shift: findings, then the plan and what was applied.
std::string RenderOptimize(const json& result) {
  std::string out;
  if (result.contains(keys::kFindings)) {
    out += fmt::format("last {} days: {}/month across agents and jobs\n", I(result, keys::kDays),
                       Usd(I(result, keys::kMonthlyCostMicros)));
    for (const json& f : result.at(keys::kFindings)) {
      out += fmt::format("- {}: {}\n", S(f, keys::kKind), S(f, keys::kMessage));
    }
    if (result.at(keys::kFindings).empty()) out += "no findings\n";
  }
  if (result.contains(keys::kHonoured)) {
    for (const json& c : result.at(keys::kHonoured).at(keys::kChanges)) {
      out += "NOT HONOURED: " + S(c, keys::kMessage) + "\n";
    }
  }
  if (result.contains(keys::kActions)) {
    out += result.at(keys::kActions).empty() ? "plan: nothing to change\n" : "plan:\n";
    for (const json& a : result.at(keys::kActions)) out += ActionLine(a);
  }
  if (result.contains(keys::kApplied)) {
    const json& applied = result.at(keys::kApplied);
    out += applied.at(keys::kEventId).is_null()
               ? std::string("nothing applied\n")
               : fmt::format("applied {} (undo with `router undo`)\n",
                             applied.at(keys::kActions).dump());
    if (!applied.at(keys::kGatewayRequired).empty()) {
      out += fmt::format("not applied, needs the gateway (cron jobs not listed): {}\n",
                         applied.at(keys::kGatewayRequired).dump());
    }
  }
  return out;
}

// `router fetch`: per provider what was read and where it went, or why nothing was.
std::string RenderFetch(const json& result) {
  std::string out;
  for (const json& p : result.at(keys::kProviders)) {
    out += fmt::format("{} ({}): ", S(p, keys::kProvider), S(p, keys::kSource));
    if (!p.at(keys::kOk).get<bool>()) {
      out += "failed: " + S(p, keys::kError) + "\n";
      continue;
    }
    std::string parts;
    for (const json& w : p.at(keys::kWindows)) {
      parts += fmt::format(
          "{}{} <- {} ({})", parts.empty() ? "" : ", ", S(w, keys::kWindow), S(w, keys::kLabel),
          w.contains(keys::kUsedPercent) ? fmt::format("{:.0f}% used", D(w, keys::kUsedPercent))
                                         : "used " + Usd(I(w, keys::kUsed)));
    }
    if (!p.at(keys::kBalances).empty()) {
      parts += (parts.empty() ? "" : "; ") + std::string("balance ") +
               BalanceList(p.at(keys::kBalances));
    }
    if (!p.at(keys::kUnmatched).empty()) {
      parts += (parts.empty() ? "" : "; ") + std::string("no configured window for ") +
               p.at(keys::kUnmatched).dump();
    }
    out += (parts.empty() ? "nothing to record" : parts) + "\n";
  }
  if (out.empty()) out = "No provider has quotaSource \"api\"; nothing to fetch.\n";
  return out;
}

// detect-local: one block per server, its models in a table, then what --write added.
namespace {

std::string Opt(const json& value, const std::function<std::string(const json&)>& show) {
  return value.is_null() ? "-" : show(value);
}

}  // namespace

std::string RenderDetectLocal(const json& r) {
  std::string out;
  for (const json& s : r.at(keys::kServers)) {
    const json& endpoint = s.at(keys::kEndpoint);  // null: known from OpenClaw's discovery only
    const std::string head = fmt::format(
        "{:<9} {:<26}", S(s, keys::kType),
        endpoint.is_string() ? endpoint.get<std::string>() : std::string("(OpenClaw's discovery)"));
    if (!s.at(keys::kFound).get<bool>()) {
      out += head + " not found: " + S(s, keys::kError) + "\n";
      continue;
    }
    out += fmt::format("{} found, {} models, provider {}\n", head, s.at(keys::kModels).size(),
                       S(s, keys::kProvider));
    if (s.at(keys::kOpenclawProvider) == false) {
      out += fmt::format(
          "  OpenClaw has no provider \"{}\": add models.providers.{} with this "
          "baseUrl, or turns routed there fail\n",
          S(s, keys::kProvider), S(s, keys::kProvider));
    }
    for (const json& m : s.at(keys::kModels)) {
      out += fmt::format(
          "  {:<40} {:>9} {:<10} {:>8} {}{}\n", S(m, keys::kId),
          Opt(m.at(keys::kSizeBytes),
              [](const json& v) { return fmt::format("{:.1f} GB", v.get<double>() / 1e9); }),
          Opt(m.at(keys::kQuantization), [](const json& v) { return v.get<std::string>(); }),
          Opt(m.at(keys::kContextLength), [](const json& v) { return Grouped(v.get<int64_t>()); }),
          Opt(m.at(keys::kLoaded),
              [](const json& v) { return v.get<bool>() ? "loaded" : "not loaded"; }),
          m.value(keys::kSources, json::array()).dump() == R"(["openclaw"])" ? " (OpenClaw only)"
                                                                             : "");
    }
  }
  const json discovery = r.value(keys::kOpenclawDiscovery, json());
  if (discovery.is_object() && !discovery.at(keys::kOk).get<bool>()) {
    out += "OpenClaw's discovered models not read: " + S(discovery, keys::kError) + "\n";
  }
  if (r.contains(keys::kApplied)) {
    const json& added = r.at(keys::kApplied).at(keys::kAdded);
    if (added.empty()) return out + "\nNothing new to add to the plugin config.\n";
    out += "\nAdded to the plugin config (undo with `router undo`):";
    for (const json& ref : added) out += " " + ref.get<std::string>();
    out += "\n";
  }
  return out;
}

std::string Render(const json& result, const std::string& timezone) {
  const std::string schema = S(result, keys::kSchema);
  if (schema == keys::kStatusSchema) return RenderStatus(result);
  if (schema == keys::kRouteSchema) return RenderRoute(result);
  if (schema == keys::kPredictSchema) return RenderPredict(result);
  if (schema == keys::kProvidersSchema) return RenderProviders(result, timezone);
  if (schema == keys::kSetUsageSchema) return RenderSetUsage(result, timezone);
  if (schema == keys::kResetSchema) return RenderReset(result, timezone);
  if (schema == keys::kModeSchema) return RenderMode(result);
  if (schema == keys::kUndoSchema) return RenderUndo(result, timezone);
  if (schema == keys::kAlertsSchema) return RenderAlerts(result);
  if (schema == keys::kAnalyzeSchema || schema == keys::kOptimizeSchema ||
      schema == keys::kShiftSchema) {
    return RenderOptimize(result);
  }
  if (schema == keys::kShadowReportSchema) return RenderShadowReport(result);
  if (schema == keys::kFetchSchema) return RenderFetch(result);
  if (schema == keys::kCredentialsSchema) return RenderCredentials(result);
  if (schema == keys::kDetectLocalSchema) return RenderDetectLocal(result);
  throw json::other_error::create(501, "no renderer for schema " + schema, &result);
}

}  // namespace router::report
