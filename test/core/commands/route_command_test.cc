// `route` through the dispatcher: arguments, the ledger state it reads, the decision it logs and
// the savings status then reports.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/commands/route.h"
#include "router/report/text.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'790'000'000'000;

constexpr const char* kConfig = R"({
          "timezone": "UTC", "dailyBudgetUsd": 5,
          "providers": {"cloud": {"models": ["strong", "cheap"]},
                        "box": {"tier": "local", "models": ["small"]}},
          "priceOverrides": {"cloud/strong": {"input": 10, "output": 50},
                             "cloud/cheap": {"input": 0.5, "output": 1}},
          "capabilities": {
            "cloud/strong": {"coding": 0.95, "reasoning": 0.95, "creative": 0.9, "instruction": 0.95,
                             "context": 0.9, "speed": 0.4, "contextWindow": 200000, "tools": true},
            "cloud/cheap": {"coding": 0.3, "reasoning": 0.5, "creative": 0.4, "instruction": 0.7,
                            "context": 0.3, "speed": 0.9, "contextWindow": 32000, "tools": true},
            "box/small": {"coding": 0.1, "reasoning": 0.1, "creative": 0.1, "instruction": 0.1,
                          "context": 0.1, "speed": 0.5, "contextWindow": 8000}}})";

struct Fixture : testing::CommandFixture {
  Fixture() : CommandFixture(kConfig, kNow) {}
};

TEST_CASE("route decides without logging unless asked", "[commands][route]") {
  Fixture f;
  const json decision = f.Ok("route", {{"prompt", "hello there"}, {"model", "router/simple"}});
  CHECK(decision["schema"] == "router.route/1");
  CHECK(decision["generatedAtMs"] == kNow);
  CHECK(decision["choice"]["ref"] == "cloud/cheap");  // box/small is free but too weak
  CHECK_FALSE(decision.contains("decisionId"));
  CHECK(f.ledger->Decisions(0, 10).value().empty());
  CHECK(decision["budget"]["capMicros"] == 5'000'000);

  const std::string text = report::Render(decision, "UTC");
  CHECK(text.find("-> cloud/cheap") != std::string::npos);
  CHECK(text.find("box/small (local)") != std::string::npos);

  const json logged = f.Ok("route", {{"prompt", "fix my code"},
                                     {"model", "router/coding"},
                                     {"runId", "run-1"},
                                     {"session", "s"},
                                     {"agent", "main"},
                                     {"log", true}});
  REQUIRE(logged.contains("decisionId"));
  auto stored = f.ledger->Decisions(0, 10);
  REQUIRE(stored.ok());
  REQUIRE(stored.value().size() == 1);
  const auto& row = stored.value()[0];
  CHECK(row.run_id == "run-1");
  CHECK(row.requested_provider == "router");
  CHECK(row.requested_model == "coding");
  CHECK(row.chosen_provider == "cloud");
  CHECK(row.chosen_model == "strong");
  CHECK(row.applied);
  CHECK(row.task_class == "coding");
  CHECK(row.baseline_model == "strong");
  CHECK(json::parse(row.detail)["choice"]["ref"] == "cloud/strong");
}

TEST_CASE("route reads spend and sessions from the ledger", "[commands][route]") {
  Fixture f;
  auto spent = testing::UserCall(kNow - 60'000, "cloud", 100, 5'000'000);
  spent.model = "strong";
  spent.session_key = "long";
  spent.agent_id = "main";
  spent.input_chars = 200'000;  // a 50k-token session: too big for cheap's 32k window
  REQUIRE(f.ledger->Append(spent).ok());

  const json capped =
      f.Ok("route", {{"prompt", "write a sorting function"}, {"model", "router/coding"}});
  CHECK(capped["budget"]["hardCap"] == true);
  CHECK(capped["choice"]["ref"] == "box/small");

  f.options.daily_budget_micros = 0;  // the Context reads the options on every call
  const json session =
      f.Ok("route", {{"prompt", "hi"}, {"model", "router/simple"}, {"session", "long"}});
  CHECK(session["estimate"]["contextSource"] == "session");
  CHECK(session["estimate"]["contextChars"] == 200'000);
  CHECK(session["choice"]["ref"] == "cloud/strong");
  bool cheap_skipped = false;
  for (const json& r : session["rejected"])
    cheap_skipped |= r["ref"] == "cloud/cheap" && r["why"] == "context";
  CHECK(cheap_skipped);
}

TEST_CASE("status reports savings of routed calls against the baseline", "[commands][route]") {
  Fixture f;
  f.Ok("route", {{"prompt", "hi"}, {"model", "router/simple"}, {"runId", "r1"}, {"log", true}});
  f.Ok("route", {{"prompt", "hi"}, {"model", "cloud/cheap"}, {"runId", "r2"}, {"log", true}});
  REQUIRE(f.ledger->Decisions(0, 10).value().size() == 1);  // explicit models are not logged

  // The routed turn ran on cheap: 1000 in + 100 out = $0.0006; on strong it would be $0.015.
  auto call = testing::UserCall(kNow - 1000, "cloud", 1000, 600);
  call.model = "cheap";
  call.run_id = "r1";
  call.output_tokens = 100;
  REQUIRE(f.ledger->Append(call).ok());
  const json status = f.Ok("status", json::object());
  const json& today = status["routing"]["today"];
  CHECK(today["decisions"] == 1);
  CHECK(today["applied"] == 1);
  CHECK(today["routedCalls"] == 1);
  CHECK(today["costMicros"] == 600);
  CHECK(today["baselineMicros"] == 15'000);
  CHECK(today["savedMicros"] == 14'400);
  CHECK(report::RenderStatus(status).find("saved $0.0144") != std::string::npos);
  CHECK(report::SummarizeStatus(status).find("Routing saved $0.0144") != std::string::npos);
}

TEST_CASE("route refuses bad arguments by name", "[commands][route]") {
  Fixture f;
  auto error = [&](const json& args) {
    auto result = f.Run("route", args);
    REQUIRE_FALSE(result.ok());
    return result.status().message();
  };
  CHECK(error(json::object()) == "missing argument: prompt");
  CHECK(error({{"prompt", "x"}, {"model", "auto"}})
            .find("argument model must be \"provider/model\"") == 0);
  CHECK(error({{"prompt", "x"}, {"model", "router/fast"}}).find("unknown router model \"fast\"") ==
        0);
  CHECK(error({{"prompt", "x"}, {"attachments", -1}}).find("argument attachments") == 0);
  CHECK(error({{"prompt", "x"}, {"log", "yes"}}) == "argument log must be true or false");
  CHECK(f.ledger->Decisions(0, 10).value().empty());
}

// The binding reads routeTurn's fields straight into RouteFields; the `route` command parses JSON.
// Both go through CheckRouteArgs: the same bad field gets the same error, naming it.
template <typename T>
Given<T> Value(T value) {
  return {Given<T>::State::kValue, std::move(value)};
}
template <typename T>
Given<T> WrongType() {
  return {Given<T>::State::kWrongType, T{}};
}

TEST_CASE("typed route fields get the JSON arguments' checks and errors", "[commands][route]") {
  struct Case {
    json args;
    std::function<void(RouteFields&)> typed;
    std::string error;
  };
  const std::vector<Case> cases = {
      {json::object(), [](RouteFields& f) { f.prompt = {}; }, "missing argument: prompt"},
      {{{"prompt", 5}},
       [](RouteFields& f) { f.prompt = WrongType<std::string>(); },
       "argument prompt must be a string"},
      {{{"prompt", "\xff"}},
       [](RouteFields& f) { f.prompt = Value<std::string>("\xff"); },
       "argument prompt is not valid UTF-8 (byte 0)"},
      {{{"prompt", "x"}, {"agent", 5}},
       [](RouteFields& f) { f.agent = WrongType<std::string>(); },
       "argument agent must be a string"},
      {{{"prompt", "x"}, {"configuredModel", true}},
       [](RouteFields& f) { f.configured_model = WrongType<std::string>(); },
       "argument configuredModel must be a string"},
      {{{"prompt", "x"}, {"attachments", 1.5}},
       [](RouteFields& f) { f.attachments = Value(1.5); },
       "argument attachments must be a whole number from 0 to 1000"},
      {{{"prompt", "x"}, {"attachments", "2"}},
       [](RouteFields& f) { f.attachments = WrongType<double>(); },
       "argument attachments must be a whole number from 0 to 1000"},
      {{{"prompt", "x"}, {"contextChars", -1}},
       [](RouteFields& f) { f.context_chars = Value(-1.0); },
       "argument contextChars must be a whole number from 0 to 1099511627776"},
      {{{"prompt", "x"}, {"model", "auto"}},
       [](RouteFields& f) { f.model = Value<std::string>("auto"); },
       "argument model must be \"provider/model\" such as \"router/auto\", got \"auto\""},
      {{{"prompt", "x"}, {"failed", {{{"ref", "nope"}}}}},
       [](RouteFields& f) {
         f.failed = {{{"ref", "nope"}}};
       },
       "failed[0].ref must be \"provider/model\", got \"nope\""},
      {{{"prompt", "x"}, {"log", "yes"}},
       [](RouteFields& f) { f.log = WrongType<bool>(); },
       "argument log must be true or false"},
  };
  for (const Case& c : cases) {
    INFO(c.args.dump(-1, ' ', false, json::error_handler_t::replace));
    RouteFields fields;
    fields.prompt = Value<std::string>("x");
    c.typed(fields);
    auto typed = CheckRouteArgs(std::move(fields));
    auto parsed = ParseRouteArgs(c.args);
    REQUIRE_FALSE(typed.ok());
    REQUIRE_FALSE(parsed.ok());
    CHECK(typed.status().code() == Status::Code::kInvalidArgument);
    CHECK(typed.status().message() == c.error);
    CHECK(parsed.status().message() == c.error);
  }

  // Good fields: the same request either way, defaults filled in.
  RouteFields fields;
  fields.prompt = Value<std::string>("fix it");
  fields.agent = Value<std::string>("main");
  fields.attachments = Value(2.0);
  fields.log = Value(true);
  auto typed = CheckRouteArgs(std::move(fields));
  auto parsed =
      ParseRouteArgs({{"prompt", "fix it"}, {"agent", "main"}, {"attachments", 2}, {"log", true}});
  REQUIRE(typed.ok());
  REQUIRE(parsed.ok());
  for (const RouteArgs* args : {&typed.value(), &parsed.value()}) {
    CHECK(args->request.prompt == "fix it");
    CHECK(args->request.provider == "router");
    CHECK(args->request.model == "auto");
    CHECK(args->request.trigger == "user");
    CHECK(args->request.agent_id == "main");
    CHECK(args->request.attachments == 2);
    CHECK(args->request.context_chars == -1);
    CHECK(args->log);
  }
}

}  // namespace
}  // namespace router::commands
