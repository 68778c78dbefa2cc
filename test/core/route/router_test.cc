// The router: candidates, hard filters (quota, budget, context, vision, local preference),
// thresholds, ranking, reasons, and the state it reads from the ledger.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "route/route_testing.h"
#include "router/pricing/pricer.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::route {
namespace {

using nlohmann::json;
using testing::ParseOptions;

// Three cloud models at different prices and strengths, plus a weak local one.
constexpr const char* kConfig = R"({
  "providers": {
    "cloud": {"models": ["strong", "mid", "cheap"], "priority": 50},
    "ollama": {"tier": "local", "local": {"type": "ollama", "endpoint": "http://127.0.0.1:11434",
                                           "models": ["tiny:q4"]}}
  },
  "priceOverrides": {
    "cloud/strong": {"input": 15, "output": 75},
    "cloud/mid": {"input": 1, "output": 4},
    "cloud/cheap": {"input": 0.1, "output": 0.4}
  },
  "capabilities": {
    "cloud/strong": {"coding": 0.95, "reasoning": 0.95, "creative": 0.9, "instruction": 0.95,
                     "context": 0.9, "speed": 0.4, "contextWindow": 200000, "vision": true,
                     "tools": true},
    "cloud/mid": {"coding": 0.5, "reasoning": 0.7, "creative": 0.6, "instruction": 0.7,
                  "context": 0.6, "speed": 0.7, "contextWindow": 64000, "tools": true},
    "cloud/cheap": {"coding": 0.3, "reasoning": 0.4, "creative": 0.4, "instruction": 0.6,
                    "context": 0.3, "speed": 0.95, "contextWindow": 16000, "tools": true},
    "ollama/tiny:q4": {"coding": 0.2, "reasoning": 0.2, "creative": 0.2, "instruction": 0.2,
                       "context": 0.2, "speed": 0.6, "contextWindow": 8192}
  }
})";

struct Fixture {
  explicit Fixture(const std::string& config = kConfig, const json& openclaw = json::object())
      : options(ParseOptions(config)),
        pricer({options.price_overrides, pricing::OpenClawModelCosts(openclaw),
                options.LocalProviderIds()}),
        router(options, Catalog(options, openclaw, pricer, score::CapabilityTable::Builtin())) {}

  // A Decision points into the fixture's catalog, so it must not outlive the fixture: deciding on
  // a temporary fixture does not compile.
  Decision Decide(const std::string& prompt, const std::string& model = "auto",
                  const RouteState& state = {}, int attachments = 0) const& {
    RouteRequest request;
    request.prompt = prompt;
    request.provider = "router";
    request.model = model;
    request.trigger = "user";
    request.attachments = attachments;
    auto decision = router.Decide(request, state);
    INFO(decision.status().message());
    REQUIRE(decision.ok());
    return std::move(decision).value();
  }
  Decision Decide(const std::string& prompt, const std::string& model = "auto",
                  const RouteState& state = {}, int attachments = 0) const&& = delete;

  config::PluginOptions options;
  pricing::Pricer pricer;
  Router router;
};

using testing::Choice;
using testing::RejectionOf;

TEST_CASE("Catalog lists config and OpenClaw models once, never the router's own", "[route]") {
  const json openclaw = {
      {"cloud",
       {{"models", json::array({{{"id", "strong"}, {"contextWindow", 100000}, {"input", {"text"}}},
                                {{"id", "extra"},
                                 {"cost", {{"input", 2}, {"output", 8}}},
                                 {"input", {"text", "image"}}}})}}},
      {"router", {{"models", json::array({{{"id", "auto"}}})}}}};
  Fixture f(kConfig, openclaw);
  std::vector<std::string> refs;
  for (const auto& c : f.router.catalog().models()) refs.push_back(c.ref);
  CHECK(refs == std::vector<std::string>{"cloud/strong", "cloud/extra", "cloud/mid", "cloud/cheap",
                                         "ollama/tiny:q4"});
  const auto& models = f.router.catalog().models();
  // OpenClaw's entry describes the endpoint actually configured: its window and image flag win.
  CHECK(models[0].profile.context_window == 100000);
  CHECK_FALSE(models[0].profile.vision);
  CHECK(models[0].price.output == 75'000'000);  // priceOverrides beat everything
  CHECK(models[1].profile.vision);
  CHECK(models[1].price.input == 2'000'000);  // OpenClaw's configured cost
  CHECK_FALSE(models[1].profile.known);
  REQUIRE(f.router.catalog().warnings().size() == 1);
  CHECK(f.router.catalog().warnings()[0].find("cloud/extra") != std::string::npos);
  CHECK(models[4].local);
  CHECK(models[4].priced);
  CHECK(models[4].price.output == 0);
}

TEST_CASE("The cheapest model that clears the class threshold wins", "[route]") {
  Fixture f;
  const Decision coding = f.Decide("fix this", "coding");
  CHECK(coding.classified_by == "alias");
  CHECK(coding.task_class == "coding");
  CHECK(Choice(coding) == "cloud/strong");  // the only one clearing coding 0.60
  CHECK(coding.reason.find("cloud/strong is the cheapest of 1 model clearing 0.60") !=
        std::string::npos);
  // The fallback chain follows: the rest by score.
  REQUIRE(coding.ranked.size() == 4);
  CHECK(coding.ranked[1].candidate->ref == "cloud/mid");
  CHECK_FALSE(coding.ranked[1].clears);

  const Decision simple = f.Decide("hi", "simple");
  CHECK(Choice(simple) == "cloud/cheap");  // mid and strong clear too, but cost more
  CHECK(simple.ranked[0].cost_micros < simple.ranked[1].cost_micros);
  CHECK(simple.ranked[1].candidate->ref == "cloud/mid");
  CHECK(simple.ranked[2].candidate->ref == "cloud/strong");
  CHECK(simple.baseline != nullptr);
  CHECK(simple.baseline->ref == "cloud/strong");
  CHECK(simple.baseline_cost_micros > simple.ranked[0].cost_micros);
}

TEST_CASE("router/auto classifies the user's text", "[route]") {
  Fixture f;
  const Decision d = f.Decide(
      "Write a Python function that parses a CSV file and returns a list of dicts, with unit "
      "tests.");
  CHECK(d.classified_by == "classifier");
  CHECK(d.task_class == "coding");
  CHECK(Choice(d) == "cloud/strong");
  const json j = ToJson(d, {});
  CHECK(j["schema"] == "router.route/1");
  CHECK(j["choice"]["ref"] == "cloud/strong");
  CHECK(j["class"] == "coding");
  CHECK(j["classification"]["class"] == "coding");
  CHECK(j["ranked"].size() == 4);
  CHECK(j["requested"]["alias"] == "auto");
}

TEST_CASE("A spent daily budget leaves only free and local models", "[route]") {
  Fixture f(std::string(kConfig).insert(1, R"("dailyBudgetUsd": 1, )"));
  RouteState state;
  state.budget_cap_micros = 1'000'000;
  state.budget_spent_micros = 1'000'000;
  const Decision d = f.Decide("Write a quicksort in C", "coding", state);
  CHECK(d.hard_cap);
  CHECK(Choice(d) == "ollama/tiny:q4");  // below the threshold, but the only one allowed
  CHECK(d.reason.find("daily budget spent") != std::string::npos);
  for (const char* ref : {"cloud/strong", "cloud/mid", "cloud/cheap"}) {
    const Rejection* r = RejectionOf(d, ref);
    REQUIRE(r != nullptr);
    CHECK(r->why == "hard-cap");
  }
  const json j = ToJson(d, state);
  CHECK(j["budget"]["hardCap"] == true);
  CHECK(j["budget"]["remainingMicros"] == 0);
}

TEST_CASE("A turn the remaining budget cannot afford skips that model", "[route]") {
  Fixture f;
  RouteState state;
  state.budget_cap_micros = 1'000'000;
  state.budget_spent_micros = 990'000;  // $0.01 left: strong (~$0.06) no longer fits
  const Decision d = f.Decide("Write a quicksort in C", "coding", state);
  const Rejection* strong = RejectionOf(d, "cloud/strong");
  REQUIRE(strong != nullptr);
  CHECK(strong->why == "budget");
  CHECK(strong->detail.find("$0.0100 left") != std::string::npos);
  CHECK(Choice(d) == "cloud/mid");  // nothing left clears coding: the best score that fits
  CHECK(d.reason.find("no model clears 0.60") != std::string::npos);
}

TEST_CASE("A context too long for a model's window (with the margin) skips it", "[route]") {
  Fixture f;
  RouteState state;
  state.context.session_last = 4 * 20'000;  // ~20k tokens already in the session
  const Decision d = f.Decide("hi", "simple", state);
  CHECK(d.context_source == "session");
  CHECK(d.context_chars == 80'000);
  const Rejection* cheap = RejectionOf(d, "cloud/cheap");
  REQUIRE(cheap != nullptr);
  CHECK(cheap->why == "context");
  CHECK(cheap->detail.find("window 16000") != std::string::npos);
  CHECK(RejectionOf(d, "ollama/tiny:q4")->why == "context");
  CHECK(Choice(d) == "cloud/mid");

  // Without a session, the agent's smallest recent context (its system prompt) is the floor.
  RouteState agent_only;
  agent_only.context.agent_baseline = 4 * 15'000;
  const Decision first_turn = f.Decide("hi", "simple", agent_only);
  CHECK(first_turn.context_source == "agent");
  CHECK(RejectionOf(first_turn, "cloud/cheap") != nullptr);  // 15k + 800 out > 90% of 16k
}

TEST_CASE("Calibration: chars-per-token and the cached share change the estimate per model",
          "[route]") {
  //                  provider  model   calls  chars    tokens  cache read
  const auto calibration = Calibrate({{"cloud", "cheap", 10, 30'000, 10'000, 0},
                                      {"cloud", "mid", kMinCalibrationCalls - 1, 9'000, 1'000, 0},
                                      {"cloud", "strong", 5, 100'000, 1'000, 750}});
  CHECK(calibration.at("cloud/cheap").chars_per_token == Approx(3.0));
  CHECK(calibration.at("cloud/cheap").cached_share == 0);
  CHECK(calibration.count("cloud/mid") == 0);
  CHECK(calibration.at("cloud/strong").chars_per_token == kMaxCharsPerToken);  // clamped
  CHECK(calibration.at("cloud/strong").cached_share == Approx(0.75));

  Fixture f;
  RouteState state;
  state.calibration = calibration;
  state.context.session_last = 12'000 * 4;  // 12k tokens at 4 chars/token ...
  const Decision d = f.Decide("hi", "simple", state);
  // ... but 16k tokens at cheap's measured 3 chars/token: over 90% of its 16k window.
  CHECK(RejectionOf(d, "cloud/cheap")->why == "context");
  CHECK(Choice(d) == "cloud/mid");
  CHECK(d.ranked[0].calibration.chars_per_token == kDefaultCharsPerToken);
  // strong: 48,002 chars / 8 = 6,001 tokens, 75% of them cache reads (no cache-read price set,
  // so free), 1,501 at $15/M, plus 800 out at $75/M.
  const Ranked& strong = *std::find_if(d.ranked.begin(), d.ranked.end(), [](const Ranked& r) {
    return r.candidate->ref == "cloud/strong";
  });
  CHECK(strong.input_tokens == 6'001);
  CHECK(strong.cost_micros == 1'501 * 15 + 800 * 75);
}

TEST_CASE("Attachments need a vision model", "[route]") {
  Fixture f;
  const Decision d = f.Decide("what is in this picture?", "simple", {}, 1);
  CHECK(Choice(d) == "cloud/strong");
  CHECK(RejectionOf(d, "cloud/cheap")->why == "vision");
  CHECK(RejectionOf(d, "cloud/mid")->why == "vision");
}

TEST_CASE("An exhausted quota window removes its provider's models", "[route]") {
  Fixture f;
  RouteState state;
  state.limits["cloud"] = {{"5h", config::QuotaUnit::kMessages, 0}};
  const Decision d = f.Decide("hi", "simple", state);
  CHECK(Choice(d) == "ollama/tiny:q4");
  const Rejection* cheap = RejectionOf(d, "cloud/cheap");
  REQUIRE(cheap != nullptr);
  CHECK(cheap->why == "quota");
  CHECK(cheap->detail.find("\"5h\" has 0 messages left") != std::string::npos);

  // A token window with less room than the turn needs also excludes it.
  state.limits["cloud"] = {{"daily", config::QuotaUnit::kTokens, 500}};
  CHECK(RejectionOf(f.Decide("hi", "simple", state), "cloud/cheap")->why == "quota");
  state.limits["cloud"] = {{"daily", config::QuotaUnit::kTokens, 1'000'000}};
  CHECK(Choice(f.Decide("hi", "simple", state)) == "cloud/cheap");
}

TEST_CASE("localModelPreference never, simple-only and prefer", "[route]") {
  // A local model good enough for small talk: free, so when-available picks it.
  const std::string capable_local = R"("ollama/tiny:q4": {"coding": 0.5, "reasoning": 0.6,
      "creative": 0.6, "instruction": 0.7, "context": 0.5, "speed": 0.6, "contextWindow": 32768})";
  std::string config = kConfig;
  const size_t at = config.find(R"("ollama/tiny:q4")");
  config.replace(at, config.find('}', at) + 1 - at, capable_local);
  auto with = [&](const char* preference) {
    std::string c = config;
    return c.insert(1, std::string(R"("localModelPreference": ")") + preference + "\", ");
  };
  const Fixture when_available(config);
  CHECK(Choice(when_available.Decide("hi", "simple")) == "ollama/tiny:q4");
  const Fixture never_local(with("never"));
  const Decision never = never_local.Decide("hi", "simple");
  CHECK(Choice(never) == "cloud/cheap");
  CHECK(RejectionOf(never, "ollama/tiny:q4")->why == "local-preference");
  const Fixture simple_only(with("simple-only"));
  CHECK(Choice(simple_only.Decide("hi", "simple")) == "ollama/tiny:q4");
  CHECK(RejectionOf(simple_only.Decide("write a story", "creative"), "ollama/tiny:q4")->why ==
        "local-preference");
  const Fixture prefer_local(with("prefer"));
  const Decision prefer = prefer_local.Decide("Write a quicksort in C", "coding");
  CHECK(Choice(prefer) == "ollama/tiny:q4");  // below the coding threshold, preferred anyway
  CHECK(prefer.reason.find("prefer") != std::string::npos);
}

TEST_CASE("router/local keeps the turn local; explicit models are kept unless configured",
          "[route]") {
  Fixture f;
  const Decision local = f.Decide("hi", "local");
  CHECK(Choice(local) == "ollama/tiny:q4");
  CHECK(RejectionOf(local, "cloud/cheap")->why == "alias");

  RouteRequest explicit_request;
  explicit_request.prompt = "hi";
  explicit_request.provider = "cloud";
  explicit_request.model = "strong";
  auto kept = f.router.Decide(explicit_request, {});
  REQUIRE(kept.ok());
  CHECK_FALSE(kept.value().routed);
  CHECK(kept.value().choice() == nullptr);
  CHECK(kept.value().reason ==
        "explicit model cloud/strong kept (routing.overrideExplicit is off)");
  CHECK(ToJson(kept.value(), {})["class"].is_null());

  Fixture overriding(std::string(kConfig).insert(1, R"("routing": {"overrideExplicit": true}, )"));
  auto rerouted = overriding.router.Decide(explicit_request, {});
  REQUIRE(rerouted.ok());
  CHECK(rerouted.value().routed);
  CHECK(rerouted.value().alias == "auto");

  RouteRequest bad = explicit_request;
  bad.provider = "router";
  bad.model = "fast";
  auto refused = f.router.Decide(bad, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("unknown router model \"fast\"") != std::string::npos);
}

TEST_CASE("Equal costs fall back to provider priority, then speed", "[route]") {
  Fixture f(R"({
    "providers": {"a": {"models": ["m"], "priority": 10}, "b": {"models": ["m"], "priority": 90},
                  "c": {"models": ["fast"], "priority": 90}},
    "priceOverrides": {"a/m": {"input": 1, "output": 1}, "b/m": {"input": 1, "output": 1},
                       "c/fast": {"input": 1, "output": 1}},
    "capabilities": {"m": {"coding": 0.9, "reasoning": 0.9, "creative": 0.9, "instruction": 0.9,
                           "context": 0.9, "speed": 0.5},
                     "fast": {"coding": 0.9, "reasoning": 0.9, "creative": 0.9, "instruction": 0.9,
                              "context": 0.9, "speed": 0.9}}
  })");
  const Decision d = f.Decide("hi", "simple");
  REQUIRE(d.ranked.size() == 3);
  CHECK(d.ranked[0].candidate->ref == "c/fast");
  CHECK(d.ranked[1].candidate->ref == "b/m");
  CHECK(d.ranked[2].candidate->ref == "a/m");
}

TEST_CASE("No candidates gives a decision without a choice and says why", "[route]") {
  Fixture empty("{}");
  const Decision none = empty.Decide("hi", "simple");
  CHECK_FALSE(none.routed);
  CHECK(none.reason.find("no models configured") != std::string::npos);

  Fixture f;
  RouteState state;
  state.limits["cloud"] = {{"5h", config::QuotaUnit::kRequests, 0}};
  state.limits["ollama"] = {{"5h", config::QuotaUnit::kRequests, 0}};
  const Decision blocked = f.Decide("hi", "simple", state);
  CHECK_FALSE(blocked.routed);
  CHECK(blocked.reason.find("rejected: 4 quota") != std::string::npos);
  CHECK(ToJson(blocked, state)["choice"].is_null());
}

TEST_CASE("BuildState reads windows, budget, calibration and context from the ledger", "[route]") {
  const auto options = ParseOptions(R"({
    "timezone": "UTC", "dailyBudgetUsd": 2,
    "providers": {"cloud": {"quotaType": "requests", "windows": [
      {"name": "daily", "limit": 10, "schedule": {"type": "daily"}}]}}})");
  auto ledger = testing::MemoryLedger();
  const int64_t now = 1'790'000'000'000;
  std::vector<ledger::UsageRecord> calls;
  for (int i = 0; i < 4; ++i) {
    auto r = testing::UserCall(now - 60'000 * (i + 1), "cloud", 1000, 250'000);
    r.model = "cheap";
    r.session_key = "s1";
    r.agent_id = "main";
    r.input_chars = 3000 + i;  // 3 chars per token
    calls.push_back(r);
  }
  REQUIRE(ledger->AppendBatch(calls).ok());
  auto state = BuildState(options, *ledger, now, "s1", "main");
  REQUIRE(state.ok());
  REQUIRE(state.value().limits.at("cloud").size() == 1);
  CHECK(state.value().limits.at("cloud")[0].remaining == 6);
  CHECK(state.value().budget_cap_micros == 2'000'000);
  CHECK(state.value().budget_spent_micros == 1'000'000);
  CHECK(state.value().calibration.at("cloud/cheap").chars_per_token == Approx(3.0015));
  CHECK(state.value().context.session_last == 3000);  // the newest call of the session
  CHECK(state.value().context.agent_baseline == 3000);
}

}  // namespace
}  // namespace router::route
