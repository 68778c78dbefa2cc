// Plugin registration against a fake `api`, with the real native addon underneath.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import plugin from "../../index.js";
import { toModelCatalog } from "../../hooks/usage.js";
import { createFakeApi } from "./fake-api.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "openclaw.plugin.json"), "utf8"));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "router-plugin-"));
// OpenClaw ships commander; the CLI is registered on its Command objects.
const { Command } = await import(path.join(ROOT, ".toolchain/openclaw/node_modules/commander/index.js"));

const EVENT = {
  runId: "run-1", sessionId: "s1", provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong",
  assistantTexts: ["a reply that must not be stored"], lastAssistant: { role: "assistant" },
  usage: { input: 1034, output: 56, cacheRead: 200, cacheWrite: 0, total: 1290, cost: { total: 0.004002 } },
};
const CTX = { runId: "run-1", agentId: "main", sessionKey: "agent:main:main", trigger: "user" };

function registerPlugin(options) {
  const fake = createFakeApi(options);
  plugin.register(fake.api);
  return fake.registered;
}

function ledgerRows(stateDir) {
  const db = new DatabaseSync(path.join(stateDir, "model-router", "ledger.sqlite"), { readOnly: true });
  try {
    return db.prepare("SELECT * FROM calls ORDER BY id").all();
  } finally {
    db.close();
  }
}

test("manifest and runtime registrations agree", () => {
  const registered = registerPlugin({ stateDir: tmp() });
  assert.equal(plugin.id, manifest.id);
  assert.deepEqual(registered.tools.map((t) => t.name).sort(), [...manifest.contracts.tools].sort());
  assert.deepEqual(registered.cli.flatMap((c) => c.opts.descriptors.map((d) => d.name)),
    manifest.cliCommands.map((c) => c.name));
  assert.deepEqual([...registered.hooks.keys()].sort(),
    ["before_model_resolve", "llm_input", "llm_output", "model_call_ended"]);
  assert.deepEqual(registered.providers.map((p) => p.id), manifest.providers);
  assert.deepEqual(registered.routes.map((r) => [r.path, r.auth]),
    [["/router/v1/route", "gateway"], ["/router/v1/page", "gateway"]]);
  // The Control UI's read operations: every one needs read scope.
  assert.deepEqual(registered.sessionActions.map((a) => [a.id, a.requiredScopes]).sort(),
    ["decisions", "page", "predict", "providers", "status"].map((id) => [id, ["operator.read"]]));
  assert.deepEqual(registered.descriptors.map((d) => [d.surface, d.id]),
    [["widget", "router-summary"], ["tab", "router-report"]]);
});

test("the router provider resolves exactly the manifest's router models", async () => {
  const [provider] = registerPlugin({ stateDir: tmp() }).providers;
  const ids = manifest.modelCatalog.providers.router.models.map((m) => m.id);
  assert.deepEqual(ids, ["auto", "coding", "reasoning", "simple", "creative", "local", "fallback-1", "fallback-2", "fallback-3"]);
  for (const id of ids) assert.equal(provider.resolveDynamicModel({ modelId: id }).id, id);
  assert.equal(provider.resolveDynamicModel({ modelId: "fast" }), undefined);
  const catalog = await provider.catalog.run({});
  assert.deepEqual(catalog.provider.models.map((m) => m.id), ids);
});

test("cli-metadata mode registers only the CLI and never touches runtime", () => {
  const registered = registerPlugin({ mode: "cli-metadata", stateDir: tmp() });
  assert.equal(registered.cli.length, 1);
  assert.equal(registered.hooks.size, 0);
  assert.equal(registered.tools.length, 0);
});

test("llm_output lands in the ledger without assistant text", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir });
  registered.hooks.get("llm_output")(EVENT, CTX);
  const tool = registered.tools.find((t) => t.name === "router_status");
  const result = await tool.execute("call-1", {});
  assert.equal(result.details.routerStatus.totals.today.inputTokens, 1034);
  assert.equal(result.details.routerStatus.totals.today.costMicros, 4002);
  assert.match(result.content[0].text, /Today: 1 model calls \(0 failed\)/);
  const [row] = ledgerRows(stateDir);
  assert.equal(row.provider, "fakeai");
  assert.equal(row.agent_id, "main");
  assert.equal(row.session_key, "agent:main:main");
  assert.equal(row.trigger, "user");
  assert.equal(row.outcome, "ok");
  assert.ok(!JSON.stringify(row).includes("must not be stored"));
});

test("a cron run's job id is joined from before_model_resolve by runId", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir });
  const ctx = { ...CTX, runId: "run-cron", trigger: "cron", sessionKey: "agent:main:cron-session" };
  assert.equal(await registered.hooks.get("before_model_resolve")({ prompt: "daily brief" }, { ...ctx, jobId: "job-42" }), undefined);
  registered.hooks.get("llm_output")({ ...EVENT, runId: "run-cron" }, ctx);
  await registered.tools[0].execute("c", {});  // flushes
  const [row] = ledgerRows(stateDir);
  assert.equal(row.trigger, "cron");
  assert.equal(row.cron_job_id, "job-42");
});

test("garbage payloads never throw into OpenClaw, are logged by field, and lose nothing", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir });
  const hook = registered.hooks.get("llm_output");
  hook(EVENT, CTX);
  for (const [event, ctx] of [[{ ...EVENT, usage: { input: -3 } }, CTX], [undefined, undefined], [{ usage: "lots" }, null]]) {
    assert.doesNotThrow(() => hook(event, ctx));
  }
  assert.match(registered.warnings.join("\n"), /usage\.input must be a non-negative whole number, got -3/);
  assert.match(registered.warnings.join("\n"), /usage must be an object/);
  const status = (await registered.tools[0].execute("c", {})).details.routerStatus;
  assert.equal(status.totals.today.calls, 4);
  assert.equal(status.totals.today.invalid, 3);
  assert.equal(status.totals.today.inputTokens, 1034);
});

test("a bad config is logged once from the hook and reported by the CLI, never thrown", async () => {
  const registered = registerPlugin({ stateDir: tmp(), config: { timezone: "Nowhere/Special" } });
  assert.doesNotThrow(() => registered.hooks.get("llm_output")(EVENT, CTX));
  assert.doesNotThrow(() => registered.hooks.get("llm_output")(EVENT, CTX));
  assert.equal(registered.warnings.length, 1);
  assert.match(registered.warnings[0], /"timezone" must be an IANA time zone.*Nowhere\/Special/);
});

async function runCli(registered, argv) {
  const program = new Command().exitOverride();
  registered.cli[0].fn({ program });
  let out = "";
  let err = "";
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  // The CLI writes strings; node:test's own reporter protocol (Buffers) passes through.
  process.stdout.write = (chunk, ...rest) => (typeof chunk === "string" ? ((out += chunk), true) : write.call(process.stdout, chunk, ...rest));
  process.stderr.write = (chunk, ...rest) => (typeof chunk === "string" ? ((err += chunk), true) : writeErr.call(process.stderr, chunk, ...rest));
  const exitCode = process.exitCode;
  try {
    await program.parseAsync(argv, { from: "user" });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const code = process.exitCode;
  process.exitCode = exitCode;
  return { out, err, code };
}

test("router status and providers print the core's JSON and tables", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir, config: { timezone: "UTC" } });
  registered.hooks.get("llm_output")(EVENT, CTX);
  const json = await runCli(registered, ["router", "status", "--json"]);
  const status = JSON.parse(json.out);
  assert.equal(status.providers[0].models[0].today.outputTokens, 56);
  const tool = await registered.tools[0].execute("c", {});
  assert.deepEqual({ ...tool.details.routerStatus, generatedAtMs: 0 }, { ...status, generatedAtMs: 0 },
    "--json and the tool's details share one shape");
  const table = await runCli(registered, ["router", "status"]);
  assert.match(table.out, /TOTAL\s+1\s+0\s+1,034/);
  const filtered = JSON.parse((await runCli(registered, ["router", "status", "other", "--json"])).out);
  assert.deepEqual(filtered.providers, []);
  const providers = JSON.parse((await runCli(registered, ["router", "providers", "--json"])).out);
  assert.equal(providers.providers[0].calls, 1);
  assert.match((await runCli(registered, ["router", "providers"])).out, /fake-strong\s+1\s+0/);
});

test("the CLI reports a bad config on stderr with exit code 1", async () => {
  const registered = registerPlugin({ stateDir: tmp(), config: { ledger: { bogus: true } } });
  const result = await runCli(registered, ["router", "status", "--json"]);
  assert.equal(result.out, "");
  assert.equal(result.code, 1);
  assert.match(result.err, /unknown key "ledger\.bogus"; allowed here: path, busyTimeoutMs/);
});

test("usage queued right before process.exit() is committed", () => {
  const stateDir = tmp();
  const script = `
    import plugin from ${JSON.stringify(path.join(ROOT, "index.js"))};
    import { createFakeApi } from ${JSON.stringify(path.join(ROOT, "test/plugin/fake-api.mjs"))};
    const { api, registered } = createFakeApi({ stateDir: ${JSON.stringify(stateDir)} });
    plugin.register(api);
    for (let i = 0; i < 500; i++) registered.hooks.get("llm_output")(${JSON.stringify(EVENT)}, ${JSON.stringify(CTX)});
    process.exit(0);`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(ledgerRows(stateDir).length, 500);
});

test("calls OpenClaw did not price get OpenClaw's configured model cost; keys never cross", async () => {
  const stateDir = tmp();
  const openclawConfig = {
    models: { providers: { custom: { apiKey: "sk-plugin-test-secret", models: [{ id: "mine", cost: { input: 2, output: 10 } }] } } },
  };
  assert.deepEqual(toModelCatalog(openclawConfig), { custom: { models: [{ id: "mine", cost: { input: 2, output: 10 }, contextWindow: undefined, maxTokens: undefined, input: undefined }] } });
  const fake = createFakeApi({ stateDir, openclawConfig });
  plugin.register(fake.api);
  const { cost, ...unpriced } = EVENT.usage;
  fake.registered.hooks.get("llm_output")({ ...EVENT, provider: "custom", model: "mine", usage: unpriced }, CTX);
  await fake.registered.tools[0].execute("c", {});
  const [row] = ledgerRows(stateDir);
  assert.equal(row.cost_source, "config");
  assert.equal(row.cost_micros, 1034 * 2 + 56 * 10);
  assert.ok(!fs.readFileSync(path.join(stateDir, "model-router", "ledger.sqlite")).includes("sk-plugin-test-secret"));
});

// Three priced models and a free local one; OpenClaw's config describes the cloud endpoints.
const ROUTING_CONFIG = {
  timezone: "UTC",
  providers: { local: { tier: "local", local: { type: "ollama", endpoint: "http://127.0.0.1:1", models: ["tiny"] } } },
  capabilities: {
    "cloud/strong": { coding: 0.95, reasoning: 0.95, creative: 0.9, instruction: 0.95, context: 0.9, speed: 0.4, tools: true },
    "cloud/cheap": { coding: 0.3, reasoning: 0.5, creative: 0.4, instruction: 0.7, context: 0.3, speed: 0.9, tools: true },
    "local/tiny": { coding: 0.1, reasoning: 0.1, creative: 0.1, instruction: 0.1, context: 0.1, speed: 0.5 },
  },
};
const ROUTING_OPENCLAW = {
  models: { providers: { cloud: { apiKey: "sk-routing-secret", models: [
    { id: "strong", cost: { input: 10, output: 50 }, contextWindow: 200000, input: ["text", "image"] },
    { id: "cheap", cost: { input: 0.5, output: 1 }, contextWindow: 32000, input: ["text"] },
  ] } } },
};

function decisionRows(stateDir) {
  const db = new DatabaseSync(path.join(stateDir, "model-router", "ledger.sqlite"), { readOnly: true });
  try {
    return db.prepare("SELECT * FROM decisions ORDER BY id").all();
  } finally {
    db.close();
  }
}

test("before_model_resolve rewrites router/* turns, logs the decision and keeps explicit models", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir, config: ROUTING_CONFIG, openclawConfig: ROUTING_OPENCLAW });
  const hook = registered.hooks.get("before_model_resolve");
  const ctx = { runId: "r-code", agentId: "main", sessionKey: "agent:main:main", trigger: "user", modelProviderId: "router" };
  assert.deepEqual(await hook({ prompt: "anything" }, { ...ctx, modelId: "coding" }),
    { providerOverride: "cloud", modelOverride: "strong" });
  assert.deepEqual(await hook({ prompt: "thanks!" }, { ...ctx, runId: "r-simple", modelId: "simple" }),
    { providerOverride: "cloud", modelOverride: "cheap" });
  assert.deepEqual(await hook({ prompt: "look", attachments: [{ kind: "image" }] }, { ...ctx, runId: "r-img", modelId: "simple" }),
    { providerOverride: "cloud", modelOverride: "strong" }, "only strong takes images");
  assert.equal(await hook({ prompt: "hi" }, { ...ctx, modelProviderId: "cloud", modelId: "cheap" }), undefined);
  assert.equal(await hook({ prompt: "hi" }, { ...ctx, modelId: "fast" }), undefined, "errors never break a turn");
  assert.match(registered.warnings.join("\n"), /routing skipped: unknown router model "fast"/);

  const rows = decisionRows(stateDir);
  assert.deepEqual(rows.map((r) => [r.run_id, r.requested_model, `${r.chosen_provider}/${r.chosen_model}`, r.applied]),
    [["r-code", "coding", "cloud/strong", 1], ["r-simple", "simple", "cloud/cheap", 1], ["r-img", "simple", "cloud/strong", 1]]);
  assert.equal(JSON.parse(rows[1].detail).choice.ref, "cloud/cheap");
  assert.ok(!fs.readFileSync(path.join(stateDir, "model-router", "ledger.sqlite")).includes("sk-routing-secret"));
});

test("turns on explicit models never touch the ledger unless overrideExplicit is on", async () => {
  // A ledger that cannot be opened: any turn that reads it logs a warning.
  const config = { ...ROUTING_CONFIG, ledger: { path: "/proc/no-such-dir/ledger.sqlite" } };
  const ctx = { runId: "r", agentId: "main", trigger: "user", modelProviderId: "cloud", modelId: "cheap" };
  const kept = registerPlugin({ stateDir: tmp(), config, openclawConfig: ROUTING_OPENCLAW });
  assert.equal(await kept.hooks.get("before_model_resolve")({ prompt: "hi" }, ctx), undefined);
  assert.deepEqual(kept.warnings, []);
  assert.equal(await kept.hooks.get("before_model_resolve")({ prompt: "hi" }, { ...ctx, modelProviderId: "router", modelId: "auto" }), undefined);
  assert.match(kept.warnings.join("\n"), /routing skipped: .*ledger/);

  const rerouting = registerPlugin({ stateDir: tmp(), config: { ...ROUTING_CONFIG, routing: { overrideExplicit: true } }, openclawConfig: ROUTING_OPENCLAW });
  assert.deepEqual(await rerouting.hooks.get("before_model_resolve")({ prompt: "thanks!" }, ctx),
    { providerOverride: "cloud", modelOverride: "cheap" });
});

test("llm_input's size is recorded with the attempt; its text is not", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir });
  registered.hooks.get("llm_input")({
    runId: "run-1", systemPrompt: "S".repeat(1000), prompt: "hello",
    historyMessages: [{ role: "user", content: "x".repeat(30) }, { role: "assistant", content: [{ type: "text", text: "y".repeat(20) }] }],
  }, CTX);
  registered.hooks.get("llm_output")(EVENT, CTX);
  await registered.tools[0].execute("c", {});
  const [row] = ledgerRows(stateDir);
  assert.equal(row.input_chars, 1000 + 5 + 30 + 20);
  assert.ok(!fs.readFileSync(path.join(stateDir, "model-router", "ledger.sqlite")).includes("SSSSSSSSSS"));
});

test("router route explains the decision in text and JSON, and logs nothing", async () => {
  const stateDir = tmp();
  const registered = registerPlugin({ stateDir, config: ROUTING_CONFIG, openclawConfig: ROUTING_OPENCLAW });
  const json = JSON.parse((await runCli(registered, ["router", "route", "thanks a lot!", "--model", "router/simple", "--json"])).out);
  assert.equal(json.schema, "router.route/1");
  assert.equal(json.choice.ref, "cloud/cheap");
  assert.deepEqual(json.ranked.map((r) => r.ref), ["cloud/cheap", "cloud/strong", "local/tiny"]);
  const text = (await runCli(registered, ["router", "route", "write a haiku", "--model", "router/creative"])).out;
  assert.match(text, /^-> cloud\/strong\n/);
  assert.match(text, /local\/tiny \(local\)/);
  const bad = await runCli(registered, ["router", "route", "x", "--attachments", "many"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /argument attachments must be a whole number/);
  assert.equal(decisionRows(stateDir).length, 0);
});

test("the gateway route answers POSTed prompts with the same JSON", async () => {
  const registered = registerPlugin({ stateDir: tmp(), config: ROUTING_CONFIG, openclawConfig: ROUTING_OPENCLAW });
  const [route] = registered.routes;
  const call = async (method, body) => {
    const req = (async function* () { if (body !== undefined) yield Buffer.from(body); })();
    req.method = method;
    const res = { headers: {}, setHeader(k, v) { this.headers[k] = v; }, end(text) { this.body = text; } };
    assert.equal(await route.handler(req, res), true);
    return { status: res.statusCode, json: JSON.parse(res.body), type: res.headers["content-type"] };
  };
  const ok = await call("POST", JSON.stringify({ prompt: "thanks!", model: "router/simple" }));
  assert.equal(ok.status, 200);
  assert.match(ok.type, /application\/json/);
  assert.equal(ok.json.choice.ref, "cloud/cheap");
  const cli = JSON.parse((await runCli(registered, ["router", "route", "thanks!", "--model", "router/simple", "--json"])).out);
  assert.deepEqual({ ...ok.json, generatedAtMs: 0 }, { ...cli, generatedAtMs: 0 });
  assert.equal((await call("GET")).status, 405);
  assert.deepEqual(await call("POST", "{not json"), { status: 400, json: { error: 'request body must be JSON such as {"prompt": "..."}' }, type: "application/json; charset=utf-8" });
  assert.equal((await call("POST", "{}")).json.error, "missing argument: prompt");
  assert.equal((await call("POST", "{}")).status, 400);
});

test("router predict and the router_predict tool share one JSON shape", async () => {
  const stateDir = tmp();
  const config = { timezone: "UTC", providers: { fakeai: { windows: [{ name: "daily", limit: 100000, schedule: { type: "daily" } }] } } };
  const registered = registerPlugin({ stateDir, config });
  registered.hooks.get("llm_output")(EVENT, CTX);
  const tool = registered.tools.find((t) => t.name === "router_predict");
  const result = await tool.execute("c", { hours: 12 });
  const predict = result.details.routerPredict;
  assert.equal(predict.schema, "router.predict/1");
  assert.equal(predict.horizonHours, 12);
  assert.deepEqual(predict.forecasts.map((f) => [f.provider, f.window, f.unit, f.used]), [["fakeai", "daily", "tokens", 1034 + 56]]);
  assert.match(result.content[0].text, /^fakeai daily: /);
  const cli = JSON.parse((await runCli(registered, ["router", "predict", "--hours", "12", "--json"])).out);
  assert.deepEqual(Object.keys(cli), Object.keys(predict));
  assert.deepEqual(cli.forecasts.map((f) => Object.keys(f)), predict.forecasts.map((f) => Object.keys(f)));
  assert.match((await runCli(registered, ["router", "predict"])).out, /quota forecasts at .* horizon 24 h/);
  const bad = await runCli(registered, ["router", "predict", "--hours", "0"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /argument hours must be a whole number from 1 to 720/);
});
