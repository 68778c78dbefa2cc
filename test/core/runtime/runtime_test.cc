#include "router/runtime/runtime.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <sqlite3.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/ledger/ledger.h"
#include "testing.h"

using nlohmann::json;
using router::FakeClock;
using router::runtime::Environment;
using router::runtime::Inputs;
using router::runtime::Runtime;
using router::testing::TempDir;

namespace {

constexpr int64_t kNow = 1'780'000'000'000;

std::shared_ptr<Runtime> Open(const json& config, const Environment& env) {
  auto opened = Runtime::Open(Inputs{config, json::object()}, env);
  INFO(opened.status().message());
  REQUIRE(opened.ok());
  return opened.value();
}

// An llm_output event OpenClaw did not price: 1,000 input tokens of fakeai/m1.
json Call() {
  return json{{"provider", "fakeai"},
              {"model", "m1"},
              {"runId", "run-1"},
              {"trigger", "user"},
              {"usage", {{"input", 1000}, {"output", 0}, {"total", 1000}}}};
}

int64_t RecordedCost(const std::string& path) {
  auto ledger = router::ledger::Ledger::Open({path, 5000});
  REQUIRE(ledger.ok());
  auto sums = ledger.value()->SumRange(0, kNow + 1, "fakeai");
  REQUIRE(sums.ok());
  REQUIRE(sums->size() == 1);
  return sums.value()[0].totals.cost_micros;
}

}  // namespace

// Issue 17, fault 7: a second Runtime on the same ledger reused the first one's priceOverrides.
TEST_CASE("Runtimes sharing a ledger each price with their own config", "[runtime]") {
  TempDir dir;
  FakeClock clock(kNow);
  const Environment env{&clock, dir.path().string()};
  const std::string path = dir.File("ledger.sqlite");
  auto config = [&](double input_usd_per_m) {
    return json{{"ledger", {{"path", path}}},
                {"priceOverrides", {{"fakeai/m1", {{"input", input_usd_per_m}, {"output", 0}}}}}};
  };
  auto first = Open(config(1), env);
  auto second = Open(config(10), env);  // an in-process config reload
  REQUIRE(first->ledger_path() == second->ledger_path());
  first->RecordLlmOutput(Call());
  REQUIRE(first->recorder().Flush(5000).ok());
  CHECK(RecordedCost(path) == 1'000);  // 1,000 tokens at $1/M
  second->RecordLlmOutput(Call());
  REQUIRE(second->recorder().Flush(5000).ok());
  CHECK(RecordedCost(path) == 1'000 + 10'000);  // ... and at $10/M
}

// Issue 17, fault 6: while the writer failed, every command waited 2 s for the queue.
TEST_CASE("A command does not wait on a failing writer", "[runtime]") {
  TempDir dir;
  FakeClock clock(kNow);
  const std::string path = dir.File("ledger.sqlite");
  REQUIRE(router::ledger::Ledger::Open({path, 5000}).ok());  // created and migrated
  // The default busy timeout (5 s): the writer's attempt stays stuck on the lock meanwhile.
  auto runtime = Open(json{{"ledger", {{"path", path}}}}, {&clock, dir.path().string()});
  REQUIRE(runtime->Run("mode", json::object()).ok());  // the shared connection is open

  // Another connection holds the write lock, as a stuck process would.
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  runtime->RecordLlmOutput(Call());
  for (int i = 0; i < 300 && runtime->recorder().WriterHealthy(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK_FALSE(runtime->recorder().WriterHealthy());

  const auto start = std::chrono::steady_clock::now();
  auto mode = runtime->Run("mode", json::object());
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(mode.ok());
  CHECK(waited < std::chrono::milliseconds(300));  // was 2,000 ms (and up to 5 s on the mutex)
  auto status = runtime->Run("status", json::object());  // says so, instead of only the log
  REQUIRE(status.ok());
  CHECK(status->at("ledger").at("writerHealthy") == false);
  CHECK(status->at("ledger").at("dropped") == 0);

  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  REQUIRE(runtime->recorder().Flush(10000).ok());  // nothing was lost meanwhile
  CHECK(runtime->recorder().WriterHealthy());
}

// Issue 14: the hook's failure fast path queues the cooldown to the writer; the next command (which
// commits the queue first) sees it, and a failure that does not cool down stores nothing.
TEST_CASE("A failure recorded on the hook path cools its model down via the writer",
          "[runtime][failover]") {
  TempDir dir;
  FakeClock clock(kNow);
  const std::string path = dir.File("ledger.sqlite");
  auto runtime = Open(json{{"ledger", {{"path", path}}}}, {&clock, dir.path().string()});
  router::route::Failure failure;
  failure.provider = "fakeai";
  failure.model = "m1";
  failure.status = 429;
  failure.message = "429 slow down; Retry-After: 30";
  REQUIRE(runtime->RecordFailure(failure).ok());
  router::route::Failure bad_request = failure;
  bad_request.model = "m2";
  bad_request.status = 400;
  bad_request.message = "400 bad payload";
  REQUIRE(runtime->RecordFailure(bad_request).ok());
  REQUIRE(runtime->recorder().Flush(5000).ok());

  auto ledger = router::ledger::Ledger::Open({path, 5000});
  REQUIRE(ledger.ok());
  auto active = ledger.value()->ActiveCooldowns(kNow);
  REQUIRE(active.ok());
  REQUIRE(active->size() == 1);  // 400 falls over without a cooldown
  CHECK(active->at(0).model == "m1");
  CHECK(active->at(0).until_ms == kNow + 30'000);

  router::route::Failure nameless;
  CHECK(runtime->RecordFailure(nameless).code() == router::Status::Code::kInvalidArgument);
}
