// The dashboard widget a user pins without the lab setting: a `session:report` built from the core's
// router.page/1 (a real core through the native binding) and the Gateway calls that put and remove
// it, against a recording stand-in for the Gateway.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { Runtime } from "../../binding/index.js";
import { usd, when } from "../../dist/control-ui/render.js";
import { pinWidget, unpinWidget, WIDGET_NAME, widgetReport } from "../../ui/widget.js";

const CONFIG = {
  timezone: "UTC",
  dailyBudgetUsd: 1,
  providers: { fakeai: { quotaType: "tokens", windows: [{ name: "5h", limit: 20_000, schedule: { type: "rolling", hours: 5 } }] } },
};

async function page(config = CONFIG) {
  const runtime = new Runtime({ config, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), "router-widget-")) });
  for (let i = 0; i < 4; i++) {
    runtime.record({
      provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong", runId: `run-${i}`,
      sessionKey: "agent:main:main", agentId: "main", trigger: "user",
      usage: { input: 1500, output: 100, cacheRead: 0, cacheWrite: 0, total: 1600, cost: { total: 0.02 } },
    });
  }
  await runtime.flush();
  return (await runtime.run("page", { decisions: 1 })).value;
}

// The report's documented limits (OpenClaw docs/tools/show-widget.md, "Native dashboard reports").
function checkReportLimits(report) {
  assert.ok(Buffer.byteLength(JSON.stringify(report)) <= 8192);
  assert.ok(report.blocks.length >= 1 && report.blocks.length <= 24);
  for (const item of report.blocks[0].items) {
    assert.ok(item.value.length >= 1 && item.value.length <= 80, item.value);
    assert.ok((item.detail ?? "").length <= 240);
  }
}

test("the widget report carries the page's spend, nearest exhaustion and savings", async () => {
  const p = await page();
  const report = widgetReport(p);
  checkReportLimits(report);
  const [spend, nearest, saved] = report.blocks[0].items;
  assert.ok(p.status.budget.spentMicros > 0);
  assert.equal(spend.value, usd(p.status.budget.spentUsd));
  assert.equal(spend.detail, `of ${usd(p.status.budget.capUsd)} daily budget`);
  assert.equal(saved.value, usd(p.status.routing.today.savedUsd));
  const f = p.nearest?.forecast;
  assert.equal(nearest.value === "none", !f, `nearest ${nearest.value} vs forecast ${JSON.stringify(f)}`);
  if (f) {
    assert.equal(nearest.value, when(f.exhaustsAtMs).slice(11));
    assert.match(nearest.detail, new RegExp(`^${when(f.exhaustsAtMs).slice(0, 10)} · fakeai ${f.window} · `));
  }
});

test("without a daily budget the widget shows today's cost", async () => {
  const p = await page({ ...CONFIG, dailyBudgetUsd: 0 });
  const [spend] = widgetReport(p).blocks[0].items;
  assert.equal(spend.value, usd(p.status.totals.today.costUsd));
  assert.equal(spend.detail, "no daily budget set");
});

test("a document other than router.page/1 is refused", () => {
  assert.throws(() => widgetReport({ schema: "router.status/1" }), /expected router\.page\/1/);
});

test("pin puts a session:report widget by name and unpin removes that name only", async () => {
  const calls = [];
  const call = async (method, params) => {
    calls.push({ method, params });
    return { sessionKey: "agent:main:main", resolvedWidgetName: params.name };
  };
  const p = await page();
  const pinned = await pinWidget(call, p, { session: "main", agent: "main" });
  assert.deepEqual(pinned, { sessionKey: "agent:main:main", name: WIDGET_NAME, kind: "report" });
  const put = calls[0];
  assert.equal(put.method, "board.widget.put");
  assert.equal(put.params.sessionKey, "main");
  assert.equal(put.params.agentId, "main");
  assert.deepEqual(put.params.content, { kind: "plugin", pluginKind: "session:report", props: widgetReport(p) });
  await unpinWidget(call, {});
  assert.deepEqual(calls[1], { method: "board.update", params: { sessionKey: "main", ops: [{ kind: "widget_remove", name: WIDGET_NAME }] } });
});
