#pragma once
// status: spend, quotas, budget, mode, alerts and routing savings in one document. Both front ends
// (`openclaw router …` through the addon, and the native CLI) call the commands in this directory,
// so `--json`, tool `details` and the tests share one shape per result (keys in keys.h):
//
// status:    {schema:"router.status/1", generatedAtMs, timezone, ledger:{path,records},
//             mode:{mode, source:"config"|"ledger", setAtMs?},
//             budget: null | {capMicros, capUsd, spentMicros, spentUsd, remainingMicros,
//                             remainingUsd, softThreshold, level, resetsAtMs},
//             quotas:[{provider, window, unit, source, limit, used, remaining, percent, level,
//                      startMs, resetsAtMs, rolling, schedule,
//                      basis:{kind:"ledger"|"manual"|"reset"|"api", atMs, reading, stale}}],
//             alerts:[{atMs, provider, window, level, message}],
//             forecast: <predict.h's nearest: the earliest predicted exhaustion> | null,
//             periods:{today:{sinceMs}, last7Days:{sinceMs}, thisMonth:{sinceMs}},
//             totals:{today:T, last7Days:T, thisMonth:T},
//             providers:[{provider, configured, accountOf?, account?, today:T, last7Days:T,
//                         thisMonth:T, models:[{model, today:T, last7Days:T, thisMonth:T}]}],
//             routing:{today:R, last7Days:R, thisMonth:R,
//                      cooldowns:[{provider, model ("*" = all), kind, untilMs, streak}],
//                      fallbacks:[{atMs, runId, answered, reason}] (today's, newest 10)},
//             fetch:[{provider, atMs (null: not fetched in the last day), ok?, source?, error?,
//                     lastOkMs?, balances:[{label, amount, unit, amountMicros?}]}]
//                   (providers with quotaSource api only)}
//   R = {decisions, applied, routedCalls, costMicros, baselineMicros, savedMicros, savedUsd}:
//       routed calls (joined to their decision by runId) against each decision's baseline model
//   T = {calls, failures, invalid, messages, requests, inputTokens, outputTokens, cacheReadTokens,
//        cacheWriteTokens, costMicros, costUsd}
//   Budget-unit limit/used/remaining are micro-USD. resetsAtMs is null for rolling windows.

#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

struct StatusRequest {
  std::string provider;  // only this provider when non-empty
};

// Logs threshold crossings and forecast warnings not logged before (as check-alerts does), then
// reports them with the rest.
[[nodiscard]] Result<nlohmann::json> Status(const Context& ctx, const StatusRequest& request);

}  // namespace router::commands
