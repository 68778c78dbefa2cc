#include "router/commands/shadow_report.h"

#include <map>
#include <string>
#include <utility>

#include "router/base/clock.h"
#include "router/commands/keys.h"

namespace router::commands {

using nlohmann::json;

namespace {

// Decisions a report reads at most; a busy month of routed turns stays below it.
constexpr int kMaxDecisions = 100'000;

struct ClassCounts {
  int64_t decisions = 0;
  int64_t differs = 0;
};

}  // namespace

Result<json> ShadowReport(const Context& ctx, int days) {
  const int64_t now = ctx.clock.NowMs();
  const int64_t since = now - static_cast<int64_t>(days) * kMsPerDay;
  auto decisions = ctx.ledger.Decisions(since, kMaxDecisions);
  if (!decisions.ok()) return decisions.status();
  int64_t count = 0, differs = 0, real_cost = 0, shadow_cost = 0;
  std::map<std::string, ClassCounts> classes;
  for (const auto& d : decisions.value()) {
    if (!d.applied) continue;
    const json detail = json::parse(d.detail, nullptr, /*allow_exceptions=*/false);
    if (!detail.is_object()) continue;
    auto shadow = detail.find(keys::kShadow);
    if (shadow == detail.end() || !shadow->is_object()) continue;
    const bool differ = shadow->value(keys::kDiffers, false);
    ++count;
    differs += differ ? 1 : 0;
    real_cost += d.est_cost_micros;
    shadow_cost += shadow->value(keys::kCostMicros, int64_t{0});
    ClassCounts& c = classes[d.task_class];
    ++c.decisions;
    c.differs += differ ? 1 : 0;
  }
  json by_class = json::array();
  for (const auto& [name, c] : classes) {
    by_class.push_back(
        {{keys::kClass, name}, {keys::kDecisions, c.decisions}, {keys::kDiffers, c.differs}});
  }
  return json{{keys::kSchema, keys::kShadowReportSchema},
              {keys::kGeneratedAtMs, now},
              {keys::kSinceMs, since},
              {keys::kDecisions, count},
              {keys::kDiffers, differs},
              {keys::kRealCostMicros, real_cost},
              {keys::kShadowCostMicros, shadow_cost},
              {keys::kClasses, std::move(by_class)}};
}

}  // namespace router::commands
