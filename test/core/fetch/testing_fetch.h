#pragma once
// Fixture bodies for the usage adapter tests (test/fixtures/usage/).

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace router::testing {

inline std::string UsageFixture(const std::string& name) {
  std::ifstream file(std::string(ROUTER_SOURCE_DIR) + "/test/fixtures/usage/" + name);
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace router::testing
