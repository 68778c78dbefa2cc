// Agent tool: "when will I run out of Codex tokens?" `details.routerPredict` is the same
// router.predict/1 JSON as `openclaw router predict --json`.

export function createPredictTool({ getRuntime, summarizePredict }) {
  return {
    name: "router_predict",
    label: "Quota forecasts",
    description:
      "Forecasts from the model-router plugin: for each quota window (tokens, messages, requests or USD), the current use, the usage rate, the chance of running out before the window resets (within the horizon) and when, and how confident the forecast is.",
    parameters: {
      type: "object",
      additionalProperties: false,
      properties: {
        provider: { type: "string", description: "Only this provider (e.g. openai-codex)." },
        hours: { type: "integer", minimum: 1, maximum: 720, description: "Forecast horizon in hours (default from config)." },
      },
    },
    async execute(_toolCallId, params) {
      const { text, value } = await getRuntime().run("predict", { provider: params?.provider, hours: params?.hours });
      return {
        content: [{ type: "text", text: summarizePredict(text) }],
        details: { routerPredict: value },
      };
    },
  };
}
