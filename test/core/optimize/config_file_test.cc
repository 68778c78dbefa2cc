// openclaw.json as the native CLI reads and writes it: a broken or unreadable file is a clear
// error (never planned over as if empty), and a write is the whole new file or the old one.

#include "router/optimize/config_file.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing.h"

namespace router::optimize {
namespace {

using nlohmann::json;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("openclaw.json: missing is {}, broken or unreadable is an error naming the file",
          "[optimize][config-file]") {
  testing::TempDir dir;
  const std::string file = dir.File("openclaw.json");
  CHECK(ReadConfigFile(file).value() == json::object());

  Write(file, "{agents: {defaults: {model: 'a/b',}}, // JSON5\n}");
  CHECK(ReadConfigFile(file).value()["agents"]["defaults"]["model"] == "a/b");

  Write(file, "{\"agents\": {");
  auto broken = ReadConfigFile(file);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == Status::Code::kInvalidArgument);
  CHECK(broken.status().message().rfind(file + ": ", 0) == 0);

  Write(file, "[1, 2]");
  CHECK(ReadConfigFile(file).status().code() == Status::Code::kInvalidArgument);

  // A path that exists but cannot be read as a file is not "no config yet".
  std::filesystem::remove(file);
  std::filesystem::create_directory(file);
  auto unreadable = ReadConfigFile(file);
  REQUIRE_FALSE(unreadable.ok());
  CHECK(unreadable.status().code() == Status::Code::kIo);
  CHECK(unreadable.status().message().find("cannot read " + file) != std::string::npos);
}

TEST_CASE("openclaw.json is written whole or not at all; an undo gets the old bytes back",
          "[optimize][config-file]") {
  testing::TempDir dir;
  const std::string file = dir.File("openclaw.json");
  const std::string original = "// mine\n{agents: {defaults: {model: 'a/b'}}}\n";
  Write(file, original);
  const json before = ReadConfigFile(file).value();
  json after = before;
  after["agents"]["defaults"]["model"] = "c/d";

  REQUIRE(WriteConfigFile(file, after).ok());
  CHECK(ReadConfigFile(file).value() == after);
  CHECK(Read(file + ".router-bak") == original);
  CHECK(WriteConfigFile(file, before).ok());
  CHECK(Read(file) == original);  // comments and formatting included

  SECTION("a write that cannot happen leaves the old file as it was") {
    const std::string missing_dir = dir.File("gone/openclaw.json");
    auto failed = WriteConfigFile(missing_dir, after);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.code() == Status::Code::kIo);
    CHECK(failed.message().find("left as it was") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(missing_dir));
    // No temp file is left beside a file that stays as it was.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      CHECK(entry.path().filename().string().find("router-tmp") == std::string::npos);
    }
    CHECK(Read(file) == original);
  }
}

}  // namespace router::optimize
