// providers.<id>.accounts: parsed with their own key variables and windows, added as providers
// the router ranks after the account before them, and routed to when that one's window is spent.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/config/options.h"
#include "testing.h"

namespace router::config {
namespace {

using nlohmann::json;

constexpr const char* kTwoAccounts = R"({
  "timezone": "UTC",
  "providers": {"gemini": {
    "quotaSource": "manual", "quotaType": "requests", "tier": "free", "models": ["flash"],
    "windows": [{"name": "daily", "limit": 100, "schedule": {"type": "daily", "hour": 0}}],
    "accounts": [
      {"name": "second", "provider": "gemini-2", "apiKeyEnv": "GEMINI_API_KEY_2",
       "windows": [{"name": "daily", "limit": 50, "schedule": {"type": "daily", "hour": 0}}]},
      {"name": "third", "provider": "gemini-3", "apiKeyEnv": "GEMINI_API_KEY_3"},
      {"name": "work", "profile": "google:work"}]}},
  "priceOverrides": {"gemini/flash": {"input": 0, "output": 0},
                     "gemini-2/flash": {"input": 0, "output": 0},
                     "gemini-3/flash": {"input": 0, "output": 0}},
  "capabilities": {"flash": {"instruction": 0.9, "coding": 0.9, "contextWindow": 100000}}})";

TEST_CASE("Accounts become providers of their own, ranked in order", "[credentials][accounts]") {
  const PluginOptions options = testing::ParseOptions(kTwoAccounts);
  REQUIRE(options.providers.size() == 3);
  const ProviderOptions* gemini = options.FindProvider("gemini");
  const ProviderOptions* second = options.FindProvider("gemini-2");
  const ProviderOptions* third = options.FindProvider("gemini-3");
  REQUIRE((gemini && second && third));
  CHECK(gemini->accounts.size() == 3);
  CHECK(gemini->accounts[0].api_key_env == "GEMINI_API_KEY_2");
  CHECK(gemini->accounts[2].profile == "google:work");
  CHECK(second->account_of == "gemini");
  CHECK(second->account_name == "second");
  CHECK(second->windows.at(0).limit == 50);  // its own window
  CHECK(third->windows.at(0).limit == 100);  // the provider's
  CHECK(second->models == gemini->models);
  CHECK(second->tier == Tier::kFree);
  CHECK(gemini->priority > second->priority);
  CHECK(second->priority > third->priority);
  CHECK(third->accounts.empty());
}

TEST_CASE("Bad accounts are errors naming the field and the fix", "[credentials][accounts]") {
  struct Case {
    const char* accounts;
    const char* says;
  };
  const Case cases[] = {
      {R"([{"provider": "b"}])", "\"providers.a.accounts[0].name\" must be a non-empty string"},
      {R"([{"name": "x"}, {"name": "x"}])", "accounts[1].name\" must be unique"},
      {R"([{"name": "x", "apiKeyEnv": "sk-123 secret"}])",
       "\"providers.a.accounts[0].apiKeyEnv\" must be the name of an environment variable"},
      {R"([{"name": "x", "provider": "c"}])",
       "\"providers.a.accounts[0].provider\" must be an OpenClaw provider id no other provider"},
      {R"([{"name": "x", "windows": [{"name": "d", "schedule": {"type": "daily"}}]}])",
       "\"providers.a.accounts[0].windows\" must be left out on an account without \"provider\""},
      {R"([{"name": "x", "provider": "b", "windows": [{"name": "d"}]}])",
       "\"providers.a.accounts[0].windows[0].schedule\" must be an object"},
      {R"([{"name": "x", "key": "k"}])", "unknown key \"providers.a.accounts[0].key\""},
  };
  for (const Case& c : cases) {
    const std::string config =
        std::string(R"({"providers": {"c": {}, "a": {"accounts": )") + c.accounts + "}}}";
    auto parsed = Parse(json::parse(config));
    INFO(config);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().find(c.says) != std::string::npos);
    CHECK(parsed.status().message().find("sk-123") == std::string::npos);
  }
}

TEST_CASE("Routing moves to the next account when one's window is spent",
          "[credentials][accounts][route]") {
  const PluginOptions options = testing::ParseOptions(kTwoAccounts);
  const route::Router router = testing::RouterFor(options);
  auto ledger = testing::MemoryLedger();
  FakeClock clock(1'790'000'000'000);
  const auto run = [&](const std::string& name, const json& args) {
    auto result = commands::Run({options, *ledger, clock, router}, name, args);
    INFO(name << ": " << result.status().message());
    REQUIRE(result.ok());
    return result.value();
  };
  const json route_args = {{"prompt", "hi"}, {"model", "router/simple"}};
  CHECK(run("route", route_args)["choice"]["ref"] == "gemini/flash");

  run("set-usage", {{"provider", "gemini"}, {"value", "100"}});
  json decision = run("route", route_args);
  CHECK(decision["choice"]["ref"] == "gemini-2/flash");

  run("set-usage", {{"provider", "gemini-2"}, {"value", "50"}});
  decision = run("route", route_args);
  CHECK(decision["choice"]["ref"] == "gemini-3/flash");
  bool spent_rejected = false;
  for (const json& r : decision["rejected"]) {
    spent_rejected |= r["ref"] == "gemini-2/flash" && r["why"] == "quota";
  }
  CHECK(spent_rejected);
}

}  // namespace
}  // namespace router::config
