#include "router/ledger/ledger.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <system_error>

#include <sqlite3.h>

namespace router::ledger {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Index i holds the statements that take a file from schema version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE calls (
  id                 INTEGER PRIMARY KEY,
  at_ms              INTEGER NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  resolved_ref       TEXT NOT NULL DEFAULT '',
  agent_id           TEXT NOT NULL DEFAULT '',
  session_key        TEXT NOT NULL DEFAULT '',
  run_id             TEXT NOT NULL DEFAULT '',
  trigger            TEXT NOT NULL CHECK (trigger IN ('user','cron','heartbeat','other','unknown')),
  cron_job_id        TEXT NOT NULL DEFAULT '',
  input_tokens       INTEGER NOT NULL CHECK (input_tokens >= 0),
  output_tokens      INTEGER NOT NULL CHECK (output_tokens >= 0),
  cache_read_tokens  INTEGER NOT NULL CHECK (cache_read_tokens >= 0),
  cache_write_tokens INTEGER NOT NULL CHECK (cache_write_tokens >= 0),
  cost_micros        INTEGER NOT NULL CHECK (cost_micros >= 0),
  cost_source        TEXT NOT NULL CHECK (cost_source IN ('openclaw','none')),
  outcome            TEXT NOT NULL CHECK (outcome IN ('ok','failed','invalid')),
  note               TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX calls_by_time ON calls (at_ms);
CREATE INDEX calls_by_provider_time ON calls (provider, at_ms);
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable(what + ": database is busy (" + detail + ")");
  }
  if (primary == SQLITE_CONSTRAINT) return Status::InvalidArgument(what + ": " + detail);
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
    return Status::Corruption(what + ": " + detail);
  }
  return Status::Io(what + ": " + detail);
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kInvalid: return "invalid";
  }
  return "invalid";
}

struct Ledger::Impl {
  std::string path;
  mutable std::mutex mu;
  DbPtr db;                // guarded by mu
  StmtPtr insert;          // guarded by mu
  StmtPtr begin, commit, rollback;

  Status Exec(const char* sql, const std::string& what) const {
    char* err = nullptr;
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    return rc == SQLITE_OK ? Status::Ok() : SqliteError(db.get(), rc, what);
  }

  Result<StmtPtr> Prepare(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                                      nullptr);
    if (rc != SQLITE_OK) return SqliteError(db.get(), rc, "ledger " + path);
    return StmtPtr(stmt);
  }

  // Runs a cached no-result statement (BEGIN/COMMIT/ROLLBACK).
  Status Step(sqlite3_stmt* stmt, const char* what) const {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db.get(), rc, std::string("ledger ") + what);
  }

  Result<int> UserVersion() const {
    auto stmt = Prepare("PRAGMA user_version");
    if (!stmt.ok()) return stmt.status();
    const int rc = sqlite3_step(stmt.value().get());
    if (rc != SQLITE_ROW) return SqliteError(db.get(), rc, "ledger " + path);
    return sqlite3_column_int(stmt.value().get(), 0);
  }

  Status Migrate() {
    ROUTER_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "ledger " + path + ": migration"));
    auto version = UserVersion();  // re-read under the write lock: another process may have won
    Status st = version.status();
    for (int v = version.ok() ? version.value() : kSchemaVersion; st.ok() && v < kSchemaVersion; ++v) {
      st = Exec(kMigrations[v], "ledger " + path + ": migration to schema " + std::to_string(v + 1));
      if (st.ok()) {
        st = Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str(), "ledger " + path);
      }
    }
    if (!st.ok()) {
      (void)Exec("ROLLBACK", "ledger rollback");
      return st;
    }
    return Exec("COMMIT", "ledger " + path + ": migration");
  }

  Status BindAndInsert(const UsageRecord& r) {
    sqlite3_stmt* s = insert.get();
    auto text = [s](int index, const std::string& value) {
      sqlite3_bind_text(s, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    };
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
    sqlite3_bind_text(s, 15, r.cost_known ? "openclaw" : "none", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 16, OutcomeName(r.outcome), -1, SQLITE_STATIC);
    text(17, r.note);
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db.get(), rc, "ledger " + path + ": append");
  }
};

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

const std::string& Ledger::path() const { return impl_->path; }

Result<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("ledger path is empty");
  auto impl = std::make_unique<Impl>();
  impl->path = options.path;
  if (options.path != ":memory:") {
    std::error_code ec;
    const auto parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Status::Io("ledger " + options.path + ": cannot create folder: " + ec.message());
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "ledger " + options.path + ": cannot open");
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);

  // Read the version before changing anything, so a foreign or newer file stays untouched.
  auto version = impl->UserVersion();
  if (!version.ok()) {
    return Status::Corruption("ledger " + options.path + " is not a readable SQLite database (" +
                              version.status().message() +
                              "); it was left untouched: move it aside or set ledger.path");
  }
  if (version.value() > kSchemaVersion) {
    return Status::Corruption("ledger " + options.path + " has schema version " +
                              std::to_string(version.value()) + ", newer than this build's " +
                              std::to_string(kSchemaVersion) +
                              "; it was left untouched: upgrade openclaw-model-router");
  }
  ROUTER_RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                    " PRAGMA foreign_keys=ON;",
                                    "ledger " + options.path));
  if (version.value() < kSchemaVersion) ROUTER_RETURN_IF_ERROR(impl->Migrate());

  auto insert = impl->Prepare(
      "INSERT INTO calls (at_ms, provider, model, resolved_ref, agent_id, session_key, run_id,"
      " trigger, cron_job_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
      " cost_micros, cost_source, outcome, note)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
  auto begin = impl->Prepare("BEGIN IMMEDIATE");
  auto commit = impl->Prepare("COMMIT");
  auto rollback = impl->Prepare("ROLLBACK");
  for (const auto* st : {&insert, &begin, &commit, &rollback}) {
    if (!st->ok()) return st->status();
  }
  impl->insert = std::move(insert).value();
  impl->begin = std::move(begin).value();
  impl->commit = std::move(commit).value();
  impl->rollback = std::move(rollback).value();
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Status Ledger::Append(const UsageRecord& record) { return AppendBatch({record}); }

Status Ledger::AppendBatch(const std::vector<UsageRecord>& records) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  ROUTER_RETURN_IF_ERROR(impl_->Step(impl_->begin.get(), "append: begin"));
  for (const auto& record : records) {
    Status st = impl_->BindAndInsert(record);
    if (!st.ok()) {
      (void)impl_->Step(impl_->rollback.get(), "append: rollback");
      return st;
    }
  }
  Status st = impl_->Step(impl_->commit.get(), "append: commit");
  if (!st.ok()) (void)impl_->Step(impl_->rollback.get(), "append: rollback");
  return st;
}

Result<std::vector<ModelPeriods>> Ledger::SumByModel(const std::vector<int64_t>& since_ms,
                                                     int64_t until_ms,
                                                     const std::string& provider) const {
  if (since_ms.empty()) return std::vector<ModelPeriods>{};
  // One pass over the widest period; each column sums only the rows inside its own period.
  static const char* const kSums[] = {
      "1", "outcome = 'failed'", "outcome = 'invalid'", "input_tokens", "output_tokens",
      "cache_read_tokens", "cache_write_tokens", "cost_micros"};
  std::string sql = "SELECT provider, model";
  for (size_t p = 0; p < since_ms.size(); ++p) {
    for (const char* expr : kSums) {
      sql += ", SUM(CASE WHEN at_ms >= ?" + std::to_string(p + 3) + " THEN " + expr + " ELSE 0 END)";
    }
  }
  sql += " FROM calls WHERE at_ms >= ?1 AND at_ms <= ?2";
  if (!provider.empty()) sql += " AND provider = ?" + std::to_string(since_ms.size() + 3);
  sql += " GROUP BY provider, model ORDER BY provider, model";

  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* s = stmt.value().get();
  sqlite3_bind_int64(s, 1, *std::min_element(since_ms.begin(), since_ms.end()));
  sqlite3_bind_int64(s, 2, until_ms);
  for (size_t p = 0; p < since_ms.size(); ++p) {
    sqlite3_bind_int64(s, static_cast<int>(p + 3), since_ms[p]);
  }
  if (!provider.empty()) {
    sqlite3_bind_text(s, static_cast<int>(since_ms.size() + 3), provider.c_str(), -1,
                      SQLITE_TRANSIENT);
  }
  std::vector<ModelPeriods> rows;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    ModelPeriods row;
    row.provider = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    row.model = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    int col = 2;
    for (size_t p = 0; p < since_ms.size(); ++p) {
      Totals t;
      for (int64_t* field : {&t.calls, &t.failures, &t.invalid, &t.input_tokens, &t.output_tokens,
                             &t.cache_read_tokens, &t.cache_write_tokens, &t.cost_micros}) {
        *field = sqlite3_column_int64(s, col++);
      }
      row.periods.push_back(t);
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": sum");
  return rows;
}

Result<std::vector<ModelActivity>> Ledger::Activity() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT provider, model, COUNT(*), SUM(outcome = 'failed'), MIN(at_ms), MAX(at_ms)"
      " FROM calls GROUP BY provider, model ORDER BY provider, model");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* s = stmt.value().get();
  std::vector<ModelActivity> rows;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    rows.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                    reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                    sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5)});
  }
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": activity");
  return rows;
}

Result<int64_t> Ledger::CountRecords() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare("SELECT COUNT(*) FROM calls");
  if (!stmt.ok()) return stmt.status();
  const int rc = sqlite3_step(stmt.value().get());
  if (rc != SQLITE_ROW) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": count");
  return sqlite3_column_int64(stmt.value().get(), 0);
}

}  // namespace router::ledger
