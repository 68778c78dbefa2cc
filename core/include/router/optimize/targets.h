#pragma once
// What the optimizer can change: OpenClaw's agents (their model settings in openclaw.json) and
// cron jobs (in OpenClaw's state database, read and edited through the gateway), and the history
// of each from the ledger's daily rollups.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/ledger/ledger.h"
#include "router/optimize/changes.h"

namespace router::optimize {

// A model setting: "provider/model" refs, primary first.
struct ModelSetting {
  std::string primary;  // "" when none is set
  std::vector<std::string> fallbacks;
};

enum class TargetKind { kAgent, kCronJob, kHeartbeat };
const char* Name(TargetKind kind);

struct Target {
  TargetKind kind = TargetKind::kAgent;
  std::string id;          // agent id or cron job id; the agent id for its heartbeat
  std::string name;        // a cron job's name; "" otherwise
  std::string agent_id;    // the agent a cron job runs as (the agent itself for agents)
  ModelSetting model;      // in effect: its own setting, else the defaults'
  bool inherited = false;  // no own setting: the defaults' apply
  // JSON pointer of the key its model lives at in openclaw.json ("/agents/defaults/model"); ""
  // for cron jobs, which the gateway edits.
  std::string config_key;
  bool model_is_string = false;  // the key holds "provider/model", not {primary, fallbacks}
  // OpenClaw's own monitor job (declarationKey "heartbeat:..." or "skill-collection-review:..."):
  // analysed, but cron clients may not edit it, so nothing is planned for it.
  bool system_owned = false;
};

// Agents and the default agent's heartbeat from OpenClaw's config (the whole openclaw.json as
// JSON): agents.defaults.model (a string or {primary, fallbacks}), agents.entries.<id>.model,
// agents.defaults.heartbeat.model. `seen_agents` (agent ids in the ledger) adds agents that have
// no entry; with no entries at all, OpenClaw's default agent is "main". kInvalidArgument naming
// the key for a model that is neither a string nor an object with a string primary.
[[nodiscard]] Result<std::vector<Target>> AgentTargets(const nlohmann::json& openclaw_config,
                                                       const std::vector<std::string>& seen_agents);

// Cron jobs as `openclaw cron list --json` lists them ({jobs:[...]} or the array): id, name,
// agentId, payload.model, payload.fallbacks. A job without a model runs on its agent's. Only
// agentTurn jobs are targets (the gateway's heartbeat job follows the heartbeat's config key).
[[nodiscard]] Result<std::vector<Target>> CronTargets(const nlohmann::json& jobs,
                                                      const std::vector<Target>& agents);

// The job with `id` in a cron listing ({jobs:[...]} or the array); null when it is not there.
const nlohmann::json* FindJob(const nlohmann::json& jobs, const std::string& id);

// The edits of one cron job (JSON pointers into the job as `cron get` shows it) that make its
// payload use `after`: /payload/model, and /payload/fallbacks when they differ. Undo restores a
// key that was absent by clearing it (`cron edit --clear-model` / `--clear-fallbacks`).
[[nodiscard]] Result<std::vector<Change>> CronJobChanges(const nlohmann::json& job,
                                                         const ModelSetting& after);

// What one target did over the analysed days.
struct History {
  ledger::Totals totals;         // calls, failures, tokens, cost
  int64_t idle_cost_micros = 0;  // spent while no user was talking
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  std::map<std::string, int64_t> trigger_calls;  // user, cron, heartbeat, ...
  std::map<std::string, int64_t> trigger_cost;   // micro-USD per trigger
  std::map<std::string, ledger::Totals> models;  // per "provider/model" used
  std::map<std::string, int64_t> classes;        // task class -> turns
};

// The history of `target` from the ledger's rows: an agent's turns outside cron (its heartbeat
// included), a cron job's runs, a heartbeat's heartbeat turns.
History HistoryOf(const Target& target, const std::vector<ledger::ConsumerUse>& usage,
                  const std::vector<ledger::ClassTurns>& classes);

// The last call `target` made on `ref` ("provider/model") in `usage`; 0 when none.
int64_t LastCallOn(const Target& target, const std::string& ref,
                   const std::vector<ledger::ConsumerUse>& usage);

// A JSON pointer from keys (each escaped: "~" -> "~0", "/" -> "~1").
std::string Pointer(const std::vector<std::string>& keys);

}  // namespace router::optimize
