#include "router/commands/dispatch.h"

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
  return Status::InvalidArgument("unknown command \"" + name +
                                 "\"; commands: status, providers, set-usage, reset, mode, undo");
}

std::string ToText(const json& result) { return result.dump(2) + "\n"; }

}  // namespace router::commands
