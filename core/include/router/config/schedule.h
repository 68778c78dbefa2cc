#pragma once
// When a provider's quota window resets, as configured by the user
// (`providers.<id>.windows[i].schedule`). Parsing only; quota/window.h turns a Schedule into the
// window containing a given instant.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "router/base/status.h"
#include "router/calendar/zone.h"

namespace router::config {

// Longest rolling window and longest fixed repeat period, in days.
constexpr int kMaxWindowDays = 366;

// A parsed reset schedule. Calendar kinds (daily, weekly, monthly) reset at a local wall time in
// `timezone`; fixed and rolling are absolute durations and ignore DST.
struct Schedule {
  enum class Kind { kDaily, kWeekly, kMonthly, kFixed, kRolling };
  Kind kind = Kind::kDaily;
  int hour = 0;             // local reset time, 0..23. Default 0.
  int minute = 0;           // 0..59. Default 0.
  int day_of_week = 0;      // weekly: 0 = Sunday .. 6 = Saturday
  int day_of_month = 1;     // monthly: 1..31, clamped to the month's last day
  int64_t fixed_at_ms = 0;  // fixed: the reset instant, epoch ms
  // fixed: repeat period (0 = one-off), whole days of 24 h; rolling: window length. Both in ms.
  int64_t period_ms = 0;
  // IANA zone (or "local") from the schedule itself; empty = inherit the provider's.
  std::string timezone;
};

// Parses a schedule object. JSON shapes (camelCase; unknown keys rejected):
//   {type: "daily",   hour?, minute?, timezone?}
//   {type: "weekly",  dayOfWeek, hour?, minute?, timezone?}
//   {type: "monthly", dayOfMonth, hour?, minute?, timezone?}
//   {type: "fixed",   fixedDate, periodDays?, timezone?}
//   {type: "rolling", hours | days}
// fixedDate is ISO 8601: "2026-02-09T14:36:00Z", with an offset ("...+02:00"), local wall time
// ("2026-02-09T14:36", seconds and fraction optional) or a date ("2026-02-09", local midnight).
// Local values are read in the schedule's own `timezone`, else in `default_zone`; a skipped local
// time resolves to the first instant after the DST gap, a repeated one to the earlier instant.
// Errors are kInvalidArgument; each message starts with the full key path under `path` (e.g.
// "providers.anthropic.windows[0].schedule.hour must be ...") and says what is allowed.
[[nodiscard]] Result<Schedule> ParseSchedule(const nlohmann::json& value, const std::string& path,
                                             const calendar::Zone& default_zone);

// Every key ParseSchedule accepts for some type, for the test that compares the manifest's JSON
// Schema with the parser.
std::vector<std::string> ScheduleKeys();

// One line for status output: "daily at 00:00", "weekly, Wednesday 07:00 America/Chicago",
// "monthly on day 31 (or the month's last day) at 09:30", "rolling 5 h",
// "fixed, resets 2026-02-09 14:36 UTC", "fixed, resets every 30 d from 2026-02-09 14:36 UTC".
// The zone is named when the schedule has its own; fixed instants are shown in it, else in UTC.
std::string Describe(const Schedule& schedule);

}  // namespace router::config
