#include "router/quota/window.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace router::quota {
namespace {

using config::Schedule;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Given reset_at(k), strictly increasing in k, and a guess k that is off by at most one or two,
// brackets now between consecutive resets. The guess comes from now's local date, so each loop
// runs at most twice whatever the schedule or DST rules.
template <typename ResetAt>
Span Bracket(const ResetAt& reset_at, int64_t k, int64_t now_ms) {
  while (reset_at(k) > now_ms) --k;
  while (reset_at(k + 1) <= now_ms) ++k;
  return {reset_at(k), reset_at(k + 1), false};
}

Span FixedWindow(const Schedule& schedule, int64_t now_ms) {
  const int64_t at = schedule.fixed_at_ms;
  if (schedule.period_ms <= 0) {
    return now_ms < at ? Span{kSinceEverMs, at, false} : Span{at, kNeverMs, false};
  }
  const int64_t start = at + FloorDiv(now_ms - at, schedule.period_ms) * schedule.period_ms;
  return {start, start + schedule.period_ms, false};
}

}  // namespace

Span CurrentWindow(const Schedule& schedule, const calendar::Zone& zone, int64_t now_ms) {
  if (schedule.kind == Schedule::Kind::kRolling) {
    return {now_ms - std::max<int64_t>(schedule.period_ms, 0), now_ms, true};
  }
  if (schedule.kind == Schedule::Kind::kFixed) return FixedWindow(schedule, now_ms);

  // An explicit schedule zone wins over the provider's; ParseSchedule has already validated it.
  std::optional<calendar::Zone> own_zone;
  if (!schedule.timezone.empty()) {
    auto found = calendar::Zone::Find(schedule.timezone);
    if (found.ok()) own_zone = std::move(found).value();
  }
  const calendar::Zone& local = own_zone ? *own_zone : zone;
  const calendar::CivilTime today = local.ToCivil(now_ms);
  // Each kind numbers its resets k = 0 for the one on or before today's date (daily, weekly) or
  // in today's month (monthly); FromCivil carries day and month overflow.
  const auto reset_on = [&](int year, int month, int64_t day) {
    return local.FromCivil({year, month, static_cast<int>(day), schedule.hour, schedule.minute});
  };
  switch (schedule.kind) {
    case Schedule::Kind::kDaily:
      return Bracket([&](int64_t k) { return reset_on(today.year, today.month, today.day + k); }, 0,
                     now_ms);
    case Schedule::Kind::kWeekly: {
      const int weekday = calendar::DayOfWeek(today.year, today.month, today.day);
      const int back = ((weekday - schedule.day_of_week) % 7 + 7) % 7;
      return Bracket(
          [&](int64_t k) { return reset_on(today.year, today.month, today.day - back + 7 * k); }, 0,
          now_ms);
    }
    case Schedule::Kind::kMonthly: {
      const int day_of_month = std::clamp(schedule.day_of_month, 1, 31);
      return Bracket(
          [&](int64_t k) {
            const int64_t months = int64_t{today.year} * 12 + (today.month - 1) + k;
            const auto year = static_cast<int>(FloorDiv(months, 12));
            const auto month = static_cast<int>(months - int64_t{year} * 12 + 1);
            return reset_on(year, month,
                            std::min(day_of_month, calendar::DaysInMonth(year, month)));
          },
          0, now_ms);
    }
    case Schedule::Kind::kFixed:
    case Schedule::Kind::kRolling:
      break;
  }
  return {now_ms, now_ms, false};
}

}  // namespace router::quota
