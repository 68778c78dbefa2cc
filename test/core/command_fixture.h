#pragma once
// The world a command runs in, for tests: plugin options parsed from JSON, their router, an
// in-memory ledger, a fake clock and a fake HTTP client (empty until a test serves routes).

#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/base/status.h"
#include "router/commands/dispatch.h"
#include "router/config/options.h"
#include "router/ledger/ledger.h"
#include "router/route/router.h"
#include "testing.h"
#include "testing_http.h"

namespace router::testing {

struct CommandFixture {
  CommandFixture(const std::string& options_json, int64_t now_ms)
      : options(ParseOptions(options_json)),
        router(RouterFor(options)),
        ledger(MemoryLedger()),
        clock(now_ms) {}

  // The command as the runtime runs it.
  Result<nlohmann::json> Run(const std::string& name,
                             const nlohmann::json& args = nlohmann::json::object()) {
    return commands::Run({options, *ledger, clock, router, {}, &http}, name, args);
  }
  // The command's result, failing the test (with the reason) when it fails.
  nlohmann::json Ok(const std::string& name,
                    const nlohmann::json& args = nlohmann::json::object()) {
    auto result = Run(name, args);
    INFO(name << ": " << result.status().message());
    REQUIRE(result.ok());
    return result.value();
  }

  config::PluginOptions options;
  route::Router router;
  std::unique_ptr<ledger::Ledger> ledger;
  FakeClock clock;
  http::FakeClient http;
};

}  // namespace router::testing
