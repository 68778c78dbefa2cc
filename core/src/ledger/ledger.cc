#include "router/ledger/ledger.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>
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

// Index i holds the statements that take a file from schema version i to i + 1. Never edit a
// shipped entry: files in the field were made by it.
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
    // v2: more cost sources (a CHECK change, so the table is rebuilt), requests and messages per
    // call, hourly rollups so window sums stay fast on millions of rows, and user events.
    R"sql(
CREATE TABLE calls_v2 (
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
  cost_source        TEXT NOT NULL CHECK (cost_source IN ('openclaw','override','config','table','none')),
  outcome            TEXT NOT NULL CHECK (outcome IN ('ok','failed','invalid')),
  note               TEXT NOT NULL DEFAULT '',
  model_calls        INTEGER NOT NULL DEFAULT 1 CHECK (model_calls >= 0),
  counts_as_message  INTEGER NOT NULL DEFAULT 0 CHECK (counts_as_message IN (0, 1))
) STRICT;
INSERT INTO calls_v2 (id, at_ms, provider, model, resolved_ref, agent_id, session_key, run_id,
  trigger, cron_job_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
  cost_micros, cost_source, outcome, note, model_calls, counts_as_message)
SELECT id, at_ms, provider, model, resolved_ref, agent_id, session_key, run_id, trigger,
  cron_job_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,
  cost_source, outcome, note, 1,
  id IN (SELECT MIN(id) FROM calls WHERE trigger = 'user' AND outcome = 'ok' GROUP BY run_id)
FROM calls;
DROP TABLE calls;
ALTER TABLE calls_v2 RENAME TO calls;
CREATE INDEX calls_by_time ON calls (at_ms);
CREATE INDEX calls_by_provider_time ON calls (provider, at_ms);

CREATE TABLE usage_hourly (
  provider           TEXT NOT NULL,
  hour_ms            INTEGER NOT NULL,
  model              TEXT NOT NULL,
  calls              INTEGER NOT NULL,
  failures           INTEGER NOT NULL,
  invalid            INTEGER NOT NULL,
  messages           INTEGER NOT NULL,
  requests           INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_micros        INTEGER NOT NULL,
  PRIMARY KEY (provider, hour_ms, model)
) STRICT, WITHOUT ROWID;
CREATE INDEX usage_hourly_by_hour ON usage_hourly (hour_ms);
INSERT INTO usage_hourly
SELECT provider, (at_ms / 3600000) * 3600000, model, COUNT(*), SUM(outcome = 'failed'),
  SUM(outcome = 'invalid'), SUM(counts_as_message), SUM(model_calls), SUM(input_tokens),
  SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_micros)
FROM calls GROUP BY 1, 2, 3;

CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  at_ms      INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('set-usage','reset','mode','undo','alert','api-snapshot')),
  provider   TEXT NOT NULL DEFAULT '',
  window     TEXT NOT NULL DEFAULT '',
  payload    TEXT NOT NULL DEFAULT '{}',
  undone     INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  dedupe_key TEXT UNIQUE
) STRICT;
CREATE INDEX events_by_kind ON events (kind, provider, window, at_ms);
)sql",
    // v3: characters sent per call (chars-per-token calibration and context size per session and
    // agent) and routing decisions, joined to their calls by run_id.
    R"sql(
ALTER TABLE calls ADD COLUMN input_chars INTEGER NOT NULL DEFAULT 0 CHECK (input_chars >= 0);
CREATE INDEX calls_by_session_time ON calls (session_key, at_ms);
CREATE INDEX calls_by_agent_time ON calls (agent_id, at_ms);
CREATE INDEX calls_by_run ON calls (run_id) WHERE run_id <> '';
-- Calibration reads only calls that carry a size; older rows (0) stay out of this index.
CREATE INDEX calls_with_chars ON calls (provider, model, at_ms) WHERE input_chars > 0 AND outcome = 'ok';

CREATE TABLE decisions (
  id                         INTEGER PRIMARY KEY,
  at_ms                      INTEGER NOT NULL,
  run_id                     TEXT NOT NULL DEFAULT '',
  session_key                TEXT NOT NULL DEFAULT '',
  agent_id                   TEXT NOT NULL DEFAULT '',
  trigger                    TEXT NOT NULL DEFAULT '',
  requested_provider         TEXT NOT NULL DEFAULT '',
  requested_model            TEXT NOT NULL DEFAULT '',
  chosen_provider            TEXT NOT NULL DEFAULT '',
  chosen_model               TEXT NOT NULL DEFAULT '',
  task_class                 TEXT NOT NULL DEFAULT '',
  confidence                 REAL NOT NULL DEFAULT 0,
  reason                     TEXT NOT NULL DEFAULT '',
  est_cost_micros            INTEGER NOT NULL DEFAULT 0 CHECK (est_cost_micros >= 0),
  baseline_provider          TEXT NOT NULL DEFAULT '',
  baseline_model             TEXT NOT NULL DEFAULT '',
  baseline_input_per_m       INTEGER NOT NULL DEFAULT 0 CHECK (baseline_input_per_m >= 0),
  baseline_output_per_m      INTEGER NOT NULL DEFAULT 0 CHECK (baseline_output_per_m >= 0),
  baseline_cache_read_per_m  INTEGER NOT NULL DEFAULT 0 CHECK (baseline_cache_read_per_m >= 0),
  baseline_cache_write_per_m INTEGER NOT NULL DEFAULT 0 CHECK (baseline_cache_write_per_m >= 0),
  applied                    INTEGER NOT NULL DEFAULT 0 CHECK (applied IN (0, 1)),
  detail                     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX decisions_by_run ON decisions (run_id);
CREATE INDEX decisions_by_time ON decisions (at_ms);
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

constexpr int64_t kHourMs = 3'600'000;

void BindText(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

int64_t FloorTo(int64_t value, int64_t step) {
  const int64_t q = value / step;
  return (q * step > value ? q - 1 : q) * step;
}

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
  for (int64_t* field : {&t.calls, &t.failures, &t.invalid, &t.messages, &t.requests, &t.input_tokens,
                         &t.output_tokens, &t.cache_read_tokens, &t.cache_write_tokens, &t.cost_micros}) {
    *field = sqlite3_column_int64(q, col++);
  }
  return t;
}

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

const char* CostSourceName(CostSource source) {
  switch (source) {
    case CostSource::kOpenClaw: return "openclaw";
    case CostSource::kOverride: return "override";
    case CostSource::kConfig: return "config";
    case CostSource::kTable: return "table";
    case CostSource::kNone: return "none";
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

struct Ledger::Impl {
  std::string path;
  mutable std::mutex mu;
  DbPtr db;                // guarded by mu
  StmtPtr insert;          // guarded by mu
  StmtPtr rollup;          // guarded by mu
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
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) return SqliteError(db.get(), rc, "ledger " + path + ": append");

    sqlite3_stmt* u = rollup.get();
    sqlite3_bind_text(u, 1, r.provider.data(), static_cast<int>(r.provider.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 2, FloorTo(r.at_ms, kHourMs));
    sqlite3_bind_text(u, 3, r.model.data(), static_cast<int>(r.model.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(u, 4, r.outcome == Outcome::kFailed ? 1 : 0);
    sqlite3_bind_int(u, 5, r.outcome == Outcome::kInvalid ? 1 : 0);
    sqlite3_bind_int(u, 6, r.counts_as_message ? 1 : 0);
    sqlite3_bind_int64(u, 7, r.model_calls);
    sqlite3_bind_int64(u, 8, r.input_tokens);
    sqlite3_bind_int64(u, 9, r.output_tokens);
    sqlite3_bind_int64(u, 10, r.cache_read_tokens);
    sqlite3_bind_int64(u, 11, r.cache_write_tokens);
    sqlite3_bind_int64(u, 12, r.cost_micros);
    rc = sqlite3_step(u);
    sqlite3_reset(u);
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db.get(), rc, "ledger " + path + ": rollup");
  }

  // Sums rows of `sql` (provider, model, then the ten Totals columns) into `out` by pair.
  Status SumInto(const char* sql, int64_t start_ms, int64_t end_ms, const std::string& provider,
                 std::map<std::pair<std::string, std::string>, Totals>& out) const {
    auto stmt = Prepare(std::string(sql) + (provider.empty() ? "" : " AND provider = ?3") +
                        " GROUP BY provider, model");
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* q = stmt.value().get();
    sqlite3_bind_int64(q, 1, start_ms);
    sqlite3_bind_int64(q, 2, end_ms);
    if (!provider.empty()) {
      sqlite3_bind_text(q, 3, provider.data(), static_cast<int>(provider.size()), SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
      Add(out[{reinterpret_cast<const char*>(sqlite3_column_text(q, 0)),
               reinterpret_cast<const char*>(sqlite3_column_text(q, 1))}],
          ColumnTotals(q, 2));
    }
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db.get(), rc, "ledger " + path + ": sum");
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
      " cost_micros, cost_source, outcome, note, model_calls, counts_as_message, input_chars)"
      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  auto rollup = impl->Prepare(
      "INSERT INTO usage_hourly (provider, hour_ms, model, calls, failures, invalid, messages,"
      " requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros)"
      " VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT (provider, hour_ms, model) DO UPDATE SET calls = calls + 1,"
      " failures = failures + excluded.failures, invalid = invalid + excluded.invalid,"
      " messages = messages + excluded.messages, requests = requests + excluded.requests,"
      " input_tokens = input_tokens + excluded.input_tokens,"
      " output_tokens = output_tokens + excluded.output_tokens,"
      " cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"
      " cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"
      " cost_micros = cost_micros + excluded.cost_micros");
  auto begin = impl->Prepare("BEGIN IMMEDIATE");
  auto commit = impl->Prepare("COMMIT");
  auto rollback = impl->Prepare("ROLLBACK");
  for (const auto* st : {&insert, &rollup, &begin, &commit, &rollback}) {
    if (!st->ok()) return st->status();
  }
  impl->insert = std::move(insert).value();
  impl->rollup = std::move(rollup).value();
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

Result<std::vector<ModelTotals>> Ledger::SumRange(int64_t start_ms, int64_t end_ms,
                                                  const std::string& provider) const {
  std::map<std::pair<std::string, std::string>, Totals> sums;
  if (start_ms < end_ms) {
    // Whole hours from the rollups, the partial hours at either edge from the raw rows.
    const int64_t hours_from = -FloorTo(-start_ms, kHourMs);
    const int64_t hours_to = FloorTo(end_ms, kHourMs);
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (hours_from < hours_to) {
      ROUTER_RETURN_IF_ERROR(impl_->SumInto(kHourlySums, hours_from, hours_to, provider, sums));
      ROUTER_RETURN_IF_ERROR(impl_->SumInto(kRawSums, start_ms, hours_from, provider, sums));
      ROUTER_RETURN_IF_ERROR(impl_->SumInto(kRawSums, hours_to, end_ms, provider, sums));
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
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(
      "SELECT hour_ms, SUM(calls), SUM(failures), SUM(invalid), SUM(messages), SUM(requests),"
      " SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),"
      " SUM(cost_micros) FROM usage_hourly WHERE provider = ?1 AND hour_ms >= ?2 AND hour_ms < ?3"
      " GROUP BY hour_ms ORDER BY hour_ms");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_text(q, 1, provider.data(), static_cast<int>(provider.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(q, 2, since_ms);
  sqlite3_bind_int64(q, 3, until_ms);
  std::vector<HourTotals> hours;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    hours.push_back({sqlite3_column_int64(q, 0), ColumnTotals(q, 1)});
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": hourly");
  }
  return hours;
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
  for (auto& [key, periods] : by_pair) rows.push_back({key.first, key.second, std::move(periods)});
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

namespace {

Event ReadEvent(sqlite3_stmt* q) {
  Event e;
  e.id = sqlite3_column_int64(q, 0);
  e.at_ms = sqlite3_column_int64(q, 1);
  e.kind = reinterpret_cast<const char*>(sqlite3_column_text(q, 2));
  e.provider = reinterpret_cast<const char*>(sqlite3_column_text(q, 3));
  e.window = reinterpret_cast<const char*>(sqlite3_column_text(q, 4));
  e.payload = reinterpret_cast<const char*>(sqlite3_column_text(q, 5));
  e.undone = sqlite3_column_int(q, 6) != 0;
  return e;
}

constexpr const char* kEventColumns = "SELECT id, at_ms, kind, provider, window, payload, undone FROM events";

}  // namespace

Result<int64_t> Ledger::AppendEvent(const Event& event, const std::string& dedupe_key) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(
      "INSERT INTO events (at_ms, kind, provider, window, payload, undone, dedupe_key)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (dedupe_key) DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, event.at_ms);
  sqlite3_bind_text(q, 2, event.kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 3, event.provider.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 4, event.window.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 5, event.payload.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(q, 6, event.undone ? 1 : 0);
  if (dedupe_key.empty()) {
    sqlite3_bind_null(q, 7);
  } else {
    sqlite3_bind_text(q, 7, dedupe_key.c_str(), -1, SQLITE_TRANSIENT);
  }
  const int rc = sqlite3_step(q);
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": event");
  return sqlite3_changes(impl_->db.get()) == 0 ? int64_t{0}
                                               : sqlite3_last_insert_rowid(impl_->db.get());
}

Result<std::vector<Event>> Ledger::Events(const std::string& kind, const std::string& provider,
                                          int64_t since_ms) const {
  std::string sql = std::string(kEventColumns) + " WHERE at_ms >= ?1";
  if (!kind.empty()) sql += " AND kind = ?2";
  if (!provider.empty()) sql += " AND provider = ?3";
  sql += " ORDER BY at_ms, id";
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, since_ms);
  if (!kind.empty()) sqlite3_bind_text(q, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
  if (!provider.empty()) sqlite3_bind_text(q, 3, provider.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<Event> events;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) events.push_back(ReadEvent(q));
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": events");
  return events;
}

Result<std::vector<Event>> Ledger::LastUndoable() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(std::string(kEventColumns) +
                             " WHERE undone = 0 AND kind IN ('set-usage', 'reset', 'mode')"
                             " ORDER BY id DESC LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  std::vector<Event> events;
  int rc;
  while ((rc = sqlite3_step(stmt.value().get())) == SQLITE_ROW) {
    events.push_back(ReadEvent(stmt.value().get()));
  }
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": events");
  return events;
}

Status Ledger::MarkUndone(int64_t event_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare("UPDATE events SET undone = 1 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  sqlite3_bind_int64(stmt.value().get(), 1, event_id);
  const int rc = sqlite3_step(stmt.value().get());
  if (rc != SQLITE_DONE) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": undo");
  if (sqlite3_changes(impl_->db.get()) == 0) {
    return Status::NotFound("no event " + std::to_string(event_id) + " in the ledger");
  }
  return Status::Ok();
}

Result<int64_t> Ledger::CountRecords() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare("SELECT COUNT(*) FROM calls");
  if (!stmt.ok()) return stmt.status();
  const int rc = sqlite3_step(stmt.value().get());
  if (rc != SQLITE_ROW) return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": count");
  return sqlite3_column_int64(stmt.value().get(), 0);
}

namespace {

std::string ColumnText(sqlite3_stmt* q, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(q, col));
  return text != nullptr ? text : "";
}

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

}  // namespace

Result<int64_t> Ledger::AppendDecision(const DecisionRecord& d) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(std::string("INSERT INTO decisions (") + kDecisionColumns +
                             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                             "?17,?18,?19,?20,?21)");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
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
  const int rc = sqlite3_step(q);
  if (rc != SQLITE_DONE) {
    return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": decision");
  }
  return sqlite3_last_insert_rowid(impl_->db.get());
}

Result<std::vector<DecisionRecord>> Ledger::Decisions(int64_t since_ms, int limit) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto stmt = impl_->Prepare(std::string("SELECT ") + kDecisionColumns +
                             " FROM decisions WHERE at_ms >= ?1 ORDER BY at_ms DESC, id DESC"
                             " LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, since_ms);
  sqlite3_bind_int(q, 2, std::max(limit, 0));  // SQLite reads a negative LIMIT as "no limit"
  std::vector<DecisionRecord> rows;
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) rows.push_back(ReadDecision(q));
  if (rc != SQLITE_DONE) {
    return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": decisions");
  }
  return rows;
}

Result<std::vector<CharsPerToken>> Ledger::CharsPerTokenByModel(int64_t since_ms,
                                                               int per_model) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  // Each model's newest calls through calls_with_chars: the cost follows per_model, not the
  // ledger's size. The models come from the hourly rollups of the period.
  auto models = impl_->Prepare(
      "SELECT DISTINCT provider, model FROM usage_hourly WHERE hour_ms >= ?1 ORDER BY provider, model");
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
    const int sum_rc = sqlite3_step(q);
    if (sum_rc != SQLITE_ROW) {
      return SqliteError(impl_->db.get(), sum_rc, "ledger " + impl_->path + ": chars per token");
    }
    row.calls = sqlite3_column_int64(q, 0);
    row.chars = sqlite3_column_int64(q, 1);
    row.tokens = sqlite3_column_int64(q, 2);
    row.cache_read_tokens = sqlite3_column_int64(q, 3);
    if (row.calls > 0) rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": chars per token");
  }
  return rows;
}

Result<ContextChars> Ledger::ContextCharsFor(const std::string& session_key,
                                             const std::string& agent_id) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
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
      sqlite3_bind_text(q, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
  };
  key(1, session_key);
  key(2, agent_id);
  const int rc = sqlite3_step(q);
  if (rc != SQLITE_ROW) {
    return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": context chars");
  }
  return ContextChars{sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)};  // NULL reads 0
}

Result<std::vector<RoutingTotals>> Ledger::Routing(const std::vector<int64_t>& since_ms,
                                                   int64_t until_ms) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
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
      const int rc = sqlite3_step(q);
      if (rc != SQLITE_ROW) {
        return SqliteError(impl_->db.get(), rc, "ledger " + impl_->path + ": routing");
      }
    }
    const int64_t baseline =
        sqlite3_column_int64(r, 2) + (sqlite3_column_int64(r, 3) + 500'000) / 1'000'000;
    rows.push_back({sqlite3_column_int64(c, 0), sqlite3_column_int64(c, 1),
                    sqlite3_column_int64(r, 0), sqlite3_column_int64(r, 1), baseline});
  }
  return rows;
}

}  // namespace router::ledger
