// Failover within a turn. OpenClaw calls before_model_resolve once per attempt of a run, with the
// same runId, and tries its fallback list when an attempt fails. A routed run's later attempts
// (on `router/fallback-N` slots, or on any configured fallback) come back here and get the next
// model of the run's own ranked chain; the core decides which, or that the run stops. This file
// only remembers, per run, what was routed and which attempts failed.

const MAX_RUNS = 256;
const MAX_MESSAGE_CHARS = 500;

/**
 * Routed runs by runId: {alias, prompt, ref, answered?, failures: [failure]}, oldest evicted
 * first. The prompt is kept because OpenClaw prefixes a retry's prompt with a note, which would
 * change the turn's class.
 */
export class RoutedRuns {
  constructor(limit = MAX_RUNS) {
    this.limit = limit;
    this.runs = new Map();
  }

  start(runId, alias, prompt, ref) {
    if (typeof runId !== "string" || !runId) return;
    this.runs.delete(runId);
    this.runs.set(runId, { alias, prompt, ref, failures: [] });
    if (this.runs.size > this.limit) this.runs.delete(this.runs.keys().next().value);
  }

  get(runId) {
    return typeof runId === "string" ? this.runs.get(runId) : undefined;
  }
}

/**
 * `llm_output` (event) -> the failure the core classifies ({ref, status, message, empty}), or
 * undefined for an answer. OpenClaw reports a failed attempt with lastAssistant.stopReason
 * "error" (errorMessage "429 ...; Retry-After: 30 seconds", errorCode "429") and no usage; a 200
 * without text or tool call is an empty reply.
 */
export function toFailure(event) {
  if (typeof event?.provider !== "string" || typeof event?.model !== "string") return undefined;
  const ref = `${event.provider}/${event.model}`;
  const last = event.lastAssistant;
  if (last?.stopReason === "error" || (!last && !event.usage)) {
    const status = Number.parseInt(last?.errorCode, 10);
    return {
      ref,
      status: status >= 100 && status <= 599 ? status : undefined,
      message: String(last?.errorMessage ?? "").slice(0, MAX_MESSAGE_CHARS),
    };
  }
  // OpenClaw sends an empty 200 as a finished attempt with no text (and no usage).
  if (last?.stopReason === "stop" && !hasText(event) && !hasToolCall(last)) return { ref, empty: true };
  return undefined;
}

function hasText(event) {
  return Array.isArray(event?.assistantTexts) && event.assistantTexts.some((t) => typeof t === "string" && t.trim());
}

function hasToolCall(last) {
  return Array.isArray(last?.content) && last.content.some((part) => part?.type === "toolCall" || part?.type === "tool_use");
}

/** One line telling the user a fallback answered (routing.failover.annotateReplies). */
export function fallbackNote(run) {
  if (!run?.failures.length || !run.answered) return undefined;
  return `(answered by ${run.answered}: ${run.failures.map((f) => f.ref).join(", ")} failed)`;
}

// Where a routed run that must not go on is sent: the router provider's own endpoint (loopback,
// discard port) answers nothing, so OpenClaw's remaining fallbacks fail without a cloud call.
const BLOCKED = Object.freeze({ providerOverride: "router", modelOverride: "auto" });

/**
 * The before_model_resolve decision for one attempt: the route args (toRouteArgs) of a turn,
 * the runtime and the run memory -> the hook's result. A run seen before with a failed attempt is
 * a fallback: the core picks the next model of the same alias's chain (skipping the failed ones,
 * cooled-down ones and any below the quality floor) or stops, and then the run is blocked.
 */
export async function routeAttempt(runtime, runs, args, warn, onNotRouted = () => {}) {
  const run = runs.get(args.runId);
  if (run?.failures.length) {
    const turn = await runtime.routeTurn({ ...args, prompt: run.prompt, model: `router/${run.alias}`, failed: run.failures });
    if (!turn?.routed) {
      warn(`a routed run stopped after its model failed: ${turn?.reason ?? "no decision"}`);
      return BLOCKED;
    }
    run.ref = `${turn.provider}/${turn.model}`;
    return { providerOverride: turn.provider, modelOverride: turn.model };
  }
  // null: a turn the core does not route (explicit model), answered without the ledger.
  const turn = await runtime.routeTurn(args);
  if (!turn) {
    onNotRouted(args);
    return undefined;
  }
  if (!turn.routed) {
    if (turn.alias) warn(`${args.model} not routed: ${turn.reason}`);
    return undefined;
  }
  runs.start(args.runId, turn.alias, args.prompt, `${turn.provider}/${turn.model}`);
  return { providerOverride: turn.provider, modelOverride: turn.model };
}

/**
 * llm_output: a failed attempt is remembered for its run (routed runs fall over) and recorded in
 * the core (cooldowns, routed or not); an answer after failures is remembered as the answering
 * model. Never waits: the core queues the failure to its writer thread (no command, no JSON).
 */
export function noteAttempt(runtime, runs, event, ctx, warn) {
  const failure = toFailure(event);
  const run = runs.get(event?.runId ?? ctx?.runId);
  if (!failure) {
    if (run?.failures.length) run.answered = `${event.provider}/${event.model}`;
    return;
  }
  if (run) run.failures.push(failure);
  try {
    runtime.recordFailure(event.provider, event.model, failure);
  } catch (err) {
    warn(`failure not recorded: ${err.message}`);
  }
}
