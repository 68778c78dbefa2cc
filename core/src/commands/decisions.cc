#include "router/commands/decisions.h"

#include <string>

#include "router/base/money.h"
#include "router/commands/keys.h"

namespace router::commands {

using nlohmann::json;

namespace {

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// The baseline's estimated cost for the turn, as the logged router.route/1 document has it.
json BaselineMicros(const json& doc) {
  if (!doc.is_object()) return nullptr;
  auto baseline = doc.find("baseline");
  if (baseline == doc.end() || !baseline->is_object()) return nullptr;
  auto cost = baseline->find(keys::kCostMicros);
  if (cost == baseline->end() || !cost->is_number_integer()) return nullptr;
  return *cost;
}

json DecisionJson(const ledger::DecisionRecord& d) {
  const bool chose = !d.chosen_provider.empty();
  const json cost = chose ? json(d.est_cost_micros) : json(nullptr);
  const json doc = json::parse(d.detail, nullptr, false);
  const json baseline = BaselineMicros(doc);
  // Why the turn stayed (sticky, explicit) and which rules shaped it (floor, ceiling, ...).
  const json policy = doc.is_object() ? doc.value(keys::kPolicy, json(nullptr)) : json(nullptr);
  json saved = nullptr;
  if (chose && !baseline.is_null()) saved = baseline.get<int64_t>() - d.est_cost_micros;
  return {{keys::kAtMs, d.at_ms},
          {keys::kTrigger, d.trigger},
          {keys::kRequested, d.requested_provider + "/" + d.requested_model},
          {keys::kClass, OrNull(d.task_class)},
          {keys::kConfidence, d.confidence},
          {keys::kProvider, OrNull(d.chosen_provider)},
          {keys::kModel, OrNull(d.chosen_model)},
          {keys::kApplied, d.applied},
          {keys::kReason, d.reason},
          {keys::kCostMicros, cost},
          {keys::kCostUsd, chose ? json(MicrosToUsd(d.est_cost_micros)) : json(nullptr)},
          {keys::kBaselineProvider, OrNull(d.baseline_provider)},
          {keys::kBaselineModel, OrNull(d.baseline_model)},
          {keys::kBaselineMicros, baseline},
          {keys::kSavedMicros, saved},
          {keys::kSavedUsd, saved.is_null() ? json(nullptr) : json(MicrosToUsd(saved))},
          {keys::kPolicy, policy}};
}

}  // namespace

Result<json> Decisions(const Context& ctx, int limit) {
  if (limit < 1 || limit > kMaxDecisions) {
    return Status::InvalidArgument("argument limit must be 1.." + std::to_string(kMaxDecisions));
  }
  auto rows = ctx.ledger.Decisions(0, limit);
  if (!rows.ok()) return rows.status();
  json list = json::array();
  for (const auto& d : rows.value()) list.push_back(DecisionJson(d));
  return json{{keys::kSchema, keys::kDecisionsSchema},
              {keys::kGeneratedAtMs, ctx.clock.NowMs()},
              {keys::kLimit, limit},
              {keys::kDecisions, std::move(list)}};
}

}  // namespace router::commands
