// analyze and note-class, and the engine's inputs shared with optimize and shift.

#include "args.h"
#include "optimize_parts.h"
#include "router/classify/classifier.h"
#include "router/commands/keys.h"
#include "router/commands/optimize.h"
#include "router/forecast/predictor.h"
#include "router/quota/tracker.h"
#include "router/route/policy.h"
#include "router/score/capabilities.h"
#include "status_parts.h"

namespace router::commands {

using nlohmann::json;

namespace {

std::vector<std::string> SeenAgents(const std::vector<ledger::ConsumerUse>& usage) {
  std::vector<std::string> out;
  for (const ledger::ConsumerUse& u : usage) {
    if (!u.agent_id.empty() && (out.empty() || out.back() != u.agent_id)) {
      out.push_back(u.agent_id);
    }
  }
  return out;
}

// Providers with a window at the critical share or forecast to run out before it resets.
Result<std::vector<optimize::Pressure>> PressureOf(const Context& ctx, int64_t now) {
  auto forecasts =
      forecast::PredictWindows(ctx.options, ctx.ledger, now, ctx.options.prediction_horizon_hours);
  if (!forecasts.ok()) return forecasts.status();
  std::vector<optimize::Pressure> out;
  for (const forecast::Forecast& f : forecasts.value()) {
    if (f.limit <= 0) continue;
    const double share = static_cast<double>(f.used) / static_cast<double>(f.limit);
    if (share < ctx.options.critical_threshold && !forecast::Warns(f)) continue;
    out.push_back(
        {f.provider, f.window, share, f.probability, f.exhausts_at_ms.value_or(0), f.resets_at_ms});
  }
  return out;
}

}  // namespace

Result<Gathered> Gather(const Context& ctx, const json& args) {
  Gathered g;
  optimize::Inputs& in = g.inputs;
  ROUTER_RETURN_IF_ERROR(IntArg(args, "days", 1, 90, g.days));
  in.now_ms = ctx.clock.NowMs();
  in.since_ms = in.now_ms - g.days * optimize::kDayMs;
  if (auto it = args.find("config"); it != args.end() && !it->is_null()) {
    if (!it->is_object()) return Status::InvalidArgument("argument config must be an object");
    in.config = *it;
  }
  auto usage = ctx.ledger.ConsumerUsage(in.since_ms, in.now_ms + 1);
  if (!usage.ok()) return usage.status();
  auto classes = ctx.ledger.ClassMix(in.since_ms, in.now_ms + 1);
  if (!classes.ok()) return classes.status();
  in.usage = std::move(usage).value();
  in.classes = std::move(classes).value();
  auto agents = optimize::AgentTargets(in.config, SeenAgents(in.usage));
  if (!agents.ok()) return agents.status();
  in.targets = std::move(agents).value();
  if (auto it = args.find("jobs"); it != args.end() && !it->is_null()) {
    g.jobs = *it;
    auto jobs = optimize::CronTargets(*it, in.targets);
    if (!jobs.ok()) return jobs.status();
    in.targets.insert(in.targets.end(), jobs->begin(), jobs->end());
  }
  in.models = ctx.router.catalog().models();
  in.thresholds = score::DefaultThresholds();
  for (const auto& [task, t] : ctx.options.quality_thresholds) in.thresholds[task] = t;
  auto pressure = PressureOf(ctx, in.now_ms);
  if (!pressure.ok()) return pressure.status();
  in.pressure = std::move(pressure).value();
  // Today's spend as the budget counts it (its own day boundaries), for the auto trigger.
  auto budget = quota::EvaluateBudget(ctx.options, ctx.ledger, in.now_ms);
  if (!budget.ok()) return budget.status();
  g.budget_spent_micros = budget->spent_micros;
  g.budget_day_start_ms = budget->day_start_ms;
  auto mode = ModeJson(ctx);
  if (!mode.ok()) return mode.status();
  g.mode = mode->at(keys::kMode).get<std::string>();
  return g;
}

json AnalysisJson(const Gathered& g, const optimize::Analysis& analysis, const char* schema) {
  json summaries = json::array();
  for (const auto& s : analysis.summaries) summaries.push_back(optimize::ToJson(s));
  json findings = json::array();
  for (const auto& f : analysis.findings) findings.push_back(optimize::ToJson(f));
  return {{keys::kSchema, schema},
          {keys::kGeneratedAtMs, g.inputs.now_ms},
          {keys::kSinceMs, g.inputs.since_ms},
          {"days", g.days},
          {keys::kMode, g.mode},
          {"summaries", std::move(summaries)},
          {"findings", std::move(findings)},
          {"monthlyCostMicros", analysis.monthly_cost_micros},
          {"monthlySavingMicros", analysis.monthly_saving_micros}};
}

Result<json> Analyze(const Context& ctx, const json& args) {
  auto g = Gather(ctx, args);
  if (!g.ok()) return g.status();
  json out = AnalysisJson(g.value(), optimize::Analyze(g->inputs), "router.analyze/1");
  auto honoured = CheckHonoured(ctx, g.value());
  if (!honoured.ok()) return honoured.status();
  out[keys::kHonoured] = std::move(honoured).value();
  return out;
}

Result<json> NoteClass(const Context& ctx, const json& args) {
  ledger::TurnClass turn;
  std::string prompt;
  ROUTER_RETURN_IF_ERROR(StringArg(args, "prompt", true, prompt));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "agent", false, turn.agent_id));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "jobId", false, turn.cron_job_id));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "trigger", false, turn.trigger));
  if (turn.trigger.empty()) turn.trigger = "user";
  turn.at_ms = ctx.clock.NowMs();
  // The user's own words only, as routing classifies them (route/policy.h).
  const route::UserText user = route::ExtractUserText(prompt);
  turn.task_class = classify::Name(classify::Classifier::Builtin().Classify(user.Of(prompt)).task);
  ROUTER_RETURN_IF_ERROR(ctx.ledger.AppendTurnClass(turn));
  return json{{keys::kSchema, "router.note-class/1"}, {"class", turn.task_class}};
}

}  // namespace router::commands
