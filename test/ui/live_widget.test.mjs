// The live dashboard widget without OpenClaw: its feed (the Gateway method behind the
// `model-router.widget` data binding) on a real core through the native binding, the long poll's
// wake-up on recorded usage, the pin's put-and-grant against a recording stand-in for the Gateway,
// and the widget's own script in headless Chromium with a stand-in for OpenClaw's widget bridge.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { Runtime } from "../../binding/index.js";
import { registerOperations, waitForUsage } from "../../ui/operations.js";
import { pinLiveWidget, pinWidget, WIDGET_NAME } from "../../ui/widget.js";
import { FEED_BINDING, FEED_METHOD, feedHandler, feedParams } from "../../ui/widget_feed.js";
import { liveWidgetHtml } from "../../ui/widget_html.js";
import { nearestItem, savingsItem, spendItem } from "../../ui/widget_items.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const CHROMIUM = process.env.ROUTER_CHROMIUM ?? "/usr/bin/chromium";
const CONFIG = {
  timezone: "UTC",
  dailyBudgetUsd: 1,
  providers: { fakeai: { quotaType: "tokens", windows: [{ name: "5h", limit: 20_000, schedule: { type: "rolling", hours: 5 } }] } },
};

function newRuntime() {
  return new Runtime({ config: CONFIG, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), "router-live-widget-")) });
}

async function record(runtime, n, from = 0) {
  for (let i = from; i < from + n; i++) {
    runtime.record({
      provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong", runId: `run-${i}`,
      sessionKey: "agent:main:main", agentId: "main", trigger: "user",
      usage: { input: 1500, output: 100, cacheRead: 0, cacheWrite: 0, total: 1600, cost: { total: 0.02 } },
    });
  }
  await runtime.flush();
}

// A Gateway handler call: resolves with what it responded.
function call(handler, params) {
  return new Promise((resolve) => handler({ params, respond: (ok, payload, error) => resolve({ ok, payload, error }) }));
}

test("the manifest's data binding names the read-scoped method the plugin registers", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "openclaw.plugin.json"), "utf8"));
  const methods = new Map();
  registerOperations({ registerGatewayMethod: (name, handler, opts) => methods.set(name, opts) }, () => undefined);
  const [binding] = manifest.dashboard.dataBindings;
  // OpenClaw's load check (src/plugins/dashboard-capabilities.ts): same plugin, operator.read.
  assert.deepEqual(methods.get(binding.method), { scope: "operator.read" });
  assert.equal(`${manifest.id}.${binding.id}`, FEED_BINDING);
  assert.equal(binding.method, FEED_METHOD);
});

test("the feed's params: {} or {afterMs}, anything else named in the error", () => {
  assert.deepEqual(feedParams(undefined), { afterMs: undefined });
  assert.deepEqual(feedParams({ afterMs: 5 }), { afterMs: 5 });
  assert.throws(() => feedParams({ afterMs: -1 }), /afterMs must be a non-negative integer/);
  assert.throws(() => feedParams({ afterMs: "5" }), /afterMs must be a non-negative integer/);
  assert.throws(() => feedParams({ provider: "x" }), /unknown field provider/);
  assert.throws(() => feedParams([1]), /params must be an object/);
});

test("the feed answers with router.page/1 at once, or after the wait with afterMs", async () => {
  const runtime = newRuntime();
  await record(runtime, 3);
  const waited = [];
  const handler = feedHandler((c, a) => runtime.run(c, a), async (afterMs) => { waited.push(afterMs); });
  const first = await call(handler, {});
  assert.equal(first.ok, true);
  assert.equal(first.payload.schema, "router.page/1");
  assert.deepEqual(first.payload.status.budget, (await runtime.run("status", {})).value.budget);
  assert.deepEqual(waited, []);
  const next = await call(handler, { afterMs: first.payload.generatedAtMs });
  assert.deepEqual(waited, [first.payload.generatedAtMs]);
  assert.equal(next.ok, true);
  const bad = await call(handler, { afterMs: 1.5 });
  assert.equal(bad.ok, false);
  assert.match(bad.error.message, /^model-router\.widget: afterMs must be/);
});

test("a held read wakes when usage is committed, else at its timeout", async () => {
  const api = { registerSessionAction() {}, registerService() {}, logger: {} };
  const ui = registerOperations(api, () => undefined);
  const since = Date.now();
  const timedOut = await Promise.race([waitForUsage(since, 50).then(() => "woke"), new Promise((r) => setTimeout(r, 1000, "hung"))]);
  assert.equal(timedOut, "woke");
  const started = Date.now();
  const held = waitForUsage(Date.now(), 60_000);
  ui.usageRecorded();  // the llm_output hook's call; the wake comes after the writer's delay
  await held;
  const took = Date.now() - started;
  assert.ok(took >= 1000 && took < 10_000, `woke after ${took} ms`);
  // Usage already committed after afterMs: no wait at all.
  assert.equal(await Promise.race([waitForUsage(since, 60_000).then(() => "now"), new Promise((r) => setTimeout(r, 200, "held"))]), "now");
});

test("pin puts the HTML widget declaring the binding and grants a pending read", async () => {
  const calls = [];
  const widget = (grantState) => ({ name: WIDGET_NAME, revision: 3, instanceId: "abc", grantState });
  let putState = "pending";
  const gateway = async (method, params) => {
    calls.push({ method, params });
    if (method === "board.widget.put") return { sessionKey: "agent:main:main", resolvedWidgetName: params.name, widgets: [widget(putState)] };
    if (method === "board.widget.grant") return { sessionKey: "agent:main:main", widgets: [widget(params.decision)] };
    throw new Error(`unexpected ${method}`);
  };
  assert.deepEqual(await pinLiveWidget(gateway, { agent: "main" }), { sessionKey: "agent:main:main", name: WIDGET_NAME, kind: "live" });
  const [put, grant] = calls;
  assert.deepEqual(put.params.content, { kind: "html", html: liveWidgetHtml() });
  assert.deepEqual(put.params.declared, { tools: [FEED_BINDING] });
  assert.deepEqual(grant.params, { sessionKey: "main", agentId: "main", name: WIDGET_NAME, decision: "granted", revision: 3, instanceId: "abc" });

  calls.length = 0;
  putState = "granted";  // identical bytes keep the earlier grant: nothing to grant
  await pinLiveWidget(gateway);
  assert.deepEqual(calls.map((c) => c.method), ["board.widget.put"]);

  putState = "rejected";  // the session's permission mode said no
  await assert.rejects(pinLiveWidget(gateway), /read of model-router\.widget is rejected .*pin --report/);
});

test("pin replaces a widget of the other kind by removing it first", async () => {
  const calls = [];
  let refused = false;
  const gateway = async (method, params) => {
    calls.push(method);
    if (method === "board.widget.put" && !refused) {
      refused = true;
      throw new Error("board widget model-router contains session:report content; update it with the same content kind or remove it before replacing it with html content");
    }
    return { sessionKey: "agent:main:main", resolvedWidgetName: WIDGET_NAME, widgets: [{ name: WIDGET_NAME, grantState: "granted", revision: 1 }] };
  };
  await pinLiveWidget(gateway);
  assert.deepEqual(calls, ["board.widget.put", "board.update", "board.widget.put"]);
  await assert.rejects(pinWidget(async () => { throw new Error("missing scope: operator.write"); }, { schema: "router.page/1", status: {
    budget: null, totals: { today: { costUsd: 0 } }, routing: { today: { savedUsd: 0, applied: 0, decisions: 0 } } } }), /missing scope/);
});

test("the widget's bytes are fixed, self-contained and within OpenClaw's limits", () => {
  const html = liveWidgetHtml();
  assert.equal(html, liveWidgetHtml());  // the grant is bound to these bytes' SHA-256
  assert.ok(Buffer.byteLength(html) < 262_144);
  assert.doesNotMatch(html, /https?:\/\/|<link|src=/);
  assert.equal(html.match(/<\/script>/g).length, 1);  // no early end inside the script
});

// The frame's script with a stand-in bridge: each read answers with the next page from a real
// core, and records its params, so the loop's afterMs and the DOM's figures can be checked.
test("in Chromium the widget shows each page's figures and asks after the last one", { skip: !fs.existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async () => {
  const runtime = newRuntime();
  await record(runtime, 2);
  const first = (await runtime.run("page", { decisions: 1 })).value;
  await record(runtime, 3, 10);
  const second = (await runtime.run("page", { decisions: 1 })).value;
  assert.ok(second.status.budget.spentMicros > first.status.budget.spentMicros);

  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const reads = [];
    const answers = [first, second];
    await page.exposeFunction("nextPage", (bindingId, params) => {
      reads.push({ bindingId, params });
      return answers.shift() ?? new Promise(() => {});  // then hold, like an idle feed
    });
    const bridge = "<script>window.openclaw = { data: { read: (id, params) => window.nextPage(id, params) } };</script>";
    await page.setContent(`<!doctype html><body>${bridge}${liveWidgetHtml()}</body>`);
    await page.waitForFunction((at) => document.getElementById("mr-live").dataset.generatedAt === String(at),
      second.generatedAtMs, { timeout: 20_000 }).catch((err) => assert.fail(`${err.message}; errors: ${errors}; reads: ${JSON.stringify(reads)}`));
    const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("[data-field]")].map((cell) =>
      [cell.dataset.field, { label: cell.querySelector("dt").textContent, value: cell.querySelector(".v").textContent,
        detail: cell.querySelector(".d").textContent, micros: cell.querySelector(".v").getAttribute("data-micros") }])));
    const s = second.status;
    assert.deepEqual(shown.spend, { ...spendItem(s), micros: String(s.budget.spentMicros) });
    assert.deepEqual(shown.savings, { ...savingsItem(s), micros: String(s.routing.today.savedMicros) });
    assert.deepEqual(shown.nearest, { ...nearestItem(second.nearest), micros: null });
    assert.deepEqual(reads.map((r) => r.bindingId), [FEED_BINDING, FEED_BINDING, FEED_BINDING]);
    assert.deepEqual(reads.map((r) => r.params), [{}, { afterMs: first.generatedAtMs }, { afterMs: second.generatedAtMs }]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
