#include "router/commands/status.h"

#include <map>

#include "router/base/money.h"

namespace router::commands {
namespace {

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

void PutPeriods(json& out, const std::vector<ledger::Totals>& periods) {
  for (size_t p = 0; p < kPeriods; ++p) out[kPeriodNames[p]] = TotalsJson(periods[p]);
}

}  // namespace

Result<json> Status(const ledger::Ledger& ledger, const calendar::Zone& zone, const Clock& clock,
                    const StatusRequest& request) {
  const int64_t now = clock.NowMs();
  const int64_t today = zone.StartOfDay(now);
  const std::vector<int64_t> since = {today, zone.StartOfDaysBefore(now, 6), zone.StartOfMonth(now)};
  auto rows = ledger.SumByModel(since, now, request.provider);
  if (!rows.ok()) return rows.status();
  auto records = ledger.CountRecords();
  if (!records.ok()) return records.status();

  json out = {{"schema", "router.status/1"},
              {"generatedAtMs", now},
              {"timezone", zone.name()},
              {"ledger", {{"path", ledger.path()}, {"records", records.value()}}}};
  if (!request.provider.empty()) out["provider"] = request.provider;
  for (size_t p = 0; p < kPeriods; ++p) out["periods"][kPeriodNames[p]] = {{"sinceMs", since[p]}};

  std::vector<ledger::Totals> totals(kPeriods);
  json providers = json::array();
  std::vector<ledger::Totals> provider_totals(kPeriods);
  json models = json::array();
  auto close_provider = [&](const std::string& name) {
    json entry = {{"provider", name}};
    PutPeriods(entry, provider_totals);
    entry["models"] = std::move(models);
    providers.push_back(std::move(entry));
    provider_totals.assign(kPeriods, {});
    models = json::array();
  };
  const auto& list = rows.value();
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& row = list[i];
    json model = {{"model", row.model}};
    PutPeriods(model, row.periods);
    models.push_back(std::move(model));
    for (size_t p = 0; p < kPeriods; ++p) {
      ledger::Add(provider_totals[p], row.periods[p]);
      ledger::Add(totals[p], row.periods[p]);
    }
    if (i + 1 == list.size() || list[i + 1].provider != row.provider) close_provider(row.provider);
  }
  PutPeriods(out["totals"], totals);
  out["providers"] = std::move(providers);
  return out;
}

Result<json> Providers(const ledger::Ledger& ledger, const Clock& clock) {
  auto rows = ledger.Activity();
  if (!rows.ok()) return rows.status();
  std::map<std::string, json> by_provider;
  for (const auto& row : rows.value()) {
    json& p = by_provider[row.provider];
    if (p.is_null()) {
      p = {{"provider", row.provider}, {"calls", 0}, {"failures", 0},
           {"firstSeenMs", row.first_seen_ms}, {"lastSeenMs", row.last_seen_ms},
           {"models", json::array()}};
    }
    p["calls"] = p["calls"].get<int64_t>() + row.calls;
    p["failures"] = p["failures"].get<int64_t>() + row.failures;
    p["firstSeenMs"] = std::min(p["firstSeenMs"].get<int64_t>(), row.first_seen_ms);
    p["lastSeenMs"] = std::max(p["lastSeenMs"].get<int64_t>(), row.last_seen_ms);
    p["models"].push_back({{"model", row.model}, {"calls", row.calls}, {"failures", row.failures},
                           {"firstSeenMs", row.first_seen_ms}, {"lastSeenMs", row.last_seen_ms}});
  }
  json providers = json::array();
  for (auto& [name, entry] : by_provider) providers.push_back(std::move(entry));
  return json{{"schema", "router.providers/1"},
              {"generatedAtMs", clock.NowMs()},
              {"providers", std::move(providers)}};
}

}  // namespace router::commands
