#include "router/ledger/writer.h"

#include <algorithm>
#include <chrono>

namespace router::ledger {
namespace {
constexpr size_t kMaxBatch = 4096;
constexpr int64_t kMaxBackoffMs = 2000;
constexpr int64_t kShutdownDrainMs = 5000;
}  // namespace

AsyncWriter::AsyncWriter(Opener open) : open_(std::move(open)), thread_([this] { Run(); }) {}

AsyncWriter::~AsyncWriter() {
  (void)Flush(kShutdownDrainMs);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AsyncWriter::Enqueue(UsageRecord record) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(record));
    ++enqueued_;
  }
  wake_.notify_one();
}

Status AsyncWriter::Flush(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = enqueued_;
  const bool done = progress_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                       [&] { return settled_ >= target; });
  if (done) return Status::Ok();
  if (!last_error_.ok()) return last_error_;
  return Status::Unavailable("ledger write still in progress after " + std::to_string(timeout_ms) +
                             " ms");
}

std::vector<std::string> AsyncWriter::TakeWarnings() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

size_t AsyncWriter::Pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

// Writes `batch` and returns how many of its leading records are settled (committed, or dropped
// because the schema refuses them) plus the error that stopped it, if any.
std::pair<size_t, Status> AsyncWriter::WriteBatch(const std::vector<UsageRecord>& batch,
                                                  std::vector<std::string>& dropped) {
  if (!ledger_) {
    auto opened = open_();
    if (!opened.ok()) return {0, opened.status()};
    ledger_ = std::move(opened).value();
  }
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

void AsyncWriter::Run() {
  int64_t backoff_ms = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (backoff_ms > 0) {
      wake_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [&] { return stopping_; });
    } else {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    }
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    if (stopping_ && backoff_ms > 0) return;  // the destructor's drain already gave up
    const size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<UsageRecord> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();

    std::vector<std::string> dropped;
    auto [settled, st] = WriteBatch(batch, dropped);
    if (!st.ok() && st.code() != Status::Code::kUnavailable) ledger_.reset();  // reopen next time

    lock.lock();
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(settled));
    settled_ += settled;
    warnings_.insert(warnings_.end(), dropped.begin(), dropped.end());
    if (st.ok()) {
      backoff_ms = 0;
    } else {
      if (last_error_.message() != st.message()) {
        warnings_.push_back("usage not yet recorded (" + std::to_string(queue_.size()) +
                            " queued, will retry): " + st.message());
      }
      backoff_ms = std::min(kMaxBackoffMs, std::max<int64_t>(50, backoff_ms * 2));
    }
    last_error_ = st;
    progress_.notify_all();
  }
}

}  // namespace router::ledger
