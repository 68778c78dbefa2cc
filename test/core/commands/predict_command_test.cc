// `predict` through the dispatcher, the status field it feeds and the forecast alert it logs once.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/forecast/predictor.h"
#include "router/report/text.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1'790'000'000'000 / kHour * kHour + 30 * 60'000;  // half past an hour

struct Fixture : testing::CommandFixture {
  explicit Fixture(const std::string& config) : CommandFixture(config, kNow) {}
  // `tokens` per call, one call every `every_ms` over the `span_ms` before now.
  void Spend(int64_t tokens, int64_t every_ms, int64_t span_ms) {
    std::vector<ledger::UsageRecord> calls;
    for (int64_t at = kNow - span_ms; at < kNow; at += every_ms)
      calls.push_back(testing::UserCall(at, "p", tokens));
    REQUIRE(ledger->AppendBatch(calls).ok());
  }
};

constexpr const char* kDaily =
    R"({"timezone": "UTC", "predictionHorizonHours": 24, "providers": {"p": {
    "windows": [{"name": "daily", "limit": 100000, "schedule": {"type": "daily", "hour": 0}}]}}})";

TEST_CASE("predict lists every limited window with its estimate", "[commands][predict]") {
  Fixture f(kDaily);
  f.Spend(1'000, 10 * 60'000, 3 * kHour);  // 18 calls, 18,000 tokens in 3 h: 6,000/h, 82,000 left
  const json p = f.Ok("predict");
  CHECK(p["schema"] == "router.predict/1");
  CHECK(p["generatedAtMs"] == kNow);
  CHECK(p["horizonHours"] == 24);
  REQUIRE(p["forecasts"].size() == 1);
  const json& daily = p["forecasts"][0];
  CHECK(daily["provider"] == "p");
  CHECK(daily["window"] == "daily");
  CHECK(daily["unit"] == "tokens");
  CHECK(daily["used"] == 18'000);
  CHECK(daily["remaining"] == 82'000);
  CHECK(daily["method"] == "simple");  // hours of history only
  CHECK(daily["confidence"].get<double>() <= 0.3);
  CHECK(daily["ratePerHour"].get<double>() > 0);
  CHECK(daily["resetsAtMs"].is_number());
  const std::string text = report::Render(p, "UTC");
  CHECK(text.find("quota forecasts at") != std::string::npos);
  CHECK(text.find("18,000 / 100,000 tokens") != std::string::npos);
  CHECK(report::SummarizePredict(p).find("p daily: ") == 0);

  CHECK(f.Ok("predict", {{"hours", 2}})["horizonHours"] == 2);
  CHECK(f.Ok("predict", {{"provider", "p"}})["forecasts"].size() == 1);
}

TEST_CASE("a forecast inside the horizon shows in status and is logged once",
          "[commands][predict]") {
  Fixture f(kDaily);
  // Four days of 6,000/h (1,000 every 10 min): 87,000 of 100,000 used by 14:30, gone by ~17:00.
  f.Spend(1'000, 10 * 60'000, 4 * 24 * kHour);
  f.options.providers[0].windows[0].limit = 100'000;
  const json p = f.Ok("predict");
  REQUIRE(p["nearest"].is_object());
  CHECK(p["nearest"]["window"] == "daily");
  CHECK(p["nearest"]["exhaustsAtMs"].get<int64_t>() > kNow + kHour);
  CHECK(p["nearest"]["exhaustsAtMs"].get<int64_t>() < kNow + 4 * kHour);
  CHECK(p["nearest"]["lowConfidence"] == false);
  CHECK(p["nearest"]["probability"].get<double>() >= forecast::kWarnProbability);
  CHECK(p["nearest"]["warns"] == true);

  const json first = f.Ok("check-alerts");
  bool warned = false;
  for (const json& m : first["new"])
    warned |= m.get<std::string>().find("p daily: forecast to run out at") == 0;
  CHECK(warned);
  CHECK(first["new"].dump().find("% likely") != std::string::npos);
  const json second = f.Ok("check-alerts");
  for (const json& m : second["new"]) {
    CHECK(m.get<std::string>().find("forecast") == std::string::npos);  // once per window period
  }
  const json status = f.Ok("status");
  CHECK(status["forecast"]["window"] == "daily");
  CHECK(report::RenderStatus(status).find("forecast: p daily: runs out") != std::string::npos);
}

TEST_CASE("in the first days a sure-looking forecast says low confidence and does not alert",
          "[commands][predict]") {
  Fixture f(kDaily);
  f.Spend(12'000, 10 * 60'000, 2 * kHour);            // 12 calls, 144,000 tokens in 2 h: ~72,000/h
  f.options.providers[0].windows[0].limit = 200'000;  // 56,000 left: gone in under an hour
  const json p = f.Ok("predict");
  const json& daily = p["forecasts"][0];
  CHECK(daily["lowConfidence"] == true);
  CHECK(daily["warns"] == false);
  CHECK(p["nearest"].is_null());
  CHECK(report::Render(p, "UTC").find("p daily: low confidence, only under a day of history") !=
        std::string::npos);
  const json alerts = f.Ok("check-alerts");  // kept: a range-for over a temporary's member dangles
  for (const json& m : alerts.at("new"))
    CHECK(m.get<std::string>().find("forecast") == std::string::npos);
}

TEST_CASE("a forecast that only might run out is shown but does not warn", "[commands][predict]") {
  Fixture f(kDaily);
  // 18,000 tokens since 11:30 UTC, now 14:30: about 5,100/h from the first hour with use, so about
  // 67,000 by midnight against 64,000. Three hours say little about the rest of the day, so that
  // is close to a coin flip.
  f.Spend(1'000, 10 * 60'000, 3 * kHour);
  f.options.providers[0].windows[0].limit = 64'000;
  const json p = f.Ok("predict");
  const json& daily = p["forecasts"][0];
  REQUIRE(daily["exhaustsAtMs"].is_number());
  CHECK(daily["exhaustsAtMs"].get<int64_t>() < daily["resetsAtMs"].get<int64_t>());
  CHECK(daily["probability"].get<double>() > 0.3);
  CHECK(daily["probability"].get<double>() < forecast::kWarnProbability);
  CHECK(daily["warns"] == false);
  CHECK(p["nearest"].is_null());
  CHECK(report::SummarizePredict(p).find("p daily: may run out") == 0);
  CHECK(report::Render(p, "UTC").find("No window is likely to run out") != std::string::npos);
  const json alerts = f.Ok("check-alerts");
  for (const json& m : alerts["new"])
    CHECK(m.get<std::string>().find("forecast") == std::string::npos);
  CHECK(f.Ok("status")["forecast"].is_null());
}

TEST_CASE("predict with nothing to forecast, and bad arguments", "[commands][predict]") {
  Fixture none(R"({"timezone": "UTC"})");
  const json empty = none.Ok("predict");
  CHECK(empty["forecasts"].empty());
  CHECK(empty["nearest"].is_null());
  CHECK(report::Render(empty, "UTC").find("No limited quota windows") != std::string::npos);
  CHECK(none.Ok("status")["forecast"].is_null());

  Fixture f(kDaily);
  CHECK(f.Ok("predict")["forecasts"][0]["method"] == "none");  // no usage yet
  auto bad_hours = f.Run("predict", {{"hours", 0}});
  REQUIRE_FALSE(bad_hours.ok());
  CHECK(bad_hours.status().message().find("argument hours must be a whole number from 1 to 720") ==
        0);
  auto unknown = f.Run("predict", {{"provider", "nope"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("unknown provider \"nope\"") == 0);
}

}  // namespace
}  // namespace router::commands
