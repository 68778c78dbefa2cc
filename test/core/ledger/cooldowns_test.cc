// Cooldowns in the ledger (schema 4): stored, still running, ended by time or by a success, kept
// across a reopen; and the fallback decisions status lists.
#include <string>

#include <catch2/catch.hpp>

#include "router/ledger/ledger.h"
#include "testing.h"

namespace router::ledger {
namespace {

using testing::MemoryLedger;

CooldownRow Row(const std::string& model, int64_t failed_at, int64_t until, int streak = 1) {
  return {"cloud", model, failed_at, until, streak, "server-error"};
}

UsageRecord Call(int64_t at_ms, const std::string& model, Outcome outcome) {
  UsageRecord r = testing::UserCall(at_ms, "cloud", 100);
  r.model = model;
  r.outcome = outcome;
  return r;
}

TEST_CASE("a cooldown runs until its end, replaced by the newer one of the same model",
          "[ledger][failover]") {
  auto ledger = MemoryLedger();
  REQUIRE(ledger->PutCooldown(Row("strong", 1'000, 31'000)).ok());
  REQUIRE(ledger->PutCooldown(Row("mid", 1'000, 11'000)).ok());
  auto active = ledger->ActiveCooldowns(10'000);
  REQUIRE(active.ok());
  REQUIRE(active->size() == 2);
  CHECK(active->at(0).model == "mid");
  CHECK(active->at(1).until_ms == 31'000);
  CHECK(ledger->ActiveCooldowns(20'000)->size() == 1);  // mid's ended

  REQUIRE(ledger->PutCooldown(Row("strong", 40'000, 100'000, 2)).ok());
  auto last = ledger->LastCooldown("cloud", "strong");
  REQUIRE(last.ok());
  REQUIRE(last->has_value());
  CHECK(last.value()->streak == 2);
  CHECK(last.value()->kind == "server-error");
  CHECK_FALSE(ledger->LastCooldown("cloud", "cheap")->has_value());
}

TEST_CASE("a success after the failure ends the cooldown; a failure does not",
          "[ledger][failover]") {
  auto ledger = MemoryLedger();
  REQUIRE(ledger->PutCooldown(Row("strong", 1'000, 100'000)).ok());
  REQUIRE(ledger->PutCooldown({"other", "*", 1'000, 100'000, 1, "unreachable"}).ok());
  REQUIRE(ledger->Append(Call(500, "strong", Outcome::kOk)).ok());  // before the failure
  REQUIRE(ledger->Append(Call(2'000, "strong", Outcome::kFailed)).ok());
  REQUIRE(ledger->Append(Call(2'000, "mid", Outcome::kOk)).ok());  // another model
  CHECK(ledger->ActiveCooldowns(3'000)->size() == 2);
  REQUIRE(ledger->Append(Call(2'500, "strong", Outcome::kOk)).ok());
  auto active = ledger->ActiveCooldowns(3'000);
  REQUIRE(active->size() == 1);
  CHECK(active->at(0).provider == "other");
  CHECK_FALSE(ledger->LastCooldown("cloud", "strong")->has_value());
  // A provider-wide cooldown ends with a success of any of its models.
  UsageRecord other = Call(2'600, "x", Outcome::kOk);
  other.provider = "other";
  REQUIRE(ledger->Append(other).ok());
  CHECK(ledger->ActiveCooldowns(3'000)->empty());
}

TEST_CASE("cooldowns survive closing and reopening the file", "[ledger][failover]") {
  testing::TempDir dir;
  const std::string path = (dir.path() / "ledger.sqlite").string();
  {
    auto ledger = Ledger::Open({path, 5000});
    REQUIRE(ledger.ok());
    REQUIRE(ledger.value()->PutCooldown(Row("strong", 1'000, 60'000, 3)).ok());
  }
  auto reopened = Ledger::Open({path, 5000});
  REQUIRE(reopened.ok());
  auto active = reopened.value()->ActiveCooldowns(2'000);
  REQUIRE(active->size() == 1);
  CHECK(active->at(0).streak == 3);
}

TEST_CASE("FallbackDecisions lists applied decisions of later attempts", "[ledger][failover]") {
  auto ledger = MemoryLedger();
  auto decision = [](int64_t at, const std::string& chosen, int attempt, bool applied) {
    DecisionRecord d;
    d.at_ms = at;
    d.run_id = "run-1";
    d.requested_provider = "router";
    d.requested_model = "auto";
    d.chosen_provider = "cloud";
    d.chosen_model = chosen;
    d.applied = applied;
    d.detail = "{\"attempt\":" + std::to_string(attempt) + "}";
    return d;
  };
  REQUIRE(ledger->AppendDecision(decision(1'000, "strong", 1, true)).ok());
  REQUIRE(ledger->AppendDecision(decision(2'000, "mid", 2, true)).ok());
  REQUIRE(ledger->AppendDecision(decision(3'000, "", 3, false)).ok());
  auto rows = ledger->FallbackDecisions(0, 10);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK(rows->at(0).chosen_model == "mid");
  CHECK(ledger->FallbackDecisions(2'001, 10)->empty());
}

}  // namespace
}  // namespace router::ledger
