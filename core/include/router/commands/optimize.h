#pragma once
// analyze, optimize, shift, note-class and the undo of applied optimizations (optimize/analyze.h
// holds the engine). Every command takes OpenClaw's config as an argument (`config`: the whole
// openclaw.json as JSON) and, when the gateway listed them, its cron jobs (`jobs`: `openclaw cron
// list --json`); the core never reads or writes openclaw.json itself. Applying records the
// change in the ledger first (event "config-change" holding each key's old and new value) and
// returns the `changes` the front end then writes with OpenClaw's config writer (plugin) or
// atomically (native CLI). Cron job edits need the gateway: they are planned, never applied here.
//
//   analyze:  {schema:"router.analyze/1", generatedAtMs, sinceMs, days, mode,
//              summaries:[{target, totals, days, firstMs, lastMs, monthlyCostMicros, ...}],
//              findings:[{kind, target, provider?, message, monthlySavingMicros, actions}],
//              monthlyCostMicros, monthlySavingMicros}
//   optimize: analyze's fields with schema "router.optimize/1", plus (except in mode manual)
//              actions:[{id, kind, target, before, after, changes, gateway, monthlySavingMicros,
//                        risk:{scoreBefore, scoreAfter, change}, reversible, untilMs?, why}],
//              triggers:[...] (what would make mode auto act now), and when applied:
//              applied:{eventId, actions:[ids], changes:[{path, before?, after?}],
//              gatewayRequired:[ids]}
//   shift:    {schema:"router.shift/1", generatedAtMs, provider, to, untilMs, actions, applied?}
//   note-class: {schema:"router.note-class/1", class}

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"
#include "router/ledger/ledger.h"

namespace router::commands {

// {config?, jobs?, days? = 30}
[[nodiscard]] Result<nlohmann::json> Analyze(const Context& ctx, const nlohmann::json& args);
// {config?, jobs?, days?, apply? = false, actions?: ["a1", ...] (default: every config action),
//  auto? = false (apply only when mode is auto and a trigger fires)}
[[nodiscard]] Result<nlohmann::json> Optimize(const Context& ctx, const nlohmann::json& args);
// {provider, to?, until?: "reset" | epoch ms | "<n>h" | "<n>m", config?, jobs?, apply? = false}
[[nodiscard]] Result<nlohmann::json> Shift(const Context& ctx, const nlohmann::json& args);
// {prompt, agent?, jobId?, trigger?}: counts the class of a turn the router did not route.
[[nodiscard]] Result<nlohmann::json> NoteClass(const Context& ctx, const nlohmann::json& args);

// Undoes an applied optimization (a "config-change" event) against `config` (openclaw.json as
// it is now): router.undo/1 with `changes` to write. kFailedPrecondition, nothing marked, when
// the user changed one of its keys since, or when `config` is null (the caller has no config).
[[nodiscard]] Result<nlohmann::json> UndoConfigChange(const Context& ctx,
                                                      const ledger::Event& event,
                                                      const nlohmann::json& config);

// Moves back every applied shift whose untilMs has passed, against `config`: {schema:
// "router.revert-due/1", reverted:[event ids], refused:[{id, message}] (keys the user changed
// since), changes (to write)}.
[[nodiscard]] Result<nlohmann::json> RevertDue(const Context& ctx, const nlohmann::json& config);

// Applied shifts whose untilMs has passed, oldest first (mode auto and the CLI revert them).
[[nodiscard]] Result<std::vector<ledger::Event>> DueShifts(const Context& ctx);

}  // namespace router::commands
