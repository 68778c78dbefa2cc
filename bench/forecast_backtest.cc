// Backtest of the exhaustion predictor against a naive baseline on deterministic synthetic traces
// (and optionally a real ledger's hourly totals), printing Markdown table rows for the README.
//
//   router_forecast_backtest [LEDGER.sqlite]
//
// (PredictWindows' speed on a 1,000,000-call ledger is measured by router_status_bench.)
//
// Each trace is walked hour by hour (at hh:30, so the current hour is half gone). At each step the
// predictor and the baseline forecast the current window; the truth is the first instant the
// trace's real use reaches the limit within the horizon and before the window resets.
// The baseline: the last 24 h of use divided by the hours since the oldest use in those 24 h, as
// a constant hourly rate from the window's current use (no aging, no profile). The predictor's
// error is scored on its time if it runs out (exhausts_at_ms), its warnings on Warns()
// (probability-gated); a table of other warning probabilities shows the trade-off.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/config/options.h"
#include "router/config/schedule.h"
#include "router/forecast/predictor.h"
#include "router/ledger/ledger.h"
#include "router/quota/window.h"

namespace {

using router::calendar::Zone;
using router::config::Schedule;
using router::forecast::HourlySeries;

constexpr int64_t kHour = router::kMsPerHour;
constexpr int64_t kLead = 2 * kHour;
constexpr int kWarmupHours = 6;

// splitmix64: the same numbers on every platform, unlike std:: distributions.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  double Uniform(double low, double high) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return low + (high - low) * static_cast<double>(z >> 11) / 9007199254740992.0;
  }

 private:
  uint64_t state_;
};

// Each day's demand factor and each hour's noise are drawn uniformly from these ranges.
constexpr double kDayLow = 0.6, kDayHigh = 1.4;
constexpr double kNoiseLow = 0.7, kNoiseHigh = 1.3;

struct Trace {
  std::string family;
  int64_t start_ms = 0;        // a whole hour
  std::vector<double> hourly;  // true use per hour, spread evenly within the hour
  std::vector<std::pair<int64_t, double>> readings;  // use outside the ledger, learnt by set-usage
  Schedule schedule;
  int64_t limit = 0;
  int64_t horizon_ms = 24 * kHour;
  // Traces whose days are drawn independently keep, for the oracle, each hour's use at day factor
  // 1 without noise and the hour's local day. Empty otherwise.
  std::vector<double> base;
  std::vector<int> day;
};

Schedule Daily() { return Schedule{}; }
Schedule Rolling(int hours) {
  Schedule s;
  s.kind = Schedule::Kind::kRolling;
  s.period_ms = hours * kHour;
  return s;
}
Schedule Weekly(int day_of_week, int hour) {
  Schedule s;
  s.kind = Schedule::Kind::kWeekly;
  s.day_of_week = day_of_week;
  s.hour = hour;
  return s;
}

// The true use of a trace: cumulative ledger use (linear within hours) plus outside readings.
class Truth {
 public:
  explicit Truth(const Trace& trace) : trace_(trace), prefix_(trace.hourly.size() + 1, 0) {
    for (size_t i = 0; i < trace.hourly.size(); ++i) prefix_[i + 1] = prefix_[i] + trace.hourly[i];
  }
  double Ledger(int64_t t) const {
    const double hours = std::clamp(static_cast<double>(t - trace_.start_ms) / kHour, 0.0,
                                    static_cast<double>(trace_.hourly.size()));
    const auto whole = static_cast<size_t>(hours);
    const double part = whole < trace_.hourly.size()
                            ? trace_.hourly[whole] * (hours - static_cast<double>(whole))
                            : 0;
    return prefix_[whole] + part;
  }
  double Outside(int64_t after, int64_t through) const {
    double sum = 0;
    for (const auto& [at, value] : trace_.readings) {
      if (at > after && at <= through) sum += value;
    }
    return sum;
  }
  // Use in the window `span` (the window containing t for rolling ones) at t.
  double Used(const router::quota::Span& span, int64_t t) const {
    const int64_t from = span.rolling ? t - (span.end_ms - span.start_ms) : span.start_ms;
    return Ledger(t) - Ledger(from) + Outside(from - 1, t);
  }
  // The first instant after now when the window reaches the limit, within the horizon and before
  // the window resets.
  std::optional<int64_t> Exhaustion(const router::quota::Span& span, int64_t now) const {
    const int64_t end =
        span.rolling ? now + trace_.horizon_ms : std::min(now + trace_.horizon_ms, span.end_ms);
    const double limit = static_cast<double>(trace_.limit);
    int64_t prev = now;
    double prev_used = Used(span, now);
    auto shifted = [&](int64_t t) {
      return router::quota::Span{t - (span.end_ms - span.start_ms), t, span.rolling};
    };
    for (int64_t t = (now / kHour + 1) * kHour; prev < end; t += kHour) {
      const int64_t at = std::min(t, end);
      const double used = Used(span.rolling ? shifted(at) : span, at);
      if (used >= limit) {
        const double share = (limit - prev_used) / (used - prev_used);
        return prev + static_cast<int64_t>(share * static_cast<double>(at - prev));
      }
      prev = at;
      prev_used = used;
    }
    return std::nullopt;
  }

 private:
  const Trace& trace_;
  std::vector<double> prefix_;
};

// A forecaster that knows how an independent-days trace is generated and lacks only the draws still
// to come: today's factor from today's hours so far (each hour's use / base is the factor times
// noise from [kNoiseLow, kNoiseHigh]), later days and all future noise simulated. What it cannot
// foresee, no forecaster can.
struct OracleForecast {
  double probability = 0;
  std::optional<int64_t> exhausts_at_ms;  // the median over the runs that run out
};
OracleForecast Oracle(const Trace& trace, size_t hour, int64_t now, const router::quota::Span& span,
                      Random& random) {
  constexpr int kRuns = 500;
  constexpr int kGrid = 256;
  // The posterior of today's factor: uniform prior; each hour with use limits it to
  // [ratio / kNoiseHigh, ratio / kNoiseLow] with likelihood proportional to 1 / factor.
  double low = kDayLow, high = kDayHigh, informative = 0;
  for (size_t j = hour + 1; j-- > 0 && trace.day[j] == trace.day[hour];) {
    if (trace.base[j] <= 0) continue;
    const double ratio = trace.hourly[j] / trace.base[j];
    low = std::max(low, ratio / kNoiseHigh);
    high = std::max(low, std::min(high, ratio / kNoiseLow));
    informative += 1;
  }
  std::array<double, kGrid> cdf{};
  auto grid = [&](size_t g) { return low + (high - low) * (static_cast<double>(g) + 0.5) / kGrid; };
  for (size_t g = 0; g < kGrid; ++g)
    cdf[g] = (g > 0 ? cdf[g - 1] : 0) + std::pow(grid(g), -informative);

  // Enough hours before now for a day's window start, and through the horizon.
  const size_t first = hour >= 30 ? hour - 30 : 0;
  const size_t last =
      std::min(trace.hourly.size(), hour + static_cast<size_t>(trace.horizon_ms / kHour) + 2);
  Trace run;
  run.start_ms = trace.start_ms + static_cast<int64_t>(first) * kHour;
  run.limit = trace.limit;
  run.horizon_ms = trace.horizon_ms;
  std::vector<int64_t> times;
  for (int r = 0; r < kRuns; ++r) {
    const double u = random.Uniform(0, cdf.back());
    double factor =
        grid(static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin()));
    run.hourly.assign(trace.hourly.begin() + static_cast<long>(first),
                      trace.hourly.begin() + static_cast<long>(hour) + 1);
    for (size_t j = hour + 1; j < last; ++j) {
      if (trace.day[j] != trace.day[j - 1]) factor = random.Uniform(kDayLow, kDayHigh);
      run.hourly.push_back(trace.base[j] * factor * random.Uniform(kNoiseLow, kNoiseHigh));
    }
    if (auto at = Truth(run).Exhaustion(span, now)) times.push_back(*at);
  }
  OracleForecast forecast;
  forecast.probability = static_cast<double>(times.size()) / kRuns;
  if (!times.empty()) {
    std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2),
                     times.end());
    forecast.exhausts_at_ms = times[times.size() / 2];
  }
  return forecast;
}

struct Score {
  int64_t horizon_ms;
  std::vector<double> errors;  // |forecast - truth| / horizon where the truth is within it
  int warnings = 0;
  int false_alarms = 0;
  // Per exhaustion event: whether each step before it warned, oldest first.
  std::map<int64_t, std::vector<std::pair<int64_t, bool>>> events;

  // `forecast`: the projected exhaustion within the horizon and before the reset, if any.
  void Add(int64_t now, std::optional<int64_t> truth, std::optional<int64_t> forecast,
           bool warned) {
    if (warned) {
      ++warnings;
      if (!truth) ++false_alarms;
    }
    if (truth) {
      errors.push_back(
          std::fabs(static_cast<double>(forecast.value_or(now + horizon_ms) - *truth)) /
          static_cast<double>(horizon_ms));
      events[*truth].emplace_back(now, warned);
    }
  }
  double MedianError() const {
    if (errors.empty()) return 0;
    std::vector<double> sorted = errors;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                     sorted.end());
    return sorted[sorted.size() / 2];
  }
  // Events visible at least kLead ahead, and how many of them had an unbroken warning from at
  // least kLead before the exhaustion until it happened.
  std::pair<int, int> Warned() const {
    int eligible = 0, warned = 0;
    for (const auto& [at, steps] : events) {
      if (steps.front().first > at - kLead) continue;
      ++eligible;
      int64_t first_warned = at;
      for (auto it = steps.rbegin(); it != steps.rend() && it->second; ++it)
        first_warned = it->first;
      if (at - first_warned >= kLead) ++warned;
    }
    return {eligible, warned};
  }
};

// Warning thresholds for the trade-off table (warning earlier costs false alarms): 5%, 10%, ...,
// 95%. The table prints every other one and, over all of them, the most exhaustions warned of
// while false alarms stay within the target.
constexpr size_t kThresholdCount = 19;
double Threshold(size_t i) { return static_cast<double>(i + 1) / 20; }
constexpr double kFalseAlarmTarget = 5;  // %

struct Result {
  Score predictor, baseline, oracle;
  std::vector<Score> at_threshold;         // the predictor warning at each Threshold()
  std::vector<Score> oracle_at_threshold;  // the same for the oracle, on independent-days traces
  int steps = 0;
};

// How often forecasts with a given probability came true, in tenths of probability.
struct Calibration {
  std::array<int, 10> forecasts{};
  std::array<int, 10> exhausted{};
  std::array<double, 10> probability{};
  void Add(double p, bool happened) {
    const auto bin = static_cast<size_t>(std::min(9.0, std::floor(p * 10)));
    ++forecasts[bin];
    exhausted[bin] += happened ? 1 : 0;
    probability[bin] += p;
  }
};

Result Backtest(const Trace& trace, const Zone& zone, Calibration& calibration) {
  const Truth truth(trace);
  const int64_t horizon = trace.horizon_ms;
  const Score empty{horizon, {}, 0, 0, {}};
  Result result{empty, empty, empty, std::vector<Score>(kThresholdCount, empty), {}, 0};
  const bool with_oracle = !trace.base.empty();
  if (with_oracle) result.oracle_at_threshold.assign(kThresholdCount, empty);
  Random oracle_random(static_cast<uint64_t>(trace.start_ms) + trace.hourly.size());
  const int64_t length = trace.schedule.period_ms;
  for (size_t hour = kWarmupHours; hour < trace.hourly.size() - 24; ++hour) {
    const int64_t now = trace.start_ms + static_cast<int64_t>(hour) * kHour + kHour / 2;
    router::quota::WindowState w;
    w.provider = "p";
    w.window = "w";
    w.limit = trace.limit;
    w.span = router::quota::CurrentWindow(trace.schedule, zone, now);
    w.used = static_cast<int64_t>(truth.Used(w.span, now));
    if (w.used >= w.limit) continue;  // already out: nothing to forecast
    const int64_t window_from = w.span.rolling ? now - length : w.span.start_ms;
    if (truth.Outside(window_from - 1, now) > 0) w.basis.kind = "manual";
    // Use from elsewhere that a reading will reveal later is invisible to any forecaster until
    // then: forecasts made before it are not scored (for either method).
    const int64_t scored_until =
        w.span.rolling ? now + horizon : std::min(now + horizon, w.span.end_ms);
    if (truth.Outside(now, scored_until) > 0) continue;
    ++result.steps;
    const std::optional<int64_t> actual = truth.Exhaustion(w.span, now);

    // The ledger's view: up to 28 days of hourly use, the current hour half done.
    const size_t first = hour >= 28 * 24 ? hour + 1 - 28 * 24 : 0;
    HourlySeries series{trace.start_ms + static_cast<int64_t>(first) * kHour,
                        {trace.hourly.begin() + static_cast<long>(first),
                         trace.hourly.begin() + static_cast<long>(hour) + 1}};
    series.values.back() /= 2;
    const auto forecast = router::forecast::Predict(w, series, now, horizon, zone);
    calibration.Add(forecast.probability, actual.has_value());
    result.predictor.Add(now, actual, forecast.exhausts_at_ms, router::forecast::Warns(forecast));
    for (size_t i = 0; i < kThresholdCount; ++i) {
      result.at_threshold[i].Add(now, actual, forecast.exhausts_at_ms,
                                 forecast.exhausts_at_ms && forecast.probability >= Threshold(i));
    }
    if (with_oracle) {
      const OracleForecast oracle = Oracle(trace, hour, now, w.span, oracle_random);
      result.oracle.Add(now, actual, oracle.exhausts_at_ms,
                        oracle.probability >= router::forecast::kWarnProbability);
      for (size_t i = 0; i < kThresholdCount; ++i) {
        result.oracle_at_threshold[i].Add(now, actual, oracle.exhausts_at_ms,
                                          oracle.probability >= Threshold(i));
      }
    }

    // Baseline: the last 24 h at a constant rate.
    double last_day = 0;
    int64_t oldest = now;
    for (size_t back = 0; back < 24 && back < series.values.size(); ++back) {
      const size_t i = series.values.size() - 1 - back;
      if (series.values[i] > 0) {
        last_day += series.values[i];
        oldest = series.start_ms + static_cast<int64_t>(i) * kHour;
      }
    }
    std::optional<int64_t> naive;
    if (last_day > 0) {
      const double rate = last_day / (static_cast<double>(now - oldest) / kHour);
      const auto at =
          now + static_cast<int64_t>(static_cast<double>(w.limit - w.used) / rate * kHour);
      if (at <= now + horizon && (w.span.rolling || at < w.span.end_ms)) naive = at;
    }
    result.baseline.Add(now, actual, naive, naive.has_value());
  }
  return result;
}

// Local hour and weekday at the start of hour i.
struct Clock {
  int hour;
  int weekday;  // 0 = Sunday
};
Clock LocalAt(const Zone& zone, int64_t at_ms) {
  const auto c = zone.ToCivil(at_ms);
  return {c.hour, router::calendar::DayOfWeek(c.year, c.month, c.day)};
}

constexpr int kDays = 224;

Trace Generate(const std::string& family, const Zone& zone, uint64_t seed) {
  Random random(seed);
  Trace t;
  t.family = family;
  t.schedule = Daily();
  t.start_ms = zone.FromCivil({2026, 3, 2, 0, 0, 0, 0});  // a Monday, local midnight
  double day_factor = 1;
  int day = -1;
  for (int i = 0; i < kDays * 24; ++i) {
    const int64_t at = t.start_ms + int64_t{i} * kHour;
    const Clock c = LocalAt(zone, at);
    if (c.hour == 0 || day < 0) {
      ++day;
      // Demand varies from day to day (a slow random walk for weekly-reset traces).
      day_factor = family == "weekly reset"
                       ? std::clamp(day_factor * random.Uniform(0.85, 1.18), 0.6, 1.5)
                       : random.Uniform(kDayLow, kDayHigh);
    }
    const bool weekend = c.weekday == 0 || c.weekday == 6;
    const double noise = random.Uniform(kNoiseLow, kNoiseHigh);
    double base = 0;  // at day factor 1 without noise
    if (family == "steady") {
      base = 1000;
    } else if (family == "workday-diurnal" || family == "weekly reset") {
      const bool working = c.hour >= 9 && c.hour < 18;
      const bool evening = c.hour >= 19 && c.hour < 23;
      base = (working ? 3000 : evening ? 500 : 0) * (weekend ? 0.1 : 1);
    } else if (family == "bursty cron") {
      const bool spike = c.hour % 6 == 2;  // 02:00, 08:00, 14:00, 20:00
      base = 200 + (spike ? 6000 : 0);
    } else if (family == "weekend lull") {
      base = weekend ? 150 : 1500;
    } else if (family == "manual set-usage") {
      base = c.hour >= 8 && c.hour < 22 ? 1500 : 100;
      // Every other day at 12:20 a set-usage reading reveals use from another device.
      if (c.hour == 12 && day % 2 == 1)
        t.readings.emplace_back(at + 20 * router::kMsPerMinute, 8000 * day_factor);
    }
    // The day factor scales the ledger's use except on the manual trace, where it sizes the
    // readings; weekly reset's factor is a walk, not independent draws.
    const bool manual = family == "manual set-usage";
    t.hourly.push_back(base * (manual ? 1 : day_factor) * noise);
    if (!manual && family != "weekly reset") {
      t.base.push_back(base);
      t.day.push_back(day);
    }
  }
  if (family == "steady") {
    t.limit = 24'000;  // the mean day: heavier days run out in the evening
  } else if (family == "workday-diurnal") {
    t.schedule = Rolling(5);
    t.limit = 16'500;  // 5 working hours at 1.1x the mean: only heavy days run out
  } else if (family == "bursty cron") {
    t.limit = 28'800;  // the mean day: heavy days run out at a spike
  } else if (family == "weekend lull") {
    t.limit = 30'000;
  } else if (family == "weekly reset") {
    t.schedule = Weekly(3, 7);
    t.limit = 5 * (9 * 3000 + 4 * 500);  // the mean working week
  } else {
    t.limit = 26'000;  // a day's own use fits; an outside reading pushes it over
  }
  return t;
}

// A real ledger's hourly tokens per provider, against a daily window at the 75th percentile of
// its daily totals (so about a quarter of the days run out).
std::vector<Trace> FromLedger(const std::string& path, const Zone& zone) {
  std::vector<Trace> traces;
  auto ledger = router::ledger::Ledger::Open({path, 5000});
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str());
    return traces;
  }
  auto activity = ledger.value()->Activity();
  if (!activity.ok()) return traces;
  std::map<std::string, std::pair<int64_t, int64_t>> spans;
  for (const auto& a : activity.value()) {
    auto& s = spans.try_emplace(a.provider, a.first_seen_ms, a.last_seen_ms).first->second;
    s = {std::min(s.first, a.first_seen_ms), std::max(s.second, a.last_seen_ms)};
  }
  for (const auto& [provider, span] : spans) {
    const int64_t start = zone.StartOfDay(span.first);
    auto hours = ledger.value()->HourlyTotals(provider, start, span.second + kHour);
    if (!hours.ok() || span.second - start < 3 * router::kMsPerDay) continue;
    Trace t;
    t.family = "ledger: " + provider;
    t.start_ms = start;
    t.hourly.assign(static_cast<size_t>((span.second - start) / kHour + 1), 0);
    for (const auto& h : hours.value()) {
      t.hourly[static_cast<size_t>((h.hour_ms - start) / kHour)] = static_cast<double>(
          h.totals.input_tokens + h.totals.output_tokens + h.totals.cache_write_tokens);
    }
    std::vector<double> days;
    for (size_t i = 0; i + 24 <= t.hourly.size(); i += 24) {
      double sum = 0;
      for (size_t j = i; j < i + 24; ++j) sum += t.hourly[j];
      days.push_back(sum);
    }
    std::sort(days.begin(), days.end());
    t.limit = std::max<int64_t>(1, static_cast<int64_t>(days[days.size() * 3 / 4]));
    traces.push_back(std::move(t));
  }
  return traces;
}

std::string WarnedText(const Score& s) {
  const auto [eligible, warned] = s.Warned();
  return eligible > 0 ? std::to_string(100 * warned / eligible) + "%" : "n/a";
}
double FalseAlarms(const Score& s) {
  return s.warnings > 0 ? 100.0 * s.false_alarms / s.warnings : 0.0;
}

void PrintRow(const std::string& family, const char* method, int steps, const Score& s) {
  std::printf("| %s | %s | %d | %d | %.1f%% | %s | %.1f%% |\n", family.c_str(), method, steps,
              s.Warned().first, 100 * s.MedianError(), WarnedText(s).c_str(), FalseAlarms(s));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: router_forecast_backtest [LEDGER.sqlite]\n");
    return 2;
  }
  const std::string ledger_path = argc == 2 ? argv[1] : "";
  auto zone = Zone::Find("America/Chicago");
  if (!zone.ok()) return 1;
  std::vector<Trace> traces;
  uint64_t seed = 20261123;
  for (const char* family : {"steady", "workday-diurnal", "bursty cron", "weekend lull",
                             "weekly reset", "manual set-usage"}) {
    traces.push_back(Generate(family, zone.value(), seed++));
  }
  // The same 5 h window looked at no further ahead than its own length: beyond that, whether it
  // runs out depends on a day that has not started, and these traces draw each day's demand
  // independently.
  Trace window_ahead = traces[1];
  window_ahead.family += ", 5 h ahead";
  window_ahead.horizon_ms = 5 * kHour;
  traces.insert(traces.begin() + 2, std::move(window_ahead));
  if (!ledger_path.empty()) {
    for (Trace& t : FromLedger(ledger_path, zone.value())) traces.push_back(std::move(t));
  }
  std::printf(
      "Horizon 24 h unless named, %d-day traces, a forecast every hour. Error: median |forecast "
      "- actual| as a share of the horizon, over the forecasts made before an exhaustion; the "
      "predictor's forecast is its time if it runs out, and no forecast counts as the horizon's "
      "end. Warned: "
      "exhaustions with an unbroken warning from >= 2 h before (the predictor warns at >= %.0f%% "
      "probability, the baseline whenever its projection runs out). False alarms: share of "
      "warnings with no exhaustion within the horizon.\n\n",
      kDays, 100 * router::forecast::kWarnProbability);
  std::printf(
      "| trace | method | forecasts | exhaustions | median error | warned >= 2 h | false alarms "
      "|\n");
  std::printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  Calibration calibration;
  std::vector<Result> results;
  for (const Trace& trace : traces) {
    results.push_back(Backtest(trace, zone.value(), calibration));
    PrintRow(trace.family, "predictor", results.back().steps, results.back().predictor);
    PrintRow(trace.family, "baseline", results.back().steps, results.back().baseline);
    if (!trace.base.empty())
      PrintRow(trace.family, "oracle", results.back().steps, results.back().oracle);
  }
  std::printf(
      "\nWarned >= 2 h / false alarms with the predictor (and, on independent-days traces, the "
      "oracle) warning from other probabilities; the last column is the most exhaustions warned "
      "of at any probability with false alarms <= %.0f%%.\n\n| trace | baseline |",
      kFalseAlarmTarget);
  for (size_t i = 1; i < kThresholdCount; i += 4) std::printf(" >= %.0f%% |", 100 * Threshold(i));
  std::printf(" most warned, false alarms <= %.0f%% |\n| --- | ---: |", kFalseAlarmTarget);
  for (size_t i = 1; i < kThresholdCount; i += 4) std::printf(" ---: |");
  std::printf(" ---: |\n");
  auto print_tradeoff = [](const std::vector<Score>& scores) {
    for (size_t i = 1; i < kThresholdCount; i += 4)
      std::printf(" %s / %.1f%% |", WarnedText(scores[i]).c_str(), FalseAlarms(scores[i]));
    const Score* best = nullptr;
    for (const Score& s : scores) {
      if (FalseAlarms(s) <= kFalseAlarmTarget &&
          (best == nullptr || s.Warned().second > best->Warned().second))
        best = &s;
    }
    std::printf(" %s |\n", best != nullptr ? WarnedText(*best).c_str() : "n/a");
  };
  for (size_t t = 0; t < traces.size(); ++t) {
    std::printf("| %s | %s / %.1f%% |", traces[t].family.c_str(),
                WarnedText(results[t].baseline).c_str(), FalseAlarms(results[t].baseline));
    print_tradeoff(results[t].at_threshold);
    if (results[t].oracle_at_threshold.empty()) continue;
    std::printf("| %s, oracle | |", traces[t].family.c_str());
    print_tradeoff(results[t].oracle_at_threshold);
  }
  std::printf(
      "\nCalibration over all traces: how often the window really ran out when the predictor "
      "gave it a probability in each band.\n\n| probability | forecasts | mean probability | ran "
      "out |\n| --- | ---: | ---: | ---: |\n");
  for (size_t bin = 0; bin < 10; ++bin) {
    const int n = calibration.forecasts[bin];
    if (n == 0) continue;
    std::printf("| %zu-%zu%% | %d | %.0f%% | %.0f%% |\n", bin * 10, bin * 10 + 10, n,
                100 * calibration.probability[bin] / n, 100.0 * calibration.exhausted[bin] / n);
  }
  return 0;
}
