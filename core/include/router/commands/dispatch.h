#pragma once
// One entry point for every command, so the OpenClaw CLI (through the addon), the native CLI and
// the agent tools run the same code with the same arguments and print the same JSON.

#include <string>

#include <nlohmann/json.hpp>

#include "router/commands/context.h"

namespace router::commands {

// Runs `name` ("status", "providers", "set-usage", "reset", "mode", "undo", "check-alerts",
// "route", "predict") with `args` (an object; see each command's header: status.h, providers.h,
// quota_edits.h, mode.h, alerts.h, route.h, predict.h):
//   status {provider?}   set-usage {provider, value, window?}   reset {provider, window?}
//   mode {mode?}         providers, undo, check-alerts {}       predict {provider?, hours?}
//   route {prompt, model?, agent?, session?, runId?, trigger?, jobId?, attachments?,
//          contextChars?, log?}
//   analyze, optimize, shift, note-class {see optimize.h}   undo {config?}
//   fetch {provider?, snapshot?, snapshotError?, keys?} (fetch.h)
// Unknown names and malformed args are kInvalidArgument naming the field.
[[nodiscard]] Result<nlohmann::json> Run(const Context& ctx, const std::string& name,
                                         const nlohmann::json& args);

// The JSON text both front ends print for --json.
std::string ToText(const nlohmann::json& result);

}  // namespace router::commands
