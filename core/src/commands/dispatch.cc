#include "router/commands/dispatch.h"

#include "args.h"
#include "router/commands/alerts.h"
#include "router/commands/credentials.h"
#include "router/commands/decisions.h"
#include "router/commands/detect_local.h"
#include "router/commands/failover.h"
#include "router/commands/fetch.h"
#include "router/commands/mode.h"
#include "router/commands/optimize.h"
#include "router/commands/page.h"
#include "router/commands/predict.h"
#include "router/commands/providers.h"
#include "router/commands/quota_edits.h"
#include "router/commands/route.h"
#include "router/commands/shadow_report.h"
#include "router/commands/status.h"

namespace router::commands {

using nlohmann::json;

Result<json> Run(const Context& ctx, const std::string& name, const json& args) {
  if (!args.is_null() && !args.is_object())
    return Status::InvalidArgument("command arguments must be an object");
  const json empty = json::object();
  const json& a = args.is_object() ? args : empty;
  std::string provider, value, window, mode;
  if (name == "status") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", false, provider));
    return Status(ctx, {provider});
  }
  if (name == "providers") return Providers(ctx);
  if (name == "credentials") return Credentials(ctx, a);
  if (name == "set-usage") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", true, provider));
    ROUTER_RETURN_IF_ERROR(StringArg(a, "value", true, value));
    ROUTER_RETURN_IF_ERROR(StringArg(a, "window", false, window));
    return SetUsage(ctx, provider, value, window);
  }
  if (name == "reset") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", true, provider));
    ROUTER_RETURN_IF_ERROR(StringArg(a, "window", false, window));
    return Reset(ctx, provider, window);
  }
  if (name == "mode") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "mode", false, mode));
    return Mode(ctx, mode.empty() ? std::nullopt : std::optional<std::string>(mode));
  }
  if (name == "undo") return Undo(ctx, a.value("config", json()), a.value("jobs", json()));
  if (name == "analyze") return Analyze(ctx, a);
  if (name == "optimize") return Optimize(ctx, a);
  if (name == "shift") return Shift(ctx, a);
  if (name == "note-class") return NoteClass(ctx, a);
  if (name == "revert-due") {
    return RevertDue(ctx, a.value("config", json()), a.value("jobs", json()));
  }
  if (name == "check-alerts") return CheckAlerts(ctx);
  if (name == "fetch") {
    auto request = ParseFetchArgs(a);
    if (!request.ok()) return request.status();
    return Fetch(ctx, request.value());
  }
  if (name == "fetch-plan") {
    auto request = ParseFetchArgs(a);
    if (!request.ok()) return request.status();
    return FetchPlan(ctx, request.value());
  }
  if (name == "detect-local") return DetectLocal(ctx, a);
  if (name == "route") {
    auto parsed = ParseRouteArgs(a);
    if (!parsed.ok()) return parsed.status();
    return Route(ctx, parsed->request, parsed->log);
  }
  if (name == "record-failure") {
    auto failure = ParseFailure(a, "record-failure");
    if (!failure.ok()) return failure.status();
    return RecordFailure(ctx, failure.value());
  }
  if (name == "report") {
    int64_t days = 7;
    ROUTER_RETURN_IF_ERROR(IntArg(a, "days", 1, 90, days));
    return ShadowReport(ctx, static_cast<int>(days));
  }
  if (name == "predict") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", false, provider));
    int64_t hours = 0;
    ROUTER_RETURN_IF_ERROR(IntArg(a, "hours", 1, 720, hours));
    return Predict(ctx, provider,
                   hours > 0 ? std::optional<int>(static_cast<int>(hours)) : std::nullopt);
  }
  if (name == "decisions") {
    int64_t limit = kDefaultDecisions;
    ROUTER_RETURN_IF_ERROR(IntArg(a, "limit", 1, kMaxDecisions, limit));
    return Decisions(ctx, static_cast<int>(limit));
  }
  if (name == "page") {
    int64_t decisions = kDefaultDecisions;
    ROUTER_RETURN_IF_ERROR(IntArg(a, "decisions", 1, kMaxDecisions, decisions));
    return Page(ctx, static_cast<int>(decisions));
  }
  return Status::InvalidArgument(
      "unknown command \"" + name +
      "\"; commands: status, providers, set-usage, reset, mode, undo, route, predict, decisions, "
      "page, analyze, optimize, shift, record-failure, report, fetch, fetch-plan, credentials, "
      "detect-local");
}

std::string ToText(const json& result) {
  return result.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace router::commands
