// detect-local through the dispatcher: provider ids, --write as a recorded config change that
// undo restores key by key, and the router picking a written local model.

#include <algorithm>
#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "local_testing.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/optimize/changes.h"
#include "router/report/text.h"
#include "testing.h"

namespace router::commands {
namespace {

using local::testing::ServeLlamaCpp;
using local::testing::ServeOllama;
using nlohmann::json;

constexpr int64_t kNow = 1'790'000'000'000;

struct Fixture : testing::CommandFixture {
  explicit Fixture(const std::string& plugin = R"({"timezone": "UTC"})")
      : CommandFixture(plugin, kNow) {
    ServeOllama(http);
    ServeLlamaCpp(http);
  }
};

const json& ServerOf(const json& result, const std::string& type) {
  for (const json& s : result.at("servers"))
    if (s.at("type") == type) return s;
  FAIL("no server of type " << type);
  static const json kNone;
  return kNone;
}

// OpenClaw's config with the plugin's, and a custom provider at llama-server's address.
json OpenClawConfig(const json& plugin) {
  return {
      {"models",
       {{"providers",
         {{"llamalocal", {{"baseUrl", "http://localhost:8080/v1"}, {"models", json::array()}}}}}}},
      {"plugins", {{"entries", {{"model-router", {{"config", plugin}}}}}}}};
}

json Applied(const json& config, const json& changes) {
  auto parsed = optimize::ChangesFromJson(changes, "changes");
  REQUIRE(parsed.ok());
  auto next = optimize::Apply(config, parsed.value());
  INFO(next.status().message());
  REQUIRE(next.ok());
  return next.value();
}

TEST_CASE("detect-local names each server's provider and says whether OpenClaw has it",
          "[local][commands]") {
  Fixture f;
  const json bare = f.Ok("detect-local", json::object());
  CHECK(bare["schema"] == "router.detect-local/1");
  CHECK(bare["generatedAtMs"] == kNow);
  CHECK(bare["localModelPreference"] == "when-available");
  CHECK(ServerOf(bare, "ollama")["provider"] == "ollama");
  CHECK(ServerOf(bare, "llamacpp")["provider"] == "llama-cpp");
  CHECK(ServerOf(bare, "ollama")["openclawProvider"].is_null());  // no config to look in
  CHECK_FALSE(bare.contains("applied"));
  CHECK(f.ledger->Events("config-change", "", 0).value().empty());

  const json seen = f.Ok("detect-local", {{"config", OpenClawConfig(json::object())}});
  CHECK(ServerOf(seen, "llamacpp")["provider"] == "llamalocal");  // same host and port
  CHECK(ServerOf(seen, "llamacpp")["openclawProvider"] == true);
  CHECK(ServerOf(seen, "ollama")["openclawProvider"] == true);  // its bundled plugin discovers it
  const json& model = ServerOf(seen, "ollama")["models"][0];
  CHECK(model == json{{"id", "qwen3:8b"},
                      {"sources", {"probe"}},
                      {"sizeBytes", 5225388164},
                      {"quantization", "Q4_K_M"},
                      {"contextLength", 8192},
                      {"loaded", true},
                      {"format", "gguf"}});
  const json& lms = ServerOf(seen, "lmstudio");
  CHECK(lms["found"] == false);
  CHECK(lms["error"].get<std::string>().find("127.0.0.1:1234") != std::string::npos);

  const std::string text = report::Render(seen, "UTC");
  CHECK(text.find("qwen3:8b") != std::string::npos);
  CHECK(text.find("5.2 GB") != std::string::npos);
  CHECK(text.find("OpenClaw has no provider") == std::string::npos);
}

TEST_CASE("detect-local --write adds the models to the plugin config; undo restores it",
          "[local][commands][undo]") {
  Fixture f(R"({"timezone": "UTC", "localModelPreference": "prefer"})");
  const json plugin = {{"timezone", "UTC"}, {"localModelPreference", "prefer"}};
  const json before = OpenClawConfig(plugin);
  const json written = f.Ok("detect-local", {{"write", true}, {"config", before}});
  const json& applied = written.at("applied");
  CHECK(applied["eventId"].is_number());
  CHECK(applied["added"] == json{"ollama/qwen3:8b", "ollama/llama3.2:3b-instruct-q8_0",
                                 "llamalocal/gemma-3-4b-it-Q4_K_M.gguf"});
  const json after = Applied(before, applied["changes"]);
  const json& providers = after["plugins"]["entries"]["model-router"]["config"]["providers"];
  CHECK(providers["ollama"]["local"] ==
        json{{"type", "ollama"},
             {"endpoint", "http://127.0.0.1:11434"},
             {"models", {"qwen3:8b", "llama3.2:3b-instruct-q8_0"}},
             {"quantization", {{"qwen3:8b", "Q4_K_M"}, {"llama3.2:3b-instruct-q8_0", "Q8_0"}}}});
  CHECK(providers["llamalocal"]["local"]["type"] == "llamacpp");
  CHECK_FALSE(providers["llamalocal"]["local"].contains("quantization"));  // llama.cpp: unsaid

  // The written config parses, and the router now routes to a detected local model.
  Fixture next(providers.is_object() ? after["plugins"]["entries"]["model-router"]["config"].dump()
                                     : std::string("{}"));
  const json decision = next.Ok("route", {{"prompt", "hi, how are you?"}});
  REQUIRE(decision["choice"].is_object());
  const auto& refs = applied["added"];
  CHECK(std::find(refs.begin(), refs.end(), decision["choice"]["ref"]) != refs.end());
  CHECK(decision["ranked"][0]["local"] == true);
  // The level the server reported reaches the scorer, and route --json says so.
  for (const json& r : decision["ranked"]) {
    if (r["provider"] != "ollama") continue;
    CHECK(r["quantization"]["source"] == "detected");
    CHECK(r["quantization"]["level"] == (r["model"] == "qwen3:8b" ? "Q4_K_M" : "Q8_0"));
  }

  // Undo restores exactly the config before, and is recorded.
  const json undone = f.Ok("undo", {{"config", after}});
  CHECK(Applied(after, undone.at("changes")) == before);
  CHECK(f.ledger->Events("undo", "", 0).value().size() == 1);
}

TEST_CASE("a configured local endpoint is probed under its provider; write adds only new models",
          "[local][commands]") {
  const json plugin = {{"providers",
                        {{"box",
                          {{"local",
                            {{"type", "ollama"},
                             {"endpoint", "http://127.0.0.1:11434/"},
                             {"models", {"qwen3:8b"}}}}}}}}};
  Fixture f(plugin.dump());
  json before = OpenClawConfig(plugin);
  before["models"]["providers"]["box"] = {{"baseUrl", "http://127.0.0.1:11434"}, {"api", "ollama"}};
  const json written = f.Ok("detect-local", {{"write", true}, {"config", before}});
  CHECK(ServerOf(written, "ollama")["provider"] == "box");
  CHECK(written["servers"].size() == 4);  // in place of the default port, not beside it
  const json& changes = written["applied"]["changes"];
  REQUIRE(changes.size() == 3);
  CHECK(changes[0]["path"] == "/plugins/entries/model-router/config/providers/box/local/models");
  CHECK(changes[0]["after"] == json{"qwen3:8b", "llama3.2:3b-instruct-q8_0"});
  CHECK(changes[1]["path"] ==
        "/plugins/entries/model-router/config/providers/box/local/quantization");
  CHECK(changes[1]["after"] == json{{"qwen3:8b", "Q4_K_M"}, {"llama3.2:3b-instruct-q8_0", "Q8_0"}});

  // Once written, nothing is new: no change, no event.
  const json after = Applied(before, changes);
  Fixture again(after["plugins"]["entries"]["model-router"]["config"].dump());
  const json second = again.Ok("detect-local", {{"write", true}, {"config", after}});
  CHECK(second["applied"]["changes"].empty());
  CHECK(second["applied"]["eventId"].is_null());
  CHECK(again.ledger->Events("config-change", "", 0).value().empty());
  CHECK(report::Render(second, "UTC").find("Nothing new") != std::string::npos);
}

TEST_CASE("write leaves out servers OpenClaw has no provider for", "[local][commands]") {
  const json plugin = {
      {"providers",
       {{"lab", {{"local", {{"type", "llamacpp"}, {"endpoint", "http://127.0.0.1:9090"}}}}}}}};
  Fixture f(plugin.dump());
  ServeLlamaCpp(f.http, "http://127.0.0.1:9090");
  json config = OpenClawConfig(plugin);
  config["models"]["providers"].erase("llamalocal");
  const json written = f.Ok("detect-local", {{"write", true}, {"config", config}});
  REQUIRE(written["servers"].size() == 5);
  const json& lab = written["servers"][4];
  CHECK(lab["provider"] == "lab");
  CHECK(lab["found"] == true);
  CHECK(lab["openclawProvider"] == false);
  CHECK(ServerOf(written, "ollama")["openclawProvider"] == true);  // OpenClaw's plugin finds it
  CHECK(written["applied"]["added"] == json{"ollama/qwen3:8b", "ollama/llama3.2:3b-instruct-q8_0"});
  const json after = Applied(config, written["applied"]["changes"]);
  CHECK_FALSE(
      after["plugins"]["entries"]["model-router"]["config"]["providers"]["lab"]["local"].contains(
          "models"));
}

TEST_CASE("detect-local's bad input is a clear error", "[local][commands]") {
  Fixture f;
  auto no_config = f.Run("detect-local", {{"write", true}});
  REQUIRE_FALSE(no_config.ok());
  CHECK(no_config.status().code() == Status::Code::kFailedPrecondition);
  CHECK(no_config.status().message().find("needs OpenClaw's config") != std::string::npos);
  CHECK(f.Run("detect-local", {{"write", "yes"}}).status().message() ==
        "argument write must be true or false");
  CHECK_FALSE(f.Run("detect-local", {{"budgetMs", 5}}).ok());
  auto no_http =
      commands::Run({f.options, *f.ledger, f.clock, f.router}, "detect-local", json::object());
  CHECK(no_http.status().code() == Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace router::commands
