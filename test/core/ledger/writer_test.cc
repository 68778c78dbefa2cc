#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "router/ledger/ledger.h"
#include "router/ledger/writer.h"

namespace fs = std::filesystem;
using router::Result;
using router::Status;
using router::ledger::AsyncWriter;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::UsageRecord;

namespace {

std::shared_ptr<Ledger> MemoryLedger() {
  auto opened = Ledger::Open(LedgerOptions{":memory:", 5000});
  REQUIRE(opened.ok());
  return std::shared_ptr<Ledger>(std::move(opened).value());
}

UsageRecord Rec(int64_t at_ms, const std::string& provider = "fakeai") {
  UsageRecord r;
  r.at_ms = at_ms;
  r.provider = provider;
  r.model = "fake-strong";
  r.trigger = "user";
  r.input_tokens = 10;
  r.output_tokens = 2;
  r.cost_micros = 3;
  r.cost_source = router::ledger::CostSource::kOpenClaw;
  return r;
}

int64_t Count(const Ledger& ledger) {
  auto count = ledger.CountRecords();
  REQUIRE(count.ok());
  return count.value();
}

// Polls `done` every few ms for up to `timeout_ms`.
template <typename F>
bool WaitFor(F done, int timeout_ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("AsyncWriter commits everything enqueued before Flush", "[ledger]") {
  auto ledger = MemoryLedger();
  std::atomic<int> opens{0};
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    ++opens;
    return ledger;
  });
  CHECK(writer.Flush(1000).ok());  // nothing queued
  constexpr int kRecords = 10000;
  for (int i = 0; i < kRecords; ++i) writer.Enqueue(Rec(i));
  REQUIRE(writer.Flush(30000).ok());
  CHECK(writer.Pending() == 0);
  CHECK(Count(*ledger) == kRecords);
  CHECK(opens.load() == 1);  // the connection is opened once and reused
  CHECK(writer.TakeWarnings().empty());

  // Sums prove the records themselves arrived, not just a count.
  auto sums = ledger->SumByModel({0}, kRecords, "fakeai");
  REQUIRE(sums.ok());
  REQUIRE(sums->size() == 1);
  CHECK(sums.value()[0].periods[0].input_tokens == 10 * kRecords);
}

TEST_CASE("AsyncWriter enqueues from many threads", "[ledger]") {
  auto ledger = MemoryLedger();
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> { return ledger; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < 1000; ++i) writer.Enqueue(Rec(i, "p" + std::to_string(t)));
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(writer.Flush(30000).ok());
  CHECK(Count(*ledger) == 4000);
}

TEST_CASE("AsyncWriter commits records queued together in one batch", "[ledger]") {
  auto ledger = MemoryLedger();
  std::mutex mu;
  std::condition_variable cv;
  bool opener_entered = false;
  bool release_opener = false;
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    std::unique_lock<std::mutex> lock(mu);
    opener_entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release_opener; });
    return ledger;
  });

  // The first record is taken as a batch of one; the writer then blocks in the opener.
  writer.Enqueue(Rec(0));
  {
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return opener_entered; }));
  }
  constexpr int kQueued = 1000;
  for (int i = 1; i <= kQueued; ++i) writer.Enqueue(Rec(i));
  CHECK(writer.Pending() == kQueued + 1);

  // Watch the committed count from another thread: with batching it goes 0 -> 1 -> 1001 and
  // never shows a partial batch.
  std::atomic<bool> stop{false};
  std::mutex seen_mu;
  std::set<int64_t> seen;
  std::thread watcher([&] {
    while (!stop.load()) {
      auto count = ledger->CountRecords();
      if (count.ok()) {
        std::lock_guard<std::mutex> lock(seen_mu);
        seen.insert(count.value());
      }
    }
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    release_opener = true;
  }
  cv.notify_all();
  const Status flushed = writer.Flush(30000);
  stop = true;
  watcher.join();
  REQUIRE(flushed.ok());
  CHECK(Count(*ledger) == kQueued + 1);
  std::lock_guard<std::mutex> lock(seen_mu);
  for (int64_t n : seen) {
    CHECK((n == 0 || n == 1 || n == kQueued + 1));
  }
}

TEST_CASE("AsyncWriter retries a failing opener, warns once, and loses nothing", "[ledger]") {
  auto ledger = MemoryLedger();
  std::atomic<int> attempts{0};
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    if (++attempts <= 3) return Status::Unavailable("ledger locked by test");
    return ledger;
  });
  for (int i = 0; i < 100; ++i) writer.Enqueue(Rec(i));
  REQUIRE(writer.Flush(20000).ok());
  CHECK(attempts.load() == 4);
  CHECK(Count(*ledger) == 100);
  CHECK(writer.Pending() == 0);

  const auto warnings = writer.TakeWarnings();
  REQUIRE(warnings.size() == 1);  // the same error three times is reported once
  CHECK(Contains(warnings[0], "ledger locked by test"));
  CHECK(Contains(warnings[0], "will retry"));
  CHECK(Contains(warnings[0], " queued"));  // how many depends on when the first attempt ran
  CHECK(writer.TakeWarnings().empty());     // taken
}

TEST_CASE("AsyncWriter reports distinct errors as separate warnings, oldest first", "[ledger]") {
  auto ledger = MemoryLedger();
  std::atomic<int> attempts{0};
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    const int n = ++attempts;
    if (n == 1) return Status::Io("first problem");
    if (n == 2) return Status::Unavailable("second problem");
    return ledger;
  });
  writer.Enqueue(Rec(1));
  REQUIRE(writer.Flush(20000).ok());
  const auto warnings = writer.TakeWarnings();
  REQUIRE(warnings.size() == 2);
  CHECK(Contains(warnings[0], "first problem"));
  CHECK(Contains(warnings[1], "second problem"));
  CHECK(Count(*ledger) == 1);
}

TEST_CASE("AsyncWriter Flush times out with the write error while the opener keeps failing",
          "[ledger]") {
  auto ledger = MemoryLedger();
  std::atomic<bool> failing{true};
  std::atomic<int> attempts{0};
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    ++attempts;
    if (failing.load()) return Status::Io("disk on fire");
    return ledger;
  });
  writer.Enqueue(Rec(1));
  writer.Enqueue(Rec(2));
  REQUIRE(WaitFor([&] { return attempts.load() >= 1; }));

  const auto start = std::chrono::steady_clock::now();
  const Status st = writer.Flush(200);
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(st.ok());
  CHECK(st.code() == Status::Code::kIo);
  CHECK(st.message() == "disk on fire");
  CHECK(waited >= std::chrono::milliseconds(150));
  CHECK(waited < std::chrono::seconds(5));
  CHECK(writer.Pending() == 2);
  CHECK(Count(*ledger) == 0);

  // Once the file is writable again, the queued records are committed.
  failing = false;
  REQUIRE(writer.Flush(20000).ok());
  CHECK(Count(*ledger) == 2);
  CHECK(writer.Pending() == 0);
}

TEST_CASE("AsyncWriter survives a busy file held by another connection", "[ledger]") {
  std::string dir_pattern = (fs::temp_directory_path() / "router-writer-test-XXXXXX").string();
  REQUIRE(mkdtemp(dir_pattern.data()) != nullptr);
  const fs::path dir = dir_pattern;
  const std::string path = (dir / "ledger.sqlite").string();
  {
    auto opened = Ledger::Open(LedgerOptions{path, 100});
    REQUIRE(opened.ok());
    std::shared_ptr<Ledger> ledger(std::move(opened).value());

    // Another "process" takes the write lock.
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);

    AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> { return ledger; });
    for (int i = 0; i < 10; ++i) writer.Enqueue(Rec(i));
    std::vector<std::string> warnings;
    REQUIRE(WaitFor([&] {
      for (auto& w : writer.TakeWarnings()) warnings.push_back(w);
      return !warnings.empty();
    }));
    CHECK(Contains(warnings[0], "busy"));
    CHECK(writer.Pending() == 10);
    const Status st = writer.Flush(50);
    CHECK(st.code() == Status::Code::kUnavailable);

    REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    REQUIRE(writer.Flush(20000).ok());
    CHECK(Count(*ledger) == 10);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("AsyncWriter destructor drains the queue", "[ledger]") {
  auto ledger = MemoryLedger();
  {
    AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> { return ledger; });
    for (int i = 0; i < 2500; ++i) writer.Enqueue(Rec(i));
  }
  CHECK(Count(*ledger) == 2500);
}

TEST_CASE("AsyncWriter destructor does not open anything when nothing was queued", "[ledger]") {
  std::atomic<int> opens{0};
  {
    AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
      ++opens;
      return Status::Io("should not be called");
    });
  }
  CHECK(opens.load() == 0);
}

// Regression, found by this test (core/src/ledger/writer.cc, Run(): a failed AppendBatch keeps the
// whole batch at the head of the queue and retries it forever): a record the ledger can never store
// (here a trigger the schema's CHECK rejects) blocks every record queued after it, so nothing more
// is ever committed.
TEST_CASE("AsyncWriter: one unstorable record must not block the records after it", "[ledger]") {
  auto ledger = MemoryLedger();
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> { return ledger; });
  UsageRecord poison = Rec(0);
  poison.trigger = "bogus";
  writer.Enqueue(poison);
  for (int i = 1; i <= 10; ++i) writer.Enqueue(Rec(i));
  CHECK(writer.Flush(5000).ok());
  CHECK(Count(*ledger) == 10);
  const auto warnings = writer.TakeWarnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("dropped a record the ledger refuses") != std::string::npos);
}

// Issue 17, fault 4: the queue had no bound. When it is full, Enqueue waits briefly, then drops
// the record, counts it and warns; the records it kept are all committed once the file works.
TEST_CASE("AsyncWriter bounds its queue and counts what it drops", "[ledger]") {
  auto ledger = MemoryLedger();
  std::atomic<bool> broken{true};
  AsyncWriter writer(
      [&]() -> Result<std::shared_ptr<Ledger>> {
        if (broken) return Status::Io("disk on fire");
        return ledger;
      },
      100);
  constexpr int kRecords = 300;
  for (int i = 0; i < kRecords; ++i) writer.Enqueue(Rec(i));
  // 100 queued behind the batch in flight (itself at most 100)
  CHECK(writer.Dropped() >= kRecords - 200);
  CHECK(writer.Pending() <= 200);
  std::string warnings;
  for (const auto& w : writer.TakeWarnings()) warnings += w + "\n";
  CHECK(Contains(warnings, "usage queue full (100 records"));
  CHECK_FALSE(writer.Healthy());
  broken = false;
  REQUIRE(writer.Flush(10000).ok());
  CHECK(writer.Healthy());
  CHECK(Count(*ledger) == kRecords - static_cast<int64_t>(writer.Dropped()));
}

// Issue 17, fault 5: a deleted ledger kept being written to the unlinked file while Flush said Ok.
TEST_CASE("AsyncWriter reopens a ledger file that was deleted or replaced", "[ledger]") {
  char dir_template[] = "/tmp/router-writer-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/ledger.sqlite";
  auto open = [&]() -> Result<std::shared_ptr<Ledger>> {
    auto opened = Ledger::Open(LedgerOptions{path, 5000});
    if (!opened.ok()) return opened.status();
    return std::shared_ptr<Ledger>(std::move(opened).value());
  };
  {
    AsyncWriter writer(open);
    writer.Enqueue(Rec(1));
    REQUIRE(writer.Flush(5000).ok());
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    writer.Enqueue(Rec(2));
    writer.Enqueue(Rec(3));
    REQUIRE(writer.Flush(5000).ok());
    auto reopened = open();
    REQUIRE(reopened.ok());
    CHECK(Count(*reopened.value()) == 2);  // in the file at the path, not in the unlinked one
    CHECK_FALSE(reopened.value()->FileReplaced());
  }
  fs::remove_all(dir_template);
}

// Issue 14: a posted task (a failure's cooldown) runs on the writer thread after the records
// queued before it are committed, waits out a failing opener like them, and Flush covers it; a
// failing task is dropped with a warning and blocks nothing.
TEST_CASE("AsyncWriter runs posted tasks after the records before them", "[ledger][failover]") {
  auto ledger = MemoryLedger();
  std::atomic<int> attempts{0};
  AsyncWriter writer([&]() -> Result<std::shared_ptr<Ledger>> {
    if (++attempts <= 2) return Status::Unavailable("ledger locked by test");
    return ledger;
  });
  std::vector<int64_t> seen;  // records committed when each task ran (writer thread only)
  for (int i = 0; i < 5; ++i) writer.Enqueue(Rec(i));
  writer.Post([&seen](Ledger& l) {
    seen.push_back(Count(l));
    return Status::Ok();
  });
  writer.Post([](Ledger&) { return Status::Internal("task failed on purpose"); });
  writer.Post([&seen](Ledger& l) {
    seen.push_back(Count(l));
    return Status::Ok();
  });
  REQUIRE(writer.Flush(20000).ok());
  CHECK(attempts.load() == 3);
  CHECK(writer.Pending() == 0);
  CHECK(seen == std::vector<int64_t>{5, 5});

  writer.Post([&seen](Ledger&) {  // alone: no record queued with it
    seen.push_back(-1);
    return Status::Ok();
  });
  REQUIRE(writer.Flush(5000).ok());
  CHECK(seen.back() == -1);
  const auto warnings = writer.TakeWarnings();
  CHECK(std::any_of(warnings.begin(), warnings.end(),
                    [](const std::string& w) { return Contains(w, "task failed on purpose"); }));
}
