#pragma once
// The plugin's configuration (`plugins.entries.model-router.config` in openclaw.json), parsed and
// validated here so both front ends (the OpenClaw plugin and the native CLI) agree on it.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"
#include "router/ledger/options.h"

namespace router::config {

struct PluginOptions {
  ledger::LedgerOptions ledger;
  // IANA zone used for "today" and "this month" in reports, or "local". Default "local".
  std::string timezone = "local";
};

// Parses and validates `config` (null or an object). Unknown keys and bad values are errors whose
// message names the key path and what is allowed.
[[nodiscard]] Result<PluginOptions> Parse(const nlohmann::json& config);

// Every key path the parser accepts ("ledger", "ledger.path", ...), from the same tables that
// drive Parse, so a test can prove the manifest's configSchema lists exactly these.
std::vector<std::string> KnownKeyPaths();

}  // namespace router::config
