// End to end against real OpenClaw: the plugin installed from its npm package contents, turns
// through `openclaw agent --local` against the loopback fake provider, then `openclaw router …`.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fakeProvider, NATIVE_CLI, Sandbox } from "./sandbox.mjs";

const SECRET = "sk-e2e-secret-3f9a7c1d";  // must never reach the ledger or any output
const STRONG = { id: "fake-strong", cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } };
const CHEAP = { id: "fake-cheap", cost: { input: 0.25, output: 1.25, cacheRead: 0.025, cacheWrite: 0 } };
const FAKE = {
  models: {
    "fake-strong": { usage: { prompt_tokens: 1234, completion_tokens: 56, cached_tokens: 200 } },
    "fake-cheap": { usage: { prompt_tokens: 311, completion_tokens: 22, cached_tokens: 11 } },
    broken: { status: 500 },
  },
};

const PLUGIN_CONFIG = {
  timezone: "UTC",
  dailyBudgetUsd: 5,
  providers: {
    fakeai: { quotaType: "tokens", tier: "premium", windows: [{ name: "daily", limit: 100000, schedule: { type: "daily" } }] },
  },
};

const sandbox = Sandbox.create("e2e");
let fake;
const outputs = [];  // every stdout/stderr seen, for the secrets check

async function openclaw(args, options) {
  const result = await sandbox.openclaw(args, options);
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function routerJson(args) {
  const result = await openclaw(["router", ...args, "--json"]);
  assert.equal(result.code, 0, `router ${args.join(" ")} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

// Status snapshots before and after an action, from the native CLI: the same JSON (compared with
// `openclaw router status --json` below) in milliseconds; OpenClaw's path is asked where it is the
// point of the test.
async function nativeStatus() {
  const result = await sandbox.native(["status", "--json"]);
  outputs.push(result.stdout, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

async function turn(message, model) {
  const args = ["agent", "--local", "--agent", "main", "--message", message, "--json"];
  if (model) args.push("--model", model);
  return openclaw(args);
}

// Micro-USD the way OpenClaw prices a call: USD per 1M tokens per kind.
function expectedCostMicros(cost, usage) {
  const input = usage.prompt_tokens - usage.cached_tokens;
  return Math.round(input * cost.input + usage.completion_tokens * cost.output + usage.cached_tokens * cost.cacheRead);
}

function modelEntry(status, provider, model) {
  const p = status.providers.find((x) => x.provider === provider);
  assert.ok(p, `provider ${provider} missing from status: ${JSON.stringify(status.providers)}`);
  const m = p.models.find((x) => x.model === model);
  assert.ok(m, `model ${model} missing under ${provider}`);
  return m;
}

describe("model-router in real OpenClaw", { timeout: 1_800_000 }, () => {
  before(async () => {
    fake = await sandbox.startFakeProvider(FAKE);
    await sandbox.setUp({
      pluginConfig: PLUGIN_CONFIG,
      providers: {
        fakeai: fakeProvider(fake.baseUrl, "/a", SECRET, [STRONG, CHEAP]),
        fakebad: fakeProvider(fake.baseUrl, "/b", SECRET, [{ id: "broken", cost: STRONG.cost }]),
      },
      primary: "fakeai/fake-strong",
    });
    // One retry instead of OpenClaw's default eight keeps the failing-provider case short.
    sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 1 } } });
  });

  after(() => sandbox.stop());  // ROUTER_KEEP_SANDBOX=1 keeps it for inspection

  test("plugin loads with its hooks, tool and CLI and no diagnostics", async () => {
    const result = await openclaw(["plugins", "inspect", "model-router", "--runtime", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const inspect = JSON.parse(result.stdout);
    assert.deepEqual(inspect.diagnostics, []);
    const hooks = JSON.stringify(inspect.typedHooks);
    assert.match(hooks, /llm_output/);
    assert.match(hooks, /before_model_resolve/);
    assert.match(JSON.stringify(inspect.tools), /router_status/);
    assert.match(JSON.stringify(inspect.tools), /router_predict/);
    assert.match(JSON.stringify(inspect.cliCommands), /router/);
  });

  test("turns are recorded with exactly the provider's tokens and OpenClaw's cost", async () => {
    const first = await turn("hello there");
    assert.equal(first.code, 0, first.stderr);
    const second = await turn("a second question", "fakeai/fake-cheap");
    assert.equal(second.code, 0, second.stderr);

    const seen = fake.requests();
    assert.equal(seen.filter((r) => r.model === "fake-strong").length, 1);
    assert.equal(seen.filter((r) => r.model === "fake-cheap").length, 1);

    const status = await routerJson(["status"]);
    assert.equal(status.schema, "router.status/1");
    assert.equal(status.timezone, "UTC");
    for (const [spec, model] of [[STRONG, "fake-strong"], [CHEAP, "fake-cheap"]]) {
      const usage = FAKE.models[model].usage;
      const today = modelEntry(status, "fakeai", model).today;
      assert.equal(today.calls, 1);
      assert.equal(today.failures, 0);
      assert.equal(today.inputTokens, usage.prompt_tokens - usage.cached_tokens);
      assert.equal(today.cacheReadTokens, usage.cached_tokens);
      assert.equal(today.outputTokens, usage.completion_tokens);
      assert.equal(today.costMicros, expectedCostMicros(spec.cost, usage));
    }
    // OpenClaw's own run result agrees on the cost of the first turn.
    const run = JSON.parse(first.stdout);
    const costUsd = run.meta?.agentMeta?.costUsd ?? run.result?.meta?.agentMeta?.costUsd;
    if (costUsd !== undefined) {
      assert.equal(modelEntry(status, "fakeai", "fake-strong").today.costMicros, Math.round(costUsd * 1e6));
    }
    assert.equal(status.totals.today.calls, 2);

    const text = await openclaw(["router", "status"]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /fake-strong/);
    assert.match(text.stdout, /1,034/);
  });

  test("a provider answering HTTP 500 is recorded as failures, nothing lost, no crash", async () => {
    const before = await nativeStatus();
    const failed = await turn("this will fail", "fakebad/broken");
    assert.notEqual(failed.code, 0, "the turn itself fails");
    const attempts = fake.requests().filter((r) => r.model === "broken");
    assert.ok(attempts.length >= 1);
    assert.ok(attempts.every((r) => r.status === 500));

    const status = await nativeStatus();
    const broken = modelEntry(status, "fakebad", "broken").today;
    assert.ok(broken.failures >= 1, "failed attempts are counted");
    assert.equal(broken.calls, broken.failures);
    assert.equal(broken.inputTokens + broken.outputTokens, 0);
    assert.equal(broken.costMicros, 0);
    // Everything recorded before is still there.
    assert.deepEqual(modelEntry(status, "fakeai", "fake-strong"), modelEntry(before, "fakeai", "fake-strong"));
    assert.equal(status.ledger.records, before.ledger.records + broken.calls);
  });

  test("providers lists every provider and model seen", async () => {
    const providers = await routerJson(["providers"]);
    assert.equal(providers.schema, "router.providers/1");
    assert.deepEqual(providers.providers.map((p) => p.provider), ["fakeai", "fakebad"]);
    assert.deepEqual(providers.providers[0].models.map((m) => m.model), ["fake-cheap", "fake-strong"]);
  });

  test("router_status answers through a real agent turn", async () => {
    const result = await turn("CALL_TOOL:router_status");
    assert.equal(result.code, 0, result.stderr);
    const toolRequests = fake.requests().filter((r) => r.toolCall === "router_status");
    assert.equal(toolRequests.length, 1, "the fake model asked for the tool");
    // The fake model echoes the tool result (OpenClaw's Tool Search wrapper) back as its reply.
    const reply = JSON.parse(result.stdout).payloads.map((p) => p.text).join("\n");
    assert.match(reply, /router_status/);
    assert.match(reply, /Today: \d+ model calls \(\d+ failed\)/);
  });

  test("router_predict answers through a real agent turn; predict --json matches the native CLI", async () => {
    const result = await turn("CALL_TOOL:router_predict");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fake.requests().filter((r) => r.toolCall === "router_predict").length, 1, "the fake model asked for the tool");
    const reply = JSON.parse(result.stdout).payloads.map((p) => p.text).join("\n");
    assert.match(reply, /router_predict/);
    assert.match(reply, /fakeai daily: /);

    const plugin = await routerJson(["predict", "--hours", "48"]);
    assert.equal(plugin.schema, "router.predict/1");
    assert.equal(plugin.horizonHours, 48);
    const daily = plugin.forecasts.find((f) => f.provider === "fakeai" && f.window === "daily");
    assert.ok(daily, JSON.stringify(plugin.forecasts));
    assert.equal(daily.unit, "tokens");
    assert.ok(daily.used > 0 && daily.ratePerHour > 0, JSON.stringify(daily));
    assert.equal(daily.method, "simple", "minutes of history: a simple, clearly labelled estimate");
    assert.ok(daily.confidence <= 0.3);
    const native = spawnSync(NATIVE_CLI, ["predict", "--hours", "48", "--json"], { env: sandbox.env, encoding: "utf8" });
    assert.equal(native.status, 0, native.stderr);
    // The two ran seconds apart and a young rate moves with the clock: compare the shape and every
    // field that does not depend on "now", and the rate within 25%.
    const stable = (p) => ({
      ...p, generatedAtMs: 0, nearest: null,
      forecasts: p.forecasts.map(({ ratePerHour, exhaustsAtMs, trendPerDay, confidence, basis, ...rest }) => rest),
    });
    const nativeJson = JSON.parse(native.stdout);
    assert.deepEqual(stable(nativeJson), stable(plugin));
    const nativeDaily = nativeJson.forecasts.find((f) => f.provider === "fakeai" && f.window === "daily");
    assert.ok(Math.abs(nativeDaily.ratePerHour - daily.ratePerHour) <= 0.25 * daily.ratePerHour);
  });

  test("a bad config value is a clear error naming the key, and the ledger is kept", async () => {
    const before = fs.readFileSync(sandbox.ledgerPath);
    const rejected = await openclaw(["config", "set", "plugins.entries.model-router.config.ledger.busyTimeoutMs", "5"]);
    assert.notEqual(rejected.code, 0, "OpenClaw validates against the manifest schema");
    assert.match(rejected.stdout + rejected.stderr, /busyTimeoutMs|>= 100|minimum/);

    const set = await openclaw(["config", "set", "plugins.entries.model-router.config.timezone", "Mars/Olympus_Mons"]);
    assert.equal(set.code, 0, "the schema accepts any string; the core checks the zone");
    const status = await openclaw(["router", "status", "--json"]);
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /"timezone" must be an IANA time zone/);
    assert.match(status.stderr, /Mars\/Olympus_Mons/);
    await sandbox.ok(["config", "set", "plugins.entries.model-router.config.timezone", "UTC"]);
    const after = await nativeStatus();
    assert.ok(after.ledger.records >= 5);
    assert.ok(fs.readFileSync(sandbox.ledgerPath).length >= before.length);
  });

  test("a ledger with a newer schema is refused and left untouched", async () => {
    const newer = path.join(sandbox.root, "newer.sqlite");
    execFileSync("sqlite3", [newer, "CREATE TABLE future(x); PRAGMA user_version = 42;"]);
    const hash = () => crypto.createHash("sha256").update(fs.readFileSync(newer)).digest("hex");
    const beforeHash = hash();
    await sandbox.ok(["config", "set", "plugins.entries.model-router.config.ledger.path", newer]);
    const status = await openclaw(["router", "status", "--json"]);
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /schema version 42, newer than this build's \d+/);
    assert.match(status.stderr, /left untouched/);
    assert.equal(hash(), beforeHash);
    await sandbox.ok(["config", "unset", "plugins.entries.model-router.config.ledger.path"]);
  });

  test("the gateway records while CLI processes read the same ledger, without lock errors", async () => {
    const before = await nativeStatus();
    const gateway = await sandbox.startGateway();
    try {
      const opts = { env: gateway.env };
      // Gateway-backed turns (hooks run in the gateway process) racing CLI reads of the ledger.
      const results = await Promise.all([
        openclaw(["agent", "--agent", "main", "--message", "gateway turn one", "--json"], opts),
        openclaw(["agent", "--agent", "main", "--message", "gateway turn two", "--json"], opts),
        openclaw(["router", "status", "--json"]),
        openclaw(["router", "status", "--json"]),
      ]);
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const status = await nativeStatus();
      // last7Days, not today: a run across midnight would start a new day between the snapshots.
      assert.equal(modelEntry(status, "fakeai", "fake-strong").last7Days.calls,
        modelEntry(before, "fakeai", "fake-strong").last7Days.calls + 2);
      const everything = results.map((r) => r.stdout + r.stderr).join("\n") + gateway.log();
      assert.doesNotMatch(everything, /database is locked|SQLITE_BUSY|usage not (yet )?recorded/);
    } finally {
      await gateway.stop();
      outputs.push(gateway.log());
    }
  });

  test("set-usage through openclaw router shows in status --json and in the native CLI's identical JSON", async () => {
    const set = await routerJson(["set-usage", "fakeai", "40%"]);
    assert.equal(set.schema, "router.set-usage/1");
    assert.equal(set.window, "daily");
    assert.equal(set.used, 40000);
    const status = await openclaw(["router", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const quota = JSON.parse(status.stdout).quotas.find((q) => q.provider === "fakeai");
    assert.equal(quota.used, 40000);
    assert.equal(quota.basis.kind, "manual");
    assert.equal(quota.level, "ok");
    const native = spawnSync(NATIVE_CLI, ["status", "--json"], { env: sandbox.env, encoding: "utf8" });
    outputs.push(native.stdout, native.stderr);
    assert.equal(native.status, 0, native.stderr);
    // Key for key in the same order; the clock, and the forecast that moves with it, set aside.
    const clockless = (text) => {
      const value = JSON.parse(text);
      return JSON.stringify({ ...value, generatedAtMs: 0, forecast: value.forecast && [value.forecast.provider, value.forecast.window] });
    };
    assert.equal(clockless(native.stdout), clockless(status.stdout), "both front ends print the same JSON");
  });

  test("bad set-usage input is a clear error and records nothing", async () => {
    const before = await nativeStatus();
    for (const [args, message] of [
      [["set-usage", "fakeai", "lots"], /usage value "lots": not a non-negative number/],
      [["set-usage", "fakebad", "10%"], /provider "fakebad" is not configured; configured: fakeai/],
      [["mode", "turbo"], /mode "turbo": use manual, dry-run or auto/],
    ]) {
      const result = await openclaw(["router", ...args]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, message);
    }
    const after = await nativeStatus();
    assert.deepEqual(after.quotas, before.quotas);
    assert.deepEqual(after.mode, before.mode);
  });

  test("mode and undo through openclaw router, reverting set-usage too", async () => {
    const mode = await routerJson(["mode", "auto"]);
    assert.equal(mode.mode, "auto");
    assert.equal(mode.previous, "dry-run");
    assert.equal((await routerJson(["undo"])).undone.kind, "mode");
    assert.equal((await routerJson(["undo"])).undone.kind, "set-usage");
    const status = await nativeStatus();
    assert.equal(status.mode.mode, "dry-run");
    const quota = status.quotas.find((q) => q.provider === "fakeai");
    assert.equal(quota.basis.kind, "ledger");
    assert.equal(quota.used, status.providers.find((p) => p.provider === "fakeai").today.inputTokens +
      status.providers.find((p) => p.provider === "fakeai").today.outputTokens +
      status.providers.find((p) => p.provider === "fakeai").today.cacheWriteTokens);
    assert.ok(status.budget.spentMicros > 0);
    assert.equal(status.budget.capMicros, 5_000_000);
  });

  test("secrets never reach the ledger, OpenClaw's log or any output", () => {
    const haystacks = [fs.readFileSync(sandbox.ledgerPath), ...outputs.map((o) => Buffer.from(o))];
    for (const file of [`${sandbox.ledgerPath}-wal`, sandbox.logFile]) {
      if (fs.existsSync(file)) haystacks.push(fs.readFileSync(file));
    }
    for (const h of haystacks) assert.equal(h.includes(SECRET), false);
  });
});
