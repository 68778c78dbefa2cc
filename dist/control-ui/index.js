// The Control UI entry (native plugin UI, shown when Settings → Labs → Custom plugin UI is on):
// the Router page, its sidebar entry and a dashboard widget. Data comes from the plugin's `page`
// operation (router.page/1) over the signed-in operator's connection; the page re-asks when the
// plugin emits `usage` or `alerts`, and after a reconnect. No polling.
import { renderPage, renderWidget, STYLES } from "./render.js";

const PLUGIN_ID = "model-router";
const EVENTS = ["usage", "alerts"];
const STYLE_ID = "model-router-ui-styles";

function ensureStyles() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = STYLES;
  document.head.append(style);
}

async function fetchPage(host, decisions) {
  const reply = await host.request("plugins.sessionAction", {
    pluginId: PLUGIN_ID,
    actionId: "page",
    payload: { decisions },
  });
  if (!reply || reply.ok !== true) throw new Error(reply?.error ?? "the page operation failed");
  return reply.result;
}

// Renders `draw(page)` into `container` now and again on each plugin event or reconnect; a newer
// refresh wins over an older one still in flight.
function live(container, { host, signal }, draw, decisions) {
  ensureStyles();
  container.innerHTML = `<div class="mr-root"><p class="mr-sub">Loading router data…</p></div>`;
  let generation = 0;
  let connected = host.connection.connected;
  const refresh = () => {
    const mine = ++generation;
    if (!host.connection.connected) return;
    fetchPage(host, decisions).then(
      (page) => {
        if (mine !== generation || signal.aborted) return;
        container.innerHTML = draw(page);
        container.dispatchEvent(new CustomEvent("model-router:rendered", { detail: { generatedAtMs: page.generatedAtMs } }));
      },
      (err) => {
        if (mine !== generation || signal.aborted) return;
        container.innerHTML = `<div class="mr-root"><p class="mr-alert mr-critical" data-field="error"></p></div>`;
        container.querySelector("[data-field=error]").textContent = `Router data unavailable: ${err.message}`;
      },
    );
  };
  const off = EVENTS.map((event) => host.onEvent(`plugin.${PLUGIN_ID}.${event}`, refresh));
  off.push(host.subscribe(() => {
    if (connected === host.connection.connected) return;
    connected = host.connection.connected;
    refresh();
  }));
  refresh();
  const dispose = () => {
    generation += 1;
    for (const stop of off) stop();
  };
  signal.addEventListener("abort", dispose, { once: true });
  return { dispose };
}

export default {
  id: PLUGIN_ID,
  activate(host) {
    const usageHref = `${host.basePath.replace(/\/$/, "")}/usage`;
    const disposers = [
      host.ui.registerPage({
        id: "router",
        label: "Router",
        mount: (container, context) => live(container, context, (page) => renderPage(page, { usageHref }), 20),
      }),
      host.ui.registerNavigation({ id: "router", label: "Router", page: { id: "router" }, icon: "activity", order: 50 }),
      host.ui.registerWidget({
        id: "router-summary",
        label: "Router: spend, exhaustion, savings",
        mount: (container, context) => live(container, context, renderWidget, 1),
      }),
    ];
    return () => disposers.forEach((dispose) => dispose());
  },
};
