#pragma once
// mode and undo: the routing mode (manual, dry-run, auto) and reverting the newest change:
//   mode: {schema:"router.mode/1", mode, source:"config"|"ledger", setAtMs?, previous?, eventId?}
//   undo: {schema:"router.undo/1", eventId, atMs,
//          undone:{id, kind, provider, window, atMs, payload}}
// previous and eventId are present when the call changed the mode.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

// Shows the effective mode, or records a new one when `mode` is set.
[[nodiscard]] Result<nlohmann::json> Mode(const Context& ctx,
                                          const std::optional<std::string>& mode);
// Reverts the newest set-usage, reset, mode change or applied optimization (the latter against
// `openclaw_config`, openclaw.json as it is now; see UndoConfigChange in optimize.h, whose result
// adds the `changes` to write and, with `jobs` (the cron listing), the cron edits). kNotFound
// when there is none.
[[nodiscard]] Result<nlohmann::json> Undo(const Context& ctx,
                                          const nlohmann::json& openclaw_config = nullptr,
                                          const nlohmann::json& jobs = nullptr);

}  // namespace router::commands
