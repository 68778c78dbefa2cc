// Main-thread CPU per routed turn through the before_model_resolve hook: the calling thread's part, the
// settle of the decision and the event loop's wake, all on OpenClaw's thread. One build per process:
//   ROUTER_NATIVE_DIR=<dir with router_addon.node> node bench/hook_cpu.mjs <plugin checkout>
// Run two builds alternately a few times on a shared machine.
import fs from "node:fs"; import os from "node:os"; import path from "node:path";
const dir = path.resolve(process.argv[2]);
const plugin = (await import(path.join(dir, "index.js"))).default;
const { createFakeApi } = await import(path.join(dir, "test/plugin/fake-api.mjs"));
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "router-cpu-"));
const { api, registered } = createFakeApi({ stateDir, config: { dailyBudgetUsd: 20, providers: { anthropic: { models: ["claude-sonnet-4-6", "claude-haiku-4-5"] }, openai: { models: ["gpt-5-mini", "gpt-5-nano"] } } } });
plugin.register(api);
const hook = registered.hooks.get("before_model_resolve");
const prompt = "Refactor this function so it handles empty input, and add tests. ".repeat(30).slice(0, 2000);
const ctx = { agentId: "main", sessionKey: "agent:main:main", sessionId: "s1", trigger: "user", modelProviderId: "router", modelId: "auto" };
for (let i = 0; i < 300; i++) await hook({ prompt }, { ...ctx, runId: `w-${i}` });
const N = 3000; const c0 = process.threadCpuUsage();
for (let i = 0; i < N; i++) await hook({ prompt }, { ...ctx, runId: `t-${i}` });
const c1 = process.threadCpuUsage(c0);
console.log(`${process.env.ROUTER_NATIVE_DIR}: main-thread CPU per routed turn ${((c1.user + c1.system) / N).toFixed(1)} us (user ${(c1.user / N).toFixed(1)}, sys ${(c1.system / N).toFixed(1)})`);
fs.rmSync(stateDir, { recursive: true, force: true });
process.exit(0);
