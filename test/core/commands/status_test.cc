// Epoch values are seconds from GNU date, e.g. date -d 'TZ="Europe/London" 2026-07-25 15:00' +%s,
// multiplied by 1000 below (the API is in epoch ms).

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/commands/providers.h"
#include "router/commands/status.h"
#include "router/ledger/ledger.h"

#include "testing.h"

using nlohmann::json;
using router::FakeClock;
using router::calendar::Zone;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::testing::MemoryLedger;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }

// "Now" is 2026-07-25 15:00 BST.
constexpr int64_t kNow = S(1784988000);
constexpr int64_t kToday = S(1784934000);  // 2026-07-25 00:00 BST
constexpr int64_t kLast7 = S(1784415600);  // 2026-07-19 00:00 BST (today and 6 days before)
constexpr int64_t kMonth = S(1782860400);  // 2026-07-01 00:00 BST

UsageRecord Rec(int64_t at_ms, const std::string& provider, const std::string& model, int64_t input,
                int64_t output, int64_t cost_micros, Outcome outcome = Outcome::kOk) {
  UsageRecord r;
  r.at_ms = at_ms;
  r.provider = provider;
  r.model = model;
  r.trigger = "user";
  r.input_tokens = input;
  r.output_tokens = output;
  r.cost_micros = cost_micros;
  r.cost_source = outcome == Outcome::kOk ? router::ledger::CostSource::kOpenClaw
                                          : router::ledger::CostSource::kNone;
  r.outcome = outcome;
  return r;
}

std::unique_ptr<Ledger> SeededLedger() {
  auto ledger = MemoryLedger();
  UsageRecord cached = Rec(S(1784966400), "fakeai", "fake-strong", 1000, 100, 4002);  // today 09:00
  cached.cache_read_tokens = 50;
  REQUIRE(ledger
              ->AppendBatch({
                  cached, Rec(S(1784970000), "fakeai", "fake-weak", 200, 20, 1000),  // today 10:00
                  Rec(S(1784973600), "fakeai", "fake-strong", 0, 0, 0,
                      Outcome::kFailed),                                         // today 11:00
                  Rec(S(1784718000), "other", "o1", 5000, 500, 2'500'000),       // 3 days ago
                  Rec(S(1783249200), "fakeai", "fake-strong", 300, 30, 10'000),  // 20 days ago
                  Rec(S(1781953200), "other", "o1", 99999, 9999, 99'000'000),    // last month
                  Rec(kNow + 1, "fakeai", "fake-strong", 7, 7, 777),             // in the future
              })
              .ok());
  return ledger;
}

// Plugin options with no providers, reporting in Europe/London.
const router::config::PluginOptions& LondonOptions() {
  static const router::config::PluginOptions options = [] {
    router::config::PluginOptions o;
    o.timezone = "Europe/London";
    return o;
  }();
  return options;
}

void CheckTotals(const json& t, int64_t calls, int64_t failures, int64_t input, int64_t output,
                 int64_t cache_read, int64_t cost_micros) {
  CHECK(t.at("calls") == calls);
  CHECK(t.at("failures") == failures);
  CHECK(t.at("invalid") == 0);
  CHECK(t.at("inputTokens") == input);
  CHECK(t.at("outputTokens") == output);
  CHECK(t.at("cacheReadTokens") == cache_read);
  CHECK(t.at("cacheWriteTokens") == 0);
  CHECK(t.at("costMicros") == cost_micros);
  CHECK(t.at("costUsd").get<double>() == Approx(static_cast<double>(cost_micros) / 1e6));
}

}  // namespace

TEST_CASE("router.status/1 totals per period, provider and model", "[commands]") {
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  auto result = router::commands::Status(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())}, {});
  REQUIRE(result.ok());
  const json& out = result.value();

  CHECK(out.at("schema") == "router.status/1");
  CHECK(out.at("generatedAtMs") == kNow);
  CHECK(out.at("timezone") == "Europe/London");
  CHECK(out.at("ledger").at("path") == ":memory:");
  CHECK(out.at("ledger").at("records") == 7);
  CHECK_FALSE(out.contains("provider"));

  CHECK(out.at("periods").at("today").at("sinceMs") == kToday);
  CHECK(out.at("periods").at("last7Days").at("sinceMs") == kLast7);
  CHECK(out.at("periods").at("thisMonth").at("sinceMs") == kMonth);

  const json& totals = out.at("totals");
  CheckTotals(totals.at("today"), 3, 1, 1200, 120, 50, 5002);
  CheckTotals(totals.at("last7Days"), 4, 1, 6200, 620, 50, 2'505'002);
  CheckTotals(totals.at("thisMonth"), 5, 1, 6500, 650, 50, 2'515'002);
  CHECK(totals.at("thisMonth").at("costUsd").get<double>() == Approx(2.515002));

  const json& providers = out.at("providers");
  REQUIRE(providers.size() == 2);
  const json& fakeai = providers[0];
  CHECK(fakeai.at("provider") == "fakeai");
  CheckTotals(fakeai.at("today"), 3, 1, 1200, 120, 50, 5002);
  CheckTotals(fakeai.at("last7Days"), 3, 1, 1200, 120, 50, 5002);
  CheckTotals(fakeai.at("thisMonth"), 4, 1, 1500, 150, 50, 15'002);
  REQUIRE(fakeai.at("models").size() == 2);
  const json& strong = fakeai.at("models")[0];
  CHECK(strong.at("model") == "fake-strong");
  CheckTotals(strong.at("today"), 2, 1, 1000, 100, 50, 4002);
  CheckTotals(strong.at("thisMonth"), 3, 1, 1300, 130, 50, 14'002);
  const json& weak = fakeai.at("models")[1];
  CHECK(weak.at("model") == "fake-weak");
  CheckTotals(weak.at("today"), 1, 0, 200, 20, 0, 1000);
  CheckTotals(weak.at("thisMonth"), 1, 0, 200, 20, 0, 1000);

  const json& other = providers[1];
  CHECK(other.at("provider") == "other");
  CheckTotals(other.at("today"), 0, 0, 0, 0, 0, 0);
  CheckTotals(other.at("last7Days"), 1, 0, 5000, 500, 0, 2'500'000);
  CheckTotals(other.at("thisMonth"), 1, 0, 5000, 500, 0, 2'500'000);
  REQUIRE(other.at("models").size() == 1);
  CHECK(other.at("models")[0].at("model") == "o1");
  CHECK(other.at("models")[0].at("last7Days").at("costUsd").get<double>() == Approx(2.5));
}

TEST_CASE("router.status/1 with a provider filter", "[commands]") {
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  auto result = router::commands::Status(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())}, {"other"});
  REQUIRE(result.ok());
  const json& out = result.value();
  CHECK(out.at("provider") == "other");
  CHECK(out.at("ledger").at("records") == 7);  // the file's size, not the filtered count
  REQUIRE(out.at("providers").size() == 1);
  CHECK(out.at("providers")[0].at("provider") == "other");
  CheckTotals(out.at("totals").at("today"), 0, 0, 0, 0, 0, 0);
  CheckTotals(out.at("totals").at("last7Days"), 1, 0, 5000, 500, 0, 2'500'000);
  CheckTotals(out.at("totals").at("thisMonth"), 1, 0, 5000, 500, 0, 2'500'000);

  auto none = router::commands::Status(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())}, {"nobody"});
  REQUIRE(none.ok());
  CHECK(none->at("providers").empty());
  CheckTotals(none->at("totals").at("thisMonth"), 0, 0, 0, 0, 0, 0);
}

TEST_CASE("router.status/1 follows the clock", "[commands]") {
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  // One day later (2026-07-26 15:00 BST) "today" is empty; the 3-day-old call is 4 days old.
  clock.Advance(router::kMsPerDay);
  auto result = router::commands::Status(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())}, {});
  REQUIRE(result.ok());
  CHECK(result->at("generatedAtMs") == kNow + router::kMsPerDay);
  CHECK(result->at("periods").at("today").at("sinceMs") == kToday + router::kMsPerDay);
  // The future record (kNow + 1 ms) is now in the past and counts.
  CheckTotals(result->at("totals").at("today"), 0, 0, 0, 0, 0, 0);
  CheckTotals(result->at("totals").at("last7Days"), 5, 1, 6207, 627, 50, 2'505'779);
}

TEST_CASE("router.status/1 periods across DST and a month boundary", "[commands]") {
  // Now: 'TZ="Europe/London" 2026-04-02 10:00' -> 1775120400 (BST). Last 7 days start on
  // 2026-03-27 00:00 GMT (1774569600), before the 2026-03-29 change; the month on 2026-04-01 00:00
  // BST (1774998000); today on 2026-04-02 00:00 BST (1775084400).
  auto ledger = MemoryLedger();
  REQUIRE(
      ledger
          ->AppendBatch({
              Rec(S(1774567800), "a", "m", 1, 0, 1),  // 2026-03-26 23:30 GMT: outside every period
              Rec(S(1774569600), "a", "m", 10, 0,
                  10),  // 2026-03-27 00:00 GMT: first instant of last 7 days
              Rec(S(1774868400), "a", "m", 100, 0,
                  100),  // 2026-03-30 12:00 BST: last 7 days, last month
              Rec(S(1775026800), "a", "m", 1000, 0, 1000),  // 2026-04-01 08:00 BST: this month
          })
          .ok());
  FakeClock clock(S(1775120400));
  auto result = router::commands::Status(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())}, {});
  REQUIRE(result.ok());
  const json& out = result.value();
  CHECK(out.at("periods").at("today").at("sinceMs") == S(1775084400));
  CHECK(out.at("periods").at("last7Days").at("sinceMs") == S(1774569600));
  CHECK(out.at("periods").at("thisMonth").at("sinceMs") == S(1774998000));
  CheckTotals(out.at("totals").at("today"), 0, 0, 0, 0, 0, 0);
  CheckTotals(out.at("totals").at("last7Days"), 3, 0, 1110, 0, 0, 1110);
  CheckTotals(out.at("totals").at("thisMonth"), 1, 0, 1000, 0, 0, 1000);
}

TEST_CASE("router.status/1 on an empty ledger", "[commands]") {
  auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
  REQUIRE(opened.ok());
  FakeClock clock(kNow);
  auto result = router::commands::Status(
      {LondonOptions(), *opened.value(), clock, router::testing::RouterFor(LondonOptions())}, {});
  REQUIRE(result.ok());
  CHECK(result->at("ledger").at("records") == 0);
  CHECK(result->at("providers").is_array());
  CHECK(result->at("providers").empty());
  CheckTotals(result->at("totals").at("today"), 0, 0, 0, 0, 0, 0);
  CheckTotals(result->at("totals").at("thisMonth"), 0, 0, 0, 0, 0, 0);
}

TEST_CASE("router.providers/1 lists all-time activity", "[commands]") {
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  auto result = router::commands::Providers(
      {LondonOptions(), *ledger, clock, router::testing::RouterFor(LondonOptions())});
  REQUIRE(result.ok());
  const json& out = result.value();
  CHECK(out.at("schema") == "router.providers/1");
  CHECK(out.at("generatedAtMs") == kNow);
  const json& providers = out.at("providers");
  REQUIRE(providers.size() == 2);

  const json& fakeai = providers[0];
  CHECK(fakeai.at("provider") == "fakeai");
  CHECK(fakeai.at("calls") == 5);
  CHECK(fakeai.at("failures") == 1);
  CHECK(fakeai.at("firstSeenMs") == S(1783249200));  // 20 days ago
  CHECK(fakeai.at("lastSeenMs") == kNow + 1);
  REQUIRE(fakeai.at("models").size() == 2);
  const json& strong = fakeai.at("models")[0];
  CHECK(strong.at("model") == "fake-strong");
  CHECK(strong.at("calls") == 4);
  CHECK(strong.at("failures") == 1);
  CHECK(strong.at("firstSeenMs") == S(1783249200));
  CHECK(strong.at("lastSeenMs") == kNow + 1);
  const json& weak = fakeai.at("models")[1];
  CHECK(weak.at("model") == "fake-weak");
  CHECK(weak.at("calls") == 1);
  CHECK(weak.at("failures") == 0);
  CHECK(weak.at("firstSeenMs") == S(1784970000));
  CHECK(weak.at("lastSeenMs") == S(1784970000));

  const json& other = providers[1];
  CHECK(other.at("provider") == "other");
  CHECK(other.at("calls") == 2);
  CHECK(other.at("failures") == 0);
  CHECK(other.at("firstSeenMs") == S(1781953200));  // last month
  CHECK(other.at("lastSeenMs") == S(1784718000));   // 3 days ago
  REQUIRE(other.at("models").size() == 1);
  CHECK(other.at("models")[0].at("calls") == 2);

  auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
  REQUIRE(opened.ok());
  auto empty = router::commands::Providers(
      {LondonOptions(), *opened.value(), clock, router::testing::RouterFor(LondonOptions())});
  REQUIRE(empty.ok());
  CHECK(empty->at("providers").is_array());
  CHECK(empty->at("providers").empty());
}
