// Failover end to end in real OpenClaw: a `router/auto` turn whose model fails (HTTP 500, 429 with
// Retry-After, an empty 200) is answered in the same turn by the next model of its ranked chain
// (OpenClaw calls before_model_resolve again for the `router/fallback-N` slots), the failed model
// cools down and is skipped, then tried again; an explicit model stays strict; a local-only turn
// makes no cloud request. The fake provider's request log is the proof. Every routed turn also
// decides with a shadow policy, which `openclaw router report` compares with the real one.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { fakeProvider, NATIVE_CLI, Sandbox } from "./sandbox.mjs";

const SECRET = "sk-e2e-failover-51c2d9";
const USAGE = { prompt_tokens: "estimate", completion_tokens: 50, cached_tokens: 0 };
const STRONG = { id: "r-strong", cost: { input: 15, output: 75 }, contextWindow: 200_000 };
const ALT = { id: "r-alt", cost: { input: 20, output: 80 }, contextWindow: 200_000 };
const MID = { id: "r-mid", cost: { input: 1, output: 4 }, contextWindow: 128_000 };
const CHEAP = { id: "r-cheap", cost: { input: 0.1, output: 0.4 }, contextWindow: 40_000 };
const LOCAL = { id: "r-local", cost: { input: 0, output: 0 }, contextWindow: 128_000 };
const ALL = [STRONG, ALT, MID, CHEAP, LOCAL];

const profile = (coding, reasoning, creative, instruction, context, speed) =>
  ({ coding, reasoning, creative, instruction, context, speed, tools: true });
// Long enough to outlast a few turns on a loaded machine; the short cooldown is Retry-After's.
const COOLDOWN_BASE_S = 600;
const PLUGIN_CONFIG = {
  timezone: "UTC",
  providers: { fakelocal: { tier: "local" } },
  capabilities: {
    "fakecloud/r-strong": profile(0.95, 0.95, 0.9, 0.95, 0.9, 0.4),
    "fakecloud/r-alt": profile(0.9, 0.9, 0.9, 0.9, 0.9, 0.4),
    "fakecloud/r-mid": profile(0.5, 0.7, 0.6, 0.75, 0.7, 0.7),
    "fakecloud/r-cheap": profile(0.3, 0.45, 0.5, 0.75, 0.3, 0.95),
    "fakelocal/r-local": profile(0.3, 0.3, 0.3, 0.3, 0.3, 0.5),
  },
  routing: {
    failover: { cooldownBaseSeconds: COOLDOWN_BASE_S, cooldownMaxSeconds: 1200 },
    // Coding scores: strong 0.95, alt 0.90, mid 0.565, cheap 0.375. The real threshold (0.6) keeps
    // mid out; the shadow's admits it, so a coding turn's shadow picks mid.
    shadow: { qualityThresholds: { coding: 0.5 } },
  },
};
const CODING = "Write a Python function that parses a CSV file into a list of dicts, with type hints and pytest unit tests.";
const SMALL_TALK = "hi! how are you doing today?";

const sandbox = Sandbox.create("failover");
const fakeConfig = path.join(sandbox.root, "fake-provider.json");
let fake;

/** Rewrites the fake provider's script: {model: {status?, retryAfter?, empty?}}. */
function script(failures) {
  const models = Object.fromEntries(ALL.map((m) => [m.id, { usage: USAGE, ...(failures[m.id] ?? {}) }]));
  fs.writeFileSync(fakeConfig, JSON.stringify({ models }));
}

/** One turn on the configured default model; resolves {code, reply, models: requested ids}. */
async function turn(message, extra = []) {
  const before = fake.requests().length;
  // A turn boots OpenClaw (about 20 s idle); on a loaded machine it took over the default 3 min.
  const result = await sandbox.openclaw(["agent", "--local", "--agent", "main", "--message", message, ...extra, "--json"], { timeoutMs: 420_000 });
  let reply = "";
  try {
    reply = (JSON.parse(result.stdout).payloads ?? []).map((p) => p.text).join("\n");
  } catch {
    reply = result.stdout;
  }
  return { code: result.code, reply, output: `${result.stdout}\n${result.stderr}`, models: fake.requests().slice(before).map((r) => r.model) };
}

// The native CLI reads the same ledger and config in milliseconds (the plugin's CLI gives the same
// JSON: routing.test.mjs), so a check does not outlast a short cooldown.
function native(args) {
  const run = spawnSync(NATIVE_CLI, [...args, "--json"], { env: sandbox.env, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}
const status = () => native(["status"]);
// The same command's text, as `openclaw router <command>` prints it.
function nativeText(args) {
  const run = spawnSync(NATIVE_CLI, args, { env: sandbox.env, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}
const route = (prompt) => native(["route", prompt, "--agent", "main"]);
// Every cooldown ever stored for a model (the ledger row, running or not).
function storedCooldown(model) {
  const db = new DatabaseSync(sandbox.ledgerPath, { readOnly: true });
  try {
    return db.prepare("SELECT * FROM cooldowns WHERE provider = 'fakecloud' AND model = ?").get(model);
  } finally {
    db.close();
  }
}
const cooldownOf = (s, model) => s.routing.cooldowns.find((c) => c.provider === "fakecloud" && c.model === model);
const modelToday = (s, model) => s.providers.find((p) => p.provider === "fakecloud")?.models.find((m) => m.model === model)?.today;

describe("failover in real OpenClaw", { timeout: 1_500_000 }, () => {
  before(async () => {
    fake = await sandbox.startFakeProvider({ models: {} });
    script({});
    await sandbox.setUp({
      pluginConfig: PLUGIN_CONFIG,
      providers: {
        fakecloud: fakeProvider(fake.baseUrl, "/c", SECRET, [STRONG, ALT, MID, CHEAP]),
        fakelocal: fakeProvider(fake.baseUrl, "/l", SECRET, [LOCAL]),
      },
      primary: "router/auto",
    });
    await sandbox.patchConfig({ agents: { defaults: { model: { primary: "router/auto", fallbacks: ["router/fallback-1", "router/fallback-2"] } } } });
    // No same-model retries: each failure goes straight to the next candidate.
    sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 0 } } });
  });

  after(() => sandbox.stop());

  test("a 500 is answered by the next model of the chain in the same turn", async () => {
    script({ "r-strong": { status: 500 } });
    const t = await turn(CODING);
    assert.equal(t.code, 0, t.output);
    assert.deepEqual(t.models, ["r-strong", "r-alt"], "the fake provider saw both requests");
    assert.match(t.reply, /Hello from fake model r-alt/);
    const s = status();
    assert.equal(modelToday(s, "r-strong").failures, 1);
    assert.equal(modelToday(s, "r-alt").calls - modelToday(s, "r-alt").failures, 1);
    assert.equal(cooldownOf(s, "r-strong")?.kind, "server-error", JSON.stringify(s.routing.cooldowns));
    assert.equal(s.routing.fallbacks[0]?.answered, "fakecloud/r-alt");
    assert.match(s.routing.fallbacks[0].reason, /fallback 1 after fakecloud\/r-strong failed \(server-error\)/);
    assert.match(nativeText(["status"]), /cooldown: fakecloud\/r-strong skipped until/);
  });

  test("while it cools down the next turn skips it without calling it", async () => {
    const decision = route(CODING);
    assert.equal(decision.choice.ref, "fakecloud/r-alt");
    const skipped = decision.rejected.find((r) => r.ref === "fakecloud/r-strong");
    assert.equal(skipped?.why, "cooldown", JSON.stringify(decision.rejected));
    const t = await turn(CODING);
    assert.equal(t.code, 0, t.output);
    assert.deepEqual(t.models, ["r-alt"]);
  });

  test("a 429 with Retry-After: 30 cools the model down for 30 s", async () => {
    script({ "r-cheap": { status: 429, retryAfter: 30 } });
    const t = await turn(SMALL_TALK);
    assert.equal(t.code, 0, t.output);
    assert.equal(t.models[0], "r-cheap");
    assert.equal(t.models.length, 2, JSON.stringify(t.models));
    assert.match(t.reply, new RegExp(`Hello from fake model ${t.models[1]}`));
    const c = storedCooldown("r-cheap");
    assert.equal(c?.kind, "rate-limited");
    assert.equal(c.until_ms - c.failed_at_ms, 30_000);
  });

  test("after the cooldown it is tried again, and a success ends it", async () => {
    script({});
    const wait = storedCooldown("r-cheap").until_ms - Date.now() + 500;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    assert.equal(route(SMALL_TALK).choice.ref, "fakecloud/r-cheap");
    const t = await turn(SMALL_TALK);
    assert.equal(t.code, 0, t.output);
    assert.deepEqual(t.models, ["r-cheap"]);
    assert.equal(cooldownOf(status(), "r-cheap"), undefined);
  });

  test("an empty 200 is a failure, not an answer", async () => {
    script({ "r-cheap": { empty: true } });
    const t = await turn(SMALL_TALK);
    assert.equal(t.code, 0, t.output);
    assert.equal(t.models[0], "r-cheap");
    assert.notEqual(t.models.at(-1), "r-cheap", JSON.stringify(t.models));
    assert.match(t.reply, new RegExp(`Hello from fake model ${t.models.at(-1)}`));
    assert.equal(storedCooldown("r-cheap")?.kind, "empty-reply");
  });

  test("an explicit non-router model keeps OpenClaw's strict behaviour", async () => {
    script({ "r-mid": { status: 500 } });
    const t = await turn(SMALL_TALK, ["--model", "fakecloud/r-mid"]);
    assert.ok(t.models.length >= 1, t.output);
    assert.deepEqual([...new Set(t.models)], ["r-mid"], "no other model was tried");
  });

  test("a local-only turn whose local model fails makes no cloud request", async () => {
    script({ "r-local": { status: 500 } });
    await sandbox.patchConfig({ agents: { defaults: { model: { primary: "router/local", fallbacks: ["router/fallback-1", "fakecloud/r-cheap"] } } } });
    const before = fake.requests().length;
    const t = await turn(SMALL_TALK);
    const seen = fake.requests().slice(before);
    assert.ok(seen.length >= 1, t.output);
    assert.deepEqual(seen.filter((r) => !r.path.startsWith("/l/")), [], "no request reached the cloud provider");
    assert.deepEqual([...new Set(t.models)], ["r-local"]);
  });

  test("`report` compares the shadow policy with the real decisions; the key appears nowhere", async () => {
    const r = native(["report"]);
    assert.equal(r.schema, "router.shadow-report/1");
    const decisions = new DatabaseSync(sandbox.ledgerPath, { readOnly: true });
    try {
      const logged = decisions.prepare("SELECT COUNT(*) AS n FROM decisions WHERE applied = 1 AND json_extract(detail, '$.shadow') IS NOT NULL").get().n;
      assert.equal(r.decisions, logged, "every routed decision with a shadow is counted");
    } finally {
      decisions.close();
    }
    const coding = r.classes.find((c) => c.class === "coding");
    assert.ok(coding?.differs >= 1, JSON.stringify(r));
    assert.ok(r.differs >= coding.differs && r.differs <= r.decisions, JSON.stringify(r));
    assert.ok(r.shadowCostMicros < r.realCostMicros, "the shadow's cheaper coding model costs less");
    const text = await sandbox.ok(["router", "report"]);  // through OpenClaw's CLI and the plugin
    assert.match(text.stdout, new RegExp(`Shadow policy: ${r.differs} of ${r.decisions} routed turns \\(\\d+%\\) would have used another model`));
    assert.match(text.stdout, new RegExp(`coding: ${coding.differs} of ${coding.decisions} differ`));
    for (const out of [text.stdout, text.stderr, nativeText(["status"]), JSON.stringify(status())]) assert.ok(!out.includes(SECRET));
    assert.ok(!fs.readFileSync(sandbox.ledgerPath).includes(SECRET));
  });
});
