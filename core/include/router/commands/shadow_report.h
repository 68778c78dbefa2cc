#pragma once
// report: the shadow policy (routing.shadow) against the real decisions over the last `days`:
//   {schema:"router.shadow-report/1", generatedAtMs, sinceMs, decisions (routed, with a shadow),
//    differs (the shadow would have chosen another model), realCostMicros, shadowCostMicros
//    (estimated costs of each policy's choices), classes:[{class, decisions, differs}]}
// Nothing is called: both costs are the decisions' estimates.

#include <nlohmann/json.hpp>

#include "router/commands/context.h"

namespace router::commands {

// Reads the decisions logged since `days` ago (1..90). Blocking.
[[nodiscard]] Result<nlohmann::json> ShadowReport(const Context& ctx, int days);

}  // namespace router::commands
