// Scripted traffic through real OpenClaw against the loopback fake provider, then the reports.
// Everything happens in a throwaway OpenClaw home (printed at the start, kept for inspection).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fakeProvider, OPENCLAW_BIN, REPO, Sandbox } from "../test/e2e/sandbox.mjs";

const MODELS = {
  strong: { id: "big-brain", cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, contextWindow: 200000 },
  cheap: { id: "quick-mini", cost: { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 }, contextWindow: 128000 },
  local: { id: "llama3.1:8b", cost: { input: 0, output: 0 }, contextWindow: 128000 },
};
// A day of traffic: most turns on router/auto (the router picks), one pinned model, one provider down.
const TRAFFIC = [
  ["Write a Python function that streams a large CSV file and yields each row as a dict, with tests", "router/auto"],
  ["hey, good morning!", "router/auto"],
  ["What's on my calendar today?", "demo/quick-mini"],
  ["Refactor this JavaScript so the parser handles escaped quotes: function parse(s) { return s.split(','); }", "router/auto"],
  ["thanks a lot, bye!", "router/auto"],
  ["Draft a reply to the landlord", "flaky/always-500"],
  ["Fix the off-by-one bug in my Rust loop: for i in 0..=v.len() { println!(\"{}\", v[i]); }", "router/auto"],
];
// Unknown fake models need capability profiles (0..1 per dimension); real model ids use the shipped table.
const CAPABILITIES = {
  "demo/big-brain": { coding: 0.92, reasoning: 0.95, creative: 0.9, instruction: 0.93, context: 0.9, speed: 0.5, tools: true },
  "demo/quick-mini": { coding: 0.45, reasoning: 0.6, creative: 0.6, instruction: 0.8, context: 0.6, speed: 0.95, tools: true },
};

const say = (line) => process.stdout.write(`${line}\n`);
const sandbox = Sandbox.create("demo");
say(`OpenClaw home: ${sandbox.home}`);
try {
  const fake = await sandbox.startFakeProvider({
    models: {
      "big-brain": { usage: { prompt_tokens: 5200, completion_tokens: 640, cached_tokens: 4096 } },
      "quick-mini": { usage: { prompt_tokens: 1800, completion_tokens: 120, cached_tokens: 1024 } },
      "llama3.1:8b": { usage: { prompt_tokens: 1800, completion_tokens: 150, cached_tokens: 0 } },
      "always-500": { status: 500 },
    },
  });
  say(`fake provider on ${fake.baseUrl}`);
  say("installing the plugin (openclaw plugins install) ...");
  await sandbox.setUp({
    pluginConfig: {
      timezone: "local",
      dailyBudgetUsd: 0.04,
      providers: {
        demo: {
          quotaType: "tokens", tier: "premium",
          windows: [
            { name: "5h", limit: 40000, schedule: { type: "rolling", hours: 5 } },
            { name: "weekly", limit: 500000, schedule: { type: "weekly", dayOfWeek: 3, hour: 7 } },
          ],
        },
        flaky: { quotaType: "requests", windows: [{ name: "daily", limit: 100, schedule: { type: "daily" } }] },
        ollama: { quotaSource: "unlimited", tier: "local" },
      },
      capabilities: CAPABILITIES,
    },
    providers: {
      demo: fakeProvider(fake.baseUrl, "/demo", "demo-key", [MODELS.strong, MODELS.cheap]),
      flaky: fakeProvider(fake.baseUrl, "/flaky", "flaky-key", [{ id: "always-500", cost: MODELS.cheap.cost }]),
      ollama: fakeProvider(fake.baseUrl, "/ollama", "ollama", [MODELS.local]),
    },
    primary: "router/auto",
  });
  sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 0 } } });

  for (const [message, model] of TRAFFIC) {
    const started = Date.now();
    const before = fake.requests().length;
    const turn = await sandbox.openclaw(["agent", "--local", "--agent", "main", "--message", message, "--model", model, "--json"]);
    const served = [...new Set(fake.requests().slice(before).map((r) => r.model))].join(", ") || "-";
    say(`${model.padEnd(17)} -> ${served.padEnd(12)} ${turn.code === 0 ? "ok    " : "failed"} (${((Date.now() - started) / 1000).toFixed(1)} s): ${message.slice(0, 60)}`);
  }

  for (const args of [["router", "status"], ["router", "providers"], ["router", "predict"],
    ["router", "route", "Can you write a SQL query that finds duplicate emails?", "--agent", "main"],
    ["router", "route", "good night!", "--agent", "main"]]) {
    say(`\n$ openclaw ${args.join(" ")}`);
    const { stdout, stderr, code } = await sandbox.openclaw(args);
    process.stdout.write(stdout);
    if (code !== 0) process.stdout.write(stderr);
  }
  say("\n$ openclaw-router status demo   # the native CLI: same core, no OpenClaw start-up");
  const started = Date.now();
  const native = spawnSync(path.join(REPO, "build/Release/openclaw-router"), ["status", "demo"], { env: sandbox.env, encoding: "utf8" });
  process.stdout.write(native.stdout + native.stderr);
  say(`(${Date.now() - started} ms)`);
  say(`\nThe sandbox is kept. JSON for scripts:\n  PATH=${sandbox.env.PATH.split(":")[0]}:$PATH OPENCLAW_STATE_DIR=${sandbox.stateDir} \\\n    ${OPENCLAW_BIN} router status --json`);
} finally {
  sandbox.stop({ remove: false });  // kept: the JSON hint above points into it
}
