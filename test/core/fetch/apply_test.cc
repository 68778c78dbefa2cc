// Readings matched to configured windows by reset time and length, recorded as api snapshots the
// tracker reads, with every attempt noted; and the backoff between fetches.

#include "router/fetch/apply.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/quota/tracker.h"
#include "testing.h"

using nlohmann::json;
using router::Status;
using router::fetch::FailuresInRow;
using router::fetch::LabelLengthMs;
using router::fetch::Match;
using router::fetch::NextDelayMs;
using router::fetch::Outcome;
using router::fetch::Record;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;

namespace {

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = 1773856800000;           // Wed 2026-03-18 18:00Z
constexpr int64_t kNextMonday = 1774224000000;    // Mon 2026-03-23 00:00Z
constexpr int64_t kNextMidnight = 1773878400000;  // Thu 2026-03-19 00:00Z

// claude: a rolling 5 h window, a weekly one (Monday 00:00 UTC) and a daily one without a limit;
// extra: a monthly USD budget window.
constexpr const char* kConfig = R"({
  "timezone": "UTC",
  "providers": {
    "claude": {"quotaSource": "api", "quotaType": "messages", "windows": [
      {"name": "5h", "limit": 200, "schedule": {"type": "rolling", "hours": 5}},
      {"name": "weekly", "limit": 1000, "schedule": {"type": "weekly", "dayOfWeek": 1, "hour": 0}},
      {"name": "daily", "schedule": {"type": "daily", "hour": 0}}]},
    "extra": {"quotaSource": "api", "budget": {"monthlyLimit": 50}}}})";

Outcome ClaudeReading() {
  Outcome out;
  out.provider = "claude";
  out.source = "openclaw";
  // The weekly reading's reset matches the weekly window; its label alone would not.
  out.reading.windows = {{"Opus", 10, kNextMonday + 3 * kMin},
                         {"5-hour", 50, kNow + 2 * kHour},
                         {"Day", 80, kNextMidnight}};
  out.reading.money = {router::fetch::Balance("credits", "USD", 12.5),
                       router::fetch::Balance("points", "credits", 7)};
  return out;
}

}  // namespace

TEST_CASE("LabelLengthMs reads the length a provider's label names", "[fetch]") {
  CHECK(LabelLengthMs("5h") == 5 * kHour);
  CHECK(LabelLengthMs("5-hour") == 5 * kHour);
  CHECK(LabelLengthMs("Week") == 7 * kDay);
  CHECK(LabelLengthMs("7d") == 7 * kDay);
  CHECK(LabelLengthMs("Daily") == kDay);
  CHECK(LabelLengthMs("30 min") == 30 * kMin);
  CHECK(LabelLengthMs("Month") == 30 * kDay);
  CHECK(LabelLengthMs("Sonnet") == 0);
  CHECK(LabelLengthMs("gpt4o") == 0);  // a digit inside a word is no length
}

TEST_CASE("Match takes the reading whose reset or length fits each window", "[fetch]") {
  const auto options = ParseOptions(kConfig);
  auto ledger = MemoryLedger();
  auto windows = router::quota::EvaluateWindows(options, *ledger, kNow);
  REQUIRE(windows.ok());
  const auto applied = Match(windows.value(), ClaudeReading());
  REQUIRE(applied.matched.size() == 2);
  CHECK(applied.matched[0].window == "5h");
  CHECK(applied.matched[0].label == "5-hour");
  CHECK(applied.matched[0].used == 100);  // 50% of 200 messages
  CHECK(applied.matched[1].window == "weekly");
  CHECK(applied.matched[1].label == "Opus");
  CHECK(applied.matched[1].used == 100);  // 10% of 1000
  // The daily window has no limit, so a percentage cannot become messages.
  CHECK(applied.unmatched == std::vector<std::string>{"Day"});
  REQUIRE(applied.balances.size() == 2);
}

TEST_CASE("Record writes api snapshots the tracker reads, balances and the attempt", "[fetch]") {
  const auto options = ParseOptions(kConfig);
  auto ledger = MemoryLedger();
  auto windows = router::quota::EvaluateWindows(options, *ledger, kNow);
  REQUIRE(windows.ok());
  REQUIRE(Record(*ledger, windows.value(), ClaudeReading(), kNow).ok());

  auto after = router::quota::EvaluateWindows(options, *ledger, kNow + kMin);
  REQUIRE(after.ok());
  const auto& five = after.value()[0];
  CHECK(five.window == "5h");
  CHECK(five.basis.kind == "api");
  CHECK(five.basis.at_ms == kNow);
  CHECK(five.basis.reading == 100);
  CHECK_FALSE(five.basis.stale);
  CHECK(after.value()[1].basis.reading == 100);
  CHECK(after.value()[2].basis.kind == "ledger");  // "@balance"/"@fetch" notes are no reading

  auto events = ledger->Events("api-snapshot", "claude", 0);
  REQUIRE(events.ok());
  int balances = 0;
  for (const auto& e : events.value()) {
    const json payload = json::parse(e.payload);
    if (e.window == "@balance") {
      ++balances;
      CHECK(payload.contains("amountMicros") == (payload["unit"] == "USD"));
    }
    if (e.window == "@fetch") CHECK(payload["ok"] == true);
  }
  CHECK(balances == 2);

  SECTION("a USD budget spend matches the monthly budget window in micro-USD") {
    Outcome extra;
    extra.provider = "extra";
    extra.source = "openclaw";
    extra.reading.money = {{"budget", "Extra usage", "USD", 2.5, 50, "month", 0},
                           {"spend", "Today", "EUR", 9, 0, "month", 0}};
    auto applied = Record(*ledger, windows.value(), extra, kNow);
    REQUIRE(applied.ok());
    REQUIRE(applied->matched.size() == 1);
    CHECK(applied->matched[0].window == "monthly budget");
    CHECK(applied->matched[0].used == 2'500'000);
  }
}

TEST_CASE("Failed fetches are noted, counted in a row and back off", "[fetch]") {
  const auto options = ParseOptions(kConfig);
  auto ledger = MemoryLedger();
  Outcome failed;
  failed.provider = "claude";
  failed.source = "openclaw";
  failed.status = Status::Unavailable("OpenClaw's usage for claude failed: HTTP 500");
  failed.retry_after_ms = 30 * kMin;
  REQUIRE(Record(*ledger, {}, failed, kNow - 2 * kMin).ok());
  REQUIRE(Record(*ledger, {}, failed, kNow - kMin).ok());
  auto failures = FailuresInRow(*ledger, "claude", kNow);
  REQUIRE(failures.ok());
  CHECK(failures.value() == 2);
  auto events = ledger->Events("api-snapshot", "claude", 0);
  REQUIRE(events.ok());
  const json last = json::parse(events.value().back().payload);
  CHECK(last["ok"] == false);
  CHECK(last["retryAfterMs"] == 30 * kMin);
  CHECK(last["error"].get<std::string>().find("HTTP 500") != std::string::npos);

  Outcome ok;
  ok.provider = "claude";
  ok.source = "openclaw";
  REQUIRE(Record(*ledger, {}, ok, kNow).ok());
  CHECK(FailuresInRow(*ledger, "claude", kNow).value() == 0);

  const int64_t interval = 5 * kMin;
  CHECK(NextDelayMs(interval, 0, 0, 0.5) == interval);
  CHECK(NextDelayMs(interval, 0, 0, 0) == interval * 9 / 10);
  CHECK(NextDelayMs(interval, 0, 0, 1) == interval * 11 / 10);
  CHECK(NextDelayMs(interval, 2, 0, 0.5) == 4 * interval);
  CHECK(NextDelayMs(interval, 40, 0, 0.5) == 6 * kHour);         // capped
  CHECK(NextDelayMs(interval, 1, 2 * kHour, 0.5) == 2 * kHour);  // Retry-After wins
}

TEST_CASE("A fetch that reads nothing new moves the previous notes instead of adding", "[fetch]") {
  const auto options = ParseOptions(kConfig);
  auto ledger = MemoryLedger();
  auto windows = router::quota::EvaluateWindows(options, *ledger, kNow);
  REQUIRE(windows.ok());
  auto count = [&] { return ledger->Events("api-snapshot", "claude", 0).value().size(); };
  REQUIRE(Record(*ledger, windows.value(), ClaudeReading(), kNow).ok());
  const size_t first = count();
  CHECK(first == 5);  // 2 window readings, 2 balances, the attempt

  // A day of unchanged fetches every 5 min leaves the same notes, at the last fetch's time.
  for (int64_t at = kNow + 5 * kMin; at <= kNow + 2 * kHour; at += 5 * kMin) {
    REQUIRE(Record(*ledger, windows.value(), ClaudeReading(), at).ok());
  }
  CHECK(count() == first);
  auto later = router::quota::EvaluateWindows(options, *ledger, kNow + 2 * kHour);
  REQUIRE(later.ok());
  CHECK(later.value()[0].basis.at_ms == kNow + 2 * kHour);
  CHECK(later.value()[0].basis.reading == 100);
  CHECK(router::fetch::LastFetch(*ledger, "claude", kNow + 2 * kHour)->at_ms == kNow + 2 * kHour);
  CHECK(router::fetch::LastFetch(*ledger, "claude", kNow + 2 * kHour)->balances.size() == 2);

  SECTION("a changed reading adds a whole new set of notes") {
    Outcome changed = ClaudeReading();
    changed.reading.windows[1].used_percent = 60;
    REQUIRE(Record(*ledger, windows.value(), changed, kNow + 3 * kHour).ok());
    CHECK(count() == 2 * first);
    auto now = router::quota::EvaluateWindows(options, *ledger, kNow + 3 * kHour);
    CHECK(now.value()[0].basis.reading == 120);
    const auto state = router::fetch::LastFetch(*ledger, "claude", kNow + 3 * kHour);
    CHECK(state->balances.size() == 2);
    CHECK(state->ok);
  }
  SECTION("a repeated failure is one note counting the failures in a row") {
    Outcome failed;
    failed.provider = "claude";
    failed.source = "openclaw";
    failed.status = Status::Unavailable("OpenClaw's usage for claude failed: HTTP 500");
    for (int i = 1; i <= 3; ++i) {
      REQUIRE(Record(*ledger, windows.value(), failed, kNow + 3 * kHour + i * kMin).ok());
    }
    CHECK(count() == first + 1);
    CHECK(FailuresInRow(*ledger, "claude", kNow + 4 * kHour).value() == 3);
    const auto state = router::fetch::LastFetch(*ledger, "claude", kNow + 4 * kHour);
    CHECK_FALSE(state->ok);
    CHECK(state->at_ms == kNow + 3 * kHour + 3 * kMin);
    CHECK(state->last_ok_ms == kNow + 2 * kHour);
    // A success after them resets the count and, differing from the failure, is a new note.
    REQUIRE(Record(*ledger, windows.value(), ClaudeReading(), kNow + 4 * kHour).ok());
    CHECK(FailuresInRow(*ledger, "claude", kNow + 4 * kHour).value() == 0);
    CHECK(count() == 2 * first + 1);
  }
}

TEST_CASE("RewriteEvents moves a fetch's notes all together or not at all", "[fetch][ledger]") {
  auto ledger = MemoryLedger();
  std::vector<int64_t> ids;
  for (const char* window : {"5h", "@fetch"}) {
    router::ledger::Event e;
    e.at_ms = kNow;
    e.kind = "api-snapshot";
    e.provider = "claude";
    e.window = window;
    e.payload = R"({"n":1})";
    ids.push_back(ledger->AppendEvent(e).value());
  }
  auto events = [&] { return ledger->Events("api-snapshot", "claude", 0).value(); };

  REQUIRE(ledger
              ->RewriteEvents(
                  {{ids[0], kNow + kMin, R"({"n":2})"}, {ids[1], kNow + kMin, R"({"n":3})"}})
              .ok());
  const auto moved = events();
  REQUIRE(moved.size() == 2);
  CHECK(moved[0].at_ms == kNow + kMin);
  CHECK(moved[0].payload == R"({"n":2})");
  CHECK(moved[1].at_ms == kNow + kMin);
  CHECK(moved[1].payload == R"({"n":3})");

  // An id that is no event fails the whole batch: the rewrite before it is rolled back.
  const Status missing = ledger->RewriteEvents(
      {{ids[0], kNow + 2 * kMin, R"({"n":9})"}, {ids[1] + 100, kNow + 2 * kMin, "{}"}});
  CHECK(missing.code() == Status::Code::kNotFound);
  const auto kept = events();
  CHECK(kept[0].at_ms == kNow + kMin);
  CHECK(kept[0].payload == R"({"n":2})");
  CHECK(ledger->RewriteEvents({}).ok());
}
