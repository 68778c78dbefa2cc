// Epoch values are seconds from GNU date, e.g. date -d 'TZ="America/Chicago" 2026-03-18 13:00' +%s,
// multiplied by 1000 below (the API is in epoch ms). America/Chicago is on CDT (UTC-5) from
// 2026-03-08; on CST (UTC-6) before.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"

#include "testing.h"

using nlohmann::json;
using router::config::PluginOptions;
using router::config::QuotaSource;
using router::config::QuotaUnit;
using router::ledger::Event;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::quota::BudgetState;
using router::quota::Level;
using router::quota::WindowState;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;
using router::testing::UserCall;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }
constexpr int64_t kMin = router::kMsPerMinute;
constexpr int64_t kHour = router::kMsPerHour;

constexpr int64_t kNow = S(1773856800);            // Wed 2026-03-18 13:00 CDT (18:00Z)
constexpr int64_t kReset7 = S(1773835200);         // 2026-03-18 07:00 CDT (12:00Z)
constexpr int64_t kNextReset7 = S(1773921600);     // 2026-03-19 07:00 CDT
constexpr int64_t k0630 = S(1773833400);           // 2026-03-18 06:30 CDT (11:30Z)
constexpr int64_t k0730 = S(1773837000);           // 2026-03-18 07:30 CDT (12:30Z)
constexpr int64_t k1000 = S(1773846000);           // 2026-03-18 10:00 CDT (15:00Z)
constexpr int64_t k1200 = S(1773853200);           // 2026-03-18 12:00 CDT (17:00Z)
constexpr int64_t kMidnight = S(1773810000);       // 2026-03-18 00:00 CDT (05:00Z)
constexpr int64_t kNextMidnight = S(1773896400);   // 2026-03-19 00:00 CDT
constexpr int64_t kYesterday2330 = S(1773808200);  // 2026-03-17 23:30 CDT (2026-03-18 04:30Z)
constexpr int64_t kMonth = S(1772344800);          // 2026-03-01 00:00 CST
constexpr int64_t kNextMonth = S(1775019600);      // 2026-04-01 00:00 CDT
constexpr int64_t kFeb28 = S(1772301600);          // 2026-02-28 12:00 CST
constexpr int64_t kMondayUtc = S(1773619200);      // 2026-03-16 00:00Z
constexpr int64_t kNextMondayUtc = S(1774224000);  // 2026-03-23 00:00Z
constexpr int64_t kSundayUtc = S(1773576000);      // 2026-03-15 12:00Z
constexpr int64_t kTue1000 = S(1773759600);        // 2026-03-17 10:00 CDT

void Append(Ledger& ledger, const UsageRecord& r) { REQUIRE(ledger.Append(r).ok()); }

int64_t AddEvent(Ledger& ledger, int64_t at_ms, const std::string& kind,
                 const std::string& provider, const std::string& window,
                 const std::string& payload) {
  auto id = ledger.AppendEvent(Event{0, at_ms, kind, provider, window, payload, false});
  REQUIRE(id.ok());
  REQUIRE(id.value() > 0);
  return id.value();
}

std::vector<WindowState> Eval(const PluginOptions& options, const Ledger& ledger, int64_t now_ms) {
  auto windows = router::quota::EvaluateWindows(options, ledger, now_ms);
  INFO(windows.status().message());
  REQUIRE(windows.ok());
  return windows.value();
}

BudgetState Budget(const PluginOptions& options, const Ledger& ledger, int64_t now_ms) {
  auto budget = router::quota::EvaluateBudget(options, ledger, now_ms);
  INFO(budget.status().message());
  REQUIRE(budget.ok());
  return budget.value();
}

WindowState Find(const std::vector<WindowState>& windows, const std::string& provider,
                 const std::string& window) {
  for (const auto& w : windows) {
    if (w.provider == provider && w.window == window) return w;
  }
  FAIL("no window " << provider << "/" << window);
  return {};
}

std::vector<std::string> Alerts(Ledger& ledger, const PluginOptions& options, int64_t now_ms) {
  auto fresh = router::quota::AppendAlerts(ledger, Eval(options, ledger, now_ms),
                                           Budget(options, ledger, now_ms), now_ms);
  INFO(fresh.status().message());
  REQUIRE(fresh.ok());
  return fresh.value();
}

}  // namespace

TEST_CASE("LevelName names every level", "[quota]") {
  CHECK(std::string(router::quota::LevelName(Level::kOk)) == "ok");
  CHECK(std::string(router::quota::LevelName(Level::kWarning)) == "warning");
  CHECK(std::string(router::quota::LevelName(Level::kCritical)) == "critical");
  CHECK(std::string(router::quota::LevelName(Level::kExhausted)) == "exhausted");
}

TEST_CASE("UnitValue counts each unit from the totals", "[quota]") {
  router::ledger::Totals t;
  t.calls = 9;
  t.messages = 4;
  t.requests = 7;
  t.input_tokens = 100;
  t.output_tokens = 20;
  t.cache_read_tokens = 1000;
  t.cache_write_tokens = 3;
  t.cost_micros = 1'500'000;
  CHECK(router::quota::UnitValue(t, QuotaUnit::kTokens, false) == 123);
  CHECK(router::quota::UnitValue(t, QuotaUnit::kTokens, true) == 1123);
  CHECK(router::quota::UnitValue(t, QuotaUnit::kMessages, false) == 4);
  CHECK(router::quota::UnitValue(t, QuotaUnit::kRequests, true) == 7);
  CHECK(router::quota::UnitValue(t, QuotaUnit::kBudget, false) == 1'500'000);
}

TEST_CASE("EvaluateWindows measures each window in its provider's unit", "[quota]") {
  const std::string providers = R"(
    "providers": {
      "tok": {"quotaType": "tokens", "windows": [{"name": "day", "limit": 0, "schedule": {"type": "daily"}}]},
      "msg": {"quotaType": "messages", "windows": [{"name": "day", "limit": 0, "schedule": {"type": "daily"}}]},
      "req": {"quotaType": "requests", "windows": [{"name": "day", "limit": 0, "schedule": {"type": "daily"}}]},
      "usd": {"quotaType": "budget", "windows": [{"name": "day", "limit": 5, "schedule": {"type": "daily"}}]},
      "loc": {"quotaType": "budget", "tier": "local",
              "windows": [{"name": "day", "limit": 5, "schedule": {"type": "daily"}}]}
    })";
  auto ledger = MemoryLedger();
  UsageRecord t1 = UserCall(k0730, "tok", 100, 40'000);
  t1.output_tokens = 20;
  t1.cache_read_tokens = 1000;
  t1.cache_write_tokens = 3;
  UsageRecord t2 = UserCall(k1200, "tok", 5);
  t2.output_tokens = 5;
  UsageRecord m1 = UserCall(k0730, "msg", 50);
  m1.counts_as_message = true;
  UsageRecord m2 = UserCall(k1200, "msg", 50);
  m2.counts_as_message = true;
  UsageRecord m3 = UserCall(k1200, "msg", 50);  // a retry within the same run: not a message
  UsageRecord r1 = UserCall(k0730, "req", 10);
  r1.model_calls = 3;
  UsageRecord r2 = UserCall(k1200, "req", 10);
  r2.model_calls = 2;
  UsageRecord r3 = UserCall(k1200, "req", 0, 0);
  r3.model_calls = 0;
  r3.outcome = Outcome::kFailed;
  UsageRecord yesterday =
      UserCall(kYesterday2330, "tok", 77'777, 9'000'000);  // before local midnight
  REQUIRE(ledger
              ->AppendBatch(
                  {t1, t2, m1, m2, m3, r1, r2, r3, yesterday, UserCall(k0730, "usd", 1, 1'250'000),
                   UserCall(k1200, "usd", 1, 250'000), UserCall(k1200, "loc", 1, 700'000)})
              .ok());

  SECTION("cache reads are not counted by default") {
    const PluginOptions options =
        ParseOptions(R"({"timezone": "America/Chicago", "dailyBudgetUsd": 10, )" + providers + "}");
    const auto windows = Eval(options, *ledger, kNow);
    REQUIRE(windows.size() == 5);
    // Config order is by provider id.
    CHECK(windows[0].provider == "loc");
    CHECK(windows[1].provider == "msg");
    CHECK(windows[2].provider == "req");
    CHECK(windows[3].provider == "tok");
    CHECK(windows[4].provider == "usd");

    const WindowState tok = Find(windows, "tok", "day");
    CHECK(tok.unit == QuotaUnit::kTokens);
    CHECK(tok.used == 100 + 20 + 3 + 5 + 5);
    CHECK(tok.span.start_ms == kMidnight);
    CHECK(tok.span.end_ms == kNextMidnight);
    CHECK(tok.basis.kind == "ledger");
    CHECK(tok.level == Level::kOk);  // limit 0: never enforced
    CHECK(tok.fraction() == 0);

    const WindowState msg = Find(windows, "msg", "day");
    CHECK(msg.unit == QuotaUnit::kMessages);
    CHECK(msg.used == 2);

    const WindowState req = Find(windows, "req", "day");
    CHECK(req.unit == QuotaUnit::kRequests);
    CHECK(req.used == 5);

    const WindowState usd = Find(windows, "usd", "day");
    CHECK(usd.unit == QuotaUnit::kBudget);
    CHECK(usd.limit == 5'000'000);
    CHECK(usd.used == 1'500'000);
    CHECK(usd.fraction() == Approx(0.3));
    CHECK(usd.level == Level::kOk);

    const WindowState loc = Find(windows, "loc", "day");
    CHECK(loc.unit == QuotaUnit::kBudget);
    CHECK(loc.used == 0);  // local models cost nothing against budgets

    // Today's spend across non-local providers: 40'000 + 1'250'000 + 250'000 (yesterday's 9 USD
    // and the local 0.70 USD excluded).
    const BudgetState budget = Budget(options, *ledger, kNow);
    CHECK(budget.spent_micros == 1'540'000);
    CHECK(budget.cap_micros == 10'000'000);
    CHECK(budget.level == Level::kOk);
  }

  SECTION("countCacheReads adds cache reads to token windows only") {
    const PluginOptions options = ParseOptions(
        R"({"timezone": "America/Chicago", "countCacheReads": true, )" + providers + "}");
    const auto windows = Eval(options, *ledger, kNow);
    CHECK(Find(windows, "tok", "day").used == 1133);
    CHECK(Find(windows, "msg", "day").used == 2);
    CHECK(Find(windows, "req", "day").used == 5);
    CHECK(Find(windows, "usd", "day").used == 1'500'000);
  }
}

TEST_CASE("EvaluateWindows: daily at 07:00 America/Chicago, rolling 5 h and weekly spans",
          "[quota]") {
  // The plugin zone is UTC; only the daily schedule names Chicago.
  const PluginOptions options = ParseOptions(R"({
    "timezone": "UTC",
    "providers": {"p": {"quotaType": "tokens", "windows": [
      {"name": "daily", "limit": 100000, "schedule": {"type": "daily", "hour": 7, "timezone": "America/Chicago"}},
      {"name": "5h", "limit": 100000, "schedule": {"type": "rolling", "hours": 5}},
      {"name": "weekly", "limit": 100000, "schedule": {"type": "weekly", "dayOfWeek": 1}}
    ]}}})");
  auto ledger = MemoryLedger();
  REQUIRE(
      ledger
          ->AppendBatch({
              UserCall(k0630, "p", 1),     // before today's 07:00 reset: weekly only
              UserCall(kReset7, "p", 10),  // exactly at the reset: belongs to the new daily window
              UserCall(k0730, "p", 100),  // daily, weekly; 12:30Z is before the 5 h window (13:00Z)
              UserCall(k1200, "p", 1000),             // every window
              UserCall(kTue1000, "p", 10'000),        // yesterday: weekly only
              UserCall(kSundayUtc, "p", 100'000),     // before Monday 00:00Z: no window
              UserCall(kNow + kMin, "p", 1'000'000),  // in the future: no window
              UserCall(k1200, "q", 5),                // another provider
          })
          .ok());

  const auto windows = Eval(options, *ledger, kNow);
  REQUIRE(windows.size() == 3);
  CHECK(windows[0].window == "daily");
  CHECK(windows[1].window == "5h");
  CHECK(windows[2].window == "weekly");

  const WindowState& daily = windows[0];
  CHECK(daily.span.start_ms == kReset7);
  CHECK(daily.span.end_ms == kNextReset7);
  CHECK_FALSE(daily.span.rolling);
  CHECK(daily.used == 1110);
  CHECK(daily.source == QuotaSource::kSelfTracked);

  const WindowState& rolling = windows[1];
  CHECK(rolling.span.rolling);
  CHECK(rolling.span.start_ms == kNow - 5 * kHour);
  CHECK(rolling.span.end_ms == kNow);
  CHECK(rolling.used == 1000);
  CHECK(rolling.schedule == "rolling 5 h");

  const WindowState& weekly = windows[2];
  CHECK(weekly.span.start_ms == kMondayUtc);
  CHECK(weekly.span.end_ms == kNextMondayUtc);
  CHECK(weekly.used == 11'111);

  // One minute before the reset the previous daily window (from yesterday 07:00) holds the 06:30
  // call and yesterday's 10:00 call.
  const auto before = Eval(options, *ledger, kReset7 - kMin);
  CHECK(before[0].span.start_ms == kReset7 - router::kMsPerDay);
  CHECK(before[0].span.end_ms == kReset7);
  CHECK(before[0].used == 10'001);
}

TEST_CASE("EvaluateWindows levels follow the thresholds", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago", "warningThreshold": 0.5, "criticalThreshold": 0.9,
    "providers": {
      "p": {"windows": [{"name": "w", "limit": 1000, "schedule": {"type": "daily"}}]},
      "zero": {"windows": [{"name": "w", "limit": 0, "schedule": {"type": "daily"}}]},
      "free": {"quotaSource": "unlimited", "windows": [{"name": "w", "limit": 1000, "schedule": {"type": "daily"}}]}
    }})");
  auto ledger = MemoryLedger();
  int64_t total = 0;
  const auto add = [&](int64_t tokens) {
    total += tokens;
    for (const char* provider : {"p", "zero", "free"})
      Append(*ledger, UserCall(k0730, provider, tokens));
  };
  const auto check = [&](Level expected) {
    const auto windows = Eval(options, *ledger, kNow);
    const WindowState p = Find(windows, "p", "w");
    INFO("used " << total);
    CHECK(p.used == total);
    CHECK(p.warning_at == Approx(0.5));
    CHECK(p.critical_at == Approx(0.9));
    CHECK(p.fraction() == Approx(static_cast<double>(total) / 1000));
    CHECK(p.level == expected);
    CHECK(Find(windows, "zero", "w").used == total);
    CHECK(Find(windows, "zero", "w").level == Level::kOk);
    CHECK(Find(windows, "free", "w").used == total);
    CHECK(Find(windows, "free", "w").source == QuotaSource::kUnlimited);
    CHECK(Find(windows, "free", "w").level == Level::kOk);
  };
  add(499);
  check(Level::kOk);
  add(1);  // 500 = 50 %
  check(Level::kWarning);
  add(399);  // 899
  check(Level::kWarning);
  add(1);  // 900 = 90 %
  check(Level::kCritical);
  add(99);  // 999
  check(Level::kCritical);
  add(1);  // 1000 = 100 %
  check(Level::kExhausted);
  add(500);  // 1500
  check(Level::kExhausted);

  // A reading far over the limit does not move an unlimited provider either.
  AddEvent(*ledger, k1000, "set-usage", "free", "w", R"({"used": 5000})");
  CHECK(Find(Eval(options, *ledger, kNow), "free", "w").level == Level::kOk);
}

TEST_CASE("EvaluateWindows uses set-usage, reset and api readings", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago",
    "providers": {"man": {"quotaSource": "manual", "quotaType": "tokens", "windows": [
      {"name": "daily", "limit": 1000000, "schedule": {"type": "daily", "hour": 7}},
      {"name": "5h", "limit": 100000, "schedule": {"type": "rolling", "hours": 5}}
    ]}}})");
  auto ledger = MemoryLedger();
  REQUIRE(ledger
              ->AppendBatch({
                  UserCall(k0630, "man", 1),                  // before the daily reset
                  UserCall(k0730, "man", 100),                // daily only
                  UserCall(k1200, "man", 1000),               // daily and 5h
                  UserCall(kNow - 10 * kMin, "man", 10'000),  // daily and 5h
              })
              .ok());
  const auto state = [&](const std::string& window) {
    return Find(Eval(options, *ledger, kNow), "man", window);
  };

  SECTION("ledger only") {
    CHECK(state("daily").used == 11'100);
    CHECK(state("daily").basis.kind == "ledger");
    CHECK(state("daily").basis.at_ms == 0);
    CHECK(state("5h").used == 11'000);
  }
  SECTION("a set-usage inside the window counts plus ledger usage after it") {
    AddEvent(*ledger, k1000, "set-usage", "man", "daily", R"({"used": 5000})");
    const WindowState daily = state("daily");
    CHECK(daily.used == 5000 + 1000 + 10'000);
    CHECK(daily.basis.kind == "manual");
    CHECK(daily.basis.at_ms == k1000);
    CHECK(daily.basis.reading == 5000);
    CHECK_FALSE(daily.basis.stale);
    // The reading names the daily window: the 5 h window is untouched.
    CHECK(state("5h").used == 11'000);
    CHECK(state("5h").basis.kind == "ledger");
  }
  SECTION("a set-usage from the previous window is ignored") {
    AddEvent(*ledger, k0630, "set-usage", "man", "daily", R"({"used": 999999})");
    CHECK(state("daily").used == 11'100);
    CHECK(state("daily").basis.kind == "ledger");
  }
  SECTION("a set-usage in the future is ignored") {
    AddEvent(*ledger, kNow + kMin, "set-usage", "man", "daily", R"({"used": 999999})");
    CHECK(state("daily").used == 11'100);
  }
  SECTION("an undone set-usage is ignored; the one before it applies again") {
    AddEvent(*ledger, kReset7 + kHour, "set-usage", "man", "daily", R"({"used": 500})");  // 13:00Z
    const int64_t undone =
        AddEvent(*ledger, k1000, "set-usage", "man", "daily", R"({"used": 7000})");
    CHECK(state("daily").used == 7000 + 11'000);
    REQUIRE(ledger->MarkUndone(undone).ok());
    const WindowState daily = state("daily");
    CHECK(daily.used == 500 + 11'000);  // 07:30 call is before the 13:00Z reading
    CHECK(daily.basis.at_ms == kReset7 + kHour);
    CHECK(daily.basis.reading == 500);
  }
  SECTION("a reset for every window counts only usage after it") {
    AddEvent(*ledger, k1000, "set-usage", "man", "daily", R"({"used": 5000})");
    AddEvent(*ledger, k1200 + 30 * kMin, "reset", "man", "", R"({"used": 0})");
    for (const char* window : {"daily", "5h"}) {
      const WindowState w = state(window);
      INFO(window);
      CHECK(w.used == 10'000);
      CHECK(w.basis.kind == "reset");
      CHECK(w.basis.at_ms == k1200 + 30 * kMin);
      CHECK(w.basis.reading == 0);
    }
  }
  SECTION("a reset of one window leaves the others") {
    AddEvent(*ledger, k1200 + 30 * kMin, "reset", "man", "5h", R"({"used": 0})");
    CHECK(state("5h").used == 10'000);
    CHECK(state("daily").used == 11'100);
  }
  SECTION("another provider's reading does not apply") {
    AddEvent(*ledger, k1000, "set-usage", "other", "daily", R"({"used": 5000})");
    CHECK(state("daily").used == 11'100);
  }
  SECTION("an api snapshot older than kApiStaleMs is stale") {
    AddEvent(*ledger, kNow - 16 * kMin, "api-snapshot", "man", "daily", R"({"used": 300})");
    WindowState daily = state("daily");
    CHECK(daily.basis.kind == "api");
    CHECK(daily.basis.stale);
    CHECK(daily.basis.reading == 300);
    CHECK(daily.used == 300 + 10'000);
    AddEvent(*ledger, kNow - 14 * kMin, "api-snapshot", "man", "daily", R"({"used": 400})");
    daily = state("daily");
    CHECK(daily.basis.kind == "api");
    CHECK_FALSE(daily.basis.stale);
    CHECK(daily.used == 400 + 10'000);
    CHECK(router::quota::kApiStaleMs == 15 * kMin);
  }
}

TEST_CASE("EvaluateWindows derives windows from a provider budget", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago",
    "providers": {
      "anth": {"windows": [{"name": "5h", "limit": 0, "schedule": {"type": "rolling", "hours": 5}}],
               "budget": {"dailyLimit": 10, "monthlyLimit": 100, "alertThreshold": 0.5}},
      "loc": {"tier": "local", "budget": {"dailyLimit": 1}}
    }})");
  auto ledger = MemoryLedger();
  REQUIRE(
      ledger
          ->AppendBatch({
              UserCall(kFeb28, "anth", 1, 50'000'000),          // last month
              UserCall(kMonth + kHour, "anth", 1, 40'000'000),  // this month
              UserCall(kYesterday2330, "anth", 1, 3'000'000),   // this month, yesterday in Chicago
              UserCall(k0730, "anth", 1, 2'000'000),            // today
              UserCall(k1200, "anth", 1, 4'000'000),            // today
              UserCall(k1200, "loc", 1, 5'000'000),             // local: free
          })
          .ok());
  const auto windows = Eval(options, *ledger, kNow);
  REQUIRE(windows.size() == 4);
  CHECK(windows[0].window == "5h");
  CHECK(windows[1].window == "daily budget");
  CHECK(windows[2].window == "monthly budget");
  CHECK(windows[3].provider == "loc");
  CHECK(windows[3].window == "daily budget");

  const WindowState& daily = windows[1];
  CHECK(daily.provider == "anth");
  CHECK(daily.unit == QuotaUnit::kBudget);
  CHECK(daily.limit == 10'000'000);
  CHECK(daily.span.start_ms == kMidnight);
  CHECK(daily.span.end_ms == kNextMidnight);
  CHECK(daily.used == 6'000'000);
  CHECK(daily.warning_at == Approx(0.5));
  CHECK(daily.critical_at == Approx(0.95));
  CHECK(daily.level == Level::kWarning);  // 60 % >= alertThreshold 50 %

  const WindowState& monthly = windows[2];
  CHECK(monthly.limit == 100'000'000);
  CHECK(monthly.span.start_ms == kMonth);
  CHECK(monthly.span.end_ms == kNextMonth);
  CHECK(monthly.used == 49'000'000);
  CHECK(monthly.level == Level::kOk);  // 49 % < 50 %

  const WindowState& local = windows[3];
  CHECK(local.limit == 1'000'000);
  CHECK(local.used == 0);
  CHECK(local.level == Level::kOk);

  // 47 USD more today: the daily budget is exhausted, the monthly one critical (96 %).
  Append(*ledger, UserCall(k1200, "anth", 1, 47'000'000));
  const auto later = Eval(options, *ledger, kNow);
  CHECK(Find(later, "anth", "daily budget").level == Level::kExhausted);
  CHECK(Find(later, "anth", "monthly budget").used == 96'000'000);
  CHECK(Find(later, "anth", "monthly budget").level == Level::kCritical);
}

TEST_CASE("EvaluateBudget sums today's non-local spend against the daily cap", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago", "dailyBudgetUsd": 10, "budgetSoftThreshold": 0.7,
    "providers": {"a": {}, "loc": {"tier": "local"}}})");
  auto ledger = MemoryLedger();
  REQUIRE(
      ledger
          ->AppendBatch({
              UserCall(k0730, "a", 1, 3'000'000), UserCall(k1200, "a", 1, 2'000'000),
              UserCall(k1200, "stray", 1, 1'000'000),       // not configured: still money spent
              UserCall(k1200, "loc", 1, 50'000'000),        // local: excluded
              UserCall(kYesterday2330, "a", 1, 9'000'000),  // yesterday in Chicago (today in UTC)
              UserCall(kNow + kMin, "a", 1, 100'000'000),   // future
          })
          .ok());

  BudgetState budget = Budget(options, *ledger, kNow);
  CHECK(budget.cap_micros == 10'000'000);
  CHECK(budget.soft_threshold == Approx(0.7));
  CHECK(budget.day_start_ms == kMidnight);
  CHECK(budget.day_end_ms == kNextMidnight);
  CHECK(budget.spent_micros == 6'000'000);
  CHECK(budget.level == Level::kOk);

  Append(*ledger, UserCall(k1200, "a", 1, 1'000'000));  // 7 USD = the soft threshold
  budget = Budget(options, *ledger, kNow);
  CHECK(budget.spent_micros == 7'000'000);
  CHECK(budget.level == Level::kWarning);

  Append(*ledger, UserCall(k1200, "a", 1, 2'999'999));
  CHECK(Budget(options, *ledger, kNow).level == Level::kWarning);
  Append(*ledger, UserCall(k1200, "a", 1, 1));  // exactly the cap
  budget = Budget(options, *ledger, kNow);
  CHECK(budget.spent_micros == 10'000'000);
  CHECK(budget.level == Level::kExhausted);

  // Tomorrow 01:00 starts from zero again (the "future" call was at 13:01 today).
  budget = Budget(options, *ledger, kNextMidnight + kHour);
  CHECK(budget.day_start_ms == kNextMidnight);
  CHECK(budget.spent_micros == 0);
  CHECK(budget.level == Level::kOk);
}

TEST_CASE("EvaluateBudget without a cap, and across a DST change", "[quota]") {
  auto ledger = MemoryLedger();
  Append(*ledger, UserCall(k1200, "a", 1, 50'000'000));

  const BudgetState none =
      Budget(ParseOptions(R"({"timezone": "America/Chicago"})"), *ledger, kNow);
  CHECK(none.cap_micros == 0);
  CHECK(none.spent_micros == 50'000'000);
  CHECK(none.level == Level::kOk);

  // 2026-03-08 is 23 h long in Chicago: 00:00 CST (06:00Z) to 2026-03-09 00:00 CDT (05:00Z).
  const PluginOptions options =
      ParseOptions(R"({"timezone": "America/Chicago", "dailyBudgetUsd": 1})");
  const BudgetState dst = Budget(options, *ledger, S(1772989200));  // 2026-03-08 12:00 CDT
  CHECK(dst.day_start_ms == S(1772949600));
  CHECK(dst.day_end_ms == S(1773032400));
  CHECK(dst.spent_micros == 0);

  // The same instant in UTC: the day is 2026-03-18 00:00Z .. 2026-03-19 00:00Z.
  const BudgetState utc =
      Budget(ParseOptions(R"({"timezone": "UTC", "dailyBudgetUsd": 1})"), *ledger, kNow);
  CHECK(utc.day_start_ms == S(1773792000));
  CHECK(utc.day_end_ms == S(1773878400));
  CHECK(utc.spent_micros == 50'000'000);
  CHECK(utc.level == Level::kExhausted);
}

TEST_CASE("AppendAlerts logs each crossing once per window", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago", "warningThreshold": 0.5, "criticalThreshold": 0.9,
    "dailyBudgetUsd": 10,
    "providers": {"p": {"windows": [{"name": "daily", "limit": 1000, "schedule": {"type": "daily", "hour": 7}}]}}})");
  auto ledger = MemoryLedger();
  const auto logged = [&] {
    auto events = ledger->Events("alert", "", 0);
    REQUIRE(events.ok());
    return events.value();
  };

  // Nothing crossed: nothing logged.
  Append(*ledger, UserCall(k0730, "p", 499, 7'999'999));
  CHECK(Alerts(*ledger, options, kNow).empty());
  CHECK(logged().empty());

  // 60 % of the window and 80 % of the daily cap.
  Append(*ledger, UserCall(k0730, "p", 101, 1));
  std::vector<std::string> fresh = Alerts(*ledger, options, kNow);
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0] == "p daily window warning: 60% used");
  CHECK(fresh[1] == "daily budget warning: 80% of the cap spent today");
  auto events = logged();
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == "alert");
  CHECK(events[0].provider == "p");
  CHECK(events[0].window == "daily");
  CHECK(events[0].at_ms == kNow);
  const json payload = json::parse(events[0].payload);
  CHECK(payload.at("level") == "warning");
  CHECK(payload.at("message") == "p daily window warning: 60% used");
  CHECK(payload.at("windowStartMs") == kReset7);
  CHECK(events[1].provider == "");
  CHECK(events[1].window == "daily budget");
  CHECK(json::parse(events[1].payload).at("windowStartMs") == kMidnight);

  // The same levels again, later in the same windows: nothing new.
  CHECK(Alerts(*ledger, options, kNow).empty());
  CHECK(Alerts(*ledger, options, kNow + kHour).empty());
  CHECK(logged().size() == 2);

  // Crossing the next thresholds logs again.
  Append(*ledger, UserCall(k1200, "p", 350, 2'000'000));
  fresh = Alerts(*ledger, options, kNow);
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0] == "p daily window critical: 95% used");
  CHECK(fresh[1] == "daily budget exhausted: 100% of the cap spent today");
  CHECK(Alerts(*ledger, options, kNow).empty());
  CHECK(logged().size() == 4);

  // The next daily window (tomorrow 07:00) starts over: a new warning is logged; the budget day
  // (from midnight) has no spend yet.
  const int64_t tomorrow = kNextReset7 + kHour;
  Append(*ledger, UserCall(kNextReset7 + 30 * kMin, "p", 700));
  fresh = Alerts(*ledger, options, tomorrow);
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0] == "p daily window warning: 70% used");
  CHECK(Alerts(*ledger, options, tomorrow).empty());
  CHECK(logged().size() == 5);
}

TEST_CASE("AppendAlerts logs provider budget windows", "[quota]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago",
    "providers": {"anth": {"budget": {"dailyLimit": 10, "alertThreshold": 0.5}}}})");
  auto ledger = MemoryLedger();
  Append(*ledger, UserCall(k0730, "anth", 1, 5'500'000));
  const std::vector<std::string> fresh = Alerts(*ledger, options, kNow);
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0] == "anth daily budget window warning: 55% used");
  CHECK(Alerts(*ledger, options, kNow).empty());
  // The next local day is a new window.
  Append(*ledger, UserCall(kNextMidnight + kHour, "anth", 1, 6'000'000));
  const std::vector<std::string> next = Alerts(*ledger, options, kNextMidnight + 2 * kHour);
  REQUIRE(next.size() == 1);
  CHECK(next[0] == "anth daily budget window warning: 60% used");
}
