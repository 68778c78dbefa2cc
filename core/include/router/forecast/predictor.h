#pragma once
// When will each quota window run out? Pure functions over hourly usage in the window's own unit
// (tokens, messages, requests or micro-USD), so every estimator is testable without a clock or a
// ledger; PredictWindows reads the ledger's hourly rollups and calls them.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "router/base/status.h"
#include "router/calendar/zone.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/quota/tracker.h"

namespace router::forecast {

// Usage per hour in one unit: values[i] covers [start_ms + i h, start_ms + (i + 1) h). The last
// entry is the current, partial hour (ending at now).
struct HourlySeries {
  int64_t start_ms = 0;  // a whole hour
  std::vector<double> values;
};

// How a forecast was made, least to most history.
enum class Method {
  kNoUsage,   // nothing used in the last week: no exhaustion predicted
  kSimple,    // under a day of history: the mean rate so far, low confidence
  kWeighted,  // today's pace against an hour-of-day profile, day-to-day persistence, trend
  kProfile,   // the same with an hour-of-week profile (>= 7 days of history)
};

// A forecast warns (status, alerts) only when running out is at least this likely, as calibrated
// (Calibrate): a point forecast that barely crosses the limit is a coin flip, not a warning.
// Chosen with bench/forecast_alerts_backtest.cc on its tuning families.
inline constexpr double kWarnProbability = 0.7;
// Nor before this many days of history: in the first days a forecast says "low confidence"
// instead (most early warnings were false in the backtest).
inline constexpr double kWarnFromDays = 3;
// Below this chance a forecast names no time: the window is not expected to run out. A reader's
// cut-off, not a tuned one (lower ones only add "0.1% likely" lines).
inline constexpr double kMentionProbability = 0.05;
const char* Name(Method method);
// "high" (>= 0.7), "medium" (>= 0.4) or "low": how the text and alerts name a confidence.
const char* ConfidenceLabel(double confidence);

struct Forecast {
  std::string provider;
  std::string window;
  config::QuotaUnit unit = config::QuotaUnit::kTokens;
  int64_t limit = 0;  // 0 = no limit: nothing to run out of
  int64_t used = 0;   // now, as quota::EvaluateWindows reports it
  int64_t remaining = 0;
  double rate_per_hour = 0;  // the rate now (level x profile x today's factor), in unit per hour
  double trend_per_day =
      0;  // fitted change of the day factors per day (0.1 = +10%/day), 0 if unknown
  Method method = Method::kNoUsage;
  double confidence = 0;  // 0..1: how much history backs the estimate
  std::string basis;      // one line: "3 h of history: simple estimate, low confidence"
  // Chance that the window runs out within the horizon (and before a calendar window resets):
  // raw_probability, from the spread of the user's own day-to-day and hour-to-hour variation,
  // mapped through the shipped calibration (Calibrate) so that stated chances match how often
  // such forecasts came true in the backtest.
  double probability = 0;
  double raw_probability = 0;
  double history_days = 0;  // from the first use in the last 28 days to now
  // When it runs out if it does: the median time over the projected paths that run out. nullopt
  // when raw_probability is under kMentionProbability (few of the model's paths cross).
  std::optional<int64_t> exhausts_at_ms;
  int64_t resets_at_ms = 0;  // the window's next reset; 0 for rolling windows
  int64_t length_ms = 0;     // a rolling window's length; 0 for calendar windows
};

// Whether `forecast` is worth a warning: likely to run out within the horizon, before the reset,
// with at least kWarnFromDays of history.
bool Warns(const Forecast& forecast);
// Whether the forecast rests on too little history to warn (under kWarnFromDays).
bool LowConfidence(const Forecast& forecast);

// The shipped calibration (data/forecast_calibration.json): a raw probability -> how often such
// forecasts came true on the backtest's tuning families, piecewise linear and non-decreasing.
double Calibrate(double raw_probability);
// The same from a calibration document's text (the shipped one is parsed once); identity when it
// has no points. Exposed for tests and the tool that writes the file.
double CalibrateWith(const std::vector<std::pair<double, double>>& points, double raw_probability);
[[nodiscard]] Result<std::vector<std::pair<double, double>>> ParseCalibration(
    const std::string& json_text);

// One window's forecast. `history` is the provider's usage in the window's unit, at least the last
// 28 days when available. Rolling windows age usage out: exhaustion is the first hour when usage
// inside the trailing window (history plus projection) reaches the limit. `horizon_ms` bounds the
// projection.
Forecast Predict(const quota::WindowState& window, const HourlySeries& history, int64_t now_ms,
                 int64_t horizon_ms, const calendar::Zone& zone);

// Every limited window of every configured provider, from the ledger (hourly rollups, so the cost
// does not grow with the row count). Blocking.
[[nodiscard]] Result<std::vector<Forecast>> PredictWindows(const config::PluginOptions& options,
                                                           const ledger::Ledger& ledger,
                                                           int64_t now_ms, int horizon_hours);
// The same for windows already evaluated at now_ms (quota::EvaluateWindows), so a caller that
// has them (status, alert checks) does not evaluate them twice.
[[nodiscard]] Result<std::vector<Forecast>> PredictWindows(
    const config::PluginOptions& options, const ledger::Ledger& ledger,
    const std::vector<quota::WindowState>& windows, int64_t now_ms, int horizon_hours);

}  // namespace router::forecast
