// optimize: the plan per mode, applying it (recorded first, written by the front end), and
// undoing an applied plan key by key.

#include <algorithm>

#include "args.h"
#include "optimize_parts.h"
#include "router/commands/keys.h"
#include "router/commands/optimize.h"

namespace router::commands {

using nlohmann::json;

namespace {

constexpr char kConfigChange[] = "config-change";

Result<std::vector<std::string>> Ids(const json& args) {
  std::vector<std::string> ids;
  auto it = args.find("actions");
  if (it == args.end() || it->is_null()) return ids;
  if (!it->is_array()) return Status::InvalidArgument("argument actions must be an array of ids");
  for (const json& id : *it) {
    if (!id.is_string()) return Status::InvalidArgument("argument actions must hold strings");
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

Result<bool> BoolArg(const json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    return Status::InvalidArgument(std::string("argument ") + key + " must be true or false");
  }
  return it->get<bool>();
}

}  // namespace

namespace {

// What a trigger is about, so mode auto acts once per crossing: each pressed window until it
// resets (a rolling one for the day), and the budget for its day.
std::string AutoKey(const Gathered& g, const std::vector<std::string>& triggers) {
  std::string key = "auto";
  for (const optimize::Pressure& p : g.inputs.pressure) {
    key += "|" + p.provider + "/" + p.window + "@" +
           std::to_string(p.resets_at_ms > 0 ? p.resets_at_ms : g.budget_day_start_ms);
  }
  if (triggers.size() > g.inputs.pressure.size()) {
    key += "|budget@" + std::to_string(g.budget_day_start_ms);
  }
  return key;
}

Result<bool> Fired(const Context& ctx, const std::string& key) {
  auto events = ctx.ledger.Events(kConfigChange, "", 0);
  if (!events.ok()) return events.status();
  return std::any_of(events->begin(), events->end(),
                     [&](const ledger::Event& e) { return e.window == key; });
}

// Mode auto (with args auto: true, the gateway's periodic check): applies the plan once per
// trigger crossing. dry-run logs the plan it would apply, once; manual does nothing.
Result<json> AutoStep(const Context& ctx, const Gathered& g,
                      const std::vector<optimize::Action>& actions,
                      const std::vector<std::string>& triggers, json out) {
  out[keys::kAutoFired] = false;
  if (triggers.empty() || actions.empty() || g.mode == "manual") return out;
  const std::string key = AutoKey(g, triggers);
  std::string what;
  for (const std::string& t : triggers) what += (what.empty() ? "" : "; ") + t;
  if (g.mode != "auto") {
    const json alert = {
        {"level", "warning"},
        {keys::kMessage, "mode dry-run: would apply " + std::to_string(actions.size()) +
                             " optimizer action(s) now (" + what +
                             "); see `openclaw router optimize`"}};
    auto id = ctx.ledger.AppendEvent(
        {0, g.inputs.now_ms, "alert", "", "optimizer", alert.dump(), false}, "dry-run|" + key);
    if (!id.ok()) return id.status();
    out[keys::kAutoReport] = id.value() > 0 ? alert.at(keys::kMessage) : json(nullptr);
    return out;
  }
  auto fired = Fired(ctx, key);
  if (!fired.ok()) return fired.status();
  if (fired.value()) return out;
  if (g.jobs.is_null()) {
    out[keys::kNeedsJobs] = true;  // list the cron jobs and ask again, so they move too
    return out;
  }
  auto applied = RecordApplied(ctx, g, actions, {}, "auto: " + what, key);
  if (!applied.ok()) return applied.status();
  out[keys::kAutoFired] = !applied->at(keys::kEventId).is_null();
  out[keys::kApplied] = std::move(applied).value();
  return out;
}

}  // namespace

Result<json> Optimize(const Context& ctx, const json& args) {
  auto g = Gather(ctx, args);
  if (!g.ok()) return g.status();
  auto apply = BoolArg(args, "apply");
  if (!apply.ok()) return apply.status();
  auto automatic = BoolArg(args, "auto");
  if (!automatic.ok()) return automatic.status();
  auto ids = Ids(args);
  if (!ids.ok()) return ids.status();
  optimize::Analysis analysis = optimize::Analyze(g->inputs);
  ROUTER_RETURN_IF_ERROR(AttachCronChanges(g.value(), analysis.actions));
  json out = AnalysisJson(g.value(), analysis, "router.optimize/1");
  const auto triggers =
      optimize::AutoTriggers(g->inputs.pressure, ctx.options.daily_budget_micros,
                             g->budget_spent_micros, ctx.options.budget_soft_threshold);
  out[keys::kTriggers] = triggers;
  auto honoured = CheckHonoured(ctx, g.value());
  if (!honoured.ok()) return honoured.status();
  out[keys::kHonoured] = std::move(honoured).value();
  if (g->mode == "manual" && apply.value()) {
    return Status::FailedPrecondition(
        "mode is manual: the optimizer only reports findings; set `router mode dry-run` (or "
        "auto) to apply a plan");
  }
  if (g->mode == "manual")
    return automatic.value() ? AutoStep(ctx, g.value(), {}, triggers, out) : out;
  json actions = json::array();
  for (const optimize::Action& a : analysis.actions) actions.push_back(optimize::ToJson(a));
  out[keys::kActions] = std::move(actions);
  if (automatic.value())
    return AutoStep(ctx, g.value(), analysis.actions, triggers, std::move(out));
  if (!apply.value()) return out;
  auto applied = RecordApplied(ctx, g.value(), analysis.actions, ids.value(), "optimize");
  if (!applied.ok()) return applied.status();
  out[keys::kApplied] = std::move(applied).value();
  return out;
}

}  // namespace router::commands
