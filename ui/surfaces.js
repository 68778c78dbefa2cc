// Where the Router page appears in the Control UI besides the native page (dist/control-ui/):
// - a dashboard widget descriptor: the Gateway advertises the native widget only with it;
// - a sidebar tab whose content is the same page rendered on the server and served from a
//   gateway-authenticated HTTP route in a sandboxed frame. That path runs no plugin code in the
//   browser, so it works with the "Custom plugin UI" lab setting off.
import { renderDocument } from "../dist/control-ui/render.js";

export const PAGE_PATH = "/router/v1/page";
const READ = ["operator.read"];

function registerDescriptor(api, descriptor) {
  const register = api.session?.controls?.registerControlUiDescriptor ?? api.registerControlUiDescriptor;
  if (typeof register === "function") register.call(api.session?.controls ?? api, descriptor);
}

export function registerSurfaces(api, getRuntime) {
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
    handler: async (req, res) => {
      const reply = (status, type, body) => {
        res.statusCode = status;
        res.setHeader("content-type", `${type}; charset=utf-8`);
        res.setHeader("cache-control", "no-store");
        res.end(req.method === "HEAD" ? undefined : body);
        return true;
      };
      if (req.method !== "GET" && req.method !== "HEAD") return reply(405, "text/plain", "use GET\n");
      try {
        const { value } = await getRuntime().run("page", {});
        return reply(200, "text/html", renderDocument(value));
      } catch (err) {
        return reply(500, "text/plain", `model-router: ${err?.message ?? err}\n`);
      }
    },
  });
}
