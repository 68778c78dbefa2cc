// The Router widget on a session dashboard without the "Custom plugin UI" lab setting: a native
// `session:report` widget, which the Control UI renders itself (no plugin code in the browser, no
// frame). Placing a widget is a user's act (`board.widget.put` needs operator.write), so
// `openclaw router widget pin` puts it through the Gateway with the caller's own credentials, and
// `unpin` removes it. The report holds figures from router.page/1 as of the pin; pinning again
// replaces them in place (same widget name).
import { usd, when } from "../dist/control-ui/render.js";
import { importOpenclaw } from "./openclaw_sdk.js";

export const WIDGET_NAME = "model-router";
export const WIDGET_TITLE = "Router: spend, exhaustion, savings";
const REPORT_KIND = "session:report";
const DEFAULT_SESSION = "main";  // the agent's main session: /dashboard/<agentId> opens its board

function spendItem(status) {
  const b = status.budget;
  if (!b) return { label: "Today's spend", value: usd(status.totals.today.costUsd), detail: "no daily budget set" };
  return { label: "Today's spend", value: usd(b.spentUsd), detail: `of ${usd(b.capUsd)} daily budget` };
}

// page.nearest: the earliest exhaustion of the same forecasts the Router page draws.
function nearestItem(nearest) {
  const f = nearest?.forecast;
  if (!f) return { label: "Nearest exhaustion", value: "none", detail: "no window is forecast to run out" };
  const likely = `${Math.round(f.probability * 100)}% likely`;
  const how = { warned: likely, lowConfidence: "low confidence" }[nearest.state] ?? `${likely}, no warning`;
  // The time alone fits a metric in a side panel; the date goes to the detail line.
  const [date, time] = [when(f.exhaustsAtMs).slice(0, 10), when(f.exhaustsAtMs).slice(11)];
  return { label: "Nearest exhaustion", value: time, detail: `${date} · ${f.provider} ${f.window} · ${how}` };
}

function savingsItem(status) {
  const r = status.routing.today;
  return { label: "Saved by routing today", value: usd(r.savedUsd), detail: `${r.applied} of ${r.decisions} decisions applied` };
}

/** The `session:report` props for router.page/1: three metrics and when they were taken. */
export function widgetReport(page) {
  if (page?.schema !== "router.page/1") throw new Error(`expected router.page/1, got ${page?.schema ?? "no schema"}`);
  const s = page.status;
  return {
    blocks: [
      { type: "metrics", items: [spendItem(s), nearestItem(page.nearest), savingsItem(s)] },
      { type: "text", text: `As of ${when(page.generatedAtMs)}. Refresh: openclaw router widget pin. Details: the Router report tab or openclaw router status.` },
    ],
  };
}

function target({ session, agent }) {
  return { sessionKey: session || DEFAULT_SESSION, ...(agent ? { agentId: agent } : {}) };
}

/** Puts (or replaces) the widget on the session's board; `call(method, params)` is a Gateway RPC. */
export async function pinWidget(call, page, where = {}) {
  const reply = await call("board.widget.put", {
    ...target(where),
    name: WIDGET_NAME,
    title: WIDGET_TITLE,
    content: { kind: "plugin", pluginKind: REPORT_KIND, props: widgetReport(page) },
    placement: { size: "lg" },
  });
  return { sessionKey: reply?.sessionKey, name: reply?.resolvedWidgetName ?? WIDGET_NAME };
}

/** Removes the widget from the session's board (the board's other widgets stay). */
export async function unpinWidget(call, where = {}) {
  const reply = await call("board.update", { ...target(where), ops: [{ kind: "widget_remove", name: WIDGET_NAME }] });
  return { sessionKey: reply?.sessionKey, name: WIDGET_NAME };
}

/** A Gateway RPC with OpenClaw's own CLI client: the caller's configured token or paired device. */
export async function gatewayCaller(opts) {
  const { callGatewayFromCli } = await importOpenclaw("plugin-sdk/gateway-runtime");
  const rpc = { url: opts.url, port: opts.port, token: opts.token, timeout: opts.timeout };
  return (method, params) => callGatewayFromCli(method, rpc, params, { scopes: ["operator.read", "operator.write"] });
}

function gatewayOptions(command) {
  return command
    .option("--session <key>", `the session whose dashboard holds the widget (default: ${DEFAULT_SESSION}, the agent's main session)`)
    .option("--agent <id>", "the agent owning the session (default: the default agent)")
    .option("--url <url>", "Gateway WebSocket URL (default: from config)")
    .option("--port <port>", "Gateway port on loopback (default: from config)")
    .option("--token <token>", "Gateway token (default: from config or OPENCLAW_GATEWAY_TOKEN, else this device's pairing)")
    .option("--timeout <ms>", "Gateway call timeout in ms")
    .option("--json", "print {action, sessionKey, name} as JSON");
}

function done(opts, action, result) {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ action, ...result })}\n`);
  } else {
    process.stdout.write(`${action} the Router widget on ${result.sessionKey ?? "the session"}'s dashboard\n`);
  }
}

const failed = (err) => {
  process.stderr.write(`model-router: ${err?.message ?? err}\n`);
  process.exitCode = 1;
};

/** `openclaw router widget pin|unpin`, under the `router` command. */
export function registerWidgetCli(router, getRuntime) {
  const widget = router
    .command("widget")
    .description("The Router widget on a session dashboard (no lab setting needed): spend, nearest exhaustion, savings");
  gatewayOptions(widget.command("pin"))
    .description("Put the widget on the dashboard, or refresh its figures (needs operator.write)")
    .action(async (opts) => {
      try {
        const page = (await getRuntime().run("page", { decisions: 1 })).value;
        done(opts, "pinned", await pinWidget(await gatewayCaller(opts), page, opts));
      } catch (err) {
        failed(err);
      }
    });
  gatewayOptions(widget.command("unpin"))
    .description("Remove the widget from the dashboard")
    .action(async (opts) => {
      try {
        done(opts, "unpinned", await unpinWidget(await gatewayCaller(opts), opts));
      } catch (err) {
        failed(err);
      }
    });
}
