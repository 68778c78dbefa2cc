// Expected epoch values were computed independently with GNU date and the system tz database,
// e.g. date -d 'TZ="America/Chicago" 2026-03-04 07:00' +%s -> 1772629200; local times skipped
// or repeated by DST were resolved from `zdump -v -c 2026,2027 <zone>` transitions, and
// UTC-offset arithmetic for fixed periods with date -d '2026-02-09 14:36 UTC + 90 days' +%s.
// Values are seconds; S() turns them into ms.

#include <string>

#include <catch2/catch.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/config/schedule.h"
#include "router/quota/window.h"

using router::calendar::Zone;
using router::config::Schedule;
using router::quota::CurrentWindow;
using router::quota::kNeverMs;
using router::quota::kSinceEverMs;
using router::quota::Span;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }
constexpr int64_t kHour = router::kMsPerHour;

Zone MustFind(const std::string& name) {
  auto zone = Zone::Find(name);
  REQUIRE(zone.ok());
  return zone.value();
}

Schedule Daily(int hour, int minute) {
  Schedule s;
  s.kind = Schedule::Kind::kDaily;
  s.hour = hour;
  s.minute = minute;
  return s;
}

Schedule Weekly(int day_of_week, int hour, int minute) {
  Schedule s = Daily(hour, minute);
  s.kind = Schedule::Kind::kWeekly;
  s.day_of_week = day_of_week;
  return s;
}

Schedule Monthly(int day_of_month, int hour, int minute) {
  Schedule s = Daily(hour, minute);
  s.kind = Schedule::Kind::kMonthly;
  s.day_of_month = day_of_month;
  return s;
}

Schedule Fixed(int64_t at_ms, int64_t period_ms) {
  Schedule s;
  s.kind = Schedule::Kind::kFixed;
  s.fixed_at_ms = at_ms;
  s.period_ms = period_ms;
  return s;
}

Schedule Rolling(int64_t length_ms) {
  Schedule s;
  s.kind = Schedule::Kind::kRolling;
  s.period_ms = length_ms;
  return s;
}

// Checks the window of `schedule` at `now_ms` is [start_ms, end_ms), not rolling.
void CheckSpan(const Schedule& schedule, const Zone& zone, int64_t now_ms, int64_t start_ms,
               int64_t end_ms) {
  INFO("now " << now_ms << " in " << zone.name());
  const Span span = CurrentWindow(schedule, zone, now_ms);
  CHECK(span.start_ms == start_ms);
  CHECK(span.end_ms == end_ms);
  CHECK_FALSE(span.rolling);
}

}  // namespace

TEST_CASE("Daily windows in America/Chicago across both DST changes", "[quota]") {
  const Zone chicago = MustFind("America/Chicago");
  SECTION("midnight reset: the spring-forward day is 23 h") {
    // 'TZ="America/Chicago" 2026-03-08 12:00' -> 1772989200; 00:00 -> 1772949600;
    // 2026-03-09 00:00 -> 1773032400
    CheckSpan(Daily(0, 0), chicago, S(1772989200), S(1772949600), S(1773032400));
    CHECK(S(1773032400) - S(1772949600) == 23 * kHour);
    // Exactly at the reset belongs to the new window; one ms before to the old one.
    CheckSpan(Daily(0, 0), chicago, S(1773032400), S(1773032400), S(1773032400) + 24 * kHour);
    CheckSpan(Daily(0, 0), chicago, S(1773032400) - 1, S(1772949600), S(1773032400));
  }
  SECTION("02:30 does not exist on 2026-03-08: the reset is at 03:00 CDT, after the gap") {
    // zdump: 2026-03-08 07:59:59 UT = 01:59:59 CST, 08:00:00 UT = 03:00 CDT -> 1772956800.
    // 'TZ="America/Chicago" 2026-03-07 02:30' -> 1772872200, '... 2026-03-09 02:30' -> 1773041400
    const Schedule s = Daily(2, 30);
    CheckSpan(s, chicago, S(1772989200), S(1772956800), S(1773041400));
    CheckSpan(s, chicago, S(1772956800), S(1772956800), S(1773041400));
    CheckSpan(s, chicago, S(1772956800) - 1, S(1772872200), S(1772956800));
  }
  SECTION("01:30 happens twice on 2026-11-01: the reset is at the earlier (CDT) one") {
    // '... 2026-11-01 01:30 CDT' -> 1793514600, '... 01:30 CST' -> 1793518200,
    // '... 2026-10-31 01:30' -> 1793428200, '... 2026-11-02 01:30' -> 1793604600
    const Schedule s = Daily(1, 30);
    CheckSpan(s, chicago, S(1793518200), S(1793514600), S(1793604600));  // second 01:30: no reset
    CHECK(S(1793604600) - S(1793514600) == 25 * kHour);
    CheckSpan(s, chicago, S(1793514600), S(1793514600), S(1793604600));
    // '... 2026-11-01 01:00 CDT' -> 1793512800
    CheckSpan(s, chicago, S(1793512800), S(1793428200), S(1793514600));
  }
}

TEST_CASE("Daily windows in Europe/London across both DST changes", "[quota]") {
  const Zone london = MustFind("Europe/London");
  const Schedule s = Daily(1, 30);
  SECTION("01:30 is skipped on 2026-03-29: the reset is at 02:00 BST = 01:00 UTC") {
    // zdump: 2026-03-29 01:00:00 UT = 02:00:00 BST -> 1774746000.
    // 'TZ="Europe/London" 2026-03-28 01:30' -> 1774661400, '... 2026-03-29 12:00' -> 1774782000,
    // '... 2026-03-30 01:30' -> 1774830600
    CheckSpan(s, london, S(1774782000), S(1774746000), S(1774830600));
    CheckSpan(s, london, S(1774746000) - 1, S(1774661400), S(1774746000));
    CHECK(S(1774746000) - S(1774661400) == 23 * kHour + 30 * router::kMsPerMinute);
  }
  SECTION("01:30 happens twice on 2026-10-25: the reset is at the BST one") {
    // '... 2026-10-25 01:30 BST' -> 1792888200, '... 01:30 GMT' -> 1792891800,
    // '... 2026-10-24 01:30' -> 1792801800, '... 2026-10-26 01:30' -> 1792978200
    CheckSpan(s, london, S(1792891800), S(1792888200), S(1792978200));
    CheckSpan(s, london, S(1792888200) - 1, S(1792801800), S(1792888200));
    CHECK(S(1792978200) - S(1792888200) == 25 * kHour);
  }
}

TEST_CASE("Daily windows across Australia/Lord_Howe's 30-minute DST shifts", "[quota]") {
  const Zone lord_howe = MustFind("Australia/Lord_Howe");
  SECTION("2026-04-05: 01:30..02:00 repeats; 01:45 resets at the +11 occurrence") {
    // zdump: 2026-04-04 15:00:00 UT = 2026-04-05 01:30 +1030. 01:45 +11 = 2026-04-04 14:45 UTC
    // (date -d '2026-04-04 14:45 UTC' +%s -> 1775313900); 01:45 +1030 -> 1775315700.
    // 'TZ="Australia/Lord_Howe" 2026-04-04 01:45' -> 1775227500, '... 2026-04-06 01:45' ->
    // 1775402100, '... 2026-04-05 12:00' -> 1775352600
    const Schedule s = Daily(1, 45);
    CheckSpan(s, lord_howe, S(1775352600), S(1775313900), S(1775402100));
    CheckSpan(s, lord_howe, S(1775315700), S(1775313900), S(1775402100));
    CheckSpan(s, lord_howe, S(1775313900) - 1, S(1775227500), S(1775313900));
    CHECK(S(1775402100) - S(1775313900) == 24 * kHour + 30 * router::kMsPerMinute);
  }
  SECTION("2026-10-04: 02:00..02:30 is skipped; 02:15 resets at 02:30 +11") {
    // zdump: 2026-10-03 15:30:00 UT = 2026-10-04 02:30 +11 -> 1791041400.
    // '... 2026-10-03 02:15' -> 1790955900, '... 2026-10-05 02:15' -> 1791126900,
    // '... 2026-10-04 12:00' -> 1791075600
    const Schedule s = Daily(2, 15);
    CheckSpan(s, lord_howe, S(1791075600), S(1791041400), S(1791126900));
    CheckSpan(s, lord_howe, S(1791041400), S(1791041400), S(1791126900));
    CheckSpan(s, lord_howe, S(1791041400) - 1, S(1790955900), S(1791041400));
    CHECK(S(1791041400) - S(1790955900) == 23 * kHour + 45 * router::kMsPerMinute);
  }
}

TEST_CASE("Weekly windows: Wednesday 07:00 America/Chicago is 167 h or 169 h across DST",
          "[quota]") {
  const Zone chicago = MustFind("America/Chicago");
  const Schedule s = Weekly(3, 7, 0);
  // 'TZ="America/Chicago" 2026-03-04 07:00' -> 1772629200, '... 2026-03-11 07:00' -> 1773230400
  CheckSpan(s, chicago, S(1772989200), S(1772629200), S(1773230400));
  CHECK(S(1773230400) - S(1772629200) == 167 * kHour);
  // Wednesday itself: before 07:00 is last week, 07:00 exactly starts the new one.
  // '... 2026-03-11 06:59' -> 1773230340
  CheckSpan(s, chicago, S(1773230340), S(1772629200), S(1773230400));
  CheckSpan(s, chicago, S(1773230400), S(1773230400), S(1773230400) + 168 * kHour);
  // '... 2026-10-28 07:00' -> 1793188800, '... 2026-11-04 07:00' -> 1793797200,
  // '... 2026-11-01 12:00' -> 1793556000
  CheckSpan(s, chicago, S(1793556000), S(1793188800), S(1793797200));
  CHECK(S(1793797200) - S(1793188800) == 169 * kHour);

  SECTION("a weekly reset inside the DST gap happens after it") {
    // Sunday 02:00 on 2026-03-08 is skipped -> 03:00 CDT (1772956800).
    // '... 2026-03-01 02:00' -> 1772352000, '... 2026-03-15 02:00' -> 1773558000
    const Schedule sunday = Weekly(0, 2, 0);
    CheckSpan(sunday, chicago, S(1772956800) - 1, S(1772352000), S(1772956800));
    CheckSpan(sunday, chicago, S(1772989200), S(1772956800), S(1773558000));
  }
  SECTION("Europe/London: Sunday midnight weeks of 167 h and 169 h") {
    const Zone london = MustFind("Europe/London");
    // 'TZ="Europe/London" 2026-03-29 00:00' -> 1774742400, '... 2026-04-05 00:00' -> 1775343600,
    // '... 2026-04-01 10:00' -> 1775034000; '... 2026-10-25 00:00' -> 1792882800,
    // '... 2026-11-01 00:00' -> 1793491200
    CheckSpan(Weekly(0, 0, 0), london, S(1775034000), S(1774742400), S(1775343600));
    CheckSpan(Weekly(0, 0, 0), london, S(1793491200) - 1, S(1792882800), S(1793491200));
    CHECK(S(1793491200) - S(1792882800) == 169 * kHour);
  }
}

TEST_CASE("Monthly day 31 falls on the last day of shorter months", "[quota]") {
  const Zone london = MustFind("Europe/London");
  const Schedule s = Monthly(31, 9, 30);
  // 'TZ="Europe/London" 2026-01-31 09:30' -> 1769851800, 2026-02-28 09:30 -> 1772271000,
  // 2026-03-31 09:30 (BST) -> 1774945800, 2026-04-30 09:30 -> 1777537800,
  // 2026-05-31 09:30 -> 1780216200; 2026-02-15 12:00 -> 1771156800, 2026-04-15 12:00 -> 1776250800
  SECTION("February 2026") {
    CheckSpan(s, london, S(1771156800), S(1769851800), S(1772271000));
    CheckSpan(s, london, S(1772271000) - 60'000, S(1769851800), S(1772271000));
    CheckSpan(s, london, S(1772271000), S(1772271000), S(1774945800));
  }
  SECTION("April 2026 (30 days)") {
    CheckSpan(s, london, S(1776250800), S(1774945800), S(1777537800));
    CheckSpan(s, london, S(1777537800), S(1777537800), S(1780216200));
  }
  SECTION("leap year 2028: February 29") {
    // '... 2028-01-31 09:30' -> 1832923800, '... 2028-02-29 09:30' -> 1835429400,
    // '... 2028-03-31 09:30' -> 1838104200, '... 2028-02-10 00:00' -> 1833753600
    CheckSpan(s, london, S(1833753600), S(1832923800), S(1835429400));
    CheckSpan(s, london, S(1835429400) - 1, S(1832923800), S(1835429400));
    CheckSpan(s, london, S(1835429400), S(1835429400), S(1838104200));
  }
  SECTION("across the year end") {
    // '... 2026-12-31 09:30' -> 1798709400, '... 2027-01-31 09:30' -> 1801387800,
    // '... 2027-01-05 00:00' -> 1799107200
    CheckSpan(s, london, S(1799107200), S(1798709400), S(1801387800));
  }
  SECTION("the schedule's own zone overrides the provider's") {
    Schedule own = s;
    own.timezone = "Europe/London";
    CheckSpan(own, MustFind("Asia/Tokyo"), S(1771156800), S(1769851800), S(1772271000));
  }
}

TEST_CASE("Fixed windows, one-off and repeating", "[quota]") {
  const Zone utc = MustFind("UTC");
  // date -d '2026-02-09 14:36 UTC' +%s -> 1770647760
  const int64_t at = S(1770647760);
  SECTION("one-off: open-ended before and after the date") {
    const Schedule s = Fixed(at, 0);
    CheckSpan(s, utc, at - 1, kSinceEverMs, at);
    CheckSpan(s, utc, S(1), 0, at);
    CheckSpan(s, utc, at, at, kNeverMs);
    // date -d '2100-01-01 00:00 UTC' +%s -> 4102444800
    CheckSpan(s, utc, S(4102444800), at, kNeverMs);
    CHECK(kNeverMs == 9007199254740991);  // Number.MAX_SAFE_INTEGER
  }
  SECTION("every 30 days, forwards and backwards from the date") {
    const Schedule s = Fixed(at, 30 * router::kMsPerDay);
    CheckSpan(s, utc, at, at, at + 30 * router::kMsPerDay);
    // '2026-02-09 14:36 UTC + 100 days + 5 hours' -> 1779305760 lies in
    // [+ 90 days -> 1778423760, + 120 days -> 1781015760).
    CheckSpan(s, utc, S(1779305760), S(1778423760), S(1781015760));
    CheckSpan(s, utc, S(1781015760), S(1781015760), S(1781015760) + 30 * router::kMsPerDay);
    // Before the date: '... - 30 days' -> 1768055760, '... - 45 days' -> 1766759760,
    // '... - 60 days' -> 1765463760
    CheckSpan(s, utc, at - 1, S(1768055760), at);
    CheckSpan(s, utc, S(1766759760), S(1765463760), S(1768055760));
    // Far future, computed with Python: (4102444800 - 1770647760) // 2592000 = 899 periods.
    CheckSpan(s, utc, S(4102444800), S(4100855760), S(4103447760));
  }
  SECTION("periods are absolute 24 h days, so the zone does not matter") {
    const Schedule s = Fixed(at, 30 * router::kMsPerDay);
    CheckSpan(s, MustFind("America/Chicago"), S(1779305760), S(1778423760), S(1781015760));
  }
}

TEST_CASE("Rolling windows end at now", "[quota]") {
  const Zone chicago = MustFind("America/Chicago");
  // date -d '2026-06-01 00:00 UTC' +%s -> 1780272000; minus 5 hours -> 1780254000,
  // minus 7 days -> 1779667200
  const int64_t now = S(1780272000);
  Span span = CurrentWindow(Rolling(5 * kHour), chicago, now);
  CHECK(span.start_ms == S(1780254000));
  CHECK(span.end_ms == now);
  CHECK(span.rolling);

  span = CurrentWindow(Rolling(7 * router::kMsPerDay), chicago, now + 123);
  CHECK(span.start_ms == S(1779667200) + 123);
  CHECK(span.end_ms == now + 123);
  CHECK(span.rolling);

  // Across spring forward the window is still exactly 168 h of elapsed time.
  // 'TZ="America/Chicago" 2026-03-08 12:00' -> 1772989200
  span = CurrentWindow(Rolling(7 * router::kMsPerDay), chicago, S(1772989200));
  CHECK(span.end_ms - span.start_ms == 168 * kHour);
}

TEST_CASE("Every calendar window contains now and is followed by the next", "[quota]") {
  // Walks an hour at a time through 2026 in zones with DST, checking the invariants that keep
  // spend from leaking between windows: start <= now < end, and the window at `end` starts there.
  const Schedule schedules[] = {Daily(0, 0),     Daily(2, 30),       Daily(1, 45),
                                Weekly(3, 7, 0), Monthly(31, 9, 30), Monthly(1, 0, 0)};
  for (const char* name : {"America/Chicago", "Europe/London", "Australia/Lord_Howe"}) {
    const Zone zone = MustFind(name);
    for (const Schedule& s : schedules) {
      bool ok = true;
      // date -d '2026-01-01 00:00 UTC' +%s -> 1767225600
      for (int64_t now = S(1767225600); now < S(1767225600) + 366 * router::kMsPerDay && ok;
           now += kHour) {
        const Span span = CurrentWindow(s, zone, now);
        const Span next = CurrentWindow(s, zone, span.end_ms);
        ok = span.start_ms <= now && now < span.end_ms && next.start_ms == span.end_ms &&
             CurrentWindow(s, zone, span.end_ms - 1).end_ms == span.end_ms;
        if (!ok) {
          INFO(name << " kind " << static_cast<int>(s.kind) << " now " << now);
          CHECK(ok);
        }
      }
      CHECK(ok);
    }
  }
}
