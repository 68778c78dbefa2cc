#pragma once
// The CLI commands as JSON. Both front ends (`openclaw router …` through the addon, and the
// native CLI) call these, so `--json`, tool `details` and the tests share one shape per result:
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
//             providers:[{provider, configured, today:T, last7Days:T, thisMonth:T,
//                         models:[{model, today:T, last7Days:T, thisMonth:T}]}],
//             routing:{today:R, last7Days:R, thisMonth:R}}
//   R = {decisions, applied, routedCalls, costMicros, baselineMicros, savedMicros, savedUsd}:
//       routed calls (joined to their decision by runId) against each decision's baseline model
//   T = {calls, failures, invalid, messages, requests, inputTokens, outputTokens, cacheReadTokens,
//        cacheWriteTokens, costMicros, costUsd}
//   Budget-unit limit/used/remaining are micro-USD. resetsAtMs is null for rolling windows.
// providers: {schema:"router.providers/1", generatedAtMs, providers:[{provider, configured,
//             quotaSource?, quotaType?, tier?, calls, failures, firstSeenMs, lastSeenMs,
//             models:[{model, calls, failures, firstSeenMs, lastSeenMs}]}]}
// set-usage: {schema:"router.set-usage/1", eventId, atMs, provider, window, unit, input, used,
//             quota:<status quota entry after the change>}
// reset:     {schema:"router.reset/1", eventId, atMs, provider, window (""=all), quotas:[...]}
// mode:      {schema:"router.mode/1", mode, source, setAtMs?, previous?, eventId?}
// undo:      {schema:"router.undo/1", eventId, atMs, undone:{id, kind, provider, window, atMs, payload}}
// alerts:    {schema:"router.alerts/1", new:[message, ...]}

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

struct StatusRequest {
  std::string provider;  // only this provider when non-empty
};

[[nodiscard]] Result<nlohmann::json> Status(const Context& ctx, const StatusRequest& request);
[[nodiscard]] Result<nlohmann::json> Providers(const Context& ctx);
// `value`: "79%" of the window's limit, an amount ("1.2M", "500k", "1,234,567") for token, message
// and request windows, or USD ("$3.50") for budget windows. `window` may be empty when the
// provider has exactly one window that fits the value.
[[nodiscard]] Result<nlohmann::json> SetUsage(const Context& ctx, const std::string& provider,
                                              const std::string& value, const std::string& window);
// Usage counts from now on; every window of the provider when `window` is empty.
[[nodiscard]] Result<nlohmann::json> Reset(const Context& ctx, const std::string& provider,
                                           const std::string& window);
// Shows the effective mode, or records a new one when `mode` is set.
[[nodiscard]] Result<nlohmann::json> Mode(const Context& ctx, const std::optional<std::string>& mode);
// Reverts the newest set-usage, reset or mode change.
[[nodiscard]] Result<nlohmann::json> Undo(const Context& ctx);
// Logs threshold crossings not logged before; returns their messages.
[[nodiscard]] Result<nlohmann::json> CheckAlerts(const Context& ctx);

// Parses a set-usage amount for a window of `unit` with `limit` (0 = none) into that unit.
[[nodiscard]] Result<int64_t> ParseUsageValue(const std::string& text, config::QuotaUnit unit,
                                              int64_t limit);

}  // namespace router::commands
