// Loads the native module. Async natives are wrapped once so a rejection keeps the caller's
// stack (the native side only knows the libuv pool thread) plus the stable `code`.
// Which binary (a source build or this platform's prebuild) is decided in ./native.js.
import { loadAddon } from "./native.js";

const addon = loadAddon();

async function withCallerStack(promise, callSite) {
  try {
    return await promise;
  } catch (err) {
    callSite.message = err?.message ?? String(err);
    if (err?.code) callSite.code = err.code;
    throw callSite;
  }
}

/**
 * A routed turn ([routed, provider, model, alias, reason, decisionId] from the addon) as an
 * object. Like withCallerStack, without `new Error()` up front (about 1.5 µs of OpenClaw's
 * thread per turn): the error made after the await still names the callers that await it, through
 * V8's async stack traces (routeAttempt, the hook).
 */
async function turnOf(promise) {
  try {
    const turn = await promise;
    if (turn === null) return null;
    const [routed, provider, model, alias, reason, decisionId] = turn;
    return { routed, provider, model, alias, reason, decisionId };
  } catch (err) {
    const error = new Error(err?.message ?? String(err));
    if (err?.code) error.code = err.code;
    throw error;
  }
}

/**
 * The native core for one plugin instance (core/include/router/runtime/runtime.h): records usage,
 * runs commands and routes turns. Instances on the same ledger file share one queue and
 * connection. Types: ./index.d.ts.
 */
export class Runtime {
  #native;

  constructor(options) {
    this.#native = addon.openRuntime(options);
    this.ledgerPath = this.#native.ledgerPath;
    this.timezone = this.#native.timezone;
    /** Problems with the model catalog (unknown models scored conservatively), one line each. */
    this.catalogWarnings = this.#native.catalogWarnings;
  }

  /** Queues one `llm_output` attempt; returns log-worthy problems or undefined. Never blocks. */
  record(event) {
    return this.#native.record(event);
  }

  noteCronRun(runId, jobId) {
    this.#native.noteCronRun(runId, jobId);
  }

  noteModelCall(runId) {
    this.#native.noteModelCall(runId);
  }

  /** Characters the run's current attempt sent (from `llm_input`), to calibrate chars/token. */
  noteInputChars(runId, chars) {
    this.#native.noteInputChars(runId, chars);
  }

  /**
   * Queues a failed attempt ({ref, status?, message?, empty?} as hooks/failover.js's toFailure
   * makes it, with the event's provider and model): the core classifies it and stores its
   * cooldown on the writer thread. Never blocks; throws only for a bad argument.
   */
  recordFailure(provider, model, failure) {
    this.#native.recordFailure(provider, model, failure.status ?? 0, failure.message ?? "", failure.empty === true);
  }

  /** Blocks until queued usage is committed; only for process exit. */
  flushSync(timeoutMs) {
    this.#native.flushSync(timeoutMs);
  }

  flush(timeoutMs) {
    return withCallerStack(this.#native.flush(timeoutMs), new Error());
  }

  /**
   * Runs a core command (status, providers, set-usage, reset, mode, undo, check-alerts, route,
   * predict).
   * Resolves {text, value}: the JSON text `--json` prints unchanged, and its parsed value.
   */
  async run(name, args) {
    const text = await withCallerStack(this.#native.run(name, args), new Error());
    return { text, value: JSON.parse(text) };
  }

  /**
   * Routes one turn (args as the `route` command takes them) and logs the decision. Resolves
   * null at once for a turn the router does not decide (an explicit model, unless
   * routing.overrideExplicit), else {routed, provider, model, alias, reason, decisionId}.
   */
  routeTurn(args) {
    if (typeof args !== "object" || args === null) throw new TypeError("routeTurn(args: object)");
    // Positional, so the native side reads no property and converts no JSON (the hook's path).
    const { prompt, model, agent, session, runId, trigger, jobId, configuredModel, attachments, contextChars, log, failed } = args;
    const pending = this.#native.routeTurn(prompt, model, agent, session, runId, trigger, jobId, configuredModel, attachments, contextChars, log, failed);
    return turnOf(pending);
  }

  /** Human text for a command's JSON text. */
  render(text) {
    return addon.render(text, this.timezone);
  }
}

export const { summarizeStatus, summarizePredict } = addon;
/** The router's model ids ("auto", "coding", ...), as the core knows them. */
export const routerModels = addon.routerModels;
