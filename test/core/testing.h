#pragma once
// Helpers shared by the Catch2 tests: fresh in-memory ledgers and configs that must parse.

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/ledger/record.h"
#include "router/pricing/pricer.h"
#include "router/route/router.h"
#include "router/score/capabilities.h"

namespace router::testing {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "router-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

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

// A router over `options` with no OpenClaw models, for command contexts that do not route.
inline route::Router RouterFor(const config::PluginOptions& options) {
  const pricing::Pricer pricer({options.price_overrides, {}, options.LocalProviderIds()});
  return route::Router(options, route::Catalog(options, nlohmann::json::object(), pricer,
                                               score::CapabilityTable::Builtin()));
}

// A user-triggered call to `provider`/"m" at `at_ms` with `input` tokens and `cost_micros`
// (priced by OpenClaw when non-zero); `message` marks it as the run's counted message.
inline ledger::UsageRecord UserCall(int64_t at_ms, const std::string& provider, int64_t input,
                                    int64_t cost_micros = 0, bool message = false) {
  ledger::UsageRecord r;
  r.at_ms = at_ms;
  r.provider = provider;
  r.model = "m";
  r.trigger = "user";
  r.input_tokens = input;
  r.cost_micros = cost_micros;
  r.cost_source = cost_micros > 0 ? ledger::CostSource::kOpenClaw : ledger::CostSource::kNone;
  r.counts_as_message = message;
  return r;
}

}  // namespace router::testing
