// `credentials` through the dispatcher: keys in the environment, the state dir's .env and
// OpenClaw's facts come back as sources and fingerprints; no secret reaches the JSON or the text.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "command_fixture.h"
#include "router/base/clock.h"
#include "router/commands/dispatch.h"
#include "router/credentials/fingerprint.h"
#include "router/report/text.h"
#include "testing.h"

namespace router::commands {
namespace {

using nlohmann::json;

constexpr const char* kEnvSecret = "sk-credtest-env-AAAA1111";
constexpr const char* kDotenvSecret = "sk-credtest-dotenv-BBBB2222";

constexpr const char* kConfig = R"({"providers": {
          "credtest-env": {"models": ["m"]},
          "credtest-dot": {"models": ["m"], "accounts": [
            {"name": "two", "provider": "credtest-dot-2", "apiKeyEnv": "CREDTEST_SECOND"}]}}})";

struct Fixture : testing::CommandFixture {
  Fixture()
      : CommandFixture(kConfig, 1'790'000'000'000),
        dir(std::filesystem::temp_directory_path() /
            ("router-credtest-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
    ::setenv("CREDTEST_ENV_API_KEY", kEnvSecret, 1);  // NOLINT(concurrency-mt-unsafe)
  }
  ~Fixture() {
    ::unsetenv("CREDTEST_ENV_API_KEY");  // NOLINT(concurrency-mt-unsafe)
    std::filesystem::remove_all(dir);
  }
  void WriteDotenv(const std::string& text) { std::ofstream(dir / ".env") << text; }
  Result<json> Run(const json& args) { return CommandFixture::Run("credentials", args); }

  std::filesystem::path dir;
};

const json& Row(const json& result, const std::string& provider, const json& account = nullptr) {
  for (const json& row : result["providers"]) {
    if (row["provider"] == provider && row["account"] == account) return row;
  }
  FAIL("no row " << provider);
  throw std::logic_error("unreachable");
}

TEST_CASE("credentials shows sources and fingerprints, never a key", "[credentials][commands]") {
  Fixture f;
  f.WriteDotenv(std::string("export CREDTEST_DOT_API_KEY=\"") + kDotenvSecret +
                "\"\nCREDTEST_SECOND=sk-credtest-second-CCCC\n");
  const json facts = {
      {"profilesRead", true},
      {"config", {{"credtest-dot", {{"kind", "secret-ref"}, {"ref", "file:keys/dot"}}}}},
      {"profiles",
       {{"credtest-env", json::array({{{"id", "credtest-env:backup"}, {"type", "oauth"}}})}}}};
  auto result = f.Run({{"stateDir", f.dir.string()}, {"openclaw", facts}});
  INFO(result.status().message());
  REQUIRE(result.ok());
  const json& r = result.value();
  CHECK(r["schema"] == "router.credentials/1");
  CHECK(r["dotenv"]["present"] == true);
  CHECK(r["profiles"]["read"] == true);

  const json& env = Row(r, "credtest-env");
  CHECK(env["source"] == "auth-profile");  // OpenClaw takes its profile first
  CHECK(env["fingerprint"].is_null());     // an OAuth profile: nothing readable to fingerprint
  CHECK(env["sources"][1]["kind"] == "env");
  CHECK(env["sources"][1]["fingerprint"] == credentials::Fingerprint(kEnvSecret));

  const json& dot = Row(r, "credtest-dot");
  CHECK(dot["source"] == "dotenv");
  CHECK(dot["fingerprint"] == credentials::Fingerprint(kDotenvSecret));
  const json& two = Row(r, "credtest-dot", "two");
  CHECK(two["openclawProvider"] == "credtest-dot-2");
  CHECK(two["sourceName"] == "CREDTEST_SECOND");

  const std::string text = report::Render(r, "UTC");
  CHECK(text.find("account two of credtest-dot") != std::string::npos);
  for (const std::string& out : {r.dump(), text}) {
    CHECK(out.find("sk-credtest") == std::string::npos);
  }
}

TEST_CASE("credentials: a bad .env line is reported by line, the rest still shown",
          "[credentials][commands]") {
  Fixture f;
  f.WriteDotenv("OK=1\nsk-credtest-pasted-alone\n");
  auto result = f.Run({{"stateDir", f.dir.string()}});
  REQUIRE(result.ok());
  const std::string error = result.value()["dotenv"]["error"];
  CHECK(error.find(".env line 2: no '='") != std::string::npos);
  CHECK(result.value().dump().find("sk-credtest") == std::string::npos);
  CHECK(Row(result.value(), "credtest-env")["source"] == "env");
  CHECK(report::Render(result.value(), "UTC").find("ERROR in .env") != std::string::npos);
}

TEST_CASE("credentials refuses anything but a fingerprint from JS, without echoing it",
          "[credentials][commands]") {
  Fixture f;
  const json facts = {
      {"config", {{"credtest-env", {{"kind", "inline"}, {"fingerprint", "sk-credtest-raw-key"}}}}}};
  auto result = f.Run({{"openclaw", facts}});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("openclaw.config.credtest-env.fingerprint") !=
        std::string::npos);
  CHECK(result.status().message().find("sk-credtest") == std::string::npos);
}

}  // namespace
}  // namespace router::commands
