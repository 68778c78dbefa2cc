#include "connection.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace router::ledger {
namespace {

constexpr const char* kInsertCall =
    "INSERT INTO calls (at_ms, provider, model, resolved_ref, agent_id, session_key, run_id,"
    " trigger, cron_job_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
    " cost_micros, cost_source, outcome, note, model_calls, counts_as_message, input_chars)"
    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)";
constexpr const char* kRawSums =
    "SELECT provider, model, COUNT(*), SUM(outcome = 'failed'), SUM(outcome = 'invalid'),"
    " SUM(counts_as_message), SUM(model_calls), SUM(input_tokens), SUM(output_tokens),"
    " SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_micros)"
    " FROM calls WHERE at_ms >= ?1 AND at_ms < ?2";
constexpr const char* kHourlySums =
    "SELECT provider, model, SUM(calls), SUM(failures), SUM(invalid), SUM(messages),"
    " SUM(requests), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),"
    " SUM(cache_write_tokens), SUM(cost_micros)"
    " FROM usage_hourly WHERE hour_ms >= ?1 AND hour_ms < ?2";

// The ten Totals columns of a sums query (see kRawSums), starting at column `first`.
Totals ColumnTotals(sqlite3_stmt* q, int first) {
  Totals t;
  int col = first;
  for (int64_t* field :
       {&t.calls, &t.failures, &t.invalid, &t.messages, &t.requests, &t.input_tokens,
        &t.output_tokens, &t.cache_read_tokens, &t.cache_write_tokens, &t.cost_micros}) {
    *field = sqlite3_column_int64(q, col++);
  }
  return t;
}

void BindCall(sqlite3_stmt* s, const UsageRecord& r) {
  auto text = [s](int index, const std::string& value) { BindText(s, index, value); };
  sqlite3_bind_int64(s, 1, r.at_ms);
  text(2, r.provider);
  text(3, r.model);
  text(4, r.resolved_ref);
  text(5, r.agent_id);
  text(6, r.session_key);
  text(7, r.run_id);
  text(8, r.trigger);
  text(9, r.cron_job_id);
  sqlite3_bind_int64(s, 10, r.input_tokens);
  sqlite3_bind_int64(s, 11, r.output_tokens);
  sqlite3_bind_int64(s, 12, r.cache_read_tokens);
  sqlite3_bind_int64(s, 13, r.cache_write_tokens);
  sqlite3_bind_int64(s, 14, r.cost_micros);
  sqlite3_bind_text(s, 15, CostSourceName(r.cost_source), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 16, OutcomeName(r.outcome), -1, SQLITE_STATIC);
  text(17, r.note);
  sqlite3_bind_int64(s, 18, r.model_calls);
  sqlite3_bind_int(s, 19, r.counts_as_message ? 1 : 0);
  sqlite3_bind_int64(s, 20, r.input_chars);
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kInvalid:
      return "invalid";
  }
  return "invalid";
}

const char* CostSourceName(CostSource source) {
  switch (source) {
    case CostSource::kOpenClaw:
      return "openclaw";
    case CostSource::kOverride:
      return "override";
    case CostSource::kConfig:
      return "config";
    case CostSource::kTable:
      return "table";
    case CostSource::kNone:
      return "none";
  }
  return "none";
}

void Add(Totals& into, const Totals& more) {
  into.calls += more.calls;
  into.failures += more.failures;
  into.invalid += more.invalid;
  into.messages += more.messages;
  into.requests += more.requests;
  into.input_tokens += more.input_tokens;
  into.output_tokens += more.output_tokens;
  into.cache_read_tokens += more.cache_read_tokens;
  into.cache_write_tokens += more.cache_write_tokens;
  into.cost_micros += more.cost_micros;
}

Status Ledger::Impl::PrepareAppend() {
  const std::pair<StmtPtr*, const char*> cached[] = {{&insert, kInsertCall},
                                                     {&begin, "BEGIN IMMEDIATE"},
                                                     {&commit, "COMMIT"},
                                                     {&rollback, "ROLLBACK"}};
  for (const auto& [slot, sql] : cached) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    *slot = std::move(stmt).value();
  }
  return PrepareRollups();
}

Status Ledger::Impl::Insert(const UsageRecord& r) {
  sqlite3_stmt* s = insert.get();
  BindCall(s, r);
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "append");
}

Status Ledger::Impl::SumInto(const char* sql, int64_t start_ms, int64_t end_ms,
                             const std::string& provider,
                             std::map<std::pair<std::string, std::string>, Totals>& out) const {
  auto stmt = Prepare(std::string(sql) + (provider.empty() ? "" : " AND provider = ?3") +
                      " GROUP BY provider, model");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, start_ms);
  sqlite3_bind_int64(q, 2, end_ms);
  if (!provider.empty()) BindText(q, 3, provider);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    Add(out[{ColumnText(q, 0), ColumnText(q, 1)}], ColumnTotals(q, 2));
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, "sum");
}

Result<bool> Ledger::Impl::AnyCall(int64_t start_ms, int64_t end_ms) const {
  auto stmt = Prepare("SELECT EXISTS (SELECT 1 FROM calls WHERE at_ms >= ?1 AND at_ms < ?2)");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, start_ms);
  sqlite3_bind_int64(q, 2, end_ms);
  ROUTER_RETURN_IF_ERROR(StepRow(q, "sum"));
  return sqlite3_column_int(q, 0) != 0;
}

Status Ledger::Append(const UsageRecord& record) { return AppendBatch({record}); }

Status Ledger::AppendBatch(const std::vector<UsageRecord>& records) {
  MutexLock lock(&impl_->mu);
  return impl_->InTransaction("append", [&]() REQUIRES(impl_->mu) {
    for (const auto& record : records) ROUTER_RETURN_IF_ERROR(impl_->Insert(record));
    return impl_->AddRollups(records);
  });
}

Result<std::vector<ModelTotals>> Ledger::SumRange(int64_t start_ms, int64_t end_ms,
                                                  const std::string& provider) const {
  std::map<std::pair<std::string, std::string>, Totals> sums;
  if (start_ms < end_ms) {
    // Whole hours come from the rollups, the partial hours at either edge from the raw rows,
    // unless no call of the edge hour falls outside the range: then the hour's rollup holds
    // exactly the range's calls. That is the usual case at the end (a window ending now, with
    // nothing recorded after now), so the cost stays independent of the calls in the hour.
    const int64_t first_hour = FloorTo(start_ms, kHourMs);
    const int64_t end_hour = -FloorTo(-end_ms, kHourMs);
    MutexLock lock(&impl_->mu);
    int64_t rollup_from = -FloorTo(-start_ms, kHourMs);
    int64_t rollup_to = FloorTo(end_ms, kHourMs);
    if (first_hour < start_ms) {
      auto outside = impl_->AnyCall(first_hour, start_ms);
      if (!outside.ok()) return outside.status();
      if (!outside.value()) rollup_from = first_hour;
    }
    if (end_ms < end_hour) {
      auto outside = impl_->AnyCall(end_ms, end_hour);
      if (!outside.ok()) return outside.status();
      if (!outside.value()) rollup_to = end_hour;
    }
    if (rollup_from < rollup_to) {
      ROUTER_RETURN_IF_ERROR(impl_->SumInto(kHourlySums, rollup_from, rollup_to, provider, sums));
      if (start_ms < rollup_from) {
        ROUTER_RETURN_IF_ERROR(impl_->SumInto(kRawSums, start_ms, rollup_from, provider, sums));
      }
      if (rollup_to < end_ms) {
        ROUTER_RETURN_IF_ERROR(impl_->SumInto(kRawSums, rollup_to, end_ms, provider, sums));
      }
    } else {
      ROUTER_RETURN_IF_ERROR(impl_->SumInto(kRawSums, start_ms, end_ms, provider, sums));
    }
  }
  std::vector<ModelTotals> rows;
  rows.reserve(sums.size());
  for (auto& [key, totals] : sums) rows.push_back({key.first, key.second, totals});
  return rows;
}

Result<std::vector<HourTotals>> Ledger::HourlyTotals(const std::string& provider, int64_t since_ms,
                                                     int64_t until_ms) const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT hour_ms, SUM(calls), SUM(failures), SUM(invalid), SUM(messages), SUM(requests),"
      " SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),"
      " SUM(cost_micros) FROM usage_hourly WHERE provider = ?1 AND hour_ms >= ?2 AND hour_ms < ?3"
      " GROUP BY hour_ms ORDER BY hour_ms");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  BindText(q, 1, provider);
  sqlite3_bind_int64(q, 2, since_ms);
  sqlite3_bind_int64(q, 3, until_ms);
  return impl_->ReadRows<HourTotals>(q, "hourly", [](sqlite3_stmt* row) {
    return HourTotals{sqlite3_column_int64(row, 0), ColumnTotals(row, 1)};
  });
}

Result<std::vector<ModelPeriods>> Ledger::SumByModel(const std::vector<int64_t>& since_ms,
                                                     int64_t until_ms,
                                                     const std::string& provider) const {
  std::map<std::pair<std::string, std::string>, std::vector<Totals>> by_pair;
  for (size_t p = 0; p < since_ms.size(); ++p) {
    auto sums = SumRange(since_ms[p], until_ms + 1, provider);
    if (!sums.ok()) return sums.status();
    for (const auto& row : sums.value()) {
      auto& periods = by_pair[{row.provider, row.model}];
      periods.resize(since_ms.size());
      periods[p] = row.totals;
    }
  }
  std::vector<ModelPeriods> rows;
  rows.reserve(by_pair.size());
  for (auto& [key, periods] : by_pair) rows.push_back({key.first, key.second, std::move(periods)});
  return rows;
}

Result<std::vector<ModelActivity>> Ledger::Activity() const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT provider, model, COUNT(*), SUM(outcome = 'failed'), MIN(at_ms), MAX(at_ms)"
      " FROM calls GROUP BY provider, model ORDER BY provider, model");
  if (!stmt.ok()) return stmt.status();
  return impl_->ReadRows<ModelActivity>(stmt.value().get(), "activity", [](sqlite3_stmt* s) {
    return ModelActivity{ColumnText(s, 0),           ColumnText(s, 1),
                         sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                         sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5)};
  });
}

Result<int64_t> Ledger::CountRecords() const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare("SELECT COUNT(*) FROM calls");
  if (!stmt.ok()) return stmt.status();
  ROUTER_RETURN_IF_ERROR(impl_->StepRow(stmt.value().get(), "count"));
  return sqlite3_column_int64(stmt.value().get(), 0);
}

}  // namespace router::ledger
