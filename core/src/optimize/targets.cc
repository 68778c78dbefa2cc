#include "router/optimize/targets.h"

#include <algorithm>
#include <set>

namespace router::optimize {

using nlohmann::json;

const char* Name(TargetKind kind) {
  switch (kind) {
    case TargetKind::kAgent:
      return "agent";
    case TargetKind::kCronJob:
      return "cron-job";
    case TargetKind::kHeartbeat:
      return "heartbeat";
  }
  return "agent";
}

std::string Pointer(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) {
    out += '/';
    for (char c : key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

namespace {

// A model value: "provider/model" or {primary, fallbacks?}; nullopt-like empty when absent.
Result<ModelSetting> ParseModel(const json* value, const std::string& where, bool* is_string) {
  ModelSetting out;
  *is_string = false;
  if (value == nullptr || value->is_null()) return out;
  if (value->is_string()) {
    *is_string = true;
    out.primary = value->get<std::string>();
    return out;
  }
  const auto bad = [&] {
    return Status::InvalidArgument(where + " must be \"provider/model\" or {primary, fallbacks}");
  };
  if (!value->is_object()) return bad();
  if (auto it = value->find("primary"); it != value->end()) {
    if (!it->is_string()) return bad();
    out.primary = it->get<std::string>();
  }
  if (auto it = value->find("fallbacks"); it != value->end()) {
    if (!it->is_array()) return bad();
    for (const json& f : *it) {
      if (!f.is_string()) return bad();
      out.fallbacks.push_back(f.get<std::string>());
    }
  }
  return out;
}

const json* Find(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

Result<std::vector<Target>> AgentTargets(const json& config,
                                         const std::vector<std::string>& seen_agents) {
  const json empty = json::object();
  const json* agents = Find(config, "agents");
  const json* defaults = agents ? Find(*agents, "defaults") : nullptr;
  const json* entries = agents ? Find(*agents, "entries") : nullptr;
  bool defaults_string = false;
  auto base = ParseModel(defaults ? Find(*defaults, "model") : nullptr, "agents.defaults.model",
                         &defaults_string);
  if (!base.ok()) return base.status();
  // The default agent inherits from agents.defaults; so does an agent without its own model.
  const auto inheriting = [&](const std::string& id) {
    Target t;
    t.id = t.agent_id = id;
    t.model = base.value();
    t.inherited = true;
    t.config_key = Pointer({"agents", "defaults", "model"});
    t.model_is_string = defaults_string;
    return t;
  };
  std::vector<Target> out;
  std::set<std::string> listed;
  if (entries != nullptr && entries->is_object()) {
    for (const auto& [id, entry] : entries->items()) {
      listed.insert(id);
      const json* model = Find(entry, "model");
      if (model == nullptr) {
        out.push_back(inheriting(id));
        continue;
      }
      Target t;
      t.id = t.agent_id = id;
      auto own = ParseModel(model, "agents.entries." + id + ".model", &t.model_is_string);
      if (!own.ok()) return own.status();
      t.model = own.value();
      t.config_key = Pointer({"agents", "entries", id, "model"});
      out.push_back(std::move(t));
    }
  }
  std::set<std::string> wanted(seen_agents.begin(), seen_agents.end());
  if (listed.empty()) wanted.insert("main");
  for (const std::string& id : wanted) {
    if (!id.empty() && listed.count(id) == 0) out.push_back(inheriting(id));
  }
  // One heartbeat setting for every agent: agents.defaults.heartbeat.model, else the agent's.
  const json* heartbeat = defaults ? Find(*defaults, "heartbeat") : nullptr;
  bool unused = false;
  auto beat = ParseModel(heartbeat ? Find(*heartbeat, "model") : &empty,
                         "agents.defaults.heartbeat.model", &unused);
  if (!beat.ok()) return beat.status();
  Target hb;
  hb.kind = TargetKind::kHeartbeat;
  hb.model = beat->primary.empty() ? base.value() : beat.value();
  hb.inherited = beat->primary.empty();
  hb.config_key = Pointer({"agents", "defaults", "heartbeat", "model"});
  hb.model_is_string = true;
  out.push_back(std::move(hb));
  return out;
}

Result<std::vector<Target>> CronTargets(const json& jobs, const std::vector<Target>& agents) {
  const json* list = jobs.is_object() ? Find(jobs, "jobs") : &jobs;
  if (list == nullptr || list->is_null()) return std::vector<Target>{};
  if (!list->is_array()) return Status::InvalidArgument("jobs must be an array (cron list --json)");
  std::vector<Target> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& job = (*list)[i];
    const std::string where = "jobs[" + std::to_string(i) + "]";
    const json* id = Find(job, "id");
    if (id == nullptr || !id->is_string() || id->get<std::string>().empty()) {
      return Status::InvalidArgument(where + ".id must be a non-empty string");
    }
    // Heartbeat and system-event jobs run no model turn of their own to re-point: the
    // heartbeat's model is a config key (the heartbeat target).
    const json* payload = Find(job, "payload");
    const json* kind = payload ? Find(*payload, "kind") : nullptr;
    if (kind != nullptr && *kind != "agentTurn") continue;
    Target t;
    t.kind = TargetKind::kCronJob;
    t.id = id->get<std::string>();
    if (const json* name = Find(job, "name"); name && name->is_string()) t.name = *name;
    if (const json* key = Find(job, "declarationKey"); key && key->is_string()) {
      const std::string k = key->get<std::string>();
      t.system_owned = k.rfind("heartbeat:", 0) == 0 || k.rfind("skill-collection-review:", 0) == 0;
    }
    const json* agent = Find(job, "agentId");
    t.agent_id = agent && agent->is_string() ? agent->get<std::string>() : "main";
    json model = json::object();
    if (payload != nullptr) {
      if (const json* m = Find(*payload, "model")) model["primary"] = *m;
      if (const json* f = Find(*payload, "fallbacks")) model["fallbacks"] = *f;
    }
    bool unused = false;
    auto setting = ParseModel(&model, where + ".payload.model", &unused);
    if (!setting.ok()) return setting.status();
    t.model = setting.value();
    if (t.model.primary.empty()) {
      t.inherited = true;
      for (const Target& a : agents) {
        if (a.kind == TargetKind::kAgent && a.id == t.agent_id) t.model = a.model;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

const json* FindJob(const json& jobs, const std::string& id) {
  const json* list = jobs.is_object() ? Find(jobs, "jobs") : &jobs;
  if (list == nullptr || !list->is_array()) return nullptr;
  for (const json& job : *list) {
    const json* job_id = Find(job, "id");
    if (job_id != nullptr && *job_id == id) return &job;
  }
  return nullptr;
}

Result<std::vector<Change>> CronJobChanges(const json& job, const ModelSetting& after) {
  std::vector<Change> out;
  auto model = SetChange(job, "/payload/model", after.primary);
  if (!model.ok()) return model.status();
  if (model->before != model->after) out.push_back(std::move(model).value());
  auto fallbacks = SetChange(job, "/payload/fallbacks", after.fallbacks);
  if (!fallbacks.ok()) return fallbacks.status();
  if (fallbacks->before != fallbacks->after) out.push_back(std::move(fallbacks).value());
  return out;
}

namespace {

bool Covers(const Target& target, const std::string& agent_id, const std::string& job_id,
            const std::string& trigger) {
  switch (target.kind) {
    case TargetKind::kCronJob:
      return job_id == target.id;
    case TargetKind::kHeartbeat:
      return trigger == "heartbeat";
    case TargetKind::kAgent:
      // A routed cron turn's decision carries no job id: it is the job's, never the agent's.
      return job_id.empty() && trigger != "heartbeat" && trigger != "cron" && agent_id == target.id;
  }
  return false;
}

}  // namespace

History HistoryOf(const Target& target, const std::vector<ledger::ConsumerUse>& usage,
                  const std::vector<ledger::ClassTurns>& classes) {
  History h;
  for (const ledger::ConsumerUse& u : usage) {
    if (!Covers(target, u.agent_id, u.cron_job_id, u.trigger)) continue;
    ledger::Add(h.totals, u.totals);
    h.idle_cost_micros += u.idle_cost_micros;
    if (h.first_ms == 0 || u.first_ms < h.first_ms) h.first_ms = u.first_ms;
    if (u.last_ms > h.last_ms) h.last_ms = u.last_ms;
    h.trigger_calls[u.trigger] += u.totals.calls;
    h.trigger_cost[u.trigger] += u.totals.cost_micros;
    ledger::Add(h.models[u.provider + "/" + u.model], u.totals);
  }
  for (const ledger::ClassTurns& c : classes) {
    if (Covers(target, c.agent_id, c.cron_job_id, c.trigger)) h.classes[c.task_class] += c.turns;
  }
  return h;
}

int64_t LastCallOn(const Target& target, const std::string& ref,
                   const std::vector<ledger::ConsumerUse>& usage) {
  int64_t last = 0;
  for (const ledger::ConsumerUse& u : usage) {
    if (!Covers(target, u.agent_id, u.cron_job_id, u.trigger)) continue;
    if (u.provider + "/" + u.model == ref) last = std::max(last, u.last_ms);
  }
  return last;
}

}  // namespace router::optimize
