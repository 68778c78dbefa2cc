// OpenClaw entry: registration only. Everything that computes lives in the native core.
import os from "node:os";
import path from "node:path";
import { Recorder, summarizePredict, summarizeStatus } from "./binding/index.js";
import { registerCli } from "./cli/register.js";
import { toCronRun, toInputChars, toModelCallRun, toModelCatalog, toRouteArgs, toUsageEvent } from "./hooks/usage.js";
import { registerRouteEndpoint, routerProvider } from "./hooks/routing.js";
import { createTools } from "./tools/index.js";

const EXIT_FLUSH_MS = 3000;
const ALERT_CHECK_INTERVAL_MS = 30_000;
const recorders = new Set();
let exitHookInstalled = false;

// `openclaw agent --local` calls process.exit ~250 ms after the last llm_output; 'exit' handlers
// run synchronously, so queued usage is committed here. Once per process, not per instance.
function flushOnExit(recorder) {
  recorders.add(recorder);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const r of recorders) {
      try {
        r.flushSync(EXIT_FLUSH_MS);
      } catch (err) {
        process.stderr.write(`model-router: usage not saved at exit: ${err.message}\n`);
      }
    }
  });
}

function resolveStateDir(api) {
  try {
    const dir = api.runtime?.state?.resolveStateDir?.(process.env);
    if (dir) return dir;
  } catch {
    // cli-metadata instances have no runtime; fall through to OpenClaw's documented default.
  }
  const home = process.env.OPENCLAW_HOME || os.homedir();
  return process.env.OPENCLAW_STATE_DIR || path.join(home, ".openclaw");
}

export default {
  id: "model-router",
  name: "Model Router",
  description: "Records model usage and cost; quotas, forecasts and per-turn routing.",
  register(api) {
    let recorder;
    // Lazy: register() must stay cheap, and a bad config should surface where it is used.
    const getRecorder = () => {
      recorder ??= new Recorder({
        config: api.pluginConfig ?? {},
        stateDir: resolveStateDir(api),
        openclawModels: toModelCatalog(api.config),
      });
      flushOnExit(recorder);
      for (const warning of recorder.catalogWarnings) api.logger.warn(`model-router: ${warning}`);
      return recorder;
    };

    api.registerCli(
      ({ program }) => registerCli(program, { getRecorder }),
      { descriptors: [{ name: "router", description: "Model usage, cost, quotas and routing", hasSubcommands: true }] },
    );
    // Agent hooks are dispatched to discovery-mode instances too, so only cli-metadata skips them.
    if (api.registrationMode === "cli-metadata") return;

    const warned = new Set();
    const warn = (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      api.logger.warn(`model-router: ${message}`);
    };

    // The provider only makes `router/*` valid model refs; every turn on one is rewritten below.
    api.registerProvider(routerProvider());

    // Routes a `router/*` turn (and, with routing.overrideExplicit, any turn). Any failure leaves
    // the turn as it was: routing must never be the reason a turn fails.
    api.on("before_model_resolve", async (event, ctx) => {
      try {
        const cronRun = toCronRun(ctx);
        if (cronRun) getRecorder().noteCronRun(...cronRun);
        const args = toRouteArgs(event, ctx);
        // Explicit models are left alone unless configured: such turns never wait on the ledger.
        if (!args || (ctx.modelProviderId !== "router" && !getRecorder().routesExplicit)) return undefined;
        const { value } = await getRecorder().run("route", args);
        if (!value.choice) {
          if (value.requested.alias) warn(`${args.model} not routed: ${value.reason}`);
          return undefined;
        }
        return { providerOverride: value.choice.provider, modelOverride: value.choice.model };
      } catch (err) {
        warn(`routing skipped: ${err.message}`);
        return undefined;
      }
    });

    api.on("llm_input", (event, ctx) => {
      try {
        const input = toInputChars(event, ctx);
        if (input) getRecorder().noteInputChars(...input);
      } catch (err) {
        warn(err.message);
      }
    });

    api.on("model_call_ended", (event, ctx) => {
      try {
        const runId = toModelCallRun(event, ctx);
        if (runId) getRecorder().noteModelCall(runId);
      } catch (err) {
        warn(err.message);
      }
    });

    // Threshold crossings are logged once per window by the core; this asks at most every 30 s.
    let lastAlertCheck = 0;
    const checkAlerts = () => {
      if (Date.now() - lastAlertCheck < ALERT_CHECK_INTERVAL_MS) return;
      lastAlertCheck = Date.now();
      getRecorder()
        .run("check-alerts", {})
        .then(({ value }) => value.new.forEach((message) => api.logger.warn(`model-router: ${message}`)))
        .catch((err) => warn(`quota check failed: ${err.message}`));
    };

    // Observe-only: never throws into OpenClaw, never waits on the disk.
    api.on("llm_output", (event, ctx) => {
      try {
        const problems = getRecorder().record(toUsageEvent(event, ctx));
        if (problems) for (const problem of problems) api.logger.warn(`model-router: ${problem}`);
        checkAlerts();
      } catch (err) {
        warn(`usage not recorded: ${err.message}`);
      }
    });

    for (const tool of createTools({ getRecorder, summarizeStatus, summarizePredict })) api.registerTool(tool);
    registerRouteEndpoint(api, getRecorder);
  },
};
