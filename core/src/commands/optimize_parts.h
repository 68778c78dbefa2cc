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
  int64_t budget_spent_micros = 0;  // today's, as the daily budget counts it
  int64_t budget_day_start_ms = 0;
  nlohmann::json jobs;  // the cron listing the caller passed (null when none)
};

// Reads `config`, `jobs` and `days` from `args`, the ledger's consumer rollups and the forecasts.
[[nodiscard]] Result<Gathered> Gather(const Context& ctx, const nlohmann::json& args);

// The fields analyze and optimize share.
nlohmann::json AnalysisJson(const Gathered& g, const optimize::Analysis& analysis,
                            const char* schema);

// Gives each cron job action its job keys (payload.model / fallbacks) from the listing in `g`;
// an action on a job the caller did not list keeps no changes (it needs the gateway).
[[nodiscard]] Status AttachCronChanges(const Gathered& g, std::vector<optimize::Action>& actions);

// Records the actions among `actions` (those listed in `ids`, every one when empty) as one
// "config-change" event and returns applied:{eventId, actions, changes, cron:[{jobId, changes}],
// gatewayRequired}. kFailedPrecondition when the changes no longer fit the config or a job;
// kNotFound for an unknown id. With a `dedupe_key` seen before nothing is recorded (eventId
// null); the key is kept as the event's window.
[[nodiscard]] Result<nlohmann::json> RecordApplied(const Context& ctx, const Gathered& g,
                                                   const std::vector<optimize::Action>& actions,
                                                   const std::vector<std::string>& ids,
                                                   const std::string& source,
                                                   const std::string& dedupe_key = "");

// Applied changes whose target still called its old primary after the change was written:
// {changes:[{eventId, target, expected, seen, lastMs, message}], new:[messages]}; each is logged
// once as an alert.
[[nodiscard]] Result<nlohmann::json> CheckHonoured(const Context& ctx, const Gathered& g);

// The router.undo/1 result for `event`, undone by the undo event `undo_event_id` (mode.cc).
nlohmann::json UndoJson(int64_t undo_event_id, int64_t now, const ledger::Event& event);

}  // namespace router::commands
