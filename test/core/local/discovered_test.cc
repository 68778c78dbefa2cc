// OpenClaw's own discovered local models: its `models list --local --json` output parsed, merged
// with the probes (one entry per model, with its sources), and written by detect-local --write.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "local_testing.h"
#include "router/local/detect.h"
#include "router/report/text.h"

namespace router::local {
namespace {

using nlohmann::json;
using testing::Fixture;
using testing::ServeOllama;

TEST_CASE("OpenClaw's models list: local rows become discovered models", "[local]") {
  auto parsed = ParseOpenClawModelList(Fixture("openclaw_models_list.json"));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK(parsed->at(0).provider == "ollama");
  CHECK(parsed->at(0).model.id == "mymodel");
  CHECK(parsed->at(0).model.context_length == 32768);
  CHECK(parsed->at(1).model.id == "qwen3:8b");
  CHECK(parsed->at(1).model.sources == std::vector<std::string>{"openclaw"});
  CHECK(parsed->at(1).model.quantization.empty());  // OpenClaw does not say it

  const json rows = {{"models",
                      {{{"key", "openai/gpt-5"}, {"local", false}},
                       {{"key", "noslash"}, {"local", true}},
                       {{"key", "vllm/"}, {"local", true}},
                       {{"key", "vllm/org/model"}, {"local", true}, {"contextWindow", "big"}}}}};
  auto some = ParseOpenClawModelList(rows.dump());
  REQUIRE(some.ok());
  REQUIRE(some->size() == 1);
  CHECK(some->at(0).provider == "vllm");
  CHECK(some->at(0).model.id == "org/model");  // split on the first "/"
  CHECK_FALSE(some->at(0).model.context_length);

  CHECK(ParseOpenClawModelList("Gateway is not running").status().message() ==
        "openclaw models list --json: not JSON");
  CHECK(ParseOpenClawModelList("{}").status().message() ==
        "openclaw models list --json: no \"models\" array");
}

TEST_CASE("a model seen by the probe and by OpenClaw is one entry with both sources", "[local]") {
  Server probed;
  probed.found = true;
  probed.type = kOllama;
  Model qwen;
  qwen.id = "qwen3:8b";
  qwen.quantization = "Q4_K_M";
  probed.models = {qwen};
  Server missing;  // not found: never merged into
  missing.type = kLmStudio;
  std::vector<Server> servers = {probed, missing};
  std::vector<std::string> providers = {"ollama", "lmstudio"};
  auto discovered = ParseOpenClawModelList(json{
      {"models",
       {{{"key", "ollama/qwen3:8b"}, {"local", true}, {"contextWindow", 40960}},
        {{"key", "ollama/mymodel"}, {"local", true}},
        {{"key", "lmstudio/phi-4"},
         {"local", true}}}}}.dump());
  REQUIRE(discovered.ok());
  MergeDiscovered(discovered.value(), servers, providers);

  REQUIRE(servers[0].models.size() == 2);
  CHECK(servers[0].models[0].sources == std::vector<std::string>{"probe", "openclaw"});
  CHECK(servers[0].models[0].quantization == "Q4_K_M");  // the probe's figures stay
  CHECK(servers[0].models[0].context_length == 40960);   // OpenClaw's fills a gap
  CHECK(servers[0].models[1].id == "mymodel");
  CHECK(servers[0].models[1].sources == std::vector<std::string>{"openclaw"});
  CHECK(servers[1].models.empty());
  REQUIRE(servers.size() == 3);
  CHECK(providers[2] == "lmstudio");
  CHECK(servers[2].found);
  CHECK_FALSE(servers[2].probed);
  CHECK(servers[2].type == kLmStudio);
  CHECK(servers[2].models[0].id == "phi-4");
}

}  // namespace
}  // namespace router::local

namespace router::commands {
namespace {

using local::testing::Fixture;
using local::testing::ServeOllama;
using nlohmann::json;

const json& ProviderServer(const json& result, const std::string& provider) {
  for (const json& s : result.at("servers"))
    if (s.at("provider") == provider && s.at("found") == true) return s;
  FAIL("no found server of provider " << provider);
  static const json kNone;
  return kNone;
}

TEST_CASE("detect-local merges OpenClaw's discovered models and says each one's source",
          "[local][commands]") {
  testing::CommandFixture f(R"({"timezone": "UTC"})", 1'790'000'000'000);
  ServeOllama(f.http);
  const json config = {
      {"plugins", {{"entries", {{"model-router", {{"config", json::object()}}}}}}}};
  const json listed = {{"models",
                        {{{"key", "ollama/qwen3:8b"}, {"local", true}, {"contextWindow", 32768}},
                         {{"key", "lmstudio/phi-4"}, {"local", true}},
                         // OpenClaw lists the router's own models as local: never a server's.
                         {{"key", "router/auto"}, {"local", true}}}}};
  const json out = f.Ok("detect-local", {{"config", config}, {"openclawModels", listed.dump()}});
  CHECK(out["openclawDiscovery"] == json{{"ok", true}, {"models", 2}, {"error", nullptr}});
  const json& ollama = ProviderServer(out, "ollama");
  CHECK(ollama["probed"] == true);
  CHECK(ollama["models"][0]["sources"] == json{"probe", "openclaw"});
  CHECK(ollama["models"][1]["sources"] == json{"probe"});
  const json& lms = ProviderServer(out, "lmstudio");
  CHECK(lms["probed"] == false);
  CHECK(lms["endpoint"].is_null());
  CHECK(lms["openclawProvider"] == true);  // OpenClaw serves what it discovered
  CHECK(lms["models"][0]["sources"] == json{"openclaw"});
  const std::string text = report::Render(out, "UTC");
  CHECK(text.find("(OpenClaw's discovery)") != std::string::npos);
  CHECK(text.find("phi-4") != std::string::npos);
  CHECK(text.find("(OpenClaw only)") != std::string::npos);

  // --write adds OpenClaw's own discoveries too, with no endpoint to record.
  const json written = f.Ok(
      "detect-local", {{"config", config}, {"write", true}, {"openclawModels", listed.dump()}});
  CHECK(written["applied"]["added"] ==
        json{"ollama/qwen3:8b", "ollama/llama3.2:3b-instruct-q8_0", "lmstudio/phi-4"});
  const json& value = written["applied"]["changes"][0]["after"];
  CHECK(value["lmstudio"]["local"] == json{{"type", "lmstudio"}, {"models", {"phi-4"}}});
  CHECK(value["ollama"]["local"]["quantization"] ==
        json{{"qwen3:8b", "Q4_K_M"}, {"llama3.2:3b-instruct-q8_0", "Q8_0"}});

  // Without the list (the native CLI) nothing is said about OpenClaw; with its error, the error.
  CHECK(f.Ok("detect-local", json::object())["openclawDiscovery"].is_null());
  const json failed =
      f.Ok("detect-local", {{"openclawModelsError", "openclaw models list failed"}});
  CHECK(failed["openclawDiscovery"]["ok"] == false);
  CHECK(failed["openclawDiscovery"]["error"] == "openclaw models list failed");
  const json bad = f.Ok("detect-local", {{"openclawModels", "Gateway is not running"}});
  CHECK(bad["openclawDiscovery"]["error"] == "openclaw models list --json: not JSON");
  CHECK(report::Render(bad, "UTC")
            .find("OpenClaw's discovered models not read: openclaw models "
                  "list --json: not JSON") != std::string::npos);
}

}  // namespace
}  // namespace router::commands
