// Provider-reported usage, fetched in the Gateway's background (a registered service) and never
// on a turn's path. Each cycle hands the core OpenClaw's own usage snapshot (`usage.status`) and
// the API keys of the providers this plugin reads itself (the core's `fetch-plan` says which); the
// core fetches, records and says when to fetch each provider again
// (core/include/router/commands/fetch.h).
// Keys go only into that call's arguments: never into a log line, an error or the result.
import { execFile } from "node:child_process";

const USAGE_STATUS_TIMEOUT_MS = 20_000;
const FIRST_FETCH_DELAY_MS = 10_000;
const MIN_DELAY_MS = 10_000;

/** Whether some provider has quotaSource "api" (its accounts are fetched with it). */
export function hasApiProvider(pluginConfig) {
  return Object.values(pluginConfig?.providers ?? {}).some((p) => p?.quotaSource === "api");
}

// The keys of the providers the core's `fetch-plan` lists (those it reads with an own adapter):
// an account's from its keyEnv variable, else what OpenClaw resolves for the provider's own id
// (never the key of the provider an account belongs to).
async function keysFor(api, planned) {
  const keys = {};
  for (const { provider: id, keyEnv } of planned) {
    const fromEnv = keyEnv ? process.env[keyEnv] : undefined;
    if (fromEnv) {
      keys[id] = fromEnv;
      continue;
    }
    try {
      const auth = await api.runtime?.modelAuth?.resolveApiKeyForProvider?.({ provider: id, cfg: api.config });
      if (typeof auth?.apiKey === "string" && auth.apiKey) keys[id] = auth.apiKey;
    } catch {
      // No key: the core reports "no API key" for this provider (the reason is not echoed: it may
      // quote the credential source).
    }
  }
  return keys;
}

// `openclaw gateway call usage.status --json` from the CLI process (no in-process Gateway there).
function usageStatusViaCli() {
  return new Promise((resolve) => {
    execFile(process.execPath, [process.argv[1], "gateway", "call", "usage.status", "--json"],
      { timeout: USAGE_STATUS_TIMEOUT_MS, maxBuffer: 8 << 20, env: process.env },
      (error, stdout) => {
        if (error) return resolve({ error: `openclaw gateway call usage.status failed (${error.code ?? error.signal ?? "error"})` });
        try {
          resolve({ snapshot: JSON.parse(stdout) });
        } catch {
          resolve({ error: "openclaw gateway call usage.status printed no JSON" });
        }
      });
  });
}

// Whether this process was started as `openclaw …`, so the CLI can be run again as a child.
const insideOpenClaw = () => /openclaw/.test(process.argv[1] ?? "");

/**
 * OpenClaw's usage snapshot: {snapshot} or {error} (why it could not be read). In the Gateway,
 * OpenClaw 2026.9.6 refuses in-process requests from plugins that are not bundled or official
 * ("Gateway requests are only available to bundled or trusted official plugins"), so then the CLI
 * asks the Gateway (`openclaw gateway call usage.status`, using the Gateway auth in its config or
 * environment).
 */
export async function readUsageStatus(api, { viaCli = false } = {}) {
  const gateway = api.runtime?.gateway;
  let error = "this OpenClaw has no in-process Gateway requests";
  if (!viaCli && typeof gateway?.request === "function") {
    try {
      if (typeof gateway.isAvailable === "function" && !(await gateway.isAvailable())) {
        return { error: "the Gateway is not available in this process" };
      }
      return { snapshot: await gateway.request("usage.status", {}, { timeoutMs: USAGE_STATUS_TIMEOUT_MS }) };
    } catch (err) {
      error = `usage.status: ${err?.code ?? ""} ${err?.message ?? err}`.trim();
    }
  }
  if (viaCli || insideOpenClaw()) {
    const viaChild = await usageStatusViaCli();
    return viaChild.snapshot || viaCli ? viaChild : { error: `${error}; ${viaChild.error}` };
  }
  return { error };
}

/**
 * The fetch command's arguments: snapshot, its error, and the keys of the providers the core says
 * it reads with an own adapter (`fetch-plan`, given the same snapshot).
 */
export async function fetchArgs(api, runtime, { provider, viaCli = false } = {}) {
  const { snapshot, error } = await readUsageStatus(api, { viaCli });
  // As text: the core parses it on its worker thread, off the Gateway's.
  const snapshotText = snapshot ? JSON.stringify(snapshot) : undefined;
  const { value: plan } = await runtime.run("fetch-plan", { provider, snapshotText });
  const keys = await keysFor(api, plan.providers);
  return { provider, snapshotText, snapshotError: error, keys };
}

/**
 * The background service: one fetch cycle at a time (so one request per provider at a time), at
 * the earliest time the core asked for (jittered, backed off on errors, after Retry-After).
 */
export function usageFetchService(api, getRuntime, warn) {
  let timer;
  let running = false;
  let stopped = true;
  const schedule = (delayMs) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(cycle, Math.max(MIN_DELAY_MS, delayMs));
    timer.unref?.();
  };
  async function cycle() {
    if (running || stopped) return;
    running = true;
    let next = (api.pluginConfig?.usageFetch?.intervalMinutes ?? 5) * 60_000;
    try {
      const runtime = getRuntime();
      const { value } = await runtime.run("fetch", await fetchArgs(api, runtime));
      const delays = value.providers.map((p) => p.nextInMs);
      if (delays.length > 0) next = Math.min(...delays);
      for (const p of value.providers) if (!p.ok) warn(`usage fetch for ${p.provider} failed: ${p.error}`);
    } catch (err) {
      warn(`usage fetch failed: ${err?.message ?? err}`);
    } finally {
      running = false;
      schedule(next);
    }
  }
  return {
    id: "model-router-usage-fetch",
    start() {
      stopped = false;
      schedule(FIRST_FETCH_DELAY_MS);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Registers the service when some provider has quotaSource "api" and fetching is not off. */
export function registerUsageFetch(api, getRuntime, warn) {
  if (api.pluginConfig?.usageFetch?.enabled === false) return;
  if (!hasApiProvider(api.pluginConfig)) return;
  if (typeof api.registerService !== "function") return;
  api.registerService(usageFetchService(api, getRuntime, warn));
}
