#pragma once
// route: the router's decision for one turn, without calling any model. The same JSON serves
// `openclaw router route --json`, the native CLI, the gateway route and the before_model_resolve
// hook (which also logs it, joined to the run's usage by runId):
//   router.route/1 (see route::ToJson) plus decisionId when logged.

#include <nlohmann/json.hpp>

#include "router/commands/status.h"
#include "router/route/router.h"

namespace router::commands {

// Decides for `request` with the ledger's current quota, budget and context facts. With `log`,
// a decision that came from a router model is stored (applied when it chose a model).
[[nodiscard]] Result<nlohmann::json> Route(const Context& ctx, const route::RouteRequest& request, bool log);

}  // namespace router::commands
