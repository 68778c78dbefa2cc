// Routing end to end in real OpenClaw: `router/auto` turns are rewritten by before_model_resolve
// to one of three priced fake models or a fake local one, proven by what the fake server received.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fakeProvider, Sandbox } from "./sandbox.mjs";

const SECRET = "sk-e2e-routing-7d41c0aa";
// Prompt tokens sized from each request (4 chars/token over messages and tools), as a real
// provider's would be, so chars-per-token calibration sees realistic evidence.
const USAGE = { prompt_tokens: "estimate", completion_tokens: 50, cached_tokens: 0 };
const STRONG = { id: "r-strong", cost: { input: 15, output: 75 }, contextWindow: 200_000 };
const MID = { id: "r-mid", cost: { input: 1, output: 4 }, contextWindow: 128_000 };
// Holds OpenClaw's ~12k-token system prompt plus small talk, not a pasted document.
const CHEAP = { id: "r-cheap", cost: { input: 0.1, output: 0.4 }, contextWindow: 40_000 };
const LOCAL = { id: "r-local", cost: { input: 0, output: 0 }, contextWindow: 128_000 };
const FAKE = { models: Object.fromEntries([STRONG, MID, CHEAP, LOCAL].map((m) => [m.id, { usage: USAGE }])) };

const profile = (coding, reasoning, creative, instruction, context, speed) =>
  ({ coding, reasoning, creative, instruction, context, speed, tools: true });
const PLUGIN_CONFIG = {
  timezone: "UTC",
  dailyBudgetUsd: 5,
  providers: { fakelocal: { tier: "local" } },
  capabilities: {
    "fakecloud/r-strong": profile(0.95, 0.95, 0.9, 0.95, 0.9, 0.4),
    "fakecloud/r-mid": profile(0.5, 0.7, 0.6, 0.75, 0.7, 0.7),
    "fakecloud/r-cheap": profile(0.3, 0.45, 0.5, 0.75, 0.3, 0.95),
    "fakelocal/r-local": profile(0.3, 0.3, 0.3, 0.3, 0.3, 0.5),
  },
};
const CODING = "Write a Python function that parses a CSV file into a list of dicts, with type hints and pytest unit tests.";
const SMALL_TALK = "hi! how are you doing today?";

const sandbox = Sandbox.create("routing");
let fake;
const outputs = [];

async function openclaw(args, options) {
  const result = await sandbox.openclaw(args, options);
  outputs.push(result.stdout, result.stderr);
  return result;
}

// What the router decides for a prompt now, from the native CLI: the same JSON as `openclaw
// router route` (the savings test checks that through OpenClaw) at a fraction of the cost.
async function route(prompt, ...flags) {
  const result = await sandbox.native(["route", prompt, "--agent", "main", ...flags, "--json"]);
  outputs.push(result.stdout, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** One `router/*` turn; resolves the model ids the fake server received for it. */
async function turn(message, model = "router/auto") {
  const before = fake.requests().length;
  const result = await openclaw(["agent", "--local", "--agent", "main", "--message", message, "--model", model, "--json"]);
  assert.equal(result.code, 0, `turn failed:\n${result.stdout}\n${result.stderr}`);
  return fake.requests().slice(before).map((r) => r.model);
}

const rejection = (decision, ref) => decision.rejected.find((r) => r.ref === ref);

describe("routing in real OpenClaw", { timeout: 1_800_000 }, () => {
  before(async () => {
    fake = await sandbox.startFakeProvider(FAKE);
    await sandbox.setUp({
      pluginConfig: PLUGIN_CONFIG,
      providers: {
        fakecloud: fakeProvider(fake.baseUrl, "/c", SECRET, [STRONG, MID, CHEAP]),
        fakelocal: fakeProvider(fake.baseUrl, "/l", SECRET, [LOCAL]),
      },
      primary: "router/auto",
    });
    sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 1 } } });
  });

  after(() => sandbox.stop());

  test("the router provider and its hooks load without diagnostics", async () => {
    const result = await openclaw(["plugins", "inspect", "model-router", "--runtime", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const inspect = JSON.parse(result.stdout);
    assert.deepEqual(inspect.diagnostics, []);
    assert.match(JSON.stringify(inspect.typedHooks), /llm_input/);
    assert.match(JSON.stringify(inspect), /"router"/);
  });

  test("a coding request on router/auto reaches the strong model", async () => {
    assert.deepEqual(await turn(CODING), ["r-strong"]);
    const decision = await route(CODING);
    assert.equal(decision.class, "coding");
    assert.equal(decision.choice.ref, "fakecloud/r-strong");
    assert.match(decision.reason, /cheapest of 1 model clearing 0\.60/);
    assert.deepEqual(decision.ranked.map((r) => r.ref).slice(0, 2), ["fakecloud/r-strong", "fakecloud/r-mid"],
      "the rest is the fallback chain");
  });

  test("small talk reaches the cheap model", async () => {
    assert.deepEqual(await turn(SMALL_TALK), ["r-cheap"]);
    const decision = await route(SMALL_TALK);
    assert.equal(decision.class, "simple");
    assert.equal(decision.choice.ref, "fakecloud/r-cheap");
    assert.ok(decision.ranked[0].costMicros < decision.ranked[1].costMicros);
    // The session's context is known from llm_input: system prompt and history, in characters.
    assert.equal(decision.estimate.contextSource, "agent");
    assert.ok(decision.estimate.contextChars > 10_000, JSON.stringify(decision.estimate));
  });

  test("a context too long for the cheap model's window skips it", async () => {
    // ~25k tokens on top of the system prompt; under Linux's 128 KiB limit for one argv string.
    const pasted = `hi, thoughts on this? ${"The quarterly numbers were flat across every region. ".repeat(1850)}`;
    assert.ok(pasted.length > 95_000 && pasted.length < 120_000);
    const decision = await route(pasted, "--model", "router/simple");
    assert.equal(rejection(decision, "fakecloud/r-cheap")?.why, "context", JSON.stringify(decision.rejected));
    assert.equal(decision.choice.ref, "fakecloud/r-mid");
    assert.deepEqual(await turn(pasted, "router/simple"), ["r-mid"]);
  });

  test("a used-up daily budget sends the next turn to the local model", async () => {
    // Spent so far: the strong turn alone is ~15k prompt tokens at $15/M; a $0.02 cap is gone.
    await sandbox.patchConfig({ plugins: { entries: { "model-router": { config: { dailyBudgetUsd: 0.02 } } } } });
    const decision = await route(SMALL_TALK);
    assert.equal(decision.budget.hardCap, true);
    assert.equal(decision.choice.ref, "fakelocal/r-local");
    assert.match(decision.reason, /daily budget spent/);
    for (const ref of ["fakecloud/r-strong", "fakecloud/r-mid", "fakecloud/r-cheap"]) {
      assert.equal(rejection(decision, ref)?.why, "hard-cap");
    }
    assert.deepEqual(await turn(SMALL_TALK), ["r-local"]);
  });

  test("every routed turn is logged with its reason and status shows the savings", async () => {
    const status = await (async () => {
      const result = await openclaw(["router", "status", "--json"]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    })();
    const today = status.routing.today;
    assert.equal(today.decisions, 4);
    assert.equal(today.applied, 4);
    assert.equal(today.routedCalls, 4);
    assert.ok(today.savedMicros > 0, JSON.stringify(today));
    const local = status.providers.find((p) => p.provider === "fakelocal");
    assert.equal(local.today.calls, 1);
    assert.equal(local.today.costMicros, 0);

    // `openclaw router route` gives the same decision as the native CLI the other tests ask.
    const plugin = await openclaw(["router", "route", SMALL_TALK, "--agent", "main", "--json"]);
    assert.equal(plugin.code, 0, plugin.stderr);
    const native = await route(SMALL_TALK);
    assert.deepEqual({ ...JSON.parse(plugin.stdout), generatedAtMs: 0 }, { ...native, generatedAtMs: 0 });
  });

  test("the gateway serves the same decision on an authenticated route", async () => {
    const gateway = await sandbox.startGateway();
    try {
      const url = `http://127.0.0.1:${gateway.port}/router/v1/route`;
      const body = JSON.stringify({ prompt: CODING, agent: "main" });
      let answer;
      for (let attempt = 0; attempt < 60; attempt++) {  // plugin routes answer once sidecars are up
        answer = await fetch(url, { method: "POST", body, headers: { authorization: `Bearer ${gateway.env.OPENCLAW_GATEWAY_TOKEN}` } });
        if (answer.status !== 503 && answer.status !== 404) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.equal(answer.status, 200, await answer.clone().text());
      const served = await answer.json();
      const cli = await route(CODING);
      assert.deepEqual({ ...served, generatedAtMs: 0 }, { ...cli, generatedAtMs: 0 });
      const anonymous = await fetch(url, { method: "POST", body });
      assert.equal(anonymous.status, 401);
      outputs.push(gateway.log());
    } finally {
      await gateway.stop();
    }
  });

  test("a warm conversation stays on its model; the user's own model pick is kept", async () => {
    // Prices where the cache decides: r-mid read from its cache beats r-cheap sent cold.
    const config = {
      dailyBudgetUsd: 5,
      priceOverrides: {
        "fakecloud/r-mid": { input: 1, output: 1, cacheRead: 0.1 },
        "fakecloud/r-cheap": { input: 0.9, output: 0.9, cacheRead: 0.09 },
      },
      routing: { overrideExplicit: true, sticky: { cacheTtlSeconds: 300 } },
    };
    await sandbox.patchConfig({ plugins: { entries: { "model-router": { config } } } });
    const SESSION = "agent:main:policy-e2e";
    const sessionTurn = async (message, model = "router/auto") => {
      const before = fake.requests().length;
      const result = await openclaw(["agent", "--local", "--agent", "main", "--session-key", SESSION,
        "--message", message, "--model", model, "--json"]);
      assert.equal(result.code, 0, `turn failed:\n${result.stdout}\n${result.stderr}`);
      return fake.requests().slice(before).map((r) => r.model);
    };
    const sessionRoute = (prompt) => route(prompt, "--session", SESSION);

    // A model other than the agent's configured router/auto is the user's pick: kept, even with
    // overrideExplicit on (`openclaw agent --message` runs no slash commands, so `--model` stands
    // in for `/model`; the hook sees the same explicit selection).
    // (Rerouted, small talk would go to r-cheap, as the route without the session shows below.)
    assert.deepEqual(await sessionTurn(SMALL_TALK, "fakecloud/r-mid"), ["r-mid"]);

    // The next router/auto turn in that session stays on r-mid: its cache is warm.
    const sticky = await sessionRoute(SMALL_TALK);
    assert.equal(sticky.policy.stayed, "sticky", JSON.stringify(sticky.policy));
    assert.equal(sticky.choice.ref, "fakecloud/r-mid");
    assert.equal(sticky.policy.sticky.outcome, "stayed");
    assert.ok(sticky.policy.sticky.stayCostMicros < sticky.policy.sticky.switchCostMicros);
    assert.match(sticky.reason, /stays on fakecloud\/r-mid \(prompt cache warm/);
    assert.deepEqual(await sessionTurn(SMALL_TALK), ["r-mid"]);

    // A coding turn needs a stronger model than r-mid: the conversation moves.
    assert.deepEqual(await sessionTurn(CODING), ["r-strong"]);

    // Without the session, or once the cache has gone cold, small talk goes to r-cheap again.
    assert.equal((await route(SMALL_TALK)).choice.ref, "fakecloud/r-cheap");
    await sandbox.patchConfig({ plugins: { entries: { "model-router": { config: { routing: { sticky: { cacheTtlSeconds: 1 } } } } } } });
    await new Promise((r) => setTimeout(r, 1500));
    const cold = await sessionRoute(SMALL_TALK);
    assert.equal(cold.choice.ref, "fakecloud/r-cheap");
    assert.equal(cold.policy.stayed, null);
    assert.equal(cold.policy.sticky.outcome, "cold", JSON.stringify(cold.policy));
  });

  test("the provider key appears in no output", () => {
    for (const text of outputs) assert.ok(!text.includes(SECRET));
  });
});
