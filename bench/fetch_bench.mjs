// Main-thread work of one background usage fetch cycle over 10 providers (8 from OpenClaw's usage
// snapshot, a DeepSeek and a Moonshot adapter against a loopback fake in another process), through
// the plugin's own cycle code (hooks/usage_fetch.js) and the real addon: the CPU time of the main
// thread per cycle (process.threadCpuUsage, so a loaded machine's descheduling does not count),
// which is what the Gateway's thread spends; the HTTP requests and the ledger writes run on the
// libuv pool. The event loop's active time (eventLoopUtilization) is printed beside it: on a
// loaded machine it also counts time the thread waited for a core. Target: <= 1 ms per cycle.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { Runtime } from "../binding/index.js";
import { fetchArgs } from "../hooks/usage_fetch.js";

const CYCLES = 40;
const HOUR = 3_600_000;

const server = spawn(process.execPath, ["-e", `
  const http = require("node:http");
  const bodies = {
    "/ds/user/balance": JSON.stringify({ is_available: true, balance_infos: [{ currency: "USD", total_balance: "4.25" }] }),
    "/ms/v1/users/me/balance": JSON.stringify({ data: { available_balance: 12.5, cash_balance: 2, voucher_balance: 10.5 } }),
  };
  const s = http.createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end(bodies[req.url] ?? "{}"); });
  s.listen(0, "127.0.0.1", () => console.log("listening " + s.address().port));
`], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise((resolve) => createInterface({ input: server.stdout })
  .on("line", (line) => { const m = /^listening (\d+)$/.exec(line); if (m) resolve(Number(m[1])); }));

const windows = [{ name: "5h", limit: 1000, schedule: { type: "rolling", hours: 5 } },
  { name: "weekly", limit: 10000, schedule: { type: "weekly", dayOfWeek: 1, hour: 0 } }];
const snapshotIds = Array.from({ length: 8 }, (_, i) => `p${i}`);
const providers = Object.fromEntries(snapshotIds.map((id) => [id, { quotaSource: "api", quotaType: "messages", windows }]));
providers.ds = { quotaSource: "api", budget: { monthlyLimit: 20 } };
providers.ms = { quotaSource: "api", budget: { monthlyLimit: 20 } };
const pluginConfig = {
  timezone: "UTC",
  providers,
  usageFetch: { endpoints: {
    ds: { adapter: "deepseek", baseUrl: `http://127.0.0.1:${port}/ds` },
    ms: { adapter: "moonshot", baseUrl: `http://127.0.0.1:${port}/ms`, currency: "USD" },
  } },
};
const snapshot = {
  updatedAt: Date.now(),
  providers: snapshotIds.map((id) => ({ provider: id, displayName: id, plan: "Max", windows: [
    { label: "5h", usedPercent: 42, resetAt: Date.now() + 2 * HOUR },
    { label: "Week", usedPercent: 17, resetAt: Date.now() + 100 * HOUR },
  ] })),
};
const api = {
  pluginConfig,
  config: {},
  runtime: {
    gateway: { isAvailable: async () => true, request: async () => structuredClone(snapshot) },
    modelAuth: { resolveApiKeyForProvider: async ({ provider }) => ({ apiKey: `sk-bench-${provider}` }) },
  },
};

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-fetch-bench-"));
const runtime = new Runtime({ config: pluginConfig, stateDir });
const active = [];
const cpu = [];
const wall = [];
for (let i = 0; i < CYCLES; i++) {
  const start = performance.eventLoopUtilization();
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  const { value } = await runtime.run("fetch", await fetchArgs(api, runtime));
  wall.push(performance.now() - t0);
  const used = process.threadCpuUsage(cpu0);
  cpu.push((used.user + used.system) / 1000);
  active.push(performance.eventLoopUtilization(start).active);
  if (value.providers.length !== 10 || !value.providers.every((p) => p.ok)) {
    throw new Error(`fetch cycle failed: ${JSON.stringify(value.providers.filter((p) => !p.ok))}`);
  }
}
server.kill();
fs.rmSync(stateDir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
console.log(`usage fetch cycle, 10 providers (8 snapshot, 2 loopback adapters): main-thread CPU median ` +
  `${median(cpu).toFixed(3)} ms, max ${max(cpu).toFixed(3)} ms per cycle (target <= 1 ms); event loop ` +
  `active median ${median(active).toFixed(3)} ms; wall ${median(wall).toFixed(1)} ms`);
