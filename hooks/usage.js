// The only place that knows OpenClaw's hook payload shapes. Picks the few fields the core needs;
// assistant text and prompts never cross into native code or the ledger.

/** `llm_output` (event, ctx) -> the flat object `Recorder.record` takes. */
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
 * OpenClaw's `models.providers` reduced to model ids and costs, so API keys and other provider
 * settings never reach native code: {provider: {models: [{id, cost}]}}.
 */
export function toModelCosts(config) {
  const providers = config?.models?.providers;
  if (!providers || typeof providers !== "object") return {};
  return Object.fromEntries(Object.entries(providers).map(([id, provider]) => [
    id,
    { models: (Array.isArray(provider?.models) ? provider.models : []).map((m) => ({ id: m?.id, cost: m?.cost })) },
  ]));
}
