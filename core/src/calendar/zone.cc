#include "router/calendar/zone.h"

#include <cstdlib>
#include <exception>

#include <date/tz.h>

namespace router::calendar {
namespace {

using std::chrono::milliseconds;
using MsTime = date::sys_time<milliseconds>;

MsTime ToSys(int64_t at_ms) { return MsTime{milliseconds{at_ms}}; }

// Local midnight may not exist (DST jumps at 00:00, e.g. America/Santiago); take the earliest
// instant of that local day in either case.
int64_t LocalMidnightToMs(const date::time_zone* tz, date::local_days day) {
  const date::local_info info = tz->get_info(date::local_seconds{day.time_since_epoch()});
  date::sys_seconds sys;
  if (info.result == date::local_info::nonexistent) {
    sys = info.second.begin;
  } else {
    sys = date::sys_seconds{day.time_since_epoch()} - info.first.offset;
  }
  return std::chrono::duration_cast<milliseconds>(sys.time_since_epoch()).count();
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

std::string Zone::FormatMinute(int64_t at_ms) const {
  return date::format("%Y-%m-%d %H:%M",
                      date::zoned_time<std::chrono::minutes>(
                          tz_, date::floor<std::chrono::minutes>(ToSys(at_ms))));
}

}  // namespace router::calendar
