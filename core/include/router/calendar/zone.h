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
  // "2026-11-23 14:05" in this zone.
  std::string FormatMinute(int64_t at_ms) const;

 private:
  Zone(const date::time_zone* tz, std::string name) : tz_(tz), name_(std::move(name)) {}
  const date::time_zone* tz_;  // owned by the process-wide tz database; never null
  std::string name_;
};

}  // namespace router::calendar
