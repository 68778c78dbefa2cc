#pragma once
// page: everything the Control UI's Router page (and `router status --html`) shows, in one call so
// the page's first render is one server round trip:
//   {schema:"router.page/1", generatedAtMs,
//    nearest: null | {state: "warned" | "lowConfidence" | "unlikely", forecast: F of predict},
//    status: router.status/1, predict: router.predict/1, decisions: router.decisions/1,
//    charts:[{provider, window, unit, limit, used, startMs, nowMs, endMs,
//             projection: null | {expected, low, high, exhaustsAtMs|null, confidence}}]}
// One chart per limited quota window: used so far over [startMs, nowMs], then a straight line to
// endMs (the window's reset, or the forecast horizon for rolling windows) that meets the limit at
// the forecast's exhaustsAtMs when that falls in the chart, and otherwise goes at its rate but
// stays under the limit. The band [low, high] widens the projected growth by (1 - confidence)
// either way, so a weak forecast shows as a wide band.
// `nearest` is the earliest exhaustsAtMs of the same forecasts, warned or not (status.forecast
// holds warned ones only): `state` says why it is a warning or not, so the page's headline
// agrees with its charts even in the first, low-confidence days. The browser only draws these.

#include <nlohmann/json.hpp>

#include "router/base/status.h"
#include "router/commands/context.h"

namespace router::commands {

// `decisions` is how many recent decisions to include (1..kMaxDecisions, see decisions.h).
[[nodiscard]] Result<nlohmann::json> Page(const Context& ctx, int decisions);

}  // namespace router::commands
