#include "router/optimize/analyze.h"

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/mode.h"
#include "router/commands/optimize.h"
#include "router/pricing/pricer.h"
#include "router/score/capabilities.h"
#include "testing.h"
#include "world.h"

namespace router::optimize {
namespace {

using fixture::ActionFor;
using fixture::kHour;
using fixture::kNow;
using fixture::World;
using nlohmann::json;

std::string ProviderOfRef(const std::string& ref) { return ref.substr(0, ref.find('/')); }

}  // namespace

TEST_CASE("a cron job on an expensive model with only simple prompts gets a cheaper model",
          "[optimize]") {
  World w;
  w.jobs = json::parse(R"({"jobs": [{"id": "j1", "name": "Morning brief", "agentId": "main",
    "payload": {"kind": "agentTurn", "model": "anthropic/claude-opus-4-7"}}]})");
  // Opus: 1000 x $15/M + 200 x $75/M = 30,000 micro-USD per call.
  w.Calls("main", "j1", "cron", "anthropic", "claude-opus-4-7", 100, 30'000, "simple");
  const Inputs in = w.Build();
  const Analysis a = Analyze(in);
  const Action* action = ActionFor(a, "j1");
  REQUIRE(action != nullptr);
  CHECK(action->kind == ActionKind::kSetModel);
  CHECK(action->after.primary == "openai/gpt-5-nano");
  CHECK(action->after.fallbacks == std::vector<std::string>{"anthropic/claude-opus-4-7"});
  CHECK(action->gateway);  // cron jobs are edited through the gateway
  CHECK(action->changes.empty());
  // 10 days: $3.00 spent; on nano 100k x $0.05/M + 20k x $0.40/M = $0.013; x 30 / 10 days.
  CHECK(action->monthly_saving_micros == (3'000'000 - 13'000) * 3);
  CHECK(action->score_after >= score::DefaultThresholds().at("simple"));
  REQUIRE(a.summaries.size() == 1);
  CHECK(a.summaries[0].days == 10);
  CHECK(a.summaries[0].monthly_cost_micros == 9'000'000);
  CHECK(a.summaries[0].cost_per_run_micros == 30'000);
  // No user talked: the whole job's spend is idle burn, reported with the action.
  bool idle = false;
  for (const Finding& f : a.findings) {
    if (f.kind == FindingKind::kIdleBurn) {
      idle = true;
      CHECK(f.actions == std::vector<std::string>{action->id});
    }
  }
  CHECK(idle);
}

TEST_CASE("a model below a class's quality threshold is never proposed", "[optimize]") {
  World w;
  w.Calls("main", "", "user", "anthropic", "claude-opus-4-7", 50, 30'000, "coding");
  w.Calls("main", "", "user", "anthropic", "claude-opus-4-7", 50, 30'000, "simple");
  const Inputs in = w.Build();
  const Analysis a = Analyze(in);
  REQUIRE_FALSE(a.actions.empty());
  for (const Action& action : a.actions) {
    for (const char* task : {"coding", "simple"}) {
      const auto* c =
          &*std::find_if(in.models.begin(), in.models.end(),
                         [&](const route::Candidate& m) { return m.ref == action.after.primary; });
      CHECK(score::TaskScore(c->profile, task) >= in.thresholds.at(task));
    }
  }
  // gpt-5-nano is cheaper but scores under the coding threshold; gpt-5-mini clears both.
  const Action* main = ActionFor(a, "main");
  REQUIRE(main != nullptr);
  CHECK(main->after.primary == "openai/gpt-5-mini");
  // The defaults hold a string model: one key, the old model kept as its fallback.
  REQUIRE(main->changes.size() == 1);
  CHECK(main->changes[0].path == "/agents/defaults/model");
  CHECK(*main->changes[0].after ==
        json::parse(
            R"({"primary": "openai/gpt-5-mini", "fallbacks": ["anthropic/claude-opus-4-7"]})"));
}

TEST_CASE("an agent on a provider close to running out gets a shift", "[optimize]") {
  World w;
  w.config = json::parse(R"({"agents": {"defaults": {"model": {"primary":
    "anthropic/claude-sonnet-4-6", "fallbacks": ["openai/gpt-5-mini"]}}}})");
  // $3/M in, $15/M out: 6,000 micro-USD per call. Math prompts: no cheaper model clears math;
  // only gpt-5.5, dearer, does off anthropic.
  w.Calls("main", "", "user", "anthropic", "claude-sonnet-4-6", 30, 6'000, "math");
  const int64_t reset = kNow + 2 * kHour;
  const Inputs calm_in = w.Build();  // the analysis points into its inputs: keep them
  const Analysis calm = Analyze(calm_in);
  CHECK(ActionFor(calm, "main") == nullptr);
  const Inputs in = w.Build({{"anthropic", "5h", 0.96, 0.9, kNow + kHour, reset}});
  const Analysis a = Analyze(in);
  const Action* shift = ActionFor(a, "main");
  REQUIRE(shift != nullptr);
  CHECK(shift->kind == ActionKind::kShift);
  CHECK(shift->after.primary == "openai/gpt-5.5");
  CHECK(ProviderOfRef(shift->after.primary) != "anthropic");
  CHECK(shift->until_ms == reset);
  CHECK(shift->after.fallbacks.front() == "anthropic/claude-sonnet-4-6");
  bool named = false;
  for (const Finding& f : a.findings) {
    if (f.kind == FindingKind::kExhaustion) {
      named =
          f.provider == "anthropic" && f.message.find("agent main 30 calls") != std::string::npos;
    }
  }
  CHECK(named);
}

TEST_CASE("OpenClaw's own monitor jobs are analysed but never edited", "[optimize]") {
  World w;
  // OpenClaw refuses cron clients' edits to "heartbeat:" and "skill-collection-review:" jobs.
  w.jobs = json::parse(R"({"jobs": [
    {"id": "r1", "name": "skill-collection-review-main", "agentId": "main",
     "declarationKey": "skill-collection-review:main",
     "payload": {"kind": "agentTurn", "model": "anthropic/claude-opus-4-7"}},
    {"id": "j1", "name": "Morning brief", "agentId": "main", "declarationKey": "mine",
     "payload": {"kind": "agentTurn", "model": "anthropic/claude-opus-4-7"}}]})");
  w.Calls("main", "r1", "cron", "anthropic", "claude-opus-4-7", 100, 30'000, "simple");
  w.Calls("main", "j1", "cron", "anthropic", "claude-opus-4-7", 100, 30'000, "simple");
  const Inputs in = w.Build();
  const Analysis a = Analyze(in);
  CHECK(a.summaries.size() == 2);
  CHECK(ActionFor(a, "r1") == nullptr);
  REQUIRE(ActionFor(a, "j1") != nullptr);
  CHECK(ToJson(a.summaries[0]).at("target").value("systemOwned", false) ==
        (a.summaries[0].target->id == "r1"));
  auto shift = PlanShift(in, "anthropic", "openai/gpt-5", 0);
  REQUIRE(shift.ok());
  std::vector<std::string> moved;
  for (const Action& action : shift.value()) moved.push_back(action.target->id);
  CHECK(std::count(moved.begin(), moved.end(), "j1") == 1);
  CHECK(std::count(moved.begin(), moved.end(), "r1") == 0);
}

TEST_CASE("a heartbeat spending while no user talks is reported as idle burn", "[optimize]") {
  World w;
  // 40 hourly heartbeats at $0.03; a user talked in the first 10 of those hours only. A call is
  // idle when no user call came in its clock hour or the one before: 29 are.
  w.Calls("main", "", "user", "openai", "gpt-5", 10, 1'000, "coding");
  w.Calls("main", "", "heartbeat", "anthropic", "claude-opus-4-7", 40, 30'000, "simple");
  const Inputs in = w.Build();
  const Analysis a = Analyze(in);
  const TargetSummary* beat = nullptr;
  for (const TargetSummary& s : a.summaries) {
    if (s.target->kind == TargetKind::kHeartbeat) beat = &s;
  }
  REQUIRE(beat != nullptr);
  CHECK(beat->history.totals.cost_micros == 40 * 30'000);
  CHECK(beat->history.idle_cost_micros == 29 * 30'000);
  const Finding* idle = nullptr;
  for (const Finding& f : a.findings) {
    if (f.kind == FindingKind::kIdleBurn && f.target == beat->target) idle = &f;
  }
  REQUIRE(idle != nullptr);
  INFO(idle->message);
  CHECK(idle->message.find("heartbeat spent $0.87 in 10 days ($2.61/month)") != std::string::npos);
  CHECK(idle->message.find("while no user was talking") != std::string::npos);
}

TEST_CASE("nothing is proposed without history", "[optimize]") {
  World w;
  w.jobs = json::parse(R"([{"id": "j1", "payload": {"model": "anthropic/claude-opus-4-7"}}])");
  const Inputs in = w.Build({{"anthropic", "5h", 0.99, 1.0, 0, 0}});
  const Analysis a = Analyze(in);
  CHECK(a.summaries.empty());
  CHECK(a.actions.empty());
  CHECK(a.monthly_saving_micros == 0);
  for (const Finding& f : a.findings) CHECK(f.kind == FindingKind::kExhaustion);
}

TEST_CASE("optimize --apply records the change and undo restores it, or refuses",
          "[optimize][undo]") {
  World w;
  w.Calls("main", "", "heartbeat", "anthropic", "claude-opus-4-7", 40, 30'000, "simple");
  FakeClock clock(kNow);
  const route::Router router(w.options, w.catalog);
  const commands::Context ctx{w.options, *w.ledger, clock, router};
  auto planned = commands::Optimize(ctx, {{"config", w.config}, {"apply", true}});
  INFO(planned.status().message());
  REQUIRE(planned.ok());
  const json& applied = planned->at("applied");
  REQUIRE(applied.at("eventId").is_number());
  auto changes = ChangesFromJson(applied.at("changes"), "changes");
  REQUIRE(changes.ok());
  REQUIRE_FALSE(changes->empty());
  CHECK(changes->front().path == "/agents/defaults/heartbeat");
  const json written = Apply(w.config, changes.value()).value();
  CHECK(written["agents"]["defaults"]["heartbeat"]["model"] == "openai/gpt-5-nano");

  SECTION("a conflicting edit is refused and the change stays applied") {
    json edited = written;
    edited["agents"]["defaults"]["heartbeat"]["model"] = "openai/gpt-5";
    auto undo = commands::Undo(ctx, edited);
    CHECK(undo.status().code() == Status::Code::kFailedPrecondition);
    CHECK_FALSE(commands::Undo(ctx, nullptr).ok());  // no config: cannot restore
    CHECK_FALSE(w.ledger->LatestUndoable({"config-change"}).value().value().undone);
  }
  SECTION("undo restores the config byte for byte") {
    auto undo = commands::Undo(ctx, written);
    INFO(undo.status().message());
    REQUIRE(undo.ok());
    auto restore = ChangesFromJson(undo->at("changes"), "changes");
    REQUIRE(restore.ok());
    CHECK(Apply(written, restore.value()).value().dump() == w.config.dump());
    CHECK_FALSE(w.ledger->LatestUndoable({"config-change"}).value().has_value());
  }
}

}  // namespace router::optimize

namespace router::optimize {

TEST_CASE("shift moves every agent off a provider until a time, then is due to revert",
          "[optimize][shift]") {
  World w;
  w.config = json::parse(R"({"agents": {"defaults": {"model": "anthropic/claude-opus-4-7"},
    "entries": {"ops": {"model": {"primary": "anthropic/claude-sonnet-4-6", "fallbacks": []}},
                "docs": {"model": "openai/gpt-5-mini"}}}})");
  FakeClock clock(kNow);
  const route::Router router(w.options, w.catalog);
  const commands::Context ctx{w.options, *w.ledger, clock, router};
  auto shifted = commands::Shift(ctx, {{"provider", "anthropic"},
                                       {"to", "openai/gpt-5"},
                                       {"until", "2h"},
                                       {"apply", true},
                                       {"config", w.config}});
  INFO(shifted.status().message());
  REQUIRE(shifted.ok());
  const json& actions = shifted->at("actions");
  REQUIRE(actions.size() == 1);  // ops; docs is on openai; the heartbeat follows the defaults
  CHECK(actions[0]["target"]["id"] == "ops");
  CHECK(shifted->at("untilMs") == kNow + 2 * kHour);
  auto changes = ChangesFromJson(shifted->at("applied").at("changes"), "changes");
  REQUIRE(changes.ok());
  const json written = Apply(w.config, changes.value()).value();
  CHECK(
      written["agents"]["entries"]["ops"]["model"] ==
      json::parse(R"({"primary": "openai/gpt-5", "fallbacks": ["anthropic/claude-sonnet-4-6"]})"));
  CHECK(written["agents"]["defaults"]["model"] == "anthropic/claude-opus-4-7");  // no history
  CHECK(commands::DueShifts(ctx).value().empty());
  clock.Advance(2 * kHour);
  REQUIRE(commands::DueShifts(ctx).value().size() == 1);
  auto reverted = commands::RevertDue(ctx, written, nullptr);
  REQUIRE(reverted.ok());
  CHECK(reverted->at("reverted").size() == 1);
  auto back = ChangesFromJson(reverted->at("changes"), "changes");
  REQUIRE(back.ok());
  CHECK(Apply(written, back.value()).value() == w.config);
  CHECK(commands::DueShifts(ctx).value().empty());
}

}  // namespace router::optimize

namespace router::optimize {

TEST_CASE("shift --until: a duration counts from the command's own clock; a past time is refused",
          "[optimize][shift]") {
  World w;
  w.config = json::parse(R"({"agents": {"defaults": {"model": "openai/gpt-5-mini"},
    "entries": {"ops": {"model": "anthropic/claude-sonnet-4-6"}}}})");
  FakeClock clock(kNow);
  const route::Router router(w.options, w.catalog);
  const commands::Context ctx{w.options, *w.ledger, clock, router};
  auto shift = [&](const std::string& until) {
    return commands::Shift(ctx, {{"provider", "anthropic"},
                                 {"to", "openai/gpt-5"},
                                 {"until", until},
                                 {"config", w.config}});
  };
  CHECK(shift("90s").value().at("untilMs") == kNow + 90'000);
  CHECK(shift("30m").value().at("untilMs") == kNow + 30 * 60'000);
  CHECK(shift(std::to_string(kNow + 1)).value().at("untilMs") == kNow + 1);
  const auto past = shift(std::to_string(kNow - 12'000));
  REQUIRE_FALSE(past.ok());
  CHECK(past.status().code() == Status::Code::kInvalidArgument);
  const std::string message = past.status().message();
  CHECK(message.find("argument until") != std::string::npos);
  CHECK(message.find("12 s in the past") != std::string::npos);
  CHECK(message.find("a duration from now such as 90s") != std::string::npos);
  CHECK_FALSE(shift("90x").ok());
}

}  // namespace router::optimize
