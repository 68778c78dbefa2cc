// The routing policy around the class: the user's own words, per-agent floors and ceilings,
// staying on a warm prompt cache, and a user's own model pick.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "route/route_testing.h"
#include "router/route/policy.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::route {
namespace {

using nlohmann::json;
using testing::Choice;
using testing::ParseOptions;
using testing::RejectionOf;

// A premium provider, a standard one with a mid and a cheap model (both with cache-read prices),
// and a local model. Thresholds are pinned so the tests do not move with the calibrated defaults.
constexpr const char* kConfig = R"({
  "providers": {
    "prem": {"models": ["strong"], "tier": "premium"},
    "cloud": {"models": ["mid", "cheap"]},
    "ollama": {"tier": "local", "local": {"type": "ollama", "endpoint": "http://127.0.0.1:11434",
                                           "models": ["tiny:q4"]}}
  },
  "priceOverrides": {
    "prem/strong": {"input": 15, "output": 75, "cacheRead": 1.5},
    "cloud/mid": {"input": 1, "output": 2, "cacheRead": 0.1},
    "cloud/cheap": {"input": 0.5, "output": 1, "cacheRead": 0.05}
  },
  "capabilities": {
    "prem/strong": {"coding": 0.95, "reasoning": 0.95, "creative": 0.9, "instruction": 0.95,
                    "context": 0.9, "speed": 0.4, "contextWindow": 1000000, "tools": true},
    "cloud/mid": {"coding": 0.85, "reasoning": 0.7, "creative": 0.6, "instruction": 0.7,
                  "context": 0.6, "speed": 0.7, "contextWindow": 1000000, "tools": true},
    "cloud/cheap": {"coding": 0.3, "reasoning": 0.4, "creative": 0.4, "instruction": 0.6,
                    "context": 0.3, "speed": 0.95, "contextWindow": 1000000, "tools": true},
    "ollama/tiny:q4": {"coding": 0.1, "reasoning": 0.1, "creative": 0.1, "instruction": 0.1,
                       "context": 0.1, "speed": 0.6, "contextWindow": 8192}
  },
  "localModelPreference": "never",
  "qualityThresholds": {"simple": 0.1, "coding": 0.75, "reasoning": 0.1, "agentic": 0.1,
                        "creative": 0.1, "math": 0.1, "roleplay": 0.1, "summarization": 0.1,
                        "extraction": 0.1}
})";

constexpr const char* kSimple = "what is the capital of France?";
constexpr const char* kCoding =
    "write a python function that parses an ISO 8601 date string and returns a datetime, with "
    "unit tests";
constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kBigContext = 160'000;  // ~40k tokens: the cache is worth more than the switch

json WithRouting(const json& routing) {
  json config = json::parse(kConfig);
  config["routing"] = routing;
  return config;
}

struct Fixture {
  explicit Fixture(const json& config = json::parse(kConfig))
      : options(ParseOptions(config.dump())), router(testing::RouterFor(options)) {}

  Decision Decide(RouteRequest request, const RouteState& state = {}) const& {
    if (request.provider.empty()) {
      request.provider = "router";
      request.model = "auto";
    }
    request.trigger = "user";
    auto decision = router.Decide(request, state);
    INFO(decision.status().message());
    REQUIRE(decision.ok());
    return std::move(decision).value();
  }
  Decision Decide(RouteRequest request, const RouteState& state = {}) const&& = delete;

  config::PluginOptions options;
  Router router;
};

RouteRequest Turn(const std::string& prompt, int64_t context_chars = kBigContext,
                  const std::string& agent = "main") {
  RouteRequest r;
  r.prompt = prompt;
  r.context_chars = context_chars;
  r.agent_id = agent;
  r.session_key = "agent:" + agent + ":main";
  return r;
}

RouteState LastCallOn(const std::string& provider, const std::string& model, int64_t age_ms) {
  RouteState state;
  state.now_ms = kNow;
  state.last_call = ledger::LastCall{provider, model, kNow - age_ms};
  return state;
}

bool HasRule(const Decision& d, const std::string& rule) {
  return std::count(d.policy.rules.begin(), d.policy.rules.end(), rule) == 1;
}

// ---- the user's own words ----

// A Telegram group message as OpenClaw 2026.9.6 builds the prompt: stamp, system events,
// injected context blocks (JSON fenced and plain), the user's words, a delivery hint.
const std::string kMarker = "\xE2\x9F\xA6openclaw:ctx\xE2\x9F\xA7";
std::string TelegramPrompt(const std::string& words) {
  return "System: [2026-12-06 12:01:07 UTC] Exec finished (code 0): deploy.sh\n"
         "System: Node laptop connected\n\n"
         "Conversation info (untrusted metadata): " +
         kMarker +
         "\n```json\n{\"chat_id\": \"-100123\", \"message_id\": \"88\", \"sender\": {\"name\": "
         "\"Ana\", \"username\": \"ana\"}, \"group_subject\": \"Ops: write a function to "
         "refactor the parser and fix the segfault\"}\n```\n\n"
         "Chat history since last reply (untrusted, for context): " +
         kMarker +
         "\n[Ana] can someone debug the python traceback in prod.log\n[Bo] def parse(x): "
         "return json.loads(x)  # crashes\n\n"
         "[Sun 2026-12-06 12:01 UTC] " +
         words +
         "\n\nDelivery: to send a message, use the `message` tool.\n\n"
         "Context: " +
         kMarker + "\nPinned: the deploy checklist (SQL migration, rollback script)\n";
}

TEST_CASE("Only the user's words are kept from OpenClaw's channel envelope", "[route][policy]") {
  SECTION("a plain prompt is kept as it stands, without a copy") {
    const UserText user = ExtractUserText("hi, short prompt");
    CHECK_FALSE(user.changed);
    CHECK(user.stripped_chars == 0);
    CHECK(user.Of("hi, short prompt") == "hi, short prompt");
  }
  SECTION("the envelope stamp") {
    const std::string prompt = "[Sun 2026-12-06 12:00 UTC] thanks, that worked!";
    CHECK(ExtractUserText(prompt).Of(prompt) == "thanks, that worked!");
  }
  SECTION("system events, context blocks, chat history, delivery hint and trailing context") {
    const std::string prompt = TelegramPrompt("thanks, that worked!");
    const UserText user = ExtractUserText(prompt);
    CHECK(user.changed);
    CHECK(user.Of(prompt) == "thanks, that worked!");
    CHECK(user.stripped_chars ==
          static_cast<int64_t>(prompt.size() - std::string("thanks, that worked!").size()));
  }
  SECTION("a multi-line message keeps its own blank lines and code") {
    const std::string words = "summarize this:\n\nline one\n\n```\ncode\n```";
    const std::string prompt = TelegramPrompt(words);
    CHECK(ExtractUserText(prompt).Of(prompt) == words);
  }
  SECTION("an active-memory block") {
    const std::string prompt =
        "Context:\n<active_memory_plugin>\nuser likes rust; works on a compiler\n"
        "</active_memory_plugin>\n\nwhat's for dinner?";
    CHECK(ExtractUserText(prompt).Of(prompt) == "what's for dinner?");
  }
  SECTION("a /new start-up turn has no user words") {
    const UserText user = ExtractUserText(
        "A new session was started via /new or /reset. Execute your Session Startup sequence "
        "now - read the required files before responding to the user.");
    CHECK(user.startup);
    CHECK(user.Of("ignored").empty());
  }
  SECTION("an isolated cron run: the job's prefix, the time lines and the unattended preamble") {
    const std::string prompt =
        "[cron:3f2a9c1e-77b0 Morning brief] hi! how are you doing today?\n"
        "Current time: Sunday, December 6th, 2026 - 4:40 PM (UTC)\n"
        "Reference UTC: 2026-12-06 16:40 UTC\n\n"
        "This is an unattended scheduled run. Nobody is present to clarify or approve, so "
        "complete the task with what you have. If something failed, state plainly what failed.";
    const UserText user = ExtractUserText(prompt);
    CHECK(user.changed);
    CHECK(user.Of(prompt) == "hi! how are you doing today?");
  }
  SECTION("the user's own brackets and 'System:' mid-text stay") {
    const std::string prompt = "[draft] System: reboot nightly? what do you think";
    CHECK_FALSE(ExtractUserText(prompt).changed);
  }
}

TEST_CASE("The class comes from the user's words, not the envelope", "[route][policy]") {
  const Fixture f;
  const Decision bare = f.Decide(Turn("thanks, that worked!", 0));
  const Decision wrapped = f.Decide(Turn(TelegramPrompt("thanks, that worked!"), 0));
  CHECK(wrapped.task_class == bare.task_class);
  CHECK(wrapped.classification.confidence == Approx(bare.classification.confidence));
  CHECK(wrapped.policy.user_chars == 20);
  CHECK(wrapped.policy.stripped_chars > 300);
  // The whole prompt is still what the model reads: its size is what the turn costs.
  CHECK(wrapped.prompt_chars > bare.prompt_chars);
  const json out = ToJson(wrapped, {});
  CHECK(out["policy"]["userChars"] == 20);
  CHECK(out["policy"]["startup"] == false);
}

TEST_CASE("A start-up turn is classified on no user text", "[route][policy]") {
  const Fixture f;
  const Decision d = f.Decide(Turn(
      "A new session was started via /new or /reset. Execute your Session Startup sequence now "
      "- read the required files before responding to the user. write a python function",
      0));
  CHECK(d.policy.startup);
  CHECK(d.policy.user_chars == 0);
  CHECK(d.task_class != "coding");
}

// ---- stickiness ----

TEST_CASE("A warm conversation stays on its model when the cache is worth more",
          "[route][policy]") {
  const Fixture f;
  const Decision fresh = f.Decide(Turn(kSimple), {});
  REQUIRE(Choice(fresh) == "cloud/cheap");
  REQUIRE_FALSE(fresh.policy.sticky.has_value());

  const Decision d = f.Decide(Turn(kSimple), LastCallOn("cloud", "mid", 60'000));
  CHECK(Choice(d) == "cloud/mid");
  REQUIRE(d.policy.sticky.has_value());
  CHECK(d.policy.sticky->outcome == "stayed");
  CHECK(d.policy.sticky->warm);
  CHECK(d.policy.stayed == "sticky");
  CHECK(HasRule(d, "sticky"));
  // 40k context tokens: ~$0.004 read from mid's cache against ~$0.02 sent cold to cheap.
  CHECK(d.policy.sticky->stay_cost_micros < d.policy.sticky->switch_cost_micros);
  CHECK(d.ranked.front().cost_micros == d.policy.sticky->stay_cost_micros);
  CHECK(d.ranked[1].candidate->ref == "cloud/cheap");  // the fallback chain keeps the rest
  CHECK(d.reason.find("stays on cloud/mid") != std::string::npos);
  const json out = ToJson(d, {});
  CHECK(out["policy"]["stayed"] == "sticky");
  CHECK(out["policy"]["sticky"]["outcome"] == "stayed");
  CHECK(out["policy"]["sticky"]["ageSeconds"] == 60);
}

TEST_CASE("A cold cache, a cheaper switch or a stronger class end the stay", "[route][policy]") {
  const Fixture f;
  SECTION("the cache expired") {
    const Decision d = f.Decide(Turn(kSimple), LastCallOn("cloud", "mid", 301'000));
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(d.policy.sticky->outcome == "cold");
    CHECK_FALSE(d.policy.sticky->warm);
    CHECK(d.policy.stayed.empty());
  }
  SECTION("a small context: switching costs less even with nothing cached") {
    const Decision d = f.Decide(Turn(kSimple, 400), LastCallOn("cloud", "mid", 60'000));
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(d.policy.sticky->outcome == "cheaper");
    CHECK(d.policy.sticky->switch_cost_micros < d.policy.sticky->stay_cost_micros);
  }
  SECTION("the new turn's class needs a stronger model") {
    const Decision d = f.Decide(Turn(kCoding), LastCallOn("cloud", "cheap", 60'000));
    REQUIRE(d.task_class == "coding");
    CHECK(Choice(d) == "cloud/mid");
    CHECK(d.policy.sticky->outcome == "stronger");
    CHECK_FALSE(HasRule(d, "sticky"));
  }
  SECTION("the session's model already ranks first") {
    const Decision d = f.Decide(Turn(kSimple), LastCallOn("cloud", "cheap", 60'000));
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(d.policy.sticky->outcome == "already");
    CHECK(d.policy.stayed.empty());
  }
  SECTION("the session's model was left out by a filter") {
    RouteState state = LastCallOn("cloud", "mid", 60'000);
    state.cooldowns.push_back({"cloud", "mid", kNow - 1000, kNow + 60'000, 1, "rate-limit"});
    const Decision d = f.Decide(Turn(kSimple), state);
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(d.policy.sticky->outcome == "filtered");
  }
  SECTION("a fallback attempt never sticks") {
    RouteRequest request = Turn(kSimple);
    request.failed.push_back({"cloud", "cheap", 500, "upstream error", "", false});
    const Decision d = f.Decide(request, LastCallOn("cloud", "mid", 60'000));
    CHECK_FALSE(d.policy.sticky.has_value());
  }
}

TEST_CASE("routing.sticky can be turned off or given a longer cache life", "[route][policy]") {
  SECTION("off") {
    const Fixture f(WithRouting({{"sticky", {{"enabled", false}}}}));
    const Decision d = f.Decide(Turn(kSimple), LastCallOn("cloud", "mid", 60'000));
    CHECK(Choice(d) == "cloud/cheap");
    CHECK_FALSE(d.policy.sticky.has_value());
  }
  SECTION("an hour-long cache keeps a 10-minute-old conversation") {
    const Fixture f(WithRouting({{"sticky", {{"cacheTtlSeconds", 3600}}}}));
    const Decision d = f.Decide(Turn(kSimple), LastCallOn("cloud", "mid", 600'000));
    CHECK(Choice(d) == "cloud/mid");
    CHECK(d.policy.sticky->outcome == "stayed");
  }
}

TEST_CASE("BuildState reads the session's newest ok call", "[route][policy]") {
  auto ledger = testing::MemoryLedger();
  const config::PluginOptions options = ParseOptions(kConfig);
  auto call = [&](int64_t at, const std::string& model, ledger::Outcome outcome) {
    ledger::UsageRecord r = testing::UserCall(at, "cloud", 1000);
    r.model = model;
    r.session_key = "agent:main:main";
    r.outcome = outcome;
    REQUIRE(ledger->Append(r).ok());
  };
  call(kNow - 90'000, "cheap", ledger::Outcome::kOk);
  call(kNow - 60'000, "mid", ledger::Outcome::kOk);
  call(kNow - 30'000, "cheap", ledger::Outcome::kFailed);
  auto state = BuildState(options, *ledger, kNow, "agent:main:main", "main");
  REQUIRE(state.ok());
  REQUIRE(state->last_call.has_value());
  CHECK(state->last_call->model == "mid");
  CHECK(state->last_call->at_ms == kNow - 60'000);
  auto other = BuildState(options, *ledger, kNow, "agent:main:other", "main");
  REQUIRE(other.ok());
  CHECK_FALSE(other->last_call.has_value());
}

// ---- per-agent floors, ceilings and allowed models ----

TEST_CASE("An agent's floor, ceiling and allowed list bound the choice", "[route][policy]") {
  const json agents = {
      {"ops", {{"minScore", 0.68}}},
      {"elite", {{"minTier", "premium"}}},
      {"bot", {{"maxTier", "standard"}}},
      {"thrifty", {{"maxOutputUsdPerMTok", 1.5}}},
      {"pinned", {{"allowedModels", {"cloud/mid"}}}},
      {"*", {{"maxTier", "budget"}}},
  };
  const Fixture f(WithRouting({{"agents", agents}}));
  SECTION("floor by score: small talk never goes below 0.68") {
    // simple = 0.2 reasoning + 0.5 instruction + 0.3 speed: cheap 0.665, mid 0.70.
    const Decision d = f.Decide(Turn(kSimple, 0, "ops"));
    CHECK(Choice(d) == "cloud/mid");
    REQUIRE(RejectionOf(d, "cloud/cheap") != nullptr);
    CHECK(RejectionOf(d, "cloud/cheap")->why == "floor");
    CHECK(RejectionOf(d, "cloud/cheap")->detail.find("minScore") != std::string::npos);
    CHECK(HasRule(d, "floor"));
  }
  SECTION("floor by tier: premium only") {
    const Decision d = f.Decide(Turn(kSimple, 0, "elite"));
    CHECK(Choice(d) == "prem/strong");
    CHECK(RejectionOf(d, "cloud/cheap")->detail.find("minTier premium") != std::string::npos);
  }
  SECTION("ceiling by tier: never premium, even for coding") {
    const Decision d = f.Decide(Turn(kCoding, 0, "bot"));
    REQUIRE(RejectionOf(d, "prem/strong") != nullptr);
    CHECK(RejectionOf(d, "prem/strong")->why == "ceiling");
    CHECK(Choice(d) == "cloud/mid");
    CHECK(HasRule(d, "ceiling"));
  }
  SECTION("ceiling by price: the coding turn falls to the best model under the cap") {
    const Decision d = f.Decide(Turn(kCoding, 0, "thrifty"));
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(RejectionOf(d, "cloud/mid")->why == "ceiling");
    CHECK(RejectionOf(d, "prem/strong")->why == "ceiling");
  }
  SECTION("allowed models only") {
    const Decision d = f.Decide(Turn(kSimple, 0, "pinned"));
    CHECK(Choice(d) == "cloud/mid");
    CHECK(RejectionOf(d, "cloud/cheap")->why == "allowed");
    CHECK(HasRule(d, "allowed"));
  }
  SECTION("\"*\" holds every agent without its own entry") {
    const Decision d = f.Decide(Turn(kCoding, 0, "someone-else"));
    CHECK(Choice(d) == "none");
    CHECK(d.reason.find("ceiling") != std::string::npos);
  }
  SECTION("a floor outranks stickiness: the session's cheap model is not kept") {
    const Decision d =
        f.Decide(Turn(kSimple, kBigContext, "ops"), LastCallOn("cloud", "cheap", 1000));
    CHECK(Choice(d) == "cloud/mid");
    CHECK(d.policy.sticky->outcome == "filtered");
  }
}

TEST_CASE("routing.agents errors name the field and the fix", "[route][policy][config]") {
  auto error = [](const json& agents) {
    auto parsed = config::Parse(WithRouting({{"agents", agents}}));
    REQUIRE_FALSE(parsed.ok());
    return parsed.status().message();
  };
  const std::string inverted = error({{"ops", {{"minTier", "premium"}, {"maxTier", "standard"}}}});
  CHECK(inverted.find("routing.agents.ops.minTier") != std::string::npos);
  CHECK(inverted.find("lower minTier or raise maxTier") != std::string::npos);
  const std::string ref = error({{"ops", {{"allowedModels", {"mid"}}}}});
  CHECK(ref.find("routing.agents.ops.allowedModels") != std::string::npos);
  CHECK(ref.find("provider/model") != std::string::npos);
  CHECK(error({{"ops", {{"minTier", "gold"}}}}).find("\"premium\"") != std::string::npos);
  CHECK(error({{"ops", {{"maxOutputUsdPerMTok", 0}}}}).find("maxOutputUsdPerMTok") !=
        std::string::npos);
  CHECK(error({{"ops", {{"floor", "x"}}}}).find("allowed here: minTier") != std::string::npos);
  CHECK(error({{"ops", {{"minScore", 2}}}}).find("a score from 0 to 1") != std::string::npos);
}

// ---- the user's own model pick ----

TEST_CASE("A model the user picked is kept; the agent's configured one may be rerouted",
          "[route][policy]") {
  RouteRequest request = Turn(kSimple, 0);
  request.provider = "prem";
  request.model = "strong";
  SECTION("overrideExplicit off: any explicit model is kept") {
    const Fixture f;
    const Decision d = f.Decide(request);
    CHECK_FALSE(d.routed);
    CHECK(d.policy.stayed == "explicit");
  }
  const Fixture f(WithRouting({{"overrideExplicit", true}}));
  SECTION("the agent's own configured model is rerouted") {
    request.configured_model = "prem/strong";
    const Decision d = f.Decide(request);
    CHECK(d.routed);
    CHECK(Choice(d) == "cloud/cheap");
    CHECK(RoutesTurn(f.options.routing, request));
  }
  SECTION("a /model pick other than the configured one is kept") {
    request.configured_model = "router/auto";
    CHECK_FALSE(RoutesTurn(f.options.routing, request));
    const Decision d = f.Decide(request);
    CHECK_FALSE(d.routed);
    CHECK(d.policy.stayed == "explicit");
    CHECK(HasRule(d, "explicit"));
    CHECK(d.reason.find("the user picked it") != std::string::npos);
    CHECK(ToJson(d, {})["policy"]["stayed"] == "explicit");
  }
  SECTION("a router model is always routed") {
    RouteRequest via_router = Turn(kSimple, 0);
    via_router.provider = "router";
    via_router.model = "auto";
    via_router.configured_model = "prem/strong";
    CHECK(RoutesTurn(f.options.routing, via_router));
  }
}

}  // namespace
}  // namespace router::route
