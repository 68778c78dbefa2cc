// The native surface of binding/index.js (router_addon.node behind it). Shapes of command results
// are the core's JSON, documented in core/include/router/commands/*.h.

export interface RuntimeOptions {
  /** plugins.entries.model-router.config; validated by the core. */
  config?: object;
  /** OpenClaw's state dir; the ledger defaults to <stateDir>/model-router/ledger.sqlite. */
  stateDir: string;
  /** OpenClaw's models.providers reduced to {provider: {models: [{id, cost?, contextWindow?, maxTokens?, input?}]}}. */
  openclawModels?: object;
}

/** What the before_model_resolve hook needs of a routed turn. */
export interface TurnRoute {
  /** A model was chosen: rewrite the turn to provider/model. */
  routed: boolean;
  provider: string;
  model: string;
  /** The router model asked for ("auto", ...); "" for a kept explicit model. */
  alias: string;
  reason: string;
  /** The ledger row of the logged decision; 0 when none was logged. */
  decisionId: number;
}

export interface RouteArgs {
  prompt: string;
  model?: string;
  agent?: string;
  session?: string;
  runId?: string;
  trigger?: string;
  jobId?: string;
  configuredModel?: string;
  attachments?: number;
  contextChars?: number;
  log?: boolean;
  /** A fallback attempt's earlier failures, oldest first. */
  failed?: { ref: string; status?: number; message?: string; retryAfter?: string; empty?: boolean }[];
}

export type CommandName =
  | "status" | "providers" | "set-usage" | "reset" | "mode" | "undo" | "check-alerts" | "route" | "predict" | "decisions" | "page";

export class Runtime {
  /** Throws TypeError for a wrong call, an Error with code ROUTER_INVALID_ARGUMENT for bad config. */
  constructor(options: RuntimeOptions);
  readonly ledgerPath: string;
  readonly timezone: string;
  readonly catalogWarnings: string[];
  /** Queues one llm_output attempt; returns log-worthy problems or undefined. Never blocks. */
  record(event: object): string[] | undefined;
  noteCronRun(runId: string, jobId: string): void;
  noteModelCall(runId: string): void;
  noteInputChars(runId: string, chars: number): void;
  /** Queues a failed attempt; the core classifies it and stores its cooldown off-thread. */
  recordFailure(provider: string, model: string,
    failure: { ref: string; status?: number; message?: string; empty?: boolean }): void;
  /** Blocks until queued usage is committed; only for process exit. */
  flushSync(timeoutMs?: number): void;
  flush(timeoutMs?: number): Promise<void>;
  /** The command's JSON text (exactly what --json prints) and its parsed value. */
  run(name: CommandName, args?: object): Promise<{ text: string; value: any }>;
  routeTurn(args: RouteArgs): Promise<TurnRoute | null>;
  /** Human text for a command's JSON text. */
  render(text: string): string;
}

export function summarizeStatus(jsonText: string): string;
export function summarizePredict(jsonText: string): string;
export const routerModels: readonly string[];
