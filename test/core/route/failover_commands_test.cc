// Failover through the dispatcher on a fake clock: record-failure stores cooldowns the next
// route skips, a success ends them, a fallback attempt is logged with its number and status lists
// cooldowns and fallbacks; the shadow decision is logged beside the real one and `report`
// compares them.
#include <string>

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

constexpr int64_t kNow = 1'790'000'000'000;
constexpr const char* kCoding =
    "Write a Python function that parses a CSV file into a list of dicts, with type hints and "
    "pytest unit tests.";

std::string Config(const std::string& extra) {
  return R"({
    "timezone": "UTC",
    "providers": {"cloud": {"models": ["strong", "mid"]}, "other": {"models": ["alt"]}},
    "priceOverrides": {"cloud/strong": {"input": 10, "output": 50},
                       "cloud/mid": {"input": 1, "output": 4},
                       "other/alt": {"input": 12, "output": 60}},
    "capabilities": {
      "cloud/strong": {"coding": 0.95, "reasoning": 0.95, "creative": 0.9, "instruction": 0.95,
                       "context": 0.9, "speed": 0.4, "contextWindow": 200000, "tools": true},
      "other/alt": {"coding": 0.9, "reasoning": 0.9, "creative": 0.9, "instruction": 0.9,
                    "context": 0.9, "speed": 0.4, "contextWindow": 200000, "tools": true},
      "cloud/mid": {"coding": 0.5, "reasoning": 0.6, "creative": 0.5, "instruction": 0.7,
                    "context": 0.5, "speed": 0.7, "contextWindow": 64000, "tools": true}},
    "routing": {"failover": {"cooldownBaseSeconds": 30, "cooldownMaxSeconds": 600})" +
         extra + "}}";
}

struct Fixture : testing::CommandFixture {
  explicit Fixture(const std::string& extra = "") : CommandFixture(Config(extra), kNow) {}

  std::string Choice(const json& args = {{"prompt", kCoding}}) {
    const json d = Ok("route", args);
    return d["choice"].is_null() ? "none" : d["choice"]["ref"].get<std::string>();
  }
};

TEST_CASE("a 429 with Retry-After cools the model down for that long, then it is back",
          "[commands][failover]") {
  Fixture f;
  CHECK(f.Choice() == "cloud/strong");
  const json failure =
      f.Ok("record-failure", {{"ref", "cloud/strong"},
                              {"status", 429},
                              {"message", "429 slow down; Retry-After: 45 seconds"}});
  CHECK(failure["schema"] == "router.failure/1");
  CHECK(failure["kind"] == "rate-limited");
  CHECK(failure["action"]["fallOver"] == true);
  CHECK(failure["cooldown"]["untilMs"] == kNow + 45'000);
  CHECK(f.Choice() == "other/alt");

  const json status = f.Ok("status", json::object());
  REQUIRE(status["routing"]["cooldowns"].size() == 1);
  CHECK(status["routing"]["cooldowns"][0]["model"] == "strong");
  CHECK(status["routing"]["cooldowns"][0]["kind"] == "rate-limited");
  CHECK(report::Render(status, "UTC").find("cloud/strong") != std::string::npos);

  f.clock.Advance(45'001);
  CHECK(f.Choice() == "cloud/strong");
  CHECK(f.Ok("status", json::object())["routing"]["cooldowns"].empty());
}

TEST_CASE("failures in a row double the cooldown; a success ends it", "[commands][failover]") {
  Fixture f;
  const json args = {{"ref", "cloud/strong"}, {"message", "500 boom"}};
  CHECK(f.Ok("record-failure", args)["cooldown"]["untilMs"] == kNow + 30'000);
  f.clock.Advance(31'000);
  const json second = f.Ok("record-failure", args);
  CHECK(second["cooldown"]["streak"] == 2);
  CHECK(second["cooldown"]["untilMs"] == kNow + 31'000 + 60'000);
  CHECK(f.Choice() == "other/alt");
  ledger::UsageRecord ok = testing::UserCall(kNow + 32'000, "cloud", 100);
  ok.model = "strong";
  REQUIRE(f.ledger->Append(ok).ok());
  CHECK(f.Choice() == "cloud/strong");
  f.clock.Advance(2'000);
  CHECK(f.Ok("record-failure", args)["cooldown"]["streak"] == 1);  // the success reset the streak
}

TEST_CASE("a bad request leaves no cooldown; bad arguments name the field",
          "[commands][failover]") {
  Fixture f;
  CHECK(f.Ok("record-failure", {{"ref", "cloud/strong"}, {"status", 400}})["cooldown"].is_null());
  auto bad = commands::Run({f.options, *f.ledger, f.clock, f.router}, "record-failure",
                           {{"ref", "strong"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "record-failure.ref must be \"provider/model\", got \"strong\"");
  bad = commands::Run({f.options, *f.ledger, f.clock, f.router}, "route",
                      {{"prompt", "x"}, {"failed", {{{"ref", "a/b"}, {"status", "500"}}}}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("failed[0]") != std::string::npos);
}

TEST_CASE("a fallback attempt is logged with its number; status lists it", "[commands][failover]") {
  Fixture f;
  f.Ok("route", {{"prompt", kCoding}, {"runId", "run-1"}, {"log", true}});
  const json fallback = f.Ok("route", {{"prompt", kCoding},
                                       {"runId", "run-1"},
                                       {"model", "router/fallback-1"},
                                       {"failed", {{{"ref", "cloud/strong"}, {"status", 500}}}},
                                       {"log", true}});
  CHECK(fallback["attempt"] == 2);
  CHECK(fallback["choice"]["ref"] == "other/alt");
  const json status = f.Ok("status", json::object());
  REQUIRE(status["routing"]["fallbacks"].size() == 1);
  CHECK(status["routing"]["fallbacks"][0]["answered"] == "other/alt");
  CHECK(status["routing"]["fallbacks"][0]["runId"] == "run-1");
  CHECK(f.ledger->Decisions(0, 10).value().size() == 2);
}

TEST_CASE("the shadow decision is logged beside the real one and report compares them",
          "[commands][shadow]") {
  Fixture f(R"(, "shadow": {"qualityThresholds": {"coding": 0.4}})");
  const json real = f.Ok("route", {{"prompt", kCoding}, {"runId", "r1"}, {"log", true}});
  CHECK(real["choice"]["ref"] == "cloud/strong");
  CHECK(real["shadow"]["choice"] == "cloud/mid");
  CHECK(real["shadow"]["differs"] == true);
  f.Ok("route", {{"prompt", "hi! how are you today?"}, {"runId", "r2"}, {"log", true}});

  const json report = f.Ok("report", json::object());
  CHECK(report["schema"] == "router.shadow-report/1");
  CHECK(report["decisions"] == 2);
  CHECK(report["differs"] >= 1);
  CHECK(report["realCostMicros"] > report["shadowCostMicros"]);
  bool coding = false;
  for (const json& c : report["classes"])
    coding = coding || (c["class"] == "coding" && c["differs"] == 1);
  CHECK(coding);
  CHECK(report::Render(report, "UTC").find("Shadow policy:") != std::string::npos);

  Fixture none;
  none.Ok("route", {{"prompt", kCoding}, {"runId", "r1"}, {"log", true}});
  CHECK(none.Ok("report", json::object())["decisions"] == 0);
}

}  // namespace
}  // namespace router::commands
