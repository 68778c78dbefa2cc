#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "ledger/connection.h"
#include "router/ledger/ledger.h"
#include "sql_testing.h"
#include "testing.h"

namespace fs = std::filesystem;
using router::Status;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::UsageRecord;

using router::testing::ExecOn;
using router::testing::QueryText;
using router::testing::TempDir;

namespace {

std::unique_ptr<Ledger> MustOpen(const std::string& path) {
  auto opened = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

UsageRecord Rec(int64_t at_ms, const std::string& provider, const std::string& model,
                int64_t input = 0, int64_t output = 0, int64_t cost_micros = 0,
                Outcome outcome = Outcome::kOk) {
  UsageRecord r;
  r.at_ms = at_ms;
  r.provider = provider;
  r.model = model;
  r.resolved_ref = provider + "/" + model;
  r.agent_id = "main";
  r.trigger = "user";
  r.input_tokens = input;
  r.output_tokens = output;
  r.cost_micros = cost_micros;
  r.cost_source =
      cost_micros > 0 ? router::ledger::CostSource::kOpenClaw : router::ledger::CostSource::kNone;
  r.outcome = outcome;
  return r;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int64_t Count(const Ledger& ledger) {
  auto count = ledger.CountRecords();
  REQUIRE(count.ok());
  return count.value();
}

}  // namespace

TEST_CASE("Ledger opens an in-memory database", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  CHECK(ledger->path() == ":memory:");
  CHECK(Count(*ledger) == 0);
  auto activity = ledger->Activity();
  REQUIRE(activity.ok());
  CHECK(activity->empty());
}

TEST_CASE("Ledger rejects an empty path", "[ledger]") {
  auto opened = Ledger::Open(LedgerOptions{});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("Ledger creates a file and its folders, in WAL mode", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("state/model-router/ledger.sqlite");
  REQUIRE_FALSE(fs::exists(path));
  {
    auto ledger = MustOpen(path);
    CHECK(ledger->path() == path);
    CHECK(fs::is_regular_file(path));
    REQUIRE(ledger->Append(Rec(1000, "fakeai", "fake-strong", 10, 5, 40)).ok());
    // Checked on our own connection while the ledger is open.
    CHECK(QueryText(path, "PRAGMA journal_mode") == "wal");
    CHECK(QueryText(path, "PRAGMA user_version") == std::to_string(router::ledger::kSchemaVersion));
    CHECK(QueryText(path,
                    "SELECT provider || '/' || model || ':' || trigger || ':' || outcome ||"
                    " ':' || cost_source FROM calls") == "fakeai/fake-strong:user:ok:openclaw");
  }
  // WAL is persistent: it is still the journal mode after the ledger is closed.
  CHECK(QueryText(path, "PRAGMA journal_mode") == "wal");
}

TEST_CASE("Ledger cannot create its folder under a regular file", "[ledger]") {
  TempDir dir;
  const std::string blocker = dir.File("not-a-dir");
  std::ofstream(blocker) << "x";
  auto opened = Ledger::Open(LedgerOptions{blocker + "/ledger.sqlite", 5000});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Status::Code::kIo);
  CHECK(ReadBytes(blocker) == "x");
}

TEST_CASE("Ledger keeps records across Open", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  {
    auto ledger = MustOpen(path);
    REQUIRE(ledger->Append(Rec(1000, "a", "m1", 10, 1, 100)).ok());
    REQUIRE(ledger->Append(Rec(2000, "a", "m1", 20, 2, 200)).ok());
    REQUIRE(
        ledger->AppendBatch({Rec(3000, "b", "m2", 30, 3, 300), Rec(4000, "b", "m2", 40, 4, 400)})
            .ok());
  }
  auto ledger = MustOpen(path);
  CHECK(Count(*ledger) == 4);
  auto sums = ledger->SumByModel({0}, 10'000, "");
  REQUIRE(sums.ok());
  REQUIRE(sums->size() == 2);
  CHECK(sums.value()[0].provider == "a");
  CHECK(sums.value()[0].periods[0].input_tokens == 30);
  CHECK(sums.value()[0].periods[0].cost_micros == 300);
  CHECK(sums.value()[1].provider == "b");
  CHECK(sums.value()[1].periods[0].output_tokens == 7);
  CHECK(sums.value()[1].periods[0].cost_micros == 700);
  // A third open appends after the existing rows.
  REQUIRE(ledger->Append(Rec(5000, "a", "m1")).ok());
  ledger.reset();
  CHECK(Count(*MustOpen(path)) == 5);
}

TEST_CASE("SumByModel totals each period, per provider and model", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  // Periods: [100, until], [50, until], [10, until]; until = 200.
  UsageRecord cached = Rec(150, "anthropic", "opus", 1, 2, 3);
  cached.cache_read_tokens = 70;
  cached.cache_write_tokens = 8;
  REQUIRE(ledger
              ->AppendBatch({
                  Rec(5, "anthropic", "opus", 1000, 1000, 1000),  // before every period: ignored
                  Rec(10, "anthropic", "opus", 100, 10, 1000),    // widest only (boundary included)
                  Rec(60, "anthropic", "opus", 200, 20, 2000),    // middle and widest
                  Rec(100, "anthropic", "opus", 300, 30, 3000),   // all three (boundary included)
                  cached,                                         // all three
                  Rec(200, "anthropic", "sonnet", 5, 6, 7),       // all three (until included)
                  Rec(201, "anthropic", "sonnet", 9999, 9999, 9999),  // after until: ignored
                  Rec(120, "openai", "gpt", 0, 0, 0, Outcome::kFailed),
                  Rec(130, "openai", "gpt", 0, 0, 0, Outcome::kInvalid),
                  Rec(20, "openai", "gpt", 40, 4, 400),
                  Rec(7, "zeta", "old", 1, 1, 1),  // only before every period: no row
              })
              .ok());

  SECTION("all providers") {
    auto sums = ledger->SumByModel({100, 50, 10}, 200, "");
    REQUIRE(sums.ok());
    const auto& rows = sums.value();
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].provider == "anthropic");
    CHECK(rows[0].model == "opus");
    CHECK(rows[1].provider == "anthropic");
    CHECK(rows[1].model == "sonnet");
    CHECK(rows[2].provider == "openai");
    CHECK(rows[2].model == "gpt");
    for (const auto& row : rows) REQUIRE(row.periods.size() == 3);

    const auto& opus = rows[0].periods;
    CHECK(opus[0].calls == 2);
    CHECK(opus[0].input_tokens == 301);
    CHECK(opus[0].output_tokens == 32);
    CHECK(opus[0].cache_read_tokens == 70);
    CHECK(opus[0].cache_write_tokens == 8);
    CHECK(opus[0].cost_micros == 3003);
    CHECK(opus[1].calls == 3);
    CHECK(opus[1].input_tokens == 501);
    CHECK(opus[1].cost_micros == 5003);
    CHECK(opus[2].calls == 4);
    CHECK(opus[2].input_tokens == 601);
    CHECK(opus[2].output_tokens == 62);
    CHECK(opus[2].cost_micros == 6003);
    CHECK(opus[2].failures == 0);

    const auto& sonnet = rows[1].periods;
    for (const auto& t : sonnet) {
      CHECK(t.calls == 1);
      CHECK(t.input_tokens == 5);
      CHECK(t.cost_micros == 7);
    }

    const auto& gpt = rows[2].periods;
    CHECK(gpt[0].calls == 2);
    CHECK(gpt[0].failures == 1);
    CHECK(gpt[0].invalid == 1);
    CHECK(gpt[0].cost_micros == 0);
    CHECK(gpt[2].calls == 3);
    CHECK(gpt[2].failures == 1);
    CHECK(gpt[2].invalid == 1);
    CHECK(gpt[2].input_tokens == 40);
    CHECK(gpt[2].cost_micros == 400);
  }
  SECTION("provider filter") {
    auto sums = ledger->SumByModel({100, 50, 10}, 200, "openai");
    REQUIRE(sums.ok());
    REQUIRE(sums->size() == 1);
    CHECK(sums.value()[0].provider == "openai");
    CHECK(sums.value()[0].periods[2].calls == 3);
    auto none = ledger->SumByModel({100, 50, 10}, 200, "nobody");
    REQUIRE(none.ok());
    CHECK(none->empty());
  }
  SECTION("period order is the caller's, widest need not be first or last") {
    auto sums = ledger->SumByModel({50, 10, 100}, 200, "anthropic");
    REQUIRE(sums.ok());
    REQUIRE(sums->size() == 2);
    CHECK(sums.value()[0].periods[0].calls == 3);
    CHECK(sums.value()[0].periods[1].calls == 4);
    CHECK(sums.value()[0].periods[2].calls == 2);
  }
  SECTION("no periods") {
    auto sums = ledger->SumByModel({}, 200, "");
    REQUIRE(sums.ok());
    CHECK(sums->empty());
  }
  SECTION("CountRecords counts everything") { CHECK(Count(*ledger) == 11); }
}

TEST_CASE("Activity reports calls, failures and first/last seen per model", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  REQUIRE(ledger
              ->AppendBatch({
                  Rec(500, "b", "m", 1, 1, 1),
                  Rec(100, "a", "x", 1, 1, 1),
                  Rec(900, "a", "x", 0, 0, 0, Outcome::kFailed),
                  Rec(300, "a", "x", 0, 0, 0, Outcome::kFailed),
                  Rec(700, "a", "y", 0, 0, 0, Outcome::kInvalid),
              })
              .ok());
  auto activity = ledger->Activity();
  REQUIRE(activity.ok());
  const auto& rows = activity.value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].provider == "a");
  CHECK(rows[0].model == "x");
  CHECK(rows[0].calls == 3);
  CHECK(rows[0].failures == 2);
  CHECK(rows[0].first_seen_ms == 100);
  CHECK(rows[0].last_seen_ms == 900);
  CHECK(rows[1].model == "y");
  CHECK(rows[1].calls == 1);
  CHECK(rows[1].failures == 0);  // invalid is not a failure
  CHECK(rows[2].provider == "b");
  CHECK(rows[2].first_seen_ms == 500);
  CHECK(rows[2].last_seen_ms == 500);
}

TEST_CASE("HourlyTotals sums each hour of one provider over its models", "[ledger]") {
  constexpr int64_t kHour = 3'600'000;
  auto ledger = MustOpen(":memory:");
  REQUIRE(ledger
              ->AppendBatch({
                  Rec(kHour + 10, "a", "x", 5, 1, 100), Rec(kHour + 20, "a", "y", 7, 2, 200),
                  Rec(3 * kHour + 5, "a", "x", 11, 0, 0),
                  Rec(3 * kHour + 6, "b", "x", 1000, 0, 0),  // another provider
                  Rec(5 * kHour, "a", "x", 13, 0, 0),        // outside the range
              })
              .ok());
  auto hours = ledger->HourlyTotals("a", 0, 5 * kHour);
  REQUIRE(hours.ok());
  REQUIRE(hours->size() == 2);  // the empty hours 0, 2 and 4 are left out
  CHECK(hours.value()[0].hour_ms == kHour);
  CHECK(hours.value()[0].totals.calls == 2);
  CHECK(hours.value()[0].totals.input_tokens == 12);
  CHECK(hours.value()[0].totals.output_tokens == 3);
  CHECK(hours.value()[0].totals.cost_micros == 300);
  CHECK(hours.value()[1].hour_ms == 3 * kHour);
  CHECK(hours.value()[1].totals.input_tokens == 11);
  auto none = ledger->HourlyTotals("c", 0, 5 * kHour);
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("AppendBatch stores all records or none", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  REQUIRE(ledger->Append(Rec(1, "a", "m", 1, 1, 1)).ok());

  SECTION("a negative count in the last record rolls back the whole batch") {
    UsageRecord bad = Rec(4, "a", "m", -1, 0, 0);
    CHECK_FALSE(
        ledger->AppendBatch({Rec(2, "a", "m", 1, 1, 1), Rec(3, "a", "m", 1, 1, 1), bad}).ok());
    CHECK(Count(*ledger) == 1);
  }
  SECTION("an unknown trigger in the middle rolls back the whole batch") {
    UsageRecord bad = Rec(3, "a", "m", 1, 1, 1);
    bad.trigger = "bogus";
    CHECK_FALSE(
        ledger->AppendBatch({Rec(2, "a", "m", 1, 1, 1), bad, Rec(4, "a", "m", 1, 1, 1)}).ok());
    CHECK(Count(*ledger) == 1);
  }
  SECTION("a negative cost is refused") {
    CHECK_FALSE(ledger->Append(Rec(2, "a", "m", 1, 1, -5)).ok());
    CHECK(Count(*ledger) == 1);
  }
  // After a failed batch the connection is usable again (no transaction left open).
  REQUIRE(ledger->AppendBatch({Rec(5, "a", "m", 1, 1, 1), Rec(6, "a", "m", 1, 1, 1)}).ok());
  CHECK(Count(*ledger) == 3);
  REQUIRE(ledger->AppendBatch({}).ok());
  CHECK(Count(*ledger) == 3);
}

TEST_CASE("Ledger refuses a file with a newer schema and leaves it untouched", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  ExecOn(path,
         "CREATE TABLE calls (id INTEGER PRIMARY KEY, future TEXT);"
         "INSERT INTO calls (future) VALUES ('from v99');"
         "PRAGMA user_version = 99;");
  const std::string before = ReadBytes(path);
  REQUIRE_FALSE(before.empty());

  auto opened = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Status::Code::kFailedPrecondition);
  CHECK(opened.status().message().find("newer") != std::string::npos);
  CHECK(opened.status().message().find("99") != std::string::npos);

  CHECK(ReadBytes(path) == before);
  CHECK_FALSE(fs::exists(path + "-wal"));
  CHECK(QueryText(path, "PRAGMA journal_mode") == "delete");
  CHECK(QueryText(path, "PRAGMA user_version") == "99");
}

TEST_CASE("Ledger refuses a file that is not SQLite and leaves it untouched", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  std::string garbage;
  for (int i = 0; i < 500; ++i) garbage += "this is not a database " + std::to_string(i) + "\n";
  std::ofstream(path, std::ios::binary) << garbage;
  REQUIRE(ReadBytes(path) == garbage);

  auto opened = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Status::Code::kCorruption);
  CHECK(opened.status().message().find(path) != std::string::npos);
  CHECK(ReadBytes(path) == garbage);
  CHECK_FALSE(fs::exists(path + "-wal"));
}

// Issue 17, fault 5: a read-only file or folder, a full disk and a directory at the -wal path were
// all reported as corruption, with advice to move a healthy ledger aside. The tests run as root,
// which no file mode denies, so permission and disk-full are checked on the mapping itself.
TEST_CASE("SQLite errors map to a code and advice that say what is wrong", "[ledger]") {
  using router::ledger::ClassifySqliteError;
  using Code = Status::Code;
  struct Case {
    int rc;
    int sys_errno;
    Code code;
    const char* says;
  };
  const Case cases[] = {
      {SQLITE_READONLY, 0, Code::kPermissionDenied, "permission denied"},
      {SQLITE_READONLY_DIRECTORY, 0, Code::kPermissionDenied, "writable by this user"},
      {SQLITE_CANTOPEN, EACCES, Code::kPermissionDenied, "permission denied"},
      {SQLITE_IOERR_WRITE, EROFS, Code::kPermissionDenied, "permission denied"},
      {SQLITE_FULL, 0, Code::kNoSpace, "disk full"},
      {SQLITE_IOERR_WRITE, ENOSPC, Code::kNoSpace, "free some space"},
      {SQLITE_BUSY, 0, Code::kUnavailable, "busy"},
      {SQLITE_LOCKED, 0, Code::kUnavailable, "busy"},
      {SQLITE_CORRUPT, 0, Code::kCorruption, "move it aside"},
      {SQLITE_NOTADB, 0, Code::kCorruption, "move it aside"},
      {SQLITE_CANTOPEN, EISDIR, Code::kIo, "Is a directory"},
      {SQLITE_CONSTRAINT_CHECK, 0, Code::kInvalidArgument, "detail"},
  };
  for (const auto& c : cases) {
    const Status st = ClassifySqliteError(c.rc, c.sys_errno, "ledger x", "detail");
    INFO(c.rc << "/" << c.sys_errno << ": " << st.ToString());
    CHECK(st.code() == c.code);
    CHECK(st.message().find(c.says) != std::string::npos);
    CHECK((st.message().find("move it aside") != std::string::npos) ==
          (c.code == Code::kCorruption));
  }
}

TEST_CASE("An unopenable ledger path is not called corrupt", "[ledger]") {
  TempDir dir;
  SECTION("a directory at the -wal path") {
    const std::string path = dir.File("ledger.sqlite");
    MustOpen(path).reset();
    fs::remove(path + "-wal");
    fs::create_directory(path + "-wal");
    auto opened = Ledger::Open(LedgerOptions{path, 5000});
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() != Status::Code::kCorruption);
    CHECK(opened.status().message().find("move it aside") == std::string::npos);
  }
  SECTION("a path under a regular file") {
    std::ofstream(dir.File("file")) << "x";
    auto opened = Ledger::Open(LedgerOptions{dir.File("file/ledger.sqlite"), 5000});
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Status::Code::kIo);
  }
}

TEST_CASE("Ledger::FileReplaced sees a deleted or replaced file", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  auto ledger = MustOpen(path);
  CHECK_FALSE(ledger->FileReplaced());
  SECTION("deleted") {
    fs::remove(path);
    CHECK(ledger->FileReplaced());
  }
  SECTION("replaced by another file") {
    MustOpen(dir.File("other.sqlite")).reset();
    fs::rename(dir.File("other.sqlite"), path);
    CHECK(ledger->FileReplaced());
  }
  CHECK_FALSE(MustOpen(":memory:")->FileReplaced());
}

TEST_CASE("Two Ledger instances on one file append concurrently", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("shared.sqlite");
  // Two connections to one file, as the gateway and a CLI process would have. SQLite's busy
  // handler sleeps and retries with no queue, so under a sanitizer build on a loaded 2-core
  // machine one append of 4,000 once failed with the default 5 s wait (a full local run); the
  // point here is that neither connection fails or loses a row, so allow the maximum wait.
  auto open = [&]() {
    auto opened = Ledger::Open(LedgerOptions{path, 60000});
    REQUIRE(opened.ok());
    return std::move(opened).value();
  };
  auto first = open();
  auto second = open();
  constexpr int kPerThread = 2000;
  std::atomic<int> errors{0};
  std::string first_error;
  auto writer = [&](Ledger* ledger, const std::string& provider) {
    for (int i = 0; i < kPerThread; ++i) {
      Status st = ledger->Append(Rec(i, provider, "m", 1, 1, 1));
      if (!st.ok() && errors.fetch_add(1) == 0) first_error = st.ToString();
    }
  };
  std::thread a(writer, first.get(), "p1");
  std::thread b(writer, second.get(), "p2");
  a.join();
  b.join();
  CHECK(first_error == "");  // shows the error text when it fails
  CHECK(errors.load() == 0);
  CHECK(Count(*first) == 2 * kPerThread);
  CHECK(Count(*second) == 2 * kPerThread);

  auto sums = second->SumByModel({0}, kPerThread, "");
  REQUIRE(sums.ok());
  REQUIRE(sums->size() == 2);
  CHECK(sums.value()[0].periods[0].calls == kPerThread);
  CHECK(sums.value()[1].periods[0].calls == kPerThread);
  first.reset();
  second.reset();
  CHECK(QueryText(path, "SELECT COUNT(*) FROM calls") == std::to_string(2 * kPerThread));
}

TEST_CASE("One Ledger is safe to share between threads", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) {
        if (!ledger->Append(Rec(i, "p" + std::to_string(t), "m", 1, 1, 1)).ok()) ++errors;
        if (i % 50 == 0 && !ledger->SumByModel({0}, 1000, "").ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(errors.load() == 0);
  CHECK(Count(*ledger) == 1000);
}

TEST_CASE("A schema 1 file migrates to the current schema keeping every call", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("v1.sqlite");
  // The exact v1 layout, as shipped, with three calls of one user run (a retry) and a cron call.
  ExecOn(path, R"sql(
CREATE TABLE calls (
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
  resolved_ref TEXT NOT NULL DEFAULT '', agent_id TEXT NOT NULL DEFAULT '',
  session_key TEXT NOT NULL DEFAULT '', run_id TEXT NOT NULL DEFAULT '',
  trigger TEXT NOT NULL CHECK (trigger IN ('user','cron','heartbeat','other','unknown')),
  cron_job_id TEXT NOT NULL DEFAULT '',
  input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
  output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
  cache_read_tokens INTEGER NOT NULL CHECK (cache_read_tokens >= 0),
  cache_write_tokens INTEGER NOT NULL CHECK (cache_write_tokens >= 0),
  cost_micros INTEGER NOT NULL CHECK (cost_micros >= 0),
  cost_source TEXT NOT NULL CHECK (cost_source IN ('openclaw','none')),
  outcome TEXT NOT NULL CHECK (outcome IN ('ok','failed','invalid')),
  note TEXT NOT NULL DEFAULT '') STRICT;
CREATE INDEX calls_by_time ON calls (at_ms);
CREATE INDEX calls_by_provider_time ON calls (provider, at_ms);
INSERT INTO calls (at_ms, provider, model, run_id, trigger, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, cost_micros, cost_source, outcome) VALUES
  (1000, 'a', 'm', 'r1', 'user', 0, 0, 0, 0, 0, 'none', 'failed'),
  (2000, 'a', 'm', 'r1', 'user', 100, 10, 5, 0, 400, 'openclaw', 'ok'),
  (3000, 'a', 'm', 'r2', 'cron', 50, 5, 0, 0, 200, 'openclaw', 'ok'),
  (3600000, 'b', 'n', 'r3', 'user', 7, 1, 0, 0, 9, 'openclaw', 'ok');
PRAGMA user_version = 1;
)sql");
  auto ledger = MustOpen(path);
  CHECK(QueryText(path, "PRAGMA user_version") == std::to_string(router::ledger::kSchemaVersion));
  CHECK(QueryText(path, "SELECT COUNT(*) FROM calls") == "4");
  auto sums = ledger->SumRange(0, 2 * 3'600'000, "");
  REQUIRE(sums.ok());
  REQUIRE(sums.value().size() == 2);
  const auto& a = sums.value()[0].totals;
  CHECK(a.calls == 3);
  CHECK(a.failures == 1);
  CHECK(a.messages == 1);  // the retried user run counts once, the cron run not at all
  CHECK(a.requests == 3);
  CHECK(a.input_tokens == 150);
  CHECK(a.cost_micros == 600);
  CHECK(sums.value()[1].totals.messages == 1);
  // The rollups were backfilled: whole hours come from them.
  CHECK(QueryText(path, "SELECT SUM(calls) FROM usage_hourly") == "4");
  // New calls keep working after the migration.
  REQUIRE(ledger->Append(Rec(4000, "a", "m", 1, 1, 1)).ok());
  CHECK(ledger->SumRange(0, 3'600'000, "a").value()[0].totals.calls == 4);
}

namespace {

// Checks SumRange(start, end, provider) against a sum over `records`.
void CheckSumRange(const Ledger& ledger, const std::vector<UsageRecord>& records, int64_t start,
                   int64_t end, const std::string& provider) {
  router::ledger::Totals expected;
  for (const auto& r : records) {
    if (r.at_ms < start || r.at_ms >= end || (!provider.empty() && r.provider != provider))
      continue;
    expected.calls += 1;
    expected.failures += r.outcome == Outcome::kFailed ? 1 : 0;
    expected.messages += r.counts_as_message ? 1 : 0;
    expected.requests += r.model_calls;
    expected.input_tokens += r.input_tokens;
    expected.output_tokens += r.output_tokens;
    expected.cost_micros += r.cost_micros;
  }
  auto sums = ledger.SumRange(start, end, provider);
  REQUIRE(sums.ok());
  router::ledger::Totals got;
  for (const auto& row : sums.value()) router::ledger::Add(got, row.totals);
  INFO("range [" << start << ", " << end << ") provider '" << provider << "'");
  CHECK(got.calls == expected.calls);
  CHECK(got.failures == expected.failures);
  CHECK(got.messages == expected.messages);
  CHECK(got.requests == expected.requests);
  CHECK(got.input_tokens == expected.input_tokens);
  CHECK(got.output_tokens == expected.output_tokens);
  CHECK(got.cost_micros == expected.cost_micros);
}

// `count` random calls over `hours` hours, stored in `ledger`.
std::vector<UsageRecord> RandomCalls(Ledger& ledger, uint64_t& seed, int count, int64_t hours) {
  auto next = [&seed] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int64_t>(seed >> 33);
  };
  std::vector<UsageRecord> records;
  for (int i = 0; i < count; ++i) {
    UsageRecord r = Rec(next() % (hours * 3'600'000), i % 3 == 0 ? "a" : "b",
                        i % 2 == 0 ? "m1" : "m2", next() % 1000, next() % 100, next() % 5000,
                        i % 7 == 0 ? Outcome::kFailed : Outcome::kOk);
    r.model_calls = 1 + next() % 3;
    r.counts_as_message = i % 5 == 0;
    records.push_back(r);
  }
  REQUIRE(ledger.AppendBatch(records).ok());
  return records;
}

}  // namespace

TEST_CASE("SumRange equals a brute-force sum for any range, across hour edges", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  uint64_t seed = 42;
  const std::vector<UsageRecord> records = RandomCalls(*ledger, seed, 600, 30);
  const int64_t hour = 3'600'000;
  for (int trial = 0; trial < 200; ++trial) {
    int64_t start = static_cast<int64_t>(seed % (32 * hour)) - hour;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t end = start + static_cast<int64_t>((seed >> 33) % (12 * hour));
    if (trial % 10 == 0) start = (start / hour) * hour;  // exact hour boundaries too
    CheckSumRange(*ledger, records, start, end, trial % 3 == 0 ? "a" : "");
  }
}

// Issue 17, fault 9: a range whose edge hour has no call outside it is summed from that hour's
// rollup (a window ending now); the sums must stay exact.
TEST_CASE("SumRange is exact when an edge hour's calls all fall inside the range", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  uint64_t seed = 7;
  const std::vector<UsageRecord> records = RandomCalls(*ledger, seed, 40, 20);  // ~2 an hour
  for (size_t i = 0; i < records.size(); ++i) {
    const UsageRecord& a = records[i];
    const UsageRecord& b = records[(i * 7 + 3) % records.size()];
    const int64_t start = std::min(a.at_ms, b.at_ms);
    const int64_t end = std::max(a.at_ms, b.at_ms) + 1;  // up to "now", the newest call included
    CheckSumRange(*ledger, records, start, end, i % 2 == 0 ? "a" : "");
    CheckSumRange(*ledger, records, start + 1, end - 1, "");
    CheckSumRange(*ledger, records, 0, end, "");
  }
}

TEST_CASE("Events are stored, deduplicated by key, listed and undone", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  router::ledger::Event set_usage{
      0, 100, "set-usage", "anthropic", "weekly", R"({"percent":79})", false};
  auto first = ledger->AppendEvent(set_usage);
  REQUIRE(first.ok());
  CHECK(first.value() > 0);
  auto mode = ledger->AppendEvent({0, 200, "mode", "", "", R"({"mode":"auto"})", false});
  REQUIRE(mode.ok());
  SECTION("alerts with the same key are stored once") {
    router::ledger::Event alert{0, 300, "alert", "anthropic", "weekly", "{}", false};
    CHECK(ledger->AppendEvent(alert, "anthropic|weekly|0|warning").value() > 0);
    CHECK(ledger->AppendEvent(alert, "anthropic|weekly|0|warning").value() == 0);
    CHECK(ledger->Events("alert", "", 0).value().size() == 1);
  }
  SECTION("listing filters by kind, provider and time") {
    CHECK(ledger->Events("", "", 0).value().size() == 2);
    CHECK(ledger->Events("set-usage", "anthropic", 0).value().at(0).payload == R"({"percent":79})");
    CHECK(ledger->Events("set-usage", "openai", 0).value().empty());
    CHECK(ledger->Events("", "", 150).value().size() == 1);
  }
  SECTION("undo takes the newest undoable event, then the one before") {
    auto undo_event = [](const router::ledger::Event& undone) {
      return router::ledger::Event{0, 300, "undo", undone.provider, undone.window, "{}", false};
    };
    auto undo = ledger->UndoLatest(undo_event);
    REQUIRE(undo.ok());
    CHECK(undo->undone.kind == "mode");
    CHECK(undo->undo_event_id > mode.value());
    CHECK(ledger->UndoLatest(undo_event).value().undone.id == first.value());
    CHECK(ledger->UndoLatest(undo_event).status().code() == Status::Code::kNotFound);
    CHECK(ledger->Events("", "", 0).value().at(0).undone);
    CHECK(ledger->Events("undo", "", 0).value().size() == 2);
    CHECK(ledger->MarkUndone(first.value()).code() == Status::Code::kNotFound);  // already undone
    CHECK(ledger->MarkUndone(9999).code() == Status::Code::kNotFound);
  }
  SECTION("an event built from its kind's history is appended with it") {
    auto id = ledger->AppendEventAfter("mode", [](const std::vector<router::ledger::Event>& seen) {
      return router::ledger::Event{0, 400, "mode", "", "", std::to_string(seen.size()), false};
    });
    REQUIRE(id.ok());
    CHECK(ledger->Events("mode", "", 0).value().back().payload == "1");
  }
}

// Issue 17, fault 3: two terminals undoing at once undid the same event twice and skipped others.
TEST_CASE("concurrent undos on two connections revert each event exactly once", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("ledger.sqlite");
  auto setup = MustOpen(path);
  constexpr int kEvents = 40;
  for (int i = 0; i < kEvents; ++i) {
    REQUIRE(setup->AppendEvent({0, i, "set-usage", "p", "daily", "{}", false}).ok());
  }
  std::vector<std::vector<int64_t>> undone(2);
  std::vector<int> failures(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto ledger = Ledger::Open(LedgerOptions{path, 5000});
      if (!ledger.ok()) {
        ++failures[t];
        return;
      }
      for (;;) {
        auto undo = ledger.value()->UndoLatest([](const router::ledger::Event& e) {
          return router::ledger::Event{
              0, 1000, "undo", e.provider, e.window, std::to_string(e.id), false};
        });
        if (undo.status().code() == Status::Code::kNotFound) return;
        if (!undo.ok()) {
          ++failures[t];
          return;
        }
        undone[t].push_back(undo->undone.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == std::vector<int>{0, 0});
  std::vector<int64_t> all = undone[0];
  all.insert(all.end(), undone[1].begin(), undone[1].end());
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());  // none undone twice
  CHECK(all.size() == kEvents);                                    // none skipped
  CHECK(setup->Events("undo", "", 0).value().size() == kEvents);
  const auto events = setup->Events("set-usage", "", 0);
  REQUIRE(events.ok());
  for (const auto& e : events.value()) CHECK(e.undone);
}
