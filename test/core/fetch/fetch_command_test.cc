// The fetch command: OpenClaw's snapshot for the providers it covers, own adapters for the rest,
// everything recorded and shown by status, and API keys in none of it.

#include "router/commands/fetch.h"

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/commands/status.h"
#include "router/report/text.h"
#include "testing.h"
#include "testing_fetch.h"
#include "testing_http.h"

using nlohmann::json;
using router::FakeClock;
using router::Status;
using router::http::FakeClient;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;
using router::testing::RouterFor;
using router::testing::UsageFixture;
namespace commands = router::commands;

namespace {

constexpr int64_t kMin = 60'000;
constexpr int64_t kNow = 1773856800000;  // Wed 2026-03-18 18:00Z
constexpr const char* kKey = "sk-deepseek-SECRET-987654321";

constexpr const char* kConfig = R"({
  "timezone": "UTC",
  "providers": {
    "anthropic": {"quotaSource": "api", "quotaType": "messages", "windows": [
      {"name": "5h", "limit": 200, "schedule": {"type": "rolling", "hours": 5}}]},
    "deepseek": {"quotaSource": "api", "budget": {"monthlyLimit": 20}},
    "mystery": {"quotaSource": "api"},
    "manual-one": {"quotaSource": "manual"}}})";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// kConfig's options, an empty ledger at kNow and a fake HTTP client, in one command context.
struct World {
  const router::config::PluginOptions options = ParseOptions(kConfig);
  std::unique_ptr<router::ledger::Ledger> ledger = MemoryLedger();
  FakeClock clock{kNow};
  const router::route::Router router = RouterFor(options);
  FakeClient client;
  commands::Context ctx = MakeContext();

 private:
  commands::Context MakeContext() {
    commands::Context context{options, *ledger, clock, router};
    context.http = &client;
    return context;
  }
};

json Row(const json& result, const std::string& provider) {
  for (const auto& row : result["providers"]) {
    if (row["provider"] == provider) return row;
  }
  FAIL("no row for " << provider);
  return json();
}

}  // namespace

TEST_CASE("fetch reads OpenClaw's snapshot and own adapters and records both", "[fetch]") {
  World world;
  auto& [options, ledger, clock, router, client, ctx] = world;
  client.Respond("https://api.deepseek.com/user/balance", 200,
                 UsageFixture("deepseek_balance.json"));

  const json args = {{"snapshot", json::parse(UsageFixture("openclaw_usage_status.json"))},
                     {"keys", {{"deepseek", kKey}}},
                     {"jitter", 0.5}};
  auto result = commands::Run(ctx, "fetch", args);
  REQUIRE(result.ok());
  const json& r = result.value();
  CHECK(r["schema"] == "router.fetch/1");
  REQUIRE(r["providers"].size() == 3);  // the api providers, not manual-one

  const json anthropic = Row(r, "anthropic");
  CHECK(anthropic["source"] == "openclaw");
  CHECK(anthropic["ok"] == true);
  CHECK(anthropic["plan"] == "Max (5x)");
  REQUIRE(anthropic["windows"].size() == 1);
  CHECK(anthropic["windows"][0]["window"] == "5h");
  CHECK(anthropic["windows"][0]["used"] == 84);  // 42% of 200
  CHECK(anthropic["nextInMs"] == 5 * kMin);

  const json deepseek = Row(r, "deepseek");
  CHECK(deepseek["source"] == "deepseek");
  CHECK(deepseek["ok"] == true);
  REQUIRE(deepseek["balances"].size() == 6);
  CHECK(deepseek["balances"][3]["amountMicros"] == 4'250'000);
  CHECK_FALSE(deepseek["balances"][0].contains("amountMicros"));  // CNY stays CNY

  const json mystery = Row(r, "mystery");
  CHECK(mystery["ok"] == false);
  CHECK(mystery["source"] == "none");
  CHECK(Contains(mystery["error"], "no adapter"));

  // status shows the reading's age and source, and the failed fetch with its reason.
  clock.Set(kNow + 3 * kMin);
  auto status = commands::Run(ctx, "status", json::object());
  REQUIRE(status.ok());
  const json& quotas = status.value()["quotas"];
  REQUIRE(quotas[0]["provider"] == "anthropic");
  CHECK(quotas[0]["basis"]["kind"] == "api");
  CHECK(quotas[0]["basis"]["atMs"] == kNow);
  CHECK(quotas[0]["basis"]["stale"] == false);
  const json& fetches = status.value()["fetch"];
  REQUIRE(fetches.size() == 3);
  CHECK(fetches[2]["provider"] == "mystery");
  CHECK(fetches[2]["ok"] == false);
  const std::string text = router::report::Render(status.value(), "UTC");
  INFO(text);
  CHECK(Contains(text, "from the provider, 3 min ago"));
  CHECK(Contains(text, "last fetch failed 3 min ago"));
  CHECK(Contains(text, "4.25 USD"));

  // The key is nowhere: not in the result, the status, the text or the ledger.
  CHECK_FALSE(Contains(r.dump(), kKey));
  CHECK_FALSE(Contains(status.value().dump(), kKey));
  CHECK_FALSE(Contains(text, kKey));
  auto events = ledger->Events("", "", 0);
  REQUIRE(events.ok());
  for (const auto& e : events.value()) CHECK_FALSE(Contains(e.payload, kKey));
}

TEST_CASE("fetch of one provider, and its argument errors", "[fetch]") {
  World world;
  auto& [options, ledger, clock, router, client, ctx] = world;
  client.Respond("https://api.deepseek.com/user/balance", 429, "", {{"retry-after", "3600"}});

  auto one =
      commands::Run(ctx, "fetch", {{"provider", "deepseek"}, {"keys", {{"deepseek", kKey}}}});
  REQUIRE(one.ok());
  REQUIRE(one.value()["providers"].size() == 1);
  const json row = one.value()["providers"][0];
  CHECK(row["ok"] == false);
  CHECK(row["retryAfterMs"] == 3'600'000);
  CHECK(row["nextInMs"].get<int64_t>() >= 3'600'000);

  auto manual = commands::Run(ctx, "fetch", {{"provider", "manual-one"}});
  CHECK(manual.status().code() == Status::Code::kInvalidArgument);
  CHECK(Contains(manual.status().message(), "quotaSource"));
  auto bad_keys = commands::Run(ctx, "fetch", {{"keys", {{"deepseek", 5}}}});
  CHECK(bad_keys.status().code() == Status::Code::kInvalidArgument);
  auto bad_snapshot = commands::Run(ctx, "fetch", {{"snapshot", {{"nope", 1}}}});
  CHECK(bad_snapshot.status().code() == Status::Code::kInvalidArgument);

  SECTION("no HTTP client in the context: the adapter row fails, nothing crashes") {
    commands::Context no_http{options, *ledger, clock, router};
    auto result = commands::Run(no_http, "fetch", {{"provider", "deepseek"}});
    REQUIRE(result.ok());
    CHECK(Contains(result.value()["providers"][0]["error"], "no HTTP client"));
  }
  SECTION("a snapshot that could not be read is the reason for OpenClaw-sourced providers") {
    auto result = commands::Run(ctx, "fetch",
                                {{"provider", "anthropic"}, {"snapshotError", "gateway closed"}});
    REQUIRE(result.ok());
    CHECK(Contains(result.value()["providers"][0]["error"], "gateway closed"));
  }
}

TEST_CASE("fetch reads each account with its own key and records it under its own id", "[fetch]") {
  // deepseek-2 and deepseek-3 are accounts of deepseek (their own OpenClaw providers): read
  // through deepseek's adapter, deepseek-2 at its own endpoint, deepseek-3 without a key.
  const auto options = ParseOptions(R"({
    "timezone": "UTC",
    "providers": {"deepseek": {"quotaSource": "api", "accounts": [
      {"name": "second", "provider": "deepseek-2", "apiKeyEnv": "DEEPSEEK_API_KEY_2"},
      {"name": "third", "provider": "deepseek-3", "apiKeyEnv": "DEEPSEEK_API_KEY_3"}]}},
    "usageFetch": {"endpoints": {"deepseek-2": {"baseUrl": "http://127.0.0.1:9/ds2"}}}})");
  auto ledger = MemoryLedger();
  FakeClock clock{kNow};
  const auto router = RouterFor(options);
  FakeClient client;
  commands::Context ctx{options, *ledger, clock, router};
  ctx.http = &client;
  client.Respond("https://api.deepseek.com/user/balance", 200,
                 UsageFixture("deepseek_balance.json"));
  client.Respond("http://127.0.0.1:9/ds2/user/balance", 200,
                 R"({"is_available": true, "balance_infos": [{"currency": "USD",
                     "total_balance": "1.50", "granted_balance": "0", "topped_up_balance": "1.50"}]})");
  const std::string second_key = "sk-deepseek-second-SECRET-1234";

  auto result = commands::Run(
      ctx, "fetch", {{"keys", {{"deepseek", kKey}, {"deepseek-2", second_key}}}, {"jitter", 0.5}});
  REQUIRE(result.ok());
  const json& r = result.value();
  REQUIRE(r["providers"].size() == 3);
  const json first = Row(r, "deepseek");
  const json second = Row(r, "deepseek-2");
  const json third = Row(r, "deepseek-3");
  CHECK(first["ok"] == true);
  CHECK(first["balances"][3]["amountMicros"] == 4'250'000);
  CHECK(second["ok"] == true);
  CHECK(second["source"] == "deepseek");
  REQUIRE(second["balances"].size() == 3);
  CHECK(second["balances"][0]["amountMicros"] == 1'500'000);
  CHECK(third["ok"] == false);
  CHECK(Contains(third["error"], "no API key for deepseek-3 (account \"third\" of deepseek)"));
  CHECK(Contains(third["error"], "DEEPSEEK_API_KEY_3"));

  // One request per account with a key, each with that account's key; none for deepseek-3.
  const auto requests = client.requests();
  REQUIRE(requests.size() == 2);
  for (const auto& request : requests) {
    const bool own = request.url.find("/ds2/") != std::string::npos;
    bool found = false;
    for (const auto& [name, value] : request.headers) {
      if (name != "Authorization") continue;
      found = true;
      CHECK(value == "Bearer " + (own ? second_key : std::string(kKey)));
    }
    CHECK(found);
  }

  // Recorded per account; no key in the result, the status or the ledger.
  auto status = commands::Run(ctx, "status", json::object());
  REQUIRE(status.ok());
  std::map<std::string, json> fetched;
  for (const auto& f : status.value()["fetch"]) fetched[f["provider"]] = f;
  CHECK(fetched.at("deepseek-2")["balances"][0]["amountMicros"] == 1'500'000);
  CHECK(fetched.at("deepseek")["balances"].size() == 6);
  CHECK(fetched.at("deepseek-3")["ok"] == false);
  const auto events = ledger->Events("", "", 0);  // held: a range-for over .value() would dangle
  REQUIRE(events.ok());
  for (const std::string& key : {std::string(kKey), second_key}) {
    CHECK_FALSE(Contains(r.dump(), key));
    CHECK_FALSE(Contains(status.value().dump(), key));
    for (const auto& e : events.value()) CHECK_FALSE(Contains(e.payload, key));
  }
}
