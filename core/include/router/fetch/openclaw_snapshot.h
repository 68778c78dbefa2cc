#pragma once
// OpenClaw's own provider usage (the Gateway's `usage.status`: {updatedAt, providers[]}), each
// snapshot {provider, windows[{label, usedPercent, resetAt}], billing[{type: balance | spend |
// budget, amount | used/limit, unit, period, resetAt}], plan, error}. OpenClaw fetches these with
// its own credentials; this plugin only reads them.

#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "router/base/status.h"
#include "router/fetch/reading.h"

namespace router::fetch {

// One Outcome per snapshot, keyed by OpenClaw's provider id (source "openclaw"). A snapshot with
// an `error` fails with it; windows without a readable label or usedPercent and billing entries
// without a unit or amount are left out, and a snapshot left with nothing is a reading error.
// kInvalidArgument when `answer` is not an object with a `providers` list.
[[nodiscard]] Result<std::map<std::string, Outcome>> ParseUsageStatus(const nlohmann::json& answer);

}  // namespace router::fetch
