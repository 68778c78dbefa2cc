// Who spends, on what: per agent and cron job, from the daily rollups schema v4 keeps (filled per
// appended batch, see rollups.cc, and per decision by a trigger), so a month over a million calls
// sums in milliseconds.

#include <optional>
#include <string>
#include <vector>

#include "connection.h"

namespace router::ledger {
namespace {

constexpr int64_t kDayMs = 86'400'000;

ConsumerUse ReadConsumer(sqlite3_stmt* q) {
  ConsumerUse u;
  u.agent_id = ColumnText(q, 0);
  u.cron_job_id = ColumnText(q, 1);
  u.trigger = ColumnText(q, 2);
  u.provider = ColumnText(q, 3);
  u.model = ColumnText(q, 4);
  u.totals.calls = sqlite3_column_int64(q, 5);
  u.totals.failures = sqlite3_column_int64(q, 6);
  u.totals.input_tokens = sqlite3_column_int64(q, 7);
  u.totals.output_tokens = sqlite3_column_int64(q, 8);
  u.totals.cache_read_tokens = sqlite3_column_int64(q, 9);
  u.totals.cache_write_tokens = sqlite3_column_int64(q, 10);
  u.totals.cost_micros = sqlite3_column_int64(q, 11);
  u.idle_cost_micros = sqlite3_column_int64(q, 12);
  u.first_ms = sqlite3_column_int64(q, 13);
  u.last_ms = sqlite3_column_int64(q, 14);
  return u;
}

}  // namespace

Result<std::vector<ConsumerUse>> Ledger::ConsumerUsage(int64_t since_ms, int64_t until_ms) const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT agent_id, cron_job_id, trigger, provider, model, SUM(calls), SUM(failures),"
      " SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),"
      " SUM(cost_micros), SUM(idle_cost_micros), MIN(first_ms), MAX(last_ms)"
      " FROM consumer_daily WHERE day_ms >= ?1 AND day_ms < ?2 GROUP BY 1, 2, 3, 4, 5"
      " ORDER BY 1, 2, 3, 4, 5");
  if (!stmt.ok()) return stmt.status();
  sqlite3_bind_int64(stmt.value().get(), 1, FloorTo(since_ms, kDayMs));
  sqlite3_bind_int64(stmt.value().get(), 2, until_ms);
  return impl_->ReadRows<ConsumerUse>(stmt.value().get(), "consumer usage", ReadConsumer);
}

Result<std::vector<ClassTurns>> Ledger::ClassMix(int64_t since_ms, int64_t until_ms) const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT agent_id, cron_job_id, trigger, task_class, SUM(turns) FROM class_daily"
      " WHERE day_ms >= ?1 AND day_ms < ?2 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4");
  if (!stmt.ok()) return stmt.status();
  sqlite3_bind_int64(stmt.value().get(), 1, FloorTo(since_ms, kDayMs));
  sqlite3_bind_int64(stmt.value().get(), 2, until_ms);
  return impl_->ReadRows<ClassTurns>(stmt.value().get(), "class mix", [](sqlite3_stmt* q) {
    return ClassTurns{ColumnText(q, 0), ColumnText(q, 1), ColumnText(q, 2), ColumnText(q, 3),
                      sqlite3_column_int64(q, 4)};
  });
}

Status Ledger::AppendTurnClass(const TurnClass& turn) {
  if (turn.task_class.empty()) return Status::InvalidArgument("turn class is empty");
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "INSERT INTO class_daily VALUES (?1, ?2, ?3, ?4, ?5, 1)"
      " ON CONFLICT DO UPDATE SET turns = turns + 1");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  BindText(q, 1, turn.agent_id);
  BindText(q, 2, turn.cron_job_id);
  BindText(q, 3, turn.trigger);
  BindText(q, 4, turn.task_class);
  sqlite3_bind_int64(q, 5, FloorTo(turn.at_ms, kDayMs));
  return impl_->StepDone(q, "turn class");
}

Result<std::optional<Event>> Ledger::LatestUndoable(const std::vector<std::string>& kinds) const {
  std::string sql =
      "SELECT id, at_ms, kind, provider, window, payload, undone FROM events WHERE undone = 0"
      " AND kind IN (";
  for (size_t i = 0; i < kinds.size(); ++i) sql += i ? ", ?" : "?";
  sql += ") ORDER BY id DESC LIMIT 1";
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  for (size_t i = 0; i < kinds.size(); ++i) {
    BindText(stmt.value().get(), static_cast<int>(i + 1), kinds[i]);
  }
  auto rows = impl_->ReadRows<Event>(stmt.value().get(), "events", [](sqlite3_stmt* q) {
    return Event{sqlite3_column_int64(q, 0),
                 sqlite3_column_int64(q, 1),
                 ColumnText(q, 2),
                 ColumnText(q, 3),
                 ColumnText(q, 4),
                 ColumnText(q, 5),
                 sqlite3_column_int(q, 6) != 0};
  });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Event>();
  return std::optional<Event>(rows->front());
}

}  // namespace router::ledger
