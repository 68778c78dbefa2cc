#pragma once
// The optimization engine: pure functions from what each agent, cron job and heartbeat did (the
// ledger's daily rollups), what they are configured to use, prices, capability scores and quota
// forecasts to findings with evidence and a plan of concrete, reversible actions. No I/O: the
// commands (router/commands/optimize.h) gather the inputs and apply the plan.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "router/optimize/changes.h"
#include "router/optimize/targets.h"
#include "router/route/router.h"

namespace router::optimize {

inline constexpr int64_t kDayMs = 86'400'000;
inline constexpr int64_t kMonthDays = 30;  // "per month" means per 30 days

// A provider close to running out: a window at or past the critical share, or forecast to run
// out before it resets.
struct Pressure {
  std::string provider;
  std::string window;
  double used_share = 0;       // used / limit
  double probability = 0;      // of running out within the horizon
  int64_t exhausts_at_ms = 0;  // 0 = not expected
  int64_t resets_at_ms = 0;    // 0 = rolling (no fixed reset)
};

struct Inputs {
  nlohmann::json config = nlohmann::json::object();  // openclaw.json, for the keys to change
  int64_t now_ms = 0;
  int64_t since_ms = 0;         // the analysed days start here
  std::vector<Target> targets;  // agents, the heartbeat, cron jobs
  std::vector<ledger::ConsumerUse> usage;
  std::vector<ledger::ClassTurns> classes;
  std::vector<route::Candidate> models;      // what could be used instead (route::Catalog)
  std::map<std::string, double> thresholds;  // per task class (config over defaults)
  std::vector<Pressure> pressure;
  // Only a finding or action worth at least this much per month is reported (noise floor).
  int64_t min_monthly_saving_micros = 10'000;  // $0.01
};

// One target's figures over the analysed days.
struct TargetSummary {
  const Target* target = nullptr;
  History history;
  int64_t days = 0;                 // days of history behind the figures (at least 1)
  int64_t monthly_cost_micros = 0;  // cost x 30 / days, rounded down
  int64_t cost_per_run_micros = 0;  // cost / calls, rounded down
};

enum class FindingKind { kCheaperModel, kExhaustion, kNoFallbacks, kLocalSimple, kIdleBurn };
const char* Name(FindingKind kind);

enum class ActionKind { kSetModel, kAddFallbacks, kRouteAuto, kShift };
const char* Name(ActionKind kind);

// A concrete edit. Config targets carry `changes` (openclaw.json keys); cron jobs need the
// gateway (gateway = true) and carry the job's model before/after only.
struct Action {
  std::string id;  // stable within a plan: "a1", "a2", ...
  ActionKind kind = ActionKind::kSetModel;
  const Target* target = nullptr;
  ModelSetting before;
  ModelSetting after;
  std::vector<Change> changes;
  bool gateway = false;
  int64_t monthly_saving_micros = 0;
  double score_before = 0;  // the worst score over the target's classes
  double score_after = 0;
  bool reversible = true;
  int64_t until_ms = 0;  // a shift's expiry; 0 = none
  std::string why;       // one line
};

struct Finding {
  FindingKind kind = FindingKind::kCheaperModel;
  const Target* target = nullptr;  // null for a provider-wide finding
  std::string provider;            // the provider concerned, when there is one
  std::string message;             // one line with the figures
  int64_t monthly_saving_micros = 0;
  std::vector<std::string> actions;  // ids of the actions that address it
};

struct Analysis {
  std::vector<TargetSummary> summaries;  // targets with history, costliest first
  std::vector<Finding> findings;
  std::vector<Action> actions;
  int64_t monthly_cost_micros = 0;
  int64_t monthly_saving_micros = 0;  // sum over actions (each target counted once)
};

// Findings and the plan. `inputs` must outlive the result (it points into inputs.targets).
Analysis Analyze(const Inputs& inputs);

// The plan for `shift <provider> [--to X] [--until T]`: every config target and cron job whose
// primary is on `provider` moves to `to` ("provider" or "provider/model"; "" = the best model on
// another provider clearing its classes), with the old primary kept as a fallback.
Result<std::vector<Action>> PlanShift(const Inputs& inputs, const std::string& provider,
                                      const std::string& to, int64_t until_ms);

// Whether mode auto should act now: a window at the critical share, a forecast that runs out
// before the reset, or the daily budget past its soft threshold. The reasons, one line each.
std::vector<std::string> AutoTriggers(const std::vector<Pressure>& pressure, int64_t budget_cap,
                                      int64_t budget_spent, double soft_threshold);

// monthly = amount x 30 / days, rounded down, exact in integers.
int64_t PerMonth(int64_t amount_micros, int64_t days);

nlohmann::json ToJson(const TargetSummary& summary);
nlohmann::json ToJson(const Finding& finding);
nlohmann::json ToJson(const Action& action);
nlohmann::json ToJson(const ModelSetting& setting);

}  // namespace router::optimize
