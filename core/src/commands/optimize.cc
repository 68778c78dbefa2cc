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

Result<json> RecordApplied(const Context& ctx, const Gathered& g,
                           const std::vector<optimize::Action>& actions,
                           const std::vector<std::string>& ids, const std::string& source) {
  for (const std::string& id : ids) {
    if (std::none_of(actions.begin(), actions.end(),
                     [&](const optimize::Action& a) { return a.id == id; })) {
      return Status::NotFound("no action " + id + " in the plan; run optimize again to see it");
    }
  }
  json applied_ids = json::array(), gateway = json::array(), recorded = json::array();
  std::vector<optimize::Change> changes;
  int64_t until_ms = 0;
  for (const optimize::Action& a : actions) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), a.id) == ids.end()) continue;
    if (a.gateway) {
      gateway.push_back(a.id);
      continue;
    }
    if (a.changes.empty()) continue;
    applied_ids.push_back(a.id);
    recorded.push_back(optimize::ToJson(a));
    changes.insert(changes.end(), a.changes.begin(), a.changes.end());
    if (a.until_ms > 0) until_ms = until_ms == 0 ? a.until_ms : std::min(until_ms, a.until_ms);
  }
  json out = {{"actions", applied_ids}, {"gatewayRequired", gateway}};
  if (changes.empty()) {
    out["changes"] = json::array();
    out[keys::kEventId] = nullptr;
    return out;
  }
  auto check = optimize::Apply(g.inputs.config, changes);  // all keys still as planned?
  if (!check.ok()) return check.status();
  json payload = {
      {"source", source}, {"actions", recorded}, {"changes", optimize::ToJson(changes)}};
  if (until_ms > 0) payload["untilMs"] = until_ms;
  auto id =
      ctx.ledger.AppendEvent({0, g.inputs.now_ms, kConfigChange, "", "", payload.dump(), false});
  if (!id.ok()) return id.status();
  out[keys::kEventId] = id.value();
  out["changes"] = optimize::ToJson(changes);
  if (until_ms > 0) out["untilMs"] = until_ms;
  return out;
}

Result<json> Optimize(const Context& ctx, const json& args) {
  auto g = Gather(ctx, args);
  if (!g.ok()) return g.status();
  auto apply = BoolArg(args, "apply");
  if (!apply.ok()) return apply.status();
  auto automatic = BoolArg(args, "auto");
  if (!automatic.ok()) return automatic.status();
  auto ids = Ids(args);
  if (!ids.ok()) return ids.status();
  const optimize::Analysis analysis = optimize::Analyze(g->inputs);
  json out = AnalysisJson(g.value(), analysis, "router.optimize/1");
  const auto triggers =
      optimize::AutoTriggers(g->inputs.pressure, ctx.options.daily_budget_micros,
                             g->budget_spent_micros, ctx.options.budget_soft_threshold);
  out["triggers"] = triggers;
  if (g->mode == "manual") {
    if (apply.value()) {
      return Status::FailedPrecondition(
          "mode is manual: the optimizer only reports findings; set `router mode dry-run` (or "
          "auto) to apply a plan");
    }
    return out;
  }
  json actions = json::array();
  for (const optimize::Action& a : analysis.actions) actions.push_back(optimize::ToJson(a));
  out["actions"] = std::move(actions);
  // auto: apply by itself only in mode auto when something needs it now.
  const bool go = apply.value() || (automatic.value() && g->mode == "auto" && !triggers.empty());
  if (!go) return out;
  auto applied = RecordApplied(ctx, g.value(), analysis.actions, ids.value(), "optimize");
  if (!applied.ok()) return applied.status();
  out["applied"] = std::move(applied).value();
  return out;
}

Result<json> UndoConfigChange(const Context& ctx, const ledger::Event& event, const json& config) {
  if (!config.is_object()) {
    return Status::FailedPrecondition(
        "the newest change is an applied optimization (event " + std::to_string(event.id) +
        "); undo it where OpenClaw's config can be written: `openclaw router undo` or "
        "`openclaw-router undo`");
  }
  const json payload = json::parse(event.payload, nullptr, false);
  auto applied =
      optimize::ChangesFromJson(payload.is_object() ? payload.value("changes", json()) : json(),
                                "event " + std::to_string(event.id) + " changes");
  if (!applied.ok()) return applied.status();
  auto restore = optimize::RestoreChanges(config, applied.value());
  if (!restore.ok()) return restore.status();
  const int64_t now = ctx.clock.NowMs();
  ROUTER_RETURN_IF_ERROR(ctx.ledger.MarkUndone(event.id));
  const json note = {{"undoneId", event.id}, {"kind", event.kind}};
  auto id = ctx.ledger.AppendEvent({0, now, "undo", "", "", note.dump(), false});
  if (!id.ok()) return id.status();
  json out = UndoJson(id.value(), now, event);
  out[keys::kChanges] = optimize::ToJson(restore.value());
  return out;
}

Result<json> RevertDue(const Context& ctx, const json& config) {
  auto due = DueShifts(ctx);
  if (!due.ok()) return due.status();
  json current = config, reverted = json::array(), refused = json::array();
  std::vector<optimize::Change> changes;
  for (auto it = due->rbegin(); it != due->rend(); ++it) {  // newest first
    auto undone = UndoConfigChange(ctx, *it, current);
    if (!undone.ok()) {
      refused.push_back({{keys::kId, it->id}, {keys::kMessage, undone.status().message()}});
      continue;
    }
    auto restore = optimize::ChangesFromJson(undone->at(keys::kChanges), "changes");
    if (!restore.ok()) return restore.status();
    auto next = optimize::Apply(current, restore.value());
    if (!next.ok()) return next.status();
    current = std::move(next).value();
    changes.insert(changes.end(), restore->begin(), restore->end());
    reverted.push_back(it->id);
  }
  return json{{keys::kSchema, "router.revert-due/1"},
              {"reverted", reverted},
              {"refused", refused},
              {keys::kChanges, optimize::ToJson(changes)}};
}

Result<std::vector<ledger::Event>> DueShifts(const Context& ctx) {
  auto events = ctx.ledger.Events(kConfigChange, "", 0);
  if (!events.ok()) return events.status();
  std::vector<ledger::Event> due;
  const int64_t now = ctx.clock.NowMs();
  for (const ledger::Event& e : events.value()) {
    if (e.undone) continue;
    const json payload = json::parse(e.payload, nullptr, false);
    const int64_t until = payload.is_object() ? payload.value("untilMs", int64_t{0}) : 0;
    if (until > 0 && until <= now) due.push_back(e);
  }
  return due;
}

}  // namespace router::commands
