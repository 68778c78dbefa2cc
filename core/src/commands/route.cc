#include "router/commands/route.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "router/base/utf8.h"
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

// A string argument into `out` (kept when absent): the type and UTF-8 checked.
Status TakeString(Given<std::string>& given, const char* key, std::string& out) {
  using State = Given<std::string>::State;
  if (given.state == State::kAbsent) return Status::Ok();
  if (given.state == State::kWrongType)
    return Status::InvalidArgument(std::string("argument ") + key + " must be a string");
  if (!IsValidUtf8(given.value)) {
    return Status::InvalidArgument(std::string("argument ") + key + " is not valid UTF-8 (byte " +
                                   std::to_string(InvalidUtf8At(given.value)) + ")");
  }
  out = std::move(given.value);
  return Status::Ok();
}

// A whole number from 0 to `max` into `out` (kept when absent).
Status TakeWhole(const Given<double>& given, const char* key, int64_t max, int64_t& out) {
  using State = Given<double>::State;
  if (given.state == State::kAbsent) return Status::Ok();
  const double d = given.value;
  if (given.state == State::kWrongType || !std::isfinite(d) || std::floor(d) != d || d < 0 ||
      d > static_cast<double>(max)) {
    return Status::InvalidArgument(std::string("argument ") + key +
                                   " must be a whole number from 0 to " + std::to_string(max));
  }
  out = static_cast<int64_t>(d);
  return Status::Ok();
}

// "provider/model" into the request's two fields.
Status SplitModel(const std::string& model, route::RouteRequest& request) {
  const size_t slash = model.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == model.size()) {
    return Status::InvalidArgument(
        "argument model must be \"provider/model\" such as \"router/auto\", got \"" + model + "\"");
  }
  request.provider = model.substr(0, slash);
  request.model = model.substr(slash + 1);
  return Status::Ok();
}

// A fallback attempt's earlier failures (null = none).
Status TakeFailures(const json& failed, std::vector<route::Failure>& out) {
  if (failed.is_null()) return Status::Ok();
  if (!failed.is_array() || failed.size() > 20) {
    return Status::InvalidArgument(
        "argument failed must be a list (at most 20) of {ref, status?, message?, retryAfter?, "
        "empty?}");
  }
  for (size_t i = 0; i < failed.size(); ++i) {
    auto failure = ParseFailure(failed.at(i), "failed[" + std::to_string(i) + "]");
    if (!failure.ok()) return failure.status();
    out.push_back(std::move(failure).value());
  }
  return Status::Ok();
}

Given<std::string> JsonString(const json& args, const char* key) {
  Given<std::string> out;
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return out;
  if (!it->is_string()) {
    out.state = Given<std::string>::State::kWrongType;
    return out;
  }
  out.state = Given<std::string>::State::kValue;
  out.value = it->get<std::string>();
  return out;
}

Given<double> JsonNumber(const json& args, const char* key) {
  Given<double> out;
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return out;
  out.state = it->is_number() ? Given<double>::State::kValue : Given<double>::State::kWrongType;
  if (it->is_number()) out.value = it->get<double>();
  return out;
}

}  // namespace

Result<RouteArgs> CheckRouteArgs(RouteFields fields) {
  namespace arg = route_arg;
  RouteArgs out;
  route::RouteRequest& request = out.request;
  std::string model = "router/auto";
  request.trigger = "user";
  ROUTER_RETURN_IF_ERROR(TakeString(fields.prompt, arg::kPrompt, request.prompt));
  if (fields.prompt.state == Given<std::string>::State::kAbsent)
    return Status::InvalidArgument(std::string("missing argument: ") + arg::kPrompt);
  ROUTER_RETURN_IF_ERROR(TakeString(fields.model, arg::kModel, model));
  ROUTER_RETURN_IF_ERROR(TakeString(fields.agent, arg::kAgent, request.agent_id));
  ROUTER_RETURN_IF_ERROR(TakeString(fields.session, arg::kSession, request.session_key));
  ROUTER_RETURN_IF_ERROR(TakeString(fields.run_id, arg::kRunId, request.run_id));
  ROUTER_RETURN_IF_ERROR(TakeString(fields.trigger, arg::kTrigger, request.trigger));
  ROUTER_RETURN_IF_ERROR(TakeString(fields.job_id, arg::kJobId, request.cron_job_id));
  ROUTER_RETURN_IF_ERROR(
      TakeString(fields.configured_model, arg::kConfiguredModel, request.configured_model));
  int64_t attachments = 0;
  ROUTER_RETURN_IF_ERROR(TakeWhole(fields.attachments, arg::kAttachments, 1000, attachments));
  request.attachments = static_cast<int>(attachments);
  ROUTER_RETURN_IF_ERROR(
      TakeWhole(fields.context_chars, arg::kContextChars, int64_t{1} << 40, request.context_chars));
  ROUTER_RETURN_IF_ERROR(SplitModel(model, request));
  ROUTER_RETURN_IF_ERROR(TakeFailures(fields.failed, request.failed));
  if (fields.log.state == Given<bool>::State::kWrongType)
    return Status::InvalidArgument(std::string("argument ") + arg::kLog + " must be true or false");
  out.log = fields.log.state == Given<bool>::State::kValue && fields.log.value;
  return out;
}

Result<RouteArgs> ParseRouteArgs(const json& a) {
  namespace arg = route_arg;
  RouteFields fields;
  fields.prompt = JsonString(a, arg::kPrompt);
  fields.model = JsonString(a, arg::kModel);
  fields.agent = JsonString(a, arg::kAgent);
  fields.session = JsonString(a, arg::kSession);
  fields.run_id = JsonString(a, arg::kRunId);
  fields.trigger = JsonString(a, arg::kTrigger);
  fields.job_id = JsonString(a, arg::kJobId);
  fields.configured_model = JsonString(a, arg::kConfiguredModel);
  fields.attachments = JsonNumber(a, arg::kAttachments);
  fields.context_chars = JsonNumber(a, arg::kContextChars);
  if (auto it = a.find(arg::kLog); it != a.end() && !it->is_null()) {
    fields.log.state =
        it->is_boolean() ? Given<bool>::State::kValue : Given<bool>::State::kWrongType;
    fields.log.value = it->is_boolean() && it->get<bool>();
  }
  if (auto it = a.find(arg::kFailed); it != a.end()) fields.failed = *it;
  return CheckRouteArgs(std::move(fields));
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
