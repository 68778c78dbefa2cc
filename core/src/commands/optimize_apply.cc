// Applying a plan (recorded first, written by the front end: openclaw.json keys through OpenClaw's
// config writer, cron job keys through the gateway), undoing it key by key, moving due shifts
// back, and checking that OpenClaw honoured what was applied.

#include <algorithm>
#include <optional>

#include "optimize_parts.h"
#include "router/commands/keys.h"
#include "router/commands/optimize.h"

namespace router::commands {

using nlohmann::json;

namespace {

constexpr char kConfigChange[] = "config-change";

// The cron part of an event or result: [{jobId, changes}].
json CronJson(const std::vector<std::pair<std::string, std::vector<optimize::Change>>>& jobs) {
  json out = json::array();
  for (const auto& [id, changes] : jobs) {
    out.push_back({{keys::kJobId, id}, {keys::kChanges, optimize::ToJson(changes)}});
  }
  return out;
}

using JobChanges = std::vector<std::pair<std::string, std::vector<optimize::Change>>>;

Result<JobChanges> CronFromJson(const json& payload, const std::string& where) {
  JobChanges out;
  auto it = payload.find(keys::kCron);
  if (it == payload.end()) return out;
  if (!it->is_array()) return Status::InvalidArgument(where + " must be an array");
  for (const json& entry : *it) {
    if (!entry.is_object() || !entry.contains(keys::kJobId) ||
        !entry.at(keys::kJobId).is_string()) {
      return Status::InvalidArgument(where + " entries must be {jobId, changes}");
    }
    auto changes =
        optimize::ChangesFromJson(entry.value(keys::kChanges, json()), where + " changes");
    if (!changes.ok()) return changes.status();
    out.emplace_back(entry.at(keys::kJobId).get<std::string>(), std::move(changes).value());
  }
  return out;
}

// The keys each edited job needs back, checked against the jobs as the gateway lists them now.
Result<JobChanges> RestoreJobs(const JobChanges& applied, const json& jobs, int64_t event_id) {
  JobChanges out;
  if (applied.empty()) return out;
  if (jobs.is_null()) {
    return Status::FailedPrecondition(
        "change " + std::to_string(event_id) + " edited cron job " + applied.front().first +
        "; undoing it needs the gateway (start it with `openclaw gateway run`, then undo again)");
  }
  for (const auto& [id, changes] : applied) {
    const json* job = optimize::FindJob(jobs, id);
    if (job == nullptr) {
      return Status::NotFound("cron job " + id + " (edited by change " + std::to_string(event_id) +
                              ") no longer exists; nothing was restored");
    }
    auto restore = optimize::RestoreChanges(*job, changes);
    if (!restore.ok()) {
      return Status::FailedPrecondition("cron job " + id + ": " + restore.status().message());
    }
    if (!restore->empty()) out.emplace_back(id, std::move(restore).value());
  }
  return out;
}

}  // namespace

Status AttachCronChanges(const Gathered& g, std::vector<optimize::Action>& actions) {
  for (optimize::Action& a : actions) {
    if (!a.gateway || a.target == nullptr) continue;
    const json* job = optimize::FindJob(g.jobs, a.target->id);
    if (job == nullptr) continue;
    auto changes = optimize::CronJobChanges(*job, a.after);
    if (!changes.ok()) return changes.status();
    a.changes = std::move(changes).value();
  }
  return Status::Ok();
}

Result<json> RecordApplied(const Context& ctx, const Gathered& g,
                           const std::vector<optimize::Action>& actions,
                           const std::vector<std::string>& ids, const std::string& source,
                           const std::string& dedupe_key) {
  for (const std::string& id : ids) {
    if (std::none_of(actions.begin(), actions.end(),
                     [&](const optimize::Action& a) { return a.id == id; })) {
      return Status::NotFound("no action " + id + " in the plan; run optimize again to see it");
    }
  }
  json applied_ids = json::array(), gateway = json::array(), recorded = json::array();
  std::vector<optimize::Change> changes;
  JobChanges jobs;
  int64_t until_ms = 0;
  for (const optimize::Action& a : actions) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), a.id) == ids.end()) continue;
    if (a.changes.empty()) {
      if (a.gateway) gateway.push_back(a.id);  // a job the caller did not list
      continue;
    }
    if (a.gateway) {
      const json* job = optimize::FindJob(g.jobs, a.target->id);
      auto check = optimize::Apply(job ? *job : json(), a.changes);  // still as planned?
      if (!check.ok()) {
        return Status::FailedPrecondition("cron job " + a.target->id + ": " +
                                          check.status().message());
      }
      jobs.emplace_back(a.target->id, a.changes);
    } else {
      changes.insert(changes.end(), a.changes.begin(), a.changes.end());
    }
    applied_ids.push_back(a.id);
    recorded.push_back(optimize::ToJson(a));
    if (a.until_ms > 0) until_ms = until_ms == 0 ? a.until_ms : std::min(until_ms, a.until_ms);
  }
  json out = {{keys::kActions, applied_ids}, {keys::kGatewayRequired, gateway}};
  out[keys::kChanges] = json::array();
  out[keys::kCron] = json::array();
  out[keys::kEventId] = nullptr;
  if (changes.empty() && jobs.empty()) return out;
  auto check = optimize::Apply(g.inputs.config, changes);  // all keys still as planned?
  if (!check.ok()) return check.status();
  json payload = {{keys::kSource, source},
                  {keys::kActions, recorded},
                  {keys::kChanges, optimize::ToJson(changes)},
                  {keys::kCron, CronJson(jobs)}};
  if (until_ms > 0) payload[keys::kUntilMs] = until_ms;
  auto id = ctx.ledger.AppendEvent(
      {0, g.inputs.now_ms, kConfigChange, "", dedupe_key, payload.dump(), false}, dedupe_key);
  if (!id.ok()) return id.status();
  if (id.value() == 0) return out;  // this trigger was acted on already
  out[keys::kEventId] = id.value();
  out[keys::kChanges] = payload[keys::kChanges];
  out[keys::kCron] = payload[keys::kCron];
  if (until_ms > 0) out[keys::kUntilMs] = until_ms;
  return out;
}

Result<json> UndoConfigChange(const Context& ctx, const ledger::Event& event, const json& config,
                              const json& jobs) {
  if (!config.is_object()) {
    return Status::FailedPrecondition(
        "the newest change is an applied optimization (event " + std::to_string(event.id) +
        "); undo it where OpenClaw's config can be written: `openclaw router undo` or "
        "`openclaw-router undo`");
  }
  const json parsed = json::parse(event.payload, nullptr, false);
  const json payload = parsed.is_object() ? parsed : json::object();
  const std::string where = "event " + std::to_string(event.id);
  auto applied = optimize::ChangesFromJson(payload.value(keys::kChanges, json()),
                                           where + " " + keys::kChanges);
  if (!applied.ok()) return applied.status();
  auto applied_jobs = CronFromJson(payload, where + " cron");
  if (!applied_jobs.ok()) return applied_jobs.status();
  // Every check passes before anything is marked: all of it is undone, or none.
  auto restore = optimize::RestoreChanges(config, applied.value());
  if (!restore.ok()) return restore.status();
  auto restore_jobs = RestoreJobs(applied_jobs.value(), jobs, event.id);
  if (!restore_jobs.ok()) return restore_jobs.status();
  const int64_t now = ctx.clock.NowMs();
  ROUTER_RETURN_IF_ERROR(ctx.ledger.MarkUndone(event.id));
  const json note = {{"undoneId", event.id}, {"kind", event.kind}};
  auto id = ctx.ledger.AppendEvent({0, now, "undo", "", "", note.dump(), false});
  if (!id.ok()) return id.status();
  json out = UndoJson(id.value(), now, event);
  out[keys::kChanges] = optimize::ToJson(restore.value());
  out[keys::kCron] = CronJson(restore_jobs.value());
  return out;
}

Result<json> RevertDue(const Context& ctx, const json& config, const json& jobs) {
  auto due = DueShifts(ctx);
  if (!due.ok()) return due.status();
  json current = config, reverted = json::array(), refused = json::array();
  json cron = json::array();
  std::vector<optimize::Change> changes;
  for (auto it = due->rbegin(); it != due->rend(); ++it) {  // newest first
    auto undone = UndoConfigChange(ctx, *it, current, jobs);
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
    for (const json& entry : undone->at(keys::kCron)) cron.push_back(entry);
    reverted.push_back(it->id);
  }
  return json{{keys::kSchema, "router.revert-due/1"},
              {"reverted", reverted},
              {"refused", refused},
              {keys::kChanges, optimize::ToJson(changes)},
              {keys::kCron, cron}};
}

Result<std::vector<ledger::Event>> DueShifts(const Context& ctx) {
  auto events = ctx.ledger.Events(kConfigChange, "", 0);
  if (!events.ok()) return events.status();
  std::vector<ledger::Event> due;
  const int64_t now = ctx.clock.NowMs();
  for (const ledger::Event& e : events.value()) {
    if (e.undone) continue;
    const json payload = json::parse(e.payload, nullptr, false);
    const int64_t until = payload.is_object() ? payload.value(keys::kUntilMs, int64_t{0}) : 0;
    if (until > 0 && until <= now) due.push_back(e);
  }
  return due;
}

namespace {

// A call already under way when a change was written may still land on the old model.
constexpr int64_t kHonourGraceMs = 5'000;

const optimize::Target* Current(const Gathered& g, const json& target) {
  if (!target.is_object()) return nullptr;
  for (const optimize::Target& t : g.inputs.targets) {
    if (target.value("kind", "") == optimize::Name(t.kind) && target.value("id", "") == t.id) {
      return &t;
    }
  }
  return nullptr;
}

// One applied action whose target still called its old primary after the change was written.
std::optional<json> NotHonoured(const Gathered& g, const ledger::Event& event, const json& action) {
  const optimize::Target* target = Current(g, action.value(keys::kTarget, json()));
  const json before = action.value(keys::kBefore, json::object()).value(keys::kPrimary, json());
  const json after = action.value(keys::kAfter, json::object()).value(keys::kPrimary, json());
  if (target == nullptr || !before.is_string() || !after.is_string()) return std::nullopt;
  const std::string old_ref = before.get<std::string>(), new_ref = after.get<std::string>();
  // router/* turns are recorded on the model the router picked, which may be the old one.
  if (old_ref == new_ref || new_ref.rfind("router/", 0) == 0) return std::nullopt;
  const int64_t last = optimize::LastCallOn(*target, old_ref, g.inputs.usage);
  if (last <= event.at_ms + kHonourGraceMs) return std::nullopt;
  const std::string who = std::string(optimize::Name(target->kind)) + " " + target->id;
  return json{{keys::kEventId, event.id},
              {keys::kTarget, action.at(keys::kTarget)},
              {"expected", new_ref},
              {"seen", old_ref},
              {"lastMs", last},
              {keys::kMessage, "change " + std::to_string(event.id) + " not honoured: " + who +
                                   " still calls " + old_ref + " after it was set to " + new_ref +
                                   " (check the " +
                                   (target->kind == optimize::TargetKind::kCronJob
                                        ? "job with `openclaw cron get " + target->id + "`"
                                        : "key " + target->config_key + " in openclaw.json") +
                                   ")"}};
}

}  // namespace

Result<json> CheckHonoured(const Context& ctx, const Gathered& g) {
  auto events = ctx.ledger.Events(kConfigChange, "", g.inputs.since_ms);
  if (!events.ok()) return events.status();
  json found = json::array(), fresh = json::array();
  for (const ledger::Event& e : events.value()) {
    if (e.undone) continue;
    const json payload = json::parse(e.payload, nullptr, false);
    if (!payload.is_object() || !payload.value(keys::kActions, json()).is_array()) continue;
    for (const json& action : payload.at(keys::kActions)) {
      auto miss = NotHonoured(g, e, action);
      if (!miss) continue;
      const json& target = miss->at(keys::kTarget);
      const std::string key = "not-honoured|" + std::to_string(e.id) + "|" +
                              target.value("kind", "") + "|" + target.value("id", "");
      const json alert = {{"level", "warning"}, {keys::kMessage, miss->at(keys::kMessage)}};
      auto id = ctx.ledger.AppendEvent(
          {0, g.inputs.now_ms, "alert", "", "optimizer", alert.dump(), false}, key);
      if (!id.ok()) return id.status();
      if (id.value() > 0) fresh.push_back(miss->at(keys::kMessage));
      found.push_back(std::move(miss).value());
    }
  }
  return json{{keys::kChanges, std::move(found)}, {"new", std::move(fresh)}};
}

}  // namespace router::commands
