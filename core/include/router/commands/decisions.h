#pragma once
// decisions: the newest routing decisions, for the Control UI page and `router status --html`.
//   {schema:"router.decisions/1", generatedAtMs, limit,
//    decisions:[{atMs, trigger, requested, class, confidence, provider, model, applied, reason,
//                costMicros, costUsd, baselineProvider, baselineModel, baselineMicros,
//                savedMicros, savedUsd}]}
// Newest first, at most `limit` (1..kMaxDecisions). costMicros is the decision's estimate for the
// chosen model, baselineMicros the same turn on the baseline model (from the logged decision);
// savedMicros = baselineMicros - costMicros, null when either is unknown. No prompt text, session
// key or run id is included: the result is shown in a browser.

#include <cstdint>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

inline constexpr int kMaxDecisions = 50;
inline constexpr int kDefaultDecisions = 20;

[[nodiscard]] Result<nlohmann::json> Decisions(const Context& ctx, int limit);

}  // namespace router::commands
