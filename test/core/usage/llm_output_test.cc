#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/utf8.h"
#include "router/usage/llm_output.h"

using nlohmann::json;
using router::ledger::Outcome;
using router::ledger::UsageRecord;
using router::usage::CronJobFromSessionKey;
using router::usage::FromLlmOutput;
using router::usage::RunRegistry;

namespace {

// A record built with no prior hook calls for its run.
UsageRecord FromFreshRegistry(const json& event, int64_t at_ms) {
  RunRegistry runs;
  return FromLlmOutput(event, at_ms, runs);
}

// The shape OpenClaw's llm_output hook delivers after the JS mapper picks its fields.
json RealPayload() {
  return json::parse(R"({
    "provider": "fakeai",
    "model": "fake-strong",
    "resolvedRef": "fakeai/fake-strong",
    "runId": "run-42",
    "sessionKey": "agent:main:main",
    "agentId": "main",
    "trigger": "user",
    "usage": {"input": 1034, "output": 56, "cacheRead": 200, "cacheWrite": 0, "total": 1290,
              "cost": {"total": 0.004002}}
  })");
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void CheckZeroCounts(const UsageRecord& r) {
  CHECK(r.input_tokens == 0);
  CHECK(r.output_tokens == 0);
  CHECK(r.cache_read_tokens == 0);
  CHECK(r.cache_write_tokens == 0);
  CHECK(r.cost_micros == 0);
  CHECK(r.cost_source == router::ledger::CostSource::kNone);
}

// Sets usage[key] = value on the real payload and returns the record.
UsageRecord WithUsage(const std::string& key, const json& value) {
  json event = RealPayload();
  event["usage"][key] = value;
  return FromFreshRegistry(event, 1);
}

}  // namespace

TEST_CASE("FromLlmOutput maps the real OpenClaw payload", "[usage]") {
  RunRegistry runs;
  const UsageRecord r = FromLlmOutput(RealPayload(), 1'780'000'000'123, runs);
  CHECK(r.at_ms == 1'780'000'000'123);
  CHECK(r.provider == "fakeai");
  CHECK(r.model == "fake-strong");
  CHECK(r.resolved_ref == "fakeai/fake-strong");
  CHECK(r.run_id == "run-42");
  CHECK(r.session_key == "agent:main:main");
  CHECK(r.agent_id == "main");
  CHECK(r.trigger == "user");
  CHECK(r.cron_job_id.empty());
  CHECK(r.input_tokens == 1034);
  CHECK(r.output_tokens == 56);
  CHECK(r.cache_read_tokens == 200);
  CHECK(r.cache_write_tokens == 0);
  CHECK(r.cost_micros == 4002);
  CHECK(r.cost_source == router::ledger::CostSource::kOpenClaw);
  CHECK(r.outcome == Outcome::kOk);
  CHECK(r.note.empty());
}

TEST_CASE("FromLlmOutput: optional usage parts", "[usage]") {
  SECTION("no cost: priced unknown, counts kept") {
    json event = RealPayload();
    event["usage"].erase("cost");
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kOk);
    CHECK(r.input_tokens == 1034);
    CHECK(r.cost_micros == 0);
    CHECK(r.cost_source == router::ledger::CostSource::kNone);
  }
  SECTION("cost.total null is unknown, not invalid") {
    json event = RealPayload();
    event["usage"]["cost"]["total"] = nullptr;
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kOk);
    CHECK(r.cost_source == router::ledger::CostSource::kNone);
  }
  SECTION("zero cost is known") {
    json event = RealPayload();
    event["usage"]["cost"]["total"] = 0;
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kOk);
    CHECK(r.cost_source == router::ledger::CostSource::kOpenClaw);
    CHECK(r.cost_micros == 0);
  }
  SECTION("missing and null counts are zero") {
    json event = RealPayload();
    event["usage"] = json{{"input", 5}, {"cacheRead", nullptr}};
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kOk);
    CHECK(r.input_tokens == 5);
    CHECK(r.output_tokens == 0);
    CHECK(r.cache_read_tokens == 0);
  }
  SECTION("whole floating-point counts are accepted") {
    const UsageRecord r = WithUsage("output", 56.0);
    CHECK(r.outcome == Outcome::kOk);
    CHECK(r.output_tokens == 56);
  }
}

TEST_CASE("FromLlmOutput without usage records a failed attempt", "[usage]") {
  for (const bool null_usage : {false, true}) {
    json event = RealPayload();
    if (null_usage) {
      event["usage"] = nullptr;
    } else {
      event.erase("usage");
    }
    const UsageRecord r = FromFreshRegistry(event, 7);
    CHECK(r.outcome == Outcome::kFailed);
    CHECK(r.provider == "fakeai");
    CHECK(r.model == "fake-strong");
    CHECK(r.at_ms == 7);
    CHECK(r.note.empty());
    CheckZeroCounts(r);
  }
}

TEST_CASE("FromLlmOutput marks malformed usage invalid and names the field", "[usage]") {
  SECTION("string token count") {
    const UsageRecord r = WithUsage("input", "1034");
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(Contains(r.note, "usage.input"));
    CheckZeroCounts(r);
  }
  SECTION("negative token count") {
    const UsageRecord r = WithUsage("output", -56);
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(Contains(r.note, "usage.output"));
    CHECK(Contains(r.note, "-56"));
    CheckZeroCounts(r);
  }
  SECTION("fractional token count") {
    const UsageRecord r = WithUsage("cacheRead", 2.5);
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(Contains(r.note, "usage.cacheRead"));
    CheckZeroCounts(r);
  }
  SECTION("boolean and object token counts") {
    CHECK(Contains(WithUsage("cacheWrite", true).note, "usage.cacheWrite"));
    CHECK(WithUsage("cacheWrite", json::object()).outcome == Outcome::kInvalid);
  }
  SECTION("non-finite and absurd float counts") {
    CHECK(WithUsage("input", 1e300).outcome == Outcome::kInvalid);
    CHECK(WithUsage("input", -0.5).outcome == Outcome::kInvalid);
  }
  SECTION("usage is not an object") {
    for (const json& usage : {json("lots"), json(1290), json::array({1, 2})}) {
      json event = RealPayload();
      event["usage"] = usage;
      const UsageRecord r = FromFreshRegistry(event, 1);
      CHECK(r.outcome == Outcome::kInvalid);
      CHECK(Contains(r.note, "usage must be an object"));
      CheckZeroCounts(r);
    }
  }
  SECTION("cost.total is not a number") {
    json event = RealPayload();
    event["usage"]["cost"]["total"] = "abc";
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(Contains(r.note, "usage.cost.total"));
    CHECK(Contains(r.note, "abc"));
    CheckZeroCounts(r);
  }
  SECTION("cost.total is negative") {
    json event = RealPayload();
    event["usage"]["cost"]["total"] = -0.01;
    const UsageRecord r = FromFreshRegistry(event, 1);
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(Contains(r.note, "usage.cost.total"));
    CheckZeroCounts(r);
  }
  SECTION("event is not an object") {
    for (const json& event : {json("hello"), json(nullptr), json::array(), json(3)}) {
      const UsageRecord r = FromFreshRegistry(event, 9);
      CHECK(r.outcome == Outcome::kInvalid);
      CHECK(Contains(r.note, "payload must be an object"));
      CHECK(r.provider == "unknown");
      CHECK(r.model == "unknown");
      CHECK(r.trigger == "unknown");
      CHECK(r.at_ms == 9);
      CheckZeroCounts(r);
    }
  }
  SECTION("missing or empty provider / model") {
    for (const char* key : {"provider", "model"}) {
      json event = RealPayload();
      event.erase(key);
      UsageRecord r = FromFreshRegistry(event, 1);
      CHECK(r.outcome == Outcome::kInvalid);
      CHECK(Contains(r.note, std::string("llm_output.") + key));
      CHECK((key == std::string("provider") ? r.provider : r.model) == "unknown");
      CheckZeroCounts(r);

      event[key] = 42;  // wrong type counts as missing
      r = FromFreshRegistry(event, 1);
      CHECK(r.outcome == Outcome::kInvalid);
      CHECK(Contains(r.note, std::string("llm_output.") + key));
    }
  }
}

// Regression, found by this test (core/src/usage/llm_output.cc, ReadCount): `is_number_unsigned()`
// values above INT64_MAX are read with get<int64_t>() and wrap to negative counts; the record stays
// kOk and the ledger's CHECK (input_tokens >= 0) then refuses it (which also stalls the AsyncWriter
// queue).
TEST_CASE("FromLlmOutput: an unsigned count above INT64_MAX is invalid, not negative", "[usage]") {
  const UsageRecord r = WithUsage("input", json(uint64_t{18446744073709551615u}));
  CHECK(r.input_tokens >= 0);
  CHECK(r.outcome == Outcome::kInvalid);
}

// Regression, found by this test (core/src/usage/llm_output.cc, FromLlmOutput cost branch +
// base/money.h UsdToMicros): a finite but huge cost.total (1e300) passes the `isfinite && >= 0`
// check and llround overflows, giving a negative (or undefined) cost_micros on a kOk record.
TEST_CASE("FromLlmOutput: a cost too large for micro-USD is invalid", "[usage]") {
  json event = RealPayload();
  event["usage"]["cost"]["total"] = 1e300;
  const UsageRecord r = FromFreshRegistry(event, 1);
  CHECK(r.cost_micros >= 0);
  CHECK(r.outcome == Outcome::kInvalid);
}

// Regression, found by this test (core/src/usage/llm_output.cc, FromLlmOutput: `cost->is_object()`
// guard): a `usage.cost` that is not an object (e.g. "abc") is silently ignored and the record
// stays kOk, although the header promises that a malformed field makes the record kInvalid with a
// note naming it.
TEST_CASE("FromLlmOutput: usage.cost that is not an object is invalid", "[usage]") {
  const UsageRecord r = WithUsage("cost", "abc");
  CHECK(r.outcome == Outcome::kInvalid);
  CHECK(Contains(r.note, "usage.cost"));
}

TEST_CASE("FromLlmOutput normalizes the trigger", "[usage]") {
  struct Case {
    json trigger;
    const char* want;
  };
  const Case cases[] = {
      {json("user"), "user"},     {json("cron"), "cron"},  {json("heartbeat"), "heartbeat"},
      {json("webhook"), "other"}, {json("USER"), "other"}, {json(""), "unknown"},
      {json(nullptr), "unknown"}, {json(5), "unknown"},
  };
  for (const auto& c : cases) {
    json event = RealPayload();
    event["trigger"] = c.trigger;
    CHECK(FromFreshRegistry(event, 1).trigger == c.want);
  }
  json event = RealPayload();
  event.erase("trigger");
  CHECK(FromFreshRegistry(event, 1).trigger == "unknown");
}

TEST_CASE("FromLlmOutput finds the cron job id", "[usage]") {
  RunRegistry runs;
  runs.NoteCronJob("run-42", "job-from-registry");
  json event = RealPayload();
  event["trigger"] = "cron";

  SECTION("from the run registry first") {
    event["sessionKey"] = "agent:main:cron:job-7:run:abc";
    CHECK(FromLlmOutput(event, 1, runs).cron_job_id == "job-from-registry");
  }
  SECTION("else from the session key") {
    event["runId"] = "run-unknown";
    event["sessionKey"] = "agent:main:cron:job-7:run:abc";
    CHECK(FromLlmOutput(event, 1, runs).cron_job_id == "job-7");
  }
  SECTION("neither: empty") {
    event["runId"] = "run-unknown";
    CHECK(FromLlmOutput(event, 1, runs).cron_job_id.empty());
  }
  SECTION("only for cron triggers") {
    event["trigger"] = "user";
    event["sessionKey"] = "agent:main:cron:job-7:run:abc";
    CHECK(FromLlmOutput(event, 1, runs).cron_job_id.empty());
  }
}

TEST_CASE("CronJobFromSessionKey", "[usage]") {
  CHECK(CronJobFromSessionKey("agent:main:cron:job-7:run:abc") == "job-7");
  CHECK(CronJobFromSessionKey("agent:main:cron:nightly") == "nightly");
  CHECK(CronJobFromSessionKey("agent:main:main") == "");
  CHECK(CronJobFromSessionKey("") == "");
  CHECK(CronJobFromSessionKey("agent:main:cron:") == "");
}

TEST_CASE("RunRegistry remembers jobs and evicts the oldest beyond capacity", "[usage]") {
  SECTION("lookup") {
    RunRegistry runs;
    CHECK(runs.CronJobFor("r1") == "");
    runs.NoteCronJob("r1", "j1");
    CHECK(runs.CronJobFor("r1") == "j1");
    runs.NoteCronJob("", "j2");  // ignored
    runs.NoteCronJob("r2", "");  // ignored
    CHECK(runs.CronJobFor("") == "");
    CHECK(runs.CronJobFor("r2") == "");
  }
  SECTION("capacity") {
    RunRegistry runs(3);
    runs.NoteCronJob("r1", "j1");
    runs.NoteCronJob("r2", "j2");
    runs.NoteCronJob("r3", "j3");
    CHECK(runs.CronJobFor("r1") == "j1");
    runs.NoteCronJob("r4", "j4");
    CHECK(runs.CronJobFor("r1") == "");  // oldest dropped
    CHECK(runs.CronJobFor("r2") == "j2");
    CHECK(runs.CronJobFor("r4") == "j4");
    // Noting a known run again neither changes its job nor evicts anything.
    runs.NoteCronJob("r2", "other");
    CHECK(runs.CronJobFor("r2") == "j2");
    CHECK(runs.CronJobFor("r3") == "j3");
    runs.NoteCronJob("r5", "j5");
    runs.NoteCronJob("r6", "j6");
    CHECK(runs.CronJobFor("r2") == "");
    CHECK(runs.CronJobFor("r3") == "");
    CHECK(runs.CronJobFor("r4") == "j4");
    CHECK(runs.CronJobFor("r6") == "j6");
  }
  SECTION("many entries stay bounded") {
    RunRegistry runs(100);
    for (int i = 0; i < 1000; ++i)
      runs.NoteCronJob("r" + std::to_string(i), "j" + std::to_string(i));
    CHECK(runs.CronJobFor("r899") == "");
    CHECK(runs.CronJobFor("r900") == "j900");
    CHECK(runs.CronJobFor("r999") == "j999");
  }
}

TEST_CASE("RunRegistry counts model calls per attempt and one message per user run", "[usage]") {
  RunRegistry runs;
  json event = RealPayload();
  event["runId"] = "run-9";
  SECTION("model calls noted before llm_output belong to that attempt") {
    runs.NoteModelCall("run-9");
    runs.NoteModelCall("run-9");
    runs.NoteModelCall("run-9");
    CHECK(FromLlmOutput(event, 1, runs).model_calls == 3);
    CHECK(FromLlmOutput(event, 2, runs).model_calls == 1);  // a retry without model_call hooks
  }
  SECTION("the first successful attempt of a user run is its message") {
    json failed = event;
    failed.erase("usage");
    CHECK_FALSE(FromLlmOutput(failed, 1, runs).counts_as_message);
    CHECK(FromLlmOutput(event, 2, runs).counts_as_message);
    CHECK_FALSE(FromLlmOutput(event, 3, runs).counts_as_message);
  }
  SECTION("cron and heartbeat runs are not messages") {
    event["trigger"] = "cron";
    CHECK_FALSE(FromLlmOutput(event, 1, runs).counts_as_message);
    event["trigger"] = "heartbeat";
    event["runId"] = "run-10";
    CHECK_FALSE(FromLlmOutput(event, 1, runs).counts_as_message);
  }
}

TEST_CASE("FromLlmOutput: a quoted bad value never splits a UTF-8 character (issue 17)",
          "[usage]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "\xc3\xa9";  // é
  for (const UsageRecord& r : {WithUsage("cost", text), WithUsage("input", text)}) {
    CHECK(r.outcome == Outcome::kInvalid);
    CHECK(r.note.size() < 200);
    CHECK(router::IsValidUtf8(r.note));
  }
  json event = RealPayload();
  event["usage"] = text;
  const UsageRecord r = FromFreshRegistry(event, 1);
  CHECK(router::IsValidUtf8(r.note));
  CHECK(Contains(r.note, "..."));
}
