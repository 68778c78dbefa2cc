// The commands write their results and report/ reads them through the keys in
// router/commands/keys.h. This renders real results of every command, with every optional part
// present (quotas of both kinds, budget, alerts, forecast, routing savings, readings, a mode
// change), so a key renamed on one side only makes Render throw or lose a figure checked here.
// kNow is 2026-09-21 14:30 UTC.

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/report/text.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1'790'000'000'000 / kHour * kHour + 30 * 60'000;

// cloud: a rolling 5 h window and a daily one (tokens), routed between strong and cheap; box is
// local. The daily budget is 5 USD.
constexpr const char* kConfig = R"({
  "timezone": "UTC", "mode": "auto", "dailyBudgetUsd": 5, "predictionHorizonHours": 24,
  "warningThreshold": 0.5, "criticalThreshold": 0.9,
  "providers": {
    "cloud": {"quotaSource": "manual", "quotaType": "tokens", "models": ["strong", "cheap"],
      "windows": [{"name": "5h", "limit": 1000000, "schedule": {"type": "rolling", "hours": 5}},
                  {"name": "daily", "limit": 200000, "schedule": {"type": "daily", "hour": 0}}]},
    "box": {"tier": "local", "models": ["small"]}},
  "priceOverrides": {"cloud/strong": {"input": 10, "output": 50},
                     "cloud/cheap": {"input": 0.5, "output": 1}},
  "capabilities": {"cloud/strong": {"instruction": 0.95, "contextWindow": 200000},
                   "cloud/cheap": {"instruction": 0.7, "contextWindow": 32000},
                   "box/small": {"instruction": 0.1, "contextWindow": 8000}}})";

struct Fixture : testing::CommandFixture {
  Fixture() : CommandFixture(kConfig, kNow) {}

  std::string Text(const json& result) {
    INFO(result.dump(2));
    std::string text;
    REQUIRE_NOTHROW(text = report::Render(result, "UTC"));
    return text;
  }
};

// 12 calls of 12,000 tokens on cloud/strong over the last two hours (144,000 of the daily
// 200,000: warned, and forecast to run out within the hour), 0.25 USD each; one local call (so
// every provider has first and last seen times); then one routed turn that ran on cloud/cheap.
void Seed(Fixture& f) {
  std::vector<ledger::UsageRecord> calls;
  for (int64_t at = kNow - 2 * kHour; at < kNow; at += 10 * 60'000) {
    auto call = testing::UserCall(at, "cloud", 12'000, 250'000);
    call.model = "strong";
    calls.push_back(call);
  }
  // The four days before, 20,000 tokens an hour 15:00-23:00 and nothing else: a forecast needs
  // three days of history to warn, and these say this afternoon will bring 160,000 more.
  for (int64_t day = 1; day <= 4; ++day) {
    for (int64_t hour = 15; hour < 23; ++hour) {
      calls.push_back(testing::UserCall(
          kNow - kHour / 2 - 14 * kHour - day * 24 * kHour + hour * kHour, "cloud", 20'000));
      calls.back().model = "strong";
    }
  }
  auto local = testing::UserCall(kNow - 3 * kHour, "box", 10);
  local.model = "small";
  calls.push_back(local);
  REQUIRE(f.ledger->AppendBatch(calls).ok());
  f.Ok("route", {{"prompt", "hi"}, {"model", "router/simple"}, {"runId", "r1"}, {"log", true}});
  auto routed = testing::UserCall(kNow - 1000, "cloud", 1000, 600);
  routed.model = "cheap";
  routed.run_id = "r1";
  routed.output_tokens = 100;
  REQUIRE(f.ledger->Append(routed).ok());
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("status renders every part it reads: quotas, budget, alerts, forecast, routing",
          "[report][keys]") {
  Fixture f;
  Seed(f);
  const json status = f.Ok("status");
  const std::string text = f.Text(status);
  INFO(text);
  CHECK(Has(text, "ledger: :memory: (46 records)\nmode: auto (from config)\n"));
  CHECK(Has(text,
            "daily budget: $3.0006 of $5.0000 spent, $1.9994 left, ok; resets 2026-09-22 00:00\n"));
  CHECK(Has(text, "145,100 / 1,000,000 tokens   14% [###"));  // the rolling window
  CHECK(Has(text, "] ok        rolling 5 h\n"));
  CHECK(Has(text, "145,100 / 200,000 tokens   73% [###"));  // the daily window
  CHECK(Has(text, "] warning   resets 2026-09-22 00:00 (in 9h 30m)\n"));
  CHECK(Has(text, "ALERT 2026-09-21 14:30 cloud daily window warning: 73% used\n"));
  CHECK(Has(text, "\n  strong                               12     0     144,000         0"));
  CHECK(Has(text, "\nTOTAL                                  14     0     145,010       100"));
  CHECK(Has(text,
            "routing: 1 routed calls today cost $0.0006 instead of $0.0150 (saved $0.0144); "
            "this month saved $0.0144\n"));
  CHECK(Has(text, "forecast: cloud daily: runs out 2026-09-21 "));
  CHECK(Has(text, " tokens/h, "));

  std::string summary;
  REQUIRE_NOTHROW(summary = report::SummarizeStatus(status));
  INFO(summary);
  CHECK(Has(summary,
            "Today: 14 model calls (0 failed), 145,110 tokens (145,010 in, 100 out, 0 cache read), "
            "$3.0006 spent. Last 7 days: $3.0006. This month: $3.0006."));
  CHECK(Has(summary, " Largest spender this month: cloud ($3.0006)."));
  CHECK(Has(summary, " cloud daily: 73% of 200,000 tokens used (warning), resets in 9h 30m."));
  CHECK(Has(summary, " Daily budget: $3.0006 of $5.0000 spent (ok)."));
  CHECK(Has(summary, " Alert: cloud daily window warning: 73% used."));
  CHECK(Has(summary, " Forecast: cloud daily: runs out"));
  CHECK(Has(summary, " Routing saved $0.0144 this month over 1 routed calls."));
}

TEST_CASE("providers, predict and route render what they read", "[report][keys]") {
  Fixture f;
  Seed(f);
  const std::string providers = f.Text(f.Ok("providers"));
  CHECK(Has(providers, "2026-09-17 15:00"));  // cloud's first call
  CHECK(Has(providers, "2026-09-21 14:29"));  // and its last
  CHECK(Has(providers, "  strong "));

  const json predict = f.Ok("predict");
  const std::string table = f.Text(predict);
  CHECK(Has(table, "horizon 24 h"));
  CHECK(Has(table, "145,100 / 200,000 tokens"));
  CHECK(Has(table, "nearest: cloud daily: runs out"));
  CHECK(Has(table, "confidence ("));
  std::string sentences;
  REQUIRE_NOTHROW(sentences = report::SummarizePredict(predict));
  CHECK(Has(sentences, "cloud 5h: "));
  CHECK(Has(sentences, "cloud daily: runs out"));

  const std::string route =
      f.Text(f.Ok("route", {{"prompt", "hello there"}, {"model", "router/simple"}}));
  CHECK(Has(route, "-> cloud/cheap"));
  CHECK(Has(route, "box/small (local)"));
}

TEST_CASE("set-usage, reset, mode, undo and check-alerts render what they read", "[report][keys]") {
  Fixture f;
  Seed(f);
  const std::string alerts = f.Text(f.Ok("check-alerts"));
  CHECK(Has(alerts, "cloud daily"));
  CHECK(f.Text(f.Ok("check-alerts")) == "no new alerts\n");

  const std::string set =
      f.Text(f.Ok("set-usage", {{"provider", "cloud"}, {"value", "50%"}, {"window", "daily"}}));
  CHECK(Has(set, "cloud daily: usage set to 50% at 2026-09-21 14:30\n"));
  CHECK(Has(set, "100,000 / 200,000 tokens"));
  CHECK(Has(set, "; manual reading at 2026-09-21 14:30"));

  const std::string reset = f.Text(f.Ok("reset", {{"provider", "cloud"}, {"window", "5h"}}));
  CHECK(Has(reset, "cloud: 5h reset at 2026-09-21 14:30; usage counts from now\n"));
  CHECK(Has(reset, "; reset at 2026-09-21 14:30"));
  const std::string all = f.Text(f.Ok("reset", {{"provider", "cloud"}}));
  CHECK(Has(all, "cloud: all windows reset at"));

  CHECK(f.Text(f.Ok("mode", {{"mode", "manual"}})) ==
        "mode: manual (was auto); `router undo` reverts\n");
  CHECK(f.Text(f.Ok("mode")) == "mode: manual (set with `router mode`)\n");
  CHECK(f.Text(f.Ok("undo")) == "undid mode from 2026-09-21 14:30\n");
  CHECK(f.Text(f.Ok("undo")) == "undid reset cloud from 2026-09-21 14:30\n");
  CHECK(f.Text(f.Ok("mode")) == "mode: auto (from config)\n");
}

}  // namespace
}  // namespace router::commands
