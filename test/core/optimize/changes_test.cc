#include "router/optimize/changes.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/optimize/targets.h"

namespace router::optimize {
namespace {

using nlohmann::json;

const json kConfig = json::parse(R"({
  "agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-7", "fallbacks": []}}},
  "gateway": {"port": 18789}
})");

std::vector<Change> Plan(const json& config) {
  auto primary = SetChange(config, "/agents/defaults/model/primary", "openai/gpt-5-nano");
  auto fallbacks =
      SetChange(config, "/agents/defaults/model/fallbacks", json{"anthropic/claude-opus-4-7"});
  auto created = SetChange(config, "/agents/entries/ops/model", "openai/gpt-5-mini");
  REQUIRE(primary.ok());
  REQUIRE(fallbacks.ok());
  REQUIRE(created.ok());
  return {primary.value(), fallbacks.value(), created.value()};
}

json Applied(const json& config, const std::vector<Change>& changes) {
  auto out = Apply(config, changes);
  INFO(out.status().message());
  REQUIRE(out.ok());
  return out.value();
}

}  // namespace

TEST_CASE("SetChange records the first missing key with the subtree it creates", "[optimize]") {
  auto change = SetChange(kConfig, "/agents/entries/ops/model", "openai/gpt-5-mini");
  REQUIRE(change.ok());
  CHECK(change->path == "/agents/entries");
  CHECK_FALSE(change->before.has_value());
  CHECK(*change->after == json::parse(R"({"ops": {"model": "openai/gpt-5-mini"}})"));
  auto scalar = SetChange(kConfig, "/gateway/port/x", 1);
  CHECK(scalar.status().code() == Status::Code::kInvalidArgument);
  CHECK(Pointer({"agents", "entries", "a/b~c"}) == "/agents/entries/a~1b~0c");
}

TEST_CASE("undo of an applied change restores the config exactly", "[optimize][undo]") {
  const std::vector<Change> changes = Plan(kConfig);
  const json applied = Applied(kConfig, changes);
  CHECK(applied["agents"]["defaults"]["model"]["primary"] == "openai/gpt-5-nano");
  CHECK(applied["agents"]["entries"]["ops"]["model"] == "openai/gpt-5-mini");
  // The change set survives its JSON round trip (it is stored in the ledger as JSON).
  auto stored = ChangesFromJson(json::parse(ToJson(changes).dump()), "changes");
  REQUIRE(stored.ok());
  auto restore = RestoreChanges(applied, stored.value());
  REQUIRE(restore.ok());
  CHECK(Applied(applied, restore.value()).dump(2) == kConfig.dump(2));
}

TEST_CASE("undo keeps keys the user changed since and restores only its own", "[optimize][undo]") {
  const std::vector<Change> changes = Plan(kConfig);
  json edited = Applied(kConfig, changes);
  edited["gateway"]["port"] = 9999;
  edited["agents"]["defaults"]["thinking"] = "high";
  edited["agents"]["entries"]["ops"]["identity"] = {{"name", "Ops"}};  // beside a created key
  edited["agents"]["entries"]["ops"].erase("identity");
  auto restore = RestoreChanges(edited, changes);
  REQUIRE(restore.ok());
  const json after = Applied(edited, restore.value());
  json expected = kConfig;
  expected["gateway"]["port"] = 9999;
  expected["agents"]["defaults"]["thinking"] = "high";
  CHECK(after == expected);
}

TEST_CASE("undo refuses where the user changed the same key, restoring nothing",
          "[optimize][undo]") {
  const std::vector<Change> changes = Plan(kConfig);
  json edited = Applied(kConfig, changes);
  edited["agents"]["defaults"]["model"]["primary"] = "google/gemini-3-flash";
  auto restore = RestoreChanges(edited, changes);
  REQUIRE_FALSE(restore.ok());
  CHECK(restore.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(restore.status().message(), Catch::Contains("/agents/defaults/model/primary") &&
                                             Catch::Contains("google/gemini-3-flash") &&
                                             Catch::Contains("nothing was restored"));
  // A key already back at its old value needs nothing and is no conflict.
  json partly = Applied(kConfig, changes);
  partly["agents"]["defaults"]["model"]["primary"] = "anthropic/claude-opus-4-7";
  auto rest = RestoreChanges(partly, changes);
  REQUIRE(rest.ok());
  CHECK(rest->size() == 2);
}

TEST_CASE("Apply refuses a plan whose keys changed since it was made", "[optimize]") {
  const std::vector<Change> changes = Plan(kConfig);
  json moved = kConfig;
  moved["agents"]["defaults"]["model"]["primary"] = "openai/gpt-5";
  auto out = Apply(moved, changes);
  CHECK(out.status().code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(out.status().message(), Catch::Contains("changed since"));
}

}  // namespace router::optimize
