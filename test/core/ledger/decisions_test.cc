// Routing decisions, chars-per-token evidence and savings in the ledger (schema 3).
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "router/ledger/ledger.h"
#include "sql_testing.h"
#include "testing.h"

namespace fs = std::filesystem;
using router::Status;
using router::ledger::CharsPerToken;
using router::ledger::DecisionRecord;
using router::ledger::Ledger;
using router::ledger::LedgerOptions;
using router::ledger::Outcome;
using router::ledger::RoutingTotals;
using router::ledger::UsageRecord;
using router::testing::MemoryLedger;
using router::testing::UserCall;

using router::testing::ExecOn;
using router::testing::QueryText;
using router::testing::TempDir;

namespace {

// An ok call of provider/model with `chars` characters sent and the given prompt tokens.
UsageRecord CharsCall(int64_t at_ms, const std::string& provider, const std::string& model,
                      int64_t chars, int64_t input, int64_t cache_read = 0,
                      int64_t cache_write = 0) {
  UsageRecord r = UserCall(at_ms, provider, input);
  r.model = model;
  r.input_chars = chars;
  r.cache_read_tokens = cache_read;
  r.cache_write_tokens = cache_write;
  r.output_tokens = 999;  // never part of the prompt
  return r;
}

UsageRecord ContextCall(int64_t at_ms, const std::string& session, const std::string& agent,
                        int64_t chars, Outcome outcome = Outcome::kOk) {
  UsageRecord r = UserCall(at_ms, "p", 10);
  r.session_key = session;
  r.agent_id = agent;
  r.input_chars = chars;
  r.outcome = outcome;
  return r;
}

UsageRecord RunCall(int64_t at_ms, const std::string& run_id, int64_t input, int64_t output,
                    int64_t cache_read, int64_t cache_write, int64_t cost_micros,
                    Outcome outcome = Outcome::kOk) {
  UsageRecord r = UserCall(at_ms, "cheap", input, cost_micros);
  r.run_id = run_id;
  r.output_tokens = output;
  r.cache_read_tokens = cache_read;
  r.cache_write_tokens = cache_write;
  r.outcome = outcome;
  return r;
}

DecisionRecord Decision(int64_t at_ms, const std::string& run_id, bool applied,
                        int64_t input_per_m = 0, int64_t output_per_m = 0,
                        int64_t cache_read_per_m = 0, int64_t cache_write_per_m = 0) {
  DecisionRecord d;
  d.at_ms = at_ms;
  d.run_id = run_id;
  d.applied = applied;
  d.baseline_provider = "anthropic";
  d.baseline_model = "claude-opus";
  d.baseline_input_per_m = input_per_m;
  d.baseline_output_per_m = output_per_m;
  d.baseline_cache_read_per_m = cache_read_per_m;
  d.baseline_cache_write_per_m = cache_write_per_m;
  return d;
}

int64_t MustAppend(Ledger& ledger, const DecisionRecord& d) {
  auto id = ledger.AppendDecision(d);
  INFO(id.status().message());
  REQUIRE(id.ok());
  return id.value();
}

}  // namespace

TEST_CASE("Decisions keep every field and list newest first, up to the limit", "[ledger]") {
  auto ledger = MemoryLedger();
  DecisionRecord full;
  full.at_ms = 1'700'000'000'123;
  full.run_id = "run-1";
  full.session_key = "agent:main:telegram:42";
  full.agent_id = "main";
  full.trigger = "user";
  full.requested_provider = "router";
  full.requested_model = "auto";
  full.chosen_provider = "openai";
  full.chosen_model = "gpt-mini";
  full.task_class = "chat";
  full.confidence = 0.8125;
  full.reason = "short chat turn; cheap model is enough";
  full.est_cost_micros = 1234;
  full.baseline_provider = "anthropic";
  full.baseline_model = "claude-opus";
  full.baseline_input_per_m = 15'000'000;
  full.baseline_output_per_m = 75'000'000;
  full.baseline_cache_read_per_m = 1'500'000;
  full.baseline_cache_write_per_m = 18'750'000;
  full.applied = true;
  full.detail = R"({"schema":"router.route/1","note":"ünïcode ✓"})";

  const int64_t first = MustAppend(*ledger, full);
  CHECK(first > 0);
  const int64_t older = MustAppend(*ledger, Decision(1000, "run-0", false));
  const int64_t tie_a = MustAppend(*ledger, Decision(5000, "tie-a", true));
  const int64_t tie_b = MustAppend(*ledger, Decision(5000, "tie-b", false));
  CHECK(older > first);
  CHECK(tie_b > tie_a);

  auto all = ledger->Decisions(0, 10);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  const DecisionRecord& got = all->at(0);
  CHECK(got.at_ms == full.at_ms);
  CHECK(got.run_id == full.run_id);
  CHECK(got.session_key == full.session_key);
  CHECK(got.agent_id == full.agent_id);
  CHECK(got.trigger == full.trigger);
  CHECK(got.requested_provider == full.requested_provider);
  CHECK(got.requested_model == full.requested_model);
  CHECK(got.chosen_provider == full.chosen_provider);
  CHECK(got.chosen_model == full.chosen_model);
  CHECK(got.task_class == full.task_class);
  CHECK(got.confidence == full.confidence);
  CHECK(got.reason == full.reason);
  CHECK(got.est_cost_micros == full.est_cost_micros);
  CHECK(got.baseline_provider == full.baseline_provider);
  CHECK(got.baseline_model == full.baseline_model);
  CHECK(got.baseline_input_per_m == full.baseline_input_per_m);
  CHECK(got.baseline_output_per_m == full.baseline_output_per_m);
  CHECK(got.baseline_cache_read_per_m == full.baseline_cache_read_per_m);
  CHECK(got.baseline_cache_write_per_m == full.baseline_cache_write_per_m);
  CHECK(got.applied);
  CHECK(got.detail == full.detail);
  // Equal times list the later insert first.
  CHECK(all->at(1).run_id == "tie-b");
  CHECK_FALSE(all->at(1).applied);
  CHECK(all->at(2).run_id == "tie-a");
  CHECK(all->at(2).applied);
  CHECK(all->at(3).run_id == "run-0");
  // A default decision reads back with empty texts and zeros.
  CHECK(all->at(3).chosen_provider.empty());
  CHECK(all->at(3).detail.empty());
  CHECK(all->at(3).confidence == 0);

  SECTION("the limit keeps the newest") {
    auto two = ledger->Decisions(0, 2);
    REQUIRE(two.ok());
    REQUIRE(two->size() == 2);
    CHECK(two->at(0).run_id == "run-1");
    CHECK(two->at(1).run_id == "tie-b");
    CHECK(ledger->Decisions(0, 0).value().empty());
    CHECK(ledger->Decisions(0, -1).value().empty());
  }
  SECTION("since_ms is inclusive") {
    auto since = ledger->Decisions(5000, 10);
    REQUIRE(since.ok());
    REQUIRE(since->size() == 3);
    CHECK(since->at(2).run_id == "tie-a");
    CHECK(ledger->Decisions(full.at_ms + 1, 10).value().empty());
  }
  SECTION("negative prices are refused and nothing is stored") {
    DecisionRecord bad = Decision(6000, "bad", true, -1);
    auto refused = ledger->AppendDecision(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kInvalidArgument);
    CHECK(ledger->Decisions(0, 10).value().size() == 4);
  }
}

TEST_CASE("CharsPerTokenByModel sums each model's newest ok calls that carry input_chars",
          "[ledger]") {
  auto ledger = MemoryLedger();
  std::vector<UsageRecord> calls;
  // anthropic/big: five usable calls; the newest three are at 500, 400, 300.
  for (int i = 1; i <= 5; ++i) {
    calls.push_back(CharsCall(i * 100, "anthropic", "big", 1000 * i, 100 * i, i, 2 * i));
  }
  // Newer calls that must not count or take a slot: failed, invalid, and without chars.
  UsageRecord failed = CharsCall(600, "anthropic", "big", 77'777, 7777);
  failed.outcome = Outcome::kFailed;
  UsageRecord invalid = CharsCall(650, "anthropic", "big", 88'888, 0);
  invalid.outcome = Outcome::kInvalid;
  calls.push_back(failed);
  calls.push_back(invalid);
  calls.push_back(CharsCall(700, "anthropic", "big", 0, 5555));
  // The same model id under another provider is another pair; an older call is out of range.
  calls.push_back(CharsCall(50, "openai", "big", 400, 100, 0, 0));
  calls.push_back(CharsCall(250, "openai", "big", 900, 200, 50, 10));
  calls.push_back(CharsCall(260, "openai", "small", 0, 200));  // only a call without chars
  REQUIRE(ledger->AppendBatch(calls).ok());

  auto rows = ledger->CharsPerTokenByModel(100, 3);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const CharsPerToken& big = rows->at(0);
  CHECK(big.provider == "anthropic");
  CHECK(big.model == "big");
  CHECK(big.calls == 3);
  CHECK(big.chars == 3000 + 4000 + 5000);
  // input + cache read + cache write of calls 3..5; output tokens are not prompt.
  CHECK(big.tokens == (300 + 3 + 6) + (400 + 4 + 8) + (500 + 5 + 10));
  CHECK(big.cache_read_tokens == 3 + 4 + 5);
  const CharsPerToken& openai = rows->at(1);
  CHECK(openai.provider == "openai");
  CHECK(openai.model == "big");
  CHECK(openai.calls == 1);
  CHECK(openai.chars == 900);
  CHECK(openai.tokens == 260);

  SECTION("a large per_model takes every usable call") {
    auto wide = ledger->CharsPerTokenByModel(0, 100);
    REQUIRE(wide.ok());
    REQUIRE(wide->size() == 2);
    CHECK(wide->at(0).calls == 5);
    CHECK(wide->at(0).chars == 15'000);
    CHECK(wide->at(0).tokens == 1500 + 15 + 30);
    CHECK(wide->at(1).calls == 2);
    CHECK(wide->at(1).chars == 1300);
    CHECK(wide->at(1).tokens == 360);
  }
  SECTION("since_ms cuts before the newest-N choice") {
    auto late = ledger->CharsPerTokenByModel(450, 3);
    REQUIRE(late.ok());
    REQUIRE(late->size() == 1);
    CHECK(late->at(0).calls == 1);
    CHECK(late->at(0).chars == 5000);
  }
  SECTION("nothing to report") {
    CHECK(ledger->CharsPerTokenByModel(0, 0).value().empty());
    CHECK(ledger->CharsPerTokenByModel(10'000, 3).value().empty());
  }
}

TEST_CASE("ContextCharsFor gives the session's last context and the agent's smallest recent one",
          "[ledger]") {
  auto ledger = MemoryLedger();
  std::vector<UsageRecord> calls;
  calls.push_back(ContextCall(1000, "s1", "main", 1200));
  calls.push_back(ContextCall(3000, "s1", "main", 3400));
  calls.push_back(ContextCall(4000, "s1", "main", 9000, Outcome::kFailed));  // no usage: skipped
  calls.push_back(ContextCall(5000, "s1", "main", 0));                       // chars unknown
  calls.push_back(ContextCall(2000, "s1", "main", 2500));  // stored late, but older
  // The agent's 20 newest usable calls (other sessions) have at least 800 chars; older and
  // unusable ones are smaller.
  calls.push_back(ContextCall(10, "old", "main", 50));
  for (int i = 0; i < 17; ++i) calls.push_back(ContextCall(10'000 + i, "s2", "main", 800 + i));
  calls.push_back(ContextCall(20'000, "s3", "main", 100, Outcome::kFailed));
  calls.push_back(ContextCall(20'001, "s3", "main", 0));
  calls.push_back(ContextCall(100, "w1", "worker", 640));
  REQUIRE(ledger->AppendBatch(calls).ok());

  auto both = ledger->ContextCharsFor("s1", "main");
  REQUIRE(both.ok());
  CHECK(both->session_last == 3400);
  CHECK(both->agent_baseline == 800);

  SECTION("a new smaller call lowers the baseline") {
    // s1's three usable calls + 17 in s2 are the 20 newest; the 50-char call is the 21st.
    REQUIRE(ledger->Append(ContextCall(30'000, "s4", "main", 700)).ok());
    CHECK(ledger->ContextCharsFor("s4", "main").value().agent_baseline == 700);
    CHECK(ledger->ContextCharsFor("s4", "main").value().session_last == 700);
  }
  SECTION("empty and unknown keys match nothing") {
    auto none = ledger->ContextCharsFor("", "");
    REQUIRE(none.ok());
    CHECK(none->session_last == 0);
    CHECK(none->agent_baseline == 0);
    CHECK(ledger->ContextCharsFor("s1", "").value().session_last == 3400);
    CHECK(ledger->ContextCharsFor("s1", "").value().agent_baseline == 0);
    CHECK(ledger->ContextCharsFor("", "worker").value().session_last == 0);
    CHECK(ledger->ContextCharsFor("", "worker").value().agent_baseline == 640);
    CHECK(ledger->ContextCharsFor("nope", "nobody").value().session_last == 0);
    CHECK(ledger->ContextCharsFor("nope", "nobody").value().agent_baseline == 0);
    CHECK(ledger->ContextCharsFor("s3", "").value().session_last == 0);  // no usable call
  }
  SECTION("calls without an agent or session are not matched by empty keys") {
    REQUIRE(ledger->Append(ContextCall(40'000, "", "", 5)).ok());
    CHECK(ledger->ContextCharsFor("", "").value().session_last == 0);
    CHECK(ledger->ContextCharsFor("", "").value().agent_baseline == 0);
  }
}

TEST_CASE("Routing counts decisions and prices routed calls at the run's newest applied decision",
          "[ledger]") {
  auto ledger = MemoryLedger();
  // r1: one applied decision. Prices per 1M tokens, micro-USD.
  MustAppend(*ledger, Decision(1000, "r1", true, 3'000'000, 15'000'000, 300'000, 3'750'000));
  // r2: an older applied decision, a newer applied one (whose prices win) and a newest one that
  // changed nothing.
  MustAppend(*ledger, Decision(2000, "r2", true, 1'000'000, 1'000'000, 1'000'000, 1'000'000));
  MustAppend(*ledger, Decision(2500, "r2", true, 2'500'000, 10'000'000, 250'000, 0));
  MustAppend(*ledger, Decision(2600, "r2", false, 99'000'000, 99'000'000, 99'000'000, 99'000'000));
  // r3: only an unapplied decision. "": an applied decision without a run joins nothing.
  MustAppend(*ledger, Decision(2700, "r3", false, 5'000'000));
  MustAppend(*ledger, Decision(2800, "", true, 5'000'000));
  // r5: decided after the range.
  MustAppend(*ledger, Decision(20'000, "r5", true, 5'000'000));

  REQUIRE(ledger
              ->AppendBatch({
                  RunCall(1100, "r1", 1000, 200, 5000, 100, 1234),
                  RunCall(1200, "r1", 5000, 0, 0, 0, 50, Outcome::kFailed),
                  RunCall(3000, "r2", 333, 7, 1, 50, 5), RunCall(4000, "r2", 1, 1, 0, 0, 1),
                  RunCall(4500, "r2", 0, 0, 2, 0, 2),
                  RunCall(11'000, "r2", 1000, 1000, 0, 0, 100),  // after until
                  RunCall(3000, "r3", 1000, 1000, 0, 0, 100),    // not applied
                  RunCall(3000, "r4", 1000, 1000, 0, 0, 100),    // no decision
                  RunCall(3000, "", 1000, 1000, 0, 0, 100),      // no run
              })
              .ok());

  // Baselines by hand, in micro-micro-USD (tokens x micro-USD per 1M):
  //   r1 @1100: 1000*3e6 + 200*15e6 + 5000*3e5 + 100*3.75e6 = 7'875'000'000
  //   r2 @3000:  333*2.5e6 + 7*10e6 + 1*2.5e5 + 50*0       =   902'750'000
  //   r2 @4000:    1*2.5e6 + 1*10e6                        =    12'500'000
  //   r2 @4500:    2*2.5e5                                 =       500'000
  // The sum is rounded once: 8790.75 -> 8791 and 915.75 -> 916 micro-USD (rounding each call
  // first would give 8792 and 917).
  auto routing = ledger->Routing({0, 1500, 9500}, 10'000);
  REQUIRE(routing.ok());
  REQUIRE(routing->size() == 3);
  const RoutingTotals& all = routing->at(0);
  CHECK(all.decisions == 6);
  CHECK(all.applied == 4);
  CHECK(all.routed_calls == 4);
  CHECK(all.cost_micros == 1234 + 5 + 1 + 2);
  CHECK(all.baseline_micros == 8791);
  const RoutingTotals& late = routing->at(1);
  CHECK(late.decisions == 5);
  CHECK(late.applied == 3);
  CHECK(late.routed_calls == 3);
  CHECK(late.cost_micros == 8);
  CHECK(late.baseline_micros == 916);
  const RoutingTotals& empty = routing->at(2);
  CHECK(empty.decisions == 0);
  CHECK(empty.applied == 0);
  CHECK(empty.routed_calls == 0);
  CHECK(empty.cost_micros == 0);
  CHECK(empty.baseline_micros == 0);

  SECTION("bounds are inclusive at both ends") {
    auto edge = ledger->Routing({1000}, 1100);
    REQUIRE(edge.ok());
    REQUIRE(edge->size() == 1);
    CHECK(edge->at(0).decisions == 1);
    CHECK(edge->at(0).applied == 1);
    CHECK(edge->at(0).routed_calls == 1);
    CHECK(edge->at(0).baseline_micros == 7875);
  }
  SECTION("no periods, no rows") { CHECK(ledger->Routing({}, 10'000).value().empty()); }
  SECTION("a later applied decision reprices the run") {
    MustAppend(*ledger, Decision(2900, "r2", true, 0, 0, 0, 1'000'000));
    auto repriced = ledger->Routing({1500}, 10'000);
    REQUIRE(repriced.ok());
    CHECK(repriced->at(0).routed_calls == 3);
    CHECK(repriced->at(0).baseline_micros == 50);  // only cache writes are priced now: 50 x $1/1M
  }
}

TEST_CASE("A schema 2 file migrates to schema 3 keeping its calls and events", "[ledger]") {
  TempDir dir;
  const std::string path = dir.File("v2.sqlite");
  // The exact v2 layout, as shipped, with two calls of one session, their rollup and an event.
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
  cost_source TEXT NOT NULL CHECK (cost_source IN ('openclaw','override','config','table','none')),
  outcome TEXT NOT NULL CHECK (outcome IN ('ok','failed','invalid')),
  note TEXT NOT NULL DEFAULT '',
  model_calls INTEGER NOT NULL DEFAULT 1 CHECK (model_calls >= 0),
  counts_as_message INTEGER NOT NULL DEFAULT 0 CHECK (counts_as_message IN (0, 1))) STRICT;
CREATE INDEX calls_by_time ON calls (at_ms);
CREATE INDEX calls_by_provider_time ON calls (provider, at_ms);
CREATE TABLE usage_hourly (
  provider TEXT NOT NULL, hour_ms INTEGER NOT NULL, model TEXT NOT NULL, calls INTEGER NOT NULL,
  failures INTEGER NOT NULL, invalid INTEGER NOT NULL, messages INTEGER NOT NULL,
  requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
  cost_micros INTEGER NOT NULL, PRIMARY KEY (provider, hour_ms, model)) STRICT, WITHOUT ROWID;
CREATE INDEX usage_hourly_by_hour ON usage_hourly (hour_ms);
CREATE TABLE events (
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('set-usage','reset','mode','undo','alert','api-snapshot')),
  provider TEXT NOT NULL DEFAULT '', window TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}', undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  dedupe_key TEXT UNIQUE) STRICT;
CREATE INDEX events_by_kind ON events (kind, provider, window, at_ms);
INSERT INTO calls (at_ms, provider, model, agent_id, session_key, run_id, trigger, input_tokens,
  output_tokens, cache_read_tokens, cache_write_tokens, cost_micros, cost_source, outcome,
  model_calls, counts_as_message) VALUES
  (1000, 'a', 'm', 'main', 's1', 'r1', 'user', 100, 10, 5, 0, 400, 'openclaw', 'ok', 1, 1),
  (2000, 'a', 'm', 'main', 's1', 'r2', 'user', 50, 5, 0, 0, 200, 'table', 'ok', 2, 1);
INSERT INTO usage_hourly VALUES ('a', 0, 'm', 2, 0, 0, 2, 3, 150, 15, 5, 0, 600);
INSERT INTO events (at_ms, kind, provider, payload) VALUES (1500, 'mode', '', '{"mode":"auto"}');
PRAGMA user_version = 2;
)sql");

  {
    auto opened = Ledger::Open(LedgerOptions{path, 5000});
    INFO(opened.status().message());
    REQUIRE(opened.ok());
    auto& ledger = *opened.value();
    CHECK(QueryText(path, "PRAGMA user_version") == std::to_string(router::ledger::kSchemaVersion));
    CHECK(QueryText(path, "SELECT COUNT(*) FROM calls") == "2");
    CHECK(QueryText(path, "SELECT COUNT(*) FROM calls WHERE input_chars = 0") == "2");
    CHECK(QueryText(path,
                    "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master"
                    " WHERE type = 'index' AND name IN ('calls_by_session_time',"
                    " 'calls_by_agent_time', 'decisions_by_run', 'decisions_by_time')"
                    " ORDER BY name)") ==
          "calls_by_agent_time,calls_by_session_time,decisions_by_run,decisions_by_time");
    // Old data reads as before; calls without chars give no evidence.
    auto sums = ledger.SumRange(0, 3'600'000, "");
    REQUIRE(sums.ok());
    REQUIRE(sums->size() == 1);
    CHECK(sums->at(0).totals.calls == 2);
    CHECK(sums->at(0).totals.cost_micros == 600);
    CHECK(ledger.Events("mode", "", 0).value().size() == 1);
    CHECK(ledger.CharsPerTokenByModel(0, 10).value().empty());
    CHECK(ledger.ContextCharsFor("s1", "main").value().session_last == 0);
    CHECK(ledger.ContextCharsFor("s1", "main").value().agent_baseline == 0);
    CHECK(ledger.Decisions(0, 10).value().empty());

    // The new column and table take writes, and old runs can be joined to new decisions.
    UsageRecord call = UserCall(3000, "a", 60, 300);
    call.session_key = "s1";
    call.agent_id = "main";
    call.run_id = "r2";
    call.input_chars = 2400;
    REQUIRE(ledger.Append(call).ok());
    MustAppend(ledger, Decision(1900, "r2", true, 1'000'000));
    CHECK(ledger.ContextCharsFor("s1", "main").value().session_last == 2400);
    CHECK(ledger.CharsPerTokenByModel(0, 10).value().at(0).chars == 2400);
    auto routing = ledger.Routing({0}, 10'000);
    REQUIRE(routing.ok());
    CHECK(routing->at(0).decisions == 1);
    CHECK(routing->at(0).routed_calls == 2);
    CHECK(routing->at(0).cost_micros == 500);
    CHECK(routing->at(0).baseline_micros == 110);  // (50 + 60) tokens at $1/1M
    // The schema still refuses what it refused before, and negative chars.
    call.input_chars = -1;
    CHECK(ledger.Append(call).code() == Status::Code::kInvalidArgument);
  }
  // Reopening a migrated file changes nothing.
  auto again = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE(again.ok());
  CHECK(again.value()->CountRecords().value() == 3);
  CHECK(again.value()->Decisions(0, 10).value().size() == 1);

  again.value().reset();

  // A file one version ahead of this build is refused.
  ExecOn(path, "PRAGMA user_version = " + std::to_string(router::ledger::kSchemaVersion + 1));
  auto newer = Ledger::Open(LedgerOptions{path, 5000});
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().code() == Status::Code::kFailedPrecondition);
}
