// hooks/usage_fetch.js: which providers get a key (those the core's fetch-plan lists; a fake
// runtime here, the real one in the last test when the addon is built), how OpenClaw's snapshot is
// read, and the background service's schedule (one cycle at a time, at the core's nextInMs).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fetchArgs, hasApiProvider, readUsageStatus, registerUsageFetch, usageFetchService } from "../../hooks/usage_fetch.js";

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

// A runtime whose fetch-plan lists `planned` and records what it was asked.
function planRuntime(planned) {
  const calls = [];
  return {
    calls,
    run: async (name, args) => {
      calls.push({ name, args });
      return { value: { schema: "router.fetch-plan/1", providers: planned } };
    },
  };
}

test("only the providers the core's fetch-plan lists get a key", async () => {
  assert.equal(hasApiProvider(pluginConfig), true);
  assert.equal(hasApiProvider({ providers: { a: { quotaSource: "manual" } } }), false);
  assert.equal(hasApiProvider(undefined), false);

  const api = fakeApi();
  const runtime = planRuntime([{ provider: "deepseek", source: "deepseek" }, { provider: "ds2", source: "deepseek" }]);
  const args = await fetchArgs(api, runtime);
  assert.deepEqual(runtime.calls.map((c) => c.name), ["fetch-plan"]);
  // The plan is made from the same snapshot fetch gets.
  assert.equal(runtime.calls[0].args.snapshotText, args.snapshotText);
  assert.deepEqual(JSON.parse(args.snapshotText), snapshot);
  assert.equal(args.snapshotError, undefined);
  assert.deepEqual(api.asked, ["deepseek", "ds2"]);
  assert.deepEqual(args.keys, { deepseek: `${KEY}-deepseek`, ds2: `${KEY}-ds2` });

  const one = fakeApi();
  const nothing = planRuntime([]);
  const named = await fetchArgs(one, nothing, { provider: "anthropic" });
  assert.equal(nothing.calls[0].args.provider, "anthropic");
  assert.deepEqual(named.keys, {});
  assert.deepEqual(one.asked, []);
});

test("an account's key comes from its keyEnv variable, else OpenClaw's for its own id", async () => {
  process.env.USAGE_FETCH_TEST_KEY_2 = `${KEY}-env-2`;
  try {
    const api = fakeApi();
    const runtime = planRuntime([
      { provider: "deepseek-2", source: "deepseek", accountOf: "deepseek", account: "second", keyEnv: "USAGE_FETCH_TEST_KEY_2" },
      { provider: "deepseek-3", source: "deepseek", accountOf: "deepseek", account: "third", keyEnv: "USAGE_FETCH_TEST_UNSET" },
    ]);
    const args = await fetchArgs(api, runtime);
    assert.deepEqual(args.keys, { "deepseek-2": `${KEY}-env-2`, "deepseek-3": `${KEY}-deepseek-3` });
    assert.deepEqual(api.asked, ["deepseek-3"]);  // deepseek-2's key came from its variable
  } finally {
    delete process.env.USAGE_FETCH_TEST_KEY_2;
  }
  // A provider OpenClaw has no key for is left out: the core then says "no API key".
  const keyless = fakeApi();
  keyless.runtime.modelAuth.resolveApiKeyForProvider = async () => { throw new Error(`no key in ${KEY}`); };
  const args = await fetchArgs(keyless, planRuntime([{ provider: "deepseek", source: "deepseek" }]));
  assert.deepEqual(args.keys, {});
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
      if (name === "fetch-plan") return Promise.resolve({ value: { providers: [{ provider: "deepseek", source: "deepseek" }] } });
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
  assert.deepEqual(Object.keys(runs[0].args.keys), ["deepseek"]);
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

test("with the real core: keys only for what fetch-plan lists (kimi only when turned on)", async (t) => {
  const { Runtime } = await import("../../binding/index.js");
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-usage-fetch-plan-"));
  t.after(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  const providers = {
    anthropic: { quotaSource: "api" },  // in OpenClaw's snapshot: no key
    deepseek: { quotaSource: "api" },
    kimi: { quotaSource: "api" },
    manual: { quotaSource: "manual" },
  };
  const off = { providers };
  const api = fakeApi({ config: off });
  const args = await fetchArgs(api, new Runtime({ config: off, stateDir }));
  assert.deepEqual(api.asked, ["deepseek"]);
  assert.deepEqual(Object.keys(args.keys), ["deepseek"]);

  const on = { providers, usageFetch: { experimental: ["kimi-coding"] } };
  const withKimi = fakeApi({ config: on });
  fs.mkdirSync(path.join(stateDir, "on"));
  await fetchArgs(withKimi, new Runtime({ config: on, stateDir: path.join(stateDir, "on") }));
  assert.deepEqual(withKimi.asked.sort(), ["deepseek", "kimi"]);
});
