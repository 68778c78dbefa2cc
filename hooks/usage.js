import { promptText } from "./routing.js";

// The only place that knows OpenClaw's hook payload shapes. Picks the few fields the core needs;
// assistant text and prompts never cross into native code or the ledger.

/** `llm_output` (event, ctx) -> the flat object `Runtime.record` takes. */
export function toUsageEvent(event, ctx) {
  return {
    provider: event?.provider,
    model: event?.model,
    resolvedRef: event?.resolvedRef,
    runId: event?.runId ?? ctx?.runId,
    sessionKey: ctx?.sessionKey,
    agentId: ctx?.agentId,
    trigger: ctx?.trigger,
    usage: event?.usage,
  };
}

/** `before_model_resolve` ctx -> [runId, jobId] for cron runs, else undefined. */
export function toCronRun(ctx) {
  if (ctx?.trigger !== "cron" || typeof ctx.runId !== "string" || typeof ctx.jobId !== "string") {
    return undefined;
  }
  return [ctx.runId, ctx.jobId];
}

/** `model_call_ended` (event, ctx) -> the runId whose attempt made the call, or undefined. */
export function toModelCallRun(event, ctx) {
  const runId = event?.runId ?? ctx?.runId;
  return typeof runId === "string" && runId ? runId : undefined;
}

/**
 * OpenClaw's `models.providers` reduced to what pricing and routing read, so API keys, base URLs
 * and headers never reach native code: {provider: {models: [{id, cost, contextWindow, maxTokens,
 * input}]}}.
 */
export function toModelCatalog(config) {
  const providers = config?.models?.providers;
  if (!providers || typeof providers !== "object") return {};
  return Object.fromEntries(Object.entries(providers).map(([id, provider]) => [
    id,
    {
      models: (Array.isArray(provider?.models) ? provider.models : []).map((m) => ({
        id: m?.id,
        cost: m?.cost,
        contextWindow: m?.contextWindow,
        maxTokens: m?.maxTokens,
        input: m?.input,
      })),
    },
  ]));
}

const textLength = (value) => {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((n, part) => n + textLength(part?.text ?? part), 0);
  return 0;
};

/**
 * `llm_input` (event, ctx) -> [runId, characters sent] (system prompt + history + prompt; tool
 * schemas left out), or undefined. Only lengths cross into native code, never the text.
 */
export function toInputChars(event, ctx) {
  const runId = event?.runId ?? ctx?.runId;
  if (typeof runId !== "string" || !runId) return undefined;
  const history = Array.isArray(event?.historyMessages) ? event.historyMessages : [];
  const chars = textLength(event?.systemPrompt) + textLength(event?.prompt) +
    history.reduce((n, message) => n + textLength(message?.content), 0);
  return chars > 0 ? [runId, chars] : undefined;
}

/** `before_model_resolve` (event, ctx) -> the args of the core's `route` command (logged). */
export function toRouteArgs(event, ctx) {
  if (typeof ctx?.modelProviderId !== "string" || typeof ctx?.modelId !== "string") return undefined;
  return {
    prompt: promptText(event?.prompt),
    attachments: Array.isArray(event?.attachments) ? event.attachments.length : 0,
    model: `${ctx.modelProviderId}/${ctx.modelId}`,
    agent: ctx.agentId,
    session: ctx.sessionKey,
    runId: ctx.runId,
    trigger: ctx.trigger,
    jobId: ctx.jobId,
    log: true,
  };
}
