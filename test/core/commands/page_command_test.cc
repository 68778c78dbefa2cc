// `page` through the dispatcher: the Router page's one-call document and the chart data it adds.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1'790'000'000'000 / kHour * kHour + 15 * 60'000;

struct Page : testing::CommandFixture {
  explicit Page(const std::string& config) : CommandFixture(config, kNow) {}
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
    CHECK(p["exhaustsAtMs"] == (*forecast)["exhaustsAtMs"]);
    const double used = c["used"].get<double>();
    const double limit = c["limit"].get<double>();
    const double hours = static_cast<double>(c["endMs"].get<int64_t>() - kNow) / kHour;
    double growth = (*forecast)["ratePerHour"].get<double>() * hours;
    CHECK(growth > 0);
    if (p["exhaustsAtMs"].is_number()) {  // the line meets the limit when the forecast says
      growth = (limit - used) * hours * kHour /
               static_cast<double>(p["exhaustsAtMs"].get<int64_t>() - kNow);
    } else {
      growth = std::min(growth, limit - used);
    }
    CHECK(p["expected"].get<double>() == Approx(used + growth).margin(1));
    const double spread = growth * (1 - (*forecast)["confidence"].get<double>());
    CHECK(p["high"].get<double>() - p["expected"].get<double>() == Approx(spread).margin(1));
    CHECK(p["expected"].get<double>() - p["low"].get<double>() == Approx(spread).margin(1));
  }
}

// Where the drawn line reaches the limit, or nullopt when it stays under it.
std::optional<double> LineMeetsLimitAtMs(const json& chart) {
  const json& p = chart["projection"];
  const double used = chart["used"].get<double>();
  const double limit = chart["limit"].get<double>();
  const double expected = p["expected"].get<double>();
  if (expected <= limit || used >= limit) return std::nullopt;
  const double now = chart["nowMs"].get<double>();
  return now + (chart["endMs"].get<double>() - now) * (limit - used) / (expected - used);
}

// The first days of use: every forecast is low confidence and warns of nothing, so status has no
// nearest exhaustion; the page must still not head "none" over a chart that meets its limit.
TEST_CASE("page's nearest exhaustion agrees with its charts on a low-confidence day",
          "[commands][page]") {
  Page f(kTwoWindows);
  std::vector<ledger::UsageRecord> calls;
  for (int64_t at = kNow - 3 * kHour; at < kNow; at += 10 * 60'000)
    calls.push_back(testing::UserCall(at, "p", 2'000));  // 12,000 an hour
  REQUIRE(f.ledger->AppendBatch(calls).ok());

  const json page = f.Ok("page");
  INFO(page["charts"].dump());
  CHECK(page["status"]["forecast"].is_null());  // nothing warns in the first days
  std::optional<int64_t> earliest;
  for (const json& c : page["charts"]) {
    INFO(c.dump());
    const json& at = c["projection"]["exhaustsAtMs"];
    const std::optional<double> meets = LineMeetsLimitAtMs(c);
    REQUIRE(meets.has_value() == at.is_number());  // the line crosses iff the forecast does
    if (!meets) continue;
    CHECK(*meets == Approx(at.get<double>()).margin(60'000));
    if (!earliest || at.get<int64_t>() < *earliest) earliest = at.get<int64_t>();
  }
  REQUIRE(earliest.has_value());  // the scenario runs out within the charts
  const json& nearest = page["nearest"];
  REQUIRE(nearest.is_object());
  CHECK(nearest["forecast"]["exhaustsAtMs"] == *earliest);
  CHECK(nearest["state"] == "lowConfidence");
  CHECK(nearest["forecast"]["lowConfidence"] == true);
}

TEST_CASE("page has no nearest exhaustion when no forecast runs out", "[commands][page]") {
  Page f(kTwoWindows);
  REQUIRE(f.ledger->AppendBatch({testing::UserCall(kNow - kHour, "p", 100)}).ok());
  const json page = f.Ok("page");
  CHECK(page["nearest"].is_null());
  for (const json& c : page["charts"]) CHECK_FALSE(LineMeetsLimitAtMs(c).has_value());
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
