#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/calendar/zone.h"
#include "router/commands/providers.h"
#include "router/commands/status.h"
#include "router/ledger/ledger.h"
#include "router/report/text.h"

#include "testing.h"

using nlohmann::json;
using router::FakeClock;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::report::Grouped;
using router::report::RenderProviders;
using router::report::RenderStatus;
using router::report::SummarizeStatus;
using router::report::Usd;
using router::testing::MemoryLedger;

namespace {

// date -d 'TZ="Europe/London" 2026-07-25 15:00' +%s -> 1784988000 (and 09:00/10:00/11:00 that day,
// 2026-07-22 12:00 for "3 days ago"), times 1000.
constexpr int64_t kNow = 1784988000'000;
constexpr int64_t kAt0900 = 1784966400'000;
constexpr int64_t kAt1000 = 1784970000'000;
constexpr int64_t kAt1100 = 1784973600'000;
constexpr int64_t kThreeDaysAgo = 1784718000'000;

UsageRecord Rec(int64_t at_ms, const std::string& provider, const std::string& model) {
  UsageRecord r;
  r.at_ms = at_ms;
  r.provider = provider;
  r.model = model;
  r.trigger = "user";
  return r;
}

std::unique_ptr<Ledger> SeededLedger() {
  auto ledger = MemoryLedger();
  UsageRecord strong = Rec(kAt0900, "fakeai", "fake-strong");
  strong.input_tokens = 1'234'567;
  strong.output_tokens = 89'012;
  strong.cache_read_tokens = 1'000'000;
  strong.cache_write_tokens = 2'500;
  strong.cost_micros = 12'345'678;
  strong.cost_source = router::ledger::CostSource::kOpenClaw;
  UsageRecord weak = Rec(kAt1000, "fakeai", "fake-weak");
  weak.input_tokens = 2'000;
  weak.output_tokens = 100;
  weak.cost_micros = 4'002;
  weak.cost_source = router::ledger::CostSource::kOpenClaw;
  UsageRecord failed = Rec(kAt1100, "fakeai", "fake-strong");
  failed.outcome = Outcome::kFailed;
  UsageRecord o1 = Rec(kThreeDaysAgo, "other", "o1");
  o1.input_tokens = 5'000;
  o1.output_tokens = 500;
  o1.cost_micros = 2'500'000;
  o1.cost_source = router::ledger::CostSource::kOpenClaw;
  REQUIRE(ledger->AppendBatch({strong, weak, failed, o1}).ok());
  return ledger;
}

// Plugin options with no providers, reporting in `timezone`.
const router::config::PluginOptions& Options(const std::string& timezone) {
  static std::map<std::string, router::config::PluginOptions> by_zone;
  auto& options = by_zone[timezone];
  options.timezone = timezone;
  return options;
}

json StatusJson(Ledger& ledger, router::commands::RecorderHealth health = {}) {
  FakeClock clock(kNow);
  auto status =
      router::commands::Status({Options("Europe/London"), ledger, clock,
                                router::testing::RouterFor(Options("Europe/London")), health},
                               {});
  REQUIRE(status.ok());
  return status.value();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::stringstream in(line);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The table line whose label (first column) is exactly `label`, split into words; empty if none.
std::vector<std::string> RowWords(const std::string& text, const std::string& label) {
  for (const auto& line : Lines(text)) {
    if (line.compare(0, label.size(), label) == 0 && line.size() > label.size() &&
        line[label.size()] == ' ') {
      return Words(line);
    }
  }
  return {};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using Words_t = std::vector<std::string>;

}  // namespace

TEST_CASE("Grouped inserts thousands separators", "[report]") {
  CHECK(Grouped(0) == "0");
  CHECK(Grouped(7) == "7");
  CHECK(Grouped(999) == "999");
  CHECK(Grouped(1000) == "1,000");
  CHECK(Grouped(12345) == "12,345");
  CHECK(Grouped(100000) == "100,000");
  CHECK(Grouped(1234567) == "1,234,567");
  CHECK(Grouped(-1234567) == "-1,234,567");
  CHECK(Grouped(-999) == "-999");
  CHECK(Grouped(9223372036854775807) == "9,223,372,036,854,775,807");
}

TEST_CASE("Usd shows small spend with four decimals", "[report]") {
  CHECK(Usd(0) == "$0.00");
  CHECK(Usd(4002) == "$0.0040");
  CHECK(Usd(123456) == "$0.1235");
  CHECK(Usd(2'500'000) == "$2.5000");
  CHECK(Usd(10'000'000) == "$10.00");
  CHECK(Usd(12'345'678) == "$12.35");
  CHECK(Usd(1'000'000'000) == "$1000.00");
}

TEST_CASE("RenderStatus shows provider and model rows and a TOTAL", "[report]") {
  auto ledger = SeededLedger();
  const std::string text = RenderStatus(StatusJson(*ledger));
  const auto lines = Lines(text);
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0] == "model-router status at 2026-07-25 15:00 (Europe/London)");
  CHECK(lines[1] == "ledger: :memory: (4 records)");
  CHECK(Contains(text, "PROVIDER / MODEL"));
  CHECK(Contains(text, "COST TODAY"));
  CHECK(Contains(text, "7 DAYS"));
  CHECK(Contains(text, "MONTH"));

  // label, calls, fail, input, output, cache-rd, cache-wr, cost today, 7 days, month
  CHECK(RowWords(text, "fakeai") == Words_t{"fakeai", "3", "1", "1,236,567", "89,112", "1,000,000",
                                            "2,500", "$12.35", "$12.35", "$12.35"});
  CHECK(RowWords(text, "  fake-strong") == Words_t{"fake-strong", "2", "1", "1,234,567", "89,012",
                                                   "1,000,000", "2,500", "$12.35", "$12.35",
                                                   "$12.35"});
  CHECK(RowWords(text, "  fake-weak") ==
        Words_t{"fake-weak", "1", "0", "2,000", "100", "0", "0", "$0.0040", "$0.0040", "$0.0040"});
  CHECK(RowWords(text, "other") ==
        Words_t{"other", "0", "0", "0", "0", "0", "0", "$0.00", "$2.5000", "$2.5000"});
  CHECK(RowWords(text, "  o1") ==
        Words_t{"o1", "0", "0", "0", "0", "0", "0", "$0.00", "$2.5000", "$2.5000"});
  CHECK(RowWords(text, "TOTAL") == Words_t{"TOTAL", "3", "1", "1,236,567", "89,112", "1,000,000",
                                           "2,500", "$12.35", "$14.85", "$14.85"});

  // Provider rows come before their models; TOTAL is last.
  CHECK(text.find("\nfakeai ") < text.find("\n  fake-strong "));
  CHECK(text.find("\n  fake-strong ") < text.find("\n  fake-weak "));
  CHECK(text.find("\n  fake-weak ") < text.find("\nother "));
  CHECK(lines.back().compare(0, 5, "TOTAL") == 0);
  CHECK_FALSE(Contains(text, "No model calls"));
}

TEST_CASE("RenderStatus truncates long labels", "[report]") {
  auto ledger = MemoryLedger();
  const std::string model = "an-extremely-long-model-identifier-v2-preview";
  UsageRecord r = Rec(kAt0900, "p", model);
  r.input_tokens = 1;
  REQUIRE(ledger->Append(r).ok());
  const std::string text = RenderStatus(StatusJson(*ledger));
  const std::string label = ("  " + model).substr(0, 33) + "~";
  CHECK(Contains(text, "\n" + label + " "));
  CHECK_FALSE(Contains(text, model));
}

// Regression: the header's first cell was once wider than its 34-character column, which pushed
// every header cell 5 columns right of the numbers it names.
TEST_CASE("RenderStatus header lines up with its rows", "[report]") {
  auto ledger = SeededLedger();
  const auto lines = Lines(RenderStatus(StatusJson(*ledger)));
  size_t header = 0;
  while (header < lines.size() && lines[header].compare(0, 16, "PROVIDER / MODEL") != 0) ++header;
  REQUIRE(header < lines.size());
  REQUIRE(header + 1 < lines.size());
  for (size_t i = header + 1; i < lines.size(); ++i) {
    CHECK(lines[i].size() == lines[header].size());
  }
}

TEST_CASE("Status shows records the usage writer dropped and a failing writer", "[report]") {
  auto ledger = SeededLedger();
  const json healthy = StatusJson(*ledger);
  CHECK(healthy.at("ledger").at("dropped") == 0);
  CHECK(healthy.at("ledger").at("writerHealthy") == true);
  CHECK_FALSE(Contains(RenderStatus(healthy), "WARNING"));

  const json failing = StatusJson(*ledger, {12345, false});
  CHECK(failing.at("ledger").at("dropped") == 12345);
  CHECK(failing.at("ledger").at("writerHealthy") == false);
  const auto lines = Lines(RenderStatus(failing));
  REQUIRE(lines.size() > 4);
  CHECK(lines[1] == "ledger: :memory: (4 records)");
  CHECK(lines[2].rfind("WARNING the usage writer is failing", 0) == 0);
  CHECK(lines[3].rfind("WARNING 12,345 usage records dropped: the queue was full", 0) == 0);
}

TEST_CASE("RenderStatus on an empty ledger explains how calls get recorded", "[report]") {
  auto ledger = MemoryLedger();
  const std::string text = RenderStatus(StatusJson(*ledger));
  CHECK(Contains(text, "ledger: :memory: (0 records)"));
  CHECK(Contains(text, "No model calls recorded this month"));
  CHECK(Contains(text, "llm_output"));
  CHECK(Contains(text, "plugins.entries.model-router.hooks.allowConversationAccess"));
  CHECK_FALSE(Contains(text, "TOTAL"));
  CHECK_FALSE(Contains(text, "PROVIDER / MODEL"));
}

TEST_CASE("SummarizeStatus gives today's numbers and the largest spender", "[report]") {
  auto ledger = SeededLedger();
  // tokens today = 1,236,567 in + 89,112 out + 1,000,000 cache read + 2,500 cache write
  CHECK(SummarizeStatus(StatusJson(*ledger)) ==
        "Today: 3 model calls (1 failed), 2,328,179 tokens (1,236,567 in, 89,112 out, 1,000,000 "
        "cache read), $12.35 spent. Last 7 days: $14.85. This month: $14.85. Largest spender this "
        "month: fakeai ($12.35).");

  SECTION("the largest spender is by month cost, not by name or calls") {
    UsageRecord big = Rec(kThreeDaysAgo + 1, "other", "o1");
    big.cost_micros = 20'000'000;
    REQUIRE(ledger->Append(big).ok());
    const std::string text = SummarizeStatus(StatusJson(*ledger));
    CHECK(Contains(text, "Largest spender this month: other ($22.50)."));
    CHECK(Contains(text, "This month: $34.85."));
  }
  SECTION("empty ledger: zeros and no spender") {
    auto empty = MemoryLedger();
    CHECK(SummarizeStatus(StatusJson(*empty)) ==
          "Today: 0 model calls (0 failed), 0 tokens (0 in, 0 out, 0 cache read), $0.00 spent. "
          "Last 7 days: $0.00. This month: $0.00.");
  }
}

TEST_CASE("RenderProviders lists calls and first/last seen in local time", "[report]") {
  auto ledger = SeededLedger();
  FakeClock clock(kNow);
  auto providers = router::commands::Providers(
      {Options("UTC"), *ledger, clock, router::testing::RouterFor(Options("UTC"))});
  REQUIRE(providers.ok());

  SECTION("Europe/London") {
    const std::string text = RenderProviders(providers.value(), "Europe/London");
    const auto lines = Lines(text);
    REQUIRE(lines.size() == 6);
    CHECK(Words(lines[0]) ==
          Words_t{"PROVIDER", "/", "MODEL", "CALLS", "FAILED", "FIRST", "SEEN", "LAST", "SEEN"});
    CHECK(RowWords(text, "fakeai") ==
          Words_t{"fakeai", "3", "1", "2026-07-25", "09:00", "2026-07-25", "11:00"});
    CHECK(RowWords(text, "  fake-strong") ==
          Words_t{"fake-strong", "2", "1", "2026-07-25", "09:00", "2026-07-25", "11:00"});
    CHECK(RowWords(text, "  fake-weak") ==
          Words_t{"fake-weak", "1", "0", "2026-07-25", "10:00", "2026-07-25", "10:00"});
    CHECK(RowWords(text, "other") ==
          Words_t{"other", "1", "0", "2026-07-22", "12:00", "2026-07-22", "12:00"});
    CHECK(RowWords(text, "  o1") ==
          Words_t{"o1", "1", "0", "2026-07-22", "12:00", "2026-07-22", "12:00"});
  }
  SECTION("another zone shifts the times") {
    const std::string text = RenderProviders(providers.value(), "America/Chicago");
    // 2026-07-25 09:00 BST = 08:00 UTC = 03:00 CDT
    CHECK(RowWords(text, "  fake-strong") ==
          Words_t{"fake-strong", "2", "1", "2026-07-25", "03:00", "2026-07-25", "05:00"});
  }
  SECTION("an unknown zone falls back to epoch ms") {
    const std::string text = RenderProviders(providers.value(), "Mars/Olympus_Mons");
    CHECK(RowWords(text, "  fake-weak") ==
          Words_t{"fake-weak", "1", "0", std::to_string(kAt1000), std::to_string(kAt1000)});
  }
}

TEST_CASE("RenderProviders groups large counts and handles an empty ledger", "[report]") {
  const json many = json::parse(R"({"schema": "router.providers/1", "generatedAtMs": 0,
    "providers": [{"provider": "x", "calls": 1234567, "failures": 1200, "firstSeenMs": 0,
                   "lastSeenMs": 60000, "models": [{"model": "m", "calls": 1234567,
                   "failures": 1200, "firstSeenMs": 0, "lastSeenMs": 60000}]}]})");
  const std::string text = RenderProviders(many, "UTC");
  CHECK(RowWords(text, "x") ==
        Words_t{"x", "1,234,567", "1,200", "1970-01-01", "00:00", "1970-01-01", "00:01"});
  CHECK(RowWords(text, "  m") ==
        Words_t{"m", "1,234,567", "1,200", "1970-01-01", "00:00", "1970-01-01", "00:01"});

  auto ledger = MemoryLedger();
  FakeClock clock(kNow);
  auto providers = router::commands::Providers(
      {Options("UTC"), *ledger, clock, router::testing::RouterFor(Options("UTC"))});
  REQUIRE(providers.ok());
  CHECK(RenderProviders(providers.value(), "UTC") ==
        "No providers seen yet: the ledger has no model calls.\n");
}

TEST_CASE("Status text and summary show quota windows, the daily budget and alerts", "[report]") {
  auto ledger = SeededLedger();
  auto options = router::config::Parse(json::parse(R"({
      "timezone": "Europe/London", "dailyBudgetUsd": 10,
      "providers": {"fakeai": {"quotaType": "tokens",
        "windows": [{"name": "daily", "limit": 2000000, "schedule": {"type": "daily"}}]}}})"));
  REQUIRE(options.ok());
  FakeClock clock(kNow);
  auto status = router::commands::Status(
      {options.value(), *ledger, clock, router::testing::RouterFor(options.value())}, {});
  REQUIRE(status.ok());
  const json& quota = status->at("quotas").at(0);
  const int64_t used = quota.at("used").get<int64_t>();
  REQUIRE(used > 0);

  const std::string summary = SummarizeStatus(status.value());
  CHECK(Contains(summary, fmt::format(" fakeai daily: {:.0f}% of 2,000,000 tokens used (",
                                      quota.at("percent").get<double>())));
  CHECK(Contains(summary, "resets in "));
  CHECK(Contains(summary, "Daily budget: $12.35 of $10.00 spent (exhausted)."));
  CHECK(Contains(summary, "Alert: daily budget exhausted"));

  const std::string text = router::report::RenderStatus(status.value());
  CHECK(Contains(text, "QUOTA WINDOWS"));
  CHECK(Contains(text, "fakeai"));
  CHECK(Contains(text, Grouped(used) + " / 2,000,000 tokens"));
  CHECK(Contains(text, "daily budget: $12.35 of $10.00 spent, $0.00 left, exhausted"));
  CHECK(Contains(text, "ALERT "));
  CHECK(Contains(text, "mode: dry-run (from config)"));
}

TEST_CASE("RenderProviders shows a configured provider without calls with no times", "[report]") {
  auto ledger = MemoryLedger();
  FakeClock clock(kNow);
  const auto options =
      router::testing::ParseOptions(R"({"timezone": "UTC", "providers": {"idle": {}}})");
  auto providers =
      router::commands::Providers({options, *ledger, clock, router::testing::RouterFor(options)});
  REQUIRE(providers.ok());
  const std::string text = RenderProviders(providers.value(), "UTC");
  CHECK(RowWords(text, "idle") == Words_t{"idle", "0", "0", "-", "-"});
}
