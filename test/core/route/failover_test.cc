// The error -> action table, Retry-After parsing and cooldown arithmetic (route/failover.h), on an
// injected time: no clock, no provider.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "router/base/clock.h"
#include "router/route/failover.h"

namespace router::route {
namespace {

// 2026-12-06 10:00:00 UTC.
constexpr int64_t kNow = 1'796'551'200'000;

Failure FailureOf(int status, const std::string& message = "") {
  Failure f;
  f.provider = "cloud";
  f.model = "strong";
  f.status = status;
  f.message = message;
  return f;
}

TEST_CASE("Classify: status first, then the text; credits texts are billing", "[failover]") {
  CHECK(Classify(FailureOf(402)) == FailureKind::kBilling);
  CHECK(Classify(FailureOf(403)) == FailureKind::kForbidden);
  CHECK(Classify(FailureOf(404)) == FailureKind::kNotFound);
  CHECK(Classify(FailureOf(429)) == FailureKind::kRateLimited);
  CHECK(Classify(FailureOf(500)) == FailureKind::kServer);
  CHECK(Classify(FailureOf(503)) == FailureKind::kServer);
  CHECK(Classify(FailureOf(504)) == FailureKind::kTimeout);
  CHECK(Classify(FailureOf(400)) == FailureKind::kBadRequest);
  // OpenClaw's error text carries the status when the event has none.
  CHECK(Classify(FailureOf(0, "500 fake provider configured to fail")) == FailureKind::kServer);
  CHECK(Classify(FailureOf(0, "connect ECONNREFUSED 127.0.0.1:9")) == FailureKind::kUnreachable);
  CHECK(Classify(FailureOf(0, "Request timed out.")) == FailureKind::kTimeout);
  CHECK(Classify(FailureOf(0, "This operation was aborted")) == FailureKind::kAborted);
  CHECK(Classify(FailureOf(0, "something odd")) == FailureKind::kUnknown);
  // Out of credits wins over the status it came with (OpenAI sends it as a 429).
  CHECK(Classify(FailureOf(429, "You exceeded your current quota, check your plan and billing")) ==
        FailureKind::kBilling);
  CHECK(Classify(FailureOf(200, "Insufficient credits: add more at /settings")) ==
        FailureKind::kBilling);
  Failure empty = FailureOf(0);
  empty.empty_reply = true;
  CHECK(Classify(empty) == FailureKind::kEmptyReply);
}

TEST_CASE("StatusFromMessage reads a leading three-digit status only", "[failover]") {
  CHECK(StatusFromMessage("429 Too many requests") == 429);
  CHECK(StatusFromMessage(" 503") == 503);
  CHECK(StatusFromMessage("4291 things") == 0);
  CHECK(StatusFromMessage("error 500") == 0);
  CHECK(StatusFromMessage("") == 0);
}

TEST_CASE("ActionFor: what falls over, what cools down, what stops", "[failover]") {
  for (FailureKind kind :
       {FailureKind::kBilling, FailureKind::kForbidden, FailureKind::kNotFound,
        FailureKind::kRateLimited, FailureKind::kServer, FailureKind::kUnreachable,
        FailureKind::kTimeout, FailureKind::kEmptyReply}) {
    INFO(Name(kind));
    CHECK(ActionFor(kind).fall_over);
    CHECK(ActionFor(kind).cool_down);
  }
  CHECK(ActionFor(FailureKind::kBilling).whole_provider);
  CHECK(ActionFor(FailureKind::kUnreachable).whole_provider);
  CHECK_FALSE(ActionFor(FailureKind::kServer).whole_provider);
  CHECK(ActionFor(FailureKind::kUnknown).fall_over);
  CHECK_FALSE(ActionFor(FailureKind::kUnknown).cool_down);
  for (FailureKind kind : {FailureKind::kBadRequest, FailureKind::kAborted}) {
    INFO(Name(kind));
    CHECK_FALSE(ActionFor(kind).fall_over);
    CHECK_FALSE(ActionFor(kind).cool_down);
  }
}

TEST_CASE("RetryAfterEnd: delta seconds and HTTP dates", "[failover]") {
  CHECK(RetryAfterEnd("30", kNow) == kNow + 30'000);
  CHECK(RetryAfterEnd(" 5 ", kNow) == kNow + 5'000);
  CHECK(RetryAfterEnd("Sun, 06 Dec 2026 10:02:00 GMT", kNow) == kNow + 120'000);
  CHECK_FALSE(RetryAfterEnd("Sun, 06 Dec 2026 09:59:00 GMT", kNow));  // already past
  CHECK_FALSE(RetryAfterEnd("Sun, 06 Dec 2026 10:02:00 PST", kNow));
  CHECK_FALSE(RetryAfterEnd("0", kNow));
  CHECK_FALSE(RetryAfterEnd("-3", kNow));
  CHECK_FALSE(RetryAfterEnd("soon", kNow));
  CHECK_FALSE(RetryAfterEnd("", kNow));
  CHECK_FALSE(RetryAfterEnd("99999999999", kNow));
}

TEST_CASE("RetryAfterFromMessage finds the value OpenClaw appends to the error", "[failover]") {
  CHECK(RetryAfterFromMessage("429 slow down; Retry-After: 30 seconds") == "30");
  CHECK(RetryAfterFromMessage("rate limited, please retry after 12s") == "12");
  CHECK(RetryAfterFromMessage("500 boom").empty());
}

TEST_CASE("NextCooldown: Retry-After, then exponential from the base up to the cap", "[failover]") {
  config::FailoverOptions options;
  options.cooldown_base_seconds = 30;
  options.cooldown_max_seconds = 300;
  const Failure server = FailureOf(500);

  auto first = NextCooldown(server, FailureKind::kServer, std::nullopt, kNow, options);
  REQUIRE(first);
  CHECK(first->model == "strong");
  CHECK(first->streak == 1);
  CHECK(first->until_ms == kNow + 30'000);

  // Each failure in a row doubles the wait: 60 s, 120 s, 240 s, then the 300 s cap.
  std::optional<Cooldown> previous = first;
  int64_t at = kNow;
  for (int64_t expected : {60'000, 120'000, 240'000, 300'000, 300'000}) {
    at = previous->until_ms + 1'000;
    previous = NextCooldown(server, FailureKind::kServer, previous, at, options);
    REQUIRE(previous);
    CHECK(previous->until_ms - at == expected);
  }
  CHECK(previous->streak == 6);

  // A previous cooldown that ended more than the cap ago is forgotten.
  auto later =
      NextCooldown(server, FailureKind::kServer, previous, previous->until_ms + 301'000, options);
  REQUIRE(later);
  CHECK(later->streak == 1);

  SECTION("Retry-After wins, in seconds or as a date, capped") {
    Failure limited = FailureOf(429);
    limited.retry_after = "45";
    auto c = NextCooldown(limited, FailureKind::kRateLimited, std::nullopt, kNow, options);
    REQUIRE(c);
    CHECK(c->until_ms == kNow + 45'000);
    limited.retry_after = "Sun, 06 Dec 2026 10:01:00 GMT";
    CHECK(NextCooldown(limited, FailureKind::kRateLimited, std::nullopt, kNow, options)->until_ms ==
          kNow + 60'000);
    limited.retry_after = "86400";
    CHECK(NextCooldown(limited, FailureKind::kRateLimited, std::nullopt, kNow, options)->until_ms ==
          kNow + 300'000);
    limited.retry_after.clear();
    limited.message = "429 Too many requests; Retry-After: 30 seconds";
    CHECK(NextCooldown(limited, FailureKind::kRateLimited, std::nullopt, kNow, options)->until_ms ==
          kNow + 30'000);
  }
  SECTION("kinds that will not heal soon take the cap at once; billing covers the provider") {
    auto c = NextCooldown(FailureOf(402), FailureKind::kBilling, std::nullopt, kNow, options);
    REQUIRE(c);
    CHECK(c->model == "*");
    CHECK(c->until_ms == kNow + 300'000);
    CHECK(NextCooldown(FailureOf(404), FailureKind::kNotFound, std::nullopt, kNow, options)
              ->until_ms == kNow + 300'000);
  }
  SECTION("a bad request or an unknown error leaves no cooldown") {
    CHECK_FALSE(
        NextCooldown(FailureOf(400), FailureKind::kBadRequest, std::nullopt, kNow, options));
    CHECK_FALSE(NextCooldown(FailureOf(0), FailureKind::kUnknown, std::nullopt, kNow, options));
  }
}

}  // namespace
}  // namespace router::route
