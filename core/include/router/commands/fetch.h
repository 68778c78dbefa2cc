#pragma once
// fetch: reads provider-reported usage now, for every provider with quotaSource "api" (or the one
// named), records it (router/fetch/apply.h) and says when to fetch each again:
//
// fetch: {schema:"router.fetch/1", atMs,
//         providers:[{provider, source:"openclaw"|"deepseek"|"moonshot"|"kimi-coding"|"none",
//                     ok, error?,
//                     retryAfterMs?, nextInMs, plan?,
//                     windows:[{window, label, usedPercent?, used, resetsAtMs?}],
//                     balances:[{label, amount, unit, amountMicros?}], unmatched:[label]}]}
//
// fetch-plan: which providers `fetch` would read with an own adapter, so need an API key — and
// only those (a provider OpenClaw's snapshot covers, or whose experimental adapter is off, needs
// none). The plugin resolves exactly these keys and passes them to `fetch`:
//
// fetch-plan: {schema:"router.fetch-plan/1",
//              providers:[{provider, source (the adapter), accountOf?, account?, keyEnv?}]}
//
// keyEnv names the variable an account's key comes from (apiKeyEnv), never a value; without it
// the key is OpenClaw's for `provider`.
//
// OpenClaw's own snapshots come in as args (the plugin reads the Gateway's `usage.status`); own
// adapters fetch over ctx.http with API keys also passed in args. Keys never appear in the result,
// the ledger or an error.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

struct FetchRequest {       // NOLINT(bugprone-exception-escape): a false positive on the implicit
                            // members
  std::string provider;     // only this one when non-empty
  nlohmann::json snapshot;  // the `usage.status` answer; null when not read
  std::string snapshot_error;  // why it could not be read (shown for OpenClaw-sourced providers)
  std::map<std::string, std::string> keys;  // provider id -> API key, for own adapters
  double jitter_unit = -1;                  // in [0, 1) for a fixed jitter (tests); < 0 = random
};

// Parses {provider?, snapshot? | snapshotText? (the same as JSON text), snapshotError?,
// keys?: {id: key}, jitter?}; kInvalidArgument
// names the argument (never a key's value).
[[nodiscard]] Result<FetchRequest> ParseFetchArgs(const nlohmann::json& args);

// kInvalidArgument when `provider` is named but has no quotaSource "api"; kFailedPrecondition
// when an adapter is needed and ctx.http is null. A provider's failure is a row with ok false.
[[nodiscard]] Result<nlohmann::json> Fetch(const Context& ctx, const FetchRequest& request);

// The plan for the same request (its keys are ignored); the same kInvalidArgument as Fetch.
[[nodiscard]] Result<nlohmann::json> FetchPlan(const Context& ctx, const FetchRequest& request);

}  // namespace router::commands
