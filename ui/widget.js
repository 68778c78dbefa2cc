// The Router widget on a session dashboard without the "Custom plugin UI" lab setting. Placing a
// widget is a user's act (`board.widget.put` needs operator.write), so `openclaw router widget pin`
// puts it through the Gateway with the caller's own credentials, and `unpin` removes it.
// - Live (the default): OpenClaw's sandboxed HTML widget (ui/widget_html.js) reading the plugin's
//   `model-router.widget` data binding. Its read must be granted (operator.approvals), which the
//   pin does for the widget's exact bytes, unless the session's permission mode already decided.
// - `--report`: a native `session:report` the Control UI renders itself (no frame, no grant),
//   holding figures from router.page/1 as of the pin; pinning again replaces them in place.
import { when } from "../dist/control-ui/render.js";
import { importOpenclaw } from "./openclaw_sdk.js";
import { FEED_BINDING } from "./widget_feed.js";
import { liveWidgetHtml } from "./widget_html.js";
import { nearestItem, savingsItem, spendItem } from "./widget_items.js";

export const WIDGET_NAME = "model-router";
export const WIDGET_TITLE = "Router: spend, exhaustion, savings";
const REPORT_KIND = "session:report";
const DEFAULT_SESSION = "main";  // the agent's main session: /dashboard/<agentId> opens its board

/** The `session:report` props for router.page/1: three metrics and when they were taken. */
export function widgetReport(page) {
  if (page?.schema !== "router.page/1") throw new Error(`expected router.page/1, got ${page?.schema ?? "no schema"}`);
  const s = page.status;
  return {
    blocks: [
      { type: "metrics", items: [spendItem(s), nearestItem(page.nearest), savingsItem(s)] },
      { type: "text", text: `As of ${when(page.generatedAtMs)}. Refresh: openclaw router widget pin --report. Details: the Router report tab or openclaw router status.` },
    ],
  };
}

function target({ session, agent }) {
  return { sessionKey: session || DEFAULT_SESSION, ...(agent ? { agentId: agent } : {}) };
}

// A same-name put cannot change a widget's content kind (report <-> HTML): OpenClaw asks to remove
// it first. Only that refusal is answered by removing and putting again.
async function put(call, where, content, extra = {}) {
  const params = { ...target(where), name: WIDGET_NAME, title: WIDGET_TITLE, content, placement: { size: "lg" }, ...extra };
  try {
    return await call("board.widget.put", params);
  } catch (err) {
    if (!/remove it before replacing/.test(String(err?.message ?? err))) throw err;
    await unpinWidget(call, where);
    return call("board.widget.put", params);
  }
}

/** Puts (or replaces) the report widget; `call(method, params)` is a Gateway RPC. */
export async function pinWidget(call, page, where = {}) {
  const reply = await put(call, where, { kind: "plugin", pluginKind: REPORT_KIND, props: widgetReport(page) });
  return { sessionKey: reply?.sessionKey, name: reply?.resolvedWidgetName ?? WIDGET_NAME, kind: "report" };
}

const placed = (snapshot, name) => snapshot?.widgets?.find((w) => w.name === name);

/**
 * Puts (or replaces) the live widget and grants its read of the Router feed. Identical bytes keep
 * an earlier grant; a pending one is granted here; a session whose permission mode rejected it
 * gets an error that says how to proceed.
 */
export async function pinLiveWidget(call, where = {}) {
  const reply = await put(call, where, { kind: "html", html: liveWidgetHtml() }, { declared: { tools: [FEED_BINDING] } });
  const name = reply?.resolvedWidgetName ?? WIDGET_NAME;
  let widget = placed(reply, name);
  if (widget?.grantState === "pending") {
    const granted = await call("board.widget.grant", {
      ...target(where), name, decision: "granted", revision: widget.revision, instanceId: widget.instanceId ?? widget.viewGeneration ?? "-",
    });
    widget = placed(granted, name);
  }
  if (widget?.grantState !== "granted") {
    throw new Error(`the widget was placed but its read of ${FEED_BINDING} is ${widget?.grantState ?? "unknown"}`
      + " (the session's permission mode decided); allow it on the dashboard, or pin --report for a static widget");
  }
  return { sessionKey: reply?.sessionKey, name, kind: "live" };
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
  // operator.approvals: granting the live widget's read (board.widget.grant).
  return (method, params) => callGatewayFromCli(method, rpc, params, { scopes: ["operator.read", "operator.write", "operator.approvals"] });
}

function gatewayOptions(command) {
  return command
    .option("--session <key>", `the session whose dashboard holds the widget (default: ${DEFAULT_SESSION}, the agent's main session)`)
    .option("--agent <id>", "the agent owning the session (default: the default agent)")
    .option("--url <url>", "Gateway WebSocket URL (default: from config)")
    .option("--port <port>", "Gateway port on loopback (default: from config)")
    .option("--token <token>", "Gateway token (default: from config or OPENCLAW_GATEWAY_TOKEN, else this device's pairing)")
    .option("--timeout <ms>", "Gateway call timeout in ms")
    .option("--json", "print {action, sessionKey, name, kind} as JSON");
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
    .description("Put the live widget on the dashboard and grant its read of the Router feed (needs operator.write and operator.approvals)")
    .option("--report", "a static native report instead (figures as of the pin; needs no grant; pin again to refresh)")
    .action(async (opts) => {
      try {
        const call = await gatewayCaller(opts);
        if (!opts.report) return done(opts, "pinned", await pinLiveWidget(call, opts));
        const page = (await getRuntime().run("page", { decisions: 1 })).value;
        done(opts, "pinned", await pinWidget(call, page, opts));
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
