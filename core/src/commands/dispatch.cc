#include "router/commands/dispatch.h"

#include "router/commands/predict.h"
#include "router/commands/route.h"

namespace router::commands {
namespace {

using nlohmann::json;

// Reads an optional string argument; absent or null gives "".
router::Status StringArg(const json& args, const char* key, bool required, std::string& out) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(std::string("missing argument: ") + key);
    return router::Status::Ok();
  }
  if (!it->is_string()) return Status::InvalidArgument(std::string("argument ") + key + " must be a string");
  out = it->get<std::string>();
  if (required && out.empty()) return Status::InvalidArgument(std::string("argument ") + key + " is empty");
  return router::Status::Ok();
}

router::Status IntArg(const json& args, const char* key, int64_t min, int64_t max, int64_t& out) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return router::Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    return Status::InvalidArgument(std::string("argument ") + key + " must be a whole number from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  }
  out = it->get<int64_t>();
  return router::Status::Ok();
}

// route {prompt, model = "router/auto", agent?, session?, runId?, trigger = "user", jobId?,
//        attachments = 0, contextChars?, log = false}
Result<json> RouteCommand(const Context& ctx, const json& a) {
  route::RouteRequest request;
  std::string model = "router/auto";
  request.trigger = "user";
  ROUTER_RETURN_IF_ERROR(StringArg(a, "prompt", false, request.prompt));
  if (!a.contains("prompt") || a.at("prompt").is_null()) return Status::InvalidArgument("missing argument: prompt");
  ROUTER_RETURN_IF_ERROR(StringArg(a, "model", false, model));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "agent", false, request.agent_id));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "session", false, request.session_key));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "runId", false, request.run_id));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "trigger", false, request.trigger));
  ROUTER_RETURN_IF_ERROR(StringArg(a, "jobId", false, request.cron_job_id));
  int64_t attachments = 0;
  ROUTER_RETURN_IF_ERROR(IntArg(a, "attachments", 0, 1000, attachments));
  request.attachments = static_cast<int>(attachments);
  ROUTER_RETURN_IF_ERROR(IntArg(a, "contextChars", 0, int64_t{1} << 40, request.context_chars));
  const size_t slash = model.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == model.size()) {
    return Status::InvalidArgument("argument model must be \"provider/model\" such as \"router/auto\", got \"" +
                                   model + "\"");
  }
  request.provider = model.substr(0, slash);
  request.model = model.substr(slash + 1);
  bool log = false;
  if (auto it = a.find("log"); it != a.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::InvalidArgument("argument log must be true or false");
    log = it->get<bool>();
  }
  return Route(ctx, request, log);
}

}  // namespace

Result<json> Run(const Context& ctx, const std::string& name, const json& args) {
  if (!args.is_null() && !args.is_object()) return Status::InvalidArgument("command arguments must be an object");
  const json empty = json::object();
  const json& a = args.is_object() ? args : empty;
  std::string provider, value, window, mode;
  if (name == "status") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", false, provider));
    return Status(ctx, {provider});
  }
  if (name == "providers") return Providers(ctx);
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
  if (name == "undo") return Undo(ctx);
  if (name == "check-alerts") return CheckAlerts(ctx);
  if (name == "route") return RouteCommand(ctx, a);
  if (name == "predict") {
    ROUTER_RETURN_IF_ERROR(StringArg(a, "provider", false, provider));
    int64_t hours = 0;
    ROUTER_RETURN_IF_ERROR(IntArg(a, "hours", 1, 720, hours));
    return Predict(ctx, provider, hours > 0 ? std::optional<int>(static_cast<int>(hours)) : std::nullopt);
  }
  return Status::InvalidArgument("unknown command \"" + name +
                                 "\"; commands: status, providers, set-usage, reset, mode, undo, route, predict");
}

std::string ToText(const json& result) { return result.dump(2) + "\n"; }

}  // namespace router::commands
