#include "connection.h"

#include <algorithm>
#include <string>
#include <vector>

namespace router::ledger {
namespace {

constexpr const char* kDecisionColumns =
    "at_ms, run_id, session_key, agent_id, trigger, requested_provider, requested_model,"
    " chosen_provider, chosen_model, task_class, confidence, reason, est_cost_micros,"
    " baseline_provider, baseline_model, baseline_input_per_m, baseline_output_per_m,"
    " baseline_cache_read_per_m, baseline_cache_write_per_m, applied, detail";

DecisionRecord ReadDecision(sqlite3_stmt* q) {
  DecisionRecord d;
  d.at_ms = sqlite3_column_int64(q, 0);
  d.run_id = ColumnText(q, 1);
  d.session_key = ColumnText(q, 2);
  d.agent_id = ColumnText(q, 3);
  d.trigger = ColumnText(q, 4);
  d.requested_provider = ColumnText(q, 5);
  d.requested_model = ColumnText(q, 6);
  d.chosen_provider = ColumnText(q, 7);
  d.chosen_model = ColumnText(q, 8);
  d.task_class = ColumnText(q, 9);
  d.confidence = sqlite3_column_double(q, 10);
  d.reason = ColumnText(q, 11);
  d.est_cost_micros = sqlite3_column_int64(q, 12);
  d.baseline_provider = ColumnText(q, 13);
  d.baseline_model = ColumnText(q, 14);
  d.baseline_input_per_m = sqlite3_column_int64(q, 15);
  d.baseline_output_per_m = sqlite3_column_int64(q, 16);
  d.baseline_cache_read_per_m = sqlite3_column_int64(q, 17);
  d.baseline_cache_write_per_m = sqlite3_column_int64(q, 18);
  d.applied = sqlite3_column_int(q, 19) != 0;
  d.detail = ColumnText(q, 20);
  return d;
}

// Routed ok calls of one period, each priced at its run's newest applied decision. A call's
// baseline is tokens x price-per-1M, i.e. in 1e-12 USD; the per-call quotient and remainder by
// 1e6 are summed apart so the total rounds once (half up) and the running sum cannot overflow.
// Only one call's own product can overflow int64 (tokens x price > 9.2e18, e.g. 1e9 tokens at
// $9,000/1M), which real usage does not reach. The query starts from the decisions (one per
// turn) and reaches calls through their run id, so it costs the same on a ledger of millions of
// calls (CROSS JOIN keeps SQLite from scanning the period's calls first); a run's decision is
// looked for from a day before the period (no turn outlasts a day) to its end.
constexpr int64_t kRunSlackMs = 24LL * 3600 * 1000;
constexpr const char* kRoutedSums =
    "SELECT COUNT(*), COALESCE(SUM(cost_micros), 0), COALESCE(SUM(base / 1000000), 0),"
    " COALESCE(SUM(base % 1000000), 0) FROM ("
    "  SELECT c.cost_micros,"
    "    c.input_tokens * d.baseline_input_per_m + c.output_tokens * d.baseline_output_per_m"
    "      + c.cache_read_tokens * d.baseline_cache_read_per_m"
    "      + c.cache_write_tokens * d.baseline_cache_write_per_m AS base"
    "  FROM (SELECT run_id, baseline_input_per_m, baseline_output_per_m, baseline_cache_read_per_m,"
    "          baseline_cache_write_per_m,"
    "          ROW_NUMBER() OVER (PARTITION BY run_id ORDER BY at_ms DESC, id DESC) AS n"
    "        FROM decisions WHERE applied = 1 AND run_id <> '' AND at_ms BETWEEN ?3 AND ?2) d"
    "  CROSS JOIN calls c ON c.run_id = d.run_id"
    "  WHERE d.n = 1 AND c.outcome = 'ok' AND c.at_ms BETWEEN ?1 AND ?2)";

void BindDecision(sqlite3_stmt* q, const DecisionRecord& d) {
  auto text = [q](int index, const std::string& value) { BindText(q, index, value); };
  sqlite3_bind_int64(q, 1, d.at_ms);
  text(2, d.run_id);
  text(3, d.session_key);
  text(4, d.agent_id);
  text(5, d.trigger);
  text(6, d.requested_provider);
  text(7, d.requested_model);
  text(8, d.chosen_provider);
  text(9, d.chosen_model);
  text(10, d.task_class);
  sqlite3_bind_double(q, 11, d.confidence);
  text(12, d.reason);
  sqlite3_bind_int64(q, 13, d.est_cost_micros);
  text(14, d.baseline_provider);
  text(15, d.baseline_model);
  sqlite3_bind_int64(q, 16, d.baseline_input_per_m);
  sqlite3_bind_int64(q, 17, d.baseline_output_per_m);
  sqlite3_bind_int64(q, 18, d.baseline_cache_read_per_m);
  sqlite3_bind_int64(q, 19, d.baseline_cache_write_per_m);
  sqlite3_bind_int(q, 20, d.applied ? 1 : 0);
  text(21, d.detail);
}

}  // namespace

Result<int64_t> Ledger::AppendDecision(const DecisionRecord& d) {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(std::string("INSERT INTO decisions (") + kDecisionColumns +
                             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                             "?17,?18,?19,?20,?21)");
  if (!stmt.ok()) return stmt.status();
  BindDecision(stmt.value().get(), d);
  ROUTER_RETURN_IF_ERROR(impl_->StepDone(stmt.value().get(), "decision"));
  return sqlite3_last_insert_rowid(impl_->db.get());
}

Result<std::vector<DecisionRecord>> Ledger::Decisions(int64_t since_ms, int limit) const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(std::string("SELECT ") + kDecisionColumns +
                             " FROM decisions WHERE at_ms >= ?1 ORDER BY at_ms DESC, id DESC"
                             " LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, since_ms);
  sqlite3_bind_int(q, 2, std::max(limit, 0));  // SQLite reads a negative LIMIT as "no limit"
  return impl_->ReadRows<DecisionRecord>(q, "decisions", ReadDecision);
}

Result<std::vector<CharsPerToken>> Ledger::CharsPerTokenByModel(int64_t since_ms,
                                                                int per_model) const {
  MutexLock lock(&impl_->mu);
  // Each model's newest calls through calls_with_chars: the cost follows per_model, not the
  // ledger's size. The models come from the hourly rollups of the period.
  auto models = impl_->Prepare(
      "SELECT DISTINCT provider, model FROM usage_hourly WHERE hour_ms >= ?1 ORDER BY provider, "
      "model");
  if (!models.ok()) return models.status();
  auto sums = impl_->Prepare(
      "SELECT COUNT(*), COALESCE(SUM(input_chars), 0),"
      " COALESCE(SUM(input_tokens + cache_read_tokens + cache_write_tokens), 0),"
      " COALESCE(SUM(cache_read_tokens), 0) FROM ("
      "  SELECT input_chars, input_tokens, cache_read_tokens, cache_write_tokens FROM calls"
      "  WHERE provider = ?1 AND model = ?2 AND input_chars > 0 AND outcome = 'ok' AND at_ms >= ?3"
      "  ORDER BY at_ms DESC, id DESC LIMIT ?4)");
  if (!sums.ok()) return sums.status();
  sqlite3_stmt* m = models.value().get();
  sqlite3_stmt* q = sums.value().get();
  sqlite3_bind_int64(m, 1, FloorTo(since_ms, kHourMs));
  std::vector<CharsPerToken> rows;
  int rc;
  while ((rc = sqlite3_step(m)) == SQLITE_ROW) {
    CharsPerToken row{ColumnText(m, 0), ColumnText(m, 1), 0, 0, 0, 0};
    sqlite3_reset(q);
    BindText(q, 1, row.provider);
    BindText(q, 2, row.model);
    sqlite3_bind_int64(q, 3, since_ms);
    sqlite3_bind_int(q, 4, per_model);
    ROUTER_RETURN_IF_ERROR(impl_->StepRow(q, "chars per token"));
    row.calls = sqlite3_column_int64(q, 0);
    row.chars = sqlite3_column_int64(q, 1);
    row.tokens = sqlite3_column_int64(q, 2);
    row.cache_read_tokens = sqlite3_column_int64(q, 3);
    if (row.calls > 0) rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return impl_->Error(rc, "chars per token");
  return rows;
}

Result<ContextChars> Ledger::ContextCharsFor(const std::string& session_key,
                                             const std::string& agent_id) const {
  MutexLock lock(&impl_->mu);
  // Empty keys bind as NULL, which matches no row. The agent's smallest recent context is the
  // bare system prompt a fresh session starts from.
  auto stmt = impl_->Prepare(
      "SELECT"
      " (SELECT input_chars FROM calls WHERE session_key = ?1 AND outcome = 'ok'"
      "   AND input_chars > 0 ORDER BY at_ms DESC, id DESC LIMIT 1),"
      " (SELECT MIN(input_chars) FROM (SELECT input_chars FROM calls WHERE agent_id = ?2"
      "   AND outcome = 'ok' AND input_chars > 0 ORDER BY at_ms DESC, id DESC LIMIT 20))");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  auto key = [q](int index, const std::string& value) {
    if (value.empty()) {
      sqlite3_bind_null(q, index);
    } else {
      BindText(q, index, value);
    }
  };
  key(1, session_key);
  key(2, agent_id);
  ROUTER_RETURN_IF_ERROR(impl_->StepRow(q, "context chars"));
  return ContextChars{sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)};  // NULL reads 0
}

Result<std::optional<LastCall>> Ledger::LastCallOf(const std::string& session_key) const {
  if (session_key.empty()) return std::optional<LastCall>();
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT provider, model, at_ms FROM calls WHERE session_key = ?1 AND outcome = 'ok'"
      " ORDER BY at_ms DESC, id DESC LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  BindText(q, 1, session_key);
  const int rc = sqlite3_step(q);
  if (rc == SQLITE_DONE) return std::optional<LastCall>();
  if (rc != SQLITE_ROW) return impl_->Error(rc, "last call");
  return std::optional<LastCall>(
      LastCall{ColumnText(q, 0), ColumnText(q, 1), sqlite3_column_int64(q, 2)});
}

Result<std::vector<RoutingTotals>> Ledger::Routing(const std::vector<int64_t>& since_ms,
                                                   int64_t until_ms) const {
  MutexLock lock(&impl_->mu);
  auto counts = impl_->Prepare(
      "SELECT COUNT(*), COALESCE(SUM(applied), 0) FROM decisions WHERE at_ms BETWEEN ?1 AND ?2");
  if (!counts.ok()) return counts.status();
  auto routed = impl_->Prepare(kRoutedSums);
  if (!routed.ok()) return routed.status();
  std::vector<RoutingTotals> rows;
  rows.reserve(since_ms.size());
  sqlite3_stmt* c = counts.value().get();
  sqlite3_stmt* r = routed.value().get();
  for (const int64_t since : since_ms) {
    sqlite3_reset(r);
    sqlite3_bind_int64(r, 3, since - kRunSlackMs);
    for (sqlite3_stmt* q : {c, r}) {
      sqlite3_reset(q);
      sqlite3_bind_int64(q, 1, since);
      sqlite3_bind_int64(q, 2, until_ms);
      ROUTER_RETURN_IF_ERROR(impl_->StepRow(q, "routing"));
    }
    const int64_t baseline =
        sqlite3_column_int64(r, 2) + (sqlite3_column_int64(r, 3) + 500'000) / 1'000'000;
    rows.push_back({sqlite3_column_int64(c, 0), sqlite3_column_int64(c, 1),
                    sqlite3_column_int64(r, 0), sqlite3_column_int64(r, 1), baseline});
  }
  return rows;
}

}  // namespace router::ledger
