// Predict is exercised on synthetic hourly series in UTC (so hours of day are easy to read);
// PredictWindows on a MemoryLedger. kNow is Wed 2026-03-18 00:00Z, a whole hour, so the series
// end with the hour before now.

#include "router/forecast/predictor.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"
#include "testing.h"

using router::calendar::Zone;
using router::config::QuotaUnit;
using router::forecast::Forecast;
using router::forecast::HourlySeries;
using router::forecast::Method;
using router::forecast::Predict;
using router::quota::WindowState;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;
using router::testing::UserCall;

namespace {

constexpr int64_t kHour = router::kMsPerHour;
constexpr int64_t kMin = router::kMsPerMinute;
constexpr int64_t kNow = 1773792000000;  // Wed 2026-03-18 00:00Z
constexpr int64_t kFar = kNow + 30 * router::kMsPerDay;

const Zone& Utc() {
  static const Zone zone = Zone::Find("UTC").value();
  return zone;
}

// A calendar window (resetting at `reset_ms`) with `used` of `limit`.
WindowState Window(int64_t limit, int64_t used, int64_t reset_ms = kFar) {
  WindowState w;
  w.provider = "p";
  w.window = "w";
  w.limit = limit;
  w.used = used;
  w.span = {kNow - router::kMsPerDay, reset_ms, false};
  return w;
}

WindowState Rolling(int64_t limit, int64_t used, int64_t length_ms) {
  WindowState w = Window(limit, used);
  w.span = {kNow - length_ms, kNow, true};
  return w;
}

// `values` for the hours just before kNow.
HourlySeries Series(std::vector<double> values) {
  return {kNow - static_cast<int64_t>(values.size()) * kHour, std::move(values)};
}

HourlySeries Steady(int hours, double per_hour) {
  return Series(std::vector<double>(static_cast<size_t>(hours), per_hour));
}

Forecast Run(const WindowState& w, const HourlySeries& history, int64_t horizon_ms = 24 * kHour) {
  return Predict(w, history, kNow, horizon_ms, Utc());
}

}  // namespace

TEST_CASE("Predict: a window without a limit has nothing to predict", "[forecast]") {
  const Forecast f = Run(Window(0, 500), Steady(72, 100));
  CHECK(f.method == Method::kNoUsage);
  CHECK(f.basis == "no limit");
  CHECK_FALSE(f.exhausts_at_ms.has_value());
}

TEST_CASE("Predict: no use in the last week predicts no exhaustion", "[forecast]") {
  std::vector<double> values(10 * 24, 0);
  values[10] = 5000;  // nine days ago
  const Forecast f = Run(Window(6000, 5000), Series(values));
  CHECK(f.method == Method::kNoUsage);
  CHECK(f.rate_per_hour == 0);
  CHECK_FALSE(f.exhausts_at_ms.has_value());
  CHECK(std::string(router::forecast::Name(f.method)) == "none");
}

TEST_CASE("Predict: under a day of history is a simple, low-confidence average", "[forecast]") {
  const Forecast f = Run(Window(2000, 500), Steady(5, 100));
  CHECK(f.method == Method::kSimple);
  CHECK(f.basis == "5 h of history: simple average, low confidence");
  CHECK(f.confidence > 0);
  CHECK(f.confidence <= 0.3);
  CHECK(f.rate_per_hour == Approx(100));
  // The mean rate reaches the limit in 15 h; five hours say little about the next 24, so it may
  // not run out at all, and if it does that is more likely sooner.
  CHECK(f.raw_probability > 0.5);
  CHECK(f.raw_probability < 0.95);
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(*f.exhausts_at_ms < kNow + 15 * kHour);
  CHECK(*f.exhausts_at_ms > kNow + 10 * kHour);
}

TEST_CASE("Predict: a steady rate exhausts on time with the weighted estimator", "[forecast]") {
  // Six regular days: running out is near certain, so its time is where the rate meets the limit.
  const Forecast f = Run(Window(3000, 1000), Steady(6 * 24, 100));
  CHECK(f.method == Method::kWeighted);
  CHECK(f.rate_per_hour == Approx(100));
  CHECK(f.trend_per_day == Approx(0).margin(1e-9));
  CHECK(f.raw_probability > 0.99);
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(std::llabs(*f.exhausts_at_ms - (kNow + 20 * kHour)) <= kMin);
  CHECK(f.remaining == 2000);
}

TEST_CASE("Predict: a rising trend makes running out likelier than flat use of the same last day",
          "[forecast]") {
  std::vector<double> rising;
  double last_day = 0;
  for (int i = 0; i < 96; ++i) {
    rising.push_back(20 + 2.0 * i);
    if (i >= 72) last_day += rising.back();
  }
  // The limit is the last day's use: flat use reaches it right at the horizon, a coin flip.
  const auto limit = static_cast<int64_t>(last_day);
  const Forecast up = Run(Window(limit, 0), Series(rising));
  const Forecast flat = Run(Window(limit, 0), Steady(96, last_day / 24));
  CHECK(up.method == Method::kWeighted);
  CHECK(up.trend_per_day > 0.1);
  CHECK(flat.trend_per_day == Approx(0).margin(1e-9));
  CHECK(flat.raw_probability == Approx(0.5).margin(0.1));
  CHECK(up.raw_probability > flat.raw_probability + 0.2);
  // Calibrated, the chances keep their order (warning needs >= kWarnProbability of them).
  CHECK(up.probability >= flat.probability);
  CHECK_FALSE(router::forecast::Warns(flat));
}

TEST_CASE("Predict: the hour-of-week profile puts exhaustion in working hours", "[forecast]") {
  // Two weeks of 100/h from 09:00 to 17:00 UTC every day, nothing at night; now is midnight.
  std::vector<double> values(14 * 24, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (i % 24 >= 9 && i % 24 < 17) values[i] = 100;
  }
  const Forecast f = Run(Window(1000, 500), Series(values));
  CHECK(f.method == Method::kProfile);
  CHECK(f.basis == "13 d of history: today's pace against the hour-of-week profile");
  CHECK(f.rate_per_hour < 10);  // midnight is quiet
  REQUIRE(f.exhausts_at_ms.has_value());
  const auto civil = Utc().ToCivil(*f.exhausts_at_ms);
  CHECK(civil.hour >= 9);
  CHECK(civil.hour < 17);
  CHECK(std::llabs(*f.exhausts_at_ms - (kNow + 14 * kHour)) <= 30 * kMin);  // 5 working hours
}

TEST_CASE("Predict: a reset before the limit is reached means no exhaustion", "[forecast]") {
  // 100/h would reach the limit in 20 h; the window resets in 10.
  const Forecast f = Run(Window(3000, 1000, kNow + 10 * kHour), Steady(6 * 24, 100));
  CHECK(f.resets_at_ms == kNow + 10 * kHour);
  CHECK(f.raw_probability < router::forecast::kMentionProbability);
  CHECK_FALSE(f.exhausts_at_ms.has_value());
  const Forecast later = Run(Window(3000, 1000, kNow + 22 * kHour), Steady(6 * 24, 100));
  REQUIRE(later.exhausts_at_ms.has_value());  // close to the reset: a little before 20 h
  CHECK(*later.exhausts_at_ms <= kNow + 20 * kHour);
  CHECK(*later.exhausts_at_ms > kNow + 19 * kHour);
}

TEST_CASE("Predict: the time is when it runs out if it does", "[forecast]") {
  // Three days at 100/h and a daily window with 2,300 left: the rate alone reaches it at 23 h,
  // just before the reset, so running out is a close call. The forecast time is the median of the
  // runs that do run out: by then half of them have, so the chance of being out by that time is
  // half the chance of being out at all.
  const int64_t reset = kNow + 24 * kHour;
  const Forecast f = Run(Window(3000, 700, reset), Steady(72, 100));
  CHECK(f.raw_probability > 0.3);
  CHECK(f.raw_probability < 0.7);
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(*f.exhausts_at_ms < kNow + 23 * kHour);
  const double by_then =
      Run(Window(3000, 700, reset), Steady(72, 100), *f.exhausts_at_ms - kNow).raw_probability;
  CHECK(by_then == Approx(f.raw_probability / 2).margin(0.02));
}

TEST_CASE("Predict: rolling windows age old use out", "[forecast]") {
  SECTION("steady use holds a rolling window level") {
    const Forecast rolling = Run(Rolling(600, 500, 5 * kHour), Steady(6 * 24, 100));
    CHECK(rolling.resets_at_ms == 0);
    CHECK_FALSE(rolling.exhausts_at_ms.has_value());
    const Forecast calendar = Run(Window(600, 500), Steady(6 * 24, 100));
    REQUIRE(calendar.exhausts_at_ms.has_value());
    CHECK(std::llabs(*calendar.exhausts_at_ms - (kNow + kHour)) <= kMin);
  }
  SECTION("a burst about to age out averts exhaustion") {
    std::vector<double> values(6 * 24, 100);
    values[values.size() - 5] = 1000;  // 5 h to 4 h ago: leaves the window within the hour
    const Forecast calendar = Run(Window(1450, 1400), Series(values));
    REQUIRE(calendar.exhausts_at_ms.has_value());
    CHECK(*calendar.exhausts_at_ms < kNow + kHour);
    // Rolling: 1400 drops to about 560 as the burst leaves, then settles near 5 h of the rate.
    const Forecast rolling = Run(Rolling(1450, 1400, 5 * kHour), Series(values));
    CHECK_FALSE(rolling.exhausts_at_ms.has_value());
  }
}

TEST_CASE("Predict: a manual reading above the ledger brings exhaustion forward", "[forecast]") {
  const Forecast ledger_only = Run(Window(5000, 1000), Steady(6 * 24, 100));
  WindowState manual = Window(5000, 4000);
  manual.basis.kind = "manual";
  manual.basis.at_ms = kNow - kHour;
  manual.basis.reading = 3900;
  const Forecast f = Run(manual, Steady(6 * 24, 100));
  CHECK(f.used == 4000);
  CHECK(f.basis ==
        "6 d of history: today's pace against the hour-of-day profile, with trend; starts from the "
        "manual reading");
  REQUIRE(f.exhausts_at_ms.has_value());
  CHECK(std::llabs(*f.exhausts_at_ms - (kNow + 10 * kHour)) <= kMin);
  CHECK_FALSE(ledger_only.exhausts_at_ms.has_value());  // 40 h away, beyond the horizon
}

TEST_CASE("Predict: the horizon bounds the projection", "[forecast]") {
  const Forecast day = Run(Window(6000, 1000), Steady(6 * 24, 100), 24 * kHour);
  CHECK_FALSE(day.exhausts_at_ms.has_value());
  CHECK(day.raw_probability < router::forecast::kMentionProbability);
  const Forecast three_days = Run(Window(6000, 1000), Steady(6 * 24, 100), 72 * kHour);
  REQUIRE(three_days.exhausts_at_ms.has_value());
  CHECK(std::llabs(*three_days.exhausts_at_ms - (kNow + 50 * kHour)) <= kMin);
  const Forecast none = Run(Window(6000, 1000), Steady(72, 100), 0);
  CHECK_FALSE(none.exhausts_at_ms.has_value());
  const Forecast exhausted = Run(Window(6000, 6500), Steady(72, 100), 0);
  REQUIRE(exhausted.exhausts_at_ms.has_value());
  CHECK(*exhausted.exhausts_at_ms == kNow);
  CHECK(exhausted.remaining == 0);
}

TEST_CASE("Predict: the probability of running out follows the margin and the noise",
          "[forecast]") {
  // 72 h at 100/h; the daily window resets in 10 h, so about 1,000 more will be used by then.
  const auto chance = [](int64_t limit, const HourlySeries& history) {
    return Run(Window(limit, 1000, kNow + 10 * kHour), history).raw_probability;
  };
  const Forecast sure = Run(Window(1500, 1000, kNow + 10 * kHour), Steady(14 * 24, 100));
  CHECK(sure.raw_probability > 0.99);
  CHECK(router::forecast::Warns(sure));
  // Three days do not yet show how regular the days are: the same margin is less certain.
  const double early = Run(Window(1500, 1000, kNow + 10 * kHour), Steady(72, 100)).raw_probability;
  CHECK(early > router::forecast::kWarnProbability);
  CHECK(early < sure.raw_probability);
  const Forecast never = Run(Window(4000, 1000, kNow + 10 * kHour), Steady(72, 100));
  CHECK(never.raw_probability < 0.01);
  CHECK_FALSE(router::forecast::Warns(never));
  // The limit right at the projection: a coin flip, shown but not warned about.
  CHECK(chance(2000, Steady(72, 100)) == Approx(0.5).margin(0.1));
  // Erratic hours with the same mean widen the spread: a close call is less certain either way.
  std::vector<double> erratic(72, 0);
  for (size_t i = 0; i < erratic.size(); ++i) erratic[i] = i % 2 == 0 ? 10 : 190;
  CHECK(chance(1800, Series(erratic)) < chance(1800, Steady(72, 100)));
  CHECK(chance(2300, Series(erratic)) > chance(2300, Steady(72, 100)));
  // An exhausted window is certain; a reset before the projected exhaustion makes it unlikely.
  CHECK(Run(Window(1000, 1000), Steady(72, 100)).raw_probability == 1);
  const Forecast after_reset = Run(Window(3000, 1000, kNow + 10 * kHour), Steady(72, 100));
  CHECK_FALSE(after_reset.exhausts_at_ms.has_value());
  CHECK(after_reset.raw_probability < 0.01);
  CHECK_FALSE(router::forecast::Warns(after_reset));
}

TEST_CASE("Predict: a busy yesterday carries into today as far as the user's days persist",
          "[forecast]") {
  // Two weeks of whole days at 50 or 150 per hour, yesterday busy, now at midnight.
  const auto days = [](auto busy) {
    std::vector<double> values;
    for (int day = 13; day >= 0; --day) values.insert(values.end(), 24, busy(day) ? 150.0 : 50.0);
    return Series(values);
  };
  // Alternating: a busy day is followed by a quiet one, so yesterday says little about today.
  const Forecast alternating =
      Run(Window(1'000'000, 0), days([](int ago) { return ago % 2 == 0; }));
  // Busy weeks: days come in runs, so a busy yesterday means a busy today.
  const Forecast runs = Run(Window(1'000'000, 0), days([](int ago) { return ago < 7; }));
  CHECK(alternating.method == Method::kProfile);
  CHECK(alternating.rate_per_hour < 110);
  CHECK(runs.rate_per_hour > 130);
}

TEST_CASE("Predict: today's pace so far moves today's forecast", "[forecast]") {
  // A week and a half at 100/h; now is 06:00 and today ran at 300/h or at the usual 100/h.
  const int64_t six = kNow + 6 * kHour;
  std::vector<double> usual(10 * 24 + 6, 100);
  std::vector<double> busy = usual;
  for (size_t i = busy.size() - 6; i < busy.size(); ++i) busy[i] = 300;
  const auto at_six = [&](const std::vector<double>& values) {
    return Predict(Window(1'000'000, 0),
                   {six - static_cast<int64_t>(values.size()) * kHour, values}, six, 24 * kHour,
                   Utc());
  };
  const Forecast calm = at_six(usual);
  const Forecast hot = at_six(busy);
  CHECK(calm.rate_per_hour == Approx(100).epsilon(0.05));
  // Between the usual days and today's pace: very regular days make a strong prior.
  CHECK(hot.rate_per_hour > 1.5 * calm.rate_per_hour);
  CHECK(hot.rate_per_hour < 300);
}

TEST_CASE("Predict: confidence grows with history and falls with volatility", "[forecast]") {
  double previous = 0;
  for (int hours : {2, 6, 12, 23, 24, 48, 96, 7 * 24, 14 * 24, 28 * 24}) {
    const Forecast f = Run(Window(1'000'000, 0), Steady(hours, 100));
    INFO(hours << " h: " << f.confidence);
    CHECK(f.confidence > previous);
    CHECK(f.confidence < 1);
    previous = f.confidence;
  }
  std::vector<double> erratic(96, 0);
  for (size_t i = 0; i < erratic.size(); i += 4) erratic[i] = 400;  // same mean, in bursts
  CHECK(Run(Window(1'000'000, 0), Series(erratic)).confidence <
        Run(Window(1'000'000, 0), Steady(96, 100)).confidence);
  using router::forecast::ConfidenceLabel;
  CHECK(std::string(ConfidenceLabel(0.7)) == "high");
  CHECK(std::string(ConfidenceLabel(0.69)) == "medium");
  CHECK(std::string(ConfidenceLabel(0.4)) == "medium");
  CHECK(std::string(ConfidenceLabel(0.39)) == "low");
}

TEST_CASE("PredictWindows forecasts messages, requests and budget windows from the ledger",
          "[forecast]") {
  const auto options = ParseOptions(R"({
    "timezone": "UTC",
    "providers": {
      "chat": {"quotaType": "messages", "windows": [
        {"name": "daily", "limit": 40, "schedule": {"type": "daily"}}]},
      "api": {"quotaType": "requests", "windows": [
        {"name": "5h", "limit": 200, "schedule": {"type": "rolling", "hours": 5}}]},
      "paid": {"quotaType": "tokens", "budget": {"dailyLimit": 2}, "windows": [
        {"name": "open", "limit": 0, "schedule": {"type": "daily"}}]},
      "free": {"quotaSource": "unlimited", "windows": [
        {"name": "daily", "limit": 10, "schedule": {"type": "daily"}}]}}})");
  auto ledger = MemoryLedger();
  // Six days: each hour 2 messages to chat, 3 requests to api and $0.05 (50'000 micro-USD) to
  // paid.
  std::vector<router::ledger::UsageRecord> records;
  for (int64_t at = kNow - 6 * 24 * kHour + kMin; at < kNow; at += kHour) {
    records.push_back(UserCall(at, "chat", 10, 0, true));
    records.push_back(UserCall(at + kMin, "chat", 10, 0, true));
    for (int i = 0; i < 3; ++i) records.push_back(UserCall(at + i * kMin, "api", 10));
    records.push_back(UserCall(at, "paid", 10, 50'000));
    records.push_back(UserCall(at, "free", 10));
  }
  REQUIRE(ledger->AppendBatch(records).ok());
  auto forecasts = router::forecast::PredictWindows(options, *ledger, kNow, 72);
  INFO(forecasts.status().message());
  REQUIRE(forecasts.ok());
  REQUIRE(forecasts->size() == 3);  // the unlimited provider and the 0-limit window are skipped

  auto find = [&](const std::string& provider) {
    for (const Forecast& f : forecasts.value()) {
      if (f.provider == provider) return f;
    }
    FAIL("no forecast for " << provider);
    return Forecast{};
  };
  const Forecast chat = find("chat");
  CHECK(chat.provider == "chat");
  CHECK(chat.unit == QuotaUnit::kMessages);
  CHECK(chat.rate_per_hour == Approx(2));
  CHECK(chat.used == 0);                     // midnight: the daily window just reset
  REQUIRE(chat.exhausts_at_ms.has_value());  // 40 messages at 2 per hour: 20 h
  CHECK(std::llabs(*chat.exhausts_at_ms - (kNow + 20 * kHour)) <= kMin);
  CHECK(chat.raw_probability > 0.99);

  const Forecast api = find("api");
  CHECK(api.unit == QuotaUnit::kRequests);
  CHECK(api.used == 15);
  CHECK(api.rate_per_hour == Approx(3));
  CHECK_FALSE(api.exhausts_at_ms.has_value());  // 15 of 200 in 5 h, steady: never

  const Forecast paid = find("paid");
  CHECK(paid.window == "daily budget");
  CHECK(paid.unit == QuotaUnit::kBudget);
  CHECK(paid.limit == 2'000'000);
  CHECK(paid.rate_per_hour == Approx(50'000));
  // $2 at $0.05/h: 40 h, after tomorrow's reset.
  CHECK_FALSE(paid.exhausts_at_ms.has_value());
  CHECK(paid.raw_probability < router::forecast::kMentionProbability);
}
