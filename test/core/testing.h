#pragma once
// Helpers shared by the Catch2 tests: fresh in-memory ledgers and configs that must parse.

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/config/options.h"
#include "router/ledger/ledger.h"

namespace router::testing {

inline std::unique_ptr<ledger::Ledger> MemoryLedger() {
  auto opened = ledger::Ledger::Open({":memory:", 5000});
  REQUIRE(opened.ok());
  return std::move(opened).value();
}

// Plugin options from JSON text; fails the test (showing why) when the config is invalid.
inline config::PluginOptions ParseOptions(const std::string& json_text) {
  auto parsed = config::Parse(nlohmann::json::parse(json_text));
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

}  // namespace router::testing
