// Renders router.page/1 (core/include/router/commands/page.h) as HTML text. Pure and
// dependency-free so the same code draws the Control UI page, its dashboard widget and the file
// `openclaw router status --html` writes. It formats and positions what the core computed; it
// never derives money, usage or forecasts. Every value is escaped.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

export function usd(value) {
  if (value === null || value === undefined) return "–";
  const abs = Math.abs(value);
  return `${value < 0 ? "-" : ""}$${abs.toFixed(abs !== 0 && abs < 1 ? 4 : 2)}`;
}

const UNITS = { tokens: "tokens", messages: "messages", requests: "requests", budget: "USD" };

function amount(value, unit) {
  if (value === null || value === undefined) return "–";
  if (unit === "budget") return usd(value / 1e6);  // budget windows count micro-USD
  return `${Math.round(value).toLocaleString("en-US")} ${UNITS[unit] ?? esc(unit)}`;
}

export function when(ms) {
  if (ms === null || ms === undefined) return "–";
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

function bar(share, level) {
  const pct = Math.max(0, Math.min(100, share * 100));
  return `<div class="mr-bar mr-${esc(level ?? "ok")}" role="progressbar" aria-valuemin="0" aria-valuemax="100"`
    + ` aria-valuenow="${pct.toFixed(0)}"><span style="width:${pct.toFixed(2)}%"></span></div>`;
}

// --- the quota chart: used so far, then the core's projection with its band ---

const W = 320;
const H = 110;
const PAD = 4;

export function chartSvg(chart) {
  const p = chart.projection;
  // The limit stays in view; a projection far past it is clipped rather than flattening the rest.
  const top = Math.max(chart.limit * 1.35, chart.used * 1.1) || 1;
  const span = Math.max(1, chart.endMs - chart.startMs);
  const x = (ms) => (PAD + ((ms - chart.startMs) / span) * (W - 2 * PAD)).toFixed(1);
  const y = (v) => (H - PAD - (v / top) * (H - 2 * PAD)).toFixed(1);
  const parts = [
    `<line class="mr-limit" x1="${PAD}" x2="${W - PAD}" y1="${y(chart.limit)}" y2="${y(chart.limit)}"/>`,
    `<line class="mr-now" x1="${x(chart.nowMs)}" x2="${x(chart.nowMs)}" y1="${PAD}" y2="${H - PAD}"/>`,
    `<polyline class="mr-used" points="${x(chart.startMs)},${y(0)} ${x(chart.nowMs)},${y(chart.used)}"/>`,
  ];
  if (p) {
    parts.push(`<polygon class="mr-band" points="${x(chart.nowMs)},${y(chart.used)} ${x(chart.endMs)},${y(p.high)}`
      + ` ${x(chart.endMs)},${y(p.low)}"/>`);
    parts.push(`<line class="mr-proj" x1="${x(chart.nowMs)}" y1="${y(chart.used)}" x2="${x(chart.endMs)}"`
      + ` y2="${y(p.expected)}"/>`);
    if (p.exhaustsAtMs !== null && p.exhaustsAtMs <= chart.endMs) {  // `marked` below
      parts.push(`<circle class="mr-exhaust" cx="${x(p.exhaustsAtMs)}" cy="${y(chart.limit)}" r="3.5"/>`);
    }
  }
  const label = `${chart.provider} ${chart.window}: used ${amount(chart.used, chart.unit)} of `
    + `${amount(chart.limit, chart.unit)}${p ? `, projected ${amount(p.expected, chart.unit)} by ${when(chart.endMs)}` : ""}`;
  const marked = p && p.exhaustsAtMs !== null && p.exhaustsAtMs <= chart.endMs;
  return `<svg class="mr-chart" data-chart="${esc(chart.provider)}/${esc(chart.window)}"`
    + `${marked ? ` data-exhausts-at="${esc(p.exhaustsAtMs)}"` : ""} viewBox="0 0 ${W} ${H}"`
    + ` preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${parts.join("")}</svg>`;
}

// --- sections ---

function spendCard(status) {
  const b = status.budget;
  const spent = status.totals.today;
  if (!b) {
    return `<div class="mr-card" data-field="spend"><h3>Today's spend</h3>`
      + `<p class="mr-big" data-micros="${esc(spent.costMicros)}">${usd(spent.costUsd)}</p>`
      + `<p class="mr-sub">no daily budget set</p></div>`;
  }
  return `<div class="mr-card" data-field="spend"><h3>Today's spend</h3>`
    + `<p class="mr-big" data-micros="${esc(b.spentMicros)}">${usd(b.spentUsd)}</p>`
    + `<p class="mr-sub">of <span data-field="cap" data-micros="${esc(b.capMicros)}">${usd(b.capUsd)}</span>`
    + ` daily budget · resets ${esc(when(b.resetsAtMs))}</p>${bar(b.capMicros ? b.spentMicros / b.capMicros : 0, b.level)}</div>`;
}

function savingsCard(status) {
  const r = status.routing.today;
  return `<div class="mr-card" data-field="savings"><h3>Saved by routing today</h3>`
    + `<p class="mr-big" data-micros="${esc(r.savedMicros)}">${usd(r.savedUsd)}</p>`
    + `<p class="mr-sub">${esc(r.applied)} of ${esc(r.decisions)} decisions applied · `
    + `this month ${usd(status.routing.thisMonth.savedUsd)}</p></div>`;
}

// Why the nearest exhaustion is not a warning, from the forecast's own fields (page.h `nearest`).
const NOT_WARNED = {
  lowConfidence: (f) => `low confidence: ${esc(f.historyDays)} days of history, too few to warn`,
  unlikely: (f) => `${esc(Math.round(f.probability * 100))}% likely, not enough to warn`,
};

// page.nearest: the earliest exhaustion of the same forecasts the charts draw, warned or not.
function nearestCard(nearest) {
  const f = nearest?.forecast;
  const body = f
    ? `<p class="mr-big" data-field="exhausts-at" data-ms="${esc(f.exhaustsAtMs)}">${esc(when(f.exhaustsAtMs))}</p>`
      + `<p class="mr-sub">${esc(f.provider)} ${esc(f.window)} · `
      + (nearest.state === "warned"
        ? `${esc(Math.round(f.probability * 100))}% likely · confidence ${esc(f.confidence)}`
        : `<span data-field="not-warned">${(NOT_WARNED[nearest.state] ?? NOT_WARNED.unlikely)(f)}</span>`)
      + `</p>`
    : `<p class="mr-big" data-field="exhausts-at">none</p><p class="mr-sub">no window is forecast to run out</p>`;
  return `<div class="mr-card" data-field="nearest" data-state="${esc(nearest?.state ?? "none")}">`
    + `<h3>Nearest exhaustion</h3>${body}</div>`;
}

function quotaRow(q, chart) {
  const resets = q.rolling ? "rolling window" : `resets ${when(q.resetsAtMs)}`;
  const share = q.limit ? q.used / q.limit : 0;
  return `<div class="mr-quota" data-quota="${esc(q.provider)}/${esc(q.window)}" data-used="${esc(q.used)}"`
    + ` data-limit="${esc(q.limit)}"><div class="mr-quota-head"><strong>${esc(q.provider)} · ${esc(q.window)}</strong>`
    + `<span class="mr-level mr-${esc(q.level)}">${esc(q.percent ?? "–")}%</span></div>`
    + `${bar(share, q.level)}<p class="mr-sub">${amount(q.used, q.unit)} of ${q.limit ? amount(q.limit, q.unit) : "no limit"}`
    + ` · ${esc(resets)}</p>${chart ? chartSvg(chart) : ""}</div>`;
}

function quotasSection(page) {
  const quotas = page.status.quotas;
  const chartOf = (q) => page.charts.find((c) => c.provider === q.provider && c.window === q.window);
  const rows = quotas.map((q) => quotaRow(q, chartOf(q))).join("");
  return `<section class="mr-section"><h2>Quota windows</h2>`
    + (rows || `<p class="mr-sub">No quota windows configured.</p>`)
    + (page.charts.length ? `<p class="mr-legend"><i class="mr-k-used"></i>used <i class="mr-k-proj"></i>forecast`
      + ` <i class="mr-k-band"></i>uncertainty <i class="mr-k-limit"></i>limit</p>` : "")
    + `</section>`;
}

function decisionsSection(decisions) {
  const rows = decisions.decisions.map((d) => `<tr data-decision-at="${esc(d.atMs)}">`
    + `<td data-label="When">${esc(when(d.atMs))}</td><td data-label="Class">${esc(d.class ?? "–")}</td>`
    + `<td data-label="Model">${d.provider ? `${esc(d.provider)}/${esc(d.model)}` : "kept"}${d.applied ? "" : " <em>(not applied)</em>"}</td>`
    + `<td data-label="Reason" class="mr-reason">${esc(d.reason)}</td><td data-label="Est. cost" class="mr-num">${usd(d.costUsd)}</td>`
    + `<td data-label="Est. saving" class="mr-num">${usd(d.savedUsd)}</td></tr>`).join("");
  return `<section class="mr-section"><h2>Recent routing decisions</h2>`
    + (rows
      ? `<div class="mr-scroll"><table class="mr-table"><thead><tr><th>When</th><th>Class</th><th>Model</th><th>Reason</th>`
        + `<th class="mr-num">Est. cost</th><th class="mr-num">Est. saving</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : `<p class="mr-sub">No routed turns yet: pick a <code>router/*</code> model to let the router choose.</p>`)
    + `</section>`;
}

function alertsSection(alerts) {
  const items = alerts.map((a) => `<li class="mr-alert mr-${esc(a.level)}"><span>${esc(when(a.atMs))}</span> ${esc(a.message)}</li>`);
  return `<section class="mr-section"><h2>Alerts</h2>`
    + (items.length ? `<ul class="mr-alerts">${items.join("")}</ul>` : `<p class="mr-sub">No active alerts.</p>`)
    + `</section>`;
}

/** The Router page body for one router.page/1 document. */
export function renderPage(page, { usageHref } = {}) {
  const s = page.status;
  const usage = usageHref
    ? `<a class="mr-link" href="${esc(usageHref)}" data-field="usage-link">Tokens and cost by day and model: OpenClaw Usage →</a>`
    : "";
  return `<div class="mr-root" data-generated-at="${esc(page.generatedAtMs)}">`
    + `<header class="mr-head"><h1>Router</h1><span class="mr-sub">mode ${esc(s.mode.mode)} · updated`
    + ` <span data-field="generated">${esc(when(page.generatedAtMs))}</span></span>${usage}</header>`
    + `<div class="mr-cards">${spendCard(s)}${nearestCard(page.nearest)}${savingsCard(s)}</div>`
    + quotasSection(page) + decisionsSection(page.decisions) + alertsSection(s.alerts)
    + `</div>`;
}

/** The dashboard widget: spend, nearest exhaustion and today's savings. */
export function renderWidget(page) {
  const s = page.status;
  return `<div class="mr-root mr-widget" data-generated-at="${esc(page.generatedAtMs)}">`
    + `<div class="mr-cards">${spendCard(s)}${nearestCard(page.nearest)}${savingsCard(s)}</div></div>`;
}

export const STYLES = `
.mr-root{--mr-fg:#1d232b;--mr-muted:#5b6673;--mr-bg:#ffffff;--mr-card:#f5f7f9;--mr-line:#d9dee4;
--mr-ok:#2f8f4e;--mr-warning:#c98a12;--mr-critical:#c63b31;--mr-used:#2f6fdb;--mr-proj:#7a4cc2;
color:var(--mr-fg);background:var(--mr-bg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
padding:16px;box-sizing:border-box;max-width:1100px;margin:0 auto}
@media (prefers-color-scheme:dark){.mr-root{--mr-fg:#e6e9ed;--mr-muted:#9aa5b1;--mr-bg:#15191e;--mr-card:#1f252c;
--mr-line:#343c46;--mr-used:#6aa0ff;--mr-proj:#b58cff}}
:root[data-theme="dark"] .mr-root,.dark .mr-root,.mr-root.mr-dark{--mr-fg:#e6e9ed;--mr-muted:#9aa5b1;--mr-bg:#15191e;
--mr-card:#1f252c;--mr-line:#343c46;--mr-used:#6aa0ff;--mr-proj:#b58cff}
:root[data-theme="light"] .mr-root,.mr-root.mr-light{--mr-fg:#1d232b;--mr-muted:#5b6673;--mr-bg:#ffffff;
--mr-card:#f5f7f9;--mr-line:#d9dee4;--mr-used:#2f6fdb;--mr-proj:#7a4cc2}
.mr-root *{box-sizing:border-box}
.mr-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 16px;margin-bottom:12px}
.mr-head h1{font-size:22px;margin:0}
.mr-link{margin-left:auto;color:var(--mr-used)}
.mr-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:12px}
.mr-card,.mr-quota{background:var(--mr-card);border:1px solid var(--mr-line);border-radius:8px;padding:12px}
.mr-card h3{margin:0;font-size:13px;font-weight:600;color:var(--mr-muted)}
.mr-big{font-size:24px;font-weight:650;margin:4px 0}
.mr-sub{color:var(--mr-muted);margin:4px 0;font-size:13px}
.mr-section{margin-top:20px}
.mr-section h2{font-size:16px;margin:0 0 8px}
.mr-section>.mr-quota{margin-bottom:10px}
.mr-quota-head{display:flex;justify-content:space-between;gap:8px}
.mr-bar{height:8px;border-radius:4px;background:var(--mr-line);overflow:hidden;margin:6px 0}
.mr-bar span{display:block;height:100%;background:var(--mr-ok)}
.mr-bar.mr-warning span{background:var(--mr-warning)}.mr-bar.mr-critical span,.mr-bar.mr-exhausted span{background:var(--mr-critical)}
.mr-level.mr-warning{color:var(--mr-warning)}.mr-level.mr-critical,.mr-level.mr-exhausted{color:var(--mr-critical)}
.mr-chart{width:100%;height:110px;display:block;margin-top:6px}
.mr-chart .mr-limit{stroke:var(--mr-critical);stroke-dasharray:4 3;stroke-width:1}
.mr-chart .mr-now{stroke:var(--mr-line);stroke-width:1}
.mr-chart .mr-used{stroke:var(--mr-used);stroke-width:2.5;fill:none}
.mr-chart .mr-proj{stroke:var(--mr-proj);stroke-width:2;stroke-dasharray:5 3}
.mr-chart .mr-band{fill:var(--mr-proj);opacity:.18}
.mr-chart .mr-exhaust{fill:var(--mr-critical)}
.mr-legend{font-size:12px;color:var(--mr-muted)}
.mr-legend i{display:inline-block;width:14px;height:3px;margin:0 4px 3px 10px;vertical-align:middle}
.mr-k-used{background:var(--mr-used)}.mr-k-proj{background:var(--mr-proj)}.mr-k-band{background:var(--mr-proj);opacity:.3;height:8px!important}
.mr-k-limit{background:var(--mr-critical)}
.mr-scroll{overflow-x:auto}
.mr-table{border-collapse:collapse;width:100%;font-size:13px}
.mr-table th,.mr-table td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--mr-line);vertical-align:top}
.mr-num{text-align:right!important;white-space:nowrap}
.mr-alerts{list-style:none;padding:0;margin:0}
.mr-alert{padding:6px 10px;border-left:3px solid var(--mr-warning);background:var(--mr-card);margin-bottom:6px}
.mr-alert.mr-critical,.mr-alert.mr-exhausted{border-left-color:var(--mr-critical)}
.mr-alert span{color:var(--mr-muted);font-size:12px;margin-right:6px}
.mr-widget{padding:8px}.mr-widget .mr-cards{grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px}
.mr-widget .mr-big{font-size:18px}
@media (max-width:600px){.mr-root{padding:10px}.mr-big{font-size:20px}.mr-link{margin-left:0}
.mr-table thead{display:none}.mr-table tr{display:grid;grid-template-columns:1fr 1fr;grid-auto-flow:dense;gap:0 10px;
border-bottom:1px solid var(--mr-line);padding:6px 0}.mr-table td{border:0;padding:2px 0;text-align:left!important}
.mr-table td::before{content:attr(data-label);color:var(--mr-muted);font-size:12px;display:block}
.mr-table td.mr-reason{grid-column:1/-1}}
`;

/** One self-contained HTML file (no script, no external resource). */
export function renderDocument(page) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">`
    + `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">`
    + `<title>Router · ${esc(when(page.generatedAtMs))}</title><style>${STYLES}</style></head><body style="margin:0">`
    + `${renderPage(page)}</body></html>\n`;
}
