#include "router/calendar/zone.h"

#include <cstdlib>
#include <exception>

#include <date/tz.h>

namespace router::calendar {
namespace {

using std::chrono::milliseconds;
using MsTime = date::sys_time<milliseconds>;

MsTime ToSys(int64_t at_ms) { return MsTime{milliseconds{at_ms}}; }

int64_t ToMs(date::sys_time<milliseconds> sys) { return sys.time_since_epoch().count(); }

// A skipped local time (spring forward, or midnight in zones such as America/Santiago) resolves
// to the transition instant, i.e. the first instant after the gap; a repeated one (fall back) to
// its earlier occurrence, which is `first`.
int64_t LocalToMs(const date::time_zone* tz, date::local_time<milliseconds> local) {
  const date::local_info info = tz->get_info(date::floor<std::chrono::seconds>(local));
  if (info.result == date::local_info::nonexistent) return ToMs(info.second.begin);
  return ToMs(date::sys_time<milliseconds>{local.time_since_epoch()} - info.first.offset);
}

int64_t LocalMidnightToMs(const date::time_zone* tz, date::local_days day) {
  return LocalToMs(tz, date::local_time<milliseconds>{day});
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 plus the time of day, with month, day and time carried over.
milliseconds CivilSinceEpoch(const CivilTime& civil) {
  const int64_t months = int64_t{civil.year} * 12 + (civil.month - 1);
  const int64_t year = FloorDiv(months, 12);
  const auto month = static_cast<unsigned>(months - year * 12 + 1);
  const date::sys_days first{date::year{static_cast<int>(year)} / date::month{month} / 1};
  return first.time_since_epoch() + date::days{civil.day - 1} + std::chrono::hours{civil.hour} +
         std::chrono::minutes{civil.minute} + std::chrono::seconds{civil.second} +
         milliseconds{civil.millisecond};
}

const date::time_zone* LocalZone() {
  const char* tz_env = std::getenv("TZ");
  if (tz_env != nullptr && *tz_env != '\0') {
    try {
      return date::locate_zone(*tz_env == ':' ? tz_env + 1 : tz_env);
    } catch (const std::exception&) {
    }
  }
  try {
    return date::current_zone();
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

}  // namespace

int DaysInMonth(int year, int month) {
  const date::year_month_day_last last{date::year{year} /
                                       date::month{static_cast<unsigned>(month)} / date::last};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

int DayOfWeek(int year, int month, int day) {
  const date::weekday weekday{
      date::sys_days{date::year{year} / date::month{static_cast<unsigned>(month)} /
                     date::day{static_cast<unsigned>(day)}}};
  return static_cast<int>(weekday.c_encoding());
}

int64_t UtcFromCivil(const CivilTime& civil) { return CivilSinceEpoch(civil).count(); }

Result<Zone> Zone::Find(const std::string& name) {
  try {
    if (name == "local") {
      const date::time_zone* tz = LocalZone();
      return Zone(tz, std::string(tz->name()));
    }
    return Zone(date::locate_zone(name), name);
  } catch (const std::exception&) {
    return Status::InvalidArgument("unknown time zone \"" + name +
                                   "\": use an IANA name such as \"Europe/London\" or \"local\"");
  }
}

int64_t Zone::StartOfDay(int64_t at_ms) const {
  const auto local = date::zoned_time<milliseconds>(tz_, ToSys(at_ms)).get_local_time();
  return LocalMidnightToMs(tz_, date::floor<date::days>(local));
}

int64_t Zone::StartOfDaysBefore(int64_t at_ms, int days) const {
  const auto local = date::zoned_time<milliseconds>(tz_, ToSys(at_ms)).get_local_time();
  return LocalMidnightToMs(tz_, date::floor<date::days>(local) - date::days{days});
}

int64_t Zone::StartOfMonth(int64_t at_ms) const {
  const auto local = date::zoned_time<milliseconds>(tz_, ToSys(at_ms)).get_local_time();
  const date::year_month_day ymd{date::floor<date::days>(local)};
  return LocalMidnightToMs(tz_, date::local_days{ymd.year() / ymd.month() / 1});
}

CivilTime Zone::ToCivil(int64_t at_ms) const {
  const auto local = date::zoned_time<milliseconds>(tz_, ToSys(at_ms)).get_local_time();
  const date::local_days day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> time{local - day};
  CivilTime civil;
  civil.year = static_cast<int>(ymd.year());
  civil.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  civil.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  civil.hour = static_cast<int>(time.hours().count());
  civil.minute = static_cast<int>(time.minutes().count());
  civil.second = static_cast<int>(time.seconds().count());
  civil.millisecond = static_cast<int>(time.subseconds().count());
  return civil;
}

int64_t Zone::FromCivil(const CivilTime& civil) const {
  return LocalToMs(tz_, date::local_time<milliseconds>{CivilSinceEpoch(civil)});
}

std::string Zone::FormatMinute(int64_t at_ms) const {
  return date::format("%Y-%m-%d %H:%M", date::zoned_time<std::chrono::minutes>(
                                            tz_, date::floor<std::chrono::minutes>(ToSys(at_ms))));
}

}  // namespace router::calendar
