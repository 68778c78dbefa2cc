#include "router/config/openclaw_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::json;
using router::config::EnvLookup;
using router::config::ReadOpenClawConfig;

namespace {

// Writes `text` to a temporary file that is removed when the object goes away.
class TempConfig {
 public:
  explicit TempConfig(const std::string& text) {
    char name[] = "/tmp/router_openclaw_file_testXXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempConfig() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

EnvLookup NoEnv() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

std::string ReadError(const std::string& text, const EnvLookup& env = NoEnv()) {
  TempConfig file(text);
  auto read = ReadOpenClawConfig(file.path(), env);
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == router::Status::Code::kInvalidArgument);
  return read.status().message();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("ReadOpenClawConfig refuses a mistyped root or plugins entry (issue 17)", "[config]") {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "the config root must be an object (got array)"},
      {"5", "the config root must be an object (got number)"},
      {"{plugins: 'x'}", "plugins must be an object (got string)"},
      {"{plugins: {entries: []}}", "plugins.entries must be an object (got array)"},
      {"{plugins: {entries: {'model-router': true}}}",
       "plugins.entries.model-router must be an object (got boolean)"},
      {"{models: {providers: 3}}", "models.providers must be an object (got number)"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    CHECK(Contains(ReadError(text), message));
  }
  TempConfig absent_entry("{plugins: {entries: {}}}");
  auto read = ReadOpenClawConfig(absent_entry.path(), NoEnv());
  REQUIRE(read.ok());
  CHECK(read->plugin == json::object());
}

TEST_CASE("ReadOpenClawConfig names the field holding invalid UTF-8 (issue 17)", "[config]") {
  CHECK(Contains(ReadError("{models: {providers: {'p\xff': {}}}}"),
                 "models.providers has a key that is not valid UTF-8"));
  CHECK(Contains(ReadError("{models: {providers: {p: {baseUrl: 'x\xc0\xaf'}}}}"),
                 "models.providers.p.baseUrl is not valid UTF-8"));
}

TEST_CASE("${VAR} substitution scans a megabyte of '${AAAA...' without recursion (issue 17)",
          "[config]") {
  const std::string text = "{plugins: {entries: {'model-router': {config: {timezone: '${" +
                           std::string(1 << 20, 'A') + "'}}}}}";
  TempConfig file(text);
  auto read = ReadOpenClawConfig(file.path(), NoEnv());
  REQUIRE(read.ok());
  CHECK(read->plugin.at("timezone").get<std::string>().size() == 2 + (1 << 20));
  const std::string closed = "{plugins: {entries: {'model-router': {config: {timezone: '${" +
                             std::string(1 << 20, 'A') + "}'}}}}}";
  CHECK(Contains(ReadError(closed), "which is not set"));
}
