// before_model_resolve on the calling thread, two builds in one process: each plugin checkout
// with its own addon, turns alternated (and the order swapped every turn) so both see the same
// load at the same moments; on a shared machine, separate runs minutes apart do not compare.
//   node bench/hook_ab.mjs <checkoutA> <nativeDirA> <checkoutB> <nativeDirB>
// e.g. node bench/hook_ab.mjs /work/main /work/main/build/Release . build/Release
import fs from "node:fs"; import os from "node:os"; import path from "node:path";
const [aDir, aNative, bDir, bNative] = process.argv.slice(2).map((p) => path.resolve(p));
const stateDirs = [];
async function load(dir, native) {
  process.env.ROUTER_NATIVE_DIR = native;
  const plugin = (await import(path.join(dir, "index.js"))).default;
  const { createFakeApi } = await import(path.join(dir, "test/plugin/fake-api.mjs"));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-ab-"));
  stateDirs.push(stateDir);
  const { api, registered } = createFakeApi({ stateDir, config: { dailyBudgetUsd: 20, providers: { anthropic: { models: ["claude-sonnet-4-6", "claude-haiku-4-5"] }, openai: { models: ["gpt-5-mini", "gpt-5-nano"] } } } });
  plugin.register(api);
  return registered.hooks.get("before_model_resolve");
}
const A = await load(aDir, aNative), B = await load(bDir, bNative);
const prompt = "Refactor this function so it handles empty input, and add tests. ".repeat(30).slice(0, 2000);
const ctx = { runId: "run-1", agentId: "main", sessionKey: "agent:main:main", sessionId: "s1", trigger: "user", modelProviderId: "router", modelId: "auto" };
const TURNS = Number(process.env.TURNS ?? 3000);
for (let i = 0; i < 300; i++) { await A({ prompt }, { ...ctx, runId: `wa-${i}` }); await B({ prompt }, { ...ctx, runId: `wb-${i}` }); }
const ta = new Float64Array(TURNS), tb = new Float64Array(TURNS);
async function one(h, arr, i, tag) { const c = { ...ctx, runId: `${tag}-${i}` }; const t0 = process.hrtime.bigint(); const p = h({ prompt }, c); arr[i] = Number(process.hrtime.bigint() - t0) / 1000; await p; }
for (let i = 0; i < TURNS; i++) { if (i % 2) { await one(A, ta, i, "a"); await one(B, tb, i, "b"); } else { await one(B, tb, i, "b"); await one(A, ta, i, "a"); } }
const at = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1);
for (const [n, a] of [["A " + aNative, ta], ["B " + bNative, tb]]) { a.sort(); console.log(`${n}: calling thread p50 ${at(a, 0.5)} us, p90 ${at(a, 0.9)} us, p99 ${at(a, 0.99)} us (${TURNS} turns)`); }
for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
