#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "router/ledger/ledger.h"

namespace fs = std::filesystem;
using router::Status;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::UsageRecord;

namespace {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "router-ledger-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

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
  r.cost_known = cost_micros > 0;
  r.outcome = outcome;
  return r;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `sql` on a separate connection (like another process would) and returns the first
// column of the first row as text, or "" when there is no row.
std::string QueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

void ExecOn(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
          SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
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
    CHECK(QueryText(path, "SELECT provider || '/' || model || ':' || trigger || ':' || outcome ||"
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
    REQUIRE(ledger->AppendBatch({Rec(3000, "b", "m2", 30, 3, 300), Rec(4000, "b", "m2", 40, 4, 400)})
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
  REQUIRE(ledger->AppendBatch({
      Rec(5, "anthropic", "opus", 1000, 1000, 1000),     // before every period: ignored
      Rec(10, "anthropic", "opus", 100, 10, 1000),       // widest only (boundary included)
      Rec(60, "anthropic", "opus", 200, 20, 2000),       // middle and widest
      Rec(100, "anthropic", "opus", 300, 30, 3000),      // all three (boundary included)
      cached,                                            // all three
      Rec(200, "anthropic", "sonnet", 5, 6, 7),          // all three (until included)
      Rec(201, "anthropic", "sonnet", 9999, 9999, 9999), // after until: ignored
      Rec(120, "openai", "gpt", 0, 0, 0, Outcome::kFailed),
      Rec(130, "openai", "gpt", 0, 0, 0, Outcome::kInvalid),
      Rec(20, "openai", "gpt", 40, 4, 400),
      Rec(7, "zeta", "old", 1, 1, 1),                    // only before every period: no row
  }).ok());

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
  REQUIRE(ledger->AppendBatch({
      Rec(500, "b", "m", 1, 1, 1),
      Rec(100, "a", "x", 1, 1, 1),
      Rec(900, "a", "x", 0, 0, 0, Outcome::kFailed),
      Rec(300, "a", "x", 0, 0, 0, Outcome::kFailed),
      Rec(700, "a", "y", 0, 0, 0, Outcome::kInvalid),
  }).ok());
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

TEST_CASE("AppendBatch stores all records or none", "[ledger]") {
  auto ledger = MustOpen(":memory:");
  REQUIRE(ledger->Append(Rec(1, "a", "m", 1, 1, 1)).ok());

  SECTION("a negative count in the last record rolls back the whole batch") {
    UsageRecord bad = Rec(4, "a", "m", -1, 0, 0);
    CHECK_FALSE(ledger->AppendBatch({Rec(2, "a", "m", 1, 1, 1), Rec(3, "a", "m", 1, 1, 1), bad}).ok());
    CHECK(Count(*ledger) == 1);
  }
  SECTION("an unknown trigger in the middle rolls back the whole batch") {
    UsageRecord bad = Rec(3, "a", "m", 1, 1, 1);
    bad.trigger = "bogus";
    CHECK_FALSE(ledger->AppendBatch({Rec(2, "a", "m", 1, 1, 1), bad, Rec(4, "a", "m", 1, 1, 1)}).ok());
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
  ExecOn(path, "CREATE TABLE calls (id INTEGER PRIMARY KEY, future TEXT);"
               "INSERT INTO calls (future) VALUES ('from v99');"
               "PRAGMA user_version = 99;");
  const std::string before = ReadBytes(path);
  REQUIRE_FALSE(before.empty());

  auto opened = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Status::Code::kCorruption);
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

TEST_CASE("Two Ledger instances on one file append concurrently", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("shared.sqlite");
  // Two connections to one file, as the gateway and a CLI process would have.
  auto first = MustOpen(path);
  auto second = MustOpen(path);
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
  CHECK(first_error.empty());
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
