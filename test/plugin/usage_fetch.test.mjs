// hooks/usage_fetch.js without the addon: which providers get a key, how OpenClaw's snapshot is
// read, and the background service's schedule (one cycle at a time, at the core's nextInMs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { adapterProviders, apiProviders, fetchArgs, readUsageStatus, registerUsageFetch, usageFetchService } from "../../hooks/usage_fetch.js";

const KEY = "sk-usage-fetch-test-SECRET";
const pluginConfig = {
  providers: {
    anthropic: { quotaSource: "api" },
    deepseek: { quotaSource: "api" },
    ds2: { quotaSource: "api" },
    manual: { quotaSource: "manual" },
  },
  usageFetch: { endpoints: { ds2: { adapter: "deepseek" } } },
};
const snapshot = { providers: [{ provider: "anthropic", windows: [] }] };

function fakeApi({ request = async () => snapshot, config = pluginConfig } = {}) {
  const asked = [];
  return {
    asked,
    pluginConfig: config,
    config: {},
    runtime: {
      gateway: { isAvailable: async () => true, request },
      modelAuth: { resolveApiKeyForProvider: async ({ provider }) => { asked.push(provider); return { apiKey: `${KEY}-${provider}` }; } },
    },
  };
}

test("only providers read by an own adapter get a key", async () => {
  assert.deepEqual(apiProviders(pluginConfig), ["anthropic", "deepseek", "ds2"]);
  assert.deepEqual(adapterProviders(pluginConfig, ["anthropic", "deepseek", "ds2"], snapshot), ["deepseek", "ds2"]);
  // OpenClaw covering deepseek itself wins over the built-in adapter; a configured adapter does not.
  const covered = { providers: [{ provider: "deepseek" }, { provider: "ds2" }] };
  assert.deepEqual(adapterProviders(pluginConfig, ["deepseek", "ds2"], covered), ["ds2"]);

  const api = fakeApi();
  const args = await fetchArgs(api);
  assert.deepEqual(api.asked, ["deepseek", "ds2"]);
  assert.deepEqual(Object.keys(args.keys), ["deepseek", "ds2"]);
  assert.deepEqual(JSON.parse(args.snapshotText), snapshot);
  assert.equal(args.snapshotError, undefined);
  const one = await fetchArgs(fakeApi(), { provider: "anthropic" });
  assert.deepEqual(one.keys, {});
});

test("each account of an api provider is fetched with its own key, never its provider's", async () => {
  const config = {
    providers: {
      deepseek: { quotaSource: "api", accounts: [
        { name: "second", provider: "deepseek-2", apiKeyEnv: "USAGE_FETCH_TEST_KEY_2" },
        { name: "third", provider: "deepseek-3" },
        { name: "profile", profile: "deepseek:work" },  // OpenClaw's own rotation: not fetched apart
      ] },
      google: { quotaSource: "manual", accounts: [{ name: "second", provider: "google-2" }] },
    },
  };
  assert.deepEqual(apiProviders(config), ["deepseek", "deepseek-2", "deepseek-3"]);
  process.env.USAGE_FETCH_TEST_KEY_2 = `${KEY}-env-2`;
  try {
    const api = fakeApi({ config });
    const args = await fetchArgs(api);
    assert.deepEqual(args.keys, { deepseek: `${KEY}-deepseek`, "deepseek-2": `${KEY}-env-2`, "deepseek-3": `${KEY}-deepseek-3` });
    assert.deepEqual(api.asked, ["deepseek", "deepseek-3"]);  // deepseek-2's key came from its variable
  } finally {
    delete process.env.USAGE_FETCH_TEST_KEY_2;
  }
  // An account OpenClaw's snapshot covers is read from it: no key.
  assert.deepEqual(adapterProviders(config, ["deepseek-2", "deepseek-3"], { providers: [{ provider: "deepseek-2" }] }), ["deepseek-3"]);
});

test("a usage.status that fails or is unavailable becomes the snapshot error", async () => {
  const failing = fakeApi({ request: async () => { throw Object.assign(new Error("forbidden for plugin"), { code: "FORBIDDEN" }); } });
  assert.deepEqual(await readUsageStatus(failing), { error: "usage.status: FORBIDDEN forbidden for plugin" });
  const down = fakeApi();
  down.runtime.gateway.isAvailable = async () => false;
  assert.match((await readUsageStatus(down)).error, /not available/);
  assert.match((await readUsageStatus({ runtime: {} })).error, /no in-process Gateway/);
});

test("the service is registered only when fetching is on and a provider uses the api source", () => {
  const services = [];
  const api = { ...fakeApi(), registerService: (s) => services.push(s) };
  registerUsageFetch(api, () => null, () => {});
  assert.equal(services.length, 1);
  registerUsageFetch({ ...api, pluginConfig: { ...pluginConfig, usageFetch: { enabled: false } } }, () => null, () => {});
  registerUsageFetch({ ...api, pluginConfig: { providers: { a: { quotaSource: "manual" } } } }, () => null, () => {});
  assert.equal(services.length, 1);
});

// Lets the cycle's awaits (snapshot, keys, the command) run.
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

test("the service runs one cycle at a time and waits the shortest nextInMs", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const runs = [];
  let release;
  const runtime = {
    run: (name, args) => {
      runs.push({ name, args });
      return new Promise((resolve) => { release = () => resolve({ value: { providers: [
        { provider: "deepseek", ok: true, nextInMs: 300_000 },
        { provider: "ds2", ok: false, error: "HTTP 429", nextInMs: 60_000 },
      ] } }); });
    },
  };
  const warnings = [];
  const service = usageFetchService(fakeApi(), () => runtime, (m) => warnings.push(m));
  service.start();
  t.mock.timers.tick(10_000);  // the first fetch, a few seconds after start
  await settle();
  assert.equal(runs.length, 1);
  assert.equal(runs[0].name, "fetch");
  t.mock.timers.tick(600_000);  // still running: no second cycle
  assert.equal(runs.length, 1);
  release();
  await settle();
  assert.deepEqual(warnings, ["usage fetch for ds2 failed: HTTP 429"]);
  assert.ok(warnings.every((w) => !w.includes(KEY)));
  t.mock.timers.tick(59_000);
  assert.equal(runs.length, 1);
  t.mock.timers.tick(1_000);
  await settle();
  assert.equal(runs.length, 2);
  service.stop();
});
