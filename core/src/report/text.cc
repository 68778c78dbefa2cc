#include "router/report/text.h"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "router/calendar/zone.h"

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

std::string RenderStatus(const json& status) {
  const std::string tz = status.at("timezone").get<std::string>();
  std::string out = fmt::format("model-router status at {} ({})\nledger: {} ({} records)\n\n",
                                LocalTime(I(status, "generatedAtMs"), tz), tz,
                                status.at("ledger").at("path").get<std::string>(),
                                Grouped(I(status.at("ledger"), "records")));
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

}  // namespace router::report
