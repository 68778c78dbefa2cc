// The optimizer's values as JSON, shared by analyze, optimize and shift (router/commands/
// optimize.h documents the shapes).

#include "router/optimize/analyze.h"

namespace router::optimize {

using nlohmann::json;

namespace {

json TargetJson(const Target* target) {
  if (target == nullptr) return nullptr;
  json out = {{"kind", Name(target->kind)},
              {"id", target->id},
              {"model", ToJson(target->model)},
              {"inherited", target->inherited}};
  if (!target->name.empty()) out["name"] = target->name;
  if (target->kind == TargetKind::kCronJob) out["agentId"] = target->agent_id;
  if (target->system_owned) out["systemOwned"] = true;
  return out;
}

json Usd(int64_t micros) { return static_cast<double>(micros) / 1e6; }

json TotalsJson(const ledger::Totals& t) {
  return {{"calls", t.calls},
          {"failures", t.failures},
          {"inputTokens", t.input_tokens},
          {"outputTokens", t.output_tokens},
          {"cacheReadTokens", t.cache_read_tokens},
          {"cacheWriteTokens", t.cache_write_tokens},
          {"costMicros", t.cost_micros},
          {"costUsd", Usd(t.cost_micros)}};
}

}  // namespace

json ToJson(const ModelSetting& setting) {
  return {{"primary", setting.primary.empty() ? json(nullptr) : json(setting.primary)},
          {"fallbacks", setting.fallbacks}};
}

json ToJson(const TargetSummary& s) {
  json models = json::object();
  for (const auto& [ref, totals] : s.history.models) models[ref] = TotalsJson(totals);
  return {{"target", TargetJson(s.target)},
          {"totals", TotalsJson(s.history.totals)},
          {"days", s.days},
          {"firstMs", s.history.first_ms},
          {"lastMs", s.history.last_ms},
          {"monthlyCostMicros", s.monthly_cost_micros},
          {"monthlyCostUsd", Usd(s.monthly_cost_micros)},
          {"costPerRunMicros", s.cost_per_run_micros},
          {"idleCostMicros", s.history.idle_cost_micros},
          {"triggers", s.history.trigger_calls},
          {"triggerCostMicros", s.history.trigger_cost},
          {"classes", s.history.classes},
          {"models", models}};
}

json ToJson(const Finding& f) {
  json out = {{"kind", Name(f.kind)},
              {"target", TargetJson(f.target)},
              {"message", f.message},
              {"monthlySavingMicros", f.monthly_saving_micros},
              {"monthlySavingUsd", Usd(f.monthly_saving_micros)},
              {"actions", f.actions}};
  if (!f.provider.empty()) out["provider"] = f.provider;
  return out;
}

json ToJson(const Action& a) {
  json out = {{"id", a.id},
              {"kind", Name(a.kind)},
              {"target", TargetJson(a.target)},
              {"before", ToJson(a.before)},
              {"after", ToJson(a.after)},
              {"changes", ToJson(a.changes)},
              {"gateway", a.gateway},
              {"monthlySavingMicros", a.monthly_saving_micros},
              {"monthlySavingUsd", Usd(a.monthly_saving_micros)},
              {"risk",
               {{"scoreBefore", a.score_before},
                {"scoreAfter", a.score_after},
                {"change", a.score_after - a.score_before}}},
              {"reversible", a.reversible},
              {"why", a.why}};
  if (a.until_ms > 0) out["untilMs"] = a.until_ms;
  return out;
}

}  // namespace router::optimize
