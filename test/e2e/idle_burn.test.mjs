// Idle burn end to end in real OpenClaw: a gateway whose only model calls are heartbeat turns
// (woken with `openclaw system event --mode now`, the documented manual wake), on an expensive
// model of the loopback fake provider, with no user turn. `router analyze` then reports the
// heartbeat's spending as idle burn for the agent, with its monthly rate.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fakeProvider, Sandbox } from "./sandbox.mjs";

const SECRET = "sk-e2e-idle-7d41c0aa";
const PRICEY = { id: "hb-pricey", cost: { input: 15, output: 75 } };
// 2,000 in + 300 out at $15/$75 per million: $0.0525 a heartbeat turn.
const USAGE = { prompt_tokens: 2000, completion_tokens: 300, cached_tokens: 0 };

const sandbox = Sandbox.create("idle");
let fake;
let gateway;

const heartbeats = () => fake.requests().filter((r) => r.model === PRICEY.id);

async function waitFor(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${gateway.log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// Minutes on an idle machine; the timeout allows for a loaded one.
describe("idle burn in real OpenClaw: heartbeats with no user turn", { timeout: 1_800_000 }, () => {
  before(async () => {
    fake = await sandbox.startFakeProvider({ models: { [PRICEY.id]: { usage: USAGE } } });
    await sandbox.installPlugin();
    await sandbox.patchConfig({
      plugins: { entries: { "model-router": { hooks: { allowConversationAccess: true }, config: { timezone: "UTC" } } } },
      models: { providers: { fakehb: fakeProvider(fake.baseUrl, "/hb", SECRET, [PRICEY]) } },
      // No recurring cadence (only the manual wakes below) and no delivery: an internal-only run.
      agents: {
        defaults: { model: { primary: `fakehb/${PRICEY.id}` }, heartbeat: { every: "0m", target: "none" } },
        entries: { main: {} },
      },
    });
    gateway = await sandbox.startGateway({ readyTimeoutMs: 300_000 });
  });

  after(async () => {
    await gateway?.stop();
    sandbox.stop();
  });

  test("heartbeat spending with no user turn is reported as idle burn", async () => {
    const opts = { env: gateway.env, timeoutMs: 300_000 };
    await sandbox.ok(["system", "event", "--text", "Check the build status", "--mode", "now"], opts);
    await waitFor("the heartbeat's model call", () => heartbeats().length >= 1, 600_000);
    // The gateway records the call after the reply; analyze reads the committed ledger.
    let analysis;
    const heartbeat = () => analysis.summaries.find((s) => s.target.kind === "heartbeat");
    await waitFor("the heartbeat in the ledger", async () => {
      const { stdout } = await sandbox.ok(["router", "analyze", "--json"], opts);
      analysis = JSON.parse(stdout.slice(stdout.indexOf("{")));
      return heartbeat() !== undefined;
    }, 300_000);
    // Every heartbeat call so far is idle: no user turn this hour or the one before.
    const summary = heartbeat();
    assert.deepEqual(summary.triggers, { heartbeat: heartbeats().length }, JSON.stringify(summary));
    assert.equal(summary.idleCostMicros, heartbeats().length * 52_500, JSON.stringify(summary));
    assert.equal(summary.target.model.primary, `fakehb/${PRICEY.id}`);
    const finding = analysis.findings.find((f) => f.kind === "idle-burn");
    assert.ok(finding, JSON.stringify(analysis.findings));
    assert.equal(finding.target.kind, "heartbeat");
    assert.match(finding.message, /^heartbeat spent \$\d+\.\d\d in 1 day \(\$\d+\.\d\d\/month\) while no user was talking/);
    assert.ok(!JSON.stringify(analysis).includes(SECRET), "no key in the analysis");
  });
});
