// Where the Router page appears in the Control UI besides the native page (dist/control-ui/):
// - a dashboard widget descriptor: the Gateway advertises the native widget only with it;
// - a sidebar tab whose content is the same page rendered on the server and served from a
//   gateway-authenticated HTTP route in a sandboxed frame. That path runs no plugin code in the
//   browser, so it works with the "Custom plugin UI" lab setting off.
import { renderDocument } from "../dist/control-ui/render.js";
import { importOpenclaw } from "./openclaw_sdk.js";

export const PAGE_PATH = "/router/v1/page";
const READ = ["operator.read"];
// Scopes that satisfy operator.read (OpenClaw's operatorScopeSatisfied: write and admin imply it).
const READ_SATISFIED_BY = new Set(["operator.read", "operator.write", "operator.admin"]);

// The Gateway request scope the route handler runs in (OpenClaw's plugin SDK, loaded only inside
// OpenClaw; undefined elsewhere). Its client carries the caller's operator scopes.
let loadScopeGetter;

async function gatewayRequestScope() {
  loadScopeGetter ??= importOpenclaw("plugin-sdk/plugin-runtime").then((sdk) => sdk.getPluginRuntimeGatewayRequestScope, () => undefined);
  return (await loadScopeGetter)?.();
}

/**
 * Whether the caller may read the page: gateway auth only says who the caller is, and a device
 * token or trusted-proxy identity may carry e.g. operator.approvals alone. Returns an HTTP
 * status and message to refuse with, or null. Without a request scope (no SDK) it refuses.
 */
export function refusal(scope) {
  const scopes = scope?.client?.connect?.scopes;
  if (!Array.isArray(scopes)) return { status: 503, message: "the caller's operator scopes are unavailable" };
  if (!scopes.some((s) => READ_SATISFIED_BY.has(s))) return { status: 403, message: "operator.read scope required" };
  return null;
}

function registerDescriptor(api, descriptor) {
  const register = api.session?.controls?.registerControlUiDescriptor ?? api.registerControlUiDescriptor;
  if (typeof register === "function") register.call(api.session?.controls ?? api, descriptor);
}

/** `requestScope` is for tests: it stands in for OpenClaw's Gateway request scope. */
export function registerSurfaces(api, getRuntime, { requestScope = gatewayRequestScope } = {}) {
  registerDescriptor(api, {
    surface: "widget",
    id: "router-summary",
    label: "Router: spend, exhaustion, savings",
    description: "Today's spend against the budget, the nearest quota exhaustion and today's routing savings.",
    requiredScopes: READ,
  });
  registerDescriptor(api, {
    surface: "tab",
    id: "router-report",
    label: "Router report",
    description: "Quota windows, forecasts, routing decisions and savings (model-router).",
    icon: "activity",
    group: "control",
    path: PAGE_PATH,
    requiredScopes: READ,
  });
  if (typeof api.registerHttpRoute !== "function") return;
  api.registerHttpRoute({
    path: PAGE_PATH,
    auth: "gateway",
    match: "exact",
    // The caller's own scopes (device token, trusted proxy, Control UI grant), not the default
    // surface's blanket operator.write for every authenticated caller.
    gatewayRuntimeScopeSurface: "trusted-operator",
    handler: async (req, res) => {
      const reply = (status, type, body) => {
        res.statusCode = status;
        res.setHeader("content-type", `${type}; charset=utf-8`);
        res.setHeader("cache-control", "no-store");
        res.end(req.method === "HEAD" ? undefined : body);
        return true;
      };
      if (req.method !== "GET" && req.method !== "HEAD") return reply(405, "text/plain", "use GET\n");
      const scope = await requestScope();
      const refused = refusal(scope);
      if (refused) return reply(refused.status, "text/plain", `model-router: ${refused.message}\n`);
      let html;
      try {
        html = renderDocument((await getRuntime().run("page", {})).value);
      } catch (err) {
        return reply(500, "text/plain", `model-router: ${err?.message ?? err}\n`);
      }
      // OpenClaw's rule before disclosing data: recheck the grant (it answers 401 and throws when
      // the credential expired or was narrowed meanwhile).
      try {
        await scope.revalidate?.();
      } catch {
        if (!res.writableEnded) reply(401, "text/plain", "Unauthorized\n");
        return true;
      }
      return reply(200, "text/html", html);
    },
  });
}
