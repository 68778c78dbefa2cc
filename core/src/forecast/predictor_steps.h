#pragma once
// The steps of forecast::Predict, in the order it runs them, exposed so that each can be tested
// alone (test/core/forecast/predictor_steps_test.cc). Internal to router_core: not installed, not
// part of the public API. Every step reads only its arguments (no clock, no ledger) and writes only
// its result and what it is given by pointer; units are those of predictor.h (use in the window's
// unit, times in Unix epoch ms, rates per hour).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "router/calendar/zone.h"
#include "router/forecast/predictor.h"
#include "router/quota/tracker.h"

namespace router::forecast::internal {

inline constexpr int kSlots = 7 * 24;  // hour-of-week profile

// Thresholds between methods, in hours of history (from the first hour with use to now).
inline constexpr double kWeightedFromHours = 24;
inline constexpr double kProfileFromHours = 7 * 24;
inline constexpr double kTrendFromHours = 48;

// The model: use in an hour = level x profile(hour) x factor(day) x noise. The level is the mean
// use per profile-weighted hour over the last week; each local day has a factor (busy days,
// quiet days) that persists into the next day with a persistence learnt from the user's own
// days; noise is hour-to-hour variation. Today's factor combines the persisted one with today's
// pace so far, each weighted by how noisy it is, which also gives the forecast its spread.
// Constants below were chosen with bench/forecast_backtest.cc (horizon 24 h, six trace families),
// sweeping each over the values named and keeping the one with the lowest median error and
// fewest false alarms across families.
inline constexpr double kLongRunHours = 7 * 24;
// Until this many complete days exist, persistence and day-to-day spread are assumed, not learnt.
inline constexpr int kLearnFromDays = 5;
inline constexpr double kDefaultPersistence = 0.5;
inline constexpr double kDefaultDayVariance = 0.09;  // factors spread by +-30 %
inline constexpr double kMinDayVariance = 0.0025;    // +-5 %: no history is that regular
inline constexpr double kDefaultHourCv = 0.5;
inline constexpr double kMinHourVariance = 0.01;  // +-10 % per hour, for the same reason
inline constexpr double kMaxLeverage = 0.8;
// The profile's shrinkage toward the hour-of-day shape (toward flat for the hour-of-day profile),
// in pseudo-observations per slot (0.5, 1, 2, 4 tried): a slot has only 1..4 observations in 28
// days; 2 damped noise (fewer false alarms everywhere) while 4 began to blur the weekly pattern
// of the weekly-reset trace.
inline constexpr double kProfilePrior = 2;
// The day-over-day trend is noisy: it is clamped, and only this share of it is extrapolated
// (0, 0.25, 0.5, 1 tried; 1 cried wolf on the weekly-reset trace).
inline constexpr double kTrendClamp = 0.5;
inline constexpr double kTrendDamping = 0.5;
// The trend line never drifts beyond these multiples of the week's mean day factor.
inline constexpr double kMinGrowth = 0.5;
inline constexpr double kMaxGrowth = 2;
// Confidence = hours / (hours + kConfidenceHalfHours) / (1 + cv), where cv is the coefficient of
// variation of the hourly residuals (use minus the modelled rate) over the last week: half
// confidence after two days of perfectly regular use, less the more erratic the use is.
inline constexpr double kConfidenceHalfHours = 48;
inline constexpr double kSimpleMaxConfidence = 0.3;

// The helpers the steps call inside their loops are defined here, inline: router_core is built as
// position-independent code, where the compiler does not inline a call to an ordinary external
// function (another definition could interpose it), and these run once per hour of history.

// The hour-of-week slot (0 = Sunday 00:00 local) of `at_ms`.
inline int Slot(const calendar::Zone& zone, int64_t at_ms) {
  const calendar::CivilTime c = zone.ToCivil(at_ms);
  return calendar::DayOfWeek(c.year, c.month, c.day) * 24 + c.hour;
}

// An hour's noise variance in units of hour_variance: proportional to its expected use squared,
// plus a term that keeps quiet hours (a small expected use) from claiming small absolute noise.
inline double HourSpread(double expected, double level) {
  return expected * expected + expected * level;
}

// One hour of the history: [start_ms, start_ms + duration * 1 h) holds `value`.
struct Hour {
  int64_t start_ms;
  double duration;  // 1, or less for the current hour
  double value;
  double shape = 1;     // the profile's factor for this hour (1 without a profile)
  double leverage = 0;  // the hour's own weight in its profile slot
  size_t day = 0;       // index of its local day
  size_t slot = 0;      // hour-of-week slot, set when a profile is built
  double fixed = 0;     // the regular fixed use (RemoveFixed) taken out of `value`
};

// Factors per hour-of-week slot (mean 1), and how many hours each rests on.
struct Profile {
  std::array<double, kSlots> factor;
  std::array<double, kSlots> observations;
};

// One local day of the history: its use against what the level and profile expect of it.
struct Day {
  int64_t start_ms;
  double use = 0, expected = 0;
  // Sums over its complete hours of use x expected / spread and expected^2 / spread: their ratio
  // is the day's factor by weighted least squares under the model's own hour noise (HourSpread),
  // and the second is that estimate's precision in units of hour_variance.
  double weighted_use = 0, weighted_expected = 0;
};

// use / expected: the day's factor, 1 for a day nothing was expected of.
inline double FactorOf(const Day& day) { return day.expected > 0 ? day.use / day.expected : 1.0; }

// The damped day-over-day trend line of the day factors.
struct Trend {
  double mean_factor = 1;  // mean factor of the fitted days
  double slope = 0;        // damped change of the factor per day
  double mean_day = 0;     // mean of the fitted days, in days from today (negative)
  double per_day = 0;      // undamped, clamped relative trend: Forecast::trend_per_day
  // The line at `days_from_today` (fractional; negative in the past), clamped to
  // [kMinGrowth, kMaxGrowth] x mean_factor.
  double At(double days_from_today) const {
    return std::clamp(mean_factor + slope * (days_from_today - mean_day), kMinGrowth * mean_factor,
                      kMaxGrowth * mean_factor);
  }
};

// A fixed job (a nightly cron run) uses about the same every day whatever the day's factor, so it
// is no part of level x profile x factor: scaled with the day it misfits every day, inflates the
// hour noise and hides a heavy day. An hour of day holds a fixed part when its use on each of the
// last kFixedDays complete days (at least kFixedFromDays of them) was at least kFixedRegularity of
// its median: then the least of them is fixed. Office hours vary with the day far more than that
// (a weekend, a quiet day), so they keep no fixed part.
inline constexpr int kFixedDays = 14;
inline constexpr int kFixedFromDays = 5;
inline constexpr double kFixedRegularity = 0.7;
using FixedUse = std::array<double, 24>;  // per local hour of day

// What the history says, shared by the steps after the fit. FitModel fills every field; a test may
// fill by hand just the fields the step under test reads.
struct Model {
  Method method = Method::kSimple;
  double history_hours = 0;                   // from the first hour with use to now
  int64_t today_ms = 0;                       // start of the local day containing now
  Profile profile{};                          // flat (all 1) for kSimple
  double level = 0;                           // use per profile-weighted hour over the last week
  std::vector<Day> days;                      // oldest first; the last is today's
  double persistence = kDefaultPersistence;   // of a day's departure from the trend into the next
  double day_variance = kDefaultDayVariance;  // of a day's factor around what persistence predicts
  double hour_variance = 0;                   // relative hour-to-hour noise (see HourSpread)
  Trend trend;
  double today = 1;  // today's factor
  double today_variance = kDefaultDayVariance;
  FixedUse fixed{};  // regular fixed use per local hour of day, outside the scaled model

  // The profile's factor for the hour containing at_ms.
  double ShapeAt(const calendar::Zone& zone, int64_t at_ms) const {
    return profile.factor[static_cast<size_t>(Slot(zone, at_ms))];
  }
};

// Cumulative use as a piecewise-linear function of time: history, then projection.
class Cumulative {
 public:
  // REQUIRES: at_ms not before the last point added.
  void Add(int64_t at_ms, double total) { points_.emplace_back(at_ms, total); }
  const std::vector<std::pair<int64_t, double>>& points() const { return points_; }
  // 0 before the first point, the last total after the last one, linear in between.
  double At(int64_t at_ms) const {
    if (points_.empty() || at_ms <= points_.front().first) return 0;
    if (at_ms >= points_.back().first) return points_.back().second;
    auto next = std::upper_bound(points_.begin(), points_.end(), at_ms,
                                 [](int64_t t, const auto& p) { return t < p.first; });
    auto prev = next - 1;
    const double share =
        static_cast<double>(at_ms - prev->first) / static_cast<double>(next->first - prev->first);
    return prev->second + share * (next->second - prev->second);
  }

 private:
  std::vector<std::pair<int64_t, double>> points_;  // ascending times
};

// One step of the projection, (from_ms, to_ms], with what its spread is made of.
struct Step {
  int64_t from_ms, to_ms;
  double persisted;  // expected use at factor 1, times persistence^days ahead
  double surprise;   // expected use at factor 1, times the sd of later days' own surprises
  double mean;       // expected use
};

struct Projection {
  Cumulative cumulative;    // history, then the projection
  std::vector<Step> steps;  // the projection only
};

// The standard normal distribution function and its inverse.
double Phi(double z);
double InversePhi(double p);

// The forecast's window facts (provider, window, unit, limit, used, remaining, resets_at_ms).
Forecast StartForecast(const quota::WindowState& window);

// The hours of `history` from its first hour with use up to now (negative values read as 0; the
// current hour's duration is its elapsed share).
std::vector<Hour> CollectHours(const HourlySeries& history, int64_t now_ms);

Method MethodFor(double history_hours);

// The profile from the complete hours before `until_ms` (today's hours are evidence for today's
// factor, not for the shape). Weekly: each slot shrunk toward its hour of day; otherwise every day
// has the hour-of-day shape, shrunk toward flat. REQUIRES: each hour's slot is set.
Profile BuildProfile(const std::vector<Hour>& hours, bool weekly, int64_t until_ms);

// The profile for `method` (flat for kSimple), and each hour's slot, shape and leverage in it.
Profile FitProfile(Method method, const calendar::Zone& zone, int64_t today_ms,
                   std::vector<Hour>* hours);

// The fixed use per local hour of day (see kFixedDays) from the complete days before today_ms.
FixedUse FixedPerHour(const std::vector<Hour>& hours, const calendar::Zone& zone, int64_t today_ms);

// Takes each hour's fixed part out of its value into Hour::fixed (at most the value: the current
// hour may hold part of it yet), so the scaled model fits the variable part only.
void RemoveFixed(const FixedUse& fixed, const calendar::Zone& zone, std::vector<Hour>* hours);

// Use per profile-weighted hour over the last kLongRunHours, from complete hours (the current one
// only when it is all there is).
double Level(const std::vector<Hour>& hours, int64_t now_ms);

// The local days of `hours`, with each hour's day index set; a day's use and expectation count its
// complete hours only, so a lump early in the current hour is not read as today's pace.
// REQUIRES: hours non-empty, ascending.
std::vector<Day> SplitDays(double level, const calendar::Zone& zone, std::vector<Hour>* hours);

// A quiet day the profile expected to be quiet (a weekend for a weekday user) says little about
// the next busy one: day factors are learnt from, and carried over from, complete days expected
// to hold at least this share of the mean complete day.
inline constexpr double kInformativeDayShare = 0.5;
// The least a complete day before `today_ms` must be expected to hold to count (see above).
double InformativeFrom(const std::vector<Day>& days, int64_t today_ms);

// The factors of the informative complete days before `today_ms`, oldest first.
std::vector<double> CompleteDayFactors(const std::vector<Day>& days, int64_t today_ms);

// Persistence (lag-one autocorrelation of `factors`, clamped to [0, 1]) and the day variance
// around what the day before predicts; the defaults with fewer than kLearnFromDays factors.
struct DayPersistence {
  double persistence = kDefaultPersistence;
  double day_variance = kDefaultDayVariance;
};
DayPersistence FitPersistence(const std::vector<double>& factors);

// Hour-to-hour noise relative to HourSpread, from the complete hours of the last week; against
// their day's factor when `fitted_days`, else against the level and profile alone.
double HourVariance(const std::vector<Hour>& hours, const std::vector<Day>& days, double level,
                    bool fitted_days, int64_t now_ms);

// A least-squares line through the last week's informative complete day factors, damped and
// clamped; the flat line at 1 with fewer than two such days.
Trend FitTrend(const std::vector<Day>& days, int64_t today_ms);

// Today's factor and its variance: the trend line plus the last informative day's departure from
// it, persisted once per day since (so Monday follows Friday, not the quiet Sunday the profile
// expected), updated by today's pace so far over its complete hours. The pace is the weighted
// least-squares factor (Day::weighted_use / weighted_expected), not use / expected: in a ratio of
// sums one large regular hour (a nightly job that uses as much as the rest of the day) outweighs
// every other hour and hides a heavy day until it is nearly over. Reads method, days,
// persistence, day_variance, hour_variance, trend and today_ms of `model`.
struct TodayFactor {
  double factor;
  double variance;
};
TodayFactor EstimateToday(const Model& model);

// Every step above, in order. `hours` gets its slots, shapes, leverages and days.
// REQUIRES: hours non-empty.
Model FitModel(int64_t now_ms, const calendar::Zone& zone, std::vector<Hour>* hours);

double Confidence(const Model& model);
// One line: how much history and which method; `reading_kind` is the window's basis kind.
std::string Basis(const Model& model, const std::string& reading_kind);

// The share of the current hour's remaining expected use still to come: what the whole hour is
// expected to hold less what it already holds, at most the elapsed-share remainder (so a burst at
// the start of the hour is not followed by a full hour's worth more). 1 on a whole hour.
double CurrentHourScale(const Model& model, const Hour& current, int64_t now_ms,
                        const calendar::Zone& zone);

// The fixed use (Model::fixed) due in the step (from_ms, to_ms]: in the current hour what of its
// fixed part has not come yet, else the hour's fixed part by the step's share of the hour.
double FixedDue(const Model& model, const Hour& current, int64_t from_ms, int64_t to_ms,
                const calendar::Zone& zone);

// The history's cumulative use, then the projection hour by hour (steps end on whole hours) from
// now_ms to end_ms: the scaled variable part plus the fixed part still due in each step.
Projection Project(const Model& model, const std::vector<Hour>& hours, int64_t now_ms,
                   int64_t end_ms, const calendar::Zone& zone);

// The variance of projected use within (from_ms, to_ms], in two parts: `day`, the error in the
// days' factors, shared by every moment of the projection, and `hour`, the hour-to-hour noise of
// just those hours.
struct VarianceParts {
  double day = 0, hour = 0;
};
VarianceParts SplitVarianceBetween(const Projection& projection, const Model& model,
                                   int64_t from_ms, int64_t to_ms);

// The variance of projected use within (from_ms, to_ms], steps counted by their overlap: the error
// in today's factor (carried into later days by the persistence), later days' own surprises, and
// hour-to-hour noise.
double VarianceBetween(const Projection& projection, const Model& model, int64_t from_ms,
                       int64_t to_ms);

// The window's use over the projection. Calendar windows keep what is used now and add the
// projection; rolling windows also lose what ages out. Borrows its arguments: they must outlive it.
class WindowUse {
 public:
  WindowUse(const quota::WindowState& window, const Projection& projection, const Model& model,
            int64_t now_ms);

  // Median use in the window at t.
  double UsedAt(int64_t t) const;
  // Its spread, from the projected use still inside the window at t.
  double SdAt(int64_t t) const;
  // The same in its two parts (SplitVarianceBetween).
  VarianceParts PartsAt(int64_t t) const;
  // The chance that use in the window reaches the limit at t.
  double ChanceBy(int64_t t) const;
  // What the window is over its limit now (negative: under).
  double OverNow() const { return used_now_ - limit_; }
  double limit() const { return limit_; }
  bool rolling() const { return rolling_; }
  int64_t length_ms() const { return length_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  const Projection& projection_;
  const Model& model_;
  int64_t now_ms_;
  bool rolling_;
  int64_t length_;  // of the window
  quota::Basis basis_;
  quota::Span span_;
  int64_t counted_from_;  // the ledger counts from here: the reading, or ever
  double used_now_, limit_;
  double model_now_ = 0;  // Modelled(now_ms)
  double Modelled(int64_t t) const;
};

// The times to check the window at up to last_ms (included), ascending: UsedAt is linear between
// the projection's points and (for rolling windows) those points shifted by the window length.
std::vector<int64_t> CheckTimes(const Cumulative& cumulative, const quota::Span& span,
                                const quota::Basis& basis, int64_t now_ms, int64_t last_ms);

// The chance of running out: a calendar window's use only grows, so that of being out by
// last_ms. A rolling window can run out at any moment: not just at its most likely one (that
// understated the chance), so the chance of some moment crossing, over the days' shared error.
double ExhaustionProbability(const WindowUse& use, const std::vector<int64_t>& checks,
                             int64_t last_ms);

// When it runs out if it does (it does with `probability`): the first crossing of the median of
// the paths that run out; nullopt if that path never crosses by the last check.
std::optional<int64_t> MedianExhaustion(const WindowUse& use, const std::vector<int64_t>& checks,
                                        double probability);

}  // namespace router::forecast::internal
