#include "router/forecast/predictor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

#include "router/base/clock.h"

namespace router::forecast {
namespace {

constexpr int64_t kHourMs = kMsPerHour;
constexpr double kHoursPerDay = 24;
constexpr int kHistoryDays = 28;  // how far back PredictWindows reads
constexpr int kSlots = 7 * 24;    // hour-of-week profile

// Thresholds between methods, in hours of history (from the first hour with use to now).
constexpr double kWeightedFromHours = 24;
constexpr double kProfileFromHours = 7 * 24;
constexpr double kTrendFromHours = 48;

// The model: use in an hour = level x profile(hour) x factor(day) x noise. The level is the mean
// use per profile-weighted hour over the last week; each local day has a factor (busy days,
// quiet days) that persists into the next day with a persistence learnt from the user's own
// days; noise is hour-to-hour variation. Today's factor combines the persisted one with today's
// pace so far, each weighted by how noisy it is, which also gives the forecast its spread.
// Constants below were chosen with bench/forecast_backtest.cc (horizon 24 h, six trace families),
// sweeping each over the values named and keeping the one with the lowest median error and
// fewest false alarms across families.
constexpr double kLongRunHours = 7 * 24;
// Until this many complete days exist, persistence and day-to-day spread are assumed, not learnt.
constexpr int kLearnFromDays = 5;
constexpr double kDefaultPersistence = 0.5;
constexpr double kDefaultDayVariance = 0.09;  // factors spread by +-30 %
constexpr double kMinDayVariance = 0.0025;    // +-5 %: no history is that regular
constexpr double kDefaultHourCv = 0.5;
constexpr double kMinHourVariance = 0.01;     // +-10 % per hour, for the same reason
constexpr double kMaxLeverage = 0.8;
// The profile's shrinkage toward the hour-of-day shape (toward flat for the hour-of-day profile),
// in pseudo-observations per slot (0.5, 1, 2, 4 tried): a slot has only 1..4 observations in 28
// days; 2 damped noise (fewer false alarms everywhere) while 4 began to blur the weekly pattern
// of the weekly-reset trace.
constexpr double kProfilePrior = 2;
// The day-over-day trend is noisy: it is clamped, and only this share of it is extrapolated
// (0, 0.25, 0.5, 1 tried; 1 cried wolf on the weekly-reset trace).
constexpr double kTrendClamp = 0.5;
constexpr double kTrendDamping = 0.5;
// The trend line never drifts beyond these multiples of the week's mean day factor.
constexpr double kMinGrowth = 0.5;
constexpr double kMaxGrowth = 2;
// Confidence = hours / (hours + kConfidenceHalfHours) / (1 + cv), where cv is the coefficient of
// variation of the hourly residuals (use minus the modelled rate) over the last week: half
// confidence after two days of perfectly regular use, less the more erratic the use is.
constexpr double kConfidenceHalfHours = 48;
constexpr double kSimpleMaxConfidence = 0.3;

// One hour of the history: [start_ms, start_ms + duration * 1 h) holds `value`.
struct Hour {
  int64_t start_ms;
  double duration;  // 1, or less for the current hour
  double value;
  double shape = 1;     // the profile's factor for this hour (1 without a profile)
  double leverage = 0;  // the hour's own weight in its profile slot
  size_t day = 0;       // index of its local day
  size_t slot = 0;      // hour-of-week slot, set when a profile is built
};

int Slot(const calendar::Zone& zone, int64_t at_ms) {
  const calendar::CivilTime c = zone.ToCivil(at_ms);
  return calendar::DayOfWeek(c.year, c.month, c.day) * 24 + c.hour;
}

// Factors per hour-of-week slot (mean 1) from the complete hours before `until_ms` (today's hours
// are evidence for today's factor, not for the shape), and how many hours each rests on.
// Weekly: each slot shrunk toward its hour of day; otherwise every day has the hour-of-day shape,
// shrunk toward flat.
struct Profile {
  std::array<double, kSlots> factor;
  std::array<double, kSlots> observations;
};
Profile BuildProfile(const std::vector<Hour>& hours, bool weekly, int64_t until_ms) {
  std::array<double, kSlots> sum{}, count{};
  std::array<double, 24> day_sum{}, day_count{};
  double total = 0, n = 0;
  for (const Hour& h : hours) {
    if (h.duration < 1 || h.start_ms >= until_ms) continue;
    const size_t slot = h.slot;
    sum[slot] += h.value;
    count[slot] += 1;
    day_sum[slot % 24] += h.value;
    day_count[slot % 24] += 1;
    total += h.value;
    n += 1;
  }
  Profile profile{};
  profile.factor.fill(1);
  if (total <= 0) return profile;
  const double mean = total / n;
  auto shrink = [](double observed, double observations, double prior) {
    return (observations * observed + kProfilePrior * prior) / (observations + kProfilePrior);
  };
  double profile_sum = 0;
  for (int s = 0; s < kSlots; ++s) {
    const int hour = s % 24;
    const double hour_of_day = day_count[hour] > 0 ? day_sum[hour] / day_count[hour] / mean : 1;
    profile.factor[s] = !weekly      ? shrink(hour_of_day, day_count[hour], 1)
                        : count[s] > 0 ? shrink(sum[s] / count[s] / mean, count[s], hour_of_day)
                                       : hour_of_day;
    profile.observations[s] = weekly ? count[s] : day_count[hour];
    profile_sum += profile.factor[s];
  }
  for (double& p : profile.factor) p *= kSlots / profile_sum;
  return profile;
}

// An hour's noise variance in units of hour_variance: proportional to its expected use squared,
// plus a term that keeps quiet hours (a small expected use) from claiming small absolute noise.
double HourSpread(double expected, double level) { return expected * expected + expected * level; }

// The standard normal distribution function.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Its inverse, by bisection (monotone, and called once per forecast).
double InversePhi(double p) {
  double low = -10, high = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = (low + high) / 2;
    (Phi(mid) < p ? low : high) = mid;
  }
  return (low + high) / 2;
}

// Cumulative use as a piecewise-linear function of time: history, then projection.
class Cumulative {
 public:
  void Add(int64_t at_ms, double total) { points_.emplace_back(at_ms, total); }
  const std::vector<std::pair<int64_t, double>>& points() const { return points_; }
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

std::string HistoryText(double hours) {
  char text[32];
  if (hours < 48) {
    std::snprintf(text, sizeof text, "%.0f h", std::max(1.0, std::round(hours)));
  } else {
    std::snprintf(text, sizeof text, "%.0f d", std::floor(hours / kHoursPerDay));
  }
  return text;
}

}  // namespace

const char* Name(Method method) {
  switch (method) {
    case Method::kNoUsage: return "none";
    case Method::kSimple: return "simple";
    case Method::kWeighted: return "weighted";
    case Method::kProfile: return "profile";
  }
  return "none";
}

const char* ConfidenceLabel(double confidence) {
  return confidence >= 0.7 ? "high" : confidence >= 0.4 ? "medium" : "low";
}

Forecast Predict(const quota::WindowState& window, const HourlySeries& history, int64_t now_ms,
                 int64_t horizon_ms, const calendar::Zone& zone) {
  Forecast f;
  f.provider = window.provider;
  f.window = window.window;
  f.unit = window.unit;
  f.limit = window.limit;
  f.used = window.used;
  f.remaining = std::max<int64_t>(0, window.limit - window.used);
  f.resets_at_ms = window.span.rolling ? 0 : window.span.end_ms;
  if (window.limit <= 0) {
    f.basis = "no limit";
    return f;
  }
  auto exhausted_now = [&] {
    f.exhausts_at_ms = now_ms;
    f.probability = 1;
  };

  // The history from its first hour with use up to now.
  std::vector<Hour> hours;
  double last_day = 0;
  for (size_t i = 0; i < history.values.size(); ++i) {
    const int64_t start = history.start_ms + static_cast<int64_t>(i) * kHourMs;
    if (start >= now_ms) break;
    const double value = std::max(0.0, history.values[i]);
    if (hours.empty() && value <= 0) continue;
    hours.push_back(
        {start, std::min(1.0, static_cast<double>(now_ms - start) / kHourMs), value, 1});
    if (start + kHourMs > now_ms - kMsPerDay) last_day += value;
  }
  if (last_day <= 0) {
    f.basis = "no use in the last 24 h: no exhaustion expected";
    if (f.remaining == 0) exhausted_now();
    return f;
  }
  const double history_hours = static_cast<double>(now_ms - hours.front().start_ms) / kHourMs;

  f.method = history_hours < kWeightedFromHours  ? Method::kSimple
             : history_hours < kProfileFromHours ? Method::kWeighted
                                                 : Method::kProfile;
  const int64_t today_ms = zone.StartOfDay(now_ms);
  Profile profile{};
  profile.factor.fill(1);
  if (f.method != Method::kSimple) {
    for (Hour& h : hours) h.slot = static_cast<size_t>(Slot(zone, h.start_ms));
    profile = BuildProfile(hours, f.method == Method::kProfile, today_ms);
    for (Hour& h : hours) {
      h.shape = profile.factor[h.slot];
      h.leverage = 1 / (profile.observations[h.slot] + kProfilePrior);
    }
  }
  auto shape_at = [&](int64_t at_ms) { return profile.factor[static_cast<size_t>(Slot(zone, at_ms))]; };

  // The level: use per profile-weighted hour over the last week (all of it in kSimple).
  double long_use = 0, long_time = 0;
  for (const Hour& h : hours) {
    if (static_cast<double>(now_ms - h.start_ms) / kHourMs > kLongRunHours) continue;
    long_use += h.value;
    long_time += h.duration * h.shape;
  }
  const double level = long_time > 0 ? long_use / long_time : 0;

  // Day factors: each local day's use against what the level and profile expect of it.
  struct Day {
    int64_t start_ms;
    double use = 0, expected = 0, spread = 0;
  };
  std::vector<Day> days;
  for (Hour& h : hours) {
    const int64_t day = zone.StartOfDay(h.start_ms);
    if (days.empty() || days.back().start_ms != day) days.push_back({day});
    h.day = days.size() - 1;
    const double expected = level * h.shape * h.duration;
    days.back().use += h.value;
    days.back().expected += expected;
    days.back().spread += HourSpread(expected, level);
  }
  auto factor_of = [&](const Day& d) { return d.expected > 0 ? d.use / d.expected : 1.0; };
  std::vector<double> factors;  // complete days, oldest first
  for (const Day& d : days) {
    if (d.start_ms < today_ms && d.expected > 0) factors.push_back(factor_of(d));
  }

  // Persistence (lag-one autocorrelation of the day factors) and the spread of each day around
  // what the day before predicts.
  double persistence = kDefaultPersistence, day_variance = kDefaultDayVariance;
  if (f.method != Method::kSimple && static_cast<int>(factors.size()) >= kLearnFromDays) {
    double mean = 0;
    for (double x : factors) mean += x;
    mean /= static_cast<double>(factors.size());
    double covariance = 0, variance = 0;
    for (size_t i = 0; i < factors.size(); ++i) {
      variance += (factors[i] - mean) * (factors[i] - mean);
      if (i > 0) covariance += (factors[i] - mean) * (factors[i - 1] - mean);
    }
    persistence = variance > 0 ? std::clamp(covariance / variance, 0.0, 1.0) : 1.0;
    double innovation = 0;
    for (size_t i = 1; i < factors.size(); ++i) {
      const double e = factors[i] - mean - persistence * (factors[i - 1] - mean);
      innovation += e * e;
    }
    day_variance = std::max(kMinDayVariance, innovation / static_cast<double>(factors.size() - 1));
  }

  // Hour-to-hour noise: residuals of complete hours of the last week against level x profile x
  // their day's factor, relative to what was expected. Each hour helped fit its own profile slot
  // and day factor, which pulls the fit toward it: residuals are scaled up by that leverage (as in
  // leave-one-out), or a noisy history would look regular.
  double residual_sq = 0, spread = 0;
  for (const Hour& h : hours) {
    if (h.duration < 1 || static_cast<double>(now_ms - h.start_ms) / kHourMs > kLongRunHours) continue;
    const Day& day = days[h.day];
    const bool fitted_day = f.method != Method::kSimple && day.expected > 0;
    const double fit = level * h.shape;
    const double expected = fit * (fitted_day ? factor_of(day) : 1.0);
    const double leverage = std::min(kMaxLeverage, h.leverage + (fitted_day ? fit / day.expected : 0));
    residual_sq += (h.value - expected) * (h.value - expected) / ((1 - leverage) * (1 - leverage));
    spread += HourSpread(expected, level);
  }
  const double hour_variance =
      spread > 0 ? std::max(kMinHourVariance, residual_sq / spread) : kDefaultHourCv * kDefaultHourCv;

  // Trend: a least-squares line through the last week's complete day factors, damped and
  // clamped. Days revert toward this line rather than toward the week's mean, so steadily growing
  // use is not pulled back to where it was days ago.
  double mean_factor = 1, slope = 0, mean_day = 0;
  if (f.method != Method::kSimple && history_hours >= kTrendFromHours) {
    double n = 0, sum_x = 0, sum_y = 0, sum_xx = 0, sum_xy = 0;
    for (const Day& d : days) {
      const double x = std::round(static_cast<double>(d.start_ms - today_ms) / kMsPerDay);
      if (d.start_ms >= today_ms || d.expected <= 0 || -x > kLongRunHours / kHoursPerDay) continue;
      const double y = factor_of(d);
      n += 1;
      sum_x += x;
      sum_y += y;
      sum_xx += x * x;
      sum_xy += x * y;
    }
    if (n >= 2 && sum_y > 0) {
      mean_factor = sum_y / n;
      mean_day = sum_x / n;
      const double raw = (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x);
      f.trend_per_day = std::clamp(raw / mean_factor, -kTrendClamp, kTrendClamp);
      slope = kTrendDamping * f.trend_per_day * mean_factor;
    }
  }
  // The damped line at `days` from the start of today (fractional; negative in the past).
  auto line_at = [&](double days_from_today) {
    return std::clamp(mean_factor + slope * (days_from_today - mean_day), kMinGrowth * mean_factor,
                      kMaxGrowth * mean_factor);
  };

  // Today's factor: the line plus yesterday's persisted departure from it, updated by today's
  // pace so far.
  double today = line_at(0), today_variance = kDefaultDayVariance;
  if (f.method != Method::kSimple) {
    const int64_t yesterday_ms = zone.StartOfDaysBefore(now_ms, 1);
    double prior = today;
    for (const Day& d : days) {
      if (d.start_ms == yesterday_ms) prior = today + persistence * (factor_of(d) - line_at(-1));
    }
    today = prior;
    today_variance = day_variance;
    const Day& current = days.back();
    if (current.start_ms == today_ms && current.expected > 0) {
      const double pace = current.use / current.expected;
      const double scale = std::max(prior, 0.2);
      const double pace_variance =
          scale * scale * hour_variance * current.spread / (current.expected * current.expected);
      const double precision = 1 / day_variance + 1 / pace_variance;
      today = (prior / day_variance + pace / pace_variance) / precision;
      today_variance = 1 / precision;
    }
  }

  f.rate_per_hour = level * shape_at(now_ms) * today;

  // Confidence from the amount of history and the residual volatility over the last week.
  f.confidence = history_hours / (history_hours + kConfidenceHalfHours) / (1 + std::sqrt(hour_variance));
  if (f.method == Method::kSimple) f.confidence = std::min(f.confidence, kSimpleMaxConfidence);

  switch (f.method) {
    case Method::kSimple:
      f.basis = HistoryText(history_hours) + " of history: simple average, low confidence";
      break;
    case Method::kWeighted:
      f.basis = HistoryText(history_hours) + " of history: today's pace against the hour-of-day profile" +
                (history_hours >= kTrendFromHours ? ", with trend" : "");
      break;
    case Method::kProfile:
    case Method::kNoUsage:  // returned above
      f.basis = HistoryText(history_hours) + " of history: today's pace against the hour-of-week profile";
      break;
  }
  if (window.basis.kind != "ledger")
    f.basis += "; starts from the " + window.basis.kind + " reading";

  if (f.remaining == 0) {
    exhausted_now();
    return f;
  }
  if (horizon_ms <= 0) return f;

  // History, then the projection hour by hour (steps end on whole hours) up to the horizon. Each
  // step's spread: the error in today's factor (carried into later days by the persistence),
  // later days' own surprises, and hour-to-hour noise.
  struct Step {
    int64_t from_ms, to_ms;
    double persisted;  // expected use at factor 1, times persistence^days ahead
    double surprise;   // expected use at factor 1, times the sd of later days' own surprises
    double mean;
  };
  std::vector<Step> steps;
  Cumulative cumulative;
  double total = 0;
  cumulative.Add(hours.front().start_ms, 0);
  for (const Hour& h : hours) {
    total += h.value;
    cumulative.Add(h.start_ms + static_cast<int64_t>(h.duration * kHourMs), total);
  }
  if (cumulative.points().back().first < now_ms) cumulative.Add(now_ms, total);
  const int64_t end_ms = now_ms + horizon_ms;
  int64_t day_ms = today_ms;
  double carried = 1, surprise_variance = 0;  // persistence^days, accumulated surprise variance
  for (int64_t from = now_ms; from < end_ms;) {
    const int64_t to = std::min(end_ms, (from / kHourMs + 1) * kHourMs);
    if (const int64_t d = zone.StartOfDay(from); d != day_ms) {
      day_ms = d;
      surprise_variance = surprise_variance * persistence * persistence + day_variance;
      carried *= persistence;
    }
    const double base = level * shape_at(from) * static_cast<double>(to - from) / kHourMs;
    const double day_fraction = static_cast<double>((from + to) / 2 - today_ms) / kMsPerDay;
    const double factor = line_at(day_fraction) + carried * (today - line_at(0));
    steps.push_back({from, to, base * carried, base * std::sqrt(surprise_variance), base * factor});
    total += base * factor;
    cumulative.Add(to, total);
    from = to;
  }
  // The variance of projected use within (from, to], steps counted by their overlap.
  auto variance_between = [&](int64_t from, int64_t to) {
    double persisted = 0, surprise = 0, noise = 0;
    for (const Step& st : steps) {
      const int64_t overlap = std::min(to, st.to_ms) - std::max(from, st.from_ms);
      if (overlap <= 0) continue;
      const double share = static_cast<double>(overlap) / static_cast<double>(st.to_ms - st.from_ms);
      persisted += share * st.persisted;
      surprise += share * st.surprise;
      noise += share * share * HourSpread(st.mean, level);
    }
    return persisted * persisted * today_variance + surprise * surprise + noise * hour_variance;
  };

  // Use in the window at t: calendar windows keep what is used now and add the projection;
  // rolling windows also lose what ages out.
  const int64_t length = window.span.end_ms - window.span.start_ms;
  const double used_now = static_cast<double>(window.used);
  const double cum_now = cumulative.At(now_ms);
  const double aged_now = window.span.rolling ? cumulative.At(now_ms - length) : 0;
  auto used_at = [&](int64_t t) {
    const double aged = window.span.rolling ? cumulative.At(t - length) - aged_now : 0;
    return used_now + cumulative.At(t) - cum_now - aged;
  };
  const double limit = static_cast<double>(window.limit);
  // The spread of the window's use at t comes from the projected use still inside it then.
  auto sd_at = [&](int64_t t) {
    return std::sqrt(variance_between(window.span.rolling ? std::max(now_ms, t - length) : now_ms, t));
  };
  auto chance_by = [&](int64_t t) {
    const double sd = sd_at(t);
    const double margin = used_at(t) - limit;
    return sd > 0 ? Phi(margin / sd) : margin >= 0 ? 1.0 : 0.0;
  };
  // A calendar window only counts until it resets.
  const int64_t last_ms = window.span.rolling ? end_ms : std::min(end_ms, window.span.end_ms);
  // used_at is linear between the projection's points and (for rolling windows) the points
  // shifted by the window length, so checking those and interpolating is exact for the median;
  // the spread is interpolated within an hour.
  std::vector<int64_t> checks{last_ms};
  for (const auto& [t, _] : cumulative.points()) {
    if (t > now_ms && t < last_ms) checks.push_back(t);
    if (window.span.rolling && t + length > now_ms && t + length < last_ms)
      checks.push_back(t + length);
  }
  std::sort(checks.begin(), checks.end());
  checks.erase(std::unique(checks.begin(), checks.end()), checks.end());
  // A calendar window's use only grows: the chance is that of being out by the reset. A rolling
  // window's is that of its most likely moment.
  if (window.span.rolling) {
    for (int64_t t : checks) f.probability = std::max(f.probability, chance_by(t));
  } else {
    f.probability = chance_by(last_ms);
  }
  if (f.probability < kMentionProbability) return f;

  // When it runs out if it does. Each path is, to first order, the median plus z standard
  // deviations; those that run out are the ones above the (1 - p) quantile, and the median of
  // those is the (1 - p / 2) path: its first crossing is the forecast.
  const double z = InversePhi(1 - f.probability / 2);
  int64_t prev_t = now_ms;
  double prev_over = used_now - limit;
  for (int64_t t : checks) {
    const double over = used_at(t) + z * sd_at(t) - limit;
    if (over >= 0) {
      const double share = -prev_over / (over - prev_over);
      f.exhausts_at_ms = prev_t + static_cast<int64_t>(std::ceil(share * static_cast<double>(t - prev_t)));
      break;
    }
    prev_t = t;
    prev_over = over;
  }
  return f;
}

bool Warns(const Forecast& forecast) {
  return forecast.exhausts_at_ms && forecast.probability >= kWarnProbability;
}

Result<std::vector<Forecast>> PredictWindows(const config::PluginOptions& options,
                                             const ledger::Ledger& ledger, int64_t now_ms,
                                             int horizon_hours) {
  auto windows = quota::EvaluateWindows(options, ledger, now_ms);
  if (!windows.ok()) return windows.status();
  return PredictWindows(options, ledger, windows.value(), now_ms, horizon_hours);
}

Result<std::vector<Forecast>> PredictWindows(const config::PluginOptions& options,
                                             const ledger::Ledger& ledger,
                                             const std::vector<quota::WindowState>& windows,
                                             int64_t now_ms, int horizon_hours) {
  const int64_t until_ms = (now_ms / kHourMs + 1) * kHourMs;  // through the current hour
  const int64_t since_ms = until_ms - kHistoryDays * kMsPerDay;
  std::map<std::string, std::vector<ledger::HourTotals>> hours_by_provider;
  std::vector<Forecast> forecasts;
  for (const quota::WindowState& w : windows) {
    if (w.source == config::QuotaSource::kUnlimited || w.limit <= 0) continue;
    const config::ProviderOptions* provider = options.FindProvider(w.provider);
    auto zone = calendar::Zone::Find(
        provider != nullptr && !provider->timezone.empty() ? provider->timezone : options.timezone);
    if (!zone.ok()) return zone.status();
    auto cached = hours_by_provider.find(w.provider);
    if (cached == hours_by_provider.end()) {
      auto hours = ledger.HourlyTotals(w.provider, since_ms, until_ms);
      if (!hours.ok()) return hours.status();
      cached = hours_by_provider.emplace(w.provider, std::move(hours).value()).first;
    }
    HourlySeries series{since_ms, std::vector<double>(kHistoryDays * 24, 0.0)};
    // As in quota::EvaluateWindows, local-tier money is free: its budget windows see no spend.
    const bool free = w.unit == config::QuotaUnit::kBudget && provider != nullptr &&
                      provider->tier == config::Tier::kLocal;
    if (!free) {
      for (const ledger::HourTotals& h : cached->second) {
        series.values[static_cast<size_t>((h.hour_ms - since_ms) / kHourMs)] =
            static_cast<double>(quota::UnitValue(h.totals, w.unit, options.count_cache_reads));
      }
    }
    forecasts.push_back(Predict(w, series, now_ms, int64_t{horizon_hours} * kHourMs, zone.value()));
  }
  return forecasts;
}

}  // namespace router::forecast
