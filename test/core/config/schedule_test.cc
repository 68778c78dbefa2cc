// Expected epoch values were computed independently with GNU date and the system tz database,
// e.g. date -d 'TZ="America/Chicago" 2026-02-09 14:36' +%s -> 1770669360, and DST transitions
// were read from `zdump -v -c 2026,2027 <zone>`. Values are seconds; S() turns them into ms.

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/config/schedule.h"

using nlohmann::json;
using router::Status;
using router::calendar::Zone;
using router::config::Describe;
using router::config::ParseSchedule;
using router::config::Schedule;
using router::config::ScheduleKeys;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }
const char* const kPath = "providers.anthropic.windows[0].schedule";

Zone MustFind(const std::string& name) {
  auto zone = Zone::Find(name);
  REQUIRE(zone.ok());
  return zone.value();
}

Schedule MustParse(const json& value, const std::string& zone = "UTC") {
  auto parsed = ParseSchedule(value, kPath, MustFind(zone));
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  return parsed.value();
}

// Parses `value`, expects kInvalidArgument, and returns the message.
std::string ErrorOf(const json& value) {
  auto parsed = ParseSchedule(value, kPath, MustFind("UTC"));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  return parsed.status().message();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("ParseSchedule reads daily schedules", "[config]") {
  SECTION("defaults are midnight, inheriting the provider's zone") {
    const Schedule s = MustParse({{"type", "daily"}});
    CHECK(s.kind == Schedule::Kind::kDaily);
    CHECK(s.hour == 0);
    CHECK(s.minute == 0);
    CHECK(s.timezone.empty());
  }
  SECTION("explicit time and zone") {
    const Schedule s =
        MustParse({{"type", "daily"}, {"hour", 23}, {"minute", 59}, {"timezone", "Europe/London"}});
    CHECK(s.hour == 23);
    CHECK(s.minute == 59);
    CHECK(s.timezone == "Europe/London");
  }
  SECTION("\"local\" is a zone Zone::Find knows") {
    CHECK(MustParse({{"type", "daily"}, {"timezone", "local"}}).timezone == "local");
  }
}

TEST_CASE("ParseSchedule reads weekly and monthly schedules", "[config]") {
  const Schedule weekly = MustParse(
      {{"type", "weekly"}, {"dayOfWeek", 3}, {"hour", 7}, {"timezone", "America/Chicago"}});
  CHECK(weekly.kind == Schedule::Kind::kWeekly);
  CHECK(weekly.day_of_week == 3);
  CHECK(weekly.hour == 7);
  CHECK(weekly.minute == 0);
  CHECK(weekly.timezone == "America/Chicago");
  CHECK(MustParse({{"type", "weekly"}, {"dayOfWeek", 0}}).day_of_week == 0);
  CHECK(MustParse({{"type", "weekly"}, {"dayOfWeek", 6}}).day_of_week == 6);

  const Schedule monthly =
      MustParse({{"type", "monthly"}, {"dayOfMonth", 31}, {"hour", 9}, {"minute", 30}});
  CHECK(monthly.kind == Schedule::Kind::kMonthly);
  CHECK(monthly.day_of_month == 31);
  CHECK(monthly.hour == 9);
  CHECK(monthly.minute == 30);
  CHECK(MustParse({{"type", "monthly"}, {"dayOfMonth", 1}}).day_of_month == 1);
}

TEST_CASE("ParseSchedule reads fixedDate in every ISO 8601 form", "[config]") {
  SECTION("UTC, with and without seconds and fraction") {
    // date -d '2026-02-09 14:36 UTC' +%s -> 1770647760
    const Schedule s = MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00Z"}});
    CHECK(s.kind == Schedule::Kind::kFixed);
    CHECK(s.fixed_at_ms == S(1770647760));
    CHECK(s.period_ms == 0);
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36Z"}}).fixed_at_ms ==
          S(1770647760));
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00.25Z"}}).fixed_at_ms ==
          S(1770647760) + 250);
  }
  SECTION("explicit offsets") {
    // date -d '2026-02-09 12:36 UTC' +%s -> 1770640560; '2026-02-09 20:06 UTC' -> 1770667560
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00+02:00"}}).fixed_at_ms ==
          S(1770640560));
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36-05:30"}}).fixed_at_ms ==
          S(1770667560));
    // The offset wins over any zone.
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00+02:00"}},
                    "America/Chicago")
              .fixed_at_ms == S(1770640560));
  }
  SECTION("local time and date use default_zone") {
    // 'TZ="America/Chicago" 2026-02-09 14:36' -> 1770669360, '... 2026-02-09 00:00' -> 1770616800
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36"}}, "America/Chicago")
              .fixed_at_ms == S(1770669360));
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09"}}, "America/Chicago")
              .fixed_at_ms == S(1770616800));
  }
  SECTION("the schedule's own timezone overrides default_zone") {
    // 'TZ="Europe/London" 2026-07-01 09:00' (BST) -> 1782892800
    const Schedule s = MustParse(
        {{"type", "fixed"}, {"fixedDate", "2026-07-01T09:00"}, {"timezone", "Europe/London"}},
        "America/Chicago");
    CHECK(s.fixed_at_ms == S(1782892800));
    CHECK(s.timezone == "Europe/London");
  }
  SECTION("local times in a DST gap or overlap") {
    // zdump: Chicago springs forward at 2026-03-08 08:00 UTC (1772956800); 02:30 is skipped and
    // resolves to that instant. 01:30 on 2026-11-01 happens twice; the earlier is CDT:
    // 'TZ="America/Chicago" 2026-11-01 01:30 CDT' -> 1793514600.
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-03-08T02:30"}}, "America/Chicago")
              .fixed_at_ms == S(1772956800));
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-11-01T01:30"}}, "America/Chicago")
              .fixed_at_ms == S(1793514600));
  }
  SECTION("periodDays") {
    const Schedule s =
        MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09"}, {"periodDays", 30}});
    CHECK(s.period_ms == 30 * router::kMsPerDay);
    CHECK(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09"}, {"periodDays", 366}})
              .period_ms == 366 * router::kMsPerDay);
  }
}

TEST_CASE("ParseSchedule reads rolling schedules", "[config]") {
  const Schedule hours = MustParse({{"type", "rolling"}, {"hours", 5}});
  CHECK(hours.kind == Schedule::Kind::kRolling);
  CHECK(hours.period_ms == 5 * router::kMsPerHour);
  CHECK(MustParse({{"type", "rolling"}, {"days", 7}}).period_ms == 7 * router::kMsPerDay);
  CHECK(MustParse({{"type", "rolling"}, {"hours", 24 * 366}}).period_ms == 366 * router::kMsPerDay);
  CHECK(MustParse({{"type", "rolling"}, {"days", 366}}).period_ms == 366 * router::kMsPerDay);
}

TEST_CASE("ParseSchedule errors name the full key path and what is allowed", "[config]") {
  const std::string p = kPath;
  SECTION("not an object") {
    const std::string message = ErrorOf(json("daily"));
    CHECK(message.rfind(p + " must be an object", 0) == 0);
  }
  SECTION("missing or wrong type") {
    CHECK(ErrorOf(json::object()).rfind(p + ".type is required", 0) == 0);
    const std::string message = ErrorOf({{"type", "hourly"}});
    CHECK(message.rfind(p + ".type must be one of", 0) == 0);
    CHECK(Contains(message, "\"daily\", \"weekly\", \"monthly\", \"fixed\", \"rolling\""));
    CHECK(Contains(message, "\"hourly\""));
    CHECK(ErrorOf({{"type", 1}}).rfind(p + ".type must be one of", 0) == 0);
  }
  SECTION("unknown keys, including keys of another type") {
    std::string message = ErrorOf({{"type", "daily"}, {"hourOfDay", 3}});
    CHECK(message.rfind(p + ".hourOfDay is not a known key for a daily schedule", 0) == 0);
    CHECK(Contains(message, "allowed: type, hour, minute, timezone"));
    message = ErrorOf({{"type", "daily"}, {"dayOfWeek", 3}});
    CHECK(message.rfind(p + ".dayOfWeek is not a known key", 0) == 0);
    message = ErrorOf({{"type", "rolling"}, {"hours", 5}, {"timezone", "UTC"}});
    CHECK(message.rfind(p + ".timezone is not a known key for a rolling schedule", 0) == 0);
    CHECK(Contains(message, "allowed: type, hours, days"));
  }
  SECTION("dayOfWeek out of range or missing") {
    const std::string message = ErrorOf({{"type", "weekly"}, {"dayOfWeek", 7}});
    CHECK(message.rfind(p + ".dayOfWeek must be an integer from 0 (Sunday) to 6 (Saturday)", 0) ==
          0);
    CHECK(Contains(message, "(got 7)"));
    CHECK(ErrorOf({{"type", "weekly"}, {"dayOfWeek", -1}}).rfind(p + ".dayOfWeek must be", 0) == 0);
    CHECK(ErrorOf({{"type", "weekly"}, {"dayOfWeek", "Wednesday"}})
              .rfind(p + ".dayOfWeek must be", 0) == 0);
    CHECK(ErrorOf({{"type", "weekly"}}).rfind(p + ".dayOfWeek is required for a weekly", 0) == 0);
  }
  SECTION("hour and minute out of range or not integers") {
    std::string message = ErrorOf({{"type", "daily"}, {"hour", 24}});
    CHECK(message.rfind(p + ".hour must be an integer from 0 to 23 (got 24)", 0) == 0);
    message = ErrorOf({{"type", "weekly"}, {"dayOfWeek", 1}, {"minute", 60}});
    CHECK(message.rfind(p + ".minute must be an integer from 0 to 59 (got 60)", 0) == 0);
    CHECK(ErrorOf({{"type", "daily"}, {"hour", 7.5}}).rfind(p + ".hour must be", 0) == 0);
    CHECK(ErrorOf({{"type", "daily"}, {"hour", "7"}}).rfind(p + ".hour must be", 0) == 0);
    CHECK(ErrorOf({{"type", "daily"}, {"minute", -1}}).rfind(p + ".minute must be", 0) == 0);
    CHECK(ErrorOf({{"type", "daily"}, {"hour", 18446744073709551615ULL}})
              .rfind(p + ".hour must be", 0) == 0);
  }
  SECTION("dayOfMonth 0, 32 or missing") {
    CHECK(ErrorOf({{"type", "monthly"}, {"dayOfMonth", 0}})
              .rfind(p + ".dayOfMonth must be an integer from 1 to 31", 0) == 0);
    CHECK(Contains(ErrorOf({{"type", "monthly"}, {"dayOfMonth", 32}}), "(got 32)"));
    CHECK(ErrorOf({{"type", "monthly"}, {"dayOfMonth", 32}}).rfind(p + ".dayOfMonth must be", 0) ==
          0);
    CHECK(ErrorOf({{"type", "monthly"}}).rfind(p + ".dayOfMonth is required for a monthly", 0) ==
          0);
  }
  SECTION("bad fixedDate") {
    for (const json& bad :
         {json("2026-02-30"), json("2026-13-01"), json("2026-2-9"), json("yesterday"),
          json("2026-02-09T24:00"), json("2026-02-09T14:60"), json("2026-02-09T14:36:61Z"),
          json("2026-02-09T14:36+2"), json("2026-02-09T14:36+02:00 "), json("2026-02-09T14"),
          json("2026-02-09T14:36:00."), json("1969-12-31"), json(""), json(1770647760000)}) {
      INFO(bad.dump());
      const std::string message = ErrorOf({{"type", "fixed"}, {"fixedDate", bad}});
      CHECK(message.rfind(p + ".fixedDate must be an ISO 8601 date or time", 0) == 0);
      CHECK(Contains(message, "(got " + bad.dump() + ")"));
    }
    CHECK(ErrorOf({{"type", "fixed"}}).rfind(p + ".fixedDate is required for a fixed", 0) == 0);
    CHECK(ErrorOf({{"type", "fixed"}, {"fixedDate", "2026-02-09"}, {"periodDays", 0}})
              .rfind(p + ".periodDays must be an integer from 1 to 366 (got 0)", 0) == 0);
  }
  SECTION("unknown timezone") {
    const std::string message = ErrorOf({{"type", "daily"}, {"timezone", "Mars/Olympus_Mons"}});
    CHECK(message.rfind(p + ".timezone must be an IANA time zone", 0) == 0);
    CHECK(Contains(message, "Mars/Olympus_Mons"));
    CHECK(ErrorOf({{"type", "daily"}, {"timezone", ""}}).rfind(p + ".timezone must be", 0) == 0);
    CHECK(ErrorOf({{"type", "daily"}, {"timezone", 5}}).rfind(p + ".timezone must be", 0) == 0);
  }
  SECTION("rolling: both, neither, zero, negative, too long") {
    std::string message = ErrorOf({{"type", "rolling"}, {"hours", 5}, {"days", 1}});
    CHECK(message.rfind(p + ".hours and " + p + ".days are exclusive", 0) == 0);
    CHECK(Contains(message, "exactly one"));
    message = ErrorOf({{"type", "rolling"}});
    CHECK(message.rfind(p + ".hours or " + p + ".days is required", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"hours", 0}})
              .rfind(p + ".hours must be an integer from 1 to 8784 (got 0)", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"hours", -5}}).rfind(p + ".hours must be", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"hours", 8785}}).rfind(p + ".hours must be", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"days", 0}})
              .rfind(p + ".days must be an integer from 1 to 366 (got 0)", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"days", -1}}).rfind(p + ".days must be", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"days", 367}}).rfind(p + ".days must be", 0) == 0);
    CHECK(ErrorOf({{"type", "rolling"}, {"days", 1.5}}).rfind(p + ".days must be", 0) == 0);
  }
}

TEST_CASE("ScheduleKeys lists exactly the keys ParseSchedule accepts", "[config]") {
  const std::vector<std::string> keys = ScheduleKeys();
  const std::set<std::string> unique(keys.begin(), keys.end());
  CHECK(unique.size() == keys.size());
  CHECK(unique == std::set<std::string>{"type", "hour", "minute", "dayOfWeek", "dayOfMonth",
                                        "fixedDate", "periodDays", "timezone", "hours", "days"});
  // Every listed key is accepted by at least one schedule type.
  const std::vector<json> examples = {
      {{"type", "daily"}, {"hour", 1}, {"minute", 2}, {"timezone", "UTC"}},
      {{"type", "weekly"}, {"dayOfWeek", 1}},
      {{"type", "monthly"}, {"dayOfMonth", 1}},
      {{"type", "fixed"}, {"fixedDate", "2026-02-09"}, {"periodDays", 1}},
      {{"type", "rolling"}, {"hours", 1}},
      {{"type", "rolling"}, {"days", 1}},
  };
  std::set<std::string> accepted;
  for (const json& example : examples) {
    MustParse(example);
    for (const auto& item : example.items()) accepted.insert(item.key());
  }
  CHECK(accepted == unique);
}

TEST_CASE("Describe renders one status line per schedule", "[config]") {
  CHECK(Describe(MustParse({{"type", "daily"}})) == "daily at 00:00");
  CHECK(Describe(MustParse({{"type", "weekly"}, {"dayOfWeek", 3}, {"hour", 7}})) ==
        "weekly, Wednesday 07:00");
  CHECK(
      Describe(MustParse(
          {{"type", "weekly"}, {"dayOfWeek", 3}, {"hour", 7}, {"timezone", "America/Chicago"}})) ==
      "weekly, Wednesday 07:00 America/Chicago");
  CHECK(
      Describe(MustParse({{"type", "monthly"}, {"dayOfMonth", 31}, {"hour", 9}, {"minute", 30}})) ==
      "monthly on day 31 (or the month's last day) at 09:30");
  CHECK(Describe(MustParse({{"type", "monthly"}, {"dayOfMonth", 15}})) ==
        "monthly on day 15 at 00:00");
  CHECK(Describe(MustParse({{"type", "rolling"}, {"hours", 5}})) == "rolling 5 h");
  CHECK(Describe(MustParse({{"type", "rolling"}, {"days", 7}})) == "rolling 7 d");
  CHECK(Describe(MustParse({{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00Z"}})) ==
        "fixed, resets 2026-02-09 14:36 UTC");
  CHECK(Describe(MustParse(
            {{"type", "fixed"}, {"fixedDate", "2026-02-09T14:36:00Z"}, {"periodDays", 30}})) ==
        "fixed, resets every 30 d from 2026-02-09 14:36 UTC");
  // Shown in the schedule's own zone: 14:36 UTC is 08:36 CST.
  CHECK(Describe(MustParse({{"type", "fixed"},
                            {"fixedDate", "2026-02-09T14:36:00Z"},
                            {"timezone", "America/Chicago"}})) ==
        "fixed, resets 2026-02-09 08:36 America/Chicago");
}
