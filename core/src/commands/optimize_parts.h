#pragma once
// Internal to analyze.cc, optimize.cc and shift.cc: the engine's inputs from a command's context
// and arguments, and recording an applied plan.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/commands/context.h"
#include "router/optimize/analyze.h"

namespace router::commands {

// The inputs and what they are built from (the engine points into `inputs.targets`, so keep this
// alive while its result is used).
struct Gathered {
  optimize::Inputs inputs;
  std::string mode;  // manual | dry-run | auto (the effective mode)
  int64_t days = 30;
  int64_t budget_spent_micros = 0;
};

// Reads `config`, `jobs` and `days` from `args`, the ledger's consumer rollups and the forecasts.
[[nodiscard]] Result<Gathered> Gather(const Context& ctx, const nlohmann::json& args);

// The fields analyze and optimize share.
nlohmann::json AnalysisJson(const Gathered& g, const optimize::Analysis& analysis,
                            const char* schema);

// Records the config actions among `actions` (those listed in `ids`, every one when empty) as
// one "config-change" event and returns applied:{eventId, actions, changes, gatewayRequired}.
// kFailedPrecondition when the changes no longer fit the config; kNotFound for an unknown id.
[[nodiscard]] Result<nlohmann::json> RecordApplied(const Context& ctx, const Gathered& g,
                                                   const std::vector<optimize::Action>& actions,
                                                   const std::vector<std::string>& ids,
                                                   const std::string& source);

// The router.undo/1 result for `event`, undone by the undo event `undo_event_id` (mode.cc).
nlohmann::json UndoJson(int64_t undo_event_id, int64_t now, const ledger::Event& event);

}  // namespace router::commands
