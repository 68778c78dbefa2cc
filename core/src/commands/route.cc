#include "router/commands/route.h"

#include "args.h"
#include "router/commands/failover.h"
#include "router/commands/keys.h"

namespace router::commands {
namespace {

using nlohmann::json;

struct Decided {
  route::Decision decision;
  json detail;
  int64_t decision_id = 0;
};

// The shadow policy's decision beside the real one: never acted on, only logged and compared.
json ShadowJson(const route::Router& shadow, const route::RouteRequest& request,
                const route::RouteState& state, const route::Decision& real) {
  auto decided = shadow.Decide(request, state);
  if (!decided.ok()) return nullptr;
  const route::Candidate* choice = decided->choice();
  const route::Candidate* chosen = real.choice();
  return {{keys::kChoice, choice != nullptr ? json(choice->ref) : json(nullptr)},
          {keys::kReason, decided->reason},
          {keys::kCostMicros, choice != nullptr ? decided->ranked.front().cost_micros : 0},
          {keys::kDiffers, choice != chosen && (choice == nullptr || chosen == nullptr ||
                                                choice->ref != chosen->ref)}};
}

Result<Decided> Decide(const Context& ctx, const route::RouteRequest& request, bool log) {
  const int64_t now = ctx.clock.NowMs();
  // A kept explicit model needs no ledger reads: hooks ask about every turn.
  route::RouteState kept;
  kept.now_ms = now;
  Result<route::RouteState> state = kept;
  if (route::RoutesTurn(ctx.options.routing, request)) {
    state = route::BuildState(ctx.options, ctx.ledger, now, request.session_key, request.agent_id);
  }
  if (!state.ok()) return state.status();
  auto decision = ctx.router.Decide(request, state.value());
  if (!decision.ok()) return decision.status();
  Decided out{std::move(decision).value(), json(), 0};
  out.detail = route::ToJson(out.decision, state.value());
  // Once per turn: a fallback attempt is not a policy choice to compare.
  if (const route::Router* shadow = ctx.router.shadow();
      shadow != nullptr && out.decision.routed && out.decision.attempt == 1) {
    out.detail[keys::kShadow] = ShadowJson(*shadow, request, state.value(), out.decision);
  }
  if (log && !out.decision.alias.empty()) {
    auto id = ctx.ledger.AppendDecision(
        route::ToRecord(out.decision, request, out.detail, now, out.decision.routed));
    if (!id.ok()) return id.status();
    out.decision_id = id.value();
  }
  return out;
}

}  // namespace

Result<RouteArgs> ParseRouteArgs(const json& a) {
  RouteArgs out;
  route::RouteRequest& request = out.request;
  std::string model = "router/auto";
  request.trigger = "user";
  ROUTER_RETURN_IF_ERROR(StringArg(a, "prompt", false, request.prompt));
  if (!a.contains("prompt") || a.at("prompt").is_null())
    return Status::InvalidArgument("missing argument: prompt");
  ROUTER_RETURN_IF_ERROR(StringArg(a, "model", false, model));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "agent", false, request.agent_id));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "session", false, request.session_key));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "runId", false, request.run_id));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "trigger", false, request.trigger));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "jobId", false, request.cron_job_id));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "configuredModel", false, request.configured_model));
  int64_t attachments = 0;
  ROUTER_RETURN_IF_ERROR(IntArg(a, "attachments", 0, 1000, attachments));
  request.attachments = static_cast<int>(attachments);
  ROUTER_RETURN_IF_ERROR(IntArg(a, "contextChars", 0, int64_t{1} << 40, request.context_chars));
  const size_t slash = model.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == model.size()) {
    return Status::InvalidArgument(
        "argument model must be \"provider/model\" such as \"router/auto\", got \"" + model + "\"");
  }
  request.provider = model.substr(0, slash);
  request.model = model.substr(slash + 1);
  if (auto it = a.find("failed"); it != a.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 20) {
      return Status::InvalidArgument(
          "argument failed must be a list (at most 20) of {ref, status?, message?, retryAfter?, "
          "empty?}");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      auto failure = ParseFailure(it->at(i), "failed[" + std::to_string(i) + "]");
      if (!failure.ok()) return failure.status();
      request.failed.push_back(std::move(failure).value());
    }
  }
  if (auto it = a.find("log"); it != a.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::InvalidArgument("argument log must be true or false");
    out.log = it->get<bool>();
  }
  return out;
}

Result<json> Route(const Context& ctx, const route::RouteRequest& request, bool log) {
  auto decided = Decide(ctx, request, log);
  if (!decided.ok()) return decided.status();
  if (decided->decision_id > 0) decided->detail[keys::kDecisionId] = decided->decision_id;
  return std::move(decided->detail);
}

Result<TurnRoute> RouteTurn(const Context& ctx, const route::RouteRequest& request) {
  auto decided = Decide(ctx, request, /*log=*/true);
  if (!decided.ok()) return decided.status();
  const route::Decision& d = decided->decision;
  TurnRoute out;
  out.routed = d.routed && d.choice() != nullptr;
  if (out.routed) {
    out.provider = d.choice()->provider;
    out.model = d.choice()->model;
  }
  out.alias = d.alias;
  out.reason = d.reason;
  out.decision_id = decided->decision_id;
  return out;
}

}  // namespace router::commands
