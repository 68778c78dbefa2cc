#pragma once
// route: the router's decision for one turn, without calling any model. The same JSON serves
// `openclaw router route --json`, the native CLI and the gateway route:
//   router.route/1 (see route::ToJson) plus decisionId when logged.
// The before_model_resolve hook takes the typed RouteTurn instead: it needs four fields, not a
// document to parse.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "router/commands/context.h"
#include "router/route/router.h"

namespace router::commands {

struct RouteArgs {
  route::RouteRequest request;
  bool log = false;  // store the decision (see Route)
};

// {prompt, model = "router/auto", agent?, session?, runId?, trigger = "user", jobId?,
//  attachments = 0, contextChars?, failed?: [failure (see failover.h)], log = false} -> RouteArgs.
// kInvalidArgument naming the field.
[[nodiscard]] Result<RouteArgs> ParseRouteArgs(const nlohmann::json& args);

// Decides for `request` with the ledger's current quota, budget and context facts. With `log`,
// a decision that came from a router model is stored (applied when it chose a model).
[[nodiscard]] Result<nlohmann::json> Route(const Context& ctx, const route::RouteRequest& request,
                                           bool log);

// What the hook needs of a logged decision.
struct TurnRoute {
  bool routed = false;   // a model was chosen: rewrite the turn to provider/model
  std::string provider;  // the choice; empty when not routed
  std::string model;
  std::string alias;   // the router model asked for ("auto", ...); "" for a kept explicit model
  std::string reason;  // one line, e.g. why nothing was chosen
  int64_t decision_id = 0;  // the ledger row; 0 when nothing was logged
};

// Route(ctx, request, log = true), reduced to TurnRoute.
[[nodiscard]] Result<TurnRoute> RouteTurn(const Context& ctx, const route::RouteRequest& request);

}  // namespace router::commands
