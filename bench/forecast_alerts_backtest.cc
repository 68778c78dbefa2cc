// What users see from the forecasts. Each synthetic trace's calls are replayed as the plugin
// records them (an llm_output event through runtime::Runtime's recorder and writer thread into a
// SQLite ledger file); after each call `check-alerts` runs as the plugin runs it (after an
// llm_output, at most every 30 s), and the forecast alerts it logs are scored against what the
// trace really did: false alerts per alert a user sees, exhaustions alerted at least 2 h ahead,
// the lead time of the first correct alert and the error of its time relative to that lead. An
// oracle that knows how each family was drawn says which exhaustions the trace so far made
// predictable 2 h ahead (the ceiling). Once an hour, at a random minute, `predict`'s forecast is
// scored too (calibration table, Brier score, median error relative to the horizon). The
// tracker's own threshold warning (80 % used) is the baseline.
//
// Families are split: TUNING families chose the constants and fit the calibration; the README
// quotes EVALUATION families only. Everything is seeded and deterministic.
//
//   router_forecast_alerts_backtest                    tables for both sets (Markdown)
//   router_forecast_alerts_backtest --evaluation       the evaluation families only
//   router_forecast_alerts_backtest --false-alerts     the same, listing each false alert
//   router_forecast_alerts_backtest --late             the same, listing each exhaustion not
//                                                      alerted 2 h ahead
//   router_forecast_alerts_backtest --calibrate FILE   fit data/forecast_calibration.json on the
//                                                      tuning families and write it to FILE; print
//                                                      their raw chances' table per window kind

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/config/options.h"
#include "router/forecast/predictor.h"
#include "router/ledger/ledger.h"
#include "router/quota/window.h"
#include "router/runtime/runtime.h"

namespace {

using nlohmann::json;
using router::calendar::Zone;

constexpr int64_t kMin = router::kMsPerMinute;
constexpr int64_t kHour = router::kMsPerHour;
constexpr int64_t kDay = router::kMsPerDay;
constexpr int64_t kHorizon = 24 * kHour;
constexpr int64_t kLead = 2 * kHour;
constexpr int64_t kCheckEveryMs = 30'000;  // index.js: ALERT_CHECK_INTERVAL_MS
constexpr int kDays = 119;                 // 17 weeks from Mon 2026-02-02: across the DST change

// splitmix64: the same numbers on every platform, unlike std:: distributions.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  double Uniform(double low = 0, double high = 1) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return low + (high - low) * static_cast<double>(z >> 11) / 9007199254740992.0;
  }
  // exp(N(0, sigma^2)) by Box-Muller: heavy-tailed day totals with median 1.
  double LogNormal(double sigma) {
    const double u = std::max(Uniform(), 1e-12), v = Uniform();
    return std::exp(sigma * std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v));
  }

 private:
  uint64_t state_;
};

struct Call {
  int64_t at_ms;
  int64_t value;  // tokens, or micro-USD for a budget
};

// A day's total (day index from the start, weekday 0 = Sunday) and its shape: each hour's weight.
using DayTotal = std::function<double(int day, int weekday, Random&)>;
using Shape = std::function<double(int hour, int weekday)>;

struct Family {
  std::string name;
  bool tuning = false;
  std::string window_json;  // the provider's "windows" entry, or its "budget"
  bool budget = false;
  router::config::Schedule schedule;
  int64_t limit = 0;
  std::vector<Call> calls;  // ascending
  // How the calls were drawn, for the oracle: each day's total, its hourly shape, and a fixed job
  // (job_use at local hour job_hour every day, none when job_hour < 0).
  DayTotal total;
  Shape shape;
  int job_hour = -1;
  double job_use = 0;
};

double Office(int hour, int weekday) {
  const bool weekend = weekday == 0 || weekday == 6;
  return (hour >= 9 && hour < 18 ? 1.0 : hour >= 19 && hour < 23 ? 0.2 : 0.0) * (weekend ? 0.1 : 1);
}

// Calls for `use` in one hour: one to three bursts at random minutes, each a few calls 1-3 min
// apart; each call's share is noisy.
void AddHour(int64_t hour_ms, double use, Random& random, std::vector<Call>* calls) {
  if (use <= 0) return;
  std::vector<int64_t> times;
  const int bursts = 1 + static_cast<int>(random.Uniform(0, 2.6));
  for (int b = 0; b < bursts; ++b) {
    int64_t at = hour_ms + static_cast<int64_t>(random.Uniform(0, 50)) * kMin;
    const int n = 1 + static_cast<int>(random.Uniform(0, 5));
    for (int c = 0; c < n && at < hour_ms + kHour; ++c) {
      times.push_back(at);
      at += static_cast<int64_t>(random.Uniform(1, 3)) * kMin +
            static_cast<int64_t>(random.Uniform(0, 59000));
    }
  }
  std::sort(times.begin(), times.end());
  std::vector<double> weights;
  double sum = 0;
  for (size_t i = 0; i < times.size(); ++i) sum += weights.emplace_back(random.Uniform(0.3, 1.7));
  for (size_t i = 0; i < times.size(); ++i)
    calls->push_back({times[i], std::max<int64_t>(1, std::llround(use * weights[i] / sum))});
}

// Day totals from `total(day, weekday)`, spread over the day by `shape` with log-normal hour noise.
std::vector<Call> Generate(const Zone& zone, uint64_t seed, const DayTotal& total,
                           const Shape& shape) {
  Random random(seed);
  std::vector<Call> calls;
  const int64_t start = zone.FromCivil({2026, 2, 2, 0, 0, 0, 0});
  for (int day = 0; day < kDays; ++day) {
    const auto civil = zone.ToCivil(start + day * kDay + 12 * kHour);
    const int64_t midnight = zone.FromCivil({civil.year, civil.month, civil.day, 0, 0, 0, 0});
    const int weekday = router::calendar::DayOfWeek(civil.year, civil.month, civil.day);
    const double day_total = total(day, weekday, random);
    double weight_sum = 0;
    for (int h = 0; h < 24; ++h) weight_sum += shape(h, weekday);
    if (weight_sum <= 0) continue;
    for (int h = 0; h < 24; ++h) {
      const double w = shape(h, weekday);
      if (w <= 0) continue;
      const int64_t hour_ms = midnight + h * kHour;  // a DST day is 23 or 25 h: close enough
      AddHour(hour_ms, day_total * w / weight_sum * random.LogNormal(0.3), random, &calls);
    }
  }
  std::sort(calls.begin(), calls.end(),
            [](const Call& a, const Call& b) { return a.at_ms < b.at_ms; });
  return calls;
}

void Fill(Family* family, const Zone& zone, uint64_t seed, DayTotal total, Shape shape) {
  family->calls = Generate(zone, seed, total, shape);
  family->total = std::move(total);
  family->shape = std::move(shape);
}

router::config::Schedule DailySchedule() { return {}; }
router::config::Schedule RollingSchedule(int hours) {
  router::config::Schedule s;
  s.kind = router::config::Schedule::Kind::kRolling;
  s.period_ms = hours * kHour;
  return s;
}

router::config::Schedule WeeklySchedule(int day_of_week, int hour) {
  router::config::Schedule s;
  s.kind = router::config::Schedule::Kind::kWeekly;
  s.day_of_week = day_of_week;
  s.hour = hour;
  return s;
}

Family Tokens(const std::string& name, bool tuning, int64_t limit, const std::string& schedule_json,
              router::config::Schedule schedule) {
  Family f;
  f.name = name;
  f.tuning = tuning;
  f.limit = limit;
  f.schedule = schedule;
  f.window_json = R"({"windows": [{"name": "w", "limit": )" + std::to_string(limit) +
                  R"(, "schedule": )" + schedule_json + "}]}";
  return f;
}

std::vector<Family> Families(const Zone& zone) {
  std::vector<Family> out;
  uint64_t seed = 20261206;
  const auto uniform_day = [](double mean) {
    return [mean](int, int, Random& r) { return mean * r.Uniform(0.6, 1.4); };
  };
  const auto lognormal_day = [](double median, double sigma, double weekend) {
    return [=](int, int weekday, Random& r) {
      return median * r.LogNormal(sigma) * (weekday == 0 || weekday == 6 ? weekend : 1);
    };
  };
  const std::string daily = R"({"type": "daily", "hour": 0})";
  const std::string rolling5 = R"({"type": "rolling", "hours": 5})";

  // ---- TUNING ----
  {
    Family f = Tokens("office days, daily", true, 88'000, daily, DailySchedule());
    Fill(&f, zone, seed++, uniform_day(80'000), Office);
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("office days, rolling 5 h", true, 40'000, rolling5, RollingSchedule(5));
    Fill(&f, zone, seed++, uniform_day(80'000), Office);
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("6-hourly cron, daily", true, 30'000, daily, DailySchedule());
    Fill(&f, zone, seed++, uniform_day(28'800), [](int h, int) { return h % 6 == 2 ? 30.0 : 1.0; });
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("log-normal all week, bursty, daily", true, 90'000, daily, DailySchedule());
    Fill(&f, zone, seed++, lognormal_day(60'000, 0.6, 1),
         [](int h, int) { return h >= 8 ? 1.0 : 0.0; });
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("weekdays, weekly reset Wed 07:00", true, 420'000,
                      R"({"type": "weekly", "dayOfWeek": 3, "hour": 7})", WeeklySchedule(3, 7));
    Fill(&f, zone, seed++, lognormal_day(80'000, 0.4, 0.1), Office);
    out.push_back(std::move(f));
  }

  // ---- EVALUATION ----
  {
    Family f = Tokens("heavy-tailed weekdays, weekly reset Mon 07:00 across DST", false, 330'000,
                      R"({"type": "weekly", "dayOfWeek": 1, "hour": 7})", WeeklySchedule(1, 7));
    Fill(&f, zone, seed++, lognormal_day(50'000, 0.7, 0.15), Office);
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("usage ramp, daily", false, 80'000, daily, DailySchedule());
    Fill(
        &f, zone, seed++,
        [](int day, int, Random& r) { return (30'000 + 800.0 * day) * r.Uniform(0.8, 1.2); },
        Office);
    out.push_back(std::move(f));
  }
  {
    Family f =
        Tokens("two-week vacation, rolling 5 h", false, 40'000, rolling5, RollingSchedule(5));
    Fill(
        &f, zone, seed++,
        [](int day, int, Random& r) {
          return day >= 49 && day < 63 ? 0 : 80'000 * r.Uniform(0.6, 1.4);
        },
        Office);
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("nightly cron 02:00 + office, daily", false, 150'000, daily, DailySchedule());
    Random job(seed++);
    Fill(&f, zone, seed++, lognormal_day(64'000, 0.4, 0.2), Office);
    f.job_hour = 2;
    f.job_use = 60'000;
    for (int day = 0; day < kDays; ++day) {  // 60k in six calls 02:00-02:10
      const auto c = zone.ToCivil(zone.FromCivil({2026, 2, 2, 12, 0, 0, 0}) + day * kDay);
      const int64_t at = zone.FromCivil({c.year, c.month, c.day, 2, 0, 0, 0});
      for (int i = 0; i < 6; ++i)
        f.calls.push_back(
            {at + i * 2 * kMin + static_cast<int64_t>(job.Uniform(0, 60'000)), 10'000});
    }
    std::sort(f.calls.begin(), f.calls.end(),
              [](const Call& a, const Call& b) { return a.at_ms < b.at_ms; });
    out.push_back(std::move(f));
  }
  {
    Family f;
    f.name = "dollar budget $5/day, an expensive week";
    f.budget = true;
    f.limit = 5'000'000;
    f.schedule = DailySchedule();
    f.window_json = R"({"budget": {"dailyLimit": 5}})";
    Fill(
        &f, zone, seed++,
        [](int day, int, Random& r) {
          return 3'200'000 * r.LogNormal(0.35) * (day >= 70 && day < 77 ? 2.2 : 1.0);
        },
        Office);
    out.push_back(std::move(f));
  }
  {
    router::config::Schedule monthly;
    monthly.kind = router::config::Schedule::Kind::kMonthly;
    monthly.day_of_month = 1;
    Family f = Tokens("sparse use, monthly", false, 900'000,
                      R"({"type": "monthly", "dayOfMonth": 1})", monthly);
    Fill(
        &f, zone, seed++,
        [](int, int, Random& r) { return r.Uniform() < 0.2 ? 150'000 * r.LogNormal(0.5) : 0.0; },
        Office);
    out.push_back(std::move(f));
  }
  {
    Family f = Tokens("log-normal office, bursty, daily", false, 100'000, daily, DailySchedule());
    Fill(&f, zone, seed++, lognormal_day(70'000, 0.6, 0.15),
         [](int h, int wd) { return Office(h, wd) * (h == 10 || h == 15 ? 3 : 1); });
    out.push_back(std::move(f));
  }
  return out;
}

// ---- The truth: where the window stands at any instant, as the tracker measures it ----

class Truth {
 public:
  Truth(const Family& family, const Zone& zone) : family_(family), zone_(zone) {
    prefix_.push_back(0);
    for (const Call& c : family.calls) prefix_.push_back(prefix_.back() + c.value);
    FindExhaustions();
  }
  router::quota::Span SpanAt(int64_t t) const {
    return router::quota::CurrentWindow(family_.schedule, zone_, t);
  }
  // Use of the calls at or after from and at or before t.
  int64_t Between(int64_t from, int64_t t) const {
    return prefix_[Index(t + 1)] - prefix_[Index(from)];
  }
  int64_t UsedAt(int64_t t) const { return Between(SpanAt(t).start_ms, t); }
  bool Out(int64_t t) const { return UsedAt(t) >= family_.limit; }
  // The first exhaustion after t within the horizon and (calendar windows) before the reset.
  std::optional<int64_t> NextExhaustion(int64_t t) const {
    const router::quota::Span span = SpanAt(t);
    const int64_t end = span.rolling ? t + kHorizon : std::min(t + kHorizon, span.end_ms);
    auto it = std::upper_bound(exhaustions_.begin(), exhaustions_.end(), t);
    if (it != exhaustions_.end() && *it <= end) return *it;
    return std::nullopt;
  }
  const std::vector<int64_t>& exhaustions() const { return exhaustions_; }
  // When the period (calendar) or the stretch since the window was last out (rolling) that
  // contains t began: an alert earlier than that cannot be about this exhaustion.
  int64_t EpisodeStart(int64_t t) const {
    const router::quota::Span span = SpanAt(t);
    if (!span.rolling) return span.start_ms;
    auto it = std::lower_bound(exhaustions_.begin(), exhaustions_.end(), t);
    return it == exhaustions_.begin() ? family_.calls.front().at_ms : *(it - 1);
  }

 private:
  size_t Index(int64_t t) const {  // calls before t
    return static_cast<size_t>(
        std::lower_bound(family_.calls.begin(), family_.calls.end(), t,
                         [](const Call& c, int64_t at) { return c.at_ms < at; }) -
        family_.calls.begin());
  }
  void FindExhaustions() {
    bool was_out = false;
    for (const Call& c : family_.calls) {
      const bool out = Out(c.at_ms);
      if (out && !was_out) exhaustions_.push_back(c.at_ms);
      // A calendar window is out until it resets; a rolling one until use ages out.
      was_out = out;
    }
  }
  const Family& family_;
  const Zone& zone_;
  std::vector<int64_t> prefix_;
  std::vector<int64_t> exhaustions_;
};

// ---- The oracle: how early the trace allowed a warning ----
//
// It knows how the family was drawn (each day's total distribution, the hourly shape, the hour
// noise, the fixed job) but not the draws: at time t it weighs draws of today's total by how well
// they explain today's complete hours so far (importance sampling), draws later days from their
// distribution, simulates the rest of the horizon hour by hour, and states the share of paths that
// run out. An exhaustion is predictable 2 h ahead when, at some moment from its episode's start
// (at most a horizon before) to 2 h before it, that share reached forecast::kWarnProbability. No
// forecaster that sees only the trace so far can do much better; it works in whole hours (a
// rolling window is checked at hour ends), so it is a close ceiling, not an exact one.

constexpr double kHourSigma = 0.3;  // Generate's hour noise
constexpr int kPriorDraws = 2000;
constexpr int kPaths = 400;

class Oracle {
 public:
  Oracle(const Family& family, const Zone& zone, const Truth& truth)
      : family_(family), truth_(truth) {
    const int64_t start = zone.FromCivil({2026, 2, 2, 0, 0, 0, 0});
    for (int day = 0; day < kDays + 2; ++day) {
      const auto c = zone.ToCivil(start + day * kDay + 12 * kHour);
      midnights_.push_back(zone.FromCivil({c.year, c.month, c.day, 0, 0, 0, 0}));
      weekdays_.push_back(router::calendar::DayOfWeek(c.year, c.month, c.day));
    }
  }

  bool Predictable(int64_t exhaustion) const {
    Random random(static_cast<uint64_t>(exhaustion));
    const int64_t from = std::max(truth_.EpisodeStart(exhaustion), exhaustion - kHorizon);
    for (int64_t t = exhaustion - kLead; t >= from; t -= kHour) {
      if (truth_.Out(t) || truth_.NextExhaustion(t) != exhaustion) continue;
      if (Chance(t, random) >= router::forecast::kWarnProbability) return true;
    }
    return false;
  }

 private:
  double WeightSum(int weekday) const {
    double sum = 0;
    for (int h = 0; h < 24; ++h) sum += family_.shape(h, weekday);
    return sum;
  }
  double Job(int hour) const { return hour == family_.job_hour ? family_.job_use : 0; }
  // One simulated hour of day `day` whose total is `total`.
  double HourUse(int day, int hour, double total, Random& random) const {
    const double w = family_.shape(hour, weekdays_[static_cast<size_t>(day)]);
    const double drawn = w > 0 && total > 0
                             ? total * w / WeightSum(weekdays_[static_cast<size_t>(day)]) *
                                   random.LogNormal(kHourSigma)
                             : 0;
    return drawn + Job(hour);
  }

  // Draws of today's total, as cumulative weights by how well each explains the complete hours.
  std::vector<std::pair<double, double>> Posterior(int day, int hour_now, Random& random) const {
    const int weekday = weekdays_[static_cast<size_t>(day)];
    const double weight_sum = WeightSum(weekday);
    std::vector<std::pair<double, double>> observed;  // (shape share, use) of complete hours
    for (int h = 0; h < hour_now; ++h) {
      const double w = family_.shape(h, weekday);
      const int64_t at = midnights_[static_cast<size_t>(day)] + h * kHour;
      const auto use = static_cast<double>(truth_.Between(at, at + kHour - 1));
      if (w > 0) observed.emplace_back(w / weight_sum, use - Job(h));
    }
    std::vector<std::pair<double, double>> draws;  // (total, log-likelihood), then cumulative
    double best = -INFINITY;
    for (int i = 0; i < kPriorDraws; ++i) {
      const double total = family_.total(day, weekday, random);
      double ll = 0;
      for (const auto& [share, use] : observed) {
        if (total <= 0 || use <= 0.5) {
          ll = (total <= 0) == (use <= 0.5) ? ll : -INFINITY;
        } else {
          const double z = std::log(use / (total * share)) / kHourSigma;
          ll -= z * z / 2;
        }
        if (std::isinf(ll)) break;
      }
      best = std::max(best, ll);
      draws.emplace_back(total, ll);
    }
    double cumulative = 0;
    for (auto& [total, ll] : draws) ll = cumulative += std::isinf(best) ? 1.0 : std::exp(ll - best);
    return draws;
  }

  double Chance(int64_t t, Random& random) const {
    const auto day_it = std::upper_bound(midnights_.begin(), midnights_.end(), t) - 1;
    const int day = static_cast<int>(day_it - midnights_.begin());
    const int hour_now = std::clamp(static_cast<int>((t - *day_it) / kHour), 0, 23);
    const auto posterior = Posterior(day, hour_now, random);
    const router::quota::Span span = truth_.SpanAt(t);
    const int64_t length = span.end_ms - span.start_ms;
    const int64_t end = span.rolling ? t + kHorizon : std::min(t + kHorizon, span.end_ms);
    // The simulated hours: (start, already used in it by t); and for rolling windows the trace's
    // use still inside the window at each hour's end.
    std::vector<std::pair<int64_t, double>> hours;
    std::vector<int> days, hours_of_day;
    for (int d = day, h = hour_now;; ++h) {
      if (h == 24) h = 0, ++d;
      const int64_t at = midnights_[static_cast<size_t>(d)] + h * kHour;
      if (at >= end) break;
      hours.emplace_back(at, at <= t ? static_cast<double>(truth_.Between(at, t)) : 0);
      days.push_back(d);
      hours_of_day.push_back(h);
    }
    std::vector<double> past_inside;
    for (const auto& [at, _] : hours) {
      const int64_t from = at + kHour - length;
      past_inside.push_back(span.rolling && from <= t ? static_cast<double>(truth_.Between(from, t))
                                                      : 0);
    }
    const double used_now = static_cast<double>(truth_.UsedAt(t));
    const double limit = static_cast<double>(family_.limit);
    int ran_out = 0;
    std::vector<double> simulated(hours.size());
    for (int path = 0; path < kPaths; ++path) {
      const double pick = random.Uniform(0, posterior.back().second);
      double today =
          std::lower_bound(posterior.begin(), posterior.end(), pick, [](const auto& d, double p) {
            return d.second < p;
          })->first;
      int drawn_day = day;
      double total = used_now;
      bool out = false;
      for (size_t i = 0; i < hours.size() && !out; ++i) {
        if (days[i] != drawn_day) {
          drawn_day = days[i];
          today = family_.total(drawn_day, weekdays_[static_cast<size_t>(drawn_day)], random);
        }
        const double use =
            std::max(0.0, HourUse(drawn_day, hours_of_day[i], today, random) - hours[i].second);
        simulated[i] = use;
        if (!span.rolling) {
          const int64_t hour_end = hours[i].first + kHour;
          total += use * (hour_end > end ? static_cast<double>(end - hours[i].first) / kHour : 1);
          out = total >= limit;
          continue;
        }
        double inside = past_inside[i];
        for (size_t j = i + 1; j-- > 0 && hours[j].first + kHour > hours[i].first + kHour - length;)
          inside += simulated[j];
        out = inside >= limit;
      }
      ran_out += out ? 1 : 0;
    }
    return static_cast<double>(ran_out) / kPaths;
  }

  const Family& family_;
  const Truth& truth_;
  std::vector<int64_t> midnights_;
  std::vector<int> weekdays_;
};

// ---- Replay ----

struct Alert {
  int64_t at_ms;
  std::optional<int64_t> predicted_ms;  // forecast alerts only
  std::string message;
};

struct Sample {  // an hourly `predict`
  double raw, probability;
  bool ran_out;
  bool rolling;  // a rolling window's forecast: not fitted by the calibration (FitCalibration)
  double error;  // |forecast - actual| / horizon when it ran out; no time counts as the horizon
};

struct Replay {
  std::vector<Alert> forecast_alerts, threshold_alerts;
  std::vector<Sample> samples;
};

std::string Config(const Family& f) {
  return R"({"timezone": "America/Chicago", "predictionHorizonHours": 24, "providers": {"p": )" +
         f.window_json + "}}";
}

// The llm_output event the plugin's hook hands the recorder for one call (usage::FromLlmOutput):
// tokens as input, or, for a budget, the cost OpenClaw reported.
json LlmOutput(const Family& family, const Call& call, size_t index) {
  json usage = {{"input", family.budget ? 1000 : call.value}, {"output", 0}};
  usage["total"] = usage["input"];
  if (family.budget) usage["cost"] = {{"total", static_cast<double>(call.value) / 1e6}};
  return {{"provider", "p"},
          {"model", "m"},
          {"runId", "run-" + std::to_string(index)},
          {"trigger", "user"},
          {"usage", usage}};
}

// A fresh directory for the replay's ledger file, removed with it.
class ReplayDir {
 public:
  ReplayDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "forecast-backtest-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ReplayDir() { std::filesystem::remove_all(path_); }
  ReplayDir(const ReplayDir&) = delete;
  ReplayDir& operator=(const ReplayDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The plugin's path: each call goes through Runtime::RecordLlmOutput (the recorder, its async
// writer, the SQLite ledger file), and `check-alerts` runs through Runtime::Run, which commits
// the queue first. The queue is also flushed before each read here so the replay is
// deterministic (the plugin waits up to 2 s for it).
Replay Run(const Family& family, const Truth& truth) {
  // Recorders are process-wide and drained at exit (runtime.cc's RecorderRegistry), holding their
  // clock and ledger file until then: these statics are built before the first recorder, so they
  // are destroyed after it.
  static std::deque<router::FakeClock> clocks;
  static const ReplayDir dir;
  static int replays = 0;
  Replay out;
  json config = json::parse(Config(family));
  config["ledger"] = {{"path", dir.File(std::to_string(replays++) + ".sqlite")}};
  router::FakeClock& clock = clocks.emplace_back(family.calls.front().at_ms);
  auto opened = router::runtime::Runtime::Open({config, json::object()}, {&clock, dir.File("")});
  if (!opened.ok()) std::abort();
  router::runtime::Runtime& runtime = *opened.value();
  const auto ledger = [&runtime]() {
    if (!runtime.recorder().Flush(60'000).ok()) std::abort();
    return runtime.recorder().Ledger().value();
  };
  Random random(std::hash<std::string>{}(family.name) & 0xffff);
  int64_t last_check = -kDay;
  int64_t next_sample = (family.calls.front().at_ms / kHour + 1) * kHour;
  for (size_t i = 0; i < family.calls.size(); ++i) {
    const Call& call = family.calls[i];
    // Hourly predicts at a random minute, between the calls.
    while (next_sample < call.at_ms) {
      const int64_t at = next_sample + static_cast<int64_t>(random.Uniform(0, 59)) * kMin;
      next_sample += kHour;
      if (at >= call.at_ms || truth.Out(at)) continue;
      auto forecasts = router::forecast::PredictWindows(runtime.options(), *ledger(), at, 24);
      if (!forecasts.ok() || forecasts->empty()) continue;
      const auto& f = forecasts->front();
      const auto actual = truth.NextExhaustion(at);
      const int64_t said = f.exhausts_at_ms.value_or(at + kHorizon);
      out.samples.push_back(
          {f.raw_probability, f.probability, actual.has_value(), f.length_ms > 0,
           actual ? std::fabs(static_cast<double>(said - *actual)) / kHorizon : 0});
    }
    clock.Set(call.at_ms);
    runtime.RecordLlmOutput(LlmOutput(family, call, i));
    if (call.at_ms - last_check < kCheckEveryMs) continue;
    last_check = call.at_ms;
    (void)ledger();
    auto result = runtime.Run("check-alerts", json::object());
    if (!result.ok()) std::abort();
    for (const auto& m : result.value()["new"]) {
      const std::string message = m.get<std::string>();
      if (message.find("forecast to run out") != std::string::npos) {
        auto events = ledger()->Events("alert", "p", call.at_ms);
        std::optional<int64_t> predicted;
        for (const auto& e : events.value()) {
          const json payload = json::parse(e.payload);
          if (payload.value("level", "") == "forecast")
            predicted = payload["exhaustsAtMs"].get<int64_t>();
        }
        out.forecast_alerts.push_back({call.at_ms, predicted, message});
      } else if (message.find(" warning: ") != std::string::npos) {
        out.threshold_alerts.push_back({call.at_ms, std::nullopt, message});
      }
    }
  }
  return out;
}

// ---- Scores ----

double Median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

struct AlertScore {
  int alerts = 0, false_alerts = 0;
  int exhaustions = 0, eligible = 0, warned = 0;  // warned: >= 2 h ahead, of the eligible
  std::vector<int64_t> eligible_at, warned_at;    // those exhaustions' times
  int predictable = 0, warned_predictable = 0;    // by the oracle; totals only
  std::vector<double> leads_h, relative_errors;
};

AlertScore ScoreAlerts(const std::vector<Alert>& alerts, const Truth& truth) {
  AlertScore s;
  for (const Alert& a : alerts) {
    ++s.alerts;
    if (!truth.NextExhaustion(a.at_ms)) ++s.false_alerts;
  }
  for (int64_t e : truth.exhaustions()) {
    ++s.exhaustions;
    const int64_t from = std::max(truth.EpisodeStart(e), e - kHorizon);
    std::optional<int64_t> first;
    for (const Alert& a : alerts) {
      if (a.at_ms >= from && a.at_ms < e && truth.NextExhaustion(a.at_ms) == e) {
        first = a.at_ms;
        if (a.predicted_ms) {
          s.relative_errors.push_back(std::fabs(static_cast<double>(*a.predicted_ms - e)) /
                                      static_cast<double>(e - a.at_ms));
        }
        break;
      }
    }
    // A forecaster needs the window's period (or stretch) to have begun 2 h before.
    const bool eligible = e - truth.EpisodeStart(e) >= kLead;
    s.eligible += eligible ? 1 : 0;
    if (eligible) s.eligible_at.push_back(e);
    if (first) {
      s.leads_h.push_back(static_cast<double>(e - *first) / kHour);
      if (eligible && e - *first >= kLead) {
        ++s.warned;
        s.warned_at.push_back(e);
      }
    }
  }
  return s;
}

std::string Percent(int part, int whole) {
  if (whole == 0) return "n/a";
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", 100.0 * part / whole);
  return text;
}

std::string Number(double value, const char* format) {
  if (std::isnan(value)) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

double Brier(const std::vector<Sample>& samples, bool raw) {
  double sum = 0;
  for (const Sample& s : samples) {
    const double p = raw ? s.raw : s.probability;
    sum += (p - (s.ran_out ? 1 : 0)) * (p - (s.ran_out ? 1 : 0));
  }
  return samples.empty() ? NAN : sum / static_cast<double>(samples.size());
}

// A band has enough samples at this many forecasts: then sampling noise alone (binomial, 95 %)
// keeps its observed frequency within 10 points of the truth even at 50 %.
constexpr int kEnoughForecasts = 100;

void PrintCalibration(const std::vector<Sample>& samples, bool raw = false) {
  std::printf(
      "| stated | forecasts | mean stated | ran out | within 10 points (bands of >= %d) |\n| --- "
      "| ---: | ---: | ---: | --- |\n",
      kEnoughForecasts);
  for (int band = 0; band < 10; ++band) {
    int n = 0, hits = 0;
    double stated = 0;
    for (const Sample& s : samples) {
      const double p = raw ? s.raw : s.probability;
      if (std::min(9, static_cast<int>(p * 10)) != band) continue;
      ++n;
      hits += s.ran_out ? 1 : 0;
      stated += p;
    }
    if (n == 0) continue;
    const bool within = std::fabs(stated / n - static_cast<double>(hits) / n) <= 0.1;
    std::printf("| %d-%d%% | %d | %.0f%% | %.0f%% | %s |\n", band * 10, band * 10 + 10, n,
                100 * stated / n, 100.0 * hits / n,
                n < kEnoughForecasts ? "too few"
                : within             ? "yes"
                                     : "NO");
  }
}

// Each false forecast alert of an evaluation family, with where the window stood and how far it
// got before its reset (or within the horizon).
void ListFalseAlerts(const Family& family, const Replay& replay, const Truth& truth,
                     const Zone& zone) {
  for (const Alert& a : replay.forecast_alerts) {
    if (truth.NextExhaustion(a.at_ms)) continue;
    const router::quota::Span span = truth.SpanAt(a.at_ms);
    const int64_t end =
        span.rolling ? a.at_ms + kHorizon : std::min(a.at_ms + kHorizon, span.end_ms);
    int64_t peak = 0;
    for (int64_t t = a.at_ms; t < end; t += 10 * kMin) peak = std::max(peak, truth.UsedAt(t));
    std::printf("%s | %s | used %lld of %lld, at most %lld by %s | %s\n", family.name.c_str(),
                zone.FormatMinute(a.at_ms).c_str(), static_cast<long long>(truth.UsedAt(a.at_ms)),
                static_cast<long long>(family.limit), static_cast<long long>(peak),
                zone.FormatMinute(end).c_str(), a.message.c_str());
  }
}

// Each exhaustion of an evaluation family not alerted 2 h ahead (though its period began 2 h
// before), with its first correct alert if any and whether the oracle could call it: the late
// ones, for finding why.
void ListLate(const Family& family, const Replay& replay, const Truth& truth, const Zone& zone,
              const Oracle& oracle) {
  for (int64_t e : truth.exhaustions()) {
    const int64_t from = std::max(truth.EpisodeStart(e), e - kHorizon);
    if (e - truth.EpisodeStart(e) < kLead) continue;
    std::optional<int64_t> first;
    for (const Alert& a : replay.forecast_alerts) {
      if (a.at_ms >= from && a.at_ms < e && truth.NextExhaustion(a.at_ms) == e) {
        first = a.at_ms;
        break;
      }
    }
    if (first && e - *first >= kLead) continue;
    std::printf("%s | ran out %s | first alert %s | oracle: %s\n", family.name.c_str(),
                zone.FormatMinute(e).c_str(), first ? zone.FormatMinute(*first).c_str() : "none",
                oracle.Predictable(e) ? "predictable" : "not predictable");
  }
}

// ---- Calibration fit: isotonic regression (pool adjacent violators) on binned raw chances ----

// The calibration points from the forecasts of rolling or of calendar windows, written by hand, one
// a line and four decimals, so the file is stable byte for byte.
std::string FitPoints(const std::vector<Sample>& samples, bool rolling) {
  const std::vector<double> edges = {0,   0.001, 0.01, 0.03, 0.06, 0.1,  0.15, 0.2,   0.3,   0.4,
                                     0.5, 0.6,   0.7,  0.8,  0.9,  0.95, 0.98, 0.995, 1.0001};
  struct Block {
    double raw_sum = 0, hits = 0, n = 0;
  };
  std::vector<Block> blocks;
  for (size_t b = 0; b + 1 < edges.size(); ++b) {
    Block block;
    for (const Sample& s : samples) {
      if (s.rolling == rolling && s.raw >= edges[b] && s.raw < edges[b + 1]) {
        block.raw_sum += s.raw;
        block.hits += s.ran_out ? 1 : 0;
        block.n += 1;
      }
    }
    if (block.n > 0) blocks.push_back(block);
  }
  // Pool adjacent violators over the blocks' observed rates, weighted by count.
  std::vector<std::pair<double, double>> pooled;  // (rate, n) per pooled run
  std::vector<size_t> run_of(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    pooled.emplace_back(blocks[i].hits / blocks[i].n, blocks[i].n);
    run_of[i] = pooled.size() - 1;
    while (pooled.size() > 1 && pooled[pooled.size() - 2].first > pooled.back().first) {
      auto last = pooled.back();
      pooled.pop_back();
      auto& prev = pooled.back();
      prev = {(prev.first * prev.second + last.first * last.second) / (prev.second + last.second),
              prev.second + last.second};
      for (size_t j = 0; j <= i; ++j) run_of[j] = std::min(run_of[j], pooled.size() - 1);
    }
  }
  std::string out;
  double last_raw = -1;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const double raw = std::round(blocks[i].raw_sum / blocks[i].n * 10000) / 10000;
    const double rate = std::round(pooled[run_of[i]].first * 10000) / 10000;
    if (raw <= last_raw) continue;
    char point[64];
    std::snprintf(point, sizeof point, "%s\n    [%.4f, %.4f]", last_raw < 0 ? "" : ",", raw, rate);
    out += point;
    last_raw = raw;
  }
  return out;
}

// Fit on calendar windows' forecasts only: the one rolling tuning family runs out nearly every
// working day, so "runs out within 24 h" is true 3 times in 4 whatever its raw chance says, and a
// curve that learnt that would state 76 % for every rolling window with any use.
std::string FitCalibration(const std::vector<Sample>& samples) {
  size_t calendar = 0;
  for (const Sample& s : samples) calendar += s.rolling ? 0 : 1;
  return "{\n  \"about\": \"forecast::Calibrate: raw chance of running out -> how often it came "
         "true on the calendar windows of the tuning families of bench/forecast_alerts_backtest.cc "
         "(isotonic fit over binned raw chances). Regenerate: router_forecast_alerts_backtest "
         "--calibrate data/forecast_calibration.json\",\n  \"samples\": " +
         std::to_string(calendar) + ",\n  \"points\": [" + FitPoints(samples, false) + "\n  ]\n}\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string flag = argc >= 2 ? argv[1] : "";
  const bool calibrate = argc == 3 && flag == "--calibrate";
  const bool evaluation_only =
      argc == 2 && (flag == "--evaluation" || flag == "--false-alerts" || flag == "--late");
  const bool list_false = flag == "--false-alerts";
  const bool list_late = flag == "--late";
  if (argc != 1 && !calibrate && !evaluation_only) {
    std::fprintf(stderr,
                 "usage: router_forecast_alerts_backtest [--evaluation | --false-alerts | --late | "
                 "--calibrate FILE]\n");
    return 2;
  }
  const Zone zone = Zone::Find("America/Chicago").value();
  std::vector<Sample> tuning_samples, evaluation_samples;
  std::map<bool, AlertScore> totals;
  std::vector<std::string> rows[2];
  for (const Family& family : Families(zone)) {
    if ((calibrate && !family.tuning) || (evaluation_only && family.tuning)) continue;
    const Truth truth(family, zone);
    const Replay replay = Run(family, truth);
    auto& samples = family.tuning ? tuning_samples : evaluation_samples;
    samples.insert(samples.end(), replay.samples.begin(), replay.samples.end());
    if (calibrate) continue;
    if (list_false) ListFalseAlerts(family, replay, truth, zone);
    const AlertScore predictor = ScoreAlerts(replay.forecast_alerts, truth);
    const AlertScore baseline = ScoreAlerts(replay.threshold_alerts, truth);
    // The oracle's ceiling, and the predictor's share of what it allowed.
    const Oracle oracle(family, zone, truth);
    if (list_late) ListLate(family, replay, truth, zone, oracle);
    int predictable = 0, warned_predictable = 0;
    for (int64_t e : predictor.eligible_at) {
      if (!oracle.Predictable(e)) continue;
      ++predictable;
      if (std::count(predictor.warned_at.begin(), predictor.warned_at.end(), e) > 0)
        ++warned_predictable;
    }
    AlertScore& total = totals[family.tuning];
    total.alerts += predictor.alerts;
    total.false_alerts += predictor.false_alerts;
    total.eligible += predictor.eligible;
    total.warned += predictor.warned;
    total.predictable += predictable;
    total.warned_predictable += warned_predictable;
    std::vector<double> errors;
    for (const Sample& s : replay.samples)
      if (s.ran_out) errors.push_back(s.error);
    char row[1024];
    std::snprintf(row, sizeof row,
                  "| %s | %zu | %d | %s / %s | %s (%d of %d) | %s (%d of %d) | %s / %s | %s | %s | "
                  "%s | %s |",
                  family.name.c_str(), family.calls.size(), predictor.exhaustions,
                  Percent(predictor.warned, predictor.eligible).c_str(),
                  Percent(baseline.warned, baseline.eligible).c_str(),
                  Percent(predictable, predictor.eligible).c_str(), predictable, predictor.eligible,
                  Percent(warned_predictable, predictable).c_str(), warned_predictable, predictable,
                  Percent(predictor.false_alerts, predictor.alerts).c_str(),
                  Percent(baseline.false_alerts, baseline.alerts).c_str(),
                  Number(Median(predictor.leads_h), "%.1f h").c_str(),
                  Number(100 * Median(predictor.relative_errors), "%.0f%%").c_str(),
                  Number(100 * Median(errors), "%.1f%%").c_str(),
                  Number(Brier(replay.samples, false), "%.3f").c_str());
    rows[family.tuning ? 1 : 0].push_back(row);
  }
  if (calibrate) {
    std::ofstream(argv[2], std::ios::binary) << FitCalibration(tuning_samples);
    for (const bool rolling : {false, true}) {
      std::vector<Sample> kind;
      for (const Sample& s : tuning_samples)
        if (s.rolling == rolling) kind.push_back(s);
      std::printf("\nRaw chances of the tuning families' %s windows:\n\n",
                  rolling ? "rolling" : "calendar");
      PrintCalibration(kind, true);
    }
    return 0;
  }
  for (int set = 0; set < (evaluation_only ? 1 : 2); ++set) {
    std::printf("\n%s families\n\n", set == 0 ? "EVALUATION" : "TUNING");
    std::printf(
        "| family | calls | exhaustions | alerted >= 2 h ahead (forecast / 80%% threshold) | "
        "oracle: predictable 2 h ahead | alerted >= 2 h ahead, of those predictable | false "
        "alerts (forecast / threshold) | median lead of first alert | median error / lead | "
        "median error / horizon | Brier |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: | ---: | ---: | ---: |\n");
    for (const std::string& row : rows[set]) std::printf("%s\n", row.c_str());
    const AlertScore& t = totals[set == 1];
    std::printf(
        "| all | | | %s | %s (%d of %d) | %s (%d of %d) | %s | | | | %s |\n",
        Percent(t.warned, t.eligible).c_str(), Percent(t.predictable, t.eligible).c_str(),
        t.predictable, t.eligible, Percent(t.warned_predictable, t.predictable).c_str(),
        t.warned_predictable, t.predictable, Percent(t.false_alerts, t.alerts).c_str(),
        Number(Brier(set == 0 ? evaluation_samples : tuning_samples, false), "%.3f").c_str());
    std::printf("\nCalibration (%s): hourly forecasts at a random minute, by stated chance.\n\n",
                set == 0 ? "evaluation" : "tuning");
    PrintCalibration(set == 0 ? evaluation_samples : tuning_samples);
  }
  std::printf("\nBrier of the raw (uncalibrated) chance: evaluation %.3f",
              Brier(evaluation_samples, true));
  if (!evaluation_only) std::printf(", tuning %.3f", Brier(tuning_samples, true));
  std::printf("\n");
  return 0;
}
