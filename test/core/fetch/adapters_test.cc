// The own adapters (DeepSeek and Moonshot balances) against fixture bodies shaped as each
// provider documents them, and against every way a fetch can fail. A failure is always a reading
// error in Outcome::status that never holds the key; never a crash or a wrong number.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/fetch/adapter.h"
#include "router/fetch/deepseek.h"
#include "router/fetch/moonshot.h"
#include "testing_fetch.h"
#include "testing_http.h"

using nlohmann::json;
using router::Status;
using router::fetch::Endpoint;
using router::fetch::Outcome;
using router::fetch::RetryAfterMs;
using router::http::FakeClient;
using router::testing::UsageFixture;
namespace deepseek = router::fetch::deepseek;
namespace moonshot = router::fetch::moonshot;

namespace {

constexpr const char* kKey = "sk-test-SECRET-0123456789";
constexpr const char* kDeepSeekUrl = "https://api.deepseek.com/user/balance";
constexpr const char* kMoonshotUrl = "https://api.moonshot.ai/v1/users/me/balance";

Outcome FetchDeepSeek(FakeClient& client, const std::string& key = kKey, Endpoint endpoint = {}) {
  Outcome out;
  out.provider = "deepseek";
  deepseek::Fetch(client, endpoint, key, out);
  return out;
}

Outcome FetchMoonshot(FakeClient& client, Endpoint endpoint = {}) {
  Outcome out;
  out.provider = "moonshot";
  moonshot::Fetch(client, endpoint, kKey, out);
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A failed outcome whose message says `part` and not the key.
void CheckError(const Outcome& out, Status::Code code, const std::string& part) {
  INFO(out.status.message());
  CHECK_FALSE(out.status.ok());
  CHECK(out.status.code() == code);
  CHECK(Contains(out.status.message(), part));
  CHECK_FALSE(Contains(out.status.message(), kKey));
  CHECK(out.reading.money.empty());
}

}  // namespace

TEST_CASE("deepseek reads one balance per currency from the documented body", "[fetch]") {
  FakeClient client;
  client.Respond(kDeepSeekUrl, 200, UsageFixture("deepseek_balance.json"));
  const Outcome out = FetchDeepSeek(client);
  REQUIRE(out.status.ok());
  CHECK(out.source == "deepseek");
  const auto& money = out.reading.money;
  REQUIRE(money.size() == 6);
  CHECK(money[0].kind == "balance");
  CHECK(money[0].label == "total");
  CHECK(money[0].unit == "CNY");
  CHECK(money[0].amount == Approx(110.0));
  CHECK(money[1].label == "granted");
  CHECK(money[1].amount == Approx(10.0));
  CHECK(money[3].unit == "USD");
  CHECK(money[3].amount == Approx(4.25));
  CHECK(router::fetch::UsdMicros(money[3].amount, money[3].unit) == 4'250'000);
  CHECK_FALSE(router::fetch::UsdMicros(money[0].amount, money[0].unit).has_value());

  const auto requests = client.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].headers.at(0).second == std::string("Bearer ") + kKey);
}

TEST_CASE("deepseek takes numbers as numbers or strings and rejects missing fields", "[fetch]") {
  SECTION("plain numbers and a missing optional part") {
    auto parsed = deepseek::Parse(json::parse(
        R"({"is_available": false, "balance_infos": [{"currency": "USD", "total_balance": 3}]})"));
    REQUIRE(parsed.ok());
    REQUIRE(parsed->money.size() == 1);
    CHECK(parsed->money[0].amount == 3);
    CHECK(parsed->plan == "balance not available for calls");
  }
  SECTION("balance_infos missing or null") {
    for (const char* body : {R"({"is_available": true})", R"({"balance_infos": null})"}) {
      auto parsed = deepseek::Parse(json::parse(body));
      CHECK(parsed.status().code() == Status::Code::kCorruption);
      CHECK(Contains(parsed.status().message(), "balance_infos"));
    }
  }
  SECTION("a total that is null, not a number, or missing its currency") {
    for (const char* entry : {R"({"currency": "USD", "total_balance": null})",
                              R"({"currency": "USD", "total_balance": "lots"})",
                              R"({"currency": "USD", "total_balance": ""})",
                              R"({"total_balance": "1.00"})", R"("USD 1.00")"}) {
      INFO(entry);
      auto parsed =
          deepseek::Parse(json::parse(std::string(R"({"balance_infos": [)") + entry + "]}"));
      CHECK(parsed.status().code() == Status::Code::kCorruption);
      CHECK(Contains(parsed.status().message(), "total_balance"));
    }
  }
}

TEST_CASE("moonshot reads available, cash and voucher balances in the host's currency", "[fetch]") {
  FakeClient client;
  client.Respond(kMoonshotUrl, 200, UsageFixture("moonshot_balance.json"));
  const Outcome out = FetchMoonshot(client);
  REQUIRE(out.status.ok());
  REQUIRE(out.reading.money.size() == 3);
  CHECK(out.reading.money[0].label == "available");
  CHECK(out.reading.money[0].unit == "USD");
  CHECK(out.reading.money[0].amount == Approx(49.58894));
  CHECK(out.reading.money[1].label == "cash");

  SECTION("api.moonshot.cn is CNY; a loopback endpoint has its configured currency or none") {
    CHECK(moonshot::CurrencyFor("https://api.moonshot.cn", "") == "CNY");
    CHECK(moonshot::CurrencyFor("http://127.0.0.1:9", "") == "");
    CHECK(moonshot::CurrencyFor("http://127.0.0.1:9", "USD") == "USD");
    client.Respond("https://api.moonshot.cn/v1/users/me/balance", 200,
                   R"({"data": {"available_balance": "-1.5"}})");
    Endpoint china;
    china.base_url = "https://api.moonshot.cn/";
    const Outcome cn = FetchMoonshot(client, china);
    REQUIRE(cn.status.ok());
    CHECK(cn.reading.money.at(0).unit == "CNY");
    CHECK(cn.reading.money.at(0).amount == Approx(-1.5));
  }
  SECTION("data or available_balance missing or null") {
    for (const char* body :
         {R"({"code": 0})", R"({"data": null})", R"({"data": {"available_balance": null}})",
          R"({"data": {"cash_balance": 1}})"}) {
      INFO(body);
      auto parsed = moonshot::Parse(json::parse(body), "USD");
      CHECK(parsed.status().code() == Status::Code::kCorruption);
    }
  }
}

TEST_CASE("adapter fetches fail with a clear reading error, never the key", "[fetch]") {
  FakeClient client;
  SECTION("401 and 403: the key was rejected") {
    client.Respond(kDeepSeekUrl, 401, R"({"error": {"message": "Authentication Fails"}})");
    CheckError(FetchDeepSeek(client), Status::Code::kPermissionDenied, "API key was rejected");
    client.Respond(kMoonshotUrl, 403, "");
    CheckError(FetchMoonshot(client), Status::Code::kPermissionDenied, "HTTP 403");
  }
  SECTION("429 with Retry-After in seconds or as a date") {
    client.Respond(kDeepSeekUrl, 429, "slow down", {{"retry-after", "120"}});
    Outcome out = FetchDeepSeek(client);
    CheckError(out, Status::Code::kUnavailable, "rate limited");
    CHECK(out.retry_after_ms == 120'000);

    Endpoint at;
    at.now_ms = 1'773'856'800'000;  // Wed, 18 Mar 2026 18:00:00 GMT
    client.Respond(kDeepSeekUrl, 429, "", {{"retry-after", "Wed, 18 Mar 2026 18:05:00 GMT"}});
    out = FetchDeepSeek(client, kKey, at);
    CHECK(out.retry_after_ms == 300'000);
    CHECK(RetryAfterMs(nullptr, 0) == 0);
    const std::string junk = "soon";
    CHECK(RetryAfterMs(&junk, 0) == 0);
  }
  SECTION("500: the provider failed") {
    client.Respond(kDeepSeekUrl, 500, "<html>oops</html>");
    CheckError(FetchDeepSeek(client), Status::Code::kUnavailable, "HTTP 500");
  }
  SECTION("a timeout or an oversized body from the client") {
    client.Fail(kDeepSeekUrl,
                Status::Unavailable("GET api.deepseek.com: Timeout was reached after 10001 ms"));
    CheckError(FetchDeepSeek(client), Status::Code::kUnavailable, "Timeout");
    client.Fail(
        kDeepSeekUrl,
        Status::Unavailable("GET api.deepseek.com: response body over the 4194304-byte limit"));
    CheckError(FetchDeepSeek(client), Status::Code::kUnavailable, "limit");
  }
  SECTION("a 10 MB body or invalid JSON") {
    client.Respond(kDeepSeekUrl, 200, std::string(10 << 20, '['));
    CheckError(FetchDeepSeek(client), Status::Code::kCorruption, "not a JSON object");
    client.Respond(kMoonshotUrl, 200, R"({"data": {"available_balance": 1)");
    CheckError(FetchMoonshot(client), Status::Code::kCorruption, "not a JSON object");
    client.Respond(kMoonshotUrl, 200, "[1, 2]");
    CheckError(FetchMoonshot(client), Status::Code::kCorruption, "not a JSON object");
  }
  SECTION("no key: nothing is sent") {
    CheckError(FetchDeepSeek(client, ""), Status::Code::kFailedPrecondition, "no API key");
    CHECK(client.requests().empty());
  }
  SECTION("an overridden endpoint that is not loopback never gets the key") {
    Endpoint other;
    other.base_url = "https://collector.example.net";
    CheckError(FetchDeepSeek(client, kKey, other), Status::Code::kFailedPrecondition,
               "collector.example.net");
    other.base_url = "http://api.deepseek.com";
    CheckError(FetchDeepSeek(client, kKey, other), Status::Code::kFailedPrecondition, "http://");
    CHECK(client.requests().empty());
  }
  SECTION("a loopback override gets the key over plain http") {
    Endpoint local;
    local.base_url = "http://127.0.0.1:4010/";
    client.Respond("http://127.0.0.1:4010/user/balance", 200,
                   UsageFixture("deepseek_balance.json"));
    CHECK(FetchDeepSeek(client, kKey, local).status.ok());
    REQUIRE(client.requests().size() == 1);
  }
}
