// A stand-in for OpenClaw's plugin `api`, recording what the plugin registers.
export function createFakeApi({ mode = "discovery", config = {}, stateDir, openclawConfig = {} }) {
  const registered = { cli: [], hooks: new Map(), tools: [], providers: [], routes: [], warnings: [],
    sessionActions: [], services: [], descriptors: [] };
  const api = {
    id: "model-router",
    registrationMode: mode,
    pluginConfig: config,
    config: openclawConfig,
    logger: {
      info() {},
      debug() {},
      warn: (msg) => registered.warnings.push(msg),
      error: (msg) => registered.warnings.push(msg),
    },
    registerCli: (fn, opts) => registered.cli.push({ fn, opts }),
    on: (name, handler) => registered.hooks.set(name, handler),
    registerTool: (tool) => registered.tools.push(tool),
    registerProvider: (provider) => registered.providers.push(provider),
    registerHttpRoute: (route) => registered.routes.push(route),
    registerSessionAction: (action) => registered.sessionActions.push(action),
    registerService: (service) => registered.services.push(service),
    session: { controls: { registerControlUiDescriptor: (d) => registered.descriptors.push(d) } },
  };
  // Like OpenClaw: runtime is off-limits while collecting CLI metadata.
  Object.defineProperty(api, "runtime", {
    get() {
      if (mode === "cli-metadata") throw new Error("runtime is intentionally unavailable during cli-metadata");
      return { state: { resolveStateDir: () => stateDir } };
    },
  });
  return { api, registered };
}
