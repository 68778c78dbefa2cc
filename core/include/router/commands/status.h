#pragma once
// The `status` and `providers` commands as JSON. Both front ends (`openclaw router …` through the
// addon, and the native CLI) call these, so `--json`, the `router_status` tool's `details` and the
// tests share one shape:
//
// status:    {schema:"router.status/1", generatedAtMs, timezone, ledger:{path,records},
//             periods:{today:{sinceMs}, last7Days:{sinceMs}, thisMonth:{sinceMs}},
//             totals:{today:T, last7Days:T, thisMonth:T},
//             providers:[{provider, today:T, last7Days:T, thisMonth:T,
//                         models:[{model, today:T, last7Days:T, thisMonth:T}]}]}
//   T = {calls, failures, invalid, messages, requests, inputTokens, outputTokens, cacheReadTokens,
//        cacheWriteTokens, costMicros, costUsd}
// providers: {schema:"router.providers/1", generatedAtMs, providers:[{provider, calls, failures,
//             firstSeenMs, lastSeenMs, models:[{model, calls, failures, firstSeenMs, lastSeenMs}]}]}

#include <string>

#include <nlohmann/json.hpp>

#include "router/base/clock.h"
#include "router/base/status.h"
#include "router/calendar/zone.h"
#include "router/ledger/ledger.h"

namespace router::commands {

struct StatusRequest {
  std::string provider;  // only this provider when non-empty
};

[[nodiscard]] Result<nlohmann::json> Status(const ledger::Ledger& ledger, const calendar::Zone& zone,
                                            const Clock& clock, const StatusRequest& request);

[[nodiscard]] Result<nlohmann::json> Providers(const ledger::Ledger& ledger, const Clock& clock);

}  // namespace router::commands
