#include "router/commands/failover.h"

#include <optional>
#include <string>

#include "args.h"
#include "router/commands/keys.h"

namespace router::commands {

using nlohmann::json;

Result<route::Failure> ParseFailure(const json& value, const std::string& path) {
  if (!value.is_object()) {
    return Status::InvalidArgument("argument " + path +
                                   " must be an object like {\"ref\": \"openai/gpt-5\", "
                                   "\"message\": \"500 ...\"}");
  }
  auto named = [&path](const Status& st) {
    return st.ok() ? st : Status::InvalidArgument(path + ": " + st.message());
  };
  route::Failure f;
  std::string ref;
  int64_t status = 0;
  ROUTER_RETURN_IF_ERROR(named(StringArg(value, "ref", true, ref)));
  ROUTER_RETURN_IF_ERROR(named(StringArg(value, "message", false, f.message)));
  ROUTER_RETURN_IF_ERROR(named(StringArg(value, "retryAfter", false, f.retry_after)));
  ROUTER_RETURN_IF_ERROR(named(IntArg(value, "status", 0, 599, status)));
  const size_t slash = ref.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size()) {
    return Status::InvalidArgument(path + ".ref must be \"provider/model\", got \"" + ref + "\"");
  }
  f.provider = ref.substr(0, slash);
  f.model = ref.substr(slash + 1);
  f.status = static_cast<int>(status);
  if (auto it = value.find("empty"); it != value.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::InvalidArgument(path + ".empty must be true or false");
    f.empty_reply = it->get<bool>();
  }
  return f;
}

Result<json> RecordFailure(const Context& ctx, const route::Failure& failure) {
  const route::FailureKind kind = route::Classify(failure);
  const route::FailureAction action = route::ActionFor(kind);
  auto stored = route::StoreCooldown(ctx.ledger, failure, kind, ctx.clock.NowMs(),
                                     ctx.options.routing.failover);
  if (!stored.ok()) return stored.status();
  json cooldown = nullptr;
  if (const auto& next = stored.value()) {
    cooldown = {{keys::kProvider, next->provider},
                {keys::kModel, next->model},
                {keys::kUntilMs, next->until_ms},
                {keys::kStreak, next->streak}};
  }
  return json{{keys::kSchema, keys::kFailureSchema},
              {keys::kRef, failure.provider + "/" + failure.model},
              {keys::kKind, route::Name(kind)},
              {keys::kAction,
               {{keys::kFallOver, action.fall_over},
                {keys::kCoolDown, action.cool_down},
                {keys::kWholeProvider, action.whole_provider}}},
              {keys::kCooldown, cooldown}};
}

}  // namespace router::commands
