#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connection.h"

namespace router::ledger {
namespace {

constexpr const char* kCooldownColumns = "provider, model, failed_at_ms, until_ms, streak, kind";

// A success after the failure ends a cooldown: an ok call of the model, or of any model of the
// provider for a provider-wide one. calls_by_provider_time keeps it to the provider's newer calls.
constexpr const char* kNotHealed =
    " NOT EXISTS (SELECT 1 FROM calls c WHERE c.provider = k.provider AND c.at_ms > k.failed_at_ms"
    " AND c.outcome = 'ok' AND (k.model = '*' OR c.model = k.model))";

CooldownRow ReadCooldown(sqlite3_stmt* q) {
  CooldownRow row;
  row.provider = ColumnText(q, 0);
  row.model = ColumnText(q, 1);
  row.failed_at_ms = sqlite3_column_int64(q, 2);
  row.until_ms = sqlite3_column_int64(q, 3);
  row.streak = sqlite3_column_int(q, 4);
  row.kind = ColumnText(q, 5);
  return row;
}

}  // namespace

Status Ledger::PutCooldown(const CooldownRow& row) {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(std::string("INSERT OR REPLACE INTO cooldowns (") + kCooldownColumns +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  BindText(q, 1, row.provider);
  BindText(q, 2, row.model);
  sqlite3_bind_int64(q, 3, row.failed_at_ms);
  sqlite3_bind_int64(q, 4, row.until_ms);
  sqlite3_bind_int(q, 5, row.streak);
  BindText(q, 6, row.kind);
  return impl_->StepDone(q, "cooldown");
}

Result<std::vector<CooldownRow>> Ledger::ActiveCooldowns(int64_t now_ms) const {
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(std::string("SELECT ") + kCooldownColumns +
                             " FROM cooldowns k WHERE k.until_ms > ?1 AND" + kNotHealed +
                             " ORDER BY provider, model");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, now_ms);
  return impl_->ReadRows<CooldownRow>(q, "cooldowns", ReadCooldown);
}

Result<std::optional<CooldownRow>> Ledger::LastCooldown(const std::string& provider,
                                                        const std::string& model) const {
  MutexLock lock(&impl_->mu);
  auto stmt =
      impl_->Prepare(std::string("SELECT ") + kCooldownColumns +
                     " FROM cooldowns k WHERE k.provider = ?1 AND k.model = ?2 AND" + kNotHealed);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  BindText(q, 1, provider);
  BindText(q, 2, model);
  auto rows = impl_->ReadRows<CooldownRow>(q, "cooldown", ReadCooldown);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<CooldownRow>();
  return std::optional<CooldownRow>(std::move(rows->front()));
}

Result<std::vector<DecisionRecord>> Ledger::FallbackDecisions(int64_t since_ms, int limit) const {
  MutexLock lock(&impl_->mu);
  // Few rows: the time index narrows the scan to the period before the JSON is read.
  auto stmt = impl_->Prepare(
      "SELECT at_ms, run_id, requested_provider, requested_model, chosen_provider, chosen_model,"
      " reason FROM decisions WHERE at_ms >= ?1 AND applied = 1"
      " AND json_extract(detail, '$.attempt') > 1 ORDER BY at_ms DESC, id DESC LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, since_ms);
  sqlite3_bind_int(q, 2, limit < 0 ? 0 : limit);
  return impl_->ReadRows<DecisionRecord>(q, "fallback decisions", [](sqlite3_stmt* row) {
    DecisionRecord d;
    d.at_ms = sqlite3_column_int64(row, 0);
    d.run_id = ColumnText(row, 1);
    d.requested_provider = ColumnText(row, 2);
    d.requested_model = ColumnText(row, 3);
    d.chosen_provider = ColumnText(row, 4);
    d.chosen_model = ColumnText(row, 5);
    d.reason = ColumnText(row, 6);
    return d;
  });
}

}  // namespace router::ledger
