// Local model servers end to end in real OpenClaw: a fake Ollama and a fake llama.cpp server on
// loopback (free ports, configured as the plugin's local endpoints) are found by `openclaw router
// detect-local` over real libcurl and merged with OpenClaw's own discovered models (its Ollama
// provider at the fake); `--write` adds the Ollama models and their quantization to the plugin
// config, a `router/auto` turn through a real gateway lands on one of them (OpenClaw's own Ollama
// provider sends it to the fake's /api/chat), and `router undo` takes the config back.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { REPO, Sandbox } from "./sandbox.mjs";

const TAGS = {
  models: [
    { name: "qwen3:8b", model: "qwen3:8b", size: 5225388164, digest: "500a1f06",
      details: { format: "gguf", family: "qwen3", parameter_size: "8.2B", quantization_level: "Q4_K_M" } },
    { name: "llama3.2:3b", model: "llama3.2:3b", size: 2019393189, digest: "a80c4f17",
      details: { format: "gguf", family: "llama", parameter_size: "3.2B", quantization_level: "Q8_0" } },
  ],
};
const PS = { models: [{ ...TAGS.models[0], size_vram: 6654289920, context_length: 8192, expires_at: "2099-01-01T00:00:00Z" }] };
const GGUF = "gemma-3-4b-it-Q4_K_M.gguf";

/** Starts `handler` on a free loopback port; resolves {url, requests, close}. */
async function serve(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      requests.push({ method: req.method, path: req.url, body });
      handler(req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const json = (res, status, value) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

// Ollama: /api/tags, /api/ps, /api/show and a streamed /api/chat (NDJSON, as Ollama sends it).
function ollama(req, res, body) {
  const route = `${req.method} ${req.url.split("?")[0]}`;
  if (route === "GET /") return res.end("Ollama is running");
  if (route === "GET /api/version") return json(res, 200, { version: "0.12.0" });
  if (route === "GET /api/tags") return json(res, 200, TAGS);
  if (route === "GET /api/ps") return json(res, 200, PS);
  if (route === "POST /api/show") {
    return json(res, 200, { capabilities: ["completion", "tools"], model_info: { "general.context_length": 32768 } });
  }
  if (route === "POST /api/chat") {
    const model = JSON.parse(body || "{}").model;
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const at = new Date().toISOString();
    res.write(`${JSON.stringify({ model, created_at: at, message: { role: "assistant", content: "Hello from the local model." }, done: false })}\n`);
    return res.end(`${JSON.stringify({ model, created_at: at, message: { role: "assistant", content: "" }, done: true,
      done_reason: "stop", prompt_eval_count: 1200, eval_count: 8 })}\n`);
  }
  return json(res, 404, { error: `no route ${route}` });
}

// llama-server: /health, /v1/models and /props.
function llamacpp(req, res) {
  const route = `${req.method} ${req.url.split("?")[0]}`;
  if (route === "GET /health") return json(res, 200, { status: "ok" });
  if (route === "GET /v1/models" || route === "GET /models") {
    return json(res, 200, { object: "list", data: [{ id: GGUF, object: "model", created: 1765000000, owned_by: "llamacpp",
      meta: { n_ctx_train: 131072, n_params: 3880263168, size: 2489757856 } }] });
  }
  if (route === "GET /props") return json(res, 200, { default_generation_settings: { n_ctx: 8192 }, total_slots: 1 });
  return json(res, 404, { error: { code: 404, message: "File Not Found" } });
}

const sandbox = Sandbox.create("local");
let fakeOllama;
let fakeLlama;
let configFile;

// On a loaded machine OpenClaw's own 5 s startup lease can run out; one more try then.
async function startGateway() {
  try {
    return await sandbox.startGateway({ readyTimeoutMs: 300_000 });
  } catch (err) {
    if (!/lease heartbeat did not become ready/.test(err.message)) throw err;
    return sandbox.startGateway({ readyTimeoutMs: 300_000 });
  }
}

const routerConfig = () => JSON.parse(fs.readFileSync(configFile, "utf8")).plugins.entries["model-router"].config;

describe("local model servers in real OpenClaw", { timeout: 1_500_000 }, () => {
  before(async () => {
    fakeOllama = await serve(ollama);
    fakeLlama = await serve(llamacpp);
    configFile = path.join(sandbox.stateDir, "openclaw.json");
    // OpenClaw's Ollama provider wants a key even for a local host (any value; the docs' marker).
    sandbox.env.OLLAMA_API_KEY = "ollama-local";
    await sandbox.setUp({
      pluginConfig: {
        timezone: "UTC",
        localModelPreference: "prefer",
        providers: {
          ollama: { local: { type: "ollama", endpoint: fakeOllama.url } },
          llamalocal: { local: { type: "llamacpp", endpoint: fakeLlama.url } },
        },
      },
      // OpenClaw's own Ollama provider at the fake, with discovery (no model list).
      providers: { ollama: { baseUrl: fakeOllama.url, api: "ollama", apiKey: "ollama-local", models: [] } },
      primary: "router/auto",
    });
  });

  after(async () => {
    sandbox.stop();
    await fakeOllama?.close();
    await fakeLlama?.close();
  });

  test("detect-local finds the fake Ollama and llama.cpp servers with their models", async () => {
    const result = await sandbox.json(["router", "detect-local"]);
    assert.equal(result.schema, "router.detect-local/1");
    const byProvider = Object.fromEntries(result.servers.map((s) => [s.provider, s]));
    const o = byProvider.ollama;
    assert.equal(o.found, true, JSON.stringify(o));
    assert.equal(o.type, "ollama");
    assert.equal(o.endpoint, fakeOllama.url);
    assert.equal(o.openclawProvider, true);
    assert.deepEqual(o.models.map((m) => [m.id, m.quantization, m.loaded, m.contextLength]),
      [["qwen3:8b", "Q4_K_M", true, 8192], ["llama3.2:3b", "Q8_0", false, 32768]]);
    // OpenClaw's own Ollama provider discovered the same two models (`openclaw models list
    // --local --refresh`): one entry each, with both sources; its context window fills the gap.
    assert.equal(result.openclawDiscovery.ok, true, JSON.stringify(result.openclawDiscovery));
    assert.equal(result.openclawDiscovery.models, 2);
    assert.deepEqual(o.models.map((m) => m.sources), [["probe", "openclaw"], ["probe", "openclaw"]]);
    const l = byProvider.llamalocal;
    assert.equal(l.found, true, JSON.stringify(l));
    assert.equal(l.type, "llamacpp");  // told from MLX by owned_by and /props
    assert.equal(l.openclawProvider, false);  // OpenClaw has no provider there
    assert.deepEqual(l.models, [{ id: GGUF, sources: ["probe"], sizeBytes: 2489757856, quantization: null, contextLength: 8192, loaded: true, format: "gguf" }]);
    // Before --write the router has no local model to pick.
    const route = await sandbox.json(["router", "route", "hi there", "--agent", "main"]);
    assert.ok(!JSON.stringify(route.ranked).includes("ollama/"), JSON.stringify(route.ranked));

    // The native CLI probes the same way and prints the same servers.
    // (asynchronously: the fake servers answer from this process's event loop)
    const native = await new Promise((resolve) => {
      execFile(path.join(REPO, "build/Release/openclaw-router"), ["detect-local", "--json"], { env: sandbox.env },
        (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
    assert.equal(native.code, 0, native.stderr);
    // The native CLI has no OpenClaw to ask: the probes' figures only.
    const strip = (r) => r.servers.filter((s) => s.found).map((s) => ({ ...s, elapsedMs: 0,
      models: s.models.map(({ id, sizeBytes, quantization, loaded, format }) => ({ id, sizeBytes, quantization, loaded, format })) }));
    assert.deepEqual(strip(JSON.parse(native.stdout)), strip(result));
  });

  test("--write adds the Ollama models, a gateway turn on router/auto lands on one, undo takes them back", async () => {
    const before = routerConfig();
    const written = await sandbox.json(["router", "detect-local", "--write"]);
    assert.deepEqual(written.applied.added, ["ollama/qwen3:8b", "ollama/llama3.2:3b"]);
    assert.deepEqual(routerConfig().providers.ollama.local.models, ["qwen3:8b", "llama3.2:3b"]);
    assert.deepEqual(routerConfig().providers.ollama.local.quantization, { "qwen3:8b": "Q4_K_M", "llama3.2:3b": "Q8_0" });
    assert.equal(routerConfig().providers.llamalocal.local.models, undefined, "not routable: left out");

    const route = await sandbox.json(["router", "route", "hi there", "--agent", "main"]);
    assert.match(route.choice?.ref ?? "", /^ollama\//, JSON.stringify(route));
    assert.equal(route.ranked[0].local, true);
    assert.equal(route.ranked[0].quantization.source, "detected", JSON.stringify(route.ranked[0]));

    const gateway = await startGateway();
    try {
      const chatsBefore = fakeOllama.requests.filter((r) => r.path === "/api/chat").length;
      const turn = await sandbox.openclaw(["agent", "--agent", "main", "--message", "hi there", "--json"],
        { env: gateway.env });
      assert.equal(turn.code, 0, `${turn.stdout}\n${turn.stderr}\n${gateway.log()}`);
      const chats = fakeOllama.requests.filter((r) => r.path === "/api/chat").slice(chatsBefore);
      assert.ok(chats.length >= 1, "the turn reached the fake Ollama");
      assert.ok(["qwen3:8b", "llama3.2:3b"].includes(JSON.parse(chats[0].body).model), chats[0].body);
    } finally {
      await gateway.stop();
    }
    const status = await sandbox.json(["router", "status"]);
    const local = status.providers.find((p) => p.provider === "ollama");
    assert.ok(local?.today.calls >= 1, JSON.stringify(status.providers));
    assert.equal(local.today.costMicros, 0);

    const undone = await sandbox.json(["router", "undo"]);
    assert.equal(undone.schema, "router.undo/1");
    assert.deepEqual(routerConfig(), before);
  });
});
