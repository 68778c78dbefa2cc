// Applying plans for real: cron job edits (keys of the job as the gateway lists it) and their
// undo, mode auto's triggers, the check that OpenClaw honoured a change, and where a routed cron
// turn's class is counted.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/mode.h"
#include "router/commands/optimize.h"
#include "world.h"

namespace router::optimize {
namespace {

using fixture::kHour;
using fixture::kNow;
using fixture::World;
using nlohmann::json;

const json kJobs = json::parse(R"({"jobs": [{"id": "j1", "name": "Morning brief",
  "agentId": "main", "enabled": true,
  "payload": {"kind": "agentTurn", "message": "news", "model": "anthropic/claude-opus-4-7"}}]})");

struct Commands {
  World& w;
  FakeClock clock{kNow};
  route::Router router{w.options, w.catalog};
  commands::Context ctx{w.options, *w.ledger, clock, router};
};

// The job after `edits` ([{jobId, changes}]) as `openclaw cron edit` leaves it.
json Edited(const json& jobs, const json& edits) {
  json out = jobs;
  for (const json& edit : edits) {
    for (json& job : out["jobs"]) {
      if (job["id"] != edit["jobId"]) continue;
      job = Apply(job, ChangesFromJson(edit["changes"], "changes").value()).value();
    }
  }
  return out;
}

}  // namespace

TEST_CASE("optimize --apply edits a cron job's model through its keys; undo restores it",
          "[optimize][cron]") {
  World w;
  w.Calls("main", "j1", "cron", "anthropic", "claude-opus-4-7", 60, 30'000, "simple");
  Commands c{w};
  auto planned = commands::Optimize(c.ctx, {{"config", w.config}, {"jobs", kJobs}});
  REQUIRE(planned.ok());
  const json& action = planned->at("actions").at(0);
  CHECK(action["target"]["id"] == "j1");
  CHECK(action["changes"] == json::parse(R"([
    {"path": "/payload/model", "before": "anthropic/claude-opus-4-7", "after": "openai/gpt-5-nano"},
    {"path": "/payload/fallbacks", "after": ["anthropic/claude-opus-4-7"]}])"));

  auto applied =
      commands::Optimize(c.ctx, {{"config", w.config}, {"jobs", kJobs}, {"apply", true}});
  INFO(applied.status().message());
  REQUIRE(applied.ok());
  const json& cron = applied->at("applied").at("cron");
  REQUIRE(cron.size() == 1);
  CHECK(applied->at("applied").at("gatewayRequired").empty());
  const json written = Edited(kJobs, cron);
  CHECK(written["jobs"][0]["payload"]["model"] == "openai/gpt-5-nano");

  SECTION("without the gateway, undo says so and keeps the change") {
    auto undo = commands::Undo(c.ctx, w.config, nullptr);
    CHECK(undo.status().code() == Status::Code::kFailedPrecondition);
    CHECK(undo.status().message().find("needs the gateway") != std::string::npos);
    CHECK(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
  SECTION("a job deleted since is a clear error, nothing restored") {
    auto undo = commands::Undo(c.ctx, w.config, json{{"jobs", json::array()}});
    CHECK(undo.status().code() == Status::Code::kNotFound);
    CHECK(undo.status().message().find("cron job j1") != std::string::npos);
    CHECK(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
  SECTION("a job the user edited since is refused") {
    json mine = written;
    mine["jobs"][0]["payload"]["model"] = "openai/gpt-5-mini";
    auto undo = commands::Undo(c.ctx, w.config, mine);
    CHECK(undo.status().code() == Status::Code::kFailedPrecondition);
    CHECK(undo.status().message().find("/payload/model") != std::string::npos);
  }
  SECTION("undo puts the job back exactly, unrelated job keys kept") {
    json later = written;
    later["jobs"][0]["enabled"] = false;  // the user paused it meanwhile
    auto undo = commands::Undo(c.ctx, w.config, later);
    INFO(undo.status().message());
    REQUIRE(undo.ok());
    json expected = kJobs;
    expected["jobs"][0]["enabled"] = false;
    CHECK(Edited(later, undo->at("cron")).dump() == expected.dump());
    CHECK_FALSE(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
}

TEST_CASE("mode auto acts once on a budget crossing; dry-run reports once; manual does nothing",
          "[optimize][auto]") {
  World w(R"({"dailyBudgetUsd": 1, "budgetSoftThreshold": 0.8})");
  // Today (UTC; kNow is 14 h into its day): 9 heartbeat calls of $0.10 = $0.90 of the $1 budget.
  w.start_ms = kNow - 10 * kHour;
  w.Calls("main", "", "heartbeat", "anthropic", "claude-opus-4-7", 9, 100'000, "simple");
  Commands c{w};
  const json args = {{"config", w.config}, {"jobs", json{{"jobs", json::array()}}}, {"auto", true}};

  SECTION("auto") {
    REQUIRE(commands::Mode(c.ctx, "auto").ok());
    auto first = commands::Optimize(c.ctx, args);
    INFO(first.status().message());
    REQUIRE(first.ok());
    REQUIRE_FALSE(first->at("triggers").empty());
    CHECK(first->at("triggers").back().get<std::string>().find("daily budget $0.90") == 0);
    CHECK(first->at("autoFired") == true);
    CHECK(first->at("applied").at("changes").size() == 1);
    auto again = commands::Optimize(c.ctx, args);
    REQUIRE(again.ok());
    CHECK(again->at("autoFired") == false);  // once per crossing
    // Undoable like any applied plan.
    auto undo = commands::Undo(c.ctx, w.config, nullptr);
    CHECK(undo.ok());
  }
  SECTION("auto without a cron listing asks for one first") {
    REQUIRE(commands::Mode(c.ctx, "auto").ok());
    json no_jobs = args;
    no_jobs.erase("jobs");
    auto out = commands::Optimize(c.ctx, no_jobs);
    REQUIRE(out.ok());
    CHECK(out->at("needsJobs") == true);
    CHECK_FALSE(out->contains("applied"));
  }
  SECTION("dry-run") {
    REQUIRE(commands::Mode(c.ctx, "dry-run").ok());
    auto first = commands::Optimize(c.ctx, args);
    REQUIRE(first.ok());
    CHECK(first->at("autoFired") == false);
    CHECK(first->at("autoReport").get<std::string>().find("would apply") != std::string::npos);
    CHECK(commands::Optimize(c.ctx, args)->at("autoReport").is_null());
    CHECK_FALSE(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
  SECTION("manual") {
    REQUIRE(commands::Mode(c.ctx, "manual").ok());
    auto out = commands::Optimize(c.ctx, args);
    REQUIRE(out.ok());
    CHECK(out->at("autoFired") == false);
    CHECK_FALSE(out->contains("actions"));
    CHECK_FALSE(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
}

TEST_CASE("a change OpenClaw does not honour raises an alert, once", "[optimize][honoured]") {
  World w;
  w.Calls("main", "j1", "cron", "anthropic", "claude-opus-4-7", 60, 30'000, "simple");
  Commands c{w};
  auto applied =
      commands::Optimize(c.ctx, {{"config", w.config}, {"jobs", kJobs}, {"apply", true}});
  REQUIRE(applied.ok());
  const json written = Edited(kJobs, applied->at("applied").at("cron"));
  const json args = {{"config", w.config}, {"jobs", written}};
  c.clock.Advance(kHour);
  auto clean = commands::Analyze(c.ctx, args);
  REQUIRE(clean.ok());
  CHECK(clean->at("honoured").at("changes").empty());

  // The next run still calls opus (the job was edited back behind the plugin's back).
  w.start_ms = kNow + 30 * 60'000;
  w.Calls("main", "j1", "cron", "anthropic", "claude-opus-4-7", 1, 30'000, "simple");
  auto first = commands::Analyze(c.ctx, args);
  REQUIRE(first.ok());
  const json& found = first->at("honoured");
  REQUIRE(found.at("changes").size() == 1);
  CHECK(found["changes"][0]["seen"] == "anthropic/claude-opus-4-7");
  CHECK(found["changes"][0]["expected"] == "openai/gpt-5-nano");
  REQUIRE(found.at("new").size() == 1);
  CHECK(found["new"][0].get<std::string>().find("cron-job j1 still calls") != std::string::npos);
  auto second = commands::Analyze(c.ctx, args);
  CHECK(second->at("honoured").at("changes").size() == 1);
  CHECK(second->at("honoured").at("new").empty());  // alerted once
}

TEST_CASE("a routed cron turn's class counts for its job, not its agent", "[optimize]") {
  World w;
  ledger::DecisionRecord d;
  d.at_ms = kNow - kHour;
  d.agent_id = "main";
  d.trigger = "cron";  // a routed turn's decision carries no job id
  d.task_class = "coding";
  REQUIRE(w.ledger->AppendDecision(d).ok());
  REQUIRE(w.ledger->AppendTurnClass({d.at_ms, "main", "j1", "cron", "coding"}).ok());
  w.jobs = kJobs;
  const Inputs in = w.Build();
  for (const Target& t : in.targets) {
    const History h = HistoryOf(t, in.usage, in.classes);
    if (t.kind == TargetKind::kCronJob)
      CHECK(h.classes == std::map<std::string, int64_t>{{"coding", 1}});
    if (t.kind == TargetKind::kAgent) CHECK(h.classes.empty());
  }
}

}  // namespace router::optimize
