// .env parsing as OpenClaw's dotenv loader reads it, and the errors for lines it would skip.
#include <string>

#include <catch2/catch.hpp>

#include "router/credentials/dotenv.h"

namespace router::credentials {
namespace {

TEST_CASE(".env: quotes, comments, export, blank lines", "[credentials][dotenv]") {
  auto vars = ParseDotEnv(
      "# keys for the gateway\n"
      "\n"
      "PLAIN=abc123\n"
      "export EXPORTED = value with spaces  \n"
      "DOUBLE=\"two\\nlines\" # a comment\n"
      "SINGLE='keep \\n as is'\n"
      "BACKTICK=`x'y\"z`\n"
      "HASH_INSIDE=\"a # b\"\n"
      "BARE_COMMENT=val # trailing\n"
      "EMPTY=\n"
      "REF=${HOME}/x\n"
      "CRLF=yes\r\n"
      "PLAIN=later wins\n",
      "/s/.env");
  REQUIRE(vars.ok());
  const auto& v = vars.value();
  CHECK(v.at("PLAIN") == "later wins");
  CHECK(v.at("EXPORTED") == "value with spaces");
  CHECK(v.at("DOUBLE") == "two\nlines");
  CHECK(v.at("SINGLE") == "keep \\n as is");
  CHECK(v.at("BACKTICK") == "x'y\"z");
  CHECK(v.at("HASH_INSIDE") == "a # b");
  CHECK(v.at("BARE_COMMENT") == "val");
  CHECK(v.at("EMPTY").empty());
  CHECK(v.at("REF") == "${HOME}/x");  // OpenClaw's loader does not expand
  CHECK(v.at("CRLF") == "yes");
  CHECK(v.size() == 10);
}

TEST_CASE(".env: a bad line is an error naming the file and line, never its text",
          "[credentials][dotenv]") {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"OK=1\nsk-secret-no-equals\n", "/s/.env line 2: "},
      {"OK=1\n\nGEMINI_API_KEY sk-secret\n", "line 3: no '='"},
      {"KEY=\"sk-secret-unclosed\n", "line 1: \"KEY\": the value opens a \" quote"},
      {"KEY='sk-secret' trailing\n", "line 1: \"KEY\": text after the closing ' quote"},
      {"1KEY=sk-secret\n", "line 1: expected NAME=value"},
  };
  for (const Case& c : cases) {
    auto vars = ParseDotEnv(c.text, "/s/.env");
    INFO(c.text);
    REQUIRE_FALSE(vars.ok());
    CHECK(vars.status().message().find(c.says) != std::string::npos);
    CHECK(vars.status().message().find("sk-secret") == std::string::npos);
  }
}

TEST_CASE(".env: a missing file is empty", "[credentials][dotenv]") {
  auto vars = ReadDotEnv("/nonexistent-dir-for-router-tests/.env");
  REQUIRE(vars.ok());
  CHECK(vars.value().empty());
}

}  // namespace
}  // namespace router::credentials
