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

// One argument as its caller found it, before any check: absent (or null), a value of the
// expected type, or a value of another type (refused by name).
template <typename T>
struct Given {
  enum class State { kAbsent, kValue, kWrongType };
  State state = State::kAbsent;
  T value{};
};

// route's arguments read from any source but not yet checked. The binding fills it straight from
// a JS object (the before_model_resolve hook converts no JSON); ParseRouteArgs fills it from JSON.
// CheckRouteArgs then gives both one validation and the same errors.
struct RouteFields {  // NOLINT(bugprone-exception-escape): a false positive on the implicit members
  Given<std::string> prompt;
  Given<std::string> model;
  Given<std::string> agent;
  Given<std::string> session;
  Given<std::string> run_id;
  Given<std::string> trigger;
  Given<std::string> job_id;
  Given<std::string> configured_model;
  Given<double> attachments;  // numbers as JS has them; whole and in range is checked
  Given<double> context_chars;
  Given<bool> log;
  nlohmann::json failed;  // as given (null = absent); only a fallback attempt has it
};

// The argument names, in the order they are checked (the first bad one is reported).
namespace route_arg {
inline constexpr const char* kPrompt = "prompt";
inline constexpr const char* kModel = "model";
inline constexpr const char* kAgent = "agent";
inline constexpr const char* kSession = "session";
inline constexpr const char* kRunId = "runId";
inline constexpr const char* kTrigger = "trigger";
inline constexpr const char* kJobId = "jobId";
inline constexpr const char* kConfiguredModel = "configuredModel";
inline constexpr const char* kAttachments = "attachments";
inline constexpr const char* kContextChars = "contextChars";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kLog = "log";
}  // namespace route_arg

// {prompt, model = "router/auto", agent?, session?, runId?, trigger = "user", jobId?,
//  configuredModel?, attachments = 0, contextChars?, failed?: [failure (see failover.h)],
//  log = false} -> RouteArgs. kInvalidArgument naming the field.
[[nodiscard]] Result<RouteArgs> CheckRouteArgs(RouteFields fields);
// The same from a JSON object.
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
