#pragma once
// Calendar arithmetic in real IANA time zones (system tz database via Howard Hinnant's date/tz),
// so day and month boundaries stay right across DST changes.

#include <cstdint>
#include <string>

#include "router/base/status.h"

namespace date {
class time_zone;
}

namespace router::calendar {

// A wall-clock date and time with no zone attached.
struct CivilTime {
  int year = 1970;
  int month = 1;        // 1..12
  int day = 1;          // 1..31
  int hour = 0;         // 0..23
  int minute = 0;       // 0..59
  int second = 0;       // 0..59
  int millisecond = 0;  // 0..999
};

// Days in `month` (1..12) of `year`: 28..31, honouring leap years.
int DaysInMonth(int year, int month);
// Day of the week of a valid calendar date: 0 = Sunday .. 6 = Saturday.
int DayOfWeek(int year, int month, int day);
// Epoch ms of `civil` read as UTC. Out-of-range fields carry over as in Zone::FromCivil.
int64_t UtcFromCivil(const CivilTime& civil);

class Zone {
 public:
  // `name` is an IANA zone ("Europe/London") or "local" (TZ, else /etc/localtime, else UTC).
  // Returns kInvalidArgument naming the zone when the tz database does not know it.
  [[nodiscard]] static Result<Zone> Find(const std::string& name);

  const std::string& name() const { return name_; }

  // Epoch ms of local midnight starting the day that contains `at_ms`.
  int64_t StartOfDay(int64_t at_ms) const;
  // Epoch ms of local midnight `days` calendar days before the day that contains `at_ms`.
  int64_t StartOfDaysBefore(int64_t at_ms, int days) const;
  // Epoch ms of local midnight on the first day of the month that contains `at_ms`.
  int64_t StartOfMonth(int64_t at_ms) const;
  // Local wall time at `at_ms`.
  CivilTime ToCivil(int64_t at_ms) const;
  // Epoch ms at which this zone's wall clock reads `civil`. A time skipped by a DST change maps to
  // the first instant after the gap; a time that occurs twice maps to the earlier instant.
  // Out-of-range fields carry over arithmetically (month 13 is next January, day 0 the previous
  // month's last day, day 32 of January is February 1, hour 24 the next day's 00:00), so callers
  // can step by days or months without normalizing. REQUIRES: the year stays within +-32767.
  int64_t FromCivil(const CivilTime& civil) const;
  // "2026-11-23 14:05" in this zone.
  std::string FormatMinute(int64_t at_ms) const;

 private:
  Zone(const date::time_zone* tz, std::string name) : tz_(tz), name_(std::move(name)) {}
  const date::time_zone* tz_;  // owned by the process-wide tz database; never null
  std::string name_;
};

}  // namespace router::calendar
