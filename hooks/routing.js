// The `router` model provider and the gateway's decision-only endpoint. Deciding happens in the
// native core (`route` command); this file only maps OpenClaw's shapes.

import { createRequire } from "node:module";

// The router's models, one list: the manifest's modelCatalog (a test holds it to the core's).
const ROUTER_CATALOG = createRequire(import.meta.url)("../openclaw.plugin.json").modelCatalog.providers.router;

/** The provider behind `router/auto` & co. `before_model_resolve` rewrites every turn on it. */
export function routerProvider() {
  const { baseUrl, api, models } = ROUTER_CATALOG;
  const byId = new Map(models.map((model) => [model.id, model]));
  return {
    id: "router",
    label: "Model Router",
    auth: [],
    envVars: [],
    resolveDynamicModel: (ctx) => {
      const model = byId.get(ctx?.modelId);
      return model ? { ...model, provider: "router", api, baseUrl } : undefined;
    },
    catalog: { order: "simple", run: async () => ({ provider: { baseUrl, api, models } }) },
  };
}

/**
 * A turn's prompt as text. OpenClaw passes a string; array-shaped content (`[{type: "text", text}, …]`)
 * keeps only its text parts, never tool results, images or other parts. The core then strips the
 * channel envelope (route/policy.h) so only the user's own words are classified.
 */
export function promptText(prompt) {
  if (typeof prompt === "string") return prompt;
  if (!Array.isArray(prompt)) return "";
  return prompt
    .map((part) => (typeof part === "string" ? part : part?.type === "text" && typeof part.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n");
}

const primaryOf = (model) => (typeof model === "string" ? model : typeof model?.primary === "string" ? model.primary : undefined);

/**
 * The agent's configured primary model, "provider/model" (agents.entries.<id>.model, a legacy
 * agents.list entry, else agents.defaults.model), or undefined. A turn on any other explicit model
 * is the user's own pick (`/model`), which the core keeps even with routing.overrideExplicit.
 */
export function configuredModel(config, agentId) {
  const agents = config?.agents;
  const listed = Array.isArray(agents?.list) ? agents.list.find((a) => a?.id === agentId) : undefined;
  return primaryOf(agents?.entries?.[agentId]?.model) ?? primaryOf(listed?.model) ?? primaryOf(agents?.defaults?.model);
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readJsonBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error("request body over 4 MiB"), { status: 413 });
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw Object.assign(new Error("request body must be JSON such as {\"prompt\": \"...\"}"), { status: 400 });
  }
}

/**
 * `POST /router/v1/route` (gateway auth) with {prompt, agent?, model?, attachments?, contextChars?}:
 * the same router.route/1 JSON as `openclaw router route --json`. Nothing is logged or called.
 */
export function registerRouteEndpoint(api, getRuntime) {
  if (typeof api.registerHttpRoute !== "function") return;
  api.registerHttpRoute({
    path: "/router/v1/route",
    auth: "gateway",
    match: "exact",
    handler: async (req, res) => {
      const reply = (status, text) => {
        res.statusCode = status;
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(text);
        return true;
      };
      try {
        if (req.method !== "POST") return reply(405, `${JSON.stringify({ error: "use POST with a JSON body" })}\n`);
        const body = await readJsonBody(req);
        if (!body || typeof body !== "object" || Array.isArray(body)) {
          return reply(400, `${JSON.stringify({ error: "request body must be a JSON object" })}\n`);
        }
        const { prompt, agent, model, attachments, contextChars } = body;
        const { text } = await getRuntime().run("route", { prompt, agent, model, attachments, contextChars, log: false });
        return reply(200, text);
      } catch (err) {
        const status = err?.status ?? (err?.code === "ROUTER_INVALID_ARGUMENT" ? 400 : 500);
        return reply(status, `${JSON.stringify({ error: err?.message ?? String(err) })}\n`);
      }
    },
  });
}
