// Agent tools router_analyze, router_optimize and router_shift: the same JSON as `openclaw router
// analyze|optimize|shift --json`. A plan is only shown; it is applied when the user confirms in a
// second call (confirm: true), or by mode auto.

const summary = (runtime, text) => runtime.render(text);

function tool(name, label, description, properties, command, argsOf) {
  return ({ getRuntime, runWithConfig }) => ({
    name,
    label,
    description,
    parameters: { type: "object", additionalProperties: false, properties },
    async execute(_toolCallId, params) {
      const runtime = getRuntime();
      const { text, value } = await runWithConfig(runtime, command, argsOf(params ?? {}));
      return { content: [{ type: "text", text: summary(runtime, text) }], details: { [name]: value } };
    },
  });
}

const confirm = {
  type: "boolean",
  description: "Apply the plan. Only after the user has seen the plan from a first call without confirm and agreed.",
};

export const createAnalyzeTool = tool(
  "router_analyze",
  "Model spend analysis",
  "What each OpenClaw agent, cron job and heartbeat costs per run and per month, the task classes of their prompts, and findings (cheaper models that clear the quality bar, providers close to running out, idle burn) with monthly savings. Changes nothing.",
  { days: { type: "integer", minimum: 1, maximum: 90, description: "Days of history (default 30)." } },
  "analyze",
  (p) => ({ days: p.days }),
);

export const createOptimizeTool = tool(
  "router_optimize",
  "Model spend plan",
  "The optimizer's plan: concrete config changes (model, fallbacks, router/auto) with before/after, monthly saving and quality risk. Without confirm it only shows the plan; with confirm: true (after the user agreed) it applies the listed actions to openclaw.json and the cron jobs (through the gateway), reversibly (router undo).",
  { confirm, actions: { type: "array", items: { type: "string" }, description: "Action ids to apply (default: all)." } },
  "optimize",
  (p) => ({ apply: p.confirm === true, actions: p.actions }),
);

export const createShiftTool = tool(
  "router_shift",
  "Shift off a provider",
  "Move every agent and cron job off a provider (e.g. when its quota runs low), optionally to a given provider or model and until its window resets or a time. Without confirm it only shows the plan; with confirm: true (after the user agreed) it writes openclaw.json and the cron jobs, reversibly (router undo).",
  {
    provider: { type: "string", description: "The provider to move off, e.g. anthropic." },
    to: { type: "string", description: "Destination provider or provider/model (default: best that clears each agent's classes)." },
    until: { type: "string", description: "reset, <n>h, <n>m, <n>s or epoch ms." },
    confirm,
  },
  "shift",
  (p) => ({ provider: p.provider, to: p.to, until: p.until, apply: p.confirm === true }),
);
