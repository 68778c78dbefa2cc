// NOT YET GREEN, so kept out of scripts/test.sh's test/e2e/*.test.mjs glob: run with
// `node --test test/e2e/usage_fetch.wip.mjs`. Its first run (2026-12-06, load ~25) showed the DeepSeek
// adapter fetched in the Gateway's background over libcurl with no key in the sandbox, and OpenClaw
// refusing in-process usage.status to this plugin; the CLI fallback added after it is unverified.
// Provider-reported usage in real OpenClaw: the Gateway's own usage snapshot for OpenRouter (served
// by a loopback fake of OpenRouter's /credits and /key, reached through OpenClaw's own
// models.providers.openrouter.baseUrl) and a loopback fake DeepSeek balance endpoint read by this
// plugin's adapter over real libcurl, both fetched by the background service in the Gateway and
// shown by `status --json` as api readings with their age. A fetch that hangs does not delay an
// agent turn, and no API key reaches any output, log or the ledger.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fakeProvider, Sandbox } from "./sandbox.mjs";

const OPENROUTER_KEY = "sk-or-e2e-usage-SECRET-61a7";
const DEEPSEEK_KEY = "sk-ds-e2e-usage-SECRET-93c4";
const LLM_KEY = "sk-e2e-usage-llm-SECRET-2b8e";
const MODEL = { id: "u-model", cost: { input: 1, output: 2 }, contextWindow: 128_000 };
const BALANCE = fs.readFileSync(new URL("../fixtures/usage/deepseek_balance.json", import.meta.url), "utf8");

const sandbox = Sandbox.create("usage-fetch");
const outputs = [];
let usage;
let gateway;

/** Loopback fake of OpenRouter's and DeepSeek's usage endpoints; `hang` holds DeepSeek's answer. */
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
    if (req.url === "/openrouter/api/v1/credits") {
      return auth === `Bearer ${OPENROUTER_KEY}` ? json(200, { data: { total_credits: 20, total_usage: 5 } }) : json(401, {});
    }
    if (req.url === "/openrouter/api/v1/key") {
      return auth === `Bearer ${OPENROUTER_KEY}`
        ? json(200, { data: { label: "e2e", usage: 2.5, limit: 10, limit_remaining: 7.5, limit_reset: "monthly", is_free_tier: false } })
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

describe("provider usage fetch in real OpenClaw", { timeout: 290_000 }, () => {
  before(async () => {
    usage = await startUsageFake();
    const fake = await sandbox.startFakeProvider({ models: {} });
    const base = `http://127.0.0.1:${usage.port}`;
    await sandbox.setUp({
      pluginConfig: {
        timezone: "UTC",
        providers: {
          openrouter: { quotaSource: "api", quotaType: "requests",
            windows: [{ name: "monthly", limit: 1000, schedule: { type: "monthly", dayOfMonth: 1 } }] },
          // Not "deepseek": OpenClaw would try to install its DeepSeek plugin from the network.
          ds: { quotaSource: "api", budget: { monthlyLimit: 20 } },
        },
        usageFetch: { intervalMinutes: 1, timeoutSeconds: 30,
          endpoints: { ds: { adapter: "deepseek", baseUrl: `${base}/deepseek` } } },
      },
      providers: {
        fakeai: fakeProvider(fake.baseUrl, "/a", LLM_KEY, [MODEL]),
        openrouter: fakeProvider(`${base}/openrouter`, "/api", OPENROUTER_KEY, [MODEL]),
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
    const status = await waitFor("a background fetch of both providers", async () => {
      const s = await routerJson(["status"]);
      return s.fetch.every((f) => f.atMs !== null && f.ok) ? s : null;
    });
    outputs.push(JSON.stringify(status));
    const monthly = status.quotas.find((q) => q.provider === "openrouter" && q.window === "monthly");
    assert.equal(monthly.basis.kind, "api");
    assert.equal(monthly.basis.reading, 250, "25% of OpenRouter's key budget used -> 250 of 1000");
    assert.equal(monthly.basis.stale, false);
    assert.ok(status.generatedAtMs - monthly.basis.atMs < 5 * 60_000);
    const deepseek = status.fetch.find((f) => f.provider === "ds");
    assert.equal(deepseek.source, "deepseek");
    assert.deepEqual(deepseek.balances.find((b) => b.unit === "USD" && b.label === "total").amountMicros, 4_250_000);
    assert.ok(usage.seen.some((r) => r.url === "/openrouter/api/v1/key"), "OpenClaw read the fake OpenRouter");
    assert.ok(usage.seen.some((r) => r.url === "/deepseek/user/balance"), "the adapter read the fake DeepSeek");
    const text = await sandbox.ok(["router", "status"]);
    outputs.push(text.stdout, text.stderr);
    assert.match(text.stdout, /from the provider, \d+ min ago/);
  });

  test("router fetch fetches now", async () => {
    const before = usage.seen.length;
    const result = await routerJson(["fetch", "ds"], gateway.env);
    outputs.push(JSON.stringify(result));
    assert.equal(result.providers[0].ok, true, JSON.stringify(result));
    assert.ok(usage.seen.length > before);
  });

  test("a hanging fetch does not delay an agent turn", async () => {
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
      for (const key of [OPENROUTER_KEY, DEEPSEEK_KEY]) assert.equal(h.includes(key), false, `key found: ${key.slice(0, 8)}…`);
    }
  });
});
