// The router with failures: cooled-down models are left out with the reason, models failing
// often rank below healthy ones, a fallback attempt skips the run's failed models and never goes
// below the quality floor, some failures stop the run, and the shadow policy never changes the
// real decision.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "route/route_testing.h"
#include "router/route/router.h"
#include "testing.h"

namespace router::route {
namespace {

using nlohmann::json;

// Three cloud models (strong clears coding, mid and cheap do not) and a local one.
constexpr const char* kConfig = R"({
  "providers": {
    "cloud": {"models": ["strong", "mid", "cheap"]},
    "cloud2": {"models": ["alt"]},
    "ollama": {"tier": "local", "local": {"type": "ollama", "endpoint": "http://127.0.0.1:11434",
                                           "models": ["tiny"]}}
  },
  "priceOverrides": {
    "cloud/strong": {"input": 15, "output": 75},
    "cloud/mid": {"input": 1, "output": 4},
    "cloud/cheap": {"input": 0.1, "output": 0.4},
    "cloud2/alt": {"input": 20, "output": 80}
  },
  "capabilities": {
    "cloud/strong": {"coding": 0.95, "reasoning": 0.95, "creative": 0.9, "instruction": 0.95,
                     "context": 0.9, "speed": 0.4, "contextWindow": 200000, "tools": true},
    "cloud2/alt": {"coding": 0.9, "reasoning": 0.9, "creative": 0.9, "instruction": 0.9,
                   "context": 0.9, "speed": 0.4, "contextWindow": 200000, "tools": true},
    "cloud/mid": {"coding": 0.5, "reasoning": 0.7, "creative": 0.6, "instruction": 0.7,
                  "context": 0.6, "speed": 0.7, "contextWindow": 64000, "tools": true},
    "cloud/cheap": {"coding": 0.3, "reasoning": 0.4, "creative": 0.4, "instruction": 0.75,
                    "context": 0.3, "speed": 0.95, "contextWindow": 16000, "tools": true},
    "ollama/tiny": {"coding": 0.2, "reasoning": 0.2, "creative": 0.2, "instruction": 0.2,
                    "context": 0.2, "speed": 0.6, "contextWindow": 8192}
  }%s
})";

constexpr const char* kCoding =
    "Write a Python function that parses a CSV file into a list of dicts, with type hints and "
    "pytest unit tests.";

std::string Config(const std::string& extra = "") {
  std::string text(kConfig);
  text.replace(text.find("%s"), 2, extra.empty() ? "" : ",\n" + extra);
  return text;
}

struct Fixture {
  explicit Fixture(const std::string& extra = "")
      : options(testing::ParseOptions(Config(extra))), router(testing::RouterFor(options)) {}

  Decision Decide(const RouteState& state, std::vector<Failure> failed = {},
                  const std::string& model = "auto") const& {
    RouteRequest request;
    request.prompt = kCoding;
    request.provider = "router";
    request.model = model;
    request.trigger = "user";
    request.failed = std::move(failed);
    auto decision = router.Decide(request, state);
    INFO(decision.status().message());
    REQUIRE(decision.ok());
    return std::move(decision).value();
  }

  config::PluginOptions options;
  Router router;
};

using testing::Choice;
using testing::RejectionOf;

Failure Failed(const std::string& provider, const std::string& model, int status) {
  Failure f;
  f.provider = provider;
  f.model = model;
  f.status = status;
  return f;
}

TEST_CASE("a cooled-down model is skipped with the reason; the whole provider with '*'",
          "[route][failover]") {
  Fixture f;
  RouteState state;
  state.now_ms = 100'000;
  CHECK(Choice(f.Decide(state)) == "cloud/strong");
  state.cooldowns.push_back({"cloud", "strong", 90'000, 130'000, 2, "server-error"});
  Decision d = f.Decide(state);
  CHECK(Choice(d) == "cloud2/alt");
  const Rejection* r = RejectionOf(d, "cloud/strong");
  REQUIRE(r != nullptr);
  CHECK(r->why == "cooldown");
  CHECK(r->detail == "cloud/strong cools down for 30s more (server-error, 2 failures in a row)");
  json detail = ToJson(d, state);
  CHECK(detail["rejected"].dump().find("cooldown") != std::string::npos);

  state.cooldowns = {{"cloud2", "*", 90'000, 130'000, 1, "billing"}};
  state.cooldowns.push_back({"cloud", "strong", 90'000, 130'000, 1, "server-error"});
  d = f.Decide(state);
  CHECK(RejectionOf(d, "cloud2/alt")->why == "cooldown");
  CHECK(Choice(d) == "cloud/mid");  // the best that is left, below the threshold
}

TEST_CASE("a model failing above the share ranks below healthy ones", "[route][failover]") {
  Fixture f(R"("routing": {"failover": {"maxFailureShare": 0.5, "minCalls": 4}})");
  RouteState state;
  state.recent_calls["cloud/strong"] = {4, 3};  // 75% failed
  Decision d = f.Decide(state);
  CHECK(Choice(d) == "cloud2/alt");
  REQUIRE(d.ranked.back().candidate->ref == "cloud/strong");
  CHECK(d.ranked.back().unhealthy);
  CHECK(d.ranked.back().failure_share == Approx(0.75));
  CHECK(ToJson(d, state)["ranked"].back()["unhealthy"] == true);

  SECTION("too few calls, or a share at the limit, keep it healthy") {
    state.recent_calls["cloud/strong"] = {3, 3};
    CHECK(Choice(f.Decide(state)) == "cloud/strong");
    state.recent_calls["cloud/strong"] = {4, 2};
    CHECK(Choice(f.Decide(state)) == "cloud/strong");
  }
  SECTION("when every model fails often, the reason says so") {
    for (const char* ref : {"cloud/mid", "cloud/cheap", "cloud2/alt", "ollama/tiny"})
      state.recent_calls[ref] = {10, 9};
    d = f.Decide(state);
    CHECK(Choice(d) == "cloud/strong");  // all unhealthy: the usual order among them
    CHECK(d.reason.find("fails often") != std::string::npos);
  }
}

TEST_CASE("a fallback attempt takes the next model of the chain, never below the floor",
          "[route][failover]") {
  Fixture f;
  RouteState state;
  Decision d = f.Decide(state, {Failed("cloud", "strong", 500)}, "fallback-1");
  CHECK(d.alias == "auto");
  CHECK(d.attempt == 2);
  CHECK(Choice(d) == "cloud2/alt");
  CHECK(RejectionOf(d, "cloud/strong")->why == "failed");
  CHECK(d.reason.find("fallback 1 after cloud/strong failed (server-error)") != std::string::npos);
  // mid and cheap score below both the threshold and strong: never a silent fallback.
  CHECK(RejectionOf(d, "cloud/mid")->why == "quality-floor");
  CHECK(RejectionOf(d, "cloud/cheap")->why == "quality-floor");

  d = f.Decide(state, {Failed("cloud", "strong", 500), Failed("cloud2", "alt", 429)});
  CHECK(d.attempt == 3);
  CHECK_FALSE(d.routed);
  CHECK(Choice(d) == "none");
}

TEST_CASE("a local-only turn falls over to local models only", "[route][failover]") {
  Fixture f;
  RouteState state;
  Decision d = f.Decide(state, {}, "local");
  CHECK(Choice(d) == "ollama/tiny");
  d = f.Decide(state, {Failed("ollama", "tiny", 500)}, "local");
  CHECK_FALSE(d.routed);
  for (const char* ref : {"cloud/strong", "cloud/mid", "cloud/cheap", "cloud2/alt"})
    CHECK(RejectionOf(d, ref)->why == "alias");
}

TEST_CASE("some failures stop the run, and attempts are bounded", "[route][failover]") {
  Fixture f(R"("routing": {"failover": {"maxAttempts": 2}})");
  RouteState state;
  Decision d = f.Decide(state, {Failed("cloud", "strong", 400)});
  CHECK(d.stopped);
  CHECK_FALSE(d.routed);
  CHECK(d.reason == "cloud/strong failed (bad-request): not retried on another model");

  CHECK(f.Decide(state, {Failed("cloud", "strong", 500)}).routed);
  d = f.Decide(state, {Failed("cloud", "strong", 500), Failed("cloud2", "alt", 500)});
  CHECK(d.stopped);
  CHECK(d.reason.find("routing.failover.maxAttempts is 2") != std::string::npos);
}

TEST_CASE("the shadow policy decides apart and never changes the real decision",
          "[route][failover][shadow]") {
  Fixture plain;
  Fixture shadowed(R"("routing": {"shadow": {"qualityThresholds": {"coding": 0.4}}})");
  REQUIRE(plain.router.shadow() == nullptr);
  REQUIRE(shadowed.router.shadow() != nullptr);
  RouteState state;
  const Decision real = shadowed.Decide(state);
  CHECK(Choice(real) == Choice(plain.Decide(state)));
  CHECK(Choice(real) == "cloud/strong");
  RouteRequest request;
  request.prompt = kCoding;
  request.provider = "router";
  request.model = "auto";
  auto shadow = shadowed.router.shadow()->Decide(request, state);
  REQUIRE(shadow.ok());
  CHECK(shadow->choice()->ref == "cloud/mid");  // 0.5 clears 0.4 and is cheaper
  CHECK(shadowed.router.shadow()->shadow() == nullptr);
}

}  // namespace
}  // namespace router::route
