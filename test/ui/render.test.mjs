// The Router page renderer and the read operations against a real core (the native binding): the
// HTML carries the core's figures unchanged, draws each window's forecast, escapes what it shows;
// the operations answer with the commands' JSON and report bad input as an error value.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { Runtime } from "../../binding/index.js";
import { renderDocument, renderPage, renderWidget } from "../../dist/control-ui/render.js";
import { OPERATIONS, registerOperations } from "../../ui/operations.js";
import { registerSurfaces } from "../../ui/surfaces.js";

const CONFIG = {
  timezone: "UTC",
  dailyBudgetUsd: 1,
  providers: {
    fakeai: {
      quotaType: "tokens",
      windows: [
        { name: "daily", limit: 50_000, schedule: { type: "daily" } },
        { name: "5h", limit: 20_000, schedule: { type: "rolling", hours: 5 } },
      ],
    },
  },
};

async function filledRuntime(calls = 6) {
  const runtime = new Runtime({ config: CONFIG, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), "router-ui-")) });
  for (let i = 0; i < calls; i++) {
    runtime.record({
      provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong", runId: `run-${i}`,
      sessionKey: "agent:main:main", agentId: "main", trigger: "user",
      usage: { input: 1500, output: 100, cacheRead: 0, cacheWrite: 0, total: 1600, cost: { total: 0.02 } },
    });
  }
  await runtime.flush();
  return runtime;
}

test("the page shows the core's figures and one forecast chart per limited window", async () => {
  const runtime = await filledRuntime();
  const { value: page } = await runtime.run("page", {});
  assert.equal(page.schema, "router.page/1");
  const html = renderPage(page, { usageHref: "/usage" });
  const { budget, quotas } = page.status;
  assert.ok(budget.spentMicros > 0);
  assert.match(html, new RegExp(`data-field="spend"><h3>Today's spend</h3><p class="mr-big" data-micros="${budget.spentMicros}"`));
  assert.equal(quotas.length, 2);
  for (const q of quotas) {
    assert.match(html, new RegExp(`data-quota="fakeai/${q.window}" data-used="${q.used}" data-limit="${q.limit}"`));
    assert.match(html, new RegExp(`<svg class="mr-chart" data-chart="fakeai/${q.window}"`));
  }
  assert.equal(page.charts.length, 2);
  const drawn = page.charts.filter((c) => c.projection !== null).length;
  assert.equal((html.match(/class="mr-proj"/g) ?? []).length, drawn);
  assert.equal((html.match(/class="mr-band"/g) ?? []).length, drawn);
  assert.match(html, /href="\/usage"/);
  assert.match(renderWidget(page), new RegExp(`data-micros="${budget.spentMicros}"`));
});

// The headline and the charts read the same forecasts: "none" only when no chart marks an
// exhaustion, else the earliest marked time. Returns what the headline shows.
function checkHeadlineAgreesWithCharts(html) {
  const marked = [...html.matchAll(/<svg class="mr-chart"[^>]* data-exhausts-at="(\d+)"/g)].map((m) => Number(m[1]));
  const headline = html.match(/data-field="exhausts-at"(?: data-ms="(\d*)")?>([^<]*)</);
  assert.ok(headline, "the page has a nearest-exhaustion headline");
  if (marked.length === 0) {
    assert.equal(headline[2], "none");
  } else {
    assert.notEqual(headline[2], "none", `a chart marks an exhaustion at ${Math.min(...marked)}`);
    assert.equal(Number(headline[1]), Math.min(...marked));
  }
  return headline[2];
}

test("the nearest exhaustion agrees with the charts in the first, low-confidence hours", async () => {
  // Minutes of history at a heavy pace: the 5 h window's chart runs out, nothing warns yet.
  const runtime = await filledRuntime(12);
  const { value: page } = await runtime.run("page", {});
  assert.equal(page.status.forecast, null, "a forecast warned on minutes of history");
  assert.equal(page.nearest?.state, "lowConfidence");
  const html = renderPage(page);
  assert.notEqual(checkHeadlineAgreesWithCharts(html), "none");
  assert.match(html, /data-field="not-warned">low confidence: [\d.]+ days of history, too few to warn</);
  const quiet = await filledRuntime(1);
  const calm = (await quiet.run("page", {})).value;
  checkHeadlineAgreesWithCharts(renderPage(calm));
});

test("what the page shows is escaped, and the file is self-contained", async () => {
  const runtime = await filledRuntime();
  const { value: page } = await runtime.run("page", {});
  page.status.alerts = [{ atMs: page.generatedAtMs, provider: "fakeai", window: "daily", level: "warning",
    message: `<img src=x onerror="alert(1)">` }];
  const doc = renderDocument(page);
  assert.ok(!doc.includes("<img"));
  assert.match(doc, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
  assert.doesNotMatch(doc, /<script|<link|https?:\/\/(?!www\.w3\.org)/);
});

test("the operations answer with the commands' JSON and need read scope", async () => {
  const runtime = await filledRuntime();
  const actions = new Map();
  const api = {
    registerSessionAction: (action) => actions.set(action.id, action),
    registerService: () => {},
  };
  registerOperations(api, () => runtime);
  assert.deepEqual([...actions.keys()].sort(), Object.keys(OPERATIONS).sort());
  for (const action of actions.values()) assert.deepEqual(action.requiredScopes, ["operator.read"]);
  const status = await actions.get("status").handler({ payload: {} });
  assert.equal(status.ok, true);
  assert.deepEqual(status.result.totals, (await runtime.run("status", {})).value.totals);
  const bad = await actions.get("predict").handler({ payload: { provider: "nobody" } });
  assert.equal(bad.ok, false);
  assert.match(bad.error, /unknown provider "nobody"/);
});

// The server-rendered page's route with a stand-in for OpenClaw's Gateway request scope: gateway
// auth alone is not enough, the caller's own operator scopes must cover operator.read.
test("the page route refuses callers without read scope", async () => {
  const runtime = await filledRuntime();
  const routes = [];
  let current;
  registerSurfaces({ registerHttpRoute: (r) => routes.push(r) }, () => runtime, { requestScope: async () => current });
  assert.equal(routes.length, 1);
  assert.equal(routes[0].auth, "gateway");
  assert.equal(routes[0].gatewayRuntimeScopeSurface, "trusted-operator");
  const get = async (scope) => {
    current = scope;
    const res = { headers: {}, setHeader(k, v) { this.headers[k] = v; }, end(body) { this.body = body; this.writableEnded = true; } };
    assert.equal(await routes[0].handler({ method: "GET" }, res), true);
    return res;
  };
  const as = (...scopes) => ({ client: { connect: { scopes } } });
  for (const scopes of [[], ["operator.approvals"], ["operator.pairing", "operator.talk"]]) {
    const refused = await get(as(...scopes));
    assert.equal(refused.statusCode, 403, `scopes ${scopes}`);
    assert.doesNotMatch(refused.body, /mr-root/);
  }
  assert.equal((await get(undefined)).statusCode, 503);  // no request scope: fail closed
  for (const scopes of [["operator.read"], ["operator.write"], ["operator.admin"]]) {
    const ok = await get(as(...scopes));
    assert.equal(ok.statusCode, 200, `scopes ${scopes}`);
    assert.match(ok.body, /class="mr-root"/);
  }
  const expired = await get({ ...as("operator.read"), revalidate: async () => { throw new Error("expired"); } });
  assert.equal(expired.statusCode, 401);
  assert.doesNotMatch(expired.body, /mr-root/);
});
