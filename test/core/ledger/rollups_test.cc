// The rollups an append writes (usage_hourly, user_hours, consumer_daily) must equal what the raw
// calls say, however the calls were split into batches: checked against the same sums computed in
// SQL straight from `calls`, with schema v4's backfill rule for idle spending.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "router/ledger/ledger.h"
#include "sql_testing.h"
#include "testing.h"

using router::ledger::Ledger;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::testing::QueryText;
using router::testing::TempDir;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kStart = 494'444 * kHour;  // 2026-05-28 20:00 UTC, the top of an hour

// Every rollup row as one text, in key order, from the stored rollups and from the raw calls.
constexpr const char* kStoredConsumers =
    "SELECT group_concat(r, '|') FROM (SELECT agent_id || ',' || cron_job_id || ',' || trigger"
    " || ',' || provider || ',' || model || ',' || day_ms || ',' || calls || ',' || failures || ','"
    " || input_tokens || ',' || output_tokens || ',' || cache_read_tokens || ',' ||"
    " cache_write_tokens || ',' || cost_micros || ',' || idle_cost_micros || ',' || first_ms || ','"
    " || last_ms AS r FROM consumer_daily ORDER BY agent_id, cron_job_id, trigger, provider, model,"
    " day_ms)";
constexpr const char* kRawConsumers =
    "SELECT group_concat(r, '|') FROM (SELECT agent_id || ',' || cron_job_id || ',' || trigger"
    " || ',' || provider || ',' || model || ',' || day || ',' || COUNT(*) || ',' ||"
    " SUM(outcome = 'failed') || ',' || SUM(input_tokens) || ',' || SUM(output_tokens) || ',' ||"
    " SUM(cache_read_tokens) || ',' || SUM(cache_write_tokens) || ',' || SUM(cost_micros) || ','"
    " || SUM(CASE WHEN trigger <> 'user' AND NOT EXISTS (SELECT 1 FROM calls u WHERE u.trigger ="
    " 'user' AND u.at_ms / 3600000 IN (c.at_ms / 3600000, c.at_ms / 3600000 - 1)) THEN"
    " cost_micros ELSE 0 END) || ',' || MIN(at_ms) || ',' || MAX(at_ms) AS r FROM (SELECT *,"
    " (at_ms / 86400000) * 86400000 AS day FROM calls) c GROUP BY agent_id, cron_job_id, trigger,"
    " provider, model, day ORDER BY agent_id, cron_job_id, trigger, provider, model, day)";
constexpr const char* kStoredHours =
    "SELECT group_concat(r, '|') FROM (SELECT provider || ',' || model || ',' || hour_ms || ',' ||"
    " calls || ',' || failures || ',' || invalid || ',' || messages || ',' || requests || ',' ||"
    " input_tokens || ',' || output_tokens || ',' || cost_micros AS r FROM usage_hourly"
    " ORDER BY provider, model, hour_ms)";
constexpr const char* kRawHours =
    "SELECT group_concat(r, '|') FROM (SELECT provider || ',' || model || ',' || hour || ',' ||"
    " COUNT(*) || ',' || SUM(outcome = 'failed') || ',' || SUM(outcome = 'invalid') || ',' ||"
    " SUM(counts_as_message) || ',' || SUM(model_calls) || ',' || SUM(input_tokens) || ',' ||"
    " SUM(output_tokens) || ',' || SUM(cost_micros) AS r FROM (SELECT *, (at_ms / 3600000) *"
    " 3600000 AS hour FROM calls) GROUP BY provider, model, hour ORDER BY provider, model, hour)";
constexpr const char* kStoredUserHours = "SELECT group_concat(hour_ms) FROM user_hours";
constexpr const char* kRawUserHours =
    "SELECT group_concat(h) FROM (SELECT DISTINCT (at_ms / 3600000) * 3600000 AS h FROM calls"
    " WHERE trigger = 'user' ORDER BY h)";

// Three days of mixed traffic: user turns in some hours only, heartbeats and cron jobs around the
// clock (so some are idle and some are not), failures, two agents, two models.
std::vector<UsageRecord> Traffic(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const char* triggers[] = {"user", "heartbeat", "cron", "user", "other"};
  std::vector<UsageRecord> calls;
  for (int i = 0; i < n; ++i) {
    UsageRecord r;
    r.at_ms = kStart + static_cast<int64_t>(rng() % (72 * kHour));
    r.trigger = triggers[rng() % 5];
    // User turns only in the first 12 hours of each day, so later hours' heartbeats are idle, and
    // at the top of the hour, so in time order each hour's user turn comes before the others (the
    // appended rule sees only user turns already stored or in the same batch; the raw one all).
    if (r.trigger == "user") {
      if ((r.at_ms - kStart) % (24 * kHour) >= 12 * kHour) r.at_ms -= 12 * kHour;
      r.at_ms -= (r.at_ms - kStart) % kHour;
    } else if ((r.at_ms - kStart) % kHour == 0) {
      r.at_ms += 1;
    }
    r.cron_job_id = r.trigger == "cron" ? (rng() % 2 ? "digest" : "backup") : "";
    r.agent_id = rng() % 3 ? "main" : "work";
    r.provider = rng() % 2 ? "anthropic" : "openai";
    r.model = rng() % 2 ? "big" : "small";
    r.input_tokens = rng() % 5000;
    r.output_tokens = rng() % 900;
    r.cache_read_tokens = rng() % 3;
    r.cost_micros = rng() % 20'000;
    r.outcome = rng() % 10 == 0 ? Outcome::kFailed : Outcome::kOk;
    r.counts_as_message = r.trigger == "user" && r.outcome == Outcome::kOk;
    calls.push_back(r);
  }
  return calls;
}

void AppendInBatches(Ledger& ledger, const std::vector<UsageRecord>& calls, size_t batch) {
  for (size_t i = 0; i < calls.size(); i += batch) {
    const auto end = calls.begin() + static_cast<std::ptrdiff_t>(std::min(calls.size(), i + batch));
    REQUIRE(ledger.AppendBatch({calls.begin() + static_cast<std::ptrdiff_t>(i), end}).ok());
  }
}

}  // namespace

TEST_CASE("Rollups equal the sums of the raw calls, however the calls were batched", "[ledger]") {
  // Time-ordered, as the writer sees them: then the raw idle rule and the appended one agree.
  auto calls = Traffic(7, 3000);
  std::stable_sort(calls.begin(), calls.end(),
                   [](const UsageRecord& a, const UsageRecord& b) { return a.at_ms < b.at_ms; });
  const size_t batch = GENERATE(size_t{1}, size_t{7}, size_t{200}, size_t{3000});
  CAPTURE(batch);
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  {
    auto ledger = Ledger::Open({path, 5000});
    REQUIRE(ledger.ok());
    AppendInBatches(*ledger.value(), calls, batch);
  }
  const std::string consumers = QueryText(path, kStoredConsumers);
  REQUIRE(consumers.size() > 1000);  // many rows, idle spending among them
  CHECK(consumers == QueryText(path, kRawConsumers));
  CHECK(QueryText(path, kStoredHours) == QueryText(path, kRawHours));
  CHECK(QueryText(path, kStoredUserHours) == QueryText(path, kRawUserHours));
  CHECK(QueryText(path, "SELECT SUM(idle_cost_micros) > 0 FROM consumer_daily") == "1");
}

TEST_CASE("A heartbeat just before its hour's first user turn in the same batch is not idle",
          "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  auto heartbeat = router::testing::UserCall(kStart + 60'000, "anthropic", 100, 500);
  heartbeat.trigger = "heartbeat";
  auto user = router::testing::UserCall(kStart + 120'000, "anthropic", 100, 700);
  auto late = heartbeat;  // two hours on, with no user turn since: idle
  late.at_ms = kStart + 2 * kHour + 60'000;
  {
    auto ledger = Ledger::Open({path, 5000});
    REQUIRE(ledger.ok());
    REQUIRE(ledger.value()->AppendBatch({heartbeat, user}).ok());
    REQUIRE(ledger.value()->AppendBatch({late}).ok());
  }
  CHECK(QueryText(path, "SELECT SUM(idle_cost_micros) FROM consumer_daily") ==
        std::to_string(late.cost_micros));
}

TEST_CASE("A failed batch leaves no rollup behind", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  auto ledger = Ledger::Open({path, 5000});
  REQUIRE(ledger.ok());
  auto good = router::testing::UserCall(kStart, "anthropic", 100, 500);
  auto bad = good;
  bad.input_tokens = -1;  // refused by the calls table's CHECK
  CHECK_FALSE(ledger.value()->AppendBatch({good, bad}).ok());
  for (const char* table : {"calls", "usage_hourly", "user_hours", "consumer_daily"}) {
    CAPTURE(table);
    CHECK(QueryText(path, std::string("SELECT COUNT(*) FROM ") + table) == "0");
  }
}
