#pragma once
// record-failure: a failed model call seen by the hook (llm_output without usage, or an empty
// reply) -> its kind, its action and the cooldown stored in the ledger:
//   {schema:"router.failure/1", ref, kind, action:{fallOver, coolDown, wholeProvider},
//    cooldown:{provider, model, untilMs, streak}|null}
// Also the failure objects `route` takes in `failed` (a fallback attempt's earlier failures).

#include <string>

#include <nlohmann/json.hpp>

#include "router/commands/context.h"
#include "router/route/failover.h"

namespace router::commands {

// {ref: "provider/model", status?, message?, retryAfter?, empty?} -> Failure; kInvalidArgument
// naming `path` and the field.
[[nodiscard]] Result<route::Failure> ParseFailure(const nlohmann::json& value,
                                                  const std::string& path);

// Classifies `failure` and stores its cooldown (when its kind has one). Blocking.
[[nodiscard]] Result<nlohmann::json> RecordFailure(const Context& ctx,
                                                   const route::Failure& failure);

}  // namespace router::commands
