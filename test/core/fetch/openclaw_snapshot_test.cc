// OpenClaw's own usage snapshots (`usage.status`) read into provider readings.

#include "router/fetch/openclaw_snapshot.h"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "testing_fetch.h"

using nlohmann::json;
using router::Status;
using router::fetch::ParseUsageStatus;
using router::testing::UsageFixture;

TEST_CASE("usage.status snapshots become readings per OpenClaw provider id", "[fetch]") {
  auto parsed = ParseUsageStatus(json::parse(UsageFixture("openclaw_usage_status.json")));
  REQUIRE(parsed.ok());
  const auto& outcomes = parsed.value();
  REQUIRE(outcomes.size() == 4);

  const auto& claude = outcomes.at("anthropic");
  REQUIRE(claude.status.ok());
  CHECK(claude.source == "openclaw");
  CHECK(claude.reading.plan == "Max (5x)");
  REQUIRE(claude.reading.windows.size() == 3);
  CHECK(claude.reading.windows[0].label == "5h");
  CHECK(claude.reading.windows[0].used_percent == 42);
  CHECK(claude.reading.windows[0].reset_at_ms == 1773864000000);
  CHECK(claude.reading.windows[1].used_percent == Approx(17.5));  // given as a string
  CHECK(claude.reading.windows[2].reset_at_ms == 0);
  REQUIRE(claude.reading.money.size() == 1);
  CHECK(claude.reading.money[0].kind == "budget");
  CHECK(claude.reading.money[0].amount == Approx(2.5));
  CHECK(claude.reading.money[0].limit == 50);

  const auto& openrouter = outcomes.at("openrouter");
  REQUIRE(openrouter.status.ok());
  REQUIRE(openrouter.reading.money.size() == 2);
  CHECK(openrouter.reading.money[0].amount == Approx(12.75));
  CHECK(openrouter.reading.money[1].period == "day");

  const auto& minimax = outcomes.at("minimax");
  CHECK(minimax.status.code() == Status::Code::kUnavailable);
  CHECK(minimax.status.message().find("HTTP 401") != std::string::npos);

  // xAI: a window with a null usedPercent is left out; the credit balance stays in credits.
  const auto& xai = outcomes.at("xai");
  REQUIRE(xai.status.ok());
  CHECK(xai.reading.windows.empty());
  REQUIRE(xai.reading.money.size() == 1);
  CHECK(xai.reading.money[0].unit == "credits");
}

TEST_CASE("usage.status: odd shapes are reading errors, not crashes", "[fetch]") {
  CHECK(ParseUsageStatus(json()).status().code() == Status::Code::kInvalidArgument);
  CHECK(ParseUsageStatus(json::parse(R"({"providers": {}})")).status().code() ==
        Status::Code::kInvalidArgument);
  auto parsed = ParseUsageStatus(json::parse(R"({"providers": [
      null, 3, {"displayName": "no id"},
      {"provider": "a", "windows": [{"label": "5h"}, {"usedPercent": 5}, "x"],
       "billing": [{"type": "balance", "amount": 3}, {"type": "gift", "amount": 1, "unit": "USD"},
                   {"type": "budget", "used": 1, "unit": "USD"}]},
      {"provider": "b", "windows": [{"label": "5h", "usedPercent": 250, "resetAt": 1773864000}]}
    ]})"));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK(parsed->at("a").status.code() == Status::Code::kCorruption);
  const auto& b = parsed->at("b");
  REQUIRE(b.status.ok());
  CHECK(b.reading.windows.at(0).used_percent == 100);           // clamped
  CHECK(b.reading.windows.at(0).reset_at_ms == 1773864000000);  // seconds taken as seconds
}
