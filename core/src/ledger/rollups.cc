// The rollups an appended batch feeds: usage per provider, model and hour (usage_hourly), the hours
// with user turns (user_hours) and usage per consumer and day (consumer_daily). A batch is summed
// here first, so each rollup row is written once per batch instead of once per call: with 1,000
// calls per transaction that is a few dozen upserts instead of 2,000.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "connection.h"

namespace router::ledger {
namespace {

constexpr int64_t kDayMs = 24 * kHourMs;

constexpr const char* kAddToHour =
    "INSERT INTO usage_hourly (provider, hour_ms, model, calls, failures, invalid, messages,"
    " requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (provider, hour_ms, model) DO UPDATE SET calls = calls + excluded.calls,"
    " failures = failures + excluded.failures, invalid = invalid + excluded.invalid,"
    " messages = messages + excluded.messages, requests = requests + excluded.requests,"
    " input_tokens = input_tokens + excluded.input_tokens,"
    " output_tokens = output_tokens + excluded.output_tokens,"
    " cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"
    " cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"
    " cost_micros = cost_micros + excluded.cost_micros";
constexpr const char* kAddUserHour = "INSERT OR IGNORE INTO user_hours VALUES (?1)";
constexpr const char* kUserHourNear =
    "SELECT EXISTS (SELECT 1 FROM user_hours WHERE hour_ms IN (?1, ?1 - 3600000))";
constexpr const char* kAddToConsumer =
    "INSERT INTO consumer_daily (agent_id, cron_job_id, trigger, provider, model, day_ms, calls,"
    " failures, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,"
    " idle_cost_micros, first_ms, last_ms)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    " ON CONFLICT DO UPDATE SET calls = calls + excluded.calls,"
    " failures = failures + excluded.failures,"
    " input_tokens = input_tokens + excluded.input_tokens,"
    " output_tokens = output_tokens + excluded.output_tokens,"
    " cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"
    " cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"
    " cost_micros = cost_micros + excluded.cost_micros,"
    " idle_cost_micros = idle_cost_micros + excluded.idle_cost_micros,"
    " first_ms = MIN(first_ms, excluded.first_ms), last_ms = MAX(last_ms, excluded.last_ms)";

using HourKey = std::tuple<std::string, int64_t, std::string>;  // provider, hour, model
// agent, cron job, trigger, provider, model, day
using ConsumerKey =
    std::tuple<std::string, std::string, std::string, std::string, std::string, int64_t>;

struct ConsumerSums {
  Totals totals;
  int64_t idle_cost_micros = 0;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

Totals RecordTotals(const UsageRecord& r) {
  Totals t;
  t.calls = 1;
  t.failures = r.outcome == Outcome::kFailed ? 1 : 0;
  t.invalid = r.outcome == Outcome::kInvalid ? 1 : 0;
  t.messages = r.counts_as_message ? 1 : 0;
  t.requests = r.model_calls;
  t.input_tokens = r.input_tokens;
  t.output_tokens = r.output_tokens;
  t.cache_read_tokens = r.cache_read_tokens;
  t.cache_write_tokens = r.cache_write_tokens;
  t.cost_micros = r.cost_micros;
  return t;
}

// Binds the ten Totals fields to parameters first .. first + 9 (the order of Totals).
void BindTotals(sqlite3_stmt* s, int first, const Totals& t) {
  int index = first;
  for (int64_t value :
       {t.calls, t.failures, t.invalid, t.messages, t.requests, t.input_tokens, t.output_tokens,
        t.cache_read_tokens, t.cache_write_tokens, t.cost_micros}) {
    sqlite3_bind_int64(s, index++, value);
  }
}

void BindConsumer(sqlite3_stmt* s, const ConsumerKey& key, const ConsumerSums& sums) {
  const auto& [agent, cron_job, trigger, provider, model, day_ms] = key;
  BindText(s, 1, agent);
  BindText(s, 2, cron_job);
  BindText(s, 3, trigger);
  BindText(s, 4, provider);
  BindText(s, 5, model);
  sqlite3_bind_int64(s, 6, day_ms);
  const Totals& t = sums.totals;
  int index = 7;
  for (int64_t value :
       {t.calls, t.failures, t.input_tokens, t.output_tokens, t.cache_read_tokens,
        t.cache_write_tokens, t.cost_micros, sums.idle_cost_micros, sums.first_ms, sums.last_ms}) {
    sqlite3_bind_int64(s, index++, value);
  }
}

}  // namespace

Status Ledger::Impl::PrepareRollups() {
  const std::pair<StmtPtr*, const char*> cached[] = {{&add_to_hour, kAddToHour},
                                                     {&add_user_hour, kAddUserHour},
                                                     {&user_hour_near, kUserHourNear},
                                                     {&add_to_consumer, kAddToConsumer}};
  for (const auto& [slot, sql] : cached) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    *slot = std::move(stmt).value();
  }
  return Status::Ok();
}

Status Ledger::Impl::StepCached(sqlite3_stmt* s, const char* what) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(rc, what);
}

Result<bool> Ledger::Impl::UserHourNear(int64_t hour_ms) {
  sqlite3_stmt* q = user_hour_near.get();
  sqlite3_bind_int64(q, 1, hour_ms);
  const int rc = sqlite3_step(q);
  const bool found = rc == SQLITE_ROW && sqlite3_column_int(q, 0) != 0;
  sqlite3_reset(q);
  if (rc != SQLITE_ROW) return Error(rc, "user hours");
  return found;
}

// A non-user call is idle when no user call came in its clock hour or the one before, the rule
// schema v4 backfilled with. The batch's own user hours are stored first, so a heartbeat just
// before its hour's first user message counts as the user's, as it would in the backfill.
Status Ledger::Impl::AddRollups(const std::vector<UsageRecord>& records) {
  std::set<int64_t> user_hours;
  for (const auto& r : records) {
    if (r.trigger == "user") user_hours.insert(FloorTo(r.at_ms, kHourMs));
  }
  for (int64_t hour : user_hours) {
    sqlite3_bind_int64(add_user_hour.get(), 1, hour);
    ROUTER_RETURN_IF_ERROR(StepCached(add_user_hour.get(), "user hours"));
  }
  std::map<HourKey, Totals> hours;
  std::map<ConsumerKey, ConsumerSums> consumers;
  std::map<int64_t, bool> attended;  // hour -> a user call in it or the hour before
  for (const auto& r : records) {
    const int64_t hour = FloorTo(r.at_ms, kHourMs);
    const Totals totals = RecordTotals(r);
    Add(hours[{r.provider, hour, r.model}], totals);
    auto& sums = consumers[{r.agent_id, r.cron_job_id, r.trigger, r.provider, r.model,
                            FloorTo(r.at_ms, kDayMs)}];
    const bool first = sums.totals.calls == 0;
    Add(sums.totals, totals);
    sums.first_ms = first ? r.at_ms : std::min(sums.first_ms, r.at_ms);
    sums.last_ms = first ? r.at_ms : std::max(sums.last_ms, r.at_ms);
    if (r.trigger == "user") continue;
    auto known = attended.find(hour);
    if (known == attended.end()) {
      auto near = UserHourNear(hour);
      if (!near.ok()) return near.status();
      known = attended.emplace(hour, near.value()).first;
    }
    if (!known->second) sums.idle_cost_micros += r.cost_micros;
  }
  for (const auto& [key, totals] : hours) {
    sqlite3_stmt* s = add_to_hour.get();
    BindText(s, 1, std::get<0>(key));
    sqlite3_bind_int64(s, 2, std::get<1>(key));
    BindText(s, 3, std::get<2>(key));
    BindTotals(s, 4, totals);
    ROUTER_RETURN_IF_ERROR(StepCached(s, "rollup"));
  }
  for (const auto& [key, sums] : consumers) {
    BindConsumer(add_to_consumer.get(), key, sums);
    ROUTER_RETURN_IF_ERROR(StepCached(add_to_consumer.get(), "consumer rollup"));
  }
  return Status::Ok();
}

}  // namespace router::ledger
