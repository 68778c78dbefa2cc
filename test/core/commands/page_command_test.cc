// `page` through the dispatcher: the Router page's one-call document and the chart data it adds.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1'790'000'000'000 / kHour * kHour + 15 * 60'000;

struct Page {
  explicit Page(const std::string& config)
      : options(testing::ParseOptions(config)),
        router(testing::RouterFor(options)),
        ledger(testing::MemoryLedger()),
        clock(kNow) {}
  json Ok(const std::string& name, const json& args = json::object()) {
    auto result = commands::Run({options, *ledger, clock, router}, name, args);
    INFO(result.status().message());
    REQUIRE(result.ok());
    return result.value();
  }

  config::PluginOptions options;
  route::Router router;
  std::unique_ptr<ledger::Ledger> ledger;
  FakeClock clock;
};

constexpr const char* kTwoWindows =
    R"({"timezone": "UTC", "predictionHorizonHours": 12, "providers": {"p": {
    "windows": [{"name": "day", "limit": 90000, "schedule": {"type": "daily"}},
                {"name": "5h", "limit": 40000, "schedule": {"type": "rolling", "hours": 5}},
                {"name": "open", "schedule": {"type": "daily"}}]}}})";

TEST_CASE("page holds status, predict and decisions as their own commands give them",
          "[commands][page]") {
  Page f(kTwoWindows);
  std::vector<ledger::UsageRecord> calls;
  for (int64_t at = kNow - 4 * kHour; at < kNow; at += 15 * 60'000)
    calls.push_back(testing::UserCall(at, "p", 1'500));
  REQUIRE(f.ledger->AppendBatch(calls).ok());

  const json page = f.Ok("page", {{"decisions", 5}});
  CHECK(page["schema"] == "router.page/1");
  CHECK(page["status"] == f.Ok("status"));
  CHECK(page["predict"] == f.Ok("predict"));
  CHECK(page["decisions"] == f.Ok("decisions", {{"limit", 5}}));
}

TEST_CASE("page charts each limited window with the forecast's pace and band", "[commands][page]") {
  Page f(kTwoWindows);
  std::vector<ledger::UsageRecord> calls;
  for (int64_t at = kNow - 4 * kHour; at < kNow; at += 15 * 60'000)
    calls.push_back(testing::UserCall(at, "p", 1'500));
  REQUIRE(f.ledger->AppendBatch(calls).ok());

  const json page = f.Ok("page");
  const json& charts = page["charts"];
  REQUIRE(charts.size() == 2);  // "open" has no limit: nothing to run out of
  for (const json& c : charts) {
    INFO(c.dump());
    CHECK(c["nowMs"] == kNow);
    CHECK(c["startMs"].get<int64_t>() < kNow);
    const json* forecast = nullptr;
    for (const json& fc : page["predict"]["forecasts"])
      if (fc["window"] == c["window"]) forecast = &fc;
    REQUIRE(forecast != nullptr);
    if (c["window"] == "day") {
      CHECK(c["endMs"] == (*forecast)["resetsAtMs"]);
    } else {
      CHECK(c["endMs"] == kNow + 12 * kHour);  // rolling: the forecast horizon
    }
    const json& p = c["projection"];
    REQUIRE(p.is_object());
    const double hours = static_cast<double>(c["endMs"].get<int64_t>() - kNow) / kHour;
    const double growth = (*forecast)["ratePerHour"].get<double>() * hours;
    CHECK(growth > 0);
    CHECK(p["expected"].get<double>() == Approx(c["used"].get<double>() + growth).margin(1));
    const double spread = growth * (1 - (*forecast)["confidence"].get<double>());
    CHECK(p["high"].get<double>() - p["expected"].get<double>() == Approx(spread).margin(1));
    CHECK(p["expected"].get<double>() - p["low"].get<double>() == Approx(spread).margin(1));
    CHECK(p["exhaustsAtMs"] == (*forecast)["exhaustsAtMs"]);
  }
}

TEST_CASE("page refuses a decisions count outside its bound", "[commands][page]") {
  Page f(kTwoWindows);
  auto refused =
      commands::Run({f.options, *f.ledger, f.clock, f.router}, "page", {{"decisions", 500}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("decisions") != std::string::npos);
}

}  // namespace
}  // namespace router::commands
