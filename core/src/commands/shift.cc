// shift: move every agent and cron job off a provider, until its window resets or a given time.

#include <cctype>

#include "args.h"
#include "optimize_parts.h"
#include "router/commands/keys.h"
#include "router/commands/optimize.h"

namespace router::commands {

using nlohmann::json;

namespace {

// "reset" (the provider's next window reset), epoch ms, "<n>h", "<n>m" or "<n>s" from now;
// "" = none.
Result<int64_t> ParseUntil(const std::string& until, const Gathered& g,
                           const std::string& provider) {
  if (until.empty()) return int64_t{0};
  const int64_t now = g.inputs.now_ms;
  if (until == "reset") {
    int64_t next = 0;
    for (const optimize::Pressure& p : g.inputs.pressure) {
      if (p.provider == provider && p.resets_at_ms > now && (next == 0 || p.resets_at_ms < next)) {
        next = p.resets_at_ms;
      }
    }
    if (next == 0) {
      return Status::InvalidArgument("until reset: " + provider +
                                     " has no window close to running out with a fixed reset; "
                                     "give a time (epoch ms, 12h or 90m)");
    }
    return next;
  }
  size_t digits = 0;
  while (digits < until.size() && std::isdigit(static_cast<unsigned char>(until[digits]))) ++digits;
  const std::string unit = until.substr(digits);
  if (digits == 0 || digits > 15 || (!unit.empty() && unit != "h" && unit != "m" && unit != "s")) {
    return Status::InvalidArgument("argument until \"" + until +
                                   "\": use reset, epoch ms, or a duration from now: <n>h, <n>m "
                                   "or <n>s");
  }
  const int64_t n = std::stoll(until.substr(0, digits));
  if (unit == "h") return now + n * 3'600'000;
  if (unit == "m") return now + n * 60'000;
  if (unit == "s") return now + n * 1'000;
  if (n <= now) {
    // An absolute time can pass while the command starts: a duration is measured from now.
    return Status::InvalidArgument(
        "argument until " + until + " (epoch ms) is " + std::to_string((now - n + 999) / 1000) +
        " s in the past by this command's clock (" + std::to_string(now) +
        "); give a later time, or a duration from now such as 90s, 30m or 2h");
  }
  return n;
}

}  // namespace

Result<json> Shift(const Context& ctx, const json& args) {
  std::string provider, to, until;
  ROUTER_RETURN_IF_ERROR(StringArg(args, "provider", true, provider));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "to", false, to));
  ROUTER_RETURN_IF_ERROR(StringArg(args, "until", false, until));
  bool apply = false;
  if (auto it = args.find("apply"); it != args.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::InvalidArgument("argument apply must be true or false");
    apply = it->get<bool>();
  }
  auto g = Gather(ctx, args);
  if (!g.ok()) return g.status();
  auto until_ms = ParseUntil(until, g.value(), provider);
  if (!until_ms.ok()) return until_ms.status();
  auto actions = optimize::PlanShift(g->inputs, provider, to, until_ms.value());
  if (!actions.ok()) return actions.status();
  ROUTER_RETURN_IF_ERROR(AttachCronChanges(g.value(), actions.value()));
  json out = {{keys::kSchema, "router.shift/1"}, {keys::kGeneratedAtMs, g->inputs.now_ms},
              {keys::kProvider, provider},       {"to", to},
              {"untilMs", until_ms.value()},     {keys::kMode, g->mode}};
  json list = json::array();
  for (const optimize::Action& a : actions.value()) list.push_back(optimize::ToJson(a));
  out["actions"] = std::move(list);
  if (!apply) return out;
  auto applied = RecordApplied(ctx, g.value(), actions.value(), {}, "shift");
  if (!applied.ok()) return applied.status();
  out["applied"] = std::move(applied).value();
  return out;
}

}  // namespace router::commands
