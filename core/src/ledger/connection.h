#pragma once
// Internal to the ledger: the one SQLite connection every Ledger call goes through, and the
// helpers the subject files share. The Ledger's calls are defined by subject: schema.cc (open and
// migrations), usage.cc (calls and their sums), events.cc (user actions and notes) and
// decisions.cc (routing decisions and calibration).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "router/base/mutex.h"
#include "router/base/status.h"
#include "router/base/thread_annotations.h"
#include "router/ledger/ledger.h"

namespace router::ledger {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

constexpr int64_t kHourMs = 3'600'000;

// The largest multiple of `step` not above `value` (also for negative values).
int64_t FloorTo(int64_t value, int64_t step);

// Binds the whole string, embedded NULs included; SQLite copies it.
void BindText(sqlite3_stmt* stmt, int index, const std::string& value);
// Column `col` of the current row as text; "" for NULL.
std::string ColumnText(sqlite3_stmt* q, int col);

// A SQLite result code (and the OS errno behind it, 0 when unknown) as a Status whose code and
// advice say what is wrong: busy or locked is kUnavailable (worth retrying), a constraint
// kInvalidArgument (the record can never be stored), a read-only file or folder
// kPermissionDenied, a full disk kNoSpace, a damaged file kCorruption (the only one that advises
// moving the file aside), anything else kIo. `detail` is SQLite's message.
Status ClassifySqliteError(int rc, int sys_errno, const std::string& what,
                           const std::string& detail);
// ClassifySqliteError with the message and errno of `db`, which may be null.
Status SqliteError(sqlite3* db, int rc, const std::string& what);

struct Ledger::Impl {
  explicit Impl(std::string file) : path(std::move(file)) {}

  const std::string path;  // fixed at open, so read without mu
  // The file's identity when it was opened (set once by Open before the Ledger is shared, so read
  // without mu); FileReplaced compares it with what the path names now.
  bool has_identity = false;
  uint64_t device = 0;
  uint64_t inode = 0;

  // Serializes every use of the connection: an AppendBatch transaction must not interleave with
  // another call's statements, and the cached statements below are shared by all calls.
  mutable Mutex mu;
  DbPtr db GUARDED_BY(mu);
  // Prepared once at open, since appending runs them for every batch (usage.cc, rollups.cc).
  StmtPtr insert GUARDED_BY(mu);
  StmtPtr add_to_hour GUARDED_BY(mu);
  StmtPtr add_user_hour GUARDED_BY(mu);
  StmtPtr user_hour_near GUARDED_BY(mu);
  StmtPtr add_to_consumer GUARDED_BY(mu);
  StmtPtr begin GUARDED_BY(mu);
  StmtPtr commit GUARDED_BY(mu);
  StmtPtr rollback GUARDED_BY(mu);

  // ---- Statements (connection.cc) ----

  // SqliteError for this connection, as "ledger <path>: <what>: ...".
  Status Error(int rc, const std::string& what) const REQUIRES(mu);
  // Runs `sql` (one or more statements, no results).
  Status Exec(const char* sql, const std::string& what) const REQUIRES(mu);
  // Prepares one statement; the caller owns it and uses it with mu still held.
  Result<StmtPtr> Prepare(const std::string& sql) const REQUIRES(mu);
  // Runs a cached no-result statement (BEGIN/COMMIT/ROLLBACK) and resets it.
  Status Step(sqlite3_stmt* stmt, const char* what) const REQUIRES(mu);
  // Steps `q` once and expects a row (SQLITE_ROW) / the end (SQLITE_DONE).
  Status StepRow(sqlite3_stmt* q, const char* what) const REQUIRES(mu);
  Status StepDone(sqlite3_stmt* q, const char* what) const REQUIRES(mu);

  // Runs `body` in an immediate transaction: commits when it returns Ok, else rolls back and
  // returns its error. Immediate, so a read inside `body` and the writes that depend on it cannot
  // interleave with another connection's writes.
  Status InTransaction(const char* what, const std::function<Status()>& body) REQUIRES(mu);

  // Steps `q` to its end and returns read(q) for each row, in order.
  template <typename Row, typename Read>
  Result<std::vector<Row>> ReadRows(sqlite3_stmt* q, const char* what, Read read) const
      REQUIRES(mu) {
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) rows.push_back(read(q));
    if (rc != SQLITE_DONE) return Error(rc, what);
    return rows;
  }

  // ---- Schema (schema.cc) ----

  // Opens the file with the given busy timeout.
  Status Connect(int busy_timeout_ms) REQUIRES(mu);
  // Checks the file's schema version, sets the pragmas and migrates it to kSchemaVersion.
  Status Upgrade() REQUIRES(mu);
  Result<int> UserVersion() const REQUIRES(mu);
  Status Migrate() REQUIRES(mu);

  // ---- Events (events.cc) ----

  // Inserts an event (see Ledger::AppendEvent) and returns its id, or 0 for a repeated key.
  Result<int64_t> InsertEvent(const Event& event, const std::string& dedupe_key) REQUIRES(mu);
  // Marks a not yet undone event undone; kNotFound when there is none with that id.
  Status MarkUndone(int64_t event_id) REQUIRES(mu);

  // ---- Usage (usage.cc) ----

  // Prepares insert, begin, commit, rollback and the rollups' statements.
  Status PrepareAppend() REQUIRES(mu);
  // Inserts one call, inside the caller's transaction; AddRollups then adds the batch to the
  // rollups.
  Status Insert(const UsageRecord& record) REQUIRES(mu);

  // ---- Rollups (rollups.cc) ----

  Status PrepareRollups() REQUIRES(mu);
  // Adds a batch of inserted calls to usage_hourly, user_hours and consumer_daily.
  Status AddRollups(const std::vector<UsageRecord>& records) REQUIRES(mu);
  // Steps a cached statement that returns no row and resets it and its bindings.
  Status StepCached(sqlite3_stmt* s, const char* what) REQUIRES(mu);
  // Whether user_hours holds `hour_ms` or the hour before it.
  Result<bool> UserHourNear(int64_t hour_ms) REQUIRES(mu);
  // Whether any call has start_ms <= at_ms < end_ms (an index lookup).
  Result<bool> AnyCall(int64_t start_ms, int64_t end_ms) const REQUIRES(mu);
  // Adds the rows of a sums query (kRawSums or kHourlySums) for start_ms <= time < end_ms into
  // `out` by provider/model; `provider` filters when non-empty.
  Status SumInto(const char* sql, int64_t start_ms, int64_t end_ms, const std::string& provider,
                 std::map<std::pair<std::string, std::string>, Totals>& out) const REQUIRES(mu);
};

}  // namespace router::ledger
