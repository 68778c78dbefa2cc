// The native binding through binding/index.js: argument checks, error codes, round trips, and
// several processes sharing one ledger file.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Runtime, routerModels, summarizeStatus } from "../../binding/index.js";

const BINDING = fileURLToPath(new URL("../../binding/index.js", import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "router-binding-"));

const CALL = {
  provider: "fakeai", model: "fake-strong", resolvedRef: "fakeai/fake-strong", runId: "run-1",
  sessionKey: "agent:main:main", agentId: "main", trigger: "user",
  usage: { input: 1034, output: 56, cacheRead: 200, cacheWrite: 0, total: 1290, cost: { total: 0.004002 } },
};

test("openRuntime checks its arguments", () => {
  assert.throws(() => new Runtime(), TypeError);
  assert.throws(() => new Runtime({ config: {} }), /openRuntime\(\{config\?: object, stateDir: string, openclawModels\?: object\}\)/);
});

test("a bad config throws ROUTER_INVALID_ARGUMENT naming the key", () => {
  assert.throws(() => new Runtime({ config: { ledger: { busyTimeoutMs: "soon" } }, stateDir: tmp() }), (err) => {
    assert.equal(err.code, "ROUTER_INVALID_ARGUMENT");
    assert.match(err.message, /"ledger\.busyTimeoutMs" must be an integer from 100 to 60000/);
    return true;
  });
  assert.throws(() => new Runtime({ config: { ledgr: {} }, stateDir: tmp() }), /unknown key "ledgr"/);
});

test("recorded calls come back in status and providers", async () => {
  const dir = tmp();
  const recorder = new Runtime({ config: { timezone: "UTC" }, stateDir: dir });
  assert.equal(recorder.ledgerPath, path.join(dir, "model-router", "ledger.sqlite"));
  assert.equal(recorder.record(CALL), undefined);
  assert.equal(recorder.record({ ...CALL, usage: undefined }), undefined);  // a failed attempt
  await recorder.flush();
  const { text, value: status } = await recorder.run("status");
  assert.equal(status.schema, "router.status/1");
  assert.deepEqual(status.totals.today, {
    calls: 2, failures: 1, invalid: 0, messages: 1, requests: 2, inputTokens: 1034, outputTokens: 56,
    cacheReadTokens: 200, cacheWriteTokens: 0, costMicros: 4002, costUsd: 0.004002,
  });
  assert.match(recorder.render(text), /fake-strong\s+2\s+1\s+1,034\s+56\s+200/);
  assert.match(summarizeStatus(text), /^Today: 2 model calls \(1 failed\), 1,290 tokens/);
  const { value: providers } = await recorder.run("providers");
  assert.equal(providers.providers[0].provider, "fakeai");
  assert.equal(providers.providers[0].failures, 1);
  assert.deepEqual((await recorder.run("status", { provider: "nobody" })).value.providers, []);
});

test("run() checks its arguments and rejects unknown commands with a code", async () => {
  const recorder = new Runtime({ config: {}, stateDir: tmp() });
  await assert.rejects(recorder.run(), TypeError);
  await assert.rejects(recorder.run("launch"), (err) => {
    assert.equal(err.code, "ROUTER_INVALID_ARGUMENT");
    assert.match(err.message, /unknown command "launch"/);
    return true;
  });
  await assert.rejects(recorder.run("set-usage", { provider: "x" }), /missing argument: value/);
});

test("set-usage, status, undo round trip through the binding", async () => {
  const config = {
    providers: { fakeai: { quotaType: "tokens", windows: [{ name: "daily", limit: 10000, schedule: { type: "daily" } }] } },
  };
  const recorder = new Runtime({ config, stateDir: tmp() });
  recorder.record(CALL);  // 1034 + 56 tokens
  const { value: set } = await recorder.run("set-usage", { provider: "fakeai", value: "50%" });
  assert.equal(set.schema, "router.set-usage/1");
  assert.equal(set.used, 5000);
  const { value: status } = await recorder.run("status");
  assert.equal(status.quotas[0].used, 5000);
  assert.equal(status.quotas[0].basis.kind, "manual");
  const { value: undo } = await recorder.run("undo");
  assert.equal(undo.undone.kind, "set-usage");
  assert.equal((await recorder.run("status")).value.quotas[0].used, 1090);
  await assert.rejects(recorder.run("set-usage", { provider: "fakeai", value: "$3" }), /USD given, but this window counts tokens/);
});

test("a malformed payload is reported, recorded as invalid, and loses nothing", async () => {
  const recorder = new Runtime({ config: {}, stateDir: tmp() });
  recorder.record(CALL);
  const problems = recorder.record({ ...CALL, usage: { input: "lots" } });
  assert.equal(problems.length, 1);
  assert.match(problems[0], /usage\.input must be a non-negative whole number, got "lots"/);
  assert.match(recorder.record(null)[0], /payload must be an object/);
  await recorder.flush();
  const { totals } = (await recorder.run("status")).value;
  assert.equal(totals.today.calls, 3);
  assert.equal(totals.today.invalid, 2);
  assert.equal(totals.today.inputTokens, 1034);
});

test("instances for the same ledger share one queue", async () => {
  const dir = tmp();
  const a = new Runtime({ config: {}, stateDir: dir });
  const b = new Runtime({ config: {}, stateDir: dir });
  a.record(CALL);
  b.record(CALL);
  await a.flush();  // flushing one flushes the shared queue
  assert.equal((await b.run("status")).value.totals.today.calls, 2);
});

test("a newer-schema file (ROUTER_FAILED_PRECONDITION) or a foreign one (ROUTER_CORRUPTION) is refused and left untouched", async () => {
  const dir = tmp();
  const newer = path.join(dir, "newer.sqlite");
  execFileSync("sqlite3", [newer, "PRAGMA user_version = 7;"]);
  const garbage = path.join(dir, "garbage.sqlite");
  fs.writeFileSync(garbage, "this is not a database, it is a shopping list\n".repeat(200));
  for (const [file, code, pattern] of [
    [newer, "ROUTER_FAILED_PRECONDITION", /schema version 7, newer than this build's.*upgrade/],
    [garbage, "ROUTER_CORRUPTION", /not a ledger.*move it aside/],
  ]) {
    const digest = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    const recorder = new Runtime({ config: { ledger: { path: file } }, stateDir: dir });
    await assert.rejects(recorder.run("status"), (err) => {
      assert.equal(err.code, code);
      assert.match(err.message, pattern);
      assert.match(err.stack, /runtime\.test\.mjs/, "the stack points at the caller");
      return true;
    });
    assert.equal(crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"), digest);
  }
});

test("renderers reject a foreign shape with a TypeError", () => {
  const recorder = new Runtime({ config: {}, stateDir: tmp() });
  assert.throws(() => recorder.render(JSON.stringify({ hello: 1 })), /unexpected report shape/);
  assert.throws(() => recorder.render("{not json"), /not JSON/);
  assert.throws(() => summarizeStatus(), TypeError);
});

test("several processes write one ledger at once while it is read, without lock errors", async () => {
  const dir = tmp();
  const writers = 3;
  const perWriter = 400;
  const script = `
    import { Runtime } from ${JSON.stringify(BINDING)};
    const r = new Runtime({ config: {}, stateDir: ${JSON.stringify(dir)} });
    const problems = [];
    for (let i = 0; i < ${perWriter}; i++) {
      problems.push(...(r.record({ provider: "p" + process.argv[1], model: "m", trigger: "user",
        usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, cost: { total: 0.000001 } } }) ?? []));
      if (i % 50 === 0) await r.flush();
    }
    await r.flush();
    if (problems.length) { console.error(problems.join("\\n")); process.exit(2); }`;
  const children = Array.from({ length: writers }, (_, i) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, String(i)], { stdio: ["ignore", "inherit", "inherit"] });
      child.on("exit", resolve);
    }));
  const reader = new Runtime({ config: {}, stateDir: dir });
  let reads = 0;
  let done = false;
  const exits = Promise.all(children).finally(() => { done = true; });
  while (!done) {
    await reader.run("status");
    reads++;
  }
  assert.deepEqual(await exits, Array(writers).fill(0));
  const status = (await reader.run("status")).value;
  assert.equal(status.totals.today.calls, writers * perWriter);
  assert.equal(status.totals.today.costMicros, writers * perWriter);
  assert.ok(reads > 0);
});

test("the manifest's router models are the core's", () => {
  const manifest = JSON.parse(fs.readFileSync(new URL("../../openclaw.plugin.json", import.meta.url), "utf8"));
  assert.deepEqual(manifest.modelCatalog.providers.router.models.map((m) => m.id), [...routerModels]);
});

test("routeTurn answers explicit turns at once and routes router/* turns, logged", async () => {
  const runtime = new Runtime({ config: { timezone: "UTC", providers: { openai: { models: ["gpt-5-mini", "gpt-5"] } } }, stateDir: tmp() });
  assert.equal(await runtime.routeTurn({ prompt: "hi", model: "openai/gpt-5", runId: "r0" }), null);
  const turn = await runtime.routeTurn({ prompt: "what's the capital of France?", model: "router/auto", runId: "r1" });
  assert.equal(turn.routed, true);
  assert.equal(turn.provider, "openai");
  assert.ok(["gpt-5-mini", "gpt-5"].includes(turn.model), turn.model);
  assert.equal(turn.alias, "auto");
  assert.ok(turn.decisionId > 0, "the decision is logged");
  const { value: status } = await runtime.run("status");
  assert.equal(status.routing.today.decisions, 1, "only the router/* turn was logged");
  const awaiting = async () => await runtime.routeTurn({ prompt: "x", model: "router/fast" });
  await assert.rejects(awaiting(), (err) => {
    assert.match(err.message, /unknown router model "fast"/);
    assert.equal(err.code, "ROUTER_INVALID_ARGUMENT");
    assert.match(err.stack, /awaiting .*runtime\.test\.mjs/, "the stack names the awaiting caller");
    return true;
  });
  assert.throws(() => runtime.routeTurn({ prompt: "x", model: "nope" }), /argument model must be "provider\/model"/);
  assert.throws(() => runtime.routeTurn("x"), TypeError);
});

// routeTurn reads its fields straight from the object (no JSON step); the core checks them, so
// a bad field gets the same error, naming it, as the JSON path of the route command.
test("routeTurn refuses a field of the wrong type by name, as the route command does", async () => {
  const runtime = new Runtime({ config: { timezone: "UTC", providers: { openai: { models: ["gpt-5-mini"] } } }, stateDir: tmp() });
  const cases = [
    [{}, "missing argument: prompt"],
    [{ prompt: 5 }, "argument prompt must be a string"],
    [{ prompt: "x", agent: 5 }, "argument agent must be a string"],
    [{ prompt: "x", runId: {} }, "argument runId must be a string"],
    [{ prompt: "x", model: ["router/auto"] }, "argument model must be a string"],
    [{ prompt: "x", attachments: 1.5 }, "argument attachments must be a whole number from 0 to 1000"],
    [{ prompt: "x", attachments: "2" }, "argument attachments must be a whole number from 0 to 1000"],
    [{ prompt: "x", contextChars: -1 }, "argument contextChars must be a whole number from 0 to 1099511627776"],
    [{ prompt: "x", log: "yes" }, "argument log must be true or false"],
    [{ prompt: "x", failed: "none" }, "argument failed must be a list (at most 20) of {ref, status?, message?, retryAfter?, empty?}"],
    [{ prompt: "x", failed: [{ ref: 7 }] }, "failed[0]: argument ref must be a string"],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => runtime.routeTurn(args), (err) => {
      assert.equal(err.code, "ROUTER_INVALID_ARGUMENT", JSON.stringify(args));
      assert.equal(err.message, message);
      return true;
    });
    await assert.rejects(runtime.run("route", args), { message }, "the route command says the same");
  }
  // null and undefined are absent, as in JSON.
  const turn = await runtime.routeTurn({ prompt: "hi", model: "router/auto", agent: null, jobId: undefined, failed: null });
  assert.equal(turn.model, "gpt-5-mini");
});

// Routing decisions run on the addon's own background thread (binding/background.cc), not on
// libuv's pool: a pending one must keep the process alive, and neither an exit with the Runtime
// still alive nor one after it was collected may touch the freed thread-safe function.
test("routed turns keep the process alive until they settle, and exit cleanly either way", () => {
  const script = (collect) => `
    import { Runtime } from ${JSON.stringify(BINDING)};
    let runtime = new Runtime({ config: { timezone: "UTC", providers: { openai: { models: ["gpt-5-mini"] } } }, stateDir: process.argv[1] });
    const turns = [1, 2, 3].map((i) => runtime.routeTurn({ prompt: "hello " + i, model: "router/auto", runId: "r" + i }));
    Promise.all(turns).then((all) => {
      console.log(all.map((t) => t.model).join(","));
      ${collect ? "runtime = undefined; setImmediate(() => { globalThis.gc(); setTimeout(() => console.log('collected'), 50); });" : ""}
    });`;
  for (const collect of [false, true]) {
    const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script(collect), tmp()], { encoding: "utf8", timeout: 60_000 });
    assert.equal(out.trim(), collect ? "gpt-5-mini,gpt-5-mini,gpt-5-mini\ncollected" : "gpt-5-mini,gpt-5-mini,gpt-5-mini");
  }
});

test("recordFailure queues a failed attempt's cooldown; status shows it after the queue commits", async () => {
  const runtime = new Runtime({ config: { timezone: "UTC" }, stateDir: tmp() });
  const failure = { ref: "fakeai/fake-strong", status: 429, message: "429 slow down; Retry-After: 30" };
  const before = Date.now();
  assert.equal(runtime.recordFailure("fakeai", "fake-strong", failure), undefined);
  runtime.recordFailure("fakeai", "fake-mid", { ref: "fakeai/fake-mid", status: 400, message: "400 bad payload" });
  await runtime.flush();
  const cooldowns = (await runtime.run("status")).value.routing.cooldowns;
  assert.deepEqual(cooldowns.map((c) => [c.provider, c.model, c.kind]), [["fakeai", "fake-strong", "rate-limited"]]);
  assert.ok(cooldowns[0].untilMs >= before + 30_000 && cooldowns[0].untilMs <= Date.now() + 30_000);
  assert.throws(() => runtime.recordFailure("fakeai", "", failure), (err) => err.code === "ROUTER_INVALID_ARGUMENT");
  assert.throws(() => runtime.recordFailure("fakeai"), TypeError);
});
