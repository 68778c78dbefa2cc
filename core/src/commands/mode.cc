#include "router/commands/mode.h"

#include "optimize_parts.h"
#include "router/commands/keys.h"
#include "router/commands/optimize.h"
#include "status_parts.h"

namespace router::commands {

using nlohmann::json;

namespace {

// The mode in effect after `events` (mode events, oldest first). The mode event's payload is
// {mode, previous}, as Mode writes it below.
json ModeAfter(const Context& ctx, const std::vector<ledger::Event>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
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

}  // namespace

Result<json> ModeJson(const Context& ctx) {
  auto events = ctx.ledger.Events("mode", "", 0);
  if (!events.ok()) return events.status();
  return ModeAfter(ctx, events.value());
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
  const std::string name = config::Name(parsed.value());
  json previous;  // read in the append's transaction, so a concurrent change cannot slip between
  auto id = ctx.ledger.AppendEventAfter("mode", [&](const std::vector<ledger::Event>& events) {
    previous = ModeAfter(ctx, events).at(keys::kMode);
    const json payload = {{"mode", name}, {"previous", previous}};
    return ledger::Event{0, now, "mode", "", "", payload.dump(), false};
  });
  if (!id.ok()) return id.status();
  return json{{keys::kSchema, keys::kModeSchema},   {keys::kMode, name},
              {keys::kSource, keys::kSourceLedger}, {keys::kSetAtMs, now},
              {keys::kPrevious, previous},          {keys::kEventId, id.value()}};
}

Result<json> Undo(const Context& ctx, const json& openclaw_config, const json& jobs) {
  // An applied optimization newer than every other undoable change is restored key by key.
  auto config_change = ctx.ledger.LatestUndoable({"config-change"});
  if (!config_change.ok()) return config_change.status();
  if (config_change->has_value()) {
    auto other = ctx.ledger.LatestUndoable({"set-usage", "reset", "mode"});
    if (!other.ok()) return other.status();
    const ledger::Event& applied = *config_change.value();
    if (!other->has_value() || other.value()->id < applied.id) {
      return UndoConfigChange(ctx, applied, openclaw_config, jobs);
    }
  }
  const int64_t now = ctx.clock.NowMs();
  auto undo = ctx.ledger.UndoLatest([now](const ledger::Event& event) {
    const json payload = {{"undoneId", event.id}, {"kind", event.kind}};
    return ledger::Event{0, now, "undo", event.provider, event.window, payload.dump(), false};
  });
  if (!undo.ok()) return undo.status();
  return UndoJson(undo->undo_event_id, now, undo->undone);
}

json UndoJson(int64_t undo_event_id, int64_t now, const ledger::Event& event) {
  return json{{keys::kSchema, keys::kUndoSchema},
              {keys::kEventId, undo_event_id},
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
