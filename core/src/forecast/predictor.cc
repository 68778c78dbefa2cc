#include "router/forecast/predictor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "predictor_steps.h"
#include "router/base/clock.h"

namespace router::forecast {

extern const char kBuiltinCalibrationJson[];  // generated from data/forecast_calibration.json

namespace {

constexpr int64_t kHourMs = kMsPerHour;
constexpr double kHoursPerDay = 24;
constexpr int kHistoryDays = 28;  // how far back PredictWindows reads

std::string HistoryText(double hours) {
  char text[32];
  if (hours < 48) {
    std::snprintf(text, sizeof text, "%.0f h", std::max(1.0, std::round(hours)));
  } else {
    std::snprintf(text, sizeof text, "%.0f d", std::floor(hours / kHoursPerDay));
  }
  return text;
}

void ExhaustedNow(int64_t now_ms, Forecast* f) {
  f->exhausts_at_ms = now_ms;
  f->probability = f->raw_probability = 1;
}

}  // namespace

const char* Name(Method method) {
  switch (method) {
    case Method::kNoUsage:
      return "none";
    case Method::kSimple:
      return "simple";
    case Method::kWeighted:
      return "weighted";
    case Method::kProfile:
      return "profile";
  }
  return "none";
}

Result<std::vector<std::pair<double, double>>> ParseCalibration(const std::string& json_text) {
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  const auto bad = [](const std::string& what) {
    return Status::InvalidArgument("forecast calibration: " + what +
                                   "; regenerate it with router_forecast_alerts_backtest "
                                   "--calibrate");
  };
  if (!doc.is_object() || !doc.contains("points") || !doc["points"].is_array())
    return bad("expected an object with a \"points\" array");
  std::vector<std::pair<double, double>> points;
  for (const auto& p : doc["points"]) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
      return bad("each point must be [raw, calibrated]");
    const double raw = p[0], calibrated = p[1];
    if (raw < 0 || raw > 1 || calibrated < 0 || calibrated > 1) return bad("points lie in [0, 1]");
    if (!points.empty() && (raw <= points.back().first || calibrated < points.back().second))
      return bad("points must rise in raw and never fall in calibrated");
    points.emplace_back(raw, calibrated);
  }
  return points;
}

double CalibrateWith(const std::vector<std::pair<double, double>>& points, double raw) {
  if (points.empty()) return raw;
  if (raw <= points.front().first) return points.front().second;
  if (raw >= points.back().first) return points.back().second;
  auto next = std::upper_bound(points.begin(), points.end(), raw,
                               [](double r, const auto& p) { return r < p.first; });
  auto prev = next - 1;
  const double share = (raw - prev->first) / (next->first - prev->first);
  return prev->second + share * (next->second - prev->second);
}

double Calibrate(double raw) {
  // The shipped file is checked by a test; should it ever fail to parse, raw chances are shown.
  static const std::vector<std::pair<double, double>> points = [] {
    auto parsed = ParseCalibration(kBuiltinCalibrationJson);
    return parsed.ok() ? std::move(parsed).value() : std::vector<std::pair<double, double>>{};
  }();
  return CalibrateWith(points, raw);
}

const char* ConfidenceLabel(double confidence) {
  return confidence >= 0.7 ? "high" : confidence >= 0.4 ? "medium" : "low";
}

namespace internal {

double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// By bisection: Phi is monotone, and this runs once per forecast.
double InversePhi(double p) {
  double low = -10, high = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = (low + high) / 2;
    (Phi(mid) < p ? low : high) = mid;
  }
  return (low + high) / 2;
}

Forecast StartForecast(const quota::WindowState& window) {
  Forecast f;
  f.provider = window.provider;
  f.window = window.window;
  f.unit = window.unit;
  f.limit = window.limit;
  f.used = window.used;
  f.remaining = std::max<int64_t>(0, window.limit - window.used);
  f.resets_at_ms = window.span.rolling ? 0 : window.span.end_ms;
  f.length_ms = window.span.rolling ? window.span.end_ms - window.span.start_ms : 0;
  return f;
}

std::vector<Hour> CollectHours(const HourlySeries& history, int64_t now_ms) {
  std::vector<Hour> hours;
  hours.reserve(history.values.size());
  for (size_t i = 0; i < history.values.size(); ++i) {
    const int64_t start = history.start_ms + static_cast<int64_t>(i) * kHourMs;
    if (start >= now_ms) break;
    const double value = std::max(0.0, history.values[i]);
    if (hours.empty() && value <= 0) continue;
    hours.push_back(
        {start, std::min(1.0, static_cast<double>(now_ms - start) / kHourMs), value, 1});
  }
  return hours;
}

Method MethodFor(double history_hours) {
  return history_hours < kWeightedFromHours  ? Method::kSimple
         : history_hours < kProfileFromHours ? Method::kWeighted
                                             : Method::kProfile;
}

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
    profile.factor[s] = !weekly        ? shrink(hour_of_day, day_count[hour], 1)
                        : count[s] > 0 ? shrink(sum[s] / count[s] / mean, count[s], hour_of_day)
                                       : hour_of_day;
    profile.observations[s] = weekly ? count[s] : day_count[hour];
    profile_sum += profile.factor[s];
  }
  for (double& p : profile.factor) p *= kSlots / profile_sum;
  return profile;
}

Profile FitProfile(Method method, const calendar::Zone& zone, int64_t today_ms,
                   std::vector<Hour>* hours) {
  if (method == Method::kSimple) {
    Profile flat{};
    flat.factor.fill(1);
    return flat;
  }
  for (Hour& h : *hours) h.slot = static_cast<size_t>(Slot(zone, h.start_ms));
  Profile profile = BuildProfile(*hours, method == Method::kProfile, today_ms);
  for (Hour& h : *hours) {
    h.shape = profile.factor[h.slot];
    h.leverage = 1 / (profile.observations[h.slot] + kProfilePrior);
  }
  return profile;
}

namespace {

// The least of `values` over their median (sorts them); 0 when empty.
double Regularity(std::vector<double>* values) {
  if (values->empty()) return 0;
  std::sort(values->begin(), values->end());
  const double median = (*values)[values->size() / 2];
  return median > 0 ? values->front() / median : 0;
}

bool AnyFixed(const FixedUse& fixed) {
  return std::any_of(fixed.begin(), fixed.end(), [](double f) { return f > 0; });
}

}  // namespace

// An hour is fixed only when it is clearly more regular than the days around it: a steady user's
// every hour is as regular as their days, and the scaled model already fits those.
FixedUse FixedPerHour(const std::vector<Hour>& hours, const calendar::Zone& zone,
                      int64_t today_ms) {
  FixedUse fixed{};
  std::array<std::vector<double>, 24> by_hour;
  std::map<int64_t, double> day_totals;
  const int64_t from = today_ms - kFixedDays * kMsPerDay;
  for (const Hour& h : hours) {
    if (h.duration < 1 || h.start_ms < from || h.start_ms >= today_ms) continue;
    by_hour[static_cast<size_t>(zone.ToCivil(h.start_ms).hour)].push_back(h.value);
    day_totals[zone.StartOfDay(h.start_ms)] += h.value;
  }
  std::vector<double> totals;
  totals.reserve(day_totals.size());
  for (const auto& [_, total] : day_totals) totals.push_back(total);
  const double day_regularity = Regularity(&totals);
  for (size_t hour = 0; hour < 24; ++hour) {
    std::vector<double>& values = by_hour[hour];
    if (static_cast<int>(values.size()) < kFixedFromDays) continue;
    const double regularity = Regularity(&values);
    if (regularity >= kFixedRegularity && 1 - regularity < 0.5 * (1 - day_regularity))
      fixed[hour] = values.front();
  }
  return fixed;
}

void RemoveFixed(const FixedUse& fixed, const calendar::Zone& zone, std::vector<Hour>* hours) {
  for (Hour& h : *hours) {
    h.value += h.fixed;  // idempotent: a second call (or an empty `fixed`) restores first
    h.fixed = std::min(h.value, fixed[static_cast<size_t>(zone.ToCivil(h.start_ms).hour)]);
    h.value -= h.fixed;
  }
}

double Level(const std::vector<Hour>& hours, int64_t now_ms) {
  double long_use = 0, long_time = 0;
  const bool complete_only = hours.size() > 1;
  for (const Hour& h : hours) {
    if (static_cast<double>(now_ms - h.start_ms) / kHourMs > kLongRunHours) continue;
    if (complete_only && h.duration < 1) continue;
    long_use += h.value;
    long_time += h.duration * h.shape;
  }
  return long_time > 0 ? long_use / long_time : 0;
}

std::vector<Day> SplitDays(double level, const calendar::Zone& zone, std::vector<Hour>* hours) {
  std::vector<Day> days;
  for (Hour& h : *hours) {
    const int64_t day = zone.StartOfDay(h.start_ms);
    if (days.empty() || days.back().start_ms != day) days.push_back({day});
    h.day = days.size() - 1;
    if (h.duration < 1) continue;  // a lump early in the current hour is not a pace
    const double expected = level * h.shape * h.duration;
    days.back().use += h.value;
    days.back().expected += expected;
    if (const double spread = HourSpread(expected, level); spread > 0) {
      days.back().weighted_use += h.value * expected / spread;
      days.back().weighted_expected += expected * expected / spread;
    }
  }
  return days;
}

double InformativeFrom(const std::vector<Day>& days, int64_t today_ms) {
  double sum = 0, n = 0;
  for (const Day& d : days) {
    if (d.start_ms >= today_ms || d.expected <= 0) continue;
    sum += d.expected;
    n += 1;
  }
  // Never 0: a day nothing was expected of is no evidence either way.
  return n > 0 ? std::max(kInformativeDayShare * sum / n, 1e-12) : 1e-12;
}

std::vector<double> CompleteDayFactors(const std::vector<Day>& days, int64_t today_ms) {
  std::vector<double> factors;
  const double from = InformativeFrom(days, today_ms);
  for (const Day& d : days) {
    if (d.start_ms < today_ms && d.expected >= from) factors.push_back(FactorOf(d));
  }
  return factors;
}

DayPersistence FitPersistence(const std::vector<double>& factors) {
  DayPersistence out;
  if (static_cast<int>(factors.size()) < kLearnFromDays) return out;
  double mean = 0;
  for (double x : factors) mean += x;
  mean /= static_cast<double>(factors.size());
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < factors.size(); ++i) {
    variance += (factors[i] - mean) * (factors[i] - mean);
    if (i > 0) covariance += (factors[i] - mean) * (factors[i - 1] - mean);
  }
  out.persistence = variance > 0 ? std::clamp(covariance / variance, 0.0, 1.0) : 1.0;
  double innovation = 0;
  for (size_t i = 1; i < factors.size(); ++i) {
    const double e = factors[i] - mean - out.persistence * (factors[i - 1] - mean);
    innovation += e * e;
  }
  out.day_variance =
      std::max(kMinDayVariance, innovation / static_cast<double>(factors.size() - 1));
  return out;
}

// Each hour helped fit its own profile slot and day factor, which pulls the fit toward it:
// residuals are scaled up by that leverage (as in leave-one-out), or a noisy history would look
// regular.
double HourVariance(const std::vector<Hour>& hours, const std::vector<Day>& days, double level,
                    bool fitted_days, int64_t now_ms) {
  double residual_sq = 0, spread = 0;
  for (const Hour& h : hours) {
    if (h.duration < 1 || static_cast<double>(now_ms - h.start_ms) / kHourMs > kLongRunHours)
      continue;
    const Day& day = days[h.day];
    const bool fitted_day = fitted_days && day.expected > 0;
    const double fit = level * h.shape;
    const double expected = fit * (fitted_day ? FactorOf(day) : 1.0);
    const double leverage =
        std::min(kMaxLeverage, h.leverage + (fitted_day ? fit / day.expected : 0));
    residual_sq += (h.value - expected) * (h.value - expected) / ((1 - leverage) * (1 - leverage));
    spread += HourSpread(expected, level);
  }
  return spread > 0 ? std::max(kMinHourVariance, residual_sq / spread)
                    : kDefaultHourCv * kDefaultHourCv;
}

// Days revert toward this line rather than toward the week's mean, so steadily growing use is not
// pulled back to where it was days ago.
Trend FitTrend(const std::vector<Day>& days, int64_t today_ms) {
  Trend trend;
  double n = 0, sum_x = 0, sum_y = 0, sum_xx = 0, sum_xy = 0;
  const double from = InformativeFrom(days, today_ms);
  for (const Day& d : days) {
    const double x = std::round(static_cast<double>(d.start_ms - today_ms) / kMsPerDay);
    if (d.start_ms >= today_ms || d.expected < from || -x > kLongRunHours / kHoursPerDay) continue;
    const double y = FactorOf(d);
    n += 1;
    sum_x += x;
    sum_y += y;
    sum_xx += x * x;
    sum_xy += x * y;
  }
  if (n >= 2 && sum_y > 0) {
    trend.mean_factor = sum_y / n;
    trend.mean_day = sum_x / n;
    const double raw = (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x);
    trend.per_day = std::clamp(raw / trend.mean_factor, -kTrendClamp, kTrendClamp);
    trend.slope = kTrendDamping * trend.per_day * trend.mean_factor;
  }
  return trend;
}

// Today's pace and the persisted prior are combined by precision, so a few quiet hours this
// morning move the estimate little when days are usually alike, and much when they are not.
TodayFactor EstimateToday(const Model& model) {
  const double line_today = model.trend.At(0);
  if (model.method == Method::kSimple) return {line_today, kDefaultDayVariance};
  double prior = line_today;
  const double from = InformativeFrom(model.days, model.today_ms);
  for (auto d = model.days.rbegin(); d != model.days.rend(); ++d) {
    if (d->start_ms >= model.today_ms || d->expected < from) continue;
    const double gap = std::round(static_cast<double>(model.today_ms - d->start_ms) / kMsPerDay);
    prior = line_today + std::pow(model.persistence, gap) * (FactorOf(*d) - model.trend.At(-gap));
    break;
  }
  const Day& current = model.days.back();
  if (current.start_ms == model.today_ms && current.weighted_expected > 0) {
    const double pace = current.weighted_use / current.weighted_expected;
    const double scale = std::max(prior, 0.2);
    const double pace_variance = scale * scale * model.hour_variance / current.weighted_expected;
    const double precision = 1 / model.day_variance + 1 / pace_variance;
    return {(prior / model.day_variance + pace / pace_variance) / precision, 1 / precision};
  }
  return {prior, model.day_variance};
}

Model FitModel(int64_t now_ms, const calendar::Zone& zone, std::vector<Hour>* hours) {
  Model m;
  m.history_hours = static_cast<double>(now_ms - hours->front().start_ms) / kHourMs;
  m.method = MethodFor(m.history_hours);
  m.today_ms = zone.StartOfDay(now_ms);
  if (m.method != Method::kSimple) m.fixed = FixedPerHour(*hours, zone, m.today_ms);
  if (AnyFixed(m.fixed)) RemoveFixed(m.fixed, zone, hours);
  m.profile = FitProfile(m.method, zone, m.today_ms, hours);
  m.level = Level(*hours, now_ms);
  if (m.level <= 0 && AnyFixed(m.fixed)) {  // only the fixed job: model it as use like any other
    m.fixed = FixedUse{};
    RemoveFixed(m.fixed, zone, hours);
    m.profile = FitProfile(m.method, zone, m.today_ms, hours);
    m.level = Level(*hours, now_ms);
  }
  m.days = SplitDays(m.level, zone, hours);
  // Under a day of history there is no day to learn from: the simple estimate keeps the defaults.
  const bool fitted_days = m.method != Method::kSimple;
  if (fitted_days) {
    const DayPersistence learnt = FitPersistence(CompleteDayFactors(m.days, m.today_ms));
    m.persistence = learnt.persistence;
    m.day_variance = learnt.day_variance;
  }
  m.hour_variance = HourVariance(*hours, m.days, m.level, fitted_days, now_ms);
  if (fitted_days && m.history_hours >= kTrendFromHours) m.trend = FitTrend(m.days, m.today_ms);
  const TodayFactor today = EstimateToday(m);
  m.today = today.factor;
  m.today_variance = today.variance;
  return m;
}

double Confidence(const Model& model) {
  const double confidence = model.history_hours / (model.history_hours + kConfidenceHalfHours) /
                            (1 + std::sqrt(model.hour_variance));
  return model.method == Method::kSimple ? std::min(confidence, kSimpleMaxConfidence) : confidence;
}

std::string Basis(const Model& model, const std::string& reading_kind) {
  std::string basis = HistoryText(model.history_hours) + " of history: ";
  switch (model.method) {
    case Method::kSimple:
      basis += "simple average, low confidence";
      break;
    case Method::kWeighted:
      basis += "today's pace against the hour-of-day profile";
      if (model.history_hours >= kTrendFromHours) basis += ", with trend";
      break;
    case Method::kProfile:
    case Method::kNoUsage:  // never fitted: Predict returns before
      basis += "today's pace against the hour-of-week profile";
      break;
  }
  if (reading_kind != "ledger") basis += "; starts from the " + reading_kind + " reading";
  return basis;
}

double CurrentHourScale(const Model& model, const Hour& current, int64_t now_ms,
                        const calendar::Zone& zone) {
  if (current.duration >= 1 || current.start_ms + kHourMs <= now_ms) return 1;
  const double hour = model.level * model.ShapeAt(zone, current.start_ms) * model.today;
  const double rest = (1 - current.duration) * hour;
  return rest > 0 ? std::clamp((hour - current.value) / rest, 0.0, 1.0) : 1;
}

double FixedDue(const Model& model, const Hour& current, int64_t from_ms, int64_t to_ms,
                const calendar::Zone& zone) {
  if (!AnyFixed(model.fixed)) return 0;
  const double fixed = model.fixed[static_cast<size_t>(zone.ToCivil(from_ms).hour)];
  if (from_ms >= current.start_ms && from_ms < current.start_ms + kHourMs)
    return std::max(0.0, fixed - current.fixed);
  return fixed * static_cast<double>(to_ms - from_ms) / kHourMs;
}

Projection Project(const Model& model, const std::vector<Hour>& hours, int64_t now_ms,
                   int64_t end_ms, const calendar::Zone& zone) {
  Projection p;
  double total = 0;
  p.cumulative.Add(hours.front().start_ms, 0);
  for (const Hour& h : hours) {
    total += h.value + h.fixed;
    p.cumulative.Add(h.start_ms + static_cast<int64_t>(h.duration * kHourMs), total);
  }
  if (p.cumulative.points().back().first < now_ms) p.cumulative.Add(now_ms, total);
  int64_t day_ms = model.today_ms;
  double carried = 1, surprise_variance = 0;  // persistence^days, accumulated surprise variance
  double scale = CurrentHourScale(model, hours.back(), now_ms, zone);
  for (int64_t from = now_ms; from < end_ms;) {
    const int64_t to = std::min(end_ms, (from / kHourMs + 1) * kHourMs);
    if (const int64_t d = zone.StartOfDay(from); d != day_ms) {
      day_ms = d;
      surprise_variance =
          surprise_variance * model.persistence * model.persistence + model.day_variance;
      carried *= model.persistence;
    }
    const double base =
        scale * model.level * model.ShapeAt(zone, from) * static_cast<double>(to - from) / kHourMs;
    const double fixed = FixedDue(model, hours.back(), from, to, zone);
    scale = 1;
    const int64_t midpoint_ms = (from + to) / 2;  // whole ms, as the hours are
    const double day_fraction = static_cast<double>(midpoint_ms - model.today_ms) / kMsPerDay;
    const double factor =
        model.trend.At(day_fraction) + carried * (model.today - model.trend.At(0));
    p.steps.push_back(
        {from, to, base * carried, base * std::sqrt(surprise_variance), base * factor});
    total += base * factor + fixed;
    p.cumulative.Add(to, total);
    from = to;
  }
  return p;
}

VarianceParts SplitVarianceBetween(const Projection& projection, const Model& model,
                                   int64_t from_ms, int64_t to_ms) {
  double persisted = 0, surprise = 0, noise = 0;
  for (const Step& st : projection.steps) {
    const int64_t overlap = std::min(to_ms, st.to_ms) - std::max(from_ms, st.from_ms);
    if (overlap <= 0) continue;
    const double share = static_cast<double>(overlap) / static_cast<double>(st.to_ms - st.from_ms);
    persisted += share * st.persisted;
    surprise += share * st.surprise;
    noise += share * share * HourSpread(st.mean, model.level);
  }
  return {persisted * persisted * model.today_variance + surprise * surprise,
          noise * model.hour_variance};
}

double VarianceBetween(const Projection& projection, const Model& model, int64_t from_ms,
                       int64_t to_ms) {
  const VarianceParts parts = SplitVarianceBetween(projection, model, from_ms, to_ms);
  return parts.day + parts.hour;
}

WindowUse::WindowUse(const quota::WindowState& window, const Projection& projection,
                     const Model& model, int64_t now_ms)
    : projection_(projection),
      model_(model),
      now_ms_(now_ms),
      rolling_(window.span.rolling),
      length_(window.span.end_ms - window.span.start_ms),
      basis_(window.basis),
      span_(window.span),
      counted_from_(window.basis.kind == "ledger" ? 0 : window.basis.at_ms),
      used_now_(static_cast<double>(window.used)),
      limit_(static_cast<double>(window.limit)) {
  model_now_ = Modelled(now_ms);
}

// What the window holds at t by the tracker's rule: the reading (aged as quota::ReadingLeft ages
// it) plus the use after it that is still inside the window.
double WindowUse::Modelled(int64_t t) const {
  const Cumulative& cum = projection_.cumulative;
  if (!rolling_) return cum.At(t);
  return quota::ReadingLeft(basis_, span_, t) + cum.At(t) -
         cum.At(std::max(counted_from_, t - length_));
}

double WindowUse::UsedAt(int64_t t) const { return used_now_ + Modelled(t) - model_now_; }

double WindowUse::SdAt(int64_t t) const {
  const VarianceParts parts = PartsAt(t);
  return std::sqrt(parts.day + parts.hour);
}

VarianceParts WindowUse::PartsAt(int64_t t) const {
  return SplitVarianceBetween(projection_, model_,
                              rolling_ ? std::max(now_ms_, t - length_) : now_ms_, t);
}

double WindowUse::ChanceBy(int64_t t) const {
  const double sd = SdAt(t);
  const double margin = UsedAt(t) - limit_;
  return sd > 0 ? Phi(margin / sd) : margin >= 0 ? 1.0 : 0.0;
}

// Checking those times and interpolating is exact for the median; the spread is interpolated
// within an hour.
std::vector<int64_t> CheckTimes(const Cumulative& cumulative, const quota::Span& span,
                                const quota::Basis& basis, int64_t now_ms, int64_t last_ms) {
  const int64_t length = span.end_ms - span.start_ms;
  std::vector<int64_t> checks{last_ms};
  for (const auto& [t, _] : cumulative.points()) {
    if (t > now_ms && t < last_ms) checks.push_back(t);
    if (span.rolling && t + length > now_ms && t + length < last_ms) checks.push_back(t + length);
  }
  // A reading in a rolling window has aged out entirely one length after it was taken.
  if (span.rolling && basis.kind != "ledger" && basis.at_ms + length > now_ms &&
      basis.at_ms + length < last_ms)
    checks.push_back(basis.at_ms + length);
  std::sort(checks.begin(), checks.end());
  checks.erase(std::unique(checks.begin(), checks.end()), checks.end());
  return checks;
}

namespace {

// The chance that a rolling window reaches its limit at some check, given the days' shared error
// at z standard deviations: moments less than a window length apart share most of their hours
// (their most likely one stands for them), moments further apart share none of their hour noise.
double ChanceAtSomeMoment(const WindowUse& use, const std::vector<int64_t>& checks,
                          const std::vector<VarianceParts>& parts, double z) {
  double none = 1, block_max = 0;
  int64_t block_start = checks.front();
  for (size_t i = 0; i < checks.size(); ++i) {
    if (checks[i] - block_start >= use.length_ms()) {
      none *= 1 - block_max;
      block_max = 0;
      block_start = checks[i];
    }
    const double margin = use.UsedAt(checks[i]) + z * std::sqrt(parts[i].day) - use.limit();
    const double sd = std::sqrt(parts[i].hour);
    const double chance = sd > 0 ? Phi(margin / sd) : margin >= 0 ? 1.0 : 0.0;
    block_max = std::max(block_max, chance);
  }
  return 1 - none * (1 - block_max);
}

}  // namespace

double ExhaustionProbability(const WindowUse& use, const std::vector<int64_t>& checks,
                             int64_t last_ms) {
  if (!use.rolling()) return use.ChanceBy(last_ms);
  if (checks.empty()) return 0;
  std::vector<VarianceParts> parts;
  parts.reserve(checks.size());
  for (int64_t t : checks) parts.push_back(use.PartsAt(t));
  // The days' error is shared by every moment: integrated over it cell by cell, 32 cells of
  // 0.25 sd over [-4, 4] (the outer two reaching to infinity), each weighted by its normal mass and
  // evaluated at its middle.
  constexpr int kCells = 32;
  constexpr double kCell = 0.25;
  static const std::array<double, kCells> kMass = [] {
    std::array<double, kCells> mass{};
    for (int k = 0; k < kCells; ++k) {
      const double low = k == 0 ? -1e9 : -4 + kCell * k;
      const double high = k == kCells - 1 ? 1e9 : -4 + kCell * (k + 1);
      mass[static_cast<size_t>(k)] = Phi(high) - Phi(low);
    }
    return mass;
  }();
  double sum = 0, weights = 0;
  for (int k = 0; k < kCells; ++k) {
    const double z = -4 + kCell * (k + 0.5);
    sum += kMass[static_cast<size_t>(k)] * ChanceAtSomeMoment(use, checks, parts, z);
    weights += kMass[static_cast<size_t>(k)];
  }
  return std::clamp(sum / weights, 0.0, 1.0);
}

// Each path is, to first order, the median plus z standard deviations; those that run out are the
// ones above the (1 - p) quantile, and the median of those is the (1 - p / 2) path: its first
// crossing is the forecast.
std::optional<int64_t> MedianExhaustion(const WindowUse& use, const std::vector<int64_t>& checks,
                                        double probability) {
  const double z = InversePhi(1 - probability / 2);
  int64_t prev_t = use.now_ms();
  double prev_over = use.OverNow();
  for (int64_t t : checks) {
    const double over = use.UsedAt(t) + z * use.SdAt(t) - use.limit();
    if (over >= 0) {
      const double share = -prev_over / (over - prev_over);
      return prev_t + static_cast<int64_t>(std::ceil(share * static_cast<double>(t - prev_t)));
    }
    prev_t = t;
    prev_over = over;
  }
  return std::nullopt;
}

}  // namespace internal

Forecast Predict(const quota::WindowState& window, const HourlySeries& history, int64_t now_ms,
                 int64_t horizon_ms, const calendar::Zone& zone) {
  Forecast f = internal::StartForecast(window);
  if (window.limit <= 0) {
    f.basis = "no limit";
    return f;
  }
  std::vector<internal::Hour> hours = internal::CollectHours(history, now_ms);
  // Quiet days alone say nothing: a weekday pattern after a quiet weekend is still a pattern, so
  // only a week without use predicts none.
  const internal::Model model =
      hours.empty() ? internal::Model{} : internal::FitModel(now_ms, zone, &hours);
  if (model.level <= 0) {
    f.basis = "no use in the last week: no exhaustion expected";
    if (f.remaining == 0) ExhaustedNow(now_ms, &f);
    return f;
  }

  f.method = model.method;
  f.history_days = model.history_hours / kHoursPerDay;
  f.trend_per_day = model.trend.per_day;
  f.rate_per_hour = model.level * model.ShapeAt(zone, now_ms) * model.today;
  f.confidence = internal::Confidence(model);
  f.basis = internal::Basis(model, window.basis.kind);
  if (f.remaining == 0) {
    ExhaustedNow(now_ms, &f);
    return f;
  }
  if (horizon_ms <= 0) return f;

  const int64_t end_ms = now_ms + horizon_ms;
  const internal::Projection projection = internal::Project(model, hours, now_ms, end_ms, zone);
  const internal::WindowUse use(window, projection, model, now_ms);
  // A calendar window only counts until it resets.
  const int64_t last_ms = window.span.rolling ? end_ms : std::min(end_ms, window.span.end_ms);
  const std::vector<int64_t> checks =
      internal::CheckTimes(projection.cumulative, window.span, window.basis, now_ms, last_ms);
  f.raw_probability = internal::ExhaustionProbability(use, checks, last_ms);
  f.probability = Calibrate(f.raw_probability);
  if (f.raw_probability < kMentionProbability) return f;
  f.exhausts_at_ms = internal::MedianExhaustion(use, checks, f.raw_probability);
  return f;
}

bool LowConfidence(const Forecast& forecast) {
  return forecast.method != Method::kNoUsage && forecast.history_days < kWarnFromDays;
}

bool Warns(const Forecast& forecast) {
  return forecast.exhausts_at_ms && forecast.probability >= kWarnProbability &&
         !LowConfidence(forecast);
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
    HourlySeries series{since_ms, std::vector<double>(size_t{kHistoryDays} * 24, 0.0)};
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
