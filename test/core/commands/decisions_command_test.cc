// `decisions` through the dispatcher: the newest logged routing decisions, bounded, with their
// estimated saving, and nothing of the prompt.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'790'000'000'000;

// Two priced cloud models: routed simple turns go to the small one, measured against the pinned
// baseline, the big one.
constexpr const char* kConfig = R"({
          "timezone": "UTC",
          "providers": {"cloud": {"models": ["big", "small"]}},
          "routing": {"baselineModel": "cloud/big"},
          "priceOverrides": {"cloud/big": {"input": 12, "output": 60},
                             "cloud/small": {"input": 0.4, "output": 2}},
          "capabilities": {
            "cloud/big": {"coding": 0.9, "reasoning": 0.9, "creative": 0.9, "instruction": 0.9,
                          "context": 0.9, "speed": 0.3, "contextWindow": 100000},
            "cloud/small": {"coding": 0.4, "reasoning": 0.5, "creative": 0.5, "instruction": 0.8,
                            "context": 0.4, "speed": 0.9, "contextWindow": 100000}}})";

struct Decided : testing::CommandFixture {
  Decided() : CommandFixture(kConfig, kNow) {}
};

TEST_CASE("decisions lists the newest logged decisions with their saving",
          "[commands][decisions]") {
  Decided f;
  const std::string secret_prompt = "hello, my passphrase is tangerine-42";
  for (int i = 0; i < 3; ++i) {
    f.clock.Set(kNow + i * 1000);
    REQUIRE(f.Run("route", {{"prompt", secret_prompt},
                            {"model", "router/simple"},
                            {"runId", "run-" + std::to_string(i)},
                            {"session", "agent:main:secret-session"},
                            {"log", true}})
                .ok());
  }
  auto result = f.Run("decisions", {{"limit", 2}});
  REQUIRE(result.ok());
  const json& doc = result.value();
  CHECK(doc["schema"] == "router.decisions/1");
  CHECK(doc["limit"] == 2);
  REQUIRE(doc["decisions"].size() == 2);
  const json& newest = doc["decisions"][0];
  CHECK(newest["atMs"] == kNow + 2000);
  CHECK(doc["decisions"][1]["atMs"] == kNow + 1000);
  CHECK(newest["requested"] == "router/simple");
  CHECK(newest["provider"] == "cloud");
  CHECK(newest["model"] == "small");
  CHECK(newest["applied"] == true);
  CHECK(newest["baselineModel"] == "big");
  REQUIRE(newest["costMicros"].is_number_integer());
  REQUIRE(newest["baselineMicros"].is_number_integer());
  CHECK(newest["baselineMicros"].get<int64_t>() > newest["costMicros"].get<int64_t>());
  CHECK(newest["savedMicros"].get<int64_t>() ==
        newest["baselineMicros"].get<int64_t>() - newest["costMicros"].get<int64_t>());
  const std::string text = doc.dump();
  CHECK(text.find("tangerine") == std::string::npos);
  CHECK(text.find("secret-session") == std::string::npos);
  CHECK(text.find("run-2") == std::string::npos);
}

TEST_CASE("decisions refuses a limit outside its bound", "[commands][decisions]") {
  Decided f;
  auto empty = f.Run("decisions", json::object());
  REQUIRE(empty.ok());
  CHECK(empty.value()["limit"] == 20);
  CHECK(empty.value()["decisions"].empty());
  for (const json& bad : {json(0), json(51), json("5")}) {
    auto refused = f.Run("decisions", {{"limit", bad}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message().find("limit") != std::string::npos);
  }
}

}  // namespace
}  // namespace router::commands
