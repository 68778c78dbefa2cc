// Read operations for the Control UI (OpenClaw's typed feature operations: each one is a plugin
// session action, so the Gateway checks `operator.read` before the handler runs), plus the events
// that tell an open Router page to refresh. Each operation answers with a core command's JSON
// unchanged: the same document `openclaw router <command> --json` prints.

import { registerWidgetFeed } from "./widget_feed.js";

export const PLUGIN_ID = "model-router";
const READ_SCOPE = "operator.read";
const MAX_RESULT_CHARS = 1 << 20;  // a status document of a few hundred models is ~200 KiB
const USAGE_EVENT_DELAY_MS = 1500;  // usage is committed by a background writer; let it land
const FEED_WAIT_MS = 25_000;  // the widget feed's longest wait for new usage (ui/widget_feed.js)
const FEED_MAX_WAITERS = 32;  // reads held at once; more answer at once instead of waiting

const provider = { type: "string", minLength: 1, maxLength: 128 };
const noInput = { type: "object", additionalProperties: false, properties: {} };

/** Operation id -> the core command it runs and its input schema (JSON Schema). */
export const OPERATIONS = {
  status: {
    command: "status",
    description: "Spend, quota windows, daily budget, alerts and routing savings (router.status/1)",
    input: { type: "object", additionalProperties: false, properties: { provider } },
  },
  predict: {
    command: "predict",
    description: "When each quota window runs out at the current pace (router.predict/1)",
    input: {
      type: "object",
      additionalProperties: false,
      properties: { provider, hours: { type: "integer", minimum: 1, maximum: 720 } },
    },
  },
  providers: {
    command: "providers",
    description: "Configured providers and every provider and model seen (router.providers/1)",
    input: noInput,
  },
  page: {
    command: "page",
    description: "Everything the Router page shows in one call: status, predict, decisions and chart data (router.page/1)",
    input: {
      type: "object",
      additionalProperties: false,
      properties: { decisions: { type: "integer", minimum: 1, maximum: 50 } },
    },
  },
  decisions: {
    command: "decisions",
    description: "The newest routing decisions with class, model, cost and saving (router.decisions/1)",
    input: {
      type: "object",
      additionalProperties: false,
      properties: { limit: { type: "integer", minimum: 1, maximum: 50 } },
    },
  },
};

/** Events an open page listens to; the payload carries no usage data, only the time. */
export const EVENTS = { usage: "usage", alerts: "alerts" };

function operationHandler(getRuntime, command) {
  return async (action) => {
    try {
      const { text, value } = await getRuntime().run(command, action.payload ?? {});
      if (text.length > MAX_RESULT_CHARS) {
        return { ok: false, error: `${command} result is larger than ${MAX_RESULT_CHARS} characters; filter by provider` };
      }
      return { ok: true, result: value };
    } catch (err) {
      return { ok: false, error: String(err?.message ?? err), code: "ROUTER_ERROR" };
    }
  };
}

// One emitter per process, not per plugin instance or module copy: OpenClaw starts the service in
// the gateway's instance while agent turns run their hooks in fresh registrations of their own.
const shared = (globalThis[Symbol.for("model-router.ui-events")] ??= { gatewayEvents: undefined, usageTimer: undefined });
shared.waiters ??= new Set();  // the widget feed's held reads: each a function called on usage
shared.lastUsageAtMs ??= 0;

function emit(event) {
  try {
    shared.gatewayEvents?.emit(event, { atMs: Date.now() }, { scope: READ_SCOPE });
  } catch {
    shared.gatewayEvents = undefined;  // its lease ended (plugin reload); the next start sets one
  }
}

// Trailing and coalesced: a burst of calls gives one refresh once the writer has committed.
function usageRecorded() {
  if (shared.usageTimer || (!shared.gatewayEvents && shared.waiters.size === 0)) return;
  shared.usageTimer = setTimeout(() => {
    shared.usageTimer = undefined;
    shared.lastUsageAtMs = Date.now();
    emit(EVENTS.usage);
    for (const wake of [...shared.waiters]) wake();
  }, USAGE_EVENT_DELAY_MS);
  shared.usageTimer.unref?.();
}

/**
 * Resolves once usage recorded after `afterMs` (epoch ms) is committed, or after `timeoutMs`;
 * at once if that already happened or `maxWaiters` reads are held. Never rejects.
 */
export function waitForUsage(afterMs, timeoutMs = FEED_WAIT_MS, maxWaiters = FEED_MAX_WAITERS) {
  if (shared.lastUsageAtMs > afterMs || shared.waiters.size >= maxWaiters) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      shared.waiters.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, timeoutMs);
    timer.unref?.();
    shared.waiters.add(wake);
  });
}

/**
 * Registers the read operations and the event service. Returns {usageRecorded(), alertsLogged()}
 * for the hooks to call; both are no-ops until the Gateway starts the service (CLI processes).
 */
export function registerOperations(api, getRuntime) {
  // The live widget's feed; registered whenever the Gateway method API exists, because the
  // manifest's dashboard binding names it and OpenClaw refuses the plugin if it is missing.
  registerWidgetFeed(api, getRuntime, waitForUsage);
  const none = { usageRecorded, alertsLogged() {} };
  // Hosts without feature operations (older OpenClaw) still get everything else.
  if (typeof api.registerSessionAction !== "function" || typeof api.registerService !== "function") return none;
  for (const [id, op] of Object.entries(OPERATIONS)) {
    api.registerSessionAction({
      id,
      description: op.description,
      schema: op.input,
      requiredScopes: [READ_SCOPE],
      handler: operationHandler(getRuntime, op.command),
    });
  }
  api.registerService({
    id: `${PLUGIN_ID}:ui-events`,
    start(context) {
      if (context.gatewayEvents) shared.gatewayEvents = context.gatewayEvents;
      api.logger.info?.(`model-router: Control UI events ${context.gatewayEvents ? "on" : "unavailable"}`);
    },
    stop(context) {
      if (!context?.gatewayEvents || context.gatewayEvents === shared.gatewayEvents) shared.gatewayEvents = undefined;
      clearTimeout(shared.usageTimer);
      shared.usageTimer = undefined;
    },
  });
  return { usageRecorded, alertsLogged: () => emit(EVENTS.alerts) };
}
