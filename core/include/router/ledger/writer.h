#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "router/base/mutex.h"
#include "router/base/status.h"
#include "router/base/thread_annotations.h"
#include "router/ledger/ledger.h"

namespace router::ledger {

// Appends records on a background thread so callers (OpenClaw's hook thread) never wait on
// SQLite. Everything queued while a write runs is committed together in the next transaction. A
// failed write keeps the records queued and retries with backoff, so a busy or briefly unavailable
// file loses nothing while the process lives; a record the schema refuses is dropped with a warning
// instead of blocking the ones behind it. Before each write the writer checks that the file is
// still the one it opened, and reopens the path when it was deleted or replaced.
//
// The queue is bounded (max_queued records, kDefaultMaxQueued by default, waiting behind the batch
// being written, itself at most max_queued, so at most 2 x max_queued are held): when it is full,
// Enqueue waits up to kEnqueueWaitMs for the writer to make room, then drops the record, counts it
// (Dropped) and warns once per run of drops. A full queue means the file has been unwritable for a
// while or a burst outruns the disk; the bound also caps what a hard kill (SIGKILL) can lose.
// Thread-safe.
class AsyncWriter {
 public:
  using Opener = std::function<Result<std::shared_ptr<Ledger>>()>;
  // Work other than usage that the hook thread must not wait for (a failure's cooldown): it runs
  // on the writer thread, on its connection, after the records queued with it are committed.
  using Task = std::function<Status(Ledger&)>;

  static constexpr size_t kDefaultMaxQueued = 20'000;
  static constexpr int64_t kEnqueueWaitMs = 100;
  static constexpr int64_t kStuckWriteMs = 50;

  // `open` runs on the writer thread at the first write (and again after it fails).
  explicit AsyncWriter(Opener open, size_t max_queued = kDefaultMaxQueued);
  // Drains the queue (waiting at most a few seconds if the file stays unwritable), then joins.
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  // Queues a record; returns immediately unless the queue is full (see above).
  void Enqueue(UsageRecord record) EXCLUDES(mu_);
  // Queues a task under the same bound; one that fails is dropped with a warning (not retried).
  void Post(Task task) EXCLUDES(mu_);
  // Waits until everything queued before this call is committed, or `timeout_ms` passes.
  // Returns the last write error when it gave up.
  [[nodiscard]] Status Flush(int64_t timeout_ms) EXCLUDES(mu_);
  // Write problems seen since the last call, oldest first (each distinct message once).
  std::vector<std::string> TakeWarnings() EXCLUDES(mu_);
  // Records queued but not yet committed.
  size_t Pending() const EXCLUDES(mu_);
  // Records dropped because the queue was full, since construction.
  uint64_t Dropped() const EXCLUDES(mu_);
  // False while the last write attempt failed (the file is locked, read-only, full, ...) or the
  // current one has run for more than kStuckWriteMs (e.g. waiting on another process's lock):
  // then a Flush would only wait for a retry, so callers should not wait on it.
  bool Healthy() const EXCLUDES(mu_);

 private:
  // The writer thread's loop. It holds mu_ except while WriteBatch runs, so callers never wait
  // on SQLite.
  void Run() EXCLUDES(mu_);
  std::pair<size_t, Status> WriteBatch(const std::vector<UsageRecord>& batch,
                                       std::vector<std::string>& dropped) EXCLUDES(mu_);
  // Runs `tasks` on the open connection; each failure becomes a line in `dropped`.
  void RunTasks(const std::vector<Task>& tasks, std::vector<std::string>& dropped) EXCLUDES(mu_);

  const Opener open_;
  const size_t max_queued_;
  std::shared_ptr<Ledger> ledger_;  // only touched by the writer thread, so not guarded
  mutable Mutex mu_;
  CondVar wake_;      // new work or stop
  CondVar progress_;  // a batch committed or failed
  CondVar room_;      // the writer took the queue, so Enqueue may add to it again
  std::vector<UsageRecord> queue_ GUARDED_BY(mu_);
  std::vector<Task> tasks_ GUARDED_BY(mu_);
  size_t inflight_ GUARDED_BY(mu_) = 0;    // records taken by the writer thread, not yet settled
  uint64_t enqueued_ GUARDED_BY(mu_) = 0;  // records ever queued
  uint64_t settled_ GUARDED_BY(mu_) = 0;   // records ever committed, or dropped as unstorable
  uint64_t dropped_ GUARDED_BY(mu_) = 0;   // records refused because the queue was full
  bool dropping_ GUARDED_BY(mu_) = false;  // the last Enqueue dropped (warn once per run)
  int64_t write_started_ms_ GUARDED_BY(mu_) = -1;  // steady clock; -1 while no write runs
  Status last_error_ GUARDED_BY(mu_);
  std::vector<std::string> warnings_ GUARDED_BY(mu_);
  std::atomic<bool> has_warnings_{false};  // lets TakeWarnings skip the lock when there are none
  int flush_waiters_ GUARDED_BY(mu_) = 0;  // callers blocked in Flush: the writer skips its linger
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace router::ledger
