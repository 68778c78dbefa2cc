#include "connection.h"

#include <string>
#include <vector>

namespace router::ledger {
namespace {

constexpr const char* kEventColumns =
    "SELECT id, at_ms, kind, provider, window, payload, undone FROM events";

Event ReadEvent(sqlite3_stmt* q) {
  Event e;
  e.id = sqlite3_column_int64(q, 0);
  e.at_ms = sqlite3_column_int64(q, 1);
  e.kind = ColumnText(q, 2);
  e.provider = ColumnText(q, 3);
  e.window = ColumnText(q, 4);
  e.payload = ColumnText(q, 5);
  e.undone = sqlite3_column_int(q, 6) != 0;
  return e;
}

}  // namespace

Result<int64_t> Ledger::Impl::InsertEvent(const Event& event, const std::string& dedupe_key) {
  auto stmt = Prepare(
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
  ROUTER_RETURN_IF_ERROR(StepDone(q, "event"));
  return sqlite3_changes(db.get()) == 0 ? int64_t{0} : sqlite3_last_insert_rowid(db.get());
}

Result<int64_t> Ledger::AppendEvent(const Event& event, const std::string& dedupe_key) {
  MutexLock lock(&impl_->mu);
  return impl_->InsertEvent(event, dedupe_key);
}

Result<int64_t> Ledger::AppendEventAfter(
    const std::string& kind, const std::function<Event(const std::vector<Event>&)>& make) {
  MutexLock lock(&impl_->mu);
  int64_t id = 0;
  ROUTER_RETURN_IF_ERROR(impl_->InTransaction("event", [&]() REQUIRES(impl_->mu) {
    auto stmt = impl_->Prepare(std::string(kEventColumns) + " WHERE kind = ?1 ORDER BY at_ms, id");
    if (!stmt.ok()) return stmt.status();
    BindText(stmt.value().get(), 1, kind);
    auto history = impl_->ReadRows<Event>(stmt.value().get(), "events", ReadEvent);
    if (!history.ok()) return history.status();
    auto inserted = impl_->InsertEvent(make(history.value()), "");
    if (!inserted.ok()) return inserted.status();
    id = inserted.value();
    return Status::Ok();
  }));
  return id;
}

Result<std::vector<Event>> Ledger::Events(const std::string& kind, const std::string& provider,
                                          int64_t since_ms) const {
  std::string sql = std::string(kEventColumns) + " WHERE at_ms >= ?1";
  if (!kind.empty()) sql += " AND kind = ?2";
  if (!provider.empty()) sql += " AND provider = ?3";
  sql += " ORDER BY at_ms, id";
  MutexLock lock(&impl_->mu);
  auto stmt = impl_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* q = stmt.value().get();
  sqlite3_bind_int64(q, 1, since_ms);
  if (!kind.empty()) sqlite3_bind_text(q, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
  if (!provider.empty()) sqlite3_bind_text(q, 3, provider.c_str(), -1, SQLITE_TRANSIENT);
  return impl_->ReadRows<Event>(q, "events", ReadEvent);
}

Result<Undo> Ledger::UndoLatest(const std::function<Event(const Event& undone)>& make_undo) {
  MutexLock lock(&impl_->mu);
  Undo undo;
  ROUTER_RETURN_IF_ERROR(impl_->InTransaction("undo", [&]() REQUIRES(impl_->mu) {
    auto stmt = impl_->Prepare(std::string(kEventColumns) +
                               " WHERE undone = 0 AND kind IN ('set-usage', 'reset', 'mode')"
                               " ORDER BY id DESC LIMIT 1");
    if (!stmt.ok()) return stmt.status();
    auto last = impl_->ReadRows<Event>(stmt.value().get(), "events", ReadEvent);
    if (!last.ok()) return last.status();
    if (last->empty()) {
      return Status::NotFound("nothing to undo: no set-usage, reset or mode change is recorded");
    }
    undo.undone = last->front();
    ROUTER_RETURN_IF_ERROR(impl_->MarkUndone(undo.undone.id));
    auto id = impl_->InsertEvent(make_undo(undo.undone), "");
    if (!id.ok()) return id.status();
    undo.undo_event_id = id.value();
    return Status::Ok();
  }));
  return undo;
}

Status Ledger::Impl::MarkUndone(int64_t event_id) {
  auto stmt = Prepare("UPDATE events SET undone = 1 WHERE id = ?1 AND undone = 0");
  if (!stmt.ok()) return stmt.status();
  sqlite3_bind_int64(stmt.value().get(), 1, event_id);
  ROUTER_RETURN_IF_ERROR(StepDone(stmt.value().get(), "undo"));
  if (sqlite3_changes(db.get()) == 0) {
    return Status::NotFound("no event " + std::to_string(event_id) +
                            " that is not undone yet in the ledger");
  }
  return Status::Ok();
}

Status Ledger::MarkUndone(int64_t event_id) {
  MutexLock lock(&impl_->mu);
  return impl_->MarkUndone(event_id);
}

Status Ledger::RewriteEvents(const std::vector<EventRewrite>& rewrites) {
  MutexLock lock(&impl_->mu);
  return impl_->InTransaction("event", [&]() REQUIRES(impl_->mu) {
    auto stmt = impl_->Prepare("UPDATE events SET at_ms = ?2, payload = ?3 WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* q = stmt.value().get();
    for (const auto& r : rewrites) {
      sqlite3_reset(q);
      sqlite3_bind_int64(q, 1, r.event_id);
      sqlite3_bind_int64(q, 2, r.at_ms);
      sqlite3_bind_text(q, 3, r.payload.c_str(), -1, SQLITE_TRANSIENT);
      ROUTER_RETURN_IF_ERROR(impl_->StepDone(q, "event"));
      if (sqlite3_changes(impl_->db.get()) == 0) {
        return Status::NotFound("no event " + std::to_string(r.event_id) + " in the ledger");
      }
    }
    return Status::Ok();
  });
}

}  // namespace router::ledger
