// Scripted traffic through real OpenClaw against the loopback fake provider, then the reports.
// Everything happens in a throwaway OpenClaw home (printed at the start, kept for inspection).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fakeProvider, OPENCLAW_BIN, REPO, Sandbox } from "../test/e2e/sandbox.mjs";

const MODELS = {
  strong: { id: "big-brain", cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
  cheap: { id: "quick-mini", cost: { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: 0 } },
};
const TRAFFIC = [
  ["Summarise this morning's inbox for me", "demo/big-brain"],
  ["What's on my calendar today?", "demo/quick-mini"],
  ["Refactor the parser in utils.py to stream its input", "demo/big-brain"],
  ["Remind me to call mum at 6", "demo/quick-mini"],
  ["Draft a reply to the landlord", "flaky/always-500"],
];

const say = (line) => process.stdout.write(`${line}\n`);
const sandbox = Sandbox.create("demo");
say(`OpenClaw home: ${sandbox.home}`);
try {
  const fake = await sandbox.startFakeProvider({
    models: {
      "big-brain": { usage: { prompt_tokens: 5200, completion_tokens: 640, cached_tokens: 4096 } },
      "quick-mini": { usage: { prompt_tokens: 1800, completion_tokens: 120, cached_tokens: 1024 } },
      "always-500": { status: 500 },
    },
  });
  say(`fake provider on ${fake.baseUrl}`);
  say("installing the plugin (openclaw plugins install) ...");
  await sandbox.installPlugin();
  await sandbox.patchConfig({
    plugins: {
      entries: {
        "model-router": {
          hooks: { allowConversationAccess: true },
          config: {
            timezone: "local",
            dailyBudgetUsd: 0.03,
            providers: {
              demo: {
                quotaType: "tokens", tier: "premium",
                windows: [
                  { name: "5h", limit: 40000, schedule: { type: "rolling", hours: 5 } },
                  { name: "weekly", limit: 500000, schedule: { type: "weekly", dayOfWeek: 3, hour: 7 } },
                ],
              },
              flaky: { quotaType: "requests", windows: [{ name: "daily", limit: 100, schedule: { type: "daily" } }] },
            },
          },
        },
      },
    },
    models: {
      providers: {
        demo: fakeProvider(fake.baseUrl, "/demo", "demo-key", [MODELS.strong, MODELS.cheap]),
        flaky: fakeProvider(fake.baseUrl, "/flaky", "flaky-key", [{ id: "always-500", cost: MODELS.cheap.cost }]),
      },
    },
    agents: { defaults: { model: { primary: "demo/big-brain" } } },
  });
  sandbox.writeAgentSettings("main", { retry: { provider: { maxRetries: 0 } } });

  for (const [message, model] of TRAFFIC) {
    const started = Date.now();
    const turn = await sandbox.openclaw(["agent", "--local", "--agent", "main", "--message", message, "--model", model, "--json"]);
    say(`turn on ${model.padEnd(18)} ${turn.code === 0 ? "ok    " : "failed"} (${((Date.now() - started) / 1000).toFixed(1)} s): ${message}`);
  }

  for (const args of [["router", "status"], ["router", "providers"]]) {
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
