// Kimi For Coding's windows (an undocumented endpoint, so behind usageFetch.experimental): the
// adapter against a fixture body and its failures, the opt-in (off: no request at all), and the
// fetch plan that tells the plugin whose keys to resolve.

#include "router/fetch/kimi_coding.h"

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/config/options.h"
#include "router/report/text.h"
#include "testing.h"
#include "testing_fetch.h"
#include "testing_http.h"

using nlohmann::json;
using router::FakeClock;
using router::Status;
using router::fetch::Endpoint;
using router::fetch::Outcome;
using router::http::FakeClient;
using router::testing::MemoryLedger;
using router::testing::ParseOptions;
using router::testing::RouterFor;
using router::testing::UsageFixture;
namespace commands = router::commands;
namespace kimi = router::fetch::kimi_coding;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1773856800000;         // Wed 2026-03-18 18:00Z
constexpr int64_t kNextMonday = 1774224000000;  // Mon 2026-03-23 00:00Z
constexpr const char* kKey = "sk-kimi-SECRET-5555";
constexpr const char* kUrl = "https://api.kimi.com/coding/v1/usages";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Outcome FetchKimi(FakeClient& client, const std::string& key = kKey, Endpoint endpoint = {}) {
  Outcome out;
  out.provider = "kimi";
  kimi::Fetch(client, endpoint, key, out);
  return out;
}

// A "kimi" provider with a rolling 5 h window of 200 requests and a weekly one of 2048 from
// Monday 00:00 UTC; `usage_fetch` is the usageFetch object.
std::string KimiConfig(const std::string& usage_fetch) {
  return R"({"timezone": "UTC", "providers": {
    "kimi": {"quotaSource": "api", "quotaType": "requests", "windows": [
      {"name": "5h", "limit": 200, "schedule": {"type": "rolling", "hours": 5}},
      {"name": "weekly", "limit": 2048, "schedule": {"type": "weekly", "dayOfWeek": 1, "hour": 0}}]},
    "deepseek": {"quotaSource": "api", "accounts": [
      {"name": "second", "provider": "deepseek-2", "apiKeyEnv": "DEEPSEEK_API_KEY_2"}]},
    "anthropic": {"quotaSource": "api"},
    "manual-one": {"quotaSource": "manual"}},
    "usageFetch": )" +
         usage_fetch + "}";
}

// One command context over `config_text` with an empty ledger at kNow and a fake HTTP client.
struct World {
  explicit World(const std::string& config_text) : options(ParseOptions(config_text)) {}
  const router::config::PluginOptions options;
  std::unique_ptr<router::ledger::Ledger> ledger = MemoryLedger();
  FakeClock clock{kNow};
  const router::route::Router router = RouterFor(options);
  FakeClient client;

  router::Result<json> Run(const std::string& name, const json& args) {
    commands::Context ctx{options, *ledger, clock, router};
    ctx.http = &client;
    return commands::Run(ctx, name, args);
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

TEST_CASE("kimi-coding reads the weekly pool and the 5-hour window from the observed body",
          "[fetch]") {
  auto parsed = kimi::Parse(json::parse(UsageFixture("kimi_coding_usages.json")));
  REQUIRE(parsed.ok());
  const auto& windows = parsed->windows;
  REQUIRE(windows.size() == 2);
  CHECK(windows[0].label == "Week");
  CHECK(windows[0].used_percent == Approx(25.0));  // 2048 - 1536 of 2048
  CHECK(windows[0].reset_at_ms == kNextMonday);
  CHECK(windows[1].label == "5h");  // 300 TIME_UNIT_MINUTE
  CHECK(windows[1].used_percent == Approx(25.0));
  CHECK(windows[1].reset_at_ms == kNow + 2 * kHour);
  CHECK(parsed->money.empty());
}

TEST_CASE("kimi-coding: numbers as numbers or strings, odd shapes, ISO times", "[fetch]") {
  SECTION("used without remaining, numbers as numbers, a day window, clamped percentages") {
    auto parsed = kimi::Parse(json::parse(R"({
      "usage": {"limit": 100, "used": 140},
      "limits": [{"window": {"duration": "1", "timeUnit": "TIME_UNIT_DAY"},
                  "detail": {"limit": "50", "remaining": "50", "resetTime": "soon"}},
                 {"window": {"duration": 90, "timeUnit": "TIME_UNIT_MINUTE"},
                  "detail": {"limit": 10, "remaining": 4}}]})"));
    REQUIRE(parsed.ok());
    REQUIRE(parsed->windows.size() == 3);
    CHECK(parsed->windows[0].used_percent == 100);  // over the limit: clamped
    CHECK(parsed->windows[0].reset_at_ms == 0);
    CHECK(parsed->windows[1].label == "1d");
    CHECK(parsed->windows[1].used_percent == 0);
    CHECK(parsed->windows[1].reset_at_ms == 0);  // unreadable time: not reported
    CHECK(parsed->windows[2].label == "90m");
    CHECK(parsed->windows[2].used_percent == Approx(60.0));
  }
  SECTION("entries without a limit, a known unit or a count are left out") {
    auto parsed = kimi::Parse(json::parse(R"({
      "usage": {"limit": "0", "remaining": "0"},
      "limits": [{"window": {"duration": 5, "timeUnit": "TIME_UNIT_FORTNIGHT"},
                  "detail": {"limit": "10", "remaining": "1"}},
                 {"window": {"duration": 300, "timeUnit": "TIME_UNIT_MINUTE"},
                  "detail": {"limit": "10"}},
                 {"window": null, "detail": {"limit": "10", "remaining": "1"}},
                 "junk",
                 {"window": {"duration": 5, "timeUnit": "TIME_UNIT_HOUR"},
                  "detail": {"limit": "10", "remaining": "9"}}]})"));
    REQUIRE(parsed.ok());
    REQUIRE(parsed->windows.size() == 1);
    CHECK(parsed->windows[0].label == "5h");
    CHECK(parsed->windows[0].used_percent == Approx(10.0));
  }
  SECTION("a body with nothing readable is a reading error") {
    for (const char* body : {R"({})", R"({"usage": null, "limits": "none"})",
                             R"({"usage": {"limit": "abc", "remaining": "1"}})", R"([1])"}) {
      auto parsed = kimi::Parse(json::parse(body));
      INFO(body);
      CHECK(parsed.status().code() == Status::Code::kCorruption);
      CHECK(Contains(parsed.status().message(), "kimi-coding usage"));
    }
  }
  SECTION("ISO 8601 instants with Z, an offset or a fraction") {
    CHECK(kimi::ParseIsoUtcMs("2026-03-23T00:00:00Z") == kNextMonday);
    CHECK(kimi::ParseIsoUtcMs("2026-03-23T00:00:00.250Z") == kNextMonday + 250);
    CHECK(kimi::ParseIsoUtcMs("2026-03-23T08:00:00+08:00") == kNextMonday);
    CHECK(kimi::ParseIsoUtcMs("2026-03-22T19:30:00-04:30") == kNextMonday);
    CHECK_FALSE(kimi::ParseIsoUtcMs("2026-03-23T00:00:00"));  // no zone: ambiguous
    CHECK_FALSE(kimi::ParseIsoUtcMs("2026-03-23T00:00:00Zjunk"));
    CHECK_FALSE(kimi::ParseIsoUtcMs("2026-03-23T00:00:00+8"));
    CHECK_FALSE(kimi::ParseIsoUtcMs("tomorrow"));
  }
}

TEST_CASE("kimi-coding fetch failures are reading errors without the key", "[fetch]") {
  FakeClient client;
  SECTION("a 200 with the fixture body") {
    client.Respond(kUrl, 200, UsageFixture("kimi_coding_usages.json"));
    const Outcome out = FetchKimi(client);
    CHECK(out.status.ok());
    CHECK(out.source == "kimi-coding");
    CHECK(out.reading.windows.size() == 2);
    REQUIRE(client.requests().size() == 1);
    CHECK(client.requests()[0].url == kUrl);
  }
  SECTION("401: the key was rejected") {
    client.Respond(kUrl, 401, R"({"error": "unauthorized"})");
    const Outcome out = FetchKimi(client);
    CHECK(out.status.code() == Status::Code::kPermissionDenied);
    CHECK(Contains(out.status.message(), "API key was rejected"));
    CHECK_FALSE(Contains(out.status.message(), kKey));
  }
  SECTION("a body that is not JSON, or JSON with nothing readable") {
    client.Respond(kUrl, 200, "<html>login</html>");
    CHECK(FetchKimi(client).status.code() == Status::Code::kCorruption);
    client.Respond(kUrl, 200, R"({"code": 0, "data": {}})");
    const Outcome out = FetchKimi(client);
    CHECK(out.status.code() == Status::Code::kCorruption);
    CHECK(out.reading.windows.empty());
  }
  SECTION("no key, or an overridden endpoint that is not loopback: nothing is sent") {
    CHECK(FetchKimi(client, "").status.code() == Status::Code::kFailedPrecondition);
    Endpoint other;
    other.base_url = "https://usage-proxy.example.net";
    const Outcome out = FetchKimi(client, kKey, other);
    CHECK(out.status.code() == Status::Code::kFailedPrecondition);
    CHECK(Contains(out.status.message(), "usage-proxy.example.net"));
    CHECK(client.requests().empty());
  }
}

TEST_CASE("kimi-coding is off by default: no request, a row saying how to turn it on", "[fetch]") {
  World world(KimiConfig("{}"));
  CHECK(world.options.usage_fetch.experimental.empty());
  auto result = world.Run("fetch", {{"keys", {{"kimi", kKey}}}, {"jitter", 0.5}});
  REQUIRE(result.ok());
  const json row = Row(result.value(), "kimi");
  CHECK(row["ok"] == false);
  CHECK(row["source"] == "kimi-coding");
  CHECK(Contains(row["error"], "experimental"));
  CHECK(Contains(row["error"], "usageFetch.experimental"));
  CHECK(row["experimental"] == true);
  CHECK(world.client.requests().empty());
  // status labels the source experimental.
  auto status = world.Run("status", json::object());
  REQUIRE(status.ok());
  bool shown = false;
  for (const auto& f : status.value()["fetch"]) {
    if (f["provider"] != "kimi") continue;
    shown = true;
    CHECK(f["experimental"] == true);
    CHECK(Contains(router::report::Render(status.value(), "UTC"), "kimi-coding, experimental"));
  }
  CHECK(shown);

  // The plan asks for no key for it either.
  auto plan = world.Run("fetch-plan", json::object());
  REQUIRE(plan.ok());
  for (const auto& p : plan.value()["providers"]) CHECK(p["provider"] != "kimi");
}

TEST_CASE("kimi-coding turned on: readings into the windows, errors shown", "[fetch]") {
  World world(KimiConfig(R"({"experimental": ["kimi-coding"]})"));
  world.client.Respond(kUrl, 200, UsageFixture("kimi_coding_usages.json"));
  auto result = world.Run("fetch", {{"provider", "kimi"}, {"keys", {{"kimi", kKey}}}});
  REQUIRE(result.ok());
  const json row = Row(result.value(), "kimi");
  INFO(row.dump());
  CHECK(row["ok"] == true);
  CHECK(row["source"] == "kimi-coding");
  REQUIRE(row["windows"].size() == 2);
  std::map<std::string, json> by_window;
  for (const auto& w : row["windows"]) by_window[w["window"]] = w;
  CHECK(by_window.at("5h")["used"] == 50);       // 25% of 200
  CHECK(by_window.at("weekly")["used"] == 512);  // 25% of 2048, matched by its reset
  CHECK(by_window.at("weekly")["label"] == "Week");
  REQUIRE(world.client.requests().size() == 1);
  CHECK_FALSE(Contains(result.value().dump(), kKey));

  SECTION("401 and a missing key are rows with the reason") {
    world.client.Respond(kUrl, 401, "");
    auto rejected = world.Run("fetch", {{"provider", "kimi"}, {"keys", {{"kimi", kKey}}}});
    REQUIRE(rejected.ok());
    CHECK(Contains(Row(rejected.value(), "kimi")["error"], "HTTP 401"));
    auto keyless = world.Run("fetch", {{"provider", "kimi"}});
    REQUIRE(keyless.ok());
    CHECK(Contains(Row(keyless.value(), "kimi")["error"], "no API key for kimi"));
    CHECK(world.client.requests().size() == 2);  // the keyless fetch sent nothing
  }
}

TEST_CASE("fetch-plan lists the providers read by an own adapter, so only theirs need a key",
          "[fetch]") {
  World world(KimiConfig(R"({"experimental": ["kimi-coding"],
                             "endpoints": {"anthropic": {"adapter": "moonshot"}}})"));
  // OpenClaw's snapshot covers deepseek and anthropic; a configured adapter still wins.
  const json snapshot = {{"providers",
                          {{{"provider", "deepseek"}, {"windows", json::array()}},
                           {{"provider", "anthropic"}, {"windows", json::array()}}}}};
  auto plan = world.Run("fetch-plan", {{"snapshotText", snapshot.dump()}, {"keys", {{"x", kKey}}}});
  REQUIRE(plan.ok());
  const json& p = plan.value();
  CHECK(p["schema"] == "router.fetch-plan/1");
  REQUIRE(p["providers"].size() == 3);
  CHECK(Row(p, "anthropic")["source"] == "moonshot");
  const json second = Row(p, "deepseek-2");
  CHECK(second["source"] == "deepseek");
  CHECK(second["accountOf"] == "deepseek");
  CHECK(second["account"] == "second");
  CHECK(second["keyEnv"] == "DEEPSEEK_API_KEY_2");
  CHECK(Row(p, "kimi")["source"] == "kimi-coding");
  CHECK_FALSE(Contains(p.dump(), kKey));
  CHECK(world.client.requests().empty());

  // Without the snapshot deepseek is read by its own adapter too; one provider alone; errors.
  auto bare = world.Run("fetch-plan", json::object());
  REQUIRE(bare.ok());
  CHECK(Row(bare.value(), "deepseek")["source"] == "deepseek");
  CHECK_FALSE(Row(bare.value(), "deepseek").contains("keyEnv"));
  auto one = world.Run("fetch-plan", {{"provider", "kimi"}});
  REQUIRE(one.ok());
  CHECK(one.value()["providers"].size() == 1);
  CHECK(world.Run("fetch-plan", {{"provider", "manual-one"}}).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(world.Run("fetch-plan", {{"snapshotText", "{"}}).status().code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("usageFetch.experimental accepts only known experimental adapters", "[fetch][config]") {
  auto bad =
      router::config::Parse(json::parse(KimiConfig(R"({"experimental": ["claude-oauth"]})")));
  CHECK(bad.status().code() == Status::Code::kInvalidArgument);
  CHECK(Contains(bad.status().message(), "usageFetch.experimental"));
  auto not_list =
      router::config::Parse(json::parse(KimiConfig(R"({"experimental": "kimi-coding"})")));
  CHECK_FALSE(not_list.ok());
  const auto adapter =
      ParseOptions(KimiConfig(R"({"endpoints": {"k2": {"adapter": "kimi-coding"}}})"));
  CHECK(adapter.usage_fetch.endpoints.at("k2").adapter == "kimi-coding");
}
