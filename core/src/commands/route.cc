#include "router/commands/route.h"

namespace router::commands {

Result<nlohmann::json> Route(const Context& ctx, const route::RouteRequest& request, bool log) {
  if (ctx.router == nullptr) return Status::Unavailable("routing is not available here: no model catalog was loaded");
  const int64_t now = ctx.clock.NowMs();
  // A kept explicit model needs no ledger reads: hooks ask about every turn.
  const bool routes = request.provider == route::kRouterProvider || ctx.options.routing.override_explicit;
  route::RouteState kept;
  kept.now_ms = now;
  Result<route::RouteState> state = kept;
  if (routes) state = route::BuildState(ctx.options, ctx.ledger, now, request.session_key, request.agent_id);
  if (!state.ok()) return state.status();
  auto decision = ctx.router->Decide(request, state.value());
  if (!decision.ok()) return decision.status();
  nlohmann::json out = route::ToJson(decision.value(), state.value());
  if (log && !decision.value().alias.empty()) {
    auto id = ctx.ledger.AppendDecision(
        route::ToRecord(decision.value(), request, out, now, decision.value().routed));
    if (!id.ok()) return id.status();
    out["decisionId"] = id.value();
  }
  return out;
}

}  // namespace router::commands
