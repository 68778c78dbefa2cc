#include "connection.h"

#include <cerrno>
#include <cstring>

namespace router::ledger {

int64_t FloorTo(int64_t value, int64_t step) {
  const int64_t q = value / step;
  return (q * step > value ? q - 1 : q) * step;
}

void BindText(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

std::string ColumnText(sqlite3_stmt* q, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(q, col));
  return text != nullptr ? text : "";
}

Status ClassifySqliteError(int rc, int sys_errno, const std::string& what,
                           const std::string& detail) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable(what + ": database is busy (" + detail +
                               "); another process holds it locked, trying again may work");
  }
  if (primary == SQLITE_CONSTRAINT) return Status::InvalidArgument(what + ": " + detail);
  if (primary == SQLITE_FULL || sys_errno == ENOSPC || sys_errno == EDQUOT) {
    return Status::NoSpace(what + ": disk full (" + detail +
                           "); free some space, the ledger is intact");
  }
  if (primary == SQLITE_READONLY || primary == SQLITE_PERM || sys_errno == EACCES ||
      sys_errno == EPERM || sys_errno == EROFS) {
    return Status::PermissionDenied(what + ": permission denied (" + detail +
                                    "); make the file and its folder writable by this user, or "
                                    "set ledger.path");
  }
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
    return Status::Corruption(what + ": the file is damaged or not a ledger (" + detail +
                              "); it was left untouched: move it aside or set ledger.path");
  }
  const std::string os = sys_errno != 0 ? std::string(", ") + std::strerror(sys_errno) : "";
  return Status::Io(what + ": " + detail + os);
}

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return ClassifySqliteError(rc, db != nullptr ? sqlite3_system_errno(db) : 0, what, detail);
}

Status Ledger::Impl::Error(int rc, const std::string& what) const {
  return SqliteError(db.get(), rc, "ledger " + path + ": " + what);
}

Status Ledger::Impl::Exec(const char* sql, const std::string& what) const {
  char* err = nullptr;
  const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  return rc == SQLITE_OK ? Status::Ok() : SqliteError(db.get(), rc, what);
}

Result<StmtPtr> Ledger::Impl::Prepare(const std::string& sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, "ledger " + path);
  return StmtPtr(stmt);
}

// A cached statement's error names the step ("append: begin") but not the file, as it always has.
Status Ledger::Impl::Step(sqlite3_stmt* stmt, const char* what) const {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? Status::Ok()
                           : SqliteError(db.get(), rc, std::string("ledger ") + what);
}

Status Ledger::Impl::StepRow(sqlite3_stmt* q, const char* what) const {
  const int rc = sqlite3_step(q);
  return rc == SQLITE_ROW ? Status::Ok() : Error(rc, what);
}

Status Ledger::Impl::StepDone(sqlite3_stmt* q, const char* what) const {
  const int rc = sqlite3_step(q);
  return rc == SQLITE_DONE ? Status::Ok() : Error(rc, what);
}

Status Ledger::Impl::InTransaction(const char* what, const std::function<Status()>& body) {
  const std::string step(what);
  ROUTER_RETURN_IF_ERROR(Step(begin.get(), (step + ": begin").c_str()));
  Status st = body();
  if (st.ok()) st = Step(commit.get(), (step + ": commit").c_str());
  if (!st.ok()) (void)Step(rollback.get(), (step + ": rollback").c_str());
  return st;
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

const std::string& Ledger::path() const { return impl_->path; }

}  // namespace router::ledger
