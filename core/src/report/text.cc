#include "router/report/text.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "router/calendar/zone.h"
#include "router/forecast/predictor.h"

namespace router::report {
namespace {

using nlohmann::json;

int64_t I(const json& j, const char* key) { return j.at(key).get<int64_t>(); }

std::string Row(const std::string& label, const json& entry) {
  const json& t = entry.at("today");
  return fmt::format("{:<34} {:>6} {:>5} {:>11} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                     label.size() > 34 ? label.substr(0, 33) + "~" : label, Grouped(I(t, "calls")),
                     Grouped(I(t, "failures")), Grouped(I(t, "inputTokens")),
                     Grouped(I(t, "outputTokens")), Grouped(I(t, "cacheReadTokens")),
                     Grouped(I(t, "cacheWriteTokens")), Usd(I(t, "costMicros")),
                     Usd(I(entry.at("last7Days"), "costMicros")),
                     Usd(I(entry.at("thisMonth"), "costMicros")));
}

std::string LocalTime(int64_t at_ms, const std::string& timezone) {
  auto zone = calendar::Zone::Find(timezone);
  return zone.ok() ? zone->FormatMinute(at_ms) : std::to_string(at_ms);
}

}  // namespace

std::string Until(int64_t from_ms, int64_t to_ms) {
  const int64_t minutes = (to_ms - from_ms) / 60'000;
  if (minutes <= 0) return "now";
  if (minutes < 60) return fmt::format("in {}m", minutes);
  if (minutes < 24 * 60) return fmt::format("in {}h {}m", minutes / 60, minutes % 60);
  return fmt::format("in {}d {}h", minutes / (24 * 60), minutes / 60 % 24);
}

namespace {

std::string Amount(const json& quota, const char* key) {
  const int64_t value = I(quota, key);
  return quota.at("unit") == "budget" ? Usd(value) : Grouped(value);
}

std::string Bar(double fraction) {
  const int width = 20;
  const int filled = std::min(width, static_cast<int>(fraction * width + 0.5));
  return "[" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(width - filled), '-') + "]";
}

std::string QuotaLine(const json& q, int64_t now_ms, const std::string& tz) {
  const bool limited = I(q, "limit") > 0;
  const std::string unit = q.at("unit") == "budget" ? "" : " " + q.at("unit").get<std::string>();
  std::string used = limited ? Amount(q, "used") + " / " + Amount(q, "limit") + unit
                             : Amount(q, "used") + unit + " (no limit)";
  std::string percent = limited ? fmt::format("{:.0f}%", q.at("percent").get<double>()) : "";
  std::string resets = q.at("rolling").get<bool>() ? q.at("schedule").get<std::string>()
                       : q.at("resetsAtMs").is_null()
                           ? "no further reset"
                           : "resets " + LocalTime(I(q, "resetsAtMs"), tz) + " (" +
                                 Until(now_ms, I(q, "resetsAtMs")) + ")";
  std::string line = fmt::format("  {:<14} {:<14} {:>30} {:>5} {} {:<9} {}", q.at("provider").get<std::string>(),
                                 q.at("window").get<std::string>(), used, percent,
                                 limited ? Bar(q.at("percent").get<double>() / 100) : std::string(22, ' '),
                                 q.at("level").get<std::string>(), resets);
  const json& basis = q.at("basis");
  if (basis.at("kind") != "ledger") {
    line += fmt::format("; {} at {}{}", basis.at("kind") == "reset" ? "reset" : basis.at("kind").get<std::string>() + " reading",
                        LocalTime(I(basis, "atMs"), tz), basis.at("stale").get<bool>() ? " (stale)" : "");
  }
  return line + "\n";
}

}  // namespace

std::string Grouped(int64_t n) {
  std::string digits = std::to_string(std::llabs(n));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + digits : digits;
}

std::string Usd(int64_t micros) {
  const double usd = static_cast<double>(micros) / 1e6;
  if (micros != 0 && std::llabs(micros) < 10'000'000) return fmt::format("${:.4f}", usd);
  return fmt::format("${:.2f}", usd);
}

// One forecast in a sentence: "anthropic 5h: runs out 2026-11-23 14:20 (in 3h 10m), 85% likely;
// 1,200,000 tokens/h, high confidence (profile)". "may run out" when it is not likely enough to warn.
std::string ForecastSentence(const json& f, int64_t now_ms, const std::string& tz) {
  const std::string unit = f.at("unit") == "budget" ? "USD" : f.at("unit").get<std::string>();
  const std::string rate = f.at("unit") == "budget"
                               ? Usd(static_cast<int64_t>(f.at("ratePerHour").get<double>())) + "/h"
                               : Grouped(static_cast<int64_t>(std::llround(f.at("ratePerHour").get<double>()))) +
                                     " " + unit + "/h";
  const std::string when =
      f.at("exhaustsAtMs").is_null()
          ? "not expected to run out within the horizon"
          : fmt::format("{} {} ({}), {:.0f}% likely", f.at("warns").get<bool>() ? "runs out" : "may run out",
                        LocalTime(I(f, "exhaustsAtMs"), tz), Until(now_ms, I(f, "exhaustsAtMs")),
                        f.at("probability").get<double>() * 100);
  return fmt::format("{} {}: {}; {}, {} confidence ({})", f.at("provider").get<std::string>(),
                     f.at("window").get<std::string>(), when, rate,
                     forecast::ConfidenceLabel(f.at("confidence").get<double>()), f.at("method").get<std::string>());
}

// The `router predict` table.
std::string RenderPredict(const json& predict) {
  const std::string tz = predict.at("timezone").get<std::string>();
  const int64_t now = I(predict, "generatedAtMs");
  std::string out = fmt::format("quota forecasts at {} ({}), horizon {} h\n", LocalTime(now, tz), tz,
                                I(predict, "horizonHours"));
  if (predict.at("forecasts").empty()) {
    return out + "No limited quota windows are configured (providers.<id>.windows with a limit).\n";
  }
  out += fmt::format("\n  {:<14} {:<12} {:>28} {:>18} {:<30} {:<10} {}\n", "PROVIDER", "WINDOW", "USED / LIMIT",
                     "RATE / HOUR", "RUNS OUT (CHANCE)", "CONFIDENCE", "BASIS");
  for (const json& f : predict.at("forecasts")) {
    const bool money = f.at("unit") == "budget";
    auto amount = [&](const char* key) { return money ? Usd(I(f, key)) : Grouped(I(f, key)); };
    const std::string rate = money ? Usd(static_cast<int64_t>(f.at("ratePerHour").get<double>()))
                                   : Grouped(static_cast<int64_t>(std::llround(f.at("ratePerHour").get<double>())));
    const std::string runs_out = f.at("exhaustsAtMs").is_null()
                                     ? "-"
                                     : fmt::format("{} ({:.0f}%)", LocalTime(I(f, "exhaustsAtMs"), tz),
                                                   f.at("probability").get<double>() * 100);
    out += fmt::format("  {:<14} {:<12} {:>28} {:>18} {:<30} {:<10} {}\n", f.at("provider").get<std::string>(),
                       f.at("window").get<std::string>(),
                       amount("used") + " / " + amount("limit") + (money ? "" : " " + f.at("unit").get<std::string>()),
                       rate, runs_out,
                       fmt::format("{:.2f} {}", f.at("confidence").get<double>(), forecast::ConfidenceLabel(f.at("confidence").get<double>())),
                       f.at("basis").get<std::string>());
  }
  const json& nearest = predict.at("nearest");
  out += nearest.is_null() ? "\nNo window is likely to run out within the horizon.\n"
                           : "\nnearest: " + ForecastSentence(nearest, now, tz) + "\n";
  return out;
}

// "" until the router has routed a call this month.
std::string RoutingLine(const json& status) {
  const json& month = status.at("routing").at("thisMonth");
  if (I(month, "routedCalls") == 0) return "";
  const json& today = status.at("routing").at("today");
  return fmt::format("routing: {} routed calls today cost {} instead of {} (saved {}); this month saved {}\n",
                     Grouped(I(today, "routedCalls")), Usd(I(today, "costMicros")),
                     Usd(I(today, "baselineMicros")), Usd(I(today, "savedMicros")),
                     Usd(I(month, "savedMicros")));
}

// The `router route` answer: choice, reason, the ranked chain and what was left out.
std::string RenderRoute(const json& route) {
  std::string out;
  if (route.at("choice").is_null()) {
    out += "no change: " + route.at("reason").get<std::string>() + "\n";
  } else {
    out += fmt::format("-> {}\n   {}\n", route.at("choice").at("ref").get<std::string>(),
                       route.at("reason").get<std::string>());
  }
  if (!route.at("ranked").empty()) {
    out += fmt::format("\n{:<4} {:<40} {:>6} {:>6} {:>10} {:>9}\n", "#", "CANDIDATE", "SCORE", "NEEDS",
                       "EST COST", "TOKENS");
    int rank = 1;
    for (const json& r : route.at("ranked")) {
      out += fmt::format("{:<4} {:<40} {:>6.2f} {:>6.2f} {:>10} {:>9}\n", rank++,
                         r.at("ref").get<std::string>() + (r.at("local").get<bool>() ? " (local)" : ""),
                         r.at("score").get<double>(), r.at("threshold").get<double>(),
                         r.at("priced").get<bool>() ? Usd(I(r, "costMicros")) : "unpriced",
                         Grouped(I(r, "inputTokens") + I(r, "outputTokens")));
    }
  }
  for (const json& r : route.at("rejected")) {
    out += fmt::format("skipped {}: {} ({})\n", r.at("ref").get<std::string>(), r.at("why").get<std::string>(),
                       r.at("detail").get<std::string>());
  }
  for (const json& w : route.at("warnings")) out += "warning: " + w.get<std::string>() + "\n";
  return out;
}

std::string RenderStatus(const json& status) {
  const std::string tz = status.at("timezone").get<std::string>();
  std::string out = fmt::format("model-router status at {} ({})\nledger: {} ({} records)\n",
                                LocalTime(I(status, "generatedAtMs"), tz), tz,
                                status.at("ledger").at("path").get<std::string>(),
                                Grouped(I(status.at("ledger"), "records")));
  const json& mode = status.at("mode");
  out += fmt::format("mode: {} ({})\n", mode.at("mode").get<std::string>(),
                     mode.at("source") == "ledger" ? "set with `router mode`" : "from config");
  const json& budget = status.at("budget");
  if (!budget.is_null()) {
    out += fmt::format("daily budget: {} of {} spent, {} left, {}; resets {}\n", Usd(I(budget, "spentMicros")),
                       Usd(I(budget, "capMicros")), Usd(I(budget, "remainingMicros")),
                       budget.at("level").get<std::string>(),
                       LocalTime(I(budget, "resetsAtMs"), tz));
  }
  if (!status.at("quotas").empty()) {
    out += "\nQUOTA WINDOWS\n";
    for (const json& q : status.at("quotas")) out += QuotaLine(q, I(status, "generatedAtMs"), tz);
  }
  for (const json& alert : status.at("alerts")) {
    out += fmt::format("ALERT {} {}\n", LocalTime(I(alert, "atMs"), tz), alert.at("message").get<std::string>());
  }
  out += "\n";
  const json& providers = status.at("providers");
  if (providers.empty()) {
    out += "No model calls recorded this month. Calls are recorded from OpenClaw's llm_output hook;\n"
           "check that plugins.entries.model-router.hooks.allowConversationAccess is true.\n";
    return out;
  }
  out += "Calls, failures and tokens are today's; cost is today, the last 7 days and this month.\n";
  out += fmt::format("{:<34} {:>6} {:>5} {:>11} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                     "PROVIDER / MODEL", "CALLS", "FAIL", "INPUT", "OUTPUT", "CACHE-RD", "CACHE-WR",
                     "COST TODAY", "7 DAYS", "MONTH");
  for (const json& provider : providers) {
    out += Row(provider.at("provider").get<std::string>(), provider);
    for (const json& model : provider.at("models")) {
      out += Row("  " + model.at("model").get<std::string>(), model);
    }
  }
  out += Row("TOTAL", status.at("totals"));
  out += RoutingLine(status);
  if (!status.at("forecast").is_null()) {
    out += "forecast: " + ForecastSentence(status.at("forecast"), I(status, "generatedAtMs"), tz) + "\n";
  }
  return out;
}

std::string SummarizeStatus(const json& status) {
  const json& today = status.at("totals").at("today");
  const int64_t tokens = I(today, "inputTokens") + I(today, "outputTokens") +
                         I(today, "cacheReadTokens") + I(today, "cacheWriteTokens");
  std::string out = fmt::format(
      "Today: {} model calls ({} failed), {} tokens ({} in, {} out, {} cache read), {} spent. "
      "Last 7 days: {}. This month: {}.",
      Grouped(I(today, "calls")), Grouped(I(today, "failures")), Grouped(tokens),
      Grouped(I(today, "inputTokens")), Grouped(I(today, "outputTokens")),
      Grouped(I(today, "cacheReadTokens")), Usd(I(today, "costMicros")),
      Usd(I(status.at("totals").at("last7Days"), "costMicros")),
      Usd(I(status.at("totals").at("thisMonth"), "costMicros")));
  const json* top = nullptr;
  for (const json& provider : status.at("providers")) {
    if (top == nullptr || I(provider.at("thisMonth"), "costMicros") > I(top->at("thisMonth"), "costMicros")) {
      top = &provider;
    }
  }
  if (top != nullptr) {
    out += fmt::format(" Largest spender this month: {} ({}).", top->at("provider").get<std::string>(),
                       Usd(I(top->at("thisMonth"), "costMicros")));
  }
  const int64_t now = I(status, "generatedAtMs");
  for (const json& q : status.at("quotas")) {
    if (I(q, "limit") == 0) continue;
    out += fmt::format(" {} {}: {:.0f}% of {}{} used ({}){}.", q.at("provider").get<std::string>(),
                       q.at("window").get<std::string>(), q.at("percent").get<double>(),
                       Amount(q, "limit"), q.at("unit") == "budget" ? "" : " " + q.at("unit").get<std::string>(),
                       q.at("level").get<std::string>(),
                       q.at("resetsAtMs").is_null() ? "" : ", resets " + Until(now, I(q, "resetsAtMs")));
  }
  const json& budget = status.at("budget");
  if (!budget.is_null()) {
    out += fmt::format(" Daily budget: {} of {} spent ({}).", Usd(I(budget, "spentMicros")),
                       Usd(I(budget, "capMicros")), budget.at("level").get<std::string>());
  }
  for (const json& alert : status.at("alerts")) {
    out += " Alert: " + alert.at("message").get<std::string>() + ".";
  }
  if (!status.at("forecast").is_null()) {
    out += " Forecast: " + ForecastSentence(status.at("forecast"), now, status.at("timezone").get<std::string>()) + ".";
  }
  const json& routed = status.at("routing").at("thisMonth");
  if (I(routed, "routedCalls") > 0) {
    out += fmt::format(" Routing saved {} this month over {} routed calls.", Usd(I(routed, "savedMicros")),
                       Grouped(I(routed, "routedCalls")));
  }
  return out;
}

std::string SummarizePredict(const json& predict) {
  const std::string tz = predict.at("timezone").get<std::string>();
  const int64_t now = I(predict, "generatedAtMs");
  if (predict.at("forecasts").empty()) return "No limited quota windows are configured, so there is nothing to run out.";
  std::string out;
  for (const json& f : predict.at("forecasts")) {
    out += (out.empty() ? "" : " ") + ForecastSentence(f, now, tz) + ".";
  }
  return out;
}

std::string RenderProviders(const json& providers, const std::string& timezone) {
  const json& list = providers.at("providers");
  if (list.empty()) return "No providers seen yet: the ledger has no model calls.\n";
  std::string out = fmt::format("{:<34} {:>8} {:>8} {:>17} {:>17}\n", "PROVIDER / MODEL", "CALLS",
                                "FAILED", "FIRST SEEN", "LAST SEEN");
  auto row = [&](const std::string& label, const json& e) {
    return fmt::format("{:<34} {:>8} {:>8} {:>17} {:>17}\n", label, Grouped(I(e, "calls")),
                       Grouped(I(e, "failures")), LocalTime(I(e, "firstSeenMs"), timezone),
                       LocalTime(I(e, "lastSeenMs"), timezone));
  };
  for (const json& provider : list) {
    out += row(provider.at("provider").get<std::string>(), provider);
    for (const json& model : provider.at("models")) {
      out += row("  " + model.at("model").get<std::string>(), model);
    }
  }
  return out;
}

std::string Render(const json& result, const std::string& timezone) {
  const std::string schema = result.at("schema").get<std::string>();
  if (schema == "router.status/1") return RenderStatus(result);
  if (schema == "router.route/1") return RenderRoute(result);
  if (schema == "router.predict/1") return RenderPredict(result);
  if (schema == "router.providers/1") return RenderProviders(result, timezone);
  if (schema == "router.set-usage/1") {
    return fmt::format("{} {}: usage set to {} at {}\n{}", result.at("provider").get<std::string>(),
                       result.at("window").get<std::string>(), result.at("input").get<std::string>(),
                       LocalTime(I(result, "atMs"), timezone),
                       QuotaLine(result.at("quota"), I(result, "atMs"), timezone));
  }
  if (schema == "router.reset/1") {
    std::string out = fmt::format("{}: {} reset at {}; usage counts from now\n",
                                  result.at("provider").get<std::string>(),
                                  result.at("window") == "" ? std::string("all windows")
                                                            : result.at("window").get<std::string>(),
                                  LocalTime(I(result, "atMs"), timezone));
    for (const json& q : result.at("quotas")) out += QuotaLine(q, I(result, "atMs"), timezone);
    return out;
  }
  if (schema == "router.mode/1") {
    if (result.contains("previous")) {
      return fmt::format("mode: {} (was {}); `router undo` reverts\n", result.at("mode").get<std::string>(),
                         result.at("previous").get<std::string>());
    }
    return fmt::format("mode: {} ({})\n", result.at("mode").get<std::string>(),
                       result.at("source") == "ledger" ? "set with `router mode`" : "from config");
  }
  if (schema == "router.undo/1") {
    const json& undone = result.at("undone");
    std::string what = undone.at("kind").get<std::string>();
    for (const char* key : {"provider", "window"}) {
      if (undone.at(key) != "") what += " " + undone.at(key).get<std::string>();
    }
    return fmt::format("undid {} from {}\n", what, LocalTime(I(undone, "atMs"), timezone));
  }
  if (schema == "router.alerts/1") {
    std::string out;
    for (const json& message : result.at("new")) out += message.get<std::string>() + "\n";
    return out.empty() ? "no new alerts\n" : out;
  }
  throw json::other_error::create(501, "no renderer for schema " + schema, &result);
}

}  // namespace router::report
