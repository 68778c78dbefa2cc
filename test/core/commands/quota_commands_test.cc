// Quota commands: status quotas/budget/mode/alerts, providers, set-usage, reset, mode, undo,
// check-alerts. Epoch values are seconds from GNU date, e.g.
// date -d 'TZ="America/Chicago" 2026-03-18 13:00' +%s, multiplied by 1000 below. America/Chicago
// is on CDT (UTC-5) from 2026-03-08.

#include <memory>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/alerts.h"
#include "router/commands/dispatch.h"
#include "router/commands/mode.h"
#include "router/commands/providers.h"
#include "router/commands/quota_edits.h"
#include "router/commands/status.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"

#include "testing.h"

using nlohmann::json;
using router::FakeClock;
using router::config::PluginOptions;
using router::config::QuotaUnit;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::UsageRecord;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;
using router::testing::UserCall;
namespace commands = router::commands;
namespace route = router::route;
namespace testing = router::testing;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }
constexpr int64_t kMin = router::kMsPerMinute;
constexpr int64_t kHour = router::kMsPerHour;

constexpr int64_t kNow = S(1773856800);           // Wed 2026-03-18 13:00 CDT (18:00Z)
constexpr int64_t kReset7 = S(1773835200);        // 2026-03-18 07:00 CDT
constexpr int64_t kNextReset7 = S(1773921600);    // 2026-03-19 07:00 CDT
constexpr int64_t k0630 = S(1773833400);          // 2026-03-18 06:30 CDT
constexpr int64_t k0730 = S(1773837000);          // 2026-03-18 07:30 CDT
constexpr int64_t k1200 = S(1773853200);          // 2026-03-18 12:00 CDT (17:00Z)
constexpr int64_t kMidnight = S(1773810000);      // 2026-03-18 00:00 CDT
constexpr int64_t kNextMidnight = S(1773896400);  // 2026-03-19 00:00 CDT
constexpr int64_t kMonday = S(1773637200);        // 2026-03-16 00:00 CDT
constexpr int64_t kNextMonday = S(1774242000);    // 2026-03-23 00:00 CDT
constexpr int64_t kTue1000 = S(1773759600);       // 2026-03-17 10:00 CDT

// anthropic: manual tokens, a rolling 5 h and a weekly window, plus a 20 USD daily budget.
// ollama: local, unlimited, no windows. openai: manual messages, daily at 07:00.
constexpr const char* kConfig = R"({
  "timezone": "America/Chicago", "mode": "auto", "dailyBudgetUsd": 10,
  "warningThreshold": 0.5, "criticalThreshold": 0.9,
  "providers": {
    "anthropic": {"quotaSource": "manual", "quotaType": "tokens", "tier": "premium",
      "windows": [{"name": "5h", "limit": 1000000, "schedule": {"type": "rolling", "hours": 5}},
                  {"name": "weekly", "limit": 10000000, "schedule": {"type": "weekly", "dayOfWeek": 1}}],
      "budget": {"dailyLimit": 20}},
    "ollama": {"quotaSource": "unlimited", "tier": "local"},
    "openai": {"quotaSource": "manual", "quotaType": "messages",
      "windows": [{"name": "daily", "limit": 200, "schedule": {"type": "daily", "hour": 7}}]}
  }})";

// Ledger-only state at kNow: openai daily 3 messages; anthropic 5h 4000 tokens, weekly 54'000,
// daily budget 1 USD; today's non-local spend 1.50 USD (anthropic 1, stray 0.50).
std::unique_ptr<Ledger> SeededLedger() {
  auto ledger = MemoryLedger();
  UsageRecord claude = UserCall(k1200, "anthropic", 3000, 1'000'000);
  claude.output_tokens = 1000;
  REQUIRE(ledger
              ->AppendBatch({
                  UserCall(k0630, "openai", 10, 0, true),  // before the 07:00 reset
                  UserCall(k0730, "openai", 10, 0, true), UserCall(k1200, "openai", 10, 0, true),
                  UserCall(k1200, "openai", 10, 0, true), claude,
                  UserCall(kTue1000, "anthropic", 50'000),     // weekly only
                  UserCall(k1200, "ollama", 999, 50'000'000),  // local: not money spent
                  UserCall(k1200, "stray", 1, 500'000),        // not configured
              })
              .ok());
  return ledger;
}

json Ok(router::Result<json> result) {
  INFO(result.status().message());
  REQUIRE(result.ok());
  return std::move(result).value();
}

std::string Error(const router::Result<json>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == router::Status::Code::kInvalidArgument);
  return result.status().message();
}

json Quota(const json& status, const std::string& provider, const std::string& window) {
  for (const auto& q : status.at("quotas")) {
    if (q.at("provider") == provider && q.at("window") == window) return q;
  }
  FAIL("no quota " << provider << "/" << window);
  return nullptr;
}

json ProviderEntry(const json& out, const std::string& provider) {
  for (const auto& p : out.at("providers")) {
    if (p.at("provider") == provider) return p;
  }
  FAIL("no provider " << provider);
  return nullptr;
}

void CheckBasis(const json& quota, const std::string& kind, int64_t at_ms, int64_t reading) {
  CHECK(quota.at("basis").at("kind") == kind);
  CHECK(quota.at("basis").at("atMs") == at_ms);
  CHECK(quota.at("basis").at("reading") == reading);
  CHECK(quota.at("basis").at("stale") == false);
}

int64_t ParseValue(const std::string& text, QuotaUnit unit, int64_t limit) {
  auto parsed = commands::ParseUsageValue(text, unit, limit);
  INFO(text << ": " << parsed.status().message());
  REQUIRE(parsed.ok());
  return parsed.value();
}

std::string ParseError(const std::string& text, QuotaUnit unit, int64_t limit) {
  auto parsed = commands::ParseUsageValue(text, unit, limit);
  INFO(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == router::Status::Code::kInvalidArgument);
  return parsed.status().message();
}

}  // namespace

TEST_CASE("ParseUsageValue reads percentages, amounts and USD", "[commands]") {
  CHECK(ParseValue("79%", QuotaUnit::kTokens, 1'000'000) == 790'000);
  CHECK(ParseValue("79.5%", QuotaUnit::kMessages, 1000) == 795);
  CHECK(ParseValue("79%", QuotaUnit::kBudget, 20'000'000) == 15'800'000);
  CHECK(ParseValue("1.2M", QuotaUnit::kTokens, 0) == 1'200'000);
  CHECK(ParseValue("500k", QuotaUnit::kTokens, 0) == 500'000);
  CHECK(ParseValue("1,234,567", QuotaUnit::kRequests, 0) == 1'234'567);
  CHECK(ParseValue("3B", QuotaUnit::kTokens, 0) == 3'000'000'000);
  CHECK(ParseValue("42", QuotaUnit::kMessages, 0) == 42);
  CHECK(ParseValue("$3.50", QuotaUnit::kBudget, 0) == 3'500'000);
  CHECK(ParseValue("3.5", QuotaUnit::kBudget, 0) == 3'500'000);

  CHECK(ParseError("79%", QuotaUnit::kTokens, 0) ==
        "usage value \"79%\": a percentage needs a window limit; give an absolute amount instead");
  CHECK(ParseError("$3", QuotaUnit::kTokens, 1000) ==
        "usage value \"$3\": USD given, but this window counts tokens; give an amount (1.2M) or a "
        "percentage (79%)");
  CHECK(ParseError("1.2M", QuotaUnit::kBudget, 0) ==
        "usage value \"1.2M\": budget windows count USD; write $1.2");
  CHECK(ParseError("abc", QuotaUnit::kTokens, 0) ==
        "usage value \"abc\": not a non-negative number; use 79%, 1.2M, 500k or $3.50");
  CHECK(ParseError("-5", QuotaUnit::kTokens, 0) ==
        "usage value \"-5\": not a non-negative number; use 79%, 1.2M, 500k or $3.50");
  CHECK(ParseError("1200%", QuotaUnit::kTokens, 1000) ==
        "usage value \"1200%\": percent must be at most 1000");
  CHECK(ParseError("", QuotaUnit::kTokens, 0) ==
        "usage value \"\": give a percentage (79%), an amount (1.2M) or USD ($3.50)");
}

TEST_CASE("set-usage picks the only fitting window and status adds later usage", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  // Before: the ledger alone.
  json status = Ok(commands::Status(ctx, {}));
  CHECK(Quota(status, "openai", "daily").at("used") == 3);
  CheckBasis(Quota(status, "openai", "daily"), "ledger", 0, 0);

  // openai has one window: a percentage of its 200 messages.
  json out = Ok(commands::SetUsage(ctx, "openai", "79%", ""));
  CHECK(out.at("schema") == "router.set-usage/1");
  CHECK(out.at("eventId").get<int64_t>() > 0);
  CHECK(out.at("atMs") == kNow);
  CHECK(out.at("provider") == "openai");
  CHECK(out.at("window") == "daily");
  CHECK(out.at("unit") == "messages");
  CHECK(out.at("input") == "79%");
  CHECK(out.at("used") == 158);
  const json& quota = out.at("quota");
  CHECK(quota.at("provider") == "openai");
  CHECK(quota.at("window") == "daily");
  CHECK(quota.at("source") == "manual");
  CHECK(quota.at("limit") == 200);
  CHECK(quota.at("used") == 158);  // the reading replaces the 3 messages before it
  CHECK(quota.at("remaining") == 42);
  CHECK(quota.at("percent").get<double>() == Approx(79.0));
  CHECK(quota.at("level") == "warning");
  CHECK(quota.at("startMs") == kReset7);
  CHECK(quota.at("resetsAtMs") == kNextReset7);
  CHECK(quota.at("rolling") == false);
  CheckBasis(quota, "manual", kNow, 158);

  // anthropic: "$3.50" fits only the daily budget window.
  out = Ok(commands::SetUsage(ctx, "anthropic", "$3.50", ""));
  CHECK(out.at("window") == "daily budget");
  CHECK(out.at("unit") == "budget");
  CHECK(out.at("used") == 3'500'000);
  CHECK(out.at("quota").at("limit") == 20'000'000);
  CHECK(out.at("quota").at("used") == 3'500'000);
  CHECK(out.at("quota").at("startMs") == kMidnight);
  CHECK(out.at("quota").at("resetsAtMs") == kNextMidnight);

  // With --window an amount goes to that window only.
  out = Ok(commands::SetUsage(ctx, "anthropic", "1.2M", "weekly"));
  CHECK(out.at("window") == "weekly");
  CHECK(out.at("unit") == "tokens");
  CHECK(out.at("used") == 1'200'000);
  CHECK(out.at("quota").at("used") == 1'200'000);
  CHECK(out.at("quota").at("startMs") == kMonday);
  CHECK(out.at("quota").at("resetsAtMs") == kNextMonday);

  // Later usage adds to the readings.
  clock.Advance(10 * kMin);
  UsageRecord later = UserCall(kNow + 5 * kMin, "anthropic", 100, 250'000);
  later.output_tokens = 20;
  REQUIRE(ledger
              ->AppendBatch({later, UserCall(kNow + 5 * kMin, "openai", 10, 0, true),
                             UserCall(kNow + 6 * kMin, "openai", 10, 0, false)})
              .ok());
  status = Ok(commands::Status(ctx, {}));
  REQUIRE(status.at("quotas").size() == 4);
  const json openai = Quota(status, "openai", "daily");
  CHECK(openai.at("used") == 159);
  CHECK(openai.at("remaining") == 41);
  CheckBasis(openai, "manual", kNow, 158);
  const json weekly = Quota(status, "anthropic", "weekly");
  CHECK(weekly.at("used") == 1'200'120);
  CheckBasis(weekly, "manual", kNow, 1'200'000);
  const json budget = Quota(status, "anthropic", "daily budget");
  CHECK(budget.at("used") == 3'750'000);
  CHECK(budget.at("unit") == "budget");
  // The 5 h window had no reading: ledger calls since 13:10Z.
  const json rolling = Quota(status, "anthropic", "5h");
  CHECK(rolling.at("used") == 4000 + 120);
  CHECK(rolling.at("rolling") == true);
  CHECK(rolling.at("resetsAtMs").is_null());
  CHECK(rolling.at("startMs") == kNow + 10 * kMin - 5 * kHour);
  CheckBasis(rolling, "ledger", 0, 0);
}

TEST_CASE("set-usage rejects what it cannot place", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  // Several windows fit: the message lists them.
  const std::string ambiguous =
      "provider \"anthropic\" has windows 5h, weekly, daily budget; choose one with --window NAME";
  CHECK(Error(commands::SetUsage(ctx, "anthropic", "1.2M", "")) == ambiguous);
  CHECK(Error(commands::SetUsage(ctx, "anthropic", "79%", "")) == ambiguous);

  CHECK(Error(commands::SetUsage(ctx, "nope", "5", "")) ==
        "provider \"nope\" is not configured; configured: anthropic, ollama, openai");
  CHECK(Error(commands::SetUsage(ctx, "anthropic", "5", "monthly")) ==
        "provider \"anthropic\" has no window \"monthly\"; its windows: 5h, weekly, daily budget");
  CHECK(Error(commands::SetUsage(ctx, "ollama", "5", "")) ==
        "set-usage: provider \"ollama\" has quotaSource unlimited, so readings do not apply; use "
        "manual, self-tracked or api");
  CHECK(Error(commands::SetUsage(ctx, "anthropic", "$3", "weekly")) ==
        "usage value \"$3\": USD given, but this window counts tokens; give an amount (1.2M) or a "
        "percentage (79%)");
  CHECK(Error(commands::SetUsage(ctx, "openai", "abc", "")) ==
        "usage value \"abc\": not a non-negative number; use 79%, 1.2M, 500k or $3.50");

  const PluginOptions empty = ParseOptions("{}");
  CHECK(Error(commands::SetUsage({empty, *ledger, clock, testing::RouterFor(empty)}, "openai", "5",
                                 "")) ==
        "provider \"openai\" is not configured; add it under providers in the plugin config");

  // Nothing was recorded.
  auto events = ledger->Events("", "", 0);
  REQUIRE(events.ok());
  CHECK(events.value().empty());
  CHECK(Quota(Ok(commands::Status(ctx, {})), "anthropic", "weekly").at("used") == 54'000);
}

// Without --window a provider's only window takes any value its unit accepts (a bare number is
// USD for a budget window); a value that window cannot take gets the parser's reason.
TEST_CASE("set-usage without --window on a provider's only window", "[commands]") {
  const PluginOptions options = ParseOptions(R"({
    "timezone": "America/Chicago",
    "providers": {
      "usd": {"quotaSource": "manual", "quotaType": "budget",
              "windows": [{"name": "daily", "limit": 5, "schedule": {"type": "daily"}}]},
      "openai": {"quotaSource": "manual", "quotaType": "messages",
                 "windows": [{"name": "daily", "limit": 200, "schedule": {"type": "daily"}}]}}})");
  auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
  REQUIRE(opened.ok());
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *opened.value(), clock, router};

  auto bare = commands::SetUsage(ctx, "usd", "3.5", "");
  INFO(bare.status().message());
  REQUIRE(bare.ok());
  CHECK(bare->at("used") == 3'500'000);
  CHECK(bare->at("window") == "daily");
  CHECK(bare->at("quota").at("used") == 3'500'000);
  CHECK(bare->at("quota").at("limit") == 5'000'000);

  CHECK(
      Error(commands::SetUsage(ctx, "openai", "$3", "")) ==
      "usage value \"$3\": USD given, but this window counts messages; give an amount (1.2M) or a "
      "percentage (79%)");
}

TEST_CASE("reset counts usage from now on", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  SECTION("every window of the provider") {
    const json out = Ok(commands::Reset(ctx, "anthropic", ""));
    CHECK(out.at("schema") == "router.reset/1");
    CHECK(out.at("eventId").get<int64_t>() > 0);
    CHECK(out.at("atMs") == kNow);
    CHECK(out.at("provider") == "anthropic");
    CHECK(out.at("window") == "");
    const json& quotas = out.at("quotas");
    REQUIRE(quotas.size() == 3);
    CHECK(quotas[0].at("window") == "5h");
    CHECK(quotas[1].at("window") == "weekly");
    CHECK(quotas[2].at("window") == "daily budget");
    for (const auto& q : quotas) {
      CHECK(q.at("used") == 0);
      CHECK(q.at("level") == "ok");
      CheckBasis(q, "reset", kNow, 0);
    }

    clock.Advance(kMin);
    UsageRecord r = UserCall(kNow + 30 * 1000, "anthropic", 50, 200'000);
    r.output_tokens = 50;
    REQUIRE(ledger->Append(r).ok());
    const json status = Ok(commands::Status(ctx, {}));
    CHECK(Quota(status, "anthropic", "5h").at("used") == 100);
    CHECK(Quota(status, "anthropic", "weekly").at("used") == 100);
    CHECK(Quota(status, "anthropic", "daily budget").at("used") == 200'000);
    CheckBasis(Quota(status, "anthropic", "weekly"), "reset", kNow, 0);
    // Other providers keep their usage.
    CHECK(Quota(status, "openai", "daily").at("used") == 3);
    // The daily money budget is spend, not a quota: a reset does not change it.
    CHECK(status.at("budget").at("spentMicros") == 1'700'000);
  }
  SECTION("one window") {
    const json out = Ok(commands::Reset(ctx, "anthropic", "5h"));
    CHECK(out.at("window") == "5h");
    REQUIRE(out.at("quotas").size() == 1);
    CHECK(out.at("quotas")[0].at("window") == "5h");
    CHECK(out.at("quotas")[0].at("used") == 0);
    const json status = Ok(commands::Status(ctx, {}));
    CHECK(Quota(status, "anthropic", "5h").at("used") == 0);
    CHECK(Quota(status, "anthropic", "weekly").at("used") == 54'000);
    CheckBasis(Quota(status, "anthropic", "weekly"), "ledger", 0, 0);
  }
  SECTION("unknown provider or window") {
    CHECK(
        Error(commands::Reset(ctx, "anthropic", "monthly")) ==
        "provider \"anthropic\" has no window \"monthly\"; its windows: 5h, weekly, daily budget");
    CHECK(Error(commands::Reset(ctx, "nope", "")) ==
          "provider \"nope\" is not configured; configured: anthropic, ollama, openai");
    auto events = ledger->Events("reset", "", 0);
    REQUIRE(events.ok());
    CHECK(events.value().empty());
  }
}

TEST_CASE("mode shows the config mode and records a new one", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  json out = Ok(commands::Mode(ctx, std::nullopt));
  CHECK(out.at("schema") == "router.mode/1");
  CHECK(out.at("mode") == "auto");
  CHECK(out.at("source") == "config");
  CHECK_FALSE(out.contains("setAtMs"));

  const PluginOptions defaults = ParseOptions(R"({"timezone": "America/Chicago"})");
  CHECK(Ok(commands::Mode({defaults, *ledger, clock, testing::RouterFor(defaults)}, std::nullopt))
            .at("mode") == "dry-run");

  out = Ok(commands::Mode(ctx, std::string("manual")));
  CHECK(out.at("schema") == "router.mode/1");
  CHECK(out.at("mode") == "manual");
  CHECK(out.at("source") == "ledger");
  CHECK(out.at("setAtMs") == kNow);
  CHECK(out.at("previous") == "auto");
  CHECK(out.at("eventId").get<int64_t>() > 0);

  clock.Advance(kMin);
  out = Ok(commands::Mode(ctx, std::nullopt));
  CHECK(out.at("mode") == "manual");
  CHECK(out.at("source") == "ledger");
  CHECK(out.at("setAtMs") == kNow);
  const json status = Ok(commands::Status(ctx, {}));
  CHECK(status.at("mode").at("mode") == "manual");
  CHECK(status.at("mode").at("source") == "ledger");

  out = Ok(commands::Mode(ctx, std::string("dry-run")));
  CHECK(out.at("previous") == "manual");
  CHECK(Ok(commands::Mode(ctx, std::nullopt)).at("mode") == "dry-run");

  CHECK(Error(commands::Mode(ctx, std::string("turbo"))) ==
        "mode \"turbo\": use manual, dry-run or auto");
  CHECK(Ok(commands::Mode(ctx, std::nullopt)).at("mode") == "dry-run");
  auto events = ledger->Events("mode", "", 0);
  REQUIRE(events.ok());
  CHECK(events.value().size() == 2);
}

TEST_CASE("undo reverts the newest set-usage, reset or mode change", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  const json set = Ok(commands::SetUsage(ctx, "openai", "50", ""));
  clock.Advance(kMin);
  const json reset = Ok(commands::Reset(ctx, "openai", ""));
  clock.Advance(kMin);
  const json mode = Ok(commands::Mode(ctx, std::string("manual")));
  clock.Advance(kMin);
  const auto openai = [&] { return Quota(Ok(commands::Status(ctx, {})), "openai", "daily"); };
  CheckBasis(openai(), "reset", kNow + kMin, 0);

  json out = Ok(commands::Undo(ctx));
  CHECK(out.at("schema") == "router.undo/1");
  CHECK(out.at("eventId").get<int64_t>() > mode.at("eventId").get<int64_t>());
  CHECK(out.at("atMs") == kNow + 3 * kMin);
  CHECK(out.at("undone").at("id") == mode.at("eventId"));
  CHECK(out.at("undone").at("kind") == "mode");
  CHECK(out.at("undone").at("atMs") == kNow + 2 * kMin);
  CHECK(out.at("undone").at("payload").at("mode") == "manual");
  CHECK(Ok(commands::Mode(ctx, std::nullopt)).at("source") == "config");
  CHECK(Ok(commands::Mode(ctx, std::nullopt)).at("mode") == "auto");

  out = Ok(commands::Undo(ctx));
  CHECK(out.at("undone").at("id") == reset.at("eventId"));
  CHECK(out.at("undone").at("kind") == "reset");
  CHECK(out.at("undone").at("provider") == "openai");
  CHECK(out.at("undone").at("window") == "");
  CHECK(openai().at("used") == 50);
  CheckBasis(openai(), "manual", kNow, 50);

  out = Ok(commands::Undo(ctx));
  CHECK(out.at("undone").at("id") == set.at("eventId"));
  CHECK(out.at("undone").at("kind") == "set-usage");
  CHECK(out.at("undone").at("window") == "daily");
  CHECK(out.at("undone").at("payload").at("used") == 50);
  CHECK(openai().at("used") == 3);
  CheckBasis(openai(), "ledger", 0, 0);

  auto none = commands::Undo(ctx);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == router::Status::Code::kNotFound);
  CHECK(none.status().message() ==
        "nothing to undo: no set-usage, reset or mode change is recorded");

  auto undos = ledger->Events("undo", "", 0);
  REQUIRE(undos.ok());
  CHECK(undos.value().size() == 3);
}

TEST_CASE("router.status/1 quotas, budget, alerts and configured providers", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};

  json status = Ok(commands::Status(ctx, {}));
  // Quotas in config order; ollama has none.
  const json& quotas = status.at("quotas");
  REQUIRE(quotas.size() == 4);
  CHECK(quotas[0].at("provider") == "anthropic");
  CHECK(quotas[0].at("window") == "5h");
  CHECK(quotas[1].at("window") == "weekly");
  CHECK(quotas[2].at("window") == "daily budget");
  CHECK(quotas[3].at("provider") == "openai");
  const json weekly = quotas[1];
  CHECK(weekly.at("unit") == "tokens");
  CHECK(weekly.at("source") == "manual");
  CHECK(weekly.at("limit") == 10'000'000);
  CHECK(weekly.at("used") == 54'000);
  CHECK(weekly.at("remaining") == 9'946'000);
  CHECK(weekly.at("percent").get<double>() == Approx(0.5));
  CHECK(weekly.at("level") == "ok");
  CHECK(weekly.at("schedule").get<std::string>().find("weekly") == 0);
  CHECK(quotas[0].at("schedule") == "rolling 5 h");
  CHECK(quotas[2].at("used") == 1'000'000);
  CHECK(quotas[2].at("percent").get<double>() == Approx(5.0));

  // Today's spend across non-local providers, against the 10 USD cap.
  const json& budget = status.at("budget");
  CHECK(budget.at("capMicros") == 10'000'000);
  CHECK(budget.at("capUsd").get<double>() == Approx(10.0));
  CHECK(budget.at("spentMicros") == 1'500'000);
  CHECK(budget.at("spentUsd").get<double>() == Approx(1.5));
  CHECK(budget.at("remainingMicros") == 8'500'000);
  CHECK(budget.at("remainingUsd").get<double>() == Approx(8.5));
  CHECK(budget.at("softThreshold").get<double>() == Approx(0.8));
  CHECK(budget.at("level") == "ok");
  CHECK(budget.at("resetsAtMs") == kNextMidnight);

  CHECK(status.at("mode").at("mode") == "auto");
  CHECK(status.at("mode").at("source") == "config");
  CHECK(status.at("alerts").is_array());
  CHECK(status.at("alerts").empty());

  // Configured providers appear even without calls; unconfigured ones with calls are marked.
  const json& providers = status.at("providers");
  REQUIRE(providers.size() == 4);
  CHECK(ProviderEntry(status, "anthropic").at("configured") == true);
  CHECK(ProviderEntry(status, "openai").at("configured") == true);
  CHECK(ProviderEntry(status, "openai").at("today").at("messages") == 4);
  CHECK(ProviderEntry(status, "ollama").at("configured") == true);
  CHECK(ProviderEntry(status, "stray").at("configured") == false);
  {
    auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
    REQUIRE(opened.ok());
    const json empty =
        Ok(commands::Status({options, *opened.value(), clock, testing::RouterFor(options)}, {}));
    REQUIRE(empty.at("providers").size() == 3);
    for (const auto& p : empty.at("providers")) {
      CHECK(p.at("configured") == true);
      CHECK(p.at("today").at("calls") == 0);
      CHECK(p.at("models").empty());
    }
    CHECK(empty.at("providers")[1].at("provider") == "ollama");
    CHECK(empty.at("budget").at("spentMicros") == 0);
    REQUIRE(empty.at("quotas").size() == 4);
    CHECK(Quota(empty, "openai", "daily").at("used") == 0);
  }

  // A crossing (75 % of openai's 200 messages) is logged once and listed.
  (void)Ok(commands::SetUsage(ctx, "openai", "150", ""));
  clock.Advance(kMin);
  status = Ok(commands::Status(ctx, {}));
  REQUIRE(status.at("alerts").size() == 1);
  const json alert = status.at("alerts")[0];
  CHECK(alert.at("atMs") == kNow + kMin);
  CHECK(alert.at("provider") == "openai");
  CHECK(alert.at("window") == "daily");
  CHECK(alert.at("level") == "warning");
  CHECK(alert.at("message") == "openai daily window warning: 75% used");
  CHECK(Quota(status, "openai", "daily").at("level") == "warning");

  clock.Advance(kMin);
  status = Ok(commands::Status(ctx, {}));
  REQUIRE(status.at("alerts").size() == 1);
  CHECK(status.at("alerts")[0].at("atMs") == kNow + kMin);
  json checked = Ok(commands::CheckAlerts(ctx));
  CHECK(checked.at("schema") == "router.alerts/1");
  CHECK(checked.at("new").empty());

  // The next crossings: critical for openai, the daily money budget's soft threshold.
  (void)Ok(commands::SetUsage(ctx, "openai", "198", ""));
  REQUIRE(ledger->Append(UserCall(kNow + 2 * kMin, "stray", 1, 7'000'000)).ok());  // 8.5 of 10 USD
  clock.Advance(kMin);
  checked = Ok(commands::CheckAlerts(ctx));
  // At 99% running out before the reset looks likely, but the ledger holds under a day of
  // openai's use: a forecast that young says "low confidence" and logs no alert.
  REQUIRE(checked.at("new").size() == 2);
  CHECK(checked.at("new")[0] == "openai daily window critical: 99% used");
  CHECK(checked.at("new")[1] == "daily budget warning: 85% of the cap spent today");
  CHECK(Ok(commands::CheckAlerts(ctx)).at("new").empty());

  status = Ok(commands::Status(ctx, {}));
  CHECK(status.at("budget").at("level") == "warning");
  const json& alerts = status.at("alerts");
  REQUIRE(alerts.size() == 3);
  CHECK(alerts[0].at("level") == "warning");
  CHECK(alerts[1].at("level") == "critical");
  CHECK(alerts[2].at("provider") == "");
  CHECK(alerts[2].at("window") == "daily budget");
  CHECK(alerts[2].at("message") == "daily budget warning: 85% of the cap spent today");

  // Filtered by provider: only that provider's quotas and alerts.
  const json only = Ok(commands::Status(ctx, {"openai"}));
  REQUIRE(only.at("quotas").size() == 1);
  CHECK(only.at("quotas")[0].at("provider") == "openai");
  REQUIRE(only.at("alerts").size() == 2);
  CHECK(only.at("alerts")[1].at("message") == "openai daily window critical: 99% used");

  // Tomorrow after 07:00 the daily window and the budget day are new: yesterday's alerts go.
  clock.Set(kNextReset7 + kHour);
  status = Ok(commands::Status(ctx, {}));
  CHECK(status.at("alerts").empty());
  CHECK(Quota(status, "openai", "daily").at("used") == 0);
  CHECK(status.at("budget").at("spentMicros") == 0);
}

TEST_CASE("router.status/1 budget is null without dailyBudgetUsd", "[commands]") {
  const PluginOptions options = ParseOptions(R"({"timezone": "America/Chicago",
    "providers": {"openai": {"windows": [{"name": "daily", "limit": 0, "schedule": {"type": "daily"}}]}}})");
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const json status =
      Ok(commands::Status({options, *ledger, clock, testing::RouterFor(options)}, {}));
  CHECK(status.at("budget").is_null());
  REQUIRE(status.at("quotas").size() == 1);
  const json& q = status.at("quotas")[0];
  CHECK(q.at("source") == "self-tracked");
  CHECK(q.at("used") == 40);  // tokens since local midnight (4 calls of 10)
  CHECK(q.at("limit") == 0);
  CHECK(q.at("remaining") == 0);
  CHECK(q.at("percent").is_null());
  CHECK(q.at("level") == "ok");
  CHECK(status.at("mode").at("mode") == "dry-run");
}

TEST_CASE("router.providers/1 lists configured providers with their settings", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const json out = Ok(commands::Providers({options, *ledger, clock, testing::RouterFor(options)}));
  CHECK(out.at("schema") == "router.providers/1");
  CHECK(out.at("generatedAtMs") == kNow);
  const json& providers = out.at("providers");
  REQUIRE(providers.size() == 4);
  CHECK(providers[0].at("provider") == "anthropic");
  CHECK(providers[1].at("provider") == "ollama");
  CHECK(providers[2].at("provider") == "openai");
  CHECK(providers[3].at("provider") == "stray");

  const json anthropic = ProviderEntry(out, "anthropic");
  CHECK(anthropic.at("configured") == true);
  CHECK(anthropic.at("quotaSource") == "manual");
  CHECK(anthropic.at("quotaType") == "tokens");
  CHECK(anthropic.at("tier") == "premium");
  CHECK(anthropic.at("calls") == 2);
  CHECK(anthropic.at("firstSeenMs") == kTue1000);
  CHECK(anthropic.at("lastSeenMs") == k1200);

  const json ollama = ProviderEntry(out, "ollama");
  CHECK(ollama.at("quotaSource") == "unlimited");
  CHECK(ollama.at("quotaType") == "tokens");
  CHECK(ollama.at("tier") == "local");
  CHECK(ollama.at("calls") == 1);

  const json openai = ProviderEntry(out, "openai");
  CHECK(openai.at("quotaSource") == "manual");
  CHECK(openai.at("quotaType") == "messages");
  CHECK(openai.at("tier") == "standard");
  CHECK(openai.at("calls") == 4);

  const json stray = ProviderEntry(out, "stray");
  CHECK(stray.at("configured") == false);
  CHECK_FALSE(stray.contains("quotaSource"));
  CHECK_FALSE(stray.contains("tier"));
  CHECK(stray.at("calls") == 1);

  // Without calls a configured provider is still listed, with no activity.
  auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
  REQUIRE(opened.ok());
  const json fresh =
      Ok(commands::Providers({options, *opened.value(), clock, testing::RouterFor(options)}));
  REQUIRE(fresh.at("providers").size() == 3);
  const json idle = fresh.at("providers")[2];
  CHECK(idle.at("provider") == "openai");
  CHECK(idle.at("configured") == true);
  CHECK(idle.at("calls") == 0);
  CHECK(idle.at("firstSeenMs").is_null());
  CHECK(idle.at("lastSeenMs").is_null());
  CHECK(idle.at("models").empty());
  CHECK(idle.at("quotaType") == "messages");
}

TEST_CASE("set-usage and reset refuse unlimited providers instead of ignoring the reading",
          "[commands]") {
  auto options =
      router::config::Parse(nlohmann::json::parse(R"({"providers": {"bare": {}, "local": {
      "quotaSource": "unlimited", "windows": [{"name": "d", "limit": 10, "schedule": {"type": "daily"}}]}}})"));
  REQUIRE(options.ok());
  auto ledger = router::ledger::Ledger::Open({":memory:", 5000});
  REQUIRE(ledger.ok());
  router::FakeClock clock(1'790'000'000'000);
  const router::route::Router router = router::testing::RouterFor(options.value());
  const router::commands::Context ctx{options.value(), *ledger.value(), clock, router};
  auto set = router::commands::SetUsage(ctx, "local", "5", "");
  REQUIRE_FALSE(set.ok());
  CHECK(set.status().message().find("quotaSource unlimited") != std::string::npos);
  CHECK_FALSE(router::commands::Reset(ctx, "local", "").ok());
  auto bare = router::commands::SetUsage(ctx, "bare", "5", "");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().message() ==
        "provider \"bare\" has no quota windows; add providers.bare.windows (or a budget) to the "
        "plugin config");
  CHECK(ledger.value()->Events("", "", 0).value().empty());
}

TEST_CASE("ParseUsageValue follows one strict grammar (issue 17)", "[commands]") {
  CHECK(ParseValue("1,234.5k", QuotaUnit::kTokens, 0) == 1'234'500);
  CHECK(ParseValue(" 12,345 ", QuotaUnit::kTokens, 0) == 12'345);
  CHECK(ParseValue("$1,500.25", QuotaUnit::kBudget, 0) == 1'500'250'000);
  CHECK(ParseValue("9007199254740991", QuotaUnit::kTokens, 0) == 9'007'199'254'740'991);

  const std::string comma =
      "commas only separate thousands (1,234,567) and the decimal mark is '.'; use 79%, 1.2M, "
      "500k, 1234567 or $3.50";
  CHECK(ParseError("$1,50", QuotaUnit::kBudget, 0) == "usage value \"$1,50\": " + comma);
  CHECK(ParseError("1,5M", QuotaUnit::kTokens, 0) == "usage value \"1,5M\": " + comma);
  for (const char* text : {"1234,567", ",123", "1,23,456", "1,2345", "1.5,5", "12,34%"}) {
    INFO(text);
    CHECK(ParseError(text, QuotaUnit::kTokens, 1000).find(comma) != std::string::npos);
  }
  CHECK(ParseError("$5%", QuotaUnit::kTokens, 1000) ==
        "usage value \"$5%\": give a percentage (79%) or USD ($3.50), not both");
  const std::string not_number = "not a non-negative number; use 79%, 1.2M, 500k or $3.50";
  for (const char* text : {"0x10", "1e6", "+5", "5 k", "5kk", "5%%", ".5", "5.", "1.2.3", "nan",
                           "inf", "$1k", "5M tokens", "1_000", "\xff"}) {
    INFO(text);
    CHECK(ParseError(text, QuotaUnit::kTokens, 1000).find(not_number) != std::string::npos);
  }
  CHECK(ParseError("9007199254740992", QuotaUnit::kTokens, 0) ==
        "usage value \"9007199254740992\": more than 2^53 - 1 (9007199254740991)");
  CHECK(ParseError("99999999999B", QuotaUnit::kTokens, 0).find("more than 2^53") !=
        std::string::npos);
  CHECK_FALSE(commands::ParseUsageValue(std::string(400, '9'), QuotaUnit::kBudget, 0).ok());
  CHECK(ParseError("1000%", QuotaUnit::kTokens, 9'007'199'254'740'991).find("more than 2^53") !=
        std::string::npos);
}

TEST_CASE("mode with invalid UTF-8 is an error value, not an exception (issue 17)", "[commands]") {
  const PluginOptions options = ParseOptions(kConfig);
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  const route::Router router = testing::RouterFor(options);
  const commands::Context ctx{options, *ledger, clock, router};
  const std::string bad = "x\xff";
  CHECK(Error(commands::Mode(ctx, bad)) == "mode \"" + bad + "\": use manual, dry-run or auto");
  for (const char* name : {"mode", "status", "set-usage", "route"}) {
    INFO(name);
    const json args = {{"mode", bad}, {"provider", bad}, {"value", "1"}, {"prompt", bad}};
    auto out = commands::Run(ctx, name, args);
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().message().find("is not valid UTF-8") != std::string::npos);
  }
}
