// Expected epoch values below were computed independently with GNU date and the system tz
// database while writing this test, e.g.
//   date -d 'TZ="Europe/London" 2026-03-29 00:00' +%s   -> 1774742400
// and DST transitions were read from `zdump -v -c 2026,2027 <zone>`. Values are seconds; the
// tests multiply by 1000 (the API is in epoch ms).

#include <cstdlib>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"

using router::Status;
using router::calendar::Zone;

namespace {

constexpr int64_t S(int64_t seconds) { return seconds * 1000; }

Zone MustFind(const std::string& name) {
  auto zone = Zone::Find(name);
  REQUIRE(zone.ok());
  return zone.value();
}

// Sets TZ for the lifetime of the object and restores the previous value.
class ScopedTz {
 public:
  explicit ScopedTz(const char* value) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", value, 1);
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("Zone::Find accepts IANA names and rejects unknown ones", "[calendar]") {
  SECTION("IANA names") {
    for (const char* name : {"Europe/London", "America/Chicago", "Australia/Lord_Howe", "UTC"}) {
      auto zone = Zone::Find(name);
      REQUIRE(zone.ok());
      CHECK(zone->name() == name);
    }
  }
  SECTION("unknown zone is kInvalidArgument naming it") {
    auto zone = Zone::Find("Mars/Olympus_Mons");
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.status().code() == Status::Code::kInvalidArgument);
    CHECK(zone.status().message().find("Mars/Olympus_Mons") != std::string::npos);
  }
  SECTION("empty name is rejected") {
    auto zone = Zone::Find("");
    REQUIRE_FALSE(zone.ok());
    CHECK(zone.status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("Zone::Find(\"local\") follows TZ", "[calendar]") {
  SECTION("TZ names an IANA zone") {
    ScopedTz tz("Asia/Tokyo");
    auto zone = Zone::Find("local");
    REQUIRE(zone.ok());
    CHECK(zone->name() == "Asia/Tokyo");
    // Tokyo is UTC+9 without DST: 2026-06-15 20:00 UTC is 2026-06-16 05:00 local.
    // date -d '2026-06-15 20:00 UTC' +%s -> 1781553600
    CHECK(zone->FormatMinute(S(1781553600)) == "2026-06-16 05:00");
  }
  SECTION("leading colon is allowed") {
    ScopedTz tz(":Europe/Paris");
    auto zone = Zone::Find("local");
    REQUIRE(zone.ok());
    CHECK(zone->name() == "Europe/Paris");
  }
  SECTION("unknown TZ still yields a usable zone") {
    ScopedTz tz("Nowhere/Special");
    auto zone = Zone::Find("local");
    REQUIRE(zone.ok());
    CHECK_FALSE(zone->name().empty());
    CHECK(zone->name() != "Nowhere/Special");
  }
}

TEST_CASE("StartOfDay on ordinary days", "[calendar]") {
  Zone utc = MustFind("UTC");
  // date -d '2026-07-15 13:45:10 UTC' +%s -> 1784123110; midnight 1784073600
  CHECK(utc.StartOfDay(S(1784123110) + 123) == S(1784073600));
  CHECK(utc.StartOfDay(S(1784073600)) == S(1784073600));  // midnight maps to itself
  CHECK(utc.StartOfDay(S(1784073600) - 1) == S(1784073600) - router::kMsPerDay);

  Zone kolkata = MustFind("Asia/Kolkata");  // UTC+05:30
  // TZ="Asia/Kolkata" 2026-02-28 23:00 -> 1772299800; StartOfMonth -> 2026-02-01 00:00 1769884200
  CHECK(kolkata.StartOfMonth(S(1772299800)) == S(1769884200));
}

TEST_CASE("StartOfDay across DST in America/Chicago", "[calendar]") {
  Zone chicago = MustFind("America/Chicago");
  // Spring forward 2026-03-08 02:00 CST -> 03:00 CDT.
  // 'TZ="America/Chicago" 2026-03-08 00:00' -> 1772949600, 2026-03-09 00:00 -> 1773032400 (23 h).
  // 'TZ="America/Chicago" 2026-03-08 12:00' -> 1772989200
  CHECK(chicago.StartOfDay(S(1772989200)) == S(1772949600));
  CHECK(chicago.StartOfDay(S(1773032400) - 1) == S(1772949600));
  CHECK(chicago.StartOfDay(S(1773032400)) == S(1773032400));
  CHECK(S(1773032400) - S(1772949600) == 23 * router::kMsPerHour);

  // Fall back 2026-11-01 02:00 CDT -> 01:00 CST.
  // 'TZ="America/Chicago" 2026-11-01 00:00' -> 1793509200, 2026-11-02 00:00 -> 1793599200 (25 h).
  // '... 2026-11-01 01:30 CDT' -> 1793514600; 01:30 CST is one hour later.
  // '... 2026-11-01 23:59' -> 1793599140
  CHECK(chicago.StartOfDay(S(1793514600)) == S(1793509200));
  CHECK(chicago.StartOfDay(S(1793514600 + 3600)) == S(1793509200));
  CHECK(chicago.StartOfDay(S(1793599140)) == S(1793509200));
  CHECK(chicago.StartOfDay(S(1793599200)) == S(1793599200));
  CHECK(S(1793599200) - S(1793509200) == 25 * router::kMsPerHour);
}

TEST_CASE("StartOfDay across DST in Europe/London", "[calendar]") {
  Zone london = MustFind("Europe/London");
  // 'TZ="Europe/London" 2026-03-29 00:00' -> 1774742400 (GMT), 2026-03-30 00:00 -> 1774825200 (BST)
  CHECK(london.StartOfDay(S(1774742400) + 5 * router::kMsPerHour) == S(1774742400));
  CHECK(london.StartOfDay(S(1774825200) - 1) == S(1774742400));
  CHECK(london.StartOfDay(S(1774825200)) == S(1774825200));
  // 'TZ="Europe/London" 2026-10-25 00:00' -> 1792882800 (BST), 2026-10-26 00:00 -> 1792972800 (GMT)
  CHECK(london.StartOfDay(S(1792882800) + 2 * router::kMsPerHour) == S(1792882800));
  CHECK(london.StartOfDay(S(1792972800) - 1) == S(1792882800));
  CHECK(S(1792972800) - S(1792882800) == 25 * router::kMsPerHour);
}

TEST_CASE("StartOfDay across the 30-minute DST shift in Australia/Lord_Howe", "[calendar]") {
  Zone lord_howe = MustFind("Australia/Lord_Howe");
  // DST ends 2026-04-05 02:00 (+11) -> 01:30 (+10:30): a 24.5 h day.
  // 'TZ="Australia/Lord_Howe" 2026-04-05 00:00' -> 1775307600, 2026-04-06 00:00 -> 1775395800,
  // '... 2026-04-05 12:00' -> 1775352600
  CHECK(lord_howe.StartOfDay(S(1775352600)) == S(1775307600));
  CHECK(lord_howe.StartOfDay(S(1775395800) - 1) == S(1775307600));
  CHECK(S(1775395800) - S(1775307600) == 24 * router::kMsPerHour + 30 * router::kMsPerMinute);
  // DST starts 2026-10-04 02:00 (+10:30) -> 02:30 (+11): a 23.5 h day.
  // '... 2026-10-04 00:00' -> 1791034200, 2026-10-05 00:00 -> 1791118800, 2026-10-04 12:00 ->
  // 1791075600
  CHECK(lord_howe.StartOfDay(S(1791075600)) == S(1791034200));
  CHECK(lord_howe.StartOfDay(S(1791118800) - 1) == S(1791034200));
  CHECK(lord_howe.StartOfDay(S(1791118800)) == S(1791118800));
  CHECK(S(1791118800) - S(1791034200) == 23 * router::kMsPerHour + 30 * router::kMsPerMinute);
}

TEST_CASE("StartOfDay when local midnight does not exist or repeats", "[calendar]") {
  SECTION("America/Santiago 2026-09-06: 00:00 -04 jumps to 01:00 -03") {
    Zone santiago = MustFind("America/Santiago");
    // zdump: Sun Sep 6 04:00:00 2026 UT = Sun Sep 6 01:00:00 2026 -03; midnight is skipped, so the
    // day starts at the transition, 2026-09-06 04:00 UTC = 1788667200.
    // 'TZ="America/Santiago" 2026-09-06 12:00' -> 1788706800
    CHECK(santiago.StartOfDay(S(1788706800)) == S(1788667200));
    CHECK(santiago.StartOfDay(S(1788667200)) == S(1788667200));
    // One ms before the transition is still Saturday 2026-09-05 (midnight 1788580800).
    CHECK(santiago.StartOfDay(S(1788667200) - 1) == S(1788580800));
    // 'TZ="America/Santiago" 2026-09-10 12:00' -> 1789052400; four days before is 2026-09-06.
    CHECK(santiago.StartOfDaysBefore(S(1789052400), 4) == S(1788667200));
    // 'TZ="America/Santiago" 2026-09-01 00:00' -> 1788235200
    CHECK(santiago.StartOfMonth(S(1788706800)) == S(1788235200));
  }
  SECTION("America/Havana 2026-03-08: midnight skipped") {
    Zone havana = MustFind("America/Havana");
    // zdump: Sun Mar 8 05:00:00 2026 UT = Sun Mar 8 01:00:00 2026 CDT -> day starts 1772946000.
    // 'TZ="America/Havana" 2026-03-08 12:00' -> 1772985600; 2026-03-10 12:00 -> 1773158400
    CHECK(havana.StartOfDay(S(1772985600)) == S(1772946000));
    CHECK(havana.StartOfDaysBefore(S(1773158400), 2) == S(1772946000));
  }
  SECTION("America/Havana 2026-11-01: midnight happens twice; the day starts at the first") {
    Zone havana = MustFind("America/Havana");
    // zdump: 04:59:59 UT = 00:59:59 CDT, 05:00:00 UT = 00:00:00 CST. First midnight is
    // 2026-11-01 04:00 UTC = 1793505600. 'TZ="America/Havana" 2026-11-01 12:00' -> 1793552400
    CHECK(havana.StartOfDay(S(1793552400)) == S(1793505600));
    CHECK(havana.StartOfDay(S(1793505600 + 3600)) == S(1793505600));  // second 00:00 (CST)
    CHECK(havana.FormatMinute(S(1793505600)) == "2026-11-01 00:00");
    CHECK(havana.FormatMinute(S(1793505600 + 3600)) == "2026-11-01 00:00");
  }
}

TEST_CASE("StartOfDaysBefore counts calendar days, not 24 h steps", "[calendar]") {
  Zone london = MustFind("Europe/London");
  // 'TZ="Europe/London" 2026-03-31 12:00' -> 1774954800 (BST); 6 days before: 2026-03-25 00:00 GMT
  // -> 1774396800 (the span crosses the spring-forward day).
  CHECK(london.StartOfDaysBefore(S(1774954800), 6) == S(1774396800));
  CHECK(london.StartOfDaysBefore(S(1774954800), 0) == london.StartOfDay(S(1774954800)));
  // 'TZ="Europe/London" 2026-11-02 12:00' -> 1793620800; 6 days before: 2026-10-27 00:00 ->
  // 1793059200
  CHECK(london.StartOfDaysBefore(S(1793620800), 6) == S(1793059200));

  Zone chicago = MustFind("America/Chicago");
  // 'TZ="America/Chicago" 2026-03-09 12:00' -> 1773075600; 1 day before is 2026-03-08 -> 1772949600
  CHECK(chicago.StartOfDaysBefore(S(1773075600), 1) == S(1772949600));
  // 'TZ="America/Chicago" 2026-11-02 12:00' -> 1793642400; 6 days before: 2026-10-27 -> 1793077200
  CHECK(chicago.StartOfDaysBefore(S(1793642400), 6) == S(1793077200));
  // 7 days back from 2026-03-08 12:00 lands on 2026-03-01 ('... 2026-03-01 00:00' -> 1772344800).
  CHECK(chicago.StartOfDaysBefore(S(1772989200), 7) == S(1772344800));

  Zone lord_howe = MustFind("Australia/Lord_Howe");
  // 'TZ="Australia/Lord_Howe" 2026-04-08 09:00' -> 1775601000; 6 days before: 2026-04-02 ->
  // 1775048400
  CHECK(lord_howe.StartOfDaysBefore(S(1775601000), 6) == S(1775048400));
}

TEST_CASE("StartOfMonth in local time, including month ends", "[calendar]") {
  Zone london = MustFind("Europe/London");
  // 'TZ="Europe/London" 2026-01-31 23:59' -> 1769903940; 2026-01-01 00:00 -> 1767225600
  CHECK(london.StartOfMonth(S(1769903940)) == S(1767225600));
  // 'TZ="Europe/London" 2026-10-31 23:30' (GMT) -> 1793489400; 2026-10-01 00:00 (BST) -> 1790809200
  CHECK(london.StartOfMonth(S(1793489400)) == S(1790809200));
  // 'TZ="Europe/London" 2026-04-01 00:30' (BST) -> 1774999800 is already April, although it is
  // still 2026-03-31 in UTC; April starts at 2026-03-31 23:00 UTC = 1774998000.
  CHECK(london.StartOfMonth(S(1774999800)) == S(1774998000));
  // 2026-03-29 (DST day) belongs to March: 'TZ="Europe/London" 2026-03-01 00:00' -> 1772323200
  CHECK(london.StartOfMonth(S(1774742400) + router::kMsPerHour * 12) == S(1772323200));

  Zone chicago = MustFind("America/Chicago");
  // 'TZ="America/Chicago" 2026-10-31 19:30' -> 1793493000 (= 2026-11-01 00:30 UTC): still October,
  // which began 'TZ="America/Chicago" 2026-10-01 00:00' -> 1790830800.
  CHECK(chicago.StartOfMonth(S(1793493000)) == S(1790830800));
  // 'TZ="America/Chicago" 2026-03-31 23:59' -> 1775019540; March began 1772344800 (CST).
  CHECK(chicago.StartOfMonth(S(1775019540)) == S(1772344800));

  Zone lord_howe = MustFind("Australia/Lord_Howe");
  // 'TZ="Australia/Lord_Howe" 2026-11-01 07:00' -> 1793476800 (= 2026-10-31 20:00 UTC) is already
  // November locally: '... 2026-11-01 00:00' -> 1793451600.
  CHECK(lord_howe.StartOfMonth(S(1793476800)) == S(1793451600));
  // DST starts on 2026-10-04; October began at +10:30: '... 2026-10-01 00:00' -> 1790775000.
  CHECK(lord_howe.StartOfMonth(S(1791075600)) == S(1790775000));
  // '... 2026-04-05 12:00' -> 1775352600; April began at +11: '... 2026-04-01 00:00' -> 1774962000.
  CHECK(lord_howe.StartOfMonth(S(1775352600)) == S(1774962000));
}

TEST_CASE("FormatMinute renders local wall time", "[calendar]") {
  Zone london = MustFind("Europe/London");
  CHECK(london.FormatMinute(S(1774742400)) == "2026-03-29 00:00");
  // 01:00 UTC on 2026-03-29 is the jump: the ms before is 00:59 GMT, the instant is 02:00 BST.
  CHECK(london.FormatMinute(S(1774746000) - 1) == "2026-03-29 00:59");
  CHECK(london.FormatMinute(S(1774746000)) == "2026-03-29 02:00");
  // Seconds are truncated, not rounded: 00:00:59.999 is still 00:00.
  CHECK(london.FormatMinute(S(1774742400 + 59) + 999) == "2026-03-29 00:00");

  Zone chicago = MustFind("America/Chicago");
  // Both 01:30 on 2026-11-01 (CDT 1793514600 and CST one hour later) render the same.
  CHECK(chicago.FormatMinute(S(1793514600)) == "2026-11-01 01:30");
  CHECK(chicago.FormatMinute(S(1793514600 + 3600)) == "2026-11-01 01:30");

  Zone lord_howe = MustFind("Australia/Lord_Howe");
  // zdump: Sat Apr 4 15:00:00 2026 UT = Sun Apr 5 01:30:00 2026 +1030 (1775314800).
  CHECK(lord_howe.FormatMinute(S(1775314800) - 1) == "2026-04-05 01:59");
  CHECK(lord_howe.FormatMinute(S(1775314800)) == "2026-04-05 01:30");
  // zdump: Sat Oct 3 15:30:00 2026 UT = Sun Oct 4 02:30:00 2026 +11
  // (date -d '2026-10-03 15:30 UTC' +%s -> 1791041400).
  CHECK(lord_howe.FormatMinute(S(1791041400)) == "2026-10-04 02:30");
  CHECK(lord_howe.FormatMinute(S(1791041400) - 1) == "2026-10-04 01:59");
}

TEST_CASE("ToCivil reads local wall time", "[calendar]") {
  Zone chicago = MustFind("America/Chicago");
  // 'TZ="America/Chicago" 2026-11-01 01:30 CDT' -> 1793514600; CST is one hour later.
  const router::calendar::CivilTime cdt = chicago.ToCivil(S(1793514600) + 250);
  CHECK(cdt.year == 2026);
  CHECK(cdt.month == 11);
  CHECK(cdt.day == 1);
  CHECK(cdt.hour == 1);
  CHECK(cdt.minute == 30);
  CHECK(cdt.second == 0);
  CHECK(cdt.millisecond == 250);
  CHECK(chicago.ToCivil(S(1793514600 + 3600)).hour == 1);
  // Before 1970: date -d '1969-12-31 23:59:59 UTC' +%s -> -1
  const router::calendar::CivilTime before = MustFind("UTC").ToCivil(-1);
  CHECK(before.year == 1969);
  CHECK(before.day == 31);
  CHECK(before.second == 59);
  CHECK(before.millisecond == 999);
}

TEST_CASE("FromCivil resolves DST gaps forward and overlaps to the earlier instant", "[calendar]") {
  using router::calendar::CivilTime;
  Zone chicago = MustFind("America/Chicago");
  // 'TZ="America/Chicago" 2026-03-08 01:59:59' -> 1772956799; 02:30 is skipped and maps to the
  // transition 2026-03-08 08:00 UTC = 1772956800 (zdump).
  CHECK(chicago.FromCivil({2026, 3, 8, 1, 59, 59, 0}) == S(1772956799));
  CHECK(chicago.FromCivil({2026, 3, 8, 2, 30, 0, 0}) == S(1772956800));
  CHECK(chicago.FromCivil({2026, 3, 8, 3, 0, 0, 0}) == S(1772956800));
  // '... 2026-11-01 01:30 CDT' -> 1793514600 (the earlier of the two 01:30s).
  CHECK(chicago.FromCivil({2026, 11, 1, 1, 30, 0, 0}) == S(1793514600));
  CHECK(chicago.FromCivil({2026, 11, 1, 1, 30, 0, 7}) == S(1793514600) + 7);

  Zone lord_howe = MustFind("Australia/Lord_Howe");
  // 02:15 on 2026-10-04 is skipped -> 02:30 +11 = 2026-10-03 15:30 UTC = 1791041400 (zdump).
  CHECK(lord_howe.FromCivil({2026, 10, 4, 2, 15, 0, 0}) == S(1791041400));
  // 01:45 on 2026-04-05 repeats; +11 comes first: date -d '2026-04-04 14:45 UTC' -> 1775313900.
  CHECK(lord_howe.FromCivil({2026, 4, 5, 1, 45, 0, 0}) == S(1775313900));

  SECTION("out-of-range fields carry over") {
    Zone london = MustFind("Europe/London");
    // 'TZ="Europe/London" 2026-03-01 00:00' -> 1772323200, '... 2027-01-31 09:30' -> 1801387800,
    // '... 2026-12-31 09:30' -> 1798709400
    CHECK(london.FromCivil({2026, 2, 29, 0, 0, 0, 0}) == S(1772323200));
    CHECK(london.FromCivil({2026, 1, 60, 0, 0, 0, 0}) == S(1772323200));
    CHECK(london.FromCivil({2026, 13, 31, 9, 30, 0, 0}) == S(1801387800));
    CHECK(london.FromCivil({2027, 1, 0, 9, 30, 0, 0}) == S(1798709400));
    CHECK(london.FromCivil({2027, 0, 31, 9, 30, 0, 0}) == S(1798709400));
    CHECK(london.FromCivil({2026, 2, 28, 24, 0, 0, 0}) == S(1772323200));
  }
}

TEST_CASE("DaysInMonth, DayOfWeek and UtcFromCivil", "[calendar]") {
  using router::calendar::DayOfWeek;
  using router::calendar::DaysInMonth;
  using router::calendar::UtcFromCivil;
  CHECK(DaysInMonth(2026, 1) == 31);
  CHECK(DaysInMonth(2026, 2) == 28);
  CHECK(DaysInMonth(2028, 2) == 29);
  CHECK(DaysInMonth(2100, 2) == 28);
  CHECK(DaysInMonth(2000, 2) == 29);
  CHECK(DaysInMonth(2026, 4) == 30);
  // `date -d 2026-03-11 +%w` -> 3 (Wednesday); 2026-03-08 -> 0; 2028-02-29 -> 2
  CHECK(DayOfWeek(2026, 3, 11) == 3);
  CHECK(DayOfWeek(2026, 3, 8) == 0);
  CHECK(DayOfWeek(2028, 2, 29) == 2);
  // date -d '2026-02-09 14:36:00 UTC' +%s -> 1770647760
  CHECK(UtcFromCivil({2026, 2, 9, 14, 36, 0, 5}) == S(1770647760) + 5);
  CHECK(UtcFromCivil({1970, 1, 1, 0, 0, 0, 0}) == 0);
}
