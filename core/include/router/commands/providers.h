#pragma once
// providers: every provider and model seen in the ledger (all time), and the configured ones
// before their first call:
//   {schema:"router.providers/1", generatedAtMs, providers:[{provider, configured,
//    quotaSource?, quotaType?, tier?, calls, failures, firstSeenMs, lastSeenMs,
//    models:[{model, calls, failures, firstSeenMs, lastSeenMs}]}]}
// firstSeenMs and lastSeenMs are null for a configured provider with no calls yet.

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

[[nodiscard]] Result<nlohmann::json> Providers(const Context& ctx);

}  // namespace router::commands
