// Provider-reported usage in real OpenClaw: the Gateway's own usage snapshot for MiniMax (served by
// a loopback fake of MiniMax's Coding Plan endpoint, reached through OpenClaw's own
// models.providers.minimax.baseUrl, and read by this plugin through `openclaw gateway call
// usage.status --json`, since OpenClaw refuses in-process Gateway requests to plugins that are not
// bundled) and a loopback fake DeepSeek balance endpoint read by this plugin's adapter over real
// libcurl, both fetched by the background service in the Gateway and shown by `status --json` as
// api readings with their age. `router fetch` fetches now from the CLI. A fetch that hangs does not
// delay an agent turn, and no API key reaches any output, log or the ledger.
// (OpenRouter's snapshot is not used here: OpenClaw 2026.9.6 fails its SSRF-guarded fetch to a
// loopback base URL with "invalid onRequestStart method" before any request is sent.)
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fakeProvider, Sandbox } from "./sandbox.mjs";

const MINIMAX_KEY = "sk-mm-e2e-usage-SECRET-61a7";
const DEEPSEEK_KEY = "sk-ds-e2e-usage-SECRET-93c4";
const LLM_KEY = "sk-e2e-usage-llm-SECRET-2b8e";
const MODEL = { id: "u-model", cost: { input: 1, output: 2 }, contextWindow: 128_000 };
const BALANCE = fs.readFileSync(new URL("../fixtures/usage/deepseek_balance.json", import.meta.url), "utf8");

const sandbox = Sandbox.create("usage-fetch");
const outputs = [];
let usage;
let gateway;

/** Loopback fake of MiniMax's and DeepSeek's usage endpoints; `hang` holds DeepSeek's answer. */
function startUsageFake() {
  const seen = [];
  const held = [];
  const state = { hang: false };
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    seen.push({ at: Date.now(), url: req.url, auth });
    const json = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (req.url === "/v1/token_plan/remains") {
      // 750 of 1000 prompts left in the current 5 h interval: 25 % used.
      const now = Date.now();
      return auth === `Bearer ${MINIMAX_KEY}`
        ? json(200, { base_resp: { status_code: 0, status_msg: "success" },
          model_remains: [{ model_name: "MiniMax-M2", start_time: now - 3_600_000, end_time: now + 4 * 3_600_000,
            current_interval_total_count: 1000, current_interval_usage_count: 750 }] })
        : json(401, {});
    }
    if (req.url === "/deepseek/user/balance") {
      if (auth !== `Bearer ${DEEPSEEK_KEY}`) return json(401, {});
      if (state.hang) return held.push(res);
      return json(200, BALANCE);
    }
    return json(404, {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    port: server.address().port,
    seen,
    state,
    close: () => { for (const r of held) r.destroy(); server.closeAllConnections?.(); server.close(); },
  })));
}

const routerJson = async (args, env) => JSON.parse((await sandbox.ok(["router", ...args, "--json"], { env })).stdout);

async function waitFor(what, check, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function turnMs(message) {
  const started = Date.now();
  const result = await sandbox.openclaw(["agent", "--agent", "main", "--message", message, "--json"], { env: gateway.env });
  outputs.push(result.stdout, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  return Date.now() - started;
}

describe("provider usage fetch in real OpenClaw", { timeout: 1_500_000 }, () => {
  before(async () => {
    usage = await startUsageFake();
    const fake = await sandbox.startFakeProvider({ models: {} });
    const base = `http://127.0.0.1:${usage.port}`;
    await sandbox.setUp({
      pluginConfig: {
        timezone: "UTC",
        providers: {
          minimax: { quotaSource: "api", quotaType: "requests",
            windows: [{ name: "5h", limit: 1000, schedule: { type: "rolling", hours: 5 } }] },
          // Not "deepseek": OpenClaw would try to install its DeepSeek plugin from the network.
          ds: { quotaSource: "api", budget: { monthlyLimit: 20 } },
        },
        usageFetch: { intervalMinutes: 1, timeoutSeconds: 30,
          endpoints: { ds: { adapter: "deepseek", baseUrl: `${base}/deepseek` } } },
      },
      providers: {
        fakeai: fakeProvider(fake.baseUrl, "/a", LLM_KEY, [MODEL]),
        // OpenClaw reads MiniMax's usage at this base URL's origin.
        minimax: fakeProvider(base, "/minimax", MINIMAX_KEY, [MODEL]),
        ds: fakeProvider(fake.baseUrl, "/d", DEEPSEEK_KEY, [MODEL]),
      },
      primary: "fakeai/u-model",
    });
    gateway = await sandbox.startGateway({ readyTimeoutMs: 180_000 });
  });

  after(async () => {
    await gateway?.stop();
    usage?.close();
    sandbox.stop();
  });

  test("the Gateway's background fetch records both sources; status shows api readings with their age", async () => {
    // Polled with the native CLI (milliseconds, the same JSON); the text below goes through OpenClaw.
    const status = await waitFor("a background fetch of both providers", async () => {
      const result = await sandbox.native(["status", "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const s = JSON.parse(result.stdout);
      return s.fetch.every((f) => f.atMs !== null && f.ok) ? s : null;
    });
    outputs.push(JSON.stringify(status));
    const fiveHours = status.quotas.find((q) => q.provider === "minimax" && q.window === "5h");
    assert.equal(fiveHours.basis.kind, "api");
    assert.equal(fiveHours.basis.reading, 250, "25% of MiniMax's 5 h interval used -> 250 of 1000");
    assert.equal(fiveHours.basis.stale, false);
    assert.ok(status.generatedAtMs - fiveHours.basis.atMs < 5 * 60_000);
    assert.equal(status.fetch.find((f) => f.provider === "minimax").source, "openclaw");
    const deepseek = status.fetch.find((f) => f.provider === "ds");
    assert.equal(deepseek.source, "deepseek");
    assert.deepEqual(deepseek.balances.find((b) => b.unit === "USD" && b.label === "total").amountMicros, 4_250_000);
    assert.ok(usage.seen.some((r) => r.url === "/v1/token_plan/remains"), "OpenClaw read the fake MiniMax");
    assert.ok(usage.seen.some((r) => r.url === "/deepseek/user/balance"), "the adapter read the fake DeepSeek");
    const text = await sandbox.ok(["router", "status"]);
    outputs.push(text.stdout, text.stderr);
    assert.match(text.stdout, /from the provider, \d+ min ago/);
  });

  test("router fetch fetches now from the CLI, OpenClaw's snapshot included", async () => {
    const before = usage.seen.length;
    const result = await routerJson(["fetch"], gateway.env);
    outputs.push(JSON.stringify(result));
    const byId = Object.fromEntries(result.providers.map((p) => [p.provider, p]));
    assert.equal(byId.ds.ok, true, JSON.stringify(result));
    assert.equal(byId.minimax.ok, true, JSON.stringify(result));
    assert.equal(byId.minimax.windows.find((w) => w.window === "5h").used, 250);
    assert.ok(usage.seen.slice(before).some((r) => r.url === "/deepseek/user/balance"), "the CLI's adapter read DeepSeek");
  });

  test("a hanging fetch does not delay an agent turn", async () => {
    await turnMs("usage fetch e2e: a first turn, which also warms the agent up");
    const baseline = await turnMs("usage fetch e2e: turn without a hanging fetch");
    usage.state.hang = true;
    const hangingSince = usage.seen.length;
    await waitFor("the background fetch to hang", () =>
      usage.seen.slice(hangingSince).some((r) => r.url === "/deepseek/user/balance"), 120_000);
    const during = await turnMs("usage fetch e2e: turn while a fetch hangs");
    usage.state.hang = false;
    console.log(`turn: ${baseline} ms without, ${during} ms with a hanging fetch`);
    // A hanging request would hold the turn for the 30 s timeout; load noise is a few seconds.
    assert.ok(during < baseline + 15_000, `${during} ms with a hanging fetch vs ${baseline} ms without`);
  });

  test("no API key appears in any output, log or the ledger", () => {
    const haystacks = [...outputs, gateway.log(), fs.readFileSync(sandbox.logFile, "utf8")];
    for (const file of fs.readdirSync(path.dirname(sandbox.ledgerPath))) {
      haystacks.push(fs.readFileSync(path.join(path.dirname(sandbox.ledgerPath), file)).toString("latin1"));
    }
    for (const h of haystacks) {
      for (const key of [MINIMAX_KEY, DEEPSEEK_KEY]) assert.equal(h.includes(key), false, `key found: ${key.slice(0, 8)}…`);
    }
  });
});
