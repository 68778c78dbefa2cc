#pragma once
// analyze, optimize, shift, note-class and the undo of applied optimizations (optimize/analyze.h
// holds the engine). Every command takes OpenClaw's config as an argument (`config`: the whole
// openclaw.json as JSON) and, when the gateway listed them, its cron jobs (`jobs`: `openclaw cron
// list --json`); the core never reads or writes openclaw.json itself. Applying records the
// change in the ledger first (event "config-change" holding each key's old and new value) and
// returns the `changes` the front end then writes with OpenClaw's config writer (plugin) or
// atomically (native CLI), and `cron:[{jobId, changes}]` (keys /payload/model, /payload/fallbacks
// of a job) it edits through the gateway (`openclaw cron edit`). A cron job not in `jobs` is
// planned only (gatewayRequired).
//
//   analyze:  {schema:"router.analyze/1", generatedAtMs, sinceMs, days, mode,
//              summaries:[{target, totals, days, firstMs, lastMs, monthlyCostMicros, ...}],
//              findings:[{kind, target, provider?, message, monthlySavingMicros, actions}],
//              monthlyCostMicros, monthlySavingMicros}
//   optimize: analyze's fields with schema "router.optimize/1", plus (except in mode manual)
//              actions:[{id, kind, target, before, after, changes, gateway, monthlySavingMicros,
//                        risk:{scoreBefore, scoreAfter, change}, reversible, untilMs?, why}],
//              triggers:[...] (what would make mode auto act now), honoured:{changes:[...],
//              new:[...]} (applied changes OpenClaw ignored), with auto: autoFired, and
//              needsJobs when it would act but has no cron listing; when applied:
//              applied:{eventId, actions:[ids], changes:[{path, before?, after?}],
//              cron:[{jobId, changes}], gatewayRequired:[ids]}
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
// it is now) and `jobs` (the cron listing now; null when the gateway is not reachable):
// router.undo/1 with `changes` to write and `cron:[{jobId, changes}]` to edit. Nothing is marked
// (kFailedPrecondition) when the user changed one of its keys since, when `config` is null, or
// when it edited a cron job and `jobs` is null; kNotFound when such a job was deleted.
[[nodiscard]] Result<nlohmann::json> UndoConfigChange(const Context& ctx,
                                                      const ledger::Event& event,
                                                      const nlohmann::json& config,
                                                      const nlohmann::json& jobs);

// Moves back every applied shift whose untilMs has passed, against `config` and `jobs`: {schema:
// "router.revert-due/1", reverted:[event ids], refused:[{id, message}] (keys the user changed
// since), changes (to write), cron:[{jobId, changes}]}.
[[nodiscard]] Result<nlohmann::json> RevertDue(const Context& ctx, const nlohmann::json& config,
                                               const nlohmann::json& jobs);

// Applied shifts whose untilMs has passed, oldest first (mode auto and the CLI revert them).
[[nodiscard]] Result<std::vector<ledger::Event>> DueShifts(const Context& ctx);

}  // namespace router::commands
