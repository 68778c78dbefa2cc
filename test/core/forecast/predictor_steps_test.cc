// The steps of forecast::Predict one at a time, on hand-made hours and days in UTC, with values
// chosen so the expected results can be worked out on paper (the arithmetic is in the comments).
// kNow is Wed 2026-03-18 00:00Z, a whole hour and the start of a day.

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "forecast/predictor_steps.h"
#include "router/base/clock.h"
#include "router/calendar/zone.h"

namespace router::forecast::internal {
namespace {

constexpr int64_t kHour = kMsPerHour;
constexpr int64_t kDay = kMsPerDay;
constexpr int64_t kNow = 1773792000000;  // Wed 2026-03-18 00:00Z

const calendar::Zone& Utc() {
  static const calendar::Zone zone = calendar::Zone::Find("UTC").value();
  return zone;
}

Hour WholeHour(int64_t start_ms, double value) { return {start_ms, 1, value}; }

// A day of `days_before` whole days before today whose use is `factor` times what was expected.
Day DayWithFactor(int days_before, double factor) {
  return {kNow - days_before * kDay, 10 * factor, 10};
}

TEST_CASE("CollectHours starts at the first use and stops at now", "[forecast]") {
  // 30 whole hours, then the current hour half gone, then an hour after now.
  std::vector<double> values(32, 10);
  values[0] = values[1] = 0;  // before the first use: dropped
  values[5] = -4;             // a negative reading counts as none
  const int64_t start = kNow - 30 * kHour;
  const int64_t now = kNow + 30 * kMsPerMinute;
  const std::vector<Hour> hours = CollectHours({start, values}, now);
  REQUIRE(hours.size() == 29);  // hours 2..30
  CHECK(hours.front().start_ms == start + 2 * kHour);
  CHECK(hours[3].value == 0);  // values[5]
  CHECK(hours[3].duration == 1);
  CHECK(hours.back().start_ms == kNow);
  CHECK(hours.back().duration == Approx(0.5));
}

TEST_CASE("MethodFor switches at one day and one week of history", "[forecast]") {
  CHECK(MethodFor(23.9) == Method::kSimple);
  CHECK(MethodFor(24) == Method::kWeighted);
  CHECK(MethodFor(167.9) == Method::kWeighted);
  CHECK(MethodFor(168) == Method::kProfile);
}

TEST_CASE("BuildProfile shrinks the hour-of-day shape toward flat and keeps its mean at 1",
          "[forecast]") {
  // Four complete days: 3 an hour in the morning (00-11), 1 in the afternoon. Mean 2, so the raw
  // shape is 1.5 / 0.5; with 4 observations and kProfilePrior 2 pseudo-observations at 1:
  // (4 x 1.5 + 2) / 6 = 4/3 and (4 x 0.5 + 2) / 6 = 2/3, already of mean 1.
  std::vector<Hour> hours;
  for (int64_t t = kNow - 4 * kDay; t < kNow + 2 * kHour; t += kHour) {
    const bool morning = (t - (kNow - 4 * kDay)) % kDay < 12 * kHour;
    hours.push_back(WholeHour(t, t >= kNow ? 1000 : morning ? 3 : 1));  // today's hours ignored
  }
  hours.push_back({kNow - kHour / 2, 0.5, 1000});  // a partial hour: ignored
  for (Hour& h : hours) h.slot = static_cast<size_t>(Slot(Utc(), h.start_ms));
  const Profile daily = BuildProfile(hours, false, kNow);
  for (int s = 0; s < kSlots; ++s) {
    INFO("slot " << s);
    CHECK(daily.factor[s] == Approx(s % 24 < 12 ? 4.0 / 3 : 2.0 / 3));
    CHECK(daily.observations[s] == 4);
  }
  // Weekly: a slot seen once is shrunk toward its hour of day, which it equals here (3 / 2);
  // slots never seen take the hour of day.
  const Profile weekly = BuildProfile(hours, true, kNow);
  const size_t sunday_morning = static_cast<size_t>(Slot(Utc(), kNow - 3 * kDay));  // a Sunday
  CHECK(weekly.factor[sunday_morning] == Approx(1.5));
  CHECK(weekly.factor[static_cast<size_t>(Slot(Utc(), kNow + 13 * kHour))] == Approx(0.5));
  CHECK(weekly.observations[sunday_morning] == 1);
  CHECK(weekly.observations[static_cast<size_t>(Slot(Utc(), kNow))] == 0);  // Wednesday: none
}

TEST_CASE("Level is the last week's use per profile-weighted hour", "[forecast]") {
  std::vector<Hour> hours{WholeHour(kNow - 10 * kDay, 1000)};  // older than a week: ignored
  for (int i = 10; i > 0; --i) {
    Hour h = WholeHour(kNow - i * kHour, 10);
    h.shape = 2;  // a busy slot: 10 in it is 5 at shape 1
    hours.push_back(h);
  }
  hours.push_back({kNow, 0.5, 5, 2});  // half an hour of a busy slot
  CHECK(Level(hours, kNow + kHour / 2) == Approx(105.0 / 21));
}

TEST_CASE("SplitDays groups hours by local day and sums what the level expects", "[forecast]") {
  std::vector<Hour> hours{WholeHour(kNow - 2 * kHour, 4),
                          WholeHour(kNow - kHour, 6),
                          WholeHour(kNow, 30),
                          {kNow + kHour, 0.5, 5}};
  const std::vector<Day> days = SplitDays(10, Utc(), &hours);
  REQUIRE(days.size() == 2);
  CHECK(days[0].start_ms == kNow - kDay);
  CHECK(days[0].use == 10);
  CHECK(days[0].expected == 20);
  // Weighted least squares over its two hours, each expected 10: (4 + 6) x 10 / spread over
  // 2 x 10^2 / spread, a factor of 0.5 like use / expected.
  CHECK(days[0].weighted_expected == Approx(2 * 100 / HourSpread(10, 10)));
  CHECK(days[0].weighted_use / days[0].weighted_expected == Approx(0.5));
  CHECK(days[1].start_ms == kNow);
  // The current, partial hour is not today's pace: a lump early in it would be extrapolated.
  CHECK(days[1].use == 30);
  CHECK(days[1].expected == 10);
  CHECK(hours[1].day == 0);
  CHECK(hours[2].day == 1);
  CHECK(hours[3].day == 1);
  CHECK(FactorOf(days[1]) == Approx(3));
  CHECK(FactorOf(Day{kNow}) == 1);  // nothing expected: no evidence either way
}

TEST_CASE("SplitDays: one large regular hour does not outweigh the rest of today's pace",
          "[forecast]") {
  // A nightly job's hour expected 60 and used 60, then five office hours expected 8 each and used
  // 12.8 (1.6x). use / expected reads 1.24; weighted least squares under HourSpread weighs each
  // hour by expected^2 / spread, so the five office hours outweigh the job.
  std::vector<Hour> hours{{kNow, 1, 60, 12}};
  for (int h = 1; h <= 5; ++h) hours.push_back({kNow + h * kHour, 1, 12.8, 1.6});
  const std::vector<Day> days = SplitDays(5, Utc(), &hours);
  REQUIRE(days.size() == 1);
  CHECK(FactorOf(days[0]) == Approx(1.24));
  const double pace = days[0].weighted_use / days[0].weighted_expected;
  CHECK(pace > 1.4);
  CHECK(pace < 1.6);
}

TEST_CASE("FitPersistence learns from five days and falls back before", "[forecast]") {
  const DayPersistence few = FitPersistence({1.5, 0.5, 1.5, 0.5});
  CHECK(few.persistence == kDefaultPersistence);
  CHECK(few.day_variance == kDefaultDayVariance);

  // Deviations -2..2 from the mean 3: lag-one covariance 4 over variance 10 = 0.4; the surprises
  // left (-0.2, 0.4, 1, 1.6) square to 3.76 over 4 pairs.
  const DayPersistence rising = FitPersistence({1, 2, 3, 4, 5});
  CHECK(rising.persistence == Approx(0.4));
  CHECK(rising.day_variance == Approx(0.94));

  // Alternating days are anti-correlated: persistence is clamped at 0, each day a fresh +-0.5.
  const DayPersistence alternating = FitPersistence({1.5, 0.5, 1.5, 0.5, 1.5, 0.5});
  CHECK(alternating.persistence == 0);
  CHECK(alternating.day_variance == Approx(0.25));

  const DayPersistence regular = FitPersistence({1, 1, 1, 1, 1});
  CHECK(regular.persistence == 1);
  CHECK(regular.day_variance == kMinDayVariance);
}

TEST_CASE("CompleteDayFactors leaves out today and days nothing was expected of", "[forecast]") {
  const std::vector<Day> days{DayWithFactor(3, 0.8),
                              {kNow - 2 * kDay, 5, 0, 0},
                              DayWithFactor(1, 1.2),
                              DayWithFactor(0, 3)};
  const std::vector<double> factors = CompleteDayFactors(days, kNow);
  REQUIRE(factors.size() == 2);
  CHECK(factors[0] == Approx(0.8));
  CHECK(factors[1] == Approx(1.2));
}

TEST_CASE("HourVariance: residuals against the fit, floored, with a default without evidence",
          "[forecast]") {
  // Hours of 10 and 30 around a level of 20 (flat profile, no leverage): residuals of 10 against
  // an expected 20, so each contributes 100 / HourSpread(20, 20) = 100 / 800.
  std::vector<Hour> hours{WholeHour(kNow - 2 * kHour, 10), WholeHour(kNow - kHour, 30)};
  const std::vector<Day> days{{kNow - kDay, 40, 40, 0}};
  CHECK(HourVariance(hours, days, 20, false, kNow) == Approx(200.0 / 1600));
  // A leverage of 0.5 doubles each residual: 4 x the variance.
  for (Hour& h : hours) h.leverage = 0.5;
  CHECK(HourVariance(hours, days, 20, false, kNow) == Approx(4 * 200.0 / 1600));
  // Perfectly regular use is not believed: the floor.
  const std::vector<Hour> regular{WholeHour(kNow - 2 * kHour, 20), WholeHour(kNow - kHour, 20)};
  CHECK(HourVariance(regular, days, 20, false, kNow) == kMinHourVariance);
  // Only a partial hour: no evidence, the default cv.
  const std::vector<Hour> partial{{kNow, 0.5, 20}};
  CHECK(HourVariance(partial, {{kNow, 20, 10, 0}}, 20, false, kNow + kHour / 2) ==
        kDefaultHourCv * kDefaultHourCv);
}

TEST_CASE("FitTrend fits the last week's complete days, damped and clamped", "[forecast]") {
  // Factors 0.7, 0.9, 1.1, 1.3 on days -4..-1: mean 1, centre -2.5, slope 0.2 a day.
  const std::vector<Day> days{DayWithFactor(9, 5),  // older than a week: ignored
                              DayWithFactor(4, 0.7), DayWithFactor(3, 0.9), DayWithFactor(2, 1.1),
                              DayWithFactor(1, 1.3), DayWithFactor(0, 5)};  // today: ignored
  const Trend trend = FitTrend(days, kNow);
  CHECK(trend.per_day == Approx(0.2));
  CHECK(trend.slope == Approx(kTrendDamping * 0.2));
  CHECK(trend.At(-2.5) == Approx(1));
  CHECK(trend.At(0) == Approx(1 + kTrendDamping * 0.2 * 2.5));
  CHECK(trend.At(100) == Approx(kMaxGrowth));  // the line is clamped
  CHECK(trend.At(-100) == Approx(kMinGrowth));

  const Trend steep = FitTrend({DayWithFactor(2, 0.2), DayWithFactor(1, 1.8)}, kNow);
  CHECK(steep.per_day == kTrendClamp);

  const Trend one_day = FitTrend({DayWithFactor(1, 1.8)}, kNow);
  CHECK(one_day.per_day == 0);
  CHECK(one_day.At(3) == 1);
}

TEST_CASE("EstimateToday persists yesterday and weighs today's pace by its precision",
          "[forecast]") {
  Model model;
  model.method = Method::kWeighted;
  model.today_ms = kNow;
  model.persistence = 0.5;
  model.day_variance = 0.04;
  model.days = {DayWithFactor(1, 1.4)};
  // No hour of today yet: the flat line 1 plus half of yesterday's 0.4.
  const TodayFactor prior = EstimateToday(model);
  CHECK(prior.factor == Approx(1.2));
  CHECK(prior.variance == 0.04);

  // Today so far at pace 2.2 (one hour: use 22, expected 10, spread 100), as noisy as the prior:
  // pace variance = 1.2^2 x hour_variance / (expected^2 / spread) = 0.04. Equal weights: the
  // mean, half the variance.
  model.hour_variance = 0.04 / 1.44;
  model.days.push_back({kNow, 22, 10, 22.0 * 10 / 100, 10.0 * 10 / 100});
  const TodayFactor updated = EstimateToday(model);
  CHECK(updated.factor == Approx(1.7));
  CHECK(updated.variance == Approx(0.02));

  model.method = Method::kSimple;  // no day to learn from: the line, the default variance
  const TodayFactor simple = EstimateToday(model);
  CHECK(simple.factor == 1);
  CHECK(simple.variance == kDefaultDayVariance);
}

TEST_CASE("EstimateToday carries over the last busy day, not a quiet one the profile expected",
          "[forecast]") {
  Model model;
  model.method = Method::kProfile;
  model.today_ms = kNow;
  model.persistence = 0.5;
  model.day_variance = 0.04;
  // Friday ran at 1.4; Saturday and Sunday were expected to hold little and held nothing.
  Day friday = DayWithFactor(3, 1.4);
  Day saturday{kNow - 2 * kDay, 0, 1}, sunday{kNow - kDay, 0, 1};
  model.days = {DayWithFactor(4, 1), friday, saturday, sunday};
  CHECK(InformativeFrom(model.days, kNow) == Approx(kInformativeDayShare * 22 / 4));
  CHECK(CompleteDayFactors(model.days, kNow) == std::vector<double>{1, 1.4});
  // The flat line at 1 plus Friday's +0.4, persisted over three days: 0.5^3 x 0.4.
  CHECK(EstimateToday(model).factor == Approx(1.05));
}

TEST_CASE("CurrentHourScale: a burst at the start of the hour is not followed by more",
          "[forecast]") {
  Model model;
  model.level = 100;
  model.today = 1;
  model.profile.factor.fill(1);
  const int64_t now = kNow + 15 * kMsPerMinute;
  // Expected 100 this hour: a quarter gone with 25 used leaves the usual 75 to come.
  CHECK(CurrentHourScale(model, {kNow, 0.25, 25}, now, Utc()) == Approx(1));
  // 100 used already: nothing more is expected this hour.
  CHECK(CurrentHourScale(model, {kNow, 0.25, 100}, now, Utc()) == 0);
  // 60 used: 40 of the 75 to come.
  CHECK(CurrentHourScale(model, {kNow, 0.25, 60}, now, Utc()) == Approx(40.0 / 75));
  CHECK(CurrentHourScale(model, WholeHour(kNow - kHour, 500), kNow, Utc()) == 1);
}

TEST_CASE("Confidence and Basis name the method and the history behind it", "[forecast]") {
  Model model;
  model.method = Method::kSimple;
  model.history_hours = 48;
  model.hour_variance = 0;
  CHECK(Confidence(model) == kSimpleMaxConfidence);  // 0.5 uncapped
  CHECK(Basis(model, "ledger") == "2 d of history: simple average, low confidence");
  model.method = Method::kWeighted;
  model.hour_variance = 0.25;  // cv 0.5
  CHECK(Confidence(model) == Approx(0.5 / 1.5));
  CHECK(Basis(model, "api") ==
        "2 d of history: today's pace against the hour-of-day profile, with trend; starts from the "
        "api reading");
  model.method = Method::kProfile;
  model.history_hours = 5;
  CHECK(Basis(model, "ledger") == "5 h of history: today's pace against the hour-of-week profile");
}

TEST_CASE("Cumulative interpolates between its points", "[forecast]") {
  Cumulative c;
  CHECK(c.At(kNow) == 0);
  c.Add(kNow, 0);
  c.Add(kNow + kHour, 10);
  c.Add(kNow + 3 * kHour, 30);
  CHECK(c.At(kNow - kHour) == 0);
  CHECK(c.At(kNow + kHour / 2) == Approx(5));
  CHECK(c.At(kNow + 2 * kHour) == Approx(20));
  CHECK(c.At(kNow + 9 * kHour) == 30);
}

TEST_CASE("VarianceBetween counts a step by its overlap", "[forecast]") {
  Projection projection;
  projection.steps.push_back({kNow, kNow + kHour, 4, 2, 10});
  Model model;
  model.level = 10;
  model.today_variance = 0.5;
  model.hour_variance = 0.1;
  // The whole step: 4^2 x 0.5 + 2^2 + HourSpread(10, 10) x 0.1.
  CHECK(VarianceBetween(projection, model, kNow, kNow + kHour) == Approx(8 + 4 + 20));
  // Half of it: the persisted and surprise terms are halved before squaring, noise by share^2.
  CHECK(VarianceBetween(projection, model, kNow + kHour / 2, kNow + 5 * kHour) ==
        Approx(2 + 1 + 5));
  CHECK(VarianceBetween(projection, model, kNow + kHour, kNow + 2 * kHour) == 0);
}

// A projection without spread: use 10 in the hour before now, then 30 an hour.
Projection Certain() {
  Projection p;
  p.cumulative.Add(kNow - kHour, 0);
  p.cumulative.Add(kNow, 10);
  p.cumulative.Add(kNow + kHour, 40);
  p.cumulative.Add(kNow + 2 * kHour, 70);
  return p;
}

quota::WindowState Window(int64_t limit, int64_t used, quota::Span span) {
  quota::WindowState w;
  w.limit = limit;
  w.used = used;
  w.span = span;
  return w;
}

TEST_CASE("A calendar window's use adds the projection; its crossing is interpolated",
          "[forecast]") {
  const Projection projection = Certain();
  const Model model;
  const quota::Span span{kNow - kDay, kNow + 2 * kHour, false};
  const quota::WindowState window = Window(100, 50, span);
  const WindowUse use(window, projection, model, kNow);
  CHECK(use.UsedAt(kNow + kHour) == Approx(80));
  CHECK(use.SdAt(kNow + kHour) == 0);
  CHECK(use.ChanceBy(kNow + kHour) == 0);
  CHECK(use.ChanceBy(kNow + 2 * kHour) == 1);

  const std::vector<int64_t> checks =
      CheckTimes(projection.cumulative, span, window.basis, kNow, kNow + 2 * kHour);
  CHECK(checks == std::vector<int64_t>{kNow + kHour, kNow + 2 * kHour});
  CHECK(ExhaustionProbability(use, checks, kNow + 2 * kHour) == 1);
  CHECK(ExhaustionProbability(use, {kNow + kHour}, kNow + kHour) == 0);  // reset before running out
  // 80 after the first hour, 110 after the second: 100 is reached 2/3 into it.
  const std::optional<int64_t> at = MedianExhaustion(use, checks, 1);
  REQUIRE(at.has_value());
  CHECK(std::llabs(*at - (kNow + kHour + 40 * kMsPerMinute)) <= 1);
  CHECK_FALSE(MedianExhaustion(use, {kNow + kHour}, 1).has_value());
}

TEST_CASE("A rolling window loses what ages out and counts its worst moment", "[forecast]") {
  const Projection projection = Certain();
  const Model model;
  // Two hours long: by now + 2 h the hour before now (10) has left it; by now + 4 h all but the
  // use before the history.
  const quota::Span span{kNow - 2 * kHour, kNow, true};
  const WindowUse use(Window(95, 50, span), projection, model, kNow);
  CHECK(use.UsedAt(kNow + kHour) == Approx(50 + 30));
  CHECK(use.UsedAt(kNow + 2 * kHour) == Approx(50 + 60 - 10));
  CHECK(use.UsedAt(kNow + 4 * kHour) == Approx(50 + 60 - 70));
  // Its checks include the projection's points shifted by the window's length.
  const int64_t last_ms = kNow + 4 * kHour + kHour / 2;
  const std::vector<int64_t> checks =
      CheckTimes(projection.cumulative, span, quota::Basis{}, kNow, last_ms);
  CHECK(checks == std::vector<int64_t>{kNow + kHour, kNow + 2 * kHour, kNow + 3 * kHour,
                                       kNow + 4 * kHour, last_ms});
  // Over the limit at now + 2 h only, back under by the end: the peak is what counts.
  CHECK(use.ChanceBy(last_ms) == 0);
  CHECK(ExhaustionProbability(use, checks, last_ms) == 1);
}

TEST_CASE("A rolling window can run out at any moment, not only at its likeliest", "[forecast]") {
  // A one-hour rolling window, 10 an hour projected against a limit of 10: each hour's end is a
  // coin flip on that hour's own noise alone. Four hours share no noise, so some hour crosses
  // with 1 - 0.5^4; the likeliest single moment says 0.5.
  Projection p;
  p.cumulative.Add(kNow, 0);
  for (int h = 0; h < 4; ++h) {
    p.cumulative.Add(kNow + (h + 1) * kHour, 10.0 * (h + 1));
    p.steps.push_back({kNow + h * kHour, kNow + (h + 1) * kHour, 0, 0, 10});
  }
  Model model;
  model.level = 10;
  model.hour_variance = 0.1;
  model.today_variance = 0;
  const quota::Span span{kNow - kHour, kNow, true};
  const WindowUse use(Window(10, 0, span), p, model, kNow);
  const std::vector<int64_t> checks =
      CheckTimes(p.cumulative, span, quota::Basis{}, kNow, kNow + 4 * kHour);
  REQUIRE(checks.size() == 4);
  CHECK(use.ChanceBy(kNow + kHour) == Approx(0.5));
  CHECK(ExhaustionProbability(use, checks, kNow + 4 * kHour) == Approx(0.9375).margin(0.01));

  // The same hours moved together by the day's factor alone (no hour noise): one shared error,
  // so no likelier than the likeliest moment. Limit 11: each hour needs +1 = 0.5 sd (sd 20 x 0.1).
  for (Step& st : p.steps) st.persisted = 20;
  model.hour_variance = 0;
  model.today_variance = 0.01;
  const WindowUse shared(Window(11, 0, span), p, model, kNow);
  CHECK(shared.ChanceBy(kNow + kHour) == Approx(0.3085).margin(0.001));
  CHECK(ExhaustionProbability(shared, checks, kNow + 4 * kHour) == Approx(0.3085).margin(0.03));
}

TEST_CASE("FixedPerHour finds a nightly job that does not scale with the day", "[forecast]") {
  // 14 days: a job of 60 at 02:00 every day, office hours 09:00-16:00 of 8 x a factor that varies
  // by day (0.2 to 1.4).
  const double factors[] = {0.7, 1.3, 1.0, 0.2, 1.4, 0.9, 0.2};
  std::vector<Hour> hours;
  for (int d = 14; d >= 1; --d) {
    for (int h = 0; h < 24; ++h) {
      const double office = h >= 9 && h < 17 ? 8 * factors[d % 7] : 0;
      hours.push_back(WholeHour(kNow - d * kDay + h * kHour, h == 2 ? 60 : office));
    }
  }
  const FixedUse fixed = FixedPerHour(hours, Utc(), kNow);
  CHECK(fixed[2] == 60);
  CHECK(fixed[10] == 0);  // scales with the day
  CHECK(fixed[3] == 0);   // nothing there

  // Taken out of the values, kept in Hour::fixed; the current hour gives what it holds so far.
  hours.push_back({kNow + 2 * kHour, 0.25, 30});
  RemoveFixed(fixed, Utc(), &hours);
  CHECK(hours[2].value == 0);
  CHECK(hours[2].fixed == 60);
  CHECK(hours[10].fixed == 0);
  CHECK(hours.back().value == 0);
  CHECK(hours.back().fixed == 30);
  Model model;
  model.fixed = fixed;
  // The rest of the job is still due this hour; later 02:00 hours bring all of it.
  CHECK(FixedDue(model, hours.back(), kNow + 2 * kHour + kHour / 4, kNow + 3 * kHour, Utc()) == 30);
  CHECK(FixedDue(model, hours.back(), kNow + kDay + 2 * kHour, kNow + kDay + 3 * kHour, Utc()) ==
        60);
  CHECK(FixedDue(model, hours.back(), kNow + 5 * kHour, kNow + 6 * kHour, Utc()) == 0);

  // A steady user's hours are as regular as their days: nothing is fixed.
  std::vector<Hour> steady;
  for (int d = 14; d >= 1; --d) {
    for (int h = 0; h < 24; ++h) steady.push_back(WholeHour(kNow - d * kDay + h * kHour, 5));
  }
  const FixedUse none = FixedPerHour(steady, Utc(), kNow);
  for (double f : none) CHECK(f == 0);
}

}  // namespace
}  // namespace router::forecast::internal
