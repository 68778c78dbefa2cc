#pragma once
// check-alerts: logs the quota and budget threshold crossings and forecast warnings that were not
// logged before:
//   {schema:"router.alerts/1", new:[message, ...]}

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

// Logs threshold crossings not logged before; returns their messages.
[[nodiscard]] Result<nlohmann::json> CheckAlerts(const Context& ctx);

}  // namespace router::commands
