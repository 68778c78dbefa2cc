#include "connection.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace router::ledger {
namespace {

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
    // v4 (optimizer): config changes as events; per consumer (agent, cron job, trigger, model)
    // daily rollups and per-turn task classes, so a month of history sums in milliseconds; the
    // hours with user turns, so spending by heartbeats and cron while nobody talks shows as idle.
    R"sql(
CREATE TABLE events_v4 (
  id         INTEGER PRIMARY KEY,
  at_ms      INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('set-usage','reset','mode','undo','alert','api-snapshot','config-change')),
  provider   TEXT NOT NULL DEFAULT '',
  window     TEXT NOT NULL DEFAULT '',
  payload    TEXT NOT NULL DEFAULT '{}',
  undone     INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  dedupe_key TEXT UNIQUE
) STRICT;
INSERT INTO events_v4 SELECT id, at_ms, kind, provider, window, payload, undone, dedupe_key FROM events;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE INDEX events_by_kind ON events (kind, provider, window, at_ms);

CREATE TABLE user_hours (hour_ms INTEGER PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO user_hours SELECT DISTINCT (at_ms / 3600000) * 3600000 FROM calls WHERE trigger = 'user';

CREATE TABLE consumer_daily (
  agent_id           TEXT NOT NULL,
  cron_job_id        TEXT NOT NULL,
  trigger            TEXT NOT NULL,
  provider           TEXT NOT NULL,
  model              TEXT NOT NULL,
  day_ms             INTEGER NOT NULL,
  calls              INTEGER NOT NULL,
  failures           INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_micros        INTEGER NOT NULL,
  idle_cost_micros   INTEGER NOT NULL,
  first_ms           INTEGER NOT NULL,
  last_ms            INTEGER NOT NULL,
  -- Day first: range reads use the key, and no second index slows each insert.
  PRIMARY KEY (day_ms, agent_id, cron_job_id, trigger, provider, model)
) STRICT, WITHOUT ROWID;
INSERT INTO consumer_daily (agent_id, cron_job_id, trigger, provider, model, day_ms, calls,
  failures, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,
  idle_cost_micros, first_ms, last_ms)
SELECT agent_id, cron_job_id, trigger, provider, model, (at_ms / 86400000) * 86400000, COUNT(*),
  SUM(outcome = 'failed'), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),
  SUM(cache_write_tokens), SUM(cost_micros),
  SUM(CASE WHEN trigger <> 'user' AND NOT EXISTS (SELECT 1 FROM user_hours u WHERE u.hour_ms
      IN ((at_ms / 3600000) * 3600000, (at_ms / 3600000) * 3600000 - 3600000))
      THEN cost_micros ELSE 0 END),
  MIN(at_ms), MAX(at_ms)
FROM calls GROUP BY 1, 2, 3, 4, 5, 6;

-- A non-user call is idle when no user call came in its clock hour or the one before.
CREATE TRIGGER calls_consumer_rollup AFTER INSERT ON calls BEGIN
  INSERT OR IGNORE INTO user_hours SELECT (NEW.at_ms / 3600000) * 3600000 WHERE NEW.trigger = 'user';
  INSERT INTO consumer_daily (agent_id, cron_job_id, trigger, provider, model, day_ms, calls,
    failures, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_micros,
    idle_cost_micros, first_ms, last_ms)
  VALUES (NEW.agent_id, NEW.cron_job_id, NEW.trigger, NEW.provider,
    NEW.model, (NEW.at_ms / 86400000) * 86400000, 1, NEW.outcome = 'failed', NEW.input_tokens,
    NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens, NEW.cost_micros,
    CASE WHEN NEW.trigger <> 'user' AND NOT EXISTS (SELECT 1 FROM user_hours WHERE hour_ms
      IN ((NEW.at_ms / 3600000) * 3600000, (NEW.at_ms / 3600000) * 3600000 - 3600000))
      THEN NEW.cost_micros ELSE 0 END,
    NEW.at_ms, NEW.at_ms)
  ON CONFLICT DO UPDATE SET calls = calls + 1, failures = failures + excluded.failures,
    input_tokens = input_tokens + excluded.input_tokens,
    output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
    cost_micros = cost_micros + excluded.cost_micros,
    idle_cost_micros = idle_cost_micros + excluded.idle_cost_micros,
    first_ms = MIN(first_ms, excluded.first_ms), last_ms = MAX(last_ms, excluded.last_ms);
END;

-- Task classes per consumer and day: only the class of a prompt is kept, never its text.
CREATE TABLE class_daily (
  agent_id    TEXT NOT NULL,
  cron_job_id TEXT NOT NULL,
  trigger     TEXT NOT NULL,
  task_class  TEXT NOT NULL,
  day_ms      INTEGER NOT NULL,
  turns       INTEGER NOT NULL,
  PRIMARY KEY (agent_id, cron_job_id, trigger, task_class, day_ms)
) STRICT, WITHOUT ROWID;
INSERT INTO class_daily
SELECT agent_id, '', trigger, task_class, (at_ms / 86400000) * 86400000, COUNT(*) FROM decisions
WHERE task_class <> '' GROUP BY 1, 2, 3, 4, 5;
-- Routed turns log a decision (without the job id); unrouted ones are noted by the hook.
CREATE TRIGGER decisions_class_rollup AFTER INSERT ON decisions WHEN NEW.task_class <> '' BEGIN
  INSERT INTO class_daily VALUES (NEW.agent_id, '', NEW.trigger, NEW.task_class,
    (NEW.at_ms / 86400000) * 86400000, 1)
  ON CONFLICT DO UPDATE SET turns = turns + 1;
END;
)sql",
    // v5: cooldowns of failing models (model '*' = the whole provider), so a gateway restart
    // keeps skipping them; a success is read from calls, so it needs no write here.
    R"sql(
CREATE TABLE cooldowns (
  provider     TEXT NOT NULL,
  model        TEXT NOT NULL,
  failed_at_ms INTEGER NOT NULL,
  until_ms     INTEGER NOT NULL,
  streak       INTEGER NOT NULL CHECK (streak >= 1),
  kind         TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (provider, model)
) STRICT;
)sql",
    // v6: calls roll up into consumer_daily and user_hours from the appending code (rollups.cc),
    // summed per batch; a per-row trigger cut batched appends to a quarter of their speed.
    R"sql(
DROP TRIGGER calls_consumer_rollup;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// SQLite creates the file but not its folder.
Status CreateFolderFor(const std::string& path) {
  if (path == ":memory:") return Status::Ok();
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::Io("ledger " + path + ": cannot create folder: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("ledger path is empty");
  ROUTER_RETURN_IF_ERROR(CreateFolderFor(options.path));
  auto impl = std::make_unique<Impl>(options.path);
  {
    // No other thread can see `impl` yet; the lock costs nothing and lets the analysis check
    // that everything below touches the connection as every later call does.
    MutexLock lock(&impl->mu);
    ROUTER_RETURN_IF_ERROR(impl->Connect(options.busy_timeout_ms));
    ROUTER_RETURN_IF_ERROR(impl->Upgrade());
    ROUTER_RETURN_IF_ERROR(impl->PrepareAppend());
  }
  struct stat st {};
  if (options.path != ":memory:" && ::stat(options.path.c_str(), &st) == 0) {
    impl->has_identity = true;
    impl->device = static_cast<uint64_t>(st.st_dev);
    impl->inode = static_cast<uint64_t>(st.st_ino);
  }
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

bool Ledger::FileReplaced() const {
  if (!impl_->has_identity) return false;
  struct stat st {};
  if (::stat(impl_->path.c_str(), &st) != 0) return true;  // deleted (or its folder is gone)
  return static_cast<uint64_t>(st.st_dev) != impl_->device ||
         static_cast<uint64_t>(st.st_ino) != impl_->inode;
}

Status Ledger::Impl::Connect(int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  db.reset(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "ledger " + path + ": cannot open");
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return Status::Ok();
}

Status Ledger::Impl::Upgrade() {
  // Read the version before changing anything, so a foreign or newer file stays untouched.
  auto version = UserVersion();
  if (!version.ok()) return version.status();  // SqliteError's code and advice say why
  if (version.value() > kSchemaVersion) {
    return Status::FailedPrecondition(
        "ledger " + path + " has schema version " + std::to_string(version.value()) +
        ", newer than this build's " + std::to_string(kSchemaVersion) +
        "; it was left untouched: upgrade openclaw-model-router");
  }
  ROUTER_RETURN_IF_ERROR(
      Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
           " PRAGMA foreign_keys=ON;",
           "ledger " + path));
  if (version.value() < kSchemaVersion) return Migrate();
  return Status::Ok();
}

Result<int> Ledger::Impl::UserVersion() const {
  auto stmt = Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  const int rc = sqlite3_step(stmt.value().get());
  if (rc != SQLITE_ROW) return SqliteError(db.get(), rc, "ledger " + path);
  return sqlite3_column_int(stmt.value().get(), 0);
}

Status Ledger::Impl::Migrate() {
  ROUTER_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "ledger " + path + ": migration"));
  auto version = UserVersion();  // re-read under the write lock: another process may have won
  Status st = version.status();
  for (int v = version.ok() ? version.value() : kSchemaVersion; st.ok() && v < kSchemaVersion;
       ++v) {
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

}  // namespace router::ledger
