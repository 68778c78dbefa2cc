#pragma once
// The quota window containing an instant, from a provider window's reset schedule. Pure functions:
// no clock, no I/O; thread-safe.

#include <cstdint>

#include "router/calendar/zone.h"
#include "router/config/schedule.h"

namespace router::quota {

// Span::end_ms of a window that never resets again (a one-off fixed window after its date):
// 2^53 - 1, the largest integer a JS number holds exactly, so it survives JSON and the binding.
constexpr int64_t kNeverMs = (int64_t{1} << 53) - 1;
// Span::start_ms of a window that has no earlier reset (a one-off fixed window before its date).
constexpr int64_t kSinceEverMs = 0;

// [start_ms, end_ms) in epoch ms: the window containing now. For calendar kinds and fixed,
// start_ms is the latest reset at or before now (an instant exactly at a reset belongs to the new
// window) and end_ms the next reset. For rolling, start_ms = now - length and end_ms = now, and
// usage ages out continuously (`rolling` = true).
struct Span {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  bool rolling = false;
};

// The window of `schedule` containing `now_ms`. Daily, weekly and monthly resets happen at the
// local wall time in the schedule's own `timezone` when set, else in `zone` (the provider's). A
// reset time skipped by a DST change happens at the first instant after the gap; one that occurs
// twice happens at the earlier instant; monthly day 29..31 falls on the last day of shorter months.
// Fixed periods and rolling lengths are absolute (24 h days) and ignore DST; fixed resets repeat
// every period_ms from fixed_at_ms in both directions, or never when period_ms is 0: before the
// date the window is [kSinceEverMs, fixed_at_ms), after it [fixed_at_ms, kNeverMs).
// Cost is constant: nothing loops over elapsed days or periods.
// REQUIRES: `schedule` came from config::ParseSchedule or holds values in the ranges it accepts.
Span CurrentWindow(const config::Schedule& schedule, const calendar::Zone& zone, int64_t now_ms);

}  // namespace router::quota
