#include "router/commands/mode.h"

#include "router/commands/keys.h"
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
      return json{{keys::kMode, payload.at("mode")},
                  {keys::kSource, keys::kSourceLedger},
                  {keys::kSetAtMs, it->at_ms}};
    }
  }
  return json{{keys::kMode, config::Name(ctx.options.mode)}, {keys::kSource, keys::kSourceConfig}};
}

Result<json> Mode(const Context& ctx, const std::optional<std::string>& mode) {
  auto current = ModeJson(ctx);
  if (!current.ok()) return current.status();
  json out = current.value();
  out[keys::kSchema] = keys::kModeSchema;
  if (!mode) return out;
  auto parsed = config::ParseMode(*mode);
  if (!parsed.ok()) {
    return Status::InvalidArgument("mode \"" + *mode + "\": use manual, dry-run or auto");
  }
  const int64_t now = ctx.clock.NowMs();
  const json payload = {{"mode", config::Name(parsed.value())},
                        {"previous", current->at(keys::kMode)}};
  auto id = ctx.ledger.AppendEvent({0, now, "mode", "", "", payload.dump(), false});
  if (!id.ok()) return id.status();
  return json{
      {keys::kSchema, keys::kModeSchema},          {keys::kMode, config::Name(parsed.value())},
      {keys::kSource, keys::kSourceLedger},        {keys::kSetAtMs, now},
      {keys::kPrevious, current->at(keys::kMode)}, {keys::kEventId, id.value()}};
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
  return json{{keys::kSchema, keys::kUndoSchema},
              {keys::kEventId, id.value()},
              {keys::kAtMs, now},
              {keys::kUndone,
               {{keys::kId, event.id},
                {keys::kKind, event.kind},
                {keys::kProvider, event.provider},
                {keys::kWindow, event.window},
                {keys::kAtMs, event.at_ms},
                {keys::kPayload, json::parse(event.payload, nullptr, false)}}}};
}

}  // namespace router::commands
