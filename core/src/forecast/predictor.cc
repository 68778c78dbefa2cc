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

// Constants below were chosen with bench/forecast_backtest.cc (horizon 24 h, six trace families),
// sweeping each over the values named and keeping the one with the lowest median error and
// fewest false alarms across families.
// Recency weighting of the level (4, 6, 8, 12 h tried): a short half-life follows intraday
// changes; kReversionHalfLifeHours keeps it from being carried far ahead.
constexpr double kHalfLifeHours = 4;
// Further ahead the level reverts to the mean of the last week (6, 12, 24, 48 h tried): one busy
// afternoon says little about tomorrow.
constexpr double kReversionHalfLifeHours = 24;
constexpr double kLongRunHours = 7 * 24;
// The profile's shrinkage toward the hour-of-day shape, in pseudo-observations per slot (1, 2, 4,
// 16 tried): a slot has only 1..4 observations in 28 days, but heavier shrinkage blurred weekly
// patterns (the weekly-reset trace) more than it damped noise.
constexpr double kProfilePrior = 1;
// The day-over-day trend is noisy: it is clamped, and only this share of it is extrapolated
// (0, 0.25, 0.5, 1 tried).
constexpr double kTrendClamp = 0.5;
constexpr double kTrendDamping = 0.5;
// The projected rate never drifts beyond these multiples of the level through the trend.
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
  double shape;  // the profile's factor for this hour (1 without a profile)
};

int Slot(const calendar::Zone& zone, int64_t at_ms) {
  const calendar::CivilTime c = zone.ToCivil(at_ms);
  return calendar::DayOfWeek(c.year, c.month, c.day) * 24 + c.hour;
}

// Hour-of-week factors (mean 1) from complete hours, each slot shrunk toward the hour-of-day mean.
std::array<double, kSlots> BuildProfile(const std::vector<Hour>& hours,
                                        const calendar::Zone& zone) {
  std::array<double, kSlots> sum{}, count{};
  std::array<double, 24> day_sum{}, day_count{};
  double total = 0, n = 0;
  for (const Hour& h : hours) {
    if (h.duration < 1) continue;
    const int slot = Slot(zone, h.start_ms);
    sum[slot] += h.value;
    count[slot] += 1;
    day_sum[slot % 24] += h.value;
    day_count[slot % 24] += 1;
    total += h.value;
    n += 1;
  }
  std::array<double, kSlots> profile{};
  profile.fill(1);
  if (total <= 0) return profile;
  const double mean = total / n;
  double profile_sum = 0;
  for (int s = 0; s < kSlots; ++s) {
    const double hour_of_day =
        day_count[s % 24] > 0 ? day_sum[s % 24] / day_count[s % 24] / mean : 1;
    const double raw = count[s] > 0 ? sum[s] / count[s] / mean : hour_of_day;
    profile[s] = (count[s] * raw + kProfilePrior * hour_of_day) / (count[s] + kProfilePrior);
    profile_sum += profile[s];
  }
  for (double& p : profile) p *= kSlots / profile_sum;
  return profile;
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
    f.before_reset = true;
    f.within_horizon = true;
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
  std::array<double, kSlots> profile{};
  profile.fill(1);
  if (f.method == Method::kProfile) {
    profile = BuildProfile(hours, zone);
    for (Hour& h : hours) h.shape = profile[static_cast<size_t>(Slot(zone, h.start_ms))];
  }
  auto shape_at = [&](int64_t at_ms) {
    return f.method == Method::kProfile ? profile[static_cast<size_t>(Slot(zone, at_ms))] : 1.0;
  };

  // The level: use per hour of profile-expected activity, recency-weighted except in kSimple.
  double weighted_use = 0, weighted_time = 0, weighted_age = 0, long_use = 0, long_time = 0;
  for (const Hour& h : hours) {
    const double age = (static_cast<double>(now_ms - h.start_ms) / kHourMs) - h.duration / 2;
    const double weight = f.method == Method::kSimple ? 1 : std::exp2(-age / kHalfLifeHours);
    weighted_use += weight * h.value;
    weighted_time += weight * h.duration * h.shape;
    weighted_age += weight * h.duration * age;
    if (age < kLongRunHours) {
      long_use += h.value;
      long_time += h.duration * h.shape;
    }
  }
  const double level = weighted_time > 0 ? weighted_use / weighted_time : 0;
  const double long_level = long_time > 0 ? long_use / long_time : level;
  // The level describes the rate this long ago: the trend is extrapolated from there.
  const double level_age_hours = f.method == Method::kSimple ? 0 : weighted_age / weighted_time;

  // Trend: the last 24 h against the 24 h before, each per hour of expected activity.
  if (f.method != Method::kSimple && history_hours >= kTrendFromHours) {
    double recent = 0, recent_time = 0, older = 0, older_time = 0;
    for (size_t back = 0; back < hours.size() && back < 48; ++back) {
      const Hour& h = hours[hours.size() - 1 - back];
      (back < 24 ? recent : older) += h.value;
      (back < 24 ? recent_time : older_time) += h.duration * h.shape;
    }
    if (recent > 0 && older > 0 && recent_time > 0 && older_time > 0) {
      f.trend_per_day =
          std::clamp((recent / recent_time) / (older / older_time) - 1, -kTrendClamp, kTrendClamp);
    }
  }
  auto growth_at = [&](int64_t at_ms) {
    const double days =
        (static_cast<double>(at_ms - now_ms) / kHourMs + level_age_hours) / kHoursPerDay;
    return std::clamp(1 + kTrendDamping * f.trend_per_day * days, kMinGrowth, kMaxGrowth);
  };
  auto level_at = [&](int64_t at_ms) {
    if (f.method == Method::kSimple) return level;
    const double ahead = static_cast<double>(at_ms - now_ms) / kHourMs;
    return long_level + (level - long_level) * std::exp2(-ahead / kReversionHalfLifeHours);
  };
  f.rate_per_hour = level * shape_at(now_ms) * growth_at(now_ms);

  // Confidence from the amount of history and the residual volatility over the last week.
  double residual_sq = 0, observed = 0;
  int counted = 0;
  for (size_t back = 0; back < hours.size() && back < static_cast<size_t>(kLongRunHours); ++back) {
    const Hour& h = hours[hours.size() - 1 - back];
    const double residual = h.value - level * h.shape * h.duration;
    residual_sq += residual * residual;
    observed += h.value;
    ++counted;
  }
  const double mean = observed / counted;
  const double cv = mean > 0 ? std::sqrt(residual_sq / counted) / mean : 0;
  f.confidence = history_hours / (history_hours + kConfidenceHalfHours) / (1 + cv);
  if (f.method == Method::kSimple) f.confidence = std::min(f.confidence, kSimpleMaxConfidence);

  switch (f.method) {
    case Method::kSimple:
      f.basis = HistoryText(history_hours) + " of history: simple average, low confidence";
      break;
    case Method::kWeighted:
      f.basis = HistoryText(history_hours) + " of history: recency-weighted rate" +
                (history_hours >= kTrendFromHours ? " with trend" : "");
      break;
    case Method::kProfile:
    case Method::kNoUsage:  // returned above
      f.basis = HistoryText(history_hours) +
                " of history: weighted rate shaped by the hour-of-week profile";
      break;
  }
  if (window.basis.kind != "ledger")
    f.basis += "; starts from the " + window.basis.kind + " reading";

  if (f.remaining == 0) {
    exhausted_now();
    return f;
  }
  if (horizon_ms <= 0) return f;

  // History, then the projection hour by hour (steps end on whole hours) up to the horizon.
  Cumulative cumulative;
  double total = 0;
  cumulative.Add(hours.front().start_ms, 0);
  for (const Hour& h : hours) {
    total += h.value;
    cumulative.Add(h.start_ms + static_cast<int64_t>(h.duration * kHourMs), total);
  }
  if (cumulative.points().back().first < now_ms) cumulative.Add(now_ms, total);
  const int64_t end_ms = now_ms + horizon_ms;
  for (int64_t from = now_ms; from < end_ms;) {
    const int64_t to = std::min(end_ms, (from / kHourMs + 1) * kHourMs);
    const int64_t mid = (from + to) / 2;
    const double rate = level_at(mid) * shape_at(from) * growth_at(mid);
    total += rate * static_cast<double>(to - from) / kHourMs;
    cumulative.Add(to, total);
    from = to;
  }

  // Use in the window at t: calendar windows keep what is used now and add the projection (as if
  // no reset came: the reset decides before_reset only); rolling windows also lose what ages out.
  const int64_t length = window.span.end_ms - window.span.start_ms;
  const double used_now = static_cast<double>(window.used);
  const double cum_now = cumulative.At(now_ms);
  const double aged_now = window.span.rolling ? cumulative.At(now_ms - length) : 0;
  auto used_at = [&](int64_t t) {
    const double aged = window.span.rolling ? cumulative.At(t - length) - aged_now : 0;
    return used_now + cumulative.At(t) - cum_now - aged;
  };
  // used_at is linear between the projection's points and (for rolling windows) the points
  // shifted by the window length, so checking those and interpolating is exact.
  std::vector<int64_t> checks;
  for (const auto& [t, _] : cumulative.points()) {
    if (t > now_ms && t <= end_ms) checks.push_back(t);
    if (window.span.rolling && t + length > now_ms && t + length <= end_ms)
      checks.push_back(t + length);
  }
  std::sort(checks.begin(), checks.end());
  const double limit = static_cast<double>(window.limit);
  int64_t prev_t = now_ms;
  double prev_used = used_now;
  for (int64_t t : checks) {
    if (t == prev_t) continue;
    const double used = used_at(t);
    if (used >= limit) {
      const double share = (limit - prev_used) / (used - prev_used);
      f.exhausts_at_ms =
          prev_t + static_cast<int64_t>(std::ceil(share * static_cast<double>(t - prev_t)));
      f.before_reset = window.span.rolling || *f.exhausts_at_ms < window.span.end_ms;
      f.within_horizon = true;
      break;
    }
    prev_t = t;
    prev_used = used;
  }
  return f;
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
