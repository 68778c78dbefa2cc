// Agent tool: "what's my token usage looking like?" `details.routerStatus` is the same
// router.status/1 JSON as `openclaw router status --json`.

export function createStatusTool({ getRuntime, summarizeStatus }) {
  return {
    name: "router_status",
    label: "Model usage, quotas and cost",
    description:
      "Model usage recorded by the model-router plugin: quota windows (used, limit, reset time, alert level), the daily budget, and calls, tokens and cost per provider and model for today, the last 7 days and this month.",
    parameters: {
      type: "object",
      additionalProperties: false,
      properties: {
        provider: { type: "string", description: "Only this provider (e.g. anthropic)." },
      },
    },
    async execute(_toolCallId, params) {
      const { text, value } = await getRuntime().run("status", { provider: params?.provider });
      return {
        content: [{ type: "text", text: summarizeStatus(text) }],
        details: { routerStatus: value },
      };
    },
  };
}
