// The live Router widget: HTML for OpenClaw's sandboxed dashboard widget (an `html` board widget,
// shown with the "Custom plugin UI" lab setting off). It holds no figures: inside its frame it
// reads router.page/1 through the granted data binding (ui/widget_feed.js) and formats it with
// the same functions as the native report (ui/widget_items.js). Each answer starts the next read,
// which the Gateway holds until new usage is committed, so a turn shows without a re-pin.
//
// The bytes must not change between pins: OpenClaw binds the grant to their SHA-256, and a pin
// of identical bytes keeps it.
import { FEED_BINDING } from "./widget_feed.js";
import { ITEM_SOURCES } from "./widget_items.js";

const RETRY_MS = 30_000;  // after a failed read (Gateway restart, revoked grant)

const STYLE = `<style>
.mr{font:14px/1.35 system-ui,sans-serif;color:var(--text);padding:4px 2px}
.mr dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:0}
.mr dl>div{background:var(--card);border:1px solid var(--border);border-radius:var(--radius);padding:8px 10px}
.mr dt{color:var(--muted);font-size:12px}
.mr dd{margin:0}
.mr .v{color:var(--text-strong);font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.mr .d,.mr .asof{color:var(--muted);font-size:12px}
.mr .asof{margin:8px 0 0}
.mr .err{color:var(--danger);font-size:12px;margin:4px 0 0}
.mr .err:empty{display:none}
</style>`;

const BODY = `<div class="mr" id="mr-live" data-generated-at="">
<dl>
<div data-field="spend"><dt></dt><dd class="v">…</dd><dd class="d"></dd></div>
<div data-field="nearest"><dt></dt><dd class="v">…</dd><dd class="d"></dd></div>
<div data-field="savings"><dt></dt><dd class="v">…</dd><dd class="d"></dd></div>
</dl>
<p class="asof"></p><p class="err" role="status"></p>
</div>`;

// Runs in the frame. `data-micros` and `data-generated-at` carry the core's exact values for
// tests and tools; the text is what people read.
const SCRIPT = `(() => {
${ITEM_SOURCES.join("\n")}
const root = document.getElementById("mr-live");
const error = root.querySelector(".err");
function show(field, item, micros) {
  const cell = root.querySelector('[data-field="' + field + '"]');
  cell.querySelector("dt").textContent = item.label;
  cell.querySelector(".v").textContent = item.value;
  cell.querySelector(".d").textContent = item.detail;
  if (micros === undefined) cell.querySelector(".v").removeAttribute("data-micros");
  else cell.querySelector(".v").setAttribute("data-micros", String(micros));
}
function render(page) {
  const s = page.status;
  show("spend", spendItem(s), s.budget ? s.budget.spentMicros : s.totals.today.costMicros);
  show("nearest", nearestItem(page.nearest), undefined);
  show("savings", savingsItem(s), s.routing.today.savedMicros);
  root.querySelector(".asof").textContent = "As of " + when(page.generatedAtMs) + ", updated on new usage.";
  root.setAttribute("data-generated-at", String(page.generatedAtMs));
}
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function follow() {
  let afterMs;
  for (;;) {
    try {
      const page = await openclaw.data.read(${JSON.stringify(FEED_BINDING)}, afterMs === undefined ? {} : { afterMs });
      if (!page || page.schema !== "router.page/1") throw new Error("unexpected answer from the Router feed");
      render(page);
      afterMs = page.generatedAtMs;
      error.textContent = "";
    } catch (err) {
      error.textContent = "Router figures unavailable: " + (err && err.message ? err.message : String(err));
      await pause(${RETRY_MS});
    }
  }
}
follow();
})();`;

/** The widget document's body (OpenClaw wraps it with its CSP, bridge and theme). */
export function liveWidgetHtml() {
  return `${STYLE}\n${BODY}\n<script>\n${SCRIPT}\n</script>\n`;
}
