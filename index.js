// OpenClaw entry: registration only. Everything that computes lives in the native core.
import os from "node:os";
import path from "node:path";
import { Runtime, summarizePredict, summarizeStatus } from "./binding/index.js";
import { registerCli } from "./cli/register.js";
import { toCronRun, toInputChars, toModelCallRun, toModelCatalog, toRouteArgs, toUsageEvent } from "./hooks/usage.js";
import { configuredModel, registerRouteEndpoint, routerProvider } from "./hooks/routing.js";
import { autoOptimize, runWithConfig } from "./hooks/config_writes.js";
import { credentialArgs } from "./hooks/credentials.js";
import { fallbackNote, noteAttempt, RoutedRuns, routeAttempt } from "./hooks/failover.js";
import { fetchArgs, registerUsageFetch } from "./hooks/usage_fetch.js";
import { createTools } from "./tools/index.js";
import { registerOperations } from "./ui/operations.js";
import { registerSurfaces } from "./ui/surfaces.js";

const EXIT_FLUSH_MS = 3000;
const ALERT_CHECK_INTERVAL_MS = 30_000;
const runtimes = new Set();
let exitHookInstalled = false;

// Queued usage is committed synchronously when the process ends: on 'exit' (`openclaw agent
// --local` calls process.exit ~250 ms after the last llm_output) and on SIGTERM/SIGINT, which
// otherwise end the process before the queue drains. Once per process, not per instance.
function flushAll() {
  for (const r of runtimes) {
    try {
      r.flushSync(EXIT_FLUSH_MS);
    } catch (err) {
      process.stderr.write(`model-router: usage not saved at exit: ${err.message}\n`);
    }
  }
}

// A 'SIGTERM' listener turns off Node's default (exit by the signal), so when ours was the only
// one it re-raises the signal after flushing: the process still dies as it would have. When the
// host (OpenClaw) listens too, its handler decides, and its process.exit flushes again, cheaply.
function flushOnSignal(signal) {
  process.once(signal, () => {
    flushAll();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function flushOnExit(runtime) {
  runtimes.add(runtime);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", flushAll);
  flushOnSignal("SIGTERM");
  flushOnSignal("SIGINT");
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
    let runtime;
    // Lazy: register() must stay cheap, and a bad config should surface where it is used.
    const getRuntime = () => {
      if (runtime) return runtime;
      runtime = new Runtime({
        config: api.pluginConfig ?? {},
        stateDir: resolveStateDir(api),
        openclawModels: toModelCatalog(api.config),
      });
      flushOnExit(runtime);
      for (const warning of runtime.catalogWarnings) api.logger.warn(`model-router: ${warning}`);
      return runtime;
    };

    // analyze/optimize/shift/undo read OpenClaw's config and write through its config writer.
    const runOptimizer = (runtime, name, args) => runWithConfig(api, runtime, name, args);
    api.registerCli(
      ({ program }) => registerCli(program, {
        getRuntime,
        runOptimizer,
        fetchArgs: (provider) => fetchArgs(api, getRuntime(), { provider, viaCli: true }),
        credentialFacts: () => credentialArgs(api, resolveStateDir(api)),
      }),
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

    // Control UI: read operations and the events that refresh an open Router page.
    const ui = registerOperations(api, getRuntime);

    // The provider only makes `router/*` valid model refs; every turn on one is rewritten below.
    api.registerProvider(routerProvider());

    // Routes a `router/*` turn (and, with routing.overrideExplicit, any turn), and each later
    // attempt of a routed run whose model failed (hooks/failover.js). Any error leaves the turn as
    // it was: routing must never be the reason a turn fails.
    const routedRuns = new RoutedRuns();
    // A turn the router does not route: keep only its prompt's class, so the optimizer knows
    // each agent's mix of work (the prompt itself is never stored).
    const noteClass = ({ prompt, agent, jobId, trigger }) => {
      if (!prompt) return;
      getRuntime().run("note-class", { prompt, agent, jobId, trigger }).catch((err) => warn(`class not noted: ${err.message}`));
    };
    api.on("before_model_resolve", async (event, ctx) => {
      try {
        const cronRun = toCronRun(ctx);
        if (cronRun) getRuntime().noteCronRun(...cronRun);
        const args = toRouteArgs(event, ctx);
        if (!args) return undefined;
        args.configuredModel = configuredModel(api.config, ctx?.agentId);
        const firstAttempt = !routedRuns.get(args.runId);
        const override = await routeAttempt(getRuntime(), routedRuns, args, warn, noteClass);
        // A routed turn's decision has no job id: a cron run's class is counted for its job here.
        if (override && firstAttempt && cronRun) noteClass({ ...args, jobId: cronRun[1], trigger: "cron" });
        return override;
      } catch (err) {
        warn(`routing skipped: ${err.message}`);
        return undefined;
      }
    });

    api.on("llm_input", (event, ctx) => {
      try {
        const input = toInputChars(event, ctx);
        if (input) getRuntime().noteInputChars(...input);
      } catch (err) {
        warn(err.message);
      }
    });

    api.on("model_call_ended", (event, ctx) => {
      try {
        const runId = toModelCallRun(event, ctx);
        if (runId) getRuntime().noteModelCall(runId);
      } catch (err) {
        warn(err.message);
      }
    });

    // Mode auto (and dry-run's report, due shifts, changes OpenClaw ignored): the core decides.
    let optimizing = false;
    const checkOptimizer = () => {
      if (optimizing) return;
      optimizing = true;
      autoOptimize(api, getRuntime(), (message) => api.logger.warn(`model-router: ${message}`))
        .catch((err) => warn(`optimizer check failed: ${err.message}`))
        .finally(() => { optimizing = false; });
    };

    // Threshold crossings are logged once per window by the core; this asks at most every 30 s.
    let lastAlertCheck = 0;
    const checkAlerts = () => {
      if (Date.now() - lastAlertCheck < ALERT_CHECK_INTERVAL_MS) return;
      lastAlertCheck = Date.now();
      getRuntime()
        .run("check-alerts", {})
        .then(({ value }) => {
          value.new.forEach((message) => api.logger.warn(`model-router: ${message}`));
          if (value.new.length > 0) ui.alertsLogged();
        })
        .catch((err) => warn(`quota check failed: ${err.message}`))
        .finally(checkOptimizer);
    };

    // Observe-only: never throws into OpenClaw, never waits on the disk.
    api.on("llm_output", (event, ctx) => {
      try {
        const problems = getRuntime().record(toUsageEvent(event, ctx));
        if (problems) for (const problem of problems) api.logger.warn(`model-router: ${problem}`);
        noteAttempt(getRuntime(), routedRuns, event, ctx, warn);
        ui.usageRecorded();
        checkAlerts();
      } catch (err) {
        warn(`usage not recorded: ${err.message}`);
      }
    });

    // Opt-in (routing.failover.annotateReplies): a reply a fallback answered says so.
    if (api.pluginConfig?.routing?.failover?.annotateReplies === true) {
      api.on("reply_payload_sending", (event) => {
        const note = fallbackNote(routedRuns.get(event?.runId));
        const text = event?.payload?.text;
        if (!note || typeof text !== "string") return undefined;
        return { payload: { ...event.payload, text: `${text}\n\n${note}` } };
      });
    }

    // Provider-reported usage in the background, off every turn's path (usageFetch.enabled).
    registerUsageFetch(api, getRuntime, warn);

    const tools = createTools({ getRuntime, summarizeStatus, summarizePredict, runWithConfig: runOptimizer });
    for (const tool of tools) api.registerTool(tool);
    registerRouteEndpoint(api, getRuntime);
    registerSurfaces(api, getRuntime);
  },
};
