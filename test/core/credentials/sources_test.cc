// Where a key comes from: OpenClaw's order (auth profile, environment, config key), the state
// dir's .env under the environment, and accounts with their own variables and profiles.
#include <map>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "router/credentials/fingerprint.h"
#include "router/credentials/sources.h"
#include "testing.h"

namespace router::credentials {
namespace {

struct Fixture {
  explicit Fixture(const std::string& config) : options(testing::ParseOptions(config)) {}

  std::vector<Entry> Run() {
    Inputs in{options, facts,
              [this](const std::string& name) -> std::optional<std::string> {
                auto it = env.find(name);
                return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
              },
              dotenv, "/state/.env"};
    return Resolve(in);
  }

  config::PluginOptions options;
  OpenClawFacts facts;
  std::map<std::string, std::string> env, dotenv;
};

const Entry& Find(const std::vector<Entry>& entries, const std::string& provider,
                  const std::string& account = "") {
  for (const Entry& e : entries) {
    if (e.provider == provider && e.account == account) return e;
  }
  FAIL("no entry for " << provider << " " << account);
  throw std::logic_error("unreachable");
}

TEST_CASE("Precedence: auth profile, then environment, then the config's key", "[credentials]") {
  Fixture f(R"({"providers": {"openai": {"models": ["gpt"]}}})");
  f.facts.config["openai"] = {"inline", "", "", Fingerprint("sk-config")};
  CHECK(Find(f.Run(), "openai").Used()->kind == "config");

  f.env["OPENAI_API_KEY"] = "sk-env";
  const Entry env = Find(f.Run(), "openai");
  CHECK(env.Used()->kind == "env");
  CHECK(env.Used()->name == "OPENAI_API_KEY");
  CHECK(env.Used()->fingerprint == Fingerprint("sk-env"));

  f.facts.profiles_read = true;
  f.facts.profiles["openai"] = {{"openai:work", "api_key", Fingerprint("sk-profile")}};
  const Entry profile = Find(f.Run(), "openai");
  CHECK(profile.Used()->kind == "auth-profile");
  CHECK(profile.Used()->name == "openai:work");
  CHECK(profile.sources.size() == 3);  // all three listed, one used
}

TEST_CASE("The environment wins over the state dir's .env, as OpenClaw loads it", "[credentials]") {
  Fixture f(R"({"providers": {"google": {"models": ["gemini-flash"]}}})");
  f.dotenv["GEMINI_API_KEY"] = "from-dotenv";
  Entry e = Find(f.Run(), "google");
  REQUIRE(e.Used() != nullptr);
  CHECK(e.Used()->kind == "dotenv");
  CHECK(e.Used()->fingerprint == Fingerprint("from-dotenv"));

  f.env["GEMINI_API_KEY"] = "from-dotenv";  // OpenClaw loaded .env into the environment
  e = Find(f.Run(), "google");
  CHECK(e.Used()->kind == "dotenv");

  f.env["GEMINI_API_KEY"] = "from-shell";  // the shell's value stays: .env never overrides
  e = Find(f.Run(), "google");
  CHECK(e.Used()->kind == "env");
  CHECK(e.Used()->fingerprint == Fingerprint("from-shell"));
  bool shadowed = false;
  for (const Source& s : e.sources) shadowed |= s.kind == "dotenv" && s.shadowed && !s.used;
  CHECK(shadowed);
  // GOOGLE_API_KEY is the second variable OpenClaw reads for google: listed, absent.
  CHECK(e.sources.back().name == "GOOGLE_API_KEY");
  CHECK_FALSE(e.sources.back().present);
}

TEST_CASE("A config key that reads ${VAR} resolves through the environment", "[credentials]") {
  Fixture f(R"({"providers": {"deepseek": {"models": ["chat"]}}})");
  f.facts.config["deepseek"] = {"env", "MY_DS_KEY", "", ""};
  Entry e = Find(f.Run(), "deepseek");
  CHECK(e.Used() == nullptr);
  f.dotenv["MY_DS_KEY"] = "ds-secret";
  e = Find(f.Run(), "deepseek");
  REQUIRE(e.Used() != nullptr);
  CHECK(e.Used()->kind == "config");
  CHECK(e.Used()->fingerprint == Fingerprint("ds-secret"));
  CHECK(e.Used()->note == "reads ${MY_DS_KEY}");
  CHECK(KeyVariables("deepseek") == std::vector<std::string>{"DEEPSEEK_API_KEY"});
  CHECK(KeyVariables("my-lab.eu") == std::vector<std::string>{"MY_LAB_EU_API_KEY"});
}

TEST_CASE("Accounts: each with its own variable, profile or OpenClaw provider", "[credentials]") {
  Fixture f(R"({"providers": {
      "google": {"models": ["gemini-flash"], "accounts": [
        {"name": "second", "provider": "google-2", "apiKeyEnv": "GEMINI_API_KEY_2"},
        {"name": "work", "profile": "google:work"}]},
      "box": {"tier": "local", "models": ["small"]}}})");
  f.env["GEMINI_API_KEY"] = "key-one";
  f.env["GEMINI_API_KEY_2"] = "key-two";
  f.facts.profiles_read = true;
  f.facts.profiles["google"] = {{"google:work", "api_key", Fingerprint("key-work")},
                                {"google:other", "token", ""}};
  const auto entries = f.Run();
  CHECK(entries.size() == 4);  // box, google, google/second, google/work (google-2 not again)
  const Entry& second = Find(entries, "google", "second");
  CHECK(second.openclaw_provider == "google-2");
  REQUIRE(second.Used() != nullptr);
  CHECK(second.Used()->fingerprint == Fingerprint("key-two"));
  const Entry& work = Find(entries, "google", "work");
  REQUIRE(work.sources.size() == 1);  // only its own profile
  CHECK(work.Used()->fingerprint == Fingerprint("key-work"));
  const Entry& google = Find(entries, "google");
  CHECK(google.Used()->name == "google:work");  // OpenClaw's first profile
  CHECK(Find(entries, "box").local);
  CHECK(Find(entries, "box").sources.empty());
}

}  // namespace
}  // namespace router::credentials
