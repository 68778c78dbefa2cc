// The four causes of untrustworthy forecasts named in issue 18, each reproduced as it showed:
// a lump early in the current hour extrapolated as today's pace, a rolling window's reading aged
// one way by the tracker and another by the forecast, quiet days read as "nothing will be used",
// and an exhausted rolling window alerting every hour. All in UTC.

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/commands/dispatch.h"
#include "router/forecast/predictor.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"
#include "router/report/text.h"
#include "testing.h"

namespace router {
namespace {

using forecast::Forecast;
using forecast::HourlySeries;
using nlohmann::json;
using quota::WindowState;

constexpr int64_t kHour = kMsPerHour;
constexpr int64_t kMin = kMsPerMinute;
constexpr int64_t kDay = kMsPerDay;
constexpr int64_t kWed = 1773792000000;  // Wed 2026-03-18 00:00Z

const calendar::Zone& Utc() {
  static const calendar::Zone zone = calendar::Zone::Find("UTC").value();
  return zone;
}

WindowState Calendar(int64_t limit, int64_t used, int64_t start_ms, int64_t end_ms) {
  WindowState w;
  w.provider = "p";
  w.window = "w";
  w.limit = limit;
  w.used = used;
  w.span = {start_ms, end_ms, false};
  return w;
}

TEST_CASE("Trust: a lump early in the hour is not extrapolated as today's pace", "[forecast]") {
  // 20 days of a 60k-token cron job at 02:00-02:10 and 8k/h of office use 09:00-17:00 against a
  // 200k daily limit: never more than 124k a day. At 02:15 the job has just run.
  const int64_t day0 = kWed - 20 * kDay;
  std::vector<double> values;
  for (int64_t t = day0; t <= kWed + 2 * kHour; t += kHour) {
    const int64_t hour = (t % kDay) / kHour;
    values.push_back(hour == 2 ? 60'000 : hour >= 9 && hour < 17 ? 8'000 : 0);
  }
  const int64_t now = kWed + 2 * kHour + 15 * kMin;
  const Forecast f = forecast::Predict(Calendar(200'000, 60'000, kWed, kWed + kDay),
                                       HourlySeries{day0, values}, now, 24 * kHour, Utc());
  INFO("raw p = " << f.raw_probability << ", stated " << f.probability);
  CHECK(f.raw_probability < forecast::kMentionProbability);
  CHECK(f.probability < forecast::kWarnProbability);
  CHECK_FALSE(forecast::Warns(f));
}

TEST_CASE("Trust: after quiet days the weekly pattern still forecasts Monday", "[forecast]") {
  // Three weeks of Monday-Friday use, 5k/h 09:00-17:00; a monthly window at 97% on Monday 08:30
  // after a quiet weekend: 30k left, 40k expected today.
  const int64_t monday = kWed + 5 * kDay;  // Mon 2026-03-23 00:00Z
  const int64_t day0 = monday - 21 * kDay;
  std::vector<double> values;
  for (int64_t t = day0; t <= monday + 8 * kHour; t += kHour) {
    const int64_t hour = (t % kDay) / kHour;
    const int64_t weekday = (t / kDay + 4) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
    const bool working = weekday >= 1 && weekday <= 5 && hour >= 9 && hour < 17;
    values.push_back(working ? 5'000 : 0);
  }
  const int64_t now = monday + 8 * kHour + 30 * kMin;
  const Forecast f =
      forecast::Predict(Calendar(1'000'000, 970'000, monday - 22 * kDay, kWed + 14 * kDay),
                        HourlySeries{day0, values}, now, 24 * kHour, Utc());
  INFO("p = " << f.probability << ", " << f.basis);
  CHECK(f.probability >= forecast::kWarnProbability);
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(*f.exhausts_at_ms > monday + 9 * kHour);
  CHECK(*f.exhausts_at_ms < monday + 17 * kHour);
}

TEST_CASE("Trust: a nightly job's fixed use does not hide a heavy day", "[forecast]") {
  // 20 days of a 60k job at 02:00 every day plus office use 09:00-17:00 whose days vary (8k/h
  // times 0.6-1.4 on weekdays, 0.2 at weekends), against a 150k daily limit. Scaled with the day
  // the job misfits every day and swamps the hour noise. Today is heavy: 14.4k/h by 12:05 makes
  // 103k with 72k still to come, so the window runs out about 15:15, three hours ahead.
  const double factors[] = {0.7, 1.3, 1.0, 0.6, 1.4, 0.9, 1.2};
  const int64_t day0 = kWed - 20 * kDay;
  const int64_t now = kWed + 12 * kHour + 5 * kMin;
  std::vector<double> values;
  for (int64_t t = day0; t < now; t += kHour) {
    const int64_t hour = (t % kDay) / kHour, day = (t - day0) / kDay;
    const int64_t weekday = (t / kDay + 4) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
    const double factor = t >= kWed ? 1.8 : weekday == 0 || weekday == 6 ? 0.2 : factors[day % 7];
    values.push_back(hour == 2                                    ? 60'000
                     : hour >= 9 && hour < 17 && t + kHour <= now ? 8'000 * factor
                                                                  : 0);
  }
  const Forecast f = forecast::Predict(Calendar(150'000, 103'200, kWed, kWed + kDay),
                                       HourlySeries{day0, values}, now, 24 * kHour, Utc());
  INFO("raw p = " << f.raw_probability << ", stated " << f.probability);
  CHECK(forecast::Warns(f));
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(*f.exhausts_at_ms > kWed + 14 * kHour);
  CHECK(*f.exhausts_at_ms < kWed + 17 * kHour);
}

// A ledger and config with one provider "p" whose quota source is manual.
struct Setup : testing::CommandFixture {
  explicit Setup(const std::string& windows)
      : CommandFixture(R"({"timezone": "UTC", "predictionHorizonHours": 24, "providers": {"p": {
               "quotaSource": "manual", "windows": [)" +
                           windows + "]}}}",
                       kWed) {}
  // `per_hour` tokens an hour in six calls, over [from_ms, to_ms).
  void Spend(int64_t from_ms, int64_t to_ms, int64_t per_hour) {
    std::vector<ledger::UsageRecord> calls;
    for (int64_t at = from_ms; at < to_ms; at += 10 * kMin)
      calls.push_back(testing::UserCall(at, "p", per_hour / 6));
    REQUIRE(ledger->AppendBatch(calls).ok());
  }
  WindowState State(int64_t now_ms) {
    auto windows = quota::EvaluateWindows(options, *ledger, now_ms);
    REQUIRE(windows.ok());
    return windows.value().front();
  }
};

TEST_CASE("Trust: tracker and forecast age a rolling window's reading the same way",
          "[forecast][quota]") {
  // Steady 7k/h against 40k per rolling 5 h; a reading says 20k at kWed. Whether the window runs
  // out in the next hours must not depend on who is asked.
  Setup s(R"({"name": "5h", "limit": 40000, "schedule": {"type": "rolling", "hours": 5}})");
  s.Spend(kWed - 3 * kDay, kWed, 7'200);  // 1,200 every 10 min
  auto id = s.ledger->AppendEvent({0, kWed, "set-usage", "p", "5h", R"({"used": 20000})", false});
  REQUIRE(id.ok());
  auto forecasts = forecast::PredictWindows(s.options, *s.ledger, kWed + kMin, 24);
  REQUIRE(forecasts.ok());
  const Forecast f = forecasts.value().front();
  s.Spend(kWed + 10 * kMin, kWed + kDay, 7'200);
  bool tracker_exhausted = false;
  double peak = 0;
  for (int64_t t = kWed + kHour; t <= kWed + 6 * kHour; t += kHour) {
    const WindowState w = s.State(t);
    tracker_exhausted |= w.level == quota::Level::kExhausted;
    peak = std::max(peak, w.fraction());
  }
  INFO("forecast p = " << f.probability << ", tracker's peak " << peak);
  CHECK(tracker_exhausted == (f.probability >= 0.5));
  // The reading ages out as the window slides: 5 h later only the ledger's 30 calls remain.
  CHECK(s.State(kWed + 5 * kHour + kMin).used == 30 * 1'200);
  CHECK(s.State(kWed + 3 * kHour).used < 40'000);
}

TEST_CASE("Trust: an exhausted rolling window alerts once, not every hour", "[forecast][alerts]") {
  // 12k/h against 40k per rolling 5 h: exhausted and staying so.
  Setup s(R"({"name": "5h", "limit": 40000, "schedule": {"type": "rolling", "hours": 5}})");
  s.Spend(kWed - 3 * kDay, kWed + kDay, 12'000);
  int alerts = 0;
  for (int step = 0; step < 4; ++step) {
    s.clock.Set(kWed + step * kHour + 5 * kMin);
    REQUIRE(s.State(s.clock.NowMs()).level == quota::Level::kExhausted);
    const json fresh = s.Ok("check-alerts")["new"];
    INFO("step " << step << ": " << fresh.dump());
    if (step > 0) CHECK(fresh.empty());
    alerts += static_cast<int>(fresh.size());
  }
  CHECK(alerts >= 1);
}

TEST_CASE("ReadingLeft: a rolling window's reading ages out evenly over one length", "[quota]") {
  quota::Basis manual;
  manual.kind = "manual";
  manual.at_ms = kWed;
  manual.reading = 20'000;
  const quota::Span rolling{kWed - 5 * kHour, kWed, true};
  CHECK(quota::ReadingLeft(manual, rolling, kWed) == Approx(20'000));
  CHECK(quota::ReadingLeft(manual, rolling, kWed + 2 * kHour) == Approx(12'000));
  CHECK(quota::ReadingLeft(manual, rolling, kWed + 5 * kHour) == 0);
  CHECK(quota::ReadingLeft(manual, rolling, kWed + 9 * kHour) == 0);
  const quota::Span calendar{kWed - kHour, kWed + kDay, false};
  CHECK(quota::ReadingLeft(manual, calendar, kWed + 9 * kHour) == Approx(20'000));
  CHECK(quota::ReadingLeft(quota::Basis{}, rolling, kWed) == 0);  // the ledger alone
}

TEST_CASE("CalibrateWith maps raw chances through the points; bad documents are refused",
          "[forecast]") {
  const std::vector<std::pair<double, double>> points = {{0.1, 0.05}, {0.5, 0.3}, {0.9, 0.8}};
  CHECK(forecast::CalibrateWith(points, 0.0) == Approx(0.05));
  CHECK(forecast::CalibrateWith(points, 0.3) == Approx(0.175));
  CHECK(forecast::CalibrateWith(points, 1.0) == Approx(0.8));
  CHECK(forecast::CalibrateWith({}, 0.42) == Approx(0.42));
  auto parsed = forecast::ParseCalibration(R"({"points": [[0.1, 0.05], [0.5, 0.3]]})");
  REQUIRE(parsed.ok());
  CHECK(parsed.value().size() == 2);
  CHECK_FALSE(forecast::ParseCalibration(R"({"points": [[0.5, 0.3], [0.1, 0.05]]})").ok());
  CHECK_FALSE(forecast::ParseCalibration(R"({"points": [[0.1, 0.5], [0.5, 0.3]]})").ok());
  CHECK_FALSE(forecast::ParseCalibration(R"({"points": [[0.1]]})").ok());
  CHECK_FALSE(forecast::ParseCalibration("[]").ok());
}

TEST_CASE("The shipped calibration parses and never lowers a higher raw chance", "[forecast]") {
  std::ifstream file(std::string(ROUTER_SOURCE_DIR) + "/data/forecast_calibration.json");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto parsed = forecast::ParseCalibration(text);
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  double last = 0;
  for (double raw = 0; raw <= 1; raw += 0.01) {
    CHECK(forecast::Calibrate(raw) >= last);
    CHECK(forecast::Calibrate(raw) == Approx(forecast::CalibrateWith(parsed.value(), raw)));
    last = forecast::Calibrate(raw);
  }
}

TEST_CASE("Trust: in the first days a forecast says low confidence instead of warning",
          "[forecast]") {
  // 40 h of 5k/h against 100k with 90k used: it will run out, but two days are not enough.
  std::vector<double> values(40, 5'000);
  const HourlySeries series{kWed - 40 * kHour, values};
  const Forecast f = forecast::Predict(Calendar(100'000, 90'000, kWed - kHour, kWed + kDay), series,
                                       kWed, 24 * kHour, Utc());
  CHECK(f.history_days < forecast::kWarnFromDays);
  CHECK(forecast::LowConfidence(f));
  CHECK(f.exhausts_at_ms.has_value());
  CHECK_FALSE(forecast::Warns(f));
}

TEST_CASE("Trust: predict says in one line what its chance means and how sure it is",
          "[forecast][predict]") {
  Setup s(R"({"name": "daily", "limit": 200000, "schedule": {"type": "daily", "hour": 0}})");
  s.Spend(kWed - 10 * kDay, kWed, 1'000);
  const json p = s.Ok("predict");
  const std::string text = report::Render(p, "UTC");
  INFO(text);
  const double percent = std::round(p["forecasts"][0]["probability"].get<double>() * 100);
  CHECK(text.find(fmt::format("p daily: {:.0f}% means about {:.0f} in 100 forecasts like this one "
                              "ran out in testing; 10 days of history, ",
                              percent, percent)) != std::string::npos);
  CHECK(p["forecasts"][0]["lowConfidence"] == false);
  CHECK(p["forecasts"][0]["historyDays"].get<double>() == Approx(10).margin(0.1));

  Setup young(R"({"name": "daily", "limit": 200000, "schedule": {"type": "daily", "hour": 0}})");
  young.Spend(kWed - 20 * kHour, kWed, 1'000);
  const std::string early = report::Render(young.Ok("predict"), "UTC");
  INFO(early);
  CHECK(early.find("p daily: low confidence, only under a day of history: no alert until 3 days of "
                   "use are known") != std::string::npos);
}

}  // namespace
}  // namespace router
