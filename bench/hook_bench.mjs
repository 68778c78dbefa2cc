// Time the hooks spend on OpenClaw's calling thread, through the real plugin entry and addon:
// llm_output (mapping + native enqueue) and before_model_resolve (mapping, reading the turn's
// fields into the core's request and queueing the decision; the decision itself runs on the
// addon's own thread, binding/background.cc). Prints figures.
// `--resolve-only` times before_model_resolve alone, for A/B runs against another build
// (ROUTER_NATIVE_DIR=<dir holding router_addon.node>) interleaved in the same minutes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Runtime } from "../binding/index.js";
import plugin from "../index.js";
import { createFakeApi } from "../test/plugin/fake-api.mjs";

const CALLS = 50_000;
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-hook-bench-"));
const { api, registered } = createFakeApi({
  stateDir,
  config: { dailyBudgetUsd: 20, providers: { anthropic: { models: ["claude-sonnet-4-6", "claude-haiku-4-5"] },
    openai: { models: ["gpt-5-mini", "gpt-5-nano"] } } },
});
plugin.register(api);
const handler = registered.hooks.get("llm_output");
const event = {
  runId: "run-1", sessionId: "s1", provider: "anthropic", model: "claude-sonnet-4-6",
  resolvedRef: "anthropic/claude-sonnet-4-6", harnessId: "openclaw", contextTokenBudget: 200000,
  assistantTexts: ["x".repeat(2000)], lastAssistant: { role: "assistant", content: "x".repeat(2000) },
  usage: { input: 1034, output: 56, cacheRead: 200, cacheWrite: 0, total: 1290, cost: { total: 0.004002 } },
};
const ctx = { runId: "run-1", agentId: "main", sessionKey: "agent:main:main", sessionId: "s1", trigger: "user" };

// Tight loop: calls arrive faster than the writer commits, so the queue (and memory) grows.
// Paced: 10,000 calls/s, still far above real traffic, with the writer keeping up.
function measure(label, spacingUs) {
  const times = new Float64Array(CALLS);
  let next = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    if (spacingUs) while (process.hrtime.bigint() < next) { /* busy-wait to the next slot */ }
    next += BigInt(spacingUs * 1000);
    const t0 = process.hrtime.bigint();
    handler(event, ctx);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  const pct = (p) => times[Math.min(CALLS - 1, Math.floor(CALLS * p))].toFixed(2);
  console.log(`llm_output handler on the calling thread, ${label}: p50 ${pct(0.5)} us, p99 ${pct(0.99)} us, max ${times[CALLS - 1].toFixed(1)} us (${CALLS} calls, Node ${process.version})`);
}

// Routing first, on an idle writer: one turn at a time, as OpenClaw resolves a model once per run.
const resolve = registered.hooks.get("before_model_resolve");
const TURNS = 2_000;
const routeCtx = { ...ctx, modelProviderId: "router", modelId: "auto" };
const prompt = "Refactor this function so it handles empty input, and add tests. ".repeat(30).slice(0, 2000);
const sync = new Float64Array(TURNS);
const total = new Float64Array(TURNS);
for (let i = 0; i < 200; i++) await resolve({ prompt }, { ...routeCtx, runId: `warm-${i}` });
for (let i = 0; i < TURNS; i++) {
  const t0 = process.hrtime.bigint();
  const pending = resolve({ prompt }, { ...routeCtx, runId: `turn-${i}` });
  sync[i] = Number(process.hrtime.bigint() - t0) / 1000;
  await pending;
  total[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
for (const a of [sync, total]) a.sort();
const at = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1);
console.log(`before_model_resolve (2 kB prompt, 4 candidates): calling thread p50 ${at(sync, 0.5)} us, p99 ${at(sync, 0.99)} us; ` +
  `until the override is returned (ledger state + decision + decision logged, off-thread) p50 ${at(total, 0.5)} us, p99 ${at(total, 0.99)} us (${TURNS} turns)`);

if (process.argv.includes("--resolve-only")) {
  fs.rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
}

// Failover: a routed run's attempt fails (llm_output records its usage and hands the failure to
// Runtime.recordFailure, which queues the cooldown to the writer thread), and the next attempt
// of the same run asks for the next model of its chain (before_model_resolve on a fallback slot).
const failed = { ...event, usage: undefined, assistantTexts: [],
  lastAssistant: { role: "assistant", stopReason: "error", errorCode: "500", errorMessage: "500 upstream error" } };
const FAILOVERS = 1_000;
const failSync = new Float64Array(FAILOVERS);
const retrySync = new Float64Array(FAILOVERS);
const retryTotal = new Float64Array(FAILOVERS);
// Control: an answered attempt timed in the same place (right after awaiting a routed turn), so
// what the failure path itself adds is the difference.
const answeredSync = new Float64Array(FAILOVERS);
for (let i = 0; i < FAILOVERS; i++) {
  const okCtx = { ...routeCtx, runId: `ok-${i}` };
  await resolve({ prompt }, okCtx);
  const t1 = process.hrtime.bigint();
  handler({ ...event, runId: okCtx.runId }, okCtx);
  answeredSync[i] = Number(process.hrtime.bigint() - t1) / 1000;
  const runCtx = { ...routeCtx, runId: `fail-${i}` };
  await resolve({ prompt }, runCtx);
  let t0 = process.hrtime.bigint();
  handler({ ...failed, runId: runCtx.runId }, runCtx);
  failSync[i] = Number(process.hrtime.bigint() - t0) / 1000;
  t0 = process.hrtime.bigint();
  const pending = resolve({ prompt }, { ...runCtx, modelId: "fallback-1" });
  retrySync[i] = Number(process.hrtime.bigint() - t0) / 1000;
  await pending;
  retryTotal[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
for (const a of [failSync, retrySync, retryTotal, answeredSync]) a.sort();
console.log(`failover: llm_output of a failed attempt p50 ${at(failSync, 0.5)} us, p99 ${at(failSync, 0.99)} us ` +
  `(an answered attempt in the same place: p50 ${at(answeredSync, 0.5)} us, p99 ${at(answeredSync, 0.99)} us); ` +
  `before_model_resolve of the fallback attempt p50 ${at(retrySync, 0.5)} us, p99 ${at(retrySync, 0.99)} us on the calling thread, ` +
  `override back after p50 ${at(retryTotal, 0.5)} us, p99 ${at(retryTotal, 0.99)} us (${FAILOVERS} runs)`);

// The failure hand-off alone, old and new path interleaved so both see the same load: the generic
// command (JSON args, a promise and a pool job per call) against the dedicated binding method
// (five typed arguments, queued to the writer thread).
const direct = new Runtime({ config: { dailyBudgetUsd: 20 }, stateDir });
const handoff = { ref: "anthropic/claude-sonnet-4-6", status: 500, message: "500 upstream error" };
const viaCommand = new Float64Array(FAILOVERS);
const viaBinding = new Float64Array(FAILOVERS);
for (let i = 0; i < FAILOVERS; i++) {
  let t0 = process.hrtime.bigint();
  const pending = direct.run("record-failure", handoff);
  viaCommand[i] = Number(process.hrtime.bigint() - t0) / 1000;
  await pending;
  t0 = process.hrtime.bigint();
  direct.recordFailure("anthropic", "claude-sonnet-4-6", handoff);
  viaBinding[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
for (const a of [viaCommand, viaBinding]) a.sort();
console.log(`failure hand-off on the calling thread: run("record-failure") p50 ${at(viaCommand, 0.5)} us, p99 ${at(viaCommand, 0.99)} us; ` +
  `recordFailure() p50 ${at(viaBinding, 0.5)} us, p99 ${at(viaBinding, 0.99)} us (${FAILOVERS} each, interleaved)`);
await direct.flush();

for (let i = 0; i < 2000; i++) handler(event, ctx);  // warm up JIT and the writer
measure("tight loop", 0);
measure("paced at 10,000 calls/s", 100);

fs.rmSync(stateDir, { recursive: true, force: true });
