#include "router/ledger/writer.h"

#include <algorithm>
#include <chrono>

#include "router/base/thread.h"

namespace router::ledger {
namespace {
constexpr int64_t kMaxBackoffMs = 2000;
// After the first record of a burst, the writer waits this long for more before committing, so a
// busy gateway pays one transaction (and one wake-up) per burst, not per call.
constexpr int64_t kLingerMs = 2;
constexpr int64_t kShutdownDrainMs = 5000;

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

AsyncWriter::AsyncWriter(Opener open, size_t max_queued)
    : open_(std::move(open)),
      max_queued_(std::max<size_t>(1, max_queued)),
      thread_([this] { Run(); }) {}

AsyncWriter::~AsyncWriter() {
  (void)Flush(kShutdownDrainMs);
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  thread_.join();
}

void AsyncWriter::Enqueue(UsageRecord record) {
  bool was_empty;
  {
    MutexLock lock(&mu_);
    // Only the first record of a run of drops waits, so a stuck writer costs the hook thread one
    // wait, not one per call.
    if (queue_.size() >= max_queued_ &&
        (dropping_ ||
         !room_.WaitFor(mu_, std::chrono::milliseconds(kEnqueueWaitMs),
                        [&]() REQUIRES(mu_) { return queue_.size() < max_queued_; }))) {
      ++dropped_;
      if (!dropping_) {
        warnings_.push_back("usage queue full (" + std::to_string(max_queued_) +
                            " records not yet written): dropping calls until the ledger catches "
                            "up; " +
                            std::to_string(dropped_) + " dropped so far");
        has_warnings_.store(true, std::memory_order_release);
      }
      dropping_ = true;
      return;
    }
    dropping_ = false;
    was_empty = queue_.empty();
    queue_.push_back(std::move(record));
    ++enqueued_;
  }
  // The writer sleeps only on an empty queue; otherwise it is busy or backing off and will see
  // the record anyway, so the caller skips the wake-up syscall.
  if (was_empty) wake_.NotifyOne();
}

void AsyncWriter::Post(Task task) {
  bool was_idle;
  {
    MutexLock lock(&mu_);
    if (tasks_.size() >= max_queued_) {  // never waits: a lost cooldown only delays a skip
      ++dropped_;
      return;
    }
    was_idle = queue_.empty() && tasks_.empty();
    tasks_.push_back(std::move(task));
    ++enqueued_;
  }
  if (was_idle) wake_.NotifyOne();
}

Status AsyncWriter::Flush(int64_t timeout_ms) {
  MutexLock lock(&mu_);
  const uint64_t target = enqueued_;
  ++flush_waiters_;
  wake_.NotifyAll();  // cut the writer's linger short
  const bool done = progress_.WaitFor(mu_, std::chrono::milliseconds(timeout_ms),
                                      [&]() REQUIRES(mu_) { return settled_ >= target; });
  --flush_waiters_;
  if (done) return Status::Ok();
  if (!last_error_.ok()) return last_error_;
  return Status::Unavailable("ledger write still in progress after " + std::to_string(timeout_ms) +
                             " ms");
}

std::vector<std::string> AsyncWriter::TakeWarnings() {
  if (!has_warnings_.load(std::memory_order_acquire)) return {};  // the hook's common case
  MutexLock lock(&mu_);
  has_warnings_.store(false, std::memory_order_relaxed);
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

size_t AsyncWriter::Pending() const {
  MutexLock lock(&mu_);
  return queue_.size() + tasks_.size() + inflight_;
}

uint64_t AsyncWriter::Dropped() const {
  MutexLock lock(&mu_);
  return dropped_;
}

bool AsyncWriter::Healthy() const {
  MutexLock lock(&mu_);
  return last_error_.ok() &&
         (write_started_ms_ < 0 || SteadyNowMs() - write_started_ms_ < kStuckWriteMs);
}

// Writes `batch` and returns how many of its leading records are settled (committed, or dropped
// because the schema refuses them) plus the error that stopped it, if any.
std::pair<size_t, Status> AsyncWriter::WriteBatch(const std::vector<UsageRecord>& batch,
                                                  std::vector<std::string>& dropped) {
  // A deleted or replaced file would take the writes into an unlinked inode and report success.
  if (ledger_ && ledger_->FileReplaced()) ledger_.reset();
  if (!ledger_) {
    auto opened = open_();
    if (!opened.ok()) return {0, opened.status()};
    ledger_ = std::move(opened).value();
  }
  if (batch.empty()) return {0, Status::Ok()};  // only tasks this time
  Status st = ledger_->AppendBatch(batch);
  if (st.ok()) return {batch.size(), st};
  if (st.code() != Status::Code::kInvalidArgument) return {0, st};
  // Some record can never be stored: commit the others one by one and drop only the refused
  // ones, so one bad record cannot stall recording.
  for (size_t i = 0; i < batch.size(); ++i) {
    Status one = ledger_->Append(batch[i]);
    if (one.code() == Status::Code::kInvalidArgument) {
      dropped.push_back("dropped a record the ledger refuses (" + batch[i].provider + "/" +
                        batch[i].model + "): " + one.message());
    } else if (!one.ok()) {
      return {i, one};
    }
  }
  return {batch.size(), Status::Ok()};
}

void AsyncWriter::RunTasks(const std::vector<Task>& tasks, std::vector<std::string>& dropped) {
  for (const Task& task : tasks) {
    Status st = task(*ledger_);
    if (!st.ok()) dropped.push_back("dropped a queued ledger task: " + st.message());
  }
}

void AsyncWriter::Run() {
  (void)MarkBatchThread();  // each hook's hand-off wakes this thread; it must not preempt the hook
  std::vector<UsageRecord> inflight;  // taken from queue_ in O(1), written outside the lock
  std::vector<Task> tasks;            // taken from tasks_ likewise, run after the batch commits
  int64_t backoff_ms = 0;
  MutexLock lock(&mu_);
  for (;;) {
    if (backoff_ms > 0) {
      wake_.WaitFor(mu_, std::chrono::milliseconds(backoff_ms),
                    [&]() REQUIRES(mu_) { return stopping_; });
      if (stopping_) return;  // the destructor's drain already gave up on this error
    } else {
      wake_.Wait(mu_,
                 [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty() || !tasks_.empty(); });
      if (queue_.empty() && tasks_.empty()) return;  // stopping, and everything is settled
      wake_.WaitFor(mu_, std::chrono::milliseconds(kLingerMs),
                    [&]() REQUIRES(mu_) { return stopping_ || flush_waiters_ > 0; });
    }
    if (inflight.empty()) {
      inflight.swap(queue_);  // the hook's thread never waits on a copy
      room_.NotifyAll();
    }
    if (tasks.empty()) tasks.swap(tasks_);
    inflight_ = inflight.size() + tasks.size();
    write_started_ms_ = SteadyNowMs();
    mu_.Unlock();  // SQLite work happens outside the lock

    std::vector<std::string> dropped;
    auto [settled, st] = WriteBatch(inflight, dropped);
    if (!st.ok() && st.code() != Status::Code::kUnavailable) ledger_.reset();  // reopen next time
    inflight.erase(inflight.begin(), inflight.begin() + static_cast<std::ptrdiff_t>(settled));
    const size_t tasks_done = st.ok() ? tasks.size() : 0;
    if (st.ok()) RunTasks(tasks, dropped);
    if (st.ok()) tasks.clear();

    mu_.Lock();
    write_started_ms_ = -1;
    inflight_ = inflight.size() + tasks.size();
    settled_ += settled + tasks_done;
    warnings_.insert(warnings_.end(), dropped.begin(), dropped.end());
    if (st.ok()) {
      backoff_ms = 0;
    } else {
      if (last_error_.message() != st.message()) {
        warnings_.push_back("usage not yet recorded (" + std::to_string(inflight_ + queue_.size()) +
                            " queued, will retry): " + st.message());
      }
      backoff_ms = std::min(kMaxBackoffMs, std::max<int64_t>(50, backoff_ms * 2));
    }
    last_error_ = st;
    if (!warnings_.empty()) has_warnings_.store(true, std::memory_order_release);
    progress_.NotifyAll();
  }
}

}  // namespace router::ledger
