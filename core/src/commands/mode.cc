#include "router/commands/mode.h"

#include "status_parts.h"

namespace router::commands {

using nlohmann::json;

// The mode event's payload is {mode, previous}, as Mode writes it below.
Result<json> ModeJson(const Context& ctx) {
  auto events = ctx.ledger.Events("mode", "", 0);
  if (!events.ok()) return events.status();
  for (auto it = events.value().rbegin(); it != events.value().rend(); ++it) {
    if (it->undone) continue;
    const json payload = json::parse(it->payload, nullptr, false);
    if (payload.is_object() && payload.contains("mode")) {
      return json{{"mode", payload.at("mode")}, {"source", "ledger"}, {"setAtMs", it->at_ms}};
    }
  }
  return json{{"mode", config::Name(ctx.options.mode)}, {"source", "config"}};
}

Result<json> Mode(const Context& ctx, const std::optional<std::string>& mode) {
  auto current = ModeJson(ctx);
  if (!current.ok()) return current.status();
  json out = current.value();
  out["schema"] = "router.mode/1";
  if (!mode) return out;
  auto parsed = config::ParseMode(*mode);
  if (!parsed.ok()) {
    return Status::InvalidArgument("mode \"" + *mode + "\": use manual, dry-run or auto");
  }
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"mode", config::Name(parsed.value())}, {"previous", current->at("mode")}};
  auto id = ctx.ledger.AppendEvent({0, now, "mode", "", "", payload.dump(), false});
  if (!id.ok()) return id.status();
  return json{{"schema", "router.mode/1"},
              {"mode", config::Name(parsed.value())},
              {"source", "ledger"},
              {"setAtMs", now},
              {"previous", current->at("mode")},
              {"eventId", id.value()}};
}

Result<json> Undo(const Context& ctx) {
  auto last = ctx.ledger.LastUndoable();
  if (!last.ok()) return last.status();
  if (last->empty()) {
    return Status::NotFound("nothing to undo: no set-usage, reset or mode change is recorded");
  }
  const ledger::Event& event = last->front();
  ROUTER_RETURN_IF_ERROR(ctx.ledger.MarkUndone(event.id));
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"undoneId", event.id}, {"kind", event.kind}};
  auto id =
      ctx.ledger.AppendEvent({0, now, "undo", event.provider, event.window, payload.dump(), false});
  if (!id.ok()) return id.status();
  return json{{"schema", "router.undo/1"},
              {"eventId", id.value()},
              {"atMs", now},
              {"undone",
               {{"id", event.id},
                {"kind", event.kind},
                {"provider", event.provider},
                {"window", event.window},
                {"atMs", event.at_ms},
                {"payload", json::parse(event.payload, nullptr, false)}}}};
}

}  // namespace router::commands
