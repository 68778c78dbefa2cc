// The data feed of the live dashboard widget: a Gateway method the plugin declares as a dashboard
// data binding (openclaw.plugin.json `dashboard.dataBindings`, capability `model-router.widget`).
// OpenClaw resolves a granted widget's `openclaw.data.read("model-router.widget", …)` at the
// Gateway by calling this method, so the sandboxed widget never holds a credential.
//
// The widget bridge offers request/response only (no events into the frame), so the feed is a
// long poll: a read with `afterMs` (the generatedAtMs the widget shows) waits until usage is
// recorded after it, or 25 s at the latest (ui/operations.js), then answers. A new turn reaches the widget about
// as fast as the Router page's own refresh event; an idle widget asks twice a minute.
export const FEED_METHOD = "model-router.widget";
export const FEED_BINDING = "model-router.widget";  // `<plugin id>.<local id>` (OpenClaw's grant name)
const MAX_RESULT_CHARS = 1 << 20;

/** The read's params, checked: `{}` or `{afterMs}` (a non-negative integer). Throws on others. */
export function feedParams(params) {
  const p = params ?? {};
  if (typeof p !== "object" || Array.isArray(p)) throw new Error("params must be an object like {afterMs}");
  const unknown = Object.keys(p).filter((k) => k !== "afterMs");
  if (unknown.length) throw new Error(`unknown field ${unknown[0]}: the widget feed takes only afterMs`);
  if (p.afterMs !== undefined && !(Number.isSafeInteger(p.afterMs) && p.afterMs >= 0)) {
    throw new Error("afterMs must be a non-negative integer (the generatedAtMs the widget shows)");
  }
  return { afterMs: p.afterMs };
}

/** The feed's handler: `run(command, args)` is the runtime's; `wait(afterMs)` resolves on usage. */
export function feedHandler(run, wait) {
  return async ({ params, respond }) => {
    let afterMs;
    try {
      ({ afterMs } = feedParams(params));
    } catch (err) {
      respond(false, undefined, { code: "INVALID_REQUEST", message: `${FEED_METHOD}: ${err.message}` });
      return;
    }
    try {
      if (afterMs !== undefined) await wait(afterMs);
      const { text, value } = await run("page", { decisions: 1 });
      if (text.length > MAX_RESULT_CHARS) throw new Error(`router.page/1 is larger than ${MAX_RESULT_CHARS} characters`);
      respond(true, value);
    } catch (err) {
      respond(false, undefined, { code: "UNAVAILABLE", message: `${FEED_METHOD}: ${err?.message ?? err}` });
    }
  };
}

/** Registers the feed; OpenClaw checks at load that the binding's method is ours and read-scoped. */
export function registerWidgetFeed(api, getRuntime, wait) {
  if (typeof api.registerGatewayMethod !== "function") return;
  api.registerGatewayMethod(FEED_METHOD, feedHandler((command, args) => getRuntime().run(command, args), wait), {
    scope: "operator.read",
  });
}
