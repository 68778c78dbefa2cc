// The Router widget's three figures as {label, value, detail} text, from router.page/1: shared by
// the native report (ui/widget.js) and the live sandboxed widget, which runs these same functions
// inside its frame (ui/widget_html.js embeds their source). They only format the core's values;
// `usd` and `when` are the Router page's formatters (dist/control-ui/render.js).
import { usd, when } from "../dist/control-ui/render.js";

export function spendItem(status) {
  const b = status.budget;
  if (!b) return { label: "Today's spend", value: usd(status.totals.today.costUsd), detail: "no daily budget set" };
  return { label: "Today's spend", value: usd(b.spentUsd), detail: `of ${usd(b.capUsd)} daily budget` };
}

// page.nearest: the earliest exhaustion of the same forecasts the Router page draws.
export function nearestItem(nearest) {
  const f = nearest?.forecast;
  if (!f) return { label: "Nearest exhaustion", value: "none", detail: "no window is forecast to run out" };
  const likely = `${Math.round(f.probability * 100)}% likely`;
  const how = { warned: likely, lowConfidence: "low confidence" }[nearest.state] ?? `${likely}, no warning`;
  // The time alone fits a metric in a side panel; the date goes to the detail line.
  const [date, time] = [when(f.exhaustsAtMs).slice(0, 10), when(f.exhaustsAtMs).slice(11)];
  return { label: "Nearest exhaustion", value: time, detail: `${date} · ${f.provider} ${f.window} · ${how}` };
}

export function savingsItem(status) {
  const r = status.routing.today;
  return { label: "Saved by routing today", value: usd(r.savedUsd), detail: `${r.applied} of ${r.decisions} decisions applied` };
}

/** The functions the live widget's frame needs, as source text (no imports inside a frame). */
export const ITEM_SOURCES = [usd, when, spendItem, nearestItem, savingsItem].map((f) => f.toString());
