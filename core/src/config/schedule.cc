#include "router/config/schedule.h"

#include <cctype>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "json_text.h"
#include "router/base/clock.h"

namespace router::config {
namespace {

using nlohmann::json;
using Kind = Schedule::Kind;

constexpr int64_t kMaxRollingHours = int64_t{24} * kMaxWindowDays;

struct KindInfo {
  const char* type;
  Kind kind;
  std::vector<std::string> keys;  // every key allowed for this type, "type" first
};

// The single table behind key validation, error messages and ScheduleKeys().
const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kinds = {
      {"daily", Kind::kDaily, {"type", "hour", "minute", "timezone"}},
      {"weekly", Kind::kWeekly, {"type", "dayOfWeek", "hour", "minute", "timezone"}},
      {"monthly", Kind::kMonthly, {"type", "dayOfMonth", "hour", "minute", "timezone"}},
      {"fixed", Kind::kFixed, {"type", "fixedDate", "periodDays", "timezone"}},
      {"rolling", Kind::kRolling, {"type", "hours", "days"}},
  };
  return kinds;
}

std::string Join(const std::vector<std::string>& items, const std::string& quote) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + quote + item + quote;
  return text;
}

std::string TypeChoices() {
  std::vector<std::string> types;
  for (const auto& info : Kinds()) types.emplace_back(info.type);
  return "one of " + Join(types, "\"");
}

Status Invalid(const std::string& key_path, const std::string& allowed, const json& got) {
  return Status::InvalidArgument(key_path + " must be " + allowed + " (got " + DescribeJson(got) +
                                 ")");
}

std::string IntRange(int64_t min, int64_t max) {
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// Reads an optional integer key into `out` (left unchanged when absent). `allowed` describes the
// range for messages; a missing required key says so.
Status ReadInt(const json& object, const std::string& path, const char* key, bool required,
               int64_t min, int64_t max, const std::string& allowed, const char* type,
               int64_t& out) {
  const std::string key_path = path + "." + key;
  const auto it = object.find(key);
  if (it == object.end()) {
    if (!required) return Status::Ok();
    return Status::InvalidArgument(key_path + " is required for a " + type +
                                   " schedule: " + allowed);
  }
  // Unsigned values above INT64_MAX would wrap in get<int64_t>().
  const bool in_range = it->is_number_integer() &&
                        !(it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX}) &&
                        it->get<int64_t>() >= min && it->get<int64_t>() <= max;
  if (!in_range) return Invalid(key_path, allowed, *it);
  out = it->get<int64_t>();
  return Status::Ok();
}

Status ReadTimeOfDay(const json& object, const std::string& path, const char* type, Schedule& out) {
  int64_t hour = 0;
  int64_t minute = 0;
  ROUTER_RETURN_IF_ERROR(ReadInt(object, path, "hour", false, 0, 23, IntRange(0, 23), type, hour));
  ROUTER_RETURN_IF_ERROR(
      ReadInt(object, path, "minute", false, 0, 59, IntRange(0, 59), type, minute));
  out.hour = static_cast<int>(hour);
  out.minute = static_cast<int>(minute);
  return Status::Ok();
}

// Cursor over an ISO 8601 string; every read fails softly so the caller reports one message.
class IsoReader {
 public:
  explicit IsoReader(const std::string& text) : text_(text) {}
  bool AtEnd() const { return pos_ == text_.size(); }
  bool Peek(const char* chars) const {
    return !AtEnd() && std::string(chars).find(text_[pos_]) != std::string::npos;
  }
  bool Take(const char* chars) {
    if (!Peek(chars)) return false;
    ++pos_;
    return true;
  }
  std::optional<int> Digits(size_t count) {
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      if (AtEnd() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) return std::nullopt;
      value = value * 10 + (text_[pos_++] - '0');
    }
    return value;
  }
  // Fraction of a second after '.', truncated to milliseconds.
  std::optional<int> FractionMs() {
    int ms = 0;
    size_t count = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (count < 3) ms = ms * 10 + (text_[pos_] - '0');
      ++count;
      ++pos_;
    }
    if (count == 0) return std::nullopt;
    for (; count < 3; ++count) ms *= 10;
    return ms;
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
};

// Parses the fixedDate forms listed in schedule.h; nullopt for anything else, including dates
// that do not exist ("2026-02-30") and instants before 1970.
std::optional<int64_t> ParseIsoInstant(const std::string& text, const calendar::Zone& zone) {
  IsoReader in(text);
  calendar::CivilTime civil;
  const auto year = in.Digits(4);
  if (!year || !in.Take("-")) return std::nullopt;
  const auto month = in.Digits(2);
  if (!month || !in.Take("-") || *month < 1 || *month > 12) return std::nullopt;
  const auto day = in.Digits(2);
  if (!day || *day < 1 || *day > calendar::DaysInMonth(*year, *month)) return std::nullopt;
  civil.year = *year;
  civil.month = *month;
  civil.day = *day;
  std::optional<int64_t> offset_ms;
  if (!in.AtEnd()) {
    if (!in.Take("Tt ")) return std::nullopt;
    const auto hour = in.Digits(2);
    if (!hour || !in.Take(":") || *hour > 23) return std::nullopt;
    const auto minute = in.Digits(2);
    if (!minute || *minute > 59) return std::nullopt;
    civil.hour = *hour;
    civil.minute = *minute;
    if (in.Take(":")) {
      const auto second = in.Digits(2);
      if (!second || *second > 59) return std::nullopt;
      civil.second = *second;
      if (in.Take(".,")) {
        const auto ms = in.FractionMs();
        if (!ms) return std::nullopt;
        civil.millisecond = *ms;
      }
    }
    if (in.Take("Zz")) {
      offset_ms = 0;
    } else if (in.Peek("+-")) {
      const int sign = in.Peek("-") ? -1 : 1;
      in.Take("+-");
      const auto off_hours = in.Digits(2);
      in.Take(":");
      const auto off_minutes = in.Digits(2);
      if (!off_hours || !off_minutes || *off_hours > 23 || *off_minutes > 59) return std::nullopt;
      offset_ms = sign * (*off_hours * kMsPerHour + *off_minutes * kMsPerMinute);
    }
  }
  if (!in.AtEnd()) return std::nullopt;
  const int64_t at_ms =
      offset_ms ? calendar::UtcFromCivil(civil) - *offset_ms : zone.FromCivil(civil);
  if (at_ms < 0) return std::nullopt;
  return at_ms;
}

Status ParseFixed(const json& object, const std::string& path, const calendar::Zone& zone,
                  Schedule& out) {
  const std::string key_path = path + ".fixedDate";
  const std::string allowed =
      "an ISO 8601 date or time on or after 1970, such as \"2026-02-09T14:36:00Z\", "
      "\"2026-02-09T14:36:00+02:00\", \"2026-02-09T14:36\" or \"2026-02-09\"";
  const auto it = object.find("fixedDate");
  if (it == object.end()) {
    return Status::InvalidArgument(key_path + " is required for a fixed schedule: " + allowed);
  }
  const std::optional<int64_t> at_ms =
      it->is_string() ? ParseIsoInstant(it->get<std::string>(), zone) : std::nullopt;
  if (!at_ms) return Invalid(key_path, allowed, *it);
  out.fixed_at_ms = *at_ms;
  int64_t period_days = 0;
  ROUTER_RETURN_IF_ERROR(ReadInt(object, path, "periodDays", false, 1, kMaxWindowDays,
                                 IntRange(1, kMaxWindowDays), "fixed", period_days));
  out.period_ms = period_days * kMsPerDay;
  return Status::Ok();
}

Status ParseRolling(const json& object, const std::string& path, Schedule& out) {
  const bool has_hours = object.contains("hours");
  const bool has_days = object.contains("days");
  const std::string allowed = "\"hours\" (" + IntRange(1, kMaxRollingHours) + ") or \"days\" (" +
                              IntRange(1, kMaxWindowDays) + ")";
  if (has_hours == has_days) {
    const std::string problem =
        has_hours ? " and " + path + ".days are exclusive" : " or " + path + ".days is required";
    return Status::InvalidArgument(path + ".hours" + problem +
                                   ": a rolling schedule takes exactly one of " + allowed);
  }
  int64_t count = 0;
  if (has_hours) {
    ROUTER_RETURN_IF_ERROR(ReadInt(object, path, "hours", true, 1, kMaxRollingHours,
                                   IntRange(1, kMaxRollingHours), "rolling", count));
    out.period_ms = count * kMsPerHour;
  } else {
    ROUTER_RETURN_IF_ERROR(ReadInt(object, path, "days", true, 1, kMaxWindowDays,
                                   IntRange(1, kMaxWindowDays), "rolling", count));
    out.period_ms = count * kMsPerDay;
  }
  return Status::Ok();
}

std::string TwoDigits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

std::string ClockTime(const Schedule& schedule) {
  return TwoDigits(schedule.hour) + ":" + TwoDigits(schedule.minute);
}

std::string Duration(int64_t ms) {
  if (ms > 0 && ms % kMsPerDay == 0) return std::to_string(ms / kMsPerDay) + " d";
  if (ms % kMsPerHour == 0) return std::to_string(ms / kMsPerHour) + " h";
  return std::to_string(ms / kMsPerMinute) + " min";
}

}  // namespace

Result<Schedule> ParseSchedule(const json& value, const std::string& path,
                               const calendar::Zone& default_zone) {
  if (!value.is_object()) {
    return Invalid(path, "an object with a \"type\" key, such as {\"type\": \"daily\"}", value);
  }
  const auto type_it = value.find("type");
  if (type_it == value.end()) {
    return Status::InvalidArgument(path + ".type is required: " + TypeChoices());
  }
  const KindInfo* info = nullptr;
  for (const auto& candidate : Kinds()) {
    if (type_it->is_string() && type_it->get<std::string>() == candidate.type) info = &candidate;
  }
  if (info == nullptr) return Invalid(path + ".type", TypeChoices(), *type_it);

  for (const auto& item : value.items()) {
    bool known = false;
    for (const auto& key : info->keys) known = known || item.key() == key;
    if (!known) {
      return Status::InvalidArgument(path + "." + item.key() + " is not a known key for a " +
                                     info->type + " schedule; allowed: " + Join(info->keys, ""));
    }
  }

  Schedule schedule;
  schedule.kind = info->kind;
  // The schedule's own zone must be known before fixedDate is read in it.
  calendar::Zone zone = default_zone;
  if (const auto tz_it = value.find("timezone"); tz_it != value.end()) {
    std::optional<calendar::Zone> found;
    if (tz_it->is_string()) {
      auto result = calendar::Zone::Find(tz_it->get<std::string>());
      if (result.ok()) found = std::move(result).value();
    }
    if (!found) {
      return Invalid(path + ".timezone",
                     "an IANA time zone such as \"America/Chicago\", or \"local\"", *tz_it);
    }
    zone = *found;
    schedule.timezone = tz_it->get<std::string>();
  }

  int64_t day = 0;
  switch (schedule.kind) {
    case Kind::kDaily:
      ROUTER_RETURN_IF_ERROR(ReadTimeOfDay(value, path, "daily", schedule));
      break;
    case Kind::kWeekly:
      ROUTER_RETURN_IF_ERROR(ReadInt(value, path, "dayOfWeek", true, 0, 6,
                                     "an integer from 0 (Sunday) to 6 (Saturday)", "weekly", day));
      schedule.day_of_week = static_cast<int>(day);
      ROUTER_RETURN_IF_ERROR(ReadTimeOfDay(value, path, "weekly", schedule));
      break;
    case Kind::kMonthly: {
      const std::string allowed = IntRange(1, 31) + " (29..31 mean the last day of shorter months)";
      ROUTER_RETURN_IF_ERROR(
          ReadInt(value, path, "dayOfMonth", true, 1, 31, allowed, "monthly", day));
      schedule.day_of_month = static_cast<int>(day);
      ROUTER_RETURN_IF_ERROR(ReadTimeOfDay(value, path, "monthly", schedule));
      break;
    }
    case Kind::kFixed:
      ROUTER_RETURN_IF_ERROR(ParseFixed(value, path, zone, schedule));
      break;
    case Kind::kRolling:
      ROUTER_RETURN_IF_ERROR(ParseRolling(value, path, schedule));
      break;
  }
  return schedule;
}

std::vector<std::string> ScheduleKeys() {
  std::vector<std::string> keys;
  for (const auto& info : Kinds()) {
    for (const auto& key : info.keys) {
      bool seen = false;
      for (const auto& existing : keys) seen = seen || existing == key;
      if (!seen) keys.push_back(key);
    }
  }
  return keys;
}

std::string Describe(const Schedule& schedule) {
  static const char* const kDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  const std::string zone_suffix = schedule.timezone.empty() ? "" : " " + schedule.timezone;
  switch (schedule.kind) {
    case Kind::kDaily:
      return "daily at " + ClockTime(schedule) + zone_suffix;
    case Kind::kWeekly:
      return "weekly, " + std::string(kDayNames[((schedule.day_of_week % 7) + 7) % 7]) + " " +
             ClockTime(schedule) + zone_suffix;
    case Kind::kMonthly:
      return "monthly on day " + std::to_string(schedule.day_of_month) +
             (schedule.day_of_month > 28 ? " (or the month's last day)" : "") + " at " +
             ClockTime(schedule) + zone_suffix;
    case Kind::kRolling:
      return "rolling " + Duration(schedule.period_ms);
    case Kind::kFixed: {
      auto zone = calendar::Zone::Find(schedule.timezone.empty() ? "UTC" : schedule.timezone);
      if (!zone.ok()) zone = calendar::Zone::Find("UTC");
      const std::string at = zone->FormatMinute(schedule.fixed_at_ms) + " " + zone->name();
      if (schedule.period_ms <= 0) return "fixed, resets " + at;
      return "fixed, resets every " + Duration(schedule.period_ms) + " from " + at;
    }
  }
  return "unknown schedule";
}

}  // namespace router::config
